//! Invoices and credit notes: an organization's invoicing details, a
//! buyer's billing details, and the frozen document an invoice is.
//!
//! An invoice is built once, from the order and the settings as they are
//! when it is issued, and stored as that document: later edits to the
//! settings or the catalog never change what an issued invoice says. A
//! credit note is built from the invoice it corrects and the amount given
//! back; invoices and credit notes share one number sequence per
//! organization (`<prefix><n>`, n = 1, 2, 3, ... with no gaps), decided in
//! the store under a lock on the organization's counter row.
//!
//! Pure functions; money in integer minor units.

use crate::orders::{Order, OrderId};
use crate::validation::check_text;
use crate::{Currency, InvoiceId, MessageKey, OrgId, Timestamp, ValidationError};

/// Longest invoice number prefix, in characters.
pub const MAX_PREFIX: usize = 20;

/// The organization's invoicing details, as entered (API and settings page).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoiceSettingsInput {
    /// The seller's legal name, as it must appear on invoices.
    #[schema(min_length = 1, max_length = 200)]
    pub legal_name: String,
    /// Postal address; one line per line of the address.
    #[schema(min_length = 1, max_length = 500)]
    pub address: String,
    /// Tax or VAT identification number.
    #[serde(default)]
    #[schema(max_length = 50)]
    pub tax_id: String,
    /// Company registration number, if any.
    #[serde(default)]
    #[schema(max_length = 50)]
    pub registration_number: String,
    /// Put before each number: `INV-` gives `INV-1`, `INV-2`, ...
    #[serde(default)]
    #[schema(max_length = 20)]
    pub number_prefix: String,
    /// Printed at the foot of every invoice (payment terms, bank details, ...).
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub footer: String,
}

impl InvoiceSettingsInput {
    /// Every bad field at once. The legal name and the address are required:
    /// no invoice can be issued without them.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut e = ValidationError::new();
        check_text(&mut e, "legal_name", &self.legal_name, 1, 200);
        check_address(&mut e, "address", &self.address, true);
        check_text(&mut e, "tax_id", &self.tax_id, 0, 50);
        check_text(&mut e, "registration_number", &self.registration_number, 0, 50);
        check_prefix(&mut e, &self.number_prefix);
        check_text(&mut e, "footer", &self.footer, 0, 1000);
        e.finish()
    }

    /// The values as stored: trimmed, line ends as `\n`.
    pub fn normalized(&self) -> InvoiceSettingsInput {
        InvoiceSettingsInput {
            legal_name: self.legal_name.trim().to_string(),
            address: normalize_lines(&self.address),
            tax_id: self.tax_id.trim().to_string(),
            registration_number: self.registration_number.trim().to_string(),
            number_prefix: self.number_prefix.trim().to_string(),
            footer: normalize_lines(&self.footer),
        }
    }
}

/// The stored settings of an organization, with how many numbers it used.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct InvoiceSettings {
    pub org_id: OrgId,
    pub legal_name: String,
    pub address: String,
    pub tax_id: String,
    pub registration_number: String,
    pub number_prefix: String,
    pub footer: String,
    /// The `n` of the next number (invoices and credit notes share it).
    pub next_number: i64,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

impl InvoiceSettings {
    /// The document number for sequence `n`.
    pub fn number(&self, n: i64) -> String {
        format!("{}{n}", self.number_prefix)
    }

    pub fn seller(&self) -> Party {
        Party {
            name: self.legal_name.clone(),
            address: self.address.clone(),
            tax_id: self.tax_id.clone(),
            registration_number: self.registration_number.clone(),
            email: String::new(),
        }
    }
}

/// Who an invoice is made out to, as the buyer (or staff) gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BillingInput {
    /// The name on the invoice (a person or a company). Staff may leave it
    /// out: the order's buyer name is used.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub name: Option<String>,
    /// Billing address, one line per line. Required from the buyer.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub address: Option<String>,
    /// The buyer's tax or VAT id, if they have one.
    #[serde(default)]
    #[schema(max_length = 50)]
    pub tax_id: Option<String>,
    /// The invoice's language: `en` or `zh-CN` (the order's otherwise).
    #[serde(default)]
    pub locale: Option<String>,
}

impl BillingInput {
    /// Every bad field at once; `address_required` for buyers.
    pub fn validate(&self, address_required: bool) -> Result<(), ValidationError> {
        let mut e = ValidationError::new();
        if let Some(n) = &self.name {
            check_text(&mut e, "name", n, 1, 200);
        }
        match &self.address {
            Some(a) => check_address(&mut e, "address", a, address_required),
            None if address_required => e.add_key("address", MessageKey::new("errors-empty"), "must not be empty"),
            None => {}
        }
        if let Some(t) = &self.tax_id {
            check_text(&mut e, "tax_id", t, 0, 50);
        }
        if let Some(l) = &self.locale {
            e.check_key(
                matches!(l.as_str(), "en" | "zh-CN"),
                "locale",
                MessageKey::new("errors-invoice-locale"),
                "`en` or `zh-CN`",
            );
        }
        e.finish()
    }

    /// The buyer's party: the given details, the order's name and e-mail otherwise.
    pub fn party(&self, order: &Order) -> Party {
        let name = self.name.as_deref().map(str::trim).filter(|n| !n.is_empty()).unwrap_or(&order.buyer_name);
        Party {
            name: name.to_string(),
            address: self.address.as_deref().map(normalize_lines).unwrap_or_default(),
            tax_id: self.tax_id.as_deref().map(str::trim).unwrap_or_default().to_string(),
            registration_number: String::new(),
            email: order.buyer_email.clone(),
        }
    }
}

fn check_address(e: &mut ValidationError, field: &str, value: &str, required: bool) {
    check_text(e, field, value, usize::from(required), 500);
    let lines = value.lines().filter(|l| !l.trim().is_empty()).count();
    e.check_key(lines <= 8, field, MessageKey::new("errors-invoice-address-lines").num("max", 8), "at most 8 lines");
}

fn check_prefix(e: &mut ValidationError, prefix: &str) {
    let p = prefix.trim();
    let ok = p.chars().count() <= MAX_PREFIX
        && p.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.' | '#'));
    e.check_key(
        ok,
        "number_prefix",
        MessageKey::new("errors-invoice-prefix").num("max", MAX_PREFIX),
        "at most 20 of A-Z, a-z, 0-9 and - _ / . #",
    );
}

/// Trimmed lines joined by `\n`, blank lines dropped.
fn normalize_lines(text: &str) -> String {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n")
}

/// `invoice` or `credit_note`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceKind {
    Invoice,
    CreditNote,
}

impl InvoiceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceKind::Invoice => "invoice",
            InvoiceKind::CreditNote => "credit_note",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "invoice" => Some(InvoiceKind::Invoice),
            "credit_note" => Some(InvoiceKind::CreditNote),
            _ => None,
        }
    }
}

/// A seller or a buyer as the document names them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Party {
    pub name: String,
    /// Lines separated by `\n`.
    pub address: String,
    pub tax_id: String,
    pub registration_number: String,
    pub email: String,
}

/// One line of goods: what was sold, at what price, with which tax.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct DocLine {
    pub description: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
    /// quantity x unit price.
    pub amount_minor: i64,
    /// Basis points: 1900 is 19 %.
    pub tax_rate_bp: i64,
    /// The tax in this line (after its discount), included in the price or added.
    pub tax_minor: i64,
    pub tax_inclusive: bool,
}

/// A discount of the order, as its own line (taken off, positive).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct DocDiscount {
    pub code: String,
    pub description: String,
    pub amount_minor: i64,
}

/// The tax of one rate over the whole document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct DocTax {
    pub rate_bp: i64,
    pub tax_minor: i64,
    /// Whether it is included in the prices (else added on top).
    pub inclusive: bool,
}

/// What an invoice or credit note says, frozen when it was issued.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct InvoiceDocument {
    pub kind: InvoiceKind,
    pub number: String,
    #[schema(value_type = String, format = DateTime)]
    pub issued_at: Timestamp,
    /// `en` or `zh-CN`.
    pub locale: String,
    pub seller: Party,
    pub buyer: Party,
    pub order_id: OrderId,
    pub order_reference: String,
    pub event_name: String,
    #[schema(value_type = String, example = "EUR")]
    pub currency: Currency,
    pub lines: Vec<DocLine>,
    pub discounts: Vec<DocDiscount>,
    pub fees_minor: i64,
    /// Sum of the lines' amounts (list prices).
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub taxes: Vec<DocTax>,
    /// All tax, included or added.
    pub tax_minor: i64,
    /// What was paid (an invoice) or given back (a credit note, negative).
    pub total_minor: i64,
    pub footer: String,
    /// A credit note: the number of the invoice it corrects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrects: Option<String>,
}

/// Builds the invoice of a paid order.
pub fn invoice_document(
    settings: &InvoiceSettings,
    buyer: Party,
    order: &Order,
    event_name: &str,
    number: String,
    locale: &str,
    now: Timestamp,
) -> InvoiceDocument {
    let lines: Vec<DocLine> = order
        .lines
        .iter()
        .map(|l| DocLine {
            description: l.name.clone(),
            quantity: l.quantity,
            unit_price_minor: l.unit_price.amount_minor,
            amount_minor: l.unit_price.amount_minor.saturating_mul(l.quantity),
            tax_rate_bp: l.tax_rate_bp,
            tax_minor: l.tax.amount_minor,
            tax_inclusive: l.tax_inclusive,
        })
        .collect();
    let taxes = taxes_by_rate(&lines);
    InvoiceDocument {
        kind: InvoiceKind::Invoice,
        number,
        issued_at: now,
        locale: locale.to_string(),
        seller: settings.seller(),
        buyer,
        order_id: order.id,
        order_reference: order.reference.clone(),
        event_name: event_name.to_string(),
        currency: order.total.currency,
        discounts: order
            .discounts
            .iter()
            .map(|d| DocDiscount {
                code: d.code.clone(),
                description: d.description.clone(),
                amount_minor: d.amount.amount_minor,
            })
            .collect(),
        lines,
        fees_minor: order.fees.amount_minor,
        subtotal_minor: order.subtotal.amount_minor,
        discount_minor: order.discount.amount_minor,
        tax_minor: order.tax.amount_minor,
        taxes,
        total_minor: order.total.amount_minor,
        footer: settings.footer.clone(),
        corrects: None,
    }
}

/// The tax of the lines, one entry per (rate, included or added), by rate.
pub fn taxes_by_rate(lines: &[DocLine]) -> Vec<DocTax> {
    let mut out: Vec<DocTax> = Vec::new();
    for l in lines.iter().filter(|l| l.tax_rate_bp > 0 || l.tax_minor != 0) {
        match out.iter_mut().find(|t| t.rate_bp == l.tax_rate_bp && t.inclusive == l.tax_inclusive) {
            Some(t) => t.tax_minor += l.tax_minor,
            None => out.push(DocTax { rate_bp: l.tax_rate_bp, tax_minor: l.tax_minor, inclusive: l.tax_inclusive }),
        }
    }
    out.sort_by_key(|t| (t.rate_bp, t.inclusive));
    out
}

/// Builds the credit note for `refunded_minor` given back on `invoice`: one
/// line for the amount, and the tax in it per rate, in proportion to the
/// invoice's tax over its total (rounded down; the last rate takes what is
/// left of the rounding, so the parts add up).
pub fn credit_note_document(
    settings: &InvoiceSettings,
    invoice: &InvoiceDocument,
    refunded_minor: i64,
    description: &str,
    number: String,
    now: Timestamp,
) -> InvoiceDocument {
    let refunded = refunded_minor.max(0);
    let total = invoice.total_minor.max(0);
    let mut taxes: Vec<DocTax> = Vec::new();
    if total > 0 {
        let tax_total: i128 = invoice.taxes.iter().map(|t| i128::from(t.tax_minor)).sum();
        let credited_total = i64::try_from(i128::from(refunded) * tax_total / i128::from(total)).unwrap_or(0);
        let mut left = credited_total;
        for (i, t) in invoice.taxes.iter().enumerate() {
            let part = if i + 1 == invoice.taxes.len() {
                left
            } else {
                i64::try_from(i128::from(refunded) * i128::from(t.tax_minor) / i128::from(total)).unwrap_or(0)
            };
            left -= part;
            taxes.push(DocTax { rate_bp: t.rate_bp, tax_minor: -part, inclusive: true });
        }
    }
    let tax_minor = taxes.iter().map(|t| t.tax_minor).sum();
    InvoiceDocument {
        kind: InvoiceKind::CreditNote,
        number,
        issued_at: now,
        locale: invoice.locale.clone(),
        // The seller as the settings say now: a credit note is a new document.
        seller: settings.seller(),
        buyer: invoice.buyer.clone(),
        order_id: invoice.order_id,
        order_reference: invoice.order_reference.clone(),
        event_name: invoice.event_name.clone(),
        currency: invoice.currency,
        lines: vec![DocLine {
            description: description.to_string(),
            quantity: 1,
            unit_price_minor: -refunded,
            amount_minor: -refunded,
            tax_rate_bp: 0,
            tax_minor,
            tax_inclusive: true,
        }],
        discounts: Vec::new(),
        fees_minor: 0,
        subtotal_minor: -refunded,
        discount_minor: 0,
        taxes,
        tax_minor,
        total_minor: -refunded,
        footer: settings.footer.clone(),
        corrects: Some(invoice.number.clone()),
    }
}

/// An issued invoice or credit note.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Invoice {
    pub id: InvoiceId,
    pub org_id: OrgId,
    pub order_id: OrderId,
    pub kind: InvoiceKind,
    /// The position in the organization's sequence (1, 2, 3, ...).
    pub sequence: i64,
    pub number: String,
    /// A credit note: the invoice it corrects.
    pub invoice_id: Option<InvoiceId>,
    /// A credit note: the refund it documents.
    pub refund_id: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    pub issued_at: Timestamp,
    pub document: InvoiceDocument,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> InvoiceSettings {
        InvoiceSettings {
            org_id: OrgId::new(),
            legal_name: "Acme GmbH".into(),
            address: "1 Main St\nBerlin".into(),
            tax_id: "DE123".into(),
            registration_number: String::new(),
            number_prefix: "INV-".into(),
            footer: "Thanks".into(),
            next_number: 1,
            updated_at: Timestamp::UNIX_EPOCH,
        }
    }

    fn line(rate: i64, tax: i64, inclusive: bool) -> DocLine {
        DocLine {
            description: "GA".into(),
            quantity: 1,
            unit_price_minor: 1000,
            amount_minor: 1000,
            tax_rate_bp: rate,
            tax_minor: tax,
            tax_inclusive: inclusive,
        }
    }

    #[test]
    fn settings_need_a_legal_name_and_an_address_and_a_tame_prefix() {
        let e = InvoiceSettingsInput::default().validate().unwrap_err();
        let fields: Vec<_> = e.fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["legal_name", "address"]);
        let bad = InvoiceSettingsInput {
            legal_name: "x".repeat(201),
            address: "a\nb\nc\nd\ne\nf\ng\nh\ni".into(),
            tax_id: "t".repeat(51),
            number_prefix: "INV <1>".into(),
            footer: "f".repeat(1001),
            ..Default::default()
        };
        let fields: Vec<_> = bad.validate().unwrap_err().fields.into_iter().map(|f| f.field).collect();
        assert_eq!(fields, ["legal_name", "address", "tax_id", "number_prefix", "footer"]);
        let good = InvoiceSettingsInput {
            legal_name: " Acme ".into(),
            address: " 1 Main St \r\n\r\n Berlin ".into(),
            number_prefix: "INV-2026/".into(),
            ..Default::default()
        };
        good.validate().unwrap();
        assert_eq!(good.normalized().address, "1 Main St\nBerlin");
        assert_eq!(good.normalized().legal_name, "Acme");
    }

    #[test]
    fn buyers_must_give_an_address_and_staff_need_not() {
        let b = BillingInput { name: Some("Ann".into()), ..Default::default() };
        assert_eq!(b.validate(true).unwrap_err().fields[0].field, "address");
        b.validate(false).unwrap();
        let bad = BillingInput { locale: Some("fr".into()), ..Default::default() };
        assert_eq!(bad.validate(false).unwrap_err().fields[0].field, "locale");
    }

    #[test]
    fn taxes_are_summed_per_rate() {
        let lines = [line(1900, 160, true), line(700, 65, true), line(1900, 100, true), line(0, 0, true)];
        let t = taxes_by_rate(&lines);
        assert_eq!(
            t,
            [
                DocTax { rate_bp: 700, tax_minor: 65, inclusive: true },
                DocTax { rate_bp: 1900, tax_minor: 260, inclusive: true }
            ]
        );
    }

    #[test]
    fn a_credit_note_takes_tax_back_in_proportion_and_adds_up() {
        let s = settings();
        let lines = vec![line(1900, 160, true), line(700, 65, true)];
        let inv = InvoiceDocument {
            kind: InvoiceKind::Invoice,
            number: "INV-1".into(),
            issued_at: Timestamp::UNIX_EPOCH,
            locale: "en".into(),
            seller: s.seller(),
            buyer: Party::default(),
            order_id: OrderId::new(),
            order_reference: "R".into(),
            event_name: "E".into(),
            currency: Currency::parse("EUR").unwrap(),
            taxes: taxes_by_rate(&lines),
            lines,
            discounts: vec![],
            fees_minor: 0,
            subtotal_minor: 2000,
            discount_minor: 0,
            tax_minor: 225,
            total_minor: 2000,
            footer: String::new(),
            corrects: None,
        };
        let cn = credit_note_document(&s, &inv, 1000, "Refund", "INV-2".into(), Timestamp::UNIX_EPOCH);
        assert_eq!(cn.total_minor, -1000);
        assert_eq!(cn.corrects.as_deref(), Some("INV-1"));
        // 1000 * 225 / 2000 = 112 in all: 32 at 7 %, the rest (80) at 19 %.
        assert_eq!(cn.tax_minor, -112);
        assert_eq!(cn.taxes.iter().map(|t| (t.rate_bp, t.tax_minor)).collect::<Vec<_>>(), [(700, -32), (1900, -80)]);
    }
}
