//! Promo codes over HTTP, on SQLite and PostgreSQL: racing buyers for a
//! single-use code, per-customer limits under concurrency, uses given back
//! by expiry and cancellation, bad codes refused naming `promo_code` with
//! nothing held, hidden types opened by a code, generated batches with
//! their check character and CSV, and the discount line on the order.

use crate::helpers::*;
use reqwest::Method;
use serde_json::{Value, json};
use tessera_app::Clock;

crate::on_both_backends!(
    exactly_one_of_100_racing_buyers_gets_a_single_use_code,
    per_customer_limits_hold_under_concurrency,
    bad_codes_are_refused_naming_the_field_with_nothing_held,
    the_discount_is_its_own_line_and_the_total_never_goes_negative,
    uses_come_back_when_the_hold_expires_or_the_order_is_cancelled,
    a_code_opens_hidden_types_and_batches_catch_typos,
    the_promotions_page_takes_percentages_and_amounts_as_people_write_them,
);

impl Sale {
    async fn code(&self, body: Value) -> Value {
        let r = self.t.post(&format!("/api/v1/orgs/{}/promo-codes", self.org), &self.owner, body).await;
        assert_eq!(r.status, 201, "{r:?}");
        r.body
    }

    async fn buy(&self, qty: i64, email: &str, code: &str) -> Res {
        self.t
            .post(
                &format!("/api/v1/events/{}/orders", self.event),
                &Auth::None,
                json!({"lines": [{"ticket_type_id": self.ticket_type, "quantity": qty}], "email": email,
                       "name": "Guest", "promo_code": code}),
            )
            .await
    }

    async fn uses(&self, id: &Value) -> i64 {
        let r =
            self.t.get(&format!("/api/v1/orgs/{}/promo-codes/{}", self.org, id.as_str().unwrap()), &self.owner).await;
        r.body["uses"].as_i64().unwrap()
    }

    async fn available(&self) -> i64 {
        self.t.get(&format!("/api/v1/events/{}", self.event), &Auth::None).await.body["ticket_types"][0]["available"]
            .as_i64()
            .unwrap()
    }

    async fn order_count(&self) -> usize {
        let list = self.t.get(&format!("/api/v1/orgs/{}/orders?event_id={}", self.org, self.event), &self.owner).await;
        list.body.as_array().unwrap().len()
    }

    async fn with_token(&self, method: Method, path: &str, token: &str) -> Res {
        let rb = self.t.client.request(method, format!("{}{path}", self.t.base)).header("x-order-token", token);
        self.t.send(rb).await
    }
}

async fn exactly_one_of_100_racing_buyers_gets_a_single_use_code() {
    let s = std::sync::Arc::new(sale(2500, 500).await);
    let code =
        s.code(json!({"event_id": s.event, "code": "only_one", "kind": "percent", "value": 5000, "max_uses": 1})).await;
    assert_eq!(code["code"], "ONLY_ONE", "stored upper case");
    let mut tasks = Vec::new();
    for i in 0..100 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move { s.buy(1, &format!("b{i}@example.org"), "Only_One").await }));
    }
    let mut won = Vec::new();
    for task in tasks {
        let r = task.await.unwrap();
        match r.status {
            201 => won.push(r),
            _ => assert_eq!((r.status, r.code(), r.fields()), (422, "promo_exhausted", vec!["promo_code".into()])),
        }
    }
    assert_eq!(won.len(), 1, "exactly one buyer gets the code");
    assert_eq!(won[0].body["total"]["amount_minor"], 1250);
    assert_eq!(s.uses(&code["id"]).await, 1);
    assert_eq!(s.available().await, 499, "the 99 refusals hold nothing");
    assert_eq!(s.order_count().await, 1, "and open no order");
}

async fn per_customer_limits_hold_under_concurrency() {
    let s = std::sync::Arc::new(sale(1000, 500).await);
    let code = s
        .code(
            json!({"code": "ONCE_EACH", "kind": "amount", "value": 300, "currency": "EUR", "max_uses_per_customer": 1}),
        )
        .await;
    assert!(code["event_id"].is_null(), "an organization-wide code");
    let mut tasks = Vec::new();
    for i in 0..30 {
        let s = s.clone();
        // Ten buyers, three requests each, all at once.
        tasks.push(tokio::spawn(async move { s.buy(1, &format!("c{}@example.org", i % 10), "once_each").await }));
    }
    let mut ok = 0;
    for task in tasks {
        let r = task.await.unwrap();
        match r.status {
            201 => {
                ok += 1;
                assert_eq!(r.body["total"]["amount_minor"], 700);
            }
            _ => assert_eq!((r.status, r.code(), r.fields()), (422, "promo_customer_limit", vec!["promo_code".into()])),
        }
    }
    assert_eq!(ok, 10, "one use per customer");
    assert_eq!(s.uses(&code["id"]).await, 10);
    assert_eq!(s.available().await, 490);
    // Without the code the same customer may still buy.
    let path = format!("/api/v1/events/{}/orders", s.event);
    let body =
        json!({"lines": [{"ticket_type_id": s.ticket_type, "quantity": 1}], "email": "c1@example.org", "name": "G"});
    assert_eq!(s.t.post(&path, &Auth::None, body).await.status, 201);
}

async fn bad_codes_are_refused_naming_the_field_with_nothing_held() {
    let s = sale(2500, 50).await;
    let other = s.t.sellable_event(&s.owner, &s.org, &s.t.venue(&s.owner, &s.org, "Other").await, "Other").await;
    let in_an_hour = s.t.clock.now().checked_add(jiff::SignedDuration::from_hours(1)).unwrap();
    s.code(json!({"event_id": other["id"], "code": "ELSEWHERE", "kind": "percent", "value": 1000})).await;
    s.code(json!({"code": "SOON_OVER", "kind": "percent", "value": 1000, "valid_until": in_an_hour.to_string()})).await;
    s.code(json!({"code": "LATER", "kind": "percent", "value": 1000, "valid_from": in_an_hour.to_string()})).await;
    s.code(json!({"code": "THREE_UP", "kind": "percent", "value": 1000, "min_quantity": 3})).await;
    s.code(json!({"code": "IN_USD", "kind": "amount", "value": 100, "currency": "USD"})).await;
    let batch =
        s.t.post(
            &format!("/api/v1/orgs/{}/promo-code-batches", s.org),
            &s.owner,
            json!({"event_id": s.event, "prefix": "vip", "count": 3, "kind": "percent", "value": 1000}),
        )
        .await;
    assert_eq!(batch.status, 201, "{batch:?}");
    let good = batch.body["codes"][0].as_str().unwrap().to_string();
    // One character changed: the check character no longer matches.
    let last = good.chars().last().unwrap();
    let typo = format!("{}{}", &good[..good.len() - 1], if last == '7' { '8' } else { '7' });
    // Another organization's code is unknown here.
    let (stranger, org2) = s.t.organizer("other@example.org", "beta").await;
    let r =
        s.t.post(
            &format!("/api/v1/orgs/{org2}/promo-codes"),
            &stranger,
            json!({"code": "THEIRS", "kind": "percent", "value": 1000}),
        )
        .await;
    assert_eq!(r.status, 201);
    s.t.clock.advance_secs(2 * 3600);
    let cases = [
        ("NO_SUCH_CODE", 1, 422, "promo_unknown"),
        ("THEIRS", 1, 422, "promo_unknown"),
        ("ELSEWHERE", 1, 422, "promo_other_event"),
        ("SOON_OVER", 1, 422, "promo_expired"),
        ("THREE_UP", 2, 422, "promo_min_quantity"),
        ("IN_USD", 1, 422, "promo_not_applicable"),
        (typo.as_str(), 1, 422, "invalid_input"),
        ("no spaces allowed", 1, 422, "invalid_input"),
    ];
    for (code, qty, status, want) in cases {
        let r = s.buy(qty, "x@example.org", code).await;
        assert_eq!((r.status, r.code(), r.fields()), (status, want, vec!["promo_code".to_string()]), "{code}: {r:?}");
    }
    // `LATER` is not valid yet... until it is (the clock moved two hours).
    assert_eq!(s.buy(1, "x@example.org", "later").await.status, 201);
    assert_eq!(s.available().await, 49, "only the last order holds anything");
    assert_eq!(s.order_count().await, 1);
    // A generated code typed in lower case with lookalikes still works.
    let typed = good.to_lowercase().replace('0', "o").replace('1', "l");
    let r = s.buy(1, "y@example.org", &typed).await;
    assert_eq!(r.status, 201, "{typed}: {r:?}");
    assert_eq!(r.body["discounts"][0]["code"], good.as_str());
    // Creating codes: bad input names the field, nothing is written.
    let bad = [
        (json!({"code": "ab", "kind": "percent", "value": 10}), "code"),
        (json!({"code": "HAS-DASH", "kind": "percent", "value": 10}), "code"),
        (json!({"code": "PCT", "kind": "percent", "value": 10_001}), "value"),
        (json!({"code": "AMT", "kind": "amount", "value": 100}), "currency"),
        (json!({"code": "MIN", "kind": "percent", "value": 10, "min_quantity": 0}), "min_quantity"),
        (json!({"code": "MAX", "kind": "percent", "value": 10, "max_uses": 0}), "max_uses"),
        (json!({"code": "TTX", "kind": "percent", "value": 10, "ticket_type_ids": [s.ticket_type]}), "ticket_type_ids"),
        (
            json!({"code": "EVX", "event_id": tessera_domain::EventId::new(), "kind": "percent", "value": 10}),
            "event_id",
        ),
        (
            json!({"code": "WIN", "kind": "percent", "value": 10, "valid_from": in_an_hour.to_string(), "valid_until": in_an_hour.to_string()}),
            "valid_until",
        ),
    ];
    let before = s.t.get(&format!("/api/v1/orgs/{}/promo-codes", s.org), &s.owner).await.body;
    for (body, field) in bad {
        let r = s.t.post(&format!("/api/v1/orgs/{}/promo-codes", s.org), &s.owner, body.clone()).await;
        assert_eq!(r.status, 422, "{body}: {r:?}");
        assert!(r.fields().contains(&field.to_string()), "{body}: {r:?}");
    }
    let codes_path = format!("/api/v1/orgs/{}/promo-codes", s.org);
    let dup = s.t.post(&codes_path, &s.owner, json!({"code": "later", "kind": "percent", "value": 10})).await;
    assert_eq!((dup.status, dup.fields()), (409, vec!["code".to_string()]), "{dup:?}");
    let after = s.t.get(&format!("/api/v1/orgs/{}/promo-codes", s.org), &s.owner).await.body;
    assert_eq!(before, after, "nothing written");
}

async fn the_discount_is_its_own_line_and_the_total_never_goes_negative() {
    let s = sale(2500, 50).await;
    s.code(
        json!({"event_id": s.event, "code": "QUARTER", "description": "Quarter off", "kind": "percent", "value": 2500}),
    )
    .await;
    let r = s.buy(2, "q@example.org", "quarter").await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.body["subtotal"]["amount_minor"], 5000);
    assert_eq!(r.body["discount"]["amount_minor"], 1250);
    assert_eq!(r.body["total"]["amount_minor"], 3750);
    assert_eq!(
        r.body["discounts"],
        json!([{"code": "QUARTER", "description": "Quarter off", "amount": {"amount_minor": 1250, "currency": "EUR"}}])
    );
    let id = r.body["id"].as_str().unwrap();
    let token = r.body["access_token"].as_str().unwrap();
    let got = s.with_token(Method::GET, &format!("/api/v1/orders/{id}"), token).await;
    assert_eq!(got.body["discounts"], r.body["discounts"], "the buyer's order shows it");
    let org_view = s.t.get(&format!("/api/v1/orgs/{}/orders/{id}", s.org), &s.owner).await;
    assert_eq!(org_view.body["discount"]["amount_minor"], 1250, "{org_view:?}");
    let paid = s.t.post(&format!("/api/v1/orgs/{}/orders/{id}/mark-paid", s.org), &s.owner, json!({})).await;
    assert_eq!((paid.status, paid.body["paid"]["amount_minor"].as_i64()), (200, Some(3750)), "{paid:?}");
    assert_eq!(paid.body["discounts"], r.body["discounts"]);
    // An amount larger than the order makes it free, not negative.
    s.code(json!({"code": "ALL_OF_IT", "kind": "amount", "value": 999_999, "currency": "EUR"})).await;
    let r = s.buy(1, "z@example.org", "all_of_it").await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.body["total"]["amount_minor"], 0);
    assert_eq!(r.body["discount"]["amount_minor"], 2500);
    // The usage report lists the order.
    let codes = s.t.get(&format!("/api/v1/orgs/{}/promo-codes?event_id={}", s.org, s.event), &s.owner).await;
    let quarter = codes.body.as_array().unwrap().iter().find(|c| c["code"] == "QUARTER").unwrap().clone();
    let uses =
        s.t.get(&format!("/api/v1/orgs/{}/promo-codes/{}/uses", s.org, quarter["id"].as_str().unwrap()), &s.owner)
            .await;
    assert_eq!(uses.body.as_array().unwrap().len(), 1, "{uses:?}");
    assert_eq!(uses.body[0]["order_state"], "paid");
}

async fn uses_come_back_when_the_hold_expires_or_the_order_is_cancelled() {
    let s = sale(2500, 50).await;
    let code = s.code(json!({"code": "SINGLE", "kind": "percent", "value": 1000, "max_uses": 1})).await;
    let r = s.buy(1, "a@example.org", "SINGLE").await;
    assert_eq!(r.status, 201);
    assert_eq!(s.buy(1, "b@example.org", "SINGLE").await.code(), "promo_exhausted");
    // The hold runs out: the use comes back before any sweep.
    s.t.clock.advance_secs(601);
    let r = s.buy(1, "b@example.org", "SINGLE").await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(s.uses(&code["id"]).await, 1);
    // The buyer lets go: the use comes back again.
    let (id, token) = (r.body["id"].as_str().unwrap(), r.body["access_token"].as_str().unwrap());
    let x = s.with_token(Method::POST, &format!("/api/v1/orders/{id}/cancel"), token).await;
    assert_eq!(x.status, 200, "{x:?}");
    assert_eq!(s.uses(&code["id"]).await, 0);
    let r = s.buy(1, "c@example.org", "single").await;
    assert_eq!(r.status, 201, "{r:?}");
    // A paid order cancelled by the organizer gives its use back too.
    let id = r.body["id"].as_str().unwrap();
    assert_eq!(
        s.t.post(&format!("/api/v1/orgs/{}/orders/{id}/mark-paid", s.org), &s.owner, json!({})).await.status,
        200
    );
    assert_eq!(s.uses(&code["id"]).await, 1);
    assert_eq!(s.t.post(&format!("/api/v1/orgs/{}/orders/{id}/cancel", s.org), &s.owner, json!({})).await.status, 200);
    assert_eq!(s.uses(&code["id"]).await, 0);
    // max_uses cannot drop below the uses held.
    assert_eq!(s.buy(1, "d@example.org", "single").await.status, 201);
    let put =
        s.t.put(
            &format!("/api/v1/orgs/{}/promo-codes/{}", s.org, code["id"].as_str().unwrap()),
            &s.owner,
            json!({"code": "SINGLE", "kind": "percent", "value": 1000, "max_uses": 5, "description": "Ten off"}),
        )
        .await;
    assert_eq!((put.status, put.body["description"].as_str()), (200, Some("Ten off")), "{put:?}");
    assert_eq!(put.body["uses"], 1, "a new setting keeps the uses");
    let del =
        s.t.req(
            Method::DELETE,
            &format!("/api/v1/orgs/{}/promo-codes/{}", s.org, code["id"].as_str().unwrap()),
            &s.owner,
            None,
        )
        .await;
    assert_eq!(del.status, 204);
    assert_eq!(s.buy(1, "e@example.org", "single").await.code(), "promo_unknown");
}

async fn a_code_opens_hidden_types_and_batches_catch_typos() {
    let s = sale(2500, 50).await;
    let hidden = s
        .t
        .post(
            &format!("/api/v1/orgs/{}/events/{}/ticket-types", s.org, s.event),
            &s.owner,
            json!({"name": "Crew", "price_minor": 1000, "currency": "EUR", "visibility": "hidden",
                   "access_code": "crew-only-2030",
                   "quota_ids": s.t.get(&format!("/api/v1/orgs/{}/events/{}/quotas", s.org, s.event), &s.owner).await.body[0]["id"].as_str().map(|q| vec![q.to_string()]).unwrap()}),
        )
        .await;
    assert_eq!(hidden.status, 201, "{hidden:?}");
    let crew = hidden.body["id"].as_str().unwrap().to_string();
    s.code(json!({"event_id": s.event, "code": "CREW_PASS", "kind": "fixed_price", "value": 0, "currency": "EUR",
                  "ticket_type_ids": [crew], "unlocks_hidden": true}))
        .await;
    let orders_path = format!("/api/v1/events/{}/orders", s.event);
    let order = |code: Option<&str>| {
        let mut body =
            json!({"lines": [{"ticket_type_id": crew, "quantity": 2}], "email": "crew@example.org", "name": "C"});
        if let Some(c) = code {
            body["promo_code"] = json!(c);
        }
        s.t.post(&orders_path, &Auth::None, body)
    };
    assert_eq!(order(None).await.code(), "access_code_required");
    let r = order(Some("crew_pass")).await;
    assert_eq!((r.status, r.body["total"]["amount_minor"].as_i64()), (201, Some(0)), "{r:?}");
    // A batch: every code single use, listed in the CSV with a check character.
    let batch =
        s.t.post(
            &format!("/api/v1/orgs/{}/promo-code-batches", s.org),
            &s.owner,
            json!({"prefix": "Gift", "count": 25, "kind": "amount", "value": 500, "currency": "EUR"}),
        )
        .await;
    assert_eq!(batch.status, 201, "{batch:?}");
    let codes: Vec<String> =
        batch.body["codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().into()).collect();
    assert_eq!(codes.len(), 25);
    assert!(codes.iter().all(|c| c.starts_with("GIFT-") && c.len() == "GIFT-XXXX-XXXX-XXXX".len()), "{codes:?}");
    let csv_path = format!("/api/v1/orgs/{}/promo-code-batches/{}/csv", s.org, batch.body["batch"].as_str().unwrap());
    let csv = s.t.client.get(format!("{}{csv_path}", s.t.base));
    let csv = match &s.owner {
        Auth::Session(x) => csv.header("cookie", format!("tessera_session={}", x.cookie)),
        _ => unreachable!(),
    };
    let csv = csv.send().await.unwrap();
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "code,event_id,kind,value,currency,valid_from,valid_until,uses");
    assert_eq!(lines.len(), 26);
    for c in &codes {
        assert!(text.contains(c.as_str()));
    }
    let r = s.buy(1, "g@example.org", &codes[3]).await;
    assert_eq!((r.status, r.body["total"]["amount_minor"].as_i64()), (201, Some(2000)), "{r:?}");
    assert_eq!(s.buy(1, "h@example.org", &codes[3]).await.code(), "promo_exhausted", "single use");
    let unknown = s.t.get(&format!("/api/v1/orgs/{}/promo-code-batches/nope/csv", s.org), &s.owner).await;
    assert_eq!(unknown.status, 404);
}

async fn the_promotions_page_takes_percentages_and_amounts_as_people_write_them() {
    let s = sale(2000, 100).await;
    let mut b = crate::browser::Browser::new(&s.t.base);
    b.sign_in("owner@example.org", "correct horse battery").await;
    let page = format!("/dashboard/orgs/{}/events/{}/promotions", s.org, s.event);
    let made = |code: &str, kind: &str, value: &str| {
        vec![
            ("code", code.to_string()),
            ("kind", kind.to_string()),
            ("value", value.to_string()),
            ("currency", "EUR".to_string()),
            ("scope", "event".to_string()),
            ("min_quantity", "1".to_string()),
        ]
    };
    for (code, kind, typed, stored) in
        [("HALFPAST", "percent", "12.5", 1250), ("FIVER", "amount", "5.00", 500), ("TENNER", "fixed_price", "10", 1000)]
    {
        let fields = made(code, kind, typed);
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = b.submit(&page, &page, &fields).await;
        assert_eq!(r.status, 303, "{code}: {}", r.html);
        let list = s.t.get(&format!("/api/v1/orgs/{}/promo-codes", s.org), &s.owner).await.body;
        let found = list.as_array().unwrap().iter().find(|p| p["code"] == code).unwrap_or_else(|| panic!("{list}"));
        assert_eq!(found["value"].as_i64(), Some(stored), "{code}: {found}");
    }
    // Limited to a ticket type by its box; the edit page keeps it chosen.
    let type_box = format!("type_{}", s.ticket_type);
    let mut fields = made("GAONLY", "percent", "10");
    fields.push((type_box.as_str(), "1".to_string()));
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = b.submit(&page, &page, &fields).await;
    assert_eq!(r.status, 303, "{}", r.html);
    let list = s.t.get(&format!("/api/v1/orgs/{}/promo-codes", s.org), &s.owner).await.body;
    let ga_only = list.as_array().unwrap().iter().find(|p| p["code"] == "GAONLY").unwrap();
    assert_eq!(ga_only["ticket_type_ids"], json!([s.ticket_type]), "{ga_only}");
    let edit = b.get(&format!("{page}/{}", ga_only["id"].as_str().unwrap())).await;
    assert!(edit.html.contains(&format!("name=\"{type_box}\" value=\"1\" checked")), "{}", edit.html);
    // The edit page shows them back the same way.
    let list = s.t.get(&format!("/api/v1/orgs/{}/promo-codes", s.org), &s.owner).await.body;
    let half = list.as_array().unwrap().iter().find(|p| p["code"] == "HALFPAST").unwrap();
    let edit = b.get(&format!("{page}/{}", half["id"].as_str().unwrap())).await;
    assert!(edit.html.contains("value=\"12.50\""), "{}", edit.html);
    // Not a number, too many decimals for the currency: said on the field.
    for (kind, typed) in [("percent", "ten"), ("amount", "5.001")] {
        let fields = made("BAD", kind, typed);
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = b.submit(&page, &page, &fields).await;
        assert_eq!(r.status, 422, "{typed}");
        assert!(r.html.contains("id=\"value-error\""), "{typed}: {}", r.html);
    }
    // A batch is one row with its count, its codes listed when asked for.
    let batch = s
        .t
        .post(
            &format!("/api/v1/orgs/{}/promo-code-batches", s.org),
            &s.owner,
            json!({"prefix": "Gift", "count": 30, "kind": "amount", "value": 500, "currency": "EUR", "event_id": s.event}),
        )
        .await;
    assert_eq!(batch.status, 201, "{batch:?}");
    let codes: Vec<&str> = batch.body["codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    let listed = b.get(&page).await;
    assert_eq!(listed.status, 200);
    assert!(listed.html.contains("batches-title") && !listed.html.contains(codes[0]), "{}", listed.html);
    let id = batch.body["batch"].as_str().unwrap();
    let one = b.get(&format!("{page}?batch={id}")).await;
    assert!(codes.iter().all(|c| one.html.contains(c)), "{}", one.html);
    assert!(!one.html.contains("HALFPAST"), "only the batch's codes");
}
