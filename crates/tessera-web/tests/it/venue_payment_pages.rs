//! The venue and payment pages on their templates: a Chinese session reads
//! them in Chinese with none of the English catalog text, a refused venue
//! form names its fields and writes nothing, and markup typed into names,
//! seat maps and forms comes back as text.

use crate::browser::{Browser, Page};
use crate::helpers::*;
use serde_json::json;
use tessera_i18n::{Locale, t as say};

crate::on_both_backends!(
    venue_and_payment_pages_read_in_chinese,
    a_refused_venue_form_names_its_fields_and_writes_nothing,
    markup_on_the_venue_and_payment_pages_comes_out_as_text,
);

const PASSWORD: &str = "correct horse battery";
const SCRIPT: &str = "<script>alert(1)</script>";
const ATTRIBUTE: &str = "\"><img src=x onerror=alert(1)>";

/// A signed-in organizer's browser and the organization's dashboard path.
async fn organizer(t: &TestApp, email: &str, slug: &str) -> (Auth, String, Browser) {
    let (owner, org) = t.organizer(email, slug).await;
    let mut b = Browser::new(&t.base);
    b.sign_in(email, PASSWORD).await;
    (owner, org, b)
}

/// The page shows every message of `ids` in Chinese and none in English.
fn reads_in_chinese(what: &str, p: &Page, ids: &[&str]) {
    assert_eq!(p.status, 200, "{what}: {}", p.html);
    assert!(p.html.contains("<html lang=\"zh-CN\">"), "{what}: {}", p.html);
    for id in ids {
        let (zh, en) = (say(Locale::ZhCn, id), say(Locale::En, id));
        assert_ne!(zh, en, "{id} is translated");
        assert!(p.html.contains(&zh), "{what}: {id} in Chinese ({zh}) missing:\n{}", p.html);
        assert!(!p.html.contains(&en), "{what}: {id} in English ({en}) shows:\n{}", p.html);
    }
}

/// The page shows none of the markup as markup.
fn assert_escaped(what: &str, p: &Page) {
    for raw in ["<script>alert", "<img src=x", "onerror=alert(1)>"] {
        assert!(!p.html.contains(raw), "{what} shows {raw:?} unescaped:\n{}", p.html);
    }
}

async fn venue_and_payment_pages_read_in_chinese() {
    let t = spawn_app_on(&DB.with(Clone::clone), test_config(), tessera_web::WebConfig::default()).await;
    let (owner, org, mut b) = organizer(&t, "zh@venues.example.org", "zh-venues").await;
    let o = format!("/dashboard/orgs/{org}");
    // The language chosen once stays for the session's next pages.
    let empty = b.get(&format!("{o}/venues?lang=zh-CN")).await;
    reads_in_chinese(
        "no venues",
        &empty,
        &[
            "settings-venues-title",
            "settings-venues-none",
            "settings-venue-add-title",
            "settings-venue-timezone-hint",
            "settings-venue-capacity-ga",
        ],
    );
    let venue = t.venue(&owner, &org, "Hall").await;
    let list = b.get(&format!("{o}/venues")).await;
    reads_in_chinese(
        "venues",
        &list,
        &["settings-venue-address", "settings-venue-timezone", "settings-venue-add-submit"],
    );

    let here = format!("{o}/venues/{venue}");
    let page = b.get(&here).await;
    reads_in_chinese(
        "venue without a map",
        &page,
        &[
            "settings-venue-details",
            "settings-venue-save",
            "settings-map-none",
            "settings-gen-title",
            "settings-gen-intro",
            "settings-gen-rectangular",
            "settings-gen-seats-per-row",
            "settings-import-title",
            "settings-import-file",
            "settings-seat-map-editor",
        ],
    );
    let csrf = page.csrf();
    let made = b
        .post(
            &format!("{here}/seat-map/generate"),
            &[
                ("csrf", &csrf),
                ("shape", "stadium"),
                ("stadium.sections", "2"),
                ("stadium.rows", "2"),
                ("stadium.pitch_standing", "50"),
            ],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.html);
    let page = b.get(made.location.as_deref().unwrap()).await;
    reads_in_chinese(
        "venue with a map",
        &page,
        &[
            "settings-done-map-generated",
            "settings-map-sections",
            "settings-map-categories",
            "settings-map-areas",
            "settings-map-version",
            "settings-map-json",
            "settings-map-csv",
        ],
    );
    // A refused generator speaks Chinese too, next to its field.
    let bad = b
        .post(
            &format!("{here}/seat-map/generate"),
            &[
                ("csrf", &csrf),
                ("shape", "rectangular"),
                ("rectangular.rows", "ten"),
                ("rectangular.seats_per_row", "5"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.html);
    assert!(bad.html.contains("id=\"rectangular.rows-error\""), "{}", bad.html);
    reads_in_chinese("refused generator", &Page { status: 200, ..bad }, &["settings-whole-number"]);

    let pay = b.get(&format!("{o}/payments")).await;
    reads_in_chinese(
        "payments",
        &pay,
        &[
            "settings-payments-title",
            "settings-pay-not-set-up",
            "settings-pay-provider",
            "settings-pay-provider-manual-long",
            "settings-pay-manual",
            "settings-pay-instructions",
            "settings-pay-due-days",
            "settings-pay-methods",
            "settings-pay-methods-hint",
            "settings-pay-webhook-secrets-hint",
            "settings-pay-save",
            "settings-pay-nothing-sold",
            "settings-payouts-none",
            "settings-payout-title",
            "settings-payout-intro",
            "settings-payout-submit",
        ],
    );
    assert!(pay.html.contains(&say(Locale::ZhCn, "settings-pay-not-set")), "{}", pay.html);
    let bad = b
        .post(
            &format!("{o}/payments/payouts"),
            &[
                ("csrf", &pay.csrf()),
                ("amount", "ten"),
                ("currency", "EUR"),
                ("provider", "manual"),
                ("reference", "X"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.html);
    reads_in_chinese("refused payout", &Page { status: 200, ..bad }, &["settings-payout-bad-amount"]);
}

async fn a_refused_venue_form_names_its_fields_and_writes_nothing() {
    let t = spawn_app_on(&DB.with(Clone::clone), test_config(), tessera_web::WebConfig::default()).await;
    let (owner, org, mut b) = organizer(&t, "bad@venues.example.org", "bad-venues").await;
    let venues = format!("/dashboard/orgs/{org}/venues");
    let api = format!("/api/v1/orgs/{org}/venues");

    let bad = b
        .submit(
            &venues,
            &venues,
            &[("name", ""), ("address", "x".repeat(501).as_str()), ("timezone", "Mars/Olympus"), ("capacity", "-1")],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.html);
    for field in ["name", "address", "timezone", "capacity"] {
        assert!(bad.html.contains(&format!("id=\"{field}-error\"")), "{field} is named: {}", bad.html);
        assert!(bad.html.contains(&format!("aria-describedby=\"{field}-error\"")), "{field}: {}", bad.html);
        assert!(bad.html.contains(&format!("<a href=\"#{field}\">")), "{field} in the summary: {}", bad.html);
    }
    assert!(bad.html.contains("class=\"error-summary\""), "{}", bad.html);
    assert!(bad.html.contains("value=\"Mars/Olympus\"") && bad.html.contains("value=\"-1\""), "{}", bad.html);
    assert!(bad.html.contains("must not be empty"), "the domain's message: {}", bad.html);
    assert_eq!(t.get(&api, &owner).await.body, json!([]), "nothing was made");

    // The same in Chinese: the messages too.
    let zh = b.get(&format!("{venues}?lang=zh-CN")).await;
    let bad = b
        .post(&venues, &[("csrf", &zh.csrf()), ("name", " "), ("timezone", "Europe/Berlin"), ("capacity", "lots")])
        .await;
    assert_eq!(bad.status, 422, "{}", bad.html);
    assert!(bad.html.contains("id=\"name-error\"") && bad.html.contains("id=\"capacity-error\""), "{}", bad.html);
    assert!(bad.html.contains("不能为空") && bad.html.contains("请输入整数"), "{}", bad.html);
    assert!(!bad.html.contains("enter a whole number") && !bad.html.contains("must not be empty"), "{}", bad.html);
    assert_eq!(t.get(&api, &owner).await.body, json!([]), "nothing was made");

    // Editing: refused, the stored venue unchanged.
    let venue = t.venue(&owner, &org, "Hall").await;
    let here = format!("{venues}/{venue}");
    let before = t.get(&format!("{api}/{venue}"), &owner).await.body;
    let bad = b.submit(&here, &here, &[("name", "Renamed"), ("timezone", "Nowhere/City"), ("capacity", "12")]).await;
    assert_eq!(bad.status, 422, "{}", bad.html);
    assert!(bad.html.contains("id=\"timezone-error\"") && bad.html.contains("value=\"Renamed\""), "{}", bad.html);
    assert_eq!(t.get(&format!("{api}/{venue}"), &owner).await.body, before, "nothing was changed");
}

async fn markup_on_the_venue_and_payment_pages_comes_out_as_text() {
    let t = spawn_app_on(&DB.with(Clone::clone), test_config(), tessera_web::WebConfig::default()).await;
    let (owner, org, mut b) = organizer(&t, "esc@venues.example.org", "esc-venues").await;
    let o = format!("/dashboard/orgs/{org}");
    let r = t
        .post(
            &format!("/api/v1/orgs/{org}/venues"),
            &owner,
            json!({"name": format!("Hall {SCRIPT}"), "address": format!("1 Main St {ATTRIBUTE}"),
                   "timezone": "Europe/Berlin", "capacity": 100}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let venue = r.body["id"].as_str().unwrap().to_string();
    let map = json!({"format": "tessera-seat-map", "version": 1, "name": "x",
        "sections": [{"label": format!("S {SCRIPT}"), "category": ATTRIBUTE, "rows": [
            {"label": "A", "seats": [{"label": "1", "x": 0, "y": 0}, {"label": "2", "x": 1, "y": 0}]}]}],
        "areas": [{"name": format!("Floor {SCRIPT}"), "capacity": 10, "category": ATTRIBUTE}]});
    let put = t
        .send(
            t.client
                .put(format!("{}/api/v1/orgs/{org}/venues/{venue}/seat-map", t.base))
                .header("content-type", "application/json")
                .header(
                    "cookie",
                    match &owner {
                        Auth::Session(s) => format!("tessera_session={}", s.cookie),
                        _ => unreachable!(),
                    },
                )
                .header(
                    "x-csrf-token",
                    match &owner {
                        Auth::Session(s) => s.csrf.clone(),
                        _ => unreachable!(),
                    },
                )
                .body(map.to_string()),
        )
        .await;
    assert_eq!(put.status, 200, "{put:?}");

    let here = format!("{o}/venues/{venue}");
    for path in [format!("{o}/venues"), here.clone()] {
        let p = b.get(&path).await;
        assert_eq!(p.status, 200, "{path}: {}", p.html);
        assert_escaped(&path, &p);
    }
    let page = b.get(&here).await;
    assert!(page.html.contains("S &#60;script&#62;") && page.html.contains("Floor &#60;script&#62;"), "{}", page.html);

    // Refused forms echo what was typed, and an import's problems quote the file.
    let bad = b.submit(&here, &here, &[("name", SCRIPT), ("timezone", ATTRIBUTE), ("capacity", ATTRIBUTE)]).await;
    assert_eq!(bad.status, 422, "{}", bad.html);
    assert_escaped("refused venue", &bad);
    let bad = b
        .submit(
            &here,
            &format!("{here}/seat-map/generate"),
            &[("shape", "curved"), ("curved.rows", SCRIPT), ("curved.categories", ATTRIBUTE)],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.html);
    assert_escaped("refused generator", &bad);

    // The payments page: instructions saved with markup, a refused payout.
    let pay = format!("{o}/payments");
    let saved = b
        .submit(
            &pay,
            &pay,
            &[
                ("provider", "manual"),
                ("manual.instructions", &format!("IBAN {SCRIPT}{ATTRIBUTE}")),
                ("manual.due_days", "5"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.html);
    let p = b.get(&pay).await;
    assert_eq!(p.status, 200, "{}", p.html);
    assert_escaped("payments", &p);
    assert!(p.html.contains("IBAN &#60;script&#62;"), "{}", p.html);
    let bad = b
        .submit(
            &pay,
            &format!("{pay}/payouts"),
            &[("amount", SCRIPT), ("currency", ATTRIBUTE), ("provider", "manual"), ("reference", SCRIPT)],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.html);
    assert_escaped("refused payout", &bad);
    let bad = b
        .submit(&pay, &pay, &[("provider", ATTRIBUTE), ("manual.instructions", SCRIPT), ("manual.due_days", SCRIPT)])
        .await;
    assert_eq!(bad.status, 422, "{}", bad.html);
    assert_escaped("refused payment settings", &bad);
}
