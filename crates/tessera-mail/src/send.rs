//! Sending over SMTP, with errors that say whether a retry can help.

use std::fmt;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::MailError;

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Plain text. Only for a relay on the same host or a test server.
    None,
    /// Plain connection upgraded with STARTTLS, which is then required
    /// (usually port 587).
    #[default]
    StartTls,
    /// TLS from the first byte ("implicit TLS", usually port 465).
    Tls,
}

/// Where and how to send, as read from the app's configuration.
///
/// `Debug` never shows the password.
#[derive(Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    #[serde(default = "default_port")]
    pub port: u16,
    #[serde(default)]
    pub security: Security,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default, skip_serializing)]
    pub password: Option<String>,
    #[serde(default = "default_from_name")]
    pub from_name: String,
    pub from_email: String,
    /// For connecting and for each command; the unit is in the name so a
    /// config file cannot be misread.
    #[serde(default = "default_timeout_secs")]
    pub timeout_secs: u64,
}

fn default_port() -> u16 {
    587
}

fn default_from_name() -> String {
    "Tessera".to_owned()
}

fn default_timeout_secs() -> u64 {
    30
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("from_name", &self.from_name)
            .field("from_email", &self.from_email)
            .field("timeout_secs", &self.timeout_secs)
            .finish()
    }
}

/// Why a message was not sent.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The server refused it with a 5xx reply: sending it again will fail
    /// again. Mark the outbox row failed and tell someone.
    #[error("the SMTP server refused the message ({code}): {message}")]
    Permanent { code: u16, message: String },
    /// A 4xx reply, a connection or TLS failure or a timeout: retry later,
    /// with backoff. `code` is the reply code when there was a reply.
    #[error("sending failed for now: {message}")]
    Transient { code: Option<u16>, message: String },
}

impl SendError {
    pub fn is_permanent(&self) -> bool {
        matches!(self, SendError::Permanent { .. })
    }

    /// The SMTP reply code, if the server replied.
    pub fn code(&self) -> Option<u16> {
        match self {
            SendError::Permanent { code, .. } => Some(*code),
            SendError::Transient { code, .. } => *code,
        }
    }

    fn from_smtp(err: &lettre::transport::smtp::Error) -> SendError {
        let code = err.status().map(u16::from);
        let message = err.to_string();
        match code {
            Some(code) if err.is_permanent() => SendError::Permanent { code, message },
            _ => SendError::Transient { code, message },
        }
    }
}

/// Sends composed messages to one SMTP server, one connection per message
/// (no pool, so no background task and nothing left running on drop).
/// Cheap to clone.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    server: String,
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mailer").field("server", &self.server).field("from", &self.from.to_string()).finish()
    }
}

impl Mailer {
    /// Checks the configuration and prepares the transport; connects only
    /// when the first message is sent.
    pub fn new(cfg: &SmtpConfig) -> Result<Mailer, MailError> {
        let from = crate::mailbox(&cfg.from_name, &cfg.from_email)?;
        if cfg.host.trim().is_empty() {
            return Err(MailError::Config("host is empty".to_owned()));
        }
        if cfg.timeout_secs == 0 {
            return Err(MailError::Config("timeout_secs must be at least 1".to_owned()));
        }
        let builder = match cfg.security {
            Security::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(cfg.host.as_str()),
            Security::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&cfg.host)
                .map_err(|e| MailError::Config(format!("TLS setup for {}: {e}", cfg.host)))?,
            Security::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&cfg.host)
                .map_err(|e| MailError::Config(format!("TLS setup for {}: {e}", cfg.host)))?,
        };
        let mut builder = builder.port(cfg.port).timeout(Some(Duration::from_secs(cfg.timeout_secs)));
        match (&cfg.username, &cfg.password) {
            (Some(user), Some(password)) => {
                builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
            }
            (None, None) => {}
            _ => return Err(MailError::Config("username and password go together".to_owned())),
        }
        Ok(Mailer { transport: builder.build(), from, server: format!("{}:{}", cfg.host, cfg.port) })
    }

    /// The sender from the configuration, for [`crate::compose`].
    pub fn from(&self) -> &Mailbox {
        &self.from
    }

    /// Sends one message to the recipients of its envelope.
    pub async fn send(&self, msg: Message) -> Result<(), SendError> {
        let message_id = msg.headers().get_raw("Message-ID").map(str::to_owned).unwrap_or_default();
        match self.transport.send(msg).await {
            Ok(response) => {
                tracing::debug!(%message_id, server = %self.server, code = %response.code(), "mail sent");
                Ok(())
            }
            Err(err) => {
                let err = SendError::from_smtp(&err);
                tracing::warn!(%message_id, server = %self.server, permanent = err.is_permanent(), error = %err, "mail not sent");
                Err(err)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> SmtpConfig {
        SmtpConfig {
            host: "smtp.example.org".to_owned(),
            port: 587,
            security: Security::StartTls,
            username: Some("tickets".to_owned()),
            password: Some("hunter2-secret".to_owned()),
            from_name: "Tessera".to_owned(),
            from_email: "tickets@example.org".to_owned(),
            timeout_secs: 30,
        }
    }

    #[test]
    fn config_reads_from_json_with_defaults() {
        let cfg: SmtpConfig =
            serde_json::from_str(r#"{"host": "mail.example.org", "from_email": "tickets@example.org"}"#).unwrap();
        assert_eq!((cfg.port, cfg.security, cfg.timeout_secs), (587, Security::StartTls, 30));
        assert_eq!(cfg.from_name, "Tessera");
        let cfg: SmtpConfig = serde_json::from_str(
            r#"{"host": "mail.example.org", "port": 465, "security": "tls", "username": "u", "password": "p",
                "from_name": "Box office", "from_email": "tickets@example.org", "timeout_secs": 5}"#,
        )
        .unwrap();
        assert_eq!((cfg.port, cfg.security, cfg.password.as_deref()), (465, Security::Tls, Some("p")));
        for security in ["none", "starttls"] {
            let json = format!(r#"{{"host": "h", "from_email": "a@b.c", "security": "{security}"}}"#);
            assert!(serde_json::from_str::<SmtpConfig>(&json).is_ok(), "{security}");
        }
        let typo = r#"{"host": "h", "from_email": "a@b.c", "pasword": "p"}"#;
        assert!(serde_json::from_str::<SmtpConfig>(typo).is_err(), "unknown keys are refused");
    }

    #[test]
    fn debug_never_prints_the_password() {
        let cfg = config();
        let shown = format!("{cfg:?} {:?}", Mailer::new(&cfg).unwrap());
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("<redacted>"));
    }

    #[test]
    fn config_rejects_half_credentials_and_bad_senders() {
        assert!(Mailer::new(&SmtpConfig { password: None, ..config() }).is_err());
        assert!(Mailer::new(&SmtpConfig { from_email: "not an address".to_owned(), ..config() }).is_err());
        assert!(Mailer::new(&SmtpConfig { from_name: "Box\r\nBcc: x@y.z".to_owned(), ..config() }).is_err());
        assert!(Mailer::new(&SmtpConfig { security: Security::Tls, port: 465, ..config() }).is_ok());
        assert!(
            Mailer::new(&SmtpConfig { security: Security::None, username: None, password: None, ..config() }).is_ok()
        );
    }
}
