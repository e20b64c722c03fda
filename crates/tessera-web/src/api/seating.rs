//! Seat maps on venues: import (JSON or CSV, by Content-Type), generation of
//! common shapes, the summary, and export for editing and re-import. The
//! formats are described in docs/seat-map-format.md.

use super::*;
use crate::error::ApiError;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use tessera_app::seating::{
    BlockSeats, EventSeatingView, GenerateMap, MAX_DOCUMENT_BYTES, MapFormat, SeatMapSummary, SeatStatuses,
    SetEventSeating,
};
use tessera_domain::{EventId, OrgId, VenueId};

fn format_of(headers: &HeaderMap) -> Result<MapFormat, ApiError> {
    let mime = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase());
    match mime.as_deref() {
        Some("application/json") => Ok(MapFormat::Json),
        Some("text/csv") => Ok(MapFormat::Csv),
        _ => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            crate::error::localized("errors-map-content-type", "send the seat map as application/json or text/csv"),
        )),
    }
}

/// Replace the venue's seat map with a JSON (`application/json`) or CSV (`text/csv`) document.
/// Every problem is reported, each named by its JSON path or CSV line and column; nothing is
/// changed unless the whole map is valid. Seats keep their ids when the document carries them,
/// or when the previous map had a seat with the same section, row and seat labels.
#[utoipa::path(put, path = "/api/v1/orgs/{org_id}/venues/{venue_id}/seat-map", tag = "seating",
    params(("org_id" = OrgId, Path), ("venue_id" = VenueId, Path)),
    request_body(description = "The map (docs/seat-map-format.md), up to 32 MiB",
                 content((SeatMapDocument = "application/json"), (String = "text/csv"))),
    responses((status = 200, body = SeatMapSummary), (status = 404, body = ErrorBody),
              (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn import_map(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, venue)): ApiPath<(OrgId, VenueId)>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Json<SeatMapSummary>> {
    let format = format_of(&headers)?;
    // Only a caller allowed to change the map gets its body read.
    s.app.may_import_seat_map(&caller.actor, org, venue).await?;
    let bytes = axum::body::to_bytes(body, MAX_DOCUMENT_BYTES).await.map_err(|_| {
        let key = tessera_domain::MessageKey::new("errors-map-too-large").num("mib", 32);
        let message = crate::error::localized_key(&key, "a seat map document is at most 32 MiB");
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", message)
    })?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let message = crate::error::localized("errors-map-not-utf8", "the seat map is not UTF-8 text");
        let key = tessera_domain::MessageKey::new("errors-map-not-utf8");
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
            .field("body", crate::error::localized_key(&key, e.to_string()))
    })?;
    Ok(Json(s.app.import_seat_map(&caller.actor, org, venue, format, text).await?))
}

/// Replace the venue's seat map with a generated one: a rectangular hall, curved rows, or a stadium.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/venues/{venue_id}/seat-map/generate", tag = "seating",
    params(("org_id" = OrgId, Path), ("venue_id" = VenueId, Path)),
    request_body = GenerateMap,
    responses((status = 200, body = SeatMapSummary), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn generate_map(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, venue)): ApiPath<(OrgId, VenueId)>,
    ApiJson(spec): ApiJson<GenerateMap>,
) -> ApiResult<Json<SeatMapSummary>> {
    Ok(Json(s.app.generate_seat_map(&caller.actor, org, venue, spec).await?))
}

/// What the venue's seat map holds: seats by section and by category, and standing areas.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/venues/{venue_id}/seat-map", tag = "seating",
    params(("org_id" = OrgId, Path), ("venue_id" = VenueId, Path)),
    responses((status = 200, body = SeatMapSummary), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn map_summary(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, venue)): ApiPath<(OrgId, VenueId)>,
) -> ApiResult<Json<SeatMapSummary>> {
    Ok(Json(s.app.seat_map_summary(&caller.actor, org, venue).await?))
}

/// A seat map in the JSON format of docs/seat-map-format.md (version 1), as
/// exported and imported. Only describes the document: the app layer reads
/// and writes it.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct SeatMapDocument {
    /// Always `tessera-seat-map`.
    #[schema(example = "tessera-seat-map")]
    pub format: String,
    /// The format's version: `1`.
    #[schema(minimum = 1)]
    pub version: i64,
    pub name: Option<String>,
    /// What the default ranking measures distance to.
    pub focal_point: Option<SeatMapPoint>,
    #[serde(default)]
    pub sections: Vec<SeatMapSection>,
    /// Standing areas.
    #[serde(default)]
    pub areas: Vec<SeatMapArea>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct SeatMapPoint {
    pub x: f64,
    pub y: f64,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct SeatMapSection {
    /// Unique in the map.
    pub label: String,
    /// Lower is offered first.
    pub priority: Option<i64>,
    /// Default category of the section's seats.
    pub category: Option<String>,
    /// Front to back.
    pub rows: Vec<SeatMapRow>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct SeatMapRow {
    /// Unique in the section.
    pub label: String,
    /// Default category of the row's seats.
    pub category: Option<String>,
    /// In physical order.
    pub seats: Vec<SeatMapSeat>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct SeatMapSeat {
    /// The seat's UUID; assigned at import when absent.
    pub id: Option<String>,
    /// Unique in the row.
    pub label: String,
    pub x: f64,
    pub y: f64,
    pub category: Option<String>,
    /// `wheelchair`, `companion`, `aisle`, `restricted_view`, ...
    pub flags: Option<Vec<String>>,
    /// Replaces the distance to the focal point in the default ranking.
    pub rank: Option<f64>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct SeatMapArea {
    /// The area's UUID; assigned at import when absent.
    pub id: Option<String>,
    /// Unique among areas.
    pub name: String,
    #[schema(minimum = 1)]
    pub capacity: i64,
    pub category: String,
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `json` (default) or `csv`.
    #[param(pattern = "^(json|csv)$")]
    pub format: Option<String>,
}

/// The venue's seat map as a document with seat ids, to edit and import again.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/venues/{venue_id}/seat-map/export", tag = "seating",
    params(("org_id" = OrgId, Path), ("venue_id" = VenueId, Path), ExportQuery),
    responses((status = 200, description = "The map: a JSON document, or CSV with `format=csv`",
               content((SeatMapDocument = "application/json"), (String = "text/csv"))),
              (status = 404, body = ErrorBody), (status = 400, description = "`bad_request`: format must be json or csv", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn export_map(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, venue)): ApiPath<(OrgId, VenueId)>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> ApiResult<Response> {
    let (format, mime) = match q.format.as_deref() {
        None | Some("json") => (MapFormat::Json, "application/json"),
        Some("csv") => (MapFormat::Csv, "text/csv; charset=utf-8"),
        Some(_) => {
            let message = crate::error::localized("errors-map-export-format", "format must be json or csv");
            let said = crate::error::localized("errors-map-export-format", "must be json or csv");
            return Err(ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message).field("format", said));
        }
    };
    let doc = s.app.export_seat_map(&caller.actor, org, venue, format).await?;
    Ok(([(header::CONTENT_TYPE, HeaderValue::from_static(mime))], doc).into_response())
}

/// Sell an event by seat: copy its venue's seat map and map each seat category (price zone) to a
/// ticket type of the event. Refused with 409 once any seat is held, sold or blocked.
#[utoipa::path(put, path = "/api/v1/orgs/{org_id}/events/{event_id}/seating", tag = "seating",
    params(("org_id" = OrgId, Path), ("event_id" = EventId, Path)),
    request_body = SetEventSeating,
    responses((status = 200, body = EventSeatingView), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn set_event_seating(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, event)): ApiPath<(OrgId, EventId)>,
    ApiJson(input): ApiJson<SetEventSeating>,
) -> ApiResult<Json<EventSeatingView>> {
    Ok(Json(s.app.set_event_seating(&caller.actor, org, event, input).await?))
}

/// An event's seating: zones, seats by status, and who holds which seat.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/events/{event_id}/seating", tag = "seating",
    params(("org_id" = OrgId, Path), ("event_id" = EventId, Path)),
    responses((status = 200, body = EventSeatingView), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn event_seating(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, event)): ApiPath<(OrgId, EventId)>,
) -> ApiResult<Json<EventSeatingView>> {
    Ok(Json(s.app.event_seating(&caller.actor, org, event).await?))
}

/// A seated event's seat map (docs/seat-map-format.md, with seat ids), to pick seats from.
#[utoipa::path(get, path = "/api/v1/events/{event_id}/seat-map", tag = "public",
    params(("event_id" = EventId, Path)),
    responses((status = 200, description = "The seat map", body = SeatMapDocument),
              (status = 404, body = ErrorBody)))]
pub async fn public_seat_map(State(s): State<AppState>, ApiPath(event): ApiPath<EventId>) -> ApiResult<Response> {
    let doc = s.app.public_seat_map(event).await?;
    Ok(([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], doc).into_response())
}

/// A seated event's seat statuses now, one character per seat in the map's order.
#[utoipa::path(get, path = "/api/v1/events/{event_id}/seats", tag = "public",
    params(("event_id" = EventId, Path)),
    responses((status = 200, body = SeatStatuses), (status = 404, body = ErrorBody)))]
pub async fn public_seats(
    State(s): State<AppState>,
    ApiPath(event): ApiPath<EventId>,
) -> ApiResult<Json<SeatStatuses>> {
    Ok(Json(s.app.public_seat_statuses(event).await?))
}

/// Block seats (kept back from sale) or release them again; all or nothing, every problem named.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/events/{event_id}/seating/block", tag = "seating",
    params(("org_id" = OrgId, Path), ("event_id" = EventId, Path)),
    request_body = BlockSeats,
    responses((status = 200, body = EventSeatingView), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn block_seats(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, event)): ApiPath<(OrgId, EventId)>,
    ApiJson(input): ApiJson<BlockSeats>,
) -> ApiResult<Json<EventSeatingView>> {
    Ok(Json(s.app.block_seats(&caller.actor, org, event, input).await?))
}
