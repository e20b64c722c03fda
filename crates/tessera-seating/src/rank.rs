//! How good each seat is: the ranking the organizer controls.
//!
//! Every seat gets a cost (lower is better) and every section a priority
//! (lower is offered first). By default a seat's cost is its distance to the
//! map's focal point (the stage, the centre spot), or its explicit `rank`
//! when the map sets one; without a focal point, the centroid of all seats is
//! used, which favours the middle of the house. Section priorities come from
//! the map and dominate costs: a section of priority 0 is sold out before
//! best-available offers anything in a section of priority 1.

use crate::model::{Point, SeatIndex, SeatMap};

/// Per-seat costs and per-section priorities for one map.
#[derive(Clone, Debug, PartialEq)]
pub struct Ranking {
    cost: Vec<f64>,
    section_priority: Vec<i32>,
}

impl Ranking {
    /// The map's own ranking: explicit seat ranks, else distance to the
    /// focal point (or the centroid); section priorities as in the map.
    pub fn from_map(map: &SeatMap) -> Self {
        let focal = map.focal_point().unwrap_or_else(|| centroid(map));
        Self::distance_to(map, focal)
    }

    /// Like [`Ranking::from_map`] but measuring distances to `focal`
    /// (explicit seat ranks still win).
    pub fn distance_to(map: &SeatMap, focal: Point) -> Self {
        let cost = map.seats().iter().map(|s| s.rank.unwrap_or_else(|| (s.x - focal.x).hypot(s.y - focal.y))).collect();
        let section_priority = map.sections().iter().map(|s| s.priority).collect();
        Self { cost, section_priority }
    }

    /// Overrides one seat's cost (must be finite; non-finite values are
    /// ignored so that a bad value cannot poison every comparison).
    pub fn set_cost(&mut self, seat: SeatIndex, cost: f64) {
        if cost.is_finite()
            && let Some(c) = self.cost.get_mut(seat.get())
        {
            *c = cost;
        }
    }

    /// Overrides one section's priority (index into [`SeatMap::sections`]).
    pub fn set_section_priority(&mut self, section: usize, priority: i32) {
        if let Some(p) = self.section_priority.get_mut(section) {
            *p = priority;
        }
    }

    /// The cost of one seat.
    pub fn cost(&self, seat: SeatIndex) -> f64 {
        self.cost[seat.get()]
    }

    /// All seat costs, indexed by seat index.
    pub fn costs(&self) -> &[f64] {
        &self.cost
    }

    /// The priority of one section.
    pub fn section_priority(&self, section: usize) -> i32 {
        self.section_priority[section]
    }
}

fn centroid(map: &SeatMap) -> Point {
    let n = map.seat_count().max(1) as f64;
    let (sx, sy) = map.seats().iter().fold((0.0, 0.0), |(x, y), s| (x + s.x, y + s.y));
    Point { x: sx / n, y: sy / n }
}
