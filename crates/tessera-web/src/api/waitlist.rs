//! Waitlists: an event's settings, buyers joining a sold-out ticket type's
//! waitlist, their entry (position, offer) and leaving it, the organizer's
//! list and removal.

use super::*;
use axum::http::HeaderMap;
use tessera_app::waitlist::{JoinWaitlist, JoinedWaitlist, WaitlistEntryView, WaitlistSettings};
use tessera_domain::{EventId, OrgId};

/// The secret of a waitlist entry (the last part of its page, `/waitlist/{id}/{secret}`).
pub const WAITLIST_TOKEN: &str = "x-waitlist-token";

fn waitlist_token(headers: &HeaderMap) -> Option<String> {
    headers.get(WAITLIST_TOKEN).and_then(|v| v.to_str().ok()).map(str::to_string)
}

/// An event's waitlist settings (off until set).
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/events/{event_id}/waitlist-settings", tag = "waitlist",
    params(("org_id" = OrgId, Path), ("event_id" = EventId, Path)),
    responses((status = 200, body = WaitlistSettings), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn get_waitlist_settings(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, event)): ApiPath<(OrgId, EventId)>,
) -> ApiResult<Json<WaitlistSettings>> {
    Ok(Json(s.app.waitlist_settings(&caller.actor, org, event).await?))
}

/// Switch an event's waitlist on or off and set how long an offer holds its tickets.
#[utoipa::path(put, path = "/api/v1/orgs/{org_id}/events/{event_id}/waitlist-settings", tag = "waitlist",
    params(("org_id" = OrgId, Path), ("event_id" = EventId, Path)), request_body = WaitlistSettings,
    responses((status = 200, body = WaitlistSettings), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, description = "`invalid_input`: `offer_minutes` out of 5 to 10080", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn put_waitlist_settings(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, event)): ApiPath<(OrgId, EventId)>,
    ApiJson(input): ApiJson<WaitlistSettings>,
) -> ApiResult<Json<WaitlistSettings>> {
    Ok(Json(s.app.set_waitlist_settings(&caller.actor, org, event, input).await?))
}

/// Join the waitlist of a sold-out ticket type, as a guest (`email` required) or signed in.
/// Freed tickets are offered in order of joining: the offer holds them for the buyer and
/// is e-mailed with the link to pay. One live entry per buyer and ticket type.
#[utoipa::path(post, path = "/api/v1/events/{event_id}/waitlist", tag = "waitlist",
    params(("event_id" = EventId, Path)), request_body = JoinWaitlist,
    responses((status = 201, body = JoinedWaitlist), (status = 404, body = ErrorBody),
              (status = 409, description = "`conflict` on `ticket_type_id` (already on this waitlist), `waitlist_closed` (the event has no waitlist)", body = ErrorBody),
              (status = 422, description = "`invalid_input`: `ticket_type_id`, `quantity`, `email`, `name`, `locale`; `not_sold_out` (tickets of this type are on sale)", body = ErrorBody)),
    security((), ("session" = [])))]
pub async fn join_waitlist(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(event): ApiPath<EventId>,
    ApiJson(mut input): ApiJson<JoinWaitlist>,
) -> ApiResult<(StatusCode, Json<JoinedWaitlist>)> {
    if input.locale.is_none() {
        input.locale = headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split([',', ';']).next())
            .map(|t| tessera_mail::Locale::from_tag(t.trim()).tag().to_string());
    }
    let joined = s.app.join_waitlist(&caller.actor, event, input).await?;
    Ok((StatusCode::CREATED, Json(joined)))
}

/// A waitlist entry for its buyer (`X-Waitlist-Token`, or signed in): state, position, open offer.
#[utoipa::path(get, path = "/api/v1/waitlist/{entry_id}", tag = "waitlist",
    params(("entry_id" = String, Path), ("X-Waitlist-Token" = Option<String>, Header)),
    responses((status = 200, body = WaitlistEntryView), (status = 404, body = ErrorBody)),
    security((), ("session" = [])))]
pub async fn get_waitlist_entry(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<WaitlistEntryView>> {
    Ok(Json(s.app.waitlist_entry(&caller.actor, &id, waitlist_token(&headers).as_deref()).await?))
}

/// Leave the waitlist; an open offer is given up (its tickets go to the next in line).
#[utoipa::path(post, path = "/api/v1/waitlist/{entry_id}/leave", tag = "waitlist",
    params(("entry_id" = String, Path), ("X-Waitlist-Token" = Option<String>, Header)),
    responses((status = 200, body = WaitlistEntryView), (status = 404, body = ErrorBody),
              (status = 409, description = "`waitlist_entry_ended`: accepted, lapsed, left, removed or skipped already", body = ErrorBody)),
    security((), ("session" = [])))]
pub async fn leave_waitlist(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<WaitlistEntryView>> {
    Ok(Json(s.app.leave_waitlist(&caller.actor, &id, waitlist_token(&headers).as_deref()).await?))
}

/// The signed-in buyer's waitlist entries, newest first.
#[utoipa::path(get, path = "/api/v1/me/waitlist", tag = "waitlist",
    responses((status = 200, body = Vec<WaitlistEntryView>), (status = 401, body = ErrorBody),
              (status = 403, description = "an API token has no waitlist entries of its own", body = ErrorBody)),
    security(("session" = [])))]
pub async fn my_waitlist(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<WaitlistEntryView>>> {
    Ok(Json(s.app.my_waitlist(&caller.actor).await?))
}

/// An event's waitlist: live entries in order of joining, then ended ones, newest first.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/events/{event_id}/waitlist", tag = "waitlist",
    params(("org_id" = OrgId, Path), ("event_id" = EventId, Path)),
    responses((status = 200, body = Vec<WaitlistEntryView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn event_waitlist(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, event)): ApiPath<(OrgId, EventId)>,
) -> ApiResult<Json<Vec<WaitlistEntryView>>> {
    Ok(Json(s.app.event_waitlist(&caller.actor, org, event).await?))
}

/// Take an entry off the waitlist; an open offer is given up (its tickets go to the next in line).
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/events/{event_id}/waitlist/{entry_id}/remove", tag = "waitlist",
    params(("org_id" = OrgId, Path), ("event_id" = EventId, Path), ("entry_id" = String, Path)),
    responses((status = 200, body = WaitlistEntryView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "`waitlist_entry_ended`", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn remove_waitlist_entry(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, event, id)): ApiPath<(OrgId, EventId, String)>,
) -> ApiResult<Json<WaitlistEntryView>> {
    Ok(Json(s.app.remove_waitlist_entry(&caller.actor, org, event, &id).await?))
}
