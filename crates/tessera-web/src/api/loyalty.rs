//! Loyalty points: an organization's rule and usage report, a buyer's
//! balance and history, and paying an order with points.

use super::orders::order_token;
use super::*;
use axum::http::HeaderMap;
use tessera_app::loyalty::{LoyaltyReport, MyPoints, PointsBalance};
use tessera_domain::OrgId;
use tessera_domain::loyalty::{LoyaltyRule, RedeemPoints};
use tessera_domain::orders::{Order, OrderId};

/// The organization's points rule (off, with default figures, until set).
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/loyalty", tag = "loyalty",
    params(("org_id" = OrgId, Path)),
    responses((status = 200, body = LoyaltyRule), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn get_loyalty_rule(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
) -> ApiResult<Json<LoyaltyRule>> {
    Ok(Json(s.app.loyalty_rule(&caller.actor, org).await?))
}

/// Set the organization's points rule: points per currency unit paid, the redemption step and
/// its value, and how many days points last. Points already earned keep their expiry.
#[utoipa::path(put, path = "/api/v1/orgs/{org_id}/loyalty", tag = "loyalty",
    params(("org_id" = OrgId, Path)), request_body = LoyaltyRule,
    responses((status = 200, body = LoyaltyRule), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 415, body = ErrorBody),
              (status = 422, description = "`invalid_input`, naming each bad field", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn put_loyalty_rule(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
    ApiJson(input): ApiJson<LoyaltyRule>,
) -> ApiResult<Json<LoyaltyRule>> {
    Ok(Json(s.app.set_loyalty_rule(&caller.actor, org, input).await?))
}

/// What the organization's points did: earned, redeemed, expired, taken back and given back by
/// refunds, held now, orders paid with points, and the top holders.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/loyalty/report", tag = "loyalty",
    params(("org_id" = OrgId, Path)),
    responses((status = 200, body = LoyaltyReport), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn loyalty_report(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
) -> ApiResult<Json<LoyaltyReport>> {
    Ok(Json(s.app.loyalty_report(&caller.actor, org).await?))
}

/// The organizations the signed-in account holds points with.
#[utoipa::path(get, path = "/api/v1/me/points", tag = "loyalty",
    responses((status = 200, body = Vec<PointsBalance>), (status = 401, body = ErrorBody)),
    security(("session" = [])))]
pub async fn my_point_balances(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<PointsBalance>>> {
    Ok(Json(s.app.my_point_balances(&caller.actor).await?))
}

/// The signed-in account's points with an organization: balance (due points have expired),
/// the rule, and every movement with the expiry of each lot.
#[utoipa::path(get, path = "/api/v1/me/points/{org_id}", tag = "loyalty",
    params(("org_id" = OrgId, Path)),
    responses((status = 200, body = MyPoints), (status = 401, body = ErrorBody),
              (status = 404, description = "The organization has no points", body = ErrorBody)),
    security(("session" = [])))]
pub async fn my_points(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
) -> ApiResult<Json<MyPoints>> {
    Ok(Json(s.app.my_points(&caller.actor, org).await?))
}

/// Pay a pending order with points, signed in as its buyer: whole steps of the organization's
/// rule, never more than is left to pay (only the steps needed are taken). Decided under the
/// points account's lock. When that covers the rest the order is paid and its tickets issued;
/// otherwise pay the rest with `checkout`.
#[utoipa::path(post, path = "/api/v1/orders/{order_id}/points", tag = "loyalty",
    params(("order_id" = OrderId, Path), ("X-Order-Token" = Option<String>, Header),
           ("Idempotency-Key" = Option<String>, Header)),
    request_body = RedeemPoints,
    responses((status = 200, body = Order), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "`hold_expired`, `already_paid`, `order_cancelled`, `idempotency_in_progress`, ...", body = ErrorBody),
              (status = 415, body = ErrorBody),
              (status = 422, description = "`invalid_input`, `points_insufficient` (more than held), `points_step`, `points_disabled`, `points_sign_in`, naming `points`, or `listing_unavailable` (a resale order whose listing can no longer be sold; nothing is spent)", body = ErrorBody)),
    security((), ("session" = []), ("bearer" = [])))]
pub async fn pay_with_points(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(id): ApiPath<OrderId>,
    ApiJson(input): ApiJson<RedeemPoints>,
) -> ApiResult<Json<Order>> {
    let token = order_token(&headers);
    Ok(Json(s.app.pay_with_points(&caller.actor, id, token.as_deref(), input).await?))
}
