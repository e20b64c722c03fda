//! Waitlists: buyers join the waitlist of a sold-out ticket type and are
//! offered freed tickets in order of joining. Organizers switch the waitlist
//! on per event, with how long an offer holds its tickets.
//!
//! An offer is a reservation made for the entry in the event's inventory
//! batch (see `tessera-store` `waitlist.rs`): the sweeper asks each event
//! with a live waitlist for its waitlist step after expiring due holds, so
//! inventory freed by a refund, an expired hold or offer, a cancellation or
//! a raised capacity is noticed the same way. The offer's e-mail links to
//! the offered order, where the buyer pays as for any order; after the
//! offer's end the order is expired and paying is refused.

use crate::secrets::{constant_time_eq, hash_token, random_token};
use crate::{Actor, App, AppError, Result};
use tessera_domain::account::Email;
use tessera_domain::orders::OrderId;
use tessera_domain::validation::check_text;
use tessera_domain::{EventId, MessageKey, OrgId, Permission, TicketTypeId, Timestamp, ValidationError};
use tessera_store::InventoryOp;
pub use tessera_store::waitlist::WaitlistSettings;
use tessera_store::waitlist::{EntryRecord, NewEntry};

/// Joining a ticket type's waitlist.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinWaitlist {
    /// A sold-out, public ticket type of the event.
    pub ticket_type_id: TicketTypeId,
    /// How many tickets; 1 to the ticket type's maximum per order.
    pub quantity: i64,
    /// Required for guests; signed-in buyers use their account's address.
    #[serde(default)]
    #[schema(max_length = 254)]
    pub email: Option<String>,
    /// The name for the offer's order; defaults to the account's name.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub name: Option<String>,
    /// The language of the e-mails: `en` (default) or `zh-CN`.
    #[serde(default)]
    pub locale: Option<String>,
}

/// An entry as its buyer and the organizer see it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct WaitlistEntryView {
    pub id: String,
    pub event_id: EventId,
    pub event_title: String,
    pub ticket_type_id: TicketTypeId,
    pub ticket_type: String,
    pub quantity: i64,
    pub name: String,
    pub email: String,
    pub locale: String,
    /// `waiting`, `offered` (tickets held for the buyer until `offer_expires_at`),
    /// `accepted` (the offer was paid), `lapsed` (the offer ran out or was cancelled),
    /// `left` (the buyer left), `removed` (by the organizer) or `skipped` (could not be served: see `note`).
    pub state: String,
    /// While waiting: 1 for the next to be offered.
    pub position: Option<i64>,
    /// The offer's order, once offered.
    pub order_id: Option<OrderId>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub offer_expires_at: Option<Timestamp>,
    /// The path of the offered order's page (`/o/{id}/{secret}`), while the offer is open.
    pub offer_link: Option<String>,
    pub note: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ended_at: Option<Timestamp>,
}

/// A new entry: the one time its secret is shown.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct JoinedWaitlist {
    pub entry: WaitlistEntryView,
    /// Send as `X-Waitlist-Token` to see or leave the entry; also the last
    /// part of its page, `/waitlist/{id}/{token}`.
    pub access_token: String,
}

/// Every bad field of an event's waitlist settings at once.
pub fn validate_settings(s: &WaitlistSettings) -> std::result::Result<(), ValidationError> {
    let mut e = ValidationError::new();
    let (min, max) = (5, 10_080);
    let key = MessageKey::new("errors-range").num("min", min).num("max", max);
    e.check_key((min..=max).contains(&s.offer_minutes), "offer_minutes", key, format!("{min} to {max}"));
    e.finish()
}

impl App {
    fn entry_view(&self, r: &EntryRecord) -> WaitlistEntryView {
        let now = self.now();
        let state = r.state_at(now).to_string();
        let open = state == "offered";
        WaitlistEntryView {
            id: r.id.clone(),
            event_id: r.event_id,
            event_title: r.event_title.clone(),
            ticket_type_id: r.ticket_type_id,
            ticket_type: r.ticket_type_name.clone(),
            quantity: r.quantity,
            name: r.name.clone(),
            email: r.email.clone(),
            locale: r.locale.clone(),
            position: (state == "waiting").then_some(r.ahead + 1),
            order_id: r.order_id,
            offer_expires_at: if open { r.order_expires_at } else { None },
            offer_link: r.order_id.filter(|_| open).map(|o| self.order_link(o)),
            note: r.note.clone(),
            created_at: r.created_at,
            ended_at: r.ended_at,
            state,
        }
    }

    /// An event's waitlist settings, for its organizers.
    pub async fn waitlist_settings(&self, actor: &Actor, org: OrgId, event: EventId) -> Result<WaitlistSettings> {
        self.authorize(actor, org, Permission::ViewCatalog).await?;
        self.store.event(org, event).await?.ok_or(AppError::NotFound)?;
        Ok(self.store.waitlist_settings(event).await?.unwrap_or_default())
    }

    pub async fn set_waitlist_settings(
        &self,
        actor: &Actor,
        org: OrgId,
        event: EventId,
        s: WaitlistSettings,
    ) -> Result<WaitlistSettings> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        self.store.event(org, event).await?.ok_or(AppError::NotFound)?;
        validate_settings(&s)?;
        self.store.set_waitlist_settings(event, s, self.now()).await?;
        Ok(s)
    }

    /// Whether buyers may join the event's waitlist (for its public page).
    pub async fn waitlist_open(&self, event: EventId) -> Result<bool> {
        Ok(self.store.waitlist_settings(event).await?.is_some_and(|s| s.enabled))
    }

    /// Joins the waitlist of a sold-out ticket type. One live entry per
    /// buyer (account, or e-mail address for guests) and ticket type: a
    /// second is refused with a conflict on `ticket_type_id`.
    pub async fn join_waitlist(&self, actor: &Actor, event: EventId, input: JoinWaitlist) -> Result<JoinedWaitlist> {
        let mut e = ValidationError::new();
        let (user, email, default_name) = match actor {
            Actor::User(u) => (Some(u.id), Some(u.email.clone()), Some(u.name.clone())),
            _ => {
                let email = match input.email.as_deref().map(str::trim) {
                    None | Some("") => {
                        let key = MessageKey::new("errors-email-required-for-guests");
                        e.add_key("email", key, "required for guests");
                        None
                    }
                    Some(raw) => match Email::parse_keyed(raw) {
                        Ok(m) => Some(m),
                        Err(k) => {
                            e.add_keyed("email", k);
                            None
                        }
                    },
                };
                (None, email, None)
            }
        };
        let name = input.name.clone().filter(|n| !n.trim().is_empty()).or(default_name).unwrap_or_default();
        check_text(&mut e, "name", &name, 1, 200);
        if let Some(l) = input.locale.as_deref()
            && !matches!(l, "en" | "zh-CN")
        {
            e.add_key("locale", MessageKey::new("errors-one-of").text("options", "en, zh-CN"), "one of en, zh-CN");
        }
        let detail = self.public_event(event, None).await?;
        let tt = detail.ticket_types.iter().find(|t| t.id == input.ticket_type_id);
        let max = tt.map_or(1, |t| t.max_per_order.max(1));
        let key = MessageKey::new("errors-quantity-between").num("min", 1).num("max", max);
        e.check_key((1..=max).contains(&input.quantity), "quantity", key, format!("1 to {max}"));
        if tt.is_none() {
            e.add_key("ticket_type_id", MessageKey::new("errors-not-a-ticket-type"), "not a ticket type of this event");
        }
        e.finish()?;
        let (Some(tt), Some(email)) = (tt, email) else { return Err(AppError::Internal("checked above".into())) };
        if !self.waitlist_open(event).await? {
            return Err(AppError::StateConflict {
                code: "waitlist_closed",
                message: "this event has no waitlist".into(),
            });
        }
        if self.store.event_seating(event).await?.is_some() {
            return Err(AppError::StateConflict {
                code: "waitlist_closed",
                message: "this event is sold by seat and has no waitlist".into(),
            });
        }
        if tt.available > 0 {
            return Err(AppError::Rule {
                code: "not_sold_out",
                field: "ticket_type_id".into(),
                message: format!("{} tickets of this type are on sale: buy them instead", tt.available),
            });
        }
        // Only public types are listed without an access code: a hidden one is "not a ticket type".
        let org = self.store.public_event(event, self.now()).await?.ok_or(AppError::NotFound)?.event.org_id;
        let token = random_token();
        let buyer_key = match user {
            Some(u) => format!("user:{u}"),
            None => format!("email:{}", email.as_str().to_lowercase()),
        };
        let new = NewEntry {
            id: uuid::Uuid::now_v7().to_string(),
            org_id: org,
            event_id: event,
            ticket_type_id: tt.id,
            quantity: input.quantity,
            email: email.to_string(),
            name: name.trim().to_string(),
            user_id: user,
            locale: tessera_mail::Locale::from_tag(input.locale.as_deref().unwrap_or("en")).tag().to_string(),
            token_hash: hash_token(&token),
            buyer_key,
        };
        self.store.join_waitlist(&new, self.now()).await?;
        let (r, _) = self.store.waitlist_entry(&new.id).await?.ok_or(AppError::NotFound)?;
        Ok(JoinedWaitlist { entry: self.entry_view(&r), access_token: token })
    }

    /// The entry, for its buyer: by its secret, or signed in as the account that joined.
    async fn own_entry(&self, actor: &Actor, id: &str, token: Option<&str>) -> Result<EntryRecord> {
        if id.len() > 64 {
            return Err(AppError::NotFound);
        }
        let (r, hash) = self.store.waitlist_entry(id).await?.ok_or(AppError::NotFound)?;
        let by_token = token.is_some_and(|t| constant_time_eq(&hash_token(t), &hash));
        let by_account = matches!(actor, Actor::User(u) if r.user_id.as_deref() == Some(u.id.to_string().as_str()));
        if by_token || by_account { Ok(r) } else { Err(AppError::NotFound) }
    }

    /// An entry with its position, for its buyer.
    pub async fn waitlist_entry(&self, actor: &Actor, id: &str, token: Option<&str>) -> Result<WaitlistEntryView> {
        Ok(self.entry_view(&self.own_entry(actor, id, token).await?))
    }

    /// The buyer leaves the waitlist; an open offer is given up with it
    /// (its order cancelled, so its tickets go to the next in line).
    pub async fn leave_waitlist(&self, actor: &Actor, id: &str, token: Option<&str>) -> Result<WaitlistEntryView> {
        let r = self.own_entry(actor, id, token).await?;
        self.end_entry(r, "left", "left the waitlist").await
    }

    async fn end_entry(&self, r: EntryRecord, to: &str, note: &str) -> Result<WaitlistEntryView> {
        let state = r.state_at(self.now()).to_string();
        if state != "waiting" && state != "offered" {
            return Err(AppError::StateConflict {
                code: "waitlist_entry_ended",
                message: format!("this waitlist entry is {state}"),
            });
        }
        if !self.store.end_waitlist_entry(&r.id, to, self.now()).await? {
            return Err(AppError::StateConflict {
                code: "waitlist_entry_ended",
                message: "this waitlist entry has just changed; reload it".into(),
            });
        }
        // Read again: an offer may have been made between the first read and
        // the update (the update waited for the offering batch's lock).
        let (ended, _) = self.store.waitlist_entry(&r.id).await?.ok_or(AppError::NotFound)?;
        if let (Some(order), Some(tessera_domain::orders::OrderState::Pending)) = (ended.order_id, ended.order_state) {
            let op = InventoryOp::Cancel { order, actor: "waitlist".into(), note: note.into() };
            // The offer may have just been paid or expired: then there is nothing to give back.
            match self.submit_inventory(r.event_id, op).await {
                Ok(_) | Err(AppError::StateConflict { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        let (r, _) = self.store.waitlist_entry(&r.id).await?.ok_or(AppError::NotFound)?;
        Ok(self.entry_view(&r))
    }

    /// The signed-in buyer's waitlist entries, newest first.
    pub async fn my_waitlist(&self, actor: &Actor) -> Result<Vec<WaitlistEntryView>> {
        let user = crate::tickets::signed_in(actor)?;
        let rows = self.store.user_waitlist_entries(user, 200).await?;
        Ok(rows.iter().map(|r| self.entry_view(r)).collect())
    }

    /// An event's waitlist, for its organizers: live entries in order, then ended ones.
    pub async fn event_waitlist(&self, actor: &Actor, org: OrgId, event: EventId) -> Result<Vec<WaitlistEntryView>> {
        self.authorize(actor, org, Permission::ViewOrders).await?;
        self.store.event(org, event).await?.ok_or(AppError::NotFound)?;
        let rows = self.store.waitlist_entries(event, 500).await?;
        Ok(rows.iter().map(|r| self.entry_view(r)).collect())
    }

    /// Staff take an entry off the waitlist (and give up its open offer).
    pub async fn remove_waitlist_entry(
        &self,
        actor: &Actor,
        org: OrgId,
        event: EventId,
        id: &str,
    ) -> Result<WaitlistEntryView> {
        self.authorize(actor, org, Permission::ManageOrders).await?;
        let (r, _) = self.store.waitlist_entry(id).await?.ok_or(AppError::NotFound)?;
        if r.org_id != org || r.event_id != event {
            return Err(AppError::NotFound);
        }
        self.end_entry(r, "removed", "removed from the waitlist by staff").await
    }

    /// The waitlist step of the sweeper: each event with a live waitlist
    /// runs it in its batch (after expiring what is due). Returns how many
    /// events it visited.
    pub async fn offer_waitlists_once(&self) -> Result<usize> {
        let events = self.store.events_with_waitlist(100).await?;
        for e in &events {
            self.submit_inventory(*e, InventoryOp::Waitlist).await?;
        }
        Ok(events.len())
    }
}
