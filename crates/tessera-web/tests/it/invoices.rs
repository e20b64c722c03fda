//! Invoices over HTTP, on SQLite and PostgreSQL: the invoicing details and
//! their validation, invoices issued by staff and by buyers (one per
//! order, a repeat answering the same one), gapless numbers under 30
//! concurrent issues, frozen content after the settings change, credit
//! notes for refunds, the PDF's text in English and Chinese, the CSV
//! export, the e-mail, and other organizations' ids answering 404.

use crate::helpers::*;
use reqwest::Method;
use serde_json::{Value, json};
use std::sync::Arc;

crate::on_both_backends!(
    settings_are_validated_naming_the_field,
    staff_and_buyers_issue_one_invoice_per_order,
    thirty_concurrent_issues_take_numbers_one_to_thirty,
    an_issued_invoice_keeps_what_it_said,
    a_refund_after_invoicing_gets_a_credit_note,
    the_pdf_prints_number_lines_discounts_and_taxes_in_english_and_chinese,
    the_csv_export_lists_every_document_defused,
);

struct Shop {
    t: TestApp,
    owner: Auth,
    org: String,
    event: String,
    ticket_type: String,
}

const SETTINGS: fn() -> Value = || {
    json!({"legal_name": "Alpha Events GmbH", "address": "Hauptstr. 1\n10115 Berlin", "tax_id": "DE123456789",
           "number_prefix": "INV-", "footer": "Paid in full. Thank you."})
};

/// A published event whose ticket type (25.00 EUR) carries 19 % tax
/// included, and a 10 % promo code EARLY.
async fn shop() -> Shop {
    shop_with(test_config()).await
}

async fn shop_with(config: tessera_app::AppConfig) -> Shop {
    let t = spawn_app_on(&DB.with(Clone::clone), config, tessera_web::WebConfig::default()).await;
    let (owner, org) = t.organizer("owner@example.org", "alpha").await;
    let venue = t.venue(&owner, &org, "Hall").await;
    let e = t.sellable_event(&owner, &org, &venue, "Gig").await;
    let event = e["id"].as_str().unwrap().to_string();
    let types = t.get(&format!("/api/v1/orgs/{org}/events/{event}/ticket-types"), &owner).await;
    let ticket_type = types.body[0]["id"].as_str().unwrap().to_string();
    let pricing = json!({"taxes": {ticket_type.clone(): {"rate_bp": 1900, "inclusive": true}}});
    let p = t.put(&format!("/api/v1/orgs/{org}/events/{event}/pricing"), &owner, pricing).await;
    assert_eq!(p.status, 200, "{p:?}");
    let c = t
        .post(
            &format!("/api/v1/orgs/{org}/promo-codes"),
            &owner,
            json!({"event_id": event, "code": "EARLY", "description": "Early bird", "kind": "percent", "value": 1000}),
        )
        .await;
    assert_eq!(c.status, 201, "{c:?}");
    assert_eq!(t.post(&format!("/api/v1/orgs/{org}/events/{event}/publish"), &owner, json!({})).await.status, 200);
    Shop { t, owner, org, event, ticket_type }
}

impl Shop {
    /// A pending order of `qty` tickets: (id, access token).
    async fn order(&self, qty: i64, email: &str, code: Option<&str>, locale: &str) -> (String, String) {
        let mut body = json!({"lines": [{"ticket_type_id": self.ticket_type, "quantity": qty}], "email": email,
                              "name": "Ada Buyer", "locale": locale});
        if let Some(c) = code {
            body["promo_code"] = json!(c);
        }
        let r = self.t.post(&format!("/api/v1/events/{}/orders", self.event), &Auth::None, body).await;
        assert_eq!(r.status, 201, "{r:?}");
        (r.body["id"].as_str().unwrap().to_string(), r.body["access_token"].as_str().unwrap().to_string())
    }

    async fn paid_order(&self, qty: i64, email: &str) -> (String, String) {
        let (id, token) = self.order(qty, email, None, "en").await;
        self.pay(&id).await;
        (id, token)
    }

    async fn pay(&self, id: &str) {
        let r = self.t.post(&format!("/api/v1/orgs/{}/orders/{id}/mark-paid", self.org), &self.owner, json!({})).await;
        assert_eq!(r.status, 200, "{r:?}");
    }

    async fn settings(&self, body: Value) -> Res {
        self.t.put(&format!("/api/v1/orgs/{}/invoice-settings", self.org), &self.owner, body).await
    }

    async fn issue(&self, order: &str, body: Value) -> Res {
        self.t.post(&format!("/api/v1/orgs/{}/orders/{order}/invoice", self.org), &self.owner, body).await
    }

    async fn with_token(&self, method: Method, path: &str, token: &str, body: Option<Value>) -> Res {
        let mut rb = self.t.client.request(method, format!("{}{path}", self.t.base)).header("x-order-token", token);
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        self.t.send(rb).await
    }

    async fn buyer_issue(&self, order: &str, token: &str, body: Value) -> Res {
        self.with_token(Method::POST, &format!("/api/v1/orders/{order}/invoice"), token, Some(body)).await
    }

    async fn bytes(&self, path: &str, auth: &Auth, token: Option<&str>) -> (u16, String, Vec<u8>) {
        let mut rb = self.t.client.get(format!("{}{path}", self.t.base));
        if let Auth::Session(s) = auth {
            rb = rb.header("cookie", format!("tessera_session={}", s.cookie));
        }
        if let Some(t) = token {
            rb = rb.header("x-order-token", t);
        }
        let res = rb.send().await.unwrap();
        let status = res.status().as_u16();
        let ct = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        (status, ct, res.bytes().await.unwrap().to_vec())
    }

    async fn staff_pdf(&self, invoice: &Value) -> String {
        let path = format!("/api/v1/orgs/{}/invoices/{}/pdf", self.org, invoice["id"].as_str().unwrap());
        let (status, ct, pdf) = self.bytes(&path, &self.owner, None).await;
        assert_eq!((status, ct.as_str()), (200, "application/pdf"));
        assert!(pdf.starts_with(b"%PDF-"));
        pdf_text(&pdf)
    }
}

async fn settings_are_validated_naming_the_field() {
    let s = shop().await;
    let path = format!("/api/v1/orgs/{}/invoice-settings", s.org);
    let r = s.t.get(&path, &s.owner).await;
    assert_eq!((r.status, &r.body), (200, &Value::Null), "none before they are entered");
    // Required legal name and address, lengths, the prefix's characters.
    let r = s.settings(json!({"legal_name": "", "address": ""})).await;
    assert_eq!((r.status, r.code()), (422, "invalid_input"), "{r:?}");
    let mut fields = r.fields();
    fields.sort();
    assert_eq!(fields, ["address", "legal_name"]);
    let r = s
        .settings(json!({"legal_name": "x".repeat(201), "address": "a\nb\nc\nd\ne\nf\ng\nh\ni",
                          "tax_id": "t".repeat(51), "number_prefix": "INV <", "footer": "f".repeat(1001)}))
        .await;
    let mut fields = r.fields();
    fields.sort();
    assert_eq!(
        (r.status, fields),
        (422, vec!["address".into(), "footer".into(), "legal_name".into(), "number_prefix".into(), "tax_id".into()])
    );
    let r = s.settings(json!({"legal_name": "A", "address": "B", "colour": "red"})).await;
    assert_eq!(r.status, 422, "unknown fields are refused: {r:?}");
    // Nothing was stored by the refusals.
    assert_eq!(s.t.get(&path, &s.owner).await.body, Value::Null);
    let r = s.settings(SETTINGS()).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!((r.body["legal_name"].as_str(), r.body["next_number"].as_i64()), (Some("Alpha Events GmbH"), Some(1)));
    assert_eq!(s.t.get(&path, &s.owner).await.body["address"], "Hauptstr. 1\n10115 Berlin");
    // Another organization's owner sees nothing of it.
    let (stranger, _) = s.t.organizer("eve@example.org", "evil").await;
    assert_eq!(s.t.get(&path, &stranger).await.status, 404);
    assert_eq!(s.t.put(&path, &stranger, SETTINGS()).await.status, 404);
}

async fn staff_and_buyers_issue_one_invoice_per_order() {
    let s = shop().await;
    let (a, a_token) = s.paid_order(2, "ada@example.org").await;
    // No invoicing details yet: nothing can be issued, and nothing is numbered.
    let r = s.issue(&a, json!({})).await;
    assert_eq!((r.status, r.code()), (409, "invoice_settings_missing"), "{r:?}");
    assert_eq!(s.settings(SETTINGS()).await.status, 200);

    // Staff issue; asking again answers the same invoice with 200.
    let first = s.issue(&a, json!({})).await;
    assert_eq!(first.status, 201, "{first:?}");
    assert_eq!((first.body["number"].as_str(), first.body["sequence"].as_i64()), (Some("INV-1"), Some(1)));
    assert_eq!(first.body["document"]["buyer"]["name"], "Ada Buyer", "the order's buyer by default");
    assert_eq!(first.body["document"]["seller"]["legal_name"], Value::Null);
    assert_eq!(first.body["document"]["seller"]["name"], "Alpha Events GmbH");
    let again = s.issue(&a, json!({"name": "Someone Else"})).await;
    assert_eq!((again.status, &again.body["id"]), (200, &first.body["id"]));
    assert_eq!(again.body["document"]["buyer"]["name"], "Ada Buyer");
    // The buyer asking for the same order gets it too.
    let mine = s.buyer_issue(&a, &a_token, json!({"name": "Ada", "address": "1 Road"})).await;
    assert_eq!((mine.status, &mine.body["id"]), (200, &first.body["id"]));

    // A buyer's own request: the address is required, bad input names the field.
    let (b, b_token) = s.paid_order(1, "bo@example.org").await;
    let r = s.buyer_issue(&b, &b_token, json!({"name": "Bo Ltd"})).await;
    assert_eq!((r.status, r.fields()), (422, vec!["address".to_string()]), "{r:?}");
    let r = s.buyer_issue(&b, &b_token, json!({"name": "", "address": "x".repeat(501), "locale": "fr"})).await;
    let mut fields = r.fields();
    fields.sort();
    assert_eq!((r.status, fields), (422, vec!["address".into(), "locale".into(), "name".into()]));
    assert_eq!(s.buyer_issue(&b, "wrong-token", json!({"address": "1 Road"})).await.status, 404);
    let r = s.buyer_issue(&b, &b_token, json!({"name": "Bo Ltd", "address": "2 Lane\nLeeds", "tax_id": "GB999"})).await;
    assert_eq!((r.status, r.body["number"].as_str()), (201, Some("INV-2")), "{r:?}");
    assert_eq!(r.body["document"]["buyer"]["address"], "2 Lane\nLeeds");
    assert_eq!(r.body["document"]["buyer"]["tax_id"], "GB999");
    let listed = s.with_token(Method::GET, &format!("/api/v1/orders/{b}/invoices"), &b_token, None).await;
    assert_eq!(listed.body.as_array().unwrap().len(), 1);
    let pdf = format!("/api/v1/orders/{b}/invoices/{}/pdf", r.body["id"].as_str().unwrap());
    let (status, _, bytes) = s.bytes(&pdf, &Auth::None, Some(&b_token)).await;
    assert!(status == 200 && bytes.starts_with(b"%PDF-"));
    assert_eq!(s.bytes(&pdf, &Auth::None, Some("wrong")).await.0, 404);
    // Another order's token does not open this order's invoice.
    let other = format!("/api/v1/orders/{a}/invoices/{}/pdf", r.body["id"].as_str().unwrap());
    assert_eq!(s.bytes(&other, &Auth::None, Some(&a_token)).await.0, 404);

    // An unpaid order is refused and takes no number.
    let (c, c_token) = s.order(1, "cy@example.org", None, "en").await;
    let r = s.issue(&c, json!({})).await;
    assert_eq!((r.status, r.code()), (409, "invoice_order_not_paid"), "{r:?}");
    let r = s.buyer_issue(&c, &c_token, json!({"address": "3 Street"})).await;
    assert_eq!((r.status, r.code()), (409, "invoice_order_not_paid"));
    s.pay(&c).await;
    assert_eq!(s.issue(&c, json!({})).await.body["number"], "INV-3", "no number was lost to the refusals");

    // Another organization: its staff get 404 for our order, our ids under its id too.
    let (stranger, other_org) = s.t.organizer("eve@example.org", "evil").await;
    let r = s.t.post(&format!("/api/v1/orgs/{}/orders/{a}/invoice", s.org), &stranger, json!({})).await;
    assert_eq!(r.status, 404);
    let r = s.t.post(&format!("/api/v1/orgs/{other_org}/orders/{a}/invoice"), &stranger, json!({})).await;
    assert_eq!(r.status, 404);
    let inv = first.body["id"].as_str().unwrap();
    assert_eq!(s.t.get(&format!("/api/v1/orgs/{other_org}/invoices/{inv}"), &stranger).await.status, 404);
    assert_eq!(s.bytes(&format!("/api/v1/orgs/{other_org}/invoices/{inv}/pdf"), &stranger, None).await.0, 404);
    assert_eq!(s.t.get(&format!("/api/v1/orgs/{other_org}/invoices"), &stranger).await.body, json!([]));
    assert_eq!(s.t.get(&format!("/api/v1/orgs/{}/invoices", s.org), &stranger).await.status, 404);
    // A malformed id is a 400 naming it, not a 500.
    assert_eq!(s.t.get(&format!("/api/v1/orgs/{}/invoices/nope", s.org), &s.owner).await.status, 400);

    let all = s.t.get(&format!("/api/v1/orgs/{}/invoices", s.org), &s.owner).await;
    let numbers: Vec<_> = all.body.as_array().unwrap().iter().map(|i| i["number"].as_str().unwrap()).collect();
    assert_eq!(numbers, ["INV-3", "INV-2", "INV-1"]);
}

async fn thirty_concurrent_issues_take_numbers_one_to_thirty() {
    let s = Arc::new(shop().await);
    assert_eq!(s.settings(SETTINGS()).await.status, 200);
    let mut orders = Vec::new();
    for i in 0..30 {
        orders.push(s.paid_order(1, &format!("b{i}@example.org")).await);
    }
    // Each order asked for twice at once, by staff and by its buyer.
    let mut tasks = Vec::new();
    for (id, token) in orders.clone() {
        let s1 = s.clone();
        let id1 = id.clone();
        tasks.push(tokio::spawn(async move { s1.issue(&id1, json!({})).await }));
        let s2 = s.clone();
        tasks.push(tokio::spawn(
            async move { s2.buyer_issue(&id, &token, json!({"name": "B", "address": "1 Way"})).await },
        ));
    }
    let mut by_order: std::collections::HashMap<String, Vec<(u16, Value)>> = Default::default();
    for task in tasks {
        let r = task.await.unwrap();
        assert!(r.status == 201 || r.status == 200, "{r:?}");
        by_order.entry(r.body["order_id"].as_str().unwrap().to_string()).or_default().push((r.status, r.body));
    }
    assert_eq!(by_order.len(), 30);
    let mut sequences = Vec::new();
    for answers in by_order.values() {
        assert_eq!(answers.len(), 2);
        assert_eq!(answers[0].1["id"], answers[1].1["id"], "one invoice per order");
        let created = answers.iter().filter(|(st, _)| *st == 201).count();
        assert_eq!(created, 1, "exactly one of the two requests issued it");
        sequences.push(answers[0].1["sequence"].as_i64().unwrap());
        assert_eq!(answers[0].1["number"], format!("INV-{}", answers[0].1["sequence"]));
    }
    sequences.sort();
    assert_eq!(sequences, (1..=30).collect::<Vec<i64>>(), "no gaps, no repeats");
    let settings = s.t.get(&format!("/api/v1/orgs/{}/invoice-settings", s.org), &s.owner).await;
    assert_eq!(settings.body["next_number"], 31);
}

async fn an_issued_invoice_keeps_what_it_said() {
    let s = shop().await;
    assert_eq!(s.settings(SETTINGS()).await.status, 200);
    let (a, _) = s.paid_order(1, "ada@example.org").await;
    let first = s.issue(&a, json!({"address": "1 Road"})).await;
    assert_eq!(first.status, 201);
    // New details, and a new name for the ticket type.
    let changed = json!({"legal_name": "Beta Holdings Ltd", "address": "9 Elm St\nLondon", "tax_id": "GB1",
                         "number_prefix": "B/", "footer": "New footer"});
    assert_eq!(s.settings(changed).await.status, 200);
    let tt = s
        .t
        .patch(&format!("/api/v1/orgs/{}/ticket-types/{}", s.org, s.ticket_type), &s.owner, json!({"name": "Renamed"}))
        .await;
    assert_eq!(tt.status, 200, "{tt:?}");
    let id = first.body["id"].as_str().unwrap();
    let now = s.t.get(&format!("/api/v1/orgs/{}/invoices/{id}", s.org), &s.owner).await;
    assert_eq!(now.body["document"], first.body["document"], "the document is frozen");
    let text = s.staff_pdf(&first.body).await;
    assert!(text.contains("Alpha Events GmbH") && text.contains("Hauptstr. 1") && text.contains("GA"), "{text}");
    assert!(!text.contains("Beta Holdings") && !text.contains("Renamed"), "{text}");
    // The next invoice says the new details, and numbers on with the new prefix.
    let (b, _) = s.paid_order(1, "bo@example.org").await;
    let second = s.issue(&b, json!({})).await;
    assert_eq!(second.body["number"], "B/2");
    assert_eq!(second.body["document"]["seller"]["name"], "Beta Holdings Ltd");
    assert_eq!(second.body["document"]["lines"][0]["description"], "Renamed");
}

async fn a_refund_after_invoicing_gets_a_credit_note() {
    let s = shop().await;
    assert_eq!(s.settings(SETTINGS()).await.status, 200);
    let (a, token) = s.paid_order(2, "ada@example.org").await;
    let inv = s.issue(&a, json!({})).await;
    assert_eq!((inv.status, inv.body["document"]["total_minor"].as_i64()), (201, Some(5000)));
    let r =
        s.t.post(&format!("/api/v1/orgs/{}/orders/{a}/refunds", s.org), &s.owner, json!({"amount_minor": 1000})).await;
    assert!(r.status == 201 || r.status == 200, "{r:?}");
    let docs = s.t.get(&format!("/api/v1/orgs/{}/orders/{a}/invoices", s.org), &s.owner).await;
    let docs = docs.body.as_array().unwrap().clone();
    assert_eq!(docs.len(), 2, "{docs:?}");
    let note = &docs[1];
    assert_eq!((note["kind"].as_str(), note["number"].as_str()), (Some("credit_note"), Some("INV-2")));
    assert_eq!(note["invoice_id"], inv.body["id"]);
    assert_eq!(note["document"]["corrects"], "INV-1");
    assert_eq!(note["document"]["total_minor"], -1000);
    // 19 % included: 1000 * 798 / 5000 of the invoice's tax.
    let tax = inv.body["document"]["tax_minor"].as_i64().unwrap();
    assert_eq!(note["document"]["tax_minor"].as_i64().unwrap(), -(1000 * tax / 5000));
    // Looking again issues nothing more; the buyer sees both.
    let again = s.with_token(Method::GET, &format!("/api/v1/orders/{a}/invoices"), &token, None).await;
    assert_eq!(again.body.as_array().unwrap().len(), 2);
    let text = s.staff_pdf(note).await;
    assert!(text.contains("Credit note INV-2") && text.contains("INV-1"), "{text}");
    // The rest refunded: a second credit note for what was left.
    let r = s.t.post(&format!("/api/v1/orgs/{}/orders/{a}/refunds", s.org), &s.owner, json!({})).await;
    assert!(r.status == 201 || r.status == 200, "{r:?}");
    let docs = s.t.get(&format!("/api/v1/orgs/{}/orders/{a}/invoices", s.org), &s.owner).await;
    let docs = docs.body.as_array().unwrap().clone();
    assert_eq!(docs.len(), 3);
    assert_eq!((docs[2]["number"].as_str(), docs[2]["document"]["total_minor"].as_i64()), (Some("INV-3"), Some(-4000)));
    // A refunded order keeps its invoice: asking again answers it.
    let r = s.issue(&a, json!({})).await;
    assert_eq!((r.status, &r.body["id"]), (200, &inv.body["id"]));

    // A refund made before the invoice gets its credit note when the invoice is issued.
    let (b, _) = s.paid_order(1, "bo@example.org").await;
    let r =
        s.t.post(&format!("/api/v1/orgs/{}/orders/{b}/refunds", s.org), &s.owner, json!({"amount_minor": 500})).await;
    assert!(r.status == 201 || r.status == 200, "{r:?}");
    let inv_b = s.issue(&b, json!({})).await;
    assert_eq!((inv_b.status, inv_b.body["number"].as_str()), (201, Some("INV-4")));
    let docs = s.t.get(&format!("/api/v1/orgs/{}/orders/{b}/invoices", s.org), &s.owner).await;
    let numbers: Vec<_> = docs.body.as_array().unwrap().iter().map(|d| d["number"].as_str().unwrap()).collect();
    assert_eq!(numbers, ["INV-4", "INV-5"]);
}

async fn the_pdf_prints_number_lines_discounts_and_taxes_in_english_and_chinese() {
    let sink = tokio::task::spawn_blocking(tessera_mail::testing::SmtpSink::start).await.unwrap();
    let cfg = tessera_app::AppConfig { smtp: Some(sink.config()), ..test_config() };
    let s = shop_with(cfg).await;
    assert_eq!(s.settings(SETTINGS()).await.status, 200);
    let (a, a_token) = s.order(2, "ada@example.org", Some("early"), "en").await;
    s.pay(&a).await;
    let order = s.with_token(Method::GET, &format!("/api/v1/orders/{a}"), &a_token, None).await.body;
    assert_eq!(
        (order["subtotal"]["amount_minor"].as_i64(), order["discount"]["amount_minor"].as_i64()),
        (Some(5000), Some(500))
    );
    let inv =
        s.buyer_issue(&a, &a_token, json!({"name": "Ada Ltd", "address": "1 Road\nLeeds", "tax_id": "GB42"})).await;
    assert_eq!(inv.status, 201, "{inv:?}");
    let d = &inv.body["document"];
    assert_eq!(d["discounts"][0]["code"], "EARLY");
    assert_eq!(d["discounts"][0]["amount_minor"], 500);
    assert_eq!(d["taxes"][0]["rate_bp"], 1900);
    assert_eq!(d["tax_minor"], order["tax"]["amount_minor"]);
    assert_eq!(d["total_minor"], 4500);
    let text = s.staff_pdf(&inv.body).await;
    let eur = |minor: i64| {
        tessera_mail::format_money(
            tessera_domain::Money::new(minor, tessera_domain::Currency::parse("EUR").unwrap()),
            tessera_mail::Locale::En,
        )
    };
    let tax = order["tax"]["amount_minor"].as_i64().unwrap();
    for needle in [
        "Invoice INV-1".to_string(),
        "Alpha Events GmbH".into(),
        "DE123456789".into(),
        "Ada Ltd".into(),
        "Leeds".into(),
        "GB42".into(),
        "GA".into(),
        "Discount EARLY".into(),
        "Tax 19 % (included)".into(),
        eur(tax),
        eur(4500),
        eur(-500),
        "Total".into(),
        "Paid in full. Thank you.".into(),
    ] {
        assert!(text.contains(&needle), "the PDF lacks {needle:?}:\n{text}");
    }

    // In Chinese: the labels and the Chinese name print as real glyphs.
    let (b, b_token) = s.order(1, "li@example.org", None, "zh-CN").await;
    s.pay(&b).await;
    let inv = s.buyer_issue(&b, &b_token, json!({"name": "李雷", "address": "上海市人民大道1号"})).await;
    assert_eq!((inv.status, inv.body["document"]["locale"].as_str()), (201, Some("zh-CN")));
    let text = s.staff_pdf(&inv.body).await;
    // Chinese and Latin are runs of two fonts (one line each in the text),
    // and bold Chinese is drawn twice (filled, then outlined).
    let flat = text.replace('\n', "").replace("发票发票", "发票");
    for needle in
        ["发票 INV-2", "销售方", "购买方", "李雷", "上海市人民大道", "合计", "税额 19 %（已含）", "Alpha Events GmbH"]
    {
        assert!(flat.contains(needle), "the PDF lacks {needle:?}:\n{text}");
    }
    assert!(!text.contains('\u{fffd}'), "a character without a glyph:\n{text}");
    // Staff may ask for an English invoice of a Chinese buyer's order.
    let (c, _) = s.order(1, "wang@example.org", None, "zh-CN").await;
    s.pay(&c).await;
    let inv_c = s.issue(&c, json!({"locale": "en"})).await;
    assert!(s.staff_pdf(&inv_c.body).await.contains("Invoice INV-3"));

    // The buyers are e-mailed the link, in their language; the link opens the PDF.
    for _ in 0..20 {
        if s.t.app.run_outbox_once().await.unwrap() == 0 {
            break;
        }
    }
    let got = tokio::task::spawn_blocking(move || {
        let got = sink.wait_for(6, std::time::Duration::from_secs(20));
        (got, sink)
    })
    .await
    .unwrap()
    .0;
    let subject_to = |to: &str| -> Vec<(String, String)> {
        got.iter()
            .filter(|m| m.rcpt_to.iter().any(|r| r == to))
            .map(|m| {
                let p = mail_parser::MessageParser::default().parse(&m.raw).unwrap();
                (p.subject().unwrap_or("").to_string(), p.body_text(0).unwrap_or_default().to_string())
            })
            .collect()
    };
    let ada = subject_to("ada@example.org");
    let (_, body) = ada.iter().find(|(subject, _)| subject.contains("Invoice INV-1")).expect("the invoice mail");
    let link = body
        .split_whitespace()
        .find(|w| w.contains("/invoices/") && w.ends_with("/pdf"))
        .expect("a link to the PDF")
        .trim_matches(|c| c == '<' || c == '>');
    let path = link.split_once("/o/").map(|(_, rest)| format!("/o/{rest}")).unwrap();
    let (status, ct, pdf) = s.bytes(&path, &Auth::None, None).await;
    assert_eq!((status, ct.as_str()), (200, "application/pdf"), "{path}");
    assert!(pdf.starts_with(b"%PDF-"));
    let li = subject_to("li@example.org");
    assert!(li.iter().any(|(subject, _)| subject.contains("发票 INV-2")), "{li:?}");
}

async fn the_csv_export_lists_every_document_defused() {
    let s = shop().await;
    assert_eq!(s.settings(SETTINGS()).await.status, 200);
    let (a, token) = s.paid_order(1, "ada@example.org").await;
    let r = s.buyer_issue(&a, &token, json!({"name": "=HYPERLINK(\"http://x\")", "address": "1 Road"})).await;
    assert_eq!(r.status, 201);
    let rf =
        s.t.post(&format!("/api/v1/orgs/{}/orders/{a}/refunds", s.org), &s.owner, json!({"amount_minor": 250})).await;
    assert!(rf.status == 201 || rf.status == 200, "{rf:?}");
    let (status, ct, body) = s.bytes(&format!("/api/v1/orgs/{}/invoices.csv", s.org), &s.owner, None).await;
    assert_eq!((status, ct.as_str()), (200, "text/csv; charset=utf-8"));
    let csv = String::from_utf8(body).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "number,kind,issued_at,order_reference,buyer_name,buyer_tax_id,currency,subtotal,discount,fees,tax,total,corrects"
    );
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(
        lines[1].starts_with("INV-1,invoice,") && lines[1].contains(",\"'=HYPERLINK(\"\"http://x\"\")\","),
        "{csv}"
    );
    assert!(lines[1].contains(",EUR,25.00,0.00,0.00,"), "{csv}");
    assert!(lines[2].starts_with("INV-2,credit_note,") && lines[2].ends_with(",-2.50,INV-1"), "{csv}");
    let (stranger, _) = s.t.organizer("eve@example.org", "evil").await;
    assert_eq!(s.bytes(&format!("/api/v1/orgs/{}/invoices.csv", s.org), &stranger, None).await.0, 404);
}
