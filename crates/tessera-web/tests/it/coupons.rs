//! Coupons taken at a venue's counters (promo codes whose `channel` is
//! `counter` or `both`), over HTTP on SQLite and PostgreSQL: counters
//! racing for a single-use coupon, uses shared with checkouts, a repeat
//! with one Idempotency-Key taking one use, and bad input refused naming
//! the field with nothing taken.

use crate::helpers::*;
use serde_json::{Value, json};

crate::on_both_backends!(
    exactly_one_of_100_racing_counters_takes_a_single_use_coupon,
    a_coupon_of_both_channels_shares_its_uses_between_checkout_and_counters,
    a_repeated_redemption_takes_one_use,
    bad_coupons_at_counters_are_refused_naming_the_field_with_nothing_taken,
);

impl Sale {
    async fn coupon(&self, body: Value) -> Value {
        let r = self.t.post(&format!("/api/v1/orgs/{}/promo-codes", self.org), &self.owner, body).await;
        assert_eq!(r.status, 201, "{r:?}");
        r.body
    }

    async fn at_counter(&self, code: &str, purchase: i64, currency: &str, key: Option<&str>) -> Res {
        let rb = self
            .t
            .client
            .post(format!("{}/api/v1/orgs/{}/promo-codes/redeem", self.t.base, self.org))
            .json(&json!({"code": code, "purchase_minor": purchase, "currency": currency, "note": "two coffees"}));
        let rb = match &self.owner {
            Auth::Session(x) => {
                rb.header("cookie", format!("tessera_session={}", x.cookie)).header("x-csrf-token", &x.csrf)
            }
            _ => rb,
        };
        let rb = match key {
            Some(k) => rb.header("idempotency-key", k),
            None => rb,
        };
        self.t.send(rb).await
    }

    async fn checkout(&self, email: &str, code: &str) -> Res {
        self.t
            .post(
                &format!("/api/v1/events/{}/orders", self.event),
                &Auth::None,
                json!({"lines": [{"ticket_type_id": self.ticket_type, "quantity": 1}], "email": email,
                       "name": "Guest", "promo_code": code}),
            )
            .await
    }

    async fn coupon_uses(&self, id: &Value) -> (i64, usize) {
        let id = id.as_str().unwrap();
        let code = self.t.get(&format!("/api/v1/orgs/{}/promo-codes/{id}", self.org), &self.owner).await;
        let list =
            self.t.get(&format!("/api/v1/orgs/{}/promo-codes/{id}/counter-redemptions", self.org), &self.owner).await;
        assert_eq!(list.status, 200, "{list:?}");
        (code.body["uses"].as_i64().unwrap(), list.body.as_array().unwrap().len())
    }
}

async fn exactly_one_of_100_racing_counters_takes_a_single_use_coupon() {
    let s = std::sync::Arc::new(sale(2500, 100).await);
    let c = s
        .coupon(json!({"code": "ONE_COFFEE", "kind": "percent", "value": 1000, "max_uses": 1, "channel": "counter"}))
        .await;
    assert_eq!(c["channel"], "counter");
    let mut tasks = Vec::new();
    for _ in 0..100 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move { s.at_counter("one_coffee", 850, "EUR", None).await }));
    }
    let mut won = Vec::new();
    for task in tasks {
        let r = task.await.unwrap();
        match r.status {
            200 => won.push(r),
            _ => assert_eq!((r.status, r.code(), r.fields()), (422, "promo_exhausted", vec!["code".into()]), "{r:?}"),
        }
    }
    assert_eq!(won.len(), 1, "exactly one counter takes the coupon");
    let b = &won[0].body;
    assert_eq!((b["discount"]["amount_minor"].as_i64(), b["to_pay"]["amount_minor"].as_i64()), (Some(85), Some(765)));
    assert_eq!(b["code"], "ONE_COFFEE");
    assert_eq!(s.coupon_uses(&c["id"]).await, (1, 1), "one use, one record");
}

async fn a_coupon_of_both_channels_shares_its_uses_between_checkout_and_counters() {
    let s = sale(2000, 100).await;
    let c = s
        .coupon(json!({"code": "TWICE", "kind": "amount", "value": 500, "currency": "EUR", "max_uses": 2,
                       "channel": "both"}))
        .await;
    let online = s.checkout("a@example.org", "twice").await;
    assert_eq!(online.status, 201, "{online:?}");
    assert_eq!(online.body["total"]["amount_minor"], 1500);
    let counter = s.at_counter("TWICE", 300, "EUR", None).await;
    assert_eq!(counter.status, 200, "{counter:?}");
    assert_eq!(counter.body["discount"]["amount_minor"], 300, "never more than the purchase");
    assert_eq!(counter.body["to_pay"]["amount_minor"], 0);
    assert_eq!(s.coupon_uses(&c["id"]).await, (2, 1));
    let r = s.at_counter("TWICE", 300, "EUR", None).await;
    assert_eq!((r.status, r.code(), r.fields()), (422, "promo_exhausted", vec!["code".into()]));
    let r = s.checkout("b@example.org", "twice").await;
    assert_eq!((r.status, r.code(), r.fields()), (422, "promo_exhausted", vec!["promo_code".into()]));
    // The online order is cancelled: its use comes back, and a counter may take it.
    let id = online.body["id"].as_str().unwrap();
    assert_eq!(s.t.post(&format!("/api/v1/orgs/{}/orders/{id}/cancel", s.org), &s.owner, json!({})).await.status, 200);
    assert_eq!(s.coupon_uses(&c["id"]).await, (1, 1));
    let r = s.at_counter("TWICE", 900, "EUR", None).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["to_pay"]["amount_minor"], 400);
    assert_eq!(s.coupon_uses(&c["id"]).await, (2, 2), "a counter's use is never given back");
}

async fn a_repeated_redemption_takes_one_use() {
    let s = sale(2000, 100).await;
    let c = s
        .coupon(json!({"code": "FIXED_BEER", "kind": "fixed_price", "value": 400, "currency": "EUR",
                             "channel": "counter"}))
        .await;
    let first = s.at_counter("fixed_beer", 650, "EUR", Some("till-3-sale-000000001")).await;
    assert_eq!(first.status, 200, "{first:?}");
    assert_eq!(first.body["to_pay"]["amount_minor"], 400);
    let again = s.at_counter("fixed_beer", 650, "EUR", Some("till-3-sale-000000001")).await;
    assert_eq!(again.status, 200, "{again:?}");
    assert_eq!(again.body["id"], first.body["id"], "the same redemption answers again");
    assert_eq!(s.coupon_uses(&c["id"]).await, (1, 1));
    let other = s.at_counter("fixed_beer", 650, "EUR", Some("till-3-sale-000000002")).await;
    assert_eq!(other.status, 200);
    assert_ne!(other.body["id"], first.body["id"]);
    assert_eq!(s.coupon_uses(&c["id"]).await, (2, 2));
}

async fn bad_coupons_at_counters_are_refused_naming_the_field_with_nothing_taken() {
    let s = sale(2000, 100).await;
    let online = s.coupon(json!({"code": "WEB_ONLY", "kind": "percent", "value": 1000})).await;
    let counter = s
        .coupon(json!({"code": "BAR_ONLY", "kind": "amount", "value": 200, "currency": "EUR", "channel": "counter"}))
        .await;
    let expired = s
        .coupon(json!({"code": "OLD_BAR", "kind": "percent", "value": 1000, "channel": "counter",
                       "valid_until": "2001-01-01T00:00:00Z"}))
        .await;
    // A generated code with its check character changed: a typo.
    let good = tessera_domain::pricing::generated_code("BAR", &[3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]);
    let last = good.chars().last().unwrap();
    let typo = format!("{}{}", &good[..good.len() - 1], if last == '7' { '8' } else { '7' });
    let cases: [(&str, i64, &str, u16, &str, &str); 7] = [
        ("WEB_ONLY", 500, "EUR", 422, "promo_not_at_counter", "code"),
        ("NO_SUCH_CODE", 500, "EUR", 422, "promo_unknown", "code"),
        (typo.as_str(), 500, "EUR", 422, "invalid_input", "code"),
        ("BAR_ONLY", 500, "USD", 422, "promo_not_applicable", "currency"),
        ("BAR_ONLY", 0, "EUR", 422, "invalid_input", "purchase_minor"),
        ("OLD_BAR", 500, "EUR", 422, "promo_expired", "code"),
        ("a", 500, "EUR", 422, "invalid_input", "code"),
    ];
    for (code, purchase, cur, status, err, field) in cases {
        let r = s.at_counter(code, purchase, cur, None).await;
        assert_eq!((r.status, r.code(), r.fields()), (status, err, vec![field.to_string()]), "{code} {purchase} {cur}");
    }
    for c in [&online, &counter, &expired] {
        assert_eq!(s.coupon_uses(&c["id"]).await, (0, 0), "nothing taken");
    }
    // A counter-only code is refused at checkout, naming promo_code, holding nothing.
    let r = s.checkout("c@example.org", "bar_only").await;
    assert_eq!((r.status, r.code(), r.fields()), (422, "promo_counter_only", vec!["promo_code".into()]));
    let list = s.t.get(&format!("/api/v1/orgs/{}/orders?event_id={}", s.org, s.event), &s.owner).await;
    assert_eq!(list.body.as_array().unwrap().len(), 0, "no order opened");
    // A code of another organization is unknown here.
    let (other, other_org) = s.t.organizer("other@example.org", "beta").await;
    let r =
        s.t.post(
            &format!("/api/v1/orgs/{other_org}/promo-codes"),
            &other,
            json!({"code": "THEIRS", "kind": "percent", "value": 500, "channel": "counter"}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let r = s.at_counter("THEIRS", 500, "EUR", None).await;
    assert_eq!((r.status, r.code()), (422, "promo_unknown"));
    // And their staff cannot take ours.
    let r =
        s.t.post(
            &format!("/api/v1/orgs/{}/promo-codes/redeem", s.org),
            &other,
            json!({"code": "BAR_ONLY", "purchase_minor": 500, "currency": "EUR"}),
        )
        .await;
    assert!(r.status == 403 || r.status == 404, "{r:?}");
    // Settings that make no sense at a counter are refused when the code is made.
    let r =
        s.t.post(
            &format!("/api/v1/orgs/{}/promo-codes", s.org),
            &s.owner,
            json!({"event_id": s.event, "code": "TYPED", "kind": "percent", "value": 500, "channel": "both",
                   "ticket_type_ids": [s.ticket_type]}),
        )
        .await;
    assert_eq!((r.status, r.code(), r.fields()), (422, "invalid_input", vec!["ticket_type_ids".into()]));
    let r = s
        .t
        .post(
            &format!("/api/v1/orgs/{}/promo-codes", s.org),
            &s.owner,
            json!({"code": "HIDDEN_BAR", "kind": "percent", "value": 500, "channel": "counter", "unlocks_hidden": true}),
        )
        .await;
    assert_eq!((r.status, r.code(), r.fields()), (422, "invalid_input", vec!["unlocks_hidden".into()]));
    let r =
        s.t.post(
            &format!("/api/v1/orgs/{}/promo-codes", s.org),
            &s.owner,
            json!({"code": "WHERE", "kind": "percent", "value": 500, "channel": "everywhere"}),
        )
        .await;
    assert_eq!(r.status, 422, "{r:?}");
    assert!(r.fields().contains(&"channel".to_string()), "{r:?}");
}
