//! Turning a [`Mail`] into a MIME message.

use lettre::Message;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart};

use crate::mail::{Mail, MailKind};
use crate::{MailError, content, render};

const MESSAGE_ID_MAX_LEN: usize = 200;
const MESSAGE_ID_DOMAIN: &str = "tessera";

/// Builds the sender's mailbox, refusing a name or address that would break
/// the `From` header.
pub fn mailbox(name: &str, email: &str) -> Result<Mailbox, MailError> {
    check_header_text("from name", name)?;
    check_header_text("from address", email)?;
    let address = email.parse().map_err(|_| MailError::InvalidAddress { field: "from address" })?;
    Ok(Mailbox::new(if name.is_empty() { None } else { Some(name.to_owned()) }, address))
}

/// Composes the mail: `multipart/alternative` with a plain-text and an HTML
/// part, inside `multipart/mixed` when a PDF is attached.
///
/// Sets `Message-ID: <{message_id}@tessera>` (stable across resends), `Date`
/// (now), `Auto-Submitted: auto-generated` (so that auto-responders stay
/// quiet, RFC 3834) and `Content-Language`.
///
/// Refuses, rather than sanitises, a recipient or sender name or address with
/// a control character in it: a line break there is an attempt to add
/// headers. Text that only reaches the subject (event names) has its control
/// characters turned into spaces instead, because an odd event name must not
/// stop every mail about that event.
pub fn compose(mail: &Mail, from: &Mailbox) -> Result<Message, MailError> {
    if let Some(name) = &from.name {
        check_header_text("from name", name)?;
    }
    check_header_text("to_name", &mail.to_name)?;
    check_header_text("to_email", &mail.to_email)?;
    check_message_id(&mail.message_id)?;
    check_urls(&mail.kind)?;
    let to_address = mail.to_email.parse().map_err(|_| MailError::InvalidAddress { field: "to_email" })?;
    let to_name = mail.to_name.trim();
    let to = Mailbox::new(if to_name.is_empty() { None } else { Some(to_name.to_owned()) }, to_address);

    let doc = content::build(mail);
    let body = MultiPart::alternative_plain_html(render::text(&doc), render::html(&doc));
    let body = match &mail.kind {
        MailKind::OrderConfirmation { pdf: Some(pdf), order_reference, .. } => MultiPart::mixed()
            .multipart(body)
            .singlepart(Attachment::new(format!("tickets-{}.pdf", file_stem(order_reference))).body(
                pdf.clone(),
                ContentType::parse("application/pdf").map_err(|e| MailError::Build(e.to_string()))?,
            )),
        _ => body,
    };

    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(one_line(&doc.title))
        .message_id(Some(format!("<{}@{MESSAGE_ID_DOMAIN}>", mail.message_id)))
        .date_now()
        .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("Auto-Submitted"), "auto-generated".to_owned()))
        .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("Content-Language"), mail.locale.tag().to_owned()))
        .multipart(body)
        .map_err(|e| MailError::Build(e.to_string()))
}

fn check_header_text(field: &'static str, value: &str) -> Result<(), MailError> {
    if value.chars().any(char::is_control) {
        return Err(MailError::HeaderInjection { field });
    }
    Ok(())
}

fn check_message_id(id: &str) -> Result<(), MailError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+');
    if id.is_empty() || id.len() > MESSAGE_ID_MAX_LEN || !id.chars().all(allowed) {
        return Err(MailError::InvalidMessageId);
    }
    Ok(())
}

fn check_urls(kind: &MailKind) -> Result<(), MailError> {
    let check = |field: &'static str, url: &str| {
        let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
        let clean = !url.chars().any(|c| c.is_whitespace() || c.is_control());
        if scheme_ok && clean && url.len() > "https://".len() { Ok(()) } else { Err(MailError::InvalidUrl { field }) }
    };
    match kind {
        MailKind::OrderConfirmation { order_url, tickets, calendar_url, .. } => {
            check("order_url", order_url)?;
            calendar_url.as_deref().map_or(Ok(()), |u| check("calendar_url", u))?;
            tickets.iter().try_for_each(|ticket| check("ticket url", &ticket.url))
        }
        MailKind::PaymentReminder { order_url, .. }
        | MailKind::RefundNotice { order_url, .. }
        | MailKind::EventReminder { order_url, .. }
        | MailKind::EventMoved { order_url, .. }
        | MailKind::FindOrder { order_url, .. } => check("order_url", order_url),
        MailKind::InvoiceIssued { invoice_url, .. } => check("invoice_url", invoice_url),
        MailKind::LatePaymentRefunded { .. } | MailKind::EventCancelled { .. } => Ok(()),
        MailKind::TransferOffer { accept_url, .. } => check("accept_url", accept_url),
        MailKind::TransferAccepted { order_url, .. } => check("order_url", order_url),
        MailKind::ResaleSold { order_url, .. } => check("order_url", order_url),
        MailKind::WaitlistOffer { order_url, .. } => check("order_url", order_url),
        MailKind::ProductsDelivery { order_url, account_url, .. } => {
            check("order_url", order_url)?;
            check("account_url", account_url)
        }
        MailKind::Account(a) => check("url", a.url()),
    }
}

/// Control characters (line breaks included) become spaces, runs of spaces
/// one space.
fn one_line(text: &str) -> String {
    let spaced: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Keeps a file name portable: letters, digits, `-` and `_` only.
fn file_stem(reference: &str) -> String {
    let stem: String =
        reference.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')).take(64).collect();
    if stem.is_empty() { "order".to_owned() } else { stem }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_are_one_line() {
        assert_eq!(one_line("Gala\r\nBcc: x@evil.test\t night"), "Gala Bcc: x@evil.test night");
    }

    #[test]
    fn attachment_names_are_portable() {
        assert_eq!(file_stem("AB-12_c"), "AB-12_c");
        assert_eq!(file_stem("../../etc/passwd"), "etcpasswd");
        assert_eq!(file_stem("订单"), "order");
    }

    #[test]
    fn message_ids_are_restricted() {
        assert!(check_message_id("0190f3a2-7b1c-7c3e-9d2a-1b2c3d4e5f60").is_ok());
        for bad in ["", "a b", "a>b", "a@b", "a\r\nb", &"x".repeat(201)] {
            assert!(check_message_id(bad).is_err(), "{bad:?}");
        }
    }
}
