//! CSV (or TSV, or semicolon-separated) with a header row naming its columns in English or
//! Polish, in any order.

use super::{FoundQuestion, guidance};
use crate::DocError;
use parley_domain::text::fold;
use parley_domain::{Language, QuestionDraft, Source, Taxonomy, lang};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Col {
    Question,
    Answer,
    Section,
    Tags,
    Kind,
    Language,
    KeyPoints,
    LookFor,
    RedFlags,
    Ignore,
}

fn column(name: &str) -> Col {
    let f = fold(name.trim()).replace(['_', '-'], " ");
    match f.as_str() {
        "question" | "questions" | "pytanie" | "pytania" | "q" | "question text"
        | "tresc pytania" | "prompt" => Col::Question,
        "answer" | "answers" | "reference answer" | "model answer" | "odpowiedz" | "odpowiedzi"
        | "a" | "expected answer" | "wzorcowa odpowiedz" => Col::Answer,
        "category" | "section" | "topic" | "kategoria" | "dzial" | "sekcja" | "temat" | "area" => {
            Col::Section
        }
        "tags" | "tag" | "tagi" | "labels" | "etykiety" => Col::Tags,
        "kind" | "type" | "rodzaj" | "typ" => Col::Kind,
        "language" | "lang" | "jezyk" => Col::Language,
        "key points" | "keypoints" | "kluczowe punkty" => Col::KeyPoints,
        "look for" | "na co zwrocic uwage" => Col::LookFor,
        "red flags" | "czerwone flagi" => Col::RedFlags,
        _ => Col::Ignore,
    }
}

fn delimiter(first_line: &str) -> u8 {
    [b',', b';', b'\t', b'|']
        .into_iter()
        .max_by_key(|d| first_line.bytes().filter(|b| b == d).count())
        .unwrap_or(b',')
}

/// A first line that names a question column and splits on a delimiter.
pub fn looks_like_csv(text: &str) -> bool {
    let Some(first) = text.lines().next() else {
        return false;
    };
    let d = delimiter(first) as char;
    first.contains(d)
        && first
            .split(d)
            .any(|c| column(c.trim_matches('"')) == Col::Question)
        && first.split(d).count() >= 2
}

pub fn read(text: &str, file: &str) -> Result<Vec<FoundQuestion>, DocError> {
    let first = text.lines().next().unwrap_or_default();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(first))
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| DocError::Csv(e.to_string()))?
        .clone();
    let cols: Vec<Col> = header.iter().map(column).collect();
    if !cols.contains(&Col::Question) {
        return Err(DocError::Csv(format!(
            "no question column in the header ({}); name one question or pytanie",
            header.iter().collect::<Vec<_>>().join(", ")
        )));
    }
    let tax = Taxonomy::builtin();
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| DocError::Csv(e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line() as u32);
        let get = |c: Col| -> Option<String> {
            cols.iter()
                .position(|&x| x == c)
                .and_then(|i| record.get(i))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let Some(text) = get(Col::Question) else {
            continue;
        };
        let list = |c: Col| -> Vec<String> {
            get(c)
                .map(|s| {
                    s.split(['\n', ';'])
                        .map(|x| x.trim().trim_start_matches("- ").to_string())
                        .filter(|x| !x.is_empty())
                        .collect()
                })
                .unwrap_or_default()
        };
        let split = get(Col::Answer)
            .as_deref()
            .map(guidance::split)
            .unwrap_or_default();
        let language: Language = get(Col::Language)
            .and_then(|l| l.parse().ok())
            .or_else(|| lang::detect(&text))
            .or_else(|| split.answer.as_deref().and_then(lang::detect))
            .unwrap_or_else(Language::undetermined);
        let section = get(Col::Section)
            .map(|s| tax.lookup(&s).map_or(s, |t| t.name.clone()))
            .or_else(|| {
                tax.classify(&text)
                    .and_then(|c| tax.get(&c.section_id))
                    .map(|s| s.name.clone())
            });
        let mut look_for = split.look_for;
        look_for.extend(list(Col::LookFor));
        let mut red_flags = split.red_flags;
        red_flags.extend(list(Col::RedFlags));
        let mut key_points = split.key_points;
        key_points.extend(list(Col::KeyPoints));
        let answered = split.answer.is_some();
        let draft = QuestionDraft {
            text,
            language: Some(language),
            section,
            tags: get(Col::Tags)
                .map(|t| {
                    t.split([',', ';', '|'])
                        .map(|x| x.trim().to_string())
                        .collect()
                })
                .unwrap_or_default(),
            kind: get(Col::Kind)
                .and_then(|k| k.parse().ok())
                .unwrap_or_default(),
            reference_answer: split.answer,
            key_points,
            key_points_extracted: false,
            look_for,
            red_flags,
            estimated_minutes: None,
        };
        out.push(FoundQuestion {
            draft,
            sources: vec![Source {
                file: file.to_string(),
                line,
                heading: None,
            }],
            follow_up_of: None,
            translation_of: None,
            answered,
            external_id: None,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polish_headers_in_any_order_and_semicolons() {
        let csv =
            "kategoria;odpowiedź;pytanie\nBazy danych;Struktura B-drzewa;Jak działa indeks?\n";
        assert!(looks_like_csv(csv));
        let q = read(csv, "x.csv").unwrap();
        assert_eq!(q[0].draft.text, "Jak działa indeks?");
        assert_eq!(
            q[0].draft.reference_answer.as_deref(),
            Some("Struktura B-drzewa")
        );
        assert_eq!(q[0].draft.section.as_deref(), Some("Databases"));
        assert_eq!(q[0].sources[0].line, 2);
    }

    #[test]
    fn a_header_without_a_question_column_is_refused() {
        assert!(matches!(read("a,b\n1,2\n", "x.csv"), Err(DocError::Csv(_))));
    }
}
