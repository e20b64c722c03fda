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

/// An organization at a glance: what sold today and to date, how full the
/// coming events are, and tickets sold over the last 30 days.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Overview {
    /// The zone "today" and the days are cut in: the organization's first venue's.
    pub timezone: String,
    pub today_orders: i64,
    pub today_tickets: i64,
    /// Per currency (face value of paid orders, as on the sales page).
    pub today_revenue: Vec<Money>,
    pub tickets_to_date: i64,
    pub revenue_to_date: Vec<Money>,
    pub events: Vec<EventShare>,
    /// The last [`OVERVIEW_DAYS`] days, today last.
    pub days: Vec<OverviewDay>,
}

/// How much of a coming event is sold.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct EventShare {
    pub event_id: EventId,
    pub title: String,
    pub starts_at: tessera_domain::Timestamp,
    /// The IANA zone of its venue.
    pub timezone: String,
    pub capacity: i64,
    pub sold: i64,
}

/// Tickets sold on one day, and in all up to its end.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OverviewDay {
    /// `YYYY-MM-DD` in the overview's zone.
    pub date: String,
    pub tickets: i64,
    pub cumulative: i64,
}

/// Days in the overview's chart.
pub const OVERVIEW_DAYS: usize = 30;

impl App {
    /// The organization's overview (see [`Overview`]).
    pub async fn overview(&self, actor: &Actor, org: OrgId) -> Result<Overview> {
        self.authorize(actor, org, Permission::ViewOrders).await?;
        let venues = self.store.venues(org).await?;
        let zone_of = |venue: &str| {
            venues.iter().find(|v| v.id.to_string() == venue).map(|v| v.timezone.to_string()).unwrap_or("UTC".into())
        };
        let timezone = venues.first().map(|v| v.timezone.to_string()).unwrap_or_else(|| "UTC".into());
        let zone = jiff::tz::TimeZone::get(&timezone).unwrap_or(jiff::tz::TimeZone::UTC);
        let now = self.now();
        let today = now.to_zoned(zone.clone()).date();
        let internal = |e: jiff::Error| AppError::Internal(format!("overview days: {e}"));
        let first_day = today.checked_sub(jiff::Span::new().days(OVERVIEW_DAYS as i64 - 1)).map_err(internal)?;
        let since = first_day.to_zoned(zone.clone()).map_err(internal)?.timestamp();
        let money = |currency: &str, minor: i64| -> Result<Money> {
            let c = Currency::parse(currency).map_err(|e| AppError::Internal(e.to_string()))?;
            Ok(Money::new(minor, c))
        };

        let totals = self.store.org_sales(org, None, 0).await?;
        let buckets = self.store.org_sales(org, Some(since), BUCKET_SECS).await?;
        let mut per_day: BTreeMap<jiff::civil::Date, i64> = BTreeMap::new();
        let (mut today_orders, mut today_tickets) = (0, 0);
        let mut today_revenue: BTreeMap<String, i64> = BTreeMap::new();
        for b in &buckets {
            let day = jiff::Timestamp::from_second(b.start_secs).map_err(internal)?.to_zoned(zone.clone()).date();
            *per_day.entry(day).or_default() += b.tickets;
            if day == today {
                today_orders += b.orders;
                today_tickets += b.tickets;
                *today_revenue.entry(b.currency.clone()).or_default() += b.revenue_minor;
            }
        }
        let tickets_to_date: i64 = totals.iter().map(|b| b.tickets).sum();
        let in_window: i64 = per_day.values().sum();
        let mut cumulative = tickets_to_date - in_window;
        let mut days = Vec::with_capacity(OVERVIEW_DAYS);
        let mut day = first_day;
        for _ in 0..OVERVIEW_DAYS {
            let tickets = per_day.get(&day).copied().unwrap_or(0);
            cumulative += tickets;
            days.push(OverviewDay { date: day.to_string(), tickets, cumulative });
            day = day.tomorrow().map_err(internal)?;
        }
        let events = self
            .store
            .event_shares(org, now, 50)
            .await?
            .into_iter()
            .map(|e| {
                Ok(EventShare {
                    event_id: e.event_id.parse().map_err(|_| AppError::Internal("an event id".into()))?,
                    timezone: zone_of(&e.venue_id),
                    title: e.title,
                    starts_at: e.starts_at,
                    capacity: e.capacity,
                    sold: e.sold,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Overview {
            timezone,
            today_orders,
            today_tickets,
            today_revenue: today_revenue.iter().map(|(c, m)| money(c, *m)).collect::<Result<_>>()?,
            tickets_to_date,
            revenue_to_date: totals.iter().map(|b| money(&b.currency, b.revenue_minor)).collect::<Result<_>>()?,
            events,
            days,
        })
    }

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
