//! One error type for the HTTP API, one JSON body shape for every failure:
//! `{"error": {"code", "message", "fields", "request_id"}}`. Internal
//! details go to the log, never into a response.
//!
//! The `code` and the field names are stable; the messages are for people
//! and come from the `errors` area of the catalogs in the request's
//! language ([`locale`]): a page's language on pages, `Accept-Language` on
//! the API. A field message carries its catalog id ([`MessageKey`]); a
//! refusal is said by its `code` (`errors-code-<code>`). In English a
//! refusal keeps the app's own, more detailed message; a message not yet in
//! the catalogs reads as a localized sentence with the English detail.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tessera_app::AppError;
use tessera_domain::{FieldError, MessageArg, MessageKey, ValidationError};
use tessera_i18n::{FluentValue, Locale};

tokio::task_local! {
    /// The language of the request's `Accept-Language`, for API errors.
    static REQUEST_LANG: Locale;
}

/// Sets the language error messages are said in: the first tag of
/// `Accept-Language`, English without one. (Pages override it with their
/// own language choice, see [`locale`].)
pub async fn request_language(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let locale = crate::ui::browser_language(req.headers()).map(|t| Locale::from_tag(&t)).unwrap_or_default();
    REQUEST_LANG.scope(locale, next.run(req)).await
}

/// The language of the current request's error messages: the page's
/// language on pages, else `Accept-Language`, else English.
pub(crate) fn locale() -> Locale {
    crate::ui::page_lang().or_else(|| REQUEST_LANG.try_with(|l| *l).ok()).unwrap_or_default()
}

/// A message of the catalogs in the request's language.
pub(crate) fn say(key: &MessageKey) -> String {
    let args: Vec<(&str, FluentValue<'_>)> = key
        .args
        .iter()
        .map(|(name, value)| {
            let v = match value {
                MessageArg::Text(t) => FluentValue::from(t.as_str()),
                MessageArg::Number(n) => FluentValue::from(*n),
            };
            (*name, v)
        })
        .collect();
    tessera_i18n::t_args(locale(), key.id, &args)
}

fn say_id(id: &'static str) -> String {
    say(&MessageKey::new(id))
}

/// A field's message in the request's language.
pub(crate) fn field_message(f: &FieldError) -> String {
    match (&f.key, locale()) {
        (Some(key), _) => say(key),
        (None, Locale::En) => f.message.clone(),
        (None, _) => say(&MessageKey::new("errors-field-detail").text("detail", f.message.as_str())),
    }
}

/// A refusal with a stable `code` in the request's language: the app's
/// English message in English, else the catalog's message for the code.
pub(crate) fn refusal_message(code: &str, english: &str) -> String {
    let l = locale();
    if l == Locale::En {
        return english.to_string();
    }
    let id = format!("errors-code-{}", code.replace('_', "-"));
    if tessera_i18n::exists(&id) {
        tessera_i18n::t(l, &id)
    } else {
        say(&MessageKey::new("errors-refused").text("detail", english))
    }
}

/// A message of the catalogs in the request's language, or `english` in
/// English (where the caller has a more detailed text, e.g. serde's).
pub(crate) fn localized_key(key: &MessageKey, english: impl Into<String>) -> String {
    if locale() == Locale::En { english.into() } else { say(key) }
}

/// A whole-request message in the request's language, or `english` in English.
pub(crate) fn localized(id: &'static str, english: impl Into<String>) -> String {
    if locale() == Locale::En { english.into() } else { say_id(id) }
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable, machine-readable: `invalid_input`, `not_found`, `sold_out`, ...
    pub code: String,
    /// For people; may change between versions.
    pub message: String,
    /// The inputs at fault, field name to message. Empty when no field is.
    pub fields: std::collections::BTreeMap<String, String>,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub fields: Vec<(String, String)>,
    pub retry_after_secs: Option<u64>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), fields: Vec::new(), retry_after_secs: None }
    }

    pub fn field(mut self, field: impl Into<String>, message: impl Into<String>) -> Self {
        self.fields.push((field.into(), message.into()));
        self
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", localized("errors-not-found", "no such resource"))
    }

    /// 409 with `Retry-After`: the first request with this Idempotency-Key
    /// is still running on a live process.
    pub fn idempotency_in_progress(retry_after_secs: u64) -> Self {
        let mut e = Self::new(
            StatusCode::CONFLICT,
            "idempotency_in_progress",
            match locale() {
                Locale::En => format!(
                    "a request with this Idempotency-Key is still being processed; retry with the same key in {retry_after_secs} s"
                ),
                _ => say(&MessageKey::new("errors-idempotency-in-progress").num("seconds", retry_after_secs)),
            },
        )
        .field(crate::idempotency::HEADER, localized("errors-idempotency-key-in-use", "in use by a request still running"));
        e.retry_after_secs = Some(retry_after_secs);
        e
    }

    pub fn invalid(v: ValidationError) -> Self {
        let message = localized("errors-invalid-input", v.to_string());
        let mut e = Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input", message);
        e.fields = v.fields.iter().map(|f| (f.field.clone(), field_message(f))).collect();
        e
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        use StatusCode as S;
        match e {
            AppError::Unauthenticated { code, message } => {
                ApiError::new(S::UNAUTHORIZED, code, refusal_message(code, &message))
            }
            AppError::InvalidCredentials => ApiError::new(
                S::UNAUTHORIZED,
                "invalid_credentials",
                localized("errors-invalid-credentials", e.to_string()),
            ),
            AppError::TotpRequired => {
                ApiError::new(S::UNAUTHORIZED, "totp_required", localized("errors-totp-required", e.to_string()))
                    .field("totp_code", localized("errors-totp-required", "required"))
            }
            AppError::Forbidden(m) => ApiError::new(S::FORBIDDEN, "forbidden", localized("errors-forbidden", m)),
            AppError::TwoFactorRequired => ApiError::new(
                S::FORBIDDEN,
                "two_factor_required",
                localized("errors-two-factor-required", e.to_string()),
            ),
            AppError::NotFound => ApiError::not_found(),
            AppError::Invalid(v) => ApiError::invalid(v),
            AppError::Conflict { field, message } => {
                let message = localized("errors-conflict", message);
                let summary = if locale() == Locale::En { format!("{field}: {message}") } else { message.clone() };
                ApiError::new(S::CONFLICT, "conflict", summary).field(field, message)
            }
            AppError::SoldOut { field, available, message } => {
                let left = match locale() {
                    Locale::En => format!("only {available} left"),
                    _ => say(&MessageKey::new("errors-sold-out").num("available", available)),
                };
                let message = localized("errors-sold-out", message);
                let message = if locale() == Locale::En { message } else { left.clone() };
                ApiError::new(S::CONFLICT, "sold_out", message).field(field, left)
            }
            AppError::Rule { code, field, message } => {
                let message = refusal_message(code, &message);
                ApiError::new(S::UNPROCESSABLE_ENTITY, code, message.clone()).field(field, message)
            }
            AppError::StateConflict { code, message } => {
                ApiError::new(S::CONFLICT, code, refusal_message(code, &message))
            }
            AppError::IdempotencyInProgress { retry_after_secs } => ApiError::idempotency_in_progress(retry_after_secs),
            AppError::RateLimited { retry_after_secs } => {
                let message = match locale() {
                    Locale::En => e.to_string(),
                    _ => say(&MessageKey::new("errors-rate-limited").num("seconds", retry_after_secs)),
                };
                let mut e = ApiError::new(S::TOO_MANY_REQUESTS, "rate_limited", message);
                e.retry_after_secs = Some(retry_after_secs);
                e
            }
            AppError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                ApiError::new(
                    S::INTERNAL_SERVER_ERROR,
                    "internal",
                    localized("errors-internal", "something went wrong on our side"),
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                message: self.message,
                fields: self.fields.into_iter().collect(),
            },
        };
        let mut res = (self.status, axum::Json(body)).into_response();
        if let Some(v) = self.retry_after_secs.and_then(|s| HeaderValue::from_str(&s.to_string()).ok()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every stable code the app layer refuses with has a message in the
    /// catalogs (the catalogs' own tests check both languages have it).
    #[test]
    fn every_refusal_code_has_a_message() {
        let sources = [
            include_str!("../../tessera-app/src/payments.rs"),
            include_str!("../../tessera-app/src/inventory.rs"),
            include_str!("../../tessera-app/src/tickets.rs"),
            include_str!("../../tessera-app/src/outbox.rs"),
            include_str!("../../tessera-app/src/checkin.rs"),
            include_str!("../../tessera-app/src/auth.rs"),
            include_str!("../../tessera-app/src/lib.rs"),
            include_str!("../../tessera-app/src/invoices.rs"),
        ];
        let mut missing = Vec::new();
        for source in sources {
            for part in source.split("code: \"").skip(1) {
                let code: String = part.chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
                let id = format!("errors-code-{}", code.replace('_', "-"));
                if !code.is_empty() && !tessera_i18n::exists(&id) {
                    missing.push(id);
                }
            }
        }
        assert!(missing.is_empty(), "no message for {missing:?}");
    }

    /// A keyed message said in English is the app's English text, byte for
    /// byte (API clients match on it), and in Chinese is no English
    /// fallback: for a set of bad inputs tripping most of the validators' checks.
    #[test]
    fn keyed_messages_say_the_english_text_and_real_chinese() {
        use serde_json::json;
        use tessera_domain::catalog::{NewEvent, NewQuota, NewTicketType, NewVenue};
        fn rejected<T: serde::de::DeserializeOwned>(
            v: serde_json::Value,
            check: fn(&T) -> Option<ValidationError>,
        ) -> Vec<FieldError> {
            check(&serde_json::from_value(v).expect("a well-formed test input")).expect("refused").fields
        }
        let id = || uuid::Uuid::now_v7().to_string();
        let mut fields = Vec::new();
        fields.extend(rejected::<NewVenue>(
            json!({"name": "", "address": "x".repeat(501), "timezone": "Europe/Berlin", "capacity": -1}),
            |v| v.validate().err(),
        ));
        fields.extend(rejected::<NewEvent>(
            json!({"venue_id": id(), "title": "t".repeat(201), "category": "concert",
                "image_urls": vec!["https://a.example/x.png"; 11], "starts_at": "2030-01-02T00:00:00Z",
                "ends_at": "2030-01-01T00:00:00Z", "sales_start": "2030-01-01T00:00:00Z",
                "sales_end": "2030-01-03T00:00:00Z", "max_tickets_per_customer": 0}),
            |v| v.validate().err(),
        ));
        let quota = id();
        fields.extend(rejected::<NewTicketType>(
            json!({"name": "", "price_minor": -1, "currency": "EUR", "min_per_order": 0, "max_per_order": 0,
                "visibility": "public", "access_code": "no!", "quota_ids": [quota, quota]}),
            |v| v.validate().err(),
        ));
        fields.extend(rejected::<NewQuota>(json!({"name": "x", "capacity": 10_000_001}), |v| v.validate().err()));
        fields.extend(rejected::<tessera_domain::checkin::NewCheckinList>(
            json!({"name": "Door", "entry_policy": "per_day", "max_entries_per_day": 0, "gates": vec!["A"; 51]}),
            |v| v.validate().err(),
        ));
        fields.extend(rejected::<tessera_domain::payments::EventPricing>(
            json!({"fees": {"per_ticket_minor": -1, "per_ticket_bp": 10_001, "per_order_minor": 0, "absorbed": false},
                "refunds": {"buyer_refunds": true, "deadline_hours": 9000, "fee_minor": 0}, "reminder_hours": 1441}),
            |v| v.validate().err(),
        ));
        if let Err(m) = tessera_domain::account::check_slug("-x") {
            fields.extend(ValidationError::single_keyed("slug", m).fields);
        }
        assert!(fields.len() >= 20, "{fields:#?}");
        let run = |locale: Locale, fields: Vec<FieldError>| {
            tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(
                REQUEST_LANG.scope(locale, async move {
                    fields.iter().map(|f| (f.message.clone(), field_message(f))).collect::<Vec<_>>()
                }),
            )
        };
        for (english, said) in run(Locale::En, fields.clone()) {
            assert_eq!(said, english, "the English catalog text differs from the app's");
        }
        for (english, said) in run(Locale::ZhCn, fields) {
            assert!(said.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{english}: {said}");
            assert!(!said.contains("填写的值无效"), "{english}: the generic sentence, not its own message");
        }
    }

    #[test]
    fn field_messages_follow_the_request_language() {
        let mut v = ValidationError::new();
        tessera_domain::validation::check_text(&mut v, "name", "", 1, 10);
        tessera_domain::validation::check_text(&mut v, "city", "Bremen an der Weser", 1, 10);
        v.add("code", "not a code");
        let en = ApiError::invalid(v.clone());
        assert_eq!(en.fields[0].1, "must not be empty");
        assert_eq!(en.fields[1].1, "must be at most 10 characters");
        assert_eq!(en.fields[2].1, "not a code");
        let zh = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(REQUEST_LANG.scope(Locale::ZhCn, async move { ApiError::invalid(v) }));
        assert_eq!(zh.message, "部分输入无效，请查看各字段的提示。");
        assert_eq!(zh.fields[0].1, "不能为空");
        assert_eq!(zh.fields[1].1, "最多 10 个字符");
        assert_eq!(zh.fields[2].1, "填写的值无效（not a code）");
    }
}
