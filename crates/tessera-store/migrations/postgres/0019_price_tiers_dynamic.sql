-- Price tiers of a ticket type: early bird by date, and by quantity (the
-- first 100 at one price, the next 200 at another). Tiers are tried in
-- `position` order; one applies while `until_at` has not passed and fewer
-- than `quantity` of its tickets are held or sold. Past the last tier the
-- ticket type's own price applies. `held` and `sold` are counters kept by
-- the inventory batch under the event's lock, like a quota's, so that a
-- boundary is never overshot. An order's lines say what its hold took at
-- each tier (`order_lines.tier_id`).
CREATE TABLE price_tiers (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organizations(id),
    event_id       TEXT NOT NULL REFERENCES events(id),
    ticket_type_id TEXT NOT NULL REFERENCES ticket_types(id),
    position       BIGINT NOT NULL,
    name           TEXT NOT NULL,
    price_minor    BIGINT NOT NULL CHECK (price_minor >= 0),
    until_at       BIGINT,
    quantity       BIGINT CHECK (quantity IS NULL OR quantity > 0),
    held           BIGINT NOT NULL DEFAULT 0 CHECK (held >= 0),
    sold           BIGINT NOT NULL DEFAULT 0 CHECK (sold >= 0),
    created_at     BIGINT NOT NULL
);
CREATE INDEX price_tiers_event ON price_tiers (event_id, ticket_type_id, position);

-- An order may now have a line per ticket type and price: three tickets
-- bought across a tier boundary are two lines. `tier_id` is '' for the
-- ticket type's own price.
ALTER TABLE order_lines ADD COLUMN tier_id TEXT NOT NULL DEFAULT '';
ALTER TABLE order_lines DROP CONSTRAINT order_lines_pkey;
ALTER TABLE order_lines ADD PRIMARY KEY (order_id, ticket_type_id, tier_id);

-- Dynamic pricing of a ticket type: its price (`ticket_types.price_minor`)
-- moves between a floor and a ceiling by a rule; the sweeper applies it
-- with a compare-and-set on the price, so two processes record one change.
CREATE TABLE dynamic_pricing (
    ticket_type_id  TEXT PRIMARY KEY REFERENCES ticket_types(id),
    org_id          TEXT NOT NULL REFERENCES organizations(id),
    event_id        TEXT NOT NULL REFERENCES events(id),
    floor_minor     BIGINT NOT NULL CHECK (floor_minor >= 0),
    ceiling_minor   BIGINT NOT NULL,
    rule            TEXT NOT NULL CHECK (rule IN ('share_sold', 'sales_rate', 'time_to_event')),
    target_per_hour BIGINT,
    step_bp         BIGINT,
    window_hours    BIGINT,
    falling         BIGINT NOT NULL DEFAULT 0,
    rounding_minor  BIGINT NOT NULL DEFAULT 1,
    last_change_at  BIGINT,
    CHECK (ceiling_minor >= floor_minor)
);

-- Every change of a price under dynamic pricing, with its reason and figure.
CREATE TABLE price_changes (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL,
    ticket_type_id TEXT NOT NULL,
    at             BIGINT NOT NULL,
    from_minor     BIGINT NOT NULL,
    to_minor       BIGINT NOT NULL,
    reason         TEXT NOT NULL,
    figure         BIGINT NOT NULL
);
CREATE INDEX price_changes_type ON price_changes (ticket_type_id, at);
