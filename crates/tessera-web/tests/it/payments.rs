//! Paying over HTTP: the sandbox and Stripe (against a loopback stand-in
//! that follows Stripe's API), late payments, provider webhooks forged,
//! repeated and reordered, refunds, the ledger, e-mail through a real SMTP
//! server, and outbound webhooks to a loopback receiver.

use crate::helpers::*;
use serde_json::{Value, json};
use std::time::Duration;
use tessera_app::{AppConfig, Clock};

crate::on_both_backends!(
    a_buyer_pays_through_the_sandbox_and_receives_the_email_with_a_scannable_pdf,
    a_late_payment_takes_the_inventory_back_if_it_is_there_and_is_refunded_if_not,
    stripe_checkout_and_webhooks_forged_repeated_reordered_or_mismatched,
    refunds_refuse_what_they_cannot_do_and_void_what_they_refund,
    webhooks_are_signed_logged_redelivered_and_refused_for_private_urls,
    cancelling_an_event_refunds_every_paid_order_once_even_when_the_job_runs_again,
    an_endpoint_that_keeps_failing_is_switched_off,
    integrators_hear_of_new_orders_and_admissions_only_when_subscribed,
    reminders_arrive_by_email_when_they_are_due_and_not_after_the_order_moved_on,
    the_sandbox_is_refused_where_the_server_switched_it_off,
    a_late_payment_on_a_seated_event_takes_the_same_seats_back_or_is_refunded,
);

struct Shop {
    t: TestApp,
    owner: Auth,
    org: String,
    event: String,
    ticket_type: String,
}

fn config() -> AppConfig {
    AppConfig { allow_sandbox_payments: true, webhooks_allow_loopback: true, ..test_config() }
}

/// A published event: one ticket type at `price` from a quota of `capacity`,
/// with fees and an inclusive tax, paid through `provider`.
async fn shop(config: AppConfig, price: i64, capacity: i64, provider: Value) -> Shop {
    let t = spawn_app_on(&DB.with(|u| u.clone()), config, tessera_web::WebConfig::default()).await;
    let (owner, org) = t.organizer("owner@example.org", "alpha").await;
    let venue = t.venue(&owner, &org, "Hall").await;
    let e = t.post(&format!("/api/v1/orgs/{org}/events"), &owner, event_body(&venue, "Gig", 30)).await;
    let event = e.body["id"].as_str().unwrap().to_string();
    let q = t
        .post(
            &format!("/api/v1/orgs/{org}/events/{event}/quotas"),
            &owner,
            json!({"name": "House", "capacity": capacity}),
        )
        .await;
    let tt = t
        .post(
            &format!("/api/v1/orgs/{org}/events/{event}/ticket-types"),
            &owner,
            json!({"name": "GA", "price_minor": price, "currency": "EUR", "max_per_order": 6, "quota_ids": [q.body["id"]]}),
        )
        .await;
    assert_eq!(tt.status, 201, "{tt:?}");
    let ticket_type = tt.body["id"].as_str().unwrap().to_string();
    let pricing = json!({
        "fees": {"per_ticket_minor": 100},
        "taxes": {ticket_type.clone(): {"rate_bp": 1900, "inclusive": true}},
        "refunds": {"buyer_refunds": true, "deadline_hours": 48, "fee_minor": 200},
    });
    let p = t.put(&format!("/api/v1/orgs/{org}/events/{event}/pricing"), &owner, pricing).await;
    assert_eq!(p.status, 200, "{p:?}");
    let s = t.put(&format!("/api/v1/orgs/{org}/payment-settings"), &owner, provider).await;
    assert_eq!(s.status, 200, "{s:?}");
    assert_eq!(t.post(&format!("/api/v1/orgs/{org}/events/{event}/publish"), &owner, json!({})).await.status, 200);
    Shop { t, owner, org, event, ticket_type }
}

impl Shop {
    /// Places an order; returns (order id, token, body).
    async fn buy(&self, qty: i64, email: &str) -> (String, String, Value) {
        let r = self
            .t
            .post(
                &format!("/api/v1/events/{}/orders", self.event),
                &Auth::None,
                json!({"lines": [{"ticket_type_id": self.ticket_type, "quantity": qty}], "email": email, "name": "Ada Lovelace"}),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        (r.body["id"].as_str().unwrap().into(), r.body["access_token"].as_str().unwrap().into(), r.body.clone())
    }

    async fn as_buyer(&self, method: reqwest::Method, path: &str, token: &str) -> Res {
        let rb = self.t.client.request(method, format!("{}{path}", self.t.base)).header("x-order-token", token);
        self.t.send(rb).await
    }

    async fn order(&self, id: &str, token: &str) -> Value {
        self.as_buyer(reqwest::Method::GET, &format!("/api/v1/orders/{id}"), token).await.body
    }

    async fn checkout(&self, id: &str, token: &str) -> Res {
        self.as_buyer(reqwest::Method::POST, &format!("/api/v1/orders/{id}/checkout"), token).await
    }

    async fn sandbox(&self, payment: &str, form: &str) -> (u16, String) {
        let r = self
            .t
            .client
            .post(format!("{}/pay/sandbox/{payment}", self.t.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.to_string())
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    async fn money(&self, id: &str) -> Value {
        let r = self.t.get(&format!("/api/v1/orgs/{}/orders/{id}/money", self.org), &self.owner).await;
        assert_eq!(r.status, 200, "{r:?}");
        r.body
    }

    /// Invariant 5 on the order's ledger: each transaction sums to zero, and
    /// the provider account holds paid - refunded.
    async fn assert_ledger(&self, id: &str, token: &str) {
        let m = self.money(id).await;
        let mut by_txn = std::collections::BTreeMap::<String, i64>::new();
        let mut provider = 0;
        for e in m["ledger"].as_array().unwrap() {
            let a = e["amount"]["amount_minor"].as_i64().unwrap();
            *by_txn.entry(e["txn_id"].as_str().unwrap().into()).or_default() += a;
            if e["account"].as_str().unwrap().starts_with("provider:") {
                provider += a;
            }
        }
        assert!(by_txn.values().all(|s| *s == 0), "unbalanced: {by_txn:?}");
        let o = self.order(id, token).await;
        let (paid, refunded) =
            (o["paid"]["amount_minor"].as_i64().unwrap(), o["refunded"]["amount_minor"].as_i64().unwrap());
        assert_eq!(provider, paid - refunded, "{m}");
        assert!(refunded <= paid);
    }

    async fn drain_outbox(&self) {
        for _ in 0..20 {
            if self.t.app.run_outbox_once().await.unwrap() == 0 {
                return;
            }
        }
    }
}

async fn a_buyer_pays_through_the_sandbox_and_receives_the_email_with_a_scannable_pdf() {
    let sink = tokio::task::spawn_blocking(tessera_mail::testing::SmtpSink::start).await.unwrap();
    let cfg = AppConfig { smtp: Some(sink.config()), ..config() };
    let s = shop(cfg, 2500, 10, json!({"provider": "sandbox"})).await;
    let (id, token, placed) = s.buy(2, "ada@example.org").await;
    // 2 x 25.00 with 19 % tax included, plus 1.00 fee per ticket.
    assert_eq!(placed["total"]["amount_minor"], 5200);
    assert_eq!(placed["fees"]["amount_minor"], 200);
    assert_eq!(placed["tax"]["amount_minor"], 798);

    let c = s.checkout(&id, &token).await;
    assert_eq!(c.status, 200, "{c:?}");
    let payment = c.body["payment"]["id"].as_str().unwrap().to_string();
    assert!(c.body["redirect_url"].as_str().unwrap().ends_with(&format!("/pay/sandbox/{payment}")));
    // Asking again returns the attempt already open.
    assert_eq!(s.checkout(&id, &token).await.body["payment"]["id"], payment.as_str());
    // Without the order's token there is nothing to pay.
    assert_eq!(s.checkout(&id, "wrong").await.status, 404);

    let page = s.t.client.get(format!("{}/pay/sandbox/{payment}", s.t.base)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Test payment"));
    let (status, _) = s.sandbox(&payment, "outcome=nonsense").await;
    assert_eq!(status, 422);
    assert_eq!(s.order(&id, &token).await["state"], "pending");

    let (status, html) = s.sandbox(&payment, "outcome=success").await;
    assert_eq!(status, 200, "{html}");
    let o = s.order(&id, &token).await;
    assert_eq!(o["state"], "paid");
    assert_eq!(o["paid"]["amount_minor"], 5200);
    assert_eq!(o["tickets"].as_array().unwrap().len(), 2);
    // Paying twice on the page changes nothing.
    assert_eq!(s.sandbox(&payment, "outcome=success").await.0, 409);
    s.assert_ledger(&id, &token).await;

    // The same provider event again (a replayed notification) changes nothing.
    let m = s.money(&id).await;
    let first = m["payments"][0]["events"][0]["id"].as_str().unwrap().to_string();
    let p = s.t.store.payment(&payment).await.unwrap().unwrap();
    for _ in 0..3 {
        let pe = tessera_store::ProviderEvent {
            provider: "sandbox".into(),
            event_id: first.clone(),
            kind: "payment.succeeded".into(),
            payload: "{}".into(),
            payment_id: payment.clone(),
            order: id.parse().unwrap(),
            outcome: tessera_domain::payments::PaymentState::Succeeded,
            amount_minor: Some(p.amount.amount_minor),
            currency: Some("EUR".into()),
            provider_payment: None,
        };
        assert!(s.t.app.provider_event(pe).await.unwrap().is_none());
    }
    let o = s.order(&id, &token).await;
    assert_eq!((o["paid"]["amount_minor"].as_i64(), o["tickets"].as_array().unwrap().len()), (Some(5200), 2));
    assert_eq!(s.money(&id).await["ledger"].as_array().unwrap().len(), m["ledger"].as_array().unwrap().len());

    // A second buyer whose browser asks for Chinese gets the e-mail in Chinese.
    let body =
        json!({"lines": [{"ticket_type_id": s.ticket_type, "quantity": 1}], "email": "li@example.org", "name": "李雷"});
    let rb =
        s.t.client
            .post(format!("{}/api/v1/events/{}/orders", s.t.base, s.event))
            .header("accept-language", "zh-CN,zh;q=0.9,en;q=0.5")
            .json(&body);
    let zh = s.t.send(rb).await;
    assert_eq!((zh.status, zh.body["locale"].as_str()), (201, Some("zh-CN")), "{zh:?}");
    let (zh_id, zh_token) = (zh.body["id"].as_str().unwrap(), zh.body["access_token"].as_str().unwrap());
    let zh_pay = s.checkout(zh_id, zh_token).await.body["payment"]["id"].as_str().unwrap().to_string();
    assert_eq!(s.sandbox(&zh_pay, "outcome=success").await.0, 200);

    // The outbox sends the confirmation with both tickets in a PDF.
    s.drain_outbox().await;
    let got = tokio::task::spawn_blocking(move || {
        let got = sink.wait_for(2, Duration::from_secs(20));
        (got, sink)
    })
    .await
    .unwrap()
    .0;
    let mail = got.iter().find(|m| m.rcpt_to.iter().any(|r| r == "ada@example.org")).expect("a mail to the buyer");
    let parsed = mail_parser::MessageParser::default().parse(&mail.raw).unwrap();
    assert!(parsed.subject().unwrap_or("").contains("Gig"), "{:?}", parsed.subject());
    assert!(parsed.body_text(0).is_some() && parsed.body_html(0).is_some());
    let zh_mail =
        got.iter().find(|m| m.rcpt_to.iter().any(|r| r == "li@example.org")).expect("a mail to the second buyer");
    let zh_parsed = mail_parser::MessageParser::default().parse(&zh_mail.raw).unwrap();
    assert!(zh_parsed.subject().unwrap_or("").contains("订单"), "{:?}", zh_parsed.subject());
    let pdf = parsed.attachments().find(|a| a.contents().starts_with(b"%PDF")).expect("a PDF attachment");
    let first_page = pdf_pages(pdf.contents(), 150.0).into_iter().next().expect("a page");
    let code = qr_codes_on(first_page).into_iter().next().expect("a QR code on the first page");
    let tickets = s.as_buyer(reqwest::Method::GET, &format!("/api/v1/orders/{id}/tickets"), &token).await;
    assert!(tickets.body.as_array().unwrap().iter().any(|t| t["code"] == code.as_str()), "{code}");
}

async fn a_late_payment_takes_the_inventory_back_if_it_is_there_and_is_refunded_if_not() {
    let s = shop(config(), 1000, 2, json!({"provider": "sandbox"})).await;

    // A: a delayed confirmation that arrives after the hold ran out, while the tickets are still free.
    let (a, a_token, _) = s.buy(2, "a@example.org").await;
    let pay_a = s.checkout(&a, &a_token).await.body["payment"]["id"].as_str().unwrap().to_string();
    assert_eq!(s.sandbox(&pay_a, "outcome=delayed&delay_secs=900").await.0, 200);
    s.t.clock.advance_secs(700);
    s.t.app.sweep_once().await.unwrap();
    assert_eq!(s.order(&a, &a_token).await["state"], "expired");
    s.t.clock.advance_secs(300);
    s.drain_outbox().await;
    let o = s.order(&a, &a_token).await;
    assert_eq!(o["state"], "paid", "{o}");
    assert_eq!(o["tickets"].as_array().unwrap().len(), 2);
    s.assert_ledger(&a, &a_token).await;

    // B: the same, but someone else bought the tickets in between.
    let r = s.t.post(&format!("/api/v1/orgs/{}/orders/{a}/refunds", s.org), &s.owner, json!({})).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(s.order(&a, &a_token).await["state"], "refunded");
    let (b, b_token, _) = s.buy(2, "b@example.org").await;
    let pay_b = s.checkout(&b, &b_token).await.body["payment"]["id"].as_str().unwrap().to_string();
    assert_eq!(s.sandbox(&pay_b, "outcome=delayed&delay_secs=900").await.0, 200);
    s.t.clock.advance_secs(700);
    s.t.app.sweep_once().await.unwrap();
    let (c, c_token, _) = s.buy(2, "c@example.org").await;
    let pay_c = s.checkout(&c, &c_token).await.body["payment"]["id"].as_str().unwrap().to_string();
    assert_eq!(s.sandbox(&pay_c, "outcome=success").await.0, 200);
    s.t.clock.advance_secs(300);
    s.drain_outbox().await;
    let o = s.order(&b, &b_token).await;
    assert_eq!(o["state"], "expired", "{o}");
    assert_eq!(o["paid"]["amount_minor"], o["refunded"]["amount_minor"]);
    let m = s.money(&b).await;
    assert_eq!(m["refunds"][0]["reason"], "late payment");
    assert_eq!(m["refunds"][0]["state"], "succeeded");
    s.assert_ledger(&b, &b_token).await;
    // Never more sold than there is.
    assert_eq!(s.order(&c, &c_token).await["state"], "paid");
    let e = s.t.get(&format!("/api/v1/events/{}", s.event), &Auth::None).await;
    assert_eq!(e.body["ticket_types"][0]["available"], 0);
}

async fn stripe_checkout_and_webhooks_forged_repeated_reordered_or_mismatched() {
    use tessera_remote::stripe::testing::StandIn;
    let stripe = StandIn::start().await;
    let cfg = AppConfig { stripe_api_base: stripe.base_url(), reconcile_after_secs: 60, ..config() };
    let provider = json!({"provider": "stripe", "stripe": {
        "secret_key": stripe.secret_key(), "webhook_secrets": ["whsec_old", stripe.webhook_secret()], "methods": ["card", "alipay"]}});
    let s = shop(cfg, 3000, 10, provider).await;
    let settings = s.t.get(&format!("/api/v1/orgs/{}/payment-settings", s.org), &s.owner).await;
    assert_eq!(settings.body["stripe_secret_key_set"], true);
    assert!(!settings.body.to_string().contains(stripe.secret_key()), "secrets never shown");
    let hook = format!("/api/v1/payments/stripe/webhook/{}", s.org);
    let post_hook = |body: Vec<u8>, sig: String| {
        let rb = s.t.client.post(format!("{}{hook}", s.t.base)).header("stripe-signature", sig).body(body);
        s.t.send(rb)
    };

    let (id, token, _) = s.buy(1, "s@example.org").await;
    let c = s.checkout(&id, &token).await;
    assert_eq!(c.status, 200, "{c:?}");
    let session = c.body["payment"]["provider_ref"].as_str().unwrap().to_string();
    assert!(session.starts_with("cs_"), "{c:?}");
    assert!(
        stripe
            .requests()
            .iter()
            .any(|r| r.form.iter().any(|(k, v)| k.starts_with("payment_method_types") && v == "alipay"))
    );

    let (body, sig) = stripe.complete_session(&session, true);
    // Forged: the right body with a signature made with another secret.
    let forged = tessera_remote::stripe::sign_webhook(&body, "whsec_attacker", jiff::Timestamp::now().as_second());
    assert_eq!(post_hook(body.clone(), forged).await.status, 400);
    // Stale: signed long ago.
    let stale =
        tessera_remote::stripe::sign_webhook(&body, stripe.webhook_secret(), jiff::Timestamp::now().as_second() - 3600);
    assert_eq!(post_hook(body.clone(), stale).await.status, 400);
    assert_eq!(post_hook(body.clone(), "t=1,v1=zz".into()).await.status, 400);
    assert_eq!(s.order(&id, &token).await["state"], "pending");

    // Delivered three times: paid once.
    for _ in 0..3 {
        let r = post_hook(body.clone(), sig.clone()).await;
        assert_eq!(r.status, 200, "{r:?}");
    }
    let o = s.order(&id, &token).await;
    assert_eq!((o["state"].as_str(), o["paid"]["amount_minor"].as_i64()), (Some("paid"), Some(3100)));
    // Out of order: the session's expiry arrives after its payment and changes nothing.
    let mut late: Value = serde_json::from_slice(&body).unwrap();
    late["id"] = json!("evt_test_late_expiry");
    late["type"] = json!("checkout.session.expired");
    late["data"]["object"]["status"] = json!("expired");
    let late = serde_json::to_vec(&late).unwrap();
    let sig2 = tessera_remote::stripe::sign_webhook(&late, stripe.webhook_secret(), jiff::Timestamp::now().as_second());
    assert_eq!(post_hook(late, sig2).await.status, 200);
    let m = s.money(&id).await;
    assert_eq!(m["payments"][0]["state"], "succeeded");
    assert_eq!(m["payments"][0]["events"].as_array().unwrap().len(), 2, "{m}");
    s.assert_ledger(&id, &token).await;

    // A signed event whose amount differs from the order's: the money is
    // booked as it came and refunded in full; the order stays unpaid.
    let (id2, token2, _) = s.buy(2, "t@example.org").await;
    let session2 = s.checkout(&id2, &token2).await.body["payment"]["provider_ref"].as_str().unwrap().to_string();
    let (body3, _) = stripe.complete_session(&session2, true);
    let mut v: Value = serde_json::from_slice(&body3).unwrap();
    v["data"]["object"]["amount_total"] = json!(100);
    let tampered = serde_json::to_vec(&v).unwrap();
    let sig3 =
        tessera_remote::stripe::sign_webhook(&tampered, stripe.webhook_secret(), jiff::Timestamp::now().as_second());
    let r = post_hook(tampered, sig3).await;
    assert_eq!(r.status, 200, "{r:?}");
    s.drain_outbox().await;
    let o2 = s.order(&id2, &token2).await;
    assert_eq!(
        (o2["state"].as_str(), o2["paid"]["amount_minor"].as_i64(), o2["refunded"]["amount_minor"].as_i64()),
        (Some("pending"), Some(100), Some(100)),
        "{o2}"
    );
    let m2 = s.money(&id2).await;
    assert!(m2["payments"][0]["events"][0]["outcome"].as_str().unwrap().contains("amount 100"), "{m2}");
    assert_eq!(
        (m2["refunds"][0]["reason"].as_str(), m2["refunds"][0]["state"].as_str()),
        (Some("amount mismatch"), Some("succeeded")),
        "{m2}"
    );
    s.assert_ledger(&id2, &token2).await;
    // In another currency it cannot be booked at all: recorded as rejected, nothing changed.
    let mut v: Value = serde_json::from_slice(&body3).unwrap();
    v["id"] = json!("evt_test_other_currency");
    v["data"]["object"]["currency"] = json!("usd");
    let other_cur = serde_json::to_vec(&v).unwrap();
    let sig5 =
        tessera_remote::stripe::sign_webhook(&other_cur, stripe.webhook_secret(), jiff::Timestamp::now().as_second());
    let r = post_hook(other_cur, sig5).await;
    assert_eq!(r.status, 200, "{r:?}");
    let m2b = s.money(&id2).await;
    assert_eq!(m2b["ledger"].as_array().unwrap().len(), m2["ledger"].as_array().unwrap().len());

    // An event type Tessera does not handle is recorded and ignored.
    let other = json!({"id": "evt_test_customer", "object": "event", "type": "customer.created", "created": 1, "livemode": false,
        "data": {"object": {"object": "customer", "id": "cus_1"}}});
    let other = serde_json::to_vec(&other).unwrap();
    let sig4 =
        tessera_remote::stripe::sign_webhook(&other, stripe.webhook_secret(), jiff::Timestamp::now().as_second());
    let r = post_hook(other, sig4).await;
    assert_eq!((r.status, r.body["outcome"].as_str()), (200, Some("ignored")), "{r:?}");

    // A webhook that never arrives: reconciliation asks Stripe and applies the answer.
    let (id3, token3, _) = s.buy(1, "u@example.org").await;
    let session3 = s.checkout(&id3, &token3).await.body["payment"]["provider_ref"].as_str().unwrap().to_string();
    let _lost = stripe.complete_session(&session3, true);
    assert_eq!(s.t.app.reconcile_once().await.unwrap(), 0, "too young to ask about");
    s.t.clock.advance_secs(120);
    assert!(s.t.app.reconcile_once().await.unwrap() >= 1);
    let o = s.order(&id3, &token3).await;
    assert_eq!((o["state"].as_str(), o["paid"]["amount_minor"].as_i64()), (Some("paid"), Some(3100)), "{o}");
    assert!(
        stripe.requests().iter().any(|r| r.method == "GET" && r.path == format!("/v1/checkout/sessions/{session3}"))
    );
    // Asking again changes nothing.
    s.t.app.reconcile_once().await.unwrap();
    s.assert_ledger(&id3, &token3).await;

    // Refunds go through Stripe's API; never above what was paid.
    let r =
        s.t.post(&format!("/api/v1/orgs/{}/orders/{id}/refunds", s.org), &s.owner, json!({"amount_minor": 5000})).await;
    assert_eq!((r.status, r.fields()), (422, vec!["amount_minor".to_string()]), "{r:?}");
    let r =
        s.t.post(
            &format!("/api/v1/orgs/{}/orders/{id}/refunds", s.org),
            &s.owner,
            json!({"amount_minor": 1000, "reason": "goodwill"}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["state"], "succeeded", "{r:?}");
    assert!(stripe.requests().iter().any(|q| q.path == "/v1/refunds"));
    let o = s.order(&id, &token).await;
    assert_eq!((o["state"].as_str(), o["refunded"]["amount_minor"].as_i64()), (Some("paid"), Some(1000)));
    s.assert_ledger(&id, &token).await;
}

async fn refunds_refuse_what_they_cannot_do_and_void_what_they_refund() {
    let s = shop(
        config(),
        2000,
        10,
        json!({"provider": "manual", "manual": {"instructions": "IBAN DE00 0000", "due_days": 3}}),
    )
    .await;
    let (id, token, _) = s.buy(3, "m@example.org").await;
    // Unpaid: nothing to refund.
    let r = s.t.post(&format!("/api/v1/orgs/{}/orders/{id}/refunds", s.org), &s.owner, json!({})).await;
    assert_eq!((r.status, r.code()), (409, "not_paid"), "{r:?}");
    // Manual: a due date, the hold kept until then, the reference to quote.
    let c = s.checkout(&id, &token).await;
    assert_eq!(c.status, 200, "{c:?}");
    assert_eq!(c.body["instructions"], "IBAN DE00 0000");
    assert_eq!(c.body["payment"]["due_at"], s.order(&id, &token).await["expires_at"]);
    s.t.clock.advance_secs(3600);
    s.t.app.sweep_once().await.unwrap();
    assert_eq!(s.order(&id, &token).await["state"], "pending", "the hold lasts until the due date");
    let r = s.t.post(&format!("/api/v1/orgs/{}/orders/{id}/mark-paid", s.org), &s.owner, json!({})).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["paid"]["amount_minor"], 6300);

    // Bad refunds: both kinds at once, unknown or repeated tickets, too much, zero.
    let path = format!("/api/v1/orgs/{}/orders/{id}/refunds", s.org);
    let tickets: Vec<String> =
        r.body["tickets"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap().to_string()).collect();
    for (body, field) in [
        (json!({"amount_minor": 100, "ticket_ids": [tickets[0]]}), "amount_minor"),
        (json!({"ticket_ids": ["nope"]}), "ticket_ids[0]"),
        (json!({"ticket_ids": [tickets[0], tickets[0]]}), "ticket_ids[1]"),
        (json!({"amount_minor": 6301}), "amount_minor"),
        (json!({"amount_minor": 0}), "amount_minor"),
        (json!({"amount_minor": "lots"}), "amount_minor"),
    ] {
        let r = s.t.post(&path, &s.owner, body.clone()).await;
        assert_eq!(r.status, 422, "{body} -> {r:?}");
        assert!(r.fields().contains(&field.to_string()) || r.body.to_string().contains(field), "{body} -> {r:?}");
    }
    assert_eq!(s.order(&id, &token).await["refunded"]["amount_minor"], 0);

    // One ticket back: it is void, the others stay valid.
    let rb =
        s.t.client
            .post(format!("{}{path}", s.t.base))
            .header(
                "cookie",
                match &s.owner {
                    Auth::Session(x) => format!("tessera_session={}", x.cookie),
                    _ => unreachable!(),
                },
            )
            .header(
                "x-csrf-token",
                match &s.owner {
                    Auth::Session(x) => x.csrf.clone(),
                    _ => unreachable!(),
                },
            )
            .header("idempotency-key", "refund-1")
            .json(&json!({"ticket_ids": [tickets[0]]}));
    let first = s.t.send(rb.try_clone().unwrap()).await;
    assert_eq!(first.status, 200, "{first:?}");
    assert_eq!(first.body["amount"]["amount_minor"], 2100);
    // The same request again is the same refund, not a second one.
    let again = s.t.send(rb).await;
    assert_eq!(again.body["id"], first.body["id"]);
    let o = s.order(&id, &token).await;
    assert_eq!(o["refunded"]["amount_minor"], 2100);
    let void: Vec<&Value> = o["tickets"].as_array().unwrap().iter().filter(|t| t["status"] == "void").collect();
    assert_eq!(void.len(), 1);
    assert_eq!(void[0]["id"], tickets[0].as_str());

    // The buyer refunds the rest within the policy, less its fee.
    let r = s.as_buyer(reqwest::Method::POST, &format!("/api/v1/orders/{id}/refund"), &token).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["amount"]["amount_minor"], 6300 - 2100 - 200);
    let o = s.order(&id, &token).await;
    assert_eq!(o["state"], "refunded");
    assert!(o["tickets"].as_array().unwrap().iter().all(|t| t["status"] == "void"));
    s.assert_ledger(&id, &token).await;
    let b = s.t.get(&format!("/api/v1/orgs/{}/balance", s.org), &s.owner).await;
    assert_eq!(b.status, 200);
    let owed = b.body["owed"]["EUR"].as_i64().unwrap();
    assert!(owed > 0 && owed <= 200, "the refund fee stays behind: {b:?}");
    // Nothing left to refund.
    let r = s.as_buyer(reqwest::Method::POST, &format!("/api/v1/orders/{id}/refund"), &token).await;
    assert_eq!(r.status, 409, "{r:?}");

    // Payouts: never more than the organization is owed; the ledger stays balanced.
    let payouts = format!("/api/v1/orgs/{}/payouts", s.org);
    let too_much = json!({"amount_minor": owed + 1, "currency": "EUR", "provider": "manual", "reference": "T-1"});
    let r = s.t.post(&payouts, &s.owner, too_much).await;
    assert_eq!((r.status, r.fields()), (422, vec!["amount_minor".to_string()]), "{r:?}");
    let r =
        s.t.post(
            &payouts,
            &s.owner,
            json!({"amount_minor": owed, "currency": "EUR", "provider": "manual", "reference": ""}),
        )
        .await;
    assert_eq!((r.status, r.fields()), (422, vec!["reference".to_string()]), "{r:?}");
    let r =
        s.t.post(
            &payouts,
            &s.owner,
            json!({"amount_minor": owed, "currency": "EUR", "provider": "manual", "reference": "T-1"}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let b = s.t.get(&format!("/api/v1/orgs/{}/balance", s.org), &s.owner).await;
    assert_eq!(b.body["owed"]["EUR"], 0, "{b:?}");
    let listed = s.t.get(&payouts, &s.owner).await;
    assert_eq!(
        (listed.body[0]["amount"]["amount_minor"].as_i64(), listed.body[0]["reference"].as_str()),
        (Some(owed), Some("T-1"))
    );
    let mut by_txn = std::collections::BTreeMap::<String, i64>::new();
    for e in s.t.store.org_ledger(s.org.parse().unwrap()).await.unwrap() {
        *by_txn.entry(e.txn_id).or_default() += e.amount.amount_minor;
    }
    assert!(by_txn.values().all(|v| *v == 0), "{by_txn:?}");
}

async fn webhooks_are_signed_logged_redelivered_and_refused_for_private_urls() {
    use axum::routing::post;
    let s = shop(config(), 1500, 10, json!({"provider": "sandbox"})).await;
    let hooks = format!("/api/v1/orgs/{}/webhooks", s.org);
    for url in
        ["http://10.0.0.1/hook", "https://169.254.169.254/latest", "ftp://example.org/", "https://user:pw@example.org/"]
    {
        let r = s.t.post(&hooks, &s.owner, json!({"url": url, "event_types": ["order.paid"]})).await;
        assert_eq!((r.status, r.fields()), (422, vec!["url".to_string()]), "{url}: {r:?}");
    }
    let r = s.t.post(&hooks, &s.owner, json!({"url": "https://example.org/h", "event_types": ["order.eaten"]})).await;
    assert_eq!((r.status, r.fields()), (422, vec!["event_types[0]".to_string()]), "{r:?}");

    // A receiver on loopback that answers 500 once, then 204.
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<(axum::http::HeaderMap, String)>::new()));
    let fail_first = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let app = {
        let (seen, fail_first) = (seen.clone(), fail_first.clone());
        axum::Router::new().route(
            "/hook",
            post(move |headers: axum::http::HeaderMap, body: String| {
                let (seen, fail_first) = (seen.clone(), fail_first.clone());
                async move {
                    seen.lock().unwrap().push((headers, body));
                    if fail_first.swap(false, std::sync::atomic::Ordering::SeqCst) {
                        axum::http::StatusCode::INTERNAL_SERVER_ERROR
                    } else {
                        axum::http::StatusCode::NO_CONTENT
                    }
                }
            }),
        )
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let r =
        s.t.post(
            &hooks,
            &s.owner,
            json!({"url": format!("http://{addr}/hook"), "event_types": ["order.paid", "order.refunded"]}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let endpoint = r.body["id"].as_str().unwrap().to_string();
    let secret = r.body["secret"].as_str().unwrap().to_string();
    assert!(s.t.get(&hooks, &s.owner).await.body[0].get("secret").is_none(), "the secret is shown once");

    let (id, token, _) = s.buy(1, "w@example.org").await;
    let pay = s.checkout(&id, &token).await.body["payment"]["id"].as_str().unwrap().to_string();
    assert_eq!(s.sandbox(&pay, "outcome=success").await.0, 200);
    s.drain_outbox().await;
    // First attempt failed (500): it waits for its backoff; move time on.
    s.t.clock.advance_secs(120);
    s.drain_outbox().await;
    let got = seen.lock().unwrap().clone();
    assert_eq!(got.len(), 2, "one failure, one success");
    let (h, body) = &got[1];
    let msg_id = h["webhook-id"].to_str().unwrap();
    assert_eq!(msg_id, got[0].0["webhook-id"].to_str().unwrap(), "a retry keeps its webhook-id");
    tessera_remote::webhooks::verify(
        &[secret.as_str()],
        msg_id,
        h["webhook-timestamp"].to_str().unwrap(),
        h["webhook-signature"].to_str().unwrap(),
        body.as_bytes(),
        s.t.clock.now().as_second(),
        tessera_remote::webhooks::DEFAULT_TOLERANCE_SECS,
    )
    .expect("signed per Standard Webhooks");
    let v: Value = serde_json::from_str(body).unwrap();
    assert_eq!((v["type"].as_str(), v["data"]["id"].as_str()), (Some("order.paid"), Some(id.as_str())));
    // A forged signature does not verify.
    assert!(
        tessera_remote::webhooks::verify(
            &["whsec_QUJDREVGR0hJSktMTU5PUFFSU1RVVldY"],
            msg_id,
            h["webhook-timestamp"].to_str().unwrap(),
            h["webhook-signature"].to_str().unwrap(),
            body.as_bytes(),
            s.t.clock.now().as_second(),
            300
        )
        .is_err()
    );

    // The delivery log, and a manual redelivery with the same id.
    let log = s.t.get(&format!("{hooks}/{endpoint}/deliveries"), &s.owner).await;
    assert_eq!(log.status, 200);
    let d = &log.body[0];
    assert_eq!((d["state"].as_str(), d["log"].as_array().unwrap().len()), (Some("done"), 2), "{log:?}");
    let r = s
        .t
        .post(&format!("{hooks}/{endpoint}/deliveries/{}/redeliver", d["id"].as_str().unwrap()), &s.owner, json!({}))
        .await;
    assert_eq!(r.status, 202, "{r:?}");
    s.drain_outbox().await;
    let got = seen.lock().unwrap().clone();
    assert_eq!(got.len(), 3);
    assert_eq!(got[2].0["webhook-id"].to_str().unwrap(), msg_id);
    // Another organization cannot see it.
    let (other, other_org) = s.t.organizer("mallory@example.org", "beta").await;
    assert_eq!(s.t.get(&format!("/api/v1/orgs/{other_org}/webhooks/{endpoint}/deliveries"), &other).await.status, 404);
}

async fn cancelling_an_event_refunds_every_paid_order_once_even_when_the_job_runs_again() {
    let s = shop(config(), 1000, 20, json!({"provider": "sandbox"})).await;
    let mut paid = vec![];
    for i in 0..3 {
        let (id, token, _) = s.buy(2, &format!("p{i}@example.org")).await;
        let pay = s.checkout(&id, &token).await.body["payment"]["id"].as_str().unwrap().to_string();
        assert_eq!(s.sandbox(&pay, "outcome=success").await.0, 200);
        paid.push((id, token));
    }
    let (pending, pending_token, _) = s.buy(1, "late@example.org").await;
    // One order already partly refunded: only the rest goes back.
    let r = s
        .t
        .post(&format!("/api/v1/orgs/{}/orders/{}/refunds", s.org, paid[0].0), &s.owner, json!({"amount_minor": 500}))
        .await;
    assert_eq!(r.status, 200, "{r:?}");

    let r = s.t.post(&format!("/api/v1/orgs/{}/events/{}/cancel", s.org, s.event), &s.owner, json!({})).await;
    assert_eq!(r.status, 200, "{r:?}");
    let progress = format!("/api/v1/orgs/{}/events/{}/cancellation", s.org, s.event);
    let before = s.t.get(&progress, &s.owner).await;
    assert_eq!(
        (before.body["orders"]["paid"].as_i64(), before.body["left_to_refund"].as_i64()),
        (Some(3), Some(3)),
        "{before:?}"
    );

    s.drain_outbox().await;
    let after = s.t.get(&progress, &s.owner).await.body;
    assert_eq!(after["orders"]["refunded"], 3, "{after}");
    assert_eq!(after["orders"]["cancelled"], 1, "{after}");
    assert_eq!(after["refunds"]["succeeded"], 3, "{after}");
    assert_eq!(after["left_to_refund"], 0);
    for (id, token) in &paid {
        let o = s.order(id, token).await;
        assert_eq!(o["paid"]["amount_minor"], o["refunded"]["amount_minor"], "{o}");
        assert!(o["tickets"].as_array().unwrap().iter().all(|t| t["status"] == "void"));
        s.assert_ledger(id, token).await;
    }
    assert_eq!(s.order(&pending, &pending_token).await["state"], "cancelled");

    // A worker that crashed mid-job runs it again: nothing is refunded twice.
    let job = s.t.store.outbox_for(&s.event, "cancel_event", 5).await.unwrap();
    assert_eq!(job.len(), 1);
    assert!(s.t.store.outbox_requeue(&job[0].id, s.t.clock.now()).await.unwrap());
    s.drain_outbox().await;
    let again = s.t.get(&progress, &s.owner).await.body;
    assert_eq!(again["refunds"]["succeeded"], 3, "{again}");
    for (id, token) in &paid {
        s.assert_ledger(id, token).await;
    }
}

async fn an_endpoint_that_keeps_failing_is_switched_off() {
    let cfg = AppConfig { webhook_disable_after: 3, ..config() };
    let s = shop(cfg, 1500, 10, json!({"provider": "sandbox"})).await;
    let hooks = format!("/api/v1/orgs/{}/webhooks", s.org);
    // Nothing listens on this port.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", dead.local_addr().unwrap());
    drop(dead);
    let r = s.t.post(&hooks, &s.owner, json!({"url": url, "event_types": ["*"]})).await;
    assert_eq!(r.status, 201, "{r:?}");
    let endpoint = r.body["id"].as_str().unwrap().to_string();
    for i in 0..2 {
        let (id, token, _) = s.buy(1, &format!("d{i}@example.org")).await;
        let pay = s.checkout(&id, &token).await.body["payment"]["id"].as_str().unwrap().to_string();
        assert_eq!(s.sandbox(&pay, "outcome=success").await.0, 200);
    }
    for _ in 0..4 {
        s.drain_outbox().await;
        s.t.clock.advance_secs(3 * 3600);
    }
    let list = s.t.get(&hooks, &s.owner).await;
    let ep = list.body.as_array().unwrap().iter().find(|e| e["id"] == endpoint.as_str()).unwrap().clone();
    assert_eq!(ep["enabled"], false, "{ep}");
    assert!(ep["disabled_reason"].as_str().unwrap().contains("in a row"), "{ep}");
    let log = s.t.get(&format!("{hooks}/{endpoint}/deliveries"), &s.owner).await;
    let attempts: usize = log.body.as_array().unwrap().iter().map(|d| d["log"].as_array().unwrap().len()).sum();
    assert_eq!(attempts, 3, "no attempt after switching off: {log:?}");
    // Switching it back on resets the streak.
    let r = s.t.patch(&format!("{hooks}/{endpoint}"), &s.owner, json!({"enabled": true})).await;
    assert_eq!(
        (r.status, r.body["enabled"].as_bool(), r.body["consecutive_failures"].as_i64()),
        (200, Some(true), Some(0))
    );
}

async fn integrators_hear_of_new_orders_and_admissions_only_when_subscribed() {
    use axum::routing::post;
    let s = shop(config(), 1500, 10, json!({"provider": "sandbox"})).await;
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<Value>::new()));
    let app = {
        let seen = seen.clone();
        axum::Router::new().route(
            "/hook",
            post(move |body: String| {
                let seen = seen.clone();
                async move {
                    seen.lock().unwrap().push(serde_json::from_str(&body).unwrap());
                    axum::http::StatusCode::OK
                }
            }),
        )
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    // Before anyone subscribes, a sale queues no webhook at all.
    let (first, _, _) = s.buy(1, "early@example.org").await;
    s.drain_outbox().await;
    let hooks = format!("/api/v1/orgs/{}/webhooks", s.org);
    let r =
        s.t.post(
            &hooks,
            &s.owner,
            json!({"url": format!("http://{addr}/hook"), "event_types": ["order.created", "ticket.checked_in"]}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");

    let list =
        s.t.post(
            &format!("/api/v1/orgs/{}/events/{}/checkin-lists", s.org, s.event),
            &s.owner,
            json!({"name": "Doors", "gates": ["A"]}),
        )
        .await;
    assert_eq!(list.status, 201, "{list:?}");
    let list = list.body["id"].as_str().unwrap().to_string();
    let (id, token, _) = s.buy(1, "fan@example.org").await;
    let pay = s.checkout(&id, &token).await.body["payment"]["id"].as_str().unwrap().to_string();
    assert_eq!(s.sandbox(&pay, "outcome=success").await.0, 200);
    let tickets = s.as_buyer(reqwest::Method::GET, &format!("/api/v1/orders/{id}/tickets"), &token).await;
    let code = tickets.body[0]["code"].as_str().unwrap().to_string();
    let scans = format!("/api/v1/orgs/{}/checkin-lists/{list}/scans", s.org);
    let gate =
        s.t.post(&format!("/api/v1/orgs/{}/tokens", s.org), &s.owner, json!({"name": "gate", "role": "scanner"})).await;
    let gate = Auth::Bearer(gate.body["secret"].as_str().unwrap().to_string());
    // Doors open: the event starts in 30 days.
    s.t.clock.advance_secs(30 * 86_400);
    let r = s.t.post(&scans, &gate, json!({"code": code, "nonce": "n1"})).await;
    assert_eq!(r.body["result"], "valid", "{r:?}");
    assert_eq!(s.t.post(&scans, &gate, json!({"code": code, "nonce": "n2"})).await.body["result"], "already_used");
    s.drain_outbox().await;

    let got = seen.lock().unwrap().clone();
    let types: Vec<&str> = got.iter().map(|v| v["type"].as_str().unwrap()).collect();
    assert_eq!(types.iter().filter(|t| **t == "order.created").count(), 1, "{got:?}");
    assert_eq!(
        types.iter().filter(|t| **t == "ticket.checked_in").count(),
        1,
        "one admission, not the refused scan: {got:?}"
    );
    assert!(!types.contains(&"order.paid"), "not subscribed: {got:?}");
    let created = got.iter().find(|v| v["type"] == "order.created").unwrap();
    assert_eq!(created["data"]["id"], id.as_str());
    assert_ne!(created["data"]["id"], first.as_str());
    let admitted = got.iter().find(|v| v["type"] == "ticket.checked_in").unwrap();
    assert_eq!(admitted["data"]["ticket_id"], tickets.body[0]["id"]);
}

async fn reminders_arrive_by_email_when_they_are_due_and_not_after_the_order_moved_on() {
    let sink = tokio::task::spawn_blocking(tessera_mail::testing::SmtpSink::start).await.unwrap();
    let cfg = AppConfig { smtp: Some(sink.config()), ..config() };
    let s = shop(
        cfg,
        2000,
        10,
        json!({"provider": "manual", "manual": {"instructions": "Pay to IBAN DE00 1234", "due_days": 5}}),
    )
    .await;
    let pricing = format!("/api/v1/orgs/{}/events/{}/pricing", s.org, s.event);
    let r = s.t.put(&pricing, &s.owner, json!({"reminder_hours": 24})).await;
    assert_eq!(r.status, 200, "{r:?}");

    // Manual payment: the instructions at once, a reminder the day before the due date.
    let (a, a_token, _) = s.buy(1, "transfer@example.org").await;
    assert_eq!(s.checkout(&a, &a_token).await.status, 200);
    // A second manual order that is paid before its reminder is due gets none.
    let (b, b_token, _) = s.buy(1, "prompt@example.org").await;
    assert_eq!(s.checkout(&b, &b_token).await.status, 200);
    s.drain_outbox().await;
    let r = s.t.post(&format!("/api/v1/orgs/{}/orders/{b}/mark-paid", s.org), &s.owner, json!({})).await;
    assert_eq!(r.status, 200, "{r:?}");
    s.drain_outbox().await;
    s.t.clock.advance_secs(4 * 86_400 + 3600);
    s.drain_outbox().await;
    // The event reminder for the paid order, 24 hours before the start (30 days out).
    s.t.clock.advance_secs(25 * 86_400);
    s.drain_outbox().await;

    let got = tokio::task::spawn_blocking(move || {
        let got = sink.wait_for(5, Duration::from_secs(20));
        (got, sink)
    })
    .await
    .unwrap()
    .0;
    let to = |who: &str| -> Vec<String> {
        got.iter()
            .filter(|m| m.rcpt_to.iter().any(|r| r == who))
            .map(|m| mail_parser::MessageParser::default().parse(&m.raw).unwrap().subject().unwrap_or("").to_string())
            .collect()
    };
    let transfer = to("transfer@example.org");
    let prompt = to("prompt@example.org");
    // transfer@: instructions and the day-before reminder (it never paid: no confirmation, no event reminder).
    assert_eq!(transfer.len(), 2, "{transfer:?}");
    let body = got
        .iter()
        .find(|m| m.rcpt_to.iter().any(|r| r == "transfer@example.org"))
        .map(|m| String::from_utf8_lossy(&m.raw).to_string())
        .unwrap();
    assert!(body.contains("IBAN DE00 1234"), "the instructions are in the e-mail");
    // prompt@: instructions, the confirmation, and the event reminder; no payment reminder after paying.
    assert_eq!(prompt.len(), 3, "{prompt:?}");
    assert!(
        prompt.iter().any(|s| s.starts_with("Reminder:")) && prompt.iter().any(|s| s.starts_with("Order confirmation"))
    );
    assert!(transfer.iter().all(|s| s.starts_with("Payment due")), "{transfer:?}");
}

async fn the_sandbox_is_refused_where_the_server_switched_it_off() {
    // A server once run with the sandbox on, then switched off.
    let on = shop(config(), 1000, 10, json!({"provider": "sandbox"})).await;
    let (id, token, _) = on.buy(1, "x@example.org").await;
    let pay = on.checkout(&id, &token).await.body["payment"]["id"].as_str().unwrap().to_string();
    let off = on.t.app.clone();
    let mut cfg = (*off.config).clone();
    cfg.allow_sandbox_payments = false;
    let off = tessera_app::App::new(on.t.store.clone(), on.t.clock.clone(), cfg);
    // No test payment completes, on the page or by a delayed job.
    assert!(matches!(off.sandbox_payment(&pay).await, Err(tessera_app::AppError::NotFound)));
    let r = off.sandbox_complete(&pay, tessera_app::payments::SandboxOutcome::Success, 1).await;
    assert!(matches!(r, Err(tessera_app::AppError::NotFound)), "{r:?}");
    let owner = match &on.owner {
        Auth::Session(s) => tessera_app::Actor::User(on.t.app.session_user(&s.cookie).await.unwrap().unwrap().0),
        _ => unreachable!(),
    };
    let r = off
        .set_payment_settings(
            &owner,
            on.org.parse().unwrap(),
            tessera_app::payments::PaymentSettingsInput { provider: "sandbox".into(), manual: None, stripe: None },
        )
        .await;
    assert!(matches!(r, Err(tessera_app::AppError::Invalid(_))), "{r:?}");
    assert_eq!(on.order(&id, &token).await["state"], "pending");
}

async fn a_late_payment_on_a_seated_event_takes_the_same_seats_back_or_is_refunded() {
    let t = spawn_app_on(&DB.with(|u| u.clone()), config(), tessera_web::WebConfig::default()).await;
    let (owner, org) = t.organizer("owner@example.org", "alpha").await;
    let venue = t.venue(&owner, &org, "Theatre").await;
    let event = t.post(&format!("/api/v1/orgs/{org}/events"), &owner, event_body(&venue, "Play", 30)).await.body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let q = t
        .post(&format!("/api/v1/orgs/{org}/events/{event}/quotas"), &owner, json!({"name": "House", "capacity": 4}))
        .await;
    let tt = t
        .post(
            &format!("/api/v1/orgs/{org}/events/{event}/ticket-types"),
            &owner,
            json!({"name": "Stalls", "price_minor": 1000, "currency": "EUR", "max_per_order": 4, "quota_ids": [q.body["id"]]}),
        )
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let map = json!({"shape": "rectangular", "rows": 1, "seats_per_row": 4, "categories": ["A"]});
    assert_eq!(t.post(&format!("/api/v1/orgs/{org}/venues/{venue}/seat-map/generate"), &owner, map).await.status, 200);
    assert_eq!(
        t.put(&format!("/api/v1/orgs/{org}/events/{event}/seating"), &owner, json!({"zones": {"A": tt}})).await.status,
        200
    );
    assert_eq!(
        t.put(&format!("/api/v1/orgs/{org}/payment-settings"), &owner, json!({"provider": "sandbox"})).await.status,
        200
    );
    assert_eq!(t.post(&format!("/api/v1/orgs/{org}/events/{event}/publish"), &owner, json!({})).await.status, 200);
    let s = Shop { t, owner, org, event: event.clone(), ticket_type: tt };
    let buy_seats = async |email: &str| {
        let r =
            s.t.post(
                &format!("/api/v1/events/{event}/orders"),
                &Auth::None,
                json!({"seats": {"best": {"count": 2}}, "email": email, "name": "Seat Holder"}),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        (r.body["id"].as_str().unwrap().to_string(), r.body["access_token"].as_str().unwrap().to_string())
    };
    let pay_later = async |id: &str, token: &str| {
        let pay = s.checkout(id, token).await.body["payment"]["id"].as_str().unwrap().to_string();
        assert_eq!(s.sandbox(&pay, "outcome=delayed&delay_secs=900").await.0, 200);
    };

    // A's seats are still free when its late payment arrives: A gets them, sold, on its tickets.
    let (a, a_token) = buy_seats("a@example.org").await;
    pay_later(&a, &a_token).await;
    s.t.clock.advance_secs(700);
    s.t.app.sweep_once().await.unwrap();
    assert_eq!(s.order(&a, &a_token).await["state"], "expired");
    s.t.clock.advance_secs(300);
    s.drain_outbox().await;
    assert_eq!(s.order(&a, &a_token).await["state"], "paid");
    let tickets = s.as_buyer(reqwest::Method::GET, &format!("/api/v1/orders/{a}/tickets"), &a_token).await;
    let seats: Vec<&str> = tickets.body.as_array().unwrap().iter().map(|t| t["seat"].as_str().unwrap()).collect();
    assert_eq!(seats.len(), 2, "{tickets:?}");
    let statuses = s.t.get(&format!("/api/v1/events/{event}/seats"), &Auth::None).await;
    assert_eq!(statuses.body["statuses"].as_str().unwrap().matches('s').count(), 2, "{statuses:?}");

    // B's seats went to C meanwhile: B's money goes back, nobody holds a seat twice.
    let (b, b_token) = buy_seats("b@example.org").await;
    pay_later(&b, &b_token).await;
    s.t.clock.advance_secs(700);
    s.t.app.sweep_once().await.unwrap();
    let (c, c_token) = buy_seats("c@example.org").await;
    let pay_c = s.checkout(&c, &c_token).await.body["payment"]["id"].as_str().unwrap().to_string();
    assert_eq!(s.sandbox(&pay_c, "outcome=success").await.0, 200);
    s.t.clock.advance_secs(300);
    s.drain_outbox().await;
    let o = s.order(&b, &b_token).await;
    assert_eq!((o["state"].as_str(), o["refunded"]["amount_minor"].as_i64()), (Some("expired"), Some(2000)), "{o}");
    s.assert_ledger(&b, &b_token).await;
    let statuses = s.t.get(&format!("/api/v1/events/{event}/seats"), &Auth::None).await;
    assert_eq!(statuses.body["statuses"].as_str().unwrap(), "ssss", "{statuses:?}");
}
