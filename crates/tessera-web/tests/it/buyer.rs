//! The buyer's journeys over HTTP: the order's secret link (in the e-mails,
//! opening the order in a browser that never saw it), "find my order", the
//! confirmation after paying, the refund offer as the policy allows it,
//! "my tickets", and escaping of what organizers and buyers typed on every
//! buyer page.

use crate::helpers::*;
use serde_json::{Value, json};
use std::time::Duration;
use tessera_app::{AppConfig, Clock};

crate::on_both_backends!(
    an_order_opens_from_its_secret_link_in_any_browser,
    find_my_order_mails_the_link_and_answers_the_same_either_way,
    the_refund_button_shows_only_while_the_policy_allows_it,
    my_tickets_groups_the_tickets_by_event_and_lists_the_orders,
    buyer_pages_escape_what_organizers_and_buyers_typed,
    an_access_code_opens_hidden_tickets_on_the_event_page,
);

const XSS: &str = "<script>alert(1)</script>";
const XSS2: &str = "\"><img src=x onerror=alert(1)>";

struct Shop {
    t: TestApp,
    owner: Auth,
    org: String,
    event: String,
    ticket_type: String,
    browser: reqwest::Client,
}

fn config(sink: Option<&tessera_mail::testing::SmtpSink>) -> AppConfig {
    AppConfig { allow_sandbox_payments: true, smtp: sink.map(|s| s.config()), ..test_config() }
}

/// A published event paid through the sandbox, titled `title` at a venue named `venue`.
async fn shop(config: AppConfig, title: &str, venue: &str) -> Shop {
    let t = spawn_app_on(&DB.with(|u| u.clone()), config, tessera_web::WebConfig::default()).await;
    let (owner, org) = t.organizer("owner@example.org", "alpha").await;
    let venue = t.venue(&owner, &org, venue).await;
    let e = t.sellable_event(&owner, &org, &venue, title).await;
    let event = e["id"].as_str().unwrap().to_string();
    let tts = t.get(&format!("/api/v1/orgs/{org}/events/{event}/ticket-types"), &owner).await;
    let ticket_type = tts.body.as_array().map_or_else(
        || tts.body["items"][0]["id"].as_str().unwrap().to_string(),
        |a| a[0]["id"].as_str().unwrap().to_string(),
    );
    let r = t.put(&format!("/api/v1/orgs/{org}/payment-settings"), &owner, json!({"provider": "sandbox"})).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(t.post(&format!("/api/v1/orgs/{org}/events/{event}/publish"), &owner, json!({})).await.status, 200);
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    Shop { t, owner, org, event, ticket_type, browser }
}

impl Shop {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.t.base)
    }

    /// A paid order of `qty` tickets placed through the API: (id, access token).
    async fn paid_order(&self, qty: i64, email: &str, name: &str, auth: &Auth) -> (String, String) {
        let r = self
            .t
            .post(
                &format!("/api/v1/events/{}/orders", self.event),
                auth,
                json!({"lines": [{"ticket_type_id": self.ticket_type, "quantity": qty}], "email": email, "name": name}),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        let (id, token) =
            (r.body["id"].as_str().unwrap().to_string(), r.body["access_token"].as_str().unwrap().to_string());
        let rb = self.t.client.post(self.url(&format!("/api/v1/orders/{id}/checkout"))).header("x-order-token", &token);
        let c = self.t.send(rb).await;
        assert_eq!(c.status, 200, "{c:?}");
        let payment = c.body["payment"]["id"].as_str().unwrap().to_string();
        let paid = self
            .browser
            .post(self.url(&format!("/pay/sandbox/{payment}")))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("outcome=success")
            .send()
            .await
            .unwrap();
        assert_eq!(paid.status(), 200);
        // The sandbox sends the buyer on to the confirmation, like a provider.
        let refresh = paid.headers()["refresh"].to_str().unwrap().to_string();
        assert!(refresh.ends_with(&format!("/orders/{id}/confirmed")), "{refresh}");
        (id, token)
    }

    /// A page as the browser holding `cookie` sees it: (status, body).
    async fn page(&self, path: &str, cookie: &str) -> (u16, String) {
        let r = self.browser.get(self.url(path)).header("cookie", cookie).send().await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    async fn drain_outbox(&self) {
        for _ in 0..20 {
            if self.t.app.run_outbox_once().await.unwrap() == 0 {
                return;
            }
        }
    }

    /// A form posted by a browser that got its form cookie from `from`.
    async fn post_form(&self, from: &str, to: &str, body: &str) -> reqwest::Response {
        let page = self.browser.get(self.url(from)).send().await.unwrap();
        let cookie = page
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("tessera_form="))
            .map(|v| v.split(';').next().unwrap().to_string())
            .expect("a form cookie");
        let csrf = cookie.trim_start_matches("tessera_form=").to_string();
        self.browser
            .post(self.url(to))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", &cookie)
            .body(format!("csrf={csrf}&{body}"))
            .send()
            .await
            .unwrap()
    }
}

/// The mails the sink got for `to`, once `n` mails in all have arrived.
async fn mails(
    sink: tessera_mail::testing::SmtpSink,
    n: usize,
) -> (Vec<tessera_mail::testing::Received>, tessera_mail::testing::SmtpSink) {
    // The organizer's own mails (the address check at sign-up) are not the buyer's.
    tokio::task::spawn_blocking(move || {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            let got: Vec<_> =
                sink.received().into_iter().filter(|m| !m.rcpt_to.iter().any(|r| r == "owner@example.org")).collect();
            if got.len() >= n || std::time::Instant::now() > deadline {
                return (got, sink);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    })
    .await
    .unwrap()
}

fn text_of(raw: &[u8]) -> String {
    let parsed = mail_parser::MessageParser::default().parse(raw).unwrap();
    parsed.body_text(0).map(|t| t.to_string()).unwrap_or_default()
}

/// The first `/o/{id}/{token}` link in a text.
fn order_link_in(text: &str) -> Option<String> {
    let at = text.find("/o/")?;
    Some(text[at..].split(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == ')').next()?.to_string())
}

async fn an_order_opens_from_its_secret_link_in_any_browser() {
    let sink = tokio::task::spawn_blocking(tessera_mail::testing::SmtpSink::start).await.unwrap();
    let s = shop(config(Some(&sink)), "Gig", "Hall").await;
    let (id, token) = s.paid_order(2, "ada@example.org", "Ada Lovelace", &Auth::None).await;

    // The confirmation: for the browser that ordered, not for others.
    let cookie = format!("tessera_order={token}");
    let (status, html) = s.page(&format!("/orders/{id}/confirmed"), &cookie).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Your tickets are on their way to ada@example.org"), "{html}");
    assert!(html.contains(&format!("/orders/{id}/tickets.pdf")) && html.contains("calendar.ics"), "{html}");
    assert_eq!(s.page(&format!("/orders/{id}/confirmed"), "").await.0, 404);

    // The confirmation e-mail links to the order's secret link.
    s.drain_outbox().await;
    let (got, _sink) = mails(sink, 1).await;
    let mail = got.iter().find(|m| m.rcpt_to.iter().any(|r| r == "ada@example.org")).expect("the confirmation");
    let link = order_link_in(&text_of(&mail.raw)).expect("an order link in the e-mail");
    assert!(link.starts_with(&format!("/o/{id}/")), "{link}");
    assert!(!link.contains(&token), "the link is not the browser's access token");

    // A fresh browser (no cookie) opens it: the link sets the order cookie.
    let open = s.browser.get(s.url(&link)).send().await.unwrap();
    assert_eq!(open.status(), 303);
    assert_eq!(open.headers()["location"], format!("/orders/{id}").as_str());
    assert_eq!(open.headers()["referrer-policy"], "no-referrer");
    let set = open.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(set.contains(&format!("Path=/orders/{id}")) && set.contains("HttpOnly"), "{set}");
    let fresh = set.split(';').next().unwrap().to_string();
    let (status, html) = s.page(&format!("/orders/{id}"), &fresh).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Ada Lovelace") && html.contains("class=\"qr\""), "{html}");
    assert_eq!(s.page(&format!("/orders/{id}/tickets.pdf"), &fresh).await.0, 200);
    // The API takes the link's token as X-Order-Token too.
    let link_token = link.rsplit('/').next().unwrap();
    let rb = s.t.client.get(s.url(&format!("/api/v1/orders/{id}"))).header("x-order-token", link_token);
    assert_eq!(s.t.send(rb).await.status, 200);

    // A wrong token, another order's token, or a malformed id: 404, no cookie.
    let wrong = s.browser.get(s.url(&format!("/o/{id}/aaaaaaaaaaaaaaaaaaaaaaaaaa"))).send().await.unwrap();
    assert_eq!(wrong.status(), 404);
    assert!(wrong.headers().get("set-cookie").is_none_or(|c| !c.to_str().unwrap().contains("tessera_order")));
    let (other, _) = s.paid_order(1, "bob@example.org", "Bob", &Auth::None).await;
    assert_eq!(s.browser.get(s.url(&format!("/o/{other}/{link_token}"))).send().await.unwrap().status(), 404);
    assert_eq!(s.browser.get(s.url("/o/not-an-id/x")).send().await.unwrap().status(), 404);
    // A ticket's link does not open its order.
    let ticket_page = html.split("href=\"/t/").nth(1).unwrap().split('"').next().unwrap();
    let ticket_token = ticket_page.split('/').nth(1).unwrap();
    assert_eq!(s.browser.get(s.url(&format!("/o/{id}/{ticket_token}"))).send().await.unwrap().status(), 404);
}

async fn find_my_order_mails_the_link_and_answers_the_same_either_way() {
    let sink = tokio::task::spawn_blocking(tessera_mail::testing::SmtpSink::start).await.unwrap();
    let s = shop(AppConfig { register_max_per_ip: 4, ..config(Some(&sink)) }, "Gig", "Hall").await;
    let (id, token) = s.paid_order(1, "ada@example.org", "Ada", &Auth::None).await;
    s.drain_outbox().await;
    let (_, sink) = mails(sink, 1).await;
    let reference = s.t.get(&format!("/api/v1/orgs/{}/orders/{id}", s.org), &s.owner).await.body["reference"]
        .as_str()
        .unwrap()
        .to_string();
    let _ = token;

    let (status, html) = s.page("/orders/find", "").await;
    assert_eq!(status, 200);
    assert!(html.contains("name=\"reference\"") && html.contains("name=\"email\""), "{html}");
    assert!(s.page("/", "").await.1.contains("href=\"/orders/find\""), "linked from the storefront");

    // A match (in other letter case): the same answer as no match.
    let hit = s
        .post_form(
            "/orders/find",
            "/orders/find",
            &format!("email=ADA%40example.org&reference={}", reference.to_lowercase()),
        )
        .await;
    assert_eq!(hit.status(), 200);
    let hit = hit.text().await.unwrap();
    assert!(hit.contains("If an order with that reference was placed with ada@example.org"), "{hit}");
    let miss = s.post_form("/orders/find", "/orders/find", "email=ADA%40example.org&reference=ZZZZZZZZ").await;
    assert_eq!(miss.status(), 200);
    assert_eq!(miss.text().await.unwrap(), hit, "no difference between a match and none");
    let wrong_mail =
        s.post_form("/orders/find", "/orders/find", &format!("email=eve%40example.org&reference={reference}")).await;
    assert_eq!(wrong_mail.status(), 200);

    // Only the match sent a mail: the order's link, in the buyer's hands.
    s.drain_outbox().await;
    let (got, sink) = mails(sink, 2).await;
    assert_eq!(got.len(), 2, "the confirmation and one lookup");
    let found = &got[1];
    assert!(found.rcpt_to.iter().any(|r| r == "ada@example.org"));
    let parsed = mail_parser::MessageParser::default().parse(&found.raw).unwrap();
    assert!(parsed.subject().unwrap_or("").contains(&reference), "{:?}", parsed.subject());
    let link = order_link_in(&text_of(&found.raw)).expect("the order's link");
    assert_eq!(s.browser.get(s.url(&link)).send().await.unwrap().status(), 303);

    // Bad input: 400, the message next to the field, the values kept.
    let bad = s.post_form("/orders/find", "/orders/find", "email=not-an-address&reference=").await;
    assert_eq!(bad.status(), 400);
    let html = bad.text().await.unwrap();
    assert!(html.contains("aria-invalid=\"true\"") && html.contains("value=\"not-an-address\""), "{html}");
    assert!(html.contains("id=\"email-error\"") && html.contains("id=\"reference-error\""), "{html}");
    // Without the form token: refused.
    let forged = s
        .browser
        .post(s.url("/orders/find"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf=x&email=ada%40example.org&reference={reference}"))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);

    // The API: the same answer, its bad inputs, then the limit per client (4 here).
    let api =
        s.t.post("/api/v1/orders/lookup", &Auth::None, json!({"email": "x@example.org", "reference": "NOPE"})).await;
    assert_eq!((api.status, api.body["status"].as_str()), (202, Some("accepted")), "{api:?}");
    let bad = s.t.post("/api/v1/orders/lookup", &Auth::None, json!({"email": "nope", "reference": ""})).await;
    assert_eq!(bad.status, 422, "{bad:?}");
    assert!(bad.fields().contains(&"email".to_string()) && bad.fields().contains(&"reference".to_string()));
    let rb = s.t.client.post(s.url("/api/v1/orders/lookup")).header("content-type", "application/json").body("{");
    assert_eq!(s.t.send(rb).await.status, 400);
    // Four accepted so far (three forms, one API call): the fifth is refused.
    let limited =
        s.t.post("/api/v1/orders/lookup", &Auth::None, json!({"email": "x@example.org", "reference": "NOPE"})).await;
    assert_eq!((limited.status, limited.code()), (429, "rate_limited"), "{limited:?}");
    assert!(limited.headers.get("retry-after").is_some());
    let page =
        s.post_form("/orders/find", "/orders/find", &format!("email=ada%40example.org&reference={reference}")).await;
    assert_eq!(page.status(), 429);
    assert!(page.text().await.unwrap().contains("Too many requests"));
    s.drain_outbox().await;
    let (got, _) = mails(sink, 2).await;
    assert_eq!(got.len(), 2, "nothing sent past the limit");
}

async fn the_refund_button_shows_only_while_the_policy_allows_it() {
    let s = shop(config(None), "Gig", "Hall").await;
    let (id, token) = s.paid_order(2, "ada@example.org", "Ada", &Auth::None).await;
    let cookie = format!("tessera_order={token}");
    // No buyer refunds by default: no button.
    let (_, html) = s.page(&format!("/orders/{id}"), &cookie).await;
    assert!(!html.contains("Cancel and refund"), "{html}");

    // Allowed until 48 hours before, 1.00 kept back: the deadline and the amount.
    let pricing = s.t.get(&format!("/api/v1/orgs/{}/events/{}/pricing", s.org, s.event), &s.owner).await.body;
    let mut pricing = pricing.clone();
    pricing["refunds"] = json!({"buyer_refunds": true, "deadline_hours": 48, "fee_minor": 100});
    let r = s.t.put(&format!("/api/v1/orgs/{}/events/{}/pricing", s.org, s.event), &s.owner, pricing).await;
    assert_eq!(r.status, 200, "{r:?}");
    let (_, html) = s.page(&format!("/orders/{id}"), &cookie).await;
    assert!(html.contains("Cancel and refund") && html.contains("€49.00 back"), "{html}");
    assert!(html.contains("class=\"confirm\""), "behind a confirmation: {html}");

    // A staff refund of part of it: "partially refunded", with the amount.
    let r =
        s.t.post(&format!("/api/v1/orgs/{}/orders/{id}/refunds", s.org), &s.owner, json!({"amount_minor": 1000})).await;
    assert_eq!(r.status, 200, "{r:?}");
    let (_, html) = s.page(&format!("/orders/{id}"), &cookie).await;
    assert!(html.contains("Partially refunded") && html.contains("Refunded: €10.00"), "{html}");
    assert!(html.contains("€39.00 back"), "what is left, less the fee: {html}");

    // Past the deadline (the event is 30 days out): no button any more.
    s.t.clock.advance_secs(29 * 24 * 3600);
    let (_, html) = s.page(&format!("/orders/{id}"), &cookie).await;
    assert!(!html.contains("Cancel and refund"), "{html}");
    let _ = s.t.clock.now();
}

async fn my_tickets_groups_the_tickets_by_event_and_lists_the_orders() {
    let s = shop(config(None), "Gig", "Hall").await;
    let buyer = s.t.register("buyer@example.org").await;
    let auth = Auth::Session(buyer.clone());
    let cookie = format!("tessera_session={}", buyer.cookie);
    // Signed in, the checkout is filled in.
    let (_, html) = s.page(&format!("/events/{}", s.event), &cookie).await;
    assert!(html.contains("value=\"buyer@example.org\""), "{html}");
    let (id, _) = s.paid_order(2, "buyer@example.org", "Grace Hopper", &auth).await;
    let (status, html) = s.page("/account", &cookie).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Upcoming events") && html.contains("Gig") && html.contains("Hall"), "{html}");
    assert_eq!(html.matches("class=\"qr\"").count(), 2, "{html}");
    assert!(
        html.contains("Grace Hopper") && html.contains(&format!("/orders/{id}")) && html.contains("Paid"),
        "{html}"
    );
    assert!(html.contains("€50.00"), "{html}");
    // In Chinese.
    let (_, zh) = s.page("/account?lang=zh-CN", &cookie).await;
    assert!(zh.contains("即将开始的活动") && zh.contains("我的订单"), "{zh}");
    // After the event: folded under past events.
    s.t.clock.advance_secs(40 * 24 * 3600);
    // (The session has ended meanwhile: signed in again.)
    let again = session_from(&s.t.login("buyer@example.org", "correct horse battery", None).await);
    let cookie = format!("tessera_session={}", again.cookie);
    let (_, html) = s.page("/account", &cookie).await;
    assert!(html.contains("Past events (1)") && html.contains("You have no tickets for upcoming events"), "{html}");
    // Signed out: to the sign-in page.
    let r = s.browser.get(s.url("/account")).send().await.unwrap();
    assert_eq!(r.status(), 303);
}

async fn buyer_pages_escape_what_organizers_and_buyers_typed() {
    let title = format!("Gig {XSS} {XSS2}");
    let s = shop(config(None), &title, &format!("Hall {XSS2} {XSS}")).await;
    let buyer = s.t.register("buyer@example.org").await;
    let auth = Auth::Session(buyer.clone());
    let (id, token) = s.paid_order(1, "buyer@example.org", &format!("Eve {XSS} {XSS2}"), &auth).await;
    let cookie = format!("tessera_order={token}; tessera_session={}", buyer.cookie);
    let pages = [
        "/".to_string(),
        "/?q=Gig".to_string(),
        format!("/events/{}", s.event),
        format!("/orders/{id}"),
        format!("/orders/{id}/confirmed"),
        "/account".to_string(),
    ];
    for p in &pages {
        let (status, html) = s.page(p, &cookie).await;
        assert_eq!(status, 200, "{p}: {html}");
        assert!(!html.contains("<script>alert") && !html.contains("<img src=x"), "{p} is not escaped: {html}");
        assert!(html.contains("alert(1)"), "{p} shows the text: {html}");
    }
    // What the buyer typed into the form comes back escaped too.
    let r = s
        .post_form(
            &format!("/events/{}", s.event),
            &format!("/events/{}/buy", s.event),
            &format!("qty_{}=1&name=%22%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E&email=nope", s.ticket_type),
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(!html.contains("<img src=x") && html.contains("alert(1)"), "{html}");
    // A quantity that is no number: the message next to that field.
    let r = s
        .post_form(
            &format!("/events/{}", s.event),
            &format!("/events/{}/buy", s.event),
            &format!("qty_{}=two&name=Eve&email=eve%40example.org", s.ticket_type),
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    let field = format!("id=\"qty_{}-error\"", s.ticket_type);
    assert!(html.contains(&field) && html.contains("enter a whole number") && html.contains("value=\"two\""), "{html}");
    let _: Value = json!({});
}

async fn an_access_code_opens_hidden_tickets_on_the_event_page() {
    let s = shop(config(None), "Crew Night", "Hall").await;
    let hide =
        s.t.patch(
            &format!("/api/v1/orgs/{}/ticket-types/{}", s.org, s.ticket_type),
            &s.owner,
            json!({"visibility": "hidden", "access_code": "backstage-7"}),
        )
        .await;
    assert_eq!(hide.status, 200, "{hide:?}");
    let qty = format!("qty_{}", s.ticket_type);
    // Without the code the type is not offered; the page asks for a code.
    let (status, html) = s.page(&format!("/events/{}", s.event), "").await;
    assert_eq!(status, 200);
    assert!(!html.contains(&format!("id=\"{qty}\"")) && html.contains("name=\"access\""), "{html}");
    // A wrong code: said next to the field, nothing opened.
    let (status, html) = s.page(&format!("/events/{}?access=guess", s.event), "").await;
    assert_eq!(status, 422);
    assert!(html.contains("This code opens no tickets of this event.") && html.contains("href=\"#access\""), "{html}");
    assert!(!html.contains(&format!("id=\"{qty}\"")));
    let (_, zh) = s.page(&format!("/events/{}?access=guess&lang=zh-CN", s.event), "").await;
    assert!(zh.contains("此访问码无法解锁本活动的任何门票。"), "{zh}");
    // The right code: the type is offered, and the order form carries the code.
    let opened = format!("/events/{}?access=backstage-7", s.event);
    let (status, html) = s.page(&opened, "").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains(&format!("id=\"{qty}\"")), "{html}");
    assert!(html.contains("name=\"access_code\" value=\"backstage-7\""), "{html}");
    let r = s
        .post_form(
            &opened,
            &format!("/events/{}/buy", s.event),
            &format!("{qty}=1&name=Crew&email=crew%40example.org&access_code=backstage-7"),
        )
        .await;
    assert_eq!(r.status(), 303, "{:?}", r.text().await);
    // Without it, the same order is refused on the page.
    let r = s
        .post_form(
            &format!("/events/{}", s.event),
            &format!("/events/{}/buy", s.event),
            &format!("{qty}=1&name=Crew&email=crew2%40example.org"),
        )
        .await;
    assert_eq!(r.status(), 422);
}
