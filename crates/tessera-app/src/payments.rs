//! Paying for orders: providers per organization, checkout, provider
//! events, refunds, reconciliation, and an event's money settings.
//!
//! Providers: `free` (no payment at all: zero-total orders are confirmed by
//! the buyer), `manual` (bank transfer or box office: a due date, staff mark
//! it paid), `sandbox` (a built-in test page: success, decline or a delayed
//! confirmation) and `stripe` (Checkout Sessions, signed webhooks). Card
//! numbers never reach Tessera: buyers pay on the provider's page.
//!
//! Every provider report becomes a [`ProviderEvent`] decided in the order's
//! event batch (see `tessera_store::payments`), so its effects and its
//! record commit together.

use crate::inventory::actor_name;
use crate::{Actor, App, AppError, Result};
use std::collections::BTreeMap;
use tessera_domain::orders::{Order, OrderId, OrderState};
use tessera_domain::payments::{EventPricing, PaymentState};
use tessera_domain::validation::check_text;
use tessera_domain::{EventId, MessageKey, Money, OrgId, Permission, TicketTypeId, ValidationError};
use tessera_remote::stripe;
use tessera_store::{
    InventoryOp, LedgerEntry, NewPayment, NewRefund, OutboxMessage, PaymentRecord, PaymentSettingsRecord, ProviderEvent,
};

pub use tessera_store::{CancellationProgress, RefundRecord};

/// Providers an organization can choose.
pub const PROVIDERS: [&str; 3] = ["manual", "sandbox", "stripe"];

/// Bank transfer or box office.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ManualSettings {
    /// Shown to the buyer and in the e-mail: account, IBAN, opening hours.
    #[serde(default)]
    pub instructions: String,
    /// Days the buyer has to pay; never past the event's start.
    #[serde(default = "default_due_days")]
    pub due_days: i64,
}

fn default_due_days() -> i64 {
    7
}

impl Default for ManualSettings {
    fn default() -> Self {
        ManualSettings { instructions: String::new(), due_days: default_due_days() }
    }
}

/// Stripe settings as stored (no secrets).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StripeSettings {
    /// `card`, `alipay`, `wechat_pay`; cards when empty.
    #[serde(default)]
    pub methods: Vec<String>,
}

/// Stripe's secrets, sealed at rest.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
struct StripeSecrets {
    secret_key: String,
    webhook_secrets: Vec<String>,
}

/// Stripe settings as an administrator sends them: secrets are write-only.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StripeInput {
    #[serde(default)]
    pub methods: Vec<String>,
    /// `sk_live_...` or `sk_test_...`; leave out to keep the stored one.
    #[serde(default)]
    pub secret_key: Option<String>,
    /// Endpoint secrets (`whsec_...`); several while rotating. Leave out to keep.
    #[serde(default)]
    pub webhook_secrets: Option<Vec<String>>,
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentSettingsInput {
    /// `manual`, `sandbox` or `stripe`.
    pub provider: String,
    #[serde(default)]
    pub manual: Option<ManualSettings>,
    #[serde(default)]
    pub stripe: Option<StripeInput>,
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
struct StoredSettings {
    #[serde(default)]
    manual: ManualSettings,
    #[serde(default)]
    stripe: StripeSettings,
}

/// An organization's payment settings, secrets left out.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PaymentSettingsView {
    /// `manual`, `sandbox`, `stripe`, or `none` when nothing is set up yet.
    pub provider: String,
    pub manual: ManualSettings,
    pub stripe: StripeSettings,
    pub stripe_secret_key_set: bool,
    pub stripe_webhook_secrets: usize,
    /// Where to point Stripe's webhooks for this organization.
    pub stripe_webhook_path: String,
}

/// What a buyer needs to pay: where to go, or how to transfer.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Checkout {
    pub payment: PaymentRecord,
    /// Send the buyer here (sandbox and Stripe).
    pub redirect_url: Option<String>,
    /// Manual payments: what to do, and the reference to quote.
    pub instructions: Option<String>,
    pub reference: String,
}

/// What a refund covers.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundInput {
    /// Give back this much money and void nothing; leave out for the rest of the order.
    #[serde(default)]
    pub amount_minor: Option<i64>,
    /// Void these tickets and refund what they cost (price, tax on top, their fees).
    #[serde(default)]
    #[schema(min_items = 1, max_items = 500)]
    pub ticket_ids: Option<Vec<String>>,
    #[serde(default)]
    #[schema(min_length = 1, max_length = 500)]
    pub reason: Option<String>,
}

/// An order's money: payments with their provider events, refunds, ledger.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct OrderMoney {
    pub payments: Vec<PaymentWithEvents>,
    pub refunds: Vec<RefundRecord>,
    pub ledger: Vec<LedgerEntry>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PaymentWithEvents {
    #[serde(flatten)]
    pub payment: PaymentRecord,
    pub events: Vec<ProviderEventView>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ProviderEventView {
    pub id: String,
    pub kind: String,
    pub outcome: String,
    #[schema(value_type = String, format = DateTime)]
    pub received_at: tessera_domain::Timestamp,
}

/// One line of the balance report.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct BalanceLine {
    pub account: String,
    pub currency: String,
    /// Debits positive, credits negative: what the organization is owed shows negative on `sales`.
    pub balance_minor: i64,
}

/// The organizer's balance: money taken, refunded, taxes, fees, what is owed.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct BalanceReport {
    pub lines: Vec<BalanceLine>,
    /// Per currency: what the organizer is owed (sales less payouts).
    pub owed: BTreeMap<String, i64>,
    /// Per currency: tax collected, to pass on.
    pub tax: BTreeMap<String, i64>,
}

/// Money paid out to the organization.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPayout {
    #[schema(minimum = 1)]
    pub amount_minor: i64,
    pub currency: String,
    /// Which provider's balance it leaves (`manual`, `sandbox`, `stripe`).
    #[schema(pattern = "^(manual|sandbox|stripe)$")]
    pub provider: String,
    /// The bank transfer's or the provider payout's reference.
    #[schema(min_length = 1, max_length = 200)]
    pub reference: String,
}

/// A recorded payout.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PayoutView {
    pub txn_id: String,
    pub amount: tessera_domain::Money,
    pub provider: String,
    pub reference: String,
    #[schema(value_type = String, format = DateTime)]
    pub at: tessera_domain::Timestamp,
}

/// How a sandbox buyer answers the test page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SandboxOutcome {
    Success,
    Decline,
    /// Confirmation arrives later, as a bank's or wallet's would.
    Delayed,
}

fn stripe_methods(names: &[String]) -> std::result::Result<Vec<stripe::PaymentMethod>, ValidationError> {
    let mut e = ValidationError::new();
    let mut out = vec![];
    for (i, m) in names.iter().enumerate() {
        match m.as_str() {
            "card" => out.push(stripe::PaymentMethod::Card),
            "alipay" => out.push(stripe::PaymentMethod::Alipay),
            "wechat_pay" => out.push(stripe::PaymentMethod::WechatPay),
            _ => e.add_key(
                format!("stripe.methods[{i}]"),
                one_of("card, alipay, wechat_pay"),
                "one of card, alipay, wechat_pay",
            ),
        }
    }
    if out.is_empty() {
        out.push(stripe::PaymentMethod::Card);
    }
    e.finish().map(|_| out)
}

/// "one of `options`".
fn one_of(options: &'static str) -> MessageKey {
    MessageKey::new("errors-one-of").text("options", options)
}

impl App {
    fn stripe_client(&self, secret_key: &str) -> Result<stripe::Client> {
        stripe::Client::new(&self.config.stripe_api_base, secret_key.to_string())
            .map_err(|e| AppError::Internal(format!("stripe client: {e}")))
    }

    async fn settings_of(&self, org: OrgId) -> Result<Option<(String, StoredSettings, Option<StripeSecrets>)>> {
        let Some(rec) = self.store.payment_settings(org).await? else { return Ok(None) };
        let settings: StoredSettings =
            serde_json::from_str(&rec.settings).map_err(|e| AppError::Internal(format!("payment settings: {e}")))?;
        let secrets = match &rec.secrets_sealed {
            Some(s) => {
                let plain = self
                    .config
                    .master_key
                    .open(s, format!("payment-secrets:{org}").as_bytes())
                    .map_err(|e| AppError::Internal(format!("payment secrets: {e}")))?;
                Some(serde_json::from_slice(&plain).map_err(|e| AppError::Internal(format!("payment secrets: {e}")))?)
            }
            None => None,
        };
        Ok(Some((rec.provider, settings, secrets)))
    }

    pub async fn payment_settings(&self, actor: &Actor, org: OrgId) -> Result<PaymentSettingsView> {
        self.authorize(actor, org, Permission::ManageOrgSettings).await?;
        let found = self.settings_of(org).await?;
        let (provider, settings, secrets) = found.unwrap_or_else(|| ("none".into(), StoredSettings::default(), None));
        Ok(PaymentSettingsView {
            provider,
            manual: settings.manual,
            stripe: settings.stripe,
            stripe_secret_key_set: secrets.as_ref().is_some_and(|s| !s.secret_key.is_empty()),
            stripe_webhook_secrets: secrets.as_ref().map_or(0, |s| s.webhook_secrets.len()),
            stripe_webhook_path: format!("/api/v1/payments/stripe/webhook/{org}"),
        })
    }

    pub async fn set_payment_settings(
        &self,
        actor: &Actor,
        org: OrgId,
        input: PaymentSettingsInput,
    ) -> Result<PaymentSettingsView> {
        self.authorize(actor, org, Permission::ManageOrgSettings).await?;
        let mut e = ValidationError::new();
        let known = PROVIDERS.contains(&input.provider.as_str());
        e.check_key(known, "provider", one_of("manual, sandbox, stripe"), "one of manual, sandbox, stripe");
        if input.provider == "sandbox" && !self.config.allow_sandbox_payments {
            e.add_key(
                "provider",
                MessageKey::new("errors-sandbox-off"),
                "the sandbox provider is switched off on this server (payments.allow_sandbox)",
            );
        }
        let (_, mut stored, old_secrets) =
            self.settings_of(org).await?.unwrap_or_else(|| (String::new(), StoredSettings::default(), None));
        if let Some(m) = input.manual {
            check_text(&mut e, "manual.instructions", &m.instructions, 0, 2000);
            let key = MessageKey::new("errors-day-range").num("min", 1).num("max", 90);
            e.check_key((1..=90).contains(&m.due_days), "manual.due_days", key, "1 to 90 days");
            stored.manual = m;
        }
        let mut secrets = old_secrets.unwrap_or_default();
        if let Some(s) = input.stripe {
            if let Err(v) = stripe_methods(&s.methods) {
                e.fields.extend(v.fields);
            }
            stored.stripe.methods = s.methods;
            if let Some(k) = s.secret_key {
                e.check_key(
                    (k.starts_with("sk_") || k.starts_with("rk_"))
                        && k.len() <= 255
                        && !k.contains(char::is_whitespace),
                    "stripe.secret_key",
                    MessageKey::new("errors-stripe-secret-key"),
                    "a Stripe secret key (sk_live_..., sk_test_...) or restricted key (rk_...)",
                );
                secrets.secret_key = k;
            }
            if let Some(ws) = s.webhook_secrets {
                let key = MessageKey::new("errors-webhook-secret-count").num("min", 1).num("max", 4);
                e.check_key((1..=4).contains(&ws.len()), "stripe.webhook_secrets", key, "1 to 4 endpoint secrets");
                for (i, w) in ws.iter().enumerate() {
                    e.check_key(
                        w.starts_with("whsec_") && w.len() <= 255,
                        &format!("stripe.webhook_secrets[{i}]"),
                        MessageKey::new("errors-webhook-secret"),
                        "an endpoint secret (whsec_...)",
                    );
                }
                secrets.webhook_secrets = ws;
            }
        }
        if input.provider == "stripe" {
            let key = MessageKey::new("errors-required-for-stripe");
            e.check_key(!secrets.secret_key.is_empty(), "stripe.secret_key", key.clone(), "required for Stripe");
            e.check_key(!secrets.webhook_secrets.is_empty(), "stripe.webhook_secrets", key, "required for Stripe");
        }
        e.finish()?;
        let sealed = if secrets.secret_key.is_empty() && secrets.webhook_secrets.is_empty() {
            None
        } else {
            let plain = serde_json::to_vec(&secrets).map_err(|e| AppError::Internal(e.to_string()))?;
            Some(self.config.master_key.seal(&plain, format!("payment-secrets:{org}").as_bytes()))
        };
        let rec = PaymentSettingsRecord {
            provider: input.provider,
            settings: serde_json::to_string(&stored).map_err(|e| AppError::Internal(e.to_string()))?,
            secrets_sealed: sealed,
            updated_at: self.now(),
        };
        self.store.set_payment_settings(org, &rec).await?;
        self.payment_settings(actor, org).await
    }

    pub async fn event_pricing(&self, actor: &Actor, org: OrgId, event: EventId) -> Result<EventPricing> {
        self.authorize(actor, org, Permission::ViewCatalog).await?;
        self.org_event(org, event).await?;
        Ok(self.store.event_pricing(event).await?)
    }

    pub async fn set_event_pricing(
        &self,
        actor: &Actor,
        org: OrgId,
        event: EventId,
        pricing: EventPricing,
    ) -> Result<EventPricing> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        self.org_event(org, event).await?;
        pricing.validate()?;
        self.store.set_event_pricing(event, &pricing, self.now()).await?;
        Ok(pricing)
    }

    async fn org_event(&self, org: OrgId, event: EventId) -> Result<tessera_domain::catalog::Event> {
        self.store.event(org, event).await?.ok_or(AppError::NotFound)
    }

    /// Starts paying a pending order with its organization's provider, or
    /// returns the attempt already open.
    pub async fn checkout(&self, actor: &Actor, id: OrderId, token: Option<&str>) -> Result<Checkout> {
        let order = self.buyer_order(actor, id, token).await?;
        if order.state != OrderState::Pending {
            return Err(crate::inventory::state_error(order.state));
        }
        if order.total.amount_minor == 0 {
            return Err(AppError::Rule {
                code: "free_order",
                field: "total".into(),
                message: "this order is free: confirm it instead of paying".into(),
            });
        }
        let (provider, settings, secrets) = self.settings_of(order.org_id).await?.ok_or(AppError::Rule {
            code: "payments_not_configured",
            field: "provider".into(),
            message: "the organizer has not set up payments yet".into(),
        })?;
        let reference = order.reference.clone();
        let open = self.store.order_payments(id).await?.into_iter().find(|p| p.state == PaymentState::Open);
        // An attempt opened before a gift card paid part of the order asks too much: open another.
        if let Some(p) = open.filter(|p| p.provider == provider && p.amount.amount_minor == due(&order)) {
            let instructions = (provider == "manual").then(|| settings.manual.instructions.clone());
            return Ok(Checkout { redirect_url: p.redirect_url.clone(), payment: p, instructions, reference });
        }
        let now = self.now();
        let payment_id = uuid::Uuid::now_v7().to_string();
        let mut p = new_payment(&payment_id, &order, &provider, String::new());
        let mut instructions = None;
        match provider.as_str() {
            "manual" => {
                let event = self.store.event(order.org_id, order.event_id).await?.ok_or(AppError::NotFound)?;
                let due = now
                    .checked_add(jiff::SignedDuration::from_hours(24 * settings.manual.due_days))
                    .unwrap_or(now)
                    .min(event.starts_at);
                // The reference to quote on the transfer: the order's, plus a
                // suffix per attempt (a second checkout is a second attempt).
                p.provider_ref = format!("{reference}-{}", &payment_id[payment_id.len() - 4..].to_uppercase());
                p.due_at = Some(due);
                p.hold_until = Some(due);
                let mail = |due_at: Option<tessera_domain::Timestamp>, key: &str| {
                    let m = OutboxMessage::new(
                        "email",
                        "payment_reminder",
                        Some(id.to_string()),
                        serde_json::json!({ "payment_id": payment_id }),
                    )
                    .dedupe(format!("payment_reminder:{payment_id}:{key}"));
                    match due_at {
                        Some(at) => m.due(at),
                        None => m,
                    }
                };
                p.outbox.push(mail(None, "now"));
                if let Ok(day_before) = due.checked_sub(jiff::SignedDuration::from_hours(24))
                    && day_before > now.checked_add(jiff::SignedDuration::from_hours(1)).unwrap_or(now)
                {
                    p.outbox.push(mail(Some(day_before), "day_before"));
                }
                instructions = Some(settings.manual.instructions.clone());
            }
            "sandbox" => {
                if !self.config.allow_sandbox_payments {
                    return Err(AppError::Rule {
                        code: "payments_not_configured",
                        field: "provider".into(),
                        message: "the sandbox provider is switched off on this server".into(),
                    });
                }
                p.provider_ref = format!("sbx_{}", uuid::Uuid::now_v7().simple());
                p.redirect_url = Some(format!("{}/pay/sandbox/{payment_id}", self.config.public_url));
            }
            "stripe" => {
                let secrets = secrets.ok_or_else(|| AppError::Internal("stripe secrets missing".into()))?;
                let client = self.stripe_client(&secrets.secret_key)?;
                let order_url = format!("{}/orders/{id}", self.config.public_url);
                let req = stripe::CheckoutRequest {
                    order_id: id.to_string(),
                    org_id: order.org_id.to_string(),
                    success_url: format!("{order_url}?paid=1"),
                    cancel_url: order_url,
                    customer_email: Some(order.buyer_email.clone()),
                    currency: order.total.currency.code().to_string(),
                    line_items: vec![stripe::LineItem {
                        name: format!("Order {reference}"),
                        unit_amount_minor: due(&order),
                        quantity: 1,
                    }],
                    payment_methods: stripe_methods(&settings.stripe.methods)?,
                    expires_at_unix: Some(order.expires_at.as_second()),
                    now_unix: now.as_second(),
                };
                let session = client.create_checkout_session(&req, &payment_id).await.map_err(|e| {
                    tracing::warn!(error = %e, order = %id, "stripe refused a checkout session");
                    AppError::Rule {
                        code: "provider_unavailable",
                        field: "provider".into(),
                        message: "the payment provider could not start the payment; try again shortly".into(),
                    }
                })?;
                p.provider_ref = session.id;
                p.redirect_url = session.url;
            }
            other => return Err(AppError::Internal(format!("unknown provider {other}"))),
        }
        self.submit_inventory(order.event_id, InventoryOp::StartPayment(Box::new(p))).await?;
        let payment = self.store.payment(&payment_id).await?.ok_or(AppError::NotFound)?;
        Ok(Checkout { redirect_url: payment.redirect_url.clone(), payment, instructions, reference })
    }

    /// Applies a provider's report through the order's event batch. Returns
    /// the order as it now is (`None` for a repeat or an unknown payment).
    pub async fn provider_event(&self, pe: ProviderEvent) -> Result<Option<Order>> {
        let (event, _) = self.store.order_event(pe.order).await?.ok_or(AppError::NotFound)?;
        let (provider, id, kind) = (pe.provider.clone(), pe.event_id.clone(), pe.kind.clone());
        let out = self.submit_inventory(event, InventoryOp::Payment(Box::new(pe))).await;
        match &out {
            Ok(_) => tracing::info!(%provider, event = %id, %kind, "provider event applied"),
            Err(e) => tracing::warn!(%provider, event = %id, %kind, error = %e, "provider event rejected"),
        }
        out
    }

    /// The sandbox's test page: the payment and its order.
    pub async fn sandbox_payment(&self, payment_id: &str) -> Result<(PaymentRecord, Order)> {
        if !self.config.allow_sandbox_payments {
            // Switched off: test payments made earlier can no longer complete.
            return Err(AppError::NotFound);
        }
        let p = self.store.payment(payment_id).await?.filter(|p| p.provider == "sandbox").ok_or(AppError::NotFound)?;
        let order_id: OrderId = p.order_id.parse().map_err(|_| AppError::NotFound)?;
        let (order, _, _) = self.store.order(order_id).await?.ok_or(AppError::NotFound)?;
        Ok((p, order))
    }

    /// What the sandbox buyer chose. A delayed confirmation is queued (as
    /// an outbox job, so it survives a restart) and arrives after `delay_secs`.
    pub async fn sandbox_complete(&self, payment_id: &str, outcome: SandboxOutcome, delay_secs: i64) -> Result<()> {
        let (p, order) = self.sandbox_payment(payment_id).await?;
        if p.state != PaymentState::Open {
            return Err(AppError::StateConflict {
                code: "payment_closed",
                message: format!("this payment is already {}", p.state.as_str()),
            });
        }
        let event_id = format!("sbx_evt_{}", uuid::Uuid::now_v7().simple());
        match outcome {
            SandboxOutcome::Delayed => {
                let mut e = ValidationError::new();
                let key = MessageKey::new("errors-second-range").num("min", 1).num("max", 86_400);
                e.check_key((1..=86_400).contains(&delay_secs), "delay_secs", key, "1 to 86400 seconds");
                e.finish()?;
                let at = self.now().checked_add(jiff::SignedDuration::from_secs(delay_secs)).unwrap_or(self.now());
                let job = OutboxMessage::new(
                    "sandbox_event",
                    "payment.succeeded",
                    Some(p.id.clone()),
                    serde_json::json!({ "payment_id": p.id, "event_id": event_id }),
                )
                .due(at);
                self.store.enqueue(order.org_id, &[job], self.now()).await?;
                Ok(())
            }
            SandboxOutcome::Success | SandboxOutcome::Decline => {
                let ok = outcome == SandboxOutcome::Success;
                self.provider_event(sandbox_event(&p, &event_id, ok)?).await?;
                Ok(())
            }
        }
    }

    /// A Stripe webhook for `org`: verified against its endpoint secrets,
    /// then applied. Anything unverifiable is refused and changes nothing.
    pub async fn stripe_webhook(&self, org: OrgId, body: &[u8], signature: Option<&str>) -> Result<&'static str> {
        let Some((_, _, Some(secrets))) = self.settings_of(org).await? else {
            return Err(AppError::NotFound);
        };
        let now = self.now().as_second();
        let event =
            stripe::verify_webhook(body, signature, &secrets.webhook_secrets, now, self.config.stripe_tolerance_secs)
                .map_err(|e| {
                tracing::warn!(%org, error = %e, "stripe webhook refused");
                AppError::Rule { code: "bad_signature", field: "Stripe-Signature".into(), message: e.to_string() }
            })?;
        let payload = String::from_utf8_lossy(body).to_string();
        let outcome = match event.event_type.as_str() {
            "checkout.session.completed" | "checkout.session.async_payment_succeeded" => Some(PaymentState::Succeeded),
            "checkout.session.async_payment_failed" => Some(PaymentState::Failed),
            "checkout.session.expired" => Some(PaymentState::Expired),
            _ => None,
        };
        if let Some(mut outcome) = outcome {
            let session = event.checkout_session().ok_or_else(|| AppError::Rule {
                code: "bad_event",
                field: "data.object".into(),
                message: "not a checkout session".into(),
            })?;
            if event.event_type == "checkout.session.completed" && session.payment_status != stripe::PaymentStatus::Paid
            {
                // An asynchronous method: the money is not there yet.
                self.store
                    .record_provider_event(
                        "stripe",
                        &event.id,
                        &event.event_type,
                        "ignored: awaiting payment",
                        &payload,
                        self.now(),
                    )
                    .await?;
                return Ok("awaiting payment");
            }
            let Some(p) =
                self.store.payment_by_ref("stripe", &session.id).await?.filter(|p| p.org_id == org.to_string())
            else {
                self.store
                    .record_provider_event(
                        "stripe",
                        &event.id,
                        &event.event_type,
                        "ignored: unknown session",
                        &payload,
                        self.now(),
                    )
                    .await?;
                return Ok("unknown session");
            };
            if outcome == PaymentState::Succeeded && session.payment_status != stripe::PaymentStatus::Paid {
                outcome = PaymentState::Failed;
            }
            let pe = ProviderEvent {
                provider: "stripe".into(),
                event_id: event.id.clone(),
                kind: event.event_type.clone(),
                payload,
                payment_id: p.id.clone(),
                order: p.order_id.parse().map_err(|_| AppError::Internal("order id".into()))?,
                outcome,
                amount_minor: session.amount_total,
                currency: session.currency.map(|c| c.to_ascii_uppercase()),
                provider_payment: session.payment_intent,
            };
            return match self.provider_event(pe).await {
                Ok(_) => Ok("applied"),
                // Recorded as rejected; Stripe need not send it again.
                Err(AppError::Rule { code: "payment_rejected", .. }) => Ok("rejected"),
                Err(e) => Err(e),
            };
        }
        if let Some(refund) = event.refund().filter(|_| event.event_type.starts_with("refund.")) {
            // Ours by the id we sent as metadata, or by Stripe's id; only this organization's.
            let by_meta = match refund.metadata.get("refund_id") {
                Some(id) => self.store.refund(id).await?,
                None => None,
            };
            let found = match by_meta {
                Some(r) => Some(r),
                None => self.store.refund_by_provider_ref(&refund.id).await?,
            }
            .filter(|r| r.org_id == org.to_string() && r.provider == "stripe");
            let outcome = match found {
                // Settling is idempotent (only a pending refund moves); the
                // event is recorded after it, so a failure here is retried by Stripe.
                Some(r) => {
                    self.settle_refund(&r, refund.status, Some(refund.id.clone())).await?;
                    "applied"
                }
                None => "ignored: unknown refund",
            };
            self.store
                .record_provider_event("stripe", &event.id, &event.event_type, outcome, &payload, self.now())
                .await?;
            return Ok("applied");
        }
        self.store
            .record_provider_event(
                "stripe",
                &event.id,
                &event.event_type,
                "ignored: unhandled type",
                &payload,
                self.now(),
            )
            .await?;
        Ok("ignored")
    }

    /// Staff refund: all of a paid order, some tickets, or an amount.
    pub async fn refund_order(
        &self,
        actor: &Actor,
        org: OrgId,
        id: OrderId,
        input: RefundInput,
        request_key: Option<&str>,
    ) -> Result<RefundRecord> {
        self.authorize(actor, org, Permission::ManageOrders).await?;
        let (order, _, _) =
            self.store.order(id).await?.filter(|(o, _, _)| o.org_id == org).ok_or(AppError::NotFound)?;
        let reason = input.reason.clone().unwrap_or_else(|| "refunded by the organizer".into());
        let mut e = ValidationError::new();
        check_text(&mut e, "reason", &reason, 1, 500);
        e.check_key(
            !(input.amount_minor.is_some() && input.ticket_ids.is_some()),
            "amount_minor",
            MessageKey::new("errors-amount-or-tickets"),
            "give an amount or tickets, not both",
        );
        e.finish()?;
        let left = order.paid.amount_minor - order.refunded.amount_minor;
        if order.paid.amount_minor == 0 {
            return Err(AppError::StateConflict {
                code: "not_paid",
                message: "nothing was paid for this order".into(),
            });
        }
        let (amount, tickets) = match (&input.amount_minor, &input.ticket_ids) {
            (Some(a), None) => (*a, "none".to_string()),
            (None, Some(ids)) => {
                // A type sold at several prices (tiers): which ticket paid
                // which price follows tickets replaced by transfers back.
                let multi = order
                    .lines
                    .iter()
                    .enumerate()
                    .any(|(i, l)| order.lines[..i].iter().any(|p| p.ticket_type_id == l.ticket_type_id));
                let origins = if multi { self.store.transfer_origins(order.id).await? } else { Default::default() };
                (ticket_share(&order, ids, &origins)?, ids.join(","))
            }
            _ => (left, "all".to_string()),
        };
        if amount <= 0 {
            return Err(AppError::invalid_key(
                "amount_minor",
                MessageKey::new("errors-more-than-zero"),
                "must be more than zero",
            ));
        }
        if amount > left {
            let most = tessera_domain::Money::new(left.max(0), order.total.currency).to_string();
            return Err(AppError::invalid_key(
                "amount_minor",
                MessageKey::new("errors-refund-at-most").text("amount", most.as_str()),
                format!("at most {most} can be refunded"),
            ));
        }
        let key = match request_key {
            Some(k) => format!("staff:{id}:{k}"),
            None => format!("staff:{id}:{}", uuid::Uuid::now_v7()),
        };
        self.open_and_run_refund(&order, amount, tickets, reason, actor_name(actor), key).await
    }

    /// What a buyer could refund of their own paid order right now, by the
    /// event's policy: (until when, the amount they get back), or `None`
    /// when the policy allows nothing now. The order page shows its refund
    /// button only then.
    pub async fn buyer_refund_offer(
        &self,
        order: &Order,
    ) -> Result<Option<(tessera_domain::Timestamp, tessera_domain::Money)>> {
        if order.state != OrderState::Paid {
            return Ok(None);
        }
        let Some(event) = self.store.event(order.org_id, order.event_id).await? else { return Ok(None) };
        let pricing = self.store.event_pricing(order.event_id).await?;
        let left = order.paid.amount_minor - order.refunded.amount_minor;
        let Ok(amount) = tessera_domain::payments::buyer_refund(&pricing.refunds, event.starts_at, self.now(), left)
        else {
            return Ok(None);
        };
        let deadline = event
            .starts_at
            .checked_sub(jiff::SignedDuration::from_hours(pricing.refunds.deadline_hours))
            .unwrap_or(event.starts_at);
        Ok(Some((deadline, tessera_domain::Money::new(amount, order.total.currency))))
    }

    /// A buyer refunds their own paid order, as the event's policy allows.
    pub async fn buyer_refund(&self, actor: &Actor, id: OrderId, token: Option<&str>) -> Result<RefundRecord> {
        let order = self.buyer_order(actor, id, token).await?;
        if order.state != OrderState::Paid {
            return Err(crate::inventory::state_error(order.state));
        }
        let event = self.store.event(order.org_id, order.event_id).await?.ok_or(AppError::NotFound)?;
        let pricing = self.store.event_pricing(order.event_id).await?;
        let left = order.paid.amount_minor - order.refunded.amount_minor;
        let amount = tessera_domain::payments::buyer_refund(&pricing.refunds, event.starts_at, self.now(), left)
            .map_err(|m| AppError::Rule { code: "refund_not_allowed", field: "order".into(), message: m.into() })?;
        let key = format!("buyer:{id}");
        self.open_and_run_refund(&order, amount, "all".into(), "requested by the buyer".into(), actor_name(actor), key)
            .await
    }

    async fn open_and_run_refund(
        &self,
        order: &Order,
        amount: i64,
        tickets: String,
        reason: String,
        actor: String,
        request_key: String,
    ) -> Result<RefundRecord> {
        // Gift cards first: their part goes back to the cards at once; the
        // rest through the newest provider payment with enough of it left.
        let refunds = self.store.order_refunds(order.id).await?;
        let payments = self.store.order_payments(order.id).await?;
        let taken = |id: &str| -> i64 {
            refunds.iter().filter(|r| r.payment_id == id && r.state != "failed").map(|r| r.amount.amount_minor).sum()
        };
        let mut parts: Vec<(String, i64, String)> = vec![];
        let mut need = amount;
        // Points take their share pro rata of what is left to refund (all
        // of it on a full refund), and get their points back.
        let points_payments: Vec<_> = payments
            .iter()
            .filter(|p| p.provider == tessera_domain::loyalty::PROVIDER && p.state == PaymentState::Succeeded)
            .collect();
        let points_left: i64 = points_payments.iter().map(|p| p.amount.amount_minor - taken(&p.id)).sum();
        let mut points_share = tessera_domain::loyalty::pro_rata(
            points_left,
            amount,
            order.paid.amount_minor - order.refunded.amount_minor,
        );
        for p in points_payments {
            let key = format!("{request_key}:points:{}", p.id);
            let share = match self.store.refund_by_key(&key).await? {
                Some(r) => r.amount.amount_minor,
                None => (p.amount.amount_minor - taken(&p.id)).min(points_share),
            };
            if share > 0 {
                parts.push((p.id.clone(), share, key));
                need -= share;
                points_share -= share;
            }
        }
        let card_payments = payments
            .iter()
            .filter(|p| p.provider == tessera_domain::giftcards::PROVIDER && p.state == PaymentState::Succeeded);
        for p in card_payments {
            if need <= 0 {
                break;
            }
            let key = format!("{request_key}:giftcard:{}", p.id);
            // A retry of this request finds the part it gave the card before.
            let share = match self.store.refund_by_key(&key).await? {
                Some(r) => r.amount.amount_minor,
                None => (p.amount.amount_minor - taken(&p.id)).min(need),
            };
            if share > 0 {
                parts.push((p.id.clone(), share, key));
                need -= share;
            }
        }
        if need > 0 {
            let payment = payments
                .iter()
                .rev()
                .filter(|p| {
                    p.state == PaymentState::Succeeded
                        && p.provider != tessera_domain::giftcards::PROVIDER
                        && p.provider != tessera_domain::loyalty::PROVIDER
                })
                .find(|p| p.amount.amount_minor - taken(&p.id) >= need)
                .ok_or(AppError::StateConflict {
                    code: "not_paid",
                    message: "no single payment of this order has that much left to refund".into(),
                })?;
            parts.push((payment.id.clone(), need, request_key.clone()));
        }
        let last = parts.len().saturating_sub(1);
        let mut out = None;
        for (i, (payment_id, amount_minor, key)) in parts.into_iter().enumerate() {
            let new = NewRefund {
                order: order.id,
                payment_id,
                amount_minor,
                reason: reason.clone(),
                actor: actor.clone(),
                // The last part voids the tickets, once the money went back.
                tickets: if i == last { tickets.clone() } else { "none".into() },
                request_key: key,
                take_back_cards: tickets == "all" || tickets == "none",
            };
            let (refund, fresh) = self.store.open_refund(&new, order.org_id, self.now()).await?;
            if fresh && let Err(e) = self.run_refund(&refund.id).await {
                // The outbox job retries it.
                tracing::warn!(refund = %refund.id, error = %e, "refund will be retried");
            }
            out = Some(self.store.refund(&refund.id).await?.unwrap_or(refund));
        }
        out.ok_or(AppError::StateConflict { code: "not_paid", message: "nothing to refund".into() })
    }

    /// Carries out a pending refund at its provider, then records it.
    /// Safe to repeat: the provider sees the refund's id as idempotency key.
    pub async fn run_refund(&self, refund_id: &str) -> Result<()> {
        let r = self.store.refund(refund_id).await?.ok_or(AppError::NotFound)?;
        if r.state != "pending" {
            return Ok(());
        }
        match r.provider.as_str() {
            // Money handed back at the box office or by transfer; the sandbox
            // has no money; a gift card's part goes back to the card.
            "manual" | "sandbox" | tessera_domain::giftcards::PROVIDER | tessera_domain::loyalty::PROVIDER => {
                self.settle_refund(&r, stripe::RefundStatus::Succeeded, None).await
            }
            "stripe" => {
                let org: OrgId = r.org_id.parse().map_err(|_| AppError::Internal("org id".into()))?;
                let secrets = self
                    .settings_of(org)
                    .await?
                    .and_then(|s| s.2)
                    .ok_or_else(|| AppError::Internal("stripe secrets missing".into()))?;
                if r.provider_ref.is_some() {
                    // Stripe accepted it and is still working on it: its
                    // webhook settles it. Asking to create it again after
                    // Stripe forgot the idempotency key (24 h) could refund twice.
                    return Ok(());
                }
                let payment = self.store.payment(&r.payment_id).await?.ok_or(AppError::NotFound)?;
                let intent = payment.provider_payment.ok_or_else(|| AppError::Internal("no payment intent".into()))?;
                let meta = BTreeMap::from([
                    ("order_id".to_string(), r.order_id.clone()),
                    ("refund_id".to_string(), r.id.clone()),
                ]);
                match self
                    .stripe_client(&secrets.secret_key)?
                    .create_refund(&intent, r.amount.amount_minor, &r.id, &meta)
                    .await
                {
                    Ok(done) => self.settle_refund(&r, done.status, Some(done.id)).await,
                    Err(e) if e.is_retryable() => Err(AppError::Internal(format!("stripe refund: {e}"))),
                    Err(e) => {
                        tracing::warn!(refund = %r.id, error = %e, "stripe refused a refund");
                        self.store.fail_refund(&r.id, &e.to_string(), self.now()).await?;
                        Ok(())
                    }
                }
            }
            other => Err(AppError::Internal(format!("unknown provider {other}"))),
        }
    }

    async fn settle_refund(
        &self,
        r: &RefundRecord,
        status: stripe::RefundStatus,
        provider_ref: Option<String>,
    ) -> Result<()> {
        use stripe::RefundStatus as S;
        match status {
            S::Succeeded => {
                let order: OrderId = r.order_id.parse().map_err(|_| AppError::Internal("order id".into()))?;
                let (event, _) = self.store.order_event(order).await?.ok_or(AppError::NotFound)?;
                let op = InventoryOp::RefundDone { order, refund: r.id.clone(), provider_ref };
                self.submit_inventory(event, op).await?;
                // An invoiced order gets its credit note; one missed here is
                // issued when the order's invoices are next looked at.
                if let Err(e) = self.issue_credit_notes(order).await {
                    tracing::warn!(refund = %r.id, error = %e, "credit note not issued yet");
                }
                Ok(())
            }
            S::Failed | S::Canceled => {
                self.store.fail_refund(&r.id, "the provider could not refund it", self.now()).await?;
                Ok(())
            }
            // Pending at the provider: its webhook (or the next retry) settles it.
            _ => {
                if let Some(p) = provider_ref {
                    self.store.set_refund_provider_ref(&r.id, &p).await?;
                }
                Ok(())
            }
        }
    }

    /// An order's payments, provider events, refunds and ledger, for staff.
    pub async fn order_money(&self, actor: &Actor, org: OrgId, id: OrderId) -> Result<OrderMoney> {
        self.authorize(actor, org, Permission::ViewOrders).await?;
        let (order, _, _) =
            self.store.order_head(id).await?.filter(|(o, _, _)| o.org_id == org).ok_or(AppError::NotFound)?;
        let mut payments = vec![];
        for p in self.store.order_payments(order.id).await? {
            let events = self
                .store
                .provider_events(&p.id)
                .await?
                .into_iter()
                .map(|(id, kind, outcome, received_at)| ProviderEventView { id, kind, outcome, received_at })
                .collect();
            payments.push(PaymentWithEvents { payment: p, events });
        }
        Ok(OrderMoney {
            payments,
            refunds: self.store.order_refunds(order.id).await?,
            ledger: self.store.order_ledger(order.id).await?,
        })
    }

    /// The organizer's balance from the ledger.
    pub async fn balance(&self, actor: &Actor, org: OrgId) -> Result<BalanceReport> {
        self.authorize(actor, org, Permission::ViewOrders).await?;
        let sales = tessera_domain::payments::account::org_sales(org);
        let payouts = tessera_domain::payments::account::org_payouts(org);
        let tax = tessera_domain::payments::account::org_tax(org);
        let mut report = BalanceReport { lines: vec![], owed: BTreeMap::new(), tax: BTreeMap::new() };
        for (account, currency, balance_minor) in self.store.org_balances(org).await? {
            if account == sales || account == payouts {
                *report.owed.entry(currency.clone()).or_default() -= balance_minor;
            }
            if account == tax {
                *report.tax.entry(currency.clone()).or_default() -= balance_minor;
            }
            report.lines.push(BalanceLine { account, currency, balance_minor });
        }
        Ok(report)
    }

    /// Records money paid out to the organization; never more than it is owed.
    pub async fn record_payout(&self, actor: &Actor, org: OrgId, input: NewPayout) -> Result<PayoutView> {
        self.authorize(actor, org, Permission::ManageOrgSettings).await?;
        let mut e = ValidationError::new();
        let key = MessageKey::new("errors-more-than-zero");
        e.check_key(input.amount_minor > 0, "amount_minor", key, "must be more than zero");
        let currency = tessera_domain::Currency::parse(&input.currency);
        let key = MessageKey::new("errors-currency-code");
        e.check_key(currency.is_ok(), "currency", key, "an ISO 4217 code such as EUR");
        let known = PROVIDERS.contains(&input.provider.as_str());
        e.check_key(known, "provider", one_of("manual, sandbox, stripe"), "one of manual, sandbox, stripe");
        check_text(&mut e, "reference", &input.reference, 1, 200);
        e.finish()?;
        let currency = currency.map_err(|err| {
            AppError::invalid_key("currency", MessageKey::new("errors-currency-code"), err.to_string())
        })?;
        let t = tessera_domain::payments::payout_txn(&input.provider, org, currency, input.amount_minor);
        let now = self.now();
        let txn_id = self.store.record_payout(org, &t, &input.reference, now).await?;
        Ok(PayoutView {
            txn_id,
            amount: tessera_domain::Money::new(input.amount_minor, currency),
            provider: input.provider,
            reference: input.reference,
            at: now,
        })
    }

    /// The organization's payouts, oldest first.
    pub async fn payouts(&self, actor: &Actor, org: OrgId) -> Result<Vec<PayoutView>> {
        self.authorize(actor, org, Permission::ViewOrders).await?;
        let entries = self.store.org_ledger(org).await?;
        let mut out = vec![];
        for e in entries.iter().filter(|e| e.kind == "payout" && e.amount.amount_minor < 0) {
            out.push(PayoutView {
                txn_id: e.txn_id.clone(),
                amount: tessera_domain::Money::new(-e.amount.amount_minor, e.amount.currency),
                provider: e.account.trim_start_matches("provider:").to_string(),
                reference: e.memo.clone().unwrap_or_default(),
                at: e.at,
            });
        }
        Ok(out)
    }

    /// Staff mark an order paid (cash, a transfer that arrived): a `manual`
    /// payment that succeeds at once, with its ledger postings.
    pub async fn mark_paid(&self, actor: &Actor, org: OrgId, id: OrderId) -> Result<Order> {
        self.mark_paid_with(actor, org, id, None).await
    }

    /// [`App::mark_paid`], saying how the money came (`cash`, `card`): kept
    /// with the payment's provider event, next to who took it.
    pub(crate) async fn mark_paid_with(
        &self,
        actor: &Actor,
        org: OrgId,
        id: OrderId,
        method: Option<&str>,
    ) -> Result<Order> {
        self.authorize(actor, org, Permission::ManageOrders).await?;
        let (order, _, _) =
            self.store.order_head(id).await?.filter(|(o, _, _)| o.org_id == org).ok_or(AppError::NotFound)?;
        if order.total.amount_minor == 0 {
            let op = InventoryOp::Confirm { order: id, actor: actor_name(actor), note: "marked paid by staff".into() };
            return self.submit_inventory(order.event_id, op).await?.ok_or(AppError::NotFound);
        }
        let payments = self.store.order_payments(id).await?;
        let payment = match payments
            .into_iter()
            .find(|p| p.provider == "manual" && p.state == PaymentState::Open && p.amount.amount_minor == due(&order))
        {
            Some(p) => p,
            None => {
                let payment_id = uuid::Uuid::now_v7().to_string();
                let reference = format!("{}-{}", order.reference, &payment_id[payment_id.len() - 6..]);
                let p = new_payment(&payment_id, &order, "manual", reference);
                self.submit_inventory(order.event_id, InventoryOp::StartPayment(Box::new(p))).await?;
                self.store.payment(&payment_id).await?.ok_or(AppError::NotFound)?
            }
        };
        let pe = ProviderEvent {
            provider: "manual".into(),
            event_id: format!("staff:{}", uuid::Uuid::now_v7()),
            kind: "payment.received".into(),
            payload: serde_json::json!({ "by": actor_name(actor), "method": method }).to_string(),
            payment_id: payment.id,
            order: id,
            outcome: PaymentState::Succeeded,
            amount_minor: Some(payment.amount.amount_minor),
            currency: Some(order.total.currency.code().to_string()),
            provider_payment: None,
        };
        self.provider_event(pe).await?.ok_or(AppError::NotFound)
    }

    /// Asks Stripe about payments left open too long and applies what it
    /// says: the fix for a webhook that never arrived. Returns how many it asked about.
    pub async fn reconcile_once(&self) -> Result<usize> {
        let before = self
            .now()
            .checked_sub(jiff::SignedDuration::from_secs(self.config.reconcile_after_secs))
            .unwrap_or(self.now());
        let open = self.store.open_payments("stripe", before, 50).await?;
        let n = open.len();
        for p in open {
            let Ok(org) = p.org_id.parse::<OrgId>() else { continue };
            let Some((_, _, Some(secrets))) = self.settings_of(org).await? else { continue };
            let session =
                match self.stripe_client(&secrets.secret_key)?.retrieve_checkout_session(&p.provider_ref).await {
                    Ok(s) => s,
                    Err(e) => {
                        tracing::warn!(payment = %p.id, error = %e, "reconciliation could not ask stripe");
                        continue;
                    }
                };
            let outcome = match (session.status, session.payment_status) {
                (_, stripe::PaymentStatus::Paid) => PaymentState::Succeeded,
                (stripe::SessionStatus::Expired, _) => PaymentState::Expired,
                _ => continue,
            };
            let pe = ProviderEvent {
                provider: "stripe".into(),
                event_id: format!("reconcile:{}:{}", session.id, outcome.as_str()),
                kind: "reconciliation".into(),
                payload: serde_json::to_string(&session).unwrap_or_default(),
                payment_id: p.id.clone(),
                order: p.order_id.parse().map_err(|_| AppError::Internal("order id".into()))?,
                outcome,
                amount_minor: session.amount_total,
                currency: session.currency.map(|c| c.to_ascii_uppercase()),
                provider_payment: session.payment_intent,
            };
            if let Err(e) = self.provider_event(pe).await {
                tracing::warn!(payment = %p.id, error = %e, "reconciliation could not apply stripe's answer");
            }
        }
        Ok(n)
    }
}

impl App {
    /// Cancels an event's pending orders and refunds its paid ones in full
    /// (an outbox job, started by cancelling the event). Safe to run again
    /// after a crash: each refund is keyed by its order, so none is made twice.
    pub async fn run_event_cancellation(&self, org: OrgId, event: EventId) -> Result<CancellationProgress> {
        let Some(ev) = self.store.event(org, event).await? else { return Err(AppError::NotFound) };
        if ev.status != tessera_domain::catalog::EventStatus::Cancelled {
            return Ok(self.store.cancellation_progress(event).await?);
        }
        for id in self.store.event_order_ids(event, OrderState::Pending).await? {
            let op = InventoryOp::Cancel { order: id, actor: "system".into(), note: "the event was cancelled".into() };
            match self.submit_inventory(event, op).await {
                Ok(_) | Err(AppError::StateConflict { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        for id in self.store.event_order_ids(event, OrderState::Paid).await? {
            let Some((order, _, _)) = self.store.order_head(id).await? else { continue };
            let left = order.paid.amount_minor - order.refunded.amount_minor;
            let key = format!("cancel:{id}");
            if left <= 0 {
                // Nothing paid (a free order): void it by cancelling.
                if order.paid.amount_minor == 0 {
                    let op = InventoryOp::Cancel {
                        order: id,
                        actor: "system".into(),
                        note: "the event was cancelled".into(),
                    };
                    let _ = self.submit_inventory(event, op).await;
                }
                continue;
            }
            match self
                .open_and_run_refund(&order, left, "all".into(), "event cancelled".into(), "system".into(), key)
                .await
            {
                Ok(_) => {}
                Err(AppError::StateConflict { code: "not_paid", .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(self.store.cancellation_progress(event).await?)
    }

    /// How far an event's cancellation has come: orders by state, its refunds by state.
    pub async fn cancellation_progress(
        &self,
        actor: &Actor,
        org: OrgId,
        event: EventId,
    ) -> Result<CancellationProgress> {
        self.authorize(actor, org, Permission::ViewOrders).await?;
        self.org_event(org, event).await?;
        Ok(self.store.cancellation_progress(event).await?)
    }
}

/// A payment attempt for the whole of `order`; the caller fills in the rest.
/// What is left to pay of an order: its total less what a gift card paid.
pub(crate) fn due(order: &Order) -> i64 {
    order.total.amount_minor - (order.paid.amount_minor - order.refunded.amount_minor)
}

fn new_payment(id: &str, order: &Order, provider: &str, provider_ref: String) -> NewPayment {
    NewPayment {
        id: id.to_string(),
        order: order.id,
        provider: provider.to_string(),
        provider_ref,
        provider_payment: None,
        amount_minor: due(order),
        currency: order.total.currency.code().to_string(),
        redirect_url: None,
        due_at: None,
        hold_until: None,
        outbox: vec![],
    }
}

/// A sandbox report for payment `p`.
pub(crate) fn sandbox_event(p: &PaymentRecord, event_id: &str, ok: bool) -> Result<ProviderEvent> {
    Ok(ProviderEvent {
        provider: "sandbox".into(),
        event_id: event_id.to_string(),
        kind: if ok { "payment.succeeded" } else { "payment.declined" }.into(),
        payload: serde_json::json!({ "payment": p.id, "ok": ok }).to_string(),
        payment_id: p.id.clone(),
        order: p.order_id.parse().map_err(|_| AppError::Internal("order id".into()))?,
        outcome: if ok { PaymentState::Succeeded } else { PaymentState::Failed },
        amount_minor: Some(p.amount.amount_minor),
        currency: Some(p.amount.currency.code().to_string()),
        provider_payment: Some(format!("sbx_pi_{}", &p.id)),
    })
}

/// The line a ticket was sold on. A ticket type may have several lines,
/// one per price tier: the tickets issued with the order, in issue order,
/// fill them in line order (as they were issued), so all of them together
/// cost exactly the lines. A ticket issued by a transfer (`origins`: new id
/// -> replaced id) stands where the ticket it replaced stood.
fn line_of<'o>(
    order: &'o Order,
    ticket: &tessera_domain::orders::Ticket,
    origins: &std::collections::HashMap<String, String>,
) -> Option<&'o tessera_domain::orders::OrderLine> {
    let mut id = ticket.id.to_string();
    for _ in 0..64 {
        match origins.get(&id) {
            Some(before) => id = before.clone(),
            None => break,
        }
    }
    let nth = order
        .tickets
        .iter()
        .filter(|t| t.ticket_type_id == ticket.ticket_type_id && !origins.contains_key(&t.id.to_string()))
        .position(|t| t.id.to_string() == id)?;
    let mut seen = 0;
    for l in order.lines.iter().filter(|l| l.ticket_type_id == ticket.ticket_type_id) {
        seen += usize::try_from(l.quantity).unwrap_or(0);
        if nth < seen {
            return Some(l);
        }
    }
    order.lines.iter().find(|l| l.ticket_type_id == ticket.ticket_type_id)
}

/// What some of an order's valid tickets cost: their price, tax added on
/// top, and their per-ticket fees, prorated from their lines.
fn ticket_share(order: &Order, ids: &[String], origins: &std::collections::HashMap<String, String>) -> Result<i64> {
    let mut e = ValidationError::new();
    let key = MessageKey::new("errors-ticket-count").num("min", 1).num("max", 500);
    e.check_key(!ids.is_empty() && ids.len() <= 500, "ticket_ids", key, "1 to 500 tickets");
    let mut seen = std::collections::HashSet::new();
    let mut total = 0i64;
    for (i, id) in ids.iter().enumerate() {
        let field = format!("ticket_ids[{i}]");
        if !seen.insert(id) {
            e.add_key(field, MessageKey::new("errors-listed-twice"), "listed twice");
            continue;
        }
        let Some(t) = order.tickets.iter().find(|t| t.id.to_string() == *id) else {
            e.add_key(field, MessageKey::new("errors-not-order-ticket"), "not a ticket of this order");
            continue;
        };
        if t.status == "void" {
            e.add_key(field, MessageKey::new("errors-already-void"), "already void");
            continue;
        }
        if let Some(l) = line_of(order, t, origins) {
            let q = l.quantity.max(1);
            let tax = if l.tax_inclusive { 0 } else { l.tax.amount_minor / q };
            // Fees come back only where the buyer paid them (not absorbed).
            let fees = if order.fees.amount_minor > 0 { l.fees.amount_minor / q } else { 0 };
            total += l.unit_price.amount_minor + tax + fees;
        }
    }
    e.finish()?;
    Ok(total)
}

/// What one ticket of a type costs the buyer, as the storefront shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct BuyerPrice {
    pub ticket_type_id: TicketTypeId,
    /// Price, tax added on top where it is not included, and the per-ticket
    /// fees the buyer pays (none when the organizer absorbs them).
    pub per_ticket: Money,
    /// Of which fees.
    pub fees: Money,
    /// The same for the ticket type's own price, which applies once its
    /// price tiers have ended (equal to `per_ticket` without tiers).
    pub list_per_ticket: Money,
}

/// The buyer's prices of an event: per ticket type, and the fee added once
/// per order with something to pay.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct BuyerPrices {
    pub ticket_types: Vec<BuyerPrice>,
    pub per_order_fee: Option<Money>,
}

impl App {
    /// What buyers pay for `event`'s public ticket types, fees and taxes
    /// on top included: the same arithmetic as an order's receipt.
    pub async fn buyer_prices(&self, event: &crate::catalog::EventDetail) -> Result<BuyerPrices> {
        let pricing = self.store.event_pricing(event.summary.id).await?;
        let mut per_ticket = pricing.clone();
        per_ticket.fees.per_order_minor = 0;
        let mut out = Vec::with_capacity(event.ticket_types.len());
        let mut currency = None;
        for t in &event.ticket_types {
            let r = tessera_domain::payments::price(t.price.currency, &[(t.id, 1, t.price)], &per_ticket)
                .map_err(|e| AppError::Internal(format!("pricing {}: {e}", t.id)))?;
            let list = if t.list_price == t.price {
                r.total
            } else {
                tessera_domain::payments::price(t.list_price.currency, &[(t.id, 1, t.list_price)], &per_ticket)
                    .map_err(|e| AppError::Internal(format!("pricing {}: {e}", t.id)))?
                    .total
            };
            out.push(BuyerPrice {
                ticket_type_id: t.id,
                per_ticket: r.total,
                fees: r.fees_charged,
                list_per_ticket: list,
            });
            currency.get_or_insert(t.price.currency);
        }
        let per_order_fee = match currency {
            Some(c) if pricing.fees.per_order_minor > 0 && !pricing.fees.absorbed => {
                Some(Money::new(pricing.fees.per_order_minor, c))
            }
            _ => None,
        };
        Ok(BuyerPrices { ticket_types: out, per_order_fee })
    }
}
