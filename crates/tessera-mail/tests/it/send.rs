//! Sending to a real SMTP server (aiosmtpd, see `tessera_mail::testing`).

use std::time::Duration;

use tessera_mail::testing::SmtpSink;
use tessera_mail::{Locale, MailKind, Mailer, SendError, compose};

use crate::fixtures::{self, PDF, all_kinds, mail, parse};

const WAIT: Duration = Duration::from_secs(20);

#[tokio::test]
async fn confirmations_with_their_pdf_arrive_in_both_languages() {
    let sink = SmtpSink::start();
    let mailer = Mailer::new(&sink.config()).unwrap();
    for (locale, id, email) in
        [(Locale::En, "msg-en-1", "ada@example.org"), (Locale::ZhCn, "msg-zh-1", "li.wei@example.cn")]
    {
        let mut m = mail(locale, fixtures::confirmation(true));
        m.message_id = id.to_owned();
        m.to_email = email.to_owned();
        if locale == Locale::ZhCn {
            m.to_name = "李伟".to_owned();
        }
        mailer.send(compose(&m, mailer.from()).unwrap()).await.unwrap();
    }

    let received = sink.wait_for(2, WAIT);
    assert_eq!(received.len(), 2);

    let en = &received[0];
    assert_eq!(en.mail_from, "tickets@tessera.test");
    assert_eq!(en.rcpt_to, ["ada@example.org"]);
    let parsed = parse(&en.raw);
    assert_eq!(parsed.subject, "Order confirmation: The Winter's Tale (order K7QX-42)");
    assert_eq!(parsed.message_id, "msg-en-1@tessera");
    assert!(parsed.text.contains("Total: €96.90"));
    assert!(parsed.html.contains("<h1"));
    assert_eq!(parsed.attachments.len(), 1);
    assert_eq!(parsed.attachments[0].0, "tickets-K7QX-42.pdf");
    assert!(parsed.attachments[0].2.starts_with(b"%PDF"));
    assert_eq!(parsed.attachments[0].2, PDF);

    let zh = &received[1];
    assert_eq!(zh.rcpt_to, ["li.wei@example.cn"]);
    let parsed = parse(&zh.raw);
    assert_eq!(parsed.subject, "订单确认：The Winter's Tale（订单号 K7QX-42）");
    assert_eq!(parsed.to_name.as_deref(), Some("李伟"));
    assert_eq!(parsed.message_id, "msg-zh-1@tessera");
    assert!(parsed.text.contains("李伟，您好！"), "{}", parsed.text);
    assert!(parsed.html.contains("订单已确认"));
    assert!(parsed.attachments[0].2.starts_with(b"%PDF"));
}

#[tokio::test]
async fn a_refund_notice_arrives() {
    let sink = SmtpSink::start();
    let mailer = Mailer::new(&sink.config()).unwrap();
    let refund = all_kinds().into_iter().find(|k| matches!(k, MailKind::RefundNotice { .. })).unwrap();
    mailer.send(compose(&mail(Locale::En, refund), mailer.from()).unwrap()).await.unwrap();

    let received = sink.wait_for(1, WAIT);
    assert_eq!(received.len(), 1);
    let parsed = parse(&received[0].raw);
    assert_eq!(received[0].rcpt_to, ["ada@example.org"]);
    assert_eq!(parsed.subject, "Refund for order K7QX-42: The Winter's Tale");
    assert!(parsed.text.contains("Refunded: €45.00"));
    assert!(parsed.text.contains("Reason: One seat returned"));
    assert!(parsed.html.contains("One seat returned"));
    assert!(parsed.attachments.is_empty());
}

#[tokio::test]
async fn server_refusals_are_permanent_or_transient_by_reply_code() {
    let sink = SmtpSink::start();
    let mailer = Mailer::new(&sink.config()).unwrap();
    let send_to = |email: &str| {
        let mut m = mail(Locale::En, fixtures::confirmation(false));
        m.to_email = email.to_owned();
        compose(&m, mailer.from()).unwrap()
    };

    let err = mailer.send(send_to("nobody@reject.test")).await.unwrap_err();
    assert!(err.is_permanent(), "{err:?}");
    assert_eq!(err.code(), Some(550));

    let err = mailer.send(send_to("later@defer.test")).await.unwrap_err();
    assert!(!err.is_permanent(), "{err:?}");
    assert_eq!(err.code(), Some(451));

    // The connection is still good for the next message.
    mailer.send(send_to("ada@example.org")).await.unwrap();
    assert_eq!(sink.wait_for(1, WAIT).len(), 1);
}

#[tokio::test]
async fn a_closed_port_is_a_transient_error() {
    // Bind and drop a listener to find a port that nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let cfg = tessera_mail::SmtpConfig {
        host: "127.0.0.1".to_owned(),
        port,
        security: tessera_mail::Security::None,
        username: None,
        password: None,
        from_name: "Tessera".to_owned(),
        from_email: "tickets@tessera.test".to_owned(),
        timeout_secs: 5,
    };
    let mailer = Mailer::new(&cfg).unwrap();
    let msg = compose(&mail(Locale::En, fixtures::confirmation(false)), mailer.from()).unwrap();
    let err = mailer.send(msg).await.unwrap_err();
    assert!(matches!(err, SendError::Transient { code: None, .. }), "{err:?}");
}

#[test]
fn the_sink_stops_on_drop() {
    let sink = SmtpSink::start();
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], sink.port()));
    assert!(std::net::TcpStream::connect(addr).is_ok());
    drop(sink);
    assert!(std::net::TcpStream::connect(addr).is_err(), "nothing listens after drop");
}
