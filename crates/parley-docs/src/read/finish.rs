//! The last step of reading: interviewer guidance out of answers, page noise off their start,
//! and each question's language, section (from its headings or the taxonomy) and kind.

use super::blocks::clean_heading;
use super::extract::{Extracted, Found};
use super::markdown::FrontMatter;
use super::{Format, FoundQuestion, ParsedDocument, Ref, guidance, noise};
use crate::DocError;
use parley_domain::text::{fold, squash_whitespace};
use parley_domain::{Language, QuestionDraft, QuestionKind, Source, Taxonomy, lang};
use std::collections::HashMap;

/// Wraps questions read by a structured reader (JSON, CSV) into a document.
pub fn done(
    format: Format,
    encoding: &'static str,
    questions: Vec<FoundQuestion>,
    noise_removed: u32,
) -> Result<ParsedDocument, DocError> {
    if questions.is_empty() {
        return Err(DocError::NoQuestions);
    }
    let language = majority_language(questions.iter().filter_map(|q| q.draft.language.clone()));
    let mut sections: Vec<String> = Vec::new();
    for q in &questions {
        if let Some(s) = &q.draft.section
            && !sections.contains(s)
        {
            sections.push(s.clone());
        }
    }
    Ok(ParsedDocument {
        format,
        encoding,
        language,
        questions,
        sections,
        noise_removed,
    })
}

fn majority_language(langs: impl Iterator<Item = Language>) -> Language {
    let mut counts: HashMap<Language, usize> = HashMap::new();
    for l in langs.filter(|l| !l.is_undetermined()) {
        *counts.entry(l).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map_or_else(Language::undetermined, |(l, _)| l)
}

pub fn finish(
    format: Format,
    encoding: &'static str,
    ex: Extracted,
    front: Option<&FrontMatter>,
    file: &str,
) -> Result<ParsedDocument, DocError> {
    let tax = Taxonomy::builtin();
    let mut noise_removed = ex.noise_removed;
    let detected: Vec<Option<Language>> =
        ex.questions.iter().map(|q| lang::detect(&q.text)).collect();
    let doc_lang = front
        .and_then(|f| f.language.as_deref())
        .and_then(|l| l.parse().ok())
        .unwrap_or_else(|| majority_language(detected.iter().flatten().cloned()));

    // Sections from headings first; questions under generic headings are classified, and a
    // question with no keyword of its own takes its group's most common topic.
    let skip = usize::from(is_titled(tax, &ex.questions));
    let mut sections: Vec<Option<String>> = ex
        .questions
        .iter()
        .map(|q| section_from_headings(tax, q.headings.get(skip..).unwrap_or_default()))
        .collect();
    let front_section = front.and_then(|f| f.section.clone());
    for (i, q) in ex.questions.iter().enumerate() {
        if sections[i].is_none() {
            sections[i] = front_section.clone().or_else(|| {
                // "Describe a challenging project…" names no topic even when its answer does.
                if asks_about_experience(&fold(&q.text)) {
                    return tax.lookup("behavioural").map(|s| s.name.clone());
                }
                tax.classify(&q.text)
                    .or_else(|| q.answer.as_deref().and_then(|a| tax.classify(a)))
                    .and_then(|c| tax.get(&c.section_id).map(|s| s.name.clone()))
            });
        }
    }
    let mut by_group: HashMap<u32, HashMap<String, usize>> = HashMap::new();
    for (q, s) in ex.questions.iter().zip(&sections) {
        if let Some(s) = s {
            *by_group
                .entry(q.group)
                .or_default()
                .entry(s.clone())
                .or_default() += 1;
        }
    }
    for (i, q) in ex.questions.iter().enumerate() {
        if sections[i].is_none() {
            if let Some(parent) = q.parent {
                sections[i] = sections[parent].clone();
            } else if let Some(counts) = by_group.get(&q.group) {
                sections[i] = counts
                    .iter()
                    .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                    .map(|(s, _)| s.clone());
            }
        }
    }

    // A question in a group of its own with no topic word takes its neighbour's section.
    for i in 1..sections.len() {
        if sections[i].is_none() {
            sections[i] = sections[i - 1].clone();
        }
    }
    for i in (0..sections.len().saturating_sub(1)).rev() {
        if sections[i].is_none() {
            sections[i] = sections[i + 1].clone();
        }
    }

    let mut questions = Vec::with_capacity(ex.questions.len());
    for (i, q) in ex.questions.iter().enumerate() {
        let (draft, removed) = draft_for(
            q,
            sections[i].clone(),
            detected[i].clone().unwrap_or_else(|| doc_lang.clone()),
            front,
        );
        noise_removed += removed;
        questions.push(FoundQuestion {
            draft,
            sources: vec![Source {
                file: file.to_string(),
                line: q.line,
                heading: q.headings.last().map(|h| clean_heading(h)),
            }],
            follow_up_of: q.parent.map(Ref::Index),
            translation_of: None,
            answered: q.answered,
            external_id: None,
        });
    }
    let mut doc = done(format, encoding, questions, noise_removed)?;
    doc.language = if doc.language.is_undetermined() {
        doc_lang
    } else {
        doc.language
    };
    Ok(doc)
}

fn draft_for(
    q: &Found,
    section: Option<String>,
    language: Language,
    front: Option<&FrontMatter>,
) -> (QuestionDraft, u32) {
    let mut removed = 0;
    let answer = q.answer.as_deref().map(|a| {
        let (clean, n) = noise::strip_promo_prefix(a);
        removed += n;
        clean
    });
    let split = answer.as_deref().map(guidance::split).unwrap_or_default();
    let mut look_for = split.look_for;
    look_for.extend(q.notes.iter().cloned());
    let text = squash_whitespace(&q.text);
    let kind = kind_for(&text, &q.headings, section.as_deref());
    let draft = QuestionDraft {
        text,
        language: Some(language),
        section,
        tags: front.map(|f| f.tags.clone()).unwrap_or_default(),
        kind,
        reference_answer: split.answer,
        key_points: split.key_points,
        key_points_extracted: false,
        look_for,
        red_flags: split.red_flags,
        estimated_minutes: None,
    };
    (draft, removed)
}

/// Words that say nothing about a heading's topic.
const GENERIC: &[&str] = &[
    "questions",
    "question",
    "interview",
    "interviews",
    "other",
    "general",
    "basic",
    "basics",
    "open",
    "common",
    "top",
    "backend",
    "back-end",
    "developer",
    "developers",
    "technical",
    "tech",
    "specific",
    "technology",
    "technologies",
    "set",
    "part",
    "misc",
    "miscellaneous",
    "faq",
    "example",
    "examples",
    "sample",
    "and",
    "the",
    "for",
    "of",
    "a",
    "an",
    "more",
    "additional",
    "extra",
    "bonus",
    "pytania",
    "pytanie",
    "rekrutacyjne",
    "inne",
    "ogolne",
    "czesc",
    "na",
    "do",
    "i",
    "z",
    "experience",
    "development",
    "round",
    "mock",
    "list",
    "collection",
    "hiring",
    "my",
    "our",
    "your",
    "opening",
    "closing",
    "warm-up",
    "intro",
    "introduction",
    "final",
    "answers",
    "with",
    "to",
    "in",
    "dla",
    "web",
    "software",
    "engineer",
    "engineers",
    "programmer",
    "level",
    "junior",
    "mid",
    "senior",
    "advanced",
    "beginner",
    "intermediate",
];

/// Whether the first heading above every question is the document's title rather than a
/// section: one heading over all of them that names no topic and reads like a page title
/// (a site name after a bar or dash, or a whole phrase rather than a topic's name).
fn is_titled(tax: &Taxonomy, questions: &[super::extract::Found]) -> bool {
    let Some(first) = questions.first().and_then(|q| q.headings.first()) else {
        return false;
    };
    if questions.len() < 3 || !questions.iter().all(|q| q.headings.first() == Some(first)) {
        return false;
    }
    let h = clean_heading(first);
    let phrase = h.split_whitespace().count() >= 4;
    let site = h.contains(" | ") || h.contains(" - ") || h.contains(" – ");
    let topic = tax.lookup(&h).is_some() || tax.classify(&h).is_some_and(|c| c.score >= 3);
    !topic && (phrase || site)
}

fn section_from_headings(tax: &Taxonomy, headings: &[String]) -> Option<String> {
    for (depth, h) in headings.iter().enumerate().rev() {
        let h = clean_heading(h);
        if h.is_empty() {
            continue;
        }
        if let Some(s) = tax.lookup(&h) {
            return Some(s.name.clone());
        }
        let folded = fold(&h);
        let meaningful: Vec<&str> = folded
            .split(|c: char| !c.is_alphanumeric() && c != '-')
            .filter(|w| {
                !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()) && !GENERIC.contains(w)
            })
            .collect();
        if meaningful.is_empty() {
            continue;
        }
        if let Some(c) = tax.classify(&h).filter(|c| c.score >= 3) {
            return tax.get(&c.section_id).map(|s| s.name.clone());
        }
        // A top-level heading that names no topic is the document's title, not a section.
        if depth == 0 && headings.len() > 1 {
            continue;
        }
        return Some(h);
    }
    None
}

fn kind_from_heading(h: &str) -> Option<QuestionKind> {
    let f = fold(h);
    let has = |w: &[&str]| w.iter().any(|x| f.contains(x));
    if has(&[
        "questions for the interviewer",
        "questions to ask",
        "reverse interview",
        "pytania do pracodawcy",
        "pytania do rekrutera",
        "candidate's questions",
        "candidate questions",
    ]) {
        Some(QuestionKind::ForInterviewer)
    } else if has(&[
        "opening",
        "warm-up",
        "warm up",
        "icebreaker",
        "introduction",
        "na poczatek",
        "otwierajace",
    ]) {
        Some(QuestionKind::Opening)
    } else if has(&[
        "closing",
        "wrap-up",
        "wrap up",
        "final question",
        "zamykajace",
        "na koniec",
    ]) {
        Some(QuestionKind::Closing)
    } else if has(&["system design", "projektowanie system"]) {
        Some(QuestionKind::SystemDesign)
    } else if has(&[
        "behavio",
        "soft skill",
        "culture fit",
        "miekkie",
        "behawioraln",
    ]) {
        Some(QuestionKind::Behavioural)
    } else if has(&["situational", "scenario", "sytuacyjn"]) {
        Some(QuestionKind::Situational)
    } else {
        None
    }
}

/// Whether a (folded) question asks about the candidate's own past, habits or motives rather
/// than a technical topic.
fn asks_about_experience(f: &str) -> bool {
    const PHRASES: &[&str] = &[
        "tell me about a time",
        "tell me about yourself",
        "describe a time",
        "give an example of when",
        "give an example of a time",
        "tell us about a time",
        "biggest mistake",
        "biggest fuckup",
        "proud of",
        "what motivates you",
        "why do you want",
        "where do you see yourself",
        "did you learn",
        "have you learned",
        "project you worked on",
        "project you built",
        "challenging project",
        "you overcame",
        "your experience working",
        "working as a part of a team",
        "working in a team",
        "how do you mentor",
        "mentor junior",
        "disagreed with",
        "conflict with",
        "your strengths",
        "your weaknesses",
        "opowiedz o sytuacji",
        "opowiedz o projekcie",
        "twoje najwieksze",
        "czego sie nauczyl",
    ];
    PHRASES.iter().any(|p| f.contains(p))
}

fn kind_for(text: &str, headings: &[String], section: Option<&str>) -> QuestionKind {
    if let Some(k) = headings.iter().rev().find_map(|h| kind_from_heading(h)) {
        return k;
    }
    let f = fold(text);
    let starts = |w: &[&str]| w.iter().any(|x| f.starts_with(x));
    if asks_about_experience(&f) {
        QuestionKind::Behavioural
    } else if starts(&[
        "how would you design",
        "design a ",
        "design an ",
        "how to design a ",
        "zaprojektuj",
    ]) || section == Some("System design")
    {
        QuestionKind::SystemDesign
    } else if starts(&[
        "imagine",
        "suppose",
        "what would you do if",
        "what would you do when",
        "how would you handle",
        "how would you manage",
        "how would you approach",
        "how would you respond",
        "how would you react",
        "product asks",
        "your manager asks",
        "a colleague ",
        "your team has",
        "we have a",
        "i'm the ceo",
        "you are ",
        "you have ",
        "co zrobisz",
        "co bys zrobil",
        "wyobraz sobie",
    ]) {
        QuestionKind::Situational
    } else if section == Some("Behavioural") {
        QuestionKind::Behavioural
    } else {
        QuestionKind::Technical
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_map_to_taxonomy_or_stay_custom_or_count_as_generic() {
        let t = Taxonomy::builtin();
        let s = |hs: &[&str]| {
            section_from_headings(t, &hs.iter().map(|h| h.to_string()).collect::<Vec<_>>())
        };
        assert_eq!(s(&["Design Patterns"]).as_deref(), Some("Design patterns"));
        assert_eq!(
            s(&["Other architecture questions"]).as_deref(),
            Some("Architecture")
        );
        assert_eq!(s(&["Technology specific questions"]), None);
        assert_eq!(s(&["Payments domain"]).as_deref(), Some("Payments domain"));
        assert_eq!(
            s(&["My Interview Notes 2024", "Payments domain"]).as_deref(),
            Some("Payments domain")
        );
        assert_eq!(s(&["Bazy danych"]).as_deref(), Some("Databases"));
    }

    #[test]
    fn headings_lose_mis_decoded_emoji() {
        assert_eq!(clean_heading("๐Ÿ‘€ Questions set"), "Questions set");
        assert_eq!(
            clean_heading("Example opening questions:"),
            "Example opening questions"
        );
    }

    #[test]
    fn kinds_come_from_headings_and_wording() {
        assert_eq!(
            kind_for(
                "What does quality mean?",
                &["Example opening questions:".into()],
                None
            ),
            QuestionKind::Opening
        );
        assert_eq!(
            kind_for("Tell me about a time you failed", &[], None),
            QuestionKind::Behavioural
        );
        assert_eq!(
            kind_for("How would you design a URL shortener?", &[], None),
            QuestionKind::SystemDesign
        );
        assert_eq!(
            kind_for("What is a mutex?", &[], None),
            QuestionKind::Technical
        );
        for experience in [
            "What did you learn this week?",
            "Describe a challenging project you worked on and how you overcame it.",
        ] {
            assert_eq!(kind_for(experience, &[], None), QuestionKind::Behavioural);
        }
        assert_eq!(
            kind_for(
                "Product asks you to ship in half the time. How would you approach this?",
                &[],
                None
            ),
            QuestionKind::Situational
        );
    }
}
