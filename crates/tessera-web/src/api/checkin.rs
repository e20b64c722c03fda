//! Check-in for gates and scanner devices: lists and gates, online scans,
//! the offline sync and upload, statistics and the conflicts report.
//! Scanner devices authenticate with an API token of the `scanner` role.

use super::*;
use tessera_app::checkin::{CheckinStats, Conflict, ScanAnswer, ScanRequest, ScanUpload, SyncAnswer, UploadAnswer};
use tessera_domain::checkin::{CheckinList, Gate, NewCheckinList};
use tessera_domain::{CheckinListId, EventId, GateId, OrgId};

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

/// A check-in list's settings, all replaced; its gates are added and removed one by one.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListSettings {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Admit only these ticket types; omit or leave empty for all.
    #[serde(default)]
    #[schema(max_items = 100)]
    pub ticket_type_ids: Vec<tessera_domain::TicketTypeId>,
    /// `single` (default), `reentry` or `per_day`.
    #[serde(default = "single")]
    #[schema(pattern = "^(single|reentry|per_day)$")]
    pub entry_policy: String,
    /// With `per_day`: entries allowed per calendar day in the venue's time zone.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 1000)]
    pub max_entries_per_day: Option<i64>,
}

fn single() -> String {
    "single".into()
}

/// A new gate of a list.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGate {
    /// Unique in the list (ignoring case), 1 to 100 characters; a list has at most 50 gates.
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
}

/// Change a check-in list's name, the ticket types it admits and its entry policy. Scanners pick
/// the change up within seconds.
#[utoipa::path(put, path = "/api/v1/orgs/{org_id}/checkin-lists/{list_id}", tag = "check-in",
    params(("org_id" = OrgId, Path), ("list_id" = CheckinListId, Path)),
    request_body = ListSettings,
    responses((status = 200, body = CheckinList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn update_list(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, CheckinListId)>,
    ApiJson(input): ApiJson<ListSettings>,
) -> ApiResult<Json<CheckinList>> {
    let input = NewCheckinList {
        name: input.name,
        ticket_type_ids: input.ticket_type_ids,
        entry_policy: input.entry_policy,
        max_entries_per_day: input.max_entries_per_day,
        gates: vec![],
    };
    Ok(Json(s.app.update_checkin_list(&caller.actor, org, id, input).await?))
}

/// Delete a check-in list and its gates. A list tickets were scanned at stays as their record: 409.
#[utoipa::path(delete, path = "/api/v1/orgs/{org_id}/checkin-lists/{list_id}", tag = "check-in",
    params(("org_id" = OrgId, Path), ("list_id" = CheckinListId, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn delete_list(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, CheckinListId)>,
) -> ApiResult<StatusCode> {
    s.app.delete_checkin_list(&caller.actor, org, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add a gate to a check-in list.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/checkin-lists/{list_id}/gates", tag = "check-in",
    params(("org_id" = OrgId, Path), ("list_id" = CheckinListId, Path)),
    request_body = NewGate,
    responses((status = 201, body = Gate), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn add_gate(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, CheckinListId)>,
    ApiJson(input): ApiJson<NewGate>,
) -> ApiResult<(StatusCode, Json<Gate>)> {
    Ok((StatusCode::CREATED, Json(s.app.add_gate(&caller.actor, org, id, &input.name).await?)))
}

/// Remove a gate from a check-in list; a list keeps at least one (409). Its past scans stay counted.
#[utoipa::path(delete, path = "/api/v1/orgs/{org_id}/checkin-lists/{list_id}/gates/{gate_id}", tag = "check-in",
    params(("org_id" = OrgId, Path), ("list_id" = CheckinListId, Path), ("gate_id" = GateId, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn remove_gate(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id, gate)): ApiPath<(OrgId, CheckinListId, GateId)>,
) -> ApiResult<StatusCode> {
    s.app.remove_gate(&caller.actor, org, id, gate).await?;
    Ok(StatusCode::NO_CONTENT)
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
