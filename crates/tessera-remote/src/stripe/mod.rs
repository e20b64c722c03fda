//! Stripe: Checkout Sessions, refunds, and the signed webhooks Stripe sends.
//!
//! The client follows Stripe's published HTTP contract: `Authorization:
//! Bearer <secret key>`, form-encoded request bodies in bracket notation, an
//! `Idempotency-Key` on every POST (the caller supplies it, so a retry after
//! a crash sends the same key), and `{"error": {...}}` bodies on failure.
//! Amounts are `i64` minor units, never floats.

mod error;
mod form;
mod signature;
#[cfg(feature = "testing")]
pub mod testing;

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use reqwest::Url;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

pub use error::{ApiError, StripeError};
pub use signature::{DEFAULT_TOLERANCE_SECS, Event, WebhookError, sign_webhook, verify_webhook};

use form::Form;

/// Where production requests go.
pub const DEFAULT_BASE_URL: &str = "https://api.stripe.com";

/// How long one request may take, connecting included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// The earliest a Checkout Session may expire, counted from its creation
/// (Stripe accepts 30 minutes to 24 hours).
pub const MIN_SESSION_LIFETIME_SECS: i64 = 30 * 60;

/// The latest a Checkout Session may expire, counted from its creation.
pub const MAX_SESSION_LIFETIME_SECS: i64 = 24 * 60 * 60;

/// Kept off both ends of Stripe's window, so that a request retried a few
/// minutes later, or a small clock difference, still lands inside it.
const LIFETIME_MARGIN_SECS: i64 = 5 * 60;

/// A Stripe API client. Cheap to clone; clones share connections.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: Url,
    secret_key: String,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client").field("base_url", &self.base_url.as_str()).field("secret_key", &"<redacted>").finish()
    }
}

/// A payment method offered on the Checkout page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentMethod {
    /// Cards, wallets on top of cards included.
    Card,
    /// Alipay.
    Alipay,
    /// WeChat Pay (shown as a QR code on the web).
    WechatPay,
}

impl PaymentMethod {
    /// Stripe's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Card => "card",
            PaymentMethod::Alipay => "alipay",
            PaymentMethod::WechatPay => "wechat_pay",
        }
    }
}

/// One line of a Checkout Session, priced inline (no Stripe Price object).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineItem {
    /// The product name the buyer sees.
    pub name: String,
    /// Price of one unit in minor units of the request's currency.
    pub unit_amount_minor: i64,
    /// How many units; at least 1.
    pub quantity: u32,
}

/// What to ask of Stripe for one order's payment page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutRequest {
    /// Our order id: sent as `client_reference_id` and `metadata[order_id]`.
    pub order_id: String,
    /// Our organization id: sent as `metadata[org_id]`.
    pub org_id: String,
    /// Where Stripe sends the buyer after paying.
    pub success_url: String,
    /// Where Stripe sends the buyer who gives up.
    pub cancel_url: String,
    /// Prefills the e-mail field on the payment page.
    pub customer_email: Option<String>,
    /// ISO 4217 code of every line's amount (any case; sent lower-case).
    /// Stripe requires one currency per session.
    pub currency: String,
    /// The lines; at least one.
    pub line_items: Vec<LineItem>,
    /// Payment methods to offer; at least one.
    pub payment_methods: Vec<PaymentMethod>,
    /// When the session should expire (unix seconds); `None` lets Stripe
    /// pick its default (24 hours). Clamped into Stripe's window, see
    /// [`clamp_expires_at`].
    pub expires_at_unix: Option<i64>,
    /// The instant the caller decided to create this session (unix
    /// seconds). The clamp counts from here rather than from the clock, so
    /// a retry with the same idempotency key sends the same body; store it
    /// with the key.
    pub now_unix: i64,
}

/// Moves a wanted expiry into the window Stripe accepts, counted from
/// `now_unix`: no earlier than 35 minutes and no later than 23 hours 55
/// minutes after it. Stripe's window is 30 minutes to 24 hours after it
/// receives the request; the 5-minute margins absorb retries and clock
/// skew. A hold shorter than 35 minutes therefore outlives neither the
/// session: the caller should expire the session (or ignore a late payment
/// and refund it) when its own hold ends.
pub fn clamp_expires_at(wanted_unix: i64, now_unix: i64) -> i64 {
    let earliest = now_unix + MIN_SESSION_LIFETIME_SECS + LIFETIME_MARGIN_SECS;
    let latest = now_unix + MAX_SESSION_LIFETIME_SECS - LIFETIME_MARGIN_SECS;
    wanted_unix.clamp(earliest, latest)
}

/// The state of a Checkout Session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    /// The buyer can still pay.
    Open,
    /// The buyer finished; see `payment_status` for whether money arrived.
    Complete,
    /// Expired unpaid (by time or by `expire_checkout_session`).
    Expired,
    /// A value this crate does not know yet.
    #[serde(other)]
    Unknown,
}

/// Whether a Checkout Session's money has arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// Funds are available (or captured).
    Paid,
    /// Not yet: open sessions, and delayed methods still clearing.
    Unpaid,
    /// Nothing to pay (a zero total).
    NoPaymentRequired,
    /// A value this crate does not know yet.
    #[serde(other)]
    Unknown,
}

/// A Checkout Session as Stripe reports it (the fields Tessera uses).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutSession {
    /// `cs_...`.
    pub id: String,
    /// The payment page; present while the session is open.
    #[serde(default)]
    pub url: Option<String>,
    /// Open, complete or expired.
    pub status: SessionStatus,
    /// Paid, unpaid or no payment required.
    pub payment_status: PaymentStatus,
    /// The total in minor units.
    #[serde(default)]
    pub amount_total: Option<i64>,
    /// Lower-case ISO 4217 code.
    #[serde(default)]
    pub currency: Option<String>,
    /// The PaymentIntent, once the buyer has paid or started paying; what a
    /// refund names.
    #[serde(default)]
    pub payment_intent: Option<String>,
    /// Our order id.
    #[serde(default)]
    pub client_reference_id: Option<String>,
    /// Our metadata (`order_id`, `org_id`).
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
}

/// The state of a refund.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundStatus {
    /// The money is on its way back.
    Succeeded,
    /// Still being processed; a `refund.updated` event follows.
    Pending,
    /// Failed; the money stays with the merchant.
    Failed,
    /// Canceled before it happened.
    Canceled,
    /// The buyer must act (some payment methods).
    RequiresAction,
    /// A value this crate does not know yet.
    #[serde(other)]
    Unknown,
}

/// A refund as Stripe reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    /// `re_...`.
    pub id: String,
    /// Where the refund stands.
    pub status: RefundStatus,
    /// Refunded amount in minor units.
    pub amount: i64,
    /// Lower-case ISO 4217 code.
    pub currency: String,
    /// The PaymentIntent refunded.
    #[serde(default)]
    pub payment_intent: Option<String>,
    /// Our metadata.
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
}

impl Client {
    /// A client for `base_url` (normally [`DEFAULT_BASE_URL`]; tests pass a
    /// stand-in's loopback address) authenticating with `secret_key`.
    pub fn new(base_url: &str, secret_key: String) -> Result<Client, StripeError> {
        let base_url = Url::parse(base_url)
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https") && url.has_host())
            .ok_or_else(|| StripeError::Config(format!("{base_url:?} is not an http(s) URL")))?;
        let tls = crate::tls::client_config().map_err(|e| StripeError::Config(format!("TLS setup failed: {e}")))?;
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Tessera/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| StripeError::Config(format!("HTTP client setup failed: {e}")))?;
        Ok(Client { http, base_url, secret_key })
    }

    /// Creates a Checkout Session (`POST /v1/checkout/sessions`) in payment
    /// mode. Retrying with the same `idempotency_key` and request returns the
    /// same session.
    pub async fn create_checkout_session(
        &self,
        request: &CheckoutRequest,
        idempotency_key: &str,
    ) -> Result<CheckoutSession, StripeError> {
        if request.line_items.is_empty() || request.payment_methods.is_empty() {
            return Err(StripeError::InvalidRequest(
                "a Checkout Session needs at least one line item and one payment method".into(),
            ));
        }
        self.post(&["v1", "checkout", "sessions"], checkout_form(request), idempotency_key).await
    }

    /// Reads a Checkout Session (`GET /v1/checkout/sessions/{id}`), for
    /// reconciling orders whose webhook never came.
    pub async fn retrieve_checkout_session(&self, id: &str) -> Result<CheckoutSession, StripeError> {
        check_id(id)?;
        self.send(self.http.get(self.url(&["v1", "checkout", "sessions", id]))).await
    }

    /// Expires an open Checkout Session (`POST
    /// /v1/checkout/sessions/{id}/expire`) so that it can no longer be paid.
    pub async fn expire_checkout_session(
        &self,
        id: &str,
        idempotency_key: &str,
    ) -> Result<CheckoutSession, StripeError> {
        check_id(id)?;
        self.post(&["v1", "checkout", "sessions", id, "expire"], Form::default(), idempotency_key).await
    }

    /// Refunds `amount_minor` of a PaymentIntent (`POST /v1/refunds`).
    /// `metadata` is attached to the refund (e.g. our refund id).
    pub async fn create_refund(
        &self,
        payment_intent: &str,
        amount_minor: i64,
        idempotency_key: &str,
        metadata: &BTreeMap<String, String>,
    ) -> Result<Refund, StripeError> {
        check_id(payment_intent)?;
        if amount_minor <= 0 {
            return Err(StripeError::InvalidRequest("a refund's amount must be positive".into()));
        }
        let mut form = Form::default();
        form.push("payment_intent", payment_intent);
        form.push("amount", amount_minor.to_string());
        form.push_metadata(metadata.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        self.post(&["v1", "refunds"], form, idempotency_key).await
    }

    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base_url.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    async fn post<T: DeserializeOwned>(
        &self,
        segments: &[&str],
        form: Form,
        idempotency_key: &str,
    ) -> Result<T, StripeError> {
        if idempotency_key.is_empty() || idempotency_key.len() > 255 {
            return Err(StripeError::InvalidRequest("an idempotency key must have 1 to 255 characters".into()));
        }
        let builder = self
            .http
            .post(self.url(segments))
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("Idempotency-Key", idempotency_key)
            .body(form.encode());
        self.send(builder).await
    }

    async fn send<T: DeserializeOwned>(&self, builder: reqwest::RequestBuilder) -> Result<T, StripeError> {
        let response = builder.bearer_auth(&self.secret_key).send().await.map_err(StripeError::from_transport)?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(StripeError::from_transport)?;
        if (200..300).contains(&status) {
            serde_json::from_slice(&body).map_err(|e| StripeError::Decode { status, detail: e.to_string() })
        } else {
            Err(StripeError::from_response(status, &body))
        }
    }
}

/// Ids go into the URL path; anything but Stripe's id alphabet is refused
/// so that an id can never change which endpoint is called.
fn check_id(id: &str) -> Result<(), StripeError> {
    let ok = !id.is_empty() && id.len() <= 255 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if ok { Ok(()) } else { Err(StripeError::InvalidRequest(format!("{id:?} is not a Stripe id"))) }
}

/// The form for `POST /v1/checkout/sessions`.
fn checkout_form(request: &CheckoutRequest) -> Form {
    let mut form = Form::default();
    form.push("mode", "payment");
    form.push("success_url", request.success_url.as_str());
    form.push("cancel_url", request.cancel_url.as_str());
    form.push("client_reference_id", request.order_id.as_str());
    if let Some(email) = &request.customer_email {
        form.push("customer_email", email.as_str());
    }
    let currency = request.currency.to_ascii_lowercase();
    for (i, item) in request.line_items.iter().enumerate() {
        let prefix = format!("line_items[{i}]");
        form.push(format!("{prefix}[price_data][currency]"), currency.as_str());
        form.push(format!("{prefix}[price_data][unit_amount]"), item.unit_amount_minor.to_string());
        form.push(format!("{prefix}[price_data][product_data][name]"), item.name.as_str());
        form.push(format!("{prefix}[quantity]"), item.quantity.to_string());
    }
    form.push_metadata([("order_id", request.order_id.as_str()), ("org_id", request.org_id.as_str())]);
    for (i, method) in request.payment_methods.iter().enumerate() {
        form.push(format!("payment_method_types[{i}]"), method.as_str());
    }
    if request.payment_methods.contains(&PaymentMethod::WechatPay) {
        // Stripe requires the client kind for WeChat Pay; Checkout is a web page.
        form.push("payment_method_options[wechat_pay][client]", "web");
    }
    if let Some(wanted) = request.expires_at_unix {
        form.push("expires_at", clamp_expires_at(wanted, request.now_unix).to_string());
    }
    form
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> CheckoutRequest {
        CheckoutRequest {
            order_id: "ord_1".into(),
            org_id: "org_9".into(),
            success_url: "https://shop.example/ok".into(),
            cancel_url: "https://shop.example/cancel".into(),
            customer_email: Some("a@example.com".into()),
            currency: "EUR".into(),
            line_items: vec![
                LineItem { name: "Stalls".into(), unit_amount_minor: 4500, quantity: 2 },
                LineItem { name: "Balcony".into(), unit_amount_minor: 2000, quantity: 1 },
            ],
            payment_methods: vec![PaymentMethod::Card, PaymentMethod::WechatPay],
            expires_at_unix: Some(1_000_000 + 60),
            now_unix: 1_000_000,
        }
    }

    #[test]
    fn checkout_form_uses_bracket_notation_and_lower_case_currency() {
        let form = checkout_form(&request());
        let pairs: Vec<(&str, &str)> = form.pairs().iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let expected = [
            ("mode", "payment"),
            ("success_url", "https://shop.example/ok"),
            ("cancel_url", "https://shop.example/cancel"),
            ("client_reference_id", "ord_1"),
            ("customer_email", "a@example.com"),
            ("line_items[0][price_data][currency]", "eur"),
            ("line_items[0][price_data][unit_amount]", "4500"),
            ("line_items[0][price_data][product_data][name]", "Stalls"),
            ("line_items[0][quantity]", "2"),
            ("line_items[1][price_data][currency]", "eur"),
            ("line_items[1][price_data][unit_amount]", "2000"),
            ("line_items[1][price_data][product_data][name]", "Balcony"),
            ("line_items[1][quantity]", "1"),
            ("metadata[order_id]", "ord_1"),
            ("metadata[org_id]", "org_9"),
            ("payment_method_types[0]", "card"),
            ("payment_method_types[1]", "wechat_pay"),
            ("payment_method_options[wechat_pay][client]", "web"),
            ("expires_at", "1002100"),
        ];
        assert_eq!(pairs, expected);
    }

    #[test]
    fn expiry_is_clamped_into_stripes_window_with_margins() {
        let now = 1_000_000;
        assert_eq!(clamp_expires_at(now, now), now + 35 * 60);
        assert_eq!(clamp_expires_at(now + 3600, now), now + 3600);
        assert_eq!(clamp_expires_at(now + 48 * 3600, now), now + 24 * 3600 - 300);
        assert_eq!(clamp_expires_at(i64::MIN, now), now + 35 * 60);
    }

    #[test]
    fn ids_cannot_change_the_path() {
        assert!(check_id("cs_test_a1B2").is_ok());
        for bad in ["", "cs/../../v1/refunds", "cs?x=1", "cs%2F", "cs test"] {
            assert!(matches!(check_id(bad), Err(StripeError::InvalidRequest(_))), "{bad}");
        }
    }

    #[test]
    fn debug_redacts_the_secret_key() {
        let client = Client::new("http://127.0.0.1:9", "sk_test_very_secret".into()).unwrap();
        let shown = format!("{client:?}");
        assert!(!shown.contains("very_secret"), "{shown}");
        assert!(shown.contains("redacted"));
    }

    #[test]
    fn urls_keep_a_base_path() {
        let client = Client::new("http://127.0.0.1:9/stripe/", "sk".into()).unwrap();
        assert_eq!(
            client.url(&["v1", "checkout", "sessions"]).as_str(),
            "http://127.0.0.1:9/stripe/v1/checkout/sessions"
        );
    }
}
