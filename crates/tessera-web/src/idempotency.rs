//! `Idempotency-Key` on POST requests: the first request with a key runs and
//! its response (status and JSON body) is kept for 24 hours; a repeat with
//! the same method, path and body gets that response again (marked
//! `Idempotent-Replayed: true`), a repeat with anything different gets 422,
//! and a repeat while the first is still running gets 409. Keys are scoped
//! to the credentials that sent them (session, token, or none).

use crate::AppState;
use crate::error::ApiError;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use tessera_app::inventory::IdemClaim;

pub const HEADER: &str = "idempotency-key";

/// Put in a response's extensions by handlers whose response must not be
/// stored (it carries a secret that is shown once, like a new API token).
#[derive(Clone, Copy, Debug)]
pub struct DoNotStore;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn scope(req: &Request) -> String {
    let cred =
        req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(|v| format!("bearer:{v}")).or_else(
            || {
                req.headers()
                    .get_all(header::COOKIE)
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .flat_map(|v| v.split(';'))
                    .find_map(|kv| {
                        kv.trim()
                            .strip_prefix(&format!("{}=", crate::extract::SESSION_COOKIE))
                            .map(|v| format!("session:{v}"))
                    })
            },
        );
    match cred {
        // Hashed: the table must not hold credentials.
        Some(c) => hex(&Sha256::digest(c.as_bytes())),
        None => "anonymous".into(),
    }
}

pub async fn middleware(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let Some(key) = req.headers().get(HEADER).cloned() else {
        return next.run(req).await;
    };
    let key = match key.to_str() {
        Ok(k) if (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()) => k.to_string(),
        _ => {
            return ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_header",
                "Idempotency-Key must be 1-255 visible ASCII characters",
            )
            .field(HEADER, "1-255 visible ASCII characters")
            .into_response();
        }
    };
    let scope = scope(&req);
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, state.web.body_limit_bytes).await {
        Ok(b) => b,
        Err(_) => {
            return ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "the request body is too large")
                .into_response();
        }
    };
    let mut h = Sha256::new();
    h.update(parts.method.as_str().as_bytes());
    h.update(b" ");
    h.update(parts.uri.path().as_bytes());
    h.update(b"?");
    h.update(parts.uri.query().unwrap_or("").as_bytes());
    h.update(b"\n");
    h.update(&bytes);
    let request_hash = hex(&h.finalize());
    let app = &state.app;
    match app.idempotency_claim(&scope, &key, &request_hash).await {
        Err(e) => ApiError::from(e).into_response(),
        Ok(IdemClaim::Mismatch) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "this Idempotency-Key was used for a different request",
        )
        .field(HEADER, "already used for a different request")
        .into_response(),
        Ok(IdemClaim::InProgress) => ApiError::new(
            StatusCode::CONFLICT,
            "idempotency_in_progress",
            "a request with this Idempotency-Key is still being processed; retry shortly",
        )
        .field(HEADER, "in use by a request still running")
        .into_response(),
        Ok(IdemClaim::Replay { status, body }) => {
            let mut res = Response::new(Body::from(body));
            *res.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            res.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
            res
        }
        Ok(IdemClaim::Claimed) => {
            let res = next.run(Request::from_parts(parts, Body::from(bytes))).await;
            let retryable = res.status().is_server_error() || res.status() == StatusCode::TOO_MANY_REQUESTS;
            if retryable || res.extensions().get::<DoNotStore>().is_some() {
                if let Err(e) = app.idempotency_abandon(&scope, &key).await {
                    tracing::warn!(error = %e, "could not release an Idempotency-Key");
                }
                return res;
            }
            let (rparts, rbody) = res.into_parts();
            let body = match to_bytes(rbody, usize::MAX).await {
                Ok(b) => b,
                Err(e) => {
                    tracing::error!(error = %e, "could not buffer a response");
                    let _ = app.idempotency_abandon(&scope, &key).await;
                    return ApiError::new(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "internal",
                        "something went wrong on our side",
                    )
                    .into_response();
                }
            };
            let text = String::from_utf8_lossy(&body);
            if let Err(e) = app.idempotency_finish(&scope, &key, rparts.status.as_u16(), &text).await {
                tracing::warn!(error = %e, "could not store an idempotent response");
            }
            Response::from_parts(rparts, Body::from(body))
        }
    }
}
