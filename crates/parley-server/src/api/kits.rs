//! The kit over the API: its shape in answers, the edits an interviewer makes before the
//! interview starts (swap, move, pin, remove, add, rebuild), the suggestions to swap with, and
//! the Markdown export.

use super::extract::{ApiQuery, path_id};
use super::interviews::InterviewOut;
use crate::auth::Auth;
use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::kits::{Planning, planning_for, suggestions};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use parley_domain::kit::{BlockKind, Kit};
use parley_domain::{Action, InterviewId, QuestionId};
use parley_store::Interview;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// What a block of the kit is for.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BlockKindName {
    Introduction,
    Experience,
    Competency,
    CandidateQuestions,
    Closing,
}

impl From<BlockKind> for BlockKindName {
    fn from(k: BlockKind) -> Self {
        match k {
            BlockKind::Introduction => Self::Introduction,
            BlockKind::Experience => Self::Experience,
            BlockKind::Competency => Self::Competency,
            BlockKind::CandidateQuestions => Self::CandidateQuestions,
            BlockKind::Closing => Self::Closing,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KitItemOut {
    /// Notes and ratings are kept under this id.
    pub id: u32,
    pub question_id: Option<String>,
    pub text: String,
    /// Why it is asked, when it is about the candidate's own experience.
    pub anchor: Option<String>,
    pub reference_answer: Option<String>,
    pub key_points: Vec<String>,
    pub look_for: Vec<String>,
    pub red_flags: Vec<String>,
    /// From the first probe to the deepest.
    pub follow_ups: Vec<String>,
    pub minutes: u32,
    pub pinned: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KitBlockOut {
    pub kind: BlockKindName,
    pub key: String,
    pub title: String,
    pub minutes: u32,
    pub required: bool,
    pub items: Vec<KitItemOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KitOut {
    pub length_minutes: u32,
    /// Send it back with an edit to refuse the edit if someone changed the kit meanwhile.
    pub revision: u32,
    pub blocks: Vec<KitBlockOut>,
    pub warnings: Vec<String>,
}

pub(crate) fn kit_out(kit: Kit, revision: u32) -> KitOut {
    KitOut {
        length_minutes: kit.length_minutes,
        revision,
        warnings: kit.warnings,
        blocks: kit
            .blocks
            .into_iter()
            .map(|b| KitBlockOut {
                kind: b.kind.into(),
                key: b.key,
                title: b.title,
                minutes: b.minutes,
                required: b.required,
                items: b
                    .items
                    .into_iter()
                    .map(|i| KitItemOut {
                        id: i.id,
                        question_id: i.question_id.map(|q| q.to_string()),
                        text: i.text,
                        anchor: i.anchor,
                        reference_answer: i.reference_answer,
                        key_points: i.key_points,
                        look_for: i.look_for,
                        red_flags: i.red_flags,
                        follow_ups: i.follow_ups,
                        minutes: i.minutes,
                        pinned: i.pinned,
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// An edit of the kit.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum KitOp {
    /// Replace `item` with bank question `question_id`.
    Swap,
    /// Move `item` by `delta` places within its block.
    Move,
    /// Move competency block `block` by `delta` places.
    MoveBlock,
    Pin,
    Unpin,
    Remove,
    /// Add bank question `question_id` to competency block `block`.
    Add,
    /// Plan the kit again (for `length`, when given), keeping pinned items.
    Rebuild,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KitEditIn {
    pub op: KitOp,
    pub item: Option<u32>,
    pub question_id: Option<String>,
    #[schema(max_length = 100)]
    pub block: Option<String>,
    #[schema(minimum = -50, maximum = 50)]
    pub delta: Option<i32>,
    pub length_minutes: Option<u32>,
    /// The kit revision you edited: refused with 409 if it changed since.
    pub revision: Option<u32>,
}

fn need<T>(v: Option<T>, what: &str) -> Result<T, ApiError> {
    v.ok_or_else(|| ApiError::Invalid(format!("this edit needs `{what}`")))
}

/// Edit the kit before the interview starts: swap, reorder, pin, remove, add, rebuild.
#[utoipa::path(post, path = "/api/v1/interviews/{id}/kit", tag = "interviews", request_body = KitEditIn, params(("id" = String, Path)),
    responses((status = 200, body = InterviewOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn edit_kit(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<KitEditIn>,
) -> Result<Json<InterviewOut>, ApiError> {
    auth.require(Action::RunInterviews, "edit kits")?;
    let id = path_id::<InterviewId>(&id)?;
    Ok(Json(apply_edit(&state, &auth, id, input).await?.into()))
}

/// Applies one kit edit (the web form uses this too).
pub async fn apply_edit(
    state: &AppState,
    auth: &Auth,
    id: InterviewId,
    input: KitEditIn,
) -> Result<Interview, ApiError> {
    let org = auth.org();
    let store = &state.store;
    let question = |planning: &Planning| -> Result<parley_domain::kit::PoolQuestion, ApiError> {
        let qid = need(input.question_id.as_deref(), "question_id")?
            .parse::<QuestionId>()
            .map_err(|e| ApiError::Invalid(e.to_string()))?;
        planning.question(qid).cloned().ok_or_else(|| {
            ApiError::Invalid(
                "no such question in the bank (follow-ups are asked through their question)".into(),
            )
        })
    };
    let (iv, ()) = match input.op {
        KitOp::Swap | KitOp::Add | KitOp::Rebuild => {
            let current = store.interview(org, id).await?;
            let planning = planning_for(state, &current).await?;
            match input.op {
                KitOp::Swap => {
                    let (q, item) = (question(&planning)?, need(input.item, "item")?);
                    store
                        .edit_kit(org, id, input.revision, |k| k.swap(item, &q).map(|_| ()))
                        .await?
                }
                KitOp::Add => {
                    let q = question(&planning)?;
                    let block = need(input.block.clone(), "block")?;
                    store
                        .edit_kit(org, id, input.revision, |k| k.add(&block, &q).map(|_| ()))
                        .await?
                }
                _ => {
                    let length = input.length_minutes.unwrap_or(current.length_minutes);
                    let rebuilt = planning.rebuild(&current.kit, length)?;
                    store
                        .edit_kit(
                            org,
                            id,
                            input.revision.or(Some(current.kit_revision)),
                            |k| {
                                *k = rebuilt;
                                Ok(())
                            },
                        )
                        .await?
                }
            }
        }
        KitOp::Move => {
            let (item, delta) = (need(input.item, "item")?, need(input.delta, "delta")?);
            store
                .edit_kit(org, id, input.revision, |k| k.move_item(item, delta))
                .await?
        }
        KitOp::MoveBlock => {
            let (block, delta) = (
                need(input.block.clone(), "block")?,
                need(input.delta, "delta")?,
            );
            store
                .edit_kit(org, id, input.revision, |k| k.move_block(&block, delta))
                .await?
        }
        KitOp::Pin | KitOp::Unpin => {
            let item = need(input.item, "item")?;
            let pin = matches!(input.op, KitOp::Pin);
            store
                .edit_kit(org, id, input.revision, |k| k.set_pinned(item, pin))
                .await?
        }
        KitOp::Remove => {
            let item = need(input.item, "item")?;
            store
                .edit_kit(org, id, input.revision, |k| k.remove(item))
                .await?
        }
    };
    Ok(iv)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AlternativesParams {
    /// The competency block's key.
    pub block: String,
    /// The item to replace: questions most like it by meaning come first.
    pub item: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AlternativeOut {
    pub question_id: String,
    pub text: String,
    pub section: Option<String>,
    pub minutes: u32,
    pub key_points: Vec<String>,
}

/// Questions that could replace or join those of a competency block: same competency, not in
/// the kit, never asked of this candidate; with `item`, those most like it by meaning first.
#[utoipa::path(get, path = "/api/v1/interviews/{id}/kit/alternatives", tag = "interviews", params(("id" = String, Path), AlternativesParams),
    responses((status = 200, body = Vec<AlternativeOut>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn alternatives(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiQuery(params): ApiQuery<AlternativesParams>,
) -> Result<Json<Vec<AlternativeOut>>, ApiError> {
    auth.require(Action::RunInterviews, "edit kits")?;
    let iv = state
        .store
        .interview(auth.org(), path_id::<InterviewId>(&id)?)
        .await?;
    let planning = planning_for(&state, &iv).await?;
    let found = suggestions(&state, &planning, &iv.kit, &params.block, params.item, 10).await?;
    Ok(Json(
        found
            .into_iter()
            .map(|q| AlternativeOut {
                question_id: q.id.to_string(),
                text: q.text,
                section: q.section,
                minutes: q.minutes,
                key_points: q.key_points,
            })
            .collect(),
    ))
}

/// The kit as Markdown, for printing or pasting into a document.
#[utoipa::path(get, path = "/api/v1/interviews/{id}/kit.md", tag = "interviews", params(("id" = String, Path)),
    responses((status = 200, content_type = "text/markdown", body = String), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn kit_markdown(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    auth.require(Action::RunInterviews, "see interviews")?;
    let iv = state
        .store
        .interview(auth.org(), path_id::<InterviewId>(&id)?)
        .await?;
    let title = kit_title(&state, &iv).await?;
    let md = iv.kit.to_markdown(&title);
    Ok(super::attachment(
        "text/markdown; charset=utf-8",
        &format!("kit-{}.md", iv.id),
        md,
    ))
}

/// "Interview: Ada Lovelace, Backend developer".
pub async fn kit_title(state: &AppState, iv: &Interview) -> Result<String, ApiError> {
    let role = state.store.role(iv.org, iv.role).await?;
    let cand = state.store.candidate(iv.org, iv.candidate).await?;
    Ok(format!(
        "Interview: {}, {}",
        cand.draft.name, role.draft.title
    ))
}
