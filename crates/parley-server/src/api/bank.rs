//! The rest of the bank over the API: sections and tags for browsing, importing uploaded files
//! (with a dry run), and reviewing near-duplicate suggestions.

use super::extract::parse_id;
use super::questions::QuestionOut;
use super::search::bank_error;
use crate::auth::Auth;
use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use parley_bank::import::{FileError, Imported, Report, import_documents, near_duplicates_of};
use parley_bank::near_dups::{Suggestion, describe};
use parley_docs::{ParsedDocument, ReadOptions, parse_document};
use parley_domain::Action;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Files per import.
const MAX_FILES: usize = 20;

#[derive(Debug, Serialize, ToSchema)]
pub struct Count {
    /// The section's name (null: questions without one) or the tag.
    pub name: Option<String>,
    pub questions: u64,
}

/// The bank's sections with their question counts, largest first.
#[utoipa::path(get, path = "/api/v1/sections", tag = "questions",
    responses((status = 200, body = Vec<Count>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn sections(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<Count>>, ApiError> {
    auth.require(Action::ReadBank, "read the question bank")?;
    let rows = state.store.sections_of(auth.org()).await?;
    Ok(Json(
        rows.into_iter()
            .map(|(name, questions)| Count { name, questions })
            .collect(),
    ))
}

/// The bank's tags with their question counts, most used first (at most 200).
#[utoipa::path(get, path = "/api/v1/tags", tag = "questions",
    responses((status = 200, body = Vec<Count>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn tags(State(state): State<AppState>, auth: Auth) -> Result<Json<Vec<Count>>, ApiError> {
    auth.require(Action::ReadBank, "read the question bank")?;
    let rows = state.store.tags_of(auth.org(), 200).await?;
    Ok(Json(
        rows.into_iter()
            .map(|(name, questions)| Count {
                name: Some(name),
                questions,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// Report what would be imported and write nothing.
    pub dry_run: Option<bool>,
}

/// The upload: one or more files in the field `files`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ImportUpload {
    #[schema(value_type = Vec<String>, format = Binary)]
    files: Vec<Vec<u8>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FileReportOut {
    pub path: String,
    pub format: String,
    pub encoding: String,
    pub language: String,
    pub questions: usize,
    pub with_answer: usize,
    pub follow_ups: usize,
    pub sections: Vec<String>,
    pub noise_removed: u32,
    pub merged_exact: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionOut {
    pub question: String,
    pub similar_to: String,
    /// 0–1.
    pub score: f64,
    pub question_text: String,
    pub similar_to_text: String,
}

impl From<Suggestion> for SuggestionOut {
    fn from(s: Suggestion) -> Self {
        SuggestionOut {
            question: s.question,
            similar_to: s.similar_to,
            score: s.score,
            question_text: s.question_text,
            similar_to_text: s.similar_to_text,
        }
    }
}

/// What an import did (or, on a dry run, would do); the shape of `parley import --json`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReportOut {
    pub files: Vec<FileReportOut>,
    pub added: usize,
    pub merged_exact: usize,
    pub dry_run: bool,
    pub near_duplicates: Vec<SuggestionOut>,
}

impl From<Report> for ImportReportOut {
    fn from(r: Report) -> Self {
        ImportReportOut {
            files: r
                .files
                .into_iter()
                .map(|f| FileReportOut {
                    path: f.path,
                    format: f.format.to_string(),
                    encoding: f.encoding.to_string(),
                    language: f.language,
                    questions: f.questions,
                    with_answer: f.with_answer,
                    follow_ups: f.follow_ups,
                    sections: f.sections,
                    noise_removed: f.noise_removed,
                    merged_exact: f.merged_exact,
                })
                .collect(),
            added: r.added,
            merged_exact: r.merged_exact,
            dry_run: r.dry_run,
            near_duplicates: r
                .near_duplicates
                .into_iter()
                .map(SuggestionOut::from)
                .collect(),
        }
    }
}

/// Parses every file; all must parse for an import to go on.
pub fn parse_all(files: &[(String, Vec<u8>)]) -> (Vec<(String, ParsedDocument)>, Vec<FileError>) {
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    for (name, bytes) in files {
        match parse_document(
            bytes,
            &ReadOptions {
                file_name: name.clone(),
            },
        ) {
            Ok(d) => docs.push((name.clone(), d)),
            Err(e) => errors.push(FileError {
                path: name.clone(),
                message: e.to_string(),
            }),
        }
    }
    (docs, errors)
}

/// Import uploaded documents (text, Markdown, CSV, Parley JSON) in one transaction: all files
/// or none. With `dry_run=true` nothing is written and the report says what would be.
#[utoipa::path(post, path = "/api/v1/imports", tag = "questions", params(ImportParams),
    request_body(content = ImportUpload, content_type = "multipart/form-data"),
    responses((status = 200, body = ImportReportOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody, description = "a file could not be read; nothing was written"), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn import(
    State(state): State<AppState>,
    auth: Auth,
    super::extract::ApiQuery(p): super::extract::ApiQuery<ImportParams>,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Json<ImportReportOut>, ApiError> {
    auth.require(Action::ImportBank, "import questions")?;
    let mut mp = mp.map_err(|_| ApiError::UnsupportedMediaType {
        expected: "multipart/form-data",
    })?;
    let mut files = Vec::new();
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| multipart_error(&state, e))?
    {
        if field.name() != Some("files") {
            continue;
        }
        let name = field
            .file_name()
            .map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n).to_string())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("upload-{}", files.len() + 1));
        let bytes = field
            .bytes()
            .await
            .map_err(|e| multipart_error(&state, e))?;
        if files.len() == MAX_FILES {
            return Err(ApiError::Invalid(format!(
                "at most {MAX_FILES} files per import"
            )));
        }
        files.push((name, bytes.to_vec()));
    }
    if files.is_empty() {
        return Err(ApiError::Invalid(
            "send at least one file in the field `files`".into(),
        ));
    }
    let (docs, errors) = tokio::task::spawn_blocking(move || parse_all(&files)).await?;
    if !errors.is_empty() {
        let list: Vec<String> = errors
            .iter()
            .map(|e| format!("{}: {}", e.path, e.message))
            .collect();
        return Err(ApiError::Invalid(format!(
            "nothing was imported; {}",
            list.join("; ")
        )));
    }
    let dry_run = p.dry_run.unwrap_or(false);
    let imported = import_documents(
        &state.store,
        auth.org(),
        &docs,
        dry_run,
        auth.user.email.as_str(),
    )
    .await
    .map_err(bank_error)?;
    let report = if dry_run {
        imported.report
    } else {
        after_import(&state, &auth, imported).await?
    };
    Ok(Json(report.into()))
}

/// What follows an import that wrote (the API's and the web's): it is counted, and the
/// questions it added are checked for near-duplicates (recorded as suggestions) when the model
/// is there.
pub async fn after_import(
    state: &AppState,
    auth: &Auth,
    imported: Imported,
) -> Result<Report, ApiError> {
    state.metrics.add(
        "parley_imported_questions_total",
        "Questions added by imports through the web and the API.",
        imported.report.added as u64,
    );
    let mut report = imported.report;
    if state.indexes.semantic() {
        let index = state
            .indexes
            .current(auth.org())
            .await
            .map_err(bank_error)?;
        let index = index.read().await;
        report.near_duplicates =
            near_duplicates_of(&state.store, auth.org(), &index, &imported.added)
                .await
                .map_err(bank_error)?;
    }
    Ok(report)
}

pub fn multipart_error(state: &AppState, e: axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::TooLarge {
            limit: state.settings.max_body_bytes,
        }
    } else {
        ApiError::BadRequest(e.body_text())
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionList {
    pub items: Vec<SuggestionOut>,
}

/// The open near-duplicate suggestions, most likely first.
#[utoipa::path(get, path = "/api/v1/duplicates", tag = "questions",
    responses((status = 200, body = SuggestionList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn duplicates(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<SuggestionList>, ApiError> {
    auth.require(Action::ReviewDuplicates, "review duplicates")?;
    let open = state.store.open_duplicates(auth.org()).await?;
    let items = describe(&state.store, auth.org(), &open)
        .await
        .map_err(bank_error)?;
    Ok(Json(SuggestionList {
        items: items.into_iter().map(SuggestionOut::from).collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeIn {
    /// The question that stays; it gains the other's sources, answer, guidance and history.
    pub keep: String,
    /// The question merged into it and removed.
    pub other: String,
}

/// Merge two questions (usually a suggested pair; owners and admins).
#[utoipa::path(post, path = "/api/v1/duplicates/merge", tag = "questions", request_body = MergeIn,
    responses((status = 200, body = QuestionOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn merge(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(m): ApiJson<MergeIn>,
) -> Result<Json<QuestionOut>, ApiError> {
    // A merge removes a question (its content and history live on under the one kept), so it
    // takes the right to delete.
    auth.require(Action::DeleteQuestion, "merge questions")?;
    let q = state
        .store
        .merge_questions(
            auth.org(),
            parse_id(&m.keep)?,
            parse_id(&m.other)?,
            auth.user.email.as_str(),
        )
        .await?;
    Ok(Json(q.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DismissIn {
    pub a: String,
    pub b: String,
}

/// Mark two questions as different ("not a duplicate"); they are never suggested again.
#[utoipa::path(post, path = "/api/v1/duplicates/dismiss", tag = "questions", request_body = DismissIn,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn dismiss(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(d): ApiJson<DismissIn>,
) -> Result<StatusCode, ApiError> {
    auth.require(Action::ReviewDuplicates, "review duplicates")?;
    let (a, b) = (parse_id(&d.a)?, parse_id(&d.b)?);
    if a == b {
        return Err(ApiError::Invalid(
            "a question is not a duplicate of itself".into(),
        ));
    }
    state
        .store
        .mark_not_duplicate(auth.org(), a, b, auth.user.email.as_str())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
