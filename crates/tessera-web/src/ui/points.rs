//! The buyer's points in their account: per organization, the balance, the
//! rule (what points are worth) and every movement with the expiry of each
//! lot of points.

use super::shell::{Shell, Text, render, t, t_args};
use super::{Extras, error_page, signed_in, when};
use crate::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;

pub fn router() -> Router<AppState> {
    Router::new().route("/account/points", get(points_page))
}

struct EntryRow {
    at: String,
    kind: String,
    points: i64,
    balance_after: i64,
    /// For points added: "1,600 of them until …", or nothing.
    expiry: String,
}

struct OrgPoints {
    name: String,
    balance: String,
    rate: String,
    entries: Vec<EntryRow>,
}

#[derive(askama::Template)]
#[template(path = "account/points.html")]
struct PointsPage {
    shell: Shell,
    orgs: Vec<OrgPoints>,
}

fn kind_label(kind: &str) -> String {
    match kind {
        "earn" => t("loyalty-kind-earn"),
        "redeem" => t("loyalty-kind-redeem"),
        "expire" => t("loyalty-kind-expire"),
        "reverse" => t("loyalty-kind-reverse"),
        "return" => t("loyalty-kind-return"),
        _ => t("loyalty-kind-adjust"),
    }
}

async fn points_page(State(s): State<AppState>) -> Response {
    let (_, actor) = match signed_in("/account/points") {
        Ok(found) => found,
        Err(page) => return page,
    };
    let balances = match s.app.my_point_balances(&actor).await {
        Ok(b) => b,
        Err(e) => return error_page(e),
    };
    let mut orgs = vec![];
    for b in balances {
        let mine = match s.app.my_points(&actor, b.org_id).await {
            Ok(p) => p,
            Err(e) => return error_page(e),
        };
        let entries = mine
            .entries
            .iter()
            .map(|e| EntryRow {
                at: when(e.at, "UTC"),
                kind: kind_label(&e.kind),
                points: e.points,
                balance_after: e.balance_after,
                expiry: match (e.points > 0, e.expires_at) {
                    (true, Some(at)) if e.remaining > 0 => t_args(
                        "loyalty-expires-left",
                        &[("points", e.remaining.into()), ("date", when(at, "UTC").into())],
                    ),
                    (true, None) if e.remaining > 0 => t("loyalty-never-expires"),
                    _ => String::new(),
                },
            })
            .collect();
        orgs.push(OrgPoints {
            name: b.org_name,
            balance: t_args("loyalty-points-count", &[("points", mine.balance.into())]),
            rate: t_args(
                "loyalty-rate-minor",
                &[("points", mine.rule.redeem_points.into()), ("value", mine.rule.redeem_value_minor.into())],
            ),
            entries,
        });
    }
    let page = PointsPage { shell: Shell::new(t("loyalty-my-points"), &Extras::default()), orgs };
    render(StatusCode::OK, &page, &[])
}
