//! Ticket codes and signing keys, voiding and re-issue, check-in lists,
//! gates and scans.
//!
//! A scan of one ticket on one list serializes on that ticket's
//! `checkin_presence` row (PostgreSQL `FOR UPDATE`; SQLite's single writer
//! with `BEGIN IMMEDIATE`), and the domain decides against what the row
//! says, so two gates scanning a single-entry ticket at the same instant
//! admit it once. The scanner's nonce is unique per list: a retried scan
//! finds its first answer and changes nothing.

use crate::inventory::{Arg, Tx, execute_in, fetch_in, insert_rows_then, text};
use crate::row::{RowExt, micros};
use crate::{Backend, Result, Store, StoreError};
use sqlx::any::AnyRow;
use std::collections::HashMap;
use tessera_domain::checkin::{
    CheckinList, Direction, EntryPolicy, FirstEntry, Gate, Presence, ScanFacts, ScanResult, apply_offline,
    decide_online,
};
use tessera_domain::orders::{OrderId, TicketId};
use tessera_domain::{CheckinListId, EventId, GateId, OrgId, ScanId, TicketTypeId, Timestamp};

/// A signing key as stored: the private half only encrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningKeyRecord {
    /// 16 hex digits (see docs/ticket-format.md).
    pub id: String,
    pub org_id: OrgId,
    /// 64 hex digits.
    pub public_key: String,
    pub secret_enc: String,
    pub created_at: Timestamp,
    pub retired_at: Option<Timestamp>,
}

/// A ticket with what delivering, scanning and revoking it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketRecord {
    pub id: TicketId,
    pub order_id: OrderId,
    pub org_id: OrgId,
    pub event_id: EventId,
    pub ticket_type_id: TicketTypeId,
    pub ticket_type_name: String,
    pub holder_name: String,
    /// `valid` or `void`.
    pub status: String,
    pub created_at: Timestamp,
    pub code: Option<String>,
    pub key_id: Option<String>,
    pub voided_at: Option<Timestamp>,
    pub replaced_by: Option<TicketId>,
    /// The seat, on a seated event ("Section · Row · Seat").
    pub seat_label: Option<String>,
    /// Set on a ticket transferred in: its holder's address (no longer the order's buyer).
    pub holder_email: Option<String>,
    /// The account that accepted the transfer, when signed in.
    pub holder_user_id: Option<String>,
    /// How many transfers led to this ticket.
    pub transfer_count: i64,
    /// Why a void ticket is void, when known (`transferred`).
    pub void_reason: Option<String>,
    /// The pending transfer offering this ticket.
    pub pending_transfer_id: Option<String>,
}

/// A scan to record. `ticket` is set when the code named a ticket of this
/// organization; `result` is the decision so far: `Valid` means "every check
/// passed, let the entry policy decide".
#[derive(Debug, Clone)]
pub struct NewScan {
    pub id: ScanId,
    pub org_id: OrgId,
    pub list_id: CheckinListId,
    pub nonce: String,
    pub ticket: Option<(TicketId, TicketTypeId)>,
    pub gate_id: Option<GateId>,
    pub device: String,
    pub direction: Direction,
    pub result: ScanResult,
    /// `Some(device admitted)` for a scan made offline and uploaded later.
    pub offline: Option<bool>,
    pub scanned_at: Timestamp,
    pub received_at: Timestamp,
    /// The venue-local day of `scanned_at`, for per-day limits.
    pub day: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanRecord {
    pub id: ScanId,
    pub list_id: CheckinListId,
    pub nonce: String,
    pub ticket_id: Option<TicketId>,
    pub ticket_type_id: Option<TicketTypeId>,
    pub gate_id: Option<GateId>,
    pub device: String,
    pub direction: Direction,
    pub result: ScanResult,
    pub offline: bool,
    pub conflict: bool,
    pub scanned_at: Timestamp,
    pub received_at: Timestamp,
}

/// What recording a scan came to.
#[derive(Debug, Clone)]
pub struct ScanOutcome {
    pub scan: ScanRecord,
    /// The nonce was seen before: this is the first answer, nothing changed.
    pub duplicate: bool,
    /// The ticket's first admission on this list, if any.
    pub first: Option<FirstEntry>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckinCounts {
    pub checked_in: i64,
    pub inside: i64,
    /// (ticket type, its name, valid tickets, checked in)
    pub by_ticket_type: Vec<(TicketTypeId, String, i64, i64)>,
    /// (gate, admissions)
    pub by_gate: Vec<(Option<GateId>, i64)>,
    /// (result, scans)
    pub by_result: Vec<(ScanResult, i64)>,
}

pub(crate) const TICKET_COLS: &str = "t.id, t.order_id, t.org_id, t.event_id, t.ticket_type_id, tt.name AS ticket_type_name, t.holder_name, t.status, t.created_at, t.code, t.key_id, t.voided_at, t.replaced_by, t.seat_label, t.holder_email, t.holder_user_id, t.transfer_count, t.void_reason, t.pending_transfer_id";
const SCAN_COLS: &str = "id, list_id, nonce, ticket_id, ticket_type_id, gate_id, device, direction, result, offline, conflict, scanned_at, received_at";
const KEY_COLS: &str = "id, org_id, public_key, secret_enc, created_at, retired_at";

fn opt_id<T: std::str::FromStr>(r: &AnyRow, col: &str) -> Result<Option<T>> {
    r.opt_text(col)?
        .map(|s| s.parse().map_err(|_| StoreError::Corrupt(format!("column {col}: cannot parse {s:?}"))))
        .transpose()
}

pub(crate) fn ticket_from(r: &AnyRow) -> Result<TicketRecord> {
    Ok(TicketRecord {
        id: r.parse("id")?,
        order_id: r.parse("order_id")?,
        org_id: r.parse("org_id")?,
        event_id: r.parse("event_id")?,
        ticket_type_id: r.parse("ticket_type_id")?,
        ticket_type_name: r.text("ticket_type_name")?,
        holder_name: r.text("holder_name")?,
        status: r.text("status")?,
        created_at: r.ts("created_at")?,
        code: r.opt_text("code")?,
        key_id: r.opt_text("key_id")?,
        voided_at: r.opt_ts("voided_at")?,
        replaced_by: opt_id(r, "replaced_by")?,
        seat_label: r.opt_text("seat_label")?,
        holder_email: r.opt_text("holder_email")?,
        holder_user_id: r.opt_text("holder_user_id")?,
        transfer_count: r.int("transfer_count")?,
        void_reason: r.opt_text("void_reason")?,
        pending_transfer_id: r.opt_text("pending_transfer_id")?,
    })
}

fn key_from(r: &AnyRow) -> Result<SigningKeyRecord> {
    Ok(SigningKeyRecord {
        id: r.text("id")?,
        org_id: r.parse("org_id")?,
        public_key: r.text("public_key")?,
        secret_enc: r.text("secret_enc")?,
        created_at: r.ts("created_at")?,
        retired_at: r.opt_ts("retired_at")?,
    })
}

fn scan_from(r: &AnyRow) -> Result<ScanRecord> {
    Ok(ScanRecord {
        id: r.parse("id")?,
        list_id: r.parse("list_id")?,
        nonce: r.text("nonce")?,
        ticket_id: opt_id(r, "ticket_id")?,
        ticket_type_id: opt_id(r, "ticket_type_id")?,
        gate_id: opt_id(r, "gate_id")?,
        device: r.text("device")?,
        direction: r.text("direction")?.parse().map_err(StoreError::Corrupt)?,
        result: r.text("result")?.parse().map_err(StoreError::Corrupt)?,
        offline: r.flag("offline")?,
        conflict: r.flag("conflict")?,
        scanned_at: r.ts("scanned_at")?,
        received_at: r.ts("received_at")?,
    })
}

fn presence_from(r: &AnyRow) -> Result<Presence> {
    let first = match opt_id::<ScanId>(r, "first_scan_id")? {
        Some(scan) => Some(FirstEntry {
            scan,
            at: r.ts("first_at")?,
            gate: opt_id(r, "first_gate_id")?,
            nonce: r.opt_text("first_nonce")?.unwrap_or_default(),
        }),
        None => None,
    };
    Ok(Presence {
        entries: r.int("entries")?,
        inside: r.flag("inside")?,
        first,
        day: r.opt_text("day")?,
        day_entries: r.int("day_entries")?,
    })
}

impl Store {
    // ----- signing keys -----

    /// The organization's current signing key, if it has one yet.
    pub async fn current_signing_key(&self, org: OrgId) -> Result<Option<SigningKeyRecord>> {
        let row = sqlx::query(dynsql!("SELECT {KEY_COLS} FROM signing_keys WHERE org_id = $1 AND retired_at IS NULL"))
            .bind(org.to_string())
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(key_from).transpose()
    }

    /// Every key of the organization, current and retired, oldest first.
    pub async fn signing_keys(&self, org: OrgId) -> Result<Vec<SigningKeyRecord>> {
        let rows =
            sqlx::query(dynsql!("SELECT {KEY_COLS} FROM signing_keys WHERE org_id = $1 ORDER BY created_at, id"))
                .bind(org.to_string())
                .fetch_all(&self.read)
                .await?;
        rows.iter().map(key_from).collect()
    }

    pub async fn signing_key(&self, key_id: &str) -> Result<Option<SigningKeyRecord>> {
        let row = sqlx::query(dynsql!("SELECT {KEY_COLS} FROM signing_keys WHERE id = $1"))
            .bind(key_id)
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(key_from).transpose()
    }

    /// Adds `key` as the organization's current key. With `retire_current`,
    /// the current one (if any) is retired in the same transaction; without,
    /// a second current key is a `Conflict` (another process made one first).
    pub async fn add_signing_key(&self, key: &SigningKeyRecord, retire_current: bool) -> Result<()> {
        let mut tx = self.write.begin().await?;
        if retire_current {
            sqlx::query("UPDATE signing_keys SET retired_at = $2 WHERE org_id = $1 AND retired_at IS NULL")
                .bind(key.org_id.to_string())
                .bind(micros(key.created_at))
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO signing_keys (id, org_id, public_key, secret_enc, created_at, retired_at) VALUES ($1, $2, $3, $4, $5, NULL)",
        )
        .bind(&key.id)
        .bind(key.org_id.to_string())
        .bind(&key.public_key)
        .bind(&key.secret_enc)
        .bind(micros(key.created_at))
        .execute(&mut *tx)
        .await
        .map_err(crate::unique_as("key", "the organization already has a current signing key"))?;
        tx.commit().await?;
        Ok(())
    }

    // ----- tickets -----

    pub async fn ticket(&self, id: TicketId) -> Result<Option<TicketRecord>> {
        let row = sqlx::query(dynsql!(
            "SELECT {TICKET_COLS} FROM tickets t JOIN ticket_types tt ON tt.id = t.ticket_type_id WHERE t.id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(&self.read)
        .await?;
        row.as_ref().map(ticket_from).transpose()
    }

    pub async fn order_tickets(&self, order: OrderId) -> Result<Vec<TicketRecord>> {
        let rows = sqlx::query(dynsql!(
            "SELECT {TICKET_COLS} FROM tickets t JOIN ticket_types tt ON tt.id = t.ticket_type_id WHERE t.order_id = $1 ORDER BY t.created_at, t.id"
        ))
        .bind(order.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(ticket_from).collect()
    }

    /// Stores a ticket's code unless it already has one; either way returns
    /// the code the ticket has now (so concurrent signers agree).
    pub async fn set_ticket_code(&self, id: TicketId, code: &str, key_id: &str) -> Result<String> {
        sqlx::query("UPDATE tickets SET code = $2, key_id = $3 WHERE id = $1 AND code IS NULL")
            .bind(id.to_string())
            .bind(code)
            .bind(key_id)
            .execute(&self.write)
            .await?;
        let (code,): (Option<String>,) = sqlx::query_as("SELECT code FROM tickets WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.write)
            .await?
            .ok_or(StoreError::NotFound)?;
        code.ok_or_else(|| StoreError::Corrupt("ticket code vanished".into()))
    }

    /// Stores a ticket's code, signed for an event starting and ending at
    /// `dates`, unless it already has one; `None` when the event's dates are
    /// no longer those (it moved while the code was signed: sign again).
    pub async fn set_ticket_code_for_dates(
        &self,
        id: TicketId,
        code: &str,
        key_id: &str,
        dates: (Timestamp, Timestamp),
    ) -> Result<Option<String>> {
        sqlx::query(
            "UPDATE tickets SET code = $2, key_id = $3 WHERE id = $1 AND code IS NULL \
             AND EXISTS (SELECT 1 FROM events ev WHERE ev.id = tickets.event_id AND ev.starts_at = $4 AND ev.ends_at = $5)",
        )
        .bind(id.to_string())
        .bind(code)
        .bind(key_id)
        .bind(micros(dates.0))
        .bind(micros(dates.1))
        .execute(&self.write)
        .await?;
        let (code,): (Option<String>,) = sqlx::query_as("SELECT code FROM tickets WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.write)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(code)
    }

    /// The event's valid tickets that have a code, for signing them again.
    pub async fn coded_tickets(&self, event: EventId) -> Result<Vec<TicketRecord>> {
        let rows = sqlx::query(dynsql!(
            "SELECT {TICKET_COLS} FROM tickets t JOIN ticket_types tt ON tt.id = t.ticket_type_id \
             WHERE t.event_id = $1 AND t.status = 'valid' AND t.code IS NOT NULL ORDER BY t.created_at, t.id"
        ))
        .bind(event.to_string())
        .fetch_all(&self.write)
        .await?;
        rows.iter().map(ticket_from).collect()
    }

    /// Voids a valid ticket of the organization; its code is revoked from
    /// then on. `Conflict` when it is already void.
    pub async fn void_ticket(&self, org: OrgId, id: TicketId, now: Timestamp) -> Result<TicketRecord> {
        let done = sqlx::query(
            "UPDATE tickets SET status = 'void', voided_at = $3 WHERE id = $1 AND org_id = $2 AND status <> 'void'",
        )
        .bind(id.to_string())
        .bind(org.to_string())
        .bind(micros(now))
        .execute(&self.write)
        .await?;
        let ticket = self.ticket(id).await?.filter(|t| t.org_id == org).ok_or(StoreError::NotFound)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict {
                field: "ticket_id".into(),
                message: "the ticket is already void".into(),
            });
        }
        Ok(ticket)
    }

    /// Replaces a valid ticket with a new one (a new id, hence a new code)
    /// for `holder_name`, voiding the old one, in one transaction.
    pub async fn reissue_ticket(
        &self,
        org: OrgId,
        id: TicketId,
        holder_name: &str,
        now: Timestamp,
    ) -> Result<TicketRecord> {
        let new_id = TicketId::new();
        let mut tx = self.write.begin().await?;
        let done = sqlx::query(
            "UPDATE tickets SET status = 'void', voided_at = $3, replaced_by = $4 WHERE id = $1 AND org_id = $2 AND status = 'valid'",
        )
        .bind(id.to_string())
        .bind(org.to_string())
        .bind(micros(now))
        .bind(new_id.to_string())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            let exists: Option<(String,)> = sqlx::query_as("SELECT status FROM tickets WHERE id = $1 AND org_id = $2")
                .bind(id.to_string())
                .bind(org.to_string())
                .fetch_optional(&mut *tx)
                .await?;
            return Err(match exists {
                None => StoreError::NotFound,
                Some(_) => StoreError::Conflict { field: "ticket_id".into(), message: "the ticket is void".into() },
            });
        }
        sqlx::query(
            "INSERT INTO tickets (id, order_id, org_id, event_id, ticket_type_id, holder_name, status, created_at, seat_label, \
             holder_email, holder_user_id, transfer_count) \
             SELECT $1, order_id, org_id, event_id, ticket_type_id, $2, 'valid', $3, seat_label, holder_email, holder_user_id, transfer_count \
             FROM tickets WHERE id = $4",
        )
        .bind(new_id.to_string())
        .bind(holder_name)
        .bind(micros(now))
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.ticket(new_id).await?.ok_or(StoreError::NotFound)
    }

    /// The event's revoked (void) tickets with when they were voided.
    pub async fn revoked_tickets(&self, event: EventId) -> Result<Vec<(TicketId, Option<Timestamp>)>> {
        let rows = sqlx::query("SELECT id, voided_at FROM tickets WHERE event_id = $1 AND status = 'void' ORDER BY id")
            .bind(event.to_string())
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(|r| Ok((r.parse("id")?, r.opt_ts("voided_at")?))).collect()
    }

    /// The event's tickets issued, voided or signed again (their event
    /// moved) at or after `since` (all when `None`), for scanners' ticket
    /// lists.
    pub async fn tickets_changed_since(&self, event: EventId, since: Option<Timestamp>) -> Result<Vec<TicketRecord>> {
        let since = since.map_or(i64::MIN, micros);
        let rows = sqlx::query(dynsql!(
            "SELECT {TICKET_COLS} FROM tickets t JOIN ticket_types tt ON tt.id = t.ticket_type_id \
             WHERE t.event_id = $1 AND (t.created_at >= $2 OR t.voided_at >= $2 OR t.code_resigned_at >= $2) ORDER BY t.created_at, t.id"
        ))
        .bind(event.to_string())
        .bind(since)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(ticket_from).collect()
    }

    // ----- check-in lists -----

    /// Creates a list with its gates. Ticket types must belong to the
    /// list's event (`Invalid` on `ticket_type_ids` otherwise).
    pub async fn create_checkin_list(&self, list: &CheckinList) -> Result<()> {
        let mut tx = self.write.begin().await?;
        insert_checkin_list(&mut tx, list).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Renames a list, changes the ticket types it admits and its entry
    /// policy; its gates stay. Ticket types must belong to the list's event.
    pub async fn update_checkin_list(&self, list: &CheckinList) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let r = sqlx::query(
            "UPDATE checkin_lists SET name = $3, entry_policy = $4, max_entries_per_day = $5 WHERE id = $1 AND org_id = $2",
        )
        .bind(list.id.to_string())
        .bind(list.org_id.to_string())
        .bind(&list.name)
        .bind(&list.entry_policy)
        .bind(list.max_entries_per_day)
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM checkin_list_types WHERE list_id = $1")
            .bind(list.id.to_string())
            .execute(&mut *tx)
            .await?;
        insert_list_types(&mut tx, list).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a list that has never been scanned at, with its gates;
    /// `false` when scans exist (their record is kept, so is the list).
    pub async fn delete_checkin_list(&self, org: OrgId, id: CheckinListId) -> Result<bool> {
        let mut tx = self.write.begin().await?;
        let scanned: Option<(String,)> = sqlx::query_as("SELECT id FROM scans WHERE list_id = $1 LIMIT 1")
            .bind(id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        if scanned.is_some() {
            return Ok(false);
        }
        for sql in [
            "DELETE FROM checkin_presence WHERE list_id = $1",
            "DELETE FROM checkin_list_types WHERE list_id = $1",
            "DELETE FROM gates WHERE list_id = $1",
        ] {
            sqlx::query(sql).bind(id.to_string()).execute(&mut *tx).await?;
        }
        let r = sqlx::query("DELETE FROM checkin_lists WHERE id = $1 AND org_id = $2")
            .bind(id.to_string())
            .bind(org.to_string())
            .execute(&mut *tx)
            .await?;
        if r.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Adds a gate to a list (`Conflict` on `gates` when the name is taken).
    pub async fn add_gate(&self, list: CheckinListId, gate: &Gate) -> Result<()> {
        sqlx::query("INSERT INTO gates (id, list_id, name) VALUES ($1, $2, $3)")
            .bind(gate.id.to_string())
            .bind(list.to_string())
            .bind(&gate.name)
            .execute(&self.write)
            .await
            .map_err(crate::unique_as("gates", "gate names must be unique"))?;
        Ok(())
    }

    /// Removes a gate from a list, unless it is the list's last one; `false`
    /// then. Its past scans keep their gate id (shown as no gate).
    pub async fn remove_gate(&self, list: CheckinListId, gate: GateId) -> Result<bool> {
        let mut tx = self.write.begin().await?;
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM gates WHERE list_id = $1")
            .bind(list.to_string())
            .fetch_one(&mut *tx)
            .await?;
        if n <= 1 {
            return Ok(false);
        }
        let r = sqlx::query("DELETE FROM gates WHERE id = $1 AND list_id = $2")
            .bind(gate.to_string())
            .bind(list.to_string())
            .execute(&mut *tx)
            .await?;
        if r.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn fill_list(&self, r: &AnyRow) -> Result<CheckinList> {
        let id: CheckinListId = r.parse("id")?;
        let types: Vec<(String,)> =
            sqlx::query_as("SELECT ticket_type_id FROM checkin_list_types WHERE list_id = $1 ORDER BY ticket_type_id")
                .bind(id.to_string())
                .fetch_all(&self.read)
                .await?;
        let gates = sqlx::query("SELECT id, name FROM gates WHERE list_id = $1 ORDER BY name, id")
            .bind(id.to_string())
            .fetch_all(&self.read)
            .await?;
        Ok(CheckinList {
            id,
            org_id: r.parse("org_id")?,
            event_id: r.parse("event_id")?,
            name: r.text("name")?,
            ticket_type_ids: types
                .into_iter()
                .map(|(t,)| t.parse().map_err(|_| StoreError::Corrupt("ticket type id".into())))
                .collect::<Result<_>>()?,
            entry_policy: r.text("entry_policy")?,
            max_entries_per_day: r.opt_int("max_entries_per_day")?,
            gates: gates
                .iter()
                .map(|g| Ok(Gate { id: g.parse("id")?, name: g.text("name")? }))
                .collect::<Result<_>>()?,
            created_at: r.ts("created_at")?,
        })
    }

    pub async fn checkin_list(&self, org: OrgId, id: CheckinListId) -> Result<Option<CheckinList>> {
        let row = sqlx::query("SELECT * FROM checkin_lists WHERE id = $1 AND org_id = $2")
            .bind(id.to_string())
            .bind(org.to_string())
            .fetch_optional(&self.read)
            .await?;
        match row {
            Some(r) => Ok(Some(self.fill_list(&r).await?)),
            None => Ok(None),
        }
    }

    pub async fn checkin_lists(&self, org: OrgId, event: EventId) -> Result<Vec<CheckinList>> {
        let rows =
            sqlx::query("SELECT * FROM checkin_lists WHERE org_id = $1 AND event_id = $2 ORDER BY created_at, id")
                .bind(org.to_string())
                .bind(event.to_string())
                .fetch_all(&self.read)
                .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(self.fill_list(r).await?);
        }
        Ok(out)
    }

    // ----- scans -----

    pub async fn scan_by_nonce(&self, list: CheckinListId, nonce: &str) -> Result<Option<ScanRecord>> {
        let row = sqlx::query(dynsql!("SELECT {SCAN_COLS} FROM scans WHERE list_id = $1 AND nonce = $2"))
            .bind(list.to_string())
            .bind(nonce)
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(scan_from).transpose()
    }

    pub async fn first_entry(&self, list: CheckinListId, ticket: TicketId) -> Result<Option<FirstEntry>> {
        let row = sqlx::query("SELECT * FROM checkin_presence WHERE list_id = $1 AND ticket_id = $2")
            .bind(list.to_string())
            .bind(ticket.to_string())
            .fetch_optional(&self.read)
            .await?;
        Ok(row.as_ref().map(presence_from).transpose()?.and_then(|p| p.first))
    }

    /// Records one scan; see [`Store::record_scans`].
    pub async fn record_scan(&self, policy: EntryPolicy, scan: NewScan) -> Result<ScanOutcome> {
        self.record_scans(vec![(policy, scan)]).await?.pop().ok_or(StoreError::NotFound)
    }

    /// Records scans in one transaction (group commit), in the order given,
    /// each seeing the effect of those before it. For each: a nonce already
    /// recorded on its list returns that first scan, unchanged; otherwise,
    /// when every other check passed (`result == Valid` with a ticket), the
    /// list's entry policy decides against the ticket's presence.
    ///
    /// The statements are set-based, so a batch costs a handful of round
    /// trips whatever its size: read the nonces, make sure the presence rows
    /// exist and lock them in ticket order (so racing batches cannot
    /// deadlock), decide in memory, write presence, conflicts and scans.
    /// A batch that loses a nonce race to another transaction starts over
    /// and then answers that scan as the repeat it is.
    pub async fn record_scans(&self, scans: Vec<(EntryPolicy, NewScan)>) -> Result<Vec<ScanOutcome>> {
        for _ in 0..5 {
            if let Some(out) = self.try_record_scans(&scans).await? {
                return Ok(out);
            }
        }
        Err(StoreError::Conflict { field: "nonce".into(), message: "scans with these nonces kept racing".into() })
    }

    async fn try_record_scans(&self, scans: &[(EntryPolicy, NewScan)]) -> Result<Option<Vec<ScanOutcome>>> {
        let mut tx: Tx = match self.backend {
            Backend::Sqlite => self.write.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.write.begin().await?,
        };
        let lock = if self.backend == Backend::Postgres { " FOR UPDATE" } else { "" };
        let mut lists: Vec<CheckinListId> = scans.iter().map(|(_, s)| s.list_id).collect();
        lists.sort();
        lists.dedup();
        let mut recorded: HashMap<(CheckinListId, String), ScanRecord> = HashMap::new();
        let mut presence: HashMap<(CheckinListId, TicketId), Presence> = HashMap::new();
        for &list in &lists {
            let of_list = || scans.iter().map(|(_, s)| s).filter(move |s| s.list_id == list);
            let mut nonces: Vec<String> = of_list().map(|s| s.nonce.clone()).collect();
            nonces.sort();
            nonces.dedup();
            let sql = format!("SELECT {SCAN_COLS} FROM scans WHERE list_id = $1 AND nonce IN ({{in}})");
            for r in fetch_in(&mut tx, &sql, &[text(list)], &nonces).await? {
                let scan = scan_from(&r)?;
                recorded.insert((list, scan.nonce.clone()), scan);
            }
            // Tickets the policy may decide for get a presence row now...
            let mut deciding: Vec<String> = of_list()
                .filter(|s| s.result == ScanResult::Valid && !recorded.contains_key(&(list, s.nonce.clone())))
                .filter_map(|s| s.ticket.map(|(t, _)| t.to_string()))
                .collect();
            deciding.sort();
            deciding.dedup();
            let rows =
                deciding.iter().map(|t| vec![text(list), text(t), Arg::Int(0), Arg::Int(0), Arg::Int(0)]).collect();
            insert_rows_then(
                &mut tx,
                "checkin_presence",
                &["list_id", "ticket_id", "entries", "inside", "day_entries"],
                rows,
                " ON CONFLICT DO NOTHING",
            )
            .await?;
            // ...and every ticket of the batch is read, in ticket order, locked.
            let mut tickets: Vec<String> = of_list()
                .filter_map(|s| s.ticket.map(|(t, _)| t.to_string()))
                .chain(recorded.values().filter_map(|r| r.ticket_id.map(|t| t.to_string())))
                .collect();
            tickets.sort();
            tickets.dedup();
            let sql = format!(
                "SELECT * FROM checkin_presence WHERE list_id = $1 AND ticket_id IN ({{in}}) ORDER BY ticket_id{lock}"
            );
            for r in fetch_in(&mut tx, &sql, &[text(list)], &tickets).await? {
                presence.insert((list, r.parse("ticket_id")?), presence_from(&r)?);
            }
        }
        // Online admissions re-read their tickets' status here, locked in
        // ticket order: a ticket voided (transferred, refunded) after the
        // app's checks and before this transaction is refused, and a void
        // racing this batch waits for it (see `transfers.rs`).
        let mut online: Vec<String> = scans
            .iter()
            .map(|(_, s)| s)
            .filter(|s| s.offline.is_none() && s.result == ScanResult::Valid)
            .filter(|s| !recorded.contains_key(&(s.list_id, s.nonce.clone())))
            .filter_map(|s| s.ticket.map(|(t, _)| t.to_string()))
            .collect();
        online.sort();
        online.dedup();
        let mut void_now: std::collections::HashSet<TicketId> = std::collections::HashSet::new();
        if !online.is_empty() {
            let sql = format!("SELECT id, status FROM tickets WHERE id IN ({{in}}) ORDER BY id{lock}");
            for r in fetch_in(&mut tx, &sql, &[], &online).await? {
                if r.text("status")? == "void" {
                    void_now.insert(r.parse("id")?);
                }
            }
        }
        let before = presence.clone();

        let mut out = Vec::with_capacity(scans.len());
        let mut new_scans: Vec<(OrgId, ScanRecord)> = Vec::new();
        let mut displaced_earlier: Vec<String> = Vec::new();
        for (policy, scan) in scans {
            if let Some(prev) = recorded.get(&(scan.list_id, scan.nonce.clone())) {
                let first = prev.ticket_id.and_then(|t| presence.get(&(scan.list_id, t))).and_then(|p| p.first.clone());
                out.push(ScanOutcome { scan: prev.clone(), duplicate: true, first });
                continue;
            }
            let mut result = scan.result;
            if scan.offline.is_none() && scan.ticket.is_some_and(|(t, _)| void_now.contains(&t)) {
                result = ScanResult::Revoked;
            }
            let mut conflict = false;
            let mut first = None;
            if let (Some((ticket, _)), ScanResult::Valid) = (scan.ticket, result) {
                let p = presence.entry((scan.list_id, ticket)).or_default();
                let facts = ScanFacts {
                    id: scan.id,
                    nonce: scan.nonce.clone(),
                    at: scan.scanned_at,
                    gate: scan.gate_id,
                    direction: scan.direction,
                    day: scan.day.clone(),
                };
                let after = match scan.offline {
                    // Online: the policy decides now.
                    None => {
                        let (r, after) = decide_online(*policy, p, &facts);
                        result = r;
                        after
                    }
                    // Offline, and the device let the person in: keep the books.
                    Some(true) if scan.direction == Direction::Entry => {
                        let (o, after) = apply_offline(*policy, p, &facts);
                        result = o.result;
                        conflict = o.conflict;
                        if let Some(displaced) = o.displaced {
                            match new_scans.iter_mut().find(|(_, r)| r.id == displaced) {
                                Some((_, r)) => r.conflict = true,
                                None => displaced_earlier.push(displaced.to_string()),
                            }
                        }
                        after
                    }
                    // An offline exit: replay it like an online one.
                    Some(true) => decide_online(*policy, p, &facts).1,
                    // The device turned the person away: nothing to count.
                    Some(false) => {
                        result = ScanResult::AlreadyUsed;
                        p.clone()
                    }
                };
                first = after.first.clone();
                *p = after;
            }
            let record = ScanRecord {
                id: scan.id,
                list_id: scan.list_id,
                nonce: scan.nonce.clone(),
                ticket_id: scan.ticket.map(|t| t.0),
                ticket_type_id: scan.ticket.map(|t| t.1),
                gate_id: scan.gate_id,
                device: scan.device.clone(),
                direction: scan.direction,
                result,
                offline: scan.offline.is_some(),
                conflict,
                scanned_at: scan.scanned_at,
                received_at: scan.received_at,
            };
            recorded.insert((scan.list_id, scan.nonce.clone()), record.clone());
            new_scans.push((scan.org_id, record.clone()));
            out.push(ScanOutcome { scan: record, duplicate: false, first });
        }

        // Admissions go to integrators whose endpoints ask for them, with the
        // scans, in this transaction (one query per organization in the batch).
        let mut orgs: Vec<OrgId> = new_scans.iter().map(|(o, _)| *o).collect();
        orgs.sort_by_key(|o| o.to_string());
        orgs.dedup();
        for org in orgs {
            if !crate::payments::subscriptions_in(&mut tx, org).await?.wants("ticket.checked_in") {
                continue;
            }
            let msgs: Vec<crate::OutboxMessage> = new_scans
                .iter()
                .filter(|(o, r)| *o == org && r.result == ScanResult::Valid && r.direction == Direction::Entry)
                .map(|(_, r)| {
                    let data = serde_json::json!({
                        "scan_id": r.id, "ticket_id": r.ticket_id, "ticket_type_id": r.ticket_type_id,
                        "list_id": r.list_id, "gate_id": r.gate_id, "scanned_at": r.scanned_at.to_string(),
                        "offline": r.offline,
                    });
                    let payload = serde_json::json!({
                        "type": "ticket.checked_in", "timestamp": r.received_at.to_string(), "data": data,
                    });
                    crate::OutboxMessage::new(
                        "webhook",
                        "ticket.checked_in",
                        r.ticket_id.map(|t| t.to_string()),
                        payload,
                    )
                })
                .collect();
            let now = new_scans.iter().map(|(_, r)| r.received_at).max().unwrap_or_else(Timestamp::now);
            crate::payments::insert_outbox(&mut tx, org, &msgs, now).await?;
        }

        // Writes: the presence rows that changed, displaced admissions, the scans.
        let mut changed: Vec<(&(CheckinListId, TicketId), &Presence)> =
            presence.iter().filter(|(k, p)| before.get(*k) != Some(*p)).collect();
        changed.sort_by_key(|(k, _)| (k.0.to_string(), k.1.to_string()));
        let rows = changed
            .into_iter()
            .map(|((list, ticket), p)| {
                let f = p.first.as_ref();
                vec![
                    text(list),
                    text(ticket),
                    Arg::Int(p.entries),
                    Arg::Int(i64::from(p.inside)),
                    Arg::OptText(f.map(|f| f.scan.to_string())),
                    Arg::OptInt(f.map(|f| micros(f.at))),
                    Arg::OptText(f.and_then(|f| f.gate.map(|g| g.to_string()))),
                    Arg::OptText(f.map(|f| f.nonce.clone())),
                    Arg::OptText(p.day.clone()),
                    Arg::Int(p.day_entries),
                ]
            })
            .collect();
        insert_rows_then(
            &mut tx,
            "checkin_presence",
            &[
                "list_id",
                "ticket_id",
                "entries",
                "inside",
                "first_scan_id",
                "first_at",
                "first_gate_id",
                "first_nonce",
                "day",
                "day_entries",
            ],
            rows,
            " ON CONFLICT (list_id, ticket_id) DO UPDATE SET entries = excluded.entries, inside = excluded.inside, \
             first_scan_id = excluded.first_scan_id, first_at = excluded.first_at, first_gate_id = excluded.first_gate_id, \
             first_nonce = excluded.first_nonce, day = excluded.day, day_entries = excluded.day_entries",
        )
        .await?;
        displaced_earlier.sort();
        displaced_earlier.dedup();
        execute_in(&mut tx, "UPDATE scans SET conflict = 1 WHERE id IN ({in})", &[], &displaced_earlier).await?;
        // In one order, so that two batches racing on the same nonces wait
        // on each other instead of deadlocking.
        new_scans.sort_by(|(_, a), (_, b)| (a.list_id, &a.nonce).cmp(&(b.list_id, &b.nonce)));
        let n = new_scans.len() as u64;
        let rows = new_scans
            .into_iter()
            .map(|(org, r)| {
                vec![
                    text(org),
                    text(r.id),
                    text(r.list_id),
                    Arg::Text(r.nonce),
                    Arg::OptText(r.ticket_id.map(|t| t.to_string())),
                    Arg::OptText(r.ticket_type_id.map(|t| t.to_string())),
                    Arg::OptText(r.gate_id.map(|g| g.to_string())),
                    Arg::Text(r.device),
                    text(r.direction.as_str()),
                    text(r.result.as_str()),
                    Arg::Int(i64::from(r.offline)),
                    Arg::Int(i64::from(r.conflict)),
                    Arg::Int(micros(r.scanned_at)),
                    Arg::Int(micros(r.received_at)),
                ]
            })
            .collect();
        let cols: Vec<&str> = std::iter::once("org_id").chain(SCAN_COLS.split(", ")).collect();
        let inserted = insert_rows_then(&mut tx, "scans", &cols, rows, " ON CONFLICT DO NOTHING").await?;
        if inserted != n {
            // Another transaction recorded one of these nonces first.
            tx.rollback().await?;
            return Ok(None);
        }
        tx.commit().await?;
        Ok(Some(out))
    }

    /// Scans of tickets that were admitted more than their list allows while
    /// offline: for each such ticket, its winning scan first, then the others.
    pub async fn checkin_conflicts(&self, list: CheckinListId) -> Result<Vec<(ScanRecord, bool)>> {
        let rows = sqlx::query(dynsql!(
            "SELECT {SCAN_COLS} FROM scans s WHERE s.list_id = $1 AND s.ticket_id IN \
             (SELECT ticket_id FROM scans WHERE list_id = $1 AND conflict = 1) \
             AND (s.conflict = 1 OR s.id IN (SELECT first_scan_id FROM checkin_presence WHERE list_id = $1)) \
             ORDER BY s.ticket_id, s.conflict, s.scanned_at, s.nonce"
        ))
        .bind(list.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                let s = scan_from(r)?;
                let winner = !s.conflict;
                Ok((s, winner))
            })
            .collect()
    }

    /// Scans of a list, newest first.
    pub async fn scans(&self, list: CheckinListId, limit: i64) -> Result<Vec<ScanRecord>> {
        let rows = sqlx::query(dynsql!(
            "SELECT {SCAN_COLS} FROM scans WHERE list_id = $1 ORDER BY received_at DESC, id DESC LIMIT $2"
        ))
        .bind(list.to_string())
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(scan_from).collect()
    }

    /// Check-in figures of a list. `types` limits the per-type rows to the
    /// list's ticket types (empty: all of the event's).
    pub async fn checkin_counts(&self, list: &CheckinList) -> Result<CheckinCounts> {
        let lid = list.id.to_string();
        let (checked_in, inside): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), CAST(COALESCE(SUM(inside), 0) AS BIGINT) FROM checkin_presence WHERE list_id = $1 AND entries > 0",
        )
        .bind(&lid)
        .fetch_one(&self.read)
        .await?;
        let rows = sqlx::query(
            "SELECT t.ticket_type_id, tt.name, COUNT(*) AS total, \
             CAST(COALESCE(SUM(CASE WHEN p.entries > 0 THEN 1 ELSE 0 END), 0) AS BIGINT) AS checked_in \
             FROM tickets t JOIN ticket_types tt ON tt.id = t.ticket_type_id \
             LEFT JOIN checkin_presence p ON p.ticket_id = t.id AND p.list_id = $1 \
             WHERE t.event_id = $2 AND t.status = 'valid' GROUP BY t.ticket_type_id, tt.name ORDER BY tt.name",
        )
        .bind(&lid)
        .bind(list.event_id.to_string())
        .fetch_all(&self.read)
        .await?;
        let mut by_ticket_type = Vec::new();
        for r in &rows {
            let t: TicketTypeId = r.parse("ticket_type_id")?;
            if list.admits_type(t) {
                by_ticket_type.push((t, r.text("name")?, r.int("total")?, r.int("checked_in")?));
            }
        }
        let gates = sqlx::query(
            "SELECT gate_id, COUNT(*) AS n FROM scans WHERE list_id = $1 AND result = 'valid' AND direction = 'entry' GROUP BY gate_id ORDER BY gate_id",
        )
        .bind(&lid)
        .fetch_all(&self.read)
        .await?;
        let by_gate = gates.iter().map(|r| Ok((opt_id(r, "gate_id")?, r.int("n")?))).collect::<Result<_>>()?;
        let results =
            sqlx::query("SELECT result, COUNT(*) AS n FROM scans WHERE list_id = $1 GROUP BY result ORDER BY result")
                .bind(&lid)
                .fetch_all(&self.read)
                .await?;
        let by_result = results
            .iter()
            .map(|r| Ok((r.text("result")?.parse().map_err(StoreError::Corrupt)?, r.int("n")?)))
            .collect::<Result<_>>()?;
        Ok(CheckinCounts { checked_in, inside, by_ticket_type, by_gate, by_result })
    }
}

/// Writes a new list with its ticket types and gates, in `tx`.
pub(crate) async fn insert_checkin_list(tx: &mut Tx, list: &CheckinList) -> Result<()> {
    sqlx::query(
        "INSERT INTO checkin_lists (id, org_id, event_id, name, entry_policy, max_entries_per_day, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(list.id.to_string())
    .bind(list.org_id.to_string())
    .bind(list.event_id.to_string())
    .bind(&list.name)
    .bind(&list.entry_policy)
    .bind(list.max_entries_per_day)
    .bind(micros(list.created_at))
    .execute(&mut **tx)
    .await?;
    insert_list_types(tx, list).await?;
    for g in &list.gates {
        sqlx::query("INSERT INTO gates (id, list_id, name) VALUES ($1, $2, $3)")
            .bind(g.id.to_string())
            .bind(list.id.to_string())
            .bind(&g.name)
            .execute(&mut **tx)
            .await
            .map_err(crate::unique_as("gates", "gate names must be unique"))?;
    }
    Ok(())
}

/// The ticket types a list admits, each checked to be of the list's event
/// (`Invalid` on `ticket_type_ids` otherwise).
async fn insert_list_types(tx: &mut Tx, list: &CheckinList) -> Result<()> {
    for t in &list.ticket_type_ids {
        let ok: Option<(String,)> = sqlx::query_as("SELECT id FROM ticket_types WHERE id = $1 AND event_id = $2")
            .bind(t.to_string())
            .bind(list.event_id.to_string())
            .fetch_optional(&mut **tx)
            .await?;
        if ok.is_none() {
            return Err(StoreError::invalid(
                "ticket_type_ids",
                tessera_domain::MessageKey::new("errors-value-not-a-ticket-type").text("value", t.to_string()),
                format!("{t} is not a ticket type of this event"),
            ));
        }
        sqlx::query("INSERT INTO checkin_list_types (list_id, ticket_type_id) VALUES ($1, $2)")
            .bind(list.id.to_string())
            .bind(t.to_string())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
