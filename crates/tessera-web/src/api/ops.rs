//! Operations: liveness, readiness, metrics, and the API's own description.

use super::*;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: &'static str,
}

/// Liveness: the process is up and serving.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// Readiness: the database answers.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, body = Health), (status = 503, description = "`unavailable`: the database does not answer", body = ErrorBody)))]
pub async fn readyz(State(s): State<AppState>) -> Response {
    match s.app.store.ping().await {
        Ok(()) => Json(Health { status: "ready" }).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            crate::error::ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "the database does not answer")
                .into_response()
        }
    }
}

/// Prometheus metrics in the text exposition format.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain")))]
pub async fn metrics(State(s): State<AppState>) -> Response {
    let text = s.metrics.render(&s.app.store.pool_stats());
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text).into_response()
}

/// This API's OpenAPI 3.1 document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations",
    responses((status = 200, description = "OpenAPI document", content_type = "application/json")))]
pub async fn openapi_json(State(s): State<AppState>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], s.openapi_json.as_ref().clone()).into_response()
}

/// A browsable API reference, rendered on the server from the OpenAPI document; needs no network. Its
/// headings and labels are in the language of `Accept-Language` (English or Simplified Chinese).
#[utoipa::path(get, path = "/api/v1/docs", tag = "operations",
    responses((status = 200, description = "HTML page", content_type = "text/html")))]
pub async fn docs(State(s): State<AppState>) -> Response {
    // In the language of Accept-Language: the page's words, not the API's.
    let lang = crate::error::locale();
    let mut res = Html(s.docs_html.get(lang).to_string()).into_response();
    res.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"),
    );
    if let Ok(tag) = header::HeaderValue::from_str(lang.tag()) {
        res.headers_mut().insert(header::CONTENT_LANGUAGE, tag);
    }
    res.headers_mut().insert(header::VARY, header::HeaderValue::from_static("accept-language"));
    res
}
