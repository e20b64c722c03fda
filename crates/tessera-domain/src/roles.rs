//! Roles and the permissions they grant. This table is the single place where
//! "who may do what" is decided; the app layer asks it, handlers never do.

use std::fmt;
use std::str::FromStr;

/// A member's role in one organization. Customers have no role at all.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Gate staff: check-in only.
    Scanner,
    /// Box office: reads the catalog, sells and manages orders, checks in.
    Staff,
    /// Runs the organization: catalog, team (except owners), tokens, settings.
    Admin,
    /// Everything, including making and removing owners.
    Owner,
}

/// Something an actor may be allowed to do inside one organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// See the organization's name and own membership.
    ViewOrg,
    /// Change organization settings (name, 2FA requirement).
    ManageOrgSettings,
    /// List members; add, change and remove non-owner members.
    ManageMembers,
    /// Grant or take away the owner role.
    ManageOwners,
    /// Create, list and revoke API tokens.
    ManageTokens,
    /// Read venues, events, ticket types and quotas, including drafts.
    ViewCatalog,
    /// Create and change venues, events, ticket types and quotas.
    ManageCatalog,
    /// Read orders and attendees.
    ViewOrders,
    /// Sell at the box office, mark paid, refund.
    ManageOrders,
    /// Scan tickets at a gate.
    CheckIn,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Admin, Role::Staff, Role::Scanner];

    pub fn grants(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Owner => true,
            Role::Admin => !matches!(permission, ManageOwners),
            Role::Staff => matches!(permission, ViewOrg | ViewCatalog | ViewOrders | ManageOrders | CheckIn),
            Role::Scanner => matches!(permission, ViewOrg | CheckIn),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Staff => "staff",
            Role::Scanner => "scanner",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "owner" => Ok(Role::Owner),
            "admin" => Ok(Role::Admin),
            "staff" => Ok(Role::Staff),
            "scanner" => Ok(Role::Scanner),
            other => Err(format!("unknown role `{other}`")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_by_power_and_grants_are_monotonic() {
        let perms = [
            Permission::ViewOrg,
            Permission::ManageOrgSettings,
            Permission::ManageMembers,
            Permission::ManageOwners,
            Permission::ManageTokens,
            Permission::ViewCatalog,
            Permission::ManageCatalog,
            Permission::ViewOrders,
            Permission::ManageOrders,
            Permission::CheckIn,
        ];
        for p in perms {
            for lower in Role::ALL {
                for higher in Role::ALL {
                    if lower <= higher && lower.grants(p) {
                        assert!(higher.grants(p), "{higher} lacks {p:?} that {lower} has");
                    }
                }
            }
        }
        assert!(!Role::Scanner.grants(Permission::ViewCatalog));
        assert!(!Role::Staff.grants(Permission::ManageCatalog));
        assert!(!Role::Admin.grants(Permission::ManageOwners));
    }
}
