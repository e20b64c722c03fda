//! What can go wrong talking to Stripe, and whether trying again can help.

use serde::Deserialize;

/// Stripe's error body, `{"error": {"type", "code", "message", "param",
/// "decline_code"}}`, with the HTTP status it came with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// `api_error`, `card_error`, `idempotency_error`,
    /// `invalid_request_error`, ... (empty if the body had none).
    pub error_type: String,
    /// A machine-readable reason, e.g. `amount_too_large`, `resource_missing`.
    pub code: Option<String>,
    /// Stripe's human-readable explanation.
    pub message: Option<String>,
    /// The request parameter at fault.
    pub param: Option<String>,
    /// For declined cards, the issuer's reason.
    pub decline_code: Option<String>,
}

/// A failed call to Stripe. Never contains the secret key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StripeError {
    /// Stripe answered with an error body.
    #[error("Stripe refused the request ({}, HTTP {}): {}", .0.error_type, .0.status, .0.message.as_deref().unwrap_or("no message"))]
    Api(Box<ApiError>),
    /// No answer: the connection failed or broke.
    #[error("could not reach Stripe: {0}")]
    Network(String),
    /// No answer within [`super::REQUEST_TIMEOUT`].
    #[error("Stripe did not answer in time")]
    Timeout,
    /// An answer this crate could not read.
    #[error("unreadable answer from Stripe (HTTP {status}): {detail}")]
    Decode {
        /// The HTTP status.
        status: u16,
        /// What did not parse.
        detail: String,
    },
    /// The request was refused before it was sent (a bad id, no line items).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The client could not be built (bad base URL, TLS setup).
    #[error("Stripe client configuration: {0}")]
    Config(String),
}

impl StripeError {
    /// Whether sending the same request again (with the same idempotency
    /// key) may succeed: network failures, timeouts, 429, 5xx, Stripe's
    /// `api_error`, and lock timeouts. Invalid requests, card declines,
    /// idempotency mismatches and bad keys are permanent.
    pub fn is_retryable(&self) -> bool {
        match self {
            StripeError::Network(_) | StripeError::Timeout => true,
            StripeError::Api(e) => {
                // 409: the same idempotency key is in flight in another request.
                e.status == 409
                    || e.status == 429
                    || e.status >= 500
                    || e.error_type == "api_error"
                    || e.code.as_deref() == Some("lock_timeout")
            }
            // A proxy's HTML page in front of a 502 is worth another try; an
            // unreadable success is not going to read better next time.
            StripeError::Decode { status, .. } => *status == 429 || *status >= 500,
            StripeError::InvalidRequest(_) | StripeError::Config(_) => false,
        }
    }

    /// The HTTP status, when Stripe answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            StripeError::Api(e) => Some(e.status),
            StripeError::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Stripe's error `code` (e.g. `amount_too_large`), when it sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            StripeError::Api(e) => e.code.as_deref(),
            _ => None,
        }
    }

    /// Whether the secret key was refused (HTTP 401): a configuration
    /// problem, not a payment problem.
    pub fn is_authentication(&self) -> bool {
        self.status() == Some(401)
    }

    pub(crate) fn from_transport(error: reqwest::Error) -> StripeError {
        if error.is_timeout() {
            return StripeError::Timeout;
        }
        // reqwest's own message is terse ("error sending request"); the
        // causes say what happened (refused, reset, certificate).
        let mut causes = String::new();
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            causes.push_str(": ");
            causes.push_str(&cause.to_string());
            source = cause.source();
        }
        StripeError::Network(format!("{}{causes}", error.without_url()))
    }

    /// Reads an error answer. A body that is not Stripe's shape still gives
    /// an error with the status, so nothing is lost.
    pub(crate) fn from_response(status: u16, body: &[u8]) -> StripeError {
        #[derive(Deserialize)]
        struct Envelope {
            error: Body,
        }
        #[derive(Deserialize)]
        struct Body {
            #[serde(rename = "type", default)]
            error_type: Option<String>,
            code: Option<String>,
            message: Option<String>,
            param: Option<String>,
            decline_code: Option<String>,
        }
        match serde_json::from_slice::<Envelope>(body) {
            Ok(Envelope { error }) => StripeError::Api(Box::new(ApiError {
                status,
                error_type: error.error_type.unwrap_or_default(),
                code: error.code,
                message: error.message,
                param: error.param,
                decline_code: error.decline_code,
            })),
            Err(e) => StripeError::Decode { status, detail: format!("not a Stripe error body: {e}") },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_stripes_error_body() {
        let body = br#"{"error":{"type":"invalid_request_error","code":"amount_too_large",
            "message":"Refund amount is greater than unrefunded amount","param":"amount",
            "doc_url":"https://stripe.com/docs/error-codes/amount-too-large"}}"#;
        let error = StripeError::from_response(400, body);
        assert_eq!(
            error,
            StripeError::Api(Box::new(ApiError {
                status: 400,
                error_type: "invalid_request_error".into(),
                code: Some("amount_too_large".into()),
                message: Some("Refund amount is greater than unrefunded amount".into()),
                param: Some("amount".into()),
                decline_code: None,
            }))
        );
        assert_eq!(error.code(), Some("amount_too_large"));
        assert!(!error.is_retryable());
    }

    #[test]
    fn card_errors_keep_the_decline_code() {
        let body = br#"{"error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds","message":"Your card has insufficient funds."}}"#;
        let StripeError::Api(error) = StripeError::from_response(402, body) else { panic!() };
        assert_eq!(error.decline_code.as_deref(), Some("insufficient_funds"));
    }

    #[test]
    fn retryable_and_permanent_failures() {
        let api = |status, error_type: &str| {
            StripeError::from_response(status, format!(r#"{{"error":{{"type":"{error_type}"}}}}"#).as_bytes())
        };
        assert!(api(429, "invalid_request_error").is_retryable());
        assert!(api(500, "api_error").is_retryable());
        assert!(api(503, "").is_retryable());
        assert!(api(400, "api_error").is_retryable());
        assert!(!api(400, "invalid_request_error").is_retryable());
        assert!(!api(402, "card_error").is_retryable());
        assert!(!api(400, "idempotency_error").is_retryable());
        assert!(!api(401, "authentication_error").is_retryable());
        assert!(api(401, "invalid_request_error").is_authentication());
        assert!(StripeError::Timeout.is_retryable());
        assert!(StripeError::Network("reset".into()).is_retryable());
        assert!(StripeError::from_response(502, b"<html>Bad gateway</html>").is_retryable());
        assert!(!StripeError::Decode { status: 200, detail: String::new() }.is_retryable());
    }
}
