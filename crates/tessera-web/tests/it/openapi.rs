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
    // Every operation lists what it can answer besides its own results.
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            let name = format!("{} {path}", method.to_uppercase());
            let responses = op["responses"].as_object().unwrap();
            let has = |code: &str| responses.contains_key(code);
            assert!(has("503"), "{name} lacks 503 (the request timeout)");
            let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
            if secured {
                assert!(has("401") && has("403"), "{name} takes credentials but lacks 401 or 403");
            }
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            if params.iter().any(|p| p["in"] == "path") {
                assert!(has("400") && has("404"), "{name} has path parameters but lacks 400 or 404");
            }
            if op.pointer("/requestBody/content/application~1json").is_some() {
                for code in ["400", "413", "415", "422"] {
                    assert!(has(code), "{name} takes JSON but lacks {code}");
                }
            }
            for (code, r) in responses {
                assert!(r["description"].as_str().is_some_and(|d| !d.is_empty()), "{name} {code} has no description");
                if code.starts_with('4') || code.starts_with('5') {
                    assert_eq!(
                        r.pointer("/content/application~1json/schema/$ref").and_then(|v| v.as_str()),
                        Some("#/components/schemas/ErrorBody"),
                        "{name} {code} is not an ErrorBody"
                    );
                }
            }
            if method == "post" {
                let key: Vec<_> = params.iter().filter(|p| p["name"] == "Idempotency-Key").collect();
                assert_eq!(key.len(), 1, "{name} lacks the Idempotency-Key header (or has it twice)");
                assert_eq!(key[0]["in"], "header");
                assert_eq!(key[0]["required"], false);
                assert!(key[0]["description"].as_str().unwrap().contains("Retry-After"));
                for code in ["400", "409", "413", "422"] {
                    assert!(has(code), "{name} lacks {code} for Idempotency-Key");
                }
                assert!(
                    responses["409"]["headers"]["Retry-After"]["schema"]["type"] == "integer",
                    "{name}: 409 lacks Retry-After"
                );
                assert!(responses["409"]["description"].as_str().unwrap().contains("idempotency_in_progress"));
                assert!(responses["422"]["description"].as_str().unwrap().contains("idempotency_key_reused"));
                for (code, r) in responses.iter().filter(|(c, _)| c.starts_with('2')) {
                    assert!(r["headers"]["Idempotent-Replayed"].is_object(), "{name} {code} lacks Idempotent-Replayed");
                }
            }
        }
    }
    assert!(operations > 90, "only {operations} operations");
    let description = doc["info"]["description"].as_str().unwrap();
    for needle in ["Idempotency-Key", "Retry-After", "idempotency_key_reused", "same key"] {
        assert!(description.contains(needle), "the description does not explain {needle}");
    }
    // Limits the app enforces are stated, and the seat map export is an object.
    let schemas = &doc["components"]["schemas"];
    assert_eq!(schemas["NewEvent"]["properties"]["title"]["maxLength"], 200);
    assert_eq!(schemas["NewCheckinList"]["properties"]["gates"]["maxItems"], 50);
    assert_eq!(schemas["Registration"]["properties"]["password"]["minLength"], 10);
    let export = &doc["paths"]["/api/v1/orgs/{org_id}/venues/{venue_id}/seat-map/export"]["get"]["responses"]["200"];
    assert_eq!(
        export["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/SeatMapDocument",
        "{export}"
    );
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
