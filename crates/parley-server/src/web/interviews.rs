//! Interview pages: the list, the kit (edit, schedule, move through the lifecycle, export) and
//! the live screen where each panel member takes notes, ticks key points and rates.

use super::{Fields, Frame, Member, WebForm, WebResult, field, page, see_other, when};
use crate::api::extract::path_id;
use crate::api::kits::{KitEditIn, KitOp, apply_edit, kit_title};
use crate::auth::Auth;
use crate::error::ApiError;
use crate::kits::{planning_for, suggestions};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use parley_domain::interview::{Entry, InterviewState};
use parley_domain::kit::{BlockKind, KitBlock, PoolQuestion};
use parley_domain::{Action, InterviewId, Role, UserId};
use parley_store::{Interview, StoredEntry};
use std::collections::HashMap;

pub struct Row {
    id: String,
    title: String,
    state: String,
    when: String,
    length: u32,
}

#[derive(Template)]
#[template(path = "interviews.html")]
struct ListPage {
    frame: Frame,
    rows: Vec<Row>,
}

pub async fn list(State(state): State<AppState>, Member(auth): Member) -> WebResult {
    auth.require(Action::RunInterviews, "see interviews")?;
    let all = state.store.interviews_of(auth.org(), None).await?;
    let candidates = state.store.candidates_of(auth.org()).await?;
    let roles = state.store.roles_of(auth.org()).await?;
    let rows = all
        .into_iter()
        .map(|i| Row {
            id: i.id.to_string(),
            title: format!(
                "{}, {}",
                candidates
                    .iter()
                    .find(|c| c.id == i.candidate)
                    .map_or("?", |c| c.draft.name.as_str()),
                roles
                    .iter()
                    .find(|r| r.id == i.role)
                    .map_or("?", |r| r.draft.title.as_str())
            ),
            state: i.state.label().to_string(),
            when: i
                .scheduled_at
                .map(when)
                .unwrap_or_else(|| "not scheduled".into()),
            length: i.length_minutes,
        })
        .collect();
    Ok(page(
        StatusCode::OK,
        &ListPage {
            frame: Frame::of(&auth),
            rows,
        },
    ))
}

pub struct Person {
    id: String,
    name: String,
    on_panel: bool,
}

#[derive(Template)]
#[template(path = "interview.html")]
struct KitPage {
    frame: Frame,
    iv: Interview,
    title: String,
    state_label: String,
    next: Vec<(String, String)>,
    editable: bool,
    when: String,
    /// `YYYY-MM-DDTHH:MM` for the datetime-local field.
    when_value: String,
    people: Vec<Person>,
    /// Minutes from the start at which each block begins.
    starts: Vec<u32>,
    lengths: [u32; 4],
    error: Option<String>,
}

impl KitPage {
    fn is_competency(&self, b: &KitBlock) -> bool {
        b.kind == BlockKind::Competency
    }
}

fn local_value(ms: i64) -> String {
    let (y, m, d, h, min, _) = parley_domain::time::civil(ms);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}")
}

async fn kit_page(
    state: &AppState,
    auth: &Auth,
    iv: Interview,
    frame: Frame,
    error: Option<String>,
) -> WebResult {
    let title = kit_title(state, &iv).await?;
    let people = state
        .store
        .users_of(auth.org())
        .await?
        .into_iter()
        .filter(|u| u.role != Role::Candidate)
        .map(|u| Person {
            id: u.id.to_string(),
            on_panel: iv.panel.contains(&u.id),
            name: u.name,
        })
        .collect();
    let mut starts = Vec::new();
    let mut clock = 0;
    for b in &iv.kit.blocks {
        starts.push(clock);
        clock += b.minutes;
    }
    let status = if error.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    Ok(page(
        status,
        &KitPage {
            frame,
            title,
            state_label: iv.state.label().to_string(),
            next: iv
                .state
                .next()
                .iter()
                .map(|s| (s.as_str().to_string(), action_label(*s).to_string()))
                .collect(),
            editable: matches!(iv.state, InterviewState::Draft | InterviewState::Scheduled),
            when: iv
                .scheduled_at
                .map(when)
                .unwrap_or_else(|| "not scheduled".into()),
            when_value: iv.scheduled_at.map(local_value).unwrap_or_default(),
            people,
            starts,
            lengths: parley_domain::kit::LENGTHS,
            iv,
            error,
        },
    ))
}

fn action_label(to: InterviewState) -> &'static str {
    match to {
        InterviewState::Scheduled => "Mark as scheduled",
        InterviewState::InProgress => "Start the interview",
        InterviewState::Completed => "Complete the interview",
        InterviewState::Assessed => "Mark as assessed",
        InterviewState::FeedbackSent => "Mark feedback as sent",
        InterviewState::Cancelled => "Cancel the interview",
        InterviewState::NoShow => "The candidate did not come",
        InterviewState::Draft => "Back to draft",
    }
}

pub async fn show(
    State(state): State<AppState>,
    Member(auth): Member,
    Path(id): Path<String>,
) -> WebResult {
    auth.require(Action::RunInterviews, "see interviews")?;
    let iv = state
        .store
        .interview(auth.org(), path_id::<InterviewId>(&id)?)
        .await?;
    kit_page(&state, &auth, iv, Frame::of(&auth), None).await
}

/// Renders the kit page with a refusal, or passes other errors on.
async fn refused(state: &AppState, auth: &Auth, id: InterviewId, e: ApiError) -> WebResult {
    match e {
        ApiError::Conflict(_) | ApiError::Invalid(_) => {
            let iv = state.store.interview(auth.org(), id).await?;
            kit_page(state, auth, iv, Frame::of(auth), Some(e.to_string())).await
        }
        other => Err(other.into()),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    Member(auth): Member,
    Path(id): Path<String>,
    WebForm(f): WebForm<Fields>,
) -> WebResult {
    auth.require(Action::RunInterviews, "edit kits")?;
    auth.check_form_csrf(field(&f, "csrf"))?;
    let id = path_id::<InterviewId>(&id)?;
    let op = match field(&f, "op") {
        "swap" => KitOp::Swap,
        "up" | "down" => KitOp::Move,
        "block_up" | "block_down" => KitOp::MoveBlock,
        "pin" => KitOp::Pin,
        "unpin" => KitOp::Unpin,
        "remove" => KitOp::Remove,
        "add" => KitOp::Add,
        "rebuild" => KitOp::Rebuild,
        other => return Err(ApiError::BadRequest(format!("unknown edit {other:?}")).into()),
    };
    let delta = match field(&f, "op") {
        "up" | "block_up" => Some(-1),
        "down" | "block_down" => Some(1),
        _ => None,
    };
    let input = KitEditIn {
        op,
        item: field(&f, "item").parse().ok(),
        question_id: Some(field(&f, "question_id").to_string()).filter(|q| !q.is_empty()),
        block: Some(field(&f, "block").to_string()).filter(|b| !b.is_empty()),
        delta,
        length_minutes: field(&f, "length").parse().ok(),
        revision: field(&f, "revision").parse().ok(),
    };
    let anchor = input
        .item
        .map_or_else(String::new, |i| format!("#item-{i}"));
    match apply_edit(&state, &auth, id, input).await {
        Ok(_) => Ok(see_other(&format!("/interviews/{id}{anchor}"))),
        Err(e) => refused(&state, &auth, id, e).await,
    }
}

#[derive(Template)]
#[template(path = "swap.html")]
struct SwapPage {
    frame: Frame,
    id: String,
    item: u32,
    block: String,
    current: String,
    revision: u32,
    alternatives: Vec<PoolQuestion>,
}

pub async fn swap_form(
    State(state): State<AppState>,
    Member(auth): Member,
    Path((id, item)): Path<(String, String)>,
) -> WebResult {
    auth.require(Action::RunInterviews, "edit kits")?;
    let iv = state
        .store
        .interview(auth.org(), path_id::<InterviewId>(&id)?)
        .await?;
    let item: u32 = path_id(&item)?;
    let block = iv
        .kit
        .blocks
        .iter()
        .find(|b| b.items.iter().any(|i| i.id == item))
        .ok_or(ApiError::NotFound)?;
    let current = block
        .items
        .iter()
        .find(|i| i.id == item)
        .map(|i| i.text.clone())
        .unwrap_or_default();
    let planning = planning_for(&state, &iv).await?;
    let alternatives = suggestions(&state, &planning, &iv.kit, &block.key, Some(item), 12).await?;
    Ok(page(
        StatusCode::OK,
        &SwapPage {
            frame: Frame::of(&auth),
            id: iv.id.to_string(),
            item,
            block: block.title.clone(),
            current,
            revision: iv.kit_revision,
            alternatives,
        },
    ))
}

pub async fn transition(
    State(state): State<AppState>,
    Member(auth): Member,
    Path(id): Path<String>,
    WebForm(f): WebForm<Fields>,
) -> WebResult {
    auth.require(Action::RunInterviews, "run interviews")?;
    auth.check_form_csrf(field(&f, "csrf"))?;
    let id = path_id::<InterviewId>(&id)?;
    let to: InterviewState = field(&f, "to")
        .parse()
        .map_err(|e: parley_domain::interview::BadState| ApiError::BadRequest(e.to_string()))?;
    match state
        .store
        .transition_interview(auth.org(), id, to, auth.user.id)
        .await
    {
        Ok(iv) if iv.state == InterviewState::InProgress && iv.panel.contains(&auth.user.id) => {
            Ok(see_other(&format!("/interviews/{id}/live")))
        }
        Ok(_) => Ok(see_other(&format!("/interviews/{id}"))),
        Err(e) => refused(&state, &auth, id, e.into()).await,
    }
}

pub async fn plan(
    State(state): State<AppState>,
    Member(auth): Member,
    Path(id): Path<String>,
    WebForm(f): WebForm<Fields>,
) -> WebResult {
    auth.require(Action::RunInterviews, "plan interviews")?;
    auth.check_form_csrf(field(&f, "csrf"))?;
    let id = path_id::<InterviewId>(&id)?;
    let at = match super::hiring::parse_local_utc(field(&f, "scheduled_at")) {
        Ok(at) => at,
        Err(e) => return refused(&state, &auth, id, e).await,
    };
    let panel: Result<Vec<UserId>, ApiError> = f
        .iter()
        .filter(|(k, _)| k == "interviewer")
        .map(|(_, v)| {
            v.parse()
                .map_err(|_| ApiError::BadRequest("bad member id".into()))
        })
        .collect();
    match state
        .store
        .plan_interview(auth.org(), id, at, &panel?)
        .await
    {
        Ok(_) => Ok(see_other(&format!("/interviews/{id}"))),
        Err(e) => refused(&state, &auth, id, e.into()).await,
    }
}

#[derive(Template)]
#[template(path = "live.html")]
struct LivePage {
    frame: Frame,
    iv: Interview,
    title: String,
    scale: Vec<String>,
    entries: HashMap<u32, Entry>,
    /// The member's saved entries as JSON, for the screen's script to merge with what it kept
    /// on this device.
    entries_json: String,
    on_panel: bool,
    takes_notes: bool,
    started_at: i64,
    starts: Vec<u32>,
}

impl LivePage {
    fn notes(&self, item: &u32) -> &str {
        self.entries.get(item).map_or("", |e| e.notes.as_str())
    }

    fn rated(&self, item: &u32, r: &usize) -> bool {
        self.entries
            .get(item)
            .and_then(|e| e.rating)
            .is_some_and(|x| usize::from(x) == *r)
    }

    fn ticked(&self, item: &u32, k: &usize) -> bool {
        self.entries
            .get(item)
            .is_some_and(|e| e.checked.contains(&(*k as u32)))
    }

    fn rated_item(&self, b: &KitBlock) -> bool {
        matches!(b.kind, BlockKind::Experience | BlockKind::Competency)
    }
}

pub async fn live(
    State(state): State<AppState>,
    Member(auth): Member,
    Path(id): Path<String>,
) -> WebResult {
    auth.require(Action::RunInterviews, "run interviews")?;
    let iv = state
        .store
        .interview(auth.org(), path_id::<InterviewId>(&id)?)
        .await?;
    let stored: Vec<StoredEntry> = state
        .store
        .entries_of(auth.org(), iv.id, Some(auth.user.id))
        .await?;
    let json: serde_json::Map<String, serde_json::Value> = stored
        .iter()
        .map(|e| {
            (
                e.item.to_string(),
                serde_json::json!({"notes": e.entry.notes, "rating": e.entry.rating,
                    "checked": e.entry.checked, "client_rev": e.client_rev}),
            )
        })
        .collect();
    let scale = state.store.org_settings(auth.org()).await?.scale.0;
    let title = kit_title(&state, &iv).await?;
    let mut starts = Vec::new();
    let mut clock = 0;
    for b in &iv.kit.blocks {
        starts.push(clock);
        clock += b.minutes;
    }
    Ok(page(
        StatusCode::OK,
        &LivePage {
            frame: Frame::of(&auth),
            title,
            scale,
            entries: stored.into_iter().map(|e| (e.item, e.entry)).collect(),
            entries_json: serde_json::Value::Object(json).to_string(),
            on_panel: iv.panel.contains(&auth.user.id),
            takes_notes: iv.state.takes_notes(),
            started_at: iv.started_at.unwrap_or(0),
            starts,
            iv,
        },
    ))
}

/// The live screen's form without script: saves one item's notes and comes back to it.
pub async fn save_entry(
    State(state): State<AppState>,
    Member(auth): Member,
    Path((id, item)): Path<(String, String)>,
    WebForm(f): WebForm<Fields>,
) -> WebResult {
    auth.require(Action::RunInterviews, "take interview notes")?;
    auth.check_form_csrf(field(&f, "csrf"))?;
    let id = path_id::<InterviewId>(&id)?;
    let item: u32 = path_id(&item)?;
    let iv = state.store.interview(auth.org(), id).await?;
    if !iv.panel.contains(&auth.user.id) {
        return Err(
            ApiError::Forbidden("take notes on an interview whose panel you are not on").into(),
        );
    }
    let entry = Entry {
        notes: field(&f, "notes").to_string(),
        rating: field(&f, "rating").parse().ok(),
        checked: f
            .iter()
            .filter(|(k, _)| k == "checked")
            .filter_map(|(_, v)| v.parse().ok())
            .collect(),
    };
    // A form post is always the newest word on the item: its revision is the clock.
    let rev = crate::auth::now_ms();
    state
        .store
        .save_entry(auth.org(), id, auth.user.id, item, entry, rev)
        .await?;
    Ok(see_other(&format!("/interviews/{id}/live#item-{item}")))
}
