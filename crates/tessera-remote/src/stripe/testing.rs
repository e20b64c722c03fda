//! A stand-in for api.stripe.com on a loopback port, for tests (cargo
//! feature `testing`). It keeps Stripe's contract for the calls
//! [`super::Client`] makes: Bearer keys, form bodies in bracket notation,
//! required and unknown parameters, `Idempotency-Key` replay, error bodies;
//! and it lets a test play the buyer and Stripe's webhook sender.
//!
//! ```no_run
//! # async fn demo() {
//! use tessera_remote::stripe::{Client, testing::StandIn};
//! let stand_in = StandIn::start().await;
//! let client = Client::new(&stand_in.base_url(), stand_in.secret_key().to_string()).unwrap();
//! // ... create a session with `client`, then:
//! // let (body, signature) = stand_in.complete_session(&session.id, true);
//! # }
//! ```

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::form;
use super::{CheckoutSession, MAX_SESSION_LIFETIME_SECS, MIN_SESSION_LIFETIME_SECS, sign_webhook};

/// The secret key [`StandIn::start`] accepts.
pub const SECRET_KEY: &str = "sk_test_tessera_stand_in";

/// The webhook secret [`StandIn::start`] signs events with.
pub const WEBHOOK_SECRET: &str = "whsec_tessera_stand_in";

/// One request the stand-in received, in arrival order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path, e.g. `/v1/checkout/sessions`.
    pub path: String,
    /// The `Idempotency-Key` header, if sent.
    pub idempotency_key: Option<String>,
    /// The body's form fields, decoded, in order.
    pub form: Vec<(String, String)>,
}

/// A running stand-in. Stops when dropped.
pub struct StandIn {
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.task.abort();
    }
}

struct Shared {
    base_url: String,
    secret_key: String,
    webhook_secret: String,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    next_id: u64,
    sessions: HashMap<String, Session>,
    /// Per PaymentIntent: (captured, refunded, currency).
    payments: HashMap<String, (i64, i64, String)>,
    /// Per key: (method and path and body, status, body).
    idempotency: HashMap<String, (String, u16, String)>,
    requests: Vec<RecordedRequest>,
    fail_next: VecDeque<u16>,
}

#[derive(Clone)]
struct Session {
    id: String,
    url: Option<String>,
    status: &'static str,
    payment_status: &'static str,
    amount_total: i64,
    currency: String,
    payment_intent: Option<String>,
    client_reference_id: Option<String>,
    customer_email: Option<String>,
    metadata: BTreeMap<String, String>,
    payment_method_types: Vec<String>,
    created: i64,
    expires_at: i64,
}

impl Session {
    fn to_json(&self) -> Value {
        json!({
            "id": self.id, "object": "checkout.session", "mode": "payment", "livemode": false,
            "url": self.url, "status": self.status, "payment_status": self.payment_status,
            "amount_total": self.amount_total, "currency": self.currency,
            "payment_intent": self.payment_intent, "client_reference_id": self.client_reference_id,
            "customer_email": self.customer_email, "metadata": self.metadata,
            "payment_method_types": self.payment_method_types,
            "created": self.created, "expires_at": self.expires_at,
        })
    }
}

/// A reply: status, JSON body, and whether an idempotency key keeps it
/// (Stripe keeps results of requests that ran, not of ones refused before).
struct Reply {
    status: u16,
    body: Value,
    keep: bool,
}

fn ok(body: Value) -> Reply {
    Reply { status: 200, body, keep: true }
}

fn error(status: u16, error_type: &str, code: Option<&str>, message: &str, param: Option<&str>) -> Reply {
    let mut error = json!({"type": error_type, "message": message});
    if let Some(code) = code {
        error["code"] = json!(code);
    }
    if let Some(param) = param {
        error["param"] = json!(param);
    }
    Reply { status, body: json!({ "error": error }), keep: false }
}

fn invalid(param: &str, message: &str) -> Reply {
    error(400, "invalid_request_error", Some("parameter_invalid"), message, Some(param))
}

fn missing(param: &str) -> Reply {
    error(
        400,
        "invalid_request_error",
        Some("parameter_missing"),
        &format!("Missing required param: {param}."),
        Some(param),
    )
}

fn now_unix() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

impl StandIn {
    /// Starts a stand-in on 127.0.0.1 with port 0, accepting [`SECRET_KEY`]
    /// and signing events with [`WEBHOOK_SECRET`].
    pub async fn start() -> StandIn {
        StandIn::start_with(SECRET_KEY, WEBHOOK_SECRET).await
    }

    /// Starts a stand-in with the given secret key and webhook secret.
    ///
    /// # Panics
    /// If no loopback port can be bound (a broken test environment).
    pub async fn start_with(secret_key: &str, webhook_secret: &str) -> StandIn {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
        let address = listener.local_addr().expect("a bound listener has an address");
        let shared = Arc::new(Shared {
            base_url: format!("http://{address}"),
            secret_key: secret_key.to_string(),
            webhook_secret: webhook_secret.to_string(),
            inner: Mutex::new(Inner::default()),
        });
        let router = axum::Router::new().fallback(handle).with_state(shared.clone());
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, router).await {
                tracing::error!(error = %e, "Stripe stand-in stopped");
            }
        });
        StandIn { shared, task }
    }

    /// `http://127.0.0.1:<port>`, for [`super::Client::new`].
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// The secret key it accepts.
    pub fn secret_key(&self) -> &str {
        &self.shared.secret_key
    }

    /// The secret its events are signed with.
    pub fn webhook_secret(&self) -> &str {
        &self.shared.webhook_secret
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    /// Makes the next request fail with `status` (e.g. 500 or 429) and
    /// Stripe's error body for it, before it runs. Calls queue up.
    pub fn fail_next(&self, status: u16) {
        self.lock().fail_next.push_back(status);
    }

    /// The session as the API would return it now.
    pub fn session(&self, id: &str) -> Option<CheckoutSession> {
        let inner = self.lock();
        let session = inner.sessions.get(id)?;
        serde_json::from_value(session.to_json()).ok()
    }

    /// The buyer finishes the payment page: the session becomes `complete`
    /// with a PaymentIntent, `paid` if `paid` (the money is captured and can
    /// be refunded), else `unpaid` (a delayed method still clearing; follow
    /// with [`Self::async_payment_succeeded`] or [`Self::async_payment_failed`]).
    /// Returns the signed `checkout.session.completed` webhook: the body and
    /// its `Stripe-Signature` value.
    ///
    /// # Panics
    /// If the session does not exist or is not open.
    pub fn complete_session(&self, id: &str, paid: bool) -> (Vec<u8>, String) {
        let mut inner = self.lock();
        let pi = format!("pi_test_{}", inner.next());
        let session = inner.sessions.get_mut(id).unwrap_or_else(|| panic!("no session {id}"));
        assert_eq!(session.status, "open", "session {id} is not open");
        session.status = "complete";
        session.url = None;
        session.payment_status = if paid { "paid" } else { "unpaid" };
        session.payment_intent = Some(pi.clone());
        let captured = if paid { session.amount_total } else { 0 };
        let (currency, object) = (session.currency.clone(), session.to_json());
        inner.payments.insert(pi, (captured, 0, currency));
        self.event(&mut inner, "checkout.session.completed", object)
    }

    /// A delayed payment of a completed session clears: it becomes `paid`.
    /// Returns the signed `checkout.session.async_payment_succeeded` webhook.
    ///
    /// # Panics
    /// If the session is not complete and unpaid.
    pub fn async_payment_succeeded(&self, id: &str) -> (Vec<u8>, String) {
        let mut inner = self.lock();
        let session = inner.sessions.get_mut(id).unwrap_or_else(|| panic!("no session {id}"));
        assert_eq!((session.status, session.payment_status), ("complete", "unpaid"), "session {id}");
        session.payment_status = "paid";
        let pi = session.payment_intent.clone().expect("a completed session has a PaymentIntent");
        let (amount, object) = (session.amount_total, session.to_json());
        if let Some(payment) = inner.payments.get_mut(&pi) {
            payment.0 = amount;
        }
        self.event(&mut inner, "checkout.session.async_payment_succeeded", object)
    }

    /// A delayed payment of a completed session fails; it stays `unpaid`.
    /// Returns the signed `checkout.session.async_payment_failed` webhook.
    ///
    /// # Panics
    /// If the session is not complete and unpaid.
    pub fn async_payment_failed(&self, id: &str) -> (Vec<u8>, String) {
        let mut inner = self.lock();
        let session = inner.sessions.get(id).unwrap_or_else(|| panic!("no session {id}"));
        assert_eq!((session.status, session.payment_status), ("complete", "unpaid"), "session {id}");
        let object = session.to_json();
        self.event(&mut inner, "checkout.session.async_payment_failed", object)
    }

    /// An open session runs out of time. Returns the signed
    /// `checkout.session.expired` webhook.
    ///
    /// # Panics
    /// If the session does not exist or is not open.
    pub fn expire_session(&self, id: &str) -> (Vec<u8>, String) {
        let mut inner = self.lock();
        let session = inner.sessions.get_mut(id).unwrap_or_else(|| panic!("no session {id}"));
        assert_eq!(session.status, "open", "session {id} is not open");
        session.status = "expired";
        session.url = None;
        let object = session.to_json();
        self.event(&mut inner, "checkout.session.expired", object)
    }

    fn event(&self, inner: &mut Inner, event_type: &str, object: Value) -> (Vec<u8>, String) {
        let now = now_unix();
        let body = json!({
            "id": format!("evt_test_{}", inner.next()), "object": "event", "type": event_type,
            "created": now, "livemode": false, "api_version": "2025-01-27.acacia",
            "data": { "object": object },
        })
        .to_string()
        .into_bytes();
        let signature = sign_webhook(&body, &self.shared.webhook_secret, now);
        (body, signature)
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.shared.lock()
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panicking test thread must not hide the state from the others.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Inner {
    fn next(&mut self) -> String {
        self.next_id += 1;
        format!("{:06}{}", self.next_id, "a1b2c3")
    }
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (reply, replayed) = shared.serve(&method, uri.path(), &headers, &body);
    let mut response =
        (StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), reply.body.to_string())
            .into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/json"));
    if replayed {
        response.headers_mut().insert("idempotent-replayed", header::HeaderValue::from_static("true"));
    }
    response
}

impl Shared {
    /// Everything under one lock: requests are handled one at a time, so
    /// two racing requests with one key cannot both run.
    fn serve(&self, method: &Method, path: &str, headers: &HeaderMap, body: &[u8]) -> (Reply, bool) {
        let mut inner = self.lock();
        let idempotency_key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_string);
        inner.requests.push(RecordedRequest {
            method: method.to_string(),
            path: path.to_string(),
            idempotency_key: idempotency_key.clone(),
            form: form::decode(body),
        });
        if let Some(status) = inner.fail_next.pop_front() {
            let reply = if status == 429 {
                error(
                    429,
                    "invalid_request_error",
                    Some("rate_limit"),
                    "Too many requests hit the API too quickly.",
                    None,
                )
            } else {
                error(status, "api_error", None, "An unexpected error occurred (injected by the stand-in).", None)
            };
            return (reply, false);
        }
        let authorization = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        match authorization.and_then(|v| v.strip_prefix("Bearer ")) {
            None => {
                return (error(401, "invalid_request_error", None, "You did not provide an API key.", None), false);
            }
            Some(key) if key != self.secret_key => {
                let message = "Invalid API Key provided: sk_test_****";
                return (error(401, "invalid_request_error", Some("api_key_invalid"), message, None), false);
            }
            Some(_) => {}
        }
        let fingerprint = format!("{method} {path}\n{}", String::from_utf8_lossy(body));
        if *method == Method::POST
            && let Some(key) = &idempotency_key
            && let Some((seen, status, saved)) = inner.idempotency.get(key)
        {
            if *seen != fingerprint {
                let message = format!(
                    "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request."
                );
                return (error(400, "idempotency_error", None, &message, None), false);
            }
            let body = serde_json::from_str(saved).unwrap_or(Value::Null);
            return (Reply { status: *status, body, keep: false }, true);
        }
        let pairs = form::decode(body);
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let reply = match (method.as_str(), segments.as_slice()) {
            ("POST", ["v1", "checkout", "sessions"]) => self.create_session(&mut inner, &pairs),
            ("GET", ["v1", "checkout", "sessions", id]) => match inner.sessions.get(*id) {
                Some(session) => ok(session.to_json()),
                None => no_such("checkout.session", id, "id"),
            },
            ("POST", ["v1", "checkout", "sessions", id, "expire"]) => match inner.sessions.get_mut(*id) {
                Some(session) if session.status == "open" => {
                    session.status = "expired";
                    session.url = None;
                    ok(session.to_json())
                }
                Some(session) => {
                    let message = format!(
                        "Only Checkout Sessions with a status in [\"open\"] can be expired. This Checkout Session has a status of \"{}\".",
                        session.status
                    );
                    Reply { keep: true, ..error(400, "invalid_request_error", None, &message, None) }
                }
                None => no_such("checkout.session", id, "id"),
            },
            ("POST", ["v1", "refunds"]) => refund(&mut inner, &pairs),
            _ => error(
                404,
                "invalid_request_error",
                None,
                &format!("Unrecognized request URL ({method}: {path})."),
                None,
            ),
        };
        if *method == Method::POST
            && reply.keep
            && let Some(key) = idempotency_key
        {
            inner.idempotency.insert(key, (fingerprint, reply.status, reply.body.to_string()));
        }
        (reply, false)
    }

    fn create_session(&self, inner: &mut Inner, pairs: &[(String, String)]) -> Reply {
        let mut fields: BTreeMap<&str, &str> = BTreeMap::new();
        let mut metadata = BTreeMap::new();
        let mut methods: BTreeMap<usize, &str> = BTreeMap::new();
        // index -> (currency, unit_amount, name, quantity)
        let mut items: BTreeMap<usize, [Option<&str>; 4]> = BTreeMap::new();
        let mut wechat_client = None;
        for (key, value) in pairs {
            let (base, parts) = split_key(key);
            match (base, parts.as_slice()) {
                (
                    "mode" | "success_url" | "cancel_url" | "client_reference_id" | "customer_email" | "expires_at",
                    [],
                ) => {
                    fields.insert(base, value);
                }
                ("metadata", [name]) => {
                    metadata.insert(name.to_string(), value.clone());
                }
                ("payment_method_types", [index]) if index.parse::<usize>().is_ok() => {
                    if !["card", "alipay", "wechat_pay"].contains(&value.as_str()) {
                        return invalid(key, &format!("Invalid payment_method_types: {value}"));
                    }
                    methods.insert(index.parse().unwrap_or_default(), value);
                }
                ("payment_method_options", ["wechat_pay", "client"]) => {
                    if !["web", "ios", "android"].contains(&value.as_str()) {
                        return invalid(key, "Invalid client: must be one of web, ios, android");
                    }
                    wechat_client = Some(value);
                }
                ("line_items", [index, rest @ ..]) if index.parse::<usize>().is_ok() => {
                    let slot = match rest {
                        ["price_data", "currency"] => 0,
                        ["price_data", "unit_amount"] => 1,
                        ["price_data", "product_data", "name"] => 2,
                        ["quantity"] => 3,
                        _ => return invalid(key, &format!("Received unknown parameter: {key}")),
                    };
                    items.entry(index.parse().unwrap_or_default()).or_default()[slot] = Some(value);
                }
                _ => return invalid(key, &format!("Received unknown parameter: {key}")),
            }
        }
        match fields.get("mode") {
            None => return missing("mode"),
            Some(&"payment") => {}
            Some(_) => return invalid("mode", "This stand-in only supports mode=payment."),
        }
        let Some(success_url) = fields.get("success_url") else { return missing("success_url") };
        if !success_url.starts_with("http://") && !success_url.starts_with("https://") {
            return invalid("success_url", "Not a valid URL");
        }
        if items.is_empty() {
            return missing("line_items");
        }
        let mut currency: Option<&str> = None;
        let mut total: i64 = 0;
        for (index, [item_currency, unit_amount, name, quantity]) in &items {
            let param = |rest: &str| format!("line_items[{index}]{rest}");
            let Some(item_currency) = item_currency else { return missing(&param("[price_data][currency]")) };
            let Some(unit_amount) = unit_amount else { return missing(&param("[price_data][unit_amount]")) };
            let Some(_name) = name else { return missing(&param("[price_data][product_data][name]")) };
            let Some(quantity) = quantity else { return missing(&param("[quantity]")) };
            if item_currency.len() != 3 || !item_currency.bytes().all(|b| b.is_ascii_lowercase()) {
                return invalid(&param("[price_data][currency]"), "Invalid currency");
            }
            if *currency.get_or_insert(item_currency) != *item_currency {
                return invalid(&param("[price_data][currency]"), "All line items must use the same currency.");
            }
            let Ok(unit_amount) = unit_amount.parse::<i64>() else {
                return invalid(&param("[price_data][unit_amount]"), "Invalid integer");
            };
            let Ok(quantity) = quantity.parse::<i64>() else {
                return invalid(&param("[quantity]"), "Invalid integer");
            };
            if unit_amount < 0 || quantity < 1 {
                return invalid(&param("[quantity]"), "Amounts must be non-negative and quantities positive.");
            }
            match unit_amount.checked_mul(quantity).and_then(|line| total.checked_add(line)) {
                Some(sum) => total = sum,
                None => return invalid(&param("[price_data][unit_amount]"), "The total is too large."),
            }
        }
        if methods.values().any(|m| *m == "wechat_pay") && wechat_client.is_none() {
            return missing("payment_method_options[wechat_pay][client]");
        }
        let now = now_unix();
        let expires_at = match fields.get("expires_at").map(|v| v.parse::<i64>()) {
            None => now + MAX_SESSION_LIFETIME_SECS,
            Some(Ok(at)) if (now + MIN_SESSION_LIFETIME_SECS..=now + MAX_SESSION_LIFETIME_SECS).contains(&at) => at,
            Some(_) => {
                return invalid(
                    "expires_at",
                    "The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.",
                );
            }
        };
        let id = format!("cs_test_{}", inner.next());
        let session = Session {
            url: Some(format!("{}/pay/{id}", self.base_url)),
            id: id.clone(),
            status: "open",
            payment_status: "unpaid",
            amount_total: total,
            currency: currency.unwrap_or_default().to_string(),
            payment_intent: None,
            client_reference_id: fields.get("client_reference_id").map(|s| s.to_string()),
            customer_email: fields.get("customer_email").map(|s| s.to_string()),
            metadata,
            payment_method_types: if methods.is_empty() {
                vec!["card".to_string()]
            } else {
                methods.values().map(|m| m.to_string()).collect()
            },
            created: now,
            expires_at,
        };
        let reply = ok(session.to_json());
        inner.sessions.insert(id, session);
        reply
    }
}

fn refund(inner: &mut Inner, pairs: &[(String, String)]) -> Reply {
    let mut payment_intent = None;
    let mut amount = None;
    let mut metadata = BTreeMap::new();
    for (key, value) in pairs {
        let (base, parts) = split_key(key);
        match (base, parts.as_slice()) {
            ("payment_intent", []) => payment_intent = Some(value.as_str()),
            ("amount", []) => match value.parse::<i64>() {
                Ok(a) if a > 0 => amount = Some(a),
                _ => return invalid("amount", "Invalid positive integer"),
            },
            ("reason", []) => {
                if !["duplicate", "fraudulent", "requested_by_customer"].contains(&value.as_str()) {
                    return invalid("reason", "Invalid reason");
                }
            }
            ("metadata", [name]) => {
                metadata.insert(name.to_string(), value.clone());
            }
            _ => return invalid(key, &format!("Received unknown parameter: {key}")),
        }
    }
    let Some(payment_intent) = payment_intent else { return missing("payment_intent") };
    let id = format!("re_test_{}", inner.next());
    let Some((captured, refunded, currency)) = inner.payments.get_mut(payment_intent) else {
        return no_such("payment_intent", payment_intent, "payment_intent");
    };
    if *captured == 0 {
        let message = "This PaymentIntent has no successful charge to refund.";
        return Reply {
            keep: true,
            ..error(400, "invalid_request_error", Some("charge_not_refundable"), message, Some("payment_intent"))
        };
    }
    let remaining = *captured - *refunded;
    let amount = amount.unwrap_or(remaining);
    if amount > remaining {
        let message = format!("Refund amount ({amount}) is greater than unrefunded amount on charge ({remaining})");
        return Reply {
            keep: true,
            ..error(400, "invalid_request_error", Some("amount_too_large"), &message, Some("amount"))
        };
    }
    if remaining == 0 {
        let message = "Charge has already been refunded.";
        return Reply {
            keep: true,
            ..error(400, "invalid_request_error", Some("charge_already_refunded"), message, None)
        };
    }
    *refunded += amount;
    ok(json!({
        "id": id, "object": "refund", "status": "succeeded", "amount": amount,
        "currency": currency, "payment_intent": payment_intent, "metadata": metadata,
        "created": now_unix(),
    }))
}

fn no_such(kind: &str, id: &str, param: &str) -> Reply {
    error(404, "invalid_request_error", Some("resource_missing"), &format!("No such {kind}: '{id}'"), Some(param))
}

/// `line_items[0][price_data][currency]` → (`line_items`, [`0`,
/// `price_data`, `currency`]). A key with unbalanced brackets gives parts
/// that match no known parameter.
fn split_key(key: &str) -> (&str, Vec<&str>) {
    let Some(open) = key.find('[') else { return (key, Vec::new()) };
    let (base, mut rest) = key.split_at(open);
    let mut parts = Vec::new();
    while let Some(inner) = rest.strip_prefix('[') {
        let Some(close) = inner.find(']') else {
            parts.push(rest);
            rest = "";
            break;
        };
        parts.push(&inner[..close]);
        rest = &inner[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(rest);
    }
    (base, parts)
}

#[cfg(test)]
mod tests {
    use super::split_key;

    #[test]
    fn keys_split_at_brackets() {
        assert_eq!(split_key("mode"), ("mode", vec![]));
        assert_eq!(
            split_key("line_items[0][price_data][currency]"),
            ("line_items", vec!["0", "price_data", "currency"])
        );
        assert_eq!(split_key("metadata[order_id]"), ("metadata", vec!["order_id"]));
        assert_eq!(split_key("metadata[x"), ("metadata", vec!["[x"]));
        assert_eq!(split_key("metadata[x]y"), ("metadata", vec!["x", "y"]));
    }
}
