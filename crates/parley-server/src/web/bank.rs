//! The bank in the browser: browse by section and tag, search with filters, a question's page
//! with its guidance, sources, history and look-alikes, and adding, editing (with conflict
//! detection that keeps the editor's text) and deleting questions.

use super::{CsrfForm, Frame, Member, WebError, WebForm, WebResult, lines, page, see_other, when};
use crate::api::extract::parse_id;
use crate::api::search::{bank_error, filters};
use crate::auth::Auth;
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use parley_bank::live::Mode;
use parley_domain::{Action, Language, Question, QuestionDraft, QuestionKind};
use parley_store::{ListFilter, StoreError};
use serde::Deserialize;

/// Questions per page when browsing.
const PAGE: u32 = 50;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BrowseQuery {
    q: String,
    mode: String,
    section: String,
    lang: String,
    kind: String,
    tag: String,
    has_answer: Option<String>,
    after: String,
}

pub struct Row {
    id: String,
    /// Safe HTML: escaped text with `<mark>`ed matches.
    title_html: String,
    answer_html: Option<String>,
    section: String,
    language: String,
    has_answer: bool,
}

#[derive(Template)]
#[template(path = "questions.html")]
struct BrowsePage {
    frame: Frame,
    query: BrowseQuery,
    rows: Vec<Row>,
    sections: Vec<(String, String, u64)>,
    tags: Vec<(String, u64)>,
    kinds: Vec<&'static str>,
    heading: String,
    next: Option<String>,
    semantic: bool,
}

fn escape(s: &str) -> String {
    askama::filters::escape(s, askama::filters::Html)
        .map(|e| e.to_string())
        .unwrap_or_default()
}

fn row_of(q: Question) -> Row {
    let language = q.language().as_str().to_string();
    Row {
        id: q.id.to_string(),
        title_html: escape(&q.draft.text),
        answer_html: None,
        section: q.draft.section.unwrap_or_default(),
        language,
        has_answer: q.draft.reference_answer.is_some(),
    }
}

pub async fn index(
    State(state): State<AppState>,
    Member(auth): Member,
    Query(query): Query<BrowseQuery>,
) -> WebResult {
    auth.require(Action::ReadBank, "read the question bank")?;
    let org = auth.org();
    let none = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
    let has_answer = query.has_answer.is_some();
    let (rows, next, heading) = if let Some(q) = none(&query.q) {
        let mode: Mode = none(&query.mode)
            .map(|m| m.parse())
            .transpose()
            .map_err(ApiError::Invalid)?
            .unwrap_or_default();
        let f = filters(
            none(&query.section).as_deref(),
            none(&query.lang).as_deref(),
            none(&query.kind).as_deref(),
            none(&query.tag).as_deref(),
            Some(has_answer),
        )?;
        let hits = state
            .indexes
            .search(org, &q, mode, &f, 50)
            .await
            .map_err(bank_error)?;
        let n = hits.len();
        let rows = hits
            .into_iter()
            .map(|h| Row {
                title_html: h.snippet.marked_html(),
                answer_html: h
                    .answer_snippet
                    .as_ref()
                    .map(parley_search::Snippet::marked_html),
                id: h.id,
                section: h.section.unwrap_or_default(),
                language: String::new(),
                has_answer: true,
            })
            .collect();
        (rows, None, format!("{n} results for “{q}”"))
    } else {
        let filter = ListFilter {
            section: none(&query.section),
            language: none(&query.lang)
                .map(|l| l.parse::<Language>())
                .transpose()
                .map_err(|e| ApiError::Invalid(e.to_string()))?,
            kind: none(&query.kind)
                .map(|k| k.parse::<QuestionKind>())
                .transpose()
                .map_err(|e| ApiError::Invalid(e.to_string()))?,
            tag: none(&query.tag),
            after: none(&query.after).map(|a| parse_id(&a)).transpose()?,
            limit: Some(PAGE),
        };
        let page = state.store.list_questions(org, &filter).await?;
        let mut rows: Vec<Row> = page.items.into_iter().map(row_of).collect();
        if has_answer {
            rows.retain(|r| r.has_answer);
        }
        let heading = match (&filter.section, &filter.tag) {
            (Some(s), _) => s.clone(),
            (None, Some(t)) => format!("Tagged “{t}”"),
            (None, None) => "All questions".to_string(),
        };
        (rows, page.next.map(|i| i.to_string()), heading)
    };
    let sections = state
        .store
        .sections_of(org)
        .await?
        .into_iter()
        .map(|(s, n)| {
            (
                s.clone().unwrap_or_default(),
                s.unwrap_or_else(|| "No section".into()),
                n,
            )
        })
        .collect();
    let tags = state.store.tags_of(org, 40).await?;
    let p = BrowsePage {
        frame: Frame::of(&auth),
        query,
        rows,
        sections,
        tags,
        kinds: QuestionKind::ALL.iter().map(|k| k.as_str()).collect(),
        heading,
        next,
        semantic: state.indexes.semantic(),
    };
    Ok(page(StatusCode::OK, &p))
}

pub struct Link {
    id: String,
    text: String,
}

pub struct HistoryEntry {
    revision: u32,
    author: String,
    note: String,
    when: String,
    text: String,
}

#[derive(Template)]
#[template(path = "question.html")]
struct QuestionPage {
    frame: Frame,
    id: String,
    q: QuestionDraft,
    language: String,
    revision: u32,
    updated: String,
    follow_up_of: Option<Link>,
    translation_of: Option<Link>,
    follow_ups: Vec<Link>,
    similar: Vec<Link>,
    sources: Vec<(String, u32, String)>,
    history: Vec<HistoryEntry>,
    can_delete: bool,
}

async fn link(
    state: &AppState,
    auth: &Auth,
    id: Option<parley_domain::QuestionId>,
) -> Result<Option<Link>, WebError> {
    let Some(id) = id else { return Ok(None) };
    match state.store.get_question(auth.org(), id).await {
        Ok(q) => Ok(Some(Link {
            id: q.id.to_string(),
            text: q.draft.text,
        })),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

pub async fn show(
    State(state): State<AppState>,
    Member(auth): Member,
    Path(id): Path<String>,
) -> WebResult {
    auth.require(Action::ReadBank, "read the question bank")?;
    let id = parse_id(&id)?;
    let q = state.store.get_question(auth.org(), id).await?;
    let follow_ups = state
        .store
        .follow_ups_of(auth.org(), id)
        .await?
        .into_iter()
        .map(|f| Link {
            id: f.id.to_string(),
            text: f.draft.text,
        })
        .collect();
    let similar = state
        .indexes
        .similar(
            auth.org(),
            &id.to_string(),
            &parley_search::Filters::default(),
            5,
        )
        .await
        .map_err(bank_error)?
        .into_iter()
        .map(|h| Link {
            id: h.id,
            text: h.text,
        })
        .collect();
    let history = state
        .store
        .revisions(auth.org(), id)
        .await?
        .into_iter()
        .rev()
        .map(|r| HistoryEntry {
            revision: r.revision,
            author: r.author,
            note: r.note,
            when: when(r.created_at),
            text: r.content.text,
        })
        .collect();
    let p = QuestionPage {
        frame: Frame::of(&auth),
        id: q.id.to_string(),
        language: q.language().as_str().to_string(),
        revision: q.revision,
        updated: when(q.updated_at),
        follow_up_of: link(&state, &auth, q.follow_up_of).await?,
        translation_of: link(&state, &auth, q.translation_of).await?,
        follow_ups,
        similar,
        sources: q
            .sources
            .iter()
            .map(|s| {
                (
                    s.file.clone(),
                    s.line,
                    s.heading.clone().unwrap_or_default(),
                )
            })
            .collect(),
        history,
        can_delete: auth.role().may(Action::DeleteQuestion),
        q: q.draft,
    };
    Ok(page(StatusCode::OK, &p))
}

#[derive(Template)]
#[template(path = "edit.html")]
struct EditPage {
    frame: Frame,
    /// `None` for a new question.
    id: Option<String>,
    revision: u32,
    form: EditForm,
    kinds: Vec<&'static str>,
    error: Option<String>,
    /// The version someone else saved meanwhile, shown beside the editor's own text.
    theirs: Option<QuestionDraft>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct EditForm {
    csrf: String,
    revision: u32,
    text: String,
    reference_answer: String,
    section: String,
    tags: String,
    kind: String,
    language: String,
    key_points: String,
    look_for: String,
    red_flags: String,
    estimated_minutes: String,
}

impl EditForm {
    fn of(d: &QuestionDraft, revision: u32) -> EditForm {
        EditForm {
            csrf: String::new(),
            revision,
            text: d.text.clone(),
            reference_answer: d.reference_answer.clone().unwrap_or_default(),
            section: d.section.clone().unwrap_or_default(),
            tags: d.tags.join(", "),
            kind: d.kind.as_str().to_string(),
            language: d
                .language
                .as_ref()
                .map(|l| l.as_str().to_string())
                .unwrap_or_default(),
            key_points: d.key_points.join("\n"),
            look_for: d.look_for.join("\n"),
            red_flags: d.red_flags.join("\n"),
            estimated_minutes: d
                .estimated_minutes
                .map(|m| m.to_string())
                .unwrap_or_default(),
        }
    }

    /// The draft the form describes, on top of `base` (the stored question, or an empty one).
    fn draft(&self, base: &QuestionDraft) -> Result<QuestionDraft, ApiError> {
        let invalid = |e: &dyn std::fmt::Display| ApiError::Invalid(e.to_string());
        let key_points = lines(&self.key_points);
        // Unchanged extracted key points stay extracted (and follow a new answer); anything
        // the author typed is theirs.
        let extracted =
            key_points.is_empty() || (base.key_points_extracted && key_points == base.key_points);
        let mut d = QuestionDraft {
            text: self.text.clone(),
            reference_answer: Some(self.reference_answer.clone()).filter(|a| !a.trim().is_empty()),
            section: Some(self.section.clone()).filter(|s| !s.trim().is_empty()),
            tags: self
                .tags
                .split(',')
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect(),
            kind: if self.kind.trim().is_empty() {
                QuestionKind::default()
            } else {
                self.kind.parse().map_err(|e| invalid(&e))?
            },
            language: if self.language.trim().is_empty() {
                parley_domain::lang::detect(&self.text)
            } else {
                Some(self.language.parse().map_err(|e| invalid(&e))?)
            },
            key_points,
            key_points_extracted: extracted,
            look_for: lines(&self.look_for),
            red_flags: lines(&self.red_flags),
            estimated_minutes: if self.estimated_minutes.trim().is_empty() {
                None
            } else {
                Some(self.estimated_minutes.trim().parse().map_err(|_| {
                    ApiError::Invalid("estimated minutes must be a whole number".into())
                })?)
            },
        };
        parley_grade::fill_key_points(&mut d);
        d.clone().validated().map_err(|e| invalid(&e))?;
        Ok(d)
    }
}

fn kinds() -> Vec<&'static str> {
    QuestionKind::ALL.iter().map(|k| k.as_str()).collect()
}

pub async fn new_form(Member(auth): Member) -> WebResult {
    auth.require(Action::EditBank, "add questions")?;
    let form = EditForm {
        kind: "technical".into(),
        ..EditForm::default()
    };
    Ok(page(
        StatusCode::OK,
        &EditPage {
            frame: Frame::of(&auth),
            id: None,
            revision: 0,
            form,
            kinds: kinds(),
            error: None,
            theirs: None,
        },
    ))
}

pub async fn create(
    State(state): State<AppState>,
    Member(auth): Member,
    WebForm(form): WebForm<EditForm>,
) -> WebResult {
    auth.require(Action::EditBank, "add questions")?;
    auth.check_form_csrf(&form.csrf)?;
    let again = |error: String, form: EditForm| {
        page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &EditPage {
                frame: Frame::of(&auth),
                id: None,
                revision: 0,
                form,
                kinds: kinds(),
                error: Some(error),
                theirs: None,
            },
        )
    };
    let draft = match form.draft(&QuestionDraft::default()) {
        Ok(d) => d,
        Err(e) => return Ok(again(e.to_string(), form)),
    };
    match state
        .store
        .create_question(auth.org(), draft, auth.user.email.as_str())
        .await
    {
        Ok(q) => Ok(see_other(&format!("/questions/{}", q.id))),
        Err(e @ (StoreError::DuplicateText(_) | StoreError::Invalid(_))) => {
            Ok(again(ApiError::from(e).to_string(), form))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    Member(auth): Member,
    Path(id): Path<String>,
) -> WebResult {
    auth.require(Action::EditBank, "edit questions")?;
    let q = state.store.get_question(auth.org(), parse_id(&id)?).await?;
    let form = EditForm::of(&q.draft, q.revision);
    Ok(page(
        StatusCode::OK,
        &EditPage {
            frame: Frame::of(&auth),
            id: Some(q.id.to_string()),
            revision: q.revision,
            form,
            kinds: kinds(),
            error: None,
            theirs: None,
        },
    ))
}

pub async fn save(
    State(state): State<AppState>,
    Member(auth): Member,
    Path(id): Path<String>,
    WebForm(form): WebForm<EditForm>,
) -> WebResult {
    auth.require(Action::EditBank, "edit questions")?;
    auth.check_form_csrf(&form.csrf)?;
    let id = parse_id(&id)?;
    let current = state.store.get_question(auth.org(), id).await?;
    let again = |error: String, form: EditForm, theirs: Option<QuestionDraft>, revision: u32| {
        page(
            if theirs.is_some() {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            },
            &EditPage {
                frame: Frame::of(&auth),
                id: Some(id.to_string()),
                revision,
                form,
                kinds: kinds(),
                error: Some(error),
                theirs,
            },
        )
    };
    if form.revision != current.revision {
        // Someone saved since this editor opened the form: nothing is written; their text
        // stays in the form, beside what was saved, and saving again means choosing over it.
        let by = state
            .store
            .revisions(auth.org(), id)
            .await?
            .last()
            .map(|r| r.author.clone())
            .unwrap_or_default();
        let msg = format!(
            "{by} saved this question (revision {}) while you were editing revision {}. Nothing of yours was lost and nothing was saved: your text is below, theirs beside it. Save again to replace theirs with yours.",
            current.revision, form.revision
        );
        let mut kept = form.clone();
        kept.revision = current.revision;
        return Ok(again(msg, kept, Some(current.draft), current.revision));
    }
    let draft = match form.draft(&current.draft) {
        Ok(d) => d,
        Err(e) => return Ok(again(e.to_string(), form.clone(), None, current.revision)),
    };
    match state
        .store
        .update_question(
            auth.org(),
            id,
            Some(form.revision),
            draft,
            auth.user.email.as_str(),
            "edited in the browser",
        )
        .await
    {
        Ok(_) => Ok(see_other(&format!("/questions/{id}"))),
        Err(StoreError::Conflict { current: now, .. }) => {
            let theirs = state.store.get_question(auth.org(), id).await?;
            let mut kept = form.clone();
            kept.revision = now;
            Ok(again(
                format!(
                    "Someone saved revision {now} a moment ago; nothing was saved. Your text is below."
                ),
                kept,
                Some(theirs.draft),
                now,
            ))
        }
        Err(e @ (StoreError::DuplicateText(_) | StoreError::Invalid(_))) => Ok(again(
            ApiError::from(e).to_string(),
            form.clone(),
            None,
            current.revision,
        )),
        Err(e) => Err(e.into()),
    }
}

pub async fn delete(
    State(state): State<AppState>,
    Member(auth): Member,
    Path(id): Path<String>,
    WebForm(f): WebForm<CsrfForm>,
) -> WebResult {
    auth.require(Action::DeleteQuestion, "delete questions")?;
    auth.check_form_csrf(&f.csrf)?;
    state
        .store
        .delete_question(auth.org(), parse_id(&id)?)
        .await?;
    Ok(see_other("/questions"))
}
