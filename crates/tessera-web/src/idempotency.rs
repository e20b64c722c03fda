//! `Idempotency-Key` on POST requests (ARCHITECTURE.md, "Idempotency
//! across crashes and processes"). The first request with a key runs and
//! its successful (2xx) response is kept for 24 hours; a repeat with the same
//! method, path and body gets that response again (marked
//! `Idempotent-Replayed: true`), a repeat with anything different gets 422,
//! and a repeat while the first is still running on a live process gets 409
//! with `Retry-After`. A refused or failed request (4xx, 5xx) is not kept,
//! so a corrected retry runs. Keys are scoped to the credentials that sent
//! them (session, token, an order's access token, or none); a key sent
//! without credentials is the only thing tying a retry to its first request,
//! so it must be long enough to be unguessable.

use crate::AppState;
use crate::error::ApiError;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use tessera_app::idempotency::Claim;

pub const HEADER: &str = "idempotency-key";

/// The shortest key accepted without credentials: a random UUID has 36
/// characters; 16 random characters are already beyond guessing.
pub const MIN_ANONYMOUS_KEY_LEN: usize = 16;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The credentials that sent a request, if any.
fn scope(req: &Request) -> Option<String> {
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
    // An order's access token scopes its buyer's requests on that order.
    let cred = cred.or_else(|| {
        req.headers().get(crate::api::orders::ORDER_TOKEN).and_then(|v| v.to_str().ok()).map(|v| format!("order:{v}"))
    });
    // So does a transfer's accept-link secret, its recipient's.
    let cred = cred.or_else(|| {
        req.headers()
            .get(crate::api::transfers::TRANSFER_TOKEN)
            .and_then(|v| v.to_str().ok())
            .map(|v| format!("transfer:{v}"))
    });
    // So does a waitlist entry's secret, its buyer's.
    let cred = cred.or_else(|| {
        req.headers()
            .get(crate::api::waitlist::WAITLIST_TOKEN)
            .and_then(|v| v.to_str().ok())
            .map(|v| format!("waitlist:{v}"))
    });
    // The app hashes it: the table never holds credentials.
    cred
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
    if scope.is_none() && key.len() < MIN_ANONYMOUS_KEY_LEN {
        return ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_header",
            "without credentials, an Idempotency-Key must have at least 16 characters; use a random UUID",
        )
        .field(HEADER, "at least 16 characters (a random UUID) when sent without credentials")
        .into_response();
    }
    let scope = scope.unwrap_or_else(|| "anonymous".into());
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
    let req = app.idempotency_request(&scope, &key, &request_hash);
    let guard = match app.idempotency_claim(req).await {
        Err(e) => return ApiError::from(e).into_response(),
        Ok(Claim::Mismatch) => {
            return ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "this Idempotency-Key was used for a different request",
            )
            .field(HEADER, "already used for a different request")
            .into_response();
        }
        Ok(Claim::InProgress { retry_after_secs }) => {
            return ApiError::idempotency_in_progress(retry_after_secs).into_response();
        }
        Ok(Claim::Replay { status, body }) => {
            let mut res = Response::new(Body::from(body));
            *res.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            res.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
            return res;
        }
        Ok(Claim::Run(guard)) => guard,
    };
    let run = next.run(Request::from_parts(parts, Body::from(bytes)));
    let res = tessera_app::idempotency::run(guard.request(), run).await;
    // Only successes are kept: a refused or failed request changed nothing
    // (inventory operations store their own answer with their effect), and
    // its corrected retry must run.
    if !res.status().is_success() {
        if let Err(e) = guard.abandon().await {
            tracing::warn!(error = %e, "could not release an Idempotency-Key");
        }
        return res;
    }
    let (rparts, rbody) = res.into_parts();
    let body = match to_bytes(rbody, usize::MAX).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "could not buffer a response");
            let _ = guard.abandon().await;
            return ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "something went wrong on our side")
                .into_response();
        }
    };
    if let Err(e) = guard.finish(rparts.status.as_u16(), &body).await {
        tracing::warn!(error = %e, "could not store an idempotent response");
    }
    Response::from_parts(rparts, Body::from(body))
}
