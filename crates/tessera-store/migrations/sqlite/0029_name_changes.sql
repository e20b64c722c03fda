-- Holders may change the name on their tickets where the event allows it
-- (until the transfers' cutoff): the ticket is re-issued under the new
-- name with a new code, the old one voided with reason `renamed`.
ALTER TABLE event_transfer_settings ADD COLUMN name_changes BIGINT NOT NULL DEFAULT 0;
