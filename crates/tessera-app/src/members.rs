//! Memberships: plans and member cards (staff), a buyer's own cards, the
//! member rules and products of ticket types, and what the scanner's
//! redeem mode says about a card's code. See `tessera_domain::members`.

use crate::inventory::actor_name;
use crate::{Actor, App, AppError, Result};
use tessera_domain::members::{
    MemberCard, MemberPlan, MemberRule, MemberStatus, NewMemberCard, NewMemberPlan, Product, ProductKind,
    generated_code, normalize, valid_until,
};
use tessera_domain::{MemberCardId, MemberPlanId, MessageKey, OrgId, Permission, TicketTypeId};
use tessera_store::members::NewCard;

/// A plan with how many cards it has.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PlanSummary {
    pub plan: MemberPlan,
    /// Cards valid now.
    pub active_cards: i64,
    /// Every card ever issued (bought or by staff), void and expired ones too.
    pub total_cards: i64,
}

/// A card with what it says now.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CardCheck {
    pub card: MemberCard,
    pub status: MemberStatus,
}

/// A ticket type's member rule and product (`null` when it has none).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TicketTypeMembership {
    pub member_rule: Option<MemberRule>,
    pub product: Option<Product>,
}

/// What the storefront shows about an event's memberships.
#[derive(Debug, Clone, Default)]
pub struct EventMemberships {
    pub rules: std::collections::HashMap<TicketTypeId, MemberRule>,
    pub products: std::collections::HashMap<TicketTypeId, Product>,
    /// The plans the viewer holds an active card of (none for guests).
    pub viewer_plans: Vec<MemberPlanId>,
}

impl App {
    /// What a paid order's products issued: its gift cards (codes in full)
    /// and member cards. For the order's buyer: the caller has checked that
    /// the viewer may see the order.
    pub async fn order_product_cards(
        &self,
        order: &tessera_domain::orders::Order,
    ) -> Result<(Vec<tessera_domain::giftcards::GiftCard>, Vec<MemberCard>)> {
        Ok(self.store.order_products(&order.id.to_string()).await?)
    }

    /// An event's member rules and products, and the viewer's plans
    /// (`viewer`: the account, and its address when verified).
    pub async fn event_memberships(
        &self,
        event: tessera_domain::EventId,
        viewer: Option<(tessera_domain::UserId, Option<String>)>,
    ) -> Result<EventMemberships> {
        let (rules, products) = self.store.event_extras(event).await?;
        let viewer_plans = match viewer {
            Some((user, email)) if !rules.is_empty() => {
                self.store.active_plans_for_event(event, user, email.as_deref(), self.now()).await?
            }
            _ => vec![],
        };
        Ok(EventMemberships { rules, products, viewer_plans })
    }

    /// The organization's plans with their card counts, by name.
    pub async fn member_plans(&self, actor: &Actor, org: OrgId) -> Result<Vec<PlanSummary>> {
        self.authorize(actor, org, Permission::ViewOrders).await?;
        let counts = self.store.member_counts(org, self.now()).await?;
        Ok(self
            .store
            .member_plans(org)
            .await?
            .into_iter()
            .map(|plan| {
                let (active_cards, total_cards) = counts.get(&plan.id).copied().unwrap_or((0, 0));
                PlanSummary { plan, active_cards, total_cards }
            })
            .collect())
    }

    pub async fn create_member_plan(&self, actor: &Actor, org: OrgId, input: NewMemberPlan) -> Result<MemberPlan> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        input.validate()?;
        let plan = MemberPlan {
            id: MemberPlanId::new(),
            org_id: org,
            name: input.name.trim().to_string(),
            description: input.description.trim().to_string(),
            validity_days: input.validity_days,
            created_at: self.now(),
        };
        self.store.create_member_plan(&plan).await?;
        Ok(plan)
    }

    /// Changes a plan's name, description and validity; cards already
    /// issued keep their period.
    pub async fn update_member_plan(
        &self,
        actor: &Actor,
        org: OrgId,
        id: MemberPlanId,
        input: NewMemberPlan,
    ) -> Result<MemberPlan> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        input.validate()?;
        if !self.store.update_member_plan(org, id, &input).await? {
            return Err(AppError::NotFound);
        }
        self.store.member_plan(org, id).await?.ok_or(AppError::NotFound)
    }

    /// The organization's cards, newest first (at most `limit`, 1 to 1,000).
    pub async fn member_cards(
        &self,
        actor: &Actor,
        org: OrgId,
        plan: Option<MemberPlanId>,
        q: Option<&str>,
        limit: i64,
    ) -> Result<Vec<CardCheck>> {
        self.authorize(actor, org, Permission::ViewOrders).await?;
        let now = self.now();
        let cards = self.store.member_cards(org, plan, q, limit).await?;
        Ok(cards.into_iter().map(|card| CardCheck { status: card.status(now), card }).collect())
    }

    /// Staff issue a card of a plan to a person, from now or a given day.
    pub async fn issue_member_card(&self, actor: &Actor, org: OrgId, input: NewMemberCard) -> Result<CardCheck> {
        self.authorize(actor, org, Permission::ManageOrders).await?;
        let mut e = tessera_domain::ValidationError::new();
        let email = tessera_domain::account::Email::parse_keyed(&input.email);
        if let Err(k) = &email {
            e.add_keyed("email", k.clone());
        }
        tessera_domain::validation::check_text(&mut e, "holder_name", &input.holder_name, 1, 200);
        e.finish()?;
        let plan = self.store.member_plan(org, input.plan_id).await?.ok_or_else(unknown_plan)?;
        let now = self.now();
        let from = input.valid_from.unwrap_or(now);
        let user = match &email {
            // Only an account that proved the address gets the card bound to it.
            Ok(address) => self.store.user_by_email(address).await?.filter(|u| u.email_verified).map(|u| u.id),
            Err(_) => None,
        };
        for _ in 0..3 {
            let card = NewCard {
                id: MemberCardId::new(),
                org_id: org,
                plan_id: plan.id,
                code: generated_code(&crate::secrets::random_bytes::<11>()),
                holder_name: input.holder_name.trim().to_string(),
                email: email.as_ref().map(|e| e.as_str().to_lowercase()).unwrap_or_default(),
                user_id: user,
                valid_from: from,
                valid_until: valid_until(from, plan.validity_days),
                created_by: actor_name(actor),
            };
            match self.store.create_member_card(&card, now).await {
                Ok(()) => {
                    let card = self.store.member_card(org, card.id).await?.ok_or(AppError::NotFound)?;
                    return Ok(CardCheck { status: card.status(now), card });
                }
                Err(tessera_store::StoreError::Conflict { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(AppError::Internal("could not draw an unused member card code".into()))
    }

    pub async fn void_member_card(&self, actor: &Actor, org: OrgId, id: MemberCardId) -> Result<CardCheck> {
        self.authorize(actor, org, Permission::ManageOrders).await?;
        if !self.store.void_member_card(org, id).await? {
            return Err(AppError::NotFound);
        }
        let card = self.store.member_card(org, id).await?.ok_or(AppError::NotFound)?;
        Ok(CardCheck { status: card.status(self.now()), card })
    }

    /// What a card's code says now: for the scanner at a door or counter
    /// (any member of the organization who may scan).
    pub async fn check_member_card(&self, actor: &Actor, org: OrgId, code: &str) -> Result<CardCheck> {
        self.authorize(actor, org, Permission::CheckIn).await?;
        let code = normalize(code).ok_or_else(|| {
            AppError::invalid_key("code", MessageKey::new("members-error-code-shape"), "not a member card's code")
        })?;
        let card = self.store.member_card_by_code(org, &code).await?.ok_or_else(|| AppError::Rule {
            code: "member_card_unknown",
            field: "code".into(),
            message: "no such member card".into(),
        })?;
        Ok(CardCheck { status: card.status(self.now()), card })
    }

    /// The signed-in buyer's cards in every organization (those bought
    /// or issued to their verified address too).
    pub async fn my_member_cards(&self, actor: &Actor) -> Result<Vec<CardCheck>> {
        let user = actor.user()?;
        let email = user.email_verified.then(|| user.email.to_string());
        let now = self.now();
        let cards = self.store.cards_of(user.id, email.as_deref()).await?;
        Ok(cards.into_iter().map(|card| CardCheck { status: card.status(now), card }).collect())
    }

    pub async fn ticket_type_membership(
        &self,
        actor: &Actor,
        org: OrgId,
        tt: TicketTypeId,
    ) -> Result<TicketTypeMembership> {
        self.authorize(actor, org, Permission::ViewCatalog).await?;
        self.store.ticket_type(org, tt).await?.ok_or(AppError::NotFound)?;
        let (member_rule, product) = self.store.ticket_type_extras(tt).await?;
        Ok(TicketTypeMembership { member_rule, product })
    }

    /// Sets or (with `None`) removes a ticket type's member rule. It
    /// applies to reservations from now on; orders already placed keep their price.
    pub async fn set_member_rule(
        &self,
        actor: &Actor,
        org: OrgId,
        tt: TicketTypeId,
        rule: Option<MemberRule>,
    ) -> Result<TicketTypeMembership> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        let t = self.store.ticket_type(org, tt).await?.ok_or(AppError::NotFound)?;
        if let Some(r) = &rule {
            r.validate()?;
            if let Some(p) = r.plan_id {
                self.store.member_plan(org, p).await?.ok_or_else(unknown_plan)?;
            }
        }
        self.store.set_member_rule(t.event_id, tt, rule.as_ref()).await?;
        self.ticket_type_membership(actor, org, tt).await
    }

    /// Sets or (with `None`) removes what a ticket type sells instead of
    /// admission. Refused once the type has orders.
    pub async fn set_product(
        &self,
        actor: &Actor,
        org: OrgId,
        tt: TicketTypeId,
        product: Option<Product>,
    ) -> Result<TicketTypeMembership> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        let t = self.store.ticket_type(org, tt).await?.ok_or(AppError::NotFound)?;
        if let Some(p) = &product {
            p.validate()?;
            if let Some(plan) = p.plan_id {
                self.store.member_plan(org, plan).await?.ok_or_else(unknown_plan)?;
            }
            if p.kind == ProductKind::GiftCard && t.price.amount_minor == 0 {
                return Err(AppError::invalid_key(
                    "kind",
                    MessageKey::new("members-error-free-gift-card"),
                    "a gift card sold for nothing would carry nothing: give the type a price first",
                ));
            }
        }
        self.store.set_product(t.event_id, tt, product.as_ref()).await.map_err(|e| match e {
            tessera_store::StoreError::Conflict { .. } => AppError::StateConflict {
                code: "product_has_orders",
                message: "this ticket type has orders: what it sells cannot change".into(),
            },
            e => e.into(),
        })?;
        self.ticket_type_membership(actor, org, tt).await
    }
}

fn unknown_plan() -> AppError {
    AppError::invalid_key("plan_id", MessageKey::new("members-error-unknown-plan"), "no such plan in this organization")
}
