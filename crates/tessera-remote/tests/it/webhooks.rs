use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use tessera_remote::webhooks::{DEFAULT_TOLERANCE_SECS, Deliverer, UrlPolicy, new_secret, verify};

/// What the receiver saw: whether the signature verified, the user agent.
type Seen = Arc<Mutex<Vec<(bool, String)>>>;

/// An integrator's endpoint on a loopback port: `/hook/{status}` verifies
/// the signature with `secret`, records it, and answers `status`.
async fn receiver(secret: String) -> (String, Seen) {
    let seen: Seen = Arc::default();
    let handler = |State((secret, seen)): State<(String, Seen)>,
                   Path(status): Path<u16>,
                   headers: HeaderMap,
                   body: Bytes| async move {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
        let ok = verify(
            &[&secret],
            &header("webhook-id"),
            &header("webhook-timestamp"),
            &header("webhook-signature"),
            &body,
            now,
            DEFAULT_TOLERANCE_SECS,
        )
        .is_ok()
            && header("content-type") == "application/json";
        seen.lock().unwrap().push((ok, header("user-agent")));
        let mut response_headers = HeaderMap::new();
        if status == 302 {
            response_headers.insert("location", "/hook/200".parse().unwrap());
        }
        (StatusCode::from_u16(status).unwrap(), response_headers, format!("answer {} {}", status, "x".repeat(2000)))
    };
    let router =
        axum::Router::new().route("/hook/{status}", axum::routing::post(handler)).with_state((secret, seen.clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("127.0.0.1:{port}"), seen)
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

const DEV: UrlPolicy = UrlPolicy { allow_insecure_loopback: true };

#[tokio::test]
async fn a_signed_delivery_is_verified_by_the_receiver() {
    let secret = new_secret();
    let (host, seen) = receiver(secret.clone()).await;
    let deliverer = Deliverer::new(DEV);
    let body = br#"{"type":"order.paid","data":{"order_id":"ord_1"}}"#;
    let result = deliverer.deliver(&format!("http://{host}/hook/204"), &[&secret], "msg_1", now(), body).await;
    assert!(result.delivered(), "{result:?}");
    assert_eq!(
        (result.status, result.retryable, result.gone, result.error.as_deref()),
        (Some(204), false, false, None)
    );
    assert_eq!(seen.lock().unwrap().as_slice(), [(true, "Tessera-Webhooks/1".to_string())]);

    // Rotation: signed with the old and the new secret, the receiver knows the new one.
    let old = new_secret();
    let result = deliverer.deliver(&format!("http://{host}/hook/200"), &[&old, &secret], "msg_2", now(), body).await;
    assert!(result.delivered());
    assert!(result.response_excerpt.starts_with("answer 200 "));
    assert_eq!(result.response_excerpt.len(), 1024);
    assert!(seen.lock().unwrap()[1].0);
}

#[tokio::test]
async fn a_name_is_resolved_checked_and_pinned() {
    let secret = new_secret();
    let (host, seen) = receiver(secret.clone()).await;
    let port = host.rsplit(':').next().unwrap();
    let result = Deliverer::new(DEV)
        .deliver(&format!("http://localhost:{port}/hook/200"), &[&secret], "msg_3", now(), b"{}")
        .await;
    // localhost may resolve to ::1 first, where nothing listens; 127.0.0.1 is among the pinned addresses.
    assert!(result.delivered(), "{result:?}");
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn failures_are_retryable_gone_is_not_and_redirects_are_not_followed() {
    let secret = new_secret();
    let (host, seen) = receiver(secret.clone()).await;
    let deliverer = Deliverer::new(DEV);
    let send = async |status: u16| {
        deliverer.deliver(&format!("http://{host}/hook/{status}"), &[secret.as_str()], "m", now(), b"{}").await
    };

    let failed = send(500).await;
    assert!(!failed.delivered() && failed.retryable && !failed.gone);
    assert_eq!(failed.error.as_deref(), Some("the endpoint answered HTTP 500"));
    let refused = send(400).await;
    assert!(refused.retryable);
    let gone = send(410).await;
    assert!(gone.gone && !gone.retryable && !gone.delivered());
    let redirected = send(302).await;
    assert_eq!(redirected.status, Some(302));
    assert!(redirected.retryable);
    // Four requests, none of them to the redirect's target.
    assert_eq!(seen.lock().unwrap().len(), 4);
}

#[tokio::test]
async fn forbidden_urls_and_bad_secrets_are_refused_before_sending() {
    let secret = new_secret();
    let (host, seen) = receiver(secret.clone()).await;
    let strict = Deliverer::new(UrlPolicy::default());
    let result = strict.deliver(&format!("http://{host}/hook/200"), &[&secret], "m", now(), b"{}").await;
    assert!(!result.retryable && result.status.is_none());
    assert!(result.error.unwrap().contains("loopback address"));
    let result = strict.deliver(&format!("https://{host}/hook/200"), &[&secret], "m", now(), b"{}").await;
    assert!(result.error.unwrap().contains("loopback address"));
    let result = strict.deliver("https://169.254.169.254/latest", &[&secret], "m", now(), b"{}").await;
    assert!(!result.retryable && result.error.unwrap().contains("link-local"));
    let dev = Deliverer::new(DEV);
    let result = dev.deliver(&format!("http://{host}/hook/200"), &["whsec_short"], "m", now(), b"{}").await;
    assert!(!result.retryable && result.error.is_some());
    assert!(seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn an_endpoint_that_is_down_is_retryable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let result =
        Deliverer::new(DEV).deliver(&format!("http://127.0.0.1:{port}/"), &[&new_secret()], "m", now(), b"{}").await;
    assert!(result.retryable && result.status.is_none(), "{result:?}");
    assert!(result.error.unwrap().starts_with("could not connect"));
}
