//! Organizations, their members and their API tokens; platform administration.

use crate::secrets::{hash_token, random_token};
use crate::{Actor, App, AppError, Result};
use tessera_domain::account::{ApiToken, Email, Membership, Organization, User, check_slug};
use tessera_domain::validation::check_text;
use tessera_domain::{MessageKey, OrgId, Permission, Role, TokenId, UserId, ValidationError};

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrg {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// URL handle: 3-48 of a-z, 0-9 and '-'.
    #[schema(min_length = 3, max_length = 48, pattern = "^[a-z0-9][a-z0-9-]{1,46}[a-z0-9]$")]
    pub slug: String,
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgPatch {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    pub require_two_factor: Option<bool>,
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    /// The e-mail address of an existing account.
    pub email: Email,
    pub role: Role,
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleInput {
    pub role: Role,
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// At most the creator's own role.
    pub role: Role,
    /// Days until the token stops working; none means it lasts until revoked.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 3650)]
    pub expires_in_days: Option<i64>,
}

/// A newly created token: the only time its secret is shown.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    #[serde(flatten)]
    pub token: ApiToken,
    /// Send as `Authorization: Bearer <secret>`. Not shown again.
    pub secret: String,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct OrgWithRole {
    #[serde(flatten)]
    pub org: Organization,
    pub role: Role,
}

/// A token's visible prefix: enough to tell tokens apart, useless to an attacker.
const TOKEN_PREFIX_CHARS: usize = 8;

impl App {
    /// Any signed-in user can start an organization and becomes its owner.
    pub async fn create_org(&self, actor: &Actor, input: NewOrg) -> Result<Organization> {
        let user = actor.user()?;
        let mut e = ValidationError::new();
        check_text(&mut e, "name", &input.name, 1, 200);
        if let Err(m) = check_slug(&input.slug) {
            e.add_keyed("slug", m);
        }
        e.finish()?;
        let org = Organization {
            id: OrgId::new(),
            slug: input.slug,
            name: input.name.trim().to_string(),
            require_two_factor: false,
            created_at: self.now(),
        };
        self.store.create_org(&org, user.id).await?;
        Ok(org)
    }

    pub async fn my_orgs(&self, actor: &Actor) -> Result<Vec<OrgWithRole>> {
        match actor {
            Actor::Token(t) => {
                let org = self.store.org(t.org_id).await?.ok_or(AppError::NotFound)?;
                Ok(vec![OrgWithRole { org, role: t.role }])
            }
            _ => {
                let user = actor.user()?;
                Ok(self
                    .store
                    .orgs_of_user(user.id)
                    .await?
                    .into_iter()
                    .map(|(org, role)| OrgWithRole { org, role })
                    .collect())
            }
        }
    }

    pub async fn org(&self, actor: &Actor, org: OrgId) -> Result<OrgWithRole> {
        let a = self.authorize(actor, org, Permission::ViewOrg).await?;
        Ok(OrgWithRole { org: a.org, role: a.role })
    }

    pub async fn update_org(&self, actor: &Actor, org: OrgId, patch: OrgPatch) -> Result<Organization> {
        let mut o = self.authorize(actor, org, Permission::ManageOrgSettings).await?.org;
        if let Some(name) = patch.name {
            let mut e = ValidationError::new();
            check_text(&mut e, "name", &name, 1, 200);
            e.finish()?;
            o.name = name.trim().to_string();
        }
        if let Some(r) = patch.require_two_factor {
            o.require_two_factor = r;
        }
        self.store.update_org(&o).await?;
        Ok(o)
    }

    pub async fn members(&self, actor: &Actor, org: OrgId) -> Result<Vec<Membership>> {
        self.authorize(actor, org, Permission::ManageMembers).await?;
        Ok(self.store.members(org).await?)
    }

    /// Adds a member or changes their role. Only owners touch the owner role.
    pub async fn set_member(&self, actor: &Actor, org: OrgId, email: &Email, role: Role) -> Result<Membership> {
        let access = self.authorize(actor, org, Permission::ManageMembers).await?;
        let user = self.store.user_by_email(email).await?.ok_or_else(|| {
            AppError::invalid_key(
                "email",
                MessageKey::new("errors-no-such-account"),
                "no account with this e-mail address",
            )
        })?;
        self.change_membership(&access, user.id, Some(role)).await?;
        let members = self.store.members(org).await?;
        members.into_iter().find(|m| m.user_id == user.id).ok_or(AppError::NotFound)
    }

    pub async fn set_member_role(&self, actor: &Actor, org: OrgId, user: UserId, role: Role) -> Result<Membership> {
        let access = self.authorize(actor, org, Permission::ManageMembers).await?;
        self.change_membership(&access, user, Some(role)).await?;
        let members = self.store.members(org).await?;
        members.into_iter().find(|m| m.user_id == user).ok_or(AppError::NotFound)
    }

    pub async fn remove_member(&self, actor: &Actor, org: OrgId, user: UserId) -> Result<()> {
        let access = self.authorize(actor, org, Permission::ManageMembers).await?;
        self.change_membership(&access, user, None).await
    }

    /// Only owners are above admins, so the owner rule is the whole of
    /// "nobody changes someone with more power than they have".
    async fn change_membership(&self, access: &crate::OrgAccess, user: UserId, role: Option<Role>) -> Result<()> {
        let org = access.org.id;
        let current = self.store.members(org).await?.into_iter().find(|m| m.user_id == user).map(|m| m.role);
        if role.is_none() && current.is_none() {
            return Err(AppError::NotFound);
        }
        // Adding someone: they must have an account (an unknown id is a 404, not a foreign-key error).
        if current.is_none() && self.store.user_auth(user).await?.is_none() {
            return Err(AppError::NotFound);
        }
        let touches_owner = current == Some(Role::Owner) || role == Some(Role::Owner);
        if touches_owner && !access.role.grants(Permission::ManageOwners) {
            return Err(AppError::Forbidden("only owners can grant or take away the owner role".into()));
        }
        self.store.set_membership(org, user, role, self.now()).await?;
        Ok(())
    }

    pub async fn tokens(&self, actor: &Actor, org: OrgId) -> Result<Vec<ApiToken>> {
        self.authorize(actor, org, Permission::ManageTokens).await?;
        Ok(self.store.tokens(org).await?)
    }

    pub async fn create_token(&self, actor: &Actor, org: OrgId, input: NewToken) -> Result<CreatedToken> {
        let access = self.authorize(actor, org, Permission::ManageTokens).await?;
        let mut e = ValidationError::new();
        check_text(&mut e, "name", &input.name, 1, 200);
        e.check_key(
            input.role <= access.role,
            "role",
            MessageKey::new("errors-role-above-own").text("role", access.role.to_string()),
            format!("must not exceed your own role ({})", access.role),
        );
        if let Some(d) = input.expires_in_days {
            let key = MessageKey::new("errors-between").num("min", 1).num("max", 3650);
            e.check_key((1..=3650).contains(&d), "expires_in_days", key, "must be between 1 and 3650");
        }
        e.finish()?;
        let created_by = match actor {
            Actor::User(u) => u.id,
            Actor::Token(t) => t.created_by,
            Actor::Anonymous => return Err(AppError::NotFound),
        };
        let now = self.now();
        let secret = format!("tsr_{}", random_token());
        let token = ApiToken {
            id: TokenId::new(),
            org_id: org,
            name: input.name.trim().to_string(),
            role: input.role,
            prefix: secret.chars().take(TOKEN_PREFIX_CHARS).collect(),
            created_by,
            created_at: now,
            expires_at: input
                .expires_in_days
                .and_then(|d| now.checked_add(jiff::SignedDuration::from_hours(d * 24)).ok()),
            revoked_at: None,
            last_used_at: None,
        };
        self.store.create_token(&token, &hash_token(&secret)).await?;
        Ok(CreatedToken { token, secret })
    }

    pub async fn revoke_token(&self, actor: &Actor, org: OrgId, id: TokenId) -> Result<()> {
        self.authorize(actor, org, Permission::ManageTokens).await?;
        Ok(self.store.revoke_token(org, id, self.now()).await?)
    }

    // ------------------------------------------------ platform administration

    pub async fn admin_users(&self, actor: &Actor, limit: i64, offset: i64) -> Result<Vec<User>> {
        actor.platform_admin()?;
        Ok(self.store.list_users(limit.clamp(1, 500), offset.max(0)).await?)
    }

    pub async fn admin_orgs(&self, actor: &Actor, limit: i64, offset: i64) -> Result<Vec<Organization>> {
        actor.platform_admin()?;
        Ok(self.store.list_orgs(limit.clamp(1, 500), offset.max(0)).await?)
    }
}
