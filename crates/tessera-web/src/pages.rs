//! Pages outside the JSON API: a ticket's own page and its QR image, reached
//! by the unguessable link `/t/{ticket_id}/{token}` that the buyer gets with
//! the order. No session is needed: the link is the credential, like the
//! paper ticket it replaces.

use crate::AppState;
use crate::error::ApiError;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use tessera_app::AppError;
use tessera_domain::orders::TicketId;

/// Inline styles only: the pages carry no scripts at all.
const PAGE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/t/{ticket_id}/{token}", get(ticket_page))
        .route("/t/{ticket_id}/{token}/qr.svg", get(qr_svg))
        .route("/t/{ticket_id}/{token}/qr.png", get(qr_png))
}

fn html_page(status: StatusCode, title: &str, body: &str) -> Response {
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#111}}</style></head>\
         <body><h1>{title}</h1><p>{body}</p></body></html>"
    );
    (status, [(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PAGE_CSP))], Html(page)).into_response()
}

fn page_error(e: AppError) -> Response {
    match e {
        AppError::NotFound => {
            html_page(StatusCode::NOT_FOUND, "Ticket not found", "Check the link in your order confirmation.")
        }
        other => ApiError::from(other).into_response(),
    }
}

async fn code_for(s: &AppState, id: &str, token: &str) -> Result<String, Response> {
    let id: TicketId = id.parse().map_err(|_| page_error(AppError::NotFound))?;
    match s.app.ticket_by_link(id, token).await {
        Ok((_, Some(sheet))) => Ok(sheet.code),
        Ok((_, None)) => Err(page_error(AppError::NotFound)),
        Err(e) => Err(page_error(e)),
    }
}

async fn ticket_page(State(s): State<AppState>, Path((id, token)): Path<(String, String)>) -> Response {
    let Ok(ticket_id) = id.parse::<TicketId>() else { return page_error(AppError::NotFound) };
    match s.app.ticket_by_link(ticket_id, &token).await {
        Ok((_, Some(sheet))) => (
            [
                (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PAGE_CSP)),
                (header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
            ],
            Html(tessera_render::ticket_html(&sheet, None)),
        )
            .into_response(),
        Ok((t, None)) => {
            let why = match t.replaced_by {
                Some(_) => {
                    "This ticket was replaced by a new one (for example after a name change); use the new ticket."
                }
                None => "This ticket was cancelled or refunded and no longer admits anyone.",
            };
            html_page(StatusCode::GONE, "Ticket no longer valid", why)
        }
        Err(e) => page_error(e),
    }
}

async fn qr_svg(State(s): State<AppState>, Path((id, token)): Path<(String, String)>) -> Response {
    let code = match code_for(&s, &id, &token).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match tessera_render::qr_svg(&code) {
        Ok(svg) => ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "private, max-age=300")], svg)
            .into_response(),
        Err(e) => page_error(AppError::Internal(format!("QR: {e}"))),
    }
}

async fn qr_png(State(s): State<AppState>, Path((id, token)): Path<(String, String)>) -> Response {
    let code = match code_for(&s, &id, &token).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match tessera_render::qr_png(&code, 8) {
        Ok(png) => ([(header::CONTENT_TYPE, "image/png"), (header::CACHE_CONTROL, "private, max-age=300")], png)
            .into_response(),
        Err(e) => page_error(AppError::Internal(format!("QR: {e}"))),
    }
}
