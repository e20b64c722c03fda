//! Seats in the browser: the storefront's seat choice on a seated event and
//! the organizer's seat page, with the form that sells an event by seat.
//!
//! Both pages work without scripts: seats are listed one section at a time,
//! row by row, as labelled checkboxes (`name="seat"`, the seat id), and a
//! form posts them. `seatmap.js` then draws the same seats as an SVG map
//! over the same form: choosing a seat on the map ticks its checkbox (or adds
//! a hidden field for a seat of another section), so one form submits either
//! way. What may be held, bought, blocked or seen is decided by the app
//! layer; this module only lists, labels and explains. The markup is in
//! `templates/seats/`, the words in the `seats` catalog.

use super::shell::{Filled, OrgTabs, Shell, Text, render, t, t_args};
use super::{Extras, csrf_ok, csrf_token, error_page, lang, money, redirect, signed_in};
use crate::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use tessera_app::catalog::EventDetail;
use tessera_app::inventory::SeatRequest;
use tessera_app::seating::{BlockSeats, SeatLayout, SetEventSeating};
use tessera_app::{Actor, AppError};
use tessera_domain::{EventId, Money, OrgId, TicketTypeId};
use tessera_seating::{SeatFlags, SeatId, SeatIndex, SeatMap};

/// Price-zone colours, in the order zones first appear in the map; each has
/// at least 4.5:1 contrast on white. `seatmap.js` gets them from the page.
const ZONE_COLOURS: [&str; 8] =
    ["#1d4ed8", "#047857", "#b45309", "#7e22ce", "#be123c", "#0e7490", "#4d7c0f", "#9d174d"];

/// Seats a buyer may ask for at once (the allocator's limit).
const MAX_SEATS: u32 = tessera_seating::MAX_REQUEST_SEATS;

/// Seat categories the set-up form reads at most.
const MAX_CATEGORIES: usize = 1000;

/// Rows per page of the organizer's table of taken seats.
const TAKEN_PER_PAGE: usize = 200;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboard/orgs/{org}/events/{event}/seats", get(manage_page).post(manage_post))
        .route("/dashboard/orgs/{org}/events/{event}/seats/map.json", get(manage_map))
        .route("/dashboard/orgs/{org}/events/{event}/seats/setup", post(setup_post))
}

/// A seated event's map with every seat's status, one byte per seat in map
/// order: `a` available, `h` held, `s` sold, `b` blocked.
pub(crate) struct Seating {
    pub layout: Arc<SeatLayout>,
    pub statuses: Vec<u8>,
}

impl Seating {
    fn status(&self, i: usize) -> u8 {
        // A status list of another seating version: nothing is offered.
        self.statuses.get(i).copied().unwrap_or(b'b')
    }
}

/// The storefront's seating of a published event: `None` when it is not
/// sold by seat.
pub(crate) async fn public_seating(s: &AppState, event: EventId) -> Result<Option<Seating>, AppError> {
    let statuses = match s.app.public_seat_statuses(event).await {
        Ok(st) => st,
        Err(AppError::NotFound) => return Ok(None),
        Err(e) => return Err(e),
    };
    let layout = s.app.public_seat_layout(event).await?;
    Ok(Some(Seating { layout, statuses: statuses.statuses.into_bytes() }))
}

/// A seat's name for people: "Stalls · Row A · Seat 5".
pub(crate) fn seat_name(map: &SeatMap, i: SeatIndex) -> String {
    let (section, row) = map.labels_of(i);
    t_args(
        "seats-seat-name",
        &[
            ("section", section.to_string().into()),
            ("row", row.to_string().into()),
            ("seat", map.seat(i).label.clone().into()),
        ],
    )
}

/// A seat within its section: "Row A · Seat 5".
fn row_and_seat(map: &SeatMap, i: SeatIndex) -> String {
    t_args(
        "seats-row-seat",
        &[("row", map.labels_of(i).1.to_string().into()), ("seat", map.seat(i).label.clone().into())],
    )
}

/// A message about one seat, named for people.
fn about_seat(id: &str, map: &SeatMap, i: SeatIndex) -> String {
    t_args(id, &[("seat", seat_name(map, i).into())])
}

fn flag_words(flags: SeatFlags) -> Vec<String> {
    let mut out = vec![];
    if flags.contains(SeatFlags::WHEELCHAIR) {
        out.push(t("seats-wheelchair"));
    }
    if flags.contains(SeatFlags::COMPANION) {
        out.push(t("seats-companion"));
    }
    if flags.contains(SeatFlags::RESTRICTED_VIEW) {
        out.push(t("seats-restricted"));
    }
    if flags.contains(SeatFlags::AISLE) {
        out.push(t("seats-aisle"));
    }
    out
}

/// Short visible marks for a seat's flags (the words go to screen readers).
fn flag_marks(flags: SeatFlags) -> String {
    let mut out = String::new();
    if flags.contains(SeatFlags::WHEELCHAIR) {
        out.push_str(" ♿");
    }
    if flags.contains(SeatFlags::COMPANION) {
        out.push_str(" ⊕");
    }
    if flags.contains(SeatFlags::RESTRICTED_VIEW) {
        out.push_str(" ◐");
    }
    out
}

/// A price zone: a seat category, the ticket type it sells as, its colour.
pub(crate) struct Zone {
    pub key: String,
    pub name: String,
    pub price: Option<Money>,
    pub colour: &'static str,
}

impl Zone {
    /// The zone's name with its price: "Zone A · €45.00".
    fn with_price(&self) -> String {
        match self.price {
            Some(p) => format!("{} · {}", self.name, money(p)),
            None => self.name.clone(),
        }
    }

    fn price_text(&self) -> String {
        self.price.map(money).unwrap_or_else(|| "—".into())
    }
}

/// The map's seat categories in order of first appearance, with names and
/// prices from the event's ticket types.
fn zones(layout: &SeatLayout, types: &[(TicketTypeId, String, Money)]) -> Vec<Zone> {
    let mut keys: Vec<&str> = vec![];
    for seat in layout.map.seats() {
        if !keys.contains(&seat.category.as_str()) {
            keys.push(&seat.category);
        }
    }
    keys.iter()
        .enumerate()
        .map(|(n, key)| {
            let tt = layout.zones.get(*key).and_then(|id| types.iter().find(|t| t.0 == *id));
            Zone {
                key: key.to_string(),
                name: tt.map_or_else(|| key.to_string(), |t| t.1.clone()),
                price: tt.map(|t| t.2),
                colour: ZONE_COLOURS[n % ZONE_COLOURS.len()],
            }
        })
        .collect()
}

/// The section a page lists: the asked one, else the one holding the first
/// chosen seat, else the first.
fn section_shown(map: &SeatMap, asked: Option<&String>, chosen: &[SeatIndex]) -> usize {
    let count = map.sections().len();
    if let Some(n) = asked.and_then(|a| a.trim().parse::<usize>().ok()).filter(|n| *n < count) {
        return n;
    }
    chosen.first().map_or(0, |&i| map.row_of(i).section as usize)
}

/// Whose page a seat list is on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ListFor {
    /// A buyer: only available seats can be ticked.
    Buyer,
    /// Staff: available and blocked seats can be ticked (to block or release).
    Staff,
}

/// One seat's checkbox in the list.
pub(crate) struct SeatBox {
    id: String,
    label: String,
    /// Symbols for its flags.
    marks: String,
    /// Words for screen readers: its flags, and its zone in a mixed row.
    hidden: String,
    class: &'static str,
    checked: bool,
    disabled: bool,
    /// The state staff see next to a seat that is not free.
    state: Option<String>,
}

pub(crate) struct RowView {
    /// "Row A".
    legend: String,
    /// The zone of every seat of the row, when they share one.
    zone: Option<String>,
    seats: Vec<SeatBox>,
}

pub(crate) struct SectionLink {
    href: String,
    label: String,
    /// "6 free".
    free: String,
    current: bool,
}

/// The seats of one section, row by row, as checkboxes (the section chooser
/// above when the map has more than one), and the chosen seats of other
/// sections, so that a refused form keeps every choice.
pub(crate) struct SeatList {
    /// Where the "skip the list" link goes.
    skip_to: &'static str,
    sections: Vec<SectionLink>,
    /// The listed section's heading and its free seats ("Section Stalls", "6 free").
    section: Option<(String, String)>,
    rows: Vec<RowView>,
    /// (seat id, seat name) of seats chosen in other sections.
    others: Vec<(String, String)>,
    /// The listed section's number, posted back.
    shown: usize,
}

fn seat_list(
    seating: &Seating,
    zones: &[Zone],
    section: usize,
    chosen: &[SeatIndex],
    who: ListFor,
    link: &str,
) -> SeatList {
    let zone_name = |key: &str| match zones.iter().find(|z| z.key == key) {
        Some(z) => z.with_price(),
        None => key.to_string(),
    };
    let map = &seating.layout.map;
    let sections = map.sections();
    let free_in = |s: &tessera_seating::Section| {
        let rows = &map.rows()[s.rows.start as usize..s.rows.end as usize];
        rows.iter().flat_map(|r| r.seats.clone()).filter(|&i| seating.status(i as usize) == b'a').count()
    };
    let links = if sections.len() > 1 {
        sections
            .iter()
            .enumerate()
            .map(|(n, s)| SectionLink {
                href: format!("{link}?section={n}#seat-list"),
                label: s.label.clone(),
                free: t_args("seats-free", &[("count", free_in(s).into())]),
                current: n == section,
            })
            .collect()
    } else {
        vec![]
    };
    let chosen_set: HashSet<SeatIndex> = chosen.iter().copied().collect();
    let mut rows = vec![];
    let shown = sections.get(section);
    if let Some(s) = shown {
        for row in &map.rows()[s.rows.start as usize..s.rows.end as usize] {
            let seats = &map.seats()[row.seats.start as usize..row.seats.end as usize];
            let uniform = seats.iter().all(|x| x.category == seats[0].category);
            let mut boxes = vec![];
            for i in row.seats.clone() {
                let seat = &map.seats()[i as usize];
                let status = seating.status(i as usize);
                let enabled = match who {
                    ListFor::Buyer => status == b'a',
                    ListFor::Staff => status == b'a' || status == b'b',
                };
                let mut hidden = flag_words(seat.flags);
                if !uniform {
                    hidden.push(zone_name(&seat.category));
                }
                // A buyer's taken seat is a disabled checkbox, which screen
                // readers announce as unavailable; staff see the state.
                let state = match (who, status) {
                    (_, b'a') | (ListFor::Buyer, _) => None,
                    (ListFor::Staff, b'h') => Some(t("seats-state-held")),
                    (ListFor::Staff, b's') => Some(t("seats-state-sold")),
                    (ListFor::Staff, _) => Some(t("seats-state-blocked")),
                };
                boxes.push(SeatBox {
                    id: seat.id.0.to_string(),
                    label: seat.label.clone(),
                    marks: flag_marks(seat.flags),
                    hidden: hidden.join(", "),
                    class: match status {
                        b'a' => "seat-box",
                        b'b' if who == ListFor::Staff => "seat-box blocked",
                        _ => "seat-box taken",
                    },
                    checked: enabled && chosen_set.contains(&SeatIndex(i)),
                    disabled: !enabled,
                    state,
                });
            }
            rows.push(RowView {
                legend: t_args("seats-row", &[("row", row.label.clone().into())]),
                zone: uniform.then(|| zone_name(&seats[0].category)),
                seats: boxes,
            });
        }
    }
    let others = chosen
        .iter()
        .copied()
        .filter(|&i| map.row_of(i).section as usize != section)
        .filter(|&i| match who {
            ListFor::Buyer => seating.status(i.get()) == b'a',
            ListFor::Staff => matches!(seating.status(i.get()), b'a' | b'b'),
        })
        .map(|i| (map.seat(i).id.0.to_string(), seat_name(map, i)))
        .collect();
    SeatList {
        skip_to: if who == ListFor::Buyer { "best" } else { "taken" },
        sections: links,
        section: shown.map(|s| {
            (
                t_args("seats-section", &[("section", s.label.clone().into())]),
                t_args("seats-free", &[("count", free_in(s).into())]),
            )
        }),
        rows,
        others,
        shown: section,
    }
}

/// The seat ids a form posted, in order, as written.
pub(crate) fn posted_seats(pairs: &[(String, String)]) -> Vec<String> {
    pairs.iter().filter(|(k, _)| k == "seat").map(|(_, v)| v.trim().to_string()).filter(|v| !v.is_empty()).collect()
}

/// Every field of a posted form, repeated names kept.
pub(crate) fn form_pairs(body: &Bytes) -> Vec<(String, String)> {
    form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

fn index_of(map: &SeatMap, id: &str) -> Option<SeatIndex> {
    uuid::Uuid::parse_str(id).ok().and_then(|u| map.index_of(SeatId(u)))
}

/// Whether the buyer asked for the best available seats rather than the
/// ones ticked: the mode chosen, or else no seat ticked.
pub(crate) fn wants_best(values: &HashMap<String, String>, seats: &[String]) -> bool {
    match values.get("mode").map(String::as_str) {
        Some("best") => true,
        Some("seats") => false,
        _ => seats.is_empty(),
    }
}

/// The seats a buyer's form asks for; problems go to `errors` by field.
pub(crate) fn seat_request(
    values: &HashMap<String, String>,
    seats: &[String],
    errors: &mut Vec<(String, String)>,
) -> Option<SeatRequest> {
    if !wants_best(values, seats) {
        if seats.is_empty() {
            errors.push(("seat".into(), t("seats-choose-one")));
            return None;
        }
        return Some(SeatRequest::Ids(seats.to_vec()));
    }
    let number = |k: &str| values.get(k).map(|v| v.trim()).filter(|v| !v.is_empty()).map(str::parse::<u32>);
    let count = match number("count") {
        Some(Ok(n)) if n > 0 => Some(n),
        Some(Ok(_)) | None => {
            errors.push(("count".into(), t("seats-how-many-missing")));
            None
        }
        Some(Err(_)) => {
            errors.push(("count".into(), t("seats-whole-number")));
            None
        }
    };
    let wheelchair_spaces = match number("wheelchair") {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            errors.push(("wheelchair".into(), t("seats-whole-number")));
            0
        }
    };
    let category = values.get("category").map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
    count.map(|count| SeatRequest::Best { count, category, wheelchair_spaces })
}

/// The form field an app error about seats belongs next to.
pub(crate) fn seat_field(field: &str, best: bool) -> String {
    match field {
        f if f.starts_with("seats.ids") => "seat",
        "seats.best.count" => "count",
        "seats.best.category" => "category",
        "seats.best.wheelchair_spaces" => "wheelchair",
        "seats" | "lines" if best => "count",
        "seats" | "lines" => "seat",
        other => other,
    }
    .to_string()
}

/// Why hand-picked seats were refused, seat by seat, in words a buyer
/// knows (labels, not ids), from the statuses as they are now. Empty when
/// nothing about the seats themselves explains it (a limit, say): the app's
/// own message says it then.
pub(crate) fn explain_seats(seating: &Seating, ids: &[String], why: Refused) -> Vec<String> {
    let map = &seating.layout.map;
    let mut seen = HashSet::new();
    let mut out = vec![];
    let mut unknown = false;
    for id in ids {
        let Some(i) = index_of(map, id) else {
            if !unknown {
                out.push(t_args("seats-not-a-seat", &[("id", esc_plain(id).into())]));
                unknown = true;
            }
            continue;
        };
        if !seen.insert(i) {
            out.push(about_seat("seats-chosen-twice", map, i));
            continue;
        }
        let status = seating.status(i.get());
        let problem = match why {
            Refused::Buy if status == b'b' => Some("seats-not-for-sale"),
            Refused::Buy if status != b'a' => Some("seats-just-taken"),
            Refused::Block if status != b'a' && status != b'b' => Some("seats-cannot-block"),
            Refused::Release if status != b'b' => Some("seats-not-blocked"),
            _ => None,
        };
        if let Some(p) = problem {
            out.push(about_seat(p, map, i));
        }
    }
    out
}

/// What a refused request wanted of its seats.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    Buy,
    Block,
    Release,
}

/// A value typed by someone, shortened for a message (escaped later).
fn esc_plain(s: &str) -> String {
    s.chars().take(40).collect()
}

/// Texts `seatmap.js` shows, in the page's language, as JSON. Messages with
/// a number or a seat carry `{max}`, `{seat}` or `{count}` for the script
/// to fill.
fn script_texts() -> String {
    let plain: &[(&str, &str)] = &[
        ("map", "seats-map"),
        ("zoomIn", "seats-zoom-in"),
        ("zoomOut", "seats-zoom-out"),
        ("fit", "seats-fit"),
        ("best", "seats-best"),
        ("stage", "seats-stage"),
        ("available", "seats-state-available"),
        ("taken", "seats-state-taken"),
        ("held", "seats-state-held"),
        ("sold", "seats-state-sold"),
        ("blocked", "seats-state-blocked"),
        ("chosen", "seats-state-chosen"),
        ("yourSeats", "seats-your-seats"),
        ("none", "seats-none-chosen"),
        ("subtotal", "seats-subtotal"),
        ("remove", "seats-remove"),
        ("help", "seats-map-help"),
        ("keys", "seats-map-keys"),
        ("zoomToChoose", "seats-zoom-to-choose"),
        ("bestNote", "seats-best-when-reserving"),
        ("failed", "seats-map-failed"),
        ("wheelchair", "seats-wheelchair"),
        ("companion", "seats-companion"),
        ("restricted", "seats-restricted"),
        ("aisle", "seats-aisle"),
        ("order", "seats-order"),
        ("nothingChosen", "seats-nothing-chosen"),
        ("working", "seats-working"),
        ("selectHelp", "seats-select-help"),
        ("selected", "seats-selected"),
        ("clear", "seats-clear"),
        ("seatCount", "seats-count-label"),
        ("listKeys", "seats-list-keys"),
    ];
    let mut obj: serde_json::Map<String, serde_json::Value> =
        plain.iter().map(|(k, id)| (k.to_string(), serde_json::Value::String(t(id)))).collect();
    let with = |id: &str, name: &str| serde_json::Value::String(t_args(id, &[(name, format!("{{{name}}}").into())]));
    obj.insert("atMost".into(), with("seats-at-most", "max"));
    obj.insert("justTaken".into(), with("seats-taken-by-other", "seat"));
    obj.insert(
        "seatName".into(),
        serde_json::Value::String(t_args(
            "seats-seat-name",
            &[("section", "{section}".into()), ("row", "{row}".into()), ("seat", "{seat}".into())],
        )),
    );
    // Counts: the form for one, and the form for many with `{count}` to fill.
    let count = |id: &str, one: bool| {
        let n: tessera_i18n::FluentValue = if one { 1.into() } else { "{count}".into() };
        serde_json::Value::String(t_args(id, &[("count", n)]))
    };
    obj.insert("blockedOne".into(), count("seats-done-blocked", true));
    obj.insert("blockedDone".into(), count("seats-done-blocked", false));
    obj.insert("releasedOne".into(), count("seats-done-released", true));
    obj.insert("releasedDone".into(), count("seats-done-released", false));
    serde_json::Value::Object(obj).to_string()
}

fn zones_json(zones: &[Zone]) -> String {
    serde_json::Value::Array(
        zones
            .iter()
            .map(|z| {
                serde_json::json!({
                    "key": z.key,
                    "name": z.name,
                    "price": z.price.map(money),
                    "minor": z.price.map(|p| p.amount_minor),
                    "colour": z.colour,
                })
            })
            .collect(),
    )
    .to_string()
}

/// The storefront's seat choice, inside the buy form: zones with prices, the
/// map's place, the list of one section's seats, the best-available fields,
/// and which of the two to reserve.
#[derive(askama::Template)]
#[template(path = "seats/picker.html")]
struct Picker<'a> {
    zones: Vec<(&'a Zone, usize)>,
    /// `data-*` attributes for `seatmap.js`.
    attrs: Vec<(&'static str, String)>,
    list: SeatList,
    values: Filled<'a>,
    errors: &'a [(String, String)],
    max: u32,
    wheelchair: bool,
    best: bool,
}

/// The buyer's seat choice as HTML (rendered from `seats/picker.html`), for
/// the storefront's event page to place inside its buy form.
pub(crate) fn buyer_choice(
    e: &EventDetail,
    seating: &Seating,
    values: &HashMap<String, String>,
    chosen_ids: &[String],
    errors: &[(String, String)],
) -> String {
    let map = &seating.layout.map;
    let types: Vec<(TicketTypeId, String, Money)> =
        e.ticket_types.iter().map(|t| (t.id, t.name.clone(), t.price)).collect();
    let zones = zones(&seating.layout, &types);
    let chosen: Vec<SeatIndex> = chosen_ids.iter().filter_map(|id| index_of(map, id)).collect();
    let section = section_shown(map, values.get("section"), &chosen);
    let mut free: HashMap<&str, usize> = HashMap::new();
    for (i, seat) in map.seats().iter().enumerate() {
        if seating.status(i) == b'a' {
            *free.entry(seat.category.as_str()).or_default() += 1;
        }
    }
    let id = e.summary.id;
    let attrs = vec![
        ("mode", "buy".into()),
        ("map", format!("/api/v1/events/{id}/seat-map")),
        ("statuses", format!("/api/v1/events/{id}/seats")),
        ("stream", format!("/api/v1/events/{id}/availability")),
        ("zones", zones_json(&zones)),
        ("currency", zones.iter().find_map(|z| z.price).map(|p| p.currency.to_string()).unwrap_or_default()),
        ("locale", lang().tag().to_string()),
        ("max", MAX_SEATS.to_string()),
        ("text", script_texts()),
    ];
    let best = match values.get("mode").map(String::as_str) {
        Some(mode) => mode == "best",
        None => chosen_ids.is_empty() && values.contains_key("count"),
    };
    let list = seat_list(seating, &zones, section, &chosen, ListFor::Buyer, &format!("/events/{id}"));
    let page = Picker {
        zones: zones.iter().map(|z| (z, free.get(z.key.as_str()).copied().unwrap_or(0))).collect(),
        attrs,
        list,
        values: Filled(values),
        errors,
        max: MAX_SEATS,
        wheelchair: map.seats().iter().any(|s| s.flags.contains(SeatFlags::WHEELCHAIR)),
        best,
    };
    askama::Template::render(&page).unwrap_or_else(|e| {
        tracing::error!(error = %e, "the seat choice did not render");
        String::new()
    })
}

// ------------------------------------------------------------ organizer page

/// One held or sold seat in the organizer's table.
pub(crate) struct TakenRow {
    seat: String,
    state: String,
    /// (order id, reference).
    order: Option<(String, String)>,
    /// (name, e-mail).
    buyer: Option<(String, String)>,
}

/// The organizer's page of one event's seats: statuses, who holds what,
/// blocking and releasing.
#[derive(askama::Template)]
#[template(path = "seats/manage.html")]
struct Manage<'a> {
    shell: Shell,
    tabs: OrgTabs,
    event_href: String,
    /// "← Back to the event: …".
    back: String,
    here: String,
    /// The organization's orders, to which an order id is appended.
    orders_href: String,
    csrf: &'a str,
    /// Seats by status: available, held, sold, blocked.
    counts: [i64; 4],
    notice: Option<String>,
    errors: &'a [(String, String)],
    attrs: Vec<(&'static str, String)>,
    list: SeatList,
    /// "Section Stalls".
    section_heading: String,
    taken: Vec<TakenRow>,
    /// (earlier page's link, "2 / 3", later page's link) when there are several pages.
    pager: Option<(Option<String>, String, Option<String>)>,
    setup: Option<Setup>,
}

/// The form that sells an event by seat: the venue's seat categories, each
/// with the ticket type it sells as.
pub(crate) struct Setup {
    /// What to say about the venue's map: how the seats are copied, or that there is none.
    intro: String,
    map_href: String,
    /// The venue has a seat map.
    has_map: bool,
    categories: Vec<SetupCategory>,
    /// (id, name · price) of the event's ticket types.
    types: Vec<(String, String)>,
}

/// The page of an event not sold by seat: the form to sell it by seat.
#[derive(askama::Template)]
#[template(path = "seats/setup.html")]
struct SetupPage<'a> {
    shell: Shell,
    tabs: OrgTabs,
    event_href: String,
    /// "← Back to the event: …".
    back: String,
    here: String,
    csrf: &'a str,
    errors: &'a [(String, String)],
    setup: Setup,
}

/// One seat category of the set-up form: its select is `field`.
pub(crate) struct SetupCategory {
    field: String,
    category: String,
    /// "Category “A” (6 seats)".
    label: String,
    /// The ticket type id preselected, or nothing.
    chosen: String,
}

fn notice(q: &HashMap<String, String>) -> Option<String> {
    let n = q.get("n").and_then(|n| n.parse::<i64>().ok());
    match (q.get("done").map(String::as_str), n) {
        (Some("blocked"), Some(n)) => Some(t_args("seats-done-blocked", &[("count", n.into())])),
        (Some("released"), Some(n)) => Some(t_args("seats-done-released", &[("count", n.into())])),
        (Some("seated"), _) => Some(t("seats-setup-done")),
        _ => None,
    }
}

async fn manage_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let here = format!("/dashboard/orgs/{org}/events/{event}/seats");
    let actor = match signed_in(&here) {
        Ok((_, actor)) => actor,
        Err(to_sign_in) => return to_sign_in,
    };
    let (Ok(org), Ok(event)) = (org.parse::<OrgId>(), event.parse::<EventId>()) else {
        return super::not_found_page();
    };
    let (csrf, set) = csrf_token(&headers);
    let notice = notice(&q);
    manage_render(&s, &actor, org, event, &q, &csrf, set, StatusCode::OK, &[], &[], notice).await
}

/// Blocks or releases the ticked seats (the form without scripts; the map
/// calls the JSON API for the same app function).
async fn manage_post(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let here = format!("/dashboard/orgs/{org}/events/{event}/seats");
    let actor = match signed_in(&here) {
        Ok((_, actor)) => actor,
        Err(to_sign_in) => return to_sign_in,
    };
    let (Ok(org), Ok(event)) = (org.parse::<OrgId>(), event.parse::<EventId>()) else {
        return super::not_found_page();
    };
    let pairs = form_pairs(&body);
    let values: HashMap<String, String> = pairs.iter().cloned().collect();
    if !csrf_ok(&headers, &values) {
        return super::form_expired_page(&here);
    }
    let seats = posted_seats(&pairs);
    let block = values.get("action").map(String::as_str) != Some("release");
    let section = values.get("section").and_then(|v| v.trim().parse::<usize>().ok()).unwrap_or(0);
    let mut errors = vec![];
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if seats.is_empty() {
        errors.push(("seat".to_string(), t("seats-nothing-chosen")));
    } else {
        let input = BlockSeats { seat_ids: seats.clone(), blocked: block };
        match s.app.block_seats(&actor, org, event, input).await {
            Ok(_) => {
                let done = if block { "blocked" } else { "released" };
                let to = format!("{here}?section={section}&done={done}&n={}#seat-list", seats.len());
                return redirect(&to, &[]);
            }
            Err(AppError::Invalid(v)) => {
                errors.extend(v.fields.iter().map(|f| ("seat".to_string(), crate::error::field_message(f))))
            }
            Err(AppError::Conflict { message, .. }) => {
                status = StatusCode::CONFLICT;
                errors.push(("seat".into(), crate::error::localized("errors-conflict", message)));
            }
            Err(other) => return error_page(other),
        }
    }
    let (csrf, set) = csrf_token(&headers);
    let why = if block { Refused::Block } else { Refused::Release };
    let mut q = HashMap::new();
    q.insert("section".to_string(), section.to_string());
    manage_render(&s, &actor, org, event, &q, &csrf, set, status, &errors, &seats_with(why, seats), None).await
}

/// Sells the event by seat: the venue's map copied, each category mapped to
/// the ticket type chosen for it (`zone.<category>` fields).
async fn setup_post(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let base = format!("/dashboard/orgs/{org}/events/{event}/seats");
    let actor = match signed_in(&base) {
        Ok((_, actor)) => actor,
        Err(to_sign_in) => return to_sign_in,
    };
    let (Ok(org), Ok(event)) = (org.parse::<OrgId>(), event.parse::<EventId>()) else {
        return super::not_found_page();
    };
    let values = super::form(&body);
    if !csrf_ok(&headers, &values) {
        return super::form_expired_page(&base);
    }
    // Category n is named by `category-n`, its ticket type chosen in `zone-n`.
    let mut errors = vec![];
    let mut zones = HashMap::new();
    let mut fields = HashMap::new();
    for n in 0..MAX_CATEGORIES {
        let Some(category) = values.get(&format!("category-{n}")) else { break };
        fields.insert(category.clone(), format!("zone-{n}"));
        match values.get(&format!("zone-{n}")).map(|v| v.trim().parse::<TicketTypeId>()) {
            Some(Ok(id)) => {
                zones.insert(category.clone(), id);
            }
            _ => errors.push((format!("zone-{n}"), t("seats-setup-pick-type"))),
        }
    }
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if errors.is_empty() {
        match s.app.set_event_seating(&actor, org, event, SetEventSeating { zones: zones.clone() }).await {
            Ok(_) => return redirect(&format!("{base}?done=seated"), &[]),
            Err(AppError::Invalid(v)) => {
                for f in v.fields {
                    match f.field.strip_prefix("zones.").and_then(|c| fields.get(c)) {
                        Some(field) => errors.push((field.clone(), t("seats-setup-pick-type"))),
                        None => errors.push(("setup".into(), crate::error::field_message(&f))),
                    }
                }
            }
            Err(AppError::Conflict { message, .. }) => {
                status = StatusCode::CONFLICT;
                errors.push(("setup".into(), crate::error::localized("errors-conflict", message)));
            }
            Err(other) => return error_page(other),
        }
    }
    if errors.is_empty() {
        errors.push(("setup".into(), t("seats-setup-pick-type")));
    }
    let (csrf, set) = csrf_token(&headers);
    let chosen: HashMap<String, String> = zones.into_iter().map(|(k, v)| (k, v.to_string())).collect();
    let ctx = match page_context(&s, &actor, org, event).await {
        Ok(c) => c,
        Err(e) => return error_page(e),
    };
    let setup = match setup_form(&s, &actor, org, &ctx, &chosen).await {
        Ok(f) => f,
        Err(e) => return error_page(e),
    };
    let page = SetupPage {
        shell: Shell::new(t_args("seats-title", &[("event", ctx.event.title.clone().into())]), &Extras::default()),
        tabs: OrgTabs::new(org, &ctx.org_name, "events"),
        event_href: format!("/dashboard/orgs/{org}/events/{event}"),
        back: t_args("seats-back", &[("event", ctx.event.title.clone().into())]),
        here: base,
        csrf: &csrf,
        errors: &errors,
        setup,
    };
    render(status, &page, &set.into_iter().collect::<Vec<_>>())
}

/// What every seat page of an event shows.
struct PageContext {
    org_name: String,
    event: tessera_domain::catalog::Event,
}

async fn page_context(s: &AppState, actor: &Actor, org: OrgId, event: EventId) -> Result<PageContext, AppError> {
    let org_name = s.app.org(actor, org).await?.org.name;
    let event = s.app.event(actor, org, event).await?;
    Ok(PageContext { org_name, event })
}

/// The set-up form's data: the venue's categories and the event's ticket
/// types, `chosen` (category → ticket type id) preselected.
async fn setup_form(
    s: &AppState,
    actor: &Actor,
    org: OrgId,
    ctx: &PageContext,
    chosen: &HashMap<String, String>,
) -> Result<Setup, AppError> {
    let venue = s.app.venue(actor, org, ctx.event.venue_id).await?;
    let summary = match s.app.seat_map_summary(actor, org, venue.id).await {
        Ok(m) => Some(m),
        Err(AppError::NotFound) => None,
        Err(e) => return Err(e),
    };
    let types = s.app.ticket_types(actor, org, ctx.event.id).await?;
    let categories = summary
        .as_ref()
        .map(|m| {
            m.categories
                .iter()
                .enumerate()
                .map(|(i, (c, n))| {
                    // One ticket type named like the category is the likely one.
                    let guess = types.iter().find(|t| t.name.eq_ignore_ascii_case(c)).map(|t| t.id.to_string());
                    SetupCategory {
                        field: format!("zone-{i}"),
                        category: c.clone(),
                        label: t_args(
                            "seats-setup-category",
                            &[("category", c.clone().into()), ("count", (*n).into())],
                        ),
                        chosen: chosen.get(c).cloned().or(guess).unwrap_or_default(),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let about = if summary.is_some() { "seats-setup-intro" } else { "seats-setup-no-map" };
    Ok(Setup {
        intro: t_args(about, &[("venue", venue.name.clone().into())]),
        map_href: format!("/dashboard/orgs/{org}/venues/{}/seat-map/edit", venue.id),
        has_map: summary.is_some(),
        categories,
        types: types.iter().map(|t| (t.id.to_string(), format!("{} · {}", t.name, money(t.price)))).collect(),
    })
}

fn seats_with(why: Refused, seats: Vec<String>) -> Vec<(Refused, String)> {
    seats.into_iter().map(|id| (why, id)).collect()
}

#[allow(clippy::too_many_arguments)] // one page, rendered fresh or after a refused form
async fn manage_render(
    s: &AppState,
    actor: &Actor,
    org: OrgId,
    event: EventId,
    q: &HashMap<String, String>,
    csrf: &str,
    set_cookie: Option<String>,
    status: StatusCode,
    errors: &[(String, String)],
    refused: &[(Refused, String)],
    notice: Option<String>,
) -> Response {
    let here = format!("/dashboard/orgs/{org}/events/{event}/seats");
    let cookies: Vec<String> = set_cookie.into_iter().collect();
    let ctx = match page_context(s, actor, org, event).await {
        Ok(c) => c,
        Err(e) => return error_page(e),
    };
    let title = t_args("seats-title", &[("event", ctx.event.title.clone().into())]);
    let view = match s.app.event_seating(actor, org, event).await {
        Ok(v) => v,
        Err(AppError::NotFound) => {
            let setup = match setup_form(s, actor, org, &ctx, &HashMap::new()).await {
                Ok(f) => f,
                Err(e) => return error_page(e),
            };
            let page = SetupPage {
                shell: Shell::new(title, &Extras::default()),
                tabs: OrgTabs::new(org, &ctx.org_name, "events"),
                event_href: format!("/dashboard/orgs/{org}/events/{event}"),
                back: t_args("seats-back", &[("event", ctx.event.title.clone().into())]),
                here,
                csrf,
                errors: &[],
                setup,
            };
            return render(StatusCode::OK, &page, &cookies);
        }
        Err(e) => return error_page(e),
    };
    let layout = match s.app.org_seat_layout(actor, org, event).await {
        Ok(l) => l,
        Err(e) => return error_page(e),
    };
    let types = match s.app.ticket_types(actor, org, event).await {
        Ok(t) => t.into_iter().map(|t| (t.id, t.name, t.price)).collect::<Vec<_>>(),
        Err(e) => return error_page(e),
    };
    let mut statuses = vec![b'a'; layout.map.seat_count()];
    for t in &view.taken {
        if let Some(st) = statuses.get_mut(t.seat_index as usize) {
            *st = match t.state.as_str() {
                "held" => b'h',
                "sold" => b's',
                _ => b'b',
            };
        }
    }
    let seating = Seating { layout: layout.clone(), statuses };
    let map = &layout.map;

    let mut errors = errors.to_vec();
    if !refused.is_empty() {
        let ids: Vec<String> = refused.iter().map(|(_, id)| id.clone()).collect();
        let explained = explain_seats(&seating, &ids, refused[0].0);
        if !explained.is_empty() {
            errors = explained.into_iter().map(|m| ("seat".to_string(), m)).collect();
        }
    }
    let chosen: Vec<SeatIndex> =
        if errors.is_empty() { vec![] } else { refused.iter().filter_map(|(_, id)| index_of(map, id)).collect() };
    let section = section_shown(map, q.get("section"), &chosen);
    let count = |k: &str| view.counts.get(k).copied().unwrap_or(0);
    let zones = zones(&layout, &types);
    let published = ctx.event.status != tessera_domain::catalog::EventStatus::Draft;
    let mut attrs = vec![
        ("mode", "manage".to_string()),
        ("map", format!("{here}/map.json")),
        ("seating", format!("/api/v1/orgs/{org}/events/{event}/seating")),
        ("block", format!("/api/v1/orgs/{org}/events/{event}/seating/block")),
        ("orders", format!("/dashboard/orgs/{org}/orders/")),
        ("zones", zones_json(&zones)),
        ("locale", lang().tag().to_string()),
        ("text", script_texts()),
    ];
    if published {
        attrs.push(("stream", format!("/api/v1/events/{event}/availability")));
    }
    let list = seat_list(&seating, &zones, section, &chosen, ListFor::Staff, &here);
    let here_ = here.clone();

    // Who holds or bought what, in the listed section.
    let taken: Vec<_> = view
        .taken
        .iter()
        .filter(|t| t.state != "blocked")
        .filter(|t| {
            (t.seat_index as usize) < map.seat_count()
                && map.row_of(SeatIndex(t.seat_index)).section as usize == section
        })
        .collect();
    let page_no = q.get("page").and_then(|p| p.parse::<usize>().ok()).unwrap_or(0);
    let pages = taken.len().div_ceil(TAKEN_PER_PAGE).max(1);
    let page_no = page_no.min(pages - 1);
    let taken = taken
        .iter()
        .skip(page_no * TAKEN_PER_PAGE)
        .take(TAKEN_PER_PAGE)
        .map(|tk| TakenRow {
            seat: row_and_seat(map, SeatIndex(tk.seat_index)),
            state: t(if tk.state == "held" { "seats-state-held" } else { "seats-state-sold" }),
            order: tk.order_id.clone().zip(tk.order_reference.clone()),
            buyer: tk.buyer_name.clone().zip(tk.buyer_email.clone()),
        })
        .collect();
    // Changing the category → ticket type mapping is offered until a seat is taken.
    let setup = if view.taken.is_empty() {
        let chosen: HashMap<String, String> = view.zones.iter().map(|(k, v)| (k.clone(), v.to_string())).collect();
        setup_form(s, actor, org, &ctx, &chosen).await.ok()
    } else {
        None
    };
    let page = Manage {
        shell: Shell::new(title, &Extras { cookies: vec![], scripts: &["seatmap.js"], wide: true }),
        tabs: OrgTabs::new(org, &ctx.org_name, "events"),
        event_href: format!("/dashboard/orgs/{org}/events/{event}"),
        back: t_args("seats-back", &[("event", ctx.event.title.clone().into())]),
        here,
        orders_href: format!("/dashboard/orgs/{org}/orders/"),
        csrf,
        counts: [count("available"), count("held"), count("sold"), count("blocked")],
        notice,
        errors: &errors,
        attrs,
        list,
        section_heading: t_args(
            "seats-section",
            &[("section", map.sections().get(section).map(|s| s.label.clone()).unwrap_or_default().into())],
        ),
        taken,
        pager: (pages > 1).then(|| {
            let link = |n: usize| format!("{here_}?section={section}&page={n}#taken");
            (
                page_no.checked_sub(1).map(link),
                t_args("seats-page-of", &[("page", (page_no + 1).into()), ("pages", pages.into())]),
                (page_no + 1 < pages).then(|| link(page_no + 1)),
            )
        }),
        setup,
    };
    render(status, &page, &cookies)
}

/// The event's map document for the organizer's map (drafts too).
async fn manage_map(State(s): State<AppState>, Path((org, event)): Path<(String, String)>) -> Response {
    let Some(v) = super::viewer() else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let (Ok(org), Ok(event)) = (org.parse::<OrgId>(), event.parse::<EventId>()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match s.app.org_seat_map(&Actor::User(v.user.clone()), org, event).await {
        Ok(doc) => {
            let mut res = doc.into_response();
            let h = res.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
            res
        }
        Err(e) => crate::error::ApiError::from(e).into_response(),
    }
}
