//! Reviewing near-duplicate suggestions: merge (keeping every source, answer and history) or
//! "not a duplicate" (remembered).

use super::{Frame, Member, WebForm, WebResult, page, see_other};
use crate::api::extract::parse_id;
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use parley_bank::near_dups::{Suggestion, describe};
use parley_domain::Action;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "duplicates.html")]
struct DuplicatesPage {
    frame: Frame,
    pairs: Vec<Suggestion>,
}

pub async fn list(State(state): State<AppState>, Member(auth): Member) -> WebResult {
    auth.require(Action::ReviewDuplicates, "review duplicates")?;
    let open = state.store.open_duplicates(auth.org()).await?;
    let pairs = describe(&state.store, auth.org(), &open)
        .await
        .map_err(crate::api::search::bank_error)?;
    Ok(page(
        StatusCode::OK,
        &DuplicatesPage {
            frame: Frame::of(&auth),
            pairs,
        },
    ))
}

#[derive(Deserialize)]
pub struct Decision {
    csrf: String,
    /// `merge` keeps `keep`; `dismiss` marks the pair as different questions.
    action: String,
    keep: String,
    other: String,
}

pub async fn decide(
    State(state): State<AppState>,
    Member(auth): Member,
    WebForm(d): WebForm<Decision>,
) -> WebResult {
    auth.require(Action::ReviewDuplicates, "review duplicates")?;
    auth.check_form_csrf(&d.csrf)?;
    let (keep, other) = (parse_id(&d.keep)?, parse_id(&d.other)?);
    let by = auth.user.email.as_str();
    match d.action.as_str() {
        "merge" => {
            auth.require(Action::DeleteQuestion, "merge questions")?;
            state
                .store
                .merge_questions(auth.org(), keep, other, by)
                .await?;
        }
        "dismiss" => {
            state
                .store
                .mark_not_duplicate(auth.org(), keep, other, by)
                .await?
        }
        other => return Err(ApiError::BadRequest(format!("unknown decision {other:?}")).into()),
    }
    Ok(see_other("/duplicates"))
}
