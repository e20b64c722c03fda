//! The buyer's account: sign up, sign in and out, and "my tickets" (the
//! tickets grouped by event, then the orders). Orders placed while signed in belong to the account; the
//! order page (in the storefront) shows them without the order cookie and
//! offers a refund where the organizer's policy allows one.

use super::shell::{Filled, Shell, Text, render, t};
use super::storefront::{EventHead, TicketCard, order_state};
use super::{
    Extras, csrf_ok, csrf_token, error_page, form, form_errors, form_expired_page, money, redirect, viewer, when,
};
use crate::AppState;
use crate::extract::ClientIp;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use std::collections::HashMap;
use tessera_app::Actor;
use tessera_app::auth::{Credentials, NewSession, Registration};
use tessera_domain::account::Email;
use tessera_domain::catalog::{Event, Venue};
use tessera_domain::{EventId, Timestamp};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(my_orders))
        .route("/account/sign-in", get(sign_in_page).post(sign_in))
        .route("/account/sign-up", get(sign_up_page).post(sign_up))
        .route("/account/sign-out", post(sign_out))
}

/// A local path to go to after signing in; anything else goes to the
/// account page. Only a same-origin path qualifies: one leading `/` (not
/// `//` or `/\\`), and no control character, backslash or whitespace
/// trick, also once percent-decoded again (browsers drop tabs and newlines
/// from URLs, so `/\t/evil.example` would be `//evil.example`).
fn safe_next(next: Option<&String>) -> String {
    const HOME: &str = "/account";
    let Some(n) = next else { return HOME.into() };
    let decoded: String = percent_decode(n);
    let bad = |v: &str| {
        !v.starts_with('/')
            || v.starts_with("//")
            || v.starts_with("/\\")
            || v.chars().any(|c| c.is_control() || c == '\\' || c == '\u{2028}' || c == '\u{2029}')
    };
    if bad(n) || bad(&decoded) { HOME.into() } else { n.clone() }
}

/// `%XX` sequences decoded (invalid ones kept as they are), lossily as UTF-8.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn session_cookie(s: &AppState, session: &NewSession) -> String {
    let max_age = (session.expires_at.as_second() - s.app.now().as_second()).max(0);
    let secure = if s.web.cookie_secure { "; Secure" } else { "" };
    format!(
        "{}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        crate::extract::SESSION_COOKIE,
        session.token
    )
}

/// The sign-in form, filled with what was sent and its errors.
#[derive(askama::Template)]
#[template(path = "account/sign_in.html")]
struct SignIn<'a> {
    shell: Shell,
    csrf: String,
    next: String,
    values: Filled<'a>,
    errors: &'a [(String, String)],
}

/// The sign-up form, filled with what was sent and its errors.
#[derive(askama::Template)]
#[template(path = "account/sign_up.html")]
struct SignUp<'a> {
    shell: Shell,
    csrf: String,
    values: Filled<'a>,
    errors: &'a [(String, String)],
}

fn sign_in_form(
    status: StatusCode,
    csrf: String,
    cookies: &[String],
    values: &HashMap<String, String>,
    errors: &[(String, String)],
) -> Response {
    let page = SignIn {
        shell: Shell::new(t("shell-sign-in"), &Extras::default()),
        csrf,
        next: safe_next(values.get("next")),
        values: Filled(values),
        errors,
    };
    render(status, &page, cookies)
}

fn sign_up_form(
    status: StatusCode,
    csrf: String,
    cookies: &[String],
    values: &HashMap<String, String>,
    errors: &[(String, String)],
) -> Response {
    let page =
        SignUp { shell: Shell::new(t("account-sign-up"), &Extras::default()), csrf, values: Filled(values), errors };
    render(status, &page, cookies)
}

async fn sign_in_page(headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    let (csrf, set) = csrf_token(&headers);
    sign_in_form(StatusCode::OK, csrf, &set.into_iter().collect::<Vec<_>>(), &q, &[])
}

async fn sign_in(State(s): State<AppState>, ClientIp(ip): ClientIp, headers: HeaderMap, body: Bytes) -> Response {
    let values = form(&body);
    if !csrf_ok(&headers, &values) {
        return form_expired_page("/account/sign-in");
    }
    let get = |k: &str| values.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let mut errors = vec![];
    let mut retry_after = None;
    if get("email").is_empty() {
        errors.push(("email".to_string(), t("account-wrong-credentials")));
    }
    if errors.is_empty() {
        let credentials = Credentials {
            email: get("email"),
            password: values.get("password").cloned().unwrap_or_default(),
            totp_code: Some(get("totp_code")).filter(|c| !c.is_empty()),
        };
        match s.app.login(&ip, credentials).await {
            Ok((_, session)) => return redirect(&safe_next(values.get("next")), &[session_cookie(&s, &session)]),
            Err(e) => {
                retry_after = rate_limited(&e);
                match form_errors(e) {
                    Ok(fields) => errors = fields,
                    Err(page) => return page,
                }
            }
        }
    }
    let (csrf, _) = csrf_token(&headers);
    refused(retry_after, sign_in_form(StatusCode::UNPROCESSABLE_ENTITY, csrf, &[], &values, &errors))
}

/// The seconds to wait, when the app refused for too many attempts.
fn rate_limited(e: &tessera_app::AppError) -> Option<u64> {
    match e {
        tessera_app::AppError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
        _ => None,
    }
}

/// A refused form: 422, or 429 with `Retry-After` when rate-limited.
fn refused(retry_after: Option<u64>, mut res: Response) -> Response {
    if let Some(secs) = retry_after {
        *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        if let Ok(v) = axum::http::HeaderValue::from_str(&secs.to_string()) {
            res.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
        }
    }
    res
}

async fn sign_up_page(headers: HeaderMap) -> Response {
    let (csrf, set) = csrf_token(&headers);
    sign_up_form(StatusCode::OK, csrf, &set.into_iter().collect::<Vec<_>>(), &HashMap::new(), &[])
}

async fn sign_up(State(s): State<AppState>, ClientIp(ip): ClientIp, headers: HeaderMap, body: Bytes) -> Response {
    let values = form(&body);
    if !csrf_ok(&headers, &values) {
        return form_expired_page("/account/sign-up");
    }
    let get = |k: &str| values.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let mut retry_after = None;
    let errors = match Email::parse(&get("email")) {
        Err(_) => vec![("email".to_string(), t("account-bad-email"))],
        Ok(email) => {
            let r = Registration {
                email,
                password: values.get("password").cloned().unwrap_or_default(),
                name: get("name"),
            };
            match s.app.register_in(&ip, r, super::lang()).await {
                Ok((_, session)) => return redirect("/account", &[session_cookie(&s, &session)]),
                Err(e) => {
                    retry_after = rate_limited(&e);
                    match form_errors(e) {
                        Ok(fields) => fields,
                        Err(page) => return page,
                    }
                }
            }
        }
    };
    let (csrf, _) = csrf_token(&headers);
    refused(retry_after, sign_up_form(StatusCode::UNPROCESSABLE_ENTITY, csrf, &[], &values, &errors))
}

async fn sign_out(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    if !csrf_ok(&headers, &form(&body)) {
        return form_expired_page("/account");
    }
    if let Some(v) = viewer()
        && let Err(e) = s.app.logout(&v.session).await
    {
        return error_page(e);
    }
    let clear = format!("{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0", crate::extract::SESSION_COOKIE);
    redirect("/", &[clear])
}

/// One event of the buyer's tickets: its head and their tickets.
struct EventGroup {
    head: EventHead,
    tickets: Vec<TicketCard>,
}

struct OrderRow {
    id: String,
    reference: String,
    event: String,
    event_when: String,
    placed: String,
    state: String,
    state_kind: &'static str,
    total: String,
}

#[derive(askama::Template)]
#[template(path = "account/my_tickets.html")]
struct MyTickets {
    shell: Shell,
    name: String,
    email: String,
    csrf: String,
    upcoming: Vec<EventGroup>,
    past: Vec<EventGroup>,
    /// Tickets others transferred to this account, by event.
    received: Vec<EventGroup>,
    orders: Vec<OrderRow>,
    /// The account's waitlist entries, newest first.
    waitlist: Vec<WaitRow>,
}

/// One waitlist entry on "My tickets".
struct WaitRow {
    event: String,
    tickets: String,
    state: String,
    state_kind: &'static str,
    position: String,
    href: String,
}

/// "My tickets": the signed-in buyer's tickets grouped by event, upcoming
/// first (soonest on top), past events folded away, then every order.
async fn my_orders(State(s): State<AppState>, headers: HeaderMap) -> Response {
    let Some(v) = viewer() else {
        return redirect("/account/sign-in?next=/account", &[]);
    };
    let actor = Actor::User(v.user.clone());
    let (orders, tickets, received, waiting) = match tokio::try_join!(
        s.app.my_orders(&actor, 100, 0),
        s.app.my_tickets(&actor),
        s.app.received_ticket_groups(&actor),
        s.app.my_waitlist(&actor)
    ) {
        Ok(found) => found,
        Err(e) => return error_page(e),
    };
    let received = received
        .iter()
        .map(|(event, venue, tickets)| EventGroup {
            head: EventHead::of(event, venue),
            tickets: tickets.iter().map(TicketCard::of).collect(),
        })
        .collect();
    // Each event once, read through one of its orders.
    let mut events: HashMap<EventId, (Event, Venue)> = HashMap::new();
    for o in &orders {
        if events.contains_key(&o.event_id) {
            continue;
        }
        match s.app.order_event(o).await {
            Ok(ev) => {
                events.insert(o.event_id, ev);
            }
            Err(e) => return error_page(e),
        }
    }
    let now = s.app.now();
    let mut groups: Vec<(Timestamp, bool, EventGroup)> = vec![];
    for (id, (event, venue)) in &events {
        let mine: Vec<TicketCard> = tickets.iter().filter(|t| t.event_id == *id).map(TicketCard::of).collect();
        if mine.is_empty() {
            continue;
        }
        let upcoming = event.ends_at > now;
        groups.push((event.starts_at, upcoming, EventGroup { head: EventHead::of(event, venue), tickets: mine }));
    }
    groups.sort_by_key(|(at, _, _)| *at);
    let (up, past): (Vec<_>, Vec<_>) = groups.into_iter().partition(|(_, upcoming, _)| *upcoming);
    let rows = orders
        .iter()
        .map(|o| {
            let (state, state_kind) = order_state(o);
            let (event, event_when) = events
                .get(&o.event_id)
                .map(|(e, v)| (e.title.clone(), when(e.starts_at, v.timezone.as_str())))
                .unwrap_or_default();
            OrderRow {
                id: o.id.to_string(),
                reference: o.reference.clone(),
                event,
                event_when,
                placed: when(o.created_at, "UTC"),
                state,
                state_kind,
                total: money(o.total),
            }
        })
        .collect();
    let (csrf, set) = csrf_token(&headers);
    let page = MyTickets {
        shell: Shell::new(t("account-my-tickets"), &Extras::default()),
        name: v.user.name.clone(),
        email: v.user.email.as_str().to_string(),
        csrf,
        upcoming: up.into_iter().map(|(_, _, g)| g).collect(),
        // The most recent past event first.
        past: past.into_iter().rev().map(|(_, _, g)| g).collect(),
        received,
        orders: rows,
        waitlist: waiting
            .iter()
            .map(|w| {
                let (state, state_kind) = super::waitlist::state_label(&w.state);
                WaitRow {
                    event: w.event_title.clone(),
                    tickets: format!("{} × {}", w.quantity, w.ticket_type),
                    state,
                    state_kind,
                    position: w.position.map(|p| p.to_string()).unwrap_or_default(),
                    // The account opens its own entries; the path's secret part is not checked then.
                    href: format!("/waitlist/{}/account", w.id),
                }
            })
            .collect(),
    };
    render(StatusCode::OK, &page, &set.into_iter().collect::<Vec<_>>())
}
