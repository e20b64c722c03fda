//! Read-only figures for the organizer's dashboard: sales per ticket type in
//! time buckets, and the attendee list. Both are plain aggregates over the
//! order and ticket tables, identical SQL on both backends.

use crate::row::RowExt;
use crate::{Result, Store};
use tessera_domain::{EventId, OrgId, Timestamp};

/// Tickets sold and revenue of one ticket type in one time bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalesBucket {
    pub ticket_type_id: String,
    pub ticket_type: String,
    /// Start of the bucket, Unix seconds (UTC).
    pub start_secs: i64,
    pub tickets: i64,
    /// Face value sold (unit price × quantity), in minor units.
    pub revenue_minor: i64,
}

/// One ticket of an event, with its order and whether it came in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    pub ticket_id: String,
    pub holder_name: String,
    pub ticket_type: String,
    pub seat_label: Option<String>,
    /// `valid` or `void`.
    pub status: String,
    pub order_reference: String,
    pub buyer_name: String,
    pub buyer_email: String,
    /// The first admission on any check-in list.
    pub checked_in_at: Option<Timestamp>,
}

/// An organization's paid orders in one currency and one time bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgSalesBucket {
    /// Start of the bucket, Unix seconds (UTC); 0 for totals to date.
    pub start_secs: i64,
    pub currency: String,
    pub orders: i64,
    pub tickets: i64,
    /// Face value sold (unit price × quantity), in minor units.
    pub revenue_minor: i64,
}

/// How much of an event is sold: its valid tickets against the most it can
/// sell (the sum of its quotas, or less when one quota covers every type).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventShare {
    pub event_id: String,
    pub title: String,
    pub starts_at: Timestamp,
    pub venue_id: String,
    pub capacity: i64,
    pub sold: i64,
}

impl Store {
    /// An organization's paid orders summed per currency and per bucket of
    /// `bucket_secs` seconds of the payment time, paid at or after `since`;
    /// with `since` None, one bucket (start 0) per currency: the totals to date.
    pub async fn org_sales(
        &self,
        org: OrgId,
        since: Option<Timestamp>,
        bucket_secs: i64,
    ) -> Result<Vec<OrgSalesBucket>> {
        let width = bucket_secs.max(60) * 1_000_000;
        // Orders are counted apart from their lines, so that an order with
        // two lines counts once; both scans use orders_by_org's org_id.
        let rows = sqlx::query(
            "SELECT bucket, currency, CAST(COUNT(*) AS BIGINT) AS orders, CAST(SUM(tickets) AS BIGINT) AS tickets, \
                    CAST(SUM(revenue) AS BIGINT) AS revenue \
             FROM (SELECT CASE WHEN $3 > 0 THEN o.paid_at / $2 ELSE 0 END AS bucket, o.currency, \
                          (SELECT SUM(l.quantity) FROM order_lines l WHERE l.order_id = o.id) AS tickets, \
                          (SELECT SUM(l.quantity * l.unit_price_minor) FROM order_lines l WHERE l.order_id = o.id) AS revenue \
                   FROM orders o \
                   WHERE o.org_id = $1 AND o.state = 'paid' AND o.paid_at IS NOT NULL AND o.paid_at >= $4) s \
             GROUP BY bucket, currency ORDER BY bucket, currency",
        )
        .bind(org.to_string())
        .bind(width)
        .bind(i64::from(since.is_some()))
        .bind(since.map(crate::row::micros).unwrap_or(0))
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(OrgSalesBucket {
                    start_secs: r.int("bucket")? * (width / 1_000_000),
                    currency: r.text("currency")?,
                    orders: r.int("orders")?,
                    tickets: r.int("tickets")?,
                    revenue_minor: r.int("revenue")?,
                })
            })
            .collect()
    }

    /// The organization's events that have not ended (cancelled ones left
    /// out), soonest first, each with its quotas' capacity and sold tickets.
    pub async fn event_shares(&self, org: OrgId, now: Timestamp, limit: i64) -> Result<Vec<EventShare>> {
        let rows = sqlx::query(
            "SELECT e.id, e.title, e.starts_at, e.venue_id, \
                    CAST(COALESCE((SELECT SUM(q.capacity) FROM quotas q WHERE q.event_id = e.id), 0) AS BIGINT) AS capacity, \
                    (SELECT MIN(q.capacity) FROM quotas q WHERE q.event_id = e.id AND NOT EXISTS ( \
                        SELECT 1 FROM ticket_types t WHERE t.event_id = e.id AND NOT EXISTS ( \
                            SELECT 1 FROM ticket_type_quotas l WHERE l.quota_id = q.id AND l.ticket_type_id = t.id))) AS covering, \
                    (SELECT COUNT(*) FROM tickets k WHERE k.event_id = e.id AND k.voided_at IS NULL) AS sold \
             FROM events e \
             WHERE e.org_id = $1 AND e.ends_at >= $2 AND e.status <> 'cancelled' \
             ORDER BY e.starts_at, e.id LIMIT $3",
        )
        .bind(org.to_string())
        .bind(crate::row::micros(now))
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(EventShare {
                    event_id: r.text("id")?,
                    title: r.text("title")?,
                    starts_at: r.ts("starts_at")?,
                    venue_id: r.text("venue_id")?,
                    // Quotas may overlap (one for the whole event, one per
                    // type): a quota covering every type bounds the sum.
                    capacity: match r.opt_int("covering")? {
                        Some(cover) => cover.min(r.int("capacity")?),
                        None => r.int("capacity")?,
                    },
                    // Tickets, not quota counters: a ticket counts once in
                    // every quota it draws on.
                    sold: r.int("sold")?,
                })
            })
            .collect()
    }

    /// Paid orders' lines of an event, summed per ticket type and per
    /// bucket of `bucket_secs` seconds of the payment time.
    pub async fn sales_buckets(&self, event: EventId, bucket_secs: i64) -> Result<Vec<SalesBucket>> {
        let width = bucket_secs.max(60) * 1_000_000;
        let rows = sqlx::query(
            "SELECT l.ticket_type_id, MIN(l.name) AS name, (o.paid_at / $2) AS bucket, \
                    CAST(SUM(l.quantity) AS BIGINT) AS tickets, \
                    CAST(SUM(l.quantity * l.unit_price_minor) AS BIGINT) AS revenue \
             FROM orders o JOIN order_lines l ON l.order_id = o.id \
             WHERE o.event_id = $1 AND o.state = 'paid' AND o.paid_at IS NOT NULL \
             GROUP BY l.ticket_type_id, 3 ORDER BY 3, l.ticket_type_id",
        )
        .bind(event.to_string())
        .bind(width)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(SalesBucket {
                    ticket_type_id: r.text("ticket_type_id")?,
                    ticket_type: r.text("name")?,
                    start_secs: r.int("bucket")? * (width / 1_000_000),
                    tickets: r.int("tickets")?,
                    revenue_minor: r.int("revenue")?,
                })
            })
            .collect()
    }

    /// An event's tickets of paid orders, by holder name, with the first
    /// admission of each.
    pub async fn attendees(&self, event: EventId) -> Result<Vec<Attendee>> {
        let rows = sqlx::query(
            "SELECT t.id, t.holder_name, tt.name AS ticket_type, t.seat_label, t.status, o.reference, \
                    o.buyer_name, o.buyer_email, \
                    (SELECT MIN(p.first_at) FROM checkin_presence p WHERE p.ticket_id = t.id) AS checked_in_at \
             FROM tickets t JOIN orders o ON o.id = t.order_id JOIN ticket_types tt ON tt.id = t.ticket_type_id \
             WHERE t.event_id = $1 AND o.state = 'paid' \
             ORDER BY t.holder_name, t.id",
        )
        .bind(event.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Attendee {
                    ticket_id: r.text("id")?,
                    holder_name: r.text("holder_name")?,
                    ticket_type: r.text("ticket_type")?,
                    seat_label: r.opt_text("seat_label")?,
                    status: r.text("status")?,
                    order_reference: r.text("reference")?,
                    buyer_name: r.text("buyer_name")?,
                    buyer_email: r.text("buyer_email")?,
                    checked_in_at: r.opt_ts("checked_in_at")?,
                })
            })
            .collect()
    }
}
