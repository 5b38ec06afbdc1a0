//! The types that cross the storage boundary besides the domain's own.

use parley_domain::{Language, QuestionDraft, QuestionId, QuestionKind, Source};

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A reference from one imported question to another: to an item of the same batch (by its
/// index) or to a question already in the bank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Item(usize),
    Existing(QuestionId),
}

/// One question of an import batch, as the importer found it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportItem {
    pub draft: QuestionDraft,
    pub sources: Vec<Source>,
    pub follow_up_of: Option<Link>,
    pub translation_of: Option<Link>,
}

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Run the whole import in a transaction and roll it back: the outcome says what would happen.
    pub dry_run: bool,
    /// Who the revisions are recorded for.
    pub author: String,
}

/// What happened to one item of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemOutcome {
    /// A new question was created.
    Added(QuestionId),
    /// The item's text matched an existing question (or an earlier item of the batch) after
    /// normalisation; its sources (and any content the existing question lacked) were merged in.
    MergedExact(QuestionId),
}

impl ItemOutcome {
    pub fn id(self) -> QuestionId {
        match self {
            Self::Added(id) | Self::MergedExact(id) => id,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ImportOutcome {
    pub items: Vec<ItemOutcome>,
}

impl ImportOutcome {
    pub fn added(&self) -> usize {
        self.items
            .iter()
            .filter(|o| matches!(o, ItemOutcome::Added(_)))
            .count()
    }
    pub fn merged_exact(&self) -> usize {
        self.items.len() - self.added()
    }
}

/// Filters for listing questions; every field narrows the list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub section: Option<String>,
    pub language: Option<Language>,
    pub kind: Option<QuestionKind>,
    pub tag: Option<String>,
    /// Return questions created after this one (cursor pagination in creation order).
    pub after: Option<QuestionId>,
    pub limit: Option<u32>,
}

/// A page of results and the cursor for the next one.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<QuestionId>,
}
