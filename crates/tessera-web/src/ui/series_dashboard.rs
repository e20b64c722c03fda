//! Series in the dashboard: the organization's series with a form that
//! builds the rule from plain fields (frequency, interval, days, until or
//! count, dates out and in, start times, the template), and a series' page:
//! publish, its occurrences a page at a time (each a link to its event,
//! where one occurrence is edited or cancelled), removing one that has not
//! sold, and a change to every occurrence from a date on.

use super::dashboard::guard;
use super::shell::{Filled, OrgTabs, Shell, Text, render, t};
use super::{Extras, csrf_ok, csrf_token, error_page, form, form_errors, form_expired_page, redirect, when};
use crate::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use std::collections::HashMap;
use tessera_app::Actor;
use tessera_app::orgs::OrgWithRole;
use tessera_app::series::OccurrenceQuery;
use tessera_domain::series::{NewSeries, SeriesPatch, TemplateType};
use tessera_domain::{Currency, EventId, Permission, SeriesId};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboard/orgs/{org}/series", get(list_page).post(create))
        .route("/dashboard/orgs/{org}/series/{series}", get(series_page))
        .route("/dashboard/orgs/{org}/series/{series}/publish", post(publish))
        .route("/dashboard/orgs/{org}/series/{series}/change", post(change))
        .route("/dashboard/orgs/{org}/series/{series}/occurrences/{event}/remove", post(remove))
}

/// Template ticket types the form offers (name and price rows).
const TYPE_ROWS: usize = 3;
const DAYS: [(&str, &str); 7] = [
    ("MO", "series-mo"),
    ("TU", "series-tu"),
    ("WE", "series-we"),
    ("TH", "series-th"),
    ("FR", "series-fr"),
    ("SA", "series-sa"),
    ("SU", "series-su"),
];

struct SeriesRow {
    href: String,
    title: String,
    rule: String,
    published: bool,
}

#[derive(askama::Template)]
#[template(path = "series/dashboard_list.html")]
struct ListPage<'a> {
    shell: Shell,
    tabs: OrgTabs,
    rows: Vec<SeriesRow>,
    can_manage: bool,
    csrf: String,
    action: String,
    values: Filled<'a>,
    errors: &'a [(String, String)],
    venues: Vec<(String, String)>,
    categories: Vec<(String, String)>,
    days: Vec<(String, String)>,
    type_rows: Vec<usize>,
}

struct OccRow {
    id: String,
    href: String,
    when: String,
    status: String,
    sold: i64,
    capacity: i64,
    removable: bool,
    remove_action: String,
}

#[derive(askama::Template)]
#[template(path = "series/dashboard_series.html")]
struct SeriesPage<'a> {
    shell: Shell,
    tabs: OrgTabs,
    public_href: String,
    rule: String,
    times: String,
    published: bool,
    can_manage: bool,
    csrf: String,
    publish_action: String,
    change_action: String,
    rows: Vec<OccRow>,
    next: Option<String>,
    values: Filled<'a>,
    errors: &'a [(String, String)],
    notice: Option<String>,
    type_names: Vec<(usize, String)>,
}

/// An event's status for people.
fn status_label(status: tessera_domain::catalog::EventStatus) -> String {
    use tessera_domain::catalog::EventStatus;
    t(match status {
        EventStatus::Draft => "dashboard-status-draft",
        EventStatus::Published => "dashboard-status-published",
        EventStatus::Cancelled => "dashboard-status-cancelled",
        EventStatus::Ended => "dashboard-status-ended",
    })
}

/// Minor units as the decimal a price field takes: 1450 EUR is "14.50".
fn decimal(minor: i64, currency: Currency) -> String {
    let exp = u32::from(currency.exponent());
    if exp == 0 {
        return minor.to_string();
    }
    let unit = 10_i64.pow(exp);
    format!("{}.{:0width$}", minor / unit, minor % unit, width = exp as usize)
}

/// A list field: items split at commas and white space.
fn items(v: Option<&String>) -> Vec<String> {
    v.map(|s| s.split([',', ' ', '\n', '\r', '\t']).filter(|x| !x.is_empty()).map(str::to_string).collect())
        .unwrap_or_default()
}

/// The RRULE the rule-builder fields describe (the app checks it).
fn rule_from(values: &HashMap<String, String>) -> String {
    let v = |k: &str| values.get(k).map(|x| x.trim().to_string()).unwrap_or_default();
    let mut r = format!("FREQ={}", v("freq"));
    let interval = v("interval");
    if !interval.is_empty() && interval != "1" {
        r.push_str(&format!(";INTERVAL={interval}"));
    }
    if v("freq") == "WEEKLY" {
        let days: Vec<&str> =
            DAYS.iter().map(|(d, _)| *d).filter(|d| values.contains_key(&format!("day_{d}"))).collect();
        if !days.is_empty() {
            r.push_str(&format!(";BYDAY={}", days.join(",")));
        }
    }
    if v("freq") == "MONTHLY" && !v("monthdays").is_empty() {
        r.push_str(&format!(";BYMONTHDAY={}", items(values.get("monthdays")).join(",")));
    }
    match (v("count"), v("until")) {
        (c, _) if !c.is_empty() => r.push_str(&format!(";COUNT={c}")),
        (_, u) if !u.is_empty() => r.push_str(&format!(";UNTIL={}", u.replace('-', ""))),
        _ => {}
    }
    r
}

/// The API's field names as the form's: the rule's parts, list items, type rows.
fn form_field(api: &str) -> String {
    if api == "rrule" {
        return "freq".into();
    }
    if let Some(rest) = api.strip_prefix("ticket_types[") {
        let (i, tail) = rest.split_once(']').unwrap_or(("0", ""));
        return if tail.contains("price") { format!("type{i}_price") } else { format!("type{i}_name") };
    }
    if api == "ticket_types" {
        return "type0_name".into();
    }
    api.split('[').next().unwrap_or(api).to_string()
}

fn types_from(
    values: &HashMap<String, String>,
    currency: Option<Currency>,
    errors: &mut Vec<(String, String)>,
) -> Vec<TemplateType> {
    let mut out = Vec::new();
    for i in 0..TYPE_ROWS {
        let name = values.get(&format!("type{i}_name")).map(|s| s.trim().to_string()).unwrap_or_default();
        if name.is_empty() {
            continue;
        }
        let price_text = values.get(&format!("type{i}_price")).map(|s| s.trim()).unwrap_or("");
        let price = currency.and_then(|c| super::parse_amount(if price_text.is_empty() { "0" } else { price_text }, c));
        let Some(price_minor) = price else {
            errors.push((format!("type{i}_price"), t("series-bad-amount")));
            continue;
        };
        out.push(TemplateType { name, description: String::new(), price_minor, max_per_order: 10 });
    }
    out
}

#[allow(clippy::too_many_arguments, reason = "one page's inputs")]
async fn list_form(
    s: &AppState,
    actor: &Actor,
    o: &OrgWithRole,
    status: StatusCode,
    cookies: Vec<String>,
    csrf: String,
    values: &HashMap<String, String>,
    errors: &[(String, String)],
) -> Response {
    let series = match s.app.org_series(actor, o.org.id).await {
        Ok(x) => x,
        Err(e) => return error_page(e),
    };
    let venues = match s.app.venues(actor, o.org.id).await {
        Ok(v) => v.into_iter().map(|v| (v.id.to_string(), v.name)).collect(),
        Err(e) => return error_page(e),
    };
    let rows = series
        .iter()
        .map(|x| SeriesRow {
            href: format!("/dashboard/orgs/{}/series/{}", o.org.id, x.id),
            title: x.title.clone(),
            rule: x.rrule.clone(),
            published: x.status == "published",
        })
        .collect();
    let mut shown = values.clone();
    for (k, v) in
        [("freq", "WEEKLY"), ("interval", "1"), ("duration_minutes", "60"), ("currency", "EUR"), ("times", "10:00")]
    {
        shown.entry(k.into()).or_insert_with(|| v.into());
    }
    let extras = Extras { cookies, wide: true, ..Default::default() };
    let page = ListPage {
        shell: Shell::new(t("series-dashboard-title"), &extras),
        tabs: OrgTabs::new(o.org.id, &o.org.name, "events"),
        rows,
        can_manage: o.role.grants(Permission::ManageCatalog),
        csrf,
        action: format!("/dashboard/orgs/{}/series", o.org.id),
        values: Filled(&shown),
        errors,
        venues,
        categories: super::CATEGORIES.iter().map(|c| (c.to_string(), super::category_label(*c))).collect(),
        days: DAYS.iter().map(|(d, k)| (d.to_string(), t(k))).collect(),
        type_rows: (0..TYPE_ROWS).collect(),
    };
    render(status, &page, &[])
}

async fn list_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    uri: axum::http::Uri,
) -> Response {
    let (actor, o) = match guard(&s, &org, uri.path()).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let (csrf, set) = csrf_token(&headers);
    list_form(&s, &actor, &o, StatusCode::OK, set.into_iter().collect(), csrf, &HashMap::new(), &[]).await
}

async fn create(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let (actor, o) = match guard(&s, &org, uri.path()).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let values = form(&body);
    if !csrf_ok(&headers, &values) {
        return form_expired_page(uri.path());
    }
    let mut errors = vec![];
    let v = |k: &str| values.get(k).map(|x| x.trim().to_string()).unwrap_or_default();
    let currency = Currency::parse(&v("currency")).ok();
    if currency.is_none() {
        errors.push(("currency".to_string(), t("series-bad-currency")));
    }
    let number = |k: &str, errors: &mut Vec<(String, String)>| match v(k).parse::<i64>() {
        Ok(n) => n,
        Err(_) => {
            errors.push((k.to_string(), t("dashboard-whole-number")));
            0
        }
    };
    let duration_minutes = number("duration_minutes", &mut errors);
    let capacity = number("capacity", &mut errors);
    let ticket_types = types_from(&values, currency, &mut errors);
    let venue_id = v("venue_id").parse().ok();
    let category = v("category").parse().ok();
    if let (true, Some(venue_id), Some(category), Some(currency)) = (errors.is_empty(), venue_id, category, currency) {
        let input = NewSeries {
            venue_id,
            title: v("title"),
            description: v("description"),
            category,
            rrule: rule_from(&values),
            first_date: v("first_date"),
            times: items(values.get("times")),
            exdates: items(values.get("exdates")),
            rdates: items(values.get("rdates")),
            duration_minutes,
            capacity,
            currency,
            ticket_types,
        };
        match s.app.create_series(&actor, o.org.id, input).await {
            Ok(made) => return redirect(&format!("/dashboard/orgs/{}/series/{}", o.org.id, made.series.id), &[]),
            Err(e) => match form_errors(e) {
                Ok(f) => errors = f.into_iter().map(|(k, m)| (form_field(&k), m)).collect(),
                Err(page) => return page,
            },
        }
    } else if errors.is_empty() {
        errors.push(("venue_id".to_string(), t("series-pick-venue")));
    }
    let (csrf, set) = csrf_token(&headers);
    list_form(&s, &actor, &o, StatusCode::UNPROCESSABLE_ENTITY, set.into_iter().collect(), csrf, &values, &errors).await
}

#[allow(clippy::too_many_arguments)]
async fn series_form(
    s: &AppState,
    actor: &Actor,
    o: &OrgWithRole,
    id: SeriesId,
    cursor: Option<String>,
    status: StatusCode,
    csrf: String,
    values: &HashMap<String, String>,
    errors: &[(String, String)],
    notice: Option<String>,
) -> Response {
    let view = match s.app.series(actor, o.org.id, id).await {
        Ok(v) => v,
        Err(e) => return error_page(e),
    };
    let q = OccurrenceQuery { cursor, limit: Some(50), ..Default::default() };
    let page = match s.app.series_occurrences(actor, o.org.id, id, &q).await {
        Ok(p) => p,
        Err(e) => return error_page(e),
    };
    let base = format!("/dashboard/orgs/{}/series/{id}", o.org.id);
    let rows = page
        .items
        .iter()
        .map(|x| OccRow {
            id: x.id.to_string(),
            href: format!("/dashboard/orgs/{}/events/{}", o.org.id, x.id),
            when: when(x.starts_at, &view.timezone),
            status: status_label(x.status),
            sold: x.sold,
            capacity: x.capacity,
            removable: !x.has_orders,
            remove_action: format!("{base}/occurrences/{}/remove", x.id),
        })
        .collect();
    let mut shown = values.clone();
    shown.entry("times".into()).or_insert_with(|| view.series.times.join(", "));
    shown.entry("capacity".into()).or_insert_with(|| view.series.capacity.to_string());
    shown.entry("rrule".into()).or_insert_with(|| view.series.rrule.clone());
    shown.entry("exdates".into()).or_insert_with(|| view.series.exdates.join(", "));
    for (i, tt) in view.series.ticket_types.iter().enumerate() {
        shown.entry(format!("type{i}_price")).or_insert_with(|| decimal(tt.price_minor, view.series.currency));
    }
    let page = SeriesPage {
        shell: Shell::new(view.series.title.clone(), &Extras { wide: true, ..Default::default() }),
        tabs: OrgTabs::new(o.org.id, &o.org.name, "events"),
        public_href: format!("/series/{id}"),
        rule: view.series.rrule.clone(),
        times: view.series.times.join(", "),
        published: view.series.status == "published",
        can_manage: o.role.grants(Permission::ManageCatalog),
        csrf,
        publish_action: format!("{base}/publish"),
        change_action: format!("{base}/change"),
        rows,
        next: page.next_cursor.map(|c| format!("{base}?cursor={c}")),
        values: Filled(&shown),
        errors,
        notice,
        type_names: view.series.ticket_types.iter().enumerate().map(|(i, t)| (i, t.name.clone())).collect(),
    };
    render(status, &page, &[])
}

async fn series_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, series)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
    uri: axum::http::Uri,
) -> Response {
    let (actor, o) = match guard(&s, &org, uri.path()).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Ok(id) = series.parse() else { return super::not_found_page() };
    let (csrf, _) = csrf_token(&headers);
    let notice = q.contains_key("saved").then(|| t("series-saved"));
    series_form(&s, &actor, &o, id, q.get("cursor").cloned(), StatusCode::OK, csrf, &HashMap::new(), &[], notice).await
}

/// The guard, the series id and the checked form of a POST on a series.
async fn posted(
    s: &AppState,
    headers: &HeaderMap,
    org: &str,
    series: &str,
    uri: &axum::http::Uri,
    body: &Bytes,
) -> Result<(Actor, OrgWithRole, SeriesId, HashMap<String, String>), Response> {
    let (actor, o) = guard(s, org, uri.path()).await?;
    let id: SeriesId = series.parse().map_err(|_| super::not_found_page())?;
    let values = form(body);
    if !csrf_ok(headers, &values) {
        return Err(form_expired_page(uri.path()));
    }
    Ok((actor, o, id, values))
}

async fn publish(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, series)): Path<(String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let (actor, o, id, _) = match posted(&s, &headers, &org, &series, &uri, &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match s.app.publish_series(&actor, o.org.id, id).await {
        Ok(_) => redirect(&format!("/dashboard/orgs/{}/series/{id}?saved=1", o.org.id), &[]),
        Err(e) => error_page(e),
    }
}

async fn remove(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, series, event)): Path<(String, String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let (actor, o, id, _) = match posted(&s, &headers, &org, &series, &uri, &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Ok(event) = event.parse::<EventId>() else { return super::not_found_page() };
    match s.app.remove_occurrence(&actor, o.org.id, id, event).await {
        Ok(()) => redirect(&format!("/dashboard/orgs/{}/series/{id}?saved=1", o.org.id), &[]),
        Err(e) => match form_errors(e) {
            Ok(errors) => {
                let (csrf, _) = csrf_token(&headers);
                series_form(&s, &actor, &o, id, None, StatusCode::CONFLICT, csrf, &HashMap::new(), &errors, None).await
            }
            Err(page) => page,
        },
    }
}

async fn change(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, series)): Path<(String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let (actor, o, id, values) = match posted(&s, &headers, &org, &series, &uri, &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let view = match s.app.series(&actor, o.org.id, id).await {
        Ok(v) => v,
        Err(e) => return error_page(e),
    };
    let v = |k: &str| values.get(k).map(|x| x.trim().to_string()).filter(|x| !x.is_empty());
    let mut errors = vec![];
    let capacity = match v("capacity").map(|c| c.parse::<i64>()) {
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => {
            errors.push(("capacity".to_string(), t("dashboard-whole-number")));
            None
        }
        None => None,
    };
    let mut types = view.series.ticket_types.clone();
    for (i, tt) in types.iter_mut().enumerate() {
        if let Some(p) = v(&format!("type{i}_price")) {
            match super::parse_amount(&p, view.series.currency) {
                Some(m) => tt.price_minor = m,
                None => errors.push((format!("type{i}_price"), t("series-bad-amount"))),
            }
        }
    }
    if errors.is_empty() {
        let patch = SeriesPatch {
            from: v("from"),
            rrule: v("rrule"),
            times: v("times").map(|_| items(values.get("times"))),
            exdates: values.get("exdates").map(|_| items(values.get("exdates"))),
            capacity,
            ticket_types: Some(types),
            ..Default::default()
        };
        match s.app.update_series(&actor, o.org.id, id, patch).await {
            Ok(_) => return redirect(&format!("/dashboard/orgs/{}/series/{id}?saved=1", o.org.id), &[]),
            Err(e) => match form_errors(e) {
                Ok(f) => {
                    errors = f
                        .into_iter()
                        .map(|(k, m)| {
                            (
                                if k.starts_with("ticket_types") {
                                    form_field(&k)
                                } else {
                                    k.split('[').next().unwrap_or(&k).to_string()
                                },
                                m,
                            )
                        })
                        .collect()
                }
                Err(page) => return page,
            },
        }
    }
    let (csrf, _) = csrf_token(&headers);
    series_form(&s, &actor, &o, id, None, StatusCode::UNPROCESSABLE_ENTITY, csrf, &values, &errors, None).await
}
