use tessera_seating::*;

/// A one-section hall drawn as text, one string per row, front row first:
/// `.` available, `x` sold, `h` held, `b` blocked, `w` wheelchair space,
/// `c` companion seat, `B` a seat of category "B" (others are "A"), and `|`
/// an aisle between the seats on either side. The stage is in front of the
/// middle of the front row.
fn hall(rows: &[&str]) -> (SeatMap, Vec<SeatStatus>) {
    let mut statuses = Vec::new();
    let mut draft = MapDraft {
        name: "test".into(),
        focal_point: None,
        sections: vec![SectionDraft { label: "S".into(), priority: 0, rows: Vec::new() }],
        areas: Vec::new(),
    };
    let mut widest = 0.0f64;
    for (r, text) in rows.iter().enumerate() {
        let mut seats: Vec<SeatDraft> = Vec::new();
        let mut aisle_next = false;
        for ch in text.chars() {
            if ch == '|' {
                if let Some(last) = seats.last_mut() {
                    last.flags = last.flags.union(SeatFlags::AISLE);
                }
                aisle_next = true;
                continue;
            }
            let mut flags = SeatFlags::empty();
            if aisle_next {
                flags = flags.union(SeatFlags::AISLE);
                aisle_next = false;
            }
            match ch {
                'w' => flags = flags.union(SeatFlags::WHEELCHAIR),
                'c' => flags = flags.union(SeatFlags::COMPANION),
                _ => {}
            }
            statuses.push(match ch {
                'x' => SeatStatus::Sold,
                'h' => SeatStatus::Held,
                'b' => SeatStatus::Blocked,
                _ => SeatStatus::Available,
            });
            seats.push(SeatDraft {
                id: None,
                label: (seats.len() + 1).to_string(),
                x: seats.len() as f64,
                y: r as f64 + 1.0,
                category: if ch == 'B' { "B".into() } else { "A".into() },
                flags,
                rank: None,
            });
        }
        widest = widest.max(seats.len() as f64);
        draft.sections[0].rows.push(RowDraft { label: generate::row_letters(r as u32), seats });
    }
    draft.focal_point = Some(Point { x: (widest - 1.0) / 2.0, y: 0.0 });
    (SeatMap::build(draft, &mut IdGen::seeded(3)).unwrap(), statuses)
}

fn labels(map: &SeatMap, a: &Allocation) -> Vec<String> {
    a.seats.iter().map(|s| format!("{}{}", map.row_of(*s).label, map.seat(*s).label)).collect()
}

fn best(rows: &[&str], request: Request) -> Result<Vec<String>, AllocError> {
    let (map, statuses) = hall(rows);
    let allocator = Allocator::new(&map, &Ranking::from_map(&map));
    let a = allocator.best_available(&statuses, &request)?;
    assert_eq!(allocator.orphans_created(&statuses, &a.seats), a.orphans_created);
    Ok(labels(&map, &a))
}

#[test]
fn an_empty_hall_gives_the_middle_of_the_front_row() {
    assert_eq!(best(&["........", "........"], Request::new(4)).unwrap(), ["A3", "A4", "A5", "A6"]);
}

#[test]
fn the_best_window_is_skipped_when_it_would_strand_a_seat() {
    // Centre window 3-5 would leave seats 2 and 6 alone.
    let got = best(&["x.....x"], Request::new(3)).unwrap();
    assert!(got == ["A2", "A3", "A4"] || got == ["A4", "A5", "A6"], "{got:?}");
}

#[test]
fn stranding_is_avoided_even_at_the_cost_of_a_worse_row() {
    assert_eq!(best(&["xx....x", "......."], Request::new(3)).unwrap(), ["B3", "B4", "B5"]);
    // Held seats strand like sold ones.
    assert_eq!(best(&["h....h.", "......."], Request::new(3)).unwrap(), ["B3", "B4", "B5"]);
}

#[test]
fn when_stranding_is_unavoidable_the_party_still_gets_seats() {
    let (map, statuses) = hall(&["x....x"]);
    let allocator = Allocator::new(&map, &Ranking::from_map(&map));
    let a = allocator.best_available(&statuses, &Request::new(3)).unwrap();
    assert_eq!((a.rows, a.orphans_created), (1, 1));
}

#[test]
fn a_party_never_sits_across_an_aisle() {
    let err = best(&["....|...."], Request::new(5)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "8 seats are available but no 5 of them sit together; pick seats individually or ask for fewer"
    );
    // A seat left between the party and the aisle is stranded too.
    assert_eq!(best(&["...|...."], Request::new(3)).unwrap(), ["A1", "A2", "A3"]);
}

#[test]
fn a_party_is_split_over_adjacent_rows_when_no_row_fits() {
    let got = best(&["xx..xx", "xx..xx", "xx....xx"], Request::new(4).together(Together::AdjacentRows { max_rows: 2 }));
    // Row C fits all four: one row beats a split, even further back.
    assert_eq!(got.unwrap(), ["C3", "C4", "C5", "C6"]);
    let got = best(&["xx..xx", "xx..xx", "x.xx.x"], Request::new(4)).unwrap();
    assert_eq!(got, ["A3", "A4", "B3", "B4"]);
    let err = best(&["xx..xx", "xx..xx"], Request::new(4).together(Together::SameRow)).unwrap_err();
    assert!(matches!(err, AllocError::NotTogether { requested: 4, available: 4 }));
}

#[test]
fn split_rows_must_be_consecutive() {
    let err = best(&["xx..xx", "xxxxxx", "xx..xx"], Request::new(4)).unwrap_err();
    assert!(matches!(err, AllocError::NotTogether { .. }), "{err}");
}

#[test]
fn wheelchair_and_companion_seats_only_when_asked() {
    let rows = ["w.c.....", "........"];
    let got = best(&rows, Request::new(3)).unwrap();
    assert!(!got.contains(&"A1".to_owned()) && !got.contains(&"A3".to_owned()), "{got:?}");
    assert_eq!(best(&rows, Request::new(2).wheelchair(1)).unwrap(), ["A1", "A2"]);
    assert_eq!(best(&["cw..."], Request::new(2).wheelchair(1)).unwrap(), ["A1", "A2"]);
    let err = best(&["c....", "....."], Request::new(2).wheelchair(1)).unwrap_err();
    assert_eq!(err.to_string(), "not enough wheelchair spaces: 1 asked, 0 available in the requested categories");
}

#[test]
fn only_the_requested_categories() {
    let got = best(&["..BB....", "BB......"], Request::new(2).category("B")).unwrap();
    assert_eq!(got, ["A3", "A4"]);
    let err = best(&["..BB....", "BB......"], Request::new(5).category("B")).unwrap_err();
    assert_eq!(err.to_string(), "not enough seats: 5 asked, 4 available in the requested categories");
    let err = best(&["...."], Request::new(1).category("Z")).unwrap_err();
    assert_eq!(err, AllocError::UnknownCategory("Z".into()));
}

#[test]
fn bad_requests_are_refused() {
    let (map, statuses) = hall(&["...."]);
    let allocator = Allocator::new(&map, &Ranking::from_map(&map));
    assert!(matches!(allocator.best_available(&statuses, &Request::new(0)), Err(AllocError::BadCount { .. })));
    assert!(matches!(allocator.best_available(&statuses, &Request::new(17)), Err(AllocError::BadCount { .. })));
    assert!(matches!(
        allocator.best_available(&statuses[1..], &Request::new(1)),
        Err(AllocError::StatusLength { expected: 4, found: 3 })
    ));
    assert!(matches!(
        allocator.best_available(&statuses, &Request::new(1).wheelchair(2)),
        Err(AllocError::BadWheelchair { .. })
    ));
}

#[test]
fn section_priority_beats_distance_and_seat_ranks_replace_it() {
    let (map, statuses) = hall(&["....", "...."]);
    let mut draft = map.to_draft();
    let mut balcony = draft.sections[0].clone();
    balcony.label = "Balcony".into();
    for row in &mut balcony.rows {
        for seat in &mut row.seats {
            seat.id = None;
            seat.y += 20.0;
        }
    }
    draft.sections.push(balcony);
    draft.sections[1].priority = -1;
    let map2 = SeatMap::build(draft, &mut IdGen::seeded(8)).unwrap();
    let statuses2 = [statuses.clone(), statuses.clone()].concat();
    let a = Allocator::new(&map2, &Ranking::from_map(&map2)).best_available(&statuses2, &Request::new(2)).unwrap();
    assert_eq!(map2.labels_of(a.seats[0]).0, "Balcony");

    // An explicit rank on the back row's end seats makes them the best pair.
    let mut draft = map.to_draft();
    draft.sections[0].rows[1].seats[2].rank = Some(-10.0);
    draft.sections[0].rows[1].seats[3].rank = Some(-10.0);
    let map3 = SeatMap::build(draft, &mut IdGen::seeded(8)).unwrap();
    let a = Allocator::new(&map3, &Ranking::from_map(&map3)).best_available(&statuses, &Request::new(2)).unwrap();
    assert_eq!(labels(&map3, &a), ["B3", "B4"]);
}

#[test]
fn exact_sets_are_all_or_nothing_and_name_each_offender() {
    let (map, statuses) = hall(&["..x.b"]);
    let id = |i: usize| map.seats()[i].id;
    assert_eq!(check_exact(&map, &statuses, &[id(1), id(0)]).unwrap(), [SeatIndex(1), SeatIndex(0)]);
    let foreign = SeatId(uuid::Uuid::nil());
    let err = check_exact(&map, &statuses, &[id(0), id(2), id(0), foreign, id(4)]).unwrap_err();
    assert_eq!(
        err.problems,
        [
            ExactProblem::NotAvailable {
                id: id(2),
                label: "section S, row A, seat 3".into(),
                status: SeatStatus::Sold
            },
            ExactProblem::Duplicate(id(0)),
            ExactProblem::Unknown(foreign),
            ExactProblem::NotAvailable {
                id: id(4),
                label: "section S, row A, seat 5".into(),
                status: SeatStatus::Blocked
            },
        ]
    );
    assert!(err.to_string().contains("is requested twice"));
    assert_eq!(check_exact(&map, &statuses, &[]).unwrap_err().problems, [ExactProblem::Empty]);
}
