//! Face-value resale: an event's rules, listings by ticket holders, the
//! listings on sale, and withdrawals. Buying a listing is an ordinary
//! reservation (`POST /events/{event_id}/orders` with `resale_listing_id`).

use super::orders::order_token;
use super::*;
use axum::http::HeaderMap;
use tessera_app::resale::{ListTicket, ListingView, PublicListing, ResaleSettings};
use tessera_domain::orders::OrderId;
use tessera_domain::{EventId, OrgId};

/// An event's resale rules (resale is off until set).
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/events/{event_id}/resale-settings", tag = "resale",
    params(("org_id" = OrgId, Path), ("event_id" = EventId, Path)),
    responses((status = 200, body = ResaleSettings), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn get_resale_settings(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, event)): ApiPath<(OrgId, EventId)>,
) -> ApiResult<Json<ResaleSettings>> {
    Ok(Json(s.app.resale_settings(&caller.actor, org, event).await?))
}

/// Set an event's resale rules: whether holders may list tickets, the price cap (percent of
/// face value), the organizer's fee (basis points of the price, kept from the payout), and
/// whether resale or primary tickets are offered first.
#[utoipa::path(put, path = "/api/v1/orgs/{org_id}/events/{event_id}/resale-settings", tag = "resale",
    params(("org_id" = OrgId, Path), ("event_id" = EventId, Path)), request_body = ResaleSettings,
    responses((status = 200, body = ResaleSettings), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, description = "`invalid_input`, naming `cap_percent`, `fee_bp` or `offer_first`", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn put_resale_settings(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, event)): ApiPath<(OrgId, EventId)>,
    ApiJson(input): ApiJson<ResaleSettings>,
) -> ApiResult<Json<ResaleSettings>> {
    Ok(Json(s.app.set_resale_settings(&caller.actor, org, event, input).await?))
}

/// An event's listings in every state, with sellers and buying orders, for its organizers.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/events/{event_id}/resale-listings", tag = "resale",
    params(("org_id" = OrgId, Path), ("event_id" = EventId, Path)),
    responses((status = 200, body = Vec<ListingView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn org_listings(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, event)): ApiPath<(OrgId, EventId)>,
) -> ApiResult<Json<Vec<ListingView>>> {
    Ok(Json(s.app.org_listings(&caller.actor, org, event).await?))
}

/// An order's listings, for staff.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/orders/{order_id}/resale-listings", tag = "resale",
    params(("org_id" = OrgId, Path), ("order_id" = OrderId, Path)),
    responses((status = 200, body = Vec<ListingView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn org_order_listings(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, OrderId)>,
) -> ApiResult<Json<Vec<ListingView>>> {
    Ok(Json(s.app.org_order_listings(&caller.actor, org, id).await?))
}

/// The listings on sale now, cheapest first. Empty while resale is off, after the start, and
/// (when the event offers primary tickets first) for ticket types still sold first-hand. A
/// listing a buyer is paying for is left out until their hold ends.
#[utoipa::path(get, path = "/api/v1/events/{event_id}/resale-listings", tag = "resale",
    params(("event_id" = EventId, Path)),
    responses((status = 200, body = Vec<PublicListing>), (status = 404, body = ErrorBody)))]
pub async fn public_listings(
    State(s): State<AppState>,
    ApiPath(event): ApiPath<EventId>,
) -> ApiResult<Json<Vec<PublicListing>>> {
    Ok(Json(s.app.public_listings(event).await?))
}

/// List a ticket of an order for resale, as the order's buyer (`X-Order-Token` or signed in).
/// The ticket stays valid (and the seller's) until a buyer pays; then it is voided and the
/// payout (price less fee) goes back through the seller's payment.
#[utoipa::path(post, path = "/api/v1/orders/{order_id}/resale-listings", tag = "resale",
    params(("order_id" = OrderId, Path), ("X-Order-Token" = Option<String>, Header)),
    request_body = ListTicket,
    responses((status = 201, body = ListingView), (status = 404, body = ErrorBody),
              (status = 409, description = "`resale_disabled`, `resale_closed` (the event started), `ticket_void`, `ticket_used`, `ticket_offered` (a pending transfer offers it), `ticket_listed` (listed already), `not_resellable` (received by transfer), `no_refundable_payment`, or the order's state (`order_pending`, `order_refunded`, ...)", body = ErrorBody),
              (status = 422, description = "`invalid_input`: `price_minor` above the cap or below zero, `ticket_id` not a ticket of this order", body = ErrorBody)),
    security((), ("session" = []), ("bearer" = [])))]
pub async fn list_ticket(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(id): ApiPath<OrderId>,
    ApiJson(input): ApiJson<ListTicket>,
) -> ApiResult<(StatusCode, Json<ListingView>)> {
    let l = s.app.list_ticket(&caller.actor, id, order_token(&headers).as_deref(), input).await?;
    Ok((StatusCode::CREATED, Json(l)))
}

/// The listings made from an order, for its buyer.
#[utoipa::path(get, path = "/api/v1/orders/{order_id}/resale-listings", tag = "resale",
    params(("order_id" = OrderId, Path), ("X-Order-Token" = Option<String>, Header)),
    responses((status = 200, body = Vec<ListingView>), (status = 404, body = ErrorBody)),
    security((), ("session" = []), ("bearer" = [])))]
pub async fn order_listings(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(id): ApiPath<OrderId>,
) -> ApiResult<Json<Vec<ListingView>>> {
    Ok(Json(s.app.order_listings(&caller.actor, id, order_token(&headers).as_deref()).await?))
}

/// Withdraw a listing. Refused while a buyer's order holds it (they may be paying); once
/// their hold ends unpaid it can be withdrawn, and a payment arriving after that is refunded
/// in full: a listing is settled one way or the other, never both.
#[utoipa::path(post, path = "/api/v1/orders/{order_id}/resale-listings/{listing_id}/withdraw", tag = "resale",
    params(("order_id" = OrderId, Path), ("listing_id" = String, Path), ("X-Order-Token" = Option<String>, Header)),
    responses((status = 200, body = ListingView), (status = 404, body = ErrorBody),
              (status = 409, description = "`listing_held` (a buyer is paying; the message says until when) or `listing_ended` (sold or withdrawn already)", body = ErrorBody)),
    security((), ("session" = []), ("bearer" = [])))]
pub async fn withdraw_listing(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath((order, id)): ApiPath<(OrderId, String)>,
) -> ApiResult<Json<ListingView>> {
    Ok(Json(s.app.withdraw_listing(&caller.actor, order, order_token(&headers).as_deref(), &id).await?))
}
