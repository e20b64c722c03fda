//! The versioned JSON format (`"format": "tessera-seat-map", "version": 1`),
//! described in `docs/seat-map-format.md`.
//!
//! Sections hold rows, rows hold seats, so section and row labels are written
//! once. A category set on a section or row is inherited by its seats, and
//! the exporter writes it at the highest level where it is uniform, which
//! keeps the payload small.

use crate::error::{ImportError, Location, Problem, ProblemKind};
use crate::model::{
    AreaDraft, AreaId, IdGen, MapDraft, Point, RowDraft, SeatDraft, SeatFlags, SeatId, SeatMap, SectionDraft, Site,
};
use serde::{Deserialize, Serialize};

/// The value of the `format` field.
pub const FORMAT: &str = "tessera-seat-map";
/// The version this build reads and writes.
pub const VERSION: u64 = 1;

/// Export choices.
#[derive(Clone, Copy, Debug)]
pub struct JsonOptions {
    /// Write seat and area ids (default). Without them a re-import assigns
    /// new ids, so leave them in unless the payload is display-only.
    pub ids: bool,
    /// Indent the output for people; the default is compact.
    pub pretty: bool,
}

impl Default for JsonOptions {
    fn default() -> Self {
        Self { ids: true, pretty: false }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InMap {
    format: Option<String>,
    version: Option<u64>,
    name: Option<String>,
    focal_point: Option<Point>,
    sections: Option<Vec<InSection>>,
    areas: Option<Vec<InArea>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InSection {
    label: Option<String>,
    priority: Option<i32>,
    category: Option<String>,
    rows: Option<Vec<InRow>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InRow {
    label: Option<String>,
    category: Option<String>,
    seats: Option<Vec<InSeat>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InSeat {
    id: Option<SeatId>,
    label: Option<String>,
    x: Option<f64>,
    y: Option<f64>,
    category: Option<String>,
    flags: Option<Vec<String>>,
    rank: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InArea {
    id: Option<AreaId>,
    name: Option<String>,
    capacity: Option<u32>,
    category: Option<String>,
}

/// The JSON path of a validation site, e.g. `sections[1].rows[0].seats[7].label`.
pub(crate) fn path_of(site: Site, field: Option<&'static str>) -> Location {
    if site == Site::Map && field.is_none() {
        return Location::Document;
    }
    let mut path = match site {
        Site::Map => String::new(),
        Site::Section(s) => format!("sections[{s}]"),
        Site::Row(s, r) => format!("sections[{s}].rows[{r}]"),
        Site::Seat(s, r, k) => format!("sections[{s}].rows[{r}].seats[{k}]"),
        Site::Area(a) => format!("areas[{a}]"),
    };
    if let Some(field) = field {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(field);
    }
    Location::Json(path)
}

/// Parses and validates a JSON seat map. Seats and areas without an `id`
/// get one from `ids`. Never panics; every problem names its JSON path.
pub fn from_json(text: &str, ids: &mut IdGen) -> Result<SeatMap, ImportError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed: InMap = match serde_path_to_error::deserialize(&mut de) {
        Ok(m) => m,
        Err(e) => {
            let path = e.path().to_string();
            let path = if path == "." { String::new() } else { path };
            return Err(ImportError::one(
                Location::Json(path),
                ProblemKind::Syntax { format: "JSON", message: e.into_inner().to_string() },
            ));
        }
    };
    if let Err(e) = de.end() {
        return Err(ImportError::one(
            Location::Json(String::new()),
            ProblemKind::Syntax { format: "JSON", message: e.to_string() },
        ));
    }

    let mut problems = ImportError::default();
    let mut report = |site: Site, field: &'static str, kind: ProblemKind| {
        problems.push(Problem { location: path_of(site, Some(field)), kind });
    };
    match parsed.format.as_deref() {
        None => report(Site::Map, "format", ProblemKind::MissingField("format")),
        Some(FORMAT) => {}
        Some(_) => report(Site::Map, "format", ProblemKind::WrongFormat),
    }
    match parsed.version {
        None => report(Site::Map, "version", ProblemKind::MissingField("version")),
        Some(VERSION) => {}
        Some(found) => report(Site::Map, "version", ProblemKind::UnsupportedVersion { found, supported: VERSION }),
    }

    let mut draft = MapDraft {
        name: parsed.name.unwrap_or_default(),
        focal_point: parsed.focal_point,
        sections: Vec::new(),
        areas: Vec::new(),
    };
    for (si, section) in parsed.sections.unwrap_or_default().into_iter().enumerate() {
        let label = section.label.unwrap_or_else(|| {
            report(Site::Section(si), "label", ProblemKind::MissingField("label"));
            String::new()
        });
        let mut rows = Vec::new();
        let Some(in_rows) = section.rows else {
            report(Site::Section(si), "rows", ProblemKind::MissingField("rows"));
            continue;
        };
        for (ri, row) in in_rows.into_iter().enumerate() {
            let row_label = row.label.unwrap_or_else(|| {
                report(Site::Row(si, ri), "label", ProblemKind::MissingField("label"));
                String::new()
            });
            let Some(in_seats) = row.seats else {
                report(Site::Row(si, ri), "seats", ProblemKind::MissingField("seats"));
                continue;
            };
            let mut seats = Vec::with_capacity(in_seats.len());
            for (ki, seat) in in_seats.into_iter().enumerate() {
                let site = Site::Seat(si, ri, ki);
                let mut need = |v: Option<f64>, field: &'static str| {
                    v.unwrap_or_else(|| {
                        report(site, field, ProblemKind::MissingField(field));
                        0.0
                    })
                };
                let x = need(seat.x, "x");
                let y = need(seat.y, "y");
                let label = seat.label.unwrap_or_else(|| {
                    report(site, "label", ProblemKind::MissingField("label"));
                    String::new()
                });
                let category = match seat.category.as_ref().or(row.category.as_ref()).or(section.category.as_ref()) {
                    Some(c) => c.clone(),
                    None => {
                        report(site, "category", ProblemKind::MissingField("category"));
                        String::new()
                    }
                };
                let mut flags = SeatFlags::empty();
                for name in seat.flags.unwrap_or_default() {
                    match SeatFlags::from_name(&name) {
                        Some(f) => flags = flags.union(f),
                        None => report(site, "flags", ProblemKind::UnknownFlag(name)),
                    }
                }
                seats.push(SeatDraft { id: seat.id, label, x, y, category, flags, rank: seat.rank });
            }
            rows.push(RowDraft { label: row_label, seats });
        }
        draft.sections.push(SectionDraft { label, priority: section.priority.unwrap_or(0), rows });
    }
    for (ai, area) in parsed.areas.unwrap_or_default().into_iter().enumerate() {
        let site = Site::Area(ai);
        let name = area.name.unwrap_or_else(|| {
            report(site, "name", ProblemKind::MissingField("name"));
            String::new()
        });
        let capacity = area.capacity.unwrap_or_else(|| {
            report(site, "capacity", ProblemKind::MissingField("capacity"));
            1
        });
        let category = area.category.unwrap_or_else(|| {
            report(site, "category", ProblemKind::MissingField("category"));
            String::new()
        });
        draft.areas.push(AreaDraft { id: area.id, name, capacity, category });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    SeatMap::build(draft, ids)
}

#[derive(Serialize)]
struct OutMap<'a> {
    format: &'static str,
    version: u64,
    #[serde(skip_serializing_if = "str::is_empty")]
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    focal_point: Option<Point>,
    sections: Vec<OutSection<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    areas: Vec<OutArea<'a>>,
}

#[derive(Serialize)]
struct OutSection<'a> {
    label: &'a str,
    #[serde(skip_serializing_if = "is_zero")]
    priority: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<&'a str>,
    rows: Vec<OutRow<'a>>,
}

#[derive(Serialize)]
struct OutRow<'a> {
    label: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<&'a str>,
    seats: Vec<OutSeat<'a>>,
}

#[derive(Serialize)]
struct OutSeat<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<SeatId>,
    label: &'a str,
    x: f64,
    y: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    flags: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rank: Option<f64>,
}

#[derive(Serialize)]
struct OutArea<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<AreaId>,
    name: &'a str,
    capacity: u32,
    category: &'a str,
}

fn is_zero(v: &i32) -> bool {
    *v == 0
}

/// The single category shared by all of `seats`, if there is one.
fn uniform<'a>(seats: impl IntoIterator<Item = &'a crate::model::Seat>) -> Option<&'a str> {
    let mut it = seats.into_iter();
    let first = it.next()?.category.as_str();
    it.all(|s| s.category == first).then_some(first)
}

/// Writes the map in the JSON format. `from_json(to_json(m))` rebuilds `m`
/// (with `ids: true`, identical ids).
pub fn to_json(map: &SeatMap, options: &JsonOptions) -> String {
    let seats = map.seats();
    let rows = map.rows();
    let mut out = OutMap {
        format: FORMAT,
        version: VERSION,
        name: map.name(),
        focal_point: map.focal_point(),
        sections: Vec::with_capacity(map.sections().len()),
        areas: map
            .areas()
            .iter()
            .map(|a| OutArea {
                id: options.ids.then_some(a.id),
                name: &a.name,
                capacity: a.capacity,
                category: &a.category,
            })
            .collect(),
    };
    for section in map.sections() {
        let section_rows = &rows[section.rows.start as usize..section.rows.end as usize];
        let section_seats = section_rows
            .first()
            .zip(section_rows.last())
            .map_or(&seats[0..0], |(f, l)| &seats[f.seats.start as usize..l.seats.end as usize]);
        let section_category = uniform(section_seats);
        let mut out_rows = Vec::with_capacity(section_rows.len());
        for row in section_rows {
            let row_seats = &seats[row.seats.start as usize..row.seats.end as usize];
            let row_category = if section_category.is_some() { None } else { uniform(row_seats) };
            let inherited = section_category.is_some() || row_category.is_some();
            out_rows.push(OutRow {
                label: &row.label,
                category: row_category,
                seats: row_seats
                    .iter()
                    .map(|s| OutSeat {
                        id: options.ids.then_some(s.id),
                        label: &s.label,
                        x: s.x,
                        y: s.y,
                        category: (!inherited).then_some(s.category.as_str()),
                        flags: s.flags.names().collect(),
                        rank: s.rank,
                    })
                    .collect(),
            });
        }
        out.sections.push(OutSection {
            label: &section.label,
            priority: section.priority,
            category: section_category,
            rows: out_rows,
        });
    }
    let result = if options.pretty { serde_json::to_string_pretty(&out) } else { serde_json::to_string(&out) };
    // Serializing plain structs of strings and finite numbers cannot fail.
    result.unwrap_or_default()
}
