//! A ticket type's price tiers in the dashboard: the list (price, end, what
//! each has sold and holds, which applies now), a form for a new tier, and
//! each tier's edit form with delete behind a confirmation.

use super::dashboard::{EventView, Values, event_view, guard, local_text, parse_id, parse_local};
use super::orders::event_tabs;
use super::shell::{Filled, OrgTabs, Shell, Text, render, t, t_args};
use super::{Extras, csrf_ok, csrf_token, error_page, form, form_errors, form_expired_page, money, redirect};
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
use tessera_domain::catalog::TicketType;
use tessera_domain::dynamic::{DynamicSettings, PriceChange, Reason, Rule};
use tessera_domain::tiers::{NewPriceTier, PriceTier};
use tessera_domain::{Permission, PriceTierId, TicketTypeId};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboard/orgs/{org}/events/{event}/ticket-types/{tt}/tiers", get(page).post(create))
        .route("/dashboard/orgs/{org}/events/{event}/ticket-types/{tt}/tiers/{tier}", get(edit_page).post(update))
        .route("/dashboard/orgs/{org}/events/{event}/ticket-types/{tt}/tiers/{tier}/delete", post(delete))
        .route("/dashboard/orgs/{org}/events/{event}/ticket-types/{tt}/dynamic-pricing", post(save_dynamic))
        .route("/dashboard/orgs/{org}/events/{event}/ticket-types/{tt}/dynamic-pricing/off", post(dynamic_off))
}

struct TierRow {
    name: String,
    price: String,
    until: String,
    quantity: String,
    sold: i64,
    held: i64,
    current: bool,
    ended: bool,
    href: String,
}

#[derive(askama::Template)]
#[template(path = "pricing/tiers.html")]
struct TiersPage<'a> {
    shell: Shell,
    tabs: OrgTabs,
    event_tabs: Vec<(String, String, bool)>,
    back: String,
    notice: Option<String>,
    list_price: String,
    currency: String,
    rows: Vec<TierRow>,
    can_manage: bool,
    editing: bool,
    csrf: String,
    action: String,
    /// (action, question) of the delete confirmation, editing a tier.
    delete: Option<(String, String)>,
    values: Filled<'a>,
    errors: &'a [(String, String)],
    dynamic_on: bool,
    dynamic_action: String,
    dynamic_off_action: String,
    /// (value, label, selected) of each rule.
    rules: Vec<(&'static str, String, bool)>,
    /// (when, from → to, reason) of recent price changes.
    changes: Vec<(String, String, String)>,
}

/// Everything a tiers page needs, loaded for the signed-in organizer.
/// A ticket type's page in the dashboard: who looks, the organization, the
/// event and the type (also the memberships page's, `ui::membership`).
pub(super) struct Ctx {
    pub(super) actor: Actor,
    pub(super) o: OrgWithRole,
    pub(super) v: EventView,
    pub(super) tt: TicketType,
}

impl Ctx {
    fn base(&self) -> String {
        format!("/dashboard/orgs/{}/events/{}/ticket-types/{}/tiers", self.o.org.id, self.v.event.id, self.tt.id)
    }

    fn dynamic_base(&self) -> String {
        format!(
            "/dashboard/orgs/{}/events/{}/ticket-types/{}/dynamic-pricing",
            self.o.org.id, self.v.event.id, self.tt.id
        )
    }
}

pub(super) async fn load(s: &AppState, org: &str, event: &str, tt: &str, here: &str) -> Result<Ctx, Response> {
    let (actor, o) = guard(s, org, here).await?;
    let v = event_view(s, &actor, o.org.id, event).await?;
    let id: TicketTypeId = parse_id(tt)?;
    let types = s.app.ticket_types(&actor, o.org.id, v.event.id).await.map_err(error_page)?;
    let tt = types.into_iter().find(|t| t.id == id).ok_or_else(super::not_found_page)?;
    Ok(Ctx { actor, o, v, tt })
}

/// A tier's settings as the form shows them.
fn values_of(p: &PriceTier, zone: &str) -> Values {
    let mut v = Values::new();
    v.insert("name".into(), p.name.clone());
    v.insert("price".into(), super::amount_text(p.price.amount_minor, p.price.currency));
    v.insert("until".into(), p.until.map(|u| local_text(u, zone)).unwrap_or_default());
    v.insert("quantity".into(), p.quantity.map(|q| q.to_string()).unwrap_or_default());
    v.insert("position".into(), p.position.to_string());
    v
}

/// The form read into a tier, or the fields at fault (in the page's words).
fn read(values: &Values, c: &Ctx) -> Result<NewPriceTier, Refused> {
    let mut errors = Vec::new();
    match read_fields(values, c, &mut errors) {
        Some(input) if errors.is_empty() => Ok(input),
        _ => Err(Refused::Fields(errors)),
    }
}

fn read_fields(values: &Values, c: &Ctx, errors: &mut Vec<(String, String)>) -> Option<NewPriceTier> {
    let zone = c.v.venue.timezone.as_str();
    let text = |k: &str| values.get(k).map(|x| x.trim().to_string()).unwrap_or_default();
    let int = |k: &str, errors: &mut Vec<(String, String)>| -> Option<i64> {
        let x = text(k);
        if x.is_empty() {
            return None;
        }
        let n = x.parse::<i64>().ok();
        if n.is_none() {
            errors.push((k.to_string(), t("pricing-error-number")));
        }
        n
    };
    let price = super::parse_amount(&text("price"), c.tt.price.currency);
    if price.is_none() {
        errors.push(("price".into(), t("tier-error-price")));
    }
    let until = match text("until") {
        x if x.is_empty() => None,
        x => {
            let parsed = parse_local(&x, zone);
            if parsed.is_none() {
                errors.push(("until".into(), t("pricing-error-date")));
            }
            parsed
        }
    };
    let quantity = int("quantity", errors);
    let position = int("position", errors);
    Some(NewPriceTier { name: text("name"), price_minor: price?, until, quantity, position })
}

#[allow(clippy::too_many_arguments, reason = "one page's inputs")]
async fn show(
    s: &AppState,
    c: &Ctx,
    status: StatusCode,
    csrf: String,
    cookies: Vec<String>,
    values: &Values,
    errors: &[(String, String)],
    notice: Option<String>,
    editing: Option<&PriceTier>,
) -> Response {
    let tiers = match s.app.price_tiers(&c.actor, c.o.org.id, c.tt.id).await {
        Ok(t) => t,
        Err(e) => return error_page(e),
    };
    let dynamic = match s.app.dynamic_pricing(&c.actor, c.o.org.id, c.tt.id).await {
        Ok(d) => d,
        Err(e) => return error_page(e),
    };
    // The dynamic form shows the settings in force unless it was just sent.
    let mut values = values.clone();
    if !values.contains_key("rule") {
        values.extend(dynamic_values(dynamic.settings.as_ref(), c.tt.price.currency));
    }
    let values = &values;
    let now = s.app.now();
    let zone = c.v.venue.timezone.as_str();
    let current = tessera_domain::tiers::current(c.tt.price, &tiers, now).1.map(|t| t.id);
    let base = c.base();
    let rows = tiers
        .iter()
        .map(|p| TierRow {
            name: p.name.clone(),
            price: money(p.price),
            until: p.until.map(|u| local_text(u, zone).replace('T', " ")).unwrap_or_default(),
            quantity: p.quantity.map(|q| q.to_string()).unwrap_or_default(),
            sold: p.sold,
            held: p.held,
            current: current == Some(p.id),
            ended: !p.open(now),
            href: format!("{base}/{}", p.id),
        })
        .collect();
    let extras = Extras { cookies, wide: true, ..Default::default() };
    let heading =
        t_args("tier-title", &[("type", c.tt.name.clone().into()), ("event", c.v.event.title.clone().into())]);
    let page = TiersPage {
        shell: Shell::new(heading, &extras),
        tabs: OrgTabs::new(c.o.org.id, &c.o.org.name, "events"),
        event_tabs: event_tabs(c.o.org.id, &c.v.event, "overview"),
        back: format!("/dashboard/orgs/{}/events/{}", c.o.org.id, c.v.event.id),
        notice,
        list_price: money(dynamic.price),
        currency: c.tt.price.currency.code().to_string(),
        rows,
        can_manage: c.o.role.grants(Permission::ManageCatalog),
        editing: editing.is_some(),
        csrf,
        action: editing.map(|p| format!("{base}/{}", p.id)).unwrap_or_else(|| base.clone()),
        delete: editing.map(|p| {
            (format!("{base}/{}/delete", p.id), t_args("tier-delete-confirm", &[("name", p.name.clone().into())]))
        }),
        rules: rule_options(values),
        dynamic_on: dynamic.settings.is_some(),
        dynamic_action: c.dynamic_base(),
        dynamic_off_action: format!("{}/off", c.dynamic_base()),
        changes: dynamic
            .changes
            .iter()
            .map(|ch| {
                (
                    local_text(ch.at, zone).replace('T', " "),
                    format!("{} → {}", money(ch.from), money(ch.to)),
                    reason_text(ch),
                )
            })
            .collect(),
        values: Filled(values),
        errors,
    };
    render(status, &page, &extras.cookies)
}

fn notice_of(q: &HashMap<String, String>) -> Option<String> {
    match q.get("done").map(String::as_str) {
        Some("created") => Some(t("tier-created")),
        Some("saved") => Some(t("tier-saved")),
        Some("deleted") => Some(t("tier-deleted")),
        Some("dynamic") => Some(t("dynamic-saved")),
        Some("dynamic-off") => Some(t("dynamic-turned-off")),
        _ => None,
    }
}

async fn page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event, tt)): Path<(String, String, String)>,
    Query(q): Query<HashMap<String, String>>,
    uri: axum::http::Uri,
) -> Response {
    let c = match load(&s, &org, &event, &tt, uri.path()).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let (csrf, set) = csrf_token(&headers);
    show(&s, &c, StatusCode::OK, csrf, set.into_iter().collect(), &Values::new(), &[], notice_of(&q), None).await
}

async fn find_tier(s: &AppState, c: &Ctx, tier: &str) -> Result<PriceTier, Response> {
    let id: PriceTierId = parse_id(tier)?;
    let tiers = s.app.price_tiers(&c.actor, c.o.org.id, c.tt.id).await.map_err(error_page)?;
    tiers.into_iter().find(|p| p.id == id).ok_or_else(super::not_found_page)
}

async fn edit_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event, tt, tier)): Path<(String, String, String, String)>,
    uri: axum::http::Uri,
) -> Response {
    let c = match load(&s, &org, &event, &tt, uri.path()).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let p = match find_tier(&s, &c, &tier).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let (csrf, set) = csrf_token(&headers);
    let values = values_of(&p, c.v.venue.timezone.as_str());
    show(&s, &c, StatusCode::OK, csrf, set.into_iter().collect(), &values, &[], None, Some(&p)).await
}

/// [`load`] for a posted form, whose token must match: its fields too.
async fn load_posted(
    s: &AppState,
    headers: &HeaderMap,
    (org, event, tt): (&str, &str, &str),
    here: &str,
    body: &Bytes,
) -> Result<(Ctx, Values), Response> {
    let c = load(s, org, event, tt, here).await?;
    let values = form(body);
    if !csrf_ok(headers, &values) {
        return Err(form_expired_page(here));
    }
    Ok((c, values))
}

async fn create(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event, tt)): Path<(String, String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let (c, values) = match load_posted(&s, &headers, (&org, &event, &tt), uri.path(), &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let saved = match read(&values, &c) {
        Ok(input) => {
            s.app.create_price_tier(&c.actor, c.o.org.id, c.tt.id, input).await.map(drop).map_err(Refused::from)
        }
        Err(fields) => Err(fields),
    };
    settle(&s, &headers, &c, &values, None, saved, "created").await
}

/// A posted form's end: on to the list with a notice once saved, else the
/// page again with each field at fault (API field names said as the form's).
async fn settle(
    s: &AppState,
    headers: &HeaderMap,
    c: &Ctx,
    values: &Values,
    editing: Option<&PriceTier>,
    saved: Result<(), Refused>,
    done: &str,
) -> Response {
    let errors = match saved {
        Ok(()) => return redirect(&format!("{}?done={done}", c.base()), &[]),
        Err(Refused::Fields(fields)) => fields,
        Err(Refused::App(e)) => match form_errors(e) {
            Ok(fields) => fields.into_iter().map(|(f, m)| (form_field(f), m)).collect(),
            Err(page) => return page,
        },
    };
    let (csrf, _) = csrf_token(headers);
    show(s, c, StatusCode::UNPROCESSABLE_ENTITY, csrf, vec![], values, &errors, None, editing).await
}

/// Why a form was not saved: fields the page could not read, or the app's refusal.
enum Refused {
    Fields(Vec<(String, String)>),
    App(tessera_app::AppError),
}

impl From<tessera_app::AppError> for Refused {
    fn from(e: tessera_app::AppError) -> Self {
        Refused::App(e)
    }
}

async fn update(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event, tt, tier)): Path<(String, String, String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let (c, values) = match load_posted(&s, &headers, (&org, &event, &tt), uri.path(), &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let p = match find_tier(&s, &c, &tier).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let saved = match read(&values, &c) {
        Ok(input) => s.app.update_price_tier(&c.actor, c.o.org.id, p.id, input).await.map(drop).map_err(Refused::from),
        Err(fields) => Err(fields),
    };
    settle(&s, &headers, &c, &values, Some(&p), saved, "saved").await
}

async fn delete(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event, tt, tier)): Path<(String, String, String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let (c, _) = match load_posted(&s, &headers, (&org, &event, &tt), uri.path(), &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let p = match find_tier(&s, &c, &tier).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    match s.app.delete_price_tier(&c.actor, c.o.org.id, p.id).await {
        Ok(()) => redirect(&format!("{}?done=deleted", c.base()), &[]),
        Err(tessera_app::AppError::Conflict { .. }) => {
            let (csrf, _) = csrf_token(&headers);
            let errors = vec![("name".to_string(), t("tier-error-in-use"))];
            let values = values_of(&p, c.v.venue.timezone.as_str());
            show(&s, &c, StatusCode::CONFLICT, csrf, vec![], &values, &errors, None, Some(&p)).await
        }
        Err(e) => error_page(e),
    }
}

fn rule_options(values: &Values) -> Vec<(&'static str, String, bool)> {
    let rule = values.get("rule").map(String::as_str).unwrap_or("share_sold");
    [
        ("share_sold", t("dynamic-rule-share-sold")),
        ("sales_rate", t("dynamic-rule-sales-rate")),
        ("time_to_event", t("dynamic-rule-time-to-event")),
    ]
    .into_iter()
    .map(|(k, label)| (k, label, k == rule))
    .collect()
}

/// A price change's reason in the page's language.
fn reason_text(ch: &PriceChange) -> String {
    match ch.reason {
        Reason::ShareSold => {
            t_args("dynamic-reason-share-sold", &[("share", super::amount_text(ch.figure, percent()).into())])
        }
        Reason::SalesUp => t_args("dynamic-reason-sales-up", &[("count", ch.figure.into())]),
        Reason::SalesDown => t_args("dynamic-reason-sales-down", &[("count", ch.figure.into())]),
        Reason::TimeToEvent => t_args("dynamic-reason-time", &[("hours", ch.figure.into())]),
        Reason::Bounds => t("dynamic-reason-bounds"),
    }
}

/// Basis points read and written as a percentage with two decimals.
fn percent() -> tessera_domain::Currency {
    // Any currency with two decimals formats 1234 bp as "12.34".
    tessera_domain::Currency::parse("EUR").expect("EUR exists")
}

fn dynamic_values(s: Option<&DynamicSettings>, currency: tessera_domain::Currency) -> Values {
    let mut v = Values::new();
    let Some(s) = s else {
        v.insert("rounding".into(), super::amount_text(1, currency));
        return v;
    };
    v.insert("floor".into(), super::amount_text(s.floor_minor, currency));
    v.insert("ceiling".into(), super::amount_text(s.ceiling_minor, currency));
    v.insert("rule".into(), s.rule.as_str().into());
    v.insert("target_per_hour".into(), s.target_per_hour.map(|n| n.to_string()).unwrap_or_default());
    v.insert("step".into(), s.step_bp.map(|bp| super::amount_text(bp, percent())).unwrap_or_default());
    v.insert("window_hours".into(), s.window_hours.map(|n| n.to_string()).unwrap_or_default());
    if s.falling {
        v.insert("falling".into(), "1".into());
    }
    v.insert("rounding".into(), super::amount_text(s.rounding_minor, currency));
    v
}

/// The dynamic pricing form read into settings, or the fields at fault.
fn read_dynamic(values: &Values, c: &Ctx) -> Result<DynamicSettings, Refused> {
    let mut errors = Vec::new();
    match read_dynamic_fields(values, c, &mut errors) {
        Some(input) if errors.is_empty() => Ok(input),
        _ => Err(Refused::Fields(errors)),
    }
}

fn read_dynamic_fields(values: &Values, c: &Ctx, errors: &mut Vec<(String, String)>) -> Option<DynamicSettings> {
    let text = |k: &str| values.get(k).map(|x| x.trim().to_string()).unwrap_or_default();
    let cur = c.tt.price.currency;
    let amount = |k: &str, errors: &mut Vec<(String, String)>| {
        let v = super::parse_amount(&text(k), cur);
        if v.is_none() {
            errors.push((k.to_string(), t("tier-error-price")));
        }
        v
    };
    let floor = amount("floor", errors);
    let ceiling = amount("ceiling", errors);
    let rounding = if text("rounding").is_empty() { Some(1) } else { amount("rounding", errors) };
    let rule = Rule::parse(&text("rule"));
    if rule.is_none() {
        errors.push(("rule".into(), t("dynamic-error-rule")));
    }
    let int = |k: &str, errors: &mut Vec<(String, String)>| -> Option<i64> {
        let x = text(k);
        if x.is_empty() {
            return None;
        }
        let n = x.parse::<i64>().ok();
        if n.is_none() {
            errors.push((k.to_string(), t("pricing-error-number")));
        }
        n
    };
    let target_per_hour = int("target_per_hour", errors);
    let window_hours = int("window_hours", errors);
    let step_bp = match text("step") {
        x if x.is_empty() => None,
        x => {
            let bp = super::parse_decimal(&x, 2);
            if bp.is_none() {
                errors.push(("step".into(), t("pricing-error-value")));
            }
            bp
        }
    };
    Some(DynamicSettings {
        floor_minor: floor?,
        ceiling_minor: ceiling?,
        rule: rule?,
        target_per_hour,
        step_bp,
        window_hours,
        falling: values.contains_key("falling"),
        rounding_minor: rounding?,
    })
}

/// API field names said as the form's.
fn form_field(f: String) -> String {
    match f.as_str() {
        "floor_minor" => "floor".into(),
        "ceiling_minor" => "ceiling".into(),
        "step_bp" => "step".into(),
        "rounding_minor" => "rounding".into(),
        _ => f,
    }
}

async fn save_dynamic(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event, tt)): Path<(String, String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let (c, values) = match load_posted(&s, &headers, (&org, &event, &tt), uri.path(), &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let saved = match read_dynamic(&values, &c) {
        Ok(input) => {
            s.app.set_dynamic_pricing(&c.actor, c.o.org.id, c.tt.id, input).await.map(drop).map_err(Refused::from)
        }
        Err(fields) => Err(fields),
    };
    settle(&s, &headers, &c, &values, None, saved, "dynamic#dynamic-title").await
}

async fn dynamic_off(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event, tt)): Path<(String, String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let (c, _) = match load_posted(&s, &headers, (&org, &event, &tt), uri.path(), &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match s.app.delete_dynamic_pricing(&c.actor, c.o.org.id, c.tt.id).await {
        Ok(()) | Err(tessera_app::AppError::NotFound) => redirect(&format!("{}?done=dynamic-off", c.base()), &[]),
        Err(e) => error_page(e),
    }
}
