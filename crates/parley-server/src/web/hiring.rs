//! Pages for roles (with the organisation's interview settings) and candidates, where an
//! interviewer checks the technologies found in a CV and plans an interview.

use super::{Fields, Frame, Member, WebForm, WebResult, field, lines, page, see_other, when};
use crate::api::extract::path_id;
use crate::api::hiring::{SettingsBody, checked_settings};
use crate::api::interviews::{InterviewIn, plan_new};
use crate::auth::Auth;
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use parley_domain::experience::{Mention, technologies_in, topics_in};
use parley_domain::hiring::{CandidateDraft, Competency, JobRoleDraft, Level};
use parley_domain::{Action, CandidateId, Email, JobRoleId, Role, Taxonomy};
use parley_store::{Candidate, JobRole, OrgSettings};

/// Rows of competencies a role form offers (empty rows are ignored).
const COMPETENCY_ROWS: usize = 8;

pub struct CompetencyRow {
    name: String,
    weight: u8,
    level: String,
    required: bool,
}

#[derive(Template)]
#[template(path = "roles.html")]
struct RolesPage {
    frame: Frame,
    roles: Vec<JobRole>,
    can_manage: bool,
    /// The role being edited (`None`: the form adds one).
    editing: Option<String>,
    title: String,
    description: String,
    technologies: String,
    rows: Vec<CompetencyRow>,
    sections: Vec<String>,
    levels: Vec<&'static str>,
    settings: OrgSettings,
    scale: String,
    /// For the sign-up link.
    org_slug: String,
    error: Option<String>,
}

fn rows_of(role: Option<&JobRoleDraft>) -> Vec<CompetencyRow> {
    let mut rows: Vec<CompetencyRow> = role
        .map(|r| {
            r.competencies
                .iter()
                .map(|c| CompetencyRow {
                    name: c.name.clone(),
                    weight: c.weight,
                    level: c.level.to_string(),
                    required: c.required,
                })
                .collect()
        })
        .unwrap_or_default();
    // Two empty rows below an existing role's competencies, and never fewer than eight rows.
    let want = COMPETENCY_ROWS.max(rows.len() + 2);
    while rows.len() < want {
        rows.push(CompetencyRow {
            name: String::new(),
            weight: 3,
            level: "mid".into(),
            required: false,
        });
    }
    rows
}

async fn roles_page(
    state: &AppState,
    auth: &Auth,
    editing: Option<&JobRole>,
    error: Option<String>,
    frame: Frame,
) -> WebResult {
    let roles = state.store.roles_of(auth.org()).await?;
    let settings = state.store.org_settings(auth.org()).await?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(page(
        status,
        &RolesPage {
            frame,
            roles,
            can_manage: auth.role().may(Action::ManageRoles),
            editing: editing.map(|r| r.id.to_string()),
            title: editing.map(|r| r.draft.title.clone()).unwrap_or_default(),
            description: editing
                .map(|r| r.draft.description.clone())
                .unwrap_or_default(),
            technologies: editing
                .map(|r| r.draft.technologies.join("\n"))
                .unwrap_or_default(),
            rows: rows_of(editing.map(|r| &r.draft)),
            sections: Taxonomy::builtin()
                .sections()
                .iter()
                .map(|s| s.name.clone())
                .collect(),
            levels: Level::ALL.iter().map(|l| l.as_str()).collect(),
            scale: settings.scale.0.join("\n"),
            settings,
            org_slug: state.store.org(auth.org()).await?.slug,
            error,
        },
    ))
}

pub async fn roles(State(state): State<AppState>, Member(auth): Member) -> WebResult {
    auth.require(Action::RunInterviews, "see roles")?;
    roles_page(&state, &auth, None, None, Frame::of(&auth)).await
}

pub async fn edit_role(
    State(state): State<AppState>,
    Member(auth): Member,
    Path(id): Path<String>,
) -> WebResult {
    auth.require(Action::ManageRoles, "manage roles")?;
    let role = state
        .store
        .role(auth.org(), path_id::<JobRoleId>(&id)?)
        .await?;
    roles_page(&state, &auth, Some(&role), None, Frame::of(&auth)).await
}

fn role_from_form(f: &Fields) -> Result<JobRoleDraft, ApiError> {
    let mut competencies = Vec::new();
    for k in 0..64 {
        let name = field(f, &format!("c{k}_name")).trim();
        if f.iter().all(|(key, _)| !key.starts_with(&format!("c{k}_"))) {
            break;
        }
        if name.is_empty() {
            continue;
        }
        let weight: u8 = field(f, &format!("c{k}_weight"))
            .parse()
            .map_err(|_| ApiError::Invalid(format!("the weight of {name} must be 1 to 5")))?;
        let level: Level = field(f, &format!("c{k}_level"))
            .parse()
            .map_err(|e: parley_domain::hiring::HiringError| ApiError::Invalid(e.to_string()))?;
        let required = field(f, &format!("c{k}_required")) == "on";
        competencies.push(Competency::named(name, weight, level, required));
    }
    Ok(JobRoleDraft {
        title: field(f, "title").to_string(),
        description: field(f, "description").to_string(),
        competencies,
        technologies: lines(field(f, "technologies")),
    }
    .validated()?)
}

pub async fn save_role(
    State(state): State<AppState>,
    Member(auth): Member,
    WebForm(f): WebForm<Fields>,
) -> WebResult {
    auth.require(Action::ManageRoles, "manage roles")?;
    auth.check_form_csrf(field(&f, "csrf"))?;
    let draft = match role_from_form(&f) {
        Ok(d) => d,
        Err(e) => {
            let editing = match field(&f, "id") {
                "" => None,
                id => Some(
                    state
                        .store
                        .role(auth.org(), path_id::<JobRoleId>(id)?)
                        .await?,
                ),
            };
            return roles_page(
                &state,
                &auth,
                editing.as_ref(),
                Some(e.to_string()),
                Frame::of(&auth),
            )
            .await;
        }
    };
    let saved = match field(&f, "id") {
        "" => state.store.create_role(auth.org(), draft).await?,
        id => {
            state
                .store
                .update_role(auth.org(), path_id::<JobRoleId>(id)?, None, draft)
                .await?
        }
    };
    let frame = Frame::of(&auth).with_notice(format!("Saved the role {}.", saved.draft.title));
    roles_page(&state, &auth, None, None, frame).await
}

pub async fn save_settings(
    State(state): State<AppState>,
    Member(auth): Member,
    WebForm(f): WebForm<Fields>,
) -> WebResult {
    auth.require(Action::ManageRoles, "change interview settings")?;
    auth.check_form_csrf(field(&f, "csrf"))?;
    let input = SettingsBody {
        company: field(&f, "company").to_string(),
        opening_script: field(&f, "opening_script").to_string(),
        closing_script: field(&f, "closing_script").to_string(),
        scale: lines(field(&f, "scale")),
        interview_visibility: match field(&f, "interview_visibility") {
            "always_hidden" => crate::api::assessments::VisibilityName::AlwaysHidden,
            "never_hidden" => crate::api::assessments::VisibilityName::NeverHidden,
            _ => crate::api::assessments::VisibilityName::UntilSubmitted,
        },
        retention_months: field(&f, "retention_months").trim().parse().ok(),
        candidate_signup: field(&f, "candidate_signup") == "on",
    };
    match checked_settings(input)
        .and_then(|s| crate::api::hiring::signup_needs_mail(&state, &s).map(|()| s))
    {
        Ok(s) => {
            state.store.save_org_settings(auth.org(), &s).await?;
            let frame = Frame::of(&auth).with_notice("Saved the interview settings.");
            roles_page(&state, &auth, None, None, frame).await
        }
        Err(e) => roles_page(&state, &auth, None, Some(e.to_string()), Frame::of(&auth)).await,
    }
}

pub struct CandidateRow {
    id: String,
    name: String,
    role: String,
    technologies: String,
    added: String,
}

#[derive(Template)]
#[template(path = "candidates.html")]
struct CandidatesPage {
    frame: Frame,
    candidates: Vec<CandidateRow>,
    roles: Vec<JobRole>,
    error: Option<String>,
}

async fn candidates_page(state: &AppState, auth: &Auth, error: Option<String>) -> WebResult {
    let roles = state.store.roles_of(auth.org()).await?;
    let candidates = state
        .store
        .candidates_of(auth.org())
        .await?
        .into_iter()
        .map(|c| CandidateRow {
            id: c.id.to_string(),
            role: c
                .role
                .and_then(|r| roles.iter().find(|x| x.id == r))
                .map(|r| r.draft.title.clone())
                .unwrap_or_default(),
            technologies: c.draft.technologies.join(", "),
            added: when(c.created_at),
            name: c.draft.name,
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(page(
        status,
        &CandidatesPage {
            frame: Frame::of(auth),
            candidates,
            roles,
            error,
        },
    ))
}

pub async fn candidates(State(state): State<AppState>, Member(auth): Member) -> WebResult {
    auth.require(Action::RunInterviews, "see candidates")?;
    candidates_page(&state, &auth, None).await
}

fn candidate_from_form(
    f: &Fields,
    technologies: Option<Vec<String>>,
) -> Result<(CandidateDraft, Option<JobRoleId>), ApiError> {
    let email = match field(f, "email").trim() {
        "" => None,
        e => Some(Email::parse(e)?),
    };
    let role = match field(f, "role_id") {
        "" => None,
        r => Some(
            r.parse::<JobRoleId>()
                .map_err(|e| ApiError::Invalid(e.to_string()))?,
        ),
    };
    let experience = field(f, "experience").to_string();
    let technologies = technologies.unwrap_or_else(|| {
        technologies_in(&experience)
            .into_iter()
            .map(|m| m.technology)
            .collect()
    });
    let draft = CandidateDraft {
        name: field(f, "name").to_string(),
        email,
        contact: field(f, "contact").to_string(),
        experience,
        technologies,
    }
    .validated()?;
    Ok((draft, role))
}

pub async fn create_candidate(
    State(state): State<AppState>,
    Member(auth): Member,
    WebForm(f): WebForm<Fields>,
) -> WebResult {
    auth.require(Action::RunInterviews, "add candidates")?;
    auth.check_form_csrf(field(&f, "csrf"))?;
    let (draft, role) = match candidate_from_form(&f, None) {
        Ok(x) => x,
        Err(e) => return candidates_page(&state, &auth, Some(e.to_string())).await,
    };
    let c = state
        .store
        .create_candidate(auth.org(), role, draft)
        .await?;
    Ok(see_other(&format!("/candidates/{}", c.id)))
}

pub struct MemberChoice {
    id: String,
    name: String,
    me: bool,
}

pub struct InterviewRow {
    pub id: String,
    pub state: String,
    pub when: String,
    pub length: u32,
}

#[derive(Template)]
#[template(path = "candidate.html")]
struct CandidatePage {
    frame: Frame,
    c: Candidate,
    role_title: String,
    roles: Vec<JobRole>,
    found: Vec<Mention>,
    topics: Vec<(String, u32)>,
    technologies: String,
    members: Vec<MemberChoice>,
    interviews: Vec<InterviewRow>,
    error: Option<String>,
}

impl CandidatePage {
    fn is_role(&self, id: &JobRoleId) -> bool {
        self.c.role.as_ref() == Some(id)
    }
}

async fn candidate_page(
    state: &AppState,
    auth: &Auth,
    c: Candidate,
    frame: Frame,
    error: Option<String>,
) -> WebResult {
    let roles = state.store.roles_of(auth.org()).await?;
    let members = state
        .store
        .users_of(auth.org())
        .await?
        .into_iter()
        .filter(|u| u.role != Role::Candidate)
        .map(|u| MemberChoice {
            id: u.id.to_string(),
            me: u.id == auth.user.id,
            name: u.name,
        })
        .collect();
    let interviews = state
        .store
        .interviews_of(auth.org(), Some(c.id))
        .await?
        .into_iter()
        .map(|i| InterviewRow {
            id: i.id.to_string(),
            state: i.state.label().to_string(),
            when: i
                .scheduled_at
                .map(when)
                .unwrap_or_else(|| "not scheduled".into()),
            length: i.length_minutes,
        })
        .collect();
    let taxonomy = Taxonomy::builtin();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(page(
        status,
        &CandidatePage {
            frame,
            role_title: c
                .role
                .and_then(|r| roles.iter().find(|x| x.id == r))
                .map(|r| r.draft.title.clone())
                .unwrap_or_else(|| "no role yet".into()),
            roles,
            found: technologies_in(&c.draft.experience),
            topics: topics_in(&c.draft.experience)
                .into_iter()
                .map(|(s, n)| (taxonomy.get(&s).map_or(s, |x| x.name.clone()), n))
                .collect(),
            technologies: c.draft.technologies.join("\n"),
            members,
            interviews,
            c,
            error,
        },
    ))
}

pub async fn candidate(
    State(state): State<AppState>,
    Member(auth): Member,
    Path(id): Path<String>,
) -> WebResult {
    auth.require(Action::RunInterviews, "see candidates")?;
    let c = state
        .store
        .candidate(auth.org(), path_id::<CandidateId>(&id)?)
        .await?;
    candidate_page(&state, &auth, c, Frame::of(&auth), None).await
}

pub async fn save_candidate(
    State(state): State<AppState>,
    Member(auth): Member,
    Path(id): Path<String>,
    WebForm(f): WebForm<Fields>,
) -> WebResult {
    auth.require(Action::RunInterviews, "edit candidates")?;
    auth.check_form_csrf(field(&f, "csrf"))?;
    let id = path_id::<CandidateId>(&id)?;
    let current = state.store.candidate(auth.org(), id).await?;
    let revision: Option<u32> = field(&f, "revision").parse().ok();
    match candidate_from_form(&f, Some(lines(field(&f, "technologies")))) {
        Ok((draft, role)) => {
            let c = state
                .store
                .update_candidate(auth.org(), id, revision, role, draft)
                .await?;
            let frame = Frame::of(&auth).with_notice("Saved.");
            candidate_page(&state, &auth, c, frame, None).await
        }
        Err(e) => {
            candidate_page(
                &state,
                &auth,
                current,
                Frame::of(&auth),
                Some(e.to_string()),
            )
            .await
        }
    }
}

/// `2026-12-01T14:30` from a datetime-local field, read as UTC.
pub(super) fn parse_local_utc(s: &str) -> Result<Option<i64>, ApiError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let bad = || ApiError::Invalid(format!("not a date and time: {s:?} (use YYYY-MM-DDTHH:MM)"));
    let (date, time) = s.split_once('T').ok_or_else(bad)?;
    let d: Vec<i64> = date
        .split('-')
        .map(|p| p.parse().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    let t: Vec<i64> = time
        .split(':')
        .map(|p| p.parse().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    let ([y, m, day], [h, min, ..]) = (d.as_slice(), t.as_slice()) else {
        return Err(bad());
    };
    if !(1..=12).contains(m)
        || !(1..=31).contains(day)
        || !(0..24).contains(h)
        || !(0..60).contains(min)
        || !(1970..=9999).contains(y)
    {
        return Err(bad());
    }
    // Days from the civil date (Howard Hinnant's algorithm, the inverse of `time::civil`).
    let (y2, m2) = if *m <= 2 { (y - 1, m + 9) } else { (*y, m - 3) };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * m2 + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Ok(Some(((days * 24 + h) * 60 + min) * 60_000))
}

pub async fn plan_interview(
    State(state): State<AppState>,
    Member(auth): Member,
    Path(id): Path<String>,
    WebForm(f): WebForm<Fields>,
) -> WebResult {
    auth.require(Action::RunInterviews, "plan interviews")?;
    auth.check_form_csrf(field(&f, "csrf"))?;
    let cand_id = path_id::<CandidateId>(&id)?;
    let c = state.store.candidate(auth.org(), cand_id).await?;
    let input = (|| -> Result<InterviewIn, ApiError> {
        Ok(InterviewIn {
            candidate_id: cand_id.to_string(),
            role_id: Some(field(&f, "role_id").to_string()).filter(|r| !r.is_empty()),
            length_minutes: field(&f, "length")
                .parse()
                .map_err(|_| ApiError::Invalid("choose a length".into()))?,
            interviewers: f
                .iter()
                .filter(|(k, _)| k == "interviewer")
                .map(|(_, v)| v.clone())
                .collect(),
            scheduled_at: parse_local_utc(field(&f, "scheduled_at"))?,
        })
    })();
    let result = match input {
        Ok(input) => plan_new(&state, &auth, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(iv) => Ok(see_other(&format!("/interviews/{}", iv.id))),
        Err(e @ (ApiError::Invalid(_) | ApiError::Conflict(_))) => {
            candidate_page(&state, &auth, c, Frame::of(&auth), Some(e.to_string())).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn erase_candidate(
    State(state): State<AppState>,
    Member(auth): Member,
    Path(id): Path<String>,
    WebForm(f): WebForm<Fields>,
) -> WebResult {
    auth.require(Action::ManageRoles, "erase candidates")?;
    auth.check_form_csrf(field(&f, "csrf"))?;
    let id = path_id::<CandidateId>(&id)?;
    state.store.erase_candidate(auth.org(), id).await?;
    Ok(see_other("/candidates"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn datetime_local_reads_as_utc() {
        assert_eq!(
            super::parse_local_utc("2027-01-15T08:00").unwrap(),
            Some(1_800_000_000_000)
        );
        assert_eq!(super::parse_local_utc("").unwrap(), None);
        assert!(super::parse_local_utc("2027-13-01T08:00").is_err());
        assert!(super::parse_local_utc("tomorrow").is_err());
    }
}
