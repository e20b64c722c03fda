//! Invoices in the dashboard: the organization's invoices and credit notes
//! (newest first, with their PDFs and a CSV export) and its invoicing
//! details (legal name, address, tax id, number prefix, footer).

use super::*;
use crate::ui::shell::{Filled, OrgTabs, Shell, Text, t, t_args};
use tessera_domain::InvoiceId;
use tessera_domain::invoices::{InvoiceKind, InvoiceSettingsInput};

/// How many invoices the page lists (the CSV export has them all).
const PAGE_ROWS: i64 = 200;

struct InvoiceRow {
    number: String,
    kind: String,
    issued: String,
    order_href: String,
    order_reference: String,
    buyer: String,
    total: String,
    pdf: String,
}

#[derive(askama::Template)]
#[template(path = "settings/invoices.html")]
struct InvoicesPage {
    shell: Shell,
    tabs: OrgTabs,
    base: String,
    has_settings: bool,
    rows: Vec<InvoiceRow>,
}

pub(super) async fn invoices_page(State(s): State<AppState>, headers: HeaderMap, Path(org): Path<String>) -> Response {
    let here = format!("/dashboard/orgs/{org}/invoices");
    let c = match ctx(&s, &headers, &org, &here).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let (docs, settings) = match (
        s.app.org_invoices(&c.actor, c.id(), PAGE_ROWS, 0).await,
        s.app.invoice_settings(&c.actor, c.id()).await,
    ) {
        (Ok(d), Ok(st)) => (d, st),
        (Err(e), _) | (_, Err(e)) => return error_page(e),
    };
    let base = c.base();
    let rows = docs
        .iter()
        .map(|d| InvoiceRow {
            number: d.number.clone(),
            kind: t(match d.kind {
                InvoiceKind::Invoice => "invoices-kind-invoice",
                InvoiceKind::CreditNote => "invoices-kind-credit-note",
            }),
            issued: when(d.issued_at, "UTC"),
            order_href: format!("{base}/orders/{}", d.order_id),
            order_reference: d.document.order_reference.clone(),
            buyer: d.document.buyer.name.clone(),
            total: money(tessera_domain::Money::new(d.document.total_minor, d.document.currency)),
            pdf: format!("{base}/invoices/{}/pdf", d.id),
        })
        .collect();
    let page = InvoicesPage {
        shell: Shell::new(t("invoices-title"), &Extras { cookies: vec![], scripts: &[], wide: true }),
        tabs: OrgTabs::new(c.id(), &c.org.org.name, "invoices"),
        base,
        has_settings: settings.is_some(),
        rows,
    };
    crate::ui::shell::render(StatusCode::OK, &page, &c.cookies)
}

pub(super) async fn invoices_csv(State(s): State<AppState>, headers: HeaderMap, Path(org): Path<String>) -> Response {
    let here = format!("/dashboard/orgs/{org}/invoices");
    let c = match ctx(&s, &headers, &org, &here).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match s.app.invoices_csv(&c.actor, c.id()).await {
        Ok(csv) => {
            use axum::http::{HeaderValue, header};
            use axum::response::IntoResponse;
            (
                [
                    (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
                    (header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"invoices.csv\"")),
                ],
                csv,
            )
                .into_response()
        }
        Err(e) => error_page(e),
    }
}

pub(super) async fn invoice_pdf(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, invoice)): Path<(String, String)>,
) -> Response {
    let here = format!("/dashboard/orgs/{org}/invoices");
    let c = match ctx(&s, &headers, &org, &here).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Ok(id) = invoice.parse::<InvoiceId>() else { return not_found_page() };
    match s.app.org_invoice_pdf(&c.actor, c.id(), id).await {
        Ok((inv, pdf)) => crate::api::invoices::pdf_response(&inv, pdf),
        Err(e) => error_page(e),
    }
}

#[derive(askama::Template)]
#[template(path = "settings/invoice_settings.html")]
struct SettingsPage<'a> {
    shell: Shell,
    tabs: OrgTabs,
    csrf: String,
    base: String,
    notice: Option<String>,
    next_number: Option<String>,
    values: Filled<'a>,
    errors: &'a [(String, String)],
}

async fn settings_view(s: &AppState, c: &Ctx, status: StatusCode, f: &Form, notice: Option<String>) -> Response {
    let current = match s.app.invoice_settings(&c.actor, c.id()).await {
        Ok(v) => v,
        Err(e) => return error_page(e),
    };
    // A refused form shows what was sent; otherwise what is stored.
    let stored: HashMap<String, String> = current
        .as_ref()
        .map(|st| {
            [
                ("legal_name", &st.legal_name),
                ("address", &st.address),
                ("tax_id", &st.tax_id),
                ("registration_number", &st.registration_number),
                ("number_prefix", &st.number_prefix),
                ("footer", &st.footer),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
        })
        .unwrap_or_default();
    let values = if f.errors.is_empty() { &stored } else { &f.values };
    let page = SettingsPage {
        shell: Shell::new(t("invoices-settings-title"), &Extras::default()),
        tabs: OrgTabs::new(c.id(), &c.org.org.name, "invoices"),
        csrf: c.csrf.clone(),
        base: c.base(),
        notice,
        next_number: current.map(|st| t_args("invoices-next-number", &[("number", st.number(st.next_number).into())])),
        values: Filled(values),
        errors: &f.errors,
    };
    crate::ui::shell::render(status, &page, &c.cookies)
}

pub(super) async fn settings_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let here = format!("/dashboard/orgs/{org}/invoices/settings");
    let c = match ctx(&s, &headers, &org, &here).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let notice = q.contains_key("saved").then(|| t("invoices-saved"));
    settings_view(&s, &c, StatusCode::OK, &Form::default(), notice).await
}

pub(super) async fn save_settings(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let here = format!("/dashboard/orgs/{org}/invoices/settings");
    let c = match posted(&s, &headers, &org, &here, &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let field = |k: &str| values.get(k).cloned().unwrap_or_default();
    let input = InvoiceSettingsInput {
        legal_name: field("legal_name"),
        address: field("address"),
        tax_id: field("tax_id"),
        registration_number: field("registration_number"),
        number_prefix: field("number_prefix"),
        footer: field("footer"),
    };
    match s.app.set_invoice_settings(&c.actor, c.id(), input).await {
        Ok(_) => redirect(&format!("{here}?saved"), &[]),
        Err(e) => match form_errors(e) {
            Ok(errors) => {
                settings_view(&s, &c, StatusCode::UNPROCESSABLE_ENTITY, &Form::refused(values, errors), None).await
            }
            Err(page) => page,
        },
    }
}
