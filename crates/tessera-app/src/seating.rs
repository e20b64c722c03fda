//! Seat maps on venues: import (JSON or CSV), generation of common shapes,
//! export, and a summary. The map itself is `tessera-seating`'s; this module
//! checks who may change it, keeps seat ids stable across re-imports
//! (matched by section, row and seat label), and stores the JSON document.

use crate::{Actor, App, AppError, Result};
use std::collections::BTreeMap;
use std::sync::Arc;
use tessera_domain::{EventId, MessageKey, OrgId, Permission, TicketTypeId, Timestamp, ValidationError, VenueId};
use tessera_seating::{
    CsvOptions, CurvedHall, IdGen, ImportError, JsonOptions, ProblemKind, RectHall, SeatMap, Stadium, curved_hall,
    from_csv, from_json, rect_hall, stadium, to_csv, to_json,
};

/// Seats a venue's map may hold (a large stadium has about 100,000).
pub const MAX_SEATS: usize = 200_000;
/// Largest seat map document accepted, in bytes.
pub const MAX_DOCUMENT_BYTES: usize = 32 * 1024 * 1024;

/// How an imported map is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapFormat {
    /// `docs/seat-map-format.md`, JSON: sections, rows, seats, areas.
    Json,
    /// `docs/seat-map-format.md`, CSV: seats only.
    Csv,
}

/// A common venue shape to generate a map from.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(tag = "shape", rename_all = "snake_case", deny_unknown_fields)]
pub enum GenerateMap {
    /// A flat hall: `rows` rows of `seats_per_row` seats facing a stage.
    Rectangular {
        rows: u32,
        seats_per_row: u32,
        /// An aisle after every this many seats.
        #[serde(default)]
        aisle_every: Option<u32>,
        /// Price zones from front to back (default `["A"]`).
        #[serde(default)]
        categories: Vec<String>,
    },
    /// Rows on arcs around a stage, each longer than the one in front.
    Curved {
        rows: u32,
        /// Angle the rows span, in degrees (default 120).
        #[serde(default)]
        span_degrees: Option<f64>,
        #[serde(default)]
        aisle_every: Option<u32>,
        #[serde(default)]
        categories: Vec<String>,
    },
    /// Sections of rows around an elliptical pitch (default 36 sections of
    /// 77 rows: about 81,000 seats).
    Stadium {
        #[serde(default)]
        sections: Option<u32>,
        #[serde(default)]
        rows: Option<u32>,
        #[serde(default)]
        categories: Vec<String>,
        /// Capacity of a standing area on the pitch (0 or absent: none).
        #[serde(default)]
        pitch_standing: Option<u32>,
    },
}

/// What a venue's seat map holds.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SeatMapSummary {
    pub venue_id: VenueId,
    /// Grows by one with every import or generation.
    pub version: i64,
    pub seats: i64,
    pub sections: Vec<SectionSummary>,
    /// Seats per category (price zone).
    pub categories: BTreeMap<String, i64>,
    pub areas: Vec<AreaSummary>,
    #[schema(value_type = String)]
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SectionSummary {
    pub label: String,
    pub rows: i64,
    pub seats: i64,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AreaSummary {
    pub name: String,
    pub capacity: i64,
    pub category: String,
}

/// Every problem of an import, each under its location (a JSON path, or a
/// CSV line and column).
fn import_error(e: ImportError) -> AppError {
    let mut v = ValidationError::new();
    for p in &e.problems {
        v.add_key(format!("map: {}", p.location), problem_key(&p.kind), p.kind.to_string());
    }
    if e.omitted > 0 {
        let key = MessageKey::new("errors-map-more-problems").num("count", e.omitted);
        v.add_key("map", key, format!("and {} more problems", e.omitted));
    }
    if e.problems.is_empty() {
        v.add_key("map", MessageKey::new("errors-map-invalid"), "invalid seat map");
    }
    AppError::Invalid(v)
}

/// The catalog message for an import problem (its English text is the
/// problem's `Display`). Quoted values are passed quoted, as in English.
fn problem_key(kind: &ProblemKind) -> MessageKey {
    use ProblemKind as P;
    match kind {
        P::Syntax { format, message } => {
            MessageKey::new("errors-map-syntax").text("format", *format).text("detail", message.as_str())
        }
        P::WrongFormat => MessageKey::new("errors-map-wrong-format"),
        P::UnsupportedVersion { found, supported } => {
            MessageKey::new("errors-map-version").num("found", *found).num("supported", *supported)
        }
        P::MissingField(f) => MessageKey::new("errors-map-missing-field").text("field", *f),
        P::EmptyText => MessageKey::new("errors-empty"),
        P::TooLong { max } => MessageKey::new("errors-map-too-long").num("max", *max),
        P::BadNumber { value } => MessageKey::new("errors-map-bad-number").text("value", format!("{value:?}")),
        P::NotFinite => MessageKey::new("errors-map-not-finite"),
        P::UnknownFlag(f) => MessageKey::new("errors-map-unknown-flag").text("value", format!("{f:?}")),
        P::UnknownColumn(c) => MessageKey::new("errors-map-unknown-column").text("value", format!("{c:?}")),
        P::MissingColumn(c) => MessageKey::new("errors-map-missing-column").text("column", *c),
        P::DuplicateColumn(c) => MessageKey::new("errors-map-duplicate-column").text("column", c.as_str()),
        P::FieldCount { expected, found } => {
            MessageKey::new("errors-map-field-count").num("expected", *expected).num("found", *found)
        }
        P::BadId(s) => MessageKey::new("errors-map-bad-id").text("value", format!("{s:?}")),
        P::DuplicateSeat { section, row, seat, first } => MessageKey::new("errors-map-duplicate-seat")
            .text("section", section.as_str())
            .text("row", row.as_str())
            .text("seat", seat.as_str())
            .text("first", first.as_str()),
        P::DuplicateRow { section, row, first } => MessageKey::new("errors-map-duplicate-row")
            .text("section", section.as_str())
            .text("row", row.as_str())
            .text("first", first.as_str()),
        P::DuplicateSection { section, first } => MessageKey::new("errors-map-duplicate-section")
            .text("section", section.as_str())
            .text("first", first.as_str()),
        P::DuplicateArea { name, first } => {
            MessageKey::new("errors-map-duplicate-area").text("name", name.as_str()).text("first", first.as_str())
        }
        P::DuplicateId { id, first } => {
            MessageKey::new("errors-map-duplicate-id").text("id", id.as_str()).text("first", first.as_str())
        }
        P::NoSeats => MessageKey::new("errors-map-no-seats"),
        P::EmptyMap => MessageKey::new("errors-map-empty"),
        P::ZeroCapacity => MessageKey::new("errors-map-zero-capacity"),
        P::TooMany { what, max } => MessageKey::new("errors-map-too-many").text("what", *what).num("max", *max),
        P::TicketLabelTooLong { label, len, max } => MessageKey::new("errors-map-ticket-label")
            .text("label", format!("{label:?}"))
            .num("len", *len)
            .num("max", *max),
    }
}

fn summary(venue: VenueId, version: i64, updated_at: Timestamp, map: &SeatMap) -> SeatMapSummary {
    let sections = map
        .sections()
        .iter()
        .map(|s| {
            let rows = &map.rows()[s.rows.start as usize..s.rows.end as usize];
            SectionSummary {
                label: s.label.clone(),
                rows: rows.len() as i64,
                seats: rows.iter().map(|r| i64::from(r.seats.end - r.seats.start)).sum(),
            }
        })
        .collect();
    let mut categories = BTreeMap::new();
    for seat in map.seats() {
        *categories.entry(seat.category.clone()).or_insert(0) += 1;
    }
    let areas = map
        .areas()
        .iter()
        .map(|a| AreaSummary { name: a.name.clone(), capacity: i64::from(a.capacity), category: a.category.clone() })
        .collect();
    SeatMapSummary { venue_id: venue, version, seats: map.seat_count() as i64, sections, categories, areas, updated_at }
}

fn categories_or(given: Vec<String>, default: Vec<String>, e: &mut ValidationError) -> Vec<String> {
    let key = MessageKey::new("errors-category-count").num("max", 26);
    e.check_key(given.len() <= 26, "categories", key, "at most 26 categories");
    if given.is_empty() { default } else { given }
}

impl App {
    /// The venue's current map, parsed, if it has one (for id reuse).
    async fn current_map(&self, org: OrgId, venue: VenueId) -> Result<Option<(i64, SeatMap)>> {
        let Some(rec) = self.store.seat_map(org, venue).await? else { return Ok(None) };
        let map = from_json(&rec.document, &mut IdGen::v7())
            .map_err(|e| AppError::Internal(format!("stored seat map of venue {venue}: {e}")))?;
        Ok(Some((rec.version, map)))
    }

    async fn save_map(&self, org: OrgId, venue: VenueId, map: &SeatMap) -> Result<SeatMapSummary> {
        if map.seat_count() > MAX_SEATS {
            return Err(AppError::invalid_key(
                "map",
                MessageKey::new("errors-map-too-many-seats").num("count", map.seat_count()).num("max", MAX_SEATS),
                format!("{} seats; a venue's map holds at most {MAX_SEATS}", map.seat_count()),
            ));
        }
        let document = to_json(map, &JsonOptions { ids: true, pretty: false });
        let now = self.now();
        let version = self
            .store
            .put_seat_map(org, venue, &document, map.seat_count() as i64, map.areas().len() as i64, now)
            .await?;
        Ok(summary(venue, version, now, map))
    }

    /// Checks that the caller may replace this venue's map, before a large
    /// body is read.
    pub async fn may_import_seat_map(&self, actor: &Actor, org: OrgId, venue: VenueId) -> Result<()> {
        self.venue_for_map(actor, org, venue, Permission::ManageCatalog).await
    }

    async fn venue_for_map(&self, actor: &Actor, org: OrgId, venue: VenueId, p: Permission) -> Result<()> {
        self.authorize(actor, org, p).await?;
        self.store.venue(org, venue).await?.ok_or(AppError::NotFound)?;
        Ok(())
    }

    /// Replaces a venue's seat map with an imported one. Seats keep their
    /// ids when the document carries them, or else when a seat of the same
    /// section, row and label was in the previous map.
    pub async fn import_seat_map(
        &self,
        actor: &Actor,
        org: OrgId,
        venue: VenueId,
        format: MapFormat,
        body: &str,
    ) -> Result<SeatMapSummary> {
        self.venue_for_map(actor, org, venue, Permission::ManageCatalog).await?;
        let mut ids = match self.current_map(org, venue).await? {
            Some((_, previous)) => IdGen::v7().reusing(&previous),
            None => IdGen::v7(),
        };
        let map = match format {
            MapFormat::Json => from_json(body, &mut ids),
            MapFormat::Csv => from_csv(body, &mut ids),
        }
        .map_err(import_error)?;
        self.save_map(org, venue, &map).await
    }

    /// Replaces a venue's seat map with a generated one.
    pub async fn generate_seat_map(
        &self,
        actor: &Actor,
        org: OrgId,
        venue: VenueId,
        spec: GenerateMap,
    ) -> Result<SeatMapSummary> {
        self.venue_for_map(actor, org, venue, Permission::ManageCatalog).await?;
        let mut e = ValidationError::new();
        let in_range = |e: &mut ValidationError, v: u32, field: &str, max: u32| {
            let key = MessageKey::new("errors-must-be-range").num("min", 1).num("max", max);
            e.check_key((1..=max).contains(&v), field, key, format!("must be 1 to {max}"));
        };
        let name = self.store.venue(org, venue).await?.map(|v| v.name).unwrap_or_default();
        let mut ids = match self.current_map(org, venue).await? {
            Some((_, previous)) => IdGen::v7().reusing(&previous),
            None => IdGen::v7(),
        };
        let built = match spec {
            GenerateMap::Rectangular { rows, seats_per_row, aisle_every, categories } => {
                in_range(&mut e, rows, "rows", 500);
                in_range(&mut e, seats_per_row, "seats_per_row", 1_000);
                if let Some(a) = aisle_every {
                    in_range(&mut e, a, "aisle_every", 1_000);
                }
                let categories = categories_or(categories, RectHall::default().categories, &mut e);
                e.check_key(
                    (rows as usize) * (seats_per_row as usize) <= MAX_SEATS,
                    "rows",
                    MessageKey::new("errors-rows-times-seats").num("max", MAX_SEATS),
                    format!("rows × seats_per_row must be at most {MAX_SEATS}"),
                );
                e.finish()?;
                rect_hall(
                    &RectHall { name, rows, seats_per_row, aisle_every, categories, ..RectHall::default() },
                    &mut ids,
                )
            }
            GenerateMap::Curved { rows, span_degrees, aisle_every, categories } => {
                in_range(&mut e, rows, "rows", 200);
                let span = span_degrees.unwrap_or(CurvedHall::default().span_degrees);
                e.check_key(
                    span.is_finite() && span > 0.0 && span <= 360.0,
                    "span_degrees",
                    MessageKey::new("errors-span-degrees").num("max", 360),
                    "must be above 0 and at most 360",
                );
                if let Some(a) = aisle_every {
                    in_range(&mut e, a, "aisle_every", 1_000);
                }
                let categories = categories_or(categories, CurvedHall::default().categories, &mut e);
                e.finish()?;
                let spec = CurvedHall {
                    name,
                    rows,
                    span_degrees: span,
                    aisle_every: aisle_every.or(CurvedHall::default().aisle_every),
                    categories,
                    ..CurvedHall::default()
                };
                curved_hall(&spec, &mut ids)
            }
            GenerateMap::Stadium { sections, rows, categories, pitch_standing } => {
                let d = Stadium::default();
                let (sections, rows) = (sections.unwrap_or(d.sections), rows.unwrap_or(d.rows));
                in_range(&mut e, sections, "sections", 100);
                in_range(&mut e, rows, "rows", 120);
                if let Some(p) = pitch_standing {
                    let key = MessageKey::new("errors-at-most-value").num("max", 200_000);
                    e.check_key(p <= 200_000, "pitch_standing", key, "must be at most 200000");
                }
                let categories = categories_or(categories, d.categories.clone(), &mut e);
                e.finish()?;
                let spec =
                    Stadium { name, sections, rows, categories, pitch_standing: pitch_standing.unwrap_or(0), ..d };
                stadium(&spec, &mut ids)
            }
        }
        .map_err(import_error)?;
        self.save_map(org, venue, &built).await
    }

    /// A venue's seat map summary.
    pub async fn seat_map_summary(&self, actor: &Actor, org: OrgId, venue: VenueId) -> Result<SeatMapSummary> {
        self.venue_for_map(actor, org, venue, Permission::ViewCatalog).await?;
        let rec = self.store.seat_map(org, venue).await?.ok_or(AppError::NotFound)?;
        let (_, map) = self.current_map(org, venue).await?.ok_or(AppError::NotFound)?;
        Ok(summary(venue, rec.version, rec.updated_at, &map))
    }

    /// A venue's seat map as a document, with seat ids, for editing and
    /// re-import.
    pub async fn export_seat_map(
        &self,
        actor: &Actor,
        org: OrgId,
        venue: VenueId,
        format: MapFormat,
    ) -> Result<String> {
        self.venue_for_map(actor, org, venue, Permission::ViewCatalog).await?;
        let rec = self.store.seat_map(org, venue).await?.ok_or(AppError::NotFound)?;
        Ok(match format {
            MapFormat::Json => rec.document,
            MapFormat::Csv => {
                let (_, map) = self.current_map(org, venue).await?.ok_or(AppError::NotFound)?;
                to_csv(&map, &CsvOptions { ids: true })
            }
        })
    }
}

/// How an event sells its seats: price zones over the venue's map.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetEventSeating {
    /// Seat category (price zone) -> the ticket type its seats sell as.
    /// Every category of the venue's map needs one.
    #[schema(value_type = std::collections::HashMap<String, String>)]
    pub zones: std::collections::HashMap<String, TicketTypeId>,
}

/// An event's seating as its organizer sees it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct EventSeatingView {
    pub event_id: EventId,
    /// The venue map version the event's seats were copied from.
    pub map_version: i64,
    /// Grows by one each time seating is set up again.
    pub version: i64,
    pub seats: i64,
    #[schema(value_type = std::collections::HashMap<String, String>)]
    pub zones: std::collections::HashMap<String, TicketTypeId>,
    /// Seats by status: `available`, `held`, `sold`, `blocked`.
    pub counts: BTreeMap<String, i64>,
    /// Who holds what: each taken seat with its state and hold (= order id).
    pub taken: Vec<TakenSeat>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TakenSeat {
    pub seat_index: u32,
    pub seat_id: String,
    pub label: String,
    pub state: String,
    pub order_id: Option<String>,
    /// The order's reference, for a held or sold seat.
    pub order_reference: Option<String>,
    /// The buyer of a held or sold seat.
    pub buyer_name: Option<String>,
    pub buyer_email: Option<String>,
}

/// A seated event's live seat statuses, for the storefront's map.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SeatStatuses {
    pub event_id: EventId,
    /// The seating version the map and statuses belong to.
    pub version: i64,
    /// Grows with every change to the event's seats; the availability
    /// stream carries it as `seats_version`, so a client knows when to read
    /// the statuses again.
    pub claims_version: i64,
    /// One character per seat, in the map's seat order: `a` available,
    /// `h` held, `s` sold, `b` blocked.
    pub statuses: String,
}

impl App {
    /// Sets up selling by seat on an event: its venue's current seat map is
    /// copied, and each seat category is sold as a ticket type of the event.
    pub async fn set_event_seating(
        &self,
        actor: &Actor,
        org: OrgId,
        event: EventId,
        input: SetEventSeating,
    ) -> Result<EventSeatingView> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        let ev = self.store.event(org, event).await?.ok_or(AppError::NotFound)?;
        let rec = self.store.seat_map(org, ev.venue_id).await?.ok_or_else(|| {
            AppError::invalid_key(
                "zones",
                MessageKey::new("errors-venue-without-map"),
                "the event's venue has no seat map; import or generate one first",
            )
        })?;
        let map = from_json(&rec.document, &mut IdGen::v7())
            .map_err(|e| AppError::Internal(format!("stored seat map of venue {}: {e}", ev.venue_id)))?;
        let types = self.store.ticket_types(org, event).await?;
        let mut e = ValidationError::new();
        let categories: std::collections::BTreeSet<&str> = map.seats().iter().map(|s| s.category.as_str()).collect();
        for c in &categories {
            let key = MessageKey::new("errors-category-needs-type");
            e.check_key(
                input.zones.contains_key(*c),
                &format!("zones.{c}"),
                key,
                "every seat category needs a ticket type",
            );
        }
        for (c, tt) in &input.zones {
            let field = format!("zones.{c}");
            let key = MessageKey::new("errors-category-unused");
            e.check_key(categories.contains(c.as_str()), &field, key, "no seat of the map has this category");
            let key = MessageKey::new("errors-not-a-ticket-type");
            e.check_key(types.iter().any(|t| t.id == *tt), &field, key, "not a ticket type of this event");
        }
        e.finish()?;
        let seats = map.seat_count() as i64;
        self.store.set_event_seating(org, event, rec.version, &rec.document, seats, &input.zones).await?;
        self.event_seating(actor, org, event).await
    }

    /// An event's seating: zones, counts, and who holds which seat.
    pub async fn event_seating(&self, actor: &Actor, org: OrgId, event: EventId) -> Result<EventSeatingView> {
        self.authorize(actor, org, Permission::ViewOrders).await?;
        self.store.event(org, event).await?.ok_or(AppError::NotFound)?;
        let rec = self.store.event_seating(event).await?.ok_or(AppError::NotFound)?;
        let seats = rec.seats;
        let claims = self.store.seat_claims_with_holders(event).await?;
        let mut counts: BTreeMap<String, i64> =
            ["held", "sold", "blocked"].iter().map(|k| (k.to_string(), 0)).collect();
        for c in &claims {
            *counts.entry(c.state.clone()).or_insert(0) += 1;
        }
        counts.insert("available".into(), seats - claims.len() as i64);
        let taken = claims
            .into_iter()
            .map(|c| {
                let (order_reference, buyer_name, buyer_email) = match c.holder {
                    Some(h) => (Some(h.reference), Some(h.buyer_name), Some(h.buyer_email)),
                    None => (None, None, None),
                };
                TakenSeat {
                    seat_index: c.seat_index,
                    seat_id: c.seat_id,
                    label: c.label,
                    state: c.state,
                    order_id: c.hold_id,
                    order_reference,
                    buyer_name,
                    buyer_email,
                }
            })
            .collect();
        Ok(EventSeatingView {
            event_id: event,
            map_version: rec.map_version,
            version: rec.version,
            seats,
            zones: rec.zones,
            counts,
            taken,
        })
    }

    /// A published, seated event's map (JSON document with seat ids), for
    /// picking seats.
    pub async fn public_seat_map(&self, event: EventId) -> Result<String> {
        self.store.public_event(event, self.now()).await?.ok_or(AppError::NotFound)?;
        Ok(self.store.event_seating(event).await?.ok_or(AppError::NotFound)?.document)
    }

    /// A published, seated event's map, parsed, with its price zones: what a
    /// page needs to list and label seats.
    pub async fn public_seat_layout(&self, event: EventId) -> Result<Arc<SeatLayout>> {
        self.store.public_event(event, self.now()).await?.ok_or(AppError::NotFound)?;
        self.seat_layout(event).await
    }

    /// A seated event's map, parsed, with its price zones, for its
    /// organization's staff (drafts included).
    pub async fn org_seat_layout(&self, actor: &Actor, org: OrgId, event: EventId) -> Result<Arc<SeatLayout>> {
        self.authorize(actor, org, Permission::ViewOrders).await?;
        self.store.event(org, event).await?.ok_or(AppError::NotFound)?;
        self.seat_layout(event).await
    }

    /// A seated event's map document (with seat ids), for its organization's
    /// staff (drafts included).
    pub async fn org_seat_map(&self, actor: &Actor, org: OrgId, event: EventId) -> Result<String> {
        self.authorize(actor, org, Permission::ViewOrders).await?;
        self.store.event(org, event).await?.ok_or(AppError::NotFound)?;
        Ok(self.store.event_seating(event).await?.ok_or(AppError::NotFound)?.document)
    }

    /// The parsed map of a seated event, from memory while its seating
    /// version is unchanged.
    async fn seat_layout(&self, event: EventId) -> Result<Arc<SeatLayout>> {
        let (version, _) = self.store.seat_versions(event).await?.ok_or(AppError::NotFound)?;
        let cached = self.seat_layouts.lock().unwrap_or_else(|p| p.into_inner()).get(&event).cloned();
        if let Some(layout) = cached.filter(|l| l.version == version) {
            return Ok(layout);
        }
        let rec = self.store.event_seating(event).await?.ok_or(AppError::NotFound)?;
        let map = from_json(&rec.document, &mut IdGen::seeded(0))
            .map_err(|e| AppError::Internal(format!("seat map of event {event}: {e}")))?;
        let layout = Arc::new(SeatLayout { version: rec.version, map, zones: rec.zones });
        let mut cache = self.seat_layouts.lock().unwrap_or_else(|p| p.into_inner());
        // A few seated events are on sale at once; forget them all rather than grow.
        if cache.len() >= SEAT_LAYOUTS_KEPT {
            cache.clear();
        }
        cache.insert(event, layout.clone());
        Ok(layout)
    }

    /// A published, seated event's seat statuses.
    pub async fn public_seat_statuses(&self, event: EventId) -> Result<SeatStatuses> {
        self.store.public_event(event, self.now()).await?.ok_or(AppError::NotFound)?;
        // The versions first: statuses read after them are at least that new.
        let (version, claims_version) = self.store.seat_versions(event).await?.ok_or(AppError::NotFound)?;
        let seats = self.store.event_seat_count(event).await?;
        let mut statuses = vec![b'a'; usize::try_from(seats).unwrap_or(0)];
        for c in self.store.seat_claims(event).await? {
            if let Some(s) = statuses.get_mut(c.seat_index as usize) {
                *s = match c.state.as_str() {
                    "held" => b'h',
                    "sold" => b's',
                    _ => b'b',
                };
            }
        }
        Ok(SeatStatuses {
            event_id: event,
            version,
            claims_version,
            statuses: String::from_utf8(statuses).unwrap_or_default(),
        })
    }
}

/// Parsed seat maps kept in memory, by event.
const SEAT_LAYOUTS_KEPT: usize = 32;

/// A seated event's map as pages draw and list it: the parsed map and the
/// ticket type each seat category sells as.
#[derive(Debug)]
pub struct SeatLayout {
    /// The event's seating version this map belongs to.
    pub version: i64,
    pub map: SeatMap,
    pub zones: std::collections::HashMap<String, TicketTypeId>,
}

pub(crate) type SeatLayouts = std::sync::Mutex<std::collections::HashMap<EventId, Arc<SeatLayout>>>;

/// Seats to keep back from sale (production, press) or to release again.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlockSeats {
    /// Seat ids from the event's seat map, 1 to 1000.
    #[schema(min_items = 1, max_items = 1000)]
    pub seat_ids: Vec<String>,
    /// `true` to block (every seat must be available), `false` to release
    /// (every seat must be blocked). All or nothing.
    pub blocked: bool,
}

impl App {
    /// Blocks or releases seats of a seated event, through its batch.
    pub async fn block_seats(
        &self,
        actor: &Actor,
        org: OrgId,
        event: EventId,
        input: BlockSeats,
    ) -> Result<EventSeatingView> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        self.store.event(org, event).await?.ok_or(AppError::NotFound)?;
        let mut e = ValidationError::new();
        let ok = !input.seat_ids.is_empty() && input.seat_ids.len() <= 1000;
        e.check_key(ok, "seat_ids", crate::seat_count(1000), "1 to 1000 seats");
        let mut seats = Vec::with_capacity(input.seat_ids.len());
        for (i, id) in input.seat_ids.iter().enumerate() {
            match uuid::Uuid::parse_str(id) {
                Ok(u) => seats.push(tessera_seating::SeatId(u)),
                Err(_) => e.add_key(format!("seat_ids[{i}]"), MessageKey::new("errors-not-a-seat-id"), "not a seat id"),
            }
        }
        e.finish()?;
        let op = tessera_store::InventoryOp::BlockSeats { seats, block: input.blocked };
        // The store speaks of seats; this request's field is seat_ids.
        self.submit_inventory(event, op).await.map_err(|e| match e {
            AppError::Conflict { message, .. } => AppError::Conflict { field: "seat_ids".into(), message },
            AppError::Invalid(mut v) => {
                for f in &mut v.fields {
                    f.field = f.field.replacen("seats", "seat_ids", 1);
                }
                AppError::Invalid(v)
            }
            other => other,
        })?;
        self.event_seating(actor, org, event).await
    }
}

impl App {
    /// A seated event's claims version, for the availability stream; `None`
    /// when the event is not sold by seat.
    pub async fn seats_version(&self, event: EventId) -> Result<Option<i64>> {
        Ok(self.store.seat_versions(event).await?.map(|(_, c)| c))
    }
}
