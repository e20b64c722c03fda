-- Gift cards of an organization: a balance in one currency that pays for
-- orders and can be spent at counters. `balance_minor` changes only under a
-- lock on the row (PostgreSQL `FOR UPDATE`; SQLite's single writer), and
-- the CHECK keeps it from ever going below zero.
CREATE TABLE gift_cards (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organizations(id),
    code          TEXT NOT NULL,
    currency      TEXT NOT NULL,
    initial_minor BIGINT NOT NULL CHECK (initial_minor > 0),
    balance_minor BIGINT NOT NULL CHECK (balance_minor >= 0),
    expires_at    BIGINT,
    state         TEXT NOT NULL CHECK (state IN ('active', 'disabled')),
    note          TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    UNIQUE (org_id, code)
);

-- Every movement of a card's balance, with who and when. A counter
-- redemption keeps its request's Idempotency-Key: a repeat finds this row.
CREATE TABLE gift_card_txns (
    id            TEXT PRIMARY KEY,
    card_id       TEXT NOT NULL REFERENCES gift_cards(id),
    kind          TEXT NOT NULL CHECK (kind IN ('issue', 'checkout', 'counter', 'refund', 'adjust')),
    amount_minor  BIGINT NOT NULL,
    balance_after BIGINT NOT NULL CHECK (balance_after >= 0),
    order_id      TEXT,
    payment_id    TEXT,
    actor         TEXT NOT NULL,
    note          TEXT NOT NULL,
    request_key   TEXT UNIQUE,
    at            BIGINT NOT NULL
);
CREATE INDEX gift_card_txns_card ON gift_card_txns (card_id, at);
CREATE INDEX gift_card_txns_order ON gift_card_txns (order_id);
