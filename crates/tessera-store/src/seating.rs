//! Venue seat maps, stored as their JSON document. The store neither parses
//! nor checks the document: `tessera-seating` does, in the application.

use crate::row::{RowExt, micros};
use crate::{Result, Store};
use tessera_domain::{OrgId, Timestamp, VenueId};

/// A venue's seat map as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct SeatMapRecord {
    pub venue_id: VenueId,
    pub org_id: OrgId,
    /// The tessera-seating JSON document (version 1) with seat ids.
    pub document: String,
    pub seats: i64,
    pub areas: i64,
    /// 1 for the first import, then one more per replacement.
    pub version: i64,
    pub updated_at: Timestamp,
}

impl Store {
    /// A venue's seat map, if it has one.
    pub async fn seat_map(&self, org: OrgId, venue: VenueId) -> Result<Option<SeatMapRecord>> {
        let row = sqlx::query(
            "SELECT venue_id, org_id, document, seats, areas, version, updated_at FROM seat_maps WHERE org_id = $1 AND venue_id = $2",
        )
        .bind(org.to_string())
        .bind(venue.to_string())
        .fetch_optional(&self.read)
        .await?;
        row.map(|r| {
            Ok(SeatMapRecord {
                venue_id: r.parse("venue_id")?,
                org_id: r.parse("org_id")?,
                document: r.text("document")?,
                seats: r.int("seats")?,
                areas: r.int("areas")?,
                version: r.int("version")?,
                updated_at: r.ts("updated_at")?,
            })
        })
        .transpose()
    }

    /// Stores (or replaces) a venue's seat map and returns its new version.
    /// The venue must belong to `org`.
    pub async fn put_seat_map(
        &self,
        org: OrgId,
        venue: VenueId,
        document: &str,
        seats: i64,
        areas: i64,
        now: Timestamp,
    ) -> Result<i64> {
        let (version,): (i64,) = sqlx::query_as(
            "INSERT INTO seat_maps (venue_id, org_id, document, seats, areas, version, updated_at) \
             SELECT v.id, v.org_id, $3, $4, $5, 1, $6 FROM venues v WHERE v.id = $2 AND v.org_id = $1 \
             ON CONFLICT (venue_id) DO UPDATE SET document = excluded.document, seats = excluded.seats, \
             areas = excluded.areas, version = seat_maps.version + 1, updated_at = excluded.updated_at \
             RETURNING version",
        )
        .bind(org.to_string())
        .bind(venue.to_string())
        .bind(document)
        .bind(seats)
        .bind(areas)
        .bind(micros(now))
        .fetch_optional(&self.write)
        .await?
        .ok_or(crate::StoreError::NotFound)?;
        Ok(version)
    }
}
