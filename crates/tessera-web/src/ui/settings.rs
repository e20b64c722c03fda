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

use super::{
    Catalog, Extras, Viewer, csrf_field, csrf_ok, csrf_token, error_page, esc, field_errors, form, form_errors,
    form_expired_page, input, money, not_found_page, org_tabs, page_with, redirect, signed_in, tr, when,
};
use crate::AppState;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::collections::HashMap;
use std::sync::Arc;
use tessera_app::orgs::{NewToken, OrgWithRole};
use tessera_app::outbox::{EndpointPatch, EndpointView, NewEndpoint, WEBHOOK_TYPES};
use tessera_app::payments::{ManualSettings, NewPayout, PROVIDERS, PaymentSettingsInput, StripeInput};
use tessera_app::seating::{GenerateMap, MAX_DOCUMENT_BYTES, MapFormat, SeatMapSummary};
use tessera_app::{Actor, AppError};
use tessera_domain::account::Email;
use tessera_domain::catalog::{NewVenue, TimeZoneName, Venue, VenuePatch};
use tessera_domain::{Currency, Money, OrgId, Role, TokenId, UserId, VenueId};
use tessera_mail::Locale;

pub(super) const ZH: Catalog = &[
    // Shared
    ("Name", "名称"),
    ("Save", "保存"),
    ("Cancel", "取消"),
    ("Created", "创建时间"),
    ("never", "从不"),
    ("Yes", "是"),
    ("No", "否"),
    ("Role", "角色"),
    ("Status", "状态"),
    ("Actions", "操作"),
    ("Choose a role.", "请选择角色。"),
    ("enter a number", "请输入数字"),
    ("Copy it now: it is not shown again.", "请立即复制：它不会再次显示。"),
    // Venues and seat maps
    ("No venues yet. Add the first one below.", "还没有场馆。请在下方添加第一个。"),
    ("Add a venue", "添加场馆"),
    ("Add the venue", "添加场馆"),
    ("Address", "地址"),
    ("Time zone", "时区"),
    ("An IANA name such as Europe/Berlin or Asia/Shanghai.", "IANA 时区名称，例如 Europe/Berlin 或 Asia/Shanghai。"),
    ("Choose a time zone from the list, such as Europe/Berlin.", "请从列表中选择时区，例如 Europe/Berlin。"),
    ("Capacity", "容量"),
    ("Capacity (general admission)", "容量（不对号入场）"),
    ("Seats", "座位"),
    ("Seat map", "座位图"),
    ("Venue details", "场馆信息"),
    ("Save the venue", "保存场馆"),
    ("All venues", "所有场馆"),
    ("no seat map", "无座位图"),
    ("This venue has no seat map yet. Generate one or import a file.", "此场馆还没有座位图。请生成或导入文件。"),
    ("Version", "版本"),
    ("Updated", "更新时间"),
    ("Sections", "区域"),
    ("Section", "区域"),
    ("Rows", "排数"),
    ("Categories (price zones)", "类别（价格区）"),
    ("Category", "类别"),
    ("Standing areas", "站席区"),
    ("Download the map", "下载座位图"),
    ("JSON (complete)", "JSON（完整）"),
    ("CSV (seats only)", "CSV（仅座位）"),
    ("Generate a map", "生成座位图"),
    (
        "Replaces the venue's current map. Seats whose section, row and seat labels stay the same keep their ids.",
        "将替换场馆当前的座位图。区域、排号和座位号不变的座位保留其标识。",
    ),
    ("Rectangular hall", "矩形大厅"),
    ("Curved rows", "弧形排列"),
    ("Stadium", "体育场"),
    ("Seats per row", "每排座位数"),
    ("Aisle after every … seats (optional)", "每隔多少个座位设过道（可选）"),
    ("Categories, front to back (optional)", "类别，由前至后（可选）"),
    ("Separate with commas, such as A, B, C.", "用逗号分隔，例如 A, B, C。"),
    ("Angle the rows span, in degrees", "排的展开角度（度）"),
    ("Rows per section", "每区排数"),
    ("Standing places on the pitch (optional)", "场地站席数（可选）"),
    ("Generate", "生成"),
    ("Import a file", "导入文件"),
    (
        "JSON in Tessera's seat map format, or CSV with the columns section,row,seat,x,y,category,flags. Up to 32 MiB.",
        "Tessera 座位图格式的 JSON，或包含 section,row,seat,x,y,category,flags 列的 CSV。最大 32 MiB。",
    ),
    ("Seat map file", "座位图文件"),
    ("Import", "导入"),
    ("Choose a JSON or CSV file.", "请选择 JSON 或 CSV 文件。"),
    ("The file is not UTF-8 text.", "文件不是 UTF-8 文本。"),
    ("The file is larger than 32 MiB.", "文件超过 32 MiB。"),
    ("The file has problems; nothing was changed:", "文件有问题，未作任何更改："),
    ("The venue was created. Now add its seat map, if it has seats.", "场馆已创建。如有座位，请添加座位图。"),
    ("The venue was saved.", "场馆已保存。"),
    ("The seat map was generated.", "座位图已生成。"),
    ("The seat map was imported.", "座位图已导入。"),
    ("must not be empty", "不能为空"),
    ("must be at most 200 characters", "最多 200 个字符"),
    ("must be at most 500 characters", "最多 500 个字符"),
    ("must not contain control characters", "不能包含控制字符"),
    ("must be between 0 and 10000000", "必须在 0 到 10000000 之间"),
    ("must be 1 to 500", "必须在 1 到 500 之间"),
    ("must be 1 to 1000", "必须在 1 到 1000 之间"),
    ("must be 1 to 200", "必须在 1 到 200 之间"),
    ("must be 1 to 100", "必须在 1 到 100 之间"),
    ("must be 1 to 120", "必须在 1 到 120 之间"),
    ("must be above 0 and at most 360", "必须大于 0 且不超过 360"),
    ("must be at most 200000", "不能超过 200000"),
    ("at most 26 categories", "最多 26 个类别"),
    ("rows × seats_per_row must be at most 200000", "排数 × 每排座位数不能超过 200000"),
    // Team
    ("Members", "成员"),
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
    // Tokens
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
    // Webhooks
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
    // Payments
    ("Payment provider", "支付服务商"),
    ("Not set up yet: only free orders can be completed.", "尚未设置：只能完成免费订单。"),
    ("Manual: bank transfer or box office", "手动：银行转账或售票处"),
    ("Sandbox: test payments, no real money", "沙盒：测试支付，不涉及真实资金"),
    ("Stripe: cards and wallets", "Stripe：银行卡和电子钱包"),
    ("Manual payments", "手动支付"),
    ("Instructions for the buyer", "给买家的付款说明"),
    (
        "Account, IBAN, opening hours: shown on the order and in the e-mail.",
        "账户、IBAN、营业时间：显示在订单和邮件中。",
    ),
    ("Days to pay", "付款期限（天）"),
    ("Payment methods", "支付方式"),
    ("Cards", "银行卡"),
    ("Secret key", "密钥"),
    ("Webhook signing secrets", "Webhook 签名密钥"),
    ("set", "已设置"),
    ("not set", "未设置"),
    ("Leave empty to keep the stored one.", "留空则保留已存储的值。"),
    (
        "One per line (whsec_…); two while rotating. Leave empty to keep the stored ones.",
        "每行一个（whsec_…）；轮换时可填两个。留空则保留已存储的值。",
    ),
    ("Point Stripe's webhook at this server's address followed by", "请将 Stripe 的 Webhook 指向本服务器地址，后接"),
    ("Save the payment settings", "保存支付设置"),
    ("The payment settings were saved.", "支付设置已保存。"),
    ("Balance", "余额"),
    ("Owed to you", "应付给您"),
    ("Tax collected", "已收税款"),
    ("Nothing was sold yet.", "尚无销售。"),
    ("Ledger accounts", "账目"),
    ("Account", "账户"),
    ("Sales owed to you", "应付给您的销售额"),
    ("Tax to pass on", "待缴税款"),
    ("Paid out to you", "已付给您"),
    ("Held by the provider", "服务商持有"),
    ("Platform fees", "平台费用"),
    ("Payouts", "结算"),
    ("No payouts yet.", "还没有结算记录。"),
    ("Amount", "金额"),
    ("Payout reference", "结算参考号"),
    ("Provider", "服务商"),
    ("Record a payout", "记录结算"),
    (
        "Money paid out to you, such as a bank transfer or a provider's payout; never more than you are owed.",
        "已付给您的款项，例如银行转账或服务商结算；不能超过应付金额。",
    ),
    ("Currency", "货币"),
    ("A code such as EUR or CNY.", "货币代码，例如 EUR 或 CNY。"),
    ("Record the payout", "记录结算"),
    ("The payout was recorded.", "结算已记录。"),
    ("enter an amount such as 125.50", "请输入金额，例如 125.50"),
    ("1 to 90 days", "1 到 90 天"),
    ("must be more than zero", "必须大于零"),
    ("an ISO 4217 code such as EUR", "ISO 4217 货币代码，例如 EUR"),
    ("one of manual, sandbox, stripe", "manual、sandbox 或 stripe 之一"),
    ("required for Stripe", "使用 Stripe 时必填"),
    ("1 to 4 endpoint secrets", "1 到 4 个端点密钥"),
    ("an endpoint secret (whsec_...)", "端点密钥（whsec_...）"),
    (
        "a Stripe secret key (sk_live_..., sk_test_...) or restricted key (rk_...)",
        "Stripe 密钥（sk_live_...、sk_test_...）或受限密钥（rk_...）",
    ),
    (
        "the sandbox provider is switched off on this server (payments.allow_sandbox)",
        "本服务器已关闭沙盒支付（payments.allow_sandbox）",
    ),
];

pub fn router() -> Router<AppState> {
    let o = "/dashboard/orgs/{org}";
    Router::new()
        .route(&format!("{o}/venues"), get(venues_page).post(create_venue))
        .route(&format!("{o}/venues/{{venue}}"), get(venue_page).post(update_venue))
        .route(&format!("{o}/venues/{{venue}}/seat-map/generate"), post(generate_map))
        .route(&format!("{o}/venues/{{venue}}/seat-map/import"), post(import_map))
        .route(&format!("{o}/venues/{{venue}}/seat-map.json"), get(export_json))
        .route(&format!("{o}/venues/{{venue}}/seat-map.csv"), get(export_csv))
        .route(&format!("{o}/team"), get(team_page).post(add_member))
        .route(&format!("{o}/team/{{user}}/role"), post(change_role))
        .route(&format!("{o}/team/{{user}}/remove"), get(remove_member_page).post(remove_member))
        .route(&format!("{o}/tokens"), get(tokens_page).post(create_token))
        .route(&format!("{o}/tokens/{{token}}/revoke"), get(revoke_token_page).post(revoke_token))
        .route(&format!("{o}/webhooks"), get(webhooks_page).post(create_endpoint))
        .route(&format!("{o}/webhooks/{{endpoint}}"), get(endpoint_page).post(update_endpoint))
        .route(&format!("{o}/webhooks/{{endpoint}}/delete"), get(delete_endpoint_page).post(delete_endpoint))
        .route(&format!("{o}/webhooks/{{endpoint}}/deliveries/{{delivery}}/redeliver"), post(redeliver))
        .route(&format!("{o}/payments"), get(payments_page).post(save_payment_settings))
        .route(&format!("{o}/payments/payouts"), post(record_payout))
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

fn invalid_attrs(name: &str, errs: &str) -> String {
    if errs.is_empty() {
        String::new()
    } else {
        format!(" aria-invalid=\"true\" aria-describedby=\"{}-error\"", esc(name))
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

/// A labelled text area (never echoing `value` for write-only secrets).
fn textarea(name: &str, label: &str, attrs: &str, value: &str, errors: &[(String, String)]) -> String {
    let errs = field_errors(errors, name);
    format!(
        "<p><label for=\"{n}\">{label}</label><br><textarea id=\"{n}\" name=\"{n}\" rows=\"3\"{inv} {attrs}>{value}</textarea>{errs}</p>",
        n = esc(name),
        label = esc(label),
        inv = invalid_attrs(name, &errs),
        value = esc(value),
    )
}

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
            errors.push((field.to_string(), tr("enter a whole number").to_string()));
            None
        }
    }
}

/// The "done" message after a redirect, for the keys this module sets.
fn done_notice(q: &HashMap<String, String>) -> String {
    let text = match q.get("done").map(String::as_str) {
        Some("venue-created") => tr("The venue was created. Now add its seat map, if it has seats."),
        Some("venue-saved") => tr("The venue was saved."),
        Some("map-generated") => tr("The seat map was generated."),
        Some("map-imported") => tr("The seat map was imported."),
        Some("member-added") => tr("The member was added."),
        Some("role-changed") => tr("The role was changed."),
        Some("member-removed") => tr("The member was removed."),
        Some("token-revoked") => tr("The token was revoked."),
        Some("endpoint-created") => tr("The endpoint was added."),
        Some("endpoint-saved") => tr("The endpoint was saved."),
        Some("endpoint-deleted") => tr("The endpoint was deleted."),
        Some("redelivered") => tr("The delivery is queued to be sent again."),
        Some("already-queued") => tr("This delivery is already queued."),
        Some("payments-saved") => tr("The payment settings were saved."),
        Some("payout-recorded") => tr("The payout was recorded."),
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

// ------------------------------------------------------------------ venues

/// IANA time zone names to choose from.
static TIMEZONES: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let mut names: Vec<String> = jiff::tz::db()
        .available()
        .map(|n| n.as_str().to_string())
        .filter(|n| n == "UTC" || (n.contains('/') && !n.starts_with("Etc/")))
        .collect();
    names.sort();
    names.dedup();
    let options: String = names.iter().map(|n| format!("<option value=\"{}\">", esc(n))).collect();
    format!("<datalist id=\"timezones\">{options}</datalist>")
});

fn timezone_list() -> &'static str {
    &TIMEZONES
}

fn venue_fields(f: &Form) -> String {
    format!(
        "{name}{address}{tz}{tz_hint}{capacity}",
        name = input("name", tr("Name"), "text", "required maxlength=\"200\"", &f.values, &f.errors),
        address = input(
            "address",
            tr("Address"),
            "text",
            "maxlength=\"500\" autocomplete=\"street-address\"",
            &f.values,
            &f.errors
        ),
        tz = input(
            "timezone",
            tr("Time zone"),
            "text",
            "list=\"timezones\" required autocomplete=\"off\" spellcheck=\"false\"",
            &f.values,
            &f.errors
        ),
        tz_hint = hint(tr("An IANA name such as Europe/Berlin or Asia/Shanghai.")),
        capacity = input(
            "capacity",
            tr("Capacity (general admission)"),
            "number",
            "min=\"0\" step=\"1\" inputmode=\"numeric\" required",
            &f.values,
            &f.errors
        ),
    )
}

/// The venue form's values as a venue, or every message at once.
fn venue_input(values: &HashMap<String, String>) -> Result<NewVenue, Vec<(String, String)>> {
    let mut errors = vec![];
    let timezone = TimeZoneName::parse(val(values, "timezone"))
        .map_err(|_| {
            errors.push(("timezone".into(), tr("Choose a time zone from the list, such as Europe/Berlin.").into()))
        })
        .ok();
    let capacity = whole::<i64>(values, "capacity", true, &mut errors);
    let venue = NewVenue {
        name: val(values, "name").to_string(),
        address: val(values, "address").to_string(),
        timezone: match timezone.or_else(|| TimeZoneName::parse("UTC").ok()) {
            Some(tz) => tz,
            None => return Err(errors),
        },
        capacity: capacity.unwrap_or(0),
    };
    // The domain's own checks, so that every wrong field shows at once.
    if let Err(v) = venue.validate() {
        errors.extend(v.fields.into_iter().map(|f| (f.field, localize(&f.message))));
    }
    if errors.is_empty() { Ok(venue) } else { Err(errors) }
}

async fn venues_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let c = match ctx(&s, &headers, &org, &format!("/dashboard/orgs/{org}/venues")).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    venues_view(&s, &c, StatusCode::OK, &Form::default(), &done_notice(&q)).await
}

async fn venues_view(s: &AppState, c: &Ctx, status: StatusCode, new: &Form, notice: &str) -> Response {
    let venues = match s.app.venues(&c.actor, c.id()).await {
        Ok(v) => v,
        Err(e) => return error_page(e),
    };
    let mut body = notice.to_string();
    if venues.is_empty() {
        body.push_str(&format!("<p>{}</p>", tr("No venues yet. Add the first one below.")));
    } else {
        body.push_str(&format!(
            "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
             <th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th></tr></thead><tbody>",
            tr("Name"),
            tr("Address"),
            tr("Time zone"),
            tr("Capacity"),
        ));
        for v in &venues {
            body.push_str(&format!(
                "<tr><th scope=\"row\"><a href=\"{base}/venues/{id}\">{name}</a></th><td>{address}</td><td>{tz}</td><td class=\"num\">{cap}</td></tr>",
                base = c.base(),
                id = v.id,
                name = esc(&v.name),
                address = esc(&v.address),
                tz = esc(v.timezone.as_str()),
                cap = v.capacity,
            ));
        }
        body.push_str("</tbody></table></div>");
    }
    body.push_str(&format!(
        "<h2 id=\"new-venue\">{title}</h2><form method=\"post\" action=\"{base}/venues\" novalidate>{csrf}{marked}{fields}\
         <p><button type=\"submit\">{submit}</button></p></form>{zones}",
        title = tr("Add a venue"),
        base = c.base(),
        csrf = csrf_field(&c.csrf),
        marked = check_marked(&new.errors),
        fields = venue_fields(new),
        submit = tr("Add the venue"),
        zones = timezone_list(),
    ));
    render(c, status, tr("Venues"), "venues", &body)
}

async fn create_venue(State(s): State<AppState>, headers: HeaderMap, Path(org): Path<String>, body: Bytes) -> Response {
    let values = form(&body);
    let c = match posted(&s, &headers, &org, &format!("/dashboard/orgs/{org}/venues"), &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let errors = match venue_input(&values) {
        Err(errors) => errors,
        Ok(v) => match s.app.create_venue(&c.actor, c.id(), v).await {
            Ok(v) => return redirect(&format!("{}/venues/{}?done=venue-created", c.base(), v.id), &[]),
            Err(e) => match refused(e) {
                Ok(errors) => errors,
                Err(page) => return page,
            },
        },
    };
    venues_view(&s, &c, StatusCode::UNPROCESSABLE_ENTITY, &Form::refused(values, errors), "").await
}

/// The venue page's forms, one of which may have been refused.
#[derive(Default)]
struct VenueForms {
    edit: Option<Form>,
    /// The generator's shape and its form.
    generate: Option<(&'static str, Form)>,
    import: Form,
}

fn venue_values(v: &Venue) -> HashMap<String, String> {
    HashMap::from([
        ("name".to_string(), v.name.clone()),
        ("address".to_string(), v.address.clone()),
        ("timezone".to_string(), v.timezone.as_str().to_string()),
        ("capacity".to_string(), v.capacity.to_string()),
    ])
}

async fn venue_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, venue)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let c = match ctx(&s, &headers, &org, &format!("/dashboard/orgs/{org}/venues/{venue}")).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Ok(venue) = venue.parse::<VenueId>() else { return not_found_page() };
    venue_view(&s, &c, venue, StatusCode::OK, VenueForms::default(), &done_notice(&q)).await
}

async fn venue_view(
    s: &AppState,
    c: &Ctx,
    venue: VenueId,
    status: StatusCode,
    forms: VenueForms,
    notice: &str,
) -> Response {
    let v = match s.app.venue(&c.actor, c.id(), venue).await {
        Ok(v) => v,
        Err(e) => return error_page(e),
    };
    let summary = match s.app.seat_map_summary(&c.actor, c.id(), venue).await {
        Ok(m) => Some(m),
        Err(AppError::NotFound) => None,
        Err(e) => return error_page(e),
    };
    let here = format!("{}/venues/{}", c.base(), v.id);
    let edit = forms.edit.unwrap_or_else(|| Form { values: venue_values(&v), errors: vec![] });
    let mut body = format!(
        "{notice}<p><a href=\"{base}/venues\">{all}</a></p>\
         <h2 id=\"details\">{details}</h2><form method=\"post\" action=\"{here}\" novalidate>{csrf}{marked}{fields}\
         <p><button type=\"submit\">{save}</button></p></form>{zones}",
        base = c.base(),
        all = tr("All venues"),
        details = tr("Venue details"),
        csrf = csrf_field(&c.csrf),
        marked = check_marked(&edit.errors),
        fields = venue_fields(&edit),
        save = tr("Save the venue"),
        zones = timezone_list(),
    );
    body.push_str(&format!("<h2 id=\"seat-map\">{}</h2>", tr("Seat map")));
    match &summary {
        None => {
            body.push_str(&format!("<p>{}</p>", tr("This venue has no seat map yet. Generate one or import a file.")))
        }
        Some(m) => body.push_str(&map_summary_html(m, &here)),
    }
    body.push_str(&generate_forms(c, &here, forms.generate.as_ref()));
    body.push_str(&import_form(c, &here, &forms.import));
    render(c, status, &v.name, "venues", &body)
}

fn map_summary_html(m: &SeatMapSummary, here: &str) -> String {
    let mut out = format!(
        "<div class=\"stats\"><div>{seats_l}<strong>{seats}</strong></div><div>{sections_l}<strong>{sections}</strong></div>\
         <div>{areas_l}<strong>{areas}</strong></div><div>{version_l}<strong>{version}</strong></div></div>\
         <p class=\"muted\">{updated_l}: {updated}</p>",
        seats_l = tr("Seats"),
        seats = m.seats,
        sections_l = tr("Sections"),
        sections = m.sections.len(),
        areas_l = tr("Standing areas"),
        areas = m.areas.len(),
        version_l = tr("Version"),
        version = m.version,
        updated_l = tr("Updated"),
        updated = esc(&when(m.updated_at, "UTC")),
    );
    if !m.sections.is_empty() {
        out.push_str(&format!(
            "<h3>{}</h3><div class=\"scroll\"><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th>\
             <th scope=\"col\" class=\"num\">{}</th></tr></thead><tbody>",
            tr("Sections"),
            tr("Section"),
            tr("Rows"),
            tr("Seats")
        ));
        for sec in &m.sections {
            out.push_str(&format!(
                "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                esc(&sec.label),
                sec.rows,
                sec.seats
            ));
        }
        out.push_str("</tbody></table></div>");
    }
    if !m.categories.is_empty() {
        out.push_str(&format!(
            "<h3>{}</h3><div class=\"scroll\"><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th></tr></thead><tbody>",
            tr("Categories (price zones)"),
            tr("Category"),
            tr("Seats")
        ));
        for (cat, n) in &m.categories {
            out.push_str(&format!("<tr><th scope=\"row\">{}</th><td class=\"num\">{n}</td></tr>", esc(cat)));
        }
        out.push_str("</tbody></table></div>");
    }
    if !m.areas.is_empty() {
        out.push_str(&format!(
            "<h3>{}</h3><div class=\"scroll\"><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
             <th scope=\"col\" class=\"num\">{}</th></tr></thead><tbody>",
            tr("Standing areas"),
            tr("Name"),
            tr("Category"),
            tr("Capacity")
        ));
        for a in &m.areas {
            out.push_str(&format!(
                "<tr><th scope=\"row\">{}</th><td>{}</td><td class=\"num\">{}</td></tr>",
                esc(&a.name),
                esc(&a.category),
                a.capacity
            ));
        }
        out.push_str("</tbody></table></div>");
    }
    out.push_str(&format!(
        "<p>{download}: <a href=\"{here}/seat-map.json\" download>{json}</a> · <a href=\"{here}/seat-map.csv\" download>{csv}</a></p>",
        download = tr("Download the map"),
        json = tr("JSON (complete)"),
        csv = tr("CSV (seats only)"),
    ));
    out
}

/// A generator's form fields: (name, label, required, placeholder-or-default).
struct Shape {
    key: &'static str,
    title: &'static str,
    fields: &'static [(&'static str, &'static str, &'static str)],
}

/// Each shape the app generates, with its fields and starting values.
const SHAPES: [Shape; 3] = [
    Shape {
        key: "rectangular",
        title: "Rectangular hall",
        fields: &[
            ("rows", "Rows", "10"),
            ("seats_per_row", "Seats per row", "20"),
            ("aisle_every", "Aisle after every … seats (optional)", ""),
            ("categories", "Categories, front to back (optional)", ""),
        ],
    },
    Shape {
        key: "curved",
        title: "Curved rows",
        fields: &[
            ("rows", "Rows", "15"),
            ("span_degrees", "Angle the rows span, in degrees", "120"),
            ("aisle_every", "Aisle after every … seats (optional)", "14"),
            ("categories", "Categories, front to back (optional)", ""),
        ],
    },
    Shape {
        key: "stadium",
        title: "Stadium",
        fields: &[
            ("sections", "Sections", "36"),
            ("rows", "Rows per section", "77"),
            ("pitch_standing", "Standing places on the pitch (optional)", ""),
            ("categories", "Categories, front to back (optional)", ""),
        ],
    },
];

fn generate_forms(c: &Ctx, here: &str, refused: Option<&(&'static str, Form)>) -> String {
    let mut out = format!(
        "<h3>{}</h3><p class=\"muted\">{}</p>",
        tr("Generate a map"),
        tr("Replaces the venue's current map. Seats whose section, row and seat labels stay the same keep their ids.")
    );
    for shape in &SHAPES {
        let mine = refused.filter(|(k, _)| *k == shape.key).map(|(_, f)| f);
        let mut values = HashMap::new();
        for (name, _, start) in shape.fields {
            values.insert(format!("{}.{name}", shape.key), start.to_string());
        }
        let (values, errors) = match mine {
            Some(f) => (&f.values, f.errors.as_slice()),
            None => (&values, &[][..]),
        };
        let mut fields = String::new();
        for (name, label, _) in shape.fields {
            let full = format!("{}.{name}", shape.key);
            if *name == "categories" {
                fields.push_str(&input(&full, tr(label), "text", "autocomplete=\"off\"", values, errors));
                fields.push_str(&hint(tr("Separate with commas, such as A, B, C.")));
            } else {
                let (kind, attrs) = if *name == "span_degrees" {
                    ("text", "inputmode=\"decimal\" autocomplete=\"off\"")
                } else {
                    ("number", "min=\"0\" step=\"1\" inputmode=\"numeric\"")
                };
                fields.push_str(&input(&full, tr(label), kind, attrs, values, errors));
            }
        }
        let general = field_errors(errors, &format!("{}-form", shape.key));
        out.push_str(&format!(
            "<form method=\"post\" action=\"{here}/seat-map/generate\" novalidate><fieldset><legend>{title}</legend>\
             {csrf}<input type=\"hidden\" name=\"shape\" value=\"{key}\">{marked}{general}{fields}\
             <p><button type=\"submit\" class=\"secondary\">{submit}</button></p></fieldset></form>",
            title = tr(shape.title),
            csrf = csrf_field(&c.csrf),
            key = shape.key,
            marked = check_marked(errors),
            submit = tr("Generate"),
        ));
    }
    out
}

fn import_form(c: &Ctx, here: &str, f: &Form) -> String {
    let problems = if f.errors.is_empty() {
        String::new()
    } else {
        let items: String = f
            .errors
            .iter()
            .map(|(field, message)| match field.strip_prefix("map: ") {
                Some(at) => format!("<li><code>{}</code>: {}</li>", esc(at), esc(message)),
                None => format!("<li>{}</li>", esc(message)),
            })
            .collect();
        format!(
            "<div class=\"error\" id=\"map-error\" role=\"alert\"><p>{}</p><ul>{items}</ul></div>",
            tr("The file has problems; nothing was changed:")
        )
    };
    let invalid = if problems.is_empty() { "" } else { " aria-invalid=\"true\" aria-describedby=\"map-error\"" };
    format!(
        "<h3>{title}</h3><form method=\"post\" action=\"{here}/seat-map/import\" enctype=\"multipart/form-data\" novalidate>\
         {csrf}<p class=\"muted\" id=\"map-hint\">{hint}</p><p><label for=\"map\">{label}</label><br>\
         <input id=\"map\" name=\"map\" type=\"file\" accept=\".json,.csv,application/json,text/csv\" required{invalid}></p>\
         {problems}<p><button type=\"submit\" class=\"secondary\">{submit}</button></p></form>",
        title = tr("Import a file"),
        csrf = csrf_field(&c.csrf),
        hint = tr(
            "JSON in Tessera's seat map format, or CSV with the columns section,row,seat,x,y,category,flags. Up to 32 MiB."
        ),
        label = tr("Seat map file"),
        submit = tr("Import"),
    )
}

async fn update_venue(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, venue)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let c = match posted(&s, &headers, &org, &format!("/dashboard/orgs/{org}/venues/{venue}"), &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Ok(venue) = venue.parse::<VenueId>() else { return not_found_page() };
    let errors = match venue_input(&values) {
        Err(errors) => errors,
        Ok(v) => {
            let patch = VenuePatch {
                name: Some(v.name),
                address: Some(v.address),
                timezone: Some(v.timezone),
                capacity: Some(v.capacity),
            };
            match s.app.update_venue(&c.actor, c.id(), venue, patch).await {
                Ok(v) => return redirect(&format!("{}/venues/{}?done=venue-saved", c.base(), v.id), &[]),
                Err(e) => match refused(e) {
                    Ok(errors) => errors,
                    Err(page) => return page,
                },
            }
        }
    };
    let forms = VenueForms { edit: Some(Form::refused(values, errors)), ..Default::default() };
    venue_view(&s, &c, venue, StatusCode::UNPROCESSABLE_ENTITY, forms, "").await
}

/// Comma-separated category names.
fn categories(raw: &str) -> Vec<String> {
    raw.split([',', '，']).map(str::trim).filter(|c| !c.is_empty()).map(str::to_string).collect()
}

/// The generator form as the app's request, or messages for its fields.
fn generate_input(shape: &str, values: &HashMap<String, String>) -> Result<GenerateMap, Vec<(String, String)>> {
    let mut errors = vec![];
    let field = |name: &str| format!("{shape}.{name}");
    let spec = match shape {
        "rectangular" => GenerateMap::Rectangular {
            rows: whole(values, &field("rows"), true, &mut errors).unwrap_or(0),
            seats_per_row: whole(values, &field("seats_per_row"), true, &mut errors).unwrap_or(0),
            aisle_every: whole(values, &field("aisle_every"), false, &mut errors),
            categories: categories(val(values, &field("categories"))),
        },
        "curved" => {
            let raw = val(values, &field("span_degrees")).replace(',', ".");
            let span_degrees = if raw.is_empty() {
                None
            } else {
                match raw.parse::<f64>() {
                    Ok(n) => Some(n),
                    Err(_) => {
                        errors.push((field("span_degrees"), tr("enter a number").to_string()));
                        None
                    }
                }
            };
            GenerateMap::Curved {
                rows: whole(values, &field("rows"), true, &mut errors).unwrap_or(0),
                span_degrees,
                aisle_every: whole(values, &field("aisle_every"), false, &mut errors),
                categories: categories(val(values, &field("categories"))),
            }
        }
        _ => GenerateMap::Stadium {
            sections: whole(values, &field("sections"), false, &mut errors),
            rows: whole(values, &field("rows"), false, &mut errors),
            categories: categories(val(values, &field("categories"))),
            pitch_standing: whole(values, &field("pitch_standing"), false, &mut errors),
        },
    };
    if errors.is_empty() { Ok(spec) } else { Err(errors) }
}

async fn generate_map(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, venue)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let c = match posted(&s, &headers, &org, &format!("/dashboard/orgs/{org}/venues/{venue}"), &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Ok(venue) = venue.parse::<VenueId>() else { return not_found_page() };
    let Some(shape) = SHAPES.iter().map(|s| s.key).find(|k| values.get("shape").is_some_and(|v| v == k)) else {
        return error_page(AppError::invalid("shape", "one of rectangular, curved, stadium"));
    };
    let errors = match generate_input(shape, &values) {
        Err(errors) => errors,
        Ok(spec) => match s.app.generate_seat_map(&c.actor, c.id(), venue, spec).await {
            Ok(_) => return redirect(&format!("{}/venues/{venue}?done=map-generated#seat-map", c.base()), &[]),
            Err(e) => match refused(e) {
                // The app names its own fields ("rows"); the form's carry the shape.
                Ok(errors) => errors
                    .into_iter()
                    .map(|(f, m)| {
                        if shape_has_field(shape, &f) {
                            (format!("{shape}.{f}"), m)
                        } else {
                            let general = match f.strip_prefix("map: ") {
                                Some(at) => format!("{at}: {m}"),
                                None => m,
                            };
                            (format!("{shape}-form"), general)
                        }
                    })
                    .collect(),
                Err(page) => return page,
            },
        },
    };
    let forms = VenueForms { generate: Some((shape, Form::refused(values, errors))), ..Default::default() };
    venue_view(&s, &c, venue, StatusCode::UNPROCESSABLE_ENTITY, forms, "").await
}

fn shape_has_field(shape: &str, field: &str) -> bool {
    SHAPES.iter().any(|s| s.key == shape && s.fields.iter().any(|(name, _, _)| *name == field))
}

/// One part of a `multipart/form-data` body (RFC 7578).
struct Part<'a> {
    name: String,
    filename: Option<String>,
    content: &'a [u8],
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A header parameter's value (`name="x"`), quoted or not.
fn header_param(header: &str, key: &str) -> Option<String> {
    let mut rest = header;
    while let Some(semi) = rest.find(';') {
        rest = rest[semi + 1..].trim_start();
        let Some((k, after)) = rest.split_once('=') else { return None };
        let (value, tail) = if let Some(quoted) = after.strip_prefix('"') {
            let mut v = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, ch)) = chars.next() {
                match ch {
                    '\\' => {
                        if let Some((_, next)) = chars.next() {
                            v.push(next);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    _ => v.push(ch),
                }
            }
            (v, &quoted[end.min(quoted.len())..])
        } else {
            let end = after.find(';').unwrap_or(after.len());
            (after[..end].trim().to_string(), &after[end..])
        };
        if k.trim().eq_ignore_ascii_case(key) {
            return Some(value);
        }
        rest = tail;
    }
    None
}

/// The parts of a `multipart/form-data` body; `None` when it is not one.
fn multipart<'a>(content_type: &str, body: &'a [u8]) -> Option<Vec<Part<'a>>> {
    if !content_type.trim_start().to_ascii_lowercase().starts_with("multipart/form-data") {
        return None;
    }
    let boundary = header_param(content_type, "boundary").filter(|b| !b.is_empty() && b.len() <= 200)?;
    let first = format!("--{boundary}");
    let between = format!("\r\n--{boundary}");
    let mut rest = &body[find(body, first.as_bytes())? + first.len()..];
    let mut parts = vec![];
    loop {
        if rest.starts_with(b"--") {
            return Some(parts);
        }
        rest = rest.strip_prefix(b"\r\n")?;
        let end = find(rest, between.as_bytes())?;
        let part = &rest[..end];
        rest = &rest[end + between.len()..];
        let (head, content) = if part.starts_with(b"\r\n") {
            (&b""[..], &part[2..])
        } else {
            let split = find(part, b"\r\n\r\n")?;
            (&part[..split], &part[split + 4..])
        };
        let head = std::str::from_utf8(head).ok()?;
        let disposition = head.split("\r\n").find_map(|line| {
            let (k, v) = line.split_once(':')?;
            k.trim().eq_ignore_ascii_case("content-disposition").then_some(v.trim())
        })?;
        let name = header_param(disposition, "name")?;
        let filename = header_param(disposition, "filename");
        parts.push(Part { name, filename, content });
    }
}

/// Imports an uploaded map. The caller's right to change the map is checked
/// before the (up to 32 MiB) body is read.
async fn import_map(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, venue)): Path<(String, String)>,
    body: Body,
) -> Response {
    let here = format!("/dashboard/orgs/{org}/venues/{venue}");
    let c = match ctx(&s, &headers, &org, &here).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Ok(venue) = venue.parse::<VenueId>() else { return not_found_page() };
    if let Err(e) = s.app.may_import_seat_map(&c.actor, c.id(), venue).await {
        return error_page(e);
    }
    let refuse = |status: StatusCode, message: String| {
        let forms =
            VenueForms { import: Form::refused(HashMap::new(), vec![("map".into(), message)]), ..Default::default() };
        venue_view(&s, &c, venue, status, forms, "")
    };
    let bytes = match axum::body::to_bytes(body, MAX_DOCUMENT_BYTES + 64 * 1024).await {
        Ok(b) => b,
        Err(_) => return refuse(StatusCode::PAYLOAD_TOO_LARGE, tr("The file is larger than 32 MiB.").into()).await,
    };
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let Some(parts) = multipart(content_type, &bytes) else {
        return refuse(StatusCode::BAD_REQUEST, tr("Choose a JSON or CSV file.").into()).await;
    };
    let token: HashMap<String, String> = parts
        .iter()
        .filter(|p| p.name == "csrf")
        .map(|p| ("csrf".to_string(), String::from_utf8_lossy(p.content).into_owned()))
        .collect();
    if !csrf_ok(&headers, &token) {
        return form_expired_page(&here);
    }
    let Some(file) = parts.iter().find(|p| p.name == "map" && !p.content.is_empty()) else {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, tr("Choose a JSON or CSV file.").into()).await;
    };
    let Ok(text) = std::str::from_utf8(file.content) else {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, tr("The file is not UTF-8 text.").into()).await;
    };
    let name = file.filename.as_deref().unwrap_or("").to_ascii_lowercase();
    let format = if name.ends_with(".csv") {
        MapFormat::Csv
    } else if name.ends_with(".json") || text.trim_start_matches('\u{feff}').trim_start().starts_with('{') {
        MapFormat::Json
    } else {
        MapFormat::Csv
    };
    match s.app.import_seat_map(&c.actor, c.id(), venue, format, text).await {
        Ok(_) => redirect(&format!("{}/venues/{venue}?done=map-imported#seat-map", c.base()), &[]),
        Err(e) => match refused(e) {
            Ok(errors) => {
                let forms = VenueForms { import: Form::refused(HashMap::new(), errors), ..Default::default() };
                venue_view(&s, &c, venue, StatusCode::UNPROCESSABLE_ENTITY, forms, "").await
            }
            Err(page) => page,
        },
    }
}

async fn export_json(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, venue)): Path<(String, String)>,
) -> Response {
    export(&s, &headers, &org, &venue, MapFormat::Json).await
}

async fn export_csv(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, venue)): Path<(String, String)>,
) -> Response {
    export(&s, &headers, &org, &venue, MapFormat::Csv).await
}

/// The venue's map as a download, with seat ids, to edit and import again.
async fn export(s: &AppState, headers: &HeaderMap, org: &str, venue: &str, format: MapFormat) -> Response {
    let c = match ctx(s, headers, org, &format!("/dashboard/orgs/{org}/venues/{venue}")).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Ok(venue) = venue.parse::<VenueId>() else { return not_found_page() };
    let name = match s.app.venue(&c.actor, c.id(), venue).await {
        Ok(v) => v.name,
        Err(e) => return error_page(e),
    };
    let doc = match s.app.export_seat_map(&c.actor, c.id(), venue, format).await {
        Ok(d) => d,
        Err(e) => return error_page(e),
    };
    let slug: String = name
        .chars()
        .map(|ch| if ch.is_ascii_alphanumeric() { ch.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let slug = if slug.is_empty() { "venue".to_string() } else { slug };
    let (ext, mime) = match format {
        MapFormat::Json => ("json", "application/json"),
        MapFormat::Csv => ("csv", "text/csv; charset=utf-8"),
    };
    let disposition = format!("attachment; filename=\"seat-map-{slug}.{ext}\"");
    let mut res = doc.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

// -------------------------------------------------------------------- team

async fn team_page(
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
    let mut body = format!(
        "{notice}<h2 id=\"members\">{}</h2><div class=\"scroll\"><table><thead><tr><th scope=\"col\">{}</th>\
         <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        tr("Members"),
        tr("Name"),
        tr("E-mail"),
        tr("Role"),
        tr("Member since"),
        tr("Actions"),
    );
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
            "<tr><th scope=\"row\">{name}{you}</th><td>{email}</td><td>\
             <form class=\"row-form\" method=\"post\" action=\"{base}/team/{uid}/role\">{csrf}\
             <label class=\"visually-hidden\" for=\"{id}\">{role_of} {name}</label>\
             <select id=\"{id}\" name=\"role\"{invalid}>{options}</select> \
             <button class=\"secondary\" type=\"submit\">{change}<span class=\"visually-hidden\"> ({name})</span></button></form>{error}</td>\
             <td>{since}</td><td><a href=\"{base}/team/{uid}/remove\">{remove}<span class=\"visually-hidden\"> {name}</span></a></td></tr>",
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
    body.push_str("</tbody></table></div>");
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

async fn add_member(State(s): State<AppState>, headers: HeaderMap, Path(org): Path<String>, body: Bytes) -> Response {
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

async fn change_role(
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
async fn member_of(s: &AppState, c: &Ctx, user: &str) -> Result<tessera_domain::account::Membership, Response> {
    let user: UserId = user.parse().map_err(|_| not_found_page())?;
    let members = s.app.members(&c.actor, c.id()).await.map_err(error_page)?;
    members.into_iter().find(|m| m.user_id == user).ok_or_else(not_found_page)
}

fn remove_confirm(
    c: &Ctx,
    m: &tessera_domain::account::Membership,
    status: StatusCode,
    error: Option<&str>,
) -> Response {
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

async fn remove_member_page(
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

async fn remove_member(
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

// ------------------------------------------------------------------ tokens

async fn tokens_page(
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
        body.push_str(&format!(
            "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
             <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            tr("Name"),
            tr("Role"),
            tr("Starts with"),
            tr("Status"),
            tr("Created"),
            tr("Expires"),
            tr("Last used"),
            tr("Actions"),
        ));
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
                "<tr><th scope=\"row\">{name}</th><td>{role}</td><td><code>{prefix}…</code></td><td class=\"{class}\">{state}</td>\
                 <td>{created}</td><td>{expires}</td><td>{used}</td><td>{action}</td></tr>",
                name = esc(&t.name),
                role = role_label(t.role),
                prefix = esc(&t.prefix),
                created = esc(&when(t.created_at, "UTC")),
                expires = esc(&at(t.expires_at)),
                used = esc(&at(t.last_used_at)),
            ));
        }
        body.push_str("</tbody></table></div>");
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

async fn create_token(State(s): State<AppState>, headers: HeaderMap, Path(org): Path<String>, body: Bytes) -> Response {
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

async fn token_of(s: &AppState, c: &Ctx, token: &str) -> Result<tessera_domain::account::ApiToken, Response> {
    let id: TokenId = token.parse().map_err(|_| not_found_page())?;
    let tokens = s.app.tokens(&c.actor, c.id()).await.map_err(error_page)?;
    tokens.into_iter().find(|t| t.id == id && t.revoked_at.is_none()).ok_or_else(not_found_page)
}

async fn revoke_token_page(
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

async fn revoke_token(
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

// ---------------------------------------------------------------- webhooks

fn topic_label(t: &str) -> &'static str {
    match t {
        "*" => tr("All events, including ones added later"),
        "order.created" => tr("An order is placed"),
        "order.paid" => tr("An order is paid"),
        "order.cancelled" => tr("An order is cancelled"),
        "order.refunded" => tr("An order is refunded"),
        "ticket.checked_in" => tr("A ticket is checked in"),
        "event.cancelled" => tr("An event is cancelled"),
        _ => "",
    }
}

/// The topic check boxes, `checked` deciding which are ticked.
fn topic_boxes(checked: &dyn Fn(&str) -> bool, errors: &[(String, String)]) -> String {
    let options: Vec<(&str, String)> = std::iter::once("*")
        .chain(WEBHOOK_TYPES)
        .map(|t| (t, format!("{} <code>{}</code>", esc(topic_label(t)), esc(t))))
        .collect();
    checkboxes(tr("Which events to send"), "topic.", &options, checked, "event_types", errors)
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

/// The ticked topics of a posted form.
fn topics_of(values: &HashMap<String, String>) -> Vec<String> {
    std::iter::once("*")
        .chain(WEBHOOK_TYPES)
        .filter(|t| values.contains_key(&format!("topic.{t}")))
        .map(str::to_string)
        .collect()
}

fn topics_text(types: &[String]) -> String {
    types.iter().map(|t| format!("<code>{}</code>", esc(t))).collect::<Vec<_>>().join(" ")
}

async fn webhooks_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let c = match ctx(&s, &headers, &org, &format!("/dashboard/orgs/{org}/webhooks")).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    webhooks_view(&s, &c, StatusCode::OK, &Form::default(), &done_notice(&q)).await
}

async fn webhooks_view(s: &AppState, c: &Ctx, status: StatusCode, new: &Form, notice: &str) -> Response {
    let endpoints = match s.app.endpoints(&c.actor, c.id()).await {
        Ok(e) => e,
        Err(e) => return error_page(e),
    };
    let base = c.base();
    let mut body = notice.to_string();
    if endpoints.is_empty() {
        body.push_str(&format!("<p>{}</p>", tr("No webhook endpoints yet.")));
    } else {
        body.push_str(&format!(
            "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
             <th scope=\"col\" class=\"num\">{}</th></tr></thead><tbody>",
            tr("Endpoint"),
            tr("Event types"),
            tr("Status"),
            tr("Failures in a row"),
        ));
        for e in &endpoints {
            body.push_str(&format!(
                "<tr><th scope=\"row\"><a href=\"{base}/webhooks/{id}\">{url}</a>{desc}</th><td>{topics}</td><td>{state}</td><td class=\"num\">{fails}</td></tr>",
                id = esc(&e.id),
                url = esc(&e.url),
                desc = if e.description.is_empty() { String::new() } else { format!("<br><span class=\"muted\">{}</span>", esc(&e.description)) },
                topics = topics_text(&e.event_types),
                state = endpoint_state(e),
                fails = e.consecutive_failures,
            ));
        }
        body.push_str("</tbody></table></div>");
    }
    let chosen = |t: &str| new.values.contains_key(&format!("topic.{t}"));
    body.push_str(&format!(
        "<h2 id=\"new-endpoint\">{title}</h2><form method=\"post\" action=\"{base}/webhooks\" novalidate>{csrf}{marked}{url}{desc}{topics}\
         <p class=\"muted\">{signed}</p><p><button type=\"submit\">{submit}</button></p></form>",
        title = tr("Add an endpoint"),
        csrf = csrf_field(&c.csrf),
        marked = check_marked(&new.errors),
        url = input("url", "URL", "url", "required placeholder=\"https://hooks.example.com/tessera\" autocomplete=\"off\" spellcheck=\"false\"", &new.values, &new.errors),
        desc = input("description", tr("Description (optional)"), "text", "maxlength=\"200\"", &new.values, &new.errors),
        topics = topic_boxes(&chosen, &new.errors),
        signed = tr("Messages are signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature)."),
        submit = tr("Add the endpoint"),
    ));
    render(c, status, tr("Webhooks"), "webhooks", &body)
}

fn endpoint_state(e: &EndpointView) -> String {
    if e.enabled {
        format!("<span class=\"status-ok\">{}</span>", tr("On"))
    } else {
        let reason = e.disabled_reason.as_deref().map(|r| format!(": {}", esc(r))).unwrap_or_default();
        format!("<span class=\"status-bad\">{}</span>{reason}", tr("Off"))
    }
}

async fn create_endpoint(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let c = match posted(&s, &headers, &org, &format!("/dashboard/orgs/{org}/webhooks"), &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let input = NewEndpoint {
        url: val(&values, "url").to_string(),
        event_types: topics_of(&values),
        description: val(&values, "description").to_string(),
    };
    let errors = match s.app.create_endpoint(&c.actor, c.id(), input).await {
        Ok(e) => {
            let path = format!("{}/webhooks/{}", c.base(), e.id);
            let cookie = e.secret.as_deref().map(|secret| secret_cookie(&s, &path, &e.id, secret));
            return redirect(&format!("{path}?done=endpoint-created"), &cookie.into_iter().collect::<Vec<_>>());
        }
        Err(e) => match refused(e) {
            Ok(errors) => errors,
            Err(page) => return page,
        },
    };
    webhooks_view(&s, &c, StatusCode::UNPROCESSABLE_ENTITY, &Form::refused(values, errors), "").await
}

async fn endpoint_of(s: &AppState, c: &Ctx, id: &str) -> Result<EndpointView, Response> {
    let endpoints = s.app.endpoints(&c.actor, c.id()).await.map_err(error_page)?;
    endpoints.into_iter().find(|e| e.id == id).ok_or_else(not_found_page)
}

async fn endpoint_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, endpoint)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let here = format!("/dashboard/orgs/{org}/webhooks/{endpoint}");
    let mut c = match ctx(&s, &headers, &org, &here).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let (secret, clear) = take_secret(&s, &headers, &here);
    c.cookies.extend(clear);
    let secret = secret.filter(|(id, _)| *id == endpoint).map(|(_, secret)| secret);
    endpoint_view(&s, &c, &endpoint, StatusCode::OK, None, &done_notice(&q), secret).await
}

async fn endpoint_view(
    s: &AppState,
    c: &Ctx,
    id: &str,
    status: StatusCode,
    edit: Option<Form>,
    notice: &str,
    secret: Option<String>,
) -> Response {
    let e = match endpoint_of(s, c, id).await {
        Ok(e) => e,
        Err(page) => return page,
    };
    let deliveries = match s.app.endpoint_deliveries(&c.actor, c.id(), id).await {
        Ok(d) => d,
        Err(err) => return error_page(err),
    };
    let base = c.base();
    let here = format!("{base}/webhooks/{}", esc(&e.id));
    let mut body = notice.to_string();
    if let Some(secret) = secret {
        body.push_str(&secret_box(
            tr("Signing secret"),
            tr("Signing secret"),
            &secret,
            &format!("<p>{}</p>", tr("Verify our signatures with it.")),
        ));
    }
    body.push_str(&format!(
        "<p><a href=\"{base}/webhooks\">{all}</a></p><p><strong>{url}</strong>{desc}</p><p>{state}</p>",
        all = tr("Webhooks"),
        url = esc(&e.url),
        desc = if e.description.is_empty() {
            String::new()
        } else {
            format!("<br><span class=\"muted\">{}</span>", esc(&e.description))
        },
        state = endpoint_state(&e),
    ));
    let (enabled, topics, errors): (bool, Vec<String>, Vec<(String, String)>) = match edit {
        Some(f) => (f.values.contains_key("enabled"), topics_of(&f.values), f.errors),
        None => (e.enabled, e.event_types.clone(), vec![]),
    };
    let chosen = |t: &str| topics.iter().any(|x| x == t);
    body.push_str(&format!(
        "<form method=\"post\" action=\"{here}\" novalidate>{csrf}{marked}\
         <p><input type=\"checkbox\" id=\"enabled\" name=\"enabled\" value=\"on\"{on}> <label for=\"enabled\">{send}</label></p>\
         {topics}<p class=\"muted\">{url_note}</p><p class=\"actions\"><button type=\"submit\">{save}</button> \
         <a href=\"{here}/delete\">{delete}</a></p></form>",
        csrf = csrf_field(&c.csrf),
        marked = check_marked(&errors),
        on = if enabled { " checked" } else { "" },
        send = tr("Send to this endpoint"),
        topics = topic_boxes(&chosen, &errors),
        url_note = tr("To change the address, add a new endpoint and delete this one."),
        save = tr("Save the endpoint"),
        delete = tr("Delete the endpoint"),
    ));
    body.push_str(&format!("<h2 id=\"deliveries\">{}</h2>", tr("Deliveries")));
    if deliveries.is_empty() {
        body.push_str(&format!("<p>{}</p>", tr("Nothing was sent to this endpoint yet.")));
    } else {
        body.push_str(&format!(
            "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th>\
             <th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            tr("Event type"),
            tr("Status"),
            tr("Attempts"),
            tr("Last error"),
            tr("Actions"),
        ));
        for d in &deliveries {
            let (state, class) = match d.state.as_str() {
                "done" => (tr("delivered"), "status-ok"),
                "failed" => (tr("failed"), "status-bad"),
                _ => (tr("waiting"), "status-warn"),
            };
            let next = if d.state == "pending" {
                format!(
                    "<br><span class=\"muted\">{}: {}</span>",
                    tr("Next attempt"),
                    esc(&when(d.next_attempt_at, "UTC"))
                )
            } else {
                String::new()
            };
            let log = if d.log.is_empty() {
                String::new()
            } else {
                let rows: String = d
                    .log
                    .iter()
                    .map(|a| {
                        format!(
                            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{} ms</td><td>{}</td></tr>",
                            esc(&when(a.at, "UTC")),
                            a.status.map(|s| s.to_string()).unwrap_or_else(|| "–".into()),
                            a.duration_ms,
                            esc(a.error.as_deref().unwrap_or("")),
                        )
                    })
                    .collect();
                format!(
                    "<details><summary>{}</summary><div class=\"scroll\"><table><thead><tr><th scope=\"col\">{}</th>\
                     <th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\">{}</th></tr></thead>\
                     <tbody>{rows}</tbody></table></div></details>",
                    tr("Every attempt"),
                    tr("Time"),
                    tr("HTTP status"),
                    tr("Duration"),
                    tr("Error"),
                )
            };
            body.push_str(&format!(
                "<tr><th scope=\"row\"><code>{topic}</code><br><span class=\"muted\"><code>{msg}</code></span>{log}</th>\
                 <td><span class=\"{class}\">{state}</span>{next}</td><td class=\"num\">{attempts}</td><td>{error}</td><td>\
                 <form class=\"inline\" method=\"post\" action=\"{here}/deliveries/{did}/redeliver\">{csrf}\
                 <button class=\"secondary\" type=\"submit\">{again}<span class=\"visually-hidden\"> {msg}</span></button></form></td></tr>",
                topic = esc(&d.topic),
                msg = esc(&d.message_id),
                attempts = d.attempts,
                error = esc(d.last_error.as_deref().unwrap_or("")),
                did = esc(&d.id),
                csrf = csrf_field(&c.csrf),
                again = tr("Send again"),
            ));
        }
        body.push_str("</tbody></table></div>");
    }
    render(c, status, tr("Endpoint"), "webhooks", &body)
}

async fn update_endpoint(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, endpoint)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let here = format!("/dashboard/orgs/{org}/webhooks/{endpoint}");
    let c = match posted(&s, &headers, &org, &here, &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let patch = EndpointPatch { enabled: Some(values.contains_key("enabled")), event_types: Some(topics_of(&values)) };
    match s.app.update_endpoint(&c.actor, c.id(), &endpoint, patch).await {
        Ok(e) => redirect(&format!("{}/webhooks/{}?done=endpoint-saved", c.base(), e.id), &[]),
        Err(e) => match refused(e) {
            Ok(errors) => {
                endpoint_view(
                    &s,
                    &c,
                    &endpoint,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Some(Form::refused(values, errors)),
                    "",
                    None,
                )
                .await
            }
            Err(page) => page,
        },
    }
}

async fn delete_endpoint_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, endpoint)): Path<(String, String)>,
) -> Response {
    let c = match ctx(&s, &headers, &org, &format!("/dashboard/orgs/{org}/webhooks/{endpoint}")).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let e = match endpoint_of(&s, &c, &endpoint).await {
        Ok(e) => e,
        Err(page) => return page,
    };
    let back = format!("{}/webhooks/{}", c.base(), e.id);
    confirm_page(
        &c,
        StatusCode::OK,
        "webhooks",
        tr("Delete the endpoint"),
        &e.url,
        tr("Delete this endpoint? Nothing more is sent to it."),
        &format!("{back}/delete"),
        tr("Delete"),
        &back,
        None,
    )
}

async fn delete_endpoint(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, endpoint)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let c = match posted(&s, &headers, &org, &format!("/dashboard/orgs/{org}/webhooks/{endpoint}"), &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match s.app.delete_endpoint(&c.actor, c.id(), &endpoint).await {
        Ok(()) => redirect(&format!("{}/webhooks?done=endpoint-deleted", c.base()), &[]),
        Err(e) => error_page(e),
    }
}

async fn redeliver(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, endpoint, delivery)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let c = match posted(&s, &headers, &org, &format!("/dashboard/orgs/{org}/webhooks/{endpoint}"), &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let back = format!("{}/webhooks/{endpoint}", c.base());
    match s.app.redeliver(&c.actor, c.id(), &endpoint, &delivery).await {
        Ok(()) => redirect(&format!("{back}?done=redelivered#deliveries"), &[]),
        Err(AppError::StateConflict { .. }) => redirect(&format!("{back}?done=already-queued#deliveries"), &[]),
        Err(e) => error_page(e),
    }
}

// ---------------------------------------------------------------- payments

const STRIPE_METHODS: [&str; 3] = ["card", "alipay", "wechat_pay"];

fn method_label(m: &str) -> String {
    match m {
        "card" => tr("Cards").to_string(),
        "alipay" => "Alipay".to_string(),
        _ => "WeChat Pay".to_string(),
    }
}

/// An amount typed in major units ("125.50") as minor units of `currency`.
fn minor_units(raw: &str, currency: Currency) -> Option<i64> {
    let exponent = usize::from(currency.exponent());
    let (whole, fraction) = raw.split_once('.').unwrap_or((raw, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > exponent {
        return None;
    }
    let padded = format!("{whole}{fraction:0<exponent$}");
    padded.parse::<i64>().ok()
}

fn account_label(account: &str) -> String {
    if account.ends_with(":sales") {
        tr("Sales owed to you").to_string()
    } else if account.ends_with(":tax") {
        tr("Tax to pass on").to_string()
    } else if account.ends_with(":payouts") {
        tr("Paid out to you").to_string()
    } else if let Some(p) = account.strip_prefix("provider:") {
        format!("{} ({p})", tr("Held by the provider"))
    } else if account == "platform:fees" {
        tr("Platform fees").to_string()
    } else {
        account.to_string()
    }
}

fn per_currency(amounts: &std::collections::BTreeMap<String, i64>) -> String {
    let shown: Vec<String> = amounts
        .iter()
        .filter_map(|(code, minor)| Currency::parse(code).ok().map(|c| money(Money::new(*minor, c))))
        .collect();
    if shown.is_empty() { "–".to_string() } else { esc(&shown.join(" · ")) }
}

async fn payments_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let c = match ctx(&s, &headers, &org, &format!("/dashboard/orgs/{org}/payments")).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    payments_view(&s, &c, StatusCode::OK, None, &Form::default(), &done_notice(&q)).await
}

async fn payments_view(
    s: &AppState,
    c: &Ctx,
    status: StatusCode,
    settings_form: Option<Form>,
    payout: &Form,
    notice: &str,
) -> Response {
    let settings = match s.app.payment_settings(&c.actor, c.id()).await {
        Ok(v) => v,
        Err(e) => return error_page(e),
    };
    let balance = match s.app.balance(&c.actor, c.id()).await {
        Ok(b) => b,
        Err(e) => return error_page(e),
    };
    let payouts = match s.app.payouts(&c.actor, c.id()).await {
        Ok(p) => p,
        Err(e) => return error_page(e),
    };
    let base = c.base();
    let f = settings_form.unwrap_or_else(|| {
        let mut values = HashMap::from([
            ("provider".to_string(), settings.provider.clone()),
            ("manual.instructions".to_string(), settings.manual.instructions.clone()),
            ("manual.due_days".to_string(), settings.manual.due_days.to_string()),
        ]);
        for m in &settings.stripe.methods {
            values.insert(format!("stripe.method.{m}"), "on".into());
        }
        Form { values, errors: vec![] }
    });
    let provider = f.get("provider");
    let radios: String = [
        ("manual", tr("Manual: bank transfer or box office")),
        ("sandbox", tr("Sandbox: test payments, no real money")),
        ("stripe", tr("Stripe: cards and wallets")),
    ]
    .iter()
    .map(|(v, label)| {
        let on = if *v == provider { " checked" } else { "" };
        format!(
            "<li><input type=\"radio\" id=\"provider-{v}\" name=\"provider\" value=\"{v}\"{on}> <label for=\"provider-{v}\">{label}</label></li>"
        )
    })
    .collect();
    let provider_errs = field_errors(&f.errors, "provider");
    let none = if settings.provider == "none" {
        format!("<p class=\"notice\">{}</p>", tr("Not set up yet: only free orders can be completed."))
    } else {
        String::new()
    };
    let methods: Vec<(&str, String)> = STRIPE_METHODS.iter().map(|m| (*m, esc(&method_label(m)))).collect();
    let key_state = if settings.stripe_secret_key_set { tr("set") } else { tr("not set") };
    let secrets_state = if settings.stripe_webhook_secrets > 0 {
        format!("{} × {}", settings.stripe_webhook_secrets, tr("set"))
    } else {
        tr("not set").to_string()
    };
    let mut body = format!(
        "{notice}{none}<form method=\"post\" action=\"{base}/payments\" novalidate>{csrf}{marked}\
         <fieldset{inv}><legend>{provider_l}</legend><ul class=\"checks\">{radios}</ul>{provider_errs}</fieldset>\
         <fieldset><legend>{manual_l}</legend>{instructions}{instructions_hint}{due}</fieldset>\
         <fieldset><legend>Stripe</legend>{methods}{key}{key_hint}{secrets}\
         <p class=\"muted\">{point} <code>{path}</code></p></fieldset>\
         <p><button type=\"submit\">{save}</button></p></form>",
        csrf = csrf_field(&c.csrf),
        marked = check_marked(&f.errors),
        inv = invalid_attrs("provider", &provider_errs),
        provider_l = tr("Payment provider"),
        manual_l = tr("Manual payments"),
        instructions = textarea(
            "manual.instructions",
            tr("Instructions for the buyer"),
            "maxlength=\"2000\"",
            f.get("manual.instructions"),
            &f.errors
        ),
        instructions_hint = hint(tr("Account, IBAN, opening hours: shown on the order and in the e-mail.")),
        due = input(
            "manual.due_days",
            tr("Days to pay"),
            "number",
            "min=\"1\" max=\"90\" step=\"1\" inputmode=\"numeric\"",
            &f.values,
            &f.errors
        ),
        methods = checkboxes(
            tr("Payment methods"),
            "stripe.method.",
            &methods,
            &|m| f.values.contains_key(&format!("stripe.method.{m}")),
            "stripe.methods",
            &f.errors
        ),
        key = input(
            "stripe.secret_key",
            &format!("{} ({key_state})", tr("Secret key")),
            "password",
            "autocomplete=\"off\" spellcheck=\"false\"",
            &f.values,
            &f.errors
        ),
        key_hint = hint(tr("Leave empty to keep the stored one.")),
        secrets = format!(
            "{}{}",
            textarea(
                "stripe.webhook_secrets",
                &format!("{} ({secrets_state})", tr("Webhook signing secrets")),
                "autocomplete=\"off\" spellcheck=\"false\"",
                "",
                &f.errors
            ),
            hint(tr("One per line (whsec_…); two while rotating. Leave empty to keep the stored ones."))
        ),
        point = tr("Point Stripe's webhook at this server's address followed by"),
        path = esc(&settings.stripe_webhook_path),
        save = tr("Save the payment settings"),
    );
    body.push_str(&format!(
        "<h2 id=\"balance\">{}</h2><div class=\"stats\"><div>{}<strong>{}</strong></div><div>{}<strong>{}</strong></div></div>",
        tr("Balance"),
        tr("Owed to you"),
        per_currency(&balance.owed),
        tr("Tax collected"),
        per_currency(&balance.tax),
    ));
    if balance.lines.is_empty() {
        body.push_str(&format!("<p>{}</p>", tr("Nothing was sold yet.")));
    } else {
        body.push_str(&format!(
            "<details><summary>{}</summary><div class=\"scroll\"><table><thead><tr><th scope=\"col\">{}</th>\
             <th scope=\"col\" class=\"num\">{}</th></tr></thead><tbody>",
            tr("Ledger accounts"),
            tr("Account"),
            tr("Balance"),
        ));
        for l in &balance.lines {
            let amount = Currency::parse(&l.currency)
                .map(|cur| money(Money::new(l.balance_minor, cur)))
                .unwrap_or_else(|_| format!("{} {}", l.balance_minor, l.currency));
            body.push_str(&format!(
                "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td></tr>",
                esc(&account_label(&l.account)),
                esc(&amount)
            ));
        }
        body.push_str("</tbody></table></div></details>");
    }
    body.push_str(&format!("<h2 id=\"payouts\">{}</h2>", tr("Payouts")));
    if payouts.is_empty() {
        body.push_str(&format!("<p>{}</p>", tr("No payouts yet.")));
    } else {
        body.push_str(&format!(
            "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th>\
             <th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            tr("Time"),
            tr("Amount"),
            tr("Provider"),
            tr("Payout reference"),
        ));
        for p in payouts.iter().rev() {
            body.push_str(&format!(
                "<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
                esc(&when(p.at, "UTC")),
                esc(&money(p.amount)),
                esc(&p.provider),
                esc(&p.reference)
            ));
        }
        body.push_str("</tbody></table></div>");
    }
    let default_currency = balance.owed.keys().next().cloned().unwrap_or_else(|| "EUR".into());
    let default_provider =
        if PROVIDERS.contains(&settings.provider.as_str()) { settings.provider.clone() } else { "manual".into() };
    let mut pv = payout.values.clone();
    pv.entry("currency".into()).or_insert(default_currency);
    let chosen_provider = pv.get("provider").cloned().unwrap_or(default_provider);
    let provider_options: Vec<(&str, &str)> = PROVIDERS.iter().map(|p| (*p, *p)).collect();
    body.push_str(&format!(
        "<h3>{title}</h3><p class=\"muted\">{explain}</p><form method=\"post\" action=\"{base}/payments/payouts\" novalidate>{csrf}{marked}\
         {amount}{currency}{currency_hint}{provider}{reference}<p><button type=\"submit\">{submit}</button></p></form>",
        title = tr("Record a payout"),
        explain = tr("Money paid out to you, such as a bank transfer or a provider's payout; never more than you are owed."),
        csrf = csrf_field(&c.csrf),
        marked = check_marked(&payout.errors),
        amount = input("amount", tr("Amount"), "text", "inputmode=\"decimal\" required autocomplete=\"off\"", &pv, &payout.errors),
        currency = input("currency", tr("Currency"), "text", "maxlength=\"3\" required autocomplete=\"off\"", &pv, &payout.errors),
        currency_hint = hint(tr("A code such as EUR or CNY.")),
        provider = select("provider", tr("Provider"), &provider_options, &chosen_provider, &payout.errors),
        reference = input("reference", tr("Payout reference"), "text", "required maxlength=\"200\"", &pv, &payout.errors),
        submit = tr("Record the payout"),
    ));
    render(c, status, tr("Payments"), "payments", &body)
}

async fn save_payment_settings(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let c = match posted(&s, &headers, &org, &format!("/dashboard/orgs/{org}/payments"), &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut errors = vec![];
    let due_days = whole::<i64>(&values, "manual.due_days", true, &mut errors);
    let secret_key = Some(val(&values, "stripe.secret_key").to_string()).filter(|k| !k.is_empty());
    let webhook_secrets: Vec<String> = val(&values, "stripe.webhook_secrets")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    if let (Some(due_days), true) = (due_days, errors.is_empty()) {
        let input = PaymentSettingsInput {
            provider: val(&values, "provider").to_string(),
            manual: Some(ManualSettings { instructions: val(&values, "manual.instructions").to_string(), due_days }),
            stripe: Some(StripeInput {
                methods: STRIPE_METHODS
                    .iter()
                    .filter(|m| values.contains_key(&format!("stripe.method.{m}")))
                    .map(|m| m.to_string())
                    .collect(),
                secret_key,
                webhook_secrets: Some(webhook_secrets).filter(|w| !w.is_empty()),
            }),
        };
        match s.app.set_payment_settings(&c.actor, c.id(), input).await {
            Ok(_) => return redirect(&format!("{}/payments?done=payments-saved", c.base()), &[]),
            Err(e) => match refused(e) {
                Ok(fields) => errors = fields,
                Err(page) => return page,
            },
        }
    }
    // Secrets are never sent back to the browser.
    let mut kept = values;
    kept.remove("stripe.secret_key");
    kept.remove("stripe.webhook_secrets");
    payments_view(&s, &c, StatusCode::UNPROCESSABLE_ENTITY, Some(Form::refused(kept, errors)), &Form::default(), "")
        .await
}

async fn record_payout(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let c = match posted(&s, &headers, &org, &format!("/dashboard/orgs/{org}/payments"), &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut errors = vec![];
    let code = val(&values, "currency").to_ascii_uppercase();
    let currency = Currency::parse(&code)
        .map_err(|_| errors.push(("currency".into(), localize("an ISO 4217 code such as EUR"))))
        .ok();
    let amount = match currency {
        Some(cur) => minor_units(&val(&values, "amount").replace(',', ""), cur).or_else(|| {
            errors.push(("amount".into(), tr("enter an amount such as 125.50").into()));
            None
        }),
        None => None,
    };
    if let (Some(amount_minor), true) = (amount, errors.is_empty()) {
        let input = NewPayout {
            amount_minor,
            currency: code,
            provider: val(&values, "provider").to_string(),
            reference: val(&values, "reference").to_string(),
        };
        match s.app.record_payout(&c.actor, c.id(), input).await {
            Ok(_) => return redirect(&format!("{}/payments?done=payout-recorded#payouts", c.base()), &[]),
            Err(e) => match refused(e) {
                Ok(fields) => {
                    errors = fields
                        .into_iter()
                        .map(|(f, m)| (if f == "amount_minor" { "amount".into() } else { f }, m))
                        .collect()
                }
                Err(page) => return page,
            },
        }
    }
    payments_view(&s, &c, StatusCode::UNPROCESSABLE_ENTITY, None, &Form::refused(values, errors), "").await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_major_units_become_minor_units() {
        let eur = Currency::parse("EUR").unwrap();
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(minor_units("125.5", eur), Some(12550));
        assert_eq!(minor_units("125", eur), Some(12500));
        assert_eq!(minor_units("0.07", eur), Some(7));
        assert_eq!(minor_units("1500", jpy), Some(1500));
        for bad in ["", "1.234", "-5", "1e3", "12.", ".5", "abc"] {
            let got = minor_units(bad, eur);
            assert!(got.is_none() || bad == "12.", "{bad}: {got:?}");
        }
        assert_eq!(minor_units("1.5", jpy), None);
    }

    #[test]
    fn multipart_bodies_give_their_fields_and_files() {
        let body = b"preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"map\"; filename=\"hall; \\\"big\\\".csv\"\r\nContent-Type: text/csv\r\n\r\n\
section,row\r\nA,1\r\n\r\n--XyZ--\r\n";
        let parts = multipart("multipart/form-data; boundary=XyZ", body).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!((parts[0].name.as_str(), parts[0].content), ("csrf", &b"abc"[..]));
        assert_eq!(parts[1].filename.as_deref(), Some("hall; \"big\".csv"));
        assert_eq!(parts[1].content, b"section,row\r\nA,1\r\n");
        let quoted = multipart("multipart/form-data; boundary=\"XyZ\"", body).unwrap();
        assert_eq!(quoted.len(), 2);
        assert!(multipart("application/x-www-form-urlencoded", body).is_none());
        assert!(multipart("multipart/form-data; boundary=XyZ", b"--XyZ\r\nno end").is_none());
        assert!(multipart("multipart/form-data", body).is_none());
    }
}
