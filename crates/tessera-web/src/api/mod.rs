//! The JSON API under `/api/v1`. Each handler extracts, makes one call to
//! the app layer, and maps the result; no SQL, no business branching here.
//! The `#[utoipa::path]` on each handler is also what routes it, so the
//! OpenAPI document cannot miss an endpoint.

pub mod account;
pub mod admin;
pub mod auth;
pub mod catalog;
pub mod checkin;
pub mod giftcards;
pub mod invoices;
pub mod loyalty;
pub mod media;
pub mod members;
pub mod ops;
pub mod orders;
pub mod orgs;
pub mod payments;
pub mod pricing;
pub mod public;
pub mod resale;
pub mod seating;
pub mod series;
pub mod tickets;
pub mod transfers;
pub mod waitlist;

pub(crate) use crate::AppState;
pub(crate) use crate::error::{ApiResult, ErrorBody};
pub(crate) use crate::extract::{ApiJson, ApiPath, ApiQuery, Caller};
pub(crate) use axum::Json;
pub(crate) use axum::extract::State;
pub(crate) use axum::http::StatusCode;

/// `limit` and `offset` for plain lists.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// 1-500, default 100.
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}
