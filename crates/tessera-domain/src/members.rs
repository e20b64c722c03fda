//! Memberships and products: what a ticket type may sell besides admission.
//!
//! A **membership plan** says what being a member means for an
//! organization and for how long a membership lasts. A **member card** is
//! one person's membership of a plan for a period: sold as a product (a
//! ticket type whose product is the plan) or issued by staff. Its code,
//! `MEMB-XXXX-XXXX-XXXX` with the check character of generated promo codes,
//! shows in the buyer's account and is recognised by the scanner's redeem
//! mode.
//!
//! A ticket type may carry a **member rule**: only for members (of one
//! plan or of any plan of the organization), and/or a member price that
//! signed-in buyers with an active card pay instead of the usual price
//! (never more than it: the lower of the two). The rule is applied in the
//! inventory batch with the rest of the reservation ([`crate::inventory::decide`]).
//!
//! A ticket type may also be a **product**: a gift card (each unit paid
//! issues a card of the unit's price, e-mailed to the buyer) or a
//! membership (each unit paid issues a member card of the plan). Products
//! are not admissions: paying for them issues no ticket.

use crate::{MemberCardId, MemberPlanId, MessageKey, OrgId, Timestamp, UserId, ValidationError};

/// The prefix of every member card's code.
pub const PREFIX: &str = "MEMB";
/// The longest membership a plan may give, in days (ten years).
pub const MAX_VALIDITY_DAYS: i64 = 3660;

/// A membership plan.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct MemberPlan {
    pub id: MemberPlanId,
    pub org_id: OrgId,
    pub name: String,
    pub description: String,
    /// How long a membership of this plan lasts from the day it starts.
    pub validity_days: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

/// A plan to create, or a plan's new name, description and validity.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMemberPlan {
    /// 1 to 100 characters, unique in the organization.
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// Up to 1,000 characters.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub description: String,
    /// 1 to 3,660 days; cards issued later last this long (cards already
    /// issued keep their period).
    #[schema(minimum = 1, maximum = 3660)]
    pub validity_days: i64,
}

impl NewMemberPlan {
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut e = ValidationError::new();
        crate::validation::check_text(&mut e, "name", &self.name, 1, 100);
        crate::validation::check_text(&mut e, "description", &self.description, 0, 1000);
        e.check_key(
            (1..=MAX_VALIDITY_DAYS).contains(&self.validity_days),
            "validity_days",
            MessageKey::new("errors-range").num("min", 1).num("max", MAX_VALIDITY_DAYS),
            format!("1 to {MAX_VALIDITY_DAYS}"),
        );
        e.finish()
    }
}

/// Whether a card counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MemberCardState {
    Active,
    /// Voided by staff, or by a refund of the order that bought it.
    Void,
}

impl MemberCardState {
    pub fn as_str(self) -> &'static str {
        match self {
            MemberCardState::Active => "active",
            MemberCardState::Void => "void",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(MemberCardState::Active),
            "void" => Some(MemberCardState::Void),
            _ => None,
        }
    }
}

/// One person's membership of a plan.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct MemberCard {
    pub id: MemberCardId,
    pub org_id: OrgId,
    pub plan_id: MemberPlanId,
    pub plan_name: String,
    /// `MEMB-XXXX-XXXX-XXXX`: shown to its holder and recognised by the scanner.
    pub code: String,
    pub holder_name: String,
    /// The holder's e-mail: a signed-in account with this verified address
    /// is a member even when the card was bought as a guest.
    pub email: String,
    pub user_id: Option<UserId>,
    /// The order that bought it; `None` when staff issued it.
    pub order_id: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    pub valid_from: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub valid_until: Timestamp,
    pub state: MemberCardState,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

/// What the scanner and the dashboard say about a card at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MemberStatus {
    Valid,
    NotYetValid,
    Expired,
    Void,
}

impl MemberCard {
    pub fn status(&self, now: Timestamp) -> MemberStatus {
        if self.state == MemberCardState::Void {
            MemberStatus::Void
        } else if now < self.valid_from {
            MemberStatus::NotYetValid
        } else if now >= self.valid_until {
            MemberStatus::Expired
        } else {
            MemberStatus::Valid
        }
    }
}

/// Staff issue a card.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMemberCard {
    pub plan_id: MemberPlanId,
    /// The holder's e-mail address.
    pub email: String,
    /// 1 to 200 characters.
    #[schema(min_length = 1, max_length = 200)]
    pub holder_name: String,
    /// When it starts; now when left out. It lasts the plan's validity.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub valid_from: Option<Timestamp>,
}

/// Who a ticket type is for, and what members pay.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberRule {
    /// Members of this plan; any plan of the organization when left out.
    #[serde(default)]
    pub plan_id: Option<MemberPlanId>,
    /// Only members can buy it.
    #[serde(default)]
    pub members_only: bool,
    /// What members pay per ticket, in minor units of the type's currency;
    /// when it is above the usual price members pay the usual price.
    #[serde(default)]
    #[schema(minimum = 0)]
    pub member_price_minor: Option<i64>,
}

impl MemberRule {
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut e = ValidationError::new();
        if let Some(p) = self.member_price_minor {
            e.check_key(
                (0..=crate::catalog::MAX_PRICE_MINOR).contains(&p),
                "member_price_minor",
                MessageKey::new("errors-range").num("min", 0).num("max", crate::catalog::MAX_PRICE_MINOR),
                format!("0 to {}", crate::catalog::MAX_PRICE_MINOR),
            );
        }
        e.check_key(
            self.members_only || self.member_price_minor.is_some(),
            "members_only",
            MessageKey::new("members-error-rule-empty"),
            "a rule makes the type members-only, gives a member price, or both",
        );
        e.finish()
    }

    /// Whether a buyer holding active cards of `plans` is a member for this rule.
    pub fn admits(&self, plans: &[MemberPlanId]) -> bool {
        match self.plan_id {
            Some(p) => plans.contains(&p),
            None => !plans.is_empty(),
        }
    }
}

/// What a ticket type sells besides admission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProductKind {
    /// Each unit paid issues a gift card of the unit's price.
    GiftCard,
    /// Each unit paid issues a member card of `plan_id`.
    Membership,
}

impl ProductKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProductKind::GiftCard => "gift_card",
            ProductKind::Membership => "membership",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "gift_card" => Some(ProductKind::GiftCard),
            "membership" => Some(ProductKind::Membership),
            _ => None,
        }
    }
}

/// A ticket type's product.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Product {
    pub kind: ProductKind,
    /// The plan a membership product gives; required for `membership`, refused otherwise.
    #[serde(default)]
    pub plan_id: Option<MemberPlanId>,
}

impl Product {
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut e = ValidationError::new();
        match self.kind {
            ProductKind::Membership => e.check_key(
                self.plan_id.is_some(),
                "plan_id",
                MessageKey::new("members-error-plan-required"),
                "a membership product names its plan",
            ),
            ProductKind::GiftCard => e.check_key(
                self.plan_id.is_none(),
                "plan_id",
                MessageKey::new("members-error-plan-gift-card"),
                "a gift card product has no plan",
            ),
        }
        e.finish()
    }
}

/// The code as stored, from what someone typed; `None` when it is not the
/// shape of a member card's code or its check character does not match.
pub fn normalize(typed: &str) -> Option<String> {
    let typed = crate::pricing::restore_prefix_dash(typed, PREFIX);
    crate::pricing::normalize_code(&typed).ok().filter(|c| c.starts_with(&format!("{PREFIX}-")))
}

/// A new code from `random` (at least 11 bytes).
pub fn generated_code(random: &[u8]) -> String {
    crate::pricing::generated_code(PREFIX, random)
}

/// When a membership of `days` starting at `from` ends.
pub fn valid_until(from: Timestamp, days: i64) -> Timestamp {
    from.checked_add(jiff::SignedDuration::from_hours(24 * days.clamp(1, MAX_VALIDITY_DAYS))).unwrap_or(from)
}

/// The unit price a buyer pays: the member price when the buyer is a
/// member and it is lower, else `usual`.
pub fn member_price(rule: Option<&MemberRule>, plans: &[MemberPlanId], usual: i64) -> (i64, bool) {
    match rule {
        Some(r) if r.admits(plans) => match r.member_price_minor {
            Some(p) if p < usual => (p, true),
            _ => (usual, false),
        },
        _ => (usual, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> MemberPlanId {
        MemberPlanId::new()
    }

    #[test]
    fn codes_carry_their_check_character() {
        let code = generated_code(&[7; 11]);
        assert!(code.starts_with("MEMB-"), "{code}");
        assert_eq!(normalize(&code.to_lowercase()), Some(code.clone()));
        assert_eq!(normalize(&code.replace('-', "").to_lowercase()), Some(code.clone()));
        // A gift card's or a promo code's shape is not a member card.
        assert_eq!(normalize(&crate::giftcards::generated_code(&[7; 11])), None);
        // One character changed: the check catches it.
        let mut typo = code.clone().into_bytes();
        let last = typo.len() - 2;
        typo[last] = if typo[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(normalize(std::str::from_utf8(&typo).unwrap()), None);
    }

    #[test]
    fn a_rule_admits_members_of_its_plan_or_of_any() {
        let (a, b) = (plan(), plan());
        let any = MemberRule { plan_id: None, members_only: true, member_price_minor: None };
        assert!(any.admits(&[a]) && !any.admits(&[]));
        let only_a = MemberRule { plan_id: Some(a), ..any.clone() };
        assert!(only_a.admits(&[b, a]) && !only_a.admits(&[b]));
    }

    #[test]
    fn members_pay_the_lower_price() {
        let a = plan();
        let rule = MemberRule { plan_id: None, members_only: false, member_price_minor: Some(1500) };
        assert_eq!(member_price(Some(&rule), &[a], 2000), (1500, true));
        assert_eq!(member_price(Some(&rule), &[], 2000), (2000, false));
        // A tier or dynamic price already below the member price stays.
        assert_eq!(member_price(Some(&rule), &[a], 1200), (1200, false));
        assert_eq!(member_price(None, &[a], 2000), (2000, false));
    }

    #[test]
    fn bad_rules_plans_and_products_name_their_field() {
        let empty = MemberRule { plan_id: None, members_only: false, member_price_minor: None };
        assert_eq!(empty.validate().unwrap_err().fields[0].field, "members_only");
        let negative = MemberRule { plan_id: None, members_only: true, member_price_minor: Some(-1) };
        assert_eq!(negative.validate().unwrap_err().fields[0].field, "member_price_minor");
        let p = NewMemberPlan { name: " ".into(), description: String::new(), validity_days: 0 };
        let fields: Vec<_> = p.validate().unwrap_err().fields.into_iter().map(|f| f.field).collect();
        assert_eq!(fields, vec!["name", "validity_days"]);
        let no_plan = Product { kind: ProductKind::Membership, plan_id: None };
        assert_eq!(no_plan.validate().unwrap_err().fields[0].field, "plan_id");
        assert!(Product { kind: ProductKind::GiftCard, plan_id: None }.validate().is_ok());
    }

    #[test]
    fn a_card_is_valid_in_its_period_unless_void() {
        let now = Timestamp::from_second(1_800_000_000).unwrap();
        let mut card = MemberCard {
            id: MemberCardId::new(),
            org_id: OrgId::new(),
            plan_id: plan(),
            plan_name: "Friends".into(),
            code: generated_code(&[1; 11]),
            holder_name: "Ada".into(),
            email: "ada@example.org".into(),
            user_id: None,
            order_id: None,
            valid_from: now,
            valid_until: valid_until(now, 365),
            state: MemberCardState::Active,
            created_at: now,
        };
        assert_eq!(card.status(now), MemberStatus::Valid);
        assert_eq!(card.status(card.valid_until), MemberStatus::Expired);
        assert_eq!(card.status(Timestamp::from_second(1_700_000_000).unwrap()), MemberStatus::NotYetValid);
        card.state = MemberCardState::Void;
        assert_eq!(card.status(now), MemberStatus::Void);
    }
}
