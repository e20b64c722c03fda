//! Promotions: promo codes (vouchers), the discounts they give, and the
//! check character of generated codes. Pure functions; the inventory batch
//! decides with them (see [`crate::inventory::decide`]).
//!
//! Codes come in two forms:
//! - an organizer's own code, such as `EARLYBIRD`: 3 to 40 of `A-Z`, `0-9`
//!   and `_` (typed in any case; stored upper case); no `-`;
//! - a generated code: `PREFIX-XXXX-XXXX-XXXX`, where the twelve `X` are
//!   from [`ALPHABET`] and the last of them is a check character
//!   (Luhn mod 32, see `docs/promo-codes.md`). A code with a `-` must pass
//!   the check before anything is looked up, so a typo is refused at once.

use crate::validation::check_text;
use crate::{Currency, EventId, Money, OrgId, PromoCodeId, TicketTypeId, Timestamp, ValidationError};

/// The 32 characters of generated codes: digits and Latin capitals without
/// `I`, `L`, `O` and `U` (Crockford's base 32), so that `0`/`O` and `1`/`I`/`L`
/// cannot be confused. Typed `O` reads as `0`, `I` and `L` as `1`.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters of a generated code after its prefix (the last is the check).
pub const BODY_LEN: usize = 12;
/// Most codes one batch generates.
pub const MAX_BATCH: i64 = 10_000;

fn value_of(c: u8) -> Option<usize> {
    ALPHABET.iter().position(|&a| a == c)
}

/// The Luhn mod 32 check character of `body` (characters of [`ALPHABET`]).
/// Returns `None` when `body` has a character outside the alphabet.
pub fn check_char(body: &str) -> Option<char> {
    let n = ALPHABET.len();
    let mut factor = 2;
    let mut sum = 0;
    for c in body.bytes().rev() {
        let addend = factor * value_of(c)?;
        factor = if factor == 2 { 1 } else { 2 };
        sum += addend / n + addend % n;
    }
    Some(ALPHABET[(n - sum % n) % n] as char)
}

/// Whether `body` (check character last) passes the Luhn mod 32 check.
pub fn check_passes(body: &str) -> bool {
    match body.len() {
        0 | 1 => false,
        len => check_char(&body[..len - 1]).is_some_and(|c| body.ends_with(c)),
    }
}

/// Why a typed code was refused before any lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeProblem {
    /// Not the shape of any code (length or characters).
    Malformed,
    /// A generated code whose check character does not match: a typo.
    CheckFailed,
}

/// The code as stored, from what a buyer typed: trimmed, upper case; in a
/// generated code's body, spaces and dashes are dropped, `O` reads as `0`,
/// `I` and `L` as `1`, and the check character must match.
/// A generated code typed without its dashes (`giftabcd…`, any case): the
/// dash after its `prefix` put back, so [`normalize_code`] can read it.
/// Anything else comes back as typed.
pub fn restore_prefix_dash(typed: &str, prefix: &str) -> String {
    let squeezed: String = typed.chars().filter(|c| *c != '-' && !c.is_whitespace()).collect::<String>().to_uppercase();
    match squeezed.strip_prefix(prefix) {
        Some(rest) if !typed.contains('-') && rest.len() == BODY_LEN => format!("{prefix}-{rest}"),
        _ => typed.to_string(),
    }
}

pub fn normalize_code(typed: &str) -> Result<String, CodeProblem> {
    let t = typed.trim().to_uppercase();
    match t.split_once('-') {
        None => {
            let ok = (3..=40).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            if ok { Ok(t) } else { Err(CodeProblem::Malformed) }
        }
        Some((prefix, rest)) => {
            if !valid_prefix(prefix) {
                return Err(CodeProblem::Malformed);
            }
            let body: String = rest
                .chars()
                .filter(|c| *c != '-' && !c.is_whitespace())
                .map(|c| match c {
                    'O' => '0',
                    'I' | 'L' => '1',
                    c => c,
                })
                .collect();
            if body.len() != BODY_LEN || !body.bytes().all(|b| value_of(b).is_some()) {
                return Err(CodeProblem::Malformed);
            }
            if !check_passes(&body) {
                return Err(CodeProblem::CheckFailed);
            }
            Ok(format!("{prefix}-{}-{}-{}", &body[0..4], &body[4..8], &body[8..12]))
        }
    }
}

fn valid_prefix(p: &str) -> bool {
    (1..=12).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// A generated code from `random` (at least 11 bytes; one character per byte).
pub fn generated_code(prefix: &str, random: &[u8]) -> String {
    let body: String = random.iter().take(BODY_LEN - 1).map(|b| ALPHABET[(*b & 31) as usize] as char).collect();
    let check = check_char(&body).expect("alphabet characters only");
    let body = format!("{body}{check}");
    format!("{prefix}-{}-{}-{}", &body[0..4], &body[4..8], &body[8..12])
}

/// What a code takes off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DiscountKind {
    /// `value` basis points off each eligible ticket (2500 = 25 %).
    Percent,
    /// `value` minor units off the eligible tickets of the order, once per order.
    Amount,
    /// Each eligible ticket costs `value` minor units (never more than its price).
    FixedPrice,
}

impl DiscountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DiscountKind::Percent => "percent",
            DiscountKind::Amount => "amount",
            DiscountKind::FixedPrice => "fixed_price",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "percent" => DiscountKind::Percent,
            "amount" => DiscountKind::Amount,
            "fixed_price" => DiscountKind::FixedPrice,
            _ => return None,
        })
    }
}

/// Where a code is taken: at checkout (online, and by staff at the box
/// office), at a venue's counters (the scanner's Redeem mode: the bar, the
/// shop), or both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    #[default]
    Online,
    Counter,
    Both,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::Counter => "counter",
            Channel::Both => "both",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "online" => Channel::Online,
            "counter" => Channel::Counter,
            "both" => Channel::Both,
            _ => return None,
        })
    }

    /// Taken at checkout.
    pub fn online(self) -> bool {
        self != Channel::Counter
    }

    /// Taken at a counter.
    pub fn counter(self) -> bool {
        self != Channel::Online
    }
}

/// A promo code as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct PromoCode {
    pub id: PromoCodeId,
    pub org_id: OrgId,
    /// `null`: valid for every event of the organization.
    pub event_id: Option<EventId>,
    /// Upper case, as buyers type it (any case is accepted).
    pub code: String,
    /// Shown to the buyer beside the discount line.
    pub description: String,
    pub kind: DiscountKind,
    /// Basis points for `percent`; minor units of `currency` otherwise.
    pub value: i64,
    /// The currency of `amount` and `fixed_price` codes.
    pub currency: Option<Currency>,
    /// The ticket types it applies to (and unlocks); empty: all.
    pub ticket_type_ids: Vec<TicketTypeId>,
    /// Eligible tickets an order needs for the code to apply.
    pub min_quantity: i64,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub valid_from: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub valid_until: Option<Timestamp>,
    /// Orders that may use it in all; `null`: no limit.
    pub max_uses: Option<i64>,
    /// Orders one customer (account, or e-mail address for guests) may use it for.
    pub max_uses_per_customer: Option<i64>,
    /// Also opens the hidden ticket types it applies to, like an access code.
    pub unlocks_hidden: bool,
    /// Where it is taken: `online` (checkout), `counter` (a venue's counters) or `both`.
    pub channel: Channel,
    /// The batch that generated it, if any.
    pub batch: Option<String>,
    /// Orders holding a use now (pending or paid; expired, cancelled and
    /// fully refunded orders give their use back).
    pub uses: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

/// A promo code to create, or the new settings of one (`PUT`).
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPromoCode {
    /// The event it is for; leave out for every event of the organization.
    /// A code's event cannot change (`PUT` must repeat it or leave it out).
    #[serde(default)]
    pub event_id: Option<EventId>,
    /// 3-40 of `A-Z`, `0-9`, `_` (any case).
    #[schema(min_length = 3, max_length = 40, pattern = "^[A-Za-z0-9_]{3,40}$")]
    pub code: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub description: String,
    pub kind: DiscountKind,
    /// 1-10000 basis points for `percent`; minor units (0 to 10^12) otherwise.
    #[schema(minimum = 0, maximum = 1_000_000_000_000.0)]
    pub value: i64,
    /// Required for `amount` and `fixed_price`.
    #[serde(default)]
    pub currency: Option<Currency>,
    /// Only for an event's codes: the ticket types it applies to; empty: all.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub ticket_type_ids: Vec<TicketTypeId>,
    #[serde(default = "one")]
    #[schema(minimum = 1, maximum = 100)]
    pub min_quantity: i64,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub valid_from: Option<Timestamp>,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub valid_until: Option<Timestamp>,
    #[serde(default)]
    #[schema(minimum = 1)]
    pub max_uses: Option<i64>,
    #[serde(default)]
    #[schema(minimum = 1)]
    pub max_uses_per_customer: Option<i64>,
    #[serde(default)]
    pub unlocks_hidden: bool,
    /// `online` (default), `counter` or `both`. A code taken at counters
    /// applies to a whole purchase: it names no ticket types.
    #[serde(default)]
    pub channel: Channel,
}

fn one() -> i64 {
    1
}

impl NewPromoCode {
    /// Every bad field at once.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let event_scoped = self.event_id.is_some();
        let mut e = ValidationError::new();
        match normalize_code(&self.code) {
            Ok(c) if !c.contains('-') => {}
            _ => e.add_key("code", crate::MessageKey::new("pricing-error-code-shape"), "3 to 40 letters, digits or _"),
        }
        check_text(&mut e, "description", &self.description, 0, 200);
        self.check_value(&mut e);
        if !event_scoped {
            e.check(self.ticket_type_ids.is_empty(), "ticket_type_ids", "only an event's codes name ticket types");
        }
        e.check(self.ticket_type_ids.len() <= 50, "ticket_type_ids", "at most 50 ticket types");
        let mut seen = self.ticket_type_ids.clone();
        seen.sort();
        seen.dedup();
        e.check(seen.len() == self.ticket_type_ids.len(), "ticket_type_ids", "must not repeat a ticket type");
        e.check((1..=crate::catalog::MAX_PER_ORDER).contains(&self.min_quantity), "min_quantity", "1 to 100");
        if let (Some(a), Some(b)) = (self.valid_from, self.valid_until) {
            e.check(a < b, "valid_until", "must be after valid_from");
        }
        if let Some(m) = self.max_uses {
            e.check(m >= 1, "max_uses", "at least 1, or leave empty for no limit");
        }
        if let Some(m) = self.max_uses_per_customer {
            e.check(m >= 1, "max_uses_per_customer", "at least 1, or leave empty for no limit");
        }
        if self.channel.counter() {
            e.check_key(
                self.ticket_type_ids.is_empty(),
                "ticket_type_ids",
                crate::MessageKey::new("pricing-error-counter-types"),
                "a code taken at counters applies to the whole purchase: name no ticket types",
            );
        }
        if !self.channel.online() {
            e.check_key(
                !self.unlocks_hidden,
                "unlocks_hidden",
                crate::MessageKey::new("pricing-error-counter-hidden"),
                "a code taken only at counters opens no ticket types",
            );
        }
        e.finish()
    }

    fn check_value(&self, e: &mut ValidationError) {
        match self.kind {
            DiscountKind::Percent => {
                e.check((1..=10_000).contains(&self.value), "value", "1 to 10000 basis points (0.01 % to 100 %)");
                e.check(self.currency.is_none(), "currency", "a percentage has no currency");
            }
            DiscountKind::Amount | DiscountKind::FixedPrice => {
                let min = i64::from(self.kind == DiscountKind::Amount);
                e.check(
                    (min..=crate::catalog::MAX_PRICE_MINOR).contains(&self.value),
                    "value",
                    format!("{min} to {} minor units", crate::catalog::MAX_PRICE_MINOR),
                );
                e.check(self.currency.is_some(), "currency", "required for an amount or a fixed price");
            }
        }
    }
}

/// A batch of single-use codes to generate.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPromoBatch {
    /// The event the codes are for; leave out for every event of the organization.
    #[serde(default)]
    pub event_id: Option<EventId>,
    /// 1-12 of `A-Z`, `0-9` (any case): the codes read `PREFIX-XXXX-XXXX-XXXX`.
    #[schema(min_length = 1, max_length = 12, pattern = "^[A-Za-z0-9]{1,12}$")]
    pub prefix: String,
    /// How many codes, 1-10000.
    #[schema(minimum = 1, maximum = 10000)]
    pub count: i64,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub description: String,
    pub kind: DiscountKind,
    #[schema(minimum = 0, maximum = 1_000_000_000_000.0)]
    pub value: i64,
    #[serde(default)]
    pub currency: Option<Currency>,
    #[serde(default)]
    #[schema(max_items = 50)]
    pub ticket_type_ids: Vec<TicketTypeId>,
    #[serde(default = "one")]
    #[schema(minimum = 1, maximum = 100)]
    pub min_quantity: i64,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub valid_from: Option<Timestamp>,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub valid_until: Option<Timestamp>,
    #[serde(default)]
    pub unlocks_hidden: bool,
    /// `online` (default), `counter` or `both`.
    #[serde(default)]
    pub channel: Channel,
}

impl NewPromoBatch {
    /// The settings every code of the batch shares (single use each), with
    /// a placeholder code; [`NewPromoCode::validate`] checks them.
    pub fn settings(&self) -> NewPromoCode {
        NewPromoCode {
            event_id: self.event_id,
            code: "BATCH".into(),
            description: self.description.clone(),
            kind: self.kind,
            value: self.value,
            currency: self.currency,
            ticket_type_ids: self.ticket_type_ids.clone(),
            min_quantity: self.min_quantity,
            valid_from: self.valid_from,
            valid_until: self.valid_until,
            max_uses: Some(1),
            max_uses_per_customer: None,
            unlocks_hidden: self.unlocks_hidden,
            channel: self.channel,
        }
    }

    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut e = match self.settings().validate() {
            Ok(()) => ValidationError::new(),
            Err(e) => e,
        };
        e.check(valid_prefix(&self.prefix.trim().to_uppercase()), "prefix", "1 to 12 letters or digits");
        e.check((1..=MAX_BATCH).contains(&self.count), "count", format!("1 to {MAX_BATCH}"));
        e.finish()
    }
}

/// Why a code does not apply to a reservation. Each is answered as a 4xx
/// naming `promo_code`, and nothing is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromoRefusal {
    /// No such code in this organization.
    Unknown,
    /// A code of another event of the organization.
    OtherEvent,
    /// Before `valid_from`.
    NotYetValid,
    /// At or after `valid_until`.
    Expired,
    /// `max_uses` orders hold it already.
    Exhausted,
    /// This customer used it `max_uses_per_customer` times already.
    CustomerLimit,
    /// Fewer eligible tickets than `min_quantity`.
    MinQuantity,
    /// None of the order's tickets is one it applies to, or its currency is another.
    NotApplicable,
    /// Taken only at a venue's counters, not at checkout.
    CounterOnly,
    /// Taken only at checkout, not at a counter.
    NotAtCounter,
}

impl PromoRefusal {
    /// The API's error code.
    pub fn code(self) -> &'static str {
        match self {
            PromoRefusal::Unknown => "promo_unknown",
            PromoRefusal::OtherEvent => "promo_other_event",
            PromoRefusal::NotYetValid => "promo_not_yet_valid",
            PromoRefusal::Expired => "promo_expired",
            PromoRefusal::Exhausted => "promo_exhausted",
            PromoRefusal::CustomerLimit => "promo_customer_limit",
            PromoRefusal::MinQuantity => "promo_min_quantity",
            PromoRefusal::NotApplicable => "promo_not_applicable",
            PromoRefusal::CounterOnly => "promo_counter_only",
            PromoRefusal::NotAtCounter => "promo_not_at_counter",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            PromoRefusal::Unknown => "no such promo code",
            PromoRefusal::OtherEvent => "this promo code is for another event",
            PromoRefusal::NotYetValid => "this promo code is not valid yet",
            PromoRefusal::Expired => "this promo code has expired",
            PromoRefusal::Exhausted => "this promo code has been used up",
            PromoRefusal::CustomerLimit => "you have used this promo code as often as it allows",
            PromoRefusal::MinQuantity => "this promo code needs more tickets in the order",
            PromoRefusal::NotApplicable => "this promo code does not apply to these tickets",
            PromoRefusal::CounterOnly => "this code is redeemed at the venue's counters, not at checkout",
            PromoRefusal::NotAtCounter => "this code is redeemed at checkout, not at a counter",
        }
    }
}

impl PromoCode {
    /// Whether the code applies to (and, with `unlocks_hidden`, opens) this ticket type.
    pub fn covers(&self, tt: TicketTypeId) -> bool {
        self.ticket_type_ids.is_empty() || self.ticket_type_ids.contains(&tt)
    }

    /// Whether the code may be used now for this event by a customer who
    /// used it `by_customer` times; limits count orders, not tickets.
    pub fn usable(&self, event: EventId, now: Timestamp, by_customer: i64) -> Result<(), PromoRefusal> {
        if !self.channel.online() {
            return Err(PromoRefusal::CounterOnly);
        }
        if self.event_id.is_some_and(|e| e != event) {
            return Err(PromoRefusal::OtherEvent);
        }
        if self.valid_from.is_some_and(|t| now < t) {
            return Err(PromoRefusal::NotYetValid);
        }
        if self.valid_until.is_some_and(|t| now >= t) {
            return Err(PromoRefusal::Expired);
        }
        if self.max_uses.is_some_and(|m| self.uses >= m) {
            return Err(PromoRefusal::Exhausted);
        }
        if self.max_uses_per_customer.is_some_and(|m| by_customer >= m) {
            return Err(PromoRefusal::CustomerLimit);
        }
        Ok(())
    }

    /// The discount on each of `lines` (ticket type, quantity, unit price),
    /// in minor units: never more than a line's price, so a total never
    /// goes below zero.
    pub fn discounts(&self, lines: &[(TicketTypeId, i64, Money)]) -> Result<Vec<i64>, PromoRefusal> {
        let eligible: i64 = lines.iter().filter(|l| self.covers(l.0)).map(|l| l.1).sum();
        if eligible == 0 {
            return Err(PromoRefusal::NotApplicable);
        }
        if eligible < self.min_quantity {
            return Err(PromoRefusal::MinQuantity);
        }
        if let Some(c) = self.currency
            && lines.iter().any(|l| self.covers(l.0) && l.2.currency != c)
        {
            return Err(PromoRefusal::NotApplicable);
        }
        let mut left = self.value; // what an `amount` code still has to give
        Ok(lines
            .iter()
            .map(|&(tt, qty, unit)| {
                if !self.covers(tt) {
                    return 0;
                }
                let gross = i128::from(unit.amount_minor) * i128::from(qty);
                let off = match self.kind {
                    DiscountKind::Percent => gross * i128::from(self.value) / 10_000,
                    DiscountKind::FixedPrice => i128::from((unit.amount_minor - self.value).max(0)) * i128::from(qty),
                    DiscountKind::Amount => {
                        let take = i128::from(left).min(gross);
                        left -= i64::try_from(take).unwrap_or(left);
                        take
                    }
                };
                i64::try_from(off.clamp(0, gross)).unwrap_or(0)
            })
            .collect())
    }

    /// What the code takes off a purchase of `purchase` at a counter, in
    /// minor units (never more than the purchase), if it may be taken
    /// there now. Per-customer limits do not apply: a counter does not know
    /// its customers. A code of an event is taken at any of the
    /// organization's counters.
    pub fn counter_discount(&self, purchase: Money, now: Timestamp) -> Result<i64, PromoRefusal> {
        if !self.channel.counter() {
            return Err(PromoRefusal::NotAtCounter);
        }
        if self.valid_from.is_some_and(|t| now < t) {
            return Err(PromoRefusal::NotYetValid);
        }
        if self.valid_until.is_some_and(|t| now >= t) {
            return Err(PromoRefusal::Expired);
        }
        if self.max_uses.is_some_and(|m| self.uses >= m) {
            return Err(PromoRefusal::Exhausted);
        }
        if self.currency.is_some_and(|c| c != purchase.currency) {
            return Err(PromoRefusal::NotApplicable);
        }
        let gross = i128::from(purchase.amount_minor.max(0));
        let off = match self.kind {
            DiscountKind::Percent => gross * i128::from(self.value) / 10_000,
            DiscountKind::Amount => i128::from(self.value).min(gross),
            DiscountKind::FixedPrice => (gross - i128::from(self.value)).max(0),
        };
        Ok(i64::try_from(off.clamp(0, gross)).unwrap_or(0))
    }

    /// The line shown on the order, e.g. `EARLYBIRD` and its description.
    pub fn label(&self) -> String {
        if self.description.is_empty() { self.code.clone() } else { self.description.clone() }
    }
}

/// One discount of an order, as its own line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct OrderDiscount {
    /// The promo code (upper case).
    pub code: String,
    pub description: String,
    /// Taken off the order's subtotal (positive).
    pub amount: Money,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn promo(kind: DiscountKind, value: i64) -> PromoCode {
        PromoCode {
            id: PromoCodeId::new(),
            org_id: OrgId::new(),
            event_id: None,
            code: "X".into(),
            description: String::new(),
            kind,
            value,
            currency: None,
            ticket_type_ids: vec![],
            min_quantity: 1,
            valid_from: None,
            valid_until: None,
            max_uses: None,
            max_uses_per_customer: None,
            unlocks_hidden: false,
            channel: Channel::Online,
            batch: None,
            uses: 0,
            created_at: "2030-01-01T00:00:00Z".parse().unwrap(),
        }
    }

    #[test]
    fn check_character_catches_every_single_change_and_most_swaps() {
        let code = generated_code("VIP", &[7, 1, 30, 12, 5, 9, 22, 0, 31, 3, 17]);
        assert_eq!(normalize_code(&code), Ok(code.clone()));
        assert_eq!(normalize_code(&code.to_lowercase()), Ok(code.clone()), "any case");
        let body: Vec<u8> = code[4..].bytes().filter(|b| *b != b'-').collect();
        for i in 0..body.len() {
            for &c in ALPHABET.iter() {
                if c == body[i] {
                    continue;
                }
                let mut typo = body.clone();
                typo[i] = c;
                let typed = format!("VIP-{}", String::from_utf8(typo).unwrap());
                assert_eq!(normalize_code(&typed), Err(CodeProblem::CheckFailed), "{typed}");
            }
        }
        let mut swaps = 0;
        for i in 0..body.len() - 1 {
            if body[i] == body[i + 1] {
                continue;
            }
            let mut t = body.clone();
            t.swap(i, i + 1);
            if !check_passes(std::str::from_utf8(&t).unwrap()) {
                swaps += 1;
            }
        }
        assert!(swaps >= body.len() - 2, "adjacent swaps caught: {swaps}");
    }

    #[test]
    fn lookalikes_read_as_digits_and_shapes_are_checked() {
        let code = generated_code("A", &[0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0]);
        let typed = code.replace('0', "o").replace('1', "l").replace('-', " ");
        let typed = format!("a-{}", &typed[2..]);
        assert_eq!(normalize_code(&typed), Ok(code));
        assert_eq!(normalize_code("EARLYBIRD"), Ok("EARLYBIRD".into()));
        assert_eq!(normalize_code(" early_bird "), Ok("EARLY_BIRD".into()));
        assert_eq!(normalize_code("AB"), Err(CodeProblem::Malformed));
        assert_eq!(normalize_code("NO SPACES"), Err(CodeProblem::Malformed));
        assert_eq!(normalize_code("X-123"), Err(CodeProblem::Malformed));
        assert_eq!(normalize_code("X-UUUU-UUUU-UUUU"), Err(CodeProblem::Malformed));
    }

    #[test]
    fn discounts_never_exceed_the_price() {
        let eur = Currency::parse("EUR").unwrap();
        let (a, b) = (TicketTypeId::new(), TicketTypeId::new());
        let lines = [(a, 2, Money::new(1000, eur)), (b, 1, Money::new(500, eur))];
        assert_eq!(promo(DiscountKind::Percent, 2500).discounts(&lines), Ok(vec![500, 125]));
        assert_eq!(promo(DiscountKind::Percent, 10_000).discounts(&lines), Ok(vec![2000, 500]));
        let mut fixed = promo(DiscountKind::FixedPrice, 700);
        fixed.currency = Some(eur);
        assert_eq!(fixed.discounts(&lines), Ok(vec![600, 0]));
        let mut amount = promo(DiscountKind::Amount, 2300);
        amount.currency = Some(eur);
        assert_eq!(amount.discounts(&lines), Ok(vec![2000, 300]));
        amount.value = 99_999;
        assert_eq!(amount.discounts(&lines), Ok(vec![2000, 500]));
        amount.ticket_type_ids = vec![b];
        assert_eq!(amount.discounts(&lines), Ok(vec![0, 500]));
        amount.min_quantity = 2;
        assert_eq!(amount.discounts(&lines), Err(PromoRefusal::MinQuantity));
        amount.ticket_type_ids = vec![TicketTypeId::new()];
        assert_eq!(amount.discounts(&lines), Err(PromoRefusal::NotApplicable));
        amount.ticket_type_ids = vec![];
        amount.currency = Some(Currency::parse("USD").unwrap());
        assert_eq!(amount.discounts(&lines), Err(PromoRefusal::NotApplicable));
    }

    #[test]
    fn usable_checks_event_window_and_limits() {
        let now: Timestamp = "2030-05-01T00:00:00Z".parse().unwrap();
        let ev = EventId::new();
        let mut p = promo(DiscountKind::Percent, 100);
        assert_eq!(p.usable(ev, now, 0), Ok(()));
        p.event_id = Some(EventId::new());
        assert_eq!(p.usable(ev, now, 0), Err(PromoRefusal::OtherEvent));
        p.event_id = Some(ev);
        p.valid_until = Some(now);
        assert_eq!(p.usable(ev, now, 0), Err(PromoRefusal::Expired));
        p.valid_until = None;
        p.valid_from = Some("2030-05-02T00:00:00Z".parse().unwrap());
        assert_eq!(p.usable(ev, now, 0), Err(PromoRefusal::NotYetValid));
        p.valid_from = None;
        p.max_uses = Some(1);
        p.uses = 1;
        assert_eq!(p.usable(ev, now, 0), Err(PromoRefusal::Exhausted));
        p.max_uses = None;
        p.max_uses_per_customer = Some(2);
        assert_eq!(p.usable(ev, now, 1), Ok(()));
        assert_eq!(p.usable(ev, now, 2), Err(PromoRefusal::CustomerLimit));
        p.channel = Channel::Counter;
        assert_eq!(p.usable(ev, now, 0), Err(PromoRefusal::CounterOnly), "not at checkout");
        p.channel = Channel::Both;
        assert_eq!(p.usable(ev, now, 0), Ok(()));
    }

    #[test]
    fn counter_discounts_take_at_most_the_purchase() {
        let now: Timestamp = "2030-05-01T00:00:00Z".parse().unwrap();
        let eur = Currency::parse("EUR").unwrap();
        let purchase = Money::new(850, eur);
        let mut p = promo(DiscountKind::Percent, 1000);
        assert_eq!(p.counter_discount(purchase, now), Err(PromoRefusal::NotAtCounter));
        p.channel = Channel::Counter;
        assert_eq!(p.counter_discount(purchase, now), Ok(85));
        assert_eq!(p.counter_discount(Money::new(5, eur), now), Ok(0), "rounded down");
        let mut a = promo(DiscountKind::Amount, 300);
        a.channel = Channel::Both;
        a.currency = Some(eur);
        assert_eq!(a.counter_discount(purchase, now), Ok(300));
        assert_eq!(a.counter_discount(Money::new(200, eur), now), Ok(200), "never more than the purchase");
        let usd = Money::new(850, Currency::parse("USD").unwrap());
        assert_eq!(a.counter_discount(usd, now), Err(PromoRefusal::NotApplicable), "another currency");
        let mut f = promo(DiscountKind::FixedPrice, 500);
        f.channel = Channel::Counter;
        f.currency = Some(eur);
        assert_eq!(f.counter_discount(purchase, now), Ok(350));
        assert_eq!(f.counter_discount(Money::new(400, eur), now), Ok(0), "already below the fixed price");
        f.max_uses = Some(3);
        f.uses = 3;
        assert_eq!(f.counter_discount(purchase, now), Err(PromoRefusal::Exhausted));
        f.uses = 0;
        f.valid_until = Some(now);
        assert_eq!(f.counter_discount(purchase, now), Err(PromoRefusal::Expired));
        f.valid_until = None;
        f.valid_from = Some("2030-05-02T00:00:00Z".parse().unwrap());
        assert_eq!(f.counter_discount(purchase, now), Err(PromoRefusal::NotYetValid));
    }
}
