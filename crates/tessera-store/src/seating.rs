//! Venue seat maps, stored as their JSON document. The store neither parses
//! nor checks the document: `tessera-seating` does, in the application.

use crate::row::{RowExt, micros};
use crate::{Result, Store, StoreError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tessera_domain::{EventId, OrgId, TicketTypeId, Timestamp, VenueId};
use tessera_seating::{Allocator, IdGen, Ranking, SeatId, SeatMap, SeatStatus};

/// Which seats a reservation asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum SeatChoice {
    /// Exactly these seats, all or none.
    Exact(Vec<SeatId>),
    /// The best `count` seats, of one category (price zone) if given.
    Best { count: u32, category: Option<String>, wheelchair_spaces: u32 },
}

/// An event's seating as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct EventSeatingRecord {
    pub event_id: EventId,
    pub org_id: OrgId,
    /// The venue map's version that was copied.
    pub map_version: i64,
    pub document: String,
    /// Seat category -> ticket type.
    pub zones: HashMap<String, TicketTypeId>,
    /// Grows by one each time seating is set up again.
    pub version: i64,
    /// Seats in the map.
    pub seats: i64,
    /// Grows with every change to the event's seats.
    pub claims_version: i64,
}

/// A taken seat of an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatClaim {
    pub seat_index: u32,
    pub seat_id: String,
    pub label: String,
    /// `held`, `sold` or `blocked`.
    pub state: String,
    pub hold_id: Option<String>,
    /// The order behind a held or sold seat, when asked for
    /// ([`Store::seat_claims_with_holders`]).
    pub holder: Option<SeatHolder>,
}

/// Who holds or bought a seat: its order as staff know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatHolder {
    pub reference: String,
    pub buyer_name: String,
    pub buyer_email: String,
}

/// A seated event's map, allocator and zones, parsed once per version.
pub(crate) struct SeatPlan {
    pub map: SeatMap,
    pub allocator: Allocator,
    pub zones: HashMap<String, TicketTypeId>,
}

pub(crate) type PlanCache = Arc<Mutex<HashMap<EventId, (i64, Arc<SeatPlan>)>>>;

/// Seat statuses as of (seating version, claims version), by event.
pub(crate) type StatusCache = Arc<Mutex<HashMap<EventId, (i64, i64, Vec<SeatStatus>)>>>;

/// The seats a batch reads and changes: the plan, and every seat's status
/// as the batch goes.
pub(crate) struct BatchSeats {
    pub plan: Arc<SeatPlan>,
    pub statuses: Vec<SeatStatus>,
}

fn zones_from(text: &str) -> Result<HashMap<String, TicketTypeId>> {
    let raw: HashMap<String, String> =
        serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("seat zones: {e}")))?;
    raw.into_iter()
        .map(|(k, v)| Ok((k, v.parse().map_err(|_| StoreError::Corrupt("seat zone ticket type".into()))?)))
        .collect()
}

fn claim_from(r: &sqlx::any::AnyRow, with_holder: bool) -> Result<SeatClaim> {
    // Only the query with holders joins the order's columns.
    let reference = if with_holder { r.opt_text("reference")? } else { None };
    let holder = match reference {
        Some(reference) => Some(SeatHolder {
            reference,
            buyer_name: r.opt_text("buyer_name")?.unwrap_or_default(),
            buyer_email: r.opt_text("buyer_email")?.unwrap_or_default(),
        }),
        None => None,
    };
    Ok(SeatClaim {
        seat_index: u32::try_from(r.int("seat_index")?).map_err(|_| StoreError::Corrupt("seat".into()))?,
        seat_id: r.text("seat_id")?,
        label: r.text("label")?,
        state: r.text("state")?,
        hold_id: r.opt_text("hold_id")?,
        holder,
    })
}

/// The seat's label as tickets and scanners show it.
pub(crate) fn seat_label(map: &SeatMap, index: tessera_seating::SeatIndex) -> String {
    map.ticket_label(index)
}

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
    /// Another handle on the same database with empty in-memory caches, as a
    /// second process would have one (tests use it to check that caches
    /// never hide another process's changes).
    pub fn as_other_process(&self) -> Store {
        Store { seat_plans: Default::default(), seat_statuses: Default::default(), ..self.clone() }
    }

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

    /// Sets up (or replaces) an event's seating: the venue map's document
    /// and version, and the zones. Refused with a conflict once any seat of
    /// the event is held, sold or blocked.
    pub async fn set_event_seating(
        &self,
        org: OrgId,
        event: EventId,
        map_version: i64,
        document: &str,
        seats: i64,
        zones: &HashMap<String, TicketTypeId>,
    ) -> Result<i64> {
        let zones: HashMap<&String, String> = zones.iter().map(|(k, v)| (k, v.to_string())).collect();
        let zones = serde_json::to_string(&zones).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut tx = self.begin_write().await?;
        // The event's lock, as inventory batches take it, so no seat is
        // claimed while the plan changes.
        if self.backend == crate::Backend::Postgres {
            sqlx::query("SELECT id FROM events WHERE id = $1 FOR UPDATE")
                .bind(event.to_string())
                .fetch_optional(&mut *tx)
                .await?;
        }
        let (claims,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM seat_claims WHERE event_id = $1")
            .bind(event.to_string())
            .fetch_one(&mut *tx)
            .await?;
        if claims > 0 {
            return Err(StoreError::Conflict {
                field: "zones".into(),
                message: format!("{claims} seats of this event are already held, sold or blocked"),
            });
        }
        let (orders,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM holds WHERE event_id = $1 AND state IN ('active', 'sold')")
                .bind(event.to_string())
                .fetch_one(&mut *tx)
                .await?;
        if orders > 0 {
            return Err(StoreError::Conflict {
                field: "zones".into(),
                message: format!("{orders} orders already hold or bought tickets of this event without seats"),
            });
        }
        let (version,): (i64,) = sqlx::query_as(
            "INSERT INTO event_seating (event_id, org_id, map_version, document, zones, version, seats) \
             SELECT e.id, e.org_id, $3, $4, $5, 1, $6 FROM events e WHERE e.id = $2 AND e.org_id = $1 \
             ON CONFLICT (event_id) DO UPDATE SET map_version = excluded.map_version, document = excluded.document, \
             zones = excluded.zones, seats = excluded.seats, version = event_seating.version + 1 RETURNING version",
        )
        .bind(org.to_string())
        .bind(event.to_string())
        .bind(map_version)
        .bind(document)
        .bind(&zones)
        .bind(seats)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(version)
    }

    /// An event's seating, if it is sold by seat.
    pub async fn event_seating(&self, event: EventId) -> Result<Option<EventSeatingRecord>> {
        let row = sqlx::query(
            "SELECT event_id, org_id, map_version, document, zones, version, seats, claims_version FROM event_seating WHERE event_id = $1",
        )
        .bind(event.to_string())
        .fetch_optional(&self.read)
        .await?;
        row.map(|r| {
            Ok(EventSeatingRecord {
                event_id: r.parse("event_id")?,
                org_id: r.parse("org_id")?,
                map_version: r.int("map_version")?,
                document: r.text("document")?,
                zones: zones_from(&r.text("zones")?)?,
                version: r.int("version")?,
                seats: r.int("seats")?,
                claims_version: r.int("claims_version")?,
            })
        })
        .transpose()
    }

    /// A seated event's seating version and claims version (which grows with
    /// every change to its seats), or `None` when it is not seated.
    pub async fn seat_versions(&self, event: EventId) -> Result<Option<(i64, i64)>> {
        let row = sqlx::query("SELECT version, claims_version FROM event_seating WHERE event_id = $1")
            .bind(event.to_string())
            .fetch_optional(&self.read)
            .await?;
        row.map(|r| Ok((r.int("version")?, r.int("claims_version")?))).transpose()
    }

    /// How many seats a seated event's map has (0 when it is not seated).
    pub async fn event_seat_count(&self, event: EventId) -> Result<i64> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT seats FROM event_seating WHERE event_id = $1")
            .bind(event.to_string())
            .fetch_optional(&self.read)
            .await?;
        Ok(row.map_or(0, |r| r.0))
    }

    /// The taken seats of an event, in seat order.
    pub async fn seat_claims(&self, event: EventId) -> Result<Vec<SeatClaim>> {
        let rows = sqlx::query(
            "SELECT seat_index, seat_id, label, state, hold_id FROM seat_claims WHERE event_id = $1 ORDER BY seat_index",
        )
        .bind(event.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(|r| claim_from(r, false)).collect()
    }

    /// The taken seats of an event, in seat order, each held or sold seat
    /// with its order's reference and buyer.
    pub async fn seat_claims_with_holders(&self, event: EventId) -> Result<Vec<SeatClaim>> {
        let rows = sqlx::query(
            "SELECT c.seat_index, c.seat_id, c.label, c.state, c.hold_id, o.reference, o.buyer_name, o.buyer_email
             FROM seat_claims c LEFT JOIN orders o ON o.hold_id = c.hold_id
             WHERE c.event_id = $1 ORDER BY c.seat_index",
        )
        .bind(event.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(|r| claim_from(r, true)).collect()
    }

    /// The event's seat plan and every seat's status, read inside a batch
    /// (under the event's lock). `None` when the event is not seated. The
    /// statuses come from memory when this process's copy matches the
    /// database's claims version, else from `seat_claims`; `freed` are seats
    /// this batch already gave back (expired holds) before reading.
    pub(crate) async fn load_seats(
        &self,
        tx: &mut crate::inventory::Tx,
        event: EventId,
        freed: &[u32],
    ) -> Result<Option<BatchSeats>> {
        let Some(row) = sqlx::query("SELECT version, claims_version FROM event_seating WHERE event_id = $1")
            .bind(event.to_string())
            .fetch_optional(&mut **tx)
            .await?
        else {
            return Ok(None);
        };
        let (version, claims_version) = (row.int("version")?, row.int("claims_version")?);
        let cached = self.seat_plans.lock().unwrap_or_else(|p| p.into_inner()).get(&event).cloned();
        let plan = match cached {
            Some((v, plan)) if v == version => plan,
            _ => {
                let r = sqlx::query("SELECT document, zones FROM event_seating WHERE event_id = $1")
                    .bind(event.to_string())
                    .fetch_one(&mut **tx)
                    .await?;
                let map = tessera_seating::from_json(&r.text("document")?, &mut IdGen::seeded(0))
                    .map_err(|e| StoreError::Corrupt(format!("event seat map: {e}")))?;
                let allocator = Allocator::new(&map, &Ranking::from_map(&map));
                let plan = Arc::new(SeatPlan { map, allocator, zones: zones_from(&r.text("zones")?)? });
                self.seat_plans.lock().unwrap_or_else(|p| p.into_inner()).insert(event, (version, plan.clone()));
                plan
            }
        };
        let remembered = self
            .seat_statuses
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&event)
            .filter(|(v, c, st)| *v == version && *c == claims_version && st.len() == plan.map.seat_count())
            .map(|(_, _, st)| st.clone());
        let mut statuses = match remembered {
            Some(st) => st,
            None => {
                let mut statuses = vec![SeatStatus::Available; plan.map.seat_count()];
                let rows = sqlx::query("SELECT seat_index, state FROM seat_claims WHERE event_id = $1")
                    .bind(event.to_string())
                    .fetch_all(&mut **tx)
                    .await?;
                for r in &rows {
                    let i =
                        usize::try_from(r.int("seat_index")?).map_err(|_| StoreError::Corrupt("seat index".into()))?;
                    let status = match r.text("state")?.as_str() {
                        "held" => SeatStatus::Held,
                        "sold" => SeatStatus::Sold,
                        _ => SeatStatus::Blocked,
                    };
                    if let Some(s) = statuses.get_mut(i) {
                        *s = status;
                    }
                }
                statuses
            }
        };
        for &i in freed {
            if let Some(s) = statuses.get_mut(i as usize) {
                *s = SeatStatus::Available;
            }
        }
        Ok(Some(BatchSeats { plan, statuses }))
    }

    /// After a batch changed seat claims: counts the change in the database
    /// (inside the batch's transaction) and returns the new versions.
    pub(crate) async fn bump_claims(
        &self,
        tx: &mut crate::inventory::Tx,
        event: EventId,
    ) -> Result<Option<(i64, i64)>> {
        let row = sqlx::query(
            "UPDATE event_seating SET claims_version = claims_version + 1 WHERE event_id = $1 RETURNING version, claims_version",
        )
        .bind(event.to_string())
        .fetch_optional(&mut **tx)
        .await?;
        row.map(|r| Ok((r.int("version")?, r.int("claims_version")?))).transpose()
    }

    /// After the batch committed: remembers the statuses at the new
    /// versions, from the batch's own copy or by patching the remembered one
    /// when it was exactly one change behind; otherwise forgets them.
    pub(crate) fn remember_statuses(
        &self,
        event: EventId,
        versions: (i64, i64),
        seats: Option<BatchSeats>,
        patches: &[(u32, SeatStatus)],
    ) {
        let mut cache = self.seat_statuses.lock().unwrap_or_else(|p| p.into_inner());
        let (version, claims_version) = versions;
        let base = match seats {
            Some(b) => Some(b.statuses),
            None => {
                cache.remove(&event).filter(|(v, c, _)| *v == version && *c == claims_version - 1).map(|(_, _, st)| st)
            }
        };
        match base {
            Some(mut st) => {
                for &(i, status) in patches {
                    if let Some(s) = st.get_mut(i as usize) {
                        *s = status;
                    }
                }
                cache.insert(event, (version, claims_version, st));
            }
            None => {
                cache.remove(&event);
            }
        }
    }
}
