-- Memberships and products (issue 16). A plan says how long a membership
-- lasts; a member card is one person's membership of a plan for a period,
-- bought as a product or issued by staff. A ticket type may be members-only
-- or give members a price (a member rule), and may sell a product instead
-- of admission: a gift card of the unit's price or a member card.

CREATE TABLE member_plans (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organizations(id),
    name          TEXT NOT NULL,
    description   TEXT NOT NULL,
    validity_days BIGINT NOT NULL CHECK (validity_days >= 1 AND validity_days <= 3660),
    created_at    BIGINT NOT NULL,
    UNIQUE (org_id, name)
);

-- state: active -> void (staff, or a refund of the order that bought it).
-- A card bought by a signed-in buyer carries their account; any card
-- counts for a signed-in account whose verified address is its e-mail.
-- `order_id` + `unit` make issuing from a paid order idempotent.
CREATE TABLE member_cards (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations(id),
    plan_id     TEXT NOT NULL REFERENCES member_plans(id),
    code        TEXT NOT NULL,
    holder_name TEXT NOT NULL,
    email       TEXT NOT NULL,
    user_id     TEXT,
    order_id    TEXT,
    unit        BIGINT NOT NULL,
    valid_from  BIGINT NOT NULL,
    valid_until BIGINT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('active', 'void')),
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (org_id, code),
    UNIQUE (order_id, unit),
    CHECK (valid_until > valid_from)
);
CREATE INDEX member_cards_user ON member_cards (user_id);
CREATE INDEX member_cards_email ON member_cards (email);
CREATE INDEX member_cards_org ON member_cards (org_id, created_at);

-- Who a ticket type is for and what members pay; no row: anyone, one price.
-- plan_id NULL: members of any plan of the organization.
CREATE TABLE ticket_type_member_rules (
    ticket_type_id     TEXT PRIMARY KEY REFERENCES ticket_types(id),
    event_id           TEXT NOT NULL REFERENCES events(id),
    plan_id            TEXT REFERENCES member_plans(id),
    members_only       BIGINT NOT NULL,
    member_price_minor BIGINT CHECK (member_price_minor >= 0)
);
CREATE INDEX ticket_type_member_rules_event ON ticket_type_member_rules (event_id);

-- What a ticket type sells instead of admission; no row: admission.
CREATE TABLE ticket_type_products (
    ticket_type_id TEXT PRIMARY KEY REFERENCES ticket_types(id),
    event_id       TEXT NOT NULL REFERENCES events(id),
    kind           TEXT NOT NULL CHECK (kind IN ('gift_card', 'membership')),
    plan_id        TEXT REFERENCES member_plans(id),
    CHECK ((kind = 'membership') = (plan_id IS NOT NULL))
);
CREATE INDEX ticket_type_products_event ON ticket_type_products (event_id);

-- Gift cards bought in an order: which order and unit issued them (issuing
-- is idempotent), so that a refund of the order takes back what is unspent.
ALTER TABLE gift_cards ADD COLUMN order_id TEXT;
ALTER TABLE gift_cards ADD COLUMN order_unit BIGINT;
CREATE UNIQUE INDEX gift_cards_order_unit ON gift_cards (order_id, order_unit);
