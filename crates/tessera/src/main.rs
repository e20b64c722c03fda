//! The `tessera` binary: configuration, telemetry, the composition root
//! (the only place that names a concrete backend, from the database URL),
//! and the command line.

mod config;
mod demo;
mod tls;

use anyhow::{Context, Result, anyhow};
use clap::{Parser, Subcommand};
use config::{Config, LogFormat};
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use tessera_app::{App, SystemClock};
use tessera_domain::account::Email;
use tessera_store::Store;
use tokio::sync::watch;

#[derive(Parser)]
#[command(name = "tessera", version, about = "Self-hosted electronic ticketing")]
struct Cli {
    /// A TOML configuration file (see `tessera config print-default`).
    #[arg(long, global = true, env = "TESSERA_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (the default).
    Serve {
        /// Seed a demo organization and print its organizer login.
        #[arg(long)]
        demo: bool,
        /// Serve HTTPS with a self-signed certificate (made once, kept in
        /// <data_dir>/tls/), so that phones on the same network can use the
        /// scanner's camera. Pair with TESSERA_LISTEN=0.0.0.0:8443.
        #[arg(long)]
        https: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Configuration helpers.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Ticket-signing keys.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Ticket codes.
    Ticket {
        #[command(subcommand)]
        command: TicketCommand,
    },
    /// Print the version.
    Version,
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Retire an organization's signing key and start signing with a new
    /// one; codes signed before keep verifying.
    Rotate {
        /// The organization's id.
        #[arg(long)]
        org: String,
    },
    /// Print an organization's public keys as a key file for `ticket verify`.
    Export {
        #[arg(long)]
        org: String,
    },
}

#[derive(Subcommand)]
enum TicketCommand {
    /// Verify a ticket code offline: no server, no database. Exits 0 when the
    /// code is genuine and not revoked, 1 otherwise.
    Verify {
        /// The code as scanned (TK1-...).
        code: String,
        /// A JSON key file: {"keys":[{"key_id","public_key"}]}, optionally with
        /// "revoked":[ticket ids] (the scanner sync answer is such a file).
        /// One bad entry refuses the whole file (exit 2); see
        /// docs/ticket-format.md, "Key files".
        #[arg(long)]
        keys: PathBuf,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a platform administrator.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Administrator")]
        name: String,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Print the default configuration as TOML.
    PrintDefault,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    tessera_remote::install_crypto_provider();
    let command = cli.command.unwrap_or(Command::Serve { demo: false, https: false });
    match command {
        Command::Version => {
            println!("tessera {}", env!("CARGO_PKG_VERSION"));
            return std::process::ExitCode::SUCCESS;
        }
        Command::Ticket { command: TicketCommand::Verify { code, keys } } => return verify_ticket(&code, &keys),
        Command::Config { command: ConfigCommand::PrintDefault } => {
            print!("{}", Config::default_toml());
            return std::process::ExitCode::SUCCESS;
        }
        _ => {}
    }
    let mut config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return std::process::ExitCode::from(2);
        }
    };
    init_tracing(&config);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match command {
            Command::Serve { demo, https } => {
                config.http.tls_self_signed |= https;
                serve(config, demo).await
            }
            Command::Migrate => migrate(config).await,
            Command::User { command: UserCommand::Create { email, name, password_stdin } } => {
                create_admin(config, email, name, password_stdin).await
            }
            Command::Keys { command } => keys(config, command).await,
            Command::Version | Command::Config { .. } | Command::Ticket { .. } => Ok(()),
        }
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn init_tracing(config: &Config) {
    let filter = std::env::var("RUST_LOG")
        .ok()
        .and_then(|f| f.parse::<tracing_subscriber::EnvFilter>().ok())
        .unwrap_or_else(|| tracing_subscriber::EnvFilter::new(&config.log.filter));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match config.log.format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

async fn open_store(config: &Config) -> Result<Store> {
    let url = config.database_url();
    let store = Store::connect(&url, &config.store()).await.with_context(|| {
        format!("cannot open the database ({:?} backend)", tessera_store::Backend::from_url(&url).ok())
    })?;
    store.migrate().await.context("cannot apply database migrations")?;
    Ok(store)
}

async fn migrate(config: Config) -> Result<()> {
    let store = open_store(&config).await?;
    let applied = store.applied_migrations().await?;
    println!("database is at migration {}", applied.last().copied().unwrap_or(0));
    store.close().await;
    Ok(())
}

/// `tessera ticket verify`: decodes and checks a code against a key file.
fn verify_ticket(code: &str, keys: &std::path::Path) -> std::process::ExitCode {
    let fail = |msg: String| {
        eprintln!("{msg}");
        std::process::ExitCode::from(2)
    };
    let text = match std::fs::read_to_string(keys) {
        Ok(t) => t,
        Err(e) => return fail(format!("--keys {}: {e}", keys.display())),
    };
    // The rules of docs/ticket-format.md, "Key files": one bad entry refuses
    // the whole file; the code is taken exactly as given (white space
    // around it is malformed, as the format says).
    let file = match tessera_ticket::KeyFile::from_json(&text) {
        Ok(f) => f,
        Err(e) => return fail(format!("--keys {}: {e}", keys.display())),
    };
    match file.ring.verify(code) {
        Ok(v) => {
            let c = &v.claims;
            let when = |t: Option<u32>| {
                t.and_then(|s| jiff::Timestamp::from_second(i64::from(s)).ok())
                    .map_or("-".to_string(), |t| t.to_string())
            };
            println!("ticket_id:      {}", c.ticket_id);
            println!("event_id:       {}", c.event_id);
            println!("ticket_type_id: {}", c.ticket_type_id);
            println!("issued_at:      {}", when(Some(c.issued_at)));
            println!("valid_from:     {}", when(c.valid_from));
            println!("valid_until:    {}", when(c.valid_until));
            println!("label:          {}", if c.label.is_empty() { "-" } else { &c.label });
            println!("key_id:         {}", v.key_id);
            if file.revoked.contains(&c.ticket_id) {
                println!("result:         revoked");
                return std::process::ExitCode::FAILURE;
            }
            let validity = match c.validity_at(jiff::Timestamp::now().as_second()) {
                tessera_ticket::Validity::Valid => "valid",
                tessera_ticket::Validity::NotYetValid => "valid signature, not valid yet",
                tessera_ticket::Validity::Expired => "valid signature, expired",
            };
            println!("result:         {validity}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            println!("result:         invalid ({e})");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn keys(config: Config, command: KeysCommand) -> Result<()> {
    let store = open_store(&config).await?;
    let master = config.master_key().map_err(|e| anyhow!(e))?;
    let app = App::new(store.clone(), Arc::new(SystemClock), config.app(master));
    let (KeysCommand::Rotate { org } | KeysCommand::Export { org }) = &command;
    let org: tessera_domain::OrgId = org.parse().map_err(|_| anyhow!("--org: not an organization id"))?;
    match command {
        KeysCommand::Rotate { .. } => {
            let key = app.rotate_signing_key_unchecked(org).await.map_err(|e| anyhow!("{e}"))?;
            println!("new signing key {} (public key {})", key.key_id, key.public_key);
        }
        KeysCommand::Export { .. } => {
            let keys: Vec<_> = store
                .signing_keys(org)
                .await?
                .iter()
                .map(|k| serde_json::json!({ "key_id": k.id, "public_key": k.public_key }))
                .collect();
            println!("{}", serde_json::to_string_pretty(&serde_json::json!({ "keys": keys }))?);
        }
    }
    store.close().await;
    Ok(())
}

async fn create_admin(config: Config, email: String, name: String, password_stdin: bool) -> Result<()> {
    let email = Email::parse(&email).map_err(|e| anyhow!("--email: {e}"))?;
    let (password, generated) = if password_stdin {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).context("reading the password from standard input")?;
        (s.trim_end_matches(['\r', '\n']).to_string(), false)
    } else {
        let mut b = [0u8; 15];
        getrandom::fill(&mut b).map_err(|e| anyhow!("random number generator: {e}"))?;
        (data_encoding::BASE64URL_NOPAD.encode(&b), true)
    };
    let store = open_store(&config).await?;
    let master = config.master_key().map_err(|e| anyhow!(e))?;
    let app = App::new(store.clone(), Arc::new(SystemClock), config.app(master));
    let user = app.create_user(email, name, password.clone(), true).await.map_err(|e| anyhow!("{e}"))?;
    println!("created platform administrator {} ({})", user.email, user.id);
    if generated {
        println!("password (shown once): {password}");
    }
    store.close().await;
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

async fn serve(mut config: Config, demo: bool) -> Result<()> {
    if demo {
        // The demo organization pays through the sandbox.
        config.payments.allow_sandbox = true;
    }
    let store = open_store(&config).await?;
    let master = config.master_key().map_err(|e| anyhow!(e))?;
    let app = App::new(store.clone(), Arc::new(SystemClock), config.app(master));
    if demo {
        let login = demo::seed(&app).await.context("seeding demo data")?;
        match &login.password {
            // .ci/run reads the password from this line of a fresh data directory.
            Some(password) => {
                println!("demo organization ready; organizer login: {} / {password}", login.email);
                if let Some(card) = &login.gift_card {
                    println!("demo gift card (50.00 EUR): {card}");
                }
            }
            None => println!(
                "demo organization ready; organizer login: {} (its password was printed when the demo was first \
                 created in this data directory)",
                login.email
            ),
        }
    }
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let addr = listener.local_addr()?;
    let identity = match (&config.http.tls_cert_file, &config.http.tls_key_file) {
        (Some(cert), Some(key)) => Some(tls::load(cert, key)?),
        (None, None) if config.http.tls_self_signed => Some(tls::self_signed(&config.data_dir.join("tls"), &[])?),
        (None, None) => None,
        _ => return Err(anyhow!("set both http.tls_cert_file and http.tls_key_file, or neither")),
    };
    let scheme = if identity.is_some() { "https" } else { "http" };
    // The "listening on" line comes last: scripts wait for it and may stop reading.
    if let Some(id) = &identity {
        println!("TLS certificate SHA-256 fingerprint: {}", id.fingerprint);
        if addr.ip().is_unspecified()
            && let Some(lan) = tls::lan_address()
        {
            println!("on a phone on this network, open {scheme}://{lan}:{}/scan", addr.port());
        }
    }
    tracing::info!(%addr, backend = ?store.backend(), scheme, "tessera listening");
    println!("tessera listening on {scheme}://{addr} (API reference: {scheme}://{addr}/api/v1/docs)");

    let (stop_tx, stop_rx) = watch::channel(false);
    let every = std::time::Duration::from_secs(config.inventory.sweep_interval_secs);
    let workers = tessera_app::outbox::spawn_workers(
        Arc::new(app.clone()),
        every.min(std::time::Duration::from_secs(2)),
        stop_rx.clone(),
    );
    let sweeper = tokio::spawn(sweep(app.clone(), every, stop_rx));
    let router = tessera_web::router(app, config.web());
    let shutdown = async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing in-flight requests");
        let _ = stop_tx.send(true);
    };
    match identity {
        Some(id) => {
            let tls = tessera_web::TlsListener::new(listener, tls::server_config(id)?)?;
            tessera_web::serve(tls, router, shutdown).await?
        }
        None => tessera_web::serve(listener, router, shutdown).await?,
    }
    let _ = sweeper.await;
    for w in workers {
        let _ = w.await;
    }
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Background upkeep (expired holds, idempotency keys, sessions) every
/// `every` until told to stop.
async fn sweep(app: App, every: std::time::Duration, mut stop: watch::Receiver<bool>) {
    loop {
        if let Err(e) = app.sweep_once().await {
            tracing::warn!(error = %e, "sweep failed");
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => return,
        }
    }
}
