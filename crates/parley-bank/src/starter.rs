//! The starter bank: questions written for Parley, shipped inside the binary so a new
//! organisation can practise or interview before importing anything. One JSON file per
//! section in `starter/` (Parley's export format: follow-ups and Polish translations are linked
//! by id within the bank); loading it again adds nothing (every question merges as an exact
//! duplicate of itself).

use crate::BankError;
use crate::import::{Imported, import_documents};
use parley_docs::export::json::{ExportDocument, ExportSource};
use parley_docs::{ParsedDocument, ReadOptions, parse_document};
use parley_domain::OrgId;
use parley_store::Store;

/// The name every starter question's source carries.
pub const SOURCE: &str = "parley-starter";

const FILES: &[(&str, &str)] = &[
    ("algorithms", include_str!("../starter/algorithms.json")),
    ("apis", include_str!("../starter/apis.json")),
    ("architecture", include_str!("../starter/architecture.json")),
    ("concurrency", include_str!("../starter/concurrency.json")),
    ("databases", include_str!("../starter/databases.json")),
    (
        "design-patterns",
        include_str!("../starter/design-patterns.json"),
    ),
    ("devops", include_str!("../starter/devops.json")),
    ("messaging", include_str!("../starter/messaging.json")),
    (
        "microservices",
        include_str!("../starter/microservices.json"),
    ),
    ("networking", include_str!("../starter/networking.json")),
    ("performance", include_str!("../starter/performance.json")),
    ("scalability", include_str!("../starter/scalability.json")),
    ("security", include_str!("../starter/security.json")),
    (
        "system-design",
        include_str!("../starter/system-design.json"),
    ),
    ("testing", include_str!("../starter/testing.json")),
];

/// The whole starter bank as one Parley document (links resolve across sections), each
/// question's source being its file and position.
pub fn document() -> Result<ParsedDocument, parley_docs::DocError> {
    let mut all = ExportDocument {
        format: "parley/1".into(),
        questions: Vec::new(),
    };
    for (name, text) in FILES {
        let doc: ExportDocument = serde_json::from_str(text)
            .map_err(|e| parley_docs::DocError::Json(format!("starter/{name}.json: {e}")))?;
        for (i, mut q) in doc.questions.into_iter().enumerate() {
            q.sources = vec![ExportSource {
                file: format!("{SOURCE}/{name}.json"),
                line: u32::try_from(i + 1).unwrap_or(u32::MAX),
                heading: None,
            }];
            all.questions.push(q);
        }
    }
    let text = serde_json::to_string(&all).expect("export types always serialise");
    parse_document(
        text.as_bytes(),
        &ReadOptions {
            file_name: SOURCE.into(),
        },
    )
}

/// Loads the starter bank into `org` in one transaction.
pub async fn load(store: &Store, org: OrgId, author: &str) -> Result<Imported, BankError> {
    let doc = document().map_err(|e| BankError::Starter(e.to_string()))?;
    import_documents(store, org, &[(SOURCE.to_string(), doc)], false, author).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use parley_domain::{Language, Taxonomy};
    use std::collections::{HashMap, HashSet};

    #[test]
    fn the_starter_bank_is_complete() {
        let doc = document().unwrap();
        let qs = &doc.questions;
        let main: Vec<_> = qs
            .iter()
            .filter(|q| q.follow_up_of.is_none() && q.translation_of.is_none())
            .collect();
        assert!(main.len() >= 120, "{} main questions", main.len());
        let sections: HashSet<_> = main
            .iter()
            .filter_map(|q| q.draft.section.clone())
            .collect();
        assert!(sections.len() >= 12, "{sections:?}");
        let taxonomy = Taxonomy::builtin();
        for s in &sections {
            assert!(
                taxonomy.lookup(s).is_some(),
                "{s} is not a taxonomy section"
            );
        }
        for q in &main {
            let d = &q.draft;
            assert!(
                d.reference_answer.as_deref().is_some_and(|a| a.len() > 100),
                "{}",
                d.text
            );
            assert!(d.key_points.len() >= 3, "{}", d.text);
            assert!(
                !d.look_for.is_empty() && !d.red_flags.is_empty(),
                "{}",
                d.text
            );
            let id = q.external_id.as_deref().unwrap();
            assert!(
                qs.iter().any(
                    |f| matches!(&f.follow_up_of, Some(parley_docs::Ref::External(e)) if e == id)
                ),
                "{id} has no follow-up"
            );
        }
        let ids: HashMap<_, _> = qs
            .iter()
            .map(|q| (q.external_id.clone().unwrap(), q))
            .collect();
        assert_eq!(ids.len(), qs.len(), "ids are unique");
        let polish: Vec<_> = qs
            .iter()
            .filter(|q| q.draft.language == Some("pl".parse::<Language>().unwrap()))
            .collect();
        assert!(polish.len() >= 30, "{} Polish", polish.len());
        for p in &polish {
            let Some(parley_docs::Ref::External(of)) = &p.translation_of else {
                panic!("{} is not linked to its original", p.draft.text)
            };
            let original = ids.get(of).expect("the original exists");
            assert_eq!(original.draft.section, p.draft.section);
            assert!(p.draft.key_points.len() >= 3);
        }
        let texts: HashSet<_> = qs.iter().map(|q| q.draft.text.to_lowercase()).collect();
        assert_eq!(texts.len(), qs.len(), "no two questions share a text");
    }
}
