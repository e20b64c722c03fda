//! Series: an event repeating by a rule, whose occurrences are events.
//! Organizers make, change ("from a date on") and publish a series and
//! remove an unsold occurrence; anyone reads a published series and its
//! occurrences. One occurrence is edited, cancelled (with its refunds) and
//! sold as the event it is, through the event endpoints; its calendar file
//! is `/events/{event_id}/calendar.ics`.

use super::*;
use tessera_app::series::{OccurrencePage, OccurrenceQuery, SeriesView};
use tessera_domain::series::{NewSeries, Series, SeriesPatch};
use tessera_domain::{EventId, OrgId, SeriesId};

/// The organization's series, newest first.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/series", tag = "series", params(("org_id" = OrgId, Path)),
    responses((status = 200, body = Vec<Series>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn list_series(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
) -> ApiResult<Json<Vec<Series>>> {
    Ok(Json(s.app.org_series(&caller.actor, org).await?))
}

/// Create a series (as a draft) with all its occurrences: one event per date of the rule and
/// time of `times`, each with one capacity shared by the template's ticket types. Nothing is
/// written when the rule gives more than 10,000 occurrences or none.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/series", tag = "series", params(("org_id" = OrgId, Path)),
    request_body = NewSeries,
    responses((status = 201, body = SeriesView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, description = "`invalid_input`, naming the field: `rrule` (outside the subset, more than 10,000 occurrences, or none), `first_date`, `times`, `exdates[i]`, `rdates[i]`, `venue_id`, `ticket_types[i].name`, ...", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn create_series(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
    ApiJson(input): ApiJson<NewSeries>,
) -> ApiResult<(StatusCode, Json<SeriesView>)> {
    Ok((StatusCode::CREATED, Json(s.app.create_series(&caller.actor, org, input).await?)))
}

#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/series/{series_id}", tag = "series",
    params(("org_id" = OrgId, Path), ("series_id" = SeriesId, Path)),
    responses((status = 200, body = SeriesView), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn get_series(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, SeriesId)>,
) -> ApiResult<Json<SeriesView>> {
    Ok(Json(s.app.series(&caller.actor, org, id).await?))
}

/// Change a series and its occurrences from `from` on ("this and all future"; one occurrence
/// alone is changed through its event). Occurrences the new rule no longer gives are removed,
/// new ones made, kept ones take the new title, description, length, capacity and prices
/// (sold tickets keep their price). Refused as a whole, with nothing changed, when it would
/// remove an occurrence with orders or move the end of one.
#[utoipa::path(patch, path = "/api/v1/orgs/{org_id}/series/{series_id}", tag = "series",
    params(("org_id" = OrgId, Path), ("series_id" = SeriesId, Path)), request_body = SeriesPatch,
    responses((status = 200, body = SeriesView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "`conflict` naming `rrule` (an occurrence to remove has orders: cancel it instead), `duration_minutes` (an occurrence with orders would end at another time) or `series` (changed meanwhile)", body = ErrorBody),
              (status = 422, description = "`invalid_input`, naming the field (`rrule`, `times`, `from`, `capacity` below what is sold and held, ...)", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn update_series(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, SeriesId)>,
    ApiJson(p): ApiJson<SeriesPatch>,
) -> ApiResult<Json<SeriesView>> {
    Ok(Json(s.app.update_series(&caller.actor, org, id, p).await?))
}

/// Publish a series: it and its draft occurrences become public; each occurrence gets the
/// check-in list "All tickets" with the gate "Main entrance", as a published event does.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/series/{series_id}/publish", tag = "series",
    params(("org_id" = OrgId, Path), ("series_id" = SeriesId, Path)),
    responses((status = 200, body = SeriesView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "`conflict`: published already", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn publish_series(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, SeriesId)>,
) -> ApiResult<Json<SeriesView>> {
    Ok(Json(s.app.publish_series(&caller.actor, org, id).await?))
}

/// A page of the series' occurrences, drafts included, soonest first, with their figures.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/series/{series_id}/occurrences", tag = "series",
    params(("org_id" = OrgId, Path), ("series_id" = SeriesId, Path), OccurrenceQuery),
    responses((status = 200, body = OccurrencePage), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, description = "`invalid_input`: `limit`, `to` before `from`, a cursor this server did not issue", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn list_occurrences(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, SeriesId)>,
    ApiQuery(q): ApiQuery<OccurrenceQuery>,
) -> ApiResult<Json<OccurrencePage>> {
    Ok(Json(s.app.series_occurrences(&caller.actor, org, id, &q).await?))
}

/// Remove one occurrence that has no orders (the rule will not bring it back). One with
/// orders can only be cancelled (`POST .../events/{event_id}/cancel`, which refunds them).
#[utoipa::path(delete, path = "/api/v1/orgs/{org_id}/series/{series_id}/occurrences/{event_id}", tag = "series",
    params(("org_id" = OrgId, Path), ("series_id" = SeriesId, Path), ("event_id" = EventId, Path)),
    responses((status = 204, description = "Removed"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "`conflict` naming `occurrence`: it has orders, cancel it instead; or `series`: changed meanwhile", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn remove_occurrence(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id, event)): ApiPath<(OrgId, SeriesId, EventId)>,
) -> ApiResult<StatusCode> {
    s.app.remove_occurrence(&caller.actor, org, id, event).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A published series.
#[utoipa::path(get, path = "/api/v1/series/{series_id}", tag = "series",
    params(("series_id" = SeriesId, Path)),
    responses((status = 200, body = SeriesView), (status = 404, body = ErrorBody)))]
pub async fn get_public_series(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<SeriesId>,
) -> ApiResult<Json<SeriesView>> {
    Ok(Json(s.app.public_series(id).await?))
}

/// A page of a published series' occurrences (not drafts), soonest first; each is an event
/// (`/api/v1/events/{id}`) with its ticket types.
#[utoipa::path(get, path = "/api/v1/series/{series_id}/occurrences", tag = "series",
    params(("series_id" = SeriesId, Path), OccurrenceQuery),
    responses((status = 200, body = OccurrencePage), (status = 404, body = ErrorBody),
              (status = 422, description = "`invalid_input`: `limit`, `to` before `from`, a cursor this server did not issue", body = ErrorBody)))]
pub async fn list_public_occurrences(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<SeriesId>,
    ApiQuery(q): ApiQuery<OccurrenceQuery>,
) -> ApiResult<Json<OccurrencePage>> {
    Ok(Json(s.app.public_series_occurrences(id, &q).await?))
}
