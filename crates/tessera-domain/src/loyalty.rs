//! Loyalty points: an organization's rule (points earned per currency unit
//! paid, what a step of points is worth when redeemed, how long points
//! last), and the arithmetic of earning, redeeming, reversing and
//! returning them. Pure rules; the store applies them under a lock on the
//! buyer's points account (`tessera_store::loyalty`).
//!
//! Points are earned by signed-in buyers when an order is paid, on what
//! they paid by every means but points. They pay orders like a gift card:
//! a `points` payment of the steps' value (never more than is left to pay).
//! A refund through the provider or a gift card takes back the points
//! earned on the refunded share (pro rata, cumulatively, so a full refund
//! takes back exactly what was earned); a refund of the points payment
//! gives the points back pro rata (all of them on a full refund). A balance
//! never goes below zero: points already spent cannot be taken back, and
//! what could not be taken back is recorded in the entry's note.
//!
//! In the ledger, points that pay an order are booked like a payment whose
//! money is held in the organization's `loyalty` account
//! (`org:{org}:loyalty`), which the organizer funds: the account's debit
//! balance is what points have paid, less what refunds gave back.

use crate::{Currency, MessageKey, ValidationError};

/// The payment provider name of points payments.
pub const PROVIDER: &str = "points";
/// The most points a rule may give per currency unit.
pub const MAX_EARN_PER_UNIT: i64 = 10_000;
/// The most points one redemption step may take, and a step's highest value.
pub const MAX_STEP: i64 = 1_000_000;
/// The longest life of points, in days (10 years).
pub const MAX_EXPIRY_DAYS: i64 = 3_650;
/// The most points one request may redeem.
pub const MAX_REDEEM: i64 = 1_000_000_000;

/// An organization's points rule.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoyaltyRule {
    /// Buyers earn and redeem points only while this is on.
    pub enabled: bool,
    /// Points earned per whole currency unit paid (e.g. 1 point per 1.00 EUR), 0 to 10,000.
    #[schema(minimum = 0, maximum = 10_000)]
    pub earn_per_unit: i64,
    /// Points are redeemed in steps of this many points (e.g. 100) ...
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub redeem_points: i64,
    /// ... each worth this much in minor units of the order's currency (e.g. 100 = 1.00).
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub redeem_value_minor: i64,
    /// Days after earning that points expire, 0 for never (up to 3650).
    #[schema(minimum = 0, maximum = 3650)]
    pub expiry_days: i64,
}

impl Default for LoyaltyRule {
    fn default() -> Self {
        LoyaltyRule { enabled: false, earn_per_unit: 1, redeem_points: 100, redeem_value_minor: 100, expiry_days: 365 }
    }
}

impl LoyaltyRule {
    /// Every bad field at once.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut e = ValidationError::new();
        let range = |min: i64, max: i64| MessageKey::new("errors-range").num("min", min).num("max", max);
        let ok = (0..=MAX_EARN_PER_UNIT).contains(&self.earn_per_unit);
        e.check_key(ok, "earn_per_unit", range(0, MAX_EARN_PER_UNIT), format!("0 to {MAX_EARN_PER_UNIT}"));
        let ok = (1..=MAX_STEP).contains(&self.redeem_points);
        e.check_key(ok, "redeem_points", range(1, MAX_STEP), format!("1 to {MAX_STEP}"));
        let ok = (1..=MAX_STEP).contains(&self.redeem_value_minor);
        e.check_key(ok, "redeem_value_minor", range(1, MAX_STEP), format!("1 to {MAX_STEP}"));
        let ok = (0..=MAX_EXPIRY_DAYS).contains(&self.expiry_days);
        e.check_key(ok, "expiry_days", range(0, MAX_EXPIRY_DAYS), format!("0 to {MAX_EXPIRY_DAYS}"));
        e.finish()
    }

    /// Points earned on `paid_minor` paid in `currency`: whole points, rounded down.
    pub fn earned(&self, paid_minor: i64, currency: Currency) -> i64 {
        if !self.enabled || paid_minor <= 0 {
            return 0;
        }
        let unit = 10i128.pow(u32::from(currency.exponent()));
        let p = i128::from(paid_minor) * i128::from(self.earn_per_unit) / unit;
        i64::try_from(p).unwrap_or(i64::MAX)
    }

    /// What redeeming `points` of a `balance` towards `due` (minor units
    /// left to pay) takes and pays: (points taken, value). Only whole steps;
    /// when the steps are worth more than is due, only the steps needed are
    /// taken and the value is capped at what is due.
    pub fn redeem(&self, points: i64, balance: i64, due: i64) -> Result<(i64, i64), PointsRefusal> {
        if !self.enabled {
            return Err(PointsRefusal::Disabled);
        }
        if points > balance {
            return Err(PointsRefusal::Insufficient);
        }
        if points % self.redeem_points != 0 {
            return Err(PointsRefusal::Step);
        }
        if due <= 0 {
            return Err(PointsRefusal::NothingDue);
        }
        let steps = points / self.redeem_points;
        let needed = (due + self.redeem_value_minor - 1) / self.redeem_value_minor;
        let steps = steps.min(needed);
        let value = (i128::from(steps) * i128::from(self.redeem_value_minor)).min(i128::from(due));
        Ok((steps * self.redeem_points, value as i64))
    }
}

/// `part` of `whole` scaled to `of`, rounded down; `of` exactly when `part >= whole`.
pub fn pro_rata(of: i64, part: i64, whole: i64) -> i64 {
    if whole <= 0 || part <= 0 {
        return 0;
    }
    if part >= whole {
        return of;
    }
    (i128::from(of) * i128::from(part) / i128::from(whole)) as i64
}

/// Why points cannot pay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointsRefusal {
    /// The organization has no points rule on.
    Disabled,
    /// More points than the buyer holds.
    Insufficient,
    /// Not a whole number of redemption steps.
    Step,
    /// Nothing is left to pay.
    NothingDue,
    /// Only signed-in buyers have points, on their own orders.
    SignIn,
}

impl PointsRefusal {
    pub fn code(self) -> &'static str {
        match self {
            PointsRefusal::Disabled => "points_disabled",
            PointsRefusal::Insufficient => "points_insufficient",
            PointsRefusal::Step => "points_step",
            PointsRefusal::NothingDue => "already_paid",
            PointsRefusal::SignIn => "points_sign_in",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            PointsRefusal::Disabled => "this organization has no loyalty points",
            PointsRefusal::Insufficient => "more points than you hold",
            PointsRefusal::Step => "points are redeemed in whole steps of the organization's rule",
            PointsRefusal::NothingDue => "nothing is left to pay",
            PointsRefusal::SignIn => "sign in with the account that placed the order to use points",
        }
    }
}

/// One movement of a buyer's points.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct PointsEntry {
    pub id: String,
    /// `earn` (an order was paid), `redeem` (points paid an order), `expire`,
    /// `reverse` (a refund took back points earned), `return` (a refund gave
    /// back points spent), `adjust`.
    pub kind: String,
    /// Positive adds, negative takes.
    pub points: i64,
    pub balance_after: i64,
    /// For points added: how many of them are still unspent and unexpired.
    pub remaining: i64,
    /// For points added: when they expire (none: never).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<crate::Timestamp>,
    pub order_id: Option<String>,
    pub note: String,
    #[schema(value_type = String, format = DateTime)]
    pub at: crate::Timestamp,
}

/// How many points to pay an order with.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RedeemPoints {
    /// A whole number of the rule's steps; no more than held. Only the steps
    /// needed to pay what is left are taken.
    #[schema(minimum = 1)]
    pub points: i64,
}

impl RedeemPoints {
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut e = ValidationError::new();
        let key = MessageKey::new("errors-range").num("min", 1).num("max", MAX_REDEEM);
        e.check_key((1..=MAX_REDEEM).contains(&self.points), "points", key, "more than zero");
        e.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn eur() -> Currency {
        Currency::parse("EUR").unwrap()
    }

    fn on() -> LoyaltyRule {
        LoyaltyRule { enabled: true, ..LoyaltyRule::default() }
    }

    #[test]
    fn earning_counts_whole_units_of_the_currency() {
        let r = LoyaltyRule { earn_per_unit: 2, ..on() };
        assert_eq!(r.earned(2599, eur()), 51);
        assert_eq!(r.earned(2599, Currency::parse("JPY").unwrap()), 5198);
        assert_eq!(LoyaltyRule { enabled: false, ..r.clone() }.earned(2599, eur()), 0);
        assert_eq!(r.earned(-5, eur()), 0);
    }

    #[test]
    fn redeeming_takes_whole_steps_and_never_more_than_due() {
        let r = on();
        assert_eq!(r.redeem(500, 800, 2600), Ok((500, 500)));
        assert_eq!(r.redeem(500, 800, 250), Ok((300, 250)), "3 steps cover 2.50; the value is capped");
        assert_eq!(r.redeem(900, 800, 2600), Err(PointsRefusal::Insufficient));
        assert_eq!(r.redeem(150, 800, 2600), Err(PointsRefusal::Step));
        assert_eq!(r.redeem(100, 800, 0), Err(PointsRefusal::NothingDue));
        assert_eq!(LoyaltyRule::default().redeem(100, 800, 100), Err(PointsRefusal::Disabled));
    }

    #[test]
    fn bad_rules_name_every_field() {
        let r = LoyaltyRule {
            enabled: true,
            earn_per_unit: -1,
            redeem_points: 0,
            redeem_value_minor: MAX_STEP + 1,
            expiry_days: -2,
        };
        let fields: Vec<String> = r.validate().unwrap_err().fields.into_iter().map(|f| f.field).collect();
        assert_eq!(fields, ["earn_per_unit", "redeem_points", "redeem_value_minor", "expiry_days"]);
        assert!(on().validate().is_ok());
    }

    proptest! {
        /// Whatever the rule, balance and amount due: never more points than
        /// held or asked, never more value than due, never negative.
        #[test]
        fn a_redemption_stays_within_balance_request_and_due(
            step in 1i64..1000, value in 1i64..1000, balance in 0i64..100_000,
            ask in 1i64..100_000, due in 0i64..100_000,
        ) {
            let r = LoyaltyRule { enabled: true, earn_per_unit: 1, redeem_points: step, redeem_value_minor: value, expiry_days: 0 };
            if let Ok((taken, paid)) = r.redeem(ask, balance, due) {
                prop_assert!(taken > 0 && taken <= ask && taken <= balance);
                prop_assert!(paid > 0 && paid <= due);
                prop_assert_eq!(taken % step, 0);
                prop_assert!(paid <= taken / step * value);
            }
        }

        /// Refunding in any number of parts takes back exactly what was
        /// earned once everything is refunded, and never more on the way.
        #[test]
        fn pro_rata_over_partial_refunds_adds_up(earned in 0i64..1_000_000, paid in 1i64..1_000_000, parts in proptest::collection::vec(1i64..1000, 1..8)) {
            let mut refunded = 0i64;
            let mut back = 0i64;
            let total: i64 = parts.iter().sum();
            for p in &parts {
                let amount = (i128::from(*p) * i128::from(paid) / i128::from(total)) as i64;
                refunded = (refunded + amount).min(paid);
                let target = pro_rata(earned, refunded, paid);
                prop_assert!(target >= back);
                back = target;
                prop_assert!(back <= earned);
            }
            prop_assert_eq!(pro_rata(earned, paid, paid), earned);
        }
    }
}
