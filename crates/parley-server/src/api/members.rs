//! Members and invitations over the API: the member list, role changes and removal, inviting
//! by link, withdrawing an invitation and accepting one.

use super::account::{RoleName, UserOut};
use super::extract::ApiBytes;
use crate::auth::{self, Auth};
use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::idempotency::{self, IdempotencyKey, Reply};
use crate::secrets::{hash_secret, random_code};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use parley_domain::account::parse_name;
use parley_domain::{Action, Email, NewPassword, Role};
use parley_store::{Invitation, NewUser, User};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The members of your organisation (owners and admins).
#[utoipa::path(get, path = "/api/v1/members", tag = "members",
    responses((status = 200, body = Vec<UserOut>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn members(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<UserOut>>, ApiError> {
    auth.require(Action::ManageMembers, "manage members")?;
    Ok(Json(
        state
            .store
            .users_of(auth.org())
            .await?
            .into_iter()
            .map(UserOut::from)
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationIn {
    /// Only an owner invites owners.
    #[schema(value_type = RoleName)]
    pub role: String,
    /// When given, only this address can accept.
    #[schema(format = "email", max_length = 254)]
    pub email: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationOut {
    pub id: String,
    pub role: String,
    pub email: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub accepted_at: Option<i64>,
}

impl From<Invitation> for InvitationOut {
    fn from(i: Invitation) -> Self {
        InvitationOut {
            id: i.id.to_string(),
            role: i.role.to_string(),
            email: i.email.map(|e| e.to_string()),
            created_at: i.created_at,
            expires_at: i.expires_at,
            accepted_at: i.accepted_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NewInvitationOut {
    /// Send this link to the person; it is shown this once (null on an `Idempotency-Key`
    /// replay).
    pub link: Option<String>,
    /// The code inside the link, for accepting through the API (null on a replay).
    pub code: Option<String>,
    #[serde(flatten)]
    pub info: InvitationOut,
}

/// Invite someone by link (owners and admins).
#[utoipa::path(post, path = "/api/v1/invitations", tag = "members", request_body = InvitationIn,
    params(IdempotencyKey),
    responses((status = 201, body = NewInvitationOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn invite(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    ApiBytes(body): ApiBytes,
) -> Result<Response, ApiError> {
    auth.require(Action::ManageMembers, "invite members")?;
    let mut request = b"POST /api/v1/invitations\n".to_vec();
    request.extend_from_slice(&body);
    let op = async {
        let ApiJson(input) = super::extract::json_from_bytes::<InvitationIn>(&headers, &body)?;
        let (inv, code, link) =
            new_invitation(&state, &auth, &input.role, input.email.as_deref()).await?;
        Reply::json(
            StatusCode::CREATED,
            NewInvitationOut {
                link: Some(link),
                code: Some(code),
                info: inv.into(),
            },
        )
    };
    idempotency::once(&state, &auth, &headers, &request, &["code", "link"], op).await
}

/// Creates an invitation of `auth`'s organisation for `role` (and `email`, when given): the
/// record, its code and the link to send (the web form uses this too).
pub async fn new_invitation(
    state: &AppState,
    auth: &Auth,
    role: &str,
    email: Option<&str>,
) -> Result<(Invitation, String, String), ApiError> {
    auth.require(Action::ManageMembers, "invite members")?;
    let role: Role = role.parse()?;
    if !auth.role().may_grant(role) {
        return Err(ApiError::Forbidden("invite members with that role"));
    }
    let email = email
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(Email::parse)
        .transpose()?;
    let code = random_code();
    let expires = auth::now_ms() + i64::from(state.settings.invitation_days) * 86_400_000;
    let inv = state
        .store
        .create_invitation(
            auth.org(),
            &hash_secret(&code),
            email.as_ref(),
            role,
            auth.user.id,
            expires,
        )
        .await?;
    let link = format!("{}/join/{code}", state.settings.base_url());
    Ok((inv, code, link))
}

/// Your organisation's invitations, newest first (owners and admins).
#[utoipa::path(get, path = "/api/v1/invitations", tag = "members",
    responses((status = 200, body = Vec<InvitationOut>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn invitations(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<InvitationOut>>, ApiError> {
    auth.require(Action::ManageMembers, "manage members")?;
    Ok(Json(
        state
            .store
            .invitations_of(auth.org())
            .await?
            .into_iter()
            .map(InvitationOut::from)
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptIn {
    #[schema(min_length = 1, max_length = 200)]
    pub code: String,
    #[schema(format = "email", max_length = 254)]
    pub email: String,
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub name: String,
    #[schema(min_length = 10, max_length = 256)]
    pub password: String,
}

/// Accept an invitation: creates your account with the invited role.
#[utoipa::path(post, path = "/api/v1/invitations/accept", tag = "members", request_body = AcceptIn,
    responses((status = 201, body = UserOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn accept(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<AcceptIn>,
) -> Result<(StatusCode, Json<UserOut>), ApiError> {
    auth::refuse_cross_site(&headers, &state.settings.base_url())?;
    let user =
        accept_invitation(&state, &body.code, &body.email, &body.name, &body.password).await?;
    Ok((StatusCode::CREATED, Json(user.into())))
}

/// Creates the account an invitation offers (the web form uses this too).
pub async fn accept_invitation(
    state: &AppState,
    code: &str,
    email: &str,
    name: &str,
    password: &str,
) -> Result<User, ApiError> {
    let email = Email::parse(email)?;
    let name = parse_name(name)?;
    let password = NewPassword::parse(password)?;
    let code_hash = hash_secret(code.trim());
    // Checked before the slow hash, so a wrong code answers at once.
    state.store.open_invitation(&code_hash).await?;
    let password_hash = auth::hash_bounded(state, password).await?;
    let new = NewUser {
        email,
        name,
        role: Role::Candidate,
        password_hash,
    };
    Ok(state.store.accept_invitation(&code_hash, &new).await?)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleIn {
    #[schema(value_type = RoleName)]
    pub role: String,
}

/// Checks that `auth` may change or remove member `id`, and returns the member.
async fn manageable(state: &AppState, auth: &Auth, id: &str) -> Result<User, ApiError> {
    auth.require(Action::ManageMembers, "manage members")?;
    let id: parley_domain::UserId = id.parse().map_err(|_| ApiError::NotFound)?;
    let member = state.store.user(auth.org(), id).await?;
    if member.role == Role::Owner && auth.role() != Role::Owner {
        return Err(ApiError::Forbidden("change an owner"));
    }
    Ok(member)
}

/// Change a member's role (owners and admins; only an owner makes or unmakes owners; the last
/// owner stays one).
#[utoipa::path(patch, path = "/api/v1/members/{id}", tag = "members", request_body = RoleIn, params(("id" = String, Path)),
    responses((status = 200, body = UserOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn set_role(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RoleIn>,
) -> Result<Json<UserOut>, ApiError> {
    let role: Role = body.role.parse()?;
    Ok(Json(change_role(&state, &auth, &id, role).await?.into()))
}

/// Changes member `id`'s role after the permission checks (the web form uses this too).
pub async fn change_role(
    state: &AppState,
    auth: &Auth,
    id: &str,
    role: Role,
) -> Result<User, ApiError> {
    let member = manageable(state, auth, id).await?;
    if !auth.role().may_grant(role) {
        return Err(ApiError::Forbidden("grant that role"));
    }
    Ok(state.store.set_role(auth.org(), member.id, role).await?)
}

/// Remove a member with their sessions and tokens (owners and admins; only an owner removes
/// an owner; never the last one).
#[utoipa::path(delete, path = "/api/v1/members/{id}", tag = "members", params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn remove_member(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    remove(&state, &auth, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes member `id` after the permission checks (the web form uses this too).
pub async fn remove(state: &AppState, auth: &Auth, id: &str) -> Result<(), ApiError> {
    let member = manageable(state, auth, id).await?;
    state.store.remove_user(auth.org(), member.id).await?;
    Ok(())
}

/// Withdraw an open invitation (owners and admins); its link stops working at once.
#[utoipa::path(delete, path = "/api/v1/invitations/{id}", tag = "members", params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn revoke_invitation(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    auth.require(Action::ManageMembers, "manage invitations")?;
    let id: parley_domain::InvitationId = id.parse().map_err(|_| ApiError::NotFound)?;
    state.store.revoke_invitation(auth.org(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
