//! Members and their roles: add by e-mail, change a role, remove after
//! confirming. Who may touch which role is the app's decision; a refusal is
//! said on the member's row.

use super::*;
use crate::ui::shell::{Filled, OrgTabs, Shell, Text, t, t_args};
use tessera_domain::UserId;
use tessera_domain::account::{Email, Membership};

pub(super) async fn team_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let c = match ctx(&s, &headers, &org, &format!("/dashboard/orgs/{org}/team")).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    team_view(&s, &c, StatusCode::OK, &Form::default(), None, team_notice(&q)).await
}

/// One member's row on the team page.
struct MemberRow {
    user_id: UserId,
    name: String,
    email: String,
    role: &'static str,
    you: bool,
    since: String,
    remove_question: String,
    remove_action: String,
    /// A refused role change, said on the row.
    error: Option<String>,
}

/// One pending invitation.
struct InviteRow {
    revoke_action: String,
    email: String,
    role: String,
    expires: String,
}

#[derive(askama::Template)]
#[template(path = "settings/team.html")]
struct TeamPage<'a> {
    shell: Shell,
    tabs: OrgTabs,
    csrf: String,
    base: String,
    notice: Option<String>,
    members: Vec<MemberRow>,
    roles: Vec<(&'static str, String)>,
    invitations: Vec<InviteRow>,
    values: Filled<'a>,
    errors: &'a [(String, String)],
    require_two_factor: bool,
    can_settings: bool,
}

/// A role's name, from the catalog.
fn role_name(r: Role) -> String {
    t(match r {
        Role::Owner => "settings-role-owner",
        Role::Admin => "settings-role-admin",
        Role::Staff => "settings-role-staff",
        Role::Scanner => "settings-role-scanner",
    })
}

/// The "done" message after a redirect to the team page.
fn team_notice(q: &HashMap<String, String>) -> Option<String> {
    let id = match q.get("done").map(String::as_str) {
        Some("member-added") => "settings-done-member-added",
        Some("role-changed") => "settings-done-role-changed",
        Some("member-removed") => "settings-done-member-removed",
        Some("invited") => "settings-done-invited",
        Some("invitation-revoked") => "settings-done-invitation-revoked",
        Some("two-factor") => "settings-done-two-factor",
        _ => return None,
    };
    Some(t(id))
}

/// The team: members with a role form each, pending invitations, the forms
/// to invite and to add one, and the two-factor requirement. `row_error`
/// is a refused role change, shown on its member's row.
async fn team_view(
    s: &AppState,
    c: &Ctx,
    status: StatusCode,
    add: &Form,
    row_error: Option<(UserId, String)>,
    notice: Option<String>,
) -> Response {
    let members = match s.app.members(&c.actor, c.id()).await {
        Ok(m) => m,
        Err(e) => return error_page(e),
    };
    let invitations = match s.app.invitations(&c.actor, c.id()).await {
        Ok(i) => i,
        Err(e) => return error_page(e),
    };
    let members = members
        .into_iter()
        .map(|m| {
            let you = m.user_id == c.viewer.user.id;
            MemberRow {
                user_id: m.user_id,
                error: row_error.as_ref().filter(|(u, _)| *u == m.user_id).map(|(_, e)| e.clone()),
                remove_action: format!("{}/team/{}/remove", c.base(), m.user_id),
                remove_question: if you {
                    t("settings-remove-self-question")
                } else {
                    t_args("settings-remove-question", &[("name", m.name.clone().into())])
                },
                name: m.name,
                email: m.email.to_string(),
                role: m.role.as_str(),
                you,
                since: when(m.created_at, "UTC"),
            }
        })
        .collect();
    let page = TeamPage {
        shell: Shell::new(t("settings-team-title"), &Extras { cookies: vec![], scripts: &[], wide: true }),
        tabs: OrgTabs::new(c.id(), &c.org.org.name, "team"),
        csrf: c.csrf.clone(),
        base: c.base(),
        notice,
        members,
        roles: Role::ALL.iter().map(|r| (r.as_str(), role_name(*r))).collect(),
        invitations: invitations
            .into_iter()
            .map(|i| InviteRow {
                revoke_action: format!("{}/team/invitations/{}/revoke", c.base(), i.id),
                email: i.email.to_string(),
                role: role_name(i.role),
                expires: when(i.expires_at, "UTC"),
            })
            .collect(),
        values: Filled(&add.values),
        errors: &add.errors,
        require_two_factor: c.org.org.require_two_factor,
        can_settings: c.org.role.grants(tessera_domain::Permission::ManageOrgSettings),
    };
    super::super::shell::render(status, &page, &c.cookies)
}

/// Invites an address with a role; the invitee gets a link by e-mail.
pub(super) async fn invite(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let c = match posted(&s, &headers, &org, &format!("/dashboard/orgs/{org}/team"), &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut errors = vec![];
    let email = Email::parse(val(&values, "invite_email"))
        .map_err(|_| errors.push(("invite_email".to_string(), t("settings-invite-bad-email"))))
        .ok();
    let role = val(&values, "invite_role")
        .parse::<Role>()
        .map_err(|_| errors.push(("invite_role".to_string(), t("settings-choose-role"))))
        .ok();
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if let (Some(email), Some(role)) = (email, role) {
        let input = tessera_app::account::NewInvitation { email, role };
        match s.app.invite(&c.actor, c.id(), input, super::super::lang()).await {
            Ok(_) => return redirect(&format!("{}/team?done=invited#pending", c.base()), &[]),
            Err(AppError::Forbidden(_)) => {
                status = StatusCode::FORBIDDEN;
                errors.push(("invite_role".into(), t("settings-invite-owner-only")));
            }
            Err(AppError::Conflict { message, .. }) => {
                status = StatusCode::CONFLICT;
                let id = if message.contains("member") && !message.contains("pending") {
                    "settings-invite-already-member"
                } else {
                    "settings-invite-already-pending"
                };
                errors.push(("invite_email".into(), t(id)));
            }
            Err(e) => match form_errors(e) {
                Ok(fields) => {
                    errors = fields.into_iter().map(|(f, m)| (format!("invite_{f}"), m)).collect();
                }
                Err(page) => return page,
            },
        }
    }
    team_view(&s, &c, status, &Form::refused(values, errors), None, None).await
}

/// Withdraws a pending invitation (after the confirmation on the page).
pub(super) async fn revoke_invitation(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let c = match posted(&s, &headers, &org, &format!("/dashboard/orgs/{org}/team"), &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match s.app.revoke_invitation(&c.actor, c.id(), &id).await {
        Ok(()) => redirect(&format!("{}/team?done=invitation-revoked#pending", c.base()), &[]),
        Err(e) => error_page(e),
    }
}

/// Switches the organization's two-factor requirement.
pub(super) async fn set_two_factor(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let c = match posted(&s, &headers, &org, &format!("/dashboard/orgs/{org}/team"), &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let patch = tessera_app::orgs::OrgPatch {
        name: None,
        require_two_factor: Some(val(&values, "require_two_factor") == "on"),
    };
    match s.app.update_org(&c.actor, c.id(), patch).await {
        Ok(_) => redirect(&format!("{}/team?done=two-factor#two-factor", c.base()), &[]),
        Err(e) => error_page(e),
    }
}

pub(super) async fn add_member(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let c = match posted(&s, &headers, &org, &format!("/dashboard/orgs/{org}/team"), &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut errors = vec![];
    let email = Email::parse(val(&values, "email"))
        .map_err(|_| errors.push(("email".into(), t("settings-invite-bad-email"))))
        .ok();
    let role =
        val(&values, "role").parse::<Role>().map_err(|_| errors.push(("role".into(), t("settings-choose-role")))).ok();
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if let (Some(email), Some(role)) = (email, role) {
        match s.app.set_member(&c.actor, c.id(), &email, role).await {
            Ok(_) => return redirect(&format!("{}/team?done=member-added", c.base()), &[]),
            // Giving the owner role is refused to an admin: said on the field.
            Err(AppError::Forbidden(m)) => {
                status = StatusCode::FORBIDDEN;
                errors.push(("role".into(), refusal(&m)));
            }
            Err(e) => match form_errors(e) {
                Ok(fields) => errors = fields,
                Err(page) => return page,
            },
        }
    }
    team_view(&s, &c, status, &Form::refused(values, errors), None, None).await
}

pub(super) async fn change_role(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, user)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let c = match posted(&s, &headers, &org, &format!("/dashboard/orgs/{org}/team"), &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Ok(user) = user.parse::<UserId>() else { return not_found_page() };
    let Ok(role) = val(&values, "role").parse::<Role>() else {
        return team_view(
            &s,
            &c,
            StatusCode::UNPROCESSABLE_ENTITY,
            &Form::default(),
            Some((user, t("settings-choose-role"))),
            None,
        )
        .await;
    };
    let (status, message) = match s.app.set_member_role(&c.actor, c.id(), user, role).await {
        Ok(_) => return redirect(&format!("{}/team?done=role-changed", c.base()), &[]),
        Err(AppError::Forbidden(m)) => (StatusCode::FORBIDDEN, m),
        Err(AppError::Conflict { message, .. }) => (StatusCode::CONFLICT, message),
        Err(e) => return error_page(e),
    };
    team_view(&s, &c, status, &Form::default(), Some((user, refusal(&message))), None).await
}

/// The member to remove, for the confirmation page.
async fn member_of(s: &AppState, c: &Ctx, user: &str) -> Result<Membership, Response> {
    let user: UserId = user.parse().map_err(|_| not_found_page())?;
    let members = s.app.members(&c.actor, c.id()).await.map_err(error_page)?;
    members.into_iter().find(|m| m.user_id == user).ok_or_else(not_found_page)
}

fn remove_confirm(c: &Ctx, m: &Membership, status: StatusCode, error: Option<String>) -> Response {
    let base = c.base();
    let question = if m.user_id == c.viewer.user.id {
        t("settings-remove-self-question")
    } else {
        t_args("settings-remove-question", &[("name", m.name.clone().into())])
    };
    let page = super::tokens::ConfirmPage {
        shell: Shell::new(
            t("settings-remove-member-title"),
            &Extras { cookies: c.cookies.clone(), scripts: &[], wide: true },
        ),
        tabs: OrgTabs::new(c.id(), &c.org.org.name, "team"),
        csrf: c.csrf.clone(),
        what: format!("{} ({}, {})", m.name, m.email, role_name(m.role)),
        question,
        action: format!("{base}/team/{}/remove", m.user_id),
        yes: t("settings-remove-yes"),
        back: format!("{base}/team"),
        error,
    };
    crate::ui::shell::render(status, &page, &[])
}

pub(super) async fn remove_member_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, user)): Path<(String, String)>,
) -> Response {
    let c = match ctx(&s, &headers, &org, &format!("/dashboard/orgs/{org}/team")).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match member_of(&s, &c, &user).await {
        Ok(m) => remove_confirm(&c, &m, StatusCode::OK, None),
        Err(page) => page,
    }
}

pub(super) async fn remove_member(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, user)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let c = match posted(&s, &headers, &org, &format!("/dashboard/orgs/{org}/team"), &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let m = match member_of(&s, &c, &user).await {
        Ok(m) => m,
        Err(page) => return page,
    };
    let (status, message) = match s.app.remove_member(&c.actor, c.id(), m.user_id).await {
        Ok(()) if m.user_id == c.viewer.user.id => return redirect("/dashboard", &[]),
        Ok(()) => return redirect(&format!("{}/team?done=member-removed", c.base()), &[]),
        Err(AppError::Forbidden(msg)) => (StatusCode::FORBIDDEN, msg),
        Err(AppError::Conflict { message, .. }) => (StatusCode::CONFLICT, message),
        Err(e) => return error_page(e),
    };
    remove_confirm(&c, &m, status, Some(refusal(&message)))
}

/// Who may not do what to whom (the app's Forbidden and Conflict answers
/// about roles and members), in the page's language.
fn refusal(message: &str) -> String {
    let key = match message {
        "only owners can grant or take away the owner role" => "settings-refused-owner-role",
        "an organization must keep at least one owner" => "settings-refused-last-owner",
        _ => {
            return crate::error::localized_key(
                &tessera_domain::MessageKey::new("errors-refused").text("detail", message),
                message,
            );
        }
    };
    crate::error::localized(key, message)
}
