//! Account security: password reset and address verification by e-mailed
//! one-time links, invitations into organizations, and two-factor recovery
//! codes.
//!
//! Every secret sent out (link tokens, recovery codes) is a random value of
//! which only a SHA-256 is stored. The e-mails go through the outbox like
//! every other mail; the link in a queued mail is sealed with the master
//! key, so the outbox table never holds a usable link in clear.

use crate::auth::hash_password;
use crate::secrets::{hash_token, random_bytes, random_token};
use crate::{Actor, App, AppError, Result};
use tessera_domain::account::{Email, User, check_password};
use tessera_domain::{MessageKey, OrgId, Permission, Role, Timestamp, UserId};
use tessera_mail::{AccountMail, Locale, Mail, MailKind};
use tessera_store::{InvitationRecord, LinkPurpose, OutboxMessage, OutboxRow};

/// How long a password-reset link works.
pub const RESET_LINK_TTL_SECS: i64 = 3600;
/// How long an address verification link works.
pub const VERIFY_LINK_TTL_SECS: i64 = 24 * 3600;
/// How long an invitation stays open.
pub const INVITATION_TTL_DAYS: i64 = 7;
/// Recovery codes made at enrolment.
pub const RECOVERY_CODES: usize = 10;

/// The outbox's organization column for mails that belong to no
/// organization (password reset, verification).
const NO_ORG: &str = "00000000-0000-0000-0000-000000000000";

/// The answer to a link that is unknown, used, expired or no longer for
/// the account's address: one answer for all, so that it tells nothing.
fn bad_link() -> AppError {
    AppError::invalid_key(
        "token",
        MessageKey::new("errors-bad-link"),
        "this link is invalid, expired or already used; ask for a new one",
    )
}

/// A pending invitation, as its organization sees it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct InvitationView {
    pub id: String,
    pub email: Email,
    pub role: Role,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
}

/// What the invitee sees before accepting.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct InvitationInfo {
    pub org_id: OrgId,
    pub org_name: String,
    pub email: Email,
    pub role: Role,
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvitation {
    pub email: Email,
    pub role: Role,
}

impl From<InvitationRecord> for InvitationView {
    fn from(r: InvitationRecord) -> Self {
        InvitationView { id: r.id, email: r.email, role: r.role, created_at: r.created_at, expires_at: r.expires_at }
    }
}

/// A recovery code as people type it: four groups of four base32 letters
/// and digits (80 random bits), case and dashes ignored when checked.
fn new_recovery_code() -> String {
    let raw = data_encoding::BASE32_NOPAD.encode(&random_bytes::<10>()).to_lowercase();
    raw.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

/// The canonical form of a typed recovery code, or `None` when it cannot
/// be one.
pub(crate) fn normalize_recovery_code(code: &str) -> Option<String> {
    let c: String = code.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_lowercase();
    (c.len() == 16 && c.chars().all(|c| c.is_ascii_alphanumeric())).then_some(c)
}

impl App {
    fn in_secs(&self, secs: i64) -> Timestamp {
        self.now().checked_add(jiff::SignedDuration::from_secs(secs)).unwrap_or(Timestamp::MAX)
    }

    /// Queues an account mail; the link is sealed in the payload.
    async fn queue_account_mail(
        &self,
        org: Option<OrgId>,
        to: &Email,
        to_name: &str,
        locale: Locale,
        mail: serde_json::Value,
        url: &str,
    ) -> Result<()> {
        let mut m = OutboxMessage::new("email", "account", None, serde_json::json!({}));
        let sealed = self.config.master_key.seal(url.as_bytes(), format!("account-mail:{}", m.id).as_bytes());
        m.payload = serde_json::json!({
            "to": to.as_str(), "name": to_name, "locale": locale.tag(), "mail": mail, "url": sealed,
        })
        .to_string();
        let org = match org {
            Some(o) => o,
            None => NO_ORG.parse().map_err(|_| AppError::Internal("nil org id".into()))?,
        };
        self.store.enqueue(org, &[m], self.now()).await?;
        Ok(())
    }

    /// The mail an `account` outbox row stands for.
    pub(crate) fn compose_account_mail(&self, row: &OutboxRow) -> Result<Option<Mail>> {
        let p: serde_json::Value = serde_json::from_str(&row.payload).map_err(|e| AppError::Internal(e.to_string()))?;
        let url = self
            .config
            .master_key
            .open(p["url"].as_str().unwrap_or_default(), format!("account-mail:{}", row.id).as_bytes())
            .map_err(|e| AppError::Internal(format!("account mail link: {e}")))?;
        let url = String::from_utf8(url).map_err(|_| AppError::Internal("account mail link".into()))?;
        let m = &p["mail"];
        let num = |k: &str| m[k].as_i64().unwrap_or(0);
        let text = |k: &str| m[k].as_str().unwrap_or_default().to_string();
        let kind = match m["kind"].as_str().unwrap_or_default() {
            "reset" => AccountMail::PasswordReset { url, valid_minutes: num("minutes") },
            "verify" => AccountMail::VerifyEmail { url, valid_minutes: num("minutes") },
            "invite" => AccountMail::Invitation {
                org_name: text("org"),
                inviter_name: text("inviter"),
                role: text("role"),
                url,
                valid_days: num("days"),
            },
            other => return Err(AppError::Internal(format!("unknown account mail {other}"))),
        };
        Ok(Some(Mail {
            to_name: p["name"].as_str().unwrap_or_default().to_string(),
            to_email: p["to"].as_str().unwrap_or_default().to_string(),
            locale: Locale::from_tag(p["locale"].as_str().unwrap_or("en")),
            message_id: row.id.clone(),
            kind: MailKind::Account(kind),
        }))
    }

    // ---------------------------------------------------- password reset

    /// Sends a password-reset link to `email` if it has an account.
    ///
    /// The answer is the same whether or not the address has an account
    /// (only a malformed address or the rate limits are refused), so it
    /// does not tell which addresses exist. Limited per client address and
    /// per e-mail address.
    pub async fn request_password_reset(&self, ip: &str, email: &str, locale: Locale) -> Result<()> {
        let now = self.now();
        let email = Email::parse_keyed(email).map_err(|m| AppError::invalid_keyed("email", m))?;
        self.clients.admit_password_reset(ip, email.as_str(), now)?;
        let Some(user) = self.store.user_by_email(&email).await? else {
            return Ok(());
        };
        let token = random_token();
        self.store
            .create_account_link(
                &hash_token(&token),
                user.id,
                LinkPurpose::PasswordReset,
                &user.email,
                now,
                self.in_secs(RESET_LINK_TTL_SECS),
            )
            .await?;
        let url = format!("{}/account/reset-password?token={token}", self.config.public_url);
        let mail = serde_json::json!({ "kind": "reset", "minutes": RESET_LINK_TTL_SECS / 60 });
        self.queue_account_mail(None, &user.email, &user.name, locale, mail, &url).await
    }

    /// The account a reset link is for, if the link still works.
    pub async fn password_reset_account(&self, token: &str) -> Result<User> {
        self.store.account_link(&hash_token(token), LinkPurpose::PasswordReset, self.now()).await?.ok_or_else(bad_link)
    }

    /// Sets a new password with a reset link. The link and every other
    /// reset link of the account stop working, and every session of the
    /// account ends (whoever knew the old password is signed out).
    pub async fn reset_password(&self, token: &str, password: String) -> Result<()> {
        self.password_reset_account(token).await?;
        check_password(&password).map_err(|m| AppError::invalid_keyed("password", m))?;
        let hash = hash_password(password).await?;
        self.store.reset_password(&hash_token(token), hash, self.now()).await?.ok_or_else(bad_link)?;
        Ok(())
    }

    // ---------------------------------------------- e-mail verification

    /// Sends a link that verifies the account's address (at sign-up, and
    /// when the holder asks again). Limited per account, not per client:
    /// sign-ups have their own per-client limit.
    pub async fn send_verification(&self, user: &User, locale: Locale) -> Result<()> {
        if user.email_verified {
            return Err(AppError::Conflict {
                field: "email".into(),
                message: "this address is already verified".into(),
            });
        }
        self.clients.admit_verification(&user.id.to_string(), self.now())?;
        let token = random_token();
        self.store
            .create_account_link(
                &hash_token(&token),
                user.id,
                LinkPurpose::VerifyEmail,
                &user.email,
                self.now(),
                self.in_secs(VERIFY_LINK_TTL_SECS),
            )
            .await?;
        let url = format!("{}/account/verify-email?token={token}", self.config.public_url);
        let mail = serde_json::json!({ "kind": "verify", "minutes": VERIFY_LINK_TTL_SECS / 60 });
        self.queue_account_mail(None, &user.email, &user.name, locale, mail, &url).await
    }

    /// Marks the address of the link's account verified.
    pub async fn verify_email(&self, token: &str) -> Result<UserId> {
        self.store.verify_email(&hash_token(token), self.now()).await?.ok_or_else(bad_link)
    }

    // ------------------------------------------------------- invitations

    /// Invites an address into the organization with a role, by e-mail.
    /// Only owners invite owners; an address with a pending invitation or
    /// already a member is refused (409 on `email`).
    pub async fn invite(
        &self,
        actor: &Actor,
        org: OrgId,
        input: NewInvitation,
        locale: Locale,
    ) -> Result<InvitationView> {
        let access = self.authorize(actor, org, Permission::ManageMembers).await?;
        // An API token invites on behalf of the member who made it.
        let (inviter_id, inviter_name) = match actor {
            Actor::User(u) => (u.id, u.name.clone()),
            Actor::Token(tk) => {
                let name = self.store.user_auth(tk.created_by).await?.map(|a| a.user.name).unwrap_or_default();
                (tk.created_by, name)
            }
            Actor::Anonymous => return Err(actor.user().err().unwrap_or(AppError::NotFound)),
        };
        if input.role == Role::Owner && !access.role.grants(Permission::ManageOwners) {
            return Err(AppError::Forbidden("only owners can invite owners".into()));
        }
        let now = self.now();
        if self.store.members(org).await?.iter().any(|m| m.email == input.email) {
            return Err(AppError::Conflict {
                field: "email".into(),
                message: "this address is already a member".into(),
            });
        }
        if self.store.pending_invitations(org, now).await?.iter().any(|i| i.email == input.email) {
            return Err(AppError::Conflict {
                field: "email".into(),
                message: "this address already has a pending invitation; revoke it to send a new one".into(),
            });
        }
        let token = random_token();
        let rec = InvitationRecord {
            id: uuid::Uuid::now_v7().to_string(),
            org_id: org,
            email: input.email.clone(),
            role: input.role,
            invited_by: inviter_id,
            created_at: now,
            expires_at: self.in_secs(INVITATION_TTL_DAYS * 24 * 3600),
            accepted_at: None,
            revoked_at: None,
        };
        self.store.create_invitation(&rec, &hash_token(&token)).await?;
        let url = format!("{}/account/invitation?token={token}", self.config.public_url);
        let mail = serde_json::json!({
            "kind": "invite", "org": access.org.name, "inviter": inviter_name,
            "role": input.role.as_str(), "days": INVITATION_TTL_DAYS,
        });
        self.queue_account_mail(Some(org), &input.email, "", locale, mail, &url).await?;
        Ok(rec.into())
    }

    /// The organization's pending invitations.
    pub async fn invitations(&self, actor: &Actor, org: OrgId) -> Result<Vec<InvitationView>> {
        self.authorize(actor, org, Permission::ManageMembers).await?;
        Ok(self.store.pending_invitations(org, self.now()).await?.into_iter().map(Into::into).collect())
    }

    /// Withdraws a pending invitation; its link stops working.
    pub async fn revoke_invitation(&self, actor: &Actor, org: OrgId, id: &str) -> Result<()> {
        let access = self.authorize(actor, org, Permission::ManageMembers).await?;
        let pending = self.store.pending_invitations(org, self.now()).await?;
        let inv = pending.iter().find(|i| i.id == id).ok_or(AppError::NotFound)?;
        if inv.role == Role::Owner && !access.role.grants(Permission::ManageOwners) {
            return Err(AppError::Forbidden("only owners can withdraw an invitation to be an owner".into()));
        }
        Ok(self.store.revoke_invitation(org, id, self.now()).await?)
    }

    /// A pending invitation by its link's secret.
    pub async fn invitation(&self, token: &str) -> Result<InvitationInfo> {
        let now = self.now();
        let inv = self
            .store
            .invitation_by_hash(&hash_token(token))
            .await?
            .filter(|i| i.accepted_at.is_none() && i.revoked_at.is_none() && i.expires_at > now)
            .ok_or_else(bad_link)?;
        let org = self.store.org(inv.org_id).await?.ok_or_else(bad_link)?;
        Ok(InvitationInfo {
            org_id: org.id,
            org_name: org.name,
            email: inv.email,
            role: inv.role,
            expires_at: inv.expires_at,
        })
    }

    /// Accepts an invitation as `user`, who must have the invited address:
    /// makes them a member with the invited role (and counts the address as
    /// verified, since the link reached it).
    pub async fn accept_invitation(&self, user: &User, token: &str) -> Result<InvitationInfo> {
        let info = self.invitation(token).await?;
        if info.email != user.email {
            return Err(AppError::Forbidden(
                "this invitation is for another e-mail address; sign in with that address".into(),
            ));
        }
        let inv = self.store.invitation_by_hash(&hash_token(token)).await?.ok_or_else(bad_link)?;
        if !self.store.accept_invitation(&inv.id, user.id, self.now()).await? {
            return Err(bad_link());
        }
        Ok(info)
    }

    // ---------------------------------------------------- recovery codes

    /// Turns on TOTP with a current code and returns new recovery codes,
    /// shown once.
    pub async fn totp_enable_with_recovery(&self, user: &User, code: &str) -> Result<Vec<String>> {
        self.totp_enable(user, code).await?;
        self.new_recovery_codes(user.id).await
    }

    async fn new_recovery_codes(&self, user: UserId) -> Result<Vec<String>> {
        let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
        let hashes: Vec<String> =
            codes.iter().filter_map(|c| normalize_recovery_code(c)).map(|c| hash_token(&c)).collect();
        self.store.replace_recovery_codes(user, &hashes, self.now()).await?;
        Ok(codes)
    }

    /// Spends a recovery code of `user`; false if it is not a valid unused one.
    pub(crate) async fn use_recovery_code(&self, user: UserId, code: &str) -> Result<bool> {
        let Some(c) = normalize_recovery_code(code) else { return Ok(false) };
        Ok(self.store.use_recovery_code(user, &hash_token(&c), self.now()).await?)
    }

    /// Unused recovery codes of the user.
    pub async fn recovery_codes_left(&self, user: &User) -> Result<i64> {
        Ok(self.store.recovery_codes_left(user.id).await?)
    }

    /// Turns TOTP off with the password and a current code (or a recovery
    /// code); the recovery codes go too.
    pub async fn totp_disable_with_password(&self, user: &User, password: String, code: &str) -> Result<()> {
        let auth = self.store.user_auth(user.id).await?.ok_or(AppError::NotFound)?;
        if !crate::auth::verify_password(password, auth.password_hash).await {
            return Err(AppError::invalid_key("password", MessageKey::new("errors-wrong-password"), "wrong password"));
        }
        if normalize_recovery_code(code).is_some() {
            if !user.totp_enabled {
                return Err(AppError::Conflict {
                    field: "code".into(),
                    message: "two-factor authentication is not enabled".into(),
                });
            }
            if !self.use_recovery_code(user.id, code).await? {
                return Err(AppError::invalid_key(
                    "code",
                    MessageKey::new("errors-wrong-code"),
                    "wrong or already used code",
                ));
            }
            self.store.set_totp(user.id, None, false).await?;
        } else {
            self.totp_disable(user, code).await?;
        }
        self.store.replace_recovery_codes(user.id, &[], self.now()).await?;
        Ok(())
    }
}
