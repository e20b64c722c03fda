//! Generators for common venue shapes. Each returns a validated map, so a
//! generated map can be exported, edited and re-imported like any other.
//!
//! Coordinates are in metres with the stage or pitch centre as the focal
//! point, rounded to centimetres to keep exports short. Categories are
//! assigned in bands of rows, front to back: with categories `["A", "B"]`
//! the front half of every section's rows is "A" and the back half "B".

use crate::error::ImportError;
use crate::model::{AreaDraft, IdGen, MapDraft, Point, RowDraft, SeatDraft, SeatFlags, SeatMap, SectionDraft};
use std::f64::consts::PI;

/// A flat rectangular hall: `rows` rows of `seats_per_row` seats facing a
/// stage at the front, optionally cut by an aisle every `aisle_every` seats.
#[derive(Clone, Debug)]
pub struct RectHall {
    pub name: String,
    pub section: String,
    pub rows: u32,
    pub seats_per_row: u32,
    /// An aisle after every this many seats (`None`: no aisles).
    pub aisle_every: Option<u32>,
    pub seat_width: f64,
    pub row_depth: f64,
    /// Distance from the stage (the focal point) to the first row.
    pub stage_gap: f64,
    pub categories: Vec<String>,
}

impl Default for RectHall {
    fn default() -> Self {
        Self {
            name: "Hall".into(),
            section: "Stalls".into(),
            rows: 20,
            seats_per_row: 30,
            aisle_every: None,
            seat_width: 0.55,
            row_depth: 0.9,
            stage_gap: 3.0,
            categories: vec!["A".into()],
        }
    }
}

/// Rows on concentric arcs around a stage at the origin, each row longer
/// than the one in front of it.
#[derive(Clone, Debug)]
pub struct CurvedHall {
    pub name: String,
    pub section: String,
    pub rows: u32,
    /// Radius of the first row's arc.
    pub first_radius: f64,
    pub row_depth: f64,
    /// Angle the rows span, in degrees (at most 360).
    pub span_degrees: f64,
    pub seat_width: f64,
    pub aisle_every: Option<u32>,
    pub categories: Vec<String>,
}

impl Default for CurvedHall {
    fn default() -> Self {
        Self {
            name: "Amphitheatre".into(),
            section: "Parterre".into(),
            rows: 15,
            first_radius: 6.0,
            row_depth: 0.95,
            span_degrees: 120.0,
            seat_width: 0.55,
            aisle_every: Some(14),
            categories: vec!["A".into(), "B".into()],
        }
    }
}

/// A bowl of `sections` sections around an elliptical pitch, each section
/// with `rows` rows following the ellipse outwards. The default is an
/// ~80,000-seat football stadium with a standing area on the pitch.
#[derive(Clone, Debug)]
pub struct Stadium {
    pub name: String,
    pub sections: u32,
    pub rows: u32,
    /// Half-axes of the innermost row's ellipse.
    pub inner_half_length: f64,
    pub inner_half_width: f64,
    pub row_depth: f64,
    pub seat_width: f64,
    /// Fraction of each section's arc left empty as a stairway between sections.
    pub gap_fraction: f64,
    pub categories: Vec<String>,
    /// Capacity of a general-admission area on the pitch (0: none).
    pub pitch_standing: u32,
}

impl Default for Stadium {
    fn default() -> Self {
        Self {
            name: "Stadium".into(),
            sections: 36,
            rows: 77,
            inner_half_length: 70.0,
            inner_half_width: 45.0,
            row_depth: 0.8,
            seat_width: 0.5,
            gap_fraction: 0.05,
            categories: vec!["A".into(), "B".into(), "C".into()],
            pitch_standing: 0,
        }
    }
}

fn round_cm(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Row label for row `i` (0-based): A..Z, AA..AZ, BA.. like theatres do.
pub fn row_letters(i: u32) -> String {
    let mut n = i as u64 + 1;
    let mut out = Vec::new();
    while n > 0 {
        n -= 1;
        out.push(b'A' + (n % 26) as u8);
        n /= 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

fn band(categories: &[String], row: u32, rows: u32) -> String {
    if categories.is_empty() {
        return "A".into();
    }
    let k = (row as usize * categories.len()) / rows.max(1) as usize;
    categories[k.min(categories.len() - 1)].clone()
}

/// Flags for seat `k` of `n` with an aisle after every `every` seats: both
/// seats beside each aisle are `aisle`.
fn aisle_flags(k: u32, n: u32, every: Option<u32>) -> SeatFlags {
    match every {
        Some(e) if e > 0 => {
            let before_aisle = (k + 1).is_multiple_of(e) && k + 1 < n;
            let after_aisle = k.is_multiple_of(e) && k > 0;
            if before_aisle || after_aisle { SeatFlags::AISLE } else { SeatFlags::empty() }
        }
        _ => SeatFlags::empty(),
    }
}

/// Builds a rectangular hall. The stage is at y = 0, rows go towards +y.
pub fn rect_hall(spec: &RectHall, ids: &mut IdGen) -> Result<SeatMap, ImportError> {
    let aisles = |k: u32| spec.aisle_every.filter(|e| *e > 0).map_or(0, |e| k / e) as f64;
    let total_width = (spec.seats_per_row as f64 + aisles(spec.seats_per_row.saturating_sub(1))) * spec.seat_width;
    let rows = (0..spec.rows)
        .map(|r| RowDraft {
            label: row_letters(r),
            seats: (0..spec.seats_per_row)
                .map(|k| SeatDraft {
                    id: None,
                    label: (k + 1).to_string(),
                    x: round_cm((k as f64 + aisles(k) + 0.5) * spec.seat_width - total_width / 2.0),
                    y: round_cm(spec.stage_gap + r as f64 * spec.row_depth),
                    category: band(&spec.categories, r, spec.rows),
                    flags: aisle_flags(k, spec.seats_per_row, spec.aisle_every),
                    rank: None,
                })
                .collect(),
        })
        .collect();
    let draft = MapDraft {
        name: spec.name.clone(),
        focal_point: Some(Point { x: 0.0, y: 0.0 }),
        sections: vec![SectionDraft { label: spec.section.clone(), priority: 0, rows }],
        areas: Vec::new(),
    };
    SeatMap::build(draft, ids)
}

/// Builds a curved hall around a stage at the origin; rows open towards +y.
pub fn curved_hall(spec: &CurvedHall, ids: &mut IdGen) -> Result<SeatMap, ImportError> {
    let span = spec.span_degrees.clamp(1.0, 360.0).to_radians();
    let rows = (0..spec.rows)
        .map(|r| {
            let radius = spec.first_radius + r as f64 * spec.row_depth;
            let per_row = ((radius * span) / spec.seat_width.max(0.01)).floor().max(1.0) as u32;
            // Aisles take one seat's width each.
            let every = spec.aisle_every.filter(|e| *e > 0);
            let slots = per_row + every.map_or(0, |e| per_row.saturating_sub(1) / e);
            let seats = (0..per_row)
                .map(|k| {
                    let slot = k + every.map_or(0, |e| k / e);
                    let angle = -span / 2.0 + (slot as f64 + 0.5) * span / slots as f64;
                    SeatDraft {
                        id: None,
                        label: (k + 1).to_string(),
                        x: round_cm(radius * angle.sin()),
                        y: round_cm(radius * angle.cos()),
                        category: band(&spec.categories, r, spec.rows),
                        flags: aisle_flags(k, per_row, spec.aisle_every),
                        rank: None,
                    }
                })
                .collect();
            RowDraft { label: row_letters(r), seats }
        })
        .collect();
    let draft = MapDraft {
        name: spec.name.clone(),
        focal_point: Some(Point { x: 0.0, y: 0.0 }),
        sections: vec![SectionDraft { label: spec.section.clone(), priority: 0, rows }],
        areas: Vec::new(),
    };
    SeatMap::build(draft, ids)
}

/// Builds a stadium bowl: sections numbered 101.. counter-clockwise from the
/// east end, rows 1.. from the pitch outwards, seats 1.. counter-clockwise.
/// Rows are elliptical, so the long sides are nearer the centre spot (the
/// focal point) than the ends, as in a football ground.
pub fn stadium(spec: &Stadium, ids: &mut IdGen) -> Result<SeatMap, ImportError> {
    let sections_n = spec.sections.max(1);
    let sector = 2.0 * PI / sections_n as f64;
    let mut sections = Vec::with_capacity(sections_n as usize);
    for s in 0..sections_n {
        let from = s as f64 * sector + sector * spec.gap_fraction / 2.0;
        let to = (s + 1) as f64 * sector - sector * spec.gap_fraction / 2.0;
        let rows = (0..spec.rows)
            .map(|r| {
                let a = spec.inner_half_length + r as f64 * spec.row_depth;
                let b = spec.inner_half_width + r as f64 * spec.row_depth;
                // Walk the arc in small angle steps, dropping a seat every
                // `seat_width` of arc length.
                let mut seats = Vec::new();
                let steps = 2000;
                let dt = (to - from) / steps as f64;
                let mut walked = spec.seat_width / 2.0;
                let mut t = from;
                for _ in 0..steps {
                    let speed = ((a * t.sin()).powi(2) + (b * t.cos()).powi(2)).sqrt();
                    walked += speed * dt;
                    t += dt;
                    if walked >= spec.seat_width {
                        walked -= spec.seat_width;
                        seats.push(SeatDraft {
                            id: None,
                            label: (seats.len() + 1).to_string(),
                            x: round_cm(a * t.cos()),
                            y: round_cm(b * t.sin()),
                            category: band(&spec.categories, r, spec.rows),
                            flags: SeatFlags::empty(),
                            rank: None,
                        });
                    }
                }
                RowDraft { label: (r + 1).to_string(), seats }
            })
            .collect();
        sections.push(SectionDraft { label: (101 + s).to_string(), priority: 0, rows });
    }
    let areas = if spec.pitch_standing > 0 {
        vec![AreaDraft { id: None, name: "Pitch".into(), capacity: spec.pitch_standing, category: "Standing".into() }]
    } else {
        Vec::new()
    };
    let draft = MapDraft { name: spec.name.clone(), focal_point: Some(Point { x: 0.0, y: 0.0 }), sections, areas };
    SeatMap::build(draft, ids)
}
