//! Check-in: lists and gates, online scans, the scanner sync (keys,
//! revocations, tickets), offline uploads with conflict resolution, and
//! figures per list.
//!
//! A scan is checked in a fixed order (code form, key, signature, event,
//! ticket, revocation, list, validity window) and only a scan that passes
//! all of it reaches the entry policy, which the store applies under the
//! ticket's presence lock. Every scan is recorded, failures included.

use crate::group::GroupCommit;
use crate::{Actor, App, AppError, Result};
use std::sync::Arc;
use tessera_domain::catalog::EventStatus;
use tessera_domain::checkin::{CheckinList, Direction, EntryPolicy, FirstEntry, Gate, NewCheckinList, ScanResult};
use tessera_domain::orders::TicketId;
use tessera_domain::{CheckinListId, EventId, GateId, OrgId, Permission, ScanId, TicketTypeId, Timestamp};
use tessera_domain::{MessageKey, ValidationError, validation::check_text};
use tessera_store::{NewScan, ScanOutcome, ScanRecord, Store, TicketRecord};
use tessera_ticket::{CodeError, Validity};

/// Longest code text accepted at all; longer input is a 422, not a scan.
pub const MAX_CODE_INPUT: usize = 1_000;
/// Scans per offline upload.
pub const MAX_UPLOAD: usize = 1_000;

/// Online scans of a check-in list go through its worker, which records
/// whatever scans are waiting in one transaction (see [`crate::group`]).
pub(crate) type ScanBatcher = GroupCommit<CheckinListId, (EntryPolicy, NewScan), ScanOutcome>;

/// Scans one transaction records at most.
const MAX_SCAN_BATCH: usize = 256;

pub(crate) fn scan_batcher(store: Store) -> Arc<ScanBatcher> {
    GroupCommit::new(
        MAX_SCAN_BATCH,
        4_096,
        Arc::new(move |list: CheckinListId, scans: Vec<(EntryPolicy, NewScan)>| {
            let store = store.clone();
            Box::pin(async move {
                let n = scans.len();
                match store.record_scans(scans).await {
                    Ok(outcomes) => outcomes.into_iter().map(Ok).collect(),
                    Err(e) => {
                        tracing::error!(error = %e, %list, batch = n, "scan batch failed");
                        (0..n).map(|_| Err(AppError::Internal(e.to_string()))).collect()
                    }
                }
            })
        }),
    )
}

/// One scan at a gate.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanRequest {
    /// What the QR code (or the typed code) said.
    #[schema(max_length = 1000)]
    pub code: String,
    /// Chosen by the scanner, unique per scan: a retry with the same nonce
    /// gets the first answer and changes nothing.
    #[schema(min_length = 1, max_length = 100, pattern = "^[A-Za-z0-9._:-]{1,100}$")]
    pub nonce: String,
    #[serde(default)]
    pub gate_id: Option<GateId>,
    #[serde(default = "entry")]
    pub direction: Direction,
    /// The scanning device's name, for the log.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 100)]
    pub device: Option<String>,
}

fn entry() -> Direction {
    Direction::Entry
}

/// A scan made while offline, uploaded later.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfflineScan {
    pub code: String,
    pub nonce: String,
    #[serde(default)]
    pub gate_id: Option<GateId>,
    #[serde(default = "entry")]
    pub direction: Direction,
    #[serde(default)]
    pub device: Option<String>,
    /// When the device scanned it (RFC 3339).
    #[schema(value_type = String, format = DateTime)]
    pub scanned_at: Timestamp,
    /// Whether the device let the person through.
    pub admitted: bool,
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanUpload {
    #[schema(min_items = 1, max_items = 1000)]
    pub scans: Vec<OfflineScan>,
}

/// The ticket as the gate shows it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ScannedTicket {
    pub id: TicketId,
    pub holder_name: String,
    pub ticket_type_id: TicketTypeId,
    pub ticket_type: String,
    /// Seat or zone, when the ticket has one.
    pub seat: Option<String>,
}

/// Where and when a ticket first entered.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct FirstScan {
    pub scan_id: ScanId,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    pub gate_id: Option<GateId>,
    pub gate: Option<String>,
}

/// The answer to a scan.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ScanAnswer {
    pub scan_id: ScanId,
    pub nonce: String,
    pub result: ScanResult,
    /// `true` for `valid`: let the person through.
    pub admit: bool,
    /// A sentence for the gate's screen.
    pub message: String,
    pub direction: Direction,
    /// The nonce was seen before: this is the first answer, nothing changed.
    pub duplicate: bool,
    /// An offline admission that lost to an earlier one of the same ticket.
    pub conflict: bool,
    pub ticket: Option<ScannedTicket>,
    /// For `already_used`: the admission that counts.
    pub first_scan: Option<FirstScan>,
    #[schema(value_type = String, format = DateTime)]
    pub scanned_at: Timestamp,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct UploadAnswer {
    /// One per uploaded scan, in the upload's order.
    pub results: Vec<ScanAnswer>,
}

/// What an offline scanner needs to decide alone.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SyncAnswer {
    pub list: CheckinList,
    /// Every key of the organization (current and retired), in the key-file
    /// format of docs/ticket-format.md.
    pub keys: Vec<crate::tickets::PublicKeyView>,
    /// Ids of the event's revoked tickets: all of them, every time.
    pub revoked: Vec<TicketId>,
    /// With `tickets=true`: tickets issued or voided since `since` (all
    /// without it), to show holder names offline.
    pub tickets: Option<Vec<SyncTicket>>,
    /// Pass as `since` next time. It trails the server's clock by a safety
    /// margin, so a ticket may come twice; keep the latest by id.
    pub cursor: String,
    #[schema(value_type = String, format = DateTime)]
    pub server_time: Timestamp,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SyncTicket {
    pub id: TicketId,
    pub ticket_type_id: TicketTypeId,
    pub ticket_type: String,
    pub holder_name: String,
    /// `valid` or `void`.
    pub status: String,
    /// The ticket's current signed code, once it has one (absent on void
    /// tickets). It changes when the event's dates move: the code is signed
    /// again with the new validity window and the ticket is listed again.
    pub code: Option<String>,
}

/// Check-in figures of a list.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CheckinStats {
    pub list_id: CheckinListId,
    /// Tickets admitted at least once.
    pub checked_in: i64,
    /// Tickets inside now (admitted and not scanned out).
    pub inside: i64,
    /// Valid tickets this list admits.
    pub tickets: i64,
    pub by_ticket_type: Vec<TypeStats>,
    pub by_gate: Vec<GateStats>,
    /// Scans by result, failures included.
    pub scans: std::collections::BTreeMap<String, i64>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TypeStats {
    pub ticket_type_id: TicketTypeId,
    pub name: String,
    pub tickets: i64,
    pub checked_in: i64,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct GateStats {
    pub gate_id: Option<GateId>,
    pub name: String,
    pub admitted: i64,
}

/// One ticket admitted more often than its list allows while offline.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Conflict {
    pub ticket_id: TicketId,
    /// The earliest admission: the one that counts.
    pub winner: ConflictScan,
    /// The later admissions.
    pub others: Vec<ConflictScan>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ConflictScan {
    pub scan_id: ScanId,
    #[schema(value_type = String, format = DateTime)]
    pub scanned_at: Timestamp,
    pub gate_id: Option<GateId>,
    pub device: String,
    pub offline: bool,
}

/// A check-in list with the event it belongs to: a place gate staff can
/// choose to scan at.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ScanPoint {
    pub list: CheckinList,
    pub event_title: String,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    /// The venue's IANA time zone: entry days are counted in it.
    pub timezone: String,
}

/// How long after its end an event still appears among the places to scan.
const SCAN_POINT_GRACE_HOURS: i64 = 12;

/// Safety margin of the sync cursor behind the server's clock: covers
/// transactions that commit a little after they stamped their rows.
const CURSOR_LAG_SECS: i64 = 30;

fn message(result: ScanResult, direction: Direction) -> &'static str {
    match (result, direction) {
        (ScanResult::Valid, Direction::Entry) => "Admit",
        (ScanResult::Valid, Direction::Exit) => "Exit recorded",
        (ScanResult::AlreadyUsed, _) => "Already used",
        (ScanResult::NotInside, _) => "Not checked in: cannot exit",
        (ScanResult::Revoked, _) => "Ticket revoked (voided, refunded or re-issued)",
        (ScanResult::WrongEvent, _) => "Ticket for another event",
        (ScanResult::NotOnList, _) => "This entrance does not admit this ticket type",
        (ScanResult::NotYetValid, _) => "Not valid yet",
        (ScanResult::Expired, _) => "Ticket expired",
        (ScanResult::InvalidSignature, _) => "Forged or damaged code",
        (ScanResult::Malformed, _) => "Not a ticket code",
        (ScanResult::Unknown, _) => "Unknown ticket",
    }
}

fn check_scan_fields(e: &mut ValidationError, prefix: &str, code: &str, nonce: &str, device: Option<&str>) {
    e.check_key(
        code.len() <= MAX_CODE_INPUT,
        &format!("{prefix}code"),
        MessageKey::new("errors-at-most-characters").num("max", MAX_CODE_INPUT),
        format!("at most {MAX_CODE_INPUT} characters"),
    );
    let nonce_ok = (1..=100).contains(&nonce.len())
        && nonce.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
    e.check_key(
        nonce_ok,
        &format!("{prefix}nonce"),
        MessageKey::new("errors-nonce-format").num("min", 1).num("max", 100),
        "1 to 100 characters: letters, digits, - _ . :",
    );
    if let Some(d) = device {
        check_text(e, &format!("{prefix}device"), d, 1, 100);
    }
}

/// How long a check-in list's context is served from memory.
const LIST_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(10);

/// Check-in lists as scans need them, by id, with when they were read.
pub(crate) type ListCache = std::collections::HashMap<CheckinListId, (std::time::Instant, Arc<ListContext>)>;

/// A list with what deciding its scans needs.
pub(crate) struct ListContext {
    list: CheckinList,
    tz: jiff::tz::TimeZone,
}

impl ListContext {
    fn day(&self, at: Timestamp) -> String {
        at.to_zoned(self.tz.clone()).strftime("%Y-%m-%d").to_string()
    }

    fn gate_name(&self, id: Option<GateId>) -> Option<String> {
        id.and_then(|g| self.list.gates.iter().find(|x| x.id == g)).map(|g| g.name.clone())
    }
}

impl App {
    pub async fn create_checkin_list(
        &self,
        actor: &Actor,
        org: OrgId,
        event: EventId,
        input: NewCheckinList,
    ) -> Result<CheckinList> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        let policy = input.validate()?;
        self.store.event(org, event).await?.ok_or(AppError::NotFound)?;
        let list = CheckinList {
            id: CheckinListId::new(),
            org_id: org,
            event_id: event,
            name: input.name.trim().to_string(),
            ticket_type_ids: input.ticket_type_ids,
            entry_policy: policy.name().to_string(),
            max_entries_per_day: policy.per_day(),
            gates: input.gates.iter().map(|g| Gate { id: GateId::new(), name: g.trim().to_string() }).collect(),
            created_at: self.now(),
        };
        self.store.create_checkin_list(&list).await?;
        Ok(list)
    }

    /// Changes a list's name, the ticket types it admits and its entry
    /// policy (`gates` of the input are ignored: gates are added and
    /// removed one by one, so their ids, on scans and devices, stay).
    pub async fn update_checkin_list(
        &self,
        actor: &Actor,
        org: OrgId,
        id: CheckinListId,
        input: NewCheckinList,
    ) -> Result<CheckinList> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        let current = self.store.checkin_list(org, id).await?.ok_or(AppError::NotFound)?;
        let input = NewCheckinList { gates: vec!["-".into()], ..input };
        let policy = input.validate()?;
        let list = CheckinList {
            name: input.name.trim().to_string(),
            ticket_type_ids: input.ticket_type_ids,
            entry_policy: policy.name().to_string(),
            max_entries_per_day: policy.per_day(),
            ..current
        };
        self.store.update_checkin_list(&list).await?;
        self.forget_list(id);
        Ok(list)
    }

    /// Deletes a list nobody has scanned at yet; once scanned at, its record
    /// stays (`Conflict`).
    pub async fn delete_checkin_list(&self, actor: &Actor, org: OrgId, id: CheckinListId) -> Result<()> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        self.store.checkin_list(org, id).await?.ok_or(AppError::NotFound)?;
        if !self.store.delete_checkin_list(org, id).await? {
            return Err(AppError::Conflict {
                field: "list".into(),
                message: "tickets were scanned at this list; it stays as their record".into(),
            });
        }
        self.forget_list(id);
        Ok(())
    }

    /// Adds a gate (1 to 100 characters, unique in the list; at most 50).
    pub async fn add_gate(&self, actor: &Actor, org: OrgId, id: CheckinListId, name: &str) -> Result<Gate> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        let list = self.store.checkin_list(org, id).await?.ok_or(AppError::NotFound)?;
        let mut e = ValidationError::new();
        check_text(&mut e, "name", name, 1, 100);
        let key = MessageKey::new("errors-list-gate-limit").num("max", 50);
        e.check_key(list.gates.len() < 50, "name", key, "a list has at most 50 gates");
        let taken = list.gates.iter().any(|g| g.name.to_lowercase() == name.trim().to_lowercase());
        e.check_key(!taken, "name", MessageKey::new("errors-gate-names-unique"), "gate names must be unique");
        e.finish()?;
        let gate = Gate { id: GateId::new(), name: name.trim().to_string() };
        self.store.add_gate(id, &gate).await?;
        self.forget_list(id);
        Ok(gate)
    }

    /// Removes a gate; a list keeps at least one (`Conflict`).
    pub async fn remove_gate(&self, actor: &Actor, org: OrgId, id: CheckinListId, gate: GateId) -> Result<()> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        let list = self.store.checkin_list(org, id).await?.ok_or(AppError::NotFound)?;
        if !list.gates.iter().any(|g| g.id == gate) {
            return Err(AppError::NotFound);
        }
        if !self.store.remove_gate(id, gate).await? {
            return Err(AppError::Conflict { field: "gate".into(), message: "a list keeps at least one gate".into() });
        }
        self.forget_list(id);
        Ok(())
    }

    /// Drops a changed list from the scans' cache, so the next scan reads it.
    fn forget_list(&self, id: CheckinListId) {
        self.list_cache.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
    }

    pub async fn checkin_lists(&self, actor: &Actor, org: OrgId, event: EventId) -> Result<Vec<CheckinList>> {
        self.authorize(actor, org, Permission::CheckIn).await?;
        self.store.event(org, event).await?.ok_or(AppError::NotFound)?;
        Ok(self.store.checkin_lists(org, event).await?)
    }

    pub async fn checkin_list(&self, actor: &Actor, org: OrgId, id: CheckinListId) -> Result<CheckinList> {
        self.authorize(actor, org, Permission::CheckIn).await?;
        self.store.checkin_list(org, id).await?.ok_or(AppError::NotFound)
    }

    /// The check-in lists of an organization's published events that have
    /// not ended (or ended less than half a day ago), soonest first: where
    /// the caller may scan. At most the next 100 events.
    pub async fn scan_points(&self, actor: &Actor, org: OrgId) -> Result<Vec<ScanPoint>> {
        self.authorize(actor, org, Permission::CheckIn).await?;
        let now = self.now();
        let since = now.checked_sub(jiff::SignedDuration::from_hours(SCAN_POINT_GRACE_HOURS)).unwrap_or(now);
        let filter = tessera_store::EventFilter {
            org_id: Some(org),
            text: None,
            category: None,
            from: None,
            to: None,
            not_ended_at: Some(since),
            after: None,
            limit: 100,
        };
        let mut out = Vec::new();
        for (event, venue) in self.store.list_events(&filter).await?.events {
            // Drafts have no tickets yet and cancelled events none left.
            if !matches!(event.status, EventStatus::Published | EventStatus::Ended) {
                continue;
            }
            for list in self.store.checkin_lists(org, event.id).await? {
                out.push(ScanPoint {
                    list,
                    event_title: event.title.clone(),
                    starts_at: event.starts_at,
                    ends_at: event.ends_at,
                    timezone: venue.timezone.to_string(),
                });
            }
        }
        Ok(out)
    }

    /// One check-in list with its event, for a caller allowed to scan.
    pub async fn scan_point(&self, actor: &Actor, org: OrgId, list: CheckinListId) -> Result<ScanPoint> {
        self.authorize(actor, org, Permission::CheckIn).await?;
        let list = self.store.checkin_list(org, list).await?.ok_or(AppError::NotFound)?;
        let (event, venue) = self.event_and_venue(org, list.event_id).await?;
        Ok(ScanPoint {
            list,
            event_title: event.title,
            starts_at: event.starts_at,
            ends_at: event.ends_at,
            timezone: venue.timezone.to_string(),
        })
    }

    /// The list and its venue's time zone, for a caller allowed to scan.
    /// A scanner's stream of scans reads lists from memory, re-read every few
    /// seconds (and at once after a change made here).
    async fn list_context(&self, actor: &Actor, org: OrgId, id: CheckinListId) -> Result<Arc<ListContext>> {
        self.authorize(actor, org, Permission::CheckIn).await?;
        let cached = self.list_cache.lock().unwrap_or_else(|p| p.into_inner()).get(&id).cloned();
        if let Some((at, ctx)) = cached
            && ctx.list.org_id == org
            && at.elapsed() < LIST_CACHE_TTL
        {
            return Ok(ctx);
        }
        let list = self.store.checkin_list(org, id).await?.ok_or(AppError::NotFound)?;
        let (_, venue) = self.event_and_venue(org, list.event_id).await?;
        let ctx = Arc::new(ListContext { list, tz: venue.timezone.tz() });
        let mut cache = self.list_cache.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() >= 10_000 {
            cache.retain(|_, (at, _)| at.elapsed() < LIST_CACHE_TTL);
        }
        cache.insert(id, (std::time::Instant::now(), ctx.clone()));
        Ok(ctx)
    }

    /// Everything a scan is checked against except the entry policy.
    /// `at` is when the scan happened (for offline scans, on the device).
    async fn evaluate(
        &self,
        ctx: &ListContext,
        code: &str,
        at: Timestamp,
    ) -> Result<(ScanResult, Option<TicketRecord>)> {
        // Exactly as given: white space around a code is malformed
        // (docs/ticket-format.md); forms where a person types trim first.
        let decoded = match tessera_ticket::decode(code) {
            Ok(d) => d,
            Err(_) => return Ok((ScanResult::Malformed, None)),
        };
        let Some(key) = self.verifying_key(ctx.list.org_id, decoded.key_id).await? else {
            return Ok((ScanResult::Unknown, None));
        };
        match decoded.verify_with(&key) {
            Ok(()) => {}
            Err(CodeError::BadSignature) => return Ok((ScanResult::InvalidSignature, None)),
            Err(_) => return Ok((ScanResult::Malformed, None)),
        }
        let claims = &decoded.claims;
        let ticket = self.store.ticket(TicketId(claims.ticket_id)).await?.filter(|t| t.org_id == ctx.list.org_id);
        if claims.event_id != ctx.list.event_id.0 {
            return Ok((ScanResult::WrongEvent, ticket));
        }
        let Some(ticket) = ticket else { return Ok((ScanResult::Unknown, None)) };
        // An offline scan made before the ticket was voided was right to admit.
        if ticket.status != "valid" && ticket.voided_at.is_none_or(|v| v <= at) {
            return Ok((ScanResult::Revoked, Some(ticket)));
        }
        if !ctx.list.admits_type(ticket.ticket_type_id) {
            return Ok((ScanResult::NotOnList, Some(ticket)));
        }
        // The window of the ticket's current code: when its event moved,
        // the code was signed again, and an older code still held by the
        // holder is judged by the new dates.
        let current = ticket
            .code
            .as_deref()
            .filter(|c| *c != code)
            .and_then(|c| tessera_ticket::decode(c).ok())
            .filter(|d| d.claims.ticket_id == claims.ticket_id);
        let window = current.as_ref().map_or(claims, |d| &d.claims);
        let result = match window.validity_at(at.as_second()) {
            Validity::Valid => ScanResult::Valid,
            Validity::NotYetValid => ScanResult::NotYetValid,
            Validity::Expired => ScanResult::Expired,
        };
        Ok((result, Some(ticket)))
    }

    fn answer(&self, ctx: &ListContext, o: ScanOutcome, ticket: Option<&TicketRecord>) -> ScanAnswer {
        let s = o.scan;
        let first_scan = match (s.result, o.first) {
            (ScanResult::AlreadyUsed, Some(FirstEntry { scan, at, gate, .. })) => {
                Some(FirstScan { scan_id: scan, at, gate_id: gate, gate: ctx.gate_name(gate) })
            }
            _ => None,
        };
        ScanAnswer {
            scan_id: s.id,
            admit: s.result == ScanResult::Valid,
            message: message(s.result, s.direction).to_string(),
            nonce: s.nonce,
            result: s.result,
            direction: s.direction,
            duplicate: o.duplicate,
            conflict: s.conflict,
            ticket: ticket.map(|t| ScannedTicket {
                id: t.id,
                holder_name: t.holder_name.clone(),
                ticket_type_id: t.ticket_type_id,
                ticket_type: t.ticket_type_name.clone(),
                seat: t.seat_label.clone(),
            }),
            first_scan,
            scanned_at: s.scanned_at,
        }
    }

    fn check_gate(ctx: &ListContext, e: &mut ValidationError, field: &str, gate: Option<GateId>) {
        if let Some(g) = gate {
            let ok = ctx.list.gates.iter().any(|x| x.id == g);
            e.check_key(ok, field, MessageKey::new("errors-not-a-gate"), "not a gate of this check-in list");
        }
    }

    /// Decides one scan now: the scanner is online.
    pub async fn scan(&self, actor: &Actor, org: OrgId, list: CheckinListId, input: ScanRequest) -> Result<ScanAnswer> {
        let ctx = self.list_context(actor, org, list).await?;
        let mut e = ValidationError::new();
        check_scan_fields(&mut e, "", &input.code, &input.nonce, input.device.as_deref());
        Self::check_gate(&ctx, &mut e, "gate_id", input.gate_id);
        e.finish()?;
        // A repeated nonce is answered by the store with the first scan.
        let now = self.now();
        let (result, ticket) = self.evaluate(&ctx, &input.code, now).await?;
        let scan = NewScan {
            id: ScanId::new(),
            org_id: org,
            list_id: list,
            nonce: input.nonce,
            ticket: ticket.as_ref().map(|t| (t.id, t.ticket_type_id)),
            gate_id: input.gate_id,
            device: input.device.unwrap_or_else(|| crate::inventory::actor_name(actor)),
            direction: input.direction,
            result,
            offline: None,
            scanned_at: now,
            received_at: now,
            day: ctx.day(now),
        };
        let outcome = self.scans.submit(list, (ctx.list.policy(), scan)).await?;
        // A nonce reused for another code is answered about its first scan's ticket.
        let ticket = match outcome.scan.ticket_id {
            Some(t) if outcome.duplicate && ticket.as_ref().is_none_or(|x| x.id != t) => self.store.ticket(t).await?,
            None if outcome.duplicate => None,
            _ => ticket,
        };
        Ok(self.answer(&ctx, outcome, ticket.as_ref()))
    }

    async fn replay(&self, ctx: &ListContext, prev: ScanRecord) -> Result<ScanAnswer> {
        let ticket = match prev.ticket_id {
            Some(t) => self.store.ticket(t).await?,
            None => None,
        };
        let first = match prev.ticket_id {
            Some(t) => self.store.first_entry(ctx.list.id, t).await?,
            None => None,
        };
        Ok(self.answer(ctx, ScanOutcome { scan: prev, duplicate: true, first }, ticket.as_ref()))
    }

    /// Records scans made offline. Each is checked as it would have been at
    /// its scan time; admissions are counted, and on single-entry lists the
    /// earliest admission of a ticket wins and the others are conflicts,
    /// whatever order the uploads arrive in. Re-uploading changes nothing.
    pub async fn upload_scans(
        &self,
        actor: &Actor,
        org: OrgId,
        list: CheckinListId,
        input: ScanUpload,
    ) -> Result<UploadAnswer> {
        let ctx = self.list_context(actor, org, list).await?;
        let now = self.now();
        let mut e = ValidationError::new();
        e.check_key(
            !input.scans.is_empty() && input.scans.len() <= MAX_UPLOAD,
            "scans",
            MessageKey::new("errors-scan-count").num("min", 1).num("max", MAX_UPLOAD),
            format!("1 to {MAX_UPLOAD} scans"),
        );
        let mut nonces = std::collections::HashSet::new();
        for (i, s) in input.scans.iter().enumerate() {
            let p = format!("scans[{i}].");
            check_scan_fields(&mut e, &p, &s.code, &s.nonce, s.device.as_deref());
            Self::check_gate(&ctx, &mut e, &format!("{p}gate_id"), s.gate_id);
            if !nonces.insert(s.nonce.as_str()) {
                e.add_key(
                    format!("{p}nonce"),
                    MessageKey::new("errors-twice-in-upload"),
                    "appears twice in this upload",
                );
            }
            let future = now.checked_add(jiff::SignedDuration::from_secs(300)).unwrap_or(now);
            let key = MessageKey::new("errors-in-future");
            e.check_key(s.scanned_at <= future, &format!("{p}scanned_at"), key, "is in the future");
        }
        e.finish()?;
        // Earliest first, so a single upload resolves like a live sequence.
        let mut order: Vec<usize> = (0..input.scans.len()).collect();
        order.sort_by(|&a, &b| {
            let (x, y) = (&input.scans[a], &input.scans[b]);
            (x.scanned_at, &x.nonce).cmp(&(y.scanned_at, &y.nonce))
        });
        let mut results: Vec<Option<ScanAnswer>> = vec![None; input.scans.len()];
        // Evaluated first, then recorded in one transaction, earliest first.
        let mut batch = Vec::new();
        let mut pending = Vec::new();
        for i in order {
            let s = &input.scans[i];
            if let Some(prev) = self.store.scan_by_nonce(list, &s.nonce).await? {
                results[i] = Some(self.replay(&ctx, prev).await?);
                continue;
            }
            let (result, ticket) = self.evaluate(&ctx, &s.code, s.scanned_at).await?;
            batch.push((
                ctx.list.policy(),
                NewScan {
                    id: ScanId::new(),
                    org_id: org,
                    list_id: list,
                    nonce: s.nonce.clone(),
                    ticket: ticket.as_ref().map(|t| (t.id, t.ticket_type_id)),
                    gate_id: s.gate_id,
                    device: s.device.clone().unwrap_or_else(|| crate::inventory::actor_name(actor)),
                    direction: s.direction,
                    result,
                    offline: Some(s.admitted),
                    scanned_at: s.scanned_at,
                    received_at: now,
                    day: ctx.day(s.scanned_at),
                },
            ));
            pending.push((i, ticket));
        }
        if !batch.is_empty() {
            let outcomes = self.store.record_scans(batch).await?;
            for ((i, ticket), outcome) in pending.into_iter().zip(outcomes) {
                results[i] = Some(self.answer(&ctx, outcome, ticket.as_ref()));
            }
        }
        Ok(UploadAnswer { results: results.into_iter().flatten().collect() })
    }

    /// Keys, revocations and (optionally) tickets for an offline scanner.
    pub async fn checkin_sync(
        &self,
        actor: &Actor,
        org: OrgId,
        list: CheckinListId,
        since: Option<&str>,
        with_tickets: bool,
    ) -> Result<SyncAnswer> {
        let ctx = self.list_context(actor, org, list).await?;
        let since = match since {
            None => None,
            Some(s) => {
                Some(s.parse::<i64>().ok().and_then(|m| Timestamp::from_microsecond(m).ok()).ok_or_else(|| {
                    AppError::invalid_key(
                        "since",
                        MessageKey::new("errors-sync-cursor"),
                        "must be a cursor returned by an earlier sync",
                    )
                })?)
            }
        };
        let now = self.now();
        let keys = self.store.signing_keys(org).await?.iter().map(crate::tickets::PublicKeyView::from).collect();
        let revoked = self.store.revoked_tickets(ctx.list.event_id).await?.into_iter().map(|(t, _)| t).collect();
        let tickets = if with_tickets {
            let changed = self.store.tickets_changed_since(ctx.list.event_id, since).await?;
            Some(
                changed
                    .into_iter()
                    .filter(|t| ctx.list.admits_type(t.ticket_type_id))
                    .map(|t| SyncTicket {
                        id: t.id,
                        ticket_type_id: t.ticket_type_id,
                        ticket_type: t.ticket_type_name,
                        holder_name: t.holder_name,
                        code: t.code.filter(|_| t.status == "valid"),
                        status: t.status,
                    })
                    .collect(),
            )
        } else {
            None
        };
        let cursor = now.checked_sub(jiff::SignedDuration::from_secs(CURSOR_LAG_SECS)).unwrap_or(now);
        Ok(SyncAnswer {
            list: ctx.list.clone(),
            keys,
            revoked,
            tickets,
            cursor: cursor.as_microsecond().to_string(),
            server_time: now,
        })
    }

    pub async fn checkin_stats(&self, actor: &Actor, org: OrgId, list: CheckinListId) -> Result<CheckinStats> {
        let ctx = self.list_context(actor, org, list).await?;
        let c = self.store.checkin_counts(&ctx.list).await?;
        Ok(CheckinStats {
            list_id: list,
            checked_in: c.checked_in,
            inside: c.inside,
            tickets: c.by_ticket_type.iter().map(|t| t.2).sum(),
            by_ticket_type: c
                .by_ticket_type
                .into_iter()
                .map(|(id, name, tickets, checked_in)| TypeStats { ticket_type_id: id, name, tickets, checked_in })
                .collect(),
            by_gate: c
                .by_gate
                .into_iter()
                .map(|(g, n)| GateStats {
                    gate_id: g,
                    name: ctx.gate_name(g).unwrap_or_else(|| "(no gate)".into()),
                    admitted: n,
                })
                .collect(),
            scans: c.by_result.into_iter().map(|(r, n)| (r.as_str().to_string(), n)).collect(),
        })
    }

    pub async fn checkin_conflicts(&self, actor: &Actor, org: OrgId, list: CheckinListId) -> Result<Vec<Conflict>> {
        self.checkin_list(actor, org, list).await?;
        let mut out: Vec<Conflict> = Vec::new();
        for (s, _winner) in self.store.checkin_conflicts(list).await? {
            let Some(ticket_id) = s.ticket_id else { continue };
            let scan = ConflictScan {
                scan_id: s.id,
                scanned_at: s.scanned_at,
                gate_id: s.gate_id,
                device: s.device,
                offline: s.offline,
            };
            match out.last_mut() {
                Some(c) if c.ticket_id == ticket_id => c.others.push(scan),
                // Rows come winner first per ticket (see the store's query).
                _ => out.push(Conflict { ticket_id, winner: scan, others: Vec::new() }),
            }
        }
        Ok(out)
    }
}
