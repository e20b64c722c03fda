//! The binary as a user runs it: subcommands, configuration errors, the
//! demo, graceful shutdown, and both backends.

mod checkin;
mod crash_retries;
mod payments;
mod sale;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tessera_store::testing::{drop_postgres_database, fresh_postgres_url, postgres_admin_url};

fn tessera() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tessera"));
    // Keep the test runner's own TESSERA_* settings out, except the ones set below.
    for (k, _) in std::env::vars() {
        if k.starts_with("TESSERA_") {
            c.env_remove(k);
        }
    }
    c.env("TESSERA_LOG__FILTER", "warn");
    // Several servers run at once in these tests; keep PostgreSQL's connection limit in reach.
    c.env("TESSERA_DATABASE__MAX_CONNECTIONS", "6");
    c
}

/// A new, empty working directory.
fn temp_dir() -> std::path::PathBuf {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let d = std::env::temp_dir().join("tessera-tests").join(format!("{}-{nanos}-{n}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn version_and_default_config() {
    let out = tessera().arg("version").output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), format!("tessera {}", env!("CARGO_PKG_VERSION")));
    let out = tessera().args(["config", "print-default"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("listen = \"127.0.0.1:8080\""), "{text}");
    assert!(text.contains("data_dir = \"./tessera-data\""), "{text}");
    // The printed file is itself a valid configuration.
    let dir = temp_dir();
    let file = dir.join("tessera.toml");
    std::fs::write(&file, text.as_bytes()).unwrap();
    let out = tessera().current_dir(&dir).args(["--config", file.to_str().unwrap(), "migrate"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.join("tessera-data/tessera.db").is_file(), "the default SQLite file lives in ./tessera-data");
}

#[test]
fn bad_configuration_stops_start_up_naming_the_key() {
    let dir = temp_dir();
    let cases: [(&str, &str, &str); 4] = [
        ("TESSERA_LISTEN", "not-an-address", "listen"),
        ("TESSERA_HTTP__BODY_LIMIT_BYTES", "lots", "http.body_limit_bytes"),
        ("TESSERA_DATABASE_URL", "mysql://localhost/x", "database_url"),
        ("TESSERA_LOG__FORMAT", "xml", "log.format"),
    ];
    for (var, value, key) in cases {
        let out = tessera().current_dir(&dir).env(var, value).arg("serve").output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{var}={value}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(key), "{var}={value}: {err}");
    }
    let file = dir.join("bad.toml");
    std::fs::write(&file, "lisen = \"127.0.0.1:9\"\n").unwrap();
    let out = tessera().current_dir(&dir).args(["--config", file.to_str().unwrap(), "serve"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("lisen"));
    let out = tessera().current_dir(&dir).args(["--config", "/nonexistent.toml", "serve"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Starts `tessera serve` on a free port and returns it with its base URL.
// The child is handed to the caller, which waits on it in `terminate`.
#[allow(clippy::zombie_processes)]
fn start(dir: &std::path::Path, extra: &[&str], db: Option<&str>) -> (std::process::Child, String, Vec<String>) {
    start_with(dir, extra, db, &[])
}

/// `start` with extra environment variables.
// The child is handed to the caller, which waits on it.
#[allow(clippy::zombie_processes)]
fn start_with(
    dir: &std::path::Path,
    extra: &[&str],
    db: Option<&str>,
    env: &[(&str, &str)],
) -> (std::process::Child, String, Vec<String>) {
    let mut cmd = tessera();
    cmd.envs(env.iter().copied());
    cmd.current_dir(dir).env("TESSERA_LISTEN", "127.0.0.1:0").arg("serve").args(extra);
    if let Some(url) = db {
        cmd.env("TESSERA_DATABASE_URL", url);
    }
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().unwrap();
    let mut lines = Vec::new();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let mut line = String::new();
        let read = reader.read_line(&mut line).unwrap();
        if let Some(rest) = line.split("listening on ").nth(1) {
            let base = rest.split_whitespace().next().unwrap().to_string();
            return (child, base, lines);
        }
        lines.push(line.trim().to_string());
        if read == 0 || Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the server did not start: {lines:?}");
        }
    }
}

fn get(url: &str) -> (u16, serde_json::Value) {
    tessera_remote::install_crypto_provider();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let r = reqwest::get(url).await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or_default())
    })
}

/// The status of `POST /api/v1/auth/login` with these credentials.
fn login_status(base: &str, email: &str, password: &str) -> u16 {
    tessera_remote::install_crypto_provider();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let body = serde_json::json!({"email": email, "password": password});
        let r = reqwest::Client::new().post(format!("{base}/api/v1/auth/login")).json(&body).send().await.unwrap();
        r.status().as_u16()
    })
}

fn terminate(mut child: std::process::Child) {
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "graceful shutdown exits 0, got {status}");
            return;
        }
        assert!(Instant::now() < deadline, "did not stop after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn demo_round_trip(db: Option<&str>) {
    let dir = temp_dir();
    let (child, base, lines) = start(&dir, &["--demo"], db);
    let login = lines.iter().find(|l| l.contains("organizer login")).expect("the demo prints a login");
    #[cfg(unix)]
    {
        // Nobody else on the machine reads the data: the directory is 0700,
        // the database and its WAL files 0600.
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: std::path::PathBuf| std::fs::metadata(&p).map(|m| m.permissions().mode() & 0o777);
        let data = dir.join("tessera-data");
        assert_eq!(mode(data.clone()).unwrap(), 0o700);
        assert_eq!(mode(data.join("master.key")).unwrap(), 0o600);
        if db.is_none() {
            assert_eq!(mode(data.join("tessera.db")).unwrap(), 0o600);
            for f in ["tessera.db-wal", "tessera.db-shm"] {
                if let Ok(m) = mode(data.join(f)) {
                    assert_eq!(m, 0o600, "{f}");
                }
            }
        }
    }
    let (status, events) = get(&format!("{base}/api/v1/events"));
    assert_eq!(status, 200);
    assert_eq!(events["items"].as_array().unwrap().len(), 5, "{events}");
    // Soonest first: tonight's rehearsal, whose tickets can be scanned at once.
    assert_eq!(events["items"][0]["title"], "Open Rehearsal", "{events}");
    let first = events["items"][0]["id"].as_str().unwrap();
    let (_, detail) = get(&format!("{base}/api/v1/events/{first}"));
    assert!(detail["ticket_types"][0]["available"].as_i64().unwrap() > 0);
    // The play is sold by seat: 700 seats, all free.
    let play = events["items"].as_array().unwrap().iter().find(|e| e["category"] == "theatre").expect("a play");
    let (status, seats) = get(&format!("{base}/api/v1/events/{}/seats", play["id"].as_str().unwrap()));
    assert_eq!(status, 200, "{seats}");
    assert_eq!(seats["statuses"].as_str().unwrap(), "a".repeat(700));
    terminate(child);
    // Starting again keeps the data and the password: it is not reset (nor
    // printed) again, and the first one still signs in.
    let password = login.rsplit(" / ").next().unwrap().trim().to_string();
    let (child, base, lines) = start(&dir, &["--demo"], db);
    let again = lines.iter().find(|l| l.contains("organizer login")).unwrap();
    assert!(!again.contains(" / ") && !again.contains(&password), "{again}");
    assert_eq!(get(&format!("{base}/api/v1/events")).1["items"].as_array().unwrap().len(), 5);
    let signed_in = login_status(&base, "organizer@demo.tessera.dev", &password);
    assert_eq!(signed_in, 200, "the password printed on first start still works");
    terminate(child);
}

#[test]
fn demo_serves_and_shuts_down_gracefully_on_sqlite() {
    demo_round_trip(None);
}

#[test]
fn demo_serves_and_shuts_down_gracefully_on_postgres() {
    let Some(admin) = postgres_admin_url("demo_serves_and_shuts_down_gracefully_on_postgres") else { return };
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let url = rt.block_on(fresh_postgres_url(&admin));
    demo_round_trip(Some(&url));
    rt.block_on(drop_postgres_database(&admin, &url));
}

#[test]
fn user_create_makes_a_platform_admin() {
    let dir = temp_dir();
    let mut child = tessera()
        .current_dir(&dir)
        .args(["user", "create", "--email", "root@example.org", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"a long enough password\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("created platform administrator root@example.org"));
    let out = tessera().current_dir(&dir).args(["user", "create", "--email", "root@example.org"]).output().unwrap();
    assert!(!out.status.success(), "the e-mail address is taken");
    let out = tessera().current_dir(&dir).args(["user", "create", "--email", "second@example.org"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("password (shown once): "));
    let out = tessera().current_dir(&dir).args(["user", "create", "--email", "nope"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--email"));
}

#[test]
fn https_serves_with_a_self_signed_certificate_kept_across_restarts() {
    tessera_remote::install_crypto_provider();
    let dir = temp_dir();
    let fetch = |url: String| {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            let client = reqwest::Client::builder().danger_accept_invalid_certs(true).build().unwrap();
            client.get(url).send().await.map(|r| r.status().as_u16())
        })
    };
    let cert = || {
        let found = walk(&dir).into_iter().find(|p| p.ends_with("tls/cert.pem")).expect("the certificate is kept");
        std::fs::read_to_string(found).unwrap()
    };
    let (child, base, lines) = start(&dir, &["--https"], None);
    assert!(base.starts_with("https://127.0.0.1:"), "{base}");
    assert!(lines.iter().any(|l| l.starts_with("TLS certificate SHA-256 fingerprint: ")), "{lines:?}");
    assert_eq!(fetch(format!("{base}/readyz")).unwrap(), 200);
    // Plain HTTP to the HTTPS port gets no answer (the handshake fails), and the server goes on.
    assert!(fetch(base.replace("https://", "http://") + "/readyz").is_err());
    assert_eq!(fetch(format!("{base}/readyz")).unwrap(), 200);
    let first = cert();
    assert!(first.starts_with("-----BEGIN CERTIFICATE-----"));
    terminate(child);
    let (child, base, _) = start(&dir, &["--https"], None);
    assert_eq!(fetch(format!("{base}/readyz")).unwrap(), 200);
    assert_eq!(cert(), first, "the same certificate after a restart, so phones need not accept a new one");
    terminate(child);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
