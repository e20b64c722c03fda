//! The scanner for gate staff, made for a phone: `/scan` chooses the
//! organization's check-in list and gate, `/scan/{org}/{list}?gate=` is the
//! scanner itself. The server renders everything a browser without scripts
//! needs (a code typed or pasted into the form is checked by the same
//! `App::scan` as the API); `scanner.js` adds the camera, the verdict
//! without a page load, and offline scanning: codes verified in the browser
//! (`ticket-verify.js`) against the keys and revocation list of the sync
//! endpoint, scans queued in IndexedDB and uploaded when back online.
//! The app layer decides who may scan where.

use super::shell::{Shell, Text, render as render_page, t, t_args};
use super::{Extras, csrf_ok, csrf_token, error_page, form, form_expired_page, not_found_page, signed_in, when};
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

/// The choice of check-in lists: one section per organization.
#[derive(askama::Template)]
#[template(path = "scanner/choose.html")]
struct Choose {
    shell: Shell,
    /// Whether to say what to do (not on a single list's gate choice).
    show_intro: bool,
    orgs: Vec<OrgPoints>,
}

/// An organization's check-in lists, or why it has none to show.
struct OrgPoints {
    id: String,
    /// Empty for a single list's gate choice (no heading).
    name: String,
    note: Option<String>,
    points: Vec<PointCard>,
    /// The Redeem mode, for members who may take gift cards.
    redeem: Option<String>,
}

/// One check-in list: its event, when, and a link per gate.
struct PointCard {
    title: String,
    when: String,
    list: String,
    /// (href, gate name); no name for a list without gates.
    gates: Vec<(String, Option<String>)>,
}

fn point_card(org: OrgId, p: &ScanPoint) -> PointCard {
    let gates = if p.list.gates.is_empty() {
        vec![(scanner_url(org, p.list.id, None), None)]
    } else {
        p.list.gates.iter().map(|g| (scanner_url(org, p.list.id, Some(g.id)), Some(g.name.clone()))).collect()
    };
    PointCard { title: p.event_title.clone(), when: when(p.starts_at, &p.timezone), list: p.list.name.clone(), gates }
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
    let mut sections = Vec::new();
    for o in &orgs {
        let redeem =
            o.role.grants(tessera_domain::Permission::ManageOrders).then(|| format!("/scan/{}/redeem", o.org.id));
        let mut section =
            OrgPoints { id: o.org.id.to_string(), name: o.org.name.clone(), note: None, points: Vec::new(), redeem };
        match s.app.scan_points(&actor, o.org.id).await {
            Ok(points) if points.is_empty() => section.note = Some(t("scanner-no-lists")),
            Ok(points) => section.points = points.iter().map(|p| point_card(o.org.id, p)).collect(),
            Err(AppError::Forbidden(_)) => section.note = Some(t("scanner-role-cannot-scan")),
            Err(AppError::TwoFactorRequired) => {
                section.note = Some(crate::error::ApiError::from(AppError::TwoFactorRequired).message)
            }
            Err(e) => return error_page(e),
        }
        sections.push(section);
    }
    let page =
        Choose { shell: Shell::new(t("scanner-choose-title"), &Extras::default()), show_intro: true, orgs: sections };
    render_page(StatusCode::OK, &page, &[])
}

fn ids(org: &str, list: &str) -> Option<(OrgId, CheckinListId)> {
    Some((org.parse().ok()?, list.parse().ok()?))
}

/// The page for a member whose role does not include check-in.
#[derive(askama::Template)]
#[template(path = "scanner/not_allowed.html")]
struct NotAllowed {
    shell: Shell,
}

fn not_allowed() -> Response {
    let page = NotAllowed { shell: Shell::new(t("scanner-not-allowed-title"), &Extras::default()) };
    render_page(StatusCode::FORBIDDEN, &page, &[])
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
    let only = OrgPoints {
        id: org.to_string(),
        name: String::new(),
        note: None,
        points: vec![point_card(org, p)],
        redeem: None,
    };
    let page =
        Choose { shell: Shell::new(t("scanner-choose-gate"), &Extras::default()), show_intro: false, orgs: vec![only] };
    render_page(StatusCode::OK, &page, &[])
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
        (StatusCode::UNPROCESSABLE_ENTITY, Outcome::Refused(t("scanner-empty-code")))
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
                Outcome::Refused(v.fields.iter().map(crate::error::field_message).collect::<Vec<_>>().join("; ")),
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
fn result_text(result: ScanResult, direction: Direction) -> String {
    t(result_id(result, direction))
}

fn result_id(result: ScanResult, direction: Direction) -> &'static str {
    match (result, direction) {
        (ScanResult::Valid, Direction::Entry) => "scanner-result-valid",
        (ScanResult::Valid, Direction::Exit) => "scanner-result-exit",
        (ScanResult::AlreadyUsed, _) => "scanner-result-already-used",
        (ScanResult::NotInside, _) => "scanner-result-not-inside",
        (ScanResult::Revoked, _) => "scanner-result-revoked",
        (ScanResult::WrongEvent, _) => "scanner-result-wrong-event",
        (ScanResult::NotOnList, _) => "scanner-result-not-on-list",
        (ScanResult::NotYetValid, _) => "scanner-result-not-yet-valid",
        (ScanResult::Expired, _) => "scanner-result-expired",
        (ScanResult::InvalidSignature, _) => "scanner-result-invalid-signature",
        (ScanResult::Malformed, _) => "scanner-result-malformed",
        (ScanResult::Unknown, _) => "scanner-result-unknown",
    }
}

/// A message whose arguments the script fills: each argument stays a
/// `{name}` placeholder (text arguments, so plurals take their general form).
fn with_slots(id: &str, names: &[&str]) -> String {
    let args: Vec<(&str, tessera_i18n::FluentValue<'_>)> =
        names.iter().map(|n| (*n, tessera_i18n::FluentValue::from(format!("{{{n}}}")))).collect();
    t_args(id, &args)
}

/// Every string the script shows, by the server's result names and a few
/// of its own, in the page's language, as JSON for the page's
/// `data-strings` attribute (escaped there by the template).
fn script_strings() -> String {
    let results: serde_json::Map<String, serde_json::Value> =
        ScanResult::ALL.iter().map(|r| (r.as_str().to_string(), result_text(*r, Direction::Entry).into())).collect();
    serde_json::json!({
        "results": results,
        "exitRecorded": t("scanner-result-exit"),
        "ready": t("scanner-ready"),
        "online": t("scanner-online"),
        "offline": t("scanner-offline"),
        "waiting": with_slots("scanner-waiting", &["n"]),
        "firstAdmitted": with_slots("scanner-first-admitted", &["time"]),
        "gate": t("scanner-gate"),
        "seat": t("scanner-seat"),
        "checkedOffline": t("scanner-checked-offline"),
        "statsLine": with_slots("scanner-stats", &["checked", "total"]),
        "startCamera": t("scanner-start-camera"),
        "stopCamera": t("scanner-stop-camera"),
        "cameraFailed": t("scanner-camera-failed"),
        "cameraHelp": t("scanner-camera-help"),
        "needsHttps": t("scanner-needs-https"),
        "noQrInPhoto": t("scanner-no-qr"),
        "emptyCode": t("scanner-empty-code"),
        "noKeys": t("scanner-no-keys"),
        "keysUpdated": with_slots("scanner-keys-updated", &["time"]),
        "keysMissing": t("scanner-keys-missing"),
        "signedOut": t("scanner-signed-out"),
        "signIn": t("shell-sign-in"),
        "failed": t("scanner-failed"),
        "setAside": with_slots("scanner-set-aside", &["n"]),
    })
    .to_string()
}

/// The verdict panel: a heading and what the answer says of the ticket.
struct Verdict {
    class: &'static str,
    head: String,
    name: Option<String>,
    details: String,
    first: String,
}

fn verdict(outcome: &Outcome, point: &ScanPoint) -> Verdict {
    let Outcome::Answer(a) = outcome else {
        return Verdict {
            class: "verdict idle",
            head: t("scanner-ready"),
            name: None,
            details: String::new(),
            first: String::new(),
        };
    };
    let class = match a.result {
        ScanResult::Valid => "verdict ok",
        ScanResult::AlreadyUsed => "verdict warn",
        _ => "verdict bad",
    };
    let mut v = Verdict {
        class,
        head: result_text(a.result, a.direction),
        name: None,
        details: String::new(),
        first: String::new(),
    };
    if let Some(ticket) = &a.ticket {
        v.name = Some(ticket.holder_name.clone());
        v.details = match &ticket.seat {
            Some(seat) => format!("{} · {} {seat}", ticket.ticket_type, t("scanner-seat")),
            None => ticket.ticket_type.clone(),
        };
    }
    if let Some(f) = &a.first_scan {
        let at = when(f.at, &point.timezone);
        v.first = t_args("scanner-first-admitted", &[("time", at.into())]);
        if let Some(g) = &f.gate {
            v.first = format!("{} · {} {g}", v.first, t("scanner-gate"));
        }
    }
    v
}

/// The scanner page.
#[derive(askama::Template)]
#[template(path = "scanner/scanner.html")]
struct ScannerPage {
    shell: Shell,
    place: String,
    api: String,
    list_id: String,
    event_id: String,
    gate: String,
    policy: String,
    per_day: String,
    timezone: String,
    verify_js: String,
    qr_js: String,
    strings: String,
    verdict: Verdict,
    action: String,
    csrf: String,
    errors: Vec<(String, String)>,
    reentry: bool,
    exit: bool,
    stats: String,
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
        Some(g) => format!("{} · {}", list.name, t_args("scanner-gate-name", &[("gate", g.into())])),
        None => list.name.clone(),
    };
    let errors = match &outcome {
        Outcome::Refused(m) => vec![("code".to_string(), m.clone())],
        _ => vec![],
    };
    let stats = match stats {
        Some(s) => t_args("scanner-stats", &[("checked", s.checked_in.into()), ("total", s.tickets.into())]),
        None => String::new(),
    };
    let page = ScannerPage {
        shell: Shell::new(
            point.event_title.clone(),
            &Extras { cookies: Vec::new(), scripts: &["scanner.js"], wide: false },
        ),
        place,
        api: format!("/api/v1/orgs/{org}/checkin-lists/{}", list.id),
        list_id: list.id.to_string(),
        event_id: list.event_id.to_string(),
        gate: gate.map(|g| g.to_string()).unwrap_or_default(),
        policy: list.entry_policy.clone(),
        per_day: list.max_entries_per_day.map(|n| n.to_string()).unwrap_or_default(),
        timezone: point.timezone.clone(),
        verify_js: super::assets::url("ticket-verify.js"),
        qr_js: super::assets::url("qr-decode.js"),
        strings: script_strings(),
        verdict: verdict(&outcome, point),
        action: scanner_url(org, list.id, None),
        csrf: csrf.to_string(),
        errors,
        // Exits only matter where a ticket may come back in.
        reentry: list.entry_policy == "reentry",
        exit: direction == Direction::Exit,
        stats,
    };
    let cookies: Vec<String> = set_cookie.into_iter().collect();
    render_page(StatusCode::OK, &page, &cookies)
}

#[cfg(test)]
mod tests {
    /// Every `scanner-…` id this module names exists in the catalogs.
    #[test]
    fn every_id_used_exists() {
        let source = include_str!("scanner.rs");
        for id in source.split('"').skip(1).step_by(2).filter(|s| s.starts_with("scanner-") && !s.contains(' ')) {
            assert!(tessera_i18n::exists(id), "{id}");
        }
    }
}
