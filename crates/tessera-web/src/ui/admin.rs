//! Platform administration: every organization and every account, page by
//! page. Only platform administrators see them; the app layer refuses
//! everyone else, who gets the shell's "not allowed" page. A member's roles
//! are on the organization's team page, which a platform administrator may
//! open in any organization.

use super::shell::{Shell, Text, render, t};
use super::{Extras, error_page, signed_in, when};
use crate::AppState;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new().route("/admin", get(orgs_page)).route("/admin/users", get(users_page))
}

/// Rows per page.
const PER_PAGE: i64 = 50;

/// The 1-based page asked for; the first when the query says nothing sensible.
fn page_number(q: &HashMap<String, String>) -> i64 {
    q.get("page").and_then(|p| p.trim().parse::<i64>().ok()).filter(|p| (1..=1_000_000).contains(p)).unwrap_or(1)
}

/// The sections of the administration, the current one marked, and the
/// links to the neighbouring pages of its list.
struct Frame {
    /// (href, label, current) of each section.
    tabs: Vec<(&'static str, String, bool)>,
    page: i64,
    previous: Option<String>,
    next: Option<String>,
}

impl Frame {
    fn new(current: &str, path: &str, page: i64, more: bool) -> Frame {
        Frame {
            tabs: [("orgs", "/admin", "admin-orgs"), ("users", "/admin/users", "admin-users")]
                .into_iter()
                .map(|(key, href, label)| (href, t(label), key == current))
                .collect(),
            page,
            previous: (page > 1).then(|| format!("{path}?page={}", page - 1)),
            next: more.then(|| format!("{path}?page={}", page + 1)),
        }
    }
}

fn shell() -> Shell {
    Shell::new(t("admin-title"), &Extras { wide: true, ..Default::default() })
}

/// One organization's row.
struct OrgRow {
    id: String,
    name: String,
    slug: String,
    two_factor: bool,
    created: String,
}

#[derive(askama::Template)]
#[template(path = "admin/orgs.html")]
struct OrgsPage {
    shell: Shell,
    frame: Frame,
    orgs: Vec<OrgRow>,
}

/// One account's row.
struct UserRow {
    name: String,
    email: String,
    admin: bool,
    two_factor: bool,
    joined: String,
}

#[derive(askama::Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    shell: Shell,
    frame: Frame,
    users: Vec<UserRow>,
}

async fn orgs_page(State(s): State<AppState>, Query(q): Query<HashMap<String, String>>) -> Response {
    let (_, actor) = match signed_in("/admin") {
        Ok(v) => v,
        Err(r) => return r,
    };
    let page = page_number(&q);
    let mut orgs = match s.app.admin_orgs(&actor, PER_PAGE + 1, (page - 1) * PER_PAGE).await {
        Ok(o) => o,
        Err(e) => return error_page(e),
    };
    let more = orgs.len() as i64 > PER_PAGE;
    orgs.truncate(PER_PAGE as usize);
    let page = OrgsPage {
        shell: shell(),
        frame: Frame::new("orgs", "/admin", page, more),
        orgs: orgs
            .into_iter()
            .map(|o| OrgRow {
                id: o.id.to_string(),
                name: o.name,
                slug: o.slug.to_string(),
                two_factor: o.require_two_factor,
                created: when(o.created_at, "UTC"),
            })
            .collect(),
    };
    render(StatusCode::OK, &page, &[])
}

async fn users_page(State(s): State<AppState>, Query(q): Query<HashMap<String, String>>) -> Response {
    let (_, actor) = match signed_in("/admin/users") {
        Ok(v) => v,
        Err(r) => return r,
    };
    let page = page_number(&q);
    let mut users = match s.app.admin_users(&actor, PER_PAGE + 1, (page - 1) * PER_PAGE).await {
        Ok(u) => u,
        Err(e) => return error_page(e),
    };
    let more = users.len() as i64 > PER_PAGE;
    users.truncate(PER_PAGE as usize);
    let page = UsersPage {
        shell: shell(),
        frame: Frame::new("users", "/admin/users", page, more),
        users: users
            .into_iter()
            .map(|u| UserRow {
                email: u.email.to_string(),
                name: u.name,
                admin: u.is_platform_admin,
                two_factor: u.totp_enabled,
                joined: when(u.created_at, "UTC"),
            })
            .collect(),
    };
    render(StatusCode::OK, &page, &[])
}
