//! Orders in the dashboard: the organization's order list (filters by
//! event, state, dates at the venue and text; pages; the filtered list as
//! CSV), an order's page with the staff's actions on it (mark paid, resend,
//! cancel, and a refund of all, an amount or some tickets, reviewed and
//! confirmed before it runs), and an event's sales figures (SVG charts drawn
//! by the templates, with a table of the same figures) and attendee list.
//!
//! Every page is a template under `templates/orders/`; every word comes from
//! the `orders` catalog. The state shown for an order is
//! [`Order::shown_state`]: a paid order with part of its payment given back
//! reads "partially refunded" wherever its state shows.

use super::dashboard::{EventView, Values, event_view, guard, parse_id, values_all};
use super::shell::{Filled, OrgTabs, Shell, Text, render, t, t_args};
use super::{
    Extras, amount_text, csrf_ok, csrf_token, error_page, form, form_errors, form_expired_page, money, parse_amount,
    random_token, redirect, when,
};
use crate::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::collections::HashMap;
use tessera_app::catalog::{EventQuery, EventSummary};
use tessera_app::inventory::OrderFilter;
use tessera_app::orgs::OrgWithRole;
use tessera_app::payments::RefundInput;
use tessera_app::reports::SalesReport;
use tessera_app::{Actor, AppError};
use tessera_domain::catalog::Event;
use tessera_domain::orders::{Order, OrderId, OrderState};
use tessera_domain::{EventId, Money, OrgId, Timestamp};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboard/orgs/{org}/events/{event}/sales", get(sales))
        .route("/dashboard/orgs/{org}/events/{event}/attendees", get(attendees))
        .route("/dashboard/orgs/{org}/events/{event}/attendees.csv", get(attendees_csv))
        .route("/dashboard/orgs/{org}/orders", get(orders))
        .route("/dashboard/orgs/{org}/orders.csv", get(orders_csv))
        .route("/dashboard/orgs/{org}/orders/{order}", get(order_page))
        .route("/dashboard/orgs/{org}/orders/{order}/{action}", post(order_action))
}

/// The states the list filters on, as shown (`partially_refunded` is a
/// paid order with part of its payment given back).
const SHOWN_STATES: [&str; 6] = ["pending", "paid", "partially_refunded", "refunded", "cancelled", "expired"];

/// The catalog's name of a shown state, and its badge's colour.
pub(super) fn state_badge(shown: &str) -> (&'static str, String) {
    let kind = match shown {
        "paid" => "ok",
        "pending" | "partially_refunded" => "warn",
        "cancelled" | "expired" => "bad",
        _ => "info",
    };
    let label = match shown {
        "pending" => t("orders-state-pending"),
        "paid" => t("orders-state-paid"),
        "cancelled" => t("orders-state-cancelled"),
        "expired" => t("orders-state-expired"),
        "refunded" => t("orders-state-refunded"),
        _ => t("orders-state-partially_refunded"),
    };
    (kind, label)
}

/// The sub-pages of one event, for the `event_tabs` macro of `orders/parts.html`.
pub(super) fn event_tabs(org: OrgId, e: &Event, current: &str) -> Vec<(String, String, bool)> {
    super::dashboard::event_tab_links(org, e, current)
}

/// The shell of a dashboard page: wide, with its cookies.
fn shell(title: String, cookies: Vec<String>, scripts: &'static [&'static str]) -> (Shell, Vec<String>) {
    let extras = Extras { cookies, scripts, wide: true };
    (Shell::new(title, &extras), extras.cookies)
}

// ------------------------------------------------------------ the list

/// One order in the list.
struct OrderRow {
    href: String,
    reference: String,
    event: String,
    buyer_name: String,
    buyer_email: String,
    placed: String,
    state: (&'static str, String),
    total: String,
}

#[derive(askama::Template)]
#[template(path = "orders/list.html")]
struct ListPage<'a> {
    shell: Shell,
    tabs: OrgTabs,
    values: Filled<'a>,
    errors: &'a [(String, String)],
    /// (id, title, selected)
    events: Vec<(String, String, bool)>,
    /// (value, label, selected)
    states: Vec<(&'static str, String, bool)>,
    zone: String,
    rows: Vec<OrderRow>,
    csv_href: String,
    previous: Option<String>,
    next: Option<String>,
    page: i64,
}

/// The org's events (past ones too), for the list.
struct OrgEvents {
    events: Vec<EventSummary>,
    /// The zone of the organization's first venue.
    home_zone: String,
}

impl OrgEvents {
    async fn load(s: &AppState, actor: &Actor, org: OrgId) -> Result<OrgEvents, Response> {
        let from = Timestamp::from_second(0).unwrap_or(Timestamp::UNIX_EPOCH);
        let q = EventQuery { from: Some(from), limit: Some(100), ..Default::default() };
        let events = s.app.org_events(actor, org, &q).await.map_err(error_page)?.items;
        let venues = s.app.venues(actor, org).await.map_err(error_page)?;
        let home_zone = venues.first().map(|v| v.timezone.to_string()).unwrap_or_else(|| "UTC".into());
        Ok(OrgEvents { events, home_zone })
    }

    /// The zone of the event's venue.
    fn zone(&self, event: EventId) -> String {
        self.events.iter().find(|e| e.id == event).map(|e| e.timezone.clone()).unwrap_or_else(|| self.home_zone.clone())
    }

    fn title(&self, event: EventId) -> String {
        self.events.iter().find(|e| e.id == event).map(|e| e.title.clone()).unwrap_or_else(|| "–".into())
    }

    /// The zone the date filters are read in: the chosen event's venue's,
    /// else the organization's first venue's.
    fn filter_zone(&self, event: Option<EventId>) -> String {
        match event {
            Some(e) => self.zone(e),
            None => self.home_zone.clone(),
        }
    }
}

/// The list's query read and checked: the filter, or the fields at fault.
fn read_filter(q: &Values, zone: &str) -> (OrderFilter, Vec<(String, String)>) {
    let mut errors = vec![];
    let get = |k: &str| q.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let search = get("q").map(str::to_string);
    if search.as_ref().is_some_and(|s| s.chars().count() > 200) {
        errors.push(("q".to_string(), t("orders-search-too-long")));
    }
    let event = get("event").and_then(|e| e.parse().ok());
    let shown = get("state").filter(|s| SHOWN_STATES.contains(s));
    let (state, partially_refunded) = match shown {
        Some("partially_refunded") => (None, true),
        Some(s) => (s.parse::<OrderState>().ok(), false),
        None => (None, false),
    };
    let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let mut day = |name: &str| -> Option<jiff::civil::Date> {
        let text = get(name)?;
        match text.parse::<jiff::civil::Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push((name.to_string(), t("orders-bad-date")));
                None
            }
        }
    };
    let (from, until) = (day("from"), day("until"));
    if let (Some(f), Some(u)) = (from, until)
        && u < f
    {
        errors.push(("until".to_string(), t("orders-dates-backwards")));
    }
    let start_of = |d: jiff::civil::Date| d.to_zoned(tz.clone()).ok().map(|z| z.timestamp());
    let filter = OrderFilter {
        event,
        state,
        partially_refunded,
        search,
        placed_from: from.and_then(start_of),
        // Until the end of that day: before the start of the next.
        placed_before: until.and_then(|d| d.tomorrow().ok()).and_then(start_of),
    };
    (filter, errors)
}

/// The query string of the list's filters, with `page` replaced.
fn filter_query(q: &Values, page: Option<i64>) -> String {
    let mut pairs: Vec<(&str, &str)> = ["q", "event", "state", "from", "until"]
        .iter()
        .filter_map(|k| q.get(*k).map(|v| (*k, v.as_str())).filter(|(_, v)| !v.is_empty()))
        .collect();
    let page_text = page.map(|p| p.to_string());
    if let Some(p) = &page_text {
        pairs.push(("page", p));
    }
    form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

async fn orders(
    State(s): State<AppState>,
    Path(org): Path<String>,
    Query(q): Query<Values>,
    uri: axum::http::Uri,
) -> Response {
    let (actor, o) = match guard(&s, &org, &uri.to_string()).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let known = match OrgEvents::load(&s, &actor, o.org.id).await {
        Ok(k) => k,
        Err(r) => return r,
    };
    const PER_PAGE: i64 = 50;
    let page: i64 = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1).clamp(1, 10_000);
    let (filter, errors) = read_filter(&q, &known.filter_zone(q.get("event").and_then(|e| e.parse().ok())));
    let mut list = vec![];
    if errors.is_empty() {
        match s.app.list_orders(&actor, o.org.id, &filter, PER_PAGE + 1, (page - 1) * PER_PAGE).await {
            Ok(l) => list = l,
            Err(e) => return error_page(e),
        }
    }
    let more = list.len() as i64 > PER_PAGE;
    let rows = list
        .iter()
        .take(PER_PAGE as usize)
        .map(|ord| OrderRow {
            href: format!("/dashboard/orgs/{}/orders/{}", o.org.id, ord.id),
            reference: ord.reference.clone(),
            event: known.title(ord.event_id),
            buyer_name: ord.buyer_name.clone(),
            buyer_email: ord.buyer_email.clone(),
            placed: when(ord.created_at, &known.zone(ord.event_id)),
            state: state_badge(ord.shown_state()),
            total: money(ord.total),
        })
        .collect();
    let chosen_state = q.get("state").map(String::as_str).unwrap_or("");
    let title = t("orders-title");
    let (shell, cookies) = shell(title, vec![], &[]);
    let page_view = ListPage {
        shell,
        tabs: OrgTabs::new(o.org.id, &o.org.name, "orders"),
        values: Filled(&q),
        errors: &errors,
        events: known.events.iter().map(|e| (e.id.to_string(), e.title.clone(), filter.event == Some(e.id))).collect(),
        states: SHOWN_STATES.iter().map(|st| (*st, state_badge(st).1, *st == chosen_state)).collect(),
        zone: known.filter_zone(filter.event),
        rows,
        csv_href: format!("/dashboard/orgs/{}/orders.csv?{}", o.org.id, filter_query(&q, None)),
        previous: (page > 1).then(|| format!("?{}", filter_query(&q, Some(page - 1)))),
        next: more.then(|| format!("?{}", filter_query(&q, Some(page + 1)))),
        page,
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(status, &page_view, &cookies)
}

/// The filtered list as CSV: every matching order (up to 10 000), times at
/// the venue with their offset, amounts in the currency's units.
async fn orders_csv(
    State(s): State<AppState>,
    Path(org): Path<String>,
    Query(q): Query<Values>,
    uri: axum::http::Uri,
) -> Response {
    let (actor, o) = match guard(&s, &org, &uri.to_string()).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let known = match OrgEvents::load(&s, &actor, o.org.id).await {
        Ok(k) => k,
        Err(r) => return r,
    };
    let (filter, errors) = read_filter(&q, &known.filter_zone(q.get("event").and_then(|e| e.parse().ok())));
    if !errors.is_empty() {
        // The list page names the fields at fault.
        return redirect(&format!("/dashboard/orgs/{}/orders?{}", o.org.id, filter_query(&q, None)), &[]);
    }
    const BATCH: i64 = 500;
    const MAX_BATCHES: i64 = 20;
    let mut out = String::from(
        "reference,event,placed_at,state,buyer_name,buyer_email,total,paid,refunded,currency,order_id\r\n",
    );
    for batch in 0..MAX_BATCHES {
        let list = match s.app.list_orders(&actor, o.org.id, &filter, BATCH, batch * BATCH).await {
            Ok(l) => l,
            Err(e) => return error_page(e),
        };
        for ord in &list {
            let zone = jiff::tz::TimeZone::get(&known.zone(ord.event_id)).unwrap_or(jiff::tz::TimeZone::UTC);
            let placed = ord.created_at.to_zoned(zone).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
            let cur = ord.total.currency;
            let fields = [
                ord.reference.clone(),
                known.title(ord.event_id),
                placed,
                ord.shown_state().to_string(),
                ord.buyer_name.clone(),
                ord.buyer_email.clone(),
                amount_text(ord.total.amount_minor, cur),
                amount_text(ord.paid.amount_minor, cur),
                amount_text(ord.refunded.amount_minor, cur),
                cur.code().to_string(),
                ord.id.to_string(),
            ];
            let line: Vec<String> = fields.iter().map(|f| tessera_app::reports::csv_field(f)).collect();
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        }
        if (list.len() as i64) < BATCH {
            break;
        }
    }
    csv_response(out, &format!("orders-{}.csv", o.org.slug))
}

fn csv_response(body: String, filename: &str) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

// ------------------------------------------------------------ one order

struct LineRow {
    name: String,
    quantity: i64,
    price: String,
}

struct TicketRow {
    id: String,
    holder: String,
    ticket_type: String,
    seat: String,
    status: String,
    valid: bool,
    chosen: bool,
}

struct RefundRow {
    amount: String,
    state: String,
    reason: String,
    at: String,
}

struct HistoryRow {
    at: String,
    from: Option<String>,
    to: String,
    actor: String,
    note: String,
}

/// A refund reviewed and waiting for its confirmation.
struct Review {
    action: String,
    question: String,
}

#[derive(askama::Template)]
#[template(path = "orders/order.html")]
struct OrderPage<'a> {
    shell: Shell,
    tabs: OrgTabs,
    csrf: String,
    base: String,
    cancel_action: String,
    state: (&'static str, String),
    total: String,
    paid: String,
    refunded: String,
    event_title: String,
    event_href: String,
    event_starts: String,
    buyer_name: String,
    buyer_email: String,
    placed: String,
    lines: Vec<LineRow>,
    tickets: Vec<TicketRow>,
    /// Some ticket can still be refunded on its own.
    any_valid: bool,
    can_mark_paid: bool,
    can_resend: bool,
    can_cancel: bool,
    /// What is left to refund, when anything is.
    refund_left: Option<String>,
    values: Filled<'a>,
    errors: &'a [(String, String)],
    review: Option<Review>,
    refunds: Vec<RefundRow>,
    /// Ticket transfers of the order, newest first.
    transfers: Vec<super::transfers::TransferRowPub>,
    history: Vec<HistoryRow>,
    /// A paid (or once paid) order: the invoice section shows.
    show_invoices: bool,
    /// The order's invoice and credit notes: (title, PDF link).
    invoices: Vec<(String, String)>,
    can_invoice: bool,
    /// No invoicing details yet: where to enter them.
    invoicing_missing: Option<String>,
}

async fn org_order(s: &AppState, actor: &Actor, org: OrgId, order: &str) -> Result<Order, Response> {
    let id: OrderId = parse_id(order)?;
    s.app.get_org_order(actor, org, id).await.map_err(error_page)
}

/// A refund the form asks for, checked against the order: the input for
/// the app, or the fields at fault (named as the form names them).
fn read_refund(ord: &Order, values: &Values, ticket_ids: Vec<String>) -> Result<RefundInput, Vec<(String, String)>> {
    let amount_text = values.get("amount").map(|a| a.trim()).unwrap_or("");
    let left = ord.paid.amount_minor - ord.refunded.amount_minor;
    let cur = ord.total.currency;
    let amount_minor = if amount_text.is_empty() {
        None
    } else {
        match parse_amount(amount_text, cur) {
            None => return Err(vec![("amount".into(), t("orders-bad-amount"))]),
            Some(0) => return Err(vec![("amount".into(), t("orders-refund-positive"))]),
            Some(a) if a > left => {
                let most = money(Money::new(left.max(0), cur));
                return Err(vec![("amount".into(), t_args("orders-refund-too-much", &[("amount", most.into())]))]);
            }
            Some(a) => Some(a),
        }
    };
    if amount_minor.is_some() && !ticket_ids.is_empty() {
        return Err(vec![("amount".into(), t("orders-refund-amount-or-tickets"))]);
    }
    Ok(RefundInput {
        amount_minor,
        ticket_ids: if ticket_ids.is_empty() { None } else { Some(ticket_ids) },
        reason: values.get("reason").map(|r| r.trim().to_string()).filter(|r| !r.is_empty()),
    })
}

/// The confirmation of a checked refund: the question, and where "yes" posts
/// (the refund's fields and a fresh request key in the query).
fn review_of(ord: &Order, base: &str, input: &RefundInput) -> Review {
    let left = Money::new(ord.paid.amount_minor - ord.refunded.amount_minor, ord.total.currency);
    let buyer = if ord.buyer_name.is_empty() { ord.buyer_email.clone() } else { ord.buyer_name.clone() };
    let mut pairs: Vec<(&str, String)> = vec![("request_key", random_token())];
    let question = match (&input.amount_minor, &input.ticket_ids) {
        (_, Some(ids)) => {
            pairs.extend(ids.iter().map(|id| ("ticket_id", id.clone())));
            t_args("orders-refund-question-tickets", &[("count", ids.len().into()), ("buyer", buyer.into())])
        }
        (Some(a), None) => {
            let m = Money::new(*a, ord.total.currency);
            pairs.push(("amount", amount_text(*a, ord.total.currency)));
            t_args("orders-refund-question-amount", &[("amount", money(m).into()), ("buyer", buyer.into())])
        }
        (None, None) => {
            t_args("orders-refund-question-amount", &[("amount", money(left).into()), ("buyer", buyer.into())])
        }
    };
    if let Some(r) = &input.reason {
        pairs.push(("reason", r.clone()));
    }
    let qs = form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
    Review { action: format!("{base}/refund?{qs}"), question }
}

#[allow(clippy::too_many_arguments, reason = "one page's inputs")]
async fn order_view(
    s: &AppState,
    actor: &Actor,
    o: &OrgWithRole,
    ord: &Order,
    status: StatusCode,
    csrf: String,
    cookies: Vec<String>,
    values: &Values,
    chosen: &[String],
    errors: &[(String, String)],
    review: Option<Review>,
) -> Response {
    let org = o.org.id;
    let base = format!("/dashboard/orgs/{org}/orders/{}", ord.id);
    let v: Option<EventView> = event_view(s, actor, org, &ord.event_id.to_string()).await.ok();
    let zone = v.as_ref().map(|v| v.venue.timezone.to_string()).unwrap_or_else(|| "UTC".into());
    let tickets = s.app.org_order_tickets(actor, org, ord.id).await.unwrap_or_default();
    let refunds = s.app.order_money(actor, org, ord.id).await.map(|m| m.refunds).unwrap_or_default();
    let transfers = s.app.org_order_transfers(actor, org, ord.id).await.unwrap_or_default();
    let left = ord.paid.amount_minor - ord.refunded.amount_minor;
    let docs = s.app.org_order_invoices(actor, org, ord.id).await.unwrap_or_default();
    let enabled = s.app.invoicing_enabled(org).await.unwrap_or(false);
    let l = crate::error::locale();
    let invoices = docs
        .iter()
        .map(|d| {
            let credit = d.kind == tessera_domain::invoices::InvoiceKind::CreditNote;
            (
                tessera_render::invoice_title(l, credit, &d.number),
                format!("/dashboard/orgs/{org}/invoices/{}/pdf", d.id),
            )
        })
        .collect();
    let show_invoices = ord.paid_at.is_some() || !docs.is_empty();
    let title = t_args("orders-order-title", &[("reference", ord.reference.clone().into())]);
    let (shell, cookies) = shell(title, cookies, &[]);
    let page = OrderPage {
        shell,
        tabs: OrgTabs::new(org, &o.org.name, "orders"),
        csrf,
        cancel_action: format!("{base}/cancel"),
        base: base.clone(),
        state: state_badge(ord.shown_state()),
        total: money(ord.total),
        paid: money(ord.paid),
        refunded: money(ord.refunded),
        event_title: v.as_ref().map(|v| v.event.title.clone()).unwrap_or_else(|| "–".into()),
        event_href: format!("/dashboard/orgs/{org}/events/{}", ord.event_id),
        event_starts: v.as_ref().map(|v| when(v.event.starts_at, &zone)).unwrap_or_default(),
        buyer_name: ord.buyer_name.clone(),
        buyer_email: ord.buyer_email.clone(),
        placed: when(ord.created_at, &zone),
        lines: ord
            .lines
            .iter()
            .map(|l| LineRow { name: l.name.clone(), quantity: l.quantity, price: money(l.unit_price) })
            .collect(),
        tickets: tickets
            .iter()
            .map(|tk| TicketRow {
                id: tk.id.to_string(),
                holder: tk.holder_name.clone(),
                ticket_type: tk.ticket_type.clone(),
                seat: tk.seat.clone().unwrap_or_default(),
                status: match tk.status.as_str() {
                    "valid" => t("orders-ticket-valid"),
                    "used" => t("orders-ticket-used"),
                    _ => t("orders-ticket-void"),
                },
                valid: tk.status == "valid",
                chosen: chosen.contains(&tk.id.to_string()),
            })
            .collect(),
        any_valid: tickets.iter().any(|tk| tk.status == "valid"),
        can_mark_paid: ord.state == OrderState::Pending,
        can_resend: ord.state == OrderState::Paid,
        can_cancel: matches!(ord.state, OrderState::Pending | OrderState::Paid) && ord.paid.amount_minor == 0,
        refund_left: (left > 0).then(|| money(Money::new(left, ord.total.currency))),
        values: Filled(values),
        errors,
        review,
        refunds: refunds
            .iter()
            .map(|r| RefundRow {
                amount: money(r.amount),
                state: match r.state.as_str() {
                    "succeeded" => t("orders-refund-state-succeeded"),
                    "failed" => t("orders-refund-state-failed"),
                    _ => t("orders-refund-state-pending"),
                },
                reason: r.reason.clone(),
                at: when(r.created_at, &zone),
            })
            .collect(),
        transfers: super::transfers::rows(&transfers, &zone, None),
        history: ord
            .history
            .iter()
            .map(|h| HistoryRow {
                at: when(h.at, &zone),
                from: h.from_state.map(|st| state_badge(st.as_str()).1),
                to: state_badge(h.to_state.as_str()).1,
                actor: h.actor.clone(),
                note: h.note.clone(),
            })
            .collect(),
        show_invoices,
        can_invoice: enabled && ord.state == OrderState::Paid && docs.is_empty(),
        invoicing_missing: (!enabled && ord.state == OrderState::Paid)
            .then(|| format!("/dashboard/orgs/{org}/invoices/settings")),
        invoices,
    };
    render(status, &page, &cookies)
}

async fn order_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, order)): Path<(String, String)>,
    Query(q): Query<Values>,
    uri: axum::http::Uri,
) -> Response {
    let (actor, o) = match guard(&s, &org, uri.path()).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let ord = match org_order(&s, &actor, o.org.id, &order).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let (csrf, set) = csrf_token(&headers);
    let cookies: Vec<String> = set.into_iter().collect();
    // `?review=refund`: the refund form's fields checked, then the question.
    let chosen: Vec<String> = uri
        .query()
        .map(|qs| form_urlencoded::parse(qs.as_bytes()).filter(|(k, _)| k == "ticket_id").map(|(_, v)| v.into_owned()))
        .map(Iterator::collect)
        .unwrap_or_default();
    let base = format!("/dashboard/orgs/{}/orders/{}", o.org.id, ord.id);
    if q.get("review").is_some_and(|r| r == "refund") && ord.paid.amount_minor > ord.refunded.amount_minor {
        return match read_refund(&ord, &q, chosen.clone()) {
            Ok(input) => {
                let review = review_of(&ord, &base, &input);
                order_view(&s, &actor, &o, &ord, StatusCode::OK, csrf, cookies, &q, &chosen, &[], Some(review)).await
            }
            Err(errors) => {
                order_view(
                    &s,
                    &actor,
                    &o,
                    &ord,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    csrf,
                    cookies,
                    &q,
                    &chosen,
                    &errors,
                    None,
                )
                .await
            }
        };
    }
    order_view(&s, &actor, &o, &ord, StatusCode::OK, csrf, cookies, &HashMap::new(), &[], &[], None).await
}

async fn order_action(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, order, action)): Path<(String, String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let (actor, o) = match guard(&s, &org, uri.path()).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    // The confirmation of a reviewed refund carries its fields in the query.
    let query = uri.query().unwrap_or("").as_bytes().to_vec();
    let mut values = form(&Bytes::from(query.clone()));
    values.extend(form(&body));
    let ord = match org_order(&s, &actor, o.org.id, &order).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let back = format!("/dashboard/orgs/{}/orders/{}", o.org.id, ord.id);
    if !csrf_ok(&headers, &values) {
        return form_expired_page(&back);
    }
    let org_id = o.org.id;
    let mut ticket_ids = values_all(&Bytes::from(query), "ticket_id");
    ticket_ids.extend(values_all(&body, "ticket_id"));
    let result: Result<(), AppError> = match action.as_str() {
        "mark-paid" => s.app.mark_paid(&actor, org_id, ord.id).await.map(|_| ()),
        "resend" => s.app.resend_confirmation(&actor, org_id, ord.id).await,
        "invoice" => {
            let billing = tessera_domain::invoices::BillingInput {
                locale: Some(crate::error::locale().tag().to_string()),
                ..Default::default()
            };
            s.app.issue_invoice(&actor, org_id, ord.id, billing).await.map(|_| ())
        }
        "cancel" => s.app.cancel_order(&actor, org_id, ord.id).await.map(|_| ()),
        "refund" => match read_refund(&ord, &values, ticket_ids.clone()) {
            Err(errors) => {
                let (csrf, _) = csrf_token(&headers);
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                return order_view(&s, &actor, &o, &ord, status, csrf, vec![], &values, &ticket_ids, &errors, None)
                    .await;
            }
            Ok(input) => {
                // One refund per reviewed form: its random key makes a
                // second click or a resent post a repeat, not a second refund.
                let key = match values.get("request_key") {
                    Some(k) if k.len() == 32 && k.bytes().all(|b| b.is_ascii_hexdigit()) => k.clone(),
                    _ => random_token(),
                };
                let key = format!("ui:{}:{key}", ord.id);
                s.app.refund_order(&actor, org_id, ord.id, input, Some(&key)).await.map(|_| ())
            }
        },
        _ => return super::not_found_page(),
    };
    match result {
        Ok(()) => redirect(&back, &[]),
        Err(e) => match form_errors(e) {
            Ok(errors) => {
                // The app names the refund's amount `amount_minor`; the form, `amount`.
                let errors: Vec<(String, String)> = errors
                    .into_iter()
                    .map(|(f, m)| (if f == "amount_minor" { "amount".into() } else { f }, m))
                    .collect();
                let (csrf, _) = csrf_token(&headers);
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                order_view(&s, &actor, &o, &ord, status, csrf, vec![], &values, &ticket_ids, &errors, None).await
            }
            Err(page) => page,
        },
    }
}

// ------------------------------------------------------------ charts

/// A horizontal bar chart: one bar per row, the value written after it.
pub(super) struct HChart {
    pub id: String,
    pub title: String,
    pub height: i64,
    pub bars: Vec<HBar>,
}

pub(super) struct HBar {
    pub label: String,
    pub shown: String,
    pub y: i64,
    pub text_y: i64,
    pub width: i64,
    pub value_x: i64,
}

/// Bars of (label, value, value as shown), longest at `value` = the largest.
pub(super) fn hchart(id: &str, title: String, rows: &[(String, i64, String)]) -> HChart {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    const ROW_H: i64 = 28;
    let bars = rows
        .iter()
        .enumerate()
        .map(|(i, (label, value, shown))| {
            let y = i as i64 * ROW_H + 5;
            let width = (value * 330 / max).max(if *value > 0 { 2 } else { 0 });
            HBar { label: truncate(label, 28), shown: shown.clone(), y, text_y: y + 15, width, value_x: 186 + width }
        })
        .collect();
    HChart { id: id.into(), title, height: rows.len() as i64 * ROW_H + 10, bars }
}

/// A vertical bar chart over days: the largest value at full height.
pub(super) struct VChart {
    pub id: String,
    pub title: String,
    pub desc: String,
    pub width: i64,
    pub max: i64,
    pub bar_w: i64,
    pub bars: Vec<VBar>,
}

pub(super) struct VBar {
    pub x: i64,
    pub y: i64,
    pub h: i64,
    pub label: String,
    pub shown: String,
    /// The label under the axis, on every few bars.
    pub tick: Option<String>,
}

pub(super) fn vchart(id: &str, title: String, desc: String, rows: &[(String, i64, String)]) -> VChart {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let n = rows.len().max(1) as i64;
    let slot = (560 / n).max(2);
    let label_every = (n / 8).max(1);
    let bars = rows
        .iter()
        .enumerate()
        .map(|(i, (label, value, shown))| {
            let h = value * 185 / max;
            VBar {
                x: 35 + i as i64 * slot,
                y: 200 - h,
                h,
                label: label.clone(),
                shown: shown.clone(),
                tick: (i as i64 % label_every == 0).then(|| label.get(5..).unwrap_or(label).to_string()),
            }
        })
        .collect();
    VChart { id: id.into(), title, desc, width: 40 + slot * n, max, bar_w: (slot * 3 / 4).max(1), bars }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n - 1).collect::<String>()) }
}

// ------------------------------------------------------------ sales and attendees

/// A row of a chart's table: label, tickets, revenue as shown.
type FigureRow = (String, i64, String);

/// An event's sales figures: the part `sales.js` refreshes.
pub(super) struct SalesFigures {
    tickets: i64,
    revenue: String,
    by_type: Option<(HChart, Vec<FigureRow>)>,
    by_day: Option<(VChart, Vec<FigureRow>)>,
}

fn sales_figures(r: &SalesReport) -> SalesFigures {
    let rows = |lines: &[tessera_app::reports::SalesLine]| -> Vec<(String, i64, String)> {
        lines.iter().map(|l| (l.label.clone(), l.tickets, money(l.revenue))).collect()
    };
    let shown = |rows: &[(String, i64, String)]| -> Vec<(String, i64, String)> {
        rows.iter()
            .map(|(label, n, revenue)| {
                let v = t_args("orders-sold-value", &[("tickets", (*n).into()), ("revenue", revenue.clone().into())]);
                (label.clone(), *n, v)
            })
            .collect()
    };
    let types = rows(&r.by_ticket_type);
    let days = rows(&r.by_day);
    SalesFigures {
        tickets: r.tickets,
        revenue: money(r.revenue),
        by_type: (!types.is_empty()).then(|| (hchart("chart-types", t("orders-chart-by-type"), &shown(&types)), types)),
        by_day: (!days.is_empty()).then(|| {
            let desc = format!("{} – {}", days[0].0, days[days.len() - 1].0);
            (vchart("chart-days", t("orders-chart-by-day"), desc, &shown(&days)), days)
        }),
    }
}

#[derive(askama::Template)]
#[template(path = "orders/sales.html")]
struct SalesPage {
    shell: Shell,
    tabs: OrgTabs,
    event_tabs: Vec<(String, String, bool)>,
    event_id: String,
    fragment: String,
    figures: SalesFigures,
}

#[derive(askama::Template)]
#[template(path = "orders/sales_figures.html")]
struct SalesFragment {
    figures: SalesFigures,
}

async fn sales(
    State(s): State<AppState>,
    Path((org, event)): Path<(String, String)>,
    Query(q): Query<Values>,
    uri: axum::http::Uri,
) -> Response {
    let (actor, o) = match guard(&s, &org, uri.path()).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let v = match event_view(&s, &actor, o.org.id, &event).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let report = match s.app.sales_report(&actor, o.org.id, v.event.id).await {
        Ok(r) => r,
        Err(e) => return error_page(e),
    };
    let figures = sales_figures(&report);
    if q.contains_key("fragment") {
        // What sales.js swaps in when the availability stream says something changed.
        use askama::Template;
        let html = match (SalesFragment { figures }).render() {
            Ok(h) => h,
            Err(e) => {
                tracing::error!(error = %e, "the sales figures did not render");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        };
        let mut res = html.into_response();
        res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return res;
    }
    let title = t_args("orders-sales-title", &[("event", v.event.title.clone().into())]);
    let (shell, cookies) = shell(title, vec![], &["sales.js"]);
    let page = SalesPage {
        shell,
        tabs: OrgTabs::new(o.org.id, &o.org.name, "events"),
        event_tabs: event_tabs(o.org.id, &v.event, "sales"),
        event_id: v.event.id.to_string(),
        fragment: format!("{}?fragment=1", uri.path()),
        figures,
    };
    render(StatusCode::OK, &page, &cookies)
}

struct AttendeeRow {
    holder: String,
    ticket_type: String,
    seat: String,
    reference: String,
    status: String,
    checked_in: String,
}

#[derive(askama::Template)]
#[template(path = "orders/attendees.html")]
struct AttendeesPage {
    shell: Shell,
    tabs: OrgTabs,
    event_tabs: Vec<(String, String, bool)>,
    csv_href: String,
    rows: Vec<AttendeeRow>,
}

async fn attendees(
    State(s): State<AppState>,
    Path((org, event)): Path<(String, String)>,
    uri: axum::http::Uri,
) -> Response {
    let (actor, o) = match guard(&s, &org, uri.path()).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let v = match event_view(&s, &actor, o.org.id, &event).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let rows = match s.app.attendees(&actor, o.org.id, v.event.id).await {
        Ok(r) => r,
        Err(e) => return error_page(e),
    };
    let tz = v.venue.timezone.as_str();
    let title = t_args("orders-attendees-title", &[("event", v.event.title.clone().into())]);
    let (shell, cookies) = shell(title, vec![], &[]);
    let page = AttendeesPage {
        shell,
        tabs: OrgTabs::new(o.org.id, &o.org.name, "events"),
        event_tabs: event_tabs(o.org.id, &v.event, "attendees"),
        csv_href: format!("{}.csv", uri.path()),
        rows: rows
            .iter()
            .map(|a| AttendeeRow {
                holder: a.holder_name.clone(),
                ticket_type: a.ticket_type.clone(),
                seat: a.seat_label.clone().unwrap_or_default(),
                reference: a.order_reference.clone(),
                status: if a.status == "valid" { t("orders-ticket-valid") } else { t("orders-ticket-void") },
                checked_in: a.checked_in_at.map(|at| when(at, tz)).unwrap_or_default(),
            })
            .collect(),
    };
    render(StatusCode::OK, &page, &cookies)
}

async fn attendees_csv(
    State(s): State<AppState>,
    Path((org, event)): Path<(String, String)>,
    uri: axum::http::Uri,
) -> Response {
    let (actor, o) = match guard(&s, &org, uri.path()).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let id: EventId = match parse_id(&event) {
        Ok(id) => id,
        Err(r) => return r,
    };
    match s.app.attendees(&actor, o.org.id, id).await {
        Ok(rows) => csv_response(tessera_app::reports::attendees_csv(&rows), &format!("attendees-{id}.csv")),
        Err(e) => error_page(e),
    }
}
