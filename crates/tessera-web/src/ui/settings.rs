//! The organization's settings in the dashboard: venues with their seat
//! maps, the team, API tokens, webhook endpoints and payments. Plain forms
//! that work without a script; each success redirects (POST-redirect-GET),
//! each refusal shows the form again with what was entered and a message
//! next to every wrong field. Every page calls the same `tessera-app`
//! functions as the JSON API, which decide who may do what.
//!
//! A secret shown once (an API token, a webhook signing secret) travels from
//! the POST to the page after the redirect in a short-lived HttpOnly cookie
//! scoped to that page, which the page clears as it shows it.
//!
//! Here: the routes, the parts the pages share and the pages' Chinese
//! catalog (one place for translators); each page is in `settings/`.

use super::{
    Catalog, Extras, Viewer, csrf_field, csrf_ok, csrf_token, error_page, esc, field_errors, form, form_errors,
    form_expired_page, input, invalid_attrs, money, not_found_page, org_tabs, page_with, redirect, signed_in, tr, when,
};
use crate::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use std::collections::HashMap;
use std::sync::Arc;
use tessera_app::orgs::OrgWithRole;
use tessera_app::{Actor, AppError};
use tessera_domain::{OrgId, Role};
use tessera_mail::Locale;

pub(super) const ZH: Catalog = &[
    // Shared: used by tokens/webhooks until they move (and by admin.rs, the
    // team's removal page and the secret box here)
    ("Name", "名称"),
    ("Cancel", "取消"),
    ("Created", "创建时间"),
    ("never", "从不"),
    ("Yes", "是"),
    ("No", "否"),
    ("Role", "角色"),
    ("Status", "状态"),
    ("Actions", "操作"),
    ("Choose a role.", "请选择角色。"),
    ("Copy it now: it is not shown again.", "请立即复制：它不会再次显示。"),
    // Team: the removal page and the app's refusals team.rs still says this way
    ("Members", "成员"),
    ("Member", "成员"),
    ("Member since", "加入时间"),
    ("(you)", "（您）"),
    ("Role of", "角色："),
    ("Change the role", "更改角色"),
    ("Remove", "移除"),
    ("Add a member", "添加成员"),
    ("The person needs a Tessera account with this e-mail address.", "此人需要使用该电子邮箱注册 Tessera 账户。"),
    ("Add the member", "添加成员"),
    ("What each role may do", "各角色的权限"),
    ("Everything, including making and removing owners.", "全部权限，包括任免所有者。"),
    (
        "Runs the organization: venues, events, team, tokens, payments; not owners.",
        "管理组织：场馆、活动、团队、令牌、支付；不含所有者。",
    ),
    ("Box office: sees the catalog, sells, manages orders, checks in.", "售票处：查看活动目录、售票、管理订单、检票。"),
    ("Gate staff: check-in only.", "入口工作人员：仅检票。"),
    ("Remove a member", "移除成员"),
    (
        "Remove this person from the organization? They lose access at once.",
        "要将此人移出组织吗？其访问权限将立即失效。",
    ),
    (
        "You are removing yourself: you lose access to this organization at once.",
        "您正在移除自己：您将立即失去此组织的访问权限。",
    ),
    ("The member was added.", "成员已添加。"),
    ("The role was changed.", "角色已更改。"),
    ("The member was removed.", "成员已移除。"),
    ("no account with this e-mail address", "没有使用此电子邮箱的账户"),
    ("an organization must keep at least one owner", "组织必须至少保留一名所有者"),
    ("only owners can grant or take away the owner role", "只有所有者可以授予或取消所有者角色"),
    // Tokens: used by tokens/webhooks until they move
    ("No API tokens yet.", "还没有 API 令牌。"),
    ("Starts with", "开头"),
    ("Expires", "到期"),
    ("Last used", "最近使用"),
    ("Active", "有效"),
    ("Expired", "已过期"),
    ("Revoked", "已撤销"),
    ("Revoke", "撤销"),
    ("Create a token", "创建令牌"),
    ("Days until it expires (optional)", "有效天数（可选）"),
    ("Leave empty for a token that works until it is revoked.", "留空则令牌在撤销前一直有效。"),
    ("A token acts with its role, at most your own.", "令牌以其角色行事，不能超过您自己的角色。"),
    ("Create the token", "创建令牌"),
    ("Your new API token", "您的新 API 令牌"),
    ("Send it as", "使用方式"),
    ("Revoke a token", "撤销令牌"),
    ("Revoke this token? Programs using it stop working at once.", "要撤销此令牌吗？使用它的程序将立即停止工作。"),
    ("The token was revoked.", "令牌已撤销。"),
    ("must be between 1 and 3650", "必须在 1 到 3650 之间"),
    ("must not exceed your own role (owner)", "不能超过您自己的角色（所有者）"),
    ("must not exceed your own role (admin)", "不能超过您自己的角色（管理员）"),
    ("must not exceed your own role (staff)", "不能超过您自己的角色（工作人员）"),
    ("must not exceed your own role (scanner)", "不能超过您自己的角色（检票员）"),
    // Webhooks: used by tokens/webhooks until they move
    ("No webhook endpoints yet.", "还没有 Webhook 端点。"),
    ("Event types", "事件类型"),
    ("On", "启用"),
    ("Off", "停用"),
    ("Failures in a row", "连续失败次数"),
    ("Add an endpoint", "添加端点"),
    ("Description (optional)", "说明（可选）"),
    ("Which events to send", "发送哪些事件"),
    ("All events, including ones added later", "所有事件，包括以后新增的"),
    ("An order is placed", "下单"),
    ("An order is paid", "订单已付款"),
    ("An order is cancelled", "订单已取消"),
    ("An order is refunded", "订单已退款"),
    ("A ticket is checked in", "门票已检票"),
    ("An event is cancelled", "活动已取消"),
    ("Add the endpoint", "添加端点"),
    (
        "Messages are signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature).",
        "消息按 Standard Webhooks 规范签名（webhook-id、webhook-timestamp、webhook-signature）。",
    ),
    ("Signing secret", "签名密钥"),
    ("Verify our signatures with it.", "用它验证我们的签名。"),
    ("Endpoint", "端点"),
    ("Send to this endpoint", "向此端点发送"),
    ("Save the endpoint", "保存端点"),
    ("To change the address, add a new endpoint and delete this one.", "如需更改地址，请添加新端点并删除此端点。"),
    ("Delete the endpoint", "删除端点"),
    ("Delete", "删除"),
    ("Delete this endpoint? Nothing more is sent to it.", "要删除此端点吗？将不再向其发送任何内容。"),
    ("Switched off:", "已停用："),
    ("Deliveries", "投递记录"),
    ("Nothing was sent to this endpoint yet.", "尚未向此端点发送任何内容。"),
    ("Event type", "事件类型"),
    ("Attempts", "尝试次数"),
    ("Next attempt", "下次尝试"),
    ("Last error", "最近错误"),
    ("Send again", "重新发送"),
    ("Every attempt", "每次尝试"),
    ("Time", "时间"),
    ("HTTP status", "HTTP 状态"),
    ("Duration", "耗时"),
    ("Error", "错误"),
    ("waiting", "等待中"),
    ("delivered", "已送达"),
    ("failed", "失败"),
    ("The endpoint was added.", "端点已添加。"),
    ("The endpoint was saved.", "端点已保存。"),
    ("The endpoint was deleted.", "端点已删除。"),
    ("The delivery is queued to be sent again.", "该投递已排队重新发送。"),
    ("This delivery is already queued.", "该投递已在队列中。"),
    ("1 to 20 event types", "1 到 20 种事件类型"),
    (
        "The URL is not a valid absolute URL, such as https://hooks.example.com/tessera.",
        "URL 无效，应为完整地址，例如 https://hooks.example.com/tessera。",
    ),
    ("The URL is too long; use at most 2048 characters.", "URL 过长，最多 2048 个字符。"),
    ("The URL must start with https://.", "URL 必须以 https:// 开头。"),
    ("The URL must use https://; plain http is not accepted.", "URL 必须使用 https://，不接受 http。"),
    ("The URL must not contain a user name or password.", "URL 不能包含用户名或密码。"),
];

mod payments;
mod team;
mod tokens;
pub(crate) mod venues;
mod webhooks;

pub fn router() -> Router<AppState> {
    let o = "/dashboard/orgs/{org}";
    Router::new()
        .route(&format!("{o}/venues"), get(venues::venues_page).post(venues::create_venue))
        .route(&format!("{o}/venues/{{venue}}"), get(venues::venue_page).post(venues::update_venue))
        .route(&format!("{o}/venues/{{venue}}/seat-map/generate"), post(venues::generate_map))
        .route(&format!("{o}/venues/{{venue}}/seat-map/import"), post(venues::import_map))
        .route(&format!("{o}/venues/{{venue}}/seat-map.json"), get(venues::export_json))
        .route(&format!("{o}/venues/{{venue}}/seat-map.csv"), get(venues::export_csv))
        .route(&format!("{o}/team"), get(team::team_page).post(team::add_member))
        .route(&format!("{o}/team/{{user}}/role"), post(team::change_role))
        .route(&format!("{o}/team/invitations"), post(team::invite))
        .route(&format!("{o}/team/invitations/{{invitation}}/revoke"), post(team::revoke_invitation))
        .route(&format!("{o}/team/two-factor"), post(team::set_two_factor))
        .route(&format!("{o}/team/{{user}}/remove"), get(team::remove_member_page).post(team::remove_member))
        .route(&format!("{o}/tokens"), get(tokens::tokens_page).post(tokens::create_token))
        .route(&format!("{o}/tokens/{{token}}/revoke"), get(tokens::revoke_token_page).post(tokens::revoke_token))
        .route(&format!("{o}/webhooks"), get(webhooks::webhooks_page).post(webhooks::create_endpoint))
        .route(&format!("{o}/webhooks/{{endpoint}}"), get(webhooks::endpoint_page).post(webhooks::update_endpoint))
        .route(
            &format!("{o}/webhooks/{{endpoint}}/delete"),
            get(webhooks::delete_endpoint_page).post(webhooks::delete_endpoint),
        )
        .route(&format!("{o}/webhooks/{{endpoint}}/deliveries/{{delivery}}/redeliver"), post(webhooks::redeliver))
        .route(&format!("{o}/payments"), get(payments::payments_page).post(payments::save_payment_settings))
        .route(&format!("{o}/payments/payouts"), post(payments::record_payout))
}

// ------------------------------------------------------------ shared parts

/// A settings page's organization, who is looking, and the form token.
struct Ctx {
    actor: Actor,
    viewer: Arc<Viewer>,
    org: OrgWithRole,
    csrf: String,
    cookies: Vec<String>,
}

impl Ctx {
    fn id(&self) -> OrgId {
        self.org.org.id
    }

    /// The organization's dashboard path.
    fn base(&self) -> String {
        format!("/dashboard/orgs/{}", self.id())
    }
}

/// The signed-in viewer and the organization (the app decides whether they
/// may see it: a stranger gets the not-found page).
async fn ctx(s: &AppState, headers: &HeaderMap, org: &str, here: &str) -> Result<Ctx, Response> {
    let (viewer, actor) = signed_in(here)?;
    let id: OrgId = org.parse().map_err(|_| not_found_page())?;
    let org = s.app.org(&actor, id).await.map_err(error_page)?;
    let (csrf, set) = csrf_token(headers);
    Ok(Ctx { actor, viewer, org, csrf, cookies: set.into_iter().collect() })
}

/// [`ctx`] for a posted form, whose token must match.
async fn posted(
    s: &AppState,
    headers: &HeaderMap,
    org: &str,
    here: &str,
    values: &HashMap<String, String>,
) -> Result<Ctx, Response> {
    let c = ctx(s, headers, org, here).await?;
    if !csrf_ok(headers, values) {
        return Err(form_expired_page(here));
    }
    Ok(c)
}

/// The page in the dashboard's frame: the organization's tabs, a wide layout.
fn render(c: &Ctx, status: StatusCode, title: &str, tab: &str, body: &str) -> Response {
    let head = org_tabs(c.id(), &c.org.org.name, tab);
    page_with(status, title, &format!("{head}{body}"), Extras { cookies: c.cookies.clone(), scripts: &[], wide: true })
}

/// What a refused form showed: the entered values and a message per field.
#[derive(Default)]
struct Form {
    values: HashMap<String, String>,
    errors: Vec<(String, String)>,
}

impl Form {
    fn refused(values: HashMap<String, String>, errors: Vec<(String, String)>) -> Self {
        Form { values, errors }
    }

    fn get(&self, k: &str) -> &str {
        self.values.get(k).map(String::as_str).unwrap_or("")
    }
}

fn val<'a>(values: &'a HashMap<String, String>, k: &str) -> &'a str {
    values.get(k).map(|v| v.trim()).unwrap_or("")
}

/// An app message in the page's language, where the catalog knows it.
fn localize(message: &str) -> String {
    if super::lang() == Locale::ZhCn
        && let Some(zh) = super::ZH.get(message)
    {
        return (*zh).to_string();
    }
    message.to_string()
}

/// An app refusal as messages next to the fields, or the page to show.
fn refused(e: AppError) -> Result<Vec<(String, String)>, Response> {
    form_errors(e).map(|fields| fields.into_iter().map(|(f, m)| (f, localize(&m))).collect())
}

/// The line above a refused form.
fn check_marked(errors: &[(String, String)]) -> String {
    if errors.is_empty() {
        String::new()
    } else {
        format!("<p class=\"error\" role=\"alert\">{}</p>", tr("Please check the marked fields."))
    }
}

/// A labelled drop-down list that keeps the chosen value and shows its errors.
fn select(name: &str, label: &str, options: &[(&str, &str)], chosen: &str, errors: &[(String, String)]) -> String {
    let errs = field_errors(errors, name);
    let opts: String = options
        .iter()
        .map(|(v, l)| {
            let sel = if *v == chosen { " selected" } else { "" };
            format!("<option value=\"{}\"{sel}>{}</option>", esc(v), esc(l))
        })
        .collect();
    format!(
        "<p><label for=\"{n}\">{label}</label><br><select id=\"{n}\" name=\"{n}\"{inv}>{opts}</select>{errs}</p>",
        n = esc(name),
        label = esc(label),
        inv = invalid_attrs(name, &errs),
    )
}

/// A group of check boxes under a legend; each box is named `prefix` + its
/// value, and its label is HTML.
fn checkboxes(
    legend: &str,
    prefix: &str,
    options: &[(&str, String)],
    checked: &dyn Fn(&str) -> bool,
    error_field: &str,
    errors: &[(String, String)],
) -> String {
    let errs = field_errors(errors, error_field);
    let boxes: String = options
        .iter()
        .map(|(v, label)| {
            let id = format!("{prefix}{v}").replace('*', "all");
            let on = if checked(v) { " checked" } else { "" };
            format!(
                "<li><input type=\"checkbox\" id=\"{id}\" name=\"{name}\" value=\"on\"{on}> <label for=\"{id}\">{label}</label></li>",
                id = esc(&id),
                name = esc(&format!("{prefix}{v}")),
            )
        })
        .collect();
    format!(
        "<fieldset{inv}><legend>{legend}</legend><ul class=\"checks\">{boxes}</ul>{errs}</fieldset>",
        inv = invalid_attrs(error_field, &errs),
        legend = esc(legend),
    )
}

/// The start of a data table inside a region that scrolls sideways on a
/// narrow screen; keyboard users can focus the region to scroll it.
/// `heads`: each column's title and whether it holds numbers.
pub(super) fn table_start(label: &str, heads: &[(&str, bool)]) -> String {
    let cols: String = heads
        .iter()
        .map(|(h, num)| format!("<th scope=\"col\"{}>{}</th>", if *num { " class=\"num\"" } else { "" }, esc(h)))
        .collect();
    format!(
        "<div class=\"scroll\" role=\"region\" aria-label=\"{}\" tabindex=\"0\"><table><thead><tr>{cols}</tr></thead><tbody>",
        esc(label)
    )
}

pub(super) const TABLE_END: &str = "</tbody></table></div>";

/// A short explanation under a field.
fn hint(text: &str) -> String {
    format!("<p class=\"muted hint\">{}</p>", esc(text))
}

/// A whole number from a form field; `None` (with a message) when it is not one.
fn whole<T: std::str::FromStr>(
    values: &HashMap<String, String>,
    field: &str,
    required: bool,
    errors: &mut Vec<(String, String)>,
) -> Option<T> {
    let raw = val(values, field);
    if raw.is_empty() && !required {
        return None;
    }
    match raw.parse::<T>() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.push((field.to_string(), super::shell::t("settings-whole-number")));
            None
        }
    }
}

/// The "done" message after a redirect, for the keys this module sets.
fn done_notice(q: &HashMap<String, String>) -> String {
    let text = match q.get("done").map(String::as_str) {
        Some("member-added") => tr("The member was added."),
        Some("role-changed") => tr("The role was changed."),
        Some("member-removed") => tr("The member was removed."),
        Some("token-revoked") => tr("The token was revoked."),
        Some("endpoint-created") => tr("The endpoint was added."),
        Some("endpoint-saved") => tr("The endpoint was saved."),
        Some("endpoint-deleted") => tr("The endpoint was deleted."),
        Some("redelivered") => tr("The delivery is queued to be sent again."),
        Some("already-queued") => tr("This delivery is already queued."),
        _ => return String::new(),
    };
    format!("<p class=\"notice\" role=\"status\">{text}</p>")
}

/// A role's name. Not through the catalog: the shell's "Admin" and
/// "Scanner" are the navigation's words, not roles.
fn role_label(r: Role) -> &'static str {
    let zh = super::lang() == Locale::ZhCn;
    match (r, zh) {
        (Role::Owner, false) => "Owner",
        (Role::Admin, false) => "Admin",
        (Role::Staff, false) => "Staff",
        (Role::Scanner, false) => "Scanner",
        (Role::Owner, true) => "所有者",
        (Role::Admin, true) => "管理员",
        (Role::Staff, true) => "工作人员",
        (Role::Scanner, true) => "检票员",
    }
}

fn role_options() -> Vec<(&'static str, &'static str)> {
    Role::ALL.iter().map(|r| (r.as_str(), role_label(*r))).collect()
}

/// A page asking to confirm a step that cannot be undone.
#[allow(clippy::too_many_arguments)]
fn confirm_page(
    c: &Ctx,
    status: StatusCode,
    tab: &str,
    title: &str,
    what: &str,
    question: &str,
    action: &str,
    button: &str,
    back: &str,
    error: Option<&str>,
) -> Response {
    let error = error.map(|m| format!("<p class=\"error\" role=\"alert\">{}</p>", esc(m))).unwrap_or_default();
    let body = format!(
        "<p><strong>{what}</strong></p><p>{question}</p>{error}\
         <form method=\"post\" action=\"{action}\">{csrf}<p class=\"actions\">\
         <button class=\"danger\" type=\"submit\">{button}</button> <a href=\"{back}\">{cancel}</a></p></form>",
        what = esc(what),
        question = esc(question),
        action = esc(action),
        csrf = csrf_field(&c.csrf),
        button = esc(button),
        back = esc(back),
        cancel = tr("Cancel"),
    );
    render(c, status, title, tab, &body)
}

// ------------------------------------------------------ secrets shown once

const SECRET_COOKIE: &str = "tessera_secret";

/// Carries a new secret to the page after the redirect, and only there.
fn secret_cookie(s: &AppState, path: &str, id: &str, secret: &str) -> String {
    let value: String = form_urlencoded::byte_serialize(format!("{id} {secret}").as_bytes()).collect();
    let secure = if s.web.cookie_secure { "; Secure" } else { "" };
    format!("{SECRET_COOKIE}={value}; Path={path}; HttpOnly; SameSite=Strict; Max-Age=300{secure}")
}

/// The secret waiting for this page (the id it belongs to, the secret), and
/// the cookie that clears it.
fn take_secret(s: &AppState, headers: &HeaderMap, path: &str) -> (Option<(String, String)>, Option<String>) {
    let Some(raw) = super::cookie(headers, SECRET_COOKIE) else { return (None, None) };
    let decoded: String =
        form_urlencoded::parse(format!("v={raw}").as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default();
    let secure = if s.web.cookie_secure { "; Secure" } else { "" };
    let clear = format!("{SECRET_COOKIE}=; Path={path}; HttpOnly; SameSite=Strict; Max-Age=0{secure}");
    let found = decoded.split_once(' ').map(|(id, secret)| (id.to_string(), secret.to_string()));
    (found, Some(clear))
}

/// The box showing a secret once.
fn secret_box(title: &str, label: &str, secret: &str, usage: &str) -> String {
    format!(
        "<section class=\"secret\" aria-labelledby=\"secret-title\"><h2 id=\"secret-title\">{title}</h2>\
         <p><strong>{warn}</strong></p><p><label for=\"new-secret\">{label}</label><br>\
         <input id=\"new-secret\" class=\"code\" type=\"text\" readonly value=\"{secret}\" autocomplete=\"off\" spellcheck=\"false\"></p>{usage}</section>",
        title = esc(title),
        warn = tr("Copy it now: it is not shown again."),
        label = esc(label),
        secret = esc(secret),
    )
}
