//! Buying: reservations as pending orders, confirmation, cancellation, and
//! the organizer's view of orders; live availability as server-sent events.

use super::*;
use crate::extract::ClientIp;
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use std::convert::Infallible;
use std::time::Duration;
use tessera_app::inventory::OrderFilter;
use tessera_app::inventory::{PlaceOrder, PlacedOrder};
use tessera_domain::orders::{Order, OrderId, OrderState};
use tessera_domain::{EventId, OrgId};

pub const ORDER_TOKEN: &str = "x-order-token";

pub(crate) fn order_token(headers: &HeaderMap) -> Option<String> {
    headers.get(ORDER_TOKEN).and_then(|v| v.to_str().ok()).map(str::to_string)
}

/// Reserve tickets (all lines or none) and open a pending order that holds them until `expires_at`.
#[utoipa::path(post, path = "/api/v1/events/{event_id}/orders", tag = "orders",
    params(("event_id" = EventId, Path)),
    request_body = PlaceOrder,
    responses((status = 201, body = PlacedOrder),
              (status = 409, description = "`sold_out` (with what remains)", body = ErrorBody),
              (status = 422, description = "`invalid_input` (a `promo_code` with a typo, refused before any lookup, among others), `not_on_sale`, `limit_exceeded`, `access_code_required`, `members_only` (a members-only type and no active member card of its plan), `resale_first` (this type's resale listings are offered first); for `resale_listing_id`: `listing_unavailable` (sold, withdrawn, held by another buyer, or its ticket no longer valid), `resale_disabled`, `primary_first` (the type still sells first-hand), `own_listing`; for `promo_code`: `promo_unknown`, `promo_other_event`, `promo_not_yet_valid`, `promo_expired`, `promo_exhausted`, `promo_customer_limit`, `promo_min_quantity`, `promo_not_applicable` (nothing is held)", body = ErrorBody),
              (status = 429, description = "Too many wrong access or promo codes from this client; see Retry-After", body = ErrorBody)),
    security((), ("session" = []), ("bearer" = [])))]
pub async fn place_order(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(event): ApiPath<EventId>,
    ApiJson(mut input): ApiJson<PlaceOrder>,
) -> ApiResult<(StatusCode, Json<PlacedOrder>)> {
    if input.locale.is_none() {
        // The first language the buyer's browser names.
        input.locale = headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split([',', ';']).next())
            .map(|t| t.trim().to_string());
    }
    Ok((StatusCode::CREATED, Json(s.app.place_order_from(&ip, &caller.actor, event, input).await?)))
}

/// "Find my order": the order's reference and the address it was bought with.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderLookup {
    /// The buyer's e-mail address, as given when ordering (letter case aside).
    pub email: String,
    /// The order's reference, as in the confirmation e-mail.
    #[schema(max_length = 64)]
    pub reference: String,
    /// The language of the e-mail (`en`, `zh-CN`); the browser's otherwise.
    #[serde(default)]
    pub locale: Option<String>,
}

/// The same answer for every well-formed lookup.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct LookupAccepted {
    /// Always `accepted`: whether an order matched is not revealed.
    pub status: &'static str,
}

/// Find an order without its token or an account: when the reference and
/// the e-mail address match an order, its secret link (`/o/{id}/{token}`,
/// which opens the order in any browser) is e-mailed to that address. The
/// answer is the same whether or not an order matched.
#[utoipa::path(post, path = "/api/v1/orders/lookup", tag = "orders",
    request_body = OrderLookup,
    responses((status = 202, description = "If an order matched, its link was e-mailed to its buyer", body = LookupAccepted),
              (status = 400, description = "`malformed_json`: the body is not the JSON described", body = ErrorBody),
              (status = 422, description = "`invalid_input`: `email` is not an address or `reference` is empty or too long", body = ErrorBody),
              (status = 429, description = "Too many lookups from this client; see Retry-After", body = ErrorBody)),
    security(()))]
pub async fn lookup_order(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiJson(input): ApiJson<OrderLookup>,
) -> ApiResult<(StatusCode, Json<LookupAccepted>)> {
    let mut errors = tessera_domain::ValidationError::default();
    let email = tessera_domain::account::Email::parse(input.email.trim());
    if email.is_err() {
        let key = tessera_domain::MessageKey::new("errors-lookup-email");
        errors.add_key("email", key, "enter an e-mail address like name@example.org");
    }
    let reference = input.reference.trim();
    if reference.is_empty() || reference.len() > 64 {
        let key = tessera_domain::MessageKey::new("errors-lookup-reference").num("max", 64);
        errors.add_key("reference", key, "enter the order reference (at most 64 characters)");
    }
    let Ok(email) = email else { return Err(crate::ApiError::invalid(errors)) };
    if !errors.fields.is_empty() {
        return Err(crate::ApiError::invalid(errors));
    }
    let locale = input.locale.or_else(|| {
        headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split([',', ';']).next())
            .map(|t| t.trim().to_string())
    });
    s.app.find_order(&ip, &email, reference, locale.as_deref().unwrap_or("en")).await?;
    Ok((StatusCode::ACCEPTED, Json(LookupAccepted { status: "accepted" })))
}

/// An order, for its buyer (with `X-Order-Token`, or signed in as the buyer).
#[utoipa::path(get, path = "/api/v1/orders/{order_id}", tag = "orders",
    params(("order_id" = OrderId, Path), ("X-Order-Token" = Option<String>, Header)),
    responses((status = 200, body = Order), (status = 404, body = ErrorBody)),
    security((), ("session" = []), ("bearer" = [])))]
pub async fn get_order(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(id): ApiPath<OrderId>,
) -> ApiResult<Json<Order>> {
    Ok(Json(s.app.buyer_order(&caller.actor, id, order_token(&headers).as_deref()).await?))
}

/// Confirm a free order: it becomes paid and its tickets are issued.
#[utoipa::path(post, path = "/api/v1/orders/{order_id}/confirm", tag = "orders",
    params(("order_id" = OrderId, Path), ("X-Order-Token" = Option<String>, Header)),
    responses((status = 200, body = Order), (status = 409, description = "`hold_expired`, `already_paid`, ...", body = ErrorBody),
              (status = 422, description = "`payment_required`, `listing_unavailable` (a resale order whose listing can no longer be sold)", body = ErrorBody)),
    security((), ("session" = []), ("bearer" = [])))]
pub async fn confirm_order(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(id): ApiPath<OrderId>,
) -> ApiResult<Json<Order>> {
    Ok(Json(s.app.confirm_free_order(&caller.actor, id, order_token(&headers).as_deref()).await?))
}

/// Give up a pending order; its tickets go back on sale at once.
#[utoipa::path(post, path = "/api/v1/orders/{order_id}/cancel", tag = "orders",
    params(("order_id" = OrderId, Path), ("X-Order-Token" = Option<String>, Header)),
    responses((status = 200, body = Order), (status = 409, body = ErrorBody)),
    security((), ("session" = []), ("bearer" = [])))]
pub async fn cancel_own_order(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(id): ApiPath<OrderId>,
) -> ApiResult<Json<Order>> {
    Ok(Json(s.app.cancel_own_order(&caller.actor, id, order_token(&headers).as_deref()).await?))
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrderQuery {
    pub event_id: Option<EventId>,
    pub state: Option<OrderState>,
    /// The reference exactly, or part of the buyer's name or e-mail address.
    pub q: Option<String>,
    /// 1-500, default 100.
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 1-500, default 100.
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The signed-in buyer's orders, newest first.
#[utoipa::path(get, path = "/api/v1/me/orders", tag = "orders", params(PageQuery),
    responses((status = 200, body = Vec<Order>), (status = 401, body = ErrorBody)),
    security(("session" = [])))]
pub async fn my_orders(
    State(s): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Vec<Order>>> {
    Ok(Json(s.app.my_orders(&caller.actor, q.limit.unwrap_or(100), q.offset.unwrap_or(0)).await?))
}

/// The organization's orders, newest first.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/orders", tag = "orders", params(("org_id" = OrgId, Path), OrderQuery),
    responses((status = 200, body = Vec<Order>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn list_orders(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
    ApiQuery(q): ApiQuery<OrderQuery>,
) -> ApiResult<Json<Vec<Order>>> {
    let orders = s
        .app
        .list_orders(
            &caller.actor,
            org,
            &OrderFilter { event: q.event_id, state: q.state, search: q.q, ..Default::default() },
            q.limit.unwrap_or(100),
            q.offset.unwrap_or(0),
        )
        .await?;
    Ok(Json(orders))
}

/// One order with its tickets and history.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/orders/{order_id}", tag = "orders",
    params(("org_id" = OrgId, Path), ("order_id" = OrderId, Path)),
    responses((status = 200, body = Order), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn get_org_order(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, OrderId)>,
) -> ApiResult<Json<Order>> {
    Ok(Json(s.app.get_org_order(&caller.actor, org, id).await?))
}

/// Box office: payment received; the order becomes paid and its tickets are issued.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/orders/{order_id}/mark-paid", tag = "orders",
    params(("org_id" = OrgId, Path), ("order_id" = OrderId, Path)),
    responses((status = 200, body = Order), (status = 409, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn mark_paid(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, OrderId)>,
) -> ApiResult<Json<Order>> {
    Ok(Json(s.app.mark_paid(&caller.actor, org, id).await?))
}

/// Cancel a pending or paid order: the inventory goes back and its tickets are void.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/orders/{order_id}/cancel", tag = "orders",
    params(("org_id" = OrgId, Path), ("order_id" = OrderId, Path)),
    responses((status = 200, body = Order), (status = 409, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn cancel_order(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, OrderId)>,
) -> ApiResult<Json<Order>> {
    Ok(Json(s.app.cancel_order(&caller.actor, org, id).await?))
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Availability {
    pub event_id: EventId,
    /// `[{id, available, on_sale}]` per public ticket type.
    pub ticket_types: Vec<serde_json::Value>,
    /// On a seated event: grows with every change to its seats; read
    /// `GET /api/v1/events/{id}/seats` again when it does.
    pub seats_version: Option<i64>,
}

async fn availability(s: &AppState, event: EventId) -> ApiResult<Availability> {
    let d = s.app.public_event(event, None).await?;
    Ok(Availability {
        event_id: event,
        ticket_types: d
            .ticket_types
            .iter()
            .map(|t| serde_json::json!({"id": t.id, "available": t.available, "on_sale": t.on_sale}))
            .collect(),
        seats_version: s.app.seats_version(event).await?,
    })
}

/// Live availability as server-sent events: an `availability` event at once
/// and after every change to the event's inventory or sales, even one that
/// leaves the figures as they were (changes made by other server processes
/// show within a couple of seconds, when the figures differ).
#[utoipa::path(get, path = "/api/v1/events/{event_id}/availability", tag = "public",
    params(("event_id" = EventId, Path)),
    responses((status = 200, description = "`text/event-stream` of `availability` events", body = Availability, content_type = "text/event-stream"),
              (status = 404, body = ErrorBody)))]
pub async fn availability_stream(
    State(s): State<AppState>,
    ApiPath(event): ApiPath<EventId>,
) -> ApiResult<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>> {
    let first = availability(&s, event).await?;
    let changes = s.app.availability_changes();
    let state = (s, event, changes, None::<Availability>, Some(first));
    let stream = stream::unfold(state, |(s, event, mut changes, last, mut pending)| async move {
        loop {
            // A signal from this process says the event's inventory or sales
            // moved (a payment changes no availability figure but is news to
            // the organizer's sales page); a poll for other processes' changes
            // only speaks when the figures differ.
            let (next, signalled) = match pending.take() {
                Some(a) => (a, true),
                None => {
                    let signalled = tokio::select! {
                        r = changes.recv() => match r {
                            Ok(e) if e != event => continue,
                            Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                            _ => true,
                        },
                        _ = tokio::time::sleep(Duration::from_secs(2)) => false,
                    };
                    match availability(&s, event).await {
                        Ok(a) => (a, signalled),
                        Err(_) => return None,
                    }
                }
            };
            if signalled || last.as_ref() != Some(&next) {
                let data = serde_json::to_string(&next).unwrap_or_default();
                let ev = SseEvent::default().event("availability").data(data);
                return Some((Ok(ev), (s, event, changes, Some(next), None)));
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}
