//! The OpenAPI document's last pass and its reference page.
//!
//! [`finish`] completes what the handlers' annotations leave implicit: the
//! answers every operation of a kind can give (a malformed id, a bad token,
//! a wrong content type, the `Idempotency-Key` contract on every POST, the
//! request timeout), so that the document lists every status the server
//! really sends. Answers particular to one operation stay in its
//! `#[utoipa::path]`. [`render`] turns the document into one self-contained
//! HTML page per language (`templates/docs/reference.html`): every operation
//! grouped by tag, with parameters, request body and responses, and every
//! schema with its properties. No scripts, no network. The operations' texts
//! are the document's (English); the page's own words are the catalogs'
//! (`developers.ftl`).

use axum::http::StatusCode;
use serde_json::{Map, Value, json};
use tessera_i18n::Locale;

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

/// A schema's type as the page shows it: names of other schemas link to
/// them; the words "array of" and "object" are the page's own.
#[derive(Debug, Clone, PartialEq)]
enum TypePart {
    /// Another schema, by name.
    Ref(String),
    /// A JSON type, with its format: `string (date-time)`.
    Plain(String),
    /// "array of", followed by the items' type.
    ArrayOf,
    /// Between the alternatives of `oneOf`, `anyOf`, `allOf`.
    Or,
    Object,
}

fn type_of(v: &Value) -> Vec<TypePart> {
    if let Some(r) = v.get("$ref").and_then(Value::as_str) {
        return vec![TypePart::Ref(r.rsplit('/').next().unwrap_or(r).to_string())];
    }
    if let Some(t) = v.get("type") {
        let t = match t {
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" | "),
            other => other.as_str().unwrap_or("").to_string(),
        };
        if let Some(items) = v.get("items").filter(|_| t.starts_with("array")) {
            let mut parts = vec![TypePart::ArrayOf];
            parts.extend(type_of(items));
            return parts;
        }
        let fmt = v.get("format").and_then(Value::as_str).map(|f| format!(" ({f})")).unwrap_or_default();
        return vec![TypePart::Plain(format!("{t}{fmt}"))];
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(Value::Array(alternatives)) = v.get(key) {
            let mut parts = Vec::new();
            for (i, a) in alternatives.iter().enumerate() {
                if i > 0 {
                    parts.push(TypePart::Or);
                }
                parts.extend(type_of(a));
            }
            return parts;
        }
    }
    vec![TypePart::Object]
}

/// A block of the document's description: paragraphs, `## ` headings and
/// `- ` lists.
enum Block {
    Heading(String),
    Paragraph(String),
    List(Vec<String>),
}

struct Parameter {
    name: String,
    required: bool,
    location: String,
    ty: Vec<TypePart>,
    about: String,
}

struct Operation {
    method: String,
    path: String,
    summary: String,
    parameters: Vec<Parameter>,
    body: Option<Vec<TypePart>>,
    /// Each status with the type of its JSON body, if it has one.
    responses: Vec<(String, Option<Vec<TypePart>>)>,
}

impl Operation {
    /// The method in lower case, the class that colours it.
    fn class(&self) -> String {
        self.method.to_lowercase()
    }
}

struct Tag {
    name: String,
    operations: Vec<Operation>,
}

struct Property {
    name: String,
    required: bool,
    ty: Vec<TypePart>,
    about: String,
}

enum SchemaShape {
    Properties(Vec<Property>),
    Enum(Vec<String>),
    Other(Vec<TypePart>),
}

struct Schema {
    name: String,
    description: Option<String>,
    shape: SchemaShape,
}

/// What the reference page shows, taken from the document once.
struct Reference {
    title: String,
    version: String,
    about: Vec<Block>,
    tags: Vec<Tag>,
    schemas: Vec<Schema>,
}

fn str_at<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn reference(doc: &Value) -> Reference {
    let mut by_tag: std::collections::BTreeMap<String, Vec<Operation>> = Default::default();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let Some(ops) = item.as_object() else { continue };
            for (method, op) in ops {
                let tag = op.pointer("/tags/0").and_then(Value::as_str).unwrap_or("other").to_string();
                let parameters = match op.get("parameters") {
                    Some(Value::Array(params)) => params
                        .iter()
                        .map(|p| Parameter {
                            name: str_at(p, "name").to_string(),
                            required: p.get("required").and_then(Value::as_bool) == Some(true),
                            location: str_at(p, "in").to_string(),
                            ty: p.get("schema").map(type_of).unwrap_or_default(),
                            about: str_at(p, "description").to_string(),
                        })
                        .collect(),
                    _ => vec![],
                };
                let responses = match op.get("responses") {
                    Some(Value::Object(responses)) => responses
                        .iter()
                        .map(|(code, r)| (code.clone(), r.pointer("/content/application~1json/schema").map(type_of)))
                        .collect(),
                    _ => vec![],
                };
                by_tag.entry(tag).or_default().push(Operation {
                    method: method.to_uppercase(),
                    path: path.clone(),
                    summary: op
                        .get("summary")
                        .or_else(|| op.get("description"))
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    parameters,
                    body: op.pointer("/requestBody/content/application~1json/schema").map(type_of),
                    responses,
                });
            }
        }
    }
    let about = doc
        .pointer("/info/description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .split("\n\n")
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .map(|block| {
            if let Some(title) = block.strip_prefix("## ") {
                Block::Heading(title.to_string())
            } else if block.starts_with("- ") {
                Block::List(block.split("\n- ").map(|i| i.trim_start_matches("- ").to_string()).collect())
            } else {
                Block::Paragraph(block.to_string())
            }
        })
        .collect();
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, s)| {
            let shape = if let Some(Value::Object(props)) = s.get("properties") {
                let required: Vec<&str> = s
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                SchemaShape::Properties(
                    props
                        .iter()
                        .map(|(p, ps)| Property {
                            name: p.clone(),
                            required: required.contains(&p.as_str()),
                            ty: type_of(ps),
                            about: str_at(ps, "description").to_string(),
                        })
                        .collect(),
                )
            } else if let Some(Value::Array(values)) = s.get("enum") {
                SchemaShape::Enum(values.iter().map(Value::to_string).collect())
            } else {
                SchemaShape::Other(type_of(s))
            };
            Schema {
                name: name.clone(),
                description: s.get("description").and_then(Value::as_str).map(str::to_string),
                shape,
            }
        })
        .collect();
    Reference {
        title: doc.pointer("/info/title").and_then(Value::as_str).unwrap_or("API").to_string(),
        version: doc.pointer("/info/version").and_then(Value::as_str).unwrap_or("").to_string(),
        about,
        tags: by_tag.into_iter().map(|(name, operations)| Tag { name, operations }).collect(),
        schemas,
    }
}

/// The reference page in one language. Served outside the UI's pages (no
/// session, no menu), so it carries its language itself.
#[derive(askama::Template)]
#[template(path = "docs/reference.html")]
struct ReferencePage<'a> {
    lang: Locale,
    r: &'a Reference,
}

impl ReferencePage<'_> {
    /// The catalog's message `id` in the page's language.
    fn t(&self, id: &str) -> String {
        tessera_i18n::t(self.lang, id)
    }

    fn t1(&self, id: &str, name: &str, value: &str) -> String {
        tessera_i18n::t_args(self.lang, id, &[(name, value.to_string().into())])
    }
}

/// The reference page in each language, rendered once from the finished
/// document (see [`finish`]).
pub struct Pages([String; 2]);

impl Pages {
    /// The page in `lang`.
    pub fn get(&self, lang: Locale) -> &str {
        match lang {
            Locale::En => &self.0[0],
            Locale::ZhCn => &self.0[1],
        }
    }
}

/// Renders the reference page from the finished document, in every language:
/// the operations' own texts come from the document (English); the page's
/// words come from the catalogs.
pub fn render(doc: &Value) -> Pages {
    use askama::Template;
    let r = reference(doc);
    let page = |lang| {
        ReferencePage { lang, r: &r }.render().unwrap_or_else(|e| {
            tracing::error!(error = %e, "the API reference did not render");
            String::new()
        })
    };
    Pages([page(Locale::En), page(Locale::ZhCn)])
}
