//! The e-mails Tessera sends to buyers, and sending them over SMTP.
//!
//! The app fills a [`Mail`] from its own records, calls [`compose`] to get a
//! MIME [`Message`] and hands it to [`Mailer::send`] from its outbox worker;
//! a [`SendError`] says whether a retry can help. This crate has no database
//! and knows nothing of how orders are stored; it depends on
//! `tessera-domain` only for [`Money`](tessera_domain::money::Money), and must
//! never depend on the store, the app or the web crates.
//!
//! # Why hand-written rendering and not templates
//!
//! Each mail is a small [`render`] document of blocks (paragraphs, facts,
//! the order table, links, a button) holding plain text, rendered once as
//! text and once as HTML. That was chosen over askama templates because:
//! - both parts of a mail come from one description, so they cannot drift,
//!   and the twelve mails (six kinds, two languages) need no twenty-four
//!   template files;
//! - escaping happens in one function, for every string the HTML renderer
//!   writes; the markup around it is constant, so no template can forget a
//!   filter or mark something safe;
//! - no proc-macro and template recompiles.
//!
//! The words themselves are messages of the `mail` area of the catalogs
//! (`tessera-i18n`: `locales/en/mail.ftl`, `locales/zh-CN/mail.ftl`), with
//! names, amounts and dates as arguments; `content` builds each kind's
//! document from them.
//!
//! The HTML is a single column with inline styles only (mail clients drop
//! `<style>` and remote CSS), semantic elements (`<main>`, `<h1>`, tables
//! with `<th scope>` and `<caption>`), `lang` set, and no images at all.
//!
//! # Feature `testing`
//!
//! [`testing::SmtpSink`] runs a real SMTP server (Python's aiosmtpd,
//! installed on demand) for tests of this and other crates.

mod account;
mod compose;
mod content;
mod locale;
mod mail;
mod render;
mod send;

#[cfg(feature = "testing")]
pub mod testing;

pub use account::AccountMail;
pub use compose::{compose, mailbox};
pub use lettre::Message;
pub use lettre::message::Mailbox;
pub use locale::{Locale, format_date, format_datetime, format_money, money_pattern};
pub use mail::{Line, Mail, MailKind, PointsNote, TicketLink};
pub use send::{Mailer, Security, SendError, SmtpConfig};
/// A message of the catalogs in `locale`, for lines the caller adds to a mail.
pub use tessera_i18n::t as catalog_text;
/// A message of the catalogs with arguments, for lines the caller adds.
pub use tessera_i18n::{FluentValue, t_args as catalog_text_args};

/// Why a mail could not be composed or a [`Mailer`] not made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    /// A line break (or other control character) where it would end a
    /// header line and start another.
    #[error("{field} contains a line break or another control character")]
    HeaderInjection { field: &'static str },
    #[error("{field} is not a valid e-mail address")]
    InvalidAddress { field: &'static str },
    #[error("the message id must be 1 to 200 ASCII letters, digits, '.', '_', '-' or '+'")]
    InvalidMessageId,
    #[error("{field} must be an absolute http or https URL without spaces")]
    InvalidUrl { field: &'static str },
    #[error("the message could not be built: {0}")]
    Build(String),
    #[error("invalid SMTP configuration: {0}")]
    Config(String),
}
