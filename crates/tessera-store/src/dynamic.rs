//! Dynamic pricing: settings per ticket type, the figures its rules look
//! at, and price changes applied with a compare-and-set on the price (so
//! that two processes sweeping at once record one change) in the same
//! transaction as their record.

use crate::row::{RowExt, micros};
use crate::{Result, Store, StoreError};
use tessera_domain::dynamic::{DynamicSettings, Market, PriceChange, Reason, Rule};
use tessera_domain::{Currency, EventId, Money, OrgId, TicketTypeId, Timestamp};

const COLS: &str = "ticket_type_id, org_id, event_id, floor_minor, ceiling_minor, rule, target_per_hour, step_bp, \
    window_hours, falling, rounding_minor, last_change_at";

fn corrupt(col: &str) -> StoreError {
    StoreError::Corrupt(format!("dynamic_pricing.{col}"))
}

fn settings_from(r: &sqlx::any::AnyRow) -> Result<DynamicSettings> {
    Ok(DynamicSettings {
        floor_minor: r.int("floor_minor")?,
        ceiling_minor: r.int("ceiling_minor")?,
        rule: Rule::parse(&r.text("rule")?).ok_or_else(|| corrupt("rule"))?,
        target_per_hour: r.opt_int("target_per_hour")?,
        step_bp: r.opt_int("step_bp")?,
        window_hours: r.opt_int("window_hours")?,
        falling: r.flag("falling")?,
        rounding_minor: r.int("rounding_minor")?,
    })
}

/// A ticket type under dynamic pricing, as the sweeper sees it.
#[derive(Debug, Clone)]
pub struct Dynamic {
    pub ticket_type_id: TicketTypeId,
    pub org_id: OrgId,
    pub event_id: EventId,
    pub settings: DynamicSettings,
    pub last_change: Option<Timestamp>,
}

impl Store {
    pub async fn dynamic_pricing(&self, org: OrgId, tt: TicketTypeId) -> Result<Option<DynamicSettings>> {
        let row = sqlx::query(dynsql!("SELECT {COLS} FROM dynamic_pricing WHERE ticket_type_id = $1 AND org_id = $2"))
            .bind(tt.to_string())
            .bind(org.to_string())
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(settings_from).transpose()
    }

    /// Sets a ticket type's dynamic pricing; with `clamp` (old, new price),
    /// also moves its price into the new bounds and records why, in the
    /// same transaction.
    pub async fn set_dynamic_pricing(
        &self,
        org: OrgId,
        event: EventId,
        tt: TicketTypeId,
        s: &DynamicSettings,
        clamp: Option<(i64, i64)>,
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.write.begin().await?;
        sqlx::query("DELETE FROM dynamic_pricing WHERE ticket_type_id = $1")
            .bind(tt.to_string())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO dynamic_pricing (ticket_type_id, org_id, event_id, floor_minor, ceiling_minor, rule, target_per_hour,
                step_bp, window_hours, falling, rounding_minor, last_change_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL)",
        )
        .bind(tt.to_string())
        .bind(org.to_string())
        .bind(event.to_string())
        .bind(s.floor_minor)
        .bind(s.ceiling_minor)
        .bind(s.rule.as_str())
        .bind(s.target_per_hour)
        .bind(s.step_bp)
        .bind(s.window_hours)
        .bind(i64::from(s.falling))
        .bind(s.rounding_minor)
        .execute(&mut *tx)
        .await?;
        if let Some((from, to)) = clamp {
            let done = sqlx::query("UPDATE ticket_types SET price_minor = $2 WHERE id = $1 AND price_minor = $3")
                .bind(tt.to_string())
                .bind(to)
                .bind(from)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 1 {
                record(&mut tx, org, tt, now, from, to, Reason::Bounds, from).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Turns dynamic pricing off; the price stays where it is.
    pub async fn delete_dynamic_pricing(&self, org: OrgId, tt: TicketTypeId) -> Result<()> {
        let done = sqlx::query("DELETE FROM dynamic_pricing WHERE ticket_type_id = $1 AND org_id = $2")
            .bind(tt.to_string())
            .bind(org.to_string())
            .execute(&self.write)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// A ticket type's price changes, newest first.
    pub async fn price_changes(&self, org: OrgId, tt: TicketTypeId, limit: i64) -> Result<Vec<PriceChange>> {
        let rows = sqlx::query(
            "SELECT c.ticket_type_id, c.org_id, c.at, c.from_minor, c.to_minor, c.reason, c.figure, t.currency
             FROM price_changes c JOIN ticket_types t ON t.id = c.ticket_type_id
             WHERE c.ticket_type_id = $1 AND c.org_id = $2 ORDER BY c.at DESC, c.id DESC LIMIT $3",
        )
        .bind(tt.to_string())
        .bind(org.to_string())
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                let cur = Currency::parse(&r.text("currency")?).map_err(|_| corrupt("currency"))?;
                Ok(PriceChange {
                    ticket_type_id: r.parse("ticket_type_id")?,
                    org_id: r.parse("org_id")?,
                    at: r.ts("at")?,
                    from: Money::new(r.int("from_minor")?, cur),
                    to: Money::new(r.int("to_minor")?, cur),
                    reason: Reason::parse(&r.text("reason")?).ok_or_else(|| corrupt("reason"))?,
                    figure: r.int("figure")?,
                })
            })
            .collect()
    }

    /// Ticket types under dynamic pricing whose published event has not
    /// started yet.
    pub async fn dynamic_candidates(&self, now: Timestamp) -> Result<Vec<Dynamic>> {
        let rows = sqlx::query(dynsql!(
            "SELECT {} FROM dynamic_pricing d JOIN events e ON e.id = d.event_id
             WHERE e.status = 'published' AND e.starts_at > $1",
            COLS.split(", ").map(|c| format!("d.{c}")).collect::<Vec<_>>().join(", ")
        ))
        .bind(micros(now))
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Dynamic {
                    ticket_type_id: r.parse("ticket_type_id")?,
                    org_id: r.parse("org_id")?,
                    event_id: r.parse("event_id")?,
                    settings: settings_from(r)?,
                    last_change: r.opt_ts("last_change_at")?,
                })
            })
            .collect()
    }

    /// What the rules of one ticket type look at, now.
    pub async fn market(&self, d: &Dynamic, now: Timestamp) -> Result<Option<Market>> {
        let tt = d.ticket_type_id.to_string();
        let row = sqlx::query(
            "SELECT t.price_minor, e.starts_at FROM ticket_types t JOIN events e ON e.id = t.event_id WHERE t.id = $1",
        )
        .bind(tt.clone())
        .fetch_optional(&self.read)
        .await?;
        let Some(row) = row else { return Ok(None) };
        // The tightest of its quotas: the one with the largest share taken.
        let quotas = sqlx::query(
            "SELECT q.capacity, q.sold, q.held FROM quotas q JOIN ticket_type_quotas l ON l.quota_id = q.id
             WHERE l.ticket_type_id = $1",
        )
        .bind(tt.clone())
        .fetch_all(&self.read)
        .await?;
        let mut taken = 0;
        let mut capacity = 0;
        for q in &quotas {
            let (cap, used) = (q.int("capacity")?, q.int("sold")? + q.int("held")?);
            if capacity == 0
                || i128::from(used) * i128::from(capacity.max(1)) > i128::from(taken) * i128::from(cap.max(1))
            {
                (taken, capacity) = (used, cap);
            }
        }
        let hour_ago = now.checked_sub(jiff::SignedDuration::from_hours(1)).unwrap_or(now);
        let (last_hour,): (Option<i64>,) = sqlx::query_as(
            "SELECT CAST(SUM(l.quantity) AS BIGINT) FROM orders o JOIN order_lines l ON l.order_id = o.id
             WHERE o.event_id = $1 AND o.state IN ('pending', 'paid') AND o.created_at >= $2 AND l.ticket_type_id = $3",
        )
        .bind(d.event_id.to_string())
        .bind(micros(hour_ago))
        .bind(tt)
        .fetch_one(&self.read)
        .await?;
        Ok(Some(Market {
            price: row.int("price_minor")?,
            taken,
            capacity,
            last_hour: last_hour.unwrap_or(0),
            now,
            starts_at: row.ts("starts_at")?,
            last_change: d.last_change,
        }))
    }

    /// Moves a price from `from` to `to` unless it changed meanwhile, and
    /// records why. Returns whether it moved.
    pub async fn apply_price_change(
        &self,
        d: &Dynamic,
        from: i64,
        to: i64,
        reason: Reason,
        figure: i64,
        now: Timestamp,
    ) -> Result<bool> {
        let mut tx = self.write.begin().await?;
        let done = sqlx::query("UPDATE ticket_types SET price_minor = $2 WHERE id = $1 AND price_minor = $3")
            .bind(d.ticket_type_id.to_string())
            .bind(to)
            .bind(from)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        record(&mut tx, d.org_id, d.ticket_type_id, now, from, to, reason, figure).await?;
        sqlx::query("UPDATE dynamic_pricing SET last_change_at = $2 WHERE ticket_type_id = $1")
            .bind(d.ticket_type_id.to_string())
            .bind(micros(now))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }
}

#[allow(clippy::too_many_arguments, reason = "one row's columns")]
async fn record(
    tx: &mut crate::inventory::Tx,
    org: OrgId,
    tt: TicketTypeId,
    at: Timestamp,
    from: i64,
    to: i64,
    reason: Reason,
    figure: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO price_changes (id, org_id, ticket_type_id, at, from_minor, to_minor, reason, figure)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(org.to_string())
    .bind(tt.to_string())
    .bind(micros(at))
    .bind(from)
    .bind(to)
    .bind(reason.as_str())
    .bind(figure)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
