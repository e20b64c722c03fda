use tessera_seating::*;

fn ids() -> IdGen {
    IdGen::seeded(42)
}

fn sample() -> SeatMap {
    let mut draft = rect_hall(
        &RectHall {
            rows: 3,
            seats_per_row: 8,
            aisle_every: Some(4),
            categories: vec!["A".into(), "B".into()],
            ..RectHall::default()
        },
        &mut ids(),
    )
    .unwrap()
    .to_draft();
    let seat = &mut draft.sections[0].rows[0].seats[0];
    seat.flags = seat.flags.union(SeatFlags::WHEELCHAIR);
    seat.label = "1, \"left\"".into();
    draft.sections[0].rows[1].seats[2].rank = Some(-1.5);
    draft.sections[0].rows[2].seats[3].category = "VIP".into();
    draft.sections[0].priority = 2;
    draft.areas.push(AreaDraft { id: None, name: "Standing".into(), capacity: 300, category: "GA".into() });
    SeatMap::build(draft, &mut ids()).unwrap()
}

fn first_problem(err: &ImportError) -> String {
    err.first().unwrap().to_string()
}

#[test]
fn json_round_trip_keeps_everything() {
    let map = sample();
    for pretty in [false, true] {
        let text = to_json(&map, &JsonOptions { ids: true, pretty });
        let back = from_json(&text, &mut IdGen::seeded(1)).unwrap();
        assert_eq!(back.seats(), map.seats());
        assert_eq!(back.rows(), map.rows());
        assert_eq!(back.sections(), map.sections());
        assert_eq!(back.areas(), map.areas());
        assert_eq!(back.focal_point(), map.focal_point());
    }
}

#[test]
fn json_without_ids_gets_fresh_ids_and_keeps_the_rest() {
    let map = sample();
    let text = to_json(&map, &JsonOptions { ids: false, pretty: false });
    assert!(!text.contains(&map.seats()[0].id.to_string()));
    let back = from_json(&text, &mut IdGen::seeded(1)).unwrap();
    assert_ne!(back.seats()[0].id, map.seats()[0].id);
    assert_eq!(back.seats()[5].label, map.seats()[5].label);
}

#[test]
fn json_writes_a_shared_category_once() {
    let map = rect_hall(&RectHall::default(), &mut ids()).unwrap();
    let text = to_json(&map, &JsonOptions::default());
    assert_eq!(text.matches("\"category\"").count(), 1, "{}", &text[..300]);
}

#[test]
fn csv_round_trip_keeps_seats_and_ids() {
    let map = sample();
    let text = to_csv(&map, &CsvOptions::default());
    assert!(text.starts_with("section,row,seat,x,y,category,flags,id,rank\n"));
    let back = from_csv(&text, &mut IdGen::seeded(1)).unwrap();
    assert_eq!(back.seats(), map.seats());
    assert_eq!(back.rows(), map.rows());
}

#[test]
fn csv_reimport_without_ids_can_reuse_previous_ids_by_label() {
    let map = sample();
    let text = to_csv(&map, &CsvOptions { ids: false });
    let fresh = from_csv(&text, &mut IdGen::seeded(1)).unwrap();
    assert_ne!(fresh.seats()[3].id, map.seats()[3].id);
    let kept = from_csv(&text, &mut IdGen::seeded(1).reusing(&map)).unwrap();
    assert_eq!(kept.seats(), map.seats());
}

#[test]
fn csv_quoting_and_line_numbers() {
    let text = "section,row,seat,x,y,category,flags\n\
                \"Stalls, left\",A,1,0,0,A,\n\
                \"Stalls, left\",A,\"two\nlines\",1,0,A,aisle|wheelchair\n\
                Stalls,A,3,zero,0,A,\n";
    let err = from_csv(text, &mut ids()).unwrap_err();
    // The multi-line record spans lines 3-4, so the bad number is on line 5.
    assert_eq!(first_problem(&err), "line 5, column x: not a number: \"zero\"");
    let ok = text.replace("zero", "2");
    let map = from_csv(&ok, &mut ids()).unwrap();
    assert_eq!(map.sections()[0].label, "Stalls, left");
    assert_eq!(map.seats()[1].label, "two\nlines");
    assert!(map.seats()[1].flags.contains(SeatFlags::WHEELCHAIR.union(SeatFlags::AISLE)));
}

#[test]
fn csv_errors_name_the_line_and_column() {
    let header = "section,row,seat,x,y,category,flags\n";
    let cases = [
        (
            format!("{header}S,A,1,0,0,A,\nS,A,1,1,0,A,\n"),
            "line 3, column seat: seat S/A/1 appears twice (first at line 2)",
        ),
        (format!("{header}S,A,1,0,0,A,sparkly\n"), "line 2, column flags: unknown flag \"sparkly\""),
        (format!("{header}S,A,1,0,0,A\n"), "line 2: expected 7 fields, found 6"),
        (format!("{header}S,A,1,NaN,0,A,\n"), "line 2, column x: not a number: \"NaN\""),
        (format!("{header}S,A,,0,0,A,\n"), "line 2, column seat: must not be empty"),
        (format!("{header}S,A,1,0,0,,\n"), "line 2, column category: must not be empty"),
        (format!("{header}S,A,1,0,0,A,\nS,A,2,0,0,A,\"oops\n"), "line 3: malformed CSV: quoted field is never closed"),
        (format!("{header}S,A,1\"x,0,0,A,\n"), "line 2: malformed CSV: a quote inside an unquoted field"),
        ("section,row,seat,x,y,flags\nS,A,1,0,0,\n".to_owned(), "line 1: missing column `category` in the header"),
        ("section,row,seat,x,y,category,flags,colour\n".to_owned(), "line 1, column colour: unknown column \"colour\""),
        (header.to_owned(), "map: the map has no seats and no areas"),
        (String::new(), "map: the map has no seats and no areas"),
        (
            format!("{header}S,A,1,0,0,A,,not-a-uuid\n").replace("flags\n", "flags,id\n"),
            "line 2, column id: not a UUID: \"not-a-uuid\"",
        ),
    ];
    for (text, expected) in cases {
        let err = from_csv(&text, &mut ids()).unwrap_err();
        let got = first_problem(&err);
        assert!(got.starts_with(expected), "{text:?}\n got: {got}\nwant: {expected}");
    }
}

#[test]
fn csv_reports_every_problem_not_just_the_first() {
    let text = "section,row,seat,x,y,category,flags\nS,A,1,x,0,A,\nS,A,2,0,y,A,bad\n";
    let err = from_csv(text, &mut ids()).unwrap_err();
    assert_eq!(err.problems.len(), 3, "{err}");
}

#[test]
fn json_errors_name_the_path() {
    let seat = |extra: &str| {
        format!(
            r#"{{"format":"tessera-seat-map","version":1,"sections":[{{"label":"S","category":"A","rows":[{{"label":"A","seats":[{{"label":"1","x":0,"y":0}},{extra}]}}]}}]}}"#
        )
    };
    let cases = [
        (seat(r#"{"label":"2","y":0}"#), "sections[0].rows[0].seats[1].x: missing field `x`"),
        (seat(r#"{"label":"2","x":"left","y":0}"#), "sections[0].rows[0].seats[1].x: malformed JSON: invalid type: string \"left\""),
        (seat(r#"{"label":"2","x":0,"y":0,"flags":["gold"]}"#), "sections[0].rows[0].seats[1].flags: unknown flag \"gold\""),
        (seat(r#"{"label":"1","x":1,"y":0}"#), "sections[0].rows[0].seats[1].label: seat S/A/1 appears twice (first at sections[0].rows[0].seats[0])"),
        (seat(r#"{"label":"2","x":0,"y":0,"colour":"red"}"#), "sections[0].rows[0].seats[1].colour: malformed JSON: unknown field `colour`"),
        (r#"{"format":"tessera-seat-map","version":2,"sections":[]}"#.to_owned(), "version: unsupported version 2"),
        (r#"{"format":"other","version":1}"#.to_owned(), "format: not a Tessera seat map"),
        (r#"{"format":"tessera-seat-map","version":1,"sections":[]}"#.to_owned(), "map: the map has no seats and no areas"),
        (r#"{"format":"tessera-seat-map","version":1,"sections":[{"label":"S","category":"A","rows":[{"label":"A","seats":[]},{"label":"B","seats":[{"label":"1","x":0,"y":0}]}]}]}"#.to_owned(), "sections[0].rows[0].seats: has no seats"),
        (r#"{"format":"tessera-seat-map","version":1,"sections":[{"label":"S","rows":[{"label":"A","seats":[{"label":"1","x":0,"y":0}]}]}]}"#.to_owned(), "sections[0].rows[0].seats[0].category: missing field `category`"),
        ("nope".to_owned(), "document: malformed JSON: expected ident"),
        (r#"{"format":"tessera-seat-map","version":1,"areas":[{"name":"Floor","capacity":0,"category":"GA"}]}"#.to_owned(), "areas[0].capacity: capacity must be at least 1"),
    ];
    for (text, expected) in cases {
        let err = from_json(&text, &mut ids()).unwrap_err();
        let got = first_problem(&err);
        assert!(got.starts_with(expected), "{text}\n got: {got}\nwant: {expected}");
    }
}

#[test]
fn duplicate_ids_are_refused() {
    let map = sample();
    let mut draft = map.to_draft();
    draft.sections[0].rows[1].seats[0].id = draft.sections[0].rows[0].seats[1].id;
    let err = SeatMap::build(draft, &mut ids()).unwrap_err();
    let got = first_problem(&err);
    assert!(got.starts_with("sections[0].rows[1].seats[0].id: id "), "{got}");
    assert!(got.ends_with("(first at sections[0].rows[0].seats[1])"), "{got}");
}

#[test]
fn a_map_of_only_standing_areas_is_valid() {
    let text = r#"{"format":"tessera-seat-map","version":1,"areas":[{"name":"Floor","capacity":800,"category":"GA"}]}"#;
    let map = from_json(text, &mut ids()).unwrap();
    assert_eq!(map.seat_count(), 0);
    assert_eq!(map.areas()[0].capacity, 800);
}

/// The examples in docs/seat-map-format.md are real, importable documents.
#[test]
fn the_format_documents_examples_import() {
    let doc = include_str!("../../../../docs/seat-map-format.md");
    let block = |lang: &str| {
        let start = doc.find(&format!("```{lang}\n")).unwrap() + lang.len() + 4;
        let end = start + doc[start..].find("```").unwrap();
        doc[start..end].to_owned()
    };
    let map = from_json(&block("json"), &mut ids()).unwrap();
    assert_eq!(map.seat_count(), 3);
    assert_eq!(map.seats()[2].category, "B");
    assert_eq!(map.seats()[0].category, "A");
    assert_eq!(map.areas()[0].capacity, 500);
    let map = from_csv(&block("csv"), &mut ids()).unwrap();
    assert_eq!(map.seat_count(), 4);
    assert_eq!(map.seats()[3].label, "1 \"north\"");
    assert_eq!(map.sections()[1].label, "Stalls, left");
}

#[test]
fn a_seat_whose_ticket_label_would_not_fit_a_ticket_code_is_refused_by_name() {
    // Each part is within the 64-byte limit, but together they are longer
    // than a ticket code's label: the map is refused instead of the label
    // being cut on the tickets (which could drop the seat number).
    let section = "Upper Circle East Balcony Left";
    let text = format!(
        "section,row,seat,x,y,category,flags\n{section},AA,12,0,0,A,\n{section},AA,3,1,0,A,\nStalls,B,1,0,5,A,\n"
    );
    let err = from_csv(&text, &mut ids()).unwrap_err();
    let full = ticket_label(section, "AA", "12");
    assert!(full.len() > MAX_TICKET_LABEL_LEN, "the test's label must be too long: {full}");
    assert_eq!(
        first_problem(&err),
        format!(
            "line 2, column seat: the seat's ticket label {full:?} is {} bytes; a ticket code carries at most 48: shorten the section, row or seat label",
            full.len()
        )
    );
    assert_eq!(err.problems.len(), 2, "both seats of the long section are named: {err:?}");
    let json = to_json(&from_csv(&text.replace(section, "Upper Circle"), &mut ids()).unwrap(), &JsonOptions::default())
        .replace("Upper Circle", section);
    let err = from_json(&json, &mut ids()).unwrap_err();
    assert!(first_problem(&err).starts_with("sections[0].rows[0].seats[0].label: the seat's ticket label"), "{err:?}");
    // A label of exactly the limit fits, whole.
    let fits = "S".repeat(48 - ticket_label("", "AA", "12").len());
    let map = from_csv(&text.replace(section, &fits), &mut ids()).unwrap();
    assert_eq!(map.ticket_label(SeatIndex(0)).len(), 48);
}
