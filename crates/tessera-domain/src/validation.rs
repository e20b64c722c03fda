//! Field-level validation errors: every rejection names the field at fault so
//! that a client can show the message next to the right input.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
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
        self.fields.push(FieldError { field: field.into(), message: message.into() });
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
        errors.add(
            field,
            if min_chars == 1 {
                "must not be empty".to_string()
            } else {
                format!("must be at least {min_chars} characters")
            },
        );
    } else if value.chars().count() > max_chars {
        errors.add(field, format!("must be at most {max_chars} characters"));
    } else if value.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        errors.add(field, "must not contain control characters");
    }
}
