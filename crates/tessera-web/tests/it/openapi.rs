//! The OpenAPI document, its reference page, and the operations endpoints.

use crate::helpers::*;

#[tokio::test]
async fn openapi_document_describes_the_api() {
    let t = spawn_app().await;
    let r = t.get("/api/v1/openapi.json", &Auth::None).await;
    assert_eq!(r.status, 200);
    let doc = r.body;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    for schema in ["ErrorBody", "Event", "EventDetail", "NewTicketType", "Quota", "Venue"] {
        assert!(doc["components"]["schemas"][schema].is_object(), "schema {schema} missing");
    }
    // Written out for the external validator that .ci/run runs.
    if let Ok(path) = std::env::var("TESSERA_TEST_OPENAPI_OUT") {
        std::fs::write(path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    }
    let docs = t.get("/api/v1/docs", &Auth::None).await;
    assert_eq!(docs.status, 200);
    let html = docs.body.as_str().unwrap().to_string();
    for path in doc["paths"].as_object().unwrap().keys() {
        let escaped = path.replace('&', "&amp;");
        assert!(html.contains(&escaped), "reference page lacks {path}");
    }
    assert!(!html.contains("<script"), "the reference page needs no scripts");
    assert!(!html.contains("https://"), "and no network");
}

#[tokio::test]
async fn operations_endpoints() {
    let t = spawn_app().await;
    let r = t.get("/healthz", &Auth::None).await;
    assert_eq!((r.status, r.body["status"].as_str()), (200, Some("ok")));
    let r = t.get("/readyz", &Auth::None).await;
    assert_eq!((r.status, r.body["status"].as_str()), (200, Some("ready")));
    assert!(r.headers.get("x-request-id").is_some_and(|v| !v.is_empty()), "responses carry a request id");
    let given = t.send(t.client.get(format!("{}/healthz", t.base)).header("x-request-id", "abc-123")).await;
    assert_eq!(given.headers.get("x-request-id").unwrap(), "abc-123", "a caller's request id is kept");
    t.get("/api/v1/events/not-a-uuid", &Auth::None).await;
    let m = t.get("/metrics", &Auth::None).await;
    let text = m.body.as_str().unwrap();
    assert!(text.contains(r#"tessera_http_requests_total{method="GET",route="/healthz",status="200"} 2"#), "{text}");
    assert!(text.contains(r#"route="/api/v1/events/{event_id}",status="400""#), "routes are templates: {text}");
    assert!(text.contains("tessera_http_request_duration_seconds_bucket"));
    assert!(text.contains(r#"tessera_db_pool_connections{pool="write",state="open"}"#));
    assert_eq!(m.headers.get("x-content-type-options").unwrap(), "nosniff");
}
