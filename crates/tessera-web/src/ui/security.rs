//! Account security pages: forgotten password and reset, address
//! verification, the account's security page (address, two-factor
//! enrolment with recovery codes, turning it off), and accepting an
//! invitation into an organization.
//!
//! What needs a verified address: nothing that would lock a person out.
//! Buying tickets, signing in, creating an organization and accepting an
//! invitation (whose link itself proves the address) all work unverified;
//! the address shows as unverified on the security page, with a button to
//! send the link again.

use super::shell::{Filled, Shell, Text, render, t, t_args};
use super::{Extras, csrf_ok, csrf_token, error_page, form, form_expired_page, lang, redirect, signed_in, viewer};
use crate::AppState;
use crate::extract::ClientIp;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use std::collections::HashMap;
use tessera_app::AppError;
use tessera_app::account::InvitationInfo;
use tessera_domain::Role;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account/forgot-password", get(forgot_page).post(forgot))
        .route("/account/reset-password", get(reset_page).post(reset))
        .route("/account/verify-email", get(verify))
        .route("/account/verify-email/resend", post(resend_verification))
        .route("/account/security", get(security_page))
        .route("/account/security/totp/setup", post(totp_setup))
        .route("/account/security/totp/enable", post(totp_enable))
        .route("/account/security/totp/disable", post(totp_disable))
        .route("/account/invitation", get(invitation_page).post(accept_invitation))
}

type Errors = Vec<(String, String)>;

/// An app refusal as messages next to the fields, in the catalogs' words;
/// anything that is not about a field becomes its page.
fn field_errors(e: AppError) -> Result<Errors, Response> {
    let msg = |field: &str| match field {
        "token" => t("security-link-invalid"),
        "password" => t("security-password-weak"),
        "code" => t("security-code-wrong"),
        "email" => t("security-email-invalid"),
        _ => t("security-check-field"),
    };
    match e {
        AppError::Invalid(v) => Ok(v.fields.iter().map(|f| (f.field.clone(), msg(&f.field))).collect()),
        AppError::RateLimited { .. } => Ok(vec![("email".into(), t("security-too-many"))]),
        AppError::Conflict { field, .. } if field == "code" || field == "totp" => {
            Ok(vec![("code".into(), t("security-code-wrong"))])
        }
        other => Err(error_page(other)),
    }
}

fn cookies(set: Option<String>) -> Vec<String> {
    set.into_iter().collect()
}

// ------------------------------------------------------- forgot password

#[derive(askama::Template)]
#[template(path = "security/forgot.html")]
struct Forgot<'a> {
    shell: Shell,
    csrf: String,
    values: Filled<'a>,
    errors: &'a [(String, String)],
}

fn forgot_form(
    status: StatusCode,
    csrf: String,
    cookies: &[String],
    values: &HashMap<String, String>,
    errors: &[(String, String)],
) -> Response {
    let page = Forgot {
        shell: Shell::new(t("security-forgot-title"), &Extras::default()),
        csrf,
        values: Filled(values),
        errors,
    };
    render(status, &page, cookies)
}

async fn forgot_page(headers: HeaderMap) -> Response {
    let (csrf, set) = csrf_token(&headers);
    forgot_form(StatusCode::OK, csrf, &cookies(set), &HashMap::new(), &[])
}

async fn forgot(State(s): State<AppState>, ClientIp(ip): ClientIp, headers: HeaderMap, body: Bytes) -> Response {
    let values = form(&body);
    if !csrf_ok(&headers, &values) {
        return form_expired_page("/account/forgot-password");
    }
    let email = values.get("email").map(|v| v.trim().to_string()).unwrap_or_default();
    let (status, errors) = match s.app.request_password_reset(&ip, &email, lang()).await {
        // The same page whether or not the address has an account.
        Ok(()) => {
            return super::shell::message(
                StatusCode::OK,
                "security-forgot-sent-title",
                vec![t("security-forgot-sent"), t("security-forgot-sent-spam")],
                Some(("/account/sign-in".into(), t("security-back-to-sign-in"))),
            );
        }
        Err(e @ AppError::RateLimited { .. }) => (StatusCode::TOO_MANY_REQUESTS, field_errors(e)),
        Err(e) => (StatusCode::UNPROCESSABLE_ENTITY, field_errors(e)),
    };
    let errors = match errors {
        Ok(e) => e,
        Err(page) => return page,
    };
    let (csrf, _) = csrf_token(&headers);
    forgot_form(status, csrf, &[], &values, &errors)
}

// -------------------------------------------------------- reset password

#[derive(askama::Template)]
#[template(path = "security/reset.html")]
struct Reset<'a> {
    shell: Shell,
    csrf: String,
    token: String,
    email: String,
    errors: &'a [(String, String)],
}

fn link_invalid(status: StatusCode, again: (&str, &str)) -> Response {
    super::shell::message(
        status,
        "security-link-invalid-title",
        vec![t("security-link-invalid")],
        Some((again.0.to_string(), t(again.1))),
    )
}

async fn reset_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let token = q.get("token").cloned().unwrap_or_default();
    let user = match s.app.password_reset_account(&token).await {
        Ok(u) => u,
        Err(AppError::Invalid(_)) => {
            return link_invalid(StatusCode::NOT_FOUND, ("/account/forgot-password", "security-forgot-again"));
        }
        Err(e) => return error_page(e),
    };
    let (csrf, set) = csrf_token(&headers);
    let page = Reset {
        shell: Shell::new(t("security-reset-title"), &Extras::default()),
        csrf,
        token,
        email: user.email.to_string(),
        errors: &[],
    };
    render(StatusCode::OK, &page, &cookies(set))
}

async fn reset(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let values = form(&body);
    if !csrf_ok(&headers, &values) {
        return form_expired_page("/account/forgot-password");
    }
    let token = values.get("token").cloned().unwrap_or_default();
    let password = values.get("password").cloned().unwrap_or_default();
    let mut errors: Errors = vec![];
    if values.get("password_again").map(String::as_str).unwrap_or("") != password {
        errors.push(("password_again".into(), t("security-password-mismatch")));
    }
    if errors.is_empty() {
        match s.app.reset_password(&token, password).await {
            Ok(()) => {
                return super::shell::message(
                    StatusCode::OK,
                    "security-reset-done-title",
                    vec![t("security-reset-done")],
                    Some(("/account/sign-in".into(), t("shell-sign-in"))),
                );
            }
            Err(e) => match field_errors(e) {
                Ok(f) if f.iter().any(|(k, _)| k == "token") => {
                    return link_invalid(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        ("/account/forgot-password", "security-forgot-again"),
                    );
                }
                Ok(f) => errors = f,
                Err(page) => return page,
            },
        }
    }
    let email = match s.app.password_reset_account(&token).await {
        Ok(u) => u.email.to_string(),
        Err(_) => {
            return link_invalid(
                StatusCode::UNPROCESSABLE_ENTITY,
                ("/account/forgot-password", "security-forgot-again"),
            );
        }
    };
    let (csrf, _) = csrf_token(&headers);
    let page =
        Reset { shell: Shell::new(t("security-reset-title"), &Extras::default()), csrf, token, email, errors: &errors };
    render(StatusCode::UNPROCESSABLE_ENTITY, &page, &[])
}

// ---------------------------------------------------------- verification

/// The link in the verification e-mail: following it is the proof.
async fn verify(State(s): State<AppState>, Query(q): Query<HashMap<String, String>>) -> Response {
    let token = q.get("token").cloned().unwrap_or_default();
    match s.app.verify_email(&token).await {
        Ok(_) => super::shell::message(
            StatusCode::OK,
            "security-verified-title",
            vec![t("security-verified")],
            Some(("/account".into(), t("security-to-account"))),
        ),
        Err(AppError::Invalid(_)) => link_invalid(StatusCode::NOT_FOUND, ("/account/security", "security-to-security")),
        Err(e) => error_page(e),
    }
}

async fn resend_verification(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let values = form(&body);
    if !csrf_ok(&headers, &values) {
        return form_expired_page("/account/security");
    }
    let (v, _) = match signed_in("/account/security") {
        Ok(x) => x,
        Err(r) => return r,
    };
    match s.app.send_verification(&v.user, lang()).await {
        Ok(()) => redirect("/account/security?done=verification-sent", &[]),
        Err(AppError::Conflict { .. }) => redirect("/account/security", &[]),
        Err(AppError::RateLimited { .. }) => redirect("/account/security?done=too-many", &[]),
        Err(e) => error_page(e),
    }
}

// ---------------------------------------------------- the security page

/// The enrolment in progress: the secret to type and its QR code.
struct Enrolment {
    secret: String,
    /// `data:` URL of the QR code's SVG (the CSP allows data images).
    qr: String,
}

#[derive(askama::Template)]
#[template(path = "security/security.html")]
struct Security<'a> {
    shell: Shell,
    csrf: String,
    email: String,
    verified: bool,
    totp_enabled: bool,
    codes_left: i64,
    enrolment: Option<Enrolment>,
    /// Sent here because an organization requires two-factor sign-in.
    required: bool,
    /// The message after a redirect.
    notice: Option<String>,
    errors: &'a [(String, String)],
}

async fn security_view(
    s: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    errors: &[(String, String)],
    notice: Option<String>,
    required: bool,
) -> Response {
    let (v, _) = match signed_in("/account/security") {
        Ok(x) => x,
        Err(r) => return r,
    };
    // The viewer of this request may be older than a change just made.
    let user = match s.app.store.user_auth(v.user.id).await {
        Ok(Some(a)) => a.user,
        Ok(None) => return super::not_found_page(),
        Err(e) => return error_page(e.into()),
    };
    let codes_left = if user.totp_enabled { s.app.recovery_codes_left(&user).await.unwrap_or(0) } else { 0 };
    let enrolment = match s.app.totp_pending(&user).await {
        Ok(Some(e)) => Some(Enrolment {
            secret: e.secret,
            qr: tessera_render::qr_svg(&e.otpauth_uri)
                .map(|svg| format!("data:image/svg+xml;base64,{}", data_encoding::BASE64.encode(svg.as_bytes())))
                .unwrap_or_default(),
        }),
        Ok(None) => None,
        Err(e) => return error_page(e),
    };
    let (csrf, set) = csrf_token(headers);
    let page = Security {
        shell: Shell::new(t("security-title"), &Extras::default()),
        csrf,
        email: user.email.to_string(),
        verified: user.email_verified,
        totp_enabled: user.totp_enabled,
        codes_left,
        enrolment,
        required,
        notice,
        errors,
    };
    render(status, &page, &cookies(set))
}

async fn security_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let notice = match q.get("done").map(String::as_str) {
        Some("verification-sent") => Some(t("security-verification-sent")),
        Some("too-many") => Some(t("security-too-many")),
        Some("totp-disabled") => Some(t("security-totp-disabled")),
        _ => None,
    };
    security_view(&s, &headers, StatusCode::OK, &[], notice, q.contains_key("required")).await
}

async fn totp_setup(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let values = form(&body);
    if !csrf_ok(&headers, &values) {
        return form_expired_page("/account/security");
    }
    let (v, _) = match signed_in("/account/security") {
        Ok(x) => x,
        Err(r) => return r,
    };
    match s.app.totp_setup(&v.user).await {
        Ok(_) | Err(AppError::Conflict { .. }) => redirect("/account/security#enrol", &[]),
        Err(e) => error_page(e),
    }
}

#[derive(askama::Template)]
#[template(path = "security/recovery_codes.html")]
struct RecoveryCodes {
    shell: Shell,
    codes: Vec<String>,
}

async fn totp_enable(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let values = form(&body);
    if !csrf_ok(&headers, &values) {
        return form_expired_page("/account/security");
    }
    let (v, _) = match signed_in("/account/security") {
        Ok(x) => x,
        Err(r) => return r,
    };
    let code = values.get("code").map(|c| c.trim().to_string()).unwrap_or_default();
    match s.app.totp_enable_with_recovery(&v.user, &code).await {
        // Shown once, on this answer only: nothing keeps them in clear.
        Ok(codes) => {
            let page = RecoveryCodes { shell: Shell::new(t("security-codes-title"), &Extras::default()), codes };
            render(StatusCode::OK, &page, &[])
        }
        Err(e) => match field_errors(e) {
            Ok(errors) => security_view(&s, &headers, StatusCode::UNPROCESSABLE_ENTITY, &errors, None, false).await,
            Err(page) => page,
        },
    }
}

async fn totp_disable(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let values = form(&body);
    if !csrf_ok(&headers, &values) {
        return form_expired_page("/account/security");
    }
    let (v, _) = match signed_in("/account/security") {
        Ok(x) => x,
        Err(r) => return r,
    };
    let code = values.get("disable_code").map(|c| c.trim().to_string()).unwrap_or_default();
    let password = values.get("disable_password").cloned().unwrap_or_default();
    match s.app.totp_disable_with_password(&v.user, password, &code).await {
        Ok(()) => redirect("/account/security?done=totp-disabled", &[]),
        Err(e) => {
            let errors = match e {
                AppError::Invalid(v) => v
                    .fields
                    .iter()
                    .map(|f| match f.field.as_str() {
                        "password" => ("disable_password".to_string(), t("security-password-wrong")),
                        _ => ("disable_code".to_string(), t("security-code-wrong")),
                    })
                    .collect(),
                AppError::Conflict { .. } => vec![("disable_code".to_string(), t("security-code-wrong"))],
                other => return error_page(other),
            };
            security_view(&s, &headers, StatusCode::UNPROCESSABLE_ENTITY, &errors, None, false).await
        }
    }
}

// ------------------------------------------------------------ invitations

#[derive(askama::Template)]
#[template(path = "security/invitation.html")]
struct Invitation {
    shell: Shell,
    csrf: String,
    token: String,
    info: InvitationInfo,
    role: String,
    /// The viewer's address, when signed in.
    signed_in_as: Option<String>,
    /// `/account/sign-in?next=` back to this invitation.
    sign_in_href: String,
}

impl Invitation {
    fn matches(&self) -> bool {
        self.signed_in_as.as_deref() == Some(self.info.email.as_str())
    }
}

fn role_name(r: Role) -> String {
    t(match r {
        Role::Owner => "security-role-owner",
        Role::Admin => "security-role-admin",
        Role::Staff => "security-role-staff",
        Role::Scanner => "security-role-scanner",
    })
}

async fn invitation_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let token = q.get("token").cloned().unwrap_or_default();
    let info = match s.app.invitation(&token).await {
        Ok(i) => i,
        Err(AppError::Invalid(_)) => return link_invalid(StatusCode::NOT_FOUND, ("/", "security-to-events")),
        Err(e) => return error_page(e),
    };
    let here = format!("/account/invitation?token={token}");
    let next: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
    let (csrf, set) = csrf_token(&headers);
    let page = Invitation {
        shell: Shell::new(
            t_args("security-invitation-title", &[("org", info.org_name.clone().into())]),
            &Extras::default(),
        ),
        csrf,
        token,
        role: role_name(info.role),
        info,
        signed_in_as: viewer().map(|v| v.user.email.to_string()),
        sign_in_href: format!("/account/sign-in?next={next}"),
    };
    render(StatusCode::OK, &page, &cookies(set))
}

async fn accept_invitation(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let values = form(&body);
    let token = values.get("token").cloned().unwrap_or_default();
    if !csrf_ok(&headers, &values) {
        return form_expired_page(&format!("/account/invitation?token={token}"));
    }
    let here = format!("/account/invitation?token={token}");
    let (v, _) = match signed_in(&here) {
        Ok(x) => x,
        Err(r) => return r,
    };
    match s.app.accept_invitation(&v.user, &token).await {
        Ok(info) => redirect(&format!("/dashboard/orgs/{}", info.org_id), &[]),
        Err(AppError::Invalid(_)) => link_invalid(StatusCode::UNPROCESSABLE_ENTITY, ("/", "security-to-events")),
        Err(AppError::Forbidden(_)) => super::shell::message(
            StatusCode::FORBIDDEN,
            "security-invitation-other-title",
            vec![t("security-invitation-other")],
            None,
        ),
        Err(e) => error_page(e),
    }
}
