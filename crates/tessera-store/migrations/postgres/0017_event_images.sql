-- An event's image as served: the organizer's upload decoded, resized to a
-- few widths and re-encoded without its metadata, one row per width. `hash`
-- names the upload's content and goes into the URL, so a URL's bytes never
-- change (clients cache them for a year); a new upload gets a new hash.
CREATE TABLE event_images (
    event_id     TEXT NOT NULL REFERENCES events(id),
    org_id       TEXT NOT NULL REFERENCES organizations(id),
    hash         TEXT NOT NULL,
    width        BIGINT NOT NULL,
    height       BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    data         BYTEA NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (event_id, width)
);
