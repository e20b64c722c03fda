//! Registration, login, sessions and CSRF, tokens, rate limits and TOTP.

use crate::helpers::*;
use reqwest::Method;
use serde_json::json;
use tessera_app::Clock;
use tessera_app::auth::totp;
use tessera_web::WebConfig;

#[tokio::test]
async fn register_login_logout() {
    let t = spawn_app().await;
    let s = t.register("ann@example.org").await;
    let set_cookie = t
        .post(
            "/api/v1/auth/login",
            &Auth::None,
            json!({"email": "ann@example.org", "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(set_cookie.status, 200, "{set_cookie:?}");
    let cookie = set_cookie.headers.get("set-cookie").unwrap().to_str().unwrap();
    for attr in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attr), "{cookie} lacks {attr}");
    }
    let me = t.get("/api/v1/me", &Auth::Session(s.clone())).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["user"]["email"], "ann@example.org");
    assert_eq!(me.body["csrf_token"], s.csrf.as_str());
    assert!(me.body["user"].get("password_hash").is_none());
    let out = t.post("/api/v1/auth/logout", &Auth::Session(s.clone()), json!({})).await;
    assert_eq!(out.status, 204);
    assert_eq!(t.get("/api/v1/me", &Auth::Session(s)).await.status, 401, "the session is gone");
    let wrong = t.login("ann@example.org", "not the password", None).await;
    assert_eq!((wrong.status, wrong.code()), (401, "invalid_credentials"));
    let nobody = t.login("nobody@example.org", "not the password", None).await;
    assert_eq!(nobody.body, wrong.body, "unknown accounts are indistinguishable from wrong passwords");
    let dup = t
        .post(
            "/api/v1/auth/register",
            &Auth::None,
            json!({"email": "ANN@example.org", "password": "another long one", "name": "A"}),
        )
        .await;
    // A taken address (in any case) is answered like a new one, so that
    // registration does not reveal accounts; nothing is created and the
    // session it hands out signs nobody in.
    assert_eq!(dup.status, 201, "{dup:?}");
    assert_eq!(t.get("/api/v1/me", &Auth::Session(session_from(&dup))).await.status, 401);
    assert_eq!(t.login("ann@example.org", "another long one", None).await.status, 401);
}

#[tokio::test]
async fn state_changes_with_a_cookie_need_the_csrf_token() {
    let t = spawn_app().await;
    let s = t.register("ann@example.org").await;
    let no_csrf = t
        .send(
            t.client
                .post(format!("{}/api/v1/orgs", t.base))
                .header("cookie", format!("tessera_session={}", s.cookie))
                .json(&json!({"name": "X", "slug": "xyz"})),
        )
        .await;
    assert_eq!((no_csrf.status, no_csrf.code()), (403, "csrf_failed"), "{no_csrf:?}");
    let wrong = Session { csrf: "wrong".into(), ..s.clone() };
    let r = t.post("/api/v1/orgs", &Auth::Session(wrong), json!({"name": "X", "slug": "xyz"})).await;
    assert_eq!(r.status, 403);
    assert_eq!(t.get("/api/v1/orgs", &Auth::Session(s.clone())).await.body, json!([]), "nothing was created");
    // Reads need no CSRF token.
    let r = t
        .send(t.client.get(format!("{}/api/v1/me", t.base)).header("cookie", format!("tessera_session={}", s.cookie)))
        .await;
    assert_eq!(r.status, 200);
    // A form post (not JSON) is refused before anything happens.
    let form = t
        .send(
            t.client
                .post(format!("{}/api/v1/auth/login", t.base))
                .header("content-type", "application/x-www-form-urlencoded")
                .body("email=ann%40example.org&password=correct+horse+battery"),
        )
        .await;
    assert_eq!(form.status, 415);
}

#[tokio::test]
async fn tokens_work_until_revoked_or_expired() {
    let t = spawn_app().await;
    let (owner, org) = t.organizer("owner@example.org", "alpha").await;
    let r = t
        .post(
            &format!("/api/v1/orgs/{org}/tokens"),
            &owner,
            json!({"name": "ci", "role": "staff", "expires_in_days": 1}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let secret = r.body["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with(r.body["prefix"].as_str().unwrap()));
    let bearer = Auth::Bearer(secret.clone());
    assert_eq!(t.get(&format!("/api/v1/orgs/{org}/venues"), &bearer).await.status, 200);
    let list = t.get(&format!("/api/v1/orgs/{org}/tokens"), &owner).await;
    assert!(!list.body.to_string().contains(&secret), "secrets are shown once only");
    assert!(list.body[0]["last_used_at"].is_string());

    t.clock.advance_secs(2 * 86_400);
    let r = t.get(&format!("/api/v1/orgs/{org}/venues"), &bearer).await;
    assert_eq!((r.status, r.code()), (401, "token_expired"));

    let r = t.post(&format!("/api/v1/orgs/{org}/tokens"), &owner, json!({"name": "ci2", "role": "staff"})).await;
    let bearer2 = Auth::Bearer(r.body["secret"].as_str().unwrap().to_string());
    let id2 = r.body["id"].as_str().unwrap().to_string();
    assert_eq!(t.req(Method::DELETE, &format!("/api/v1/orgs/{org}/tokens/{id2}"), &owner, None).await.status, 204);
    let r = t.get(&format!("/api/v1/orgs/{org}/venues"), &bearer2).await;
    assert_eq!((r.status, r.code()), (401, "token_revoked"));
    let r = t.get(&format!("/api/v1/orgs/{org}/venues"), &Auth::Bearer("tsr_made_up".into())).await;
    assert_eq!((r.status, r.code()), (401, "invalid_token"));
    let r = t.send(t.client.get(format!("{}/api/v1/orgs", t.base)).header("authorization", "Basic abc")).await;
    assert_eq!((r.status, r.code()), (401, "invalid_token"));
}

#[tokio::test]
async fn logins_are_rate_limited_per_account_and_per_ip() {
    let config =
        tessera_app::AppConfig { login_max_failures_per_account: 3, login_max_attempts_per_ip: 8, ..test_config() };
    let t = spawn_app_with(config, WebConfig::default()).await;
    t.register("ann@example.org").await;
    for _ in 0..3 {
        assert_eq!(t.login("ann@example.org", "wrong password!", None).await.status, 401);
    }
    let r = t.login("ann@example.org", "correct horse battery", None).await;
    assert_eq!((r.status, r.code()), (429, "rate_limited"), "even the right password waits: {r:?}");
    assert!(r.headers.get("retry-after").is_some());
    // Other accounts from the same IP still get in, until the IP limit.
    t.register("bob@example.org").await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(t.login("bob@example.org", "correct horse battery", None).await.status);
    }
    // Ann's three failures counted against the IP too (her refused fourth did not).
    assert_eq!(statuses, vec![200, 200, 200, 200, 200, 429], "8 attempts per IP per window");
    t.clock.advance_secs(901);
    assert_eq!(t.login("ann@example.org", "correct horse battery", None).await.status, 200, "the window passed");
}

#[tokio::test]
async fn totp_two_factor_login() {
    let t = spawn_app().await;
    let s = t.register("ann@example.org").await;
    let auth = Auth::Session(s.clone());
    let setup = t.post("/api/v1/me/totp/setup", &auth, json!({})).await;
    assert_eq!(setup.status, 200, "{setup:?}");
    assert!(
        setup.body["otpauth_uri"].as_str().unwrap().starts_with("otpauth://totp/Tessera%3Aann%40example.org?secret=")
    );
    let secret = totp::decode_secret(setup.body["secret"].as_str().unwrap()).unwrap();
    let code = |offset: i64| totp::code_at(&secret, t.clock.now().as_second() / 30 + offset);
    let r = t.post("/api/v1/me/totp/enable", &auth, json!({"code": "000000"})).await;
    assert!(r.status == 422 || code(0) == "000000", "{r:?}");
    let on = t.post("/api/v1/me/totp/enable", &auth, json!({"code": code(0)})).await;
    assert_eq!(on.status, 200, "{on:?}");
    let recovery: Vec<String> =
        on.body["recovery_codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
    assert_eq!(recovery.len(), 10);
    assert_eq!(t.get("/api/v1/me", &auth).await.body["user"]["totp_enabled"], true);
    let again = t.post("/api/v1/me/totp/enable", &auth, json!({"code": code(1)})).await;
    assert_eq!(again.status, 409, "{again:?}");
    // A recovery code signs in once, in place of the app's code.
    let r = t.login("ann@example.org", "correct horse battery", Some(&recovery[3])).await;
    assert_eq!(r.status, 200, "{r:?}");
    let r = t.login("ann@example.org", "correct horse battery", Some(&recovery[3])).await;
    assert_eq!(r.status, 401, "a recovery code works once");

    let r = t.login("ann@example.org", "correct horse battery", None).await;
    assert_eq!((r.status, r.code(), r.fields()), (401, "totp_required", vec!["totp_code".to_string()]));
    let r = t.login("ann@example.org", "correct horse battery", Some(&code(0))).await;
    assert_eq!(r.status, 401, "the code used to enable cannot be replayed: {r:?}");
    t.clock.advance_secs(30);
    let r = t.login("ann@example.org", "correct horse battery", Some(&code(0))).await;
    assert_eq!(r.status, 200, "{r:?}");
    let r = t.login("ann@example.org", "correct horse battery", Some(&code(0))).await;
    assert_eq!(r.status, 401, "each code works once");
    let r = t.login("ann@example.org", "wrong password!!", Some(&code(1))).await;
    assert_eq!(r.status, 401);

    t.clock.advance_secs(30);
    let r = t.post("/api/v1/me/totp/disable", &auth, json!({"code": "12345"})).await;
    assert_eq!((r.status, r.fields()), (422, vec!["code".to_string()]));
    assert_eq!(t.post("/api/v1/me/totp/disable", &auth, json!({"code": code(0)})).await.status, 204);
    assert_eq!(t.login("ann@example.org", "correct horse battery", None).await.status, 200);
}

#[tokio::test]
async fn organizations_can_require_two_factor() {
    let t = spawn_app().await;
    let (owner, org) = t.organizer("owner@example.org", "alpha").await;
    let staff = t.register("staff@example.org").await;
    let r = t
        .post(&format!("/api/v1/orgs/{org}/members"), &owner, json!({"email": "staff@example.org", "role": "staff"}))
        .await;
    assert_eq!(r.status, 200);
    let r = t.patch(&format!("/api/v1/orgs/{org}"), &owner, json!({"require_two_factor": true})).await;
    assert_eq!(r.status, 200, "{r:?}");
    let r = t.get(&format!("/api/v1/orgs/{org}/venues"), &Auth::Session(staff.clone())).await;
    assert_eq!((r.status, r.code()), (403, "two_factor_required"));
    let setup = t.post("/api/v1/me/totp/setup", &Auth::Session(staff.clone()), json!({})).await;
    let secret = totp::decode_secret(setup.body["secret"].as_str().unwrap()).unwrap();
    let code = totp::code_at(&secret, t.clock.now().as_second() / 30);
    assert_eq!(
        t.post("/api/v1/me/totp/enable", &Auth::Session(staff.clone()), json!({"code": code})).await.status,
        200
    );
    assert_eq!(t.get(&format!("/api/v1/orgs/{org}/venues"), &Auth::Session(staff)).await.status, 200);
}
