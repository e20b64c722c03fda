//! Organizer catalog: venues, events, ticket types, quotas.

use super::*;
use tessera_app::catalog::{EventPage, EventQuery};
use tessera_domain::catalog::{
    Event, EventAction, EventPatch, NewEvent, NewQuota, NewTicketType, NewVenue, Quota, QuotaPatch, TicketType,
    TicketTypePatch, Venue, VenuePatch,
};
use tessera_domain::{EventId, OrgId, QuotaId, TicketTypeId, VenueId};

/// Venues of the organization.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/venues", tag = "catalog", params(("org_id" = OrgId, Path)),
    responses((status = 200, body = Vec<Venue>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn list_venues(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
) -> ApiResult<Json<Vec<Venue>>> {
    Ok(Json(s.app.venues(&caller.actor, org).await?))
}

#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/venues", tag = "catalog", params(("org_id" = OrgId, Path)),
    request_body = NewVenue,
    responses((status = 201, body = Venue), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn create_venue(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
    ApiJson(v): ApiJson<NewVenue>,
) -> ApiResult<(StatusCode, Json<Venue>)> {
    Ok((StatusCode::CREATED, Json(s.app.create_venue(&caller.actor, org, v).await?)))
}

#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/venues/{venue_id}", tag = "catalog",
    params(("org_id" = OrgId, Path), ("venue_id" = VenueId, Path)),
    responses((status = 200, body = Venue), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn get_venue(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, VenueId)>,
) -> ApiResult<Json<Venue>> {
    Ok(Json(s.app.venue(&caller.actor, org, id).await?))
}

#[utoipa::path(patch, path = "/api/v1/orgs/{org_id}/venues/{venue_id}", tag = "catalog",
    params(("org_id" = OrgId, Path), ("venue_id" = VenueId, Path)), request_body = VenuePatch,
    responses((status = 200, body = Venue), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn update_venue(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, VenueId)>,
    ApiJson(p): ApiJson<VenuePatch>,
) -> ApiResult<Json<Venue>> {
    Ok(Json(s.app.update_venue(&caller.actor, org, id, p).await?))
}

/// All the organization's events, drafts included.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/events", tag = "catalog", params(("org_id" = OrgId, Path), EventQuery),
    responses((status = 200, body = EventPage), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, description = "`invalid_input`: a cursor this server did not issue, `to` before `from`", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn list_org_events(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
    ApiQuery(q): ApiQuery<EventQuery>,
) -> ApiResult<Json<EventPage>> {
    Ok(Json(s.app.org_events(&caller.actor, org, &q).await?))
}

/// Create an event (as a draft).
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/events", tag = "catalog", params(("org_id" = OrgId, Path)),
    request_body = NewEvent,
    responses((status = 201, body = Event), (status = 422, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn create_event(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
    ApiJson(e): ApiJson<NewEvent>,
) -> ApiResult<(StatusCode, Json<Event>)> {
    Ok((StatusCode::CREATED, Json(s.app.create_event(&caller.actor, org, e).await?)))
}

#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/events/{event_id}", tag = "catalog",
    params(("org_id" = OrgId, Path), ("event_id" = EventId, Path)),
    responses((status = 200, body = Event), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn get_org_event(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, EventId)>,
) -> ApiResult<Json<Event>> {
    Ok(Json(s.app.event(&caller.actor, org, id).await?))
}

#[utoipa::path(patch, path = "/api/v1/orgs/{org_id}/events/{event_id}", tag = "catalog",
    params(("org_id" = OrgId, Path), ("event_id" = EventId, Path)), request_body = EventPatch,
    responses((status = 200, body = Event), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn update_event(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, EventId)>,
    ApiJson(p): ApiJson<EventPatch>,
) -> ApiResult<Json<Event>> {
    Ok(Json(s.app.update_event(&caller.actor, org, id, p).await?))
}

/// Publish a draft event: it becomes public and its sales window applies. An event with no
/// check-in list gets one in the same step, "All tickets" (every ticket type, one entry per
/// ticket) with one gate, "Main entrance", so its tickets can be scanned at once.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/events/{event_id}/publish", tag = "catalog",
    params(("org_id" = OrgId, Path), ("event_id" = EventId, Path)),
    responses((status = 200, body = Event), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn publish_event(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, EventId)>,
) -> ApiResult<Json<Event>> {
    Ok(Json(s.app.event_action(&caller.actor, org, id, EventAction::Publish).await?))
}

/// Cancel a draft or published event.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/events/{event_id}/cancel", tag = "catalog",
    params(("org_id" = OrgId, Path), ("event_id" = EventId, Path)),
    responses((status = 200, body = Event), (status = 409, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn cancel_event(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, EventId)>,
) -> ApiResult<Json<Event>> {
    Ok(Json(s.app.event_action(&caller.actor, org, id, EventAction::Cancel).await?))
}

/// Mark a published event as ended.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/events/{event_id}/end", tag = "catalog",
    params(("org_id" = OrgId, Path), ("event_id" = EventId, Path)),
    responses((status = 200, body = Event), (status = 409, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn end_event(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, EventId)>,
) -> ApiResult<Json<Event>> {
    Ok(Json(s.app.event_action(&caller.actor, org, id, EventAction::End).await?))
}

#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/events/{event_id}/ticket-types", tag = "catalog",
    params(("org_id" = OrgId, Path), ("event_id" = EventId, Path)),
    responses((status = 200, body = Vec<TicketType>), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn list_ticket_types(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, EventId)>,
) -> ApiResult<Json<Vec<TicketType>>> {
    Ok(Json(s.app.ticket_types(&caller.actor, org, id).await?))
}

#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/events/{event_id}/ticket-types", tag = "catalog",
    params(("org_id" = OrgId, Path), ("event_id" = EventId, Path)), request_body = NewTicketType,
    responses((status = 201, body = TicketType), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn create_ticket_type(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, EventId)>,
    ApiJson(t): ApiJson<NewTicketType>,
) -> ApiResult<(StatusCode, Json<TicketType>)> {
    Ok((StatusCode::CREATED, Json(s.app.create_ticket_type(&caller.actor, org, id, t).await?)))
}

#[utoipa::path(patch, path = "/api/v1/orgs/{org_id}/ticket-types/{ticket_type_id}", tag = "catalog",
    params(("org_id" = OrgId, Path), ("ticket_type_id" = TicketTypeId, Path)), request_body = TicketTypePatch,
    responses((status = 200, body = TicketType), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn update_ticket_type(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, TicketTypeId)>,
    ApiJson(p): ApiJson<TicketTypePatch>,
) -> ApiResult<Json<TicketType>> {
    Ok(Json(s.app.update_ticket_type(&caller.actor, org, id, p).await?))
}

#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/events/{event_id}/quotas", tag = "catalog",
    params(("org_id" = OrgId, Path), ("event_id" = EventId, Path)),
    responses((status = 200, body = Vec<Quota>), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn list_quotas(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, EventId)>,
) -> ApiResult<Json<Vec<Quota>>> {
    Ok(Json(s.app.quotas(&caller.actor, org, id).await?))
}

#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/events/{event_id}/quotas", tag = "catalog",
    params(("org_id" = OrgId, Path), ("event_id" = EventId, Path)), request_body = NewQuota,
    responses((status = 201, body = Quota), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn create_quota(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, EventId)>,
    ApiJson(q): ApiJson<NewQuota>,
) -> ApiResult<(StatusCode, Json<Quota>)> {
    Ok((StatusCode::CREATED, Json(s.app.create_quota(&caller.actor, org, id, q).await?)))
}

/// Change a quota; its capacity cannot drop below what is sold and held.
#[utoipa::path(patch, path = "/api/v1/orgs/{org_id}/quotas/{quota_id}", tag = "catalog",
    params(("org_id" = OrgId, Path), ("quota_id" = QuotaId, Path)), request_body = QuotaPatch,
    responses((status = 200, body = Quota), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn update_quota(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, QuotaId)>,
    ApiJson(p): ApiJson<QuotaPatch>,
) -> ApiResult<Json<Quota>> {
    Ok(Json(s.app.update_quota(&caller.actor, org, id, p).await?))
}
