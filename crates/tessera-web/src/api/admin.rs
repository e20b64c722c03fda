//! Platform administration.

use super::*;
use tessera_domain::account::{Organization, User};

/// Every user account (platform admins only).
#[utoipa::path(get, path = "/api/v1/admin/users", tag = "admin", params(Paging),
    responses((status = 200, body = Vec<User>), (status = 403, body = ErrorBody)), security(("session" = [])))]
pub async fn admin_list_users(
    State(s): State<AppState>,
    caller: Caller,
    ApiQuery(p): ApiQuery<Paging>,
) -> ApiResult<Json<Vec<User>>> {
    Ok(Json(s.app.admin_users(&caller.actor, p.limit.unwrap_or(100), p.offset.unwrap_or(0)).await?))
}

/// Every organization (platform admins only).
#[utoipa::path(get, path = "/api/v1/admin/orgs", tag = "admin", params(Paging),
    responses((status = 200, body = Vec<Organization>), (status = 403, body = ErrorBody)), security(("session" = [])))]
pub async fn admin_list_orgs(
    State(s): State<AppState>,
    caller: Caller,
    ApiQuery(p): ApiQuery<Paging>,
) -> ApiResult<Json<Vec<Organization>>> {
    Ok(Json(s.app.admin_orgs(&caller.actor, p.limit.unwrap_or(100), p.offset.unwrap_or(0)).await?))
}
