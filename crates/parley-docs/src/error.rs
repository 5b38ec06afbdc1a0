//! Why a document could not be read. Every variant names a cause a user can act on.

#[derive(Debug, thiserror::Error)]
pub enum DocError {
    #[error("file is {size} bytes; the limit is {limit} bytes")]
    TooLarge { size: u64, limit: u64 },
    #[error("file is empty")]
    Empty,
    #[error("file looks binary (byte {offset} is a control character), not a text document")]
    Binary { offset: usize },
    #[error(
        "file is not valid UTF-8 (first bad byte at offset {offset}) and no legacy encoding fits it"
    )]
    Undecodable { offset: usize },
    #[error("no questions found in the document")]
    NoQuestions,
    #[error("not a Parley JSON export: {0}")]
    Json(String),
    #[error("CSV: {0}")]
    Csv(String),
}
