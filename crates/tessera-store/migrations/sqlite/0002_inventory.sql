-- Inventory and orders: holds that expire, orders, tickets, idempotency keys.
--
-- A hold is inventory set aside for a buyer; it shares its id with the
-- order it belongs to, whose lines say what it holds. Its allocations say how much
-- of each quota it takes, over which segments [seg_from, seg_to) of the
-- event's route; an event is the one-segment case [0, 1). quotas.held and
-- quotas.sold are running totals of the allocations of holds that are
-- active/ordered and sold; an active hold past expires_at no longer counts
-- (readers subtract it; the next reservation or the sweeper expires it).

ALTER TABLE ticket_types ADD COLUMN access_code TEXT;
ALTER TABLE events ADD COLUMN max_tickets_per_customer BIGINT;

CREATE TABLE holds (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations(id),
    event_id     TEXT NOT NULL REFERENCES events(id),
    -- 'user:<id>' or 'email:<address>': whose per-customer limit this counts against.
    buyer_key    TEXT NOT NULL,
    buyer_user_id TEXT REFERENCES users(id),
    buyer_email  TEXT NOT NULL,
    token_hash   TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('active', 'ordered', 'sold', 'released', 'expired')),
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    ended_at     BIGINT
);
CREATE INDEX holds_by_event_state_expiry ON holds (event_id, state, expires_at);
CREATE INDEX holds_by_state_expiry ON holds (state, expires_at);
CREATE INDEX holds_by_buyer ON holds (event_id, buyer_key);

CREATE TABLE hold_allocations (
    hold_id  TEXT NOT NULL REFERENCES holds(id),
    quota_id TEXT NOT NULL REFERENCES quotas(id),
    seg_from BIGINT NOT NULL DEFAULT 0,
    seg_to   BIGINT NOT NULL DEFAULT 1,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (hold_id, quota_id, seg_from),
    CHECK (seg_to > seg_from)
);
CREATE INDEX hold_allocations_by_quota ON hold_allocations (quota_id);

CREATE TABLE orders (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organizations(id),
    event_id      TEXT NOT NULL REFERENCES events(id),
    hold_id       TEXT NOT NULL UNIQUE REFERENCES holds(id),
    reference     TEXT NOT NULL UNIQUE,
    buyer_user_id TEXT REFERENCES users(id),
    buyer_email   TEXT NOT NULL,
    buyer_name    TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('pending', 'paid', 'cancelled', 'expired', 'refunded')),
    total_minor   BIGINT NOT NULL CHECK (total_minor >= 0),
    currency      TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    paid_at       BIGINT,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX orders_by_event ON orders (event_id, state);
CREATE INDEX orders_by_org ON orders (org_id, created_at);

CREATE TABLE order_lines (
    order_id         TEXT NOT NULL REFERENCES orders(id),
    ticket_type_id   TEXT NOT NULL REFERENCES ticket_types(id),
    name             TEXT NOT NULL,
    quantity         BIGINT NOT NULL CHECK (quantity > 0),
    unit_price_minor BIGINT NOT NULL,
    PRIMARY KEY (order_id, ticket_type_id)
);

-- Every state change of an order, with who made it.
CREATE TABLE order_history (
    id         TEXT PRIMARY KEY,
    order_id   TEXT NOT NULL REFERENCES orders(id),
    at         BIGINT NOT NULL,
    actor      TEXT NOT NULL,
    from_state TEXT,
    to_state   TEXT NOT NULL,
    note       TEXT NOT NULL
);
CREATE INDEX order_history_by_order ON order_history (order_id, at);

CREATE TABLE tickets (
    id             TEXT PRIMARY KEY,
    order_id       TEXT NOT NULL REFERENCES orders(id),
    org_id         TEXT NOT NULL REFERENCES organizations(id),
    event_id       TEXT NOT NULL REFERENCES events(id),
    ticket_type_id TEXT NOT NULL REFERENCES ticket_types(id),
    holder_name    TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('valid', 'used', 'void')),
    created_at     BIGINT NOT NULL
);
CREATE INDEX tickets_by_order ON tickets (order_id);
CREATE INDEX tickets_by_event ON tickets (event_id, ticket_type_id);

-- Idempotency-Key records: the stored response of a POST, kept 24 hours.
-- status is NULL while the first request is still being processed.
CREATE TABLE idempotency_keys (
    scope         TEXT NOT NULL,
    idem_key      TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    status        BIGINT,
    response_body TEXT,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (scope, idem_key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
