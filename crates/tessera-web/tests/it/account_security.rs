//! Password reset, address verification, invitations and two-factor
//! sign-in with recovery codes: the mails really go out over SMTP (to a
//! sink) and the links in them are followed. Each case runs on SQLite and
//! PostgreSQL.

use crate::browser::Browser;
use crate::helpers::*;
use serde_json::json;
use tessera_app::auth::totp;
use tessera_app::{AppConfig, Clock};
use tessera_mail::testing::SmtpSink;
use tessera_web::WebConfig;

crate::on_both_backends!(
    password_reset_by_mail_ends_every_session_and_works_once,
    password_reset_is_enumeration_safe_and_rate_limited,
    address_verification_by_mail,
    invitations_by_mail_with_a_role,
    two_factor_enrolment_in_the_pages_with_recovery_codes,
    staff_without_two_factor_are_sent_to_enrol,
    the_team_page_invites_lists_withdraws_and_requires_two_factor,
);

struct Mailed {
    t: TestApp,
    sink: SmtpSink,
}

async fn mailed_with(cfg: AppConfig) -> Mailed {
    let sink = tokio::task::spawn_blocking(SmtpSink::start).await.unwrap();
    let cfg = AppConfig { smtp: Some(sink.config()), ..cfg };
    let t = spawn_app_on(&DB.get(), cfg, WebConfig::default()).await;
    Mailed { t, sink }
}

async fn mailed() -> Mailed {
    mailed_with(test_config()).await
}

/// A message as text: headers and quoted-printable bodies decoded enough
/// to read subjects and links.
fn readable(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw).replace("=\r\n", "").replace("=3D", "=")
}

impl Mailed {
    /// Sends what the outbox holds and returns every message sent to `to`
    /// so far, as text.
    async fn mails_to(&self, to: &str) -> Vec<String> {
        for _ in 0..10 {
            if self.t.app.run_outbox_once().await.unwrap() == 0 {
                break;
            }
        }
        self.sink.received().iter().filter(|m| m.rcpt_to.iter().any(|r| r == to)).map(|m| readable(&m.raw)).collect()
    }

    /// The token of the link to `path` in the last mail to `to`.
    async fn link_token(&self, to: &str, path: &str) -> String {
        let mails = self.mails_to(to).await;
        let last = mails.last().unwrap_or_else(|| panic!("no mail to {to}"));
        token_in(last, path).unwrap_or_else(|| panic!("no link to {path} in {last}"))
    }
}

fn token_in(mail: &str, path: &str) -> Option<String> {
    let marker = format!("{path}?token=");
    let at = mail.find(&marker)? + marker.len();
    Some(mail[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect())
}

async fn password_reset_by_mail_ends_every_session_and_works_once() {
    let m = mailed().await;
    let t = &m.t;
    let s = t.register("ann@example.org").await;
    let r = t.post("/api/v1/auth/password-reset", &Auth::None, json!({"email": "Ann@Example.org"})).await;
    assert_eq!(r.status, 202, "{r:?}");
    let mails = m.mails_to("ann@example.org").await;
    assert!(mails.iter().any(|m| m.contains("Subject: Reset your Tessera password")), "{mails:?}");
    let token = m.link_token("ann@example.org", "/account/reset-password").await;

    // The page shows the form for a good link, a clear 404 for a bad one.
    let mut b = Browser::new(&t.base);
    let page = b.get(&format!("/account/reset-password?token={token}")).await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("ann@example.org"));
    assert_eq!(b.get("/account/reset-password?token=nonsense").await.status, 404);

    // Bad inputs: a weak password (named), a wrong token (one answer).
    let weak =
        t.post("/api/v1/auth/password-reset/confirm", &Auth::None, json!({"token": token, "password": "short"})).await;
    assert_eq!((weak.status, weak.fields()), (422, vec!["password".to_string()]), "{weak:?}");
    let wrong = t
        .post(
            "/api/v1/auth/password-reset/confirm",
            &Auth::None,
            json!({"token": "x", "password": "a brand new password"}),
        )
        .await;
    assert_eq!((wrong.status, wrong.fields()), (422, vec!["token".to_string()]), "{wrong:?}");
    // The page refuses two different passwords, keeping the link.
    let p = b
        .submit(
            &format!("/account/reset-password?token={token}"),
            "/account/reset-password",
            &[("token", &token), ("password", "a brand new password"), ("password_again", "another one entirely")],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.html.contains("id=\"password_again-error\""), "{}", p.html);

    let ok = b
        .submit(
            &format!("/account/reset-password?token={token}"),
            "/account/reset-password",
            &[("token", &token), ("password", "a brand new password"), ("password_again", "a brand new password")],
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.html);
    assert_eq!(t.get("/api/v1/me", &Auth::Session(s)).await.status, 401, "every session ended");
    assert_eq!(t.login("ann@example.org", "correct horse battery", None).await.status, 401);
    assert_eq!(t.login("ann@example.org", "a brand new password", None).await.status, 200);
    // Used once: the same link again is refused.
    let again = t
        .post(
            "/api/v1/auth/password-reset/confirm",
            &Auth::None,
            json!({"token": token, "password": "yet another password"}),
        )
        .await;
    assert_eq!((again.status, again.fields()), (422, vec!["token".to_string()]));

    // A link expires after an hour.
    t.post("/api/v1/auth/password-reset", &Auth::None, json!({"email": "ann@example.org"})).await;
    let late = m.link_token("ann@example.org", "/account/reset-password").await;
    assert_ne!(late, token);
    t.clock.advance_secs(3601);
    let r = t
        .post(
            "/api/v1/auth/password-reset/confirm",
            &Auth::None,
            json!({"token": late, "password": "yet another password"}),
        )
        .await;
    assert_eq!((r.status, r.fields()), (422, vec!["token".to_string()]));
    assert_eq!(t.login("ann@example.org", "a brand new password", None).await.status, 200);
}

async fn password_reset_is_enumeration_safe_and_rate_limited() {
    let m = mailed_with(AppConfig { password_reset_max_per_ip: 5, password_reset_max_per_address: 2, ..test_config() })
        .await;
    let t = &m.t;
    t.register("ann@example.org").await;
    let known = t.post("/api/v1/auth/password-reset", &Auth::None, json!({"email": "ann@example.org"})).await;
    let unknown = t.post("/api/v1/auth/password-reset", &Auth::None, json!({"email": "nobody@example.org"})).await;
    assert_eq!((known.status, &known.body), (unknown.status, &unknown.body), "the same answer either way");
    assert!(m.mails_to("nobody@example.org").await.is_empty(), "nothing is sent to an address without an account");
    // The pages say the same too.
    let mut b = Browser::new(&t.base);
    let a = b.submit("/account/forgot-password", "/account/forgot-password", &[("email", "ann@example.org")]).await;
    let n = b.submit("/account/forgot-password", "/account/forgot-password", &[("email", "nobody@example.org")]).await;
    assert_eq!((a.status, n.status), (200, 200));
    assert_eq!(a.html, n.html);
    // A malformed address is named.
    let bad = t.post("/api/v1/auth/password-reset", &Auth::None, json!({"email": "not an address"})).await;
    assert_eq!((bad.status, bad.fields()), (422, vec!["email".to_string()]));
    let page = b.submit("/account/forgot-password", "/account/forgot-password", &[("email", "nope")]).await;
    assert_eq!(page.status, 422);
    assert!(page.html.contains("id=\"email-error\""));
    // Per address: ann had two already.
    let over = t.post("/api/v1/auth/password-reset", &Auth::None, json!({"email": "ann@example.org"})).await;
    assert_eq!((over.status, over.code()), (429, "rate_limited"), "{over:?}");
    assert!(over.headers.contains_key("retry-after"));
    // Per client: five in the window, whatever the address.
    let fresh = t.post("/api/v1/auth/password-reset", &Auth::None, json!({"email": "carl@example.org"})).await;
    assert_eq!(fresh.status, 202, "{fresh:?}");
    let over = t.post("/api/v1/auth/password-reset", &Auth::None, json!({"email": "dora@example.org"})).await;
    assert_eq!(over.status, 429, "{over:?}");
    t.clock.advance_secs(900);
    let later = t.post("/api/v1/auth/password-reset", &Auth::None, json!({"email": "dora@example.org"})).await;
    assert_eq!(later.status, 202, "a new window");
}

async fn address_verification_by_mail() {
    let m = mailed().await;
    let t = &m.t;
    let s = Auth::Session(t.register("ann@example.org").await);
    assert_eq!(t.get("/api/v1/me", &s).await.body["user"]["email_verified"], false);
    let mails = m.mails_to("ann@example.org").await;
    assert!(mails.iter().any(|m| m.contains("Subject: Confirm your e-mail address")), "{mails:?}");
    let first = m.link_token("ann@example.org", "/account/verify-email").await;
    // Asking again sends a new link; both work until one is used.
    assert_eq!(t.post("/api/v1/me/verify-email", &s, json!({})).await.status, 202);
    let second = m.link_token("ann@example.org", "/account/verify-email").await;
    assert_ne!(first, second);

    let mut b = Browser::new(&t.base);
    assert_eq!(b.get("/account/verify-email?token=nonsense").await.status, 404);
    assert_eq!(t.get("/api/v1/me", &s).await.body["user"]["email_verified"], false);
    let page = b.get(&format!("/account/verify-email?token={second}")).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert_eq!(t.get("/api/v1/me", &s).await.body["user"]["email_verified"], true);
    let reused = t.post("/api/v1/auth/verify-email", &Auth::None, json!({"token": second})).await;
    assert_eq!((reused.status, reused.fields()), (422, vec!["token".to_string()]));
    let done = t.post("/api/v1/me/verify-email", &s, json!({})).await;
    assert_eq!(done.status, 409, "already verified: {done:?}");

    // An unverified buyer can still do everything (here: start an organization).
    let bob = Auth::Session(t.register("bob@example.org").await);
    assert_eq!(t.post("/api/v1/orgs", &bob, json!({"name": "Bob", "slug": "bobs"})).await.status, 201);
    // A verification link expires after a day.
    let token = m.link_token("bob@example.org", "/account/verify-email").await;
    t.clock.advance_secs(24 * 3600 + 1);
    let r = t.post("/api/v1/auth/verify-email", &Auth::None, json!({"token": token})).await;
    assert_eq!(r.status, 422);
    // The security page shows the state and offers to send it again.
    b.sign_in("bob@example.org", "correct horse battery").await;
    let p = b.get("/account/security").await;
    assert_eq!(p.status, 200);
    assert!(p.html.contains("/account/verify-email/resend"), "{}", p.html);
    let sent = b.submit("/account/security", "/account/verify-email/resend", &[]).await;
    assert_eq!(sent.location.as_deref(), Some("/account/security?done=verification-sent"));
    let token = m.link_token("bob@example.org", "/account/verify-email").await;
    assert_eq!(b.get(&format!("/account/verify-email?token={token}")).await.status, 200);
    assert!(!b.get("/account/security").await.html.contains("/account/verify-email/resend"));
}

async fn invitations_by_mail_with_a_role() {
    let m = mailed().await;
    let t = &m.t;
    let (owner, org) = t.organizer("owner@example.org", "gala").await;
    let inv = t
        .post(&format!("/api/v1/orgs/{org}/invitations"), &owner, json!({"email": "bob@example.org", "role": "staff"}))
        .await;
    assert_eq!(inv.status, 201, "{inv:?}");
    let list = t.get(&format!("/api/v1/orgs/{org}/invitations"), &owner).await;
    assert_eq!(list.body.as_array().unwrap().len(), 1);
    assert_eq!(list.body[0]["email"], "bob@example.org");
    // Bad inputs: the same address again, an address that is a member, no address.
    let dup = t
        .post(&format!("/api/v1/orgs/{org}/invitations"), &owner, json!({"email": "bob@example.org", "role": "admin"}))
        .await;
    assert_eq!((dup.status, dup.fields()), (409, vec!["email".to_string()]), "{dup:?}");
    let member = t
        .post(
            &format!("/api/v1/orgs/{org}/invitations"),
            &owner,
            json!({"email": "owner@example.org", "role": "staff"}),
        )
        .await;
    assert_eq!(member.status, 409);
    let bad =
        t.post(&format!("/api/v1/orgs/{org}/invitations"), &owner, json!({"email": "nope", "role": "staff"})).await;
    assert_eq!(bad.status, 422);
    let role = t
        .post(&format!("/api/v1/orgs/{org}/invitations"), &owner, json!({"email": "x@example.org", "role": "king"}))
        .await;
    assert_eq!(role.status, 422);

    let mails = m.mails_to("bob@example.org").await;
    assert!(mails.iter().any(|m| m.contains("Subject: Join gala on Tessera")), "{mails:?}");
    let token = m.link_token("bob@example.org", "/account/invitation").await;

    // Signed out, the page says what it is and how to accept.
    let mut b = Browser::new(&t.base);
    let p = b.get(&format!("/account/invitation?token={token}")).await;
    assert_eq!(p.status, 200);
    assert!(p.html.contains("/account/sign-in?next="), "{}", p.html);
    assert_eq!(b.get("/account/invitation?token=nonsense").await.status, 404);
    // Someone else cannot accept it.
    let carl = Auth::Session(t.register("carl@example.org").await);
    let r = t.post("/api/v1/invitations/accept", &carl, json!({"token": token})).await;
    assert_eq!(r.status, 403, "{r:?}");
    // Bob signs up with the invited address and accepts on the page.
    t.register("bob@example.org").await;
    b.sign_in("bob@example.org", "correct horse battery").await;
    let accepted =
        b.submit(&format!("/account/invitation?token={token}"), "/account/invitation", &[("token", &token)]).await;
    assert_eq!(accepted.status, 303, "{}", accepted.html);
    assert_eq!(accepted.location.as_deref(), Some(format!("/dashboard/orgs/{org}").as_str()));
    let members = t.get(&format!("/api/v1/orgs/{org}/members"), &owner).await;
    let bob = members.body.as_array().unwrap().iter().find(|m| m["email"] == "bob@example.org").cloned().unwrap();
    assert_eq!(bob["role"], "staff");
    assert!(t.get(&format!("/api/v1/orgs/{org}/invitations"), &owner).await.body.as_array().unwrap().is_empty());
    let csrf = b.get("/account/security").await.csrf();
    let again = b.post("/account/invitation", &[("csrf", &csrf), ("token", &token)]).await;
    assert_eq!(again.status, 422, "used once");

    // Revoked invitations stop working; revoking twice is a 404.
    let dan = t
        .post(
            &format!("/api/v1/orgs/{org}/invitations"),
            &owner,
            json!({"email": "dan@example.org", "role": "scanner"}),
        )
        .await;
    let id = dan.body["id"].as_str().unwrap().to_string();
    let dan_token = m.link_token("dan@example.org", "/account/invitation").await;
    let rv = t.req(reqwest::Method::DELETE, &format!("/api/v1/orgs/{org}/invitations/{id}"), &owner, None).await;
    assert_eq!(rv.status, 204);
    let rv = t.req(reqwest::Method::DELETE, &format!("/api/v1/orgs/{org}/invitations/{id}"), &owner, None).await;
    assert_eq!(rv.status, 404);
    let dan = Auth::Session(t.register("dan@example.org").await);
    let r = t.post("/api/v1/invitations/accept", &dan, json!({"token": dan_token})).await;
    assert_eq!((r.status, r.fields()), (422, vec!["token".to_string()]));
    // Only owners invite owners; staff invite nobody.
    let bob_auth = Auth::Session(session_from(&t.login("bob@example.org", "correct horse battery", None).await));
    let r = t
        .post(&format!("/api/v1/orgs/{org}/invitations"), &bob_auth, json!({"email": "e@example.org", "role": "staff"}))
        .await;
    assert_eq!(r.status, 403);
    // Invitations expire after seven days.
    t.post(&format!("/api/v1/orgs/{org}/invitations"), &owner, json!({"email": "eve@example.org", "role": "admin"}))
        .await;
    let eve_token = m.link_token("eve@example.org", "/account/invitation").await;
    t.clock.advance_secs(7 * 24 * 3600 + 1);
    let eve = Auth::Session(t.register("eve@example.org").await);
    let r = t.post("/api/v1/invitations/accept", &eve, json!({"token": eve_token})).await;
    assert_eq!(r.status, 422);
}

/// The key shown on the security page.
fn secret_on(html: &str) -> String {
    let marker = "id=\"totp-secret\">";
    let at = html.find(marker).unwrap_or_else(|| panic!("no key in {html}")) + marker.len();
    html[at..].split('<').next().unwrap().to_string()
}

fn code_now(t: &TestApp, secret: &str) -> String {
    let key = totp::decode_secret(secret).unwrap();
    totp::code_at(&key, t.clock.now().as_second() / totp::STEP_SECS)
}

async fn two_factor_enrolment_in_the_pages_with_recovery_codes() {
    let t = spawn_app_on(&DB.get(), test_config(), WebConfig::default()).await;
    t.register("ann@example.org").await;
    let mut b = Browser::new(&t.base);
    b.sign_in("ann@example.org", "correct horse battery").await;
    let p = b.get("/account/security").await;
    assert!(p.html.contains("/account/security/totp/setup"));
    let r = b.submit("/account/security", "/account/security/totp/setup", &[]).await;
    assert_eq!(r.status, 303);
    let p = b.get("/account/security").await;
    assert!(p.html.contains("data:image/svg+xml;base64,"), "a QR code: {}", p.html);
    let secret = secret_on(&p.html);
    // A wrong code is named on its field; nothing changes.
    let wrong = b.submit("/account/security", "/account/security/totp/enable", &[("code", "000000")]).await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.html.contains("id=\"code-error\""), "{}", wrong.html);
    let wrong = b.submit("/account/security", "/account/security/totp/enable", &[("code", "abc")]).await;
    assert_eq!(wrong.status, 422);
    let code = code_now(&t, &secret);
    let on = b.submit("/account/security", "/account/security/totp/enable", &[("code", &code)]).await;
    assert_eq!(on.status, 200, "{}", on.html);
    let codes: Vec<String> =
        on.html.split("<li><code>").skip(1).map(|s| s.split('<').next().unwrap().to_string()).collect();
    assert_eq!(codes.len(), 10, "{}", on.html);
    assert!(b.get("/account/security").await.html.contains("10"), "codes left shown");

    // Sign-in needs a code now: a recovery code works once, in any case.
    assert_eq!(t.login("ann@example.org", "correct horse battery", None).await.code(), "totp_required");
    let with_recovery = t.login("ann@example.org", "correct horse battery", Some(&codes[0].to_uppercase())).await;
    assert_eq!(with_recovery.status, 200, "{with_recovery:?}");
    assert_eq!(t.login("ann@example.org", "correct horse battery", Some(&codes[0])).await.status, 401);
    assert_eq!(t.login("ann@example.org", "correct horse battery", Some("aaaa-bbbb-cccc-dddd")).await.status, 401);
    t.clock.advance_secs(30);
    let with_code = t.login("ann@example.org", "correct horse battery", Some(&code_now(&t, &secret))).await;
    assert_eq!(with_code.status, 200);
    // On the sign-in page too.
    let mut c = Browser::new(&t.base);
    let p = c
        .submit(
            "/account/sign-in",
            "/account/sign-in",
            &[("email", "ann@example.org"), ("password", "correct horse battery"), ("totp_code", &codes[1])],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.html);

    // Turning it off needs the password and a code.
    t.clock.advance_secs(30);
    let code = code_now(&t, &secret);
    let r = b
        .submit(
            "/account/security",
            "/account/security/totp/disable",
            &[("disable_password", "wrong password!"), ("disable_code", &code)],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.html.contains("id=\"disable_password-error\""));
    let r = b
        .submit(
            "/account/security",
            "/account/security/totp/disable",
            &[("disable_password", "correct horse battery"), ("disable_code", "123456")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.html.contains("id=\"disable_code-error\""));
    let r = b
        .submit(
            "/account/security",
            "/account/security/totp/disable",
            &[("disable_password", "correct horse battery"), ("disable_code", &code)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.html);
    assert_eq!(t.login("ann@example.org", "correct horse battery", None).await.status, 200);
    assert_eq!(
        t.store.recovery_codes_left(with_email(&t, "ann@example.org").await).await.unwrap(),
        0,
        "the codes went too"
    );
}

async fn staff_without_two_factor_are_sent_to_enrol() {
    let t = spawn_app_on(&DB.get(), test_config(), WebConfig::default()).await;
    let (_, org) = t.organizer("owner@example.org", "gala").await;
    t.register("bob@example.org").await;
    let org_id: tessera_domain::OrgId = org.parse().unwrap();
    let bob = with_email(&t, "bob@example.org").await;
    t.store.set_membership(org_id, bob, Some(tessera_domain::Role::Staff), t.clock.now()).await.unwrap();
    let mut o = t.store.org(org_id).await.unwrap().unwrap();
    o.require_two_factor = true;
    t.store.update_org(&o).await.unwrap();
    let mut b = Browser::new(&t.base);
    b.sign_in("bob@example.org", "correct horse battery").await;
    let p = b.get(&format!("/dashboard/orgs/{org}")).await;
    assert_eq!(p.status, 303, "{}", p.html);
    assert_eq!(p.location.as_deref(), Some("/account/security?required=1#two-factor"));
    let page = b.get("/account/security?required=1").await;
    assert!(page.html.contains("requires two-factor sign-in"), "{}", page.html);
}

async fn with_email(t: &TestApp, email: &str) -> tessera_domain::UserId {
    let email = tessera_domain::account::Email::parse(email).unwrap();
    t.store.user_by_email(&email).await.unwrap().unwrap().id
}

async fn the_team_page_invites_lists_withdraws_and_requires_two_factor() {
    let m = mailed().await;
    let t = &m.t;
    let (owner, org) = t.organizer("owner@example.org", "gala").await;
    let _ = owner;
    let mut b = Browser::new(&t.base);
    b.sign_in("owner@example.org", "correct horse battery").await;
    let team = format!("/dashboard/orgs/{org}/team");
    let page = b.get(&team).await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("No pending invitations."), "{}", page.html);
    // Bad inputs are named next to their fields, values kept.
    let bad =
        b.submit(&team, &format!("{team}/invitations"), &[("invite_email", "bob-at"), ("invite_role", "king")]).await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.html.contains("id=\"invite_email-error\"") && bad.html.contains("id=\"invite_role-error\""),
        "{}",
        bad.html
    );
    assert!(bad.html.contains("value=\"bob-at\""));
    let sent = b
        .submit(
            &team,
            &format!("{team}/invitations"),
            &[("invite_email", "bob@example.org"), ("invite_role", "scanner")],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.html);
    let page = b.get(&format!("{team}?done=invited")).await;
    assert!(page.html.contains("The invitation was sent.") && page.html.contains("bob@example.org"), "{}", page.html);
    assert!(m.link_token("bob@example.org", "/account/invitation").await.len() > 20);
    let again = b
        .submit(&team, &format!("{team}/invitations"), &[("invite_email", "bob@example.org"), ("invite_role", "staff")])
        .await;
    assert_eq!(again.status, 409);
    assert!(again.html.contains("already has a pending invitation"));
    // Withdrawing goes through the confirmation form.
    let id = t.get(&format!("/api/v1/orgs/{org}/invitations"), &owner_auth(t).await).await.body[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(page.html.contains(&format!("{team}/invitations/{id}/revoke")));
    let gone = b.submit(&team, &format!("{team}/invitations/{id}/revoke"), &[]).await;
    assert_eq!(gone.status, 303);
    assert!(b.get(&team).await.html.contains("No pending invitations."));
    // The Chinese page speaks Chinese.
    let zh = b.get(&format!("{team}?lang=zh-CN")).await;
    assert!(zh.html.contains("邀请成员") && zh.html.contains("所有者"), "{}", zh.html);
    // The two-factor requirement is switched here.
    let on = b.submit(&team, &format!("{team}/two-factor"), &[("require_two_factor", "on")]).await;
    assert_eq!(on.status, 303);
    let o = t.store.org(org.parse().unwrap()).await.unwrap().unwrap();
    assert!(o.require_two_factor);
}

async fn owner_auth(t: &TestApp) -> Auth {
    Auth::Session(session_from(&t.login("owner@example.org", "correct horse battery", None).await))
}
