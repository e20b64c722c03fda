//! Paying, refunding and the money around orders: payment settings per
//! organization, an event's fees, taxes and refund policy, checkout, the
//! Stripe webhook, refunds, the ledger's view, and integrators' webhooks.

use super::*;
use axum::body::Bytes;
use axum::http::HeaderMap;
use tessera_app::outbox::{DeliveryView, EndpointPatch, EndpointView, NewEndpoint};
use tessera_app::payments::RefundRecord;
use tessera_app::payments::{
    BalanceReport, Checkout, NewPayout, OrderMoney, PaymentSettingsInput, PaymentSettingsView, PayoutView, RefundInput,
};
use tessera_domain::orders::OrderId;
use tessera_domain::payments::EventPricing;
use tessera_domain::{EventId, OrgId};

fn idem_key(headers: &HeaderMap) -> Option<String> {
    headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_string)
}

/// The organization's payment provider (`manual`, `sandbox` or `stripe`); secrets are never shown.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/payment-settings", tag = "payments",
    params(("org_id" = OrgId, Path)), responses((status = 200, body = PaymentSettingsView)),
    security(("session" = []), ("bearer" = [])))]
pub async fn get_payment_settings(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
) -> ApiResult<Json<PaymentSettingsView>> {
    Ok(Json(s.app.payment_settings(&caller.actor, org).await?))
}

/// Choose the provider and its settings. Stripe keys and webhook secrets are write-only and
/// sealed at rest; leave them out to keep the stored ones.
#[utoipa::path(put, path = "/api/v1/orgs/{org_id}/payment-settings", tag = "payments",
    params(("org_id" = OrgId, Path)), request_body = PaymentSettingsInput,
    responses((status = 200, body = PaymentSettingsView), (status = 422, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn put_payment_settings(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
    ApiJson(input): ApiJson<PaymentSettingsInput>,
) -> ApiResult<Json<PaymentSettingsView>> {
    Ok(Json(s.app.set_payment_settings(&caller.actor, org, input).await?))
}

/// The event's service fees, taxes per ticket type, refund policy and reminder.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/events/{event_id}/pricing", tag = "payments",
    params(("org_id" = OrgId, Path), ("event_id" = EventId, Path)), responses((status = 200, body = EventPricing)),
    security(("session" = []), ("bearer" = [])))]
pub async fn get_pricing(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, event)): ApiPath<(OrgId, EventId)>,
) -> ApiResult<Json<EventPricing>> {
    Ok(Json(s.app.event_pricing(&caller.actor, org, event).await?))
}

/// Set the event's money settings; they apply to orders placed from now on.
#[utoipa::path(put, path = "/api/v1/orgs/{org_id}/events/{event_id}/pricing", tag = "payments",
    params(("org_id" = OrgId, Path), ("event_id" = EventId, Path)), request_body = EventPricing,
    responses((status = 200, body = EventPricing), (status = 422, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn put_pricing(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, event)): ApiPath<(OrgId, EventId)>,
    ApiJson(input): ApiJson<EventPricing>,
) -> ApiResult<Json<EventPricing>> {
    Ok(Json(s.app.set_event_pricing(&caller.actor, org, event, input).await?))
}

/// Pay a pending order with the organizer's provider: where to send the buyer (sandbox, Stripe)
/// or how to transfer (manual, which keeps the order until its due date). Repeating it returns
/// the attempt already open.
#[utoipa::path(post, path = "/api/v1/orders/{order_id}/checkout", tag = "payments",
    params(("order_id" = OrderId, Path), ("X-Order-Token" = Option<String>, Header)),
    responses((status = 200, body = Checkout),
              (status = 409, description = "`hold_expired`, `already_paid`, ...", body = ErrorBody),
              (status = 422, description = "`free_order`, `payments_not_configured`, `provider_unavailable`, `listing_unavailable` (a resale order whose listing can no longer be sold)", body = ErrorBody)),
    security((), ("session" = []), ("bearer" = [])))]
pub async fn checkout(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(id): ApiPath<OrderId>,
) -> ApiResult<Json<Checkout>> {
    Ok(Json(s.app.checkout(&caller.actor, id, super::orders::order_token(&headers).as_deref()).await?))
}

/// The buyer refunds their paid order, as the event's refund policy allows (deadline, fee).
#[utoipa::path(post, path = "/api/v1/orders/{order_id}/refund", tag = "payments",
    params(("order_id" = OrderId, Path), ("X-Order-Token" = Option<String>, Header)),
    responses((status = 200, body = RefundRecord), (status = 409, body = ErrorBody),
              (status = 422, description = "`refund_not_allowed`", body = ErrorBody)),
    security((), ("session" = []), ("bearer" = [])))]
pub async fn buyer_refund(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(id): ApiPath<OrderId>,
) -> ApiResult<Json<RefundRecord>> {
    Ok(Json(s.app.buyer_refund(&caller.actor, id, super::orders::order_token(&headers).as_deref()).await?))
}

/// Refund a paid order: everything left (the order becomes refunded and its inventory returns),
/// some tickets (voided and revoked), or an amount. Never more than was paid.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/orders/{order_id}/refunds", tag = "payments",
    params(("org_id" = OrgId, Path), ("order_id" = OrderId, Path)),
    request_body = RefundInput,
    responses((status = 200, body = RefundRecord), (status = 409, description = "`not_paid`", body = ErrorBody),
              (status = 422, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn refund_order(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath((org, id)): ApiPath<(OrgId, OrderId)>,
    ApiJson(input): ApiJson<RefundInput>,
) -> ApiResult<Json<RefundRecord>> {
    Ok(Json(s.app.refund_order(&caller.actor, org, id, input, idem_key(&headers).as_deref()).await?))
}

/// An order's payments (with every provider event and what it did), refunds and ledger postings.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/orders/{order_id}/money", tag = "payments",
    params(("org_id" = OrgId, Path), ("order_id" = OrderId, Path)), responses((status = 200, body = OrderMoney)),
    security(("session" = []), ("bearer" = [])))]
pub async fn order_money(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, OrderId)>,
) -> ApiResult<Json<OrderMoney>> {
    Ok(Json(s.app.order_money(&caller.actor, org, id).await?))
}

/// Send the order's confirmation e-mail (with its tickets) again.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/orders/{order_id}/resend-confirmation", tag = "payments",
    params(("org_id" = OrgId, Path), ("order_id" = OrderId, Path)),
    responses((status = 202), (status = 409, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn resend_confirmation(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, OrderId)>,
) -> ApiResult<StatusCode> {
    s.app.resend_confirmation(&caller.actor, org, id).await?;
    Ok(StatusCode::ACCEPTED)
}

/// The organization's balance from the ledger: sales owed to it, tax collected, fees, refunds.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/balance", tag = "payments",
    params(("org_id" = OrgId, Path)), responses((status = 200, body = BalanceReport)),
    security(("session" = []), ("bearer" = [])))]
pub async fn balance(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
) -> ApiResult<Json<BalanceReport>> {
    Ok(Json(s.app.balance(&caller.actor, org).await?))
}

/// Stripe's webhook for this organization (set the URL in Stripe's dashboard). Verified with
/// `Stripe-Signature` against the organization's endpoint secrets; a forged or stale request is
/// refused with 400 and changes nothing; an event seen before changes nothing.
#[utoipa::path(post, path = "/api/v1/payments/stripe/webhook/{org_id}", tag = "payments",
    params(("org_id" = OrgId, Path), ("Stripe-Signature" = String, Header)),
    request_body(content = String, content_type = "application/json"),
    responses((status = 200), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn stripe_webhook(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(org): ApiPath<OrgId>,
    body: Bytes,
) -> ApiResult<Json<serde_json::Value>> {
    let sig = headers.get("stripe-signature").and_then(|v| v.to_str().ok());
    match s.app.stripe_webhook(org, &body, sig).await {
        Ok(outcome) => Ok(Json(serde_json::json!({ "received": true, "outcome": outcome }))),
        Err(tessera_app::AppError::Rule { code, field, message }) => {
            Err(crate::error::ApiError::new(StatusCode::BAD_REQUEST, code, message.clone()).field(field, message))
        }
        Err(e) => Err(e.into()),
    }
}

/// Integrators' webhook endpoints of the organization.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/webhooks", tag = "webhooks",
    params(("org_id" = OrgId, Path)), responses((status = 200, body = [EndpointView])),
    security(("session" = []), ("bearer" = [])))]
pub async fn list_endpoints(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
) -> ApiResult<Json<Vec<EndpointView>>> {
    Ok(Json(s.app.endpoints(&caller.actor, org).await?))
}

/// Subscribe an https URL to event types. Messages are signed per Standard Webhooks
/// (`webhook-id`, `webhook-timestamp`, `webhook-signature`) with the secret returned here, once.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/webhooks", tag = "webhooks",
    params(("org_id" = OrgId, Path)), request_body = NewEndpoint,
    responses((status = 201, body = EndpointView), (status = 422, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn create_endpoint(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
    ApiJson(input): ApiJson<NewEndpoint>,
) -> ApiResult<(StatusCode, Json<EndpointView>)> {
    Ok((StatusCode::CREATED, Json(s.app.create_endpoint(&caller.actor, org, input).await?)))
}

/// Switch an endpoint on or off, or change its event types.
#[utoipa::path(patch, path = "/api/v1/orgs/{org_id}/webhooks/{endpoint_id}", tag = "webhooks",
    params(("org_id" = OrgId, Path), ("endpoint_id" = String, Path)), request_body = EndpointPatch,
    responses((status = 200, body = EndpointView), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn update_endpoint(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, String)>,
    ApiJson(input): ApiJson<EndpointPatch>,
) -> ApiResult<Json<EndpointView>> {
    Ok(Json(s.app.update_endpoint(&caller.actor, org, &id, input).await?))
}

#[utoipa::path(delete, path = "/api/v1/orgs/{org_id}/webhooks/{endpoint_id}", tag = "webhooks",
    params(("org_id" = OrgId, Path), ("endpoint_id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn delete_endpoint(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, String)>,
) -> ApiResult<StatusCode> {
    s.app.delete_endpoint(&caller.actor, org, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The delivery log: the newest deliveries to an endpoint with every attempt.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/webhooks/{endpoint_id}/deliveries", tag = "webhooks",
    params(("org_id" = OrgId, Path), ("endpoint_id" = String, Path)),
    responses((status = 200, body = [DeliveryView])),
    security(("session" = []), ("bearer" = [])))]
pub async fn deliveries(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, String)>,
) -> ApiResult<Json<Vec<DeliveryView>>> {
    Ok(Json(s.app.endpoint_deliveries(&caller.actor, org, &id).await?))
}

/// Send a delivery again (same `webhook-id`).
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/webhooks/{endpoint_id}/deliveries/{delivery_id}/redeliver", tag = "webhooks",
    params(("org_id" = OrgId, Path), ("endpoint_id" = String, Path), ("delivery_id" = String, Path)),
    responses((status = 202), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn redeliver(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id, delivery)): ApiPath<(OrgId, String, String)>,
) -> ApiResult<StatusCode> {
    s.app.redeliver(&caller.actor, org, &id, &delivery).await?;
    Ok(StatusCode::ACCEPTED)
}

/// How far cancelling an event has come: its orders by state and the cancellation's refunds by
/// state. Cancelling (`POST …/events/{event_id}/cancel`) refunds every paid order in the
/// background; a crash resumes where it stopped.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/events/{event_id}/cancellation", tag = "payments",
    params(("org_id" = OrgId, Path), ("event_id" = EventId, Path)),
    responses((status = 200, body = tessera_app::payments::CancellationProgress)),
    security(("session" = []), ("bearer" = [])))]
pub async fn cancellation(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, event)): ApiPath<(OrgId, EventId)>,
) -> ApiResult<Json<tessera_app::payments::CancellationProgress>> {
    Ok(Json(s.app.cancellation_progress(&caller.actor, org, event).await?))
}

/// The organization's payouts.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/payouts", tag = "payments",
    params(("org_id" = OrgId, Path)), responses((status = 200, body = [PayoutView])),
    security(("session" = []), ("bearer" = [])))]
pub async fn list_payouts(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
) -> ApiResult<Json<Vec<PayoutView>>> {
    Ok(Json(s.app.payouts(&caller.actor, org).await?))
}

/// Record money paid out to the organization (a bank transfer, a provider's payout): a ledger
/// transaction from the provider's balance to the organization. Never more than it is owed.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/payouts", tag = "payments",
    params(("org_id" = OrgId, Path)), request_body = NewPayout,
    responses((status = 201, body = PayoutView), (status = 422, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn create_payout(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
    ApiJson(input): ApiJson<NewPayout>,
) -> ApiResult<(StatusCode, Json<PayoutView>)> {
    Ok((StatusCode::CREATED, Json(s.app.record_payout(&caller.actor, org, input).await?)))
}
