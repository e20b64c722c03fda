//! The organizer's dashboard: organizations, events with their ticket types
//! and quotas, orders (search, detail, mark paid, refund, resend, cancel),
//! the attendee list and its CSV, sales charts (server-rendered SVG, kept
//! live by `sales.js` from the event's availability stream) and check-in
//! figures. Plain forms, POST-redirect-GET; every decision is the app's.

use super::orders::bar_chart_horizontal;
use super::{
    Catalog, Extras, amount_text, csrf_field, csrf_ok, csrf_token, error_page, esc, form, form_errors,
    form_expired_page, input, money, org_tabs, page_with, parse_amount, redirect, signed_in, tr, when,
};
use crate::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use std::collections::HashMap;
use tessera_app::catalog::EventQuery;
use tessera_app::orgs::{NewOrg, OrgWithRole};
use tessera_app::{Actor, AppError};
use tessera_domain::catalog::{
    Category, Event, EventAction, EventPatch, NewEvent, NewQuota, NewTicketType, QuotaPatch, TicketTypePatch, Venue,
};
use tessera_domain::{Currency, EventId, OrgId, Timestamp};

pub(super) const ZH: Catalog = &[
    ("Your organizations", "您的组织"),
    ("You are not a member of any organization yet.", "您还不是任何组织的成员。"),
    ("Create an organization", "创建组织"),
    ("Name", "名称"),
    ("Web address handle (a-z, 0-9, -)", "网址标识（a-z、0-9、-）"),
    ("Create", "创建"),
    ("Role", "角色"),
    ("New event", "新建活动"),
    ("No events yet.", "还没有活动。"),
    ("Title", "标题"),
    ("Description", "描述"),
    ("Venue", "场馆"),
    ("Starts (venue time)", "开始（场馆当地时间）"),
    ("Ends (venue time)", "结束（场馆当地时间）"),
    ("Sales open (optional)", "开售时间（可选）"),
    ("Sales close (optional)", "停售时间（可选）"),
    ("Save", "保存"),
    ("Status", "状态"),
    ("Starts", "开始"),
    ("draft", "草稿"),
    ("published", "已发布"),
    ("ended", "已结束"),
    ("Publish", "发布"),
    ("Cancel the event", "取消活动"),
    ("Cancelling refunds every order. This cannot be undone.", "取消活动会为所有订单退款，且无法撤销。"),
    ("End the event", "结束活动"),
    ("Ticket types", "票种"),
    ("Price", "价格"),
    ("Currency", "货币"),
    ("Available", "可售"),
    ("Per order", "每单数量"),
    ("Add a ticket type", "添加票种"),
    ("Quotas", "配额"),
    ("Capacity", "容量"),
    ("Sold", "已售"),
    ("Held", "保留中"),
    ("Add a quota", "添加配额"),
    ("Counts these ticket types", "计入这些票种"),
    ("Sales", "销售"),
    ("Attendees", "参与者"),
    ("Check-in", "检票"),
    ("Seats", "座位"),
    ("Public page", "公开页面"),
    ("Search by reference, name or e-mail", "按订单号、姓名或邮箱搜索"),
    ("Event", "活动"),
    ("State", "状态"),
    ("Filter", "筛选"),
    ("No orders match.", "没有符合条件的订单。"),
    ("Reference", "订单号"),
    ("Buyer", "购买者"),
    ("Placed", "下单时间"),
    ("Total", "合计"),
    ("Order", "订单"),
    ("pending", "待付款"),
    ("paid", "已付款"),
    ("expired", "已过期"),
    ("cancelled", "已取消"),
    ("refunded", "已退款"),
    ("Paid", "已付"),
    ("Refunded", "已退"),
    ("Tickets", "门票"),
    ("Holder", "持票人"),
    ("Seat", "座位"),
    ("History", "记录"),
    ("Mark paid", "标记为已付款"),
    ("Resend the confirmation e-mail", "重新发送确认邮件"),
    ("Refund", "退款"),
    ("Amount (leave empty for the rest of the order)", "金额（留空则退还订单剩余金额）"),
    ("Or refund only these tickets", "或仅退这些门票"),
    ("Reason", "原因"),
    ("Cancel the order", "取消订单"),
    ("Refunds", "退款记录"),
    ("Tickets sold", "已售门票"),
    ("Revenue", "收入"),
    ("By ticket type", "按票种"),
    ("By day", "按日期"),
    ("No sales yet.", "还没有销售。"),
    ("Updates as tickets sell.", "售票时自动更新。"),
    ("Day", "日期"),
    ("Download CSV", "下载 CSV"),
    ("No attendees yet.", "还没有参与者。"),
    ("Checked in", "已检票"),
    ("Inside now", "场内人数"),
    ("Admitted", "已入场"),
    ("Gate", "入口"),
    ("Scans by result", "扫描结果统计"),
    ("Open the scanner", "打开检票器"),
    ("No check-in lists.", "没有检票名单。"),
    ("Tick the box to confirm the cancellation.", "请勾选以确认取消。"),
    ("Fees, taxes and refunds", "手续费、税费和退款"),
    ("Change", "修改"),
    ("Service fees", "服务费"),
    ("Per ticket", "每张票"),
    ("Per ticket, % of the price", "每张票，按票价百分比"),
    ("The organizer pays the fees (buyers see the ticket price only)", "由主办方承担手续费（购票者只看到票价）"),
    ("Tax", "税费"),
    ("The price includes the tax", "价格已含税"),
    ("Buyers may refund their own orders", "购票者可自行退款"),
    ("Until hours before the start", "截止于开始前（小时）"),
    ("Kept back from a buyer's refund", "退款时扣除的费用"),
    ("Reminder e-mail, hours before the start (0: none)", "提醒邮件：开始前几小时发送（0 为不发送）"),
    ("enter a percentage like 2.5", "请输入百分比，例如 2.5"),
    ("enter an amount like 12.50", "请输入金额，例如 12.50"),
    ("enter a date and time", "请输入日期和时间"),
    ("choose a venue", "请选择场馆"),
    ("Create a venue first.", "请先创建场馆。"),
    ("Show more", "显示更多"),
    ("valid", "有效"),
    ("void", "已作废"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboard", get(home))
        .route("/dashboard/orgs", post(create_org))
        .route("/dashboard/orgs/{org}", get(events))
        .route("/dashboard/orgs/{org}/events/new", get(new_event_page).post(create_event))
        .route("/dashboard/orgs/{org}/events/{event}", get(event_page).post(update_event))
        .route("/dashboard/orgs/{org}/events/{event}/action", post(event_action))
        .route("/dashboard/orgs/{org}/events/{event}/ticket-types", post(create_ticket_type))
        .route("/dashboard/orgs/{org}/events/{event}/ticket-types/{tt}", post(update_ticket_type))
        .route("/dashboard/orgs/{org}/events/{event}/quotas", post(create_quota))
        .route("/dashboard/orgs/{org}/events/{event}/pricing", post(update_pricing))
        .route("/dashboard/orgs/{org}/events/{event}/quotas/{quota}", post(update_quota))
        .route("/dashboard/orgs/{org}/events/{event}/checkin", get(checkin))
}

pub(super) type Errors = Vec<(String, String)>;
pub(super) type Values = HashMap<String, String>;

pub(super) fn parse_id<T: std::str::FromStr>(s: &str) -> Result<T, Response> {
    s.parse().map_err(|_| super::not_found_page())
}

pub(super) fn ok_page(title: &str, body: &str, cookies: Option<String>) -> Response {
    page_with(StatusCode::OK, title, body, Extras { cookies: cookies.into_iter().collect(), wide: true, scripts: &[] })
}

pub(super) fn refused_page(title: &str, body: &str) -> Response {
    page_with(StatusCode::UNPROCESSABLE_ENTITY, title, body, Extras { wide: true, ..Default::default() })
}

/// A `datetime-local` value read as wall-clock time at the venue.
fn parse_local(text: &str, tz: &str) -> Option<Timestamp> {
    let dt: jiff::civil::DateTime = text.trim().parse().ok()?;
    let zone = jiff::tz::TimeZone::get(tz).ok()?;
    dt.to_zoned(zone).ok().map(|z| z.timestamp())
}

/// An instant as a `datetime-local` value at the venue.
fn local_text(t: Timestamp, tz: &str) -> String {
    match jiff::tz::TimeZone::get(tz) {
        Ok(zone) => t.to_zoned(zone).strftime("%Y-%m-%dT%H:%M").to_string(),
        Err(_) => t.strftime("%Y-%m-%dT%H:%M").to_string(),
    }
}

// ------------------------------------------------------------ organizations

async fn home(State(s): State<AppState>, headers: HeaderMap, uri: axum::http::Uri) -> Response {
    let (_, actor) = match signed_in("/dashboard") {
        Ok(v) => v,
        Err(r) => return r,
    };
    let orgs = match s.app.my_orgs(&actor).await {
        Ok(o) => o,
        Err(e) => return error_page(e),
    };
    // One organization: straight to its overview (`?all` shows this page).
    if let [only] = orgs.as_slice()
        && uri.query().is_none_or(|q| !q.split('&').any(|p| p == "all"))
    {
        return redirect(&format!("/dashboard/orgs/{}/overview", only.org.id), &[]);
    }
    let (csrf, set) = csrf_token(&headers);
    ok_page(tr("Dashboard"), &home_html(&orgs, &csrf, &HashMap::new(), &[]), set)
}

fn home_html(orgs: &[OrgWithRole], csrf: &str, values: &Values, errors: &[(String, String)]) -> String {
    let mut body = format!("<h2>{}</h2>", tr("Your organizations"));
    if orgs.is_empty() {
        body.push_str(&format!("<p>{}</p>", tr("You are not a member of any organization yet.")));
    } else {
        body.push_str("<ul class=\"cards\">");
        for o in orgs {
            body.push_str(&format!(
                "<li><a href=\"/dashboard/orgs/{}\"><strong>{}</strong></a><br><span class=\"muted\">{} · {}</span></li>",
                o.org.id,
                esc(&o.org.name),
                tr("Role"),
                esc(o.role.as_str())
            ));
        }
        body.push_str("</ul>");
    }
    body.push_str(&format!(
        "<h2>{}</h2><form method=\"post\" action=\"/dashboard/orgs\" novalidate>{}{}{}<p><button type=\"submit\">{}</button></p></form>",
        tr("Create an organization"),
        csrf_field(csrf),
        input("name", tr("Name"), "text", "required maxlength=\"200\"", values, errors),
        input("slug", tr("Web address handle (a-z, 0-9, -)"), "text", "required pattern=\"[a-z0-9-]{3,48}\"", values, errors),
        tr("Create"),
    ));
    body
}

async fn create_org(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let (_, actor) = match signed_in("/dashboard") {
        Ok(v) => v,
        Err(r) => return r,
    };
    let values = form(&body);
    if !csrf_ok(&headers, &values) {
        return form_expired_page("/dashboard");
    }
    let get = |k: &str| values.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let errors = match s.app.create_org(&actor, NewOrg { name: get("name"), slug: get("slug") }).await {
        Ok(org) => return redirect(&format!("/dashboard/orgs/{}", org.id), &[]),
        Err(e) => match form_errors(e) {
            Ok(f) => f,
            Err(page) => return page,
        },
    };
    let orgs = s.app.my_orgs(&actor).await.unwrap_or_default();
    let (csrf, _) = csrf_token(&headers);
    refused_page(tr("Dashboard"), &home_html(&orgs, &csrf, &values, &errors))
}

/// The organization, for a page of it; the viewer must be a member.
async fn org_of(s: &AppState, actor: &Actor, org: &str) -> Result<OrgWithRole, Response> {
    let org: OrgId = parse_id(org)?;
    s.app.org(actor, org).await.map_err(error_page)
}

/// The signed-in actor and the organization for a page under it.
pub(super) async fn guard(s: &AppState, org: &str, here: &str) -> Result<(Actor, OrgWithRole), Response> {
    let (_, actor) = signed_in(here)?;
    let org = org_of(s, &actor, org).await?;
    Ok((actor, org))
}

// ------------------------------------------------------------ events

async fn events(State(s): State<AppState>, Path(org): Path<String>, uri: axum::http::Uri) -> Response {
    let (actor, o) = match guard(&s, &org, uri.path()).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    // Past events too: the organizer still needs their orders and figures.
    let from = Timestamp::from_second(0).unwrap_or(Timestamp::UNIX_EPOCH);
    let q = EventQuery { from: Some(from), limit: Some(100), ..Default::default() };
    let page = match s.app.org_events(&actor, o.org.id, &q).await {
        Ok(p) => p,
        Err(e) => return error_page(e),
    };
    let mut body = org_tabs(o.org.id, &o.org.name, "events");
    body.push_str(&format!(
        "<p><a class=\"button\" href=\"/dashboard/orgs/{}/events/new\">{}</a></p>",
        o.org.id,
        tr("New event")
    ));
    if page.items.is_empty() {
        body.push_str(&format!("<p>{}</p>", tr("No events yet.")));
    } else {
        body.push_str(&format!(
            "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            tr("Title"),
            tr("Starts"),
            tr("Venue"),
            tr("Status")
        ));
        for e in &page.items {
            body.push_str(&format!(
                "<tr><td><a href=\"/dashboard/orgs/{org}/events/{id}\">{title}</a></td><td>{when}</td><td>{venue}</td><td>{status}</td></tr>",
                org = o.org.id,
                id = e.id,
                title = esc(&e.title),
                when = esc(&when(e.starts_at, &e.timezone)),
                venue = esc(&e.venue.name),
                status = tr(e.status.as_str()),
            ));
        }
        body.push_str("</tbody></table></div>");
    }
    ok_page(&o.org.name, &body, None)
}

fn event_form_html(action: &str, venues: &[Venue], csrf: &str, values: &Values, errors: &[(String, String)]) -> String {
    let chosen_venue = values.get("venue_id").cloned().unwrap_or_default();
    let venue_options: String = venues
        .iter()
        .map(|v| {
            let sel = if v.id.to_string() == chosen_venue { " selected" } else { "" };
            format!("<option value=\"{}\"{sel}>{} ({})</option>", v.id, esc(&v.name), esc(v.timezone.as_str()))
        })
        .collect();
    let chosen_cat = values.get("category").cloned().unwrap_or_else(|| "concert".into());
    let cat_options: String = super::CATEGORIES
        .iter()
        .map(|c| {
            let sel = if c.as_str() == chosen_cat { " selected" } else { "" };
            format!("<option value=\"{c}\"{sel}>{}</option>", super::category_label(*c))
        })
        .collect();
    let desc_errors = super::field_errors(errors, "description");
    format!(
        "<form method=\"post\" action=\"{action}\" novalidate>{csrf}{title}\
         <p><label for=\"description\">{desc_label}</label><br><textarea id=\"description\" name=\"description\" rows=\"5\" cols=\"60\">{desc}</textarea>{desc_errors}</p>\
         <p><label for=\"category\">{cat_label}</label><br><select id=\"category\" name=\"category\">{cat_options}</select></p>\
         <p><label for=\"venue_id\">{venue_label}</label><br><select id=\"venue_id\" name=\"venue_id\">{venue_options}</select>{venue_errors}</p>\
         {starts}{ends}{sales_start}{sales_end}<p><button type=\"submit\">{save}</button></p></form>",
        csrf = csrf_field(csrf),
        title = input("title", tr("Title"), "text", "required maxlength=\"200\"", values, errors),
        desc_label = tr("Description"),
        desc = esc(values.get("description").map(String::as_str).unwrap_or("")),
        cat_label = tr("Category"),
        venue_label = tr("Venue"),
        venue_errors = super::field_errors(errors, "venue_id"),
        starts = input("starts_at", tr("Starts (venue time)"), "datetime-local", "required", values, errors),
        ends = input("ends_at", tr("Ends (venue time)"), "datetime-local", "required", values, errors),
        sales_start = input("sales_start", tr("Sales open (optional)"), "datetime-local", "", values, errors),
        sales_end = input("sales_end", tr("Sales close (optional)"), "datetime-local", "", values, errors),
        save = tr("Save"),
    )
}

/// The event fields of a form, read in the chosen venue's time zone.
struct EventFields {
    venue: Option<Venue>,
    starts_at: Option<Timestamp>,
    ends_at: Option<Timestamp>,
    sales_start: Option<Timestamp>,
    sales_end: Option<Timestamp>,
    category: Option<Category>,
}

fn read_event_fields(values: &Values, venues: &[Venue], errors: &mut Errors) -> EventFields {
    let get = |k: &str| values.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let venue = venues.iter().find(|v| v.id.to_string() == get("venue_id")).cloned();
    if venue.is_none() {
        errors.push(("venue_id".into(), tr("choose a venue").into()));
    }
    let tz = venue.as_ref().map(|v| v.timezone.as_str().to_string()).unwrap_or_else(|| "UTC".into());
    let mut time = |k: &str, required: bool| {
        let text = get(k);
        if text.is_empty() && !required {
            return None;
        }
        let t = parse_local(&text, &tz);
        if t.is_none() {
            errors.push((k.into(), tr("enter a date and time").into()));
        }
        t
    };
    let starts_at = time("starts_at", true);
    let ends_at = time("ends_at", true);
    let sales_start = time("sales_start", false);
    let sales_end = time("sales_end", false);
    let category = get("category").parse().ok();
    if category.is_none() {
        errors.push(("category".into(), "choose a category".into()));
    }
    EventFields { venue, starts_at, ends_at, sales_start, sales_end, category }
}

async fn new_event_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    uri: axum::http::Uri,
) -> Response {
    let (actor, o) = match guard(&s, &org, uri.path()).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let venues = match s.app.venues(&actor, o.org.id).await {
        Ok(v) => v,
        Err(e) => return error_page(e),
    };
    let mut body = org_tabs(o.org.id, &o.org.name, "events");
    if venues.is_empty() {
        body.push_str(&format!(
            "<p>{} <a href=\"/dashboard/orgs/{}/venues\">{}</a></p>",
            tr("Create a venue first."),
            o.org.id,
            tr("Venues")
        ));
        return ok_page(tr("New event"), &body, None);
    }
    let (csrf, set) = csrf_token(&headers);
    body.push_str(&event_form_html(
        &format!("/dashboard/orgs/{}/events/new", o.org.id),
        &venues,
        &csrf,
        &HashMap::new(),
        &[],
    ));
    ok_page(tr("New event"), &body, set)
}

async fn create_event(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let (actor, o) = match guard(&s, &org, uri.path()).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let values = form(&body);
    if !csrf_ok(&headers, &values) {
        return form_expired_page(uri.path());
    }
    let venues = match s.app.venues(&actor, o.org.id).await {
        Ok(v) => v,
        Err(e) => return error_page(e),
    };
    let mut errors = vec![];
    let f = read_event_fields(&values, &venues, &mut errors);
    if let (true, Some(venue), Some(starts_at), Some(ends_at), Some(category)) =
        (errors.is_empty(), f.venue, f.starts_at, f.ends_at, f.category)
    {
        let input = NewEvent {
            venue_id: venue.id,
            title: values.get("title").map(|t| t.trim().to_string()).unwrap_or_default(),
            description: values.get("description").cloned().unwrap_or_default(),
            category,
            image_urls: vec![],
            starts_at,
            ends_at,
            sales_start: f.sales_start,
            sales_end: f.sales_end,
            max_tickets_per_customer: None,
        };
        match s.app.create_event(&actor, o.org.id, input).await {
            Ok(e) => return redirect(&format!("/dashboard/orgs/{}/events/{}", o.org.id, e.id), &[]),
            Err(e) => match form_errors(e) {
                Ok(f) => errors = f,
                Err(page) => return page,
            },
        }
    }
    let (csrf, _) = csrf_token(&headers);
    let mut body = org_tabs(o.org.id, &o.org.name, "events");
    body.push_str(&format!("<p class=\"error\" role=\"alert\">{}</p>", tr("Please check the marked fields.")));
    body.push_str(&event_form_html(uri.path(), &venues, &csrf, &values, &errors));
    refused_page(tr("New event"), &body)
}

/// Everything an event page shows.
pub(super) struct EventView {
    pub(super) event: Event,
    pub(super) venue: Venue,
    pub(super) venues: Vec<Venue>,
}

pub(super) async fn event_view(s: &AppState, actor: &Actor, org: OrgId, event: &str) -> Result<EventView, Response> {
    let id: EventId = parse_id(event)?;
    let event = s.app.event(actor, org, id).await.map_err(error_page)?;
    let venues = s.app.venues(actor, org).await.map_err(error_page)?;
    let venue = venues.iter().find(|v| v.id == event.venue_id).cloned().ok_or_else(super::not_found_page)?;
    Ok(EventView { event, venue, venues })
}

/// What a form posted on an event's page brings: the signed-in actor, the
/// organization, the event, the form's fields and the page to return to.
struct EventForm {
    actor: Actor,
    o: OrgWithRole,
    v: EventView,
    values: Values,
    back: String,
}

/// Reads a form posted on an event's page, or answers with the page to show
/// instead (sign in, not found, not allowed, the form expired).
async fn event_form(
    s: &AppState,
    headers: &HeaderMap,
    org: &str,
    event: &str,
    uri: &axum::http::Uri,
    body: &Bytes,
) -> Result<EventForm, Response> {
    let (actor, o) = guard(s, org, uri.path()).await?;
    let values = form(body);
    let v = event_view(s, &actor, o.org.id, event).await?;
    let back = format!("/dashboard/orgs/{}/events/{}", o.org.id, v.event.id);
    if !csrf_ok(headers, &values) {
        return Err(form_expired_page(&back));
    }
    Ok(EventForm { actor, o, v, values, back })
}

/// The sub-pages of one event.
pub(super) fn event_tabs(org: OrgId, e: &Event, current: &str) -> String {
    let base = format!("/dashboard/orgs/{org}/events/{}", e.id);
    let tabs = [
        ("overview", base.clone(), e.title.as_str()),
        ("orders", format!("/dashboard/orgs/{org}/orders?event={}", e.id), tr("Orders")),
        ("sales", format!("{base}/sales"), tr("Sales")),
        ("attendees", format!("{base}/attendees"), tr("Attendees")),
        ("checkin", format!("{base}/checkin"), tr("Check-in")),
        ("seats", format!("{base}/seats"), tr("Seats")),
        ("public", format!("/events/{}", e.id), tr("Public page")),
    ];
    let links: String = tabs
        .iter()
        .map(|(key, href, label)| {
            let cur = if *key == current { " aria-current=\"page\"" } else { "" };
            format!("<a href=\"{}\"{cur}>{}</a>", esc(href), esc(label))
        })
        .collect();
    format!("<nav class=\"tabs\" aria-label=\"{}\">{links}</nav>", tr("Event"))
}

fn event_values(v: &EventView) -> Values {
    let tz = v.venue.timezone.as_str();
    let e = &v.event;
    let mut m = HashMap::new();
    m.insert("title".into(), e.title.clone());
    m.insert("description".into(), e.description.clone());
    m.insert("category".into(), e.category.to_string());
    m.insert("venue_id".into(), e.venue_id.to_string());
    m.insert("starts_at".into(), local_text(e.starts_at, tz));
    m.insert("ends_at".into(), local_text(e.ends_at, tz));
    if let Some(t) = e.sales_start {
        m.insert("sales_start".into(), local_text(t, tz));
    }
    if let Some(t) = e.sales_end {
        m.insert("sales_end".into(), local_text(t, tz));
    }
    m
}

async fn event_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event)): Path<(String, String)>,
    uri: axum::http::Uri,
) -> Response {
    let (actor, o) = match guard(&s, &org, uri.path()).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let v = match event_view(&s, &actor, o.org.id, &event).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let (csrf, set) = csrf_token(&headers);
    let body = match event_body(&s, &actor, &o, &v, &csrf, &event_values(&v), &[]).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    ok_page(&v.event.title, &body, set)
}

async fn event_body(
    s: &AppState,
    actor: &Actor,
    o: &OrgWithRole,
    v: &EventView,
    csrf: &str,
    values: &Values,
    errors: &[(String, String)],
) -> Result<String, Response> {
    let org = o.org.id;
    let e = &v.event;
    let types = s.app.ticket_types(actor, org, e.id).await.map_err(error_page)?;
    let quotas = s.app.quotas(actor, org, e.id).await.map_err(error_page)?;
    let base = format!("/dashboard/orgs/{org}/events/{}", e.id);
    let mut body = org_tabs(org, &o.org.name, "events");
    body.push_str(&event_tabs(org, e, "overview"));
    if !errors.is_empty() {
        body.push_str(&format!("<div role=\"alert\"><p class=\"error\">{}</p>", tr("Please check the marked fields.")));
        for (f, m) in errors {
            body.push_str(&format!("<p class=\"error\">{}: {}</p>", esc(f), esc(m)));
        }
        body.push_str("</div>");
    }
    body.push_str(&format!(
        "<p>{} <strong>{}</strong> · {} · {}</p>",
        tr("Status"),
        tr(e.status.as_str()),
        esc(&when(e.starts_at, v.venue.timezone.as_str())),
        esc(&v.venue.name)
    ));
    // Life cycle.
    let action = |name: &str, label: &str, class: &str, note: &str| {
        format!(
            "<form class=\"inline\" method=\"post\" action=\"{base}/action\">{}<input type=\"hidden\" name=\"action\" value=\"{name}\">\
             <button type=\"submit\" class=\"{class}\">{}</button>{note}</form> ",
            csrf_field(csrf),
            esc(label)
        )
    };
    let mut actions = String::new();
    use tessera_domain::catalog::EventStatus;
    if e.status == EventStatus::Draft {
        actions.push_str(&action("publish", tr("Publish"), "", ""));
    }
    if e.status == EventStatus::Published {
        actions.push_str(&action("end", tr("End the event"), "secondary", ""));
    }
    if matches!(e.status, EventStatus::Draft | EventStatus::Published) {
        let note = format!(
            " <label><input type=\"checkbox\" name=\"confirm\" value=\"yes\" required> {}</label>",
            tr("Cancelling refunds every order. This cannot be undone.")
        );
        actions.push_str(&action("cancel", tr("Cancel the event"), "danger", &note));
    }
    if !actions.is_empty() {
        body.push_str(&format!("<p>{actions}</p>"));
    }
    // Ticket types.
    body.push_str(&format!(
        "<h2>{}</h2><div class=\"scroll\"><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th>\
         <th scope=\"col\" class=\"num\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        tr("Ticket types"),
        tr("Name"),
        tr("Price"),
        tr("Available"),
        tr("Per order")
    ));
    for t in &types {
        let available = tessera_domain::catalog::ticket_type_availability(t, &quotas);
        body.push_str(&format!(
            "<tr><td><details><summary>{name}</summary>\
             <form method=\"post\" action=\"{base}/ticket-types/{id}\">{csrf}\
             <p><label>{name_l}<br><input name=\"name\" value=\"{name}\" required></label></p>\
             <p><label>{price_l}<br><input name=\"price\" value=\"{price_v}\" inputmode=\"decimal\" required></label></p>\
             <p><label>{per_l} (max)<br><input name=\"max_per_order\" type=\"number\" min=\"1\" value=\"{max}\"></label></p>\
             <p><button type=\"submit\">{save}</button></p></form></details></td>\
             <td class=\"num\">{price}</td><td class=\"num\">{available}</td><td>{min}–{max}</td></tr>",
            id = t.id,
            name = esc(&t.name),
            name_l = tr("Name"),
            price_l = tr("Price"),
            per_l = tr("Per order"),
            price_v = esc(&amount_text(t.price.amount_minor, t.price.currency)),
            price = esc(&money(t.price)),
            min = t.min_per_order,
            max = t.max_per_order,
            save = tr("Save"),
            csrf = csrf_field(csrf),
        ));
    }
    body.push_str("</tbody></table></div>");
    let quota_boxes: String = quotas
        .iter()
        .map(|q| {
            format!(
                "<label><input type=\"checkbox\" name=\"quota_id\" value=\"{}\" checked> {}</label> ",
                q.id,
                esc(&q.name)
            )
        })
        .collect();
    let currency = types.first().map(|t| t.price.currency.to_string()).unwrap_or_else(|| "EUR".into());
    body.push_str(&format!(
        "<details><summary>{add}</summary><form method=\"post\" action=\"{base}/ticket-types\" novalidate>{csrf}\
         {name}{price}{currency}{max}<fieldset><legend>{quotas_l}</legend>{quota_boxes}</fieldset>\
         <p><button type=\"submit\">{create}</button></p></form></details>",
        add = tr("Add a ticket type"),
        csrf = csrf_field(csrf),
        name = input("tt_name", tr("Name"), "text", "required maxlength=\"200\"", values, errors),
        price = input("tt_price", tr("Price"), "text", "inputmode=\"decimal\" required", values, errors),
        currency = input(
            "tt_currency",
            tr("Currency"),
            "text",
            &format!("maxlength=\"3\" placeholder=\"{}\"", esc(&currency)),
            values,
            errors
        ),
        max = input("tt_max", tr("Per order"), "number", "min=\"1\" placeholder=\"10\"", values, errors),
        quotas_l = tr("Quotas"),
        create = tr("Create"),
    ));
    // Quotas.
    body.push_str(&format!(
        "<h2>{}</h2><div class=\"scroll\"><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th>\
         <th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th></tr></thead><tbody>",
        tr("Quotas"),
        tr("Name"),
        tr("Capacity"),
        tr("Sold"),
        tr("Held"),
        tr("Available")
    ));
    for q in &quotas {
        body.push_str(&format!(
            "<tr><td><details><summary>{name}</summary><form method=\"post\" action=\"{base}/quotas/{id}\">{csrf}\
             <p><label>{name_l}<br><input name=\"name\" value=\"{name}\" required></label></p>\
             <p><label>{cap_l}<br><input name=\"capacity\" type=\"number\" min=\"0\" value=\"{capacity}\" required></label></p>\
             <p><button type=\"submit\">{save}</button></p></form></details></td>\
             <td class=\"num\">{capacity}</td><td class=\"num\">{sold}</td><td class=\"num\">{held}</td><td class=\"num\">{available}</td></tr>",
            id = q.id,
            name = esc(&q.name),
            name_l = tr("Name"),
            cap_l = tr("Capacity"),
            capacity = q.capacity,
            sold = q.sold,
            held = q.held,
            available = q.available(),
            save = tr("Save"),
            csrf = csrf_field(csrf),
        ));
    }
    body.push_str("</tbody></table></div>");
    let type_boxes: String = types
        .iter()
        .map(|t| {
            format!(
                "<label><input type=\"checkbox\" name=\"ticket_type_id\" value=\"{}\"> {}</label> ",
                t.id,
                esc(&t.name)
            )
        })
        .collect();
    body.push_str(&format!(
        "<details><summary>{add}</summary><form method=\"post\" action=\"{base}/quotas\" novalidate>{csrf}{name}{capacity}\
         <fieldset><legend>{counts}</legend>{type_boxes}</fieldset><p><button type=\"submit\">{create}</button></p></form></details>",
        add = tr("Add a quota"),
        csrf = csrf_field(csrf),
        name = input("q_name", tr("Name"), "text", "required", values, errors),
        capacity = input("q_capacity", tr("Capacity"), "number", "min=\"0\" required", values, errors),
        counts = tr("Counts these ticket types"),
        create = tr("Create"),
    ));
    body.push_str(&pricing_html(s, actor, org, e, &types, csrf, values, errors).await);
    // Details.
    body.push_str(&format!("<h2>{}</h2>", tr("Event")));
    body.push_str(&event_form_html(&base, &v.venues, csrf, values, errors));
    Ok(body)
}

async fn update_event(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event)): Path<(String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let EventForm { actor, o, v, values, back } = match event_form(&s, &headers, &org, &event, &uri, &body).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let mut errors = vec![];
    let f = read_event_fields(&values, &v.venues, &mut errors);
    if errors.is_empty() {
        let patch = EventPatch {
            venue_id: f.venue.map(|v| v.id),
            title: values.get("title").map(|t| t.trim().to_string()),
            description: values.get("description").cloned(),
            category: f.category,
            image_urls: None,
            starts_at: f.starts_at,
            ends_at: f.ends_at,
            sales_start: Some(f.sales_start),
            sales_end: Some(f.sales_end),
            max_tickets_per_customer: None,
        };
        match s.app.update_event(&actor, o.org.id, v.event.id, patch).await {
            Ok(_) => return redirect(&back, &[]),
            Err(e) => match form_errors(e) {
                Ok(f) => errors = f,
                Err(page) => return page,
            },
        }
    }
    refuse_event_form(&s, &actor, &o, &v, &headers, &values, &errors).await
}

async fn refuse_event_form(
    s: &AppState,
    actor: &Actor,
    o: &OrgWithRole,
    v: &EventView,
    headers: &HeaderMap,
    values: &Values,
    errors: &[(String, String)],
) -> Response {
    let (csrf, _) = csrf_token(headers);
    let mut merged = event_values(v);
    merged.extend(values.iter().map(|(k, v)| (k.clone(), v.clone())));
    match event_body(s, actor, o, v, &csrf, &merged, errors).await {
        Ok(b) => refused_page(&v.event.title, &b),
        Err(r) => r,
    }
}

async fn event_action(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event)): Path<(String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let (actor, o) = match guard(&s, &org, uri.path()).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let values = form(&body);
    let back = format!("/dashboard/orgs/{}/events/{}", o.org.id, esc(&event));
    if !csrf_ok(&headers, &values) {
        return form_expired_page(&back);
    }
    let id: EventId = match parse_id(&event) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let action = match values.get("action").map(String::as_str) {
        Some("publish") => EventAction::Publish,
        Some("cancel") if values.get("confirm").map(String::as_str) == Some("yes") => EventAction::Cancel,
        Some("cancel") => {
            let errors = vec![("confirm".to_string(), tr("Tick the box to confirm the cancellation.").to_string())];
            return match event_view(&s, &actor, o.org.id, &event).await {
                Ok(v) => refuse_event_form(&s, &actor, &o, &v, &headers, &HashMap::new(), &errors).await,
                Err(r) => r,
            };
        }
        Some("end") => EventAction::End,
        _ => return error_page(AppError::invalid("action", "must be publish, cancel or end")),
    };
    match s.app.event_action(&actor, o.org.id, id, action).await.map(|_| ()) {
        Ok(()) => redirect(&back, &[]),
        Err(e) => match form_errors(e) {
            Ok(errors) => match event_view(&s, &actor, o.org.id, &event).await {
                Ok(v) => refuse_event_form(&s, &actor, &o, &v, &headers, &HashMap::new(), &errors).await,
                Err(r) => r,
            },
            Err(page) => page,
        },
    }
}

async fn create_ticket_type(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event)): Path<(String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let EventForm { actor, o, v, values, back } = match event_form(&s, &headers, &org, &event, &uri, &body).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let get = |k: &str| values.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let mut errors: Errors = vec![];
    let currency_text = get("tt_currency").to_uppercase();
    let existing = s.app.ticket_types(&actor, o.org.id, v.event.id).await.unwrap_or_default();
    let currency = if currency_text.is_empty() {
        existing.first().map(|t| t.price.currency).or_else(|| Currency::parse("EUR").ok())
    } else {
        Currency::parse(&currency_text).ok()
    };
    if currency.is_none() {
        errors.push(("tt_currency".into(), "use a three-letter ISO 4217 code such as EUR".into()));
    }
    let price = currency.and_then(|c| parse_amount(&get("tt_price"), c));
    if price.is_none() {
        errors.push(("tt_price".into(), tr("enter an amount like 12.50").into()));
    }
    let max = match get("tt_max").as_str() {
        "" => Some(10),
        t => t.parse::<i64>().ok(),
    };
    if max.is_none() {
        errors.push(("tt_max".into(), "enter a whole number".into()));
    }
    if let (true, Some(currency), Some(price_minor), Some(max)) = (errors.is_empty(), currency, price, max) {
        let input = NewTicketType {
            name: get("tt_name"),
            description: String::new(),
            price_minor,
            currency,
            sales_start: None,
            sales_end: None,
            min_per_order: 1,
            max_per_order: max,
            visibility: tessera_domain::catalog::Visibility::Public,
            access_code: None,
            quota_ids: values_all(&body, "quota_id").iter().filter_map(|q| q.parse().ok()).collect(),
        };
        match s.app.create_ticket_type(&actor, o.org.id, v.event.id, input).await {
            Ok(_) => return redirect(&back, &[]),
            Err(e) => match form_errors(e) {
                // The app names the JSON fields; the form's carry a prefix.
                Ok(f) => errors = f.into_iter().map(|(k, m)| (format!("tt_{k}"), m)).collect(),
                Err(page) => return page,
            },
        }
    }
    refuse_event_form(&s, &actor, &o, &v, &headers, &values, &errors).await
}

/// Every value of a repeated form field (checkboxes).
pub(super) fn values_all(body: &Bytes, name: &str) -> Vec<String> {
    form_urlencoded::parse(body).filter(|(k, _)| k == name).map(|(_, v)| v.into_owned()).collect()
}

async fn update_ticket_type(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event, tt)): Path<(String, String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let EventForm { actor, o, v, values, back } = match event_form(&s, &headers, &org, &event, &uri, &body).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let tt_id = match parse_id(&tt) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let types = s.app.ticket_types(&actor, o.org.id, v.event.id).await.unwrap_or_default();
    let Some(current) = types.iter().find(|t| t.id == tt_id) else {
        return super::not_found_page();
    };
    let get = |k: &str| values.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let mut errors: Errors = vec![];
    let price = parse_amount(&get("price"), current.price.currency);
    if price.is_none() {
        errors.push(("price".into(), tr("enter an amount like 12.50").into()));
    }
    let max = get("max_per_order").parse::<i64>().ok();
    if max.is_none() {
        errors.push(("max_per_order".into(), "enter a whole number".into()));
    }
    if errors.is_empty() {
        let patch = TicketTypePatch {
            name: Some(get("name")),
            description: None,
            price_minor: price,
            currency: None,
            sales_start: None,
            sales_end: None,
            min_per_order: None,
            max_per_order: max,
            visibility: None,
            access_code: None,
            quota_ids: None,
        };
        match s.app.update_ticket_type(&actor, o.org.id, tt_id, patch).await {
            Ok(_) => return redirect(&back, &[]),
            Err(e) => match form_errors(e) {
                Ok(f) => errors = f,
                Err(page) => return page,
            },
        }
    }
    let errors: Errors = errors.into_iter().map(|(k, m)| (format!("{}: {k}", current.name), m)).collect();
    refuse_event_form(&s, &actor, &o, &v, &headers, &HashMap::new(), &errors).await
}

async fn create_quota(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event)): Path<(String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let EventForm { actor, o, v, values, back } = match event_form(&s, &headers, &org, &event, &uri, &body).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let get = |k: &str| values.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let mut errors: Errors = vec![];
    match get("q_capacity").parse::<i64>() {
        Err(_) => errors.push(("q_capacity".into(), "enter a whole number".into())),
        Ok(capacity) => {
            let input = NewQuota {
                name: get("q_name"),
                capacity,
                ticket_type_ids: values_all(&body, "ticket_type_id").iter().filter_map(|t| t.parse().ok()).collect(),
            };
            match s.app.create_quota(&actor, o.org.id, v.event.id, input).await {
                Ok(_) => return redirect(&back, &[]),
                Err(e) => match form_errors(e) {
                    Ok(f) => errors = f.into_iter().map(|(k, m)| (format!("q_{k}"), m)).collect(),
                    Err(page) => return page,
                },
            }
        }
    }
    refuse_event_form(&s, &actor, &o, &v, &headers, &values, &errors).await
}

async fn update_quota(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event, quota)): Path<(String, String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let EventForm { actor, o, v, values, back } = match event_form(&s, &headers, &org, &event, &uri, &body).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let quotas = s.app.quotas(&actor, o.org.id, v.event.id).await.unwrap_or_default();
    let Some(current) = quota.parse().ok().and_then(|id| quotas.iter().find(|q| q.id == id)) else {
        return super::not_found_page();
    };
    let get = |k: &str| values.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let errors: Errors = match get("capacity").parse::<i64>() {
        Err(_) => vec![("capacity".into(), "enter a whole number".into())],
        Ok(capacity) => {
            let patch = QuotaPatch { name: Some(get("name")), capacity: Some(capacity), ticket_type_ids: None };
            match s.app.update_quota(&actor, o.org.id, current.id, patch).await {
                Ok(_) => return redirect(&back, &[]),
                Err(e) => match form_errors(e) {
                    Ok(f) => f,
                    Err(page) => return page,
                },
            }
        }
    };
    let errors: Errors = errors.into_iter().map(|(k, m)| (format!("{}: {k}", current.name), m)).collect();
    refuse_event_form(&s, &actor, &o, &v, &headers, &HashMap::new(), &errors).await
}

/// A percentage as typed ("2.5") in basis points (250).
fn parse_percent(text: &str) -> Option<i64> {
    let t = text.trim();
    if t.is_empty() {
        return Some(0);
    }
    let eur = Currency::parse("EUR").ok()?;
    parse_amount(t, eur)
}

fn percent_text(bp: i64) -> String {
    let s = format!("{}.{:02}", bp / 100, bp % 100);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The event's fees, taxes, refund policy and reminder, as a form.
#[allow(clippy::too_many_arguments)]
async fn pricing_html(
    s: &AppState,
    actor: &Actor,
    org: OrgId,
    e: &Event,
    types: &[tessera_domain::catalog::TicketType],
    csrf: &str,
    values: &Values,
    errors: &[(String, String)],
) -> String {
    let Ok(p) = s.app.event_pricing(actor, org, e.id).await else { return String::new() };
    let currency = types.first().map(|t| t.price.currency).or_else(|| Currency::parse("EUR").ok());
    let amount = |minor: i64| currency.map(|c| amount_text(minor, c)).unwrap_or_default();
    // What is saved, unless a refused form brings its own values.
    let mut v: Values = HashMap::new();
    v.insert("fee_ticket".into(), amount(p.fees.per_ticket_minor));
    v.insert("fee_percent".into(), percent_text(p.fees.per_ticket_bp));
    v.insert("fee_order".into(), amount(p.fees.per_order_minor));
    v.insert("refund_deadline_hours".into(), p.refunds.deadline_hours.to_string());
    v.insert("refund_fee".into(), amount(p.refunds.fee_minor));
    v.insert("reminder_hours".into(), p.reminder_hours.to_string());
    for t in types {
        let rule = p.taxes.get(&t.id);
        v.insert(format!("tax_{}", t.id), rule.map(|r| percent_text(r.rate_bp)).unwrap_or_default());
    }
    let posted = values.contains_key("fee_ticket");
    if posted {
        v.extend(values.iter().map(|(k, val)| (k.clone(), val.clone())));
    }
    let checked = |name: &str, saved: bool| {
        let on = if posted { values.get(name).is_some() } else { saved };
        if on { " checked" } else { "" }
    };
    let mut taxes = String::new();
    for t in types {
        let field = format!("tax_{}", t.id);
        let inclusive = format!("tax_inclusive_{}", t.id);
        let saved_inclusive = p.taxes.get(&t.id).is_none_or(|r| r.inclusive);
        taxes.push_str(&format!(
            "{}<p><label><input type=\"checkbox\" name=\"{inclusive}\" value=\"yes\"{}> {}</label></p>",
            input(&field, &format!("{} · {} (%)", t.name, tr("Tax")), "text", "inputmode=\"decimal\"", &v, errors),
            checked(&inclusive, saved_inclusive),
            tr("The price includes the tax"),
        ));
    }
    format!(
        "<h2>{title}</h2><details><summary>{summary}</summary><form method=\"post\" action=\"/dashboard/orgs/{org}/events/{id}/pricing\" novalidate>{csrf}\
         <fieldset><legend>{fees}</legend>{fee_ticket}{fee_percent}{fee_order}\
         <p><label><input type=\"checkbox\" name=\"fees_absorbed\" value=\"yes\"{absorbed}> {absorbed_l}</label></p></fieldset>\
         <fieldset><legend>{tax_l}</legend>{taxes}</fieldset>\
         <fieldset><legend>{refunds}</legend><p><label><input type=\"checkbox\" name=\"buyer_refunds\" value=\"yes\"{buyer}> {buyer_l}</label></p>\
         {deadline}{refund_fee}</fieldset>{reminder}<p><button type=\"submit\">{save}</button></p></form></details>",
        title = tr("Fees, taxes and refunds"),
        summary = tr("Change"),
        id = e.id,
        csrf = csrf_field(csrf),
        fees = tr("Service fees"),
        fee_ticket = input("fee_ticket", tr("Per ticket"), "text", "inputmode=\"decimal\"", &v, errors),
        fee_percent =
            input("fee_percent", tr("Per ticket, % of the price"), "text", "inputmode=\"decimal\"", &v, errors),
        fee_order = input("fee_order", tr("Per order"), "text", "inputmode=\"decimal\"", &v, errors),
        absorbed = checked("fees_absorbed", p.fees.absorbed),
        absorbed_l = tr("The organizer pays the fees (buyers see the ticket price only)"),
        tax_l = tr("Tax"),
        refunds = tr("Refunds"),
        buyer = checked("buyer_refunds", p.refunds.buyer_refunds),
        buyer_l = tr("Buyers may refund their own orders"),
        deadline =
            input("refund_deadline_hours", tr("Until hours before the start"), "number", "min=\"0\"", &v, errors),
        refund_fee =
            input("refund_fee", tr("Kept back from a buyer's refund"), "text", "inputmode=\"decimal\"", &v, errors),
        reminder = input(
            "reminder_hours",
            tr("Reminder e-mail, hours before the start (0: none)"),
            "number",
            "min=\"0\"",
            &v,
            errors
        ),
        save = tr("Save"),
    )
}

async fn update_pricing(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event)): Path<(String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let EventForm { actor, o, v, values, back } = match event_form(&s, &headers, &org, &event, &uri, &body).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let types = s.app.ticket_types(&actor, o.org.id, v.event.id).await.unwrap_or_default();
    let currency = match types.first().map(|t| t.price.currency).or_else(|| Currency::parse("EUR").ok()) {
        Some(c) => c,
        None => return super::not_found_page(),
    };
    let mut errors: Errors = vec![];
    let get = |k: &str| values.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let mut money_field = |k: &str| {
        let t = get(k);
        if t.is_empty() {
            return 0;
        }
        parse_amount(&t, currency).unwrap_or_else(|| {
            errors.push((k.to_string(), tr("enter an amount like 12.50").to_string()));
            0
        })
    };
    let per_ticket_minor = money_field("fee_ticket");
    let per_order_minor = money_field("fee_order");
    let refund_fee = money_field("refund_fee");
    let mut percent = |k: &str| {
        parse_percent(&get(k)).unwrap_or_else(|| {
            errors.push((k.to_string(), tr("enter a percentage like 2.5").to_string()));
            0
        })
    };
    let per_ticket_bp = percent("fee_percent");
    let mut taxes = HashMap::new();
    for t in &types {
        let field = format!("tax_{}", t.id);
        if get(&field).is_empty() {
            continue;
        }
        let rate_bp = percent(&field);
        taxes.insert(
            t.id,
            tessera_domain::payments::TaxRule {
                rate_bp,
                inclusive: values.contains_key(&format!("tax_inclusive_{}", t.id)),
            },
        );
    }
    let mut hours = |k: &str| match get(k).as_str() {
        "" => 0,
        t => t.parse::<i64>().unwrap_or_else(|_| {
            errors.push((k.to_string(), "enter a whole number".to_string()));
            0
        }),
    };
    let deadline_hours = hours("refund_deadline_hours");
    let reminder_hours = hours("reminder_hours");
    if errors.is_empty() {
        let pricing = tessera_domain::payments::EventPricing {
            fees: tessera_domain::payments::FeePolicy {
                per_ticket_minor,
                per_ticket_bp,
                per_order_minor,
                absorbed: values.contains_key("fees_absorbed"),
            },
            taxes,
            refunds: tessera_domain::payments::RefundPolicy {
                buyer_refunds: values.contains_key("buyer_refunds"),
                deadline_hours,
                fee_minor: refund_fee,
            },
            reminder_hours,
        };
        match s.app.set_event_pricing(&actor, o.org.id, v.event.id, pricing).await {
            Ok(_) => return redirect(&back, &[]),
            Err(e) => match form_errors(e) {
                Ok(f) => errors = f,
                Err(page) => return page,
            },
        }
    }
    refuse_event_form(&s, &actor, &o, &v, &headers, &values, &errors).await
}

async fn checkin(
    State(s): State<AppState>,
    Path((org, event)): Path<(String, String)>,
    uri: axum::http::Uri,
) -> Response {
    let (actor, o) = match guard(&s, &org, uri.path()).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let v = match event_view(&s, &actor, o.org.id, &event).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let lists = match s.app.checkin_lists(&actor, o.org.id, v.event.id).await {
        Ok(l) => l,
        Err(e) => return error_page(e),
    };
    let mut body = org_tabs(o.org.id, &o.org.name, "events");
    body.push_str(&event_tabs(o.org.id, &v.event, "checkin"));
    if lists.is_empty() {
        body.push_str(&format!("<p>{}</p>", tr("No check-in lists.")));
    }
    for l in &lists {
        let st = match s.app.checkin_stats(&actor, o.org.id, l.id).await {
            Ok(st) => st,
            Err(e) => return error_page(e),
        };
        body.push_str(&format!(
            "<h2>{name}</h2><p><a href=\"/scan/{org}/{list}\">{open}</a></p><div class=\"stats\"><div>{ci}<strong>{checked} / {tickets}</strong></div><div>{inside_l}<strong>{inside}</strong></div></div>",
            name = esc(&l.name),
            org = o.org.id,
            list = l.id,
            open = tr("Open the scanner"),
            ci = tr("Checked in"),
            checked = st.checked_in,
            tickets = st.tickets,
            inside_l = tr("Inside now"),
            inside = st.inside,
        ));
        let type_rows: Vec<(String, i64, String)> = st
            .by_ticket_type
            .iter()
            .map(|t| (t.name.clone(), t.checked_in, format!("{} / {}", t.checked_in, t.tickets)))
            .collect();
        if !type_rows.is_empty() {
            body.push_str(&bar_chart_horizontal(&format!("{} · {}", l.name, tr("Ticket types")), &type_rows));
        }
        body.push_str(&format!(
            "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th></tr></thead><tbody>",
            tr("Gate"),
            tr("Admitted")
        ));
        for g in &st.by_gate {
            body.push_str(&format!("<tr><td>{}</td><td class=\"num\">{}</td></tr>", esc(&g.name), g.admitted));
        }
        body.push_str("</tbody></table></div>");
        if !st.scans.is_empty() {
            body.push_str(&format!("<h3>{}</h3><ul>", tr("Scans by result")));
            for (result, n) in &st.scans {
                body.push_str(&format!("<li>{}: {n}</li>", esc(result)));
            }
            body.push_str("</ul>");
        }
    }
    page_with(
        StatusCode::OK,
        &format!("{} · {}", tr("Check-in"), v.event.title),
        &body,
        Extras { wide: true, ..Default::default() },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn venue_times_round_trip_through_the_form() {
        let t = parse_local("2026-12-08T20:00", "Europe/Berlin").unwrap();
        assert_eq!(t.to_string(), "2026-12-08T19:00:00Z");
        assert_eq!(local_text(t, "Europe/Berlin"), "2026-12-08T20:00");
        assert!(parse_local("tomorrow", "Europe/Berlin").is_none());
    }
}
