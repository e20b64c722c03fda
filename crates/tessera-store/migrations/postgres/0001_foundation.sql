-- Foundation: accounts, organizations, API tokens and the catalog.
-- Conventions (both backends): ids are UUIDv7 text; instants are BIGINT
-- microseconds since the Unix epoch (UTC); money is BIGINT minor units plus
-- a currency code; flags are integers 0/1. Keeping to these types lets one
-- set of SQL run on SQLite, PostgreSQL and PostgreSQL-compatible databases.

CREATE TABLE users (
    id                TEXT PRIMARY KEY,
    email             TEXT NOT NULL UNIQUE,
    name              TEXT NOT NULL,
    password_hash     TEXT NOT NULL,
    is_platform_admin BIGINT NOT NULL DEFAULT 0,
    totp_secret       TEXT,
    totp_enabled      BIGINT NOT NULL DEFAULT 0,
    totp_last_step    BIGINT NOT NULL DEFAULT 0,
    created_at        BIGINT NOT NULL
);

CREATE TABLE organizations (
    id                 TEXT PRIMARY KEY,
    slug               TEXT NOT NULL UNIQUE,
    name               TEXT NOT NULL,
    require_two_factor BIGINT NOT NULL DEFAULT 0,
    created_at         BIGINT NOT NULL
);

CREATE TABLE memberships (
    org_id     TEXT NOT NULL REFERENCES organizations(id),
    user_id    TEXT NOT NULL REFERENCES users(id),
    role       TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'staff', 'scanner')),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_by_user ON memberships (user_id);

-- Only a SHA-256 of the session token is stored.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Only a SHA-256 of the API token is stored; `prefix` helps a human recognise it.
CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations(id),
    name         TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'staff', 'scanner')),
    token_hash   TEXT NOT NULL UNIQUE,
    prefix       TEXT NOT NULL,
    created_by   TEXT NOT NULL REFERENCES users(id),
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT,
    revoked_at   BIGINT,
    last_used_at BIGINT
);
CREATE INDEX api_tokens_by_org ON api_tokens (org_id);

CREATE TABLE venues (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organizations(id),
    name       TEXT NOT NULL,
    address    TEXT NOT NULL,
    timezone   TEXT NOT NULL,
    capacity   BIGINT NOT NULL CHECK (capacity >= 0),
    created_at BIGINT NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE events (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations(id),
    venue_id    TEXT NOT NULL REFERENCES venues(id),
    title       TEXT NOT NULL,
    description TEXT NOT NULL,
    category    TEXT NOT NULL,
    image_urls  TEXT NOT NULL,
    starts_at   BIGINT NOT NULL,
    ends_at     BIGINT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('draft', 'published', 'cancelled', 'ended')),
    sales_start BIGINT,
    sales_end   BIGINT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX events_public ON events (status, starts_at, id);
CREATE INDEX events_by_org ON events (org_id, starts_at);

CREATE TABLE ticket_types (
    id            TEXT PRIMARY KEY,
    event_id      TEXT NOT NULL REFERENCES events(id),
    org_id        TEXT NOT NULL REFERENCES organizations(id),
    name          TEXT NOT NULL,
    description   TEXT NOT NULL,
    price_minor   BIGINT NOT NULL CHECK (price_minor >= 0),
    currency      TEXT NOT NULL,
    sales_start   BIGINT,
    sales_end     BIGINT,
    min_per_order BIGINT NOT NULL,
    max_per_order BIGINT NOT NULL,
    visibility    TEXT NOT NULL CHECK (visibility IN ('public', 'hidden')),
    created_at    BIGINT NOT NULL,
    UNIQUE (event_id, name),
    CHECK (min_per_order >= 1 AND max_per_order >= min_per_order)
);

-- A capacity pool. `sold` and `held` are maintained by the inventory; the
-- CHECK is the last line of defence for "never oversell" (invariant 1).
CREATE TABLE quotas (
    id         TEXT PRIMARY KEY,
    event_id   TEXT NOT NULL REFERENCES events(id),
    org_id     TEXT NOT NULL REFERENCES organizations(id),
    name       TEXT NOT NULL,
    capacity   BIGINT NOT NULL,
    sold       BIGINT NOT NULL DEFAULT 0,
    held       BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    UNIQUE (event_id, name),
    CHECK (capacity >= 0 AND sold >= 0 AND held >= 0 AND sold + held <= capacity)
);

CREATE TABLE ticket_type_quotas (
    ticket_type_id TEXT NOT NULL REFERENCES ticket_types(id),
    quota_id       TEXT NOT NULL REFERENCES quotas(id),
    PRIMARY KEY (ticket_type_id, quota_id)
);
CREATE INDEX ticket_type_quotas_by_quota ON ticket_type_quotas (quota_id);
