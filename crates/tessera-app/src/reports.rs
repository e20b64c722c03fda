//! The organizer's figures: sales per ticket type and per day (in the
//! venue's time zone), and the attendee list with its CSV export.

use crate::{Actor, App, AppError, Result};
use std::collections::BTreeMap;
use tessera_domain::{Currency, EventId, Money, OrgId, Permission};
pub use tessera_store::reports::Attendee;

/// Sales of one ticket type, or of one day.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct SalesLine {
    /// The ticket type's name, or the day as `YYYY-MM-DD`.
    pub label: String,
    pub tickets: i64,
    pub revenue: Money,
}

/// What an event has sold: paid orders only, face value (fees and taxes on
/// top are in the ledger).
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct SalesReport {
    pub event_id: EventId,
    pub tickets: i64,
    pub revenue: Money,
    pub by_ticket_type: Vec<SalesLine>,
    /// Every day from the first sale to the last, days without sales included.
    pub by_day: Vec<SalesLine>,
}

/// Buckets of a quarter hour, so that days are cut right in every time zone
/// (offsets are whole quarter hours).
const BUCKET_SECS: i64 = 900;

impl App {
    pub async fn sales_report(&self, actor: &Actor, org: OrgId, event: EventId) -> Result<SalesReport> {
        self.authorize(actor, org, Permission::ViewOrders).await?;
        let e = self.store.event(org, event).await?.ok_or(AppError::NotFound)?;
        let venue = self.store.venue(org, e.venue_id).await?.ok_or(AppError::NotFound)?;
        let zone = jiff::tz::TimeZone::get(venue.timezone.as_str()).unwrap_or(jiff::tz::TimeZone::UTC);
        let types = self.store.ticket_types(org, event).await?;
        let currency = match types.first() {
            Some(t) => t.price.currency,
            None => Currency::parse("EUR").map_err(|e| AppError::Internal(e.to_string()))?,
        };
        let buckets = self.store.sales_buckets(event, BUCKET_SECS).await?;

        let mut by_type: BTreeMap<usize, (String, i64, i64)> = BTreeMap::new();
        let mut by_day: BTreeMap<jiff::civil::Date, (i64, i64)> = BTreeMap::new();
        for b in &buckets {
            // Ticket types in their own order; a deleted one last.
            let rank = types.iter().position(|t| t.id.to_string() == b.ticket_type_id).unwrap_or(types.len());
            let line = by_type.entry(rank).or_insert_with(|| (b.ticket_type.clone(), 0, 0));
            line.1 += b.tickets;
            line.2 += b.revenue_minor;
            let day = jiff::Timestamp::from_second(b.start_secs)
                .map_err(|e| AppError::Internal(format!("sales bucket {}: {e}", b.start_secs)))?
                .to_zoned(zone.clone())
                .date();
            let d = by_day.entry(day).or_default();
            d.0 += b.tickets;
            d.1 += b.revenue_minor;
        }
        let mut days = vec![];
        if let (Some((&first, _)), Some((&last, _))) = (by_day.first_key_value(), by_day.last_key_value()) {
            let mut day = first;
            while day <= last {
                let (tickets, revenue) = by_day.get(&day).copied().unwrap_or_default();
                days.push(SalesLine { label: day.to_string(), tickets, revenue: Money::new(revenue, currency) });
                day = match day.tomorrow() {
                    Ok(d) => d,
                    Err(_) => break,
                };
            }
        }
        let by_ticket_type: Vec<SalesLine> = by_type
            .into_values()
            .map(|(label, tickets, revenue)| SalesLine { label, tickets, revenue: Money::new(revenue, currency) })
            .collect();
        Ok(SalesReport {
            event_id: event,
            tickets: by_ticket_type.iter().map(|l| l.tickets).sum(),
            revenue: Money::new(by_ticket_type.iter().map(|l| l.revenue.amount_minor).sum(), currency),
            by_ticket_type,
            by_day: days,
        })
    }

    /// The event's attendees: every ticket of a paid order.
    pub async fn attendees(&self, actor: &Actor, org: OrgId, event: EventId) -> Result<Vec<Attendee>> {
        self.authorize(actor, org, Permission::ViewOrders).await?;
        self.store.event(org, event).await?.ok_or(AppError::NotFound)?;
        Ok(self.store.attendees(event).await?)
    }
}

/// One CSV field (RFC 4180), defused per OWASP's CSV injection advice so
/// that a spreadsheet never runs a holder's name as a formula: a field that
/// starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
/// `'`, and a field holding a separator (`,` or `;`, which spreadsheets in
/// many locales split on), a tab, a quote or a line break is quoted, so no
/// cell can start in the middle of it (`Bob;=1+1` stays one cell).
pub fn csv_field(value: &str) -> String {
    let defused = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{value}") } else { value.into() };
    if defused.contains([',', ';', '\t', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

/// The attendee list as CSV, a header line first.
pub fn attendees_csv(rows: &[Attendee]) -> String {
    let mut out = String::from(
        "holder_name,ticket_type,seat,status,checked_in_at,order_reference,buyer_name,buyer_email,ticket_id\r\n",
    );
    for a in rows {
        let fields = [
            a.holder_name.as_str(),
            a.ticket_type.as_str(),
            a.seat_label.as_deref().unwrap_or(""),
            a.status.as_str(),
            &a.checked_in_at.map(|t| t.to_string()).unwrap_or_default(),
            a.order_reference.as_str(),
            a.buyer_name.as_str(),
            a.buyer_email.as_str(),
            a.ticket_id.as_str(),
        ];
        out.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("Ada"), "Ada");
        assert_eq!(csv_field("Lovelace, Ada"), "\"Lovelace, Ada\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-1"), "'-1");
        assert_eq!(csv_field("李雷"), "李雷");
        // A separator inside a field: quoted, so a spreadsheet splitting on
        // `;` (or `,` or tabs) sees one cell, not one that starts with `=`.
        assert_eq!(csv_field("Bob;=1+1"), "\"Bob;=1+1\"");
        assert_eq!(csv_field("Bob\t=1+1"), "\"Bob\t=1+1\"");
        assert_eq!(csv_field("Bob,@SUM(A1)"), "\"Bob,@SUM(A1)\"");
        assert_eq!(csv_field("\tcmd"), "\"'\tcmd\"");
        assert_eq!(csv_field("+1;x"), "\"'+1;x\"");
    }
}
