//! Stripe's webhook signatures: `Stripe-Signature: t=<unix>,v1=<hex>,...`,
//! where each `v1` is HMAC-SHA256 of `"{t}.{raw body}"` keyed with the
//! endpoint's whole `whsec_...` secret string.

use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::{CheckoutSession, Refund};

/// Stripe's recommended tolerance between the signature's time and ours.
pub const DEFAULT_TOLERANCE_SECS: i64 = 300;

/// Why a webhook was refused. Answer any of these with a 400: Stripe
/// retries, which is right for a secret being rotated in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    /// No `Stripe-Signature` header.
    #[error("the Stripe-Signature header is missing")]
    MissingHeader,
    /// The header has no timestamp, a bad one, or no `v1` signature.
    #[error("the Stripe-Signature header is malformed: {0}")]
    Malformed(&'static str),
    /// No `v1` signature matches any configured secret.
    #[error("no signature matches the configured webhook secrets")]
    NoMatchingSignature,
    /// Signed too long ago (or too far in the future): a replay.
    #[error("the signature is {age_secs} s old, outside the tolerance")]
    Stale {
        /// Our time minus the signature's; negative if from the future.
        age_secs: i64,
    },
    /// Correctly signed but not an event we can read.
    #[error("the signed body is not a Stripe event: {0}")]
    BadJson(String),
}

/// A Stripe event (the fields Tessera uses).
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// `evt_...`; Stripe may deliver an event more than once, so handlers
    /// must be idempotent on this id (or on the object's state).
    pub id: String,
    /// `checkout.session.completed`, `refund.updated`, ...
    pub event_type: String,
    /// When the event happened (unix seconds).
    pub created: i64,
    /// `data.object`: the object the event is about, as sent.
    pub object: serde_json::Value,
    /// Whether it comes from live mode (false for test keys).
    pub livemode: bool,
}

impl Event {
    /// The Checkout Session, if this event is about one
    /// (`checkout.session.*`).
    pub fn checkout_session(&self) -> Option<CheckoutSession> {
        self.object_of_kind("checkout.session")
    }

    /// The refund, if this event is about one (`refund.*`).
    pub fn refund(&self) -> Option<Refund> {
        self.object_of_kind("refund")
    }

    fn object_of_kind<T: serde::de::DeserializeOwned>(&self, kind: &str) -> Option<T> {
        if self.object.get("object").and_then(|v| v.as_str()) != Some(kind) {
            return None;
        }
        serde_json::from_value(self.object.clone()).ok()
    }
}

/// Checks a webhook and reads its event. The signature must be a `v1`
/// HMAC of `"{t}.{body}"` under any of `secrets` (several while one is
/// being rotated in), compared in constant time; then `t` must be within
/// `tolerance_secs` of `now_unix`, so a captured request cannot be replayed
/// later. `body` must be the raw bytes received, before any parsing.
pub fn verify_webhook(
    body: &[u8],
    header: Option<&str>,
    secrets: &[String],
    now_unix: i64,
    tolerance_secs: i64,
) -> Result<Event, WebhookError> {
    let header = header.ok_or(WebhookError::MissingHeader)?;
    let (timestamp, signatures) = parse_header(header)?;
    let matched = secrets.iter().any(|secret| {
        let expected = mac(secret, timestamp, body);
        // Every candidate is compared, so timing says nothing about which.
        signatures.iter().fold(false, |found, candidate| found | bool::from(candidate.as_slice().ct_eq(&expected)))
    });
    if !matched {
        return Err(WebhookError::NoMatchingSignature);
    }
    let age_secs = now_unix.saturating_sub(timestamp);
    if age_secs.unsigned_abs() > tolerance_secs.unsigned_abs() {
        return Err(WebhookError::Stale { age_secs });
    }
    parse_event(body)
}

/// The `Stripe-Signature` value Stripe would send for `body` signed with
/// `secret` at `timestamp_unix` (for tests and the stand-in).
pub fn sign_webhook(body: &[u8], secret: &str, timestamp_unix: i64) -> String {
    let signature = data_encoding::HEXLOWER.encode(&mac(secret, timestamp_unix, body));
    format!("t={timestamp_unix},v1={signature}")
}

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize().into_bytes().into()
}

/// The timestamp and the decoded `v1` signatures. Other schemes (`v0`, the
/// test-mode scheme) are ignored; a `v1` that is not 64 hex digits can match
/// nothing and is dropped.
fn parse_header(header: &str) -> Result<(i64, Vec<Vec<u8>>), WebhookError> {
    const MAX_ITEMS: usize = 64;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for (index, item) in header.split(',').enumerate() {
        if index == MAX_ITEMS {
            return Err(WebhookError::Malformed("too many items"));
        }
        let Some((key, value)) = item.trim().split_once('=') else {
            return Err(WebhookError::Malformed("an item is not key=value"));
        };
        match key {
            "t" => {
                if timestamp.is_some() {
                    return Err(WebhookError::Malformed("more than one timestamp"));
                }
                let t = value.parse::<i64>().map_err(|_| WebhookError::Malformed("the timestamp is not a number"))?;
                timestamp = Some(t);
            }
            "v1" => {
                if let Ok(bytes) = data_encoding::HEXLOWER_PERMISSIVE.decode(value.as_bytes())
                    && bytes.len() == 32
                {
                    signatures.push(bytes);
                }
            }
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(WebhookError::Malformed("no timestamp"))?;
    if signatures.is_empty() {
        return Err(WebhookError::Malformed("no v1 signature"));
    }
    Ok((timestamp, signatures))
}

fn parse_event(body: &[u8]) -> Result<Event, WebhookError> {
    #[derive(Deserialize)]
    struct Raw {
        id: String,
        #[serde(rename = "type")]
        event_type: String,
        created: i64,
        data: Data,
        #[serde(default)]
        livemode: bool,
    }
    #[derive(Deserialize)]
    struct Data {
        object: serde_json::Value,
    }
    let raw: Raw = serde_json::from_slice(body).map_err(|e| WebhookError::BadJson(e.to_string()))?;
    Ok(Event {
        id: raw.id,
        event_type: raw.event_type,
        created: raw.created,
        object: raw.data.object,
        livemode: raw.livemode,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";
    const NOW: i64 = 1_700_000_000;

    fn body() -> Vec<u8> {
        serde_json::json!({
            "id": "evt_1", "object": "event", "type": "checkout.session.completed",
            "created": NOW, "livemode": false,
            "data": {"object": {
                "id": "cs_test_1", "object": "checkout.session", "status": "complete",
                "payment_status": "paid", "amount_total": 9000, "currency": "eur",
                "payment_intent": "pi_1", "client_reference_id": "ord_1",
                "metadata": {"order_id": "ord_1", "org_id": "org_1"}, "url": null
            }}
        })
        .to_string()
        .into_bytes()
    }

    fn secrets(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    /// The signature computed the long way, independently of `mac`.
    fn reference_signature(secret: &str, t: i64, body: &[u8]) -> String {
        let mut signed = format!("{t}.").into_bytes();
        signed.extend_from_slice(body);
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(&signed);
        data_encoding::HEXLOWER.encode(&mac.finalize().into_bytes())
    }

    #[test]
    fn a_good_signature_gives_the_event_and_its_session() {
        let body = body();
        let header = sign_webhook(&body, SECRET, NOW - 10);
        assert_eq!(header, format!("t={},v1={}", NOW - 10, reference_signature(SECRET, NOW - 10, &body)));
        let event = verify_webhook(&body, Some(&header), &secrets(&[SECRET]), NOW, 300).unwrap();
        assert_eq!(event.event_type, "checkout.session.completed");
        assert_eq!(event.id, "evt_1");
        assert!(!event.livemode);
        let session = event.checkout_session().unwrap();
        assert_eq!(session.amount_total, Some(9000));
        assert_eq!(session.payment_intent.as_deref(), Some("pi_1"));
        assert_eq!(session.metadata["org_id"], "org_1");
        assert_eq!(event.refund(), None);
    }

    #[test]
    fn forged_or_altered_requests_are_refused() {
        let body = body();
        let header = sign_webhook(&body, "whsec_someone_else", NOW);
        assert_eq!(
            verify_webhook(&body, Some(&header), &secrets(&[SECRET]), NOW, 300),
            Err(WebhookError::NoMatchingSignature)
        );
        let header = sign_webhook(&body, SECRET, NOW);
        let mut altered = body.clone();
        altered[10] ^= 1;
        assert_eq!(
            verify_webhook(&altered, Some(&header), &secrets(&[SECRET]), NOW, 300),
            Err(WebhookError::NoMatchingSignature)
        );
        // A signature moved to another timestamp no longer matches.
        let moved = header.replace(&format!("t={NOW}"), &format!("t={}", NOW + 1));
        assert_eq!(
            verify_webhook(&body, Some(&moved), &secrets(&[SECRET]), NOW, 300),
            Err(WebhookError::NoMatchingSignature)
        );
        assert_eq!(verify_webhook(&body, Some(&header), &[], NOW, 300), Err(WebhookError::NoMatchingSignature));
    }

    #[test]
    fn stale_and_future_signatures_are_refused() {
        let body = body();
        let old = sign_webhook(&body, SECRET, NOW - 301);
        assert_eq!(
            verify_webhook(&body, Some(&old), &secrets(&[SECRET]), NOW, 300),
            Err(WebhookError::Stale { age_secs: 301 })
        );
        let edge = sign_webhook(&body, SECRET, NOW - 300);
        assert!(verify_webhook(&body, Some(&edge), &secrets(&[SECRET]), NOW, 300).is_ok());
        let future = sign_webhook(&body, SECRET, NOW + 400);
        assert_eq!(
            verify_webhook(&body, Some(&future), &secrets(&[SECRET]), NOW, 300),
            Err(WebhookError::Stale { age_secs: -400 })
        );
    }

    #[test]
    fn any_signature_under_any_secret_is_accepted_during_rotation() {
        let body = body();
        let old = reference_signature("whsec_old", NOW, &body);
        let new = reference_signature("whsec_new", NOW, &body);
        let header = format!("t={NOW},v1={},v1={old},v0=deadbeef", "0".repeat(64));
        let configured = secrets(&["whsec_unrelated", "whsec_old"]);
        assert!(verify_webhook(&body, Some(&header), &configured, NOW, 300).is_ok());
        let header = format!("t={NOW}, v1={new}, v1={old}");
        assert!(verify_webhook(&body, Some(&header), &secrets(&["whsec_new"]), NOW, 300).is_ok());
        assert!(verify_webhook(&body, Some(&header), &secrets(&["whsec_other", "whsec_new"]), NOW, 300).is_ok());
        // Only v1 counts: the right MAC under another scheme name does not.
        let header = format!("t={NOW},v0={new},v1={}", "1".repeat(64));
        assert_eq!(
            verify_webhook(&body, Some(&header), &secrets(&["whsec_new"]), NOW, 300),
            Err(WebhookError::NoMatchingSignature)
        );
    }

    #[test]
    fn malformed_headers_are_named() {
        let body = body();
        let sig = reference_signature(SECRET, NOW, &body);
        assert_eq!(verify_webhook(&body, None, &secrets(&[SECRET]), NOW, 300), Err(WebhookError::MissingHeader));
        for header in [
            "".to_string(),
            "garbage".to_string(),
            format!("v1={sig}"),
            format!("t=soon,v1={sig}"),
            format!("t={NOW}"),
            format!("t={NOW},v0={sig}"),
            format!("t={NOW},t={NOW},v1={sig}"),
        ] {
            assert!(
                matches!(
                    verify_webhook(&body, Some(&header), &secrets(&[SECRET]), NOW, 300),
                    Err(WebhookError::Malformed(_))
                ),
                "{header:?}"
            );
        }
    }

    #[test]
    fn a_signed_body_that_is_not_an_event_is_bad_json() {
        let body = b"{\"hello\":1}";
        let header = sign_webhook(body, SECRET, NOW);
        assert!(matches!(
            verify_webhook(body, Some(&header), &secrets(&[SECRET]), NOW, 300),
            Err(WebhookError::BadJson(_))
        ));
    }

    #[test]
    fn refund_events_give_the_refund() {
        let body = serde_json::json!({
            "id": "evt_2", "type": "refund.updated", "created": NOW, "livemode": true,
            "data": {"object": {"id": "re_1", "object": "refund", "status": "failed",
                "amount": 500, "currency": "eur", "payment_intent": "pi_1", "metadata": {}}}
        })
        .to_string();
        let header = sign_webhook(body.as_bytes(), SECRET, NOW);
        let event = verify_webhook(body.as_bytes(), Some(&header), &secrets(&[SECRET]), NOW, 300).unwrap();
        let refund = event.refund().unwrap();
        assert_eq!(refund.status, super::super::RefundStatus::Failed);
        assert_eq!(refund.amount, 500);
        assert!(event.checkout_session().is_none());
    }
}
