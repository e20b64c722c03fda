-- Grows with every change to an event's seat claims, so a process can keep
-- the seat statuses in memory and know, under the event's lock, whether
-- they are still the database's.
ALTER TABLE event_seating ADD COLUMN claims_version BIGINT NOT NULL DEFAULT 0;
-- The map's seat count, so listing statuses needs no parse of the document.
ALTER TABLE event_seating ADD COLUMN seats BIGINT NOT NULL DEFAULT 0;
