-- Ticket transfers: a holder offers tickets to an e-mail address; the
-- recipient accepts (signed in, or as a guest through the e-mailed link)
-- and gets new tickets with new ids, hence new codes, while the old ones
-- are voided (reason `transferred`) and so revoked online at once and
-- offline at the scanner's next sync.
--
-- The new tickets stay on the original order: the order keeps its money,
-- payments, refunds and ledger as they were (a refund of the order voids
-- its tickets wherever they went). `holder_email` set means the ticket was
-- transferred in: its holder is that address (and `holder_user_id`, when
-- the recipient was signed in), no longer the order's buyer.

-- An event's transfer rules; no row means transfers are not allowed.
CREATE TABLE event_transfer_settings (
    event_id       TEXT PRIMARY KEY REFERENCES events(id),
    allowed        BIGINT NOT NULL,
    -- Transfers close (offers and acceptances) this many hours before the start.
    cutoff_hours   BIGINT NOT NULL CHECK (cutoff_hours >= 0),
    -- How many times one seat's ticket may change hands.
    max_per_ticket BIGINT NOT NULL CHECK (max_per_ticket >= 1),
    updated_at     BIGINT NOT NULL
);

ALTER TABLE tickets ADD COLUMN holder_email TEXT;
ALTER TABLE tickets ADD COLUMN holder_user_id TEXT;
-- How many transfers led to this ticket (0 for one issued with its order).
ALTER TABLE tickets ADD COLUMN transfer_count BIGINT NOT NULL DEFAULT 0;
-- Why a void ticket is void, when it is known (`transferred`).
ALTER TABLE tickets ADD COLUMN void_reason TEXT;
-- The pending transfer offering this ticket: at most one at a time.
ALTER TABLE tickets ADD COLUMN pending_transfer_id TEXT;
CREATE INDEX tickets_by_holder_user ON tickets (holder_user_id);

-- One offer of one or more tickets of an order. The secret of the accept
-- link is stored only as its SHA-256.
CREATE TABLE ticket_transfers (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations(id),
    event_id         TEXT NOT NULL REFERENCES events(id),
    order_id         TEXT NOT NULL REFERENCES orders(id),
    from_name        TEXT NOT NULL,
    from_email       TEXT NOT NULL,
    -- The account that offered, when signed in.
    from_user_id     TEXT,
    to_email         TEXT NOT NULL,
    to_name          TEXT NOT NULL,
    message          TEXT NOT NULL,
    locale           TEXT NOT NULL,
    token_hash       TEXT NOT NULL UNIQUE,
    state            TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'cancelled', 'expired')),
    -- The cutoff: a pending transfer past it can no longer be accepted.
    expires_at       BIGINT NOT NULL,
    created_at       BIGINT NOT NULL,
    ended_at         BIGINT,
    accepted_name    TEXT,
    accepted_user_id TEXT
);
CREATE INDEX ticket_transfers_by_order ON ticket_transfers (order_id, created_at);
CREATE INDEX ticket_transfers_by_state ON ticket_transfers (state, expires_at);

-- The tickets a transfer offers, and the tickets that replaced them.
CREATE TABLE ticket_transfer_items (
    transfer_id   TEXT NOT NULL REFERENCES ticket_transfers(id),
    ticket_id     TEXT NOT NULL REFERENCES tickets(id),
    new_ticket_id TEXT,
    PRIMARY KEY (transfer_id, ticket_id)
);
CREATE INDEX ticket_transfer_items_by_ticket ON ticket_transfer_items (ticket_id);
