//! Price tiers over HTTP, on SQLite and PostgreSQL: a quantity boundary
//! never overshot by racing buyers, a purchase across a boundary priced per
//! ticket, tickets coming back to a tier when their hold expires, a date
//! tier ending at its instant, refunds returning each ticket's own price,
//! bad input refused naming the field, and the dashboard's tiers page.
//! Dynamic prices: moved by their rule within their bounds at each sweep,
//! each change recorded with its reason, orders keeping their price.

use crate::helpers::*;
use serde_json::{Value, json};
use tessera_app::Clock;

crate::on_both_backends!(
    racing_buyers_never_overshoot_a_quantity_tier,
    a_purchase_across_a_boundary_is_priced_per_ticket_and_refunded_per_ticket,
    a_date_tier_ends_at_its_instant_and_bad_tiers_are_refused_naming_the_field,
    the_dashboard_adds_edits_and_deletes_tiers,
    dynamic_prices_follow_their_rule_within_bounds_and_orders_keep_theirs,
    the_dashboard_sets_dynamic_pricing_and_lists_its_changes,
);

impl Sale {
    fn tiers_path(&self) -> String {
        format!("/api/v1/orgs/{}/ticket-types/{}/price-tiers", self.org, self.ticket_type)
    }

    async fn tier(&self, body: Value) -> Value {
        let r = self.t.post(&self.tiers_path(), &self.owner, body).await;
        assert_eq!(r.status, 201, "{r:?}");
        r.body
    }

    async fn tiers(&self) -> Vec<Value> {
        let r = self.t.get(&self.tiers_path(), &self.owner).await;
        assert_eq!(r.status, 200, "{r:?}");
        r.body.as_array().unwrap().clone()
    }

    async fn buy_n(&self, qty: i64, email: &str) -> Res {
        self.t
            .post(
                &format!("/api/v1/events/{}/orders", self.event),
                &Auth::None,
                json!({"lines": [{"ticket_type_id": self.ticket_type, "quantity": qty}], "email": email, "name": "Guest"}),
            )
            .await
    }

    async fn public_type(&self) -> Value {
        self.t.get(&format!("/api/v1/events/{}", self.event), &Auth::None).await.body["ticket_types"][0].clone()
    }

    async fn mark_paid(&self, id: &str) -> Res {
        self.t.post(&format!("/api/v1/orgs/{}/orders/{id}/mark-paid", self.org), &self.owner, json!({})).await
    }
}

fn lines(order: &Value) -> Vec<(i64, i64)> {
    let mut out: Vec<(i64, i64)> = order["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["quantity"].as_i64().unwrap(), l["unit_price"]["amount_minor"].as_i64().unwrap()))
        .collect();
    out.sort();
    out
}

async fn racing_buyers_never_overshoot_a_quantity_tier() {
    let s = std::sync::Arc::new(sale(5000, 500).await);
    let tier = s.tier(json!({"name": "First ten", "price_minor": 3000, "quantity": 10})).await;
    assert_eq!((tier["held"].as_i64(), tier["sold"].as_i64(), tier["position"].as_i64()), (Some(0), Some(0), Some(0)));
    let public = s.public_type().await;
    assert_eq!(public["price"]["amount_minor"], 3000, "{public}");
    assert_eq!(public["list_price"]["amount_minor"], 5000);
    assert_eq!(public["price_tier"], json!({"name": "First ten", "left": 10, "until": null}));
    let mut tasks = Vec::new();
    for i in 0..40 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move { s.buy_n(1, &format!("b{i}@example.org")).await }));
    }
    let mut at_tier = 0;
    for task in tasks {
        let r = task.await.unwrap();
        assert_eq!(r.status, 201, "{r:?}");
        match lines(&r.body).as_slice() {
            [(1, 3000)] => at_tier += 1,
            [(1, 5000)] => {}
            other => panic!("unexpected lines {other:?}"),
        }
    }
    assert_eq!(at_tier, 10, "exactly the tier's ten tickets sold at its price");
    let tiers = s.tiers().await;
    assert_eq!((tiers[0]["held"].as_i64(), tiers[0]["sold"].as_i64()), (Some(10), Some(0)));
    let public = s.public_type().await;
    assert_eq!(public["price"]["amount_minor"], 5000, "the tier is used up: {public}");
    assert!(public.get("price_tier").is_none(), "{public}");
    // Unpaid holds run out: their tickets come back to the tier.
    s.t.clock.advance_secs(601);
    s.t.app.sweep_once().await.unwrap();
    assert_eq!(s.tiers().await[0]["held"], 0);
    let r = s.buy_n(2, "late@example.org").await;
    assert_eq!(lines(&r.body), vec![(2, 3000)], "{r:?}");
    let id = r.body["id"].as_str().unwrap();
    assert_eq!(s.mark_paid(id).await.status, 200);
    let tiers = s.tiers().await;
    assert_eq!((tiers[0]["held"].as_i64(), tiers[0]["sold"].as_i64()), (Some(0), Some(2)), "paid moves held to sold");
    // Cancelled, the paid tickets go back as well.
    let c = s.t.post(&format!("/api/v1/orgs/{}/orders/{id}/cancel", s.org), &s.owner, json!({})).await;
    assert_eq!(c.status, 200, "{c:?}");
    assert_eq!(s.tiers().await[0]["sold"], 0);
}

async fn a_purchase_across_a_boundary_is_priced_per_ticket_and_refunded_per_ticket() {
    let s = sale(5000, 100).await;
    s.tier(json!({"name": "First", "price_minor": 2000, "quantity": 2})).await;
    s.tier(json!({"name": "Second", "price_minor": 3000, "quantity": 2})).await;
    assert_eq!(s.buy_n(1, "a@example.org").await.status, 201);
    let r = s.buy_n(5, "b@example.org").await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(
        lines(&r.body),
        vec![(1, 2000), (2, 3000), (2, 5000)],
        "what is left at each price, then the list price"
    );
    assert_eq!(r.body["subtotal"]["amount_minor"], 2000 + 2 * 3000 + 2 * 5000);
    let names: Vec<&str> = r.body["lines"].as_array().unwrap().iter().map(|l| l["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"GA · First") && names.contains(&"GA · Second") && names.contains(&"GA"), "{names:?}");
    let tiered: Vec<&Value> =
        r.body["lines"].as_array().unwrap().iter().filter(|l| l.get("price_tier_id").is_some()).collect();
    assert_eq!(tiered.len(), 2, "the tier lines name their tier");
    let id = r.body["id"].as_str().unwrap();
    let token = r.body["access_token"].as_str().unwrap();
    let paid = s.mark_paid(id).await;
    assert_eq!(paid.status, 200, "{paid:?}");
    assert_eq!(paid.body["paid"]["amount_minor"], 18000);
    let tickets: Vec<String> =
        paid.body["tickets"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(tickets.len(), 5);
    // One ticket passes to a friend first: its new ticket stands where the
    // old one stood, at the old one's price.
    let settings = format!("/api/v1/orgs/{}/events/{}/transfer-settings", s.org, s.event);
    let on = s.t.put(&settings, &s.owner, json!({"allowed": true, "cutoff_hours": 0, "max_per_ticket": 2})).await;
    assert_eq!(on.status, 200, "{on:?}");
    let offer =
        s.t.send(
            s.t.client
                .post(format!("{}/api/v1/orders/{id}/transfers", s.t.base))
                .header("x-order-token", token)
                .json(&json!({"ticket_ids": [tickets[2]], "to_email": "friend@example.org", "to_name": "Friend"})),
        )
        .await;
    assert_eq!(offer.status, 201, "{offer:?}");
    let transfer = offer.body["id"].as_str().unwrap().to_string();
    let rows = s.t.store.outbox_for(&transfer, "email", 10).await.unwrap();
    let mail = rows.iter().find(|r| r.topic == "transfer_offer").expect("the offer e-mail is queued");
    let payload: Value = serde_json::from_str(&mail.payload).unwrap();
    let url =
        s.t.app
            .config
            .master_key
            .open(payload["url"].as_str().unwrap(), format!("transfer-mail:{transfer}").as_bytes());
    let url = String::from_utf8(url.unwrap()).unwrap();
    let secret = url.rsplit_once('/').unwrap().1.to_string();
    let accepted =
        s.t.send(
            s.t.client
                .post(format!("{}/api/v1/transfers/{transfer}/accept", s.t.base))
                .header("x-transfer-token", secret)
                .json(&json!({"name": "Friend"})),
        )
        .await;
    assert!(matches!(accepted.status, 200 | 201), "{accepted:?}");
    let order = s.t.get(&format!("/api/v1/orgs/{}/orders/{id}", s.org), &s.owner).await;
    let tickets: Vec<String> = order.body["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["status"] == "valid")
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(tickets.len(), 5, "four of the buyer's and the friend's new one: {order:?}");
    // Refunded one at a time, the tickets give back exactly what was paid.
    let mut refunds = Vec::new();
    let mut before = 0;
    for ticket in &tickets {
        let r =
            s.t.post(&format!("/api/v1/orgs/{}/orders/{id}/refunds", s.org), &s.owner, json!({"ticket_ids": [ticket]}))
                .await;
        assert!(matches!(r.status, 200 | 201), "{r:?}");
        let o =
            s.t.send(s.t.client.get(format!("{}/api/v1/orders/{id}", s.t.base)).header("x-order-token", token)).await;
        let now = o.body["refunded"]["amount_minor"].as_i64().unwrap();
        refunds.push(now - before);
        before = now;
    }
    refunds.sort();
    assert_eq!(refunds, vec![2000, 3000, 3000, 5000, 5000], "each ticket its own price");
}

async fn a_date_tier_ends_at_its_instant_and_bad_tiers_are_refused_naming_the_field() {
    let s = sale(5000, 100).await;
    let until = s.t.clock.now().checked_add(jiff::SignedDuration::from_hours(24)).unwrap();
    let early = s.tier(json!({"name": "Early bird", "price_minor": 3500, "until": until.to_string()})).await;
    let first = s.buy_n(3, "a@example.org").await;
    assert_eq!(lines(&first.body), vec![(3, 3500)], "no quantity: every ticket until then");
    assert_eq!(s.mark_paid(first.body["id"].as_str().unwrap()).await.status, 200);
    s.t.clock.advance_secs(24 * 3600);
    assert_eq!(lines(&s.buy_n(1, "b@example.org").await.body), vec![(1, 5000)], "ended at its instant");
    // Bad input: the field named, nothing created.
    let future = s.t.clock.now().checked_add(jiff::SignedDuration::from_hours(1)).unwrap().to_string();
    let past = s.t.clock.now().checked_sub(jiff::SignedDuration::from_hours(1)).unwrap().to_string();
    for (body, field) in [
        (json!({"name": "x", "price_minor": 100}), "quantity"),
        (json!({"name": "x", "price_minor": 100, "quantity": 0}), "quantity"),
        (json!({"name": "x", "price_minor": -1, "quantity": 5}), "price_minor"),
        (json!({"name": " ", "price_minor": 100, "quantity": 5}), "name"),
        (json!({"name": "x", "price_minor": 100, "until": past}), "until"),
        (json!({"name": "x", "price_minor": 100, "quantity": 5, "position": 5000}), "position"),
    ] {
        let r = s.t.post(&s.tiers_path(), &s.owner, body.clone()).await;
        assert_eq!((r.status, r.fields()), (422, vec![field.to_string()]), "{body}: {r:?}");
    }
    let r = s.t.post(&s.tiers_path(), &s.owner, json!({"name": "x", "price_minor": 100, "colour": "red"})).await;
    assert!(matches!(r.status, 400 | 422), "{r:?}");
    assert_eq!(s.tiers().await.len(), 1, "nothing was created");
    // Another organization's ticket type and tier do not exist for this one.
    let (other, other_org) = s.t.organizer("other@example.org", "beta").await;
    let foreign = format!("/api/v1/orgs/{other_org}/ticket-types/{}/price-tiers", s.ticket_type);
    assert_eq!(s.t.get(&foreign, &other).await.status, 404);
    let r = s.t.post(&foreign, &other, json!({"name": "x", "price_minor": 1, "quantity": 1})).await;
    assert_eq!(r.status, 404, "{r:?}");
    let tier_path = |org: &str| format!("/api/v1/orgs/{org}/price-tiers/{}", early["id"].as_str().unwrap());
    let r = s.t.put(&tier_path(&other_org), &other, json!({"name": "x", "price_minor": 1, "quantity": 1})).await;
    assert_eq!(r.status, 404, "{r:?}");
    assert_eq!(s.t.req(reqwest::Method::DELETE, &tier_path(&other_org), &other, None).await.status, 404);
    // A tier with tickets cannot be deleted; it can be ended.
    let del = s.t.req(reqwest::Method::DELETE, &tier_path(&s.org), &s.owner, None).await;
    assert_eq!((del.status, del.code()), (409, "conflict"), "{del:?}");
    let put =
        s.t.put(
            &tier_path(&s.org),
            &s.owner,
            json!({"name": "Early bird", "price_minor": 3000, "quantity": 3, "until": future}),
        )
        .await;
    assert_eq!(put.status, 200, "{put:?}");
    assert_eq!(put.body["sold"], 3, "settings change, the count stays");
    // At most ten tiers.
    for i in 0..9 {
        s.tier(json!({"name": format!("T{i}"), "price_minor": 100, "quantity": 1})).await;
    }
    let r =
        s.t.post(&s.tiers_path(), &s.owner, json!({"name": "one too many", "price_minor": 100, "quantity": 1})).await;
    assert_eq!((r.status, r.fields()), (422, vec!["ticket_type_id".to_string()]), "{r:?}");
    // A fresh tier nobody bought at goes away.
    let last = s.tiers().await.last().unwrap()["id"].as_str().unwrap().to_string();
    let del =
        s.t.req(reqwest::Method::DELETE, &format!("/api/v1/orgs/{}/price-tiers/{last}", s.org), &s.owner, None).await;
    assert_eq!(del.status, 204, "{del:?}");
}

async fn the_dashboard_adds_edits_and_deletes_tiers() {
    let s = sale(5000, 100).await;
    let mut b = crate::browser::Browser::new(&s.t.base);
    b.sign_in("owner@example.org", "correct horse battery").await;
    let event_page = b.get(&format!("/dashboard/orgs/{}/events/{}", s.org, s.event)).await;
    let page = format!("/dashboard/orgs/{}/events/{}/ticket-types/{}/tiers", s.org, s.event, s.ticket_type);
    assert!(event_page.html.contains(&format!("href=\"{page}\"")), "{}", event_page.html);
    // Neither an end date nor a number: said on the field.
    let r = b.submit(&page, &page, &[("name", "Launch"), ("price", "30.00")]).await;
    assert_eq!(r.status, 422, "{}", r.html);
    assert!(r.html.contains("id=\"quantity-error\""), "{}", r.html);
    let r = b.submit(&page, &page, &[("name", "Launch"), ("price", "thirty"), ("quantity", "5")]).await;
    assert_eq!(r.status, 422);
    assert!(r.html.contains("id=\"price-error\""), "{}", r.html);
    let r = b.submit(&page, &page, &[("name", "Launch <b>"), ("price", "30.00"), ("quantity", "5")]).await;
    assert_eq!(r.status, 303, "{}", r.html);
    let tiers = s.tiers().await;
    assert_eq!((tiers[0]["price"]["amount_minor"].as_i64(), tiers[0]["quantity"].as_i64()), (Some(3000), Some(5)));
    let list = b.get(&page).await;
    assert!(list.html.contains("Launch &#60;b&#62;"), "escaped: {}", list.html);
    // The storefront shows the tier beside its price.
    let store = b.get(&format!("/events/{}", s.event)).await;
    assert!(store.html.contains("Launch &#60;b&#62;") && store.html.contains("5 left at this price"), "{}", store.html);
    let home = b.get("/").await;
    assert!(
        home.html.contains("€30.00") && !home.html.contains("€50.00"),
        "the card's price is the tier's: {}",
        home.html
    );
    let edit = format!("{page}/{}", tiers[0]["id"].as_str().unwrap());
    let r =
        b.submit(&edit, &edit, &[("name", "Launch"), ("price", "25.50"), ("quantity", "8"), ("position", "0")]).await;
    assert_eq!(r.status, 303, "{}", r.html);
    assert_eq!(s.tiers().await[0]["price"]["amount_minor"], 2550);
    let r = b.submit(&edit, &format!("{edit}/delete"), &[]).await;
    assert_eq!(r.status, 303, "{}", r.html);
    assert!(s.tiers().await.is_empty());
    // In Chinese too.
    let zh = b.get(&format!("{page}?lang=zh-CN")).await;
    assert!(zh.html.contains("阶梯价格"), "{}", zh.html);
}

async fn dynamic_prices_follow_their_rule_within_bounds_and_orders_keep_theirs() {
    let s = sale(5000, 100).await;
    let path = format!("/api/v1/orgs/{}/ticket-types/{}/dynamic-pricing", s.org, s.ticket_type);
    let off = s.t.get(&path, &s.owner).await;
    assert_eq!((off.status, off.body["settings"].clone()), (200, Value::Null), "{off:?}");
    // Bad settings name their field and change nothing.
    for (body, field) in [
        (json!({"floor_minor": 3000, "ceiling_minor": 2000, "rule": "share_sold"}), "ceiling_minor"),
        (json!({"floor_minor": -5, "ceiling_minor": 2000, "rule": "share_sold"}), "floor_minor"),
        (json!({"floor_minor": 1000, "ceiling_minor": 2000, "rule": "sales_rate", "step_bp": 500}), "target_per_hour"),
        (json!({"floor_minor": 1000, "ceiling_minor": 2000, "rule": "time_to_event"}), "window_hours"),
        (
            json!({"floor_minor": 1000, "ceiling_minor": 2000, "rule": "share_sold", "rounding_minor": 0}),
            "rounding_minor",
        ),
    ] {
        let r = s.t.put(&path, &s.owner, body.clone()).await;
        assert_eq!((r.status, r.fields()), (422, vec![field.to_string()]), "{body}: {r:?}");
    }
    let r = s.t.put(&path, &s.owner, json!({"floor_minor": 1, "ceiling_minor": 2, "rule": "by_mood"})).await;
    assert!(matches!(r.status, 400 | 422), "{r:?}");
    assert_eq!(s.t.get(&path, &s.owner).await.body["price"]["amount_minor"], 5000, "nothing changed");
    let (other, other_org) = s.t.organizer("other@example.org", "beta").await;
    let foreign = format!("/api/v1/orgs/{other_org}/ticket-types/{}/dynamic-pricing", s.ticket_type);
    let r = s.t.put(&foreign, &other, json!({"floor_minor": 1, "ceiling_minor": 2, "rule": "share_sold"})).await;
    assert_eq!(r.status, 404, "{r:?}");
    // A reservation before the rule: it keeps its price whatever happens.
    let early = s.buy_n(2, "early@example.org").await;
    assert_eq!(lines(&early.body), vec![(2, 5000)]);
    // By share sold, 20 to 80: two sold of 100 gives 21.20, rounded to whole euros.
    let on =
        s.t.put(
            &path,
            &s.owner,
            json!({"floor_minor": 2000, "ceiling_minor": 8000, "rule": "share_sold", "rounding_minor": 100}),
        )
        .await;
    assert_eq!(on.status, 200, "{on:?}");
    assert_eq!(on.body["price"]["amount_minor"], 2100, "{on:?}");
    assert_eq!(on.body["changes"][0]["reason"], "share_sold");
    assert_eq!(on.body["changes"][0]["figure"], 200, "2 % sold");
    assert_eq!(s.public_type().await["price"]["amount_minor"], 2100);
    for i in 0..8 {
        assert_eq!(s.buy_n(6, &format!("b{i}@example.org")).await.status, 201);
    }
    s.t.app.sweep_once().await.unwrap();
    let view = s.t.get(&path, &s.owner).await;
    assert_eq!(view.body["price"]["amount_minor"], 2000 + 6000 * 50 / 100, "half sold: halfway {view:?}");
    assert_eq!(view.body["changes"].as_array().unwrap().len(), 2, "each change recorded");
    assert_eq!(view.body["changes"][0]["figure"], 5000);
    let paid = s.mark_paid(early.body["id"].as_str().unwrap()).await;
    assert_eq!(paid.body["paid"]["amount_minor"], 10000, "the reserved price is the price paid: {paid:?}");
    // New bounds move the price into them at once, and say so.
    let on =
        s.t.put(
            &path,
            &s.owner,
            json!({"floor_minor": 6000, "ceiling_minor": 7000, "rule": "time_to_event", "window_hours": 24}),
        )
        .await;
    assert_eq!(on.status, 200, "{on:?}");
    assert_eq!(on.body["price"]["amount_minor"], 6000);
    assert_eq!(on.body["changes"][0]["reason"], "bounds");
    // Off: the price stays where it is.
    assert_eq!(s.t.req(reqwest::Method::DELETE, &path, &s.owner, None).await.status, 204);
    s.t.app.sweep_once().await.unwrap();
    let view = s.t.get(&path, &s.owner).await;
    assert_eq!((view.body["settings"].clone(), view.body["price"]["amount_minor"].as_i64()), (Value::Null, Some(6000)));
    assert_eq!(s.t.req(reqwest::Method::DELETE, &path, &s.owner, None).await.status, 404);
}

async fn the_dashboard_sets_dynamic_pricing_and_lists_its_changes() {
    let s = sale(5000, 100).await;
    let mut b = crate::browser::Browser::new(&s.t.base);
    b.sign_in("owner@example.org", "correct horse battery").await;
    let page = format!("/dashboard/orgs/{}/events/{}/ticket-types/{}/tiers", s.org, s.event, s.ticket_type);
    let action = format!("/dashboard/orgs/{}/events/{}/ticket-types/{}/dynamic-pricing", s.org, s.event, s.ticket_type);
    let r = b.submit(&page, &action, &[("floor", "40.00"), ("ceiling", "30.00"), ("rule", "share_sold")]).await;
    assert_eq!(r.status, 422, "{}", r.html);
    assert!(r.html.contains("id=\"ceiling-error\""), "the API's field said as the form's: {}", r.html);
    let r = b
        .submit(
            &page,
            &action,
            &[
                ("floor", "30.00"),
                ("ceiling", "90.00"),
                ("rule", "sales_rate"),
                ("target_per_hour", "10"),
                ("step", "5"),
                ("rounding", "1.00"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.html);
    let view =
        s.t.get(&format!("/api/v1/orgs/{}/ticket-types/{}/dynamic-pricing", s.org, s.ticket_type), &s.owner).await;
    assert_eq!(view.body["settings"]["step_bp"], 500, "5 % is 500 basis points: {view:?}");
    assert_eq!(
        view.body["price"]["amount_minor"], 4800,
        "no sales in the last hour: one step down, 47.50 rounded to whole euros"
    );
    let shown = b.get(&page).await;
    assert!(shown.html.contains("under half the target"), "{}", shown.html);
    assert!(shown.html.contains("value=\"5.00\""), "the step shown as typed: {}", shown.html);
    let r = b.submit(&page, &format!("{action}/off"), &[]).await;
    assert_eq!(r.status, 303);
    let view =
        s.t.get(&format!("/api/v1/orgs/{}/ticket-types/{}/dynamic-pricing", s.org, s.ticket_type), &s.owner).await;
    assert_eq!(view.body["settings"], Value::Null);
}
