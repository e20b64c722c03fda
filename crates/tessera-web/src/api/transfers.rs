//! Ticket transfers: an event's rules, offers by holders, the recipient's
//! accept link, cancellation, and the order's transfer history.

use super::orders::order_token;
use super::*;
use axum::http::HeaderMap;
use tessera_app::tickets::TicketView;
use tessera_app::transfers::{
    AcceptTransfer, AcceptedTransfer, OfferTransfer, RenameTicket, TransferOfferView, TransferSettings, TransferView,
};
use tessera_domain::orders::{OrderId, TicketId};
use tessera_domain::{EventId, OrgId};

/// The secret of a transfer's accept link (the last part of `/transfers/{id}/{secret}`).
pub const TRANSFER_TOKEN: &str = "x-transfer-token";

fn transfer_token(headers: &HeaderMap) -> String {
    headers.get(TRANSFER_TOKEN).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

/// An event's transfer rules (transfers are off until set).
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/events/{event_id}/transfer-settings", tag = "transfers",
    params(("org_id" = OrgId, Path), ("event_id" = EventId, Path)),
    responses((status = 200, body = TransferSettings), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn get_transfer_settings(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, event)): ApiPath<(OrgId, EventId)>,
) -> ApiResult<Json<TransferSettings>> {
    Ok(Json(s.app.transfer_settings(&caller.actor, org, event).await?))
}

/// Set an event's transfer rules: whether holders may transfer, until how many hours before
/// the start, how many times one ticket may change hands, and whether holders may change the
/// names on their tickets (until the same cutoff).
#[utoipa::path(put, path = "/api/v1/orgs/{org_id}/events/{event_id}/transfer-settings", tag = "transfers",
    params(("org_id" = OrgId, Path), ("event_id" = EventId, Path)), request_body = TransferSettings,
    responses((status = 200, body = TransferSettings), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, description = "`invalid_input`, naming the field", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn put_transfer_settings(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, event)): ApiPath<(OrgId, EventId)>,
    ApiJson(input): ApiJson<TransferSettings>,
) -> ApiResult<Json<TransferSettings>> {
    Ok(Json(s.app.set_transfer_settings(&caller.actor, org, event, input).await?))
}

/// Offer tickets of an order to an e-mail address. The holder acts with the order's
/// `X-Order-Token` or signed in (as the buyer, or as the account that received the tickets);
/// the recipient is e-mailed a link to accept. The tickets stay valid until then.
#[utoipa::path(post, path = "/api/v1/orders/{order_id}/transfers", tag = "transfers",
    params(("order_id" = OrderId, Path), ("X-Order-Token" = Option<String>, Header)),
    request_body = OfferTransfer,
    responses((status = 201, body = TransferView), (status = 404, body = ErrorBody),
              (status = 409, description = "`transfers_disabled`, `transfers_closed` (past the cutoff), `ticket_void`, `ticket_used`, `ticket_offered` (already in a pending transfer), `ticket_listed` (listed for resale), `transfer_limit`, or the order's state (`order_pending`, `order_refunded`, ...)", body = ErrorBody),
              (status = 422, description = "`invalid_input`: `to_email`, `to_name`, `message`, `locale`, or `ticket_ids[i]` not a ticket of this order held by the caller", body = ErrorBody)),
    security((), ("session" = []), ("bearer" = [])))]
pub async fn offer_transfer(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(id): ApiPath<OrderId>,
    ApiJson(input): ApiJson<OfferTransfer>,
) -> ApiResult<(StatusCode, Json<TransferView>)> {
    let t = s.app.offer_transfer(&caller.actor, id, order_token(&headers).as_deref(), input).await?;
    Ok((StatusCode::CREATED, Json(t)))
}

/// The transfers of an order, for its buyer (or for a recipient, those they made).
#[utoipa::path(get, path = "/api/v1/orders/{order_id}/transfers", tag = "transfers",
    params(("order_id" = OrderId, Path), ("X-Order-Token" = Option<String>, Header)),
    responses((status = 200, body = Vec<TransferView>), (status = 404, body = ErrorBody)),
    security((), ("session" = []), ("bearer" = [])))]
pub async fn order_transfers(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(id): ApiPath<OrderId>,
) -> ApiResult<Json<Vec<TransferView>>> {
    Ok(Json(s.app.order_transfers(&caller.actor, id, order_token(&headers).as_deref()).await?))
}

/// Cancel a pending transfer; its tickets stay the sender's and may be offered again.
#[utoipa::path(post, path = "/api/v1/orders/{order_id}/transfers/{transfer_id}/cancel", tag = "transfers",
    params(("order_id" = OrderId, Path), ("transfer_id" = String, Path), ("X-Order-Token" = Option<String>, Header)),
    responses((status = 200, body = TransferView), (status = 404, body = ErrorBody),
              (status = 409, description = "`transfer_accepted`, `transfer_cancelled` or `transfer_expired`: no longer pending", body = ErrorBody)),
    security((), ("session" = []), ("bearer" = [])))]
pub async fn cancel_transfer(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath((order, id)): ApiPath<(OrderId, String)>,
) -> ApiResult<Json<TransferView>> {
    Ok(Json(s.app.cancel_transfer(&caller.actor, order, order_token(&headers).as_deref(), &id).await?))
}

/// An order's transfers, for staff.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/orders/{order_id}/transfers", tag = "transfers",
    params(("org_id" = OrgId, Path), ("order_id" = OrderId, Path)),
    responses((status = 200, body = Vec<TransferView>), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn org_order_transfers(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, OrderId)>,
) -> ApiResult<Json<Vec<TransferView>>> {
    Ok(Json(s.app.org_order_transfers(&caller.actor, org, id).await?))
}

/// What a transfer offers, for its recipient: `X-Transfer-Token` is the secret of the e-mailed link.
#[utoipa::path(get, path = "/api/v1/transfers/{transfer_id}", tag = "transfers",
    params(("transfer_id" = String, Path), ("X-Transfer-Token" = String, Header)),
    responses((status = 200, body = TransferOfferView), (status = 404, body = ErrorBody)))]
pub async fn get_transfer_offer(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<TransferOfferView>> {
    Ok(Json(s.app.transfer_offer(&id, &transfer_token(&headers)).await?))
}

/// Accept a transfer: as a guest (`name` required), or signed in (the account lists the
/// tickets). The recipient gets new tickets with new codes; the sender's codes are revoked.
/// Of two acceptances of one transfer exactly one wins.
#[utoipa::path(post, path = "/api/v1/transfers/{transfer_id}/accept", tag = "transfers",
    params(("transfer_id" = String, Path), ("X-Transfer-Token" = String, Header)),
    request_body = AcceptTransfer,
    responses((status = 201, body = AcceptedTransfer), (status = 404, body = ErrorBody),
              (status = 409, description = "`transfer_accepted`, `transfer_cancelled`, `transfer_expired`, `transfers_closed`, `ticket_void`, `ticket_used`, or the order's state", body = ErrorBody),
              (status = 422, description = "`invalid_input`: `name`", body = ErrorBody)),
    security((), ("session" = [])))]
pub async fn accept_transfer(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<AcceptTransfer>,
) -> ApiResult<(StatusCode, Json<AcceptedTransfer>)> {
    let accepted = s.app.accept_transfer(&caller.actor, &id, &transfer_token(&headers), input).await?;
    Ok((StatusCode::CREATED, Json(accepted)))
}

/// The tickets the signed-in account received by transfer, newest first.
#[utoipa::path(get, path = "/api/v1/me/received-tickets", tag = "transfers",
    responses((status = 200, body = Vec<TicketView>), (status = 401, body = ErrorBody)),
    security(("session" = [])))]
pub async fn received_tickets(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<TicketView>>> {
    Ok(Json(s.app.received_tickets(&caller.actor).await?))
}

/// Change the name on a ticket the caller holds (the order's `X-Order-Token`, or signed in as
/// its buyer or as the account that received it), where the event allows name changes and
/// until its transfers' cutoff. The ticket is re-issued under the new name with a new code;
/// the old code is revoked online at once and at the scanners' next sync.
#[utoipa::path(post, path = "/api/v1/orders/{order_id}/tickets/{ticket_id}/holder", tag = "transfers",
    params(("order_id" = OrderId, Path), ("ticket_id" = TicketId, Path), ("X-Order-Token" = Option<String>, Header)),
    request_body = RenameTicket,
    responses((status = 200, body = TicketView), (status = 404, body = ErrorBody),
              (status = 409, description = "`name_changes_disabled`, `name_changes_closed` (past the cutoff), `ticket_void`, `ticket_used`, `ticket_offered` (in a pending transfer), `ticket_listed` (listed for resale), or the order's state", body = ErrorBody),
              (status = 422, description = "`invalid_input`: `holder_name`", body = ErrorBody)),
    security((), ("session" = []), ("bearer" = [])))]
pub async fn rename_ticket(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath((order, ticket)): ApiPath<(OrderId, TicketId)>,
    ApiJson(input): ApiJson<RenameTicket>,
) -> ApiResult<Json<TicketView>> {
    Ok(Json(s.app.rename_ticket(&caller.actor, order, order_token(&headers).as_deref(), ticket, input).await?))
}
