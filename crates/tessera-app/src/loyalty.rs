//! Loyalty points: an organization's rule (staff), a buyer's balance and
//! history, paying an order with points, and the usage report. Every
//! balance change is decided by the store under the account's lock; see
//! `tessera_store::loyalty`.

use crate::{Actor, App, AppError, Result};
use tessera_domain::loyalty::{LoyaltyRule, PointsEntry, PointsRefusal, RedeemPoints};
use tessera_domain::orders::{Order, OrderId};
use tessera_domain::{OrgId, Permission};
use tessera_store::InventoryOp;
use tessera_store::loyalty::PointsPayment;
pub use tessera_store::loyalty::{LoyaltyReport, PointsHolder};

/// A buyer's points with one organization.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct MyPoints {
    pub org_id: OrgId,
    /// Points held now (due points have expired).
    pub balance: i64,
    /// The organization's rule: what points are worth and how long they last.
    pub rule: LoyaltyRule,
    /// Newest first, at most 200.
    pub entries: Vec<PointsEntry>,
}

/// An organization a buyer holds points with.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PointsBalance {
    pub org_id: OrgId,
    pub org_name: String,
    pub balance: i64,
}

impl App {
    /// The organization's points rule (off, with defaults, until set).
    pub async fn loyalty_rule(&self, actor: &Actor, org: OrgId) -> Result<LoyaltyRule> {
        self.authorize(actor, org, Permission::ViewOrders).await?;
        Ok(self.store.loyalty_rule(org).await?.unwrap_or_default())
    }

    /// Sets the organization's points rule. Points already earned keep
    /// their expiry; the new rule applies to what is earned and redeemed next.
    pub async fn set_loyalty_rule(&self, actor: &Actor, org: OrgId, rule: LoyaltyRule) -> Result<LoyaltyRule> {
        self.authorize(actor, org, Permission::ManageOrgSettings).await?;
        rule.validate()?;
        self.store.set_loyalty_rule(org, &rule, self.now()).await?;
        Ok(rule)
    }

    /// What the organization's points did: earned, redeemed, expired,
    /// taken and given back by refunds, held now, and the top holders.
    pub async fn loyalty_report(&self, actor: &Actor, org: OrgId) -> Result<LoyaltyReport> {
        self.authorize(actor, org, Permission::ViewOrders).await?;
        Ok(self.store.loyalty_report(org).await?)
    }

    /// The signed-in buyer's points with an organization.
    pub async fn my_points(&self, actor: &Actor, org: OrgId) -> Result<MyPoints> {
        let user = actor.user()?;
        let rule = self.store.loyalty_rule(org).await?;
        let Some(rule) = rule else {
            // An organization without a rule has no points, and may not exist.
            return Err(AppError::NotFound);
        };
        let account = self.store.points_account(org, user.id, self.now()).await?;
        Ok(MyPoints { org_id: org, balance: account.balance, rule, entries: account.entries })
    }

    /// Every organization the signed-in buyer has points with.
    pub async fn my_point_balances(&self, actor: &Actor) -> Result<Vec<PointsBalance>> {
        let user = actor.user()?;
        let mut out = vec![];
        for (org, balance) in self.store.points_balances(user.id).await? {
            let name = self.store.org(org).await?.map(|o| o.name).unwrap_or_default();
            out.push(PointsBalance { org_id: org, org_name: name, balance });
        }
        Ok(out)
    }

    /// The signed-in buyer pays their pending order with points: whole
    /// steps of the rule, never more than is left to pay; the order is paid
    /// when they cover the rest. Decided under the points account's lock.
    pub async fn pay_with_points(
        &self,
        actor: &Actor,
        id: OrderId,
        token: Option<&str>,
        input: RedeemPoints,
    ) -> Result<Order> {
        let order = self.buyer_order(actor, id, token).await?;
        input.validate()?;
        let (_, _, buyer) = self.store.order_head(id).await?.ok_or(AppError::NotFound)?;
        let user = match actor {
            Actor::User(u) if Some(u.id) == buyer => u.id,
            _ => {
                let r = PointsRefusal::SignIn;
                return Err(AppError::Rule { code: r.code(), field: "points".into(), message: r.message().into() });
            }
        };
        let p = PointsPayment { order: id, user, points: input.points, payment_id: uuid::Uuid::now_v7().to_string() };
        let _ =
            self.submit_inventory(order.event_id, InventoryOp::Points(Box::new(p))).await?.ok_or(AppError::NotFound)?;
        self.buyer_order(actor, id, token).await
    }

    /// What the storefront offers a signed-in buyer on their pending order:
    /// (balance, the rule), when the organization's points are on and the
    /// buyer holds at least one step.
    pub async fn points_offer(&self, actor: &Actor, order: &Order) -> Result<Option<(i64, LoyaltyRule)>> {
        let Actor::User(u) = actor else { return Ok(None) };
        let Some(rule) = self.store.loyalty_rule(order.org_id).await?.filter(|r| r.enabled) else { return Ok(None) };
        let (_, _, buyer) = self.store.order_head(order.id).await?.ok_or(AppError::NotFound)?;
        if buyer != Some(u.id) {
            return Ok(None);
        }
        let balance = self.store.points_account(order.org_id, u.id, self.now()).await?.balance;
        Ok((balance >= rule.redeem_points).then_some((balance, rule)))
    }

    /// What points paid of an order (succeeded points payments), for the
    /// order page's "paid so far" lines.
    pub async fn points_paid(&self, order: &Order) -> Result<i64> {
        let payments = self.store.order_payments(order.id).await?;
        Ok(payments
            .iter()
            .filter(|p| {
                p.provider == tessera_domain::loyalty::PROVIDER
                    && p.state == tessera_domain::payments::PaymentState::Succeeded
            })
            .map(|p| p.amount.amount_minor)
            .sum())
    }

    /// What points did on a paid order, for its confirmation e-mail.
    pub(crate) async fn order_points_note(&self, order: &Order) -> Result<Option<tessera_mail::PointsNote>> {
        let (spent, earned) = self.store.order_points(order.id).await?;
        if spent == 0 && earned == 0 {
            return Ok(None);
        }
        let paid = tessera_domain::Money::new(self.points_paid(order).await?, order.total.currency);
        Ok(Some(tessera_mail::PointsNote { spent, paid, earned }))
    }

    /// Expires due points (the sweeper); returns how many accounts changed.
    pub async fn expire_points_once(&self) -> Result<usize> {
        Ok(self.store.expire_points(self.now(), 200).await?)
    }
}
