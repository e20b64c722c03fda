//! Memberships: the organization's plans (with how many cards each has),
//! a plan's page to change it, and its member cards: search, issue one to a
//! person, void one.

use super::*;
use crate::ui::shell::{Filled, OrgTabs, Shell, Text, t};
use tessera_app::members::CardCheck;
use tessera_domain::members::{MemberStatus, NewMemberCard, NewMemberPlan};
use tessera_domain::{MemberCardId, MemberPlanId};

struct PlanRow {
    name: String,
    href: String,
    id: String,
    days: i64,
    active: i64,
    total: i64,
}

struct CardRow {
    code: String,
    holder: String,
    email: String,
    plan: String,
    period: String,
    status: (&'static str, String),
    void_action: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "settings/members.html")]
struct MembersPage<'a> {
    shell: Shell,
    tabs: OrgTabs,
    csrf: String,
    base: String,
    notice: Option<String>,
    plans: Vec<PlanRow>,
    cards: Vec<CardRow>,
    q: String,
    can_plan: bool,
    can_issue: bool,
    /// Which form the values and errors belong to: `plan` or `card`.
    form: &'static str,
    values: Filled<'a>,
    errors: &'a [(String, String)],
}

#[derive(askama::Template)]
#[template(path = "settings/member_plan.html")]
struct PlanPage<'a> {
    shell: Shell,
    tabs: OrgTabs,
    csrf: String,
    base: String,
    action: String,
    values: Filled<'a>,
    errors: &'a [(String, String)],
}

pub(crate) fn status_badge(status: MemberStatus) -> (&'static str, String) {
    match status {
        MemberStatus::Valid => ("ok", t("members-status-valid")),
        MemberStatus::NotYetValid => ("info", t("members-status-not-yet-valid")),
        MemberStatus::Expired => ("warn", t("members-status-expired")),
        MemberStatus::Void => ("bad", t("members-status-void")),
    }
}

pub(super) async fn members_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let here = format!("/dashboard/orgs/{org}/memberships");
    let c = match ctx(&s, &headers, &org, &here).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let notice = match q.get("done").map(String::as_str) {
        Some("plan") => Some(t("members-plan-saved")),
        Some("issued") => Some(t("members-card-issued")),
        Some("void") => Some(t("members-card-voided")),
        _ => None,
    };
    let search = q.get("q").map(|v| v.trim().to_string()).unwrap_or_default();
    view(&s, &c, StatusCode::OK, "", &Form::default(), notice, &search).await
}

async fn view(
    s: &AppState,
    c: &Ctx,
    status: StatusCode,
    which: &'static str,
    f: &Form,
    notice: Option<String>,
    search: &str,
) -> Response {
    let plans = match s.app.member_plans(&c.actor, c.id()).await {
        Ok(p) => p,
        Err(e) => return error_page(e),
    };
    let q = Some(search).filter(|q| !q.is_empty());
    let cards: Vec<CardCheck> = match s.app.member_cards(&c.actor, c.id(), None, q, 200).await {
        Ok(cards) => cards,
        Err(e) => return error_page(e),
    };
    let base = c.base();
    let can_issue = c.org.role.grants(tessera_domain::Permission::ManageOrders);
    let page = MembersPage {
        shell: Shell::new(t("members-title"), &Extras { cookies: vec![], scripts: &[], wide: true }),
        tabs: OrgTabs::new(c.id(), &c.org.org.name, "memberships"),
        csrf: c.csrf.clone(),
        base: base.clone(),
        notice,
        plans: plans
            .into_iter()
            .map(|p| PlanRow {
                href: format!("{base}/memberships/plans/{}", p.plan.id),
                id: p.plan.id.to_string(),
                name: p.plan.name,
                days: p.plan.validity_days,
                active: p.active_cards,
                total: p.total_cards,
            })
            .collect(),
        cards: cards
            .into_iter()
            .map(|k| CardRow {
                void_action: (can_issue && k.status != MemberStatus::Void)
                    .then(|| format!("{base}/memberships/cards/{}/void", k.card.id)),
                code: k.card.code,
                holder: k.card.holder_name,
                email: k.card.email,
                plan: k.card.plan_name,
                period: format!("{} – {}", when(k.card.valid_from, "UTC"), when(k.card.valid_until, "UTC")),
                status: status_badge(k.status),
            })
            .collect(),
        q: search.to_string(),
        can_plan: c.org.role.grants(tessera_domain::Permission::ManageCatalog),
        can_issue,
        form: which,
        values: Filled(&f.values),
        errors: &f.errors,
    };
    crate::ui::shell::render(status, &page, &c.cookies)
}

fn plan_input(values: &HashMap<String, String>, errors: &mut Vec<(String, String)>) -> Option<NewMemberPlan> {
    let days = whole::<i64>(values, "validity_days", true, errors)?;
    Some(NewMemberPlan {
        name: val(values, "name").to_string(),
        description: val(values, "description").to_string(),
        validity_days: days,
    })
}

pub(super) async fn create_plan(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let here = format!("/dashboard/orgs/{org}/memberships");
    let c = match posted(&s, &headers, &org, &here, &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut errors = vec![];
    if let Some(input) = plan_input(&values, &mut errors) {
        match s.app.create_member_plan(&c.actor, c.id(), input).await {
            Ok(_) => return redirect(&format!("{here}?done=plan"), &[]),
            Err(e) => match form_errors(e) {
                Ok(fields) => errors.extend(fields),
                Err(page) => return page,
            },
        }
    }
    view(&s, &c, StatusCode::UNPROCESSABLE_ENTITY, "plan", &Form::refused(values, errors), None, "").await
}

pub(super) async fn plan_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, plan)): Path<(String, String)>,
) -> Response {
    let here = format!("/dashboard/orgs/{org}/memberships/plans/{plan}");
    let c = match ctx(&s, &headers, &org, &here).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Ok(id) = plan.parse::<MemberPlanId>() else { return not_found_page() };
    let plans = match s.app.member_plans(&c.actor, c.id()).await {
        Ok(p) => p,
        Err(e) => return error_page(e),
    };
    let Some(p) = plans.into_iter().find(|p| p.plan.id == id) else { return not_found_page() };
    let values = HashMap::from([
        ("name".to_string(), p.plan.name),
        ("description".to_string(), p.plan.description),
        ("validity_days".to_string(), p.plan.validity_days.to_string()),
    ]);
    plan_view(&c, StatusCode::OK, id, &Form { values, errors: vec![] })
}

fn plan_view(c: &Ctx, status: StatusCode, id: MemberPlanId, f: &Form) -> Response {
    let base = c.base();
    let page = PlanPage {
        shell: Shell::new(t("members-plan-edit"), &Extras { cookies: vec![], scripts: &[], wide: false }),
        tabs: OrgTabs::new(c.id(), &c.org.org.name, "memberships"),
        csrf: c.csrf.clone(),
        action: format!("{base}/memberships/plans/{id}"),
        base,
        values: Filled(&f.values),
        errors: &f.errors,
    };
    crate::ui::shell::render(status, &page, &c.cookies)
}

pub(super) async fn update_plan(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, plan)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let here = format!("/dashboard/orgs/{org}/memberships/plans/{plan}");
    let c = match posted(&s, &headers, &org, &here, &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Ok(id) = plan.parse::<MemberPlanId>() else { return not_found_page() };
    let mut errors = vec![];
    if let Some(input) = plan_input(&values, &mut errors) {
        match s.app.update_member_plan(&c.actor, c.id(), id, input).await {
            Ok(_) => return redirect(&format!("/dashboard/orgs/{org}/memberships?done=plan"), &[]),
            Err(e) => match form_errors(e) {
                Ok(fields) => errors.extend(fields),
                Err(page) => return page,
            },
        }
    }
    plan_view(&c, StatusCode::UNPROCESSABLE_ENTITY, id, &Form::refused(values, errors))
}

pub(super) async fn issue_card(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let here = format!("/dashboard/orgs/{org}/memberships");
    let c = match posted(&s, &headers, &org, &here, &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut errors = vec![];
    let plan = val(&values, "plan_id").parse::<MemberPlanId>().ok();
    if plan.is_none() {
        errors.push(("plan_id".to_string(), t("members-error-choose-plan")));
    }
    let from = match val(&values, "valid_from") {
        "" => None,
        day => match jiff::civil::Date::strptime("%Y-%m-%d", day)
            .ok()
            .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
        {
            Some(z) => Some(z.timestamp()),
            None => {
                errors.push(("valid_from".to_string(), t("members-error-date")));
                None
            }
        },
    };
    if let (Some(plan_id), true) = (plan, errors.is_empty()) {
        let input = NewMemberCard {
            plan_id,
            email: val(&values, "email").to_string(),
            holder_name: val(&values, "holder_name").to_string(),
            valid_from: from,
        };
        match s.app.issue_member_card(&c.actor, c.id(), input).await {
            Ok(_) => return redirect(&format!("{here}?done=issued"), &[]),
            Err(e) => match form_errors(e) {
                Ok(fields) => errors.extend(fields),
                Err(page) => return page,
            },
        }
    }
    view(&s, &c, StatusCode::UNPROCESSABLE_ENTITY, "card", &Form::refused(values, errors), None, "").await
}

pub(super) async fn void_card(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, card)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let here = format!("/dashboard/orgs/{org}/memberships");
    let c = match posted(&s, &headers, &org, &here, &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Ok(id) = card.parse::<MemberCardId>() else { return not_found_page() };
    match s.app.void_member_card(&c.actor, c.id(), id).await {
        Ok(_) => redirect(&format!("{here}?done=void"), &[]),
        Err(e) => error_page(e),
    }
}
