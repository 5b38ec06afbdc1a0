//! `/api/v1/questions`: list with filters and cursors, read with `ETag`, create with
//! `Idempotency-Key`, edit with `If-Match`, delete, and the revision history.

use super::extract::{ApiBytes, ApiQuery, parse_id};
use crate::auth::Auth;
use crate::error::{ApiError, ApiJson, ErrorBody, etag};
use crate::idempotency::{self, IdempotencyKey, Reply};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use parley_domain::{
    Action, Language, Question, QuestionDraft, QuestionId, QuestionKind, Revision,
};
use parley_store::{DEFAULT_PAGE_SIZE, ListFilter, MAX_PAGE_SIZE};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A question as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionOut {
    pub id: String,
    pub text: String,
    /// ISO 639-1 code, or `und` when not determined.
    pub language: String,
    pub section: Option<String>,
    pub tags: Vec<String>,
    /// technical, behavioural, situational, system_design, opening, closing, for_interviewer
    pub kind: String,
    pub reference_answer: Option<String>,
    pub key_points: Vec<String>,
    /// The key points were extracted from the reference answer, not written by an author.
    pub key_points_extracted: bool,
    pub look_for: Vec<String>,
    pub red_flags: Vec<String>,
    pub estimated_minutes: Option<u32>,
    pub follow_up_of: Option<String>,
    pub translation_of: Option<String>,
    pub sources: Vec<SourceOut>,
    /// Increases with every edit; the ETag is this number in quotes.
    pub revision: u32,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SourceOut {
    pub file: String,
    pub line: u32,
    pub heading: Option<String>,
}

impl From<Question> for QuestionOut {
    fn from(q: Question) -> Self {
        let language = q.language().as_str().to_string();
        let d = q.draft;
        QuestionOut {
            id: q.id.to_string(),
            text: d.text,
            language,
            section: d.section,
            tags: d.tags,
            kind: d.kind.as_str().to_string(),
            reference_answer: d.reference_answer,
            key_points: d.key_points,
            key_points_extracted: d.key_points_extracted,
            look_for: d.look_for,
            red_flags: d.red_flags,
            estimated_minutes: d.estimated_minutes,
            follow_up_of: q.follow_up_of.map(|i| i.to_string()),
            translation_of: q.translation_of.map(|i| i.to_string()),
            sources: q
                .sources
                .into_iter()
                .map(|s| SourceOut {
                    file: s.file,
                    line: s.line,
                    heading: s.heading,
                })
                .collect(),
            revision: q.revision,
            created_at: q.created_at,
            updated_at: q.updated_at,
        }
    }
}

/// A page of questions; pass `next_cursor` as `cursor` for the next page (null at the end).
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionPage {
    pub items: Vec<QuestionOut>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Page size, 1 to 1000 (default 50).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    pub section: Option<String>,
    /// Language code (`en`, `pl`, `und`).
    pub lang: Option<String>,
    pub kind: Option<String>,
    pub tag: Option<String>,
}

/// A new question. Only `text` is required.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionIn {
    #[schema(min_length = 1, max_length = 4000, pattern = "\\S")]
    pub text: String,
    /// Detected from the text when left out.
    pub language: Option<String>,
    pub section: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Defaults to technical.
    pub kind: Option<String>,
    pub reference_answer: Option<String>,
    /// Extracted from the reference answer when left out.
    #[serde(default)]
    pub key_points: Vec<String>,
    #[serde(default)]
    pub look_for: Vec<String>,
    #[serde(default)]
    pub red_flags: Vec<String>,
    #[schema(minimum = 1, maximum = 180)]
    pub estimated_minutes: Option<u32>,
}

/// Changes to a question: fields left out stay as they are; `null` clears a nullable field.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionPatch {
    #[schema(min_length = 1, max_length = 4000, pattern = "\\S")]
    pub text: Option<String>,
    #[serde(default, deserialize_with = "some")]
    #[schema(value_type = Option<String>)]
    pub language: Option<Option<String>>,
    #[serde(default, deserialize_with = "some")]
    #[schema(value_type = Option<String>)]
    pub section: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "some")]
    #[schema(value_type = Option<String>)]
    pub reference_answer: Option<Option<String>>,
    /// Written key points replace extracted ones; an empty list asks for extraction again.
    pub key_points: Option<Vec<String>>,
    pub look_for: Option<Vec<String>>,
    pub red_flags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "some")]
    #[schema(value_type = Option<u32>, minimum = 1, maximum = 180)]
    pub estimated_minutes: Option<Option<u32>>,
}

/// Tells "absent" (outer `None`, by `default`) from "null" (`Some(None)`).
fn some<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionOut {
    pub revision: u32,
    pub author: String,
    pub note: String,
    pub created_at: i64,
    pub text: String,
    pub reference_answer: Option<String>,
    pub key_points: Vec<String>,
}

impl From<Revision> for RevisionOut {
    fn from(r: Revision) -> Self {
        RevisionOut {
            revision: r.revision,
            author: r.author,
            note: r.note,
            created_at: r.created_at,
            text: r.content.text,
            reference_answer: r.content.reference_answer,
            key_points: r.content.key_points,
        }
    }
}

fn parse_language(s: &str) -> Result<Language, ApiError> {
    s.parse::<Language>()
        .map_err(|e| ApiError::Invalid(e.to_string()))
}

fn parse_kind(s: &str) -> Result<QuestionKind, ApiError> {
    s.parse::<QuestionKind>()
        .map_err(|e| ApiError::Invalid(e.to_string()))
}

fn with_etag(q: Question, status: StatusCode) -> Response {
    let tag = etag(q.revision);
    let mut resp = (status, Json(QuestionOut::from(q))).into_response();
    if let Ok(v) = HeaderValue::from_str(&tag) {
        resp.headers_mut().insert(header::ETAG, v);
    }
    resp
}

/// List the bank's questions in creation order.
#[utoipa::path(get, path = "/api/v1/questions", tag = "questions", params(ListParams),
    responses((status = 200, body = QuestionPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<QuestionPage>, ApiError> {
    auth.require(Action::ReadBank, "read the question bank")?;
    let after = match p.cursor.as_deref() {
        None | Some("") => None,
        Some(c) => Some(
            c.parse::<QuestionId>()
                .map_err(|_| ApiError::BadRequest("not a cursor of this list".into()))?,
        ),
    };
    let limit = match p.limit {
        None => DEFAULT_PAGE_SIZE,
        Some(n @ 1..=MAX_PAGE_SIZE) => n,
        Some(_) => {
            return Err(ApiError::BadRequest(format!(
                "limit must be between 1 and {MAX_PAGE_SIZE}"
            )));
        }
    };
    // An empty value (`?lang=`) means no filter, as a form leaves it.
    let given = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    let filter = ListFilter {
        section: given(p.section),
        language: given(p.lang).as_deref().map(parse_language).transpose()?,
        kind: given(p.kind).as_deref().map(parse_kind).transpose()?,
        tag: given(p.tag),
        after,
        limit: Some(limit),
    };
    let page = state
        .store
        .list_questions(auth.org(), &filter)
        .await
        .map_err(|e| match e {
            parley_store::StoreError::NotFound => {
                ApiError::BadRequest("not a cursor of this list".into())
            }
            other => other.into(),
        })?;
    Ok(Json(QuestionPage {
        next_cursor: page.next.map(|i| i.to_string()),
        items: page.items.into_iter().map(QuestionOut::from).collect(),
    }))
}

/// Read one question; its `ETag` is what `If-Match` wants on an edit.
#[utoipa::path(get, path = "/api/v1/questions/{id}", tag = "questions", params(("id" = String, Path)),
    responses((status = 200, body = QuestionOut, headers(("ETag" = String))), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn get(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    auth.require(Action::ReadBank, "read the question bank")?;
    let q = state.store.get_question(auth.org(), parse_id(&id)?).await?;
    Ok(with_etag(q, StatusCode::OK))
}

/// Add a question. Send `Idempotency-Key` to make a retry safe.
#[utoipa::path(post, path = "/api/v1/questions", tag = "questions", request_body = QuestionIn,
    params(IdempotencyKey),
    responses((status = 201, body = QuestionOut, headers(("ETag" = String), ("Location" = String))), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "another question has this text"), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    ApiBytes(body): ApiBytes,
) -> Result<Response, ApiError> {
    auth.require(Action::EditBank, "add questions")?;
    let mut request = b"POST /api/v1/questions\n".to_vec();
    request.extend_from_slice(&body);
    let op = async {
        let ApiJson(input) = super::extract::json_from_bytes::<QuestionIn>(&headers, &body)?;
        let mut draft = QuestionDraft {
            language: match input.language.as_deref() {
                Some(l) => Some(parse_language(l)?),
                None => parley_domain::lang::detect(&input.text),
            },
            kind: input
                .kind
                .as_deref()
                .map(parse_kind)
                .transpose()?
                .unwrap_or_default(),
            section: input.section,
            tags: input.tags,
            reference_answer: input.reference_answer,
            key_points: input.key_points,
            look_for: input.look_for,
            red_flags: input.red_flags,
            estimated_minutes: input.estimated_minutes,
            ..QuestionDraft::new(input.text)
        };
        parley_grade::fill_key_points(&mut draft);
        let q = state
            .store
            .create_question(auth.org(), draft, auth.user.email.as_str())
            .await?;
        let location = format!("/api/v1/questions/{}", q.id);
        let tag = etag(q.revision);
        Ok(Reply::json(StatusCode::CREATED, QuestionOut::from(q))?
            .header(header::LOCATION, location)
            .header(header::ETAG, tag))
    };
    idempotency::once(&state, &auth, &headers, &request, &[], op).await
}

/// Edit a question. `If-Match` must carry the ETag you read; a stale one gets 412 and
/// nothing is written.
#[utoipa::path(patch, path = "/api/v1/questions/{id}", tag = "questions", request_body = QuestionPatch,
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag of the revision you edited (`*`: whatever is current). Required: without it the edit is refused with 428")),
    responses((status = 200, body = QuestionOut, headers(("ETag" = String))), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 412, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 428, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(patch): ApiJson<QuestionPatch>,
) -> Result<Response, ApiError> {
    auth.require(Action::EditBank, "edit questions")?;
    let id = parse_id(&id)?;
    let current = state.store.get_question(auth.org(), id).await?;
    let mut draft = current.draft.clone();
    apply(&mut draft, patch)?;
    // A malformed edit is refused as such, whatever its If-Match says.
    draft
        .clone()
        .validated()
        .map_err(|e| ApiError::Invalid(e.to_string()))?;
    let expected = if_match(&headers, current.revision)?;
    let q = state
        .store
        .update_question(
            auth.org(),
            id,
            Some(expected),
            draft,
            auth.user.email.as_str(),
            "edited",
        )
        .await?;
    Ok(with_etag(q, StatusCode::OK))
}

/// The revision `If-Match` names: `*` means the current one.
fn if_match(headers: &HeaderMap, current: u32) -> Result<u32, ApiError> {
    let v = headers
        .get(header::IF_MATCH)
        .ok_or(ApiError::PreconditionRequired)?;
    let v = v
        .to_str()
        .map_err(|_| ApiError::PreconditionFailed {
            current: etag(current),
        })?
        .trim();
    if v == "*" {
        return Ok(current);
    }
    // A list of tags matches if any does; weak tags compare like strong ones here.
    v.split(',')
        .map(|t| t.trim().trim_start_matches("W/").trim_matches('"'))
        .filter_map(|t| t.parse::<u32>().ok())
        .find(|&r| r == current)
        .ok_or(ApiError::PreconditionFailed {
            current: etag(current),
        })
}

fn apply(d: &mut QuestionDraft, p: QuestionPatch) -> Result<(), ApiError> {
    if let Some(t) = p.text {
        d.text = t;
    }
    if let Some(l) = p.language {
        d.language = l.as_deref().map(parse_language).transpose()?;
    }
    if let Some(s) = p.section {
        d.section = s;
    }
    if let Some(t) = p.tags {
        d.tags = t;
    }
    if let Some(k) = p.kind {
        d.kind = parse_kind(&k)?;
    }
    if let Some(a) = p.reference_answer {
        d.reference_answer = a;
    }
    if let Some(k) = p.key_points {
        d.key_points_extracted = k.is_empty();
        d.key_points = k;
    }
    if let Some(l) = p.look_for {
        d.look_for = l;
    }
    if let Some(r) = p.red_flags {
        d.red_flags = r;
    }
    if let Some(m) = p.estimated_minutes {
        d.estimated_minutes = m;
    }
    parley_grade::fill_key_points(d);
    Ok(())
}

/// Delete a question (owners and admins).
#[utoipa::path(delete, path = "/api/v1/questions/{id}", tag = "questions", params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    auth.require(Action::DeleteQuestion, "delete questions")?;
    state
        .store
        .delete_question(auth.org(), parse_id(&id)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A question's history, oldest revision first.
#[utoipa::path(get, path = "/api/v1/questions/{id}/revisions", tag = "questions", params(("id" = String, Path)),
    responses((status = 200, body = Vec<RevisionOut>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn revisions(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Vec<RevisionOut>>, ApiError> {
    auth.require(Action::ReadBank, "read the question bank")?;
    let id = parse_id(&id)?;
    // Existence in this organisation first: revisions() of a foreign id must look like a
    // missing one.
    state.store.get_question(auth.org(), id).await?;
    let revs = state.store.revisions(auth.org(), id).await?;
    Ok(Json(revs.into_iter().map(RevisionOut::from).collect()))
}
