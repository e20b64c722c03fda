//! The scanner for gate staff, made for a phone: `/scan` chooses the
//! organization's check-in list and gate, `/scan/{org}/{list}?gate=` is the
//! scanner itself. The server renders everything a browser without scripts
//! needs (a code typed or pasted into the form is checked by the same
//! `App::scan` as the API); `scanner.js` adds the camera, the verdict
//! without a page load, and offline scanning: codes verified in the browser
//! (`ticket-verify.js`) against the keys and revocation list of the sync
//! endpoint, scans queued in IndexedDB and uploaded when back online.
//! The app layer decides who may scan where.

use super::{
    Catalog, Extras, csrf_field, csrf_ok, csrf_token, error_page, esc, field_errors, form, form_expired_page,
    not_found_page, page_with, signed_in, tr, when,
};
use crate::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::collections::HashMap;
use tessera_app::checkin::{CheckinStats, ScanAnswer, ScanPoint, ScanRequest};
use tessera_app::{Actor, AppError};
use tessera_domain::checkin::{Direction, ScanResult};
use tessera_domain::{CheckinListId, GateId, OrgId};

pub(super) const ZH: Catalog = &[
    ("Where are you scanning?", "您在哪里检票？"),
    ("Choose the event's entrance and your gate.", "请选择活动的入口和您所在的闸口。"),
    ("You are not on the team of any organization yet.", "您尚未加入任何组织的团队。"),
    (
        "Ask the organizer to add you to their team with the scanner role, then reload this page.",
        "请让主办方将您以检票员角色加入团队，然后刷新此页面。",
    ),
    ("No upcoming event has a check-in list.", "没有即将举行的活动设有检票名单。"),
    ("Your role here does not include scanning tickets.", "您在此组织中的角色不包括检票。"),
    ("Scan at", "检票口"),
    ("Any gate", "任意闸口"),
    ("Open the scanner", "打开检票器"),
    ("Change list or gate", "更换名单或闸口"),
    ("Choose your gate", "请选择闸口"),
    ("Gate", "闸口"),
    ("You may not scan here", "您无权在此检票"),
    (
        "Your role in this organization does not include checking tickets in. Ask its owner or an admin.",
        "您在此组织中的角色不包括检票。请联系组织的所有者或管理员。",
    ),
    ("Ticket code", "票码"),
    (
        "Scan the QR code with the camera, or type or paste the code (it starts with TK1-).",
        "用摄像头扫描二维码，或输入、粘贴票码（以 TK1- 开头）。",
    ),
    ("Check", "验票"),
    ("Entry", "入场"),
    ("Exit", "离场"),
    ("Direction", "方向"),
    ("Enter or scan a ticket code.", "请输入或扫描票码。"),
    ("Ready to scan", "可以检票"),
    ("Checked in:", "已入场："),
    ("{checked} of {total} tickets", "{checked} / {total} 张票"),
    ("Start the camera", "打开摄像头"),
    ("Stop the camera", "关闭摄像头"),
    ("Take a photo of the code", "拍摄二维码"),
    ("Camera", "摄像头"),
    ("Online", "在线"),
    ("Offline", "离线"),
    ("Waiting to upload: {n}", "待上传：{n}"),
    ("Admitted", "允许入场"),
    ("Exit recorded", "已记录离场"),
    ("Already used", "已使用"),
    ("Not checked in: cannot exit", "未入场，无法离场"),
    ("Ticket revoked (voided, refunded or re-issued)", "门票已作废（作废、退款或已重新出票）"),
    ("Ticket for another event", "其他活动的门票"),
    ("This entrance does not admit this ticket type", "此入口不接受该票种"),
    ("Not valid yet", "尚未生效"),
    ("Ticket expired", "门票已过期"),
    ("Forged or damaged code", "伪造或损坏的票码"),
    ("Not a ticket code", "不是门票票码"),
    ("Unknown ticket", "未知门票"),
    ("First admitted {time}", "首次入场：{time}"),
    ("Seat", "座位"),
    ("checked offline", "离线验票"),
    ("Keys last updated: {time}", "密钥更新于：{time}"),
    ("Keys not downloaded yet: connect once to scan offline.", "密钥尚未下载：请先联网一次以便离线检票。"),
    (
        "This device cannot check codes offline yet: it has not downloaded the keys. Connect to the network once.",
        "此设备尚未下载密钥，无法离线验票。请先连接一次网络。",
    ),
    ("The camera could not start", "无法打开摄像头"),
    (
        "Allow the camera for this site, or take a photo of the code or type it.",
        "请允许此网站使用摄像头，或拍摄二维码、输入票码。",
    ),
    (
        "The live camera needs a secure (https) connection; take a photo of the code instead.",
        "实时摄像头需要安全（https）连接；请改为拍摄二维码。",
    ),
    ("No QR code found in the photo. Try again closer and steadier.", "照片中未找到二维码。请靠近并保持稳定后重试。"),
    ("The scan could not be checked. Please try again.", "无法验证此次扫描，请重试。"),
    ("{n} scans could not be uploaded and were set aside", "{n} 次扫描无法上传，已另行保存"),
    (
        "The scanner works best with scripts on: camera, offline checks.",
        "启用脚本后检票器功能更完整：摄像头、离线验票。",
    ),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/scan", get(choose))
        .route("/scan/sw.js", get(service_worker))
        .route("/scan/{org}/{list}", get(scanner_page).post(scan_form))
}

/// The scanner's service worker, at a path whose scope covers the scanner
/// pages (a worker under /assets/ could only control /assets/).
async fn service_worker() -> Response {
    let body: &'static [u8] = include_bytes!("../../assets/scanner-sw.js");
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // A worker's own policy governs its fetches: this one only reaches this server.
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; connect-src 'self'"));
    res
}

/// `/scan/{org}/{list}`, with the gate when one is chosen.
fn scanner_url(org: OrgId, list: CheckinListId, gate: Option<GateId>) -> String {
    match gate {
        Some(g) => format!("/scan/{org}/{list}?gate={g}"),
        None => format!("/scan/{org}/{list}"),
    }
}

/// Where the signed-in member can scan: their organizations' check-in lists.
async fn choose(State(s): State<AppState>) -> Response {
    let (_, actor) = match signed_in("/scan") {
        Ok(v) => v,
        Err(to_sign_in) => return to_sign_in,
    };
    let orgs = match s.app.my_orgs(&actor).await {
        Ok(o) => o,
        Err(e) => return error_page(e),
    };
    let mut body = String::new();
    if orgs.is_empty() {
        body.push_str(&format!(
            "<p>{}</p><p>{}</p>",
            tr("You are not on the team of any organization yet."),
            tr("Ask the organizer to add you to their team with the scanner role, then reload this page.")
        ));
    } else {
        body.push_str(&format!("<p>{}</p>", tr("Choose the event's entrance and your gate.")));
    }
    for o in &orgs {
        body.push_str(&format!(
            "<section aria-labelledby=\"org-{id}\"><h2 id=\"org-{id}\">{name}</h2>",
            id = o.org.id,
            name = esc(&o.org.name)
        ));
        match s.app.scan_points(&actor, o.org.id).await {
            Ok(points) if points.is_empty() => {
                body.push_str(&format!("<p class=\"muted\">{}</p>", tr("No upcoming event has a check-in list.")))
            }
            Ok(points) => {
                body.push_str("<ul class=\"cards scan-points\">");
                for p in &points {
                    body.push_str(&point_card(o.org.id, p));
                }
                body.push_str("</ul>");
            }
            Err(AppError::Forbidden(_)) => body.push_str(&format!(
                "<p class=\"muted\">{}</p>",
                tr("Your role here does not include scanning tickets.")
            )),
            Err(AppError::TwoFactorRequired) => {
                let e = crate::error::ApiError::from(AppError::TwoFactorRequired);
                body.push_str(&format!("<p class=\"muted\">{}</p>", esc(&e.message)));
            }
            Err(e) => return error_page(e),
        }
        body.push_str("</section>");
    }
    page_with(StatusCode::OK, tr("Where are you scanning?"), &body, Extras::default())
}

/// One check-in list: its event, when, and a link per gate.
fn point_card(org: OrgId, p: &ScanPoint) -> String {
    let links: String = if p.list.gates.is_empty() {
        format!("<a class=\"button\" href=\"{}\">{}</a>", scanner_url(org, p.list.id, None), tr("Open the scanner"))
    } else {
        p.list
            .gates
            .iter()
            .map(|g| {
                format!(
                    "<a class=\"button\" href=\"{}\"><span class=\"visually-hidden\">{} </span>{}</a>",
                    scanner_url(org, p.list.id, Some(g.id)),
                    tr("Gate"),
                    esc(&g.name)
                )
            })
            .collect()
    };
    format!(
        "<li><h3>{title}</h3><p class=\"muted\">{when}<br>{list}</p><p class=\"muted\">{scan_at}</p><p class=\"gates\">{links}</p></li>",
        title = esc(&p.event_title),
        when = esc(&when(p.starts_at, &p.timezone)),
        list = esc(&p.list.name),
        scan_at = tr("Scan at"),
    )
}

fn ids(org: &str, list: &str) -> Option<(OrgId, CheckinListId)> {
    Some((org.parse().ok()?, list.parse().ok()?))
}

/// The page for a member whose role does not include check-in.
fn not_allowed() -> Response {
    page_with(
        StatusCode::FORBIDDEN,
        tr("You may not scan here"),
        &format!(
            "<p>{}</p><p><a href=\"/scan\">{}</a></p>",
            tr("Your role in this organization does not include checking tickets in. Ask its owner or an admin."),
            tr("Change list or gate")
        ),
        Extras::default(),
    )
}

/// The list and the chosen gate, or the page to show instead.
async fn open(
    s: &AppState,
    actor: &Actor,
    org: OrgId,
    list: CheckinListId,
    gate: Option<&str>,
) -> Result<(ScanPoint, Option<GateId>), Response> {
    let point = match s.app.scan_point(actor, org, list).await {
        Ok(p) => p,
        Err(AppError::Forbidden(_)) => return Err(not_allowed()),
        Err(e) => return Err(error_page(e)),
    };
    let gate = match gate.filter(|g| !g.is_empty()) {
        None => None,
        Some(g) => match g.parse::<GateId>() {
            Ok(id) if point.list.gates.iter().any(|x| x.id == id) => Some(id),
            _ => return Err(not_found_page()),
        },
    };
    Ok((point, gate))
}

async fn scanner_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, list)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some((org, list)) = ids(&org, &list) else { return not_found_page() };
    let here = scanner_url(org, list, q.get("gate").and_then(|g| g.parse().ok()));
    let (_, actor) = match signed_in(&here) {
        Ok(v) => v,
        Err(to_sign_in) => return to_sign_in,
    };
    let (point, gate) = match open(&s, &actor, org, list, q.get("gate").map(String::as_str)).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    if gate.is_none() && !point.list.gates.is_empty() {
        return gate_chooser(org, &point);
    }
    let stats = s.app.checkin_stats(&actor, org, list).await.ok();
    let (csrf, set) = csrf_token(&headers);
    render(&point, org, gate, &csrf, set, Outcome::None, stats.as_ref(), Direction::Entry)
}

/// A list with gates, opened without one: choose.
fn gate_chooser(org: OrgId, p: &ScanPoint) -> Response {
    let body = format!("<ul class=\"cards scan-points\">{}</ul>", point_card(org, p));
    page_with(StatusCode::OK, tr("Choose your gate"), &body, Extras::default())
}

/// What the last form post did.
enum Outcome {
    None,
    Answer(Box<ScanAnswer>),
    /// The form was refused; the message goes next to the field.
    Refused(String),
}

/// The scanner without scripts: the typed code is checked by the server.
async fn scan_form(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, list)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let Some((org, list)) = ids(&org, &list) else { return not_found_page() };
    let values = form(&body);
    let gate_param = values.get("gate").cloned().unwrap_or_default();
    let back = scanner_url(org, list, gate_param.parse().ok());
    if !csrf_ok(&headers, &values) {
        return form_expired_page(&back);
    }
    let (_, actor) = match signed_in(&back) {
        Ok(v) => v,
        Err(to_sign_in) => return to_sign_in,
    };
    let (point, gate) = match open(&s, &actor, org, list, Some(&gate_param)).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    let direction = match values.get("direction").map(String::as_str) {
        Some("exit") => Direction::Exit,
        _ => Direction::Entry,
    };
    let code = values.get("code").map(|c| c.trim().to_string()).unwrap_or_default();
    let (status, outcome) = if code.is_empty() {
        (StatusCode::UNPROCESSABLE_ENTITY, Outcome::Refused(tr("Enter or scan a ticket code.").into()))
    } else {
        let input = ScanRequest {
            code,
            nonce: format!("form-{}", uuid::Uuid::now_v7().simple()),
            gate_id: gate,
            direction,
            device: None,
        };
        match s.app.scan(&actor, org, list, input).await {
            Ok(answer) => (StatusCode::OK, Outcome::Answer(Box::new(answer))),
            Err(AppError::Invalid(v)) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                Outcome::Refused(v.fields.into_iter().map(|f| f.message).collect::<Vec<_>>().join("; ")),
            ),
            Err(e) => return error_page(e),
        }
    };
    let stats = s.app.checkin_stats(&actor, org, list).await.ok();
    let (csrf, set) = csrf_token(&headers);
    let mut res = render(&point, org, gate, &csrf, set, outcome, stats.as_ref(), direction);
    *res.status_mut() = status;
    res
}

/// The heading of a verdict, in the page's language.
fn result_text(result: ScanResult, direction: Direction) -> &'static str {
    match (result, direction) {
        (ScanResult::Valid, Direction::Entry) => tr("Admitted"),
        (ScanResult::Valid, Direction::Exit) => tr("Exit recorded"),
        (ScanResult::AlreadyUsed, _) => tr("Already used"),
        (ScanResult::NotInside, _) => tr("Not checked in: cannot exit"),
        (ScanResult::Revoked, _) => tr("Ticket revoked (voided, refunded or re-issued)"),
        (ScanResult::WrongEvent, _) => tr("Ticket for another event"),
        (ScanResult::NotOnList, _) => tr("This entrance does not admit this ticket type"),
        (ScanResult::NotYetValid, _) => tr("Not valid yet"),
        (ScanResult::Expired, _) => tr("Ticket expired"),
        (ScanResult::InvalidSignature, _) => tr("Forged or damaged code"),
        (ScanResult::Malformed, _) => tr("Not a ticket code"),
        (ScanResult::Unknown, _) => tr("Unknown ticket"),
    }
}

/// Every string the script shows, by the server's result names and a few
/// of its own, in the page's language.
fn script_strings() -> String {
    let results: serde_json::Map<String, serde_json::Value> =
        ScanResult::ALL.iter().map(|r| (r.as_str().to_string(), result_text(*r, Direction::Entry).into())).collect();
    let strings = serde_json::json!({
        "results": results,
        "exitRecorded": tr("Exit recorded"),
        "ready": tr("Ready to scan"),
        "online": tr("Online"),
        "offline": tr("Offline"),
        "waiting": tr("Waiting to upload: {n}"),
        "firstAdmitted": tr("First admitted {time}"),
        "gate": tr("Gate"),
        "seat": tr("Seat"),
        "checkedOffline": tr("checked offline"),
        "statsLine": tr("{checked} of {total} tickets"),
        "startCamera": tr("Start the camera"),
        "stopCamera": tr("Stop the camera"),
        "cameraFailed": tr("The camera could not start"),
        "cameraHelp": tr("Allow the camera for this site, or take a photo of the code or type it."),
        "needsHttps": tr("The live camera needs a secure (https) connection; take a photo of the code instead."),
        "noQrInPhoto": tr("No QR code found in the photo. Try again closer and steadier."),
        "emptyCode": tr("Enter or scan a ticket code."),
        "noKeys": tr("This device cannot check codes offline yet: it has not downloaded the keys. Connect to the network once."),
        "keysUpdated": tr("Keys last updated: {time}"),
        "keysMissing": tr("Keys not downloaded yet: connect once to scan offline."),
        "signedOut": tr("Your session has ended. Please sign in again."),
        "signIn": tr("Sign in"),
        "failed": tr("The scan could not be checked. Please try again."),
        "setAside": tr("{n} scans could not be uploaded and were set aside"),
    });
    // Inside <script>, "</" would end the element: JSON allows "\u003c" instead.
    strings.to_string().replace('<', "\\u003c")
}

fn verdict_html(outcome: &Outcome, point: &ScanPoint) -> String {
    let Outcome::Answer(a) = outcome else {
        return format!("<p class=\"verdict-head\">{}</p>", tr("Ready to scan"));
    };
    let mut out = format!("<p class=\"verdict-head\">{}</p>", esc(result_text(a.result, a.direction)));
    if let Some(t) = &a.ticket {
        out.push_str(&format!("<p class=\"verdict-name\">{}</p><p>{}", esc(&t.holder_name), esc(&t.ticket_type)));
        if let Some(seat) = &t.seat {
            out.push_str(&format!(" · {} {}", tr("Seat"), esc(seat)));
        }
        out.push_str("</p>");
    }
    if let Some(f) = &a.first_scan {
        out.push_str(&format!(
            "<p>{}",
            esc(&tr("First admitted {time}").replace("{time}", &when(f.at, &point.timezone)))
        ));
        if let Some(g) = &f.gate {
            out.push_str(&format!(" · {} {}", tr("Gate"), esc(g)));
        }
        out.push_str("</p>");
    }
    out
}

fn verdict_class(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Answer(a) if a.result == ScanResult::Valid => "verdict ok",
        Outcome::Answer(a) if a.result == ScanResult::AlreadyUsed => "verdict warn",
        Outcome::Answer(_) => "verdict bad",
        _ => "verdict idle",
    }
}

#[allow(clippy::too_many_arguments)]
fn render(
    point: &ScanPoint,
    org: OrgId,
    gate: Option<GateId>,
    csrf: &str,
    set_cookie: Option<String>,
    outcome: Outcome,
    stats: Option<&CheckinStats>,
    direction: Direction,
) -> Response {
    let list = &point.list;
    let gate_name = gate.and_then(|g| list.gates.iter().find(|x| x.id == g)).map(|g| g.name.as_str());
    let place = match gate_name {
        Some(g) => format!("{} · {} {}", esc(&list.name), tr("Gate"), esc(g)),
        None => esc(&list.name),
    };
    let refused = match &outcome {
        Outcome::Refused(m) => vec![("code".to_string(), m.clone())],
        _ => vec![],
    };
    let errors = field_errors(&refused, "code");
    let invalid = if errors.is_empty() {
        "aria-describedby=\"code-help\""
    } else {
        "aria-invalid=\"true\" aria-describedby=\"code-error code-help\""
    };
    // Exits only matter where a ticket may come back in.
    let directions = if list.entry_policy == "reentry" {
        let checked = |d: Direction| if d == direction { " checked" } else { "" };
        format!(
            "<fieldset class=\"direction\"><legend>{legend}</legend>\
             <label><input type=\"radio\" name=\"direction\" value=\"entry\"{e}> {entry}</label> \
             <label><input type=\"radio\" name=\"direction\" value=\"exit\"{x}> {exit}</label></fieldset>",
            legend = tr("Direction"),
            entry = tr("Entry"),
            exit = tr("Exit"),
            e = checked(Direction::Entry),
            x = checked(Direction::Exit),
        )
    } else {
        String::new()
    };
    let stats_html = match stats {
        Some(s) => tr("{checked} of {total} tickets")
            .replace("{checked}", &s.checked_in.to_string())
            .replace("{total}", &s.tickets.to_string()),
        None => String::new(),
    };
    let api = format!("/api/v1/orgs/{org}/checkin-lists/{}", list.id);
    let body = format!(
        "<p class=\"scan-place\">{place} · <a href=\"/scan\">{change}</a></p>\
         <section id=\"scanner\" class=\"scanner\" aria-label=\"{scanner}\" data-api=\"{api}\" data-list=\"{list_id}\" \
           data-event=\"{event}\" data-gate=\"{gate}\" data-policy=\"{policy}\" data-per-day=\"{per_day}\" \
           data-timezone=\"{tz}\" data-verify=\"{verify}\" data-qr=\"{qr}\" data-sw=\"/scan/sw.js\">\
         <div class=\"scan-status\" hidden><span id=\"net\" class=\"net\" role=\"status\" aria-live=\"polite\"></span> \
           <span id=\"queue\" class=\"queue\" role=\"status\" aria-live=\"polite\"></span></div>\
         <div id=\"verdict\" class=\"{verdict_class}\" aria-live=\"assertive\" aria-atomic=\"true\">{verdict}</div>\
         <div class=\"camera\" id=\"camera\" hidden><video id=\"video\" playsinline muted aria-label=\"{camera}\"></video></div>\
         <p class=\"camera-controls\" hidden><button type=\"button\" id=\"camera-toggle\" class=\"secondary\">{start}</button>\
           <button type=\"button\" id=\"photo-button\" class=\"secondary\" hidden>{photo}</button>\
           <input type=\"file\" id=\"photo\" accept=\"image/*\" capture=\"environment\" hidden></p>\
         <p id=\"camera-note\" class=\"muted\" hidden></p>\
         <form id=\"manual\" method=\"post\" action=\"{action}\" novalidate>{csrf}\
           <input type=\"hidden\" name=\"gate\" value=\"{gate}\">\
           <p><label for=\"code\">{code_label}</label><br>\
           <input id=\"code\" name=\"code\" type=\"text\" autocomplete=\"off\" autocapitalize=\"characters\" spellcheck=\"false\" \
             maxlength=\"1000\" {invalid}>{errors}</p>\
           <p id=\"code-help\" class=\"muted\">{help}</p>{directions}\
           <p><button type=\"submit\">{check}</button></p></form>\
         <p class=\"scan-stats\">{checked_in} <strong id=\"stats\">{stats_html}</strong></p>\
         <p id=\"keys\" class=\"muted\" hidden></p>\
         </section><noscript><p class=\"muted\">{noscript}</p></noscript>\
         <script type=\"application/json\" id=\"scanner-strings\">{strings}</script>",
        change = tr("Change list or gate"),
        scanner = tr("Scanner"),
        list_id = list.id,
        event = list.event_id,
        gate = gate.map(|g| g.to_string()).unwrap_or_default(),
        policy = esc(&list.entry_policy),
        per_day = list.max_entries_per_day.map(|n| n.to_string()).unwrap_or_default(),
        tz = esc(&point.timezone),
        verify = super::assets::url("ticket-verify.js"),
        qr = super::assets::url("qr-decode.js"),
        verdict_class = verdict_class(&outcome),
        verdict = verdict_html(&outcome, point),
        camera = tr("Camera"),
        start = tr("Start the camera"),
        photo = tr("Take a photo of the code"),
        action = scanner_url(org, list.id, None),
        csrf = csrf_field(csrf),
        code_label = tr("Ticket code"),
        help = tr("Scan the QR code with the camera, or type or paste the code (it starts with TK1-)."),
        check = tr("Check"),
        checked_in = tr("Checked in:"),
        noscript = tr("The scanner works best with scripts on: camera, offline checks."),
        strings = script_strings(),
    );
    page_with(
        StatusCode::OK,
        &point.event_title,
        &body,
        Extras { cookies: set_cookie.into_iter().collect(), scripts: &["scanner.js"], wide: false },
    )
}
