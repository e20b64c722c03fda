//! Ticket transfers: an event's transfer rules, offers of tickets to an
//! e-mail address, their cancellation, expiry and acceptance.
//!
//! A ticket is offered by at most one pending transfer at a time: the offer
//! sets `tickets.pending_transfer_id` with a conditional update. Accepting
//! runs in one transaction under the event's lock (PostgreSQL `FOR UPDATE`
//! on the event row, the lock inventory batches take, so a refund or
//! cancellation of the order cannot interleave; SQLite `BEGIN IMMEDIATE`):
//! the transfer moves from `pending` to `accepted` by a conditional update
//! (of two racing acceptances one changes a row, the other is refused),
//! each offered ticket is voided (reason `transferred`) only if it is still
//! valid and offered by this transfer, a ticket already admitted somewhere
//! refuses the whole acceptance, and the new tickets, the order's history
//! row and the outbox messages commit with it.
//!
//! Scans re-read the status of the tickets they admit inside their own
//! transaction, locked (`record_scans`), so a scan racing an acceptance
//! either admits the old ticket before the acceptance (which is then
//! refused as `ticket_used`) or finds it void.

use crate::checkin::{TICKET_COLS, ticket_from};
use crate::inventory::{Arg, Tx, fetch_in, insert_rows_then, text};
use crate::row::{RowExt, micros};
use crate::{Backend, OutboxMessage, Result, Store, StoreError};
use sqlx::any::AnyRow;
use tessera_domain::orders::{OrderId, OrderState, TicketId};
use tessera_domain::{EventId, OrgId, Timestamp};

pub use crate::checkin::TicketRecord;

/// An event's transfer rules. Without any, transfers are not allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferSettings {
    /// Holders may transfer their tickets.
    pub allowed: bool,
    /// Transfers close (offers and acceptances) this many hours before the event starts; 0 to 8784.
    #[schema(minimum = 0, maximum = 8784)]
    pub cutoff_hours: i64,
    /// How many times one ticket may change hands; 1 to 100.
    #[schema(minimum = 1, maximum = 100)]
    pub max_per_ticket: i64,
    /// Holders may change the name on their tickets (each change issues a new code), until
    /// the same cutoff. Off when left out.
    #[serde(default)]
    pub name_changes: bool,
}

impl Default for TransferSettings {
    fn default() -> Self {
        Self { allowed: false, cutoff_hours: 0, max_per_ticket: 1, name_changes: false }
    }
}

/// A transfer as stored, with the tickets it offers: (offered, replacement once accepted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferRecord {
    pub id: String,
    pub org_id: OrgId,
    pub event_id: EventId,
    pub order_id: OrderId,
    pub from_name: String,
    pub from_email: String,
    pub from_user_id: Option<String>,
    pub to_email: String,
    pub to_name: String,
    pub message: String,
    pub locale: String,
    /// `pending`, `accepted`, `cancelled` or `expired` (a pending one past
    /// `expires_at` is reported `expired` by readers).
    pub state: String,
    pub expires_at: Timestamp,
    pub created_at: Timestamp,
    pub ended_at: Option<Timestamp>,
    pub accepted_name: Option<String>,
    pub accepted_user_id: Option<String>,
    pub items: Vec<(TicketId, Option<TicketId>)>,
}

/// A new offer, its secret already hashed.
#[derive(Debug, Clone)]
pub struct NewTransfer {
    pub id: String,
    pub org_id: OrgId,
    pub event_id: EventId,
    pub order_id: OrderId,
    pub from_name: String,
    pub from_email: String,
    pub from_user_id: Option<String>,
    pub to_email: String,
    pub to_name: String,
    pub message: String,
    pub locale: String,
    pub token_hash: String,
    pub expires_at: Timestamp,
    pub tickets: Vec<TicketId>,
    /// Who offered, for the order's history (`buyer`, `user:<id>`).
    pub actor: String,
    /// Queued with the offer (the e-mail to the recipient).
    pub outbox: Vec<OutboxMessage>,
}

/// Who accepts.
#[derive(Debug, Clone)]
pub struct Acceptance {
    /// The new tickets' holder name.
    pub name: String,
    /// The signed-in account accepting, if any.
    pub user_id: Option<String>,
}

/// Why a transfer could not be made, cancelled or accepted; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferRefusal {
    /// The transfer is no longer pending (its current state).
    NotPending(String),
    /// Past its cutoff.
    Expired,
    /// The event's rules no longer allow transfers now.
    Closed,
    /// The order is no longer paid.
    OrderNotPaid(OrderState),
    /// A ticket is no longer valid (voided, re-issued, refunded).
    TicketNotValid(TicketId),
    /// A ticket is already offered by another pending transfer.
    TicketOffered(TicketId),
    /// A ticket was already admitted.
    TicketUsed(TicketId),
    /// A ticket is listed for resale.
    TicketListed(TicketId),
    /// A ticket changed hands as often as the event allows.
    TooManyTransfers(TicketId),
}

const TRANSFER_COLS: &str = "id, org_id, event_id, order_id, from_name, from_email, from_user_id, to_email, to_name, message, locale, state, expires_at, created_at, ended_at, accepted_name, accepted_user_id";

fn transfer_from(r: &AnyRow) -> Result<TransferRecord> {
    Ok(TransferRecord {
        id: r.text("id")?,
        org_id: r.parse("org_id")?,
        event_id: r.parse("event_id")?,
        order_id: r.parse("order_id")?,
        from_name: r.text("from_name")?,
        from_email: r.text("from_email")?,
        from_user_id: r.opt_text("from_user_id")?,
        to_email: r.text("to_email")?,
        to_name: r.text("to_name")?,
        message: r.text("message")?,
        locale: r.text("locale")?,
        state: r.text("state")?,
        expires_at: r.ts("expires_at")?,
        created_at: r.ts("created_at")?,
        ended_at: r.opt_ts("ended_at")?,
        accepted_name: r.opt_text("accepted_name")?,
        accepted_user_id: r.opt_text("accepted_user_id")?,
        items: Vec::new(),
    })
}

async fn begin(store: &Store) -> Result<Tx> {
    Ok(match store.backend {
        Backend::Sqlite => store.write.begin_with("BEGIN IMMEDIATE").await?,
        Backend::Postgres => store.write.begin().await?,
    })
}

async fn fill_items(tx: &mut Tx, transfers: &mut [TransferRecord]) -> Result<()> {
    let ids: Vec<String> = transfers.iter().map(|t| t.id.clone()).collect();
    let rows = fetch_in(
        tx,
        "SELECT transfer_id, ticket_id, new_ticket_id FROM ticket_transfer_items WHERE transfer_id IN ({in}) ORDER BY ticket_id",
        &[],
        &ids,
    )
    .await?;
    for r in &rows {
        let id = r.text("transfer_id")?;
        let item = (r.parse("ticket_id")?, r.opt_text("new_ticket_id")?.and_then(|t| t.parse().ok()));
        if let Some(t) = transfers.iter_mut().find(|t| t.id == id) {
            t.items.push(item);
        }
    }
    Ok(())
}

/// Pending transfers of these tickets that are past their cutoff become
/// `expired` and free their tickets for a new offer.
async fn expire_due(tx: &mut Tx, tickets: &[String], now: Timestamp) -> Result<()> {
    let rows = fetch_in(
        tx,
        "SELECT DISTINCT pending_transfer_id FROM tickets WHERE id IN ({in}) AND pending_transfer_id IS NOT NULL",
        &[],
        tickets,
    )
    .await?;
    for r in &rows {
        let id = r.text("pending_transfer_id")?;
        let done = sqlx::query(
            "UPDATE ticket_transfers SET state = 'expired', ended_at = $2 WHERE id = $1 AND state = 'pending' AND expires_at <= $2",
        )
        .bind(&id)
        .bind(micros(now))
        .execute(&mut **tx)
        .await?;
        if done.rows_affected() > 0 {
            sqlx::query("UPDATE tickets SET pending_transfer_id = NULL WHERE pending_transfer_id = $1")
                .bind(&id)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

/// Whether any of the tickets was admitted on any list.
async fn used_ticket(tx: &mut Tx, tickets: &[String]) -> Result<Option<TicketId>> {
    let rows = fetch_in(
        tx,
        "SELECT ticket_id FROM checkin_presence WHERE ticket_id IN ({in}) AND entries > 0 ORDER BY ticket_id",
        &[],
        tickets,
    )
    .await?;
    rows.first().map(|r| r.parse("ticket_id")).transpose()
}

async fn settings_in(tx: &mut Tx, event: EventId) -> Result<TransferSettings> {
    let row = sqlx::query(
        "SELECT allowed, cutoff_hours, max_per_ticket, name_changes FROM event_transfer_settings WHERE event_id = $1",
    )
    .bind(event.to_string())
    .fetch_optional(&mut **tx)
    .await?;
    Ok(match row {
        Some(r) => TransferSettings {
            allowed: r.flag("allowed")?,
            cutoff_hours: r.int("cutoff_hours")?,
            max_per_ticket: r.int("max_per_ticket")?,
            name_changes: r.flag("name_changes")?,
        },
        None => TransferSettings::default(),
    })
}

/// Whether transfers of an event starting at `starts` are open at `now` under `s`.
pub fn transfers_open(s: &TransferSettings, starts: Timestamp, now: Timestamp) -> bool {
    s.allowed && now < cutoff(s, starts)
}

/// The instant transfers close: `cutoff_hours` before `starts`.
pub fn cutoff(s: &TransferSettings, starts: Timestamp) -> Timestamp {
    starts.checked_sub(jiff::SignedDuration::from_hours(s.cutoff_hours)).unwrap_or(starts)
}

impl Store {
    /// An event's transfer rules (the defaults, transfers not allowed, when none are set).
    pub async fn transfer_settings(&self, event: EventId) -> Result<TransferSettings> {
        let mut tx = self.read.begin().await?;
        let s = settings_in(&mut tx, event).await?;
        tx.commit().await?;
        Ok(s)
    }

    pub async fn set_transfer_settings(&self, event: EventId, s: &TransferSettings, now: Timestamp) -> Result<()> {
        sqlx::query(
            "INSERT INTO event_transfer_settings (event_id, allowed, cutoff_hours, max_per_ticket, updated_at, name_changes) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id) DO UPDATE SET allowed = excluded.allowed, \
             cutoff_hours = excluded.cutoff_hours, max_per_ticket = excluded.max_per_ticket, updated_at = excluded.updated_at, \
             name_changes = excluded.name_changes",
        )
        .bind(event.to_string())
        .bind(i64::from(s.allowed))
        .bind(s.cutoff_hours)
        .bind(s.max_per_ticket)
        .bind(micros(now))
        .bind(i64::from(s.name_changes))
        .execute(&self.write)
        .await?;
        Ok(())
    }

    pub async fn transfer(&self, id: &str) -> Result<Option<TransferRecord>> {
        let mut tx = self.read.begin().await?;
        let row = sqlx::query(dynsql!("SELECT {TRANSFER_COLS} FROM ticket_transfers WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let mut t = [transfer_from(&row)?];
        fill_items(&mut tx, &mut t).await?;
        tx.commit().await?;
        let [t] = t;
        Ok(Some(t))
    }

    /// The transfer's secret's hash, to check an accept link against.
    pub async fn transfer_token_hash(&self, id: &str) -> Result<Option<String>> {
        let row: Option<(String,)> = sqlx::query_as("SELECT token_hash FROM ticket_transfers WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.read)
            .await?;
        Ok(row.map(|r| r.0))
    }

    /// An order's transfers, oldest first.
    /// For the tickets of `order` issued by accepted transfers: new ticket
    /// id -> the id of the ticket it replaced.
    pub async fn transfer_origins(&self, order: OrderId) -> Result<std::collections::HashMap<String, String>> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT i.new_ticket_id, i.ticket_id FROM ticket_transfer_items i JOIN ticket_transfers t ON t.id = i.transfer_id
             WHERE t.order_id = $1 AND i.new_ticket_id IS NOT NULL",
        )
        .bind(order.to_string())
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().collect())
    }

    pub async fn order_transfers(&self, order: OrderId) -> Result<Vec<TransferRecord>> {
        let mut tx = self.read.begin().await?;
        let rows = sqlx::query(dynsql!(
            "SELECT {TRANSFER_COLS} FROM ticket_transfers WHERE order_id = $1 ORDER BY created_at, id"
        ))
        .bind(order.to_string())
        .fetch_all(&mut *tx)
        .await?;
        let mut out = rows.iter().map(transfer_from).collect::<Result<Vec<_>>>()?;
        if !out.is_empty() {
            fill_items(&mut tx, &mut out).await?;
        }
        tx.commit().await?;
        Ok(out)
    }

    /// The tickets an account received by transfer, newest first.
    pub async fn received_tickets(&self, user: &str) -> Result<Vec<TicketRecord>> {
        let rows = sqlx::query(dynsql!(
            "SELECT {TICKET_COLS} FROM tickets t JOIN ticket_types tt ON tt.id = t.ticket_type_id \
             WHERE t.holder_user_id = $1 ORDER BY t.created_at DESC, t.id LIMIT 500"
        ))
        .bind(user)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(ticket_from).collect()
    }

    /// Records an offer: each ticket must still be valid, on the order and
    /// offered by no other pending transfer (one whose cutoff passed is
    /// expired first), checked and marked by conditional updates in one
    /// transaction. The event's rules are checked again inside it.
    pub async fn create_transfer(
        &self,
        t: &NewTransfer,
        starts: Timestamp,
        now: Timestamp,
    ) -> Result<std::result::Result<(), TransferRefusal>> {
        let mut tx = begin(self).await?;
        let ids: Vec<String> = t.tickets.iter().map(ToString::to_string).collect();
        expire_due(&mut tx, &ids, now).await?;
        let settings = settings_in(&mut tx, t.event_id).await?;
        if !transfers_open(&settings, starts, now) {
            return Ok(Err(TransferRefusal::Closed));
        }
        if let Some(used) = used_ticket(&mut tx, &ids).await? {
            return Ok(Err(TransferRefusal::TicketUsed(used)));
        }
        for (i, ticket) in t.tickets.iter().enumerate() {
            let done = sqlx::query(
                "UPDATE tickets SET pending_transfer_id = $3 WHERE id = $1 AND order_id = $2 AND status = 'valid' \
                 AND pending_transfer_id IS NULL AND resale_listing_id IS NULL AND transfer_count < $4",
            )
            .bind(&ids[i])
            .bind(t.order_id.to_string())
            .bind(&t.id)
            .bind(settings.max_per_ticket)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                let row = sqlx::query(
                    "SELECT status, pending_transfer_id, resale_listing_id, transfer_count FROM tickets WHERE id = $1 AND order_id = $2",
                )
                .bind(&ids[i])
                .bind(t.order_id.to_string())
                .fetch_optional(&mut *tx)
                .await?;
                tx.rollback().await?;
                let Some(row) = row else { return Err(StoreError::NotFound) };
                return Ok(Err(if row.text("status")? != "valid" {
                    TransferRefusal::TicketNotValid(*ticket)
                } else if row.opt_text("pending_transfer_id")?.is_some() {
                    TransferRefusal::TicketOffered(*ticket)
                } else if row.opt_text("resale_listing_id")?.is_some() {
                    TransferRefusal::TicketListed(*ticket)
                } else {
                    TransferRefusal::TooManyTransfers(*ticket)
                }));
            }
        }
        sqlx::query(
            "INSERT INTO ticket_transfers (id, org_id, event_id, order_id, from_name, from_email, from_user_id, to_email, to_name, \
             message, locale, token_hash, state, expires_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'pending', $13, $14)",
        )
        .bind(&t.id)
        .bind(t.org_id.to_string())
        .bind(t.event_id.to_string())
        .bind(t.order_id.to_string())
        .bind(&t.from_name)
        .bind(&t.from_email)
        .bind(t.from_user_id.clone())
        .bind(&t.to_email)
        .bind(&t.to_name)
        .bind(&t.message)
        .bind(&t.locale)
        .bind(&t.token_hash)
        .bind(micros(t.expires_at))
        .bind(micros(now))
        .execute(&mut *tx)
        .await?;
        let items = ids.iter().map(|id| vec![text(&t.id), text(id), Arg::OptText(None)]).collect();
        insert_rows_then(&mut tx, "ticket_transfer_items", &["transfer_id", "ticket_id", "new_ticket_id"], items, "")
            .await?;
        let state = order_state(&mut tx, t.order_id).await?;
        let note = format!("{} ticket(s) offered to {}", ids.len(), t.to_email);
        history(&mut tx, t.order_id, now, &t.actor, state, &note).await?;
        crate::payments::insert_outbox(&mut tx, t.org_id, &t.outbox, now).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Re-issues a ticket under another holder name: decided under the
    /// write lock, refused when the ticket is void, admitted, offered by a
    /// pending transfer or listed for resale. The old ticket is voided
    /// (`renamed`, `replaced_by` the new one), so its code is revoked.
    pub async fn rename_ticket(
        &self,
        order: OrderId,
        ticket: TicketId,
        name: &str,
        actor: &str,
        now: Timestamp,
    ) -> Result<std::result::Result<TicketRecord, TransferRefusal>> {
        let mut tx = begin(self).await?;
        if self.backend == Backend::Postgres {
            // A scan admits the ticket first, or finds it renamed (void).
            sqlx::query("SELECT id FROM tickets WHERE id = $1 FOR UPDATE")
                .bind(ticket.to_string())
                .fetch_optional(&mut *tx)
                .await?;
        }
        let ids = [ticket.to_string()];
        if let Some(used) = used_ticket(&mut tx, &ids).await? {
            return refuse(tx, TransferRefusal::TicketUsed(used)).await;
        }
        let new_id = TicketId::new();
        let done = sqlx::query(
            "UPDATE tickets SET status = 'void', voided_at = $3, void_reason = 'renamed', replaced_by = $4 \
             WHERE id = $1 AND order_id = $2 AND status = 'valid' AND pending_transfer_id IS NULL AND resale_listing_id IS NULL",
        )
        .bind(ticket.to_string())
        .bind(order.to_string())
        .bind(micros(now))
        .bind(new_id.to_string())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            let row = sqlx::query(
                "SELECT status, pending_transfer_id, resale_listing_id FROM tickets WHERE id = $1 AND order_id = $2",
            )
            .bind(ticket.to_string())
            .bind(order.to_string())
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = row else {
                tx.rollback().await?;
                return Err(StoreError::NotFound);
            };
            let why = if row.text("status")? != "valid" {
                TransferRefusal::TicketNotValid(ticket)
            } else if row.opt_text("pending_transfer_id")?.is_some() {
                TransferRefusal::TicketOffered(ticket)
            } else {
                TransferRefusal::TicketListed(ticket)
            };
            return refuse(tx, why).await;
        }
        sqlx::query(
            "INSERT INTO tickets (id, order_id, org_id, event_id, ticket_type_id, holder_name, status, created_at, seat_label, \
             holder_email, holder_user_id, transfer_count) \
             SELECT $1, order_id, org_id, event_id, ticket_type_id, $2, 'valid', $3, seat_label, holder_email, holder_user_id, \
             transfer_count FROM tickets WHERE id = $4",
        )
        .bind(new_id.to_string())
        .bind(name)
        .bind(micros(now))
        .bind(ticket.to_string())
        .execute(&mut *tx)
        .await?;
        let state = order_state(&mut tx, order).await?;
        history(&mut tx, order, now, actor, state, &format!("ticket {ticket} re-issued for {name} (name change)"))
            .await?;
        tx.commit().await?;
        Ok(Ok(self.ticket(new_id).await?.ok_or(StoreError::NotFound)?))
    }

    /// Cancels a pending transfer (by its sender); its tickets may be offered again.
    pub async fn cancel_transfer(
        &self,
        id: &str,
        actor: &str,
        now: Timestamp,
    ) -> Result<std::result::Result<(), TransferRefusal>> {
        let mut tx = begin(self).await?;
        let done = sqlx::query(
            "UPDATE ticket_transfers SET state = 'cancelled', ended_at = $2 WHERE id = $1 AND state = 'pending'",
        )
        .bind(id)
        .bind(micros(now))
        .execute(&mut *tx)
        .await?;
        let row = sqlx::query(dynsql!("SELECT {TRANSFER_COLS} FROM ticket_transfers WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else { return Err(StoreError::NotFound) };
        let t = transfer_from(&row)?;
        if done.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(Err(TransferRefusal::NotPending(t.state)));
        }
        sqlx::query("UPDATE tickets SET pending_transfer_id = NULL WHERE pending_transfer_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let state = order_state(&mut tx, t.order_id).await?;
        history(&mut tx, t.order_id, now, actor, state, &format!("transfer to {} cancelled", t.to_email)).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Accepts a pending transfer: see the module's documentation. Returns
    /// the transfer as it now is and (old, new) ticket ids.
    /// `outbox` makes what is queued with the acceptance (the e-mail to
    /// the sender; the webhook when the organization subscribes, the flag)
    /// from the accepted transfer and its (old, new) tickets.
    pub async fn accept_transfer(
        &self,
        id: &str,
        by: &Acceptance,
        starts: Timestamp,
        now: Timestamp,
        outbox: impl Fn(&TransferRecord, &[(TicketId, TicketId)], bool) -> Vec<OutboxMessage> + Send,
    ) -> Result<std::result::Result<(TransferRecord, Vec<(TicketId, TicketId)>), TransferRefusal>> {
        let mut tx = begin(self).await?;
        let row = sqlx::query(dynsql!("SELECT {TRANSFER_COLS} FROM ticket_transfers WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else { return Err(StoreError::NotFound) };
        let mut t = [transfer_from(&row)?];
        if self.backend == Backend::Postgres {
            // The event's lock: inventory batches (refunds, cancellations) of
            // this event wait, and so does a racing acceptance.
            sqlx::query("SELECT id FROM events WHERE id = $1 FOR UPDATE")
                .bind(t[0].event_id.to_string())
                .execute(&mut *tx)
                .await?;
        }
        // Of two acceptances only one moves the row; the other finds it accepted.
        let done = sqlx::query(
            "UPDATE ticket_transfers SET state = 'accepted', ended_at = $2, accepted_name = $3, accepted_user_id = $4 \
             WHERE id = $1 AND state = 'pending' AND expires_at > $2",
        )
        .bind(id)
        .bind(micros(now))
        .bind(&by.name)
        .bind(by.user_id.clone())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            let (state,): (String,) =
                sqlx::query_as("SELECT state FROM ticket_transfers WHERE id = $1").bind(id).fetch_one(&mut *tx).await?;
            let why = if state == "pending" { TransferRefusal::Expired } else { TransferRefusal::NotPending(state) };
            return refuse(tx, why).await;
        }
        fill_items(&mut tx, &mut t).await?;
        let [mut t] = t;
        let settings = settings_in(&mut tx, t.event_id).await?;
        if !transfers_open(&settings, starts, now) {
            return refuse(tx, TransferRefusal::Closed).await;
        }
        let state = order_state(&mut tx, t.order_id).await?;
        if state != OrderState::Paid {
            return refuse(tx, TransferRefusal::OrderNotPaid(state)).await;
        }
        let old: Vec<String> = t.items.iter().map(|(o, _)| o.to_string()).collect();
        let mut pairs = Vec::with_capacity(old.len());
        for (i, (ticket, _)) in t.items.iter().enumerate() {
            let new_id = TicketId::new();
            // Also locks the ticket: a scan deciding on it waits (see record_scans).
            let done = sqlx::query(
                "UPDATE tickets SET status = 'void', voided_at = $2, replaced_by = $3, void_reason = 'transferred', \
                 pending_transfer_id = NULL WHERE id = $1 AND status = 'valid' AND pending_transfer_id = $4",
            )
            .bind(&old[i])
            .bind(micros(now))
            .bind(new_id.to_string())
            .bind(id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return refuse(tx, TransferRefusal::TicketNotValid(*ticket)).await;
            }
            pairs.push((*ticket, new_id));
        }
        // Read after the tickets are locked: an admission committed before
        // is seen here; one after finds the ticket void.
        if let Some(used) = used_ticket(&mut tx, &old).await? {
            return refuse(tx, TransferRefusal::TicketUsed(used)).await;
        }
        for (old_id, new_id) in &pairs {
            sqlx::query(
                "INSERT INTO tickets (id, order_id, org_id, event_id, ticket_type_id, holder_name, status, created_at, seat_label, \
                 holder_email, holder_user_id, transfer_count) \
                 SELECT $1, order_id, org_id, event_id, ticket_type_id, $2, 'valid', $3, seat_label, $4, $5, transfer_count + 1 \
                 FROM tickets WHERE id = $6",
            )
            .bind(new_id.to_string())
            .bind(&by.name)
            .bind(micros(now))
            .bind(&t.to_email)
            .bind(by.user_id.clone())
            .bind(old_id.to_string())
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE ticket_transfer_items SET new_ticket_id = $3 WHERE transfer_id = $1 AND ticket_id = $2",
            )
            .bind(id)
            .bind(old_id.to_string())
            .bind(new_id.to_string())
            .execute(&mut *tx)
            .await?;
        }
        t.state = "accepted".into();
        t.ended_at = Some(now);
        t.accepted_name = Some(by.name.clone());
        t.accepted_user_id = by.user_id.clone();
        t.items = pairs.iter().map(|(o, n)| (*o, Some(*n))).collect();
        let actor = by.user_id.as_ref().map_or_else(|| "buyer".to_string(), |u| format!("user:{u}"));
        let note = format!("{} ticket(s) transferred to {}", pairs.len(), t.to_email);
        history(&mut tx, t.order_id, now, &actor, state, &note).await?;
        let wants = crate::payments::subscriptions_in(&mut tx, t.org_id).await?.wants("ticket.transferred");
        let msgs = outbox(&t, &pairs, wants);
        crate::payments::insert_outbox(&mut tx, t.org_id, &msgs, now).await?;
        tx.commit().await?;
        Ok(Ok((t, pairs)))
    }
}

async fn refuse<T>(tx: Tx, why: TransferRefusal) -> Result<std::result::Result<T, TransferRefusal>> {
    tx.rollback().await?;
    Ok(Err(why))
}

pub(crate) async fn order_state(tx: &mut Tx, order: OrderId) -> Result<OrderState> {
    let (state,): (String,) = sqlx::query_as("SELECT state FROM orders WHERE id = $1")
        .bind(order.to_string())
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    state.parse().map_err(|_| StoreError::Corrupt(format!("order state {state:?}")))
}

pub(crate) async fn history(
    tx: &mut Tx,
    order: OrderId,
    now: Timestamp,
    actor: &str,
    state: OrderState,
    note: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO order_history (id, order_id, at, actor, from_state, to_state, note) VALUES ($1, $2, $3, $4, $5, $5, $6)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(order.to_string())
    .bind(micros(now))
    .bind(actor)
    .bind(state.as_str())
    .bind(note)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
