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
    hidden_ticket_types_access_codes_and_buyer_limits_are_set_on_the_event_page,
    publishing_makes_a_default_checkin_list_only_for_an_event_without_one,
    organizers_make_change_and_delete_checkin_lists_and_gates_in_the_dashboard,
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
        bad.html.contains("id=\"starts_at-error\"") && bad.html.contains("value=\"Gala &#60;night&#62;\""),
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
    assert!(staff.get(&event_page).await.html.contains("Published"));

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

    // Moving the event with tickets sold says what happens and wants it confirmed.
    let later =
        jiff::Zoned::now().checked_add(jiff::Span::new().days(21)).unwrap().strftime("%Y-%m-%dT20:00").to_string();
    let later_end =
        jiff::Zoned::now().checked_add(jiff::Span::new().days(21)).unwrap().strftime("%Y-%m-%dT23:00").to_string();
    let shown = staff.get(&event_page).await;
    assert!(shown.html.contains("Changing its start or end re-issues them"), "{}", shown.html);
    let fields = [
        ("title", "Gala"),
        ("venue_id", venue.as_str()),
        ("category", "concert"),
        ("starts_at", later.as_str()),
        ("ends_at", later_end.as_str()),
    ];
    let p = staff.submit(&event_page, &event_page, &fields).await;
    assert_eq!(p.status, 422, "{}", p.html);
    assert!(p.html.contains("confirm_move-error") && p.html.contains("will be re-issued"), "{}", p.html);
    let kept = t.get(&format!("/api/v1/orgs/{org}/events/{event}"), &owner).await.body["starts_at"].clone();
    let mut confirmed = fields.to_vec();
    confirmed.push(("confirm_move", "yes"));
    let p = staff.submit(&event_page, &event_page, &confirmed).await;
    assert_eq!(p.status, 303, "{}", p.html);
    assert_ne!(t.get(&format!("/api/v1/orgs/{org}/events/{event}"), &owner).await.body["starts_at"], kept);

    // Cancelling the event asks first (a confirmation that works without
    // scripts); an unconfirmed cancel is refused; the confirmed one cancels.
    let shown = staff.get(&event_page).await;
    assert!(shown.html.contains(&format!("action=\"{event_page}/cancel\"")), "{}", shown.html);
    let p = staff.submit(&event_page, &format!("{event_page}/action"), &[("action", "cancel")]).await;
    assert_eq!(p.status, 422);
    assert!(p.html.contains("Confirm the cancellation"), "{}", p.html);
    assert_eq!(t.get(&format!("/api/v1/orgs/{org}/events/{event}"), &owner).await.body["status"], "published");
    let p = staff.submit(&event_page, &format!("{event_page}/cancel"), &[]).await;
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

/// The event page's path and the event's id, for a new sellable draft event.
async fn draft_event(t: &TestApp, owner: &Auth, org: &str, title: &str) -> (String, String, String) {
    let venue = t.venue(owner, org, &format!("{title} hall")).await;
    let e = t.sellable_event(owner, org, &venue, title).await;
    let id = e["id"].as_str().unwrap().to_string();
    let tt = t.get(&format!("/api/v1/orgs/{org}/events/{id}/ticket-types"), owner).await.body[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    (format!("/dashboard/orgs/{org}/events/{id}"), id, tt)
}

async fn publishing_makes_a_default_checkin_list_only_for_an_event_without_one() {
    let t = app().await;
    let (owner, org) = t.organizer("owner@example.org", "alpha").await;
    let mut staff = Browser::new(&t.base);
    staff.sign_in("owner@example.org", PASSWORD).await;

    // Published from the dashboard: one list, every ticket, one gate.
    let (page, event, _) = draft_event(&t, &owner, &org, "Gala").await;
    let lists = format!("/api/v1/orgs/{org}/events/{event}/checkin-lists");
    assert_eq!(t.get(&lists, &owner).await.body, json!([]));
    let draft = staff.get(&format!("{page}/checkin")).await;
    assert!(draft.html.contains("Main entrance"), "a draft says what publishing will make: {}", draft.html);
    let p = staff.submit(&page, &format!("{page}/action"), &[("action", "publish")]).await;
    assert_eq!(p.status, 303, "{}", p.html);
    let made = t.get(&lists, &owner).await.body;
    assert_eq!(made.as_array().unwrap().len(), 1, "{made}");
    assert_eq!(made[0]["name"], "All tickets");
    assert_eq!(made[0]["ticket_type_ids"], json!([]));
    assert_eq!(made[0]["entry_policy"], "single");
    assert_eq!(made[0]["gates"].as_array().unwrap().len(), 1);
    assert_eq!(made[0]["gates"][0]["name"], "Main entrance");
    let tab = staff.get(&format!("{page}/checkin")).await;
    assert_eq!(tab.status, 200);
    let list = made[0]["id"].as_str().unwrap();
    assert!(tab.html.contains(&format!("/scan/{org}/{list}")), "{}", tab.html);
    // The scanner's choice of places offers it.
    let scan = staff.get("/scan").await;
    assert!(scan.html.contains(&format!("/scan/{org}/{list}")), "{}", scan.html);

    // An event with its own list keeps it as the only one; through the API too.
    let (_, own, _) = draft_event(&t, &owner, &org, "Fair").await;
    let own_lists = format!("/api/v1/orgs/{org}/events/{own}/checkin-lists");
    let r = t.post(&own_lists, &owner, json!({"name": "Doors", "gates": ["West"]})).await;
    assert_eq!(r.status, 201, "{r:?}");
    let r = t.post(&format!("/api/v1/orgs/{org}/events/{own}/publish"), &owner, json!({})).await;
    assert_eq!(r.status, 200, "{r:?}");
    let kept = t.get(&own_lists, &owner).await.body;
    assert_eq!(kept.as_array().unwrap().len(), 1, "{kept}");
    assert_eq!(kept[0]["name"], "Doors");
    // A refused publish makes nothing.
    let r = t.post(&format!("/api/v1/orgs/{org}/events/{own}/publish"), &owner, json!({})).await;
    assert_eq!(r.status, 409, "{r:?}");
    assert_eq!(t.get(&own_lists, &owner).await.body.as_array().unwrap().len(), 1);
}

async fn organizers_make_change_and_delete_checkin_lists_and_gates_in_the_dashboard() {
    let t = app().await;
    let (owner, org) = t.organizer("owner@example.org", "alpha").await;
    let mut staff = Browser::new(&t.base);
    staff.sign_in("owner@example.org", PASSWORD).await;
    let (page, event, tt) = draft_event(&t, &owner, &org, "Gala").await;
    let tab = format!("{page}/checkin");
    let lists = format!("/api/v1/orgs/{org}/events/{event}/checkin-lists");
    let create = format!("{tab}/lists");

    // Refused: no name, no gate, a per-day policy with a count that is no number.
    let p = staff
        .submit(
            &tab,
            &create,
            &[("name", " "), ("entry_policy", "per_day"), ("max_entries_per_day", "two"), ("gates", "\n")],
        )
        .await;
    assert_eq!(p.status, 422, "{}", p.html);
    for id in ["new-gates-error", "new-max_entries_per_day-error"] {
        assert!(p.html.contains(id), "{id}: {}", p.html);
    }
    assert!(p.html.contains("value=\"two\""), "the values stay: {}", p.html);
    // The app's own rules: an unknown policy, a per-day count out of range, twice the same gate.
    let p = staff
        .submit(
            &tab,
            &create,
            &[
                ("name", "VIP <door>"),
                ("entry_policy", "per_day"),
                ("max_entries_per_day", "0"),
                ("gates", "North\nnorth"),
            ],
        )
        .await;
    assert_eq!(p.status, 422, "{}", p.html);
    assert!(p.html.contains("new-max_entries_per_day-error"), "{}", p.html);
    assert!(p.html.contains("value=\"VIP &#60;door&#62;\""), "escaped and kept: {}", p.html);
    let p = staff.submit(&tab, &create, &[("name", "VIP"), ("entry_policy", "twice"), ("gates", "North")]).await;
    assert_eq!(p.status, 422, "{}", p.html);
    let p = staff.submit(&tab, &create, &[("name", "VIP"), ("ticket_type_id", "nope"), ("gates", "North")]).await;
    assert_eq!(p.status, 422, "{}", p.html);
    assert!(p.html.contains("new-types-error"), "{}", p.html);
    assert_eq!(t.get(&lists, &owner).await.body, json!([]), "nothing refused was made");

    // Made: the one ticket type, two entries a day, two gates.
    let p = staff
        .submit(
            &tab,
            &create,
            &[
                ("name", "VIP"),
                ("ticket_type_id", &tt),
                ("entry_policy", "per_day"),
                ("max_entries_per_day", "2"),
                ("gates", "North\r\n South \r\n"),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.html);
    let made = t.get(&lists, &owner).await.body[0].clone();
    assert_eq!((made["name"].as_str(), made["entry_policy"].as_str()), (Some("VIP"), Some("per_day")));
    assert_eq!(made["max_entries_per_day"], 2);
    assert_eq!(made["ticket_type_ids"], json!([tt]));
    let gates: Vec<&str> = made["gates"].as_array().unwrap().iter().map(|g| g["name"].as_str().unwrap()).collect();
    assert_eq!(gates, ["North", "South"]);
    let list = made["id"].as_str().unwrap().to_string();
    let shown = staff.get(&tab).await;
    assert!(shown.html.contains("North") && shown.html.contains("South") && shown.html.contains("VIP"));

    // Changed: a bad count is named on that list's form; then every ticket type, re-entry.
    let edit = format!("{tab}/lists/{list}");
    let p =
        staff.submit(&tab, &edit, &[("name", "VIP"), ("entry_policy", "per_day"), ("max_entries_per_day", "x")]).await;
    assert_eq!(p.status, 422, "{}", p.html);
    assert!(p.html.contains(&format!("{list}-max_entries_per_day-error")), "{}", p.html);
    let p = staff.submit(&tab, &edit, &[("name", "Everyone"), ("entry_policy", "reentry")]).await;
    assert_eq!(p.status, 303, "{}", p.html);
    let changed = t.get(&lists, &owner).await.body[0].clone();
    assert_eq!((changed["name"].as_str(), changed["entry_policy"].as_str()), (Some("Everyone"), Some("reentry")));
    assert_eq!(changed["ticket_type_ids"], json!([]));
    assert_eq!(changed["gates"].as_array().unwrap().len(), 2, "gates stay as they were");

    // Gates: a taken name is refused, a new one added, one removed, the last one kept.
    let gate_form = format!("{tab}/lists/{list}/gates");
    let p = staff.submit(&tab, &gate_form, &[("gate", "south")]).await;
    assert_eq!(p.status, 422, "{}", p.html);
    assert!(p.html.contains(&format!("gate-{list}-error")) && p.html.contains("value=\"south\""), "{}", p.html);
    let p = staff.submit(&tab, &gate_form, &[("gate", "")]).await;
    assert_eq!(p.status, 422, "{}", p.html);
    let p = staff.submit(&tab, &gate_form, &[("gate", "East")]).await;
    assert_eq!(p.status, 303, "{}", p.html);
    let gate_ids = |v: &serde_json::Value| -> Vec<String> {
        v["gates"].as_array().unwrap().iter().map(|g| g["id"].as_str().unwrap().to_string()).collect()
    };
    let now = gate_ids(&t.get(&lists, &owner).await.body[0]);
    assert_eq!(now.len(), 3);
    for g in &now[..2] {
        let p = staff.submit(&tab, &format!("{tab}/lists/{list}/gates/{g}/delete"), &[]).await;
        assert_eq!(p.status, 303, "{}", p.html);
    }
    let p = staff.submit(&tab, &format!("{tab}/lists/{list}/gates/{}/delete", now[2]), &[]).await;
    assert_eq!(p.status, 422, "the last gate stays: {}", p.html);
    assert_eq!(gate_ids(&t.get(&lists, &owner).await.body[0]).len(), 1);
    let p = staff.submit(&tab, &format!("{tab}/lists/{list}/gates/not-a-gate/delete"), &[]).await;
    assert_eq!(p.status, 404);

    // A forged form changes nothing.
    let p = staff.post(&edit, &[("csrf", "nope"), ("name", "Hijacked")]).await;
    assert_eq!(p.status, 403);
    assert_eq!(t.get(&lists, &owner).await.body[0]["name"], "Everyone");

    // A list scanned at stays; one never scanned at goes.
    let p = t
        .post(
            &format!("/api/v1/orgs/{org}/checkin-lists/{list}/scans"),
            &owner,
            json!({"code": "not a ticket", "nonce": "n-1"}),
        )
        .await;
    assert_eq!(p.status, 200, "{p:?}");
    let p = staff.submit(&tab, &format!("{tab}/lists/{list}/delete"), &[]).await;
    assert_eq!(p.status, 422, "{}", p.html);
    assert!(p.html.contains("stays as their record"), "{}", p.html);
    let p = staff.submit(&tab, &create, &[("name", "Spare"), ("gates", "Back door")]).await;
    assert_eq!(p.status, 303, "{}", p.html);
    let spare = t.get(&lists, &owner).await.body[1]["id"].as_str().unwrap().to_string();
    let shown = staff.get(&tab).await;
    assert!(shown.html.contains("class=\"confirm\""), "deleting asks first: {}", shown.html);
    let p = staff.submit(&tab, &format!("{tab}/lists/{spare}/delete"), &[]).await;
    assert_eq!(p.status, 303, "{}", p.html);
    let left = t.get(&lists, &owner).await.body;
    assert_eq!(left.as_array().unwrap().len(), 1, "{left}");
    assert_eq!(left[0]["id"].as_str(), Some(list.as_str()));

    // The same through the API.
    let one = format!("/api/v1/orgs/{org}/checkin-lists/{list}");
    let r = t.put(&one, &owner, json!({"name": "", "entry_policy": "per_day"})).await;
    assert_eq!(r.status, 422, "{r:?}");
    assert_eq!(r.fields(), ["max_entries_per_day", "name"]);
    let r = t.put(&one, &owner, json!({"name": "Doors", "ticket_type_ids": [tt], "entry_policy": "single"})).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!((r.body["name"].as_str(), r.body["ticket_type_ids"][0].as_str()), (Some("Doors"), Some(tt.as_str())));
    let r = t.post(&format!("{one}/gates"), &owner, json!({"name": "West"})).await;
    assert_eq!(r.status, 201, "{r:?}");
    let west = r.body["id"].as_str().unwrap().to_string();
    let r = t.post(&format!("{one}/gates"), &owner, json!({"name": " west "})).await;
    assert_eq!(r.status, 422, "{r:?}");
    let r = t.req(reqwest::Method::DELETE, &format!("{one}/gates/{west}"), &owner, None).await;
    assert_eq!(r.status, 204, "{r:?}");
    let last = gate_ids(&t.get(&one, &owner).await.body)[0].clone();
    let r = t.req(reqwest::Method::DELETE, &format!("{one}/gates/{last}"), &owner, None).await;
    assert_eq!(r.status, 409, "{r:?}");
    let r = t.req(reqwest::Method::DELETE, &one, &owner, None).await;
    assert_eq!(r.status, 409, "scanned at: {r:?}");
    let r = t.post(&lists, &owner, json!({"name": "Spare", "gates": ["A"]})).await;
    let spare = r.body["id"].as_str().unwrap().to_string();
    let r = t.req(reqwest::Method::DELETE, &format!("/api/v1/orgs/{org}/checkin-lists/{spare}"), &owner, None).await;
    assert_eq!(r.status, 204, "{r:?}");
    let r = t.get(&format!("/api/v1/orgs/{org}/checkin-lists/{spare}"), &owner).await;
    assert_eq!(r.status, 404);
}

async fn hidden_ticket_types_access_codes_and_buyer_limits_are_set_on_the_event_page() {
    let t = app().await;
    let (owner, org) = t.organizer("owner@example.org", "alpha").await;
    let mut staff = Browser::new(&t.base);
    staff.sign_in("owner@example.org", PASSWORD).await;
    let (page, event, tt) = draft_event(&t, &owner, &org, "Gala").await;
    let types = format!("/api/v1/orgs/{org}/events/{event}/ticket-types");
    let quota = t.get(&format!("/api/v1/orgs/{org}/events/{event}/quotas"), &owner).await.body[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let add = format!("{page}/ticket-types");

    // A hidden ticket type needs a code, and a long enough one.
    let base = [("tt_name", "Friends"), ("tt_price", "5"), ("tt_visibility", "hidden"), ("quota_id", quota.as_str())];
    let p = staff.submit(&page, &add, &base).await;
    assert_eq!(p.status, 422, "{}", p.html);
    assert!(p.html.contains("id=\"tt_access_code-error\""), "{}", p.html);
    let mut short = base.to_vec();
    short.push(("tt_access_code", "abc"));
    let p = staff.submit(&page, &add, &short).await;
    assert_eq!(p.status, 422, "{}", p.html);
    let mut bad_limits = base.to_vec();
    bad_limits.extend([("tt_access_code", "FRIENDS-2026"), ("tt_min", "3"), ("tt_max", "2")]);
    let p = staff.submit(&page, &add, &bad_limits).await;
    assert_eq!(p.status, 422, "{}", p.html);
    assert!(p.html.contains("tt_max-error"), "{}", p.html);
    assert_eq!(t.get(&types, &owner).await.body.as_array().unwrap().len(), 1, "nothing refused was made");
    let mut good = base.to_vec();
    good.extend([
        ("tt_access_code", "FRIENDS-2026"),
        ("tt_min", "2"),
        ("tt_max", "4"),
        ("tt_description", "For our friends"),
    ]);
    let p = staff.submit(&page, &add, &good).await;
    assert_eq!(p.status, 303, "{}", p.html);
    let made = t.get(&types, &owner).await.body[1].clone();
    assert_eq!((made["visibility"].as_str(), made["access_code"].as_str()), (Some("hidden"), Some("FRIENDS-2026")));
    assert_eq!((made["min_per_order"].as_i64(), made["max_per_order"].as_i64()), (Some(2), Some(4)));
    assert_eq!(made["description"], "For our friends");
    assert_eq!(made["quota_ids"], json!([quota]));

    // The existing public type is hidden on its own form: refused without a code, then done.
    let edit = format!("{page}/ticket-types/{tt}");
    let fields = [("name", "GA"), ("price", "25.00"), ("visibility", "hidden"), ("quota_id", quota.as_str())];
    let p = staff.submit(&page, &edit, &fields).await;
    assert_eq!(p.status, 422, "{}", p.html);
    assert!(p.html.contains(&format!("id=\"{tt}-access_code-error\"")), "{}", p.html);
    let mut with_code = fields.to_vec();
    with_code.extend([("access_code", "GA-SECRET-1"), ("sales_end", "2099-01-01T10:00")]);
    let p = staff.submit(&page, &edit, &with_code).await;
    assert_eq!(p.status, 303, "{}", p.html);
    let ga = t.get(&types, &owner).await.body[0].clone();
    assert_eq!((ga["visibility"].as_str(), ga["access_code"].as_str()), (Some("hidden"), Some("GA-SECRET-1")));
    assert_eq!(ga["sales_end"], "2099-01-01T09:00:00Z", "read at the venue (Berlin)");
    let shown = staff.get(&page).await;
    assert!(shown.html.contains("value=\"GA-SECRET-1\"") && shown.html.contains("2099-01-01T10:00"), "{}", shown.html);

    // A limit per buyer over all orders: a word is refused, a number kept, empty removes it.
    let api_event = t.get(&format!("/api/v1/orgs/{org}/events/{event}"), &owner).await.body;
    let venue = api_event["venue_id"].as_str().unwrap().to_string();
    let form = staff.get(&page).await;
    let value_of = |name: &str| {
        let marker = format!("name=\"{name}\" type=\"datetime-local\" value=\"");
        let at = form.html.find(&marker).unwrap() + marker.len();
        form.html[at..].split('"').next().unwrap().to_string()
    };
    let (starts, ends) = (value_of("starts_at"), value_of("ends_at"));
    let details = |limit: &'static str| {
        vec![
            ("title", "Gala".to_string()),
            ("venue_id", venue.clone()),
            ("category", "concert".to_string()),
            ("starts_at", starts.clone()),
            ("ends_at", ends.clone()),
            ("max_tickets_per_customer", limit.to_string()),
        ]
    };
    let send = |v: &Vec<(&'static str, String)>| v.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    for (limit, status, saved) in
        [("many", 422, json!(null)), ("0", 422, json!(null)), ("6", 303, json!(6)), ("", 303, json!(null))]
    {
        let fields = send(&details(limit));
        let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let p = staff.submit(&page, &page, &refs).await;
        assert_eq!(p.status, status, "{limit}: {}", p.html);
        if status == 422 {
            assert!(p.html.contains("max_tickets_per_customer-error"), "{}", p.html);
        }
        let now = t.get(&format!("/api/v1/orgs/{org}/events/{event}"), &owner).await.body;
        assert_eq!(now["max_tickets_per_customer"], saved, "{limit}");
    }
}
