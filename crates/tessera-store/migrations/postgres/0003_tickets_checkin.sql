-- Ticket codes, signing keys, and check-in.
--
-- A ticket's code is signed once, on first delivery, with its organization's
-- current key and kept (code, key_id): a later key rotation does not change
-- codes already handed out. Voiding a ticket (cancel, refund, re-issue)
-- revokes its code: the revocation list is the event's void tickets.

ALTER TABLE tickets ADD COLUMN code TEXT;
ALTER TABLE tickets ADD COLUMN key_id TEXT;
ALTER TABLE tickets ADD COLUMN voided_at BIGINT;
-- Set on a ticket that a re-issue (e.g. a name change) replaced.
ALTER TABLE tickets ADD COLUMN replaced_by TEXT;
CREATE INDEX tickets_by_event_created ON tickets (event_id, created_at);
CREATE INDEX tickets_by_event_voided ON tickets (event_id, voided_at);

-- Ed25519 keys. The private half is stored only encrypted under the
-- server's master key (ChaCha20-Poly1305; secret_enc is base64 of nonce and
-- ciphertext). An organization has one current key (retired_at NULL);
-- retired keys no longer sign but stay trusted for what they signed.
CREATE TABLE signing_keys (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organizations(id),
    public_key TEXT NOT NULL,
    secret_enc TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    retired_at BIGINT
);
CREATE UNIQUE INDEX signing_keys_one_current ON signing_keys (org_id) WHERE retired_at IS NULL;

CREATE TABLE checkin_lists (
    id                  TEXT PRIMARY KEY,
    org_id              TEXT NOT NULL REFERENCES organizations(id),
    event_id            TEXT NOT NULL REFERENCES events(id),
    name                TEXT NOT NULL,
    entry_policy        TEXT NOT NULL CHECK (entry_policy IN ('single', 'reentry', 'per_day')),
    max_entries_per_day BIGINT,
    created_at          BIGINT NOT NULL
);
CREATE INDEX checkin_lists_by_event ON checkin_lists (event_id);

-- The ticket types a list admits; none means all of the event's.
CREATE TABLE checkin_list_types (
    list_id        TEXT NOT NULL REFERENCES checkin_lists(id),
    ticket_type_id TEXT NOT NULL REFERENCES ticket_types(id),
    PRIMARY KEY (list_id, ticket_type_id)
);

CREATE TABLE gates (
    id      TEXT PRIMARY KEY,
    list_id TEXT NOT NULL REFERENCES checkin_lists(id),
    name    TEXT NOT NULL,
    UNIQUE (list_id, name)
);

-- One ticket's standing on one list; scans of a ticket serialize on this row.
CREATE TABLE checkin_presence (
    list_id       TEXT NOT NULL REFERENCES checkin_lists(id),
    ticket_id     TEXT NOT NULL REFERENCES tickets(id),
    entries       BIGINT NOT NULL,
    inside        BIGINT NOT NULL,
    first_scan_id TEXT,
    first_at      BIGINT,
    first_gate_id TEXT,
    first_nonce   TEXT,
    day           TEXT,
    day_entries   BIGINT NOT NULL,
    PRIMARY KEY (list_id, ticket_id)
);

-- Every scan, failures included. The nonce is the scanner's: a retried
-- request (or a re-uploaded offline scan) finds its first answer.
CREATE TABLE scans (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organizations(id),
    list_id        TEXT NOT NULL REFERENCES checkin_lists(id),
    nonce          TEXT NOT NULL,
    ticket_id      TEXT,
    ticket_type_id TEXT,
    gate_id        TEXT,
    device         TEXT NOT NULL,
    direction      TEXT NOT NULL CHECK (direction IN ('entry', 'exit')),
    result         TEXT NOT NULL,
    offline        BIGINT NOT NULL,
    -- An offline admission that lost to an earlier one of the same ticket.
    conflict       BIGINT NOT NULL,
    scanned_at     BIGINT NOT NULL,
    received_at    BIGINT NOT NULL,
    UNIQUE (list_id, nonce)
);
CREATE INDEX scans_by_ticket ON scans (list_id, ticket_id, scanned_at);
