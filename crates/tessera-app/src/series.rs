//! Series use cases: an organizer makes a series (its occurrences are made
//! with it, in one transaction), changes it "from a date on", removes an
//! occurrence that has not sold, publishes it; anyone reads a published
//! series and its occurrences a month at a time.
//!
//! The rules: a rule giving more than [`MAX_OCCURRENCES`] is refused naming
//! `rrule` before anything is written; an occurrence with orders is never
//! removed (cancel it: the existing cancellation refunds its orders) and
//! never gets another end or start from a series change (those are refused;
//! one occurrence is moved as the event it is, which signs its codes again
//! and e-mails its holders). Prices, descriptions and capacity follow the
//! series on every kept occurrence from the date on: sold tickets keep the
//! price they were sold at, and capacity never drops below sold + held.

use crate::catalog::DEFAULT_GATE_NAME;
use crate::catalog::DEFAULT_LIST_NAME;
use crate::catalog::{decode_cursor, encode_cursor};
use crate::{Actor, App, AppError, Result};
use std::collections::HashSet;
use tessera_domain::catalog::{Event, EventStatus, Quota, TicketType, Venue, Visibility};
use tessera_domain::checkin::{CheckinList, Gate};
use tessera_domain::series::{MAX_OCCURRENCES, NewSeries, Schedule, Series, SeriesPatch, Slot, slot_key};
use tessera_domain::{
    CheckinListId, EventId, GateId, MessageKey, Money, OrgId, Permission, QuotaId, SeriesId, TicketTypeId, Timestamp,
};
use tessera_store::series::{CAPACITY_QUOTA, NewOccurrence, OccurrenceRow, SeriesChange};

/// An occurrence in a list: when, and how it sells.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct OccurrenceSummary {
    pub id: EventId,
    #[schema(value_type = String, format = DateTime)]
    pub starts_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub ends_at: Timestamp,
    /// Start as wall-clock time at the venue, with its UTC offset.
    pub starts_at_local: String,
    pub status: EventStatus,
    pub capacity: i64,
    pub sold: i64,
    /// Tickets left (the tightest quota).
    pub available: i64,
    /// Orders were placed: it can be cancelled, not removed.
    pub has_orders: bool,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct OccurrencePage {
    pub items: Vec<OccurrenceSummary>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// A series with its venue's zone and how many occurrences it has.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SeriesView {
    #[serde(flatten)]
    pub series: Series,
    pub timezone: String,
    pub venue_name: String,
}

/// Which occurrences to list. All optional.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OccurrenceQuery {
    /// Occurrences starting at or after this instant (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<Timestamp>,
    /// Occurrences starting before this instant (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub to: Option<Timestamp>,
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// 1-500, default 100.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
}

fn summary(o: &OccurrenceRow, venue: &Venue) -> OccurrenceSummary {
    OccurrenceSummary {
        id: o.event.id,
        starts_at: o.event.starts_at,
        ends_at: o.event.ends_at,
        starts_at_local: venue.timezone.local(o.event.starts_at),
        status: o.event.status,
        capacity: o.capacity,
        sold: o.sold,
        available: o.available,
        has_orders: o.has_orders,
    }
}

/// The check-in list a published occurrence gets, as a published event does.
fn default_list(org: OrgId, event: EventId, now: Timestamp) -> CheckinList {
    CheckinList {
        id: CheckinListId::new(),
        org_id: org,
        event_id: event,
        name: DEFAULT_LIST_NAME.into(),
        ticket_type_ids: vec![],
        entry_policy: "single".into(),
        max_entries_per_day: None,
        gates: vec![Gate { id: GateId::new(), name: DEFAULT_GATE_NAME.into() }],
        created_at: now,
    }
}

/// Events, quotas and ticket types of `slots` from the series' template.
fn occurrences(s: &Series, slots: &[Slot], now: Timestamp) -> Vec<NewOccurrence> {
    let status = if s.status == "published" { EventStatus::Published } else { EventStatus::Draft };
    let length = jiff::SignedDuration::from_mins(s.duration_minutes);
    slots
        .iter()
        .map(|slot| {
            let event_id = EventId::new();
            let quota_id = QuotaId::new();
            let event = Event {
                id: event_id,
                org_id: s.org_id,
                venue_id: s.venue_id,
                title: s.title.clone(),
                description: s.description.clone(),
                category: s.category,
                image_urls: vec![],
                starts_at: slot.starts_at,
                ends_at: slot.starts_at.checked_add(length).unwrap_or(slot.starts_at),
                status,
                sales_start: None,
                sales_end: None,
                max_tickets_per_customer: None,
                created_at: now,
                updated_at: now,
            };
            let ticket_types = s
                .ticket_types
                .iter()
                .map(|t| TicketType {
                    id: TicketTypeId::new(),
                    event_id,
                    org_id: s.org_id,
                    name: t.name.trim().to_string(),
                    description: t.description.clone(),
                    price: Money::new(t.price_minor, s.currency),
                    sales_start: None,
                    sales_end: None,
                    min_per_order: 1,
                    max_per_order: t.max_per_order,
                    visibility: Visibility::Public,
                    access_code: None,
                    quota_ids: vec![quota_id],
                    created_at: now,
                })
                .collect::<Vec<_>>();
            let quota = Quota {
                id: quota_id,
                event_id,
                org_id: s.org_id,
                name: CAPACITY_QUOTA.into(),
                capacity: s.capacity,
                sold: 0,
                held: 0,
                ticket_type_ids: ticket_types.iter().map(|t| t.id).collect(),
                created_at: now,
            };
            NewOccurrence { event, quota, ticket_types }
        })
        .collect()
}

impl App {
    async fn series_venue(&self, org: OrgId, venue: tessera_domain::VenueId) -> Result<Venue> {
        self.store.venue(org, venue).await?.ok_or_else(|| {
            AppError::invalid_key(
                "venue_id",
                MessageKey::new("errors-no-such-venue"),
                "no such venue in this organization",
            )
        })
    }

    fn series_view(s: Series, v: &Venue) -> SeriesView {
        SeriesView { series: s, timezone: v.timezone.to_string(), venue_name: v.name.clone() }
    }

    /// Makes a series in draft with all its occurrences; a rule giving more
    /// than [`MAX_OCCURRENCES`] (or none) is refused naming `rrule`, with
    /// nothing written.
    pub async fn create_series(&self, actor: &Actor, org: OrgId, input: NewSeries) -> Result<SeriesView> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        let checked = input.validate()?;
        let venue = self.series_venue(org, input.venue_id).await?;
        let slots = checked.schedule.expand(&venue.timezone.tz(), MAX_OCCURRENCES)?;
        let now = self.now();
        let sched = &checked.schedule;
        let s = Series {
            id: SeriesId::new(),
            org_id: org,
            venue_id: input.venue_id,
            title: input.title.trim().to_string(),
            description: input.description,
            category: input.category,
            rrule: sched.rule.to_string(),
            first_date: sched.first_date.to_string(),
            times: sched.times.iter().map(|t| t.strftime("%H:%M").to_string()).collect(),
            exdates: sched.exdates.iter().map(ToString::to_string).collect(),
            rdates: sched.rdates.iter().map(ToString::to_string).collect(),
            removed: vec![],
            duration_minutes: input.duration_minutes,
            capacity: input.capacity,
            currency: input.currency,
            ticket_types: input
                .ticket_types
                .into_iter()
                .map(|mut t| {
                    t.name = t.name.trim().to_string();
                    t
                })
                .collect(),
            status: "draft".into(),
            created_at: now,
            updated_at: now,
        };
        let occ = occurrences(&s, &slots, now);
        self.store.create_series(&s, &occ, &[]).await?;
        Ok(Self::series_view(s, &venue))
    }

    pub async fn org_series(&self, actor: &Actor, org: OrgId) -> Result<Vec<Series>> {
        self.authorize(actor, org, Permission::ViewCatalog).await?;
        Ok(self.store.list_series(org).await?)
    }

    pub async fn series(&self, actor: &Actor, org: OrgId, id: SeriesId) -> Result<SeriesView> {
        self.authorize(actor, org, Permission::ViewCatalog).await?;
        let s = self.store.series(org, id).await?.ok_or(AppError::NotFound)?;
        let venue = self.store.venue(org, s.venue_id).await?.ok_or(AppError::NotFound)?;
        Ok(Self::series_view(s, &venue))
    }

    async fn occurrence_page(
        &self,
        s: &Series,
        venue: &Venue,
        q: &OccurrenceQuery,
        public: bool,
    ) -> Result<OccurrencePage> {
        let mut e = tessera_domain::ValidationError::new();
        if let Some(l) = q.limit {
            let key = MessageKey::new("errors-between").num("min", 1).num("max", 500);
            e.check_key((1..=500).contains(&l), "limit", key, "must be between 1 and 500");
        }
        if let (Some(f), Some(t)) = (q.from, q.to) {
            e.check_key(t > f, "to", MessageKey::new("errors-after-from"), "must be after from");
        }
        e.finish()?;
        let limit = q.limit.unwrap_or(100);
        let after = q.cursor.as_deref().map(decode_cursor).transpose()?;
        let mut rows = self.store.series_occurrences(s.id, q.from, q.to, after, limit + 1, public).await?;
        let next = if rows.len() as i64 > limit {
            rows.truncate(limit as usize);
            rows.last().map(|o| encode_cursor(o.event.starts_at, o.event.id))
        } else {
            None
        };
        Ok(OccurrencePage { items: rows.iter().map(|o| summary(o, venue)).collect(), next_cursor: next })
    }

    /// A page of the series' occurrences (drafts included), soonest first.
    pub async fn series_occurrences(
        &self,
        actor: &Actor,
        org: OrgId,
        id: SeriesId,
        q: &OccurrenceQuery,
    ) -> Result<OccurrencePage> {
        self.authorize(actor, org, Permission::ViewCatalog).await?;
        let s = self.store.series(org, id).await?.ok_or(AppError::NotFound)?;
        let venue = self.store.venue(org, s.venue_id).await?.ok_or(AppError::NotFound)?;
        self.occurrence_page(&s, &venue, q, false).await
    }

    /// A published series, for anyone.
    pub async fn public_series(&self, id: SeriesId) -> Result<SeriesView> {
        let s = self.store.public_series(id).await?.ok_or(AppError::NotFound)?;
        let venue = self.store.venue(s.org_id, s.venue_id).await?.ok_or(AppError::NotFound)?;
        Ok(Self::series_view(s, &venue))
    }

    /// A page of a published series' occurrences that are not drafts.
    pub async fn public_series_occurrences(&self, id: SeriesId, q: &OccurrenceQuery) -> Result<OccurrencePage> {
        let s = self.store.public_series(id).await?.ok_or(AppError::NotFound)?;
        let venue = self.store.venue(s.org_id, s.venue_id).await?.ok_or(AppError::NotFound)?;
        self.occurrence_page(&s, &venue, q, true).await
    }

    /// The series an event belongs to, when it is published (for the
    /// event page's "other dates" link).
    pub async fn public_series_of_event(&self, event: EventId) -> Result<Option<SeriesId>> {
        let Some(id) = self.store.series_of_event(event).await? else { return Ok(None) };
        Ok(self.store.public_series(id).await?.map(|s| s.id))
    }

    /// Publishes the series and its draft occurrences (each gets the default
    /// check-in list, as a published event does).
    pub async fn publish_series(&self, actor: &Actor, org: OrgId, id: SeriesId) -> Result<SeriesView> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        let s = self.store.series(org, id).await?.ok_or(AppError::NotFound)?;
        let venue = self.store.venue(org, s.venue_id).await?.ok_or(AppError::NotFound)?;
        if s.status != "draft" {
            return Err(AppError::Conflict {
                field: "status".into(),
                message: "the series is published already".into(),
            });
        }
        let now = self.now();
        let lists: Vec<CheckinList> =
            self.store.series_event_ids(id).await?.into_iter().map(|e| default_list(org, e, now)).collect();
        if !self.store.publish_series(&s, &lists, now).await? {
            return Err(AppError::Conflict {
                field: "status".into(),
                message: "the series is published already".into(),
            });
        }
        let s = self.store.series(org, id).await?.ok_or(AppError::NotFound)?;
        Ok(Self::series_view(s, &venue))
    }

    /// Changes the series and its occurrences from `patch.from` on (default
    /// today at the venue): occurrences the new rule no longer gives are
    /// removed, new ones are made, kept ones take the new title,
    /// description, length, capacity and prices. Refused as a whole when an
    /// occurrence to remove has orders (409 naming `rrule`), when a new
    /// length would move one with orders (409 `duration_minutes`), or when
    /// the capacity is below one's sold and held (422 `capacity`).
    pub async fn update_series(
        &self,
        actor: &Actor,
        org: OrgId,
        id: SeriesId,
        patch: SeriesPatch,
    ) -> Result<SeriesView> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        let current = self.store.series(org, id).await?.ok_or(AppError::NotFound)?;
        let venue = self.store.venue(org, current.venue_id).await?.ok_or(AppError::NotFound)?;
        let (mut next, schedule) = current.patched(&patch)?;
        let tz = venue.timezone.tz();
        let now = self.now();
        let from_date = match patch.from.as_deref().and_then(tessera_domain::series::parse_date) {
            Some(d) => d,
            None => now.to_zoned(tz.clone()).date(),
        };
        let from = from_date.to_zoned(tz.clone()).map_err(|e| AppError::Internal(e.to_string()))?.timestamp();
        let slots = schedule.expand(&tz, MAX_OCCURRENCES)?;
        let wanted: Vec<&Slot> = slots.iter().filter(|s| s.starts_at >= from).collect();
        let existing = self.all_occurrences(id, Some(from)).await?;
        let live: Vec<&OccurrenceRow> = existing.iter().filter(|o| o.event.status != EventStatus::Cancelled).collect();
        let wanted_at: HashSet<Timestamp> = wanted.iter().map(|s| s.starts_at).collect();
        let have_at: HashSet<Timestamp> = existing.iter().map(|o| o.event.starts_at).collect();
        let remove: Vec<EventId> =
            live.iter().filter(|o| !wanted_at.contains(&o.event.starts_at)).map(|o| o.event.id).collect();
        let add_slots: Vec<Slot> = wanted.iter().filter(|s| !have_at.contains(&s.starts_at)).map(|s| **s).collect();
        next.updated_at = now;
        let add = occurrences(&next, &add_slots, now);
        let lists = if next.status == "published" {
            add.iter().map(|o| default_list(org, o.event.id, now)).collect()
        } else {
            vec![]
        };
        let duration_us =
            (next.duration_minutes != current.duration_minutes).then_some(next.duration_minutes * 60_000_000);
        let new_types = next
            .ticket_types
            .iter()
            .filter(|t| !current.ticket_types.iter().any(|c| c.name == t.name))
            .cloned()
            .collect();
        let change = SeriesChange {
            series: next.clone(),
            was: current.updated_at,
            from,
            remove,
            add,
            duration_us,
            new_types,
            lists,
        };
        self.store.change_series(&change, now).await?;
        Ok(Self::series_view(next, &venue))
    }

    /// Every occurrence from `from` (in pages of 1,000 under the hood).
    async fn all_occurrences(&self, id: SeriesId, from: Option<Timestamp>) -> Result<Vec<OccurrenceRow>> {
        let mut out: Vec<OccurrenceRow> = Vec::new();
        loop {
            let after = out.last().map(|o| (o.event.starts_at, o.event.id));
            let page = self.store.series_occurrences(id, from, None, after, 1000, false).await?;
            let done = page.len() < 1000;
            out.extend(page);
            if done || out.len() > MAX_OCCURRENCES * 2 {
                return Ok(out);
            }
        }
    }

    /// Removes one occurrence that has no orders (409 naming `occurrence`
    /// otherwise: cancel it); the rule will not bring it back.
    pub async fn remove_occurrence(&self, actor: &Actor, org: OrgId, id: SeriesId, event: EventId) -> Result<()> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        let current = self.store.series(org, id).await?.ok_or(AppError::NotFound)?;
        let venue = self.store.venue(org, current.venue_id).await?.ok_or(AppError::NotFound)?;
        let e = self.store.event(org, event).await?.ok_or(AppError::NotFound)?;
        let local = e.starts_at.to_zoned(venue.timezone.tz()).datetime();
        let mut next = current.clone();
        let key = slot_key(local);
        if !next.removed.contains(&key) {
            next.removed.push(key);
        }
        next.updated_at = self.now();
        self.store.remove_occurrence(&next, current.updated_at, event).await?;
        Ok(())
    }

    /// The schedule a stored series has (for pages showing its rule).
    pub fn series_schedule(s: &Series) -> Result<Schedule> {
        Ok(s.schedule()?)
    }

    /// Which of `events` are occurrences of a series, with the series and
    /// its frequency (a listing shows a series once, "daily, from ...").
    pub async fn series_of_events(
        &self,
        events: &[EventId],
    ) -> Result<std::collections::HashMap<EventId, (SeriesId, tessera_domain::series::Freq)>> {
        let rows = self.store.series_of_events(events).await?;
        Ok(rows
            .into_iter()
            .filter_map(|(e, s, rule)| tessera_domain::series::Rule::parse(&rule).ok().map(|r| (e, (s, r.freq))))
            .collect())
    }
}
