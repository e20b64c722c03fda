//! A ticket's whole life with the real binary: bought over the API, scanned
//! in, refused on the second scan, verified offline by `tessera ticket
//! verify` with the scanner's sync file, revoked, and a key rotated by
//! `tessera keys rotate`.

use super::*;
use serde_json::{Value, json};

fn verify(code: &str, keys: &std::path::Path) -> (i32, String) {
    let out = tessera().args(["ticket", "verify", code, "--keys"]).arg(keys).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).to_string())
}

#[test]
fn a_bought_ticket_scans_once_and_verifies_offline_with_the_cli() {
    let dir = temp_dir();
    let (child, base, _) = start(&dir, &[], None);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (code, org, sync_path) = rt.block_on(async {
        let client = { tessera_remote::install_crypto_provider(); reqwest::Client::new() };
        let r = client
            .post(format!("{base}/api/v1/auth/register"))
            .json(&json!({"email": "gate@example.org", "password": "correct horse battery", "name": "Gate"}))
            .send()
            .await
            .unwrap();
        let cookie = r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
        let csrf = r.json::<Value>().await.unwrap()["csrf_token"].as_str().unwrap().to_string();
        let call = async |method: reqwest::Method, path: String, body: Value| -> Value {
            let r = client
                .request(method, format!("{base}{path}"))
                .header("cookie", &cookie)
                .header("x-csrf-token", &csrf)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success(), "{path}: {}", r.status());
            r.json().await.unwrap()
        };
        let post = |path: String, body: Value| call(reqwest::Method::POST, path, body);
        let org = post("/api/v1/orgs".into(), json!({"name": "Gate", "slug": "gate"})).await["id"].as_str().unwrap().to_string();
        let venue = post(format!("/api/v1/orgs/{org}/venues"), json!({"name": "V", "timezone": "Asia/Shanghai", "capacity": 100}))
            .await["id"]
            .as_str()
            .unwrap()
            .to_string();
        // Doors open in two hours: the code is already valid (from a day before).
        let start = jiff::Timestamp::now().checked_add(jiff::SignedDuration::from_hours(2)).unwrap();
        let end = start.checked_add(jiff::SignedDuration::from_hours(3)).unwrap();
        let event = post(
            format!("/api/v1/orgs/{org}/events"),
            json!({"venue_id": venue, "title": "Show", "category": "concert", "starts_at": start.to_string(), "ends_at": end.to_string()}),
        )
        .await["id"]
            .as_str()
            .unwrap()
            .to_string();
        let quota = post(format!("/api/v1/orgs/{org}/events/{event}/quotas"), json!({"name": "All", "capacity": 10})).await;
        let tt = post(
            format!("/api/v1/orgs/{org}/events/{event}/ticket-types"),
            json!({"name": "GA", "price_minor": 0, "currency": "CNY", "quota_ids": [quota["id"]]}),
        )
        .await;
        post(format!("/api/v1/orgs/{org}/events/{event}/publish"), json!({})).await;
        let list = post(
            format!("/api/v1/orgs/{org}/events/{event}/checkin-lists"),
            json!({"name": "Doors", "gates": ["East"]}),
        )
        .await["id"]
            .as_str()
            .unwrap()
            .to_string();

        // A guest buys one free ticket.
        let o: Value = client
            .post(format!("{base}/api/v1/events/{event}/orders"))
            .json(&json!({"lines": [{"ticket_type_id": tt["id"], "quantity": 1}], "email": "fan@example.org", "name": "Fan"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let (id, token) = (o["id"].as_str().unwrap(), o["access_token"].as_str().unwrap());
        let c = client.post(format!("{base}/api/v1/orders/{id}/confirm")).header("x-order-token", token).send().await.unwrap();
        assert_eq!(c.status(), 200);
        let tickets: Value = client
            .get(format!("{base}/api/v1/orders/{id}/tickets"))
            .header("x-order-token", token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let code = tickets[0]["code"].as_str().unwrap().to_string();

        let scan = |nonce: &str| post(format!("/api/v1/orgs/{org}/checkin-lists/{list}/scans"), json!({"code": code, "nonce": nonce}));
        assert_eq!(scan("first").await["result"], "valid");
        assert_eq!(scan("second").await["result"], "already_used");

        let sync = call(reqwest::Method::GET, format!("/api/v1/orgs/{org}/checkin-lists/{list}/sync"), json!(null)).await;
        let sync_path = dir.join("sync.json");
        std::fs::write(&sync_path, sync.to_string()).unwrap();
        let (status, out) = verify(&code, &sync_path);
        assert_eq!(status, 0, "{out}");
        assert!(out.contains("result:         valid"), "{out}");
        assert!(out.contains(&event), "{out}");

        // Voided: the next sync carries it on the revocation list.
        let ticket = tickets[0]["id"].as_str().unwrap();
        post(format!("/api/v1/orgs/{org}/tickets/{ticket}/void"), json!({})).await;
        let sync = call(reqwest::Method::GET, format!("/api/v1/orgs/{org}/checkin-lists/{list}/sync"), json!(null)).await;
        std::fs::write(&sync_path, sync.to_string()).unwrap();
        (code, org, sync_path)
    });
    let (status, out) = verify(&code, &sync_path);
    assert_eq!((status, out.contains("result:         revoked")), (1, true), "{out}");
    // One changed character: invalid, exit 1.
    let mut forged = code.clone().into_bytes();
    let i = forged.len() - 3;
    forged[i] = if forged[i] == b'Q' { b'R' } else { b'Q' };
    let (status, out) = verify(std::str::from_utf8(&forged).unwrap(), &sync_path);
    assert_eq!(status, 1, "{out}");
    assert!(out.contains("invalid"), "{out}");
    // A missing key file is a usage error, exit 2.
    assert_eq!(verify(&code, &dir.join("nope.json")).0, 2);

    // Rotate from the command line, beside the running server.
    let out = tessera().current_dir(&dir).args(["keys", "rotate", "--org", &org]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = tessera().current_dir(&dir).args(["keys", "export", "--org", &org]).output().unwrap();
    let exported: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(exported["keys"].as_array().unwrap().len(), 2, "{exported}");
    // The old key still verifies the old code (its signature, not its revocation).
    let keys_only = dir.join("keys.json");
    std::fs::write(&keys_only, exported.to_string()).unwrap();
    assert_eq!(verify(&code, &keys_only).0, 0);
    // The master key file was made for this data directory, readable by its owner only.
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(dir.join("tessera-data/master.key")).unwrap().permissions(),
    );
    assert_eq!(mode & 0o077, 0, "master.key must not be readable by others");
    terminate(child);
}

/// Golden vector 2 of docs/ticket-format.md: (code, key_id, public_key, ticket_id).
fn golden_vector_2() -> (String, String, String, String) {
    let doc = include_str!("../../../../docs/ticket-format.md");
    let block = doc.split("```vector").nth(2).unwrap().split("```").next().unwrap();
    let field = |k: &str| {
        block.lines().find_map(|l| l.strip_prefix(&format!("{k}: "))).unwrap_or_else(|| panic!("{k}")).to_string()
    };
    (field("code"), field("key_id"), field("public_key"), field("ticket_id"))
}

#[test]
fn ticket_verify_follows_the_documented_key_file_and_whitespace_rules() {
    let dir = temp_dir();
    let (code, key_id, public_key, ticket_id) = golden_vector_2();
    let path = dir.join("keys.json");
    let run = |file: Value, code: &str| {
        std::fs::write(&path, file.to_string()).unwrap();
        let out = tessera().args(["ticket", "verify", code, "--keys"]).arg(&path).output().unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out.status.code().unwrap_or(-1), text)
    };
    let good = json!({"key_id": key_id, "public_key": public_key, "created_at": "2026-01-01T00:00:00Z"});
    let (status, out) = run(json!({"keys": [good], "cursor": "1"}), &code);
    assert!(status == 0 && out.contains("result:         valid signature, "), "{out}");
    // White space around the code is malformed, as the format document says.
    for spaced in [format!(" {code}"), format!("{code} "), format!("{code}\n")] {
        let (status, out) = run(json!({"keys": [good]}), &spaced);
        assert!(status == 1 && out.contains("malformed"), "{spaced:?}: {out}");
    }
    // `revoked` is read: a listed ticket is revoked, exit 1.
    let (status, out) = run(json!({"keys": [good], "revoked": [ticket_id]}), &code);
    assert!(status == 1 && out.contains("result:         revoked"), "{out}");
    // One bad entry refuses the whole file (exit 2, the entry named), even
    // beside the good key; so do upper case, a duplicate and a bad revoked id.
    let refused = [
        (json!({"keys": [good, {"key_id": "0000000000000000", "public_key": public_key}]}), "keys[1]: key_id"),
        (json!({"keys": [{"key_id": key_id.to_uppercase(), "public_key": public_key}]}), "keys[0]: key_id"),
        (json!({"keys": [{"key_id": key_id, "public_key": public_key.to_uppercase()}]}), "keys[0]: public_key"),
        (json!({"keys": [good, good]}), "keys[1]: key_id"),
        (json!({"keys": [good], "revoked": [ticket_id.to_uppercase()]}), "revoked[0]: not a ticket id"),
        (json!({"keys": [good], "revoked": "all"}), "revoked: not an array"),
    ];
    for (file, why) in refused {
        let (status, out) = run(file.clone(), &code);
        assert!(status == 2 && out.contains(why), "{file}: {out}");
    }
}
