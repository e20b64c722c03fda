//! API tokens: the list, a new token (its secret shown once), revoking
//! after confirming.

use super::*;
use tessera_app::orgs::NewToken;
use tessera_domain::TokenId;
use tessera_domain::account::ApiToken;

pub(super) async fn tokens_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let here = format!("/dashboard/orgs/{org}/tokens");
    let mut c = match ctx(&s, &headers, &org, &here).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let (secret, clear) = take_secret(&s, &headers, &here);
    c.cookies.extend(clear);
    tokens_view(&s, &c, StatusCode::OK, &Form::default(), &done_notice(&q), secret).await
}

async fn tokens_view(
    s: &AppState,
    c: &Ctx,
    status: StatusCode,
    new: &Form,
    notice: &str,
    secret: Option<(String, String)>,
) -> Response {
    let tokens = match s.app.tokens(&c.actor, c.id()).await {
        Ok(t) => t,
        Err(e) => return error_page(e),
    };
    let base = c.base();
    let mut body = notice.to_string();
    if let Some((id, secret)) = secret
        && let Some(t) = tokens.iter().find(|t| t.id.to_string() == id)
    {
        body.push_str(&secret_box(
            tr("Your new API token"),
            &t.name,
            &secret,
            &format!("<p>{} <code>Authorization: Bearer {}…</code></p>", tr("Send it as"), esc(&t.prefix)),
        ));
    }
    let now = s.app.now();
    if tokens.is_empty() {
        body.push_str(&format!("<p>{}</p>", tr("No API tokens yet.")));
    } else {
        // Which token and whether it works first; on a phone the rest scrolls.
        let heads = [
            (tr("Name"), false),
            (tr("Status"), false),
            (tr("Actions"), false),
            (tr("Role"), false),
            (tr("Created"), false),
            (tr("Expires"), false),
            (tr("Last used"), false),
        ];
        body.push_str(&table_start(tr("API tokens"), &heads));
        for t in &tokens {
            let (state, class) = if t.revoked_at.is_some() {
                (tr("Revoked"), "status-bad")
            } else if t.expires_at.is_some_and(|e| e <= now) {
                (tr("Expired"), "status-warn")
            } else {
                (tr("Active"), "status-ok")
            };
            let action = if t.revoked_at.is_none() {
                format!(
                    "<a href=\"{base}/tokens/{}/revoke\">{}<span class=\"visually-hidden\"> {}</span></a>",
                    t.id,
                    tr("Revoke"),
                    esc(&t.name)
                )
            } else {
                String::new()
            };
            let at = |ts: Option<tessera_domain::Timestamp>| {
                ts.map_or_else(|| tr("never").to_string(), |ts| when(ts, "UTC"))
            };
            body.push_str(&format!(
                "<tr><th scope=\"row\">{name}<br><code class=\"muted\" title=\"{starts}\">{prefix}…</code></th>\
                 <td class=\"{class}\">{state}</td><td>{action}</td><td>{role}</td><td>{created}</td><td>{expires}</td><td>{used}</td></tr>",
                starts = tr("Starts with"),
                name = esc(&t.name),
                role = role_label(t.role),
                prefix = esc(&t.prefix),
                created = esc(&when(t.created_at, "UTC")),
                expires = esc(&at(t.expires_at)),
                used = esc(&at(t.last_used_at)),
            ));
        }
        body.push_str(TABLE_END);
    }
    body.push_str(&format!(
        "<h2 id=\"new-token\">{title}</h2><form method=\"post\" action=\"{base}/tokens\" novalidate>{csrf}{marked}{name}{role}{role_hint}{days}{days_hint}\
         <p><button type=\"submit\">{submit}</button></p></form>",
        title = tr("Create a token"),
        csrf = csrf_field(&c.csrf),
        marked = check_marked(&new.errors),
        name = input("name", tr("Name"), "text", "required maxlength=\"200\" autocomplete=\"off\"", &new.values, &new.errors),
        role = select(
            "role",
            tr("Role"),
            &role_options(),
            if new.get("role").is_empty() { "staff" } else { new.get("role") },
            &new.errors
        ),
        role_hint = hint(tr("A token acts with its role, at most your own.")),
        days = input(
            "expires_in_days",
            tr("Days until it expires (optional)"),
            "number",
            "min=\"1\" max=\"3650\" step=\"1\" inputmode=\"numeric\"",
            &new.values,
            &new.errors
        ),
        days_hint = hint(tr("Leave empty for a token that works until it is revoked.")),
        submit = tr("Create the token"),
    ));
    render(c, status, tr("API tokens"), "tokens", &body)
}

pub(super) async fn create_token(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let here = format!("/dashboard/orgs/{org}/tokens");
    let c = match posted(&s, &headers, &org, &here, &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut errors = vec![];
    let role = val(&values, "role")
        .parse::<Role>()
        .map_err(|_| errors.push(("role".into(), tr("Choose a role.").into())))
        .ok();
    let expires_in_days = whole::<i64>(&values, "expires_in_days", false, &mut errors);
    if let (Some(role), true) = (role, errors.is_empty()) {
        let input = NewToken { name: val(&values, "name").to_string(), role, expires_in_days };
        match s.app.create_token(&c.actor, c.id(), input).await {
            Ok(created) => {
                let cookie = secret_cookie(&s, &here, &created.token.id.to_string(), &created.secret);
                return redirect(&format!("{here}?done=token-created"), &[cookie]);
            }
            Err(e) => match refused(e) {
                Ok(fields) => errors = fields,
                Err(page) => return page,
            },
        }
    }
    tokens_view(&s, &c, StatusCode::UNPROCESSABLE_ENTITY, &Form::refused(values, errors), "", None).await
}

async fn token_of(s: &AppState, c: &Ctx, token: &str) -> Result<ApiToken, Response> {
    let id: TokenId = token.parse().map_err(|_| not_found_page())?;
    let tokens = s.app.tokens(&c.actor, c.id()).await.map_err(error_page)?;
    tokens.into_iter().find(|t| t.id == id && t.revoked_at.is_none()).ok_or_else(not_found_page)
}

pub(super) async fn revoke_token_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, token)): Path<(String, String)>,
) -> Response {
    let c = match ctx(&s, &headers, &org, &format!("/dashboard/orgs/{org}/tokens")).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let t = match token_of(&s, &c, &token).await {
        Ok(t) => t,
        Err(page) => return page,
    };
    confirm_page(
        &c,
        StatusCode::OK,
        "tokens",
        tr("Revoke a token"),
        &format!("{} ({}…, {})", t.name, t.prefix, role_label(t.role)),
        tr("Revoke this token? Programs using it stop working at once."),
        &format!("{}/tokens/{}/revoke", c.base(), t.id),
        tr("Revoke"),
        &format!("{}/tokens", c.base()),
        None,
    )
}

pub(super) async fn revoke_token(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, token)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let c = match posted(&s, &headers, &org, &format!("/dashboard/orgs/{org}/tokens"), &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Ok(id) = token.parse::<TokenId>() else { return not_found_page() };
    match s.app.revoke_token(&c.actor, c.id(), id).await {
        Ok(()) => redirect(&format!("{}/tokens?done=token-revoked", c.base()), &[]),
        Err(e) => error_page(e),
    }
}
