//! Price tiers and dynamic pricing of ticket types: the organizer's side.
//! Which tier a sale takes is decided in the inventory batch
//! ([`tessera_domain::tiers::split`]); dynamic prices move at every sweep.

use crate::{App, AppError, Result};
use tessera_domain::dynamic::{DynamicSettings, PriceChange};
use tessera_domain::tiers::{NewPriceTier, PriceTier};
use tessera_domain::{Money, OrgId, Permission, PriceTierId, TicketTypeId};

use crate::authz::Actor;

impl App {
    /// A ticket type's tiers, as they are tried.
    pub async fn price_tiers(&self, actor: &Actor, org: OrgId, ticket_type: TicketTypeId) -> Result<Vec<PriceTier>> {
        self.authorize(actor, org, Permission::ViewCatalog).await?;
        self.store.ticket_type(org, ticket_type).await?.ok_or(AppError::NotFound)?;
        Ok(self.store.price_tiers(org, ticket_type).await?)
    }

    pub async fn create_price_tier(
        &self,
        actor: &Actor,
        org: OrgId,
        ticket_type: TicketTypeId,
        input: NewPriceTier,
    ) -> Result<PriceTier> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        let tt = self.store.ticket_type(org, ticket_type).await?.ok_or(AppError::NotFound)?;
        let now = self.now();
        input.validate(now, true)?;
        let position = match input.position {
            Some(p) => p,
            None => self.store.price_tiers(org, ticket_type).await?.iter().map(|t| t.position + 1).max().unwrap_or(0),
        };
        let t = PriceTier {
            id: PriceTierId::new(),
            org_id: org,
            ticket_type_id: tt.id,
            position: position.min(1000),
            name: input.name.trim().to_string(),
            price: Money::new(input.price_minor, tt.price.currency),
            until: input.until,
            quantity: input.quantity,
            held: 0,
            sold: 0,
            created_at: now,
        };
        self.store.create_price_tier(tt.event_id, &t).await?;
        Ok(t)
    }

    /// Replaces a tier's settings; what it sold stays counted.
    pub async fn update_price_tier(
        &self,
        actor: &Actor,
        org: OrgId,
        id: PriceTierId,
        input: NewPriceTier,
    ) -> Result<PriceTier> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        let current = self.store.price_tier(org, id).await?.ok_or(AppError::NotFound)?;
        input.validate(self.now(), false)?;
        let t = PriceTier {
            position: input.position.unwrap_or(current.position),
            name: input.name.trim().to_string(),
            price: Money::new(input.price_minor, current.price.currency),
            until: input.until,
            quantity: input.quantity,
            ..current
        };
        self.store.replace_price_tier(&t).await?;
        // Counters as they are now, not as they were read.
        self.store.price_tier(org, id).await?.ok_or(AppError::NotFound)
    }

    pub async fn delete_price_tier(&self, actor: &Actor, org: OrgId, id: PriceTierId) -> Result<()> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        Ok(self.store.delete_price_tier(org, id).await?)
    }
}

/// A ticket type's dynamic pricing as the organizer sees it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct DynamicView {
    /// The settings; absent when the price is fixed.
    pub settings: Option<DynamicSettings>,
    /// The ticket type's price now.
    pub price: Money,
    /// Its recent changes, newest first (at most 100).
    pub changes: Vec<PriceChange>,
}

impl App {
    pub async fn dynamic_pricing(&self, actor: &Actor, org: OrgId, tt: TicketTypeId) -> Result<DynamicView> {
        self.authorize(actor, org, Permission::ViewCatalog).await?;
        let t = self.store.ticket_type(org, tt).await?.ok_or(AppError::NotFound)?;
        Ok(DynamicView {
            settings: self.store.dynamic_pricing(org, tt).await?,
            price: t.price,
            changes: self.store.price_changes(org, tt, 100).await?,
        })
    }

    /// Puts a ticket type's price under a rule between bounds. The price
    /// moves into the bounds at once and then follows the rule (right away,
    /// then at every sweep); each change is recorded with its reason.
    pub async fn set_dynamic_pricing(
        &self,
        actor: &Actor,
        org: OrgId,
        tt: TicketTypeId,
        settings: DynamicSettings,
    ) -> Result<DynamicView> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        let t = self.store.ticket_type(org, tt).await?.ok_or(AppError::NotFound)?;
        settings.validate()?;
        let now = self.now();
        let clamp =
            tessera_domain::dynamic::clamp_now(&settings, t.price.amount_minor).map(|to| (t.price.amount_minor, to));
        self.store.set_dynamic_pricing(org, t.event_id, tt, &settings, clamp, now).await?;
        if let Some(d) = self.store.dynamic_candidates(now).await?.into_iter().find(|d| d.ticket_type_id == tt) {
            self.reprice(&d, now).await?;
        }
        self.dynamic_pricing(actor, org, tt).await
    }

    pub async fn delete_dynamic_pricing(&self, actor: &Actor, org: OrgId, tt: TicketTypeId) -> Result<()> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        self.store.ticket_type(org, tt).await?.ok_or(AppError::NotFound)?;
        Ok(self.store.delete_dynamic_pricing(org, tt).await?)
    }

    /// Applies every dynamic price's rule once (the sweeper calls it).
    /// Returns how many prices moved.
    pub async fn reprice_once(&self) -> Result<usize> {
        let now = self.now();
        let mut moved = 0;
        for d in self.store.dynamic_candidates(now).await? {
            moved += usize::from(self.reprice(&d, now).await?);
        }
        Ok(moved)
    }

    async fn reprice(&self, d: &tessera_store::dynamic::Dynamic, now: tessera_domain::Timestamp) -> Result<bool> {
        let Some(market) = self.store.market(d, now).await? else { return Ok(false) };
        let Some((to, reason, figure)) = tessera_domain::dynamic::reprice(&d.settings, &market) else {
            return Ok(false);
        };
        let moved = self.store.apply_price_change(d, market.price, to, reason, figure, now).await?;
        if moved {
            // Buyers' pages and streams show the new price.
            self.batcher.changes.send(d.event_id).ok();
        }
        Ok(moved)
    }
}
