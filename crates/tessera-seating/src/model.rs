//! The seat map: sections of rows of seats, plus general-admission areas.
//!
//! A [`SeatMap`] is only built through [`SeatMap::build`] (directly, or via
//! the JSON/CSV importers and the generators), which validates a
//! [`MapDraft`]. Once built, a map is immutable: every seat has a unique id
//! and a unique (section, row, seat) label, and seats are stored flat, in
//! section, row and seat order, so a [`SeatIndex`] addresses per-event data
//! (statuses, costs) held in plain slices.

use crate::error::{ImportError, Problem, ProblemKind};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;
use std::ops::Range;
use uuid::Uuid;

/// Longest label (section, row, seat, area name) accepted, in bytes.
pub const MAX_LABEL_LEN: usize = 64;
/// Longest seat label a ticket's signed code carries, in bytes of UTF-8
/// (`MAX_LABEL_BYTES` of the ticket code format, docs/ticket-format.md). A
/// map with a seat whose [`ticket_label`] is longer is refused, so a ticket
/// never carries a cut label.
pub const MAX_TICKET_LABEL_LEN: usize = 48;

/// The seat's label as tickets, their signed codes and scanners show it.
pub fn ticket_label(section: &str, row: &str, seat: &str) -> String {
    format!("{section} · Row {row} · Seat {seat}")
}
/// Longest category key accepted, in bytes.
pub const MAX_CATEGORY_LEN: usize = 32;
/// Most seats one map may hold; bounds memory for any input.
pub const MAX_SEATS: usize = 1_000_000;
/// Most general-admission areas one map may hold.
pub const MAX_AREAS: usize = 1_000;

/// A seat's stable identity. Carried by the JSON format and by the optional
/// `id` CSV column, so re-importing an exported map keeps every seat's id; a
/// seat without one is given one at import by an [`IdGen`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SeatId(pub Uuid);

/// A general-admission area's stable identity, assigned like [`SeatId`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AreaId(pub Uuid);

impl fmt::Display for SeatId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}
impl fmt::Debug for SeatId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SeatId({})", self.0)
    }
}
impl fmt::Display for AreaId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}
impl fmt::Debug for AreaId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AreaId({})", self.0)
    }
}

/// Position of a seat in a map's flat seat order (section, row, seat). Valid
/// only for the map it came from; per-event data is indexed by it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct SeatIndex(pub u32);

impl SeatIndex {
    /// The index as a `usize`, for slicing.
    pub fn get(self) -> usize {
        self.0 as usize
    }
}

/// Where fresh ids come from when an imported or generated seat has none.
///
/// `IdGen::v7()` gives time-ordered UUIDv7 ids (what production wants);
/// `IdGen::seeded(..)` gives a reproducible stream (tests, benchmarks, golden
/// files). Either can first look the seat's label up in a previous version
/// of the map ([`IdGen::reusing`]) so that re-importing a CSV without an `id`
/// column keeps the ids of seats whose label did not change.
pub struct IdGen {
    source: IdSource,
    previous: HashMap<(String, String, String), SeatId>,
}

enum IdSource {
    V7,
    Seeded(u64),
}

impl IdGen {
    /// Fresh UUIDv7 ids (reads the clock and the system RNG).
    pub fn v7() -> Self {
        Self { source: IdSource::V7, previous: HashMap::new() }
    }

    /// A deterministic stream of random-format (v4) UUIDs derived from `seed`.
    pub fn seeded(seed: u64) -> Self {
        Self { source: IdSource::Seeded(seed), previous: HashMap::new() }
    }

    /// Reuse the id of the seat with the same (section, row, seat) label in
    /// `previous` before making a fresh one.
    pub fn reusing(mut self, previous: &SeatMap) -> Self {
        for (i, seat) in previous.seats().iter().enumerate() {
            let (section, row) = previous.labels_of(SeatIndex(i as u32));
            self.previous.insert((section.to_owned(), row.to_owned(), seat.label.clone()), seat.id);
        }
        self
    }

    /// A fresh UUID from the source (never from `previous`).
    pub fn next_uuid(&mut self) -> Uuid {
        match &mut self.source {
            IdSource::V7 => Uuid::now_v7(),
            IdSource::Seeded(state) => {
                let hi = splitmix64(state);
                let lo = splitmix64(state);
                let mut bytes = [0u8; 16];
                bytes[..8].copy_from_slice(&hi.to_le_bytes());
                bytes[8..].copy_from_slice(&lo.to_le_bytes());
                uuid::Builder::from_random_bytes(bytes).into_uuid()
            }
        }
    }

    /// The id for a seat labelled (section, row, seat).
    pub fn seat_id(&mut self, section: &str, row: &str, seat: &str) -> SeatId {
        if !self.previous.is_empty() {
            let key = (section.to_owned(), row.to_owned(), seat.to_owned());
            if let Some(id) = self.previous.get(&key) {
                return *id;
            }
        }
        SeatId(self.next_uuid())
    }
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Properties of one seat, as a small bit set.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SeatFlags(u8);

impl SeatFlags {
    /// A space for a wheelchair user. Never allocated unless asked for.
    pub const WHEELCHAIR: Self = Self(1);
    /// A seat kept for a wheelchair user's companion. Never allocated unless asked for.
    pub const COMPANION: Self = Self(2);
    /// Part of the stage or pitch is hidden from this seat.
    pub const RESTRICTED_VIEW: Self = Self(4);
    /// The seat is next to an aisle. Two consecutive seats of a row that are
    /// both `aisle` have an aisle between them (see [`crate::alloc`]).
    pub const AISLE: Self = Self(8);

    /// Every flag with its name in the file formats, in bit order.
    pub const NAMED: [(SeatFlags, &'static str); 4] = [
        (Self::WHEELCHAIR, "wheelchair"),
        (Self::COMPANION, "companion"),
        (Self::RESTRICTED_VIEW, "restricted_view"),
        (Self::AISLE, "aisle"),
    ];

    /// No flags.
    pub const fn empty() -> Self {
        Self(0)
    }
    /// The raw bits (stable: used by compact per-map arrays).
    pub const fn bits(self) -> u8 {
        self.0
    }
    /// Whether every flag of `other` is set.
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }
    /// Whether any flag of `other` is set.
    pub const fn intersects(self, other: Self) -> bool {
        self.0 & other.0 != 0
    }
    /// Both sets together.
    pub const fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }
    /// Whether no flag is set.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// The flag named `name` (exact, lower case), if there is one.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::NAMED.iter().find(|(_, n)| *n == name).map(|(f, _)| *f)
    }
    /// Names of the flags set, in bit order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        Self::NAMED.into_iter().filter(move |(f, _)| self.contains(*f)).map(|(_, n)| n)
    }
}

impl fmt::Debug for SeatFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.names()).finish()
    }
}

/// A point in the map's drawing coordinates (any unit; y grows downwards as
/// in SVG, though nothing here depends on it).
#[derive(Clone, Copy, PartialEq, Debug, Serialize, Deserialize)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// One seat of a built map.
#[derive(Clone, PartialEq, Debug)]
pub struct Seat {
    pub id: SeatId,
    /// The seat's label within its row, e.g. "12".
    pub label: String,
    pub x: f64,
    pub y: f64,
    /// Price-zone key, e.g. "A"; the event maps categories to ticket types.
    pub category: String,
    pub flags: SeatFlags,
    /// Organizer's explicit rank (lower is better), replacing the distance
    /// to the focal point in the default ranking. Same unit as distances.
    pub rank: Option<f64>,
}

/// One row of a built map: a range of seats, in seat order.
#[derive(Clone, PartialEq, Debug)]
pub struct Row {
    pub label: String,
    /// Index of the section in [`SeatMap::sections`].
    pub section: u32,
    /// The row's seats as a range of seat indices.
    pub seats: Range<u32>,
}

/// One section of a built map: a range of rows, front to back.
#[derive(Clone, PartialEq, Debug)]
pub struct Section {
    pub label: String,
    /// Organizer's priority for best-available: sections with a lower value
    /// are always offered before sections with a higher one. Default 0.
    pub priority: i32,
    /// The section's rows as a range of row indices.
    pub rows: Range<u32>,
}

/// A general-admission (standing, unnumbered) area inside a seated venue.
#[derive(Clone, PartialEq, Debug)]
pub struct Area {
    pub id: AreaId,
    pub name: String,
    pub capacity: u32,
    pub category: String,
}

/// A validated, immutable seat map. See the module documentation.
#[derive(Clone, Debug)]
pub struct SeatMap {
    name: String,
    focal_point: Option<Point>,
    sections: Vec<Section>,
    rows: Vec<Row>,
    seats: Vec<Seat>,
    /// Row index of every seat, parallel to `seats`.
    row_of: Vec<u32>,
    areas: Vec<Area>,
    by_id: HashMap<SeatId, u32>,
}

/// The unvalidated shape of a map, as importers and generators produce it
/// and as [`SeatMap::build`] accepts it.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct MapDraft {
    pub name: String,
    pub focal_point: Option<Point>,
    pub sections: Vec<SectionDraft>,
    pub areas: Vec<AreaDraft>,
}

#[derive(Clone, PartialEq, Debug, Default)]
pub struct SectionDraft {
    pub label: String,
    pub priority: i32,
    pub rows: Vec<RowDraft>,
}

#[derive(Clone, PartialEq, Debug, Default)]
pub struct RowDraft {
    pub label: String,
    pub seats: Vec<SeatDraft>,
}

#[derive(Clone, PartialEq, Debug, Default)]
pub struct SeatDraft {
    /// `None`: the [`IdGen`] given to [`SeatMap::build`] assigns one.
    pub id: Option<SeatId>,
    pub label: String,
    pub x: f64,
    pub y: f64,
    pub category: String,
    pub flags: SeatFlags,
    pub rank: Option<f64>,
}

#[derive(Clone, PartialEq, Debug, Default)]
pub struct AreaDraft {
    pub id: Option<AreaId>,
    pub name: String,
    pub capacity: u32,
    pub category: String,
}

/// What a validation problem is about, before an importer turns it into a
/// JSON path or a CSV line.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Site {
    Map,
    Section(usize),
    Row(usize, usize),
    Seat(usize, usize, usize),
    Area(usize),
}

impl SeatMap {
    /// Validates `draft` and builds the map, giving ids to seats and areas
    /// that have none. Reports every problem found (up to
    /// [`crate::error::MAX_PROBLEMS`]), each located by a JSON-style path.
    pub fn build(draft: MapDraft, ids: &mut IdGen) -> Result<SeatMap, ImportError> {
        Self::build_located(draft, ids, &|site, field| crate::json::path_of(site, field))
    }

    /// [`SeatMap::build`] with the importer's own way of naming a location.
    pub(crate) fn build_located(
        draft: MapDraft,
        ids: &mut IdGen,
        locate: &dyn Fn(Site, Option<&'static str>) -> crate::error::Location,
    ) -> Result<SeatMap, ImportError> {
        let mut problems = ImportError::default();
        let mut report = |site: Site, field: Option<&'static str>, kind: ProblemKind| {
            problems.push(Problem { location: locate(site, field), kind });
        };

        let seat_total: usize = draft.sections.iter().flat_map(|s| &s.rows).map(|r| r.seats.len()).sum();
        if seat_total > MAX_SEATS {
            report(Site::Map, None, ProblemKind::TooMany { what: "seats", max: MAX_SEATS });
            return Err(problems);
        }
        if draft.areas.len() > MAX_AREAS {
            report(Site::Map, None, ProblemKind::TooMany { what: "areas", max: MAX_AREAS });
            return Err(problems);
        }
        if seat_total == 0 && draft.areas.is_empty() {
            report(Site::Map, None, ProblemKind::EmptyMap);
            return Err(problems);
        }
        if draft.name.len() > MAX_LABEL_LEN * 4 {
            report(Site::Map, Some("name"), ProblemKind::TooLong { max: MAX_LABEL_LEN * 4 });
        }
        if let Some(p) = draft.focal_point
            && !(p.x.is_finite() && p.y.is_finite())
        {
            report(Site::Map, Some("focal_point"), ProblemKind::NotFinite);
        }

        let mut sections = Vec::with_capacity(draft.sections.len());
        let mut rows = Vec::new();
        let mut seats = Vec::with_capacity(seat_total);
        let mut row_of = Vec::with_capacity(seat_total);
        let mut by_id: HashMap<SeatId, u32> = HashMap::with_capacity(seat_total);
        let mut section_labels: HashMap<String, usize> = HashMap::new();
        // Where each seat came from, to name the first of two duplicate ids.
        let mut seat_sites: Vec<Site> = Vec::with_capacity(seat_total);

        for (si, sd) in draft.sections.into_iter().enumerate() {
            check_label(&sd.label, Site::Section(si), &mut report);
            if let Some(&first) = section_labels.get(&sd.label) {
                report(
                    Site::Section(si),
                    Some("label"),
                    ProblemKind::DuplicateSection {
                        section: sd.label.clone(),
                        first: locate(Site::Section(first), None).to_string(),
                    },
                );
            } else {
                section_labels.insert(sd.label.clone(), si);
            }
            if sd.rows.is_empty() {
                report(Site::Section(si), Some("rows"), ProblemKind::NoSeats);
            }
            let row_start = rows.len() as u32;
            let mut row_labels: HashMap<String, usize> = HashMap::new();
            for (ri, rd) in sd.rows.into_iter().enumerate() {
                check_label(&rd.label, Site::Row(si, ri), &mut report);
                if let Some(&first) = row_labels.get(&rd.label) {
                    report(
                        Site::Row(si, ri),
                        Some("label"),
                        ProblemKind::DuplicateRow {
                            section: sd.label.clone(),
                            row: rd.label.clone(),
                            first: locate(Site::Row(si, first), None).to_string(),
                        },
                    );
                } else {
                    row_labels.insert(rd.label.clone(), ri);
                }
                if rd.seats.is_empty() {
                    report(Site::Row(si, ri), Some("seats"), ProblemKind::NoSeats);
                }
                let seat_start = seats.len() as u32;
                let row_index = rows.len() as u32;
                let mut seat_labels: HashMap<&str, usize> = HashMap::new();
                for (ki, sd_seat) in rd.seats.iter().enumerate() {
                    let site = Site::Seat(si, ri, ki);
                    check_label(&sd_seat.label, site, &mut report);
                    let full = ticket_label(&sd.label, &rd.label, &sd_seat.label);
                    if full.len() > MAX_TICKET_LABEL_LEN {
                        report(
                            site,
                            Some("label"),
                            ProblemKind::TicketLabelTooLong { len: full.len(), label: full, max: MAX_TICKET_LABEL_LEN },
                        );
                    }
                    match seat_labels.entry(sd_seat.label.as_str()) {
                        Entry::Occupied(first) => report(
                            site,
                            Some("label"),
                            ProblemKind::DuplicateSeat {
                                section: sd.label.clone(),
                                row: rd.label.clone(),
                                seat: sd_seat.label.clone(),
                                first: locate(Site::Seat(si, ri, *first.get()), None).to_string(),
                            },
                        ),
                        Entry::Vacant(v) => {
                            v.insert(ki);
                        }
                    }
                    if !sd_seat.x.is_finite() {
                        report(site, Some("x"), ProblemKind::NotFinite);
                    }
                    if !sd_seat.y.is_finite() {
                        report(site, Some("y"), ProblemKind::NotFinite);
                    }
                    if sd_seat.rank.is_some_and(|r| !r.is_finite()) {
                        report(site, Some("rank"), ProblemKind::NotFinite);
                    }
                    check_category(&sd_seat.category, site, &mut report);
                    let id = match sd_seat.id {
                        Some(id) => id,
                        None => ids.seat_id(&sd.label, &rd.label, &sd_seat.label),
                    };
                    let index = seats.len() as u32;
                    if let Some(&other) = by_id.get(&id) {
                        report(
                            site,
                            Some("id"),
                            ProblemKind::DuplicateId {
                                id: id.to_string(),
                                first: locate(seat_sites[other as usize], None).to_string(),
                            },
                        );
                    } else {
                        by_id.insert(id, index);
                    }
                    seats.push(Seat {
                        id,
                        label: sd_seat.label.clone(),
                        x: sd_seat.x,
                        y: sd_seat.y,
                        category: sd_seat.category.clone(),
                        flags: sd_seat.flags,
                        rank: sd_seat.rank,
                    });
                    row_of.push(row_index);
                    seat_sites.push(site);
                }
                rows.push(Row { label: rd.label, section: si as u32, seats: seat_start..seats.len() as u32 });
            }
            sections.push(Section { label: sd.label, priority: sd.priority, rows: row_start..rows.len() as u32 });
        }

        let mut areas = Vec::with_capacity(draft.areas.len());
        let mut area_names: HashMap<String, usize> = HashMap::new();
        for (ai, ad) in draft.areas.into_iter().enumerate() {
            let site = Site::Area(ai);
            if ad.name.trim().is_empty() {
                report(site, Some("name"), ProblemKind::EmptyText);
            } else if ad.name.len() > MAX_LABEL_LEN {
                report(site, Some("name"), ProblemKind::TooLong { max: MAX_LABEL_LEN });
            }
            if let Some(&first) = area_names.get(&ad.name) {
                report(
                    site,
                    Some("name"),
                    ProblemKind::DuplicateArea {
                        name: ad.name.clone(),
                        first: locate(Site::Area(first), None).to_string(),
                    },
                );
            } else {
                area_names.insert(ad.name.clone(), ai);
            }
            if ad.capacity == 0 {
                report(site, Some("capacity"), ProblemKind::ZeroCapacity);
            }
            check_category(&ad.category, site, &mut report);
            let id = ad.id.unwrap_or_else(|| AreaId(ids.next_uuid()));
            areas.push(Area { id, name: ad.name, capacity: ad.capacity, category: ad.category });
        }

        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(SeatMap { name: draft.name, focal_point: draft.focal_point, sections, rows, seats, row_of, areas, by_id })
    }

    /// The map's display name (may be empty).
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The point the default ranking measures distances to, if the map sets one.
    pub fn focal_point(&self) -> Option<Point> {
        self.focal_point
    }
    /// Sections, in map order.
    pub fn sections(&self) -> &[Section] {
        &self.sections
    }
    /// Rows of every section, flat, in map order.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }
    /// Seats, flat, in map order; position = [`SeatIndex`].
    pub fn seats(&self) -> &[Seat] {
        &self.seats
    }
    /// General-admission areas.
    pub fn areas(&self) -> &[Area] {
        &self.areas
    }
    /// Number of seats (the length every per-event status slice must have).
    pub fn seat_count(&self) -> usize {
        self.seats.len()
    }
    /// The seat at `index`. Panics if `index` is not from this map.
    pub fn seat(&self, index: SeatIndex) -> &Seat {
        &self.seats[index.get()]
    }
    /// The row holding the seat at `index`.
    pub fn row_of(&self, index: SeatIndex) -> &Row {
        &self.rows[self.row_of[index.get()] as usize]
    }
    /// Row index (into [`SeatMap::rows`]) of the seat at `index`.
    pub fn row_index_of(&self, index: SeatIndex) -> u32 {
        self.row_of[index.get()]
    }
    /// (section label, row label) of the seat at `index`.
    pub fn labels_of(&self, index: SeatIndex) -> (&str, &str) {
        let row = self.row_of(index);
        (&self.sections[row.section as usize].label, &row.label)
    }
    /// The seat's label as its ticket carries it ([`ticket_label`]).
    pub fn ticket_label(&self, index: SeatIndex) -> String {
        let (section, row) = self.labels_of(index);
        ticket_label(section, row, &self.seat(index).label)
    }
    /// "section / row / seat", for messages.
    pub fn full_label(&self, index: SeatIndex) -> String {
        let (section, row) = self.labels_of(index);
        format!("section {section}, row {row}, seat {}", self.seat(index).label)
    }
    /// The index of the seat with this id.
    pub fn index_of(&self, id: SeatId) -> Option<SeatIndex> {
        self.by_id.get(&id).map(|&i| SeatIndex(i))
    }
    /// The index of the seat with this label (linear in the section's size).
    pub fn find(&self, section: &str, row: &str, seat: &str) -> Option<SeatIndex> {
        let s = self.sections.iter().find(|s| s.label == section)?;
        let r = self.rows[s.rows.start as usize..s.rows.end as usize].iter().find(|r| r.label == row)?;
        (r.seats.start..r.seats.end).find(|&i| self.seats[i as usize].label == seat).map(SeatIndex)
    }
    /// Distinct seat and area categories, in order of first appearance.
    pub fn categories(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let all = self.seats.iter().map(|s| s.category.as_str());
        for c in all.chain(self.areas.iter().map(|a| a.category.as_str())) {
            if !out.contains(&c) {
                out.push(c);
            }
        }
        out
    }

    /// The map as a draft with every id filled in (for editing and re-building).
    pub fn to_draft(&self) -> MapDraft {
        MapDraft {
            name: self.name.clone(),
            focal_point: self.focal_point,
            sections: self
                .sections
                .iter()
                .map(|s| SectionDraft {
                    label: s.label.clone(),
                    priority: s.priority,
                    rows: self.rows[s.rows.start as usize..s.rows.end as usize]
                        .iter()
                        .map(|r| RowDraft {
                            label: r.label.clone(),
                            seats: self.seats[r.seats.start as usize..r.seats.end as usize]
                                .iter()
                                .map(|seat| SeatDraft {
                                    id: Some(seat.id),
                                    label: seat.label.clone(),
                                    x: seat.x,
                                    y: seat.y,
                                    category: seat.category.clone(),
                                    flags: seat.flags,
                                    rank: seat.rank,
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
            areas: self
                .areas
                .iter()
                .map(|a| AreaDraft {
                    id: Some(a.id),
                    name: a.name.clone(),
                    capacity: a.capacity,
                    category: a.category.clone(),
                })
                .collect(),
        }
    }
}

fn check_label(label: &str, site: Site, report: &mut impl FnMut(Site, Option<&'static str>, ProblemKind)) {
    if label.trim().is_empty() {
        report(site, Some("label"), ProblemKind::EmptyText);
    } else if label.len() > MAX_LABEL_LEN {
        report(site, Some("label"), ProblemKind::TooLong { max: MAX_LABEL_LEN });
    }
}

fn check_category(category: &str, site: Site, report: &mut impl FnMut(Site, Option<&'static str>, ProblemKind)) {
    if category.trim().is_empty() {
        report(site, Some("category"), ProblemKind::EmptyText);
    } else if category.len() > MAX_CATEGORY_LEN {
        report(site, Some("category"), ProblemKind::TooLong { max: MAX_CATEGORY_LEN });
    }
}
