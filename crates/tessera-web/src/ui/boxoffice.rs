//! The box office: staff selling at the door pick ticket types and
//! quantities, optionally a name and an e-mail address, record how the
//! buyer paid (cash or card terminal), and get the tickets at once, on
//! screen with their QR codes and as a PDF to print. The form carries a
//! random key that makes a double submit return the first sale.

use super::dashboard::{EventView, Values, event_view, guard, parse_id};
use super::orders::event_tabs;
use super::shell::{Filled, OrgTabs, Shell, Text, render, t, t_args};
use super::{
    Extras, csrf_ok, csrf_token, error_page, form, form_errors, form_expired_page, money, random_token, redirect,
};
use crate::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tessera_app::Actor;
use tessera_app::boxoffice::{DoorPayment, DoorSale};
use tessera_app::orgs::OrgWithRole;
use tessera_domain::Permission;
use tessera_domain::account::Email;
use tessera_domain::inventory::LineRequest;
use tessera_domain::orders::OrderId;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboard/orgs/{org}/events/{event}/box-office", get(sale_form).post(sell))
        .route("/dashboard/orgs/{org}/events/{event}/box-office/{order}", get(sold))
        .route("/dashboard/orgs/{org}/events/{event}/box-office/{order}/tickets.pdf", get(sold_pdf))
}

/// A ticket type the box office sells.
struct TypeRow {
    field: String,
    label: String,
    left: String,
    max: i64,
}

#[derive(askama::Template)]
#[template(path = "orders/box_office.html")]
struct SalePage<'a> {
    shell: Shell,
    tabs: OrgTabs,
    event_tabs: Vec<(String, String, bool)>,
    action: String,
    csrf: String,
    sale_key: String,
    types: Vec<TypeRow>,
    values: Filled<'a>,
    errors: &'a [(String, String)],
}

/// The page for staff who may sell, or the page that says they may not.
async fn seller(s: &AppState, org: &str, event: &str, here: &str) -> Result<(Actor, OrgWithRole, EventView), Response> {
    let (actor, o) = guard(s, org, here).await?;
    if !o.role.grants(Permission::ManageOrders) {
        return Err(error_page(tessera_app::AppError::Forbidden("only staff who sell may use the box office".into())));
    }
    let v = event_view(s, &actor, o.org.id, event).await?;
    Ok((actor, o, v))
}

/// Sellable ticket types, hidden ones included (staff sell them without
/// their access code), with what is left.
async fn types(s: &AppState, actor: &Actor, o: &OrgWithRole, v: &EventView) -> Result<Vec<TypeRow>, Response> {
    let types = s.app.ticket_types(actor, o.org.id, v.event.id).await.map_err(error_page)?;
    let quotas = s.app.quotas(actor, o.org.id, v.event.id).await.map_err(error_page)?;
    Ok(types
        .iter()
        .map(|tt| {
            let left = quotas
                .iter()
                .filter(|q| tt.quota_ids.contains(&q.id))
                .map(|q| (q.capacity - q.sold - q.held).max(0))
                .min()
                .unwrap_or(0);
            let name = if tt.visibility == tessera_domain::catalog::Visibility::Hidden {
                t_args("orders-box-office-hidden", &[("name", tt.name.clone().into())])
            } else {
                tt.name.clone()
            };
            TypeRow {
                field: format!("qty_{}", tt.id),
                label: t_args(
                    "orders-box-office-quantity",
                    &[("name", name.into()), ("price", money(tt.price).into())],
                ),
                left: t_args("orders-box-office-left", &[("count", left.into())]),
                max: tt.max_per_order.min(left).max(0),
            }
        })
        .collect())
}

#[allow(clippy::too_many_arguments, reason = "one page's inputs")]
async fn form_page(
    s: &AppState,
    actor: &Actor,
    o: &OrgWithRole,
    v: &EventView,
    status: StatusCode,
    csrf: String,
    cookies: Vec<String>,
    values: &Values,
    errors: &[(String, String)],
) -> Response {
    let types = match types(s, actor, o, v).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    let extras = Extras { cookies, wide: true, ..Default::default() };
    let page = SalePage {
        shell: Shell::new(t_args("orders-box-office-title", &[("event", v.event.title.clone().into())]), &extras),
        tabs: OrgTabs::new(o.org.id, &o.org.name, "events"),
        event_tabs: event_tabs(o.org.id, &v.event, "box-office"),
        action: format!("/dashboard/orgs/{}/events/{}/box-office", o.org.id, v.event.id),
        csrf,
        // A fresh key per form shown: a sale is one submit of one form.
        sale_key: random_token(),
        types,
        values: Filled(values),
        errors,
    };
    render(status, &page, &extras.cookies)
}

async fn sale_form(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event)): Path<(String, String)>,
    uri: axum::http::Uri,
) -> Response {
    let (actor, o, v) = match seller(&s, &org, &event, uri.path()).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let (csrf, set) = csrf_token(&headers);
    let mut values = Values::new();
    values.insert("payment".into(), "cash".into());
    form_page(&s, &actor, &o, &v, StatusCode::OK, csrf, set.into_iter().collect(), &values, &[]).await
}

/// The form read and checked: the sale, or the fields at fault.
fn read_sale(values: &Values) -> Result<DoorSale, Vec<(String, String)>> {
    let mut errors = vec![];
    let mut lines = vec![];
    for (k, text) in values {
        let Some(id) = k.strip_prefix("qty_") else { continue };
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        match (id.parse(), text.parse::<i64>()) {
            (Ok(ticket_type_id), Ok(quantity)) if (0..=100).contains(&quantity) => {
                if quantity > 0 {
                    lines.push(LineRequest { ticket_type_id, quantity });
                }
            }
            (Ok(_), _) => errors.push((k.clone(), t_args("orders-box-office-bad-quantity", &[("max", 100.into())]))),
            (Err(_), _) => {}
        }
    }
    lines.sort_by_key(|l| l.ticket_type_id.to_string());
    if lines.is_empty() && errors.is_empty() {
        errors.push(("lines".into(), t("orders-box-office-choose")));
    }
    let email_text = values.get("email").map(|e| e.trim()).unwrap_or("");
    let email = if email_text.is_empty() {
        None
    } else {
        match Email::parse(email_text) {
            Ok(e) => Some(e),
            Err(_) => {
                errors.push(("email".into(), t("orders-box-office-bad-email")));
                None
            }
        }
    };
    let payment = match values.get("payment").map(String::as_str) {
        Some("cash") => Some(DoorPayment::Cash),
        Some("card") => Some(DoorPayment::Card),
        _ => {
            errors.push(("payment".into(), t("orders-box-office-bad-payment")));
            None
        }
    };
    let name = values.get("name").map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    if name.as_ref().is_some_and(|n| n.chars().count() > 200) {
        errors.push(("name".into(), t("orders-box-office-bad-name")));
    }
    match payment {
        Some(payment) if errors.is_empty() => {
            Ok(DoorSale { lines, name: name.unwrap_or_else(|| t("orders-box-office-walk-in")), email, payment })
        }
        _ => Err(errors),
    }
}

async fn sell(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, event)): Path<(String, String)>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let (actor, o, v) = match seller(&s, &org, &event, uri.path()).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let values = form(&body);
    if !csrf_ok(&headers, &values) {
        return form_expired_page(uri.path());
    }
    let errors = match read_sale(&values) {
        Err(errors) => errors,
        Ok(sale) => {
            let key = values.get("sale_key").map(String::as_str).unwrap_or("");
            match s.app.box_office_sale(&actor, o.org.id, v.event.id, sale, key).await {
                Ok(order) => {
                    let paid = values.get("payment").map(String::as_str).unwrap_or("cash");
                    let to = format!(
                        "/dashboard/orgs/{}/events/{}/box-office/{}?paid={paid}",
                        o.org.id, v.event.id, order.id
                    );
                    return redirect(&to, &[]);
                }
                Err(e) => match form_errors(e) {
                    // Sold out, not on sale, too many per order: said at the top.
                    Ok(fields) => fields
                        .into_iter()
                        .map(|(f, m)| {
                            (if f == "email" || f == "name" || f == "payment" { f } else { "lines".into() }, m)
                        })
                        .collect(),
                    Err(page) => return page,
                },
            }
        }
    };
    let (csrf, _) = csrf_token(&headers);
    form_page(&s, &actor, &o, &v, StatusCode::UNPROCESSABLE_ENTITY, csrf, vec![], &values, &errors).await
}

/// A ticket of the sale, with its QR code.
struct SoldTicket {
    holder: String,
    ticket_type: String,
    seat: String,
    qr: String,
    alt: String,
}

#[derive(askama::Template)]
#[template(path = "orders/box_office_sold.html")]
struct SoldPage {
    shell: Shell,
    tabs: OrgTabs,
    event_tabs: Vec<(String, String, bool)>,
    summary: String,
    total: String,
    pdf_href: String,
    next_href: String,
    order_href: String,
    tickets: Vec<SoldTicket>,
}

async fn sold(
    State(s): State<AppState>,
    Path((org, event, order)): Path<(String, String, String)>,
    axum::extract::Query(q): axum::extract::Query<Values>,
    uri: axum::http::Uri,
) -> Response {
    let (actor, o, v) = match seller(&s, &org, &event, uri.path()).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let id: OrderId = match parse_id(&order) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let ord = match s.app.get_org_order(&actor, o.org.id, id).await {
        Ok(ord) if ord.event_id == v.event.id => ord,
        Ok(_) => return super::not_found_page(),
        Err(e) => return error_page(e),
    };
    let tickets = match s.app.org_order_tickets(&actor, o.org.id, id).await {
        Ok(t) => t,
        Err(e) => return error_page(e),
    };
    // How the buyer paid, as the sale's redirect says (a label only).
    let method = if q.get("paid").is_some_and(|p| p == "card") {
        t("orders-box-office-card")
    } else {
        t("orders-box-office-cash")
    };
    let valid: Vec<_> = tickets.iter().filter(|tk| tk.status == "valid").collect();
    let base = format!("/dashboard/orgs/{}/events/{}/box-office", o.org.id, v.event.id);
    let page = SoldPage {
        shell: Shell::new(
            t_args("orders-box-office-done-title", &[("reference", ord.reference.clone().into())]),
            &Extras { wide: true, ..Default::default() },
        ),
        tabs: OrgTabs::new(o.org.id, &o.org.name, "events"),
        event_tabs: event_tabs(o.org.id, &v.event, "box-office"),
        summary: t_args("orders-box-office-done", &[("count", valid.len().into()), ("method", method.into())]),
        total: money(ord.total),
        pdf_href: format!("{base}/{id}/tickets.pdf"),
        next_href: base,
        order_href: format!("/dashboard/orgs/{}/orders/{id}", o.org.id),
        tickets: valid
            .iter()
            .map(|tk| SoldTicket {
                holder: tk.holder_name.clone(),
                ticket_type: tk.ticket_type.clone(),
                seat: tk.seat.clone().unwrap_or_default(),
                qr: tk.qr_svg_url.clone(),
                alt: t_args(
                    "orders-box-office-qr",
                    &[("holder", tk.holder_name.clone().into()), ("type", tk.ticket_type.clone().into())],
                ),
            })
            .collect(),
    };
    render(StatusCode::OK, &page, &[])
}

async fn sold_pdf(
    State(s): State<AppState>,
    Path((org, event, order)): Path<(String, String, String)>,
    uri: axum::http::Uri,
) -> Response {
    let (actor, o, _) = match seller(&s, &org, &event, uri.path()).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let id: OrderId = match parse_id(&order) {
        Ok(id) => id,
        Err(r) => return r,
    };
    match s.app.org_tickets_pdf(&actor, o.org.id, id).await {
        Ok(pdf) => {
            let mut res = pdf.into_response();
            let h = res.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"tickets-{id}.pdf\"")) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            res
        }
        Err(e) => error_page(e),
    }
}
