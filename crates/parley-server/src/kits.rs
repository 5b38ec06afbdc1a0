//! Building and rebuilding kits for the API and the web pages alike: gathers what the planner
//! reads (the bank as a pool, the questions already asked, the organisation's scripts, the
//! panel's names) and hands it to the domain's pure planner.

use crate::error::ApiError;
use crate::state::AppState;
use parley_domain::experience::{Mention, technologies_in};
use parley_domain::kit::{Kit, KitItem, PoolQuestion};
use parley_domain::plan::{KitRequest, alternatives, plan};
use parley_domain::{InterviewId, OrgId, QuestionId, UserId};
use parley_store::{Candidate, Interview, JobRole, Store, StoreError};
use std::collections::HashSet;

/// The bank as the planner sees it: every question that is not itself a follow-up, with the
/// texts of its follow-ups.
pub async fn pool(store: &Store, org: OrgId) -> Result<Vec<PoolQuestion>, StoreError> {
    Ok(parley_bank::practice::pool_of(
        store.all_questions(org).await?,
    ))
}

/// Everything a kit is planned from, fetched once.
pub struct Planning {
    pub role: JobRole,
    pub candidate: Candidate,
    pub mentions: Vec<Mention>,
    pub names: Vec<String>,
    pub pool: Vec<PoolQuestion>,
    pub asked: HashSet<QuestionId>,
    pub scripts: parley_domain::plan::Scripts,
}

impl Planning {
    pub async fn gather(
        state: &AppState,
        org: OrgId,
        role: JobRole,
        candidate: Candidate,
        panel: &[UserId],
        except: Option<InterviewId>,
    ) -> Result<Planning, ApiError> {
        let store = &state.store;
        let users = store.users_of(org).await?;
        // The store checked the panel when it was set; someone removed since keeps their seat
        // under a neutral name.
        let names = panel
            .iter()
            .map(|id| {
                users
                    .iter()
                    .find(|u| u.id == *id)
                    .map_or_else(|| "a former colleague".to_string(), |u| u.name.clone())
            })
            .collect();
        Ok(Planning {
            mentions: technologies_in(&candidate.draft.experience),
            asked: store.asked_questions(org, candidate.id, except).await?,
            pool: pool(store, org).await?,
            scripts: store.org_settings(org).await?.scripts(),
            names,
            role,
            candidate,
        })
    }

    fn request(
        &self,
        length: u32,
        pinned: Vec<(String, KitItem)>,
        next_item: u32,
    ) -> KitRequest<'_> {
        KitRequest {
            role: &self.role.draft,
            candidate: &self.candidate.draft,
            mentions: &self.mentions,
            length,
            interviewers: &self.names,
            pool: &self.pool,
            asked: &self.asked,
            scripts: &self.scripts,
            language: None,
            pinned,
            next_item,
        }
    }

    /// A new kit.
    pub fn build(&self, length: u32) -> Result<Kit, ApiError> {
        Ok(plan(&self.request(length, Vec::new(), 1))?)
    }

    /// The kit planned again (perhaps for another length), keeping `old`'s pinned items and
    /// never reusing its item ids.
    pub fn rebuild(&self, old: &Kit, length: u32) -> Result<Kit, ApiError> {
        let pinned = old
            .blocks
            .iter()
            .flat_map(|b| {
                b.items
                    .iter()
                    .filter(|i| i.pinned)
                    .map(|i| (b.key.clone(), i.clone()))
            })
            .collect();
        Ok(plan(&self.request(length, pinned, old.next_item))?)
    }

    /// Questions that could stand in for those of block `key`, best first.
    pub fn alternatives(&self, kit: &Kit, key: &str, limit: usize) -> Vec<&PoolQuestion> {
        alternatives(
            &self.request(kit.length_minutes, Vec::new(), 1),
            kit,
            key,
            &self.pool,
            limit,
        )
    }

    pub fn question(&self, id: QuestionId) -> Option<&PoolQuestion> {
        self.pool.iter().find(|q| q.id == id)
    }
}

/// The role, candidate and planning inputs of an existing interview.
pub async fn planning_for(state: &AppState, iv: &Interview) -> Result<Planning, ApiError> {
    let role = state.store.role(iv.org, iv.role).await?;
    let candidate = state.store.candidate(iv.org, iv.candidate).await?;
    Planning::gather(state, iv.org, role, candidate, &iv.panel, Some(iv.id)).await
}

/// What may replace kit item `item` of competency block `key` (or join the block, without an
/// item): the questions most like the item's by meaning first, when the model is loaded, then
/// the competency's best by the planner's order — always of the same competency, never in the
/// kit, never asked of this candidate before.
pub async fn suggestions(
    state: &AppState,
    planning: &Planning,
    kit: &Kit,
    key: &str,
    item: Option<u32>,
    limit: usize,
) -> Result<Vec<PoolQuestion>, ApiError> {
    let eligible = planning.alternatives(kit, key, usize::MAX);
    let mut out: Vec<PoolQuestion> = Vec::new();
    if let Some(qid) = item.and_then(|i| kit.item(i)).and_then(|i| i.question_id) {
        let filters = parley_search::Filters::default();
        match state
            .indexes
            .similar(planning.role.org, &qid.to_string(), &filters, 30)
            .await
        {
            Ok(hits) => {
                for hit in hits {
                    if let Some(q) = eligible.iter().find(|q| q.id.to_string() == hit.id) {
                        out.push((*q).clone());
                    }
                }
            }
            Err(parley_bank::BankError::Store(e)) => return Err(e.into()),
            // The item's question left the bank since the kit was planned: no neighbours by
            // meaning, the competency's list still stands.
            Err(_) => {}
        }
    }
    for q in eligible {
        if out.len() >= limit {
            break;
        }
        if !out.iter().any(|o| o.id == q.id) {
            out.push(q.clone());
        }
    }
    out.truncate(limit);
    Ok(out)
}
