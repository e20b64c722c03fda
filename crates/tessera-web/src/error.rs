//! One error type for the HTTP API, one JSON body shape for every failure:
//! `{"error": {"code", "message", "fields", "request_id"}}`. Internal
//! details go to the log, never into a response.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tessera_app::AppError;
use tessera_domain::ValidationError;

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
        Self::new(StatusCode::NOT_FOUND, "not_found", "no such resource")
    }

    /// 409 with `Retry-After`: the first request with this Idempotency-Key
    /// is still running on a live process.
    pub fn idempotency_in_progress(retry_after_secs: u64) -> Self {
        let mut e = Self::new(
            StatusCode::CONFLICT,
            "idempotency_in_progress",
            format!(
                "a request with this Idempotency-Key is still being processed; retry with the same key in {retry_after_secs} s"
            ),
        )
        .field(crate::idempotency::HEADER, "in use by a request still running");
        e.retry_after_secs = Some(retry_after_secs);
        e
    }

    pub fn invalid(v: ValidationError) -> Self {
        let message = v.to_string();
        let mut e = Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input", message);
        e.fields = v.fields.into_iter().map(|f| (f.field, f.message)).collect();
        e
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        use StatusCode as S;
        match e {
            AppError::Unauthenticated { code, message } => ApiError::new(S::UNAUTHORIZED, code, message),
            AppError::InvalidCredentials => ApiError::new(S::UNAUTHORIZED, "invalid_credentials", e.to_string()),
            AppError::TotpRequired => {
                ApiError::new(S::UNAUTHORIZED, "totp_required", e.to_string()).field("totp_code", "required")
            }
            AppError::Forbidden(m) => ApiError::new(S::FORBIDDEN, "forbidden", m),
            AppError::TwoFactorRequired => ApiError::new(S::FORBIDDEN, "two_factor_required", e.to_string()),
            AppError::NotFound => ApiError::not_found(),
            AppError::Invalid(v) => ApiError::invalid(v),
            AppError::Conflict { field, message } => {
                ApiError::new(S::CONFLICT, "conflict", format!("{field}: {message}")).field(field, message)
            }
            AppError::SoldOut { field, available, message } => {
                ApiError::new(S::CONFLICT, "sold_out", message.clone()).field(field, format!("only {available} left"))
            }
            AppError::Rule { code, field, message } => {
                ApiError::new(S::UNPROCESSABLE_ENTITY, code, message.clone()).field(field, message)
            }
            AppError::StateConflict { code, message } => ApiError::new(S::CONFLICT, code, message),
            AppError::IdempotencyInProgress { retry_after_secs } => ApiError::idempotency_in_progress(retry_after_secs),
            AppError::RateLimited { retry_after_secs } => {
                let mut e = ApiError::new(S::TOO_MANY_REQUESTS, "rate_limited", e.to_string());
                e.retry_after_secs = Some(retry_after_secs);
                e
            }
            AppError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                ApiError::new(S::INTERNAL_SERVER_ERROR, "internal", "something went wrong on our side")
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
