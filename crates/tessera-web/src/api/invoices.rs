//! Invoicing: the organization's invoicing details, invoices for paid
//! orders (staff and buyers), credit notes, PDFs and the CSV export.

use super::orders::order_token;
use super::*;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use tessera_domain::invoices::{BillingInput, Invoice, InvoiceSettings, InvoiceSettingsInput};
use tessera_domain::orders::OrderId;
use tessera_domain::{InvoiceId, OrgId};

/// 201 when this request issued the invoice, 200 when the order had it.
fn issued((invoice, fresh): (Invoice, bool)) -> (StatusCode, Json<Invoice>) {
    (if fresh { StatusCode::CREATED } else { StatusCode::OK }, Json(invoice))
}

pub(crate) fn pdf_response(invoice: &Invoice, pdf: Vec<u8>) -> Response {
    let name: String = invoice
        .number
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .collect();
    let disposition = format!("inline; filename=\"{}-{name}.pdf\"", invoice.document.kind.as_str().replace('_', "-"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/pdf")),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("inline")),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
        ],
        pdf,
    )
        .into_response()
}

/// The organization's invoicing details (`null` before they are entered).
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/invoice-settings", tag = "invoices",
    params(("org_id" = OrgId, Path)),
    responses((status = 200, body = Option<InvoiceSettings>), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn get_invoice_settings(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
) -> ApiResult<Json<Option<InvoiceSettings>>> {
    Ok(Json(s.app.invoice_settings(&caller.actor, org).await?))
}

/// Enter or change the invoicing details. Invoices issued before keep what they said.
#[utoipa::path(put, path = "/api/v1/orgs/{org_id}/invoice-settings", tag = "invoices",
    params(("org_id" = OrgId, Path)), request_body = InvoiceSettingsInput,
    responses((status = 200, body = InvoiceSettings), (status = 404, body = ErrorBody),
              (status = 422, description = "`invalid_input`, naming the field (`legal_name`, `address`, `tax_id`, `registration_number`, `number_prefix`, `footer`)", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn put_invoice_settings(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
    ApiJson(input): ApiJson<InvoiceSettingsInput>,
) -> ApiResult<Json<InvoiceSettings>> {
    Ok(Json(s.app.set_invoice_settings(&caller.actor, org, input).await?))
}

/// Issue the invoice of a paid order, numbered `<prefix><n>` in the organization's gapless
/// sequence. An order has one invoice: asking again answers it with 200. The buyer is e-mailed
/// the link. Refunds already made get their credit notes.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/orders/{order_id}/invoice", tag = "invoices",
    params(("org_id" = OrgId, Path), ("order_id" = OrderId, Path)), request_body = BillingInput,
    responses((status = 201, description = "Issued now", body = Invoice),
              (status = 200, description = "The order's invoice, issued before", body = Invoice),
              (status = 404, body = ErrorBody),
              (status = 409, description = "`invoice_order_not_paid`: the order is not paid; `invoice_settings_missing`: no invoicing details yet", body = ErrorBody),
              (status = 422, description = "`invalid_input`, naming the field", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn issue_invoice(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, OrderId)>,
    ApiJson(input): ApiJson<BillingInput>,
) -> ApiResult<(StatusCode, Json<Invoice>)> {
    Ok(issued(s.app.issue_invoice(&caller.actor, org, id, input).await?))
}

/// An order's invoice and credit notes, in number order.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/orders/{order_id}/invoices", tag = "invoices",
    params(("org_id" = OrgId, Path), ("order_id" = OrderId, Path)),
    responses((status = 200, body = Vec<Invoice>), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn org_order_invoices(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, OrderId)>,
) -> ApiResult<Json<Vec<Invoice>>> {
    Ok(Json(s.app.org_order_invoices(&caller.actor, org, id).await?))
}

/// The organization's invoices and credit notes, newest number first.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/invoices", tag = "invoices",
    params(("org_id" = OrgId, Path), Paging),
    responses((status = 200, body = Vec<Invoice>), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn list_invoices(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
    ApiQuery(q): ApiQuery<Paging>,
) -> ApiResult<Json<Vec<Invoice>>> {
    Ok(Json(s.app.org_invoices(&caller.actor, org, q.limit.unwrap_or(100), q.offset.unwrap_or(0)).await?))
}

/// Every invoice and credit note as CSV, oldest first
/// (`number,kind,issued_at,order_reference,buyer_name,buyer_tax_id,currency,subtotal,discount,fees,tax,total,corrects`;
/// amounts in the currency, text that a spreadsheet would read as a formula starts with `'`).
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/invoices.csv", tag = "invoices",
    params(("org_id" = OrgId, Path)),
    responses((status = 200, description = "The invoices", content((String = "text/csv"))),
              (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn invoices_csv(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
) -> ApiResult<Response> {
    let csv = s.app.invoices_csv(&caller.actor, org).await?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
            (header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"invoices.csv\"")),
        ],
        csv,
    )
        .into_response())
}

/// One invoice or credit note with what it says.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/invoices/{invoice_id}", tag = "invoices",
    params(("org_id" = OrgId, Path), ("invoice_id" = InvoiceId, Path)),
    responses((status = 200, body = Invoice), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn get_invoice(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, InvoiceId)>,
) -> ApiResult<Json<Invoice>> {
    Ok(Json(s.app.org_invoice(&caller.actor, org, id).await?))
}

/// An invoice or credit note as a PDF, in its language.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/invoices/{invoice_id}/pdf", tag = "invoices",
    params(("org_id" = OrgId, Path), ("invoice_id" = InvoiceId, Path)),
    responses((status = 200, description = "The PDF", content_type = "application/pdf"), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn invoice_pdf(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, InvoiceId)>,
) -> ApiResult<Response> {
    let (invoice, pdf) = s.app.org_invoice_pdf(&caller.actor, org, id).await?;
    Ok(pdf_response(&invoice, pdf))
}

/// The buyer asks for the invoice of their paid order (with `X-Order-Token`, or signed in as
/// the buyer), giving the billing name and address. One invoice per order: asking again
/// answers it with 200.
#[utoipa::path(post, path = "/api/v1/orders/{order_id}/invoice", tag = "invoices",
    params(("order_id" = OrderId, Path), ("X-Order-Token" = Option<String>, Header)), request_body = BillingInput,
    responses((status = 201, description = "Issued now", body = Invoice),
              (status = 200, description = "The order's invoice, issued before", body = Invoice),
              (status = 404, body = ErrorBody),
              (status = 409, description = "`invoice_order_not_paid`: the order is not paid; `invoice_settings_missing`: the organizer has not entered invoicing details", body = ErrorBody),
              (status = 422, description = "`invalid_input`, naming the field (`address` is required)", body = ErrorBody)),
    security((), ("session" = []), ("bearer" = [])))]
pub async fn buyer_issue_invoice(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(id): ApiPath<OrderId>,
    ApiJson(input): ApiJson<BillingInput>,
) -> ApiResult<(StatusCode, Json<Invoice>)> {
    Ok(issued(s.app.buyer_issue_invoice(&caller.actor, id, order_token(&headers).as_deref(), input).await?))
}

/// The invoice and credit notes of an order, for its buyer.
#[utoipa::path(get, path = "/api/v1/orders/{order_id}/invoices", tag = "invoices",
    params(("order_id" = OrderId, Path), ("X-Order-Token" = Option<String>, Header)),
    responses((status = 200, body = Vec<Invoice>), (status = 404, body = ErrorBody)),
    security((), ("session" = []), ("bearer" = [])))]
pub async fn buyer_invoices(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(id): ApiPath<OrderId>,
) -> ApiResult<Json<Vec<Invoice>>> {
    Ok(Json(s.app.buyer_order_invoices(&caller.actor, id, order_token(&headers).as_deref()).await?))
}

/// An invoice or credit note of the order as a PDF, for its buyer.
#[utoipa::path(get, path = "/api/v1/orders/{order_id}/invoices/{invoice_id}/pdf", tag = "invoices",
    params(("order_id" = OrderId, Path), ("invoice_id" = InvoiceId, Path), ("X-Order-Token" = Option<String>, Header)),
    responses((status = 200, description = "The PDF", content_type = "application/pdf"), (status = 404, body = ErrorBody)),
    security((), ("session" = []), ("bearer" = [])))]
pub async fn buyer_invoice_pdf(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath((order, id)): ApiPath<(OrderId, InvoiceId)>,
) -> ApiResult<Response> {
    let (invoice, pdf) = s.app.buyer_invoice_pdf(&caller.actor, order, order_token(&headers).as_deref(), id).await?;
    Ok(pdf_response(&invoice, pdf))
}
