//! Which URLs may receive webhooks: public https endpoints only, so that an
//! organizer cannot point our server at its own network (cloud metadata,
//! databases, admin panels).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use reqwest::Url;
use url::Host;

/// Longest accepted endpoint URL.
const MAX_URL_LEN: usize = 2048;

/// What [`check_endpoint_url`] and delivery accept besides public https.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UrlPolicy {
    /// Accept loopback hosts (127.0.0.0/8, ::1, `localhost`), over http
    /// too. For development and tests only; never in production.
    pub allow_insecure_loopback: bool,
}

/// Why an endpoint URL is refused. The messages are sentences for the
/// person who typed the URL (shown with a 422 on field `url`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    /// Not an absolute URL.
    #[error("The URL is not a valid absolute URL, such as https://hooks.example.com/tessera.")]
    Invalid,
    /// Longer than 2048 characters.
    #[error("The URL is too long; use at most 2048 characters.")]
    TooLong,
    /// Neither http nor https.
    #[error("The URL must start with https://.")]
    Scheme,
    /// http where https is required.
    #[error("The URL must use https://; plain http is not accepted.")]
    InsecureScheme,
    /// `user:password@` in the URL.
    #[error("The URL must not contain a user name or password.")]
    Credentials,
    /// A name reserved for local use.
    #[error("The host name {0} refers to a local machine or network and cannot receive webhooks.")]
    LocalName(String),
    /// A single-label name (`intranet`), resolved through local search domains.
    #[error("The host name {0} is not a fully qualified domain name, such as hooks.example.com.")]
    UnqualifiedName(String),
    /// An address that is not on the public internet.
    #[error("The address {address} is {kind} address and cannot receive webhooks.")]
    ForbiddenAddress {
        /// The address, as written or resolved.
        address: IpAddr,
        /// What it is, with its article: "a private network".
        kind: &'static str,
    },
}

/// Checks an endpoint URL against the policy and returns it parsed.
/// Delivery checks again, against the addresses the name resolves to.
pub fn check_endpoint_url(raw: &str, policy: &UrlPolicy) -> Result<Url, UrlError> {
    let raw = raw.trim();
    if raw.len() > MAX_URL_LEN {
        return Err(UrlError::TooLong);
    }
    let url = Url::parse(raw).map_err(|_| UrlError::Invalid)?;
    let secure = match url.scheme() {
        "https" => true,
        "http" => false,
        _ => return Err(UrlError::Scheme),
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err(UrlError::Credentials);
    }
    let loopback = match url.host() {
        None => return Err(UrlError::Invalid),
        Some(Host::Ipv4(ip)) => check_ip(IpAddr::V4(ip), policy)?,
        Some(Host::Ipv6(ip)) => check_ip(IpAddr::V6(ip), policy)?,
        Some(Host::Domain(name)) => check_name(name, policy)?,
    };
    // `loopback` is only true when the policy allows loopback hosts.
    if !secure && !loopback {
        return Err(UrlError::InsecureScheme);
    }
    Ok(url)
}

/// Whether the policy lets `ip` receive webhooks; `Ok(true)` for an allowed
/// loopback address.
pub(crate) fn check_ip(ip: IpAddr, policy: &UrlPolicy) -> Result<bool, UrlError> {
    match classify(ip) {
        None => Ok(false),
        Some(LOOPBACK) if policy.allow_insecure_loopback => Ok(true),
        Some(kind) => Err(UrlError::ForbiddenAddress { address: ip, kind }),
    }
}

fn check_name(name: &str, policy: &UrlPolicy) -> Result<bool, UrlError> {
    let lower = name.trim_end_matches('.').to_ascii_lowercase();
    if lower == "localhost" || lower.ends_with(".localhost") {
        return if policy.allow_insecure_loopback { Ok(true) } else { Err(UrlError::LocalName(name.to_string())) };
    }
    // mDNS and names set aside for private networks (RFC 6762, ICANN 2024).
    if lower.ends_with(".local") || lower.ends_with(".internal") || lower.ends_with(".home.arpa") {
        return Err(UrlError::LocalName(name.to_string()));
    }
    if !lower.contains('.') {
        return Err(UrlError::UnqualifiedName(name.to_string()));
    }
    Ok(false)
}

const LOOPBACK: &str = "a loopback";

/// What kind of non-public address `ip` is, or `None` if it is public.
fn classify(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn classify_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        (0, _, _) => "an unspecified (\"this network\")",
        (127, _, _) => LOOPBACK,
        (10, _, _) | (172, 16..=31, _) | (192, 168, _) => "a private network",
        (100, 64..=127, _) => "a shared (carrier-grade NAT)",
        (169, 254, _) => "a link-local",
        (192, 0, 0) => "an IETF protocol",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "a documentation",
        (198, 18..=19, _) => "a benchmarking",
        (192, 88, 99) => "a 6to4 relay",
        (224..=239, _, _) => "a multicast",
        (255, 255, 255) if ip.is_broadcast() => "the broadcast",
        (240..=255, _, _) => "a reserved",
        _ => return None,
    })
}

fn classify_v6(ip: Ipv6Addr) -> Option<&'static str> {
    if ip.is_unspecified() {
        return Some("an unspecified");
    }
    if ip.is_loopback() {
        return Some(LOOPBACK);
    }
    // Forms that carry an IPv4 address: judge that address.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return classify_v4(v4);
    }
    let s = ip.segments();
    let embedded = |hi: u16, lo: u16| Ipv4Addr::from(((hi as u32) << 16) | lo as u32);
    match s {
        // IPv4-compatible (deprecated), ::a.b.c.d.
        [0, 0, 0, 0, 0, 0, hi, lo] => return classify_v4(embedded(hi, lo)).or(Some("a deprecated IPv4-compatible")),
        // NAT64 well-known prefix 64:ff9b::/96.
        [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] => return classify_v4(embedded(hi, lo)),
        // 6to4, 2002:a.b.c.d::/48.
        [0x2002, hi, lo, ..] => return classify_v4(embedded(hi, lo)),
        _ => {}
    }
    Some(match s[0] {
        0xfc00..=0xfdff => "a unique local (private network)",
        0xfe80..=0xfebf => "a link-local",
        0xfec0..=0xfeff => "a site-local",
        0xff00..=0xffff => "a multicast",
        0x2001 if s[1] == 0x0db8 => "a documentation",
        0x2001 if s[1] < 0x0200 => "an IETF protocol (such as Teredo)",
        0x0100 if s[1..4] == [0, 0, 0] => "a discard",
        0x0000..=0x00ff => "a reserved",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRICT: UrlPolicy = UrlPolicy { allow_insecure_loopback: false };
    const DEV: UrlPolicy = UrlPolicy { allow_insecure_loopback: true };

    #[test]
    fn the_policy_table() {
        // (url, accepted under STRICT, accepted under DEV)
        let cases: &[(&str, bool, bool)] = &[
            ("https://example.com/hooks", true, true),
            ("https://hooks.example.com:8443/a?b=c", true, true),
            ("https://93.184.215.14/x", true, true),
            ("https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/", true, true),
            ("http://example.com/hooks", false, false),
            ("ftp://example.com/", false, false),
            ("example.com/hooks", false, false),
            ("https://user:pw@example.com/", false, false),
            ("https://user@example.com/", false, false),
            ("http://127.0.0.1:8080/hook", false, true),
            ("https://127.0.0.1/", false, true),
            ("http://127.1.2.3/", false, true),
            ("http://[::1]:9000/", false, true),
            ("http://localhost:3000/", false, true),
            ("http://api.localhost/", false, true),
            ("http://LOCALHOST./", false, true),
            ("http://0x7f000001/", false, true),
            ("http://2130706433/", false, true),
            ("https://[::ffff:127.0.0.1]/", false, true),
            ("https://10.0.0.1/", false, false),
            ("https://10.255.255.255/", false, false),
            ("https://172.16.0.1/", false, false),
            ("https://172.31.255.1/", false, false),
            ("https://172.32.0.1/", true, true),
            ("https://192.168.1.1/", false, false),
            ("https://169.254.169.254/latest/meta-data", false, false),
            ("https://100.64.0.1/", false, false),
            ("https://100.127.255.255/", false, false),
            ("https://100.128.0.1/", true, true),
            ("https://0.0.0.0/", false, false),
            ("https://255.255.255.255/", false, false),
            ("https://240.0.0.1/", false, false),
            ("https://224.0.0.1/", false, false),
            ("https://192.0.2.10/", false, false),
            ("https://198.51.100.7/", false, false),
            ("https://203.0.113.9/", false, false),
            ("https://198.18.0.1/", false, false),
            ("http://[::ffff:10.0.0.1]/", false, false),
            ("https://[::ffff:10.0.0.1]/", false, false),
            ("https://[::ffff:169.254.169.254]/", false, false),
            ("https://[::ffff:8.8.8.8]/", true, true),
            ("https://[::10.0.0.1]/", false, false),
            ("https://[64:ff9b::a9fe:a9fe]/", false, false),
            ("https://[2002:c0a8:0101::1]/", false, false),
            ("https://[::]/", false, false),
            ("https://[fc00::1]/", false, false),
            ("https://[fd12:3456::1]/", false, false),
            ("https://[fe80::1]/", false, false),
            ("https://[ff02::1]/", false, false),
            ("https://[2001:db8::1]/", false, false),
            ("https://[2001::1]/", false, false),
            ("https://intranet/", false, false),
            ("https://printer.local/", false, false),
            ("https://db.internal/", false, false),
            ("https://router.home.arpa/", false, false),
        ];
        for (url, strict, dev) in cases {
            assert_eq!(check_endpoint_url(url, &STRICT).is_ok(), *strict, "{url} under the strict policy");
            assert_eq!(check_endpoint_url(url, &DEV).is_ok(), *dev, "{url} under the development policy");
        }
    }

    #[test]
    fn refusals_are_sentences_naming_the_problem() {
        let message = |url| check_endpoint_url(url, &STRICT).unwrap_err().to_string();
        assert_eq!(
            message("https://169.254.169.254/"),
            "The address 169.254.169.254 is a link-local address and cannot receive webhooks."
        );
        assert_eq!(
            message("http://[::ffff:10.0.0.1]/"),
            "The address ::ffff:10.0.0.1 is a private network address and cannot receive webhooks."
        );
        assert_eq!(message("http://example.com/"), "The URL must use https://; plain http is not accepted.");
        assert_eq!(
            message("http://localhost/"),
            "The host name localhost refers to a local machine or network and cannot receive webhooks."
        );
        assert_eq!(message(&format!("https://example.com/{}", "a".repeat(2048))), UrlError::TooLong.to_string());
    }
}
