//! Error messages speak the reader's language: the API's by
//! `Accept-Language`, with the stable `code` and field names unchanged.

use crate::helpers::*;
use serde_json::{Value, json};

async fn in_language(t: &TestApp, auth: &Auth, path: &str, body: Value, lang: &str) -> Res {
    let mut rb = t.client.post(format!("{}{path}", t.base)).header("accept-language", lang).json(&body);
    if let Auth::Session(s) = auth {
        rb = rb.header("cookie", format!("tessera_session={}", s.cookie)).header("x-csrf-token", &s.csrf);
    }
    t.send(rb).await
}

async fn bad_input_reads_in_chinese_or_english() {
    let t = spawn_app_on(&DB.with(Clone::clone), test_config(), tessera_web::WebConfig::default()).await;
    let (owner, org) = t.organizer("owner@example.org", "alpha").await;
    let venues = format!("/api/v1/orgs/{org}/venues");
    let bad = json!({"name": "", "address": "x".repeat(501), "timezone": "Europe/Berlin", "capacity": 10});

    let zh = in_language(&t, &owner, &venues, bad.clone(), "zh-CN,zh;q=0.9,en;q=0.5").await;
    assert_eq!(zh.status, 422, "{zh:?}");
    assert_eq!(zh.code(), "invalid_input", "the machine code stays");
    assert_eq!(zh.body["error"]["message"], "部分输入无效，请查看各字段的提示。");
    assert_eq!(zh.body["error"]["fields"]["name"], "不能为空", "{zh:?}");
    assert_eq!(zh.body["error"]["fields"]["address"], "最多 500 个字符", "{zh:?}");

    let en = in_language(&t, &owner, &venues, bad.clone(), "en-GB").await;
    assert_eq!(en.status, 422);
    assert_eq!(en.body["error"]["fields"]["name"], "must not be empty");
    assert_eq!(en.body["error"]["fields"]["address"], "must be at most 500 characters");
    // Without Accept-Language: English.
    let plain = t.post(&venues, &owner, bad).await;
    assert_eq!(plain.body["error"]["fields"]["name"], "must not be empty");

    // The checkout: a quantity out of range, and a guest without an e-mail address.
    let venue = t.venue(&owner, &org, "Hall").await;
    let e = t.sellable_event(&owner, &org, &venue, "Gala").await;
    let event = e["id"].as_str().unwrap();
    assert_eq!(t.post(&format!("/api/v1/orgs/{org}/events/{event}/publish"), &owner, json!({})).await.status, 200);
    let types = t.get(&format!("/api/v1/orgs/{org}/events/{event}/ticket-types"), &owner).await;
    let tt = types.body[0]["id"].as_str().unwrap();
    let orders = format!("/api/v1/events/{event}/orders");
    let zero = json!({"lines": [{"ticket_type_id": tt, "quantity": 0}], "email": "fan@example.org", "name": "Fan"});
    let r = in_language(&t, &Auth::None, &orders, zero, "zh-CN").await;
    assert_eq!((r.status, r.code()), (422, "invalid_input"), "{r:?}");
    let said = r.body["error"]["fields"]["lines[0].quantity"].as_str().unwrap_or_default().to_string();
    assert!(said.starts_with("数量须在 1 到 "), "{r:?}");
    let guest = json!({"lines": [{"ticket_type_id": tt, "quantity": 1}], "name": "Fan"});
    let r = in_language(&t, &Auth::None, &orders, guest, "zh-CN").await;
    assert_eq!(r.body["error"]["fields"]["email"], "未登录时必须填写", "{r:?}");

    // A refusal by code, and an unknown resource.
    let good = json!({"name": "Hall", "timezone": "Europe/Berlin", "capacity": 10});
    let signed_out = in_language(&t, &Auth::None, &venues, good, "zh").await;
    assert_eq!((signed_out.status, signed_out.code()), (401, "unauthenticated"), "{signed_out:?}");
    assert_eq!(signed_out.body["error"]["message"], "请先登录。");
    let missing = t
        .send(
            t.client
                .get(format!("{}/api/v1/orgs/{org}/events/{}", t.base, uuid::Uuid::now_v7()))
                .header(
                    "cookie",
                    match &owner {
                        Auth::Session(s) => format!("tessera_session={}", s.cookie),
                        _ => unreachable!(),
                    },
                )
                .header("accept-language", "zh-CN"),
        )
        .await;
    assert_eq!((missing.status, missing.code()), (404, "not_found"), "{missing:?}");
    assert_eq!(missing.body["error"]["message"], "找不到您要的内容。");
}

crate::on_both_backends!(bad_input_reads_in_chinese_or_english);
