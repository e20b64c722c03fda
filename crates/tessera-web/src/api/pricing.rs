//! Promotions: promo codes, generated batches and their uses.

use super::*;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use tessera_app::pricing::PromoBatch;
use tessera_app::pricing::{CounterCoupon, CounterCouponUse, PromoUse};
use tessera_app::tiers::DynamicView;
use tessera_domain::dynamic::DynamicSettings;
use tessera_domain::pricing::{NewPromoBatch, NewPromoCode, PromoCode};
use tessera_domain::tiers::{NewPriceTier, PriceTier};
use tessera_domain::{EventId, OrgId, PriceTierId, PromoCodeId, TicketTypeId};

/// Which codes to list.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PromoQuery {
    /// One event's codes, with the organization-wide ones.
    pub event_id: Option<EventId>,
    /// One generated batch's codes.
    pub batch: Option<String>,
}

/// The organization's promo codes (all, one event's, or one batch's).
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/promo-codes", tag = "pricing",
    params(("org_id" = OrgId, Path), PromoQuery),
    responses((status = 200, body = Vec<PromoCode>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn list_promo_codes(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
    ApiQuery(q): ApiQuery<PromoQuery>,
) -> ApiResult<Json<Vec<PromoCode>>> {
    Ok(Json(s.app.promo_codes(&caller.actor, org, q.event_id, q.batch.as_deref()).await?))
}

/// Create a promo code, for one event (`event_id`) or every event of the organization.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/promo-codes", tag = "pricing",
    params(("org_id" = OrgId, Path)), request_body = NewPromoCode,
    responses((status = 201, body = PromoCode),
              (status = 409, description = "`conflict`: the organization has this `code` already", body = ErrorBody),
              (status = 422, description = "`invalid_input`, naming the field", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn create_promo_code(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
    ApiJson(input): ApiJson<NewPromoCode>,
) -> ApiResult<(StatusCode, Json<PromoCode>)> {
    Ok((StatusCode::CREATED, Json(s.app.create_promo_code(&caller.actor, org, input).await?)))
}

#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/promo-codes/{promo_code_id}", tag = "pricing",
    params(("org_id" = OrgId, Path), ("promo_code_id" = PromoCodeId, Path)),
    responses((status = 200, body = PromoCode), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn get_promo_code(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, PromoCodeId)>,
) -> ApiResult<Json<PromoCode>> {
    Ok(Json(s.app.promo_code(&caller.actor, org, id).await?))
}

/// Replace a code's settings; its uses stay, its event cannot change, and a generated code keeps its text.
#[utoipa::path(put, path = "/api/v1/orgs/{org_id}/promo-codes/{promo_code_id}", tag = "pricing",
    params(("org_id" = OrgId, Path), ("promo_code_id" = PromoCodeId, Path)), request_body = NewPromoCode,
    responses((status = 200, body = PromoCode), (status = 404, body = ErrorBody),
              (status = 409, description = "`conflict`: the `code` is taken, or `max_uses` is below the uses held", body = ErrorBody),
              (status = 422, description = "`invalid_input`, naming the field", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn replace_promo_code(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, PromoCodeId)>,
    ApiJson(input): ApiJson<NewPromoCode>,
) -> ApiResult<Json<PromoCode>> {
    Ok(Json(s.app.replace_promo_code(&caller.actor, org, id, input).await?))
}

/// Delete a code. Orders that used it keep their discount line.
#[utoipa::path(delete, path = "/api/v1/orgs/{org_id}/promo-codes/{promo_code_id}", tag = "pricing",
    params(("org_id" = OrgId, Path), ("promo_code_id" = PromoCodeId, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn delete_promo_code(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, PromoCodeId)>,
) -> ApiResult<StatusCode> {
    s.app.delete_promo_code(&caller.actor, org, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The orders that used a code, newest first (the usage report).
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/promo-codes/{promo_code_id}/uses", tag = "pricing",
    params(("org_id" = OrgId, Path), ("promo_code_id" = PromoCodeId, Path)),
    responses((status = 200, body = Vec<PromoUse>), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn promo_code_uses(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, PromoCodeId)>,
) -> ApiResult<Json<Vec<PromoUse>>> {
    Ok(Json(s.app.promo_uses(&caller.actor, org, id).await?))
}

/// A code's redemptions at counters, newest first (the usage report's other half).
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/promo-codes/{promo_code_id}/counter-redemptions", tag = "pricing",
    params(("org_id" = OrgId, Path), ("promo_code_id" = PromoCodeId, Path)),
    responses((status = 200, body = Vec<CounterCouponUse>), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn counter_coupon_uses(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, PromoCodeId)>,
) -> ApiResult<Json<Vec<CounterCouponUse>>> {
    Ok(Json(s.app.counter_coupon_uses(&caller.actor, org, id).await?))
}

/// At a counter (the bar, the shop): take a coupon off a purchase. The code's `channel` must be
/// `counter` or `both`. One of its uses is taken for good, under the code's row lock, so `max_uses`
/// holds against other counters and against checkouts; per-customer limits do not apply at a
/// counter. With an `Idempotency-Key`, a repeat answers the first redemption and takes nothing more.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/promo-codes/redeem", tag = "pricing",
    params(("org_id" = OrgId, Path), ("Idempotency-Key" = Option<String>, Header)), request_body = CounterCoupon,
    responses((status = 200, body = CounterCouponUse), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "`idempotency_in_progress`", body = ErrorBody),
              (status = 415, body = ErrorBody),
              (status = 422, description = "`invalid_input` (a generated code with a typo is refused before any lookup); naming `code`: `promo_unknown`, `promo_not_at_counter`, `promo_not_yet_valid`, `promo_expired`, `promo_exhausted`; naming `currency`: `promo_not_applicable` (nothing is taken)", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn redeem_coupon_at_counter(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(org): ApiPath<OrgId>,
    ApiJson(input): ApiJson<CounterCoupon>,
) -> ApiResult<Json<CounterCouponUse>> {
    let key = headers.get(crate::idempotency::HEADER).and_then(|v| v.to_str().ok()).map(str::to_string);
    Ok(Json(s.app.redeem_coupon_at_counter(&caller.actor, org, input, key.as_deref()).await?))
}

/// Generate a batch of single-use codes `PREFIX-XXXX-XXXX-XXXX` (the last character checks the
/// others; see docs/promo-codes.md). The answer lists them; the CSV export lists them again.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/promo-code-batches", tag = "pricing",
    params(("org_id" = OrgId, Path)), request_body = NewPromoBatch,
    responses((status = 201, body = PromoBatch),
              (status = 422, description = "`invalid_input`, naming the field", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn create_promo_batch(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
    ApiJson(input): ApiJson<NewPromoBatch>,
) -> ApiResult<(StatusCode, Json<PromoBatch>)> {
    Ok((StatusCode::CREATED, Json(s.app.generate_promo_batch(&caller.actor, org, input).await?)))
}

/// A batch's codes as CSV (`code,event_id,kind,value,currency,valid_from,valid_until,uses`).
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/promo-code-batches/{batch}/csv", tag = "pricing",
    params(("org_id" = OrgId, Path), ("batch" = String, Path, description = "The batch, as its creation answered")),
    responses((status = 200, description = "The codes", content((String = "text/csv"))),
              (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn promo_batch_csv(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, batch)): ApiPath<(OrgId, String)>,
) -> ApiResult<Response> {
    let csv = s.app.promo_batch_csv(&caller.actor, org, &batch).await?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
            (header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"promo-codes.csv\"")),
        ],
        csv,
    )
        .into_response())
}

/// A ticket type's price tiers, in the order they are tried, with what each
/// has held and sold.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/ticket-types/{ticket_type_id}/price-tiers", tag = "pricing",
    params(("org_id" = OrgId, Path), ("ticket_type_id" = TicketTypeId, Path)),
    responses((status = 200, body = Vec<PriceTier>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn list_price_tiers(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, tt)): ApiPath<(OrgId, TicketTypeId)>,
) -> ApiResult<Json<Vec<PriceTier>>> {
    Ok(Json(s.app.price_tiers(&caller.actor, org, tt).await?))
}

/// Add a price tier: early bird until a date, the first N tickets at a
/// price, or both (whichever ends first). Past its tiers a ticket type sells
/// at its own price; a purchase across a boundary is priced per ticket.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/ticket-types/{ticket_type_id}/price-tiers", tag = "pricing",
    params(("org_id" = OrgId, Path), ("ticket_type_id" = TicketTypeId, Path)), request_body = NewPriceTier,
    responses((status = 201, body = PriceTier), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, description = "`invalid_input`, naming the field (also: more than 10 tiers)", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn create_price_tier(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, tt)): ApiPath<(OrgId, TicketTypeId)>,
    ApiJson(input): ApiJson<NewPriceTier>,
) -> ApiResult<(StatusCode, Json<PriceTier>)> {
    Ok((StatusCode::CREATED, Json(s.app.create_price_tier(&caller.actor, org, tt, input).await?)))
}

/// Replace a tier's settings (whole). What it has held and sold stays
/// counted: a quantity at or below that ends the tier.
#[utoipa::path(put, path = "/api/v1/orgs/{org_id}/price-tiers/{price_tier_id}", tag = "pricing",
    params(("org_id" = OrgId, Path), ("price_tier_id" = PriceTierId, Path)), request_body = NewPriceTier,
    responses((status = 200, body = PriceTier), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, description = "`invalid_input`, naming the field", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn replace_price_tier(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, PriceTierId)>,
    ApiJson(input): ApiJson<NewPriceTier>,
) -> ApiResult<Json<PriceTier>> {
    Ok(Json(s.app.update_price_tier(&caller.actor, org, id, input).await?))
}

/// Delete a tier no ticket was held or sold at; end one that has instead.
#[utoipa::path(delete, path = "/api/v1/orgs/{org_id}/price-tiers/{price_tier_id}", tag = "pricing",
    params(("org_id" = OrgId, Path), ("price_tier_id" = PriceTierId, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "`conflict`: tickets are held or sold at this tier", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn delete_price_tier(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, PriceTierId)>,
) -> ApiResult<StatusCode> {
    s.app.delete_price_tier(&caller.actor, org, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A ticket type's dynamic pricing: its settings (absent when the price is
/// fixed), its price now, and its recent price changes with their reasons.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/ticket-types/{ticket_type_id}/dynamic-pricing", tag = "pricing",
    params(("org_id" = OrgId, Path), ("ticket_type_id" = TicketTypeId, Path)),
    responses((status = 200, body = DynamicView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn get_dynamic_pricing(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, tt)): ApiPath<(OrgId, TicketTypeId)>,
) -> ApiResult<Json<DynamicView>> {
    Ok(Json(s.app.dynamic_pricing(&caller.actor, org, tt).await?))
}

/// Put a ticket type's price under a rule between a floor and a ceiling
/// (`share_sold`, `sales_rate` or `time_to_event`). The price moves into
/// the bounds at once, follows the rule from then on, and never leaves the
/// bounds; every change is recorded with its reason. Orders keep the price
/// they were reserved at.
#[utoipa::path(put, path = "/api/v1/orgs/{org_id}/ticket-types/{ticket_type_id}/dynamic-pricing", tag = "pricing",
    params(("org_id" = OrgId, Path), ("ticket_type_id" = TicketTypeId, Path)), request_body = DynamicSettings,
    responses((status = 200, body = DynamicView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, description = "`invalid_input`, naming the field", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn put_dynamic_pricing(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, tt)): ApiPath<(OrgId, TicketTypeId)>,
    ApiJson(input): ApiJson<DynamicSettings>,
) -> ApiResult<Json<DynamicView>> {
    Ok(Json(s.app.set_dynamic_pricing(&caller.actor, org, tt, input).await?))
}

/// Fix the price again where it is now.
#[utoipa::path(delete, path = "/api/v1/orgs/{org_id}/ticket-types/{ticket_type_id}/dynamic-pricing", tag = "pricing",
    params(("org_id" = OrgId, Path), ("ticket_type_id" = TicketTypeId, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn delete_dynamic_pricing(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, tt)): ApiPath<(OrgId, TicketTypeId)>,
) -> ApiResult<StatusCode> {
    s.app.delete_dynamic_pricing(&caller.actor, org, tt).await?;
    Ok(StatusCode::NO_CONTENT)
}
