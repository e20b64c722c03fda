//! A real SMTP server for tests: [`SmtpSink`].
//!
//! ```no_run
//! # async fn example() {
//! use tessera_mail::testing::SmtpSink;
//! let sink = SmtpSink::start();
//! let mailer = tessera_mail::Mailer::new(&sink.config()).unwrap();
//! // ... compose and send ...
//! let received = sink.wait_for(1, std::time::Duration::from_secs(10));
//! assert_eq!(received[0].rcpt_to, ["ada@example.org"]);
//! # }
//! ```
//!
//! The server is Python's aiosmtpd running `testdata/smtp_sink.py` (compiled
//! into this crate). aiosmtpd is installed on first use into a virtualenv,
//! `<target dir>/smtp-venv` (or `$TESSERA_SMTP_VENV`), with `python3 -m venv`
//! and pip from PyPI (`$TESSERA_PYTHON` overrides `python3`). Parallel tests,
//! also in other processes, take an exclusive lock on `smtp-venv.lock` while
//! they check or install, so only one installs. A marker file written after a
//! successful install makes the check cheap afterwards; a half-made venv (no
//! marker) is removed and made again.
//!
//! Recipients at `@reject.test` get a 550 reply and at `@defer.test` a 451,
//! to test error handling.

use std::fs::{self, File};
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::{Security, SmtpConfig};

/// The aiosmtpd release line the sink script is written against.
const AIOSMTPD_REQUIREMENT: &str = "aiosmtpd==1.4.*";
/// Written into the venv after a successful install; renamed when the
/// requirement changes, so an old venv is rebuilt.
const INSTALLED_MARKER: &str = "tessera-aiosmtpd-1.4.installed";
const SINK_SCRIPT: &str = include_str!("../testdata/smtp_sink.py");
const START_TIMEOUT: Duration = Duration::from_secs(30);
const POLL_INTERVAL: Duration = Duration::from_millis(20);

/// One message as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// The message as sent in DATA (headers and body, CRLF line ends).
    pub raw: Vec<u8>,
}

/// A running SMTP server on 127.0.0.1 that keeps every message it accepts.
/// The process is killed and its files removed on drop.
#[derive(Debug)]
pub struct SmtpSink {
    child: Child,
    // Held open: the script exits when it closes (also if this process dies).
    _stdin: Option<ChildStdin>,
    port: u16,
    dir: PathBuf,
}

impl SmtpSink {
    /// Installs aiosmtpd if needed, starts the server and waits until it
    /// accepts connections. Panics with the reason if it cannot: this is for
    /// tests.
    pub fn start() -> SmtpSink {
        let python = ensure_venv();
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "tessera-smtp-sink-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        let messages = dir.join("messages");
        fs::create_dir_all(&messages).unwrap_or_else(|e| panic!("creating {}: {e}", messages.display()));
        let script = dir.join("smtp_sink.py");
        fs::write(&script, SINK_SCRIPT).unwrap_or_else(|e| panic!("writing {}: {e}", script.display()));

        let mut child = Command::new(&python)
            .arg(&script)
            .arg(&messages)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {} {}: {e}", python.display(), script.display()));
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("stdout is piped");

        // The script prints its port once it listens. Read it on a thread so
        // that a script that hangs fails the test instead of blocking it.
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let mut sink = SmtpSink { child, _stdin: stdin, port: 0, dir };
        let line = rx.recv_timeout(START_TIMEOUT).unwrap_or_default();
        sink.port = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("the SMTP sink did not report its port (got {line:?}); its stderr is above"));

        let addr = SocketAddr::from(([127, 0, 0, 1], sink.port));
        let deadline = Instant::now() + START_TIMEOUT;
        while TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err() {
            assert!(Instant::now() < deadline, "the SMTP sink on port {} does not accept connections", sink.port);
            std::thread::sleep(POLL_INTERVAL);
        }
        sink
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// A configuration that sends to this sink: plain SMTP, no login.
    pub fn config(&self) -> SmtpConfig {
        SmtpConfig {
            host: "127.0.0.1".to_owned(),
            port: self.port,
            security: Security::None,
            username: None,
            password: None,
            from_name: "Tessera Tickets".to_owned(),
            from_email: "tickets@tessera.test".to_owned(),
            timeout_secs: 10,
        }
    }

    /// Every message received so far, in arrival order.
    pub fn received(&self) -> Vec<Received> {
        let dir = self.dir.join("messages");
        let mut envelopes: Vec<PathBuf> = fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "env"))
            .collect();
        envelopes.sort();
        envelopes.iter().map(|path| read_received(path)).collect()
    }

    /// Waits until at least `n` messages have arrived and returns them all.
    /// Panics after `timeout` with what did arrive.
    ///
    /// It blocks the calling thread (polling the sink's directory): in a
    /// `#[tokio::test]`, await the sends first, or call it through
    /// `spawn_blocking` if the mail is sent by a task still running.
    pub fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Received> {
        let deadline = Instant::now() + timeout;
        loop {
            let received = self.received();
            if received.len() >= n {
                return received;
            }
            assert!(
                Instant::now() < deadline,
                "expected {n} messages within {timeout:?}, the SMTP sink has {}",
                received.len()
            );
            std::thread::sleep(POLL_INTERVAL);
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn read_received(envelope: &Path) -> Received {
    let text = fs::read_to_string(envelope).unwrap_or_else(|e| panic!("reading {}: {e}", envelope.display()));
    let mut lines = text.lines().map(str::to_owned);
    let mail_from = lines.next().unwrap_or_default();
    let rcpt_to = lines.filter(|l| !l.is_empty()).collect();
    let eml = envelope.with_extension("eml");
    let raw = fs::read(&eml).unwrap_or_else(|e| panic!("reading {}: {e}", eml.display()));
    Received { mail_from, rcpt_to, raw }
}

/// Returns the venv's python, installing aiosmtpd first if needed.
fn ensure_venv() -> PathBuf {
    let venv =
        std::env::var_os("TESSERA_SMTP_VENV").map(PathBuf::from).unwrap_or_else(|| target_dir().join("smtp-venv"));
    let python = venv.join("bin").join("python");
    let marker = venv.join(INSTALLED_MARKER);
    if marker.exists() {
        return python;
    }
    if let Some(parent) = venv.parent() {
        fs::create_dir_all(parent).unwrap_or_else(|e| panic!("creating {}: {e}", parent.display()));
    }
    let lock_path = venv.with_extension("lock");
    let lock = File::create(&lock_path).unwrap_or_else(|e| panic!("creating {}: {e}", lock_path.display()));
    // Blocks while another test (thread or process) installs; the OS drops
    // the lock if that process dies.
    lock.lock().unwrap_or_else(|e| panic!("locking {}: {e}", lock_path.display()));
    if !marker.exists() {
        if venv.exists() {
            fs::remove_dir_all(&venv).unwrap_or_else(|e| panic!("removing half-made {}: {e}", venv.display()));
        }
        let system_python = std::env::var("TESSERA_PYTHON").unwrap_or_else(|_| "python3".to_owned());
        run(Command::new(&system_python).arg("-m").arg("venv").arg(&venv));
        run(Command::new(&python).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-input",
            AIOSMTPD_REQUIREMENT,
        ]));
        run(Command::new(&python).args(["-c", "import aiosmtpd.smtp"]));
        fs::write(&marker, AIOSMTPD_REQUIREMENT).unwrap_or_else(|e| panic!("writing {}: {e}", marker.display()));
    }
    drop(lock);
    python
}

fn run(command: &mut Command) {
    let status = command.status().unwrap_or_else(|e| panic!("running {command:?}: {e}"));
    assert!(status.success(), "{command:?} failed with {status}");
}

/// The cargo target directory the running test binary was built in
/// (`<target>/debug/deps/<test>`), or the temp directory when it cannot
/// be told.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().ok();
    let deps = exe.as_deref().and_then(Path::parent);
    match deps {
        Some(deps) if deps.file_name().is_some_and(|n| n == "deps") => {
            deps.parent().and_then(Path::parent).map(Path::to_path_buf).unwrap_or_else(std::env::temp_dir)
        }
        _ => std::env::temp_dir().join("tessera-target"),
    }
}
