//! The organizer's dashboard and the buyer's account, as a browser without
//! scripts uses them, on SQLite and on PostgreSQL: sign in, create an event
//! with a ticket type through the forms (refused input first), sell through
//! the storefront, then find the order, refund part of it, see the sales
//! figures and export the attendees.

use crate::browser::Browser;
use crate::helpers::*;
use serde_json::json;
use tessera_app::AppConfig;

crate::on_both_backends!(
    an_organizer_builds_an_event_in_the_dashboard_sells_it_and_refunds_part_of_an_order,
    buyers_sign_up_see_their_orders_and_pages_refuse_what_they_must,
);

const PASSWORD: &str = "correct horse battery";

async fn app() -> TestApp {
    let config = AppConfig { allow_sandbox_payments: true, ..test_config() };
    spawn_app_on(&DB.with(Clone::clone), config, tessera_web::WebConfig::default()).await
}

async fn an_organizer_builds_an_event_in_the_dashboard_sells_it_and_refunds_part_of_an_order() {
    let t = app().await;
    let (owner, org) = t.organizer("owner@example.org", "alpha").await;
    t.venue(&owner, &org, "Hall").await;
    assert_eq!(
        t.put(&format!("/api/v1/orgs/{org}/payment-settings"), &owner, json!({"provider": "sandbox"})).await.status,
        200
    );
    let mut staff = Browser::new(&t.base);

    // Signed out: the dashboard sends to the sign-in page and back.
    let p = staff.get("/dashboard").await;
    assert_eq!((p.status, p.location.as_deref()), (303, Some("/account/sign-in?next=%2Fdashboard")));
    let p = staff
        .submit(
            "/account/sign-in",
            "/account/sign-in",
            &[("email", "owner@example.org"), ("password", "wrong password!")],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(
        p.html.contains("Wrong e-mail address or password.") && p.html.contains("value=\"owner@example.org\""),
        "{}",
        p.html
    );
    staff.sign_in("owner@example.org", PASSWORD).await;
    let home = staff.get("/dashboard").await;
    assert_eq!(
        (home.status, home.location.as_deref()),
        (303, Some(format!("/dashboard/orgs/{org}/overview").as_str()))
    );
    let home = staff.get("/dashboard?all").await;
    assert!(home.html.contains("alpha"), "{}", home.html);

    // A new event: refused input keeps the values and names the fields.
    let new = format!("/dashboard/orgs/{org}/events/new");
    let form = staff.get(&new).await;
    let venue = {
        let select = form.html.find("id=\"venue_id\"").unwrap();
        let at = select + form.html[select..].find("<option value=\"").unwrap() + 15;
        form.html[at..].split('"').next().unwrap().to_string()
    };
    let csrf = form.csrf();
    let bad = staff
        .post(
            &new,
            &[
                ("csrf", &csrf),
                ("title", "Gala <night>"),
                ("venue_id", &venue),
                ("category", "concert"),
                ("starts_at", "soon"),
                ("ends_at", ""),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.html.contains("id=\"starts_at-error\"") && bad.html.contains("value=\"Gala &lt;night&gt;\""),
        "{}",
        bad.html
    );
    let start =
        jiff::Zoned::now().checked_add(jiff::Span::new().days(20)).unwrap().strftime("%Y-%m-%dT20:00").to_string();
    let end =
        jiff::Zoned::now().checked_add(jiff::Span::new().days(20)).unwrap().strftime("%Y-%m-%dT23:00").to_string();
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
    assert_eq!(backwards.status, 422, "the app's rule (end after start) comes back as a field message");
    assert!(backwards.html.contains("ends_at-error"), "{}", backwards.html);
    let forged = staff.post(&new, &[("csrf", "nope"), ("title", "Gala")]).await;
    assert_eq!(forged.status, 403);
    assert!(forged.html.contains("The form expired."));
    let created = staff
        .post(
            &new,
            &[
                ("csrf", &csrf),
                ("title", "Gala"),
                ("venue_id", &venue),
                ("category", "concert"),
                ("starts_at", &start),
                ("ends_at", &end),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.html);
    let event_page = created.location.unwrap();
    let event = event_page.rsplit('/').next().unwrap().to_string();
    let api_events = t.get(&format!("/api/v1/orgs/{org}/events/{event}"), &owner).await;
    assert_eq!(api_events.body["title"], "Gala");

    // A quota and a ticket type; a bad price is named and nothing is created.
    let p =
        staff.submit(&event_page, &format!("{event_page}/quotas"), &[("q_name", "House"), ("q_capacity", "100")]).await;
    assert_eq!(p.status, 303, "{}", p.html);
    let quota = t.get(&format!("/api/v1/orgs/{org}/events/{event}/quotas"), &owner).await.body[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Quotas are edited in place: a capacity below zero is refused, a new one kept.
    let edit = format!("{event_page}/quotas/{quota}");
    let p = staff.submit(&event_page, &edit, &[("name", "House"), ("capacity", "-3")]).await;
    assert_eq!(p.status, 422, "{}", p.html);
    let p = staff.submit(&event_page, &edit, &[("name", "House"), ("capacity", "120")]).await;
    assert_eq!(p.status, 303, "{}", p.html);
    assert_eq!(t.get(&format!("/api/v1/orgs/{org}/events/{event}/quotas"), &owner).await.body[0]["capacity"], 120);
    let p = staff
        .submit(
            &event_page,
            &format!("{event_page}/ticket-types"),
            &[("tt_name", "Seat"), ("tt_price", "12.345"), ("quota_id", &quota)],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.html.contains("tt_price-error") && p.html.contains("value=\"Seat\""), "{}", p.html);
    assert_eq!(t.get(&format!("/api/v1/orgs/{org}/events/{event}/ticket-types"), &owner).await.body, json!([]));
    let p = staff
        .submit(
            &event_page,
            &format!("{event_page}/ticket-types"),
            &[("tt_name", "Seat"), ("tt_price", "12.50"), ("tt_max", "4"), ("quota_id", &quota)],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.html);
    let tt = t.get(&format!("/api/v1/orgs/{org}/events/{event}/ticket-types"), &owner).await.body[0].clone();
    assert_eq!((tt["price"]["amount_minor"].as_i64(), tt["max_per_order"].as_i64()), (Some(1250), Some(4)));
    let p = staff.submit(&event_page, &format!("{event_page}/action"), &[("action", "publish")]).await;
    assert_eq!(p.status, 303);
    assert!(staff.get(&event_page).await.html.contains("published"));

    // A buyer buys three through the storefront and pays in the sandbox.
    let mut buyer = Browser::new(&t.base);
    let tt_id = tt["id"].as_str().unwrap();
    let qty = format!("qty_{tt_id}");
    let placed = buyer
        .submit(
            &format!("/events/{event}"),
            &format!("/events/{event}/buy"),
            &[(&qty, "3"), ("name", "Grace Hopper"), ("email", "grace@example.org")],
        )
        .await;
    assert_eq!(placed.status, 303, "{}", placed.html);
    let order_path = placed.location.unwrap();
    let order_page = buyer.get(&order_path).await;
    assert!(
        order_page.html.contains("data-countdown=\"") && order_page.html.contains("countdown.js"),
        "{}",
        order_page.html
    );
    let go = buyer.post(&format!("{order_path}/pay"), &[("csrf", &order_page.csrf())]).await;
    let payment = go.location.unwrap().rsplit('/').next().unwrap().to_string();
    assert_eq!(buyer.post(&format!("/pay/sandbox/{payment}"), &[("outcome", "success")]).await.status, 200);
    let order = order_path.rsplit('/').next().unwrap().to_string();

    // The organizer finds it by e-mail, by name and by reference, not by something else.
    let orders = format!("/dashboard/orgs/{org}/orders");
    for q in ["GRACE@example", "hopper", "ace%40ex"] {
        let p = staff.get(&format!("{orders}?q={q}")).await;
        assert!(p.html.contains(&format!("/orders/{order}")), "{q}: {}", p.html);
    }
    let reference = t.get(&format!("/api/v1/orgs/{org}/orders/{order}"), &owner).await.body["reference"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        staff.get(&format!("{orders}?q={}", reference.to_lowercase())).await.html.contains(&format!("/orders/{order}"))
    );
    for q in ["nobody", "%25", "_"] {
        let p = staff.get(&format!("{orders}?q={q}")).await;
        assert!(!p.html.contains(&format!("/orders/{order}")) && p.html.contains("No orders match."), "{q}");
    }
    assert!(staff.get(&format!("{orders}?state=pending")).await.html.contains("No orders match."));
    let long = "x".repeat(201);
    assert_eq!(staff.get(&format!("{orders}?q={long}")).await.status, 422);

    // Sales: three tickets, 37.50, on one day.
    let sales = staff.get(&format!("{event_page}/sales")).await;
    assert_eq!(sales.status, 200);
    assert!(
        sales.html.contains("€37.50") && sales.html.contains("<svg class=\"chart\"") && sales.html.contains("sales.js"),
        "{}",
        sales.html
    );
    let fragment = staff.get(&format!("{event_page}/sales?fragment=1")).await;
    assert!(
        fragment.html.starts_with("<div class=\"stats\">") && fragment.html.contains("€37.50"),
        "{}",
        fragment.html
    );

    // Refund part of it: a bad amount is named; then 10.00 goes back.
    let detail = format!("{orders}/{order}");
    let p = staff.submit(&detail, &format!("{detail}/refund"), &[("amount", "ten")]).await;
    assert_eq!(p.status, 422);
    assert!(p.html.contains("amount-error"), "{}", p.html);
    let p = staff.submit(&detail, &format!("{detail}/refund"), &[("amount", "1000")]).await;
    assert_eq!(p.status, 422, "more than was paid: {}", p.html);
    // Reviewed, then confirmed: the confirmation posts the refund.
    let review = staff.get(&format!("{detail}?review=refund&amount=10.00&reason=late+start")).await;
    assert!(review.html.contains("Give €10.00 back to Grace Hopper?"), "{}", review.html);
    let at = review.html.find("/refund?request_key=").unwrap();
    let start = review.html[..at].rfind('"').unwrap() + 1;
    let end = at + review.html[at..].find('"').unwrap();
    let action = review.html[start..end].replace("&#38;", "&").replace("&amp;", "&");
    let fields = [("csrf", review.csrf())];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let p = staff.post(&action, &fields).await;
    assert_eq!(p.status, 303, "{}", p.html);
    // The same form sent again (a double click) refunds nothing more.
    let p = staff.post(&action, &fields).await;
    assert_eq!(p.status, 303, "{}", p.html);
    let money = t.get(&format!("/api/v1/orgs/{org}/orders/{order}"), &owner).await.body;
    assert_eq!(money["refunded"]["amount_minor"], 1000, "{money}");
    assert!(staff.get(&detail).await.html.contains("late start"));

    // Attendees and their CSV (formulas defused).
    let csv = staff.get(&format!("{event_page}/attendees.csv")).await;
    assert_eq!(csv.status, 200);
    assert!(csv.content_type.starts_with("text/csv"));
    assert_eq!(csv.html.lines().count(), 4, "{}", csv.html);
    assert!(csv.html.lines().skip(1).all(|l| l.starts_with("Grace Hopper,Seat,")), "{}", csv.html);

    // Another organization's member sees none of it.
    let mut stranger = Browser::new(&t.base);
    t.organizer("stranger@example.org", "beta").await;
    stranger.sign_in("stranger@example.org", PASSWORD).await;
    for path in [event_page.clone(), detail.clone(), format!("{event_page}/attendees.csv"), orders.clone()] {
        let p = stranger.get(&path).await;
        assert!(p.status == 403 || p.status == 404, "{path}: {}", p.status);
        assert!(!p.html.contains("Grace"), "{path}");
    }
    assert_eq!(staff.get(&format!("/dashboard/orgs/{org}/events/not-an-id")).await.status, 404);

    // Fees, taxes and the refund policy: a bad percentage is named, then all is kept.
    let pricing = format!("{event_page}/pricing");
    let tax = format!("tax_{tt_id}");
    let inclusive = format!("tax_inclusive_{tt_id}");
    let p =
        staff.submit(&event_page, &pricing, &[("fee_ticket", "1"), ("fee_percent", "abc"), ("fee_order", "")]).await;
    assert_eq!(p.status, 422);
    assert!(p.html.contains("fee_percent-error") && p.html.contains("value=\"abc\""), "{}", p.html);
    let p = staff
        .submit(
            &event_page,
            &pricing,
            &[
                ("fee_ticket", "1.00"),
                ("fee_percent", "2.5"),
                ("fee_order", ""),
                (&tax, "19"),
                (&inclusive, "yes"),
                ("buyer_refunds", "yes"),
                ("refund_deadline_hours", "48"),
                ("refund_fee", "2"),
                ("reminder_hours", "24"),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.html);
    let saved = t.get(&format!("/api/v1/orgs/{org}/events/{event}/pricing"), &owner).await.body;
    assert_eq!(
        (
            &saved["fees"]["per_ticket_minor"],
            &saved["fees"]["per_ticket_bp"],
            &saved["taxes"][tt_id]["rate_bp"],
            &saved["refunds"]["deadline_hours"],
            &saved["refunds"]["fee_minor"]
        ),
        (&json!(100), &json!(250), &json!(1900), &json!(48), &json!(200)),
        "{saved}"
    );
    assert!(staff.get(&event_page).await.html.contains("value=\"2.5\""));
    // Buyers see what a ticket costs them: 12.50 + 1.00 + 2.5 % = 13.81, tax included.
    let shop = buyer.get(&format!("/events/{event}")).await;
    assert!(shop.html.contains("€13.81") && shop.html.contains("incl. fees of €1.31"), "{}", shop.html);

    // Cancelling the event wants a ticked box; then it is cancelled.
    let p = staff.submit(&event_page, &format!("{event_page}/action"), &[("action", "cancel")]).await;
    assert_eq!(p.status, 422);
    assert!(p.html.contains("Tick the box"), "{}", p.html);
    assert_eq!(t.get(&format!("/api/v1/orgs/{org}/events/{event}"), &owner).await.body["status"], "published");
    let p =
        staff.submit(&event_page, &format!("{event_page}/action"), &[("action", "cancel"), ("confirm", "yes")]).await;
    assert_eq!(p.status, 303, "{}", p.html);
    assert_eq!(t.get(&format!("/api/v1/orgs/{org}/events/{event}"), &owner).await.body["status"], "cancelled");
}

async fn buyers_sign_up_see_their_orders_and_pages_refuse_what_they_must() {
    let t = app().await;
    let (owner, org) = t.organizer("owner@example.org", "alpha").await;
    let venue = t.venue(&owner, &org, "Hall").await;
    let event =
        t.post(&format!("/api/v1/orgs/{org}/events"), &owner, event_body(&venue, "Free talk", 10)).await.body["id"]
            .as_str()
            .unwrap()
            .to_string();
    let q = t
        .post(&format!("/api/v1/orgs/{org}/events/{event}/quotas"), &owner, json!({"name": "Room", "capacity": 5}))
        .await;
    let tt = t
        .post(
            &format!("/api/v1/orgs/{org}/events/{event}/ticket-types"),
            &owner,
            json!({"name": "Entry", "price_minor": 0, "currency": "EUR", "quota_ids": [q.body["id"]]}),
        )
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let opens = jiff::Timestamp::now().checked_add(jiff::SignedDuration::from_hours(48)).unwrap();
    let later = t
        .post(
            &format!("/api/v1/orgs/{org}/events/{event}/ticket-types"),
            &owner,
            json!({"name": "Late entry", "price_minor": 0, "currency": "EUR", "sales_start": opens.to_string(), "quota_ids": [q.body["id"]]}),
        )
        .await;
    assert_eq!(later.status, 201, "{later:?}");
    assert_eq!(t.post(&format!("/api/v1/orgs/{org}/events/{event}/publish"), &owner, json!({})).await.status, 200);

    let mut b = Browser::new(&t.base);
    // A ticket type whose sale has not begun says when it will; the others carry live figures.
    let shop = b.get(&format!("/events/{event}")).await;
    assert!(shop.html.contains("On sale from") && shop.html.contains("availability.js"), "{}", shop.html);
    // The listing filters by text, category and dates; a bad date is named.
    assert!(b.get("/?q=talk&category=concert").await.html.contains("Free talk"));
    assert!(!b.get("/?category=theatre").await.html.contains("Free talk"));
    let soon = jiff::Zoned::now().date();
    let later = soon.checked_add(jiff::Span::new().days(30)).unwrap();
    assert!(b.get(&format!("/?from={soon}&to={later}")).await.html.contains("Free talk"));
    assert!(!b.get(&format!("/?from={soon}&to={soon}")).await.html.contains("Free talk"));
    let bad = b.get("/?from=31.12.2026").await;
    assert_eq!(bad.status, 422);
    assert!(bad.html.contains("from-error") && bad.html.contains("value=\"31.12.2026\""), "{}", bad.html);

    // Sign-up refuses a short password and a bad address, keeping the name.
    let p = b
        .submit(
            "/account/sign-up",
            "/account/sign-up",
            &[("name", "Lin Wei"), ("email", "lin@example.org"), ("password", "short")],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(
        p.html.contains("password-error")
            && p.html.contains("value=\"Lin Wei\"")
            && !p.html.contains("value=\"short\""),
        "{}",
        p.html
    );
    let p = b
        .submit(
            "/account/sign-up",
            "/account/sign-up",
            &[("name", "Lin Wei"), ("email", "lin"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.html.contains("email-error"));
    let p = b
        .submit(
            "/account/sign-up",
            "/account/sign-up",
            &[("name", "Lin Wei"), ("email", "lin@example.org"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!((p.status, p.location.as_deref()), (303, Some("/account")));
    assert!(b.get("/account").await.html.contains("You have no orders yet."));

    // An order placed while signed in is the account's: listed, and its page opens without the order cookie.
    let qty = format!("qty_{tt}");
    let placed = b
        .submit(
            &format!("/events/{event}"),
            &format!("/events/{event}/buy"),
            &[(&qty, "1"), ("name", "Lin Wei"), ("email", "lin@example.org")],
        )
        .await;
    assert_eq!(placed.status, 303, "{}", placed.html);
    let order_path = placed.location.unwrap();
    let mine = b.get("/account").await;
    assert!(mine.html.contains(&format!("href=\"{order_path}\"")), "{}", mine.html);
    let mut other_device = Browser::new(&t.base);
    other_device.sign_in("lin@example.org", PASSWORD).await;
    let p = other_device.get(&order_path).await;
    assert_eq!(p.status, 200, "{}", p.html);
    let confirmed = other_device.post(&format!("{order_path}/confirm"), &[("csrf", &p.csrf())]).await;
    assert_eq!(confirmed.status, 303);
    assert!(other_device.get(&order_path).await.html.contains("Download the tickets"));

    // Signing out ends the session; its pages then send to sign-in.
    let account = other_device.get("/account").await;
    let out = other_device.post("/account/sign-out", &[("csrf", &account.csrf())]).await;
    assert_eq!(out.status, 303);
    assert_eq!(other_device.get("/account").await.status, 303);
    assert_eq!(other_device.get(&order_path).await.status, 404, "without the session or the order cookie");

    // Chinese pages, a 404 page, and safe redirects after sign-in.
    let zh = b.get("/account?lang=zh-CN").await;
    assert!(zh.html.contains("我的订单") && zh.html.contains("lang=\"zh-CN\""), "{}", zh.html);
    let p = b.get("/dashboard/orgs/00000000-0000-0000-0000-000000000000").await;
    assert!(p.status == 403 || p.status == 404, "{}", p.status);
    let mut c = Browser::new(&t.base);
    let p = c
        .submit(
            "/account/sign-in",
            "/account/sign-in",
            &[("email", "lin@example.org"), ("password", PASSWORD), ("next", "//evil.example/")],
        )
        .await;
    assert_eq!(p.location.as_deref(), Some("/account"));
    let css = c.get("/assets/app.css").await;
    assert_eq!((css.status, css.content_type.as_str()), (200, "text/css; charset=utf-8"));
    assert_eq!(c.get("/assets/nope.js").await.status, 404);
}
