//! Platform administration: every organization and every account, page by
//! page. Only platform administrators see them; the app layer refuses
//! everyone else, who gets the shell's "not allowed" page. A member's roles
//! are on the organization's team page, which a platform administrator may
//! open in any organization.

use super::settings::{TABLE_END, table_start};
use super::{Catalog, Extras, error_page, esc, page_with, signed_in, tr, when};
use crate::AppState;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use std::collections::HashMap;

pub(super) const ZH: Catalog = &[
    ("Platform administration", "平台管理"),
    ("Organizations", "组织"),
    ("Users", "用户"),
    ("Handle", "标识"),
    ("Two-factor required", "要求双重验证"),
    ("Two-factor", "双重验证"),
    ("Platform administrator", "平台管理员"),
    ("Members and roles", "成员与角色"),
    ("Joined", "注册时间"),
    ("Pages", "分页"),
    ("Previous page", "上一页"),
    ("Next page", "下一页"),
    ("No organizations yet.", "还没有组织。"),
    ("No more entries.", "没有更多条目。"),
    ("on", "已启用"),
    ("off", "未启用"),
];

pub fn router() -> Router<AppState> {
    Router::new().route("/admin", get(orgs_page)).route("/admin/users", get(users_page))
}

/// Rows per page.
const PER_PAGE: i64 = 50;

/// The 1-based page asked for; the first when the query says nothing sensible.
fn page_number(q: &HashMap<String, String>) -> i64 {
    q.get("page").and_then(|p| p.trim().parse::<i64>().ok()).filter(|p| (1..=1_000_000).contains(p)).unwrap_or(1)
}

fn tabs(current: &str) -> String {
    let tab = |key: &str, href: &str, label: &str| {
        let cur = if key == current { " aria-current=\"page\"" } else { "" };
        format!("<a href=\"{href}\"{cur}>{label}</a>")
    };
    format!(
        "<nav class=\"tabs\" aria-label=\"{}\">{}{}</nav>",
        tr("Platform administration"),
        tab("orgs", "/admin", tr("Organizations")),
        tab("users", "/admin/users", tr("Users")),
    )
}

/// Links to the neighbouring pages.
fn pager(path: &str, page: i64, more: bool) -> String {
    let prev = if page > 1 {
        format!("<a href=\"{path}?page={}\" rel=\"prev\">{}</a>", page - 1, tr("Previous page"))
    } else {
        String::new()
    };
    let next = if more {
        format!("<a href=\"{path}?page={}\" rel=\"next\">{}</a>", page + 1, tr("Next page"))
    } else {
        String::new()
    };
    let here =
        if super::lang() == tessera_mail::Locale::ZhCn { format!("第 {page} 页") } else { format!("Page {page}") };
    format!("<nav class=\"pager\" aria-label=\"{}\">{prev} <span>{here}</span> {next}</nav>", tr("Pages"))
}

fn yes_no(b: bool) -> &'static str {
    if b { tr("on") } else { tr("off") }
}

fn render(current: &str, body: &str) -> Response {
    let body = format!("{}{body}", tabs(current));
    page_with(StatusCode::OK, tr("Platform administration"), &body, Extras { wide: true, ..Default::default() })
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
    let mut body = format!("<h2>{}</h2>", tr("Organizations"));
    if orgs.is_empty() {
        body.push_str(&format!(
            "<p>{}</p>",
            if page == 1 { tr("No organizations yet.") } else { tr("No more entries.") }
        ));
    } else {
        body.push_str(&table_start(
            tr("Organizations"),
            &[
                (tr("Name"), false),
                (tr("Handle"), false),
                (tr("Two-factor required"), false),
                (tr("Created"), false),
                (tr("Members and roles"), false),
            ],
        ));
        for o in &orgs {
            body.push_str(&format!(
                "<tr><th scope=\"row\"><a href=\"/dashboard/orgs/{id}\">{name}</a></th><td><code>{slug}</code></td><td>{tfa}</td>\
                 <td>{created}</td><td><a href=\"/dashboard/orgs/{id}/team\">{team}<span class=\"visually-hidden\"> ({name})</span></a></td></tr>",
                id = o.id,
                name = esc(&o.name),
                slug = esc(&o.slug),
                tfa = yes_no(o.require_two_factor),
                created = esc(&when(o.created_at, "UTC")),
                team = tr("Members and roles"),
            ));
        }
        body.push_str(TABLE_END);
    }
    body.push_str(&pager("/admin", page, more));
    render("orgs", &body)
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
    let mut body = format!("<h2>{}</h2>", tr("Users"));
    if users.is_empty() {
        body.push_str(&format!("<p>{}</p>", tr("No more entries.")));
    } else {
        body.push_str(&table_start(
            tr("Users"),
            &[
                (tr("Name"), false),
                (tr("E-mail"), false),
                (tr("Platform administrator"), false),
                (tr("Two-factor"), false),
                (tr("Joined"), false),
            ],
        ));
        for u in &users {
            body.push_str(&format!(
                "<tr><th scope=\"row\">{name}</th><td>{email}</td><td>{admin}</td><td>{tfa}</td><td>{joined}</td></tr>",
                name = esc(&u.name),
                email = esc(u.email.as_str()),
                admin = if u.is_platform_admin { tr("Yes") } else { tr("No") },
                tfa = yes_no(u.totp_enabled),
                joined = esc(&when(u.created_at, "UTC")),
            ));
        }
        body.push_str(TABLE_END);
    }
    body.push_str(&pager("/admin/users", page, more));
    render("users", &body)
}
