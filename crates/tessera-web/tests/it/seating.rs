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
