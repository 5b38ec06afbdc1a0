//! The account page: password change, personal API tokens, and (for owners and admins) the
//! members and invitations.

use super::{CsrfForm, Frame, Member, WebForm, WebResult, page, when};
use crate::api::account::change_password_of;
use crate::api::members::{change_role, new_invitation};
use crate::auth::{self, Auth};
use crate::error::ApiError;
use crate::secrets::{hash_secret, new_token};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use parley_domain::account::parse_name;
use parley_domain::{Action, Role, TokenId};
use serde::Deserialize;

pub struct TokenRow {
    id: String,
    name: String,
    created: String,
    last_used: String,
}

pub struct MemberRow {
    id: String,
    /// Whether the viewer may change this member (an owner only by an owner).
    editable: bool,
    name: String,
    email: String,
    role: String,
}

pub struct InvitationRow {
    id: String,
    /// Still usable, so it can be withdrawn.
    open: bool,
    role: String,
    email: String,
    expires: String,
    status: String,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    frame: Frame,
    org_name: String,
    tokens: Vec<TokenRow>,
    members: Vec<MemberRow>,
    invitations: Vec<InvitationRow>,
    roles: Vec<&'static str>,
    /// A secret to show once (a new token or invitation link), with what it is.
    secret: Option<(String, String)>,
    error: Option<String>,
}

async fn render(
    state: &AppState,
    auth: &Auth,
    status: StatusCode,
    frame: Frame,
    secret: Option<(String, String)>,
    error: Option<String>,
) -> WebResult {
    let org = state.store.org(auth.org()).await?;
    let tokens = state
        .store
        .tokens_of(auth.user.id)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id.to_string(),
            name: t.name,
            created: when(t.created_at),
            last_used: t.last_used_at.map(when).unwrap_or_else(|| "never".into()),
        })
        .collect();
    let manage = auth.role().may(Action::ManageMembers);
    let (members, invitations) = if manage {
        let members = state
            .store
            .users_of(auth.org())
            .await?
            .into_iter()
            .map(|u| MemberRow {
                id: u.id.to_string(),
                editable: u.role != Role::Owner || auth.role() == Role::Owner,
                name: u.name,
                email: u.email.to_string(),
                role: u.role.to_string(),
            })
            .collect();
        let now = auth::now_ms();
        let invitations = state
            .store
            .invitations_of(auth.org())
            .await?
            .into_iter()
            .map(|i| InvitationRow {
                id: i.id.to_string(),
                open: i.accepted_at.is_none() && i.expires_at > now,
                role: i.role.to_string(),
                email: i
                    .email
                    .map(|e| e.to_string())
                    .unwrap_or_else(|| "anyone with the link".into()),
                expires: when(i.expires_at),
                status: match i.accepted_at {
                    Some(t) => format!("accepted {}", when(t)),
                    None if i.expires_at <= now => "expired".into(),
                    None => "open".into(),
                },
            })
            .collect();
        (members, invitations)
    } else {
        (Vec::new(), Vec::new())
    };
    let roles = Role::ALL
        .iter()
        .filter(|r| auth.role().may_grant(**r))
        .map(|r| r.as_str())
        .collect();
    Ok(page(
        status,
        &AccountPage {
            frame,
            org_name: org.name,
            tokens,
            members,
            invitations,
            roles,
            secret,
            error,
        },
    ))
}

/// The account page again after a change, with `message` said at its top.
async fn notice(state: &AppState, auth: &Auth, message: impl Into<String>) -> WebResult {
    render(
        state,
        auth,
        StatusCode::OK,
        Frame::of(auth).with_notice(message),
        None,
        None,
    )
    .await
}

/// The account page again, with `e` said at its top (and its status: 422 for bad input,
/// 409 for a refusal such as demoting the last owner).
async fn refuse(state: &AppState, auth: &Auth, e: ApiError) -> WebResult {
    render(
        state,
        auth,
        e.status(),
        Frame::of(auth),
        None,
        Some(e.to_string()),
    )
    .await
}

pub async fn show(State(state): State<AppState>, Member(auth): Member) -> WebResult {
    render(&state, &auth, StatusCode::OK, Frame::of(&auth), None, None).await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    csrf: String,
    current_password: String,
    new_password: String,
}

pub async fn password(
    State(state): State<AppState>,
    Member(auth): Member,
    WebForm(f): WebForm<PasswordForm>,
) -> WebResult {
    auth.check_form_csrf(&f.csrf)?;
    match change_password_of(&state, &auth, &f.current_password, &f.new_password).await {
        Ok(()) => {
            render(
                &state,
                &auth,
                StatusCode::OK,
                Frame::of(&auth)
                    .with_notice("Password changed; your other sessions were signed out."),
                None,
                None,
            )
            .await
        }
        Err(e @ ApiError::Invalid(_)) => {
            render(
                &state,
                &auth,
                StatusCode::UNPROCESSABLE_ENTITY,
                Frame::of(&auth),
                None,
                Some(e.to_string()),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct TokenForm {
    csrf: String,
    name: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    Member(auth): Member,
    WebForm(f): WebForm<TokenForm>,
) -> WebResult {
    auth.check_form_csrf(&f.csrf)?;
    let name = match parse_name(&f.name) {
        Ok(n) => n,
        Err(e) => return refuse(&state, &auth, e.into()).await,
    };
    let secret = new_token();
    state
        .store
        .create_token(auth.user.id, &name, &hash_secret(&secret))
        .await?;
    let shown = (
        format!("Your new API token “{name}” (copy it now; it is not shown again)"),
        secret,
    );
    render(
        &state,
        &auth,
        StatusCode::OK,
        Frame::of(&auth),
        Some(shown),
        None,
    )
    .await
}

pub async fn revoke_token(
    State(state): State<AppState>,
    Member(auth): Member,
    Path(id): Path<String>,
    WebForm(f): WebForm<CsrfForm>,
) -> WebResult {
    auth.check_form_csrf(&f.csrf)?;
    let id: TokenId = id.parse().map_err(|_| ApiError::NotFound)?;
    state.store.revoke_token(auth.user.id, id).await?;
    notice(&state, &auth, "Token revoked.").await
}

#[derive(Deserialize)]
pub struct InviteForm {
    csrf: String,
    role: String,
    email: String,
}

pub async fn invite(
    State(state): State<AppState>,
    Member(auth): Member,
    WebForm(f): WebForm<InviteForm>,
) -> WebResult {
    auth.check_form_csrf(&f.csrf)?;
    match new_invitation(&state, &auth, &f.role, Some(&f.email)).await {
        Ok((inv, _, link)) => {
            let shown = (
                format!(
                    "Invitation link for a new {} (send it to them; it is not shown again)",
                    inv.role
                ),
                link,
            );
            render(
                &state,
                &auth,
                StatusCode::OK,
                Frame::of(&auth),
                Some(shown),
                None,
            )
            .await
        }
        Err(e @ ApiError::Invalid(_)) => refuse(&state, &auth, e).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct RoleForm {
    csrf: String,
    role: String,
}

pub async fn role(
    State(state): State<AppState>,
    Member(auth): Member,
    Path(id): Path<String>,
    WebForm(f): WebForm<RoleForm>,
) -> WebResult {
    auth.check_form_csrf(&f.csrf)?;
    let role: Role = f.role.parse()?;
    match change_role(&state, &auth, &id, role).await {
        Ok(u) => notice(&state, &auth, format!("{} is now {}.", u.name, u.role)).await,
        Err(e @ ApiError::Conflict(_)) => refuse(&state, &auth, e).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn remove(
    State(state): State<AppState>,
    Member(auth): Member,
    Path(id): Path<String>,
    WebForm(f): WebForm<CsrfForm>,
) -> WebResult {
    auth.check_form_csrf(&f.csrf)?;
    match crate::api::members::remove(&state, &auth, &id).await {
        Ok(()) if id == auth.user.id.to_string() => Ok(super::see_other("/login")),
        Ok(()) => notice(&state, &auth, "Member removed.").await,
        Err(e @ ApiError::Conflict(_)) => refuse(&state, &auth, e).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn withdraw(
    State(state): State<AppState>,
    Member(auth): Member,
    Path(id): Path<String>,
    WebForm(f): WebForm<CsrfForm>,
) -> WebResult {
    auth.check_form_csrf(&f.csrf)?;
    auth.require(Action::ManageMembers, "manage invitations")?;
    let id: parley_domain::InvitationId = id.parse().map_err(|_| ApiError::NotFound)?;
    state.store.revoke_invitation(auth.org(), id).await?;
    notice(
        &state,
        &auth,
        "Invitation withdrawn; its link no longer works.",
    )
    .await
}
