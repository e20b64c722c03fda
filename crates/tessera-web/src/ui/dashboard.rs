//! The organizer's dashboard: organizations, events with their ticket types
//! and quotas, orders (search, detail, mark paid, refund, resend, cancel),
//! the attendee list and its CSV, sales charts (server-rendered SVG, kept
//! live by `sales.js` from the event's availability stream) and check-in
//! figures. Plain forms, POST-redirect-GET; every decision is the app's.

use super::shell::{self, Filled, OrgTabs, Shell, Text, render, t, t_args};
use super::{
    Extras, amount_text, csrf_ok, csrf_token, error_page, form, form_errors, form_expired_page, money, parse_amount,
    redirect, signed_in, when,
};
use crate::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use std::collections::HashMap;
use tessera_app::catalog::EventQuery;
use tessera_app::orgs::{NewOrg, OrgWithRole};
use tessera_app::{Actor, AppError};
use tessera_domain::catalog::{
    Category, Event, EventAction, EventPatch, NewEvent, NewQuota, NewTicketType, QuotaPatch, TicketTypePatch, Venue,
};
use tessera_domain::checkin::NewCheckinList;
use tessera_domain::{CheckinListId, Currency, EventId, OrgId, Timestamp};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboard", get(home))
        .route("/dashboard/orgs", post(create_org))
        .route("/dashboard/orgs/{org}", get(events))
        .route("/dashboard/orgs/{org}/events/new", get(new_event_page).post(create_event))
        .route("/dashboard/orgs/{org}/events/{event}", get(event_page).post(update_event))
        .route("/dashboard/orgs/{org}/events/{event}/action", post(event_action))
        .route("/dashboard/orgs/{org}/events/{event}/cancel", post(cancel_event))
        .route("/dashboard/orgs/{org}/events/{event}/ticket-types", post(create_ticket_type))
        .route("/dashboard/orgs/{org}/events/{event}/ticket-types/{tt}", post(update_ticket_type))
        .route("/dashboard/orgs/{org}/events/{event}/quotas", post(create_quota))
        .route("/dashboard/orgs/{org}/events/{event}/pricing", post(update_pricing))
        .route("/dashboard/orgs/{org}/events/{event}/quotas/{quota}", post(update_quota))
        .route("/dashboard/orgs/{org}/events/{event}/checkin", get(checkin))
        .route("/dashboard/orgs/{org}/events/{event}/checkin/lists", post(create_list))
        .route("/dashboard/orgs/{org}/events/{event}/checkin/lists/{list}", post(update_list))
        .route("/dashboard/orgs/{org}/events/{event}/checkin/lists/{list}/delete", post(delete_list))
        .route("/dashboard/orgs/{org}/events/{event}/checkin/lists/{list}/gates", post(add_gate))
        .route("/dashboard/orgs/{org}/events/{event}/checkin/lists/{list}/gates/{gate}/delete", post(remove_gate))
}

pub(super) type Errors = Vec<(String, String)>;
pub(super) type Values = HashMap<String, String>;

pub(super) fn parse_id<T: std::str::FromStr>(s: &str) -> Result<T, Response> {
    s.parse().map_err(|_| super::not_found_page())
}

/// A `datetime-local` value read as wall-clock time at the venue.
pub(super) fn parse_local(text: &str, tz: &str) -> Option<Timestamp> {
    let dt: jiff::civil::DateTime = text.trim().parse().ok()?;
    let zone = jiff::tz::TimeZone::get(tz).ok()?;
    dt.to_zoned(zone).ok().map(|z| z.timestamp())
}

/// An instant as a `datetime-local` value at the venue.
pub(super) fn local_text(t: Timestamp, tz: &str) -> String {
    match jiff::tz::TimeZone::get(tz) {
        Ok(zone) => t.to_zoned(zone).strftime("%Y-%m-%dT%H:%M").to_string(),
        Err(_) => t.strftime("%Y-%m-%dT%H:%M").to_string(),
    }
}

// ------------------------------------------------------------ organizations

/// The dashboard's home: the viewer's organizations and a form for a new one.
#[derive(askama::Template)]
#[template(path = "dashboard/home.html")]
struct Home<'a> {
    shell: Shell,
    csrf: String,
    /// (href, name, role) of each organization.
    orgs: Vec<(String, String, String)>,
    values: Filled<'a>,
    errors: &'a [(String, String)],
}

fn home_page(
    status: StatusCode,
    orgs: &[OrgWithRole],
    csrf: String,
    set_cookie: Option<String>,
    values: &Values,
    errors: &[(String, String)],
) -> Response {
    let page = Home {
        shell: Shell::new(t("shell-dashboard"), &Extras { wide: true, ..Default::default() }),
        csrf,
        orgs: orgs
            .iter()
            .map(|o| (format!("/dashboard/orgs/{}", o.org.id), o.org.name.clone(), o.role.as_str().to_string()))
            .collect(),
        values: Filled(values),
        errors,
    };
    render(status, &page, &set_cookie.into_iter().collect::<Vec<_>>())
}

async fn home(State(s): State<AppState>, headers: HeaderMap, uri: axum::http::Uri) -> Response {
    let (_, actor) = match signed_in("/dashboard") {
        Ok(v) => v,
        Err(r) => return r,
    };
    let orgs = match s.app.my_orgs(&actor).await {
        Ok(o) => o,
        Err(e) => return error_page(e),
    };
    // One organization: straight to its overview (`?all` shows this page).
    if let [only] = orgs.as_slice()
        && uri.query().is_none_or(|q| !q.split('&').any(|p| p == "all"))
    {
        return redirect(&format!("/dashboard/orgs/{}/overview", only.org.id), &[]);
    }
    let (csrf, set) = csrf_token(&headers);
    home_page(StatusCode::OK, &orgs, csrf, set, &HashMap::new(), &[])
}

async fn create_org(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let (_, actor) = match signed_in("/dashboard") {
        Ok(v) => v,
        Err(r) => return r,
    };
    let values = form(&body);
    if !csrf_ok(&headers, &values) {
        return form_expired_page("/dashboard");
    }
    let get = |k: &str| values.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let errors = match s.app.create_org(&actor, NewOrg { name: get("name"), slug: get("slug") }).await {
        Ok(org) => return redirect(&format!("/dashboard/orgs/{}", org.id), &[]),
        Err(e) => match form_errors(e) {
            Ok(f) => f,
            Err(page) => return page,
        },
    };
    let orgs = s.app.my_orgs(&actor).await.unwrap_or_default();
    let (csrf, _) = csrf_token(&headers);
    home_page(StatusCode::UNPROCESSABLE_ENTITY, &orgs, csrf, None, &values, &errors)
}

/// The organization, for a page of it; the viewer must be a member.
async fn org_of(s: &AppState, actor: &Actor, org: &str) -> Result<OrgWithRole, Response> {
    let org: OrgId = parse_id(org)?;
    s.app.org(actor, org).await.map_err(error_page)
}

/// The signed-in actor and the organization for a page under it.
pub(super) async fn guard(s: &AppState, org: &str, here: &str) -> Result<(Actor, OrgWithRole), Response> {
    let (_, actor) = signed_in(here)?;
    let org = org_of(s, &actor, org).await?;
    Ok((actor, org))
}

// ------------------------------------------------------------ events

/// An event's status for people, and the badge kind it shows with.
fn status_badge(status: tessera_domain::catalog::EventStatus) -> (String, &'static str) {
    use tessera_domain::catalog::EventStatus;
    match status {
        EventStatus::Draft => (t("dashboard-status-draft"), "info"),
        EventStatus::Published => (t("dashboard-status-published"), "ok"),
        EventStatus::Cancelled => (t("dashboard-status-cancelled"), "bad"),
        EventStatus::Ended => (t("dashboard-status-ended"), "warn"),
    }
}

/// One event in the organization's list.
struct EventRow {
    href: String,
    title: String,
    starts: String,
    venue: String,
    status: (String, &'static str),
}

/// The organization's events.
#[derive(askama::Template)]
#[template(path = "dashboard/events.html")]
struct Events {
    shell: Shell,
    tabs: OrgTabs,
    new_href: String,
    events: Vec<EventRow>,
    /// The organization's series (events that repeat).
    series_href: String,
}

async fn events(State(s): State<AppState>, Path(org): Path<String>, uri: axum::http::Uri) -> Response {
    let (actor, o) = match guard(&s, &org, uri.path()).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    // Past events too: the organizer still needs their orders and figures.
    let from = Timestamp::from_second(0).unwrap_or(Timestamp::UNIX_EPOCH);
    let q = EventQuery { from: Some(from), limit: Some(100), ..Default::default() };
    let page = match s.app.org_events(&actor, o.org.id, &q).await {
        Ok(p) => p,
        Err(e) => return error_page(e),
    };
    let page = Events {
        shell: Shell::new(o.org.name.clone(), &Extras { wide: true, ..Default::default() }),
        tabs: OrgTabs::new(o.org.id, &o.org.name, "events"),
        new_href: format!("/dashboard/orgs/{}/events/new", o.org.id),
        series_href: format!("/dashboard/orgs/{}/series", o.org.id),
        events: page
            .items
            .iter()
            .map(|e| EventRow {
                href: format!("/dashboard/orgs/{}/events/{}", o.org.id, e.id),
                title: e.title.clone(),
                starts: when(e.starts_at, &e.timezone),
                venue: e.venue.name.clone(),
                status: status_badge(e.status),
            })
            .collect(),
    };
    render(StatusCode::OK, &page, &[])
}

/// The choices of the event form's selects: (value, label, chosen).
fn venue_options(venues: &[Venue], values: &Values) -> Vec<(String, String, bool)> {
    let chosen = values.get("venue_id").cloned().unwrap_or_default();
    venues
        .iter()
        .map(|v| {
            let id = v.id.to_string();
            let sel = id == chosen;
            (id, format!("{} ({})", v.name, v.timezone.as_str()), sel)
        })
        .collect()
}

fn category_options(values: &Values) -> Vec<(String, String, bool)> {
    let chosen = values.get("category").cloned().unwrap_or_else(|| "concert".into());
    super::CATEGORIES
        .iter()
        .map(|c| (c.as_str().to_string(), super::category_label(*c).to_string(), c.as_str() == chosen))
        .collect()
}

/// The time zone the event form's times are read in: the chosen venue's.
fn form_zone(venues: &[Venue], values: &Values) -> String {
    let chosen = values.get("venue_id").cloned().unwrap_or_default();
    venues
        .iter()
        .find(|v| v.id.to_string() == chosen)
        .or(venues.first())
        .map(|v| v.timezone.as_str().to_string())
        .unwrap_or_else(|| "UTC".into())
}

/// A new event's form.
#[derive(askama::Template)]
#[template(path = "dashboard/new_event.html")]
struct NewEventPage<'a> {
    shell: Shell,
    tabs: OrgTabs,
    csrf: String,
    action: String,
    venues_href: String,
    venues: Vec<(String, String, bool)>,
    categories: Vec<(String, String, bool)>,
    zone: String,
    values: Filled<'a>,
    errors: &'a [(String, String)],
}

#[allow(clippy::too_many_arguments)]
fn new_event_form(
    status: StatusCode,
    o: &OrgWithRole,
    venues: &[Venue],
    csrf: String,
    set_cookie: Option<String>,
    values: &Values,
    errors: &[(String, String)],
) -> Response {
    let page = NewEventPage {
        shell: Shell::new(t("dashboard-new-event"), &Extras { wide: true, ..Default::default() }),
        tabs: OrgTabs::new(o.org.id, &o.org.name, "events"),
        csrf,
        action: format!("/dashboard/orgs/{}/events/new", o.org.id),
        venues_href: format!("/dashboard/orgs/{}/venues", o.org.id),
        venues: venue_options(venues, values),
        categories: category_options(values),
        zone: form_zone(venues, values),
        values: Filled(values),
        errors,
    };
    render(status, &page, &set_cookie.into_iter().collect::<Vec<_>>())
}

/// The event fields of a form, read in the chosen venue's time zone.
struct EventFields {
    venue: Option<Venue>,
    starts_at: Option<Timestamp>,
    ends_at: Option<Timestamp>,
    sales_start: Option<Timestamp>,
    sales_end: Option<Timestamp>,
    category: Option<Category>,
    max_tickets_per_customer: Option<i64>,
}

fn read_event_fields(values: &Values, venues: &[Venue], errors: &mut Errors) -> EventFields {
    let get = |k: &str| values.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let venue = venues.iter().find(|v| v.id.to_string() == get("venue_id")).cloned();
    if venue.is_none() {
        errors.push(("venue_id".into(), t("dashboard-choose-venue")));
    }
    let tz = venue.as_ref().map(|v| v.timezone.as_str().to_string()).unwrap_or_else(|| "UTC".into());
    let mut time = |k: &str, required: bool| {
        let text = get(k);
        if text.is_empty() && !required {
            return None;
        }
        let at = parse_local(&text, &tz);
        if at.is_none() {
            errors.push((k.into(), t("dashboard-enter-date-time")));
        }
        at
    };
    let starts_at = time("starts_at", true);
    let ends_at = time("ends_at", true);
    let sales_start = time("sales_start", false);
    let sales_end = time("sales_end", false);
    let category = get("category").parse().ok();
    if category.is_none() {
        errors.push(("category".into(), t("dashboard-choose-category")));
    }
    let max_tickets_per_customer = match get("max_tickets_per_customer").as_str() {
        "" => None,
        n => match n.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.push(("max_tickets_per_customer".into(), t("dashboard-whole-number")));
                None
            }
        },
    };
    EventFields { venue, starts_at, ends_at, sales_start, sales_end, category, max_tickets_per_customer }
}

async fn new_event_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    uri: axum::http::Uri,
) -> Response {
    let (actor, o) = match guard(&s, &org, uri.path()).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let venues = match s.app.venues(&actor, o.org.id).await {
        Ok(v) => v,
        Err(e) => return error_page(e),
    };
    let (csrf, set) = csrf_token(&headers);
    new_event_form(StatusCode::OK, &o, &venues, csrf, set, &HashMap::new(), &[])
}

async fn create_event(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let (actor, o) = match guard(&s, &org, uri.path()).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let values = form(&body);
    if !csrf_ok(&headers, &values) {
        return form_expired_page(uri.path());
    }
    let venues = match s.app.venues(&actor, o.org.id).await {
        Ok(v) => v,
        Err(e) => return error_page(e),
    };
    let mut errors = vec![];
    let f = read_event_fields(&values, &venues, &mut errors);
    if let (true, Some(venue), Some(starts_at), Some(ends_at), Some(category)) =
        (errors.is_empty(), f.venue, f.starts_at, f.ends_at, f.category)
    {
        let input = NewEvent {
            venue_id: venue.id,
            title: values.get("title").map(|t| t.trim().to_string()).unwrap_or_default(),
            description: values.get("description").cloned().unwrap_or_default(),
            category,
            image_urls: vec![],
            starts_at,
            ends_at,
            sales_start: f.sales_start,
            sales_end: f.sales_end,
            max_tickets_per_customer: f.max_tickets_per_customer,
        };
        match s.app.create_event(&actor, o.org.id, input).await {
            Ok(e) => return redirect(&format!("/dashboard/orgs/{}/events/{}", o.org.id, e.id), &[]),
            Err(e) => match form_errors(e) {
                Ok(f) => errors = f,
                Err(page) => return page,
            },
        }
    }
    let (csrf, _) = csrf_token(&headers);
    new_event_form(StatusCode::UNPROCESSABLE_ENTITY, &o, &venues, csrf, None, &values, &errors)
}

/// Everything an event page shows.
pub(super) struct EventView {
    pub(super) event: Event,
    pub(super) venue: Venue,
    pub(super) venues: Vec<Venue>,
}

pub(super) async fn event_view(s: &AppState, actor: &Actor, org: OrgId, event: &str) -> Result<EventView, Response> {
    let id: EventId = parse_id(event)?;
    let event = s.app.event(actor, org, id).await.map_err(error_page)?;
    let venues = s.app.venues(actor, org).await.map_err(error_page)?;
    let venue = venues.iter().find(|v| v.id == event.venue_id).cloned().ok_or_else(super::not_found_page)?;
    Ok(EventView { event, venue, venues })
}

/// What a form posted on an event's page brings: the signed-in actor, the
/// organization, the event, the form's fields and the page to return to.
struct EventForm {
    actor: Actor,
    o: OrgWithRole,
    v: EventView,
    values: Values,
    back: String,
}

/// Reads a form posted on an event's page, or answers with the page to show
/// instead (sign in, not found, not allowed, the form expired).
async fn event_form(
    s: &AppState,
    headers: &HeaderMap,
    org: &str,
    event: &str,
    uri: &axum::http::Uri,
    body: &Bytes,
) -> Result<EventForm, Response> {
    let (actor, o) = guard(s, org, uri.path()).await?;
    let values = form(body);
    let v = event_view(s, &actor, o.org.id, event).await?;
    let back = format!("/dashboard/orgs/{}/events/{}", o.org.id, v.event.id);
    if !csrf_ok(headers, &values) {
        return Err(form_expired_page(&back));
    }
    Ok(EventForm { actor, o, v, values, back })
}

fn event_values(v: &EventView) -> Values {
    let tz = v.venue.timezone.as_str();
    let e = &v.event;
    let mut m = HashMap::new();
    m.insert("title".into(), e.title.clone());
    m.insert("description".into(), e.description.clone());
    m.insert("category".into(), e.category.to_string());
    m.insert("venue_id".into(), e.venue_id.to_string());
    m.insert("starts_at".into(), local_text(e.starts_at, tz));
    m.insert("ends_at".into(), local_text(e.ends_at, tz));
    if let Some(t) = e.sales_start {
        m.insert("sales_start".into(), local_text(t, tz));
    }
    if let Some(t) = e.sales_end {
        m.insert("sales_end".into(), local_text(t, tz));
    }
    if let Some(n) = e.max_tickets_per_customer {
        m.insert("max_tickets_per_customer".into(), n.to_string());
    }
    m
}

/// A ticket type as the event page shows it and fills its edit form.
struct TypeView {
    id: String,
    name: String,
    description: String,
    price: String,
    price_text: String,
    available: i64,
    min: i64,
    max: i64,
    hidden: bool,
    access_code: String,
    sales_start: String,
    sales_end: String,
    /// (quota id, name, drawn from).
    quotas: Vec<(String, String, bool)>,
    action: String,
    /// Its price tiers page, and how many tiers it has.
    tiers_href: String,
    membership_href: String,
    tiers: usize,
}

struct QuotaView {
    id: String,
    name: String,
    capacity: i64,
    sold: i64,
    held: i64,
    available: i64,
    action: String,
}

/// The event's page: its state and life cycle, ticket types, quotas,
/// pricing and details, each a form.
#[derive(askama::Template)]
#[template(path = "dashboard/event.html")]
struct EventPage<'a> {
    shell: Shell,
    tabs: OrgTabs,
    event_tabs: Vec<(String, String, bool)>,
    csrf: String,
    base: String,
    cancel_action: String,
    errors: &'a [(String, String)],
    status: (String, &'static str),
    starts: String,
    venue_name: String,
    zone: String,
    can_publish: bool,
    can_end: bool,
    can_cancel: bool,
    types: Vec<TypeView>,
    quotas: Vec<QuotaView>,
    /// The quotas, all ticked, for a new ticket type.
    new_quotas: Vec<(String, String, bool)>,
    currency: String,
    venues: Vec<(String, String, bool)>,
    categories: Vec<(String, String, bool)>,
    /// The event form, the new ticket type's and the new quota's.
    values: Filled<'a>,
    /// Which form was refused: "tt-<id>", "q-<id>" or "" (those with
    /// fields of their own names read `values`).
    posted: &'a str,
    checked: &'a [String],
    pricing: Option<PricingView>,
    /// Signed tickets the event has: they are re-issued when its dates move.
    reissue: usize,
}

/// The event's fees, taxes, refunds and reminder, as their form shows them.
struct PricingView {
    values: Values,
    absorbed: bool,
    buyer_refunds: bool,
    /// (field, inclusive field, ticket type name, inclusive).
    taxes: Vec<(String, String, String, bool)>,
}

impl EventPage<'_> {
    /// What field `name` of form `form` shows: what was posted, when it is
    /// the refused form, or else `saved`.
    fn val<'s>(&'s self, form: &str, name: &str, saved: &'s str) -> &'s str {
        if self.posted == form { self.values.v(name) } else { saved }
    }

    /// Whether box `id` is ticked in form `form`.
    fn ticked(&self, form: &str, id: &str, saved: &bool) -> bool {
        if self.posted == form { self.checked.iter().any(|c| c == id) } else { *saved }
    }

    /// Whether the new ticket type's form has visibility `v`.
    fn new_visibility_is(&self, v: &str) -> bool {
        let chosen = self.values.v("tt_visibility");
        chosen == v || (chosen.is_empty() && v == "public")
    }

    /// Whether a ticket type's form has visibility `v`.
    fn visibility_is(&self, form: &str, v: &str, hidden: &bool) -> bool {
        let saved = if *hidden { "hidden" } else { "public" };
        self.val(form, "visibility", saved) == v
    }

    /// A pricing field's value.
    fn pv(&self, name: &str) -> &str {
        self.pricing.as_ref().and_then(|p| p.values.get(name)).map(String::as_str).unwrap_or("")
    }
}

async fn event_page(
    State(s): State<AppState>,
    headers: HeaderMap,
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
    let (csrf, set) = csrf_token(&headers);
    let values = event_values(&v);
    let view = PageInput { values: &values, errors: &[], posted: "", checked: &[] };
    event_page_showing(&s, &actor, &o, &v, StatusCode::OK, csrf, set, view).await
}

/// What a refused form brings back to the event page.
struct PageInput<'a> {
    values: &'a Values,
    errors: &'a [(String, String)],
    posted: &'a str,
    checked: &'a [String],
}

#[allow(clippy::too_many_arguments)]
async fn event_page_showing(
    s: &AppState,
    actor: &Actor,
    o: &OrgWithRole,
    v: &EventView,
    status: StatusCode,
    csrf: String,
    set_cookie: Option<String>,
    input: PageInput<'_>,
) -> Response {
    use tessera_domain::catalog::EventStatus;
    let org = o.org.id;
    let e = &v.event;
    let tz = v.venue.timezone.as_str();
    let (types, quotas) = match (s.app.ticket_types(actor, org, e.id).await, s.app.quotas(actor, org, e.id).await) {
        (Ok(t), Ok(q)) => (t, q),
        (Err(err), _) | (_, Err(err)) => return error_page(err),
    };
    let reissue = match s.app.tickets_to_reissue(actor, org, e.id).await {
        Ok(n) => n,
        Err(err) => return error_page(err),
    };
    let base = format!("/dashboard/orgs/{org}/events/{}", e.id);
    let pricing = pricing_view(s, actor, org, e, &types, input.values).await;
    let tiers = match s.app.store.event_price_tiers(e.id).await {
        Ok(t) => t,
        Err(err) => return error_page(err.into()),
    };
    let page = EventPage {
        shell: Shell::new(e.title.clone(), &Extras { wide: true, ..Default::default() }),
        tabs: OrgTabs::new(org, &o.org.name, "events"),
        event_tabs: event_tab_links(org, e, "overview"),
        csrf,
        errors: input.errors,
        status: status_badge(e.status),
        starts: when(e.starts_at, tz),
        venue_name: v.venue.name.clone(),
        zone: tz.to_string(),
        can_publish: e.status == EventStatus::Draft,
        can_end: e.status == EventStatus::Published,
        can_cancel: matches!(e.status, EventStatus::Draft | EventStatus::Published),
        types: types
            .iter()
            .map(|t| TypeView {
                id: t.id.to_string(),
                name: t.name.clone(),
                description: t.description.clone(),
                price: money(t.price),
                price_text: amount_text(t.price.amount_minor, t.price.currency),
                available: tessera_domain::catalog::ticket_type_availability(t, &quotas),
                min: t.min_per_order,
                max: t.max_per_order,
                hidden: t.visibility == tessera_domain::catalog::Visibility::Hidden,
                access_code: t.access_code.clone().unwrap_or_default(),
                sales_start: t.sales_start.map(|x| local_text(x, tz)).unwrap_or_default(),
                sales_end: t.sales_end.map(|x| local_text(x, tz)).unwrap_or_default(),
                quotas: quotas
                    .iter()
                    .map(|q| (q.id.to_string(), q.name.clone(), t.quota_ids.contains(&q.id)))
                    .collect(),
                action: format!("{base}/ticket-types/{}", t.id),
                tiers_href: format!("{base}/ticket-types/{}/tiers", t.id),
                membership_href: format!("{base}/ticket-types/{}/membership", t.id),
                tiers: tiers.get(&t.id).map_or(0, Vec::len),
            })
            .collect(),
        quotas: quotas
            .iter()
            .map(|q| QuotaView {
                id: q.id.to_string(),
                name: q.name.clone(),
                capacity: q.capacity,
                sold: q.sold,
                held: q.held,
                available: q.available(),
                action: format!("{base}/quotas/{}", q.id),
            })
            .collect(),
        new_quotas: quotas.iter().map(|q| (q.id.to_string(), q.name.clone(), true)).collect(),
        currency: types.first().map(|t| t.price.currency.to_string()).unwrap_or_else(|| "EUR".into()),
        venues: venue_options(&v.venues, input.values),
        categories: category_options(input.values),
        values: Filled(input.values),
        posted: input.posted,
        checked: input.checked,
        pricing,
        reissue,
        cancel_action: format!("{base}/cancel"),
        base,
    };
    render(status, &page, &set_cookie.into_iter().collect::<Vec<_>>())
}

async fn update_event(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event)): Path<(String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let EventForm { actor, o, v, values, back } = match event_form(&s, &headers, &org, &event, &uri, &body).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let mut errors = vec![];
    let f = read_event_fields(&values, &v.venues, &mut errors);
    // Moving the dates re-issues the tickets and tells their holders: the
    // form says so, and a ticked box confirms it.
    let moves = (f.starts_at, f.ends_at) != (Some(v.event.starts_at), Some(v.event.ends_at));
    if errors.is_empty() && moves && !values.contains_key("confirm_move") {
        let n = match s.app.tickets_to_reissue(&actor, o.org.id, v.event.id).await {
            Ok(n) => n,
            Err(e) => return error_page(e),
        };
        if n > 0 {
            errors.push(("confirm_move".into(), t_args("dashboard-confirm-move-needed", &[("count", n.into())])));
        }
    }
    if errors.is_empty() {
        let patch = EventPatch {
            venue_id: f.venue.map(|v| v.id),
            title: values.get("title").map(|t| t.trim().to_string()),
            description: values.get("description").cloned(),
            category: f.category,
            image_urls: None,
            starts_at: f.starts_at,
            ends_at: f.ends_at,
            sales_start: Some(f.sales_start),
            sales_end: Some(f.sales_end),
            max_tickets_per_customer: Some(f.max_tickets_per_customer),
        };
        match s.app.update_event(&actor, o.org.id, v.event.id, patch).await {
            Ok(_) => return redirect(&back, &[]),
            Err(e) => match form_errors(e) {
                Ok(f) => errors = f,
                Err(page) => return page,
            },
        }
    }
    refuse_event_form(&s, &actor, &o, &v, &headers, &values, &errors, "", &[]).await
}

/// The event page again with a refused form's values and messages, 422.
#[allow(clippy::too_many_arguments)]
async fn refuse_event_form(
    s: &AppState,
    actor: &Actor,
    o: &OrgWithRole,
    v: &EventView,
    headers: &HeaderMap,
    values: &Values,
    errors: &[(String, String)],
    posted: &str,
    checked: &[String],
) -> Response {
    let (csrf, _) = csrf_token(headers);
    let mut merged = event_values(v);
    merged.extend(values.iter().map(|(k, v)| (k.clone(), v.clone())));
    let input = PageInput { values: &merged, errors, posted, checked };
    event_page_showing(s, actor, o, v, StatusCode::UNPROCESSABLE_ENTITY, csrf, None, input).await
}

async fn event_action(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event)): Path<(String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let f = match event_form(&s, &headers, &org, &event, &uri, &body).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let action = match f.values.get("action").map(String::as_str) {
        Some("publish") => EventAction::Publish,
        // The cancel button sits behind a confirmation (its own route);
        // a bare "cancel" here has not been confirmed.
        Some("cancel") if f.values.get("confirm").map(String::as_str) == Some("yes") => EventAction::Cancel,
        Some("cancel") => {
            let errors = vec![("cancel".to_string(), t("dashboard-confirm-cancel"))];
            return refuse_event_form(&s, &f.actor, &f.o, &f.v, &headers, &HashMap::new(), &errors, "", &[]).await;
        }
        Some("end") => EventAction::End,
        _ => {
            let key = tessera_domain::MessageKey::new("errors-event-action");
            return error_page(AppError::invalid_key("action", key, "must be publish, cancel or end"));
        }
    };
    apply_event_action(&s, &headers, f, action).await
}

/// The confirmed cancellation (from the `c::confirm` component).
async fn cancel_event(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event)): Path<(String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let f = match event_form(&s, &headers, &org, &event, &uri, &body).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    apply_event_action(&s, &headers, f, EventAction::Cancel).await
}

async fn apply_event_action(s: &AppState, headers: &HeaderMap, f: EventForm, action: EventAction) -> Response {
    match s.app.event_action(&f.actor, f.o.org.id, f.v.event.id, action).await {
        Ok(_) => redirect(&f.back, &[]),
        Err(e) => match form_errors(e) {
            Ok(errors) => refuse_event_form(s, &f.actor, &f.o, &f.v, headers, &HashMap::new(), &errors, "", &[]).await,
            Err(page) => page,
        },
    }
}

/// The fields a ticket type's form has besides name and price, read with
/// `prefix` ("tt_" on the new one's form, "" on an edit form), in the
/// venue's time zone.
struct TypeFields {
    description: String,
    min: Option<i64>,
    max: Option<i64>,
    sales_start: Option<Timestamp>,
    sales_end: Option<Timestamp>,
    visibility: tessera_domain::catalog::Visibility,
    access_code: Option<String>,
}

fn read_type_fields(values: &Values, prefix: &str, tz: &str, errors: &mut Errors) -> TypeFields {
    let get = |k: &str| values.get(&format!("{prefix}{k}")).map(|v| v.trim().to_string()).unwrap_or_default();
    let number = |k: &str, default: i64, errors: &mut Errors| match get(k).as_str() {
        "" => Some(default),
        n => n.parse::<i64>().ok().or_else(|| {
            errors.push((format!("{prefix}{k}"), t("dashboard-whole-number")));
            None
        }),
    };
    let min = number("min", 1, errors);
    let max = number("max", 10, errors);
    let time = |k: &str, errors: &mut Errors| {
        let text = get(k);
        if text.is_empty() {
            return None;
        }
        let at = parse_local(&text, tz);
        if at.is_none() {
            errors.push((format!("{prefix}{k}"), t("dashboard-enter-date-time")));
        }
        at
    };
    let sales_start = time("sales_start", errors);
    let sales_end = time("sales_end", errors);
    let visibility = if get("visibility") == "hidden" {
        tessera_domain::catalog::Visibility::Hidden
    } else {
        tessera_domain::catalog::Visibility::Public
    };
    let code = get("access_code");
    TypeFields {
        description: values.get(&format!("{prefix}description")).cloned().unwrap_or_default(),
        min,
        max,
        sales_start,
        sales_end,
        visibility,
        access_code: (!code.is_empty()).then_some(code),
    }
}

/// The app's names of a ticket type's fields as the form's.
fn type_field(app_field: &str) -> &str {
    match app_field {
        "price_minor" => "price",
        "min_per_order" => "min",
        "max_per_order" => "max",
        "quota_ids" => "quotas",
        f => f,
    }
}

async fn create_ticket_type(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event)): Path<(String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let EventForm { actor, o, v, values, back } = match event_form(&s, &headers, &org, &event, &uri, &body).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let get = |k: &str| values.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let mut errors: Errors = vec![];
    let currency_text = get("tt_currency").to_uppercase();
    let existing = s.app.ticket_types(&actor, o.org.id, v.event.id).await.unwrap_or_default();
    let currency = if currency_text.is_empty() {
        existing.first().map(|t| t.price.currency).or_else(|| Currency::parse("EUR").ok())
    } else {
        Currency::parse(&currency_text).ok()
    };
    if currency.is_none() {
        errors.push(("tt_currency".into(), t("dashboard-currency-code")));
    }
    let price = currency.and_then(|c| parse_amount(&get("tt_price"), c));
    if price.is_none() {
        errors.push(("tt_price".into(), t("dashboard-enter-amount")));
    }
    let f = read_type_fields(&values, "tt_", v.venue.timezone.as_str(), &mut errors);
    if let (true, Some(currency), Some(price_minor), Some(min), Some(max)) =
        (errors.is_empty(), currency, price, f.min, f.max)
    {
        let input = NewTicketType {
            name: get("tt_name"),
            description: f.description,
            price_minor,
            currency,
            sales_start: f.sales_start,
            sales_end: f.sales_end,
            min_per_order: min,
            max_per_order: max,
            visibility: f.visibility,
            access_code: f.access_code,
            quota_ids: values_all(&body, "quota_id").iter().filter_map(|q| q.parse().ok()).collect(),
        };
        match s.app.create_ticket_type(&actor, o.org.id, v.event.id, input).await {
            Ok(_) => return redirect(&back, &[]),
            Err(e) => match form_errors(e) {
                // The app names the JSON fields; the form's carry a prefix.
                Ok(f) => errors = f.into_iter().map(|(k, m)| (format!("tt_{}", type_field(&k)), m)).collect(),
                Err(page) => return page,
            },
        }
    }
    let checked = values_all(&body, "quota_id");
    refuse_event_form(&s, &actor, &o, &v, &headers, &values, &errors, "tt-new", &checked).await
}

/// Every value of a repeated form field (checkboxes).
pub(super) fn values_all(body: &Bytes, name: &str) -> Vec<String> {
    form_urlencoded::parse(body).filter(|(k, _)| k == name).map(|(_, v)| v.into_owned()).collect()
}

async fn update_ticket_type(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event, tt)): Path<(String, String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let EventForm { actor, o, v, values, back } = match event_form(&s, &headers, &org, &event, &uri, &body).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let tt_id = match parse_id(&tt) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let types = s.app.ticket_types(&actor, o.org.id, v.event.id).await.unwrap_or_default();
    let Some(current) = types.iter().find(|t| t.id == tt_id) else {
        return super::not_found_page();
    };
    let get = |k: &str| values.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let mut errors: Errors = vec![];
    let price = parse_amount(&get("price"), current.price.currency);
    if price.is_none() {
        errors.push(("price".into(), t("dashboard-enter-amount")));
    }
    let f = read_type_fields(&values, "", v.venue.timezone.as_str(), &mut errors);
    if errors.is_empty() {
        let patch = TicketTypePatch {
            name: Some(get("name")),
            description: Some(f.description),
            price_minor: price,
            currency: None,
            sales_start: Some(f.sales_start),
            sales_end: Some(f.sales_end),
            min_per_order: f.min,
            max_per_order: f.max,
            visibility: Some(f.visibility),
            access_code: Some(f.access_code),
            quota_ids: Some(values_all(&body, "quota_id").iter().filter_map(|q| q.parse().ok()).collect()),
        };
        match s.app.update_ticket_type(&actor, o.org.id, tt_id, patch).await {
            Ok(_) => return redirect(&back, &[]),
            Err(e) => match form_errors(e) {
                Ok(f) => errors = f,
                Err(page) => return page,
            },
        }
    }
    let errors: Errors = errors.into_iter().map(|(k, m)| (format!("{tt_id}-{}", type_field(&k)), m)).collect();
    let checked = values_all(&body, "quota_id");
    refuse_event_form(&s, &actor, &o, &v, &headers, &values, &errors, &format!("tt-{tt_id}"), &checked).await
}

async fn create_quota(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event)): Path<(String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let EventForm { actor, o, v, values, back } = match event_form(&s, &headers, &org, &event, &uri, &body).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let get = |k: &str| values.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let mut errors: Errors = vec![];
    match get("q_capacity").parse::<i64>() {
        Err(_) => errors.push(("q_capacity".into(), t("dashboard-whole-number"))),
        Ok(capacity) => {
            let input = NewQuota {
                name: get("q_name"),
                capacity,
                ticket_type_ids: values_all(&body, "ticket_type_id").iter().filter_map(|t| t.parse().ok()).collect(),
            };
            match s.app.create_quota(&actor, o.org.id, v.event.id, input).await {
                Ok(_) => return redirect(&back, &[]),
                Err(e) => match form_errors(e) {
                    Ok(f) => errors = f.into_iter().map(|(k, m)| (format!("q_{k}"), m)).collect(),
                    Err(page) => return page,
                },
            }
        }
    }
    let checked = values_all(&body, "ticket_type_id");
    refuse_event_form(&s, &actor, &o, &v, &headers, &values, &errors, "", &checked).await
}

async fn update_quota(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event, quota)): Path<(String, String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let EventForm { actor, o, v, values, back } = match event_form(&s, &headers, &org, &event, &uri, &body).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let quotas = s.app.quotas(&actor, o.org.id, v.event.id).await.unwrap_or_default();
    let Some(current) = quota.parse().ok().and_then(|id| quotas.iter().find(|q| q.id == id)) else {
        return super::not_found_page();
    };
    let get = |k: &str| values.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let errors: Errors = match get("capacity").parse::<i64>() {
        Err(_) => vec![("capacity".into(), t("dashboard-whole-number"))],
        Ok(capacity) => {
            let patch = QuotaPatch { name: Some(get("name")), capacity: Some(capacity), ticket_type_ids: None };
            match s.app.update_quota(&actor, o.org.id, current.id, patch).await {
                Ok(_) => return redirect(&back, &[]),
                Err(e) => match form_errors(e) {
                    Ok(f) => f,
                    Err(page) => return page,
                },
            }
        }
    };
    let errors: Errors = errors.into_iter().map(|(k, m)| (format!("{}-{k}", current.id), m)).collect();
    refuse_event_form(&s, &actor, &o, &v, &headers, &values, &errors, &format!("q-{}", current.id), &[]).await
}

/// A percentage as typed ("2.5") in basis points (250).
fn parse_percent(text: &str) -> Option<i64> {
    let t = text.trim();
    if t.is_empty() {
        return Some(0);
    }
    let eur = Currency::parse("EUR").ok()?;
    parse_amount(t, eur)
}

fn percent_text(bp: i64) -> String {
    let s = format!("{}.{:02}", bp / 100, bp % 100);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The event's fees, taxes, refund policy and reminder as their form shows
/// them: what is saved, or what a refused form sent.
async fn pricing_view(
    s: &AppState,
    actor: &Actor,
    org: OrgId,
    e: &Event,
    types: &[tessera_domain::catalog::TicketType],
    values: &Values,
) -> Option<PricingView> {
    let p = s.app.event_pricing(actor, org, e.id).await.ok()?;
    let currency = types.first().map(|t| t.price.currency).or_else(|| Currency::parse("EUR").ok());
    let amount = |minor: i64| currency.map(|c| amount_text(minor, c)).unwrap_or_default();
    let mut v: Values = HashMap::new();
    v.insert("fee_ticket".into(), amount(p.fees.per_ticket_minor));
    v.insert("fee_percent".into(), percent_text(p.fees.per_ticket_bp));
    v.insert("fee_order".into(), amount(p.fees.per_order_minor));
    v.insert("refund_deadline_hours".into(), p.refunds.deadline_hours.to_string());
    v.insert("refund_fee".into(), amount(p.refunds.fee_minor));
    v.insert("reminder_hours".into(), p.reminder_hours.to_string());
    for t in types {
        let rule = p.taxes.get(&t.id);
        v.insert(format!("tax_{}", t.id), rule.map(|r| percent_text(r.rate_bp)).unwrap_or_default());
    }
    let posted = values.contains_key("fee_ticket");
    if posted {
        v.extend(values.iter().map(|(k, val)| (k.clone(), val.clone())));
    }
    let on = |name: &str, saved: bool| if posted { values.contains_key(name) } else { saved };
    Some(PricingView {
        absorbed: on("fees_absorbed", p.fees.absorbed),
        buyer_refunds: on("buyer_refunds", p.refunds.buyer_refunds),
        taxes: types
            .iter()
            .map(|t| {
                let inclusive = format!("tax_inclusive_{}", t.id);
                let saved = p.taxes.get(&t.id).is_none_or(|r| r.inclusive);
                (format!("tax_{}", t.id), inclusive.clone(), t.name.clone(), on(&inclusive, saved))
            })
            .collect(),
        values: v,
    })
}

async fn update_pricing(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event)): Path<(String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let EventForm { actor, o, v, values, back } = match event_form(&s, &headers, &org, &event, &uri, &body).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let types = s.app.ticket_types(&actor, o.org.id, v.event.id).await.unwrap_or_default();
    let currency = match types.first().map(|t| t.price.currency).or_else(|| Currency::parse("EUR").ok()) {
        Some(c) => c,
        None => return super::not_found_page(),
    };
    let mut errors: Errors = vec![];
    let get = |k: &str| values.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let mut money_field = |k: &str| {
        let text = get(k);
        if text.is_empty() {
            return 0;
        }
        parse_amount(&text, currency).unwrap_or_else(|| {
            errors.push((k.to_string(), t("dashboard-enter-amount")));
            0
        })
    };
    let per_ticket_minor = money_field("fee_ticket");
    let per_order_minor = money_field("fee_order");
    let refund_fee = money_field("refund_fee");
    let mut percent = |k: &str| {
        parse_percent(&get(k)).unwrap_or_else(|| {
            errors.push((k.to_string(), t("dashboard-enter-percent")));
            0
        })
    };
    let per_ticket_bp = percent("fee_percent");
    let mut taxes = HashMap::new();
    for t in &types {
        let field = format!("tax_{}", t.id);
        if get(&field).is_empty() {
            continue;
        }
        let rate_bp = percent(&field);
        taxes.insert(
            t.id,
            tessera_domain::payments::TaxRule {
                rate_bp,
                inclusive: values.contains_key(&format!("tax_inclusive_{}", t.id)),
            },
        );
    }
    let mut hours = |k: &str| match get(k).as_str() {
        "" => 0,
        n => n.parse::<i64>().unwrap_or_else(|_| {
            errors.push((k.to_string(), t("dashboard-whole-number")));
            0
        }),
    };
    let deadline_hours = hours("refund_deadline_hours");
    let reminder_hours = hours("reminder_hours");
    if errors.is_empty() {
        let pricing = tessera_domain::payments::EventPricing {
            fees: tessera_domain::payments::FeePolicy {
                per_ticket_minor,
                per_ticket_bp,
                per_order_minor,
                absorbed: values.contains_key("fees_absorbed"),
            },
            taxes,
            refunds: tessera_domain::payments::RefundPolicy {
                buyer_refunds: values.contains_key("buyer_refunds"),
                deadline_hours,
                fee_minor: refund_fee,
            },
            reminder_hours,
        };
        match s.app.set_event_pricing(&actor, o.org.id, v.event.id, pricing).await {
            Ok(_) => return redirect(&back, &[]),
            Err(e) => match form_errors(e) {
                Ok(f) => errors = f,
                Err(page) => return page,
            },
        }
    }
    refuse_event_form(&s, &actor, &o, &v, &headers, &values, &errors, "", &[]).await
}

// ------------------------------------------------------------ check-in setup

/// The event's tabs for the templates' `event_tabs` macro: (href, label, current).
pub(super) fn event_tab_links(org: OrgId, e: &Event, current: &str) -> Vec<(String, String, bool)> {
    let base = format!("/dashboard/orgs/{org}/events/{}", e.id);
    [
        ("overview", base.clone(), e.title.clone()),
        ("orders", format!("/dashboard/orgs/{org}/orders?event={}", e.id), t("dashboard-tab-orders")),
        ("sales", format!("{base}/sales"), t("dashboard-tab-sales")),
        ("attendees", format!("{base}/attendees"), t("dashboard-tab-attendees")),
        ("box-office", format!("{base}/box-office"), t("dashboard-tab-box-office")),
        ("promotions", format!("{base}/promotions"), t("pricing-tab")),
        ("transfers", format!("{base}/transfers"), t("transfers-tab")),
        ("resale", format!("{base}/resale"), t("resale-tab")),
        ("waitlist", format!("{base}/waitlist"), t("waitlist-tab")),
        ("checkin", format!("{base}/checkin"), t("dashboard-tab-checkin")),
        ("seats", format!("{base}/seats"), t("dashboard-tab-seats")),
        ("image", format!("{base}/image"), t("dashboard-tab-image")),
        ("public", format!("/events/{}", e.id), t("dashboard-tab-public")),
    ]
    .into_iter()
    .map(|(key, href, label)| (href, label, key == current))
    .collect()
}

/// A scan result's name for people.
fn scan_result_label(result: &str) -> String {
    t(match result {
        "valid" => "dashboard-result-valid",
        "already_used" => "dashboard-result-already-used",
        "not_inside" => "dashboard-result-not-inside",
        "revoked" => "dashboard-result-revoked",
        "wrong_event" => "dashboard-result-wrong-event",
        "not_on_list" => "dashboard-result-not-on-list",
        "not_yet_valid" => "dashboard-result-not-yet-valid",
        "expired" => "dashboard-result-expired",
        "invalid_signature" => "dashboard-result-invalid-signature",
        "malformed" => "dashboard-result-malformed",
        _ => "dashboard-result-unknown",
    })
}

/// An entry policy's name for people.
fn policy_label(policy: &str) -> String {
    t(match policy {
        "reentry" => "dashboard-policy-reentry",
        "per_day" => "dashboard-policy-per-day",
        _ => "dashboard-policy-single",
    })
}

/// One gate of a list, with the admissions there.
struct GateView {
    name: String,
    admitted: i64,
    remove_action: String,
}

/// One ticket admitted more often than allowed while scanners were offline.
struct ConflictView {
    ticket: String,
    winner: String,
    others: Vec<String>,
}

/// A check-in list as its section of the page shows it.
struct ListView {
    id: String,
    name: String,
    policy: String,
    policy_text: String,
    per_day: String,
    per_day_n: i64,
    /// Ticket types the list admits, by name; empty: all.
    admits: Vec<String>,
    /// (ticket type id, name, admitted) for the edit form.
    types: Vec<(String, String, bool)>,
    gates: Vec<GateView>,
    checked_in: i64,
    tickets: i64,
    inside: i64,
    /// (ticket type, checked in, tickets).
    by_type: Vec<(String, i64, i64)>,
    /// (result, count).
    scans: Vec<(String, i64)>,
    /// Admissions at gates no longer on the list.
    gone_gates: i64,
    conflicts: Vec<ConflictView>,
    scanner: String,
    delete_action: String,
}

/// The event's check-in tab: its lists with gates and figures, and the forms
/// that make, change and remove them.
#[derive(askama::Template)]
#[template(path = "dashboard/checkin.html")]
struct CheckinPage<'a> {
    shell: Shell,
    tabs: OrgTabs,
    event_tabs: Vec<(String, String, bool)>,
    base: String,
    csrf: String,
    published: bool,
    lists: Vec<ListView>,
    /// (id, name) of the event's ticket types.
    types: Vec<(String, String)>,
    errors: &'a [(String, String)],
    /// The form that was refused ("new", "<list>" or "gate-<list>"), whose
    /// values fill it again.
    posted: &'a str,
    values: Filled<'a>,
    checked: &'a [String],
}

impl CheckinPage<'_> {
    /// What the form `form` shows in `name`: what was posted, when it is the
    /// refused form, or else `saved`.
    fn val<'s>(&'s self, form: &str, name: &str, saved: &'s str) -> &'s str {
        if self.posted == form { self.values.v(name) } else { saved }
    }

    /// Whether ticket type `id` is ticked in the form `form`.
    fn ticked(&self, form: &str, id: &str, saved: &bool) -> bool {
        if self.posted == form { self.checked.iter().any(|c| c == id) } else { *saved }
    }

    /// The event's ticket types, none ticked, for the new list's form.
    fn types_unticked(&self) -> Vec<(String, String, bool)> {
        self.types.iter().map(|(id, name)| (id.clone(), name.clone(), false)).collect()
    }

    /// Whether entry policy `p` is chosen in the form `form`.
    fn policy_is(&self, form: &str, p: &str, saved: &str) -> bool {
        let v = self.val(form, "entry_policy", saved);
        v == p || (v.is_empty() && p == "single")
    }
}

async fn checkin(
    State(s): State<AppState>,
    headers: HeaderMap,
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
    let (csrf, set) = csrf_token(&headers);
    checkin_page(&s, &actor, &o, &v, StatusCode::OK, csrf, set, &HashMap::new(), &[], "", &[]).await
}

#[allow(clippy::too_many_arguments)]
async fn checkin_page(
    s: &AppState,
    actor: &Actor,
    o: &OrgWithRole,
    v: &EventView,
    status: StatusCode,
    csrf: String,
    set_cookie: Option<String>,
    values: &Values,
    errors: &[(String, String)],
    posted: &str,
    checked: &[String],
) -> Response {
    let org = o.org.id;
    let e = &v.event;
    let tz = v.venue.timezone.as_str();
    let lists = match s.app.checkin_lists(actor, org, e.id).await {
        Ok(l) => l,
        Err(err) => return error_page(err),
    };
    let types = match s.app.ticket_types(actor, org, e.id).await {
        Ok(t) => t,
        Err(err) => return error_page(err),
    };
    let base = format!("/dashboard/orgs/{org}/events/{}/checkin", e.id);
    let mut views = Vec::with_capacity(lists.len());
    for l in &lists {
        let st = match s.app.checkin_stats(actor, org, l.id).await {
            Ok(st) => st,
            Err(err) => return error_page(err),
        };
        let conflicts = match s.app.checkin_conflicts(actor, org, l.id).await {
            Ok(c) => c,
            Err(err) => return error_page(err),
        };
        let gate_name = |g: Option<tessera_domain::GateId>| {
            g.and_then(|g| l.gates.iter().find(|x| x.id == g))
                .map(|g| g.name.clone())
                .unwrap_or_else(|| t("dashboard-no-gate"))
        };
        let scan_text = |c: &tessera_app::checkin::ConflictScan| {
            let key = if c.offline { "dashboard-conflict-scan-offline" } else { "dashboard-conflict-scan" };
            shell::t_args(
                key,
                &[
                    ("time", when(c.scanned_at, tz).into()),
                    ("gate", gate_name(c.gate_id).into()),
                    ("device", c.device.clone().into()),
                ],
            )
        };
        let admitted_at = |g: tessera_domain::GateId| {
            st.by_gate.iter().find(|x| x.gate_id == Some(g)).map(|x| x.admitted).unwrap_or(0)
        };
        views.push(ListView {
            id: l.id.to_string(),
            name: l.name.clone(),
            policy: l.entry_policy.clone(),
            policy_text: policy_label(&l.entry_policy),
            per_day: l.max_entries_per_day.map(|n| n.to_string()).unwrap_or_default(),
            per_day_n: l.max_entries_per_day.unwrap_or(0),
            admits: types.iter().filter(|t| l.ticket_type_ids.contains(&t.id)).map(|t| t.name.clone()).collect(),
            types: types
                .iter()
                .map(|t| (t.id.to_string(), t.name.clone(), l.ticket_type_ids.contains(&t.id)))
                .collect(),
            gates: l
                .gates
                .iter()
                .map(|g| GateView {
                    name: g.name.clone(),
                    admitted: admitted_at(g.id),
                    remove_action: format!("{base}/lists/{}/gates/{}/delete", l.id, g.id),
                })
                .collect(),
            checked_in: st.checked_in,
            tickets: st.tickets,
            inside: st.inside,
            by_type: st.by_ticket_type.iter().map(|t| (t.name.clone(), t.checked_in, t.tickets)).collect(),
            scans: st.scans.iter().map(|(r, n)| (scan_result_label(r), *n)).collect(),
            gone_gates: st
                .by_gate
                .iter()
                .filter(|g| g.gate_id.is_none_or(|id| !l.gates.iter().any(|x| x.id == id)))
                .map(|g| g.admitted)
                .sum(),
            conflicts: conflicts
                .iter()
                .map(|c| ConflictView {
                    ticket: c.ticket_id.to_string(),
                    winner: scan_text(&c.winner),
                    others: c.others.iter().map(scan_text).collect(),
                })
                .collect(),
            scanner: format!("/scan/{org}/{}", l.id),
            delete_action: format!("{base}/lists/{}/delete", l.id),
        });
    }
    let page = CheckinPage {
        shell: Shell::new(
            t_args("dashboard-checkin-title", &[("event", e.title.clone().into())]),
            &Extras { wide: true, ..Default::default() },
        ),
        tabs: OrgTabs::new(org, &o.org.name, "events"),
        event_tabs: event_tab_links(org, e, "checkin"),
        base,
        csrf,
        published: e.status == tessera_domain::catalog::EventStatus::Published,
        lists: views,
        types: types.iter().map(|t| (t.id.to_string(), t.name.clone())).collect(),
        errors,
        posted,
        values: Filled(values),
        checked,
    };
    render(status, &page, &set_cookie.into_iter().collect::<Vec<_>>())
}

/// The list fields of a form: name, admitted ticket types, entry policy.
fn list_input(values: &Values, body: &Bytes, gates: Vec<String>, errors: &mut Errors) -> NewCheckinList {
    let get = |k: &str| values.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let per_day = get("max_entries_per_day");
    let max_entries_per_day = match (get("entry_policy").as_str(), per_day.as_str()) {
        ("per_day", "") => None,
        ("per_day", n) => match n.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.push(("max_entries_per_day".into(), t("dashboard-whole-number")));
                None
            }
        },
        _ => None,
    };
    let mut ticket_type_ids = Vec::new();
    for id in values_all(body, "ticket_type_id") {
        match id.parse() {
            Ok(id) => ticket_type_ids.push(id),
            Err(_) => errors.push(("ticket_type_ids".into(), t("dashboard-unknown-ticket-type"))),
        }
    }
    NewCheckinList {
        name: get("name"),
        ticket_type_ids,
        entry_policy: match get("entry_policy").as_str() {
            "" => "single".into(),
            p => p.into(),
        },
        max_entries_per_day,
        gates,
    }
}

/// The app's field names as the ids of the form's fields: `prefix` + field.
fn prefixed(errors: Errors, prefix: &str) -> Errors {
    errors
        .into_iter()
        .map(|(k, m)| {
            let k = match k.as_str() {
                "ticket_type_ids" => "types".to_string(),
                k if k.starts_with("gates") => "gates".to_string(),
                k => k.to_string(),
            };
            (format!("{prefix}{k}"), m)
        })
        .collect()
}

/// A refused check-in form: the tab again with the messages, 422.
async fn refuse_checkin(
    s: &AppState,
    f: &EventForm,
    headers: &HeaderMap,
    errors: &[(String, String)],
    posted: &str,
    body: &Bytes,
) -> Response {
    let (csrf, _) = csrf_token(headers);
    let checked = values_all(body, "ticket_type_id");
    checkin_page(
        s,
        &f.actor,
        &f.o,
        &f.v,
        StatusCode::UNPROCESSABLE_ENTITY,
        csrf,
        None,
        &f.values,
        errors,
        posted,
        &checked,
    )
    .await
}

async fn create_list(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event)): Path<(String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let f = match event_form(&s, &headers, &org, &event, &uri, &body).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let mut errors: Errors = vec![];
    let gates: Vec<String> = f
        .values
        .get("gates")
        .map(|g| g.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect())
        .unwrap_or_default();
    if gates.is_empty() {
        errors.push(("gates".into(), t("dashboard-gates-required")));
    }
    let input = list_input(&f.values, &body, gates, &mut errors);
    let mut errors = prefixed(errors, "new-");
    if errors.is_empty() {
        match s.app.create_checkin_list(&f.actor, f.o.org.id, f.v.event.id, input).await {
            Ok(_) => return redirect(&format!("{}/checkin", f.back), &[]),
            Err(e) => match form_errors(e) {
                Ok(fields) => errors = prefixed(fields, "new-"),
                Err(page) => return page,
            },
        }
    }
    refuse_checkin(&s, &f, &headers, &errors, "new", &body).await
}

async fn update_list(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event, list)): Path<(String, String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let f = match event_form(&s, &headers, &org, &event, &uri, &body).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let list: CheckinListId = match parse_id(&list) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let mut errors: Errors = vec![];
    let input = list_input(&f.values, &body, vec![], &mut errors);
    let prefix = format!("{list}-");
    let mut errors = prefixed(errors, &prefix);
    if errors.is_empty() {
        match s.app.update_checkin_list(&f.actor, f.o.org.id, list, input).await {
            Ok(_) => return redirect(&format!("{}/checkin", f.back), &[]),
            Err(e) => match form_errors(e) {
                Ok(fields) => errors = prefixed(fields, &prefix),
                Err(page) => return page,
            },
        }
    }
    refuse_checkin(&s, &f, &headers, &errors, &list.to_string(), &body).await
}

async fn delete_list(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event, list)): Path<(String, String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let f = match event_form(&s, &headers, &org, &event, &uri, &body).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let list: CheckinListId = match parse_id(&list) {
        Ok(id) => id,
        Err(r) => return r,
    };
    match s.app.delete_checkin_list(&f.actor, f.o.org.id, list).await {
        Ok(()) => redirect(&format!("{}/checkin", f.back), &[]),
        Err(e) => match form_errors(e) {
            Ok(_) => {
                let errors = vec![(format!("{list}-name"), t("dashboard-list-scanned"))];
                refuse_checkin(&s, &f, &headers, &errors, "", &body).await
            }
            Err(page) => page,
        },
    }
}

async fn add_gate(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event, list)): Path<(String, String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let f = match event_form(&s, &headers, &org, &event, &uri, &body).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let list: CheckinListId = match parse_id(&list) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let name = f.values.get("gate").map(|g| g.trim().to_string()).unwrap_or_default();
    let errors = match s.app.add_gate(&f.actor, f.o.org.id, list, &name).await {
        Ok(_) => return redirect(&format!("{}/checkin", f.back), &[]),
        Err(e) => match form_errors(e) {
            Ok(fields) => fields.into_iter().map(|(_, m)| (format!("gate-{list}"), m)).collect::<Errors>(),
            Err(page) => return page,
        },
    };
    refuse_checkin(&s, &f, &headers, &errors, &format!("gate-{list}"), &body).await
}

async fn remove_gate(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event, list, gate)): Path<(String, String, String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let f = match event_form(&s, &headers, &org, &event, &uri, &body).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let (list, gate): (CheckinListId, tessera_domain::GateId) = match (parse_id(&list), parse_id(&gate)) {
        (Ok(l), Ok(g)) => (l, g),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    match s.app.remove_gate(&f.actor, f.o.org.id, list, gate).await {
        Ok(()) => redirect(&format!("{}/checkin", f.back), &[]),
        Err(e) => match form_errors(e) {
            Ok(_) => {
                let errors = vec![(format!("gate-{list}"), t("dashboard-last-gate"))];
                refuse_checkin(&s, &f, &headers, &errors, "", &body).await
            }
            Err(page) => page,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn venue_times_round_trip_through_the_form() {
        let t = parse_local("2026-12-08T20:00", "Europe/Berlin").unwrap();
        assert_eq!(t.to_string(), "2026-12-08T19:00:00Z");
        assert_eq!(local_text(t, "Europe/Berlin"), "2026-12-08T20:00");
        assert!(parse_local("tomorrow", "Europe/Berlin").is_none());
    }
}
