//! Loyalty points: the organization's rule (a plain form) and the usage
//! report (points earned, redeemed, expired, taken and given back by
//! refunds, held now, and the top holders).

use super::*;
use crate::ui::shell::{Filled, OrgTabs, Shell, Text, t};
use tessera_domain::loyalty::LoyaltyRule;

#[derive(askama::Template)]
#[template(path = "settings/loyalty.html")]
struct LoyaltyPage<'a> {
    shell: Shell,
    tabs: OrgTabs,
    csrf: String,
    base: String,
    notice: Option<String>,
    can_edit: bool,
    enabled: bool,
    values: Filled<'a>,
    errors: &'a [(String, String)],
    /// (label, figure) rows of the report.
    figures: Vec<(String, String)>,
    /// (name, e-mail, points) of the top holders.
    top: Vec<(String, String, i64)>,
}

pub(super) async fn loyalty_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let here = format!("/dashboard/orgs/{org}/loyalty");
    let c = match ctx(&s, &headers, &org, &here).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let rule = match s.app.loyalty_rule(&c.actor, c.id()).await {
        Ok(r) => r,
        Err(e) => return error_page(e),
    };
    let notice = (q.get("done").map(String::as_str) == Some("saved")).then(|| t("loyalty-saved"));
    let values = HashMap::from([
        ("earn_per_unit".to_string(), rule.earn_per_unit.to_string()),
        ("redeem_points".to_string(), rule.redeem_points.to_string()),
        ("redeem_value_minor".to_string(), rule.redeem_value_minor.to_string()),
        ("expiry_days".to_string(), rule.expiry_days.to_string()),
    ]);
    view(&s, &c, StatusCode::OK, rule.enabled, &Form { values, errors: vec![] }, notice).await
}

async fn view(s: &AppState, c: &Ctx, status: StatusCode, enabled: bool, f: &Form, notice: Option<String>) -> Response {
    let report = match s.app.loyalty_report(&c.actor, c.id()).await {
        Ok(r) => r,
        Err(e) => return error_page(e),
    };
    let figures = vec![
        (t("loyalty-report-outstanding"), report.outstanding.to_string()),
        (t("loyalty-report-holders"), report.holders.to_string()),
        (t("loyalty-report-earned"), report.earned.to_string()),
        (t("loyalty-report-redeemed"), report.redeemed.to_string()),
        (t("loyalty-report-orders"), report.orders_paid_with_points.to_string()),
        (t("loyalty-report-expired"), report.expired.to_string()),
        (t("loyalty-report-reversed"), report.reversed.to_string()),
        (t("loyalty-report-returned"), report.returned.to_string()),
    ];
    let page = LoyaltyPage {
        shell: Shell::new(t("loyalty-title"), &Extras { cookies: vec![], scripts: &[], wide: true }),
        tabs: OrgTabs::new(c.id(), &c.org.org.name, "loyalty"),
        csrf: c.csrf.clone(),
        base: c.base(),
        notice,
        can_edit: c.org.role.grants(tessera_domain::Permission::ManageOrgSettings),
        enabled,
        values: Filled(&f.values),
        errors: &f.errors,
        figures,
        top: report.top.into_iter().map(|h| (h.name, h.email, h.points)).collect(),
    };
    crate::ui::shell::render(status, &page, &c.cookies)
}

pub(super) async fn save_rule(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let here = format!("/dashboard/orgs/{org}/loyalty");
    let c = match posted(&s, &headers, &org, &here, &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut errors = vec![];
    let enabled = val(&values, "enabled") == "on";
    let earn = whole::<i64>(&values, "earn_per_unit", true, &mut errors);
    let points = whole::<i64>(&values, "redeem_points", true, &mut errors);
    let value = whole::<i64>(&values, "redeem_value_minor", true, &mut errors);
    let days = whole::<i64>(&values, "expiry_days", true, &mut errors);
    if let (Some(earn_per_unit), Some(redeem_points), Some(redeem_value_minor), Some(expiry_days)) =
        (earn, points, value, days)
    {
        let rule = LoyaltyRule { enabled, earn_per_unit, redeem_points, redeem_value_minor, expiry_days };
        match s.app.set_loyalty_rule(&c.actor, c.id(), rule).await {
            Ok(_) => return redirect(&format!("{here}?done=saved"), &[]),
            Err(e) => match form_errors(e) {
                Ok(fields) => errors.extend(fields),
                Err(page) => return page,
            },
        }
    }
    view(&s, &c, StatusCode::UNPROCESSABLE_ENTITY, enabled, &Form::refused(values, errors), None).await
}
