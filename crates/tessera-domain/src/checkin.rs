//! Check-in: lists of who may enter, gates, scans, and the one rule that
//! decides whether a scan admits ([`decide_online`], [`apply_offline`]).
//! Pure functions over a ticket's [`Presence`] on one list, so the same
//! decision holds on every backend and can be property-tested.

use crate::validation::Keyed;
use crate::validation::check_text;
use crate::{CheckinListId, EventId, GateId, MessageKey, OrgId, ScanId, TicketTypeId, Timestamp, ValidationError};
use std::fmt;
use std::str::FromStr;

/// How often one ticket may enter through a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryPolicy {
    /// Admits once; exits are recorded but the ticket cannot come back.
    Single,
    /// Admits again after an exit scan.
    Reentry,
    /// Admits up to N times per calendar day (in the venue's time zone);
    /// exits are not required.
    PerDay(u32),
}

impl EntryPolicy {
    pub fn name(self) -> &'static str {
        match self {
            EntryPolicy::Single => "single",
            EntryPolicy::Reentry => "reentry",
            EntryPolicy::PerDay(_) => "per_day",
        }
    }

    /// The policy, or why not with the field at fault (`entry_policy` or
    /// `max_entries_per_day`).
    pub fn from_parts(name: &str, per_day: Option<i64>) -> Result<Self, (&'static str, Keyed)> {
        match (name, per_day) {
            ("single", None) => Ok(EntryPolicy::Single),
            ("reentry", None) => Ok(EntryPolicy::Reentry),
            ("per_day", Some(n)) if (1..=1000).contains(&n) => Ok(EntryPolicy::PerDay(n as u32)),
            ("per_day", _) => Err((
                "max_entries_per_day",
                Keyed::new(
                    MessageKey::new("errors-per-day-needs-max").num("min", 1).num("max", 1000),
                    "per_day needs max_entries_per_day from 1 to 1000",
                ),
            )),
            ("single" | "reentry", Some(_)) => Err((
                "max_entries_per_day",
                Keyed::new(
                    MessageKey::new("errors-max-entries-only-per-day"),
                    "max_entries_per_day only goes with per_day",
                ),
            )),
            (other, _) => Err((
                "entry_policy",
                Keyed::new(
                    MessageKey::new("errors-unknown-entry-policy").text("value", other),
                    format!("unknown entry policy `{other}`"),
                ),
            )),
        }
    }

    pub fn per_day(self) -> Option<i64> {
        match self {
            EntryPolicy::PerDay(n) => Some(i64::from(n)),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Entry,
    Exit,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Entry => "entry",
            Direction::Exit => "exit",
        }
    }
}

impl FromStr for Direction {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "entry" => Ok(Direction::Entry),
            "exit" => Ok(Direction::Exit),
            other => Err(format!("unknown direction `{other}`")),
        }
    }
}

/// What a scan decided. Every outcome is recorded, failures included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScanResult {
    /// Admitted (entry) or let out (exit).
    Valid,
    /// The entry policy refuses another entry; see the first scan.
    AlreadyUsed,
    /// An exit scan for a ticket that is not inside.
    NotInside,
    /// The ticket was voided, refunded or re-issued.
    Revoked,
    /// A good code for another event.
    WrongEvent,
    /// This list does not admit the ticket's type.
    NotOnList,
    NotYetValid,
    Expired,
    /// Well formed, but the signature does not verify.
    InvalidSignature,
    /// Not a ticket code at all (garbage, truncated, wrongly encoded).
    Malformed,
    /// Signed by a key this organization does not have, or a ticket it never issued.
    Unknown,
}

impl ScanResult {
    pub const ALL: [ScanResult; 11] = [
        ScanResult::Valid,
        ScanResult::AlreadyUsed,
        ScanResult::NotInside,
        ScanResult::Revoked,
        ScanResult::WrongEvent,
        ScanResult::NotOnList,
        ScanResult::NotYetValid,
        ScanResult::Expired,
        ScanResult::InvalidSignature,
        ScanResult::Malformed,
        ScanResult::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ScanResult::Valid => "valid",
            ScanResult::AlreadyUsed => "already_used",
            ScanResult::NotInside => "not_inside",
            ScanResult::Revoked => "revoked",
            ScanResult::WrongEvent => "wrong_event",
            ScanResult::NotOnList => "not_on_list",
            ScanResult::NotYetValid => "not_yet_valid",
            ScanResult::Expired => "expired",
            ScanResult::InvalidSignature => "invalid_signature",
            ScanResult::Malformed => "malformed",
            ScanResult::Unknown => "unknown",
        }
    }
}

impl FromStr for ScanResult {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ScanResult::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| format!("unknown scan result `{s}`"))
    }
}

impl fmt::Display for ScanResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The first admission of a ticket on a list: the scan that "won".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirstEntry {
    pub scan: ScanId,
    pub at: Timestamp,
    pub gate: Option<GateId>,
    /// The scan's nonce, to break ties between scans at the same instant.
    pub nonce: String,
}

/// One ticket's standing on one list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Presence {
    pub entries: i64,
    pub inside: bool,
    pub first: Option<FirstEntry>,
    /// The calendar day (venue time, `YYYY-MM-DD`) `day_entries` counts.
    pub day: Option<String>,
    pub day_entries: i64,
}

/// A scan as the decision needs it.
#[derive(Debug, Clone)]
pub struct ScanFacts {
    pub id: ScanId,
    pub nonce: String,
    pub at: Timestamp,
    pub gate: Option<GateId>,
    pub direction: Direction,
    /// The venue-local calendar day of `at`.
    pub day: String,
}

/// Decides an online scan of a ticket that passed every other check, and
/// the presence after it. Nothing changes unless the result is `Valid`.
pub fn decide_online(policy: EntryPolicy, p: &Presence, s: &ScanFacts) -> (ScanResult, Presence) {
    let mut next = p.clone();
    match s.direction {
        Direction::Exit => {
            if !p.inside {
                return (ScanResult::NotInside, next);
            }
            next.inside = false;
            (ScanResult::Valid, next)
        }
        Direction::Entry => {
            let today = if p.day.as_deref() == Some(s.day.as_str()) { p.day_entries } else { 0 };
            let admit = match policy {
                EntryPolicy::Single => p.entries == 0,
                EntryPolicy::Reentry => !p.inside,
                EntryPolicy::PerDay(n) => today < i64::from(n),
            };
            if !admit {
                return (ScanResult::AlreadyUsed, next);
            }
            admit_into(&mut next, s, today);
            (ScanResult::Valid, next)
        }
    }
}

fn admit_into(next: &mut Presence, s: &ScanFacts, today: i64) {
    next.entries += 1;
    next.inside = true;
    next.day = Some(s.day.clone());
    next.day_entries = today + 1;
    if next.first.is_none() {
        next.first = Some(FirstEntry { scan: s.id, at: s.at, gate: s.gate, nonce: s.nonce.clone() });
    }
}

/// What recording an offline scan did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfflineOutcome {
    pub result: ScanResult,
    /// This scan admitted someone offline although an earlier admission of
    /// the same single-entry ticket wins.
    pub conflict: bool,
    /// An earlier-recorded scan that this one displaced as the winner; it
    /// is now the conflicting one.
    pub displaced: Option<ScanId>,
}

/// Records an entry that a scanner admitted while offline. The device has
/// already let the person in, so this only keeps the books: on a
/// single-entry list the earliest admission (by scan time, then nonce) is
/// the winner whatever order uploads arrive in, and every other admission is
/// a conflict for the report. Other policies count the entry.
pub fn apply_offline(policy: EntryPolicy, p: &Presence, s: &ScanFacts) -> (OfflineOutcome, Presence) {
    let mut next = p.clone();
    let today = if p.day.as_deref() == Some(s.day.as_str()) { p.day_entries } else { 0 };
    let outcome = match (&p.first, policy) {
        (Some(first), EntryPolicy::Single) => {
            next.entries += 1;
            next.inside = true;
            if (s.at, s.nonce.as_str()) < (first.at, first.nonce.as_str()) {
                next.first = Some(FirstEntry { scan: s.id, at: s.at, gate: s.gate, nonce: s.nonce.clone() });
                OfflineOutcome { result: ScanResult::Valid, conflict: false, displaced: Some(first.scan) }
            } else {
                OfflineOutcome { result: ScanResult::AlreadyUsed, conflict: true, displaced: None }
            }
        }
        _ => {
            admit_into(&mut next, s, today);
            OfflineOutcome { result: ScanResult::Valid, conflict: false, displaced: None }
        }
    };
    (outcome, next)
}

/// A check-in list as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct CheckinList {
    pub id: CheckinListId,
    pub org_id: OrgId,
    pub event_id: EventId,
    pub name: String,
    /// Empty when every ticket type of the event is admitted.
    pub ticket_type_ids: Vec<TicketTypeId>,
    /// `single`, `reentry` or `per_day`.
    pub entry_policy: String,
    pub max_entries_per_day: Option<i64>,
    pub gates: Vec<Gate>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

impl CheckinList {
    pub fn policy(&self) -> EntryPolicy {
        EntryPolicy::from_parts(&self.entry_policy, self.max_entries_per_day).unwrap_or(EntryPolicy::Single)
    }

    pub fn admits_type(&self, t: TicketTypeId) -> bool {
        self.ticket_type_ids.is_empty() || self.ticket_type_ids.contains(&t)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Gate {
    pub id: GateId,
    pub name: String,
}

/// Input for a new check-in list.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCheckinList {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Admit only these ticket types; omit or leave empty for all.
    #[serde(default)]
    #[schema(max_items = 100)]
    pub ticket_type_ids: Vec<TicketTypeId>,
    /// `single` (default), `reentry` (again after an exit) or `per_day`.
    #[serde(default = "default_policy")]
    #[schema(pattern = "^(single|reentry|per_day)$")]
    pub entry_policy: String,
    /// With `per_day`: entries allowed per calendar day in the venue's time zone.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 1000)]
    pub max_entries_per_day: Option<i64>,
    /// Names of the gates (entrances), 1 to 50.
    #[schema(min_items = 1, max_items = 50)]
    pub gates: Vec<String>,
}

fn default_policy() -> String {
    "single".into()
}

impl NewCheckinList {
    pub fn validate(&self) -> Result<EntryPolicy, ValidationError> {
        let mut e = ValidationError::new();
        check_text(&mut e, "name", &self.name, 1, 200);
        let policy = EntryPolicy::from_parts(&self.entry_policy, self.max_entries_per_day);
        if let Err((field, m)) = &policy {
            e.add_keyed(*field, m.clone());
        }
        e.check_key(
            self.ticket_type_ids.len() <= 100,
            "ticket_type_ids",
            MessageKey::new("errors-at-most").num("max", 100),
            "at most 100",
        );
        let mut seen = std::collections::HashSet::new();
        for t in &self.ticket_type_ids {
            if !seen.insert(*t) {
                let key = MessageKey::new("errors-value-appears-twice").text("value", t.to_string());
                e.add_key("ticket_type_ids", key, format!("{t} appears twice"));
            }
        }
        e.check_key(
            !self.gates.is_empty() && self.gates.len() <= 50,
            "gates",
            MessageKey::new("errors-gate-count").num("min", 1).num("max", 50),
            "1 to 50 gates",
        );
        let mut names = std::collections::HashSet::new();
        for (i, g) in self.gates.iter().enumerate() {
            check_text(&mut e, &format!("gates[{i}]"), g, 1, 100);
            if !names.insert(g.trim().to_lowercase()) {
                let key = MessageKey::new("errors-gate-names-unique");
                e.add_key(format!("gates[{i}]"), key, "gate names must be unique");
            }
        }
        e.finish()?;
        policy.map_err(|(field, m)| ValidationError::single_keyed(field, m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(secs: i64, nonce: &str, dir: Direction, day: &str) -> ScanFacts {
        ScanFacts {
            id: ScanId::new(),
            nonce: nonce.into(),
            at: Timestamp::from_second(secs).unwrap(),
            gate: None,
            direction: dir,
            day: day.into(),
        }
    }

    #[test]
    fn single_entry_admits_once_even_after_exit() {
        let p = Presence::default();
        let (r, p) = decide_online(EntryPolicy::Single, &p, &scan(10, "a", Direction::Entry, "d1"));
        assert_eq!(r, ScanResult::Valid);
        let (r, p2) = decide_online(EntryPolicy::Single, &p, &scan(11, "b", Direction::Entry, "d1"));
        assert_eq!((r, &p2), (ScanResult::AlreadyUsed, &p));
        let (r, p) = decide_online(EntryPolicy::Single, &p, &scan(12, "c", Direction::Exit, "d1"));
        assert_eq!(r, ScanResult::Valid);
        assert!(!p.inside);
        let (r, _) = decide_online(EntryPolicy::Single, &p, &scan(13, "d", Direction::Entry, "d1"));
        assert_eq!(r, ScanResult::AlreadyUsed);
    }

    #[test]
    fn reentry_needs_an_exit_in_between() {
        let pol = EntryPolicy::Reentry;
        let (r, p) = decide_online(pol, &Presence::default(), &scan(1, "a", Direction::Exit, "d"));
        assert_eq!(r, ScanResult::NotInside);
        let (r, p) = decide_online(pol, &p, &scan(2, "b", Direction::Entry, "d"));
        assert_eq!(r, ScanResult::Valid);
        let (r, p) = decide_online(pol, &p, &scan(3, "c", Direction::Entry, "d"));
        assert_eq!(r, ScanResult::AlreadyUsed);
        let (_, p) = decide_online(pol, &p, &scan(4, "d", Direction::Exit, "d"));
        let (r, p) = decide_online(pol, &p, &scan(5, "e", Direction::Entry, "d"));
        assert_eq!(r, ScanResult::Valid);
        assert_eq!(p.entries, 2);
        assert_eq!(p.first.unwrap().nonce, "b");
    }

    #[test]
    fn per_day_counts_reset_each_day() {
        let pol = EntryPolicy::PerDay(2);
        let mut p = Presence::default();
        for (i, want) in [ScanResult::Valid, ScanResult::Valid, ScanResult::AlreadyUsed].into_iter().enumerate() {
            let (r, next) = decide_online(pol, &p, &scan(i as i64, &format!("n{i}"), Direction::Entry, "2026-01-01"));
            assert_eq!(r, want);
            p = next;
        }
        let (r, p) = decide_online(pol, &p, &scan(100, "x", Direction::Entry, "2026-01-02"));
        assert_eq!(r, ScanResult::Valid);
        assert_eq!(p.day_entries, 1);
    }

    /// Whatever order offline admissions of one single-entry ticket arrive
    /// in, the earliest wins and all the others are conflicts.
    #[test]
    fn offline_conflicts_resolve_the_same_in_any_order() {
        let scans = [
            scan(50, "m", Direction::Entry, "d"),
            scan(20, "z", Direction::Entry, "d"),
            scan(20, "a", Direction::Entry, "d"),
        ];
        let orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
        for order in orders {
            let mut p = Presence::default();
            let mut conflicted = std::collections::HashSet::new();
            for i in order {
                let (o, next) = apply_offline(EntryPolicy::Single, &p, &scans[i]);
                if o.conflict {
                    conflicted.insert(scans[i].id);
                }
                if let Some(d) = o.displaced {
                    conflicted.insert(d);
                }
                p = next;
            }
            let first = p.first.unwrap();
            assert_eq!(first.scan, scans[2].id, "order {order:?}");
            assert_eq!(conflicted, [scans[0].id, scans[1].id].into_iter().collect(), "order {order:?}");
            assert_eq!(p.entries, 3);
        }
    }

    #[test]
    fn list_input_is_checked_field_by_field() {
        let ok = NewCheckinList {
            name: "Main".into(),
            ticket_type_ids: vec![],
            entry_policy: "single".into(),
            max_entries_per_day: None,
            gates: vec!["North".into(), "South".into()],
        };
        assert_eq!(ok.validate().unwrap(), EntryPolicy::Single);
        let bad = NewCheckinList {
            name: "".into(),
            entry_policy: "per_day".into(),
            gates: vec!["A".into(), "a".into()],
            ..ok.clone()
        };
        let fields: Vec<String> = bad.validate().unwrap_err().fields.into_iter().map(|f| f.field).collect();
        assert_eq!(fields, ["name", "max_entries_per_day", "gates[1]"]);
        let unknown = NewCheckinList { entry_policy: "twice".into(), ..ok };
        assert_eq!(unknown.validate().unwrap_err().fields[0].field, "entry_policy");
    }
}
