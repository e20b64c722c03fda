-- A venue's seat map: the tessera-seating JSON document (format version 1,
-- with seat ids), kept whole; events copy what they sell from it. `version`
-- grows with every import, so a client can tell a map changed.
CREATE TABLE seat_maps (
    venue_id   TEXT PRIMARY KEY REFERENCES venues(id),
    org_id     TEXT NOT NULL REFERENCES organizations(id),
    document   TEXT NOT NULL,
    seats      BIGINT NOT NULL,
    areas      BIGINT NOT NULL,
    version    BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
