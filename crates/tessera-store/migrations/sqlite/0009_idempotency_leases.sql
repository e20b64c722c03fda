-- Idempotency-Key records that survive crashes (ARCHITECTURE.md, "Idempotency
-- across crashes and processes").
--
-- A claim belongs to one server process (`owner`) for as long as that process
-- keeps renewing `lease_until`; a claim whose owner died lapses within
-- seconds and the next retry takes it over. Operations that change an
-- event's inventory write their response in the same transaction as their
-- effect, so a key whose effect committed always replays it.
--
-- The key itself is never stored (`idem_key` is a keyed hash of it), and the
-- response is sealed with a key derived from the Idempotency-Key: a reader
-- of the table cannot recover a shown-once secret (an order's access token,
-- an API token) from it. The old table held responses in clear; its rows
-- live a day at most and are dropped.
DROP TABLE idempotency_keys;
CREATE TABLE idempotency_keys (
    scope        TEXT NOT NULL,
    idem_key     TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    owner        TEXT NOT NULL,
    lease_until  BIGINT NOT NULL,
    status       BIGINT,
    response     TEXT,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (scope, idem_key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
CREATE INDEX idempotency_keys_running ON idempotency_keys (owner) WHERE status IS NULL;
