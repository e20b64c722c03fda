//! Users, organizations, memberships and API tokens as the rest of the system
//! sees them. Secrets (password hashes, token hashes) never appear here.

use crate::validation::Keyed;
use crate::{MessageKey, OrgId, Role, Timestamp, TokenId, UserId};
use std::fmt;

/// A syntactically plausible e-mail address, trimmed and lower-cased.
#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
#[schema(value_type = String, format = Email)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        Self::parse_keyed(raw).map_err(|k| match k.english {
            std::borrow::Cow::Borrowed(s) => s,
            std::borrow::Cow::Owned(_) => "must be an e-mail address",
        })
    }

    /// [`Email::parse`] with the message's catalog id, for field errors.
    pub fn parse_keyed(raw: &str) -> Result<Self, Keyed> {
        let not_an_address = || Keyed::new(MessageKey::new("errors-email"), "must be an e-mail address");
        let s = raw.trim().to_lowercase();
        if s.len() > 254 {
            return Err(Keyed::new(
                MessageKey::new("errors-too-long").num("max", 254),
                "must be at most 254 characters",
            ));
        }
        let Some((local, domain)) = s.split_once('@') else {
            return Err(not_an_address());
        };
        let ok = !local.is_empty()
            && local.len() <= 64
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !s.chars().any(|c| c.is_whitespace() || c.is_control());
        if ok { Ok(Self(s)) } else { Err(not_an_address()) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email({})", self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Email {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Email::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Password rules, after NIST SP 800-63B: long enough, not absurdly long.
/// Composition rules are deliberately absent.
pub fn check_password(password: &str) -> Result<(), Keyed> {
    let n = password.chars().count();
    if n < 10 {
        Err(Keyed::new(MessageKey::new("errors-too-short").num("min", 10), "must be at least 10 characters"))
    } else if password.len() > 256 {
        Err(Keyed::new(MessageKey::new("errors-too-long-bytes").num("max", 256), "must be at most 256 bytes"))
    } else {
        Ok(())
    }
}

/// A URL-safe organization handle: 3-48 of `a-z`, `0-9` and `-`.
pub fn check_slug(slug: &str) -> Result<(), Keyed> {
    let ok = (3..=48).contains(&slug.len())
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(Keyed::new(
            MessageKey::new("errors-slug-format").num("min", 3).num("max", 48),
            "must be 3-48 characters of a-z, 0-9 and '-', not starting or ending with '-'",
        ))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub name: String,
    pub is_platform_admin: bool,
    pub totp_enabled: bool,
    /// The owner followed the verification link sent to the address.
    pub email_verified: bool,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Organization {
    pub id: OrgId,
    pub slug: String,
    pub name: String,
    /// Members must have two-factor authentication enabled to act in this organization.
    pub require_two_factor: bool,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Membership {
    pub org_id: OrgId,
    pub user_id: UserId,
    pub email: Email,
    pub name: String,
    pub role: Role,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

/// An API token as listed: never the secret itself, only its first characters.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ApiToken {
    pub id: TokenId,
    pub org_id: OrgId,
    pub name: String,
    pub role: Role,
    /// The first characters of the token, to recognise it in a list.
    pub prefix: String,
    pub created_by: UserId,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub revoked_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_used_at: Option<Timestamp>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(Email::parse("  Ann@Example.COM ").unwrap().as_str(), "ann@example.com");
        for bad in ["", "ann", "ann@", "@x.org", "ann@localhost", "a b@x.org", "ann@x.org."] {
            assert!(Email::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn slugs_and_passwords() {
        assert!(check_slug("berlin-jazz-2026").is_ok());
        for bad in ["ab", "-abc", "abc-", "ABC", "a_b_c", "über"] {
            assert!(check_slug(bad).is_err(), "{bad:?} accepted");
        }
        assert!(check_password("short").is_err());
        assert!(check_password("correct horse battery").is_ok());
        assert!(check_password(&"x".repeat(300)).is_err());
    }
}
