//! Event images through the API: the body is the image itself (JPEG, PNG or
//! WebP, found from its bytes), resized and re-encoded like an upload on the
//! event's image page (see `ui::media`).

use super::*;
use crate::error::ApiError;
use crate::ui::media::{ImageProblem, ImageUrls, MAX_UPLOAD_BYTES, process_blocking};
use axum::body::Body;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use tessera_domain::{EventId, OrgId};

/// Set (or replace) the event's image. The body is the image file, sent as `image/jpeg`,
/// `image/png` or `image/webp` (or `application/octet-stream`): its format is found from its
/// bytes. It is refused unless it decodes, at most 10 MiB and 8000 pixels on a side (40
/// million in all); it is resized to 400, 800 and 1600 pixels wide (never enlarged) and
/// re-encoded as JPEG without its metadata. The answer says where the image is served:
/// stable URLs with the image's hash, cached for a year.
#[utoipa::path(put, path = "/api/v1/orgs/{org_id}/events/{event_id}/image", tag = "catalog",
    params(("org_id" = OrgId, Path), ("event_id" = EventId, Path)),
    request_body(description = "The image file", content(
        (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"), (Vec<u8> = "image/webp"), (Vec<u8> = "application/octet-stream"))),
    responses((status = 200, body = ImageUrls),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 413, description = "`payload_too_large`: more than 10 MiB", body = ErrorBody),
              (status = 415, description = "`unsupported_media_type`: not a JPEG, PNG or WebP image", body = ErrorBody),
              (status = 422, description = "`invalid`: the image cannot be decoded or has too many pixels", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn put_event_image(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, event)): ApiPath<(OrgId, EventId)>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Json<ImageUrls>> {
    let declared = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let mime = declared.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if !matches!(mime.as_str(), "image/jpeg" | "image/png" | "image/webp" | "application/octet-stream") {
        return Err(refused(ImageProblem::NotAnImage));
    }
    // Only a caller allowed to change the image gets its body read.
    s.app.may_set_event_image(&caller.actor, org, event).await?;
    let bytes = axum::body::to_bytes(body, MAX_UPLOAD_BYTES).await.map_err(|_| refused(ImageProblem::TooLarge))?;
    let processed = process_blocking(bytes.to_vec()).await.map_err(refused)?;
    let rec = s.app.set_event_image(&caller.actor, org, event, &processed.hash, &processed.variants).await?;
    let urls = ImageUrls::of(&rec).ok_or_else(|| ApiError::from(tessera_app::AppError::NotFound))?;
    Ok(Json(urls))
}

/// Remove the event's image.
#[utoipa::path(delete, path = "/api/v1/orgs/{org_id}/events/{event_id}/image", tag = "catalog",
    params(("org_id" = OrgId, Path), ("event_id" = EventId, Path)),
    responses((status = 204, description = "Removed"),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, description = "No such event, or it has no image", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn delete_event_image(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, event)): ApiPath<(OrgId, EventId)>,
) -> ApiResult<Response> {
    s.app.delete_event_image(&caller.actor, org, event).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn refused(problem: ImageProblem) -> ApiError {
    let code = match problem.status() {
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        _ => "invalid",
    };
    ApiError::new(problem.status(), code, problem.message()).field("body", problem.message())
}
