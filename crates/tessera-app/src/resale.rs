//! Face-value resale: organizers enable it per event with a price cap (a
//! share of face value) and a fee; the buyer of an order lists tickets they
//! hold; other buyers buy a listing through the normal checkout
//! (`PlaceOrder::resale_listing_id`), and paying settles the sale in the
//! event's inventory batch (see `tessera-store` `resale.rs`): the seller's
//! ticket is voided, the buyer gets a new ticket for the same seat, and the
//! seller's payout (price less fee) goes back through the seller's payment.

use crate::inventory::actor_name;
use crate::{Actor, App, AppError, Result};
use tessera_domain::orders::{OrderId, OrderState, TicketId};
use tessera_domain::payments::PaymentState;
use tessera_domain::{EventId, MessageKey, Money, OrgId, Permission, Timestamp, ValidationError};
use tessera_store::resale::{ListingRecord, ListingRefusal, NewListing, fee_of};
pub use tessera_store::resale::{RESALE_PAYOUT, ResaleSettings, price_cap};

/// Listing a ticket for resale.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListTicket {
    /// A ticket of the order that its buyer still holds (not transferred in), valid and not admitted.
    pub ticket_id: TicketId,
    /// The asking price in minor units: 0 up to the event's cap (its share of the face value).
    pub price_minor: i64,
}

/// A listing as its seller and the organizer see it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ListingView {
    pub id: String,
    pub event_id: EventId,
    /// The seller's order.
    pub order_id: OrderId,
    pub ticket_id: TicketId,
    pub ticket_type: String,
    pub seat: Option<String>,
    /// What the seller paid for the ticket.
    pub face_value: Money,
    pub price: Money,
    /// The organizer's fee, kept from the payout.
    pub fee: Money,
    /// What the seller gets back through their payment when it sells.
    pub payout: Money,
    /// `listed`, `held` (a buyer is paying), `sold`, `withdrawn`, or `cancelled` (the ticket
    /// became void or was admitted otherwise).
    pub state: String,
    /// While `held`: until when the buyer's order holds it.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub held_until: Option<Timestamp>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ended_at: Option<Timestamp>,
    /// The seller's address (organizers only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seller_email: Option<String>,
    /// The order that bought it (organizers only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buyer_order_id: Option<OrderId>,
}

/// A listing on sale, as buyers see it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PublicListing {
    pub id: String,
    pub ticket_type_id: tessera_domain::TicketTypeId,
    pub ticket_type: String,
    pub seat: Option<String>,
    pub price: Money,
    /// The ticket's face value, for comparison.
    pub face_value: Money,
}

/// What a listing's state is now.
pub fn shown_state(l: &ListingRecord, now: Timestamp) -> &'static str {
    match l.state.as_str() {
        "sold" => "sold",
        "withdrawn" => "withdrawn",
        _ if l.ticket_status != "valid" => "cancelled",
        _ if l.held_until.is_some_and(|u| u > now) => "held",
        _ => "listed",
    }
}

fn view(l: &ListingRecord, now: Timestamp, staff: bool) -> ListingView {
    let state = shown_state(l, now);
    ListingView {
        id: l.id.clone(),
        event_id: l.event_id,
        order_id: l.seller_order_id,
        ticket_id: l.ticket_id,
        ticket_type: l.ticket_type_name.clone(),
        seat: l.seat_label.clone(),
        face_value: l.face,
        price: l.price,
        fee: l.fee,
        payout: Money::new(l.price.amount_minor - l.fee.amount_minor, l.price.currency),
        state: state.to_string(),
        held_until: if state == "held" { l.held_until } else { None },
        created_at: l.created_at,
        ended_at: l.ended_at,
        seller_email: staff.then(|| l.seller_email.clone()),
        buyer_order_id: if staff { l.buyer_order_id } else { None },
    }
}

fn refusal(r: ListingRefusal) -> AppError {
    let (code, message) = match r {
        ListingRefusal::TicketNotValid => ("ticket_void", "the ticket is void".to_string()),
        ListingRefusal::TicketUsed => ("ticket_used", "the ticket was already admitted".into()),
        ListingRefusal::TicketOffered => {
            ("ticket_offered", "the ticket is offered by a pending transfer; cancel it first".into())
        }
        ListingRefusal::AlreadyListed => ("ticket_listed", "the ticket is listed already".into()),
        ListingRefusal::NotBuyersTicket => (
            "not_resellable",
            "a ticket received by transfer cannot be resold: its payout would go to the order's buyer".into(),
        ),
        ListingRefusal::Held(until) => (
            "listing_held",
            format!("a buyer is paying for this listing; it can be withdrawn if they have not paid by {until}"),
        ),
        ListingRefusal::NotListed(state) => ("listing_ended", format!("the listing is already {state}")),
    };
    AppError::StateConflict { code, message }
}

/// Every bad field of an event's resale rules at once.
pub fn validate_settings(s: &ResaleSettings) -> std::result::Result<(), ValidationError> {
    let mut e = ValidationError::new();
    let range = |e: &mut ValidationError, v: i64, field: &str, min: i64, max: i64| {
        let key = MessageKey::new("errors-range").num("min", min).num("max", max);
        e.check_key((min..=max).contains(&v), field, key, format!("{min} to {max}"));
    };
    range(&mut e, s.cap_percent, "cap_percent", 1, 100);
    range(&mut e, s.fee_bp, "fee_bp", 0, 5000);
    e.check_key(
        matches!(s.offer_first.as_str(), "primary" | "resale"),
        "offer_first",
        MessageKey::new("errors-one-of").text("options", "primary, resale"),
        "one of primary, resale",
    );
    e.finish()
}

impl App {
    /// An event's resale rules, for its organizers.
    pub async fn resale_settings(&self, actor: &Actor, org: OrgId, event: EventId) -> Result<ResaleSettings> {
        self.authorize(actor, org, Permission::ViewCatalog).await?;
        self.store.event(org, event).await?.ok_or(AppError::NotFound)?;
        Ok(self.store.resale_settings(event).await?)
    }

    pub async fn set_resale_settings(
        &self,
        actor: &Actor,
        org: OrgId,
        event: EventId,
        s: ResaleSettings,
    ) -> Result<ResaleSettings> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        self.store.event(org, event).await?.ok_or(AppError::NotFound)?;
        validate_settings(&s)?;
        self.store.set_resale_settings(event, &s, self.now()).await?;
        Ok(s)
    }

    /// An event's listings (all states), for its organizers.
    pub async fn org_listings(&self, actor: &Actor, org: OrgId, event: EventId) -> Result<Vec<ListingView>> {
        self.authorize(actor, org, Permission::ViewOrders).await?;
        self.store.event(org, event).await?.ok_or(AppError::NotFound)?;
        let now = self.now();
        Ok(self.store.event_listings(event, false).await?.iter().map(|l| view(l, now, true)).collect())
    }

    /// The listings buyers can buy now, cheapest first: none while resale
    /// is off, and under `offer_first = primary` none of a ticket type that
    /// still sells first-hand.
    pub async fn public_listings(&self, event: EventId) -> Result<Vec<PublicListing>> {
        let s = self.store.resale_settings(event).await?;
        if !s.enabled {
            return Ok(vec![]);
        }
        let detail = self.public_event(event, None).await?;
        let now = self.now();
        if detail.summary.starts_at <= now {
            return Ok(vec![]);
        }
        let primary_left = |tt: tessera_domain::TicketTypeId| {
            detail
                .ticket_types
                .iter()
                .find(|t| t.id == tt)
                .map(|t| if t.on_sale { t.available } else { 0 })
                .unwrap_or(0)
        };
        Ok(self
            .store
            .event_listings(event, true)
            .await?
            .into_iter()
            .filter(|l| l.on_sale(now))
            .filter(|l| s.offer_first == "resale" || primary_left(l.ticket_type_id) == 0)
            .map(|l| PublicListing {
                id: l.id,
                ticket_type_id: l.ticket_type_id,
                ticket_type: l.ticket_type_name,
                seat: l.seat_label,
                price: l.price,
                face_value: l.face,
            })
            .collect())
    }

    /// The listings made from an order, for its buyer.
    pub async fn order_listings(&self, actor: &Actor, order: OrderId, token: Option<&str>) -> Result<Vec<ListingView>> {
        let o = self.buyer_order(actor, order, token).await?;
        let now = self.now();
        Ok(self.store.order_listings(o.id).await?.iter().map(|l| view(l, now, false)).collect())
    }

    /// An order's listings, for staff.
    pub async fn org_order_listings(&self, actor: &Actor, org: OrgId, order: OrderId) -> Result<Vec<ListingView>> {
        let o = self.get_org_order(actor, org, order).await?;
        let now = self.now();
        Ok(self.store.order_listings(o.id).await?.iter().map(|l| view(l, now, true)).collect())
    }

    /// The highest price each ticket of a paid order may be listed at, by
    /// ticket type: its face value (what one ticket of the type cost, the
    /// lowest when the order paid several prices) times the cap.
    pub fn face_values(&self, order: &tessera_domain::orders::Order) -> Vec<(tessera_domain::TicketTypeId, Money)> {
        let mut out: Vec<(tessera_domain::TicketTypeId, Money)> = Vec::new();
        for l in &order.lines {
            let unit = if l.tax_inclusive || l.quantity == 0 {
                l.unit_price.amount_minor
            } else {
                l.unit_price.amount_minor + l.tax.amount_minor / l.quantity
            };
            match out.iter_mut().find(|(tt, _)| *tt == l.ticket_type_id) {
                Some((_, m)) if unit < m.amount_minor => *m = Money::new(unit, m.currency),
                Some(_) => {}
                None => out.push((l.ticket_type_id, Money::new(unit, l.unit_price.currency))),
            }
        }
        out
    }

    /// Lists a ticket of an order for resale, for the order's buyer.
    pub async fn list_ticket(
        &self,
        actor: &Actor,
        order: OrderId,
        token: Option<&str>,
        input: ListTicket,
    ) -> Result<ListingView> {
        let o = self.buyer_order(actor, order, token).await?;
        let ticket = self.store.ticket(input.ticket_id).await?.filter(|t| t.order_id == o.id).ok_or_else(|| {
            AppError::invalid_key(
                "ticket_id",
                MessageKey::new("resale-error-not-your-ticket"),
                "not a ticket of this order",
            )
        })?;
        if o.state != OrderState::Paid {
            return Err(crate::inventory::state_error(o.state));
        }
        let settings = self.store.resale_settings(o.event_id).await?;
        if !settings.enabled {
            return Err(AppError::StateConflict {
                code: "resale_disabled",
                message: "the organizer does not allow resale for this event".into(),
            });
        }
        let (event, _) = self.event_and_venue(o.org_id, o.event_id).await?;
        let now = self.now();
        if event.starts_at <= now {
            return Err(AppError::StateConflict { code: "resale_closed", message: "the event has started".into() });
        }
        if ticket.holder_email.is_some() {
            return Err(refusal(ListingRefusal::NotBuyersTicket));
        }
        if ticket.status != "valid" {
            return Err(refusal(ListingRefusal::TicketNotValid));
        }
        let face = self
            .face_values(&o)
            .into_iter()
            .find(|(tt, _)| *tt == ticket.ticket_type_id)
            .map(|(_, m)| m)
            .ok_or_else(|| AppError::Internal("a ticket without its order line".into()))?;
        let cap = price_cap(&settings, face.amount_minor);
        if input.price_minor < 0 || input.price_minor > cap {
            let most = Money::new(cap, face.currency).to_string();
            return Err(AppError::invalid_key(
                "price_minor",
                MessageKey::new("resale-error-price-cap").text("amount", most.as_str()),
                format!("0 to {most}"),
            ));
        }
        let fee = fee_of(&settings, input.price_minor);
        let payout = input.price_minor - fee;
        // The payout goes back through one payment of the order that has
        // that much left (not points: they are not money).
        let payments = self.store.order_payments(o.id).await?;
        let refunds = self.store.order_refunds(o.id).await?;
        let left = |id: &str, amount: i64| {
            amount
                - refunds
                    .iter()
                    .filter(|r| r.payment_id == id && r.state != "failed")
                    .map(|r| r.amount.amount_minor)
                    .sum::<i64>()
        };
        let payment = payments
            .iter()
            .filter(|p| p.state == PaymentState::Succeeded && p.provider != tessera_domain::loyalty::PROVIDER)
            .filter(|p| left(&p.id, p.amount.amount_minor) >= payout)
            .max_by_key(|p| left(&p.id, p.amount.amount_minor))
            .map(|p| p.id.clone());
        let seller_payment_id = match payment {
            Some(p) => p,
            None if payout == 0 => "none".into(),
            None => {
                return Err(AppError::StateConflict {
                    code: "no_refundable_payment",
                    message: "no payment of this order has enough left to take the payout; list at a lower price"
                        .into(),
                });
            }
        };
        let user = match actor {
            Actor::User(u) => Some(u.id.to_string()),
            _ => None,
        };
        let (_, _, buyer) = self.store.order_head(o.id).await?.ok_or(AppError::NotFound)?;
        let new = NewListing {
            id: uuid::Uuid::now_v7().to_string(),
            org_id: o.org_id,
            event_id: o.event_id,
            ticket_id: ticket.id,
            ticket_type_id: ticket.ticket_type_id,
            seller_order_id: o.id,
            seller_payment_id,
            seller_user_id: buyer.map(|u| u.to_string()).or(user),
            seller_email: o.buyer_email.clone(),
            seller_name: o.buyer_name.clone(),
            locale: o.locale.clone(),
            seat_label: ticket.seat_label.clone(),
            face,
            price: Money::new(input.price_minor, face.currency),
            fee: Money::new(fee, face.currency),
            actor: actor_name(actor),
        };
        let rec = self.store.create_listing(&new, now).await?.map_err(refusal)?;
        tracing::info!(listing = %rec.id, order = %o.id, "listed a ticket for resale");
        let _ = self.batcher.changes.send(o.event_id);
        Ok(view(&rec, now, false))
    }

    /// Withdraws a listing of an order, for the order's buyer.
    pub async fn withdraw_listing(
        &self,
        actor: &Actor,
        order: OrderId,
        token: Option<&str>,
        id: &str,
    ) -> Result<ListingView> {
        let o = self.buyer_order(actor, order, token).await?;
        let l = self.store.listing(id).await?.filter(|l| l.seller_order_id == o.id).ok_or(AppError::NotFound)?;
        let now = self.now();
        let rec = self.store.withdraw_listing(&l.id, &actor_name(actor), now).await?.map_err(refusal)?;
        tracing::info!(listing = %rec.id, order = %o.id, "withdrew a resale listing");
        Ok(view(&rec, now, false))
    }

    /// Whether the buyer of a paid order may list its tickets now.
    pub async fn resale_open_for(&self, order: &tessera_domain::orders::Order) -> Result<bool> {
        if order.state != OrderState::Paid {
            return Ok(false);
        }
        let s = self.store.resale_settings(order.event_id).await?;
        if !s.enabled {
            return Ok(false);
        }
        let (event, _) = self.event_and_venue(order.org_id, order.event_id).await?;
        Ok(event.starts_at > self.now())
    }

    /// The listing a resale order buys, for its order page.
    pub async fn order_resale_listing(&self, order: OrderId) -> Result<Option<ListingView>> {
        let now = self.now();
        Ok(self.store.order_resale_listing(order).await?.map(|l| view(&l, now, false)))
    }

    /// The seller's e-mail when their listing sold.
    pub(crate) async fn compose_resale_mail(
        &self,
        row: &tessera_store::OutboxRow,
    ) -> Result<Option<tessera_mail::Mail>> {
        use tessera_mail::{Locale, Mail, MailKind};
        let id = row.subject_id.as_deref().unwrap_or_default();
        let Some(l) = self.store.listing(id).await? else { return Ok(None) };
        if l.state != "sold" {
            return Ok(None);
        }
        let org = self.store.org(l.org_id).await?.ok_or(AppError::NotFound)?;
        let (event, _) = self.event_and_venue(l.org_id, l.event_id).await?;
        let order_url = format!("{}{}", self.config.public_url, self.order_link(l.seller_order_id));
        Ok(Some(Mail {
            to_name: l.seller_name.clone(),
            to_email: l.seller_email.clone(),
            locale: Locale::from_tag(&l.locale),
            message_id: row.id.clone(),
            kind: MailKind::ResaleSold {
                org_name: org.name,
                event_name: event.title,
                ticket: match &l.seat_label {
                    Some(seat) => format!("{} – {seat}", l.ticket_type_name),
                    None => l.ticket_type_name.clone(),
                },
                price: l.price.to_string(),
                fee: l.fee.to_string(),
                payout: Money::new(l.price.amount_minor - l.fee.amount_minor, l.price.currency).to_string(),
                order_url,
            },
        }))
    }
}
