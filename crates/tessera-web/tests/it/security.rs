//! The fixes of the outside security review (issue 14), each driven over
//! HTTP: token power bounded by the creator's role, login throttling that
//! spares the account holder, access-code guessing, the sign-in redirect,
//! unknown members, what the public sees of quotas, registration, cookies.
//! Cases that touch storage run on SQLite and on PostgreSQL.

use crate::browser::Browser;
use crate::helpers::*;
use reqwest::Method;
use serde_json::{Value, json};
use std::net::{IpAddr, Ipv4Addr};
use tessera_app::AppConfig;
use tessera_web::WebConfig;

crate::on_both_backends!(
    a_token_never_has_more_power_than_its_creator_has_now,
    an_unknown_user_as_member_is_404,
    registration_does_not_reveal_accounts_and_is_rate_limited,
    public_views_do_not_name_quotas,
);

const PASSWORD: &str = "correct horse battery";

async fn app(config: AppConfig) -> TestApp {
    spawn_app_on(&DB.get(), config, WebConfig::default()).await
}

/// A client whose connections come from `127.0.0.x` (all of 127/8 is
/// loopback on Linux), so that tests can be several client addresses.
fn client_from(last: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last)))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn send_json(t: &TestApp, client: &reqwest::Client, method: Method, path: &str, body: Option<Value>) -> Res {
    let mut rb = client.request(method, format!("{}{path}", t.base));
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    t.send(rb).await
}

async fn login_from(t: &TestApp, client: &reqwest::Client, email: &str, password: &str) -> Res {
    send_json(t, client, Method::POST, "/api/v1/auth/login", Some(json!({"email": email, "password": password}))).await
}

// ------------------------------------------------------------- item 1

async fn a_token_never_has_more_power_than_its_creator_has_now() {
    let t = app(test_config()).await;
    let (owner, org) = t.organizer("owner@example.org", "acme").await;
    let admin_session = t.register("admin@example.org").await;
    let admin_id = admin_session.user_id.to_string();
    let admin = Auth::Session(admin_session);
    let r = t
        .post(&format!("/api/v1/orgs/{org}/members"), &owner, json!({"email": "admin@example.org", "role": "admin"}))
        .await;
    assert_eq!(r.status, 200, "{r:?}");

    // The admin makes an admin token: it manages the team and makes tokens.
    let r = t.post(&format!("/api/v1/orgs/{org}/tokens"), &admin, json!({"name": "ci", "role": "admin"})).await;
    assert_eq!(r.status, 201, "{r:?}");
    let token_id = r.body["id"].as_str().unwrap().to_string();
    let bearer = Auth::Bearer(r.body["secret"].as_str().unwrap().to_string());
    assert_eq!(t.get(&format!("/api/v1/orgs/{org}/members"), &bearer).await.status, 200);

    // Demoted to staff: the token keeps no admin power, on the very next request.
    let member = format!("/api/v1/orgs/{org}/members/{admin_id}");
    assert_eq!(t.put(&member, &owner, json!({"role": "staff"})).await.status, 200);
    let r = t.get(&format!("/api/v1/orgs/{org}/members"), &bearer).await;
    assert_eq!(r.status, 403, "a demoted creator's token lost the admin role: {r:?}");
    let r = t.post(&format!("/api/v1/orgs/{org}/tokens"), &bearer, json!({"name": "more", "role": "admin"})).await;
    assert_eq!(r.status, 403, "nor can it mint new tokens: {r:?}");
    let r = t
        .post(
            &format!("/api/v1/orgs/{org}/venues"),
            &bearer,
            json!({"name": "V", "address": "A", "timezone": "UTC", "capacity": 1}),
        )
        .await;
    assert_eq!(r.status, 403, "staff may not change the catalog: {r:?}");
    // What staff may do, it still may; and it says which role it acts with.
    assert_eq!(t.get(&format!("/api/v1/orgs/{org}/venues"), &bearer).await.status, 200);
    let orgs = t.get("/api/v1/orgs", &bearer).await;
    assert_eq!(orgs.body[0]["role"], "staff", "{orgs:?}");
    let r = t.get(&format!("/api/v1/orgs/{org}"), &bearer).await;
    assert_eq!(r.body["role"], "staff", "{r:?}");

    // Promoted back to admin: the token is an admin token again (its own role is the ceiling).
    assert_eq!(t.put(&member, &owner, json!({"role": "admin"})).await.status, 200);
    assert_eq!(t.get(&format!("/api/v1/orgs/{org}/members"), &bearer).await.status, 200);
    // A staff token of an owner stays staff.
    let r = t.post(&format!("/api/v1/orgs/{org}/tokens"), &owner, json!({"name": "box office", "role": "staff"})).await;
    let staff_token = Auth::Bearer(r.body["secret"].as_str().unwrap().to_string());
    assert_eq!(t.get(&format!("/api/v1/orgs/{org}/members"), &staff_token).await.status, 403);

    // Removed from the organization: every token they made stops working, for good.
    assert_eq!(t.req(Method::DELETE, &member, &owner, None).await.status, 204);
    let r = t.get(&format!("/api/v1/orgs/{org}/venues"), &bearer).await;
    assert_eq!(r.status, 401, "{r:?}");
    let tokens = t.get(&format!("/api/v1/orgs/{org}/tokens"), &owner).await;
    let listed = tokens.body.as_array().unwrap().iter().find(|x| x["id"] == token_id.as_str()).unwrap().clone();
    assert!(listed["revoked_at"].is_string(), "removing a member revokes their tokens: {listed}");
    // Added back later: the old token stays revoked.
    let r = t
        .post(&format!("/api/v1/orgs/{org}/members"), &owner, json!({"email": "admin@example.org", "role": "admin"}))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let r = t.get(&format!("/api/v1/orgs/{org}/venues"), &bearer).await;
    assert_eq!((r.status, r.code()), (401, "token_revoked"));
}

#[tokio::test]
async fn a_token_whose_creator_lost_every_role_is_refused() {
    // A platform administrator acts as an owner where they are no member,
    // and so may make an owner token there. Once no longer an administrator,
    // they have no role in that organization: the token is refused, though
    // nobody revoked it.
    let t = spawn_app().await;
    let (_owner, org) = t.organizer("owner@example.org", "acme").await;
    let s = t.register("root@example.org").await;
    t.store.set_platform_admin(s.user_id, true).await.unwrap();
    let root = Auth::Session(s.clone());
    let r = t.post(&format!("/api/v1/orgs/{org}/tokens"), &root, json!({"name": "ops", "role": "owner"})).await;
    assert_eq!(r.status, 201, "{r:?}");
    let bearer = Auth::Bearer(r.body["secret"].as_str().unwrap().to_string());
    assert_eq!(t.get(&format!("/api/v1/orgs/{org}/members"), &bearer).await.status, 200);
    t.store.set_platform_admin(s.user_id, false).await.unwrap();
    let r = t.get(&format!("/api/v1/orgs/{org}/venues"), &bearer).await;
    assert_eq!((r.status, r.code()), (401, "token_creator_gone"), "{r:?}");
}

// ------------------------------------------------------------- item 7

async fn an_unknown_user_as_member_is_404() {
    let t = app(test_config()).await;
    let (owner, org) = t.organizer("owner@example.org", "acme").await;
    let unknown = tessera_domain::UserId::new();
    let r = t.put(&format!("/api/v1/orgs/{org}/members/{unknown}"), &owner, json!({"role": "staff"})).await;
    assert_eq!((r.status, r.code()), (404, "not_found"), "{r:?}");
    let r = t.req(Method::DELETE, &format!("/api/v1/orgs/{org}/members/{unknown}"), &owner, None).await;
    assert_eq!(r.status, 404, "{r:?}");
    let r = t.put(&format!("/api/v1/orgs/{org}/members/not-an-id"), &owner, json!({"role": "staff"})).await;
    assert_eq!(r.status, 400, "{r:?}");
    // Nothing was added.
    assert_eq!(t.get(&format!("/api/v1/orgs/{org}/members"), &owner).await.body.as_array().unwrap().len(), 1);
    // An existing account who is not a member yet can be added by id.
    let s = t.register("new@example.org").await;
    let r = t.put(&format!("/api/v1/orgs/{org}/members/{}", s.user_id), &owner, json!({"role": "staff"})).await;
    assert_eq!(r.status, 200, "{r:?}");
}

// ------------------------------------------------------------- item 4

#[tokio::test]
async fn a_guesser_does_not_lock_the_owner_out() {
    let config = AppConfig { login_max_failures_per_account: 3, login_account_slowdown_after: 5, ..test_config() };
    let t = spawn_app_with(config, WebConfig::default()).await;
    t.register("ann@example.org").await;
    let attacker = client_from(1);
    let owner = client_from(2);
    for _ in 0..3 {
        assert_eq!(login_from(&t, &attacker, "ann@example.org", "wrong password!").await.status, 401);
    }
    // The guesser is throttled, also with the right password ...
    let r = login_from(&t, &attacker, "ann@example.org", PASSWORD).await;
    assert_eq!((r.status, r.code()), (429, "rate_limited"), "{r:?}");
    assert!(r.headers.get("retry-after").is_some());
    // ... the owner, from another address, is not.
    let r = login_from(&t, &owner, "ann@example.org", PASSWORD).await;
    assert_eq!(r.status, 200, "the owner still signs in: {r:?}");

    // Guessing spread over addresses: once the account has had 5 failures
    // in the window, a client that has failed on it gets no further try,
    // while a client that has not been failing still gets in.
    let second = client_from(3);
    for _ in 0..2 {
        assert_eq!(login_from(&t, &second, "ann@example.org", "wrong password!").await.status, 401);
    }
    assert_eq!(login_from(&t, &second, "ann@example.org", "wrong password!").await.status, 429);
    let third = client_from(4);
    assert_eq!(login_from(&t, &third, "ann@example.org", "wrong password!").await.status, 401, "one try");
    assert_eq!(login_from(&t, &third, "ann@example.org", "wrong password!").await.status, 429);
    assert_eq!(login_from(&t, &client_from(5), "ann@example.org", PASSWORD).await.status, 200);
    assert_eq!(login_from(&t, &owner, "ann@example.org", PASSWORD).await.status, 200);

    // The browser form says 429 too, with Retry-After.
    // (The Browser connects from 127.0.0.1, the guesser's address.)
    let mut b = Browser::new(&t.base);
    let p =
        b.submit("/account/sign-in", "/account/sign-in", &[("email", "ann@example.org"), ("password", PASSWORD)]).await;
    assert_eq!(p.status, 429, "{}", p.html);

    // The window passes: the guesser may try again.
    t.clock.advance_secs(901);
    assert_eq!(login_from(&t, &attacker, "ann@example.org", PASSWORD).await.status, 200);
}

// ------------------------------------------------------------- item 5

/// A published event with a public type and a hidden one (code `code`),
/// each on its own quota; returns (org, event id, hidden type id, public type id).
async fn event_with_hidden_tier(t: &TestApp, owner: &Auth, org: &str, code: &str) -> (String, String, String) {
    let venue = t.venue(owner, org, "Hall").await;
    let e = t.sellable_event(owner, org, &venue, "Gala").await;
    let eid = e["id"].as_str().unwrap().to_string();
    let q = t
        .post(
            &format!("/api/v1/orgs/{org}/events/{eid}/quotas"),
            owner,
            json!({"name": "VIP presale quota", "capacity": 10}),
        )
        .await;
    assert_eq!(q.status, 201, "{q:?}");
    let hidden = t
        .post(
            &format!("/api/v1/orgs/{org}/events/{eid}/ticket-types"),
            owner,
            json!({"name": "VIP", "price_minor": 0, "currency": "EUR", "visibility": "hidden", "access_code": code, "quota_ids": [q.body["id"]]}),
        )
        .await;
    assert_eq!(hidden.status, 201, "{hidden:?}");
    assert_eq!(t.post(&format!("/api/v1/orgs/{org}/events/{eid}/publish"), owner, json!({})).await.status, 200);
    let public = t.get(&format!("/api/v1/events/{eid}"), &Auth::None).await;
    let public_id = public.body["ticket_types"][0]["id"].as_str().unwrap().to_string();
    (eid, hidden.body["id"].as_str().unwrap().to_string(), public_id)
}

#[tokio::test]
async fn access_codes_are_long_and_guessing_them_is_rate_limited() {
    let config = AppConfig { access_code_max_failures_per_ip: 3, ..test_config() };
    let t = spawn_app_with(config, WebConfig::default()).await;
    let (owner, org) = t.organizer("owner@example.org", "acme").await;

    // Short codes are refused, naming the field; nothing is created.
    let venue = t.venue(&owner, &org, "Side hall").await;
    let e = t.sellable_event(&owner, &org, &venue, "Short").await;
    let eid = e["id"].as_str().unwrap();
    let types = format!("/api/v1/orgs/{org}/events/{eid}/ticket-types");
    for code in ["abcd", "abc1234", "        "] {
        let r = t
            .post(&types, &owner, json!({"name": "Crew", "price_minor": 0, "currency": "EUR", "visibility": "hidden", "access_code": code}))
            .await;
        assert_eq!((r.status, r.fields()), (422, vec!["access_code".to_string()]), "{code:?}: {r:?}");
    }
    assert_eq!(t.get(&types, &owner).await.body.as_array().unwrap().len(), 1, "nothing was created");
    // Nor can a patch set one.
    let tt = t.get(&types, &owner).await.body[0]["id"].as_str().unwrap().to_string();
    let r = t
        .patch(
            &format!("/api/v1/orgs/{org}/ticket-types/{tt}"),
            &owner,
            json!({"visibility": "hidden", "access_code": "abcd"}),
        )
        .await;
    assert_eq!((r.status, r.fields()), (422, vec!["access_code".to_string()]), "{r:?}");

    let (eid, hidden, _) = event_with_hidden_tier(&t, &owner, &org, "Vip-2026-x").await;
    let guesser = client_from(1);
    let buyer = client_from(2);
    let order = |code: &str| json!({"lines": [{"ticket_type_id": hidden, "quantity": 1}], "email": "g@example.org", "name": "G", "access_code": code});
    let orders = format!("/api/v1/events/{eid}/orders");
    // Two wrong codes at the order endpoint, one at the event: the limit of three.
    for code in ["Vip-2026-a", "Vip-2026-b"] {
        let r = send_json(&t, &guesser, Method::POST, &orders, Some(order(code))).await;
        assert_eq!((r.status, r.code()), (422, "access_code_required"), "{r:?}");
    }
    let r = send_json(&t, &guesser, Method::GET, &format!("/api/v1/events/{eid}?code=Vip-2026-c"), None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["ticket_types"].as_array().unwrap().len(), 1, "a wrong code unlocks nothing");
    // Now this client is refused, even with the right code, on both oracles.
    let r = send_json(&t, &guesser, Method::GET, &format!("/api/v1/events/{eid}?code=Vip-2026-x"), None).await;
    assert_eq!((r.status, r.code()), (429, "rate_limited"), "{r:?}");
    assert!(r.headers.get("retry-after").is_some());
    let r = send_json(&t, &guesser, Method::POST, &orders, Some(order("Vip-2026-x"))).await;
    assert_eq!((r.status, r.code()), (429, "rate_limited"), "{r:?}");
    assert!(r.headers.get("retry-after").is_some());
    // The event page without a code is still there for it.
    assert_eq!(send_json(&t, &guesser, Method::GET, &format!("/api/v1/events/{eid}"), None).await.status, 200);
    // Another client with the right code is served.
    let r = send_json(&t, &buyer, Method::GET, &format!("/api/v1/events/{eid}?code=Vip-2026-x"), None).await;
    assert_eq!(r.body["ticket_types"].as_array().unwrap().len(), 2, "{r:?}");
    let r = send_json(&t, &buyer, Method::POST, &orders, Some(order("Vip-2026-x"))).await;
    assert_eq!(r.status, 201, "{r:?}");
    // A code of the right length but one character off is wrong (no prefix match).
    let r = send_json(&t, &buyer, Method::POST, &orders, Some(order("Vip-2026-X"))).await;
    assert_eq!(r.status, 422, "{r:?}");
    // The window passes.
    t.clock.advance_secs(901);
    let r = send_json(&t, &guesser, Method::GET, &format!("/api/v1/events/{eid}?code=Vip-2026-x"), None).await;
    assert_eq!(r.status, 200, "{r:?}");
}

// ------------------------------------------------------------- item 9

async fn public_views_do_not_name_quotas() {
    let t = app(test_config()).await;
    let (owner, org) = t.organizer("owner@example.org", "acme").await;
    let (eid, _, _) = event_with_hidden_tier(&t, &owner, &org, "Vip-2026-x").await;
    let api = t.get(&format!("/api/v1/events/{eid}"), &Auth::None).await;
    assert_eq!(api.status, 200);
    let text = api.body.to_string();
    assert!(!text.contains("VIP") && !text.contains("quota"), "{text}");
    assert!(api.body.get("quotas").is_none());
    // With the code, the hidden type is listed, still without quota names.
    let with_code = t.get(&format!("/api/v1/events/{eid}?code=Vip-2026-x"), &Auth::None).await.body.to_string();
    assert!(with_code.contains("\"VIP\"") && !with_code.contains("presale"), "{with_code}");
    // The storefront page.
    let page = t.client.get(format!("{}/events/{eid}", t.base)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Gala") && !page.contains("VIP presale"), "{page}");
    // The availability stream.
    let mut res = t.client.get(format!("{}/api/v1/events/{eid}/availability", t.base)).send().await.unwrap();
    let first = String::from_utf8_lossy(&res.chunk().await.unwrap().unwrap()).into_owned();
    assert!(first.contains("ticket_types") && !first.contains("presale") && !first.contains("quotas"), "{first}");
    // The organizer still sees the quota.
    let q = t.get(&format!("/api/v1/orgs/{org}/events/{eid}/quotas"), &owner).await.body.to_string();
    assert!(q.contains("VIP presale quota"));
}

// ------------------------------------------------------------- item 6

#[tokio::test]
async fn sign_in_only_returns_to_same_origin_paths() {
    let t = spawn_app().await;
    t.register("ann@example.org").await;
    let mut b = Browser::new(&t.base);
    let cases = [
        ("/\t/evil.example/x", "/account"),
        ("/\n/evil.example/x", "/account"),
        ("/\r\nSet-Cookie: x=1", "/account"),
        ("//evil.example/x", "/account"),
        ("/\\evil.example/x", "/account"),
        ("/\\/evil.example", "/account"),
        ("/x\\y", "/account"),
        ("/%09/evil.example/x", "/account"),
        ("/%5Cevil.example", "/account"),
        ("/%2F/evil.example", "/account"),
        ("https://evil.example/", "/account"),
        ("evil.example", "/account"),
        ("", "/account"),
        ("/dashboard", "/dashboard"),
        ("/orders/abc?x=1", "/orders/abc?x=1"),
    ];
    for (next, expected) in cases {
        let p = b
            .submit(
                "/account/sign-in",
                "/account/sign-in",
                &[("email", "ann@example.org"), ("password", PASSWORD), ("next", next)],
            )
            .await;
        assert_eq!(p.status, 303, "{next:?}");
        assert_eq!(p.location.as_deref(), Some(expected), "{next:?}");
    }
    // The sign-in page does not carry a bad `next` into its form either.
    let page = b.get("/account/sign-in?next=/%09/evil.example/x").await;
    assert!(page.html.contains("name=\"next\" value=\"/account\""), "{}", page.html);
}

// ------------------------------------------------------------- item 10

async fn registration_does_not_reveal_accounts_and_is_rate_limited() {
    let config = AppConfig { register_max_per_ip: 4, ..test_config() };
    let t = app(config).await;
    let ann = client_from(11);
    let body = |email: &str, password: &str| json!({"email": email, "password": password, "name": "Ann"});
    let first =
        send_json(&t, &ann, Method::POST, "/api/v1/auth/register", Some(body("ann@example.org", PASSWORD))).await;
    assert_eq!(first.status, 201, "{first:?}");
    // The same address again, with another password: the same answer ...
    let again =
        send_json(&t, &ann, Method::POST, "/api/v1/auth/register", Some(body("ann@example.org", "another password!")))
            .await;
    assert_eq!(again.status, 201, "{again:?}");
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&again.body), keys(&first.body));
    assert_eq!(keys(&again.body["user"]), keys(&first.body["user"]));
    assert!(again.headers.get("set-cookie").is_some());
    // ... but no second account, no session, and the password is unchanged.
    let s = session_from(&again);
    let me = t.get("/api/v1/me", &Auth::Session(s)).await;
    assert_eq!(me.status, 401, "the answer for a taken address signs nobody in: {me:?}");
    assert_eq!(t.login("ann@example.org", "another password!", None).await.status, 401);
    assert_eq!(t.login("ann@example.org", PASSWORD, None).await.status, 200);
    let first_session = session_from(&first);
    assert_eq!(t.get("/api/v1/me", &Auth::Session(first_session)).await.status, 200);
    // Bad input is still named.
    let r = send_json(&t, &ann, Method::POST, "/api/v1/auth/register", Some(body("bob@example.org", "short"))).await;
    assert_eq!((r.status, r.fields()), (422, vec!["password".to_string()]));

    // Four sign-ups per address per window (bad ones count too).
    let r = send_json(&t, &ann, Method::POST, "/api/v1/auth/register", Some(body("cid@example.org", PASSWORD))).await;
    assert_eq!(r.status, 201, "{r:?}");
    let r = send_json(&t, &ann, Method::POST, "/api/v1/auth/register", Some(body("dan@example.org", PASSWORD))).await;
    assert_eq!((r.status, r.code()), (429, "rate_limited"), "{r:?}");
    assert!(r.headers.get("retry-after").is_some());
    assert_eq!(t.login("dan@example.org", PASSWORD, None).await.status, 401, "not created");
    let other = client_from(12);
    let r = send_json(&t, &other, Method::POST, "/api/v1/auth/register", Some(body("dan@example.org", PASSWORD))).await;
    assert_eq!(r.status, 201, "{r:?}");

    // The sign-up form: a taken address looks like a new one (off to the account page).
    let mut b = Browser::new(&t.base);
    let p = b
        .submit(
            "/account/sign-up",
            "/account/sign-up",
            &[("name", "X"), ("email", "dan@example.org"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!((p.status, p.location.as_deref()), (303, Some("/account")), "{}", p.html);
}

// ------------------------------------------------------------- item 12

fn set_cookies(r: &reqwest::Response, name: &str) -> Vec<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn page_cookies_are_secure_when_the_public_url_is_https() {
    for https in [true, false] {
        let web = WebConfig { public_https: https, ..WebConfig::default() };
        let config = AppConfig { allow_sandbox_payments: true, ..test_config() };
        let t = spawn_app_with(config, web).await;
        let (owner, org) = t.organizer("owner@example.org", "acme").await;
        let venue = t.venue(&owner, &org, "Hall").await;
        let e = t.sellable_event(&owner, &org, &venue, "Gig").await;
        let eid = e["id"].as_str().unwrap();
        assert_eq!(t.post(&format!("/api/v1/orgs/{org}/events/{eid}/publish"), &owner, json!({})).await.status, 200);
        let tt = t.get(&format!("/api/v1/events/{eid}"), &Auth::None).await.body["ticket_types"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let c = client_from(1);
        let page = c.get(format!("{}/events/{eid}?lang=zh-CN", t.base)).send().await.unwrap();
        let form = set_cookies(&page, "tessera_form");
        let lang = set_cookies(&page, "tessera_lang");
        assert_eq!((form.len(), lang.len()), (1, 1), "{:?}", page.headers());
        assert_eq!(form[0].contains("; Secure"), https, "{}", form[0]);
        assert_eq!(lang[0].contains("; Secure"), https, "{}", lang[0]);
        let csrf_cookie = form[0].split(';').next().unwrap().to_string();
        let csrf = csrf_cookie.trim_start_matches("tessera_form=").to_string();
        let ok = c
            .post(format!("{}/events/{eid}/buy", t.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", &csrf_cookie)
            .body(format!("csrf={csrf}&qty_{tt}=1&name=Ada&email=ada%40example.org"))
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), 303);
        let order = set_cookies(&ok, "tessera_order");
        assert_eq!(order.len(), 1);
        assert_eq!(order[0].contains("; Secure"), https, "{}", order[0]);
        let max_age: i64 = order[0]
            .split("; ")
            .find_map(|kv| kv.strip_prefix("Max-Age="))
            .and_then(|v| v.parse().ok())
            .expect("a Max-Age");
        assert!(max_age > 0 && max_age <= 30 * 86_400, "the order cookie lives 30 days at most: {max_age}");
    }
}
