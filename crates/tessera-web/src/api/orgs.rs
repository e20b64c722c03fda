//! Organizations, members and API tokens.

use super::*;
use tessera_app::orgs::{CreatedToken, MemberInput, NewOrg, NewToken, OrgPatch, OrgWithRole, RoleInput};
use tessera_domain::account::{ApiToken, Membership, Organization};
use tessera_domain::{OrgId, TokenId, UserId};

/// The caller's organizations and role in each.
#[utoipa::path(get, path = "/api/v1/orgs", tag = "organizations",
    responses((status = 200, body = Vec<OrgWithRole>), (status = 401, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn list_orgs(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<OrgWithRole>>> {
    Ok(Json(s.app.my_orgs(&caller.actor).await?))
}

/// Start an organization; the caller becomes its owner.
#[utoipa::path(post, path = "/api/v1/orgs", tag = "organizations", request_body = NewOrg,
    responses((status = 201, body = Organization), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session" = [])))]
pub async fn create_org(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<NewOrg>,
) -> ApiResult<(StatusCode, Json<Organization>)> {
    Ok((StatusCode::CREATED, Json(s.app.create_org(&caller.actor, input).await?)))
}

/// One organization and the caller's role in it.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}", tag = "organizations", params(("org_id" = OrgId, Path)),
    responses((status = 200, body = OrgWithRole), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn get_org(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
) -> ApiResult<Json<OrgWithRole>> {
    Ok(Json(s.app.org(&caller.actor, org).await?))
}

/// Change the name or the two-factor requirement.
#[utoipa::path(patch, path = "/api/v1/orgs/{org_id}", tag = "organizations", params(("org_id" = OrgId, Path)),
    request_body = OrgPatch,
    responses((status = 200, body = Organization), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn update_org(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
    ApiJson(p): ApiJson<OrgPatch>,
) -> ApiResult<Json<Organization>> {
    Ok(Json(s.app.update_org(&caller.actor, org, p).await?))
}

/// Members and their roles.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/members", tag = "organizations", params(("org_id" = OrgId, Path)),
    responses((status = 200, body = Vec<Membership>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn list_members(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
) -> ApiResult<Json<Vec<Membership>>> {
    Ok(Json(s.app.members(&caller.actor, org).await?))
}

/// Add an existing account as a member (or change its role). An address
/// without an account is refused (422, `email`); only callers who may manage
/// the team (owners and admins) get that far, everyone else is refused before
/// the address is looked up, so only they learn whether an address has an account.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/members", tag = "organizations", params(("org_id" = OrgId, Path)),
    request_body = MemberInput,
    responses((status = 200, body = Membership), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn add_member(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
    ApiJson(m): ApiJson<MemberInput>,
) -> ApiResult<Json<Membership>> {
    Ok(Json(s.app.set_member(&caller.actor, org, &m.email, m.role).await?))
}

/// Change a member's role.
#[utoipa::path(put, path = "/api/v1/orgs/{org_id}/members/{user_id}", tag = "organizations",
    params(("org_id" = OrgId, Path), ("user_id" = UserId, Path)), request_body = RoleInput,
    responses((status = 200, body = Membership), (status = 403, body = ErrorBody),
              (status = 404, description = "No account with this id", body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn set_role(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, user)): ApiPath<(OrgId, UserId)>,
    ApiJson(r): ApiJson<RoleInput>,
) -> ApiResult<Json<Membership>> {
    Ok(Json(s.app.set_member_role(&caller.actor, org, user, r.role).await?))
}

/// Remove a member. The last owner cannot be removed.
#[utoipa::path(delete, path = "/api/v1/orgs/{org_id}/members/{user_id}", tag = "organizations",
    params(("org_id" = OrgId, Path), ("user_id" = UserId, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn remove_member(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, user)): ApiPath<(OrgId, UserId)>,
) -> ApiResult<StatusCode> {
    s.app.remove_member(&caller.actor, org, user).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// API tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/tokens", tag = "organizations", params(("org_id" = OrgId, Path)),
    responses((status = 200, body = Vec<ApiToken>), (status = 403, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn list_tokens(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
) -> ApiResult<Json<Vec<ApiToken>>> {
    Ok(Json(s.app.tokens(&caller.actor, org).await?))
}

/// Create an API token; its secret is in this response only.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/tokens", tag = "organizations", params(("org_id" = OrgId, Path)),
    request_body = NewToken,
    responses((status = 201, body = CreatedToken), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn create_token(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
    ApiJson(t): ApiJson<NewToken>,
) -> ApiResult<(StatusCode, Json<CreatedToken>)> {
    // A retry with the same Idempotency-Key gets this very token again: the
    // answer is kept sealed under a key only the client holds.
    Ok((StatusCode::CREATED, Json(s.app.create_token(&caller.actor, org, t).await?)))
}

/// Revoke an API token; it stops working at once.
#[utoipa::path(delete, path = "/api/v1/orgs/{org_id}/tokens/{token_id}", tag = "organizations",
    params(("org_id" = OrgId, Path), ("token_id" = TokenId, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn revoke_token(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, TokenId)>,
) -> ApiResult<StatusCode> {
    s.app.revoke_token(&caller.actor, org, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
