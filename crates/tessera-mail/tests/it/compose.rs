//! Composing: every kind in both languages, escaping, header injection.

use tessera_mail::{Locale, MailError, MailKind, compose};

use crate::fixtures::{self, PDF, all_kinds, cny, from, mail, parse};

#[test]
fn every_kind_composes_in_both_languages() {
    for locale in [Locale::En, Locale::ZhCn] {
        for kind in all_kinds() {
            let name = format!("{locale:?} {kind:?}").chars().take(60).collect::<String>();
            let msg = compose(&mail(locale, kind.clone()), &from()).unwrap_or_else(|e| panic!("{name}: {e}"));
            let parsed = parse(&msg.formatted());
            assert_eq!(parsed.to_address, "ada@example.org", "{name}");
            assert_eq!(parsed.to_name.as_deref(), Some("Ada Lovelace"), "{name}");
            assert_eq!(parsed.message_id, "0190f3a2-7b1c-7c3e-9d2a-1b2c3d4e5f60@tessera", "{name}");
            assert_eq!(parsed.auto_submitted.as_deref(), Some("auto-generated"), "{name}");
            assert!(parsed.subject.contains("The Winter's Tale") || parsed.subject.contains("K7QX-44"), "{name}");
            assert!(parsed.html.contains(&format!("<html lang=\"{}\">", locale.tag())), "{name}");
            assert!(parsed.html.contains("The Winter&#39;s Tale"), "{name}: {}", parsed.html);
            assert!(parsed.text.contains("The Winter's Tale"), "{name}");
            assert!(!parsed.html.contains("<img"), "{name}: no images, remote or not");
            let chinese = parsed.subject.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
            assert_eq!(chinese, locale == Locale::ZhCn, "{name}: {}", parsed.subject);
            // The money in both parts, formatted for the language.
            let total = match locale {
                Locale::En => "€96.90",
                Locale::ZhCn => "96.90 EUR",
            };
            if !matches!(
                kind,
                MailKind::RefundNotice { .. } | MailKind::EventReminder { .. } | MailKind::EventMoved { .. }
            ) {
                assert!(parsed.text.contains(total) && parsed.html.contains(total), "{name}: {}", parsed.text);
            }
        }
    }
}

#[test]
fn confirmation_reads_well_in_english() {
    let msg = compose(&mail(Locale::En, fixtures::confirmation(false)), &from()).unwrap();
    let parsed = parse(&msg.formatted());
    assert_eq!(parsed.subject, "Order confirmation: The Winter's Tale (order K7QX-42)");
    assert_eq!(parsed.content_type, "multipart/alternative");
    assert!(parsed.attachments.is_empty());
    for expected in [
        "Hello Ada Lovelace,",
        "When: Sat 12 Dec 2026, 19:30 CET",
        "Where: Großer Saal",
        "- Stalls × 2, Unit price €45.00, Amount €90.00",
        "Fees: €1.90",
        "Total: €96.90",
        "- Ada Lovelace – Stalls, Row C, Seat 12: https://tickets.example.org/t/1",
        "- Stalls, Row C, Seat 13: https://tickets.example.org/t/2",
        "View your order: https://tickets.example.org/orders/K7QX-42?t=abc&x=1",
    ] {
        assert!(parsed.text.contains(expected), "missing {expected:?} in\n{}", parsed.text);
    }
    // The URL's & is escaped inside the attribute.
    assert!(parsed.html.contains("href=\"https://tickets.example.org/orders/K7QX-42?t=abc&amp;x=1\""));
    assert!(parsed.html.contains("<caption"));
    assert!(parsed.html.contains("<th scope=\"col\""));
}

#[test]
fn confirmation_reads_well_in_chinese_with_yuan() {
    let mut kind = fixtures::confirmation(true);
    if let MailKind::OrderConfirmation { lines, fees, taxes, total, .. } = &mut kind {
        for line in lines.iter_mut() {
            line.unit_price = cny(line.unit_price.amount_minor);
            line.total = cny(line.total.amount_minor);
        }
        *fees = cny(190);
        *taxes = cny(0);
        *total = cny(9690);
    }
    let msg = compose(&mail(Locale::ZhCn, kind), &from()).unwrap();
    let parsed = parse(&msg.formatted());
    assert_eq!(parsed.subject, "订单确认：The Winter's Tale（订单号 K7QX-42）");
    assert_eq!(parsed.content_type, "multipart/mixed");
    for expected in ["Ada Lovelace，您好！", "时间：2026年12月12日 星期六 19:30 CET", "合计：¥96.90", "查看订单："]
    {
        assert!(parsed.text.contains(expected), "missing {expected:?} in\n{}", parsed.text);
    }
    assert_eq!(parsed.attachments.len(), 1);
    let (name, content_type, bytes) = &parsed.attachments[0];
    assert_eq!(name, "tickets-K7QX-42.pdf");
    assert_eq!(content_type, "application/pdf");
    assert_eq!(bytes.as_slice(), PDF);
}

#[test]
fn untrusted_names_are_escaped_in_html_and_harmless_in_text() {
    let evil = "<script>alert('x')</script> & \"friends\"";
    let mut m = mail(Locale::En, fixtures::confirmation(false));
    m.to_name = evil.to_owned();
    if let MailKind::OrderConfirmation { event_name, venue_name, lines, tickets, .. } = &mut m.kind {
        *event_name = evil.to_owned();
        *venue_name = "<img src=x onerror=alert(1)>".to_owned();
        lines[0].name = "<b>VIP</b>".to_owned();
        tickets[0].holder_name = evil.to_owned();
    }
    let parsed = parse(&compose(&m, &from()).unwrap().formatted());
    assert!(!parsed.html.contains("<script"), "{}", parsed.html);
    assert!(!parsed.html.contains("<img"), "{}", parsed.html);
    assert!(!parsed.html.contains("<b>"), "{}", parsed.html);
    assert!(parsed.html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;friends&quot;"));
    assert!(parsed.html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    // Plain text shows the name as it is: in text/plain it is only text.
    assert!(parsed.text.contains(&format!("Hello {evil},")));
    assert!(parsed.subject.contains(evil));
    // The display name survives quoting in the To header.
    assert_eq!(parsed.to_name.as_deref(), Some(evil));
}

#[test]
fn line_breaks_in_header_fields_are_refused() {
    let injected = "Ada\r\nBcc: victim@example.org";
    let mut m = mail(Locale::En, fixtures::confirmation(false));
    m.to_name = injected.to_owned();
    assert_eq!(compose(&m, &from()).unwrap_err(), MailError::HeaderInjection { field: "to_name" });

    let mut m = mail(Locale::En, fixtures::confirmation(false));
    m.to_email = "ada@example.org\nBcc: victim@example.org".to_owned();
    assert_eq!(compose(&m, &from()).unwrap_err(), MailError::HeaderInjection { field: "to_email" });

    assert_eq!(
        tessera_mail::mailbox(injected, "tickets@tessera.test").unwrap_err(),
        MailError::HeaderInjection { field: "from name" }
    );
    let sneaky_from = tessera_mail::Mailbox::new(Some(injected.to_owned()), "tickets@tessera.test".parse().unwrap());
    let m = mail(Locale::En, fixtures::confirmation(false));
    assert_eq!(compose(&m, &sneaky_from).unwrap_err(), MailError::HeaderInjection { field: "from name" });

    let mut m = mail(Locale::En, fixtures::confirmation(false));
    m.to_email = "not an address".to_owned();
    assert_eq!(compose(&m, &from()).unwrap_err(), MailError::InvalidAddress { field: "to_email" });

    let mut m = mail(Locale::En, fixtures::confirmation(false));
    m.message_id = "abc>\r\nBcc: victim@example.org".to_owned();
    assert_eq!(compose(&m, &from()).unwrap_err(), MailError::InvalidMessageId);
}

#[test]
fn line_breaks_in_event_names_stay_out_of_the_headers() {
    let mut m = mail(Locale::En, fixtures::confirmation(false));
    if let MailKind::OrderConfirmation { event_name, .. } = &mut m.kind {
        *event_name = "Gala\r\nBcc: victim@example.org".to_owned();
    }
    let raw = compose(&m, &from()).unwrap().formatted();
    let parsed = parse(&raw);
    assert_eq!(parsed.subject, "Order confirmation: Gala Bcc: victim@example.org (order K7QX-42)");
    let head = String::from_utf8_lossy(&raw);
    let head = head.split("\r\n\r\n").next().unwrap();
    assert!(!head.lines().any(|l| l.starts_with("Bcc:")), "{head}");
}

#[test]
fn only_http_urls_become_links() {
    let mut m = mail(Locale::En, fixtures::confirmation(false));
    if let MailKind::OrderConfirmation { tickets, .. } = &mut m.kind {
        tickets[1].url = "javascript:alert(1)".to_owned();
    }
    assert_eq!(compose(&m, &from()).unwrap_err(), MailError::InvalidUrl { field: "ticket url" });
}

#[test]
fn refunds_and_cancellations_say_what_happens_to_the_money() {
    let kinds = all_kinds();
    let text = |locale, kind: &MailKind| parse(&compose(&mail(locale, kind.clone()), &from()).unwrap().formatted());
    let refund = text(Locale::En, &kinds[2]);
    assert_eq!(refund.subject, "Refund for order K7QX-42: The Winter's Tale");
    assert!(refund.text.contains("We have refunded €45.00 of your order K7QX-42"), "{}", refund.text);
    assert!(refund.text.contains("Still paid on the order: €51.90"));
    let refund_zh = text(Locale::ZhCn, &kinds[2]);
    assert_eq!(refund_zh.subject, "退款通知：The Winter's Tale（订单号 K7QX-42）");
    assert!(refund_zh.text.contains("退款金额：45.00 EUR"), "{}", refund_zh.text);

    let late = text(Locale::ZhCn, &kinds[3]);
    assert_eq!(late.subject, "付款已退回：订单号 K7QX-44");
    assert!(late.text.contains("已将全部款项退还"));

    let reminder = text(Locale::En, &kinds[1]);
    assert!(reminder.text.contains("IBAN DE02 1203 0000 0000 2020 51\nBIC BYLADEM1001"), "{}", reminder.text);
    assert!(reminder.html.contains("IBAN DE02 1203 0000 0000 2020 51<br>"), "{}", reminder.html);
    assert!(reminder.text.contains("Pay by: Tue 1 Dec 2026, 23:59 CET"));

    let event = text(Locale::ZhCn, &kinds[4]);
    assert_eq!(event.subject, "活动提醒：The Winter's Tale（2026年12月12日）");

    let cancelled = text(Locale::En, &kinds[5]);
    assert_eq!(cancelled.subject, "Cancelled: The Winter's Tale");
    assert!(cancelled.text.contains("You will receive a refund of €96.90"));

    let moved = text(Locale::En, &kinds[6]);
    assert_eq!(moved.subject, "New date: The Winter's Tale on Sat 12 Dec 2026");
    assert!(moved.text.contains("Your tickets stay valid"), "{}", moved.text);
    assert!(moved.text.contains("https://tickets.example.org/orders/K7QX-42"));
    let moved_zh = text(Locale::ZhCn, &kinds[6]);
    assert_eq!(moved_zh.subject, "活动改期：The Winter's Tale（2026年12月12日）");
    assert!(moved_zh.text.contains("您的门票继续有效"), "{}", moved_zh.text);
}

#[test]
fn a_resend_carries_the_same_message_id() {
    let m = mail(Locale::En, fixtures::confirmation(false));
    let first = parse(&compose(&m, &from()).unwrap().formatted());
    let again = parse(&compose(&m, &from()).unwrap().formatted());
    assert_eq!(first.message_id, again.message_id);
    assert_eq!(first.message_id, format!("{}@tessera", m.message_id));
}

#[test]
fn one_ticket_reads_in_the_singular() {
    let mut kind = fixtures::confirmation(true);
    if let MailKind::OrderConfirmation { tickets, .. } = &mut kind {
        tickets.truncate(1);
    }
    let one = parse(&compose(&mail(Locale::En, kind.clone()), &from()).unwrap().formatted());
    assert!(one.text.contains("Your ticket\n"), "{}", one.text);
    assert!(one.text.contains("Your ticket is also attached to this e-mail as a PDF. Show it on your phone"));
    let two = parse(&compose(&mail(Locale::En, fixtures::confirmation(true)), &from()).unwrap().formatted());
    assert!(two.text.contains("Your tickets are also attached"), "{}", two.text);
    let zh = parse(&compose(&mail(Locale::ZhCn, kind), &from()).unwrap().formatted());
    assert!(zh.text.contains("门票的 PDF 文件已附在本邮件中"), "{}", zh.text);
}
