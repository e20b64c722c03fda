//! Delivering the outbox: e-mails, webhooks to integrators, refund jobs and
//! delayed sandbox confirmations. Rows were written in the transaction that
//! caused them; this worker delivers each at least once, retrying with
//! exponential backoff, and receivers deduplicate by the row's id (the
//! e-mail's Message-ID, the webhook's `webhook-id`).
//!
//! Also here: integrators' webhook endpoints (subscribe, delivery log,
//! redelivery, automatic disabling after repeated failure).

use crate::{Actor, App, AppError, Result};
use std::sync::Arc;
use tessera_domain::orders::{Order, OrderId};
use tessera_domain::validation::check_text;
use tessera_domain::{MessageKey, OrgId, Permission, Timestamp, ValidationError};
use tessera_mail::{Locale, Mail, MailKind};
use tessera_remote::webhooks;
use tessera_store::{OutboxMessage, OutboxRow};

/// Event types an endpoint can subscribe to.
pub const WEBHOOK_TYPES: [&str; 9] = [
    "order.created",
    "order.paid",
    "order.cancelled",
    "order.refunded",
    "ticket.checked_in",
    "ticket.transferred",
    "ticket.resold",
    "event.cancelled",
    "waitlist.offered",
];

/// Attempts before a message is given up.
const MAX_ATTEMPTS: i64 = webhooks::MAX_ATTEMPTS as i64;
/// How long a worker holds the rows it took.
const LEASE_SECS: i64 = 120;

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEndpoint {
    /// https URL (http to loopback only where the server allows it).
    pub url: String,
    /// Event types, or `["*"]` for all.
    #[schema(min_items = 1, max_items = 20)]
    pub event_types: Vec<String>,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub description: String,
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointPatch {
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default)]
    #[schema(min_items = 1, max_items = 20)]
    pub event_types: Option<Vec<String>>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct EndpointView {
    pub id: String,
    pub url: String,
    pub event_types: Vec<String>,
    pub description: String,
    pub enabled: bool,
    pub consecutive_failures: i64,
    pub disabled_reason: Option<String>,
    /// Shown once, when the endpoint is made: verify our signatures with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct DeliveryView {
    /// The delivery's id; its `webhook-id` is `message_id`.
    pub id: String,
    pub message_id: String,
    pub topic: String,
    /// `pending`, `done` or `failed`.
    pub state: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    pub next_attempt_at: Timestamp,
    pub log: Vec<AttemptView>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AttemptView {
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    pub status: Option<i64>,
    pub duration_ms: i64,
    pub error: Option<String>,
}

fn check_types(e: &mut ValidationError, types: &[String]) {
    e.check_key(
        !types.is_empty() && types.len() <= 20,
        "event_types",
        MessageKey::new("errors-event-type-count").num("min", 1).num("max", 20),
        "1 to 20 event types",
    );
    for (i, t) in types.iter().enumerate() {
        let options = WEBHOOK_TYPES.join(", ");
        e.check_key(
            t == "*" || WEBHOOK_TYPES.contains(&t.as_str()),
            &format!("event_types[{i}]"),
            MessageKey::new("errors-star-or-one-of").text("options", options.as_str()),
            format!("`*` or one of {options}"),
        );
    }
}

/// The catalog message for a refused endpoint URL.
fn url_error_key(err: &webhooks::UrlError) -> MessageKey {
    use webhooks::UrlError as U;
    match err {
        U::Invalid => MessageKey::new("errors-url-invalid"),
        U::TooLong => MessageKey::new("errors-url-too-long").num("max", 2048),
        U::Scheme => MessageKey::new("errors-url-scheme"),
        U::InsecureScheme => MessageKey::new("errors-url-insecure"),
        U::Credentials => MessageKey::new("errors-url-credentials"),
        U::LocalName(name) => MessageKey::new("errors-url-local-name").text("host", name.as_str()),
        U::UnqualifiedName(name) => MessageKey::new("errors-url-unqualified").text("host", name.as_str()),
        U::ForbiddenAddress { address, .. } => {
            MessageKey::new("errors-url-forbidden-address").text("address", address.to_string())
        }
    }
}

impl App {
    fn url_policy(&self) -> webhooks::UrlPolicy {
        webhooks::UrlPolicy { allow_insecure_loopback: self.config.webhooks_allow_loopback }
    }

    fn endpoint_view(&self, r: tessera_store::EndpointRecord, secret: Option<String>) -> EndpointView {
        EndpointView {
            id: r.id,
            url: r.url,
            event_types: r.event_types.split(' ').map(str::to_string).collect(),
            description: r.description,
            enabled: r.enabled,
            consecutive_failures: r.consecutive_failures,
            disabled_reason: r.disabled_reason,
            secret,
        }
    }

    pub async fn create_endpoint(&self, actor: &Actor, org: OrgId, input: NewEndpoint) -> Result<EndpointView> {
        self.authorize(actor, org, Permission::ManageOrgSettings).await?;
        let mut e = ValidationError::new();
        if let Err(err) = webhooks::check_endpoint_url(&input.url, &self.url_policy()) {
            e.add_key("url", url_error_key(&err), err.to_string());
        }
        check_types(&mut e, &input.event_types);
        check_text(&mut e, "description", &input.description, 0, 200);
        e.finish()?;
        let secret = webhooks::new_secret();
        let id = uuid::Uuid::now_v7().to_string();
        let sealed = self.config.master_key.seal(secret.as_bytes(), format!("webhook:{id}").as_bytes());
        let rec = tessera_store::EndpointRecord {
            id: id.clone(),
            org_id: org.to_string(),
            url: input.url,
            event_types: input.event_types.join(" "),
            description: input.description,
            enabled: true,
            consecutive_failures: 0,
            disabled_reason: None,
            secret_sealed: sealed,
        };
        self.store.create_endpoint(&rec, self.now()).await?;
        Ok(self.endpoint_view(rec, Some(secret)))
    }

    pub async fn endpoints(&self, actor: &Actor, org: OrgId) -> Result<Vec<EndpointView>> {
        self.authorize(actor, org, Permission::ManageOrgSettings).await?;
        Ok(self.store.endpoints(org).await?.into_iter().map(|r| self.endpoint_view(r, None)).collect())
    }

    async fn org_endpoint(&self, org: OrgId, id: &str) -> Result<tessera_store::EndpointRecord> {
        self.store.endpoint(id).await?.filter(|r| r.org_id == org.to_string()).ok_or(AppError::NotFound)
    }

    pub async fn update_endpoint(
        &self,
        actor: &Actor,
        org: OrgId,
        id: &str,
        patch: EndpointPatch,
    ) -> Result<EndpointView> {
        self.authorize(actor, org, Permission::ManageOrgSettings).await?;
        let mut rec = self.org_endpoint(org, id).await?;
        let mut e = ValidationError::new();
        if let Some(t) = &patch.event_types {
            check_types(&mut e, t);
        }
        e.finish()?;
        if let Some(t) = patch.event_types {
            rec.event_types = t.join(" ");
        }
        if let Some(on) = patch.enabled {
            rec.enabled = on;
            if on {
                rec.consecutive_failures = 0;
                rec.disabled_reason = None;
            }
        }
        self.store.update_endpoint(&rec, self.now()).await?;
        Ok(self.endpoint_view(rec, None))
    }

    pub async fn delete_endpoint(&self, actor: &Actor, org: OrgId, id: &str) -> Result<()> {
        self.authorize(actor, org, Permission::ManageOrgSettings).await?;
        self.org_endpoint(org, id).await?;
        Ok(self.store.delete_endpoint(id).await?)
    }

    /// The newest deliveries to an endpoint, with every attempt.
    pub async fn endpoint_deliveries(&self, actor: &Actor, org: OrgId, id: &str) -> Result<Vec<DeliveryView>> {
        self.authorize(actor, org, Permission::ManageOrgSettings).await?;
        self.org_endpoint(org, id).await?;
        let attempts = self.store.webhook_attempts(id, 500).await?;
        let mut out = vec![];
        for d in self.store.outbox_for(id, "webhook_delivery", 100).await? {
            let message_id = serde_json::from_str::<serde_json::Value>(&d.payload)
                .ok()
                .and_then(|v| v["message_id"].as_str().map(str::to_string))
                .unwrap_or_default();
            let log = attempts
                .iter()
                .filter(|a| a.delivery_id == d.id)
                .map(|a| AttemptView { at: a.at, status: a.status, duration_ms: a.duration_ms, error: a.error.clone() })
                .collect();
            out.push(DeliveryView {
                id: d.id,
                message_id,
                topic: d.topic,
                state: d.state,
                attempts: d.attempts,
                last_error: d.last_error,
                next_attempt_at: d.next_attempt_at,
                log,
            });
        }
        Ok(out)
    }

    /// Sends a delivery again now, with the same `webhook-id`.
    pub async fn redeliver(&self, actor: &Actor, org: OrgId, endpoint: &str, delivery: &str) -> Result<()> {
        self.authorize(actor, org, Permission::ManageOrgSettings).await?;
        self.org_endpoint(org, endpoint).await?;
        let row = self
            .store
            .outbox_row(delivery)
            .await?
            .filter(|r| r.kind == "webhook_delivery" && r.subject_id.as_deref() == Some(endpoint))
            .ok_or(AppError::NotFound)?;
        if !self.store.outbox_requeue(&row.id, self.now()).await? {
            return Err(AppError::StateConflict {
                code: "already_queued",
                message: "this delivery is already queued".into(),
            });
        }
        Ok(())
    }

    /// Delivers what is due; returns how many messages it handled.
    pub async fn run_outbox_once(&self) -> Result<usize> {
        let rows = self.store.claim_outbox(self.now(), LEASE_SECS, 32).await?;
        let n = rows.len();
        for row in rows {
            let id = row.id.clone();
            let attempts = row.attempts;
            match self.deliver(&row).await {
                Ok(()) => self.store.outbox_done(&id, self.now()).await?,
                Err(Failure::Permanent(why)) => {
                    tracing::warn!(outbox = %id, kind = %row.kind, error = %why, "outbox message given up");
                    self.store.outbox_retry(&id, &why, None).await?;
                }
                Err(Failure::Retry(why)) => {
                    let next = if attempts + 1 >= MAX_ATTEMPTS {
                        None
                    } else {
                        let delay = webhooks::next_attempt_delay(u32::try_from(attempts + 1).unwrap_or(u32::MAX));
                        let secs = i64::try_from(delay.as_secs()).unwrap_or(3600).max(1);
                        self.now().checked_add(jiff::SignedDuration::from_secs(secs)).ok()
                    };
                    tracing::info!(outbox = %id, kind = %row.kind, error = %why, retry = next.is_some(), "outbox delivery failed");
                    self.store.outbox_retry(&id, &why, next).await?;
                }
            }
        }
        Ok(n)
    }

    async fn deliver(&self, row: &OutboxRow) -> std::result::Result<(), Failure> {
        let payload: serde_json::Value =
            serde_json::from_str(&row.payload).map_err(|e| Failure::Permanent(e.to_string()))?;
        match row.kind.as_str() {
            "email" => self.deliver_email(row).await,
            "webhook" => self.fan_out(row, &payload).await.map_err(Failure::retry),
            "webhook_delivery" => self.deliver_webhook(row, &payload).await,
            "refund" => {
                let id = payload["refund_id"].as_str().ok_or_else(|| Failure::Permanent("no refund id".into()))?;
                self.run_refund(id).await.map_err(Failure::retry)?;
                // Still pending at the provider: ask again later.
                match self.store.refund(id).await.map_err(|e| Failure::retry(e.into()))? {
                    Some(r) if r.state == "pending" => Err(Failure::Retry("refund pending at the provider".into())),
                    _ => Ok(()),
                }
            }
            "cancel_event" => {
                let org = payload["org_id"].as_str().and_then(|o| o.parse().ok());
                let event = payload["event_id"].as_str().and_then(|e| e.parse().ok());
                let (Some(org), Some(event)) = (org, event) else {
                    return Err(Failure::Permanent("no event".into()));
                };
                let p = self.run_event_cancellation(org, event).await.map_err(Failure::retry)?;
                let pending = p.refunds.get("pending").copied().unwrap_or(0);
                if p.left_to_refund > pending {
                    return Err(Failure::Retry(format!("{} paid orders still to refund", p.left_to_refund)));
                }
                Ok(())
            }
            "sandbox_event" => {
                if !self.config.allow_sandbox_payments {
                    return Err(Failure::Permanent("the sandbox provider is switched off".into()));
                }
                let payment = payload["payment_id"].as_str().unwrap_or_default();
                let event_id = payload["event_id"].as_str().unwrap_or_default();
                let p = self
                    .store
                    .payment(payment)
                    .await
                    .map_err(|e| Failure::retry(e.into()))?
                    .ok_or_else(|| Failure::Permanent("no such payment".into()))?;
                let pe = crate::payments::sandbox_event(&p, event_id, true).map_err(Failure::retry)?;
                match self.provider_event(pe).await {
                    Ok(_) | Err(AppError::Rule { code: "payment_rejected", .. }) => Ok(()),
                    Err(e) => Err(Failure::retry(e)),
                }
            }
            other => Err(Failure::Permanent(format!("unknown outbox kind {other}"))),
        }
    }

    /// One delivery row per enabled endpoint subscribed to the topic.
    async fn fan_out(&self, row: &OutboxRow, payload: &serde_json::Value) -> Result<()> {
        let org: OrgId = row.org_id.parse().map_err(|_| AppError::Internal("org id".into()))?;
        let mut msgs = vec![];
        for ep in self.store.endpoints(org).await? {
            let subscribed = ep.event_types.split(' ').any(|t| t == "*" || t == row.topic);
            if !ep.enabled || !subscribed {
                continue;
            }
            let body = serde_json::json!({ "message_id": row.id, "endpoint_id": ep.id, "body": payload });
            msgs.push(
                OutboxMessage::new("webhook_delivery", &row.topic, Some(ep.id.clone()), body)
                    .dedupe(format!("{}:{}", row.id, ep.id)),
            );
        }
        self.store.enqueue(org, &msgs, self.now()).await?;
        Ok(())
    }

    async fn deliver_webhook(&self, row: &OutboxRow, payload: &serde_json::Value) -> std::result::Result<(), Failure> {
        let endpoint = payload["endpoint_id"].as_str().unwrap_or_default();
        let message_id = payload["message_id"].as_str().unwrap_or_default().to_string();
        let Some(ep) = self.store.endpoint(endpoint).await.map_err(|e| Failure::retry(e.into()))? else {
            return Err(Failure::Permanent("the endpoint was deleted".into()));
        };
        if !ep.enabled {
            return Err(Failure::Permanent("the endpoint is disabled".into()));
        }
        let secret = self
            .config
            .master_key
            .open(&ep.secret_sealed, format!("webhook:{}", ep.id).as_bytes())
            .map_err(|e| Failure::Permanent(format!("endpoint secret: {e}")))?;
        let secret = String::from_utf8(secret).map_err(|_| Failure::Permanent("endpoint secret".into()))?;
        let body = payload["body"].to_string();
        let deliverer = webhooks::Deliverer::new(self.url_policy());
        let now = self.now();
        let result =
            deliverer.deliver(&ep.url, &[secret.as_str()], &message_id, now.as_second(), body.as_bytes()).await;
        let attempt = tessera_store::WebhookAttempt {
            delivery_id: row.id.clone(),
            endpoint_id: ep.id.clone(),
            message_id: message_id.clone(),
            topic: row.topic.clone(),
            at: now,
            status: result.status.map(i64::from),
            duration_ms: i64::try_from(result.duration_ms).unwrap_or(i64::MAX),
            error: result.error.clone(),
            response: Some(result.response_excerpt.clone()),
        };
        let delivered = result.delivered();
        let disable = if delivered {
            None
        } else if result.gone {
            Some("the endpoint answered 410 Gone".to_string())
        } else if ep.consecutive_failures + 1 >= self.config.webhook_disable_after {
            Some(format!("{} deliveries in a row failed", ep.consecutive_failures + 1))
        } else {
            None
        };
        self.store
            .record_webhook_attempt(&attempt, delivered, disable.as_deref())
            .await
            .map_err(|e| Failure::retry(e.into()))?;
        if delivered {
            return Ok(());
        }
        let why = result.error.clone().unwrap_or_else(|| format!("HTTP {}", result.status.unwrap_or(0)));
        if disable.is_some() || !result.retryable { Err(Failure::Permanent(why)) } else { Err(Failure::Retry(why)) }
    }

    async fn deliver_email(&self, row: &OutboxRow) -> std::result::Result<(), Failure> {
        let Some(smtp) = &self.config.smtp else {
            tracing::info!(outbox = %row.id, topic = %row.topic, "no SMTP server configured; e-mail not sent");
            return Ok(());
        };
        let Some(mail) = self.compose_mail(row).await.map_err(Failure::retry)? else {
            // Nothing to say any more (a reminder for an order no longer pending).
            return Ok(());
        };
        let mailer = tessera_mail::Mailer::new(smtp).map_err(|e| Failure::Permanent(e.to_string()))?;
        let msg = tessera_mail::compose(&mail, mailer.from()).map_err(|e| Failure::Permanent(e.to_string()))?;
        mailer.send(msg).await.map_err(|e| {
            if e.is_permanent() { Failure::Permanent(e.to_string()) } else { Failure::Retry(e.to_string()) }
        })
    }

    /// The e-mail an outbox row stands for, built from the order as it is now.
    async fn compose_mail(&self, row: &OutboxRow) -> Result<Option<Mail>> {
        if row.topic == "account" {
            return self.compose_account_mail(row);
        }
        if row.topic.starts_with("transfer_") {
            return self.compose_transfer_mail(row).await;
        }
        if row.topic == "resale_sold" {
            return self.compose_resale_mail(row).await;
        }
        let order_id: OrderId =
            row.subject_id.as_deref().unwrap_or_default().parse().map_err(|_| AppError::NotFound)?;
        let Some((order, _, _)) = self.store.order(order_id).await? else { return Ok(None) };
        let org = self.store.org(order.org_id).await?.ok_or(AppError::NotFound)?;
        let (event, venue) = self.event_and_venue(order.org_id, order.event_id).await?;
        let tz = venue.timezone.tz();
        let payload: serde_json::Value = serde_json::from_str(&row.payload).unwrap_or_default();
        // The secret link opens the order in any browser, not only the one
        // that placed it.
        let order_url = format!("{}{}", self.config.public_url, self.order_link(order.id));
        let cur = order.total.currency;
        let money = |a: i64| tessera_domain::Money::new(a, cur);
        let kind = match row.topic.as_str() {
            "order_confirmation" => {
                if order.state != tessera_domain::orders::OrderState::Paid {
                    return Ok(None);
                }
                let (pdf, links) = self.order_pdf_and_links(&order).await?;
                let printable = !links.is_empty();
                MailKind::OrderConfirmation {
                    org_name: org.name.clone(),
                    event_name: event.title.clone(),
                    event_starts: event.starts_at.to_zoned(tz.clone()),
                    venue_name: venue.name.clone(),
                    order_reference: order.reference.clone(),
                    lines: order
                        .lines
                        .iter()
                        .map(|l| tessera_mail::Line {
                            name: l.name.clone(),
                            quantity: u32::try_from(l.quantity).unwrap_or(0),
                            unit_price: l.unit_price,
                            total: money(l.unit_price.amount_minor * l.quantity),
                        })
                        // Each discount as its own line, taken off.
                        .chain(order.discounts.iter().map(|d| {
                            let mail_locale = Locale::from_tag(payload["locale"].as_str().unwrap_or(&order.locale));
                            let label = tessera_mail::catalog_text(mail_locale, "pricing-discount");
                            tessera_mail::Line {
                                name: format!("{label}: {}", d.code),
                                quantity: 1,
                                unit_price: money(-d.amount.amount_minor),
                                total: money(-d.amount.amount_minor),
                            }
                        }))
                        .collect(),
                    fees: order.fees,
                    taxes: order.tax,
                    total: order.total,
                    order_url,
                    calendar_url: Some(format!("{}/events/{}/calendar.ics", self.config.public_url, event.id)),
                    tickets: links
                        .into_iter()
                        .map(|(holder_name, label, url)| tessera_mail::TicketLink { holder_name, label, url })
                        .collect(),
                    // An order of products only (gift cards, memberships) has no ticket to print.
                    pdf: printable.then_some(pdf),
                    points: self.order_points_note(&order).await?,
                }
            }
            "payment_reminder" => {
                if order.state != tessera_domain::orders::OrderState::Pending {
                    return Ok(None);
                }
                let payment = payload["payment_id"].as_str().unwrap_or_default();
                let Some(p) = self
                    .store
                    .payment(payment)
                    .await?
                    .filter(|p| p.state == tessera_domain::payments::PaymentState::Open)
                else {
                    return Ok(None);
                };
                let settings = self.store.payment_settings(order.org_id).await?;
                let instructions = settings
                    .and_then(|s| serde_json::from_str::<serde_json::Value>(&s.settings).ok())
                    .and_then(|v| v["manual"]["instructions"].as_str().map(str::to_string))
                    .unwrap_or_default();
                MailKind::PaymentReminder {
                    org_name: org.name.clone(),
                    event_name: event.title.clone(),
                    order_reference: order.reference.clone(),
                    total: order.total,
                    due: p.due_at.unwrap_or(order.expires_at).to_zoned(tz.clone()),
                    payment_reference: p.provider_ref.clone(),
                    instructions,
                    order_url,
                }
            }
            "refund_notice" => MailKind::RefundNotice {
                org_name: org.name.clone(),
                event_name: event.title.clone(),
                order_reference: order.reference.clone(),
                amount: money(payload["amount_minor"].as_i64().unwrap_or(0)),
                remaining_paid: money(order.paid.amount_minor - order.refunded.amount_minor),
                reason: payload["reason"].as_str().unwrap_or_default().to_string(),
                order_url,
            },
            "late_payment_refunded" => MailKind::LatePaymentRefunded {
                org_name: org.name.clone(),
                event_name: event.title.clone(),
                order_reference: order.reference.clone(),
                amount: money(payload["amount_minor"].as_i64().unwrap_or(0)),
            },
            "event_reminder" => {
                if order.state != tessera_domain::orders::OrderState::Paid {
                    return Ok(None);
                }
                MailKind::EventReminder {
                    org_name: org.name.clone(),
                    event_name: event.title.clone(),
                    starts: event.starts_at.to_zoned(tz.clone()),
                    venue_name: venue.name.clone(),
                    order_reference: order.reference.clone(),
                    order_url,
                }
            }
            "event_moved" => {
                if order.state != tessera_domain::orders::OrderState::Paid {
                    return Ok(None);
                }
                MailKind::EventMoved {
                    org_name: org.name.clone(),
                    event_name: event.title.clone(),
                    starts: event.starts_at.to_zoned(tz.clone()),
                    venue_name: venue.name.clone(),
                    order_reference: order.reference.clone(),
                    order_url,
                }
            }
            "find_order" => MailKind::FindOrder {
                org_name: org.name.clone(),
                event_name: event.title.clone(),
                order_reference: order.reference.clone(),
                order_url,
            },
            "event_cancelled" => MailKind::EventCancelled {
                org_name: org.name.clone(),
                event_name: event.title.clone(),
                order_reference: order.reference.clone(),
                refund_amount: money(payload["amount_minor"].as_i64().unwrap_or(0)),
            },
            "invoice_issued" => {
                let id = payload["invoice_id"].as_str().and_then(|i| i.parse().ok()).ok_or(AppError::NotFound)?;
                let Some(inv) = self.store.invoice(order.org_id, id).await? else { return Ok(None) };
                MailKind::InvoiceIssued {
                    org_name: org.name.clone(),
                    event_name: event.title.clone(),
                    order_reference: order.reference.clone(),
                    number: inv.number.clone(),
                    total: money(inv.document.total_minor),
                    invoice_url: format!("{order_url}/invoices/{}/pdf", inv.id),
                }
            }
            "waitlist_offer" => {
                // Nothing to offer any more once the order was paid, cancelled or expired.
                if order.state != tessera_domain::orders::OrderState::Pending {
                    return Ok(None);
                }
                MailKind::WaitlistOffer {
                    org_name: org.name.clone(),
                    event_name: event.title.clone(),
                    event_starts: event.starts_at.to_zoned(tz.clone()),
                    venue_name: venue.name.clone(),
                    ticket_type: order.lines.first().map(|l| l.name.clone()).unwrap_or_default(),
                    quantity: order.lines.iter().map(|l| usize::try_from(l.quantity).unwrap_or(0)).sum(),
                    total: order.total,
                    order_url,
                    expires: order.expires_at.to_zoned(tz.clone()),
                }
            }
            "products_delivery" => {
                if order.state != tessera_domain::orders::OrderState::Paid {
                    return Ok(None);
                }
                let (gift, member) = self.store.order_products(&order.id.to_string()).await?;
                if gift.is_empty() && member.is_empty() {
                    return Ok(None);
                }
                MailKind::ProductsDelivery {
                    org_name: org.name.clone(),
                    order_reference: order.reference.clone(),
                    gift_cards: gift.into_iter().map(|c| (c.code, c.initial)).collect(),
                    member_cards: member
                        .into_iter()
                        .map(|c| (c.plan_name, c.code, c.valid_until.to_zoned(tz.clone())))
                        .collect(),
                    order_url,
                    account_url: format!("{}/account/memberships", self.config.public_url),
                }
            }
            other => return Err(AppError::Internal(format!("unknown e-mail topic {other}"))),
        };
        Ok(Some(Mail {
            to_name: order.buyer_name.clone(),
            to_email: order.buyer_email.clone(),
            locale: Locale::from_tag(payload["locale"].as_str().unwrap_or(&order.locale)),
            message_id: row.id.clone(),
            kind,
        }))
    }

    /// Queues the order's confirmation e-mail again (staff "resend").
    pub async fn resend_confirmation(&self, actor: &Actor, org: OrgId, id: OrderId) -> Result<()> {
        let order: Order = self.get_org_order(actor, org, id).await?;
        if order.state != tessera_domain::orders::OrderState::Paid {
            return Err(crate::inventory::state_error(order.state));
        }
        let m = OutboxMessage::new("email", "order_confirmation", Some(id.to_string()), serde_json::json!({}));
        self.store.enqueue(org, &[m], self.now()).await?;
        Ok(())
    }
}

/// Why a delivery did not happen.
enum Failure {
    Retry(String),
    Permanent(String),
}

impl Failure {
    fn retry(e: AppError) -> Self {
        Failure::Retry(e.to_string())
    }
}

/// Spawns the background loops a server runs: the outbox worker (every
/// `every`) and reconciliation (every minute). They stop when `stop` flips.
pub fn spawn_workers(
    app: Arc<App>,
    every: std::time::Duration,
    stop: tokio::sync::watch::Receiver<bool>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let outbox = {
        let (app, mut stop) = (app.clone(), stop.clone());
        tokio::spawn(async move {
            loop {
                match app.run_outbox_once().await {
                    Ok(n) if n > 0 => continue,
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "outbox round failed"),
                }
                tokio::select! {
                    _ = tokio::time::sleep(every) => {}
                    _ = stop.changed() => return,
                }
            }
        })
    };
    let reconcile = {
        let mut stop = stop;
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = tokio::time::sleep(std::time::Duration::from_secs(60)) => {}
                    _ = stop.changed() => return,
                }
                if let Err(e) = app.reconcile_once().await {
                    tracing::warn!(error = %e, "reconciliation round failed");
                }
            }
        })
    };
    vec![outbox, reconcile]
}
