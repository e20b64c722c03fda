//! The storefront: server-rendered pages on templates (`templates/storefront/`),
//! no script needed, every decision made by the same app calls as the JSON
//! API. A buyer finds an event (cards with a date badge and the lowest
//! price), chooses tickets (number fields; `storefront.js` adds +/− steppers
//! and a running total), pays with the organizer's provider, lands on a
//! confirmation and sees the tickets (QR codes, ticket pages, the PDF).
//!
//! An order opens for the browser holding its access token (an HttpOnly
//! cookie scoped to `/orders/{id}`), for the account that placed it, and
//! from anywhere through its secret link `/o/{id}/{token}` (in the e-mails,
//! and sent again by "find my order"), which sets that cookie. Every form
//! carries a CSRF token checked against a SameSite=Strict cookie.

use super::seats::{self, Seating};
use super::shell::{Filled, Shell, Text, render, t, t_args};
use super::{
    Extras, browser_language, cookie, csrf_ok, csrf_token, error_page, form, form_errors, form_expired_page, money,
    redirect, viewer, when,
};
use crate::AppState;
use crate::extract::ClientIp;
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
use tessera_domain::account::Email;
use tessera_domain::catalog::{Event, Venue};
use tessera_domain::inventory::LineRequest;
use tessera_domain::orders::{Order, OrderId, OrderState};
use tessera_domain::{EventId, Timestamp};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/events/{event_id}", get(event_page))
        .route("/events/{event_id}/buy", post(buy))
        .route("/orders/find", get(find_page).post(find_submit))
        .route("/orders/{order_id}", get(order_page))
        .route("/orders/{order_id}/confirmed", get(confirmed_page))
        .route("/orders/{order_id}/pay", post(pay))
        .route("/orders/{order_id}/gift-card", post(gift_card))
        .route("/orders/{order_id}/points", post(pay_with_points))
        .route("/orders/{order_id}/confirm", post(confirm))
        .route("/orders/{order_id}/refund", post(refund))
        .route("/orders/{order_id}/tickets.pdf", get(tickets_pdf))
        .route("/orders/{order_id}/invoice", post(request_invoice))
        .route("/orders/{order_id}/invoices/{invoice_id}/pdf", get(invoice_pdf))
        .route("/o/{order_id}/{token}", get(order_link))
        .route("/o/{order_id}/{token}/invoices/{invoice_id}/pdf", get(invoice_pdf_by_link))
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

// ------------------------------------------------------------ shared pieces

/// The event at the top of an order, ticket or event page.
pub(crate) struct EventHead {
    pub id: String,
    pub title: String,
    /// Date and time at the venue, in the page's language.
    pub when: String,
    /// The start as RFC 3339 at the venue, for `<time datetime>`.
    pub iso: String,
    pub zone: String,
    pub venue: String,
    pub address: String,
    /// An OpenStreetMap search for the venue's name and address.
    pub map_url: String,
    /// The title links to the event's page.
    pub linked: bool,
    /// The event's picture, on its own page.
    pub image: Option<super::media::ImageUrls>,
}

impl EventHead {
    fn new(id: EventId, title: &str, starts: Timestamp, zone: &str, venue: &str, address: &str) -> EventHead {
        let place = [venue, address].iter().filter(|p| !p.trim().is_empty()).copied().collect::<Vec<_>>().join(", ");
        let query: String = form_urlencoded::byte_serialize(place.as_bytes()).collect();
        let iso = jiff::tz::TimeZone::get(zone)
            .map(|z| starts.to_zoned(z).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string())
            .unwrap_or_else(|_| starts.to_string());
        EventHead {
            id: id.to_string(),
            title: title.to_string(),
            when: when(starts, zone),
            iso,
            zone: zone.to_string(),
            venue: venue.to_string(),
            address: address.to_string(),
            map_url: format!("https://www.openstreetmap.org/search?query={query}"),
            linked: true,
            image: None,
        }
    }

    /// The head of an order's or a ticket's event.
    pub(crate) fn of(event: &Event, venue: &Venue) -> EventHead {
        EventHead::new(event.id, &event.title, event.starts_at, venue.timezone.as_str(), &venue.name, &venue.address)
    }

    pub(crate) fn of_public(e: &EventDetail) -> EventHead {
        let s = &e.summary;
        let mut h = EventHead::new(s.id, &s.title, s.starts_at, &s.timezone, &s.venue.name, &s.venue.address);
        h.linked = false;
        h
    }
}

/// One ticket as the buyer's pages show it.
pub(crate) struct TicketCard {
    pub kind: String,
    pub holder: String,
    pub seat: Option<String>,
    pub qr_url: String,
    pub page_url: String,
    pub valid: bool,
    /// Offered in a pending transfer (still valid until accepted).
    pub offered: bool,
    /// Void because it was transferred to someone else.
    pub transferred: bool,
}

impl TicketCard {
    pub(crate) fn of(t: &tessera_app::tickets::TicketView) -> TicketCard {
        TicketCard {
            kind: t.ticket_type.clone(),
            holder: t.holder_name.clone(),
            seat: t.seat.clone(),
            qr_url: t.qr_svg_url.clone(),
            page_url: t.page_url.clone(),
            valid: t.status == "valid",
            offered: t.status == "valid" && t.pending_transfer_id.is_some(),
            transferred: t.void_reason.as_deref() == Some("transferred"),
        }
    }
}

/// An order's state for people, and the badge's kind: a paid order with
/// money given back reads "partially refunded".
pub(crate) fn order_state(o: &Order) -> (String, &'static str) {
    match o.state {
        OrderState::Paid if o.refunded.amount_minor > 0 => (t("storefront-state-partly-refunded"), "warn"),
        OrderState::Paid => (t("storefront-state-paid"), "ok"),
        OrderState::Pending => (t("storefront-state-pending"), "info"),
        OrderState::Expired => (t("storefront-state-expired"), "bad"),
        OrderState::Cancelled => (t("storefront-state-cancelled"), "bad"),
        OrderState::Refunded => (t("storefront-state-refunded"), "warn"),
    }
}

// ----------------------------------------------------------------- listing

struct Card {
    id: String,
    image: Option<super::media::ImageUrls>,
    title: String,
    month: String,
    day: String,
    when: String,
    iso: String,
    venue: String,
    category: String,
    from: Option<String>,
    /// An occurrence standing for its series: the series' page and "Daily, from ...".
    series: Option<(String, String)>,
}

#[derive(askama::Template)]
#[template(path = "storefront/home.html")]
struct Home<'a> {
    shell: Shell,
    values: Filled<'a>,
    categories: Vec<(String, String, bool)>,
    errors: Vec<(String, String)>,
    cards: Vec<Card>,
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
            errors.push(("from".to_string(), t("storefront-bad-date")));
            None
        }
        None => None,
    };
    let to = match day("to") {
        Some(Some(z)) => z.checked_add(jiff::Span::new().days(1)).ok().map(|z| z.timestamp()),
        Some(None) => {
            errors.push(("to".to_string(), t("storefront-bad-date")));
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
    let ids: Vec<EventId> = events.iter().map(|e| e.id).collect();
    let lowest = match s.app.lowest_prices(&ids).await {
        Ok(l) => l,
        Err(e) => return error_page(e),
    };
    let mut images = super::media::event_images(&s, &ids).await;
    let series = match s.app.series_of_events(&ids).await {
        Ok(m) => m,
        Err(e) => return error_page(e),
    };
    let cards = events
        .iter()
        .map(|e| {
            let local = jiff::tz::TimeZone::get(&e.timezone).map(|z| e.starts_at.to_zoned(z)).ok();
            let (month, day) = local.as_ref().map_or((1, 1), |z| (i64::from(z.month()), i64::from(z.day())));
            Card {
                id: e.id.to_string(),
                image: images.remove(&e.id),
                title: e.title.clone(),
                month: t_args("storefront-month", &[("month", month.into())]),
                day: t_args("storefront-day", &[("day", day.into())]),
                when: when(e.starts_at, &e.timezone),
                iso: local.map_or_else(|| e.starts_at.to_string(), |z| z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()),
                venue: e.venue.name.clone(),
                category: super::category_label(e.category).to_string(),
                from: lowest.get(&e.id).map(|p| {
                    if p.amount_minor == 0 {
                        t("storefront-free")
                    } else {
                        t_args("storefront-from-price", &[("price", money(*p).into())])
                    }
                }),
                series: series.get(&e.id).map(|(id, freq)| {
                    let label =
                        t_args(super::series::freq_from_key(*freq), &[("date", when(e.starts_at, &e.timezone).into())]);
                    (format!("/series/{id}"), label)
                }),
            }
        })
        .collect();
    let categories = super::CATEGORIES
        .iter()
        .map(|c| (c.to_string(), super::category_label(*c).to_string(), Some(*c) == category))
        .collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = Home {
        shell: Shell::new(t("storefront-events-title"), &Extras::default()),
        values: Filled(&q),
        categories,
        errors,
        cards,
    };
    render(status, &page, &[])
}

// -------------------------------------------------------------- event page

/// What the page says about prices and dates beyond the event itself.
struct Offer {
    prices: tessera_app::payments::BuyerPrices,
    now: Timestamp,
    /// The organizer's picture of the event, if any.
    image: Option<super::media::ImageUrls>,
    /// The calendar of the series this event is an occurrence of.
    series: Option<String>,
    /// Buyers may join the waitlist of a sold-out ticket type.
    waitlist: bool,
    /// Member rules and products of the event's ticket types, and the
    /// plans the signed-in viewer holds an active card of.
    members: tessera_app::members::EventMemberships,
    /// Resale listings on sale now.
    resale: Vec<tessera_app::resale::PublicListing>,
}

impl Offer {
    async fn of(s: &AppState, e: &EventDetail) -> Result<Self, AppError> {
        let image = super::media::event_image(s, e.summary.id).await;
        let series = s.app.public_series_of_event(e.summary.id).await?.map(|id| format!("/series/{id}"));
        let waitlist = s.app.waitlist_open(e.summary.id).await?;
        let viewer = viewer().map(|v| (v.user.id, v.user.email_verified.then(|| v.user.email.to_string())));
        let members = s.app.event_memberships(e.summary.id, viewer).await?;
        let resale = s.app.public_listings(e.summary.id).await?;
        Ok(Self { prices: s.app.buyer_prices(e).await?, now: s.app.now(), image, series, waitlist, members, resale })
    }
}

/// What a ticket type's row says about members and products.
fn member_note(
    m: &tessera_app::members::EventMemberships,
    tt: tessera_domain::TicketTypeId,
    usual: tessera_domain::Money,
) -> Option<String> {
    use tessera_domain::members::ProductKind;
    let mut parts = vec![];
    if let Some(p) = m.products.get(&tt) {
        parts.push(match p.kind {
            ProductKind::GiftCard => t("members-row-gift-card"),
            ProductKind::Membership => t("members-row-membership"),
        });
    }
    if let Some(rule) = m.rules.get(&tt) {
        let member = rule.admits(&m.viewer_plans);
        if rule.members_only {
            parts.push(if member { t("members-row-members-only-you") } else { t("members-row-members-only") });
        }
        if let Some(p) = rule.member_price_minor.filter(|p| *p < usual.amount_minor) {
            let price = money(tessera_domain::Money::new(p, usual.currency));
            let id = if member { "members-row-your-price" } else { "members-row-member-price" };
            parts.push(t_args(id, &[("price", price.into())]));
        }
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// Whether and how a ticket type can be chosen now.
enum RowStatus {
    Sale,
    /// Goes on sale at this time (at the venue).
    Opens(String),
    Off,
    SoldOut,
}

struct TicketRow {
    id: String,
    field: String,
    name: String,
    description: String,
    price: String,
    fees: Option<String>,
    unit_minor: i64,
    currency: String,
    /// How the running total reads: `€{}` or `{} EUR`, as the server writes amounts.
    money_pattern: String,
    status: RowStatus,
    max: i64,
    max_per_order: i64,
    value: String,
    /// "Only 3 left", said only when few are (and live, through `availability.js`).
    left: String,
    /// The price tier selling now: its name, and how long it lasts.
    tier: Option<String>,
    /// Members only, the member price, or the product it sells.
    member: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "storefront/event.html")]
struct EventPage<'a> {
    shell: Shell,
    head: EventHead,
    description: String,
    csrf: String,
    errors: &'a [(String, String)],
    values: Filled<'a>,
    rows: Vec<TicketRow>,
    /// The seat picker of a seated event (built by `ui::seats`, escaped there).
    seat_picker: Option<String>,
    per_order_fee: Option<String>,
    on_sale: bool,
    opens: Option<String>,
    /// "Other dates": the series' calendar, for an occurrence.
    series: Option<String>,
    /// Sold-out rows link to their waitlist.
    waitlist: bool,
    /// Resale listings on sale now.
    resale: Vec<ResaleRow>,
}

/// A resale listing on the event page.
struct ResaleRow {
    ticket: String,
    price: String,
    face: String,
    href: String,
}

/// The event's page with its ticket form; `errors` and `values` re-render a
/// refused form (`seats`: the seat ids it asked for).
#[allow(clippy::too_many_arguments)]
fn event_response(
    status: StatusCode,
    e: &EventDetail,
    offer: &Offer,
    seating: Option<&Seating>,
    csrf: String,
    errors: &[(String, String)],
    values: &HashMap<String, String>,
    seats: &[String],
    cookies: &[String],
) -> Response {
    let zone = &e.summary.timezone;
    let on_sale = e.ticket_types.iter().any(|t| t.on_sale && t.available > 0);
    let seat_picker = match seating {
        Some(seating) if on_sale => Some(seats::buyer_choice(e, seating, values, seats, errors)),
        Some(_) => Some(String::new()),
        None => None,
    };
    let rows = e
        .ticket_types
        .iter()
        .map(|tt| {
            let field = format!("qty_{}", tt.id);
            let opens = tt.sales_start.filter(|at| *at > offer.now);
            let status = if let (false, Some(at)) = (tt.on_sale, opens) {
                RowStatus::Opens(when(at, zone))
            } else if !tt.on_sale {
                RowStatus::Off
            } else if tt.available <= 0 {
                RowStatus::SoldOut
            } else {
                RowStatus::Sale
            };
            let buyer = offer.prices.ticket_types.iter().find(|p| p.ticket_type_id == tt.id);
            let per_ticket = buyer.map_or(tt.price, |b| b.per_ticket);
            let fees = buyer
                .filter(|b| b.fees.amount_minor > 0)
                .map(|b| t_args("storefront-incl-fees", &[("fees", money(b.fees).into())]));
            TicketRow {
                id: tt.id.to_string(),
                name: tt.name.clone(),
                description: tt.description.clone(),
                price: if per_ticket.amount_minor == 0 { t("storefront-free") } else { money(per_ticket) },
                fees,
                unit_minor: per_ticket.amount_minor,
                currency: per_ticket.currency.code().to_string(),
                money_pattern: tessera_mail::money_pattern(per_ticket.currency, super::lang()),
                status,
                max: tt.max_per_order.min(tt.available).max(0),
                max_per_order: tt.max_per_order,
                value: values.get(&field).cloned().unwrap_or_default(),
                tier: tt.price_tier.as_ref().map(|p| {
                    let mut parts = vec![p.name.clone()];
                    if let Some(n) = p.left {
                        parts.push(t_args("storefront-tier-left", &[("count", n.into())]));
                    }
                    if let Some(u) = p.until {
                        parts.push(t_args("storefront-tier-until", &[("when", when(u, zone).into())]));
                    }
                    if tt.list_price != tt.price {
                        let then = buyer.map_or(tt.list_price, |b| b.list_per_ticket);
                        parts.push(t_args("storefront-tier-then", &[("price", money(then).into())]));
                    }
                    parts.join(" · ")
                }),
                member: member_note(&offer.members, tt.id, per_ticket),
                left: if (1..=10).contains(&tt.available) {
                    t_args("storefront-only-left", &[("count", tt.available.into())])
                } else {
                    String::new()
                },
                field,
            }
        })
        .collect();
    let opens = e.ticket_types.iter().filter_map(|t| t.sales_start).filter(|at| *at > offer.now).min();
    // A signed-in buyer finds their name and address filled in.
    let mut filled = values.clone();
    if let Some(v) = viewer() {
        filled.entry("name".into()).or_insert_with(|| v.user.name.clone());
        filled.entry("email".into()).or_insert_with(|| v.user.email.as_str().to_string());
    }
    let scripts: &[&str] = if seating.is_some() { &["seatmap.js"] } else { &["availability.js", "storefront.js"] };
    let extras = Extras { scripts, wide: seating.is_some(), ..Default::default() };
    let page = EventPage {
        shell: Shell::new(e.summary.title.clone(), &extras),
        head: EventHead { image: offer.image.clone(), ..EventHead::of_public(e) },
        description: e.description.clone(),
        csrf,
        errors,
        values: Filled(&filled),
        rows,
        seat_picker,
        per_order_fee: offer.prices.per_order_fee.filter(|f| f.amount_minor > 0).map(money),
        on_sale,
        opens: opens.map(|at| when(at, zone)),
        series: offer.series.clone(),
        waitlist: offer.waitlist && seating.is_none(),
        resale: offer
            .resale
            .iter()
            .map(|l| ResaleRow {
                ticket: match &l.seat {
                    Some(seat) => format!("{} – {seat}", l.ticket_type),
                    None => l.ticket_type.clone(),
                },
                price: money(l.price),
                face: money(l.face_value),
                href: format!("/events/{}/resale/{}", e.summary.id, l.id),
            })
            .collect(),
    };
    render(status, &page, cookies)
}

/// The event with its seating, and the hidden ticket types `code` opens, not counted
/// as a guess (the order that carries it is).
async fn event_detail_with_code(
    s: &AppState,
    id: &str,
    code: Option<&str>,
) -> Result<(EventDetail, Option<Seating>), AppError> {
    let event: EventId = id.parse().map_err(|_| AppError::NotFound)?;
    let e = s.app.public_event(event, code).await?;
    let seating = seats::public_seating(s, event).await?;
    Ok((e, seating))
}

/// The event with its seating, and the hidden ticket types an access code opens;
/// `(client address, code)`: a code that opens nothing counts as a wrong
/// guess of that client, as on the API.
async fn event_detail_unlocked(
    s: &AppState,
    id: &str,
    access: Option<(&str, &str)>,
) -> Result<(EventDetail, Option<Seating>, bool), AppError> {
    let id: EventId = id.parse().map_err(|_| AppError::NotFound)?;
    let (e, opened) = match access {
        Some((ip, code)) => s.app.public_event_opened_from(ip, id, Some(code)).await?,
        None => (s.app.public_event(id, None).await?, false),
    };
    let seating = seats::public_seating(s, id).await?;
    Ok((e, seating, opened))
}

async fn event_page(
    State(s): State<AppState>,
    crate::extract::ClientIp(ip): crate::extract::ClientIp,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    // An access code (`?access=`, from the small form on the page or a
    // link the organizer sent) opens the hidden ticket types it belongs to.
    let access: Option<String> =
        q.get("access").map(|c| c.trim().chars().take(64).collect::<String>()).filter(|c| !c.is_empty());
    let mut errors = Vec::new();
    let found = match &access {
        Some(code) => match event_detail_unlocked(&s, &id, Some((&ip, code))).await {
            Err(AppError::RateLimited { retry_after_secs }) => {
                errors.push((
                    "access".to_string(),
                    t_args("errors-rate-limited", &[("seconds", (retry_after_secs as i64).into())]),
                ));
                event_detail_unlocked(&s, &id, None).await
            }
            other => other,
        },
        None => event_detail_unlocked(&s, &id, None).await,
    };
    let (e, seating, unlocked) = match found {
        Ok(found) => found,
        Err(err) => return error_page(err),
    };
    if access.is_some() && !unlocked && errors.is_empty() {
        errors.push(("access".to_string(), t("storefront-access-code-wrong")));
    }
    let (csrf, set) = csrf_token(&headers);
    // Only the section to list and a promo code (`?code=`, for links in
    // newsletters) come from the address.
    let values: HashMap<String, String> = q
        .into_iter()
        .filter_map(|(k, v)| match k.as_str() {
            "section" => Some((k, v)),
            "code" => Some(("promo_code".to_string(), v.chars().take(64).collect())),
            _ => None,
        })
        .chain(access.filter(|_| unlocked).map(|c| ("access_code".to_string(), c)))
        .collect();
    let offer = match Offer::of(&s, &e).await {
        Ok(o) => o,
        Err(err) => return error_page(err),
    };
    let cookies: Vec<String> = set.into_iter().collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    event_response(status, &e, &offer, seating.as_ref(), csrf, &errors, &values, &[], &cookies)
}

async fn buy(
    State(s): State<AppState>,
    crate::extract::ClientIp(ip): crate::extract::ClientIp,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let pairs = seats::form_pairs(&body);
    let values: HashMap<String, String> = pairs.iter().cloned().collect();
    // The access code the page was opened with (a hidden field): the hidden
    // types it opens stay on the page when the form comes back refused.
    let access: Option<String> =
        values.get("access_code").map(|c| c.trim().chars().take(64).collect::<String>()).filter(|c| !c.is_empty());
    let (e, seating) = match event_detail_with_code(&s, &id, access.as_deref()).await {
        Ok(found) => found,
        Err(err) => return error_page(err),
    };
    if !csrf_ok(&headers, &values) {
        return form_expired_page(&format!("/events/{}", e.summary.id));
    }
    let mut errors: Vec<(String, String)> = vec![];
    let mut lines = vec![];
    let chosen = seats::posted_seats(&pairs);
    let best = seats::wants_best(&values, &chosen);
    let seat_request = if seating.is_some() {
        seats::seat_request(&values, &chosen, &mut errors)
    } else {
        for tt in &e.ticket_types {
            let field = format!("qty_{}", tt.id);
            match values.get(&field).map(|v| v.trim()).filter(|v| !v.is_empty()) {
                None => {}
                Some(v) => match v.parse::<i64>() {
                    Ok(0) => {}
                    Ok(n) if n > 0 => lines.push(LineRequest { ticket_type_id: tt.id, quantity: n }),
                    _ => errors.push((field, t_args("storefront-whole-number", &[("name", tt.name.clone().into())]))),
                },
            }
        }
        if lines.is_empty() && errors.is_empty() {
            errors.push(("lines".into(), t("storefront-choose-one")));
        }
        None
    };
    let email = match Email::parse(values.get("email").map(String::as_str).unwrap_or("").trim()) {
        Ok(e) => Some(e),
        Err(_) => {
            errors.push(("email".into(), t("storefront-bad-email")));
            None
        }
    };
    let (csrf, _) = csrf_token(&headers);
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    let mut seat_errors = false;
    if errors.is_empty() {
        let locale = browser_language(&headers).or_else(|| Some(super::lang().tag().to_string()));
        let input = PlaceOrder {
            lines,
            seats: seat_request,
            email,
            name: values.get("name").map(|n| n.trim().to_string()),
            resale_listing_id: None,
            access_code: access.clone(),
            promo_code: values.get("promo_code").map(|c| c.trim().to_string()).filter(|c| !c.is_empty()),
            locale,
        };
        // On a seated event, messages about seats go next to the seat list
        // or the best-available fields.
        let field = |f: String| if seating.is_some() { seats::seat_field(&f, best) } else { f };
        match s.app.place_order_from(&ip, &buyer_actor(), e.summary.id, input).await {
            Ok(placed) => {
                let id = placed.order.id;
                return redirect(&format!("/orders/{id}"), &[order_cookie(id, &placed.access_token)]);
            }
            Err(AppError::Invalid(v)) => errors.extend(v.fields.iter().map(|f| {
                let message = crate::error::field_message(f);
                (if f.field == "promo_code" { f.field.clone() } else { field(f.field.clone()) }, message)
            })),
            // In the reader's language: the API's field message (the app's
            // own, more detailed one in English).
            Err(e @ AppError::SoldOut { .. }) => {
                let english = e.to_string();
                let api = crate::error::ApiError::from(e);
                for (f, said) in api.fields {
                    let message =
                        if crate::error::locale() == tessera_i18n::Locale::En { english.clone() } else { said };
                    errors.push((field(f), message));
                }
            }
            Err(AppError::Rule { field: f, message, code }) if code.starts_with("promo_") => {
                errors.push((f, crate::error::refusal_message(code, &message)));
            }
            Err(AppError::Rule { code, field: f, message }) => {
                errors.push((field(f), crate::error::refusal_message(code, &message)))
            }
            Err(AppError::Conflict { field: f, message }) => {
                status = StatusCode::CONFLICT;
                errors.push((field(f), crate::error::localized("errors-conflict", message)));
            }
            Err(other) => return error_page(other),
        }
        seat_errors = true;
    }
    // Fresh availability, the buyer's values, a message next to each field.
    let (e, seating) = match event_detail_with_code(&s, &id, access.as_deref()).await {
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
    event_response(status, &e, &offer, seating.as_ref(), csrf, &errors, &values, &chosen, &[])
}

/// How long the browser keeps an order's access token: 30 days.
const ORDER_COOKIE_MAX_AGE: i64 = 30 * 24 * 3600;

/// The cookie that opens order `id` in this browser. Thirty days: long
/// enough to come back to the order and its tickets (the e-mails carry the
/// order's secret link after that).
pub(super) fn order_cookie(id: OrderId, token: &str) -> String {
    format!(
        "tessera_order={token}; Path=/orders/{id}; HttpOnly; SameSite=Lax; Max-Age={ORDER_COOKIE_MAX_AGE}{}",
        super::secure_attr()
    )
}

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

// -------------------------------------------------------------- order page

struct LineRow {
    name: String,
    quantity: i64,
    unit: String,
    amount: String,
}

struct Pending {
    expires_iso: String,
    left: String,
    until: String,
    action: &'static str,
    label: String,
}

#[derive(askama::Template)]
#[template(path = "storefront/order.html")]
struct OrderPage {
    shell: Shell,
    head: EventHead,
    order_id: String,
    reference: String,
    state_label: String,
    state_kind: &'static str,
    refunded: Option<String>,
    lines: Vec<LineRow>,
    /// Each discount: (code and description, amount).
    discounts: Vec<(String, String)>,
    show_fees: bool,
    fees: String,
    show_tax: bool,
    tax: String,
    total: String,
    csrf: String,
    pending: Option<Pending>,
    paid: bool,
    tickets: Vec<TicketCard>,
    /// (deadline, amount) of a refund the buyer may ask for now.
    refund: Option<(String, String)>,
    refund_action: String,
    expired: bool,
    closed: Option<String>,
    /// The link to transfer tickets, while the event allows it.
    transfer: Option<String>,
    /// The link to resell tickets, while the event allows it.
    resale: Option<String>,
    /// What gift cards paid of a pending order (if they did), and what is
    /// left to pay; shown when gift cards or points paid part of it.
    gift_paid: Option<(Option<String>, String)>,
    /// Why the gift card just entered was refused.
    gift_error: Option<String>,
    /// "Use my points", for the signed-in buyer holding some.
    points: Option<PointsOffer>,
    /// Why the points just entered were refused.
    points_error: Option<String>,
    /// What points paid of a pending order.
    points_paid: Option<String>,
    /// The order's invoice and credit notes: (title, PDF link).
    invoices: Vec<(String, String)>,
    /// The billing form, when the buyer can still ask for an invoice.
    invoice_form: Option<InvoiceForm>,
    /// What the order's products issued: (what, code).
    cards: Vec<(String, String)>,
}

/// The points a buyer may put towards their order.
struct PointsOffer {
    /// "2,600 points".
    balance: String,
    step: i64,
    /// The most useful number of points: whole steps, no more than held or needed.
    max: i64,
    /// What one step is worth, e.g. "100 points = €1.00".
    rate: String,
}

/// The buyer's billing form: what was entered, and a message per wrong field.
#[derive(Default)]
struct InvoiceForm {
    values: HashMap<String, String>,
    errors: Vec<(String, String)>,
}

impl InvoiceForm {
    fn get(&self, k: &str) -> &str {
        self.values.get(k).map(String::as_str).unwrap_or("")
    }

    fn errs(&self) -> &[(String, String)] {
        &self.errors
    }
}

async fn order_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (order, token) = match buyer_order(&s, &headers, &id).await {
        Ok(found) => found,
        Err(e) => return error_page(e),
    };
    // Back from a provider's checkout: the confirmation says what happens next.
    if q.contains_key("paid") {
        return redirect(&format!("/orders/{}/confirmed", order.id), &[]);
    }
    let gift_refusal = q.get("gift_card").or(q.get("points")).map(String::as_str);
    show_order(&s, &headers, order, token, InvoiceForm::default(), gift_refusal, StatusCode::OK).await
}

/// The order page, with the billing form as given (refused input shown again).
async fn show_order(
    s: &AppState,
    headers: &HeaderMap,
    order: Order,
    token: Option<String>,
    invoice_form: InvoiceForm,
    // The code of a gift card refusal the redirect carried (`?gift_card=`).
    gift_refusal: Option<&str>,
    status: StatusCode,
) -> Response {
    let (event, venue) = match s.app.order_event(&order).await {
        Ok(ev) => ev,
        Err(e) => return error_page(e),
    };
    let zone = venue.timezone.as_str();
    let (csrf, set) = csrf_token(headers);
    let (state_label, state_kind) = order_state(&order);
    let docs = match s.app.buyer_order_invoices(&buyer_actor(), order.id, token.as_deref()).await {
        Ok(d) => d,
        Err(e) => return error_page(e),
    };
    let invoices = docs
        .iter()
        .map(|d| {
            let credit = d.kind == tessera_domain::invoices::InvoiceKind::CreditNote;
            let l = crate::error::locale();
            (tessera_render::invoice_title(l, credit, &d.number), format!("/orders/{}/invoices/{}/pdf", order.id, d.id))
        })
        .collect();
    let can_ask = order.state == OrderState::Paid
        && docs.is_empty()
        && s.app.invoicing_enabled(order.org_id).await.unwrap_or(false);
    let mut tickets = vec![];
    let mut refund = None;
    let mut transfer = None;
    let mut resale = None;
    if order.state == OrderState::Paid {
        resale = match s.app.resale_open_for(&order).await {
            Ok(true) => Some(format!("/orders/{}/resale", order.id)),
            Ok(false) => None,
            Err(e) => return error_page(e),
        };
        // The transfer page also changes names, where only that is allowed.
        let names = match s.app.name_changes_open(order.org_id, order.event_id).await {
            Ok(open) => open,
            Err(e) => return error_page(e),
        };
        transfer = match s.app.transfers_open_now(order.org_id, order.event_id).await {
            Ok((_, true)) => Some(format!("/orders/{}/transfer", order.id)),
            Ok(_) if names => Some(format!("/orders/{}/transfer", order.id)),
            Ok(_) => None,
            Err(e) => return error_page(e),
        };
        tickets = match s.app.buyer_tickets(&buyer_actor(), order.id, token.as_deref()).await {
            Ok(t) => t.iter().map(TicketCard::of).collect(),
            Err(e) => return error_page(e),
        };
        refund = match s.app.buyer_refund_offer(&order).await {
            Ok(offer) => offer.map(|(deadline, amount)| (when(deadline, zone), money(amount))),
            Err(e) => return error_page(e),
        };
    }
    let cur = order.total.currency;
    let net_paid = order.paid.amount_minor - order.refunded.amount_minor;
    let left = tessera_domain::Money::new(order.total.amount_minor - net_paid, cur);
    let pending = (order.state == OrderState::Pending).then(|| {
        let (action, label) = if order.total.amount_minor == 0 {
            ("confirm", t("storefront-confirm-free"))
        } else {
            ("pay", t_args("storefront-pay", &[("amount", money(left).into())]))
        };
        Pending {
            expires_iso: order.expires_at.to_string(),
            left: hold_left(order.expires_at, s.app.now()),
            until: jiff::tz::TimeZone::get(zone)
                .map(|z| order.expires_at.to_zoned(z).strftime("%H:%M").to_string())
                .unwrap_or_default(),
            action,
            label,
        }
    });
    let closed = matches!(order.state, OrderState::Cancelled | OrderState::Refunded)
        .then(|| t_args("storefront-order-closed", &[("state", state_label.to_lowercase().into())]));
    // Points and gift cards paid part of a pending order: each said on its own line.
    let points_paid = if order.state == OrderState::Pending && net_paid > 0 {
        match s.app.points_paid(&order).await {
            Ok(p) => p.min(net_paid),
            Err(e) => return error_page(e),
        }
    } else {
        0
    };
    let gift_paid = (order.state == OrderState::Pending && net_paid > 0).then(|| {
        let gift = net_paid - points_paid;
        ((gift > 0).then(|| money(tessera_domain::Money::new(gift, cur))), money(left))
    });
    let points_paid = (points_paid > 0).then(|| money(tessera_domain::Money::new(points_paid, cur)));
    // The refusal's catalog message, by the code the redirect carried.
    let gift_error = gift_refusal.and_then(|code| {
        let id = match code {
            "shape" => "giftcards-error-code-shape".to_string(),
            c if c.starts_with("gift_card_") => format!("errors-code-{}", c.replace('_', "-")),
            _ => return None,
        };
        tessera_i18n::exists(&id).then(|| t(&id))
    });
    // The points refusal's catalog message (`?points=`), like the gift card's.
    let points_error = gift_refusal.and_then(|code| {
        let id = match code {
            "points_range" => "loyalty-error-points".to_string(),
            c if c.starts_with("points_") => format!("errors-code-{}", c.replace('_', "-")),
            _ => return None,
        };
        tessera_i18n::exists(&id).then(|| t(&id))
    });
    let points = match pending.as_ref().filter(|p| p.action == "pay") {
        Some(_) => match s.app.points_offer(&buyer_actor(), &order).await {
            Ok(Some((balance, rule))) => {
                let needed = (left.amount_minor + rule.redeem_value_minor - 1) / rule.redeem_value_minor;
                let max = (balance / rule.redeem_points).min(needed) * rule.redeem_points;
                let value = money(tessera_domain::Money::new(rule.redeem_value_minor, cur));
                Some(PointsOffer {
                    balance: t_args("loyalty-points-count", &[("points", balance.into())]),
                    step: rule.redeem_points,
                    max,
                    rate: t_args("loyalty-rate", &[("points", rule.redeem_points.into()), ("value", value.into())]),
                })
            }
            Ok(None) => None,
            Err(e) => return error_page(e),
        },
        None => None,
    };
    let cards = if order.state == OrderState::Paid {
        match s.app.order_product_cards(&order).await {
            Ok((gift, member)) => gift
                .into_iter()
                .map(|g| (t_args("members-mail-gift-card", &[("value", money(g.initial).into())]), g.code))
                .chain(member.into_iter().map(|m| {
                    let until =
                        tessera_mail::format_date(&m.valid_until.to_zoned(jiff::tz::TimeZone::UTC), super::lang());
                    (
                        t_args("members-mail-member-card", &[("plan", m.plan_name.into()), ("date", until.into())]),
                        m.code,
                    )
                }))
                .collect(),
            Err(e) => return error_page(e),
        }
    } else {
        vec![]
    };
    let page = OrderPage {
        cards,
        shell: Shell::new(t("storefront-order-title"), &Extras { scripts: &["countdown.js"], ..Default::default() }),
        head: EventHead::of(&event, &venue),
        order_id: order.id.to_string(),
        reference: order.reference.clone(),
        state_label,
        state_kind,
        refunded: (order.refunded.amount_minor > 0).then(|| money(order.refunded)),
        lines: order
            .lines
            .iter()
            .map(|l| LineRow {
                name: l.name.clone(),
                quantity: l.quantity,
                unit: money(l.unit_price),
                amount: money(tessera_domain::Money::new(l.unit_price.amount_minor.saturating_mul(l.quantity), cur)),
            })
            .collect(),
        discounts: order
            .discounts
            .iter()
            .map(|d| {
                let label = if d.description.is_empty() || d.description == d.code {
                    d.code.clone()
                } else {
                    format!("{} ({})", d.code, d.description)
                };
                (label, money(d.amount))
            })
            .collect(),
        show_fees: order.fees.amount_minor != 0,
        fees: money(order.fees),
        show_tax: order.tax.amount_minor != 0,
        tax: money(order.tax),
        total: money(order.total),
        csrf,
        pending,
        paid: order.state == OrderState::Paid,
        tickets,
        refund,
        refund_action: format!("/orders/{}/refund", order.id),
        expired: order.state == OrderState::Expired,
        closed,
        invoices,
        invoice_form: can_ask.then_some(invoice_form),
        gift_paid,
        gift_error,
        points,
        points_error,
        points_paid,
        transfer,
        resale,
    };
    render(status, &page, &set.into_iter().collect::<Vec<_>>())
}

/// The buyer asks for an invoice with their billing details; a refusal
/// shows the order page again with the form as entered.
async fn request_invoice(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (order, token) = match order_form(&s, &headers, &id, &body).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let values = form(&body);
    let field = |k: &str| values.get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let billing = tessera_domain::invoices::BillingInput {
        name: field("name"),
        address: Some(values.get("address").cloned().unwrap_or_default()),
        tax_id: field("tax_id"),
        locale: Some(crate::error::locale().tag().to_string()),
    };
    match s.app.buyer_issue_invoice(&buyer_actor(), order.id, token.as_deref(), billing).await {
        Ok(_) => redirect(&format!("/orders/{}", order.id), &[]),
        Err(e) => match form_errors(e) {
            Ok(errors) => {
                let f = InvoiceForm { values, errors };
                show_order(&s, &headers, order, token, f, None, StatusCode::UNPROCESSABLE_ENTITY).await
            }
            Err(page) => page,
        },
    }
}

fn invoice_pdf_response(invoice: &tessera_domain::invoices::Invoice, pdf: Vec<u8>) -> Response {
    let mut res = crate::api::invoices::pdf_response(invoice, pdf);
    res.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    res
}

/// An invoice of the order in this browser (its order cookie).
async fn invoice_pdf(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((id, invoice)): Path<(String, String)>,
) -> Response {
    let (order, token) = match buyer_order(&s, &headers, &id).await {
        Ok(found) => found,
        Err(e) => return error_page(e),
    };
    let Ok(invoice) = invoice.parse() else { return super::not_found_page() };
    match s.app.buyer_invoice_pdf(&buyer_actor(), order.id, token.as_deref(), invoice).await {
        Ok((inv, pdf)) => invoice_pdf_response(&inv, pdf),
        Err(e) => error_page(e),
    }
}

/// An invoice reached by the order's secret link (the invoice e-mail's).
async fn invoice_pdf_by_link(
    State(s): State<AppState>,
    Path((id, token, invoice)): Path<(String, String, String)>,
) -> Response {
    let (Ok(id), Ok(invoice)) = (id.parse::<OrderId>(), invoice.parse()) else { return super::not_found_page() };
    match s.app.buyer_invoice_pdf(&Actor::Anonymous, id, Some(&token), invoice).await {
        Ok((inv, pdf)) => {
            let mut res = invoice_pdf_response(&inv, pdf);
            res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res
        }
        Err(e) => error_page(e),
    }
}

/// Minutes and seconds until the hold ends, as the countdown shows them.
fn hold_left(until: Timestamp, now: Timestamp) -> String {
    let left = (until.as_second() - now.as_second()).max(0);
    format!("{}:{:02}", left / 60, left % 60)
}

#[derive(askama::Template)]
#[template(path = "storefront/confirmed.html")]
struct Confirmed {
    shell: Shell,
    head: EventHead,
    order_id: String,
    reference: String,
    email: String,
    paid: bool,
    tickets: Vec<TicketCard>,
}

/// Where the buyer lands after paying: the tickets are on their way.
async fn confirmed_page(State(s): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let (order, token) = match buyer_order(&s, &headers, &id).await {
        Ok(found) => found,
        Err(e) => return error_page(e),
    };
    if !matches!(order.state, OrderState::Paid | OrderState::Pending) {
        return redirect(&format!("/orders/{}", order.id), &[]);
    }
    let (event, venue) = match s.app.order_event(&order).await {
        Ok(ev) => ev,
        Err(e) => return error_page(e),
    };
    let paid = order.state == OrderState::Paid;
    let tickets = if paid {
        match s.app.buyer_tickets(&buyer_actor(), order.id, token.as_deref()).await {
            Ok(t) => t.iter().map(TicketCard::of).collect(),
            Err(e) => return error_page(e),
        }
    } else {
        vec![]
    };
    let title = if paid { t("storefront-thanks-title") } else { t("storefront-waiting-title") };
    let page = Confirmed {
        shell: Shell::new(title, &Extras::default()),
        head: EventHead::of(&event, &venue),
        order_id: order.id.to_string(),
        reference: order.reference.clone(),
        email: order.buyer_email.clone(),
        paid,
        tickets,
    };
    render(StatusCode::OK, &page, &[])
}

/// The order's secret link (from the e-mails): opens the order in this
/// browser by setting its cookie. A wrong token is a plain 404.
async fn order_link(State(s): State<AppState>, Path((id, token)): Path<(String, String)>) -> Response {
    let Ok(id) = id.parse::<OrderId>() else { return super::not_found_page() };
    match s.app.buyer_order(&Actor::Anonymous, id, Some(&token)).await {
        Ok(order) => {
            let mut res = redirect(&format!("/orders/{}", order.id), &[order_cookie(order.id, &token)]);
            // The link is a credential: keep it out of other sites' Referer.
            res.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
            res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res
        }
        Err(e) => error_page(e),
    }
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
                AppError::Rule { code, message, .. } | AppError::StateConflict { code, message } => {
                    crate::error::refusal_message(code, &message)
                }
                AppError::Conflict { message, .. } => crate::error::localized("errors-conflict", message),
                other => return error_page(other),
            };
            super::shell::message(
                StatusCode::CONFLICT,
                "storefront-no-refund",
                vec![message],
                Some((format!("/orders/{}", order.id), t("storefront-back-to-order"))),
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
        return Err(form_expired_page(&format!("/orders/{}", order.id)));
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
            None => {
                let due = c.payment.due_at.map(|d| d.strftime("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default();
                let mut paragraphs = vec![];
                if let Some(i) = c.instructions.filter(|i| !i.trim().is_empty()) {
                    paragraphs.push(i);
                }
                paragraphs.push(t_args(
                    "storefront-quote",
                    &[("reference", c.payment.provider_ref.clone().into()), ("due", due.into())],
                ));
                super::shell::message(
                    StatusCode::OK,
                    "storefront-how-to-pay",
                    paragraphs,
                    Some((format!("/orders/{}", order.id), t("storefront-back-to-order"))),
                )
            }
        },
        Err(e) => error_page(e),
    }
}

/// "Pay with a gift card": the card pays what it can; the order page then
/// shows what is left (or the tickets, when it covered everything).
async fn gift_card(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (order, token) = match order_form(&s, &headers, &id, &body).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let code = form(&body).get("gift_card").cloned().unwrap_or_default();
    let back = format!("/orders/{}", order.id);
    match s.app.pay_with_gift_card_from(&ip, &buyer_actor(), order.id, token.as_deref(), &code).await {
        Ok(o) if o.state == OrderState::Paid => redirect(&format!("/orders/{}/confirmed", order.id), &[]),
        Ok(_) => redirect(&back, &[]),
        Err(tessera_app::AppError::Rule { code, .. }) if code.starts_with("gift_card_") => {
            redirect(&format!("{back}?gift_card={code}#gift-card"), &[])
        }
        Err(tessera_app::AppError::Invalid(_)) => redirect(&format!("{back}?gift_card=shape#gift-card"), &[]),
        Err(e) => error_page(e),
    }
}

/// "Use my points": they pay what they can in whole steps; the order page
/// then shows what is left (or the tickets, when they covered everything).
async fn pay_with_points(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (order, token) = match order_form(&s, &headers, &id, &body).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let back = format!("/orders/{}", order.id);
    let Some(points) = form(&body).get("points").and_then(|p| p.trim().parse::<i64>().ok()) else {
        return redirect(&format!("{back}?points=points_range#points"), &[]);
    };
    let input = tessera_domain::loyalty::RedeemPoints { points };
    match s.app.pay_with_points(&buyer_actor(), order.id, token.as_deref(), input).await {
        Ok(o) if o.state == OrderState::Paid => redirect(&format!("/orders/{}/confirmed", order.id), &[]),
        Ok(_) => redirect(&back, &[]),
        Err(tessera_app::AppError::Rule { code, .. }) if code.starts_with("points_") => {
            redirect(&format!("{back}?points={code}#points"), &[])
        }
        Err(tessera_app::AppError::Invalid(_)) => redirect(&format!("{back}?points=points_range#points"), &[]),
        Err(e) => error_page(e),
    }
}

async fn confirm(State(s): State<AppState>, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let (order, token) = match order_form(&s, &headers, &id, &body).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    match s.app.confirm_free_order(&buyer_actor(), order.id, token.as_deref()).await {
        Ok(_) => redirect(&format!("/orders/{}/confirmed", order.id), &[]),
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

// ------------------------------------------------------------ find my order

#[derive(askama::Template)]
#[template(path = "storefront/find.html")]
struct FindPage<'a> {
    shell: Shell,
    csrf: String,
    values: Filled<'a>,
    errors: &'a [(String, String)],
}

fn find_form(
    status: StatusCode,
    csrf: String,
    values: &HashMap<String, String>,
    errors: &[(String, String)],
    cookies: &[String],
) -> Response {
    let page = FindPage {
        shell: Shell::new(t("storefront-find-title"), &Extras { scripts: &["storefront.js"], ..Default::default() }),
        csrf,
        values: Filled(values),
        errors,
    };
    render(status, &page, cookies)
}

async fn find_page(headers: HeaderMap) -> Response {
    let (csrf, set) = csrf_token(&headers);
    find_form(StatusCode::OK, csrf, &HashMap::new(), &[], &set.into_iter().collect::<Vec<_>>())
}

/// Sends the order's link when reference and address match; answers the
/// same either way.
async fn find_submit(State(s): State<AppState>, ClientIp(ip): ClientIp, headers: HeaderMap, body: Bytes) -> Response {
    let values = form(&body);
    if !csrf_ok(&headers, &values) {
        return form_expired_page("/orders/find");
    }
    let get = |k: &str| values.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let mut errors = vec![];
    let email = Email::parse(&get("email"));
    if email.is_err() {
        errors.push(("email".to_string(), t("storefront-bad-email")));
    }
    let reference = get("reference");
    if reference.is_empty() || reference.len() > 64 {
        errors.push(("reference".to_string(), t("storefront-find-no-reference")));
    }
    let (csrf, _) = csrf_token(&headers);
    let Ok(email) = email else { return find_form(StatusCode::BAD_REQUEST, csrf, &values, &errors, &[]) };
    if !errors.is_empty() {
        return find_form(StatusCode::BAD_REQUEST, csrf, &values, &errors, &[]);
    }
    match s.app.find_order(&ip, &email, &reference, super::lang().tag()).await {
        Ok(()) => super::shell::message(
            StatusCode::OK,
            "storefront-find-sent-title",
            vec![t_args("storefront-find-sent", &[("email", email.as_str().to_string().into())])],
            Some(("/".into(), t("shell-see-all-events"))),
        ),
        Err(AppError::RateLimited { retry_after_secs }) => {
            let errors = vec![("email".to_string(), t("storefront-find-too-many"))];
            let mut res = find_form(StatusCode::TOO_MANY_REQUESTS, csrf, &values, &errors, &[]);
            if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            res
        }
        Err(e) => error_page(e),
    }
}
