//! Series pages for buyers: a month calendar of a published series, drawn
//! on the server as a table of links (no script; on a phone the table is
//! seven narrow columns), with the previous and next month as links. Days
//! with occurrences are links to that day's times; a day whose every
//! occurrence is sold out or cancelled is marked so. Picking a time leads
//! to the occurrence's own event page, where it is bought like any event.

use super::shell::{Shell, Text, render, t, t_args};
use super::{Extras, error_page};
use crate::AppState;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use jiff::civil::Date;
use std::collections::{BTreeMap, HashMap};
use tessera_app::series::{OccurrenceQuery, OccurrenceSummary};
use tessera_domain::SeriesId;
use tessera_domain::catalog::EventStatus;
use tessera_domain::series::Freq;

pub fn router() -> Router<AppState> {
    Router::new().route("/series/{series_id}", get(calendar_page))
}

/// The catalog id of "Daily, from { $date }" and its siblings.
pub(crate) fn freq_from_key(f: Freq) -> &'static str {
    match f {
        Freq::Daily => "series-daily-from",
        Freq::Weekly => "series-weekly-from",
        Freq::Monthly => "series-monthly-from",
    }
}

/// One cell of the month's table.
struct Cell {
    day: i8,
    /// The day's times (`?day=`), when it has any.
    href: Option<String>,
    sold_out: bool,
    selected: bool,
    label: String,
}

/// One start time of the chosen day.
struct SlotLink {
    href: String,
    time: String,
    iso: String,
    state: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "series/calendar.html")]
struct CalendarPage {
    shell: Shell,
    description: String,
    venue: String,
    month_label: String,
    weekdays: Vec<String>,
    weeks: Vec<Vec<Option<Cell>>>,
    prev: String,
    next: String,
    day_label: Option<String>,
    slots: Vec<SlotLink>,
    empty_month: bool,
}

fn month_of(s: &str) -> Option<Date> {
    let (y, m) = s.trim().split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    Date::new(y.parse().ok()?, m.parse().ok()?, 1).ok()
}

async fn calendar_page(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Ok(id) = id.parse::<SeriesId>() else { return super::not_found_page() };
    let view = match s.app.public_series(id).await {
        Ok(v) => v,
        Err(e) => return error_page(e),
    };
    let Ok(tz) = jiff::tz::TimeZone::get(&view.timezone) else { return super::not_found_page() };
    let today = s.app.now().to_zoned(tz.clone()).date();
    let picked_day = q.get("day").and_then(|d| tessera_domain::series::parse_date(d));
    // Without a month: the chosen day's, else the first coming occurrence's, else this one.
    let month = match q.get("month").map(|m| month_of(m)) {
        Some(Some(m)) => m,
        Some(None) => return super::not_found_page(),
        None => match picked_day {
            Some(d) => d.first_of_month(),
            None => {
                let next = s
                    .app
                    .public_series_occurrences(
                        id,
                        &OccurrenceQuery { from: Some(s.app.now()), limit: Some(1), ..Default::default() },
                    )
                    .await;
                match next {
                    Ok(p) => {
                        p.items.first().map_or(today, |o| o.starts_at.to_zoned(tz.clone()).date()).first_of_month()
                    }
                    Err(e) => return error_page(e),
                }
            }
        },
    };
    let Ok(next_month) = month.checked_add(jiff::Span::new().months(1)) else { return super::not_found_page() };
    let Ok(prev_month) = month.checked_sub(jiff::Span::new().months(1)) else { return super::not_found_page() };
    let (Ok(from), Ok(to)) = (month.to_zoned(tz.clone()), next_month.to_zoned(tz.clone())) else {
        return super::not_found_page();
    };
    // The month's occurrences, a page of 500 at a time (a month of 48 slots a day is under 1,500).
    let mut all: Vec<OccurrenceSummary> = Vec::new();
    let mut cursor = None;
    for _ in 0..4 {
        let q = OccurrenceQuery {
            from: Some(from.timestamp()),
            to: Some(to.timestamp()),
            cursor: cursor.take(),
            limit: Some(500),
        };
        match s.app.public_series_occurrences(id, &q).await {
            Ok(p) => {
                all.extend(p.items);
                match p.next_cursor {
                    Some(c) => cursor = Some(c),
                    None => break,
                }
            }
            Err(e) => return error_page(e),
        }
    }
    let mut by_day: BTreeMap<Date, Vec<&OccurrenceSummary>> = BTreeMap::new();
    for o in &all {
        by_day.entry(o.starts_at.to_zoned(tz.clone()).date()).or_default().push(o);
    }
    let gone = |o: &OccurrenceSummary| o.status != EventStatus::Published || o.available <= 0;
    let mkey = month.strftime("%Y-%m").to_string();
    let mut weeks: Vec<Vec<Option<Cell>>> = Vec::new();
    let mut week: Vec<Option<Cell>> = (0..month.weekday().to_monday_zero_offset()).map(|_| None).collect();
    for n in 1..=month.days_in_month() {
        let Ok(d) = month.with().day(n).build() else { continue };
        let list = by_day.get(&d);
        let sold_out = list.is_some_and(|l| l.iter().all(|&o| gone(o)));
        let label = match list {
            None => t_args("series-day-none", &[("day", i64::from(n).into())]),
            Some(_) if sold_out => t_args("series-day-sold-out", &[("day", i64::from(n).into())]),
            Some(l) => t_args("series-day-times", &[("day", i64::from(n).into()), ("count", (l.len() as i64).into())]),
        };
        week.push(Some(Cell {
            day: n,
            href: list.map(|_| format!("/series/{id}?month={mkey}&day={d}")),
            sold_out,
            selected: picked_day == Some(d),
            label,
        }));
        if week.len() == 7 {
            weeks.push(std::mem::take(&mut week));
        }
    }
    if !week.is_empty() {
        while week.len() < 7 {
            week.push(None);
        }
        weeks.push(week);
    }
    let slots = picked_day
        .and_then(|d| by_day.get(&d))
        .map(|l| {
            l.iter()
                .map(|o| {
                    let local = o.starts_at.to_zoned(tz.clone());
                    SlotLink {
                        href: format!("/events/{}", o.id),
                        time: local.strftime("%H:%M").to_string(),
                        iso: local.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
                        state: if o.status == EventStatus::Cancelled {
                            Some(t("series-cancelled"))
                        } else if o.available <= 0 {
                            Some(t("series-sold-out"))
                        } else {
                            Some(t_args("series-left", &[("count", o.available.into())]))
                        },
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let weekdays = ["series-mo", "series-tu", "series-we", "series-th", "series-fr", "series-sa", "series-su"]
        .iter()
        .map(|k| t(k))
        .collect();
    let page = CalendarPage {
        shell: Shell::new(view.series.title.clone(), &Extras::default()),
        description: view.series.description.clone(),
        venue: view.venue_name.clone(),
        month_label: t_args(
            "series-month",
            &[("year", i64::from(month.year()).into()), ("month", i64::from(month.month()).into())],
        ),
        weekdays,
        weeks,
        prev: format!("/series/{id}?month={}", prev_month.strftime("%Y-%m")),
        next: format!("/series/{id}?month={}", next_month.strftime("%Y-%m")),
        day_label: picked_day
            .and_then(|d| d.to_zoned(tz.clone()).ok())
            .map(|z| tessera_mail::format_date(&z, super::lang())),
        slots,
        empty_month: all.is_empty(),
    };
    render(StatusCode::OK, &page, &[])
}
