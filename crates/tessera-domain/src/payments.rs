//! Money around an order: service fees, taxes, the receipt, the double-entry
//! ledger, refund rules and the payment state machine. Pure functions over
//! integer minor units; the store writes what these decide.

use crate::{Currency, MessageKey, Money, MoneyError, OrgId, TicketTypeId, Timestamp, ValidationError};
use std::collections::HashMap;

/// Basis points: 1 % = 100 bp.
pub const BP: i64 = 10_000;
/// Highest tax rate or percentage fee accepted (100 %).
pub const MAX_RATE_BP: i64 = BP;

/// Service fees of an event. Fees apply only to tickets with a price: a free
/// ticket stays free.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeePolicy {
    /// Fixed fee per paid ticket, in the ticket's currency's minor units.
    #[serde(default)]
    pub per_ticket_minor: i64,
    /// Percentage of each paid ticket's price, in basis points (250 = 2.5 %).
    #[serde(default)]
    pub per_ticket_bp: i64,
    /// Fixed fee per order with something to pay.
    #[serde(default)]
    pub per_order_minor: i64,
    /// The organizer pays the fees out of the ticket price; the buyer pays
    /// only the price (and exclusive taxes).
    #[serde(default)]
    pub absorbed: bool,
}

/// A ticket type's tax: included in its price, or added on top.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaxRule {
    /// In basis points (1900 = 19 %).
    pub rate_bp: i64,
    /// The price already contains the tax (usual for consumer prices in the EU).
    #[serde(default = "yes")]
    pub inclusive: bool,
}

fn yes() -> bool {
    true
}

/// When buyers may refund their own orders.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundPolicy {
    /// Buyers may ask for a full refund themselves.
    #[serde(default)]
    pub buyer_refunds: bool,
    /// Until this many hours before the event starts.
    #[serde(default)]
    pub deadline_hours: i64,
    /// Kept back from a buyer's refund, in minor units.
    #[serde(default)]
    pub fee_minor: i64,
}

/// An event's money settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventPricing {
    #[serde(default)]
    pub fees: FeePolicy,
    /// Per ticket type; types not named carry no tax.
    #[serde(default)]
    #[schema(value_type = HashMap<String, TaxRule>)]
    pub taxes: HashMap<TicketTypeId, TaxRule>,
    #[serde(default)]
    pub refunds: RefundPolicy,
    /// Hours before the start when paid buyers get a reminder e-mail; 0 sends none.
    #[serde(default)]
    pub reminder_hours: i64,
}

impl EventPricing {
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut e = ValidationError::new();
        let range = |e: &mut ValidationError, value: i64, field: &str, max: i64| {
            let key = MessageKey::new("errors-range").num("min", 0).num("max", max);
            e.check_key((0..=max).contains(&value), field, key, format!("0 to {max}"));
        };
        let rate = |e: &mut ValidationError, value: i64, field: &str| {
            let key = MessageKey::new("errors-rate-range").num("min", 0).num("max", MAX_RATE_BP);
            e.check_key((0..=MAX_RATE_BP).contains(&value), field, key, format!("0 to {MAX_RATE_BP} (100 %)"));
        };
        let f = &self.fees;
        range(&mut e, f.per_ticket_minor, "fees.per_ticket_minor", 100_000_000);
        rate(&mut e, f.per_ticket_bp, "fees.per_ticket_bp");
        range(&mut e, f.per_order_minor, "fees.per_order_minor", 100_000_000);
        let mut ids: Vec<_> = self.taxes.iter().collect();
        ids.sort_by_key(|(id, _)| id.to_string());
        for (id, t) in ids {
            rate(&mut e, t.rate_bp, &format!("taxes.{id}.rate_bp"));
        }
        let r = &self.refunds;
        range(&mut e, r.deadline_hours, "refunds.deadline_hours", 24 * 366);
        range(&mut e, r.fee_minor, "refunds.fee_minor", 100_000_000);
        range(&mut e, self.reminder_hours, "reminder_hours", 24 * 60);
        e.finish()
    }
}

/// Rounds `n / d` half away from zero; `d > 0`.
fn div_round(n: i128, d: i128) -> i128 {
    if n >= 0 { (n + d / 2) / d } else { -((-n + d / 2) / d) }
}

fn fit(v: i128) -> Result<i64, MoneyError> {
    i64::try_from(v).map_err(|_| MoneyError::Overflow)
}

/// One priced line of a receipt.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ReceiptLine {
    pub ticket_type_id: TicketTypeId,
    pub quantity: i64,
    pub unit_price: Money,
    /// Tax in this line (all its tickets), included or on top per its rule.
    pub tax: Money,
    pub tax_rate_bp: i64,
    pub tax_inclusive: bool,
    /// Per-ticket fees of this line (all its tickets).
    pub fees: Money,
}

/// What an order costs, line by line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Receipt {
    pub lines: Vec<ReceiptLine>,
    /// Sum of unit price x quantity.
    pub subtotal: Money,
    /// Taken off the subtotal by promo codes.
    pub discount: Money,
    /// All tax, inclusive and exclusive.
    pub tax: Money,
    /// All service fees, whoever pays them.
    pub fees: Money,
    /// Fees the buyer pays on top (zero when the organizer absorbs them).
    pub fees_charged: Money,
    /// What the buyer pays.
    pub total: Money,
}

impl Receipt {
    /// What the organizer keeps: the total less tax and fees.
    pub fn net(&self) -> i64 {
        self.total.amount_minor - self.tax.amount_minor - self.fees.amount_minor
    }
}

/// Prices lines of (ticket type, quantity, unit price), all in one currency.
pub fn price(
    currency: Currency,
    lines: &[(TicketTypeId, i64, Money)],
    pricing: &EventPricing,
) -> Result<Receipt, MoneyError> {
    price_discounted(currency, lines, &[], pricing)
}

/// [`price`] with a discount on each line (minor units, at most the line's
/// price; missing entries are 0). Tax and percentage fees are taken on what
/// the buyer pays for the line; a line discounted to nothing carries no fee,
/// like a free ticket. `subtotal` stays the list price sum, `discount` says
/// what came off, and `total = subtotal - discount + added tax + fees charged`.
pub fn price_discounted(
    currency: Currency,
    lines: &[(TicketTypeId, i64, Money)],
    discounts: &[i64],
    pricing: &EventPricing,
) -> Result<Receipt, MoneyError> {
    let f = &pricing.fees;
    let mut out = Vec::with_capacity(lines.len());
    let (mut subtotal, mut tax, mut fees, mut exclusive, mut discount) = (0i128, 0i128, 0i128, 0i128, 0i128);
    for (i, &(tt, qty, unit)) in lines.iter().enumerate() {
        if unit.currency != currency {
            return Err(MoneyError::CurrencyMismatch(currency, unit.currency));
        }
        let list = i128::from(unit.amount_minor) * i128::from(qty);
        let off = i128::from(discounts.get(i).copied().unwrap_or(0)).clamp(0, list.max(0));
        let gross = list - off;
        let rule = pricing.taxes.get(&tt).copied().unwrap_or_default();
        let rate = i128::from(rule.rate_bp);
        let line_tax = if rule.inclusive {
            div_round(gross * rate, i128::from(BP) + rate)
        } else {
            div_round(gross * rate, i128::from(BP))
        };
        if !rule.inclusive {
            exclusive += line_tax;
        }
        let line_fees = if off == 0 {
            let per_ticket = if unit.amount_minor > 0 {
                i128::from(f.per_ticket_minor)
                    + div_round(i128::from(unit.amount_minor) * i128::from(f.per_ticket_bp), 10_000)
            } else {
                0
            };
            per_ticket * i128::from(qty)
        } else if gross > 0 {
            i128::from(f.per_ticket_minor) * i128::from(qty) + div_round(gross * i128::from(f.per_ticket_bp), 10_000)
        } else {
            0
        };
        subtotal += list;
        discount += off;
        tax += line_tax;
        fees += line_fees;
        out.push(ReceiptLine {
            ticket_type_id: tt,
            quantity: qty,
            unit_price: unit,
            tax: Money::new(fit(line_tax)?, currency),
            tax_rate_bp: rule.rate_bp,
            tax_inclusive: rule.inclusive,
            fees: Money::new(fit(line_fees)?, currency),
        });
    }
    if subtotal - discount > 0 {
        fees += i128::from(f.per_order_minor);
    }
    let charged = if f.absorbed { 0 } else { fees };
    let total = subtotal - discount + exclusive + charged;
    // An absorbed fee larger than what the organizer takes in is capped: the
    // platform never takes more than the order brings.
    let fees = fees.min((total - tax).max(0));
    let m = |v: i128| fit(v).map(|a| Money::new(a, currency));
    Ok(Receipt {
        lines: out,
        subtotal: m(subtotal)?,
        discount: m(discount)?,
        tax: m(tax)?,
        fees: m(fees)?,
        fees_charged: m(charged)?,
        total: m(total)?,
    })
}

/// Ledger accounts. Amounts are signed: debits positive, credits negative;
/// every transaction sums to zero.
pub mod account {
    use crate::OrgId;

    /// Money held for us by a payment provider (an asset).
    pub fn provider(provider: &str) -> String {
        format!("provider:{provider}")
    }
    /// What is owed to the organizer (a liability).
    pub fn org_sales(org: OrgId) -> String {
        format!("org:{org}:sales")
    }
    /// Tax the organizer collected and must pass on.
    pub fn org_tax(org: OrgId) -> String {
        format!("org:{org}:tax")
    }
    /// Money paid out to the organizer.
    pub fn org_payouts(org: OrgId) -> String {
        format!("org:{org}:payouts")
    }
    /// Service fees the platform earned.
    pub const PLATFORM_FEES: &str = "platform:fees";
    /// The outstanding balance of the organization's gift cards (a liability).
    pub fn org_gift_cards(org: OrgId) -> String {
        format!("org:{org}:gift_cards")
    }
    /// Where a payment's money is held: a provider's account, or for a gift
    /// card the organization's gift-card liability, which the payment reduces.
    pub fn payment(provider: &str, org: OrgId) -> String {
        if provider == crate::giftcards::PROVIDER {
            org_gift_cards(org)
        } else if provider == crate::loyalty::PROVIDER {
            org_loyalty(org)
        } else {
            self::provider(provider)
        }
    }
    /// What loyalty points paid of the organization's orders (the organizer
    /// funds it), less what refunds gave back to the points.
    pub fn org_loyalty(org: OrgId) -> String {
        format!("org:{org}:loyalty")
    }
}

/// How a paid amount divides among the organizer's sales, tax and fees.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Split {
    pub sales: i64,
    pub tax: i64,
    pub fees: i64,
}

impl Split {
    pub fn total(&self) -> i64 {
        self.sales + self.tax + self.fees
    }

    pub fn of(receipt: &Receipt) -> Self {
        Split { sales: receipt.net(), tax: receipt.tax.amount_minor, fees: receipt.fees.amount_minor }
    }
}

/// A balanced set of postings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerTxn {
    /// `charge`, `refund` or `payout`.
    pub kind: &'static str,
    pub currency: Currency,
    pub entries: Vec<(String, i64)>,
}

impl LedgerTxn {
    pub fn sum(&self) -> i128 {
        self.entries.iter().map(|(_, a)| i128::from(*a)).sum()
    }
}

/// A payment arrived: the provider holds it for us, split among the organizer's
/// sales, the tax it collected and the platform's fees.
pub fn charge_txn(provider: &str, org: OrgId, currency: Currency, split: Split) -> LedgerTxn {
    let mut entries = vec![(account::payment(provider, org), split.total())];
    entries.push((account::org_sales(org), -split.sales));
    if split.tax != 0 {
        entries.push((account::org_tax(org), -split.tax));
    }
    if split.fees != 0 {
        entries.push((account::PLATFORM_FEES.to_string(), -split.fees));
    }
    LedgerTxn { kind: "charge", currency, entries }
}

/// How a refund of `amount` divides, given what was paid and what earlier
/// refunds already took back: proportional to the original split, with the
/// remainder on sales, and exactly the rest when it refunds everything left.
/// Returns `None` when `amount` exceeds what is left.
pub fn refund_split(paid: Split, refunded: Split, amount: i64) -> Option<Split> {
    let left =
        Split { sales: paid.sales - refunded.sales, tax: paid.tax - refunded.tax, fees: paid.fees - refunded.fees };
    if amount <= 0 || amount > left.total() {
        return None;
    }
    if amount == left.total() {
        return Some(left);
    }
    let total = i128::from(paid.total().max(1));
    let share = |part: i64| (i128::from(amount) * i128::from(part) / total) as i64;
    let tax = share(paid.tax).clamp(0, left.tax.max(0));
    let fees = share(paid.fees).clamp(0, left.fees.max(0));
    let mut s = Split { sales: amount - tax - fees, tax, fees };
    // Sales cannot go below what is left of them; move the excess to tax, then fees.
    if s.sales > left.sales {
        let mut excess = s.sales - left.sales;
        s.sales = left.sales;
        let t = excess.min(left.tax - s.tax);
        s.tax += t;
        excess -= t;
        s.fees += excess;
    }
    Some(s)
}

/// How a payment of `amount` towards an order divides, given the order's
/// whole split and what earlier payments (a gift card's part) already
/// charged: exactly the rest when it pays the rest, else proportional to the
/// whole with the remainder on sales. An amount beyond the rest lands on sales.
pub fn charge_split(whole: Split, charged: Split, amount: i64) -> Split {
    let left =
        Split { sales: whole.sales - charged.sales, tax: whole.tax - charged.tax, fees: whole.fees - charged.fees };
    if amount >= left.total() {
        return Split { sales: left.sales + (amount - left.total()), ..left };
    }
    let total = i128::from(whole.total().max(1));
    let share =
        |part: i64, left_part: i64| ((i128::from(amount) * i128::from(part) / total) as i64).clamp(0, left_part.max(0));
    let tax = share(whole.tax, left.tax);
    let fees = share(whole.fees, left.fees);
    Split { sales: amount - tax - fees, tax, fees }
}

/// Money went back to the buyer through the provider.
pub fn refund_txn(provider: &str, org: OrgId, currency: Currency, split: Split) -> LedgerTxn {
    let mut entries = vec![(account::payment(provider, org), -split.total())];
    entries.push((account::org_sales(org), split.sales));
    if split.tax != 0 {
        entries.push((account::org_tax(org), split.tax));
    }
    if split.fees != 0 {
        entries.push((account::PLATFORM_FEES.to_string(), split.fees));
    }
    LedgerTxn { kind: "refund", currency, entries }
}

/// Money paid out to the organizer from what a provider holds.
pub fn payout_txn(provider: &str, org: OrgId, currency: Currency, amount: i64) -> LedgerTxn {
    LedgerTxn {
        kind: "payout",
        currency,
        entries: vec![(account::org_payouts(org), amount), (account::provider(provider), -amount)],
    }
}

/// Whether a buyer may refund their own order now, and what they get back.
pub fn buyer_refund(
    policy: &RefundPolicy,
    event_starts: Timestamp,
    now: Timestamp,
    refundable: i64,
) -> Result<i64, &'static str> {
    if !policy.buyer_refunds {
        return Err("this event does not allow refunds by buyers; ask the organizer");
    }
    let deadline =
        event_starts.checked_sub(jiff::SignedDuration::from_hours(policy.deadline_hours)).unwrap_or(event_starts);
    if now >= deadline {
        return Err("the refund deadline for this event has passed");
    }
    let amount = refundable - policy.fee_minor;
    if amount <= 0 {
        return Err("nothing is left to refund after the refund fee");
    }
    Ok(amount)
}

/// Where a payment attempt stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentState {
    /// Waiting for the buyer or the provider.
    Open,
    Succeeded,
    Failed,
    /// The provider's session ran out unpaid.
    Expired,
}

impl PaymentState {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentState::Open => "open",
            PaymentState::Succeeded => "succeeded",
            PaymentState::Failed => "failed",
            PaymentState::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "open" => PaymentState::Open,
            "succeeded" => PaymentState::Succeeded,
            "failed" => PaymentState::Failed,
            "expired" => PaymentState::Expired,
            _ => return None,
        })
    }

    /// The state after a provider reports `outcome`, or `None` when the report
    /// changes nothing (a late failure after success, a repeat).
    pub fn after(self, outcome: PaymentState) -> Option<PaymentState> {
        match (self, outcome) {
            (PaymentState::Open, o) if o != PaymentState::Open => Some(o),
            // Money can arrive after a session expired or a first attempt failed
            // (delayed methods, bank transfers): success always wins.
            (PaymentState::Failed | PaymentState::Expired, PaymentState::Succeeded) => Some(PaymentState::Succeeded),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn eur(a: i64) -> Money {
        Money::new(a, Currency::parse("EUR").unwrap())
    }

    #[test]
    fn inclusive_and_exclusive_taxes_and_fees() {
        let (a, b) = (TicketTypeId::new(), TicketTypeId::new());
        let mut p = EventPricing::default();
        p.taxes.insert(a, TaxRule { rate_bp: 1900, inclusive: true });
        p.taxes.insert(b, TaxRule { rate_bp: 1000, inclusive: false });
        p.fees = FeePolicy { per_ticket_minor: 50, per_ticket_bp: 100, per_order_minor: 100, absorbed: false };
        let eu = Currency::parse("EUR").unwrap();
        let r = price(eu, &[(a, 2, eur(1190)), (b, 1, eur(1000))], &p).unwrap();
        assert_eq!(r.subtotal.amount_minor, 3380);
        // 2380 incl. 19 % -> 380 tax; 1000 + 10 % -> 100 tax on top.
        assert_eq!(r.lines[0].tax.amount_minor, 380);
        assert_eq!(r.lines[1].tax.amount_minor, 100);
        // (50 + 12) x 2 + (50 + 10) + 100 per order.
        assert_eq!(r.fees.amount_minor, 124 + 60 + 100);
        assert_eq!(r.total.amount_minor, 3380 + 100 + 284);
        assert_eq!(r.net(), 3380 - 380);

        p.fees.absorbed = true;
        let r = price(eu, &[(a, 2, eur(1190)), (b, 1, eur(1000))], &p).unwrap();
        assert_eq!(r.total.amount_minor, 3480);
        assert_eq!(r.fees_charged.amount_minor, 0);
        assert_eq!(r.net(), 3480 - 480 - 284);
    }

    #[test]
    fn free_tickets_stay_free() {
        let p = EventPricing {
            fees: FeePolicy { per_ticket_minor: 50, per_ticket_bp: 100, per_order_minor: 100, absorbed: false },
            ..Default::default()
        };
        let r = price(Currency::parse("EUR").unwrap(), &[(TicketTypeId::new(), 3, eur(0))], &p).unwrap();
        assert_eq!(r.total.amount_minor, 0);
        assert_eq!(r.fees.amount_minor, 0);
    }

    #[test]
    fn payment_states_only_move_forward() {
        use PaymentState::*;
        assert_eq!(Open.after(Succeeded), Some(Succeeded));
        assert_eq!(Succeeded.after(Failed), None);
        assert_eq!(Succeeded.after(Succeeded), None);
        assert_eq!(Expired.after(Succeeded), Some(Succeeded));
        assert_eq!(Failed.after(Expired), None);
    }

    #[test]
    fn buyer_refunds_follow_the_policy() {
        let start: Timestamp = "2026-12-01T19:00:00Z".parse().unwrap();
        let early: Timestamp = "2026-11-20T10:00:00Z".parse().unwrap();
        let late: Timestamp = "2026-12-01T10:00:00Z".parse().unwrap();
        let p = RefundPolicy { buyer_refunds: true, deadline_hours: 24, fee_minor: 200 };
        assert_eq!(buyer_refund(&p, start, early, 5000), Ok(4800));
        assert!(buyer_refund(&p, start, late, 5000).is_err());
        assert!(buyer_refund(&p, start, early, 150).is_err());
        assert!(buyer_refund(&RefundPolicy::default(), start, early, 5000).is_err());
    }

    fn arb_split() -> impl Strategy<Value = Split> {
        (0i64..100_000, 0i64..30_000, 0i64..10_000).prop_map(|(sales, tax, fees)| Split { sales, tax, fees })
    }

    proptest! {
        /// Invariant 5 and 6: every transaction balances; per order, paid - refunded
        /// is the provider account's balance; refunds never exceed what was paid,
        /// and no part of the split goes negative.
        #[test]
        fn ledger_balances_and_refunds_never_exceed_paid(paid in arb_split(), asks in proptest::collection::vec(1i64..60_000, 0..12)) {
            let eu = Currency::parse("EUR").unwrap();
            let org = OrgId::new();
            let mut txns = vec![charge_txn("sandbox", org, eu, paid)];
            let mut refunded = Split::default();
            let mut refunded_total = 0i64;
            for ask in asks {
                match refund_split(paid, refunded, ask) {
                    Some(s) => {
                        prop_assert_eq!(s.total(), ask);
                        prop_assert!(s.sales >= 0 && s.tax >= 0 && s.fees >= 0, "{:?}", s);
                        refunded = Split { sales: refunded.sales + s.sales, tax: refunded.tax + s.tax, fees: refunded.fees + s.fees };
                        prop_assert!(refunded.sales <= paid.sales && refunded.tax <= paid.tax && refunded.fees <= paid.fees);
                        refunded_total += ask;
                        txns.push(refund_txn("sandbox", org, eu, s));
                    }
                    None => prop_assert!(ask > paid.total() - refunded_total),
                }
            }
            for t in &txns {
                prop_assert_eq!(t.sum(), 0);
            }
            let provider: i64 = txns.iter().flat_map(|t| &t.entries).filter(|(a, _)| a == "provider:sandbox").map(|(_, v)| v).sum();
            prop_assert_eq!(provider, paid.total() - refunded_total);
            prop_assert!(refunded_total <= paid.total());
        }

        /// A gift card pays part of an order and a provider the rest: the two
        /// charges split exactly into the order's whole split with no part
        /// negative; refunds (card first) never return more per means than it
        /// paid, and every transaction balances with the card's liability and
        /// the provider's account holding what each took in net.
        #[test]
        fn a_gift_card_part_and_a_provider_rest_split_the_order_exactly(
            whole in arb_split(),
            card_share in 0u32..=100,
            asks in proptest::collection::vec(1i64..60_000, 0..8),
        ) {
            let eu = Currency::parse("EUR").unwrap();
            let org = OrgId::new();
            let total = whole.total();
            let g = total * i64::from(card_share) / 100;
            let first = charge_split(whole, Split::default(), g);
            prop_assert_eq!(first.total(), g);
            prop_assert!(first.sales >= 0 && first.tax >= 0 && first.fees >= 0, "{:?}", first);
            let rest = charge_split(whole, first, total - g);
            prop_assert_eq!(rest.total(), total - g);
            prop_assert!(rest.sales >= 0 && rest.tax >= 0 && rest.fees >= 0, "{:?}", rest);
            prop_assert_eq!(Split { sales: first.sales + rest.sales, tax: first.tax + rest.tax, fees: first.fees + rest.fees }, whole);
            let mut txns = vec![];
            if g > 0 { txns.push(charge_txn(crate::giftcards::PROVIDER, org, eu, first)); }
            if total - g > 0 { txns.push(charge_txn("sandbox", org, eu, rest)); }
            let mut refunded = Split::default();
            let (mut card_back, mut provider_back) = (0i64, 0i64);
            for ask in asks {
                // The card's part first, then the provider's.
                let to_card = ask.min(g - card_back);
                let to_provider = ask - to_card;
                if to_provider > total - g - provider_back { continue; }
                for (means, amount) in [(crate::giftcards::PROVIDER, to_card), ("sandbox", to_provider)] {
                    if amount == 0 { continue; }
                    let s = refund_split(whole, refunded, amount).expect("within what is left");
                    refunded = Split { sales: refunded.sales + s.sales, tax: refunded.tax + s.tax, fees: refunded.fees + s.fees };
                    txns.push(refund_txn(means, org, eu, s));
                }
                card_back += to_card;
                provider_back += to_provider;
                prop_assert!(card_back <= g && provider_back <= total - g);
            }
            for t in &txns {
                prop_assert_eq!(t.sum(), 0);
            }
            let held = |account: &str| -> i64 { txns.iter().flat_map(|t| &t.entries).filter(|(a, _)| a == account).map(|(_, v)| v).sum() };
            prop_assert_eq!(held(&account::org_gift_cards(org)), g - card_back);
            prop_assert_eq!(held("provider:sandbox"), total - g - provider_back);
        }

        /// The receipt adds up whatever the settings: total = subtotal + exclusive
        /// tax + charged fees, and the organizer's net is never negative.
        #[test]
        fn receipts_add_up(
            prices in proptest::collection::vec((0i64..1_000_000, 1i64..20, 0i64..3000, any::<bool>()), 1..5),
            fee in (0i64..500, 0i64..2000, 0i64..1000, any::<bool>()),
        ) {
            let eu = Currency::parse("EUR").unwrap();
            let mut p = EventPricing {
                fees: FeePolicy { per_ticket_minor: fee.0, per_ticket_bp: fee.1, per_order_minor: fee.2, absorbed: fee.3 },
                ..Default::default()
            };
            let mut lines = vec![];
            for (price_minor, qty, rate, inclusive) in prices {
                let tt = TicketTypeId::new();
                p.taxes.insert(tt, TaxRule { rate_bp: rate, inclusive });
                lines.push((tt, qty, eur(price_minor)));
            }
            let r = price(eu, &lines, &p).unwrap();
            let exclusive: i64 = r.lines.iter().filter(|l| !l.tax_inclusive).map(|l| l.tax.amount_minor).sum();
            prop_assert_eq!(r.total.amount_minor, r.subtotal.amount_minor + exclusive + r.fees_charged.amount_minor);
            prop_assert!(r.net() >= 0, "{:?}", r);
            prop_assert_eq!(Split::of(&r).total(), r.total.amount_minor);
        }

        /// With discounts (promo codes) as well: the total is the subtotal
        /// less the discount plus exclusive tax and charged fees, never
        /// negative, the organizer's net is never negative, and the ledger's
        /// split still adds up to what the buyer pays.
        #[test]
        fn discounted_receipts_add_up(
            prices in proptest::collection::vec((0i64..1_000_000, 1i64..20, 0i64..3000, any::<bool>(), 0i64..2_000_000), 1..5),
            fee in (0i64..500, 0i64..2000, 0i64..1000, any::<bool>()),
        ) {
            let eu = Currency::parse("EUR").unwrap();
            let mut p = EventPricing {
                fees: FeePolicy { per_ticket_minor: fee.0, per_ticket_bp: fee.1, per_order_minor: fee.2, absorbed: fee.3 },
                ..Default::default()
            };
            let (mut lines, mut discounts) = (vec![], vec![]);
            for (price_minor, qty, rate, inclusive, off) in prices {
                let tt = TicketTypeId::new();
                p.taxes.insert(tt, TaxRule { rate_bp: rate, inclusive });
                lines.push((tt, qty, eur(price_minor)));
                discounts.push(off.min(price_minor * qty));
            }
            let r = price_discounted(eu, &lines, &discounts, &p).unwrap();
            let exclusive: i64 = r.lines.iter().filter(|l| !l.tax_inclusive).map(|l| l.tax.amount_minor).sum();
            prop_assert_eq!(r.discount.amount_minor, discounts.iter().sum::<i64>());
            prop_assert_eq!(
                r.total.amount_minor,
                r.subtotal.amount_minor - r.discount.amount_minor + exclusive + r.fees_charged.amount_minor
            );
            prop_assert!(r.total.amount_minor >= 0);
            prop_assert!(r.net() >= 0, "{:?}", r);
            prop_assert_eq!(Split::of(&r).total(), r.total.amount_minor);
            let txn = charge_txn("sandbox", OrgId::new(), eu, Split::of(&r));
            prop_assert_eq!(txn.sum(), 0);
        }
    }
}
