//! Gift cards over HTTP, on SQLite and PostgreSQL: issuing (codes shown once,
//! masked after), paying part of an order with a card and the rest through
//! the provider, a card that covers everything, refunds back to the card
//! first and never more per means than it paid, a card in another currency,
//! expired, disabled or of another organization refused naming `gift_card`
//! with nothing changed, the debit given back when the hold expires or the
//! order is cancelled, racing spenders of one card never below zero, and
//! counter redemptions repeated with one Idempotency-Key spending once.

use crate::helpers::*;
use reqwest::Method;
use serde_json::{Value, json};
use tessera_app::AppConfig;

crate::on_both_backends!(
    staff_issue_list_masked_and_disable_cards_and_bad_input_names_the_field,
    a_card_pays_part_the_provider_the_rest_and_refunds_go_back_to_the_card_first,
    a_card_that_covers_the_order_pays_it_at_once,
    cards_that_cannot_pay_are_refused_naming_the_field_with_nothing_changed,
    the_debit_comes_back_when_the_hold_expires_or_the_order_is_cancelled,
    racing_spenders_of_one_card_never_take_it_below_zero,
    counter_redemptions_spend_once_per_idempotency_key,
    the_pages_issue_show_the_code_once_pay_and_redeem,
);

struct Shop {
    t: TestApp,
    owner: Auth,
    org: String,
    event: String,
    ticket_type: String,
}

/// A published event: one ticket type at 25.00 EUR with a 1.00 fee per
/// ticket and an inclusive tax, paid through the sandbox.
async fn shop() -> Shop {
    let config = AppConfig { allow_sandbox_payments: true, ..test_config() };
    let t = spawn_app_on(&DB.with(Clone::clone), config, tessera_web::WebConfig::default()).await;
    let (owner, org) = t.organizer("owner@example.org", "alpha").await;
    let venue = t.venue(&owner, &org, "Hall").await;
    let e = t.post(&format!("/api/v1/orgs/{org}/events"), &owner, event_body(&venue, "Gig", 30)).await;
    let event = e.body["id"].as_str().unwrap().to_string();
    let q = t
        .post(&format!("/api/v1/orgs/{org}/events/{event}/quotas"), &owner, json!({"name": "House", "capacity": 100}))
        .await;
    let tt = t
        .post(
            &format!("/api/v1/orgs/{org}/events/{event}/ticket-types"),
            &owner,
            json!({"name": "GA", "price_minor": 2500, "currency": "EUR", "max_per_order": 6, "quota_ids": [q.body["id"]]}),
        )
        .await;
    assert_eq!(tt.status, 201, "{tt:?}");
    let ticket_type = tt.body["id"].as_str().unwrap().to_string();
    let pricing = json!({
        "fees": {"per_ticket_minor": 100},
        "taxes": {ticket_type.clone(): {"rate_bp": 1900, "inclusive": true}},
        "refunds": {"buyer_refunds": true, "deadline_hours": 48, "fee_minor": 0},
    });
    assert_eq!(t.put(&format!("/api/v1/orgs/{org}/events/{event}/pricing"), &owner, pricing).await.status, 200);
    let s = t.put(&format!("/api/v1/orgs/{org}/payment-settings"), &owner, json!({"provider": "sandbox"})).await;
    assert_eq!(s.status, 200, "{s:?}");
    assert_eq!(t.post(&format!("/api/v1/orgs/{org}/events/{event}/publish"), &owner, json!({})).await.status, 200);
    Shop { t, owner, org, event, ticket_type }
}

impl Shop {
    async fn card(&self, value: i64, currency: &str) -> Value {
        let r = self
            .t
            .post(
                &format!("/api/v1/orgs/{}/gift-cards", self.org),
                &self.owner,
                json!({"currency": currency, "value_minor": value, "note": "for Ada"}),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        r.body
    }

    async fn detail(&self, card: &Value) -> Value {
        let r = self
            .t
            .get(&format!("/api/v1/orgs/{}/gift-cards/{}", self.org, card["id"].as_str().unwrap()), &self.owner)
            .await;
        assert_eq!(r.status, 200, "{r:?}");
        r.body
    }

    async fn balance(&self, card: &Value) -> i64 {
        self.detail(card).await["card"]["balance"]["amount_minor"].as_i64().unwrap()
    }

    /// Places an order of `qty` tickets; returns (order id, token).
    async fn buy(&self, qty: i64) -> (String, String) {
        let r = self
            .t
            .post(
                &format!("/api/v1/events/{}/orders", self.event),
                &Auth::None,
                json!({"lines": [{"ticket_type_id": self.ticket_type, "quantity": qty}], "email": "ada@example.org", "name": "Ada"}),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        (r.body["id"].as_str().unwrap().into(), r.body["access_token"].as_str().unwrap().into())
    }

    async fn as_buyer(&self, method: Method, path: &str, token: &str, body: Option<Value>) -> Res {
        let mut rb = self.t.client.request(method, format!("{}{path}", self.t.base)).header("x-order-token", token);
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        self.t.send(rb).await
    }

    async fn pay_with(&self, id: &str, token: &str, code: &str) -> Res {
        self.as_buyer(Method::POST, &format!("/api/v1/orders/{id}/gift-card"), token, Some(json!({"code": code}))).await
    }

    async fn order(&self, id: &str, token: &str) -> Value {
        self.as_buyer(Method::GET, &format!("/api/v1/orders/{id}"), token, None).await.body
    }

    async fn money(&self, id: &str) -> Value {
        let r = self.t.get(&format!("/api/v1/orgs/{}/orders/{id}/money", self.org), &self.owner).await;
        assert_eq!(r.status, 200, "{r:?}");
        r.body
    }

    /// Every transaction of the order balances; the card liability and the
    /// provider account together hold what was paid less what went back.
    async fn assert_ledger(&self, id: &str, token: &str) {
        let m = self.money(id).await;
        let mut by_txn = std::collections::BTreeMap::<String, i64>::new();
        let mut held = 0;
        for e in m["ledger"].as_array().unwrap() {
            let a = e["amount"]["amount_minor"].as_i64().unwrap();
            *by_txn.entry(e["txn_id"].as_str().unwrap().into()).or_default() += a;
            let account = e["account"].as_str().unwrap();
            if account.starts_with("provider:") || account.ends_with(":gift_cards") {
                held += a;
            }
        }
        assert!(by_txn.values().all(|s| *s == 0), "unbalanced: {by_txn:?}");
        let o = self.order(id, token).await;
        let (paid, refunded) =
            (o["paid"]["amount_minor"].as_i64().unwrap(), o["refunded"]["amount_minor"].as_i64().unwrap());
        assert_eq!(held, paid - refunded, "{m}");
        assert!(refunded <= paid);
    }

    /// The whole organization's ledger balances, and its gift-card
    /// liability is minus the sum of the cards' balances.
    async fn assert_org_ledger(&self, cards: &[&Value]) {
        let entries = self.t.store.org_ledger(self.org.parse().unwrap()).await.unwrap();
        let mut by_txn = std::collections::BTreeMap::<String, i64>::new();
        let mut liability = 0;
        for e in &entries {
            *by_txn.entry(e.txn_id.clone()).or_default() += e.amount.amount_minor;
            if e.account.ends_with(":gift_cards") {
                liability += e.amount.amount_minor;
            }
        }
        assert!(by_txn.values().all(|s| *s == 0), "unbalanced: {by_txn:?}");
        let mut balances = 0;
        for c in cards {
            balances += self.balance(c).await;
        }
        assert_eq!(-liability, balances);
    }
}

fn amount(v: &Value) -> i64 {
    v["amount_minor"].as_i64().unwrap()
}

async fn staff_issue_list_masked_and_disable_cards_and_bad_input_names_the_field() {
    let s = shop().await;
    let card = s.card(5000, "EUR").await;
    let code = card["code"].as_str().unwrap().to_string();
    assert!(code.starts_with("GIFT-") && code.len() == 19, "{code}");
    assert_eq!((amount(&card["balance"]), amount(&card["initial"])), (5000, 5000));
    // Listed and shown masked: the code is a bearer secret.
    let list = s.t.get(&format!("/api/v1/orgs/{}/gift-cards", s.org), &s.owner).await;
    assert_eq!(list.status, 200);
    let shown = list.body[0]["code"].as_str().unwrap();
    assert_eq!(shown, format!("GIFT-••••-••••-{}", &code[15..]));
    assert!(!list.body.to_string().contains(&code), "the full code is never listed");
    let d = s.detail(&card).await;
    assert_eq!(d["transactions"].as_array().unwrap().len(), 1);
    assert_eq!(d["transactions"][0]["kind"], "issue");
    assert!(d["transactions"][0]["actor"].as_str().unwrap().starts_with("user:"));
    // Bad input: 4xx naming the field, and no card made.
    for (body, field) in [
        (json!({"currency": "EUR", "value_minor": 0}), "value_minor"),
        (json!({"currency": "EUR", "value_minor": 1_000_000_000}), "value_minor"),
        (json!({"currency": "EUR", "value_minor": 100, "expires_at": "2001-01-01T00:00:00Z"}), "expires_at"),
        (json!({"currency": "EUR", "value_minor": 100, "note": "x".repeat(201)}), "note"),
    ] {
        let r = s.t.post(&format!("/api/v1/orgs/{}/gift-cards", s.org), &s.owner, body).await;
        assert_eq!((r.status, r.fields()), (422, vec![field.to_string()]), "{r:?}");
    }
    let r = s
        .t
        .post(&format!("/api/v1/orgs/{}/gift-cards", s.org), &s.owner, json!({"currency": "EURO", "value_minor": 100}))
        .await;
    assert!((400..500).contains(&r.status), "{r:?}");
    let r =
        s.t.post(
            &format!("/api/v1/orgs/{}/gift-cards", s.org),
            &s.owner,
            json!({"currency": "EUR", "value_minor": 1, "bogus": 1}),
        )
        .await;
    assert!((400..500).contains(&r.status), "{r:?}");
    assert_eq!(
        s.t.get(&format!("/api/v1/orgs/{}/gift-cards", s.org), &s.owner).await.body.as_array().unwrap().len(),
        1
    );
    // The buyer's balance check: masked, and wrong codes are refused naming `code`.
    let b =
        s.t.post("/api/v1/gift-cards/balance", &Auth::None, json!({"org_id": s.org, "code": code.to_lowercase()}))
            .await;
    assert_eq!(b.status, 200, "{b:?}");
    assert_eq!(amount(&b.body["balance"]), 5000);
    assert_eq!(b.body["code"], shown);
    let b =
        s.t.post("/api/v1/gift-cards/balance", &Auth::None, json!({"org_id": s.org, "code": "GIFT-0000-0000-0000"}))
            .await;
    assert_eq!((b.status, b.code(), b.fields()), (422, "gift_card_unknown", vec!["code".to_string()]), "{b:?}");
    // Another organization sees none of it.
    let (other, other_org) = s.t.organizer("other@example.org", "beta").await;
    let id = card["id"].as_str().unwrap();
    let r = s.t.get(&format!("/api/v1/orgs/{other_org}/gift-cards/{id}"), &other).await;
    assert_eq!(r.status, 404, "{r:?}");
    let r = s.t.get(&format!("/api/v1/orgs/{}/gift-cards/{id}", s.org), &other).await;
    assert!(r.status == 403 || r.status == 404, "{r:?}");
    let r = s.t.post(&format!("/api/v1/orgs/{other_org}/gift-cards/{id}/disable"), &other, json!({})).await;
    assert_eq!(r.status, 404, "{r:?}");
    // Disabled: nothing can be spent; enabled again: it pays.
    let r = s.t.post(&format!("/api/v1/orgs/{}/gift-cards/{id}/disable", s.org), &s.owner, json!({})).await;
    assert_eq!((r.status, r.body["state"].as_str()), (200, Some("disabled")), "{r:?}");
    let (o, token) = s.buy(1).await;
    let r = s.pay_with(&o, &token, &code).await;
    assert_eq!((r.status, r.code(), r.fields()), (422, "gift_card_disabled", vec!["gift_card".to_string()]), "{r:?}");
    let r = s.t.post(&format!("/api/v1/orgs/{}/gift-cards/{id}/enable", s.org), &s.owner, json!({})).await;
    assert_eq!(r.status, 200);
    assert_eq!(s.pay_with(&o, &token, &code).await.status, 200);
    s.assert_org_ledger(&[&card]).await;
}

async fn a_card_pays_part_the_provider_the_rest_and_refunds_go_back_to_the_card_first() {
    let s = shop().await;
    let card = s.card(1000, "EUR").await;
    let code = card["code"].as_str().unwrap();
    let (id, token) = s.buy(1).await;
    let r = s.pay_with(&id, &token, code).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["state"], "pending", "2600 to pay, 1000 on the card");
    assert_eq!(amount(&r.body["paid"]), 1000);
    assert_eq!(s.balance(&card).await, 0);
    // Again: nothing left on it, nothing changes.
    let again = s.pay_with(&id, &token, code).await;
    assert_eq!((again.status, again.code()), (422, "gift_card_empty"), "{again:?}");
    // The provider is asked for the rest only.
    let c = s.as_buyer(Method::POST, &format!("/api/v1/orders/{id}/checkout"), &token, None).await;
    assert_eq!(c.status, 200, "{c:?}");
    assert_eq!(amount(&c.body["payment"]["amount"]), 1600);
    let pay = c.body["payment"]["id"].as_str().unwrap();
    let done =
        s.t.client
            .post(format!("{}/pay/sandbox/{pay}", s.t.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("outcome=success")
            .send()
            .await
            .unwrap();
    assert_eq!(done.status().as_u16(), 200);
    let o = s.order(&id, &token).await;
    assert_eq!(o["state"], "paid", "{o}");
    assert_eq!(amount(&o["paid"]), 2600);
    assert_eq!(o["tickets"].as_array().unwrap().len(), 1);
    s.assert_ledger(&id, &token).await;
    // A partial refund: the card's part goes back first.
    let refund = |body: Value, key: &'static str| {
        let rb =
            s.t.client
                .post(format!("{}/api/v1/orgs/{}/orders/{id}/refunds", s.t.base, s.org))
                .json(&body)
                .header("idempotency-key", key);
        let rb = match &s.owner {
            Auth::Session(x) => {
                rb.header("cookie", format!("tessera_session={}", x.cookie)).header("x-csrf-token", &x.csrf)
            }
            _ => rb,
        };
        s.t.send(rb)
    };
    let r = refund(json!({"amount_minor": 1200, "reason": "goodwill"}), "refund-one-0000001").await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(s.balance(&card).await, 1000, "the card got all it paid back");
    let m = s.money(&id).await;
    let refunds = m["refunds"].as_array().unwrap();
    assert_eq!(refunds.len(), 2, "{m}");
    assert_eq!((refunds[0]["provider"].as_str(), amount(&refunds[0]["amount"])), (Some("giftcard"), 1000));
    assert_eq!((refunds[1]["provider"].as_str(), amount(&refunds[1]["amount"])), (Some("sandbox"), 200));
    // The same request again changes nothing.
    let r = refund(json!({"amount_minor": 1200, "reason": "goodwill"}), "refund-one-0000001").await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(s.money(&id).await["refunds"].as_array().unwrap().len(), 2);
    assert_eq!(s.balance(&card).await, 1000);
    // More than is left: refused naming the amount, nothing changes.
    let r = refund(json!({"amount_minor": 1401, "reason": "too much"}), "refund-two-0000001").await;
    assert_eq!((r.status, r.fields()), (422, vec!["amount_minor".to_string()]), "{r:?}");
    // The rest: all through the provider; the card gets nothing more.
    let r = refund(json!({"reason": "all of it"}), "refund-three-00001").await;
    assert_eq!(r.status, 200, "{r:?}");
    let o = s.order(&id, &token).await;
    assert_eq!((o["state"].as_str(), amount(&o["refunded"])), (Some("refunded"), 2600), "{o}");
    assert_eq!(s.balance(&card).await, 1000);
    s.assert_ledger(&id, &token).await;
    s.assert_org_ledger(&[&card]).await;
    let log = s.detail(&card).await["transactions"].clone();
    let kinds: Vec<&str> = log.as_array().unwrap().iter().map(|t| t["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["issue", "checkout", "refund"]);
    assert_eq!(log[1]["order_id"].as_str(), Some(id.as_str()));
}

async fn a_card_that_covers_the_order_pays_it_at_once() {
    let s = shop().await;
    let card = s.card(6000, "EUR").await;
    let (id, token) = s.buy(2).await;
    let r = s.pay_with(&id, &token, card["code"].as_str().unwrap()).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["state"], "paid");
    assert_eq!(amount(&r.body["paid"]), 5200);
    assert_eq!(r.body["tickets"].as_array().unwrap().len(), 2, "tickets issued as with any payment");
    assert_eq!(s.balance(&card).await, 800);
    s.assert_ledger(&id, &token).await;
    // Nothing is left to pay: no provider payment.
    let c = s.as_buyer(Method::POST, &format!("/api/v1/orders/{id}/checkout"), &token, None).await;
    assert_eq!((c.status, c.code()), (409, "already_paid"), "{c:?}");
    // The buyer refunds: all of it goes back to the card.
    let r = s.as_buyer(Method::POST, &format!("/api/v1/orders/{id}/refund"), &token, None).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(s.balance(&card).await, 6000);
    assert_eq!(s.order(&id, &token).await["state"], "refunded");
    s.assert_ledger(&id, &token).await;
    s.assert_org_ledger(&[&card]).await;
}

async fn cards_that_cannot_pay_are_refused_naming_the_field_with_nothing_changed() {
    let s = shop().await;
    let (id, token) = s.buy(1).await;
    let usd = s.card(5000, "USD").await;
    let r = s.pay_with(&id, &token, usd["code"].as_str().unwrap()).await;
    assert_eq!((r.status, r.code(), r.fields()), (422, "gift_card_currency", vec!["gift_card".to_string()]), "{r:?}");
    // Expiring in an hour; two hours later it is refused (a fresh order: the first one's hold ran out).
    let soon = (s.t.app.now() + jiff::SignedDuration::from_hours(1)).to_string();
    let r =
        s.t.post(
            &format!("/api/v1/orgs/{}/gift-cards", s.org),
            &s.owner,
            json!({"currency": "EUR", "value_minor": 900, "expires_at": soon}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let expiring = r.body;
    s.t.clock.advance_secs(2 * 3600);
    let (id2, token2) = s.buy(1).await;
    let r = s.pay_with(&id2, &token2, expiring["code"].as_str().unwrap()).await;
    assert_eq!((r.status, r.code(), r.fields()), (422, "gift_card_expired", vec!["gift_card".to_string()]), "{r:?}");
    // A typo the check character catches, and a promo code: refused before any lookup.
    let code = s.card(500, "EUR").await["code"].as_str().unwrap().to_string();
    let mut typo = code.clone().into_bytes();
    let i = typo.len() - 1;
    typo[i] = if typo[i] == b'0' { b'1' } else { b'0' };
    for bad in [String::from_utf8(typo).unwrap(), "EARLYBIRD".into(), String::new()] {
        let r = s.pay_with(&id2, &token2, &bad).await;
        assert_eq!((r.status, r.fields()), (422, vec!["gift_card".to_string()]), "{bad}: {r:?}");
    }
    // Another organization's card does not exist here.
    let (other, other_org) = s.t.organizer("other@example.org", "beta").await;
    let r = s
        .t
        .post(&format!("/api/v1/orgs/{other_org}/gift-cards"), &other, json!({"currency": "EUR", "value_minor": 9000}))
        .await;
    assert_eq!(r.status, 201);
    let theirs = r.body["code"].as_str().unwrap().to_string();
    let r = s.pay_with(&id2, &token2, &theirs).await;
    assert_eq!((r.status, r.code(), r.fields()), (422, "gift_card_unknown", vec!["gift_card".to_string()]), "{r:?}");
    // Without the order's token: the order does not exist for this caller.
    let r = s.t.post(&format!("/api/v1/orders/{id2}/gift-card"), &Auth::None, json!({"code": code})).await;
    assert_eq!(r.status, 404, "{r:?}");
    // Nothing changed anywhere.
    let o = s.order(&id2, &token2).await;
    assert_eq!((o["state"].as_str(), amount(&o["paid"])), (Some("pending"), 0));
    assert_eq!(s.money(&id2).await["ledger"].as_array().unwrap().len(), 0);
    assert_eq!(s.balance(&usd).await, 5000);
    assert_eq!(s.balance(&expiring).await, 900);
    // An order that ran out of time refuses the card too.
    s.t.clock.advance_secs(3600);
    let r = s.pay_with(&id2, &token2, &code).await;
    assert_eq!((r.status, r.code()), (409, "hold_expired"), "{r:?}");
}

async fn the_debit_comes_back_when_the_hold_expires_or_the_order_is_cancelled() {
    let s = shop().await;
    let card = s.card(2000, "EUR").await;
    let code = card["code"].as_str().unwrap();
    let (a, a_token) = s.buy(1).await;
    assert_eq!(s.pay_with(&a, &a_token, code).await.status, 200);
    assert_eq!(s.balance(&card).await, 0);
    // The hold runs out: the sweep gives the card its money back.
    s.t.clock.advance_secs(3600);
    s.t.app.sweep_once().await.unwrap();
    let o = s.order(&a, &a_token).await;
    assert_eq!((o["state"].as_str(), amount(&o["refunded"])), (Some("expired"), 2000), "{o}");
    assert_eq!(s.balance(&card).await, 2000);
    s.assert_ledger(&a, &a_token).await;
    // A late provider payment for the rest cannot revive it: it is short of the total.
    // The buyer cancels a pending order: the card gets its part back at once.
    let (b, b_token) = s.buy(1).await;
    assert_eq!(s.pay_with(&b, &b_token, code).await.status, 200);
    assert_eq!(s.balance(&card).await, 0);
    let x = s.as_buyer(Method::POST, &format!("/api/v1/orders/{b}/cancel"), &b_token, None).await;
    assert_eq!(x.status, 200, "{x:?}");
    assert_eq!(s.balance(&card).await, 2000);
    s.assert_ledger(&b, &b_token).await;
    s.assert_org_ledger(&[&card]).await;
    let log = s.detail(&card).await["transactions"].clone();
    let kinds: Vec<&str> = log.as_array().unwrap().iter().map(|t| t["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["issue", "checkout", "refund", "checkout", "refund"]);
}

async fn racing_spenders_of_one_card_never_take_it_below_zero() {
    let s = std::sync::Arc::new(shop().await);
    // Twenty orders race for one card worth two orders: the first two win
    // it all, the rest are refused, and it never goes below zero.
    let card = s.card(5200, "EUR").await;
    let code = card["code"].as_str().unwrap().to_string();
    let mut orders = vec![];
    for _ in 0..20 {
        orders.push(s.buy(1).await);
    }
    let mut tasks = vec![];
    for (id, token) in orders.clone() {
        let (s, code) = (s.clone(), code.clone());
        tasks.push(tokio::spawn(async move { s.pay_with(&id, &token, &code).await }));
    }
    let mut paid = 0;
    for task in tasks {
        let r = task.await.unwrap();
        match r.status {
            200 => paid += amount(&r.body["paid"]),
            _ => assert_eq!(
                (r.status, r.code(), r.fields()),
                (422, "gift_card_empty", vec!["gift_card".to_string()]),
                "{r:?}"
            ),
        }
    }
    assert_eq!(paid, 5200, "exactly the card's value was spent");
    assert_eq!(s.balance(&card).await, 0);
    for (id, token) in &orders {
        s.assert_ledger(id, token).await;
    }
    // Twenty counters race to take 3.00 off a 10.00 card: three win.
    let small = s.card(1000, "EUR").await;
    let code = small["code"].as_str().unwrap().to_string();
    let mut tasks = vec![];
    for _ in 0..20 {
        let (s, code) = (s.clone(), code.clone());
        tasks.push(tokio::spawn(async move {
            s.t.post(
                &format!("/api/v1/orgs/{}/gift-cards/redeem", s.org),
                &s.owner,
                json!({"code": code, "amount_minor": 300}),
            )
            .await
        }));
    }
    let mut won = 0;
    for task in tasks {
        let r = task.await.unwrap();
        match r.status {
            200 => won += 1,
            _ => assert_eq!(
                (r.status, r.code(), r.fields()),
                (422, "gift_card_insufficient", vec!["amount_minor".to_string()]),
                "{r:?}"
            ),
        }
    }
    assert_eq!(won, 3);
    assert_eq!(s.balance(&small).await, 100);
    s.assert_org_ledger(&[&card, &small]).await;
}

async fn counter_redemptions_spend_once_per_idempotency_key() {
    let s = shop().await;
    let card = s.card(1000, "EUR").await;
    let code = card["code"].as_str().unwrap().to_string();
    let redeem = |body: Value, key: &'static str| {
        let rb =
            s.t.client
                .post(format!("{}/api/v1/orgs/{}/gift-cards/redeem", s.t.base, s.org))
                .json(&body)
                .header("idempotency-key", key);
        let rb = match &s.owner {
            Auth::Session(x) => {
                rb.header("cookie", format!("tessera_session={}", x.cookie)).header("x-csrf-token", &x.csrf)
            }
            _ => rb,
        };
        s.t.send(rb)
    };
    // Staff look the card up first (typed in lower case, without dashes).
    let l =
        s.t.post(
            &format!("/api/v1/orgs/{}/gift-cards/lookup", s.org),
            &s.owner,
            json!({"code": code.to_lowercase().replace('-', " ")}),
        )
        .await;
    assert!(l.status == 200 || l.status == 422, "{l:?}");
    let l =
        s.t.post(&format!("/api/v1/orgs/{}/gift-cards/lookup", s.org), &s.owner, json!({"code": code.to_lowercase()}))
            .await;
    assert_eq!((l.status, amount(&l.body["balance"])), (200, 1000), "{l:?}");
    let body = json!({"code": code, "amount_minor": 350, "note": "two coffees"});
    let first = redeem(body.clone(), "counter-redeem-0001").await;
    assert_eq!(first.status, 200, "{first:?}");
    assert_eq!(amount(&first.body["card"]["balance"]), 650);
    let again = redeem(body.clone(), "counter-redeem-0001").await;
    assert_eq!(again.status, 200, "{again:?}");
    assert_eq!(again.body["transaction"]["id"], first.body["transaction"]["id"]);
    assert_eq!(s.balance(&card).await, 650, "spent once");
    // The same key with another body is refused; a new key spends again.
    let other = redeem(json!({"code": code, "amount_minor": 100}), "counter-redeem-0001").await;
    assert_eq!(other.status, 422, "{other:?}");
    assert_eq!(redeem(json!({"code": code, "amount_minor": 100}), "counter-redeem-0002").await.status, 200);
    assert_eq!(s.balance(&card).await, 550);
    // The app's own guard, below the HTTP layer: a repeated key spends nothing more.
    let org: tessera_domain::OrgId = s.org.parse().unwrap();
    let normalized = tessera_domain::giftcards::normalize(&code).unwrap();
    let a =
        s.t.store
            .redeem_gift_card(org, &normalized, 50, "user:x", "", Some("k-1"), s.t.app.now())
            .await
            .unwrap()
            .unwrap();
    let b =
        s.t.store
            .redeem_gift_card(org, &normalized, 50, "user:x", "", Some("k-1"), s.t.app.now())
            .await
            .unwrap()
            .unwrap();
    assert_eq!(a.1.id, b.1.id);
    assert_eq!(s.balance(&card).await, 500);
    // Bad input names the field; more than the balance spends nothing.
    for (body, field, code_) in [
        (json!({"code": code, "amount_minor": 0}), "amount_minor", "invalid_input"),
        (json!({"code": "GIFT-1234", "amount_minor": 10}), "code", "invalid_input"),
        (json!({"code": code, "amount_minor": 501}), "amount_minor", "gift_card_insufficient"),
        (json!({"code": "GIFT-0000-0000-0000", "amount_minor": 10}), "code", "gift_card_unknown"),
    ] {
        let r = s.t.post(&format!("/api/v1/orgs/{}/gift-cards/redeem", s.org), &s.owner, body).await;
        assert_eq!((r.status, r.code(), r.fields()), (422, code_, vec![field.to_string()]), "{r:?}");
    }
    assert_eq!(s.balance(&card).await, 500);
    let log = s.detail(&card).await["transactions"].clone();
    let kinds: Vec<&str> = log.as_array().unwrap().iter().map(|t| t["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["issue", "counter", "counter", "counter"]);
    assert_eq!(log[1]["note"], "two coffees");
    s.assert_org_ledger(&[&card]).await;
}

fn value_of(html: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\"");
    let at = html.find(&marker).unwrap_or_else(|| panic!("no {id} in {html}"));
    let rest = &html[at..];
    let v = rest.find("value=\"").unwrap() + 7;
    rest[v..].split('"').next().unwrap().to_string()
}

async fn the_pages_issue_show_the_code_once_pay_and_redeem() {
    let s = shop().await;
    let mut b = crate::browser::Browser::new(&s.t.base);
    b.sign_in("owner@example.org", "correct horse battery").await;
    let page = format!("/dashboard/orgs/{}/gift-cards", s.org);
    let list = b.get(&page).await;
    assert_eq!(list.status, 200);
    assert!(list.html.contains("Gift cards"), "the tab is there");
    // Typed as in the currency; too many decimals is said on the field.
    let r = b.submit(&page, &page, &[("value", "5.001"), ("currency", "EUR")]).await;
    assert_eq!(r.status, 422);
    assert!(r.html.contains("id=\"value-error\""), "{}", r.html);
    let r = b.submit(&page, &page, &[("value", "20.00"), ("currency", "eur"), ("note", "Prize <b>")]).await;
    assert_eq!(r.status, 303, "{}", r.html);
    let shown = b.get(r.location.as_deref().unwrap()).await;
    let code = value_of(&shown.html, "new-code");
    assert!(code.starts_with("GIFT-") && code.len() == 19, "{code}");
    assert!(shown.html.contains("Prize &") && !shown.html.contains("Prize <b>"), "escaped: {}", shown.html);
    // Once: the next visit shows it masked only.
    let again = b.get(&page).await;
    assert!(!again.html.contains(&code) && again.html.contains(&code[15..]), "{}", again.html);
    let cards = s.t.get(&format!("/api/v1/orgs/{}/gift-cards", s.org), &s.owner).await.body;
    assert_eq!(amount(&cards[0]["initial"]), 2000);
    let id = cards[0]["id"].as_str().unwrap().to_string();
    // The card's page: its history, and the switch.
    let detail = b.get(&format!("{page}/{id}")).await;
    assert_eq!(detail.status, 200);
    assert!(detail.html.contains("Issued"), "{}", detail.html);
    let r = b.submit(&format!("{page}/{id}"), &format!("{page}/{id}/state"), &[("state", "disabled")]).await;
    assert_eq!(r.status, 303);
    assert_eq!(s.detail(&cards[0]).await["card"]["state"], "disabled");
    let r = b.submit(&format!("{page}/{id}"), &format!("{page}/{id}/state"), &[("state", "active")]).await;
    assert_eq!(r.status, 303);
    // The buyer pays part with it on the order page; the rest is said.
    let (order, _token) = s.buy(1).await;
    let mut buyer = crate::browser::Browser::new(&s.t.base);
    let link = s.t.app.order_link(order.parse().unwrap());
    let opened = buyer.get(&link).await;
    let order_page = opened.location.clone().unwrap_or(link.clone());
    let o = buyer.get(&order_page).await;
    assert!(o.html.contains("name=\"gift_card\""), "{}", o.html);
    let r =
        buyer.submit(&order_page, &format!("/orders/{order}/gift-card"), &[("gift_card", "GIFT-0000-0000-0001")]).await;
    assert_eq!(r.status, 303);
    let refused = buyer.get(r.location.as_deref().unwrap()).await;
    assert!(refused.html.contains("role=\"alert\""), "{}", refused.html);
    let r =
        buyer.submit(&order_page, &format!("/orders/{order}/gift-card"), &[("gift_card", &code.to_lowercase())]).await;
    assert_eq!(r.status, 303);
    let o = buyer.get(r.location.as_deref().unwrap()).await;
    assert!(o.html.contains("Left to pay"), "{}", o.html);
    // The counter: look the card up, take 3.50 off; the same form sent twice spends once.
    let card = s.card(1000, "EUR").await;
    let code = card["code"].as_str().unwrap();
    let redeem = format!("/scan/{}/redeem", s.org);
    let choose = b.get("/scan").await;
    assert!(choose.html.contains(&redeem), "{}", choose.html);
    let r = b.submit(&redeem, &redeem, &[("code", code)]).await;
    assert_eq!(r.status, 200, "{}", r.html);
    assert!(r.html.contains("name=\"amount\""), "{}", r.html);
    let key = value_of(&r.html, "redeem-key");
    let fields = [("code", code), ("step", "redeem"), ("amount", "3.50"), ("request_key", key.as_str())];
    let done = b.submit(&redeem, &redeem, &fields).await;
    assert_eq!(done.status, 200, "{}", done.html);
    assert!(done.html.contains("taken off"), "{}", done.html);
    assert_eq!(b.submit(&redeem, &redeem, &fields).await.status, 200);
    assert_eq!(s.balance(&card).await, 650, "spent once");
    let too_much = [("code", code), ("step", "redeem"), ("amount", "7.00"), ("request_key", "another-key-000001")];
    let r = b.submit(&redeem, &redeem, &too_much).await;
    assert_eq!(r.status, 422);
    assert!(r.html.contains("id=\"amount-error\""), "{}", r.html);
    assert_eq!(s.balance(&card).await, 650);
}
