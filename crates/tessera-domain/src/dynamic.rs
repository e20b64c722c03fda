//! Dynamic pricing within bounds: a ticket type's price moves between a
//! floor and a ceiling by a rule, and every change is recorded with its
//! reason. The price is the ticket type's own price: a reservation takes
//! the price of the moment into its order lines, so what a buyer reserved
//! is what they pay while the hold lasts, whatever the price does meanwhile.
//!
//! Rules:
//! - `share_sold`: from the floor at nothing sold to the ceiling at sold out,
//!   in proportion to the share of the ticket type's capacity taken.
//! - `sales_rate`: once an hour, up one step when more than the target sold
//!   in the last hour, down one step when fewer than half of it did.
//! - `time_to_event`: the floor until `window_hours` before the start, then
//!   rising in proportion to the ceiling at the start (or, `falling`, from
//!   the ceiling down to the floor: a last-minute price).
//!
//! Prices are rounded to `rounding_minor` (e.g. 100: whole euros) and then
//! clamped to the bounds, so a price never leaves them.

use crate::{MessageKey, Money, OrgId, TicketTypeId, Timestamp, ValidationError};

/// How the price moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    ShareSold,
    SalesRate,
    TimeToEvent,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::ShareSold => "share_sold",
            Rule::SalesRate => "sales_rate",
            Rule::TimeToEvent => "time_to_event",
        }
    }

    pub fn parse(s: &str) -> Option<Rule> {
        match s {
            "share_sold" => Some(Rule::ShareSold),
            "sales_rate" => Some(Rule::SalesRate),
            "time_to_event" => Some(Rule::TimeToEvent),
            _ => None,
        }
    }
}

/// A ticket type's dynamic pricing, as set by the organizer (`PUT`, whole).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DynamicSettings {
    /// Lowest price, minor units of the ticket type's currency.
    #[schema(minimum = 0, maximum = 1_000_000_000_000.0)]
    pub floor_minor: i64,
    /// Highest price; at least the floor.
    #[schema(minimum = 0, maximum = 1_000_000_000_000.0)]
    pub ceiling_minor: i64,
    pub rule: Rule,
    /// `sales_rate`: tickets per hour above which the price steps up.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub target_per_hour: Option<i64>,
    /// `sales_rate`: one step, in basis points of the price (500 = 5 %).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 5000)]
    pub step_bp: Option<i64>,
    /// `time_to_event`: hours before the start over which the price moves.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 8760)]
    pub window_hours: Option<i64>,
    /// `time_to_event`: move from the ceiling down to the floor instead.
    #[serde(default)]
    pub falling: bool,
    /// Prices are multiples of this (1 to 10,000 minor units; default 1).
    #[serde(default = "one")]
    #[schema(minimum = 1, maximum = 10000)]
    pub rounding_minor: i64,
}

fn one() -> i64 {
    1
}

impl DynamicSettings {
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut e = ValidationError::new();
        let max = crate::catalog::MAX_PRICE_MINOR;
        let between = |min: i64, max: i64| MessageKey::new("errors-between").num("min", min).num("max", max);
        e.check_key(
            (0..=max).contains(&self.floor_minor),
            "floor_minor",
            between(0, max),
            format!("must be between 0 and {max}"),
        );
        e.check_key(
            (self.floor_minor..=max).contains(&self.ceiling_minor),
            "ceiling_minor",
            MessageKey::new("errors-ceiling-below-floor"),
            "must be at least floor_minor",
        );
        e.check_key(
            (1..=10_000).contains(&self.rounding_minor),
            "rounding_minor",
            between(1, 10_000),
            "must be between 1 and 10000",
        );
        let need = |e: &mut ValidationError, v: Option<i64>, field: &str, lo: i64, hi: i64| match v {
            Some(v) => {
                e.check_key((lo..=hi).contains(&v), field, between(lo, hi), format!("must be between {lo} and {hi}"))
            }
            None => e.add_key(field, MessageKey::new("errors-required-for-rule"), "required by this rule"),
        };
        match self.rule {
            Rule::ShareSold => {}
            Rule::SalesRate => {
                need(&mut e, self.target_per_hour, "target_per_hour", 1, 1_000_000);
                need(&mut e, self.step_bp, "step_bp", 1, 5000);
            }
            Rule::TimeToEvent => need(&mut e, self.window_hours, "window_hours", 1, 8760),
        }
        e.finish()
    }

    fn round_and_clamp(&self, price: i128) -> i64 {
        let r = i128::from(self.rounding_minor.max(1));
        let rounded = (price + r / 2) / r * r;
        let lo = i128::from(self.floor_minor);
        let hi = i128::from(self.ceiling_minor);
        i64::try_from(rounded.clamp(lo, hi)).unwrap_or(self.floor_minor)
    }
}

/// What the rules look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Market {
    /// The current price, minor units.
    pub price: i64,
    /// Tickets of the type held or sold, and its capacity (tightest quota).
    pub taken: i64,
    pub capacity: i64,
    /// Tickets of the type reserved in the last hour.
    pub last_hour: i64,
    pub now: Timestamp,
    pub starts_at: Timestamp,
    /// When the rule last moved the price (`sales_rate` waits an hour).
    pub last_change: Option<Timestamp>,
}

/// Why a price changed: a catalog message (`dynamic-reason-<code>`) with
/// one figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Share of capacity taken, in basis points.
    ShareSold,
    /// Tickets sold in the last hour, above the target.
    SalesUp,
    /// Tickets sold in the last hour, under half the target.
    SalesDown,
    /// Hours left before the start.
    TimeToEvent,
    /// The bounds were set or changed; the figure is the old price.
    Bounds,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::ShareSold => "share_sold",
            Reason::SalesUp => "sales_up",
            Reason::SalesDown => "sales_down",
            Reason::TimeToEvent => "time_to_event",
            Reason::Bounds => "bounds",
        }
    }

    pub fn parse(s: &str) -> Option<Reason> {
        [Reason::ShareSold, Reason::SalesUp, Reason::SalesDown, Reason::TimeToEvent, Reason::Bounds]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

/// The price the rule asks for now, with its reason and figure, when it
/// differs from the current price. Always within the bounds.
pub fn reprice(s: &DynamicSettings, m: &Market) -> Option<(i64, Reason, i64)> {
    let (lo, hi) = (i128::from(s.floor_minor), i128::from(s.ceiling_minor));
    let (target, reason, figure) = match s.rule {
        Rule::ShareSold => {
            let cap = m.capacity.max(1);
            let share_bp = (i128::from(m.taken.clamp(0, cap)) * 10_000 / i128::from(cap)) as i64;
            (lo + (hi - lo) * i128::from(share_bp) / 10_000, Reason::ShareSold, share_bp)
        }
        Rule::SalesRate => {
            if m.last_change.is_some_and(|at| m.now.duration_since(at).as_secs() < 3600) {
                return None;
            }
            let target = s.target_per_hour.unwrap_or(1);
            let step = i128::from(m.price) * i128::from(s.step_bp.unwrap_or(0)) / 10_000;
            let step = step.max(i128::from(s.rounding_minor));
            if m.last_hour > target {
                (i128::from(m.price) + step, Reason::SalesUp, m.last_hour)
            } else if m.last_hour * 2 < target {
                (i128::from(m.price) - step, Reason::SalesDown, m.last_hour)
            } else {
                return None;
            }
        }
        Rule::TimeToEvent => {
            let window = s.window_hours.unwrap_or(1).max(1) * 3600;
            let left = m.starts_at.duration_since(m.now).as_secs().clamp(0, window);
            let progress = i128::from(window - left); // 0 at the window's start, window at the event
            let rising = lo + (hi - lo) * progress / i128::from(window);
            let price = if s.falling { hi - (rising - lo) } else { rising };
            (price, Reason::TimeToEvent, left / 3600)
        }
    };
    let new = s.round_and_clamp(target);
    (new != m.price).then_some((new, reason, figure))
}

/// The price within new bounds right after they are set: the current one
/// clamped (and rounded), when that changes it.
pub fn clamp_now(s: &DynamicSettings, price: i64) -> Option<i64> {
    let new = s.round_and_clamp(i128::from(price));
    (new != price).then_some(new)
}

/// One recorded price change.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct PriceChange {
    pub ticket_type_id: TicketTypeId,
    #[serde(skip)]
    pub org_id: OrgId,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    pub from: Money,
    pub to: Money,
    pub reason: Reason,
    /// The reason's figure: share sold in basis points, tickets in the last
    /// hour, hours before the start, or (bounds) nothing.
    pub figure: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn settings(rule: Rule) -> DynamicSettings {
        DynamicSettings {
            floor_minor: 2000,
            ceiling_minor: 6000,
            rule,
            target_per_hour: Some(10),
            step_bp: Some(1000),
            window_hours: Some(48),
            falling: false,
            rounding_minor: 100,
        }
    }

    fn market(price: i64) -> Market {
        Market {
            price,
            taken: 0,
            capacity: 100,
            last_hour: 0,
            now: ts("2030-01-01T00:00:00Z"),
            starts_at: ts("2030-01-10T00:00:00Z"),
            last_change: None,
        }
    }

    #[test]
    fn share_sold_moves_in_proportion_and_never_leaves_the_bounds() {
        let s = settings(Rule::ShareSold);
        assert_eq!(reprice(&s, &market(2000)), None, "nothing sold: the floor");
        assert_eq!(reprice(&s, &Market { taken: 50, ..market(2000) }), Some((4000, Reason::ShareSold, 5000)));
        assert_eq!(reprice(&s, &Market { taken: 333, ..market(2000) }), Some((6000, Reason::ShareSold, 10000)));
        // Rounded to whole units: 2000 + 4000 * 0.33 = 3320 -> 3300.
        assert_eq!(reprice(&s, &Market { taken: 33, ..market(2000) }).unwrap().0, 3300);
    }

    #[test]
    fn sales_rate_steps_once_an_hour_within_bounds() {
        let s = settings(Rule::SalesRate);
        let hot = Market { last_hour: 11, ..market(5800) };
        assert_eq!(reprice(&s, &hot), Some((6000, Reason::SalesUp, 11)), "up a step, stopped at the ceiling");
        assert_eq!(reprice(&s, &Market { price: 6000, ..hot }), None, "at the ceiling it stays");
        let cold = Market { last_hour: 4, ..market(3000) };
        assert_eq!(reprice(&s, &cold), Some((2700, Reason::SalesDown, 4)));
        assert_eq!(reprice(&s, &Market { last_hour: 6, ..cold }), None, "between half and the target: no change");
        let recent = Market { last_change: Some(ts("2029-12-31T23:30:00Z")), ..cold };
        assert_eq!(reprice(&s, &recent), None, "once an hour at most");
        assert_eq!(reprice(&s, &Market { price: 2000, ..cold }), None, "never under the floor");
    }

    #[test]
    fn time_to_event_rises_or_falls_over_the_window() {
        let s = settings(Rule::TimeToEvent);
        assert_eq!(reprice(&s, &market(2000)), None, "before the window: the floor");
        let half = Market { now: ts("2030-01-09T00:00:00Z"), ..market(2000) };
        assert_eq!(reprice(&s, &half), Some((4000, Reason::TimeToEvent, 24)));
        let falling = DynamicSettings { falling: true, ..s.clone() };
        assert_eq!(reprice(&falling, &market(2000)), Some((6000, Reason::TimeToEvent, 48)));
        assert_eq!(reprice(&falling, &Market { now: ts("2030-01-10T00:00:00Z"), ..market(6000) }).unwrap().0, 2000);
    }

    #[test]
    fn settings_are_checked_field_by_field() {
        let ok = settings(Rule::SalesRate);
        assert!(ok.validate().is_ok());
        let fields =
            |s: DynamicSettings| s.validate().unwrap_err().fields.into_iter().map(|f| f.field).collect::<Vec<_>>();
        assert_eq!(fields(DynamicSettings { ceiling_minor: 1000, ..ok.clone() }), vec!["ceiling_minor"]);
        assert_eq!(fields(DynamicSettings { floor_minor: -1, ..ok.clone() }), vec!["floor_minor"]);
        assert_eq!(fields(DynamicSettings { target_per_hour: None, ..ok.clone() }), vec!["target_per_hour"]);
        assert_eq!(fields(DynamicSettings { step_bp: Some(9000), ..ok.clone() }), vec!["step_bp"]);
        assert_eq!(
            fields(DynamicSettings { rule: Rule::TimeToEvent, window_hours: None, ..ok.clone() }),
            vec!["window_hours"]
        );
        assert_eq!(fields(DynamicSettings { rounding_minor: 0, ..ok.clone() }), vec!["rounding_minor"]);
        assert_eq!(clamp_now(&ok, 9000), Some(6000));
        assert_eq!(clamp_now(&ok, 3000), None);
    }
}
