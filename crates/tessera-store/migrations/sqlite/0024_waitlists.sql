-- Waitlists: when a ticket type is sold out, buyers join its waitlist
-- (quantity, contact, language). Freed inventory is offered in order of
-- joining: an offer IS a reservation (a hold and a pending order, made in
-- the event's inventory batch under the event's lock) that expires at the
-- offer's end, so an offer takes the freed tickets and nobody else can buy
-- them; an unanswered offer expires like any hold and the next entry is
-- offered what it freed.

-- An event's waitlist switch and how long an offer holds its tickets; no
-- row means the event has no waitlist.
CREATE TABLE event_waitlist_settings (
    event_id      TEXT PRIMARY KEY REFERENCES events(id),
    enabled       BIGINT NOT NULL,
    offer_minutes BIGINT NOT NULL CHECK (offer_minutes >= 5 AND offer_minutes <= 10080),
    updated_at    BIGINT NOT NULL
);

-- One buyer waiting for tickets of one ticket type.
-- state: waiting -> offered -> accepted | lapsed; waiting|offered -> left
-- (the buyer) | removed (staff); waiting -> skipped (the offer could not
-- be made for another reason than stock, e.g. the per-customer limit).
CREATE TABLE waitlist_entries (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organizations(id),
    event_id       TEXT NOT NULL REFERENCES events(id),
    ticket_type_id TEXT NOT NULL REFERENCES ticket_types(id),
    quantity       BIGINT NOT NULL CHECK (quantity >= 1),
    email          TEXT NOT NULL,
    name           TEXT NOT NULL,
    user_id        TEXT,
    locale         TEXT NOT NULL,
    -- SHA-256 of the entry's secret (its link); the offer's order takes
    -- the same hash, so the link opens the offered order too.
    token_hash     TEXT NOT NULL,
    state          TEXT NOT NULL,
    -- "<ticket type>/<buyer>" while waiting or offered, NULL after: one
    -- live entry per buyer and ticket type.
    active_key     TEXT UNIQUE,
    order_id       TEXT REFERENCES orders(id),
    note           TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    offered_at     BIGINT,
    ended_at       BIGINT
);
CREATE INDEX waitlist_entries_by_event ON waitlist_entries (event_id, state, id);
CREATE INDEX waitlist_entries_by_user ON waitlist_entries (user_id);
