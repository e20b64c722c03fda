//! Tickets: delivery to buyers (codes, links, PDF), voiding and re-issue by
//! staff, and the organization's public signing keys.

use super::orders::order_token;
use super::*;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use tessera_app::tickets::{PublicKeyView, ReissueTicket, TicketView};
use tessera_domain::OrgId;
use tessera_domain::orders::{OrderId, TicketId};

/// The tickets of a paid order, for its buyer: signed codes and links to each ticket's page and QR image.
#[utoipa::path(get, path = "/api/v1/orders/{order_id}/tickets", tag = "tickets",
    params(("order_id" = OrderId, Path), ("X-Order-Token" = Option<String>, Header)),
    responses((status = 200, body = Vec<TicketView>), (status = 404, body = ErrorBody),
              (status = 409, description = "`order_pending`: not paid yet", body = ErrorBody)),
    security((), ("session" = []), ("bearer" = [])))]
pub async fn buyer_tickets(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(id): ApiPath<OrderId>,
) -> ApiResult<Json<Vec<TicketView>>> {
    Ok(Json(s.app.buyer_tickets(&caller.actor, id, order_token(&headers).as_deref()).await?))
}

/// The signed-in buyer's tickets across their orders, newest order first (void tickets without a code).
#[utoipa::path(get, path = "/api/v1/me/tickets", tag = "tickets",
    responses((status = 200, body = Vec<TicketView>), (status = 401, body = ErrorBody)),
    security(("session" = [])))]
pub async fn my_tickets(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<TicketView>>> {
    Ok(Json(s.app.my_tickets(&caller.actor).await?))
}

/// The order's tickets as a PDF, one page per valid ticket, for printing at home.
#[utoipa::path(get, path = "/api/v1/orders/{order_id}/tickets.pdf", tag = "tickets",
    params(("order_id" = OrderId, Path), ("X-Order-Token" = Option<String>, Header)),
    responses((status = 200, description = "The PDF", content_type = "application/pdf"), (status = 404, body = ErrorBody),
              (status = 409, description = "`order_not_paid`", body = ErrorBody)),
    security((), ("session" = []), ("bearer" = [])))]
pub async fn buyer_tickets_pdf(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(id): ApiPath<OrderId>,
) -> ApiResult<Response> {
    let pdf = s.app.buyer_tickets_pdf(&caller.actor, id, order_token(&headers).as_deref()).await?;
    let disposition = format!("inline; filename=\"tickets-{id}.pdf\"");
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/pdf")),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("inline")),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
        ],
        pdf,
    )
        .into_response())
}

/// An order's tickets, for staff.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/orders/{order_id}/tickets", tag = "tickets",
    params(("org_id" = OrgId, Path), ("order_id" = OrderId, Path)),
    responses((status = 200, body = Vec<TicketView>), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn org_order_tickets(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, OrderId)>,
) -> ApiResult<Json<Vec<TicketView>>> {
    Ok(Json(s.app.org_order_tickets(&caller.actor, org, id).await?))
}

/// Void a ticket: its code is revoked (at once online; offline after the scanner's next sync).
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/tickets/{ticket_id}/void", tag = "tickets",
    params(("org_id" = OrgId, Path), ("ticket_id" = TicketId, Path)),
    responses((status = 200, body = TicketView), (status = 404, body = ErrorBody),
              (status = 409, description = "already void", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn void_ticket(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, TicketId)>,
) -> ApiResult<Json<TicketView>> {
    Ok(Json(s.app.void_ticket(&caller.actor, org, id).await?))
}

/// Re-issue a ticket to a new holder: a new ticket with a new code; the old one is revoked.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/tickets/{ticket_id}/reissue", tag = "tickets",
    params(("org_id" = OrgId, Path), ("ticket_id" = TicketId, Path)),
    request_body = ReissueTicket,
    responses((status = 201, body = TicketView), (status = 404, body = ErrorBody),
              (status = 409, description = "the ticket is void", body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn reissue_ticket(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, TicketId)>,
    ApiJson(input): ApiJson<ReissueTicket>,
) -> ApiResult<(StatusCode, Json<TicketView>)> {
    Ok((StatusCode::CREATED, Json(s.app.reissue_ticket(&caller.actor, org, id, input).await?)))
}

/// The organization's ticket-signing public keys, current and retired (see docs/ticket-format.md).
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/keys", tag = "tickets",
    params(("org_id" = OrgId, Path)),
    responses((status = 200, body = Vec<PublicKeyView>), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn list_keys(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
) -> ApiResult<Json<Vec<PublicKeyView>>> {
    Ok(Json(s.app.public_keys(&caller.actor, org).await?))
}

/// Start signing with a new key; codes signed by the old one keep verifying.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/keys/rotate", tag = "tickets",
    params(("org_id" = OrgId, Path)),
    responses((status = 201, body = PublicKeyView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn rotate_key(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
) -> ApiResult<(StatusCode, Json<PublicKeyView>)> {
    Ok((StatusCode::CREATED, Json(s.app.rotate_signing_key(&caller.actor, org).await?)))
}
