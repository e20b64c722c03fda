-- An event sold by seat: a copy of its venue's seat map taken when seating
-- was set up (later edits of the venue's map do not move sold seats), and
-- its price zones (seat category -> ticket type, as a JSON object).
CREATE TABLE event_seating (
    event_id    TEXT PRIMARY KEY REFERENCES events(id),
    org_id      TEXT NOT NULL REFERENCES organizations(id),
    map_version BIGINT NOT NULL,
    document    TEXT NOT NULL,
    zones       TEXT NOT NULL,
    version     BIGINT NOT NULL
);

-- A seat taken: held by a pending order, sold, or blocked by the organizer.
-- One row per seat and event, so no seat is ever held or sold twice; a seat
-- given back loses its row.
CREATE TABLE seat_claims (
    event_id       TEXT NOT NULL REFERENCES events(id),
    seat_index     BIGINT NOT NULL,
    seat_id        TEXT NOT NULL,
    label          TEXT NOT NULL,
    ticket_type_id TEXT REFERENCES ticket_types(id),
    state          TEXT NOT NULL CHECK (state IN ('held', 'sold', 'blocked')),
    hold_id        TEXT REFERENCES holds(id),
    PRIMARY KEY (event_id, seat_index)
);
CREATE INDEX seat_claims_by_hold ON seat_claims (hold_id);

ALTER TABLE tickets ADD COLUMN seat_label TEXT;
