//! Tessera's vocabulary: identifiers, money, time zones, roles and the catalog
//! (venues, events, ticket types, quotas), with the rules that make a value valid.
//!
//! This crate must never do IO, spawn tasks or know about HTTP or SQL: every
//! other crate depends on it, and it depends on nothing of ours.

pub mod account;
pub mod catalog;
pub mod checkin;
pub mod dynamic;
pub mod giftcards;
pub mod ids;
pub mod inventory;
pub mod invoices;
pub mod loyalty;
pub mod members;
pub mod money;
pub mod orders;
pub mod payments;
pub mod pricing;
pub mod roles;
pub mod series;
pub mod tiers;
pub mod validation;

pub use ids::*;
pub use money::{Currency, Money, MoneyError};
pub use roles::{Permission, Role};
pub use validation::{FieldError, Keyed, MessageArg, MessageKey, ValidationError};

/// An instant on the UTC time line; stored as microseconds since the Unix epoch.
pub type Timestamp = jiff::Timestamp;
