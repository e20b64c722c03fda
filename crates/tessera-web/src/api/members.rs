//! Memberships: plans, member cards, a buyer's own cards, what the scanner
//! learns from a card's code, and ticket types' member rules and products.

use super::*;
use axum::http::StatusCode;
use tessera_app::members::{CardCheck, PlanSummary, TicketTypeMembership};
use tessera_domain::members::{MemberPlan, MemberRule, NewMemberCard, NewMemberPlan, Product};
use tessera_domain::{MemberCardId, MemberPlanId, OrgId, TicketTypeId};

/// The organization's membership plans, by name, with how many cards each has.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/member-plans", tag = "members",
    params(("org_id" = OrgId, Path)),
    responses((status = 200, body = Vec<PlanSummary>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn list_plans(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
) -> ApiResult<Json<Vec<PlanSummary>>> {
    Ok(Json(s.app.member_plans(&caller.actor, org).await?))
}

/// Create a membership plan: its name, what it gives (description) and how many days a
/// membership of it lasts.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/member-plans", tag = "members",
    params(("org_id" = OrgId, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = NewMemberPlan,
    responses((status = 201, body = MemberPlan), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "`conflict` on `name` (taken), `idempotency_in_progress`", body = ErrorBody),
              (status = 415, body = ErrorBody),
              (status = 422, description = "`invalid_input`, naming each bad field", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn create_plan(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
    ApiJson(input): ApiJson<NewMemberPlan>,
) -> ApiResult<(StatusCode, Json<MemberPlan>)> {
    Ok((StatusCode::CREATED, Json(s.app.create_member_plan(&caller.actor, org, input).await?)))
}

/// Change a plan's name, description and validity. Cards already issued keep their period.
#[utoipa::path(put, path = "/api/v1/orgs/{org_id}/member-plans/{plan_id}", tag = "members",
    params(("org_id" = OrgId, Path), ("plan_id" = MemberPlanId, Path)),
    request_body = NewMemberPlan,
    responses((status = 200, body = MemberPlan), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "`conflict` on `name` (taken)", body = ErrorBody),
              (status = 415, body = ErrorBody),
              (status = 422, description = "`invalid_input`, naming each bad field", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn update_plan(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, MemberPlanId)>,
    ApiJson(input): ApiJson<NewMemberPlan>,
) -> ApiResult<Json<MemberPlan>> {
    Ok(Json(s.app.update_member_plan(&caller.actor, org, id, input).await?))
}

/// Which cards to list.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CardQuery {
    /// Only this plan's cards.
    pub plan_id: Option<MemberPlanId>,
    /// Only cards whose holder, e-mail or code contains this (any case).
    pub q: Option<String>,
    /// 1-1000, default 200.
    pub limit: Option<i64>,
}

/// The organization's member cards, newest first, each with what it says now
/// (`valid`, `not_yet_valid`, `expired`, `void`).
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/member-cards", tag = "members",
    params(("org_id" = OrgId, Path), CardQuery),
    responses((status = 200, body = Vec<CardCheck>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn list_cards(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
    ApiQuery(q): ApiQuery<CardQuery>,
) -> ApiResult<Json<Vec<CardCheck>>> {
    let limit = q.limit.unwrap_or(200).clamp(1, 1000);
    Ok(Json(s.app.member_cards(&caller.actor, org, q.plan_id, q.q.as_deref(), limit).await?))
}

/// Issue a member card of a plan to a person (staff): it lasts the plan's validity from
/// `valid_from` (now when left out). An account with this verified e-mail address is a member.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/member-cards", tag = "members",
    params(("org_id" = OrgId, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = NewMemberCard,
    responses((status = 201, body = CardCheck), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "`idempotency_in_progress`", body = ErrorBody),
              (status = 415, body = ErrorBody),
              (status = 422, description = "`invalid_input`, naming each bad field (`plan_id` of another organization too)", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn issue_card(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
    ApiJson(input): ApiJson<NewMemberCard>,
) -> ApiResult<(StatusCode, Json<CardCheck>)> {
    Ok((StatusCode::CREATED, Json(s.app.issue_member_card(&caller.actor, org, input).await?)))
}

/// Void a member card: it no longer counts, and the scanner says so.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/member-cards/{card_id}/void", tag = "members",
    params(("org_id" = OrgId, Path), ("card_id" = MemberCardId, Path), ("Idempotency-Key" = Option<String>, Header)),
    responses((status = 200, body = CardCheck), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "`idempotency_in_progress`", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn void_card(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, MemberCardId)>,
) -> ApiResult<Json<CardCheck>> {
    Ok(Json(s.app.void_member_card(&caller.actor, org, id).await?))
}

/// A member card's code, as scanned or typed.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CardCode {
    /// `MEMB-XXXX-XXXX-XXXX` (any case, with or without dashes).
    pub code: String,
}

/// What a member card's code says now (the scanner's redeem mode; any member of the
/// organization who may scan). Changes nothing.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/member-cards/check", tag = "members",
    params(("org_id" = OrgId, Path)),
    request_body = CardCode,
    responses((status = 200, body = CardCheck), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 415, body = ErrorBody),
              (status = 422, description = "`invalid_input` (not a member card's shape, or a typo the check character caught), `member_card_unknown`, naming `code`", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn check_card(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
    ApiJson(input): ApiJson<CardCode>,
) -> ApiResult<Json<CardCheck>> {
    Ok(Json(s.app.check_member_card(&caller.actor, org, &input.code).await?))
}

/// The signed-in account's member cards in every organization (bought while signed in, or
/// bought or issued to its verified address), with what each says now.
#[utoipa::path(get, path = "/api/v1/me/member-cards", tag = "members",
    responses((status = 200, body = Vec<CardCheck>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("session" = [])))]
pub async fn my_cards(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<CardCheck>>> {
    Ok(Json(s.app.my_member_cards(&caller.actor).await?))
}

/// A ticket type's member rule and product (`null` when it has none).
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/ticket-types/{ticket_type_id}/membership", tag = "members",
    params(("org_id" = OrgId, Path), ("ticket_type_id" = TicketTypeId, Path)),
    responses((status = 200, body = TicketTypeMembership), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn get_membership(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, tt)): ApiPath<(OrgId, TicketTypeId)>,
) -> ApiResult<Json<TicketTypeMembership>> {
    Ok(Json(s.app.ticket_type_membership(&caller.actor, org, tt).await?))
}

/// Make a ticket type members-only and/or give members a price (signed-in buyers with an
/// active card of the plan, or of any plan when `plan_id` is left out, pay the lower of it and
/// the usual price). Applies to reservations from now on.
#[utoipa::path(put, path = "/api/v1/orgs/{org_id}/ticket-types/{ticket_type_id}/member-rule", tag = "members",
    params(("org_id" = OrgId, Path), ("ticket_type_id" = TicketTypeId, Path)),
    request_body = MemberRule,
    responses((status = 200, body = TicketTypeMembership), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 415, body = ErrorBody),
              (status = 422, description = "`invalid_input`, naming each bad field", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn put_member_rule(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, tt)): ApiPath<(OrgId, TicketTypeId)>,
    ApiJson(rule): ApiJson<MemberRule>,
) -> ApiResult<Json<TicketTypeMembership>> {
    Ok(Json(s.app.set_member_rule(&caller.actor, org, tt, Some(rule)).await?))
}

/// Remove a ticket type's member rule: anyone buys it at the usual price.
#[utoipa::path(delete, path = "/api/v1/orgs/{org_id}/ticket-types/{ticket_type_id}/member-rule", tag = "members",
    params(("org_id" = OrgId, Path), ("ticket_type_id" = TicketTypeId, Path)),
    responses((status = 200, body = TicketTypeMembership), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn delete_member_rule(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, tt)): ApiPath<(OrgId, TicketTypeId)>,
) -> ApiResult<Json<TicketTypeMembership>> {
    Ok(Json(s.app.set_member_rule(&caller.actor, org, tt, None).await?))
}

/// Make a ticket type sell a product instead of admission: `gift_card` (each unit paid issues a
/// gift card of the unit's price, e-mailed to the buyer) or `membership` (each unit paid issues
/// a member card of `plan_id`). Paying for a product issues no ticket. Refused once the type
/// has orders.
#[utoipa::path(put, path = "/api/v1/orgs/{org_id}/ticket-types/{ticket_type_id}/product", tag = "members",
    params(("org_id" = OrgId, Path), ("ticket_type_id" = TicketTypeId, Path)),
    request_body = Product,
    responses((status = 200, body = TicketTypeMembership), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "`product_has_orders`", body = ErrorBody),
              (status = 415, body = ErrorBody),
              (status = 422, description = "`invalid_input`, naming each bad field", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn put_product(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, tt)): ApiPath<(OrgId, TicketTypeId)>,
    ApiJson(product): ApiJson<Product>,
) -> ApiResult<Json<TicketTypeMembership>> {
    Ok(Json(s.app.set_product(&caller.actor, org, tt, Some(product)).await?))
}

/// Make a ticket type an admission again. Refused once the type has orders.
#[utoipa::path(delete, path = "/api/v1/orgs/{org_id}/ticket-types/{ticket_type_id}/product", tag = "members",
    params(("org_id" = OrgId, Path), ("ticket_type_id" = TicketTypeId, Path)),
    responses((status = 200, body = TicketTypeMembership), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "`product_has_orders`", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn delete_product(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, tt)): ApiPath<(OrgId, TicketTypeId)>,
) -> ApiResult<Json<TicketTypeMembership>> {
    Ok(Json(s.app.set_product(&caller.actor, org, tt, None).await?))
}
