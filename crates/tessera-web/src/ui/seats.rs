//! Seats in the browser: the storefront's seat choice on a seated event and
//! the organizer's seat page.
//!
//! Both pages work without scripts: seats are listed one section at a time,
//! row by row, as labelled checkboxes (`name="seat"`, the seat id), and a
//! form posts them. `seatmap.js` then draws the same seats as an SVG map
//! over the same form: choosing a seat on the map ticks its checkbox (or adds
//! a hidden field for a seat of another section), so one form submits either
//! way. What may be held, bought, blocked or seen is decided by the app
//! layer; this module only lists, labels and explains.

use super::{
    Catalog, Extras, csrf_field, csrf_ok, csrf_token, error_page, esc, field_errors, lang, money, org_tabs, page,
    page_with, redirect, signed_in, tr,
};
use crate::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::Arc;
use tessera_app::catalog::EventDetail;
use tessera_app::inventory::SeatRequest;
use tessera_app::seating::{BlockSeats, SeatLayout};
use tessera_app::{Actor, AppError};
use tessera_domain::{EventId, Money, OrgId, TicketTypeId};
use tessera_seating::{SeatFlags, SeatId, SeatIndex, SeatMap};

pub(super) const ZH: Catalog = &[
    ("Choose your seats", "选择座位"),
    ("Price zone", "价区"),
    ("Seats free", "空余座位"),
    ("List of seats", "座位列表"),
    ("Sections", "区域"),
    ("Section", "区域"),
    ("Row", "排"),
    ("Seat", "座"),
    ("free", "空余"),
    ("not available", "不可选"),
    ("wheelchair space", "轮椅位"),
    ("companion seat", "陪同座位"),
    ("restricted view", "视线受限"),
    ("aisle", "靠过道"),
    ("Best available", "最佳座位"),
    ("We choose the best free seats together for you.", "我们为您挑选相邻的最佳空座。"),
    ("How many seats", "座位数量"),
    ("Any", "任意"),
    ("Wheelchair spaces", "轮椅位数量"),
    ("The seats I chose", "我选择的座位"),
    ("The best available seats", "最佳空余座位"),
    ("Seats you chose in other sections", "您在其他区域选择的座位"),
    ("choose at least one seat, or ask for the best available seats", "请至少选择一个座位，或选择最佳座位"),
    ("how many seats?", "需要几个座位？"),
    ("is not a seat of this event", "不是本活动的座位"),
    ("was chosen twice", "被重复选择"),
    ("has just been taken; please choose another seat", "刚刚被他人选走，请另选座位"),
    ("is not for sale", "不出售"),
    ("available", "可选"),
    ("held", "保留中"),
    ("sold", "已售"),
    ("blocked", "已锁定"),
    ("chosen", "已选"),
    ("Seat map", "座位图"),
    ("Zoom in", "放大"),
    ("Zoom out", "缩小"),
    ("Show the whole map", "显示全图"),
    ("Stage", "舞台"),
    ("Your seats", "您的座位"),
    ("No seats chosen yet.", "尚未选择座位。"),
    ("Subtotal", "小计"),
    ("Remove", "移除"),
    ("at most", "最多"),
    ("seats per order", "个座位（每单）"),
    (
        "Tap or click a seat to choose it. Drag to move, pinch or use + and − to zoom.",
        "点按座位即可选择。拖动移动地图，双指或 + / − 缩放。",
    ),
    (
        "Seat map: arrow keys move between seats, Enter or Space chooses, + and − zoom.",
        "座位图：方向键在座位间移动，回车或空格选择，+ 和 − 缩放。",
    ),
    ("Zoom in to choose a seat.", "请放大后选择座位。"),
    ("was just taken by someone else.", "刚被他人选走。"),
    ("We choose the best seats together when you reserve.", "预订时我们将为您挑选相邻的最佳座位。"),
    ("The seat map could not be loaded; please use the list of seats.", "座位图无法加载，请使用座位列表。"),
    ("Seats", "座位"),
    ("Available", "可售"),
    ("Held", "保留中"),
    ("Sold", "已售"),
    ("Blocked", "已锁定"),
    ("Block chosen seats", "锁定所选座位"),
    ("Release chosen seats", "释放所选座位"),
    (
        "Blocked seats are kept back from sale (production, press) until released.",
        "锁定的座位不对外出售（如制作、媒体用），直至释放。",
    ),
    ("Held and sold seats", "保留和已售座位"),
    ("Buyer", "购票人"),
    ("No seat of this section is held or sold.", "本区域没有保留或已售的座位。"),
    ("Seats blocked:", "已锁定座位："),
    ("Seats released:", "已释放座位："),
    ("is held or sold; only free seats can be blocked", "已被保留或售出，只能锁定空余座位"),
    ("is not blocked", "未被锁定"),
    ("This event is not sold by seat.", "此活动不按座位销售。"),
    ("Back to the event", "返回活动"),
    ("Earlier", "上一页"),
    ("Later", "下一页"),
    ("Choose seats on the map or in the list first.", "请先在座位图或列表中选择座位。"),
    ("Working…", "处理中…"),
    ("Select seats to block or release.", "选择要锁定或释放的座位。"),
    ("Selected", "已选"),
    (
        "Arrow keys move between seats; Space chooses; Tab leaves the list.",
        "方向键在座位间移动，空格键选择，Tab 键离开列表。",
    ),
    ("Skip the list of seats", "跳过座位列表"),
    ("Clear", "清除"),
];

/// Price-zone colours, in the order zones first appear in the map; each has
/// at least 4.5:1 contrast on white. `seatmap.js` gets them from the page.
const ZONE_COLOURS: [&str; 8] =
    ["#1d4ed8", "#047857", "#b45309", "#7e22ce", "#be123c", "#0e7490", "#4d7c0f", "#9d174d"];

/// Seats a buyer may ask for at once (the allocator's limit).
const MAX_SEATS: u32 = tessera_seating::MAX_REQUEST_SEATS;

/// Rows per page of the organizer's table of taken seats.
const TAKEN_PER_PAGE: usize = 200;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboard/orgs/{org}/events/{event}/seats", get(manage_page).post(manage_post))
        .route("/dashboard/orgs/{org}/events/{event}/seats/map.json", get(manage_map))
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
    format!("{section} · {} {row} · {} {}", tr("Row"), tr("Seat"), map.seat(i).label)
}

/// A seat within its section: "Row A · Seat 5".
fn row_and_seat(map: &SeatMap, i: SeatIndex) -> String {
    format!("{} {} · {} {}", tr("Row"), map.labels_of(i).1, tr("Seat"), map.seat(i).label)
}

fn flag_words(flags: SeatFlags) -> Vec<&'static str> {
    let mut out = vec![];
    if flags.contains(SeatFlags::WHEELCHAIR) {
        out.push(tr("wheelchair space"));
    }
    if flags.contains(SeatFlags::COMPANION) {
        out.push(tr("companion seat"));
    }
    if flags.contains(SeatFlags::RESTRICTED_VIEW) {
        out.push(tr("restricted view"));
    }
    if flags.contains(SeatFlags::AISLE) {
        out.push(tr("aisle"));
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

fn swatch(colour: &str, square: bool) -> String {
    let shape = if square {
        format!("<rect x=\"1\" y=\"1\" width=\"10\" height=\"10\" fill=\"{colour}\"/>")
    } else {
        format!("<circle cx=\"6\" cy=\"6\" r=\"5\" fill=\"{colour}\"/>")
    };
    format!("<svg class=\"swatch\" viewBox=\"0 0 12 12\" width=\"12\" height=\"12\" aria-hidden=\"true\">{shape}</svg>")
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

/// The seats of one section, row by row, as checkboxes; the section chooser
/// above when the map has more than one. `link` is the page's own path.
fn seat_list(
    seating: &Seating,
    zones: &[Zone],
    section: usize,
    chosen: &HashSet<SeatIndex>,
    who: ListFor,
    link: &str,
) -> String {
    let zone_name = |key: &str| match zones.iter().find(|z| z.key == key) {
        Some(Zone { name, price: Some(p), .. }) => format!("{name} · {}", money(*p)),
        Some(z) => z.name.clone(),
        None => key.to_string(),
    };
    let map = &seating.layout.map;
    let sections = map.sections();
    let mut out = String::new();
    let _ = write!(
        out,
        "<details class=\"seat-list\" id=\"seat-list\" open><summary>{}</summary><p><a href=\"#{}\">{}</a></p>",
        tr("List of seats"),
        if who == ListFor::Buyer { "best" } else { "taken" },
        tr("Skip the list of seats")
    );
    let free_in = |s: &tessera_seating::Section| {
        let rows = &map.rows()[s.rows.start as usize..s.rows.end as usize];
        rows.iter().flat_map(|r| r.seats.clone()).filter(|&i| seating.status(i as usize) == b'a').count()
    };
    if sections.len() > 1 {
        let _ = write!(out, "<nav class=\"sections\" aria-label=\"{}\"><ul>", tr("Sections"));
        for (n, s) in sections.iter().enumerate() {
            let current = if n == section { " aria-current=\"page\"" } else { "" };
            let _ = write!(
                out,
                "<li><a href=\"{link}?section={n}#seat-list\"{current}>{} <span class=\"muted\">({} {})</span></a></li>",
                esc(&s.label),
                free_in(s),
                tr("free")
            );
        }
        out.push_str("</ul></nav>");
    }
    let Some(s) = sections.get(section) else {
        out.push_str("</details>");
        return out;
    };
    let _ = write!(
        out,
        "<h3 class=\"section-name\">{} {} <span class=\"muted\">· {} {}</span></h3>",
        tr("Section"),
        esc(&s.label),
        free_in(s),
        tr("free")
    );
    for row in &map.rows()[s.rows.start as usize..s.rows.end as usize] {
        let first = &map.seats()[row.seats.start as usize];
        let uniform =
            map.seats()[row.seats.start as usize..row.seats.end as usize].iter().all(|x| x.category == first.category);
        let zone = if uniform {
            format!(" <span class=\"muted\">· {}</span>", esc(&zone_name(&first.category)))
        } else {
            String::new()
        };
        let _ = write!(
            out,
            "<fieldset class=\"seat-row\"><legend>{} {}{zone}</legend><div class=\"seat-boxes\">",
            tr("Row"),
            esc(&row.label)
        );
        for i in row.seats.clone() {
            let seat = &map.seats()[i as usize];
            let status = seating.status(i as usize);
            let enabled = match who {
                ListFor::Buyer => status == b'a',
                ListFor::Staff => status == b'a' || status == b'b',
            };
            let checked = enabled && chosen.contains(&SeatIndex(i));
            let mut hidden: Vec<String> = flag_words(seat.flags).into_iter().map(str::to_string).collect();
            if !uniform {
                hidden.push(zone_name(&seat.category));
            }
            let state = match (who, status) {
                (_, b'a') | (ListFor::Buyer, _) => None,
                (ListFor::Staff, b'h') => Some(tr("held")),
                (ListFor::Staff, b's') => Some(tr("sold")),
                (ListFor::Staff, _) => Some(tr("blocked")),
            };
            let class = match status {
                b'a' => "seat-box",
                b'b' if who == ListFor::Staff => "seat-box blocked",
                _ => "seat-box taken",
            };
            // A buyer's taken seat is a disabled checkbox, which screen
            // readers announce as unavailable; staff see the state.
            let visible_state = match (who, state) {
                (ListFor::Staff, Some(st)) => format!(" <small>{st}</small>"),
                _ => String::new(),
            };
            let extra = if hidden.is_empty() {
                String::new()
            } else {
                format!("<span class=\"visually-hidden\">, {}</span>", esc(&hidden.join(", ")))
            };
            let _ = write!(
                out,
                "<label class=\"{class}\"><input type=\"checkbox\" name=\"seat\" value=\"{id}\"{checked}{disabled}>{label}{marks}{extra}{visible_state}</label>",
                id = seat.id.0,
                checked = if checked { " checked" } else { "" },
                disabled = if enabled { "" } else { " disabled" },
                label = esc(&seat.label),
                marks = flag_marks(seat.flags),
            );
        }
        out.push_str("</div></fieldset>");
    }
    out.push_str("</details>");
    out
}

/// Chosen seats outside the listed section, as ticked checkboxes, so that a
/// refused form keeps every choice.
fn other_chosen(seating: &Seating, section: usize, chosen: &[SeatIndex], who: ListFor) -> String {
    let map = &seating.layout.map;
    let others: Vec<SeatIndex> = chosen
        .iter()
        .copied()
        .filter(|&i| map.row_of(i).section as usize != section)
        .filter(|&i| match who {
            ListFor::Buyer => seating.status(i.get()) == b'a',
            ListFor::Staff => matches!(seating.status(i.get()), b'a' | b'b'),
        })
        .collect();
    if others.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "<fieldset class=\"seat-row other-chosen\"><legend>{}</legend><div class=\"seat-boxes\">",
        tr("Seats you chose in other sections")
    );
    for i in others {
        let _ = write!(
            out,
            "<label class=\"seat-box wide\"><input type=\"checkbox\" name=\"seat\" value=\"{}\" checked>{}</label>",
            map.seat(i).id.0,
            esc(&seat_name(map, i))
        );
    }
    out.push_str("</div></fieldset>");
    out
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
            errors.push(("seat".into(), tr("choose at least one seat, or ask for the best available seats").into()));
            return None;
        }
        return Some(SeatRequest::Ids(seats.to_vec()));
    }
    let number = |k: &str| values.get(k).map(|v| v.trim()).filter(|v| !v.is_empty()).map(str::parse::<u32>);
    let count = match number("count") {
        Some(Ok(n)) if n > 0 => Some(n),
        Some(Ok(_)) | None => {
            errors.push(("count".into(), tr("how many seats?").into()));
            None
        }
        Some(Err(_)) => {
            errors.push(("count".into(), tr("enter a whole number").into()));
            None
        }
    };
    let wheelchair_spaces = match number("wheelchair") {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            errors.push(("wheelchair".into(), tr("enter a whole number").into()));
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
                out.push(format!("“{}” {}", esc_plain(id), tr("is not a seat of this event")));
                unknown = true;
            }
            continue;
        };
        if !seen.insert(i) {
            out.push(format!("{} {}", seat_name(map, i), tr("was chosen twice")));
            continue;
        }
        let status = seating.status(i.get());
        let problem = match why {
            Refused::Buy if status == b'b' => Some(tr("is not for sale")),
            Refused::Buy if status != b'a' => Some(tr("has just been taken; please choose another seat")),
            Refused::Block if status != b'a' && status != b'b' => {
                Some(tr("is held or sold; only free seats can be blocked"))
            }
            Refused::Release if status != b'b' => Some(tr("is not blocked")),
            _ => None,
        };
        if let Some(p) = problem {
            out.push(format!("{} {p}", seat_name(map, i)));
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

/// Texts `seatmap.js` shows, in the page's language.
fn script_texts() -> String {
    let pairs: &[(&str, &str)] = &[
        ("map", tr("Seat map")),
        ("zoomIn", tr("Zoom in")),
        ("zoomOut", tr("Zoom out")),
        ("fit", tr("Show the whole map")),
        ("best", tr("Best available")),
        ("row", tr("Row")),
        ("seat", tr("Seat")),
        ("stage", tr("Stage")),
        ("available", tr("available")),
        ("taken", tr("not available")),
        ("held", tr("held")),
        ("sold", tr("sold")),
        ("blocked", tr("blocked")),
        ("chosen", tr("chosen")),
        ("yourSeats", tr("Your seats")),
        ("none", tr("No seats chosen yet.")),
        ("subtotal", tr("Subtotal")),
        ("remove", tr("Remove")),
        ("atMost", tr("at most")),
        ("perOrder", tr("seats per order")),
        ("help", tr("Tap or click a seat to choose it. Drag to move, pinch or use + and − to zoom.")),
        ("keys", tr("Seat map: arrow keys move between seats, Enter or Space chooses, + and − zoom.")),
        ("zoomToChoose", tr("Zoom in to choose a seat.")),
        ("justTaken", tr("was just taken by someone else.")),
        ("bestNote", tr("We choose the best seats together when you reserve.")),
        ("failed", tr("The seat map could not be loaded; please use the list of seats.")),
        ("wheelchair", tr("wheelchair space")),
        ("companion", tr("companion seat")),
        ("restricted", tr("restricted view")),
        ("aisle", tr("aisle")),
        ("order", tr("Order")),
        ("nothingChosen", tr("Choose seats on the map or in the list first.")),
        ("working", tr("Working…")),
        ("selectHelp", tr("Select seats to block or release.")),
        ("selected", tr("Selected")),
        ("clear", tr("Clear")),
        ("blockedDone", tr("Seats blocked:")),
        ("releasedDone", tr("Seats released:")),
        ("seatCount", tr("Seats")),
        ("listKeys", tr("Arrow keys move between seats; Space chooses; Tab leaves the list.")),
    ];
    let obj: serde_json::Map<String, serde_json::Value> =
        pairs.iter().map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_string()))).collect();
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

/// Where `seatmap.js` draws, and what it needs to know.
fn map_container(attrs: &[(&str, String)]) -> String {
    let mut out = String::from("<div class=\"seatmap-app\" id=\"seatmap\" hidden");
    for (k, v) in attrs {
        let _ = write!(out, " data-{k}=\"{}\"", esc(v));
    }
    out.push_str("></div>");
    out
}

fn alert(errors: &[(String, String)]) -> String {
    if errors.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "<div role=\"alert\" class=\"alert\"><p class=\"error\">{}</p><ul>",
        tr("Please check the marked fields.")
    );
    for (_, m) in errors {
        let _ = write!(out, "<li>{}</li>", esc(m));
    }
    out.push_str("</ul></div>");
    out
}

/// The storefront's seat choice on a seated event: zones with prices, the
/// map's place, the list of one section's seats, the best-available fields,
/// and which of the two to reserve. Goes inside the buy form.
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
    let value = |k: &str| esc(values.get(k).map(String::as_str).unwrap_or(""));
    let mut out = alert(errors);

    // Zones: name, price, free seats; the colour the map uses.
    let mut free: HashMap<&str, usize> = HashMap::new();
    for (i, seat) in map.seats().iter().enumerate() {
        if seating.status(i) == b'a' {
            *free.entry(seat.category.as_str()).or_default() += 1;
        }
    }
    let _ = write!(
        out,
        "<h2 id=\"seats\">{}</h2><table class=\"zones\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
         <th scope=\"col\" class=\"num\">{}</th></tr></thead><tbody>",
        tr("Choose your seats"),
        tr("Price zone"),
        tr("Price"),
        tr("Seats free")
    );
    for z in &zones {
        let _ = write!(
            out,
            "<tr><td>{} {}</td><td>{}</td><td class=\"num\">{}</td></tr>",
            swatch(z.colour, false),
            esc(&z.name),
            z.price.map(|p| esc(&money(p))).unwrap_or_else(|| "—".into()),
            free.get(z.key.as_str()).copied().unwrap_or(0)
        );
    }
    out.push_str("</tbody></table>");

    out.push_str(&map_container(&[
        ("mode", "buy".into()),
        ("map", format!("/api/v1/events/{}/seat-map", e.summary.id)),
        ("statuses", format!("/api/v1/events/{}/seats", e.summary.id)),
        ("stream", format!("/api/v1/events/{}/availability", e.summary.id)),
        ("zones", zones_json(&zones)),
        ("currency", zones.iter().find_map(|z| z.price).map(|p| p.currency.to_string()).unwrap_or_default()),
        ("locale", lang().tag().to_string()),
        ("max", MAX_SEATS.to_string()),
        ("text", script_texts()),
    ]));
    out.push_str("<div id=\"seat-extra\"></div>");
    out.push_str(&field_errors(errors, "seat"));
    out.push_str(&other_chosen(seating, section, &chosen, ListFor::Buyer));
    let chosen_set: HashSet<SeatIndex> = chosen.iter().copied().collect();
    out.push_str(&seat_list(
        seating,
        &zones,
        section,
        &chosen_set,
        ListFor::Buyer,
        &format!("/events/{}", e.summary.id),
    ));
    let _ = write!(out, "<input type=\"hidden\" name=\"section\" value=\"{section}\">");

    // Best available, for everything.
    let described = |k: &str| {
        if errors.iter().any(|(f, _)| f == k) {
            format!(" aria-invalid=\"true\" aria-describedby=\"{k}-error\"")
        } else {
            String::new()
        }
    };
    let _ = write!(
        out,
        "<fieldset class=\"best\" id=\"best\"><legend>{legend}</legend><p class=\"muted\">{note}</p>\
         <p><label for=\"count\">{how_many}</label> <input id=\"count\" name=\"count\" type=\"number\" min=\"1\" max=\"{MAX_SEATS}\" \
         inputmode=\"numeric\" value=\"{count}\"{count_err}>{count_msg}</p>\
         <p><label for=\"category\">{zone}</label> <select id=\"category\" name=\"category\"{cat_err}><option value=\"\">{any}</option>",
        legend = tr("Best available"),
        note = tr("We choose the best free seats together for you."),
        how_many = tr("How many seats"),
        count = value("count"),
        count_err = described("count"),
        count_msg = field_errors(errors, "count"),
        zone = tr("Price zone"),
        cat_err = described("category"),
        any = tr("Any"),
    );
    let picked = values.get("category").map(String::as_str).unwrap_or("");
    for z in &zones {
        let _ = write!(
            out,
            "<option value=\"{}\"{}>{}{}</option>",
            esc(&z.key),
            if picked == z.key { " selected" } else { "" },
            esc(&z.name),
            z.price.map(|p| format!(" · {}", esc(&money(p)))).unwrap_or_default()
        );
    }
    out.push_str("</select>");
    out.push_str(&field_errors(errors, "category"));
    out.push_str("</p>");
    if map.seats().iter().any(|s| s.flags.contains(SeatFlags::WHEELCHAIR)) {
        let _ = write!(
            out,
            "<p><label for=\"wheelchair\">{}</label> <input id=\"wheelchair\" name=\"wheelchair\" type=\"number\" min=\"0\" \
             max=\"{MAX_SEATS}\" inputmode=\"numeric\" value=\"{}\"{}>{}</p>",
            tr("Wheelchair spaces"),
            value("wheelchair"),
            described("wheelchair"),
            field_errors(errors, "wheelchair")
        );
    }
    out.push_str("</fieldset>");

    // Which of the two to reserve.
    let best = match values.get("mode").map(String::as_str) {
        Some(mode) => mode == "best",
        None => chosen_ids.is_empty() && values.contains_key("count"),
    };
    let _ = write!(
        out,
        "<fieldset class=\"mode\"><legend>{}</legend>\
         <label><input type=\"radio\" name=\"mode\" value=\"seats\"{}> {}</label> \
         <label><input type=\"radio\" name=\"mode\" value=\"best\"{}> {}</label></fieldset>",
        tr("Reserve"),
        if best { "" } else { " checked" },
        tr("The seats I chose"),
        if best { " checked" } else { "" },
        tr("The best available seats"),
    );
    out
}

// ------------------------------------------------------------ organizer page

/// The organizer's page of one event's seats: statuses, who holds what,
/// blocking and releasing.
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
    let notice = match (q.get("done").map(String::as_str), q.get("n").and_then(|n| n.parse::<usize>().ok())) {
        (Some("blocked"), Some(n)) => Some(format!("{} {n}", tr("Seats blocked:"))),
        (Some("released"), Some(n)) => Some(format!("{} {n}", tr("Seats released:"))),
        _ => None,
    };
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
        errors.push(("seat".to_string(), tr("Choose seats on the map or in the list first.").to_string()));
    } else {
        let input = BlockSeats { seat_ids: seats.clone(), blocked: block };
        match s.app.block_seats(&actor, org, event, input).await {
            Ok(_) => {
                let done = if block { "blocked" } else { "released" };
                let to = format!("{here}?section={section}&done={done}&n={}#seat-list", seats.len());
                return redirect(&to, &[]);
            }
            Err(AppError::Invalid(v)) => errors.extend(v.fields.into_iter().map(|f| ("seat".to_string(), f.message))),
            Err(AppError::Conflict { message, .. }) => {
                status = StatusCode::CONFLICT;
                errors.push(("seat".into(), message));
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
    let org_name = match s.app.org(actor, org).await {
        Ok(o) => o.org.name,
        Err(e) => return error_page(e),
    };
    let ev = match s.app.event(actor, org, event).await {
        Ok(ev) => ev,
        Err(e) => return error_page(e),
    };
    let back = format!(
        "<p><a href=\"/dashboard/orgs/{org}/events/{event}\">← {}: {}</a></p>",
        tr("Back to the event"),
        esc(&ev.title)
    );
    let view = match s.app.event_seating(actor, org, event).await {
        Ok(v) => v,
        Err(AppError::NotFound) => {
            let body =
                format!("{}{back}<p>{}</p>", org_tabs(org, &org_name, "events"), tr("This event is not sold by seat."));
            return page(StatusCode::NOT_FOUND, &format!("{} · {}", tr("Seats"), ev.title), &body, &[]);
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

    let mut body = org_tabs(org, &org_name, "events");
    body.push_str(&back);
    let count = |k: &str| view.counts.get(k).copied().unwrap_or(0);
    let _ = write!(
        body,
        "<div class=\"stats\"><div>{} <strong data-count=\"available\">{}</strong></div>\
         <div>{} <strong data-count=\"held\">{}</strong></div><div>{} <strong data-count=\"sold\">{}</strong></div>\
         <div>{} <strong data-count=\"blocked\">{}</strong></div></div>",
        tr("Available"),
        count("available"),
        tr("Held"),
        count("held"),
        tr("Sold"),
        count("sold"),
        tr("Blocked"),
        count("blocked"),
    );
    if let Some(n) = notice {
        let _ = write!(body, "<p role=\"status\" class=\"notice\">{}</p>", esc(&n));
    }
    body.push_str(&alert(&errors));
    let _ = write!(
        body,
        "<p class=\"muted\">{}</p>",
        tr("Blocked seats are kept back from sale (production, press) until released.")
    );
    let zones = zones(&layout, &types);
    let published = ev.status != tessera_domain::catalog::EventStatus::Draft;
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
    let _ = write!(
        body,
        "<form method=\"post\" action=\"{here}\" class=\"manage-seats\">{}<input type=\"hidden\" name=\"section\" value=\"{section}\">",
        csrf_field(csrf)
    );
    body.push_str(&map_container(&attrs));
    let _ = write!(
        body,
        "<p class=\"actions\"><button type=\"submit\" name=\"action\" value=\"block\">{}</button> \
         <button type=\"submit\" name=\"action\" value=\"release\" class=\"secondary\">{}</button></p>",
        tr("Block chosen seats"),
        tr("Release chosen seats")
    );
    body.push_str("<div id=\"seat-extra\"></div>");
    body.push_str(&field_errors(&errors, "seat"));
    body.push_str(&other_chosen(&seating, section, &chosen, ListFor::Staff));
    let chosen_set: HashSet<SeatIndex> = chosen.iter().copied().collect();
    body.push_str(&seat_list(&seating, &zones, section, &chosen_set, ListFor::Staff, &here));
    body.push_str("</form>");

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
    let section_label = map.sections().get(section).map(|s| s.label.as_str()).unwrap_or("");
    let _ = write!(
        body,
        "<h2 id=\"taken\">{} <span class=\"muted\">· {} {}</span></h2>",
        tr("Held and sold seats"),
        tr("Section"),
        esc(section_label)
    );
    if taken.is_empty() {
        let _ = write!(body, "<p>{}</p>", tr("No seat of this section is held or sold."));
    } else {
        let _ = write!(
            body,
            "<div class=\"scroll\"><table class=\"taken\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
             <th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            tr("Seat"),
            tr("State"),
            tr("Order"),
            tr("Buyer")
        );
        for t in taken.iter().skip(page_no * TAKEN_PER_PAGE).take(TAKEN_PER_PAGE) {
            let order = match (&t.order_id, &t.order_reference) {
                (Some(id), Some(r)) => format!("<a href=\"/dashboard/orgs/{org}/orders/{}\">{}</a>", esc(id), esc(r)),
                _ => "—".into(),
            };
            let buyer = match (&t.buyer_name, &t.buyer_email) {
                (Some(n), Some(e)) => format!("{}<br><span class=\"muted\">{}</span>", esc(n), esc(e)),
                _ => "—".into(),
            };
            let _ = write!(
                body,
                "<tr><td>{}</td><td>{}</td><td>{order}</td><td>{buyer}</td></tr>",
                esc(&row_and_seat(map, SeatIndex(t.seat_index))),
                if t.state == "held" { tr("held") } else { tr("sold") },
            );
        }
        body.push_str("</tbody></table></div>");
        if pages > 1 {
            body.push_str("<p class=\"pager\">");
            if page_no > 0 {
                let _ = write!(
                    body,
                    "<a href=\"{here}?section={section}&page={}#taken\">{}</a> ",
                    page_no - 1,
                    tr("Earlier")
                );
            }
            let _ = write!(body, "<span class=\"muted\">{} / {pages}</span>", page_no + 1);
            if page_no + 1 < pages {
                let _ = write!(
                    body,
                    " <a href=\"{here}?section={section}&page={}#taken\">{}</a>",
                    page_no + 1,
                    tr("Later")
                );
            }
            body.push_str("</p>");
        }
    }
    let title = format!("{} · {}", tr("Seats"), ev.title);
    let extras = Extras { cookies: set_cookie.into_iter().collect(), scripts: &["seatmap.js"], wide: true };
    page_with(status, &title, &body, extras)
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
