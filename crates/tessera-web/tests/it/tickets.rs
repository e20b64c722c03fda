//! Tickets and check-in over HTTP: delivery (codes, pages, QR, PDF), online
//! scans with every refusal, idempotent nonces, simultaneous gates, voiding
//! and re-issue, the offline sync and upload with conflicts, statistics.

use crate::helpers::*;
use serde_json::{Value, json};
use tessera_app::Clock;

struct Setup {
    t: TestApp,
    owner: Auth,
    org: String,
    event: String,
    ticket_type: String,
    list: String,
    gates: Vec<String>,
    scanner: Auth,
    /// When tickets are on sale, and when the doors open.
    sale_at: jiff::Timestamp,
    starts: jiff::Timestamp,
}

/// An on-sale event with a single-entry list of two gates, a scanner token,
/// and the clock moved to the event's start (codes are valid from a day before).
async fn setup() -> Setup {
    setup_on(&tessera_store::testing::sqlite_url()).await
}

/// [`setup`] on the database at `url` (SQLite or PostgreSQL).
async fn setup_on(url: &str) -> Setup {
    let t = spawn_app_on(url, test_config(), tessera_web::WebConfig::default()).await;
    let (owner, org) = t.organizer("owner@tickets.example.org", "tix").await;
    let venue = t.venue(&owner, &org, "Hall").await;
    let e = t.sellable_event(&owner, &org, &venue, "Gig").await;
    let event = e["id"].as_str().unwrap().to_string();
    assert_eq!(t.post(&format!("/api/v1/orgs/{org}/events/{event}/publish"), &owner, json!({})).await.status, 200);
    let types = t.get(&format!("/api/v1/orgs/{org}/events/{event}/ticket-types"), &owner).await;
    let ticket_type = types.body[0]["id"].as_str().unwrap().to_string();
    let list = t
        .post(
            &format!("/api/v1/orgs/{org}/events/{event}/checkin-lists"),
            &owner,
            json!({"name": "Main doors", "gates": ["North", "South"]}),
        )
        .await;
    assert_eq!(list.status, 201, "{list:?}");
    let gates = list.body["gates"].as_array().unwrap().iter().map(|g| g["id"].as_str().unwrap().to_string()).collect();
    let list = list.body["id"].as_str().unwrap().to_string();
    let tok = t.post(&format!("/api/v1/orgs/{org}/tokens"), &owner, json!({"name": "gate", "role": "scanner"})).await;
    assert_eq!(tok.status, 201, "{tok:?}");
    let scanner = Auth::Bearer(tok.body["secret"].as_str().unwrap().to_string());
    let starts: jiff::Timestamp = e["starts_at"].as_str().unwrap().parse().unwrap();
    // The clock moves a month ahead, past the session's lifetime: the
    // organizer acts with an owner API token from here on.
    let tok = t.post(&format!("/api/v1/orgs/{org}/tokens"), &owner, json!({"name": "office", "role": "owner"})).await;
    let owner = Auth::Bearer(tok.body["secret"].as_str().unwrap().to_string());
    let sale_at = t.clock.now();
    t.clock.set(starts);
    Setup { t, owner, org, event, ticket_type, list, gates, scanner, sale_at, starts }
}

impl Setup {
    /// Buys `n` tickets and has the box office mark them paid: (order id, buyer token, tickets).
    async fn buy(&self, n: i64, name: &str) -> (String, String, Vec<Value>) {
        self.t.clock.set(self.sale_at);
        let r = self
            .t
            .post(
                &format!("/api/v1/events/{}/orders", self.event),
                &Auth::None,
                json!({"lines": [{"ticket_type_id": self.ticket_type, "quantity": n}], "email": "fan@example.org", "name": name}),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        let id = r.body["id"].as_str().unwrap().to_string();
        let token = r.body["access_token"].as_str().unwrap().to_string();
        let paid =
            self.t.post(&format!("/api/v1/orgs/{}/orders/{id}/mark-paid", self.org), &self.owner, json!({})).await;
        assert_eq!(paid.status, 200, "{paid:?}");
        self.t.clock.set(self.starts);
        let tickets = self.tickets(&id, &token).await;
        (id, token, tickets)
    }

    async fn tickets(&self, order: &str, token: &str) -> Vec<Value> {
        let rb =
            self.t.client.get(format!("{}/api/v1/orders/{order}/tickets", self.t.base)).header("x-order-token", token);
        let r = self.t.send(rb).await;
        assert_eq!(r.status, 200, "{r:?}");
        r.body.as_array().unwrap().clone()
    }

    async fn scan(&self, code: &str, nonce: &str, gate: usize) -> Res {
        self.t
            .post(
                &format!("/api/v1/orgs/{}/checkin-lists/{}/scans", self.org, self.list),
                &self.scanner,
                json!({"code": code, "nonce": nonce, "gate_id": self.gates[gate]}),
            )
            .await
    }

    async fn stats(&self) -> Value {
        let r =
            self.t.get(&format!("/api/v1/orgs/{}/checkin-lists/{}/stats", self.org, self.list), &self.scanner).await;
        assert_eq!(r.status, 200, "{r:?}");
        r.body
    }
}

fn code_of(ticket: &Value) -> String {
    ticket["code"].as_str().expect("a valid ticket has a code").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bought_ticket_is_admitted_once_and_its_code_is_stable() {
    let s = setup().await;
    let (order, token, tickets) = s.buy(2, "Ada Lovelace").await;
    assert_eq!(tickets.len(), 2);
    let code = code_of(&tickets[0]);
    assert!(code.starts_with("TK1-"), "{code}");
    // The code is signed once and stored: fetching again gives the same text.
    assert_eq!(code_of(&s.tickets(&order, &token).await[0]), code);
    // Nobody else sees the tickets.
    let r =
        s.t.send(s.t.client.get(format!("{}/api/v1/orders/{order}/tickets", s.t.base)).header("x-order-token", "nope"))
            .await;
    assert_eq!(r.status, 404);

    let first = s.scan(&code, "scan-1", 0).await;
    assert_eq!(first.status, 200, "{first:?}");
    assert_eq!(first.body["result"], "valid");
    assert_eq!(first.body["admit"], true);
    assert_eq!(first.body["ticket"]["holder_name"], "Ada Lovelace");
    assert_eq!(first.body["ticket"]["ticket_type"], "GA");

    let second = s.scan(&code, "scan-2", 1).await;
    assert_eq!(second.body["result"], "already_used", "{second:?}");
    assert_eq!(second.body["admit"], false);
    assert_eq!(second.body["first_scan"]["gate"], "North");
    assert_eq!(second.body["first_scan"]["scan_id"], first.body["scan_id"]);

    // A retried request (same nonce) gets the first answer and changes nothing.
    let again = s.scan(&code, "scan-1", 0).await;
    assert_eq!(again.body["result"], "valid");
    assert_eq!(again.body["duplicate"], true);
    assert_eq!(again.body["scan_id"], first.body["scan_id"]);

    let stats = s.stats().await;
    assert_eq!(stats["checked_in"], 1, "{stats}");
    assert_eq!(stats["inside"], 1);
    assert_eq!(stats["tickets"], 2);
    assert_eq!(stats["by_ticket_type"][0]["checked_in"], 1);
    assert_eq!(stats["scans"]["valid"], 1);
    assert_eq!(stats["scans"]["already_used"], 1);
    let north = stats["by_gate"].as_array().unwrap().iter().find(|g| g["name"] == "North").unwrap();
    assert_eq!(north["admitted"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ticket_pages_qr_images_and_the_pdf() {
    let s = setup().await;
    let (order, token, tickets) = s.buy(2, "Grace Hopper").await;
    let page_url = tickets[0]["page_url"].as_str().unwrap();
    let page = s.t.client.get(format!("{}{page_url}", s.t.base)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));
    let html = page.text().await.unwrap();
    assert!(html.contains("Grace Hopper") && html.contains("<svg"), "{html}");

    // The PNG decodes, with a real QR decoder, to the ticket's code.
    let png_url = tickets[0]["qr_png_url"].as_str().unwrap();
    let png = s.t.client.get(format!("{}{png_url}", s.t.base)).send().await.unwrap();
    assert_eq!(png.headers()["content-type"], "image/png");
    let img = image::load_from_memory(&png.bytes().await.unwrap()).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1);
    let (_, text) = grids[0].decode().unwrap();
    assert_eq!(text, code_of(&tickets[0]));

    // A guessed link (right id, wrong token) finds nothing.
    let id = tickets[0]["id"].as_str().unwrap();
    let guessed = s.t.client.get(format!("{}/t/{id}/aaaaaaaaaaaaaaaaaaaaaaaaaa", s.t.base)).send().await.unwrap();
    assert_eq!(guessed.status(), 404);

    let pdf =
        s.t.client
            .get(format!("{}/api/v1/orders/{order}/tickets.pdf", s.t.base))
            .header("x-order-token", &token)
            .send()
            .await
            .unwrap();
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    // Two tickets, two pages, each with its ticket's QR code, as an
    // independent PDF renderer (hayro) draws them.
    let pages = pdf_pages(&bytes, 150.0);
    assert_eq!(pages.len(), 2);
    let found: Vec<Vec<String>> = pages.into_iter().map(qr_codes_on).collect();
    assert_eq!(found, [vec![code_of(&tickets[0])], vec![code_of(&tickets[1])]]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_refusal_has_its_result() {
    let s = setup().await;
    let (_, _, tickets) = s.buy(1, "Alan").await;
    let code = code_of(&tickets[0]);

    let r = s.scan("hello world", "r1", 0).await;
    assert_eq!((r.status, r.body["result"].as_str()), (200, Some("malformed")));
    let r = s.scan(&code[..code.len() - 10], "r2", 0).await;
    assert_eq!(r.body["result"], "malformed", "truncated");
    // White space around a code is malformed (docs/ticket-format.md): the
    // API takes the code exactly as sent.
    for (n, spaced) in
        [format!(" {code}"), format!("{code} "), format!("{code}\n"), format!("\t{code}\r\n")].iter().enumerate()
    {
        let r = s.scan(spaced, &format!("ws{n}"), 0).await;
        assert_eq!((r.status, r.body["result"].as_str()), (200, Some("malformed")), "{spaced:?}");
    }
    // One character changed inside the signature.
    let mut tampered = code.clone().into_bytes();
    let i = tampered.len() - 5;
    tampered[i] = if tampered[i] == b'A' { b'B' } else { b'A' };
    let r = s.scan(std::str::from_utf8(&tampered).unwrap(), "r3", 0).await;
    assert_eq!(r.body["result"], "invalid_signature", "{r:?}");
    // A code signed by another key (the golden vector of the spec).
    let foreign = "TK1-AH7ICLAS6OVUZZQBSNOSU7AAOAAIAAAAAAAAAAABAGJV2KTQABYABAAAAAAAAAAA4EAZGXJKOEAHAAEAAAAAAAAAABYWV7MGYAAAAAAAAAAAAAAAYRP66WBDDVS7ZJ2ALQKHQPRK5TNP25UAX6HOHLD3UZ3X3ZMGQMRYC4XX2KJVUCET5BJWSQJ3Z3HSERMEVBXWIBHN3LPXMXNHAQG2ECI";
    let r = s.scan(foreign, "r4", 0).await;
    assert_eq!(r.body["result"], "unknown", "{r:?}");

    // Too early, too late.
    let now = s.t.clock.now();
    s.t.clock.set(now.checked_sub(jiff::SignedDuration::from_hours(48)).unwrap());
    assert_eq!(s.scan(&code, "r5", 0).await.body["result"], "not_yet_valid");
    s.t.clock.set(now.checked_add(jiff::SignedDuration::from_hours(48)).unwrap());
    assert_eq!(s.scan(&code, "r6", 0).await.body["result"], "expired");
    s.t.clock.set(now);

    // A list that admits another ticket type only.
    let other_type =
        s.t.post(
            &format!("/api/v1/orgs/{}/events/{}/ticket-types", s.org, s.event),
            &s.owner,
            json!({"name": "VIP", "price_minor": 9000, "currency": "EUR"}),
        )
        .await;
    let vip_list =
        s.t.post(
            &format!("/api/v1/orgs/{}/events/{}/checkin-lists", s.org, s.event),
            &s.owner,
            json!({"name": "VIP door", "gates": ["V"], "ticket_type_ids": [other_type.body["id"]]}),
        )
        .await;
    let vip = vip_list.body["id"].as_str().unwrap();
    let r =
        s.t.post(
            &format!("/api/v1/orgs/{}/checkin-lists/{vip}/scans", s.org),
            &s.scanner,
            json!({"code": code, "nonce": "r7"}),
        )
        .await;
    assert_eq!(r.body["result"], "not_on_list", "{r:?}");

    // A list of another event of the same organization.
    let venue = s.t.venue(&s.owner, &s.org, "Other hall").await;
    let e2 = s.t.sellable_event(&s.owner, &s.org, &venue, "Other gig").await;
    let l2 =
        s.t.post(
            &format!("/api/v1/orgs/{}/events/{}/checkin-lists", s.org, e2["id"].as_str().unwrap()),
            &s.owner,
            json!({"name": "Other", "gates": ["X"]}),
        )
        .await;
    let l2 = l2.body["id"].as_str().unwrap();
    let r =
        s.t.post(
            &format!("/api/v1/orgs/{}/checkin-lists/{l2}/scans", s.org),
            &s.scanner,
            json!({"code": code, "nonce": "r8"}),
        )
        .await;
    assert_eq!(r.body["result"], "wrong_event", "{r:?}");

    // None of that admitted anyone; failed scans are all on record.
    let stats = s.stats().await;
    assert_eq!(stats["checked_in"], 0, "{stats}");
    for (result, n) in
        [("malformed", 6), ("invalid_signature", 1), ("unknown", 1), ("not_yet_valid", 1), ("expired", 1)]
    {
        assert_eq!(stats["scans"][result], n, "{result}: {stats}");
    }
    assert_eq!(s.scan(&code, "r9", 0).await.body["result"], "valid");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_scan_requests_are_4xx_and_change_nothing() {
    let s = setup().await;
    let path = format!("/api/v1/orgs/{}/checkin-lists/{}/scans", s.org, s.list);
    let cases = [
        (json!({"code": "A".repeat(1001), "nonce": "b1"}), "code"),
        (json!({"code": "x", "nonce": ""}), "nonce"),
        (json!({"code": "x", "nonce": "has space"}), "nonce"),
        (json!({"code": "x", "nonce": "b2", "gate_id": uuid::Uuid::now_v7()}), "gate_id"),
        (json!({"code": "x", "nonce": "b3", "direction": "sideways"}), "direction"),
        (json!({"nonce": "b4"}), "code"),
    ];
    for (body, field) in cases {
        let r = s.t.post(&path, &s.scanner, body.clone()).await;
        assert!(r.status == 422 || r.status == 400, "{body}: {r:?}");
        assert!(r.fields().iter().any(|f| f.contains(field)) || r.body.to_string().contains(field), "{body}: {r:?}");
    }
    // Another organization's list is not found, for its scanners too.
    let (other, other_org) = s.t.organizer("b@other.example.org", "other").await;
    let r =
        s.t.post(
            &format!("/api/v1/orgs/{other_org}/checkin-lists/{}/scans", s.list),
            &other,
            json!({"code": "x", "nonce": "b5"}),
        )
        .await;
    assert_eq!(r.status, 404);
    let r = s.t.post(&path, &other, json!({"code": "x", "nonce": "b6"})).await;
    assert_eq!(r.status, 404);
    assert!(s.stats().await["scans"].as_object().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_gates_at_the_same_instant_admit_once() {
    let s = std::sync::Arc::new(setup().await);
    let (_, _, tickets) = s.buy(1, "Race").await;
    let code = code_of(&tickets[0]);
    let mut tasks = Vec::new();
    for i in 0..16 {
        let s = s.clone();
        let code = code.clone();
        tasks.push(tokio::spawn(async move { s.scan(&code, &format!("race-{i}"), i % 2).await }));
    }
    let mut valid = 0;
    for t in tasks {
        let r = t.await.unwrap();
        assert_eq!(r.status, 200, "{r:?}");
        match r.body["result"].as_str().unwrap() {
            "valid" => valid += 1,
            "already_used" => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(valid, 1);
    assert_eq!(s.stats().await["checked_in"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn voided_and_reissued_tickets_are_revoked() {
    let s = setup().await;
    let (order, token, tickets) = s.buy(2, "Old Name").await;
    let (a, b) = (tickets[0]["id"].as_str().unwrap(), tickets[1]["id"].as_str().unwrap());
    let code_a = code_of(&tickets[0]);
    let code_b = code_of(&tickets[1]);

    let r = s.t.post(&format!("/api/v1/orgs/{}/tickets/{a}/void", s.org), &s.owner, json!({})).await;
    assert_eq!((r.status, r.body["status"].as_str()), (200, Some("void")), "{r:?}");
    assert_eq!(s.scan(&code_a, "v1", 0).await.body["result"], "revoked");
    let r = s.t.post(&format!("/api/v1/orgs/{}/tickets/{a}/void", s.org), &s.owner, json!({})).await;
    assert_eq!(r.status, 409, "voiding twice");

    let r =
        s.t.post(&format!("/api/v1/orgs/{}/tickets/{b}/reissue", s.org), &s.owner, json!({"holder_name": " "})).await;
    assert_eq!((r.status, r.fields()), (422, vec!["holder_name".to_string()]));
    let r =
        s.t.post(&format!("/api/v1/orgs/{}/tickets/{b}/reissue", s.org), &s.owner, json!({"holder_name": "New Name"}))
            .await;
    assert_eq!(r.status, 201, "{r:?}");
    let new_code = r.body["code"].as_str().unwrap().to_string();
    assert_ne!(new_code, code_b);
    assert_eq!(s.scan(&code_b, "v2", 0).await.body["result"], "revoked");
    let ok = s.scan(&new_code, "v3", 0).await;
    assert_eq!(ok.body["result"], "valid");
    assert_eq!(ok.body["ticket"]["holder_name"], "New Name");

    // The old page says so; the buyer's list shows the replacement.
    let listed = s.tickets(&order, &token).await;
    assert_eq!(listed.len(), 3);
    let old_b = listed.iter().find(|t| t["id"] == b).unwrap();
    assert_eq!(old_b["replaced_by"], r.body["id"]);
    assert!(old_b["code"].is_null());
    let page =
        s.t.client.get(format!("{}{}", s.t.base, tickets[1]["page_url"].as_str().unwrap())).send().await.unwrap();
    assert_eq!(page.status(), 410);

    // The sync's revocation list carries both, for offline scanners.
    let sync = s.t.get(&format!("/api/v1/orgs/{}/checkin-lists/{}/sync", s.org, s.list), &s.scanner).await;
    let revoked: Vec<&str> = sync.body["revoked"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert!(revoked.contains(&a) && revoked.contains(&b), "{sync:?}");

    // Cancelling the paid order revokes the rest.
    let r = s.t.post(&format!("/api/v1/orgs/{}/orders/{order}/cancel", s.org), &s.owner, json!({})).await;
    assert_eq!(r.status, 200, "{r:?}");
    let r = s.scan(&new_code, "v4", 1).await;
    assert_eq!(r.body["result"], "revoked", "{r:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_scans_sync_upload_and_resolve_conflicts() {
    let s = setup().await;
    let (_, _, tickets) = s.buy(3, "Offline Fan").await;
    let codes: Vec<String> = tickets.iter().map(code_of).collect();

    // What a scanner downloads before going offline verifies the codes alone.
    let sync = s.t.get(&format!("/api/v1/orgs/{}/checkin-lists/{}/sync?tickets=true", s.org, s.list), &s.scanner).await;
    assert_eq!(sync.status, 200, "{sync:?}");
    let ring = tessera_ticket::KeyRing::from_json(&sync.body.to_string()).unwrap();
    for c in &codes {
        ring.verify(c).unwrap();
    }
    assert_eq!(sync.body["tickets"].as_array().unwrap().len(), 3);
    let cursor = sync.body["cursor"].as_str().unwrap();
    s.t.clock.advance_secs(3600);
    let r =
        s.t.post(
            &format!("/api/v1/orgs/{}/tickets/{}/void", s.org, tickets[2]["id"].as_str().unwrap()),
            &s.owner,
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let delta = s
        .t
        .get(&format!("/api/v1/orgs/{}/checkin-lists/{}/sync?tickets=true&since={cursor}", s.org, s.list), &s.scanner)
        .await;
    let changed = delta.body["tickets"].as_array().unwrap();
    assert_eq!(changed.len(), 1, "only what changed since the cursor: {delta:?}");
    assert_eq!((&changed[0]["id"], changed[0]["status"].as_str()), (&tickets[2]["id"], Some("void")));
    let bad =
        s.t.get(&format!("/api/v1/orgs/{}/checkin-lists/{}/sync?since=yesterday", s.org, s.list), &s.scanner).await;
    assert_eq!((bad.status, bad.fields()), (422, vec!["since".to_string()]));

    // Two gates admitted ticket 0 offline; South did it first. The later one
    // is uploaded first; the earliest still wins.
    let now = s.t.clock.now();
    let at = |mins: i64| now.checked_sub(jiff::SignedDuration::from_mins(mins)).unwrap().to_string();
    let upload = |scans: Value| {
        let t = &s.t;
        let path = format!("/api/v1/orgs/{}/checkin-lists/{}/scans/upload", s.org, s.list);
        let auth = s.scanner.clone();
        async move { t.post(&path, &auth, json!({ "scans": scans })).await }
    };
    let north = json!([
        {"code": codes[0], "nonce": "n-1", "gate_id": s.gates[0], "scanned_at": at(10), "admitted": true, "device": "north-1"},
        {"code": codes[1], "nonce": "n-2", "gate_id": s.gates[0], "scanned_at": at(9), "admitted": true, "device": "north-1"}
    ]);
    let south = json!([
        {"code": codes[0], "nonce": "s-1", "gate_id": s.gates[1], "scanned_at": at(20), "admitted": true, "device": "south-1"},
        {"code": "garbage", "nonce": "s-2", "gate_id": s.gates[1], "scanned_at": at(19), "admitted": false, "device": "south-1"}
    ]);
    let r = upload(north.clone()).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["results"][0]["result"], "valid");
    let r = upload(south.clone()).await;
    assert_eq!(r.body["results"][0]["result"], "valid", "{r:?}");
    assert_eq!(r.body["results"][1]["result"], "malformed");

    let conflicts = s.t.get(&format!("/api/v1/orgs/{}/checkin-lists/{}/conflicts", s.org, s.list), &s.scanner).await;
    assert_eq!(conflicts.status, 200);
    let c = conflicts.body.as_array().unwrap();
    assert_eq!(c.len(), 1, "{conflicts:?}");
    assert_eq!(c[0]["ticket_id"], tickets[0]["id"]);
    assert_eq!(c[0]["winner"]["device"], "south-1");
    assert_eq!(c[0]["others"][0]["device"], "north-1");

    // Uploading the same scans again changes nothing.
    let before = s.stats().await;
    let again = upload(north).await;
    assert!(again.body["results"].as_array().unwrap().iter().all(|r| r["duplicate"] == true), "{again:?}");
    upload(south).await;
    assert_eq!(s.stats().await, before);
    assert_eq!(before["checked_in"], 2);

    // Online, the ticket admitted offline is already used, first at South.
    let r = s.scan(&codes[0], "online-1", 0).await;
    assert_eq!(r.body["result"], "already_used");
    assert_eq!(r.body["first_scan"]["gate"], "South");

    // Bad uploads name the scan and field; nothing is recorded.
    let bad = [
        (json!({"scans": []}), "scans"),
        (
            json!({"scans": [{"code": "x", "nonce": "d", "scanned_at": at(1), "admitted": true}, {"code": "y", "nonce": "d", "scanned_at": at(1), "admitted": true}]}),
            "scans[1].nonce",
        ),
        (
            json!({"scans": [{"code": "x", "nonce": "f", "scanned_at": now.checked_add(jiff::SignedDuration::from_hours(2)).unwrap().to_string(), "admitted": true}]}),
            "scans[0].scanned_at",
        ),
        (json!({"scans": [{"code": "x", "nonce": "g", "scanned_at": "not a time", "admitted": true}]}), "scanned_at"),
        (json!({"scans": [{"code": "x", "nonce": "h", "admitted": true}]}), "scanned_at"),
    ];
    for (body, field) in bad {
        let r = s
            .t
            .post(&format!("/api/v1/orgs/{}/checkin-lists/{}/scans/upload", s.org, s.list), &s.scanner, body.clone())
            .await;
        assert!(r.status == 422 || r.status == 400, "{body}: {r:?}");
        assert!(r.fields().iter().any(|f| f.contains(field)) || r.body.to_string().contains(field), "{field}: {r:?}");
    }
    let total = |v: &Value| v["scans"].as_object().unwrap().values().map(|n| n.as_i64().unwrap()).sum::<i64>();
    let after = s.stats().await;
    assert_eq!(total(&after), total(&before) + 1, "only the online scan was added: {after}");
    assert_eq!(after["checked_in"], before["checked_in"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_rotate_and_old_codes_still_verify() {
    let s = setup().await;
    let (_, _, before) = s.buy(1, "Before").await;
    let keys = s.t.get(&format!("/api/v1/orgs/{}/keys", s.org), &s.scanner).await;
    assert_eq!(keys.body.as_array().unwrap().len(), 1);
    assert!(!keys.body.to_string().contains("secret"), "no private material: {keys:?}");
    let r = s.t.post(&format!("/api/v1/orgs/{}/keys/rotate", s.org), &s.scanner, json!({})).await;
    assert_eq!(r.status, 403, "scanners cannot rotate");
    let r = s.t.post(&format!("/api/v1/orgs/{}/keys/rotate", s.org), &s.owner, json!({})).await;
    assert_eq!(r.status, 201, "{r:?}");
    let (_, _, after) = s.buy(1, "After").await;
    let keys = s.t.get(&format!("/api/v1/orgs/{}/keys", s.org), &s.scanner).await;
    assert_eq!(keys.body.as_array().unwrap().len(), 2);
    // Both keys were made at the same (manual) instant: find the retired one by its mark.
    let all = keys.body.as_array().unwrap();
    assert_eq!(all.iter().filter(|k| k["retired_at"].is_null()).count(), 1, "one current key: {keys:?}");
    let old = all.iter().find(|k| !k["retired_at"].is_null()).unwrap();
    let ring = tessera_ticket::KeyRing::from_json(&json!({"keys": keys.body}).to_string()).unwrap();
    let v_before = ring.verify(&code_of(&before[0])).unwrap();
    let v_after = ring.verify(&code_of(&after[0])).unwrap();
    assert_ne!(v_before.key_id, v_after.key_id);
    assert_eq!(v_before.key_id.to_string(), old["key_id"].as_str().unwrap());
    assert_eq!(s.scan(&code_of(&before[0]), "k1", 0).await.body["result"], "valid");
    assert_eq!(s.scan(&code_of(&after[0]), "k2", 0).await.body["result"], "valid");
}

/// A signed-in buyer finds their orders and tickets in their account; nobody
/// else sees them, and without a session the answer is 401.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_in_buyer_lists_their_orders_and_tickets() {
    let t = spawn_app().await;
    let (owner, org) = t.organizer("owner@mine.example.org", "mine").await;
    let venue = t.venue(&owner, &org, "Hall").await;
    let e = t.sellable_event(&owner, &org, &venue, "Gig").await;
    let event = e["id"].as_str().unwrap();
    assert_eq!(t.post(&format!("/api/v1/orgs/{org}/events/{event}/publish"), &owner, json!({})).await.status, 200);
    let types = t.get(&format!("/api/v1/orgs/{org}/events/{event}/ticket-types"), &owner).await;
    let tt = types.body[0]["id"].as_str().unwrap();
    let buyer = Auth::Session(t.register("fan@mine.example.org").await);
    let mut orders = Vec::new();
    for n in [2, 1] {
        let r = t
            .post(
                &format!("/api/v1/events/{event}/orders"),
                &buyer,
                json!({"lines": [{"ticket_type_id": tt, "quantity": n}], "email": "fan@mine.example.org", "name": "Fan"}),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        orders.push(r.body["id"].as_str().unwrap().to_string());
    }
    // Only the first is paid; the second stays pending and has no tickets yet.
    let paid = t.post(&format!("/api/v1/orgs/{org}/orders/{}/mark-paid", orders[0]), &owner, json!({})).await;
    assert_eq!(paid.status, 200, "{paid:?}");

    let mine = t.get("/api/v1/me/orders", &buyer).await;
    assert_eq!(mine.status, 200, "{mine:?}");
    let ids: Vec<&str> = mine.body.as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [orders[1].as_str(), orders[0].as_str()], "newest first");
    let page = t.get("/api/v1/me/orders?limit=1&offset=1", &buyer).await;
    assert_eq!(page.body.as_array().unwrap().len(), 1);
    assert_eq!(page.body[0]["id"], orders[0].as_str());

    let tickets = t.get("/api/v1/me/tickets", &buyer).await;
    assert_eq!(tickets.status, 200, "{tickets:?}");
    let tickets = tickets.body.as_array().unwrap();
    assert_eq!(tickets.len(), 2);
    for ticket in tickets {
        assert_eq!(ticket["order_id"], orders[0].as_str());
        assert!(code_of(ticket).starts_with("TK1-"));
        let page = t.client.get(format!("{}{}", t.base, ticket["page_url"].as_str().unwrap())).send().await.unwrap();
        assert_eq!(page.status().as_u16(), 200);
    }

    let stranger = Auth::Session(t.register("other@mine.example.org").await);
    assert_eq!(t.get("/api/v1/me/orders", &stranger).await.body, json!([]));
    assert_eq!(t.get("/api/v1/me/tickets", &stranger).await.body, json!([]));
    assert_eq!(t.get("/api/v1/me/orders", &Auth::None).await.status, 401);
    assert_eq!(t.get("/api/v1/me/tickets", &Auth::None).await.status, 401);
    let bad = t.get("/api/v1/me/orders?limit=lots", &buyer).await;
    assert_eq!(bad.status, 400, "{bad:?}");
    assert!(bad.body.to_string().contains("limit"), "{bad:?}");
}

/// Issue 15: an event moved after its tickets were delivered. The codes
/// already signed carried the old window, so valid tickets scanned as
/// `not_yet_valid`; now they are signed again with the move.
async fn moving_an_event_signs_its_codes_again(url: &str) {
    let s = setup_on(url).await;
    let (order, token, tickets) = s.buy(2, "Ada Lovelace").await;
    let old: Vec<String> = tickets.iter().map(code_of).collect();
    let sync_url = format!("/api/v1/orgs/{}/checkin-lists/{}/sync?tickets=true", s.org, s.list);
    let before = s.t.get(&sync_url, &s.scanner).await;
    let cursor = before.body["cursor"].as_str().unwrap().to_string();

    // A week later, same length.
    let e = s.t.get(&format!("/api/v1/orgs/{}/events/{}", s.org, s.event), &s.owner).await;
    let ends: jiff::Timestamp = e.body["ends_at"].as_str().unwrap().parse().unwrap();
    let week = jiff::SignedDuration::from_hours(7 * 24);
    let (new_start, new_end) = (s.starts.checked_add(week).unwrap(), ends.checked_add(week).unwrap());
    let r =
        s.t.patch(
            &format!("/api/v1/orgs/{}/events/{}", s.org, s.event),
            &s.owner,
            json!({"starts_at": new_start.to_string(), "ends_at": new_end.to_string()}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    s.t.clock.set(new_start);

    // The buyer's codes changed, and carry the new window.
    let now: Vec<String> = s.tickets(&order, &token).await.iter().map(code_of).collect();
    for (new, old) in now.iter().zip(&old) {
        assert_ne!(new, old, "the code must be signed again");
        let claims = tessera_ticket::decode(new).unwrap().claims;
        let margin = tessera_app::tickets::VALIDITY_MARGIN_SECS;
        assert_eq!(i64::from(claims.valid_from.unwrap()), new_start.as_second() - margin);
        assert_eq!(i64::from(claims.valid_until.unwrap()), new_end.as_second() + margin);
        assert_eq!(claims.ticket_id, tessera_ticket::decode(old).unwrap().claims.ticket_id);
    }
    // The new code scans valid at the new start; so does an old code still
    // held (judged by the ticket's current window), once per ticket.
    let r = s.scan(&now[0], "moved-1", 0).await;
    assert_eq!(r.body["result"], "valid", "{r:?}");
    let r = s.scan(&old[1], "moved-2", 0).await;
    assert_eq!(r.body["result"], "valid", "{r:?}");
    assert_eq!(s.scan(&old[0], "moved-3", 1).await.body["result"], "already_used");
    // The scanner sync lists both tickets again, with their new codes.
    let after = s.t.get(&format!("{sync_url}&since={cursor}"), &s.scanner).await;
    assert_eq!(after.status, 200, "{after:?}");
    let listed = after.body["tickets"].as_array().unwrap();
    for (ticket, code) in tickets.iter().zip(&now) {
        let t = listed.iter().find(|t| t["id"] == ticket["id"]).unwrap_or_else(|| panic!("{after:?}"));
        assert_eq!(t["code"].as_str(), Some(code.as_str()));
    }
    // The buyer's order gets one "your event moved" e-mail, with the change.
    let mails = s.t.store.outbox_for(&order, "email", 20).await.unwrap();
    assert_eq!(mails.iter().filter(|m| m.topic == "event_moved").count(), 1, "{mails:?}");
    // An edit made from a copy that still has the old dates is refused,
    // so it cannot put the old dates back under the new codes.
    let org: tessera_domain::OrgId = s.org.parse().unwrap();
    let event = s.t.store.event(org, s.event.parse().unwrap()).await.unwrap().unwrap();
    let stale = s.t.store.update_event_from(&event, (s.starts, ends), None, new_start).await;
    assert!(matches!(stale, Err(tessera_store::StoreError::Conflict { .. })), "{stale:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moving_an_event_signs_its_codes_again_on_sqlite() {
    moving_an_event_signs_its_codes_again(&tessera_store::testing::sqlite_url()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moving_an_event_signs_its_codes_again_on_postgres() {
    let Some(admin) = tessera_store::testing::postgres_admin_url("moving_an_event_signs_its_codes_again") else {
        return;
    };
    let url = tessera_store::testing::fresh_postgres_url(&admin).await;
    moving_an_event_signs_its_codes_again(&url).await;
    tessera_store::testing::drop_postgres_database(&admin, &url).await;
}
