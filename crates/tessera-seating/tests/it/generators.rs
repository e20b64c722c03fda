use tessera_seating::*;

#[test]
fn rectangular_hall_has_rows_of_seats_and_aisles_where_asked() {
    let spec = RectHall { rows: 3, seats_per_row: 10, aisle_every: Some(4), ..RectHall::default() };
    let map = rect_hall(&spec, &mut IdGen::seeded(1)).unwrap();
    assert_eq!(map.seat_count(), 30);
    assert_eq!(map.rows().iter().map(|r| r.label.as_str()).collect::<Vec<_>>(), ["A", "B", "C"]);
    let aisle: Vec<&str> =
        map.seats()[0..10].iter().filter(|s| s.flags.contains(SeatFlags::AISLE)).map(|s| s.label.as_str()).collect();
    assert_eq!(aisle, ["4", "5", "8", "9"]);
    // The aisle is a real gap in the drawing too.
    let x = |i: usize| map.seats()[i].x;
    assert!(x(4) - x(3) > 1.5 * (x(1) - x(0)));
}

#[test]
fn row_letters_go_past_z() {
    use tessera_seating::generate::row_letters;
    assert_eq!(row_letters(0), "A");
    assert_eq!(row_letters(25), "Z");
    assert_eq!(row_letters(26), "AA");
    assert_eq!(row_letters(27), "AB");
}

#[test]
fn curved_rows_grow_towards_the_back() {
    let map = curved_hall(&CurvedHall::default(), &mut IdGen::seeded(1)).unwrap();
    let lens: Vec<u32> = map.rows().iter().map(|r| r.seats.end - r.seats.start).collect();
    assert!(lens.windows(2).all(|w| w[1] >= w[0]), "{lens:?}");
    // Every seat of a row is at the row's radius from the stage.
    let first = &map.seats()[0];
    let r0 = first.x.hypot(first.y);
    for s in &map.seats()[map.rows()[0].seats.start as usize..map.rows()[0].seats.end as usize] {
        assert!((s.x.hypot(s.y) - r0).abs() < 0.02);
    }
}

#[test]
fn the_default_stadium_seats_about_eighty_thousand() {
    let spec = Stadium { pitch_standing: 5_000, ..Stadium::default() };
    let map = stadium(&spec, &mut IdGen::seeded(1)).unwrap();
    assert!((79_000..=82_000).contains(&map.seat_count()), "{}", map.seat_count());
    assert_eq!(map.sections().len(), 36);
    assert_eq!(map.areas()[0].capacity, 5_000);
    // Long sides are nearer the centre spot than the ends.
    let ranking = Ranking::from_map(&map);
    let side = map.find("110", "1", "1").unwrap();
    let end = map.find("101", "1", "1").unwrap();
    assert!(ranking.cost(side) < ranking.cost(end));
}

#[test]
fn seeded_ids_are_reproducible() {
    let a = rect_hall(&RectHall::default(), &mut IdGen::seeded(9)).unwrap();
    let b = rect_hall(&RectHall::default(), &mut IdGen::seeded(9)).unwrap();
    assert_eq!(a.seats(), b.seats());
}
