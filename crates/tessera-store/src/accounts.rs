//! Users, sessions, organizations, memberships and API tokens.

use crate::row::{RowExt, micros, opt_micros};
use crate::{Result, Store, StoreError, unique_as};
use sqlx::any::AnyRow;
use tessera_domain::account::{ApiToken, Email, Membership, Organization, User};
use tessera_domain::{OrgId, Role, Timestamp, TokenId, UserId};

pub struct NewUser {
    pub id: UserId,
    pub email: Email,
    pub name: String,
    pub password_hash: String,
    pub is_platform_admin: bool,
    pub created_at: Timestamp,
}

/// What login needs to know about a user; never leaves the app layer.
pub struct UserAuth {
    pub user: User,
    pub password_hash: String,
    pub totp_secret: Option<String>,
    pub totp_last_step: i64,
}

pub struct SessionRecord {
    pub user: User,
    pub csrf_token: String,
    pub expires_at: Timestamp,
}

const USER_COLS: &str = "id, email, name, password_hash, is_platform_admin, totp_secret, totp_enabled, totp_last_step, created_at, email_verified_at";

fn user_from(row: &AnyRow) -> Result<User> {
    let email = row.text("email")?;
    Ok(User {
        id: row.parse("id")?,
        email: Email::parse(&email).map_err(|e| StoreError::Corrupt(format!("email {email:?}: {e}")))?,
        name: row.text("name")?,
        is_platform_admin: row.flag("is_platform_admin")?,
        totp_enabled: row.flag("totp_enabled")?,
        email_verified: row.opt_int("email_verified_at")?.is_some(),
        created_at: row.ts("created_at")?,
    })
}

fn auth_from(row: &AnyRow) -> Result<UserAuth> {
    Ok(UserAuth {
        user: user_from(row)?,
        password_hash: row.text("password_hash")?,
        totp_secret: row.opt_text("totp_secret")?,
        totp_last_step: row.int("totp_last_step")?,
    })
}

fn org_from(row: &AnyRow) -> Result<Organization> {
    Ok(Organization {
        id: row.parse("id")?,
        slug: row.text("slug")?,
        name: row.text("name")?,
        require_two_factor: row.flag("require_two_factor")?,
        created_at: row.ts("created_at")?,
    })
}

fn token_from(row: &AnyRow) -> Result<ApiToken> {
    Ok(ApiToken {
        id: row.parse("id")?,
        org_id: row.parse("org_id")?,
        name: row.text("name")?,
        role: row.parse("role")?,
        prefix: row.text("prefix")?,
        created_by: row.parse("created_by")?,
        created_at: row.ts("created_at")?,
        expires_at: row.opt_ts("expires_at")?,
        revoked_at: row.opt_ts("revoked_at")?,
        last_used_at: row.opt_ts("last_used_at")?,
    })
}

const TOKEN_COLS: &str = "id, org_id, name, role, prefix, created_by, created_at, expires_at, revoked_at, last_used_at";

impl Store {
    // ------------------------------------------------------------ users

    pub async fn create_user(&self, u: NewUser) -> Result<User> {
        sqlx::query(
            "INSERT INTO users (id, email, name, password_hash, is_platform_admin, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(u.id.to_string())
        .bind(u.email.as_str().to_string())
        .bind(u.name.clone())
        .bind(u.password_hash)
        .bind(i64::from(u.is_platform_admin))
        .bind(micros(u.created_at))
        .execute(&self.write)
        .await
        .map_err(unique_as("email", "an account with this e-mail address exists"))?;
        Ok(User {
            id: u.id,
            email: u.email,
            name: u.name,
            is_platform_admin: u.is_platform_admin,
            totp_enabled: false,
            email_verified: false,
            created_at: u.created_at,
        })
    }

    pub async fn user_auth_by_email(&self, email: &Email) -> Result<Option<UserAuth>> {
        let row = sqlx::query(dynsql!("SELECT {USER_COLS} FROM users WHERE email = $1"))
            .bind(email.as_str().to_string())
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(auth_from).transpose()
    }

    pub async fn user_auth(&self, id: UserId) -> Result<Option<UserAuth>> {
        let row = sqlx::query(dynsql!("SELECT {USER_COLS} FROM users WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.write)
            .await?;
        row.as_ref().map(auth_from).transpose()
    }

    pub async fn user_by_email(&self, email: &Email) -> Result<Option<User>> {
        Ok(self.user_auth_by_email(email).await?.map(|a| a.user))
    }

    pub async fn list_users(&self, limit: i64, offset: i64) -> Result<Vec<User>> {
        let rows = sqlx::query(dynsql!("SELECT {USER_COLS} FROM users ORDER BY created_at, id LIMIT $1 OFFSET $2"))
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(user_from).collect()
    }

    pub async fn set_platform_admin(&self, id: UserId, admin: bool) -> Result<()> {
        let r = sqlx::query("UPDATE users SET is_platform_admin = $2 WHERE id = $1")
            .bind(id.to_string())
            .bind(i64::from(admin))
            .execute(&self.write)
            .await?;
        if r.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    pub async fn set_password_hash(&self, id: UserId, hash: String) -> Result<()> {
        sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
            .bind(id.to_string())
            .bind(hash)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Stores a TOTP secret (pending until `enabled`), or clears it.
    pub async fn set_totp(&self, id: UserId, secret: Option<String>, enabled: bool) -> Result<()> {
        sqlx::query("UPDATE users SET totp_secret = $2, totp_enabled = $3 WHERE id = $1")
            .bind(id.to_string())
            .bind(secret)
            .bind(i64::from(enabled))
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Records that a TOTP time step was used; false if it (or a later one)
    /// was used already, which makes every code single-use even under races.
    pub async fn consume_totp_step(&self, id: UserId, step: i64) -> Result<bool> {
        let r = sqlx::query("UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2")
            .bind(id.to_string())
            .bind(step)
            .execute(&self.write)
            .await?;
        Ok(r.rows_affected() == 1)
    }

    // --------------------------------------------------------- sessions

    pub async fn create_session(
        &self,
        token_hash: &str,
        user: UserId,
        csrf_token: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash.to_string())
        .bind(user.to_string())
        .bind(csrf_token.to_string())
        .bind(micros(now))
        .bind(micros(expires_at))
        .execute(&self.write)
        .await?;
        Ok(())
    }

    pub async fn session(&self, token_hash: &str, now: Timestamp) -> Result<Option<SessionRecord>> {
        let cols = USER_COLS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ");
        let row = sqlx::query(dynsql!(
            "SELECT {cols}, s.csrf_token, s.expires_at AS session_expires_at
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND s.expires_at > $2"
        ))
        .bind(token_hash.to_string())
        .bind(micros(now))
        .fetch_optional(&self.read)
        .await?;
        row.map(|r| {
            Ok(SessionRecord {
                user: user_from(&r)?,
                csrf_token: r.text("csrf_token")?,
                expires_at: r.ts("session_expires_at")?,
            })
        })
        .transpose()
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash.to_string())
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Ends every session of a user (after a password or 2FA change).
    pub async fn delete_user_sessions(&self, user: UserId) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user.to_string()).execute(&self.write).await?;
        Ok(())
    }

    pub async fn delete_expired_sessions(&self, now: Timestamp) -> Result<u64> {
        let r =
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(micros(now)).execute(&self.write).await?;
        Ok(r.rows_affected())
    }

    // ---------------------------------------------------- organizations

    /// Creates an organization with `owner` as its first owner, atomically.
    pub async fn create_org(&self, org: &Organization, owner: UserId) -> Result<()> {
        let mut tx = self.write.begin().await?;
        sqlx::query(
            "INSERT INTO organizations (id, slug, name, require_two_factor, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(org.id.to_string())
        .bind(org.slug.clone())
        .bind(org.name.clone())
        .bind(i64::from(org.require_two_factor))
        .bind(micros(org.created_at))
        .execute(&mut *tx)
        .await
        .map_err(unique_as("slug", "an organization with this slug exists"))?;
        sqlx::query("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, 'owner', $3)")
            .bind(org.id.to_string())
            .bind(owner.to_string())
            .bind(micros(org.created_at))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn org(&self, id: OrgId) -> Result<Option<Organization>> {
        let row = sqlx::query("SELECT id, slug, name, require_two_factor, created_at FROM organizations WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(org_from).transpose()
    }

    pub async fn update_org(&self, org: &Organization) -> Result<()> {
        sqlx::query("UPDATE organizations SET name = $2, require_two_factor = $3 WHERE id = $1")
            .bind(org.id.to_string())
            .bind(org.name.clone())
            .bind(i64::from(org.require_two_factor))
            .execute(&self.write)
            .await?;
        Ok(())
    }

    pub async fn list_orgs(&self, limit: i64, offset: i64) -> Result<Vec<Organization>> {
        let rows = sqlx::query(
            "SELECT id, slug, name, require_two_factor, created_at FROM organizations ORDER BY created_at, id LIMIT $1 OFFSET $2",
        )
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(org_from).collect()
    }

    /// The organizations a user belongs to, with the user's role in each.
    pub async fn orgs_of_user(&self, user: UserId) -> Result<Vec<(Organization, Role)>> {
        let rows = sqlx::query(
            "SELECT o.id, o.slug, o.name, o.require_two_factor, o.created_at, m.role
             FROM memberships m JOIN organizations o ON o.id = m.org_id
             WHERE m.user_id = $1 ORDER BY o.name, o.id",
        )
        .bind(user.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(|r| Ok((org_from(r)?, r.parse("role")?))).collect()
    }

    /// The organization and the user's role in it, if the user is a member.
    pub async fn membership(&self, org: OrgId, user: UserId) -> Result<Option<(Organization, Role)>> {
        let row = sqlx::query(
            "SELECT o.id, o.slug, o.name, o.require_two_factor, o.created_at, m.role
             FROM memberships m JOIN organizations o ON o.id = m.org_id
             WHERE m.org_id = $1 AND m.user_id = $2",
        )
        .bind(org.to_string())
        .bind(user.to_string())
        .fetch_optional(&self.read)
        .await?;
        row.map(|r| Ok((org_from(&r)?, r.parse("role")?))).transpose()
    }

    /// What a token's creator may do in `org` now: their membership's role,
    /// `Owner` for a platform administrator, `None` when they have no role
    /// there (or no longer exist).
    pub async fn creator_role(&self, org: OrgId, user: UserId) -> Result<Option<Role>> {
        let row = sqlx::query(
            "SELECT u.is_platform_admin, m.role
             FROM users u LEFT JOIN memberships m ON m.user_id = u.id AND m.org_id = $1
             WHERE u.id = $2",
        )
        .bind(org.to_string())
        .bind(user.to_string())
        .fetch_optional(&self.read)
        .await?;
        let Some(r) = row else { return Ok(None) };
        if r.flag("is_platform_admin")? {
            return Ok(Some(Role::Owner));
        }
        match r.opt_text("role")? {
            Some(role) => Ok(Some(role.parse().map_err(StoreError::Corrupt)?)),
            None => Ok(None),
        }
    }

    pub async fn members(&self, org: OrgId) -> Result<Vec<Membership>> {
        let rows = sqlx::query(
            "SELECT m.org_id, m.user_id, u.email, u.name, m.role, m.created_at
             FROM memberships m JOIN users u ON u.id = m.user_id
             WHERE m.org_id = $1 ORDER BY m.created_at, u.id",
        )
        .bind(org.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                let email = r.text("email")?;
                Ok(Membership {
                    org_id: r.parse("org_id")?,
                    user_id: r.parse("user_id")?,
                    email: Email::parse(&email).map_err(|e| StoreError::Corrupt(format!("email {email:?}: {e}")))?,
                    name: r.text("name")?,
                    role: r.parse("role")?,
                    created_at: r.ts("created_at")?,
                })
            })
            .collect()
    }

    /// Adds a member or changes a member's role (`Some`), or removes one
    /// (`None`). Refuses to leave an organization without an owner; the
    /// check and the change happen in one transaction.
    pub async fn set_membership(&self, org: OrgId, user: UserId, role: Option<Role>, now: Timestamp) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let current: Option<(String,)> =
            sqlx::query_as("SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2")
                .bind(org.to_string())
                .bind(user.to_string())
                .fetch_optional(&mut *tx)
                .await?;
        let was_owner = current.as_ref().is_some_and(|(r,)| r == "owner");
        if was_owner && role != Some(Role::Owner) {
            // FOR UPDATE does not exist in SQLite, whose single writer already
            // serializes this; PostgreSQL locks the owner rows it counts.
            let lock = if self.backend == crate::Backend::Postgres { " FOR UPDATE" } else { "" };
            let owners: Vec<(String,)> =
                sqlx::query_as(dynsql!("SELECT user_id FROM memberships WHERE org_id = $1 AND role = 'owner'{lock}"))
                    .bind(org.to_string())
                    .fetch_all(&mut *tx)
                    .await?;
            if owners.len() <= 1 {
                return Err(StoreError::Conflict {
                    field: "role".into(),
                    message: "an organization must keep at least one owner".into(),
                });
            }
        }
        match (role, current.is_some()) {
            (Some(role), true) => {
                sqlx::query("UPDATE memberships SET role = $3 WHERE org_id = $1 AND user_id = $2")
                    .bind(org.to_string())
                    .bind(user.to_string())
                    .bind(role.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
            (Some(role), false) => {
                sqlx::query("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(org.to_string())
                    .bind(user.to_string())
                    .bind(role.as_str())
                    .bind(micros(now))
                    .execute(&mut *tx)
                    .await?;
            }
            (None, true) => {
                sqlx::query("DELETE FROM memberships WHERE org_id = $1 AND user_id = $2")
                    .bind(org.to_string())
                    .bind(user.to_string())
                    .execute(&mut *tx)
                    .await?;
                // A former member's tokens go with them, in the same transaction.
                sqlx::query(
                    "UPDATE api_tokens SET revoked_at = $3
                     WHERE org_id = $1 AND created_by = $2 AND revoked_at IS NULL",
                )
                .bind(org.to_string())
                .bind(user.to_string())
                .bind(micros(now))
                .execute(&mut *tx)
                .await?;
            }
            (None, false) => return Err(StoreError::NotFound),
        }
        tx.commit().await?;
        Ok(())
    }

    // ------------------------------------------------------- API tokens

    pub async fn create_token(&self, t: &ApiToken, token_hash: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO api_tokens (id, org_id, name, role, token_hash, prefix, created_by, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(t.id.to_string())
        .bind(t.org_id.to_string())
        .bind(t.name.clone())
        .bind(t.role.as_str())
        .bind(token_hash.to_string())
        .bind(t.prefix.clone())
        .bind(t.created_by.to_string())
        .bind(micros(t.created_at))
        .bind(opt_micros(t.expires_at))
        .execute(&self.write)
        .await?;
        Ok(())
    }

    pub async fn tokens(&self, org: OrgId) -> Result<Vec<ApiToken>> {
        let rows =
            sqlx::query(dynsql!("SELECT {TOKEN_COLS} FROM api_tokens WHERE org_id = $1 ORDER BY created_at, id"))
                .bind(org.to_string())
                .fetch_all(&self.read)
                .await?;
        rows.iter().map(token_from).collect()
    }

    /// Revokes a token of `org`; NotFound if there is none (or it is another org's).
    pub async fn revoke_token(&self, org: OrgId, id: TokenId, now: Timestamp) -> Result<()> {
        let r =
            sqlx::query("UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $3) WHERE org_id = $1 AND id = $2")
                .bind(org.to_string())
                .bind(id.to_string())
                .bind(micros(now))
                .execute(&self.write)
                .await?;
        if r.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    /// A token by the hash of its secret, whatever its state; callers decide
    /// whether a revoked or expired token is acceptable (it never is).
    pub async fn token_by_hash(&self, token_hash: &str) -> Result<Option<ApiToken>> {
        let row = sqlx::query(dynsql!("SELECT {TOKEN_COLS} FROM api_tokens WHERE token_hash = $1"))
            .bind(token_hash.to_string())
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(token_from).transpose()
    }

    /// Notes when a token was last used, at most about once a minute per
    /// token so that a busy integration does not turn reads into writes.
    pub async fn touch_token(&self, id: TokenId, now: Timestamp) -> Result<()> {
        sqlx::query(
            "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)",
        )
        .bind(id.to_string())
        .bind(micros(now))
        .bind(micros(now) - 60_000_000)
        .execute(&self.write)
        .await?;
        Ok(())
    }
}

// ------------------------------------------------ account security

/// What a one-time link does when followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    PasswordReset,
    VerifyEmail,
}

impl LinkPurpose {
    fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::PasswordReset => "password_reset",
            LinkPurpose::VerifyEmail => "verify_email",
        }
    }
}

/// An invitation into an organization, as stored (never its secret).
#[derive(Debug, Clone)]
pub struct InvitationRecord {
    pub id: String,
    pub org_id: OrgId,
    pub email: Email,
    pub role: Role,
    pub invited_by: UserId,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub accepted_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

const INVITATION_COLS: &str = "id, org_id, email, role, invited_by, created_at, expires_at, accepted_at, revoked_at";

fn invitation_from(row: &AnyRow) -> Result<InvitationRecord> {
    let email = row.text("email")?;
    Ok(InvitationRecord {
        id: row.text("id")?,
        org_id: row.parse("org_id")?,
        email: Email::parse(&email).map_err(|e| StoreError::Corrupt(format!("email {email:?}: {e}")))?,
        role: row.parse("role")?,
        invited_by: row.parse("invited_by")?,
        created_at: row.ts("created_at")?,
        expires_at: row.ts("expires_at")?,
        accepted_at: row.opt_ts("accepted_at")?,
        revoked_at: row.opt_ts("revoked_at")?,
    })
}

impl Store {
    /// Stores a one-time link (by the hash of its secret).
    pub async fn create_account_link(
        &self,
        token_hash: &str,
        user: UserId,
        purpose: LinkPurpose,
        email: &Email,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO account_links (token_hash, user_id, purpose, email, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash.to_string())
        .bind(user.to_string())
        .bind(purpose.as_str())
        .bind(email.as_str().to_string())
        .bind(micros(now))
        .bind(micros(expires_at))
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// The account a link acts on, if the link is unused, unexpired and
    /// still addressed to the account's current e-mail address.
    pub async fn account_link(&self, token_hash: &str, purpose: LinkPurpose, now: Timestamp) -> Result<Option<User>> {
        let cols = USER_COLS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ");
        let row = sqlx::query(dynsql!(
            "SELECT {cols} FROM account_links l JOIN users u ON u.id = l.user_id
             WHERE l.token_hash = $1 AND l.purpose = $2 AND l.used_at IS NULL AND l.expires_at > $3
               AND l.email = u.email"
        ))
        .bind(token_hash.to_string())
        .bind(purpose.as_str())
        .bind(micros(now))
        .fetch_optional(&self.write)
        .await?;
        row.as_ref().map(user_from).transpose()
    }

    /// Marks a valid link used and returns its account; `None` when the link
    /// is unknown, used, expired or for another address. Only one of two
    /// racing uses wins.
    async fn take_link(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        token_hash: &str,
        purpose: LinkPurpose,
        now: Timestamp,
    ) -> Result<Option<UserId>> {
        let row: Option<(String,)> = sqlx::query_as(
            "UPDATE account_links SET used_at = $3
             WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3
               AND email = (SELECT email FROM users WHERE id = account_links.user_id)
             RETURNING user_id",
        )
        .bind(token_hash.to_string())
        .bind(purpose.as_str())
        .bind(micros(now))
        .fetch_optional(&mut **tx)
        .await?;
        row.map(|(id,)| id.parse().map_err(|_| StoreError::Corrupt(format!("user id {id:?}")))).transpose()
    }

    /// Uses a password-reset link: sets the new password hash, spends every
    /// other reset link of the account and ends all its sessions, in one
    /// transaction. `None` when the link is not valid (nothing changes).
    pub async fn reset_password(
        &self,
        token_hash: &str,
        password_hash: String,
        now: Timestamp,
    ) -> Result<Option<UserId>> {
        let mut tx = self.write.begin().await?;
        let Some(user) = self.take_link(&mut tx, token_hash, LinkPurpose::PasswordReset, now).await? else {
            return Ok(None);
        };
        sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
            .bind(user.to_string())
            .bind(password_hash)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE account_links SET used_at = $2 WHERE user_id = $1 AND purpose = $3 AND used_at IS NULL")
            .bind(user.to_string())
            .bind(micros(now))
            .bind(LinkPurpose::PasswordReset.as_str())
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user.to_string()).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(Some(user))
    }

    /// Uses a verification link: marks the address verified. `None` when the
    /// link is not valid.
    pub async fn verify_email(&self, token_hash: &str, now: Timestamp) -> Result<Option<UserId>> {
        let mut tx = self.write.begin().await?;
        let Some(user) = self.take_link(&mut tx, token_hash, LinkPurpose::VerifyEmail, now).await? else {
            return Ok(None);
        };
        sqlx::query("UPDATE users SET email_verified_at = COALESCE(email_verified_at, $2) WHERE id = $1")
            .bind(user.to_string())
            .bind(micros(now))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(user))
    }

    /// Marks an address verified without a link (an accepted invitation
    /// proves it too).
    pub async fn mark_email_verified(&self, user: UserId, now: Timestamp) -> Result<()> {
        sqlx::query("UPDATE users SET email_verified_at = COALESCE(email_verified_at, $2) WHERE id = $1")
            .bind(user.to_string())
            .bind(micros(now))
            .execute(&self.write)
            .await?;
        Ok(())
    }

    // ------------------------------------------------------ invitations

    pub async fn create_invitation(&self, inv: &InvitationRecord, token_hash: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO invitations (id, org_id, email, role, token_hash, invited_by, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(inv.id.clone())
        .bind(inv.org_id.to_string())
        .bind(inv.email.as_str().to_string())
        .bind(inv.role.as_str())
        .bind(token_hash.to_string())
        .bind(inv.invited_by.to_string())
        .bind(micros(inv.created_at))
        .bind(micros(inv.expires_at))
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// The organization's invitations still pending (not accepted, revoked
    /// or expired), oldest first.
    pub async fn pending_invitations(&self, org: OrgId, now: Timestamp) -> Result<Vec<InvitationRecord>> {
        let rows = sqlx::query(dynsql!(
            "SELECT {INVITATION_COLS} FROM invitations
             WHERE org_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2
             ORDER BY created_at, id"
        ))
        .bind(org.to_string())
        .bind(micros(now))
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(invitation_from).collect()
    }

    /// An invitation by the hash of its link's secret, whatever its state.
    pub async fn invitation_by_hash(&self, token_hash: &str) -> Result<Option<InvitationRecord>> {
        let row = sqlx::query(dynsql!("SELECT {INVITATION_COLS} FROM invitations WHERE token_hash = $1"))
            .bind(token_hash.to_string())
            .fetch_optional(&self.write)
            .await?;
        row.as_ref().map(invitation_from).transpose()
    }

    /// Revokes a pending invitation of `org`; NotFound if there is none.
    pub async fn revoke_invitation(&self, org: OrgId, id: &str, now: Timestamp) -> Result<()> {
        let r = sqlx::query(
            "UPDATE invitations SET revoked_at = $3
             WHERE org_id = $1 AND id = $2 AND accepted_at IS NULL AND revoked_at IS NULL",
        )
        .bind(org.to_string())
        .bind(id.to_string())
        .bind(micros(now))
        .execute(&self.write)
        .await?;
        if r.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    /// Accepts a pending invitation for `user`: marks it accepted and makes
    /// the user a member with its role (an existing member keeps the higher
    /// of the two roles), in one transaction. `false` when the invitation
    /// is no longer pending.
    pub async fn accept_invitation(&self, id: &str, user: UserId, now: Timestamp) -> Result<bool> {
        let mut tx = self.write.begin().await?;
        let row: Option<(String, String)> = sqlx::query_as(
            "UPDATE invitations SET accepted_at = $3, accepted_by = $2
             WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $3
             RETURNING org_id, role",
        )
        .bind(id.to_string())
        .bind(user.to_string())
        .bind(micros(now))
        .fetch_optional(&mut *tx)
        .await?;
        let Some((org, role)) = row else { return Ok(false) };
        let role: Role = role.parse().map_err(StoreError::Corrupt)?;
        let current: Option<(String,)> =
            sqlx::query_as("SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2")
                .bind(org.clone())
                .bind(user.to_string())
                .fetch_optional(&mut *tx)
                .await?;
        match current {
            None => {
                sqlx::query("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(org)
                    .bind(user.to_string())
                    .bind(role.as_str())
                    .bind(micros(now))
                    .execute(&mut *tx)
                    .await?;
            }
            Some((cur,)) => {
                let cur: Role = cur.parse().map_err(StoreError::Corrupt)?;
                if role > cur {
                    sqlx::query("UPDATE memberships SET role = $3 WHERE org_id = $1 AND user_id = $2")
                        .bind(org)
                        .bind(user.to_string())
                        .bind(role.as_str())
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
        sqlx::query("UPDATE users SET email_verified_at = COALESCE(email_verified_at, $2) WHERE id = $1")
            .bind(user.to_string())
            .bind(micros(now))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    // --------------------------------------------------- recovery codes

    /// Replaces the user's recovery codes with new ones (by their hashes).
    pub async fn replace_recovery_codes(&self, user: UserId, code_hashes: &[String], now: Timestamp) -> Result<()> {
        let mut tx = self.write.begin().await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user.to_string()).execute(&mut *tx).await?;
        for h in code_hashes {
            sqlx::query("INSERT INTO recovery_codes (code_hash, user_id, created_at) VALUES ($1, $2, $3)")
                .bind(h.clone())
                .bind(user.to_string())
                .bind(micros(now))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Spends one recovery code of the user; false if it is not one of
    /// theirs or was used already.
    pub async fn use_recovery_code(&self, user: UserId, code_hash: &str, now: Timestamp) -> Result<bool> {
        let r = sqlx::query(
            "UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
        )
        .bind(user.to_string())
        .bind(code_hash.to_string())
        .bind(micros(now))
        .execute(&self.write)
        .await?;
        Ok(r.rows_affected() == 1)
    }

    /// How many unused recovery codes the user has.
    pub async fn recovery_codes_left(&self, user: UserId) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
            .bind(user.to_string())
            .fetch_one(&self.read)
            .await?;
        Ok(n)
    }
}
