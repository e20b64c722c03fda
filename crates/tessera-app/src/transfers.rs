//! Ticket transfers: a holder offers tickets to an e-mail address, the
//! recipient accepts (signed in, or as a guest through the e-mailed link)
//! and gets new tickets with new codes; the old codes are revoked at once
//! online and at the scanner's next sync. Organizers set per event whether
//! transfers are allowed, a cutoff before the start, and how often one
//! ticket may change hands.
//!
//! The new tickets stay on the original order, marked with their holder
//! (`holder_email`, and the account when the recipient was signed in): the
//! order keeps its money, payments and refunds; the buyer's views of the
//! order leave transferred tickets out, and the recipient reaches them by
//! their ticket links and in their account. See `tessera-store`
//! `transfers.rs` for how acceptance is decided.

use crate::secrets::{constant_time_eq, hash_token, random_token};
use crate::tickets::TicketView;
use crate::{Actor, App, AppError, Result};
use tessera_domain::account::Email;
use tessera_domain::orders::{OrderId, OrderState, TicketId};
use tessera_domain::validation::check_text;
use tessera_domain::{EventId, MessageKey, OrgId, Permission, Timestamp, ValidationError};
use tessera_store::OutboxMessage;
use tessera_store::transfers::{Acceptance, NewTransfer, TransferRecord, TransferRefusal, cutoff, transfers_open};
pub use tessera_store::transfers::{TransferSettings, cutoff as transfer_cutoff};

/// At most this many tickets in one transfer.
pub const MAX_TICKETS_PER_TRANSFER: usize = 50;

/// An offer of tickets to an e-mail address.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferTransfer {
    /// Tickets of the order that the caller holds, valid and not yet admitted.
    #[schema(min_items = 1, max_items = 50)]
    pub ticket_ids: Vec<TicketId>,
    /// Where the accept link goes.
    #[schema(max_length = 254)]
    pub to_email: String,
    /// The recipient's name, for the e-mail's greeting.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub to_name: String,
    /// A note to the recipient.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub message: String,
    /// The e-mail's language: `en` (default) or `zh-CN`.
    #[serde(default)]
    pub locale: Option<String>,
}

/// Accepting a transfer.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptTransfer {
    /// The new tickets' holder name; a signed-in recipient's account name when empty.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub name: String,
}

/// A new name on a ticket.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenameTicket {
    /// The holder's name on the re-issued ticket.
    #[schema(min_length = 1, max_length = 200)]
    pub holder_name: String,
}

/// One offered ticket and, once accepted, the ticket that replaced it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TransferItem {
    pub ticket_id: TicketId,
    pub new_ticket_id: Option<TicketId>,
}

/// A transfer as its sender and the organizer see it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TransferView {
    pub id: String,
    pub order_id: OrderId,
    pub event_id: EventId,
    /// `pending`, `accepted`, `cancelled` or `expired`.
    pub state: String,
    pub from_name: String,
    pub to_email: String,
    pub to_name: String,
    pub message: String,
    /// The name the recipient accepted under.
    pub accepted_name: Option<String>,
    /// The cutoff: a pending transfer can be accepted until then.
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ended_at: Option<Timestamp>,
    pub tickets: Vec<TransferItem>,
}

/// One offered ticket, as the recipient sees it before accepting.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct OfferedTicket {
    pub ticket_type: String,
    pub seat: Option<String>,
}

/// A transfer as its recipient sees it through the accept link.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TransferOfferView {
    pub id: String,
    /// `pending`, `accepted`, `cancelled` or `expired`.
    pub state: String,
    pub event_id: EventId,
    pub event_title: String,
    #[schema(value_type = String, format = DateTime)]
    pub event_starts_at: Timestamp,
    pub venue: String,
    /// The venue's time zone (IANA), for showing the dates.
    pub timezone: String,
    pub from_name: String,
    pub to_name: String,
    pub message: String,
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
    pub tickets: Vec<OfferedTicket>,
}

/// What accepting gives: the transfer and the recipient's new tickets
/// (codes and the links to their pages, which are the guest's way back).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AcceptedTransfer {
    pub transfer: TransferView,
    pub tickets: Vec<TicketView>,
}

fn view(t: &TransferRecord, now: Timestamp) -> TransferView {
    TransferView {
        id: t.id.clone(),
        order_id: t.order_id,
        event_id: t.event_id,
        state: shown_state(t, now).to_string(),
        from_name: t.from_name.clone(),
        to_email: t.to_email.clone(),
        to_name: t.to_name.clone(),
        message: t.message.clone(),
        accepted_name: t.accepted_name.clone(),
        expires_at: t.expires_at,
        created_at: t.created_at,
        ended_at: t.ended_at,
        tickets: t.items.iter().map(|(o, n)| TransferItem { ticket_id: *o, new_ticket_id: *n }).collect(),
    }
}

/// A pending transfer past its cutoff is expired, whether or not anything wrote so.
fn shown_state(t: &TransferRecord, now: Timestamp) -> &str {
    if t.state == "pending" && t.expires_at <= now { "expired" } else { &t.state }
}

fn refusal(r: TransferRefusal) -> AppError {
    let (code, message) = match r {
        TransferRefusal::NotPending(state) => match state.as_str() {
            "accepted" => ("transfer_accepted", "this transfer was already accepted".to_string()),
            "cancelled" => ("transfer_cancelled", "this transfer was cancelled by its sender".to_string()),
            _ => ("transfer_expired", "this transfer has expired".to_string()),
        },
        TransferRefusal::Expired => ("transfer_expired", "this transfer has expired".into()),
        TransferRefusal::Closed => ("transfers_closed", "transfers for this event are closed".into()),
        TransferRefusal::OrderNotPaid(s) => return crate::inventory::state_error(s),
        TransferRefusal::TicketNotValid(t) => ("ticket_void", format!("ticket {t} is void")),
        TransferRefusal::TicketOffered(t) => {
            ("ticket_offered", format!("ticket {t} is already offered by a pending transfer"))
        }
        TransferRefusal::TicketUsed(t) => ("ticket_used", format!("ticket {t} was already admitted")),
        TransferRefusal::TicketListed(t) => {
            ("ticket_listed", format!("ticket {t} is listed for resale; withdraw the listing first"))
        }
        TransferRefusal::TooManyTransfers(t) => {
            ("transfer_limit", format!("ticket {t} has changed hands as often as this event allows"))
        }
    };
    AppError::StateConflict { code, message }
}

/// Every bad field of an event's transfer rules at once.
pub fn validate_settings(s: &TransferSettings) -> std::result::Result<(), ValidationError> {
    let mut e = ValidationError::new();
    let range = |e: &mut ValidationError, v: i64, field: &str, min: i64, max: i64| {
        let key = MessageKey::new("errors-range").num("min", min).num("max", max);
        e.check_key((min..=max).contains(&v), field, key, format!("{min} to {max}"));
    };
    range(&mut e, s.cutoff_hours, "cutoff_hours", 0, 24 * 366);
    range(&mut e, s.max_per_ticket, "max_per_ticket", 1, 100);
    e.finish()
}

impl App {
    /// An event's transfer rules, for its organizers.
    pub async fn transfer_settings(&self, actor: &Actor, org: OrgId, event: EventId) -> Result<TransferSettings> {
        self.authorize(actor, org, Permission::ViewCatalog).await?;
        self.store.event(org, event).await?.ok_or(AppError::NotFound)?;
        Ok(self.store.transfer_settings(event).await?)
    }

    pub async fn set_transfer_settings(
        &self,
        actor: &Actor,
        org: OrgId,
        event: EventId,
        s: TransferSettings,
    ) -> Result<TransferSettings> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        self.store.event(org, event).await?.ok_or(AppError::NotFound)?;
        validate_settings(&s)?;
        self.store.set_transfer_settings(event, &s, self.now()).await?;
        Ok(s)
    }

    /// An event's transfer rules and whether they allow a transfer now, for buyers' pages.
    pub async fn transfers_open_now(&self, org: OrgId, event: EventId) -> Result<(TransferSettings, bool)> {
        let ev = self.store.event(org, event).await?.ok_or(AppError::NotFound)?;
        let s = self.store.transfer_settings(event).await?;
        let open = transfers_open(&s, ev.starts_at, self.now());
        Ok((s, open))
    }

    /// The tickets of an order the caller holds: all not transferred away
    /// for its buyer, those received by the signed-in account otherwise.
    /// `NotFound` when the caller holds none of the order's tickets.
    async fn holder_of(
        &self,
        actor: &Actor,
        order: OrderId,
        token: Option<&str>,
    ) -> Result<(tessera_domain::orders::Order, Vec<tessera_store::TicketRecord>, bool)> {
        let (o, token_hash, buyer) = self.store.order_head(order).await?.ok_or(AppError::NotFound)?;
        let tickets = self.store.order_tickets(order).await?;
        let is_buyer = self.is_buyer(actor, order, token, &token_hash, buyer);
        let user = match actor {
            Actor::User(u) => Some(u.id.to_string()),
            _ => None,
        };
        let held: Vec<_> = tickets
            .into_iter()
            .filter(|t| {
                (is_buyer && t.holder_email.is_none())
                    || (user.is_some() && t.holder_user_id.is_some() && t.holder_user_id == user)
            })
            .collect();
        if !is_buyer && held.is_empty() {
            return Err(AppError::NotFound);
        }
        Ok((o, held, is_buyer))
    }

    /// An order and the tickets of it the caller holds (valid or not), for
    /// the transfer page; no tickets while the order is not paid.
    pub async fn held_tickets(
        &self,
        actor: &Actor,
        order: OrderId,
        token: Option<&str>,
    ) -> Result<(tessera_domain::orders::Order, Vec<TicketView>)> {
        let (o, held, _) = self.holder_of(actor, order, token).await?;
        if o.state != OrderState::Paid {
            return Ok((o, Vec::new()));
        }
        let (event, _) = self.event_and_venue(o.org_id, o.event_id).await?;
        let mut out = Vec::with_capacity(held.len());
        for t in &held {
            out.push(self.ticket_view(t, &event).await?);
        }
        Ok((o, out))
    }

    /// Offers tickets of an order to an e-mail address; the recipient gets
    /// the accept link by e-mail.
    pub async fn offer_transfer(
        &self,
        actor: &Actor,
        order: OrderId,
        token: Option<&str>,
        input: OfferTransfer,
    ) -> Result<TransferView> {
        let (o, held, is_buyer) = self.holder_of(actor, order, token).await?;
        let mut e = ValidationError::new();
        let to_email = match Email::parse_keyed(&input.to_email) {
            Ok(a) => Some(a),
            Err(k) => {
                e.add_keyed("to_email", k);
                None
            }
        };
        check_text(&mut e, "to_name", &input.to_name, 0, 200);
        check_text(&mut e, "message", &input.message, 0, 1000);
        if let Some(l) = &input.locale
            && !matches!(l.as_str(), "en" | "zh-CN")
        {
            e.add_key("locale", MessageKey::new("errors-one-of").text("options", "en, zh-CN"), "one of en, zh-CN");
        }
        if input.ticket_ids.is_empty() || input.ticket_ids.len() > MAX_TICKETS_PER_TRANSFER {
            let key = MessageKey::new("errors-ticket-count").num("min", 1).num("max", MAX_TICKETS_PER_TRANSFER);
            e.add_key("ticket_ids", key, format!("1 to {MAX_TICKETS_PER_TRANSFER} tickets"));
        }
        let mut seen = std::collections::HashSet::new();
        for (i, id) in input.ticket_ids.iter().enumerate() {
            if !held.iter().any(|t| t.id == *id) {
                let key = MessageKey::new("transfers-error-not-your-ticket");
                e.add_key(format!("ticket_ids[{i}]"), key, "not a ticket of this order that you hold");
            } else if !seen.insert(*id) {
                e.add_key(format!("ticket_ids[{i}]"), MessageKey::new("errors-listed-twice"), "listed twice");
            }
        }
        e.finish()?;
        let to_email = to_email.ok_or_else(|| AppError::Internal("address checked above".into()))?;
        if o.state != OrderState::Paid {
            return Err(crate::inventory::state_error(o.state));
        }
        let (event, _) = self.event_and_venue(o.org_id, o.event_id).await?;
        let settings = self.store.transfer_settings(o.event_id).await?;
        if !settings.allowed {
            return Err(AppError::StateConflict {
                code: "transfers_disabled",
                message: "the organizer does not allow transfers for this event".into(),
            });
        }
        let now = self.now();
        if !transfers_open(&settings, event.starts_at, now) {
            return Err(refusal(TransferRefusal::Closed));
        }
        // Clear refusals before the store decides under its locks.
        for id in &input.ticket_ids {
            let t = held.iter().find(|t| t.id == *id).ok_or(AppError::NotFound)?;
            if t.status != "valid" {
                return Err(refusal(TransferRefusal::TicketNotValid(t.id)));
            }
            if t.transfer_count >= settings.max_per_ticket {
                return Err(refusal(TransferRefusal::TooManyTransfers(t.id)));
            }
        }
        let (from_name, from_email, from_user_id) = match (actor, is_buyer) {
            (Actor::User(u), false) => (
                held.first().map(|t| t.holder_name.clone()).unwrap_or_else(|| u.name.clone()),
                u.email.as_str().to_string(),
                Some(u.id.to_string()),
            ),
            (Actor::User(u), true) => (o.buyer_name.clone(), o.buyer_email.clone(), Some(u.id.to_string())),
            _ => (o.buyer_name.clone(), o.buyer_email.clone(), None),
        };
        let secret = random_token();
        let id = uuid::Uuid::now_v7().to_string();
        let locale = input.locale.clone().unwrap_or_else(|| "en".into());
        let url = format!("{}/transfers/{id}/{secret}", self.config.public_url);
        let mail = OutboxMessage::new(
            "email",
            "transfer_offer",
            Some(id.clone()),
            serde_json::json!({
                "url": self.config.master_key.seal(url.as_bytes(), format!("transfer-mail:{id}").as_bytes()),
            }),
        );
        let new = NewTransfer {
            id: id.clone(),
            org_id: o.org_id,
            event_id: o.event_id,
            order_id: o.id,
            from_name,
            from_email,
            from_user_id,
            to_email: to_email.as_str().to_string(),
            to_name: input.to_name.trim().to_string(),
            message: input.message.trim().to_string(),
            locale,
            token_hash: hash_token(&secret),
            expires_at: cutoff(&settings, event.starts_at),
            tickets: input.ticket_ids.clone(),
            actor: crate::inventory::actor_name(actor),
            outbox: vec![mail],
        };
        self.store.create_transfer(&new, event.starts_at, now).await?.map_err(refusal)?;
        tracing::info!(transfer = %id, order = %o.id, tickets = new.tickets.len(), "offered a ticket transfer");
        let t = self.store.transfer(&id).await?.ok_or(AppError::NotFound)?;
        Ok(view(&t, now))
    }

    /// Whether holders may change the names on this event's tickets now.
    pub async fn name_changes_open(&self, org: OrgId, event: EventId) -> Result<bool> {
        let ev = self.store.event(org, event).await?.ok_or(AppError::NotFound)?;
        let s = self.store.transfer_settings(event).await?;
        Ok(s.name_changes && self.now() < cutoff(&s, ev.starts_at))
    }

    /// Changes the name on a ticket the caller holds, where the event
    /// allows it: the ticket is re-issued under the new name with a new
    /// code, and the old code is revoked.
    pub async fn rename_ticket(
        &self,
        actor: &Actor,
        order: OrderId,
        token: Option<&str>,
        ticket: TicketId,
        input: RenameTicket,
    ) -> Result<TicketView> {
        let (o, held, _) = self.holder_of(actor, order, token).await?;
        if !held.iter().any(|t| t.id == ticket) {
            return Err(AppError::NotFound);
        }
        let name = input.holder_name.trim().to_string();
        let mut e = ValidationError::new();
        check_text(&mut e, "holder_name", &name, 1, 200);
        e.finish()?;
        if o.state != OrderState::Paid {
            return Err(crate::inventory::state_error(o.state));
        }
        let (event, _) = self.event_and_venue(o.org_id, o.event_id).await?;
        let settings = self.store.transfer_settings(o.event_id).await?;
        if !settings.name_changes {
            return Err(AppError::StateConflict {
                code: "name_changes_disabled",
                message: "the organizer does not allow name changes for this event".into(),
            });
        }
        let now = self.now();
        if now >= cutoff(&settings, event.starts_at) {
            return Err(AppError::StateConflict {
                code: "name_changes_closed",
                message: "name changes for this event are closed".into(),
            });
        }
        let actor_name = crate::inventory::actor_name(actor);
        let t = self.store.rename_ticket(o.id, ticket, &name, &actor_name, now).await?.map_err(refusal)?;
        tracing::info!(order = %o.id, old = %ticket, new = %t.id, "changed the name on a ticket");
        self.ticket_view(&t, &event).await
    }

    /// The transfers of an order the caller holds tickets of (its buyer
    /// sees all; a recipient the ones they made).
    pub async fn order_transfers(
        &self,
        actor: &Actor,
        order: OrderId,
        token: Option<&str>,
    ) -> Result<Vec<TransferView>> {
        let (_, _, is_buyer) = self.holder_of(actor, order, token).await?;
        let user = match actor {
            Actor::User(u) => Some(u.id.to_string()),
            _ => None,
        };
        let now = self.now();
        Ok(self
            .store
            .order_transfers(order)
            .await?
            .iter()
            .filter(|t| is_buyer || (user.is_some() && t.from_user_id == user))
            .map(|t| view(t, now))
            .collect())
    }

    /// An order's transfers, for staff (the order's history).
    pub async fn org_order_transfers(&self, actor: &Actor, org: OrgId, order: OrderId) -> Result<Vec<TransferView>> {
        let o = self.get_org_order(actor, org, order).await?;
        let now = self.now();
        Ok(self.store.order_transfers(o.id).await?.iter().map(|t| view(t, now)).collect())
    }

    /// Cancels a pending transfer, by whoever may see it on the order.
    pub async fn cancel_transfer(
        &self,
        actor: &Actor,
        order: OrderId,
        token: Option<&str>,
        id: &str,
    ) -> Result<TransferView> {
        let visible = self.order_transfers(actor, order, token).await?;
        if !visible.iter().any(|t| t.id == id) {
            return Err(AppError::NotFound);
        }
        let now = self.now();
        self.store.cancel_transfer(id, &crate::inventory::actor_name(actor), now).await?.map_err(refusal)?;
        tracing::info!(transfer = %id, %order, "cancelled a ticket transfer");
        let t = self.store.transfer(id).await?.ok_or(AppError::NotFound)?;
        Ok(view(&t, now))
    }

    /// The transfer named by an accept link; a wrong secret is `NotFound`.
    async fn transfer_by_link(&self, id: &str, secret: &str) -> Result<TransferRecord> {
        let hash = self.store.transfer_token_hash(id).await?.ok_or(AppError::NotFound)?;
        if !constant_time_eq(&hash, &hash_token(secret)) {
            return Err(AppError::NotFound);
        }
        self.store.transfer(id).await?.ok_or(AppError::NotFound)
    }

    /// What the accept link offers, for its recipient.
    pub async fn transfer_offer(&self, id: &str, secret: &str) -> Result<TransferOfferView> {
        let t = self.transfer_by_link(id, secret).await?;
        let (event, venue) = self.event_and_venue(t.org_id, t.event_id).await?;
        let mut tickets = Vec::new();
        for (old, _) in &t.items {
            if let Some(r) = self.store.ticket(*old).await? {
                tickets.push(OfferedTicket { ticket_type: r.ticket_type_name, seat: r.seat_label });
            }
        }
        Ok(TransferOfferView {
            id: t.id.clone(),
            state: shown_state(&t, self.now()).to_string(),
            event_id: t.event_id,
            event_title: event.title,
            event_starts_at: event.starts_at,
            venue: venue.name,
            timezone: venue.timezone.as_str().to_string(),
            from_name: t.from_name.clone(),
            to_name: t.to_name.clone(),
            message: t.message.clone(),
            expires_at: t.expires_at,
            tickets,
        })
    }

    /// Accepts a transfer through its link: as a guest with `name`, or as
    /// the signed-in account (which then lists the tickets).
    pub async fn accept_transfer(
        &self,
        actor: &Actor,
        id: &str,
        secret: &str,
        input: AcceptTransfer,
    ) -> Result<AcceptedTransfer> {
        let t = self.transfer_by_link(id, secret).await?;
        let user = match actor {
            Actor::User(u) => Some(u),
            _ => None,
        };
        let name = match (input.name.trim(), user) {
            ("", Some(u)) => u.name.trim().to_string(),
            (n, _) => n.to_string(),
        };
        let mut e = ValidationError::new();
        check_text(&mut e, "name", &name, 1, 200);
        e.finish()?;
        let (event, _) = self.event_and_venue(t.org_id, t.event_id).await?;
        let by = Acceptance { name, user_id: user.map(|u| u.id.to_string()) };
        let now = self.now();
        let (t, pairs) = self
            .store
            .accept_transfer(id, &by, event.starts_at, now, |t, pairs, webhook| {
                let mut msgs =
                    vec![OutboxMessage::new("email", "transfer_accepted", Some(t.id.clone()), serde_json::json!({}))];
                if webhook {
                    let tickets: Vec<_> =
                        pairs.iter().map(|(o, n)| serde_json::json!({"ticket_id": o, "new_ticket_id": n})).collect();
                    let payload = serde_json::json!({
                        "type": "ticket.transferred", "timestamp": now.to_string(),
                        "data": {"transfer_id": t.id, "order_id": t.order_id, "event_id": t.event_id,
                                 "tickets": tickets, "accepted_at": now.to_string()},
                    });
                    msgs.push(OutboxMessage::new("webhook", "ticket.transferred", Some(t.id.clone()), payload));
                }
                msgs
            })
            .await?
            .map_err(refusal)?;
        tracing::info!(transfer = %id, tickets = pairs.len(), "accepted a ticket transfer");
        let mut tickets = Vec::new();
        for (_, new) in &pairs {
            let r = self.store.ticket(*new).await?.ok_or(AppError::NotFound)?;
            tickets.push(self.ticket_view(&r, &event).await?);
        }
        Ok(AcceptedTransfer { transfer: view(&t, now), tickets })
    }

    /// The tickets the signed-in account received by transfer, newest first.
    pub async fn received_tickets(&self, actor: &Actor) -> Result<Vec<TicketView>> {
        Ok(self.received_ticket_groups(actor).await?.into_iter().flat_map(|(_, _, t)| t).collect())
    }

    /// The same, grouped by event (each event with its venue), for the account page.
    pub async fn received_ticket_groups(
        &self,
        actor: &Actor,
    ) -> Result<Vec<(tessera_domain::catalog::Event, tessera_domain::catalog::Venue, Vec<TicketView>)>> {
        let user = crate::tickets::signed_in(actor)?;
        let mut out: Vec<(tessera_domain::catalog::Event, tessera_domain::catalog::Venue, Vec<TicketView>)> =
            Vec::new();
        for r in self.store.received_tickets(&user.to_string()).await? {
            let i = match out.iter().position(|(e, _, _)| e.id == r.event_id) {
                Some(i) => i,
                None => {
                    let (e, v) = self.event_and_venue(r.org_id, r.event_id).await?;
                    out.push((e, v, Vec::new()));
                    out.len() - 1
                }
            };
            let view = self.ticket_view(&r, &out[i].0).await?;
            out[i].2.push(view);
        }
        Ok(out)
    }

    /// The e-mails of a transfer (`transfer_offer` to the recipient,
    /// `transfer_accepted` to the sender), from the transfer as it is now.
    pub(crate) async fn compose_transfer_mail(
        &self,
        row: &tessera_store::OutboxRow,
    ) -> Result<Option<tessera_mail::Mail>> {
        use tessera_mail::{Locale, Mail, MailKind};
        let id = row.subject_id.as_deref().unwrap_or_default();
        let Some(t) = self.store.transfer(id).await? else { return Ok(None) };
        let org = self.store.org(t.org_id).await?.ok_or(AppError::NotFound)?;
        let (event, venue) = self.event_and_venue(t.org_id, t.event_id).await?;
        let tz = venue.timezone.tz();
        match row.topic.as_str() {
            "transfer_offer" => {
                if t.state != "pending" || t.expires_at <= self.now() {
                    return Ok(None);
                }
                let p: serde_json::Value =
                    serde_json::from_str(&row.payload).map_err(|e| AppError::Internal(e.to_string()))?;
                let url = self
                    .config
                    .master_key
                    .open(p["url"].as_str().unwrap_or_default(), format!("transfer-mail:{id}").as_bytes())
                    .map_err(|e| AppError::Internal(format!("transfer mail link: {e}")))?;
                let accept_url = String::from_utf8(url).map_err(|_| AppError::Internal("transfer mail link".into()))?;
                let mut tickets = Vec::new();
                for (old, _) in &t.items {
                    if let Some(r) = self.store.ticket(*old).await? {
                        tickets.push(match &r.seat_label {
                            Some(seat) => format!("{} – {seat}", r.ticket_type_name),
                            None => r.ticket_type_name.clone(),
                        });
                    }
                }
                Ok(Some(Mail {
                    to_name: t.to_name.clone(),
                    to_email: t.to_email.clone(),
                    locale: Locale::from_tag(&t.locale),
                    message_id: row.id.clone(),
                    kind: MailKind::TransferOffer {
                        org_name: org.name,
                        event_name: event.title,
                        event_starts: event.starts_at.to_zoned(tz.clone()),
                        venue_name: venue.name,
                        from_name: t.from_name.clone(),
                        message: t.message.clone(),
                        tickets,
                        accept_url,
                        expires: t.expires_at.to_zoned(tz),
                    },
                }))
            }
            "transfer_accepted" => {
                let Some((order, _, _)) = self.store.order_head(t.order_id).await? else { return Ok(None) };
                // The buyer reads in the order's language; a recipient who
                // passed tickets on, in the one they offered in.
                let order_url = format!("{}{}", self.config.public_url, self.order_link(order.id));
                let locale = if t.from_email == order.buyer_email { &order.locale } else { &t.locale };
                let locale = Locale::from_tag(locale);
                Ok(Some(Mail {
                    to_name: t.from_name.clone(),
                    to_email: t.from_email.clone(),
                    locale,
                    message_id: row.id.clone(),
                    kind: MailKind::TransferAccepted {
                        org_name: org.name,
                        event_name: event.title,
                        to_name: t.accepted_name.clone().unwrap_or_else(|| t.to_name.clone()),
                        count: t.items.len(),
                        order_url,
                    },
                }))
            }
            other => Err(AppError::Internal(format!("unknown e-mail topic {other}"))),
        }
    }
}
