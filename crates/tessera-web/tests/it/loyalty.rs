//! Loyalty points over HTTP, on SQLite and PostgreSQL: the organization's
//! rule (bad input names each field), signed-in buyers earning when an order
//! is paid (not on what points paid), points paying part or all of an order
//! as their own payment with balanced ledger postings, more points than held
//! (and other bad input) refused naming `points` with nothing changed,
//! refunds taking back points earned and giving back points spent pro rata,
//! points given back when an unpaid order expires or is cancelled, expiry
//! (lazily and by the sweep), racing checkouts of one buyer on two events
//! never spending more than held, and a seeded random walk over orders,
//! points, gift cards and partial refunds checking the money invariants.

use crate::helpers::*;
use reqwest::Method;
use serde_json::{Value, json};
use tessera_app::AppConfig;

crate::on_both_backends!(
    the_rule_is_read_and_set_and_bad_input_names_each_field,
    a_paid_order_earns_and_points_pay_part_of_the_next,
    points_that_cover_the_rest_pay_the_order_and_take_only_the_steps_needed,
    more_points_than_held_and_other_bad_input_are_refused_naming_points_with_nothing_changed,
    refunds_take_back_points_earned_and_give_back_points_spent,
    points_come_back_when_an_unpaid_order_expires_or_is_cancelled,
    points_expire_lazily_and_by_the_sweep,
    racing_checkouts_on_two_events_never_spend_more_points_than_held,
    random_orders_points_gift_cards_and_partial_refunds_keep_the_invariants,
);

struct Shop {
    t: TestApp,
    owner: Auth,
    org: String,
    events: Vec<(String, String)>,
    buyer: Auth,
}

/// Two published events of one organization, each with one ticket type at
/// 25.00 EUR plus a 1.00 fee per ticket and an inclusive tax, paid through
/// the sandbox; points: 1 per euro... times 100 (so 2600 points for 26.00),
/// 100 points = 1.00, a year's life. A signed-in buyer.
async fn shop() -> Shop {
    let config = AppConfig { allow_sandbox_payments: true, ..test_config() };
    let t = spawn_app_on(&DB.with(Clone::clone), config, tessera_web::WebConfig::default()).await;
    let (owner, org) = t.organizer("owner@example.org", "alpha").await;
    let venue = t.venue(&owner, &org, "Hall").await;
    let mut events = vec![];
    for title in ["Gig", "Encore"] {
        let e = t.post(&format!("/api/v1/orgs/{org}/events"), &owner, event_body(&venue, title, 30)).await;
        let event = e.body["id"].as_str().unwrap().to_string();
        let q = t
            .post(
                &format!("/api/v1/orgs/{org}/events/{event}/quotas"),
                &owner,
                json!({"name": "House", "capacity": 100}),
            )
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
        assert_eq!(t.post(&format!("/api/v1/orgs/{org}/events/{event}/publish"), &owner, json!({})).await.status, 200);
        events.push((event, ticket_type));
    }
    let s = t.put(&format!("/api/v1/orgs/{org}/payment-settings"), &owner, json!({"provider": "sandbox"})).await;
    assert_eq!(s.status, 200, "{s:?}");
    let rule = json!({"enabled": true, "earn_per_unit": 100, "redeem_points": 100, "redeem_value_minor": 100, "expiry_days": 365});
    let r = t.put(&format!("/api/v1/orgs/{org}/loyalty"), &owner, rule).await;
    assert_eq!(r.status, 200, "{r:?}");
    let buyer = Auth::Session(t.register("ada@example.org").await);
    Shop { t, owner, org, events, buyer }
}

fn amount(v: &Value) -> i64 {
    v["amount_minor"].as_i64().unwrap()
}

impl Shop {
    /// Places an order of `qty` tickets of event `e` as `who`; returns (id, token).
    async fn buy_as(&self, who: &Auth, e: usize, qty: i64) -> (String, String) {
        let (event, tt) = &self.events[e];
        let r = self
            .t
            .post(
                &format!("/api/v1/events/{event}/orders"),
                who,
                json!({"lines": [{"ticket_type_id": tt, "quantity": qty}], "email": "ada@example.org", "name": "Ada"}),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        (r.body["id"].as_str().unwrap().into(), r.body["access_token"].as_str().unwrap().into())
    }

    async fn buy(&self, qty: i64) -> (String, String) {
        self.buy_as(&self.buyer, 0, qty).await
    }

    async fn as_buyer(&self, method: Method, path: &str, token: &str, body: Option<Value>) -> Res {
        let mut rb = self.t.client.request(method, format!("{}{path}", self.t.base)).header("x-order-token", token);
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        self.t.send(rb).await
    }

    async fn redeem(&self, id: &str, points: Value) -> Res {
        self.t.post(&format!("/api/v1/orders/{id}/points"), &self.buyer, json!({ "points": points })).await
    }

    async fn order(&self, id: &str) -> Value {
        let r = self.t.get(&format!("/api/v1/orders/{id}"), &self.buyer).await;
        assert_eq!(r.status, 200, "{r:?}");
        r.body
    }

    /// Pays what is left of an order through the sandbox.
    async fn pay_rest(&self, id: &str, token: &str) {
        let c = self.as_buyer(Method::POST, &format!("/api/v1/orders/{id}/checkout"), token, None).await;
        assert_eq!(c.status, 200, "{c:?}");
        let pay = c.body["payment"]["id"].as_str().unwrap();
        let done = self
            .t
            .client
            .post(format!("{}/pay/sandbox/{pay}", self.t.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("outcome=success")
            .send()
            .await
            .unwrap();
        assert_eq!(done.status().as_u16(), 200);
        assert_eq!(self.order(id).await["state"], "paid");
    }

    async fn points(&self) -> Value {
        let r = self.t.get(&format!("/api/v1/me/points/{}", self.org), &self.buyer).await;
        assert_eq!(r.status, 200, "{r:?}");
        r.body
    }

    async fn balance(&self) -> i64 {
        self.points().await["balance"].as_i64().unwrap()
    }

    async fn money(&self, id: &str) -> Value {
        let r = self.t.get(&format!("/api/v1/orgs/{}/orders/{id}/money", self.org), &self.owner).await;
        assert_eq!(r.status, 200, "{r:?}");
        r.body
    }

    async fn refund(&self, id: &str, body: Value, key: &str) -> Res {
        let rb = self
            .t
            .client
            .post(format!("{}/api/v1/orgs/{}/orders/{id}/refunds", self.t.base, self.org))
            .json(&body)
            .header("idempotency-key", key);
        let rb = match &self.owner {
            Auth::Session(x) => {
                rb.header("cookie", format!("tessera_session={}", x.cookie)).header("x-csrf-token", &x.csrf)
            }
            _ => rb,
        };
        self.t.send(rb).await
    }

    /// Every transaction of the order balances; what the provider, gift
    /// cards and points hold for it is what was paid less what went back;
    /// per payment, refunds never exceed it; nothing is negative.
    async fn assert_order_money(&self, id: &str) {
        let m = self.money(id).await;
        let mut by_txn = std::collections::BTreeMap::<String, i64>::new();
        let mut held = 0;
        for e in m["ledger"].as_array().unwrap() {
            let a = e["amount"]["amount_minor"].as_i64().unwrap();
            *by_txn.entry(e["txn_id"].as_str().unwrap().into()).or_default() += a;
            let account = e["account"].as_str().unwrap();
            if account.starts_with("provider:") || account.ends_with(":gift_cards") || account.ends_with(":loyalty") {
                held += a;
            }
        }
        assert!(by_txn.values().all(|s| *s == 0), "unbalanced: {by_txn:?}");
        let o = self.order(id).await;
        let (total, paid, refunded) = (amount(&o["total"]), amount(&o["paid"]), amount(&o["refunded"]));
        assert!(total >= 0 && paid >= 0 && refunded >= 0, "{o}");
        assert_eq!(held, paid - refunded, "{m}");
        assert!(refunded <= paid, "{o}");
        for p in m["payments"].as_array().unwrap() {
            let pid = p["id"].as_str().unwrap();
            let back: i64 = m["refunds"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["payment_id"].as_str() == Some(pid) && r["state"] != "failed")
                .map(|r| amount(&r["amount"]))
                .sum();
            assert!(back <= amount(&p["amount"]), "payment {pid} refunded {back}: {m}");
        }
    }

    /// The account's entries add up to its balance, which is never negative,
    /// and each entry's balance_after is never negative.
    async fn assert_points(&self) -> i64 {
        let p = self.points().await;
        let balance = p["balance"].as_i64().unwrap();
        let entries = p["entries"].as_array().unwrap();
        let sum: i64 = entries.iter().map(|e| e["points"].as_i64().unwrap()).sum();
        assert!(balance >= 0);
        assert_eq!(sum, balance, "{p}");
        assert!(entries.iter().all(|e| e["balance_after"].as_i64().unwrap() >= 0), "{p}");
        if let Some(first) = entries.first() {
            assert_eq!(first["balance_after"].as_i64().unwrap(), balance, "{p}");
        }
        balance
    }

    fn kinds(p: &Value) -> Vec<String> {
        let mut k: Vec<String> =
            p["entries"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap().to_string()).collect();
        k.reverse();
        k
    }
}

async fn the_rule_is_read_and_set_and_bad_input_names_each_field() {
    let s = shop().await;
    let path = format!("/api/v1/orgs/{}/loyalty", s.org);
    let r = s.t.get(&path, &s.owner).await;
    assert_eq!((r.status, r.body["earn_per_unit"].as_i64()), (200, Some(100)), "{r:?}");
    let bad = json!({"enabled": true, "earn_per_unit": -1, "redeem_points": 0, "redeem_value_minor": 1, "expiry_days": 99999});
    let r = s.t.put(&path, &s.owner, bad).await;
    let mut fields = r.fields();
    fields.sort();
    assert_eq!((r.status, fields), (422, vec!["earn_per_unit".into(), "expiry_days".into(), "redeem_points".into()]));
    let r = s.t.put(&path, &s.owner, json!({"enabled": true})).await;
    assert!((400..500).contains(&r.status), "{r:?}");
    let r = s
        .t
        .put(
            &path,
            &s.owner,
            json!({"enabled": true, "earn_per_unit": 1, "redeem_points": 1, "redeem_value_minor": 1, "expiry_days": 0, "x": 1}),
        )
        .await;
    assert!((400..500).contains(&r.status), "{r:?}");
    // Unchanged by the refusals.
    assert_eq!(s.t.get(&path, &s.owner).await.body["earn_per_unit"].as_i64(), Some(100));
    // Another organization's owner and a buyer cannot read or set it.
    let (other, _) = s.t.organizer("other@example.org", "beta").await;
    assert_eq!(s.t.get(&path, &other).await.status, 404);
    assert_eq!(s.t.get(&path, &s.buyer).await.status, 404);
    let good =
        json!({"enabled": true, "earn_per_unit": 1, "redeem_points": 1, "redeem_value_minor": 1, "expiry_days": 0});
    assert_eq!(s.t.put(&path, &other, good.clone()).await.status, 404);
    assert_eq!(s.t.put(&path, &s.owner, good).await.status, 200);
    // An organization without a rule has no points for buyers.
    let (_, beta) = s.t.organizer("third@example.org", "gamma").await;
    assert_eq!(s.t.get(&format!("/api/v1/me/points/{beta}"), &s.buyer).await.status, 404);
    assert_eq!(s.t.get(&format!("/api/v1/me/points/{}", s.org), &Auth::None).await.status, 401);
}

async fn a_paid_order_earns_and_points_pay_part_of_the_next() {
    let s = shop().await;
    assert_eq!(s.balance().await, 0);
    let (a, a_token) = s.buy(1).await;
    s.pay_rest(&a, &a_token).await;
    let p = s.points().await;
    assert_eq!(p["balance"].as_i64(), Some(2600), "26.00 paid, 100 points per euro: {p}");
    assert_eq!(Shop::kinds(&p), ["earn"]);
    assert_eq!(p["entries"][0]["order_id"].as_str(), Some(a.as_str()));
    assert!(p["entries"][0]["expires_at"].is_string());
    // A guest earns nothing (no account to hold the points).
    let (g, g_token) = s.buy_as(&Auth::None, 0, 1).await;
    s.as_buyer(Method::POST, &format!("/api/v1/orders/{g}/checkout"), &g_token, None).await;
    // Points pay 10.00 of the next order; the rest goes through the provider.
    let (b, b_token) = s.buy(1).await;
    let r = s.redeem(&b, json!(1000)).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!((r.body["state"].as_str(), amount(&r.body["paid"])), (Some("pending"), 1000));
    assert_eq!(s.balance().await, 1600);
    let c = s.as_buyer(Method::POST, &format!("/api/v1/orders/{b}/checkout"), &b_token, None).await;
    assert_eq!(amount(&c.body["payment"]["amount"]), 1600, "only the rest is asked: {c:?}");
    s.pay_rest(&b, &b_token).await;
    // Earned on the 16.00 paid through the provider, not on the points.
    assert_eq!(s.assert_points().await, 1600 + 1600);
    let m = s.money(&b).await;
    let providers: Vec<&str> =
        m["payments"].as_array().unwrap().iter().map(|p| p["provider"].as_str().unwrap()).collect();
    assert!(providers.contains(&"points") && providers.contains(&"sandbox"), "{m}");
    let loyalty: i64 = m["ledger"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["account"].as_str().unwrap().ends_with(":loyalty"))
        .map(|e| amount(&e["amount"]))
        .sum();
    assert_eq!(loyalty, 1000, "the points' value is booked on the organization's loyalty account");
    s.assert_order_money(&a).await;
    s.assert_order_money(&b).await;
    // The report and the buyer's list of organizations.
    let rep = s.t.get(&format!("/api/v1/orgs/{}/loyalty/report", s.org), &s.owner).await;
    assert_eq!(rep.status, 200, "{rep:?}");
    assert_eq!(
        (rep.body["earned"].as_i64(), rep.body["redeemed"].as_i64(), rep.body["outstanding"].as_i64()),
        (Some(4200), Some(1000), Some(3200))
    );
    assert_eq!(rep.body["orders_paid_with_points"].as_i64(), Some(1));
    assert_eq!(rep.body["top"][0]["email"], "ada@example.org");
    let mine = s.t.get("/api/v1/me/points", &s.buyer).await;
    assert_eq!((mine.body[0]["org_name"].as_str(), mine.body[0]["balance"].as_i64()), (Some("alpha"), Some(3200)));
}

async fn points_that_cover_the_rest_pay_the_order_and_take_only_the_steps_needed() {
    let s = shop().await;
    for _ in 0..2 {
        let (a, t) = s.buy(1).await;
        s.pay_rest(&a, &t).await;
    }
    assert_eq!(s.balance().await, 5200);
    let (b, _) = s.buy(1).await;
    let r = s.redeem(&b, json!(5000)).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!((r.body["state"].as_str(), amount(&r.body["paid"])), (Some("paid"), 2600));
    assert_eq!(r.body["tickets"].as_array().unwrap().len(), 1, "tickets issued as with any payment");
    assert_eq!(s.assert_points().await, 5200 - 2600, "only the 26 steps needed were taken; nothing earned");
    s.assert_order_money(&b).await;
    // Nothing is left to pay: more points change nothing.
    let r = s.redeem(&b, json!(100)).await;
    assert_eq!((r.status, r.code()), (409, "already_paid"), "{r:?}");
    assert_eq!(s.balance().await, 2600);
}

async fn more_points_than_held_and_other_bad_input_are_refused_naming_points_with_nothing_changed() {
    let s = shop().await;
    let (a, t) = s.buy(1).await;
    s.pay_rest(&a, &t).await;
    let (b, b_token) = s.buy(1).await;
    for (points, code) in [
        (json!(2700), "points_insufficient"),
        (json!(150), "points_step"),
        (json!(0), "invalid_input"),
        (json!(-100), "invalid_input"),
    ] {
        let r = s.redeem(&b, points.clone()).await;
        assert_eq!((r.status, r.code(), r.fields()), (422, code, vec!["points".to_string()]), "{points}: {r:?}");
    }
    for body in [json!({"points": "many"}), json!({}), json!({"points": 100, "extra": 1})] {
        let r = s.t.post(&format!("/api/v1/orders/{b}/points"), &s.buyer, body.clone()).await;
        assert!((400..500).contains(&r.status), "{body}: {r:?}");
    }
    // With the order's token but not signed in as its buyer: no points to spend.
    let r =
        s.as_buyer(Method::POST, &format!("/api/v1/orders/{b}/points"), &b_token, Some(json!({"points": 100}))).await;
    assert_eq!((r.status, r.code(), r.fields()), (422, "points_sign_in", vec!["points".to_string()]), "{r:?}");
    // Someone else's order does not exist for this buyer.
    let (g, _) = s.buy_as(&Auth::None, 0, 1).await;
    assert_eq!(s.redeem(&g, json!(100)).await.status, 404);
    // Nothing changed.
    assert_eq!(s.assert_points().await, 2600);
    let o = s.order(&b).await;
    assert_eq!((o["state"].as_str(), amount(&o["paid"])), (Some("pending"), 0));
    assert_eq!(s.money(&b).await["ledger"].as_array().unwrap().len(), 0);
    // Switched off: refused, nothing spent.
    let off = json!({"enabled": false, "earn_per_unit": 100, "redeem_points": 100, "redeem_value_minor": 100, "expiry_days": 365});
    assert_eq!(s.t.put(&format!("/api/v1/orgs/{}/loyalty", s.org), &s.owner, off).await.status, 200);
    let r = s.redeem(&b, json!(100)).await;
    assert_eq!((r.status, r.code(), r.fields()), (422, "points_disabled", vec!["points".to_string()]), "{r:?}");
    assert_eq!(s.balance().await, 2600);
    // An expired hold refuses too.
    s.t.clock.advance_secs(3600);
    let r = s.redeem(&b, json!(100)).await;
    assert_eq!((r.status, r.code()), (409, "hold_expired"), "{r:?}");
}

async fn refunds_take_back_points_earned_and_give_back_points_spent() {
    let s = shop().await;
    let (a, t) = s.buy(2).await;
    s.pay_rest(&a, &t).await;
    assert_eq!(s.balance().await, 5200);
    // 2 tickets (52.00): 20.00 in points, 32.00 through the provider, earning 3200.
    let (b, b_token) = s.buy(2).await;
    assert_eq!(s.redeem(&b, json!(2000)).await.status, 200);
    s.pay_rest(&b, &b_token).await;
    assert_eq!(s.balance().await, 5200 - 2000 + 3200);
    // A partial refund of 13.00 (a quarter): points get 5.00 of it back (500 points),
    // the provider 8.00, and a quarter of the 3200 earned (800) is taken back.
    let r = s.refund(&b, json!({"amount_minor": 1300, "reason": "goodwill"}), "loyalty-refund-0001").await;
    assert_eq!(r.status, 200, "{r:?}");
    let m = s.money(&b).await;
    let by: Vec<(String, i64)> = m["refunds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["provider"].as_str().unwrap().to_string(), amount(&r["amount"])))
        .collect();
    assert_eq!(by, [("points".to_string(), 500), ("sandbox".to_string(), 800)], "{m}");
    assert_eq!(s.assert_points().await, 6400 + 500 - 800);
    // The same request again changes nothing.
    assert_eq!(
        s.refund(&b, json!({"amount_minor": 1300, "reason": "goodwill"}), "loyalty-refund-0001").await.status,
        200
    );
    assert_eq!(s.balance().await, 6100);
    // The rest: every point spent comes back, every point earned is taken back.
    let r = s.refund(&b, json!({"reason": "all of it"}), "loyalty-refund-0002").await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(s.order(&b).await["state"], "refunded");
    assert_eq!(s.assert_points().await, 5200, "as before order b");
    let p = s.points().await;
    assert_eq!(Shop::kinds(&p), ["earn", "redeem", "earn", "return", "reverse", "return", "reverse"]);
    s.assert_order_money(&b).await;
    // Points earned and already spent cannot be taken back below zero.
    let (c, c_token) = s.buy(1).await;
    s.pay_rest(&c, &c_token).await;
    assert_eq!(s.balance().await, 7800);
    let (d, _) = s.buy(6).await;
    let r = s.redeem(&d, json!(7800)).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(s.balance().await, 0);
    let r = s.as_buyer(Method::POST, &format!("/api/v1/orders/{c}/refund"), &c_token, None).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(s.assert_points().await, 0, "nothing left to take back");
    s.assert_order_money(&c).await;
    s.assert_order_money(&d).await;
}

async fn points_come_back_when_an_unpaid_order_expires_or_is_cancelled() {
    let s = shop().await;
    let (a, t) = s.buy(1).await;
    s.pay_rest(&a, &t).await;
    let (b, _) = s.buy(1).await;
    assert_eq!(s.redeem(&b, json!(2000)).await.status, 200);
    assert_eq!(s.balance().await, 600);
    s.t.clock.advance_secs(3600);
    s.t.app.sweep_once().await.unwrap();
    let o = s.order(&b).await;
    assert_eq!((o["state"].as_str(), amount(&o["refunded"])), (Some("expired"), 2000), "{o}");
    assert_eq!(s.assert_points().await, 2600);
    s.assert_order_money(&b).await;
    let (c, c_token) = s.buy(1).await;
    assert_eq!(s.redeem(&c, json!(1000)).await.status, 200);
    assert_eq!(s.balance().await, 1600);
    let x = s.as_buyer(Method::POST, &format!("/api/v1/orders/{c}/cancel"), &c_token, None).await;
    assert_eq!(x.status, 200, "{x:?}");
    assert_eq!(s.assert_points().await, 2600);
    s.assert_order_money(&c).await;
}

async fn points_expire_lazily_and_by_the_sweep() {
    let s = shop().await;
    let rule = json!({"enabled": true, "earn_per_unit": 100, "redeem_points": 100, "redeem_value_minor": 100, "expiry_days": 2});
    assert_eq!(s.t.put(&format!("/api/v1/orgs/{}/loyalty", s.org), &s.owner, rule).await.status, 200);
    let (a, t) = s.buy(1).await;
    s.pay_rest(&a, &t).await;
    s.t.clock.advance_secs(24 * 3600);
    let (b, t) = s.buy(1).await;
    s.pay_rest(&b, &t).await;
    assert_eq!(s.balance().await, 5200);
    // Spend 1000 (they come from the lot that expires first) and pay the
    // rest, earning a third lot of 1600.
    let (c, t) = s.buy(1).await;
    assert_eq!(s.redeem(&c, json!(1000)).await.status, 200);
    s.pay_rest(&c, &t).await;
    assert_eq!(s.balance().await, 5800);
    // A day and a bit later the first lot's remaining 1600 expire; read lazily.
    s.t.clock.advance_secs(25 * 3600);
    let p = s.points().await;
    assert_eq!(p["balance"].as_i64(), Some(4200), "{p}");
    assert_eq!(Shop::kinds(&p).last().map(String::as_str), Some("expire"));
    assert_eq!(p["entries"][0]["points"].as_i64(), Some(-1600));
    assert_eq!(s.assert_points().await, 4200);
    // Two more days: the sweep expires the other lots without anyone looking.
    s.t.clock.advance_secs(2 * 24 * 3600);
    s.t.app.sweep_once().await.unwrap();
    let rep = s.t.get(&format!("/api/v1/orgs/{}/loyalty/report", s.org), &s.owner).await;
    assert_eq!((rep.body["expired"].as_i64(), rep.body["outstanding"].as_i64()), (Some(5800), Some(0)), "{rep:?}");
    assert_eq!(s.assert_points().await, 0);
    // Expired points cannot pay.
    let (d, _) = s.buy(1).await;
    let r = s.redeem(&d, json!(100)).await;
    assert_eq!((r.status, r.code()), (422, "points_insufficient"), "{r:?}");
}

async fn racing_checkouts_on_two_events_never_spend_more_points_than_held() {
    let s = std::sync::Arc::new(shop().await);
    let (a, t) = s.buy(1).await;
    s.pay_rest(&a, &t).await;
    assert_eq!(s.balance().await, 2600);
    // Eight orders on two events (two batches, two event locks), each spending 1000.
    let mut orders = vec![];
    for i in 0..8 {
        orders.push(s.buy_as(&s.buyer, i % 2, 1).await.0);
    }
    let tasks: Vec<_> = orders
        .iter()
        .map(|o| {
            let (s, o) = (s.clone(), o.clone());
            tokio::spawn(async move { s.redeem(&o, json!(1000)).await })
        })
        .collect();
    let mut results = vec![];
    for task in tasks {
        results.push(task.await.unwrap());
    }
    let ok = results.iter().filter(|r| r.status == 200).count();
    for r in &results {
        assert!(r.status == 200 || (r.status == 422 && r.code() == "points_insufficient"), "{r:?}");
    }
    assert_eq!(ok, 2, "2600 points pay two redemptions of 1000");
    assert_eq!(s.assert_points().await, 600);
    let mut paid = 0;
    for o in &orders {
        paid += amount(&s.order(o).await["paid"]);
        s.assert_order_money(o).await;
    }
    assert_eq!(paid, 2000);
}

/// A seeded random walk: orders of 1-3 tickets, each maybe paid in part with
/// points and a gift card, the rest through the provider, then maybe partial
/// refunds of random amounts and maybe a full one. After every step:
/// totals never negative, every order's ledger balances, refunds never
/// exceed what each means paid, points and gift-card balances never below
/// zero, and the points entries add up to the balance.
async fn random_orders_points_gift_cards_and_partial_refunds_keep_the_invariants() {
    let s = shop().await;
    let mut seed: u64 = 0x5eed_1077;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let card = s
        .t
        .post(&format!("/api/v1/orgs/{}/gift-cards", s.org), &s.owner, json!({"currency": "EUR", "value_minor": 20000}))
        .await;
    assert_eq!(card.status, 201, "{card:?}");
    let code = card.body["code"].as_str().unwrap().to_string();
    let card_id = card.body["id"].as_str().unwrap().to_string();
    let mut orders = vec![];
    for i in 0..10 {
        let (id, token) = s.buy_as(&s.buyer, (i % 2) as usize, 1 + next(3) as i64).await;
        let balance = s.balance().await;
        if next(2) == 0 && balance >= 100 {
            let pts = 100 * (1 + next((balance / 100) as u64)) as i64;
            let r = s.redeem(&id, json!(pts)).await;
            assert!(r.status == 200 || r.status == 409, "{r:?}");
        }
        if next(3) == 0 && s.order(&id).await["state"] == "pending" {
            let r = s
                .as_buyer(Method::POST, &format!("/api/v1/orders/{id}/gift-card"), &token, Some(json!({"code": code})))
                .await;
            assert!(r.status == 200 || r.code() == "gift_card_empty", "{r:?}");
        }
        if s.order(&id).await["state"] == "pending" {
            s.pay_rest(&id, &token).await;
        }
        let mut key = 0;
        while next(2) == 0 {
            let o = s.order(&id).await;
            let left = amount(&o["paid"]) - amount(&o["refunded"]);
            if left <= 0 {
                break;
            }
            key += 1;
            let body = if next(4) == 0 {
                json!({"reason": "all"})
            } else {
                json!({"amount_minor": 1 + next(left as u64) as i64, "reason": "part"})
            };
            let r = s.refund(&id, body, &format!("walk-{i}-{key}-000000000")).await;
            assert!(r.status == 200 || r.status == 409, "{r:?}");
            s.assert_order_money(&id).await;
        }
        s.assert_order_money(&id).await;
        s.assert_points().await;
        orders.push(id);
    }
    let d = s.t.get(&format!("/api/v1/orgs/{}/gift-cards/{card_id}", s.org), &s.owner).await;
    assert!(amount(&d.body["card"]["balance"]) >= 0);
    for o in &orders {
        s.assert_order_money(o).await;
    }
    // The organization's ledger balances as a whole.
    let entries = s.t.store.org_ledger(s.org.parse().unwrap()).await.unwrap();
    let mut by_txn = std::collections::BTreeMap::<String, i64>::new();
    for e in &entries {
        *by_txn.entry(e.txn_id.clone()).or_default() += e.amount.amount_minor;
    }
    assert!(by_txn.values().all(|s| *s == 0), "unbalanced: {by_txn:?}");
}
