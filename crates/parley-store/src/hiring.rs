//! Roles, candidates and the organisation's interview settings (scripts, rating scale).

use crate::db::{Tx, now_ms, on};
use crate::{Store, StoreError};
use parley_domain::assessment::Visibility;
use parley_domain::hiring::{CandidateDraft, JobRoleDraft};
use parley_domain::interview::Scale;
use parley_domain::plan::Scripts;
use parley_domain::{CandidateId, Email, JobRoleId, OrgId};
use serde::{Deserialize, Serialize};

/// What an organisation sets once for all its interviews.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgSettings {
    pub company: String,
    pub opening_script: String,
    pub closing_script: String,
    pub scale: Scale,
    /// When panel members see each other's scorecards.
    #[serde(default)]
    pub interview_visibility: Visibility,
    /// Candidates with nothing new for this many months are erased automatically.
    #[serde(default)]
    pub retention_months: Option<u32>,
    /// Anyone with the link `/signup/<organisation>` may create a candidate account to
    /// practise.
    #[serde(default)]
    pub candidate_signup: bool,
}

impl Default for OrgSettings {
    fn default() -> Self {
        let s = Scripts::default();
        OrgSettings {
            company: s.company,
            opening_script: s.opening,
            closing_script: s.closing,
            scale: Scale::default(),
            interview_visibility: Visibility::default(),
            retention_months: None,
            candidate_signup: false,
        }
    }
}

impl OrgSettings {
    pub fn scripts(&self) -> Scripts {
        Scripts {
            company: self.company.clone(),
            opening: self.opening_script.clone(),
            closing: self.closing_script.clone(),
        }
    }
}

/// A stored role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobRole {
    pub id: JobRoleId,
    pub org: OrgId,
    #[serde(flatten)]
    pub draft: JobRoleDraft,
    pub revision: u32,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A stored candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub id: CandidateId,
    pub org: OrgId,
    pub role: Option<JobRoleId>,
    #[serde(flatten)]
    pub draft: CandidateDraft,
    pub revision: u32,
    pub created_at: i64,
    pub updated_at: i64,
}

pub(crate) fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn to_json<T: Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(corrupt)
}

#[derive(sqlx::FromRow)]
struct RoleRow {
    id: String,
    org_id: String,
    body: String,
    revision: i64,
    created_at: i64,
    updated_at: i64,
}

impl RoleRow {
    fn into_role(self) -> Result<JobRole, StoreError> {
        Ok(JobRole {
            id: self.id.parse().map_err(corrupt)?,
            org: self.org_id.parse().map_err(corrupt)?,
            draft: serde_json::from_str(&self.body).map_err(corrupt)?,
            revision: u32::try_from(self.revision).map_err(corrupt)?,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct CandidateRow {
    id: String,
    org_id: String,
    role_id: Option<String>,
    name: String,
    email: Option<String>,
    contact: String,
    experience: String,
    technologies: String,
    revision: i64,
    created_at: i64,
    updated_at: i64,
}

impl CandidateRow {
    fn into_candidate(self) -> Result<Candidate, StoreError> {
        Ok(Candidate {
            id: self.id.parse().map_err(corrupt)?,
            org: self.org_id.parse().map_err(corrupt)?,
            role: self
                .role_id
                .map(|r| r.parse())
                .transpose()
                .map_err(corrupt)?,
            draft: CandidateDraft {
                name: self.name,
                email: self
                    .email
                    .map(|e| Email::parse(&e))
                    .transpose()
                    .map_err(corrupt)?,
                contact: self.contact,
                experience: self.experience,
                technologies: serde_json::from_str(&self.technologies).map_err(corrupt)?,
            },
            revision: u32::try_from(self.revision).map_err(corrupt)?,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

macro_rules! role_columns {
    () => {
        "id, org_id, body, revision, created_at, updated_at"
    };
}

macro_rules! candidate_columns {
    () => {
        "id, org_id, role_id, name, email, contact, experience, technologies, revision, \
         created_at, updated_at"
    };
}

impl Store {
    /// The organisation's interview settings (the defaults until someone saves their own).
    pub async fn org_settings(&self, org: OrgId) -> Result<OrgSettings, StoreError> {
        let mut tx = self.begin_read().await?;
        let s = settings_in(&mut tx, org).await?;
        tx.commit().await?;
        Ok(s)
    }

    pub async fn save_org_settings(
        &self,
        org: OrgId,
        settings: &OrgSettings,
    ) -> Result<(), StoreError> {
        let sql = "INSERT INTO org_settings (org_id, body, updated_at) VALUES ($1, $2, $3) \
                   ON CONFLICT (org_id) DO UPDATE SET body = excluded.body, \
                   updated_at = excluded.updated_at";
        let (org_s, body) = (org.to_string(), to_json(settings)?);
        let mut tx = self.begin_write().await?;
        on!(&mut tx, c => sqlx::query(sql).bind(&org_s).bind(&body).bind(now_ms())
            .execute(c).await.map(|_| ()))?;
        tx.commit().await
    }

    pub async fn create_role(
        &self,
        org: OrgId,
        draft: JobRoleDraft,
    ) -> Result<JobRole, StoreError> {
        let draft = draft.validated()?;
        let (id, now) = (JobRoleId::new(), now_ms());
        let sql = "INSERT INTO job_roles (id, org_id, title, body, revision, created_at, updated_at) \
                   VALUES ($1, $2, $3, $4, 1, $5, $5)";
        let (id_s, org_s, body) = (id.to_string(), org.to_string(), to_json(&draft)?);
        let mut tx = self.begin_write().await?;
        on!(&mut tx, c => sqlx::query(sql).bind(&id_s).bind(&org_s).bind(&draft.title)
            .bind(&body).bind(now).execute(c).await.map(|_| ()))?;
        tx.commit().await?;
        Ok(JobRole {
            id,
            org,
            draft,
            revision: 1,
            created_at: now,
            updated_at: now,
        })
    }

    pub async fn role(&self, org: OrgId, id: JobRoleId) -> Result<JobRole, StoreError> {
        let mut tx = self.begin_read().await?;
        let r = role_in(&mut tx, org, id).await?;
        tx.commit().await?;
        r
    }

    /// The organisation's roles by title.
    pub async fn roles_of(&self, org: OrgId) -> Result<Vec<JobRole>, StoreError> {
        let sql = concat!(
            "SELECT ",
            role_columns!(),
            " FROM job_roles WHERE org_id = $1 ORDER BY title, id"
        );
        let org_s = org.to_string();
        let mut tx = self.begin_read().await?;
        let rows: Vec<RoleRow> =
            on!(&mut tx, c => sqlx::query_as(sql).bind(&org_s).fetch_all(c).await)?;
        tx.commit().await?;
        rows.into_iter().map(RoleRow::into_role).collect()
    }

    /// Replaces a role; with `expected`, refused as `Stale` when someone saved since.
    pub async fn update_role(
        &self,
        org: OrgId,
        id: JobRoleId,
        expected: Option<u32>,
        draft: JobRoleDraft,
    ) -> Result<JobRole, StoreError> {
        let draft = draft.validated()?;
        let mut tx = self.begin_write().await?;
        let mut role = role_in(&mut tx, org, id).await??;
        if let Some(e) = expected.filter(|&e| e != role.revision) {
            return Err(StoreError::Stale {
                what: "role",
                expected: e,
                current: role.revision,
            });
        }
        let now = now_ms();
        let sql = "UPDATE job_roles SET title = $1, body = $2, revision = revision + 1, \
                   updated_at = $3 WHERE id = $4 AND org_id = $5";
        let (body, id_s, org_s) = (to_json(&draft)?, id.to_string(), org.to_string());
        on!(&mut tx, c => sqlx::query(sql).bind(&draft.title).bind(&body).bind(now)
            .bind(&id_s).bind(&org_s).execute(c).await.map(|_| ()))?;
        tx.commit().await?;
        role.draft = draft;
        role.revision += 1;
        role.updated_at = now;
        Ok(role)
    }

    /// Deletes a role no candidate or interview refers to.
    pub async fn delete_role(&self, org: OrgId, id: JobRoleId) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        role_in(&mut tx, org, id).await??;
        let id_s = id.to_string();
        let used: i64 = on!(&mut tx, c => sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM candidates WHERE role_id = $1) \
                  + (SELECT COUNT(*) FROM interviews WHERE role_id = $1)")
            .bind(&id_s).fetch_one(c).await)?;
        if used > 0 {
            return Err(StoreError::Refused(
                "candidates or interviews use this role; change them first".into(),
            ));
        }
        on!(&mut tx, c => sqlx::query("DELETE FROM job_roles WHERE id = $1")
            .bind(&id_s).execute(c).await.map(|_| ()))?;
        tx.commit().await
    }

    pub async fn create_candidate(
        &self,
        org: OrgId,
        role: Option<JobRoleId>,
        draft: CandidateDraft,
    ) -> Result<Candidate, StoreError> {
        let draft = draft.validated()?;
        let (id, now) = (CandidateId::new(), now_ms());
        let mut tx = self.begin_write().await?;
        if let Some(r) = role {
            role_in(&mut tx, org, r).await??;
        }
        let sql = concat!(
            "INSERT INTO candidates (",
            candidate_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9)"
        );
        bind_candidate(&mut tx, sql, id, org, role, &draft, now).await?;
        tx.commit().await?;
        Ok(Candidate {
            id,
            org,
            role,
            draft,
            revision: 1,
            created_at: now,
            updated_at: now,
        })
    }

    pub async fn candidate(&self, org: OrgId, id: CandidateId) -> Result<Candidate, StoreError> {
        let mut tx = self.begin_read().await?;
        let c = candidate_in(&mut tx, org, id).await?;
        tx.commit().await?;
        c
    }

    /// The organisation's candidates, newest first.
    pub async fn candidates_of(&self, org: OrgId) -> Result<Vec<Candidate>, StoreError> {
        let sql = concat!(
            "SELECT ",
            candidate_columns!(),
            " FROM candidates WHERE org_id = $1 ORDER BY created_at DESC, id DESC"
        );
        let org_s = org.to_string();
        let mut tx = self.begin_read().await?;
        let rows: Vec<CandidateRow> =
            on!(&mut tx, c => sqlx::query_as(sql).bind(&org_s).fetch_all(c).await)?;
        tx.commit().await?;
        rows.into_iter().map(CandidateRow::into_candidate).collect()
    }

    /// Replaces a candidate's details; with `expected`, refused as `Stale` when someone saved
    /// since.
    pub async fn update_candidate(
        &self,
        org: OrgId,
        id: CandidateId,
        expected: Option<u32>,
        role: Option<JobRoleId>,
        draft: CandidateDraft,
    ) -> Result<Candidate, StoreError> {
        let draft = draft.validated()?;
        let mut tx = self.begin_write().await?;
        let mut cand = candidate_in(&mut tx, org, id).await??;
        crate::privacy::refuse_if_erased(&mut tx, &id.to_string()).await?;
        if let Some(e) = expected.filter(|&e| e != cand.revision) {
            return Err(StoreError::Stale {
                what: "candidate",
                expected: e,
                current: cand.revision,
            });
        }
        if let Some(r) = role {
            role_in(&mut tx, org, r).await??;
        }
        let now = now_ms();
        let sql = "UPDATE candidates SET role_id = $3, name = $4, email = $5, contact = $6, \
                   experience = $7, technologies = $8, revision = revision + 1, updated_at = $9 \
                   WHERE id = $1 AND org_id = $2";
        bind_candidate(&mut tx, sql, id, org, role, &draft, now).await?;
        tx.commit().await?;
        cand.role = role;
        cand.draft = draft;
        cand.revision += 1;
        cand.updated_at = now;
        Ok(cand)
    }
}

async fn bind_candidate(
    tx: &mut Tx,
    sql: &'static str,
    id: CandidateId,
    org: OrgId,
    role: Option<JobRoleId>,
    d: &CandidateDraft,
    now: i64,
) -> Result<(), StoreError> {
    let (id_s, org_s) = (id.to_string(), org.to_string());
    let role_s = role.map(|r| r.to_string());
    let email = d.email.as_ref().map(|e| e.to_string());
    let techs = to_json(&d.technologies)?;
    on!(tx, c => sqlx::query(sql).bind(&id_s).bind(&org_s).bind(&role_s).bind(&d.name)
        .bind(&email).bind(&d.contact).bind(&d.experience).bind(&techs).bind(now)
        .execute(c).await.map(|_| ()))?;
    Ok(())
}

pub(crate) async fn settings_in(tx: &mut Tx, org: OrgId) -> Result<OrgSettings, StoreError> {
    let org_s = org.to_string();
    let body: Option<String> = on!(tx, c => sqlx::query_scalar(
        "SELECT body FROM org_settings WHERE org_id = $1")
        .bind(&org_s).fetch_optional(c).await)?;
    match body {
        Some(b) => serde_json::from_str(&b).map_err(corrupt),
        None => Ok(OrgSettings::default()),
    }
}

/// The role, or `Missing` (the outer `Result` is the database's, the inner the lookup's).
pub(crate) async fn role_in(
    tx: &mut Tx,
    org: OrgId,
    id: JobRoleId,
) -> Result<Result<JobRole, StoreError>, StoreError> {
    let sql = concat!(
        "SELECT ",
        role_columns!(),
        " FROM job_roles WHERE id = $1 AND org_id = $2"
    );
    let (id_s, org_s) = (id.to_string(), org.to_string());
    let row: Option<RoleRow> =
        on!(tx, c => sqlx::query_as(sql).bind(&id_s).bind(&org_s).fetch_optional(c).await)?;
    Ok(row
        .ok_or(StoreError::Missing("role"))
        .and_then(RoleRow::into_role))
}

pub(crate) async fn candidate_in(
    tx: &mut Tx,
    org: OrgId,
    id: CandidateId,
) -> Result<Result<Candidate, StoreError>, StoreError> {
    let sql = concat!(
        "SELECT ",
        candidate_columns!(),
        " FROM candidates WHERE id = $1 AND org_id = $2"
    );
    let (id_s, org_s) = (id.to_string(), org.to_string());
    let row: Option<CandidateRow> =
        on!(tx, c => sqlx::query_as(sql).bind(&id_s).bind(&org_s).fetch_optional(c).await)?;
    Ok(row
        .ok_or(StoreError::Missing("candidate"))
        .and_then(CandidateRow::into_candidate))
}
