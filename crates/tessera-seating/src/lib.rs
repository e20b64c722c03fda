//! Reserved seating for Tessera, as pure functions over plain data: seat maps
//! (sections, rows, seats, general-admission areas), their JSON and CSV
//! formats, generators for common venue shapes, and the best-available
//! allocator with its exact-set check.
//!
//! This crate must never do IO, spawn tasks or know about HTTP, SQL or
//! Tessera's other crates: the store keeps per-event seat statuses, the
//! application decides what a hold is, and both call in here to decide which
//! seats. The only impure call is [`IdGen::v7`], which reads the clock and
//! the system RNG to make UUIDv7 ids; [`IdGen::seeded`] avoids even that.
//!
//! # Using it
//!
//! ```
//! use tessera_seating::*;
//!
//! // An organizer imports (or generates) a map once per venue layout.
//! let mut ids = IdGen::seeded(7);
//! let spec = RectHall { rows: 10, seats_per_row: 20, aisle_every: Some(10), ..RectHall::default() };
//! let map = rect_hall(&spec, &mut ids).unwrap();
//! let json = to_json(&map, &JsonOptions::default());
//! let again = from_json(&json, &mut ids).unwrap();
//! assert_eq!(again.seats(), map.seats());
//! ```
//!
//! The modules' documentation holds the details: [`model`] for the data and
//! its invariants, [`json`] and [`csv`] for the formats (also described in
//! `docs/seat-map-format.md`), [`generate`] for the shapes, [`rank`] for the
//! organizer's ranking.

pub mod csv;
pub mod error;
pub mod generate;
pub mod json;
pub mod model;
pub mod rank;

pub use csv::{CsvOptions, from_csv, to_csv};
pub use error::{ImportError, Location, Problem, ProblemKind};
pub use generate::{CurvedHall, RectHall, Stadium, curved_hall, rect_hall, stadium};
pub use json::{JsonOptions, from_json, to_json};
pub use model::{
    Area, AreaDraft, AreaId, IdGen, MapDraft, Point, Row, RowDraft, Seat, SeatDraft, SeatFlags, SeatId, SeatIndex,
    SeatMap, Section, SectionDraft,
};
pub use rank::Ranking;
