//! Gift cards: the list (codes masked), issuing one (its code shown once,
//! like an API token's secret), and a card's page with every movement of
//! its balance and the switch that disables or enables it.

use super::*;
use crate::ui::shell::{Filled, OrgTabs, Shell, Text, t, t_args};
use tessera_domain::giftcards::{GiftCard, GiftCardState, NewGiftCard};
use tessera_domain::{Currency, GiftCardId};

pub(super) async fn cards_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let here = format!("/dashboard/orgs/{org}/gift-cards");
    let mut c = match ctx(&s, &headers, &org, &here).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let (secret, clear) = take_secret(&s, &headers, &here);
    c.cookies.extend(clear);
    let notice = (q.get("done").map(String::as_str) == Some("issued")).then(|| t("giftcards-issued"));
    cards_view(&s, &c, StatusCode::OK, &Form::default(), notice, secret).await
}

struct CardRow {
    code: String,
    href: String,
    balance: String,
    initial: String,
    state: (&'static str, String),
    expires: String,
    note: String,
    created: String,
}

/// The card just issued: its code in full, this once.
struct NewCard {
    code: String,
    value: String,
}

#[derive(askama::Template)]
#[template(path = "settings/giftcards.html")]
struct CardsPage<'a> {
    shell: Shell,
    tabs: OrgTabs,
    csrf: String,
    base: String,
    notice: Option<String>,
    issued: Option<NewCard>,
    cards: Vec<CardRow>,
    can_issue: bool,
    values: Filled<'a>,
    errors: &'a [(String, String)],
}

fn state_badge(card: &GiftCard, now: tessera_domain::Timestamp) -> (&'static str, String) {
    if card.state == GiftCardState::Disabled {
        ("bad", t("giftcards-state-disabled"))
    } else if card.expires_at.is_some_and(|e| e <= now) {
        ("warn", t("giftcards-state-expired"))
    } else if card.balance.amount_minor == 0 {
        ("info", t("giftcards-state-spent"))
    } else {
        ("ok", t("giftcards-state-active"))
    }
}

async fn cards_view(
    s: &AppState,
    c: &Ctx,
    status: StatusCode,
    new: &Form,
    notice: Option<String>,
    secret: Option<(String, String)>,
) -> Response {
    let cards = match s.app.gift_cards(&c.actor, c.id()).await {
        Ok(cards) => cards,
        Err(e) => return error_page(e),
    };
    let base = c.base();
    let now = s.app.now();
    let issued = secret.and_then(|(id, code)| {
        cards.iter().find(|k| k.id.to_string() == id).map(|k| NewCard { code, value: money(k.initial) })
    });
    let rows = cards
        .iter()
        .map(|k| CardRow {
            code: k.code.clone(),
            href: format!("{base}/gift-cards/{}", k.id),
            balance: money(k.balance),
            initial: money(k.initial),
            state: state_badge(k, now),
            expires: k.expires_at.map_or_else(|| t("giftcards-no-expiry"), |e| when(e, "UTC")),
            note: k.note.clone(),
            created: when(k.created_at, "UTC"),
        })
        .collect();
    let mut filled = new.values.clone();
    filled.entry("currency".to_string()).or_insert_with(|| "EUR".to_string());
    let page = CardsPage {
        shell: Shell::new(t("giftcards-title"), &Extras { cookies: vec![], scripts: &[], wide: true }),
        tabs: OrgTabs::new(c.id(), &c.org.org.name, "giftcards"),
        csrf: c.csrf.clone(),
        base,
        notice,
        issued,
        cards: rows,
        can_issue: c.org.role.grants(tessera_domain::Permission::ManageOrders),
        values: Filled(&filled),
        errors: &new.errors,
    };
    crate::ui::shell::render(status, &page, &c.cookies)
}

pub(super) async fn issue(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let here = format!("/dashboard/orgs/{org}/gift-cards");
    let c = match posted(&s, &headers, &org, &here, &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut errors = vec![];
    let currency = match Currency::parse(&val(&values, "currency").to_uppercase()) {
        Ok(cur) => Some(cur),
        Err(_) => {
            errors.push(("currency".to_string(), t("giftcards-error-currency")));
            None
        }
    };
    // Typed as in the currency ("50.00"); kept in minor units.
    let value = currency.and_then(|cur| crate::ui::parse_amount(val(&values, "value"), cur));
    if value.is_none() && currency.is_some() {
        errors.push(("value".to_string(), t("giftcards-error-value")));
    }
    let expires = match val(&values, "expires_at") {
        "" => None,
        x => {
            let at = crate::ui::dashboard::parse_local(x, "UTC");
            if at.is_none() {
                errors.push(("expires_at".to_string(), t("giftcards-error-date")));
            }
            at
        }
    };
    if let (Some(currency), Some(value_minor), true) = (currency, value, errors.is_empty()) {
        let input = NewGiftCard { currency, value_minor, expires_at: expires, note: val(&values, "note").to_string() };
        match s.app.issue_gift_card(&c.actor, c.id(), input).await {
            Ok(card) => {
                let cookie = secret_cookie(&s, &here, &card.id.to_string(), &card.code);
                return redirect(&format!("{here}?done=issued"), &[cookie]);
            }
            Err(e) => match form_errors(e) {
                Ok(fields) => {
                    // The API names minor units; the form asks for the value.
                    errors = fields
                        .into_iter()
                        .map(|(f, m)| (if f == "value_minor" { "value".to_string() } else { f }, m))
                        .collect()
                }
                Err(page) => return page,
            },
        }
    }
    cards_view(&s, &c, StatusCode::UNPROCESSABLE_ENTITY, &Form::refused(values, errors), None, None).await
}

struct TxnRow {
    at: String,
    kind: String,
    amount: String,
    balance: String,
    order: Option<(String, String)>,
    actor: String,
    note: String,
}

#[derive(askama::Template)]
#[template(path = "settings/giftcard.html")]
struct CardPage {
    shell: Shell,
    tabs: OrgTabs,
    csrf: String,
    back: String,
    code: String,
    balance: String,
    initial: String,
    state: (&'static str, String),
    expires: String,
    note: String,
    created_by: String,
    txns: Vec<TxnRow>,
    /// Where the switch posts, its label, and the state it sets.
    switch: Option<(String, String, &'static str)>,
}

fn kind_label(kind: &str) -> String {
    t(match kind {
        "issue" => "giftcards-kind-issue",
        "checkout" => "giftcards-kind-checkout",
        "counter" => "giftcards-kind-counter",
        "refund" => "giftcards-kind-refund",
        _ => "giftcards-kind-adjust",
    })
}

pub(super) async fn card_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, card)): Path<(String, String)>,
) -> Response {
    let c = match ctx(&s, &headers, &org, &format!("/dashboard/orgs/{org}/gift-cards")).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Ok(id) = card.parse::<GiftCardId>() else { return not_found_page() };
    let d = match s.app.gift_card(&c.actor, c.id(), id).await {
        Ok(d) => d,
        Err(e) => return error_page(e),
    };
    let base = c.base();
    let k = &d.card;
    let switch = c.org.role.grants(tessera_domain::Permission::ManageOrders).then(|| match k.state {
        GiftCardState::Active => (format!("{base}/gift-cards/{id}/state"), t("giftcards-disable"), "disabled"),
        GiftCardState::Disabled => (format!("{base}/gift-cards/{id}/state"), t("giftcards-enable"), "active"),
    });
    let txns = d
        .transactions
        .iter()
        .rev()
        .map(|x| TxnRow {
            at: when(x.at, "UTC"),
            kind: kind_label(&x.kind),
            amount: money(x.amount),
            balance: money(x.balance_after),
            order: x
                .order_id
                .clone()
                .map(|o| (format!("{base}/orders/{o}"), o[o.len().saturating_sub(8)..].to_string())),
            actor: x.actor.clone(),
            note: x.note.clone(),
        })
        .collect();
    let page = CardPage {
        shell: Shell::new(t_args("giftcards-card-title", &[("code", k.code.clone().into())]), &Extras::default()),
        tabs: OrgTabs::new(c.id(), &c.org.org.name, "giftcards"),
        csrf: c.csrf.clone(),
        back: format!("{base}/gift-cards"),
        code: k.code.clone(),
        balance: money(k.balance),
        initial: money(k.initial),
        state: state_badge(k, s.app.now()),
        expires: k.expires_at.map_or_else(|| t("giftcards-no-expiry"), |e| when(e, "UTC")),
        note: k.note.clone(),
        created_by: k.created_by.clone(),
        txns,
        switch,
    };
    crate::ui::shell::render(StatusCode::OK, &page, &c.cookies)
}

pub(super) async fn set_state(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, card)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let c = match posted(&s, &headers, &org, &format!("/dashboard/orgs/{org}/gift-cards/{card}"), &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Ok(id) = card.parse::<GiftCardId>() else { return not_found_page() };
    let state = match val(&values, "state") {
        "active" => GiftCardState::Active,
        "disabled" => GiftCardState::Disabled,
        _ => return not_found_page(),
    };
    match s.app.set_gift_card_state(&c.actor, c.id(), id, state).await {
        Ok(_) => redirect(&format!("{}/gift-cards/{id}", c.base()), &[]),
        Err(e) => error_page(e),
    }
}
