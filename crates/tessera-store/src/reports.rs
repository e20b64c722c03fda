//! Read-only figures for the organizer's dashboard: sales per ticket type in
//! time buckets, and the attendee list. Both are plain aggregates over the
//! order and ticket tables, identical SQL on both backends.

use crate::row::RowExt;
use crate::{Result, Store};
use tessera_domain::{EventId, Timestamp};

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

impl Store {
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
