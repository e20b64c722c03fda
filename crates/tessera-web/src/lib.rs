//! Tessera's HTTP layer: the JSON API under `/api/v1`, operations endpoints,
//! the OpenAPI document and its reference page.
//!
//! Handlers are thin: extract, one call to `tessera-app`, map the result.
//! This crate never touches SQL or the store's internals, and decides no
//! permission itself (the app layer's `authorize` does).

pub mod api;
mod docs;
pub mod error;
pub mod extract;
pub mod idempotency;
pub mod metrics;
mod pages;
mod tls;
mod ui;

pub use tls::TlsListener;
/// Event images for the demo seeding: a drawn picture, and an upload made ready to store.
pub use ui::media::{demo_image_png, prepare_image};

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use error::ApiError;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tessera_app::App;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// HTTP settings, filled by the binary from configuration.
#[derive(Debug, Clone)]
pub struct WebConfig {
    pub body_limit_bytes: usize,
    pub request_timeout: Duration,
    /// Mark the session cookie `Secure`. Browsers accept Secure cookies from
    /// http://localhost, so this stays on unless served over plain HTTP elsewhere.
    pub cookie_secure: bool,
    /// Send `Strict-Transport-Security` (only where every visitor comes over
    /// HTTPS with a certificate browsers trust).
    pub hsts: bool,
    /// Buyers reach the server over HTTPS (its public URL is https, perhaps
    /// through a proxy): the pages' other cookies (order, form token,
    /// language) are marked `Secure`, as they are on a TLS connection.
    pub public_https: bool,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            body_limit_bytes: 64 * 1024,
            request_timeout: Duration::from_secs(30),
            cookie_secure: true,
            hsts: false,
            public_https: false,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub web: Arc<WebConfig>,
    pub metrics: Arc<metrics::Metrics>,
    openapi_json: Arc<String>,
    docs_html: Arc<docs::Pages>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tessera",
        description = "Self-hosted electronic ticketing. Authenticate with the session cookie from /api/v1/auth/login \
                       (and send X-CSRF-Token on state-changing requests) or with an API token as a bearer token.",
        license(name = "AGPL-3.0-or-later")
    ),
    modifiers(&SecuritySchemes),
    tags(
        (name = "public", description = "The public catalog; no account needed"),
        (name = "auth", description = "Accounts, sessions and two-factor authentication"),
        (name = "organizations", description = "Organizations, members and API tokens"),
        (name = "catalog", description = "Venues, events, ticket types and quotas"),
        (name = "orders", description = "Reservations, orders and their life cycle"),
        (name = "tickets", description = "Ticket delivery, codes, voiding, re-issue and signing keys"),
        (name = "check-in", description = "Check-in lists, gates, online and offline scanning"),
        (name = "seating", description = "Seat maps on venues: import, generation and export"),
        (name = "payments", description = "Payment providers, checkout, provider webhooks, refunds, fees, taxes and the ledger"),
        (name = "pricing", description = "Promo codes (vouchers), generated batches of single-use codes, and their uses"),
        (name = "invoices", description = "Invoicing details, invoices for paid orders with gapless numbers, credit notes for refunds, PDFs and the CSV export"),
        (name = "giftcards", description = "Gift cards: issued by staff, paying orders in part or in full, spent at counters"),
        (name = "members", description = "Memberships: plans, member cards, a buyer's cards, members-only ticket types and member prices, ticket types that sell gift cards or memberships"),
        (name = "loyalty", description = "Loyalty points: the organization's rule and report, a buyer's balance and history, paying orders with points"),
        (name = "transfers", description = "Ticket transfers: per-event rules, offers to an e-mail address, the recipient's acceptance, cancellation and history; holders' name changes"),
        (name = "resale", description = "Face-value resale: per-event rules (cap, fee, resale or primary first), listings by ticket holders, listings on sale, withdrawals; buying is an ordinary reservation"),
        (name = "series", description = "Series: events repeating by a rule (an RRULE subset), their occurrences, changes from a date on"),
        (name = "waitlist", description = "Waitlists of sold-out ticket types: joining, positions, offers of freed tickets in order, leaving, the organizer's list and settings"),
        (name = "webhooks", description = "Outbound webhooks for integrators, signed per Standard Webhooks"),
        (name = "admin", description = "Platform administration"),
        (name = "operations", description = "Health, metrics and this document"),
    )
)]
struct ApiDoc;

struct SecuritySchemes;

impl utoipa::Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(extract::SESSION_COOKIE))),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Every route, with its OpenAPI description.
fn api_routes() -> OpenApiRouter<AppState> {
    use api::*;
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(ops::healthz))
        .routes(routes!(ops::readyz))
        .routes(routes!(ops::metrics))
        .routes(routes!(ops::openapi_json))
        .routes(routes!(ops::docs))
        .routes(routes!(auth::register))
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(auth::totp_setup))
        .routes(routes!(auth::totp_enable))
        .routes(routes!(auth::totp_disable))
        .routes(routes!(account::request_password_reset))
        .routes(routes!(account::confirm_password_reset))
        .routes(routes!(account::verify_email))
        .routes(routes!(account::resend_verification))
        .routes(routes!(account::list_invitations, account::create_invitation))
        .routes(routes!(account::revoke_invitation))
        .routes(routes!(account::accept_invitation))
        .routes(routes!(public::list_events))
        .routes(routes!(public::get_event))
        .routes(routes!(orgs::list_orgs, orgs::create_org))
        .routes(routes!(orgs::get_org, orgs::update_org))
        .routes(routes!(orgs::list_members, orgs::add_member))
        .routes(routes!(orgs::set_role, orgs::remove_member))
        .routes(routes!(orgs::list_tokens, orgs::create_token))
        .routes(routes!(orgs::revoke_token))
        .routes(routes!(catalog::list_venues, catalog::create_venue))
        .routes(routes!(catalog::get_venue, catalog::update_venue))
        .routes(routes!(catalog::list_org_events, catalog::create_event))
        .routes(routes!(catalog::get_org_event, catalog::update_event))
        .routes(routes!(catalog::publish_event))
        .routes(routes!(catalog::cancel_event))
        .routes(routes!(catalog::end_event))
        .routes(routes!(catalog::list_ticket_types, catalog::create_ticket_type))
        .routes(routes!(catalog::update_ticket_type))
        .routes(routes!(catalog::list_quotas, catalog::create_quota))
        .routes(routes!(catalog::update_quota))
        .routes(routes!(orders::place_order))
        .routes(routes!(payments::get_payment_settings, payments::put_payment_settings))
        .routes(routes!(payments::get_pricing, payments::put_pricing))
        .routes(routes!(payments::checkout))
        .routes(routes!(payments::buyer_refund))
        .routes(routes!(payments::refund_order))
        .routes(routes!(payments::order_money))
        .routes(routes!(payments::resend_confirmation))
        .routes(routes!(payments::balance))
        .routes(routes!(payments::list_payouts, payments::create_payout))
        .routes(routes!(payments::cancellation))
        .routes(routes!(payments::stripe_webhook))
        .routes(routes!(payments::list_endpoints, payments::create_endpoint))
        .routes(routes!(payments::update_endpoint, payments::delete_endpoint))
        .routes(routes!(payments::deliveries))
        .routes(routes!(payments::redeliver))
        .routes(routes!(orders::get_order))
        .routes(routes!(transfers::get_transfer_settings, transfers::put_transfer_settings))
        .routes(routes!(transfers::offer_transfer, transfers::order_transfers))
        .routes(routes!(transfers::cancel_transfer))
        .routes(routes!(transfers::org_order_transfers))
        .routes(routes!(transfers::get_transfer_offer))
        .routes(routes!(transfers::accept_transfer))
        .routes(routes!(transfers::received_tickets))
        .routes(routes!(transfers::rename_ticket))
        .routes(routes!(resale::get_resale_settings, resale::put_resale_settings))
        .routes(routes!(resale::org_listings))
        .routes(routes!(resale::org_order_listings))
        .routes(routes!(resale::public_listings))
        .routes(routes!(resale::list_ticket, resale::order_listings))
        .routes(routes!(resale::withdraw_listing))
        .routes(routes!(series::list_series, series::create_series))
        .routes(routes!(series::get_series, series::update_series))
        .routes(routes!(series::publish_series))
        .routes(routes!(series::list_occurrences))
        .routes(routes!(series::remove_occurrence))
        .routes(routes!(series::get_public_series))
        .routes(routes!(series::list_public_occurrences))
        .routes(routes!(waitlist::get_waitlist_settings, waitlist::put_waitlist_settings))
        .routes(routes!(waitlist::join_waitlist))
        .routes(routes!(waitlist::get_waitlist_entry))
        .routes(routes!(waitlist::leave_waitlist))
        .routes(routes!(waitlist::my_waitlist))
        .routes(routes!(waitlist::event_waitlist))
        .routes(routes!(waitlist::remove_waitlist_entry))
        .routes(routes!(orders::lookup_order))
        .routes(routes!(orders::confirm_order))
        .routes(routes!(orders::cancel_own_order))
        .routes(routes!(orders::list_orders))
        .routes(routes!(orders::get_org_order))
        .routes(routes!(orders::mark_paid))
        .routes(routes!(orders::cancel_order))
        .routes(routes!(orders::availability_stream))
        .routes(routes!(orders::my_orders))
        .routes(routes!(tickets::my_tickets))
        .routes(routes!(tickets::buyer_tickets))
        .routes(routes!(tickets::buyer_tickets_pdf))
        .routes(routes!(tickets::org_order_tickets))
        .routes(routes!(tickets::void_ticket))
        .routes(routes!(tickets::reissue_ticket))
        .routes(routes!(tickets::list_keys))
        .routes(routes!(tickets::rotate_key))
        .routes(routes!(seating::import_map, seating::map_summary))
        .routes(routes!(seating::generate_map))
        .routes(routes!(seating::export_map))
        .routes(routes!(seating::set_event_seating, seating::event_seating))
        .routes(routes!(seating::block_seats))
        .routes(routes!(seating::public_seat_map))
        .routes(routes!(seating::public_seats))
        .routes(routes!(media::put_event_image, media::delete_event_image))
        .routes(routes!(pricing::list_promo_codes, pricing::create_promo_code))
        .routes(routes!(pricing::get_promo_code, pricing::replace_promo_code, pricing::delete_promo_code))
        .routes(routes!(pricing::promo_code_uses))
        .routes(routes!(pricing::counter_coupon_uses))
        .routes(routes!(pricing::redeem_coupon_at_counter))
        .routes(routes!(pricing::list_price_tiers, pricing::create_price_tier))
        .routes(routes!(pricing::replace_price_tier, pricing::delete_price_tier))
        .routes(routes!(pricing::get_dynamic_pricing, pricing::put_dynamic_pricing, pricing::delete_dynamic_pricing))
        .routes(routes!(pricing::create_promo_batch))
        .routes(routes!(pricing::promo_batch_csv))
        .routes(routes!(invoices::get_invoice_settings, invoices::put_invoice_settings))
        .routes(routes!(invoices::issue_invoice))
        .routes(routes!(invoices::org_order_invoices))
        .routes(routes!(invoices::list_invoices))
        .routes(routes!(invoices::invoices_csv))
        .routes(routes!(invoices::get_invoice))
        .routes(routes!(invoices::invoice_pdf))
        .routes(routes!(invoices::buyer_issue_invoice))
        .routes(routes!(invoices::buyer_invoices))
        .routes(routes!(invoices::buyer_invoice_pdf))
        .routes(routes!(giftcards::list_gift_cards, giftcards::issue_gift_card))
        .routes(routes!(giftcards::get_gift_card))
        .routes(routes!(giftcards::disable_gift_card))
        .routes(routes!(giftcards::enable_gift_card))
        .routes(routes!(giftcards::lookup_gift_card))
        .routes(routes!(giftcards::redeem_gift_card))
        .routes(routes!(giftcards::gift_card_balance))
        .routes(routes!(giftcards::pay_with_gift_card))
        .routes(routes!(checkin::list_lists, checkin::create_list))
        .routes(routes!(checkin::get_list, checkin::update_list, checkin::delete_list))
        .routes(routes!(checkin::add_gate))
        .routes(routes!(checkin::remove_gate))
        .routes(routes!(checkin::scan))
        .routes(routes!(checkin::upload))
        .routes(routes!(checkin::sync))
        .routes(routes!(checkin::stats))
        .routes(routes!(checkin::conflicts))
        .routes(routes!(loyalty::get_loyalty_rule, loyalty::put_loyalty_rule))
        .routes(routes!(loyalty::loyalty_report))
        .routes(routes!(loyalty::my_point_balances))
        .routes(routes!(loyalty::my_points))
        .routes(routes!(loyalty::pay_with_points))
        .routes(routes!(members::list_plans, members::create_plan))
        .routes(routes!(members::update_plan))
        .routes(routes!(members::list_cards, members::issue_card))
        .routes(routes!(members::void_card))
        .routes(routes!(members::check_card))
        .routes(routes!(members::my_cards))
        .routes(routes!(members::get_membership))
        .routes(routes!(members::put_member_rule, members::delete_member_rule))
        .routes(routes!(members::put_product, members::delete_product))
        .routes(routes!(admin::admin_list_users))
        .routes(routes!(admin::admin_list_orgs))
}

/// The OpenAPI document the server serves, as JSON.
pub fn openapi() -> serde_json::Value {
    docs::finish(&api_routes().split_for_parts().1)
}

/// Unknown API paths answer in JSON; any other unknown URL is a page.
async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        let message = error::localized("errors-no-such-endpoint", "no such endpoint");
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message).into_response()
    } else {
        ui::not_found_page()
    }
}

async fn method_not_allowed() -> ApiError {
    let message = error::localized("errors-method-not-allowed", "this endpoint does not take that method");
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", message)
}

async fn timeout(State(limit): State<Duration>, req: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "timeout", "the request took too long; retry")
            .into_response(),
    }
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a handler panicked");
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "something went wrong on our side").into_response()
}

/// The whole HTTP application, ready to serve.
pub fn router(app: App, web: WebConfig) -> Router {
    let (routes, doc) = api_routes().split_for_parts();
    let doc_value = docs::finish(&doc);
    let state = AppState {
        app,
        web: Arc::new(web.clone()),
        metrics: Arc::new(metrics::Metrics::default()),
        openapi_json: Arc::new(serde_json::to_string_pretty(&doc_value).unwrap_or_default()),
        docs_html: Arc::new(docs::render(&doc_value)),
    };
    let x_request_id = HeaderName::from_static("x-request-id");
    routes
        .merge(ui::router(state.clone()))
        // Pages that lead nowhere speak the visitor's language and show their
        // menu, as every page does.
        .fallback_service(
            axum::routing::any(not_found)
                .layer(middleware::from_fn_with_state(state.clone(), ui::context))
                .with_state(state.clone()),
        )
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn(error::request_language))
        .layer(middleware::from_fn_with_state(state.clone(), idempotency::middleware))
        .layer(middleware::from_fn_with_state(state.metrics.clone(), metrics::track))
        .layer(DefaultBodyLimit::max(web.body_limit_bytes))
        // gzip for clients that ask (seat maps shrink several-fold; see
        // BENCHMARKS.md); the event streams and images are left alone.
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(middleware::from_fn_with_state(web.request_timeout, timeout))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            web.hsts.then(|| HeaderValue::from_static("max-age=31536000")),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(x_request_id, MakeRequestUuid))
        .with_state(state)
}

/// The client's socket address, for any listener (plain TCP or TLS), and
/// whether the connection is TLS.
#[derive(Debug, Clone, Copy)]
pub struct PeerAddr(pub SocketAddr, pub bool);

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, tokio::net::TcpListener>> for PeerAddr {
    fn connect_info(stream: axum::serve::IncomingStream<'_, tokio::net::TcpListener>) -> Self {
        PeerAddr(*stream.remote_addr(), false)
    }
}

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, TlsListener>> for PeerAddr {
    fn connect_info(stream: axum::serve::IncomingStream<'_, TlsListener>) -> Self {
        PeerAddr(*stream.remote_addr(), true)
    }
}

/// Serves until `shutdown` resolves, then finishes in-flight requests.
pub async fn serve<L>(
    listener: L,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()>
where
    L: axum::serve::Listener<Addr = SocketAddr>,
    PeerAddr: for<'a> axum::extract::connect_info::Connected<axum::serve::IncomingStream<'a, L>>,
{
    axum::serve(listener, router.into_make_service_with_connect_info::<PeerAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}
