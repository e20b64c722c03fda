//! The storefront's pages over HTTP, as a browser without scripts uses them:
//! find an event, reserve, pay through the sandbox, see and print the tickets.

use crate::helpers::*;
use serde_json::json;
use tessera_app::AppConfig;

fn set_cookie(r: &reqwest::Response, name: &str) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap().to_string())
}

fn hidden_csrf(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + "name=\"csrf\" value=\"".len();
    html[at..].split('"').next().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_buyer_finds_an_event_pays_in_the_sandbox_and_prints_the_tickets() {
    let t =
        spawn_app_with(AppConfig { allow_sandbox_payments: true, ..test_config() }, tessera_web::WebConfig::default())
            .await;
    let (owner, org) = t.organizer("owner@example.org", "alpha").await;
    let venue = t.venue(&owner, &org, "Hall").await;
    let event = t.post(&format!("/api/v1/orgs/{org}/events"), &owner, event_body(&venue, "Night <Gig>", 30)).await.body
        ["id"]
        .as_str()
        .unwrap()
        .to_string();
    let q = t
        .post(&format!("/api/v1/orgs/{org}/events/{event}/quotas"), &owner, json!({"name": "House", "capacity": 10}))
        .await;
    let tt = t
        .post(
            &format!("/api/v1/orgs/{org}/events/{event}/ticket-types"),
            &owner,
            json!({"name": "Standing", "price_minor": 2500, "currency": "EUR", "max_per_order": 4, "quota_ids": [q.body["id"]]}),
        )
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        t.put(&format!("/api/v1/orgs/{org}/payment-settings"), &owner, json!({"provider": "sandbox"})).await.status,
        200
    );
    assert_eq!(t.post(&format!("/api/v1/orgs/{org}/events/{event}/publish"), &owner, json!({})).await.status, 200);
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let url = |p: &str| format!("{}{p}", t.base);

    // The listing (escaped), with search.
    let home = browser.get(url("/?q=night")).send().await.unwrap();
    assert_eq!(home.status(), 200);
    assert!(home.headers()["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));
    let html = home.text().await.unwrap();
    assert!(html.contains("Night &#60;Gig&#62;") && html.contains(&format!("/events/{event}")), "{html}");
    assert!(!browser.get(url("/?q=opera")).send().await.unwrap().text().await.unwrap().contains("Night"));

    // The event page, and a refused form that keeps what was typed.
    let page = browser.get(url(&format!("/events/{event}"))).send().await.unwrap();
    let form_cookie = set_cookie(&page, "tessera_form").expect("a form cookie");
    let csrf = hidden_csrf(&page.text().await.unwrap());
    let post = |path: String, body: String, cookies: String| {
        browser
            .post(url(&path))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", cookies)
            .body(body)
            .send()
    };
    let bad = post(
        format!("/events/{event}/buy"),
        format!("csrf={csrf}&qty_{tt}=2&name=Ada+Lovelace&email=not-an-address"),
        form_cookie.clone(),
    )
    .await
    .unwrap();
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.unwrap();
    assert!(
        html.contains("e-mail address") && html.contains("value=\"Ada Lovelace\"") && html.contains("value=\"2\""),
        "{html}"
    );
    // Without the form token: refused, nothing reserved.
    let forged = post(
        format!("/events/{event}/buy"),
        format!("csrf=x&qty_{tt}=2&name=A&email=a@example.org"),
        form_cookie.clone(),
    )
    .await
    .unwrap();
    assert_eq!(forged.status(), 403);

    let ok = post(
        format!("/events/{event}/buy"),
        format!("csrf={csrf}&qty_{tt}=2&name=Ada+Lovelace&email=ada%40example.org"),
        form_cookie.clone(),
    )
    .await
    .unwrap();
    assert_eq!(ok.status(), 303);
    let order_path = ok.headers()["location"].to_str().unwrap().to_string();
    let order_cookie = set_cookie(&ok, "tessera_order").expect("the order's cookie");
    let cookies = format!("{form_cookie}; {order_cookie}");
    // Someone else (no cookie) finds nothing.
    assert_eq!(browser.get(url(&order_path)).send().await.unwrap().status(), 404);
    let order = browser.get(url(&order_path)).header("cookie", &cookies).send().await.unwrap().text().await.unwrap();
    assert!(order.contains("Pay €50.00"), "{order}");

    // Pay: off to the sandbox, which succeeds, and back to the tickets.
    let go = post(format!("{order_path}/pay"), format!("csrf={csrf}"), cookies.clone()).await.unwrap();
    assert_eq!(go.status(), 303);
    let sandbox = go.headers()["location"].to_str().unwrap().to_string();
    let payment = sandbox.rsplit('/').next().unwrap().to_string();
    let paid = post(format!("/pay/sandbox/{payment}"), "outcome=success".into(), String::new()).await.unwrap();
    assert_eq!(paid.status(), 200);
    // Sent on to the confirmation, as a provider would.
    let next = paid.headers()["refresh"].to_str().unwrap().to_string();
    assert_eq!(next, format!("3; url={order_path}/confirmed"));
    let thanks = browser.get(url(&format!("{order_path}/confirmed"))).header("cookie", &cookies).send().await.unwrap();
    assert!(thanks.text().await.unwrap().contains("Your tickets are on their way to ada@example.org"));
    let order = browser.get(url(&order_path)).header("cookie", &cookies).send().await.unwrap().text().await.unwrap();
    assert!(order.contains("Download the tickets"), "{order}");
    assert_eq!(order.matches("class=\"qr\"").count(), 2, "{order}");
    let pdf = browser.get(url(&format!("{order_path}/tickets.pdf"))).header("cookie", &cookies).send().await.unwrap();
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-"));
    // Unknown pages are a page, not an error body; unknown API paths stay JSON.
    assert_eq!(browser.get(url("/events/not-an-id")).send().await.unwrap().status(), 404);
    let lost = browser.get(url("/no/such/page")).send().await.unwrap();
    assert_eq!(lost.status(), 404);
    assert!(lost.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(lost.text().await.unwrap().contains("See all events"));
    let api = browser.get(url("/api/v1/no-such-endpoint")).send().await.unwrap();
    assert_eq!(api.status(), 404);
    assert_eq!(api.json::<serde_json::Value>().await.unwrap()["error"]["code"], "not_found");

    // In Chinese: by the browser's language, or chosen (and remembered).
    let zh =
        browser.get(url("/")).header("accept-language", "zh-CN,zh;q=0.9").send().await.unwrap().text().await.unwrap();
    assert!(zh.contains("<html lang=\"zh-CN\">") && zh.contains("搜索活动"), "{zh}");
    let chosen = browser.get(url(&format!("/events/{event}?lang=zh-CN"))).send().await.unwrap();
    let lang_cookie = set_cookie(&chosen, "tessera_lang").expect("the choice is remembered");
    let html = chosen.text().await.unwrap();
    assert!(html.contains("预订") && !html.contains("€25.00"), "{html}");
    let again = browser.get(url("/")).header("cookie", &lang_cookie).send().await.unwrap().text().await.unwrap();
    assert!(again.contains("搜索活动"));
    let en = browser.get(url("/?lang=en")).header("cookie", &lang_cookie).send().await.unwrap().text().await.unwrap();
    assert!(en.contains("Search events"));

    // Add to calendar: an iCalendar file with the event's times in UTC.
    let ics = browser.get(url(&format!("/events/{event}/calendar.ics"))).send().await.unwrap();
    assert_eq!(ics.headers()["content-type"], "text/calendar; charset=utf-8");
    let ics = ics.text().await.unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"), "{ics}");
    assert!(ics.contains("SUMMARY:Night <Gig>\r\n"), "{ics}");
    assert!(ics.lines().any(|l| l.starts_with("DTSTART:") && l.ends_with('Z')), "{ics}");
    assert!(ics.split("\r\n").all(|l| l.len() <= 75), "lines are folded: {ics}");
}
