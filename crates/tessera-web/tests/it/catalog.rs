//! The organizer's catalog and the public view of it.

use crate::helpers::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn published_events_are_public_with_availability() {
    let t = spawn_app().await;
    let (owner, org) = t.organizer("owner@example.org", "alpha").await;
    let venue = t.venue(&owner, &org, "Hall").await;
    let e = t.sellable_event(&owner, &org, &venue, "Jazz Night").await;
    let eid = e["id"].as_str().unwrap();
    assert_eq!(e["status"], "draft");
    let r = t.get(&format!("/api/v1/events/{eid}"), &Auth::None).await;
    assert_eq!(r.status, 404, "drafts are not public");
    assert_eq!(t.get("/api/v1/events", &Auth::None).await.body["items"], json!([]));

    // A tighter quota shared by GA and a hidden type; GA also draws from the house.
    let small = t
        .post(&format!("/api/v1/orgs/{org}/events/{eid}/quotas"), &owner, json!({"name": "Front", "capacity": 7}))
        .await;
    let small_id = small.body["id"].as_str().unwrap();
    let types = t.get(&format!("/api/v1/orgs/{org}/events/{eid}/ticket-types"), &owner).await.body;
    let ga = types[0]["id"].as_str().unwrap();
    let house = types[0]["quota_ids"][0].as_str().unwrap();
    let r = t
        .patch(&format!("/api/v1/orgs/{org}/ticket-types/{ga}"), &owner, json!({"quota_ids": [house, small_id]}))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let hidden = t
        .post(
            &format!("/api/v1/orgs/{org}/events/{eid}/ticket-types"),
            &owner,
            json!({"name": "Guest list", "price_minor": 0, "currency": "EUR", "visibility": "hidden", "access_code": "friends-2026", "quota_ids": [small_id]}),
        )
        .await;
    assert_eq!(hidden.status, 201, "{hidden:?}");
    let r = t.post(&format!("/api/v1/orgs/{org}/events/{eid}/publish"), &owner, json!({})).await;
    assert_eq!((r.status, r.body["status"].as_str()), (200, Some("published")), "{r:?}");

    let d = t.get(&format!("/api/v1/events/{eid}"), &Auth::None).await;
    assert_eq!(d.status, 200, "{d:?}");
    assert_eq!(d.body["title"], "Jazz Night");
    assert_eq!(d.body["timezone"], "Europe/Berlin");
    assert!(
        d.body["starts_at_local"].as_str().unwrap().ends_with("+01:00")
            || d.body["starts_at_local"].as_str().unwrap().ends_with("+02:00")
    );
    let public_types = d.body["ticket_types"].as_array().unwrap();
    assert_eq!(public_types.len(), 1, "hidden types are not listed: {d:?}");
    assert_eq!(public_types[0]["price"], json!({"amount_minor": 2500, "currency": "EUR"}));
    assert_eq!(public_types[0]["available"], 7, "the tightest quota decides");
    assert_eq!(public_types[0]["on_sale"], true);
    // Quotas are not public: their names could reveal a hidden tier.
    assert!(d.body.get("quotas").is_none(), "{d:?}");
    let with_code = t.get(&format!("/api/v1/events/{eid}?code=friends-2026"), &Auth::None).await;
    assert_eq!(with_code.body["ticket_types"].as_array().unwrap().len(), 2, "the code unlocks the hidden type");
    let wrong_code = t.get(&format!("/api/v1/events/{eid}?code=enemies"), &Auth::None).await;
    assert_eq!(wrong_code.body["ticket_types"].as_array().unwrap().len(), 1);

    let list = t.get("/api/v1/events?q=jazz", &Auth::None).await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(list.body["items"][0]["venue"]["name"], "Hall");
    assert_eq!(t.get("/api/v1/events?q=opera", &Auth::None).await.body["items"], json!([]));
    assert_eq!(t.get("/api/v1/events?category=theatre", &Auth::None).await.body["items"], json!([]));
    assert_eq!(t.get("/api/v1/events?category=concert", &Auth::None).await.body["items"].as_array().unwrap().len(), 1);

    // Cancelled events stay visible by link (to say so), but leave the listing.
    assert_eq!(t.post(&format!("/api/v1/orgs/{org}/events/{eid}/cancel"), &owner, json!({})).await.status, 200);
    let d = t.get(&format!("/api/v1/events/{eid}"), &Auth::None).await;
    assert_eq!(
        (d.status, d.body["status"].as_str(), d.body["ticket_types"][0]["on_sale"].as_bool()),
        (200, Some("cancelled"), Some(false))
    );
    assert_eq!(t.get("/api/v1/events", &Auth::None).await.body["items"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_listing_pages_through_everything_once() {
    let t = spawn_app().await;
    let (owner, org) = t.organizer("owner@example.org", "alpha").await;
    let venue = t.venue(&owner, &org, "Hall").await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let e = t
            .post(&format!("/api/v1/orgs/{org}/events"), &owner, event_body(&venue, &format!("Show {i}"), 10 + i))
            .await;
        let eid = e.body["id"].as_str().unwrap().to_string();
        let q = t
            .post(&format!("/api/v1/orgs/{org}/events/{eid}/quotas"), &owner, json!({"name": "H", "capacity": 5}))
            .await;
        t.post(
            &format!("/api/v1/orgs/{org}/events/{eid}/ticket-types"),
            &owner,
            json!({"name": "GA", "price_minor": 100, "currency": "JPY", "quota_ids": [q.body["id"]]}),
        )
        .await;
        assert_eq!(t.post(&format!("/api/v1/orgs/{org}/events/{eid}/publish"), &owner, json!({})).await.status, 200);
        ids.push(eid);
    }
    let mut seen = Vec::new();
    let mut url = "/api/v1/events?limit=2".to_string();
    for _ in 0..5 {
        let r = t.get(&url, &Auth::None).await;
        assert_eq!(r.status, 200, "{r:?}");
        seen.extend(r.body["items"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_string()));
        match r.body["next_cursor"].as_str() {
            Some(c) => url = format!("/api/v1/events?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, ids, "soonest first, each once");
    let from =
        t.get(&format!("/api/v1/events/{}", ids[3]), &Auth::None).await.body["starts_at"].as_str().unwrap().to_string();
    let r = t.get(&format!("/api/v1/events?from={from}"), &Auth::None).await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 2);
    let organizer_view = t.get(&format!("/api/v1/orgs/{org}/events?limit=100"), &owner).await;
    assert_eq!(organizer_view.body["items"].as_array().unwrap().len(), 5);
}
