//! Waitlists: buyers waiting for a sold-out ticket type, and the offers
//! that give them freed tickets, in order of joining.
//!
//! An offer IS a reservation: the event's inventory batch (under the
//! event's lock, after it expired what was due) reserves the next waiting
//! entries' tickets for them, with the offer's end as the hold's expiry, in
//! the same transaction that marks the entries `offered`. So an offer takes
//! exactly what was freed, nobody else can buy it meanwhile, and two batches
//! (two sweeps, two processes) cannot offer one freed ticket twice: the
//! second sees the capacity taken and the entry no longer waiting. An
//! unanswered offer expires like any hold; the batch that expires it marks
//! the entry `lapsed` and offers the freed tickets to the next.
//!
//! Order is strict per ticket type: when the first waiting entry cannot be
//! served (it wants 2, 1 is free), the entries behind it wait too, so
//! nobody is overtaken by a smaller request. An entry that cannot be served
//! for another reason than stock (the per-customer limit, the ticket type
//! removed) is `skipped`, with the reason, and the next one is served.

use crate::inventory::{InventoryOp, NewOrder, Tx};
use crate::row::{RowExt, micros};
use crate::{Backend, Result, Store, StoreError};
use sqlx::any::AnyRow;
use tessera_domain::inventory::{LineRequest, ReserveRequest};
use tessera_domain::orders::{OrderId, OrderState};
use tessera_domain::{EventId, OrgId, TicketTypeId, Timestamp, UserId};

/// Entries a batch considers offering at most, per event.
const OFFERS_PER_BATCH: i64 = 50;

/// An event's waitlist switch. Without a row the event has no waitlist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WaitlistSettings {
    /// Buyers may join the waitlist of a sold-out ticket type.
    pub enabled: bool,
    /// How long an offer holds its tickets for the buyer, in minutes; 5 to 10080 (a week).
    #[schema(minimum = 5, maximum = 10080)]
    pub offer_minutes: i64,
}

impl Default for WaitlistSettings {
    fn default() -> Self {
        Self { enabled: false, offer_minutes: 30 }
    }
}

/// A new entry, its secret already hashed.
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub id: String,
    pub org_id: OrgId,
    pub event_id: EventId,
    pub ticket_type_id: TicketTypeId,
    pub quantity: i64,
    pub email: String,
    pub name: String,
    pub user_id: Option<UserId>,
    pub locale: String,
    pub token_hash: String,
    /// Who the buyer is for "one entry per buyer and ticket type":
    /// `user:<id>` or `email:<address in lower case>`.
    pub buyer_key: String,
}

/// An entry as stored, with what readers need to show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRecord {
    pub id: String,
    pub org_id: OrgId,
    pub event_id: EventId,
    pub event_title: String,
    pub ticket_type_id: TicketTypeId,
    pub ticket_type_name: String,
    pub quantity: i64,
    pub email: String,
    pub name: String,
    pub user_id: Option<String>,
    pub locale: String,
    /// As stored: `waiting`, `offered`, `accepted`, `lapsed`, `left`, `removed` or `skipped`.
    pub state: String,
    /// For a waiting entry: how many waiting entries of its ticket type joined before it.
    pub ahead: i64,
    pub order_id: Option<OrderId>,
    /// The offered order's state and the end of its hold.
    pub order_state: Option<OrderState>,
    pub order_expires_at: Option<Timestamp>,
    pub note: String,
    pub created_at: Timestamp,
    pub offered_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
}

impl EntryRecord {
    /// The state as of `now`: an `offered` entry whose order was paid is
    /// `accepted`, one whose order ended or whose hold ran out `lapsed`,
    /// before the next batch writes it down.
    pub fn state_at(&self, now: Timestamp) -> &str {
        if self.state != "offered" {
            return &self.state;
        }
        match self.order_state {
            Some(OrderState::Paid) => "accepted",
            Some(OrderState::Pending) if self.order_expires_at.is_some_and(|e| e > now) => "offered",
            _ => "lapsed",
        }
    }
}

const ENTRY_COLS: &str = "w.id, w.org_id, w.event_id, ev.title AS event_title, w.ticket_type_id, t.name AS tt_name, w.quantity, w.email, \
     w.name, w.user_id, w.locale, w.state, w.order_id, w.note, w.created_at, w.offered_at, w.ended_at, \
     o.state AS order_state, o.expires_at AS order_expires_at, \
     CAST((SELECT COUNT(*) FROM waitlist_entries a WHERE a.ticket_type_id = w.ticket_type_id \
       AND a.state = 'waiting' AND a.id < w.id) AS BIGINT) AS ahead";
const ENTRY_FROM: &str = "FROM waitlist_entries w JOIN ticket_types t ON t.id = w.ticket_type_id \
     JOIN events ev ON ev.id = w.event_id \
     LEFT JOIN orders o ON o.id = w.order_id";

fn entry_from(r: &AnyRow) -> Result<EntryRecord> {
    let order_state = match r.opt_text("order_state")? {
        None => None,
        Some(s) => Some(s.parse().map_err(|_| StoreError::Corrupt(format!("order state {s:?}")))?),
    };
    Ok(EntryRecord {
        id: r.text("id")?,
        org_id: r.parse("org_id")?,
        event_id: r.parse("event_id")?,
        event_title: r.text("event_title")?,
        ticket_type_id: r.parse("ticket_type_id")?,
        ticket_type_name: r.text("tt_name")?,
        quantity: r.int("quantity")?,
        email: r.text("email")?,
        name: r.text("name")?,
        user_id: r.opt_text("user_id")?,
        locale: r.text("locale")?,
        state: r.text("state")?,
        ahead: r.int("ahead")?,
        order_id: r
            .opt_text("order_id")?
            .map(|s| s.parse())
            .transpose()
            .map_err(|_| StoreError::Corrupt("order id".into()))?,
        order_state,
        order_expires_at: r.opt_ts("order_expires_at")?,
        note: r.text("note")?,
        created_at: r.ts("created_at")?,
        offered_at: r.opt_ts("offered_at")?,
        ended_at: r.opt_ts("ended_at")?,
    })
}

impl Store {
    /// An event's waitlist settings, if any were saved.
    pub async fn waitlist_settings(&self, event: EventId) -> Result<Option<WaitlistSettings>> {
        let row = sqlx::query("SELECT enabled, offer_minutes FROM event_waitlist_settings WHERE event_id = $1")
            .bind(event.to_string())
            .fetch_optional(&self.read)
            .await?;
        row.map(|r| Ok(WaitlistSettings { enabled: r.flag("enabled")?, offer_minutes: r.int("offer_minutes")? }))
            .transpose()
    }

    /// Saves an event's waitlist settings (validated by the caller).
    pub async fn set_waitlist_settings(&self, event: EventId, s: WaitlistSettings, now: Timestamp) -> Result<()> {
        sqlx::query(
            "INSERT INTO event_waitlist_settings (event_id, enabled, offer_minutes, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (event_id) DO UPDATE SET enabled = excluded.enabled,
               offer_minutes = excluded.offer_minutes, updated_at = excluded.updated_at",
        )
        .bind(event.to_string())
        .bind(i64::from(s.enabled))
        .bind(s.offer_minutes)
        .bind(micros(now))
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// Adds an entry at the end of its ticket type's waitlist. A buyer with
    /// a live entry (waiting or offered) for the type is refused
    /// ([`StoreError::Conflict`] on `ticket_type_id`).
    pub async fn join_waitlist(&self, e: &NewEntry, now: Timestamp) -> Result<()> {
        sqlx::query(
            "INSERT INTO waitlist_entries (id, org_id, event_id, ticket_type_id, quantity, email, name, user_id,
               locale, token_hash, state, active_key, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'waiting', $11, $12)",
        )
        .bind(e.id.clone())
        .bind(e.org_id.to_string())
        .bind(e.event_id.to_string())
        .bind(e.ticket_type_id.to_string())
        .bind(e.quantity)
        .bind(e.email.clone())
        .bind(e.name.clone())
        .bind(e.user_id.map(|u| u.to_string()))
        .bind(e.locale.clone())
        .bind(e.token_hash.clone())
        .bind(format!("{}/{}", e.ticket_type_id, e.buyer_key))
        .bind(micros(now))
        .execute(&self.write)
        .await
        .map_err(crate::unique_as("ticket_type_id", "you are already on this waitlist"))?;
        Ok(())
    }

    /// One entry and the hash of its secret.
    pub async fn waitlist_entry(&self, id: &str) -> Result<Option<(EntryRecord, String)>> {
        let row = sqlx::query(dynsql!("SELECT {ENTRY_COLS}, w.token_hash {ENTRY_FROM} WHERE w.id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.read)
            .await?;
        row.map(|r| Ok((entry_from(&r)?, r.text("token_hash")?))).transpose()
    }

    /// An event's entries, live ones first (in order), then the ended ones, newest first.
    pub async fn waitlist_entries(&self, event: EventId, limit: i64) -> Result<Vec<EntryRecord>> {
        let rows = sqlx::query(dynsql!(
            "SELECT {ENTRY_COLS} {ENTRY_FROM} WHERE w.event_id = $1
             ORDER BY CASE WHEN w.state IN ('waiting', 'offered') THEN 0 ELSE 1 END,
               CASE WHEN w.state IN ('waiting', 'offered') THEN w.id END ASC, w.id DESC LIMIT $2"
        ))
        .bind(event.to_string())
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(entry_from).collect()
    }

    /// A signed-in buyer's entries, newest first.
    pub async fn user_waitlist_entries(&self, user: UserId, limit: i64) -> Result<Vec<EntryRecord>> {
        let rows =
            sqlx::query(dynsql!("SELECT {ENTRY_COLS} {ENTRY_FROM} WHERE w.user_id = $1 ORDER BY w.id DESC LIMIT $2"))
                .bind(user.to_string())
                .bind(limit)
                .fetch_all(&self.read)
                .await?;
        rows.iter().map(entry_from).collect()
    }

    /// Ends a live entry (`left` by its buyer, `removed` by staff). Returns
    /// false when it was no longer waiting or offered (nothing changed).
    pub async fn end_waitlist_entry(&self, id: &str, state: &str, now: Timestamp) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE waitlist_entries SET state = $2, active_key = NULL, ended_at = $3
             WHERE id = $1 AND state IN ('waiting', 'offered')",
        )
        .bind(id.to_string())
        .bind(state.to_string())
        .bind(micros(now))
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Events whose waitlist has live entries, for the sweeper.
    pub async fn events_with_waitlist(&self, limit: i64) -> Result<Vec<EventId>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT DISTINCT w.event_id FROM waitlist_entries w
             JOIN event_waitlist_settings s ON s.event_id = w.event_id
             WHERE w.state IN ('waiting', 'offered') AND s.enabled = 1 LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.into_iter().map(|(e,)| e.parse().map_err(|_| StoreError::Corrupt("event id".into()))).collect()
    }
}

/// An offer the batch will try to make: the entry and the reservation for it.
pub(crate) struct Candidate {
    pub(crate) entry: String,
    pub(crate) ticket_type: TicketTypeId,
    pub(crate) order: NewOrder,
}

/// What a batch decided about the waitlist, written after its orders.
#[derive(Default)]
pub(crate) struct Outcome {
    /// (entry, the offer's order)
    pub(crate) offered: Vec<(String, String)>,
    /// (entry, why it could not be served)
    pub(crate) skipped: Vec<(String, String)>,
}

/// Whether a batch's operations ask for the waitlist step.
pub(crate) fn wanted(ops: &[InventoryOp]) -> bool {
    ops.iter().any(|o| matches!(o, InventoryOp::Waitlist))
}

/// Inside the event's batch, after due holds expired: writes down how the
/// open offers ended (`accepted` when their order is paid, `lapsed` when it
/// expired or was cancelled), then loads the waiting entries in order, as
/// reservations ready to decide. Empty when the waitlist is off.
pub(crate) async fn candidates_in(
    tx: &mut Tx,
    backend: Backend,
    event: EventId,
    now: Timestamp,
) -> Result<Vec<Candidate>> {
    let eid = event.to_string();
    for (to, states) in [("accepted", "'paid'"), ("lapsed", "'expired', 'cancelled', 'refunded'")] {
        sqlx::query(dynsql!(
            "UPDATE waitlist_entries SET state = '{to}', active_key = NULL, ended_at = $2
             WHERE event_id = $1 AND state = 'offered'
               AND order_id IN (SELECT id FROM orders WHERE event_id = $1 AND state IN ({states}))"
        ))
        .bind(eid.clone())
        .bind(micros(now))
        .execute(&mut **tx)
        .await?;
    }
    let settings = sqlx::query("SELECT enabled, offer_minutes FROM event_waitlist_settings WHERE event_id = $1")
        .bind(eid.clone())
        .fetch_optional(&mut **tx)
        .await?;
    let Some(settings) = settings else { return Ok(vec![]) };
    if !settings.flag("enabled")? {
        return Ok(vec![]);
    }
    let minutes = settings.int("offer_minutes")?;
    let expires_at = now.checked_add(jiff::SignedDuration::from_mins(minutes)).unwrap_or(now);
    // The rows stay locked until the batch commits, so a buyer leaving
    // meanwhile waits and then finds the entry offered.
    let lock = if backend == Backend::Postgres { " FOR UPDATE" } else { "" };
    let rows = sqlx::query(dynsql!(
        "SELECT id, ticket_type_id, quantity, email, name, user_id, locale, token_hash FROM waitlist_entries
         WHERE event_id = $1 AND state = 'waiting' ORDER BY id LIMIT $2{lock}"
    ))
    .bind(eid)
    .bind(OFFERS_PER_BATCH)
    .fetch_all(&mut **tx)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let ticket_type: TicketTypeId = r.parse("ticket_type_id")?;
        let user: Option<UserId> =
            r.opt_text("user_id")?.map(|u| u.parse()).transpose().map_err(|_| StoreError::Corrupt("user id".into()))?;
        let email = r.text("email")?;
        let buyer_key = match user {
            Some(u) => format!("user:{u}"),
            None => format!("email:{email}"),
        };
        out.push(Candidate {
            entry: r.text("id")?,
            ticket_type,
            order: NewOrder {
                id: OrderId::new(),
                reference: crate::inventory::fresh_reference(),
                request: ReserveRequest {
                    lines: vec![LineRequest { ticket_type_id: ticket_type, quantity: r.int("quantity")? }],
                    buyer_key,
                    access_code: None,
                    promo_code: None,
                    staff_sale: false,
                    member_plans: vec![],
                },
                buyer_user_id: user,
                buyer_email: email,
                buyer_name: r.text("name")?,
                locale: r.text("locale")?,
                token_hash: r.text("token_hash")?,
                expires_at,
                seats: None,
                resale_listing: None,
            },
        });
    }
    Ok(out)
}

/// Writes what the batch decided, after its orders exist: each offered
/// entry moves from `waiting` to `offered` (a conditional update; under the
/// batch's lock it cannot miss, and if it did the whole batch would roll
/// back rather than leave an offer without its entry), skipped ones end.
pub(crate) async fn record_in(tx: &mut Tx, out: Outcome, now: Timestamp) -> Result<()> {
    for (entry, order) in out.offered {
        let done = sqlx::query(
            "UPDATE waitlist_entries SET state = 'offered', order_id = $2, offered_at = $3
             WHERE id = $1 AND state = 'waiting'",
        )
        .bind(entry)
        .bind(order)
        .bind(micros(now))
        .execute(&mut **tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Corrupt("a waitlist entry changed under the event's lock".into()));
        }
    }
    for (entry, why) in out.skipped {
        sqlx::query(
            "UPDATE waitlist_entries SET state = 'skipped', active_key = NULL, ended_at = $3, note = $2
             WHERE id = $1 AND state = 'waiting'",
        )
        .bind(entry)
        .bind(why)
        .bind(micros(now))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The buyer keys of the candidates, so the snapshot knows what each has bought.
pub(crate) fn buyer_keys(c: &[Candidate]) -> Vec<String> {
    c.iter().map(|c| c.order.request.buyer_key.clone()).collect()
}

/// What offering needs of the batch.
pub(crate) struct OfferCx<'a> {
    pub(crate) event: &'a tessera_domain::catalog::Event,
    pub(crate) now: Timestamp,
    pub(crate) seated: bool,
    pub(crate) pricing: &'a tessera_domain::payments::EventPricing,
}

/// Decides the candidates in order against the batch's snapshot: each one
/// that fits becomes a reservation (its hold, order, history line, e-mail
/// and webhooks in the batch's writes); the first one of a ticket type
/// that does not fit for lack of stock (or because sales are closed) stops
/// that ticket type's line; one refused for any other reason is skipped.
pub(crate) fn offer_all(
    cx: &OfferCx<'_>,
    snap: &mut tessera_domain::inventory::Snapshot,
    candidates: Vec<Candidate>,
    w: &mut crate::inventory::Writes,
    out: &mut Outcome,
) {
    use crate::inventory::OpError;
    use tessera_domain::inventory::ReserveError;
    let org = cx.event.org_id;
    let mut stopped = std::collections::HashSet::new();
    for c in candidates {
        if stopped.contains(&c.ticket_type) {
            continue;
        }
        match crate::inventory::reserve(snap, cx.event, &c.order, cx.now, w, None, cx.seated, cx.pricing) {
            Ok(Some(order)) => {
                let id = order.id.to_string();
                let until = c.order.expires_at.to_string();
                let note = format!("offered from the waitlist until {until}");
                w.history(&id, cx.now, "waitlist", Some(OrderState::Pending), OrderState::Pending, &note);
                for topic in ["order.created", "waitlist.offered"] {
                    if w.money.wants(topic) {
                        w.money.outbox(org, crate::payments::webhook(topic, &order, cx.now), cx.now);
                    }
                }
                let mail = crate::OutboxMessage::new(
                    "email",
                    "waitlist_offer",
                    Some(id.clone()),
                    serde_json::json!({ "locale": c.order.locale, "entry": c.entry }),
                );
                w.money.outbox(org, mail, cx.now);
                out.offered.push((c.entry, id));
            }
            Ok(None) => {}
            Err(OpError::Reserve(
                ReserveError::SoldOut { .. } | ReserveError::EventNotOnSale | ReserveError::NotOnSale { .. },
            )) => {
                stopped.insert(c.ticket_type);
            }
            Err(e) => out.skipped.push((c.entry, e.to_string())),
        }
    }
}
