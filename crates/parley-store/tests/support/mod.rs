//! Test databases (a temporary SQLite file, or a uniquely named PostgreSQL database that is
//! dropped when the test ends, whether it passed or panicked) and batch-building helpers.

use parley_domain::{QuestionDraft, Source};
use parley_store::{ImportItem, ImportOptions};
pub use parley_testdb::{TempPg, sqlite_url};

/// An import item with one source and no links.
pub fn item(text: &str, file: &str, line: u32) -> ImportItem {
    ImportItem {
        draft: QuestionDraft::new(text),
        sources: vec![Source {
            file: file.into(),
            line,
            heading: None,
        }],
        follow_up_of: None,
        translation_of: None,
    }
}

/// Import options for a real (not dry) run by "importer".
pub fn opts() -> ImportOptions {
    ImportOptions {
        dry_run: false,
        author: "importer".into(),
    }
}
