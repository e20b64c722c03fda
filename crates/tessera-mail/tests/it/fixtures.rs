//! Sample mails of every kind, and parsing what was composed.

use jiff::Zoned;
use mail_parser::MessageParser;
use tessera_domain::money::{Currency, Money};
use tessera_mail::{Line, Locale, Mail, MailKind, Mailbox, TicketLink};

pub fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::parse("EUR").unwrap())
}

pub fn cny(minor: i64) -> Money {
    Money::new(minor, Currency::parse("CNY").unwrap())
}

pub fn evening() -> Zoned {
    "2026-12-12T19:30[Europe/Berlin]".parse().unwrap()
}

/// A tiny but well-formed-looking PDF; the mail only carries the bytes.
pub const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

pub fn confirmation(pdf: bool) -> MailKind {
    MailKind::OrderConfirmation {
        org_name: "Kammerspiele Nord".to_owned(),
        event_name: "The Winter's Tale".to_owned(),
        event_starts: evening(),
        venue_name: "Großer Saal".to_owned(),
        order_reference: "K7QX-42".to_owned(),
        lines: vec![
            Line { name: "Stalls".to_owned(), quantity: 2, unit_price: eur(4500), total: eur(9000) },
            Line { name: "Programme".to_owned(), quantity: 1, unit_price: eur(500), total: eur(500) },
        ],
        fees: eur(190),
        taxes: eur(0),
        total: eur(9690),
        order_url: "https://tickets.example.org/orders/K7QX-42?t=abc&x=1".to_owned(),
        calendar_url: None,
        tickets: vec![
            TicketLink {
                holder_name: "Ada Lovelace".to_owned(),
                label: "Stalls, Row C, Seat 12".to_owned(),
                url: "https://tickets.example.org/t/1".to_owned(),
            },
            TicketLink {
                holder_name: String::new(),
                label: "Stalls, Row C, Seat 13".to_owned(),
                url: "https://tickets.example.org/t/2".to_owned(),
            },
        ],
        pdf: pdf.then(|| PDF.to_vec()),
        points: None,
    }
}

pub fn all_kinds() -> Vec<MailKind> {
    vec![
        confirmation(true),
        MailKind::PaymentReminder {
            org_name: "Kammerspiele Nord".to_owned(),
            event_name: "The Winter's Tale".to_owned(),
            order_reference: "K7QX-43".to_owned(),
            total: eur(9690),
            due: "2026-12-01T23:59[Europe/Berlin]".parse().unwrap(),
            payment_reference: "TESSERA K7QX43".to_owned(),
            instructions: "IBAN DE02 1203 0000 0000 2020 51\nBIC BYLADEM1001\nAccount holder: Kammerspiele Nord e.V."
                .to_owned(),
            order_url: "https://tickets.example.org/orders/K7QX-43".to_owned(),
        },
        MailKind::RefundNotice {
            org_name: "Kammerspiele Nord".to_owned(),
            event_name: "The Winter's Tale".to_owned(),
            order_reference: "K7QX-42".to_owned(),
            amount: eur(4500),
            remaining_paid: eur(5190),
            reason: "One seat returned".to_owned(),
            order_url: "https://tickets.example.org/orders/K7QX-42".to_owned(),
        },
        MailKind::LatePaymentRefunded {
            org_name: "Kammerspiele Nord".to_owned(),
            event_name: "The Winter's Tale".to_owned(),
            order_reference: "K7QX-44".to_owned(),
            amount: eur(9690),
        },
        MailKind::EventReminder {
            org_name: "Kammerspiele Nord".to_owned(),
            event_name: "The Winter's Tale".to_owned(),
            starts: evening(),
            venue_name: "Großer Saal".to_owned(),
            order_reference: "K7QX-42".to_owned(),
            order_url: "https://tickets.example.org/orders/K7QX-42".to_owned(),
        },
        MailKind::EventCancelled {
            org_name: "Kammerspiele Nord".to_owned(),
            event_name: "The Winter's Tale".to_owned(),
            order_reference: "K7QX-42".to_owned(),
            refund_amount: eur(9690),
        },
        MailKind::EventMoved {
            org_name: "Kammerspiele Nord".to_owned(),
            event_name: "The Winter's Tale".to_owned(),
            starts: evening(),
            venue_name: "Großer Saal".to_owned(),
            order_reference: "K7QX-42".to_owned(),
            order_url: "https://tickets.example.org/orders/K7QX-42".to_owned(),
        },
    ]
}

pub fn mail(locale: Locale, kind: MailKind) -> Mail {
    Mail {
        to_name: "Ada Lovelace".to_owned(),
        to_email: "ada@example.org".to_owned(),
        locale,
        message_id: "0190f3a2-7b1c-7c3e-9d2a-1b2c3d4e5f60".to_owned(),
        kind,
    }
}

pub fn from() -> Mailbox {
    tessera_mail::mailbox("Kammerspiele Nord", "tickets@tessera.test").unwrap()
}

/// What a test wants to look at in a parsed message.
#[derive(Debug)]
pub struct Parsed {
    pub subject: String,
    pub text: String,
    pub html: String,
    pub message_id: String,
    pub to_name: Option<String>,
    pub to_address: String,
    pub auto_submitted: Option<String>,
    pub content_type: String,
    /// (file name, content type, bytes)
    pub attachments: Vec<(String, String, Vec<u8>)>,
}

pub fn parse(raw: &[u8]) -> Parsed {
    use mail_parser::MimeHeaders;
    let msg = MessageParser::default().parse(raw).expect("parses as a message");
    let to = msg.to().and_then(|to| to.first()).expect("has a To");
    let content_type =
        msg.content_type().map(|ct| format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or(""))).unwrap_or_default();
    Parsed {
        subject: msg.subject().unwrap_or_default().to_owned(),
        // Line ends are CRLF on the wire; the tests compare with \n.
        text: msg.body_text(0).expect("has a text part").replace("\r\n", "\n"),
        html: msg.body_html(0).expect("has an HTML part").replace("\r\n", "\n"),
        message_id: msg.message_id().unwrap_or_default().to_owned(),
        to_name: to.name().map(str::to_owned),
        to_address: to.address().unwrap_or_default().to_owned(),
        auto_submitted: msg.header_raw("Auto-Submitted").map(|v| v.trim().to_owned()),
        content_type,
        attachments: msg
            .attachments()
            .map(|part| {
                let ct = part
                    .content_type()
                    .map(|ct| format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or("")))
                    .unwrap_or_default();
                (part.attachment_name().unwrap_or_default().to_owned(), ct, part.contents().to_vec())
            })
            .collect(),
    }
}
