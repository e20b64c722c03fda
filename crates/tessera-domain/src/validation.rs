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
