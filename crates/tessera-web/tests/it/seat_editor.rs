//! The seat-map editor of a venue as a browser without scripts uses it:
//! rows added with the form land in the venue's map (through the same
//! import and validation as files), bad rows are refused next to their
//! field, maps the import refuses name the seats at fault, and only the
//! venue's organization reaches the page. The script saves through the
//! seat-map import of the API; its refusals are checked here too.

use crate::helpers::*;
use serde_json::{Value, json};

crate::on_both_backends!(
    rows_drawn_with_the_editor_form_become_the_venues_seat_map,
    the_editor_refuses_bad_rows_and_invalid_maps_naming_the_seats,
);

struct Editor {
    t: TestApp,
    owner: Auth,
    org: String,
    venue: String,
    browser: reqwest::Client,
    /// Session and form cookies.
    cookies: String,
    csrf: String,
}

impl Editor {
    fn here(&self) -> String {
        format!("/dashboard/orgs/{}/venues/{}/seat-map/edit", self.org, self.venue)
    }

    async fn add_row(&self, fields: &str) -> reqwest::Response {
        self.browser
            .post(format!("{}{}", self.t.base, self.here()))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", &self.cookies)
            .body(format!("csrf={}&{fields}", self.csrf))
            .send()
            .await
            .unwrap()
    }

    async fn page(&self) -> (u16, String) {
        let r = self.browser.get(format!("{}{}", self.t.base, self.here())).header("cookie", &self.cookies).send();
        let r = r.await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    async fn export(&self) -> Value {
        let path = format!("/api/v1/orgs/{}/venues/{}/seat-map/export", self.org, self.venue);
        let r = self.t.get(&path, &self.owner).await;
        assert_eq!(r.status, 200, "{r:?}");
        r.body
    }
}

async fn editor() -> Editor {
    let t = spawn_app_on(&DB.get(), test_config(), tessera_web::WebConfig::default()).await;
    let (owner, org) = t.organizer("owner@hall.example.org", "hall").await;
    let venue = t.venue(&owner, &org, "Town hall").await;
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let session = match &owner {
        Auth::Session(s) => format!("tessera_session={}", s.cookie),
        _ => unreachable!(),
    };
    let here = format!("{}/dashboard/orgs/{org}/venues/{venue}/seat-map/edit", t.base);
    let page = browser.get(&here).header("cookie", &session).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let form = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("tessera_form="))
        .map(|v| v.split(';').next().unwrap().to_string())
        .expect("a form cookie");
    let html = page.text().await.unwrap();
    let at = html.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
    let csrf = html[at..].split('"').next().unwrap().to_string();
    assert!(html.contains("This venue has no seat map yet"), "{html}");
    assert!(html.contains("/assets/seat-editor.js?v=") && html.contains("data-import=\"/api/v1/orgs/"), "{html}");
    Editor { t, owner, org, venue, browser, cookies: format!("{session}; {form}"), csrf }
}

fn row_of(doc: &Value, section: usize, row: usize) -> &Value {
    &doc["sections"][section]["rows"][row]
}

async fn rows_drawn_with_the_editor_form_become_the_venues_seat_map() {
    let e = editor().await;
    let r = e.add_row("section=Stalls&row=A&seats=4&start=1&spacing=1&curve=0&category=Front").await;
    assert_eq!(r.status(), 303, "{:?}", r.text().await);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.ends_with("/seat-map/edit?section=Stalls&row=A"), "{to}");
    let r = e.add_row("section=Stalls&row=B&seats=5&start=101&spacing=1&curve=1&category=Back").await;
    assert_eq!(r.status(), 303);
    let r = e.add_row("section=Balcony&row=A&seats=2&start=1&spacing=2&curve=0&category=Back").await;
    assert_eq!(r.status(), 303);

    let doc = e.export().await;
    let a = &row_of(&doc, 0, 0)["seats"];
    assert_eq!(a.as_array().unwrap().len(), 4);
    assert_eq!((a[0]["label"].as_str(), a[0]["x"].as_f64(), a[0]["y"].as_f64()), (Some("1"), Some(-1.5), Some(0.0)));
    let b = &row_of(&doc, 0, 1)["seats"];
    let labels: Vec<&str> = b.as_array().unwrap().iter().map(|s| s["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["101", "102", "103", "104", "105"]);
    let ys: Vec<f64> = b.as_array().unwrap().iter().map(|s| s["y"].as_f64().unwrap()).collect();
    assert_eq!(ys, [2.0, 1.25, 1.0, 1.25, 2.0], "behind row A, the ends bent back");
    assert_eq!(doc["sections"][1]["label"], "Balcony");
    let summary = e.t.get(&format!("/api/v1/orgs/{}/venues/{}/seat-map", e.org, e.venue), &e.owner).await;
    assert_eq!(summary.body["seats"], 11);
    assert_eq!(summary.body["categories"], json!({"Front": 4, "Back": 7}));
    let ids: Vec<String> = a.as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_string()).collect();

    // The page shows the outline and what was added.
    let (status, html) = e.page().await;
    assert_eq!(status, 200);
    assert!(html.contains("11 seats in 2 sections."), "{html}");
    assert!(html.contains("Row B: 5 seats, category Back"), "{html}");
    // Another row keeps the ids of the seats already there.
    let r = e.add_row("section=Stalls&row=C&seats=1&start=1&spacing=1&curve=0&category=Back").await;
    assert_eq!(r.status(), 303);
    let doc = e.export().await;
    let again: Vec<String> =
        row_of(&doc, 0, 0)["seats"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(again, ids);

    // The editor's script saves the whole map with the import: a category set
    // and a seat marked are kept.
    let mut doc = doc;
    doc["sections"][0]["rows"][0]["seats"][0]["category"] = json!("Wheelchair");
    doc["sections"][0]["rows"][0]["seats"][0]["flags"] = json!(["wheelchair"]);
    let path = format!("/api/v1/orgs/{}/venues/{}/seat-map", e.org, e.venue);
    let r = e.t.put(&path, &e.owner, doc).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["categories"]["Wheelchair"], 1);
}

async fn the_editor_refuses_bad_rows_and_invalid_maps_naming_the_seats() {
    let e = editor().await;
    assert_eq!(e.add_row("section=Stalls&row=A&seats=3&start=1&spacing=1&curve=0&category=A").await.status(), 303);
    let before = e.export().await;

    for (fields, field, message) in [
        ("section=&row=B&seats=3&start=1&spacing=1&curve=0&category=A", "section", "enter a name"),
        (
            "section=Stalls&row=B&seats=0&start=1&spacing=1&curve=0&category=A",
            "seats",
            "enter a whole number between 1 and 500",
        ),
        (
            "section=Stalls&row=B&seats=many&start=1&spacing=1&curve=0&category=A",
            "seats",
            "enter a whole number between 1 and 500",
        ),
        (
            "section=Stalls&row=B&seats=3&start=1&spacing=0&curve=0&category=A",
            "spacing",
            "enter a number between 0.1 and 100",
        ),
        (
            "section=Stalls&row=B&seats=3&start=1&spacing=NaN&curve=0&category=A",
            "spacing",
            "enter a number between 0.1 and 100",
        ),
        (
            "section=Stalls&row=B&seats=3&start=1&spacing=1&curve=99&category=A",
            "curve",
            "enter a number between -20 and 20",
        ),
        ("section=Stalls&row=A&seats=3&start=1&spacing=1&curve=0&category=A", "row", "Stalls already has a row A"),
    ] {
        let r = e.add_row(fields).await;
        assert_eq!(r.status(), 422, "{fields}");
        let html = r.text().await.unwrap();
        assert!(html.contains(&format!("id=\"{field}-error\">{message}")), "{fields}: {html}");
        assert!(html.contains("role=\"alert\""), "{fields}");
        assert!(html.contains("value=\"Stalls\"") || field == "section", "values kept: {fields}");
    }
    // A map the import refuses: the seat at fault named by its labels.
    let long = "S".repeat(40);
    let r =
        e.add_row(&format!("section={long}&row={}&seats=2&start=1&spacing=1&curve=0&category=A", "R".repeat(40))).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!("{long} · Row {} · Seat 1: the seat", "R".repeat(40))), "{html}");
    assert_eq!(e.export().await, before, "nothing changed");

    // The script's save: the import names the seat by its place in the document.
    let mut doc = before.clone();
    doc["sections"][0]["rows"][0]["seats"][1]["label"] = json!("1");
    let path = format!("/api/v1/orgs/{}/venues/{}/seat-map", e.org, e.venue);
    let r = e.t.put(&path, &e.owner, doc).await;
    assert_eq!(r.status, 422, "{r:?}");
    let fields = r.body["error"]["fields"].as_object().unwrap();
    assert!(fields.keys().any(|k| k.contains("sections[0].rows[0].seats[1]")), "{fields:?}");
    assert_eq!(e.export().await, before);

    // A forged form, a stranger and a signed-out browser change nothing.
    let forged = e
        .browser
        .post(format!("{}{}", e.t.base, e.here()))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", &e.cookies)
        .body("csrf=forged&section=X&row=A&seats=1&start=1&spacing=1&curve=0&category=A")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let stranger = e.t.register("stranger@example.org").await;
    let form_cookie = e.cookies.split("; ").nth(1).unwrap();
    let r = e
        .browser
        .post(format!("{}{}", e.t.base, e.here()))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", format!("tessera_session={}; {form_cookie}", stranger.cookie))
        .body(format!("csrf={}&section=X&row=A&seats=1&start=1&spacing=1&curve=0&category=A", e.csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = e
        .browser
        .get(format!("{}{}", e.t.base, e.here()))
        .header("cookie", format!("tessera_session={}", stranger.cookie))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = e.browser.get(format!("{}{}", e.t.base, e.here())).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let bad = e.browser.get(format!("{}/dashboard/orgs/{}/venues/nonsense/seat-map/edit", e.t.base, e.org));
    let bad = bad.header("cookie", &e.cookies).send().await.unwrap();
    assert_eq!(bad.status(), 404);
    assert_eq!(e.export().await, before);
}
