//! Registration, login, logout, the current account and its TOTP settings.

use super::*;
use crate::extract::{ClientIp, SESSION_COOKIE};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use tessera_app::auth::{Credentials, NewSession, Registration, TotpEnrollment};
use tessera_app::orgs::OrgWithRole;
use tessera_domain::Timestamp;
use tessera_domain::account::User;

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct SessionResponse {
    pub user: User,
    /// Send back as `X-CSRF-Token` on every state-changing request made with the session cookie.
    pub csrf_token: String,
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct MeResponse {
    pub user: User,
    pub csrf_token: Option<String>,
    pub organizations: Vec<OrgWithRole>,
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpCode {
    /// Six digits from the authenticator app.
    #[schema(min_length = 6, max_length = 6, pattern = "^[0-9]{6}$")]
    pub code: String,
}

fn session_cookie(state: &AppState, value: &str, max_age_secs: i64) -> HeaderValue {
    let secure = if state.web.cookie_secure { "; Secure" } else { "" };
    let v = format!("{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}");
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static("tessera_session=; Max-Age=0"))
}

fn session_response(state: &AppState, status: StatusCode, user: User, s: NewSession) -> Response {
    let max_age = (s.expires_at.as_second() - state.app.now().as_second()).max(0);
    let mut headers = HeaderMap::new();
    headers.insert(header::SET_COOKIE, session_cookie(state, &s.token, max_age));
    (status, headers, Json(SessionResponse { user, csrf_token: s.csrf_token, expires_at: s.expires_at }))
        .into_response()
}

/// Create an account and sign in.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth", request_body = Registration,
    responses((status = 201, description = "Signed in; the session cookie is set. An address that already has an account gets the same answer, but no account is made and the session signs nobody in, so the answer does not reveal which addresses have accounts", body = SessionResponse),
              (status = 422, body = ErrorBody),
              (status = 429, description = "Too many sign-ups from this client; see Retry-After", body = ErrorBody)))]
pub async fn register(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(r): ApiJson<Registration>,
) -> ApiResult<Response> {
    let (user, session) = s.app.register(&ip, r).await?;
    Ok(session_response(&s, StatusCode::CREATED, user, session))
}

/// Sign in with e-mail, password and, when enabled, a TOTP code.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = Credentials,
    responses((status = 200, description = "Signed in; the session cookie is set", body = SessionResponse),
              (status = 401, description = "`invalid_credentials` or `totp_required`", body = ErrorBody),
              (status = 429, description = "Too many attempts; see Retry-After", body = ErrorBody)))]
pub async fn login(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(c): ApiJson<Credentials>,
) -> ApiResult<Response> {
    let (user, session) = s.app.login(&ip, c).await?;
    Ok(session_response(&s, StatusCode::OK, user, session))
}

/// End the current session.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204, description = "Signed out; the cookie is cleared"), (status = 403, body = ErrorBody)),
    security(("session" = [])))]
pub async fn logout(State(s): State<AppState>, caller: Caller) -> ApiResult<Response> {
    if let Some(token) = &caller.session_token {
        s.app.logout(token).await?;
    }
    let mut headers = HeaderMap::new();
    headers.insert(header::SET_COOKIE, session_cookie(&s, "", 0));
    Ok((StatusCode::NO_CONTENT, headers).into_response())
}

/// The signed-in account, its CSRF token and its organizations.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth",
    responses((status = 200, body = MeResponse), (status = 401, body = ErrorBody)),
    security(("session" = [])))]
pub async fn me(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<MeResponse>> {
    let user = caller.actor.user()?.clone();
    let organizations = s.app.my_orgs(&caller.actor).await?;
    Ok(Json(MeResponse { user, csrf_token: caller.csrf_token, organizations }))
}

/// Start TOTP enrolment: returns a new secret to add to an authenticator app.
#[utoipa::path(post, path = "/api/v1/me/totp/setup", tag = "auth",
    responses((status = 200, body = TotpEnrollment), (status = 409, body = ErrorBody)),
    security(("session" = [])))]
pub async fn totp_setup(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<TotpEnrollment>> {
    Ok(Json(s.app.totp_setup(caller.actor.user()?).await?))
}

/// Two-factor authentication turned on, with its recovery codes.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TotpEnabled {
    /// Ten single-use codes that sign in (or turn two-factor off) without
    /// the authenticator app. Shown this once: only their hashes are kept.
    pub recovery_codes: Vec<String>,
}

/// Confirm enrolment with a current code; from then on login needs a code.
/// The answer carries the recovery codes, shown only here.
#[utoipa::path(post, path = "/api/v1/me/totp/enable", tag = "auth", request_body = TotpCode,
    responses((status = 200, body = TotpEnabled), (status = 409, body = ErrorBody, description = "Already enabled"),
        (status = 422, body = ErrorBody)), security(("session" = [])))]
pub async fn totp_enable(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(c): ApiJson<TotpCode>,
) -> ApiResult<Json<TotpEnabled>> {
    let recovery_codes = s.app.totp_enable_with_recovery(caller.actor.user()?, &c.code).await?;
    Ok(Json(TotpEnabled { recovery_codes }))
}

/// Turn TOTP off (needs a current code); its recovery codes go with it.
#[utoipa::path(post, path = "/api/v1/me/totp/disable", tag = "auth", request_body = TotpCode,
    responses((status = 204), (status = 409, body = ErrorBody, description = "Not enabled"),
        (status = 422, body = ErrorBody)), security(("session" = [])))]
pub async fn totp_disable(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(c): ApiJson<TotpCode>,
) -> ApiResult<StatusCode> {
    s.app.totp_disable(caller.actor.user()?, &c.code).await?;
    Ok(StatusCode::NO_CONTENT)
}
