//! Gift cards: staff issue and switch them off, buyers pay orders with them
//! (in part: the rest goes through the payment provider), and counters of
//! the venue spend them. Every balance change is decided by the store under
//! the card's lock; see `tessera_store::giftcards`.

use crate::inventory::actor_name;
use crate::secrets::random_bytes;
use crate::{Actor, App, AppError, Result};
use tessera_domain::giftcards::{
    CounterRedeem, GiftCard, GiftCardRefusal, GiftCardState, GiftCardTxn, NewGiftCard, normalize,
};
use tessera_domain::orders::{Order, OrderId};
use tessera_domain::{GiftCardId, MessageKey, Money, OrgId, Permission};
use tessera_store::{GiftCardPayment, InventoryOp};

/// A card and its movements, for staff.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct GiftCardDetail {
    /// The code is masked.
    pub card: GiftCard,
    /// Oldest first.
    pub transactions: Vec<GiftCardTxn>,
}

/// What a counter redemption did.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CounterRedemption {
    /// The card after it (code masked).
    pub card: GiftCard,
    pub transaction: GiftCardTxn,
}

/// What a buyer learns of a card from its code.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct GiftCardBalance {
    /// Masked.
    pub code: String,
    pub balance: Money,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<tessera_domain::Timestamp>,
    pub state: GiftCardState,
}

impl App {
    /// The organization's cards, newest first, codes masked.
    pub async fn gift_cards(&self, actor: &Actor, org: OrgId) -> Result<Vec<GiftCard>> {
        self.authorize(actor, org, Permission::ViewOrders).await?;
        Ok(self.store.gift_cards(org).await?.into_iter().map(GiftCard::masked).collect())
    }

    pub async fn gift_card(&self, actor: &Actor, org: OrgId, id: GiftCardId) -> Result<GiftCardDetail> {
        self.authorize(actor, org, Permission::ViewOrders).await?;
        let card = self.store.gift_card(org, id).await?.ok_or(AppError::NotFound)?;
        let transactions = self.store.gift_card_txns(&card).await?;
        Ok(GiftCardDetail { card: card.masked(), transactions })
    }

    /// Issues a card with a fresh code. The answer is the only place the
    /// code appears in full.
    pub async fn issue_gift_card(&self, actor: &Actor, org: OrgId, input: NewGiftCard) -> Result<GiftCard> {
        self.authorize(actor, org, Permission::ManageOrders).await?;
        let now = self.now();
        input.validate(now)?;
        for _ in 0..3 {
            let card = GiftCard {
                id: GiftCardId::new(),
                org_id: org,
                code: tessera_domain::giftcards::generated_code(&random_bytes::<11>()),
                initial: Money::new(input.value_minor, input.currency),
                balance: Money::new(input.value_minor, input.currency),
                expires_at: input.expires_at,
                state: GiftCardState::Active,
                note: input.note.trim().to_string(),
                created_by: actor_name(actor),
                created_at: now,
            };
            match self.store.create_gift_card(&card, now).await {
                Ok(()) => return Ok(card),
                Err(tessera_store::StoreError::Conflict { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(AppError::Internal("could not draw an unused gift card code".into()))
    }

    /// Switches a card off (nothing can be spent) or on again.
    pub async fn set_gift_card_state(
        &self,
        actor: &Actor,
        org: OrgId,
        id: GiftCardId,
        state: GiftCardState,
    ) -> Result<GiftCard> {
        self.authorize(actor, org, Permission::ManageOrders).await?;
        self.store.set_gift_card_state(org, id, state).await?;
        Ok(self.store.gift_card(org, id).await?.ok_or(AppError::NotFound)?.masked())
    }

    /// A card by its code, for the counter (staff see its balance before spending).
    pub async fn gift_card_lookup(&self, actor: &Actor, org: OrgId, code: &str) -> Result<GiftCard> {
        self.authorize(actor, org, Permission::ManageOrders).await?;
        let code = normalize(code).ok_or_else(|| bad_code("code"))?;
        let card = self.store.gift_card_by_code(org, &code).await?.ok_or_else(|| unknown("code"))?;
        Ok(card.masked())
    }

    /// Spends part of a card at a counter. `request_key` (the request's
    /// Idempotency-Key) makes a repeat answer the first redemption again.
    pub async fn redeem_gift_card(
        &self,
        actor: &Actor,
        org: OrgId,
        input: CounterRedeem,
        request_key: Option<&str>,
    ) -> Result<CounterRedemption> {
        self.authorize(actor, org, Permission::ManageOrders).await?;
        let mut e = tessera_domain::ValidationError::new();
        let code = normalize(&input.code);
        e.check_key(code.is_some(), "code", MessageKey::new("giftcards-error-code-shape"), "not a gift card's code");
        let key = MessageKey::new("errors-range").num("min", 1).num("max", tessera_domain::giftcards::MAX_VALUE_MINOR);
        let ok = (1..=tessera_domain::giftcards::MAX_VALUE_MINOR).contains(&input.amount_minor);
        e.check_key(ok, "amount_minor", key, "more than zero");
        tessera_domain::validation::check_text(&mut e, "note", &input.note, 0, 200);
        e.finish()?;
        let code = code.unwrap_or_default();
        let actor_name = actor_name(actor);
        match self
            .store
            .redeem_gift_card(org, &code, input.amount_minor, &actor_name, input.note.trim(), request_key, self.now())
            .await?
        {
            Ok((card, transaction)) => Ok(CounterRedemption { card: card.masked(), transaction }),
            Err(GiftCardRefusal::Unknown) => Err(unknown("code")),
            Err(r) => {
                let field = if r == GiftCardRefusal::Insufficient { "amount_minor" } else { "code" };
                Err(AppError::Rule { code: r.code(), field: field.into(), message: r.message().into() })
            }
        }
    }

    /// A buyer checks a card's balance. Unknown codes count as wrong guesses
    /// of the client address, like promo and access codes.
    pub async fn gift_card_balance_from(&self, ip: &str, org: OrgId, code: &str) -> Result<GiftCardBalance> {
        let now = self.now();
        self.clients.admit_access_code(ip, now)?;
        let found = match normalize(code) {
            Some(c) => self.store.gift_card_by_code(org, &c).await?,
            None => None,
        };
        let Some(card) = found else {
            self.clients.access_code_failed(ip, now);
            return Err(unknown("code"));
        };
        let card = card.masked();
        Ok(GiftCardBalance { code: card.code, balance: card.balance, expires_at: card.expires_at, state: card.state })
    }

    /// The buyer pays a pending order with a card: min(balance, what is left
    /// to pay) comes off the card; the order is paid when it covers the rest.
    pub async fn pay_with_gift_card_from(
        &self,
        ip: &str,
        actor: &Actor,
        id: OrderId,
        token: Option<&str>,
        code: &str,
    ) -> Result<Order> {
        let order = self.buyer_order(actor, id, token).await?;
        let now = self.now();
        self.clients.admit_access_code(ip, now)?;
        let Some(code) = normalize(code) else {
            self.clients.access_code_failed(ip, now);
            return Err(bad_code("gift_card"));
        };
        let p =
            GiftCardPayment { order: id, code, payment_id: uuid::Uuid::now_v7().to_string(), actor: actor_name(actor) };
        let out = self.submit_inventory(order.event_id, InventoryOp::GiftCard(Box::new(p))).await;
        if let Err(AppError::Rule { code: "gift_card_unknown", .. }) = &out {
            self.clients.access_code_failed(ip, now);
        }
        let _ = out?.ok_or(AppError::NotFound)?;
        self.buyer_order(actor, id, token).await
    }
}

fn bad_code(field: &str) -> AppError {
    AppError::invalid_key(field, MessageKey::new("giftcards-error-code-shape"), "not a gift card's code")
}

fn unknown(field: &str) -> AppError {
    let r = GiftCardRefusal::Unknown;
    AppError::Rule { code: r.code(), field: field.into(), message: r.message().into() }
}
