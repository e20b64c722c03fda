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

async fn rejected_bodies_forms_and_imports_name_the_field_in_the_readers_language() {
    let t = spawn_app_on(&DB.with(Clone::clone), test_config(), tessera_web::WebConfig::default()).await;
    let (owner, org) = t.organizer("owner@example.org", "alpha").await;
    let venues = format!("/api/v1/orgs/{org}/venues");
    let raw = |body: &'static str, lang: &'static str| {
        let mut rb = t
            .client
            .post(format!("{}{venues}", t.base))
            .header("content-type", "application/json")
            .header("accept-language", lang)
            .body(body);
        if let Auth::Session(s) = &owner {
            rb = rb.header("cookie", format!("tessera_session={}", s.cookie)).header("x-csrf-token", &s.csrf);
        }
        t.send(rb)
    };

    // Malformed JSON: 400, `malformed_json`, on the field `body`.
    let zh = raw(r#"{"name": "#, "zh-CN").await;
    assert_eq!((zh.status, zh.code()), (400, "malformed_json"), "{zh:?}");
    let said = zh.body["error"]["fields"]["body"].as_str().unwrap_or_default();
    assert!(said.starts_with("请求体不是有效的 JSON（第 1 行"), "{zh:?}");
    let en = raw(r#"{"name": "#, "en").await;
    assert_eq!((en.status, en.code()), (400, "malformed_json"), "{en:?}");
    assert!(en.body["error"]["message"].as_str().unwrap_or_default().starts_with("the body is not valid JSON"));

    // A wrong type, a missing field, an unknown field: 422 on that field.
    for (body, field, chinese, english) in [
        (r#"{"name":"Hall","timezone":"Europe/Berlin","capacity":"ten"}"#, "capacity", "类型不正确", "invalid type"),
        (
            r#"{"name":"Hall","timezone":"Europe/Berlin"}"#,
            "capacity",
            "缺少字段 `capacity`",
            "missing field `capacity`",
        ),
        (
            r#"{"name":"Hall","timezone":"Mars/Olympus","capacity":1}"#,
            "timezone",
            "未知的 IANA 时区“Mars/Olympus”",
            "unknown IANA time zone `Mars/Olympus`",
        ),
        (
            r#"{"name":"Hall","timezone":"Europe/Berlin","capacity":1,"seats":2}"#,
            "seats",
            "未知字段 `seats`",
            "unknown field `seats`",
        ),
    ] {
        let zh = raw(body, "zh-CN,zh;q=0.9").await;
        assert_eq!((zh.status, zh.code()), (422, "invalid_input"), "{zh:?}");
        let said = zh.body["error"]["fields"][field].as_str().unwrap_or_default();
        assert!(said.starts_with(chinese), "{field}: {zh:?}");
        assert!(zh.body["error"]["message"].as_str().unwrap_or_default().starts_with(&format!("{field}：")));
        let en = raw(body, "en-US").await;
        assert_eq!((en.status, en.code()), (422, "invalid_input"), "{en:?}");
        assert!(en.body["error"]["fields"][field].as_str().unwrap_or_default().starts_with(english), "{en:?}");
    }

    // A query parameter of the wrong kind, and one out of range; a malformed id in the path.
    let get = |path: String, lang: &'static str| {
        t.send(t.client.get(format!("{}{path}", t.base)).header("accept-language", lang))
    };
    let zh = get("/api/v1/events?limit=many".into(), "zh-CN").await;
    assert_eq!((zh.status, zh.code()), (400, "invalid_query"), "{zh:?}");
    assert_eq!(zh.body["error"]["fields"]["limit"], "不是有效的数字", "{zh:?}");
    let en = get("/api/v1/events?limit=many".into(), "en").await;
    assert_eq!((en.status, en.code()), (400, "invalid_query"), "{en:?}");
    assert!(en.body["error"]["fields"]["limit"].as_str().is_some_and(|m| m.contains("invalid digit")), "{en:?}");
    let zh = get("/api/v1/events?limit=0".into(), "zh-CN").await;
    assert_eq!((zh.status, zh.code()), (422, "invalid_input"), "{zh:?}");
    assert_eq!(zh.body["error"]["fields"]["limit"], "须在 1 到 100 之间", "{zh:?}");
    let zh = get("/api/v1/events/not-an-id".into(), "zh-CN").await;
    assert_eq!((zh.status, zh.code()), (400, "invalid_path"), "{zh:?}");
    let fields = zh.body["error"]["fields"].as_object().cloned().unwrap_or_default();
    assert!(fields.values().any(|m| m == "编号格式不正确"), "{zh:?}");
    assert!(zh.body["error"]["message"].as_str().is_some_and(|m| m.starts_with("路径参数 ")), "{zh:?}");

    // The checkout with a quantity of 0, in both languages.
    let venue = t.venue(&owner, &org, "Hall").await;
    let e = t.sellable_event(&owner, &org, &venue, "Gala").await;
    let event = e["id"].as_str().unwrap();
    assert_eq!(t.post(&format!("/api/v1/orgs/{org}/events/{event}/publish"), &owner, json!({})).await.status, 200);
    let types = t.get(&format!("/api/v1/orgs/{org}/events/{event}/ticket-types"), &owner).await;
    let tt = types.body[0]["id"].as_str().unwrap();
    let zero = json!({"lines": [{"ticket_type_id": tt, "quantity": 0}], "email": "fan@example.org", "name": "Fan"});
    let orders = format!("/api/v1/events/{event}/orders");
    let en = in_language(&t, &Auth::None, &orders, zero.clone(), "en").await;
    let said = en.body["error"]["fields"]["lines[0].quantity"].as_str().unwrap_or_default().to_string();
    assert!(said.starts_with("must be between 1 and "), "{en:?}");
    let zh = in_language(&t, &Auth::None, &orders, zero, "zh-CN").await;
    let said = zh.body["error"]["fields"]["lines[0].quantity"].as_str().unwrap_or_default().to_string();
    assert!(said.starts_with("数量须在 1 到 "), "{zh:?}");

    // A seat map with a bad row: named by line and column, said in Chinese.
    let map = format!("/api/v1/orgs/{org}/venues/{venue}/seat-map");
    let csv = "section,row,seat,x,y,category,flags\nS,A,1,0,0,A,\nS,A,3,east,0,A,\nS,A,4,0,0,A,sparkly\n";
    let put = |lang: &'static str| {
        let mut rb = t
            .client
            .put(format!("{}{map}", t.base))
            .header("content-type", "text/csv")
            .header("accept-language", lang)
            .body(csv);
        if let Auth::Session(s) = &owner {
            rb = rb.header("cookie", format!("tessera_session={}", s.cookie)).header("x-csrf-token", &s.csrf);
        }
        t.send(rb)
    };
    let zh = put("zh-CN").await;
    assert_eq!((zh.status, zh.code()), (422, "invalid_input"), "{zh:?}");
    assert_eq!(zh.body["error"]["fields"]["map: line 3, column x"], "不是数字：\"east\"", "{zh:?}");
    let flag = zh.body["error"]["fields"]["map: line 4, column flags"].as_str().unwrap_or_default();
    assert!(flag.starts_with("未知的标记 \"sparkly\""), "{zh:?}");
    let en = put("en").await;
    assert_eq!(en.body["error"]["fields"]["map: line 3, column x"], "not a number: \"east\"", "{en:?}");
    let mut rb = t
        .client
        .put(format!("{}{map}", t.base))
        .header("content-type", "text/plain")
        .header("accept-language", "zh-CN");
    if let Auth::Session(s) = &owner {
        rb = rb.header("cookie", format!("tessera_session={}", s.cookie)).header("x-csrf-token", &s.csrf);
    }
    let r = t.send(rb.body(csv)).await;
    assert_eq!((r.status, r.code()), (415, "unsupported_media_type"), "{r:?}");
    assert_eq!(r.body["error"]["message"], "请以 application/json 或 text/csv 格式发送座位图", "{r:?}");

    // The event form of the dashboard: the app's rule next to its field, in the page's language.
    let mut staff = crate::browser::Browser::new(&t.base);
    staff.sign_in("owner@example.org", "correct horse battery").await;
    let new = format!("/dashboard/orgs/{org}/events/new");
    let start =
        jiff::Zoned::now().checked_add(jiff::Span::new().days(20)).unwrap().strftime("%Y-%m-%dT20:00").to_string();
    let end =
        jiff::Zoned::now().checked_add(jiff::Span::new().days(20)).unwrap().strftime("%Y-%m-%dT23:00").to_string();
    for (lang, expected) in [("zh-CN", "结束时间必须晚于开始时间"), ("en", "must be after starts_at")] {
        let form = staff.get(&format!("{new}?lang={lang}")).await;
        let csrf = form.csrf();
        let backwards = staff
            .post(
                &new,
                &[
                    ("csrf", &csrf),
                    ("title", "Gala"),
                    ("venue_id", &venue),
                    ("category", "concert"),
                    ("starts_at", &end),
                    ("ends_at", &start),
                ],
            )
            .await;
        assert_eq!(backwards.status, 422, "{}", backwards.html);
        assert!(backwards.html.contains("ends_at-error") && backwards.html.contains(expected), "{}", backwards.html);
    }
}

crate::on_both_backends!(
    bad_input_reads_in_chinese_or_english,
    rejected_bodies_forms_and_imports_name_the_field_in_the_readers_language,
);

/// Every catalog id the Rust sources name (`MessageKey::new("errors-…")`,
/// `localized("errors-…", …)`, ...) is in both languages' catalogs, with the
/// arguments its messages use: a typo in an id or an argument fails here.
#[test]
fn every_error_id_in_the_sources_is_in_both_catalogs() {
    use std::collections::{BTreeMap, BTreeSet};
    fn sources(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut files = Vec::new();
    for krate in std::fs::read_dir(crates).unwrap().flatten() {
        let src = krate.path().join("src");
        if src.is_dir() {
            sources(&src, &mut files);
        }
    }
    let catalogs: Vec<BTreeMap<String, Vec<String>>> =
        tessera_i18n::Locale::ALL.iter().map(|l| tessera_i18n::messages(*l).into_iter().collect()).collect();
    let is_id = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    let (mut seen, mut problems) = (BTreeSet::new(), Vec::new());
    for (path, text) in &files {
        // Any literal "errors-…" (not a format string such as "errors-code-{}").
        for (at, _) in text.match_indices("\"errors-") {
            let id: String = text[at + 1..].chars().take_while(|c| is_id(*c)).collect();
            if !text[at + 1 + id.len()..].starts_with('"') {
                continue;
            }
            seen.insert(id.clone());
            for (l, catalog) in tessera_i18n::Locale::ALL.iter().zip(&catalogs) {
                if !catalog.contains_key(&id) {
                    problems.push(format!("{path}: {id} is not in the {} catalog", l.tag()));
                }
            }
        }
        // A key built here passes every argument its messages use.
        for (at, _) in text.match_indices("MessageKey::new(\"") {
            let rest = &text[at + "MessageKey::new(\"".len()..];
            let id: String = rest.chars().take_while(|c| *c != '"').collect();
            let end =
                [rest.find(';'), rest.find("=>"), rest.find("\n\n")].into_iter().flatten().min().unwrap_or(rest.len());
            let chain = &rest[..end];
            let given: BTreeSet<&str> = [".num(\"", ".text(\""]
                .iter()
                .flat_map(|m| chain.match_indices(m).map(move |(i, _)| &chain[i + m.len()..]))
                .filter_map(|s| s.split('"').next())
                .collect();
            seen.insert(id.clone());
            for (l, catalog) in tessera_i18n::Locale::ALL.iter().zip(&catalogs) {
                match catalog.get(&id) {
                    None => problems.push(format!("{path}: {id} is not in the {} catalog", l.tag())),
                    Some(vars) => {
                        for v in vars.iter().filter(|v| !given.contains(v.as_str())) {
                            problems.push(format!("{path}: {id} uses ${v} in {}, not given", l.tag()));
                        }
                    }
                }
            }
        }
    }
    problems.sort();
    problems.dedup();
    assert!(seen.len() > 150, "the scan finds the ids ({} found)", seen.len());
    assert!(seen.contains("errors-between") && seen.contains("errors-map-syntax"), "{seen:?}");
    assert!(problems.is_empty(), "{problems:#?}");
}
