//! Question documents in and out: the importer's readers for every supported format, and the
//! exporters (Parley JSON, Markdown, CSV). Pure: bytes in, questions out, no file or database IO.

mod error;
pub mod export;
pub mod read;

pub use error::DocError;
pub use read::{Format, FoundQuestion, ParsedDocument, ReadOptions, Ref, parse_document};
