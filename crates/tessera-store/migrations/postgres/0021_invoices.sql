-- Invoicing: an organization's invoicing details with its number counter,
-- and the invoices and credit notes it issued.
--
-- `next_number` is the counter of the organization's one sequence (shared
-- by invoices and credit notes). A document takes its number in the same
-- transaction that stores it, under a lock on this row (`FOR UPDATE` on
-- PostgreSQL; SQLite's write transaction), so numbers have no gaps and no
-- repeats whatever runs at the same time.
CREATE TABLE invoice_settings (
    org_id              TEXT PRIMARY KEY REFERENCES organizations(id),
    legal_name          TEXT NOT NULL,
    address             TEXT NOT NULL,
    tax_id              TEXT NOT NULL,
    registration_number TEXT NOT NULL,
    number_prefix       TEXT NOT NULL,
    footer              TEXT NOT NULL,
    next_number         BIGINT NOT NULL DEFAULT 1 CHECK (next_number >= 1),
    updated_at          BIGINT NOT NULL
);

-- `document` is the JSON of what the document says, frozen when issued.
-- One invoice per order; one credit note per refund.
CREATE TABLE invoices (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations(id),
    order_id    TEXT NOT NULL REFERENCES orders(id),
    kind        TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    seq         BIGINT NOT NULL CHECK (seq >= 1),
    number      TEXT NOT NULL,
    invoice_id  TEXT REFERENCES invoices(id),
    refund_id   TEXT UNIQUE,
    total_minor BIGINT NOT NULL,
    currency    TEXT NOT NULL,
    issued_at   BIGINT NOT NULL,
    document    TEXT NOT NULL,
    UNIQUE (org_id, seq)
);
CREATE UNIQUE INDEX invoices_one_per_order ON invoices (order_id) WHERE kind = 'invoice';
CREATE INDEX invoices_by_org ON invoices (org_id, issued_at);
