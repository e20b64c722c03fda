-- Face-value resale: a holder lists a ticket at most at its face value (or
-- a share of it the organizer sets); a buyer buys it through the normal
-- checkout. The buyer's pending order holds the listing (`hold_order_id`)
-- as a hold holds inventory; paying it settles the sale in the event's
-- inventory batch: the seller's ticket is voided (reason `resold`), the
-- buyer's ticket is issued for the same seat, the ticket's share of the
-- quotas and its seat move from the seller's order to the buyer's, and the
-- seller's payout (price minus fee) goes back through the seller's payment
-- as a refund that voids nothing.

-- An event's resale rules; no row means resale is off.
CREATE TABLE event_resale_settings (
    event_id    TEXT PRIMARY KEY REFERENCES events(id),
    enabled     BIGINT NOT NULL,
    -- The highest price, in percent of the ticket's face value.
    cap_percent BIGINT NOT NULL CHECK (cap_percent BETWEEN 1 AND 100),
    -- The organizer's fee, in basis points of the price, kept from the payout.
    fee_bp      BIGINT NOT NULL CHECK (fee_bp BETWEEN 0 AND 5000),
    -- While a ticket type still has unsold primary inventory: 'primary'
    -- keeps its listings off sale; 'resale' refuses primary sales of it
    -- while listings of it are on sale.
    offer_first TEXT NOT NULL CHECK (offer_first IN ('primary', 'resale')),
    updated_at  BIGINT NOT NULL
);

CREATE TABLE resale_listings (
    id                TEXT PRIMARY KEY,
    org_id            TEXT NOT NULL REFERENCES organizations(id),
    event_id          TEXT NOT NULL REFERENCES events(id),
    ticket_id         TEXT NOT NULL REFERENCES tickets(id),
    ticket_type_id    TEXT NOT NULL REFERENCES ticket_types(id),
    seller_order_id   TEXT NOT NULL REFERENCES orders(id),
    -- The seller's payment the payout goes back through.
    seller_payment_id TEXT NOT NULL,
    seller_user_id    TEXT,
    seller_email      TEXT NOT NULL,
    seller_name       TEXT NOT NULL,
    locale            TEXT NOT NULL,
    seat_label        TEXT,
    face_minor        BIGINT NOT NULL CHECK (face_minor >= 0),
    price_minor       BIGINT NOT NULL CHECK (price_minor >= 0),
    fee_minor         BIGINT NOT NULL CHECK (fee_minor >= 0 AND fee_minor <= price_minor),
    currency          TEXT NOT NULL,
    state             TEXT NOT NULL CHECK (state IN ('listed', 'sold', 'withdrawn')),
    -- The last order to hold the listing; it holds it while that order is
    -- pending and its hold has not expired.
    hold_order_id     TEXT,
    buyer_order_id    TEXT,
    new_ticket_id     TEXT,
    payout_refund_id  TEXT,
    created_at        BIGINT NOT NULL,
    ended_at          BIGINT
);
CREATE INDEX resale_listings_by_event ON resale_listings (event_id, state, ticket_type_id);
CREATE INDEX resale_listings_by_order ON resale_listings (seller_order_id);
-- A ticket is listed at most once at a time.
CREATE UNIQUE INDEX resale_listings_one_open ON resale_listings (ticket_id) WHERE state = 'listed';

-- The open listing of a ticket: set and cleared with conditional updates,
-- so a ticket is never both listed and offered by a transfer.
ALTER TABLE tickets ADD COLUMN resale_listing_id TEXT;
-- The listing a resale order buys.
ALTER TABLE orders ADD COLUMN resale_listing_id TEXT;
