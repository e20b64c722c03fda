//! Best-available allocation and the exact-set check.
//!
//! # What "taken" means is the caller's business
//!
//! The allocator reads one [`SeatStatus`] per seat and only ever asks "is
//! this seat available?". For an event, that is the seat's state for the
//! whole event. For a train run sold per segment, the caller folds the sold
//! intervals of each seat into the same slice: a seat is `Available` for a
//! request over segments `[i, j)` when none of its sold or held intervals
//! overlaps `[i, j)`. An event is the one-segment case `[0, 1)`, so nothing
//! here changes when per-segment inventory arrives.
//!
//! # Shape of the map for the allocator
//!
//! Seats are adjacent when they are consecutive in a row's seat order and no
//! aisle separates them. An aisle separates two consecutive seats when both
//! carry the `aisle` flag, so a row is cut into *blocks*; a party is never
//! seated across an aisle, and a single seat left between a taken seat and an
//! aisle is as stranded as one left at the end of a row.
//!
//! # The rules, in order of importance
//!
//! A candidate is a set of `count` available seats of the requested
//! categories, without wheelchair spaces unless asked for (then exactly the
//! number asked), without companion seats unless allowed. Candidates are
//! compared by, in order:
//!
//! 1. **orphans created**: how many available seats the choice leaves alone
//!    between taken seats, an aisle or a row end, where they were not alone
//!    before. Fewer is better, so a choice that strands nobody always wins
//!    over one that does, whatever its shape or rank;
//! 2. **rows used**: the whole party in one block of one row beats a split
//!    over 2 adjacent rows, which beats 3;
//! 3. **section priority** (lower first), then **rank sum**: the sum of the
//!    seats' costs from the [`Ranking`] (distance to the focal point by default);
//! 4. a fixed order among exact ties (seat order within a block), so the
//!    same statuses always give the same answer.
//!
//! A split ([`Together::AdjacentRows`]) puts one contiguous part in each of 2
//! to `max_rows` consecutive rows of one section (front to back as the map
//! lists them), each part inside one block. Parts are not forced to line up
//! horizontally; the rank sum keeps them near the best seats, which are near
//! each other. Requests with wheelchair spaces are only served in one row:
//! a companion split from the person they accompany defeats the purpose.
//! When no candidate exists, the error says whether there are too few seats
//! ([`AllocError::NotEnoughSeats`], with the available count) or too few
//! together ([`AllocError::NotTogether`]). The allocator never scatters a
//! party over the venue; a buyer can still pick seats one by one.
//!
//! # How it stays fast
//!
//! [`Allocator::new`] precomputes, per map: blocks as ranges of seat indices,
//! prefix sums of costs (any window's rank sum in O(1)) and of wheelchair
//! spaces, and, for every party size up to [`MAX_REQUEST_SEATS`], the blocks
//! sorted by section priority and by a lower bound on any window's rank sum
//! (the sum of the block's `count` cheapest seats).
//!
//! A request first walks blocks in that order looking for a stranding-free
//! window in one row, and stops as soon as the next block's bound cannot
//! beat the best window found: on a realistic house, that is a handful of
//! blocks. Only when no such window exists (a nearly full house with
//! scattered holes) does it make one pass over every row, computing per row
//! the best window of every size 1..=count (orphans first, then rank sum),
//! and combining consecutive rows with a small dynamic program over
//! (rows used, seats placed). That pass is linear in the number of seats and
//! cheap per seat, since most of them are taken and skipped with one byte
//! comparison.

use crate::model::{SeatFlags, SeatId, SeatIndex, SeatMap};
use crate::rank::Ranking;
use std::collections::{HashMap, HashSet};

/// Largest party one best-available request may ask for.
pub const MAX_REQUEST_SEATS: u32 = 16;
/// Most rows a split party may be spread over.
pub const MAX_SPLIT_ROWS: u32 = 4;

/// Per-event state of one seat, one byte each in a slice indexed by
/// [`SeatIndex`]. Only `Available` seats are ever allocated.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Hash)]
#[repr(u8)]
pub enum SeatStatus {
    #[default]
    Available = 0,
    /// Set aside for a buyer until the hold expires or becomes an order.
    Held = 1,
    Sold = 2,
    /// Kept back by the organizer (production, press, broken seat).
    Blocked = 3,
}

/// How close together the party must sit.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Together {
    /// One contiguous run of seats in one block of one row, or nothing.
    SameRow,
    /// One row if possible, else one contiguous part in each of 2 to
    /// `max_rows` (at most [`MAX_SPLIT_ROWS`]) consecutive rows of a section.
    AdjacentRows { max_rows: u32 },
}

/// A best-available request.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Request {
    /// Party size, 1..=[`MAX_REQUEST_SEATS`].
    pub count: u32,
    /// Acceptable categories; empty means any.
    pub categories: Vec<String>,
    /// Wheelchair spaces wanted: the result holds exactly this many. With 0,
    /// wheelchair spaces are never returned.
    pub wheelchair_spaces: u32,
    /// Whether companion seats may be returned (usually with a wheelchair
    /// space). With `false`, they never are.
    pub companion_seats: bool,
    pub together: Together,
}

impl Request {
    /// `count` seats of any category, no accessible seating, splits over up
    /// to 2 adjacent rows allowed.
    pub fn new(count: u32) -> Self {
        Self {
            count,
            categories: Vec::new(),
            wheelchair_spaces: 0,
            companion_seats: false,
            together: Together::AdjacentRows { max_rows: 2 },
        }
    }
    /// Adds an acceptable category.
    pub fn category(mut self, category: impl Into<String>) -> Self {
        self.categories.push(category.into());
        self
    }
    /// Asks for `spaces` wheelchair spaces and allows companion seats.
    pub fn wheelchair(mut self, spaces: u32) -> Self {
        self.wheelchair_spaces = spaces;
        self.companion_seats = true;
        self
    }
    /// Sets how close together the party must sit.
    pub fn together(mut self, together: Together) -> Self {
        self.together = together;
        self
    }
}

/// The seats chosen for a request.
#[derive(Clone, PartialEq, Debug)]
pub struct Allocation {
    /// The seats, in seat order (row by row, left to right).
    pub seats: Vec<SeatIndex>,
    /// How many rows the party spans (1 = together in one row).
    pub rows: u32,
    /// Seats this choice leaves stranded (0 whenever any allowed choice does).
    pub orphans_created: u32,
    /// Sum of the seats' costs.
    pub cost: f64,
}

/// Why no seats were allocated.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum AllocError {
    #[error("a request must ask for between 1 and {max} seats, not {requested}")]
    BadCount { requested: u32, max: u32 },
    #[error("{spaces} wheelchair spaces asked for a party of {count}")]
    BadWheelchair { spaces: u32, count: u32 },
    #[error("unknown category {0:?}")]
    UnknownCategory(String),
    #[error("the status slice has {found} entries but the map has {expected} seats")]
    StatusLength { expected: usize, found: usize },
    #[error("not enough seats: {requested} asked, {available} available in the requested categories")]
    NotEnoughSeats { requested: u32, available: u32 },
    #[error("not enough wheelchair spaces: {requested} asked, {available} available in the requested categories")]
    NotEnoughWheelchairSpaces { requested: u32, available: u32 },
    #[error(
        "{available} seats are available but no {requested} of them sit together; pick seats individually or ask for fewer"
    )]
    NotTogether { requested: u32, available: u32 },
}

/// One problem with an explicit seat set.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum ExactProblem {
    #[error("no seats were requested")]
    Empty,
    #[error("seat {0} is requested twice")]
    Duplicate(SeatId),
    #[error("seat {0} is not part of this seat map")]
    Unknown(SeatId),
    #[error("{label} ({id}) is not available: {status:?}")]
    NotAvailable { id: SeatId, label: String, status: SeatStatus },
}

/// Why an explicit seat set cannot be taken: every offending seat.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ExactError {
    pub problems: Vec<ExactProblem>,
}

impl std::fmt::Display for ExactError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "these seats cannot be taken")?;
        for (i, p) in self.problems.iter().enumerate() {
            write!(f, "{}{p}", if i == 0 { ": " } else { "; " })?;
        }
        Ok(())
    }
}

impl std::error::Error for ExactError {}

/// Checks an explicit seat set, all or nothing: every id is in the map, none
/// is repeated, all are available. Returns the seats' indices in request
/// order, or every problem found.
pub fn check_exact(map: &SeatMap, statuses: &[SeatStatus], ids: &[SeatId]) -> Result<Vec<SeatIndex>, ExactError> {
    let mut problems = Vec::new();
    if ids.is_empty() {
        problems.push(ExactProblem::Empty);
    }
    let mut seen = HashSet::with_capacity(ids.len());
    let mut out = Vec::with_capacity(ids.len());
    for &id in ids {
        if !seen.insert(id) {
            if !problems.contains(&ExactProblem::Duplicate(id)) {
                problems.push(ExactProblem::Duplicate(id));
            }
            continue;
        }
        match map.index_of(id) {
            None => problems.push(ExactProblem::Unknown(id)),
            Some(index) => {
                let status = statuses.get(index.get()).copied().unwrap_or(SeatStatus::Blocked);
                if status != SeatStatus::Available {
                    problems.push(ExactProblem::NotAvailable { id, label: map.full_label(index), status });
                }
                out.push(index);
            }
        }
    }
    if problems.is_empty() { Ok(out) } else { Err(ExactError { problems }) }
}

#[derive(Clone, Copy, Debug)]
struct Block {
    start: u32,
    end: u32,
    /// Categories present in the block, one bit per category id (ids from
    /// 63 up share bit 63), so a request skips blocks it cannot use.
    categories: u64,
}

fn category_bit(id: u16) -> u64 {
    1u64 << id.min(63)
}

#[derive(Clone, Debug)]
struct RowPlan {
    section: u32,
    priority: i32,
    /// Range into `blocks`.
    blocks: (u32, u32),
}

#[derive(Clone, Copy, Debug)]
struct Ordered {
    priority: i32,
    bound: f64,
    block: u32,
}

/// Best-available over one map and one ranking. Build once per map (and
/// ranking), share freely: every request reads it only.
#[derive(Clone, Debug)]
pub struct Allocator {
    seat_count: usize,
    categories: Vec<String>,
    category: Vec<u16>,
    flags: Vec<u8>,
    prefix_cost: Vec<f64>,
    prefix_wheelchair: Vec<u32>,
    rows: Vec<RowPlan>,
    blocks: Vec<Block>,
    /// `orders[n - 1]`: blocks with at least `n` seats, best first.
    orders: Vec<Vec<Ordered>>,
}

/// (orphans created, rank sum): what a row part or a chain of parts is worth.
type Score = (u32, f64);

fn better(a: Score, b: Score) -> bool {
    a.0 < b.0 || (a.0 == b.0 && a.1 < b.1)
}

struct Ctx<'a> {
    status: &'a [SeatStatus],
    category_ok: Vec<bool>,
    category_mask: u64,
    forbidden: u8,
    count: usize,
    wheelchair: u32,
}

impl Allocator {
    /// Precomputes the allocator's view of `map` under `ranking`.
    pub fn new(map: &SeatMap, ranking: &Ranking) -> Self {
        let seats = map.seats();
        let mut categories: Vec<String> = Vec::new();
        let mut category_ids: HashMap<&str, u16> = HashMap::new();
        let mut category = Vec::with_capacity(seats.len());
        for s in seats {
            let next = categories.len() as u16;
            let id = *category_ids.entry(s.category.as_str()).or_insert_with(|| {
                categories.push(s.category.clone());
                next
            });
            category.push(id);
        }
        let flags = seats.iter().map(|s| s.flags.bits()).collect();
        let mut prefix_cost = Vec::with_capacity(seats.len() + 1);
        let mut prefix_wheelchair = Vec::with_capacity(seats.len() + 1);
        let (mut c, mut w) = (0.0f64, 0u32);
        prefix_cost.push(c);
        prefix_wheelchair.push(w);
        for (i, s) in seats.iter().enumerate() {
            c += ranking.costs()[i];
            w += u32::from(s.flags.contains(SeatFlags::WHEELCHAIR));
            prefix_cost.push(c);
            prefix_wheelchair.push(w);
        }

        let mut rows = Vec::with_capacity(map.rows().len());
        let mut blocks = Vec::new();
        for row in map.rows() {
            let first_block = blocks.len() as u32;
            let mut start = row.seats.start;
            for i in row.seats.start + 1..row.seats.end {
                let aisle = |k: u32| seats[k as usize].flags.contains(SeatFlags::AISLE);
                if aisle(i - 1) && aisle(i) {
                    blocks.push(Block { start, end: i, categories: 0 });
                    start = i;
                }
            }
            if row.seats.start < row.seats.end {
                blocks.push(Block { start, end: row.seats.end, categories: 0 });
            }
            rows.push(RowPlan {
                section: row.section,
                priority: ranking.section_priority(row.section as usize),
                blocks: (first_block, blocks.len() as u32),
            });
        }
        for block in &mut blocks {
            block.categories = (block.start..block.end).fold(0, |m, i| m | category_bit(category[i as usize]));
        }
        let mut block_priority = Vec::with_capacity(blocks.len());
        for row in &rows {
            for _ in row.blocks.0..row.blocks.1 {
                block_priority.push(row.priority);
            }
        }

        // Lower bounds: the sum of a block's n cheapest seats.
        let mut orders: Vec<Vec<Ordered>> = vec![Vec::new(); MAX_REQUEST_SEATS as usize];
        let mut costs = Vec::new();
        for (b, block) in blocks.iter().enumerate() {
            costs.clear();
            costs.extend_from_slice(&ranking.costs()[block.start as usize..block.end as usize]);
            costs.sort_by(f64::total_cmp);
            let mut bound = 0.0;
            for (n, c) in costs.iter().take(MAX_REQUEST_SEATS as usize).enumerate() {
                bound += c;
                orders[n].push(Ordered { priority: block_priority[b], bound, block: b as u32 });
            }
        }
        for order in &mut orders {
            order.sort_by(|a, b| {
                a.priority.cmp(&b.priority).then(a.bound.total_cmp(&b.bound)).then(a.block.cmp(&b.block))
            });
        }

        Self {
            seat_count: seats.len(),
            categories,
            category,
            flags,
            prefix_cost,
            prefix_wheelchair,
            rows,
            blocks,
            orders,
        }
    }

    /// The number of seats of the map this allocator was built for.
    pub fn seat_count(&self) -> usize {
        self.seat_count
    }

    /// Finds the best seats for `request` given the current `statuses`
    /// (one per seat). Pure: marking the result held is the caller's job.
    pub fn best_available(&self, statuses: &[SeatStatus], request: &Request) -> Result<Allocation, AllocError> {
        let ctx = self.context(statuses, request)?;
        let n = ctx.count;

        // Phase 1: a stranding-free window in one row, blocks best bound first.
        let mut best: Option<(i32, f64, u32)> = None;
        for entry in &self.orders[n - 1] {
            if let Some((priority, cost, _)) = best
                && (entry.priority > priority || (entry.priority == priority && entry.bound >= cost))
            {
                break;
            }
            let block = self.blocks[entry.block as usize];
            self.windows(&ctx, block, n, n, |start, _, orphans, cost| {
                if orphans == 0 {
                    let candidate = (entry.priority, cost, start);
                    if best.is_none_or(|b| {
                        (candidate.0, candidate.1) < (b.0, b.1)
                            || (candidate.0 == b.0 && candidate.1 == b.1 && candidate.2 < b.2)
                    }) {
                        best = Some(candidate);
                    }
                }
            });
        }
        if let Some((_, cost, start)) = best {
            return Ok(Allocation {
                seats: (start..start + n as u32).map(SeatIndex).collect(),
                rows: 1,
                orphans_created: 0,
                cost,
            });
        }

        // Too few seats at all is cheaper to find out than to search for.
        let (available, wheelchair) = self.count(&ctx);
        if available < request.count {
            return Err(AllocError::NotEnoughSeats { requested: request.count, available });
        }
        if wheelchair < request.wheelchair_spaces {
            return Err(AllocError::NotEnoughWheelchairSpaces {
                requested: request.wheelchair_spaces,
                available: wheelchair,
            });
        }

        // Phase 2: every row, with orphans counted, chains of adjacent rows.
        let max_rows = match request.together {
            _ if ctx.wheelchair > 0 => 1,
            Together::SameRow => 1,
            Together::AdjacentRows { max_rows } => max_rows.clamp(1, MAX_SPLIT_ROWS).min(n as u32),
        } as usize;
        match self.chains(&ctx, max_rows) {
            Some(found) => Ok(found),
            None => Err(AllocError::NotTogether { requested: request.count, available }),
        }
    }

    /// How many seats choosing `chosen` would strand, under `statuses`: seats
    /// left available and alone in their block that were not alone before.
    pub fn orphans_created(&self, statuses: &[SeatStatus], chosen: &[SeatIndex]) -> u32 {
        let chosen: HashSet<u32> = chosen.iter().map(|s| s.0).collect();
        let mut touched: Vec<usize> = Vec::new();
        for row in &self.rows {
            for b in row.blocks.0..row.blocks.1 {
                let block = self.blocks[b as usize];
                if (block.start..block.end).any(|i| chosen.contains(&i)) {
                    touched.push(b as usize);
                }
            }
        }
        let free = |i: u32, after: bool| {
            statuses.get(i as usize) == Some(&SeatStatus::Available) && !(after && chosen.contains(&i))
        };
        let mut created = 0;
        for b in touched {
            let Block { start, end, .. } = self.blocks[b];
            let alone = |i: u32, after: bool| {
                free(i, after) && (i == start || !free(i - 1, after)) && (i + 1 == end || !free(i + 1, after))
            };
            created += (start..end).filter(|&i| alone(i, true) && !alone(i, false)).count() as u32;
        }
        created
    }

    fn context<'a>(&self, statuses: &'a [SeatStatus], request: &Request) -> Result<Ctx<'a>, AllocError> {
        if request.count == 0 || request.count > MAX_REQUEST_SEATS {
            return Err(AllocError::BadCount { requested: request.count, max: MAX_REQUEST_SEATS });
        }
        if request.wheelchair_spaces > request.count {
            return Err(AllocError::BadWheelchair { spaces: request.wheelchair_spaces, count: request.count });
        }
        if statuses.len() != self.seat_count {
            return Err(AllocError::StatusLength { expected: self.seat_count, found: statuses.len() });
        }
        let mut category_ok = vec![request.categories.is_empty(); self.categories.len()];
        let mut category_mask = if request.categories.is_empty() { u64::MAX } else { 0 };
        for wanted in &request.categories {
            match self.categories.iter().position(|c| c == wanted) {
                Some(i) => {
                    category_ok[i] = true;
                    category_mask |= category_bit(i as u16);
                }
                None => return Err(AllocError::UnknownCategory(wanted.clone())),
            }
        }
        let mut forbidden = 0u8;
        if request.wheelchair_spaces == 0 {
            forbidden |= SeatFlags::WHEELCHAIR.bits();
        }
        if !request.companion_seats {
            forbidden |= SeatFlags::COMPANION.bits();
        }
        Ok(Ctx {
            status: statuses,
            category_ok,
            category_mask,
            forbidden,
            count: request.count as usize,
            wheelchair: request.wheelchair_spaces,
        })
    }

    #[inline]
    fn eligible(&self, ctx: &Ctx<'_>, i: usize) -> bool {
        ctx.category_ok[self.category[i] as usize] && self.flags[i] & ctx.forbidden == 0
    }

    /// Calls `f(start, size, orphans, cost)` for every window of `min..=max`
    /// eligible available seats inside `block`.
    #[inline]
    fn windows(&self, ctx: &Ctx<'_>, block: Block, min: usize, max: usize, mut f: impl FnMut(u32, usize, u32, f64)) {
        if block.categories & ctx.category_mask == 0 {
            return;
        }
        let (start, end) = (block.start as usize, block.end as usize);
        let status = &ctx.status[start..end];
        let mut i = 0;
        while i < status.len() {
            if status[i] != SeatStatus::Available {
                i += 1;
                continue;
            }
            let run_start = i;
            while i < status.len() && status[i] == SeatStatus::Available {
                i += 1;
            }
            let run_end = i;
            if run_end - run_start < min {
                continue;
            }
            let mut j = run_start;
            while j < run_end {
                if !self.eligible(ctx, start + j) {
                    j += 1;
                    continue;
                }
                let stretch_start = j;
                while j < run_end && self.eligible(ctx, start + j) {
                    j += 1;
                }
                let stretch_len = j - stretch_start;
                for size in min..=max.min(stretch_len) {
                    for a in stretch_start..=j - size {
                        let (lo, hi) = (start + a, start + a + size);
                        if ctx.wheelchair > 0
                            && self.prefix_wheelchair[hi] - self.prefix_wheelchair[lo] != ctx.wheelchair
                        {
                            continue;
                        }
                        let left = a - run_start;
                        let right = run_end - (a + size);
                        let orphans = u32::from(left == 1) + u32::from(right == 1);
                        let cost = self.prefix_cost[hi] - self.prefix_cost[lo];
                        f(lo as u32, size, orphans, cost);
                    }
                }
            }
        }
    }

    /// The best window of every size `1..=count` in one row:
    /// `out[size] = (score, start)`.
    fn row_best(&self, ctx: &Ctx<'_>, row: &RowPlan, out: &mut [Option<(Score, u32)>]) {
        out.fill(None);
        let n = ctx.count;
        let min = if ctx.wheelchair > 0 { n } else { 1 };
        for b in row.blocks.0..row.blocks.1 {
            self.windows(ctx, self.blocks[b as usize], min, n, |start, size, orphans, cost| {
                let candidate = ((orphans, cost), start);
                match out[size] {
                    Some((score, _)) if !better(candidate.0, score) => {}
                    _ => out[size] = Some(candidate),
                }
            });
        }
    }

    /// Phase 2: the best chain of 1..=max_rows consecutive rows.
    fn chains(&self, ctx: &Ctx<'_>, max_rows: usize) -> Option<Allocation> {
        let n = ctx.count;
        let width = n + 1;
        let mut row_best = vec![None; width];
        // chain[k * width + j]: best score of a chain of k+1 rows ending at
        // the current row, placing j seats.
        let mut prev: Vec<Option<Score>> = vec![None; max_rows * width];
        let mut cur: Vec<Option<Score>> = vec![None; max_rows * width];
        // (orphans, rows, priority, cost, last row)
        let mut best: Option<(u32, usize, i32, f64, usize)> = None;
        let mut prev_section = u32::MAX;
        for (r, row) in self.rows.iter().enumerate() {
            if row.section != prev_section {
                prev.fill(None);
                prev_section = row.section;
            }
            self.row_best(ctx, row, &mut row_best);
            cur.fill(None);
            for j in 1..=n {
                cur[j] = row_best[j].map(|(s, _)| s);
            }
            for k in 1..max_rows {
                for j in k + 1..=n {
                    let mut acc: Option<Score> = None;
                    for s in 1..=j - k {
                        if let (Some((a, _)), Some(b)) = (row_best[s], prev[(k - 1) * width + j - s]) {
                            let sum = (a.0 + b.0, a.1 + b.1);
                            if acc.is_none_or(|x| better(sum, x)) {
                                acc = Some(sum);
                            }
                        }
                    }
                    cur[k * width + j] = acc;
                }
            }
            for k in 0..max_rows {
                if let Some((orphans, cost)) = cur[k * width + n] {
                    let candidate = (orphans, k + 1, row.priority, cost, r);
                    let wins = best.is_none_or(|b| {
                        (candidate.0, candidate.1, candidate.2) < (b.0, b.1, b.2)
                            || ((candidate.0, candidate.1, candidate.2) == (b.0, b.1, b.2) && candidate.3 < b.3)
                    });
                    if wins {
                        best = Some(candidate);
                    }
                }
            }
            std::mem::swap(&mut prev, &mut cur);
        }
        let (orphans, rows_used, _, cost, last) = best?;
        Some(self.rebuild(ctx, last + 1 - rows_used, rows_used, orphans, cost))
    }

    /// Recovers the seats of the best chain found by `chains`.
    fn rebuild(&self, ctx: &Ctx<'_>, first: usize, rows_used: usize, orphans: u32, cost: f64) -> Allocation {
        let n = ctx.count;
        let width = n + 1;
        let per_row: Vec<Vec<Option<(Score, u32)>>> = (first..first + rows_used)
            .map(|r| {
                let mut out = vec![None; width];
                self.row_best(ctx, &self.rows[r], &mut out);
                out
            })
            .collect();
        // g[i][j]: best score placing j seats in the first i+1 rows of the
        // chain, every row non-empty; choice[i][j]: seats in row i.
        let mut g: Vec<Vec<Option<Score>>> = vec![vec![None; width]; rows_used];
        let mut choice = vec![vec![0usize; width]; rows_used];
        for j in 1..=n {
            g[0][j] = per_row[0][j].map(|(s, _)| s);
            choice[0][j] = j;
        }
        for i in 1..rows_used {
            for j in i + 1..=n {
                for s in 1..=j - i {
                    if let (Some((a, _)), Some(b)) = (per_row[i][s], g[i - 1][j - s]) {
                        let sum = (a.0 + b.0, a.1 + b.1);
                        if g[i][j].is_none_or(|x| better(sum, x)) {
                            g[i][j] = Some(sum);
                            choice[i][j] = s;
                        }
                    }
                }
            }
        }
        let mut seats = Vec::with_capacity(n);
        let mut j = n;
        for i in (0..rows_used).rev() {
            let s = choice[i][j];
            if let Some((_, start)) = per_row[i][s] {
                seats.extend((start..start + s as u32).map(SeatIndex));
            }
            j -= s;
        }
        seats.sort();
        Allocation { seats, rows: rows_used as u32, orphans_created: orphans, cost }
    }

    /// (eligible available seats, of which wheelchair spaces).
    fn count(&self, ctx: &Ctx<'_>) -> (u32, u32) {
        let mut available = 0u32;
        let mut wheelchair = 0u32;
        for block in &self.blocks {
            if block.categories & ctx.category_mask == 0 {
                continue;
            }
            for i in block.start as usize..block.end as usize {
                if ctx.status[i] == SeatStatus::Available && self.eligible(ctx, i) {
                    available += 1;
                    wheelchair += u32::from(self.flags[i] & SeatFlags::WHEELCHAIR.bits() != 0);
                }
            }
        }
        (available, wheelchair)
    }
}
