//! Orders in the dashboard: the organization's order list with its search,
//! an order's page and the staff's actions on it (mark paid, resend,
//! cancel, refund), and an event's sales figures and attendee list (with
//! its CSV).

use super::dashboard::{Values, event_tabs, event_view, guard, ok_page, parse_id, refused_page, values_all};
use super::{
    Extras, csrf_field, csrf_ok, csrf_token, error_page, esc, form, form_errors, form_expired_page, input, money,
    org_tabs, page_with, parse_amount, redirect, tr, when,
};
use crate::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::collections::HashMap;
use tessera_app::catalog::EventQuery;
use tessera_app::inventory::OrderFilter;
use tessera_app::orgs::OrgWithRole;
use tessera_app::payments::RefundInput;
use tessera_app::reports::SalesReport;
use tessera_app::{Actor, AppError};
use tessera_domain::orders::{Order, OrderId, OrderState};
use tessera_domain::{EventId, OrgId, Timestamp};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboard/orgs/{org}/events/{event}/sales", get(sales))
        .route("/dashboard/orgs/{org}/events/{event}/attendees", get(attendees))
        .route("/dashboard/orgs/{org}/events/{event}/attendees.csv", get(attendees_csv))
        .route("/dashboard/orgs/{org}/orders", get(orders))
        .route("/dashboard/orgs/{org}/orders/{order}", get(order_page))
        .route("/dashboard/orgs/{org}/orders/{order}/{action}", post(order_action))
}

// ------------------------------------------------------------ orders

const ORDER_STATES: [OrderState; 5] =
    [OrderState::Pending, OrderState::Paid, OrderState::Cancelled, OrderState::Expired, OrderState::Refunded];

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
    let text = q.get("q").map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
    let event: Option<EventId> = q.get("event").and_then(|e| e.parse().ok());
    let state: Option<OrderState> = q.get("state").and_then(|st| st.parse().ok());
    let page_no: i64 = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(0).max(0);
    const PER_PAGE: i64 = 50;
    let filter = OrderFilter { event, state, search: text };
    let found = s.app.list_orders(&actor, o.org.id, &filter, PER_PAGE + 1, page_no * PER_PAGE).await;
    let (list, errors) = match found {
        Ok(l) => (l, vec![]),
        Err(e) => match form_errors(e) {
            Ok(f) => (vec![], f),
            Err(page) => return page,
        },
    };
    let from = Timestamp::from_second(0).unwrap_or(Timestamp::UNIX_EPOCH);
    let events = s
        .app
        .org_events(&actor, o.org.id, &EventQuery { from: Some(from), limit: Some(100), ..Default::default() })
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let mut body = org_tabs(o.org.id, &o.org.name, "orders");
    let event_options: String = events
        .iter()
        .map(|e| {
            let sel = if Some(e.id) == event { " selected" } else { "" };
            format!("<option value=\"{}\"{sel}>{}</option>", e.id, esc(&e.title))
        })
        .collect();
    let state_options: String = ORDER_STATES
        .iter()
        .map(|st| {
            let sel = if Some(*st) == state { " selected" } else { "" };
            format!("<option value=\"{}\"{sel}>{}</option>", st.as_str(), tr(st.as_str()))
        })
        .collect();
    body.push_str(&format!(
        "<form method=\"get\" class=\"filters\" role=\"search\">{q}\
         <p><label for=\"event\">{event_l}</label><br><select id=\"event\" name=\"event\"><option value=\"\">{all}</option>{event_options}</select></p>\
         <p><label for=\"state\">{state_l}</label><br><select id=\"state\" name=\"state\"><option value=\"\">{all}</option>{state_options}</select></p>\
         <p><button type=\"submit\">{filter}</button></p></form>",
        q = input("q", tr("Search by reference, name or e-mail"), "search", "", &q, &errors),
        event_l = tr("Event"),
        state_l = tr("State"),
        all = tr("All"),
        filter = tr("Filter"),
    ));
    let more = list.len() as i64 > PER_PAGE;
    if list.is_empty() {
        body.push_str(&format!("<p role=\"status\">{}</p>", tr("No orders match.")));
    } else {
        body.push_str(&format!(
            "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
             <th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th></tr></thead><tbody>",
            tr("Reference"),
            tr("Buyer"),
            tr("Placed"),
            tr("State"),
            tr("Total")
        ));
        for ord in list.iter().take(PER_PAGE as usize) {
            body.push_str(&format!(
                "<tr><td><a href=\"/dashboard/orgs/{org}/orders/{id}\">{reference}</a></td><td>{name}<br><span class=\"muted\">{email}</span></td>\
                 <td>{placed}</td><td>{state}</td><td class=\"num\">{total}</td></tr>",
                org = o.org.id,
                id = ord.id,
                reference = esc(&ord.reference),
                name = esc(&ord.buyer_name),
                email = esc(&ord.buyer_email),
                placed = esc(&when(ord.created_at, "UTC")),
                state = tr(ord.state.as_str()),
                total = esc(&money(ord.total)),
            ));
        }
        body.push_str("</tbody></table></div>");
    }
    if more {
        let mut next: Vec<(String, String)> =
            q.iter().filter(|(k, _)| *k != "page").map(|(k, v)| (k.clone(), v.clone())).collect();
        next.push(("page".into(), (page_no + 1).to_string()));
        let qs: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(next).finish();
        body.push_str(&format!("<p><a href=\"?{}\">{}</a></p>", esc(&qs), tr("Show more")));
    }
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    page_with(status, tr("Orders"), &body, Extras { wide: true, ..Default::default() })
}

async fn org_order(s: &AppState, actor: &Actor, org: OrgId, order: &str) -> Result<Order, Response> {
    let id: OrderId = parse_id(order)?;
    s.app.get_org_order(actor, org, id).await.map_err(error_page)
}

async fn order_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, order)): Path<(String, String)>,
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
    match order_body(&s, &actor, &o, &ord, &csrf, &[]).await {
        Ok(body) => ok_page(&format!("{} {}", tr("Order"), ord.reference), &body, set),
        Err(r) => r,
    }
}

async fn order_body(
    s: &AppState,
    actor: &Actor,
    o: &OrgWithRole,
    ord: &Order,
    csrf: &str,
    errors: &[(String, String)],
) -> Result<String, Response> {
    let org = o.org.id;
    let base = format!("/dashboard/orgs/{org}/orders/{}", ord.id);
    let mut body = org_tabs(org, &o.org.name, "orders");
    if !errors.is_empty() {
        body.push_str("<div role=\"alert\">");
        for (f, m) in errors {
            body.push_str(&format!("<p class=\"error\">{}: {}</p>", esc(f), esc(m)));
        }
        body.push_str("</div>");
    }
    body.push_str(&format!(
        "<div class=\"stats\"><div>{}<strong>{}</strong></div><div>{}<strong>{}</strong></div><div>{}<strong>{}</strong></div><div>{}<strong>{}</strong></div></div>",
        tr("State"),
        tr(ord.state.as_str()),
        tr("Total"),
        esc(&money(ord.total)),
        tr("Paid"),
        esc(&money(ord.paid)),
        tr("Refunded"),
        esc(&money(ord.refunded)),
    ));
    body.push_str(&format!(
        "<p>{} <strong>{}</strong> &lt;{}&gt; · <a href=\"/dashboard/orgs/{org}/events/{}\">{}</a></p>",
        tr("Buyer"),
        esc(&ord.buyer_name),
        esc(&ord.buyer_email),
        ord.event_id,
        tr("Event")
    ));
    body.push_str(&format!(
        "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">×</th><th scope=\"col\" class=\"num\">{}</th></tr></thead><tbody>",
        tr("Ticket types"),
        tr("Price")
    ));
    for l in &ord.lines {
        body.push_str(&format!(
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&l.name),
            l.quantity,
            esc(&money(l.unit_price))
        ));
    }
    body.push_str("</tbody></table></div>");
    // Tickets (with seats), when issued.
    let tickets = s.app.org_order_tickets(actor, org, ord.id).await.unwrap_or_default();
    if !tickets.is_empty() {
        body.push_str(&format!(
            "<h2>{}</h2><div class=\"scroll\"><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            tr("Tickets"),
            tr("Holder"),
            tr("Ticket types"),
            tr("Seat"),
            tr("Status")
        ));
        for t in &tickets {
            body.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&t.holder_name),
                esc(&t.ticket_type),
                esc(t.seat.as_deref().unwrap_or("")),
                tr(if t.status == "valid" { "valid" } else { "void" })
            ));
        }
        body.push_str("</tbody></table></div>");
    }
    // Actions.
    let action = |name: &str, label: &str, class: &str| {
        format!(
            "<form class=\"inline\" method=\"post\" action=\"{base}/{name}\">{}<button type=\"submit\" class=\"{class}\">{}</button></form> ",
            csrf_field(csrf),
            esc(label)
        )
    };
    let mut actions = String::new();
    if ord.state == OrderState::Pending {
        actions.push_str(&action("mark-paid", tr("Mark paid"), ""));
    }
    if ord.state == OrderState::Paid {
        actions.push_str(&action("resend", tr("Resend the confirmation e-mail"), "secondary"));
    }
    if matches!(ord.state, OrderState::Pending | OrderState::Paid) && ord.paid.amount_minor == 0 {
        actions.push_str(&action("cancel", tr("Cancel the order"), "danger"));
    }
    if !actions.is_empty() {
        body.push_str(&format!("<p>{actions}</p>"));
    }
    if ord.paid.amount_minor > ord.refunded.amount_minor {
        let boxes: String = tickets
            .iter()
            .filter(|t| t.status == "valid")
            .map(|t| {
                format!(
                    "<label><input type=\"checkbox\" name=\"ticket_id\" value=\"{}\"> {} · {}{}</label><br>",
                    t.id,
                    esc(&t.holder_name),
                    esc(&t.ticket_type),
                    t.seat.as_deref().map(|s| format!(" · {}", esc(s))).unwrap_or_default()
                )
            })
            .collect();
        let empty = HashMap::new();
        body.push_str(&format!(
            "<h2>{refund}</h2><form method=\"post\" action=\"{base}/refund\" novalidate>{csrf}\
             <input type=\"hidden\" name=\"request_key\" value=\"{key}\">{amount}\
             <fieldset><legend>{only}</legend>{boxes}</fieldset>{reason}<p><button type=\"submit\" class=\"danger\">{refund}</button></p></form>",
            refund = tr("Refund"),
            key = super::random_token(),
            csrf = csrf_field(csrf),
            amount = input("amount", tr("Amount (leave empty for the rest of the order)"), "text", "inputmode=\"decimal\"", &empty, errors),
            only = tr("Or refund only these tickets"),
            reason = input("reason", tr("Reason"), "text", "maxlength=\"500\"", &empty, errors),
        ));
    }
    // Money and history.
    if let Ok(m) = s.app.order_money(actor, org, ord.id).await
        && !m.refunds.is_empty()
    {
        body.push_str(&format!("<h2>{}</h2><ul>", tr("Refunds")));
        for r in &m.refunds {
            body.push_str(&format!("<li>{} · {} · {}</li>", esc(&money(r.amount)), esc(&r.state), esc(&r.reason)));
        }
        body.push_str("</ul>");
    }
    body.push_str(&format!("<h2>{}</h2><ol>", tr("History")));
    for h in &ord.history {
        body.push_str(&format!(
            "<li>{} · {} → {} · <span class=\"muted\">{} {}</span></li>",
            esc(&when(h.at, "UTC")),
            h.from_state.map(|st| tr(st.as_str())).unwrap_or("–"),
            tr(h.to_state.as_str()),
            esc(&h.actor),
            esc(&h.note)
        ));
    }
    body.push_str("</ol>");
    Ok(body)
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
    let values = form(&body);
    let ord = match org_order(&s, &actor, o.org.id, &order).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let back = format!("/dashboard/orgs/{}/orders/{}", o.org.id, ord.id);
    if !csrf_ok(&headers, &values) {
        return form_expired_page(&back);
    }
    let org_id = o.org.id;
    let result: Result<(), AppError> = match action.as_str() {
        "mark-paid" => s.app.mark_paid(&actor, org_id, ord.id).await.map(|_| ()),
        "resend" => s.app.resend_confirmation(&actor, org_id, ord.id).await,
        "cancel" => s.app.cancel_order(&actor, org_id, ord.id).await.map(|_| ()),
        "refund" => {
            let amount_text = values.get("amount").map(|a| a.trim()).unwrap_or("");
            let ticket_ids = values_all(&body, "ticket_id");
            let amount = if amount_text.is_empty() {
                Ok(None)
            } else {
                parse_amount(amount_text, ord.total.currency).map(Some).ok_or(())
            };
            match amount {
                Err(()) => Err(AppError::invalid("amount", tr("enter an amount like 12.50"))),
                Ok(amount_minor) => {
                    let input = RefundInput {
                        amount_minor,
                        ticket_ids: if ticket_ids.is_empty() { None } else { Some(ticket_ids) },
                        reason: values.get("reason").map(|r| r.trim().to_string()).filter(|r| !r.is_empty()),
                    };
                    // One refund per rendered form: its random key makes a
                    // second click or a resent post a repeat, not a second refund.
                    let key = match values.get("request_key") {
                        Some(k) if k.len() == 32 && k.bytes().all(|b| b.is_ascii_hexdigit()) => k.clone(),
                        _ => super::random_token(),
                    };
                    let key = format!("ui:{}:{key}", ord.id);
                    s.app.refund_order(&actor, org_id, ord.id, input, Some(&key)).await.map(|_| ())
                }
            }
        }
        _ => return super::not_found_page(),
    };
    match result {
        Ok(()) => redirect(&back, &[]),
        Err(e) => match form_errors(e) {
            Ok(errors) => {
                let (csrf, _) = csrf_token(&headers);
                match order_body(&s, &actor, &o, &ord, &csrf, &errors).await {
                    Ok(b) => refused_page(&format!("{} {}", tr("Order"), ord.reference), &b),
                    Err(r) => r,
                }
            }
            Err(page) => page,
        },
    }
}

// ------------------------------------------------------------ figures

/// Bars of a chart: label, value, and the value as shown.
pub(super) fn bar_chart_horizontal(title: &str, rows: &[(String, i64, String)]) -> String {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let row_h = 28;
    let height = rows.len() as i64 * row_h + 10;
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 600 {height}\" role=\"img\" aria-label=\"{}\" preserveAspectRatio=\"xMinYMin meet\">",
        esc(title)
    );
    for (i, (label, value, shown)) in rows.iter().enumerate() {
        let y = i as i64 * row_h + 5;
        let w = (value * 330 / max).max(if *value > 0 { 2 } else { 0 });
        svg.push_str(&format!(
            "<text x=\"0\" y=\"{ty}\">{label}</text><rect class=\"bar\" x=\"180\" y=\"{y}\" width=\"{w}\" height=\"20\" rx=\"3\"></rect>\
             <text x=\"{tx}\" y=\"{ty}\">{shown}</text>",
            ty = y + 15,
            tx = 186 + w,
            label = esc(&truncate(label, 28)),
            shown = esc(shown),
        ));
    }
    svg.push_str("</svg>");
    svg
}

fn bar_chart_vertical(title: &str, rows: &[(String, i64, String)]) -> String {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let n = rows.len().max(1) as i64;
    let plot_w = 560;
    let slot = (plot_w / n).max(2);
    let bar_w = (slot * 3 / 4).max(1);
    let width = 40 + slot * n;
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {width} 230\" role=\"img\" aria-label=\"{}\" preserveAspectRatio=\"xMinYMin meet\">\
         <line class=\"axis\" x1=\"30\" y1=\"200\" x2=\"{width}\" y2=\"200\"></line><text x=\"0\" y=\"14\">{max}</text><text x=\"0\" y=\"200\">0</text>",
        esc(title)
    );
    let label_every = (n / 8).max(1);
    for (i, (label, value, shown)) in rows.iter().enumerate() {
        let x = 35 + i as i64 * slot;
        let h = value * 185 / max;
        svg.push_str(&format!(
            "<rect class=\"bar\" x=\"{x}\" y=\"{y}\" width=\"{bar_w}\" height=\"{h}\"><title>{label}: {shown}</title></rect>",
            y = 200 - h,
            label = esc(label),
            shown = esc(shown)
        ));
        if i as i64 % label_every == 0 {
            svg.push_str(&format!("<text x=\"{x}\" y=\"218\">{}</text>", esc(label.get(5..).unwrap_or(label))));
        }
    }
    svg.push_str("</svg>");
    svg
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n - 1).collect::<String>()) }
}

fn sales_html(r: &SalesReport) -> String {
    let mut body = format!(
        "<div class=\"stats\"><div>{}<strong>{}</strong></div><div>{}<strong>{}</strong></div></div>",
        tr("Tickets sold"),
        r.tickets,
        tr("Revenue"),
        esc(&money(r.revenue))
    );
    if r.by_ticket_type.is_empty() {
        body.push_str(&format!("<p>{}</p>", tr("No sales yet.")));
        return body;
    }
    let table = |lines: &[tessera_app::reports::SalesLine], first: &str| {
        let mut t = format!(
            "<details><summary>{}</summary><div class=\"scroll\"><table><thead><tr><th scope=\"col\">{first}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th></tr></thead><tbody>",
            tr("Show more"),
            tr("Tickets sold"),
            tr("Revenue")
        );
        for l in lines {
            t.push_str(&format!(
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                esc(&l.label),
                l.tickets,
                esc(&money(l.revenue))
            ));
        }
        t.push_str("</tbody></table></div></details>");
        t
    };
    let type_rows: Vec<(String, i64, String)> = r
        .by_ticket_type
        .iter()
        .map(|l| (l.label.clone(), l.tickets, format!("{} · {}", l.tickets, money(l.revenue))))
        .collect();
    body.push_str(&format!("<h2>{}</h2>", tr("By ticket type")));
    body.push_str(&bar_chart_horizontal(tr("By ticket type"), &type_rows));
    body.push_str(&table(&r.by_ticket_type, tr("Ticket types")));
    let day_rows: Vec<(String, i64, String)> = r
        .by_day
        .iter()
        .map(|l| (l.label.clone(), l.tickets, format!("{} · {}", l.tickets, money(l.revenue))))
        .collect();
    body.push_str(&format!("<h2>{}</h2>", tr("By day")));
    body.push_str(&bar_chart_vertical(tr("By day"), &day_rows));
    body.push_str(&table(&r.by_day, tr("Day")));
    body
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
    let figures = sales_html(&report);
    if q.contains_key("fragment") {
        // What sales.js swaps in when the availability stream says something changed.
        let mut res = figures.into_response();
        res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return res;
    }
    let mut body = org_tabs(o.org.id, &o.org.name, "events");
    body.push_str(&event_tabs(o.org.id, &v.event, "sales"));
    body.push_str(&format!(
        "<p class=\"muted\">{} <span id=\"sales-status\" role=\"status\"></span></p><div id=\"sales\" data-event=\"{}\" data-fragment=\"{}?fragment=1\">{figures}</div>",
        tr("Updates as tickets sell."),
        v.event.id,
        esc(uri.path()),
    ));
    page_with(
        StatusCode::OK,
        &format!("{} · {}", tr("Sales"), v.event.title),
        &body,
        Extras { wide: true, scripts: &["sales.js"], ..Default::default() },
    )
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
    let mut body = org_tabs(o.org.id, &o.org.name, "events");
    body.push_str(&event_tabs(o.org.id, &v.event, "attendees"));
    body.push_str(&format!(
        "<p><a class=\"button secondary\" href=\"{}.csv\" download>{}</a></p>",
        esc(uri.path()),
        tr("Download CSV")
    ));
    if rows.is_empty() {
        body.push_str(&format!("<p>{}</p>", tr("No attendees yet.")));
    } else {
        body.push_str(&format!(
            "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
             <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            tr("Holder"),
            tr("Ticket types"),
            tr("Seat"),
            tr("Reference"),
            tr("Status"),
            tr("Checked in")
        ));
        let tz = v.venue.timezone.as_str();
        for a in &rows {
            body.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&a.holder_name),
                esc(&a.ticket_type),
                esc(a.seat_label.as_deref().unwrap_or("")),
                esc(&a.order_reference),
                tr(if a.status == "valid" { "valid" } else { "void" }),
                esc(&a.checked_in_at.map(|t| when(t, tz)).unwrap_or_default()),
            ));
        }
        body.push_str("</tbody></table></div>");
    }
    page_with(
        StatusCode::OK,
        &format!("{} · {}", tr("Attendees"), v.event.title),
        &body,
        Extras { wide: true, ..Default::default() },
    )
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
        Ok(rows) => {
            let mut res = tessera_app::reports::attendees_csv(&rows).into_response();
            let h = res.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"attendees-{id}.csv\"")) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            res
        }
        Err(e) => error_page(e),
    }
}
