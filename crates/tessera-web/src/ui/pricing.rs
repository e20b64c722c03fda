//! The event's "Promotions" tab: its promo codes (and the organization's
//! codes for every event), a form for a new code, a form that generates a
//! batch of single-use codes with a CSV download, each code's orders, and
//! deleting a code behind a confirmation.

use super::dashboard::{EventView, Values, event_view, guard, local_text, parse_local};
use super::orders::event_tabs;
use super::shell::{Filled, OrgTabs, Shell, Text, render, t, t_args};
use super::{Extras, csrf_ok, csrf_token, error_page, form, form_errors, form_expired_page, money, redirect};
use crate::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::collections::HashMap;
use tessera_app::Actor;
use tessera_app::orgs::OrgWithRole;
use tessera_domain::pricing::{Channel, DiscountKind, NewPromoBatch, NewPromoCode, PromoCode};
use tessera_domain::{Currency, Money, Permission, PromoCodeId};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboard/orgs/{org}/events/{event}/promotions", get(page).post(create))
        .route("/dashboard/orgs/{org}/events/{event}/promotions/batch", post(batch))
        .route("/dashboard/orgs/{org}/events/{event}/promotions/{code}", get(uses_page).post(update))
        .route("/dashboard/orgs/{org}/events/{event}/promotions/{code}/delete", post(delete))
        .route("/dashboard/orgs/{org}/promotions/batches/{batch}/codes.csv", get(csv))
}

/// One code in the list.
/// A batch of single-use codes, as one row: its codes are in its CSV, or
/// listed on asking.
struct BatchRow {
    label: String,
    discount: String,
    count: usize,
    used: usize,
    csv: String,
    show: String,
}

/// The codes of one batch listed at most, on asking.
const BATCH_SHOWN: usize = 200;

struct CodeRow {
    code: String,
    description: String,
    discount: String,
    scope: String,
    window: String,
    uses: String,
    batch: Option<(String, String)>,
    href: String,
    delete_action: String,
    delete_question: String,
}

#[derive(askama::Template)]
#[template(path = "pricing/promotions.html")]
struct PromotionsPage<'a> {
    shell: Shell,
    tabs: OrgTabs,
    event_tabs: Vec<(String, String, bool)>,
    csrf: String,
    can_manage: bool,
    /// The event's ticket types a code may be limited to: (id, name).
    types: Vec<(String, String)>,
    batches: Vec<BatchRow>,
    /// Listing one batch: (its label, codes shown, codes in all, the link back).
    batch_shown: Option<(String, usize, usize, String)>,
    notice: Option<String>,
    codes: Vec<CodeRow>,
    action: String,
    batch_action: String,
    values: Filled<'a>,
    errors: &'a [(String, String)],
    /// (value, label, selected) of each discount type.
    kinds: Vec<(&'static str, String, bool)>,
    /// (value, label, selected) of where a code is taken, in each form.
    channels: Vec<(&'static str, String, bool)>,
    batch_channels: Vec<(&'static str, String, bool)>,
    /// The batch just generated: its codes and download link.
    generated: Option<(Vec<String>, String)>,
}

/// (order reference, buyer, order state, use state, when)
struct UseRow {
    reference: String,
    buyer: String,
    state: String,
    active: bool,
    discount: String,
}

#[derive(askama::Template)]
#[template(path = "pricing/uses.html")]
struct UsesPage<'a> {
    shell: Shell,
    tabs: OrgTabs,
    event_tabs: Vec<(String, String, bool)>,
    heading: String,
    rows: Vec<UseRow>,
    back: String,
    /// The edit form (for those who may manage codes).
    can_manage: bool,
    /// The event's ticket types a code may be limited to: (id, name).
    types: Vec<(String, String)>,
    csrf: String,
    action: String,
    values: Filled<'a>,
    errors: &'a [(String, String)],
    kinds: Vec<(&'static str, String, bool)>,
    channels: Vec<(&'static str, String, bool)>,
    /// Where the code is taken (shown above the counter redemptions).
    channel: String,
    /// Its redemptions at counters, newest first.
    counter_rows: Vec<CounterRow>,
}

/// One coupon taken at a counter.
struct CounterRow {
    at: String,
    purchase: String,
    discount: String,
    to_pay: String,
    note: String,
}

/// A code's settings as the edit form shows them.
fn values_of(p: &PromoCode, zone: &str) -> Values {
    let mut v = Values::new();
    v.insert("code".into(), p.code.clone());
    v.insert("description".into(), p.description.clone());
    v.insert("kind".into(), p.kind.as_str().into());
    v.insert(
        "value".into(),
        match (p.kind, p.currency) {
            (DiscountKind::Percent, _) => percent(p.value).trim_end_matches(" %").to_string(),
            (_, Some(c)) => super::amount_text(p.value, c),
            (_, None) => p.value.to_string(),
        },
    );
    v.insert("currency".into(), p.currency.map(|c| c.code().to_string()).unwrap_or_default());
    v.insert("min_quantity".into(), p.min_quantity.to_string());
    let local = |t: Option<tessera_domain::Timestamp>| t.map(|t| local_text(t, zone)).unwrap_or_default();
    v.insert("valid_from".into(), local(p.valid_from));
    v.insert("valid_until".into(), local(p.valid_until));
    v.insert("max_uses".into(), p.max_uses.map(|m| m.to_string()).unwrap_or_default());
    v.insert("max_uses_per_customer".into(), p.max_uses_per_customer.map(|m| m.to_string()).unwrap_or_default());
    if p.unlocks_hidden {
        v.insert("unlocks_hidden".into(), "1".into());
    }
    v.insert("channel".into(), p.channel.as_str().into());
    for t in &p.ticket_type_ids {
        v.insert(format!("type_{t}"), "1".into());
    }
    v
}

/// The event's ticket types, for the "limited to" choice.
async fn type_choices(s: &AppState, actor: &Actor, o: &OrgWithRole, v: &EventView) -> Vec<(String, String)> {
    match s.app.ticket_types(actor, o.org.id, v.event.id).await {
        Ok(types) => types.iter().map(|t| (t.id.to_string(), t.name.clone())).collect(),
        Err(_) => Vec::new(),
    }
}

fn kind_options(values: &Values) -> Vec<(&'static str, String, bool)> {
    let kind = values.get("kind").map(String::as_str).unwrap_or("percent");
    [
        ("percent", t("pricing-kind-percent")),
        ("amount", t("pricing-kind-amount")),
        ("fixed_price", t("pricing-kind-fixed-price")),
    ]
    .into_iter()
    .map(|(k, label)| (k, label, k == kind))
    .collect()
}

fn channel_options(values: &Values, prefix: &str) -> Vec<(&'static str, String, bool)> {
    let chosen = values.get(&format!("{prefix}channel")).map(String::as_str).unwrap_or("online");
    [Channel::Online, Channel::Counter, Channel::Both]
        .into_iter()
        .map(|c| (c.as_str(), channel_text(c), c.as_str() == chosen))
        .collect()
}

pub(super) fn channel_text(c: Channel) -> String {
    t(match c {
        Channel::Online => "pricing-channel-online",
        Channel::Counter => "pricing-channel-counter",
        Channel::Both => "pricing-channel-both",
    })
}

pub(super) fn discount_text(p: &PromoCode) -> String {
    match (p.kind, p.currency) {
        (DiscountKind::Percent, _) => {
            format!("{} − {}", t("pricing-kind-percent"), percent(p.value))
        }
        (DiscountKind::Amount, Some(c)) => format!("{} − {}", t("pricing-kind-amount"), money(Money::new(p.value, c))),
        (DiscountKind::FixedPrice, Some(c)) => {
            format!("{}: {}", t("pricing-kind-fixed-price"), money(Money::new(p.value, c)))
        }
        (_, None) => p.value.to_string(),
    }
}

fn percent(bp: i64) -> String {
    if bp % 100 == 0 { format!("{} %", bp / 100) } else { format!("{}.{:02} %", bp / 100, bp % 100) }
}

fn base(o: &OrgWithRole, v: &EventView) -> String {
    format!("/dashboard/orgs/{}/events/{}/promotions", o.org.id, v.event.id)
}

async fn load(s: &AppState, org: &str, event: &str, here: &str) -> Result<(Actor, OrgWithRole, EventView), Response> {
    let (actor, o) = guard(s, org, here).await?;
    let v = event_view(s, &actor, o.org.id, event).await?;
    Ok((actor, o, v))
}

/// [`load`] for a posted form, whose token must match: its fields too.
async fn load_posted(
    s: &AppState,
    headers: &HeaderMap,
    org: &str,
    event: &str,
    here: &str,
    body: &Bytes,
) -> Result<(Actor, OrgWithRole, EventView, Values), Response> {
    let (actor, o, v) = load(s, org, event, here).await?;
    let values = form(body);
    if !csrf_ok(headers, &values) {
        return Err(form_expired_page(here));
    }
    Ok((actor, o, v, values))
}

#[allow(clippy::too_many_arguments, reason = "one page's inputs")]
async fn list_page(
    s: &AppState,
    actor: &Actor,
    o: &OrgWithRole,
    v: &EventView,
    status: StatusCode,
    csrf: String,
    cookies: Vec<String>,
    values: &Values,
    errors: &[(String, String)],
    notice: Option<String>,
    generated: Option<(Vec<String>, String)>,
    batch: Option<&str>,
) -> Response {
    let codes = match s.app.promo_codes(actor, o.org.id, Some(v.event.id), None).await {
        Ok(c) => c,
        Err(e) => return error_page(e),
    };
    let zone = v.venue.timezone.as_str();
    let here = base(o, v);
    let label_of = |b: &str| b.chars().rev().take(6).collect::<Vec<_>>().into_iter().rev().collect::<String>();
    let csv_of = |b: &str| format!("/dashboard/orgs/{}/promotions/batches/{b}/codes.csv", o.org.id);
    // Single codes are listed; a batch (up to 10,000 codes) is one row,
    // its codes listed only when asked for (`?batch=`).
    let mut batches: Vec<BatchRow> = Vec::new();
    for p in &codes {
        let Some(b) = p.batch.as_deref() else { continue };
        let csv = csv_of(b);
        match batches.iter_mut().find(|r| r.csv == csv) {
            Some(r) => {
                r.count += 1;
                r.used += usize::from(p.uses > 0);
            }
            None => batches.push(BatchRow {
                label: label_of(b),
                discount: discount_text(p),
                count: 1,
                used: usize::from(p.uses > 0),
                csv,
                show: format!("{here}?batch={b}#codes-title"),
            }),
        }
    }
    let in_batch: Vec<&PromoCode> = codes.iter().filter(|p| batch.is_some() && p.batch.as_deref() == batch).collect();
    let batch_shown = batch.map(|b| (label_of(b), in_batch.len().min(BATCH_SHOWN), in_batch.len(), here.clone()));
    let listed: Vec<&PromoCode> = match batch {
        Some(_) => in_batch.into_iter().take(BATCH_SHOWN).collect(),
        None => codes.iter().filter(|p| p.batch.is_none()).collect(),
    };
    let rows = listed
        .into_iter()
        .map(|p| CodeRow {
            code: p.code.clone(),
            description: p.description.clone(),
            discount: discount_text(p),
            scope: {
                let scope = if p.event_id.is_some() { t("pricing-scope-event") } else { t("pricing-scope-org") };
                if p.channel == Channel::Online { scope } else { format!("{scope} · {}", channel_text(p.channel)) }
            },
            window: match (p.valid_from, p.valid_until) {
                (None, None) => String::new(),
                (a, b) => format!(
                    "{} – {}",
                    a.map(|t| local_text(t, zone).replace('T', " ")).unwrap_or_default(),
                    b.map(|t| local_text(t, zone).replace('T', " ")).unwrap_or_default()
                ),
            },
            uses: match p.max_uses {
                Some(max) => t_args("pricing-uses-of", &[("uses", p.uses.into()), ("max", max.into())]),
                None => p.uses.to_string(),
            },
            batch: p.batch.as_deref().map(|b| (label_of(b), csv_of(b))),
            href: format!("{here}/{}", p.id),
            delete_action: format!("{here}/{}/delete", p.id),
            delete_question: t_args("pricing-delete-confirm", &[("code", p.code.clone().into())]),
        })
        .collect();
    let kinds = kind_options(values);
    let (channels, batch_channels) = (channel_options(values, ""), channel_options(values, "batch_"));
    let types = type_choices(s, actor, o, v).await;
    let extras = Extras { cookies, wide: true, ..Default::default() };
    let page = PromotionsPage {
        shell: Shell::new(t_args("pricing-title", &[("event", v.event.title.clone().into())]), &extras),
        tabs: OrgTabs::new(o.org.id, &o.org.name, "events"),
        event_tabs: event_tabs(o.org.id, &v.event, "promotions"),
        csrf,
        can_manage: o.role.grants(Permission::ManageCatalog),
        notice,
        types,
        batches,
        batch_shown,
        codes: rows,
        action: here.clone(),
        batch_action: format!("{here}/batch"),
        values: Filled(values),
        errors,
        kinds,
        channels,
        batch_channels,
        generated,
    };
    render(status, &page, &extras.cookies)
}

async fn page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
    uri: axum::http::Uri,
) -> Response {
    let (actor, o, v) = match load(&s, &org, &event, uri.path()).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let notice = match q.get("done").map(String::as_str) {
        Some("created") => Some(t("pricing-created")),
        Some("deleted") => Some(t("pricing-deleted")),
        Some("saved") => Some(t("pricing-saved")),
        _ => None,
    };
    let (csrf, set) = csrf_token(&headers);
    let mut values = Values::new();
    values.insert("scope".into(), "event".into());
    values.insert("min_quantity".into(), "1".into());
    values.insert("currency".into(), event_currency(&s, &actor, &o, &v).await.unwrap_or_default());
    let batch = q.get("batch").map(String::as_str).filter(|b| !b.is_empty());
    list_page(&s, &actor, &o, &v, StatusCode::OK, csrf, set.into_iter().collect(), &values, &[], notice, None, batch)
        .await
}

/// The currency of the event's ticket types, to prefill the form.
async fn event_currency(s: &AppState, actor: &Actor, o: &OrgWithRole, v: &EventView) -> Option<String> {
    let types = s.app.ticket_types(actor, o.org.id, v.event.id).await.ok()?;
    types.first().map(|t| t.price.currency.code().to_string())
}

/// The form's settings, or the fields at fault; `code` is left to the caller.
fn read_settings(values: &Values, v: &EventView, errors: &mut Vec<(String, String)>) -> Option<NewPromoCode> {
    let zone = v.venue.timezone.as_str();
    let text = |k: &str| values.get(k).map(|x| x.trim().to_string()).unwrap_or_default();
    let int = |k: &str, errors: &mut Vec<(String, String)>| -> Option<i64> {
        let x = text(k);
        if x.is_empty() {
            return None;
        }
        match x.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.push((k.to_string(), t("pricing-error-number")));
                None
            }
        }
    };
    let when = |k: &str, errors: &mut Vec<(String, String)>| {
        let x = text(k);
        if x.is_empty() {
            return None;
        }
        let parsed = parse_local(&x, zone);
        if parsed.is_none() {
            errors.push((k.to_string(), t("pricing-error-date")));
        }
        parsed
    };
    let kind = DiscountKind::parse(&text("kind"));
    if kind.is_none() {
        errors.push(("kind".into(), t("pricing-error-kind")));
    }
    let currency = match text("currency") {
        c if c.is_empty() || kind == Some(DiscountKind::Percent) => None,
        c => match Currency::parse(&c.to_uppercase()) {
            Ok(c) => Some(c),
            Err(_) => {
                errors.push(("currency".into(), t("pricing-error-currency")));
                None
            }
        },
    };
    // People type a percentage as "20" or "12.5", an amount as "5.00" in
    // the currency; the code keeps basis points and minor units.
    let value = match (kind, currency) {
        (Some(DiscountKind::Percent), _) => super::parse_decimal(&text("value"), 2),
        (Some(_), Some(c)) => super::parse_amount(&text("value"), c),
        (Some(_), None) => {
            if !errors.iter().any(|(f, _)| f == "currency") {
                errors.push(("currency".into(), t("pricing-error-currency")));
            }
            None
        }
        (None, _) => None,
    };
    if value.is_none() && kind.is_some() && !errors.iter().any(|(f, _)| f == "value") {
        errors.push(("value".into(), t("pricing-error-value")));
    }
    let min_quantity = int("min_quantity", errors).unwrap_or(1);
    let max_uses = int("max_uses", errors);
    let max_uses_per_customer = int("max_uses_per_customer", errors);
    let valid_from = when("valid_from", errors);
    let valid_until = when("valid_until", errors);
    let org_wide = values.get("scope").map(String::as_str) == Some("org");
    // Chosen ticket types (`type_<id>` boxes); none chosen is every type.
    let mut ticket_type_ids: Vec<tessera_domain::TicketTypeId> = Vec::new();
    for key in values.keys() {
        if let Some(id) = key.strip_prefix("type_") {
            match id.parse() {
                Ok(id) => ticket_type_ids.push(id),
                Err(_) => errors.push(("ticket_type_ids".into(), t("pricing-error-types"))),
            }
        }
    }
    ticket_type_ids.sort_by_key(|id| id.to_string());
    let channel = match text("channel").as_str() {
        "" => Channel::Online,
        c => Channel::parse(c).unwrap_or_else(|| {
            errors.push(("channel".into(), t("pricing-error-channel")));
            Channel::Online
        }),
    };
    Some(NewPromoCode {
        event_id: if org_wide { None } else { Some(v.event.id) },
        code: text("code"),
        description: text("description"),
        kind: kind?,
        value: value?,
        currency,
        ticket_type_ids,
        min_quantity,
        valid_from,
        valid_until,
        max_uses,
        max_uses_per_customer,
        unlocks_hidden: values.contains_key("unlocks_hidden"),
        channel,
    })
}

async fn create(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event)): Path<(String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let (actor, o, v, values) = match load_posted(&s, &headers, &org, &event, uri.path(), &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let mut errors = vec![];
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if let Some(input) = read_settings(&values, &v, &mut errors)
        && errors.is_empty()
    {
        match s.app.create_promo_code(&actor, o.org.id, input).await {
            Ok(_) => return redirect(&format!("{}?done=created", base(&o, &v)), &[]),
            Err(tessera_app::AppError::Conflict { field, .. }) => {
                status = StatusCode::CONFLICT;
                errors.push((field, t("pricing-error-taken")));
            }
            Err(e) => match form_errors(e) {
                Ok(fields) => errors.extend(fields),
                Err(page) => return page,
            },
        }
    }
    let (csrf, _) = csrf_token(&headers);
    list_page(&s, &actor, &o, &v, status, csrf, vec![], &values, &errors, None, None, None).await
}

async fn batch(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event)): Path<(String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let (actor, o, v, mut values) = match load_posted(&s, &headers, &org, &event, uri.path(), &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    // The batch form's fields carry a `batch_` prefix, so that both forms
    // can show their own errors on one page.
    let mut plain: Values =
        values.iter().filter_map(|(k, x)| k.strip_prefix("batch_").map(|k| (k.to_string(), x.clone()))).collect();
    plain.insert("code".into(), "BATCH".into());
    let mut errors = vec![];
    let count = plain.get("count").and_then(|c| c.trim().parse::<i64>().ok());
    if count.is_none() {
        errors.push(("count".into(), t("pricing-error-number")));
    }
    let settings = read_settings(&plain, &v, &mut errors);
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    let mut generated = None;
    if let (Some(c), Some(count)) = (settings, count)
        && errors.is_empty()
    {
        let input = NewPromoBatch {
            event_id: c.event_id,
            prefix: plain.get("prefix").cloned().unwrap_or_default(),
            count,
            description: c.description,
            kind: c.kind,
            value: c.value,
            currency: c.currency,
            ticket_type_ids: vec![],
            min_quantity: c.min_quantity,
            valid_from: c.valid_from,
            valid_until: c.valid_until,
            unlocks_hidden: c.unlocks_hidden,
            channel: c.channel,
        };
        match s.app.generate_promo_batch(&actor, o.org.id, input).await {
            Ok(b) => {
                status = StatusCode::OK;
                let href = format!("/dashboard/orgs/{}/promotions/batches/{}/codes.csv", o.org.id, b.batch);
                generated = Some((b.codes.into_iter().take(20).collect(), href));
                values.clear();
            }
            Err(e) => match form_errors(e) {
                Ok(fields) => errors.extend(fields),
                Err(page) => return page,
            },
        }
    }
    let errors: Vec<(String, String)> = errors.into_iter().map(|(f, m)| (format!("batch_{f}"), m)).collect();
    let notice = generated.as_ref().map(|_| t_args("pricing-generated", &[("count", count.unwrap_or(0).into())]));
    let (csrf, _) = csrf_token(&headers);
    list_page(&s, &actor, &o, &v, status, csrf, vec![], &values, &errors, notice, generated, None).await
}

async fn delete(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event, code)): Path<(String, String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let (actor, o, v) = match load(&s, &org, &event, uri.path()).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let values = form(&body);
    if !csrf_ok(&headers, &values) {
        return form_expired_page(&base(&o, &v));
    }
    let id: PromoCodeId = match code.parse() {
        Ok(id) => id,
        Err(_) => return super::not_found_page(),
    };
    match s.app.delete_promo_code(&actor, o.org.id, id).await {
        Ok(()) => redirect(&format!("{}?done=deleted", base(&o, &v)), &[]),
        Err(e) => error_page(e),
    }
}

async fn uses_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event, code)): Path<(String, String, String)>,
    uri: axum::http::Uri,
) -> Response {
    let (actor, o, v) = match load(&s, &org, &event, uri.path()).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let (csrf, set) = csrf_token(&headers);
    code_page(&s, &actor, &o, &v, &code, StatusCode::OK, csrf, set.into_iter().collect(), None, &[]).await
}

#[allow(clippy::too_many_arguments, reason = "one page's inputs")]
async fn code_page(
    s: &AppState,
    actor: &Actor,
    o: &OrgWithRole,
    v: &EventView,
    code: &str,
    status: StatusCode,
    csrf: String,
    cookies: Vec<String>,
    values: Option<&Values>,
    errors: &[(String, String)],
) -> Response {
    let id: PromoCodeId = match code.parse() {
        Ok(id) => id,
        Err(_) => return super::not_found_page(),
    };
    let (promo, uses) = match s.app.promo_code(actor, o.org.id, id).await {
        Ok(p) => match s.app.promo_uses(actor, o.org.id, id).await {
            Ok(u) => (p, u),
            Err(e) => return error_page(e),
        },
        Err(e) => return error_page(e),
    };
    let counter = match s.app.counter_coupon_uses(actor, o.org.id, id).await {
        Ok(c) => c,
        Err(e) => return error_page(e),
    };
    let zone = v.venue.timezone.as_str();
    let shown = values_of(&promo, v.venue.timezone.as_str());
    let values = values.unwrap_or(&shown);
    let types = type_choices(s, actor, o, v).await;
    let extras = Extras { cookies, wide: true, ..Default::default() };
    let heading = t_args("pricing-uses-title", &[("code", promo.code.clone().into())]);
    let page = UsesPage {
        shell: Shell::new(heading.clone(), &extras),
        tabs: OrgTabs::new(o.org.id, &o.org.name, "events"),
        event_tabs: event_tabs(o.org.id, &v.event, "promotions"),
        heading,
        rows: uses
            .iter()
            .map(|u| UseRow {
                reference: u.reference.clone(),
                buyer: u.buyer_email.clone(),
                state: u.order_state.clone(),
                active: u.use_state == "active",
                discount: money(u.discount),
            })
            .collect(),
        back: base(o, v),
        can_manage: o.role.grants(Permission::ManageCatalog),
        types,
        csrf,
        action: format!("{}/{}", base(o, v), promo.id),
        values: Filled(values),
        errors,
        kinds: kind_options(values),
        channels: channel_options(values, ""),
        channel: channel_text(promo.channel),
        counter_rows: counter
            .iter()
            .map(|c| CounterRow {
                at: local_text(c.at, zone).replace('T', " "),
                purchase: money(c.purchase),
                discount: money(c.discount),
                to_pay: money(c.to_pay),
                note: c.note.clone(),
            })
            .collect(),
    };
    render(status, &page, &extras.cookies)
}

async fn update(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event, code)): Path<(String, String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let (actor, o, v, mut values) = match load_posted(&s, &headers, &org, &event, uri.path(), &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let id: PromoCodeId = match code.parse() {
        Ok(id) => id,
        Err(_) => return super::not_found_page(),
    };
    // A code keeps its event: the app layer fills it in.
    values.insert("scope".into(), "org".into());
    let mut errors = vec![];
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if let Some(input) = read_settings(&values, &v, &mut errors)
        && errors.is_empty()
    {
        match s.app.replace_promo_code(&actor, o.org.id, id, input).await {
            Ok(_) => return redirect(&format!("{}?done=saved", base(&o, &v)), &[]),
            Err(tessera_app::AppError::Conflict { field, message }) => {
                status = StatusCode::CONFLICT;
                let text = if field == "code" { t("pricing-error-taken") } else { message };
                errors.push((field, text));
            }
            Err(e) => match form_errors(e) {
                Ok(fields) => errors.extend(fields),
                Err(page) => return page,
            },
        }
    }
    let (csrf, _) = csrf_token(&headers);
    code_page(&s, &actor, &o, &v, &code, status, csrf, vec![], Some(&values), &errors).await
}

async fn csv(State(s): State<AppState>, Path((org, batch)): Path<(String, String)>, uri: axum::http::Uri) -> Response {
    let (actor, o) = match guard(&s, &org, uri.path()).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match s.app.promo_batch_csv(&actor, o.org.id, &batch).await {
        Ok(text) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
                (header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"promo-codes.csv\"")),
            ],
            text,
        )
            .into_response(),
        Err(e) => error_page(e),
    }
}
