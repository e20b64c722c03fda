//! Invoicing: an organization's invoicing details, its number counter, and
//! the invoices and credit notes it issued.
//!
//! A document takes its number in the transaction that stores it: the
//! transaction locks the organization's settings row (which holds the
//! counter) before it looks for an existing document and reads the
//! counter, `FOR UPDATE` on PostgreSQL and by being SQLite's one write
//! transaction (`BEGIN IMMEDIATE`) there. Two requests at once therefore
//! queue on the lock: the second sees the first's document (one invoice per
//! order, one credit note per refund) or the counter it moved on, and
//! nothing commits a number without its document, so there are no gaps and
//! no repeats. The unique keys (`org_id, seq`; one invoice per order; one
//! credit note per refund) back this up.

use crate::payments::OutboxMessage;
use crate::row::{RowExt, micros};
use crate::{Backend, Result, Store, StoreError};
use tessera_domain::invoices::{Invoice, InvoiceDocument, InvoiceKind, InvoiceSettings, InvoiceSettingsInput};
use tessera_domain::orders::OrderId;
use tessera_domain::{InvoiceId, OrgId, Timestamp};

const SETTINGS_COLS: &str =
    "org_id, legal_name, address, tax_id, registration_number, number_prefix, footer, next_number, updated_at";
const INVOICE_COLS: &str =
    "id, org_id, order_id, kind, seq, number, invoice_id, refund_id, total_minor, currency, issued_at, document";

fn corrupt(col: &str) -> StoreError {
    StoreError::Corrupt(format!("invoices.{col}"))
}

fn settings_from(r: &sqlx::any::AnyRow) -> Result<InvoiceSettings> {
    Ok(InvoiceSettings {
        org_id: r.parse("org_id")?,
        legal_name: r.text("legal_name")?,
        address: r.text("address")?,
        tax_id: r.text("tax_id")?,
        registration_number: r.text("registration_number")?,
        number_prefix: r.text("number_prefix")?,
        footer: r.text("footer")?,
        next_number: r.int("next_number")?,
        updated_at: r.ts("updated_at")?,
    })
}

fn invoice_from(r: &sqlx::any::AnyRow) -> Result<Invoice> {
    let document: InvoiceDocument = serde_json::from_str(&r.text("document")?).map_err(|_| corrupt("document"))?;
    Ok(Invoice {
        id: r.parse("id")?,
        org_id: r.parse("org_id")?,
        order_id: r.parse("order_id")?,
        kind: InvoiceKind::parse(&r.text("kind")?).ok_or_else(|| corrupt("kind"))?,
        sequence: r.int("seq")?,
        number: r.text("number")?,
        invoice_id: r.opt_text("invoice_id")?.map(|i| i.parse()).transpose().map_err(|_| corrupt("invoice_id"))?,
        refund_id: r.opt_text("refund_id")?,
        issued_at: r.ts("issued_at")?,
        document,
    })
}

/// What a new document is for.
#[derive(Debug, Clone)]
pub enum DocumentFor {
    /// The invoice of an order (at most one).
    Invoice { order: OrderId },
    /// The credit note of a refund (at most one per refund) correcting an invoice.
    CreditNote { order: OrderId, invoice: InvoiceId, refund_id: String },
}

/// Why a document was not issued, besides the database failing.
#[derive(Debug)]
pub enum IssueError {
    /// The organization has no invoicing details yet.
    NoSettings,
    /// The builder refused (the order changed under it, ...): its message.
    Refused(StoreError),
    Store(StoreError),
}

impl From<StoreError> for IssueError {
    fn from(e: StoreError) -> Self {
        IssueError::Store(e)
    }
}

impl From<sqlx::Error> for IssueError {
    fn from(e: sqlx::Error) -> Self {
        IssueError::Store(e.into())
    }
}

impl Store {
    pub async fn invoice_settings(&self, org: OrgId) -> Result<Option<InvoiceSettings>> {
        let row = sqlx::query(dynsql!("SELECT {SETTINGS_COLS} FROM invoice_settings WHERE org_id = $1"))
            .bind(org.to_string())
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(settings_from).transpose()
    }

    /// Stores the organization's invoicing details (already validated and
    /// normalized); the counter stays where it is.
    pub async fn put_invoice_settings(
        &self,
        org: OrgId,
        s: &InvoiceSettingsInput,
        now: Timestamp,
    ) -> Result<InvoiceSettings> {
        let mut tx = self.write.begin().await?;
        sqlx::query(
            "INSERT INTO invoice_settings (org_id, legal_name, address, tax_id, registration_number, number_prefix,
                 footer, next_number, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8)
             ON CONFLICT (org_id) DO UPDATE SET legal_name = $2, address = $3, tax_id = $4,
                 registration_number = $5, number_prefix = $6, footer = $7, updated_at = $8",
        )
        .bind(org.to_string())
        .bind(s.legal_name.clone())
        .bind(s.address.clone())
        .bind(s.tax_id.clone())
        .bind(s.registration_number.clone())
        .bind(s.number_prefix.clone())
        .bind(s.footer.clone())
        .bind(micros(now))
        .execute(&mut *tx)
        .await?;
        let row = sqlx::query(dynsql!("SELECT {SETTINGS_COLS} FROM invoice_settings WHERE org_id = $1"))
            .bind(org.to_string())
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        settings_from(&row)
    }

    /// Issues a document with the organization's next number, or returns
    /// the one issued already for the same order (invoice) or refund
    /// (credit note): `(document, true)` when this call made it.
    ///
    /// `build` makes the document from the settings (locked) and its
    /// number's sequence position; `mails` names the messages to queue with
    /// it, in the same transaction.
    pub async fn issue_document(
        &self,
        org: OrgId,
        what: &DocumentFor,
        now: Timestamp,
        build: impl FnOnce(&InvoiceSettings, i64) -> Result<InvoiceDocument>,
        mails: impl FnOnce(&Invoice) -> Vec<OutboxMessage>,
    ) -> Result<(Invoice, bool), IssueError> {
        let mut tx = self.begin_write().await?;
        let lock = if self.backend == Backend::Postgres { " FOR UPDATE" } else { "" };
        let row = sqlx::query(dynsql!("SELECT {SETTINGS_COLS} FROM invoice_settings WHERE org_id = $1{lock}"))
            .bind(org.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        let Some(settings) = row.as_ref().map(settings_from).transpose()? else {
            return Err(IssueError::NoSettings);
        };
        // Under the lock: what an earlier request committed is seen here.
        let existing = match what {
            DocumentFor::Invoice { order } => {
                sqlx::query(dynsql!(
                    "SELECT {INVOICE_COLS} FROM invoices WHERE org_id = $1 AND order_id = $2 AND kind = 'invoice'"
                ))
                .bind(org.to_string())
                .bind(order.to_string())
                .fetch_optional(&mut *tx)
                .await?
            }
            DocumentFor::CreditNote { refund_id, .. } => {
                sqlx::query(dynsql!("SELECT {INVOICE_COLS} FROM invoices WHERE org_id = $1 AND refund_id = $2"))
                    .bind(org.to_string())
                    .bind(refund_id.clone())
                    .fetch_optional(&mut *tx)
                    .await?
            }
        };
        if let Some(r) = existing {
            return Ok((invoice_from(&r)?, false));
        }
        let seq = settings.next_number;
        let document = build(&settings, seq).map_err(IssueError::Refused)?;
        let (order, kind, invoice_id, refund_id) = match what {
            DocumentFor::Invoice { order } => (*order, InvoiceKind::Invoice, None, None),
            DocumentFor::CreditNote { order, invoice, refund_id } => {
                (*order, InvoiceKind::CreditNote, Some(*invoice), Some(refund_id.clone()))
            }
        };
        let invoice = Invoice {
            id: InvoiceId::new(),
            org_id: org,
            order_id: order,
            kind,
            sequence: seq,
            number: document.number.clone(),
            invoice_id,
            refund_id,
            issued_at: now,
            document,
        };
        let json = serde_json::to_string(&invoice.document).map_err(|_| corrupt("document"))?;
        sqlx::query(dynsql!(
            "INSERT INTO invoices ({INVOICE_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        ))
        .bind(invoice.id.to_string())
        .bind(org.to_string())
        .bind(order.to_string())
        .bind(kind.as_str())
        .bind(seq)
        .bind(invoice.number.clone())
        .bind(invoice.invoice_id.map(|i| i.to_string()))
        .bind(invoice.refund_id.clone())
        .bind(invoice.document.total_minor)
        .bind(invoice.document.currency.to_string())
        .bind(micros(now))
        .bind(json)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE invoice_settings SET next_number = $2 WHERE org_id = $1")
            .bind(org.to_string())
            .bind(seq + 1)
            .execute(&mut *tx)
            .await?;
        crate::payments::enqueue_in(&mut tx, org, &mails(&invoice), now).await?;
        tx.commit().await?;
        Ok((invoice, true))
    }

    pub async fn invoice(&self, org: OrgId, id: InvoiceId) -> Result<Option<Invoice>> {
        let row = sqlx::query(dynsql!("SELECT {INVOICE_COLS} FROM invoices WHERE id = $1 AND org_id = $2"))
            .bind(id.to_string())
            .bind(org.to_string())
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(invoice_from).transpose()
    }

    /// An order's invoice and credit notes, in number order.
    pub async fn order_invoices(&self, order: OrderId) -> Result<Vec<Invoice>> {
        let rows = sqlx::query(dynsql!("SELECT {INVOICE_COLS} FROM invoices WHERE order_id = $1 ORDER BY seq"))
            .bind(order.to_string())
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(invoice_from).collect()
    }

    /// The organization's invoices and credit notes, newest number first.
    pub async fn invoices(&self, org: OrgId, limit: i64, offset: i64) -> Result<Vec<Invoice>> {
        let rows = sqlx::query(dynsql!(
            "SELECT {INVOICE_COLS} FROM invoices WHERE org_id = $1 ORDER BY seq DESC LIMIT $2 OFFSET $3"
        ))
        .bind(org.to_string())
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(invoice_from).collect()
    }
}
