//! Best-available on an ~80,000-seat stadium, 90 % sold.
//!
//! ```text
//! CARGO_TARGET_DIR=/work/target-seat cargo run --release -p tessera-seating \
//!     --example best_available_bench -- /tmp/stadium.json
//! ```
//!
//! Two fills of the same map, each followed by 20,000 timed requests on the
//! fixed 90 %-sold state (requests are NOT applied, so every one sees the
//! same house):
//!
//! - `random`: 90 % of seats sold uniformly at random, the worst case for
//!   finding seats together (most holes are single seats);
//! - `realistic`: the house filled from empty by best-available itself,
//!   parties of 1-6 applied as sold until 90 % is reached (these fill
//!   requests are timed too: the `filling` line).
//!
//! Requests ask for 1-6 seats, a quarter of them any category and the rest
//! one of the categories A, B, C. Every answer is checked: the right number
//! of seats, all available, all of the category.
//!
//! With a path argument, the map is written there as JSON (with ids), and
//! beside it as `<path>.no-ids.json` and `<path>.csv`, so that their
//! compressed size can be measured with `gzip -9 -k`. Seat ids are UUIDv7,
//! as production assigns them. (No compression crate
//! is a dependency of this workspace, so the example reports raw sizes only.)

use std::time::Instant;
use tessera_seating::*;

/// xorshift64*: small, seeded, good enough to scatter seats.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const REQUESTS: usize = 20_000;
const SOLD_FRACTION: f64 = 0.90;

fn request(rng: &mut XorShift) -> Request {
    let count = 1 + rng.below(6) as u32;
    let r = Request::new(count);
    match rng.below(4) {
        0 => r,
        1 => r.category("A"),
        2 => r.category("B"),
        _ => r.category("C"),
    }
}

struct Outcome {
    micros: Vec<f64>,
    one_row: usize,
    split: usize,
    with_orphans: usize,
    refused: usize,
}

impl Outcome {
    fn new() -> Self {
        Self { micros: Vec::new(), one_row: 0, split: 0, with_orphans: 0, refused: 0 }
    }

    fn record(
        &mut self,
        map: &SeatMap,
        statuses: &[SeatStatus],
        req: &Request,
        elapsed_us: f64,
        result: &Result<Allocation, AllocError>,
    ) {
        self.micros.push(elapsed_us);
        match result {
            Ok(a) => {
                assert_eq!(a.seats.len(), req.count as usize);
                for s in &a.seats {
                    assert_eq!(statuses[s.get()], SeatStatus::Available);
                    if let Some(c) = req.categories.first() {
                        assert_eq!(&map.seat(*s).category, c);
                    }
                }
                if a.rows == 1 {
                    self.one_row += 1;
                } else {
                    self.split += 1;
                }
                if a.orphans_created > 0 {
                    self.with_orphans += 1;
                }
            }
            Err(_) => self.refused += 1,
        }
    }

    fn print(&mut self, name: &str) {
        self.micros.sort_by(f64::total_cmp);
        let n = self.micros.len();
        let at = |q: f64| self.micros[((n as f64 * q) as usize).min(n - 1)];
        println!(
            "{name:<22} n={n:>6}  p50={:>8.1} us  p99={:>8.1} us  max={:>8.1} us  \
             (one row {}, split {}, stranding {}, refused {})",
            at(0.50),
            at(0.99),
            self.micros[n - 1],
            self.one_row,
            self.split,
            self.with_orphans,
            self.refused
        );
    }
}

fn timed_fixed_state(name: &str, map: &SeatMap, allocator: &Allocator, statuses: &[SeatStatus], rng: &mut XorShift) {
    let mut out = Outcome::new();
    for _ in 0..REQUESTS {
        let req = request(rng);
        let t = Instant::now();
        let result = allocator.best_available(statuses, &req);
        let us = t.elapsed().as_secs_f64() * 1e6;
        out.record(map, statuses, &req, us, &result);
    }
    out.print(name);
}

fn sold_fraction(statuses: &[SeatStatus]) -> f64 {
    statuses.iter().filter(|s| **s != SeatStatus::Available).count() as f64 / statuses.len() as f64
}

fn main() {
    let out_path = std::env::args().nth(1);

    let t = Instant::now();
    // UUIDv7 ids, as production assigns them: they share their time prefix,
    // which matters for the compressed payload size. Nothing else depends on them.
    let map = stadium(&Stadium::default(), &mut IdGen::v7()).expect("stadium builds");
    println!(
        "stadium: {} seats in {} sections, {} rows; generated in {:.0} ms",
        map.seat_count(),
        map.sections().len(),
        map.rows().len(),
        t.elapsed().as_secs_f64() * 1e3
    );

    let t = Instant::now();
    let json = to_json(&map, &JsonOptions::default());
    let json_ms = t.elapsed().as_secs_f64() * 1e3;
    let json_no_ids = to_json(&map, &JsonOptions { ids: false, pretty: false });
    let csv = to_csv(&map, &CsvOptions::default());
    let t = Instant::now();
    let reparsed = from_json(&json, &mut IdGen::seeded(2)).expect("export re-imports");
    let parse_ms = t.elapsed().as_secs_f64() * 1e3;
    assert_eq!(reparsed.seats(), map.seats());
    println!(
        "payload: JSON {} bytes with ids, {} bytes without; CSV {} bytes; \
         export {json_ms:.0} ms, import {parse_ms:.0} ms",
        json.len(),
        json_no_ids.len(),
        csv.len()
    );
    if let Some(path) = &out_path {
        std::fs::write(path, &json).expect("write JSON");
        std::fs::write(format!("{path}.no-ids.json"), &json_no_ids).expect("write JSON");
        std::fs::write(format!("{path}.csv"), &csv).expect("write CSV");
        println!("wrote {path}, {path}.no-ids.json, {path}.csv");
    }

    let t = Instant::now();
    let allocator = Allocator::new(&map, &Ranking::from_map(&map));
    println!("allocator precomputed in {:.0} ms", t.elapsed().as_secs_f64() * 1e3);

    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);

    // Random fill.
    let mut statuses = vec![SeatStatus::Available; map.seat_count()];
    for s in statuses.iter_mut() {
        if (rng.below(1_000_000) as f64) < SOLD_FRACTION * 1e6 {
            *s = SeatStatus::Sold;
        }
    }
    println!("random fill: {:.1} % sold", sold_fraction(&statuses) * 100.0);
    timed_fixed_state("random 90%", &map, &allocator, &statuses, &mut rng);

    // Realistic fill by best-available itself.
    let mut statuses = vec![SeatStatus::Available; map.seat_count()];
    let target = (map.seat_count() as f64 * SOLD_FRACTION) as usize;
    let mut sold = 0usize;
    let mut fill = Outcome::new();
    let mut attempts = 0usize;
    while sold < target && attempts < 10 * target {
        attempts += 1;
        let req = request(&mut rng);
        let t = Instant::now();
        let result = allocator.best_available(&statuses, &req);
        let us = t.elapsed().as_secs_f64() * 1e6;
        fill.record(&map, &statuses, &req, us, &result);
        if let Ok(a) = result {
            for s in a.seats {
                statuses[s.get()] = SeatStatus::Sold;
                sold += 1;
            }
        }
    }
    fill.print("filling 0->90% (applied)");
    println!("realistic fill: {:.1} % sold", sold_fraction(&statuses) * 100.0);
    timed_fixed_state("realistic 90%", &map, &allocator, &statuses, &mut rng);
}
