//! Extractors that turn a request into typed values or an [`ApiError`] in
//! the one error shape, naming the field at fault.

use crate::AppState;
use crate::error::{ApiError, localized, localized_key};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use serde::de::DeserializeOwned;
use tessera_app::{Actor, App};
use tessera_domain::MessageKey;

pub const SESSION_COOKIE: &str = "tessera_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The first `name` in backticks in a serde message: "unknown field `foo`" gives foo.
fn backticked(msg: &str) -> Option<&str> {
    let start = msg.find('`')? + 1;
    let len = msg[start..].find('`')?;
    Some(&msg[start..start + len])
}

/// The catalog message for serde's complaint about one field (`missing
/// field `x``, `invalid type: string "a", expected i64`, ...); a message of
/// a type's own check (an e-mail address) keeps its English detail.
fn serde_problem(msg: &str) -> MessageKey {
    let after = |prefix: &str| msg.strip_prefix(prefix);
    let expected = || msg.rsplit_once(", expected ").map_or("", |(_, e)| e).to_string();
    if after("unknown field `").is_some() {
        MessageKey::new("errors-input-unknown-field").text("field", backticked(msg).unwrap_or_default())
    } else if after("missing field `").is_some() {
        MessageKey::new("errors-input-missing-field").text("field", backticked(msg).unwrap_or_default())
    } else if after("duplicate field `").is_some() {
        MessageKey::new("errors-input-duplicate-field").text("field", backticked(msg).unwrap_or_default())
    } else if after("unknown variant `").is_some() {
        MessageKey::new("errors-input-unknown-variant").text("value", backticked(msg).unwrap_or_default())
    } else if after("invalid type: ").is_some() {
        MessageKey::new("errors-input-wrong-type").text("expected", expected())
    } else if after("invalid value: ").is_some() || after("invalid length ").is_some() {
        MessageKey::new("errors-input-invalid-value").text("expected", expected())
    } else if msg.starts_with("invalid digit") || msg.starts_with("cannot parse integer") || msg.contains("number") {
        MessageKey::new("errors-input-not-a-number")
    } else if msg == "must be an e-mail address" {
        MessageKey::new("errors-email")
    } else if msg == "must be at most 254 characters" {
        MessageKey::new("errors-too-long").num("max", 254)
    } else if msg.starts_with("must be an IANA time zone name") {
        MessageKey::new("errors-timezone")
    } else if after("unknown IANA time zone `").is_some() {
        MessageKey::new("errors-unknown-timezone").text("value", backticked(msg).unwrap_or_default())
    } else if after("unknown ISO 4217 currency code `").is_some() {
        MessageKey::new("errors-unknown-currency").text("value", backticked(msg).unwrap_or_default())
    } else {
        MessageKey::new("errors-field-detail").text("detail", msg)
    }
}

/// A JSON body, deserialized with the path of any bad field kept.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                localized("errors-json-content-type", "send the body as JSON with Content-Type: application/json"),
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|r| {
            if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                let message = localized("errors-body-too-large", "the request body is too large");
                ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", message)
            } else {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    localized("errors-body-unreadable", r.body_text()),
                )
            }
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

pub(crate) fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let malformed = |inner: &serde_json::Error| {
        let key = MessageKey::new("errors-malformed-json").num("line", inner.line()).num("column", inner.column());
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            localized_key(&key, format!("the body is not valid JSON: {inner}")),
        )
        .field("body", localized_key(&key, inner.to_string()))
    };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let msg = inner.to_string();
                // serde reports a missing field at its parent's path (an
                // unknown one is already at its own).
                let missing = msg.starts_with("missing field");
                let field = match (missing, backticked(&msg), path.as_str()) {
                    (true, Some(name), ".") => name.to_string(),
                    (true, Some(name), p) => format!("{p}.{name}"),
                    (_, _, ".") => "body".to_string(),
                    (_, _, p) => p.to_string(),
                };
                let clean = msg.split(" at line ").next().unwrap_or(&msg).to_string();
                let said = localized_key(&serde_problem(&clean), clean.as_str());
                let summary_key =
                    MessageKey::new("errors-input-field").text("field", field.as_str()).text("message", said.as_str());
                let summary = localized_key(&summary_key, format!("{field}: {clean}"));
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input", summary).field(field, said)
            }
            _ => malformed(&inner),
        }
    })?;
    de.end().map_err(|e| malformed(&e))?;
    Ok(value)
}

/// Query-string parameters.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(q) => Ok(ApiQuery(q.0)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => {
                let text = e.body_text();
                let detail = text.trim_start_matches("Failed to deserialize query string: ");
                let field = detail
                    .split_once(": ")
                    .map(|(f, _)| f.to_string())
                    .filter(|f| !f.contains(' '))
                    .or_else(|| backticked(detail).map(str::to_string))
                    .unwrap_or_else(|| "query".into());
                let problem = detail.strip_prefix(&format!("{field}: ")).unwrap_or(detail);
                let said = localized_key(&serde_problem(problem), detail);
                let summary_key =
                    MessageKey::new("errors-input-field").text("field", field.as_str()).text("message", said.as_str());
                let summary = localized_key(&summary_key, detail);
                Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", summary).field(field, said))
            }
            Err(e) => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_query",
                localized("errors-query-unreadable", e.body_text()),
            )),
        }
    }
}

/// Path parameters; a malformed id is a 400 naming the parameter.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(p) => Ok(ApiPath(p.0)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => {
                let text = e.body_text();
                let field = backticked(&text).unwrap_or("path").to_string();
                let summary_key = MessageKey::new("errors-malformed-path").text("field", field.as_str());
                let message = localized_key(&summary_key, text.clone());
                let said = localized("errors-malformed-id", "malformed id");
                Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid_path", message).field(field, said))
            }
            Err(e) => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_path",
                localized("errors-path-unreadable", e.body_text()),
            )),
        }
    }
}

/// The client's address as the socket saw it.
pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<crate::PeerAddr>>()
                .map_or_else(|| "unknown".to_string(), |c| c.0.0.ip().to_string()),
        ))
    }
}

pub(crate) fn cookie_value<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Who is calling: an API token (`Authorization: Bearer`), a browser session
/// cookie, or nobody. A cookie-authenticated request that changes state must
/// carry the session's CSRF token in `X-CSRF-Token`; bearer requests need
/// none, since browsers never attach them on their own.
pub struct Caller {
    pub actor: Actor,
    /// The session cookie's value, when the caller came with one.
    pub session_token: Option<String>,
    pub csrf_token: Option<String>,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let app: &App = &state.app;
        if let Some(auth) = parts.headers.get(header::AUTHORIZATION) {
            let value = auth.to_str().unwrap_or("");
            let Some(token) = value.strip_prefix("Bearer ").map(str::trim).filter(|t| !t.is_empty()) else {
                return Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "invalid_token",
                    localized("errors-bearer-usage", "use Authorization: Bearer <token>"),
                )
                .field("authorization", localized("errors-bearer-expected", "expected a bearer token")));
            };
            let token = app.bearer_token(token).await?;
            return Ok(Caller { actor: Actor::Token(token), session_token: None, csrf_token: None });
        }
        let Some(cookie) = cookie_value(parts, SESSION_COOKIE).map(str::to_string) else {
            return Ok(Caller { actor: Actor::Anonymous, session_token: None, csrf_token: None });
        };
        let Some((user, csrf)) = app.session_user(&cookie).await? else {
            return Ok(Caller { actor: Actor::Anonymous, session_token: None, csrf_token: None });
        };
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let given = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
            if !App::csrf_matches(&csrf, given) {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "csrf_failed",
                    localized("errors-csrf-failed", "missing or wrong X-CSRF-Token header"),
                )
                .field(CSRF_HEADER, localized("errors-csrf-field", "must equal the session's csrf_token")));
            }
        }
        Ok(Caller { actor: Actor::User(user), session_token: Some(cookie), csrf_token: Some(csrf) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Probe {
        name: String,
        n: i64,
        inner: Option<Inner>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        x: u8,
    }

    fn field_of(body: &str) -> (StatusCode, String) {
        let e = parse_json::<Probe>(body.as_bytes()).unwrap_err();
        (e.status, e.fields.first().map(|f| f.0.clone()).unwrap_or_default())
    }

    #[test]
    fn json_errors_name_the_field() {
        assert_eq!(field_of(r#"{"name":"a","n":1,"extra":2}"#), (StatusCode::UNPROCESSABLE_ENTITY, "extra".into()));
        assert_eq!(field_of(r#"{"name":"a"}"#), (StatusCode::UNPROCESSABLE_ENTITY, "n".into()));
        assert_eq!(field_of(r#"{"name":"a","n":"x"}"#), (StatusCode::UNPROCESSABLE_ENTITY, "n".into()));
        assert_eq!(field_of(r#"{"name":"a","n":1e40}"#), (StatusCode::UNPROCESSABLE_ENTITY, "n".into()));
        assert_eq!(
            field_of(r#"{"name":"a","n":1,"inner":{"x":300}}"#),
            (StatusCode::UNPROCESSABLE_ENTITY, "inner.x".into())
        );
        assert_eq!(field_of(r#"{"name":"a","n":1,"inner":{}}"#), (StatusCode::UNPROCESSABLE_ENTITY, "inner.x".into()));
        assert_eq!(field_of(r#"{"name":"a","#).0, StatusCode::BAD_REQUEST);
        assert_eq!(field_of(r#"{"name":"a","n":1} trailing"#).0, StatusCode::BAD_REQUEST);
        assert_eq!(field_of("").0, StatusCode::BAD_REQUEST);
    }
}
