//! Members and their roles: add by e-mail, change a role, remove after
//! confirming. Who may touch which role is the app's decision; a refusal is
//! said on the member's row.

use super::*;
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
    team_view(&s, &c, StatusCode::OK, &Form::default(), None, &done_notice(&q)).await
}

/// The team: members with a role form each, and the form to add one.
/// `row_error` is a refused role change, shown on its member's row.
async fn team_view(
    s: &AppState,
    c: &Ctx,
    status: StatusCode,
    add: &Form,
    row_error: Option<(UserId, String)>,
    notice: &str,
) -> Response {
    let members = match s.app.members(&c.actor, c.id()).await {
        Ok(m) => m,
        Err(e) => return error_page(e),
    };
    let base = c.base();
    // Who first, then what can be done: on a phone the actions stay in view.
    let mut body = format!("{notice}<h2 id=\"members\">{}</h2>", tr("Members"));
    body.push_str(&table_start(
        tr("Members"),
        &[(tr("Member"), false), (tr("Role"), false), (tr("Actions"), false), (tr("Member since"), false)],
    ));
    for m in &members {
        let you = if m.user_id == c.viewer.user.id { format!(" {}", tr("(you)")) } else { String::new() };
        let id = format!("role-{}", m.user_id);
        let error = match &row_error {
            Some((u, msg)) if *u == m.user_id => format!("<p class=\"error\" id=\"{id}-error\">{}</p>", esc(msg)),
            _ => String::new(),
        };
        let invalid = if error.is_empty() {
            String::new()
        } else {
            format!(" aria-invalid=\"true\" aria-describedby=\"{id}-error\"")
        };
        let options: String = role_options()
            .iter()
            .map(|(v, l)| {
                let sel = if *v == m.role.as_str() { " selected" } else { "" };
                format!("<option value=\"{v}\"{sel}>{l}</option>")
            })
            .collect();
        body.push_str(&format!(
            "<tr><th scope=\"row\">{name}{you}<br><span class=\"muted\">{email}</span></th><td>\
             <form class=\"row-form\" method=\"post\" action=\"{base}/team/{uid}/role\">{csrf}\
             <label class=\"visually-hidden\" for=\"{id}\">{role_of} {name}</label>\
             <select id=\"{id}\" name=\"role\"{invalid}>{options}</select> \
             <button class=\"secondary\" type=\"submit\">{change}<span class=\"visually-hidden\"> ({name})</span></button></form>{error}</td>\
             <td><a href=\"{base}/team/{uid}/remove\">{remove}<span class=\"visually-hidden\"> {name}</span></a></td><td>{since}</td></tr>",
            name = esc(&m.name),
            email = esc(m.email.as_str()),
            uid = m.user_id,
            csrf = csrf_field(&c.csrf),
            role_of = tr("Role of"),
            change = tr("Change the role"),
            since = esc(&when(m.created_at, "UTC")),
            remove = tr("Remove"),
        ));
    }
    body.push_str(TABLE_END);
    body.push_str(&format!(
        "<h2 id=\"add\">{title}</h2><form method=\"post\" action=\"{base}/team\" novalidate>{csrf}{marked}{email}{email_hint}{role}\
         <p><button type=\"submit\">{submit}</button></p></form>\
         <h3>{roles}</h3><dl><dt>{owner}</dt><dd>{owner_d}</dd><dt>{admin}</dt><dd>{admin_d}</dd>\
         <dt>{staff}</dt><dd>{staff_d}</dd><dt>{scanner}</dt><dd>{scanner_d}</dd></dl>",
        title = tr("Add a member"),
        csrf = csrf_field(&c.csrf),
        marked = check_marked(&add.errors),
        email = input("email", tr("E-mail"), "email", "required autocomplete=\"off\"", &add.values, &add.errors),
        email_hint = hint(tr("The person needs a Tessera account with this e-mail address.")),
        role = select(
            "role",
            tr("Role"),
            &role_options(),
            if add.get("role").is_empty() { "staff" } else { add.get("role") },
            &add.errors
        ),
        submit = tr("Add the member"),
        roles = tr("What each role may do"),
        owner = role_label(Role::Owner),
        owner_d = tr("Everything, including making and removing owners."),
        admin = role_label(Role::Admin),
        admin_d = tr("Runs the organization: venues, events, team, tokens, payments; not owners."),
        staff = role_label(Role::Staff),
        staff_d = tr("Box office: sees the catalog, sells, manages orders, checks in."),
        scanner = role_label(Role::Scanner),
        scanner_d = tr("Gate staff: check-in only."),
    ));
    render(c, status, tr("Team"), "team", &body)
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
        .map_err(|_| errors.push(("email".into(), tr("enter an e-mail address like name@example.org").into())))
        .ok();
    let role = val(&values, "role")
        .parse::<Role>()
        .map_err(|_| errors.push(("role".into(), tr("Choose a role.").into())))
        .ok();
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if let (Some(email), Some(role)) = (email, role) {
        match s.app.set_member(&c.actor, c.id(), &email, role).await {
            Ok(_) => return redirect(&format!("{}/team?done=member-added", c.base()), &[]),
            // Giving the owner role is refused to an admin: said on the field.
            Err(AppError::Forbidden(m)) => {
                status = StatusCode::FORBIDDEN;
                errors.push(("role".into(), localize(&m)));
            }
            Err(e) => match refused(e) {
                Ok(fields) => errors = fields,
                Err(page) => return page,
            },
        }
    }
    team_view(&s, &c, status, &Form::refused(values, errors), None, "").await
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
            Some((user, tr("Choose a role.").into())),
            "",
        )
        .await;
    };
    let (status, message) = match s.app.set_member_role(&c.actor, c.id(), user, role).await {
        Ok(_) => return redirect(&format!("{}/team?done=role-changed", c.base()), &[]),
        Err(AppError::Forbidden(m)) => (StatusCode::FORBIDDEN, m),
        Err(AppError::Conflict { message, .. }) => (StatusCode::CONFLICT, message),
        Err(e) => return error_page(e),
    };
    team_view(&s, &c, status, &Form::default(), Some((user, localize(&message))), "").await
}

/// The member to remove, for the confirmation page.
async fn member_of(s: &AppState, c: &Ctx, user: &str) -> Result<Membership, Response> {
    let user: UserId = user.parse().map_err(|_| not_found_page())?;
    let members = s.app.members(&c.actor, c.id()).await.map_err(error_page)?;
    members.into_iter().find(|m| m.user_id == user).ok_or_else(not_found_page)
}

fn remove_confirm(c: &Ctx, m: &Membership, status: StatusCode, error: Option<&str>) -> Response {
    let base = c.base();
    let question = if m.user_id == c.viewer.user.id {
        tr("You are removing yourself: you lose access to this organization at once.")
    } else {
        tr("Remove this person from the organization? They lose access at once.")
    };
    confirm_page(
        c,
        status,
        "team",
        tr("Remove a member"),
        &format!("{} ({}, {})", m.name, m.email, role_label(m.role)),
        question,
        &format!("{base}/team/{}/remove", m.user_id),
        tr("Remove"),
        &format!("{base}/team"),
        error,
    )
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
    remove_confirm(&c, &m, status, Some(&localize(&message)))
}
