//! Exports of the bank: Parley JSON (which the importer reads back), Markdown, CSV and an Anki
//! deck.

pub mod anki;
pub mod csv;
pub mod json;
pub mod markdown;

pub use json::{ExportDocument, ExportQuestion, ExportSource};
