//! API tokens: the list, a new token (its secret shown once), revoking
//! after confirming (on the list, or on its own page for a link).

use super::*;
use crate::ui::shell::{Filled, OrgTabs, Shell, Text, t, t_args};
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
    tokens_view(&s, &c, StatusCode::OK, &Form::default(), done(&q), secret).await
}

/// The "done" message after a redirect to the tokens page.
fn done(q: &HashMap<String, String>) -> Option<String> {
    let id = match q.get("done").map(String::as_str) {
        Some("token-created") => "developers-done-token-created",
        Some("token-revoked") => "developers-done-token-revoked",
        _ => return None,
    };
    Some(t(id))
}

/// A role's name, from the catalog.
pub(super) fn role_name(r: Role) -> String {
    t(match r {
        Role::Owner => "settings-role-owner",
        Role::Admin => "settings-role-admin",
        Role::Staff => "settings-role-staff",
        Role::Scanner => "settings-role-scanner",
    })
}

/// One token's row.
struct TokenRow {
    name: String,
    prefix: String,
    /// The badge: (kind, text).
    state: (&'static str, String),
    role: String,
    created: String,
    expires: String,
    used: String,
    /// Where revoking posts, for a token that still works.
    revoke: Option<String>,
}

/// The secret of the token just made, shown once.
struct NewSecret {
    name: String,
    prefix: String,
    secret: String,
}

#[derive(askama::Template)]
#[template(path = "settings/tokens.html")]
struct TokensPage<'a> {
    shell: Shell,
    tabs: OrgTabs,
    csrf: String,
    base: String,
    notice: Option<String>,
    secret: Option<NewSecret>,
    tokens: Vec<TokenRow>,
    roles: Vec<(&'static str, String)>,
    values: Filled<'a>,
    errors: &'a [(String, String)],
}

impl TokensPage<'_> {
    /// The role chosen in the form: what was sent, else staff.
    fn chosen_role(&self) -> &str {
        match self.values.v("role") {
            "" => "staff",
            r => r,
        }
    }
}

async fn tokens_view(
    s: &AppState,
    c: &Ctx,
    status: StatusCode,
    new: &Form,
    notice: Option<String>,
    secret: Option<(String, String)>,
) -> Response {
    let tokens = match s.app.tokens(&c.actor, c.id()).await {
        Ok(t) => t,
        Err(e) => return error_page(e),
    };
    let base = c.base();
    let secret = secret.and_then(|(id, secret)| {
        tokens.iter().find(|t| t.id.to_string() == id).map(|t| NewSecret {
            name: t.name.clone(),
            prefix: t.prefix.clone(),
            secret,
        })
    });
    let now = s.app.now();
    let at = |ts: Option<tessera_domain::Timestamp>| ts.map_or_else(|| t("developers-never"), |ts| when(ts, "UTC"));
    let rows = tokens
        .iter()
        .map(|tok| {
            let state = if tok.revoked_at.is_some() {
                ("bad", t("developers-token-revoked"))
            } else if tok.expires_at.is_some_and(|e| e <= now) {
                ("warn", t("developers-token-expired"))
            } else {
                ("ok", t("developers-token-active"))
            };
            TokenRow {
                name: tok.name.clone(),
                prefix: tok.prefix.clone(),
                state,
                role: role_name(tok.role),
                created: when(tok.created_at, "UTC"),
                expires: at(tok.expires_at),
                used: at(tok.last_used_at),
                revoke: tok.revoked_at.is_none().then(|| format!("{base}/tokens/{}/revoke", tok.id)),
            }
        })
        .collect();
    let page = TokensPage {
        shell: Shell::new(t("developers-tokens-title"), &Extras { cookies: vec![], scripts: &[], wide: true }),
        tabs: OrgTabs::new(c.id(), &c.org.org.name, "tokens"),
        csrf: c.csrf.clone(),
        base,
        notice,
        secret,
        tokens: rows,
        roles: Role::ALL.iter().map(|r| (r.as_str(), role_name(*r))).collect(),
        values: Filled(&new.values),
        errors: &new.errors,
    };
    crate::ui::shell::render(status, &page, &c.cookies)
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
    // What the app cannot be asked without: a known role, a number of days.
    let mut errors = vec![];
    let role = val(&values, "role")
        .parse::<Role>()
        .map_err(|_| errors.push(("role".to_string(), t("developers-token-choose-role"))))
        .ok();
    let days = val(&values, "expires_in_days");
    let expires_in_days = if days.is_empty() {
        None
    } else {
        days.parse::<i64>()
            .map_err(|_| errors.push(("expires_in_days".to_string(), t("developers-token-days-number"))))
            .ok()
    };
    match (role, errors.is_empty()) {
        (Some(role), true) => {
            let input = NewToken { name: val(&values, "name").to_string(), role, expires_in_days };
            match s.app.create_token(&c.actor, c.id(), input).await {
                Ok(created) => {
                    let cookie = secret_cookie(&s, &here, &created.token.id.to_string(), &created.secret);
                    return redirect(&format!("{here}?done=token-created"), &[cookie]);
                }
                Err(e) => match form_errors(e) {
                    Ok(fields) => errors = fields,
                    Err(page) => return page,
                },
            }
        }
        // The name is said wrong at the same time as the rest.
        _ if val(&values, "name").is_empty() => {
            errors.insert(0, ("name".to_string(), t("developers-token-name-required")));
        }
        _ => {}
    }
    tokens_view(&s, &c, StatusCode::UNPROCESSABLE_ENTITY, &Form::refused(values, errors), None, None).await
}

/// A token that still works.
async fn token_of(s: &AppState, c: &Ctx, token: &str) -> Result<ApiToken, Response> {
    let id: TokenId = token.parse().map_err(|_| not_found_page())?;
    let tokens = s.app.tokens(&c.actor, c.id()).await.map_err(error_page)?;
    tokens.into_iter().find(|t| t.id == id && t.revoked_at.is_none()).ok_or_else(not_found_page)
}

/// A step that cannot be undone, asked on a page of its own (for links
/// and browsers that cannot open the inline question).
#[derive(askama::Template)]
#[template(path = "settings/developers_confirm.html")]
pub(super) struct ConfirmPage {
    pub shell: Shell,
    pub tabs: OrgTabs,
    pub csrf: String,
    /// What the step is about, as the list shows it.
    pub what: String,
    pub question: String,
    pub action: String,
    pub yes: String,
    pub back: String,
    /// Why the step was refused, when it was.
    pub error: Option<String>,
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
    let tok = match token_of(&s, &c, &token).await {
        Ok(t) => t,
        Err(page) => return page,
    };
    let page = ConfirmPage {
        shell: Shell::new(t("developers-token-revoke-title"), &Extras { cookies: vec![], scripts: &[], wide: true }),
        tabs: OrgTabs::new(c.id(), &c.org.org.name, "tokens"),
        csrf: c.csrf.clone(),
        what: format!("{} ({}…, {})", tok.name, tok.prefix, role_name(tok.role)),
        question: t_args("developers-token-revoke-question", &[("name", tok.name.clone().into())]),
        action: format!("{}/tokens/{}/revoke", c.base(), tok.id),
        yes: t("developers-token-revoke-yes"),
        back: format!("{}/tokens", c.base()),
        error: None,
    };
    crate::ui::shell::render(StatusCode::OK, &page, &c.cookies)
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
