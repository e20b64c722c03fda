//! The payment provider and its settings (secrets write-only), the balance
//! from the ledger, and payouts. A page on a template
//! (`templates/settings/payments.html`), text from the `settings` catalogs.

use super::*;
use crate::ui::shell::{Filled, OrgTabs, Shell, Text, t, t_args};
use std::collections::BTreeMap;
use tessera_app::payments::{ManualSettings, NewPayout, PROVIDERS, PaymentSettingsInput, StripeInput};
use tessera_domain::{Currency, Money};

const STRIPE_METHODS: [&str; 3] = ["card", "alipay", "wechat_pay"];

fn method_label(m: &str) -> String {
    t(match m {
        "card" => "settings-pay-method-card",
        "alipay" => "settings-pay-method-alipay",
        _ => "settings-pay-method-wechat",
    })
}

/// A provider's name, or its key when the catalog has none.
fn provider_label(p: &str) -> String {
    match p {
        "manual" => t("settings-pay-provider-manual"),
        "sandbox" => t("settings-pay-provider-sandbox"),
        "stripe" => t("settings-pay-provider-stripe"),
        other => other.to_string(),
    }
}

fn account_label(account: &str) -> String {
    if account.ends_with(":sales") {
        t("settings-pay-account-sales")
    } else if account.ends_with(":tax") {
        t("settings-pay-account-tax")
    } else if account.ends_with(":payouts") {
        t("settings-pay-account-payouts")
    } else if let Some(p) = account.strip_prefix("provider:") {
        t_args("settings-pay-account-provider", &[("provider", p.to_string().into())])
    } else if account == "platform:fees" {
        t("settings-pay-account-fees")
    } else {
        account.to_string()
    }
}

fn per_currency(amounts: &BTreeMap<String, i64>) -> String {
    let shown: Vec<String> = amounts
        .iter()
        .filter_map(|(code, minor)| Currency::parse(code).ok().map(|c| money(Money::new(*minor, c))))
        .collect();
    if shown.is_empty() { "–".to_string() } else { shown.join(" · ") }
}

/// The "done" message after a redirect to the payments page.
fn payments_notice(q: &HashMap<String, String>) -> Option<String> {
    let id = match q.get("done").map(String::as_str) {
        Some("payments-saved") => "settings-done-payments-saved",
        Some("payout-recorded") => "settings-done-payout-recorded",
        _ => return None,
    };
    Some(t(id))
}

/// One payout in the list.
struct PayoutRow {
    at: String,
    amount: String,
    provider: String,
    reference: String,
}

#[derive(askama::Template)]
#[template(path = "settings/payments.html")]
struct PaymentsPage<'a> {
    shell: Shell,
    tabs: OrgTabs,
    csrf: String,
    base: String,
    notice: Option<String>,
    /// The refused form's messages at the top, each linking its field.
    summary: Vec<(String, String)>,
    not_set_up: bool,
    // The settings form.
    values: Filled<'a>,
    errors: &'a [(String, String)],
    providers: Vec<(&'static str, String)>,
    provider: &'a str,
    /// (value, label, ticked) of each Stripe method.
    methods: Vec<(&'static str, String, bool)>,
    key_state: String,
    secrets_state: String,
    webhook_path: String,
    // The balance and payouts.
    owed: String,
    tax: String,
    /// (account, balance) of each ledger account.
    ledger: Vec<(String, String)>,
    payouts: Vec<PayoutRow>,
    // The payout form.
    payout_values: Filled<'a>,
    payout_errors: &'a [(String, String)],
    payout_providers: Vec<(&'static str, String)>,
    payout_provider: String,
}

pub(super) async fn payments_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let c = match ctx(&s, &headers, &org, &format!("/dashboard/orgs/{org}/payments")).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    payments_view(&s, &c, StatusCode::OK, None, &Form::default(), payments_notice(&q)).await
}

async fn payments_view(
    s: &AppState,
    c: &Ctx,
    status: StatusCode,
    settings_form: Option<Form>,
    payout: &Form,
    notice: Option<String>,
) -> Response {
    let settings = match s.app.payment_settings(&c.actor, c.id()).await {
        Ok(v) => v,
        Err(e) => return error_page(e),
    };
    let balance = match s.app.balance(&c.actor, c.id()).await {
        Ok(b) => b,
        Err(e) => return error_page(e),
    };
    let payouts = match s.app.payouts(&c.actor, c.id()).await {
        Ok(p) => p,
        Err(e) => return error_page(e),
    };
    let f = settings_form.unwrap_or_else(|| {
        let mut values = HashMap::from([
            ("provider".to_string(), settings.provider.clone()),
            ("manual.instructions".to_string(), settings.manual.instructions.clone()),
            ("manual.due_days".to_string(), settings.manual.due_days.to_string()),
        ]);
        for m in &settings.stripe.methods {
            values.insert(format!("stripe.method.{m}"), "on".into());
        }
        Form { values, errors: vec![] }
    });
    let set = t("settings-pay-set");
    let secrets_state = if settings.stripe_webhook_secrets > 0 {
        t_args("settings-pay-secrets-set", &[("count", settings.stripe_webhook_secrets.into())])
    } else {
        t("settings-pay-not-set")
    };
    // The payout form starts with the currency owed and the provider in use.
    let mut pv = payout.values.clone();
    pv.entry("currency".into()).or_insert_with(|| balance.owed.keys().next().cloned().unwrap_or_else(|| "EUR".into()));
    let payout_provider = pv.get("provider").cloned().unwrap_or_else(|| {
        if PROVIDERS.contains(&settings.provider.as_str()) { settings.provider.clone() } else { "manual".into() }
    });
    // The summary links each message to its field; the provider and method
    // choices to their first box.
    let summary = f
        .errors
        .iter()
        .map(|(field, m)| {
            let anchor = match field.as_str() {
                "provider" => "provider-manual".to_string(),
                "stripe.methods" => "stripe.method.card".to_string(),
                other => other.to_string(),
            };
            (anchor, m.clone())
        })
        .chain(payout.errors.iter().cloned())
        .collect();
    let page = PaymentsPage {
        shell: Shell::new(t("settings-payments-title"), &Extras { cookies: vec![], scripts: &[], wide: true }),
        tabs: OrgTabs::new(c.id(), &c.org.org.name, "payments"),
        csrf: c.csrf.clone(),
        base: c.base(),
        notice,
        summary,
        not_set_up: settings.provider == "none",
        values: Filled(&f.values),
        errors: &f.errors,
        providers: vec![
            ("manual", t("settings-pay-provider-manual-long")),
            ("sandbox", t("settings-pay-provider-sandbox-long")),
            ("stripe", t("settings-pay-provider-stripe-long")),
        ],
        provider: f.get("provider"),
        methods: STRIPE_METHODS
            .iter()
            .map(|m| (*m, method_label(m), f.values.contains_key(&format!("stripe.method.{m}"))))
            .collect(),
        key_state: if settings.stripe_secret_key_set { set } else { t("settings-pay-not-set") },
        secrets_state,
        webhook_path: settings.stripe_webhook_path.clone(),
        owed: per_currency(&balance.owed),
        tax: per_currency(&balance.tax),
        ledger: balance
            .lines
            .iter()
            .map(|l| {
                let amount = Currency::parse(&l.currency)
                    .map(|cur| money(Money::new(l.balance_minor, cur)))
                    .unwrap_or_else(|_| format!("{} {}", l.balance_minor, l.currency));
                (account_label(&l.account), amount)
            })
            .collect(),
        payouts: payouts
            .iter()
            .rev()
            .map(|p| PayoutRow {
                at: when(p.at, "UTC"),
                amount: money(p.amount),
                provider: provider_label(&p.provider),
                reference: p.reference.clone(),
            })
            .collect(),
        payout_values: Filled(&pv),
        payout_errors: &payout.errors,
        payout_providers: PROVIDERS.iter().map(|p| (*p, provider_label(p))).collect(),
        payout_provider,
    };
    crate::ui::shell::render(status, &page, &c.cookies)
}

pub(super) async fn save_payment_settings(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let c = match posted(&s, &headers, &org, &format!("/dashboard/orgs/{org}/payments"), &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut errors = vec![];
    let due_days = whole::<i64>(&values, "manual.due_days", true, &mut errors);
    let secret_key = Some(val(&values, "stripe.secret_key").to_string()).filter(|k| !k.is_empty());
    let webhook_secrets: Vec<String> = val(&values, "stripe.webhook_secrets")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    if let (Some(due_days), true) = (due_days, errors.is_empty()) {
        let input = PaymentSettingsInput {
            provider: val(&values, "provider").to_string(),
            manual: Some(ManualSettings { instructions: val(&values, "manual.instructions").to_string(), due_days }),
            stripe: Some(StripeInput {
                methods: STRIPE_METHODS
                    .iter()
                    .filter(|m| values.contains_key(&format!("stripe.method.{m}")))
                    .map(|m| m.to_string())
                    .collect(),
                secret_key,
                webhook_secrets: Some(webhook_secrets).filter(|w| !w.is_empty()),
            }),
        };
        match s.app.set_payment_settings(&c.actor, c.id(), input).await {
            Ok(_) => return redirect(&format!("{}/payments?done=payments-saved", c.base()), &[]),
            Err(e) => match form_errors(e) {
                Ok(fields) => errors = fields,
                Err(page) => return page,
            },
        }
    }
    // Secrets are never sent back to the browser.
    let mut kept = values;
    kept.remove("stripe.secret_key");
    kept.remove("stripe.webhook_secrets");
    payments_view(&s, &c, StatusCode::UNPROCESSABLE_ENTITY, Some(Form::refused(kept, errors)), &Form::default(), None)
        .await
}

pub(super) async fn record_payout(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let c = match posted(&s, &headers, &org, &format!("/dashboard/orgs/{org}/payments"), &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut errors = vec![];
    let code = val(&values, "currency").to_ascii_uppercase();
    let currency =
        Currency::parse(&code).map_err(|_| errors.push(("currency".into(), t("settings-payout-bad-currency")))).ok();
    let amount = match currency {
        Some(cur) => crate::ui::parse_amount(&val(&values, "amount").replace(',', ""), cur).or_else(|| {
            errors.push(("amount".into(), t("settings-payout-bad-amount")));
            None
        }),
        None => None,
    };
    if let (Some(amount_minor), true) = (amount, errors.is_empty()) {
        let input = NewPayout {
            amount_minor,
            currency: code,
            provider: val(&values, "provider").to_string(),
            reference: val(&values, "reference").to_string(),
        };
        match s.app.record_payout(&c.actor, c.id(), input).await {
            Ok(_) => return redirect(&format!("{}/payments?done=payout-recorded#payouts", c.base()), &[]),
            Err(e) => match form_errors(e) {
                Ok(fields) => {
                    errors = fields
                        .into_iter()
                        .map(|(f, m)| (if f == "amount_minor" { "amount".into() } else { f }, m))
                        .collect()
                }
                Err(page) => return page,
            },
        }
    }
    payments_view(&s, &c, StatusCode::UNPROCESSABLE_ENTITY, None, &Form::refused(values, errors), None).await
}
