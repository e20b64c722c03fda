//! Tessera's use cases. Every request the web layer serves is one call here:
//! it authenticates the caller, asks [`authz`] whether the caller may act,
//! validates, and calls the store. The same calls serve the JSON API, the
//! HTML pages and the CLI, so no business rule lives anywhere else.
//!
//! This crate knows the store's API but no SQL, and nothing of HTTP.

pub mod account;
pub mod auth;
pub mod authz;
pub mod boxoffice;
pub mod catalog;
pub mod checkin;
pub mod clock;
pub mod giftcards;
mod group;
pub mod idempotency;
pub mod inventory;
pub mod invoices;
pub mod loyalty;
pub mod media;
pub mod members;
pub mod orgs;
pub mod outbox;
pub mod payments;
pub mod pricing;
pub mod reports;
pub mod resale;
pub mod seating;
mod secrets;
pub mod series;
pub mod tickets;
pub mod tiers;
pub mod transfers;
pub mod waitlist;

pub use authz::{Actor, OrgAccess};
pub use clock::{Clock, ManualClock, SystemClock};
pub use secrets::MasterKey;

use std::sync::Arc;
use tessera_domain::ValidationError;
use tessera_store::{Store, StoreError};

/// Settings the use cases need; the binary fills them from configuration.
#[derive(Debug, Clone)]
pub struct AppConfig {
    pub session_ttl_secs: i64,
    /// Failed logins allowed per (client IP, account) within `login_window_secs`.
    pub login_max_failures_per_account: u32,
    /// Login attempts allowed per client IP within `login_window_secs`.
    pub login_max_attempts_per_ip: u32,
    /// Failures of one account (from any address) in a window after which a
    /// client that has failed on it gets no further try in that window.
    pub login_account_slowdown_after: u32,
    /// The window of every rate limit (logins, sign-ups, access codes).
    pub login_window_secs: i64,
    /// Sign-ups allowed per client IP within `login_window_secs`.
    pub register_max_per_ip: u32,
    /// Wrong access codes (of hidden ticket types) allowed per client IP within `login_window_secs`.
    pub access_code_max_failures_per_ip: u32,
    /// Password-reset (and verification) e-mails asked for per client IP within `login_window_secs`.
    pub password_reset_max_per_ip: u32,
    /// Password-reset e-mails asked for per address (verification e-mails per account) within `login_window_secs`.
    pub password_reset_max_per_address: u32,
    /// Shown in authenticator apps next to the account name.
    pub totp_issuer: String,
    /// How long a reservation holds its inventory before it expires.
    pub hold_ttl_secs: i64,
    /// Seals signing keys at rest and derives ticket-page links.
    pub master_key: MasterKey,
    /// Where buyers reach this server (links in e-mails, payment redirects), without a trailing slash.
    pub public_url: String,
    /// Organizations may choose the sandbox provider (test payments that cost nothing).
    pub allow_sandbox_payments: bool,
    /// Stripe's API; tests point it at a loopback stand-in.
    pub stripe_api_base: String,
    /// How old a Stripe webhook's timestamp may be.
    pub stripe_tolerance_secs: i64,
    /// Stripe payments still open after this long are asked about.
    pub reconcile_after_secs: i64,
    /// Webhook endpoints may be plain http on loopback (development and tests).
    pub webhooks_allow_loopback: bool,
    /// Consecutive failed deliveries after which an endpoint is switched off.
    pub webhook_disable_after: i64,
    /// Sending e-mail; none configured means e-mails are logged and dropped.
    pub smtp: Option<tessera_mail::SmtpConfig>,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            session_ttl_secs: 14 * 24 * 3600,
            login_max_failures_per_account: 5,
            login_max_attempts_per_ip: 30,
            login_account_slowdown_after: 20,
            login_window_secs: 900,
            register_max_per_ip: 10,
            access_code_max_failures_per_ip: 10,
            password_reset_max_per_ip: 10,
            password_reset_max_per_address: 3,
            totp_issuer: "Tessera".into(),
            hold_ttl_secs: 600,
            master_key: MasterKey::default(),
            public_url: "http://127.0.0.1:8080".into(),
            allow_sandbox_payments: false,
            stripe_api_base: tessera_remote::stripe::DEFAULT_BASE_URL.into(),
            stripe_tolerance_secs: tessera_remote::stripe::DEFAULT_TOLERANCE_SECS,
            reconcile_after_secs: 15 * 60,
            webhooks_allow_loopback: false,
            webhook_disable_after: 20,
            smtp: None,
        }
    }
}

/// Everything a use case can fail with, in the domain's words. The web layer
/// maps each to one HTTP status and a stable `code`.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No valid session or token; `code` says which (`unauthenticated`, `token_revoked`, ...).
    #[error("{message}")]
    Unauthenticated { code: &'static str, message: String },
    #[error("wrong e-mail address, password or code")]
    InvalidCredentials,
    #[error("this account has two-factor authentication: a totp_code is required")]
    TotpRequired,
    #[error("{0}")]
    Forbidden(String),
    #[error("this organization requires two-factor authentication; enable it on your account first")]
    TwoFactorRequired,
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Invalid(ValidationError),
    #[error("{message}")]
    Conflict { field: String, message: String },
    /// Not enough inventory left; `available` is what remains.
    #[error("{message}")]
    SoldOut { field: String, available: i64, message: String },
    /// A sales rule refuses the request (`not_on_sale`, `limit_exceeded`, ...).
    #[error("{message}")]
    Rule { code: &'static str, field: String, message: String },
    /// The thing is not in a state that allows this (`hold_expired`, `already_paid`, ...).
    #[error("{message}")]
    StateConflict { code: &'static str, message: String },
    /// Another process is running the first request with this Idempotency-Key.
    #[error("a request with this Idempotency-Key is still being processed; retry in {retry_after_secs} s")]
    IdempotencyInProgress { retry_after_secs: u64 },
    #[error("too many attempts; retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// Something broke that the caller cannot fix; details go to the log only.
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    /// One field's message without a catalog id: prefer [`AppError::invalid_key`].
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(ValidationError::single(field, message))
    }

    /// One field's message of the catalogs, `english` being its English text.
    pub fn invalid_key(field: &str, key: tessera_domain::MessageKey, english: impl Into<String>) -> Self {
        AppError::Invalid(ValidationError::single_key(field, key, english))
    }

    /// One field's [`tessera_domain::Keyed`] message.
    pub fn invalid_keyed(field: &str, message: tessera_domain::Keyed) -> Self {
        AppError::Invalid(ValidationError::single_keyed(field, message))
    }
}

/// "1 to `max` seats".
pub(crate) fn seat_count(max: impl TryInto<i64>) -> tessera_domain::MessageKey {
    tessera_domain::MessageKey::new("errors-seat-count").num("min", 1).num("max", max)
}

impl From<ValidationError> for AppError {
    fn from(e: ValidationError) -> Self {
        AppError::Invalid(e)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict { field, message } => AppError::Conflict { field, message },
            StoreError::Invalid(v) => AppError::Invalid(v),
            other => AppError::Internal(other.to_string()),
        }
    }
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// The application: store, clock, settings and in-memory guards. Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<AppConfig>,
    limiter: Arc<auth::LoginLimiter>,
    clients: Arc<auth::ClientLimiter>,
    batcher: Arc<inventory::Batcher>,
    /// This process's Idempotency-Key claims and their renewal.
    leases: Arc<idempotency::Leases>,
    /// Online scans, group-committed per check-in list.
    scans: Arc<checkin::ScanBatcher>,
    /// Check-in lists as scans need them, by id, with when they were read.
    list_cache: Arc<std::sync::Mutex<checkin::ListCache>>,
    /// Parsed seat maps of seated events, by seating version (pages only).
    seat_layouts: Arc<seating::SeatLayouts>,
    /// Public keys by (organization, key id); keys never change once made.
    key_cache: Arc<
        std::sync::Mutex<
            std::collections::HashMap<
                (tessera_domain::OrgId, tessera_ticket::KeyId),
                tessera_ticket::Ed25519VerifyingKey,
            >,
        >,
    >,
}

impl App {
    pub fn new(store: Store, clock: Arc<dyn Clock>, config: AppConfig) -> Self {
        tessera_remote::install_crypto_provider();
        let limiter = Arc::new(auth::LoginLimiter::new(&config));
        let clients = Arc::new(auth::ClientLimiter::new(&config));
        let batcher = inventory::Batcher::new(store.clone(), clock.clone());
        let scans = checkin::scan_batcher(store.clone());
        Self {
            store,
            clock,
            config: Arc::new(config),
            limiter,
            clients,
            batcher,
            leases: idempotency::Leases::new(),
            scans,
            list_cache: Default::default(),
            seat_layouts: Default::default(),
            key_cache: Default::default(),
        }
    }

    pub fn now(&self) -> tessera_domain::Timestamp {
        self.clock.now()
    }
}
