-- Payments, refunds, the money ledger, the outbox and outbound webhooks.

-- An event's money settings (fees, taxes per ticket type, refund policy,
-- reminder), as the JSON of tessera_domain::payments::EventPricing.
CREATE TABLE event_pricing (
    event_id   TEXT PRIMARY KEY REFERENCES events(id),
    settings   TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- The receipt of an order: tax and fees in it; what was paid and refunded.
ALTER TABLE orders ADD COLUMN subtotal_minor BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN tax_minor BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN fee_minor BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN fee_charged_minor BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN paid_minor BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN refunded_minor BIGINT NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0 AND refunded_minor <= paid_minor);
-- The seats a hold took (comma-separated indexes), so that a payment
-- arriving after the hold expired can take the same seats again.
ALTER TABLE holds ADD COLUMN seat_indexes TEXT;

-- The buyer's language (BCP 47), for e-mails.
ALTER TABLE orders ADD COLUMN locale TEXT NOT NULL DEFAULT 'en';
ALTER TABLE order_lines ADD COLUMN tax_minor BIGINT NOT NULL DEFAULT 0;
ALTER TABLE order_lines ADD COLUMN tax_rate_bp BIGINT NOT NULL DEFAULT 0;
ALTER TABLE order_lines ADD COLUMN tax_inclusive BIGINT NOT NULL DEFAULT 1;
ALTER TABLE order_lines ADD COLUMN fee_minor BIGINT NOT NULL DEFAULT 0;

-- Which provider an organization takes payments with; secrets (API keys,
-- webhook secrets) only sealed with the server's master key.
CREATE TABLE payment_settings (
    org_id         TEXT PRIMARY KEY REFERENCES organizations(id),
    provider       TEXT NOT NULL CHECK (provider IN ('manual', 'sandbox', 'stripe')),
    settings       TEXT NOT NULL,
    secrets_sealed TEXT,
    updated_at     BIGINT NOT NULL
);

-- One attempt to pay an order with a provider.
CREATE TABLE payments (
    id               TEXT PRIMARY KEY,
    order_id         TEXT NOT NULL REFERENCES orders(id),
    org_id           TEXT NOT NULL REFERENCES organizations(id),
    provider         TEXT NOT NULL,
    -- The provider's id for the attempt (checkout session, transfer reference).
    provider_ref     TEXT NOT NULL,
    -- The provider's id of the money movement, for refunds (payment intent).
    provider_payment TEXT,
    state            TEXT NOT NULL CHECK (state IN ('open', 'succeeded', 'failed', 'expired')),
    amount_minor     BIGINT NOT NULL CHECK (amount_minor > 0),
    currency         TEXT NOT NULL,
    redirect_url     TEXT,
    due_at           BIGINT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    UNIQUE (provider, provider_ref)
);
CREATE INDEX payments_by_order ON payments (order_id);
CREATE INDEX payments_by_state ON payments (state, created_at);

-- Every event a provider reported, once: the primary key makes a repeated
-- event change nothing, in the same transaction as its effect.
CREATE TABLE provider_events (
    provider    TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    payment_id  TEXT,
    kind        TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    payload     TEXT NOT NULL,
    PRIMARY KEY (provider, event_id)
);
CREATE INDEX provider_events_by_payment ON provider_events (payment_id);

CREATE TABLE refunds (
    id            TEXT PRIMARY KEY,
    order_id      TEXT NOT NULL REFERENCES orders(id),
    payment_id    TEXT NOT NULL REFERENCES payments(id),
    org_id        TEXT NOT NULL REFERENCES organizations(id),
    amount_minor  BIGINT NOT NULL CHECK (amount_minor > 0),
    currency      TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('pending', 'succeeded', 'failed')),
    provider_ref  TEXT,
    reason        TEXT NOT NULL,
    actor         TEXT NOT NULL,
    -- What the refund voids: comma-separated ticket ids, or 'all'.
    tickets       TEXT NOT NULL,
    -- A repeated request (same Idempotency-Key, same late payment) finds this row.
    request_key   TEXT NOT NULL UNIQUE,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX refunds_by_order ON refunds (order_id);
CREATE INDEX refunds_by_state ON refunds (state, created_at);

-- Double-entry postings: the entries of one txn_id sum to zero.
CREATE TABLE ledger_entries (
    id           TEXT PRIMARY KEY,
    txn_id       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    org_id       TEXT NOT NULL REFERENCES organizations(id),
    order_id     TEXT,
    account      TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    currency     TEXT NOT NULL,
    -- What a transaction without an order is about (a payout's reference).
    memo         TEXT,
    at           BIGINT NOT NULL
);
CREATE INDEX ledger_by_order ON ledger_entries (order_id);
CREATE INDEX ledger_by_org ON ledger_entries (org_id, account, currency);
CREATE INDEX ledger_by_txn ON ledger_entries (txn_id);

-- Side effects written in the same transaction as their cause, delivered
-- by a worker at least once. id is what receivers see (webhook-id, the
-- e-mail's Message-ID); a row whose next_attempt_at lies in the future is a
-- scheduled job (a reminder, a delayed sandbox confirmation).
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL,
    kind            TEXT NOT NULL,
    topic           TEXT NOT NULL,
    subject_id      TEXT,
    payload         TEXT NOT NULL,
    dedupe_key      TEXT UNIQUE,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    locked_until    BIGINT NOT NULL DEFAULT 0,
    last_error      TEXT,
    created_at      BIGINT NOT NULL,
    done_at         BIGINT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_by_subject ON outbox (subject_id, kind);

CREATE TABLE webhook_endpoints (
    id                   TEXT PRIMARY KEY,
    org_id               TEXT NOT NULL REFERENCES organizations(id),
    url                  TEXT NOT NULL,
    secret_sealed        TEXT NOT NULL,
    -- Space-separated event types, or '*'.
    event_types          TEXT NOT NULL,
    description          TEXT NOT NULL,
    enabled              BIGINT NOT NULL,
    consecutive_failures BIGINT NOT NULL DEFAULT 0,
    disabled_reason      TEXT,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL
);
CREATE INDEX webhook_endpoints_by_org ON webhook_endpoints (org_id);

-- Every delivery attempt, for the delivery log.
CREATE TABLE webhook_attempts (
    id          TEXT PRIMARY KEY,
    delivery_id TEXT NOT NULL,
    endpoint_id TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    topic       TEXT NOT NULL,
    at          BIGINT NOT NULL,
    status      BIGINT,
    duration_ms BIGINT NOT NULL,
    error       TEXT,
    response    TEXT
);
CREATE INDEX webhook_attempts_by_endpoint ON webhook_attempts (endpoint_id, at);
