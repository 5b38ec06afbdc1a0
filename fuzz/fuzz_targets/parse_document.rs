//! Fuzzes every document reader: the first byte picks the file name (and so the format hints),
//! the rest is the document.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parley_docs::{parse_document, ReadOptions};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, doc)) = data.split_first() else { return };
    let name = ["doc.txt", "doc.md", "doc.csv", "doc.json"][usize::from(pick % 4)];
    let _ = parse_document(doc, &ReadOptions { file_name: name.into() });
});
