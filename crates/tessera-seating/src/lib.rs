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
//!
//! // Per map (and ranking), build the allocator once and share it.
//! let allocator = Allocator::new(&map, &Ranking::from_map(&map));
//!
//! // Per event, the store keeps one status per seat; per request:
//! let mut statuses = vec![SeatStatus::Available; map.seat_count()];
//! let got = allocator.best_available(&statuses, &Request::new(4)).unwrap();
//! assert_eq!((got.seats.len(), got.rows, got.orphans_created), (4, 1, 0));
//! for seat in &got.seats {
//!     statuses[seat.get()] = SeatStatus::Held;
//! }
//!
//! // A buyer picking seats by hand: all or nothing, each problem named.
//! let taken = map.seat(got.seats[0]).id;
//! let err = check_exact(&map, &statuses, &[taken]).unwrap_err();
//! assert!(err.to_string().contains("not available"));
//! ```
//!
//! The modules' documentation holds the details: [`model`] for the data and
//! its invariants, [`json`] and [`csv`] for the formats (also described in
//! `docs/seat-map-format.md`), [`generate`] for the shapes, [`rank`] for the
//! organizer's ranking and [`alloc`] for the allocation rules, the algorithm
//! and how per-segment (train) inventory feeds the same allocator.

pub mod alloc;
pub mod csv;
pub mod error;
pub mod generate;
pub mod json;
pub mod model;
pub mod rank;

pub use alloc::{
    AllocError, Allocation, Allocator, ExactError, ExactProblem, MAX_REQUEST_SEATS, MAX_SPLIT_ROWS, Request,
    SeatStatus, Together, check_exact,
};
pub use csv::{CsvOptions, from_csv, to_csv};
pub use error::{ImportError, Location, Problem, ProblemKind};
pub use generate::{CurvedHall, RectHall, Stadium, curved_hall, rect_hall, stadium};
pub use json::{JsonOptions, from_json, to_json};
pub use model::{
    Area, AreaDraft, AreaId, IdGen, MAX_TICKET_LABEL_LEN, MapDraft, Point, Row, RowDraft, Seat, SeatDraft, SeatFlags,
    SeatId, SeatIndex, SeatMap, Section, SectionDraft, ticket_label,
};
pub use rank::Ranking;
