//! Seat maps on venues over HTTP: generate, export, edit and import again
//! (seat ids kept), CSV and JSON, and bad maps refused whole with every
//! problem named.

use crate::helpers::*;
use serde_json::{Value, json};

struct Fx {
    t: TestApp,
    owner: Auth,
    base: String,
}

async fn fx() -> Fx {
    let t = spawn_app().await;
    let (owner, org) = t.organizer("owner@seats.example.org", "seats").await;
    let venue = t.venue(&owner, &org, "Opera").await;
    let base = format!("/api/v1/orgs/{org}/venues/{venue}/seat-map");
    Fx { t, owner, base }
}

impl Fx {
    async fn put(&self, mime: &str, body: &str) -> Res {
        let rb = self
            .t
            .client
            .put(format!("{}{}", self.t.base, self.base))
            .header("content-type", mime)
            .body(body.to_string());
        self.t.send(with_auth(rb, &self.owner)).await
    }

    async fn export(&self, format: &str) -> Res {
        self.t.get(&format!("{}/export?format={format}", self.base), &self.owner).await
    }
}

fn with_auth(rb: reqwest::RequestBuilder, auth: &Auth) -> reqwest::RequestBuilder {
    match auth {
        Auth::None => rb,
        Auth::Session(s) => {
            rb.header("cookie", format!("tessera_session={}", s.cookie)).header("x-csrf-token", &s.csrf)
        }
        Auth::Bearer(t) => rb.bearer_auth(t),
    }
}

/// (section, row, seat) -> id, from an exported JSON document.
fn ids(doc: &Value) -> std::collections::BTreeMap<(String, String, String), String> {
    let mut out = std::collections::BTreeMap::new();
    for s in doc["sections"].as_array().unwrap() {
        for r in s["rows"].as_array().unwrap() {
            for seat in r["seats"].as_array().unwrap() {
                out.insert(
                    (
                        s["label"].as_str().unwrap().to_string(),
                        r["label"].as_str().unwrap().to_string(),
                        seat["label"].as_str().unwrap().to_string(),
                    ),
                    seat["id"].as_str().unwrap().to_string(),
                );
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_export_edit_and_import_keep_seat_ids() {
    let f = fx().await;
    assert_eq!(f.t.get(&f.base, &f.owner).await.status, 404, "no map yet");
    let g = f
        .t
        .post(
            &format!("{}/generate", f.base),
            &f.owner,
            json!({"shape": "rectangular", "rows": 10, "seats_per_row": 20, "aisle_every": 10, "categories": ["A", "B"]}),
        )
        .await;
    assert_eq!(g.status, 200, "{g:?}");
    assert_eq!((g.body["version"].as_i64(), g.body["seats"].as_i64()), (Some(1), Some(200)));
    let by_category: i64 = g.body["categories"].as_object().unwrap().values().map(|v| v.as_i64().unwrap()).sum();
    assert_eq!(by_category, 200);
    assert_eq!(g.body["sections"][0]["rows"], 10);

    let json_doc = f.export("json").await;
    assert_eq!(json_doc.status, 200, "{json_doc:?}");
    assert!(json_doc.headers["content-type"].to_str().unwrap().starts_with("application/json"));
    assert_eq!(json_doc.body["format"], "tessera-seat-map");
    let before = ids(&json_doc.body);
    assert_eq!(before.len(), 200);

    // Export as CSV, drop the id column and one seat, and import it again:
    // the remaining seats keep their ids, matched by their labels.
    let csv = f.export("csv").await;
    assert_eq!(csv.status, 200);
    assert!(csv.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    let text = csv.body.as_str().unwrap().to_string();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let id_col = header.iter().position(|h| *h == "id").expect("an id column");
    let keep: Vec<usize> = (0..header.len()).filter(|i| *i != id_col).collect();
    let pick = |l: &str| keep.iter().map(|i| l.split(',').nth(*i).unwrap_or("")).collect::<Vec<_>>().join(",");
    let mut edited = vec![pick(&header.join(","))];
    edited.extend(lines.skip(1).map(pick));
    let r = f.put("text/csv", &(edited.join("\n") + "\n")).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!((r.body["version"].as_i64(), r.body["seats"].as_i64()), (Some(2), Some(199)));
    let after = ids(&f.export("json").await.body);
    assert_eq!(after.len(), 199);
    for (label, id) in &after {
        assert_eq!(before.get(label), Some(id), "seat {label:?} kept its id");
    }

    // A JSON document round-trips unchanged.
    let doc = f.export("json").await.body;
    let r = f.put("application/json", &doc.to_string()).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(ids(&f.export("json").await.body), after);
    let summary = f.t.get(&f.base, &f.owner).await;
    assert_eq!((summary.body["version"].as_i64(), summary.body["seats"].as_i64()), (Some(3), Some(199)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stadium_is_generated_whole() {
    let f = fx().await;
    let g =
        f.t.post(&format!("{}/generate", f.base), &f.owner, json!({"shape": "stadium", "pitch_standing": 5000})).await;
    assert_eq!(g.status, 200, "{g:?}");
    assert!(g.body["seats"].as_i64().unwrap() > 80_000, "{}", g.body["seats"]);
    assert_eq!(g.body["sections"].as_array().unwrap().len(), 36);
    assert_eq!(g.body["areas"][0]["capacity"], 5000);
    let c = f.t.post(&format!("{}/generate", f.base), &f.owner, json!({"shape": "curved", "rows": 12})).await;
    assert_eq!(c.status, 200, "{c:?}");
    assert_eq!(c.body["version"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_maps_are_refused_whole_with_each_problem_named() {
    let f = fx().await;
    let ok = "section,row,seat,x,y,category,flags\nS,A,1,0,0,A,\nS,A,2,1,0,A,aisle\n";
    assert_eq!(f.put("text/csv", ok).await.status, 200);
    let before = f.export("json").await.body;

    // Duplicate seat labels, each named by its line; a bad number by its line and column.
    let dup = "section,row,seat,x,y,category,flags\nS,A,1,0,0,A,\nS,A,1,1,0,A,\nS,A,2,2,0,A,\nS,A,2,3,0,A,\n";
    let r = f.put("text/csv", dup).await;
    assert_eq!(r.status, 422, "{r:?}");
    let fields = r.fields().join(" | ");
    assert!(fields.contains("line 3") && fields.contains("line 5"), "{fields}");
    assert!(r.body.to_string().contains("twice"), "{:?}", r.body);
    let r = f.put("text/csv", "section,row,seat,x,y,category,flags\nS,A,1,0,0,A,\nS,A,3,east,0,A,\n").await;
    assert_eq!(r.status, 422, "{r:?}");
    assert!(r.fields().iter().any(|x| x.contains("line 3, column x")), "{:?}", r.fields());

    // Unknown flag, missing field, wrong version, garbage, empty.
    for (mime, body, needle) in [
        ("text/csv", "section,row,seat,x,y,category,flags\nS,A,1,0,0,A,sparkly\n", "sparkly"),
        ("text/csv", "section,row,seat,x,y,category\nS,A,1,0,0,A\n", "flags"),
        ("application/json", r#"{"format":"tessera-seat-map","version":9,"sections":[]}"#, "version"),
        ("application/json", "{not json", "map"),
        ("application/json", r#"{"format":"tessera-seat-map","version":1,"name":"x","sections":[]}"#, "map"),
        ("text/csv", "", "map"),
    ] {
        let r = f.put(mime, body).await;
        assert_eq!(r.status, 422, "{body}: {r:?}");
        assert!(r.body.to_string().contains(needle), "{body}: {needle} not in {:?}", r.body);
    }
    let r = f.put("text/plain", ok).await;
    assert_eq!(r.status, 415, "{r:?}");
    let r =
        f.t.send(with_auth(
            f.t.client
                .put(format!("{}{}", f.t.base, f.base))
                .header("content-type", "text/csv")
                .body(vec![0xff, 0xfe, 0x00]),
            &f.owner,
        ))
        .await;
    assert_eq!(r.status, 400, "{r:?}");

    // Generation bounds name their field.
    for (body, field) in [
        (json!({"shape": "rectangular", "rows": 0, "seats_per_row": 10}), "rows"),
        (json!({"shape": "rectangular", "rows": 500, "seats_per_row": 1000}), "rows"),
        (json!({"shape": "curved", "rows": 5, "span_degrees": 400.0}), "span_degrees"),
        (json!({"shape": "stadium", "sections": 1000}), "sections"),
    ] {
        let r = f.t.post(&format!("{}/generate", f.base), &f.owner, body.clone()).await;
        assert_eq!(r.status, 422, "{body}: {r:?}");
        assert!(r.fields().iter().any(|x| x == field), "{body}: {:?}", r.fields());
    }
    let r = f.t.post(&format!("{}/generate", f.base), &f.owner, json!({"shape": "pyramid", "rows": 3})).await;
    assert!(r.status == 422 || r.status == 400, "{r:?}");
    assert_eq!(f.export("xml").await.status, 400);

    // Nothing of that changed the map.
    assert_eq!(f.export("json").await.body, before);
    assert_eq!(f.t.get(&f.base, &f.owner).await.body["version"], 1);
}

/// A seated event over HTTP: zones set up, seats bought by id and by best
/// available, refusals named, the seat on the ticket, its code and its scan.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buying_seats_by_id_and_best_available() {
    let t = spawn_app().await;
    let (owner, org) = t.organizer("owner@seated.example.org", "seated").await;
    let venue = t.venue(&owner, &org, "Theatre").await;
    let e = t.sellable_event(&owner, &org, &venue, "Play").await;
    let event = e["id"].as_str().unwrap().to_string();
    let types = t.get(&format!("/api/v1/orgs/{org}/events/{event}/ticket-types"), &owner).await;
    let tt = types.body[0]["id"].as_str().unwrap().to_string();
    let seating = format!("/api/v1/orgs/{org}/events/{event}/seating");

    // No map yet, then a map whose categories must all be zoned.
    let r = t.put(&seating, &owner, json!({"zones": {"A": tt}})).await;
    assert_eq!(r.status, 422, "{r:?}");
    let map = json!({"shape": "rectangular", "rows": 2, "seats_per_row": 8, "categories": ["A", "B"]});
    let g = t.post(&format!("/api/v1/orgs/{org}/venues/{venue}/seat-map/generate"), &owner, map).await;
    assert_eq!(g.status, 200, "{g:?}");
    let r = t.put(&seating, &owner, json!({"zones": {"A": tt}})).await;
    assert_eq!(r.status, 422, "{r:?}");
    assert!(r.fields().contains(&"zones.B".to_string()), "{:?}", r.fields());
    let r = t.put(&seating, &owner, json!({"zones": {"A": tt, "B": tt, "Z": tt}})).await;
    assert!(r.fields().contains(&"zones.Z".to_string()), "{r:?}");
    let r = t.put(&seating, &owner, json!({"zones": {"A": tt, "B": tt}})).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!((r.body["seats"].as_i64(), r.body["counts"]["available"].as_i64()), (Some(16), Some(16)));
    assert_eq!(t.post(&format!("/api/v1/orgs/{org}/events/{event}/publish"), &owner, json!({})).await.status, 200);

    // The storefront's view: the map with seat ids, and live statuses.
    let doc = t.get(&format!("/api/v1/events/{event}/seat-map"), &Auth::None).await;
    assert_eq!(doc.status, 200, "{doc:?}");
    let seat_ids: Vec<String> = doc.body["sections"][0]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["seats"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(seat_ids.len(), 16);
    let order = |body: Value| {
        let t = &t;
        let event = event.clone();
        async move { t.post(&format!("/api/v1/events/{event}/orders"), &Auth::None, body).await }
    };
    let buyer = |seats: Value| json!({"seats": seats, "email": "fan@seated.example.org", "name": "Fan"});

    let mut stream = SseReader::open(&t, &format!("/api/v1/events/{event}/availability")).await;
    let v0 = stream.next_event().await["seats_version"].as_i64().expect("a seated event has a seats version");
    let first = order(buyer(json!({"ids": [seat_ids[0], seat_ids[1]]}))).await;
    let v1 = stream.next_event().await["seats_version"].as_i64().unwrap();
    assert!(v1 > v0, "{v0} -> {v1}");
    assert_eq!(first.status, 201, "{first:?}");
    assert_eq!(first.body["lines"][0]["quantity"], 2);
    // Overlapping seats: refused whole, naming the taken seat.
    let clash = order(buyer(json!({"ids": [seat_ids[1], seat_ids[2]]}))).await;
    assert_eq!(clash.status, 409, "{clash:?}");
    assert!(clash.body.to_string().contains("not available"), "{clash:?}");
    let statuses = t.get(&format!("/api/v1/events/{event}/seats"), &Auth::None).await;
    assert_eq!(statuses.body["statuses"], "hh".to_string() + &"a".repeat(14));
    assert_eq!(statuses.body["claims_version"], v1, "a refused request changes no seat");

    // Bad requests name their field and change nothing.
    for (body, field) in [
        (
            json!({"lines": [{"ticket_type_id": tt, "quantity": 1}], "seats": {"ids": [seat_ids[5]]}, "email": "x@y.org", "name": "X"}),
            "lines",
        ),
        (buyer(json!({"ids": ["not-a-uuid"]})), "seats.ids[0]"),
        (buyer(json!({"ids": [seat_ids[5], seat_ids[5]]})), "seats"),
        (buyer(json!({"ids": [uuid::Uuid::now_v7().to_string()]})), "seats"),
        (buyer(json!({"ids": []})), "seats.ids"),
        (buyer(json!({"best": {"count": 0}})), "seats.best.count"),
        (buyer(json!({"best": {"count": 2, "category": "Q"}})), "seats"),
    ] {
        let r = order(body.clone()).await;
        assert_eq!(r.status, 422, "{body}: {r:?}");
        assert!(r.fields().contains(&field.to_string()), "{body}: {:?}", r.fields());
    }
    assert_eq!(
        t.get(&format!("/api/v1/events/{event}/seats"), &Auth::None).await.body["statuses"],
        statuses.body["statuses"]
    );

    // Staff block a seat: it is not sold, and shows as blocked; all or nothing.
    let block = format!("{seating}/block");
    let r = t.post(&block, &owner, json!({"seat_ids": [seat_ids[15]], "blocked": true})).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["counts"]["blocked"], 1);
    let r = order(buyer(json!({"ids": [seat_ids[15]]}))).await;
    assert_eq!(r.status, 409, "{r:?}");
    let r = t.post(&block, &owner, json!({"seat_ids": [seat_ids[14], seat_ids[0]], "blocked": true})).await;
    assert_eq!(r.status, 409, "a held seat cannot be blocked: {r:?}");
    let r = t.post(&block, &owner, json!({"seat_ids": [seat_ids[13]], "blocked": false})).await;
    assert_eq!(r.status, 409, "only blocked seats are released: {r:?}");
    assert_eq!(r.fields(), ["seat_ids"]);
    let r = t.post(&block, &owner, json!({"seat_ids": [uuid::Uuid::now_v7().to_string()], "blocked": true})).await;
    assert_eq!((r.status, r.fields()), (422, vec!["seat_ids".to_string()]), "{r:?}");
    // A seated event takes seats, not lines.
    let lines = json!({"lines": [{"ticket_type_id": tt, "quantity": 1}], "email": "x@y.org", "name": "X"});
    let r = order(lines).await;
    assert_eq!((r.status, r.fields()), (422, vec!["lines".to_string()]), "{r:?}");
    let r = t.post(&block, &owner, json!({"seat_ids": ["seat-nine"], "blocked": true})).await;
    assert!(r.fields().contains(&"seat_ids[0]".to_string()), "{r:?}");
    let s = t.get(&format!("/api/v1/events/{event}/seats"), &Auth::None).await.body["statuses"].clone();
    assert_eq!(s, "hh".to_string() + &"a".repeat(13) + "b");
    let r = t.post(&block, &owner, json!({"seat_ids": [seat_ids[15]], "blocked": false})).await;
    assert_eq!((r.status, r.body["counts"]["blocked"].as_i64()), (200, Some(0)), "{r:?}");

    // Best available: together, free seats.
    let best = order(buyer(json!({"best": {"count": 3, "category": "A"}}))).await;
    assert_eq!(best.status, 201, "{best:?}");
    let view = t.get(&seating, &owner).await;
    assert_eq!(view.body["counts"]["held"], 5);
    let best_id = best.body["id"].as_str().unwrap();
    let mine: Vec<u64> = view.body["taken"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["order_id"] == best_id)
        .map(|s| s["seat_index"].as_u64().unwrap())
        .collect();
    assert_eq!(mine.len(), 3);
    assert!(mine.windows(2).all(|w| w[1] == w[0] + 1), "{mine:?}");
    // Seating is fixed once seats are taken.
    assert_eq!(t.put(&seating, &owner, json!({"zones": {"A": tt, "B": tt}})).await.status, 409);

    // Paid: the seat is on the ticket and inside its signed code.
    let id = first.body["id"].as_str().unwrap();
    let paid = t.post(&format!("/api/v1/orgs/{org}/orders/{id}/mark-paid"), &owner, json!({})).await;
    assert_eq!(paid.status, 200, "{paid:?}");
    let token = first.body["access_token"].as_str().unwrap();
    let rb = t.client.get(format!("{}/api/v1/orders/{id}/tickets", t.base)).header("x-order-token", token);
    let tickets = t.send(rb).await;
    assert_eq!(tickets.status, 200, "{tickets:?}");
    let seats: Vec<&str> = tickets.body.as_array().unwrap().iter().map(|x| x["seat"].as_str().unwrap()).collect();
    assert_eq!(seats.len(), 2);
    assert!(seats.iter().all(|s| s.contains("Row") && s.contains("Seat")), "{seats:?}");
    let code = tickets.body[0]["code"].as_str().unwrap();
    let decoded = tessera_ticket::decode(code).unwrap();
    assert_eq!(decoded.claims.label, seats[0]);
    assert_eq!(
        t.get(&format!("/api/v1/events/{event}/seats"), &Auth::None).await.body["statuses"].as_str().unwrap()[..2]
            .to_string(),
        "ss"
    );
}
