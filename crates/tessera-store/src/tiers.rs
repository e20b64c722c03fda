//! Price tiers of ticket types. The inventory batch loads an event's tiers
//! with its other counters (under the event's lock) and moves their `held`
//! and `sold` counters with its writes; here are the organizer's reads and
//! edits.

use crate::inventory::Tx;
use crate::row::{RowExt, micros, opt_micros};
use crate::{Result, Store, StoreError};
use std::collections::HashMap;
use tessera_domain::tiers::{MAX_TIERS, PriceTier};
use tessera_domain::{Currency, EventId, MessageKey, Money, OrgId, PriceTierId, TicketTypeId};

const COLS: &str = "p.id, p.org_id, p.ticket_type_id, p.position, p.name, p.price_minor, p.until_at, p.quantity, \
    p.held, p.sold, p.created_at, t.currency";

fn tier_from(r: &sqlx::any::AnyRow) -> Result<PriceTier> {
    let currency =
        Currency::parse(&r.text("currency")?).map_err(|_| StoreError::Corrupt("price_tiers currency".into()))?;
    Ok(PriceTier {
        id: r.parse("id")?,
        org_id: r.parse("org_id")?,
        ticket_type_id: r.parse("ticket_type_id")?,
        position: r.int("position")?,
        name: r.text("name")?,
        price: Money::new(r.int("price_minor")?, currency),
        until: r.opt_ts("until_at")?,
        quantity: r.opt_int("quantity")?,
        held: r.int("held")?,
        sold: r.int("sold")?,
        created_at: r.ts("created_at")?,
    })
}

fn by_type(rows: &[sqlx::any::AnyRow]) -> Result<HashMap<TicketTypeId, Vec<PriceTier>>> {
    let mut out: HashMap<TicketTypeId, Vec<PriceTier>> = HashMap::new();
    for r in rows {
        let t = tier_from(r)?;
        out.entry(t.ticket_type_id).or_default().push(t);
    }
    for tiers in out.values_mut() {
        tessera_domain::tiers::sort(tiers);
    }
    Ok(out)
}

/// An event's tiers by ticket type, sorted, inside a batch's transaction.
pub(crate) async fn load_for_event(tx: &mut Tx, event: EventId) -> Result<HashMap<TicketTypeId, Vec<PriceTier>>> {
    let rows = sqlx::query(dynsql!(
        "SELECT {COLS} FROM price_tiers p JOIN ticket_types t ON t.id = p.ticket_type_id WHERE p.event_id = $1"
    ))
    .bind(event.to_string())
    .fetch_all(&mut **tx)
    .await?;
    by_type(&rows)
}

/// The tiers of several events by ticket type, sorted (one `IN` chunk).
pub(crate) async fn of_events(
    read: &sqlx::AnyPool,
    events: Vec<String>,
) -> Result<HashMap<TicketTypeId, Vec<PriceTier>>> {
    let sql = format!(
        "SELECT {COLS} FROM price_tiers p JOIN ticket_types t ON t.id = p.ticket_type_id WHERE p.event_id IN ({{in}})"
    );
    let rows = crate::inventory::in_query(&sql, &[], events).fetch_all(read).await?;
    by_type(&rows)
}

impl Store {
    /// An event's tiers by ticket type, sorted as they are tried.
    pub async fn event_price_tiers(&self, event: EventId) -> Result<HashMap<TicketTypeId, Vec<PriceTier>>> {
        let rows = sqlx::query(dynsql!(
            "SELECT {COLS} FROM price_tiers p JOIN ticket_types t ON t.id = p.ticket_type_id WHERE p.event_id = $1"
        ))
        .bind(event.to_string())
        .fetch_all(&self.read)
        .await?;
        by_type(&rows)
    }

    /// A ticket type's tiers, sorted.
    pub async fn price_tiers(&self, org: OrgId, ticket_type: TicketTypeId) -> Result<Vec<PriceTier>> {
        let rows = sqlx::query(dynsql!(
            "SELECT {COLS} FROM price_tiers p JOIN ticket_types t ON t.id = p.ticket_type_id
             WHERE p.ticket_type_id = $1 AND p.org_id = $2"
        ))
        .bind(ticket_type.to_string())
        .bind(org.to_string())
        .fetch_all(&self.read)
        .await?;
        Ok(by_type(&rows)?.remove(&ticket_type).unwrap_or_default())
    }

    pub async fn price_tier(&self, org: OrgId, id: PriceTierId) -> Result<Option<PriceTier>> {
        let row = sqlx::query(dynsql!(
            "SELECT {COLS} FROM price_tiers p JOIN ticket_types t ON t.id = p.ticket_type_id
             WHERE p.id = $1 AND p.org_id = $2"
        ))
        .bind(id.to_string())
        .bind(org.to_string())
        .fetch_optional(&self.read)
        .await?;
        row.as_ref().map(tier_from).transpose()
    }

    /// Adds a tier to its ticket type (of `event`); at most [`MAX_TIERS`].
    pub async fn create_price_tier(&self, event: EventId, t: &PriceTier) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM price_tiers WHERE ticket_type_id = $1")
            .bind(t.ticket_type_id.to_string())
            .fetch_one(&mut *tx)
            .await?;
        if n >= MAX_TIERS as i64 {
            return Err(StoreError::invalid(
                "ticket_type_id",
                MessageKey::new("errors-tier-count").num("max", MAX_TIERS as i64),
                format!("a ticket type has at most {MAX_TIERS} price tiers"),
            ));
        }
        sqlx::query(
            "INSERT INTO price_tiers (id, org_id, event_id, ticket_type_id, position, name, price_minor, until_at,
                quantity, held, sold, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, 0, $10)",
        )
        .bind(t.id.to_string())
        .bind(t.org_id.to_string())
        .bind(event.to_string())
        .bind(t.ticket_type_id.to_string())
        .bind(t.position)
        .bind(t.name.clone())
        .bind(t.price.amount_minor)
        .bind(opt_micros(t.until))
        .bind(t.quantity)
        .bind(micros(t.created_at))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Replaces a tier's settings; its counters stay. A quantity below what
    /// is already held or sold simply ends the tier.
    pub async fn replace_price_tier(&self, t: &PriceTier) -> Result<()> {
        let done = sqlx::query(
            "UPDATE price_tiers SET position = $3, name = $4, price_minor = $5, until_at = $6, quantity = $7
             WHERE id = $1 AND org_id = $2",
        )
        .bind(t.id.to_string())
        .bind(t.org_id.to_string())
        .bind(t.position)
        .bind(t.name.clone())
        .bind(t.price.amount_minor)
        .bind(opt_micros(t.until))
        .bind(t.quantity)
        .execute(&self.write)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Deletes a tier nobody holds or bought a ticket at; one with tickets
    /// is ended instead (a quantity or an end date), so its history stays.
    pub async fn delete_price_tier(&self, org: OrgId, id: PriceTierId) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let found: Option<(i64,)> = sqlx::query_as("SELECT held + sold FROM price_tiers WHERE id = $1 AND org_id = $2")
            .bind(id.to_string())
            .bind(org.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        match found {
            None => return Err(StoreError::NotFound),
            Some((taken,)) if taken > 0 => {
                return Err(StoreError::Conflict {
                    field: "tier".into(),
                    message: format!(
                        "{taken} tickets are held or sold at this tier's price; end it (an end date or a quantity) instead of deleting it"
                    ),
                });
            }
            Some(_) => {}
        }
        sqlx::query("DELETE FROM price_tiers WHERE id = $1 AND held + sold = 0")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
