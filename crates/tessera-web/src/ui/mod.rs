//! The web UI: server-rendered HTML pages for buyers, organizers, gate staff
//! and platform admins, with small ES modules (embedded, see [`assets`]) as
//! progressive enhancement. Every page calls the same `tessera-app`
//! functions as the JSON API; no business rule lives here or in a script.
//!
//! Shared here: the page shell, the language of a request ([`tr`] and the
//! per-module Chinese catalogs), the signed-in viewer, CSRF tokens for
//! forms, escaping and the error pages.
//!
//! Forms carry a token that must equal a `SameSite=Strict`, HttpOnly cookie
//! (double submit); scripts that call the JSON API send the session's own
//! CSRF token, which the page puts in `<meta name="csrf-token">`.

// Handlers return the page to show instead as the error of their helpers'
// results: one per request, on the way out, so its size does not matter.
#![allow(clippy::result_large_err)]

pub(crate) mod account;
pub(crate) mod admin;
pub(crate) mod assets;
pub(crate) mod boxoffice;
pub(crate) mod dashboard;
pub(crate) mod media;
pub(crate) mod membership;
pub(crate) mod memberships;
pub(crate) mod orders;
pub(crate) mod overview;
pub(crate) mod points;
pub(crate) mod pricing;
pub(crate) mod redeem;
pub(crate) mod resale;
pub(crate) mod scanner;
pub(crate) mod seat_editor;
pub(crate) mod seats;
pub(crate) mod security;
pub(crate) mod series;
pub(crate) mod series_dashboard;
pub(crate) mod settings;
pub(crate) mod shell;
pub(crate) mod storefront;
pub(crate) mod tiers;
pub(crate) mod transfers;
pub(crate) mod waitlist;

use crate::AppState;
use crate::extract::SESSION_COOKIE;
use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::Arc;
use tessera_app::AppError;
use tessera_domain::account::User;
use tessera_domain::catalog::Category;
use tessera_domain::{Currency, Money};
use tessera_mail::Locale;

/// Scripts and styles only from this server; no inline code of either kind.
pub(crate) const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
                              connect-src 'self'; media-src 'self' blob:; worker-src 'self'; manifest-src 'self'; \
                              form-action 'self' https:; frame-ancestors 'none'; base-uri 'none'";
const CSRF_COOKIE: &str = "tessera_form";
const LANG_COOKIE: &str = "tessera_lang";

/// Who is looking at the page: the account behind the session cookie.
#[derive(Debug, Clone)]
pub(crate) struct Viewer {
    pub user: User,
    /// The session's token for `X-CSRF-Token`, for scripts calling the API.
    pub api_csrf: String,
    /// The session cookie's value (to sign out).
    pub session: String,
    /// A member of some organization: sees the dashboard and the scanner.
    pub staff: bool,
}

/// What every page of this server says, whoever asks.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Site {
    /// Organizations may take test payments in the sandbox.
    pub test_mode: bool,
}

tokio::task_local! {
    /// The page language of the current request (see [`context`]).
    static LANG: Locale;
    /// The signed-in viewer of the current request, if any.
    static VIEWER: Option<Arc<Viewer>>;
    static SITE: Site;
    /// The request came over TLS or the server's public URL is https.
    static SECURE: bool;
}

pub(crate) fn site() -> Site {
    SITE.try_with(|s| *s).unwrap_or_default()
}

/// `; Secure` for the cookies the pages set, when the visitor is on HTTPS
/// (the connection is TLS, or the public URL is https behind a proxy).
pub(crate) fn secure_attr() -> &'static str {
    if SECURE.try_with(|s| *s).unwrap_or(false) { "; Secure" } else { "" }
}

pub(crate) fn lang() -> Locale {
    LANG.try_with(|l| *l).unwrap_or_default()
}

/// The page language, on a page's request only.
pub(crate) fn page_lang() -> Option<Locale> {
    LANG.try_with(|l| *l).ok()
}

pub(crate) fn viewer() -> Option<Arc<Viewer>> {
    VIEWER.try_with(Clone::clone).ok().flatten()
}

/// Every UI route, with the language and viewer of each request set.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .merge(storefront::router())
        .merge(transfers::router())
        .merge(resale::router())
        .merge(waitlist::router())
        .merge(account::router())
        .merge(security::router())
        .merge(dashboard::router())
        .merge(orders::router())
        .merge(overview::router())
        .merge(boxoffice::router())
        .merge(pricing::router())
        .merge(tiers::router())
        .merge(settings::router())
        .merge(admin::router())
        .merge(seats::router())
        .merge(seat_editor::router())
        .merge(media::router())
        .merge(scanner::router())
        .merge(redeem::router())
        .merge(points::router())
        .merge(membership::router())
        .merge(memberships::router())
        .merge(series::router())
        .merge(series_dashboard::router())
        .merge(crate::pages::router())
        .layer(axum::middleware::from_fn_with_state(state, context))
        .merge(assets::router())
}

/// Picks the page language: `?lang=` (remembered in a cookie), the cookie,
/// then the browser's `Accept-Language`; English otherwise. Looks up the
/// session cookie's account.
pub(crate) async fn context(
    axum::extract::State(s): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let asked = req
        .uri()
        .query()
        .and_then(|q| form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "lang").map(|(_, v)| v.into_owned()));
    let locale = Locale::from_tag(
        asked
            .as_deref()
            .or(cookie(req.headers(), LANG_COOKIE))
            .or(browser_language(req.headers()).as_deref())
            .unwrap_or("en"),
    );
    let viewer = match cookie(req.headers(), SESSION_COOKIE) {
        Some(token) => match s.app.session_user(token).await {
            Ok(Some((user, api_csrf))) => {
                let actor = tessera_app::Actor::User(user.clone());
                let staff = s.app.my_orgs(&actor).await.map(|o| !o.is_empty()).unwrap_or(false);
                Some(Arc::new(Viewer { user, api_csrf, session: token.to_string(), staff }))
            }
            Ok(None) => None,
            Err(e) => return LANG.scope(locale, async { error_page(e) }).await,
        },
        None => None,
    };
    let site = Site { test_mode: s.app.config.allow_sandbox_payments };
    let tls = req.extensions().get::<axum::extract::ConnectInfo<crate::PeerAddr>>().is_some_and(|c| c.0.1);
    let secure = s.web.public_https || tls;
    let mut res = SITE.scope(site, SECURE.scope(secure, LANG.scope(locale, VIEWER.scope(viewer, next.run(req))))).await;
    let secure = if secure { "; Secure" } else { "" };
    if asked.is_some()
        && let Ok(v) = HeaderValue::from_str(&format!(
            "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000{secure}",
            locale.tag()
        ))
    {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// The first language tag of `Accept-Language`.
pub(crate) fn browser_language(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split([',', ';']).next())
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

pub(crate) const CATEGORIES: [Category; 11] = [
    Category::Concert,
    Category::Theatre,
    Category::Sports,
    Category::Conference,
    Category::Festival,
    Category::Exhibition,
    Category::Comedy,
    Category::Family,
    Category::Course,
    Category::Transport,
    Category::Other,
];

/// A category's name for people, in the page's language.
pub(crate) fn category_label(c: Category) -> String {
    shell::t(match c {
        Category::Concert => "common-category-concert",
        Category::Theatre => "common-category-theatre",
        Category::Sports => "common-category-sports",
        Category::Conference => "common-category-conference",
        Category::Festival => "common-category-festival",
        Category::Exhibition => "common-category-exhibition",
        Category::Comedy => "common-category-comedy",
        Category::Family => "common-category-family",
        Category::Course => "common-category-course",
        Category::Transport => "common-category-transport",
        Category::Other => "common-category-other",
    })
}

/// A decimal amount in the currency's minor units: "12.5" EUR is 1250.
pub(crate) fn parse_amount(text: &str, currency: Currency) -> Option<i64> {
    parse_decimal(text, u32::from(currency.exponent()))
}

/// A decimal number with at most `exp` decimals, scaled to a whole number:
/// "12.5" with 2 decimals is 1250.
pub(crate) fn parse_decimal(text: &str, exp: u32) -> Option<i64> {
    let t = text.trim();
    let (whole, frac) = t.split_once(['.', ',']).unwrap_or((t, ""));
    if whole.is_empty() && frac.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > exp as usize
        || whole.len() > 12
    {
        return None;
    }
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let frac_val: i64 = if frac.is_empty() { 0 } else { frac.parse().ok()? };
    let scale = 10i64.pow(exp);
    let frac_scaled = frac_val * 10i64.pow(exp - frac.len() as u32);
    whole.checked_mul(scale)?.checked_add(frac_scaled)
}

/// An amount in minor units as the form shows it: 1250 EUR is "12.50".
pub(crate) fn amount_text(minor: i64, currency: Currency) -> String {
    let exp = u32::from(currency.exponent());
    if exp == 0 {
        return minor.to_string();
    }
    let scale = 10i64.pow(exp);
    format!("{}.{:0width$}", minor / scale, (minor % scale).abs(), width = exp as usize)
}

pub(crate) fn money(m: Money) -> String {
    tessera_mail::format_money(m, lang())
}

/// A time at the venue, in the page's language.
pub(crate) fn when(at: tessera_domain::Timestamp, tz: &str) -> String {
    match jiff::tz::TimeZone::get(tz) {
        Ok(zone) => tessera_mail::format_datetime(&at.to_zoned(zone), lang()),
        Err(_) => at.to_string(),
    }
}

pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The form token: the one in the browser's cookie, or a new one to set.
pub(crate) fn csrf_token(headers: &HeaderMap) -> (String, Option<String>) {
    match cookie(headers, CSRF_COOKIE).filter(|t| t.len() == 32 && t.chars().all(|c| c.is_ascii_alphanumeric())) {
        Some(t) => (t.to_string(), None),
        None => {
            let t = random_token();
            let set = format!("{CSRF_COOKIE}={t}; Path=/; HttpOnly; SameSite=Strict{}", secure_attr());
            (t, Some(set))
        }
    }
}

/// 16 random bytes as 32 hex digits; should the OS source fail, a v7 UUID
/// (74 random bits) of the same shape.
pub(crate) fn random_token() -> String {
    let mut b = [0u8; 16];
    match getrandom::fill(&mut b) {
        Ok(()) => b.iter().map(|x| format!("{x:02x}")).collect(),
        Err(_) => uuid::Uuid::now_v7().simple().to_string(),
    }
}

pub(crate) fn csrf_ok(headers: &HeaderMap, form: &HashMap<String, String>) -> bool {
    match (cookie(headers, CSRF_COOKIE), form.get("csrf")) {
        (Some(c), Some(f)) => {
            c.len() == f.len() && c.bytes().zip(f.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
        }
        _ => false,
    }
}

/// What a page needs besides its title and body.
#[derive(Default)]
pub(crate) struct Extras<'a> {
    pub cookies: Vec<String>,
    /// ES modules under `/assets/`, by file name.
    pub scripts: &'a [&'a str],
    /// A wider layout (dashboards, seat maps).
    pub wide: bool,
}

/// The page for a URL that leads nowhere.
pub(crate) fn not_found_page() -> Response {
    shell::message(
        StatusCode::NOT_FOUND,
        "shell-not-found-title",
        vec![shell::t("shell-not-found-text")],
        Some(("/".into(), shell::t("shell-see-all-events"))),
    )
}

/// A form whose token did not match: the session or the page is old.
pub(crate) fn form_expired_page(back: &str) -> Response {
    shell::message(
        StatusCode::FORBIDDEN,
        "shell-try-again-title",
        vec![shell::t("shell-form-expired")],
        Some((back.to_string(), shell::t("shell-go-back"))),
    )
}

pub(crate) fn error_page(e: AppError) -> Response {
    use shell::{message, t};
    match e {
        AppError::NotFound => not_found_page(),
        AppError::Unauthenticated { .. } => message(
            StatusCode::UNAUTHORIZED,
            "shell-sign-in-title",
            vec![t("shell-session-ended")],
            Some(("/account/sign-in".into(), t("shell-sign-in"))),
        ),
        AppError::Forbidden(_) => {
            message(StatusCode::FORBIDDEN, "shell-forbidden-title", vec![t("shell-forbidden-text")], None)
        }
        // Not locked out: sent to enrol, then back to work.
        AppError::TwoFactorRequired => redirect("/account/security?required=1#two-factor", &[]),
        AppError::Internal(detail) => {
            tracing::error!(%detail, "page failed");
            message(StatusCode::INTERNAL_SERVER_ERROR, "shell-error-title", vec![t("shell-error-text")], None)
        }
        other => {
            let err = crate::error::ApiError::from(other);
            message(err.status, "shell-failed-title", vec![err.message, t("shell-go-back")], None)
        }
    }
}

pub(crate) fn redirect(to: &str, set_cookies: &[String]) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    for c in set_cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

pub(crate) fn form(body: &Bytes) -> HashMap<String, String> {
    form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// An app error as messages next to form fields, when it is about the input;
/// otherwise the page to show instead.
pub(crate) fn form_errors(e: AppError) -> Result<Vec<(String, String)>, Response> {
    match e {
        AppError::Invalid(v) => {
            Ok(v.fields.iter().map(|f| (f.field.clone(), crate::error::field_message(f))).collect())
        }
        e @ AppError::SoldOut { .. } => Ok(vec![("lines".into(), crate::error::ApiError::from(e).message)]),
        AppError::Rule { code, field, message } => Ok(vec![(field, crate::error::refusal_message(code, &message))]),
        AppError::InvalidCredentials => Ok(vec![("password".into(), shell::t("account-wrong-credentials"))]),
        AppError::TotpRequired => Ok(vec![("totp_code".into(), shell::t("errors-totp-required"))]),
        AppError::RateLimited { retry_after_secs } => Ok(vec![(
            "email".into(),
            shell::t_args("errors-rate-limited", &[("seconds", (retry_after_secs as i64).into())]),
        )]),
        AppError::Conflict { field, message } => Ok(vec![(field, crate::error::localized("errors-conflict", message))]),
        other => Err(error_page(other)),
    }
}

/// The signed-in viewer as an actor, or the sign-in page to send them to
/// (coming back to `here` afterwards).
pub(crate) fn signed_in(here: &str) -> Result<(Arc<Viewer>, tessera_app::Actor), Response> {
    match viewer() {
        Some(v) => {
            let actor = tessera_app::Actor::User(v.user.clone());
            Ok((v, actor))
        }
        None => {
            let next: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
            Err(redirect(&format!("/account/sign-in?next={next}"), &[]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_in_minor_units_of_the_currency() {
        let eur = Currency::parse("EUR").unwrap();
        let jpy = Currency::parse("JPY").unwrap();
        let kwd = Currency::parse("KWD").unwrap();
        assert_eq!(parse_amount("12.5", eur), Some(1250));
        assert_eq!(parse_amount("12,50", eur), Some(1250));
        assert_eq!(parse_amount("0.07", eur), Some(7));
        assert_eq!(parse_amount(".5", eur), Some(50));
        assert_eq!(parse_amount("3000", jpy), Some(3000));
        assert_eq!(parse_amount("1.5", jpy), None);
        assert_eq!(parse_amount("1.234", kwd), Some(1234));
        for bad in ["", "abc", "-1", "1.234", "1e3", "1.2.3", "9999999999999"] {
            assert_eq!(parse_amount(bad, eur), None, "{bad}");
        }
        // As the payments page reads them.
        assert_eq!(parse_amount("125.5", eur), Some(12550));
        assert_eq!(parse_amount("125", eur), Some(12500));
        assert_eq!(parse_amount("12.", eur), Some(1200), "a trailing point is still twelve");
        for bad in ["-5", "abc", "1 000"] {
            assert_eq!(parse_amount(bad, eur), None, "{bad}");
        }
        assert_eq!(amount_text(1250, eur), "12.50");
        assert_eq!(amount_text(3000, jpy), "3000");
        assert_eq!(amount_text(1234, kwd), "1.234");
    }
}
