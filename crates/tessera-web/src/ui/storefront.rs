//! The storefront's first pages: server-rendered HTML, no script, every
//! decision made by the same app calls as the JSON API. A buyer finds an
//! event, chooses tickets, pays with the organizer's provider and sees the
//! tickets (QR codes, ticket pages, the PDF). The order's access token lives
//! in an HttpOnly cookie scoped to the order's pages; every form carries a
//! CSRF token checked against a SameSite=Strict cookie.

use super::seats::{self, Seating};
use super::{
    Catalog, Extras, browser_language, cookie, csrf_ok, csrf_token, error_page, esc, field_errors, form, money, page,
    page_with, redirect, tr, viewer, when,
};
use crate::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::collections::HashMap;
use tessera_app::catalog::{EventDetail, EventQuery};
use tessera_app::inventory::PlaceOrder;
use tessera_app::{Actor, AppError};
use tessera_domain::EventId;
use tessera_domain::account::Email;
use tessera_domain::inventory::LineRequest;
use tessera_domain::orders::{Order, OrderId, OrderState};

pub(super) const ZH: Catalog = &[
    ("Search events", "搜索活动"),
    ("From", "开始日期"),
    ("To", "结束日期"),
    ("enter a date like 2026-12-31", "请输入日期，例如 2026-12-31"),
    ("Search", "搜索"),
    ("No events found.", "没有找到活动。"),
    ("Add to calendar", "添加到日历"),
    ("Ticket", "票种"),
    ("Price", "价格"),
    ("Quantity", "数量"),
    ("How many", "数量"),
    ("not on sale", "未开售"),
    ("Sold out", "已售罄"),
    ("Only left:", "仅剩："),
    ("On sale from", "开售时间："),
    ("Tickets go on sale on", "开售时间："),
    ("incl. fees of", "含手续费"),
    ("Plus a service fee per order of", "每笔订单另收服务费"),
    ("Name on the tickets", "票上的姓名"),
    ("E-mail", "电子邮箱"),
    ("Reserve", "预订"),
    ("Nothing is on sale for this event right now.", "本活动目前没有在售的票。"),
    ("Your order", "您的订单"),
    ("Order", "订单"),
    ("pending", "待付款"),
    ("paid", "已付款"),
    ("expired", "已过期"),
    ("cancelled", "已取消"),
    ("refunded", "已退款"),
    ("Fees", "手续费"),
    ("Tax", "税费"),
    ("Total", "合计"),
    ("Your tickets are held for", "您的票将保留"),
    ("until", "截至"),
    (
        "Can't come? Where the organizer's refund policy allows it, you get your money back.",
        "无法出席？在主办方退款政策允许的情况下，您可以获得退款。",
    ),
    ("Request a refund", "申请退款"),
    ("No refund", "无法退款"),
    ("Confirm", "确认"),
    ("Pay", "支付"),
    ("Download the tickets (PDF)", "下载门票（PDF）"),
    ("Tickets", "门票"),
    ("Open this ticket", "打开此票"),
    ("Your seat", "您的座位"),
    ("The hold expired and the tickets went back on sale.", "保留已过期，门票已重新开售。"),
    ("Start again", "重新开始"),
    ("This order is", "此订单"),
    ("Open the event again", "重新打开活动"),
    ("Back to the order", "返回订单"),
    ("How to pay", "如何付款"),
    ("Quote", "请注明"),
    ("by", "截止"),
    ("QR code of the ticket for", "门票二维码："),
    ("choose at least one ticket", "请至少选择一张票"),
    ("enter an e-mail address like name@example.org", "请输入电子邮箱，例如 name@example.org"),
    ("enter a whole number", "请输入整数"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/events/{event_id}", get(event_page))
        .route("/events/{event_id}/buy", post(buy))
        .route("/orders/{order_id}", get(order_page))
        .route("/orders/{order_id}/pay", post(pay))
        .route("/orders/{order_id}/confirm", post(confirm))
        .route("/orders/{order_id}/refund", post(refund))
        .route("/orders/{order_id}/tickets.pdf", get(tickets_pdf))
        .route("/events/{event_id}/calendar.ics", get(calendar))
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
    let found = match id.parse::<EventId>() {
        Ok(id) => s.app.public_event(id, None).await,
        Err(_) => Err(AppError::NotFound),
    };
    let e = match found {
        Ok(e) => e,
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

async fn home(State(s): State<AppState>, Query(q): Query<HashMap<String, String>>) -> Response {
    let text = q.get("q").map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
    let category = q.get("category").and_then(|c| c.parse::<tessera_domain::catalog::Category>().ok());
    // Days are read as UTC days; "to" includes its whole day.
    let day = |k: &str| {
        q.get(k)
            .filter(|d| !d.trim().is_empty())
            .map(|d| d.trim().parse::<jiff::civil::Date>().ok().and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok()))
    };
    let mut errors = vec![];
    let from = match day("from") {
        Some(Some(z)) => Some(z.timestamp()),
        Some(None) => {
            errors.push(("from".to_string(), tr("enter a date like 2026-12-31").to_string()));
            None
        }
        None => None,
    };
    let to = match day("to") {
        Some(Some(z)) => z.checked_add(jiff::Span::new().days(1)).ok().map(|z| z.timestamp()),
        Some(None) => {
            errors.push(("to".to_string(), tr("enter a date like 2026-12-31").to_string()));
            None
        }
        None => None,
    };
    let query = EventQuery { q: text.clone(), category, from, to, limit: Some(50), ..Default::default() };
    let events = if errors.is_empty() {
        match s.app.public_events(&query).await {
            Ok(p) => p.items,
            Err(e) => match super::form_errors(e) {
                Ok(f) => {
                    errors = f;
                    vec![]
                }
                Err(page) => return page,
            },
        }
    } else {
        vec![]
    };
    let categories: String = super::CATEGORIES
        .iter()
        .map(|c| {
            let sel = if Some(*c) == category { " selected" } else { "" };
            format!("<option value=\"{c}\"{sel}>{}</option>", super::category_label(*c))
        })
        .collect();
    let mut body = format!(
        "<form method=\"get\" action=\"/\" role=\"search\" class=\"filters\" novalidate>{q}\
         <p><label for=\"category\">{cat_l}</label><br><select id=\"category\" name=\"category\"><option value=\"\">{all}</option>{categories}</select></p>\
         {from}{to}<p><button type=\"submit\">{search}</button></p></form>",
        q = super::input("q", tr("Search events"), "search", "", &q, &errors),
        cat_l = tr("Category"),
        all = tr("All"),
        from = super::input("from", tr("From"), "date", "", &q, &errors),
        to = super::input("to", tr("To"), "date", "", &q, &errors),
        search = tr("Search"),
    );
    if events.is_empty() {
        body.push_str(&format!("<p role=\"status\">{}</p>", tr("No events found.")));
    } else {
        body.push_str("<ul class=\"cards\">");
        for e in &events {
            body.push_str(&format!(
                "<li><a href=\"/events/{id}\"><strong>{title}</strong></a><br><span class=\"muted\">{when}<br>{venue} · {category}</span></li>",
                id = e.id,
                title = esc(&e.title),
                when = esc(&when(e.starts_at, &e.timezone)),
                venue = esc(&e.venue.name),
                category = super::category_label(e.category),
            ));
        }
        body.push_str("</ul>");
    }
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    page(status, tr("Events"), &body, &[])
}

/// What the page says about prices and dates beyond the event itself.
struct Offer {
    prices: tessera_app::payments::BuyerPrices,
    now: tessera_domain::Timestamp,
}

impl Offer {
    async fn of(s: &AppState, e: &EventDetail) -> Result<Self, AppError> {
        Ok(Self { prices: s.app.buyer_prices(e).await?, now: s.app.now() })
    }
}

/// How many are left, said only when few are (and live, through `availability.js`).
fn scarcity(available: i64) -> String {
    match available {
        n if n <= 0 => tr("Sold out").to_string(),
        n if n <= 10 => format!("{} {n}", tr("Only left:")),
        _ => String::new(),
    }
}

/// The event's page with its ticket form; `errors` and `values` re-render a
/// refused form (`seats`: the seat ids it asked for).
fn event_html(
    e: &EventDetail,
    offer: &Offer,
    seating: Option<&Seating>,
    csrf: &str,
    errors: &[(String, String)],
    values: &HashMap<String, String>,
    seats: &[String],
) -> String {
    let value = |k: &str| esc(values.get(k).map(String::as_str).unwrap_or(""));
    let error_for = |k: &str| field_errors(errors, k);
    let mut body = format!(
        "<p>{when} ({tz}) · {venue} · <a href=\"/events/{id}/calendar.ics\">{cal}</a></p><p>{desc}</p>",
        when = esc(&when(e.summary.starts_at, &e.summary.timezone)),
        cal = tr("Add to calendar"),
        tz = esc(&e.summary.timezone),
        venue = esc(&e.summary.venue.name),
        id = e.summary.id,
        desc = esc(&e.description),
    );
    if !errors.is_empty() && seating.is_none() {
        body.push_str(&format!("<div role=\"alert\"><p class=\"error\">{}</p>", tr("Please check the marked fields.")));
        body.push_str(&error_for("lines"));
        body.push_str(&error_for("seats"));
        body.push_str(&error_for("event_id"));
        body.push_str("</div>");
    }
    let on_sale = e.ticket_types.iter().any(|t| t.on_sale && t.available > 0);
    body.push_str(&format!(
        "<form method=\"post\" action=\"/events/{id}/buy\" data-event=\"{id}\" data-sold-out=\"{sold_out}\" data-left=\"{left}\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">",
        id = e.summary.id,
        csrf = esc(csrf),
        sold_out = tr("Sold out"),
        left = tr("Only left:"),
    ));
    match seating {
        Some(seating) if on_sale => body.push_str(&seats::buyer_choice(e, seating, values, seats, errors)),
        Some(_) => {}
        None => {
            body.push_str(&format!(
                "<table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
                tr("Ticket"),
                tr("Price"),
                tr("Quantity")
            ));
            for t in &e.ticket_types {
                let field = format!("qty_{}", t.id);
                let opens = t.sales_start.filter(|at| *at > offer.now);
                let control = if let (false, Some(at)) = (t.on_sale, opens) {
                    format!(
                        "<span class=\"muted\">{} {}</span>",
                        tr("On sale from"),
                        esc(&when(at, &e.summary.timezone))
                    )
                } else if !t.on_sale {
                    format!("<span class=\"muted\">{}</span>", tr("not on sale"))
                } else if t.available <= 0 {
                    format!("<strong data-avail=\"{}\">{}</strong>", t.id, tr("Sold out"))
                } else {
                    format!(
                        "<label class=\"muted\" for=\"{field}\">{how_many}</label> <input id=\"{field}\" name=\"{field}\" type=\"number\" \
                         min=\"0\" max=\"{max}\" value=\"{v}\" inputmode=\"numeric\" data-ticket-type=\"{id}\" data-max-per-order=\"{per_order}\"> \
                         <span class=\"muted\" data-avail=\"{id}\" aria-live=\"polite\">{left}</span>",
                        how_many = tr("How many"),
                        max = t.max_per_order.min(t.available),
                        per_order = t.max_per_order,
                        v = value(&field),
                        id = t.id,
                        left = esc(&scarcity(t.available)),
                    )
                };
                let buyer = offer.prices.ticket_types.iter().find(|p| p.ticket_type_id == t.id);
                let price = match buyer {
                    Some(b) if b.fees.amount_minor > 0 => format!(
                        "{}<br><span class=\"muted\">{} {}</span>",
                        esc(&money(b.per_ticket)),
                        tr("incl. fees of"),
                        esc(&money(b.fees))
                    ),
                    Some(b) => esc(&money(b.per_ticket)),
                    None => esc(&money(t.price)),
                };
                body.push_str(&format!(
                    "<tr><td>{name}</td><td>{price}</td><td>{control}</td></tr>",
                    name = esc(&t.name)
                ));
            }
            body.push_str("</tbody></table>");
            if let Some(fee) = offer.prices.per_order_fee {
                body.push_str(&format!(
                    "<p class=\"muted\">{} {}</p>",
                    tr("Plus a service fee per order of"),
                    esc(&money(fee))
                ));
            }
        }
    }
    if on_sale {
        body.push_str(&format!(
            "<p><label for=\"name\">{}</label><br><input id=\"name\" name=\"name\" autocomplete=\"name\" required value=\"{}\">{}</p>\
             <p><label for=\"email\">{}</label><br><input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"email\" required value=\"{}\">{}</p>\
             <p><button type=\"submit\">{}</button></p>",
            tr("Name on the tickets"),
            value("name"),
            error_for("name"),
            tr("E-mail"),
            value("email"),
            error_for("email"),
            tr("Reserve"),
        ));
    } else {
        let opens = e.ticket_types.iter().filter_map(|t| t.sales_start).filter(|at| *at > offer.now).min();
        match opens {
            Some(at) => body.push_str(&format!(
                "<p role=\"status\"><strong>{} {}</strong></p>",
                tr("Tickets go on sale on"),
                esc(&when(at, &e.summary.timezone))
            )),
            None => body.push_str(&format!(
                "<p role=\"status\"><strong>{}</strong></p>",
                tr("Nothing is on sale for this event right now.")
            )),
        }
    }
    body.push_str("</form>");
    body
}

async fn event_detail(s: &AppState, id: &str) -> Result<(EventDetail, Option<Seating>), AppError> {
    let id: EventId = id.parse().map_err(|_| AppError::NotFound)?;
    let e = s.app.public_event(id, None).await?;
    let seating = seats::public_seating(s, id).await?;
    Ok((e, seating))
}

async fn event_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (e, seating) = match event_detail(&s, &id).await {
        Ok(found) => found,
        Err(err) => return error_page(err),
    };
    let (csrf, set) = csrf_token(&headers);
    // Only the section to list comes from the address.
    let values: HashMap<String, String> = q.into_iter().filter(|(k, _)| k == "section").collect();
    let offer = match Offer::of(&s, &e).await {
        Ok(o) => o,
        Err(err) => return error_page(err),
    };
    let body = event_html(&e, &offer, seating.as_ref(), &csrf, &[], &values, &[]);
    let scripts: &[&str] = if seating.is_some() { &["seatmap.js"] } else { &["availability.js"] };
    let extras = Extras { cookies: set.into_iter().collect(), scripts, wide: seating.is_some() };
    page_with(StatusCode::OK, &e.summary.title, &body, extras)
}

async fn buy(State(s): State<AppState>, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let pairs = seats::form_pairs(&body);
    let values: HashMap<String, String> = pairs.iter().cloned().collect();
    let (e, seating) = match event_detail(&s, &id).await {
        Ok(found) => found,
        Err(err) => return error_page(err),
    };
    if !csrf_ok(&headers, &values) {
        return page(
            StatusCode::FORBIDDEN,
            tr("Please try again"),
            &format!(
                "<p>{} <a href=\"/events/{}\">{}</a>.</p>",
                tr("The form expired."),
                e.summary.id,
                tr("Open the event again")
            ),
            &[],
        );
    }
    let mut errors: Vec<(String, String)> = vec![];
    let mut lines = vec![];
    let chosen = seats::posted_seats(&pairs);
    let best = seats::wants_best(&values, &chosen);
    let seat_request = if seating.is_some() {
        seats::seat_request(&values, &chosen, &mut errors)
    } else {
        for t in &e.ticket_types {
            let field = format!("qty_{}", t.id);
            match values.get(&field).map(|v| v.trim()).filter(|v| !v.is_empty()) {
                None => {}
                Some(v) => match v.parse::<i64>() {
                    Ok(0) => {}
                    Ok(n) if n > 0 => lines.push(LineRequest { ticket_type_id: t.id, quantity: n }),
                    _ => errors.push(("lines".into(), format!("{}: {}", t.name, tr("enter a whole number")))),
                },
            }
        }
        if lines.is_empty() && errors.is_empty() {
            errors.push(("lines".into(), tr("choose at least one ticket").into()));
        }
        None
    };
    let email = match Email::parse(values.get("email").map(String::as_str).unwrap_or("").trim()) {
        Ok(e) => Some(e),
        Err(_) => {
            errors.push(("email".into(), tr("enter an e-mail address like name@example.org").into()));
            None
        }
    };
    let (csrf, _) = csrf_token(&headers);
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    let mut seat_errors = false;
    if errors.is_empty() {
        let locale = browser_language(&headers);
        let input = PlaceOrder {
            lines,
            seats: seat_request,
            email,
            name: values.get("name").map(|n| n.trim().to_string()),
            access_code: None,
            locale,
        };
        // On a seated event, messages about seats go next to the seat list
        // or the best-available fields.
        let field = |f: String| if seating.is_some() { seats::seat_field(&f, best) } else { f };
        match s.app.place_order(&buyer_actor(), e.summary.id, input).await {
            Ok(placed) => {
                let id = placed.order.id;
                // Thirty days: long enough to come back to the order and its
                // tickets (the e-mail keeps links to each ticket page after that).
                let cookie = format!(
                    "tessera_order={}; Path=/orders/{id}; HttpOnly; SameSite=Lax; Max-Age={ORDER_COOKIE_MAX_AGE}{}",
                    placed.access_token,
                    super::secure_attr()
                );
                return redirect(&format!("/orders/{id}"), &[cookie]);
            }
            Err(AppError::Invalid(v)) => errors.extend(v.fields.into_iter().map(|f| (field(f.field), f.message))),
            Err(AppError::SoldOut { field: f, message, .. }) => errors.push((field(f), message)),
            Err(AppError::Rule { field: f, message, .. }) => errors.push((field(f), message)),
            Err(AppError::Conflict { field: f, message }) => {
                status = StatusCode::CONFLICT;
                errors.push((field(f), message));
            }
            Err(other) => return error_page(other),
        }
        seat_errors = true;
    }
    // Fresh availability, the buyer's values, a message next to each field.
    let (e, seating) = match event_detail(&s, &id).await {
        Ok(found) => found,
        Err(err) => return error_page(err),
    };
    // Hand-picked seats refused: say which seat and why, by its label.
    if let Some(seating) = &seating
        && seat_errors
        && !best
    {
        let explained = seats::explain_seats(seating, &chosen, seats::Refused::Buy);
        if !explained.is_empty() {
            errors.retain(|(f, _)| f != "seat");
            errors.extend(explained.into_iter().map(|m| ("seat".to_string(), m)));
        }
    }
    let offer = match Offer::of(&s, &e).await {
        Ok(o) => o,
        Err(err) => return error_page(err),
    };
    let body = event_html(&e, &offer, seating.as_ref(), &csrf, &errors, &values, &chosen);
    let scripts: &[&str] = if seating.is_some() { &["seatmap.js"] } else { &["availability.js"] };
    let extras = Extras { scripts, wide: seating.is_some(), ..Default::default() };
    page_with(status, &e.summary.title, &body, extras)
}

/// How long the browser keeps an order's access token: 30 days.
const ORDER_COOKIE_MAX_AGE: i64 = 30 * 24 * 3600;

/// Who is buying: the signed-in account, or nobody in particular.
fn buyer_actor() -> Actor {
    viewer().map_or(Actor::Anonymous, |v| Actor::User(v.user.clone()))
}

/// The order, for the browser holding its cookie or the account that placed it.
async fn buyer_order(s: &AppState, headers: &HeaderMap, id: &str) -> Result<(Order, Option<String>), AppError> {
    let id: OrderId = id.parse().map_err(|_| AppError::NotFound)?;
    let token = cookie(headers, "tessera_order").map(str::to_string);
    let order = s.app.buyer_order(&buyer_actor(), id, token.as_deref()).await?;
    Ok((order, token))
}

async fn order_page(State(s): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let (order, token) = match buyer_order(&s, &headers, &id).await {
        Ok(found) => found,
        Err(e) => return error_page(e),
    };
    let (csrf, set) = csrf_token(&headers);
    let mut body = format!(
        "<p>{order_word} <strong>{reference}</strong> · {state}</p><table><thead><tr><th scope=\"col\">{ticket}</th>\
         <th scope=\"col\">{quantity}</th><th scope=\"col\">{price}</th></tr></thead><tbody>",
        order_word = tr("Order"),
        reference = esc(&order.reference),
        state = tr(order.state.as_str()),
        ticket = tr("Ticket"),
        quantity = tr("Quantity"),
        price = tr("Price"),
    );
    for l in &order.lines {
        body.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&l.name),
            l.quantity,
            esc(&money(l.unit_price))
        ));
    }
    body.push_str(&format!(
        "</tbody></table><p>{} {} · {} {} · <strong>{} {}</strong></p>",
        tr("Fees"),
        esc(&money(order.fees)),
        tr("Tax"),
        esc(&money(order.tax)),
        tr("Total"),
        esc(&money(order.total))
    ));
    let hidden = format!("<input type=\"hidden\" name=\"csrf\" value=\"{}\">", esc(&csrf));
    match order.state {
        OrderState::Pending => {
            body.push_str(&format!(
                "<p>{} <span class=\"countdown\" data-countdown=\"{}\">{}</span> ({} {} UTC).</p>",
                tr("Your tickets are held for"),
                esc(&order.expires_at.to_string()),
                esc(&hold_left(order.expires_at, s.app.now())),
                tr("until"),
                esc(&order.expires_at.strftime("%H:%M").to_string())
            ));
            let (action, label) = if order.total.amount_minor == 0 {
                ("confirm", tr("Confirm").to_string())
            } else {
                ("pay", format!("{} {}", tr("Pay"), money(order.total)))
            };
            body.push_str(&format!(
                "<form method=\"post\" action=\"/orders/{}/{action}\">{hidden}<button type=\"submit\">{}</button></form>",
                order.id,
                esc(&label)
            ));
        }
        OrderState::Paid => {
            let tickets = match s.app.buyer_tickets(&buyer_actor(), order.id, token.as_deref()).await {
                Ok(t) => t,
                Err(e) => return error_page(e),
            };
            body.push_str(&format!(
                "<p><a href=\"/orders/{}/tickets.pdf\" download>{}</a></p><h2>{}</h2>",
                order.id,
                tr("Download the tickets (PDF)"),
                tr("Tickets")
            ));
            if order.refunded.amount_minor < order.paid.amount_minor {
                body.push_str(&format!(
                    "<form method=\"post\" action=\"/orders/{}/refund\">{hidden}<p class=\"muted\">{}</p>\
                     <button class=\"secondary\" type=\"submit\">{}</button></form>",
                    order.id,
                    tr("Can't come? Where the organizer's refund policy allows it, you get your money back."),
                    tr("Request a refund")
                ));
            }
            for t in tickets.iter().filter(|t| t.status == "valid") {
                let seat = t
                    .seat
                    .as_deref()
                    .map(|s| format!("<p class=\"seat-label\">{}: <strong>{}</strong></p>", tr("Your seat"), esc(s)))
                    .unwrap_or_default();
                body.push_str(&format!(
                    "<section><h3>{kind}</h3>{seat}<p>{holder}</p><img class=\"qr\" src=\"{qr}\" alt=\"{qr_alt} {holder}\">\
                     <p><a href=\"{page}\">{open}</a></p></section>",
                    qr_alt = tr("QR code of the ticket for"),
                    open = tr("Open this ticket"),
                    kind = esc(&t.ticket_type),
                    holder = esc(&t.holder_name),
                    qr = esc(&t.qr_svg_url),
                    page = esc(&t.page_url),
                ));
            }
        }
        OrderState::Expired => body.push_str(&format!(
            "<p role=\"status\"><strong>{}</strong> <a href=\"/\">{}</a>.</p>",
            tr("The hold expired and the tickets went back on sale."),
            tr("Start again")
        )),
        OrderState::Cancelled | OrderState::Refunded => {
            body.push_str(&format!("<p role=\"status\">{} {}.</p>", tr("This order is"), tr(order.state.as_str())));
        }
    }
    let extras = Extras { cookies: set.into_iter().collect(), scripts: &["countdown.js"], ..Default::default() };
    page_with(StatusCode::OK, tr("Your order"), &body, extras)
}

/// Minutes and seconds until the hold ends, as the countdown shows them.
fn hold_left(until: tessera_domain::Timestamp, now: tessera_domain::Timestamp) -> String {
    let left = (until.as_second() - now.as_second()).max(0);
    format!("{}:{:02}", left / 60, left % 60)
}

/// The buyer asks for the money back; the organizer's policy decides.
async fn refund(State(s): State<AppState>, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let (order, token) = match order_form(&s, &headers, &id, &body).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    match s.app.buyer_refund(&buyer_actor(), order.id, token.as_deref()).await {
        Ok(_) => redirect(&format!("/orders/{}", order.id), &[]),
        Err(e) => {
            let message = match e {
                AppError::Rule { message, .. } | AppError::StateConflict { message, .. } => message,
                AppError::Conflict { message, .. } => message,
                other => return error_page(other),
            };
            page(
                StatusCode::CONFLICT,
                tr("No refund"),
                &format!(
                    "<p>{}</p><p><a href=\"/orders/{}\">{}</a></p>",
                    esc(&message),
                    order.id,
                    tr("Back to the order")
                ),
                &[],
            )
        }
    }
}

/// The buyer's order for a form posted on its page, CSRF token checked;
/// otherwise the page to answer with.
async fn order_form(
    s: &AppState,
    headers: &HeaderMap,
    id: &str,
    body: &Bytes,
) -> Result<(Order, Option<String>), Response> {
    let (order, token) = buyer_order(s, headers, id).await.map_err(error_page)?;
    if !csrf_ok(headers, &form(body)) {
        return Err(page(
            StatusCode::FORBIDDEN,
            tr("Please try again"),
            &format!("<p><a href=\"/orders/{}\">{}</a></p>", order.id, tr("Back to the order")),
            &[],
        ));
    }
    Ok((order, token))
}

async fn pay(State(s): State<AppState>, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let (order, token) = match order_form(&s, &headers, &id, &body).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    match s.app.checkout(&buyer_actor(), order.id, token.as_deref()).await {
        Ok(c) => match c.redirect_url {
            Some(url) => redirect(&url, &[]),
            None => page(
                StatusCode::OK,
                tr("How to pay"),
                &format!(
                    "<p>{}</p><p>{} <strong>{}</strong>, {} {}.</p><p><a href=\"/orders/{}\">{}</a></p>",
                    esc(c.instructions.as_deref().unwrap_or("")),
                    tr("Quote"),
                    esc(&c.payment.provider_ref),
                    tr("by"),
                    esc(&c.payment.due_at.map(|d| d.strftime("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default()),
                    order.id,
                    tr("Back to the order")
                ),
                &[],
            ),
        },
        Err(e) => error_page(e),
    }
}

async fn confirm(State(s): State<AppState>, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let (order, token) = match order_form(&s, &headers, &id, &body).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    match s.app.confirm_free_order(&buyer_actor(), order.id, token.as_deref()).await {
        Ok(_) => redirect(&format!("/orders/{}", order.id), &[]),
        Err(e) => error_page(e),
    }
}

async fn tickets_pdf(State(s): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let (order, token) = match buyer_order(&s, &headers, &id).await {
        Ok(found) => found,
        Err(e) => return error_page(e),
    };
    match s.app.buyer_tickets_pdf(&buyer_actor(), order.id, token.as_deref()).await {
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
