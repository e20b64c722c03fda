//! Price tiers: a ticket type sold at a lower (or higher) price first, by
//! date ("early bird until 1 March") or by quantity ("the first 100 at €30,
//! the next 200 at €40"), then at its own price.
//!
//! Tiers are tried in `position` order. A tier applies while its `until`
//! instant has not come and fewer than its `quantity` tickets are held or
//! sold at its price; a request that crosses a boundary is split: three
//! tickets when one is left at the first price become one line at that price
//! and two at the next. [`split`] decides it inside the inventory batch,
//! under the event's lock, from counters the batch keeps, so that concurrent
//! buyers never overshoot a boundary.

use crate::validation::check_text;
use crate::{MessageKey, Money, OrgId, PriceTierId, TicketTypeId, Timestamp, ValidationError};

/// Most tiers one ticket type may have.
pub const MAX_TIERS: usize = 10;
/// Largest tier quantity.
pub const MAX_TIER_QUANTITY: i64 = 1_000_000;

/// One price tier, with what is held and sold at its price.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct PriceTier {
    pub id: PriceTierId,
    pub org_id: OrgId,
    pub ticket_type_id: TicketTypeId,
    /// Tiers are tried in ascending `position`.
    pub position: i64,
    /// Shown to buyers beside the price, e.g. "Early bird".
    pub name: String,
    pub price: Money,
    /// The tier ends at this instant.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub until: Option<Timestamp>,
    /// The tier ends once this many tickets are held or sold at its price.
    pub quantity: Option<i64>,
    /// Tickets in unpaid reservations at this price.
    pub held: i64,
    /// Tickets sold at this price.
    pub sold: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

impl PriceTier {
    /// How many more tickets this tier sells at `now`: 0 once ended, `None`
    /// when only a date ends it.
    pub fn left(&self, now: Timestamp) -> Option<i64> {
        if self.until.is_some_and(|u| now >= u) {
            return Some(0);
        }
        self.quantity.map(|q| (q - self.held - self.sold).max(0))
    }

    /// Whether the tier still sells at `now`.
    pub fn open(&self, now: Timestamp) -> bool {
        self.left(now) != Some(0)
    }
}

/// A tier to create, or a tier's new settings (`PUT`, whole).
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPriceTier {
    #[schema(min_length = 1, max_length = 80)]
    pub name: String,
    /// In the ticket type's currency, minor units.
    #[schema(minimum = 0, maximum = 1_000_000_000_000.0)]
    pub price_minor: i64,
    /// The tier ends at this instant.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub until: Option<Timestamp>,
    /// The tier ends after this many tickets (1 to 1,000,000).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub quantity: Option<i64>,
    /// Where it goes among the type's tiers (lower first); by default last.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1000)]
    pub position: Option<i64>,
}

impl NewPriceTier {
    /// Checks the fields on their own; `now` refuses an end already past
    /// when a tier is created (`creating`).
    pub fn validate(&self, now: Timestamp, creating: bool) -> Result<(), ValidationError> {
        let mut e = ValidationError::new();
        check_text(&mut e, "name", &self.name, 1, 80);
        let max = crate::catalog::MAX_PRICE_MINOR;
        e.check_key(
            (0..=max).contains(&self.price_minor),
            "price_minor",
            MessageKey::new("errors-between").num("min", 0).num("max", max),
            format!("must be between 0 and {max}"),
        );
        if let Some(q) = self.quantity {
            e.check_key(
                (1..=MAX_TIER_QUANTITY).contains(&q),
                "quantity",
                MessageKey::new("errors-between").num("min", 1).num("max", MAX_TIER_QUANTITY),
                format!("must be between 1 and {MAX_TIER_QUANTITY}"),
            );
        }
        if creating && let Some(u) = self.until {
            e.check_key(u > now, "until", MessageKey::new("errors-tier-until-past"), "must be in the future");
        }
        if self.until.is_none() && self.quantity.is_none() {
            e.add_key(
                "quantity",
                MessageKey::new("errors-tier-needs-end"),
                "give a quantity, an end date or both: a tier without an end would hide the ticket type's own price",
            );
        }
        if let Some(p) = self.position {
            e.check_key(
                (0..=1000).contains(&p),
                "position",
                MessageKey::new("errors-between").num("min", 0).num("max", 1000),
                "must be between 0 and 1000",
            );
        }
        e.finish()
    }
}

/// How a request for `quantity` tickets of a type is priced at `now`: runs
/// of (tier or `None` for the type's own price, quantity, unit price), in
/// tier order. `tiers` must be the type's tiers sorted by position.
pub fn split(
    list_price: Money,
    tiers: &[PriceTier],
    quantity: i64,
    now: Timestamp,
) -> Vec<(Option<PriceTierId>, i64, Money)> {
    let mut out = Vec::new();
    let mut left = quantity;
    for t in tiers {
        if left == 0 {
            break;
        }
        if !t.open(now) {
            continue;
        }
        let take = t.left(now).map_or(left, |n| n.min(left));
        out.push((Some(t.id), take, t.price));
        left -= take;
    }
    if left > 0 {
        out.push((None, left, list_price));
    }
    out
}

/// The price the next ticket of a type sells at, and the tier giving it.
pub fn current(list_price: Money, tiers: &[PriceTier], now: Timestamp) -> (Money, Option<&PriceTier>) {
    match tiers.iter().find(|t| t.open(now)) {
        Some(t) => (t.price, Some(t)),
        None => (list_price, None),
    }
}

/// Sorts tiers as they are tried: by position, then by creation.
pub fn sort(tiers: &mut [PriceTier]) {
    tiers.sort_by_key(|t| (t.position, t.created_at, t.id));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;

    fn eur(m: i64) -> Money {
        Money::new(m, Currency::parse("EUR").unwrap())
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn tier(pos: i64, price: i64, until: Option<&str>, quantity: Option<i64>, taken: i64) -> PriceTier {
        PriceTier {
            id: PriceTierId::new(),
            org_id: OrgId::new(),
            ticket_type_id: TicketTypeId::new(),
            position: pos,
            name: format!("tier {pos}"),
            price: eur(price),
            until: until.map(ts),
            quantity,
            held: taken,
            sold: 0,
            created_at: ts("2030-01-01T00:00:00Z"),
        }
    }

    #[test]
    fn a_request_across_a_boundary_is_split_and_ended_tiers_are_skipped() {
        let now = ts("2030-02-01T00:00:00Z");
        let tiers = vec![
            tier(0, 2000, Some("2030-01-15T00:00:00Z"), None, 0),
            tier(1, 3000, None, Some(100), 99),
            tier(2, 4000, None, Some(200), 0),
        ];
        let s = split(eur(5000), &tiers, 3, now);
        assert_eq!(s.iter().map(|r| (r.1, r.2.amount_minor)).collect::<Vec<_>>(), vec![(1, 3000), (2, 4000)]);
        assert_eq!(s[0].0, Some(tiers[1].id));
        let s = split(eur(5000), &tiers, 250, now);
        assert_eq!(
            s.iter().map(|r| (r.1, r.2.amount_minor)).collect::<Vec<_>>(),
            vec![(1, 3000), (200, 4000), (49, 5000)]
        );
        assert_eq!(s[2].0, None);
        assert_eq!(current(eur(5000), &tiers, now).0, eur(3000));
        assert_eq!(current(eur(5000), &tiers, ts("2030-01-01T00:00:00Z")).0, eur(2000));
    }

    #[test]
    fn a_tier_ends_at_its_instant_and_a_date_only_tier_takes_everything_before() {
        let tiers = vec![tier(0, 1000, Some("2030-03-01T00:00:00Z"), None, 0)];
        let before = ts("2030-02-28T23:59:59Z");
        assert_eq!(split(eur(5000), &tiers, 7, before), vec![(Some(tiers[0].id), 7, eur(1000))]);
        assert_eq!(split(eur(5000), &tiers, 7, ts("2030-03-01T00:00:00Z")), vec![(None, 7, eur(5000))]);
        assert_eq!(tiers[0].left(before), None);
    }

    #[test]
    fn validation_names_the_field() {
        let now = ts("2030-02-01T00:00:00Z");
        let ok =
            NewPriceTier { name: "Early".into(), price_minor: 100, until: None, quantity: Some(10), position: None };
        assert!(ok.validate(now, true).is_ok());
        let fields = |t: NewPriceTier| {
            t.validate(now, true).unwrap_err().fields.into_iter().map(|f| f.field).collect::<Vec<_>>()
        };
        assert_eq!(fields(NewPriceTier { quantity: None, ..ok.clone() }), vec!["quantity"]);
        assert_eq!(fields(NewPriceTier { quantity: Some(0), ..ok.clone() }), vec!["quantity"]);
        assert_eq!(fields(NewPriceTier { price_minor: -1, ..ok.clone() }), vec!["price_minor"]);
        assert_eq!(fields(NewPriceTier { name: " ".into(), ..ok.clone() }), vec!["name"]);
        assert_eq!(fields(NewPriceTier { until: Some(ts("2030-01-01T00:00:00Z")), ..ok.clone() }), vec!["until"]);
        assert!(NewPriceTier { until: Some(ts("2030-01-01T00:00:00Z")), ..ok.clone() }.validate(now, false).is_ok());
        assert_eq!(fields(NewPriceTier { position: Some(5000), ..ok }), vec!["position"]);
    }
}
