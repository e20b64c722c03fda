//! Invoicing: the organization's invoicing details, invoices for paid
//! orders (issued by staff or by the buyer), credit notes for refunds made
//! after an order was invoiced, their PDFs and the CSV export.
//!
//! Numbers: one sequence per organization, shared by invoices and credit
//! notes (`<prefix><n>`, n from 1 without gaps), taken in the store's
//! transaction that stores the document (see `tessera_store::invoices`).
//! An order has at most one invoice: asking again answers the same one.
//! A credit note is issued once per refund that succeeded while (or before)
//! the order had an invoice: when the refund settles, and again, for any
//! one missed (a crash between the two), whenever the order's invoices are
//! looked at or another document of the order is issued.

use crate::{Actor, App, AppError, Result};
use tessera_domain::invoices::{
    BillingInput, Invoice, InvoiceDocument, InvoiceKind, InvoiceSettings, InvoiceSettingsInput, credit_note_document,
    invoice_document,
};
use tessera_domain::orders::{Order, OrderId, OrderState};
use tessera_domain::{InvoiceId, Money, OrgId, Permission};
use tessera_mail::{FluentValue, Locale};
use tessera_store::OutboxMessage;
use tessera_store::invoices::{DocumentFor, IssueError};

/// Most invoices one CSV export lists.
pub const CSV_MAX_ROWS: i64 = 100_000;

/// A CSV field: quoted when it holds a separator, a quote or a line break,
/// and kept from being read as a formula by spreadsheets.
/// Plain numbers (`-12.50`) stay as they are.
fn csv_field(s: &str) -> String {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let number = !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit() || c == '.');
    let s = if !number && s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
}

/// Minor units as a plain decimal number in the currency (`-12.50`), for CSV.
fn decimal(m: Money) -> String {
    let exp = u32::from(m.currency.exponent());
    if exp == 0 {
        return m.amount_minor.to_string();
    }
    let scale = 10i64.pow(exp);
    let sign = if m.amount_minor < 0 { "-" } else { "" };
    let abs = m.amount_minor.unsigned_abs();
    let scale = scale.unsigned_abs();
    format!("{sign}{}.{:0width$}", abs / scale, abs % scale, width = exp as usize)
}

fn issue_error(e: IssueError) -> AppError {
    match e {
        IssueError::NoSettings => AppError::StateConflict {
            code: "invoice_settings_missing",
            message: "the organization has not entered its invoicing details (legal name and address) yet".into(),
        },
        IssueError::Refused(e) | IssueError::Store(e) => e.into(),
    }
}

impl App {
    /// The organization's invoicing details; `None` before they are entered.
    pub async fn invoice_settings(&self, actor: &Actor, org: OrgId) -> Result<Option<InvoiceSettings>> {
        self.authorize(actor, org, Permission::ViewOrders).await?;
        Ok(self.store.invoice_settings(org).await?)
    }

    /// Whether the organization has entered its invoicing details (the
    /// buyer's order page offers an invoice only then).
    pub async fn invoicing_enabled(&self, org: OrgId) -> Result<bool> {
        Ok(self.store.invoice_settings(org).await?.is_some())
    }

    /// Enters or changes the invoicing details. Invoices already issued
    /// keep what they said.
    pub async fn set_invoice_settings(
        &self,
        actor: &Actor,
        org: OrgId,
        input: InvoiceSettingsInput,
    ) -> Result<InvoiceSettings> {
        self.authorize(actor, org, Permission::ManageOrgSettings).await?;
        input.validate()?;
        Ok(self.store.put_invoice_settings(org, &input.normalized(), self.now()).await?)
    }

    /// Staff issue the invoice of a paid order of their organization.
    /// `(invoice, true)` when this call issued it, `(invoice, false)` when
    /// the order had it already.
    pub async fn issue_invoice(
        &self,
        actor: &Actor,
        org: OrgId,
        id: OrderId,
        billing: BillingInput,
    ) -> Result<(Invoice, bool)> {
        self.authorize(actor, org, Permission::ManageOrders).await?;
        let (order, _, _) =
            self.store.order(id).await?.filter(|(o, _, _)| o.org_id == org).ok_or(AppError::NotFound)?;
        billing.validate(false)?;
        self.issue_for(&order, &billing).await
    }

    /// The buyer asks for the invoice of their paid order, with their
    /// billing name and address.
    pub async fn buyer_issue_invoice(
        &self,
        actor: &Actor,
        id: OrderId,
        token: Option<&str>,
        billing: BillingInput,
    ) -> Result<(Invoice, bool)> {
        let order = self.buyer_order(actor, id, token).await?;
        billing.validate(true)?;
        self.issue_for(&order, &billing).await
    }

    async fn issue_for(&self, order: &Order, billing: &BillingInput) -> Result<(Invoice, bool)> {
        if order.state != OrderState::Paid {
            // An order invoiced already answers with its invoice whatever it became.
            if let Some(inv) = self.existing_invoice(order.id).await? {
                return Ok((inv, false));
            }
            return Err(AppError::StateConflict {
                code: "invoice_order_not_paid",
                message: format!("the order is {}; only a paid order can be invoiced", order.shown_state()),
            });
        }
        let (event, _) = self.order_event(order).await?;
        let locale = billing.locale.clone().unwrap_or_else(|| Locale::from_tag(&order.locale).tag().to_string());
        let buyer = billing.party(order);
        let now = self.now();
        let (invoice, fresh) = self
            .store
            .issue_document(
                order.org_id,
                &DocumentFor::Invoice { order: order.id },
                now,
                |settings, n| {
                    Ok(invoice_document(settings, buyer, order, &event.title, settings.number(n), &locale, now))
                },
                |inv| {
                    let payload = serde_json::json!({ "invoice_id": inv.id, "locale": locale });
                    vec![
                        OutboxMessage::new("email", "invoice_issued", Some(order.id.to_string()), payload)
                            .dedupe(format!("invoice_issued:{}", inv.id)),
                    ]
                },
            )
            .await
            .map_err(issue_error)?;
        // Refunds that settled before the invoice get their credit notes too.
        self.issue_credit_notes(order.id).await?;
        Ok((invoice, fresh))
    }

    async fn existing_invoice(&self, order: OrderId) -> Result<Option<Invoice>> {
        Ok(self.store.order_invoices(order).await?.into_iter().find(|i| i.kind == InvoiceKind::Invoice))
    }

    /// Issues the credit notes an invoiced order lacks: one per succeeded
    /// refund. Safe to repeat and to run at the same time as itself.
    pub async fn issue_credit_notes(&self, order: OrderId) -> Result<Vec<Invoice>> {
        let docs = self.store.order_invoices(order).await?;
        let Some(invoice) = docs.iter().find(|i| i.kind == InvoiceKind::Invoice) else { return Ok(vec![]) };
        let mut out = Vec::new();
        for r in self.store.order_refunds(order).await? {
            if r.state != "succeeded" || docs.iter().any(|d| d.refund_id.as_deref() == Some(r.id.as_str())) {
                continue;
            }
            let now = self.now();
            let doc = &invoice.document;
            let l = Locale::from_tag(&doc.locale);
            let what = tessera_mail::catalog_text_args(
                l,
                "invoices-credit-line",
                &[
                    ("invoice", FluentValue::from(doc.number.as_str())),
                    ("reason", FluentValue::from(r.reason.as_str())),
                ],
            );
            let for_refund = DocumentFor::CreditNote { order, invoice: invoice.id, refund_id: r.id.clone() };
            let amount = r.amount.amount_minor;
            let (note, _) = self
                .store
                .issue_document(
                    invoice.org_id,
                    &for_refund,
                    now,
                    |settings, n| Ok(credit_note_document(settings, doc, amount, &what, settings.number(n), now)),
                    |_| vec![],
                )
                .await
                .map_err(issue_error)?;
            out.push(note);
        }
        Ok(out)
    }

    /// An order's invoice and credit notes, for staff.
    pub async fn org_order_invoices(&self, actor: &Actor, org: OrgId, id: OrderId) -> Result<Vec<Invoice>> {
        self.authorize(actor, org, Permission::ViewOrders).await?;
        let (order, _, _) =
            self.store.order_head(id).await?.filter(|(o, _, _)| o.org_id == org).ok_or(AppError::NotFound)?;
        self.order_documents(order.id).await
    }

    /// An order's invoice and credit notes, for its buyer.
    pub async fn buyer_order_invoices(&self, actor: &Actor, id: OrderId, token: Option<&str>) -> Result<Vec<Invoice>> {
        let order = self.buyer_order(actor, id, token).await?;
        self.order_documents(order.id).await
    }

    async fn order_documents(&self, order: OrderId) -> Result<Vec<Invoice>> {
        let docs = self.store.order_invoices(order).await?;
        if docs.iter().any(|d| d.kind == InvoiceKind::Invoice) && !self.issue_credit_notes(order).await?.is_empty() {
            return Ok(self.store.order_invoices(order).await?);
        }
        Ok(docs)
    }

    /// The organization's invoices and credit notes, newest first.
    pub async fn org_invoices(&self, actor: &Actor, org: OrgId, limit: i64, offset: i64) -> Result<Vec<Invoice>> {
        self.authorize(actor, org, Permission::ViewOrders).await?;
        Ok(self.store.invoices(org, limit.clamp(1, 500), offset.max(0)).await?)
    }

    pub async fn org_invoice(&self, actor: &Actor, org: OrgId, id: InvoiceId) -> Result<Invoice> {
        self.authorize(actor, org, Permission::ViewOrders).await?;
        self.store.invoice(org, id).await?.ok_or(AppError::NotFound)
    }

    /// An invoice's PDF, for staff.
    pub async fn org_invoice_pdf(&self, actor: &Actor, org: OrgId, id: InvoiceId) -> Result<(Invoice, Vec<u8>)> {
        let inv = self.org_invoice(actor, org, id).await?;
        let pdf = invoice_pdf(&inv.document)?;
        Ok((inv, pdf))
    }

    /// An invoice's PDF, for the buyer of its order.
    pub async fn buyer_invoice_pdf(
        &self,
        actor: &Actor,
        order: OrderId,
        token: Option<&str>,
        id: InvoiceId,
    ) -> Result<(Invoice, Vec<u8>)> {
        let order = self.buyer_order(actor, order, token).await?;
        let inv =
            self.store.invoice(order.org_id, id).await?.filter(|i| i.order_id == order.id).ok_or(AppError::NotFound)?;
        let pdf = invoice_pdf(&inv.document)?;
        Ok((inv, pdf))
    }

    /// Every invoice and credit note as CSV, oldest first:
    /// `number,kind,issued_at,order_reference,buyer_name,buyer_tax_id,currency,subtotal,discount,fees,tax,total,corrects`.
    pub async fn invoices_csv(&self, actor: &Actor, org: OrgId) -> Result<String> {
        self.authorize(actor, org, Permission::ViewOrders).await?;
        let mut docs = self.store.invoices(org, CSV_MAX_ROWS, 0).await?;
        docs.reverse();
        let mut out = String::from(
            "number,kind,issued_at,order_reference,buyer_name,buyer_tax_id,currency,subtotal,discount,fees,tax,total,corrects\r\n",
        );
        for inv in docs {
            let d = &inv.document;
            let m = |a: i64| decimal(Money::new(a, d.currency));
            let row = [
                d.number.clone(),
                d.kind.as_str().to_string(),
                d.issued_at.to_string(),
                d.order_reference.clone(),
                d.buyer.name.clone(),
                d.buyer.tax_id.clone(),
                d.currency.to_string(),
                m(d.subtotal_minor),
                m(d.discount_minor),
                m(d.fees_minor),
                m(d.tax_minor),
                m(d.total_minor),
                d.corrects.clone().unwrap_or_default(),
            ];
            out.push_str(&row.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
            out.push_str("\r\n");
        }
        Ok(out)
    }
}

/// A rate in basis points as people write it: 1900 -> "19 %", 750 -> "7.5 %".
fn rate(bp: i64) -> String {
    let whole = bp / 100;
    let frac = (bp % 100).abs();
    if frac == 0 {
        format!("{whole} %")
    } else if frac % 10 == 0 {
        format!("{whole}.{} %", frac / 10)
    } else {
        format!("{whole}.{frac:02} %")
    }
}

/// The document as the PDF prints it, in its language.
pub fn invoice_sheet(d: &InvoiceDocument) -> tessera_render::InvoiceSheet {
    let l = Locale::from_tag(&d.locale);
    let money = |a: i64| tessera_mail::format_money(Money::new(a, d.currency), l);
    let date = tessera_mail::format_date(&d.issued_at.to_zoned(jiff::tz::TimeZone::UTC), l);
    let party = |p: &tessera_domain::invoices::Party| {
        let mut lines = vec![p.name.clone()];
        lines.extend(p.address.lines().map(str::to_string));
        if !p.email.is_empty() {
            lines.push(p.email.clone());
        }
        lines
    };
    tessera_render::InvoiceSheet {
        locale: l,
        credit_note: d.kind == InvoiceKind::CreditNote,
        number: d.number.clone(),
        issue_date: date,
        order_reference: d.order_reference.clone(),
        event_name: d.event_name.clone(),
        corrects: d.corrects.clone(),
        seller: party(&d.seller),
        seller_tax_id: d.seller.tax_id.clone(),
        seller_registration: d.seller.registration_number.clone(),
        buyer: party(&d.buyer),
        buyer_tax_id: d.buyer.tax_id.clone(),
        lines: d
            .lines
            .iter()
            .map(|x| tessera_render::InvoiceRow {
                description: x.description.clone(),
                quantity: x.quantity.to_string(),
                unit_price: money(x.unit_price_minor),
                tax_rate: if x.tax_rate_bp > 0 { rate(x.tax_rate_bp) } else { String::new() },
                amount: money(x.amount_minor),
            })
            .collect(),
        discounts: d
            .discounts
            .iter()
            .map(|x| {
                let label =
                    if x.description.is_empty() { x.code.clone() } else { format!("{} ({})", x.code, x.description) };
                (label, money(-x.amount_minor))
            })
            .collect(),
        fees: (d.fees_minor != 0).then(|| money(d.fees_minor)),
        subtotal: money(d.subtotal_minor),
        taxes: d
            .taxes
            .iter()
            .map(|x| tessera_render::TaxRow {
                rate: rate(x.rate_bp),
                amount: money(x.tax_minor),
                inclusive: x.inclusive,
            })
            .collect(),
        total: money(d.total_minor),
        footer: d.footer.clone(),
    }
}

/// The PDF of a document.
pub fn invoice_pdf(d: &InvoiceDocument) -> Result<Vec<u8>> {
    tessera_render::invoice_pdf(&invoice_sheet(d)).map_err(|e| AppError::Internal(format!("PDF: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(csv_field("INV-1"), "INV-1");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
        assert_eq!(csv_field("-12.50"), "-12.50");
        assert_eq!(csv_field("-1+2"), "'-1+2");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
    }

    #[test]
    fn amounts_and_rates_read_as_people_write_them() {
        let eur = tessera_domain::Currency::parse("EUR").unwrap();
        assert_eq!(decimal(Money::new(-1250, eur)), "-12.50");
        assert_eq!(decimal(Money::new(5, eur)), "0.05");
        assert_eq!(rate(1900), "19 %");
        assert_eq!(rate(750), "7.5 %");
        assert_eq!(rate(725), "7.25 %");
    }
}
