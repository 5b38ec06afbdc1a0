//! The topic taxonomy, kept as data (`taxonomy.json`), and the keyword classifier that puts a
//! question into one of its sections when its document gave no usable heading.

use crate::text::{fold, words};
use serde::Deserialize;
use std::sync::OnceLock;

/// One section of the taxonomy.
#[derive(Debug, Clone, Deserialize)]
pub struct Section {
    pub id: String,
    pub name: String,
    pub name_pl: String,
    keywords: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct TaxonomyFile {
    version: u32,
    sections: Vec<Section>,
}

/// A keyword compiled for matching: consecutive word prefixes (or exact words) and a weight.
#[derive(Debug)]
struct Pattern {
    tokens: Vec<(String, bool)>,
    weight: u32,
}

/// The sections and their compiled keyword patterns.
#[derive(Debug)]
pub struct Taxonomy {
    pub version: u32,
    sections: Vec<Section>,
    patterns: Vec<Vec<Pattern>>,
}

/// A classification: the section and how much keyword evidence backs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Classification {
    pub section_id: String,
    pub score: u32,
}

impl Taxonomy {
    /// The taxonomy shipped with Parley.
    pub fn builtin() -> &'static Taxonomy {
        static T: OnceLock<Taxonomy> = OnceLock::new();
        T.get_or_init(|| {
            Taxonomy::from_json(include_str!("taxonomy.json"))
                .expect("the built-in taxonomy is valid JSON")
        })
    }

    pub fn from_json(json: &str) -> Result<Taxonomy, serde_json::Error> {
        let file: TaxonomyFile = serde_json::from_str(json)?;
        let patterns = file
            .sections
            .iter()
            .map(|s| s.keywords.iter().map(|k| compile(k)).collect())
            .collect();
        Ok(Taxonomy {
            version: file.version,
            sections: file.sections,
            patterns,
        })
    }

    pub fn sections(&self) -> &[Section] {
        &self.sections
    }

    pub fn get(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }

    /// Finds a section by its id or its English or Polish name, ignoring case and diacritics.
    pub fn lookup(&self, name: &str) -> Option<&Section> {
        let f = fold(name.trim());
        self.sections
            .iter()
            .find(|s| s.id == f || fold(&s.name) == f || fold(&s.name_pl) == f)
    }

    /// Scores every section against `text` and returns the best, if any keyword matched.
    pub fn classify(&self, text: &str) -> Option<Classification> {
        let ws = words(text);
        let mut best: Option<Classification> = None;
        for (section, patterns) in self.sections.iter().zip(&self.patterns) {
            let score: u32 = patterns
                .iter()
                .filter(|p| p.matches(&ws))
                .map(|p| p.weight)
                .sum();
            if score > 0 && best.as_ref().is_none_or(|b| score > b.score) {
                best = Some(Classification {
                    section_id: section.id.clone(),
                    score,
                });
            }
        }
        best
    }
}

fn compile(keyword: &str) -> Pattern {
    let (weight, body) = match keyword.strip_prefix('!') {
        Some(rest) => (3, rest),
        None => (1, keyword),
    };
    // Split like the text is split, so "at-least-once" matches the words "at least once".
    let mut tokens = Vec::new();
    for piece in body.split_whitespace() {
        let (piece, exact) = match piece.strip_suffix('$') {
            Some(p) => (p, true),
            None => (piece, false),
        };
        let ws = words(piece);
        let n = ws.len();
        for (k, w) in ws.into_iter().enumerate() {
            tokens.push((w, exact || k + 1 < n));
        }
    }
    Pattern { tokens, weight }
}

impl Pattern {
    fn matches(&self, ws: &[String]) -> bool {
        let n = self.tokens.len();
        if n == 0 || ws.len() < n {
            return false;
        }
        ws.windows(n).any(|win| {
            win.iter().zip(&self.tokens).all(|(w, (t, exact))| {
                if *exact {
                    w == t
                } else {
                    w.starts_with(t.as_str())
                }
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section_of(text: &str) -> Option<String> {
        Taxonomy::builtin().classify(text).map(|c| c.section_id)
    }

    #[test]
    fn the_builtin_taxonomy_loads_with_distinct_ids() {
        let t = Taxonomy::builtin();
        assert!(t.sections().len() >= 20);
        let mut ids: Vec<_> = t.sections().iter().map(|s| &s.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), t.sections().len());
    }

    #[test]
    fn classifies_english_and_polish_questions() {
        assert_eq!(
            section_of("How do indices in SQL databases work?").as_deref(),
            Some("databases")
        );
        assert_eq!(
            section_of("How to prevent XSS and SQL injection attacks?").as_deref(),
            Some("security")
        );
        assert_eq!(
            section_of("What are Dead Letter Exchanges in RabbitMQ?").as_deref(),
            Some("messaging")
        );
        assert_eq!(
            section_of("Jakie jest Twoje podejście do bezpieczeństwa aplikacji backendowej?")
                .as_deref(),
            Some("security")
        );
        assert_eq!(
            section_of("Jak radzisz sobie z zarządzaniem bazami danych?").as_deref(),
            Some("databases")
        );
        assert_eq!(section_of("Lorem ipsum"), None);
        assert_eq!(
            section_of("Co oznacza dostarczanie at-least-once?").as_deref(),
            Some("messaging")
        );
    }

    #[test]
    fn lookup_accepts_names_in_either_language() {
        let t = Taxonomy::builtin();
        assert_eq!(t.lookup("bazy danych").unwrap().id, "databases");
        assert_eq!(t.lookup("Design patterns").unwrap().id, "design-patterns");
    }
}
