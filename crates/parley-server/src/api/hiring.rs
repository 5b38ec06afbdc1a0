//! Roles we hire for, candidates, and the organisation's interview settings over the API.

use super::extract::{ApiBytes, json_from_bytes, path_id};
use crate::auth::Auth;
use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::idempotency::{self, IdempotencyKey, Reply};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use parley_domain::Action;
use parley_domain::experience::{technologies_in, topics_in};
use parley_domain::hiring::{CandidateDraft, Competency, JobRoleDraft, Level};
use parley_domain::interview::Scale;
use parley_domain::{CandidateId, Email, JobRoleId};
use parley_store::{Candidate, JobRole, OrgSettings};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A seniority level.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LevelName {
    Junior,
    Mid,
    Senior,
    Staff,
}

impl From<LevelName> for Level {
    fn from(l: LevelName) -> Level {
        match l {
            LevelName::Junior => Level::Junior,
            LevelName::Mid => Level::Mid,
            LevelName::Senior => Level::Senior,
            LevelName::Staff => Level::Staff,
        }
    }
}

impl From<Level> for LevelName {
    fn from(l: Level) -> LevelName {
        match l {
            Level::Junior => LevelName::Junior,
            Level::Mid => LevelName::Mid,
            Level::Senior => LevelName::Senior,
            Level::Staff => LevelName::Staff,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompetencyIn {
    /// A section of the taxonomy (its id or name, English or Polish) or a name of your own.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// 1 (nice to know) to 5 (the heart of the job).
    #[schema(minimum = 1, maximum = 5)]
    pub weight: u8,
    pub level: LevelName,
    /// Required competencies get at least one question in every kit.
    #[serde(default)]
    pub required: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CompetencyOut {
    /// The taxonomy section's id, or a slug of a custom competency's name.
    pub key: String,
    pub name: String,
    pub weight: u8,
    pub level: LevelName,
    pub required: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JobRoleIn {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub description: String,
    #[schema(min_items = 1, max_items = 24)]
    pub competencies: Vec<CompetencyIn>,
    #[serde(default)]
    #[schema(max_items = 60)]
    pub technologies: Vec<String>,
    /// On replace: the revision you edited; a role saved since is refused with 409.
    pub revision: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JobRoleOut {
    pub id: String,
    pub title: String,
    pub description: String,
    pub competencies: Vec<CompetencyOut>,
    pub technologies: Vec<String>,
    pub revision: u32,
    pub created_at: i64,
    pub updated_at: i64,
}

impl From<JobRole> for JobRoleOut {
    fn from(r: JobRole) -> Self {
        JobRoleOut {
            id: r.id.to_string(),
            title: r.draft.title,
            description: r.draft.description,
            competencies: r
                .draft
                .competencies
                .into_iter()
                .map(|c| CompetencyOut {
                    key: c.key,
                    name: c.name,
                    weight: c.weight,
                    level: c.level.into(),
                    required: c.required,
                })
                .collect(),
            technologies: r.draft.technologies,
            revision: r.revision,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

impl JobRoleIn {
    fn into_draft(self) -> Result<(JobRoleDraft, Option<u32>), ApiError> {
        if self
            .competencies
            .iter()
            .any(|c| c.name.chars().count() > 200)
        {
            return Err(ApiError::Invalid(
                "a competency name has at most 200 characters".into(),
            ));
        }
        let draft = JobRoleDraft {
            title: self.title,
            description: self.description,
            competencies: self
                .competencies
                .into_iter()
                .map(|c| Competency::named(&c.name, c.weight, c.level.into(), c.required))
                .collect(),
            technologies: self.technologies,
        };
        Ok((draft, self.revision))
    }
}

/// The roles of your organisation.
#[utoipa::path(get, path = "/api/v1/roles", tag = "interviews",
    responses((status = 200, body = Vec<JobRoleOut>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn roles(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<JobRoleOut>>, ApiError> {
    auth.require(Action::RunInterviews, "see roles")?;
    let roles = state.store.roles_of(auth.org()).await?;
    Ok(Json(roles.into_iter().map(JobRoleOut::from).collect()))
}

/// Add a role (owners and admins).
#[utoipa::path(post, path = "/api/v1/roles", tag = "interviews", request_body = JobRoleIn, params(IdempotencyKey),
    responses((status = 201, body = JobRoleOut, headers(("Location" = String))), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn create_role(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    ApiBytes(body): ApiBytes,
) -> Result<Response, ApiError> {
    auth.require(Action::ManageRoles, "manage roles")?;
    let mut request = b"POST /api/v1/roles\n".to_vec();
    request.extend_from_slice(&body);
    let op = async {
        let ApiJson(input) = json_from_bytes::<JobRoleIn>(&headers, &body)?;
        let (draft, _) = input.into_draft()?;
        let role = state.store.create_role(auth.org(), draft).await?;
        let location = format!("/api/v1/roles/{}", role.id);
        Ok(Reply::json(StatusCode::CREATED, JobRoleOut::from(role))?
            .header(header::LOCATION, location))
    };
    idempotency::once(&state, &auth, &headers, &request, &[], op).await
}

/// One role.
#[utoipa::path(get, path = "/api/v1/roles/{id}", tag = "interviews", params(("id" = String, Path)),
    responses((status = 200, body = JobRoleOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn role(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<JobRoleOut>, ApiError> {
    auth.require(Action::RunInterviews, "see roles")?;
    let role = state
        .store
        .role(auth.org(), path_id::<JobRoleId>(&id)?)
        .await?;
    Ok(Json(role.into()))
}

/// Replace a role (owners and admins). Interviews already planned keep their kits.
#[utoipa::path(put, path = "/api/v1/roles/{id}", tag = "interviews", request_body = JobRoleIn, params(("id" = String, Path)),
    responses((status = 200, body = JobRoleOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn update_role(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<JobRoleIn>,
) -> Result<Json<JobRoleOut>, ApiError> {
    auth.require(Action::ManageRoles, "manage roles")?;
    let id = path_id::<JobRoleId>(&id)?;
    let (draft, revision) = input.into_draft()?;
    let role = state
        .store
        .update_role(auth.org(), id, revision, draft)
        .await?;
    Ok(Json(role.into()))
}

/// Delete a role no candidate or interview uses (owners and admins).
#[utoipa::path(delete, path = "/api/v1/roles/{id}", tag = "interviews", params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn delete_role(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    auth.require(Action::ManageRoles, "manage roles")?;
    state
        .store
        .delete_role(auth.org(), path_id::<JobRoleId>(&id)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CandidateIn {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(format = "email", max_length = 254)]
    pub email: Option<String>,
    /// Any other way to reach them.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub contact: String,
    /// Their experience as free text: a pasted CV or a summary.
    #[serde(default)]
    #[schema(max_length = 50000)]
    pub experience: String,
    /// The technologies they have used. Left out: found in the experience.
    #[schema(max_items = 60)]
    pub technologies: Option<Vec<String>>,
    /// The role they are interviewing for.
    pub role_id: Option<String>,
    /// On replace: the revision you edited; a candidate saved since is refused with 409.
    pub revision: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MentionOut {
    pub technology: String,
    /// The taxonomy section it belongs to.
    pub section: String,
    /// The first sentence of the experience naming it.
    pub evidence: String,
    pub count: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TopicOut {
    pub section: String,
    /// How many sentences of the experience are about it.
    pub sentences: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateOut {
    pub id: String,
    pub role_id: Option<String>,
    pub name: String,
    pub email: Option<String>,
    pub contact: String,
    pub experience: String,
    /// As confirmed or corrected by an interviewer.
    pub technologies: Vec<String>,
    /// What Parley found in the experience, for the interviewer to check.
    pub found: Vec<MentionOut>,
    pub topics: Vec<TopicOut>,
    pub revision: u32,
    pub created_at: i64,
    pub updated_at: i64,
}

impl From<Candidate> for CandidateOut {
    fn from(c: Candidate) -> Self {
        let found = technologies_in(&c.draft.experience)
            .into_iter()
            .map(|m| MentionOut {
                technology: m.technology,
                section: m.section,
                evidence: m.evidence,
                count: m.count,
            })
            .collect();
        let topics = topics_in(&c.draft.experience)
            .into_iter()
            .map(|(section, sentences)| TopicOut { section, sentences })
            .collect();
        CandidateOut {
            id: c.id.to_string(),
            role_id: c.role.map(|r| r.to_string()),
            name: c.draft.name,
            email: c.draft.email.map(|e| e.to_string()),
            contact: c.draft.contact,
            experience: c.draft.experience,
            technologies: c.draft.technologies,
            found,
            topics,
            revision: c.revision,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

impl CandidateIn {
    fn into_parts(self) -> Result<(CandidateDraft, Option<JobRoleId>, Option<u32>), ApiError> {
        let email = match self.email.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(e) => Some(Email::parse(e)?),
        };
        let role = self
            .role_id
            .as_deref()
            .map(|r| {
                r.parse::<JobRoleId>()
                    .map_err(|e| ApiError::Invalid(e.to_string()))
            })
            .transpose()?;
        let technologies = self.technologies.unwrap_or_else(|| {
            technologies_in(&self.experience)
                .into_iter()
                .map(|m| m.technology)
                .collect()
        });
        let draft = CandidateDraft {
            name: self.name,
            email,
            contact: self.contact,
            experience: self.experience,
            technologies,
        };
        Ok((draft, role, self.revision))
    }
}

/// The candidates of your organisation, newest first.
#[utoipa::path(get, path = "/api/v1/candidates", tag = "interviews",
    responses((status = 200, body = Vec<CandidateOut>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn candidates(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<CandidateOut>>, ApiError> {
    auth.require(Action::RunInterviews, "see candidates")?;
    let all = state.store.candidates_of(auth.org()).await?;
    Ok(Json(all.into_iter().map(CandidateOut::from).collect()))
}

/// Add a candidate; their technologies are found in the experience unless you list them.
#[utoipa::path(post, path = "/api/v1/candidates", tag = "interviews", request_body = CandidateIn, params(IdempotencyKey),
    responses((status = 201, body = CandidateOut, headers(("Location" = String))), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn create_candidate(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    ApiBytes(body): ApiBytes,
) -> Result<Response, ApiError> {
    auth.require(Action::RunInterviews, "add candidates")?;
    let mut request = b"POST /api/v1/candidates\n".to_vec();
    request.extend_from_slice(&body);
    let op = async {
        let ApiJson(input) = json_from_bytes::<CandidateIn>(&headers, &body)?;
        let (draft, role, _) = input.into_parts()?;
        let c = state
            .store
            .create_candidate(auth.org(), role, draft)
            .await?;
        let location = format!("/api/v1/candidates/{}", c.id);
        Ok(Reply::json(StatusCode::CREATED, CandidateOut::from(c))?
            .header(header::LOCATION, location))
    };
    idempotency::once(&state, &auth, &headers, &request, &[], op).await
}

/// One candidate, with what was found in their experience.
#[utoipa::path(get, path = "/api/v1/candidates/{id}", tag = "interviews", params(("id" = String, Path)),
    responses((status = 200, body = CandidateOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn candidate(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<CandidateOut>, ApiError> {
    auth.require(Action::RunInterviews, "see candidates")?;
    let c = state
        .store
        .candidate(auth.org(), path_id::<CandidateId>(&id)?)
        .await?;
    Ok(Json(c.into()))
}

/// Replace a candidate's details (for instance the corrected technologies).
#[utoipa::path(put, path = "/api/v1/candidates/{id}", tag = "interviews", request_body = CandidateIn, params(("id" = String, Path)),
    responses((status = 200, body = CandidateOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn update_candidate(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CandidateIn>,
) -> Result<Json<CandidateOut>, ApiError> {
    auth.require(Action::RunInterviews, "edit candidates")?;
    let id = path_id::<CandidateId>(&id)?;
    let (draft, role, revision) = input.into_parts()?;
    let c = state
        .store
        .update_candidate(auth.org(), id, revision, role, draft)
        .await?;
    Ok(Json(c.into()))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsBody {
    /// How the opening script names the company.
    #[schema(min_length = 1, max_length = 200)]
    pub company: String,
    /// Read at the start; `{candidate}`, `{role}`, `{company}` and `{interviewers}` are filled in.
    #[schema(max_length = 2000)]
    pub opening_script: String,
    #[schema(max_length = 2000)]
    pub closing_script: String,
    /// The rating scale, lowest first: 2 to 7 distinct labels.
    #[schema(min_items = 2, max_items = 7)]
    pub scale: Vec<String>,
    /// When panel members see each other's scorecards (default: once they submitted theirs).
    #[serde(default)]
    pub interview_visibility: super::assessments::VisibilityName,
    /// Erase candidates automatically after this many months without news (1–120); null keeps
    /// them until erased by hand.
    #[schema(minimum = 1, maximum = 120)]
    pub retention_months: Option<u32>,
    /// Anyone with the link /signup/<organisation> may create a candidate account to practise
    /// (and so read the questions they practise, reference answers included).
    #[serde(default)]
    pub candidate_signup: bool,
}

/// Your organisation's interview settings.
#[utoipa::path(get, path = "/api/v1/settings/interviews", tag = "interviews",
    responses((status = 200, body = SettingsBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn settings(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<SettingsBody>, ApiError> {
    auth.require(Action::RunInterviews, "see interview settings")?;
    let s = state.store.org_settings(auth.org()).await?;
    Ok(Json(SettingsBody {
        company: s.company,
        opening_script: s.opening_script,
        closing_script: s.closing_script,
        scale: s.scale.0,
        interview_visibility: s.interview_visibility.into(),
        retention_months: s.retention_months,
        candidate_signup: s.candidate_signup,
    }))
}

/// Replace the interview settings (owners and admins).
#[utoipa::path(put, path = "/api/v1/settings/interviews", tag = "interviews", request_body = SettingsBody,
    responses((status = 200, body = SettingsBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn save_settings(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<SettingsBody>,
) -> Result<Json<SettingsBody>, ApiError> {
    auth.require(Action::ManageRoles, "change interview settings")?;
    let settings = checked_settings(input)?;
    signup_needs_mail(&state, &settings)?;
    state.store.save_org_settings(auth.org(), &settings).await?;
    Ok(Json(SettingsBody {
        company: settings.company,
        opening_script: settings.opening_script,
        closing_script: settings.closing_script,
        scale: settings.scale.0,
        interview_visibility: settings.interview_visibility.into(),
        retention_months: settings.retention_months,
        candidate_signup: settings.candidate_signup,
    }))
}

/// Sign-up confirms addresses by e-mail: it cannot be opened on a server that sends none.
pub fn signup_needs_mail(state: &AppState, settings: &OrgSettings) -> Result<(), ApiError> {
    if settings.candidate_signup && state.settings.smtp_url.is_none() {
        return Err(ApiError::Invalid(
            "candidate sign-up confirms addresses by e-mail: set PARLEY_SMTP_URL first".into(),
        ));
    }
    Ok(())
}

/// Settings as the store keeps them, after checking their bounds.
pub fn checked_settings(input: SettingsBody) -> Result<OrgSettings, ApiError> {
    let company = input.company.trim().to_string();
    if company.is_empty() || input.company.chars().count() > 200 || company.contains('\0') {
        return Err(ApiError::Invalid(
            "the company name needs 1 to 200 characters".into(),
        ));
    }
    for (what, text) in [
        ("opening", &input.opening_script),
        ("closing", &input.closing_script),
    ] {
        if text.chars().count() > 2000 || text.contains('\0') {
            return Err(ApiError::Invalid(format!(
                "the {what} script may have at most 2000 characters"
            )));
        }
    }
    Ok(OrgSettings {
        company,
        opening_script: input.opening_script.trim().to_string(),
        closing_script: input.closing_script.trim().to_string(),
        scale: Scale::new(input.scale).map_err(|e| ApiError::Invalid(e.to_string()))?,
        interview_visibility: input.interview_visibility.into(),
        retention_months: match input.retention_months {
            Some(m) if !(1..=120).contains(&m) => {
                return Err(ApiError::Invalid(
                    "retention is 1 to 120 months, or none".into(),
                ));
            }
            m => m,
        },
        candidate_signup: input.candidate_signup,
    })
}
