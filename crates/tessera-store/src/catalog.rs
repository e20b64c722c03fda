//! Venues, events, ticket types and quotas, and the public event queries.

use crate::row::{RowExt, micros, opt_micros};
use crate::{Result, Store, StoreError, unique_as};
use sqlx::any::AnyRow;
use std::collections::HashMap;
use tessera_domain::catalog::{Category, Event, EventStatus, Quota, TicketType, TimeZoneName, Venue};
use tessera_domain::orders::TicketId;
use tessera_domain::{Currency, EventId, Money, OrgId, QuotaId, TicketTypeId, Timestamp, VenueId};

/// Which events to list. Every filter is optional; results come in
/// (starts_at, id) order, after the cursor position if one is given.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Only this organization's events (all statuses); `None` lists published events of everyone.
    pub org_id: Option<OrgId>,
    /// Matched case-insensitively against title and description.
    pub text: Option<String>,
    pub category: Option<Category>,
    /// Events starting at or after this instant.
    pub from: Option<Timestamp>,
    /// Events starting before this instant.
    pub to: Option<Timestamp>,
    /// Only events that have not ended by this instant.
    pub not_ended_at: Option<Timestamp>,
    pub after: Option<(Timestamp, EventId)>,
    pub limit: i64,
}

pub struct EventPage {
    pub events: Vec<(Event, Venue)>,
    /// Position of the last event returned, when more may follow.
    pub next: Option<(Timestamp, EventId)>,
}

/// An event as the public sees it, with everything needed to show availability.
pub struct PublicEvent {
    pub event: Event,
    pub venue: Venue,
    pub ticket_types: Vec<TicketType>,
    pub quotas: Vec<Quota>,
}

pub(crate) const EVENT_COLS: &str = "e.id, e.org_id, e.venue_id, e.title, e.description, e.category, e.image_urls, e.starts_at, e.ends_at, e.status, e.sales_start, e.sales_end, e.max_tickets_per_customer, e.created_at, e.updated_at";
const VENUE_COLS: &str = "v.id AS v_id, v.org_id AS v_org_id, v.name AS v_name, v.address AS v_address, v.timezone AS v_timezone, v.capacity AS v_capacity, v.created_at AS v_created_at";

fn corrupt(col: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("column {col}: {e}"))
}

fn venue_from(row: &AnyRow, p: &str) -> Result<Venue> {
    let c = |n: &str| format!("{p}{n}");
    let tz = row.text(&c("timezone"))?;
    Ok(Venue {
        id: row.parse(&c("id"))?,
        org_id: row.parse(&c("org_id"))?,
        name: row.text(&c("name"))?,
        address: row.text(&c("address"))?,
        timezone: TimeZoneName::parse(&tz).map_err(|e| corrupt("timezone", e))?,
        capacity: row.int(&c("capacity"))?,
        created_at: row.ts(&c("created_at"))?,
    })
}

pub(crate) fn event_from(row: &AnyRow) -> Result<Event> {
    let urls = row.text("image_urls")?;
    Ok(Event {
        id: row.parse("id")?,
        org_id: row.parse("org_id")?,
        venue_id: row.parse("venue_id")?,
        title: row.text("title")?,
        description: row.text("description")?,
        category: row.parse("category")?,
        image_urls: serde_json::from_str(&urls).map_err(|e| corrupt("image_urls", e))?,
        starts_at: row.ts("starts_at")?,
        ends_at: row.ts("ends_at")?,
        status: row.parse("status")?,
        sales_start: row.opt_ts("sales_start")?,
        sales_end: row.opt_ts("sales_end")?,
        max_tickets_per_customer: row.opt_int("max_tickets_per_customer")?,
        created_at: row.ts("created_at")?,
        updated_at: row.ts("updated_at")?,
    })
}

pub(crate) fn ticket_type_from(row: &AnyRow) -> Result<TicketType> {
    let cur = row.text("currency")?;
    Ok(TicketType {
        id: row.parse("id")?,
        event_id: row.parse("event_id")?,
        org_id: row.parse("org_id")?,
        name: row.text("name")?,
        description: row.text("description")?,
        price: Money::new(row.int("price_minor")?, Currency::parse(&cur).map_err(|e| corrupt("currency", e))?),
        sales_start: row.opt_ts("sales_start")?,
        sales_end: row.opt_ts("sales_end")?,
        min_per_order: row.int("min_per_order")?,
        max_per_order: row.int("max_per_order")?,
        visibility: row.parse("visibility")?,
        access_code: row.opt_text("access_code")?,
        quota_ids: Vec::new(),
        created_at: row.ts("created_at")?,
    })
}

fn quota_from(row: &AnyRow) -> Result<Quota> {
    Ok(Quota {
        id: row.parse("id")?,
        event_id: row.parse("event_id")?,
        org_id: row.parse("org_id")?,
        name: row.text("name")?,
        capacity: row.int("capacity")?,
        sold: row.int("sold")?,
        held: row.int("held")?,
        ticket_type_ids: Vec::new(),
        created_at: row.ts("created_at")?,
    })
}

pub(crate) const TT_COLS: &str = "id, event_id, org_id, name, description, price_minor, currency, sales_start, sales_end, min_per_order, max_per_order, visibility, access_code, created_at";
const QUOTA_COLS: &str = "id, event_id, org_id, name, capacity, sold, held, created_at";

/// Escapes LIKE wildcards so user text matches literally (with `ESCAPE '\'`).
fn like_pattern(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 2);
    s.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('%');
    s
}

enum Arg {
    Text(String),
    Int(i64),
}

type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

/// Ids of `table` rows (quotas or ticket_types) that belong to `event`.
async fn ids_of_event(tx: &mut Tx<'_>, table: &str, event: EventId) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(dynsql!("SELECT id FROM {table} WHERE event_id = $1"))
        .bind(event.to_string())
        .fetch_all(&mut **tx)
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

pub(crate) async fn check_ids_in_event<T: ToString>(
    tx: &mut Tx<'_>,
    table: &str,
    event: EventId,
    ids: &[T],
    field: &str,
) -> Result<()> {
    let known = ids_of_event(tx, table, event).await?;
    for (i, id) in ids.iter().enumerate() {
        if !known.contains(&id.to_string()) {
            let key = tessera_domain::MessageKey::new("errors-not-part-of-event");
            return Err(StoreError::invalid(&format!("{field}[{i}]"), key, "not part of this event"));
        }
    }
    Ok(())
}

/// Replaces the links of one ticket type (`by_ticket_type`) or one quota.
async fn replace_links(tx: &mut Tx<'_>, owner: &str, by_ticket_type: bool, others: &[String]) -> Result<()> {
    let (mine, theirs) = if by_ticket_type { ("ticket_type_id", "quota_id") } else { ("quota_id", "ticket_type_id") };
    sqlx::query(dynsql!("DELETE FROM ticket_type_quotas WHERE {mine} = $1"))
        .bind(owner.to_string())
        .execute(&mut **tx)
        .await?;
    for other in others {
        sqlx::query(dynsql!("INSERT INTO ticket_type_quotas ({mine}, {theirs}) VALUES ($1, $2)"))
            .bind(owner.to_string())
            .bind(other.clone())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

pub(crate) async fn require_event(tx: &mut Tx<'_>, org: OrgId, event: EventId) -> Result<()> {
    let found: Option<(String,)> = sqlx::query_as("SELECT id FROM events WHERE id = $1 AND org_id = $2")
        .bind(event.to_string())
        .bind(org.to_string())
        .fetch_optional(&mut **tx)
        .await?;
    found.map(|_| ()).ok_or(StoreError::NotFound)
}

/// All ticket types of an event share one currency, so that an order has one.
async fn check_currency(tx: &mut Tx<'_>, t: &TicketType) -> Result<()> {
    let others: Vec<(String,)> =
        sqlx::query_as("SELECT DISTINCT currency FROM ticket_types WHERE event_id = $1 AND id <> $2")
            .bind(t.event_id.to_string())
            .bind(t.id.to_string())
            .fetch_all(&mut **tx)
            .await?;
    match others.first() {
        Some((c,)) if c != t.price.currency.code() => {
            let key = tessera_domain::MessageKey::new("errors-priced-in").text("currency", c.as_str());
            Err(StoreError::invalid("currency", key, format!("this event's ticket types are priced in {c}")))
        }
        _ => Ok(()),
    }
}

impl Store {
    // ----------------------------------------------------------- venues

    pub async fn create_venue(&self, v: &Venue) -> Result<()> {
        sqlx::query(
            "INSERT INTO venues (id, org_id, name, address, timezone, capacity, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(v.id.to_string())
        .bind(v.org_id.to_string())
        .bind(v.name.clone())
        .bind(v.address.clone())
        .bind(v.timezone.as_str().to_string())
        .bind(v.capacity)
        .bind(micros(v.created_at))
        .execute(&self.write)
        .await
        .map_err(unique_as("name", "a venue with this name exists"))?;
        Ok(())
    }

    pub async fn update_venue(&self, v: &Venue) -> Result<()> {
        let r = sqlx::query(
            "UPDATE venues SET name = $3, address = $4, timezone = $5, capacity = $6 WHERE id = $1 AND org_id = $2",
        )
        .bind(v.id.to_string())
        .bind(v.org_id.to_string())
        .bind(v.name.clone())
        .bind(v.address.clone())
        .bind(v.timezone.as_str().to_string())
        .bind(v.capacity)
        .execute(&self.write)
        .await
        .map_err(unique_as("name", "a venue with this name exists"))?;
        if r.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    pub async fn venue(&self, org: OrgId, id: VenueId) -> Result<Option<Venue>> {
        let row = sqlx::query(dynsql!("SELECT {VENUE_COLS} FROM venues v WHERE v.id = $1 AND v.org_id = $2"))
            .bind(id.to_string())
            .bind(org.to_string())
            .fetch_optional(&self.read)
            .await?;
        row.map(|r| venue_from(&r, "v_")).transpose()
    }

    pub async fn venues(&self, org: OrgId) -> Result<Vec<Venue>> {
        let rows = sqlx::query(dynsql!("SELECT {VENUE_COLS} FROM venues v WHERE v.org_id = $1 ORDER BY v.name, v.id"))
            .bind(org.to_string())
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(|r| venue_from(r, "v_")).collect()
    }

    // ----------------------------------------------------------- events

    /// Inserts or updates an event; the venue must belong to the same organization.
    async fn write_event(&self, e: &Event, insert: bool) -> Result<()> {
        let mut tx = self.write.begin().await?;
        self.write_event_in(&mut tx, e, insert).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn write_event_in(&self, tx: &mut Tx<'_>, e: &Event, insert: bool) -> Result<()> {
        let venue: Option<(String,)> = sqlx::query_as("SELECT id FROM venues WHERE id = $1 AND org_id = $2")
            .bind(e.venue_id.to_string())
            .bind(e.org_id.to_string())
            .fetch_optional(&mut **tx)
            .await?;
        if venue.is_none() {
            let key = tessera_domain::MessageKey::new("errors-no-such-venue");
            return Err(StoreError::invalid("venue_id", key, "no such venue in this organization"));
        }
        let urls = serde_json::to_string(&e.image_urls).map_err(|err| corrupt("image_urls", err))?;
        let sql = if insert {
            "INSERT INTO events (id, org_id, venue_id, title, description, category, image_urls, starts_at, ends_at, status, sales_start, sales_end, created_at, updated_at, max_tickets_per_customer)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        } else {
            "UPDATE events SET venue_id = $3, title = $4, description = $5, category = $6, image_urls = $7, starts_at = $8,
                 ends_at = $9, status = $10, sales_start = $11, sales_end = $12, updated_at = $14,
                 max_tickets_per_customer = $15
             WHERE id = $1 AND org_id = $2 AND created_at = $13"
        };
        let r = sqlx::query(sql)
            .bind(e.id.to_string())
            .bind(e.org_id.to_string())
            .bind(e.venue_id.to_string())
            .bind(e.title.clone())
            .bind(e.description.clone())
            .bind(e.category.as_str())
            .bind(urls)
            .bind(micros(e.starts_at))
            .bind(micros(e.ends_at))
            .bind(e.status.as_str())
            .bind(opt_micros(e.sales_start))
            .bind(opt_micros(e.sales_end))
            .bind(micros(e.created_at))
            .bind(micros(e.updated_at))
            .bind(e.max_tickets_per_customer)
            .execute(&mut **tx)
            .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub async fn create_event(&self, e: &Event) -> Result<()> {
        self.write_event(e, true).await
    }

    pub async fn update_event(&self, e: &Event) -> Result<()> {
        self.write_event(e, false).await
    }

    /// Updates an event only if it still has the dates `was` (`Conflict` on
    /// `starts_at` otherwise, so an edit made from an old copy cannot undo
    /// a move). With `codes` (the event moves), stores in the same
    /// transaction its valid tickets' codes (ticket, code, key id) signed
    /// again for the new dates; a valid ticket of the event with a code not
    /// in `codes` (signed meanwhile) loses it and is signed again on its
    /// next delivery. A move also queues an `event_moved` e-mail to each
    /// order holding a valid ticket, with the change.
    pub async fn update_event_from(
        &self,
        e: &Event,
        was: (Timestamp, Timestamp),
        codes: Option<&[(TicketId, String, String)]>,
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let r = sqlx::query(
            "UPDATE events SET updated_at = updated_at WHERE id = $1 AND org_id = $2 AND starts_at = $3 AND ends_at = $4",
        )
        .bind(e.id.to_string())
        .bind(e.org_id.to_string())
        .bind(micros(was.0))
        .bind(micros(was.1))
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::Conflict {
                field: "starts_at".into(),
                message: "the event's dates changed meanwhile; reload it".into(),
            });
        }
        self.write_event_in(&mut tx, e, false).await?;
        let Some(codes) = codes else {
            tx.commit().await?;
            return Ok(());
        };
        sqlx::query(
            "UPDATE tickets SET code = NULL, key_id = NULL, code_resigned_at = $2 WHERE event_id = $1 AND status = 'valid' AND code IS NOT NULL",
        )
        .bind(e.id.to_string())
        .bind(micros(now))
        .execute(&mut *tx)
        .await?;
        // Each order holding a valid ticket hears of the move once per new
        // start (in the buyer's language, when the outbox sends it).
        let orders: Vec<(String,)> = sqlx::query_as(
            "SELECT DISTINCT order_id FROM tickets WHERE event_id = $1 AND status = 'valid' ORDER BY order_id",
        )
        .bind(e.id.to_string())
        .fetch_all(&mut *tx)
        .await?;
        let mails: Vec<crate::OutboxMessage> = orders
            .into_iter()
            .map(|(order,)| {
                let starts = micros(e.starts_at);
                crate::OutboxMessage::new(
                    "email",
                    "event_moved",
                    Some(order.clone()),
                    serde_json::json!({ "event_id": e.id, "starts_at": starts }),
                )
                .dedupe(format!("event_moved:{order}:{starts}"))
            })
            .collect();
        crate::payments::insert_outbox(&mut tx, e.org_id, &mails, now).await?;
        for (ticket, code, key_id) in codes {
            sqlx::query(
                "UPDATE tickets SET code = $2, key_id = $3, code_resigned_at = $4 WHERE id = $1 AND event_id = $5 AND status = 'valid'",
            )
            .bind(ticket.to_string())
            .bind(code)
            .bind(key_id)
            .bind(micros(now))
            .bind(e.id.to_string())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Moves an event from `from` to `to` only if it is still in `from`, so
    /// two racing status changes cannot both win.
    pub async fn set_event_status(
        &self,
        org: OrgId,
        id: EventId,
        from: EventStatus,
        to: EventStatus,
        now: Timestamp,
    ) -> Result<bool> {
        self.set_event_status_with(org, id, from, to, now, &[], None).await
    }

    /// Changes an event's status if it is still `from`, and queues `effects`
    /// (a cancellation's refund job, webhooks) in the same transaction; with
    /// `default_list`, writes that check-in list too when the event has none.
    #[allow(clippy::too_many_arguments)]
    pub async fn set_event_status_with(
        &self,
        org: OrgId,
        id: EventId,
        from: EventStatus,
        to: EventStatus,
        now: Timestamp,
        effects: &[crate::OutboxMessage],
        default_list: Option<&tessera_domain::checkin::CheckinList>,
    ) -> Result<bool> {
        let mut tx = self.write.begin().await?;
        let r =
            sqlx::query("UPDATE events SET status = $4, updated_at = $5 WHERE id = $1 AND org_id = $2 AND status = $3")
                .bind(id.to_string())
                .bind(org.to_string())
                .bind(from.as_str())
                .bind(to.as_str())
                .bind(micros(now))
                .execute(&mut *tx)
                .await?;
        if r.rows_affected() != 1 {
            return Ok(false);
        }
        crate::payments::insert_outbox(&mut tx, org, effects, now).await?;
        if let Some(list) = default_list {
            // Only for an event with no list yet: one made by hand stays the only one.
            let any: Option<(String,)> = sqlx::query_as("SELECT id FROM checkin_lists WHERE event_id = $1 LIMIT 1")
                .bind(id.to_string())
                .fetch_optional(&mut *tx)
                .await?;
            if any.is_none() {
                crate::checkin::insert_checkin_list(&mut tx, list).await?;
            }
        }
        tx.commit().await?;
        Ok(true)
    }

    pub async fn event(&self, org: OrgId, id: EventId) -> Result<Option<Event>> {
        let row = sqlx::query(dynsql!("SELECT {EVENT_COLS} FROM events e WHERE e.id = $1 AND e.org_id = $2"))
            .bind(id.to_string())
            .bind(org.to_string())
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(event_from).transpose()
    }

    /// Lists events by `filter`; see [`EventFilter`].
    pub async fn list_events(&self, f: &EventFilter) -> Result<EventPage> {
        let mut sql =
            format!("SELECT {EVENT_COLS}, {VENUE_COLS} FROM events e JOIN venues v ON v.id = e.venue_id WHERE ");
        let mut args: Vec<Arg> = Vec::new();
        let mut conds: Vec<String> = Vec::new();
        let push = |args: &mut Vec<Arg>, a: Arg| {
            args.push(a);
            format!("${}", args.len())
        };
        match f.org_id {
            Some(org) => conds.push(format!("e.org_id = {}", push(&mut args, Arg::Text(org.to_string())))),
            None => conds.push("e.status = 'published'".into()),
        }
        if let Some(text) = f.text.as_deref().filter(|t| !t.trim().is_empty()) {
            let p = push(&mut args, Arg::Text(like_pattern(text.trim())));
            conds.push(format!("(lower(e.title) LIKE {p} ESCAPE '\\' OR lower(e.description) LIKE {p} ESCAPE '\\')"));
        }
        if let Some(c) = f.category {
            conds.push(format!("e.category = {}", push(&mut args, Arg::Text(c.as_str().into()))));
        }
        let mut series_conds = String::new();
        if let Some(t) = f.from {
            let p = push(&mut args, Arg::Int(micros(t)));
            conds.push(format!("e.starts_at >= {p}"));
            series_conds.push_str(&format!(" AND e2.starts_at >= {p}"));
        }
        if let Some(t) = f.to {
            conds.push(format!("e.starts_at < {}", push(&mut args, Arg::Int(micros(t)))));
        }
        if let Some(t) = f.not_ended_at {
            let p = push(&mut args, Arg::Int(micros(t)));
            conds.push(format!("e.ends_at > {p}"));
            series_conds.push_str(&format!(" AND e2.ends_at > {p}"));
        }
        if f.org_id.is_none() {
            // The public sees a series once: its first occurrence that
            // passes the time filters stands for the others.
            conds.push(format!(
                "(e.series_id IS NULL OR NOT EXISTS (SELECT 1 FROM events e2 WHERE e2.series_id = e.series_id
                   AND e2.status = 'published' AND (e2.starts_at < e.starts_at OR (e2.starts_at = e.starts_at AND e2.id < e.id)){series_conds}))"
            ));
        }
        if let Some((at, id)) = f.after {
            let a = push(&mut args, Arg::Int(micros(at)));
            let b = push(&mut args, Arg::Text(id.to_string()));
            conds.push(format!("(e.starts_at > {a} OR (e.starts_at = {a} AND e.id > {b}))"));
        }
        let limit = f.limit.clamp(1, 100);
        sql.push_str(&conds.join(" AND "));
        sql.push_str(&format!(" ORDER BY e.starts_at, e.id LIMIT {}", push(&mut args, Arg::Int(limit + 1))));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for a in args {
            q = match a {
                Arg::Text(s) => q.bind(s),
                Arg::Int(i) => q.bind(i),
            };
        }
        let rows = q.fetch_all(&self.read).await?;
        let mut events = rows.iter().map(|r| Ok((event_from(r)?, venue_from(r, "v_")?))).collect::<Result<Vec<_>>>()?;
        let next = if events.len() as i64 > limit {
            events.truncate(limit as usize);
            events.last().map(|(e, _)| (e.starts_at, e.id))
        } else {
            None
        };
        Ok(EventPage { events, next })
    }

    /// A non-draft event with its venue, ticket types and quotas, for anyone to see.
    /// `now` decides which holds still count (see [`Store::quotas_at`]).
    pub async fn public_event(&self, id: EventId, now: Timestamp) -> Result<Option<PublicEvent>> {
        let row = sqlx::query(dynsql!(
            "SELECT {EVENT_COLS}, {VENUE_COLS} FROM events e JOIN venues v ON v.id = e.venue_id
             WHERE e.id = $1 AND e.status <> 'draft'"
        ))
        .bind(id.to_string())
        .fetch_optional(&self.read)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let event = event_from(&row)?;
        let venue = venue_from(&row, "v_")?;
        let ticket_types = self.ticket_types(event.org_id, event.id).await?;
        let quotas = self.quotas_at(event.org_id, event.id, Some(now)).await?;
        Ok(Some(PublicEvent { event, venue, ticket_types, quotas }))
    }

    // ----------------------------------------- ticket types and quotas

    /// (ticket_type_id, quota_id) links of one event.
    async fn links(&self, event: EventId) -> Result<Vec<(String, String)>> {
        Ok(sqlx::query_as(
            "SELECT l.ticket_type_id, l.quota_id FROM ticket_type_quotas l
             JOIN quotas q ON q.id = l.quota_id WHERE q.event_id = $1 ORDER BY l.ticket_type_id, l.quota_id",
        )
        .bind(event.to_string())
        .fetch_all(&self.read)
        .await?)
    }

    async fn write_ticket_type(&self, t: &TicketType, insert: bool) -> Result<()> {
        let mut tx = self.write.begin().await?;
        require_event(&mut tx, t.org_id, t.event_id).await?;
        check_currency(&mut tx, t).await?;
        check_ids_in_event(&mut tx, "quotas", t.event_id, &t.quota_ids, "quota_ids").await?;
        let sql = if insert {
            "INSERT INTO ticket_types (id, event_id, org_id, name, description, price_minor, currency, sales_start, sales_end,
                 min_per_order, max_per_order, visibility, created_at, access_code)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
        } else {
            "UPDATE ticket_types SET name = $4, description = $5, price_minor = $6, currency = $7, sales_start = $8,
                 sales_end = $9, min_per_order = $10, max_per_order = $11, visibility = $12, access_code = $14
             WHERE id = $1 AND event_id = $2 AND org_id = $3 AND created_at = $13"
        };
        let r = sqlx::query(sql)
            .bind(t.id.to_string())
            .bind(t.event_id.to_string())
            .bind(t.org_id.to_string())
            .bind(t.name.clone())
            .bind(t.description.clone())
            .bind(t.price.amount_minor)
            .bind(t.price.currency.code().to_string())
            .bind(opt_micros(t.sales_start))
            .bind(opt_micros(t.sales_end))
            .bind(t.min_per_order)
            .bind(t.max_per_order)
            .bind(t.visibility.as_str())
            .bind(micros(t.created_at))
            .bind(t.access_code.clone())
            .execute(&mut *tx)
            .await
            .map_err(unique_as("name", "this event has a ticket type with this name"))?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let quotas: Vec<String> = t.quota_ids.iter().map(ToString::to_string).collect();
        replace_links(&mut tx, &t.id.to_string(), true, &quotas).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn create_ticket_type(&self, t: &TicketType) -> Result<()> {
        self.write_ticket_type(t, true).await
    }

    pub async fn update_ticket_type(&self, t: &TicketType) -> Result<()> {
        self.write_ticket_type(t, false).await
    }

    pub async fn ticket_types(&self, org: OrgId, event: EventId) -> Result<Vec<TicketType>> {
        let rows = sqlx::query(dynsql!(
            "SELECT {TT_COLS} FROM ticket_types WHERE event_id = $1 AND org_id = $2 ORDER BY created_at, id"
        ))
        .bind(event.to_string())
        .bind(org.to_string())
        .fetch_all(&self.read)
        .await?;
        let mut types = rows.iter().map(ticket_type_from).collect::<Result<Vec<_>>>()?;
        let mut by_id: HashMap<String, usize> = HashMap::new();
        for (i, t) in types.iter().enumerate() {
            by_id.insert(t.id.to_string(), i);
        }
        for (tt, q) in self.links(event).await? {
            if let Some(&i) = by_id.get(&tt) {
                types[i].quota_ids.push(q.parse().map_err(|e| corrupt("quota_id", e))?);
            }
        }
        Ok(types)
    }

    pub async fn ticket_type(&self, org: OrgId, id: TicketTypeId) -> Result<Option<TicketType>> {
        let row = sqlx::query(dynsql!("SELECT {TT_COLS} FROM ticket_types WHERE id = $1 AND org_id = $2"))
            .bind(id.to_string())
            .bind(org.to_string())
            .fetch_optional(&self.read)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let mut t = ticket_type_from(&row)?;
        let links: Vec<(String,)> =
            sqlx::query_as("SELECT quota_id FROM ticket_type_quotas WHERE ticket_type_id = $1 ORDER BY quota_id")
                .bind(id.to_string())
                .fetch_all(&self.read)
                .await?;
        t.quota_ids =
            links.into_iter().map(|(q,)| q.parse().map_err(|e| corrupt("quota_id", e))).collect::<Result<_>>()?;
        Ok(Some(t))
    }

    pub async fn create_quota(&self, q: &Quota) -> Result<()> {
        let mut tx = self.write.begin().await?;
        require_event(&mut tx, q.org_id, q.event_id).await?;
        check_ids_in_event(&mut tx, "ticket_types", q.event_id, &q.ticket_type_ids, "ticket_type_ids").await?;
        sqlx::query(
            "INSERT INTO quotas (id, event_id, org_id, name, capacity, sold, held, created_at) VALUES ($1, $2, $3, $4, $5, 0, 0, $6)",
        )
        .bind(q.id.to_string())
        .bind(q.event_id.to_string())
        .bind(q.org_id.to_string())
        .bind(q.name.clone())
        .bind(q.capacity)
        .bind(micros(q.created_at))
        .execute(&mut *tx)
        .await
        .map_err(unique_as("name", "this event has a quota with this name"))?;
        let types: Vec<String> = q.ticket_type_ids.iter().map(ToString::to_string).collect();
        replace_links(&mut tx, &q.id.to_string(), false, &types).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes a quota's name, capacity and ticket types. The capacity can
    /// never drop below what is sold and held at the moment of the update:
    /// the condition is part of the UPDATE, so a concurrent sale cannot slip in.
    pub async fn update_quota(&self, q: &Quota) -> Result<()> {
        let mut tx = self.write.begin().await?;
        // Take the event's inventory lock, as a selling batch does: a batch
        // that decided against the old capacity must not commit after a
        // lower one (the CHECK would refuse the whole batch).
        let lock = if self.backend == crate::Backend::Postgres { " FOR UPDATE" } else { "" };
        let found: Option<(String,)> =
            sqlx::query_as(dynsql!("SELECT id FROM events WHERE id = $1 AND org_id = $2{lock}"))
                .bind(q.event_id.to_string())
                .bind(q.org_id.to_string())
                .fetch_optional(&mut *tx)
                .await?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
        check_ids_in_event(&mut tx, "ticket_types", q.event_id, &q.ticket_type_ids, "ticket_type_ids").await?;
        let r = sqlx::query(
            "UPDATE quotas SET name = $3, capacity = $4 WHERE id = $1 AND org_id = $2 AND sold + held <= $4",
        )
        .bind(q.id.to_string())
        .bind(q.org_id.to_string())
        .bind(q.name.clone())
        .bind(q.capacity)
        .execute(&mut *tx)
        .await
        .map_err(unique_as("name", "this event has a quota with this name"))?;
        if r.rows_affected() == 0 {
            let used: Option<(i64,)> = sqlx::query_as("SELECT sold + held FROM quotas WHERE id = $1 AND org_id = $2")
                .bind(q.id.to_string())
                .bind(q.org_id.to_string())
                .fetch_optional(&mut *tx)
                .await?;
            return Err(match used {
                None => StoreError::NotFound,
                Some((used,)) => StoreError::invalid(
                    "capacity",
                    tessera_domain::MessageKey::new("errors-at-least-used").num("min", used),
                    format!("must be at least {used} (already sold or held)"),
                ),
            });
        }
        let types: Vec<String> = q.ticket_type_ids.iter().map(ToString::to_string).collect();
        replace_links(&mut tx, &q.id.to_string(), false, &types).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The event's quotas with their counters as stored.
    pub async fn quotas(&self, org: OrgId, event: EventId) -> Result<Vec<Quota>> {
        self.quotas_at(org, event, None).await
    }

    /// The event's quotas; with `at`, `held` leaves out active holds that have
    /// expired by then but are not swept yet, so an expired hold stops
    /// counting at its expiry instant. One statement, so the counters and the
    /// correction come from the same snapshot.
    pub async fn quotas_at(&self, org: OrgId, event: EventId, at: Option<Timestamp>) -> Result<Vec<Quota>> {
        let held = if at.is_some() {
            "q.held - COALESCE((SELECT CAST(SUM(a.quantity) AS BIGINT) FROM hold_allocations a JOIN holds h ON h.id = a.hold_id
                WHERE a.quota_id = q.id AND h.state = 'active' AND h.expires_at <= $3), 0) AS held"
        } else {
            "q.held"
        };
        let rows = sqlx::query(dynsql!(
            "SELECT q.id, q.event_id, q.org_id, q.name, q.capacity, q.sold, {held}, q.created_at FROM quotas q
             WHERE q.event_id = $1 AND q.org_id = $2 ORDER BY q.created_at, q.id"
        ))
        .bind(event.to_string())
        .bind(org.to_string())
        .bind(at.map(micros).unwrap_or(0))
        .fetch_all(&self.read)
        .await?;
        let mut quotas = rows.iter().map(quota_from).collect::<Result<Vec<_>>>()?;
        for (tt, q) in self.links(event).await? {
            if let Some(quota) = quotas.iter_mut().find(|x| x.id.to_string() == q) {
                quota.ticket_type_ids.push(tt.parse().map_err(|e| corrupt("ticket_type_id", e))?);
            }
        }
        Ok(quotas)
    }

    pub async fn quota(&self, org: OrgId, id: QuotaId) -> Result<Option<Quota>> {
        let row = sqlx::query(dynsql!("SELECT {QUOTA_COLS} FROM quotas WHERE id = $1 AND org_id = $2"))
            .bind(id.to_string())
            .bind(org.to_string())
            .fetch_optional(&self.read)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let mut q = quota_from(&row)?;
        let links: Vec<(String,)> =
            sqlx::query_as("SELECT ticket_type_id FROM ticket_type_quotas WHERE quota_id = $1 ORDER BY ticket_type_id")
                .bind(id.to_string())
                .fetch_all(&self.read)
                .await?;
        q.ticket_type_ids =
            links.into_iter().map(|(t,)| t.parse().map_err(|e| corrupt("ticket_type_id", e))).collect::<Result<_>>()?;
        Ok(Some(q))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(super::like_pattern("Jazz"), "%jazz%");
        assert_eq!(super::like_pattern("100%_\\"), "%100\\%\\_\\\\%");
    }
}
