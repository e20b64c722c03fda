//! The buyer's member cards in their account: per card the organization's
//! plan, its period, what it says now, and its code as text and as a QR
//! code that the scanner's redeem mode recognises (the "电子会员卡").

use super::shell::{Shell, Text, render, t};
use super::{Extras, error_page, signed_in, when};
use crate::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;

pub fn router() -> Router<AppState> {
    Router::new().route("/account/memberships", get(cards_page))
}

struct CardView {
    plan: String,
    code: String,
    holder: String,
    period: String,
    status: (&'static str, String),
    /// A data URL of the code's QR image; only for cards that count now or later.
    qr: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "account/memberships.html")]
struct CardsPage {
    shell: Shell,
    cards: Vec<CardView>,
}

async fn cards_page(State(s): State<AppState>) -> Response {
    let (_, actor) = match signed_in("/account/memberships") {
        Ok(found) => found,
        Err(page) => return page,
    };
    let cards = match s.app.my_member_cards(&actor).await {
        Ok(c) => c,
        Err(e) => return error_page(e),
    };
    use tessera_domain::members::MemberStatus;
    let cards = cards
        .into_iter()
        .map(|k| CardView {
            qr: matches!(k.status, MemberStatus::Valid | MemberStatus::NotYetValid)
                .then(|| tessera_render::qr_svg(&k.card.code).ok())
                .flatten()
                .map(|svg| format!("data:image/svg+xml;base64,{}", data_encoding::BASE64.encode(svg.as_bytes()))),
            plan: k.card.plan_name,
            code: k.card.code,
            holder: k.card.holder_name,
            period: format!("{} – {}", when(k.card.valid_from, "UTC"), when(k.card.valid_until, "UTC")),
            status: super::settings::members::status_badge(k.status),
        })
        .collect();
    let page = CardsPage { shell: Shell::new(t("members-my-cards"), &Extras::default()), cards };
    render(StatusCode::OK, &page, &[])
}
