//! Ticket transfers in the browser: the holder's page (`/orders/{id}/transfer`:
//! choose tickets, the recipient's address, name, note and language; the
//! transfers made, a pending one cancellable), and the recipient's accept
//! page (`/transfers/{id}/{secret}`, from the e-mail: what is offered, a
//! name, accept; then the new tickets with their links). Plain forms that
//! work without scripts, the same `App` calls as the API.

use super::dashboard::{EventView, event_view, guard};
use super::shell::{Filled, OrgTabs, Shell, Text, render, t, t_args};
use super::storefront::{EventHead, TicketCard};
use super::{
    Extras, cookie, csrf_ok, csrf_token, error_page, form, form_errors, form_expired_page, redirect, viewer, when,
};
use crate::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use std::collections::HashMap;
use tessera_app::orgs::OrgWithRole;
use tessera_app::tickets::TicketView;
use tessera_app::transfers::{AcceptTransfer, OfferTransfer, RenameTicket, TransferSettings, TransferView};
use tessera_app::{Actor, AppError};
use tessera_domain::Permission;
use tessera_domain::orders::{Order, OrderId, OrderState, TicketId};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orders/{order_id}/transfer", get(transfer_page).post(offer))
        .route("/orders/{order_id}/transfers/{transfer_id}/cancel", post(cancel))
        .route("/orders/{order_id}/tickets/{ticket_id}/holder", post(rename))
        .route("/transfers/{transfer_id}/{secret}", get(accept_page).post(accept))
        .route("/dashboard/orgs/{org}/events/{event}/transfers", get(settings_page).post(save_settings))
}

fn actor() -> Actor {
    viewer().map_or(Actor::Anonymous, |v| Actor::User(v.user.clone()))
}

/// The order and the tickets of it the viewer holds: the browser holding
/// its cookie or the account that placed it, or an account that received
/// some of its tickets.
async fn holder_order(
    s: &AppState,
    headers: &HeaderMap,
    id: &str,
) -> Result<(Order, Option<String>, Vec<TicketView>), AppError> {
    let id: OrderId = id.parse().map_err(|_| AppError::NotFound)?;
    let token = cookie(headers, "tessera_order").map(str::to_string);
    let (order, held) = s.app.held_tickets(&actor(), id, token.as_deref()).await?;
    Ok((order, token, held))
}

/// A ticket the holder may offer: (id, label, offered in a pending transfer).
struct Choice {
    id: String,
    label: String,
    checked: bool,
}

struct TransferRow {
    to: String,
    tickets: usize,
    state: String,
    state_kind: &'static str,
    when: String,
    cancel: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "transfers/transfer.html")]
struct TransferPage<'a> {
    shell: Shell,
    head: EventHead,
    order_id: String,
    reference: String,
    csrf: String,
    /// Transfers are allowed now; else why not.
    closed: Option<String>,
    /// Until when transfers are open.
    until: Option<String>,
    choices: Vec<Choice>,
    transfers: Vec<TransferRow>,
    values: Filled<'a>,
    errors: &'a [(String, String)],
    /// A refusal that is not about one field.
    refusal: Option<String>,
    /// Just sent: the link is on its way.
    sent: bool,
    /// (value, label, selected) of each e-mail language.
    languages: Vec<(&'static str, String, bool)>,
    /// Tickets whose name the holder may change now: (field, label, ticket id, current name).
    renames: Vec<Rename>,
    /// A name was just changed.
    renamed: bool,
}

/// A ticket whose holder name may be changed, with its form's field.
struct Rename {
    id: String,
    field: String,
    label: String,
    value: String,
}

fn state_label(state: &str) -> (String, &'static str) {
    match state {
        "pending" => (t("transfers-state-pending"), "info"),
        "accepted" => (t("transfers-state-accepted"), "ok"),
        "cancelled" => (t("transfers-state-cancelled"), "bad"),
        _ => (t("transfers-state-expired"), "warn"),
    }
}

pub(crate) fn rows(transfers: &[TransferView], zone: &str, cancel_base: Option<&str>) -> Vec<TransferRowPub> {
    transfers
        .iter()
        .rev()
        .map(|tr| {
            let (state, state_kind) = state_label(&tr.state);
            let to =
                if tr.to_name.is_empty() { tr.to_email.clone() } else { format!("{} <{}>", tr.to_name, tr.to_email) };
            TransferRowPub {
                to,
                accepted_name: tr.accepted_name.clone().unwrap_or_default(),
                tickets: tr.tickets.len(),
                state,
                state_kind,
                when: when(tr.ended_at.unwrap_or(tr.created_at), zone),
                cancel: (tr.state == "pending").then(|| cancel_base.map(|b| format!("{b}/{}/cancel", tr.id))).flatten(),
            }
        })
        .collect()
}

/// A transfer as the order pages list it.
pub(crate) struct TransferRowPub {
    pub to: String,
    pub accepted_name: String,
    pub tickets: usize,
    pub state: String,
    pub state_kind: &'static str,
    pub when: String,
    pub cancel: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn transfer_form(
    s: &AppState,
    headers: &HeaderMap,
    id: &str,
    status: StatusCode,
    values: &HashMap<String, String>,
    errors: &[(String, String)],
    refusal: Option<String>,
    sent: bool,
    renamed: bool,
) -> Response {
    let (order, token, tickets) = match holder_order(s, headers, id).await {
        Ok(found) => found,
        Err(e) => return error_page(e),
    };
    let (event, venue) = match s.app.order_event(&order).await {
        Ok(ev) => ev,
        Err(e) => return error_page(e),
    };
    let zone = venue.timezone.as_str();
    let (settings, open) = match s.app.transfers_open_now(order.org_id, order.event_id).await {
        Ok(x) => x,
        Err(e) => return error_page(e),
    };
    let closed = if order.state != OrderState::Paid {
        Some(t("transfers-not-paid"))
    } else if !settings.allowed {
        Some(t("errors-code-transfers-disabled"))
    } else if !open {
        Some(t("errors-code-transfers-closed"))
    } else {
        None
    };
    let choices = tickets
        .iter()
        .filter(|tk| tk.status == "valid" && tk.pending_transfer_id.is_none())
        .map(|tk| {
            let mut label = format!("{} – {}", tk.ticket_type, tk.holder_name);
            if let Some(seat) = &tk.seat {
                label.push_str(&format!(" ({seat})"));
            }
            Choice { id: tk.id.to_string(), checked: values.contains_key(&format!("ticket_{}", tk.id)), label }
        })
        .collect();
    let transfers = match s.app.order_transfers(&actor(), order.id, token.as_deref()).await {
        Ok(t) => t,
        Err(e) => return error_page(e),
    };
    let cancel_base = format!("/orders/{}/transfers", order.id);
    let transfers = rows(&transfers, zone, Some(&cancel_base))
        .into_iter()
        .map(|r| TransferRow {
            to: r.to,
            tickets: r.tickets,
            state: r.state,
            state_kind: r.state_kind,
            when: r.when,
            cancel: r.cancel,
        })
        .collect();
    let chosen = values.get("locale").map(String::as_str).unwrap_or(super::lang().tag());
    let languages = vec![
        ("en", t("transfers-language-en"), chosen == "en"),
        ("zh-CN", t("transfers-language-zh"), chosen == "zh-CN"),
    ];
    let names_open = order.state == OrderState::Paid
        && settings.name_changes
        && s.app.now() < tessera_app::transfers::transfer_cutoff(&settings, event.starts_at);
    let renames = if names_open {
        tickets
            .iter()
            .filter(|tk| tk.status == "valid" && tk.pending_transfer_id.is_none())
            .map(|tk| {
                let field = format!("holder_{}", tk.id);
                let label = match &tk.seat {
                    Some(seat) => format!("{} ({seat})", tk.ticket_type),
                    None => tk.ticket_type.clone(),
                };
                Rename {
                    id: tk.id.to_string(),
                    value: values.get(&field).cloned().unwrap_or_else(|| tk.holder_name.clone()),
                    field,
                    label,
                }
            })
            .collect()
    } else {
        vec![]
    };
    let (csrf, set) = csrf_token(headers);
    let until = (settings.allowed && open)
        .then(|| when(tessera_app::transfers::transfer_cutoff(&settings, event.starts_at), zone));
    let page = TransferPage {
        shell: Shell::new(t("transfers-title"), &Extras::default()),
        head: EventHead::of(&event, &venue),
        order_id: order.id.to_string(),
        reference: order.reference.clone(),
        csrf,
        closed,
        until,
        choices,
        transfers,
        values: Filled(values),
        errors,
        refusal,
        sent,
        languages,
        renames,
        renamed,
    };
    render(status, &page, &set.into_iter().collect::<Vec<_>>())
}

async fn transfer_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (sent, renamed) = (q.contains_key("sent"), q.contains_key("renamed"));
    transfer_form(&s, &headers, &id, StatusCode::OK, &HashMap::new(), &[], None, sent, renamed).await
}

/// A refusal that is a state of things (409) rather than a field, in the reader's words.
fn refusal_text(e: AppError) -> Result<String, Response> {
    match e {
        AppError::StateConflict { code, message } => Ok(crate::error::refusal_message(code, &message)),
        other => Err(error_page(other)),
    }
}

async fn offer(State(s): State<AppState>, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let values = form(&body);
    if !csrf_ok(&headers, &values) {
        return form_expired_page(&format!("/orders/{id}/transfer"));
    }
    let (order, token, _) = match holder_order(&s, &headers, &id).await {
        Ok(found) => found,
        Err(e) => return error_page(e),
    };
    let ticket_ids: Vec<TicketId> =
        values.keys().filter_map(|k| k.strip_prefix("ticket_")).filter_map(|t| t.parse().ok()).collect();
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let input = OfferTransfer {
        ticket_ids,
        to_email: get("to_email"),
        to_name: get("to_name"),
        message: get("message"),
        locale: Some(get("locale")).filter(|l| !l.is_empty()),
    };
    match s.app.offer_transfer(&actor(), order.id, token.as_deref(), input).await {
        Ok(_) => redirect(&format!("/orders/{}/transfer?sent=1", order.id), &[]),
        Err(e @ AppError::StateConflict { .. }) => match refusal_text(e) {
            Ok(text) => {
                transfer_form(&s, &headers, &id, StatusCode::CONFLICT, &values, &[], Some(text), false, false).await
            }
            Err(page) => page,
        },
        Err(e) => match form_errors(e) {
            Ok(errors) => {
                // Ticket fields are one group on the page.
                let errors: Vec<(String, String)> = errors
                    .into_iter()
                    .map(|(f, m)| if f.starts_with("ticket_ids") { ("ticket_choice".into(), m) } else { (f, m) })
                    .collect();
                transfer_form(&s, &headers, &id, StatusCode::UNPROCESSABLE_ENTITY, &values, &errors, None, false, false)
                    .await
            }
            Err(page) => page,
        },
    }
}

/// Changes the name on one ticket (the form's field `holder_{id}`).
async fn rename(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((id, ticket)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    if !csrf_ok(&headers, &values) {
        return form_expired_page(&format!("/orders/{id}/transfer"));
    }
    let (order, token, _) = match holder_order(&s, &headers, &id).await {
        Ok(found) => found,
        Err(e) => return error_page(e),
    };
    let Ok(ticket_id) = ticket.parse::<TicketId>() else { return error_page(AppError::NotFound) };
    let field = format!("holder_{ticket}");
    let input = RenameTicket { holder_name: values.get(&field).cloned().unwrap_or_default() };
    match s.app.rename_ticket(&actor(), order.id, token.as_deref(), ticket_id, input).await {
        Ok(_) => redirect(&format!("/orders/{}/transfer?renamed=1", order.id), &[]),
        Err(e @ AppError::StateConflict { .. }) => match refusal_text(e) {
            Ok(text) => {
                transfer_form(&s, &headers, &id, StatusCode::CONFLICT, &values, &[], Some(text), false, false).await
            }
            Err(page) => page,
        },
        Err(e) => match form_errors(e) {
            Ok(errors) => {
                let errors: Vec<(String, String)> = errors
                    .into_iter()
                    .map(|(f, m)| if f == "holder_name" { (field.clone(), m) } else { (f, m) })
                    .collect();
                transfer_form(&s, &headers, &id, StatusCode::UNPROCESSABLE_ENTITY, &values, &errors, None, false, false)
                    .await
            }
            Err(page) => page,
        },
    }
}

async fn cancel(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((id, transfer)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    if !csrf_ok(&headers, &form(&body)) {
        return form_expired_page(&format!("/orders/{id}/transfer"));
    }
    let (order, token, _) = match holder_order(&s, &headers, &id).await {
        Ok(found) => found,
        Err(e) => return error_page(e),
    };
    match s.app.cancel_transfer(&actor(), order.id, token.as_deref(), &transfer).await {
        Ok(_) => redirect(&format!("/orders/{}/transfer", order.id), &[]),
        Err(e) => match refusal_text(e) {
            Ok(text) => {
                transfer_form(&s, &headers, &id, StatusCode::CONFLICT, &HashMap::new(), &[], Some(text), false, false)
                    .await
            }
            Err(page) => page,
        },
    }
}

// ------------------------------------------------------------- accepting

#[derive(askama::Template)]
#[template(path = "transfers/accept.html")]
struct AcceptPage<'a> {
    shell: Shell,
    csrf: String,
    action: String,
    title: String,
    when: String,
    venue: String,
    from: String,
    message: String,
    /// Labels of the offered tickets.
    tickets: Vec<String>,
    /// Pending and acceptable; else why not.
    refusal: Option<String>,
    until: String,
    signed_in: Option<String>,
    sign_in: String,
    values: Filled<'a>,
    errors: &'a [(String, String)],
    /// After accepting: the new tickets.
    accepted: Vec<TicketCard>,
}

fn no_referrer(mut res: Response) -> Response {
    // The page's URL carries the secret: keep it out of other sites' Referer.
    res.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

#[allow(clippy::too_many_arguments)]
async fn accept_form(
    s: &AppState,
    headers: &HeaderMap,
    id: &str,
    secret: &str,
    status: StatusCode,
    values: &HashMap<String, String>,
    errors: &[(String, String)],
    refusal: Option<String>,
    accepted: Vec<TicketCard>,
) -> Response {
    let offer = match s.app.transfer_offer(id, secret).await {
        Ok(o) => o,
        Err(e) => return no_referrer(error_page(e)),
    };
    let zone = offer.timezone.clone();
    let refusal = refusal.or_else(|| match offer.state.as_str() {
        "pending" => None,
        "accepted" if !accepted.is_empty() => None,
        "accepted" => Some(t("errors-code-transfer-accepted")),
        "cancelled" => Some(t("errors-code-transfer-cancelled")),
        _ => Some(t("errors-code-transfer-expired")),
    });
    let (csrf, set) = csrf_token(headers);
    let here = format!("/transfers/{id}/{secret}");
    let next: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
    let name = viewer().map(|v| v.user.name.clone());
    let mut filled = values.clone();
    if !filled.contains_key("name") {
        filled.insert("name".into(), name.clone().unwrap_or_else(|| offer.to_name.clone()));
    }
    let page = AcceptPage {
        shell: Shell::new(t("transfers-accept-title"), &Extras::default()),
        csrf,
        action: here,
        title: offer.event_title.clone(),
        when: when(offer.event_starts_at, &zone),
        venue: offer.venue.clone(),
        from: offer.from_name.clone(),
        message: offer.message.clone(),
        tickets: offer
            .tickets
            .iter()
            .map(|tk| match &tk.seat {
                Some(seat) => format!("{} – {seat}", tk.ticket_type),
                None => tk.ticket_type.clone(),
            })
            .collect(),
        refusal,
        until: when(offer.expires_at, &zone),
        signed_in: name,
        sign_in: format!("/account/sign-in?next={next}"),
        values: Filled(&filled),
        errors,
        accepted,
    };
    no_referrer(render(status, &page, &set.into_iter().collect::<Vec<_>>()))
}

async fn accept_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((id, secret)): Path<(String, String)>,
) -> Response {
    accept_form(&s, &headers, &id, &secret, StatusCode::OK, &HashMap::new(), &[], None, vec![]).await
}

async fn accept(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((id, secret)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    if !csrf_ok(&headers, &values) {
        return no_referrer(form_expired_page(&format!("/transfers/{id}/{secret}")));
    }
    let input = AcceptTransfer { name: values.get("name").cloned().unwrap_or_default() };
    match s.app.accept_transfer(&actor(), &id, &secret, input).await {
        Ok(done) => {
            let cards = done.tickets.iter().map(TicketCard::of).collect();
            accept_form(&s, &headers, &id, &secret, StatusCode::OK, &values, &[], None, cards).await
        }
        Err(e @ AppError::StateConflict { .. }) => match refusal_text(e) {
            Ok(text) => {
                accept_form(&s, &headers, &id, &secret, StatusCode::CONFLICT, &values, &[], Some(text), vec![]).await
            }
            Err(page) => no_referrer(page),
        },
        Err(e) => match form_errors(e) {
            Ok(errors) => {
                accept_form(
                    &s,
                    &headers,
                    &id,
                    &secret,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &values,
                    &errors,
                    None,
                    vec![],
                )
                .await
            }
            Err(page) => no_referrer(page),
        },
    }
}

// ------------------------------------------------- the organizer's settings

#[derive(askama::Template)]
#[template(path = "transfers/settings.html")]
struct SettingsPage<'a> {
    shell: Shell,
    tabs: OrgTabs,
    event_tabs: Vec<(String, String, bool)>,
    csrf: String,
    action: String,
    can_manage: bool,
    saved: bool,
    /// When transfers close, with the current settings.
    closes: Option<String>,
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
    let current = match s.app.transfer_settings(actor, o.org.id, v.event.id).await {
        Ok(c) => c,
        Err(e) => return error_page(e),
    };
    let mut shown = HashMap::new();
    if current.allowed {
        shown.insert("allowed".to_string(), "1".to_string());
    }
    if current.name_changes {
        shown.insert("name_changes".to_string(), "1".to_string());
    }
    shown.insert("cutoff_hours".into(), current.cutoff_hours.to_string());
    shown.insert("max_per_ticket".into(), current.max_per_ticket.to_string());
    let shown = values.cloned().unwrap_or(shown);
    let zone = v.venue.timezone.as_str();
    let closes =
        current.allowed.then(|| when(tessera_app::transfers::transfer_cutoff(&current, v.event.starts_at), zone));
    let extras = Extras { cookies, wide: true, ..Default::default() };
    let page = SettingsPage {
        shell: Shell::new(t_args("transfers-settings-title", &[("event", v.event.title.clone().into())]), &extras),
        tabs: OrgTabs::new(o.org.id, &o.org.name, "events"),
        event_tabs: super::orders::event_tabs(o.org.id, &v.event, "transfers"),
        csrf,
        action: format!("/dashboard/orgs/{}/events/{}/transfers", o.org.id, v.event.id),
        can_manage: o.role.grants(Permission::ManageCatalog),
        saved,
        closes,
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
    let input = TransferSettings {
        allowed: values.contains_key("allowed"),
        cutoff_hours: number("cutoff_hours"),
        max_per_ticket: number("max_per_ticket"),
        name_changes: values.contains_key("name_changes"),
    };
    if errors.is_empty() {
        match s.app.set_transfer_settings(&actor, o.org.id, v.event.id, input).await {
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
