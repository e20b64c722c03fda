//! Text people type comes out as text on every page that shows it: an
//! organization, venue, event, ticket type and buyer named with markup that
//! would run a script if it reached the page unescaped.

use crate::browser::{Browser, Page};
use crate::helpers::*;
use serde_json::json;

crate::on_both_backends!(markup_in_names_comes_out_escaped_on_every_page);

const SCRIPT: &str = "<script>alert(1)</script>";
const ATTRIBUTE: &str = "\"><img src=x onerror=alert(1)>";
const PASSWORD: &str = "correct horse battery";

/// The page shows none of the markup as markup.
fn assert_escaped(path: &str, p: &Page) {
    assert_eq!(p.status, 200, "{path}: {}", p.html);
    for raw in ["<script>alert", "<img src=x", "onerror=alert(1)>"] {
        assert!(!p.html.contains(raw), "{path} shows {raw:?} unescaped:\n{}", p.html);
    }
}

async fn markup_in_names_comes_out_escaped_on_every_page() {
    let t = spawn_app_on(&DB.with(Clone::clone), test_config(), tessera_web::WebConfig::default()).await;
    let owner = t.register("owner@escape.example.org").await;
    // A platform administrator, to see the administration's lists too.
    t.store.set_platform_admin(owner.user_id, true).await.unwrap();
    let owner = Auth::Session(owner);
    let r = t.post("/api/v1/orgs", &owner, json!({"name": format!("Org {SCRIPT}{ATTRIBUTE}"), "slug": "esc"})).await;
    assert_eq!(r.status, 201, "{r:?}");
    let org = r.body["id"].as_str().unwrap().to_string();
    let r = t
        .post(
            &format!("/api/v1/orgs/{org}/venues"),
            &owner,
            json!({"name": format!("Hall {SCRIPT}"), "address": format!("1 Main St {ATTRIBUTE}"),
                   "timezone": "Europe/Berlin", "capacity": 1000}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let venue = r.body["id"].as_str().unwrap().to_string();
    let mut body = event_body(&venue, &format!("Gig {SCRIPT}{ATTRIBUTE}"), 30);
    body["description"] = json!(format!("About {SCRIPT}{ATTRIBUTE}"));
    let e = t.post(&format!("/api/v1/orgs/{org}/events"), &owner, body).await;
    assert_eq!(e.status, 201, "{e:?}");
    let event = e.body["id"].as_str().unwrap().to_string();
    let q = t
        .post(
            &format!("/api/v1/orgs/{org}/events/{event}/quotas"),
            &owner,
            json!({"name": format!("Q {SCRIPT}"), "capacity": 100}),
        )
        .await;
    assert_eq!(q.status, 201, "{q:?}");
    let tt = t
        .post(
            &format!("/api/v1/orgs/{org}/events/{event}/ticket-types"),
            &owner,
            json!({"name": format!("GA {SCRIPT}{ATTRIBUTE}"), "price_minor": 2500, "currency": "EUR", "quota_ids": [q.body["id"]]}),
        )
        .await;
    assert_eq!(tt.status, 201, "{tt:?}");
    assert_eq!(t.post(&format!("/api/v1/orgs/{org}/events/{event}/publish"), &owner, json!({})).await.status, 200);
    let list = t
        .post(
            &format!("/api/v1/orgs/{org}/events/{event}/checkin-lists"),
            &owner,
            json!({"name": format!("Doors {SCRIPT}"), "gates": [format!("North {ATTRIBUTE}")]}),
        )
        .await;
    assert_eq!(list.status, 201, "{list:?}");
    let list = list.body["id"].as_str().unwrap().to_string();

    // A buyer with markup in the name, paid at the box office.
    let r = t
        .post(
            &format!("/api/v1/events/{event}/orders"),
            &Auth::None,
            json!({"lines": [{"ticket_type_id": tt.body["id"], "quantity": 1}], "email": "fan@escape.example.org",
                   "name": format!("Fan {SCRIPT}{ATTRIBUTE}")}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let order = r.body["id"].as_str().unwrap().to_string();
    let token = r.body["access_token"].as_str().unwrap().to_string();
    let paid = t.post(&format!("/api/v1/orgs/{org}/orders/{order}/mark-paid"), &owner, json!({})).await;
    assert_eq!(paid.status, 200, "{paid:?}");
    let tickets =
        t.send(t.client.get(format!("{}/api/v1/orders/{order}/tickets", t.base)).header("x-order-token", &token)).await;
    assert_eq!(tickets.status, 200, "{tickets:?}");

    // An API token, a webhook endpoint and an account named with markup.
    let r = t
        .post(
            &format!("/api/v1/orgs/{org}/tokens"),
            &owner,
            json!({"name": format!("CI {SCRIPT}{ATTRIBUTE}"), "role": "staff"}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let api_token = r.body["token"]["id"].as_str().or(r.body["id"].as_str()).expect("the token's id").to_string();
    let r = t
        .post(
            &format!("/api/v1/orgs/{org}/webhooks"),
            &owner,
            json!({"url": "https://hooks.example.org/tessera", "event_types": ["*"],
                   "description": format!("Books {SCRIPT}{ATTRIBUTE}")}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let endpoint = r.body["id"].as_str().unwrap().to_string();
    let r = t
        .post(
            "/api/v1/auth/register",
            &Auth::None,
            json!({"email": "markup@escape.example.org", "password": PASSWORD, "name": format!("Eve {SCRIPT}{ATTRIBUTE}")}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");

    let mut visitor = Browser::new(&t.base);
    for path in ["/".to_string(), format!("/events/{event}"), "/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E".into()] {
        let p = visitor.get(&path).await;
        assert_escaped(&path, &p);
    }
    // The ticket's own page, by the link the API gives.
    let url = tickets.body[0]["page_url"].as_str().expect("a ticket's page");
    let path = &url[url.find("/t/").expect("a ticket link")..];
    let p = visitor.get(path).await;
    assert_escaped(path, &p);

    let mut staff = Browser::new(&t.base);
    staff.sign_in("owner@escape.example.org", PASSWORD).await;
    let o = format!("/dashboard/orgs/{org}");
    let e = format!("{o}/events/{event}");
    for path in [
        "/dashboard?all".to_string(),
        format!("{o}/overview"),
        o.clone(),
        e.clone(),
        format!("{e}/sales"),
        format!("{e}/attendees"),
        format!("{e}/checkin"),
        format!("{e}/box-office"),
        format!("{e}/seats"),
        format!("{e}/image"),
        format!("{o}/orders"),
        format!("{o}/orders?q=Fan"),
        format!("{o}/orders/{order}"),
        format!("{o}/venues"),
        format!("{o}/venues/{venue}"),
        format!("{o}/payments"),
        format!("{o}/team"),
        format!("{o}/tokens"),
        format!("{o}/tokens/{api_token}/revoke"),
        format!("{o}/webhooks"),
        format!("{o}/webhooks/{endpoint}"),
        format!("{o}/webhooks/{endpoint}/delete"),
        "/admin".to_string(),
        "/admin/users".to_string(),
        "/scan".to_string(),
        format!("/scan/{org}/{list}"),
        "/account".to_string(),
    ] {
        let p = staff.get(&path).await;
        assert_escaped(&path, &p);
    }
}
