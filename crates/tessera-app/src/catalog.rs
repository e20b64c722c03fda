//! Catalog use cases: organizers manage venues, events, ticket types and
//! quotas; anyone browses published events with live availability.

use crate::{Actor, App, AppError, Result};
use data_encoding::BASE64URL_NOPAD;
use tessera_domain::catalog::access_code_matches;
use tessera_domain::catalog::{
    Category, Event, EventAction, EventPatch, EventStatus, NewEvent, NewQuota, NewTicketType, NewVenue, Quota,
    QuotaPatch, TicketType, TicketTypePatch, Venue, VenuePatch, Visibility, ticket_type_availability,
};
use tessera_domain::{EventId, MessageKey, Money, OrgId, Permission, QuotaId, TicketTypeId, Timestamp, VenueId};
use tessera_store::EventFilter;

/// The check-in list a published event gets when it has none.
pub const DEFAULT_LIST_NAME: &str = "All tickets";
/// The one gate of that list.
pub const DEFAULT_GATE_NAME: &str = "Main entrance";

// ------------------------------------------------------------ public views

/// An event in a listing.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct EventSummary {
    pub id: EventId,
    pub title: String,
    pub category: Category,
    pub status: EventStatus,
    pub image_urls: Vec<String>,
    #[schema(value_type = String, format = DateTime)]
    pub starts_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub ends_at: Timestamp,
    /// Start as wall-clock time at the venue, with its UTC offset.
    pub starts_at_local: String,
    pub ends_at_local: String,
    pub timezone: String,
    pub venue: VenueSummary,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct VenueSummary {
    pub id: VenueId,
    pub name: String,
    pub address: String,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct EventPage {
    pub items: Vec<EventSummary>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PublicTicketType {
    pub id: TicketTypeId,
    pub name: String,
    pub description: String,
    /// What the next ticket costs now: its price tier's price while one
    /// applies, else the ticket type's own price.
    pub price: Money,
    /// The ticket type's own price, once its tiers have ended.
    pub list_price: Money,
    /// The price tier giving `price`, when one does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_tier: Option<PublicPriceTier>,
    pub min_per_order: i64,
    pub max_per_order: i64,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sales_start: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sales_end: Option<Timestamp>,
    /// Within its sales window and the event is published.
    pub on_sale: bool,
    /// Tickets that can still be reserved now: the tightest of its quotas.
    pub available: i64,
}

/// The price tier a ticket type sells at now, as buyers see it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PublicPriceTier {
    pub name: String,
    /// Tickets left at this price (a quantity tier), when a quantity ends it.
    pub left: Option<i64>,
    /// When this price ends, when a date ends it.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub until: Option<Timestamp>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct EventDetail {
    #[serde(flatten)]
    pub summary: EventSummary,
    pub description: String,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sales_start: Option<Timestamp>,
    #[schema(value_type = String, format = DateTime)]
    pub sales_end: Timestamp,
    /// What a buyer needs: each visible ticket type with its availability.
    /// Quotas are not listed: their names and figures would reveal hidden
    /// ticket types (organizers see them in the organization's API).
    pub ticket_types: Vec<PublicTicketType>,
}

/// Filters for the public event list. All optional.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    /// Words to find in the title or description.
    #[param(max_length = 200)]
    pub q: Option<String>,
    pub category: Option<Category>,
    /// Events starting at or after this instant (RFC 3339). Without `from`,
    /// events that have already ended are left out.
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<Timestamp>,
    /// Events starting before this instant (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub to: Option<Timestamp>,
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// 1-100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// A keyset cursor over (start, id), for event lists and series occurrences.
pub(crate) fn encode_cursor(at: Timestamp, id: EventId) -> String {
    BASE64URL_NOPAD.encode(format!("{}.{}", at.as_microsecond(), id).as_bytes())
}

pub(crate) fn decode_cursor(c: &str) -> Result<(Timestamp, EventId)> {
    let bad =
        || AppError::invalid_key("cursor", MessageKey::new("errors-bad-cursor"), "not a cursor this server issued");
    let raw = BASE64URL_NOPAD.decode(c.as_bytes()).map_err(|_| bad())?;
    let s = String::from_utf8(raw).map_err(|_| bad())?;
    let (a, b) = s.split_once('.').ok_or_else(bad)?;
    let at = a.parse::<i64>().ok().and_then(|m| Timestamp::from_microsecond(m).ok()).ok_or_else(bad)?;
    Ok((at, b.parse().map_err(|_| bad())?))
}

fn summary(e: &Event, v: &Venue) -> EventSummary {
    EventSummary {
        id: e.id,
        title: e.title.clone(),
        category: e.category,
        status: e.status,
        image_urls: e.image_urls.clone(),
        starts_at: e.starts_at,
        ends_at: e.ends_at,
        starts_at_local: v.timezone.local(e.starts_at),
        ends_at_local: v.timezone.local(e.ends_at),
        timezone: v.timezone.to_string(),
        venue: VenueSummary { id: v.id, name: v.name.clone(), address: v.address.clone() },
    }
}

impl App {
    fn event_filter(&self, q: &EventQuery, org: Option<OrgId>) -> Result<EventFilter> {
        let mut e = tessera_domain::ValidationError::new();
        if let Some(l) = q.limit {
            let key = MessageKey::new("errors-between").num("min", 1).num("max", 100);
            e.check_key((1..=100).contains(&l), "limit", key, "must be between 1 and 100");
        }
        if let (Some(f), Some(t)) = (q.from, q.to) {
            e.check_key(t > f, "to", MessageKey::new("errors-after-from"), "must be after from");
        }
        if let Some(text) = &q.q {
            let key = MessageKey::new("errors-too-long").num("max", 200);
            e.check_key(text.chars().count() <= 200, "q", key, "must be at most 200 characters");
        }
        e.finish()?;
        Ok(EventFilter {
            org_id: org,
            text: q.q.clone(),
            category: q.category,
            from: q.from,
            to: q.to,
            not_ended_at: if q.from.is_none() && org.is_none() { Some(self.now()) } else { None },
            after: q.cursor.as_deref().map(decode_cursor).transpose()?,
            limit: q.limit.unwrap_or(20),
        })
    }

    async fn event_page(&self, f: EventFilter) -> Result<EventPage> {
        let page = self.store.list_events(&f).await?;
        Ok(EventPage {
            items: page.events.iter().map(|(e, v)| summary(e, v)).collect(),
            next_cursor: page.next.map(|(at, id)| encode_cursor(at, id)),
        })
    }

    /// Published events, soonest first.
    pub async fn public_events(&self, q: &EventQuery) -> Result<EventPage> {
        let f = self.event_filter(q, None)?;
        self.event_page(f).await
    }

    /// A published (or cancelled or ended) event with public ticket types
    /// (and hidden ones whose `access_code` is given) and live availability.
    /// Drafts do not exist as far as the public knows.
    pub async fn public_event(&self, id: EventId, access_code: Option<&str>) -> Result<EventDetail> {
        Ok(self.public_event_unlocking(id, access_code).await?.0)
    }

    /// [`App::public_event`] for a client at `ip` (the API): an access code
    /// that unlocks nothing counts as a wrong guess of that client address,
    /// and past `access_code_max_failures_per_ip` in the window any code is
    /// answered with `RateLimited`, like wrong codes when ordering.
    pub async fn public_event_from(&self, ip: &str, id: EventId, access_code: Option<&str>) -> Result<EventDetail> {
        Ok(self.public_event_opened_from(ip, id, access_code).await?.0)
    }

    /// [`App::public_event_from`], and whether the code opened anything.
    pub async fn public_event_opened_from(
        &self,
        ip: &str,
        id: EventId,
        access_code: Option<&str>,
    ) -> Result<(EventDetail, bool)> {
        let Some(code) = access_code else { return Ok((self.public_event(id, None).await?, false)) };
        let now = self.now();
        self.clients.admit_access_code(ip, now)?;
        let (detail, unlocked) = self.public_event_unlocking(id, Some(code)).await?;
        if !unlocked {
            self.clients.access_code_failed(ip, now);
        }
        Ok((detail, unlocked))
    }

    /// The lowest current price of each listed event's public ticket types
    /// (a price tier's while one is open), for the event cards ("from €25").
    pub async fn lowest_prices(
        &self,
        events: &[EventId],
    ) -> Result<std::collections::HashMap<EventId, tessera_domain::Money>> {
        let mut out = std::collections::HashMap::new();
        for (id, minor, currency) in self.store.lowest_public_prices(events, self.now()).await? {
            let Ok(currency) = tessera_domain::Currency::parse(&currency) else { continue };
            let price = tessera_domain::Money::new(minor, currency);
            // Mixed currencies in one event are rare; keep one of them.
            out.entry(id).or_insert(price);
        }
        Ok(out)
    }

    /// The public event and whether the access code unlocked a hidden type.
    async fn public_event_unlocking(&self, id: EventId, access_code: Option<&str>) -> Result<(EventDetail, bool)> {
        let now = self.now();
        // Holds past their expiry stop counting now, swept or not.
        let p = self.store.public_event(id, now).await?.ok_or(AppError::NotFound)?;
        let unlocks = |t: &&tessera_domain::catalog::TicketType| {
            t.visibility == Visibility::Hidden && access_code_matches(t.access_code.as_deref(), access_code)
        };
        let unlocked = p.ticket_types.iter().any(|t| unlocks(&t));
        let tiers = self.store.event_price_tiers(id).await?;
        let ticket_types = p
            .ticket_types
            .iter()
            .filter(|t| t.visibility == Visibility::Public || unlocks(t))
            .map(|t| {
                let tiers = tiers.get(&t.id).map(Vec::as_slice).unwrap_or(&[]);
                let (price, tier) = tessera_domain::tiers::current(t.price, tiers, now);
                PublicTicketType {
                    id: t.id,
                    name: t.name.clone(),
                    description: t.description.clone(),
                    price,
                    list_price: t.price,
                    price_tier: tier.map(|x| PublicPriceTier {
                        name: x.name.clone(),
                        left: x.left(now),
                        until: x.until,
                    }),
                    min_per_order: t.min_per_order,
                    max_per_order: t.max_per_order,
                    sales_start: t.sales_start,
                    sales_end: t.sales_end,
                    on_sale: t.on_sale(&p.event, now),
                    available: ticket_type_availability(t, &p.quotas),
                }
            })
            .collect();
        let detail = EventDetail {
            summary: summary(&p.event, &p.venue),
            description: p.event.description.clone(),
            sales_start: p.event.sales_start,
            sales_end: p.event.effective_sales_end(),
            ticket_types,
        };
        Ok((detail, unlocked))
    }

    // -------------------------------------------------------------- venues

    pub async fn create_venue(&self, actor: &Actor, org: OrgId, input: NewVenue) -> Result<Venue> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        input.validate()?;
        let v = Venue {
            id: VenueId::new(),
            org_id: org,
            name: input.name.trim().to_string(),
            address: input.address.trim().to_string(),
            timezone: input.timezone,
            capacity: input.capacity,
            created_at: self.now(),
        };
        self.store.create_venue(&v).await?;
        Ok(v)
    }

    pub async fn venues(&self, actor: &Actor, org: OrgId) -> Result<Vec<Venue>> {
        self.authorize(actor, org, Permission::ViewCatalog).await?;
        Ok(self.store.venues(org).await?)
    }

    pub async fn venue(&self, actor: &Actor, org: OrgId, id: VenueId) -> Result<Venue> {
        self.authorize(actor, org, Permission::ViewCatalog).await?;
        self.store.venue(org, id).await?.ok_or(AppError::NotFound)
    }

    pub async fn update_venue(&self, actor: &Actor, org: OrgId, id: VenueId, patch: VenuePatch) -> Result<Venue> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        let current = self.store.venue(org, id).await?.ok_or(AppError::NotFound)?;
        let n = patch.apply(&current)?;
        let v = Venue {
            name: n.name.trim().to_string(),
            address: n.address.trim().to_string(),
            timezone: n.timezone,
            capacity: n.capacity,
            ..current
        };
        self.store.update_venue(&v).await?;
        Ok(v)
    }

    // -------------------------------------------------------------- events

    pub async fn create_event(&self, actor: &Actor, org: OrgId, input: NewEvent) -> Result<Event> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        input.validate()?;
        let now = self.now();
        let e = Event {
            id: EventId::new(),
            org_id: org,
            venue_id: input.venue_id,
            title: input.title.trim().to_string(),
            description: input.description,
            category: input.category,
            image_urls: input.image_urls,
            starts_at: input.starts_at,
            ends_at: input.ends_at,
            status: EventStatus::Draft,
            sales_start: input.sales_start,
            sales_end: input.sales_end,
            max_tickets_per_customer: input.max_tickets_per_customer,
            created_at: now,
            updated_at: now,
        };
        self.store.create_event(&e).await?;
        Ok(e)
    }

    /// All of an organization's events, drafts included.
    pub async fn org_events(&self, actor: &Actor, org: OrgId, q: &EventQuery) -> Result<EventPage> {
        self.authorize(actor, org, Permission::ViewCatalog).await?;
        let f = self.event_filter(q, Some(org))?;
        self.event_page(f).await
    }

    pub async fn event(&self, actor: &Actor, org: OrgId, id: EventId) -> Result<Event> {
        self.authorize(actor, org, Permission::ViewCatalog).await?;
        self.store.event(org, id).await?.ok_or(AppError::NotFound)
    }

    pub async fn update_event(&self, actor: &Actor, org: OrgId, id: EventId, patch: EventPatch) -> Result<Event> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        let current = self.store.event(org, id).await?.ok_or(AppError::NotFound)?;
        let n = patch.apply(&current)?;
        let e = Event {
            venue_id: n.venue_id,
            title: n.title.trim().to_string(),
            description: n.description,
            category: n.category,
            image_urls: n.image_urls,
            starts_at: n.starts_at,
            ends_at: n.ends_at,
            sales_start: n.sales_start,
            sales_end: n.sales_end,
            max_tickets_per_customer: n.max_tickets_per_customer,
            updated_at: self.now(),
            ..current.clone()
        };
        if (e.starts_at, e.ends_at) != (current.starts_at, current.ends_at) {
            // Codes already signed carry the old window: sign them again,
            // with the date change.
            let resigned = self.move_event(&current, &e).await?;
            tracing::info!(%org, event = %id, resigned, "event moved; ticket codes signed again");
        } else {
            self.store.update_event_from(&e, (current.starts_at, current.ends_at), None, e.updated_at).await?;
        }
        Ok(e)
    }

    /// How many of the event's tickets carry a signed code: moving its dates
    /// signs them again and tells their holders.
    pub async fn tickets_to_reissue(&self, actor: &Actor, org: OrgId, id: EventId) -> Result<usize> {
        self.authorize(actor, org, Permission::ViewCatalog).await?;
        self.store.event(org, id).await?.ok_or(AppError::NotFound)?;
        Ok(self.store.coded_tickets(id).await?.len())
    }

    /// Publishes, cancels or ends an event. Publishing needs something to sell:
    /// at least one ticket type that draws from a quota; it also makes the
    /// check-in list [`DEFAULT_LIST_NAME`] with the gate [`DEFAULT_GATE_NAME`]
    /// when the event has no list, in the same transaction.
    pub async fn event_action(&self, actor: &Actor, org: OrgId, id: EventId, action: EventAction) -> Result<Event> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        let current = self.store.event(org, id).await?.ok_or(AppError::NotFound)?;
        let to =
            current.status.transition(action).map_err(|m| AppError::Conflict { field: "status".into(), message: m })?;
        if action == EventAction::Publish {
            let types = self.store.ticket_types(org, id).await?;
            if !types.iter().any(|t| !t.quota_ids.is_empty()) {
                return Err(AppError::invalid_key(
                    "ticket_types",
                    MessageKey::new("errors-publish-needs-quota"),
                    "add a ticket type that draws from a quota before publishing",
                ));
            }
        }
        let now = self.now();
        let mut effects = vec![];
        if action == EventAction::Cancel {
            // Refunding every order is a job written with the change, so a
            // crash cannot lose it; it is resumable (each refund has a key).
            let job = tessera_store::OutboxMessage::new(
                "cancel_event",
                "cancel_event",
                Some(id.to_string()),
                serde_json::json!({ "event_id": id, "org_id": org }),
            )
            .dedupe(format!("cancel_event:{id}"));
            let cancelled = Event { status: to, updated_at: now, ..current.clone() };
            let hook =
                serde_json::json!({ "type": "event.cancelled", "timestamp": now.to_string(), "data": cancelled });
            effects.push(job);
            effects.push(tessera_store::OutboxMessage::new("webhook", "event.cancelled", Some(id.to_string()), hook));
        }
        // A published event can be scanned at once: it gets a list admitting
        // every ticket at one gate, unless the organizer made lists already.
        let default_list = (action == EventAction::Publish).then(|| tessera_domain::checkin::CheckinList {
            id: tessera_domain::CheckinListId::new(),
            org_id: org,
            event_id: id,
            name: DEFAULT_LIST_NAME.into(),
            ticket_type_ids: vec![],
            entry_policy: "single".into(),
            max_entries_per_day: None,
            gates: vec![tessera_domain::checkin::Gate {
                id: tessera_domain::GateId::new(),
                name: DEFAULT_GATE_NAME.into(),
            }],
            created_at: now,
        });
        if !self.store.set_event_status_with(org, id, current.status, to, now, &effects, default_list.as_ref()).await? {
            return Err(AppError::Conflict {
                field: "status".into(),
                message: "the event changed meanwhile; reload it".into(),
            });
        }
        Ok(Event { status: to, updated_at: now, ..current })
    }

    // ------------------------------------------------ ticket types, quotas

    pub async fn create_ticket_type(
        &self,
        actor: &Actor,
        org: OrgId,
        event: EventId,
        input: NewTicketType,
    ) -> Result<TicketType> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        input.validate()?;
        let t = TicketType {
            id: TicketTypeId::new(),
            event_id: event,
            org_id: org,
            name: input.name.trim().to_string(),
            description: input.description,
            price: Money::new(input.price_minor, input.currency),
            sales_start: input.sales_start,
            sales_end: input.sales_end,
            min_per_order: input.min_per_order,
            max_per_order: input.max_per_order,
            visibility: input.visibility,
            access_code: input.access_code,
            quota_ids: input.quota_ids,
            created_at: self.now(),
        };
        self.store.create_ticket_type(&t).await?;
        Ok(t)
    }

    pub async fn ticket_types(&self, actor: &Actor, org: OrgId, event: EventId) -> Result<Vec<TicketType>> {
        self.authorize(actor, org, Permission::ViewCatalog).await?;
        self.store.event(org, event).await?.ok_or(AppError::NotFound)?;
        Ok(self.store.ticket_types(org, event).await?)
    }

    pub async fn update_ticket_type(
        &self,
        actor: &Actor,
        org: OrgId,
        id: TicketTypeId,
        patch: TicketTypePatch,
    ) -> Result<TicketType> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        let current = self.store.ticket_type(org, id).await?.ok_or(AppError::NotFound)?;
        let n = patch.apply(&current)?;
        let t = TicketType {
            name: n.name.trim().to_string(),
            description: n.description,
            price: Money::new(n.price_minor, n.currency),
            sales_start: n.sales_start,
            sales_end: n.sales_end,
            min_per_order: n.min_per_order,
            max_per_order: n.max_per_order,
            visibility: n.visibility,
            access_code: n.access_code,
            quota_ids: n.quota_ids,
            ..current
        };
        self.store.update_ticket_type(&t).await?;
        Ok(t)
    }

    pub async fn create_quota(&self, actor: &Actor, org: OrgId, event: EventId, input: NewQuota) -> Result<Quota> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        input.validate()?;
        let q = Quota {
            id: QuotaId::new(),
            event_id: event,
            org_id: org,
            name: input.name.trim().to_string(),
            capacity: input.capacity,
            sold: 0,
            held: 0,
            ticket_type_ids: input.ticket_type_ids,
            created_at: self.now(),
        };
        self.store.create_quota(&q).await?;
        Ok(q)
    }

    pub async fn quotas(&self, actor: &Actor, org: OrgId, event: EventId) -> Result<Vec<Quota>> {
        self.authorize(actor, org, Permission::ViewCatalog).await?;
        self.store.event(org, event).await?.ok_or(AppError::NotFound)?;
        Ok(self.store.quotas_at(org, event, Some(self.now())).await?)
    }

    pub async fn update_quota(&self, actor: &Actor, org: OrgId, id: QuotaId, patch: QuotaPatch) -> Result<Quota> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        let current = self.store.quota(org, id).await?.ok_or(AppError::NotFound)?;
        let n = patch.apply(&current)?;
        let q = Quota {
            name: n.name.trim().to_string(),
            capacity: n.capacity,
            ticket_type_ids: n.ticket_type_ids,
            ..current
        };
        self.store.update_quota(&q).await?;
        // Re-read: sold and held may have moved since `current` was read.
        self.store.quota(org, id).await?.ok_or(AppError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let at: Timestamp = "2030-01-01T20:00:00Z".parse().unwrap();
        let id = EventId::new();
        assert_eq!(decode_cursor(&encode_cursor(at, id)).unwrap(), (at, id));
        for bad in ["", "!!", "bm90LWEtY3Vyc29y", &BASE64URL_NOPAD.encode(b"12.not-a-uuid")] {
            assert!(decode_cursor(bad).is_err(), "{bad:?}");
        }
    }
}
