-- Account security: e-mail verification, one-time links (password reset,
-- address verification), invitations into organizations, and two-factor
-- recovery codes.

-- When the owner proved the address is theirs (NULL: not yet).
ALTER TABLE users ADD COLUMN email_verified_at BIGINT;

-- Links sent by e-mail that act once on an account. Only a SHA-256 of the
-- link's secret is stored; `email` is the address the link went to, so a
-- verification link stops counting once the address changes.
CREATE TABLE account_links (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id),
    purpose    TEXT NOT NULL CHECK (purpose IN ('password_reset', 'verify_email')),
    email      TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX account_links_by_user ON account_links (user_id, purpose);

-- An address invited into an organization with a role. Only a SHA-256 of
-- the link's secret is stored. Accepted, revoked and expired invitations
-- stay for the record; at most one pending invitation per address and
-- organization is enforced by the app.
CREATE TABLE invitations (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations(id),
    email       TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'staff', 'scanner')),
    token_hash  TEXT NOT NULL UNIQUE,
    invited_by  TEXT NOT NULL REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    accepted_at BIGINT,
    accepted_by TEXT REFERENCES users(id),
    revoked_at  BIGINT
);
CREATE INDEX invitations_by_org ON invitations (org_id, created_at);

-- Two-factor recovery codes, each usable once instead of an
-- authenticator code; only a SHA-256 of each is stored.
CREATE TABLE recovery_codes (
    code_hash  TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX recovery_codes_by_user ON recovery_codes (user_id);
