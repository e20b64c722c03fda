//! Invoices and credit notes as A4 PDFs, in the invoice's language, set in
//! the same faces as the tickets (DejaVu Sans, Noto Sans SC for Chinese).
//! The caller passes every value already formatted (amounts, dates); the
//! labels come from the `invoices` catalog. Rows that do not fit on a page
//! continue on the next one.

use krilla::Document;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;

use tessera_i18n::{FluentValue, Locale, t, t_args};

use crate::RenderError;
use crate::pdf::{BOLD, CJK, Face, INK, MARGIN, MUTED, PAGE_H, PAGE_W, Pen, REGULAR, RULE, Type, clean};

const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;

/// One line of goods, formatted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvoiceRow {
    pub description: String,
    pub quantity: String,
    pub unit_price: String,
    /// "19 %", or empty.
    pub tax_rate: String,
    pub amount: String,
}

/// The tax of one rate, formatted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaxRow {
    /// "19 %".
    pub rate: String,
    pub amount: String,
    /// Included in the prices (else added on top).
    pub inclusive: bool,
}

/// Everything an invoice or credit note prints; values already formatted in
/// `locale` (the labels are the catalog's).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvoiceSheet {
    pub locale: Locale,
    pub credit_note: bool,
    pub number: String,
    pub issue_date: String,
    pub order_reference: String,
    pub event_name: String,
    /// A credit note: the number of the invoice it corrects.
    pub corrects: Option<String>,
    /// Name first, then the address lines.
    pub seller: Vec<String>,
    pub seller_tax_id: String,
    pub seller_registration: String,
    pub buyer: Vec<String>,
    pub buyer_tax_id: String,
    pub lines: Vec<InvoiceRow>,
    /// (code and description, amount taken off, as "-€5.00").
    pub discounts: Vec<(String, String)>,
    /// Service fees, if any.
    pub fees: Option<String>,
    pub subtotal: String,
    pub taxes: Vec<TaxRow>,
    pub total: String,
    pub footer: String,
}

/// The document's title: "Invoice INV-7" / "Credit note INV-8".
pub fn invoice_title(locale: Locale, credit_note: bool, number: &str) -> String {
    let id = if credit_note { "invoices-pdf-title-credit-note" } else { "invoices-pdf-title-invoice" };
    t_args(locale, id, &[("number", FluentValue::from(number))])
}

/// Column edges (right edges for the numbers), in points from the margin.
const COL_QTY: f32 = 290.0;
const COL_UNIT: f32 = 360.0;
const COL_TAX: f32 = 410.0;
const COL_AMOUNT: f32 = CONTENT_W;
/// Where a page's rows stop, leaving room for the footer.
const BOTTOM: f32 = PAGE_H - MARGIN - 60.0;

/// An A4 PDF of an invoice or credit note: the seller and buyer blocks,
/// number and dates, the lines, each discount as its own line, the fees,
/// the tax per rate and the totals, and the seller's footer.
///
/// # Errors
/// [`RenderError::Pdf`] if krilla fails.
pub fn invoice_pdf(sheet: &InvoiceSheet) -> Result<Vec<u8>, RenderError> {
    let l = sheet.locale;
    let regular = Face::load(REGULAR, "DejaVu Sans")?;
    let bold = Face::load(BOLD, "DejaVu Sans Bold")?;
    let cjk = Face::load(CJK, "Noto Sans SC")?;
    let title = invoice_title(l, sheet.credit_note, &sheet.number);
    let mut document = Document::new();
    document
        .set_metadata(Metadata::new().title(clean(&title)).language(l.tag().to_owned()).creator("Tessera".to_owned()));
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| RenderError::Pdf("bad page size".into()))?;

    // The rows of the table, then the totals, placed page by page.
    enum Item<'a> {
        Line(&'a InvoiceRow),
        Sum { label: String, amount: &'a str, strong: bool },
    }
    let mut items: Vec<Item<'_>> = sheet.lines.iter().map(Item::Line).collect();
    items.push(Item::Sum { label: t(l, "invoices-subtotal"), amount: &sheet.subtotal, strong: false });
    for (label, amount) in &sheet.discounts {
        let label = t_args(l, "invoices-discount-line", &[("discount", FluentValue::from(label.as_str()))]);
        items.push(Item::Sum { label, amount, strong: false });
    }
    if let Some(fees) = &sheet.fees {
        items.push(Item::Sum { label: t(l, "invoices-fees"), amount: fees, strong: false });
    }
    for tax in &sheet.taxes {
        let id = if tax.inclusive { "invoices-tax-included" } else { "invoices-tax-added" };
        let label = t_args(l, id, &[("rate", FluentValue::from(tax.rate.as_str()))]);
        items.push(Item::Sum { label, amount: &tax.amount, strong: false });
    }
    items.push(Item::Sum { label: t(l, "invoices-total"), amount: &sheet.total, strong: true });

    let mut next = 0;
    let mut first = true;
    while first || next < items.len() {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        let mut pen = Pen {
            surface: &mut surface,
            regular: Type { main: &regular, cjk: &cjk, embolden: false },
            bold: Type { main: &bold, cjk: &cjk, embolden: true },
        };
        let mut y = if first { head(&mut pen, sheet, &title) } else { MARGIN };
        first = false;
        y = table_head(&mut pen, l, y);
        while next < items.len() && y < BOTTOM {
            y = match &items[next] {
                Item::Line(row) => line(&mut pen, row, y),
                Item::Sum { label, amount, strong } => sum(&mut pen, label, amount, *strong, y),
            };
            next += 1;
        }
        if !sheet.footer.trim().is_empty() {
            let mut fy = PAGE_H - MARGIN - 44.0;
            for text in sheet.footer.lines().take(3) {
                fy = pen.paragraph(false, MARGIN, fy, CONTENT_W, 8.5, 1, MUTED, text);
            }
        }
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| RenderError::Pdf(e.to_string()))
}

/// The title, the facts, the seller and buyer blocks; returns the y below.
fn head(pen: &mut Pen<'_, '_>, s: &InvoiceSheet, title: &str) -> f32 {
    let l = s.locale;
    let mut y = pen.paragraph(true, MARGIN, MARGIN, CONTENT_W, 22.0, 2, INK, title);
    y += 8.0;
    let mut facts = vec![
        (t(l, "invoices-number"), s.number.clone()),
        (t(l, "invoices-issue-date"), s.issue_date.clone()),
        (t(l, "invoices-order"), s.order_reference.clone()),
        (t(l, "invoices-event"), s.event_name.clone()),
    ];
    if let Some(c) = &s.corrects {
        facts.push((t(l, "invoices-corrects"), c.clone()));
    }
    for (label, value) in facts {
        pen.paragraph(false, MARGIN, y, 120.0, 9.5, 1, MUTED, &label);
        y = pen.paragraph(false, MARGIN + 124.0, y, CONTENT_W - 124.0, 9.5, 2, INK, &value);
    }
    y += 14.0;
    let col = (CONTENT_W - 24.0) / 2.0;
    let block = |pen: &mut Pen<'_, '_>, x: f32, label: &str, lines: &[String], ids: &[(String, &str)]| {
        let mut by = pen.paragraph(false, x, y, col, 9.0, 1, MUTED, label);
        by += 2.0;
        for (i, text) in lines.iter().take(10).enumerate() {
            by = pen.paragraph(i == 0, x, by, col, 10.5, 2, INK, text);
        }
        for (label, value) in ids {
            if !value.trim().is_empty() {
                by = pen.paragraph(false, x, by, col, 9.5, 1, INK, &format!("{label}: {value}"));
            }
        }
        by
    };
    let seller_ids = [
        (t(l, "invoices-tax-id"), s.seller_tax_id.as_str()),
        (t(l, "invoices-registration"), s.seller_registration.as_str()),
    ];
    let buyer_ids = [(t(l, "invoices-tax-id"), s.buyer_tax_id.as_str())];
    let a = block(pen, MARGIN, &t(l, "invoices-seller"), &s.seller, &seller_ids);
    let b = block(pen, MARGIN + col + 24.0, &t(l, "invoices-bill-to"), &s.buyer, &buyer_ids);
    a.max(b) + 18.0
}

fn right(pen: &mut Pen<'_, '_>, bold: bool, right_edge: f32, y: f32, size: f32, text: &str) {
    let ty = if bold { pen.bold } else { pen.regular };
    let w = ty.width(text, size);
    pen.text(ty, MARGIN + right_edge - w, y + size * 0.95, size, INK, text);
}

fn table_head(pen: &mut Pen<'_, '_>, l: Locale, y: f32) -> f32 {
    pen.paragraph(true, MARGIN, y, COL_QTY - 50.0, 9.0, 1, INK, &t(l, "invoices-description"));
    right(pen, true, COL_QTY, y, 9.0, &t(l, "invoices-quantity"));
    right(pen, true, COL_UNIT, y, 9.0, &t(l, "invoices-unit-price"));
    right(pen, true, COL_TAX, y, 9.0, &t(l, "invoices-tax-rate"));
    right(pen, true, COL_AMOUNT, y, 9.0, &t(l, "invoices-amount"));
    let y = y + 14.0;
    pen.rect(MARGIN, y, CONTENT_W, 0.75, RULE);
    y + 6.0
}

fn line(pen: &mut Pen<'_, '_>, row: &InvoiceRow, y: f32) -> f32 {
    let below = pen.paragraph(false, MARGIN, y, COL_QTY - 50.0, 10.0, 2, INK, &row.description);
    right(pen, false, COL_QTY, y, 10.0, &row.quantity);
    right(pen, false, COL_UNIT, y, 10.0, &row.unit_price);
    right(pen, false, COL_TAX, y, 10.0, &row.tax_rate);
    right(pen, false, COL_AMOUNT, y, 10.0, &row.amount);
    below + 4.0
}

fn sum(pen: &mut Pen<'_, '_>, label: &str, amount: &str, strong: bool, y: f32) -> f32 {
    let size = if strong { 12.0 } else { 10.0 };
    let y = if strong {
        pen.rect(MARGIN + COL_QTY, y + 2.0, CONTENT_W - COL_QTY, 0.75, RULE);
        y + 8.0
    } else {
        y
    };
    let below = pen.paragraph(strong, MARGIN + COL_QTY - 120.0, y, COL_TAX - COL_QTY + 120.0, size, 2, INK, label);
    right(pen, strong, COL_AMOUNT, y, size, amount);
    below + 3.0
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_id_used_exists() {
        let source = include_str!("invoice.rs");
        for id in source.split('"').skip(1).step_by(2).filter(|s| s.starts_with("invoices-") && !s.contains(' ')) {
            assert!(tessera_i18n::exists(id), "{id}");
        }
    }
}
