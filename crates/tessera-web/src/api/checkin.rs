//! Check-in for gates and scanner devices: lists and gates, online scans,
//! the offline sync and upload, statistics and the conflicts report.
//! Scanner devices authenticate with an API token of the `scanner` role.

use super::*;
use tessera_app::checkin::{CheckinStats, Conflict, ScanAnswer, ScanRequest, ScanUpload, SyncAnswer, UploadAnswer};
use tessera_domain::checkin::{CheckinList, NewCheckinList};
use tessera_domain::{CheckinListId, EventId, OrgId};

/// Create a check-in list for an event: which ticket types it admits, its gates and its entry policy.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/events/{event_id}/checkin-lists", tag = "check-in",
    params(("org_id" = OrgId, Path), ("event_id" = EventId, Path)),
    request_body = NewCheckinList,
    responses((status = 201, body = CheckinList), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn create_list(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, event)): ApiPath<(OrgId, EventId)>,
    ApiJson(input): ApiJson<NewCheckinList>,
) -> ApiResult<(StatusCode, Json<CheckinList>)> {
    Ok((StatusCode::CREATED, Json(s.app.create_checkin_list(&caller.actor, org, event, input).await?)))
}

/// An event's check-in lists.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/events/{event_id}/checkin-lists", tag = "check-in",
    params(("org_id" = OrgId, Path), ("event_id" = EventId, Path)),
    responses((status = 200, body = Vec<CheckinList>), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn list_lists(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, event)): ApiPath<(OrgId, EventId)>,
) -> ApiResult<Json<Vec<CheckinList>>> {
    Ok(Json(s.app.checkin_lists(&caller.actor, org, event).await?))
}

/// One check-in list with its gates.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/checkin-lists/{list_id}", tag = "check-in",
    params(("org_id" = OrgId, Path), ("list_id" = CheckinListId, Path)),
    responses((status = 200, body = CheckinList), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn get_list(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, CheckinListId)>,
) -> ApiResult<Json<CheckinList>> {
    Ok(Json(s.app.checkin_list(&caller.actor, org, id).await?))
}

/// Scan a code online. Every outcome is a 200 with a `result` (`valid`, `already_used`, `revoked`,
/// `wrong_event`, `not_on_list`, `not_yet_valid`, `expired`, `invalid_signature`, `malformed`,
/// `unknown`, `not_inside`); only a bad request is a 4xx. Idempotent by `nonce`.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/checkin-lists/{list_id}/scans", tag = "check-in",
    params(("org_id" = OrgId, Path), ("list_id" = CheckinListId, Path)),
    request_body = ScanRequest,
    responses((status = 200, body = ScanAnswer), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn scan(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, list)): ApiPath<(OrgId, CheckinListId)>,
    ApiJson(input): ApiJson<ScanRequest>,
) -> ApiResult<Json<ScanAnswer>> {
    Ok(Json(s.app.scan(&caller.actor, org, list, input).await?))
}

/// Upload scans made offline (up to 1000). Re-uploading changes nothing; on single-entry lists the
/// earliest admission of a ticket wins and later ones are reported as conflicts.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/checkin-lists/{list_id}/scans/upload", tag = "check-in",
    params(("org_id" = OrgId, Path), ("list_id" = CheckinListId, Path)),
    request_body = ScanUpload,
    responses((status = 200, body = UploadAnswer), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn upload(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, list)): ApiPath<(OrgId, CheckinListId)>,
    ApiJson(input): ApiJson<ScanUpload>,
) -> ApiResult<Json<UploadAnswer>> {
    Ok(Json(s.app.upload_scans(&caller.actor, org, list, input).await?))
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SyncQuery {
    /// The `cursor` of the previous sync: only tickets changed since then.
    pub since: Option<String>,
    /// Include the ticket list (holder names for offline display).
    pub tickets: Option<bool>,
}

/// Everything an offline scanner needs: public keys, the revocation list, and optionally tickets.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/checkin-lists/{list_id}/sync", tag = "check-in",
    params(("org_id" = OrgId, Path), ("list_id" = CheckinListId, Path), SyncQuery),
    responses((status = 200, body = SyncAnswer), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn sync(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, list)): ApiPath<(OrgId, CheckinListId)>,
    ApiQuery(q): ApiQuery<SyncQuery>,
) -> ApiResult<Json<SyncAnswer>> {
    Ok(Json(s.app.checkin_sync(&caller.actor, org, list, q.since.as_deref(), q.tickets.unwrap_or(false)).await?))
}

/// Check-in figures: checked in, inside now, by ticket type, by gate, scans by result.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/checkin-lists/{list_id}/stats", tag = "check-in",
    params(("org_id" = OrgId, Path), ("list_id" = CheckinListId, Path)),
    responses((status = 200, body = CheckinStats), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn stats(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, list)): ApiPath<(OrgId, CheckinListId)>,
) -> ApiResult<Json<CheckinStats>> {
    Ok(Json(s.app.checkin_stats(&caller.actor, org, list).await?))
}

/// Tickets admitted more than once while offline: the earliest admission wins, the others are listed.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/checkin-lists/{list_id}/conflicts", tag = "check-in",
    params(("org_id" = OrgId, Path), ("list_id" = CheckinListId, Path)),
    responses((status = 200, body = Vec<Conflict>), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn conflicts(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, list)): ApiPath<(OrgId, CheckinListId)>,
) -> ApiResult<Json<Vec<Conflict>>> {
    Ok(Json(s.app.checkin_conflicts(&caller.actor, org, list).await?))
}
