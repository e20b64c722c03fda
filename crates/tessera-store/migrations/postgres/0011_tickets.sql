-- When a ticket's code was last signed again because its event's dates
-- moved (NULL: never). The scanner sync lists tickets re-signed since its
-- cursor, with their new codes.
ALTER TABLE tickets ADD COLUMN code_resigned_at BIGINT;
