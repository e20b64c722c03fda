//! Field-level validation errors: every rejection names the field at fault so
//! that a client can show the message next to the right input.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    /// In English, for logs and for clients that read no other language.
    pub message: String,
    /// The message's id in the `errors` area of the catalogs, with its
    /// arguments: the web layer says it in the reader's language. Messages
    /// without one are shown in a generic localized sentence with this
    /// English detail.
    #[serde(skip)]
    pub key: Option<MessageKey>,
}

/// A message of the catalogs (`tessera-i18n`, `errors.ftl`) and its
/// arguments: `MessageKey::new("errors-too-long").num("max", 200)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageKey {
    pub id: &'static str,
    pub args: Vec<(&'static str, MessageArg)>,
}

/// An argument of a [`MessageKey`]: a number picks a plural form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageArg {
    Text(String),
    Number(i64),
}

impl MessageKey {
    pub fn new(id: &'static str) -> Self {
        MessageKey { id, args: Vec::new() }
    }

    pub fn num(mut self, name: &'static str, value: impl TryInto<i64>) -> Self {
        self.args.push((name, MessageArg::Number(value.try_into().unwrap_or(i64::MAX))));
        self
    }

    pub fn text(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, MessageArg::Text(value.into())));
        self
    }
}

/// A single message of the catalogs with its English text: what a check
/// that finds at most one problem returns (a password, an e-mail address).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyed {
    pub key: MessageKey,
    pub english: std::borrow::Cow<'static, str>,
}

impl Keyed {
    pub fn new(key: MessageKey, english: impl Into<std::borrow::Cow<'static, str>>) -> Self {
        Keyed { key, english: english.into() }
    }
}

impl fmt::Display for Keyed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.english)
    }
}

/// One or more fields are invalid. Never empty when returned as an error.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValidationError {
    pub fields: Vec<FieldError>,
}

impl ValidationError {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn single(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut e = Self::new();
        e.add(field, message);
        e
    }

    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.fields.push(FieldError { field: field.into(), message: message.into(), key: None });
    }

    /// Records a message of the catalogs, `english` being its English text.
    pub fn add_key(&mut self, field: impl Into<String>, key: MessageKey, english: impl Into<String>) {
        self.fields.push(FieldError { field: field.into(), message: english.into(), key: Some(key) });
    }

    /// One field's message of the catalogs.
    pub fn single_key(field: impl Into<String>, key: MessageKey, english: impl Into<String>) -> Self {
        let mut e = Self::new();
        e.add_key(field, key, english);
        e
    }

    /// Records a [`Keyed`] message.
    pub fn add_keyed(&mut self, field: impl Into<String>, message: Keyed) {
        self.add_key(field, message.key, message.english);
    }

    /// One field's [`Keyed`] message.
    pub fn single_keyed(field: impl Into<String>, message: Keyed) -> Self {
        Self::single_key(field, message.key, message.english)
    }

    /// Records a message of the catalogs when `ok` is false.
    pub fn check_key(&mut self, ok: bool, field: &str, key: MessageKey, english: impl Into<String>) {
        if !ok {
            self.add_key(field, key, english);
        }
    }

    /// Records the error when `ok` is false.
    pub fn check(&mut self, ok: bool, field: &str, message: impl Into<String>) {
        if !ok {
            self.add(field, message);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// `Ok(())` when nothing was recorded.
    pub fn finish(self) -> Result<(), ValidationError> {
        if self.fields.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.fields.iter().map(|e| format!("{}: {}", e.field, e.message)).collect();
        write!(f, "invalid input ({})", parts.join("; "))
    }
}

impl std::error::Error for ValidationError {}

/// Checks a free-text field: trimmed length within bounds, no control characters.
pub fn check_text(errors: &mut ValidationError, field: &str, value: &str, min_chars: usize, max_chars: usize) {
    let n = value.trim().chars().count();
    if n < min_chars {
        if min_chars == 1 {
            errors.add_key(field, MessageKey::new("errors-empty"), "must not be empty");
        } else {
            let key = MessageKey::new("errors-too-short").num("min", min_chars);
            errors.add_key(field, key, format!("must be at least {min_chars} characters"));
        }
    } else if value.chars().count() > max_chars {
        let key = MessageKey::new("errors-too-long").num("max", max_chars);
        errors.add_key(field, key, format!("must be at most {max_chars} characters"));
    } else if value.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        errors.add_key(field, MessageKey::new("errors-control-characters"), "must not contain control characters");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::{Email, check_password, check_slug};
    use crate::catalog::{NewEvent, NewQuota, NewTicketType, NewVenue};
    use crate::checkin::NewCheckinList;
    use crate::payments::EventPricing;
    use serde_json::json;

    fn parse<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
        serde_json::from_value(v).expect("a well-formed test input")
    }

    /// Every rejection of the main validators, for a set of bad inputs
    /// that between them trip every check they make.
    fn rejections() -> Vec<ValidationError> {
        let venue = uuid::Uuid::now_v7().to_string();
        let (tt, quota) = (uuid::Uuid::now_v7().to_string(), uuid::Uuid::now_v7().to_string());
        let mut out = Vec::new();
        let mut push = |r: Result<(), ValidationError>| out.push(r.expect_err("a bad input is refused"));
        for (name, address, capacity) in [("", "x", -1), ("Hall\u{7}", &*"x".repeat(501), 10_000_001)] {
            let v: NewVenue =
                parse(json!({"name": name, "address": address, "timezone": "Europe/Berlin", "capacity": capacity}));
            push(v.validate());
        }
        for (title, urls, sales_end, max) in [
            ("", vec!["ftp://x".to_string()], "2030-01-03T00:00:00Z", 0),
            (&*"t".repeat(201), vec!["https://a.example/x.png".to_string(); 11], "2029-12-31T00:00:00Z", 10_001),
        ] {
            let e: NewEvent = parse(json!({
                "venue_id": venue, "title": title, "category": "concert", "image_urls": urls,
                "starts_at": "2030-01-02T00:00:00Z", "ends_at": "2030-01-01T00:00:00Z",
                "sales_start": "2030-01-01T00:00:00Z", "sales_end": sales_end,
                "max_tickets_per_customer": max,
            }));
            push(e.validate());
        }
        for (visibility, code, price, min, max, quotas) in [
            ("hidden", None, -1i64, 0, 0, vec![quota.clone(), quota.clone()]),
            ("public", Some("no!"), 1_000_000_000_001, 101, 1, vec![uuid::Uuid::now_v7().to_string(); 17]),
        ] {
            let t: NewTicketType = parse(json!({
                "name": "", "price_minor": price, "currency": "EUR", "min_per_order": min, "max_per_order": max,
                "visibility": visibility, "access_code": code, "quota_ids": quotas,
                "sales_start": "2030-01-02T00:00:00Z", "sales_end": "2030-01-01T00:00:00Z",
            }));
            push(t.validate());
        }
        let q: NewQuota = parse(json!({"name": "", "capacity": -1, "ticket_type_ids": [tt, tt]}));
        push(q.validate());
        for (policy, per_day, gates) in
            [("weekly", None, vec![]), ("per_day", Some(0), vec!["A", "a"]), ("single", Some(2), vec![""; 51])]
        {
            let l: NewCheckinList = parse(json!({
                "name": "", "ticket_type_ids": vec![tt.clone(); 101],
                "entry_policy": policy, "max_entries_per_day": per_day, "gates": gates,
            }));
            push(l.validate().map(|_| ()));
        }
        let p: EventPricing = parse(json!({
            "fees": {"per_ticket_minor": -1, "per_ticket_bp": 10_001, "per_order_minor": 100_000_001, "absorbed": false},
            "taxes": {tt.clone(): {"rate_bp": -1, "inclusive": true}},
            "refunds": {"buyer_refunds": true, "deadline_hours": 9000, "fee_minor": -1},
            "reminder_hours": 1441,
        }));
        push(p.validate());
        for bad in ["short", &"x".repeat(300)] {
            push(check_password(bad).map_err(|m| ValidationError::single_keyed("password", m)));
        }
        push(check_slug("-x").map_err(|m| ValidationError::single_keyed("slug", m)));
        for bad in ["no-at-sign", &format!("{}@example.org", "a".repeat(260))] {
            push(Email::parse_keyed(bad).map(|_| ()).map_err(|m| ValidationError::single_keyed("email", m)));
        }
        out
    }

    #[test]
    fn every_rejection_of_the_validators_has_a_catalog_key() {
        let all = rejections();
        let fields: Vec<&FieldError> = all.iter().flat_map(|v| &v.fields).collect();
        assert!(fields.len() > 60, "the bad inputs trip most checks: {}", fields.len());
        let unkeyed: Vec<String> =
            fields.iter().filter(|f| f.key.is_none()).map(|f| format!("{}: {}", f.field, f.message)).collect();
        assert!(unkeyed.is_empty(), "messages without a catalog key: {unkeyed:#?}");
        // The English text stays what API clients match on.
        let said = |field: &str| fields.iter().find(|f| f.field == field).map(|f| f.message.as_str());
        assert_eq!(said("fees.per_ticket_bp"), Some("0 to 10000 (100 %)"));
        assert_eq!(said("gates"), Some("1 to 50 gates"));
        assert_eq!(said("entry_policy"), Some("unknown entry policy `weekly`"));
        assert_eq!(said("max_per_order"), Some("must be between min_per_order and 100"));
    }
}
