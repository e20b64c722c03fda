//! Promo codes: their records, and the part of an inventory batch that
//! counts their uses.
//!
//! A batch loads the codes its reservations name after it took the event's
//! lock; on PostgreSQL it also locks those code rows (`FOR UPDATE`, in id
//! order), because an organization-wide code is shared by the batches of
//! several events. The domain then decides each reservation against the
//! loaded counts, and the batch writes the uses with its other writes, so
//! a use is taken in the same transaction as the hold it belongs to.

use crate::inventory::{Arg, Tx, fetch_in, text};
use crate::row::{RowExt, micros, opt_micros};
use crate::{Backend, Result, Store, StoreError, unique_as};
use std::collections::{BTreeMap, HashMap};
use tessera_domain::inventory::PromoState;
use tessera_domain::pricing::{Channel, DiscountKind, OrderDiscount, PromoCode};
use tessera_domain::{Currency, EventId, Money, OrgId, PromoCodeId, TicketTypeId};

const PROMO_COLS: &str = "id, org_id, event_id, code, description, kind, value, currency, ticket_type_ids, \
    min_quantity, valid_from, valid_until, max_uses, max_uses_per_customer, unlocks_hidden, batch, uses, created_at, channel";

fn promo_from(r: &sqlx::any::AnyRow) -> Result<PromoCode> {
    let kind = r.text("kind")?;
    Ok(PromoCode {
        id: r.parse("id")?,
        org_id: r.parse("org_id")?,
        event_id: r.opt_text("event_id")?.map(|e| e.parse()).transpose().map_err(|_| corrupt("event_id"))?,
        code: r.text("code")?,
        description: r.text("description")?,
        kind: DiscountKind::parse(&kind).ok_or_else(|| corrupt("kind"))?,
        value: r.int("value")?,
        currency: r.opt_text("currency")?.map(|c| Currency::parse(&c)).transpose().map_err(|_| corrupt("currency"))?,
        ticket_type_ids: r
            .text("ticket_type_ids")?
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse::<TicketTypeId>().map_err(|_| corrupt("ticket_type_ids")))
            .collect::<Result<_>>()?,
        min_quantity: r.int("min_quantity")?,
        valid_from: r.opt_ts("valid_from")?,
        valid_until: r.opt_ts("valid_until")?,
        max_uses: r.opt_int("max_uses")?,
        max_uses_per_customer: r.opt_int("max_uses_per_customer")?,
        unlocks_hidden: r.flag("unlocks_hidden")?,
        batch: r.opt_text("batch")?,
        uses: r.int("uses")?,
        created_at: r.ts("created_at")?,
        channel: Channel::parse(&r.text("channel")?).ok_or_else(|| corrupt("channel"))?,
    })
}

fn corrupt(col: &str) -> StoreError {
    StoreError::Corrupt(format!("promo_codes.{col}"))
}

fn promo_args(p: &PromoCode) -> Vec<Arg> {
    vec![
        text(p.id),
        text(p.org_id),
        Arg::OptText(p.event_id.map(|e| e.to_string())),
        text(&p.code),
        text(&p.description),
        text(p.kind.as_str()),
        Arg::Int(p.value),
        Arg::OptText(p.currency.map(|c| c.to_string())),
        text(p.ticket_type_ids.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")),
        Arg::Int(p.min_quantity),
        Arg::OptInt(opt_micros(p.valid_from)),
        Arg::OptInt(opt_micros(p.valid_until)),
        Arg::OptInt(p.max_uses),
        Arg::OptInt(p.max_uses_per_customer),
        Arg::Int(i64::from(p.unlocks_hidden)),
        Arg::OptText(p.batch.clone()),
        Arg::Int(p.uses),
        Arg::Int(micros(p.created_at)),
        text(p.channel.as_str()),
    ]
}

/// One order that used a code, for the usage report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct PromoUse {
    pub order_id: tessera_domain::orders::OrderId,
    pub reference: String,
    pub buyer_email: String,
    /// The order's state (`pending`, `paid`, `expired`, ...).
    pub order_state: String,
    /// `active` (counts against the limits) or `released`.
    pub use_state: String,
    pub discount: Money,
    #[schema(value_type = String, format = DateTime)]
    pub at: tessera_domain::Timestamp,
}

impl Store {
    /// Stores new codes (one, or a generated batch) in one transaction.
    /// Event codes are checked against the event and its ticket types; a
    /// code taken in the organization is a conflict on `code`.
    pub async fn create_promo_codes(&self, codes: &[PromoCode]) -> Result<()> {
        let Some(first) = codes.first() else { return Ok(()) };
        let mut tx = self.write.begin().await?;
        if let Some(event) = first.event_id {
            crate::catalog::require_event(&mut tx, first.org_id, event).await?;
            crate::catalog::check_ids_in_event(
                &mut tx,
                "ticket_types",
                event,
                &first.ticket_type_ids,
                "ticket_type_ids",
            )
            .await?;
        }
        let cols: Vec<&str> = PROMO_COLS.split(", ").map(str::trim).collect();
        // Row by row in chunks: 19 columns per row stays under every bind limit.
        for chunk in codes.chunks(500) {
            let rows: Vec<Vec<Arg>> = chunk.iter().map(promo_args).collect();
            crate::inventory::insert_rows_then(&mut tx, "promo_codes", &cols, rows, "").await.map_err(|e| match e {
                StoreError::Database(d) => unique_as("code", "this organization already has this code")(d),
                other => other,
            })?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The organization's codes: of one event (with the organization-wide
    /// ones when `with_org_wide`), or all; optionally of one batch.
    pub async fn promo_codes(
        &self,
        org: OrgId,
        event: Option<EventId>,
        with_org_wide: bool,
        batch: Option<&str>,
    ) -> Result<Vec<PromoCode>> {
        let mut sql = format!("SELECT {PROMO_COLS} FROM promo_codes WHERE org_id = $1");
        let mut args = vec![text(org)];
        if let Some(e) = event {
            args.push(text(e));
            sql.push_str(if with_org_wide { " AND (event_id = $2 OR event_id IS NULL)" } else { " AND event_id = $2" });
        }
        if let Some(b) = batch {
            args.push(text(b));
            sql.push_str(&format!(" AND batch = ${}", args.len()));
        }
        sql.push_str(" ORDER BY created_at, code");
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for a in args {
            q = a.bind(q);
        }
        q.fetch_all(&self.read).await?.iter().map(promo_from).collect()
    }

    pub async fn promo_code(&self, org: OrgId, id: PromoCodeId) -> Result<Option<PromoCode>> {
        let row = sqlx::query(dynsql!("SELECT {PROMO_COLS} FROM promo_codes WHERE id = $1 AND org_id = $2"))
            .bind(id.to_string())
            .bind(org.to_string())
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(promo_from).transpose()
    }

    /// Replaces a code's settings (not its uses). A `max_uses` below the
    /// uses held at that moment is refused in the same statement.
    pub async fn replace_promo_code(&self, p: &PromoCode) -> Result<()> {
        let mut tx = self.write.begin().await?;
        if let Some(event) = p.event_id {
            crate::catalog::check_ids_in_event(&mut tx, "ticket_types", event, &p.ticket_type_ids, "ticket_type_ids")
                .await?;
        }
        let done = sqlx::query(
            "UPDATE promo_codes SET code = $3, description = $4, kind = $5, value = $6, currency = $7,
                ticket_type_ids = $8, min_quantity = $9, valid_from = $10, valid_until = $11, max_uses = $12,
                max_uses_per_customer = $13, unlocks_hidden = $14, channel = $15
             WHERE id = $1 AND org_id = $2 AND ($12 IS NULL OR uses <= $12)",
        )
        .bind(p.id.to_string())
        .bind(p.org_id.to_string())
        .bind(p.code.clone())
        .bind(p.description.clone())
        .bind(p.kind.as_str())
        .bind(p.value)
        .bind(p.currency.map(|c| c.to_string()))
        .bind(p.ticket_type_ids.iter().map(ToString::to_string).collect::<Vec<_>>().join(","))
        .bind(p.min_quantity)
        .bind(opt_micros(p.valid_from))
        .bind(opt_micros(p.valid_until))
        .bind(p.max_uses)
        .bind(p.max_uses_per_customer)
        .bind(i64::from(p.unlocks_hidden))
        .bind(p.channel.as_str())
        .execute(&mut *tx)
        .await
        .map_err(unique_as("code", "this organization already has this code"))?;
        if done.rows_affected() == 0 {
            let found: Option<(i64,)> = sqlx::query_as("SELECT uses FROM promo_codes WHERE id = $1 AND org_id = $2")
                .bind(p.id.to_string())
                .bind(p.org_id.to_string())
                .fetch_optional(&mut *tx)
                .await?;
            return Err(match found {
                None => StoreError::NotFound,
                Some((uses,)) => StoreError::Conflict {
                    field: "max_uses".into(),
                    message: format!("{uses} orders hold this code already; max_uses cannot be lower"),
                },
            });
        }
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a code. Orders that used it keep their discount line (it
    /// names the code as text); its use records go with it.
    pub async fn delete_promo_code(&self, org: OrgId, id: PromoCodeId) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let done = sqlx::query("DELETE FROM promo_codes WHERE id = $1 AND org_id = $2")
            .bind(id.to_string())
            .bind(org.to_string())
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM promo_uses WHERE code_id = $1").bind(id.to_string()).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The orders that used a code, newest first.
    pub async fn promo_uses(&self, org: OrgId, id: PromoCodeId) -> Result<Vec<PromoUse>> {
        let rows = sqlx::query(
            "SELECT u.order_id, u.state AS use_state, u.created_at, o.reference, o.buyer_email, o.state, o.currency,
                    o.discount_minor
             FROM promo_uses u JOIN orders o ON o.id = u.order_id
             WHERE u.code_id = $1 AND o.org_id = $2 ORDER BY u.created_at DESC, u.order_id",
        )
        .bind(id.to_string())
        .bind(org.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                let cur = Currency::parse(&r.text("currency")?).map_err(|_| corrupt("currency"))?;
                Ok(PromoUse {
                    order_id: r.parse("order_id")?,
                    reference: r.text("reference")?,
                    buyer_email: r.text("buyer_email")?,
                    order_state: r.text("state")?,
                    use_state: r.text("use_state")?,
                    discount: Money::new(r.int("discount_minor")?, cur),
                    at: r.ts("created_at")?,
                })
            })
            .collect()
    }

    /// The discount lines of orders, by order id.
    pub(crate) async fn discounts_of(
        &self,
        ids: &[String],
        currency_of: &HashMap<String, Currency>,
    ) -> Result<HashMap<String, Vec<OrderDiscount>>> {
        let mut out: HashMap<String, Vec<OrderDiscount>> = HashMap::new();
        for chunk in crate::inventory::in_chunks(ids) {
            let rows = crate::inventory::in_query(
                "SELECT order_id, code, description, amount_minor FROM order_discounts WHERE order_id IN ({in}) ORDER BY order_id, position",
                &[],
                chunk,
            )
            .fetch_all(&self.read)
            .await?;
            for r in &rows {
                let id = r.text("order_id")?;
                let Some(cur) = currency_of.get(&id) else { continue };
                out.entry(id).or_default().push(OrderDiscount {
                    code: r.text("code")?,
                    description: r.text("description")?,
                    amount: Money::new(r.int("amount_minor")?, *cur),
                });
            }
        }
        Ok(out)
    }
}

/// The codes `codes` of the organization with their uses, and the uses of
/// `buyers`, inside a batch (locked on PostgreSQL, in id order).
pub(crate) async fn load_promos(
    tx: &mut Tx,
    backend: Backend,
    org: OrgId,
    codes: &[String],
    buyers: &[String],
) -> Result<HashMap<String, PromoState>> {
    let mut out = HashMap::new();
    if codes.is_empty() {
        return Ok(out);
    }
    let lock = if backend == Backend::Postgres { " FOR UPDATE" } else { "" };
    let rows = fetch_in(
        tx,
        &format!("SELECT {PROMO_COLS} FROM promo_codes WHERE org_id = $1 AND code IN ({{in}}) ORDER BY id{lock}"),
        &[text(org)],
        codes,
    )
    .await?;
    let mut ids = Vec::new();
    for r in &rows {
        let promo = promo_from(r)?;
        ids.push(promo.id.to_string());
        out.insert(promo.code.clone(), PromoState { promo, by_customer: HashMap::new() });
    }
    if ids.is_empty() || buyers.is_empty() {
        return Ok(out);
    }
    let by_id: HashMap<String, String> = out.values().map(|s| (s.promo.id.to_string(), s.promo.code.clone())).collect();
    let rows = fetch_in(
        tx,
        "SELECT code_id, buyer_key, COUNT(*) AS n FROM promo_uses WHERE state = 'active' AND buyer_key IN ({in}) GROUP BY code_id, buyer_key",
        &[],
        buyers,
    )
    .await?;
    for r in &rows {
        if let Some(st) = by_id.get(&r.text("code_id")?).and_then(|c| out.get_mut(c)) {
            st.by_customer.insert(r.text("buyer_key")?, r.int("n")?);
        }
    }
    Ok(out)
}

/// Gives back the uses of these orders (expired, cancelled, refunded).
pub(crate) async fn release_uses(tx: &mut Tx, orders: &[String]) -> Result<()> {
    move_uses(tx, orders, "active", "released", -1).await
}

/// Takes the uses of these orders again (an expired order revived by a
/// late payment: the money is in, so no limit is checked).
pub(crate) async fn retake_uses(tx: &mut Tx, orders: &[String]) -> Result<()> {
    move_uses(tx, orders, "released", "active", 1).await
}

async fn move_uses(tx: &mut Tx, orders: &[String], from: &str, to: &str, sign: i64) -> Result<()> {
    if orders.is_empty() {
        return Ok(());
    }
    let rows = fetch_in(
        tx,
        "UPDATE promo_uses SET state = $1 WHERE state = $2 AND order_id IN ({in}) RETURNING code_id",
        &[text(to), text(from)],
        orders,
    )
    .await?;
    let mut per_code: BTreeMap<String, i64> = BTreeMap::new();
    for r in &rows {
        *per_code.entry(r.text("code_id")?).or_default() += 1;
    }
    for (code, n) in per_code {
        sqlx::query("UPDATE promo_codes SET uses = uses + $2 WHERE id = $1")
            .bind(code)
            .bind(sign * n)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// One coupon taken at a counter.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct CounterCouponUse {
    pub id: String,
    pub code_id: PromoCodeId,
    /// The code as typed at the counter (upper case).
    pub code: String,
    /// The code's description when it was taken.
    pub description: String,
    /// What the purchase cost before the coupon.
    pub purchase: Money,
    /// What the coupon took off (never more than the purchase).
    pub discount: Money,
    /// What the customer pays at the counter.
    pub to_pay: Money,
    /// Who took it (the staff member's name or e-mail).
    pub actor: String,
    pub note: String,
    #[schema(value_type = String, format = DateTime)]
    pub at: tessera_domain::Timestamp,
}

const COUNTER_COLS: &str = "id, code_id, code, description, purchase_minor, discount_minor, currency, actor, note, at";

fn counter_use_from(r: &sqlx::any::AnyRow) -> Result<CounterCouponUse> {
    let cur = Currency::parse(&r.text("currency")?).map_err(|_| corrupt("currency"))?;
    let (purchase, discount) = (r.int("purchase_minor")?, r.int("discount_minor")?);
    Ok(CounterCouponUse {
        id: r.text("id")?,
        code_id: r.parse("code_id")?,
        code: r.text("code")?,
        description: r.text("description")?,
        purchase: Money::new(purchase, cur),
        discount: Money::new(discount, cur),
        to_pay: Money::new(purchase - discount, cur),
        actor: r.text("actor")?,
        note: r.text("note")?,
        at: r.ts("at")?,
    })
}

impl Store {
    /// Takes a coupon at a counter: decided under the code's row lock (and
    /// SQLite's single writer), so `max_uses` holds against other counters
    /// and against checkouts. Refused with nothing written when the code
    /// cannot be taken; a repeat of `request_key` answers the first
    /// redemption again and takes no second use.
    #[allow(clippy::too_many_arguments)]
    pub async fn redeem_coupon_at_counter(
        &self,
        org: OrgId,
        code: &str,
        purchase: Money,
        actor: &str,
        note: &str,
        request_key: Option<&str>,
        now: tessera_domain::Timestamp,
    ) -> Result<std::result::Result<(PromoCode, CounterCouponUse), tessera_domain::pricing::PromoRefusal>> {
        use tessera_domain::pricing::PromoRefusal;
        let mut tx = self.begin_write().await?;
        let lock = if self.backend == Backend::Postgres { " FOR UPDATE" } else { "" };
        let row = sqlx::query(dynsql!("SELECT {PROMO_COLS} FROM promo_codes WHERE org_id = $1 AND code = $2{lock}"))
            .bind(org.to_string())
            .bind(code.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        let Some(promo) = row.as_ref().map(promo_from).transpose()? else {
            return Ok(Err(PromoRefusal::Unknown));
        };
        let key = request_key.map(|k| format!("counter:{org}:{k}"));
        if let Some(k) = &key {
            let found = sqlx::query(dynsql!(
                "SELECT {COUNTER_COLS} FROM promo_counter_redemptions WHERE request_key = $1 AND code_id = $2"
            ))
            .bind(k.clone())
            .bind(promo.id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(r) = found {
                let u = counter_use_from(&r)?;
                tx.commit().await?;
                return Ok(Ok((promo, u)));
            }
        }
        let discount = match promo.counter_discount(purchase, now) {
            Ok(d) => d,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let taken = sqlx::query(
            "UPDATE promo_codes SET uses = uses + 1 WHERE id = $1 AND (max_uses IS NULL OR uses < max_uses)",
        )
        .bind(promo.id.to_string())
        .execute(&mut *tx)
        .await?;
        if taken.rows_affected() == 0 {
            return Ok(Err(PromoRefusal::Exhausted));
        }
        let u = CounterCouponUse {
            id: uuid::Uuid::now_v7().to_string(),
            code_id: promo.id,
            code: promo.code.clone(),
            description: promo.description.clone(),
            purchase,
            discount: Money::new(discount, purchase.currency),
            to_pay: Money::new(purchase.amount_minor - discount, purchase.currency),
            actor: actor.to_string(),
            note: note.to_string(),
            at: now,
        };
        sqlx::query(dynsql!(
            "INSERT INTO promo_counter_redemptions ({COUNTER_COLS}, org_id, request_key)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        ))
        .bind(u.id.clone())
        .bind(u.code_id.to_string())
        .bind(u.code.clone())
        .bind(u.description.clone())
        .bind(u.purchase.amount_minor)
        .bind(u.discount.amount_minor)
        .bind(purchase.currency.to_string())
        .bind(u.actor.clone())
        .bind(u.note.clone())
        .bind(micros(now))
        .bind(org.to_string())
        .bind(key)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        let promo = PromoCode { uses: promo.uses + 1, ..promo };
        Ok(Ok((promo, u)))
    }

    /// A code found by its text, for a counter to show before it is taken.
    pub async fn promo_code_by_code(&self, org: OrgId, code: &str) -> Result<Option<PromoCode>> {
        let row = sqlx::query(dynsql!("SELECT {PROMO_COLS} FROM promo_codes WHERE org_id = $1 AND code = $2"))
            .bind(org.to_string())
            .bind(code.to_string())
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(promo_from).transpose()
    }

    /// A code's counter redemptions, newest first.
    pub async fn counter_coupon_uses(&self, org: OrgId, id: PromoCodeId) -> Result<Vec<CounterCouponUse>> {
        let rows = sqlx::query(dynsql!(
            "SELECT {COUNTER_COLS} FROM promo_counter_redemptions WHERE code_id = $1 AND org_id = $2
             ORDER BY at DESC, id DESC"
        ))
        .bind(id.to_string())
        .bind(org.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(counter_use_from).collect()
    }
}
