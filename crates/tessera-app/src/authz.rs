//! Authorization, decided in one place. Every organization-scoped use case
//! starts with [`App::authorize`]; nothing else grants access.
//!
//! Rules:
//! - a platform admin acts as an owner in every organization;
//! - a user acts with their membership's role; an API token with its own
//!   role lowered to its creator's current role (`bearer_token` does that on
//!   every request and refuses a token whose creator left), and only in its
//!   own organization;
//! - a caller with no role in the organization gets NotFound, never
//!   Forbidden, so that another organization's resources do not even
//!   reveal that they exist (invariant 14);
//! - a role that lacks the permission gets Forbidden;
//! - an organization that requires two-factor authentication turns away
//!   members whose account does not have it.

use crate::{App, AppError, Result};
use tessera_domain::account::{ApiToken, Organization, User};
use tessera_domain::{OrgId, Permission, Role};

/// Who is calling.
#[derive(Debug, Clone)]
pub enum Actor {
    Anonymous,
    /// Signed in through a browser session.
    User(User),
    /// An API token, bound to one organization and role.
    Token(ApiToken),
}

impl Actor {
    /// The signed-in user, for account-level actions (not tokens).
    pub fn user(&self) -> Result<&User> {
        match self {
            Actor::User(u) => Ok(u),
            Actor::Token(_) => Err(AppError::Forbidden("API tokens cannot act on user accounts".into())),
            Actor::Anonymous => {
                Err(AppError::Unauthenticated { code: "unauthenticated", message: "sign in first".into() })
            }
        }
    }

    /// Requires a platform administrator.
    pub fn platform_admin(&self) -> Result<&User> {
        let u = self.user()?;
        if u.is_platform_admin { Ok(u) } else { Err(AppError::Forbidden("platform administrators only".into())) }
    }
}

/// Proof that the caller may act in an organization, with the role it acts as.
#[derive(Debug, Clone)]
pub struct OrgAccess {
    pub org: Organization,
    pub role: Role,
}

impl App {
    pub async fn authorize(&self, actor: &Actor, org: OrgId, permission: Permission) -> Result<OrgAccess> {
        let access = match actor {
            Actor::Anonymous => {
                return Err(AppError::Unauthenticated { code: "unauthenticated", message: "sign in first".into() });
            }
            Actor::Token(t) => {
                if t.org_id != org {
                    return Err(AppError::NotFound);
                }
                let org = self.store.org(org).await?.ok_or(AppError::NotFound)?;
                OrgAccess { org, role: t.role }
            }
            Actor::User(u) => match self.store.membership(org, u.id).await? {
                Some((org, role)) => {
                    if org.require_two_factor && !u.totp_enabled && !u.is_platform_admin {
                        return Err(AppError::TwoFactorRequired);
                    }
                    // A platform admin who is also a member still has every power.
                    let role = if u.is_platform_admin { Role::Owner } else { role };
                    OrgAccess { org, role }
                }
                None if u.is_platform_admin => {
                    let org = self.store.org(org).await?.ok_or(AppError::NotFound)?;
                    OrgAccess { org, role: Role::Owner }
                }
                None => return Err(AppError::NotFound),
            },
        };
        if access.role.grants(permission) {
            Ok(access)
        } else {
            Err(AppError::Forbidden(format!("the {} role may not do this", access.role)))
        }
    }
}
