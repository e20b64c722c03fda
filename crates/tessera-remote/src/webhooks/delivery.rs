//! One delivery attempt, with the address checked after DNS and pinned.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use url::Host;

use super::url_policy::{UrlError, check_ip};
use super::{UrlPolicy, check_endpoint_url, sign};

/// How long one attempt may take, connecting and reading included.
pub const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// How much of the endpoint's answer is kept for the delivery log.
pub const RESPONSE_EXCERPT_BYTES: usize = 1024;

/// The `User-Agent` of every delivery.
pub const USER_AGENT: &str = "Tessera-Webhooks/1";

/// Most addresses a name may resolve to before we refuse it.
const MAX_RESOLVED: usize = 32;

/// Sends webhooks. Holds the policy and the TLS configuration; each
/// delivery uses its own connection, pinned to addresses checked for that
/// delivery.
pub struct Deliverer {
    policy: UrlPolicy,
    tls: Result<rustls::ClientConfig, String>,
}

impl std::fmt::Debug for Deliverer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deliverer").field("policy", &self.policy).finish_non_exhaustive()
    }
}

/// The outcome of one attempt, for the delivery log and the retry decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryResult {
    /// The endpoint's HTTP status, if it answered.
    pub status: Option<u16>,
    /// Time from the start of the attempt to its end.
    pub duration_ms: u64,
    /// The first [`RESPONSE_EXCERPT_BYTES`] of the answer, as lossy UTF-8.
    pub response_excerpt: String,
    /// What went wrong, when there was no answer or it was refused before
    /// sending.
    pub error: Option<String>,
    /// Whether to try again later ([`super::next_attempt_delay`]).
    pub retryable: bool,
    /// The endpoint answered 410 Gone: disable it.
    pub gone: bool,
}

impl DeliveryResult {
    /// Whether the endpoint accepted the message (a 2xx answer).
    pub fn delivered(&self) -> bool {
        matches!(self.status, Some(200..=299))
    }

    fn refused(started: Instant, error: String, retryable: bool) -> DeliveryResult {
        DeliveryResult {
            status: None,
            duration_ms: elapsed_ms(started),
            response_excerpt: String::new(),
            error: Some(error),
            retryable,
            gone: false,
        }
    }
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

impl Deliverer {
    /// A deliverer applying `policy` to every URL and resolved address.
    pub fn new(policy: UrlPolicy) -> Deliverer {
        let tls = crate::tls::client_config().map_err(|e| format!("TLS setup failed: {e}"));
        Deliverer { policy, tls }
    }

    /// One attempt: checks `url` against the policy, resolves its host and
    /// refuses it if any address is forbidden, then POSTs `body` (JSON)
    /// signed with `secrets` (one, or two while rotating) to exactly the
    /// checked addresses, so a DNS answer that changes between check and
    /// connect (rebinding) cannot redirect it. Redirects are not followed:
    /// a 3xx is a failed attempt.
    ///
    /// 2xx is delivered; 410 is `gone`; any other answer and any network
    /// failure is retryable; a URL, address or secret refused by policy is
    /// not.
    pub async fn deliver(
        &self,
        url: &str,
        secrets: &[&str],
        msg_id: &str,
        timestamp_unix: i64,
        body: &[u8],
    ) -> DeliveryResult {
        let started = Instant::now();
        let url = match check_endpoint_url(url, &self.policy) {
            Ok(url) => url,
            Err(e) => return DeliveryResult::refused(started, e.to_string(), false),
        };
        let signature = match sign(secrets, msg_id, timestamp_unix, body) {
            Ok(signature) => signature,
            Err(e) => return DeliveryResult::refused(started, e.to_string(), false),
        };
        let tls = match &self.tls {
            Ok(tls) => tls.clone(),
            Err(e) => return DeliveryResult::refused(started, e.clone(), true),
        };
        let mut builder = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .timeout(DELIVERY_TIMEOUT)
            .connect_timeout(DELIVERY_TIMEOUT / 2)
            .redirect(reqwest::redirect::Policy::none())
            // A proxy would connect on our behalf to whatever it resolves.
            .no_proxy()
            .user_agent(USER_AGENT);
        if let Some(Host::Domain(name)) = url.host() {
            let port = url.port_or_known_default().unwrap_or(443);
            let addresses = match resolve(name, port, &self.policy).await {
                Ok(addresses) => addresses,
                Err((error, retryable)) => return DeliveryResult::refused(started, error, retryable),
            };
            builder = builder.resolve_to_addrs(name, &addresses);
        }
        let client = match builder.build() {
            Ok(client) => client,
            Err(e) => return DeliveryResult::refused(started, format!("HTTP client setup failed: {e}"), true),
        };
        let request = client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("webhook-id", msg_id)
            .header("webhook-timestamp", timestamp_unix.to_string())
            .header("webhook-signature", signature)
            .body(body.to_vec());
        let mut response = match request.send().await {
            Ok(response) => response,
            Err(e) => return DeliveryResult::refused(started, describe(&e), true),
        };
        let status = response.status().as_u16();
        let mut excerpt = Vec::new();
        // Read only what is kept; the rest is dropped with the connection.
        while excerpt.len() < RESPONSE_EXCERPT_BYTES {
            match response.chunk().await {
                Ok(Some(chunk)) => excerpt.extend_from_slice(&chunk),
                Ok(None) | Err(_) => break,
            }
        }
        excerpt.truncate(RESPONSE_EXCERPT_BYTES);
        let delivered = (200..300).contains(&status);
        DeliveryResult {
            status: Some(status),
            duration_ms: elapsed_ms(started),
            response_excerpt: String::from_utf8_lossy(&excerpt).into_owned(),
            error: (!delivered).then(|| format!("the endpoint answered HTTP {status}")),
            retryable: !delivered && status != 410,
            gone: status == 410,
        }
    }
}

/// The host's addresses, all of them allowed by the policy. The error says
/// whether trying later may help (DNS failures) or not (a forbidden address).
async fn resolve(name: &str, port: u16, policy: &UrlPolicy) -> Result<Vec<SocketAddr>, (String, bool)> {
    let lookup = tokio::time::timeout(DELIVERY_TIMEOUT / 2, tokio::net::lookup_host((name, port))).await;
    let addresses: Vec<SocketAddr> = match lookup {
        Ok(Ok(found)) => found.take(MAX_RESOLVED).collect(),
        Ok(Err(e)) => return Err((format!("could not resolve {name}: {e}"), true)),
        Err(_) => return Err((format!("resolving {name} took too long"), true)),
    };
    if addresses.is_empty() {
        return Err((format!("{name} has no addresses"), true));
    }
    check_resolved(&addresses, policy).map_err(|e| (format!("{name} resolves to a forbidden address: {e}"), false))?;
    Ok(addresses)
}

/// Every resolved address must be allowed: one bad address among good ones
/// is enough to refuse, since the connection could use any of them.
fn check_resolved(addresses: &[SocketAddr], policy: &UrlPolicy) -> Result<(), UrlError> {
    for address in addresses {
        check_ip(address.ip(), policy)?;
    }
    Ok(())
}

fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        return format!("no answer within {} s", DELIVERY_TIMEOUT.as_secs());
    }
    let mut text = String::from(if error.is_connect() { "could not connect" } else { "the request failed" });
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_forbidden_resolved_address_refuses_the_name() {
        let public: SocketAddr = "93.184.215.14:443".parse().unwrap();
        let private: SocketAddr = "10.1.2.3:443".parse().unwrap();
        let loopback: SocketAddr = "[::1]:443".parse().unwrap();
        let strict = UrlPolicy::default();
        let dev = UrlPolicy { allow_insecure_loopback: true };
        assert!(check_resolved(&[public], &strict).is_ok());
        assert!(check_resolved(&[public, private], &strict).is_err());
        assert!(check_resolved(&[loopback], &strict).is_err());
        assert!(check_resolved(&[loopback], &dev).is_ok());
        assert!(check_resolved(&[loopback, private], &dev).is_err());
    }

    #[tokio::test]
    async fn localhost_resolves_to_loopback_and_is_refused_by_the_strict_policy() {
        // `localhost` is refused by name already; resolving checks the
        // addresses themselves.
        let result = resolve("localhost", 80, &UrlPolicy::default()).await;
        assert!(matches!(result, Err((_, false))), "{result:?}");
    }
}
