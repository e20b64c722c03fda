//! Property tests for the formats: the parsers never panic, and exports
//! re-import unchanged.

use proptest::prelude::*;
use tessera_seating::*;

// ---------------------------------------------------------------- parsers

const VALID_CSV: &str = "section,row,seat,x,y,category,flags,id\n\
    S,A,1,0,0,A,aisle,0190b4c2-0000-7000-8000-000000000001\n\
    \"S, 2\",B,\"x\"\"y\",1.5,-2,B,wheelchair|companion,\n";

fn valid_json() -> String {
    let map = rect_hall(
        &RectHall { rows: 2, seats_per_row: 3, aisle_every: Some(2), ..RectHall::default() },
        &mut IdGen::seeded(1),
    )
    .unwrap();
    to_json(&map, &JsonOptions::default())
}

fn mutate(text: &str, edits: &[(usize, u8, char)]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for &(pos, op, c) in edits {
        if chars.is_empty() {
            chars.push(c);
            continue;
        }
        let at = pos % chars.len();
        match op % 3 {
            0 => chars.insert(at, c),
            1 => {
                chars.remove(at);
            }
            _ => chars[at] = c,
        }
    }
    chars.into_iter().collect()
}

fn structural_char() -> impl Strategy<Value = char> {
    prop::sample::select(vec![
        ',', '"', '\n', '\r', '|', '{', '}', '[', ']', ':', '.', '-', 'e', '1', '0', ' ', 'a', '\u{feff}', 'é',
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parsers_never_panic_on_arbitrary_text(text in any::<String>()) {
        let _ = from_json(&text, &mut IdGen::seeded(1));
        let _ = from_csv(&text, &mut IdGen::seeded(1));
    }

    #[test]
    fn parsers_never_panic_on_format_like_text(text in "[a-z0-9,\"\n\r|{}:. \\[\\]-]{0,300}") {
        let _ = from_json(&text, &mut IdGen::seeded(1));
        let _ = from_csv(&text, &mut IdGen::seeded(1));
    }

    #[test]
    fn parsers_never_panic_on_damaged_documents(
        edits in prop::collection::vec((any::<usize>(), any::<u8>(), structural_char()), 1..6)
    ) {
        let json = mutate(&valid_json(), &edits);
        if let Err(e) = from_json(&json, &mut IdGen::seeded(1)) {
            prop_assert!(!e.problems.is_empty());
        }
        let csv = mutate(VALID_CSV, &edits);
        if let Err(e) = from_csv(&csv, &mut IdGen::seeded(1)) {
            prop_assert!(!e.problems.is_empty());
        }
    }
}

// ---------------------------------------------------------------- round trips

fn label_text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 ,\"|\n-]{0,5}"
}

fn draft_strategy() -> impl Strategy<Value = MapDraft> {
    let seat =
        (label_text(), -1e6f64..1e6, -1e6f64..1e6, "[A-C ,\"]{1,3}", 0u8..16, prop::option::of(-100.0f64..100.0));
    let row = (label_text(), prop::collection::vec(seat, 1..5));
    let section = (label_text(), -3i32..3, prop::collection::vec(row, 1..4));
    prop::collection::vec(section, 1..3).prop_map(|sections| MapDraft {
        name: "m".into(),
        focal_point: Some(Point { x: 1.0, y: -2.0 }),
        sections: sections
            .into_iter()
            .enumerate()
            .map(|(si, (label, priority, rows))| SectionDraft {
                label: format!("S{si}{label}"),
                priority,
                rows: rows
                    .into_iter()
                    .enumerate()
                    .map(|(ri, (label, seats))| RowDraft {
                        label: format!("{label}R{ri}"),
                        seats: seats
                            .into_iter()
                            .enumerate()
                            .map(|(k, (label, x, y, category, flags, rank))| SeatDraft {
                                id: None,
                                label: format!("{k}{label}"),
                                x,
                                y,
                                category: format!("c{category}"),
                                flags: SeatFlags::NAMED
                                    .iter()
                                    .enumerate()
                                    .filter(|(i, _)| flags & (1 << i) != 0)
                                    .fold(SeatFlags::empty(), |acc, (_, (f, _))| acc.union(*f)),
                                rank,
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
        areas: Vec::new(),
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn exports_reimport_unchanged(draft in draft_strategy()) {
        let map = SeatMap::build(draft, &mut IdGen::seeded(5)).unwrap();
        let json = to_json(&map, &JsonOptions::default());
        let back = from_json(&json, &mut IdGen::seeded(6)).unwrap();
        prop_assert_eq!(back.sections(), map.sections());
        prop_assert_eq!(back.rows(), map.rows());
        // serde_json (without its `float_roundtrip` feature) may read a
        // number back one unit in the last place off; everything else is exact.
        let close = |a: f64, b: f64| (a - b).abs() <= 4.0 * f64::EPSILON * a.abs().max(b.abs());
        for (a, b) in back.seats().iter().zip(map.seats()) {
            prop_assert_eq!((&a.id, &a.label, &a.category, a.flags), (&b.id, &b.label, &b.category, b.flags));
            prop_assert!(close(a.x, b.x) && close(a.y, b.y), "{:?} {:?}", a, b);
            prop_assert_eq!(a.rank.is_some(), b.rank.is_some());
            prop_assert!(close(a.rank.unwrap_or(0.0), b.rank.unwrap_or(0.0)));
        }
        let csv = to_csv(&map, &CsvOptions::default());
        let back = from_csv(&csv, &mut IdGen::seeded(6)).unwrap();
        prop_assert_eq!(back.seats(), map.seats());
        prop_assert_eq!(back.rows(), map.rows());
    }
}
