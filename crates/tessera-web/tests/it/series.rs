//! Series over HTTP, on SQLite and PostgreSQL: a weekly series made with its
//! occurrences, published, listed once, sold like an event, its calendar
//! page and calendar file; bad rules and inputs refused naming the field
//! with nothing written; "this and all future" changes (prices, capacity,
//! more dates, fewer dates) and the refusals that protect sold
//! occurrences; removing an unsold occurrence and refusing a sold one;
//! buyers racing a change and a removal; a year of daily occurrences read
//! in pages; who may do what.

use crate::helpers::*;
use serde_json::{Value, json};
use tessera_app::Clock;

crate::on_both_backends!(
    a_weekly_series_makes_its_occurrences_and_sells_like_an_event,
    bad_input_is_refused_naming_the_field_with_nothing_written,
    changes_to_all_future_occurrences_spare_what_is_sold,
    an_occurrence_with_orders_cannot_be_removed_only_cancelled,
    buyers_racing_a_change_or_a_removal_never_lose_an_order,
    a_year_of_daily_occurrences_is_read_in_pages,
    roles_reach_series_as_the_catalog,
);

struct Setup {
    t: TestApp,
    owner: Auth,
    org: String,
    venue: String,
    /// A week from the clock's today, in the venue's zone (Europe/Berlin).
    first: jiff::civil::Date,
}

async fn setup() -> Setup {
    let t = spawn_app_on(&DB.with(Clone::clone), test_config(), tessera_web::WebConfig::default()).await;
    let (owner, org) = t.organizer("owner@series.example.org", "series").await;
    let venue = t.venue(&owner, &org, "Museum").await;
    let berlin = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
    let first = t.clock.now().to_zoned(berlin).date().checked_add(jiff::Span::new().days(7)).unwrap();
    Setup { t, owner, org, venue, first }
}

impl Setup {
    fn day(&self, n: i64) -> String {
        self.first.checked_add(jiff::Span::new().days(n)).unwrap().to_string()
    }

    fn body(&self, rrule: &str, times: &[&str]) -> Value {
        json!({
            "venue_id": self.venue, "title": "City Museum", "category": "exhibition",
            "rrule": rrule, "first_date": self.first.to_string(), "times": times,
            "duration_minutes": 60, "capacity": 10, "currency": "EUR",
            "ticket_types": [{"name": "Adult", "price_minor": 2000}, {"name": "Child", "price_minor": 800}]
        })
    }

    async fn create(&self, body: Value) -> Res {
        self.t.post(&format!("/api/v1/orgs/{}/series", self.org), &self.owner, body).await
    }

    async fn create_ok(&self, rrule: &str, times: &[&str]) -> String {
        let r = self.create(self.body(rrule, times)).await;
        assert_eq!(r.status, 201, "{r:?}");
        r.body["id"].as_str().unwrap().to_string()
    }

    async fn publish(&self, id: &str) {
        let r = self.t.post(&format!("/api/v1/orgs/{}/series/{id}/publish", self.org), &self.owner, json!({})).await;
        assert_eq!(r.status, 200, "{r:?}");
    }

    async fn patch(&self, id: &str, body: Value) -> Res {
        self.t.patch(&format!("/api/v1/orgs/{}/series/{id}", self.org), &self.owner, body).await
    }

    /// Every occurrence, read in pages of `page`.
    async fn occurrences(&self, id: &str, page: usize) -> Vec<Value> {
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut path = format!("/api/v1/orgs/{}/series/{id}/occurrences?limit={page}", self.org);
            if let Some(c) = &cursor {
                path.push_str(&format!("&cursor={c}"));
            }
            let r = self.t.get(&path, &self.owner).await;
            assert_eq!(r.status, 200, "{r:?}");
            let items = r.body["items"].as_array().unwrap();
            assert!(items.len() <= page);
            out.extend(items.iter().cloned());
            match r.body["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => return out,
            }
        }
    }

    async fn types(&self, event: &str) -> Vec<Value> {
        let r = self.t.get(&format!("/api/v1/orgs/{}/events/{event}/ticket-types", self.org), &self.owner).await;
        assert_eq!(r.status, 200, "{r:?}");
        r.body.as_array().unwrap().clone()
    }

    async fn capacity(&self, event: &str) -> i64 {
        let r = self.t.get(&format!("/api/v1/orgs/{}/events/{event}/quotas", self.org), &self.owner).await;
        assert_eq!(r.status, 200, "{r:?}");
        r.body[0]["capacity"].as_i64().unwrap()
    }

    async fn try_buy(&self, event: &str, n: i64) -> Res {
        let types = self.t.get(&format!("/api/v1/events/{event}"), &Auth::None).await;
        let Some(tt) = types.body["ticket_types"][0]["id"].as_str() else { return types };
        let tt = tt.to_string();
        self.t
            .post(
                &format!("/api/v1/events/{event}/orders"),
                &Auth::None,
                json!({"lines": [{"ticket_type_id": tt, "quantity": n}], "email": "buyer@example.org", "name": "Ada"}),
            )
            .await
    }

    /// A paid order of `n` tickets of the first type; its id.
    async fn buy(&self, event: &str, n: i64) -> String {
        let r = self.try_buy(event, n).await;
        assert_eq!(r.status, 201, "{r:?}");
        let id = r.body["id"].as_str().unwrap().to_string();
        let paid =
            self.t.post(&format!("/api/v1/orgs/{}/orders/{id}/mark-paid", self.org), &self.owner, json!({})).await;
        assert_eq!(paid.status, 200, "{paid:?}");
        id
    }
}

fn ids(items: &[Value]) -> Vec<String> {
    items.iter().map(|o| o["id"].as_str().unwrap().to_string()).collect()
}

fn local_starts(items: &[Value]) -> Vec<String> {
    items.iter().map(|o| o["starts_at_local"].as_str().unwrap()[..16].to_string()).collect()
}

fn assert_sorted(items: &[Value]) {
    let starts: Vec<jiff::Timestamp> =
        items.iter().map(|o| o["starts_at"].as_str().unwrap().parse().unwrap()).collect();
    assert!(starts.windows(2).all(|w| w[0] < w[1]), "{starts:?}");
}

async fn a_weekly_series_makes_its_occurrences_and_sells_like_an_event() {
    let s = setup().await;
    let r = s.create(s.body("FREQ=WEEKLY;BYDAY=SA,SU;COUNT=6", &["14:00", "10:00"])).await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!((r.body["status"].as_str(), r.body["timezone"].as_str()), (Some("draft"), Some("Europe/Berlin")));
    assert_eq!(r.body["times"], json!(["10:00", "14:00"]));
    let id = r.body["id"].as_str().unwrap().to_string();
    // Six weekend days, two times each, read five at a time.
    let occ = s.occurrences(&id, 5).await;
    assert_eq!(occ.len(), 12);
    assert_sorted(&occ);
    for o in &occ {
        let local: jiff::civil::DateTime = o["starts_at_local"].as_str().unwrap()[..19].parse().unwrap();
        assert!(matches!(local.weekday(), jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday), "{o}");
        assert!([10, 14].contains(&local.hour()), "{o}");
        assert_eq!(
            (o["status"].as_str(), o["capacity"].as_i64(), o["available"].as_i64()),
            (Some("draft"), Some(10), Some(10))
        );
    }
    // Drafts are nobody else's business.
    assert_eq!(s.t.get(&format!("/api/v1/series/{id}"), &Auth::None).await.status, 404);
    assert_eq!(s.t.get(&format!("/api/v1/events/{}", occ[0]["id"].as_str().unwrap()), &Auth::None).await.status, 404);
    s.publish(&id).await;
    let again = s.t.post(&format!("/api/v1/orgs/{}/series/{id}/publish", s.org), &s.owner, json!({})).await;
    assert_eq!(again.status, 409, "{again:?}");
    let public = s.t.get(&format!("/api/v1/series/{id}/occurrences?limit=500"), &Auth::None).await;
    assert_eq!(public.status, 200, "{public:?}");
    assert_eq!(ids(public.body["items"].as_array().unwrap()), ids(&occ));
    // The public listing shows the series once: its first occurrence.
    let listed = s.t.get("/api/v1/events?limit=100", &Auth::None).await;
    let mine: Vec<&Value> =
        listed.body["items"].as_array().unwrap().iter().filter(|e| e["title"] == "City Museum").collect();
    assert_eq!(mine.len(), 1, "{listed:?}");
    assert_eq!(mine[0]["id"], occ[0]["id"]);
    // Each occurrence is an event with the template's types, prices and one shared capacity.
    let third = occ[2]["id"].as_str().unwrap().to_string();
    let types = s.types(&third).await;
    let named: Vec<(&str, i64)> =
        types.iter().map(|t| (t["name"].as_str().unwrap(), t["price"]["amount_minor"].as_i64().unwrap())).collect();
    assert_eq!(named, [("Adult", 2000), ("Child", 800)]);
    assert_eq!(types[0]["quota_ids"], types[1]["quota_ids"]);
    let order = s.buy(&third, 3).await;
    let after = s.occurrences(&id, 100).await;
    assert_eq!(
        (after[2]["sold"].as_i64(), after[2]["available"].as_i64(), after[2]["has_orders"].as_bool()),
        (Some(3), Some(7), Some(true))
    );
    assert_eq!(after[3]["has_orders"], false);
    let o = s.t.get(&format!("/api/v1/orgs/{}/orders/{order}", s.org), &s.owner).await;
    assert_eq!(
        (o.body["state"].as_str(), o.body["total"]["amount_minor"].as_i64()),
        (Some("paid"), Some(6000)),
        "{o:?}"
    );
    // The calendar: the first occurrence's month, its day a link to the day's times.
    let first_local = occ[0]["starts_at_local"].as_str().unwrap();
    let (month, day) = (&first_local[..7], &first_local[..10]);
    let page = s.t.get(&format!("/series/{id}"), &Auth::None).await;
    assert_eq!(page.status, 200);
    let html = page.body.as_str().unwrap();
    assert!(html.contains(&format!("/series/{id}?month={month}&#38;day={day}")), "{html}");
    let page = s.t.get(&format!("/series/{id}?month={month}&day={day}"), &Auth::None).await;
    let html = page.body.as_str().unwrap();
    assert!(html.contains(&format!("href=\"/events/{}\"", occ[0]["id"].as_str().unwrap())), "{html}");
    assert!(html.contains(&format!("href=\"/events/{}\"", occ[1]["id"].as_str().unwrap())), "{html}");
    assert!(html.contains(">10:00</time>") && html.contains(">14:00</time>"), "{html}");
    let zh = s.t.get(&format!("/series/{id}?month={month}&lang=zh-CN"), &Auth::None).await;
    assert!(zh.body.as_str().unwrap().contains("下个月"), "{zh:?}");
    assert_eq!(s.t.get(&format!("/series/{id}?month=13-2027"), &Auth::None).await.status, 404);
    // A calendar file per occurrence.
    let ics = s.t.get(&format!("/events/{third}/calendar.ics"), &Auth::None).await;
    assert_eq!(ics.status, 200);
    let start: jiff::Timestamp = occ[2]["starts_at"].as_str().unwrap().parse().unwrap();
    let stamp = start.strftime("%Y%m%dT%H%M%SZ").to_string();
    assert!(ics.body.as_str().unwrap().contains(&format!("DTSTART:{stamp}")), "{ics:?}");
}

async fn bad_input_is_refused_naming_the_field_with_nothing_written() {
    let s = setup().await;
    let cases: Vec<(Value, &str)> = vec![
        (
            s.body(
                "FREQ=DAILY;COUNT=400",
                &[
                    "09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12:00", "12:30", "13:00", "13:30", "14:00",
                    "14:30", "15:00", "15:30", "16:00", "16:30", "17:00", "17:30", "18:00", "18:30", "19:00", "19:30",
                    "20:00", "20:30", "21:00", "21:30",
                ],
            ),
            "rrule",
        ),
        (s.body("FREQ=DAILY;UNTIL=99991231", &["09:00", "12:00", "15:00"]), "rrule"),
        (s.body("FREQ=YEARLY;COUNT=2", &["09:00"]), "rrule"),
        (s.body("FREQ=DAILY", &["09:00"]), "rrule"),
        (s.body("FREQ=DAILY;COUNT=2;BYDAY=MO", &["09:00"]), "rrule"),
        (s.body("FREQ=DAILY;COUNT=2", &["25:00"]), "times"),
        (s.body("FREQ=DAILY;COUNT=2", &[]), "times"),
        (s.body("FREQ=DAILY;COUNT=2", &["09:00", "09:00"]), "times"),
    ];
    for (body, field) in cases {
        let r = s.create(body.clone()).await;
        assert_eq!((r.status, r.fields()), (422, vec![field.to_string()]), "{body}: {r:?}");
    }
    let too_many = s.create(s.body("FREQ=DAILY;COUNT=10001", &["09:00"])).await;
    assert_eq!(too_many.body["error"]["fields"]["rrule"], "produces more than 10000 occurrences", "{too_many:?}");
    let mut b = s.body("FREQ=DAILY;COUNT=1", &["09:00"]);
    b["exdates"] = json!([s.first.to_string()]);
    let r = s.create(b).await;
    assert_eq!((r.status, r.fields()), (422, vec!["rrule".to_string()]), "{r:?}");
    let fielded: Vec<(&str, Value, &str)> = vec![
        ("first_date", json!("01/05/2027"), "first_date"),
        ("exdates", json!(["2027-01-01", "soon"]), "exdates[1]"),
        ("rdates", json!(["2027-02-30"]), "rdates[0]"),
        ("capacity", json!(-1), "capacity"),
        ("duration_minutes", json!(0), "duration_minutes"),
        ("ticket_types", json!([]), "ticket_types"),
        (
            "ticket_types",
            json!([{"name": "A", "price_minor": 1}, {"name": "A", "price_minor": 2}]),
            "ticket_types[1].name",
        ),
        ("ticket_types", json!([{"name": "A", "price_minor": -5}]), "ticket_types[0].price_minor"),
        ("title", json!(" "), "title"),
        ("venue_id", json!(tessera_domain::VenueId::new().to_string()), "venue_id"),
    ];
    for (key, value, field) in fielded {
        let mut b = s.body("FREQ=DAILY;COUNT=3", &["09:00"]);
        b[key] = value;
        let r = s.create(b).await;
        assert_eq!((r.status, r.fields()), (422, vec![field.to_string()]), "{key}: {r:?}");
    }
    // Malformed JSON and unknown fields are refused before the app sees them.
    let mut b = s.body("FREQ=DAILY;COUNT=3", &["09:00"]);
    b["colour"] = json!("red");
    assert_eq!(s.create(b).await.status, 422);
    // Nothing was written.
    let list = s.t.get(&format!("/api/v1/orgs/{}/series", s.org), &s.owner).await;
    assert_eq!(list.body, json!([]), "{list:?}");
    let events = s.t.get(&format!("/api/v1/orgs/{}/events", s.org), &s.owner).await;
    assert_eq!(events.body["items"], json!([]), "{events:?}");
    // Bad queries on a real series.
    let id = s.create_ok("FREQ=DAILY;COUNT=3", &["09:00"]).await;
    let base = format!("/api/v1/orgs/{}/series/{id}/occurrences", s.org);
    for (q, field) in
        [("limit=501", "limit"), ("cursor=nope", "cursor"), ("from=2027-02-01T00:00:00Z&to=2027-01-01T00:00:00Z", "to")]
    {
        let r = s.t.get(&format!("{base}?{q}"), &s.owner).await;
        assert_eq!((r.status, r.fields()), (422, vec![field.to_string()]), "{q}: {r:?}");
    }
    let r = s.patch(&id, json!({"rrule": "FREQ=HOURLY;COUNT=2"})).await;
    assert_eq!((r.status, r.fields()), (422, vec!["rrule".to_string()]), "{r:?}");
    let r = s.patch(&id, json!({"from": "tomorrow"})).await;
    assert_eq!((r.status, r.fields()), (422, vec!["from".to_string()]), "{r:?}");
    assert_eq!(s.occurrences(&id, 100).await.len(), 3);
}

async fn changes_to_all_future_occurrences_spare_what_is_sold() {
    let s = setup().await;
    let id = s.create_ok("FREQ=DAILY;COUNT=10", &["10:00"]).await;
    s.publish(&id).await;
    let occ = s.occurrences(&id, 100).await;
    let sold = occ[7]["id"].as_str().unwrap().to_string();
    let order = s.buy(&sold, 2).await;
    // New times from day 5 would remove day 7's 10:00, which has orders: refused, nothing changed.
    let r = s.patch(&id, json!({"from": s.day(5), "times": ["11:00"]})).await;
    assert_eq!(
        (r.status, r.body["error"]["fields"].as_object().map(|f| f.contains_key("rrule"))),
        (409, Some(true)),
        "{r:?}"
    );
    assert_eq!(ids(&s.occurrences(&id, 100).await), ids(&occ));
    let series = s.t.get(&format!("/api/v1/orgs/{}/series/{id}", s.org), &s.owner).await;
    assert_eq!(series.body["times"], json!(["10:00"]));
    // Prices and capacity from day 3 on: earlier days keep theirs, the sold order its total.
    let r = s
        .patch(&id, json!({"from": s.day(3), "capacity": 8, "ticket_types": [{"name": "Adult", "price_minor": 2500}, {"name": "Child", "price_minor": 800}]}))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    for (i, o) in occ.iter().enumerate() {
        let e = o["id"].as_str().unwrap();
        let (price, cap) = if i < 3 { (2000, 10) } else { (2500, 8) };
        assert_eq!(s.types(e).await[0]["price"]["amount_minor"].as_i64(), Some(price), "day {i}");
        assert_eq!(s.capacity(e).await, cap, "day {i}");
    }
    let o = s.t.get(&format!("/api/v1/orgs/{}/orders/{order}", s.org), &s.owner).await;
    assert_eq!(o.body["total"]["amount_minor"].as_i64(), Some(4000), "{o:?}");
    // A capacity under what day 7 sold is refused.
    let r = s.patch(&id, json!({"from": s.day(0), "capacity": 1})).await;
    assert_eq!((r.status, r.fields()), (422, vec!["capacity".to_string()]), "{r:?}");
    assert_eq!(s.capacity(&sold).await, 8);
    // More dates: two new occurrences, published at once, at the new price.
    let r = s.patch(&id, json!({"from": s.day(0), "rrule": "FREQ=DAILY;COUNT=12"})).await;
    assert_eq!(r.status, 200, "{r:?}");
    let now = s.occurrences(&id, 100).await;
    assert_eq!(now.len(), 12);
    assert_eq!(ids(&now[..10]), ids(&occ));
    assert!(now.iter().all(|o| o["status"] == "published"));
    assert_eq!(s.types(now[11]["id"].as_str().unwrap()).await[0]["price"]["amount_minor"].as_i64(), Some(2500));
    let public = s.t.get(&format!("/api/v1/series/{id}/occurrences"), &Auth::None).await;
    assert_eq!(public.body["items"].as_array().unwrap().len(), 12);
    // Fewer dates: an unsold day goes, the sold one cannot.
    let r = s.patch(&id, json!({"from": s.day(0), "exdates": [s.day(8)]})).await;
    assert_eq!(r.status, 200, "{r:?}");
    let now = s.occurrences(&id, 100).await;
    assert_eq!(now.len(), 11);
    assert!(!ids(&now).contains(&occ[8]["id"].as_str().unwrap().to_string()));
    let r = s.patch(&id, json!({"from": s.day(0), "exdates": [s.day(8), s.day(7)]})).await;
    assert_eq!(r.status, 409, "{r:?}");
    assert_eq!(s.occurrences(&id, 100).await.len(), 11);
    // A new length would move the end of day 7's tickets: refused from day 0, done from day 9.
    let r = s.patch(&id, json!({"from": s.day(0), "duration_minutes": 120})).await;
    assert_eq!((r.status, r.fields()), (409, vec!["duration_minutes".to_string()]), "{r:?}");
    let r = s.patch(&id, json!({"from": s.day(9), "duration_minutes": 120})).await;
    assert_eq!(r.status, 200, "{r:?}");
    let now = s.occurrences(&id, 100).await;
    for o in &now {
        let (a, b): (jiff::Timestamp, jiff::Timestamp) =
            (o["starts_at"].as_str().unwrap().parse().unwrap(), o["ends_at"].as_str().unwrap().parse().unwrap());
        let local = &o["starts_at_local"].as_str().unwrap()[..10];
        let minutes = if local >= s.day(9).as_str() { 120 } else { 60 };
        assert_eq!(b.duration_since(a).as_mins(), minutes, "{o}");
    }
}

async fn an_occurrence_with_orders_cannot_be_removed_only_cancelled() {
    let s = setup().await;
    let id = s.create_ok("FREQ=DAILY;COUNT=3", &["10:00"]).await;
    s.publish(&id).await;
    let occ = s.occurrences(&id, 100).await;
    let (sold, unsold) = (occ[0]["id"].as_str().unwrap().to_string(), occ[1]["id"].as_str().unwrap().to_string());
    s.buy(&sold, 1).await;
    let path = |e: &str| format!("/api/v1/orgs/{}/series/{id}/occurrences/{e}", s.org);
    let r = s.t.req(reqwest::Method::DELETE, &path(&sold), &s.owner, None).await;
    assert_eq!(
        (r.status, r.body["error"]["fields"].as_object().map(|f| f.contains_key("occurrence"))),
        (409, Some(true)),
        "{r:?}"
    );
    let r = s.t.req(reqwest::Method::DELETE, &path(&unsold), &s.owner, None).await;
    assert_eq!(r.status, 204, "{r:?}");
    assert_eq!(s.t.get(&format!("/api/v1/events/{unsold}"), &Auth::None).await.status, 404);
    let r = s.t.req(reqwest::Method::DELETE, &path(&unsold), &s.owner, None).await;
    assert_eq!(r.status, 404, "{r:?}");
    // The rule does not bring a removed occurrence back.
    let r = s.patch(&id, json!({"from": s.day(0), "title": "City Museum: the collection"})).await;
    assert_eq!(r.status, 200, "{r:?}");
    let now = s.occurrences(&id, 100).await;
    assert_eq!(ids(&now), vec![sold.clone(), occ[2]["id"].as_str().unwrap().to_string()]);
    assert_eq!(local_starts(&now).len(), 2);
    let e = s.t.get(&format!("/api/v1/events/{sold}"), &Auth::None).await;
    assert_eq!(e.body["title"], "City Museum: the collection");
    // The sold one is cancelled as an event is; it stays listed, cancelled, and still cannot be removed.
    let r = s.t.post(&format!("/api/v1/orgs/{}/events/{sold}/cancel", s.org), &s.owner, json!({})).await;
    assert_eq!(r.status, 200, "{r:?}");
    let now = s.occurrences(&id, 100).await;
    assert_eq!(now[0]["status"], "cancelled");
    let r = s.t.req(reqwest::Method::DELETE, &path(&sold), &s.owner, None).await;
    assert_eq!(r.status, 409, "{r:?}");
    // An occurrence of another series is not this one's.
    let other = s.create_ok("FREQ=DAILY;COUNT=1", &["12:00"]).await;
    let theirs = s.occurrences(&other, 10).await[0]["id"].as_str().unwrap().to_string();
    let r = s.t.req(reqwest::Method::DELETE, &path(&theirs), &s.owner, None).await;
    assert_eq!(r.status, 404, "{r:?}");
}

async fn buyers_racing_a_change_or_a_removal_never_lose_an_order() {
    let s = std::sync::Arc::new(setup().await);
    for round in 0..3 {
        let id = s.create_ok("FREQ=DAILY;COUNT=12", &[["09:00", "10:00", "11:00"][round]]).await;
        s.publish(&id).await;
        let occ = s.occurrences(&id, 100).await;
        // Twelve buyers, one per occurrence, race a change that keeps only the first six.
        let mut tasks = Vec::new();
        for o in &occ {
            let (s, e) = (s.clone(), o["id"].as_str().unwrap().to_string());
            tasks.push(tokio::spawn(async move { (e.clone(), s.try_buy(&e, 1).await.status) }));
        }
        let change = {
            let (s, id) = (s.clone(), id.clone());
            tokio::spawn(async move { s.patch(&id, json!({"from": s.day(0), "rrule": "FREQ=DAILY;COUNT=6"})).await })
        };
        let mut bought = Vec::new();
        for t in tasks {
            let (e, status) = t.await.unwrap();
            assert!([201, 404, 409, 422].contains(&status), "{status}");
            if status == 201 {
                bought.push(e);
            }
        }
        let change = change.await.unwrap();
        let left = ids(&s.occurrences(&id, 100).await);
        // Every order's occurrence is still there, whoever won.
        for e in &bought {
            assert!(left.contains(e), "round {round}: an order's occurrence was removed");
        }
        match change.status {
            200 => assert_eq!(left, ids(&occ[..6]), "round {round}"),
            409 => {
                assert_eq!(left, ids(&occ), "round {round}");
                assert!(bought.iter().any(|e| !ids(&occ[..6]).contains(e)), "round {round}: refused without a sale");
            }
            other => panic!("round {round}: {other} {change:?}"),
        }
    }
    // One occurrence, a buyer and a removal at once, ten times: never both.
    let id = s.create_ok("FREQ=DAILY;COUNT=10", &["16:00"]).await;
    s.publish(&id).await;
    for o in s.occurrences(&id, 100).await {
        let e = o["id"].as_str().unwrap().to_string();
        let buy = {
            let (s, e) = (s.clone(), e.clone());
            tokio::spawn(async move { s.try_buy(&e, 1).await.status })
        };
        let path = format!("/api/v1/orgs/{}/series/{id}/occurrences/{e}", s.org);
        let removed = s.t.req(reqwest::Method::DELETE, &path, &s.owner, None).await.status;
        let bought = buy.await.unwrap();
        match (removed, bought) {
            (204, b) => assert_ne!(b, 201, "removed an occurrence that sold"),
            (409, 201) => {}
            other => panic!("{other:?}"),
        }
    }
}

async fn a_year_of_daily_occurrences_is_read_in_pages() {
    let s = setup().await;
    let id = s.create_ok("FREQ=DAILY;COUNT=365", &["09:30"]).await;
    s.publish(&id).await;
    let all = s.occurrences(&id, 100).await;
    assert_eq!(all.len(), 365);
    assert_sorted(&all);
    let mut seen = ids(&all);
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 365);
    assert!(local_starts(&all).iter().all(|l| l.ends_with("09:30")));
    // A month by range, as the calendar asks for it.
    let month = s.first.checked_add(jiff::Span::new().months(2)).unwrap().first_of_month();
    let berlin = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
    let from = month.to_zoned(berlin.clone()).unwrap().timestamp();
    let to = month.checked_add(jiff::Span::new().months(1)).unwrap().to_zoned(berlin).unwrap().timestamp();
    let r = s.t.get(&format!("/api/v1/series/{id}/occurrences?from={from}&to={to}&limit=500"), &Auth::None).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["items"].as_array().unwrap().len(), month.days_in_month() as usize);
    let page = s.t.get(&format!("/series/{id}?month={}", month.strftime("%Y-%m")), &Auth::None).await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.body.as_str().unwrap().matches(&format!("/series/{id}?month=")).count() as i8,
        month.days_in_month() + 2
    );
    // Listed once among the events.
    let listed = s.t.get("/api/v1/events?limit=100", &Auth::None).await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1, "{listed:?}");
}

async fn roles_reach_series_as_the_catalog() {
    let s = setup().await;
    let member = |email: &'static str, role: &'static str| {
        let (t, owner, org) = (&s.t, &s.owner, &s.org);
        async move {
            let session = t.register(email).await;
            let r = t.post(&format!("/api/v1/orgs/{org}/members"), owner, json!({"email": email, "role": role})).await;
            assert_eq!(r.status, 200, "{r:?}");
            Auth::Session(session)
        }
    };
    let admin = member("admin@series.example.org", "admin").await;
    let staff = member("staff@series.example.org", "staff").await;
    let scanner = member("scanner@series.example.org", "scanner").await;
    let stranger = Auth::Session(s.t.register("stranger@elsewhere.example.org").await);
    let base = format!("/api/v1/orgs/{}/series", s.org);
    let r = s.t.post(&base, &admin, s.body("FREQ=DAILY;COUNT=3", &["10:00"])).await;
    assert_eq!(r.status, 201, "{r:?}");
    let id = r.body["id"].as_str().unwrap().to_string();
    let occ = s.occurrences(&id, 10).await;
    let one = occ[0]["id"].as_str().unwrap();
    for (who, create, read) in
        [(&staff, 403, 200), (&scanner, 403, 403), (&stranger, 404, 404), (&Auth::None, 401, 401)]
    {
        assert_eq!(s.t.post(&base, who, s.body("FREQ=DAILY;COUNT=1", &["10:00"])).await.status, create, "{who:?}");
        assert_eq!(s.t.get(&base, who).await.status, read, "{who:?}");
        assert_eq!(s.t.get(&format!("{base}/{id}"), who).await.status, read, "{who:?}");
        assert_eq!(s.t.get(&format!("{base}/{id}/occurrences"), who).await.status, read, "{who:?}");
        assert_eq!(s.t.patch(&format!("{base}/{id}"), who, json!({"title": "X"})).await.status, create, "{who:?}");
        assert_eq!(s.t.post(&format!("{base}/{id}/publish"), who, json!({})).await.status, create, "{who:?}");
        let del = s.t.req(reqwest::Method::DELETE, &format!("{base}/{id}/occurrences/{one}"), who, None).await;
        assert_eq!(del.status, create, "{who:?}");
    }
    // Nothing the refused callers tried changed anything.
    assert_eq!(s.occurrences(&id, 10).await.len(), 3);
    assert_eq!(s.t.get(&format!("{base}/{id}"), &s.owner).await.body["title"], "City Museum");
    assert_eq!(s.t.get(&format!("/api/v1/series/{id}"), &Auth::None).await.status, 404);
    assert_eq!(s.t.get(&format!("/series/{id}"), &Auth::None).await.status, 404);
    let r = s.t.patch(&format!("{base}/{id}"), &admin, json!({"title": "Renamed"})).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(s.t.post(&format!("{base}/{id}/publish"), &admin, json!({})).await.status, 200);
    let del = s.t.req(reqwest::Method::DELETE, &format!("{base}/{id}/occurrences/{one}"), &admin, None).await;
    assert_eq!(del.status, 204, "{del:?}");
    assert_eq!(s.t.get(&format!("/api/v1/series/{id}"), &Auth::None).await.status, 200);
    assert_eq!(
        s.t.get(&format!("/api/v1/series/{id}/occurrences"), &Auth::None).await.body["items"].as_array().unwrap().len(),
        2
    );
}
