//! Import and validation errors that name the problem and where it is.

use std::fmt;

/// Most problems one import reports; the rest are counted, not listed, so a
/// hostile file cannot make the error itself huge.
pub const MAX_PROBLEMS: usize = 100;

/// Where a problem is.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Location {
    /// The document as a whole (e.g. an empty map).
    Document,
    /// A JSON path such as `sections[0].rows[2].seats[5].x`.
    Json(String),
    /// A CSV line (1-based, counting physical lines, the header is line 1)
    /// and, when known, the column's name.
    Csv { line: usize, column: Option<String> },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Document => write!(f, "map"),
            Location::Json(path) if path.is_empty() => write!(f, "document"),
            Location::Json(path) => write!(f, "{path}"),
            Location::Csv { line, column: None } => write!(f, "line {line}"),
            Location::Csv { line, column: Some(c) } => write!(f, "line {line}, column {c}"),
        }
    }
}

/// What is wrong.
#[derive(Clone, PartialEq, Debug, thiserror::Error)]
pub enum ProblemKind {
    #[error("malformed {format}: {message}")]
    Syntax { format: &'static str, message: String },
    #[error("not a Tessera seat map (expected \"format\": \"tessera-seat-map\")")]
    WrongFormat,
    #[error("unsupported version {found} (this build reads version {supported})")]
    UnsupportedVersion { found: u64, supported: u64 },
    #[error("missing field `{0}`")]
    MissingField(&'static str),
    #[error("must not be empty")]
    EmptyText,
    #[error("longer than {max} bytes")]
    TooLong { max: usize },
    #[error("not a number: {value:?}")]
    BadNumber { value: String },
    #[error("not a finite number")]
    NotFinite,
    #[error("unknown flag {0:?} (known: wheelchair, companion, restricted_view, aisle)")]
    UnknownFlag(String),
    #[error("unknown column {0:?}")]
    UnknownColumn(String),
    #[error("missing column `{0}` in the header")]
    MissingColumn(&'static str),
    #[error("column `{0}` appears twice in the header")]
    DuplicateColumn(String),
    #[error("expected {expected} fields, found {found}")]
    FieldCount { expected: usize, found: usize },
    #[error("not a UUID: {0:?}")]
    BadId(String),
    #[error("seat {section}/{row}/{seat} appears twice (first at {first})")]
    DuplicateSeat { section: String, row: String, seat: String, first: String },
    #[error("row {section}/{row} appears twice (first at {first})")]
    DuplicateRow { section: String, row: String, first: String },
    #[error("section {section} appears twice (first at {first})")]
    DuplicateSection { section: String, first: String },
    #[error("area {name} appears twice (first at {first})")]
    DuplicateArea { name: String, first: String },
    #[error("id {id} is used twice (first at {first})")]
    DuplicateId { id: String, first: String },
    #[error("has no seats")]
    NoSeats,
    #[error("the map has no seats and no areas")]
    EmptyMap,
    #[error("capacity must be at least 1")]
    ZeroCapacity,
    #[error("more than {max} {what}")]
    TooMany { what: &'static str, max: usize },
    #[error(
        "the seat's ticket label {label:?} is {len} bytes; a ticket code carries at most {max}: shorten the section, row or seat label"
    )]
    TicketLabelTooLong { label: String, len: usize, max: usize },
}

/// One problem and where it is.
#[derive(Clone, PartialEq, Debug)]
pub struct Problem {
    pub location: Location,
    pub kind: ProblemKind,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.kind)
    }
}

/// Why a map could not be imported or built: every problem found, in
/// document order (at most [`MAX_PROBLEMS`]; `omitted` counts the rest).
/// Never empty when returned as an error.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct ImportError {
    pub problems: Vec<Problem>,
    pub omitted: usize,
}

impl ImportError {
    pub(crate) fn one(location: Location, kind: ProblemKind) -> Self {
        Self { problems: vec![Problem { location, kind }], omitted: 0 }
    }
    pub(crate) fn push(&mut self, problem: Problem) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(problem);
        } else {
            self.omitted += 1;
        }
    }
    /// Whether no problem was recorded.
    pub fn is_empty(&self) -> bool {
        self.problems.is_empty() && self.omitted == 0
    }
    /// The first problem (every returned error has one).
    pub fn first(&self) -> Option<&Problem> {
        self.problems.first()
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.problems.len() + self.omitted;
        match self.problems.as_slice() {
            [] => write!(f, "invalid seat map"),
            [one] if self.omitted == 0 => write!(f, "invalid seat map: {one}"),
            list => {
                write!(f, "invalid seat map: {total} problems")?;
                for p in list {
                    write!(f, "; {p}")?;
                }
                if self.omitted > 0 {
                    write!(f, "; and {} more", self.omitted)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ImportError {}
