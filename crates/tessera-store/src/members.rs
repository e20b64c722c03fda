//! Memberships and products: plans, member cards, the member rules and
//! products of ticket types, and the parts of an inventory batch that use
//! them (the rules in the snapshot, the products when an order is paid or
//! voided). See `tessera_domain::members`.
//!
//! Issuing is part of the batch that pays the order: its cards (gift cards
//! and member cards) are written in the same transaction as the tickets
//! would be, keyed by (order, unit), so a paid order has its cards exactly
//! once. A refund or cancellation of a paid order voids its member cards
//! and disables its gift cards (what was spent stays spent).

use crate::inventory::{Tx, execute_in, fetch_in};
use crate::payments::OutboxMessage;
use crate::row::{RowExt, micros};
use crate::{Result, Store, StoreError, unique_as};
use std::collections::HashMap;
use tessera_domain::members::{
    MemberCard, MemberCardState, MemberPlan, MemberRule, NewMemberPlan, Product, ProductKind, valid_until,
};
use tessera_domain::{Currency, EventId, MemberCardId, MemberPlanId, Money, OrgId, TicketTypeId, Timestamp, UserId};

const CARD_COLS: &str = "c.id, c.org_id, c.plan_id, p.name AS plan_name, c.code, c.holder_name, c.email, c.user_id,
    c.order_id, c.valid_from, c.valid_until, c.state, c.created_at";

fn plan_from(r: &sqlx::any::AnyRow) -> Result<MemberPlan> {
    Ok(MemberPlan {
        id: r.parse("id")?,
        org_id: r.parse("org_id")?,
        name: r.text("name")?,
        description: r.text("description")?,
        validity_days: r.int("validity_days")?,
        created_at: r.ts("created_at")?,
    })
}

fn card_from(r: &sqlx::any::AnyRow) -> Result<MemberCard> {
    Ok(MemberCard {
        id: r.parse("id")?,
        org_id: r.parse("org_id")?,
        plan_id: r.parse("plan_id")?,
        plan_name: r.text("plan_name")?,
        code: r.text("code")?,
        holder_name: r.text("holder_name")?,
        email: r.text("email")?,
        user_id: r.opt_text("user_id")?.map(|u| u.parse()).transpose().map_err(|_| corrupt("user_id"))?,
        order_id: r.opt_text("order_id")?,
        valid_from: r.ts("valid_from")?,
        valid_until: r.ts("valid_until")?,
        state: MemberCardState::parse(&r.text("state")?).ok_or_else(|| corrupt("state"))?,
        created_at: r.ts("created_at")?,
    })
}

fn corrupt(col: &str) -> StoreError {
    StoreError::Corrupt(format!("member_cards.{col}"))
}

fn random_code(generate: fn(&[u8]) -> String) -> Result<String> {
    let mut bytes = [0u8; 11];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Corrupt(format!("no randomness: {e}")))?;
    Ok(generate(&bytes))
}

/// A card to store (staff issue it, or a paid order does).
#[derive(Debug, Clone)]
pub struct NewCard {
    pub id: MemberCardId,
    pub org_id: OrgId,
    pub plan_id: MemberPlanId,
    pub code: String,
    pub holder_name: String,
    pub email: String,
    pub user_id: Option<UserId>,
    pub valid_from: Timestamp,
    pub valid_until: Timestamp,
    pub created_by: String,
}

/// The member rules of an event's ticket types, for the batch's snapshot.
pub(crate) async fn rules_in(tx: &mut Tx, event: EventId) -> Result<HashMap<TicketTypeId, MemberRule>> {
    let rows = sqlx::query(
        "SELECT ticket_type_id, plan_id, members_only, member_price_minor FROM ticket_type_member_rules WHERE event_id = $1",
    )
    .bind(event.to_string())
    .fetch_all(&mut **tx)
    .await?;
    rows.iter().map(|r| Ok((r.parse("ticket_type_id")?, rule_from(r)?))).collect()
}

fn rule_from(r: &sqlx::any::AnyRow) -> Result<MemberRule> {
    Ok(MemberRule {
        plan_id: r.opt_text("plan_id")?.map(|p| p.parse()).transpose().map_err(|_| corrupt("plan_id"))?,
        members_only: r.flag("members_only")?,
        member_price_minor: r.opt_int("member_price_minor")?,
    })
}

fn product_from(r: &sqlx::any::AnyRow) -> Result<Product> {
    Ok(Product {
        kind: ProductKind::parse(&r.text("kind")?).ok_or_else(|| corrupt("kind"))?,
        plan_id: r.opt_text("plan_id")?.map(|p| p.parse()).transpose().map_err(|_| corrupt("plan_id"))?,
    })
}

/// The ticket types of an event that sell a product: paying for them issues no ticket.
pub(crate) async fn products_in(tx: &mut Tx, event: EventId) -> Result<HashMap<TicketTypeId, Product>> {
    let rows = sqlx::query("SELECT ticket_type_id, kind, plan_id FROM ticket_type_products WHERE event_id = $1")
        .bind(event.to_string())
        .fetch_all(&mut **tx)
        .await?;
    rows.iter().map(|r| Ok((r.parse("ticket_type_id")?, product_from(r)?))).collect()
}

/// Issues the products of the orders a batch made paid: per unit of a
/// product line, a gift card of the unit's price or a member card of the
/// plan, and one e-mail per order that carries them.
pub(crate) async fn issue_paid(tx: &mut Tx, paid: &[String], now: Timestamp) -> Result<()> {
    if paid.is_empty() {
        return Ok(());
    }
    let rows = fetch_in(
        tx,
        "SELECT o.id AS order_id, o.org_id, o.buyer_user_id, o.buyer_email, o.buyer_name, o.currency,
                l.quantity, l.unit_price_minor, l.ticket_type_id, p.kind, p.plan_id, mp.validity_days
         FROM order_lines l JOIN orders o ON o.id = l.order_id
         JOIN ticket_type_products p ON p.ticket_type_id = l.ticket_type_id
         LEFT JOIN member_plans mp ON mp.id = p.plan_id
         WHERE l.order_id IN ({in}) ORDER BY l.order_id, l.ticket_type_id, l.tier_id",
        &[],
        paid,
    )
    .await?;
    let mut units: HashMap<String, i64> = HashMap::new();
    let mut mailed = vec![];
    for r in &rows {
        let order = r.text("order_id")?;
        let org: OrgId = r.parse("org_id")?;
        let kind = ProductKind::parse(&r.text("kind")?).ok_or_else(|| corrupt("kind"))?;
        for _ in 0..r.int("quantity")? {
            let unit = units.entry(order.clone()).or_default();
            *unit += 1;
            let unit = *unit;
            match kind {
                ProductKind::GiftCard => {
                    let cur = Currency::parse(&r.text("currency")?).map_err(|_| corrupt("currency"))?;
                    let value = Money::new(r.int("unit_price_minor")?, cur);
                    if value.amount_minor <= 0 {
                        continue;
                    }
                    issue_gift_card(tx, org, &order, unit, value, &r.text("buyer_email")?, now).await?;
                }
                ProductKind::Membership => {
                    let days = r.opt_int("validity_days")?.ok_or_else(|| corrupt("plan"))?;
                    let card = NewCard {
                        id: MemberCardId::new(),
                        org_id: org,
                        plan_id: r.parse("plan_id")?,
                        code: random_code(tessera_domain::members::generated_code)?,
                        holder_name: r.text("buyer_name")?,
                        email: r.text("buyer_email")?.to_lowercase(),
                        user_id: r
                            .opt_text("buyer_user_id")?
                            .map(|u| u.parse())
                            .transpose()
                            .map_err(|_| corrupt("user"))?,
                        valid_from: now,
                        valid_until: valid_until(now, days),
                        created_by: format!("order:{order}"),
                    };
                    insert_card(tx, &card, Some((&order, unit)), now).await?;
                }
            }
        }
        if !mailed.contains(&order) {
            let m = OutboxMessage::new("email", "products_delivery", Some(order.clone()), serde_json::json!({}))
                .dedupe(format!("products_delivery:{order}"));
            crate::payments::enqueue_in(tx, org, &[m], now).await?;
            mailed.push(order);
        }
    }
    Ok(())
}

async fn issue_gift_card(
    tx: &mut Tx,
    org: OrgId,
    order: &str,
    unit: i64,
    value: Money,
    email: &str,
    now: Timestamp,
) -> Result<()> {
    let id = tessera_domain::GiftCardId::new();
    let code = random_code(tessera_domain::giftcards::generated_code)?;
    let note = format!("bought in an order by {email}");
    let done = sqlx::query(
        "INSERT INTO gift_cards (id, org_id, code, currency, initial_minor, balance_minor, expires_at, state, note,
           created_by, created_at, order_id, order_unit)
         VALUES ($1, $2, $3, $4, $5, $5, NULL, 'active', $6, $7, $8, $9, $10) ON CONFLICT (order_id, order_unit) DO NOTHING",
    )
    .bind(id.to_string())
    .bind(org.to_string())
    .bind(code.clone())
    .bind(value.currency.code().to_string())
    .bind(value.amount_minor)
    .bind(note.clone())
    .bind(format!("order:{order}"))
    .bind(micros(now))
    .bind(order.to_string())
    .bind(unit)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO gift_card_txns (id, card_id, kind, amount_minor, balance_after, order_id, actor, note, at)
         VALUES ($1, $2, 'issue', $3, $3, $4, 'system', $5, $6)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(id.to_string())
    .bind(value.amount_minor)
    .bind(order.to_string())
    .bind(note)
    .bind(micros(now))
    .execute(&mut **tx)
    .await?;
    let memo = tessera_domain::giftcards::mask(&code);
    let txn = tessera_domain::giftcards::issue_txn(org, value);
    crate::giftcards::post(tx, &txn, org, Some(order), Some(&memo), now).await
}

async fn insert_card(tx: &mut Tx, c: &NewCard, from_order: Option<(&str, i64)>, now: Timestamp) -> Result<()> {
    sqlx::query(
        "INSERT INTO member_cards (id, org_id, plan_id, code, holder_name, email, user_id, order_id, unit, valid_from,
           valid_until, state, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'active', $12, $13)",
    )
    .bind(c.id.to_string())
    .bind(c.org_id.to_string())
    .bind(c.plan_id.to_string())
    .bind(c.code.clone())
    .bind(c.holder_name.clone())
    .bind(c.email.clone())
    .bind(c.user_id.map(|u| u.to_string()))
    .bind(from_order.map(|(o, _)| o.to_string()))
    .bind(from_order.map_or(0, |(_, u)| u))
    .bind(micros(c.valid_from))
    .bind(micros(c.valid_until))
    .bind(c.created_by.clone())
    .bind(micros(now))
    .execute(&mut **tx)
    .await
    .map_err(unique_as("code", "this organization already has this code"))?;
    Ok(())
}

/// Paid orders cancelled or refunded in full: their member cards are void
/// and their gift cards disabled.
pub(crate) async fn void_products(tx: &mut Tx, orders: &[String]) -> Result<()> {
    execute_in(tx, "UPDATE member_cards SET state = 'void' WHERE order_id IN ({in})", &[], orders).await?;
    execute_in(tx, "UPDATE gift_cards SET state = 'disabled' WHERE order_id IN ({in})", &[], orders).await
}

/// A refund of an order, as the gift cards it bought see it.
pub(crate) struct SoldCardRefund {
    pub(crate) order: String,
    pub(crate) amount: i64,
    pub(crate) take_back: bool,
    pub(crate) paid: i64,
    /// What the order has refunded with this refund.
    pub(crate) refunded_after: i64,
}

/// Inside the transaction that opens a refund: refuses it when it would
/// give back money already spent from the gift cards the order bought, and
/// (by amount or in full) takes their unspent balance back first, under
/// their rows' lock, with the ledger's liability reversed.
pub(crate) async fn take_back_sold_cards(
    tx: &mut Tx,
    backend: crate::Backend,
    org: OrgId,
    r: &SoldCardRefund,
    now: Timestamp,
) -> Result<()> {
    let lock = if backend == crate::Backend::Postgres { " FOR UPDATE" } else { "" };
    let rows = sqlx::query(dynsql!(
        "SELECT id, initial_minor, balance_minor, currency FROM gift_cards WHERE order_id = $1 ORDER BY order_unit{lock}"
    ))
    .bind(r.order.clone())
    .fetch_all(&mut **tx)
    .await?;
    if rows.is_empty() {
        return Ok(());
    }
    let mut spent = 0;
    for row in &rows {
        spent += row.int("initial_minor")? - row.int("balance_minor")?;
    }
    if r.refunded_after > r.paid - spent {
        let cur = Currency::parse(&rows[0].text("currency")?).map_err(|_| corrupt("currency"))?;
        let most = Money::new((r.paid - spent - (r.refunded_after - r.amount)).max(0), cur).to_string();
        return Err(StoreError::invalid(
            "amount_minor",
            tessera_domain::MessageKey::new("members-error-refund-spent").text("amount", most.as_str()),
            format!("the gift cards this order bought were partly spent: at most {most} can be refunded"),
        ));
    }
    if !r.take_back {
        return Ok(());
    }
    let mut left = r.amount;
    for row in &rows {
        let take = row.int("balance_minor")?.min(left);
        if take <= 0 {
            continue;
        }
        let m = crate::giftcards::CardMove {
            card_id: row.text("id")?,
            kind: "adjust",
            amount: -take,
            order_id: Some(r.order.clone()),
            payment_id: None,
            actor: "system".into(),
            note: "refund of the order that bought it".into(),
            request_key: None,
        };
        if crate::giftcards::apply_move(tx, &m, now).await?.is_none() {
            return Err(StoreError::Conflict {
                field: "amount_minor".into(),
                message: "a gift card of this order changed meanwhile; try again".into(),
            });
        }
        let cur = Currency::parse(&row.text("currency")?).map_err(|_| corrupt("currency"))?;
        let txn = tessera_domain::payments::LedgerTxn {
            kind: "giftcard_void",
            currency: cur,
            entries: vec![
                (tessera_domain::payments::account::org_gift_cards(org), take),
                (tessera_domain::payments::account::org_sales(org), -take),
            ],
        };
        crate::giftcards::post(tx, &txn, org, Some(&r.order), Some("refund of the order that bought it"), now).await?;
        left -= take;
        if left == 0 {
            break;
        }
    }
    Ok(())
}

/// A member rule or product change refused because of what is already sold.
fn in_use() -> StoreError {
    StoreError::Conflict {
        field: "ticket_type_id".into(),
        message: "this ticket type has orders: its product cannot change".into(),
    }
}

impl Store {
    pub async fn member_plans(&self, org: OrgId) -> Result<Vec<MemberPlan>> {
        let rows = sqlx::query(
            "SELECT id, org_id, name, description, validity_days, created_at FROM member_plans WHERE org_id = $1
             ORDER BY name, id",
        )
        .bind(org.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(plan_from).collect()
    }

    pub async fn member_plan(&self, org: OrgId, id: MemberPlanId) -> Result<Option<MemberPlan>> {
        let row = sqlx::query(
            "SELECT id, org_id, name, description, validity_days, created_at FROM member_plans WHERE org_id = $1 AND id = $2",
        )
        .bind(org.to_string())
        .bind(id.to_string())
        .fetch_optional(&self.read)
        .await?;
        row.as_ref().map(plan_from).transpose()
    }

    /// Creates a plan; a name taken in the organization is a conflict on `name`.
    pub async fn create_member_plan(&self, plan: &MemberPlan) -> Result<()> {
        sqlx::query(
            "INSERT INTO member_plans (id, org_id, name, description, validity_days, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(plan.id.to_string())
        .bind(plan.org_id.to_string())
        .bind(plan.name.clone())
        .bind(plan.description.clone())
        .bind(plan.validity_days)
        .bind(micros(plan.created_at))
        .execute(&self.write)
        .await
        .map_err(unique_as("name", "this organization already has a plan of this name"))?;
        Ok(())
    }

    pub async fn update_member_plan(&self, org: OrgId, id: MemberPlanId, p: &NewMemberPlan) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE member_plans SET name = $3, description = $4, validity_days = $5 WHERE org_id = $1 AND id = $2",
        )
        .bind(org.to_string())
        .bind(id.to_string())
        .bind(p.name.trim().to_string())
        .bind(p.description.trim().to_string())
        .bind(p.validity_days)
        .execute(&self.write)
        .await
        .map_err(unique_as("name", "this organization already has a plan of this name"))?;
        Ok(done.rows_affected() == 1)
    }

    /// Stores a card staff issued.
    pub async fn create_member_card(&self, card: &NewCard, now: Timestamp) -> Result<()> {
        let mut tx = self.begin_write().await?;
        insert_card(&mut tx, card, None, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The organization's cards, newest first, optionally only one plan's
    /// or those whose holder, e-mail or code contains `q`.
    pub async fn member_cards(
        &self,
        org: OrgId,
        plan: Option<MemberPlanId>,
        q: Option<&str>,
        limit: i64,
    ) -> Result<Vec<MemberCard>> {
        let mut sql = format!(
            "SELECT {CARD_COLS} FROM member_cards c JOIN member_plans p ON p.id = c.plan_id WHERE c.org_id = $1"
        );
        let mut args = vec![];
        if let Some(p) = plan {
            args.push(p.to_string());
            sql.push_str(&format!(" AND c.plan_id = ${}", args.len() + 1));
        }
        if let Some(q) = q.map(|q| q.trim().to_lowercase().replace(['%', '_'], "")).filter(|q| !q.is_empty()) {
            args.push(format!("%{q}%"));
            let n = args.len() + 1;
            sql.push_str(&format!(
                " AND (LOWER(c.holder_name) LIKE ${n} OR c.email LIKE ${n} OR LOWER(c.code) LIKE ${n})"
            ));
        }
        sql.push_str(&format!(" ORDER BY c.created_at DESC, c.id DESC LIMIT {}", limit.clamp(1, 1000)));
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org.to_string());
        for a in args {
            query = query.bind(a);
        }
        let rows = query.fetch_all(&self.read).await?;
        rows.iter().map(card_from).collect()
    }

    pub async fn member_card(&self, org: OrgId, id: MemberCardId) -> Result<Option<MemberCard>> {
        let row = sqlx::query(dynsql!(
            "SELECT {CARD_COLS} FROM member_cards c JOIN member_plans p ON p.id = c.plan_id WHERE c.org_id = $1 AND c.id = $2"
        ))
        .bind(org.to_string())
        .bind(id.to_string())
        .fetch_optional(&self.read)
        .await?;
        row.as_ref().map(card_from).transpose()
    }

    pub async fn member_card_by_code(&self, org: OrgId, code: &str) -> Result<Option<MemberCard>> {
        let row = sqlx::query(dynsql!(
            "SELECT {CARD_COLS} FROM member_cards c JOIN member_plans p ON p.id = c.plan_id
             WHERE c.org_id = $1 AND c.code = $2"
        ))
        .bind(org.to_string())
        .bind(code.to_string())
        .fetch_optional(&self.read)
        .await?;
        row.as_ref().map(card_from).transpose()
    }

    /// Voids a card; false when there is no such card.
    pub async fn void_member_card(&self, org: OrgId, id: MemberCardId) -> Result<bool> {
        let done = sqlx::query("UPDATE member_cards SET state = 'void' WHERE org_id = $1 AND id = $2")
            .bind(org.to_string())
            .bind(id.to_string())
            .execute(&self.write)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// A person's cards in every organization, newest first: those of the
    /// account, and (when `email` is given: a verified address) those
    /// bought or issued to the address.
    pub async fn cards_of(&self, user: UserId, email: Option<&str>) -> Result<Vec<MemberCard>> {
        let rows = sqlx::query(dynsql!(
            "SELECT {CARD_COLS} FROM member_cards c JOIN member_plans p ON p.id = c.plan_id
             WHERE c.user_id = $1 OR c.email = $2 ORDER BY c.valid_until DESC, c.id DESC LIMIT 200"
        ))
        .bind(user.to_string())
        .bind(email.map(str::to_lowercase).unwrap_or_default())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(card_from).collect()
    }

    /// The plans a person holds an active card of now, in the
    /// organization that runs `event`.
    pub async fn active_plans_for_event(
        &self,
        event: EventId,
        user: UserId,
        email: Option<&str>,
        now: Timestamp,
    ) -> Result<Vec<MemberPlanId>> {
        let rows = sqlx::query(
            "SELECT DISTINCT c.plan_id FROM member_cards c JOIN events e ON e.org_id = c.org_id
             WHERE e.id = $1 AND (c.user_id = $2 OR c.email = $3) AND c.state = 'active'
               AND c.valid_from <= $4 AND c.valid_until > $4",
        )
        .bind(event.to_string())
        .bind(user.to_string())
        .bind(email.map(str::to_lowercase).unwrap_or_default())
        .bind(micros(now))
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(|r| r.parse("plan_id")).collect()
    }

    /// A ticket type's member rule and product.
    pub async fn ticket_type_extras(&self, tt: TicketTypeId) -> Result<(Option<MemberRule>, Option<Product>)> {
        let rule = sqlx::query(
            "SELECT plan_id, members_only, member_price_minor FROM ticket_type_member_rules WHERE ticket_type_id = $1",
        )
        .bind(tt.to_string())
        .fetch_optional(&self.read)
        .await?;
        let product = sqlx::query("SELECT kind, plan_id FROM ticket_type_products WHERE ticket_type_id = $1")
            .bind(tt.to_string())
            .fetch_optional(&self.read)
            .await?;
        Ok((rule.as_ref().map(rule_from).transpose()?, product.as_ref().map(product_from).transpose()?))
    }

    /// The member rules and products of an event's ticket types (the storefront shows them).
    pub async fn event_extras(
        &self,
        event: EventId,
    ) -> Result<(HashMap<TicketTypeId, MemberRule>, HashMap<TicketTypeId, Product>)> {
        let mut tx = self.read.begin().await?;
        let rules = rules_in(&mut tx, event).await?;
        let products = products_in(&mut tx, event).await?;
        tx.commit().await?;
        Ok((rules, products))
    }

    /// Sets (`Some`) or removes a ticket type's member rule.
    pub async fn set_member_rule(&self, event: EventId, tt: TicketTypeId, rule: Option<&MemberRule>) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM ticket_type_member_rules WHERE ticket_type_id = $1")
            .bind(tt.to_string())
            .execute(&mut *tx)
            .await?;
        if let Some(r) = rule {
            sqlx::query(
                "INSERT INTO ticket_type_member_rules (ticket_type_id, event_id, plan_id, members_only, member_price_minor)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(tt.to_string())
            .bind(event.to_string())
            .bind(r.plan_id.map(|p| p.to_string()))
            .bind(i64::from(r.members_only))
            .bind(r.member_price_minor)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Sets (`Some`) or removes what a ticket type sells. Refused (409 on
    /// `ticket_type_id`) once the type has orders: what they bought would change.
    pub async fn set_product(&self, event: EventId, tt: TicketTypeId, product: Option<&Product>) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let sold = sqlx::query("SELECT order_id FROM order_lines WHERE ticket_type_id = $1 LIMIT 1")
            .bind(tt.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        let now = sqlx::query("SELECT kind, plan_id FROM ticket_type_products WHERE ticket_type_id = $1")
            .bind(tt.to_string())
            .fetch_optional(&mut *tx)
            .await?
            .as_ref()
            .map(product_from)
            .transpose()?;
        if now.as_ref() == product {
            return Ok(());
        }
        if sold.is_some() {
            return Err(in_use());
        }
        sqlx::query("DELETE FROM ticket_type_products WHERE ticket_type_id = $1")
            .bind(tt.to_string())
            .execute(&mut *tx)
            .await?;
        if let Some(p) = product {
            sqlx::query(
                "INSERT INTO ticket_type_products (ticket_type_id, event_id, kind, plan_id) VALUES ($1, $2, $3, $4)",
            )
            .bind(tt.to_string())
            .bind(event.to_string())
            .bind(p.kind.as_str())
            .bind(p.plan_id.map(|p| p.to_string()))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// What an order's products issued: its gift cards (codes in full, for
    /// the buyer's e-mail and order page) and member cards.
    pub async fn order_products(
        &self,
        order: &str,
    ) -> Result<(Vec<tessera_domain::giftcards::GiftCard>, Vec<MemberCard>)> {
        let rows = sqlx::query(
            "SELECT id, org_id, code, currency, initial_minor, balance_minor, expires_at, state, note, created_by, created_at
             FROM gift_cards WHERE order_id = $1 ORDER BY order_unit",
        )
        .bind(order.to_string())
        .fetch_all(&self.read)
        .await?;
        let gift = rows.iter().map(crate::giftcards::card_from).collect::<Result<Vec<_>>>()?;
        let rows = sqlx::query(dynsql!(
            "SELECT {CARD_COLS} FROM member_cards c JOIN member_plans p ON p.id = c.plan_id WHERE c.order_id = $1
             ORDER BY c.unit"
        ))
        .bind(order.to_string())
        .fetch_all(&self.read)
        .await?;
        Ok((gift, rows.iter().map(card_from).collect::<Result<Vec<_>>>()?))
    }

    /// Per plan: cards active now, and all cards ever issued.
    pub async fn member_counts(&self, org: OrgId, now: Timestamp) -> Result<HashMap<MemberPlanId, (i64, i64)>> {
        let rows = sqlx::query(
            "SELECT plan_id,
               CAST(SUM(CASE WHEN state = 'active' AND valid_from <= $2 AND valid_until > $2 THEN 1 ELSE 0 END) AS BIGINT) AS active,
               CAST(COUNT(*) AS BIGINT) AS total
             FROM member_cards WHERE org_id = $1 GROUP BY plan_id",
        )
        .bind(org.to_string())
        .bind(micros(now))
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(|r| Ok((r.parse("plan_id")?, (r.int("active")?, r.int("total")?)))).collect()
    }
}
