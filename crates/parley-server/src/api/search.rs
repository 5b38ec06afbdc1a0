//! `/api/v1/search` and `/api/v1/questions/{id}/similar`: the bank by words and by meaning.

use super::extract::{ApiQuery, parse_id};
use crate::auth::Auth;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use parley_bank::live::Mode;
use parley_domain::{Action, Language, QuestionKind, Taxonomy};
use parley_search::{Filters, Hit};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Longest query accepted.
const MAX_QUERY_CHARS: usize = 500;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The words to look for (any language; Polish and English are stemmed).
    #[param(max_length = 500)]
    pub q: String,
    /// lexical, semantic or hybrid (default).
    #[param(value_type = Option<SearchModeName>)]
    pub mode: Option<String>,
    /// 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    pub section: Option<String>,
    pub lang: Option<String>,
    pub kind: Option<String>,
    /// Comma-separated tags; every one must be on the question.
    pub tags: Option<String>,
    pub has_answer: Option<bool>,
}

/// How a search ranks.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum SearchModeName {
    Lexical,
    Semantic,
    Hybrid,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHit {
    pub id: String,
    pub text: String,
    pub section: Option<String>,
    pub score: f32,
    /// The question with matched words in `<mark>`…`</mark>`; everything else HTML-escaped.
    pub snippet: String,
    /// The best passage of the reference answer, marked the same way.
    pub answer_snippet: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    pub results: Vec<SearchHit>,
    /// The mode that ranked: `lexical` when semantic ranking is unavailable.
    pub mode: String,
}

pub fn hit_out(h: Hit) -> SearchHit {
    SearchHit {
        snippet: h.snippet.marked_html(),
        answer_snippet: h
            .answer_snippet
            .as_ref()
            .map(parley_search::Snippet::marked_html),
        id: h.id,
        text: h.text,
        section: h.section,
        score: h.score,
    }
}

/// Filters from request values; "bazy danych" and "databases" both name the section
/// "Databases".
pub fn filters(
    section: Option<&str>,
    lang: Option<&str>,
    kind: Option<&str>,
    tags: Option<&str>,
    has_answer: Option<bool>,
) -> Result<Filters, ApiError> {
    let language = lang
        .filter(|l| !l.is_empty())
        .map(str::parse::<Language>)
        .transpose()
        .map_err(|e| ApiError::Invalid(e.to_string()))?;
    let kind = kind
        .filter(|k| !k.is_empty())
        .map(str::parse::<QuestionKind>)
        .transpose()
        .map_err(|e| ApiError::Invalid(e.to_string()))?;
    let section = section.filter(|s| !s.is_empty()).map(|s| {
        Taxonomy::builtin()
            .lookup(s)
            .map_or(s.to_string(), |t| t.name.clone())
    });
    Ok(Filters {
        section,
        tags: tags
            .map(|t| {
                t.split(',')
                    .map(|t| t.trim().to_lowercase())
                    .filter(|t| !t.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
        language: language.map(|l| l.as_str().to_string()),
        kind: kind.map(|k| k.as_str().to_string()),
        has_answer: has_answer.filter(|h| *h),
    })
}

/// Search the bank: BM25 over English and Polish stems with typo tolerance, by meaning with
/// multilingual embeddings, or both fused (the default).
#[utoipa::path(get, path = "/api/v1/search", tag = "questions", params(SearchParams),
    responses((status = 200, body = SearchResults), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn search(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> Result<Json<SearchResults>, ApiError> {
    auth.require(Action::ReadBank, "search the question bank")?;
    if p.q.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::Invalid(format!(
            "a query may have at most {MAX_QUERY_CHARS} characters"
        )));
    }
    let mode: Mode = p
        .mode
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(ApiError::Invalid)?
        .unwrap_or_default();
    let f = filters(
        p.section.as_deref(),
        p.lang.as_deref(),
        p.kind.as_deref(),
        p.tags.as_deref(),
        p.has_answer,
    )?;
    let limit = match p.limit {
        None => 20,
        Some(n @ 1..=100) => n as usize,
        Some(_) => {
            return Err(ApiError::BadRequest(
                "limit must be between 1 and 100".into(),
            ));
        }
    };
    let hits = state
        .indexes
        .search(auth.org(), &p.q, mode, &f, limit)
        .await
        .map_err(bank_error)?;
    let used = if state.indexes.semantic() {
        mode
    } else {
        Mode::Lexical
    };
    Ok(Json(SearchResults {
        results: hits.into_iter().map(hit_out).collect(),
        mode: format!("{used:?}").to_lowercase(),
    }))
}

/// Questions like this one in meaning (nearest neighbours); empty without the model.
#[utoipa::path(get, path = "/api/v1/questions/{id}/similar", tag = "questions", params(("id" = String, Path)),
    responses((status = 200, body = SearchResults), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn similar(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<SearchResults>, ApiError> {
    auth.require(Action::ReadBank, "read the question bank")?;
    let id = parse_id(&id)?;
    state.store.get_question(auth.org(), id).await?;
    let hits = state
        .indexes
        .similar(auth.org(), &id.to_string(), &Filters::default(), 10)
        .await
        .map_err(bank_error)?;
    Ok(Json(SearchResults {
        results: hits.into_iter().map(hit_out).collect(),
        mode: "semantic".into(),
    }))
}

pub fn bank_error(e: parley_bank::BankError) -> ApiError {
    e.into()
}
