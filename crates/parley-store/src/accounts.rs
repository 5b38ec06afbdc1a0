//! Organisations, their members and invitations, and the one-time setup of a new instance.
//!
//! Secrets never arrive here in the clear: callers pass SHA-256 hashes of invitation codes and
//! argon2id PHC strings of passwords.

use crate::db::{Tx, is_unique_violation, now_ms, on};
use crate::store::{check_slug, org_id_by_slug};
use crate::{Store, StoreError};
use parley_domain::{Email, InvitationId, OrgId, Role, UserId};
use serde::Serialize;

/// An organisation: the unit of tenancy. Nothing of one is visible from another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Org {
    pub id: OrgId,
    pub slug: String,
    pub name: String,
}

/// A member of an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: UserId,
    pub org: OrgId,
    pub email: Email,
    pub name: String,
    pub role: Role,
    pub created_at: i64,
}

/// A new member's details; the password arrives already hashed.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: Email,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
}

/// An invitation to join an organisation with a role, optionally for one address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invitation {
    pub id: InvitationId,
    pub org: OrgId,
    pub email: Option<Email>,
    pub role: Role,
    pub created_by: UserId,
    pub created_at: i64,
    pub expires_at: i64,
    pub accepted_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: String,
    org_id: String,
    email: String,
    name: String,
    role: String,
    password_hash: String,
    created_at: i64,
}

macro_rules! user_columns {
    () => {
        "u.id, u.org_id, u.email, u.name, u.role, u.password_hash, u.created_at"
    };
}
pub(crate) use user_columns;

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

impl UserRow {
    /// The user and their password hash.
    pub(crate) fn into_user(self) -> Result<(User, String), StoreError> {
        Ok((
            User {
                id: self.id.parse().map_err(corrupt)?,
                org: self.org_id.parse().map_err(corrupt)?,
                email: Email::parse(&self.email).map_err(corrupt)?,
                name: self.name,
                role: self.role.parse().map_err(corrupt)?,
                created_at: self.created_at,
            },
            self.password_hash,
        ))
    }
}

#[derive(sqlx::FromRow)]
struct InvitationRow {
    id: String,
    org_id: String,
    email: Option<String>,
    role: String,
    created_by: String,
    created_at: i64,
    expires_at: i64,
    accepted_at: Option<i64>,
}

impl InvitationRow {
    fn into_invitation(self) -> Result<Invitation, StoreError> {
        Ok(Invitation {
            id: self.id.parse().map_err(corrupt)?,
            org: self.org_id.parse().map_err(corrupt)?,
            email: self
                .email
                .map(|e| Email::parse(&e))
                .transpose()
                .map_err(corrupt)?,
            role: self.role.parse().map_err(corrupt)?,
            created_by: self.created_by.parse().map_err(corrupt)?,
            created_at: self.created_at,
            expires_at: self.expires_at,
            accepted_at: self.accepted_at,
        })
    }
}

macro_rules! invitation_columns {
    () => {
        "id, org_id, email, role, created_by, created_at, expires_at, accepted_at"
    };
}

impl Store {
    /// Creates organisation `slug`; `Refused` if the slug is taken.
    pub async fn create_org(&self, slug: &str, name: &str) -> Result<Org, StoreError> {
        check_slug(slug)?;
        let mut tx = self.begin_write().await?;
        let org = insert_org(&mut tx, slug, name).await?;
        tx.commit().await?;
        Ok(org)
    }

    /// The organisation with id `id`.
    pub async fn org(&self, id: OrgId) -> Result<Org, StoreError> {
        let sql = "SELECT id, slug, name FROM orgs WHERE id = $1";
        let mut tx = self.begin_read().await?;
        let row: Option<(String, String, String)> =
            on!(&mut tx, c => sqlx::query_as(sql).bind(id.to_string()).fetch_optional(c).await)?;
        tx.commit().await?;
        let (id, slug, name) = row.ok_or(StoreError::Missing("organisation"))?;
        Ok(Org {
            id: id.parse().map_err(corrupt)?,
            slug,
            name,
        })
    }

    /// Whether anyone has an account yet: a fresh instance offers its setup link until then.
    pub async fn has_users(&self) -> Result<bool, StoreError> {
        let mut tx = self.begin_read().await?;
        let n: i64 = on!(&mut tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM (SELECT 1 FROM users LIMIT 1) t").fetch_one(c).await)?;
        tx.commit().await?;
        Ok(n > 0)
    }

    /// The first organisation and its owner, in one transaction, once per database: a second
    /// setup (or one racing this one from another process) is `Refused`.
    pub async fn set_up_instance(
        &self,
        slug: &str,
        org_name: &str,
        owner: &NewUser,
    ) -> Result<(Org, User), StoreError> {
        check_slug(slug)?;
        let mut tx = self.begin_write().await?;
        let taken: i64 =
            on!(&mut tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(c).await)?;
        if taken > 0 {
            return Err(StoreError::Refused("this Parley is already set up".into()));
        }
        let org = match org_id_by_slug(&mut tx, slug).await? {
            // The CLI may have made the organisation (imports go to "default") before anyone
            // had an account; setup adopts it with its bank.
            Some(id) => {
                on!(&mut tx, c => sqlx::query("UPDATE orgs SET name = $2 WHERE id = $1")
                    .bind(id.to_string()).bind(org_name).execute(c).await.map(|_| ()))?;
                Org {
                    id,
                    slug: slug.to_string(),
                    name: org_name.to_string(),
                }
            }
            None => insert_org(&mut tx, slug, org_name).await?,
        };
        let sql = "INSERT INTO instance_setup (id, done_at, org_id) VALUES (1, $1, $2)";
        let done = on!(&mut tx, c => sqlx::query(sql).bind(now_ms()).bind(org.id.to_string()).execute(c).await.map(|_| ()));
        match done {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                return Err(StoreError::Refused("this Parley is already set up".into()));
            }
            Err(e) => return Err(e.into()),
        }
        let user = insert_user(&mut tx, org.id, owner).await?;
        tx.commit().await?;
        Ok((org, user))
    }

    /// Adds a member to `org`; `Refused` when the address already has an account there.
    pub async fn create_user(&self, org: OrgId, new: &NewUser) -> Result<User, StoreError> {
        let mut tx = self.begin_write().await?;
        let user = insert_user(&mut tx, org, new).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Member `id` of `org`; another organisation's member is `Missing`, like an unknown one.
    pub async fn user(&self, org: OrgId, id: UserId) -> Result<User, StoreError> {
        let sql = concat!(
            "SELECT ",
            user_columns!(),
            " FROM users u WHERE u.org_id = $1 AND u.id = $2"
        );
        let mut tx = self.begin_read().await?;
        let row: Option<UserRow> = on!(&mut tx, c => sqlx::query_as(sql)
            .bind(org.to_string()).bind(id.to_string()).fetch_optional(c).await)?;
        tx.commit().await?;
        Ok(row.ok_or(StoreError::Missing("user"))?.into_user()?.0)
    }

    /// Every account with this address, in every organisation, with its password hash: login
    /// tries the password against each.
    pub async fn users_by_email(&self, email: &Email) -> Result<Vec<(User, String)>, StoreError> {
        let sql = concat!(
            "SELECT ",
            user_columns!(),
            " FROM users u WHERE u.email = $1 ORDER BY u.created_at"
        );
        let mut tx = self.begin_read().await?;
        let rows: Vec<UserRow> =
            on!(&mut tx, c => sqlx::query_as(sql).bind(email.as_str()).fetch_all(c).await)?;
        tx.commit().await?;
        rows.into_iter().map(UserRow::into_user).collect()
    }

    /// The password hash of member `id` of `org`.
    pub async fn password_hash(&self, org: OrgId, id: UserId) -> Result<String, StoreError> {
        let sql = "SELECT password_hash FROM users WHERE org_id = $1 AND id = $2";
        let mut tx = self.begin_read().await?;
        let h: Option<String> = on!(&mut tx, c => sqlx::query_scalar(sql)
            .bind(org.to_string()).bind(id.to_string()).fetch_optional(c).await)?;
        tx.commit().await?;
        h.ok_or(StoreError::Missing("user"))
    }

    /// The members of `org`, oldest first.
    pub async fn users_of(&self, org: OrgId) -> Result<Vec<User>, StoreError> {
        let sql = concat!(
            "SELECT ",
            user_columns!(),
            " FROM users u WHERE u.org_id = $1 ORDER BY u.created_at, u.id"
        );
        let mut tx = self.begin_read().await?;
        let rows: Vec<UserRow> =
            on!(&mut tx, c => sqlx::query_as(sql).bind(org.to_string()).fetch_all(c).await)?;
        tx.commit().await?;
        rows.into_iter().map(|r| Ok(r.into_user()?.0)).collect()
    }

    /// Sets a new password and ends every session of the user but `keep_session` (the one that
    /// changed it), in one transaction: a stolen session dies with the old password.
    pub async fn set_password(
        &self,
        org: OrgId,
        id: UserId,
        password_hash: &str,
        keep_session: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let n = on!(&mut tx, c => sqlx::query("UPDATE users SET password_hash = $3 WHERE org_id = $1 AND id = $2")
            .bind(org.to_string()).bind(id.to_string()).bind(password_hash)
            .execute(c).await.map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::Missing("user"));
        }
        let keep = keep_session.unwrap_or("");
        on!(&mut tx, c => sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
            .bind(id.to_string()).bind(keep).execute(c).await.map(|_| ()))?;
        tx.commit().await?;
        Ok(())
    }

    /// Records an invitation whose code hashes to `code_hash`.
    #[allow(clippy::too_many_arguments)]
    pub async fn create_invitation(
        &self,
        org: OrgId,
        code_hash: &str,
        email: Option<&Email>,
        role: Role,
        created_by: UserId,
        expires_at: i64,
    ) -> Result<Invitation, StoreError> {
        let inv = Invitation {
            id: InvitationId::new(),
            org,
            email: email.cloned(),
            role,
            created_by,
            created_at: now_ms(),
            expires_at,
            accepted_at: None,
        };
        let sql = "INSERT INTO invitations (id, org_id, code_hash, email, role, created_by, created_at, expires_at) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
        let mut tx = self.begin_write().await?;
        on!(&mut tx, c => sqlx::query(sql)
            .bind(inv.id.to_string()).bind(org.to_string()).bind(code_hash)
            .bind(email.map(Email::as_str)).bind(role.as_str()).bind(created_by.to_string())
            .bind(inv.created_at).bind(expires_at).execute(c).await.map(|_| ()))?;
        tx.commit().await?;
        Ok(inv)
    }

    /// The invitation whose code hashes to `code_hash`, if it is open (not accepted, not expired).
    pub async fn open_invitation(&self, code_hash: &str) -> Result<Invitation, StoreError> {
        let mut tx = self.begin_read().await?;
        let inv = open_invitation_in(&mut tx, code_hash).await?;
        tx.commit().await?;
        inv
    }

    /// Accepts an open invitation: creates the account and closes the invitation in one
    /// transaction, so a code opens exactly one account even when used twice at once.
    pub async fn accept_invitation(
        &self,
        code_hash: &str,
        new: &NewUser,
    ) -> Result<User, StoreError> {
        let mut tx = self.begin_write().await?;
        let inv = open_invitation_in(&mut tx, code_hash).await??;
        if let Some(e) = &inv.email
            && e != &new.email
        {
            return Err(StoreError::Refused(format!("this invitation is for {e}")));
        }
        let user = insert_user(
            &mut tx,
            inv.org,
            &NewUser {
                role: inv.role,
                ..new.clone()
            },
        )
        .await?;
        let closed = on!(&mut tx, c => sqlx::query(
            "UPDATE invitations SET accepted_by = $2, accepted_at = $3 WHERE id = $1 AND accepted_at IS NULL")
            .bind(inv.id.to_string()).bind(user.id.to_string()).bind(now_ms())
            .execute(c).await.map(|r| r.rows_affected()))?;
        if closed != 1 {
            return Err(StoreError::Missing("invitation"));
        }
        tx.commit().await?;
        Ok(user)
    }

    /// Withdraws open invitation `id` of `org`; an accepted or foreign one is `Missing`.
    pub async fn revoke_invitation(&self, org: OrgId, id: InvitationId) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let n = on!(&mut tx, c => sqlx::query("DELETE FROM invitations WHERE org_id = $1 AND id = $2 AND accepted_at IS NULL")
            .bind(org.to_string()).bind(id.to_string()).execute(c).await.map(|r| r.rows_affected()))?;
        tx.commit().await?;
        if n == 0 {
            return Err(StoreError::Missing("invitation"));
        }
        Ok(())
    }

    /// The invitations of `org`, newest first.
    pub async fn invitations_of(&self, org: OrgId) -> Result<Vec<Invitation>, StoreError> {
        let sql = concat!(
            "SELECT ",
            invitation_columns!(),
            " FROM invitations WHERE org_id = $1 ORDER BY created_at DESC"
        );
        let mut tx = self.begin_read().await?;
        let rows: Vec<InvitationRow> =
            on!(&mut tx, c => sqlx::query_as(sql).bind(org.to_string()).fetch_all(c).await)?;
        tx.commit().await?;
        rows.into_iter()
            .map(InvitationRow::into_invitation)
            .collect()
    }
}

async fn open_invitation_in(
    tx: &mut Tx,
    code_hash: &str,
) -> Result<Result<Invitation, StoreError>, StoreError> {
    let sql = concat!(
        "SELECT ",
        invitation_columns!(),
        " FROM invitations i WHERE code_hash = $1 AND accepted_at IS NULL AND expires_at > $2",
        // An invitation lives only as long as its author may still invite: removed or demoted,
        // their open links die with their right.
        " AND EXISTS (SELECT 1 FROM users u WHERE u.id = i.created_by AND u.org_id = i.org_id",
        " AND u.role IN ('owner', 'admin'))"
    );
    let row: Option<InvitationRow> =
        on!(tx, c => sqlx::query_as(sql).bind(code_hash).bind(now_ms()).fetch_optional(c).await)?;
    Ok(match row {
        Some(r) => r.into_invitation(),
        None => Err(StoreError::Missing("invitation")),
    })
}

async fn insert_org(tx: &mut Tx, slug: &str, name: &str) -> Result<Org, StoreError> {
    let id = OrgId::new();
    let sql = "INSERT INTO orgs (id, slug, name, created_at) VALUES ($1, $2, $3, $4)";
    let r = on!(tx, c => sqlx::query(sql)
        .bind(id.to_string()).bind(slug).bind(name).bind(now_ms()).execute(c).await.map(|_| ()));
    match r {
        Ok(_) => Ok(Org {
            id,
            slug: slug.to_string(),
            name: name.to_string(),
        }),
        Err(e) if is_unique_violation(&e) => Err(StoreError::Refused(format!(
            "organisation {slug:?} already exists"
        ))),
        Err(e) => Err(e.into()),
    }
}

async fn insert_user(tx: &mut Tx, org: OrgId, new: &NewUser) -> Result<User, StoreError> {
    let user = User {
        id: UserId::new(),
        org,
        email: new.email.clone(),
        name: new.name.clone(),
        role: new.role,
        created_at: now_ms(),
    };
    let sql = "INSERT INTO users (id, org_id, email, name, role, password_hash, created_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7)";
    let r = on!(tx, c => sqlx::query(sql)
        .bind(user.id.to_string()).bind(org.to_string()).bind(user.email.as_str())
        .bind(&user.name).bind(user.role.as_str()).bind(&new.password_hash)
        .bind(user.created_at).execute(c).await.map(|_| ()));
    match r {
        Ok(_) => Ok(user),
        Err(e) if is_unique_violation(&e) => Err(StoreError::Refused(format!(
            "{} already has an account in this organisation",
            new.email
        ))),
        Err(e) => Err(e.into()),
    }
}

/// Owners of `org` other than `except`.
async fn other_owners(tx: &mut Tx, org: OrgId, except: UserId) -> Result<i64, StoreError> {
    let sql = "SELECT COUNT(*) FROM users WHERE org_id = $1 AND role = 'owner' AND id <> $2";
    Ok(
        on!(tx, c => sqlx::query_scalar(sql).bind(org.to_string()).bind(except.to_string()).fetch_one(c).await)?,
    )
}

impl Store {
    /// Gives member `id` of `org` the role `role`. The last owner keeps the role: an
    /// organisation without an owner could never get one back.
    pub async fn set_role(&self, org: OrgId, id: UserId, role: Role) -> Result<User, StoreError> {
        let mut tx = self.begin_write().await?;
        lock_members(&mut tx, org).await?;
        let current = member_in(&mut tx, org, id).await?;
        if current.role == Role::Owner
            && role != Role::Owner
            && other_owners(&mut tx, org, id).await? == 0
        {
            return Err(StoreError::Refused(
                "the last owner stays an owner; make someone else owner first".into(),
            ));
        }
        on!(&mut tx, c => sqlx::query("UPDATE users SET role = $3 WHERE org_id = $1 AND id = $2")
            .bind(org.to_string()).bind(id.to_string()).bind(role.as_str()).execute(c).await.map(|_| ()))?;
        tx.commit().await?;
        Ok(User { role, ..current })
    }

    /// Removes member `id` of `org` with their sessions, tokens and replies. The last owner
    /// cannot be removed.
    pub async fn remove_user(&self, org: OrgId, id: UserId) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        lock_members(&mut tx, org).await?;
        let current = member_in(&mut tx, org, id).await?;
        if current.role == Role::Owner && other_owners(&mut tx, org, id).await? == 0 {
            return Err(StoreError::Refused(
                "the last owner cannot be removed".into(),
            ));
        }
        on!(&mut tx, c => sqlx::query("DELETE FROM users WHERE org_id = $1 AND id = $2")
            .bind(org.to_string()).bind(id.to_string()).execute(c).await.map(|_| ()))?;
        tx.commit().await?;
        Ok(())
    }
}

async fn member_in(tx: &mut Tx, org: OrgId, id: UserId) -> Result<User, StoreError> {
    let sql = concat!(
        "SELECT ",
        user_columns!(),
        " FROM users u WHERE u.org_id = $1 AND u.id = $2"
    );
    let row: Option<UserRow> = on!(tx, c => sqlx::query_as(sql).bind(org.to_string()).bind(id.to_string()).fetch_optional(c).await)?;
    Ok(row.ok_or(StoreError::Missing("user"))?.into_user()?.0)
}

/// Serialises membership changes of one organisation on PostgreSQL, so two admins demoting
/// the last two owners at once cannot both succeed (SQLite writers already take turns).
async fn lock_members(tx: &mut Tx, org: OrgId) -> Result<(), StoreError> {
    if let Tx::Postgres(c) = tx {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind(format!("parley members {org}"))
            .execute(&mut **c)
            .await?;
    }
    Ok(())
}
