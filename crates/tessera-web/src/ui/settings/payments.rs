//! The payment provider and its settings (secrets write-only), the balance
//! from the ledger, and payouts.

use super::*;
use std::collections::BTreeMap;
use tessera_app::payments::{ManualSettings, NewPayout, PROVIDERS, PaymentSettingsInput, StripeInput};
use tessera_domain::{Currency, Money};

const STRIPE_METHODS: [&str; 3] = ["card", "alipay", "wechat_pay"];

fn method_label(m: &str) -> &'static str {
    match m {
        "card" => tr("Cards"),
        "alipay" => tr("Alipay"),
        _ => tr("WeChat Pay"),
    }
}

fn provider_label(p: &str) -> &'static str {
    match p {
        "manual" => tr("Manual"),
        "sandbox" => tr("Sandbox"),
        "stripe" => "Stripe",
        _ => "",
    }
}

fn account_label(account: &str) -> String {
    if account.ends_with(":sales") {
        tr("Sales owed to you").to_string()
    } else if account.ends_with(":tax") {
        tr("Tax to pass on").to_string()
    } else if account.ends_with(":payouts") {
        tr("Paid out to you").to_string()
    } else if let Some(p) = account.strip_prefix("provider:") {
        format!("{} ({p})", tr("Held by the provider"))
    } else if account == "platform:fees" {
        tr("Platform fees").to_string()
    } else {
        account.to_string()
    }
}

fn per_currency(amounts: &BTreeMap<String, i64>) -> String {
    let shown: Vec<String> = amounts
        .iter()
        .filter_map(|(code, minor)| Currency::parse(code).ok().map(|c| money(Money::new(*minor, c))))
        .collect();
    if shown.is_empty() { "–".to_string() } else { esc(&shown.join(" · ")) }
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
    payments_view(&s, &c, StatusCode::OK, None, &Form::default(), &done_notice(&q)).await
}

async fn payments_view(
    s: &AppState,
    c: &Ctx,
    status: StatusCode,
    settings_form: Option<Form>,
    payout: &Form,
    notice: &str,
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
    let base = c.base();
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
    let provider = f.get("provider");
    let radios: String = [
        ("manual", tr("Manual: bank transfer or box office")),
        ("sandbox", tr("Sandbox: test payments, no real money")),
        ("stripe", tr("Stripe: cards and wallets")),
    ]
    .iter()
    .map(|(v, label)| {
        let on = if *v == provider { " checked" } else { "" };
        format!(
            "<li><input type=\"radio\" id=\"provider-{v}\" name=\"provider\" value=\"{v}\"{on}> <label for=\"provider-{v}\">{label}</label></li>"
        )
    })
    .collect();
    let provider_errs = field_errors(&f.errors, "provider");
    let none = if settings.provider == "none" {
        format!("<p class=\"notice\">{}</p>", tr("Not set up yet: only free orders can be completed."))
    } else {
        String::new()
    };
    let methods: Vec<(&str, String)> = STRIPE_METHODS.iter().map(|m| (*m, esc(method_label(m)))).collect();
    let key_state = if settings.stripe_secret_key_set { tr("set") } else { tr("not set") };
    let secrets_state = if settings.stripe_webhook_secrets > 0 {
        format!("{} × {}", settings.stripe_webhook_secrets, tr("set"))
    } else {
        tr("not set").to_string()
    };
    let mut body = format!(
        "{notice}{none}<form method=\"post\" action=\"{base}/payments\" novalidate>{csrf}{marked}\
         <fieldset{inv}><legend>{provider_l}</legend><ul class=\"checks\">{radios}</ul>{provider_errs}</fieldset>\
         <fieldset><legend>{manual_l}</legend>{instructions}{instructions_hint}{due}</fieldset>\
         <fieldset><legend>Stripe</legend>{methods}{methods_hint}{key}{key_hint}{secrets}{secrets_hint}\
         <p class=\"muted\">{point} <code>{path}</code></p></fieldset>\
         <p><button type=\"submit\">{save}</button></p></form>",
        csrf = csrf_field(&c.csrf),
        marked = check_marked(&f.errors),
        inv = invalid_attrs("provider", &provider_errs),
        provider_l = tr("Payment provider"),
        manual_l = tr("Manual payments"),
        instructions = textarea(
            "manual.instructions",
            tr("Instructions for the buyer"),
            "maxlength=\"2000\"",
            f.get("manual.instructions"),
            &f.errors
        ),
        instructions_hint = hint(tr("Account, IBAN, opening hours: shown on the order and in the e-mail.")),
        due = input(
            "manual.due_days",
            tr("Days to pay"),
            "number",
            "min=\"1\" max=\"90\" step=\"1\" inputmode=\"numeric\"",
            &f.values,
            &f.errors
        ),
        methods = checkboxes(
            tr("Payment methods"),
            "stripe.method.",
            &methods,
            &|m| f.values.contains_key(&format!("stripe.method.{m}")),
            "stripe.methods",
            &f.errors
        ),
        methods_hint = hint(tr("Cards when none is ticked.")),
        key = input(
            "stripe.secret_key",
            &format!("{} ({key_state})", tr("Secret key")),
            "password",
            "autocomplete=\"off\" spellcheck=\"false\"",
            &f.values,
            &f.errors
        ),
        key_hint = hint(tr("Leave empty to keep the stored one.")),
        secrets = textarea(
            "stripe.webhook_secrets",
            &format!("{} ({secrets_state})", tr("Webhook signing secrets")),
            "autocomplete=\"off\" spellcheck=\"false\"",
            "",
            &f.errors
        ),
        secrets_hint = hint(tr("One per line (whsec_…); two while rotating. Leave empty to keep the stored ones.")),
        point = tr("Point Stripe's webhook at this server's address followed by"),
        path = esc(&settings.stripe_webhook_path),
        save = tr("Save the payment settings"),
    );
    body.push_str(&format!(
        "<h2 id=\"balance\">{}</h2><div class=\"stats\"><div>{}<strong>{}</strong></div><div>{}<strong>{}</strong></div></div>",
        tr("Balance"),
        tr("Owed to you"),
        per_currency(&balance.owed),
        tr("Tax collected"),
        per_currency(&balance.tax),
    ));
    if balance.lines.is_empty() {
        body.push_str(&format!("<p>{}</p>", tr("Nothing was sold yet.")));
    } else {
        body.push_str(&format!("<details><summary>{}</summary>", tr("Ledger accounts")));
        body.push_str(&table_start(tr("Ledger accounts"), &[(tr("Account"), false), (tr("Balance"), true)]));
        for l in &balance.lines {
            let amount = Currency::parse(&l.currency)
                .map(|cur| money(Money::new(l.balance_minor, cur)))
                .unwrap_or_else(|_| format!("{} {}", l.balance_minor, l.currency));
            body.push_str(&format!(
                "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td></tr>",
                esc(&account_label(&l.account)),
                esc(&amount)
            ));
        }
        body.push_str("</tbody></table></div></details>");
    }
    body.push_str(&format!("<h2 id=\"payouts\">{}</h2>", tr("Payouts")));
    if payouts.is_empty() {
        body.push_str(&format!("<p>{}</p>", tr("No payouts yet.")));
    } else {
        body.push_str(&table_start(
            tr("Payouts"),
            &[(tr("Time"), false), (tr("Amount"), true), (tr("Provider"), false), (tr("Payout reference"), false)],
        ));
        for p in payouts.iter().rev() {
            body.push_str(&format!(
                "<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
                esc(&when(p.at, "UTC")),
                esc(&money(p.amount)),
                esc(match provider_label(&p.provider) {
                    "" => &p.provider,
                    label => label,
                }),
                esc(&p.reference)
            ));
        }
        body.push_str(TABLE_END);
    }
    let default_currency = balance.owed.keys().next().cloned().unwrap_or_else(|| "EUR".into());
    let default_provider =
        if PROVIDERS.contains(&settings.provider.as_str()) { settings.provider.clone() } else { "manual".into() };
    let mut pv = payout.values.clone();
    pv.entry("currency".into()).or_insert(default_currency);
    let chosen_provider = pv.get("provider").cloned().unwrap_or(default_provider);
    let provider_options: Vec<(&str, &str)> = PROVIDERS.iter().map(|p| (*p, provider_label(p))).collect();
    body.push_str(&format!(
        "<h3>{title}</h3><p class=\"muted\">{explain}</p><form method=\"post\" action=\"{base}/payments/payouts\" novalidate>{csrf}{marked}\
         {amount}{currency}{currency_hint}{provider}{reference}<p><button type=\"submit\">{submit}</button></p></form>",
        title = tr("Record a payout"),
        explain = tr("Money paid out to you, such as a bank transfer or a provider's payout; never more than you are owed."),
        csrf = csrf_field(&c.csrf),
        marked = check_marked(&payout.errors),
        amount = input("amount", tr("Amount"), "text", "inputmode=\"decimal\" required autocomplete=\"off\"", &pv, &payout.errors),
        currency = input("currency", tr("Currency"), "text", "maxlength=\"3\" required autocomplete=\"off\"", &pv, &payout.errors),
        currency_hint = hint(tr("A code such as EUR or CNY.")),
        provider = select("provider", tr("Provider"), &provider_options, &chosen_provider, &payout.errors),
        reference = input("reference", tr("Payout reference"), "text", "required maxlength=\"200\"", &pv, &payout.errors),
        submit = tr("Record the payout"),
    ));
    render(c, status, tr("Payments"), "payments", &body)
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
            Err(e) => match refused(e) {
                Ok(fields) => errors = fields,
                Err(page) => return page,
            },
        }
    }
    // Secrets are never sent back to the browser.
    let mut kept = values;
    kept.remove("stripe.secret_key");
    kept.remove("stripe.webhook_secrets");
    payments_view(&s, &c, StatusCode::UNPROCESSABLE_ENTITY, Some(Form::refused(kept, errors)), &Form::default(), "")
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
    let currency = Currency::parse(&code)
        .map_err(|_| errors.push(("currency".into(), localize("an ISO 4217 code such as EUR"))))
        .ok();
    let amount = match currency {
        Some(cur) => crate::ui::parse_amount(&val(&values, "amount").replace(',', ""), cur).or_else(|| {
            errors.push(("amount".into(), tr("enter an amount such as 125.50").into()));
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
            Err(e) => match refused(e) {
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
    payments_view(&s, &c, StatusCode::UNPROCESSABLE_ENTITY, None, &Form::refused(values, errors), "").await
}
