//! An organization at a glance, the first tab of its dashboard: today's
//! sales, sales to date, how full each coming event is, and tickets sold
//! over the last 30 days (an SVG chart drawn by the template, with a table
//! of the same figures).

use super::dashboard::guard;
use super::shell::{OrgTabs, Shell, Text, render, t, t_args};
use super::{Extras, error_page, money, when};
use crate::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use tessera_app::reports::Overview;

pub fn router() -> Router<AppState> {
    Router::new().route("/dashboard/orgs/{org}/overview", get(overview))
}

/// A coming event and how much of it is sold.
struct EventRow {
    title: String,
    href: String,
    starts: String,
    /// "120 of 400 sold (30 %)", or that it has no quota yet.
    shown: String,
    /// Width of the bar, 0 to 100.
    percent: i64,
}

/// One day of the cumulative chart.
struct Day {
    date: String,
    tickets: i64,
    cumulative: i64,
    x: i64,
    y: i64,
    h: i64,
    tick: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "orders/overview.html")]
struct OverviewPage {
    shell: Shell,
    tabs: OrgTabs,
    new_event_href: String,
    today_orders: i64,
    today_tickets: i64,
    today_revenue: String,
    tickets_to_date: i64,
    revenue_to_date: String,
    zone: String,
    events: Vec<EventRow>,
    days: Vec<Day>,
    chart_max: i64,
    chart_desc: String,
}

/// Amounts in several currencies, one after the other.
fn amounts(list: &[tessera_domain::Money]) -> String {
    if list.is_empty() {
        return t("orders-no-revenue");
    }
    list.iter().map(|m| money(*m)).collect::<Vec<_>>().join(" + ")
}

fn page(o: &tessera_app::orgs::OrgWithRole, v: &Overview) -> OverviewPage {
    let org = o.org.id;
    let events = v
        .events
        .iter()
        .map(|e| {
            let percent = if e.capacity > 0 { (e.sold * 100 / e.capacity).clamp(0, 100) } else { 0 };
            // A few tickets of a large event are "<1 %", not "0 %".
            let percent_text = if percent == 0 && e.sold > 0 { "<1".to_string() } else { percent.to_string() };
            let shown = if e.capacity > 0 {
                t_args(
                    "orders-share-sold",
                    &[("sold", e.sold.into()), ("capacity", e.capacity.into()), ("percent", percent_text.into())],
                )
            } else {
                t("orders-no-capacity")
            };
            EventRow {
                title: e.title.clone(),
                href: format!("/dashboard/orgs/{org}/events/{}", e.event_id),
                starts: when(e.starts_at, &e.timezone),
                shown,
                percent,
            }
        })
        .collect();
    let max = v.days.iter().map(|d| d.cumulative).max().unwrap_or(0).max(1);
    let n = v.days.len() as i64;
    let days: Vec<Day> = v
        .days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let h = d.cumulative * 180 / max;
            Day {
                date: d.date.clone(),
                tickets: d.tickets,
                cumulative: d.cumulative,
                x: 40 + i as i64 * 18,
                y: 200 - h,
                h,
                // A label every week and on the last day, none so close to
                // the last that the two overlap.
                tick: ((i % 7 == 0 && n - 1 - i as i64 >= 4) || i as i64 == n - 1)
                    .then(|| d.date.get(5..).unwrap_or(&d.date).to_string()),
            }
        })
        .collect();
    let chart_desc = match (v.days.first(), v.days.last()) {
        (Some(first), Some(last)) => t_args(
            "orders-chart-cumulative-desc",
            &[
                ("before", (first.cumulative - first.tickets).into()),
                ("first", first.date.clone().into()),
                ("total", last.cumulative.into()),
                ("last", last.date.clone().into()),
            ],
        ),
        _ => String::new(),
    };
    OverviewPage {
        shell: Shell::new(t("orders-overview-title"), &Extras { wide: true, ..Default::default() }),
        tabs: OrgTabs::new(org, &o.org.name, "overview"),
        new_event_href: format!("/dashboard/orgs/{org}/events/new"),
        today_orders: v.today_orders,
        today_tickets: v.today_tickets,
        today_revenue: amounts(&v.today_revenue),
        tickets_to_date: v.tickets_to_date,
        revenue_to_date: amounts(&v.revenue_to_date),
        zone: v.timezone.clone(),
        events,
        days,
        chart_max: max,
        chart_desc,
    }
}

async fn overview(State(s): State<AppState>, Path(org): Path<String>, uri: axum::http::Uri) -> Response {
    let (actor, o) = match guard(&s, &org, uri.path()).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    match s.app.overview(&actor, o.org.id).await {
        Ok(v) => render(StatusCode::OK, &page(&o, &v), &[]),
        Err(e) => error_page(e),
    }
}
