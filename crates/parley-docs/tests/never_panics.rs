//! Property tests: no input, however broken, makes a reader panic.

use parley_docs::{ReadOptions, parse_document};
use proptest::prelude::*;

fn opts(name: &str) -> ReadOptions {
    ReadOptions {
        file_name: name.into(),
    }
}

/// Lines made of the pieces the readers react to, so the generator reaches their branches.
fn doc_line() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("1".to_string()),
        Just("2.".to_string()),
        Just("Reference answer".to_string()),
        Just("Answer:".to_string()),
        Just("Q:".to_string()),
        Just("Q3.".to_string()),
        Just("Question 7".to_string()),
        Just("# ".to_string()),
        Just("## ".to_string()),
        Just("  • ".to_string()),
        Just("    - ".to_string()),
        Just("- ".to_string()),
        Just("<details><summary>".to_string()),
        Just("</summary>".to_string()),
        Just("</details>".to_string()),
        Just("What is a queue?".to_string()),
        Just("Look for: ".to_string()),
        Just("Red flag:".to_string()),
        Just("Sample Answer \"".to_string()),
        Just("Browse Jobs".to_string()),
        Just("R: ".to_string()),
        Just("---".to_string()),
        Just("tags:".to_string()),
        Just("[x](#y)".to_string()),
        Just("| a | b |".to_string()),
        Just("distri-".to_string()),
        Just("Źródło ż ł".to_string()),
        Just("?".to_string()),
        Just(":".to_string()),
        "[a-zA-Z ]{0,12}".prop_map(|s| s),
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..6).prop_map(|v| v.join(""))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        for name in ["x.txt", "x.md", "x.csv", "x.json"] {
            let _ = parse_document(&bytes, &opts(name));
        }
    }

    #[test]
    fn structured_looking_text_never_panics(lines in prop::collection::vec(doc_line(), 0..40)) {
        let text = lines.join("\n");
        for name in ["x.txt", "x.md", "x.csv", "x.json"] {
            if let Ok(doc) = parse_document(text.as_bytes(), &opts(name)) {
                prop_assert!(!doc.questions.is_empty());
                for q in &doc.questions {
                    prop_assert!(!q.draft.text.trim().is_empty());
                }
            }
        }
    }
}
