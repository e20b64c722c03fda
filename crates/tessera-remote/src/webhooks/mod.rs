//! Webhooks we send to integrators, per the Standard Webhooks convention
//! (standardwebhooks.com): headers `webhook-id`, `webhook-timestamp` and
//! `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`,
//! keyed with the base64-decoded part of a `whsec_...` secret.
//!
//! The caller owns the queue (rows in its database) and calls
//! [`Deliverer::deliver`] once per attempt; [`next_attempt_delay`] says when
//! to try again.

mod delivery;
mod url_policy;

use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

pub use delivery::{DELIVERY_TIMEOUT, Deliverer, DeliveryResult, RESPONSE_EXCERPT_BYTES, USER_AGENT};
pub use url_policy::{UrlError, UrlPolicy, check_endpoint_url};

/// The prefix of every signing secret.
pub const SECRET_PREFIX: &str = "whsec_";

/// Random bytes in a secret made by [`new_secret`].
const NEW_SECRET_BYTES: usize = 32;

/// The tolerance integrators are told to use, and [`verify`]'s usual one.
pub const DEFAULT_TOLERANCE_SECS: i64 = 300;

/// How many attempts a message gets before the caller gives up on it.
pub const MAX_ATTEMPTS: u32 = 8;

/// Why a secret cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// Not `whsec_` followed by base64 of 24 to 64 bytes.
    #[error("a webhook secret is \"whsec_\" followed by base64 of 24 to 64 bytes")]
    Malformed,
}

/// Why a webhook failed verification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// A configured secret is malformed.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// The `webhook-id` is empty or the `webhook-timestamp` not a number.
    #[error("the webhook headers are malformed")]
    Malformed,
    /// Signed too long ago or too far in the future.
    #[error("the webhook timestamp is {age_secs} s away from now, outside the tolerance")]
    Stale {
        /// Now minus the timestamp.
        age_secs: i64,
    },
    /// No `v1` signature matches any secret.
    #[error("no webhook signature matches")]
    NoMatchingSignature,
}

/// A new signing secret: `whsec_` and base64 of 32 random bytes.
///
/// # Panics
/// If the operating system's random source fails, which leaves nothing
/// safe to do.
pub fn new_secret() -> String {
    let mut bytes = [0u8; NEW_SECRET_BYTES];
    getrandom::fill(&mut bytes).expect("the OS random source works");
    format!("{SECRET_PREFIX}{}", data_encoding::BASE64.encode(&bytes))
}

/// The key inside a secret. The prefix is optional, as in the reference
/// libraries, so integrators can paste either form.
fn secret_key(secret: &str) -> Result<Vec<u8>, SecretError> {
    let encoded = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
    let key = data_encoding::BASE64.decode(encoded.as_bytes()).map_err(|_| SecretError::Malformed)?;
    if (24..=64).contains(&key.len()) { Ok(key) } else { Err(SecretError::Malformed) }
}

fn mac(key: &[u8], msg_id: &str, timestamp_unix: i64, body: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(msg_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp_unix.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize().into_bytes().into()
}

/// The `webhook-signature` value: `v1,<base64>` for each secret,
/// space-separated (several while the endpoint's secret is being rotated).
pub fn sign(secrets: &[&str], msg_id: &str, timestamp_unix: i64, body: &[u8]) -> Result<String, SecretError> {
    let mut signatures = Vec::with_capacity(secrets.len());
    for secret in secrets {
        let key = secret_key(secret)?;
        signatures.push(format!("v1,{}", data_encoding::BASE64.encode(&mac(&key, msg_id, timestamp_unix, body))));
    }
    Ok(signatures.join(" "))
}

/// What an integrator does on receipt: the timestamp must be within
/// `tolerance_secs` of `now_unix`, and some `v1` signature in
/// `signature_header` must match the HMAC under some secret (compared in
/// constant time).
pub fn verify(
    secrets: &[&str],
    msg_id: &str,
    timestamp_header: &str,
    signature_header: &str,
    body: &[u8],
    now_unix: i64,
    tolerance_secs: i64,
) -> Result<(), VerifyError> {
    let timestamp: i64 = timestamp_header.trim().parse().map_err(|_| VerifyError::Malformed)?;
    if msg_id.is_empty() {
        return Err(VerifyError::Malformed);
    }
    let age_secs = now_unix.saturating_sub(timestamp);
    if age_secs.unsigned_abs() > tolerance_secs.unsigned_abs() {
        return Err(VerifyError::Stale { age_secs });
    }
    let candidates: Vec<Vec<u8>> = signature_header
        .split(' ')
        .filter_map(|item| item.strip_prefix("v1,"))
        .filter_map(|b64| data_encoding::BASE64.decode(b64.as_bytes()).ok())
        .collect();
    let mut matched = false;
    for secret in secrets {
        let expected = mac(&secret_key(secret)?, msg_id, timestamp, body);
        for candidate in &candidates {
            matched |= bool::from(candidate.as_slice().ct_eq(&expected));
        }
    }
    if matched { Ok(()) } else { Err(VerifyError::NoMatchingSignature) }
}

/// How long to wait before attempt `failed_attempts + 1`, given that
/// `failed_attempts` attempts have failed: nothing before the first, then
/// 30 s, 2 min, 10 min, 1 h, 4 h, 8 h, and 12 h from then on, each plus up
/// to 20 % random jitter so that endpoints coming back from an outage are
/// not hit by every queued message at once.
pub fn next_attempt_delay(failed_attempts: u32) -> Duration {
    const SCHEDULE_SECS: [u64; 7] = [30, 2 * 60, 10 * 60, 60 * 60, 4 * 3600, 8 * 3600, 12 * 3600];
    if failed_attempts == 0 {
        return Duration::ZERO;
    }
    let index = (failed_attempts as usize - 1).min(SCHEDULE_SECS.len() - 1);
    let base_ms = SCHEDULE_SECS[index] * 1000;
    // Without randomness the schedule still works; it is only less spread.
    let jitter_ms = getrandom::u64().map(|r| r % (base_ms / 5 + 1)).unwrap_or(0);
    Duration::from_millis(base_ms + jitter_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    // A fixed secret: base64 of the bytes 0, 1, ..., 31.
    fn fixed_secret() -> String {
        let bytes: Vec<u8> = (0u8..32).collect();
        format!("whsec_{}", data_encoding::BASE64.encode(&bytes))
    }

    /// The signature computed independently: the whole signed content
    /// assembled first, then one HMAC call.
    fn reference(key: &[u8], id: &str, t: i64, body: &str) -> String {
        let content = format!("{id}.{t}.{body}");
        let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
        mac.update(content.as_bytes());
        format!("v1,{}", data_encoding::BASE64.encode(&mac.finalize().into_bytes()))
    }

    #[test]
    fn new_secrets_are_prefixed_random_and_usable() {
        let (a, b) = (new_secret(), new_secret());
        assert!(a.starts_with("whsec_"));
        assert_ne!(a, b);
        assert_eq!(secret_key(&a).unwrap().len(), 32);
    }

    #[test]
    fn signatures_match_an_independent_computation() {
        let secret = fixed_secret();
        let key: Vec<u8> = (0u8..32).collect();
        let body = r#"{"type":"order.paid","data":{"id":"ord_1"}}"#;
        let header = sign(&[&secret], "msg_1", 1_700_000_000, body.as_bytes()).unwrap();
        assert_eq!(header, reference(&key, "msg_1", 1_700_000_000, body));
        assert!(verify(&[&secret], "msg_1", "1700000000", &header, body.as_bytes(), 1_700_000_010, 300).is_ok());
        // The prefix is optional.
        let bare = secret.trim_start_matches("whsec_");
        assert_eq!(sign(&[bare], "msg_1", 1_700_000_000, body.as_bytes()).unwrap(), header);
    }

    #[test]
    fn the_example_published_with_the_specification_verifies() {
        // The example the Standard Webhooks reference libraries test with.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"test": 2432232314}"#;
        let expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        assert_eq!(sign(&[secret], "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).unwrap(), expected);
        assert!(
            verify(&[secret], "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", expected, body, 1614265330, 300).is_ok()
        );
    }

    #[test]
    fn verification_refuses_changes_staleness_and_other_secrets() {
        let secret = fixed_secret();
        let body = b"{}";
        let header = sign(&[&secret], "msg_1", 1000, body).unwrap();
        assert_eq!(
            verify(&[&secret], "msg_2", "1000", &header, body, 1000, 300),
            Err(VerifyError::NoMatchingSignature)
        );
        assert_eq!(
            verify(&[&secret], "msg_1", "1001", &header, b"{}", 1000, 300),
            Err(VerifyError::NoMatchingSignature)
        );
        assert_eq!(
            verify(&[&secret], "msg_1", "1000", &header, b"{ }", 1000, 300),
            Err(VerifyError::NoMatchingSignature)
        );
        assert_eq!(
            verify(&[&secret], "msg_1", "1000", &header, body, 1301, 300),
            Err(VerifyError::Stale { age_secs: 301 })
        );
        assert_eq!(
            verify(&[&secret], "msg_1", "1000", &header, body, 699, 300),
            Err(VerifyError::Stale { age_secs: -301 })
        );
        assert!(verify(&[&secret], "msg_1", "1000", &header, body, 1300, 300).is_ok());
        assert_eq!(verify(&[&secret], "msg_1", "soon", &header, body, 1000, 300), Err(VerifyError::Malformed));
        let other = new_secret();
        assert_eq!(verify(&[&other], "msg_1", "1000", &header, body, 1000, 300), Err(VerifyError::NoMatchingSignature));
        assert_eq!(
            verify(&["whsec_c2hvcnQ="], "msg_1", "1000", &header, body, 1000, 300),
            Err(SecretError::Malformed.into())
        );
    }

    #[test]
    fn rotation_sends_one_signature_per_secret_and_either_verifies() {
        let (old, new) = (new_secret(), new_secret());
        let header = sign(&[&old, &new], "msg_9", 50, b"x").unwrap();
        assert_eq!(header.split(' ').count(), 2);
        assert!(verify(&[&old], "msg_9", "50", &header, b"x", 50, 300).is_ok());
        assert!(verify(&[&new], "msg_9", "50", &header, b"x", 50, 300).is_ok());
        assert!(verify(&[&new_secret(), &new], "msg_9", "50", &header, b"x", 50, 300).is_ok());
        assert_eq!(sign(&["nope"], "m", 1, b""), Err(SecretError::Malformed));
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        assert_eq!(next_attempt_delay(0), Duration::ZERO);
        let expected = [30, 120, 600, 3600, 14_400, 28_800, 43_200, 43_200, 43_200];
        for (i, base) in expected.iter().enumerate() {
            let delay = next_attempt_delay(i as u32 + 1);
            let base = Duration::from_secs(*base);
            assert!(delay >= base && delay <= base + base / 5, "attempt {}: {delay:?}", i + 1);
        }
        assert!(next_attempt_delay(u32::MAX) <= Duration::from_secs(43_200 * 6 / 5));
    }
}
