//! The scanner's Redeem mode, for the shops and cafés of a venue:
//! `/scan/{org}/redeem` takes a gift card's code (typed, or from a barcode
//! scanner that types it), shows its balance, and takes a partial amount
//! off it; or a coupon's code (a promo code taken at counters), shows
//! what it gives, and takes it off a purchase. A plain form that works without scripts; each form carries a
//! fresh request key, so a form sent twice (a double tap, a reload) spends
//! once. The app layer decides who may redeem (staff who take money).

use super::shell::{Shell, Text, render as render_page, t};
use super::{
    Extras, csrf_ok, csrf_token, error_page, form, form_errors, form_expired_page, money, not_found_page, signed_in,
};
use crate::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use tessera_app::AppError;
use tessera_domain::OrgId;
use tessera_domain::giftcards::CounterRedeem;

pub fn router() -> Router<AppState> {
    Router::new().route("/scan/{org}/redeem", get(page).post(submit))
}

#[derive(askama::Template)]
#[template(path = "scanner/redeem.html")]
struct RedeemPage {
    shell: Shell,
    action: String,
    csrf: String,
    /// Sent with the form: the same form sent again spends nothing more.
    request_key: String,
    code: String,
    amount: String,
    /// The card looked up: (masked code, balance, currency).
    card: Option<(String, String, String)>,
    /// The coupon looked up: (code, what it gives, uses left or "").
    coupon: Option<(String, String, String)>,
    /// The member card looked up: (verdict class `ok` or `bad`, what it says, plan, holder, period).
    member: Option<(String, String, String, String, String)>,
    purchase: String,
    currency: String,
    /// What the last redemption did.
    done: Option<String>,
    errors: Vec<(String, String)>,
}

fn show(org: OrgId, csrf: String, set: Option<String>, status: StatusCode, mut p: RedeemPage) -> Response {
    p.action = format!("/scan/{org}/redeem");
    p.csrf = csrf;
    render_page(status, &p, &set.into_iter().collect::<Vec<_>>())
}

fn blank() -> RedeemPage {
    RedeemPage {
        shell: Shell::new(t("giftcards-redeem-title"), &Extras::default()),
        action: String::new(),
        csrf: String::new(),
        request_key: uuid::Uuid::now_v7().to_string(),
        code: String::new(),
        amount: String::new(),
        card: None,
        coupon: None,
        member: None,
        purchase: String::new(),
        currency: String::new(),
        done: None,
        errors: vec![],
    }
}

async fn page(State(s): State<AppState>, headers: HeaderMap, Path(org): Path<String>) -> Response {
    let Ok(org) = org.parse::<OrgId>() else { return not_found_page() };
    let (_, actor) = match signed_in(&format!("/scan/{org}/redeem")) {
        Ok(v) => v,
        Err(to_sign_in) => return to_sign_in,
    };
    // Only for those who may redeem: others get the usual refusal page.
    if let Err(e) = s.app.gift_cards(&actor, org).await {
        return error_page(e);
    }
    let (csrf, set) = csrf_token(&headers);
    show(org, csrf, set, StatusCode::OK, blank())
}

async fn submit(State(s): State<AppState>, headers: HeaderMap, Path(org): Path<String>, body: Bytes) -> Response {
    let Ok(org) = org.parse::<OrgId>() else { return not_found_page() };
    let here = format!("/scan/{org}/redeem");
    let values = form(&body);
    if !csrf_ok(&headers, &values) {
        return form_expired_page(&here);
    }
    let (_, actor) = match signed_in(&here) {
        Ok(v) => v,
        Err(to_sign_in) => return to_sign_in,
    };
    let (csrf, set) = csrf_token(&headers);
    let get = |k: &str| values.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let mut p = blank();
    p.code = get("code");
    let refused = |p: RedeemPage, e: AppError| match form_errors(e) {
        Ok(fields) => {
            let mut p = p;
            p.errors = fields;
            Err(p)
        }
        Err(page) => Ok(page),
    };
    // A member card's code starts with MEMB-: the scanner says whether it counts.
    if tessera_domain::members::normalize(&p.code).is_some() {
        return match s.app.check_member_card(&actor, org, &p.code).await {
            Ok(k) => {
                let (kind, says) = super::settings::members::status_badge(k.status);
                let period =
                    format!("{} – {}", super::when(k.card.valid_from, "UTC"), super::when(k.card.valid_until, "UTC"));
                let class = if kind == "ok" { "ok" } else { "bad" };
                p.member = Some((class.to_string(), says, k.card.plan_name, k.card.holder_name, period));
                p.code = String::new();
                show(org, csrf, set, StatusCode::OK, p)
            }
            Err(e) => match refused(p, e) {
                Ok(page) => page,
                Err(p) => show(org, csrf, set, StatusCode::UNPROCESSABLE_ENTITY, p),
            },
        };
    }
    // A gift card's code starts with GIFT-; anything else is a coupon.
    if !p.code.is_empty() && tessera_domain::giftcards::normalize(&p.code).is_none() {
        return coupon(&s, org, &actor, &values, p, csrf, set).await;
    }
    // First the card: its balance and currency, to read the amount in.
    let card = match s.app.gift_card_lookup(&actor, org, &p.code).await {
        Ok(c) => c,
        Err(e) => {
            return match refused(p, e) {
                Ok(page) => page,
                Err(p) => show(org, csrf, set, StatusCode::UNPROCESSABLE_ENTITY, p),
            };
        }
    };
    let cur = card.balance.currency;
    p.card = Some((card.code.clone(), money(card.balance), cur.code().to_string()));
    let amount_text = get("amount");
    if values.get("step").map(String::as_str) != Some("redeem") || amount_text.is_empty() {
        // Looked up: now the amount.
        return show(org, csrf, set, StatusCode::OK, p);
    }
    p.amount = amount_text.clone();
    let Some(amount_minor) = super::parse_amount(&amount_text, cur) else {
        p.errors = vec![("amount".into(), t("giftcards-error-value"))];
        return show(org, csrf, set, StatusCode::UNPROCESSABLE_ENTITY, p);
    };
    let input = CounterRedeem { code: p.code.clone(), amount_minor, note: get("note") };
    let key = values.get("request_key").filter(|k| (16..=64).contains(&k.len())).cloned();
    match s.app.redeem_gift_card(&actor, org, input, key.as_deref()).await {
        Ok(r) => {
            p.card = Some((r.card.code.clone(), money(r.card.balance), cur.code().to_string()));
            p.done = Some(super::shell::t_args(
                "giftcards-redeemed",
                &[
                    ("amount", money(tessera_domain::Money::new(-r.transaction.amount.amount_minor, cur)).into()),
                    ("balance", money(r.card.balance).into()),
                ],
            ));
            p.amount = String::new();
            show(org, csrf, set, StatusCode::OK, p)
        }
        Err(e) => match refused(p, e) {
            Ok(page) => page,
            Err(mut p) => {
                // The form names the amount, the API minor units.
                for (f, _) in &mut p.errors {
                    if f == "amount_minor" {
                        *f = "amount".into();
                    }
                }
                show(org, csrf, set, StatusCode::UNPROCESSABLE_ENTITY, p)
            }
        },
    }
}

/// A coupon at the counter: looked up first (what it gives), then taken
/// off the purchase typed in.
async fn coupon(
    s: &AppState,
    org: OrgId,
    actor: &tessera_app::Actor,
    values: &std::collections::HashMap<String, String>,
    mut p: RedeemPage,
    csrf: String,
    set: Option<String>,
) -> Response {
    let get = |k: &str| values.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let promo = match s.app.counter_coupon_lookup(actor, org, &p.code).await {
        Ok(c) => c,
        Err(e) => {
            return match form_errors(e) {
                Ok(fields) => {
                    p.errors = fields;
                    show(org, csrf, set, StatusCode::UNPROCESSABLE_ENTITY, p)
                }
                Err(page) => page,
            };
        }
    };
    let left = promo.max_uses.map(|m| (m - promo.uses).max(0).to_string()).unwrap_or_default();
    p.coupon = Some((promo.code.clone(), super::pricing::discount_text(&promo), left));
    p.currency = match get("currency") {
        c if c.is_empty() => promo.currency.map(|c| c.code().to_string()).unwrap_or_default(),
        c => c.to_uppercase(),
    };
    let purchase_text = get("purchase");
    if values.get("step").map(String::as_str) != Some("coupon") || purchase_text.is_empty() {
        return show(org, csrf, set, StatusCode::OK, p);
    }
    p.purchase = purchase_text.clone();
    let Ok(cur) = tessera_domain::Currency::parse(&p.currency) else {
        p.errors = vec![("currency".into(), t("pricing-error-currency"))];
        return show(org, csrf, set, StatusCode::UNPROCESSABLE_ENTITY, p);
    };
    let Some(purchase_minor) = super::parse_amount(&purchase_text, cur) else {
        p.errors = vec![("purchase".into(), t("giftcards-error-value"))];
        return show(org, csrf, set, StatusCode::UNPROCESSABLE_ENTITY, p);
    };
    let input =
        tessera_app::pricing::CounterCoupon { code: p.code.clone(), purchase_minor, currency: cur, note: get("note") };
    let key = values.get("request_key").filter(|k| (16..=64).contains(&k.len())).cloned();
    match s.app.redeem_coupon_at_counter(actor, org, input, key.as_deref()).await {
        Ok(u) => {
            p.done = Some(super::shell::t_args(
                "pricing-counter-done",
                &[("discount", money(u.discount).into()), ("to_pay", money(u.to_pay).into())],
            ));
            // Read again: other counters may have taken uses meanwhile.
            let promo = s.app.counter_coupon_lookup(actor, org, &p.code).await.unwrap_or(promo);
            let left = promo.max_uses.map(|m| (m - promo.uses).max(0).to_string()).unwrap_or_default();
            p.coupon = Some((promo.code.clone(), super::pricing::discount_text(&promo), left));
            p.purchase = String::new();
            show(org, csrf, set, StatusCode::OK, p)
        }
        Err(e) => match form_errors(e) {
            Ok(mut fields) => {
                // The form names the purchase, the API minor units.
                for (f, _) in &mut fields {
                    if f == "purchase_minor" {
                        *f = "purchase".into();
                    }
                }
                p.errors = fields;
                show(org, csrf, set, StatusCode::UNPROCESSABLE_ENTITY, p)
            }
            Err(page) => page,
        },
    }
}
