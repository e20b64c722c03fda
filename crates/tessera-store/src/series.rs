//! Series and their occurrences. An occurrence is an event row with
//! `series_id`; everything that sells, scans or refunds an event works on it
//! unchanged. This module writes a series and its occurrences together,
//! reads occurrences a page at a time with their figures in one statement,
//! and changes "this and all future" occurrences in one transaction.
//!
//! Races with selling are settled by the lock every inventory batch takes:
//! a change locks the occurrences it touches (PostgreSQL `FOR UPDATE` on
//! the event rows, in id order, after the series row; SQLite `BEGIN
//! IMMEDIATE` on the single writer), then decides which of them have sales
//! (any order, even an expired one, since orders keep their event). So an
//! occurrence is removed only if no reservation committed before the
//! change, and a reservation queued behind the change finds it gone.

use crate::catalog::{EVENT_COLS, event_from};
use crate::inventory::{Arg, Tx, insert_rows_then, text};
use crate::row::{RowExt, micros, opt_micros};
use crate::{Backend, Result, Store, StoreError};
use sqlx::any::AnyRow;
use tessera_domain::catalog::{Event, Quota, TicketType};
use tessera_domain::checkin::CheckinList;
use tessera_domain::series::{Series, TemplateType};
use tessera_domain::{Currency, EventId, MessageKey, OrgId, SeriesId, Timestamp};

/// The name of the quota each occurrence's ticket types share.
pub const CAPACITY_QUOTA: &str = "Capacity";

/// A new occurrence: its event (with `series_id` implied), its one quota and its ticket types.
#[derive(Debug, Clone)]
pub struct NewOccurrence {
    pub event: Event,
    pub quota: Quota,
    pub ticket_types: Vec<TicketType>,
}

/// An occurrence with the figures the calendar and the list show.
#[derive(Debug, Clone)]
pub struct OccurrenceRow {
    pub event: Event,
    pub capacity: i64,
    pub sold: i64,
    /// Capacity less sold and held (holds past expiry still count until swept).
    pub available: i64,
    /// Orders were ever placed (then it can only be cancelled, not removed).
    pub has_orders: bool,
}

/// What a "this and all future" change does to the occurrences from `from`.
#[derive(Debug, Clone)]
pub struct SeriesChange {
    pub series: Series,
    /// The series' `updated_at` the change was computed from.
    pub was: Timestamp,
    pub from: Timestamp,
    /// Occurrences to remove (refused with their sales).
    pub remove: Vec<EventId>,
    pub add: Vec<NewOccurrence>,
    /// A new length of the kept occurrences, when it changed.
    pub duration_us: Option<i64>,
    /// Ticket types (by name) to add where missing, linked to the capacity quota.
    pub new_types: Vec<TemplateType>,
    /// Check-in lists for added occurrences of a published series.
    pub lists: Vec<CheckinList>,
}

const SERIES_COLS: &str = "id, org_id, venue_id, title, description, category, rrule, first_date, times, exdates, rdates, removed, duration_minutes, capacity, currency, ticket_types, status, created_at, updated_at";

fn corrupt(col: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("column {col}: {e}"))
}

fn json_list<T: serde::de::DeserializeOwned>(row: &AnyRow, col: &str) -> Result<T> {
    serde_json::from_str(&row.text(col)?).map_err(|e| corrupt(col, e))
}

fn series_from(row: &AnyRow) -> Result<Series> {
    Ok(Series {
        id: row.parse("id")?,
        org_id: row.parse("org_id")?,
        venue_id: row.parse("venue_id")?,
        title: row.text("title")?,
        description: row.text("description")?,
        category: row.parse("category")?,
        rrule: row.text("rrule")?,
        first_date: row.text("first_date")?,
        times: json_list(row, "times")?,
        exdates: json_list(row, "exdates")?,
        rdates: json_list(row, "rdates")?,
        removed: json_list(row, "removed")?,
        duration_minutes: row.int("duration_minutes")?,
        capacity: row.int("capacity")?,
        currency: Currency::parse(&row.text("currency")?).map_err(|e| corrupt("currency", e))?,
        ticket_types: json_list(row, "ticket_types")?,
        status: row.text("status")?,
        created_at: row.ts("created_at")?,
        updated_at: row.ts("updated_at")?,
    })
}

fn json(v: &impl serde::Serialize) -> Result<String> {
    serde_json::to_string(v).map_err(|e| corrupt("json", e))
}

async fn insert_occurrences(tx: &mut Tx, series: SeriesId, occ: &[NewOccurrence]) -> Result<()> {
    let mut events = Vec::with_capacity(occ.len());
    let mut quotas = Vec::with_capacity(occ.len());
    let mut types = Vec::new();
    let mut links = Vec::new();
    for o in occ {
        let e = &o.event;
        events.push(vec![
            text(e.id),
            text(e.org_id),
            text(e.venue_id),
            text(&e.title),
            text(&e.description),
            text(e.category.as_str()),
            text(json(&e.image_urls)?),
            Arg::Int(micros(e.starts_at)),
            Arg::Int(micros(e.ends_at)),
            text(e.status.as_str()),
            Arg::OptInt(opt_micros(e.sales_start)),
            Arg::OptInt(opt_micros(e.sales_end)),
            Arg::Int(micros(e.created_at)),
            Arg::Int(micros(e.updated_at)),
            Arg::OptInt(e.max_tickets_per_customer),
            text(series),
        ]);
        let q = &o.quota;
        quotas.push(vec![
            text(q.id),
            text(q.event_id),
            text(q.org_id),
            text(&q.name),
            Arg::Int(q.capacity),
            Arg::Int(0),
            Arg::Int(0),
            Arg::Int(micros(q.created_at)),
        ]);
        for t in &o.ticket_types {
            types.push(type_row(t));
            for qid in &t.quota_ids {
                links.push(vec![text(t.id), text(qid)]);
            }
        }
    }
    let event_cols = [
        "id",
        "org_id",
        "venue_id",
        "title",
        "description",
        "category",
        "image_urls",
        "starts_at",
        "ends_at",
        "status",
        "sales_start",
        "sales_end",
        "created_at",
        "updated_at",
        "max_tickets_per_customer",
        "series_id",
    ];
    insert_rows_then(tx, "events", &event_cols, events, "").await?;
    let quota_cols = ["id", "event_id", "org_id", "name", "capacity", "sold", "held", "created_at"];
    insert_rows_then(tx, "quotas", &quota_cols, quotas, "").await?;
    insert_types(tx, types, links).await
}

fn type_row(t: &TicketType) -> Vec<Arg> {
    vec![
        text(t.id),
        text(t.event_id),
        text(t.org_id),
        text(&t.name),
        text(&t.description),
        Arg::Int(t.price.amount_minor),
        text(t.price.currency.code()),
        Arg::OptInt(opt_micros(t.sales_start)),
        Arg::OptInt(opt_micros(t.sales_end)),
        Arg::Int(t.min_per_order),
        Arg::Int(t.max_per_order),
        text(t.visibility.as_str()),
        Arg::Int(micros(t.created_at)),
        Arg::OptText(t.access_code.clone()),
    ]
}

async fn insert_types(tx: &mut Tx, types: Vec<Vec<Arg>>, links: Vec<Vec<Arg>>) -> Result<()> {
    let type_cols = [
        "id",
        "event_id",
        "org_id",
        "name",
        "description",
        "price_minor",
        "currency",
        "sales_start",
        "sales_end",
        "min_per_order",
        "max_per_order",
        "visibility",
        "created_at",
        "access_code",
    ];
    insert_rows_then(tx, "ticket_types", &type_cols, types, "").await?;
    insert_rows_then(tx, "ticket_type_quotas", &["ticket_type_id", "quota_id"], links, "").await?;
    Ok(())
}

async fn insert_lists(tx: &mut Tx, lists: &[CheckinList]) -> Result<()> {
    for list in lists {
        let any: Option<(String,)> = sqlx::query_as("SELECT id FROM checkin_lists WHERE event_id = $1 LIMIT 1")
            .bind(list.event_id.to_string())
            .fetch_optional(&mut **tx)
            .await?;
        if any.is_none() {
            crate::checkin::insert_checkin_list(tx, list).await?;
        }
    }
    Ok(())
}

/// Deletes occurrences that have no orders, with everything an unsold event
/// may carry (its lists, prices, images, settings). The caller checked the
/// orders under the lock.
async fn delete_events(tx: &mut Tx, ids: &[EventId]) -> Result<()> {
    const BY_LIST: [&str; 2] = ["checkin_list_types", "gates"];
    const BY_TYPE: [&str; 2] = ["ticket_type_quotas", "price_changes"];
    const BY_EVENT: [&str; 13] = [
        "ticket_type_member_rules",
        "ticket_type_products",
        "waitlist_entries",
        "event_waitlist_settings",
        "dynamic_pricing",
        "price_tiers",
        "seat_claims",
        "event_seating",
        "event_pricing",
        "event_images",
        "event_transfer_settings",
        "promo_codes",
        "checkin_lists",
    ];
    for id in ids {
        let id = id.to_string();
        for t in BY_LIST {
            sqlx::query(dynsql!("DELETE FROM {t} WHERE list_id IN (SELECT id FROM checkin_lists WHERE event_id = $1)"))
                .bind(&id)
                .execute(&mut **tx)
                .await?;
        }
        for t in BY_TYPE {
            sqlx::query(dynsql!(
                "DELETE FROM {t} WHERE ticket_type_id IN (SELECT id FROM ticket_types WHERE event_id = $1)"
            ))
            .bind(&id)
            .execute(&mut **tx)
            .await?;
        }
        for t in BY_EVENT {
            sqlx::query(dynsql!("DELETE FROM {t} WHERE event_id = $1")).bind(&id).execute(&mut **tx).await?;
        }
        for t in ["ticket_types", "quotas"] {
            sqlx::query(dynsql!("DELETE FROM {t} WHERE event_id = $1")).bind(&id).execute(&mut **tx).await?;
        }
        sqlx::query("DELETE FROM events WHERE id = $1").bind(&id).execute(&mut **tx).await?;
    }
    Ok(())
}

impl Store {
    /// Writes a series and all its occurrences in one transaction; the venue
    /// must be the organization's.
    pub async fn create_series(&self, s: &Series, occ: &[NewOccurrence], lists: &[CheckinList]) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let venue: Option<(String,)> = sqlx::query_as("SELECT id FROM venues WHERE id = $1 AND org_id = $2")
            .bind(s.venue_id.to_string())
            .bind(s.org_id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        if venue.is_none() {
            return Err(StoreError::invalid(
                "venue_id",
                MessageKey::new("errors-no-such-venue"),
                "no such venue in this organization",
            ));
        }
        sqlx::query(dynsql!("INSERT INTO series ({SERIES_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)"))
            .bind(s.id.to_string())
            .bind(s.org_id.to_string())
            .bind(s.venue_id.to_string())
            .bind(s.title.clone())
            .bind(s.description.clone())
            .bind(s.category.as_str())
            .bind(s.rrule.clone())
            .bind(s.first_date.clone())
            .bind(json(&s.times)?)
            .bind(json(&s.exdates)?)
            .bind(json(&s.rdates)?)
            .bind(json(&s.removed)?)
            .bind(s.duration_minutes)
            .bind(s.capacity)
            .bind(s.currency.code().to_string())
            .bind(json(&s.ticket_types)?)
            .bind(s.status.clone())
            .bind(micros(s.created_at))
            .bind(micros(s.updated_at))
            .execute(&mut *tx)
            .await?;
        insert_occurrences(&mut tx, s.id, occ).await?;
        insert_lists(&mut tx, lists).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn series(&self, org: OrgId, id: SeriesId) -> Result<Option<Series>> {
        let row = sqlx::query(dynsql!("SELECT {SERIES_COLS} FROM series WHERE id = $1 AND org_id = $2"))
            .bind(id.to_string())
            .bind(org.to_string())
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(series_from).transpose()
    }

    /// A published series, for anyone.
    pub async fn public_series(&self, id: SeriesId) -> Result<Option<Series>> {
        let row = sqlx::query(dynsql!("SELECT {SERIES_COLS} FROM series WHERE id = $1 AND status = 'published'"))
            .bind(id.to_string())
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(series_from).transpose()
    }

    /// The organization's series, newest first (at most 500).
    pub async fn list_series(&self, org: OrgId) -> Result<Vec<Series>> {
        let rows = sqlx::query(dynsql!(
            "SELECT {SERIES_COLS} FROM series WHERE org_id = $1 ORDER BY created_at DESC, id LIMIT 500"
        ))
        .bind(org.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(series_from).collect()
    }

    /// The series an event is an occurrence of, if any.
    pub async fn series_of_event(&self, event: EventId) -> Result<Option<SeriesId>> {
        let row: Option<(Option<String>,)> = sqlx::query_as("SELECT series_id FROM events WHERE id = $1")
            .bind(event.to_string())
            .fetch_optional(&self.read)
            .await?;
        row.and_then(|r| r.0).map(|s| s.parse().map_err(|e| corrupt("series_id", e))).transpose()
    }

    /// One page of a series' occurrences in (starts_at, id) order, starting
    /// in `[from, to)`, after `after`; `public` leaves drafts out. One
    /// statement: the figures come from correlated sums over each
    /// occurrence's quotas (indexed by event), not a query per occurrence.
    #[allow(clippy::too_many_arguments)]
    pub async fn series_occurrences(
        &self,
        series: SeriesId,
        from: Option<Timestamp>,
        to: Option<Timestamp>,
        after: Option<(Timestamp, EventId)>,
        limit: i64,
        public: bool,
    ) -> Result<Vec<OccurrenceRow>> {
        let drafts = if public { " AND e.status <> 'draft'" } else { "" };
        let (after_at, after_id) =
            after.map(|(t, id)| (micros(t), id.to_string())).unwrap_or((i64::MIN, String::new()));
        let rows = sqlx::query(dynsql!(
            "SELECT {EVENT_COLS},
                CAST(COALESCE((SELECT SUM(q.capacity) FROM quotas q WHERE q.event_id = e.id), 0) AS BIGINT) AS cap,
                CAST(COALESCE((SELECT SUM(q.sold) FROM quotas q WHERE q.event_id = e.id), 0) AS BIGINT) AS sold_n,
                CAST(COALESCE((SELECT MIN(q.capacity - q.sold - q.held) FROM quotas q WHERE q.event_id = e.id), 0) AS BIGINT) AS avail,
                CAST(CASE WHEN EXISTS (SELECT 1 FROM orders o WHERE o.event_id = e.id) THEN 1 ELSE 0 END AS BIGINT) AS has_orders
             FROM events e
             WHERE e.series_id = $1 AND e.starts_at >= $2 AND e.starts_at < $3{drafts}
               AND (e.starts_at > $4 OR (e.starts_at = $4 AND e.id > $5))
             ORDER BY e.starts_at, e.id LIMIT $6"
        ))
        .bind(series.to_string())
        .bind(from.map(micros).unwrap_or(i64::MIN))
        .bind(to.map(micros).unwrap_or(i64::MAX))
        .bind(after_at)
        .bind(after_id)
        .bind(limit.clamp(1, 1000))
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(OccurrenceRow {
                    event: event_from(r)?,
                    capacity: r.int("cap")?,
                    sold: r.int("sold_n")?,
                    available: r.int("avail")?.max(0),
                    has_orders: r.int("has_orders")? != 0,
                })
            })
            .collect()
    }

    /// Locks the series (and on PostgreSQL the occurrences starting at or
    /// after `from`, in id order) and answers which of those have orders.
    async fn lock_series(
        &self,
        tx: &mut Tx,
        org: OrgId,
        id: SeriesId,
        was: Timestamp,
        from: Timestamp,
    ) -> Result<Vec<(EventId, bool)>> {
        let lock = if self.backend == Backend::Postgres { " FOR UPDATE" } else { "" };
        let found: Option<(i64,)> =
            sqlx::query_as(dynsql!("SELECT updated_at FROM series WHERE id = $1 AND org_id = $2{lock}"))
                .bind(id.to_string())
                .bind(org.to_string())
                .fetch_optional(&mut **tx)
                .await?;
        let Some((updated,)) = found else { return Err(StoreError::NotFound) };
        if updated != micros(was) {
            return Err(StoreError::Conflict {
                field: "series".into(),
                message: "the series changed meanwhile; reload it".into(),
            });
        }
        let locked: Vec<(String,)> =
            sqlx::query_as(dynsql!("SELECT id FROM events WHERE series_id = $1 AND starts_at >= $2 ORDER BY id{lock}"))
                .bind(id.to_string())
                .bind(micros(from))
                .fetch_all(&mut **tx)
                .await?;
        let sold: Vec<(String,)> = sqlx::query_as(
            "SELECT e.id FROM events e WHERE e.series_id = $1 AND e.starts_at >= $2
               AND EXISTS (SELECT 1 FROM orders o WHERE o.event_id = e.id)",
        )
        .bind(id.to_string())
        .bind(micros(from))
        .fetch_all(&mut **tx)
        .await?;
        locked
            .into_iter()
            .map(|(e,)| {
                let has = sold.iter().any(|(s,)| *s == e);
                Ok((e.parse().map_err(|x| corrupt("id", x))?, has))
            })
            .collect()
    }

    /// Applies a "this and all future" change in one transaction: refuses
    /// (`Conflict` naming `rrule`) when an occurrence to remove has orders,
    /// (`Conflict` naming `duration_minutes`) when a new length would move
    /// the end of an occurrence with orders, and (`Invalid` naming
    /// `capacity`) when a capacity is below what an occurrence has sold and
    /// held; else removes, adds and updates the occurrences from `from`
    /// (prices, descriptions and limits by ticket type name) and stores the
    /// series. Cancelled occurrences are left as they are.
    pub async fn change_series(&self, c: &SeriesChange, now: Timestamp) -> Result<()> {
        let s = &c.series;
        let mut tx = self.begin_write().await?;
        let scope = self.lock_series(&mut tx, s.org_id, s.id, c.was, c.from).await?;
        let sold_removed = c.remove.iter().filter(|r| scope.iter().any(|(e, has)| e == *r && *has)).count();
        if sold_removed > 0 {
            return Err(StoreError::Conflict {
                field: "rrule".into(),
                message: format!(
                    "{sold_removed} occurrence(s) this change removes have orders; cancel them instead (their orders are refunded)"
                ),
            });
        }
        let keep_cond = "series_id = $1 AND starts_at >= $2 AND status <> 'cancelled'";
        if let Some(d) = c.duration_us {
            let moved: (i64,) = sqlx::query_as(dynsql!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM events e WHERE {keep_cond} AND ends_at <> starts_at + $3
                   AND EXISTS (SELECT 1 FROM orders o WHERE o.event_id = e.id)"
            ))
            .bind(s.id.to_string())
            .bind(micros(c.from))
            .bind(d)
            .fetch_one(&mut *tx)
            .await?;
            if moved.0 > 0 {
                return Err(StoreError::Conflict {
                    field: "duration_minutes".into(),
                    message: format!(
                        "{} occurrence(s) with orders would end at another time; change them one by one (their holders are told)",
                        moved.0
                    ),
                });
            }
        }
        let over: (i64,) = sqlx::query_as(dynsql!(
            "SELECT CAST(COALESCE(MAX(q.sold + q.held), 0) AS BIGINT) FROM quotas q JOIN events e ON e.id = q.event_id
             WHERE e.{keep_cond} AND q.name = $3"
        ))
        .bind(s.id.to_string())
        .bind(micros(c.from))
        .bind(CAPACITY_QUOTA)
        .fetch_one(&mut *tx)
        .await?;
        if over.0 > s.capacity {
            return Err(StoreError::invalid(
                "capacity",
                MessageKey::new("errors-at-least-used").num("min", over.0),
                format!("must be at least {} (already sold or held)", over.0),
            ));
        }
        delete_events(&mut tx, &c.remove).await?;
        // The kept occurrences take the new text, length, capacity and prices.
        sqlx::query(dynsql!(
            "UPDATE events SET title = $3, description = $4, updated_at = $5,
                ends_at = CASE WHEN $6 > 0 THEN starts_at + $6 ELSE ends_at END
             WHERE {keep_cond}"
        ))
        .bind(s.id.to_string())
        .bind(micros(c.from))
        .bind(s.title.clone())
        .bind(s.description.clone())
        .bind(micros(now))
        .bind(c.duration_us.unwrap_or(0))
        .execute(&mut *tx)
        .await?;
        sqlx::query(dynsql!(
            "UPDATE quotas SET capacity = $3 WHERE name = $4 AND event_id IN (SELECT id FROM events WHERE {keep_cond})"
        ))
        .bind(s.id.to_string())
        .bind(micros(c.from))
        .bind(s.capacity)
        .bind(CAPACITY_QUOTA)
        .execute(&mut *tx)
        .await?;
        for t in &s.ticket_types {
            sqlx::query(dynsql!(
                "UPDATE ticket_types SET price_minor = $3, description = $4, max_per_order = $5
                 WHERE name = $6 AND event_id IN (SELECT id FROM events WHERE {keep_cond})"
            ))
            .bind(s.id.to_string())
            .bind(micros(c.from))
            .bind(t.price_minor)
            .bind(t.description.clone())
            .bind(t.max_per_order)
            .bind(t.name.trim().to_string())
            .execute(&mut *tx)
            .await?;
        }
        if !c.new_types.is_empty() {
            // Kept occurrences lacking a new type get it, drawing from their capacity quota.
            let targets: Vec<(String, String, String)> = sqlx::query_as(dynsql!(
                "SELECT e.id, e.org_id, q.id FROM events e JOIN quotas q ON q.event_id = e.id AND q.name = $3
                 WHERE e.{keep_cond}"
            ))
            .bind(s.id.to_string())
            .bind(micros(c.from))
            .bind(CAPACITY_QUOTA)
            .fetch_all(&mut *tx)
            .await?;
            let (mut types, mut links) = (Vec::new(), Vec::new());
            for (event, org, quota) in targets {
                let have: Vec<(String,)> = sqlx::query_as("SELECT name FROM ticket_types WHERE event_id = $1")
                    .bind(event.clone())
                    .fetch_all(&mut *tx)
                    .await?;
                for t in c.new_types.iter().filter(|t| !have.iter().any(|(n,)| n == t.name.trim())) {
                    let id = tessera_domain::TicketTypeId::new();
                    types.push(vec![
                        text(id),
                        text(&event),
                        text(&org),
                        text(t.name.trim()),
                        text(&t.description),
                        Arg::Int(t.price_minor),
                        text(s.currency.code()),
                        Arg::OptInt(None),
                        Arg::OptInt(None),
                        Arg::Int(1),
                        Arg::Int(t.max_per_order),
                        text("public"),
                        Arg::Int(micros(now)),
                        Arg::OptText(None),
                    ]);
                    links.push(vec![text(id), text(&quota)]);
                }
            }
            insert_types(&mut tx, types, links).await?;
        }
        insert_occurrences(&mut tx, s.id, &c.add).await?;
        insert_lists(&mut tx, &c.lists).await?;
        self.write_series_row(&mut tx, s).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn write_series_row(&self, tx: &mut Tx, s: &Series) -> Result<()> {
        sqlx::query(
            "UPDATE series SET title = $3, description = $4, rrule = $5, times = $6, exdates = $7, rdates = $8,
                removed = $9, duration_minutes = $10, capacity = $11, ticket_types = $12, status = $13, updated_at = $14
             WHERE id = $1 AND org_id = $2",
        )
        .bind(s.id.to_string())
        .bind(s.org_id.to_string())
        .bind(s.title.clone())
        .bind(s.description.clone())
        .bind(s.rrule.clone())
        .bind(json(&s.times)?)
        .bind(json(&s.exdates)?)
        .bind(json(&s.rdates)?)
        .bind(json(&s.removed)?)
        .bind(s.duration_minutes)
        .bind(s.capacity)
        .bind(json(&s.ticket_types)?)
        .bind(s.status.clone())
        .bind(micros(s.updated_at))
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Removes one occurrence that has no orders (`Conflict` naming
    /// `occurrence` otherwise: it can only be cancelled) and records its
    /// slot in the series (`s.removed`, already updated by the caller) so
    /// the rule does not bring it back.
    pub async fn remove_occurrence(&self, s: &Series, was: Timestamp, event: EventId) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(dynsql!("SELECT {EVENT_COLS} FROM events e WHERE e.id = $1 AND e.series_id = $2"))
            .bind(event.to_string())
            .bind(s.id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else { return Err(StoreError::NotFound) };
        let starts = event_from(&row)?.starts_at;
        let scope = self.lock_series(&mut tx, s.org_id, s.id, was, starts).await?;
        match scope.iter().find(|(e, _)| *e == event) {
            None => return Err(StoreError::NotFound),
            Some((_, true)) => {
                return Err(StoreError::Conflict {
                    field: "occurrence".into(),
                    message: "this occurrence has orders: cancel it instead (its orders are refunded)".into(),
                });
            }
            Some((_, false)) => {}
        }
        delete_events(&mut tx, &[event]).await?;
        self.write_series_row(&mut tx, s).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Publishes a series: its draft occurrences become published, each with
    /// its check-in list when it has none, in one transaction.
    pub async fn publish_series(&self, s: &Series, lists: &[CheckinList], now: Timestamp) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let r = sqlx::query("UPDATE series SET status = 'published', updated_at = $3 WHERE id = $1 AND org_id = $2 AND status = 'draft'")
            .bind(s.id.to_string())
            .bind(s.org_id.to_string())
            .bind(micros(now))
            .execute(&mut *tx)
            .await?;
        if r.rows_affected() != 1 {
            return Ok(false);
        }
        sqlx::query(
            "UPDATE events SET status = 'published', updated_at = $2 WHERE series_id = $1 AND status = 'draft'",
        )
        .bind(s.id.to_string())
        .bind(micros(now))
        .execute(&mut *tx)
        .await?;
        insert_lists(&mut tx, lists).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Ids of a series' occurrences (all of them; for publishing's lists).
    pub async fn series_event_ids(&self, series: SeriesId) -> Result<Vec<EventId>> {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT id FROM events WHERE series_id = $1 ORDER BY starts_at, id")
            .bind(series.to_string())
            .fetch_all(&self.read)
            .await?;
        rows.into_iter().map(|(id,)| id.parse().map_err(|e| corrupt("id", e))).collect()
    }

    /// Per series: the number of published occurrences not yet ended and
    /// the first one's start, for listing a series once.
    pub async fn series_upcoming(&self, ids: &[SeriesId], now: Timestamp) -> Result<Vec<(SeriesId, i64, Timestamp)>> {
        let mut out = Vec::new();
        for id in ids {
            let row: (i64, Option<i64>) = sqlx::query_as(
                "SELECT CAST(COUNT(*) AS BIGINT), MIN(starts_at) FROM events WHERE series_id = $1 AND status = 'published' AND ends_at > $2",
            )
            .bind(id.to_string())
            .bind(micros(now))
            .fetch_one(&self.read)
            .await?;
            if let Some(first) = row.1 {
                out.push((*id, row.0, Timestamp::from_microsecond(first).map_err(|e| corrupt("starts_at", e))?));
            }
        }
        Ok(out)
    }

    /// For the events of a listing that are occurrences: (event, series, rule).
    pub async fn series_of_events(&self, events: &[EventId]) -> Result<Vec<(EventId, SeriesId, String)>> {
        if events.is_empty() {
            return Ok(vec![]);
        }
        let marks: Vec<String> = (1..=events.len()).map(|i| format!("${i}")).collect();
        let sql = dynsql!(
            "SELECT e.id, s.id, s.rrule FROM events e JOIN series s ON s.id = e.series_id WHERE e.id IN ({})",
            marks.join(", ")
        );
        let mut q = sqlx::query_as::<_, (String, String, String)>(sql);
        for e in events {
            q = q.bind(e.to_string());
        }
        let rows = q.fetch_all(&self.read).await?;
        rows.into_iter()
            .map(|(e, s, r)| {
                Ok((e.parse().map_err(|x| corrupt("id", x))?, s.parse().map_err(|x| corrupt("series_id", x))?, r))
            })
            .collect()
    }
}
