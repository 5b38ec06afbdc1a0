//! The lexical index: one tantivy document per question, kept in a directory (the CLI's cache,
//! which survives between runs) or in memory (a server builds its own at start).
//!
//! The index is derived data. Its commit payload records the schema version and the database's
//! change watermark it reflects; an index of another schema version is thrown away and rebuilt,
//! and the caller catches it up from the watermark.

use std::path::Path;

use parley_domain::{Question, QuestionId};
use tantivy::directory::MmapDirectory;
use tantivy::schema::{
    BytesOptions, FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::SearchError;
use crate::analysis::{self, Analysis};
use crate::vectors::VectorCache;

/// The name of the embedding field, which fast-field readers look up by name.
pub(crate) const VECTOR_FIELD: &str = "vector";

/// Bumped whenever the schema or an analyzer changes, so old indexes are rebuilt.
const SCHEMA_VERSION: u32 = 2;
/// The writer's memory budget; tantivy flushes a segment when it is used up.
const WRITER_BUDGET: usize = 64 * 1024 * 1024;

/// The fields of a question document.
#[derive(Clone, Copy)]
pub(crate) struct Fields {
    pub id: Field,
    pub revision: Field,
    /// The question text, three ways (see `analysis`).
    pub question: [Field; 3],
    /// Reference answer, key points, tags and section: what a question is about beyond its words.
    pub body: [Field; 3],
    pub text: Field,
    pub answer: Field,
    pub section: Field,
    pub section_key: Field,
    pub tag: Field,
    pub lang: Field,
    pub kind: Field,
    pub has_answer: Field,
    pub vector: Field,
}

impl Fields {
    fn build() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let analysed = |a: Analysis| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(a.name())
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            )
        };
        let names = ["en", "pl", "plain"];
        let question = [0, 1, 2].map(|i| {
            b.add_text_field(
                &format!("question_{}", names[i]),
                analysed(Analysis::ALL[i]),
            )
        });
        let body = [0, 1, 2]
            .map(|i| b.add_text_field(&format!("body_{}", names[i]), analysed(Analysis::ALL[i])));
        let fields = Fields {
            id: b.add_text_field("id", STRING | STORED | FAST),
            revision: b.add_u64_field("revision", STORED),
            question,
            body,
            text: b.add_text_field("text", STORED),
            answer: b.add_text_field("answer", STORED),
            section: b.add_text_field("section", STORED),
            section_key: b.add_text_field("section_key", STRING),
            tag: b.add_text_field("tag", STRING | STORED),
            lang: b.add_text_field("lang", STRING | STORED),
            kind: b.add_text_field("kind", STRING | STORED),
            has_answer: b.add_u64_field("has_answer", INDEXED | FAST),
            vector: b.add_bytes_field(VECTOR_FIELD, BytesOptions::default().set_fast()),
        };
        (b.build(), fields)
    }
}

/// How a filter value is compared: sections and tags ignore case and diacritics.
pub(crate) fn filter_key(s: &str) -> String {
    parley_domain::text::fold(s.trim())
}

/// A question bank's lexical index.
pub struct SearchIndex {
    // Kept so the index outlives its reader and writer on every directory kind.
    _index: Index,
    pub(crate) fields: Fields,
    pub(crate) reader: IndexReader,
    pub(crate) vectors: VectorCache,
    writer: IndexWriter,
    watermark: i64,
    /// The embedding model of the vectors in this index; `None` when it holds none.
    model: Option<String>,
    dirty: bool,
}

impl SearchIndex {
    /// An index kept in memory only, for vectors of `model` (`None`: without vectors).
    pub fn in_memory(model: Option<&str>) -> Result<SearchIndex, SearchError> {
        let (schema, fields) = Fields::build();
        SearchIndex::with(Index::create_in_ram(schema), fields, 0, model)
    }

    /// The index kept in `dir`, for vectors of `model` (`None`: without vectors). It is
    /// created when missing, and rebuilt (empty, watermark 0) when it was written by another
    /// schema version or for another model, or cannot be read.
    pub fn open_dir(dir: &Path, model: Option<&str>) -> Result<SearchIndex, SearchError> {
        std::fs::create_dir_all(dir).map_err(|e| SearchError::Io(dir.display().to_string(), e))?;
        let (schema, fields) = Fields::build();
        if let Some((index, watermark)) = Self::existing(dir, model) {
            return SearchIndex::with(index, fields, watermark, model);
        }
        // Whatever is there is stale or broken; the database can always rebuild it.
        for entry in
            std::fs::read_dir(dir).map_err(|e| SearchError::Io(dir.display().to_string(), e))?
        {
            let path = entry
                .map_err(|e| SearchError::Io(dir.display().to_string(), e))?
                .path();
            let removed = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            removed.map_err(|e| SearchError::Io(path.display().to_string(), e))?;
        }
        let directory = MmapDirectory::open(dir)?;
        let index = Index::create(directory, schema, Default::default())?;
        SearchIndex::with(index, fields, 0, model)
    }

    fn existing(dir: &Path, model: Option<&str>) -> Option<(Index, i64)> {
        let index = Index::open_in_dir(dir).ok()?;
        let payload = index.load_metas().ok()?.payload?;
        let p = Payload::parse(&payload)?;
        (p.version == SCHEMA_VERSION && p.model.as_deref() == model).then_some((index, p.watermark))
    }

    fn with(
        index: Index,
        fields: Fields,
        watermark: i64,
        model: Option<&str>,
    ) -> Result<SearchIndex, SearchError> {
        analysis::register(&index);
        let writer = index.writer_with_num_threads(1, WRITER_BUDGET)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            _index: index,
            fields,
            reader,
            vectors: VectorCache::default(),
            writer,
            watermark,
            model: model.map(str::to_string),
            dirty: false,
        })
    }

    /// The embedding model whose vectors this index holds.
    pub fn model(&self) -> Option<&str> {
        self.model.as_deref()
    }

    /// The database change watermark this index reflects (0: none).
    pub fn watermark(&self) -> i64 {
        self.watermark
    }

    /// How many questions are searchable.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds `question` with its embedding (by this index's model), replacing any earlier
    /// version of it. Visible after `commit`.
    pub fn upsert(
        &mut self,
        question: &Question,
        vector: Option<&[f32]>,
    ) -> Result<(), SearchError> {
        self.remove(question.id);
        let mut doc = self.document(question);
        if let (Some(v), Some(_)) = (vector, &self.model) {
            let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
            doc.add_bytes(self.fields.vector, &bytes);
        }
        self.writer.add_document(doc)?;
        self.dirty = true;
        Ok(())
    }

    /// Removes question `id` (nothing happens when it is not there). Visible after `commit`.
    pub fn remove(&mut self, id: QuestionId) {
        self.writer
            .delete_term(Term::from_field_text(self.fields.id, &id.to_string()));
        self.dirty = true;
    }

    /// Removes every question and forgets the watermark (visible after `commit`), for a
    /// follower that must start over.
    pub fn clear(&mut self) -> Result<(), SearchError> {
        self.writer.delete_all_documents()?;
        self.watermark = 0;
        self.dirty = true;
        Ok(())
    }

    /// Makes every change since the last commit searchable and records `watermark`.
    pub fn commit(&mut self, watermark: i64) -> Result<(), SearchError> {
        if !self.dirty && watermark == self.watermark {
            return Ok(());
        }
        let payload = Payload {
            version: SCHEMA_VERSION,
            watermark,
            model: self.model.clone(),
        }
        .render();
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        self.reader.reload()?;
        self.watermark = watermark;
        self.dirty = false;
        Ok(())
    }

    fn document(&self, q: &Question) -> TantivyDocument {
        let f = &self.fields;
        let d = &q.draft;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.id, q.id.to_string());
        doc.add_u64(f.revision, u64::from(q.revision));
        for field in f.question {
            doc.add_text(field, &d.text);
        }
        let mut body = String::new();
        for part in d
            .reference_answer
            .iter()
            .chain(&d.key_points)
            .chain(&d.tags)
            .chain(&d.section)
        {
            body.push_str(part);
            body.push('\n');
        }
        for field in f.body {
            doc.add_text(field, &body);
        }
        doc.add_text(f.text, &d.text);
        if let Some(answer) = &d.reference_answer {
            doc.add_text(f.answer, answer);
        }
        if let Some(section) = &d.section {
            doc.add_text(f.section, section);
            doc.add_text(f.section_key, filter_key(section));
        }
        for tag in &d.tags {
            doc.add_text(f.tag, filter_key(tag));
        }
        doc.add_text(f.lang, q.language().as_str());
        doc.add_text(f.kind, d.kind.as_str());
        doc.add_u64(f.has_answer, u64::from(d.reference_answer.is_some()));
        doc
    }
}

/// What a commit records beside the documents.
struct Payload {
    version: u32,
    watermark: i64,
    model: Option<String>,
}

impl Payload {
    fn render(&self) -> String {
        let model = self.model.as_deref().unwrap_or("");
        format!("v{};w{};m{model}", self.version, self.watermark)
    }

    fn parse(s: &str) -> Option<Payload> {
        let mut parts = s.splitn(3, ';');
        let version = parts.next()?.strip_prefix('v')?.parse().ok()?;
        let watermark = parts.next()?.strip_prefix('w')?.parse().ok()?;
        let model = parts.next()?.strip_prefix('m')?;
        Some(Payload {
            version,
            watermark,
            model: (!model.is_empty()).then(|| model.to_string()),
        })
    }
}
