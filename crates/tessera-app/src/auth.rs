//! Accounts: registration, login with optional TOTP, sessions, bearer tokens.
//!
//! Passwords are hashed with argon2id at OWASP's recommended parameters
//! (19 MiB, 2 passes, 1 lane) on the blocking pool. Session and API tokens are
//! random 256-bit values stored only as SHA-256 hashes.

use crate::secrets::{constant_time_eq, hash_token, random_bytes, random_token};
use crate::{App, AppConfig, AppError, Result};
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use hmac::{KeyInit, Mac};
use std::collections::HashMap;
use std::sync::Mutex;
use tessera_domain::account::{ApiToken, Email, User, check_password};
use tessera_domain::validation::check_text;
use tessera_domain::{MessageKey, Timestamp, UserId, ValidationError};
use tessera_store::NewUser;

fn argon2() -> Argon2<'static> {
    // OWASP Password Storage Cheat Sheet: m=19456 KiB, t=2, p=1.
    let params = Params::new(19_456, 2, 1, None).expect("static argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub async fn hash_password(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        argon2()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

pub(crate) async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || argon2().verify_password(password.as_bytes(), hash.as_str()).is_ok())
        .await
        .unwrap_or(false)
}

/// A hash of a random password: verifying against it costs what a real
/// verification costs, so a login for an unknown address takes as long as
/// one with a wrong password and does not reveal which addresses exist.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let pw = random_token();
        argon2().hash_password(pw.as_bytes()).map(|h| h.to_string()).unwrap_or_default()
    })
}

/// A fresh browser session: the cookie value (shown once) and its CSRF token.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
    pub expires_at: Timestamp,
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    pub email: Email,
    #[schema(min_length = 10, max_length = 256)]
    pub password: String,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub email: String,
    pub password: String,
    /// The current code from the authenticator app, if the account uses
    /// TOTP, or one of its recovery codes (each works once).
    #[serde(default)]
    pub totp_code: Option<String>,
}

// ------------------------------------------------------------ rate limiting

/// Fixed-window counters by key, in memory: each server process limits on
/// its own, which bounds a distributed guesser at (processes x limit) per
/// window.
pub(crate) struct Windows {
    map: Mutex<HashMap<String, (i64, u32)>>,
    window_secs: i64,
}

/// Entries kept before old windows are swept, so memory stays bounded.
const LIMITER_MAX_KEYS: usize = 100_000;

impl Windows {
    pub(crate) fn new(window_secs: i64) -> Self {
        Self { map: Mutex::new(HashMap::new()), window_secs: window_secs.max(1) }
    }

    fn window(&self, now: Timestamp) -> i64 {
        now.as_second().div_euclid(self.window_secs)
    }

    pub(crate) fn retry_after(&self, now: Timestamp) -> u64 {
        let s = now.as_second();
        (self.window_secs - s.rem_euclid(self.window_secs)).max(1) as u64
    }

    pub(crate) fn count(&self, key: &str, now: Timestamp) -> u32 {
        let w = self.window(now);
        let map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        map.get(key).filter(|(win, _)| *win == w).map_or(0, |(_, n)| *n)
    }

    pub(crate) fn bump(&self, key: String, now: Timestamp) {
        let w = self.window(now);
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= LIMITER_MAX_KEYS {
            map.retain(|_, (win, _)| *win == w);
        }
        let e = map.entry(key).or_insert((w, 0));
        if e.0 != w {
            *e = (w, 0);
        }
        e.1 = e.1.saturating_add(1);
    }

    pub(crate) fn refuse(&self, now: Timestamp) -> AppError {
        AppError::RateLimited { retry_after_secs: self.retry_after(now) }
    }
}

/// Login throttling that slows the guesser, not the account holder.
///
/// - per client address: attempts (`login_max_attempts_per_ip`);
/// - per (client address, account): failures (`login_max_failures_per_account`);
/// - per account, against guessing spread over many addresses: once the
///   account has `login_account_slowdown_after` failures in the window, a
///   client that has itself failed on it gets no further try in that
///   window. A client that has not been failing is never refused the
///   right password, so nobody can lock the owner out.
pub struct LoginLimiter {
    windows: Windows,
    per_client_account: u32,
    per_ip: u32,
    account_slowdown_after: u32,
}

impl LoginLimiter {
    pub fn new(c: &AppConfig) -> Self {
        Self {
            windows: Windows::new(c.login_window_secs),
            per_client_account: c.login_max_failures_per_account,
            per_ip: c.login_max_attempts_per_ip,
            account_slowdown_after: c.login_account_slowdown_after,
        }
    }

    /// Counts an attempt from `ip` and refuses it when this client is over
    /// its limits (see the type's documentation).
    fn admit(&self, ip: &str, account: &str, now: Timestamp) -> Result<()> {
        let w = &self.windows;
        let ip_key = format!("ip:{ip}");
        let mine = w.count(&format!("pair:{ip}\n{account}"), now);
        if w.count(&ip_key, now) >= self.per_ip
            || mine >= self.per_client_account
            || (mine > 0 && w.count(&format!("acct:{account}"), now) >= self.account_slowdown_after)
        {
            return Err(w.refuse(now));
        }
        w.bump(ip_key, now);
        Ok(())
    }

    fn failed(&self, ip: &str, account: &str, now: Timestamp) {
        self.windows.bump(format!("pair:{ip}\n{account}"), now);
        self.windows.bump(format!("acct:{account}"), now);
    }
}

/// Per-client limits of things that are not logins: sign-ups (attempts) and
/// wrong access codes of hidden ticket types (failures).
pub struct ClientLimiter {
    windows: Windows,
    registrations_per_ip: u32,
    access_code_failures_per_ip: u32,
    resets_per_ip: u32,
    resets_per_address: u32,
}

impl ClientLimiter {
    pub fn new(c: &AppConfig) -> Self {
        Self {
            windows: Windows::new(c.login_window_secs),
            registrations_per_ip: c.register_max_per_ip,
            access_code_failures_per_ip: c.access_code_max_failures_per_ip,
            resets_per_ip: c.password_reset_max_per_ip,
            resets_per_address: c.password_reset_max_per_address,
        }
    }

    /// Counts a mailed-link request (password reset, verification again)
    /// from `ip` for `address`, refusing it over either limit, so that
    /// nobody can flood an inbox or the outbox.
    pub(crate) fn admit_password_reset(&self, ip: &str, address: &str, now: Timestamp) -> Result<()> {
        let ip_key = format!("reset-ip:{ip}");
        let address_key = format!("reset-to:{address}");
        if self.windows.count(&ip_key, now) >= self.resets_per_ip
            || self.windows.count(&address_key, now) >= self.resets_per_address
        {
            return Err(self.windows.refuse(now));
        }
        self.windows.bump(ip_key, now);
        self.windows.bump(address_key, now);
        Ok(())
    }

    /// Counts a verification e-mail for one account (at sign-up, which has
    /// its own per-client limit, or asked again), refusing it over the
    /// per-address limit.
    pub(crate) fn admit_verification(&self, account: &str, now: Timestamp) -> Result<()> {
        let key = format!("verify-to:{account}");
        if self.windows.count(&key, now) >= self.resets_per_address {
            return Err(self.windows.refuse(now));
        }
        self.windows.bump(key, now);
        Ok(())
    }

    fn admit_registration(&self, ip: &str, now: Timestamp) -> Result<()> {
        let key = format!("register:{ip}");
        if self.windows.count(&key, now) >= self.registrations_per_ip {
            return Err(self.windows.refuse(now));
        }
        self.windows.bump(key, now);
        Ok(())
    }

    /// "Find my order" requests, counted per client address against the
    /// same budget as sign-ups: each one may send an e-mail.
    pub(crate) fn admit_find_order(&self, ip: &str, now: Timestamp) -> Result<()> {
        let key = format!("find-order:{ip}");
        if self.windows.count(&key, now) >= self.registrations_per_ip {
            return Err(self.windows.refuse(now));
        }
        self.windows.bump(key, now);
        Ok(())
    }

    pub(crate) fn admit_access_code(&self, ip: &str, now: Timestamp) -> Result<()> {
        if self.windows.count(&format!("code:{ip}"), now) >= self.access_code_failures_per_ip {
            return Err(self.windows.refuse(now));
        }
        Ok(())
    }

    pub(crate) fn access_code_failed(&self, ip: &str, now: Timestamp) {
        self.windows.bump(format!("code:{ip}"), now);
    }
}

// --------------------------------------------------------------------- TOTP

/// RFC 6238 with the parameters every authenticator app uses: HMAC-SHA1,
/// 30-second steps, 6 digits.
pub mod totp {
    use super::*;

    pub const STEP_SECS: i64 = 30;

    pub fn code_at(secret: &[u8], step: i64) -> String {
        let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(secret).expect("HMAC takes keys of any length");
        mac.update(&step.to_be_bytes());
        let digest = mac.finalize().into_bytes();
        let offset = (digest[digest.len() - 1] & 0x0f) as usize;
        let bin = u32::from_be_bytes([digest[offset], digest[offset + 1], digest[offset + 2], digest[offset + 3]])
            & 0x7fff_ffff;
        format!("{:06}", bin % 1_000_000)
    }

    /// The step (previous, current or next, for clock drift) whose code
    /// matches, if any.
    pub fn matching_step(secret: &[u8], code: &str, now: Timestamp) -> Option<i64> {
        let code = code.trim();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let current = now.as_second().div_euclid(STEP_SECS);
        (current - 1..=current + 1).find(|&s| constant_time_eq(&code_at(secret, s), code))
    }

    pub fn decode_secret(b32: &str) -> Option<Vec<u8>> {
        data_encoding::BASE32_NOPAD.decode(b32.as_bytes()).ok()
    }
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TotpEnrollment {
    /// Base32 secret to type into an authenticator app.
    pub secret: String,
    /// `otpauth://` URI to show as a QR code.
    pub otpauth_uri: String,
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl App {
    fn new_session_values(&self) -> NewSession {
        NewSession {
            token: random_token(),
            csrf_token: random_token(),
            expires_at: self
                .now()
                .checked_add(jiff::SignedDuration::from_secs(self.config.session_ttl_secs))
                .unwrap_or(Timestamp::MAX),
        }
    }

    async fn start_session(&self, user: UserId) -> Result<NewSession> {
        let s = self.new_session_values();
        self.store.create_session(&hash_token(&s.token), user, &s.csrf_token, self.now(), s.expires_at).await?;
        Ok(s)
    }

    /// Creates an account (no role anywhere) and signs it in. Rate-limited
    /// per client address.
    ///
    /// The answer does not tell whether the address already has an account:
    /// for a taken address nothing is created and the caller gets an answer
    /// of the same shape, after the same password hashing, with a session
    /// that was never stored (so it signs nobody in). We cannot send e-mail
    /// here to tell the owner; see ARCHITECTURE.md's known limits.
    pub async fn register(&self, ip: &str, r: Registration) -> Result<(User, NewSession)> {
        self.register_in(ip, r, tessera_mail::Locale::En).await
    }

    /// [`register`](Self::register), with the verification e-mail of a new
    /// account in `locale`.
    pub async fn register_in(
        &self,
        ip: &str,
        r: Registration,
        locale: tessera_mail::Locale,
    ) -> Result<(User, NewSession)> {
        let now = self.now();
        self.clients.admit_registration(ip, now)?;
        let mut e = ValidationError::new();
        if let Err(m) = check_password(&r.password) {
            e.add_keyed("password", m);
        }
        check_text(&mut e, "name", &r.name, 1, 200);
        e.finish()?;
        let name = r.name.trim().to_string();
        let taken = self.store.user_by_email(&r.email).await?.is_some();
        let result = if taken {
            Err(AppError::Conflict { field: "email".into(), message: "taken".into() })
        } else {
            self.create_user(r.email.clone(), name.clone(), r.password.clone(), false).await
        };
        match result {
            Ok(user) => {
                let session = self.start_session(user.id).await?;
                // The address is not checked yet: send the link (a failure to
                // queue it must not undo the account; the holder can ask again).
                if let Err(e) = self.send_verification(&user, locale).await {
                    tracing::warn!(user = %user.id, error = %e, "verification e-mail not queued");
                }
                Ok((user, session))
            }
            // Taken (found above, or by a racing sign-up): the same answer, no account, no session.
            Err(AppError::Conflict { field, .. }) if field == "email" => {
                if taken {
                    // What creating the account would have cost.
                    hash_password(r.password).await?;
                }
                let user = User {
                    id: UserId::new(),
                    email: r.email,
                    name,
                    is_platform_admin: false,
                    totp_enabled: false,
                    email_verified: false,
                    created_at: now,
                };
                Ok((user, self.new_session_values()))
            }
            Err(other) => Err(other),
        }
    }

    /// Creates a user directly (the CLI's `user create`, demo data).
    pub async fn create_user(
        &self,
        email: Email,
        name: String,
        password: String,
        platform_admin: bool,
    ) -> Result<User> {
        check_password(&password).map_err(|m| AppError::invalid_keyed("password", m))?;
        let password_hash = hash_password(password).await?;
        Ok(self
            .store
            .create_user(NewUser {
                id: UserId::new(),
                email,
                name,
                password_hash,
                is_platform_admin: platform_admin,
                created_at: self.now(),
            })
            .await?)
    }

    /// Checks credentials (and the TOTP code when the account has one) and
    /// opens a session. Rate-limited per client IP and per account.
    pub async fn login(&self, ip: &str, c: Credentials) -> Result<(User, NewSession)> {
        let now = self.now();
        let account = c.email.trim().to_lowercase();
        self.limiter.admit(ip, &account, now)?;
        let auth = match Email::parse(&c.email) {
            Ok(email) => self.store.user_auth_by_email(&email).await?,
            Err(_) => None,
        };
        let hash = auth.as_ref().map_or_else(|| dummy_hash().to_string(), |a| a.password_hash.clone());
        let ok = verify_password(c.password, hash).await && auth.is_some();
        let Some(auth) = auth.filter(|_| ok) else {
            self.limiter.failed(ip, &account, now);
            return Err(AppError::InvalidCredentials);
        };
        if auth.user.totp_enabled {
            let Some(code) = c.totp_code.as_deref() else {
                return Err(AppError::TotpRequired);
            };
            let secret = auth.totp_secret.as_deref().and_then(totp::decode_secret).ok_or_else(|| {
                AppError::Internal(format!("user {} has TOTP enabled but no readable secret", auth.user.id))
            })?;
            let fresh = if crate::account::normalize_recovery_code(code).is_some() {
                // A recovery code instead of the app's code: each works once.
                self.use_recovery_code(auth.user.id, code).await?
            } else {
                match totp::matching_step(&secret, code, now) {
                    Some(s) => s > auth.totp_last_step && self.store.consume_totp_step(auth.user.id, s).await?,
                    None => false,
                }
            };
            if !fresh {
                self.limiter.failed(ip, &account, now);
                return Err(AppError::InvalidCredentials);
            }
        }
        let session = self.start_session(auth.user.id).await?;
        Ok((auth.user, session))
    }

    pub async fn logout(&self, session_token: &str) -> Result<()> {
        Ok(self.store.delete_session(&hash_token(session_token)).await?)
    }

    /// The user behind a session cookie and the session's CSRF token.
    pub async fn session_user(&self, session_token: &str) -> Result<Option<(User, String)>> {
        Ok(self.store.session(&hash_token(session_token), self.now()).await?.map(|s| (s.user, s.csrf_token)))
    }

    /// Checks a CSRF token against the session's, in constant time.
    pub fn csrf_matches(expected: &str, given: &str) -> bool {
        constant_time_eq(expected, given)
    }

    /// The API token behind a bearer value; revoked and expired ones are refused.
    ///
    /// A token never has more power than its creator has now: its role is
    /// lowered to the creator's current role in the organization, on every
    /// request, and a token whose creator is no longer a member is refused.
    pub async fn bearer_token(&self, bearer: &str) -> Result<ApiToken> {
        let mut token = self
            .store
            .token_by_hash(&hash_token(bearer))
            .await?
            .ok_or(AppError::Unauthenticated { code: "invalid_token", message: "unknown API token".into() })?;
        let now = self.now();
        if token.revoked_at.is_some() {
            return Err(AppError::Unauthenticated {
                code: "token_revoked",
                message: "this API token was revoked".into(),
            });
        }
        if token.expires_at.is_some_and(|e| e <= now) {
            return Err(AppError::Unauthenticated {
                code: "token_expired",
                message: "this API token has expired".into(),
            });
        }
        let Some(creator_role) = self.store.creator_role(token.org_id, token.created_by).await? else {
            return Err(AppError::Unauthenticated {
                code: "token_creator_gone",
                message: "the member who created this API token is no longer in the organization".into(),
            });
        };
        token.role = token.role.min(creator_role);
        self.store.touch_token(token.id, now).await?;
        Ok(token)
    }

    /// Starts TOTP enrolment: a new secret, stored but not yet required.
    pub async fn totp_setup(&self, user: &User) -> Result<TotpEnrollment> {
        if user.totp_enabled {
            return Err(AppError::Conflict {
                field: "totp".into(),
                message: "two-factor authentication is already enabled; disable it first".into(),
            });
        }
        let secret = data_encoding::BASE32_NOPAD.encode(&random_bytes::<20>());
        self.store.set_totp(user.id, Some(secret.clone()), false).await?;
        Ok(self.enrollment(user, secret))
    }

    fn enrollment(&self, user: &User, secret: String) -> TotpEnrollment {
        let label = percent_encode(&format!("{}:{}", self.config.totp_issuer, user.email));
        let otpauth_uri = format!(
            "otpauth://totp/{label}?secret={secret}&issuer={}&algorithm=SHA1&digits=6&period=30",
            percent_encode(&self.config.totp_issuer)
        );
        TotpEnrollment { secret, otpauth_uri }
    }

    /// The enrolment started and not yet confirmed, if any (the pages show
    /// it again until it is confirmed with a code).
    pub async fn totp_pending(&self, user: &User) -> Result<Option<TotpEnrollment>> {
        let auth = self.store.user_auth(user.id).await?.ok_or(AppError::NotFound)?;
        if auth.user.totp_enabled {
            return Ok(None);
        }
        Ok(auth.totp_secret.map(|secret| self.enrollment(&auth.user, secret)))
    }

    async fn check_user_totp(&self, user: UserId, code: &str) -> Result<()> {
        let auth = self.store.user_auth(user).await?.ok_or(AppError::NotFound)?;
        let secret = auth
            .totp_secret
            .as_deref()
            .and_then(totp::decode_secret)
            .ok_or_else(|| AppError::Conflict { field: "code".into(), message: "start enrolment first".into() })?;
        match totp::matching_step(&secret, code, self.now()) {
            Some(s) if s > auth.totp_last_step && self.store.consume_totp_step(user, s).await? => Ok(()),
            _ => Err(AppError::invalid_key("code", MessageKey::new("errors-wrong-code"), "wrong or already used code")),
        }
    }

    /// Finishes enrolment with a code from the app, proving it was set up.
    pub async fn totp_enable(&self, user: &User, code: &str) -> Result<()> {
        if user.totp_enabled {
            return Err(AppError::Conflict { field: "code".into(), message: "already enabled".into() });
        }
        self.check_user_totp(user.id, code).await?;
        let auth = self.store.user_auth(user.id).await?.ok_or(AppError::NotFound)?;
        self.store.set_totp(user.id, auth.totp_secret, true).await?;
        Ok(())
    }

    /// Turns TOTP off; needs a current code, so a stolen session alone cannot.
    pub async fn totp_disable(&self, user: &User, code: &str) -> Result<()> {
        if !user.totp_enabled {
            return Err(AppError::Conflict {
                field: "code".into(),
                message: "two-factor authentication is not enabled".into(),
            });
        }
        self.check_user_totp(user.id, code).await?;
        self.store.set_totp(user.id, None, false).await?;
        // Recovery codes belong to the enrolment they came with.
        self.store.replace_recovery_codes(user.id, &[], self.now()).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::totp;

    #[test]
    fn totp_matches_rfc_6238_vectors() {
        // RFC 6238 appendix B, SHA-1 secret "12345678901234567890", 8 digits
        // there; the 6-digit code is the last six of each.
        let secret = b"12345678901234567890";
        for (t, expect8) in
            [(59i64, "94287082"), (1111111109, "07081804"), (1234567890, "89005924"), (2000000000, "69279037")]
        {
            assert_eq!(totp::code_at(secret, t / 30), expect8[2..]);
        }
    }

    #[test]
    fn totp_accepts_one_step_of_drift_only() {
        let secret = b"12345678901234567890";
        let now: jiff::Timestamp = "2033-05-18T03:33:20Z".parse().unwrap(); // 2000000000
        let step = now.as_second() / 30;
        let current = totp::code_at(secret, step);
        assert_eq!(totp::matching_step(secret, &current, now), Some(step));
        assert_eq!(totp::matching_step(secret, &totp::code_at(secret, step - 1), now), Some(step - 1));
        assert_eq!(totp::matching_step(secret, &totp::code_at(secret, step + 2), now), None);
        assert_eq!(totp::matching_step(secret, "12345", now), None);
        assert_eq!(totp::matching_step(secret, "abcdef", now), None);
    }
}
