//! The CSV format: one seat per line, header
//! `section,row,seat,x,y,category,flags` plus optional `id` and `rank`
//! columns, in any order. Described in `docs/seat-map-format.md`.
//!
//! Fields follow RFC 4180: a field may be wrapped in double quotes, inside
//! which commas, line breaks and doubled quotes (`""`) are literal. Unquoted
//! fields are trimmed of surrounding spaces. `flags` lists flag names
//! separated by `|`. Sections and rows are created in order of first
//! appearance and a row's seats keep file order, which is the seat order the
//! allocator treats as physical adjacency. CSV carries seats only: section
//! priorities, the focal point and general-admission areas need JSON.

use crate::error::{ImportError, Location, Problem, ProblemKind};
use crate::model::{IdGen, MAX_SEATS, MapDraft, RowDraft, SeatDraft, SeatFlags, SeatId, SeatMap, SectionDraft, Site};
use std::collections::HashMap;
use std::fmt::Write as _;

const REQUIRED: [&str; 7] = ["section", "row", "seat", "x", "y", "category", "flags"];
const OPTIONAL: [&str; 2] = ["id", "rank"];

/// Export choices.
#[derive(Clone, Copy, Debug)]
pub struct CsvOptions {
    /// Write the `id` column (default), so a re-import keeps every seat's id.
    pub ids: bool,
}

impl Default for CsvOptions {
    fn default() -> Self {
        Self { ids: true }
    }
}

struct Record {
    /// Physical line where the record starts (1-based).
    line: usize,
    fields: Vec<String>,
}

/// Splits `text` into records. Stops at the first quoting error, which is
/// returned with the records read so far.
fn records(text: &str) -> (Vec<Record>, Option<Problem>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1usize;
    loop {
        if chars.peek().is_none() {
            return (out, None);
        }
        let start_line = line;
        let mut fields = Vec::new();
        // One record: fields until an unquoted line break or the end.
        loop {
            let mut field = String::new();
            // Skip leading spaces of the field (kept if the field is unquoted
            // and turns out to have content; trimmed below).
            while chars.peek() == Some(&' ') || chars.peek() == Some(&'\t') {
                field.push(chars.next().unwrap_or(' '));
            }
            let at_end;
            if chars.peek() == Some(&'"') {
                chars.next();
                let quote_line = line;
                field.clear();
                loop {
                    match chars.next() {
                        None => {
                            let problem = Problem {
                                location: Location::Csv { line: quote_line, column: None },
                                kind: ProblemKind::Syntax {
                                    format: "CSV",
                                    message: "quoted field is never closed".into(),
                                },
                            };
                            return (out, Some(problem));
                        }
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        Some('"') => break,
                        Some(c) => {
                            if c == '\n' {
                                line += 1;
                            }
                            field.push(c);
                        }
                    }
                }
                while chars.peek() == Some(&' ') || chars.peek() == Some(&'\t') {
                    chars.next();
                }
                match chars.next() {
                    None => at_end = true,
                    Some(',') => at_end = false,
                    Some('\n') => {
                        line += 1;
                        at_end = true;
                    }
                    Some('\r') if chars.peek() == Some(&'\n') => {
                        chars.next();
                        line += 1;
                        at_end = true;
                    }
                    Some(c) => {
                        let problem = Problem {
                            location: Location::Csv { line, column: None },
                            kind: ProblemKind::Syntax {
                                format: "CSV",
                                message: format!("unexpected {c:?} after a closing quote"),
                            },
                        };
                        return (out, Some(problem));
                    }
                }
            } else {
                loop {
                    match chars.next() {
                        None => {
                            at_end = true;
                            break;
                        }
                        Some(',') => {
                            at_end = false;
                            break;
                        }
                        Some('\n') => {
                            line += 1;
                            at_end = true;
                            break;
                        }
                        Some('\r') if chars.peek() == Some(&'\n') => {
                            chars.next();
                            line += 1;
                            at_end = true;
                            break;
                        }
                        Some('"') => {
                            let problem = Problem {
                                location: Location::Csv { line, column: None },
                                kind: ProblemKind::Syntax {
                                    format: "CSV",
                                    message: "a quote inside an unquoted field (quote the whole \
                                              field and double the quote)"
                                        .into(),
                                },
                            };
                            return (out, Some(problem));
                        }
                        Some(c) => field.push(c),
                    }
                }
                field = field.trim().to_owned();
            }
            fields.push(field);
            if at_end {
                break;
            }
        }
        // Blank lines carry no record.
        if !(fields.len() == 1 && fields[0].is_empty()) {
            out.push(Record { line: start_line, fields });
            if out.len() > MAX_SEATS + 1 {
                let problem = Problem {
                    location: Location::Csv { line: start_line, column: None },
                    kind: ProblemKind::TooMany { what: "seats", max: MAX_SEATS },
                };
                return (out, Some(problem));
            }
        }
    }
}

/// Parses and validates a CSV seat map. Seats without an `id` get one from
/// `ids`. Never panics; every problem names its line (and column).
pub fn from_csv(text: &str, ids: &mut IdGen) -> Result<SeatMap, ImportError> {
    let (records, syntax) = records(text);
    if let Some(p) = syntax {
        return Err(ImportError { problems: vec![p], omitted: 0 });
    }
    let mut problems = ImportError::default();
    let Some((header, body)) = records.split_first() else {
        return Err(ImportError::one(Location::Document, ProblemKind::EmptyMap));
    };

    // Column positions.
    let mut columns: HashMap<&'static str, usize> = HashMap::new();
    for (i, name) in header.fields.iter().enumerate() {
        let lower = name.trim().to_ascii_lowercase();
        let loc = Location::Csv { line: header.line, column: Some(name.clone()) };
        match REQUIRED.iter().chain(OPTIONAL.iter()).find(|c| **c == lower) {
            Some(known) => {
                if columns.insert(known, i).is_some() {
                    problems.push(Problem { location: loc, kind: ProblemKind::DuplicateColumn(name.clone()) });
                }
            }
            None => problems.push(Problem { location: loc, kind: ProblemKind::UnknownColumn(name.clone()) }),
        }
    }
    for required in REQUIRED {
        if !columns.contains_key(required) {
            problems.push(Problem {
                location: Location::Csv { line: header.line, column: None },
                kind: ProblemKind::MissingColumn(required),
            });
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if body.is_empty() {
        return Err(ImportError::one(Location::Document, ProblemKind::EmptyMap));
    }
    let col = |name: &str| columns.get(name).copied();
    let (c_section, c_row, c_seat) = (col("section"), col("row"), col("seat"));
    let (c_x, c_y, c_category, c_flags) = (col("x"), col("y"), col("category"), col("flags"));
    let (c_id, c_rank) = (col("id"), col("rank"));

    let mut draft = MapDraft::default();
    let mut section_index: HashMap<String, usize> = HashMap::new();
    let mut row_index: Vec<HashMap<String, usize>> = Vec::new();
    // Line of every seat, by (section, row, seat) position, for messages.
    let mut lines: Vec<Vec<Vec<usize>>> = Vec::new();

    for record in body {
        let line = record.line;
        let expected = header.fields.len();
        if record.fields.len() != expected {
            problems.push(Problem {
                location: Location::Csv { line, column: None },
                kind: ProblemKind::FieldCount { expected, found: record.fields.len() },
            });
            continue;
        }
        let get = |c: Option<usize>| c.and_then(|i| record.fields.get(i)).map_or("", |s| s.as_str());
        let mut report = |column: &str, kind: ProblemKind| {
            problems.push(Problem { location: Location::Csv { line, column: Some(column.to_owned()) }, kind });
        };
        let mut number = |column: &'static str, c: Option<usize>| -> f64 {
            let raw = get(c);
            match raw.parse::<f64>() {
                Ok(v) if v.is_finite() => v,
                _ => {
                    report(column, ProblemKind::BadNumber { value: raw.to_owned() });
                    0.0
                }
            }
        };
        let x = number("x", c_x);
        let y = number("y", c_y);
        let rank = match get(c_rank) {
            "" => None,
            _ => Some(number("rank", c_rank)),
        };
        let mut flags = SeatFlags::empty();
        for name in get(c_flags).split('|').map(str::trim).filter(|s| !s.is_empty()) {
            match SeatFlags::from_name(&name.to_ascii_lowercase()) {
                Some(f) => flags = flags.union(f),
                None => report("flags", ProblemKind::UnknownFlag(name.to_owned())),
            }
        }
        let id = match get(c_id) {
            "" => None,
            raw => match uuid::Uuid::parse_str(raw) {
                Ok(u) => Some(SeatId(u)),
                Err(_) => {
                    report("id", ProblemKind::BadId(raw.to_owned()));
                    None
                }
            },
        };

        let section_label = get(c_section);
        let si = *section_index.entry(section_label.to_owned()).or_insert_with(|| {
            draft.sections.push(SectionDraft { label: section_label.to_owned(), priority: 0, rows: Vec::new() });
            row_index.push(HashMap::new());
            lines.push(Vec::new());
            draft.sections.len() - 1
        });
        let row_label = get(c_row);
        let section = &mut draft.sections[si];
        let ri = *row_index[si].entry(row_label.to_owned()).or_insert_with(|| {
            section.rows.push(RowDraft { label: row_label.to_owned(), seats: Vec::new() });
            lines[si].push(Vec::new());
            section.rows.len() - 1
        });
        section.rows[ri].seats.push(SeatDraft {
            id,
            label: get(c_seat).to_owned(),
            x,
            y,
            category: get(c_category).to_owned(),
            flags,
            rank,
        });
        lines[si][ri].push(line);
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let first_line = body[0].line;
    let locate = |site: Site, field: Option<&'static str>| {
        let line = match site {
            Site::Map | Site::Area(_) => return Location::Document,
            Site::Section(s) => lines.get(s).and_then(|r| r.first()).and_then(|k| k.first()),
            Site::Row(s, r) => lines.get(s).and_then(|x| x.get(r)).and_then(|k| k.first()),
            Site::Seat(s, r, k) => lines.get(s).and_then(|x| x.get(r)).and_then(|x| x.get(k)),
        };
        let column = field.map(|f| match (site, f) {
            (Site::Section(_), "label") => "section".to_owned(),
            (Site::Row(..), "label") => "row".to_owned(),
            (Site::Seat(..), "label") => "seat".to_owned(),
            (_, other) => other.to_owned(),
        });
        Location::Csv { line: line.copied().unwrap_or(first_line), column }
    };
    SeatMap::build_located(draft, ids, &locate)
}

fn push_field(out: &mut String, value: &str) {
    let needs_quotes =
        value.contains([',', '"', '\n', '\r']) || value.starts_with([' ', '\t']) || value.ends_with([' ', '\t']);
    if needs_quotes {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

/// Writes the map's seats as CSV (areas, priorities and the focal point are
/// not part of CSV). Line breaks are `\n`. A `rank` column is written only
/// if some seat has a rank.
pub fn to_csv(map: &SeatMap, options: &CsvOptions) -> String {
    let with_rank = map.seats().iter().any(|s| s.rank.is_some());
    let mut out = String::with_capacity(map.seat_count() * 48);
    out.push_str("section,row,seat,x,y,category,flags");
    if options.ids {
        out.push_str(",id");
    }
    if with_rank {
        out.push_str(",rank");
    }
    out.push('\n');
    for row in map.rows() {
        let section = &map.sections()[row.section as usize].label;
        for seat in &map.seats()[row.seats.start as usize..row.seats.end as usize] {
            push_field(&mut out, section);
            out.push(',');
            push_field(&mut out, &row.label);
            out.push(',');
            push_field(&mut out, &seat.label);
            // Writing to a String cannot fail.
            let _ = write!(out, ",{},{},", seat.x, seat.y);
            push_field(&mut out, &seat.category);
            out.push(',');
            let flags: Vec<&str> = seat.flags.names().collect();
            out.push_str(&flags.join("|"));
            if options.ids {
                let _ = write!(out, ",{}", seat.id);
            }
            if with_rank {
                out.push(',');
                if let Some(r) = seat.rank {
                    let _ = write!(out, "{r}");
                }
            }
            out.push('\n');
        }
    }
    out
}
