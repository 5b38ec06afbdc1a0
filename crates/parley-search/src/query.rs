//! Lexical search: a user's words become a BM25 query over the three analyses of the question
//! and of its body, with typo tolerance for words the bank does not know, and exact filters.
//!
//! User input is never parsed as tantivy query syntax: a stray quote or colon in a query is a
//! word, not an error.

use std::collections::HashSet;

use tantivy::collector::TopDocs;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, FuzzyTermQuery, Occur, Query,
    TermQuery,
};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::SearchError;
use crate::analysis::{self, Analysis};
use crate::index::{SearchIndex, filter_key};
use crate::snippet::{Snippet, Terms};

/// Exact filters; every one given must hold.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub section: Option<String>,
    /// Every tag listed must be on the question.
    pub tags: Vec<String>,
    pub language: Option<String>,
    pub kind: Option<String>,
    pub has_answer: Option<bool>,
}

/// One search hit. Lists of hits are best first.
#[derive(Debug, Clone)]
pub struct Hit {
    pub id: String,
    pub revision: u32,
    pub text: String,
    pub section: Option<String>,
    /// The ranking score of the mode that found it: BM25 (lexical), cosine similarity
    /// (semantic) or the fused reciprocal-rank score (hybrid).
    pub score: f32,
    /// The BM25 score, when the words matched.
    pub lexical: Option<f32>,
    /// The cosine similarity of the embeddings, when semantic ranking took part.
    pub similarity: Option<f32>,
    /// The question with the matched words marked.
    pub snippet: Snippet,
    /// The best passage of the reference answer, when the answer matched.
    pub answer_snippet: Option<Snippet>,
}

/// Weight of a match in the question's own words against one in its answer, tags or section.
const QUESTION_BOOST: f32 = 3.0;
/// A word matched only within a typo's distance counts for less than the word itself.
const FUZZY_BOOST: f32 = 0.5;

/// The analysed terms of a query, per analysis, word by word.
pub(crate) struct QueryWords {
    /// For each word of the query (stop words dropped unless nothing else is left): its
    /// English stem, Polish stem and plain form.
    words: Vec<[String; 3]>,
}

impl QueryWords {
    pub(crate) fn new(query: &str) -> QueryWords {
        let per: Vec<Vec<String>> = Analysis::ALL
            .iter()
            .map(|&a| {
                analysis::tokens(a, query)
                    .into_iter()
                    .map(|t| t.text)
                    .collect()
            })
            .collect();
        // The three analyzers split words the same way, so the i-th tokens belong together.
        let mut words: Vec<[String; 3]> = (0..per[2].len())
            .map(|i| [per[0][i].clone(), per[1][i].clone(), per[2][i].clone()])
            .collect();
        let topical: Vec<[String; 3]> = words
            .iter()
            .filter(|w| !analysis::is_stop_word(&w[2]))
            .cloned()
            .collect();
        if !topical.is_empty() {
            words = topical;
        }
        let mut seen = HashSet::new();
        words.retain(|w| seen.insert(w[2].clone()));
        QueryWords { words }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    pub(crate) fn terms(&self) -> Terms {
        Terms::new(&self.words)
    }
}

impl SearchIndex {
    /// The best `limit` questions for `query` under `filters`, by BM25.
    pub fn search_lexical(
        &self,
        query: &str,
        filters: &Filters,
        limit: usize,
    ) -> Result<Vec<Hit>, SearchError> {
        let words = QueryWords::new(query);
        let limit = limit.min(crate::MAX_RESULTS);
        if words.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let top = self.lexical_top(&searcher, &words, filters, limit)?;
        let terms = words.terms();
        top.into_iter()
            .map(|(score, addr)| {
                let mut h = self.hit(&searcher, addr, score, &terms)?;
                h.lexical = Some(score);
                Ok(h)
            })
            .collect()
    }

    /// The addresses and BM25 scores of the best `limit` documents for `query`.
    pub(crate) fn lexical_top(
        &self,
        searcher: &Searcher,
        words: &QueryWords,
        filters: &Filters,
        limit: usize,
    ) -> Result<Vec<(f32, DocAddress)>, SearchError> {
        if words.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let query = self.filtered(self.words_query(searcher, words)?, filters);
        Ok(searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?)
    }

    /// One clause per query word, matching it in any analysis of the question or body; a word
    /// must match somewhere for the question to be found, but not every word must.
    fn words_query(
        &self,
        searcher: &Searcher,
        words: &QueryWords,
    ) -> Result<Box<dyn Query>, SearchError> {
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for word in &words.words {
            let mut alternatives: Vec<Box<dyn Query>> = Vec::new();
            for (i, form) in word.iter().enumerate() {
                for (fields, boost) in [(f.question, QUESTION_BOOST), (f.body, 1.0)] {
                    let term = Term::from_field_text(fields[i], form);
                    let q = TermQuery::new(term, IndexRecordOption::WithFreqs);
                    alternatives.push(Box::new(BoostQuery::new(Box::new(q), boost)));
                }
            }
            let plain = &word[2];
            if self.unknown(searcher, plain)? {
                alternatives.extend(self.fuzzy(plain));
            }
            // A word matching in several analyses is still one word: take the best, plus a
            // little for the others so a stem-and-exact match beats a stem-only one.
            clauses.push((
                Occur::Should,
                Box::new(DisjunctionMaxQuery::with_tie_breaker(alternatives, 0.1)),
            ));
        }
        Ok(Box::new(BooleanQuery::new(clauses)))
    }

    /// Whether no question has `plain` among its words, which makes it likely a typo.
    fn unknown(&self, searcher: &Searcher, plain: &str) -> Result<bool, SearchError> {
        for field in [self.fields.question[2], self.fields.body[2]] {
            if searcher.doc_freq(&Term::from_field_text(field, plain))? > 0 {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn fuzzy(&self, plain: &str) -> Vec<Box<dyn Query>> {
        // Short words have too many neighbours one edit away ("api" → "apt", "ap"), so only
        // longer words get a tolerance, and the longest get two edits.
        let distance = match plain.chars().count() {
            0..=3 => return Vec::new(),
            4..=7 => 1,
            _ => 2,
        };
        [
            (self.fields.question[2], QUESTION_BOOST),
            (self.fields.body[2], 1.0),
        ]
        .into_iter()
        .map(|(field, boost)| {
            let q = FuzzyTermQuery::new(Term::from_field_text(field, plain), distance, true);
            Box::new(BoostQuery::new(Box::new(q), boost * FUZZY_BOOST)) as Box<dyn Query>
        })
        .collect()
    }

    fn filtered(&self, text_query: Box<dyn Query>, filters: &Filters) -> Box<dyn Query> {
        match self.filter_query(filters) {
            None => text_query,
            Some(filter) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, text_query),
                (Occur::Must, filter),
            ])),
        }
    }

    /// The filters as one query scoring 0, or `None` without filters.
    pub(crate) fn filter_query(&self, filters: &Filters) -> Option<Box<dyn Query>> {
        let f = &self.fields;
        let mut must: Vec<Term> = Vec::new();
        if let Some(s) = &filters.section {
            must.push(Term::from_field_text(f.section_key, &filter_key(s)));
        }
        for tag in &filters.tags {
            must.push(Term::from_field_text(f.tag, &filter_key(tag)));
        }
        if let Some(l) = &filters.language {
            must.push(Term::from_field_text(f.lang, l.trim()));
        }
        if let Some(k) = &filters.kind {
            must.push(Term::from_field_text(f.kind, k.trim()));
        }
        if let Some(a) = filters.has_answer {
            must.push(Term::from_field_u64(f.has_answer, u64::from(a)));
        }
        if must.is_empty() {
            return None;
        }
        let clauses = must
            .into_iter()
            .map(|t| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(t, IndexRecordOption::Basic));
                (Occur::Must, q)
            })
            .collect();
        Some(Box::new(ConstScoreQuery::new(
            Box::new(BooleanQuery::new(clauses)),
            0.0,
        )))
    }

    pub(crate) fn hit(
        &self,
        searcher: &Searcher,
        addr: DocAddress,
        score: f32,
        terms: &Terms,
    ) -> Result<Hit, SearchError> {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let f = &self.fields;
        let text_of = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let text = text_of(f.text).unwrap_or_default();
        let answer_snippet = text_of(f.answer)
            .map(|a| Snippet::best_passage(&a, terms))
            .filter(|s| !s.highlights.is_empty());
        Ok(Hit {
            id: text_of(f.id).unwrap_or_default(),
            revision: doc
                .get_first(f.revision)
                .and_then(|v| v.as_u64())
                .and_then(|r| u32::try_from(r).ok())
                .unwrap_or(0),
            snippet: Snippet::whole(&text, terms),
            text,
            section: text_of(f.section),
            score,
            lexical: None,
            similarity: None,
            answer_snippet,
        })
    }
}
