//! Waitlists in the browser: the buyer's join form for a sold-out ticket
//! type (`/events/{id}/waitlist?type=`), the entry's page from its secret
//! link (`/waitlist/{id}/{secret}`: position, the open offer with its link
//! to pay, leaving), and the organizer's Waitlist tab (settings, the entries
//! in order, removing one). Plain forms, the same `App` calls as the API.

use super::dashboard::{EventView, event_view, guard};
use super::shell::{Filled, OrgTabs, Shell, Text, render, t, t_args};
use super::storefront::EventHead;
use super::{Extras, csrf_ok, csrf_token, error_page, form, form_errors, form_expired_page, redirect, viewer, when};
use crate::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use std::collections::HashMap;
use tessera_app::orgs::OrgWithRole;
use tessera_app::waitlist::{JoinWaitlist, WaitlistEntryView, WaitlistSettings};
use tessera_app::{Actor, AppError};
use tessera_domain::{EventId, Permission, TicketTypeId};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/events/{event}/waitlist", get(join_page).post(join))
        .route("/waitlist/{entry}/{secret}", get(entry_page))
        .route("/waitlist/{entry}/{secret}/leave", post(leave))
        .route("/dashboard/orgs/{org}/events/{event}/waitlist", get(list_page).post(save_settings))
        .route("/dashboard/orgs/{org}/events/{event}/waitlist/{entry}/remove", post(remove))
}

fn actor() -> Actor {
    viewer().map_or(Actor::Anonymous, |v| Actor::User(v.user.clone()))
}

/// The page's URL carries a secret: keep it out of other sites' Referer.
fn no_referrer(mut res: Response) -> Response {
    res.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// A state for people, and the badge kind it shows with.
pub(crate) fn state_label(state: &str) -> (String, &'static str) {
    match state {
        "waiting" => (t("waitlist-state-waiting"), "info"),
        "offered" => (t("waitlist-state-offered"), "warn"),
        "accepted" => (t("waitlist-state-accepted"), "ok"),
        "lapsed" => (t("waitlist-state-lapsed"), "bad"),
        "left" => (t("waitlist-state-left"), "bad"),
        "removed" => (t("waitlist-state-removed"), "bad"),
        _ => (t("waitlist-state-skipped"), "bad"),
    }
}

// ------------------------------------------------------------ joining

#[derive(askama::Template)]
#[template(path = "waitlist/join.html")]
struct JoinPage<'a> {
    shell: Shell,
    head: EventHead,
    csrf: String,
    action: String,
    ticket_type_id: String,
    ticket_type: String,
    /// The quantity field's attributes (its maximum is the ticket type's per order).
    quantity_attrs: String,
    values: Filled<'a>,
    errors: &'a [(String, String)],
    /// Why joining is not possible (no waitlist, tickets on sale).
    refusal: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn join_form(
    s: &AppState,
    headers: &HeaderMap,
    event: &str,
    ticket_type: &str,
    status: StatusCode,
    values: &HashMap<String, String>,
    errors: &[(String, String)],
) -> Response {
    let Ok(id) = event.parse::<EventId>() else { return super::not_found_page() };
    let e = match s.app.public_event(id, None).await {
        Ok(e) => e,
        Err(err) => return error_page(err),
    };
    let Some(tt) = e.ticket_types.iter().find(|t| t.id.to_string() == ticket_type) else {
        return super::not_found_page();
    };
    let open = match s.app.waitlist_open(id).await {
        Ok(o) => o,
        Err(err) => return error_page(err),
    };
    let refusal = if !open {
        Some(t("errors-code-waitlist-closed"))
    } else if tt.available > 0 {
        Some(t("waitlist-join-on-sale"))
    } else {
        None
    };
    let (csrf, set) = csrf_token(headers);
    let mut filled = values.clone();
    if let Some(v) = viewer() {
        filled.entry("name".into()).or_insert_with(|| v.user.name.clone());
        filled.entry("email".into()).or_insert_with(|| v.user.email.as_str().to_string());
    }
    filled.entry("quantity".into()).or_insert_with(|| "1".into());
    let page = JoinPage {
        shell: Shell::new(
            t_args("waitlist-join-title", &[("event", e.summary.title.clone().into())]),
            &Extras::default(),
        ),
        head: EventHead::of_public(&e),
        csrf,
        action: format!("/events/{id}/waitlist"),
        ticket_type_id: tt.id.to_string(),
        ticket_type: tt.name.clone(),
        quantity_attrs: format!("min='1' max='{}' step='1' inputmode='numeric' required", tt.max_per_order.max(1)),
        values: Filled(&filled),
        errors,
        refusal,
    };
    render(status, &page, &set.into_iter().collect::<Vec<_>>())
}

async fn join_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(event): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let tt = q.get("type").cloned().unwrap_or_default();
    join_form(&s, &headers, &event, &tt, StatusCode::OK, &HashMap::new(), &[]).await
}

async fn join(State(s): State<AppState>, headers: HeaderMap, Path(event): Path<String>, body: Bytes) -> Response {
    let values = form(&body);
    let tt = values.get("ticket_type_id").cloned().unwrap_or_default();
    if !csrf_ok(&headers, &values) {
        return form_expired_page(&format!("/events/{event}/waitlist?type={tt}"));
    }
    let Ok(id) = event.parse::<EventId>() else { return super::not_found_page() };
    let Ok(ticket_type_id) = tt.parse::<TicketTypeId>() else { return super::not_found_page() };
    let mut errors = vec![];
    let quantity = match values.get("quantity").map(|q| q.trim()).unwrap_or("").parse::<i64>() {
        Ok(n) => n,
        Err(_) => {
            errors.push(("quantity".to_string(), t("dashboard-whole-number")));
            0
        }
    };
    let text = |k: &str| values.get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let input = JoinWaitlist {
        ticket_type_id,
        quantity,
        email: text("email"),
        name: text("name"),
        locale: Some(super::lang().tag().to_string()),
    };
    if errors.is_empty() {
        match s.app.join_waitlist(&actor(), id, input).await {
            Ok(j) => return no_referrer(redirect(&format!("/waitlist/{}/{}", j.entry.id, j.access_token), &[])),
            Err(e @ AppError::StateConflict { .. }) => {
                let err = crate::error::ApiError::from(e);
                errors.push(("ticket_type_id".into(), err.message));
            }
            Err(e) => match form_errors(e) {
                Ok(f) => errors = f,
                Err(page) => return page,
            },
        }
    }
    join_form(&s, &headers, &event, &tt, StatusCode::UNPROCESSABLE_ENTITY, &values, &errors).await
}

// ------------------------------------------------------------ the entry

#[derive(askama::Template)]
#[template(path = "waitlist/entry.html")]
struct EntryPage {
    shell: Shell,
    head: EventHead,
    csrf: String,
    leave_action: String,
    entry: WaitlistEntryView,
    state: String,
    state_kind: &'static str,
    /// The offer's end, in the venue's zone.
    until: Option<String>,
    /// Just left.
    left: bool,
    /// A refusal from leaving.
    refusal: Option<String>,
}

async fn entry_form(
    s: &AppState,
    headers: &HeaderMap,
    id: &str,
    secret: &str,
    status: StatusCode,
    left: bool,
    refusal: Option<String>,
) -> Response {
    let entry = match s.app.waitlist_entry(&actor(), id, Some(secret)).await {
        Ok(e) => e,
        Err(e) => return no_referrer(error_page(e)),
    };
    let e = match s.app.public_event(entry.event_id, None).await {
        Ok(e) => e,
        Err(err) => return no_referrer(error_page(err)),
    };
    let zone = e.summary.timezone.clone();
    let (state, state_kind) = state_label(&entry.state);
    let (csrf, set) = csrf_token(headers);
    let page = EntryPage {
        shell: Shell::new(t("waitlist-entry-title"), &Extras::default()),
        head: EventHead::of_public(&e),
        csrf,
        leave_action: format!("/waitlist/{id}/{secret}/leave"),
        until: entry.offer_expires_at.map(|at| when(at, &zone)),
        state,
        state_kind,
        entry,
        left,
        refusal,
    };
    no_referrer(render(status, &page, &set.into_iter().collect::<Vec<_>>()))
}

async fn entry_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((id, secret)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    entry_form(&s, &headers, &id, &secret, StatusCode::OK, q.contains_key("left"), None).await
}

async fn leave(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((id, secret)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    if !csrf_ok(&headers, &values) {
        return no_referrer(form_expired_page(&format!("/waitlist/{id}/{secret}")));
    }
    match s.app.leave_waitlist(&actor(), &id, Some(&secret)).await {
        Ok(_) => no_referrer(redirect(&format!("/waitlist/{id}/{secret}?left=1"), &[])),
        Err(AppError::StateConflict { code, message }) => {
            let text = crate::error::refusal_message(code, &message);
            entry_form(&s, &headers, &id, &secret, StatusCode::CONFLICT, false, Some(text)).await
        }
        Err(e) => no_referrer(error_page(e)),
    }
}

// ------------------------------------------------------------ the organizer's tab

struct Row {
    position: String,
    name: String,
    email: String,
    ticket_type: String,
    quantity: i64,
    state: String,
    state_kind: &'static str,
    joined: String,
    detail: String,
    remove: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "waitlist/list.html")]
struct ListPage<'a> {
    shell: Shell,
    tabs: OrgTabs,
    event_tabs: Vec<(String, String, bool)>,
    csrf: String,
    action: String,
    can_manage: bool,
    saved: bool,
    removed: bool,
    rows: Vec<Row>,
    values: Filled<'a>,
    errors: &'a [(String, String)],
}

#[allow(clippy::too_many_arguments, reason = "one page's inputs")]
async fn list_form(
    s: &AppState,
    actor: &Actor,
    o: &OrgWithRole,
    v: &EventView,
    status: StatusCode,
    cookies: Vec<String>,
    csrf: String,
    values: Option<&HashMap<String, String>>,
    errors: &[(String, String)],
    flags: (bool, bool),
) -> Response {
    let current = match s.app.waitlist_settings(actor, o.org.id, v.event.id).await {
        Ok(c) => c,
        Err(e) => return error_page(e),
    };
    let entries = match s.app.event_waitlist(actor, o.org.id, v.event.id).await {
        Ok(e) => e,
        Err(e) => return error_page(e),
    };
    let mut shown = HashMap::new();
    if current.enabled {
        shown.insert("enabled".to_string(), "1".to_string());
    }
    shown.insert("offer_minutes".into(), current.offer_minutes.to_string());
    let shown = values.cloned().unwrap_or(shown);
    let zone = v.venue.timezone.as_str();
    let base = format!("/dashboard/orgs/{}/events/{}/waitlist", o.org.id, v.event.id);
    let can_remove = o.role.grants(Permission::ManageOrders);
    let rows = entries
        .iter()
        .map(|e| {
            let (state, state_kind) = state_label(&e.state);
            let detail = match (e.state.as_str(), e.offer_expires_at) {
                ("offered", Some(at)) => t_args("waitlist-offer-until", &[("date", when(at, zone).into())]),
                ("skipped", _) => e.note.clone(),
                _ => e.ended_at.map(|at| when(at, zone)).unwrap_or_default(),
            };
            let live = e.state == "waiting" || e.state == "offered";
            Row {
                position: e.position.map(|p| p.to_string()).unwrap_or_default(),
                name: e.name.clone(),
                email: e.email.clone(),
                ticket_type: e.ticket_type.clone(),
                quantity: e.quantity,
                state,
                state_kind,
                joined: when(e.created_at, zone),
                detail,
                remove: (live && can_remove).then(|| format!("{base}/{}/remove", e.id)),
            }
        })
        .collect();
    let extras = Extras { cookies, wide: true, ..Default::default() };
    let page = ListPage {
        shell: Shell::new(t_args("waitlist-list-title", &[("event", v.event.title.clone().into())]), &extras),
        tabs: OrgTabs::new(o.org.id, &o.org.name, "events"),
        event_tabs: super::orders::event_tabs(o.org.id, &v.event, "waitlist"),
        csrf,
        action: base,
        can_manage: o.role.grants(Permission::ManageCatalog),
        saved: flags.0,
        removed: flags.1,
        rows,
        values: Filled(&shown),
        errors,
    };
    render(status, &page, &[])
}

async fn list_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
    uri: axum::http::Uri,
) -> Response {
    let (actor, o) = match guard(&s, &org, uri.path()).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let v = match event_view(&s, &actor, o.org.id, &event).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let (csrf, set) = csrf_token(&headers);
    let cookies = set.into_iter().collect();
    let flags = (q.contains_key("saved"), q.contains_key("removed"));
    list_form(&s, &actor, &o, &v, StatusCode::OK, cookies, csrf, None, &[], flags).await
}

async fn save_settings(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event)): Path<(String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let (actor, o) = match guard(&s, &org, uri.path()).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let v = match event_view(&s, &actor, o.org.id, &event).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let values = form(&body);
    if !csrf_ok(&headers, &values) {
        return form_expired_page(uri.path());
    }
    let mut errors = vec![];
    let offer_minutes = match values.get("offer_minutes").map(|x| x.trim()).unwrap_or("").parse::<i64>() {
        Ok(n) => n,
        Err(_) => {
            errors.push(("offer_minutes".to_string(), t("dashboard-whole-number")));
            0
        }
    };
    let input = WaitlistSettings { enabled: values.contains_key("enabled"), offer_minutes };
    if errors.is_empty() {
        match s.app.set_waitlist_settings(&actor, o.org.id, v.event.id, input).await {
            Ok(_) => return redirect(&format!("{}?saved=1", uri.path()), &[]),
            Err(e) => match form_errors(e) {
                Ok(f) => errors = f,
                Err(page) => return page,
            },
        }
    }
    let (csrf, _) = csrf_token(&headers);
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    list_form(&s, &actor, &o, &v, status, vec![], csrf, Some(&values), &errors, (false, false)).await
}

async fn remove(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event, entry)): Path<(String, String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let back = format!("/dashboard/orgs/{org}/events/{event}/waitlist");
    let (actor, o) = match guard(&s, &org, &back).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let v = match event_view(&s, &actor, o.org.id, &event).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let values = form(&body);
    if !csrf_ok(&headers, &values) {
        return form_expired_page(uri.path());
    }
    match s.app.remove_waitlist_entry(&actor, o.org.id, v.event.id, &entry).await {
        Ok(_) => redirect(&format!("{back}?removed=1"), &[]),
        Err(e) => error_page(e),
    }
}
