//! The seat pages as a browser without scripts uses them: the storefront's
//! list of seats and best-available form on a seated event, refusals that
//! name the seat and hold nothing, the seats on the tickets, and the
//! organizer's seat page (who holds what, blocking and releasing).

use crate::helpers::*;
use serde_json::{Value, json};
use tessera_app::AppConfig;

crate::on_both_backends!(
    exact_seats_bought_through_the_storefront_form_are_on_the_tickets,
    refused_seat_choices_re_render_with_the_problem_named_and_nothing_held,
    organizers_block_and_release_seats_on_the_dashboard_page,
    organizers_sell_an_event_by_seat_from_its_seat_page,
);

/// A small theatre: Stalls (rows A and B, four seats each; A1 a wheelchair
/// space, A2 its companion seat) and a Balcony (row C, restricted view).
const THEATRE: &str = r#"{"format": "tessera-seat-map", "version": 1, "name": "Little theatre",
  "focal_point": {"x": 0, "y": 0},
  "sections": [
    {"label": "Stalls", "category": "A", "rows": [
      {"label": "A", "seats": [
        {"label": "1", "x": -1.5, "y": 2, "flags": ["wheelchair"]},
        {"label": "2", "x": -0.5, "y": 2, "flags": ["companion"]},
        {"label": "3", "x": 0.5, "y": 2},
        {"label": "4", "x": 1.5, "y": 2}]},
      {"label": "B", "seats": [
        {"label": "1", "x": -1.5, "y": 3}, {"label": "2", "x": -0.5, "y": 3},
        {"label": "3", "x": 0.5, "y": 3}, {"label": "4", "x": 1.5, "y": 3}]}]},
    {"label": "Balcony", "category": "B", "rows": [
      {"label": "C", "seats": [
        {"label": "1", "x": -1.5, "y": 6, "flags": ["restricted_view"]}, {"label": "2", "x": -0.5, "y": 6},
        {"label": "3", "x": 0.5, "y": 6}, {"label": "4", "x": 1.5, "y": 6}]}]}]}"#;

struct Theatre {
    t: TestApp,
    owner: Auth,
    org: String,
    event: String,
    /// Seat ids in map order: A1..A4, B1..B4, C1..C4.
    seats: Vec<String>,
    /// A seat of another event (another venue's map).
    foreign: String,
    browser: reqwest::Client,
}

async fn theatre() -> Theatre {
    let config = AppConfig { allow_sandbox_payments: true, ..test_config() };
    let t = spawn_app_on(&DB.get(), config, tessera_web::WebConfig::default()).await;
    let (owner, org) = t.organizer("owner@theatre.example.org", "theatre").await;
    assert_eq!(
        t.put(&format!("/api/v1/orgs/{org}/payment-settings"), &owner, json!({"provider": "sandbox"})).await.status,
        200
    );
    let venue = t.venue(&owner, &org, "Little theatre").await;
    let put = t
        .client
        .put(format!("{}/api/v1/orgs/{org}/venues/{venue}/seat-map", t.base))
        .header("content-type", "application/json");
    let put = match &owner {
        Auth::Session(s) => {
            put.header("cookie", format!("tessera_session={}", s.cookie)).header("x-csrf-token", &s.csrf)
        }
        _ => unreachable!(),
    };
    let r = t.send(put.body(THEATRE)).await;
    assert_eq!(r.status, 200, "{r:?}");
    let event = seated_event(&t, &owner, &org, &venue, "The Seagull").await;
    let doc = t.get(&format!("/api/v1/events/{event}/seat-map"), &Auth::None).await;
    let seats = seat_ids(&doc.body);
    assert_eq!(seats.len(), 12);

    // Another venue, another map, another seated event.
    let other_venue = t.venue(&owner, &org, "Arena").await;
    let g = t
        .post(
            &format!("/api/v1/orgs/{org}/venues/{other_venue}/seat-map/generate"),
            &owner,
            json!({"shape": "rectangular", "rows": 2, "seats_per_row": 2, "categories": ["A", "B"]}),
        )
        .await;
    assert_eq!(g.status, 200, "{g:?}");
    let other = seated_event(&t, &owner, &org, &other_venue, "Elsewhere").await;
    let foreign = seat_ids(&t.get(&format!("/api/v1/events/{other}/seat-map"), &Auth::None).await.body)[0].clone();
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    Theatre { t, owner, org, event, seats, foreign, browser }
}

/// A published event sold by seat: zone A at €45, zone B at €25.
async fn seated_event(t: &TestApp, owner: &Auth, org: &str, venue: &str, title: &str) -> String {
    let e = t.post(&format!("/api/v1/orgs/{org}/events"), owner, event_body(venue, title, 30)).await;
    assert_eq!(e.status, 201, "{e:?}");
    let event = e.body["id"].as_str().unwrap().to_string();
    let mut zones = serde_json::Map::new();
    for (zone, price) in [("A", 4500), ("B", 2500)] {
        let q = t
            .post(&format!("/api/v1/orgs/{org}/events/{event}/quotas"), owner, json!({"name": zone, "capacity": 100}))
            .await;
        let tt = t
            .post(
                &format!("/api/v1/orgs/{org}/events/{event}/ticket-types"),
                owner,
                json!({"name": format!("Zone {zone}"), "price_minor": price, "currency": "EUR", "max_per_order": 8, "quota_ids": [q.body["id"]]}),
            )
            .await;
        assert_eq!(tt.status, 201, "{tt:?}");
        zones.insert(zone.into(), tt.body["id"].clone());
    }
    let r = t.put(&format!("/api/v1/orgs/{org}/events/{event}/seating"), owner, json!({"zones": zones})).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(t.post(&format!("/api/v1/orgs/{org}/events/{event}/publish"), owner, json!({})).await.status, 200);
    event
}

fn seat_ids(doc: &Value) -> Vec<String> {
    doc["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["rows"].as_array().unwrap().iter())
        .flat_map(|r| r["seats"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_string()))
        .collect()
}

fn set_cookie(r: &reqwest::Response, name: &str) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap().to_string())
}

fn hidden_csrf(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + "name=\"csrf\" value=\"".len();
    html[at..].split('"').next().unwrap().to_string()
}

/// The checkbox of a seat as the page has it (`None` when not listed).
fn checkbox<'a>(html: &'a str, seat: &str) -> Option<&'a str> {
    let at = html.find(&format!("value=\"{seat}\""))?;
    let start = html[..at].rfind("<input")?;
    Some(&html[start..at + html[at..].find('>')? + 1])
}

impl Theatre {
    fn url(&self, p: &str) -> String {
        format!("{}{p}", self.t.base)
    }

    /// The event page's form token and its cookie.
    async fn form(&self, cookies: &str) -> (String, String) {
        let page = self
            .browser
            .get(self.url(&format!("/events/{}", self.event)))
            .header("cookie", cookies)
            .send()
            .await
            .unwrap();
        let cookie = set_cookie(&page, "tessera_form").unwrap_or_default();
        let csrf = hidden_csrf(&page.text().await.unwrap());
        (csrf, cookie)
    }

    async fn post(&self, path: &str, body: String, cookies: &str) -> reqwest::Response {
        self.browser
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", cookies)
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// Posts the buy form with these extra fields; the response.
    async fn buy(&self, fields: &str) -> reqwest::Response {
        let (csrf, cookie) = self.form("").await;
        self.post(
            &format!("/events/{}/buy", self.event),
            format!("csrf={csrf}&name=Nina+Zarechnaya&email=nina%40example.org&{fields}"),
            &cookie,
        )
        .await
    }

    async fn statuses(&self) -> Value {
        self.t.get(&format!("/api/v1/events/{}/seats", self.event), &Auth::None).await.body
    }

    fn session_cookie(&self) -> String {
        match &self.owner {
            Auth::Session(s) => format!("tessera_session={}", s.cookie),
            _ => unreachable!(),
        }
    }
}

async fn exact_seats_bought_through_the_storefront_form_are_on_the_tickets() {
    let th = theatre().await;
    let s = &th.seats;

    // The page lists one section's seats as labelled checkboxes, and links
    // to the other; the map's script enhances the same form.
    let page = th.browser.get(th.url(&format!("/events/{}", th.event))).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("/assets/seatmap.js?v="), "the map's script");
    assert!(html.contains("data-map=\"/api/v1/events/") && html.contains("data-stream=\""), "{html}");
    for id in &s[..8] {
        let cb = checkbox(&html, id).unwrap_or_else(|| panic!("seat {id} listed: {html}"));
        assert!(cb.contains("type=\"checkbox\" name=\"seat\"") && !cb.contains("disabled"), "{cb}");
    }
    assert!(checkbox(&html, &s[8]).is_none(), "one section at a time");
    assert!(html.contains("Row A") && html.contains("Zone A · €45.00"), "rows with their zone and price");
    assert!(html.contains("wheelchair space") && html.contains("companion seat"), "flags in words");
    assert!(html.contains("?section=1#seat-list"), "a link to the Balcony");
    assert!(html.contains("name=\"count\"") && html.contains("<option value=\"B\">Zone B · €25.00</option>"), "{html}");
    assert!(html.contains("name=\"wheelchair\""), "the map has wheelchair spaces");
    let balcony =
        th.browser.get(th.url(&format!("/events/{}?section=1", th.event))).send().await.unwrap().text().await.unwrap();
    assert!(checkbox(&balcony, &s[8]).is_some() && checkbox(&balcony, &s[0]).is_none());
    assert!(balcony.contains("restricted view"));

    // Two seats of two sections, by hand.
    let ok = th.buy(&format!("mode=seats&seat={}&seat={}", s[6], s[9])).await;
    assert_eq!(ok.status(), 303, "{:?}", ok.text().await);
    let order_path = ok.headers()["location"].to_str().unwrap().to_string();
    let order_cookie = set_cookie(&ok, "tessera_order").expect("the order's cookie");
    assert_eq!(th.statuses().await["statuses"], "aaaaaahaahaa");
    let (csrf, form_cookie) = th.form("").await;
    let cookies = format!("{form_cookie}; {order_cookie}");
    let order =
        th.browser.get(th.url(&order_path)).header("cookie", &cookies).send().await.unwrap().text().await.unwrap();
    assert!(order.contains("Pay €70.00"), "€45 + €25: {order}");

    // Paid in the sandbox: the seats are on the tickets.
    let go = th.post(&format!("{order_path}/pay"), format!("csrf={csrf}"), &cookies).await;
    assert_eq!(go.status(), 303);
    let payment = go.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().to_string();
    assert_eq!(th.post(&format!("/pay/sandbox/{payment}"), "outcome=success".into(), "").await.status(), 200);
    let order =
        th.browser.get(th.url(&order_path)).header("cookie", &cookies).send().await.unwrap().text().await.unwrap();
    assert!(order.contains("Stalls · Row B · Seat 3") && order.contains("Balcony · Row C · Seat 2"), "{order}");
    assert_eq!(th.statuses().await["statuses"], "aaaaaasaasaa");

    // Best available through the same form: two Balcony seats together.
    let best = th.buy("mode=best&count=2&category=B&wheelchair=").await;
    assert_eq!(best.status(), 303, "{:?}", best.text().await);
    let st = th.statuses().await["statuses"].as_str().unwrap().to_string();
    assert_eq!(st.matches('h').count(), 2, "{st}");
    assert_eq!(&st[..8], "aaaaaasa", "the Stalls untouched: {st}");
    // With no seat ticked and no mode, the count asks for best available.
    let best = th.buy("count=1").await;
    assert_eq!(best.status(), 303, "{:?}", best.text().await);
}

async fn refused_seat_choices_re_render_with_the_problem_named_and_nothing_held() {
    let th = theatre().await;
    let s = &th.seats;
    let first = th.buy(&format!("mode=seats&seat={}", s[2])).await;
    assert_eq!(first.status(), 303);
    let before = th.statuses().await;
    assert_eq!(before["statuses"], "aahaaaaaaaaa");

    // A taken seat: 409, the seat by its name, the buyer's values and other
    // choice kept, the taken one no longer offered.
    let r = th.buy(&format!("mode=seats&seat={}&seat={}", s[3], s[2])).await;
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(html.contains("role=\"alert\""), "{html}");
    assert!(html.contains("Stalls · Row A · Seat 3 has just been taken; please choose another seat"), "{html}");
    assert!(html.contains("value=\"Nina Zarechnaya\"") && html.contains("value=\"nina@example.org\""), "{html}");
    assert!(checkbox(&html, &s[3]).unwrap().contains(" checked"), "the free seat stays chosen");
    assert!(checkbox(&html, &s[2]).unwrap().contains(" disabled"), "the taken seat is not offered");

    // Bad seat ids: each named, a 422.
    let unknown = uuid::Uuid::now_v7().to_string();
    for (fields, message) in [
        (format!("mode=seats&seat={unknown}"), format!("“{unknown}” is not a seat of this event")),
        (
            format!("mode=seats&seat={}&seat={}", s[0], th.foreign),
            format!("“{}” is not a seat of this event", th.foreign),
        ),
        (format!("mode=seats&seat={}&seat={}", s[5], s[5]), "Stalls · Row B · Seat 2 was chosen twice".into()),
        ("mode=seats&seat=seat-nine".into(), "“seat-nine” is not a seat of this event".into()),
        ("mode=seats".into(), "choose at least one seat, or ask for the best available seats".into()),
        ("mode=best&count=0".into(), "how many seats?".into()),
        ("mode=best&count=two".into(), "enter a whole number".into()),
        ("mode=best&count=99".into(), "1 to 16 seats".into()),
        ("mode=best&count=2&category=Z".into(), "Z".into()),
    ] {
        let r = th.buy(&fields).await;
        assert_eq!(r.status(), 422, "{fields}");
        let html = r.text().await.unwrap();
        assert!(html.contains(&message.replace('"', "&quot;")), "{fields}: expected {message} in {html}");
        assert!(html.contains("role=\"alert\""), "{fields}");
    }
    // Too many: the zone's limit, named next to the seats.
    let all_a: String = s[..8].iter().filter(|id| **id != s[2]).map(|id| format!("&seat={id}")).collect();
    let r = th.buy(&format!("mode=seats{all_a}")).await;
    assert_eq!(r.status(), 303, "seven seats are within the limit of eight");
    let after = th.statuses().await;
    assert_eq!(after["statuses"], "hhhhhhhhaaaa");
    let r = th.buy(&format!("mode=seats&seat={}&seat={}", s[8], th.foreign)).await;
    assert_eq!(r.status(), 422);
    // Nothing was held by any refused request.
    let st = th.statuses().await;
    assert_eq!(st["statuses"], after["statuses"]);
    assert_eq!(st["claims_version"], after["claims_version"], "no refused request changed a seat");
}

async fn organizers_block_and_release_seats_on_the_dashboard_page() {
    let th = theatre().await;
    let s = &th.seats;
    let here = format!("/dashboard/orgs/{}/events/{}/seats", th.org, th.event);
    let sold = th.buy(&format!("mode=seats&seat={}", s[4])).await;
    assert_eq!(sold.status(), 303);

    // Signed out: to the sign-in page, and back here afterwards.
    let r = th.browser.get(th.url(&here)).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(r.headers()["location"].to_str().unwrap().starts_with("/account/sign-in?next=%2Fdashboard%2Forgs%2F"));
    // Someone of another organization finds nothing; nor does the map.
    let stranger = th.t.register("stranger@example.org").await;
    let r = th
        .browser
        .get(th.url(&here))
        .header("cookie", format!("tessera_session={}", stranger.cookie))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("There is nothing here."));
    let r = th.browser.get(th.url(&format!("{here}/map.json"))).send().await.unwrap();
    assert_eq!(r.status(), 401);

    // The owner sees the counts, the map's place, and who holds what.
    let session = th.session_cookie();
    let page = th.browser.get(th.url(&here)).header("cookie", &session).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let form_cookie = set_cookie(&page, "tessera_form").expect("a form cookie");
    let cookies = format!("{session}; {form_cookie}");
    let html = page.text().await.unwrap();
    let csrf = hidden_csrf(&html);
    assert!(html.contains("data-count=\"held\">1<") && html.contains("data-count=\"available\">11<"), "{html}");
    assert!(html.contains("data-mode=\"manage\"") && html.contains("<meta name=\"csrf-token\""), "{html}");
    assert!(
        html.contains("<td>Row B · Seat 1</td><td>held</td>") && html.contains("nina@example.org"),
        "who holds what: {html}"
    );
    assert!(checkbox(&html, &s[4]).unwrap().contains("disabled"), "a held seat cannot be blocked");
    let map = th.browser.get(th.url(&format!("{here}/map.json"))).header("cookie", &session).send().await.unwrap();
    assert_eq!(map.status(), 200);
    assert_eq!(seat_ids(&map.json().await.unwrap()).len(), 12);

    // Block two seats with the form; the storefront no longer offers them.
    let r = th.post(&here, format!("csrf={csrf}&section=0&action=block&seat={}&seat={}", s[0], s[7]), &cookies).await;
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.contains("done=blocked&n=2"), "{to}");
    let done = th.browser.get(th.url(&to)).header("cookie", &cookies).send().await.unwrap().text().await.unwrap();
    assert!(done.contains("2 seats blocked.") && done.contains("data-count=\"blocked\">2<"), "{done}");
    assert_eq!(th.statuses().await["statuses"], "baaahaabaaaa");
    let shop = th.browser.get(th.url(&format!("/events/{}", th.event))).send().await.unwrap().text().await.unwrap();
    assert!(checkbox(&shop, &s[0]).unwrap().contains("disabled"), "{shop}");
    let r = th.buy(&format!("mode=seats&seat={}", s[0])).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("Stalls · Row A · Seat 1 is not for sale"));

    // Refusals name the seat and change nothing.
    let before = th.statuses().await;
    let r = th.post(&here, format!("csrf={csrf}&action=block&seat={}", s[4]), &cookies).await;
    assert_eq!(r.status(), 409);
    assert!(
        r.text().await.unwrap().contains("Stalls · Row B · Seat 1 is held or sold; only free seats can be blocked")
    );
    let r = th.post(&here, format!("csrf={csrf}&action=release&seat={}", s[1]), &cookies).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("Stalls · Row A · Seat 2 is not blocked"));
    let r = th.post(&here, format!("csrf={csrf}&action=block&seat={}", th.foreign), &cookies).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("is not a seat of this event"));
    let r = th.post(&here, format!("csrf={csrf}&action=block"), &cookies).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Choose seats on the map or in the list first."));
    let r = th.post(&here, format!("csrf=forged&action=block&seat={}", s[1]), &cookies).await;
    assert_eq!(r.status(), 403);
    // A stranger's form does not reach the seats either.
    let r = th
        .post(
            &here,
            format!("csrf={csrf}&action=block&seat={}", s[1]),
            &format!("tessera_session={}; {form_cookie}", stranger.cookie),
        )
        .await;
    assert_eq!(r.status(), 404);
    assert_eq!(th.statuses().await, before);

    // Released again: on sale.
    let r = th.post(&here, format!("csrf={csrf}&action=release&seat={}&seat={}", s[0], s[7]), &cookies).await;
    assert_eq!(r.status(), 303);
    assert!(r.headers()["location"].to_str().unwrap().contains("done=released&n=2"));
    assert_eq!(th.statuses().await["statuses"], "aaaahaaaaaaa");
    // The JSON API names the holder too (the map's hover detail).
    let view = th.t.get(&format!("/api/v1/orgs/{}/events/{}/seating", th.org, th.event), &th.owner).await;
    let taken = &view.body["taken"][0];
    assert_eq!((taken["buyer_email"].as_str(), taken["state"].as_str()), (Some("nina@example.org"), Some("held")));
    assert_eq!(taken["order_reference"].as_str().map(str::len), Some(12));
}

/// An event on a venue with a seat map, not yet sold by seat: its seat page
/// offers the set-up form (each category of the map with a ticket type);
/// a category left without one is refused by name, nothing changes; once
/// every category has its type, the storefront lists the seats.
async fn organizers_sell_an_event_by_seat_from_its_seat_page() {
    let th = theatre().await;
    let (t, owner, org) = (&th.t, &th.owner, &th.org);
    let existing = t.get(&format!("/api/v1/orgs/{org}/events/{}", th.event), owner).await;
    let venue = existing.body["venue_id"].as_str().unwrap().to_string();
    let e = t.post(&format!("/api/v1/orgs/{org}/events"), owner, event_body(&venue, "Uncle Vanya", 40)).await;
    assert_eq!(e.status, 201, "{e:?}");
    let event = e.body["id"].as_str().unwrap().to_string();
    let mut types = vec![];
    for (name, price) in [("Front", 5000), ("Back", 2000)] {
        let q = t
            .post(&format!("/api/v1/orgs/{org}/events/{event}/quotas"), owner, json!({"name": name, "capacity": 100}))
            .await;
        let tt = t
            .post(
                &format!("/api/v1/orgs/{org}/events/{event}/ticket-types"),
                owner,
                json!({"name": name, "price_minor": price, "currency": "EUR", "max_per_order": 8, "quota_ids": [q.body["id"]]}),
            )
            .await;
        assert_eq!(tt.status, 201, "{tt:?}");
        types.push(tt.body["id"].as_str().unwrap().to_string());
    }
    let here = format!("/dashboard/orgs/{org}/events/{event}/seats");
    let session = th.session_cookie();
    let page = th.browser.get(th.url(&here)).header("cookie", &session).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let cookies = format!("{session}; {}", set_cookie(&page, "tessera_form").expect("a form cookie"));
    let html = page.text().await.unwrap();
    let csrf = hidden_csrf(&html);
    assert!(html.contains("This event is not sold by seat."), "{html}");
    assert!(html.contains(&format!("action=\"{here}/setup\"")), "{html}");
    assert!(html.contains("Category “A” (8 seats)") && html.contains("Category “B” (4 seats)"), "{html}");
    assert!(html.contains(&format!("/venues/{venue}/seat-map/edit")), "a link to the map editor: {html}");

    // Category B without a ticket type: refused by name, the choice kept.
    let setup = format!("{here}/setup");
    let r =
        th.post(&setup, format!("csrf={csrf}&category-0=A&zone-0={}&category-1=B&zone-1=", types[0]), &cookies).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("role=\"alert\"") && html.contains("href=\"#zone-1\""), "{html}");
    assert!(html.contains("id=\"zone-1-error\">choose the ticket type this category sells as"), "{html}");
    assert!(html.contains(&format!("<option value=\"{}\" selected>", types[0])), "{html}");
    // A ticket type of another event: refused too.
    let r = th
        .post(&setup, format!("csrf={csrf}&category-0=A&zone-0={}&category-1=B&zone-1=nonsense", types[0]), &cookies)
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(t.get(&format!("/api/v1/orgs/{org}/events/{event}/seating"), owner).await.status, 404);
    // A forged form does nothing.
    let body = format!("csrf=forged&category-0=A&zone-0={}&category-1=B&zone-1={}", types[0], types[1]);
    assert_eq!(th.post(&setup, body, &cookies).await.status(), 403);

    let body = format!("csrf={csrf}&category-0=A&zone-0={}&category-1=B&zone-1={}", types[0], types[1]);
    let r = th.post(&setup, body, &cookies).await;
    assert_eq!(r.status(), 303, "{:?}", r.text().await);
    assert!(r.headers()["location"].to_str().unwrap().ends_with("?done=seated"));
    let seating = t.get(&format!("/api/v1/orgs/{org}/events/{event}/seating"), owner).await;
    assert_eq!(seating.status, 200);
    assert_eq!(seating.body["seats"], 12);
    assert_eq!(seating.body["zones"]["B"].as_str(), Some(types[1].as_str()));
    let done = th.browser.get(th.url(&format!("{here}?done=seated"))).header("cookie", &session).send().await.unwrap();
    let html = done.text().await.unwrap();
    assert!(html.contains("The event is now sold by seat.") && html.contains("data-mode=\"manage\""), "{html}");
}
