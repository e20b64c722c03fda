//! Deciding reservations: pure functions over a snapshot of an event's
//! inventory. The store loads the snapshot inside a transaction that holds
//! the event's quotas, calls [`decide`] for each request of a batch in turn,
//! and writes what was accepted; so the rules live here, testable without IO.
//!
//! Every unit of capacity is a quota over an interval of segments; an event
//! is the one-segment case [0, 1). Allocations carry their segments so that
//! routes sold per segment can use the same records later.

use crate::catalog::{Event, EventStatus, TicketType, Visibility};
use crate::pricing::{PromoCode, PromoRefusal};
use crate::tiers::PriceTier;
use crate::{Money, PriceTierId, QuotaId, TicketTypeId, Timestamp};
use std::collections::HashMap;

/// Most lines one reservation may have.
pub const MAX_LINES: usize = 20;

/// One line of a reservation request.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineRequest {
    pub ticket_type_id: TicketTypeId,
    pub quantity: i64,
}

/// A reservation request, as the decision sees it.
#[derive(Debug, Clone)]
pub struct ReserveRequest {
    pub lines: Vec<LineRequest>,
    /// Whose per-customer limit this counts against: `user:<id>` or `email:<address>`.
    pub buyer_key: String,
    /// Unlocks hidden ticket types.
    pub access_code: Option<String>,
    /// A promo code, already normalized ([`crate::pricing::normalize_code`]).
    pub promo_code: Option<String>,
    /// Sold by staff at the box office: hidden ticket types need no code.
    pub staff_sale: bool,
    /// The plans the buyer holds an active member card of (signed-in
    /// buyers only): members-only types and member prices follow from them.
    pub member_plans: Vec<crate::MemberPlanId>,
}

/// A promo code as a batch sees it: the code with its current use count,
/// and the uses of the batch's customers.
#[derive(Debug, Clone)]
pub struct PromoState {
    pub promo: PromoCode,
    /// buyer key -> orders holding a use of this code.
    pub by_customer: HashMap<String, i64>,
}

/// Counters of one quota (for one segment interval).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotaCounters {
    pub capacity: i64,
    pub sold: i64,
    pub held: i64,
}

impl QuotaCounters {
    pub fn available(&self) -> i64 {
        (self.capacity - self.sold - self.held).max(0)
    }
}

/// What a batch of decisions needs to know about one event.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub event: Event,
    pub ticket_types: Vec<TicketType>,
    pub quotas: HashMap<QuotaId, QuotaCounters>,
    /// Tickets each buyer in the batch already holds or bought for this event.
    pub bought_by: HashMap<String, i64>,
    /// The promo codes the batch's requests name, by code.
    pub promos: HashMap<String, PromoState>,
    /// Price tiers by ticket type, sorted ([`crate::tiers::sort`]), with
    /// their counters: a request takes from them like from quotas.
    pub tiers: HashMap<TicketTypeId, Vec<PriceTier>>,
    /// Member rules by ticket type ([`crate::members`]).
    pub member_rules: HashMap<TicketTypeId, crate::members::MemberRule>,
    pub now: Timestamp,
}

/// What an accepted reservation takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    /// (ticket type, quantity, unit price), in request order; a request
    /// line that crosses a price tier boundary gives one line per price.
    pub lines: Vec<(TicketTypeId, i64, Money)>,
    /// The price tier of each of `lines` (`None`: the type's own price).
    pub line_tiers: Vec<Option<PriceTierId>>,
    /// Whether each of `lines` is at the member price.
    pub line_members: Vec<bool>,
    /// (quota, quantity): the sum over lines of what each takes from each quota.
    pub quotas: Vec<(QuotaId, i64)>,
    /// The promo code used, and the discount it gives on each line (minor
    /// units, in the order of `lines`).
    pub discount: Option<(PromoCode, Vec<i64>)>,
}

impl Allocation {
    pub fn tickets(&self) -> i64 {
        self.lines.iter().map(|l| l.1).sum()
    }
}

/// Why a reservation was refused. `line` is the index into the request's lines.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReserveError {
    #[error("this event is not on sale")]
    EventNotOnSale,
    #[error("a reservation needs between 1 and {MAX_LINES} lines")]
    BadLineCount,
    #[error("lines[{line}].ticket_type_id: not a ticket type of this event")]
    UnknownTicketType { line: usize },
    #[error("lines[{line}].ticket_type_id: appears more than once")]
    DuplicateLine { line: usize },
    #[error("lines[{line}].ticket_type_id: this ticket type needs an access code")]
    AccessCodeRequired { line: usize },
    /// A members-only type, and the buyer holds no active card of its plan.
    #[error("lines[{line}].ticket_type_id: only members can buy this ticket type")]
    MembersOnly { line: usize },
    #[error("lines[{line}].ticket_type_id: not on sale now")]
    NotOnSale { line: usize },
    #[error("lines[{line}].quantity: must be between {min} and {max}")]
    Quantity { line: usize, min: i64, max: i64 },
    #[error("at most {allowed} tickets per customer for this event; {already} already reserved or bought")]
    LimitExceeded { allowed: i64, already: i64 },
    #[error("lines[{line}].quantity: only {available} left")]
    SoldOut { line: usize, available: i64 },
    /// The seats asked for are malformed: unknown, duplicated, or the event
    /// has no seating. The message names them.
    #[error("seats: {0}")]
    BadSeats(crate::Keyed),
    /// Some of the seats asked for are taken, or best available found none
    /// that fit. The message names them or says why.
    #[error("seats: {0}")]
    SeatsUnavailable(String),
    /// Lines were sent for an event sold by seat.
    #[error("lines: this event is sold by seat; ask for seats instead of lines")]
    SeatedEvent,
    /// The promo code does not apply; nothing was held.
    #[error("promo_code: {}", .0.message())]
    Promo(PromoRefusal),
}

fn find(s: &Snapshot, id: TicketTypeId) -> Option<&TicketType> {
    s.ticket_types.iter().find(|t| t.id == id)
}

/// Decides one request against the snapshot. On success the snapshot's
/// counters already include the new hold, so the next request of the batch
/// sees it. On failure the snapshot is unchanged (all or nothing).
pub fn decide(s: &mut Snapshot, r: &ReserveRequest) -> Result<Allocation, ReserveError> {
    if s.event.status != EventStatus::Published {
        return Err(ReserveError::EventNotOnSale);
    }
    if r.lines.is_empty() || r.lines.len() > MAX_LINES {
        return Err(ReserveError::BadLineCount);
    }
    // The code first: it may open hidden ticket types.
    let promo = match &r.promo_code {
        None => None,
        Some(code) => {
            let st = s.promos.get(code).ok_or(ReserveError::Promo(PromoRefusal::Unknown))?;
            let by_customer = st.by_customer.get(&r.buyer_key).copied().unwrap_or(0);
            st.promo.usable(s.event.id, s.now, by_customer).map_err(ReserveError::Promo)?;
            Some(st.promo.clone())
        }
    };
    let mut lines = Vec::with_capacity(r.lines.len());
    let mut line_tiers = Vec::with_capacity(r.lines.len());
    let mut line_members = Vec::with_capacity(r.lines.len());
    for (i, l) in r.lines.iter().enumerate() {
        let tt = find(s, l.ticket_type_id).ok_or(ReserveError::UnknownTicketType { line: i })?;
        if r.lines[..i].iter().any(|p| p.ticket_type_id == l.ticket_type_id) {
            return Err(ReserveError::DuplicateLine { line: i });
        }
        let unlocked = promo.as_ref().is_some_and(|p| p.unlocks_hidden && p.covers(tt.id));
        if tt.visibility == Visibility::Hidden
            && !unlocked
            && !r.staff_sale
            && !crate::catalog::access_code_matches(tt.access_code.as_deref(), r.access_code.as_deref())
        {
            return Err(ReserveError::AccessCodeRequired { line: i });
        }
        let rule = s.member_rules.get(&tt.id);
        if rule.is_some_and(|m| m.members_only && !m.admits(&r.member_plans)) && !r.staff_sale {
            return Err(ReserveError::MembersOnly { line: i });
        }
        if !tt.on_sale(&s.event, s.now) {
            return Err(ReserveError::NotOnSale { line: i });
        }
        if l.quantity < tt.min_per_order || l.quantity > tt.max_per_order {
            return Err(ReserveError::Quantity { line: i, min: tt.min_per_order, max: tt.max_per_order });
        }
        match s.tiers.get(&tt.id) {
            Some(tiers) if !tiers.is_empty() => {
                for (tier, n, price) in crate::tiers::split(tt.price, tiers, l.quantity, s.now) {
                    let (minor, member) = crate::members::member_price(rule, &r.member_plans, price.amount_minor);
                    lines.push((tt.id, n, Money::new(minor, price.currency)));
                    line_tiers.push(tier);
                    line_members.push(member);
                }
            }
            _ => {
                let (minor, member) = crate::members::member_price(rule, &r.member_plans, tt.price.amount_minor);
                lines.push((tt.id, l.quantity, Money::new(minor, tt.price.currency)));
                line_tiers.push(None);
                line_members.push(member);
            }
        }
    }
    // Lines may be split by price tier: refusals name the request's line.
    let request_line = |tt: TicketTypeId| r.lines.iter().position(|l| l.ticket_type_id == tt).unwrap_or(0);
    let wanted: i64 = lines.iter().map(|l| l.1).sum();
    if let Some(allowed) = s.event.max_tickets_per_customer {
        let already = s.bought_by.get(&r.buyer_key).copied().unwrap_or(0);
        if already + wanted > allowed {
            return Err(ReserveError::LimitExceeded { allowed, already });
        }
    }
    // What each quota must give, over all lines.
    let mut need: Vec<(QuotaId, i64)> = Vec::new();
    for (tt_id, qty, _) in &lines {
        let tt = find(s, *tt_id).ok_or(ReserveError::UnknownTicketType { line: 0 })?;
        if tt.quota_ids.is_empty() {
            return Err(ReserveError::SoldOut { line: request_line(*tt_id), available: 0 });
        }
        for q in &tt.quota_ids {
            match need.iter_mut().find(|(id, _)| id == q) {
                Some(e) => e.1 += qty,
                None => need.push((*q, *qty)),
            }
        }
    }
    for (tt_id, _, _) in &lines {
        let line = request_line(*tt_id);
        let tt = find(s, *tt_id).ok_or(ReserveError::UnknownTicketType { line })?;
        for q in &tt.quota_ids {
            let avail = s.quotas.get(q).map_or(0, QuotaCounters::available);
            let needed = need.iter().find(|(id, _)| id == q).map_or(0, |e| e.1);
            if needed > avail {
                let available =
                    tt.quota_ids.iter().map(|q| s.quotas.get(q).map_or(0, QuotaCounters::available)).min().unwrap_or(0);
                return Err(ReserveError::SoldOut { line, available });
            }
        }
    }
    let discount = match promo {
        None => None,
        Some(p) => {
            let per_line = p.discounts(&lines).map_err(ReserveError::Promo)?;
            if let Some(st) = s.promos.get_mut(&p.code) {
                st.promo.uses += 1;
                *st.by_customer.entry(r.buyer_key.clone()).or_default() += 1;
            }
            Some((p, per_line))
        }
    };
    for (q, n) in &need {
        if let Some(c) = s.quotas.get_mut(q) {
            c.held += n;
        }
    }
    for ((tt_id, n, _), tier) in lines.iter().zip(&line_tiers) {
        if let Some(t) = tier.and_then(|id| s.tiers.get_mut(tt_id)?.iter_mut().find(|t| t.id == id)) {
            t.held += n;
        }
    }
    *s.bought_by.entry(r.buyer_key.clone()).or_default() += wanted;
    Ok(Allocation { lines, line_tiers, line_members, quotas: need, discount })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Category;
    use crate::{Currency, EventId, OrgId, VenueId};

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn snapshot(types: Vec<(i64, Vec<usize>)>, caps: &[i64]) -> (Snapshot, Vec<TicketTypeId>) {
        let event = Event {
            id: EventId::new(),
            org_id: OrgId::new(),
            venue_id: VenueId::new(),
            title: "t".into(),
            description: String::new(),
            category: Category::Concert,
            image_urls: vec![],
            starts_at: ts("2030-06-01T20:00:00Z"),
            ends_at: ts("2030-06-01T23:00:00Z"),
            status: EventStatus::Published,
            sales_start: None,
            sales_end: None,
            max_tickets_per_customer: None,
            created_at: ts("2030-01-01T00:00:00Z"),
            updated_at: ts("2030-01-01T00:00:00Z"),
        };
        let qids: Vec<QuotaId> = caps.iter().map(|_| QuotaId::new()).collect();
        let quotas =
            qids.iter().zip(caps).map(|(q, c)| (*q, QuotaCounters { capacity: *c, sold: 0, held: 0 })).collect();
        let mut ids = Vec::new();
        let ticket_types = types
            .into_iter()
            .map(|(max, qs)| {
                let id = TicketTypeId::new();
                ids.push(id);
                TicketType {
                    id,
                    event_id: event.id,
                    org_id: event.org_id,
                    name: "x".into(),
                    description: String::new(),
                    price: Money::new(500, Currency::parse("EUR").unwrap()),
                    sales_start: None,
                    sales_end: None,
                    min_per_order: 1,
                    max_per_order: max,
                    visibility: Visibility::Public,
                    access_code: None,
                    quota_ids: qs.into_iter().map(|i| qids[i]).collect(),
                    created_at: event.created_at,
                }
            })
            .collect();
        (
            Snapshot {
                event,
                ticket_types,
                quotas,
                bought_by: HashMap::new(),
                promos: HashMap::new(),
                tiers: HashMap::new(),
                member_rules: HashMap::new(),
                now: ts("2030-05-01T00:00:00Z"),
            },
            ids,
        )
    }

    fn req(lines: &[(TicketTypeId, i64)]) -> ReserveRequest {
        ReserveRequest {
            lines: lines.iter().map(|(t, q)| LineRequest { ticket_type_id: *t, quantity: *q }).collect(),
            buyer_key: "email:a@b.c".into(),
            access_code: None,
            promo_code: None,
            staff_sale: false,
            member_plans: vec![],
        }
    }

    #[test]
    fn members_only_types_and_member_prices() {
        use crate::members::MemberRule;
        let (mut s, t) = snapshot(vec![(10, vec![0]), (10, vec![0])], &[10]);
        let plan = crate::MemberPlanId::new();
        s.member_rules.insert(t[0], MemberRule { plan_id: Some(plan), members_only: true, member_price_minor: None });
        s.member_rules.insert(t[1], MemberRule { plan_id: None, members_only: false, member_price_minor: Some(300) });
        // Not a member: the members' type is refused, naming its line, and nothing is held.
        let before = s.quotas.clone();
        assert_eq!(decide(&mut s, &req(&[(t[1], 1), (t[0], 1)])), Err(ReserveError::MembersOnly { line: 1 }));
        assert_eq!(s.quotas, before);
        // The other type sells to anyone, at the usual price to non-members.
        let a = decide(&mut s, &req(&[(t[1], 1)])).unwrap();
        assert_eq!((a.lines[0].2.amount_minor, a.line_members[0]), (500, false));
        // A member of another plan: still not the plan the type asks for.
        let mut other = req(&[(t[0], 1)]);
        other.member_plans = vec![crate::MemberPlanId::new()];
        assert_eq!(decide(&mut s, &other), Err(ReserveError::MembersOnly { line: 0 }));
        // A member of the plan buys both, the second at the member price.
        let mut member = req(&[(t[0], 1), (t[1], 2)]);
        member.member_plans = vec![plan];
        let a = decide(&mut s, &member).unwrap();
        assert_eq!(a.lines.iter().map(|l| l.2.amount_minor).collect::<Vec<_>>(), vec![500, 300]);
        assert_eq!(a.line_members, vec![false, true]);
        // Staff at the box office sell the members' type to anyone.
        let mut door = req(&[(t[0], 1)]);
        door.staff_sale = true;
        assert!(decide(&mut s, &door).is_ok());
    }

    #[test]
    fn shared_quota_is_counted_across_lines_all_or_nothing() {
        let (mut s, t) = snapshot(vec![(10, vec![0]), (10, vec![0, 1])], &[5, 2]);
        assert_eq!(decide(&mut s, &req(&[(t[0], 1), (t[1], 3)])), Err(ReserveError::SoldOut { line: 1, available: 2 }));
        let before = s.quotas.clone();
        assert_eq!(decide(&mut s, &req(&[(t[0], 4), (t[1], 2)])), Err(ReserveError::SoldOut { line: 0, available: 5 }));
        assert_eq!(s.quotas, before, "a refused request changes nothing");
        let a = decide(&mut s, &req(&[(t[0], 3), (t[1], 2)])).unwrap();
        assert_eq!(a.tickets(), 5);
        assert!(s.quotas.values().all(|c| c.available() == 0));
        assert!(matches!(decide(&mut s, &req(&[(t[0], 1)])), Err(ReserveError::SoldOut { .. })));
    }

    #[test]
    fn rules_are_checked_before_capacity() {
        let (mut s, t) = snapshot(vec![(4, vec![0]), (4, vec![])], &[100]);
        assert_eq!(decide(&mut s, &req(&[])), Err(ReserveError::BadLineCount));
        assert_eq!(decide(&mut s, &req(&[(TicketTypeId::new(), 1)])), Err(ReserveError::UnknownTicketType { line: 0 }));
        assert_eq!(decide(&mut s, &req(&[(t[0], 1), (t[0], 1)])), Err(ReserveError::DuplicateLine { line: 1 }));
        assert_eq!(decide(&mut s, &req(&[(t[0], 0)])), Err(ReserveError::Quantity { line: 0, min: 1, max: 4 }));
        assert_eq!(decide(&mut s, &req(&[(t[0], 5)])), Err(ReserveError::Quantity { line: 0, min: 1, max: 4 }));
        assert_eq!(decide(&mut s, &req(&[(t[1], 1)])), Err(ReserveError::SoldOut { line: 0, available: 0 }));
        s.ticket_types[0].visibility = Visibility::Hidden;
        s.ticket_types[0].access_code = Some("friends".into());
        assert_eq!(decide(&mut s, &req(&[(t[0], 1)])), Err(ReserveError::AccessCodeRequired { line: 0 }));
        let mut at_the_door = req(&[(t[0], 1)]);
        at_the_door.staff_sale = true;
        assert!(decide(&mut s, &at_the_door).is_ok(), "staff sell hidden types without the code");
        let mut with_code = req(&[(t[0], 1)]);
        with_code.access_code = Some("friends".into());
        assert!(decide(&mut s, &with_code).is_ok());
        s.now = s.event.starts_at;
        assert_eq!(decide(&mut s, &with_code), Err(ReserveError::NotOnSale { line: 0 }));
        s.event.status = EventStatus::Cancelled;
        assert_eq!(decide(&mut s, &with_code), Err(ReserveError::EventNotOnSale));
    }

    #[test]
    fn a_promo_code_is_decided_with_the_hold_and_counted_in_the_batch() {
        use crate::pricing::{DiscountKind, PromoCode};
        let (mut s, t) = snapshot(vec![(10, vec![0]), (10, vec![0])], &[100]);
        s.ticket_types[1].visibility = Visibility::Hidden;
        s.ticket_types[1].access_code = Some("friends-only".into());
        let promo = PromoCode {
            id: crate::PromoCodeId::new(),
            org_id: s.event.org_id,
            event_id: Some(s.event.id),
            code: "ONCE".into(),
            description: String::new(),
            kind: DiscountKind::Percent,
            value: 5000,
            currency: None,
            ticket_type_ids: vec![t[1]],
            min_quantity: 1,
            valid_from: None,
            valid_until: None,
            max_uses: Some(1),
            max_uses_per_customer: None,
            unlocks_hidden: true,
            channel: crate::pricing::Channel::Online,
            batch: None,
            uses: 0,
            created_at: s.now,
        };
        s.promos.insert("ONCE".into(), PromoState { promo, by_customer: HashMap::new() });
        let mut r = req(&[(t[0], 1), (t[1], 2)]);
        r.promo_code = Some("NOPE".into());
        assert_eq!(decide(&mut s, &r), Err(ReserveError::Promo(PromoRefusal::Unknown)));
        r.promo_code = Some("ONCE".into());
        let before = s.quotas.clone();
        let a = decide(&mut s, &r).unwrap();
        let (_, per_line) = a.discount.expect("a discount");
        assert_eq!(per_line, vec![0, 500], "half off the hidden type it opened, nothing off the other");
        assert_eq!(s.promos["ONCE"].promo.uses, 1);
        assert_ne!(s.quotas, before);
        let mut other = req(&[(t[0], 1)]);
        other.buyer_key = "user:other".into();
        other.promo_code = Some("ONCE".into());
        let before = s.quotas.clone();
        assert_eq!(decide(&mut s, &other), Err(ReserveError::Promo(PromoRefusal::Exhausted)));
        assert_eq!(s.quotas, before, "a refused code holds nothing");
    }

    #[test]
    fn price_tiers_split_a_line_at_the_boundary_and_count_in_the_batch() {
        use crate::tiers::PriceTier;
        let (mut s, t) = snapshot(vec![(10, vec![0])], &[100]);
        let eur = |m| Money::new(m, crate::Currency::parse("EUR").unwrap());
        let tier = PriceTier {
            id: PriceTierId::new(),
            org_id: s.event.org_id,
            ticket_type_id: t[0],
            position: 0,
            name: "First three".into(),
            price: eur(300),
            until: None,
            quantity: Some(3),
            held: 0,
            sold: 1,
            created_at: s.now,
        };
        s.tiers.insert(t[0], vec![tier.clone()]);
        let a = decide(&mut s, &req(&[(t[0], 1)])).unwrap();
        assert_eq!(a.lines, vec![(t[0], 1, eur(300))]);
        let a = decide(&mut s, &req(&[(t[0], 3)])).unwrap();
        assert_eq!(a.lines, vec![(t[0], 1, eur(300)), (t[0], 2, eur(500))], "one left at the tier's price");
        assert_eq!(a.line_tiers, vec![Some(tier.id), None]);
        assert_eq!(a.tickets(), 3);
        assert_eq!(s.tiers[&t[0]][0].held, 2);
        let a = decide(&mut s, &req(&[(t[0], 2)])).unwrap();
        assert_eq!(a.lines, vec![(t[0], 2, eur(500))], "the tier is used up");
        // A refusal takes nothing from the tier.
        s.tiers.get_mut(&t[0]).unwrap()[0].held = 0;
        s.quotas.values_mut().for_each(|c| c.held = c.capacity);
        assert_eq!(decide(&mut s, &req(&[(t[0], 2)])), Err(ReserveError::SoldOut { line: 0, available: 0 }));
        assert_eq!(s.tiers[&t[0]][0].held, 0);
    }

    #[test]
    fn per_customer_limit_counts_earlier_purchases_and_the_batch() {
        let (mut s, t) = snapshot(vec![(10, vec![0])], &[100]);
        s.event.max_tickets_per_customer = Some(4);
        s.bought_by.insert("email:a@b.c".into(), 1);
        assert!(decide(&mut s, &req(&[(t[0], 2)])).is_ok());
        assert_eq!(decide(&mut s, &req(&[(t[0], 2)])), Err(ReserveError::LimitExceeded { allowed: 4, already: 3 }));
        assert!(decide(&mut s, &req(&[(t[0], 1)])).is_ok());
        let mut other = req(&[(t[0], 4)]);
        other.buyer_key = "user:someone".into();
        assert!(decide(&mut s, &other).is_ok());
    }
}
