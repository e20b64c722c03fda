-- Coupons taken at a venue's counters (the scanner's Redeem mode: the bar,
-- the shop), the seed's 电子优惠券. A code's `channel` says where it is
-- taken: at checkout (`online`, what every code was before), at counters
-- (`counter`), or both. A counter redemption takes one of the code's uses
-- for good (a counter sale is not reserved and released like a hold), in
-- a transaction that holds the code's row, so `max_uses` holds however
-- many counters and buyers race for the last use.
ALTER TABLE promo_codes ADD COLUMN channel TEXT NOT NULL DEFAULT 'online'
    CHECK (channel IN ('online', 'counter', 'both'));

CREATE TABLE promo_counter_redemptions (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organizations(id),
    -- No foreign key: the record stays when the code is deleted (it names
    -- the code as text, like an order's discount line).
    code_id        TEXT NOT NULL,
    code           TEXT NOT NULL,
    description    TEXT NOT NULL,
    purchase_minor BIGINT NOT NULL CHECK (purchase_minor > 0),
    discount_minor BIGINT NOT NULL CHECK (discount_minor >= 0 AND discount_minor <= purchase_minor),
    currency       TEXT NOT NULL,
    actor          TEXT NOT NULL,
    note           TEXT NOT NULL,
    -- `counter:{org}:{key}`: a repeat of the same request answers this row.
    request_key    TEXT UNIQUE,
    at             BIGINT NOT NULL
);
CREATE INDEX promo_counter_redemptions_by_code ON promo_counter_redemptions (code_id, at);
