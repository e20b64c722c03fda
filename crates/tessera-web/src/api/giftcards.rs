//! Gift cards: issued by staff, spent on orders by buyers and at counters.

use super::*;
use crate::extract::ClientIp;
use axum::http::HeaderMap;
use tessera_app::giftcards::{CounterRedemption, GiftCardBalance, GiftCardDetail};
use tessera_domain::giftcards::{CounterRedeem, GiftCard, GiftCardCode, GiftCardState, NewGiftCard};
use tessera_domain::orders::{Order, OrderId};
use tessera_domain::{GiftCardId, OrgId};

/// The organization's gift cards, newest first; codes masked.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/gift-cards", tag = "giftcards",
    params(("org_id" = OrgId, Path)),
    responses((status = 200, body = Vec<GiftCard>), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn list_gift_cards(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
) -> ApiResult<Json<Vec<GiftCard>>> {
    Ok(Json(s.app.gift_cards(&caller.actor, org).await?))
}

/// Issue a gift card with a fresh code `GIFT-XXXX-XXXX-XXXX` (its last character checks the others).
/// This answer is the only one that shows the code in full: hand it to the holder.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/gift-cards", tag = "giftcards",
    params(("org_id" = OrgId, Path), ("Idempotency-Key" = Option<String>, Header)), request_body = NewGiftCard,
    responses((status = 201, body = GiftCard), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 415, body = ErrorBody),
              (status = 422, description = "`invalid_input`, naming the field", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn issue_gift_card(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
    ApiJson(input): ApiJson<NewGiftCard>,
) -> ApiResult<(StatusCode, Json<GiftCard>)> {
    Ok((StatusCode::CREATED, Json(s.app.issue_gift_card(&caller.actor, org, input).await?)))
}

/// A gift card (code masked) with every movement of its balance: who, when, what for.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/gift-cards/{gift_card_id}", tag = "giftcards",
    params(("org_id" = OrgId, Path), ("gift_card_id" = GiftCardId, Path)),
    responses((status = 200, body = GiftCardDetail), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn get_gift_card(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, GiftCardId)>,
) -> ApiResult<Json<GiftCardDetail>> {
    Ok(Json(s.app.gift_card(&caller.actor, org, id).await?))
}

/// Switch a gift card off: nothing can be spent from it (refunds still return to it).
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/gift-cards/{gift_card_id}/disable", tag = "giftcards",
    params(("org_id" = OrgId, Path), ("gift_card_id" = GiftCardId, Path)),
    responses((status = 200, body = GiftCard), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn disable_gift_card(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, GiftCardId)>,
) -> ApiResult<Json<GiftCard>> {
    Ok(Json(s.app.set_gift_card_state(&caller.actor, org, id, GiftCardState::Disabled).await?))
}

/// Switch a disabled gift card on again.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/gift-cards/{gift_card_id}/enable", tag = "giftcards",
    params(("org_id" = OrgId, Path), ("gift_card_id" = GiftCardId, Path)),
    responses((status = 200, body = GiftCard), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn enable_gift_card(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, GiftCardId)>,
) -> ApiResult<Json<GiftCard>> {
    Ok(Json(s.app.set_gift_card_state(&caller.actor, org, id, GiftCardState::Active).await?))
}

/// At a counter: a card by its code (scanned or typed), to see its balance before spending.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/gift-cards/lookup", tag = "giftcards",
    params(("org_id" = OrgId, Path)), request_body = GiftCardCode,
    responses((status = 200, body = GiftCard), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 415, body = ErrorBody),
              (status = 422, description = "`invalid_input` (not a gift card's code, or a typo the check character caught) or `gift_card_unknown`, naming `code`", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn lookup_gift_card(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
    ApiJson(input): ApiJson<GiftCardCode>,
) -> ApiResult<Json<GiftCard>> {
    Ok(Json(s.app.gift_card_lookup(&caller.actor, org, &input.code).await?))
}

/// At a counter: spend part of a card. Decided under the card's lock, so the balance never goes
/// below zero; with an `Idempotency-Key`, a repeat answers the first redemption and spends nothing more.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/gift-cards/redeem", tag = "giftcards",
    params(("org_id" = OrgId, Path), ("Idempotency-Key" = Option<String>, Header)), request_body = CounterRedeem,
    responses((status = 200, body = CounterRedemption), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "`idempotency_in_progress`", body = ErrorBody),
              (status = 415, body = ErrorBody),
              (status = 422, description = "`invalid_input`; `gift_card_unknown`, `gift_card_disabled`, `gift_card_expired`, `gift_card_empty` naming `code`; `gift_card_insufficient` naming `amount_minor` (nothing is spent)", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn redeem_gift_card(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(org): ApiPath<OrgId>,
    ApiJson(input): ApiJson<CounterRedeem>,
) -> ApiResult<Json<CounterRedemption>> {
    let key = headers.get(crate::idempotency::HEADER).and_then(|v| v.to_str().ok()).map(str::to_string);
    Ok(Json(s.app.redeem_gift_card(&caller.actor, org, input, key.as_deref()).await?))
}

/// A code and the organization that issued it, for the balance check.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BalanceQuery {
    pub org_id: OrgId,
    pub code: String,
}

/// A buyer checks a card's balance. Wrong codes count against the client address like wrong
/// promo or access codes; past the limit any code gets 429.
#[utoipa::path(post, path = "/api/v1/gift-cards/balance", tag = "giftcards",
    request_body = BalanceQuery,
    responses((status = 200, body = GiftCardBalance), (status = 400, body = ErrorBody), (status = 415, body = ErrorBody),
              (status = 422, description = "`gift_card_unknown` naming `code`", body = ErrorBody),
              (status = 429, description = "Too many wrong codes from this client; see Retry-After", body = ErrorBody)),
    security((), ("session" = []), ("bearer" = [])))]
pub async fn gift_card_balance(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(input): ApiJson<BalanceQuery>,
) -> ApiResult<Json<GiftCardBalance>> {
    Ok(Json(s.app.gift_card_balance_from(&ip, input.org_id, &input.code).await?))
}

/// Pay a pending order with a gift card: min(its balance, what is left to pay) comes off the card,
/// decided under the card's lock. When that covers the rest the order is paid and its tickets
/// issued at once; otherwise pay the rest with `checkout` (it asks only for what is left).
#[utoipa::path(post, path = "/api/v1/orders/{order_id}/gift-card", tag = "giftcards",
    params(("order_id" = OrderId, Path), ("X-Order-Token" = Option<String>, Header)), request_body = GiftCardCode,
    responses((status = 200, body = Order), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "`hold_expired`, `already_paid`, `order_cancelled`, ...", body = ErrorBody),
              (status = 415, body = ErrorBody),
              (status = 422, description = "`invalid_input`, `gift_card_unknown`, `gift_card_disabled`, `gift_card_expired`, `gift_card_empty`, `gift_card_currency`, naming `gift_card`, or `listing_unavailable` (a resale order whose listing can no longer be sold; nothing is spent)", body = ErrorBody),
              (status = 429, description = "Too many wrong codes from this client; see Retry-After", body = ErrorBody)),
    security((), ("session" = []), ("bearer" = [])))]
pub async fn pay_with_gift_card(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(id): ApiPath<OrderId>,
    ApiJson(input): ApiJson<GiftCardCode>,
) -> ApiResult<Json<Order>> {
    let token = super::orders::order_token(&headers);
    Ok(Json(s.app.pay_with_gift_card_from(&ip, &caller.actor, id, token.as_deref(), &input.code).await?))
}
