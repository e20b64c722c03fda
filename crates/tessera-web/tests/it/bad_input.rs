//! Bad input gets a 4xx naming the field and changes nothing (invariant 16).

use crate::helpers::*;
use reqwest::Method;
use serde_json::{Value, json};
use tessera_web::WebConfig;

/// An organizer's catalog, to send bad requests at.
struct Catalog<'a> {
    t: &'a TestApp,
    owner: &'a Auth,
    org: &'a str,
}

impl Catalog<'_> {
    /// Sends a bad request, checks status and field, and that the
    /// organizer's catalog is exactly as before.
    async fn refused(&self, method: Method, path: &str, body: Value, status: u16, field: &str) {
        let before = snapshot(self.t, self.owner, self.org).await;
        let r = self.t.req(method.clone(), path, self.owner, Some(body.clone())).await;
        assert_eq!(r.status, status, "{method} {path} {body}: {r:?}");
        assert!(r.fields().iter().any(|f| f == field), "{method} {path} {body}: expected field {field}, got {r:?}");
        assert!(r.body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert_eq!(snapshot(self.t, self.owner, self.org).await, before, "{method} {path} {body} changed something");
    }
}

async fn snapshot(t: &TestApp, owner: &Auth, org: &str) -> Value {
    let venues = t.get(&format!("/api/v1/orgs/{org}/venues"), owner).await.body;
    let events = t.get(&format!("/api/v1/orgs/{org}/events"), owner).await.body;
    let mut details = Vec::new();
    for e in events["items"].as_array().unwrap() {
        let id = e["id"].as_str().unwrap();
        details.push(t.get(&format!("/api/v1/orgs/{org}/events/{id}"), owner).await.body);
        details.push(t.get(&format!("/api/v1/orgs/{org}/events/{id}/ticket-types"), owner).await.body);
        details.push(t.get(&format!("/api/v1/orgs/{org}/events/{id}/quotas"), owner).await.body);
    }
    json!({"venues": venues, "events": events, "details": details})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalog_bad_inputs_name_the_field_and_change_nothing() {
    let t = spawn_app().await;
    let (owner, org) = t.organizer("owner@example.org", "alpha").await;
    let venue = t.venue(&owner, &org, "Hall").await;
    let e = t.sellable_event(&owner, &org, &venue, "Main").await;
    let eid = e["id"].as_str().unwrap();
    let tt = t.get(&format!("/api/v1/orgs/{org}/events/{eid}/ticket-types"), &owner).await.body[0].clone();
    let ttid = tt["id"].as_str().unwrap();
    let qid = tt["quota_ids"][0].as_str().unwrap();
    let venues = format!("/api/v1/orgs/{org}/venues");
    let events = format!("/api/v1/orgs/{org}/events");
    let types = format!("/api/v1/orgs/{org}/events/{eid}/ticket-types");
    let quotas = format!("/api/v1/orgs/{org}/events/{eid}/quotas");
    let good_venue = json!({"name": "New", "timezone": "Europe/Berlin", "capacity": 10});
    let with = |base: &Value, k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    let without = |base: &Value, k: &str| {
        let mut b = base.clone();
        b.as_object_mut().unwrap().remove(k);
        b
    };
    use Method as M;
    let c = Catalog { t: &t, owner: &owner, org: &org };
    // Venues.
    c.refused(M::POST, &venues, with(&good_venue, "timezone", json!("Mars/Olympus")), 422, "timezone").await;
    c.refused(M::POST, &venues, with(&good_venue, "capacity", json!(-1)), 422, "capacity").await;
    c.refused(M::POST, &venues, with(&good_venue, "capacity", json!("ten")), 422, "capacity").await;
    c.refused(M::POST, &venues, with(&good_venue, "nickname", json!("x")), 422, "nickname").await;
    c.refused(M::POST, &venues, without(&good_venue, "name"), 422, "name").await;
    c.refused(M::POST, &venues, with(&good_venue, "name", json!("  ")), 422, "name").await;
    c.refused(M::POST, &venues, with(&good_venue, "name", json!("Hall")), 409, "name").await;
    c.refused(M::PATCH, &format!("{venues}/{venue}"), json!({"timezone": "UTC+1"}), 422, "timezone").await;
    // Events.
    let good_event = event_body(&venue, "Another", 20);
    let start = good_event["starts_at"].clone();
    c.refused(M::POST, &events, with(&good_event, "ends_at", start.clone()), 422, "ends_at").await;
    c.refused(M::POST, &events, with(&good_event, "category", json!("rodeo")), 422, "category").await;
    c.refused(M::POST, &events, with(&good_event, "starts_at", json!("next friday")), 422, "starts_at").await;
    c.refused(M::POST, &events, with(&good_event, "venue_id", json!(uuid_v7())), 422, "venue_id").await;
    c.refused(M::POST, &events, with(&good_event, "venue_id", json!("not-a-uuid")), 422, "venue_id").await;
    c.refused(M::POST, &events, with(&good_event, "image_urls", json!(["javascript:alert(1)"])), 422, "image_urls[0]")
        .await;
    c.refused(M::POST, &events, with(&good_event, "sales_end", json!("2999-01-01T00:00:00Z")), 422, "sales_end").await;
    c.refused(M::PATCH, &format!("{events}/{eid}"), json!({"ends_at": "2000-01-01T00:00:00Z"}), 422, "ends_at").await;
    c.refused(M::PATCH, &format!("{events}/{eid}"), json!({"title": ""}), 422, "title").await;
    // Ticket types.
    let good_type = json!({"name": "VIP", "price_minor": 9900, "currency": "EUR", "quota_ids": [qid]});
    c.refused(M::POST, &types, with(&good_type, "price_minor", json!(-1)), 422, "price_minor").await;
    c.refused(M::POST, &types, with(&good_type, "price_minor", json!(1e30)), 422, "price_minor").await;
    c.refused(M::POST, &types, with(&good_type, "price_minor", json!(12.5)), 422, "price_minor").await;
    c.refused(M::POST, &types, with(&good_type, "currency", json!("XYZ")), 422, "currency").await;
    c.refused(M::POST, &types, with(&good_type, "currency", json!("USD")), 422, "currency").await;
    c.refused(M::POST, &types, with(&good_type, "min_per_order", json!(0)), 422, "min_per_order").await;
    c.refused(M::POST, &types, with(&good_type, "max_per_order", json!(1000)), 422, "max_per_order").await;
    c.refused(M::POST, &types, with(&good_type, "visibility", json!("secret")), 422, "visibility").await;
    c.refused(M::POST, &types, with(&good_type, "quota_ids", json!([uuid_v7()])), 422, "quota_ids[0]").await;
    c.refused(M::POST, &types, with(&good_type, "name", json!("GA")), 409, "name").await;
    c.refused(
        M::PATCH,
        &format!("/api/v1/orgs/{org}/ticket-types/{ttid}"),
        json!({"price_minor": -5}),
        422,
        "price_minor",
    )
    .await;
    // Quotas.
    c.refused(M::POST, &quotas, json!({"name": "Q", "capacity": -3}), 422, "capacity").await;
    c.refused(M::POST, &quotas, json!({"name": "House", "capacity": 3}), 409, "name").await;
    c.refused(
        M::POST,
        &quotas,
        json!({"name": "Q", "capacity": 3, "ticket_type_ids": [uuid_v7()]}),
        422,
        "ticket_type_ids[0]",
    )
    .await;
    c.refused(M::PATCH, &format!("/api/v1/orgs/{org}/quotas/{qid}"), json!({"capacity": 20_000_000}), 422, "capacity")
        .await;
    // Malformed JSON and the wrong shape.
    c.refused(M::POST, &venues, json!("not an object"), 422, "body").await;
    let before = snapshot(&t, &owner, &org).await;
    let Auth::Session(s) = &owner else { unreachable!() };
    let raw = |body: &'static str| {
        t.client
            .post(format!("{}{venues}", t.base))
            .header("cookie", format!("tessera_session={}", s.cookie))
            .header("x-csrf-token", &s.csrf)
            .header("content-type", "application/json")
            .body(body)
    };
    let r = t.send(raw("{\"name\": \"x\", ")).await;
    assert_eq!((r.status, r.code()), (400, "malformed_json"), "{r:?}");
    let r = t.send(raw("")).await;
    assert_eq!((r.status, r.code()), (400, "malformed_json"), "{r:?}");
    assert_eq!(snapshot(&t, &owner, &org).await, before);
    // Ids in the path.
    let r = t.get(&format!("/api/v1/orgs/{org}/venues/not-a-uuid"), &owner).await;
    assert_eq!((r.status, r.code()), (400, "invalid_path"), "{r:?}");
    assert_eq!(r.fields(), vec!["venue_id".to_string()]);
    let r = t.get(&format!("/api/v1/orgs/{org}/venues/{}", uuid_v7()), &owner).await;
    assert_eq!((r.status, r.code()), (404, "not_found"));
    // Publishing something unsellable, cancelling twice.
    let empty = t.post(&events, &owner, event_body(&venue, "Empty", 10)).await;
    let empty_id = empty.body["id"].as_str().unwrap();
    let r = t.post(&format!("{events}/{empty_id}/publish"), &owner, json!({})).await;
    assert_eq!((r.status, r.fields()), (422, vec!["ticket_types".to_string()]), "{r:?}");
    assert_eq!(t.post(&format!("{events}/{empty_id}/cancel"), &owner, json!({})).await.status, 200);
    let r = t.post(&format!("{events}/{empty_id}/cancel"), &owner, json!({})).await;
    assert_eq!((r.status, r.fields()), (409, vec!["status".to_string()]), "{r:?}");
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let t = spawn_app_with(test_config(), WebConfig { body_limit_bytes: 2048, ..WebConfig::default() }).await;
    let (owner, org) = t.organizer("owner@example.org", "alpha").await;
    let big = json!({"name": "x".repeat(4096), "timezone": "Europe/Berlin", "capacity": 1});
    let r = t.post(&format!("/api/v1/orgs/{org}/venues"), &owner, big).await;
    assert_eq!((r.status, r.code()), (413, "payload_too_large"), "{r:?}");
    assert_eq!(t.get(&format!("/api/v1/orgs/{org}/venues"), &owner).await.body, json!([]));
}

#[tokio::test]
async fn bad_queries_and_unknown_routes() {
    let t = spawn_app().await;
    for (q, field) in [
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("category=rodeo", "category"),
        ("from=yesterday", "from"),
        ("cursor=%%%", "cursor"),
        ("cursor=bm9wZQ", "cursor"),
        ("from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z", "to"),
        ("colour=red", "colour"),
    ] {
        let r = t.get(&format!("/api/v1/events?{q}"), &Auth::None).await;
        assert!(r.status == 400 || r.status == 422, "{q}: {r:?}");
        assert!(r.fields().iter().any(|f| f == field) || r.body.to_string().contains(field), "{q}: {r:?}");
    }
    let r = t.get("/api/v1/nothing-here", &Auth::None).await;
    assert_eq!((r.status, r.code()), (404, "not_found"));
    let r = t.req(Method::DELETE, "/api/v1/events", &Auth::None, None).await;
    assert_eq!((r.status, r.code()), (405, "method_not_allowed"));
    let r = t
        .post(
            "/api/v1/auth/register",
            &Auth::None,
            json!({"email": "not-an-email", "password": "correct horse battery", "name": "A"}),
        )
        .await;
    assert_eq!((r.status, r.fields()), (422, vec!["email".to_string()]));
    let r = t
        .post("/api/v1/auth/register", &Auth::None, json!({"email": "a@example.org", "password": "short", "name": "A"}))
        .await;
    assert_eq!((r.status, r.fields()), (422, vec!["password".to_string()]));
    let r = t
        .post("/api/v1/orgs", &Auth::Session(t.register("a@example.org").await), json!({"name": "A", "slug": "A B"}))
        .await;
    assert_eq!((r.status, r.fields()), (422, vec!["slug".to_string()]));
}

fn uuid_v7() -> String {
    tessera_domain::EventId::new().to_string()
}
