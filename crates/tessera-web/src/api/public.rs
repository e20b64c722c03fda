//! The public catalog: no account needed.

use super::*;
use crate::extract::ClientIp;
use tessera_app::catalog::{EventDetail, EventPage, EventQuery};
use tessera_domain::EventId;

/// Published events, soonest first, with search, filters and cursor pagination.
#[utoipa::path(get, path = "/api/v1/events", tag = "public", params(EventQuery),
    responses((status = 200, body = EventPage), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_events(State(s): State<AppState>, ApiQuery(q): ApiQuery<EventQuery>) -> ApiResult<Json<EventPage>> {
    Ok(Json(s.app.public_events(&q).await?))
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CodeQuery {
    /// Shows hidden ticket types unlocked by this access code.
    pub code: Option<String>,
}

/// One event with its public ticket types and live availability.
#[utoipa::path(get, path = "/api/v1/events/{event_id}", tag = "public",
    params(("event_id" = EventId, Path), CodeQuery),
    responses((status = 200, body = EventDetail), (status = 404, body = ErrorBody),
              (status = 429, description = "Too many wrong access codes from this client; see Retry-After", body = ErrorBody)))]
pub async fn get_event(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<EventId>,
    ApiQuery(q): ApiQuery<CodeQuery>,
) -> ApiResult<Json<EventDetail>> {
    Ok(Json(s.app.public_event_from(&ip, id, q.code.as_deref()).await?))
}
