//! Selling: reservations that become pending orders, confirmation, cancellation,
//! expiry, and live availability.
//!
//! Every change to an event's inventory goes through that event's [`Batcher`]
//! worker (a [`crate::group::GroupCommit`]), which applies whatever requests
//! are waiting in one store transaction; the store's transaction takes the
//! event's lock, so any number of processes can share a database.

use crate::group::GroupCommit;
use crate::secrets::{hash_token, random_token};
use crate::{Actor, App, AppError, Clock, Result};
use std::sync::Arc;
use tessera_domain::account::Email;
use tessera_domain::inventory::{LineRequest, ReserveError, ReserveRequest};
use tessera_domain::orders::{Order, OrderId, OrderState};
use tessera_domain::validation::check_text;
use tessera_domain::{EventId, MessageKey, OrgId, Permission, Timestamp, ValidationError};
use tessera_store::{IdemWrite, InventoryOp, NewOrder, OpError, OpResult, SeatChoice, Store, StoreError};
use tokio::sync::broadcast;

/// Requests one transaction decides at most.
const MAX_BATCH: usize = 256;
/// Requests waiting per event before callers wait for room.
const QUEUE_PER_EVENT: usize = 8_192;

/// One worker per event with pending work; see the module docs.
pub struct Batcher {
    group: Arc<GroupCommit<EventId, (InventoryOp, Option<IdemWrite>), OpResult>>,
    /// Says "this event's availability may have changed" after every batch.
    pub changes: broadcast::Sender<EventId>,
}

impl Batcher {
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> Arc<Self> {
        let changes = broadcast::channel(1024).0;
        let notify = changes.clone();
        let group = GroupCommit::new(
            MAX_BATCH,
            QUEUE_PER_EVENT,
            Arc::new(move |event: EventId, ops: Vec<(InventoryOp, Option<IdemWrite>)>| {
                let (store, clock, notify) = (store.clone(), clock.clone(), notify.clone());
                Box::pin(async move {
                    let n = ops.len();
                    let out = match store.inventory_batch_idem(event, clock.now(), ops).await {
                        Ok(results) => results.into_iter().map(Ok).collect(),
                        Err(e) => {
                            let not_found = matches!(e, StoreError::NotFound);
                            if !not_found {
                                tracing::error!(error = %e, %event, batch = n, "inventory batch failed");
                            }
                            (0..n)
                                .map(|_| {
                                    Err(if not_found { AppError::NotFound } else { AppError::Internal(e.to_string()) })
                                })
                                .collect()
                        }
                    };
                    let _ = notify.send(event);
                    out
                })
            }),
        );
        Arc::new(Self { group, changes })
    }

    /// Submits one operation and waits for its own result.
    pub async fn submit(&self, event: EventId, op: InventoryOp) -> Result<OpResult> {
        self.group.submit(event, (op, None)).await
    }

    /// [`Self::submit`] for an operation that stores its request's
    /// idempotent answer with its effect.
    pub async fn submit_idem(&self, event: EventId, op: InventoryOp, idem: Option<IdemWrite>) -> Result<OpResult> {
        self.group.submit(event, (op, idem)).await
    }
}

/// A buyer's reservation request.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaceOrder {
    /// Ticket types and quantities; leave empty when asking for `seats`.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub lines: Vec<LineRequest>,
    /// On a seated event: the seats (by id) or the best available ones; the
    /// lines follow from the seats' price zones.
    #[serde(default)]
    pub seats: Option<SeatRequest>,
    /// Required for guests; signed-in buyers use their account's address.
    #[serde(default)]
    pub email: Option<Email>,
    /// The name on the tickets; defaults to the account's name.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    /// Buy this resale listing (from `GET /events/{event_id}/resale-listings`) instead of
    /// `lines` or `seats`, which stay empty: the order holds the listing like any inventory
    /// and is paid like any order.
    #[serde(default)]
    #[schema(max_length = 64)]
    pub resale_listing_id: Option<String>,
    /// Unlocks hidden ticket types.
    #[serde(default)]
    pub access_code: Option<String>,
    /// A promo code (voucher) of the event or its organization: its discount
    /// becomes a line of the order, and it may open hidden ticket types. A
    /// generated code whose check character fails is refused before any lookup.
    #[serde(default)]
    #[schema(max_length = 64)]
    pub promo_code: Option<String>,
    /// The buyer's language for e-mails (`en`, `zh-CN`); defaults to the
    /// request's `Accept-Language`.
    #[serde(default)]
    pub locale: Option<String>,
}

/// Seats for a reservation on a seated event.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum SeatRequest {
    /// Exactly these seats (ids from the event's seat map), all or none.
    Ids(Vec<String>),
    /// The best `count` seats together, of one `category` (price zone) if given.
    Best {
        count: u32,
        #[serde(default)]
        category: Option<String>,
        /// Wheelchair spaces among them (with companion seats beside).
        #[serde(default)]
        wheelchair_spaces: u32,
    },
}

/// A new order: the one time its access token is shown.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PlacedOrder {
    #[serde(flatten)]
    pub order: Order,
    /// Send as `X-Order-Token` to see, confirm or cancel this order without an account.
    pub access_token: String,
}

fn reserve_error(e: ReserveError) -> AppError {
    let field_of = |msg: &str| msg.split(':').next().unwrap_or("lines").to_string();
    let message = e.to_string();
    match e {
        ReserveError::SoldOut { available, .. } => AppError::SoldOut { field: field_of(&message), available, message },
        ReserveError::EventNotOnSale => AppError::Rule { code: "not_on_sale", field: "event_id".into(), message },
        ReserveError::NotOnSale { .. } => AppError::Rule { code: "not_on_sale", field: field_of(&message), message },
        ReserveError::LimitExceeded { .. } => AppError::Rule { code: "limit_exceeded", field: "lines".into(), message },
        ReserveError::AccessCodeRequired { .. } => {
            AppError::Rule { code: "access_code_required", field: field_of(&message), message }
        }
        ReserveError::MembersOnly { .. } => AppError::Rule { code: "members_only", field: field_of(&message), message },
        ReserveError::BadLineCount => AppError::Invalid(ValidationError::single_key(
            "lines",
            MessageKey::new("errors-line-count").num("max", tessera_domain::inventory::MAX_LINES),
            message,
        )),
        ReserveError::BadSeats(m) => AppError::invalid_keyed("seats", m),
        ReserveError::SeatedEvent => AppError::Invalid(ValidationError::single_key(
            "lines",
            MessageKey::new("errors-sold-by-seat"),
            "this event is sold by seat; ask for seats instead of lines",
        )),
        ReserveError::SeatsUnavailable(m) => AppError::Conflict { field: "seats".into(), message: m },
        ReserveError::Promo(p) => {
            AppError::Rule { code: p.code(), field: "promo_code".into(), message: p.message().into() }
        }
        ReserveError::UnknownTicketType { .. } | ReserveError::DuplicateLine { .. } | ReserveError::Quantity { .. } => {
            let key = match e {
                ReserveError::UnknownTicketType { .. } => MessageKey::new("errors-not-a-ticket-type"),
                ReserveError::DuplicateLine { .. } => MessageKey::new("errors-repeated-ticket-type"),
                ReserveError::Quantity { min, max, .. } => {
                    MessageKey::new("errors-quantity-between").num("min", min).num("max", max)
                }
                _ => unreachable!("matched above"),
            };
            let (field, msg) = message.split_once(": ").unwrap_or(("lines", &message));
            AppError::Invalid(ValidationError::single_key(field, key, msg))
        }
    }
}

/// The answer to acting on an order in the wrong state.
pub(crate) fn state_error(s: OrderState) -> AppError {
    op_error(OpError::WrongState(s))
}

fn op_error(e: OpError) -> AppError {
    match e {
        OpError::Reserve(r) => reserve_error(r),
        OpError::NotFound => AppError::NotFound,
        OpError::Rejected(m) => AppError::Rule { code: "payment_rejected", field: "amount".into(), message: m },
        OpError::ClaimLost => AppError::IdempotencyInProgress { retry_after_secs: 1 },
        OpError::Refused { code, field, message } => AppError::Rule { code, field: field.into(), message },
        OpError::WrongState(s) => {
            let code = match s {
                OrderState::Expired => "hold_expired",
                OrderState::Paid => "already_paid",
                OrderState::Cancelled => "order_cancelled",
                OrderState::Refunded => "order_refunded",
                OrderState::Pending => "order_pending",
            };
            AppError::StateConflict { code, message: format!("the order is {s}") }
        }
    }
}

pub(crate) fn actor_name(actor: &Actor) -> String {
    match actor {
        Actor::Anonymous => "buyer".into(),
        Actor::User(u) => format!("user:{}", u.id),
        Actor::Token(t) => format!("token:{}", t.id),
    }
}

/// Which of an organization's orders to list.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub event: Option<EventId>,
    pub state: Option<OrderState>,
    /// Only paid orders with part (not all) of their payment given back.
    pub partially_refunded: bool,
    /// The reference exactly, or part of the buyer's name or e-mail address.
    pub search: Option<String>,
    /// Placed at or after this instant.
    pub placed_from: Option<Timestamp>,
    /// Placed before this instant.
    pub placed_before: Option<Timestamp>,
}

impl App {
    /// [`App::place_order`] for a client at `ip` (the API): wrong access
    /// codes are counted per client address, and a client past
    /// `access_code_max_failures_per_ip` in the window gets `RateLimited`
    /// for any further code, right or wrong, until the window ends.
    pub async fn place_order_from(
        &self,
        ip: &str,
        actor: &Actor,
        event: EventId,
        input: PlaceOrder,
    ) -> Result<PlacedOrder> {
        let now = self.now();
        if input.access_code.is_some() || input.promo_code.is_some() {
            self.clients.admit_access_code(ip, now)?;
        }
        let placed = self.place_order(actor, event, input).await;
        // Guessing promo codes is limited like guessing access codes.
        if let Err(AppError::Rule { code: "access_code_required" | "promo_unknown", .. }) = &placed {
            self.clients.access_code_failed(ip, now);
        }
        placed
    }

    /// Reserves the lines (all or nothing) and opens a pending order that
    /// holds them until `expires_at`.
    pub async fn place_order(&self, actor: &Actor, event: EventId, input: PlaceOrder) -> Result<PlacedOrder> {
        let (user, email, default_name) = match actor {
            Actor::User(u) => (Some((u.id, u.email_verified)), u.email.clone(), Some(u.name.clone())),
            _ => {
                let email = input.email.clone().ok_or_else(|| {
                    let key = MessageKey::new("errors-email-required-for-guests");
                    AppError::Invalid(ValidationError::single_key("email", key, "required for guests"))
                })?;
                (None, email, None)
            }
        };
        self.place_order_for(user, email, default_name, event, input, false).await
    }

    /// [`App::place_order`] for a buyer named here: the account (if any),
    /// the address for e-mails, and the name when the input has none.
    pub(crate) async fn place_order_for(
        &self,
        user: Option<(tessera_domain::UserId, bool)>,
        email: Email,
        default_name: Option<String>,
        event: EventId,
        input: PlaceOrder,
        staff_sale: bool,
    ) -> Result<PlacedOrder> {
        let name = input.name.clone().or(default_name).unwrap_or_default();
        let mut e = ValidationError::new();
        check_text(&mut e, "name", &name, 1, 200);
        if let Some(listing) = &input.resale_listing_id {
            check_text(&mut e, "resale_listing_id", listing, 1, 64);
            let key = MessageKey::new("errors-lines-empty-with-listing");
            e.check_key(
                input.lines.is_empty() && input.seats.is_none(),
                "lines",
                key,
                "leave lines and seats empty when buying a resale listing",
            );
        }
        let seats = match input.seats {
            None if input.resale_listing_id.is_some() => None,
            None => {
                let max = tessera_domain::inventory::MAX_LINES;
                e.check_key(
                    !input.lines.is_empty() && input.lines.len() <= max,
                    "lines",
                    MessageKey::new("errors-lines-range").num("min", 1).num("max", max),
                    format!("1 to {max} lines"),
                );
                None
            }
            Some(seats) => {
                let key = MessageKey::new("errors-lines-empty-with-seats");
                e.check_key(input.lines.is_empty(), "lines", key, "leave empty when asking for seats");
                let max = tessera_seating::MAX_REQUEST_SEATS;
                Some(match seats {
                    SeatRequest::Ids(ids) => {
                        let ok = !ids.is_empty() && ids.len() <= max as usize;
                        e.check_key(ok, "seats.ids", crate::seat_count(max), format!("1 to {max} seats"));
                        let mut parsed = Vec::with_capacity(ids.len());
                        for (i, id) in ids.iter().enumerate() {
                            match uuid::Uuid::parse_str(id) {
                                Ok(u) => parsed.push(tessera_seating::SeatId(u)),
                                Err(_) => e.add_key(
                                    format!("seats.ids[{i}]"),
                                    MessageKey::new("errors-not-a-seat-id"),
                                    "not a seat id",
                                ),
                            }
                        }
                        SeatChoice::Exact(parsed)
                    }
                    SeatRequest::Best { count, category, wheelchair_spaces } => {
                        let ok = (1..=max).contains(&count);
                        e.check_key(ok, "seats.best.count", crate::seat_count(max), format!("1 to {max} seats"));
                        e.check_key(
                            wheelchair_spaces <= count,
                            "seats.best.wheelchair_spaces",
                            MessageKey::new("errors-at-most-count"),
                            "at most count",
                        );
                        if let Some(c) = &category {
                            check_text(&mut e, "seats.best.category", c, 1, 32);
                        }
                        SeatChoice::Best { count, category, wheelchair_spaces }
                    }
                })
            }
        };
        let promo_code = match input.promo_code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None => None,
            Some(typed) => match tessera_domain::pricing::normalize_code(typed) {
                Ok(c) => Some(c),
                Err(problem) => {
                    let (id, english) = match problem {
                        tessera_domain::pricing::CodeProblem::CheckFailed => {
                            ("pricing-error-code-typo", "this code has a typo: please check it")
                        }
                        tessera_domain::pricing::CodeProblem::Malformed => {
                            ("pricing-error-code-malformed", "not a promo code")
                        }
                    };
                    e.add_key("promo_code", MessageKey::new(id), english);
                    None
                }
            },
        };
        e.finish()?;
        let buyer_key = match user {
            Some((u, _)) => format!("user:{u}"),
            None => format!("email:{email}"),
        };
        let token = random_token();
        let now = self.now();
        // Signed-in buyers with an active member card: members-only types
        // and member prices. Cards bought as a guest count once the
        // account's address (the cards') is verified.
        let member_plans = match user {
            Some((u, verified)) => {
                let address = email.to_string();
                self.store.active_plans_for_event(event, u, verified.then_some(address.as_str()), now).await?
            }
            None => vec![],
        };
        let user = user.map(|(u, _)| u);
        let new = NewOrder {
            id: OrderId::new(),
            reference: tessera_store::inventory::fresh_reference(),
            request: ReserveRequest {
                lines: input.lines,
                buyer_key,
                access_code: input.access_code,
                promo_code,
                staff_sale,
                member_plans,
            },
            buyer_user_id: user,
            buyer_email: email.to_string(),
            buyer_name: name.trim().to_string(),
            locale: tessera_mail::Locale::from_tag(input.locale.as_deref().unwrap_or("en")).tag().to_string(),
            token_hash: hash_token(&token),
            expires_at: now.checked_add(jiff::SignedDuration::from_secs(self.config.hold_ttl_secs)).unwrap_or(now),
            seats,
            resale_listing: input.resale_listing_id.clone(),
        };
        let shown = token.clone();
        let idem = self.idem_write(201, move |order| {
            serde_json::to_vec(&PlacedOrder { order: order.clone(), access_token: shown.clone() }).unwrap_or_default()
        });
        let order = self
            .batcher
            .submit_idem(event, InventoryOp::Reserve(Box::new(new)), idem)
            .await?
            .map_err(op_error)?
            .ok_or_else(|| AppError::Internal("a reservation returned no order".into()))?;
        Ok(PlacedOrder { order, access_token: token })
    }

    /// Whether the caller is this order's buyer: by access token (the one
    /// handed out when ordering, or the order link's), or signed in as the buyer.
    pub(crate) fn is_buyer(
        &self,
        actor: &Actor,
        id: OrderId,
        token: Option<&str>,
        token_hash: &str,
        buyer: Option<tessera_domain::UserId>,
    ) -> bool {
        let by_token = token.is_some_and(|t| {
            crate::secrets::constant_time_eq(&hash_token(t), token_hash)
                | crate::secrets::constant_time_eq(&self.config.master_key.order_link_token(&id.to_string()), t)
        });
        let by_account = matches!(actor, Actor::User(u) if Some(u.id) == buyer);
        by_token || by_account
    }

    /// An order, for its buyer: by access token, or as the signed-in buyer.
    pub async fn buyer_order(&self, actor: &Actor, id: OrderId, token: Option<&str>) -> Result<Order> {
        let (order, token_hash, buyer) = self.store.order(id).await?.ok_or(AppError::NotFound)?;
        if self.is_buyer(actor, id, token, &token_hash, buyer) { Ok(order) } else { Err(AppError::NotFound) }
    }

    /// The order's secret link, `/o/{id}/{token}` (a path; the e-mails put
    /// the public URL in front): whoever holds it opens the order, like a
    /// ticket's link opens the ticket. Stateless: derived from the id.
    pub fn order_link(&self, id: OrderId) -> String {
        format!("/o/{id}/{}", self.config.master_key.order_link_token(&id.to_string()))
    }

    /// "Find my order": when `reference` names an order bought with `email`
    /// (letter case aside), its secret link goes to that address by e-mail.
    /// The answer is the same whether or not anything matched, so nobody
    /// learns which orders exist; each request from `ip` counts against a
    /// per-address limit (`RateLimited` past it). `locale` is the language
    /// of the e-mail.
    pub async fn find_order(&self, ip: &str, email: &Email, reference: &str, locale: &str) -> Result<()> {
        self.clients.admit_find_order(ip, self.now())?;
        let reference = reference.trim().to_ascii_uppercase();
        if reference.is_empty() || reference.len() > 64 {
            return Ok(());
        }
        let Some((id, buyer_email)) = self.store.order_by_reference(&reference).await? else { return Ok(()) };
        if !buyer_email.eq_ignore_ascii_case(email.as_str()) {
            return Ok(());
        }
        let order = self.store.order_head(id).await?.ok_or(AppError::NotFound)?.0;
        let locale = tessera_mail::Locale::from_tag(locale).tag();
        let m = tessera_store::OutboxMessage::new(
            "email",
            "find_order",
            Some(id.to_string()),
            serde_json::json!({ "locale": locale }),
        );
        self.store.enqueue(order.org_id, &[m], self.now()).await?;
        Ok(())
    }

    /// The order's head (no lines, tickets or history), for its buyer.
    async fn buyer_order_head(&self, actor: &Actor, id: OrderId, token: Option<&str>) -> Result<Order> {
        let (order, token_hash, buyer) = self.store.order_head(id).await?.ok_or(AppError::NotFound)?;
        if self.is_buyer(actor, id, token, &token_hash, buyer) { Ok(order) } else { Err(AppError::NotFound) }
    }

    /// Applies a confirmation or cancellation in the order's event batch;
    /// the batch answers with the order as it now is.
    async fn change(&self, order: &Order, op: InventoryOp) -> Result<Order> {
        let idem = self.idem_write(200, |order| serde_json::to_vec(order).unwrap_or_default());
        self.batcher
            .submit_idem(order.event_id, op, idem)
            .await?
            .map_err(op_error)?
            .ok_or_else(|| AppError::Internal("an order change returned no order".into()))
    }

    /// Confirms a free order for its buyer; orders with something to pay
    /// are confirmed by a payment (or by box-office staff).
    pub async fn confirm_free_order(&self, actor: &Actor, id: OrderId, token: Option<&str>) -> Result<Order> {
        let order = self.buyer_order_head(actor, id, token).await?;
        if order.total.amount_minor != 0 {
            return Err(AppError::Rule {
                code: "payment_required",
                field: "total".into(),
                message: format!("this order costs {}; it is confirmed by its payment", order.total),
            });
        }
        let op = InventoryOp::Confirm { order: id, actor: actor_name(actor), note: "free order confirmed".into() };
        self.change(&order, op).await
    }

    /// The buyer gives up a pending order; its inventory goes back at once.
    pub async fn cancel_own_order(&self, actor: &Actor, id: OrderId, token: Option<&str>) -> Result<Order> {
        let order = self.buyer_order_head(actor, id, token).await?;
        if order.state != OrderState::Pending {
            return Err(op_error(OpError::WrongState(order.state)));
        }
        let op = InventoryOp::Cancel { order: id, actor: actor_name(actor), note: "cancelled by the buyer".into() };
        self.change(&order, op).await
    }

    async fn org_order(&self, actor: &Actor, org: OrgId, id: OrderId, p: Permission) -> Result<Order> {
        self.authorize(actor, org, p).await?;
        let (order, _, _) = self.store.order_head(id).await?.ok_or(AppError::NotFound)?;
        if order.org_id != org { Err(AppError::NotFound) } else { Ok(order) }
    }

    pub async fn get_org_order(&self, actor: &Actor, org: OrgId, id: OrderId) -> Result<Order> {
        self.authorize(actor, org, Permission::ViewOrders).await?;
        let (order, _, _) = self.store.order(id).await?.ok_or(AppError::NotFound)?;
        if order.org_id != org { Err(AppError::NotFound) } else { Ok(order) }
    }

    pub async fn list_orders(
        &self,
        actor: &Actor,
        org: OrgId,
        filter: &OrderFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Order>> {
        self.authorize(actor, org, Permission::ViewOrders).await?;
        let search = filter.search.as_deref();
        if search.is_some_and(|q| q.chars().count() > 200) {
            return Err(AppError::invalid_key(
                "q",
                MessageKey::new("errors-search-too-long").num("max", 200),
                "search text is longer than 200 characters",
            ));
        }
        let find = tessera_store::inventory::OrderSearch {
            event: filter.event,
            state: filter.state,
            partially_refunded: filter.partially_refunded,
            search,
            placed_from: filter.placed_from,
            placed_before: filter.placed_before,
        };
        Ok(self.store.orders(org, &find, limit.clamp(1, 500), offset.max(0)).await?)
    }

    /// Cancels a pending or paid order: inventory back, tickets void.
    /// Runs one operation through the event's batch, for other modules.
    pub(crate) async fn submit_inventory(&self, event: EventId, op: InventoryOp) -> Result<Option<Order>> {
        self.batcher.submit(event, op).await?.map_err(op_error)
    }

    pub async fn cancel_order(&self, actor: &Actor, org: OrgId, id: OrderId) -> Result<Order> {
        let order = self.org_order(actor, org, id, Permission::ManageOrders).await?;
        let op = InventoryOp::Cancel { order: id, actor: actor_name(actor), note: "cancelled by staff".into() };
        self.change(&order, op).await
    }

    /// One round of background upkeep: expire due holds (through each
    /// event's batch), offer freed inventory to waitlists, forget idempotency keys older than a day, and end
    /// expired sessions. Returns how many events it swept.
    pub async fn sweep_once(&self) -> Result<usize> {
        let now = self.now();
        let events = self.store.events_with_expired_holds(now, 100).await?;
        for e in &events {
            self.batcher.submit(*e, InventoryOp::Sweep).await?.map_err(op_error)?;
        }
        // Freed inventory (expired holds and offers, refunds, cancellations,
        // raised capacity) goes to the waitlists first.
        self.offer_waitlists_once().await?;
        let day_ago = now.checked_sub(jiff::SignedDuration::from_hours(24)).unwrap_or(now);
        self.store.idem_sweep(day_ago).await?;
        self.store.delete_expired_sessions(now).await?;
        self.reprice_once().await?;
        self.expire_points_once().await?;
        Ok(events.len())
    }

    /// A receiver of "this event's availability may have changed" signals.
    pub fn availability_changes(&self) -> broadcast::Receiver<EventId> {
        self.batcher.changes.subscribe()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn references_are_short_and_unambiguous() {
        let r = tessera_store::inventory::fresh_reference();
        assert_eq!(r.len(), 12);
        assert!(r.chars().all(|c| c.is_ascii_digit() || (c.is_ascii_uppercase() && !"ILOU".contains(c))));
        assert_ne!(tessera_store::inventory::fresh_reference(), r);
    }
}
