//! The OpenAPI document's last pass and its reference page.
//!
//! [`finish`] completes what the handlers' annotations leave implicit: the
//! answers every operation of a kind can give (a malformed id, a bad token,
//! a wrong content type, the `Idempotency-Key` contract on every POST, the
//! request timeout), so that the document lists every status the server
//! really sends. Answers particular to one operation stay in its
//! `#[utoipa::path]`. [`render`] turns the document into one self-contained
//! HTML page: every operation grouped by tag, with parameters, request body
//! and responses, and every schema with its properties. No scripts, no
//! network.

use axum::http::StatusCode;
use serde_json::{Map, Value, json};
use std::fmt::Write;

/// Appended to the document's description: what a client must know that no
/// single operation says.
const CONTRACT: &str = "\n\n## Errors\n\n\
Every error has the body `{\"error\": {\"code\", \"message\", \"fields\"}}` (the `ErrorBody` schema): \
`code` is stable and machine-readable, `fields` names the inputs at fault. Besides the answers an operation \
lists for itself, any operation may answer 400 (`invalid_path`, `invalid_query`, `malformed_json`, \
`invalid_header`) for a request it cannot read, 401 when it takes credentials and they are missing, expired \
or not a bearer token, 403 when the caller may not do this (`forbidden`, `two_factor_required`) or a \
cookie-authenticated request that changes state lacks `X-CSRF-Token` (`csrf_failed`), 404 when a resource \
named in the path does not exist or is not visible to the caller, 413 for a body over the limit, 415 for a \
body that is not `application/json`, 422 for a body that parses but is not valid (`invalid_input`, every \
field at fault named), and 503 (`timeout`) when the request took too long; retry it.\n\n\
## Idempotency-Key\n\n\
Every POST accepts an optional `Idempotency-Key` header: a random UUID (16 to 255 visible ASCII \
characters; requests without credentials must use at least 16). The first request with a key runs and its \
answer is kept for 24 hours, scoped to the credentials that sent it; sending the same request again with \
the same key returns that answer without doing anything twice, marked `Idempotent-Replayed: true`. A \
client should send one with every POST that must not happen twice (placing an order, a refund, a payout) \
and then:\n\n\
- on a timeout, a transport error or a 5xx, send the very same request again with the same key;\n\
- on 409 `idempotency_in_progress` (the first request is still running), wait the `Retry-After` seconds \
and send it again with the same key;\n\
- never reuse a key for a different request: that is refused with 422 `idempotency_key_reused`;\n\
- a malformed key is refused with 400 `invalid_header`.";

const IDEMPOTENCY_KEY_DESCRIPTION: &str = "Makes retrying this POST safe: a random UUID, new for each distinct \
request and the same for its retries. A repeat of the same request with the same key gets the first \
answer again (`Idempotent-Replayed: true`); a key used for a different request is refused with 422 \
`idempotency_key_reused`; while the first request with the key is still running, repeats get 409 \
`idempotency_in_progress` with `Retry-After`. Malformed keys, and keys under 16 characters from requests \
without credentials, are refused with 400 `invalid_header`.";

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    })
}

/// Adds `status` to `responses`; where the operation already lists it, its
/// own description comes first and `also` is added to it.
fn add_response(responses: &mut Map<String, Value>, status: u16, also: &str) {
    let key = status.to_string();
    match responses.get_mut(&key).and_then(Value::as_object_mut) {
        None => {
            responses.insert(key, error_response(also));
        }
        Some(r) => {
            let own = r.get("description").and_then(Value::as_str).unwrap_or("").trim().to_string();
            let reason = StatusCode::from_u16(status).ok().and_then(|c| c.canonical_reason()).unwrap_or("");
            let merged = if own.is_empty() || own == reason { also.to_string() } else { format!("{own}; {also}") };
            r.insert("description".into(), Value::String(merged));
            r.entry("content")
                .or_insert_with(|| json!({"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}));
        }
    }
}

fn idempotency_key_parameter() -> Value {
    json!({
        "name": "Idempotency-Key",
        "in": "header",
        "required": false,
        "description": IDEMPOTENCY_KEY_DESCRIPTION,
        "schema": {"type": "string", "minLength": 16, "maxLength": 255, "pattern": "^[!-~]{16,255}$"},
        "example": "5b0e4d3c-2f6a-4d8e-9c1b-7a3e2f1d0c9b"
    })
}

/// Completes the document (see the module's description) and returns it as JSON.
pub fn finish(doc: &utoipa::openapi::OpenApi) -> Value {
    let mut v = serde_json::to_value(doc).unwrap_or_default();
    if let Some(d) = v.pointer_mut("/info/description") {
        let text = format!("{}{CONTRACT}", d.as_str().unwrap_or(""));
        *d = Value::String(text);
    }
    let Some(paths) = v.get_mut("paths").and_then(Value::as_object_mut) else { return v };
    for item in paths.values_mut().filter_map(Value::as_object_mut) {
        // Parameters given for the whole path apply to each of its operations.
        let shared: Vec<Value> = item.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
        for (method, op) in item.iter_mut() {
            let Some(op) = op.as_object_mut() else { continue };
            if !["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
                continue;
            }
            complete_operation(method, op, &shared);
        }
    }
    v
}

fn complete_operation(method: &str, op: &mut Map<String, Value>, shared: &[Value]) {
    let post = method == "post";
    if post {
        let params = op.entry("parameters").or_insert_with(|| json!([]));
        if let Some(params) = params.as_array_mut() {
            params.retain(|p| {
                !(p["in"] == "header" && p["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case("idempotency-key")))
            });
            params.push(idempotency_key_parameter());
        }
    }
    let params: Vec<&Value> =
        op.get("parameters").and_then(Value::as_array).into_iter().flatten().chain(shared.iter()).collect();
    let has_path = params.iter().any(|p| p["in"] == "path");
    let has_query = params.iter().any(|p| p["in"] == "query");
    let body_types: Vec<String> = op
        .get("requestBody")
        .and_then(|b| b.get("content"))
        .and_then(Value::as_object)
        .map(|c| c.keys().cloned().collect())
        .unwrap_or_default();
    let json_body = body_types.iter().any(|t| t == "application/json");
    // Any security requirement, including the empty one of operations that
    // take credentials optionally: a bad bearer token is refused even there.
    let takes_credentials = op.get("security").and_then(Value::as_array).is_some_and(|s| !s.is_empty());
    let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else { return };

    let mut bad_request = Vec::new();
    if has_path {
        bad_request.push("`invalid_path`: a path parameter is malformed");
    }
    if has_query {
        bad_request.push("`invalid_query`: the query string is malformed or names an unknown parameter");
    }
    if json_body {
        bad_request.push("`malformed_json`: the body is not JSON");
    }
    if post {
        bad_request.push(
            "`invalid_header`: the Idempotency-Key is malformed (or, without credentials, shorter than 16 characters)",
        );
    }
    if !bad_request.is_empty() {
        add_response(responses, 400, &bad_request.join("; "));
    }
    if takes_credentials {
        add_response(
            responses,
            401,
            "`unauthenticated`, `invalid_token`: no credentials where they are required, or a bearer token that is \
             malformed, unknown, revoked or expired",
        );
        let csrf = if method == "get" {
            ""
        } else {
            "; `csrf_failed`: a request with the session cookie lacks the session's X-CSRF-Token"
        };
        add_response(responses, 403, &format!("`forbidden`, `two_factor_required`: the caller may not do this{csrf}"));
    }
    if has_path {
        add_response(responses, 404, "`not_found`: no such resource, or not visible to the caller");
    }
    if post {
        add_response(
            responses,
            409,
            "`idempotency_in_progress`: a request with this Idempotency-Key is still running; send it again after \
             Retry-After seconds",
        );
        if let Some(r) = responses.get_mut("409").and_then(Value::as_object_mut) {
            let headers = r.entry("headers").or_insert_with(|| json!({}));
            if let Some(h) = headers.as_object_mut() {
                h.insert(
                    "Retry-After".into(),
                    json!({
                        "description": "With `idempotency_in_progress`: seconds to wait before sending the request again",
                        "required": false,
                        "schema": {"type": "integer", "minimum": 0}
                    }),
                );
            }
        }
        for (status, r) in responses.iter_mut().filter(|(s, _)| s.starts_with('2')) {
            let _ = status;
            let Some(r) = r.as_object_mut() else { continue };
            let headers = r.entry("headers").or_insert_with(|| json!({}));
            if let Some(h) = headers.as_object_mut() {
                h.insert(
                    "Idempotent-Replayed".into(),
                    json!({
                        "description": "`true` when this is the kept answer to an earlier request with the same Idempotency-Key",
                        "required": false,
                        "schema": {"type": "string", "enum": ["true"]}
                    }),
                );
            }
        }
    }
    if post || !body_types.is_empty() {
        add_response(responses, 413, "`payload_too_large`: the body is over the size limit");
    }
    if json_body {
        add_response(
            responses,
            415,
            "`unsupported_media_type`: the body must be sent as Content-Type: application/json",
        );
    }
    let mut invalid = Vec::new();
    if json_body {
        invalid.push(
            "`invalid_input`: the body does not fit the schema or breaks a rule; `fields` names every input at fault",
        );
    }
    if post {
        invalid.push("`idempotency_key_reused`: this Idempotency-Key was used for a different request");
    }
    if !invalid.is_empty() {
        add_response(responses, 422, &invalid.join("; "));
    }
    add_response(responses, 503, "`timeout`: the request took too long; retry it");
    if let Some(h) = responses.get_mut("429").and_then(Value::as_object_mut) {
        let headers = h.entry("headers").or_insert_with(|| json!({}));
        if let Some(headers) = headers.as_object_mut() {
            headers.insert(
                "Retry-After".into(),
                json!({"description": "Seconds to wait before trying again", "schema": {"type": "integer", "minimum": 0}}),
            );
        }
    }

    // OpenAPI requires a description on every response; where an annotation
    // gives none, the status's reason phrase stands in.
    for (status, response) in responses.iter_mut() {
        let Some(r) = response.as_object_mut() else { continue };
        if r.get("description").and_then(Value::as_str).is_none_or(str::is_empty) {
            let reason = status
                .parse::<u16>()
                .ok()
                .and_then(|c| StatusCode::from_u16(c).ok())
                .and_then(|c| c.canonical_reason())
                .unwrap_or("Response");
            r.insert("description".into(), Value::String(reason.into()));
        }
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn schema_name(v: &Value) -> String {
    if let Some(r) = v.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        return format!("<a href=\"#schema-{0}\">{0}</a>", esc(name));
    }
    if let Some(t) = v.get("type") {
        let t = match t {
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" | "),
            other => other.as_str().unwrap_or("").to_string(),
        };
        if let Some(items) = v.get("items").filter(|_| t.starts_with("array")) {
            return format!("array of {}", schema_name(items));
        }
        let fmt = v.get("format").and_then(Value::as_str).map(|f| format!(" ({})", esc(f))).unwrap_or_default();
        return format!("{}{fmt}", esc(&t));
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(Value::Array(parts)) = v.get(key) {
            return parts.iter().map(schema_name).collect::<Vec<_>>().join(" | ");
        }
    }
    "object".into()
}

pub fn render(doc: &Value) -> String {
    let title = doc.pointer("/info/title").and_then(Value::as_str).unwrap_or("API");
    let version = doc.pointer("/info/version").and_then(Value::as_str).unwrap_or("");
    let mut by_tag: std::collections::BTreeMap<String, Vec<(String, String, &Value)>> = Default::default();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let Some(ops) = item.as_object() else { continue };
            for (method, op) in ops {
                let tag = op.pointer("/tags/0").and_then(Value::as_str).unwrap_or("other").to_string();
                by_tag.entry(tag).or_default().push((method.to_uppercase(), path.clone(), op));
            }
        }
    }
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t} reference</title><style>\
         body{{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#111}}\
         code,.path{{font-family:ui-monospace,monospace}} .op{{border:1px solid #ccc;border-radius:6px;padding:.5rem 1rem;margin:.75rem 0}}\
         .m{{display:inline-block;min-width:4.5rem;font-weight:700}} .get{{color:#05603a}} .post{{color:#1849a9}} .patch,.put{{color:#93370d}} .delete{{color:#b42318}}\
         table{{border-collapse:collapse}} td,th{{border-bottom:1px solid #eee;padding:.2rem .6rem;text-align:left;vertical-align:top}}\
         a{{color:#1849a9}} a:focus,a:hover{{outline:2px solid #1849a9}}</style></head><body>\
         <h1>{t} <small>{v}</small></h1><p>Machine-readable: <a href=\"/api/v1/openapi.json\">openapi.json</a>. \
         Errors always have the shape <code>{{\"error\":{{\"code\",\"message\",\"fields\"}}}}</code>.</p><nav><ul>",
        t = esc(title),
        v = esc(version)
    );
    for tag in by_tag.keys() {
        let _ = write!(h, "<li><a href=\"#tag-{0}\">{0}</a></li>", esc(tag));
    }
    h.push_str("<li><a href=\"#about\">about this API</a></li>");
    h.push_str("<li><a href=\"#schemas\">schemas</a></li></ul></nav><div id=\"about\">");
    // The document's description: paragraphs, `## ` headings and `- ` items.
    let about = doc.pointer("/info/description").and_then(Value::as_str).unwrap_or("");
    for block in about.split("\n\n").map(str::trim).filter(|b| !b.is_empty()) {
        if let Some(title) = block.strip_prefix("## ") {
            let _ = write!(h, "<h2>{}</h2>", esc(title));
        } else if block.starts_with("- ") {
            h.push_str("<ul>");
            for item in block.split("\n- ") {
                let _ = write!(h, "<li>{}</li>", esc(item.trim_start_matches("- ")));
            }
            h.push_str("</ul>");
        } else {
            let _ = write!(h, "<p>{}</p>", esc(block));
        }
    }
    h.push_str("</div>");
    for (tag, ops) in &by_tag {
        let _ = write!(h, "<h2 id=\"tag-{0}\">{0}</h2>", esc(tag));
        for (method, path, op) in ops {
            let summary = op.get("summary").or_else(|| op.get("description")).and_then(Value::as_str).unwrap_or("");
            let _ = write!(
                h,
                "<section class=\"op\"><div><span class=\"m {}\">{}</span> <span class=\"path\">{}</span></div><p>{}</p>",
                method.to_lowercase(),
                method,
                esc(path),
                esc(summary)
            );
            if let Some(Value::Array(params)) = op.get("parameters") {
                h.push_str("<table><tr><th>parameter</th><th>in</th><th>type</th><th>about</th></tr>");
                for p in params {
                    let _ = write!(
                        h,
                        "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        esc(p.get("name").and_then(Value::as_str).unwrap_or("")),
                        if p.get("required").and_then(Value::as_bool) == Some(true) { " *" } else { "" },
                        esc(p.get("in").and_then(Value::as_str).unwrap_or("")),
                        p.get("schema").map(schema_name).unwrap_or_default(),
                        esc(p.get("description").and_then(Value::as_str).unwrap_or(""))
                    );
                }
                h.push_str("</table>");
            }
            if let Some(body) = op.pointer("/requestBody/content/application~1json/schema") {
                let _ = write!(h, "<p>Body: {}</p>", schema_name(body));
            }
            if let Some(Value::Object(responses)) = op.get("responses") {
                h.push_str("<p>Responses: ");
                let parts: Vec<String> = responses
                    .iter()
                    .map(|(code, r)| {
                        let schema = r
                            .pointer("/content/application~1json/schema")
                            .map(|s| format!(" {}", schema_name(s)))
                            .unwrap_or_default();
                        format!("<code>{}</code>{}", esc(code), schema)
                    })
                    .collect();
                h.push_str(&parts.join(", "));
                h.push_str("</p>");
            }
            h.push_str("</section>");
        }
    }
    h.push_str("<h2 id=\"schemas\">Schemas</h2>");
    if let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object) {
        for (name, s) in schemas {
            let _ = write!(h, "<section class=\"op\" id=\"schema-{0}\"><h3>{0}</h3>", esc(name));
            if let Some(d) = s.get("description").and_then(Value::as_str) {
                let _ = write!(h, "<p>{}</p>", esc(d));
            }
            if let Some(Value::Object(props)) = s.get("properties") {
                let required: Vec<&str> = s
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                h.push_str("<table><tr><th>field</th><th>type</th><th>about</th></tr>");
                for (p, ps) in props {
                    let _ = write!(
                        h,
                        "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td></tr>",
                        esc(p),
                        if required.contains(&p.as_str()) { " *" } else { "" },
                        schema_name(ps),
                        esc(ps.get("description").and_then(Value::as_str).unwrap_or(""))
                    );
                }
                h.push_str("</table>");
            } else if let Some(Value::Array(values)) = s.get("enum") {
                let vals: Vec<String> =
                    values.iter().map(|v| format!("<code>{}</code>", esc(&v.to_string()))).collect();
                let _ = write!(h, "<p>One of: {}</p>", vals.join(", "));
            } else {
                let _ = write!(h, "<p>{}</p>", schema_name(s));
            }
            h.push_str("</section>");
        }
    }
    h.push_str("<p>* required</p></body></html>");
    h
}
