//! Configuration: defaults in code, then an optional TOML file, then
//! `TESSERA_*` environment variables (nested keys joined by `__`, as in
//! `TESSERA_HTTP__BODY_LIMIT_BYTES`). Parsed once, at start-up; an unknown
//! key or a bad value stops the process with a message naming the key.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address and port to listen on.
    pub listen: SocketAddr,
    /// Where the embedded database and other local state live.
    pub data_dir: PathBuf,
    /// `sqlite://path` or `postgres://...`; defaults to an SQLite file in `data_dir`.
    pub database_url: Option<String>,
    pub log: LogConfig,
    pub http: HttpConfig,
    pub auth: AuthConfig,
    pub database: DatabaseConfig,
    pub inventory: InventoryConfig,
    pub secrets: SecretsConfig,
    pub payments: PaymentsConfig,
    pub webhooks: WebhooksConfig,
    /// Outgoing e-mail; without `[mail.smtp]` e-mails are logged and dropped.
    pub mail: MailConfig,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PaymentsConfig {
    /// Where buyers reach this server, for links in e-mails and payment
    /// redirects; defaults to http://<listen>.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
    /// Let organizations choose the sandbox provider (test payments that
    /// cost nothing). Keep it off in production; `serve --demo` turns it on.
    pub allow_sandbox: bool,
    /// Stripe's API (changed only to test against a stand-in).
    pub stripe_api_base: String,
    /// Stripe payments still open after this many seconds are asked about.
    pub reconcile_after_secs: i64,
}

impl Default for PaymentsConfig {
    fn default() -> Self {
        let a = tessera_app::AppConfig::default();
        Self {
            public_url: None,
            allow_sandbox: a.allow_sandbox_payments,
            stripe_api_base: a.stripe_api_base,
            reconcile_after_secs: a.reconcile_after_secs,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebhooksConfig {
    /// Allow plain-http endpoints on loopback (development only).
    pub allow_loopback: bool,
    /// Consecutive failed deliveries before an endpoint is switched off.
    pub disable_after: i64,
}

impl Default for WebhooksConfig {
    fn default() -> Self {
        let a = tessera_app::AppConfig::default();
        Self { allow_loopback: a.webhooks_allow_loopback, disable_after: a.webhook_disable_after }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MailConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smtp: Option<tessera_mail::SmtpConfig>,
}

#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SecretsConfig {
    /// Base64 of 32 random bytes. Seals ticket-signing keys at rest and
    /// derives ticket-page links; every process sharing a database needs the
    /// same one. Unset: read from (or created in) `<data_dir>/master.key`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub master_key: Option<String>,
}

impl std::fmt::Debug for SecretsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretsConfig").field("master_key", &self.master_key.as_ref().map(|_| "<redacted>")).finish()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InventoryConfig {
    /// How long a reservation holds its tickets before it expires.
    pub hold_ttl_secs: i64,
    /// How often expired holds are swept (they stop counting at expiry regardless).
    pub sweep_interval_secs: u64,
}

impl Default for InventoryConfig {
    fn default() -> Self {
        Self { hold_ttl_secs: tessera_app::AppConfig::default().hold_ttl_secs, sweep_interval_secs: 5 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    pub format: LogFormat,
    /// A tracing filter such as `info` or `tessera=debug,info`; RUST_LOG wins if set.
    pub filter: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpConfig {
    pub body_limit_bytes: usize,
    pub request_timeout_secs: u64,
    pub cookie_secure: bool,
    /// Serve HTTPS with this PEM certificate chain (and `tls_key_file`).
    pub tls_cert_file: Option<std::path::PathBuf>,
    pub tls_key_file: Option<std::path::PathBuf>,
    /// Serve HTTPS with a self-signed certificate kept in `<data_dir>/tls/`
    /// (`serve --https`): for phones on the same network, which need HTTPS
    /// for the scanner's camera.
    pub tls_self_signed: bool,
    /// Send `Strict-Transport-Security`; on by default when `public_url` is
    /// https and the certificate is not self-signed.
    pub hsts: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthConfig {
    pub session_ttl_secs: i64,
    pub login_max_failures_per_account: u32,
    pub login_max_attempts_per_ip: u32,
    pub login_account_slowdown_after: u32,
    pub login_window_secs: i64,
    pub register_max_per_ip: u32,
    pub access_code_max_failures_per_ip: u32,
    pub password_reset_max_per_ip: u32,
    pub password_reset_max_per_address: u32,
    pub totp_issuer: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    pub max_connections: u32,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./tessera-data"),
            database_url: None,
            log: LogConfig::default(),
            http: HttpConfig::default(),
            auth: AuthConfig::default(),
            database: DatabaseConfig::default(),
            inventory: InventoryConfig::default(),
            secrets: SecretsConfig::default(),
            payments: PaymentsConfig::default(),
            webhooks: WebhooksConfig::default(),
            mail: MailConfig::default(),
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        Self { format: LogFormat::Text, filter: "info".into() }
    }
}

impl Default for HttpConfig {
    fn default() -> Self {
        let w = tessera_web::WebConfig::default();
        Self {
            body_limit_bytes: w.body_limit_bytes,
            request_timeout_secs: w.request_timeout.as_secs(),
            cookie_secure: w.cookie_secure,
            tls_cert_file: None,
            tls_key_file: None,
            tls_self_signed: false,
            hsts: None,
        }
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        let a = tessera_app::AppConfig::default();
        Self {
            session_ttl_secs: a.session_ttl_secs,
            login_max_failures_per_account: a.login_max_failures_per_account,
            login_max_attempts_per_ip: a.login_max_attempts_per_ip,
            login_account_slowdown_after: a.login_account_slowdown_after,
            login_window_secs: a.login_window_secs,
            register_max_per_ip: a.register_max_per_ip,
            access_code_max_failures_per_ip: a.access_code_max_failures_per_ip,
            password_reset_max_per_ip: a.password_reset_max_per_ip,
            password_reset_max_per_address: a.password_reset_max_per_address,
            totp_issuer: a.totp_issuer,
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self { max_connections: 16 }
    }
}

/// Database URLs carry passwords: show the scheme and host only.
fn redact_url(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
            let host = host.split(['/', '?']).next().unwrap_or("");
            format!("{scheme}://{}{host}/...", if rest.contains('@') { "***@" } else { "" })
        }
        None => "***".into(),
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field("database_url", &self.database_url.as_deref().map(redact_url))
            .field("log", &self.log)
            .field("http", &self.http)
            .field("auth", &self.auth)
            .field("database", &self.database)
            .field("inventory", &self.inventory)
            .field("secrets", &self.secrets)
            .finish()
    }
}

/// Environment variables that share the prefix but are not configuration:
/// the config file's path, and the test suite's `TESSERA_TEST_*` switches.
fn is_config_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key != "config" && !key.starts_with("test_")
}

impl Config {
    /// Defaults, then `file` if given, then the environment.
    pub fn load(file: Option<&Path>) -> Result<Config, String> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            if !path.is_file() {
                return Err(format!("config file {} does not exist", path.display()));
            }
            fig = fig.merge(Toml::file(path));
        }
        fig = fig.merge(Env::prefixed("TESSERA_").split("__").filter(|k| is_config_key(k.as_str())));
        let config: Config =
            fig.extract().map_err(|e| e.into_iter().map(|e| describe(&e)).collect::<Vec<_>>().join("\n"))?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), String> {
        let mut errs = Vec::new();
        if let Some(Err(e)) = self.database_url.as_deref().map(tessera_store::Backend::from_url) {
            errs.push(format!("database_url: {e}"));
        }
        let positive = [
            ("http.body_limit_bytes", self.http.body_limit_bytes as i64),
            ("http.request_timeout_secs", self.http.request_timeout_secs as i64),
            ("auth.session_ttl_secs", self.auth.session_ttl_secs),
            ("auth.login_max_failures_per_account", i64::from(self.auth.login_max_failures_per_account)),
            ("auth.login_max_attempts_per_ip", i64::from(self.auth.login_max_attempts_per_ip)),
            ("auth.login_account_slowdown_after", i64::from(self.auth.login_account_slowdown_after)),
            ("auth.register_max_per_ip", i64::from(self.auth.register_max_per_ip)),
            ("auth.access_code_max_failures_per_ip", i64::from(self.auth.access_code_max_failures_per_ip)),
            ("auth.password_reset_max_per_ip", i64::from(self.auth.password_reset_max_per_ip)),
            ("auth.password_reset_max_per_address", i64::from(self.auth.password_reset_max_per_address)),
            ("auth.login_window_secs", self.auth.login_window_secs),
            ("database.max_connections", i64::from(self.database.max_connections)),
            ("inventory.hold_ttl_secs", self.inventory.hold_ttl_secs),
            ("inventory.sweep_interval_secs", self.inventory.sweep_interval_secs as i64),
        ];
        for (key, v) in positive {
            if v <= 0 {
                errs.push(format!("{key}: must be greater than 0"));
            }
        }
        if let Some(Err(e)) = self.secrets.master_key.as_deref().map(tessera_app::MasterKey::from_base64) {
            errs.push(format!("secrets.master_key: {e}"));
        }
        if self.log.filter.parse::<tracing_subscriber::EnvFilter>().is_err() {
            errs.push(format!("log.filter: `{}` is not a valid tracing filter", self.log.filter));
        }
        if errs.is_empty() { Ok(()) } else { Err(errs.join("\n")) }
    }

    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("tessera.db").display()))
    }

    pub fn web(&self) -> tessera_web::WebConfig {
        tessera_web::WebConfig {
            body_limit_bytes: self.http.body_limit_bytes,
            request_timeout: std::time::Duration::from_secs(self.http.request_timeout_secs),
            cookie_secure: self.http.cookie_secure,
            public_https: self
                .payments
                .public_url
                .as_deref()
                .is_some_and(|u| u.to_ascii_lowercase().starts_with("https://")),
            hsts: self.http.hsts.unwrap_or_else(|| {
                !self.http.tls_self_signed
                    && self
                        .payments
                        .public_url
                        .as_deref()
                        .is_some_and(|u| u.to_ascii_lowercase().starts_with("https://"))
            }),
        }
    }

    /// The master key: from configuration, else from `<data_dir>/master.key`,
    /// which is created (readable by the owner only) on first use.
    pub fn master_key(&self) -> Result<tessera_app::MasterKey, String> {
        if let Some(k) = &self.secrets.master_key {
            return tessera_app::MasterKey::from_base64(k).map_err(|e| format!("secrets.master_key: {e}"));
        }
        let path = self.data_dir.join("master.key");
        match std::fs::read_to_string(&path) {
            Ok(text) => tessera_app::MasterKey::from_base64(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                tessera_store::create_private_dir(&self.data_dir)
                    .map_err(|e| format!("cannot create {}: {e}", self.data_dir.display()))?;
                let key = tessera_app::MasterKey::default();
                let mut opts = std::fs::OpenOptions::new();
                opts.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
                match opts.open(&path) {
                    Ok(mut f) => {
                        use std::io::Write;
                        f.write_all(format!("{}\n", key.to_base64()).as_bytes())
                            .and_then(|_| f.sync_all())
                            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                        Ok(key)
                    }
                    // Another process created it first: use theirs.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => self.master_key(),
                    Err(e) => Err(format!("cannot create {}: {e}", path.display())),
                }
            }
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    pub fn app(&self, master_key: tessera_app::MasterKey) -> tessera_app::AppConfig {
        tessera_app::AppConfig {
            session_ttl_secs: self.auth.session_ttl_secs,
            login_max_failures_per_account: self.auth.login_max_failures_per_account,
            login_max_attempts_per_ip: self.auth.login_max_attempts_per_ip,
            login_account_slowdown_after: self.auth.login_account_slowdown_after,
            login_window_secs: self.auth.login_window_secs,
            register_max_per_ip: self.auth.register_max_per_ip,
            access_code_max_failures_per_ip: self.auth.access_code_max_failures_per_ip,
            password_reset_max_per_ip: self.auth.password_reset_max_per_ip,
            password_reset_max_per_address: self.auth.password_reset_max_per_address,
            totp_issuer: self.auth.totp_issuer.clone(),
            hold_ttl_secs: self.inventory.hold_ttl_secs,
            master_key,
            public_url: self
                .payments
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{}", self.listen))
                .trim_end_matches('/')
                .to_string(),
            allow_sandbox_payments: self.payments.allow_sandbox,
            stripe_api_base: self.payments.stripe_api_base.clone(),
            stripe_tolerance_secs: tessera_app::AppConfig::default().stripe_tolerance_secs,
            reconcile_after_secs: self.payments.reconcile_after_secs,
            webhooks_allow_loopback: self.webhooks.allow_loopback,
            webhook_disable_after: self.webhooks.disable_after,
            smtp: self.mail.smtp.clone(),
        }
    }

    pub fn store(&self) -> tessera_store::StoreOptions {
        tessera_store::StoreOptions { max_connections: self.database.max_connections, ..Default::default() }
    }

    /// The defaults as a TOML file, for `tessera config print-default`.
    pub fn default_toml() -> String {
        let body = toml::to_string_pretty(&Config::default()).unwrap_or_default();
        format!(
            "# Tessera configuration. Every key is optional; shown are the defaults.\n\
             # Environment variables override the file: TESSERA_LISTEN, TESSERA_DATABASE_URL,\n\
             # TESSERA_HTTP__BODY_LIMIT_BYTES, ... (nested keys joined by a double underscore).\n\
             # database_url defaults to sqlite://<data_dir>/tessera.db; for PostgreSQL use\n\
             # database_url = \"postgres://user:password@host/dbname\"\n\n{body}"
        )
    }
}

/// One figment error as "key: problem (source)".
fn describe(e: &figment::Error) -> String {
    let key = if e.path.is_empty() { "configuration".to_string() } else { e.path.join(".") };
    let source = e
        .metadata
        .as_ref()
        .map(|m| match &m.source {
            Some(src) => format!(" (from {} {src})", m.name),
            None => format!(" (from {})", m.name),
        })
        .unwrap_or_default();
    format!("invalid configuration: {key}: {}{source}", e.kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_round_trip_through_the_printed_file() {
        let text = Config::default_toml();
        let parsed: Config = Figment::from(Toml::string(&text)).extract().unwrap();
        assert_eq!(parsed.listen, Config::default().listen);
        assert_eq!(parsed.database_url(), "sqlite://./tessera-data/tessera.db");
    }

    #[test]
    fn unknown_and_bad_keys_are_named() {
        let err = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::string("lisen = \"127.0.0.1:1\""))
            .extract::<Config>()
            .unwrap_err();
        assert!(err.to_string().contains("lisen"), "{err}");
        let err = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::string("[http]\nbody_limit_bytes = \"big\""))
            .extract::<Config>()
            .unwrap_err();
        assert_eq!(
            describe(&err).split(':').nth(1).map(str::trim),
            Some("http.body_limit_bytes"),
            "{}",
            describe(&err)
        );
        let mut c = Config { database_url: Some("mysql://x".into()), ..Config::default() };
        c.auth.login_window_secs = 0;
        let msg = c.validate().unwrap_err();
        assert!(msg.contains("database_url") && msg.contains("auth.login_window_secs"), "{msg}");
    }

    #[test]
    fn debug_output_hides_database_passwords() {
        let c = Config {
            database_url: Some("postgres://tessera:hunter2@db.internal:5432/tessera".into()),
            ..Config::default()
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("db.internal"));
        let c = Config {
            secrets: SecretsConfig { master_key: Some(tessera_app::MasterKey::default().to_base64()) },
            ..Config::default()
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains(c.secrets.master_key.as_deref().unwrap()), "{shown}");
        assert!(shown.contains("<redacted>"));
        let bad = Config { secrets: SecretsConfig { master_key: Some("short".into()) }, ..Config::default() };
        assert!(bad.validate().unwrap_err().contains("secrets.master_key"));
    }
}
