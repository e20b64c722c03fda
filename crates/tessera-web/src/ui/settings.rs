//! The organization's settings in the dashboard: venues with their seat
//! maps, the team, API tokens, webhook endpoints, payments and invoices. Plain forms
//! that work without a script; each success redirects (POST-redirect-GET),
//! each refusal shows the form again with what was entered and a message
//! next to every wrong field. Every page calls the same `tessera-app`
//! functions as the JSON API, which decide who may do what.
//!
//! A secret shown once (an API token, a webhook signing secret) travels from
//! the POST to the page after the redirect in a short-lived HttpOnly cookie
//! scoped to that page, which the page clears as it shows it.
//!
//! Here: the routes and the parts the pages share; each page is in
//! `settings/`, its template in `templates/settings/`, its words in the
//! `settings` and `developers` catalogs.

use super::{
    Extras, Viewer, csrf_ok, csrf_token, error_page, form, form_errors, form_expired_page, money, not_found_page,
    redirect, signed_in, when,
};
use crate::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use std::collections::HashMap;
use std::sync::Arc;
use tessera_app::orgs::OrgWithRole;
use tessera_app::{Actor, AppError};
use tessera_domain::{OrgId, Role};

mod giftcards;
mod invoices;
mod loyalty;
pub(crate) mod members;
mod payments;
mod team;
mod tokens;
pub(crate) mod venues;
mod webhooks;

pub fn router() -> Router<AppState> {
    let o = "/dashboard/orgs/{org}";
    Router::new()
        .route(&format!("{o}/venues"), get(venues::venues_page).post(venues::create_venue))
        .route(&format!("{o}/venues/{{venue}}"), get(venues::venue_page).post(venues::update_venue))
        .route(&format!("{o}/venues/{{venue}}/seat-map/generate"), post(venues::generate_map))
        .route(&format!("{o}/venues/{{venue}}/seat-map/import"), post(venues::import_map))
        .route(&format!("{o}/venues/{{venue}}/seat-map.json"), get(venues::export_json))
        .route(&format!("{o}/venues/{{venue}}/seat-map.csv"), get(venues::export_csv))
        .route(&format!("{o}/team"), get(team::team_page).post(team::add_member))
        .route(&format!("{o}/team/{{user}}/role"), post(team::change_role))
        .route(&format!("{o}/team/invitations"), post(team::invite))
        .route(&format!("{o}/team/invitations/{{invitation}}/revoke"), post(team::revoke_invitation))
        .route(&format!("{o}/team/two-factor"), post(team::set_two_factor))
        .route(&format!("{o}/team/{{user}}/remove"), get(team::remove_member_page).post(team::remove_member))
        .route(&format!("{o}/tokens"), get(tokens::tokens_page).post(tokens::create_token))
        .route(&format!("{o}/tokens/{{token}}/revoke"), get(tokens::revoke_token_page).post(tokens::revoke_token))
        .route(&format!("{o}/webhooks"), get(webhooks::webhooks_page).post(webhooks::create_endpoint))
        .route(&format!("{o}/webhooks/{{endpoint}}"), get(webhooks::endpoint_page).post(webhooks::update_endpoint))
        .route(
            &format!("{o}/webhooks/{{endpoint}}/delete"),
            get(webhooks::delete_endpoint_page).post(webhooks::delete_endpoint),
        )
        .route(&format!("{o}/webhooks/{{endpoint}}/deliveries/{{delivery}}/redeliver"), post(webhooks::redeliver))
        .route(&format!("{o}/payments"), get(payments::payments_page).post(payments::save_payment_settings))
        .route(&format!("{o}/payments/payouts"), post(payments::record_payout))
        .route(&format!("{o}/invoices"), get(invoices::invoices_page))
        .route(&format!("{o}/invoices.csv"), get(invoices::invoices_csv))
        .route(&format!("{o}/invoices/settings"), get(invoices::settings_page).post(invoices::save_settings))
        .route(&format!("{o}/invoices/{{invoice}}/pdf"), get(invoices::invoice_pdf))
        .route(&format!("{o}/gift-cards"), get(giftcards::cards_page).post(giftcards::issue))
        .route(&format!("{o}/gift-cards/{{card}}"), get(giftcards::card_page))
        .route(&format!("{o}/gift-cards/{{card}}/state"), post(giftcards::set_state))
        .route(&format!("{o}/loyalty"), get(loyalty::loyalty_page).post(loyalty::save_rule))
        .route(&format!("{o}/memberships"), get(members::members_page))
        .route(&format!("{o}/memberships/plans"), post(members::create_plan))
        .route(&format!("{o}/memberships/plans/{{plan}}"), get(members::plan_page).post(members::update_plan))
        .route(&format!("{o}/memberships/cards"), post(members::issue_card))
        .route(&format!("{o}/memberships/cards/{{card}}/void"), post(members::void_card))
}

// ------------------------------------------------------------ shared parts

/// A settings page's organization, who is looking, and the form token.
struct Ctx {
    actor: Actor,
    viewer: Arc<Viewer>,
    org: OrgWithRole,
    csrf: String,
    cookies: Vec<String>,
}

impl Ctx {
    fn id(&self) -> OrgId {
        self.org.org.id
    }

    /// The organization's dashboard path.
    fn base(&self) -> String {
        format!("/dashboard/orgs/{}", self.id())
    }
}

/// The signed-in viewer and the organization (the app decides whether they
/// may see it: a stranger gets the not-found page).
async fn ctx(s: &AppState, headers: &HeaderMap, org: &str, here: &str) -> Result<Ctx, Response> {
    let (viewer, actor) = signed_in(here)?;
    let id: OrgId = org.parse().map_err(|_| not_found_page())?;
    let org = s.app.org(&actor, id).await.map_err(error_page)?;
    let (csrf, set) = csrf_token(headers);
    Ok(Ctx { actor, viewer, org, csrf, cookies: set.into_iter().collect() })
}

/// [`ctx`] for a posted form, whose token must match.
async fn posted(
    s: &AppState,
    headers: &HeaderMap,
    org: &str,
    here: &str,
    values: &HashMap<String, String>,
) -> Result<Ctx, Response> {
    let c = ctx(s, headers, org, here).await?;
    if !csrf_ok(headers, values) {
        return Err(form_expired_page(here));
    }
    Ok(c)
}

/// What a refused form showed: the entered values and a message per field.
#[derive(Default)]
struct Form {
    values: HashMap<String, String>,
    errors: Vec<(String, String)>,
}

impl Form {
    fn refused(values: HashMap<String, String>, errors: Vec<(String, String)>) -> Self {
        Form { values, errors }
    }

    fn get(&self, k: &str) -> &str {
        self.values.get(k).map(String::as_str).unwrap_or("")
    }
}

fn val<'a>(values: &'a HashMap<String, String>, k: &str) -> &'a str {
    values.get(k).map(|v| v.trim()).unwrap_or("")
}

/// A whole number from a form field; `None` (with a message) when it is not one.
fn whole<T: std::str::FromStr>(
    values: &HashMap<String, String>,
    field: &str,
    required: bool,
    errors: &mut Vec<(String, String)>,
) -> Option<T> {
    let raw = val(values, field);
    if raw.is_empty() && !required {
        return None;
    }
    match raw.parse::<T>() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.push((field.to_string(), super::shell::t("settings-whole-number")));
            None
        }
    }
}

// ------------------------------------------------------ secrets shown once

const SECRET_COOKIE: &str = "tessera_secret";

/// Carries a new secret to the page after the redirect, and only there.
fn secret_cookie(s: &AppState, path: &str, id: &str, secret: &str) -> String {
    let value: String = form_urlencoded::byte_serialize(format!("{id} {secret}").as_bytes()).collect();
    let secure = if s.web.cookie_secure { "; Secure" } else { "" };
    format!("{SECRET_COOKIE}={value}; Path={path}; HttpOnly; SameSite=Strict; Max-Age=300{secure}")
}

/// The secret waiting for this page (the id it belongs to, the secret), and
/// the cookie that clears it.
fn take_secret(s: &AppState, headers: &HeaderMap, path: &str) -> (Option<(String, String)>, Option<String>) {
    let Some(raw) = super::cookie(headers, SECRET_COOKIE) else { return (None, None) };
    let decoded: String =
        form_urlencoded::parse(format!("v={raw}").as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default();
    let secure = if s.web.cookie_secure { "; Secure" } else { "" };
    let clear = format!("{SECRET_COOKIE}=; Path={path}; HttpOnly; SameSite=Strict; Max-Age=0{secure}");
    let found = decoded.split_once(' ').map(|(id, secret)| (id.to_string(), secret.to_string()));
    (found, Some(clear))
}
