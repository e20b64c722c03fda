//! Gift cards: a balance in one currency that staff issue, that pays for
//! orders (in part or in full, the rest through the payment provider) and
//! that can be spent at a venue's counters. Pure rules; the store decides
//! under a lock on the card's row.
//!
//! A card's code is `GIFT-XXXX-XXXX-XXXX` with the check character of
//! generated promo codes (Luhn mod 32, `docs/promo-codes.md`), so a typo is
//! refused before anything is looked up. Codes are bearer secrets: the
//! dashboard shows one in full only when the card is issued.
//!
//! In the ledger the outstanding balances are a liability of the
//! organization (`org:{org}:gift_cards`): issuing credits it (the organizer
//! funds the card from its sales), paying an order or spending at a counter
//! debits it, and a refund to the card credits it again.

use crate::payments::{LedgerTxn, account};
use crate::{Currency, GiftCardId, MessageKey, Money, OrgId, Timestamp, ValidationError};

/// The payment provider name of gift-card payments.
pub const PROVIDER: &str = "giftcard";
/// The prefix of every gift card's code.
pub const PREFIX: &str = "GIFT";
/// The highest value one card may carry, in minor units.
pub const MAX_VALUE_MINOR: i64 = 100_000_000;

/// Whether a card can be spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GiftCardState {
    Active,
    /// Switched off by staff: nothing can be spent (refunds still return to it).
    Disabled,
}

impl GiftCardState {
    pub fn as_str(self) -> &'static str {
        match self {
            GiftCardState::Active => "active",
            GiftCardState::Disabled => "disabled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(GiftCardState::Active),
            "disabled" => Some(GiftCardState::Disabled),
            _ => None,
        }
    }
}

/// A gift card as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct GiftCard {
    pub id: GiftCardId,
    pub org_id: OrgId,
    /// In full only in the answer that issued it; masked everywhere else.
    pub code: String,
    pub initial: Money,
    /// What is left to spend; never below zero.
    pub balance: Money,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<Timestamp>,
    pub state: GiftCardState,
    /// For staff: who it is for, why it was issued.
    pub note: String,
    /// Who issued it (`user:...`, `token:...`).
    pub created_by: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

impl GiftCard {
    /// The card with its code masked (all but the last group).
    pub fn masked(mut self) -> Self {
        self.code = mask(&self.code);
        self
    }

    /// Whether the card can pay in `currency` at `now`.
    pub fn usable(&self, currency: Currency, now: Timestamp) -> Result<(), GiftCardRefusal> {
        if self.state == GiftCardState::Disabled {
            return Err(GiftCardRefusal::Disabled);
        }
        if self.expires_at.is_some_and(|e| e <= now) {
            return Err(GiftCardRefusal::Expired);
        }
        if self.balance.currency != currency {
            return Err(GiftCardRefusal::Currency);
        }
        if self.balance.amount_minor <= 0 {
            return Err(GiftCardRefusal::Empty);
        }
        Ok(())
    }
}

/// `GIFT-••••-••••-7KQ2`: enough for staff and buyers to tell cards apart,
/// too little to spend one.
pub fn mask(code: &str) -> String {
    let parts: Vec<&str> = code.split('-').collect();
    if parts.len() < 3 {
        return "••••".into();
    }
    let mut out = vec![parts[0].to_string()];
    out.extend(parts[1..parts.len() - 1].iter().map(|p| "•".repeat(p.chars().count())));
    out.push(parts[parts.len() - 1].to_string());
    out.join("-")
}

/// One movement of a card's balance.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct GiftCardTxn {
    pub id: String,
    /// `issue`, `checkout` (paid part of an order), `counter` (spent at a
    /// counter), `refund` (money of an order returned to the card), `adjust`.
    pub kind: String,
    /// Positive adds to the balance, negative spends it.
    pub amount: Money,
    pub balance_after: Money,
    pub order_id: Option<String>,
    /// Who did it (`user:...`, `buyer`, `system`).
    pub actor: String,
    pub note: String,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
}

/// A gift card to issue.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGiftCard {
    pub currency: Currency,
    /// The value in minor units (1 to 10^8).
    #[schema(minimum = 1, maximum = 100_000_000)]
    pub value_minor: i64,
    /// Not spendable from this instant; leave out for no expiry.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<Timestamp>,
    /// For staff: who it is for, why it was issued (up to 200 characters).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub note: String,
}

impl NewGiftCard {
    pub fn validate(&self, now: Timestamp) -> Result<(), ValidationError> {
        let mut e = ValidationError::new();
        let key = MessageKey::new("errors-range").num("min", 1).num("max", MAX_VALUE_MINOR);
        e.check_key(
            (1..=MAX_VALUE_MINOR).contains(&self.value_minor),
            "value_minor",
            key,
            format!("1 to {MAX_VALUE_MINOR}"),
        );
        if let Some(at) = self.expires_at {
            e.check_key(
                at > now,
                "expires_at",
                MessageKey::new("giftcards-error-expiry-past"),
                "must be in the future",
            );
        }
        crate::validation::check_text(&mut e, "note", &self.note, 0, 200);
        e.finish()
    }
}

/// Spending part of a card at a counter.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CounterRedeem {
    /// The card's code as scanned or typed (any case, with or without dashes).
    pub code: String,
    /// What to take off the balance, in minor units of the card's currency.
    #[schema(minimum = 1)]
    pub amount_minor: i64,
    /// What was bought (up to 200 characters).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub note: String,
}

/// A code to look up or spend.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GiftCardCode {
    /// The card's code (any case, with or without dashes).
    pub code: String,
}

/// Why a card cannot pay. Each is a 4xx naming `gift_card`; nothing changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GiftCardRefusal {
    /// No such card in this organization (or a typo the check caught).
    Unknown,
    Disabled,
    Expired,
    /// Nothing left on it.
    Empty,
    /// The card's currency is not the order's.
    Currency,
    /// Less on the card than the counter asked for.
    Insufficient,
}

impl GiftCardRefusal {
    pub fn code(self) -> &'static str {
        match self {
            GiftCardRefusal::Unknown => "gift_card_unknown",
            GiftCardRefusal::Disabled => "gift_card_disabled",
            GiftCardRefusal::Expired => "gift_card_expired",
            GiftCardRefusal::Empty => "gift_card_empty",
            GiftCardRefusal::Currency => "gift_card_currency",
            GiftCardRefusal::Insufficient => "gift_card_insufficient",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            GiftCardRefusal::Unknown => "no such gift card",
            GiftCardRefusal::Disabled => "this gift card is disabled",
            GiftCardRefusal::Expired => "this gift card has expired",
            GiftCardRefusal::Empty => "nothing is left on this gift card",
            GiftCardRefusal::Currency => "this gift card is in another currency than the order",
            GiftCardRefusal::Insufficient => "less is left on this gift card than that",
        }
    }

    /// The field the refusal names.
    pub fn field(self) -> &'static str {
        match self {
            GiftCardRefusal::Insufficient => "amount_minor",
            _ => "gift_card",
        }
    }
}

/// The code as stored, from what someone typed; `None` when it is not the
/// shape of a gift card's code or its check character does not match.
pub fn normalize(typed: &str) -> Option<String> {
    let typed = crate::pricing::restore_prefix_dash(typed, PREFIX);
    crate::pricing::normalize_code(&typed).ok().filter(|c| c.starts_with(&format!("{PREFIX}-")))
}

/// A new code from `random` (at least 11 bytes).
pub fn generated_code(random: &[u8]) -> String {
    crate::pricing::generated_code(PREFIX, random)
}

/// Issuing a card: the organizer funds it from its sales, and the balance
/// becomes a liability.
pub fn issue_txn(org: OrgId, value: Money) -> LedgerTxn {
    LedgerTxn {
        kind: "giftcard_issue",
        currency: value.currency,
        entries: vec![
            (account::org_sales(org), value.amount_minor),
            (account::org_gift_cards(org), -value.amount_minor),
        ],
    }
}

/// Spending at a counter: the liability shrinks, the organizer's sales grow.
pub fn counter_txn(org: OrgId, amount: Money) -> LedgerTxn {
    LedgerTxn {
        kind: "giftcard_counter",
        currency: amount.currency,
        entries: vec![
            (account::org_gift_cards(org), amount.amount_minor),
            (account::org_sales(org), -amount.amount_minor),
        ],
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_typed_without_dashes_or_in_lower_case_are_found() {
        let code = super::generated_code(&[7u8; 16]);
        let bare: String = code.chars().filter(|c| *c != '-').collect::<String>().to_lowercase();
        assert_eq!(super::normalize(&bare).as_deref(), Some(code.as_str()));
        assert_eq!(super::normalize(&format!(" {} ", code.to_lowercase())).as_deref(), Some(code.as_str()));
        // Another kind's prefix, or a wrong check character, is no gift card.
        assert_eq!(super::normalize(&bare.replacen("gift", "memb", 1)), None);
        let mut typo = code.clone().into_bytes();
        let last = typo.len() - 1;
        typo[last] = if typo[last] == b'2' { b'3' } else { b'2' };
        assert_eq!(super::normalize(std::str::from_utf8(&typo).unwrap()), None);
    }

    use super::*;

    fn eur(a: i64) -> Money {
        Money::new(a, Currency::parse("EUR").unwrap())
    }

    fn card(balance: i64) -> GiftCard {
        GiftCard {
            id: GiftCardId::new(),
            org_id: OrgId::new(),
            code: generated_code(&[7; 11]),
            initial: eur(5000),
            balance: eur(balance),
            expires_at: None,
            state: GiftCardState::Active,
            note: String::new(),
            created_by: "test".into(),
            created_at: Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn codes_check_and_mask() {
        let c = generated_code(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
        assert!(c.starts_with("GIFT-"));
        assert_eq!(normalize(&c.to_lowercase().replace('-', " ").replacen(' ', "-", 1)), Some(c.clone()));
        let mut typo = c.clone().into_bytes();
        let last = typo.len() - 2;
        typo[last] = if typo[last] == b'2' { b'3' } else { b'2' };
        assert_eq!(normalize(&String::from_utf8(typo).unwrap()), None, "the check character catches a typo");
        assert_eq!(normalize("EARLYBIRD"), None, "a promo code is not a gift card");
        let m = mask(&c);
        assert!(m.starts_with("GIFT-••••-••••-") && m.ends_with(&c[c.len() - 4..]), "{m}");
    }

    #[test]
    fn usable_checks_state_expiry_currency_and_balance() {
        let now = Timestamp::UNIX_EPOCH + jiff::SignedDuration::from_hours(10);
        let eur_c = Currency::parse("EUR").unwrap();
        assert_eq!(card(100).usable(eur_c, now), Ok(()));
        assert_eq!(card(0).usable(eur_c, now), Err(GiftCardRefusal::Empty));
        assert_eq!(card(100).usable(Currency::parse("USD").unwrap(), now), Err(GiftCardRefusal::Currency));
        let mut c = card(100);
        c.expires_at = Some(now);
        assert_eq!(c.usable(eur_c, now), Err(GiftCardRefusal::Expired));
        c.expires_at = None;
        c.state = GiftCardState::Disabled;
        assert_eq!(c.usable(eur_c, now), Err(GiftCardRefusal::Disabled));
    }

    #[test]
    fn ledger_txns_balance() {
        let org = OrgId::new();
        assert_eq!(issue_txn(org, eur(5000)).sum(), 0);
        assert_eq!(counter_txn(org, eur(1234)).sum(), 0);
    }
}
