//! Search indexes a server keeps in memory, one per organisation, each brought up to date with
//! the database's change log before it answers. Every node keeps its own, so an edit made
//! through any node is found through every other at its next search.

use crate::BankError;
use crate::index::catch_up;
use parley_domain::OrgId;
use parley_embed::Embedder;
use parley_search::{Filters, Hit, SearchIndex};
use parley_store::Store;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::RwLock;

/// How a search ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    Lexical,
    Semantic,
    #[default]
    Hybrid,
}

impl std::str::FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "lexical" => Ok(Mode::Lexical),
            "semantic" => Ok(Mode::Semantic),
            "hybrid" => Ok(Mode::Hybrid),
            other => Err(format!(
                "unknown search mode {other:?}: use lexical, semantic or hybrid"
            )),
        }
    }
}

pub struct LiveIndexes {
    store: Store,
    model: Option<Arc<Embedder>>,
    orgs: Mutex<HashMap<OrgId, Arc<RwLock<SearchIndex>>>>,
}

impl LiveIndexes {
    pub fn new(store: Store, model: Option<Arc<Embedder>>) -> LiveIndexes {
        LiveIndexes {
            store,
            model,
            orgs: Mutex::new(HashMap::new()),
        }
    }

    /// Whether semantic ranking is available.
    pub fn semantic(&self) -> bool {
        self.model.is_some()
    }

    /// `org`'s index, caught up with every change committed before this call.
    pub async fn current(&self, org: OrgId) -> Result<Arc<RwLock<SearchIndex>>, BankError> {
        let index = {
            let mut orgs = self.orgs.lock().unwrap_or_else(|p| p.into_inner());
            match orgs.get(&org) {
                Some(i) => i.clone(),
                None => {
                    let model = self.model.as_deref().map(Embedder::model_id);
                    let i = Arc::new(RwLock::new(SearchIndex::in_memory(model)?));
                    orgs.insert(org, i.clone());
                    i
                }
            }
        };
        let newest = self.store.change_watermark(org).await?;
        if index.read().await.watermark() != newest {
            let mut w = index.write().await;
            // Another request may have caught up while this one waited for the lock.
            if w.watermark() != newest {
                catch_up(&self.store, org, &mut w, self.model.as_deref()).await?;
            }
        }
        Ok(index)
    }

    /// Catches up every index this process holds (a background task calls it, so that a big
    /// import is indexed before someone searches for it).
    pub async fn catch_up_all(&self) -> Result<(), BankError> {
        let orgs: Vec<OrgId> = self
            .orgs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .keys()
            .copied()
            .collect();
        for org in orgs {
            self.current(org).await?;
        }
        Ok(())
    }

    /// The best `limit` questions of `org` for `query`. Without the model every mode ranks
    /// by words.
    pub async fn search(
        &self,
        org: OrgId,
        query: &str,
        mode: Mode,
        filters: &Filters,
        limit: usize,
    ) -> Result<Vec<Hit>, BankError> {
        let vector = match (&self.model, mode) {
            (Some(model), Mode::Semantic | Mode::Hybrid) if !query.trim().is_empty() => {
                let (model, q) = (model.clone(), query.to_string());
                // Inference is CPU work; keep it off the async workers.
                Some(
                    tokio::task::spawn_blocking(move || {
                        model.embed_queries(&[q.as_str()]).remove(0)
                    })
                    .await
                    .map_err(|e| BankError::Worker(e.to_string()))?,
                )
            }
            _ => None,
        };
        let index = self.current(org).await?;
        let index = index.read().await;
        Ok(match (vector, mode) {
            (Some(v), Mode::Semantic) => index.search_semantic(query, &v, filters, limit)?,
            (Some(v), _) => index.search_hybrid(query, &v, filters, limit)?,
            (None, _) => index.search_lexical(query, filters, limit)?,
        })
    }

    /// The questions of `org` most like question `id`, by meaning (none without the model).
    pub async fn similar(
        &self,
        org: OrgId,
        id: &str,
        filters: &Filters,
        limit: usize,
    ) -> Result<Vec<Hit>, BankError> {
        let index = self.current(org).await?;
        let index = index.read().await;
        Ok(index.similar_to(id, filters, limit)?)
    }
}
