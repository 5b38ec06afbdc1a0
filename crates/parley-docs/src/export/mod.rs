//! Exports of the bank: Parley JSON (which the importer reads back), Markdown and CSV.

pub mod csv;
pub mod json;
pub mod markdown;

pub use json::{ExportDocument, ExportQuestion, ExportSource};
