-- Series: an event that repeats by a rule (an RRULE subset, see
-- tessera-domain `series.rs`). Each occurrence is an ordinary event
-- (inventory, checkout and scanning unchanged) that names its series.
-- The series keeps what made its occurrences: the rule, the first date and
-- the day's start times and the dates taken out and added, all in the
-- venue's zone (dates `YYYY-MM-DD`, times `HH:MM`, lists as JSON arrays),
-- and the template new occurrences copy (length, one capacity shared by the
-- ticket types, the types with their prices as JSON).
CREATE TABLE series (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations(id),
    venue_id         TEXT NOT NULL REFERENCES venues(id),
    title            TEXT NOT NULL,
    description      TEXT NOT NULL,
    category         TEXT NOT NULL,
    rrule            TEXT NOT NULL,
    first_date       TEXT NOT NULL,
    times            TEXT NOT NULL,
    exdates          TEXT NOT NULL,
    rdates           TEXT NOT NULL,
    removed          TEXT NOT NULL,
    duration_minutes BIGINT NOT NULL CHECK (duration_minutes > 0),
    capacity         BIGINT NOT NULL CHECK (capacity >= 0),
    currency         TEXT NOT NULL,
    ticket_types     TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX series_by_org ON series (org_id, created_at);

ALTER TABLE events ADD COLUMN series_id TEXT REFERENCES series(id);
-- The occurrence list and the calendar read a series' events by start.
CREATE INDEX events_by_series ON events (series_id, starts_at);
