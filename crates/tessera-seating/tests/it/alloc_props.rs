//! Property tests for allocation: best-available agrees with a brute-force
//! oracle on small maps, and the exact-set check accepts exactly the valid sets.

use proptest::prelude::*;
use std::collections::HashSet;
use tessera_seating::*;

#[derive(Clone, Debug)]
struct SeatSpec {
    category_b: bool,
    kind: u8,
    status: SeatStatus,
    rank: Option<i8>,
}

fn seat_spec() -> impl Strategy<Value = SeatSpec> {
    (any::<bool>(), 0u8..10, 0u8..6, prop::option::weighted(0.15, -5i8..5)).prop_map(
        |(category_b, kind, status, rank)| SeatSpec {
            category_b,
            kind,
            status: match status {
                0..=2 => SeatStatus::Available,
                3 => SeatStatus::Held,
                4 => SeatStatus::Sold,
                _ => SeatStatus::Blocked,
            },
            rank,
        },
    )
}

type SectionSpec = (i32, Vec<Vec<SeatSpec>>);

fn build(sections: &[SectionSpec], focal: (i8, i8)) -> (SeatMap, Vec<SeatStatus>) {
    let mut statuses = Vec::new();
    let draft = MapDraft {
        name: String::new(),
        focal_point: Some(Point { x: focal.0 as f64, y: focal.1 as f64 }),
        sections: sections
            .iter()
            .enumerate()
            .map(|(si, (priority, rows))| SectionDraft {
                label: si.to_string(),
                priority: *priority,
                rows: rows
                    .iter()
                    .enumerate()
                    .map(|(ri, seats)| RowDraft {
                        label: ri.to_string(),
                        seats: seats
                            .iter()
                            .enumerate()
                            .map(|(k, s)| {
                                statuses.push(s.status);
                                SeatDraft {
                                    id: None,
                                    label: k.to_string(),
                                    x: k as f64,
                                    y: (si * 10 + ri) as f64,
                                    category: if s.category_b { "B".into() } else { "A".into() },
                                    flags: match s.kind {
                                        7 => SeatFlags::WHEELCHAIR,
                                        8 => SeatFlags::COMPANION,
                                        9 => SeatFlags::AISLE,
                                        _ => SeatFlags::empty(),
                                    },
                                    rank: s.rank.map(f64::from),
                                }
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
        areas: Vec::new(),
    };
    (SeatMap::build(draft, &mut IdGen::seeded(1)).unwrap(), statuses)
}

/// The oracle's view of one request.
struct Oracle<'a> {
    map: &'a SeatMap,
    statuses: &'a [SeatStatus],
    ranking: Ranking,
    request: &'a Request,
    max_rows: usize,
}

impl Oracle<'_> {
    fn eligible(&self, i: usize) -> bool {
        let seat = &self.map.seats()[i];
        (self.request.categories.is_empty() || self.request.categories.contains(&seat.category))
            && (self.request.wheelchair_spaces > 0 || !seat.flags.contains(SeatFlags::WHEELCHAIR))
            && (self.request.companion_seats || !seat.flags.contains(SeatFlags::COMPANION))
    }

    /// Aisle between seat i and seat i + 1 of the same row.
    fn gap_after(&self, i: usize) -> bool {
        let s = self.map.seats();
        s[i].flags.contains(SeatFlags::AISLE) && s[i + 1].flags.contains(SeatFlags::AISLE)
    }

    /// (start, end) of the block holding seat i.
    fn block(&self, i: usize) -> (usize, usize) {
        let row = self.map.row_of(SeatIndex(i as u32));
        let (rs, re) = (row.seats.start as usize, row.seats.end as usize);
        let mut start = i;
        while start > rs && !self.gap_after(start - 1) {
            start -= 1;
        }
        let mut end = i + 1;
        while end < re && !self.gap_after(end - 1) {
            end += 1;
        }
        (start, end)
    }

    fn orphans(&self, chosen: &[usize]) -> u32 {
        let set: HashSet<usize> = chosen.iter().copied().collect();
        let blocks: HashSet<(usize, usize)> = chosen.iter().map(|&i| self.block(i)).collect();
        let free = |i: usize, after: bool| self.statuses[i] == SeatStatus::Available && !(after && set.contains(&i));
        let mut n = 0;
        for (start, end) in blocks {
            for i in start..end {
                let alone = |after: bool| {
                    free(i, after) && (i == start || !free(i - 1, after)) && (i + 1 == end || !free(i + 1, after))
                };
                if alone(true) && !alone(false) {
                    n += 1;
                }
            }
        }
        n
    }

    /// (orphans, rows, priority, cost) if `chosen` (sorted) is an allowed shape.
    fn score(&self, chosen: &[usize]) -> Option<(u32, usize, i32, f64)> {
        let wheelchair =
            chosen.iter().filter(|&&i| self.map.seats()[i].flags.contains(SeatFlags::WHEELCHAIR)).count() as u32;
        if wheelchair != self.request.wheelchair_spaces {
            return None;
        }
        let mut rows: Vec<u32> = chosen.iter().map(|&i| self.map.row_index_of(SeatIndex(i as u32))).collect();
        rows.dedup();
        if rows.len() > self.max_rows || rows.windows(2).any(|w| w[1] != w[0] + 1) {
            return None;
        }
        let section = self.map.rows()[rows[0] as usize].section;
        if rows.iter().any(|&r| self.map.rows()[r as usize].section != section) {
            return None;
        }
        for w in chosen.windows(2) {
            let same_row =
                self.map.row_index_of(SeatIndex(w[0] as u32)) == self.map.row_index_of(SeatIndex(w[1] as u32));
            if same_row && (w[1] != w[0] + 1 || self.gap_after(w[0])) {
                return None;
            }
        }
        let cost = chosen.iter().map(|&i| self.ranking.costs()[i]).sum();
        Some((self.orphans(chosen), rows.len(), self.ranking.section_priority(section as usize), cost))
    }

    fn best(&self) -> Option<(u32, usize, i32, f64)> {
        let pool: Vec<usize> = (0..self.map.seat_count())
            .filter(|&i| self.statuses[i] == SeatStatus::Available && self.eligible(i))
            .collect();
        let n = self.request.count as usize;
        let mut best: Option<(u32, usize, i32, f64)> = None;
        let mut chosen = Vec::with_capacity(n);
        fn walk(
            o: &Oracle<'_>,
            pool: &[usize],
            n: usize,
            from: usize,
            chosen: &mut Vec<usize>,
            best: &mut Option<(u32, usize, i32, f64)>,
        ) {
            if chosen.len() == n {
                if let Some(s) = o.score(chosen) {
                    let wins = best.is_none_or(|b| {
                        (s.0, s.1, s.2) < (b.0, b.1, b.2) || ((s.0, s.1, s.2) == (b.0, b.1, b.2) && s.3 < b.3)
                    });
                    if wins {
                        *best = Some(s);
                    }
                }
                return;
            }
            for k in from..pool.len() {
                chosen.push(pool[k]);
                walk(o, pool, n, k + 1, chosen, best);
                chosen.pop();
            }
        }
        walk(self, &pool, n, 0, &mut chosen, &mut best);
        best
    }
}

fn request_strategy() -> impl Strategy<Value = Request> {
    (1u32..5, 0u8..4, 0u8..5, any::<bool>(), 0u8..4).prop_map(|(count, cats, wc, companion, together)| {
        let mut r = Request::new(count);
        r.categories = match cats {
            0 => vec![],
            1 => vec!["A".into()],
            2 => vec!["B".into()],
            _ => vec!["A".into(), "B".into()],
        };
        r.wheelchair_spaces = if wc == 0 { 1 } else { 0 };
        r.companion_seats = companion;
        r.together = match together {
            0 => Together::SameRow,
            k => Together::AdjacentRows { max_rows: u32::from(k) + 1 },
        };
        r
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn best_available_agrees_with_brute_force(
        sections in prop::collection::vec(
            (-1i32..2, prop::collection::vec(prop::collection::vec(seat_spec(), 1..7), 1..4)),
            1..3,
        ),
        focal in (-2i8..8, -3i8..25),
        request in request_strategy(),
    ) {
        let (map, statuses) = build(&sections, focal);
        // Only ask for categories the map has (unknown ones are an error of their own).
        let known = map.categories();
        prop_assume!(request.categories.iter().all(|c| known.contains(&c.as_str())));
        let ranking = Ranking::from_map(&map);
        let allocator = Allocator::new(&map, &ranking);
        let max_rows = match request.together {
            _ if request.wheelchair_spaces > 0 => 1,
            Together::SameRow => 1,
            Together::AdjacentRows { max_rows } => max_rows as usize,
        };
        let oracle = Oracle { map: &map, statuses: &statuses, ranking, request: &request, max_rows };
        let expected = oracle.best();
        match allocator.best_available(&statuses, &request) {
            Ok(a) => {
                let chosen: Vec<usize> = a.seats.iter().map(|s| s.get()).collect();
                // Exactly N distinct seats, all available and eligible.
                prop_assert_eq!(chosen.len(), request.count as usize);
                prop_assert!(chosen.windows(2).all(|w| w[0] < w[1]));
                for &i in &chosen {
                    prop_assert_eq!(statuses[i], SeatStatus::Available);
                    prop_assert!(oracle.eligible(i), "seat {} is not eligible", i);
                }
                let got = oracle.score(&chosen);
                prop_assert!(got.is_some(), "shape not allowed: {:?}", chosen);
                let got = got.unwrap();
                prop_assert_eq!(got.0, a.orphans_created);
                prop_assert_eq!(allocator.orphans_created(&statuses, &a.seats), a.orphans_created);
                let want = expected.unwrap();
                // Never strands a seat when some allowed choice does not.
                if want.0 == 0 {
                    prop_assert_eq!(a.orphans_created, 0);
                }
                prop_assert_eq!((got.0, got.1, got.2), (want.0, want.1, want.2));
                prop_assert!(got.3 <= want.3 + 1e-9, "cost {} > best {}", got.3, want.3);
                prop_assert!((got.3 - a.cost).abs() < 1e-9);
            }
            Err(e) => {
                prop_assert!(expected.is_none(), "refused ({}) but {:?} exists", e, expected);
                let eligible: Vec<usize> = (0..map.seat_count())
                    .filter(|&i| statuses[i] == SeatStatus::Available && oracle.eligible(i))
                    .collect();
                let available = eligible.len() as u32;
                let wheelchair = eligible
                    .iter()
                    .filter(|&&i| map.seats()[i].flags.contains(SeatFlags::WHEELCHAIR))
                    .count() as u32;
                if available < request.count {
                    prop_assert_eq!(e, AllocError::NotEnoughSeats { requested: request.count, available });
                } else if wheelchair < request.wheelchair_spaces {
                    prop_assert_eq!(e, AllocError::NotEnoughWheelchairSpaces { requested: request.wheelchair_spaces, available: wheelchair });
                } else {
                    prop_assert_eq!(e, AllocError::NotTogether { requested: request.count, available });
                }
            }
        }
    }

    #[test]
    fn exact_check_accepts_exactly_the_valid_sets(
        sections in prop::collection::vec((0i32..1, prop::collection::vec(prop::collection::vec(seat_spec(), 1..6), 1..3)), 1..2),
        picks in prop::collection::vec(0usize..40, 0..6),
        foreign in any::<bool>(),
    ) {
        let (map, statuses) = build(&sections, (0, 0));
        let mut ids: Vec<SeatId> = picks.iter().map(|&p| map.seats()[p % map.seat_count()].id).collect();
        if foreign {
            ids.push(SeatId(uuid::Uuid::from_u128(7)));
        }
        let distinct: HashSet<SeatId> = ids.iter().copied().collect();
        let all_free = ids.iter().all(|id| map.index_of(*id).is_some_and(|i| statuses[i.get()] == SeatStatus::Available));
        let valid = !ids.is_empty() && distinct.len() == ids.len() && all_free;
        match check_exact(&map, &statuses, &ids) {
            Ok(seats) => {
                prop_assert!(valid);
                prop_assert_eq!(seats.len(), ids.len());
            }
            Err(e) => {
                prop_assert!(!valid);
                for p in &e.problems {
                    match p {
                        ExactProblem::Duplicate(id) => prop_assert!(ids.iter().filter(|x| *x == id).count() > 1),
                        ExactProblem::Unknown(id) => prop_assert!(map.index_of(*id).is_none()),
                        ExactProblem::NotAvailable { id, .. } => {
                            let i = map.index_of(*id).unwrap();
                            prop_assert_ne!(statuses[i.get()], SeatStatus::Available);
                        }
                        ExactProblem::Empty => prop_assert!(ids.is_empty()),
                    }
                }
            }
        }
    }
}
