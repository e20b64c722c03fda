//! The storefront's first pages: server-rendered HTML, no script, every
//! decision made by the same app calls as the JSON API. A buyer finds an
//! event, chooses tickets, pays with the organizer's provider and sees the
//! tickets (QR codes, ticket pages, the PDF). The order's access token lives
//! in an HttpOnly cookie scoped to the order's pages; every form carries a
//! CSRF token checked against a SameSite=Strict cookie.

use crate::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use std::collections::HashMap;
use tessera_app::catalog::{EventDetail, EventQuery};
use tessera_app::inventory::{PlaceOrder, SeatRequest};
use tessera_app::{Actor, AppError};
use tessera_domain::EventId;
use tessera_domain::account::Email;
use tessera_domain::inventory::LineRequest;
use tessera_domain::orders::{Order, OrderId, OrderState};

const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; \
                   frame-ancestors 'none'; base-uri 'none'";
const CSRF_COOKIE: &str = "tessera_form";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/events/{event_id}", get(event_page))
        .route("/events/{event_id}/buy", post(buy))
        .route("/orders/{order_id}", get(order_page))
        .route("/orders/{order_id}/pay", post(pay))
        .route("/orders/{order_id}/confirm", post(confirm))
        .route("/orders/{order_id}/tickets.pdf", get(tickets_pdf))
        .route("/events/{event_id}/calendar.ics", get(calendar))
}

/// The page for a URL that leads nowhere.
pub(crate) fn not_found_page() -> Response {
    page(StatusCode::NOT_FOUND, "Not found", "<p>There is nothing here. <a href=\"/\">See all events</a>.</p>", &[])
}

/// One iCalendar content line (RFC 5545): the value escaped as TEXT and the
/// line folded at 74 octets, never inside a character.
fn ics_text(name: &str, value: &str) -> String {
    let escaped =
        value.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace('\n', "\\n").replace('\r', "");
    let line = format!("{name}:{escaped}");
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 74 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

/// The event as an iCalendar file, for the buyer's calendar.
async fn calendar(State(s): State<AppState>, Path(id): Path<String>) -> Response {
    let (e, _) = match event_detail(&s, &id).await {
        Ok(found) => found,
        Err(err) => return error_page(err),
    };
    let utc = |t: tessera_domain::Timestamp| t.strftime("%Y%m%dT%H%M%SZ").to_string();
    let mut ics =
        String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Tessera//Storefront//EN\r\nBEGIN:VEVENT\r\n");
    ics.push_str(&format!("UID:{}@tessera\r\n", e.summary.id));
    ics.push_str(&format!("DTSTAMP:{}\r\n", utc(s.app.now())));
    ics.push_str(&format!("DTSTART:{}\r\nDTEND:{}\r\n", utc(e.summary.starts_at), utc(e.summary.ends_at)));
    ics.push_str(&ics_text("SUMMARY", &e.summary.title));
    let place = [e.summary.venue.name.as_str(), e.summary.venue.address.as_str()]
        .iter()
        .filter(|p| !p.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    ics.push_str(&ics_text("LOCATION", &place));
    ics.push_str(&ics_text("DESCRIPTION", &e.description));
    ics.push_str("END:VEVENT\r\nEND:VCALENDAR\r\n");
    let mut res = ics.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/calendar; charset=utf-8"));
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"event.ics\""));
    res
}

pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
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
fn csrf_token(headers: &HeaderMap) -> (String, Option<String>) {
    match cookie(headers, CSRF_COOKIE).filter(|t| t.len() == 32 && t.chars().all(|c| c.is_ascii_alphanumeric())) {
        Some(t) => (t.to_string(), None),
        None => {
            let t = uuid::Uuid::now_v7().simple().to_string();
            let bytes = getrandom_token();
            let t = format!("{}{}", &bytes[..16], &t[16..]);
            let set = format!("{CSRF_COOKIE}={t}; Path=/; HttpOnly; SameSite=Strict");
            (t, Some(set))
        }
    }
}

fn getrandom_token() -> String {
    let mut b = [0u8; 8];
    if getrandom::fill(&mut b).is_err() {
        return uuid::Uuid::now_v7().simple().to_string();
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn csrf_ok(headers: &HeaderMap, form: &HashMap<String, String>) -> bool {
    match (cookie(headers, CSRF_COOKIE), form.get("csrf")) {
        (Some(c), Some(f)) => {
            c.len() == f.len() && c.bytes().zip(f.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
        }
        _ => false,
    }
}

fn page(status: StatusCode, title: &str, body: &str, set_cookies: &[String]) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title} · Tessera</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:44rem;margin:0 auto;padding:1rem;color:#111;line-height:1.45}}\
         a{{color:#0645ad}}:focus{{outline:3px solid #0645ad;outline-offset:2px}}\
         table{{border-collapse:collapse;width:100%}}td,th{{text-align:left;padding:.4rem;border-bottom:1px solid #ddd}}\
         input{{font-size:1rem;padding:.35rem}}button{{font-size:1.05rem;padding:.5rem 1rem}}\
         .error{{color:#a00000;font-weight:600}}.muted{{color:#555}}img.qr{{width:14rem;height:14rem}}</style></head>\
         <body><header><a href=\"/\">Tessera</a></header><main><h1>{title}</h1>{body}</main></body></html>",
        title = esc(title),
    );
    let mut res = (status, Html(html)).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    for c in set_cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            h.append(header::SET_COOKIE, v);
        }
    }
    res
}

fn error_page(e: AppError) -> Response {
    match e {
        AppError::NotFound => not_found_page(),
        AppError::Internal(detail) => {
            tracing::error!(%detail, "storefront page failed");
            page(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong", "<p>Please try again in a moment.</p>", &[])
        }
        other => {
            let status = crate::error::ApiError::from(other).status;
            page(status, "That did not work", "<p>Please go back and try again.</p>", &[])
        }
    }
}

fn redirect(to: &str, set_cookies: &[String]) -> Response {
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

fn form(body: &Bytes) -> HashMap<String, String> {
    form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

async fn home(State(s): State<AppState>, Query(q): Query<HashMap<String, String>>) -> Response {
    let text = q.get("q").map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
    let query = EventQuery { q: text.clone(), limit: Some(50), ..Default::default() };
    let events = match s.app.public_events(&query).await {
        Ok(p) => p,
        Err(e) => return error_page(e),
    };
    let mut body = format!(
        "<form method=\"get\" action=\"/\" role=\"search\"><label for=\"q\">Search events</label> \
         <input id=\"q\" name=\"q\" value=\"{}\"> <button type=\"submit\">Search</button></form>",
        esc(text.as_deref().unwrap_or(""))
    );
    if events.items.is_empty() {
        body.push_str("<p>No events found.</p>");
    } else {
        body.push_str("<ul>");
        for e in &events.items {
            body.push_str(&format!(
                "<li><a href=\"/events/{id}\">{title}</a> <span class=\"muted\">{when} · {venue}</span></li>",
                id = e.id,
                title = esc(&e.title),
                when = esc(&e.starts_at_local),
                venue = esc(&e.venue.name),
            ));
        }
        body.push_str("</ul>");
    }
    page(StatusCode::OK, "Events", &body, &[])
}

/// The event's page with its ticket form; `errors` and `values` re-render a refused form.
fn event_html(
    e: &EventDetail,
    seated: bool,
    csrf: &str,
    errors: &[(String, String)],
    values: &HashMap<String, String>,
) -> String {
    let value = |k: &str| esc(values.get(k).map(String::as_str).unwrap_or(""));
    let error_for = |k: &str| {
        errors
            .iter()
            .filter(|(f, _)| f == k || f.starts_with(&format!("{k}.")) || f.starts_with(&format!("{k}[")))
            .map(|(_, m)| format!("<p class=\"error\" id=\"{}-error\">{}</p>", esc(k), esc(m)))
            .collect::<String>()
    };
    let mut body = format!(
        "<p>{when} ({tz}) · {venue} · <a href=\"/events/{id}/calendar.ics\">Add to calendar</a></p><p>{desc}</p>",
        when = esc(&e.summary.starts_at_local),
        tz = esc(&e.summary.timezone),
        venue = esc(&e.summary.venue.name),
        id = e.summary.id,
        desc = esc(&e.description),
    );
    if !errors.is_empty() {
        body.push_str("<div role=\"alert\"><p class=\"error\">Please check the marked fields.</p>");
        body.push_str(&error_for("lines"));
        body.push_str(&error_for("seats"));
        body.push_str(&error_for("event_id"));
        body.push_str("</div>");
    }
    let on_sale = e.ticket_types.iter().any(|t| t.on_sale && t.available > 0);
    body.push_str(&format!(
        "<form method=\"post\" action=\"/events/{}/buy\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        e.summary.id,
        esc(csrf)
    ));
    body.push_str("<table><thead><tr><th scope=\"col\">Ticket</th><th scope=\"col\">Price</th><th scope=\"col\">Quantity</th></tr></thead><tbody>");
    for t in &e.ticket_types {
        let field = format!("qty_{}", t.id);
        let control = if seated {
            "<span class=\"muted\">by seat</span>".to_string()
        } else if !t.on_sale {
            "<span class=\"muted\">not on sale</span>".to_string()
        } else if t.available <= 0 {
            "<strong>Sold out</strong>".to_string()
        } else {
            format!(
                "<label class=\"muted\" for=\"{field}\">How many</label> <input id=\"{field}\" name=\"{field}\" type=\"number\" \
                 min=\"0\" max=\"{max}\" value=\"{v}\" inputmode=\"numeric\">",
                max = t.max_per_order.min(t.available),
                v = value(&field),
            )
        };
        body.push_str(&format!(
            "<tr><td>{name}</td><td>{price}</td><td>{control}</td></tr>",
            name = esc(&t.name),
            price = esc(&t.price.to_string()),
        ));
    }
    body.push_str("</tbody></table>");
    if seated {
        body.push_str(&format!(
            "<p><label for=\"seats\">Best available seats</label> <input id=\"seats\" name=\"seats\" type=\"number\" min=\"1\" max=\"10\" value=\"{}\"></p>",
            value("seats")
        ));
    }
    if on_sale {
        body.push_str(&format!(
            "<p><label for=\"name\">Name on the tickets</label><br><input id=\"name\" name=\"name\" autocomplete=\"name\" required value=\"{}\">{}</p>\
             <p><label for=\"email\">E-mail</label><br><input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"email\" required value=\"{}\">{}</p>\
             <p><button type=\"submit\">Reserve</button></p>",
            value("name"),
            error_for("name"),
            value("email"),
            error_for("email"),
        ));
    } else {
        body.push_str("<p><strong>Nothing is on sale for this event right now.</strong></p>");
    }
    body.push_str("</form>");
    body
}

async fn event_detail(s: &AppState, id: &str) -> Result<(EventDetail, bool), AppError> {
    let id: EventId = id.parse().map_err(|_| AppError::NotFound)?;
    let e = s.app.public_event(id, None).await?;
    let seated = s.app.public_seat_statuses(id).await.is_ok();
    Ok((e, seated))
}

async fn event_page(State(s): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let (e, seated) = match event_detail(&s, &id).await {
        Ok(found) => found,
        Err(err) => return error_page(err),
    };
    let (csrf, set) = csrf_token(&headers);
    let body = event_html(&e, seated, &csrf, &[], &HashMap::new());
    page(StatusCode::OK, &e.summary.title, &body, &set.into_iter().collect::<Vec<_>>())
}

async fn buy(State(s): State<AppState>, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let values = form(&body);
    let (e, seated) = match event_detail(&s, &id).await {
        Ok(found) => found,
        Err(err) => return error_page(err),
    };
    if !csrf_ok(&headers, &values) {
        return page(
            StatusCode::FORBIDDEN,
            "Please try again",
            &format!("<p>The form expired. <a href=\"/events/{}\">Open the event again</a>.</p>", e.summary.id),
            &[],
        );
    }
    let mut errors: Vec<(String, String)> = vec![];
    let mut lines = vec![];
    for t in &e.ticket_types {
        let field = format!("qty_{}", t.id);
        match values.get(&field).map(|v| v.trim()).filter(|v| !v.is_empty()) {
            None => {}
            Some(v) => match v.parse::<i64>() {
                Ok(0) => {}
                Ok(n) if n > 0 => lines.push(LineRequest { ticket_type_id: t.id, quantity: n }),
                _ => errors.push(("lines".into(), format!("{}: enter a whole number", t.name))),
            },
        }
    }
    let seats = if seated {
        match values.get("seats").and_then(|v| v.trim().parse::<u32>().ok()) {
            Some(n) if n > 0 => Some(SeatRequest::Best { count: n, category: None, wheelchair_spaces: 0 }),
            _ => {
                errors.push(("seats".into(), "how many seats?".into()));
                None
            }
        }
    } else {
        if lines.is_empty() && errors.is_empty() {
            errors.push(("lines".into(), "choose at least one ticket".into()));
        }
        None
    };
    let email = match Email::parse(values.get("email").map(String::as_str).unwrap_or("").trim()) {
        Ok(e) => Some(e),
        Err(_) => {
            errors.push(("email".into(), "enter an e-mail address like name@example.org".into()));
            None
        }
    };
    let (csrf, _) = csrf_token(&headers);
    if errors.is_empty() {
        let locale = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split([',', ';']).next())
            .map(|t| t.trim().to_string());
        let input = PlaceOrder {
            lines,
            seats,
            email,
            name: values.get("name").map(|n| n.trim().to_string()),
            access_code: None,
            locale,
        };
        match s.app.place_order(&Actor::Anonymous, e.summary.id, input).await {
            Ok(placed) => {
                let id = placed.order.id;
                let cookie = format!(
                    "tessera_order={}; Path=/orders/{id}; HttpOnly; SameSite=Lax; Max-Age=31536000",
                    placed.access_token
                );
                return redirect(&format!("/orders/{id}"), &[cookie]);
            }
            Err(AppError::Invalid(v)) => errors.extend(v.fields.into_iter().map(|f| (f.field, f.message))),
            Err(AppError::SoldOut { message, .. }) => errors.push(("lines".into(), message)),
            Err(AppError::Rule { field, message, .. }) => errors.push((field, message)),
            Err(AppError::Conflict { field, message }) => errors.push((field, message)),
            Err(other) => return error_page(other),
        }
    }
    // Fresh availability, the buyer's values, a message next to each field.
    let e = match event_detail(&s, &id).await {
        Ok((e, _)) => e,
        Err(err) => return error_page(err),
    };
    let body = event_html(&e, seated, &csrf, &errors, &values);
    page(StatusCode::UNPROCESSABLE_ENTITY, &e.summary.title, &body, &[])
}

async fn buyer_order(s: &AppState, headers: &HeaderMap, id: &str) -> Result<(Order, String), AppError> {
    let id: OrderId = id.parse().map_err(|_| AppError::NotFound)?;
    let token = cookie(headers, "tessera_order").ok_or(AppError::NotFound)?.to_string();
    let order = s.app.buyer_order(&Actor::Anonymous, id, Some(&token)).await?;
    Ok((order, token))
}

async fn order_page(State(s): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let (order, token) = match buyer_order(&s, &headers, &id).await {
        Ok(found) => found,
        Err(e) => return error_page(e),
    };
    let (csrf, set) = csrf_token(&headers);
    let mut body = format!(
        "<p>Order <strong>{reference}</strong> · {state}</p><table><thead><tr><th scope=\"col\">Ticket</th>\
         <th scope=\"col\">Quantity</th><th scope=\"col\">Price</th></tr></thead><tbody>",
        reference = esc(&order.reference),
        state = esc(order.state.as_str()),
    );
    for l in &order.lines {
        body.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&l.name),
            l.quantity,
            esc(&l.unit_price.to_string())
        ));
    }
    body.push_str(&format!(
        "</tbody></table><p>Fees {} · Tax {} · <strong>Total {}</strong></p>",
        esc(&order.fees.to_string()),
        esc(&order.tax.to_string()),
        esc(&order.total.to_string())
    ));
    let hidden = format!("<input type=\"hidden\" name=\"csrf\" value=\"{}\">", esc(&csrf));
    match order.state {
        OrderState::Pending => {
            body.push_str(&format!(
                "<p>Your tickets are held until {} (UTC).</p>",
                esc(&order.expires_at.strftime("%H:%M").to_string())
            ));
            let (action, label) = if order.total.amount_minor == 0 {
                ("confirm", "Confirm".to_string())
            } else {
                ("pay", format!("Pay {}", order.total))
            };
            body.push_str(&format!(
                "<form method=\"post\" action=\"/orders/{}/{action}\">{hidden}<button type=\"submit\">{}</button></form>",
                order.id,
                esc(&label)
            ));
        }
        OrderState::Paid => {
            let tickets = match s.app.buyer_tickets(&Actor::Anonymous, order.id, Some(&token)).await {
                Ok(t) => t,
                Err(e) => return error_page(e),
            };
            body.push_str(&format!(
                "<p><a href=\"/orders/{}/tickets.pdf\" download>Download the tickets (PDF)</a></p><h2>Tickets</h2>",
                order.id
            ));
            for t in tickets.iter().filter(|t| t.status == "valid") {
                let seat = t.seat.as_deref().map(|s| format!(" · seat {}", esc(s))).unwrap_or_default();
                body.push_str(&format!(
                    "<section><h3>{kind}{seat}</h3><p>{holder}</p><img class=\"qr\" src=\"{qr}\" alt=\"QR code of the ticket for {holder}\">\
                     <p><a href=\"{page}\">Open this ticket</a></p></section>",
                    kind = esc(&t.ticket_type),
                    holder = esc(&t.holder_name),
                    qr = esc(&t.qr_svg_url),
                    page = esc(&t.page_url),
                ));
            }
        }
        OrderState::Expired => body.push_str(
            "<p role=\"status\"><strong>The hold expired</strong> and the tickets went back on sale. <a href=\"/\">Start again</a>.</p>",
        ),
        OrderState::Cancelled | OrderState::Refunded => {
            body.push_str(&format!("<p role=\"status\">This order was {}.</p>", esc(order.state.as_str())));
        }
    }
    page(StatusCode::OK, "Your order", &body, &set.into_iter().collect::<Vec<_>>())
}

async fn pay(State(s): State<AppState>, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let (order, token) = match buyer_order(&s, &headers, &id).await {
        Ok(found) => found,
        Err(e) => return error_page(e),
    };
    if !csrf_ok(&headers, &form(&body)) {
        return page(
            StatusCode::FORBIDDEN,
            "Please try again",
            &format!("<p><a href=\"/orders/{}\">Back to the order</a></p>", order.id),
            &[],
        );
    }
    match s.app.checkout(&Actor::Anonymous, order.id, Some(&token)).await {
        Ok(c) => match c.redirect_url {
            Some(url) => redirect(&url, &[]),
            None => page(
                StatusCode::OK,
                "How to pay",
                &format!(
                    "<p>{}</p><p>Quote <strong>{}</strong>, by {}.</p><p><a href=\"/orders/{}\">Back to the order</a></p>",
                    esc(c.instructions.as_deref().unwrap_or("")),
                    esc(&c.payment.provider_ref),
                    esc(&c.payment.due_at.map(|d| d.strftime("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default()),
                    order.id
                ),
                &[],
            ),
        },
        Err(e) => error_page(e),
    }
}

async fn confirm(State(s): State<AppState>, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let (order, token) = match buyer_order(&s, &headers, &id).await {
        Ok(found) => found,
        Err(e) => return error_page(e),
    };
    if !csrf_ok(&headers, &form(&body)) {
        return page(
            StatusCode::FORBIDDEN,
            "Please try again",
            &format!("<p><a href=\"/orders/{}\">Back to the order</a></p>", order.id),
            &[],
        );
    }
    match s.app.confirm_free_order(&Actor::Anonymous, order.id, Some(&token)).await {
        Ok(_) => redirect(&format!("/orders/{}", order.id), &[]),
        Err(e) => error_page(e),
    }
}

async fn tickets_pdf(State(s): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let (order, token) = match buyer_order(&s, &headers, &id).await {
        Ok(found) => found,
        Err(e) => return error_page(e),
    };
    match s.app.buyer_tickets_pdf(&Actor::Anonymous, order.id, Some(&token)).await {
        Ok(pdf) => {
            let disposition = format!("attachment; filename=\"tickets-{}.pdf\"", order.reference);
            let mut res = pdf.into_response();
            let h = res.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
            if let Ok(v) = HeaderValue::from_str(&disposition) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            res
        }
        Err(e) => error_page(e),
    }
}
