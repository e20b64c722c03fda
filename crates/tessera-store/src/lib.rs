//! Tessera's storage: one [`Store`] whose methods are use-case sized, each
//! running its own transaction, over SQLite (embedded default) or PostgreSQL.
//!
//! Only this crate contains SQL. Both backends run the same statements (kept
//! to BIGINT and TEXT columns and syntax that SQLite, PostgreSQL and
//! PostgreSQL-compatible distributed databases share); where they must differ
//! the difference is spelled out against [`Backend`]. Each backend owns its
//! migrations (`migrations/sqlite`, `migrations/postgres`); a test keeps the
//! two version lists identical. No transaction type leaks out of this crate.

/// Builds SQL text from trusted fragments (column lists, table names chosen
/// by this crate, numbered placeholders); user input is always bound, never
/// formatted in.
macro_rules! dynsql {
    ($($t:tt)*) => { sqlx::AssertSqlSafe(format!($($t)*)) };
}

mod accounts;
mod catalog;
pub mod checkin;
pub mod dynamic;
pub mod giftcards;
mod idempotency;
pub mod inventory;
pub mod invoices;
pub mod loyalty;
pub mod media;
pub mod members;
pub mod payments;
pub mod pricing;
pub mod reports;
pub mod resale;
mod row;
pub mod seating;
pub mod series;
pub mod testing;
pub mod tiers;
pub mod transfers;
pub mod waitlist;

pub use accounts::{InvitationRecord, LinkPurpose, NewUser, SessionRecord, UserAuth};
pub use catalog::{EventFilter, EventPage, PublicEvent};
pub use checkin::{CheckinCounts, NewScan, ScanOutcome, ScanRecord, SigningKeyRecord, TicketRecord};
pub use idempotency::{IdemClaim, IdemRef, IdemRender, IdemWrite};
pub use inventory::{InventoryOp, NewOrder, OpError, OpResult};
pub use payments::{
    CancellationProgress, EndpointRecord, GiftCardPayment, LedgerEntry, NewPayment, NewRefund, OutboxMessage,
    OutboxRow, PaymentRecord, PaymentSettingsRecord, ProviderEvent, RefundRecord, WebhookAttempt,
};
pub use seating::{EventSeatingRecord, SeatChoice, SeatClaim, SeatHolder, SeatMapRecord};

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::sync::Once;
use std::time::Duration;
use tessera_domain::ValidationError;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database a [`Store`] talks to; chosen once, from the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::Config("database_url must start with sqlite: or postgres:".into()))
        }
    }

    fn migrator(self) -> &'static sqlx::migrate::Migrator {
        match self {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        }
    }
}

/// (version, description) of every migration a backend carries, in order.
pub fn migration_list(backend: Backend) -> Vec<(i64, String)> {
    backend.migrator().iter().map(|m| (m.version, m.description.to_string())).collect()
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was broken; `field` names the input at fault.
    #[error("{field}: {message}")]
    Conflict { field: String, message: String },
    /// The input refers to something that does not fit (another event's quota, ...).
    #[error("{0}")]
    Invalid(ValidationError),
    #[error("configuration: {0}")]
    Config(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("corrupt row: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// One field's message of the catalogs, `english` being its English text.
    pub(crate) fn invalid(field: &str, key: tessera_domain::MessageKey, english: impl Into<String>) -> Self {
        StoreError::Invalid(ValidationError::single_key(field, key, english))
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Turns a unique-constraint violation into a [`StoreError::Conflict`] on `field`.
pub(crate) fn unique_as(field: &'static str, message: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict { field: field.into(), message: message.into() }
        }
        _ => StoreError::Database(e),
    }
}

#[derive(Debug, Clone)]
pub struct StoreOptions {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self { max_connections: 16, acquire_timeout: Duration::from_secs(10) }
    }
}

/// The storage handle. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    backend: Backend,
    /// All writes go here. For SQLite it holds one connection, so writers
    /// queue in-process instead of fighting over the file lock.
    write: AnyPool,
    /// Reads go here. For PostgreSQL it is the same pool as `write`.
    read: AnyPool,
    /// Parsed seat maps of seated events, by event, with their seating version.
    seat_plans: seating::PlanCache,
    /// Seat statuses of seated events, by event, with the versions they match.
    seat_statuses: seating::StatusCache,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("backend", &self.backend).finish_non_exhaustive()
    }
}

static DRIVERS: Once = Once::new();

impl Store {
    /// Opens (and for SQLite creates) the database. Does not migrate.
    pub async fn connect(url: &str, opts: &StoreOptions) -> Result<Store> {
        DRIVERS.call_once(sqlx::any::install_default_drivers);
        let backend = Backend::from_url(url)?;
        match backend {
            Backend::Sqlite => {
                let url = sqlite_url_with_create(url)?;
                let connect = AnyConnectOptions::from_str(&url)?;
                let pragmas = sqlite_pragmas;
                let write = AnyPoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(opts.acquire_timeout)
                    .after_connect(pragmas)
                    .connect_with(connect.clone())
                    .await?;
                let read = AnyPoolOptions::new()
                    .max_connections(opts.max_connections.max(1))
                    .acquire_timeout(opts.acquire_timeout)
                    .after_connect(pragmas)
                    .connect_with(connect)
                    .await?;
                Ok(Store { backend, write, read, seat_plans: Default::default(), seat_statuses: Default::default() })
            }
            Backend::Postgres => {
                let connect = AnyConnectOptions::from_str(url)?;
                let pool = AnyPoolOptions::new()
                    .max_connections(opts.max_connections.max(2))
                    .acquire_timeout(opts.acquire_timeout)
                    .connect_with(connect)
                    .await?;
                Ok(Store {
                    backend,
                    write: pool.clone(),
                    read: pool,
                    seat_plans: Default::default(),
                    seat_statuses: Default::default(),
                })
            }
        }
    }

    /// Applies this backend's pending migrations. Safe to run concurrently
    /// from several processes (sqlx takes an advisory lock on PostgreSQL).
    pub async fn migrate(&self) -> Result<()> {
        self.backend.migrator().run(&self.write).await?;
        Ok(())
    }

    /// Versions already applied to the database, in order.
    pub async fn applied_migrations(&self) -> Result<Vec<i64>> {
        let rows: Vec<(i64,)> =
            sqlx::query_as("SELECT version FROM _sqlx_migrations WHERE success = TRUE ORDER BY version")
                .fetch_all(&self.read)
                .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A cheap round trip, for readiness checks.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.read).await?;
        Ok(())
    }

    /// (open, idle) connections of the write and read pools, for metrics.
    pub fn pool_stats(&self) -> [(&'static str, u32, usize); 2] {
        [("write", self.write.size(), self.write.num_idle()), ("read", self.read.size(), self.read.num_idle())]
    }

    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }
}

type PragmaFuture<'c> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), sqlx::Error>> + Send + 'c>>;

/// Per-connection SQLite settings.
fn sqlite_pragmas(conn: &mut sqlx::AnyConnection, _meta: sqlx::pool::PoolConnectionMetadata) -> PragmaFuture<'_> {
    Box::pin(async move {
        // WAL lets readers run beside the writer; FULL makes a commit durable
        // before anyone is told it happened.
        conn.execute("PRAGMA journal_mode = WAL").await?;
        conn.execute("PRAGMA synchronous = FULL").await?;
        conn.execute("PRAGMA foreign_keys = ON").await?;
        conn.execute("PRAGMA busy_timeout = 5000").await?;
        Ok(())
    })
}

/// Makes sure the SQLite file's directory exists and that the file is
/// created on first use.
fn sqlite_url_with_create(url: &str) -> Result<String> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" {
        return Err(StoreError::Config("database_url: an SQLite database needs a file path".into()));
    }
    if let Some(dir) = std::path::Path::new(path).parent().filter(|d| !d.as_os_str().is_empty()) {
        create_private_dir(dir)
            .map_err(|e| StoreError::Config(format!("database_url: cannot create {}: {e}", dir.display())))?;
    }
    create_private_file(std::path::Path::new(path))
        .map_err(|e| StoreError::Config(format!("database_url: cannot create {path}: {e}")))?;
    let mode = if query.contains("mode=") { String::new() } else { "mode=rwc".to_string() };
    let q = [query, &mode].iter().filter(|s| !s.is_empty()).cloned().collect::<Vec<_>>().join("&");
    Ok(format!("sqlite://{path}?{q}"))
}

/// Creates `dir` (and missing parents) readable by this user only (0700 on
/// Unix); a directory that exists is left as it is.
pub fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
}

/// Creates an empty database file readable by this user only (0600 on Unix)
/// if there is none, so SQLite opens it instead of creating it with the
/// umask's mode; SQLite gives its `-wal` and `-shm` files the database
/// file's mode. An existing file is left as it is.
fn create_private_file(path: &std::path::Path) -> std::io::Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    match o.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_carry_the_same_migrations() {
        let sqlite = migration_list(Backend::Sqlite);
        assert!(!sqlite.is_empty());
        assert_eq!(sqlite, migration_list(Backend::Postgres));
    }

    #[test]
    fn backend_is_chosen_from_the_url() {
        assert_eq!(Backend::from_url("sqlite://x.db").unwrap(), Backend::Sqlite);
        assert_eq!(Backend::from_url("postgres://h/db").unwrap(), Backend::Postgres);
        assert_eq!(Backend::from_url("postgresql://h/db").unwrap(), Backend::Postgres);
        assert!(Backend::from_url("mysql://h/db").is_err());
    }

    #[test]
    fn sqlite_urls_get_create_mode() {
        let dir = std::env::temp_dir().join(format!("tessera-url-{}", uuid::Uuid::now_v7()));
        let url = format!("sqlite://{}/t.db", dir.display());
        assert_eq!(sqlite_url_with_create(&url).unwrap(), format!("sqlite://{}/t.db?mode=rwc", dir.display()));
        assert!(dir.is_dir());
        std::fs::remove_dir_all(dir).unwrap();
        assert!(sqlite_url_with_create("sqlite::memory:").is_err());
    }
}
