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
        .route("/pay/sandbox/{payment_id}", get(sandbox_page).post(sandbox_submit))
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// The sandbox provider's hosted payment page: test money only. A tester
/// chooses success, a decline, or a confirmation that arrives later.
async fn sandbox_page(State(s): State<AppState>, Path(id): Path<String>) -> Response {
    let (p, order) = match s.app.sandbox_payment(&id).await {
        Ok(found) => found,
        Err(AppError::NotFound) => {
            return html_page(StatusCode::NOT_FOUND, "Payment not found", "This test payment does not exist.");
        }
        Err(e) => return page_error(e),
    };
    let state = p.state.as_str();
    let form = if state == "open" {
        format!(
            "<form method=\"post\" action=\"/pay/sandbox/{id}\">\
             <fieldset><legend>Outcome</legend>\
             <p><label><input type=\"radio\" name=\"outcome\" value=\"success\" checked> Payment succeeds</label></p>\
             <p><label><input type=\"radio\" name=\"outcome\" value=\"decline\"> Card declined</label></p>\
             <p><label><input type=\"radio\" name=\"outcome\" value=\"delayed\"> Confirmation arrives later, after \
             <input type=\"number\" name=\"delay_secs\" value=\"60\" min=\"1\" max=\"86400\" aria-label=\"seconds\"> seconds</label></p>\
             </fieldset><p><button type=\"submit\">Pay {amount}</button></p></form>",
            id = esc(&p.id),
            amount = esc(&p.amount.to_string()),
        )
    } else {
        format!("<p>This payment is <strong>{}</strong>.</p>", esc(state))
    };
    let body = format!(
        "<p><strong>Test payment.</strong> No money moves; this page stands in for a payment provider.</p>\
         <p>Order {reference} &middot; {amount}</p>{form}<p><a href=\"/orders/{order}\">Back to the order</a></p>",
        reference = esc(&order.reference),
        amount = esc(&p.amount.to_string()),
        order = esc(&order.id.to_string()),
    );
    sandbox_html(StatusCode::OK, &body)
}

fn sandbox_html(status: StatusCode, body: &str) -> Response {
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Sandbox payment</title><style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#111}}\
         button{{font-size:1.1rem;padding:.5rem 1rem}}</style></head><body><main><h1>Sandbox payment</h1>{body}</main></body></html>"
    );
    let csp = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";
    (status, [(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp))], Html(page)).into_response()
}

#[derive(serde::Deserialize)]
struct SandboxForm {
    outcome: tessera_app::payments::SandboxOutcome,
    #[serde(default)]
    delay_secs: Option<i64>,
}

async fn sandbox_submit(State(s): State<AppState>, Path(id): Path<String>, body: axum::body::Bytes) -> Response {
    let form: SandboxForm = match serde_urlencoded_like(&body) {
        Some(f) => f,
        None => {
            return sandbox_html(
                StatusCode::UNPROCESSABLE_ENTITY,
                "<p role=\"alert\">Choose an outcome: success, decline or delayed.</p>",
            );
        }
    };
    match s.app.sandbox_complete(&id, form.outcome, form.delay_secs.unwrap_or(60)).await {
        Ok(()) => {
            let (state, order) = match s.app.sandbox_payment(&id).await {
                Ok((p, o)) => (p.state.as_str().to_string(), o),
                Err(e) => return page_error(e),
            };
            let msg = match form.outcome {
                tessera_app::payments::SandboxOutcome::Delayed => "The confirmation will arrive later.".to_string(),
                _ => format!("The payment is {}; the order is {}.", esc(&state), esc(order.state.as_str())),
            };
            sandbox_html(
                StatusCode::OK,
                &format!("<p role=\"status\">{msg}</p><p><a href=\"/orders/{}\">Back to the order</a></p>", order.id),
            )
        }
        Err(AppError::NotFound) => {
            html_page(StatusCode::NOT_FOUND, "Payment not found", "This test payment does not exist.")
        }
        Err(AppError::Invalid(v)) => {
            let msg = v.fields.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; ");
            sandbox_html(StatusCode::UNPROCESSABLE_ENTITY, &format!("<p role=\"alert\">{}</p>", esc(&msg)))
        }
        Err(AppError::StateConflict { message, .. }) => {
            sandbox_html(StatusCode::CONFLICT, &format!("<p role=\"alert\">{}</p>", esc(&message)))
        }
        Err(e) => page_error(e),
    }
}

/// Reads an `application/x-www-form-urlencoded` body into the form.
fn serde_urlencoded_like(body: &[u8]) -> Option<SandboxForm> {
    let mut map = serde_json::Map::new();
    for (k, v) in form_urlencoded::parse(body) {
        let value = if k == "delay_secs" {
            serde_json::Value::from(v.parse::<i64>().ok()?)
        } else {
            serde_json::Value::from(v.into_owned())
        };
        map.insert(k.into_owned(), value);
    }
    serde_json::from_value(serde_json::Value::Object(map)).ok()
}

fn html_page(status: StatusCode, title: &str, body: &str) -> Response {
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#111}}</style></head>\
         <body><main><h1>{title}</h1><p>{body}</p></main></body></html>"
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
