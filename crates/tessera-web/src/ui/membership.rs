//! A ticket type's memberships in the dashboard: who may buy it (anyone, or
//! members of one plan or of any) and what members pay, and whether it
//! sells admission or a product (a gift card of its price, or a membership
//! of a plan).

use super::dashboard::Values;
use super::orders::event_tabs;
use super::shell::{Filled, OrgTabs, Shell, Text, render, t, t_args};
use super::tiers::{Ctx, load};
use super::{Extras, csrf_ok, csrf_token, error_page, form, form_errors, form_expired_page, money, redirect};
use crate::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use std::collections::HashMap;
use tessera_domain::members::{MemberRule, Product, ProductKind};
use tessera_domain::{MemberPlanId, Permission};

const PATH: &str = "/dashboard/orgs/{org}/events/{event}/ticket-types/{tt}/membership";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(PATH, get(page))
        .route(&format!("{PATH}/rule"), post(save_rule))
        .route(&format!("{PATH}/product"), post(save_product))
}

/// The page's own path for a type.
fn base(c: &Ctx) -> String {
    format!("/dashboard/orgs/{}/events/{}/ticket-types/{}/membership", c.o.org.id, c.v.event.id, c.tt.id)
}

#[derive(askama::Template)]
#[template(path = "pricing/membership.html")]
struct MembershipPage<'a> {
    shell: Shell,
    tabs: OrgTabs,
    event_tabs: Vec<(String, String, bool)>,
    back: String,
    plans_href: String,
    notice: Option<String>,
    csrf: String,
    base: String,
    can_manage: bool,
    price: String,
    currency: String,
    /// (value, name) of the organization's plans.
    plans: Vec<(String, String)>,
    values: Filled<'a>,
    errors: &'a [(String, String)],
}

async fn show(
    s: &AppState,
    c: &Ctx,
    status: StatusCode,
    (csrf, cookies): (String, Vec<String>),
    sent: &Values,
    errors: &[(String, String)],
    notice: Option<String>,
) -> Response {
    let now = match s.app.ticket_type_membership(&c.actor, c.o.org.id, c.tt.id).await {
        Ok(m) => m,
        Err(e) => return error_page(e),
    };
    let plans = match s.app.member_plans(&c.actor, c.o.org.id).await {
        Ok(p) => p,
        Err(e) => return error_page(e),
    };
    // The forms show what is in force, unless one was just sent.
    let mut values = Values::new();
    let rule = now.member_rule.unwrap_or(MemberRule { plan_id: None, members_only: false, member_price_minor: None });
    values.insert("who".into(), if rule.members_only { "members" } else { "anyone" }.into());
    values.insert("rule_plan".into(), rule.plan_id.map(|p| p.to_string()).unwrap_or_default());
    values.insert(
        "member_price".into(),
        rule.member_price_minor.map(|m| super::amount_text(m, c.tt.price.currency)).unwrap_or_default(),
    );
    values.insert("kind".into(), now.product.as_ref().map_or("admission", |p| p.kind.as_str()).into());
    values
        .insert("product_plan".into(), now.product.and_then(|p| p.plan_id).map(|p| p.to_string()).unwrap_or_default());
    values.extend(sent.iter().map(|(k, v)| (k.clone(), v.clone())));
    let extras = Extras { cookies, wide: true, ..Default::default() };
    let heading =
        t_args("members-type-title", &[("type", c.tt.name.clone().into()), ("event", c.v.event.title.clone().into())]);
    let page = MembershipPage {
        shell: Shell::new(heading, &extras),
        tabs: OrgTabs::new(c.o.org.id, &c.o.org.name, "events"),
        event_tabs: event_tabs(c.o.org.id, &c.v.event, "overview"),
        back: format!("/dashboard/orgs/{}/events/{}", c.o.org.id, c.v.event.id),
        plans_href: format!("/dashboard/orgs/{}/memberships", c.o.org.id),
        notice,
        csrf,
        base: base(c),
        can_manage: c.o.role.grants(Permission::ManageCatalog),
        price: money(c.tt.price),
        currency: c.tt.price.currency.code().to_string(),
        plans: plans.into_iter().map(|p| (p.plan.id.to_string(), p.plan.name)).collect(),
        values: Filled(&values),
        errors,
    };
    render(status, &page, &extras.cookies)
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
    let notice = match q.get("done").map(String::as_str) {
        Some("rule") => Some(t("members-rule-saved")),
        Some("product") => Some(t("members-product-saved")),
        _ => None,
    };
    let (csrf, set) = csrf_token(&headers);
    show(&s, &c, StatusCode::OK, (csrf, set.into_iter().collect()), &Values::new(), &[], notice).await
}

async fn posted(
    s: &AppState,
    headers: &HeaderMap,
    (org, event, tt): (&str, &str, &str),
    values: &Values,
) -> Result<Ctx, Response> {
    let here = format!("/dashboard/orgs/{org}/events/{event}/ticket-types/{tt}/membership");
    let c = load(s, org, event, tt, &here).await?;
    if !csrf_ok(headers, values) {
        return Err(form_expired_page(&here));
    }
    Ok(c)
}

fn plan_of(values: &Values, field: &str, errors: &mut Vec<(String, String)>) -> Option<MemberPlanId> {
    match values.get(field).map(|v| v.trim()).unwrap_or("") {
        "" => None,
        v => match v.parse() {
            Ok(p) => Some(p),
            Err(_) => {
                errors.push((field.to_string(), t("members-error-choose-plan")));
                None
            }
        },
    }
}

async fn save_rule(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event, tt)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let c = match posted(&s, &headers, (&org, &event, &tt), &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut errors = vec![];
    let members_only = values.get("who").map(String::as_str) == Some("members");
    let plan_id = plan_of(&values, "rule_plan", &mut errors);
    let price = values.get("member_price").map(|v| v.trim()).unwrap_or("");
    let member_price_minor = match price {
        "" => None,
        p => match super::parse_amount(p, c.tt.price.currency) {
            Some(m) => Some(m),
            None => {
                errors.push(("member_price".to_string(), t("members-error-price")));
                None
            }
        },
    };
    if errors.is_empty() {
        // Anyone at one price: no rule at all.
        let rule = (members_only || member_price_minor.is_some()).then_some(MemberRule {
            plan_id,
            members_only,
            member_price_minor,
        });
        match s.app.set_member_rule(&c.actor, c.o.org.id, c.tt.id, rule).await {
            Ok(_) => return redirect(&format!("{}?done=rule", base(&c)), &[]),
            Err(e) => match form_errors(e) {
                Ok(fields) => errors.extend(fields.into_iter().map(|(f, m)| (rule_field(f), m))),
                Err(page) => return page,
            },
        }
    }
    let (csrf, set) = csrf_token(&headers);
    show(&s, &c, StatusCode::UNPROCESSABLE_ENTITY, (csrf, set.into_iter().collect()), &values, &errors, None).await
}

/// The form's name for an API field.
fn rule_field(f: String) -> String {
    match f.as_str() {
        "member_price_minor" => "member_price".into(),
        "plan_id" => "rule_plan".into(),
        "members_only" => "who".into(),
        _ => f,
    }
}

async fn save_product(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event, tt)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let c = match posted(&s, &headers, (&org, &event, &tt), &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut errors = vec![];
    let plan_id = plan_of(&values, "product_plan", &mut errors);
    let product = match values.get("kind").map(String::as_str) {
        Some("gift_card") => Some(Product { kind: ProductKind::GiftCard, plan_id: None }),
        Some("membership") => Some(Product { kind: ProductKind::Membership, plan_id }),
        _ => None,
    };
    if errors.is_empty() {
        match s.app.set_product(&c.actor, c.o.org.id, c.tt.id, product).await {
            Ok(_) => return redirect(&format!("{}?done=product", base(&c)), &[]),
            Err(tessera_app::AppError::StateConflict { .. }) => {
                errors.push(("kind".to_string(), t("members-error-product-sold")));
            }
            Err(e) => match form_errors(e) {
                Ok(fields) => errors.extend(
                    fields.into_iter().map(|(f, m)| (if f == "plan_id" { "product_plan".to_string() } else { f }, m)),
                ),
                Err(page) => return page,
            },
        }
    }
    let (csrf, set) = csrf_token(&headers);
    show(&s, &c, StatusCode::UNPROCESSABLE_ENTITY, (csrf, set.into_iter().collect()), &values, &errors, None).await
}
