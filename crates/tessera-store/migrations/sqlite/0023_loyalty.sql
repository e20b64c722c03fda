-- Loyalty points of an organization's buyers (signed-in users).

-- The organization's rule: points per currency unit paid, what a step of
-- points is worth when redeemed, and how many days points last (0: never).
CREATE TABLE loyalty_rules (
    org_id             TEXT PRIMARY KEY REFERENCES organizations(id),
    enabled            BIGINT NOT NULL,
    earn_per_unit      BIGINT NOT NULL CHECK (earn_per_unit >= 0),
    redeem_points      BIGINT NOT NULL CHECK (redeem_points > 0),
    redeem_value_minor BIGINT NOT NULL CHECK (redeem_value_minor > 0),
    expiry_days        BIGINT NOT NULL CHECK (expiry_days >= 0),
    updated_at         BIGINT NOT NULL
);

-- A buyer's balance with an organization. It changes only under a lock on
-- the row (PostgreSQL `FOR UPDATE`; SQLite's single writer) and the CHECK
-- keeps it from ever going below zero.
CREATE TABLE loyalty_accounts (
    org_id     TEXT NOT NULL REFERENCES organizations(id),
    user_id    TEXT NOT NULL REFERENCES users(id),
    balance    BIGINT NOT NULL CHECK (balance >= 0),
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, user_id)
);

-- Every movement of a balance. Entries that add points (earn, return,
-- adjust) are lots: `remaining` is what of them is still unspent and
-- unexpired, spent oldest expiry first, and expired at `expires_at`.
-- An earn entry keeps the money it was earned on (`base_minor`), so
-- refunds take back the earned points pro rata.
CREATE TABLE loyalty_entries (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('earn', 'redeem', 'expire', 'reverse', 'return', 'adjust')),
    points        BIGINT NOT NULL,
    balance_after BIGINT NOT NULL CHECK (balance_after >= 0),
    remaining     BIGINT NOT NULL CHECK (remaining >= 0),
    expires_at    BIGINT,
    order_id      TEXT,
    payment_id    TEXT,
    base_minor    BIGINT NOT NULL,
    note          TEXT NOT NULL,
    at            BIGINT NOT NULL
);
CREATE INDEX loyalty_entries_account ON loyalty_entries (org_id, user_id, at);
CREATE INDEX loyalty_entries_order ON loyalty_entries (order_id);
CREATE INDEX loyalty_entries_due ON loyalty_entries (expires_at) WHERE remaining > 0;
-- An order earns once.
CREATE UNIQUE INDEX loyalty_entries_earned ON loyalty_entries (order_id) WHERE kind = 'earn';
