//! Face-value resale in the browser: the seller's page
//! (`/orders/{id}/resale`: a price per ticket, the listings made, a live one
//! withdrawable), the buyer's checkout of one listing
//! (`/events/{id}/resale/{listing}`), and the organizer's Resale tab (rules
//! and every listing). Plain forms that work without scripts, the same
//! `App` calls as the API.

use super::dashboard::{EventView, event_view, guard};
use super::shell::{Filled, OrgTabs, Shell, Text, render, t, t_args};
use super::storefront::EventHead;
use super::{
    Extras, browser_language, cookie, csrf_ok, csrf_token, error_page, form, form_errors, form_expired_page, money,
    redirect, viewer, when,
};
use crate::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use std::collections::HashMap;
use tessera_app::inventory::PlaceOrder;
use tessera_app::orgs::OrgWithRole;
use tessera_app::resale::{ListTicket, ListingView, ResaleSettings};
use tessera_app::{Actor, AppError};
use tessera_domain::account::Email;
use tessera_domain::orders::{OrderId, OrderState};
use tessera_domain::{EventId, Permission};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orders/{order_id}/resale", get(sell_page).post(list))
        .route("/orders/{order_id}/resale/{listing_id}/withdraw", post(withdraw))
        .route("/events/{event_id}/resale/{listing_id}", get(buy_page).post(buy))
        .route("/dashboard/orgs/{org}/events/{event}/resale", get(settings_page).post(save_settings))
}

fn actor() -> Actor {
    viewer().map_or(Actor::Anonymous, |v| Actor::User(v.user.clone()))
}

/// A listing in a table: the seller's page or the organizer's tab.
struct ListingRow {
    ticket: String,
    seller: String,
    price: String,
    fee: String,
    payout: String,
    state: String,
    state_kind: &'static str,
    detail: String,
    when: String,
    withdraw: Option<String>,
}

fn rows(listings: &[ListingView], zone: &str, withdraw_base: Option<&str>) -> Vec<ListingRow> {
    listings
        .iter()
        .map(|l| {
            let (state, state_kind) = match l.state.as_str() {
                "listed" => (t("resale-state-listed"), "info"),
                "held" => (t("resale-state-held"), "warn"),
                "sold" => (t("resale-state-sold"), "ok"),
                "withdrawn" => (t("resale-state-withdrawn"), "warn"),
                _ => (t("resale-state-cancelled"), "bad"),
            };
            ListingRow {
                ticket: match &l.seat {
                    Some(seat) => format!("{} – {seat}", l.ticket_type),
                    None => l.ticket_type.clone(),
                },
                seller: l.seller_email.clone().unwrap_or_default(),
                price: money(l.price),
                fee: money(l.fee),
                payout: money(l.payout),
                state,
                state_kind,
                detail: l
                    .held_until
                    .map(|u| t_args("resale-held-until", &[("date", when(u, zone).into())]))
                    .unwrap_or_default(),
                when: when(l.created_at, zone),
                withdraw: (l.state == "listed" || l.state == "held")
                    .then(|| withdraw_base.map(|b| format!("{b}/{}/withdraw", l.id)))
                    .flatten(),
            }
        })
        .collect()
}

// ------------------------------------------------------ the seller's page

/// A ticket the seller may list: its form field and what it may cost at most.
struct Listable {
    id: String,
    label: String,
    field: String,
    max: String,
    value: String,
    /// The input's extra attributes (its hint).
    attrs: String,
}

#[derive(askama::Template)]
#[template(path = "resale/sell.html")]
struct SellPage<'a> {
    shell: Shell,
    head: EventHead,
    order_id: String,
    reference: String,
    csrf: String,
    /// Resale is open now; else why not.
    closed: Option<String>,
    rules: String,
    tickets: Vec<Listable>,
    listings: Vec<ListingRow>,
    errors: &'a [(String, String)],
    refusal: Option<String>,
    notice: Option<String>,
}

#[allow(clippy::too_many_arguments, reason = "one page's inputs")]
async fn sell_form(
    s: &AppState,
    headers: &HeaderMap,
    id: &str,
    status: StatusCode,
    values: &HashMap<String, String>,
    errors: &[(String, String)],
    refusal: Option<String>,
    notice: Option<String>,
) -> Response {
    let id: OrderId = match id.parse() {
        Ok(id) => id,
        Err(_) => return error_page(AppError::NotFound),
    };
    let token = cookie(headers, "tessera_order").map(str::to_string);
    let order = match s.app.buyer_order(&actor(), id, token.as_deref()).await {
        Ok(o) => o,
        Err(e) => return error_page(e),
    };
    let (event, venue) = match s.app.order_event(&order).await {
        Ok(ev) => ev,
        Err(e) => return error_page(e),
    };
    let zone = venue.timezone.as_str();
    let settings = match s.app.store.resale_settings(order.event_id).await {
        Ok(x) => x,
        Err(e) => return error_page(e.into()),
    };
    let now = s.app.now();
    let closed = if order.state != OrderState::Paid {
        Some(t("resale-not-paid"))
    } else if !settings.enabled {
        Some(t("errors-code-resale-disabled"))
    } else if event.starts_at <= now {
        Some(t("errors-code-resale-closed"))
    } else {
        None
    };
    let listings = match s.app.order_listings(&actor(), order.id, token.as_deref()).await {
        Ok(l) => l,
        Err(e) => return error_page(e),
    };
    let faces = s.app.face_values(&order);
    let mut tickets = Vec::new();
    if closed.is_none() {
        let held = match s.app.buyer_tickets(&actor(), order.id, token.as_deref()).await {
            Ok(t) => t,
            Err(e) => return error_page(e),
        };
        let listed: Vec<_> =
            listings.iter().filter(|l| l.state == "listed" || l.state == "held").map(|l| l.ticket_id).collect();
        for tk in held.iter().filter(|tk| tk.status == "valid" && !listed.contains(&tk.id)) {
            let Some((_, face)) = faces.iter().find(|(tt, _)| *tt == tk.ticket_type_id) else { continue };
            let cap = tessera_app::resale::price_cap(&settings, face.amount_minor);
            let max = tessera_domain::Money::new(cap, face.currency);
            let mut label = tk.ticket_type.clone();
            if let Some(seat) = &tk.seat {
                label.push_str(&format!(" ({seat})"));
            }
            let field = format!("price_{}", tk.id);
            tickets.push(Listable {
                attrs: format!("inputmode='decimal' autocomplete='off' aria-describedby='cap-{}'", tk.id),
                id: tk.id.to_string(),
                value: values.get(&field).cloned().unwrap_or_else(|| super::amount_text(cap, face.currency)),
                field,
                label,
                max: money(max),
            });
        }
    }
    let rules = t_args("resale-rules", &[("fee", format!("{} %", settings.fee_bp as f64 / 100.0).into())]);
    let (csrf, set) = csrf_token(headers);
    let page = SellPage {
        shell: Shell::new(t("resale-title"), &Extras::default()),
        head: EventHead::of(&event, &venue),
        order_id: order.id.to_string(),
        reference: order.reference.clone(),
        csrf,
        closed,
        rules,
        tickets,
        listings: rows(&listings, zone, Some(&format!("/orders/{}/resale", order.id))),
        errors,
        refusal,
        notice,
    };
    render(status, &page, &set.into_iter().collect::<Vec<_>>())
}

async fn sell_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let notice = if q.contains_key("listed") {
        Some(t("resale-listed-ok"))
    } else if q.contains_key("withdrawn") {
        Some(t("resale-withdrawn-ok"))
    } else {
        None
    };
    sell_form(&s, &headers, &id, StatusCode::OK, &HashMap::new(), &[], None, notice).await
}

/// A refusal that is a state of things (409) rather than a field, in the reader's words.
fn refusal_text(e: AppError) -> Result<String, Response> {
    match e {
        AppError::StateConflict { code, message } => Ok(crate::error::refusal_message(code, &message)),
        other => Err(error_page(other)),
    }
}

/// Lists one ticket: the form's button names it (`list` = ticket id).
async fn list(State(s): State<AppState>, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let values = form(&body);
    if !csrf_ok(&headers, &values) {
        return form_expired_page(&format!("/orders/{id}/resale"));
    }
    let Ok(order) = id.parse::<OrderId>() else { return error_page(AppError::NotFound) };
    let token = cookie(&headers, "tessera_order").map(str::to_string);
    let Some(ticket) = values.get("list").and_then(|t| t.parse().ok()) else {
        return error_page(AppError::NotFound);
    };
    let field = format!("price_{ticket}");
    let typed = values.get(&field).map(|v| v.trim().to_string()).unwrap_or_default();
    let currency = match s.app.buyer_order(&actor(), order, token.as_deref()).await {
        Ok(o) => o.total.currency,
        Err(e) => return error_page(e),
    };
    let price = match super::parse_amount(&typed, currency) {
        Some(m) => tessera_domain::Money::new(m, currency),
        None => {
            let errors = vec![(field, t("orders-bad-amount"))];
            return sell_form(&s, &headers, &id, StatusCode::UNPROCESSABLE_ENTITY, &values, &errors, None, None).await;
        }
    };
    let input = ListTicket { ticket_id: ticket, price_minor: price.amount_minor };
    match s.app.list_ticket(&actor(), order, token.as_deref(), input).await {
        Ok(_) => redirect(&format!("/orders/{order}/resale?listed=1"), &[]),
        Err(e @ AppError::StateConflict { .. }) => match refusal_text(e) {
            Ok(text) => sell_form(&s, &headers, &id, StatusCode::CONFLICT, &values, &[], Some(text), None).await,
            Err(page) => page,
        },
        Err(e) => match form_errors(e) {
            Ok(errors) => {
                let errors: Vec<(String, String)> = errors
                    .into_iter()
                    .map(|(f, m)| if f == "price_minor" { (field.clone(), m) } else { (f, m) })
                    .collect();
                sell_form(&s, &headers, &id, StatusCode::UNPROCESSABLE_ENTITY, &values, &errors, None, None).await
            }
            Err(page) => page,
        },
    }
}

async fn withdraw(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((id, listing)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    if !csrf_ok(&headers, &form(&body)) {
        return form_expired_page(&format!("/orders/{id}/resale"));
    }
    let Ok(order) = id.parse::<OrderId>() else { return error_page(AppError::NotFound) };
    let token = cookie(&headers, "tessera_order").map(str::to_string);
    match s.app.withdraw_listing(&actor(), order, token.as_deref(), &listing).await {
        Ok(_) => redirect(&format!("/orders/{order}/resale?withdrawn=1"), &[]),
        Err(e) => match refusal_text(e) {
            Ok(text) => {
                sell_form(&s, &headers, &id, StatusCode::CONFLICT, &HashMap::new(), &[], Some(text), None).await
            }
            Err(page) => page,
        },
    }
}

// ------------------------------------------------------ the buyer's checkout

#[derive(askama::Template)]
#[template(path = "resale/buy.html")]
struct BuyPage<'a> {
    shell: Shell,
    head: EventHead,
    csrf: String,
    action: String,
    /// What is for sale; `None` when the listing is gone.
    what: Option<String>,
    values: Filled<'a>,
    errors: &'a [(String, String)],
}

#[allow(clippy::too_many_arguments, reason = "one page's inputs")]
async fn buy_form(
    s: &AppState,
    headers: &HeaderMap,
    event: &str,
    listing: &str,
    status: StatusCode,
    values: &HashMap<String, String>,
    errors: &[(String, String)],
) -> Response {
    let Ok(event_id) = event.parse::<EventId>() else { return error_page(AppError::NotFound) };
    let e = match s.app.public_event(event_id, None).await {
        Ok(e) => e,
        Err(err) => return error_page(err),
    };
    let found = match s.app.public_listings(event_id).await {
        Ok(l) => l.into_iter().find(|l| l.id == listing),
        Err(err) => return error_page(err),
    };
    let what = found.map(|l| {
        let ticket = match &l.seat {
            Some(seat) => format!("{} – {seat}", l.ticket_type),
            None => l.ticket_type.clone(),
        };
        t_args(
            "resale-buy-what",
            &[("ticket", ticket.into()), ("price", money(l.price).into()), ("face", money(l.face_value).into())],
        )
    });
    let mut filled = values.clone();
    if let Some(v) = viewer() {
        filled.entry("name".into()).or_insert_with(|| v.user.name.clone());
        filled.entry("email".into()).or_insert_with(|| v.user.email.as_str().to_string());
    }
    let (csrf, set) = csrf_token(headers);
    let status = if what.is_none() && status == StatusCode::OK { StatusCode::GONE } else { status };
    let page = BuyPage {
        shell: Shell::new(t("resale-buy-title"), &Extras::default()),
        head: EventHead::of_public(&e),
        csrf,
        action: format!("/events/{event_id}/resale/{listing}"),
        what,
        values: Filled(&filled),
        errors,
    };
    render(status, &page, &set.into_iter().collect::<Vec<_>>())
}

async fn buy_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((event, listing)): Path<(String, String)>,
) -> Response {
    buy_form(&s, &headers, &event, &listing, StatusCode::OK, &HashMap::new(), &[]).await
}

async fn buy(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((event, listing)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    if !csrf_ok(&headers, &values) {
        return form_expired_page(&format!("/events/{event}/resale/{listing}"));
    }
    let Ok(event_id) = event.parse::<EventId>() else { return error_page(AppError::NotFound) };
    let mut errors = vec![];
    let email = match Email::parse(values.get("email").map(String::as_str).unwrap_or("").trim()) {
        Ok(e) => Some(e),
        Err(_) => {
            errors.push(("email".to_string(), t("storefront-bad-email")));
            None
        }
    };
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if errors.is_empty() {
        let input = PlaceOrder {
            lines: vec![],
            seats: None,
            email,
            name: values.get("name").map(|n| n.trim().to_string()),
            resale_listing_id: Some(listing.clone()),
            access_code: None,
            promo_code: None,
            locale: browser_language(&headers).or_else(|| Some(super::lang().tag().to_string())),
        };
        match s.app.place_order(&actor(), event_id, input).await {
            Ok(placed) => {
                let id = placed.order.id;
                let cookie = super::storefront::order_cookie(id, &placed.access_token);
                return redirect(&format!("/orders/{id}"), &[cookie]);
            }
            Err(AppError::Invalid(v)) => {
                errors.extend(v.fields.iter().map(|f| (f.field.clone(), crate::error::field_message(f))))
            }
            Err(AppError::Rule { code, field: _, message }) => {
                status = StatusCode::CONFLICT;
                errors.push(("listing".into(), crate::error::refusal_message(code, &message)));
            }
            Err(other) => return error_page(other),
        }
    }
    buy_form(&s, &headers, &event, &listing, status, &values, &errors).await
}

// ------------------------------------------------- the organizer's tab

#[derive(askama::Template)]
#[template(path = "resale/settings.html")]
struct SettingsPage<'a> {
    shell: Shell,
    tabs: OrgTabs,
    event_tabs: Vec<(String, String, bool)>,
    csrf: String,
    action: String,
    can_manage: bool,
    saved: bool,
    /// (value, label, chosen) of each `offer_first` choice.
    firsts: Vec<(&'static str, String, bool)>,
    listings: Vec<ListingRow>,
    values: Filled<'a>,
    errors: &'a [(String, String)],
}

#[allow(clippy::too_many_arguments, reason = "one page's inputs")]
async fn settings_form(
    s: &AppState,
    actor: &Actor,
    o: &OrgWithRole,
    v: &EventView,
    status: StatusCode,
    cookies: Vec<String>,
    csrf: String,
    values: Option<&HashMap<String, String>>,
    errors: &[(String, String)],
    saved: bool,
) -> Response {
    let current = match s.app.resale_settings(actor, o.org.id, v.event.id).await {
        Ok(c) => c,
        Err(e) => return error_page(e),
    };
    let listings = if o.role.grants(Permission::ViewOrders) {
        match s.app.org_listings(actor, o.org.id, v.event.id).await {
            Ok(l) => l,
            Err(e) => return error_page(e),
        }
    } else {
        vec![]
    };
    let mut shown = HashMap::new();
    if current.enabled {
        shown.insert("enabled".to_string(), "1".to_string());
    }
    shown.insert("cap_percent".into(), current.cap_percent.to_string());
    shown.insert("fee_bp".into(), current.fee_bp.to_string());
    shown.insert("offer_first".into(), current.offer_first.clone());
    let shown = values.cloned().unwrap_or(shown);
    let first = shown.get("offer_first").cloned().unwrap_or_default();
    let firsts = vec![
        ("primary", t("resale-first-primary"), first != "resale"),
        ("resale", t("resale-first-resale"), first == "resale"),
    ];
    let extras = Extras { cookies, wide: true, ..Default::default() };
    let page = SettingsPage {
        shell: Shell::new(t_args("resale-settings-title", &[("event", v.event.title.clone().into())]), &extras),
        tabs: OrgTabs::new(o.org.id, &o.org.name, "events"),
        event_tabs: super::orders::event_tabs(o.org.id, &v.event, "resale"),
        csrf,
        action: format!("/dashboard/orgs/{}/events/{}/resale", o.org.id, v.event.id),
        can_manage: o.role.grants(Permission::ManageCatalog),
        saved,
        firsts,
        listings: rows(&listings, v.venue.timezone.as_str(), None),
        values: Filled(&shown),
        errors,
    };
    render(status, &page, &[])
}

async fn settings_page(
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
    settings_form(&s, &actor, &o, &v, StatusCode::OK, cookies, csrf, None, &[], q.contains_key("saved")).await
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
    let mut number = |k: &str| match values.get(k).map(|x| x.trim()).unwrap_or("").parse::<i64>() {
        Ok(n) => n,
        Err(_) => {
            errors.push((k.to_string(), t("dashboard-whole-number")));
            0
        }
    };
    let input = ResaleSettings {
        enabled: values.contains_key("enabled"),
        cap_percent: number("cap_percent"),
        fee_bp: number("fee_bp"),
        offer_first: values.get("offer_first").cloned().unwrap_or_default(),
    };
    if errors.is_empty() {
        match s.app.set_resale_settings(&actor, o.org.id, v.event.id, input).await {
            Ok(_) => return redirect(&format!("{}?saved=1", uri.path()), &[]),
            Err(e) => match form_errors(e) {
                Ok(f) => errors = f,
                Err(page) => return page,
            },
        }
    }
    let (csrf, _) = csrf_token(&headers);
    settings_form(&s, &actor, &o, &v, StatusCode::UNPROCESSABLE_ENTITY, vec![], csrf, Some(&values), &errors, false)
        .await
}
