//! Buying over HTTP: reservations, confirmation, expiry, limits, bad input,
//! Idempotency-Key and the availability stream.

use crate::helpers::*;
use reqwest::Method;
use serde_json::{Value, json};

struct Sale {
    t: TestApp,
    owner: Auth,
    org: String,
    event: String,
    ticket_type: String,
}

/// A published event with one ticket type (price as given) from a quota of `capacity`.
async fn sale(price: i64, capacity: i64) -> Sale {
    let t = spawn_app().await;
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
    assert_eq!(t.post(&format!("/api/v1/orgs/{org}/events/{event}/publish"), &owner, json!({})).await.status, 200);
    Sale { t, owner, org, event, ticket_type }
}

impl Sale {
    async fn buy(&self, qty: i64, email: &str) -> Res {
        self.t
            .post(
                &format!("/api/v1/events/{}/orders", self.event),
                &Auth::None,
                json!({"lines": [{"ticket_type_id": self.ticket_type, "quantity": qty}], "email": email, "name": "Guest"}),
            )
            .await
    }

    async fn available(&self) -> i64 {
        self.t.get(&format!("/api/v1/events/{}", self.event), &Auth::None).await.body["ticket_types"][0]["available"]
            .as_i64()
            .unwrap()
    }

    async fn with_token(&self, method: Method, path: &str, token: &str) -> Res {
        let rb = self.t.client.request(method, format!("{}{path}", self.t.base)).header("x-order-token", token);
        self.t.send(rb).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guest_buys_free_tickets() {
    let s = sale(0, 10).await;
    let r = s.buy(3, "guest@example.org").await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!((r.body["state"].as_str(), r.body["total"]["amount_minor"].as_i64()), (Some("pending"), Some(0)));
    let id = r.body["id"].as_str().unwrap().to_string();
    let token = r.body["access_token"].as_str().unwrap().to_string();
    assert_eq!(r.body["reference"].as_str().unwrap().len(), 12);
    assert_eq!(s.available().await, 7, "the hold counts at once");
    assert_eq!(s.t.get(&format!("/api/v1/orders/{id}"), &Auth::None).await.status, 404, "no token, no order");
    assert_eq!(s.with_token(Method::GET, &format!("/api/v1/orders/{id}"), "wrong").await.status, 404);
    let got = s.with_token(Method::GET, &format!("/api/v1/orders/{id}"), &token).await;
    assert_eq!((got.status, got.body.get("access_token")), (200, None), "the token is shown once");
    let c = s.with_token(Method::POST, &format!("/api/v1/orders/{id}/confirm"), &token).await;
    assert_eq!((c.status, c.body["state"].as_str()), (200, Some("paid")), "{c:?}");
    assert_eq!(c.body["tickets"].as_array().unwrap().len(), 3);
    assert!(c.body["tickets"].as_array().unwrap().iter().all(|t| t["status"] == "valid"));
    let history: Vec<&str> =
        c.body["history"].as_array().unwrap().iter().map(|h| h["to_state"].as_str().unwrap()).collect();
    assert_eq!(history, vec!["pending", "paid"]);
    let again = s.with_token(Method::POST, &format!("/api/v1/orders/{id}/confirm"), &token).await;
    assert_eq!((again.status, again.code()), (409, "already_paid"));
    assert_eq!(s.available().await, 7);
    // The organizer sees it, and can cancel it: tickets void, inventory back.
    let list = s.t.get(&format!("/api/v1/orgs/{}/orders?event_id={}", s.org, s.event), &s.owner).await;
    assert_eq!(list.body.as_array().unwrap().len(), 1);
    let x = s.t.post(&format!("/api/v1/orgs/{}/orders/{id}/cancel", s.org), &s.owner, json!({})).await;
    assert_eq!((x.status, x.body["state"].as_str()), (200, Some("cancelled")), "{x:?}");
    assert!(x.body["tickets"].as_array().unwrap().iter().all(|t| t["status"] == "void"));
    assert!(x.body["history"].as_array().unwrap().last().unwrap()["actor"].as_str().unwrap().starts_with("user:"));
    assert_eq!(s.available().await, 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paid_orders_need_a_payment_or_the_box_office() {
    let s = sale(2500, 10).await;
    let r = s.buy(2, "guest@example.org").await;
    assert_eq!(r.body["total"], json!({"amount_minor": 5000, "currency": "EUR"}));
    let id = r.body["id"].as_str().unwrap();
    let token = r.body["access_token"].as_str().unwrap();
    let c = s.with_token(Method::POST, &format!("/api/v1/orders/{id}/confirm"), token).await;
    assert_eq!((c.status, c.code()), (422, "payment_required"));
    let paid = s.t.post(&format!("/api/v1/orgs/{}/orders/{id}/mark-paid", s.org), &s.owner, json!({})).await;
    assert_eq!((paid.status, paid.body["state"].as_str()), (200, Some("paid")), "{paid:?}");
    assert!(paid.body["paid_at"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn holds_expire_on_time_and_buyers_can_let_go() {
    let s = sale(0, 5).await;
    let r = s.buy(5, "a@example.org").await;
    let (id, token) =
        (r.body["id"].as_str().unwrap().to_string(), r.body["access_token"].as_str().unwrap().to_string());
    let expires: jiff::Timestamp = r.body["expires_at"].as_str().unwrap().parse().unwrap();
    let created: jiff::Timestamp = r.body["created_at"].as_str().unwrap().parse().unwrap();
    assert_eq!((expires - created).get_seconds(), 600, "ten minutes by default");
    let r = s.buy(1, "b@example.org").await;
    assert_eq!((r.status, r.code(), r.fields()), (409, "sold_out", vec!["lines[0].quantity".to_string()]), "{r:?}");
    assert_eq!(r.body["error"]["fields"]["lines[0].quantity"], "only 0 left");
    s.t.clock.advance_secs(601);
    assert_eq!(s.available().await, 5, "expired holds stop counting before any sweep");
    let c = s.with_token(Method::POST, &format!("/api/v1/orders/{id}/confirm"), &token).await;
    assert_eq!((c.status, c.code()), (409, "hold_expired"), "{c:?}");
    s.t.app.sweep_once().await.unwrap();
    let o = s.with_token(Method::GET, &format!("/api/v1/orders/{id}"), &token).await;
    assert_eq!(o.body["state"], "expired");
    // A buyer who changes their mind gives the tickets back at once.
    let r = s.buy(4, "c@example.org").await;
    let (id, token) =
        (r.body["id"].as_str().unwrap().to_string(), r.body["access_token"].as_str().unwrap().to_string());
    assert_eq!(s.available().await, 1);
    let x = s.with_token(Method::POST, &format!("/api/v1/orders/{id}/cancel"), &token).await;
    assert_eq!((x.status, x.body["state"].as_str()), (200, Some("cancelled")));
    assert_eq!(s.available().await, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_orders_are_refused_and_change_nothing() {
    let s = sale(0, 8).await;
    // A second event, a hidden type, a per-customer limit.
    let venue =
        s.t.get(&format!("/api/v1/orgs/{}/venues", s.org), &s.owner).await.body[0]["id"].as_str().unwrap().to_string();
    let other = s.t.sellable_event(&s.owner, &s.org, &venue, "Other").await;
    let other_id = other["id"].as_str().unwrap();
    let other_tt =
        s.t.get(&format!("/api/v1/orgs/{}/events/{other_id}/ticket-types", s.org), &s.owner).await.body[0]["id"]
            .clone();
    let quota =
        s.t.get(&format!("/api/v1/orgs/{}/events/{}/quotas", s.org, s.event), &s.owner).await.body[0]["id"].clone();
    let hidden = s
        .t
        .post(
            &format!("/api/v1/orgs/{}/events/{}/ticket-types", s.org, s.event),
            &s.owner,
            json!({"name": "Crew", "price_minor": 0, "currency": "EUR", "visibility": "hidden", "access_code": "crew-only", "quota_ids": [quota]}),
        )
        .await;
    let hidden_id = hidden.body["id"].clone();
    let r = s
        .t
        .patch(&format!("/api/v1/orgs/{}/events/{}", s.org, s.event), &s.owner, json!({"max_tickets_per_customer": 6}))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(s.buy(3, "limit@example.org").await.status, 201);
    let before = s.available().await;
    let path = format!("/api/v1/events/{}/orders", s.event);
    let line = |tt: &Value, q: Value| json!({"lines": [{"ticket_type_id": tt, "quantity": q}], "email": "x@example.org", "name": "X"});
    let tt = json!(s.ticket_type);
    let cases: Vec<(Value, u16, &str, &str)> = vec![
        (line(&tt, json!(0)), 422, "invalid_input", "lines[0].quantity"),
        (line(&tt, json!(-2)), 422, "invalid_input", "lines[0].quantity"),
        (line(&tt, json!(7)), 422, "invalid_input", "lines[0].quantity"),
        (line(&tt, json!(1.5)), 422, "invalid_input", "lines[0].quantity"),
        (line(&json!("not-a-uuid"), json!(1)), 422, "invalid_input", "lines[0].ticket_type_id"),
        (line(&json!(tessera_domain::TicketTypeId::new()), json!(1)), 422, "invalid_input", "lines[0].ticket_type_id"),
        (line(&other_tt, json!(1)), 422, "invalid_input", "lines[0].ticket_type_id"),
        (line(&hidden_id, json!(1)), 422, "access_code_required", "lines[0].ticket_type_id"),
        (json!({"lines": [], "email": "x@example.org", "name": "X"}), 422, "invalid_input", "lines"),
        (json!({"lines": [{"ticket_type_id": tt, "quantity": 1}], "name": "X"}), 422, "invalid_input", "email"),
        (
            json!({"lines": [{"ticket_type_id": tt, "quantity": 1}, {"ticket_type_id": tt, "quantity": 1}], "email": "x@example.org", "name": "X"}),
            422,
            "invalid_input",
            "lines[1].ticket_type_id",
        ),
        (
            json!({"lines": [{"ticket_type_id": tt, "quantity": 4}], "email": "limit@example.org", "name": "X"}),
            422,
            "limit_exceeded",
            "lines",
        ),
        (line(&tt, json!(6)), 409, "sold_out", "lines[0].quantity"),
        (
            json!({"lines": [{"ticket_type_id": tt, "quantity": 1, "seat": "A1"}], "email": "x@example.org", "name": "X"}),
            422,
            "invalid_input",
            "lines[0].seat",
        ),
    ];
    for (body, status, code, field) in cases {
        let r = s.t.post(&path, &Auth::None, body.clone()).await;
        assert_eq!((r.status, r.code()), (status, code), "{body}: {r:?}");
        assert!(r.fields().iter().any(|f| f == field), "{body}: wanted {field}: {r:?}");
        assert_eq!(s.available().await, before, "{body} changed availability");
    }
    let with_code = json!({"lines": [{"ticket_type_id": hidden_id, "quantity": 1}], "email": "crew@example.org", "name": "C", "access_code": "crew-only"});
    assert_eq!(s.t.post(&path, &Auth::None, with_code).await.status, 201);
    // Not on sale: a draft event is unknown to buyers; a closed window says so.
    let draft = s.t.post(&format!("/api/v1/events/{other_id}/orders"), &Auth::None, line(&other_tt, json!(1))).await;
    assert_eq!((draft.status, draft.code()), (422, "not_on_sale"), "{draft:?}");
    let past = jiff::Timestamp::now().checked_sub(jiff::SignedDuration::from_hours(1)).unwrap();
    let r =
        s.t.patch(
            &format!("/api/v1/orgs/{}/ticket-types/{}", s.org, s.ticket_type),
            &s.owner,
            json!({"sales_end": past.to_string()}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let closed = s.buy(1, "late@example.org").await;
    assert_eq!(
        (closed.status, closed.code(), closed.fields()),
        (422, "not_on_sale", vec!["lines[0].ticket_type_id".to_string()])
    );
    let nowhere = s
        .t
        .post(&format!("/api/v1/events/{}/orders", tessera_domain::EventId::new()), &Auth::None, line(&tt, json!(1)))
        .await;
    assert_eq!(nowhere.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotency_keys_make_retries_safe() {
    let s = sale(0, 100).await;
    let path = format!("/api/v1/events/{}/orders", s.event);
    let body =
        json!({"lines": [{"ticket_type_id": s.ticket_type, "quantity": 1}], "email": "i@example.org", "name": "I"});
    let send = |key: &str, body: &Value| {
        s.t.client.post(format!("{}{path}", s.t.base)).header("idempotency-key", key).json(body)
    };
    let first = s.t.send(send("order-key-0000000001", &body)).await;
    assert_eq!(first.status, 201);
    let again = s.t.send(send("order-key-0000000001", &body)).await;
    assert_eq!((again.status, again.body["id"].clone()), (201, first.body["id"].clone()));
    assert_eq!(again.headers.get("idempotent-replayed").unwrap(), "true");
    assert_eq!(
        again.body["access_token"], first.body["access_token"],
        "the shown-once token, replayed to the key's holder"
    );
    let mut other = body.clone();
    other["lines"][0]["quantity"] = json!(2);
    let r = s.t.send(send("order-key-0000000001", &other)).await;
    assert_eq!((r.status, r.code(), r.fields()), (422, "idempotency_key_reused", vec!["idempotency-key".to_string()]));
    assert_eq!(s.available().await, 99);
    // Twenty concurrent requests with one key create one order.
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let rb = send("order-key-0000000002", &body);
        tasks.push(tokio::spawn(async move {
            let r = rb.send().await.unwrap();
            let status = r.status().as_u16();
            let retry_after = r.headers().get("retry-after").map(|v| v.to_str().unwrap().parse::<u64>().unwrap());
            (status, retry_after, r.json::<Value>().await.unwrap())
        }));
    }
    let mut ids = std::collections::HashSet::new();
    for t in tasks {
        let (status, retry_after, body) = t.await.unwrap();
        match status {
            201 => {
                ids.insert(body["id"].as_str().unwrap().to_string());
            }
            409 => {
                assert_eq!(body["error"]["code"], "idempotency_in_progress");
                assert!(retry_after.is_some_and(|s| (1..=6).contains(&s)), "409 says when to retry: {retry_after:?}");
            }
            other => panic!("{other}: {body}"),
        }
    }
    assert_eq!(ids.len(), 1, "one order for one key");
    assert_eq!(s.available().await, 98);
    let bad = s.t.send(s.t.client.post(format!("{}{path}", s.t.base)).header("idempotency-key", "").json(&body)).await;
    assert_eq!(bad.status, 400);
    // Without credentials the key is all that ties a retry to its first
    // request (and its access token): a guessable key is refused.
    let short = s.t.send(send("4f1c2a", &body)).await;
    assert_eq!(
        (short.status, short.code(), short.fields()),
        (400, "invalid_header", vec!["idempotency-key".to_string()])
    );
    assert_eq!(s.available().await, 98);
    // A refused request is not kept: once corrected, the same key runs it.
    let mut wrong = body.clone();
    wrong["lines"][0]["quantity"] = json!(0);
    let r = s.t.send(send("order-key-0000000003", &wrong)).await;
    assert_eq!(r.status, 422);
    let r = s.t.send(send("order-key-0000000003", &body)).await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(s.available().await, 97);
}

/// Finding: a request refused before it ran (no CSRF header) was kept
/// under its key and replayed to the corrected retry for a day.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_request_is_not_replayed_to_its_corrected_retry() {
    let t = spawn_app().await;
    let (auth, org) = t.organizer("idem@example.org", "idem").await;
    let Auth::Session(session) = &auth else { unreachable!() };
    let url = format!("{}/api/v1/orgs/{org}/tokens", t.base);
    let body = json!({"name": "ci", "role": "scanner"});
    let rb = |csrf: bool| {
        let rb = t
            .client
            .post(&url)
            .header("cookie", format!("tessera_session={}", session.cookie))
            .header("idempotency-key", "k1")
            .json(&body);
        if csrf { rb.header("x-csrf-token", &session.csrf) } else { rb }
    };
    assert_eq!(t.send(rb(false)).await.status, 403);
    let made = t.send(rb(true)).await;
    assert_eq!(made.status, 201, "{made:?}");
    // And a retry of the success is that very token, not a second one.
    let again = t.send(rb(true)).await;
    assert_eq!((again.status, &again.body["secret"]), (201, &made.body["secret"]));
    assert_eq!(again.headers.get("idempotent-replayed").unwrap(), "true");
    let tokens = t.get(&format!("/api/v1/orgs/{org}/tokens"), &auth).await;
    assert_eq!(tokens.body.as_array().unwrap().len(), 1, "{:?}", tokens.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn availability_streams_as_server_sent_events() {
    let s = sale(0, 10).await;
    let mut stream = SseReader::open(&s.t, &format!("/api/v1/events/{}/availability", s.event)).await;
    let first = stream.next_event().await;
    assert_eq!(first["ticket_types"][0]["available"], 10);
    assert_eq!(first["seats_version"], Value::Null, "not a seated event");
    assert_eq!(s.buy(4, "a@example.org").await.status, 201);
    let second = stream.next_event().await;
    assert_eq!(second["ticket_types"][0]["available"], 6);
    assert_eq!(
        s.t.get(&format!("/api/v1/events/{}/availability", tessera_domain::EventId::new()), &Auth::None).await.status,
        404
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_in_buyers_use_their_account() {
    let s = sale(0, 10).await;
    let buyer = Auth::Session(s.t.register("fan@example.org").await);
    let r =
        s.t.post(
            &format!("/api/v1/events/{}/orders", s.event),
            &buyer,
            json!({"lines": [{"ticket_type_id": s.ticket_type, "quantity": 2}]}),
        )
        .await;
    assert_eq!((r.status, r.body["buyer_email"].as_str()), (201, Some("fan@example.org")), "{r:?}");
    let id = r.body["id"].as_str().unwrap();
    assert_eq!(
        s.t.get(&format!("/api/v1/orders/{id}"), &buyer).await.status,
        200,
        "no token needed for one's own order"
    );
    let stranger = Auth::Session(s.t.register("other@example.org").await);
    assert_eq!(s.t.get(&format!("/api/v1/orders/{id}"), &stranger).await.status, 404);
    let c = s.t.post(&format!("/api/v1/orders/{id}/confirm"), &buyer, json!({})).await;
    assert_eq!(c.body["tickets"].as_array().unwrap().len(), 2, "{c:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn capacity_cannot_drop_below_what_is_sold_and_held() {
    let s = sale(0, 10).await;
    let r = s.buy(3, "a@example.org").await;
    let (id, token) =
        (r.body["id"].as_str().unwrap().to_string(), r.body["access_token"].as_str().unwrap().to_string());
    assert_eq!(s.with_token(Method::POST, &format!("/api/v1/orders/{id}/confirm"), &token).await.status, 200);
    assert_eq!(s.buy(2, "b@example.org").await.status, 201);
    let quota = s.t.get(&format!("/api/v1/orgs/{}/events/{}/quotas", s.org, s.event), &s.owner).await.body[0].clone();
    assert_eq!((quota["sold"].as_i64(), quota["held"].as_i64()), (Some(3), Some(2)));
    let path = format!("/api/v1/orgs/{}/quotas/{}", s.org, quota["id"].as_str().unwrap());
    let r = s.t.patch(&path, &s.owner, json!({"capacity": 4})).await;
    assert_eq!((r.status, r.fields()), (422, vec!["capacity".to_string()]), "{r:?}");
    assert!(r.body["error"]["message"].as_str().unwrap().contains("at least 5"));
    let r = s.t.patch(&path, &s.owner, json!({"capacity": 5})).await;
    assert_eq!((r.status, r.body["capacity"].as_i64()), (200, Some(5)), "{r:?}");
    assert_eq!(s.available().await, 0);
}
