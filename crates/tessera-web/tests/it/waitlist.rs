//! Waitlists over HTTP, on SQLite and PostgreSQL: entries are offered freed
//! tickets in order of joining, an offer holds exactly what was freed, an
//! unanswered offer passes to the next, nothing is offered while nothing is
//! freed, a head entry wanting more than is free makes the line wait,
//! many sweeps racing over one freed ticket offer it once (round after
//! round), an expired offer cannot be accepted, leaving and removing give an
//! open offer back, bad input is refused with nothing written, strangers
//! see nothing, and the offer e-mail goes out in the entry's language.

use crate::helpers::*;
use serde_json::{Value, json};
use std::time::Duration;
use tessera_app::{AppConfig, Clock};
use tessera_store::InventoryOp;

crate::on_both_backends!(
    entries_are_offered_in_order_and_an_unanswered_offer_passes_on,
    a_head_entry_wanting_more_than_is_free_makes_the_line_wait,
    racing_sweeps_offer_one_freed_ticket_once_round_after_round,
    an_expired_offer_is_refused_with_nothing_changed,
    leaving_and_removing_give_an_open_offer_back,
    bad_input_is_refused_with_nothing_written,
    strangers_and_other_roles_are_refused,
    the_offer_e_mail_goes_out_in_the_entry_language,
);

/// A published event with one ticket type from a quota of `capacity`, its
/// waitlist on (offers held 10 minutes).
async fn setup(price: i64, capacity: i64) -> Sale {
    setup_with(price, capacity, test_config()).await
}

async fn setup_with(price: i64, capacity: i64, config: AppConfig) -> Sale {
    let s = sale_with(price, capacity, config).await;
    let r = s.t.put(&settings_path(&s), &s.owner, json!({"enabled": true, "offer_minutes": 10})).await;
    assert_eq!(r.status, 200, "{r:?}");
    s
}

fn settings_path(s: &Sale) -> String {
    format!("/api/v1/orgs/{}/events/{}/waitlist-settings", s.org, s.event)
}

/// A pending order of `n` tickets: (id, token).
async fn hold(s: &Sale, n: i64, email: &str) -> (String, String) {
    let r =
        s.t.post(
            &format!("/api/v1/events/{}/orders", s.event),
            &Auth::None,
            json!({"lines": [{"ticket_type_id": s.ticket_type, "quantity": n}], "email": email, "name": "Holder"}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    (r.body["id"].as_str().unwrap().to_string(), r.body["access_token"].as_str().unwrap().to_string())
}

async fn cancel_own(s: &Sale, order: &str, token: &str) {
    let rb =
        s.t.client
            .post(format!("{}/api/v1/orders/{order}/cancel", s.t.base))
            .header("x-order-token", token)
            .json(&json!({}));
    let r = s.t.send(rb).await;
    assert_eq!(r.status, 200, "{r:?}");
}

/// An entry: (id, token).
struct Entry {
    id: String,
    token: String,
}

async fn join(s: &Sale, email: &str, quantity: i64) -> Entry {
    let r =
        join_raw(s, json!({"ticket_type_id": s.ticket_type, "quantity": quantity, "email": email, "name": "Waiting"}))
            .await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.body["entry"]["state"], "waiting");
    Entry {
        id: r.body["entry"]["id"].as_str().unwrap().to_string(),
        token: r.body["access_token"].as_str().unwrap().to_string(),
    }
}

async fn join_raw(s: &Sale, body: Value) -> Res {
    s.t.post(&format!("/api/v1/events/{}/waitlist", s.event), &Auth::None, body).await
}

async fn entry(s: &Sale, e: &Entry) -> Value {
    let rb = s.t.client.get(format!("{}/api/v1/waitlist/{}", s.t.base, e.id)).header("x-waitlist-token", &e.token);
    let r = s.t.send(rb).await;
    assert_eq!(r.status, 200, "{r:?}");
    r.body
}

/// (state, position) of each entry.
async fn states(s: &Sale, entries: &[&Entry]) -> Vec<(String, Option<i64>)> {
    let mut out = vec![];
    for e in entries {
        let v = entry(s, e).await;
        out.push((v["state"].as_str().unwrap().to_string(), v["position"].as_i64()));
    }
    out
}

fn st(state: &str, position: Option<i64>) -> (String, Option<i64>) {
    (state.to_string(), position)
}

/// The quota's (held, sold).
async fn counters(s: &Sale) -> (i64, i64) {
    let r = s.t.get(&format!("/api/v1/orgs/{}/events/{}/quotas", s.org, s.event), &s.owner).await;
    assert_eq!(r.status, 200, "{r:?}");
    (r.body[0]["held"].as_i64().unwrap(), r.body[0]["sold"].as_i64().unwrap())
}

async fn sweep(s: &Sale) {
    s.t.app.sweep_once().await.unwrap();
}

/// The organizer's list of the event's entries.
async fn list(s: &Sale) -> Vec<Value> {
    let r = s.t.get(&format!("/api/v1/orgs/{}/events/{}/waitlist", s.org, s.event), &s.owner).await;
    assert_eq!(r.status, 200, "{r:?}");
    r.body.as_array().unwrap().clone()
}

/// The offered order of an entry, read with the entry's token (the offer's order takes it).
async fn offered_order(s: &Sale, e: &Entry) -> Value {
    let v = entry(s, e).await;
    let order = v["order_id"].as_str().expect("an offered entry has an order");
    let rb = s.t.client.get(format!("{}/api/v1/orders/{order}", s.t.base)).header("x-order-token", &e.token);
    let r = s.t.send(rb).await;
    assert_eq!(r.status, 200, "{r:?}");
    r.body
}

async fn entries_are_offered_in_order_and_an_unanswered_offer_passes_on() {
    let s = setup(2500, 2).await;
    let (o1, t1) = hold(&s, 1, "one@example.org").await;
    // The second ticket is paid, so that only the first is ever freed.
    let (o2, _) = hold(&s, 1, "two@example.org").await;
    let paid = s.t.post(&format!("/api/v1/orgs/{}/orders/{o2}/mark-paid", s.org), &s.owner, json!({})).await;
    assert_eq!(paid.status, 200, "{paid:?}");
    let a = join(&s, "a@example.org", 1).await;
    let b = join(&s, "b@example.org", 1).await;
    let c = join(&s, "c@example.org", 1).await;
    assert_eq!(
        states(&s, &[&a, &b, &c]).await,
        vec![st("waiting", Some(1)), st("waiting", Some(2)), st("waiting", Some(3))]
    );
    // Joining twice for the same type is refused; the first entry stays.
    let again =
        join_raw(&s, json!({"ticket_type_id": s.ticket_type, "quantity": 2, "email": "A@example.org", "name": "A"}))
            .await;
    assert_eq!(again.status, 409, "{again:?}");
    assert_eq!(again.fields(), vec!["ticket_type_id".to_string()]);
    assert_eq!(list(&s).await.len(), 3);

    // Nothing freed: no offer.
    sweep(&s).await;
    assert_eq!(states(&s, &[&a, &b, &c]).await[0], st("waiting", Some(1)));
    assert_eq!(counters(&s).await, (1, 1));

    // One ticket freed: the first in line gets exactly it.
    cancel_own(&s, &o1, &t1).await;
    sweep(&s).await;
    assert_eq!(
        states(&s, &[&a, &b, &c]).await,
        vec![st("offered", None), st("waiting", Some(1)), st("waiting", Some(2))]
    );
    let offer = offered_order(&s, &a).await;
    assert_eq!(offer["state"], "pending");
    assert_eq!(offer["buyer_email"], "a@example.org");
    assert_eq!(offer["lines"][0]["quantity"], 1);
    assert!(offer["history"].to_string().contains("waitlist"), "{offer}");
    let v = entry(&s, &a).await;
    assert!(v["offer_link"].as_str().unwrap().starts_with(&format!("/o/{}/", offer["id"].as_str().unwrap())));
    assert_eq!(counters(&s).await, (1, 1), "the offer holds what was freed");
    // Nobody else can buy it meanwhile.
    let r = s
        .t
        .post(
            &format!("/api/v1/events/{}/orders", s.event),
            &Auth::None,
            json!({"lines": [{"ticket_type_id": s.ticket_type, "quantity": 1}], "email": "late@example.org", "name": "Late"}),
        )
        .await;
    assert_eq!(r.status, 409, "{r:?}");
    assert_eq!(r.code(), "sold_out");
    // Another sweep offers nothing more.
    sweep(&s).await;
    assert_eq!(states(&s, &[&b]).await, vec![st("waiting", Some(1))]);

    // Unanswered past its end: the offer lapses and passes to the next.
    s.t.clock.advance_secs(11 * 60);
    sweep(&s).await;
    assert_eq!(states(&s, &[&a, &b, &c]).await, vec![st("lapsed", None), st("offered", None), st("waiting", Some(1))]);
    assert_eq!(offered_order(&s, &a).await["state"], "expired");
    // The second offer is paid: accepted, and the tickets are issued once.
    let ob = offered_order(&s, &b).await;
    let paid = s
        .t
        .post(&format!("/api/v1/orgs/{}/orders/{}/mark-paid", s.org, ob["id"].as_str().unwrap()), &s.owner, json!({}))
        .await;
    assert_eq!(paid.status, 200, "{paid:?}");
    sweep(&s).await;
    assert_eq!(states(&s, &[&a, &b, &c]).await, vec![st("lapsed", None), st("accepted", None), st("waiting", Some(1))]);
    assert_eq!(counters(&s).await, (0, 2));
    assert_eq!(offered_order(&s, &b).await["tickets"].as_array().unwrap().len(), 1);
}

async fn a_head_entry_wanting_more_than_is_free_makes_the_line_wait() {
    let s = setup(2500, 2).await;
    let (o1, t1) = hold(&s, 1, "one@example.org").await;
    let (o2, t2) = hold(&s, 1, "two@example.org").await;
    let a = join(&s, "a@example.org", 2).await;
    let b = join(&s, "b@example.org", 1).await;
    cancel_own(&s, &o1, &t1).await;
    sweep(&s).await;
    // One free, the first wants two: nobody is offered, nobody overtakes.
    assert_eq!(states(&s, &[&a, &b]).await, vec![st("waiting", Some(1)), st("waiting", Some(2))]);
    assert_eq!(counters(&s).await, (1, 0));
    cancel_own(&s, &o2, &t2).await;
    sweep(&s).await;
    assert_eq!(states(&s, &[&a, &b]).await, vec![st("offered", None), st("waiting", Some(1))]);
    assert_eq!(offered_order(&s, &a).await["lines"][0]["quantity"], 2);
    assert_eq!(counters(&s).await, (2, 0));
    // Raising the capacity frees one more: the next in line gets it.
    let q = s.t.get(&format!("/api/v1/orgs/{}/events/{}/quotas", s.org, s.event), &s.owner).await;
    let qid = q.body[0]["id"].as_str().unwrap();
    let r = s.t.patch(&format!("/api/v1/orgs/{}/quotas/{qid}", s.org), &s.owner, json!({"capacity": 3})).await;
    assert_eq!(r.status, 200, "{r:?}");
    sweep(&s).await;
    assert_eq!(states(&s, &[&a, &b]).await, vec![st("offered", None), st("offered", None)]);
    assert_eq!(counters(&s).await, (3, 0));
}

/// Many batches (as from several sweepers and processes) race over each
/// freed ticket: it is offered to exactly one entry, the next in line, and
/// held once; round after round as offers lapse.
async fn racing_sweeps_offer_one_freed_ticket_once_round_after_round() {
    let s = setup(0, 1).await;
    let (o1, t1) = hold(&s, 1, "one@example.org").await;
    let mut entries = vec![];
    for i in 0..4 {
        entries.push(join(&s, &format!("w{i}@example.org"), 1).await);
    }
    cancel_own(&s, &o1, &t1).await;
    let event: tessera_domain::EventId = s.event.parse().unwrap();
    for round in 0..3 {
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..8 {
            let (store, app, now) = (s.t.store.clone(), s.t.app.clone(), s.t.clock.now());
            tasks.spawn(async move {
                if i % 2 == 0 {
                    store
                        .inventory_batch(event, now, vec![InventoryOp::Waitlist])
                        .await
                        .map(|_| ())
                        .map_err(|e| e.to_string())
                } else {
                    app.sweep_once().await.map(|_| ()).map_err(|e| e.to_string())
                }
            });
        }
        while let Some(r) = tasks.join_next().await {
            r.unwrap().unwrap();
        }
        let got = states(&s, &entries.iter().collect::<Vec<_>>()).await;
        let offered: Vec<usize> =
            got.iter().enumerate().filter(|(_, (st, _))| st == "offered").map(|(i, _)| i).collect();
        assert_eq!(offered, vec![round], "round {round}: {got:?}");
        assert_eq!(counters(&s).await, (1, 0), "round {round}");
        let orders = s.t.get(&format!("/api/v1/orgs/{}/orders?event_id={}", s.org, s.event), &s.owner).await;
        let pending = orders.body.as_array().unwrap().iter().filter(|o| o["state"] == "pending").count();
        assert_eq!(pending, 1, "round {round}: one open offer");
        // The offer lapses; the next round offers the ticket to the next entry.
        s.t.clock.advance_secs(11 * 60);
    }
    // The last offer is taken: free, confirmed with the entry's link; one ticket.
    s.t.clock.advance_secs(-11 * 60);
    let last = &entries[2];
    let order = offered_order(&s, last).await;
    let rb =
        s.t.client
            .post(format!("{}/api/v1/orders/{}/confirm", s.t.base, order["id"].as_str().unwrap()))
            .header("x-order-token", &last.token)
            .json(&json!({}));
    let r = s.t.send(rb).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["tickets"].as_array().unwrap().len(), 1);
    assert_eq!(counters(&s).await, (0, 1));
    sweep(&s).await;
    assert_eq!(states(&s, &[&entries[3]]).await, vec![st("waiting", Some(1))]);
}

async fn an_expired_offer_is_refused_with_nothing_changed() {
    let s = setup(0, 1).await;
    let (o1, t1) = hold(&s, 1, "one@example.org").await;
    let a = join(&s, "a@example.org", 1).await;
    let b = join(&s, "b@example.org", 1).await;
    cancel_own(&s, &o1, &t1).await;
    sweep(&s).await;
    let order = offered_order(&s, &a).await;
    let id = order["id"].as_str().unwrap().to_string();
    s.t.clock.advance_secs(10 * 60 + 1);
    let rb =
        s.t.client
            .post(format!("{}/api/v1/orders/{id}/confirm", s.t.base))
            .header("x-order-token", &a.token)
            .json(&json!({}));
    let r = s.t.send(rb).await;
    assert_eq!(r.status, 409, "{r:?}");
    assert_eq!(r.code(), "hold_expired");
    let after = offered_order(&s, &a).await;
    assert_eq!(after["tickets"].as_array().unwrap().len(), 0, "nothing issued");
    assert_eq!(after["state"], "expired");
    assert_eq!(entry(&s, &a).await["state"], "lapsed");
    sweep(&s).await;
    assert_eq!(states(&s, &[&b]).await, vec![st("offered", None)]);
    assert_eq!(counters(&s).await, (1, 0));
}

async fn leaving_and_removing_give_an_open_offer_back() {
    let s = setup(2500, 1).await;
    let (o1, t1) = hold(&s, 1, "one@example.org").await;
    let a = join(&s, "a@example.org", 1).await;
    let b = join(&s, "b@example.org", 1).await;
    let c = join(&s, "c@example.org", 1).await;
    // A waiting buyer leaves by the link's secret: those behind move up.
    let leave = |e: &Entry| {
        s.t.client.post(format!("{}/api/v1/waitlist/{}/leave", s.t.base, e.id)).header("x-waitlist-token", &e.token)
    };
    let r = s.t.send(leave(&a)).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["state"], "left");
    assert_eq!(states(&s, &[&b, &c]).await, vec![st("waiting", Some(1)), st("waiting", Some(2))]);
    let r = s.t.send(leave(&a)).await;
    assert_eq!(r.status, 409, "{r:?}");
    assert_eq!(r.code(), "waitlist_entry_ended");
    // Having left, the buyer may join again, at the end.
    let a2 = join(&s, "a@example.org", 1).await;
    assert_eq!(entry(&s, &a2).await["position"], 3);
    // An offered entry removed by staff: its order is cancelled, the next is offered.
    cancel_own(&s, &o1, &t1).await;
    sweep(&s).await;
    assert_eq!(entry(&s, &b).await["state"], "offered");
    let r =
        s.t.post(&format!("/api/v1/orgs/{}/events/{}/waitlist/{}/remove", s.org, s.event, b.id), &s.owner, json!({}))
            .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["state"], "removed");
    assert_eq!(offered_order(&s, &b).await["state"], "cancelled");
    sweep(&s).await;
    assert_eq!(states(&s, &[&c, &a2]).await, vec![st("offered", None), st("waiting", Some(1))]);
    // The offered buyer leaves: the offer goes to the next.
    let r = s.t.send(leave(&c)).await;
    assert_eq!(r.status, 200, "{r:?}");
    sweep(&s).await;
    assert_eq!(states(&s, &[&a2]).await, vec![st("offered", None)]);
    assert_eq!(counters(&s).await, (1, 0));
}

async fn bad_input_is_refused_with_nothing_written() {
    let s = setup(2500, 1).await;
    let tt = s.ticket_type.clone();
    // Not sold out yet.
    let r = join_raw(&s, json!({"ticket_type_id": tt, "quantity": 1, "email": "a@example.org", "name": "A"})).await;
    assert_eq!(r.status, 422, "{r:?}");
    assert_eq!(r.code(), "not_sold_out");
    hold(&s, 1, "one@example.org").await;
    for (body, field) in [
        (json!({"ticket_type_id": tt, "quantity": 0, "email": "a@example.org", "name": "A"}), "quantity"),
        (json!({"ticket_type_id": tt, "quantity": 7, "email": "a@example.org", "name": "A"}), "quantity"),
        (json!({"ticket_type_id": tt, "quantity": 1, "email": "not an address", "name": "A"}), "email"),
        (json!({"ticket_type_id": tt, "quantity": 1, "name": "A"}), "email"),
        (json!({"ticket_type_id": tt, "quantity": 1, "email": "a@example.org", "name": ""}), "name"),
        (json!({"ticket_type_id": tt, "quantity": 1, "email": "a@example.org", "name": "A", "locale": "fr"}), "locale"),
        (
            json!({"ticket_type_id": uuid::Uuid::now_v7(), "quantity": 1, "email": "a@example.org", "name": "A"}),
            "ticket_type_id",
        ),
    ] {
        let r = join_raw(&s, body.clone()).await;
        assert_eq!(r.status, 422, "{body}: {r:?}");
        assert!(r.fields().contains(&field.to_string()), "{body}: {r:?}");
    }
    for body in [
        json!({"ticket_type_id": "nope", "quantity": 1, "email": "a@example.org"}),
        json!({"ticket_type_id": tt, "quantity": "two", "email": "a@example.org"}),
        json!({"ticket_type_id": tt, "quantity": 1, "email": "a@example.org", "extra": 1}),
    ] {
        let r = join_raw(&s, body.clone()).await;
        assert_eq!(r.status, 422, "{body}: {r:?}");
    }
    let r = s.t.put(&settings_path(&s), &s.owner, json!({"enabled": true, "offer_minutes": 1})).await;
    assert_eq!(r.status, 422, "{r:?}");
    assert_eq!(r.fields(), vec!["offer_minutes".to_string()]);
    let r = s.t.put(&settings_path(&s), &s.owner, json!({"enabled": true})).await;
    assert_eq!(r.status, 422, "{r:?}");
    assert_eq!(s.t.get(&settings_path(&s), &s.owner).await.body["offer_minutes"], 10);
    // Switched off: joining is refused.
    let r = s.t.put(&settings_path(&s), &s.owner, json!({"enabled": false, "offer_minutes": 10})).await;
    assert_eq!(r.status, 200, "{r:?}");
    let r = join_raw(&s, json!({"ticket_type_id": tt, "quantity": 1, "email": "a@example.org", "name": "A"})).await;
    assert_eq!(r.status, 409, "{r:?}");
    assert_eq!(r.code(), "waitlist_closed");
    assert!(list(&s).await.is_empty(), "nothing was written");
    // An unknown event.
    let r =
        s.t.post(
            &format!("/api/v1/events/{}/waitlist", uuid::Uuid::now_v7()),
            &Auth::None,
            json!({"ticket_type_id": tt, "quantity": 1, "email": "a@example.org", "name": "A"}),
        )
        .await;
    assert_eq!(r.status, 404, "{r:?}");
}

async fn strangers_and_other_roles_are_refused() {
    let s = setup(2500, 1).await;
    hold(&s, 1, "one@example.org").await;
    let a = join(&s, "a@example.org", 1).await;
    // A wrong secret, none, or another entry's: 404, as for an unknown entry.
    let b = join(&s, "b@example.org", 1).await;
    for token in [None, Some("wrong"), Some(b.token.as_str())] {
        let mut rb = s.t.client.get(format!("{}/api/v1/waitlist/{}", s.t.base, a.id));
        let mut leave = s.t.client.post(format!("{}/api/v1/waitlist/{}/leave", s.t.base, a.id));
        if let Some(t) = token {
            rb = rb.header("x-waitlist-token", t);
            leave = leave.header("x-waitlist-token", t);
        }
        assert_eq!(s.t.send(rb).await.status, 404);
        assert_eq!(s.t.send(leave).await.status, 404);
    }
    assert_eq!(entry(&s, &a).await["state"], "waiting");
    // A signed-in buyer sees their own entries by account.
    let buyer = Auth::Session(s.t.register("buyer@example.org").await);
    let r =
        s.t.post(
            &format!("/api/v1/events/{}/waitlist", s.event),
            &buyer,
            json!({"ticket_type_id": s.ticket_type, "quantity": 1}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let mine = s.t.get("/api/v1/me/waitlist", &buyer).await;
    assert_eq!(mine.status, 200, "{mine:?}");
    assert_eq!(mine.body.as_array().unwrap().len(), 1);
    assert_eq!(mine.body[0]["position"], 3);
    let id = r.body["entry"]["id"].as_str().unwrap();
    assert_eq!(s.t.get(&format!("/api/v1/waitlist/{id}"), &buyer).await.status, 200);
    assert_eq!(s.t.get(&format!("/api/v1/waitlist/{}", a.id), &buyer).await.status, 404);
    // Removing takes staff: a scanner is refused, another organization sees nothing.
    let tok =
        s.t.post(&format!("/api/v1/orgs/{}/tokens", s.org), &s.owner, json!({"name": "gate", "role": "scanner"})).await;
    let scanner = Auth::Bearer(tok.body["secret"].as_str().unwrap().to_string());
    let remove = format!("/api/v1/orgs/{}/events/{}/waitlist/{}/remove", s.org, s.event, a.id);
    assert_eq!(s.t.post(&remove, &scanner, json!({})).await.status, 403);
    let (other, other_org) = s.t.organizer("other@example.org", "beta").await;
    let foreign = format!("/api/v1/orgs/{other_org}/events/{}/waitlist/{}/remove", s.event, a.id);
    assert_eq!(s.t.post(&foreign, &other, json!({})).await.status, 404);
    assert_eq!(entry(&s, &a).await["state"], "waiting");
    let tok =
        s.t.post(&format!("/api/v1/orgs/{}/tokens", s.org), &s.owner, json!({"name": "desk", "role": "staff"})).await;
    let staff = Auth::Bearer(tok.body["secret"].as_str().unwrap().to_string());
    let r = s.t.post(&remove, &staff, json!({})).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(s.t.post(&remove, &staff, json!({})).await.status, 409);
}

async fn the_offer_e_mail_goes_out_in_the_entry_language() {
    let sink = tokio::task::spawn_blocking(tessera_mail::testing::SmtpSink::start).await.unwrap();
    let s = setup_with(2500, 1, AppConfig { smtp: Some(sink.config()), ..test_config() }).await;
    let (o1, t1) = hold(&s, 1, "one@example.org").await;
    let r = join_raw(
        &s,
        json!({"ticket_type_id": s.ticket_type, "quantity": 1, "email": "li@example.org", "name": "李雷", "locale": "zh-CN"}),
    )
    .await;
    assert_eq!(r.status, 201, "{r:?}");
    let li = Entry {
        id: r.body["entry"]["id"].as_str().unwrap().to_string(),
        token: r.body["access_token"].as_str().unwrap().to_string(),
    };
    let en = join(&s, "ada@example.org", 1).await;
    let drain = || async {
        for _ in 0..20 {
            if s.t.app.run_outbox_once().await.unwrap() == 0 {
                break;
            }
        }
    };
    // The first offer's e-mail goes out while it is open; then it lapses
    // and the second buyer's goes out.
    cancel_own(&s, &o1, &t1).await;
    sweep(&s).await;
    drain().await;
    s.t.clock.advance_secs(11 * 60);
    sweep(&s).await;
    drain().await;
    let order_li = offered_order(&s, &li).await["id"].as_str().unwrap().to_string();
    let order_en = offered_order(&s, &en).await["id"].as_str().unwrap().to_string();
    let got = tokio::task::spawn_blocking(move || (sink.wait_for(2, Duration::from_secs(20)), sink)).await.unwrap().0;
    let to = |addr: &str| {
        got.iter()
            .filter(|m| m.rcpt_to.iter().any(|r| r == addr))
            .map(|m| mail_parser::MessageParser::default().parse(&m.raw).unwrap())
            .next()
            .unwrap_or_else(|| panic!("a mail to {addr}"))
    };
    let zh = to("li@example.org");
    assert!(zh.subject().unwrap_or("").contains("为您保留"), "{:?}", zh.subject());
    assert!(zh.body_text(0).unwrap().contains(&format!("/o/{order_li}/")));
    let mail = to("ada@example.org");
    assert!(mail.subject().unwrap_or("").contains("held for you"), "{:?}", mail.subject());
    assert!(mail.body_text(0).unwrap().contains(&format!("/o/{order_en}/")));
}
