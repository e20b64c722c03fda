-- Promo codes (vouchers) of an organization, for one event or all of its
-- events (`event_id` NULL). `uses` counts the orders holding a use now: a
-- reservation takes one in its inventory batch, and expiry, cancellation
-- and a full refund give it back (`promo_uses.state`). The limits are
-- decided in the batch under the event's lock and, on PostgreSQL, a row
-- lock on the code (an organization-wide code is shared between events).
CREATE TABLE promo_codes (
    id                    TEXT PRIMARY KEY,
    org_id                TEXT NOT NULL REFERENCES organizations(id),
    event_id              TEXT REFERENCES events(id),
    code                  TEXT NOT NULL,
    description           TEXT NOT NULL,
    kind                  TEXT NOT NULL CHECK (kind IN ('percent', 'amount', 'fixed_price')),
    value                 BIGINT NOT NULL CHECK (value >= 0),
    currency              TEXT,
    ticket_type_ids       TEXT NOT NULL,
    min_quantity          BIGINT NOT NULL,
    valid_from            BIGINT,
    valid_until           BIGINT,
    max_uses              BIGINT,
    max_uses_per_customer BIGINT,
    unlocks_hidden        BIGINT NOT NULL,
    batch                 TEXT,
    uses                  BIGINT NOT NULL DEFAULT 0 CHECK (uses >= 0),
    created_at            BIGINT NOT NULL,
    UNIQUE (org_id, code)
);
CREATE INDEX promo_codes_event ON promo_codes (event_id);
CREATE INDEX promo_codes_batch ON promo_codes (org_id, batch);

-- One row per order that used a code; `state` is `active` while the order
-- is pending or paid, `released` once it gave its use back.
CREATE TABLE promo_uses (
    code_id    TEXT NOT NULL,
    order_id   TEXT NOT NULL,
    buyer_key  TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('active', 'released')),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (order_id, code_id)
);
CREATE INDEX promo_uses_code ON promo_uses (code_id, buyer_key);

-- Each discount of an order as its own line; the order's total already
-- has them taken off (`orders.discount_minor` is their sum).
CREATE TABLE order_discounts (
    order_id     TEXT NOT NULL REFERENCES orders(id),
    position     BIGINT NOT NULL,
    code         TEXT NOT NULL,
    description  TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
    PRIMARY KEY (order_id, position)
);

ALTER TABLE orders ADD COLUMN discount_minor BIGINT NOT NULL DEFAULT 0;
