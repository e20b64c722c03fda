//! Pages outside the JSON API: a ticket's own page and its QR image, reached
//! by the unguessable link `/t/{ticket_id}/{token}` that the buyer gets with
//! the order, and the sandbox provider's payment page. No session is
//! needed: the link is the credential, like the paper ticket it replaces.
//! The ticket page itself comes from `tessera-render` (the same sheet as
//! the PDF); the rest are templates on the shell.

use crate::AppState;
use crate::error::ApiError;
use crate::ui::shell::{self, Shell, Text, render, t, t_args};
use crate::ui::{Extras, money};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
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

struct SandboxOrder {
    id: String,
    reference: String,
    amount: String,
}

/// The sandbox provider's hosted payment page (a template on the shell).
#[derive(askama::Template)]
#[template(path = "storefront/sandbox.html")]
struct Sandbox {
    shell: Shell,
    payment_id: String,
    order: Option<SandboxOrder>,
    open: bool,
    message: Option<String>,
    failed: bool,
    /// Where the buyer goes on after paying: the order's confirmation.
    next: Option<String>,
}

fn sandbox_response(status: StatusCode, page: Sandbox) -> Response {
    let mut res = render(status, &page, &[]);
    // Not a page to keep in a shared cache or show in another site's frame.
    res.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    res
}

fn sandbox_message(status: StatusCode, message: String) -> Response {
    let page = Sandbox {
        shell: Shell::new(t("storefront-sandbox-title"), &Extras::default()),
        payment_id: String::new(),
        order: None,
        open: false,
        message: Some(message),
        failed: true,
        next: None,
    };
    sandbox_response(status, page)
}

fn sandbox_missing() -> Response {
    shell::message(StatusCode::NOT_FOUND, "storefront-sandbox-not-found", vec![t("storefront-sandbox-missing")], None)
}

/// The sandbox provider's hosted payment page: test money only. A tester
/// chooses success, a decline, or a confirmation that arrives later.
async fn sandbox_page(State(s): State<AppState>, Path(id): Path<String>) -> Response {
    let (p, order) = match s.app.sandbox_payment(&id).await {
        Ok(found) => found,
        Err(AppError::NotFound) => return sandbox_missing(),
        Err(e) => return page_error(e),
    };
    let open = p.state.as_str() == "open";
    let page = Sandbox {
        shell: Shell::new(t("storefront-sandbox-title"), &Extras::default()),
        payment_id: p.id.clone(),
        order: Some(SandboxOrder {
            id: order.id.to_string(),
            reference: order.reference.clone(),
            amount: money(p.amount),
        }),
        open,
        message: (!open).then(|| t_args("storefront-sandbox-state", &[("state", p.state.as_str().to_string().into())])),
        failed: false,
        next: None,
    };
    sandbox_response(StatusCode::OK, page)
}

/// Seconds the sandbox shows its outcome before sending the buyer on, as
/// providers' "redirecting…" pages do.
const SANDBOX_REFRESH_SECS: u32 = 3;

#[derive(serde::Deserialize)]
struct SandboxForm {
    outcome: tessera_app::payments::SandboxOutcome,
    #[serde(default)]
    delay_secs: Option<i64>,
}

async fn sandbox_submit(State(s): State<AppState>, Path(id): Path<String>, body: axum::body::Bytes) -> Response {
    let Some(form) = serde_urlencoded_like(&body) else {
        return sandbox_message(StatusCode::UNPROCESSABLE_ENTITY, t("storefront-sandbox-choose"));
    };
    match s.app.sandbox_complete(&id, form.outcome, form.delay_secs.unwrap_or(60)).await {
        Ok(()) => {
            let order = match s.app.sandbox_payment(&id).await {
                Ok((_, o)) => o,
                Err(e) => return page_error(e),
            };
            let declined = form.outcome == tessera_app::payments::SandboxOutcome::Decline;
            let confirmed = format!("/orders/{}/confirmed", order.id);
            let page = Sandbox {
                shell: Shell::new(t("storefront-sandbox-title"), &Extras::default()),
                payment_id: id.clone(),
                order: Some(SandboxOrder {
                    id: order.id.to_string(),
                    reference: order.reference.clone(),
                    amount: money(order.total),
                }),
                open: false,
                message: Some(match form.outcome {
                    tessera_app::payments::SandboxOutcome::Decline => t("storefront-sandbox-declined"),
                    tessera_app::payments::SandboxOutcome::Delayed => t("storefront-sandbox-later"),
                    _ => t("storefront-sandbox-accepted"),
                }),
                failed: declined,
                next: (!declined).then(|| confirmed.clone()),
            };
            let mut res = sandbox_response(StatusCode::OK, page);
            // Like a provider sending the buyer back: on to the confirmation
            // (the page links it too, for a browser that ignores Refresh).
            if !declined && let Ok(v) = HeaderValue::from_str(&format!("{SANDBOX_REFRESH_SECS}; url={confirmed}")) {
                res.headers_mut().insert(HeaderName::from_static("refresh"), v);
            }
            res
        }
        Err(AppError::NotFound) => sandbox_missing(),
        Err(AppError::Invalid(v)) => {
            let msg = v.fields.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; ");
            sandbox_message(StatusCode::UNPROCESSABLE_ENTITY, msg)
        }
        Err(AppError::StateConflict { message, .. }) => sandbox_message(StatusCode::CONFLICT, message),
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

fn page_error(e: AppError) -> Response {
    match e {
        AppError::NotFound => shell::message(
            StatusCode::NOT_FOUND,
            "storefront-ticket-not-found",
            vec![t("storefront-ticket-check-link")],
            None,
        ),
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
        Ok((ticket, None)) => {
            let why = match ticket.replaced_by {
                Some(_) => t("storefront-ticket-replaced"),
                None => t("storefront-ticket-cancelled"),
            };
            shell::message(StatusCode::GONE, "storefront-ticket-gone", vec![why], None)
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
