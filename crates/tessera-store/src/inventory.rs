//! Inventory and orders: every change to an event's holds and orders runs
//! in a batch, one transaction for many buyers (group commit).
//!
//! A batch first takes the event's write lock (PostgreSQL: `SELECT … FOR
//! UPDATE` on the event row, which serializes batches of different processes;
//! SQLite: `BEGIN IMMEDIATE` on the single writer), expires every hold whose
//! time has come, loads a snapshot of the event's inventory, lets the domain
//! decide each operation in turn against it, and writes what was decided with
//! a handful of multi-row statements. Correctness rests on the lock and the
//! transaction, never on a single process; the CHECK on quotas backs it up.

use crate::idempotency::IdemWrite;
use crate::row::{RowExt, micros};
use crate::{Backend, Result, Store, StoreError};
use sqlx::Any;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use tessera_domain::catalog::{Event, TicketType};
use tessera_domain::inventory::{LineRequest, QuotaCounters, ReserveError, ReserveRequest, Snapshot, decide};
use tessera_domain::orders::{HistoryEntry, Order, OrderId, OrderLine, OrderState, RefundStatus, Ticket, TicketId};
use tessera_domain::payments::EventPricing;
use tessera_domain::{
    Currency, EventId, Keyed, MessageKey, Money, OrgId, PriceTierId, QuotaId, TicketTypeId, Timestamp, UserId,
};
use tessera_seating::{SeatStatus, check_exact};

/// A seated event's plan and seat statuses, as a batch sees them.
type Seats = crate::seating::BatchSeats;

pub(crate) type Tx = sqlx::Transaction<'static, Any>;

/// A reservation: a hold and the pending order it belongs to, made together.
#[derive(Debug, Clone)]
pub struct NewOrder {
    pub id: OrderId,
    pub reference: String,
    pub request: ReserveRequest,
    pub buyer_user_id: Option<UserId>,
    pub buyer_email: String,
    pub buyer_name: String,
    /// The buyer's language for e-mails (`en`, `zh-CN`).
    pub locale: String,
    /// SHA-256 of the buyer's order token.
    pub token_hash: String,
    pub expires_at: Timestamp,
    /// Seats instead of lines, on a seated event: the lines follow from the
    /// seats' price zones (`request.lines` is ignored).
    pub seats: Option<crate::seating::SeatChoice>,
    /// A resale listing to buy instead of lines or seats; see [`crate::resale`].
    pub resale_listing: Option<String>,
}

/// One change to an event's inventory.
#[derive(Debug, Clone)]
pub enum InventoryOp {
    Reserve(Box<NewOrder>),
    /// Pending to paid: the held inventory becomes sold and tickets are issued.
    Confirm {
        order: OrderId,
        actor: String,
        note: String,
    },
    /// Pending or paid to cancelled: the inventory goes back, tickets are void.
    Cancel {
        order: OrderId,
        actor: String,
        note: String,
    },
    /// Only expire what is due.
    Sweep,
    /// Staff keep seats back from sale (`block`), or release them again.
    /// All or nothing: blocking needs every seat available, unblocking
    /// every seat blocked.
    BlockSeats {
        seats: Vec<tessera_seating::SeatId>,
        block: bool,
    },
    /// Opens a payment attempt on a pending order whose hold is still live.
    StartPayment(Box<crate::payments::NewPayment>),
    /// A payment provider's report; see [`crate::payments::ProviderEvent`].
    Payment(Box<crate::payments::ProviderEvent>),
    /// A pending refund went through at the provider: the ledger records it,
    /// its tickets are void, and a full refund gives the inventory back.
    RefundDone {
        order: OrderId,
        refund: String,
        provider_ref: Option<String>,
    },
    /// Pays part or all of a pending order with a gift card, decided under
    /// the card's lock; see [`crate::payments::GiftCardPayment`].
    GiftCard(Box<crate::payments::GiftCardPayment>),
    /// Pays part or all of a pending order with the buyer's loyalty points,
    /// decided under the points account's lock; see [`crate::loyalty::PointsPayment`].
    Points(Box<crate::loyalty::PointsPayment>),
    /// Offers freed inventory to the event's waitlist, in order; see
    /// [`crate::waitlist`]. Answers nothing: the offers are its effect.
    Waitlist,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpError {
    #[error("{0}")]
    Reserve(ReserveError),
    #[error("no such order for this event")]
    NotFound,
    #[error("the order is {0}")]
    WrongState(OrderState),
    /// A payment or refund that does not fit the order (amount, currency,
    /// what is left to refund); nothing was changed.
    #[error("{0}")]
    Rejected(String),
    /// The operation's Idempotency-Key claim passed to another process
    /// (this one stopped renewing it in time); nothing was changed.
    #[error("the request's Idempotency-Key is being handled elsewhere")]
    ClaimLost,
    /// A rule refused the operation (`code`, naming `field`); nothing was changed.
    #[error("{message}")]
    Refused { code: &'static str, field: &'static str, message: String },
}

/// The outcome of one operation: the new order for a reservation, nothing otherwise.
pub type OpResult = std::result::Result<Option<Order>, OpError>;

/// A value to bind, for statements assembled at run time.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Text(String),
    Int(i64),
    OptText(Option<String>),
    OptInt(Option<i64>),
}

impl Arg {
    pub(crate) fn bind<'q>(self, q: Query<'q, Any, AnyArguments>) -> Query<'q, Any, AnyArguments> {
        match self {
            Arg::Text(s) => q.bind(s),
            Arg::Int(i) => q.bind(i),
            Arg::OptText(s) => q.bind(s),
            Arg::OptInt(i) => q.bind(i),
        }
    }
}

pub(crate) fn text(s: impl ToString) -> Arg {
    Arg::Text(s.to_string())
}

/// `$from, $from+1, …` for `n` placeholders.
fn placeholders(from: usize, n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push_str(", ");
        }
        let _ = write!(s, "${}", from + i);
    }
    s
}

/// Rows per multi-row INSERT. Only these few shapes are ever sent, so each
/// connection prepares them once and reuses them from its statement cache;
/// a shape per batch size would be parsed and planned anew every time.
const INSERT_SHAPES: [usize; 4] = [64, 16, 4, 1];
/// Sizes of `IN (…)` lists; a list is padded to the next size by repeating
/// its last id, which changes nothing for the statements used here.
const IN_SHAPES: [usize; 5] = [1, 8, 64, 256, 512];
/// Holds expired per batch at most, so a batch stays short after a long pause.
const SWEEP_LIMIT: i64 = 5_000;

async fn insert_rows(tx: &mut Tx, table: &str, cols: &[&str], rows: Vec<Vec<Arg>>) -> Result<()> {
    insert_rows_then(tx, table, cols, rows, "").await.map(|_| ())
}

/// Multi-row INSERTs in the fixed shapes, each followed by `suffix` (e.g. an
/// `ON CONFLICT` clause); returns the rows affected.
pub(crate) async fn insert_rows_then(
    tx: &mut Tx,
    table: &str,
    cols: &[&str],
    rows: Vec<Vec<Arg>>,
    suffix: &str,
) -> Result<u64> {
    let mut affected = 0;
    let per_row = cols.len();
    let mut rows = rows.into_iter().peekable();
    let mut left = rows.len();
    while rows.peek().is_some() {
        let n = INSERT_SHAPES.iter().copied().find(|s| *s <= left).unwrap_or(1);
        let chunk: Vec<Vec<Arg>> = rows.by_ref().take(n).collect();
        left -= chunk.len();
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", cols.join(", "));
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            let _ = write!(sql, "({})", placeholders(1 + i * per_row, per_row));
        }
        sql.push_str(suffix);
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for row in chunk {
            debug_assert_eq!(row.len(), per_row);
            for a in row {
                q = a.bind(q);
            }
        }
        affected += q.execute(&mut **tx).await?.rows_affected();
    }
    Ok(affected)
}

/// Splits ids into `IN` lists of the sizes in `IN_SHAPES`, padding the last.
pub(crate) fn in_chunks(ids: &[String]) -> Vec<Vec<String>> {
    let max = IN_SHAPES[IN_SHAPES.len() - 1];
    ids.chunks(max)
        .map(|c| {
            let size = IN_SHAPES.iter().copied().find(|s| *s >= c.len()).unwrap_or(max);
            let mut v = c.to_vec();
            let last = v.last().cloned().unwrap_or_default();
            v.resize(size, last);
            v
        })
        .collect()
}

/// `sql_with_in` (with `{in}` where the id list goes, after the `fixed`
/// leading arguments) for one chunk of ids.
pub(crate) fn in_query<'q>(sql_with_in: &str, fixed: &[Arg], chunk: Vec<String>) -> Query<'q, Any, AnyArguments> {
    let sql = sql_with_in.replace("{in}", &placeholders(fixed.len() + 1, chunk.len()));
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for a in fixed {
        q = a.clone().bind(q);
    }
    for id in chunk {
        q = q.bind(id);
    }
    q
}

/// Runs a query with an `IN` list over chunks of ids, collecting the rows.
pub(crate) async fn fetch_in(tx: &mut Tx, sql_with_in: &str, fixed: &[Arg], ids: &[String]) -> Result<Vec<AnyRow>> {
    let mut out = Vec::new();
    for chunk in in_chunks(ids) {
        out.extend(in_query(sql_with_in, fixed, chunk).fetch_all(&mut **tx).await?);
    }
    Ok(out)
}

/// Runs a statement with an `IN` list over chunks of ids.
pub(crate) async fn execute_in(tx: &mut Tx, sql_with_in: &str, fixed: &[Arg], ids: &[String]) -> Result<()> {
    for chunk in in_chunks(ids) {
        in_query(sql_with_in, fixed, chunk).execute(&mut **tx).await?;
    }
    Ok(())
}

fn state_of(row: &AnyRow, col: &str) -> Result<OrderState> {
    row.parse(col)
}

/// Everything a batch writes, gathered first and written at the end.
#[derive(Default)]
pub(crate) struct Writes {
    holds: Vec<Vec<Arg>>,
    allocations: Vec<Vec<Arg>>,
    orders: Vec<Vec<Arg>>,
    order_lines: Vec<Vec<Arg>>,
    history: Vec<Vec<Arg>>,
    tickets: Vec<Vec<Arg>>,
    /// quota -> (held delta, sold delta)
    deltas: BTreeMap<QuotaId, (i64, i64)>,
    /// (order ids, new order state, new hold state)
    transitions: Vec<(String, OrderState, &'static str)>,
    voided_orders: Vec<String>,
    seat_claims: Vec<Vec<Arg>>,
    /// Every seat status this batch changed, in order.
    seat_patches: Vec<(u32, SeatStatus)>,
    /// Blocked seats given back to sale: (event, seat index).
    unblocked_in: Vec<(String, i64)>,
    /// Holds whose seats become sold, and holds whose seats go back.
    sold_holds: Vec<String>,
    released_holds: Vec<String>,
    /// Promo code uses taken by reservations, their discount lines, and the
    /// change of each code's use counter.
    promo_uses: Vec<Vec<Arg>>,
    order_discounts: Vec<Vec<Arg>>,
    promo_deltas: BTreeMap<String, i64>,
    /// price tier -> (held delta, sold delta)
    tier_deltas: BTreeMap<PriceTierId, (i64, i64)>,
    pub(crate) money: crate::payments::MoneyWrites,
    /// The event's ticket types that sell a product: paying for them issues
    /// cards instead of tickets (loaded when the batch may pay an order).
    pub(crate) products: HashMap<TicketTypeId, tessera_domain::members::Product>,
    /// The resale listings the batch holds and settles.
    pub(crate) resale: crate::resale::BatchResale,
}

impl Writes {
    pub(crate) fn history(
        &mut self,
        order: &str,
        now: Timestamp,
        actor: &str,
        from: Option<OrderState>,
        to: OrderState,
        note: &str,
    ) {
        self.history.push(vec![
            text(uuid::Uuid::now_v7()),
            text(order),
            Arg::Int(micros(now)),
            text(actor),
            Arg::OptText(from.map(|s| s.as_str().to_string())),
            text(to.as_str()),
            text(note),
        ]);
    }

    /// Takes a seat: held by `hold`, or blocked without one. The status
    /// changes in the batch's copy too, so later operations see it.
    pub(crate) fn claim_seat(
        &mut self,
        event: EventId,
        plan: &crate::seating::SeatPlan,
        statuses: &mut [SeatStatus],
        i: tessera_seating::SeatIndex,
        hold: Option<&str>,
    ) {
        let status = if hold.is_some() { SeatStatus::Held } else { SeatStatus::Blocked };
        statuses[i.get()] = status;
        self.seat_patches.push((i.0, status));
        let seat = plan.map.seat(i);
        self.seat_claims.push(vec![
            text(event),
            Arg::Int(i64::from(i.0)),
            text(seat.id.0),
            text(crate::seating::seat_label(&plan.map, i)),
            Arg::OptText(plan.zones.get(&seat.category).map(|t| t.to_string())),
            text(if hold.is_some() { "held" } else { "blocked" }),
            Arg::OptText(hold.map(str::to_string)),
        ]);
    }

    fn delta(&mut self, quota: QuotaId, held: i64, sold: i64) {
        let e = self.deltas.entry(quota).or_default();
        e.0 += held;
        e.1 += sold;
    }

    fn tier_delta(&mut self, tier: PriceTierId, held: i64, sold: i64) {
        let e = self.tier_deltas.entry(tier).or_default();
        e.0 += held;
        e.1 += sold;
    }
}

/// An order already in the database, as a batch needs it.
pub(crate) struct Existing {
    pub(crate) order: Order,
    /// All service fees of the order, whoever pays them.
    pub(crate) fees_total: i64,
    pub(crate) allocations: Vec<(QuotaId, i64)>,
    /// The hold's seats: (seat index, ticket type, label).
    pub(crate) seats: Vec<(u32, TicketTypeId, String)>,
    /// The seats the hold took when it was made (kept after it expired).
    pub(crate) hold_seats: Vec<u32>,
    /// The resale listing the order buys, if it is a resale order.
    pub(crate) resale_listing: Option<String>,
}

impl Store {
    /// Opens the transaction that writes inventory: `BEGIN IMMEDIATE` on
    /// SQLite, so the write lock is taken before the first read.
    pub(crate) async fn begin_write(&self) -> Result<Tx> {
        Ok(match self.backend {
            Backend::Sqlite => self.write.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.write.begin().await?,
        })
    }

    /// Applies a batch of operations to one event's inventory in one
    /// transaction and returns one result per operation, in order. The whole
    /// call fails (and nothing is written) only for database errors or an
    /// unknown event.
    pub async fn inventory_batch(
        &self,
        event_id: EventId,
        now: Timestamp,
        ops: Vec<InventoryOp>,
    ) -> Result<Vec<OpResult>> {
        self.inventory_batch_idem(event_id, now, ops.into_iter().map(|o| (o, None)).collect()).await
    }

    /// [`Self::inventory_batch`] where operations may carry their
    /// Idempotency-Key claim: an operation whose claim is no longer its
    /// owner's is skipped ([`OpError::ClaimLost`]), and one that succeeds
    /// stores its response in the same transaction as its effect.
    pub async fn inventory_batch_idem(
        &self,
        event_id: EventId,
        now: Timestamp,
        ops: Vec<(InventoryOp, Option<IdemWrite>)>,
    ) -> Result<Vec<OpResult>> {
        let mut tx = self.begin_write().await?;
        let lock = if self.backend == Backend::Postgres { " FOR UPDATE" } else { "" };
        let row = sqlx::query(dynsql!("SELECT {} FROM events e WHERE e.id = $1{lock}", crate::catalog::EVENT_COLS))
            .bind(event_id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else { return Err(StoreError::NotFound) };
        let event = crate::catalog::event_from(&row)?;
        let freed = sweep_in(&mut tx, self.backend, event_id, now).await?;
        // Operations whose claim was taken over by another process are not
        // applied: that process runs the request instead.
        let held = {
            let claims: Vec<_> = ops.iter().filter_map(|(_, w)| w.as_ref().map(|w| &w.claim)).collect();
            crate::idempotency::fence_in(&mut tx, &claims).await?
        };
        let mut ops_kept = Vec::with_capacity(ops.len());
        let mut claims = Vec::with_capacity(ops.len());
        let mut lost = vec![false; ops.len()];
        for (i, (op, idem)) in ops.into_iter().enumerate() {
            if let Some(w) = &idem
                && !held.contains(&w.claim)
            {
                lost[i] = true;
                continue;
            }
            ops_kept.push(op);
            claims.push(idem);
        }
        let ops = ops_kept;
        // The waitlist's next entries, as reservations to decide in order.
        let mut candidates = if crate::waitlist::wanted(&ops) {
            crate::waitlist::candidates_in(&mut tx, self.backend, event_id, now).await?
        } else {
            Vec::new()
        };
        let mut waitlist = crate::waitlist::Outcome::default();

        // Payments may revive an expired order, which needs the quotas' counters.
        let needs_snapshot = ops.iter().any(|o| matches!(o, InventoryOp::Reserve(_) | InventoryOp::Payment(_)))
            || !candidates.is_empty();
        let card_codes: Vec<String> = {
            let mut c: Vec<String> = ops
                .iter()
                .filter_map(|o| match o {
                    InventoryOp::GiftCard(p) => Some(p.code.clone()),
                    _ => None,
                })
                .collect();
            c.sort();
            c.dedup();
            c
        };
        let mut cards = crate::giftcards::load_cards(&mut tx, self.backend, event.org_id, &card_codes).await?;
        let mut snap = if needs_snapshot {
            let extra = crate::waitlist::buyer_keys(&candidates);
            Some(load_snapshot(&mut tx, self.backend, event.clone(), &ops, &extra, now).await?)
        } else {
            None
        };
        let confirms = ops
            .iter()
            .any(|o| matches!(o, InventoryOp::Confirm { .. } | InventoryOp::GiftCard(_) | InventoryOp::Points(_)));
        let (pricing, products) = if needs_snapshot || confirms {
            (
                crate::payments::pricing_in(&mut tx, event_id).await?,
                crate::members::products_in(&mut tx, event_id).await?,
            )
        } else {
            (EventPricing::default(), HashMap::new())
        };
        let existing_ids: Vec<String> = ops
            .iter()
            .filter_map(|o| match o {
                InventoryOp::Confirm { order, .. }
                | InventoryOp::Cancel { order, .. }
                | InventoryOp::RefundDone { order, .. } => Some(order.to_string()),
                InventoryOp::StartPayment(p) => Some(p.order.to_string()),
                InventoryOp::Payment(p) => Some(p.order.to_string()),
                InventoryOp::GiftCard(p) => Some(p.order.to_string()),
                InventoryOp::Points(p) => Some(p.order.to_string()),
                _ => None,
            })
            .collect();
        let mut existing = load_existing(&mut tx, event_id, &existing_ids).await?;
        // The points accounts of these orders' buyers, locked before any of
        // them changes (an order paid earns, a refund takes back).
        let mut points = crate::loyalty::lock_accounts(&mut tx, self.backend, event.org_id, &existing_ids, now).await?;
        // Payments too: a late one may take its expired hold's seats again.
        let wants_seats = ops.iter().any(|o| {
            matches!(o, InventoryOp::Reserve(n) if n.seats.is_some())
                || matches!(o, InventoryOp::BlockSeats { .. } | InventoryOp::Payment(_))
        });
        let mut seats = if wants_seats { self.load_seats(&mut tx, event_id, &freed).await? } else { None };
        // A seated event sells by seat only: a line order would sell a seat
        // without taking one.
        let seated = seats.is_some()
            || (needs_snapshot
                && sqlx::query("SELECT event_id FROM event_seating WHERE event_id = $1")
                    .bind(event_id.to_string())
                    .fetch_optional(&mut *tx)
                    .await?
                    .is_some());

        // Integrators hear of new orders only where an endpoint asks for it:
        // one cheap query per batch, nothing per reservation otherwise.
        let emits = ops.iter().any(|o| !matches!(o, InventoryOp::Sweep | InventoryOp::BlockSeats { .. }));
        let hooks =
            if emits { crate::payments::subscriptions_in(&mut tx, event.org_id).await? } else { Default::default() };
        let mut ops = ops;
        unique_references(&mut tx, &mut ops).await?;
        let mut money = crate::payments::BatchMoney::load(&mut tx, &ops, &existing_ids).await?;
        let mut w = Writes::default();
        w.money.hooks = hooks;
        w.products = products;
        let reserve_listings: Vec<String> = ops
            .iter()
            .filter_map(|o| match o {
                InventoryOp::Reserve(n) => n.resale_listing.clone(),
                _ => None,
            })
            .collect();
        let plain_reserves = ops.iter().any(|o| matches!(o, InventoryOp::Reserve(n) if n.resale_listing.is_none()));
        // The resale orders among the existing ones, read with them.
        let resale_orders: Vec<(String, String)> =
            existing.iter().filter_map(|(id, e)| e.resale_listing.clone().map(|l| (id.clone(), l))).collect();
        w.resale = crate::resale::BatchResale::load(
            &mut tx,
            self.backend,
            event_id,
            &reserve_listings,
            plain_reserves,
            resale_orders,
            now,
        )
        .await?;
        let mut results = Vec::with_capacity(ops.len());
        for op in ops {
            // Paying a resale order whose listing can no longer be sold is
            // refused before anything is taken.
            let paying = match &op {
                InventoryOp::Confirm { order, .. } => Some(order.to_string()),
                InventoryOp::StartPayment(p) => Some(p.order.to_string()),
                InventoryOp::GiftCard(p) => Some(p.order.to_string()),
                InventoryOp::Points(p) => Some(p.order.to_string()),
                _ => None,
            };
            if let Some(why) = paying.and_then(|o| w.resale.blocks(&o, now)) {
                results.push(Err(crate::resale::gone(why)));
                continue;
            }
            let r = match op {
                InventoryOp::Sweep => Ok(None),
                InventoryOp::Waitlist => {
                    let snap = snap.as_mut().filter(|_| !candidates.is_empty());
                    if let Some(snap) = snap {
                        let cx = crate::waitlist::OfferCx { event: &event, now, seated, pricing: &pricing };
                        crate::waitlist::offer_all(&cx, snap, std::mem::take(&mut candidates), &mut w, &mut waitlist);
                    }
                    Ok(None)
                }
                InventoryOp::BlockSeats { seats: ids, block } => {
                    block_seats(&event, seats.as_mut(), &ids, block, &mut w).map_err(OpError::Reserve)
                }
                InventoryOp::Reserve(n) => {
                    let snap = snap.as_mut().ok_or_else(|| StoreError::Corrupt("no snapshot".into()))?;
                    let r = reserve(snap, &event, &n, now, &mut w, seats.as_mut(), seated, &pricing);
                    if w.money.wants("order.created")
                        && let Ok(Some(o)) = &r
                    {
                        w.money.outbox(event.org_id, crate::payments::webhook("order.created", o, now), now);
                    }
                    r
                }
                InventoryOp::Confirm { order, actor, note } => {
                    let t = Transition::new(&event, order, OrderState::Paid, &actor, &note, now, &pricing);
                    transition(&mut existing, t, snap.as_mut(), &mut w, seats.as_mut())
                }
                InventoryOp::Cancel { order, actor, note } => {
                    let t = Transition::new(&event, order, OrderState::Cancelled, &actor, &note, now, &pricing);
                    transition(&mut existing, t, snap.as_mut(), &mut w, seats.as_mut())
                }
                InventoryOp::StartPayment(p) => crate::payments::start_payment(&mut existing, &event, &p, now, &mut w),
                InventoryOp::Payment(p) => {
                    let cx = crate::payments::PayCx { event: &event, pricing: &pricing, seated, now };
                    crate::payments::apply_provider_event(
                        &cx,
                        &p,
                        &mut money,
                        &mut existing,
                        snap.as_mut(),
                        &mut w,
                        seats.as_mut(),
                    )
                }
                InventoryOp::GiftCard(p) => {
                    let cx = crate::payments::PayCx { event: &event, pricing: &pricing, seated, now };
                    crate::payments::pay_with_gift_card(
                        &cx,
                        &p,
                        &mut cards,
                        &mut money,
                        &mut existing,
                        snap.as_mut(),
                        &mut w,
                        seats.as_mut(),
                    )
                }
                InventoryOp::Points(p) => {
                    let cx = crate::payments::PayCx { event: &event, pricing: &pricing, seated, now };
                    crate::payments::pay_with_points(
                        &cx,
                        &p,
                        &mut points,
                        &mut money,
                        &mut existing,
                        snap.as_mut(),
                        &mut w,
                        seats.as_mut(),
                    )
                }
                InventoryOp::RefundDone { order, refund, provider_ref } => {
                    let cx = crate::payments::PayCx { event: &event, pricing: &pricing, seated, now };
                    crate::payments::refund_done(
                        &cx,
                        order,
                        &refund,
                        provider_ref,
                        &mut money,
                        &mut existing,
                        &mut w,
                        seats.as_mut(),
                    )
                }
            };
            results.push(r);
        }
        for (r, idem) in results.iter().zip(&claims) {
            if let (Ok(Some(order)), Some(w)) = (r, idem) {
                let (status, body) = (w.render)(order);
                crate::idempotency::complete_in(&mut tx, &w.claim, status, &body).await?;
            }
        }
        // The skipped operations' answers, in their places.
        let mut kept = results.into_iter();
        let results: Vec<OpResult> =
            lost.iter().map(|&l| if l { Err(OpError::ClaimLost) } else { kept.next().unwrap_or(Ok(None)) }).collect();
        // Every seat status this batch changed, expired holds first.
        let mut patches: Vec<(u32, SeatStatus)> = freed.iter().map(|i| (*i, SeatStatus::Available)).collect();
        patches.extend(std::mem::take(&mut w.seat_patches));
        flush(&mut tx, self.backend, w, now).await?;
        crate::waitlist::record_in(&mut tx, waitlist, now).await?;
        let versions = if patches.is_empty() { None } else { self.bump_claims(&mut tx, event_id).await? };
        tx.commit().await?;
        if let Some(v) = versions {
            self.remember_statuses(event_id, v, seats, &patches);
        }
        Ok(results)
    }

    /// Expires what is due for one event, in its own batch.
    pub async fn sweep_event(&self, event: EventId, now: Timestamp) -> Result<()> {
        self.inventory_batch(event, now, vec![InventoryOp::Sweep]).await.map(|_| ())
    }

    /// Events that have holds past their expiry, for the sweeper.
    pub async fn events_with_expired_holds(&self, now: Timestamp, limit: i64) -> Result<Vec<EventId>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT DISTINCT event_id FROM holds WHERE state = 'active' AND expires_at <= $1 LIMIT $2")
                .bind(micros(now))
                .bind(limit)
                .fetch_all(&self.read)
                .await?;
        rows.into_iter().map(|(e,)| e.parse().map_err(|_| StoreError::Corrupt("event id".into()))).collect()
    }

    /// An order with lines, tickets and history, and the hash of its buyer token.
    pub async fn order(&self, id: OrderId) -> Result<Option<(Order, String, Option<UserId>)>> {
        let Some((mut order, token_hash, user)) = self.order_head(id).await? else { return Ok(None) };
        self.fill_order(&mut order).await?;
        Ok(Some((order, token_hash, user)))
    }

    /// Just enough of an order to check who may act on it and route it to
    /// its event's batch: (order without lines, tickets or history, token hash, buyer).
    pub async fn order_head(&self, id: OrderId) -> Result<Option<(Order, String, Option<UserId>)>> {
        let row = sqlx::query(dynsql!(
            "SELECT {ORDER_COLS}, h.token_hash FROM orders o JOIN holds h ON h.id = o.hold_id WHERE o.id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(&self.read)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let user = row.opt_text("buyer_user_id")?.and_then(|u| u.parse().ok());
        Ok(Some((order_from(&row)?, row.text("token_hash")?, user)))
    }

    async fn fill_order(&self, order: &mut Order) -> Result<()> {
        let id = order.id.to_string();
        let lines = sqlx::query(
            "SELECT ticket_type_id, tier_id, name, quantity, unit_price_minor, tax_minor, tax_rate_bp, tax_inclusive, fee_minor FROM order_lines WHERE order_id = $1 ORDER BY name, ticket_type_id, tier_id",
        )
        .bind(id.clone())
        .fetch_all(&self.read)
        .await?;
        order.lines = lines.iter().map(|r| line_from(r, order.total.currency)).collect::<Result<_>>()?;
        if order.discount.amount_minor != 0 {
            let cur = HashMap::from([(id.clone(), order.total.currency)]);
            order.discounts = self.discounts_of(std::slice::from_ref(&id), &cur).await?.remove(&id).unwrap_or_default();
        }
        let tickets =
            sqlx::query("SELECT id, ticket_type_id, holder_name, status FROM tickets WHERE order_id = $1 ORDER BY id")
                .bind(id.clone())
                .fetch_all(&self.read)
                .await?;
        order.tickets = tickets.iter().map(ticket_from).collect::<Result<_>>()?;
        let history = sqlx::query(
            "SELECT at, actor, from_state, to_state, note FROM order_history WHERE order_id = $1 ORDER BY at, id",
        )
        .bind(id)
        .fetch_all(&self.read)
        .await?;
        order.history = history
            .iter()
            .map(|r| {
                Ok(HistoryEntry {
                    at: r.ts("at")?,
                    actor: r.text("actor")?,
                    from_state: r
                        .opt_text("from_state")?
                        .map(|s| s.parse())
                        .transpose()
                        .map_err(StoreError::Corrupt)?,
                    to_state: state_of(r, "to_state")?,
                    note: r.text("note")?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(())
    }

    /// An organization's orders, newest first, with lines (no tickets or history).
    pub async fn orders(&self, org: OrgId, find: &OrderSearch<'_>, limit: i64, offset: i64) -> Result<Vec<Order>> {
        let OrderSearch { event, state, partially_refunded, search, placed_from, placed_before } = *find;
        let mut sql = format!("SELECT {ORDER_COLS} FROM orders o WHERE o.org_id = $1");
        let mut args = vec![text(org)];
        if let Some(q) = search.map(str::trim).filter(|q| !q.is_empty()) {
            // The reference exactly (any case), or a part of the buyer's
            // name or e-mail address; LIKE's wildcards in the text are literal.
            let pattern =
                format!("%{}%", q.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
            args.push(text(q.to_uppercase()));
            args.push(text(pattern));
            let (r, p) = (args.len() - 1, args.len());
            let _ = write!(
                sql,
                " AND (o.reference = ${r} OR LOWER(o.buyer_email) LIKE ${p} ESCAPE '\\' \
                 OR LOWER(o.buyer_name) LIKE ${p} ESCAPE '\\')"
            );
        }
        if let Some(e) = event {
            args.push(text(e));
            let _ = write!(sql, " AND o.event_id = ${}", args.len());
        }
        if let Some(s) = state {
            args.push(text(s.as_str()));
            let _ = write!(sql, " AND o.state = ${}", args.len());
        }
        if partially_refunded {
            // What RefundStatus::of calls partial, on a paid order.
            sql.push_str(" AND o.state = 'paid' AND o.refunded_minor > 0 AND o.refunded_minor < o.paid_minor");
        }
        if let Some(t) = placed_from {
            args.push(Arg::Int(crate::row::micros(t)));
            let _ = write!(sql, " AND o.created_at >= ${}", args.len());
        }
        if let Some(t) = placed_before {
            args.push(Arg::Int(crate::row::micros(t)));
            let _ = write!(sql, " AND o.created_at < ${}", args.len());
        }
        let _ =
            write!(sql, " ORDER BY o.created_at DESC, o.id DESC LIMIT ${} OFFSET ${}", args.len() + 1, args.len() + 2);
        args.push(Arg::Int(limit));
        args.push(Arg::Int(offset));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for a in args {
            q = a.bind(q);
        }
        let rows = q.fetch_all(&self.read).await?;
        let mut orders = rows.iter().map(order_from).collect::<Result<Vec<_>>>()?;
        for o in &mut orders {
            self.fill_order(o).await?;
            o.tickets.clear();
            o.history.clear();
        }
        Ok(orders)
    }

    /// A signed-in buyer's orders, newest first, with their lines.
    pub async fn buyer_orders(&self, user: UserId, limit: i64, offset: i64) -> Result<Vec<Order>> {
        let rows = sqlx::query(dynsql!(
            "SELECT {ORDER_COLS} FROM orders o WHERE o.buyer_user_id = $1 ORDER BY o.created_at DESC, o.id DESC LIMIT $2 OFFSET $3"
        ))
        .bind(user.to_string())
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.read)
        .await?;
        let mut orders = rows.iter().map(order_from).collect::<Result<Vec<_>>>()?;
        for o in &mut orders {
            self.fill_order(o).await?;
            o.history.clear();
        }
        Ok(orders)
    }

    /// The lowest price the public ticket types of each of `events` sell at
    /// `now` (a price tier's while one is open), as (event id, price in minor
    /// units, currency): the event cards' "from €25". Events without public
    /// ticket types are left out.
    pub async fn lowest_public_prices(
        &self,
        events: &[EventId],
        now: Timestamp,
    ) -> Result<Vec<(EventId, i64, String)>> {
        let ids: Vec<String> = events.iter().map(ToString::to_string).collect();
        let mut lowest: HashMap<(String, String), i64> = HashMap::new();
        for chunk in in_chunks(&ids) {
            let rows = in_query(
                "SELECT id, event_id, price_minor, currency FROM ticket_types \
                 WHERE visibility = 'public' AND event_id IN ({in})",
                &[],
                chunk.clone(),
            )
            .fetch_all(&self.read)
            .await?;
            let tiers = crate::tiers::of_events(&self.read, chunk).await?;
            for r in &rows {
                let tt: TicketTypeId = r.parse("id")?;
                let currency =
                    Currency::parse(&r.text("currency")?).map_err(|_| StoreError::Corrupt("currency".into()))?;
                let list = Money::new(r.int("price_minor")?, currency);
                let open = tiers.get(&tt).map(Vec::as_slice).unwrap_or(&[]);
                let price = tessera_domain::tiers::current(list, open, now).0.amount_minor;
                let e = lowest.entry((r.text("event_id")?, r.text("currency")?)).or_insert(price);
                *e = (*e).min(price);
            }
        }
        let mut out = Vec::new();
        for ((event, currency), low) in lowest {
            let id = event.parse().map_err(|_| StoreError::Corrupt("an event id".into()))?;
            out.push((id, low, currency));
        }
        Ok(out)
    }

    /// The order with this reference (references are unique), as
    /// (order id, buyer's e-mail address): for "find my order".
    pub async fn order_by_reference(&self, reference: &str) -> Result<Option<(OrderId, String)>> {
        let row = sqlx::query("SELECT id, buyer_email FROM orders WHERE reference = $1")
            .bind(reference)
            .fetch_optional(&self.read)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let id = row.text("id")?.parse().map_err(|_| StoreError::Corrupt("an order id".into()))?;
        Ok(Some((id, row.text("buyer_email")?)))
    }

    /// Tickets issued for an event, by status: for checks and reports.
    pub async fn ticket_counts(&self, event: EventId) -> Result<HashMap<String, i64>> {
        let rows = sqlx::query("SELECT status, COUNT(*) AS n FROM tickets WHERE event_id = $1 GROUP BY status")
            .bind(event.to_string())
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(|r| Ok((r.text("status")?, r.int("n")?))).collect()
    }

    /// Which event an order belongs to (to route it to the event's batch).
    pub async fn order_event(&self, id: OrderId) -> Result<Option<(EventId, OrgId)>> {
        let row: Option<(String, String)> = sqlx::query_as("SELECT event_id, org_id FROM orders WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.read)
            .await?;
        row.map(|(e, o)| {
            Ok((
                e.parse().map_err(|_| StoreError::Corrupt("event id".into()))?,
                o.parse().map_err(|_| StoreError::Corrupt("org id".into()))?,
            ))
        })
        .transpose()
    }
}

/// Which of an organization's orders to list; every part narrows the list.
#[derive(Debug, Clone, Copy, Default)]
pub struct OrderSearch<'a> {
    pub event: Option<EventId>,
    pub state: Option<OrderState>,
    /// Only paid orders with part (not all) of their payment given back.
    pub partially_refunded: bool,
    /// The reference exactly, or part of the buyer's name or e-mail address.
    pub search: Option<&'a str>,
    /// Placed at or after this instant.
    pub placed_from: Option<Timestamp>,
    /// Placed before this instant.
    pub placed_before: Option<Timestamp>,
}

pub(crate) const ORDER_COLS: &str = "o.id, o.org_id, o.event_id, o.reference, o.buyer_user_id, o.buyer_email, o.buyer_name, o.state, o.total_minor, o.currency, o.created_at, o.expires_at, o.paid_at, o.subtotal_minor, o.tax_minor, o.fee_charged_minor, o.paid_minor, o.refunded_minor, o.fee_minor, o.locale, o.discount_minor";

fn line_from(r: &AnyRow, currency: Currency) -> Result<OrderLine> {
    Ok(OrderLine {
        ticket_type_id: r.parse("ticket_type_id")?,
        name: r.text("name")?,
        quantity: r.int("quantity")?,
        unit_price: Money::new(r.int("unit_price_minor")?, currency),
        tax: Money::new(r.int("tax_minor")?, currency),
        tax_rate_bp: r.int("tax_rate_bp")?,
        tax_inclusive: r.int("tax_inclusive")? != 0,
        fees: Money::new(r.int("fee_minor")?, currency),
        price_tier_id: match r.text("tier_id")? {
            t if t.is_empty() => None,
            t => Some(t.parse().map_err(|_| StoreError::Corrupt("order_lines.tier_id".into()))?),
        },
    })
}

pub(crate) fn order_from(r: &AnyRow) -> Result<Order> {
    let cur = Currency::parse(&r.text("currency")?).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let money = |col: &str| r.int(col).map(|a| Money::new(a, cur));
    Ok(Order {
        subtotal: money("subtotal_minor")?,
        discount: money("discount_minor")?,
        discounts: Vec::new(),
        tax: money("tax_minor")?,
        fees: money("fee_charged_minor")?,
        paid: money("paid_minor")?,
        refunded: money("refunded_minor")?,
        refund_status: RefundStatus::of(r.int("paid_minor")?, r.int("refunded_minor")?),
        id: r.parse("id")?,
        org_id: r.parse("org_id")?,
        event_id: r.parse("event_id")?,
        reference: r.text("reference")?,
        state: state_of(r, "state")?,
        buyer_email: r.text("buyer_email")?,
        buyer_name: r.text("buyer_name")?,
        locale: r.text("locale")?,
        total: money("total_minor")?,
        lines: Vec::new(),
        tickets: Vec::new(),
        history: Vec::new(),
        created_at: r.ts("created_at")?,
        expires_at: r.ts("expires_at")?,
        paid_at: r.opt_ts("paid_at")?,
    })
}

/// Order references are short for people's sake, so they can collide:
/// proposals already taken (by an earlier order or one in this batch) are
/// replaced with fresh ones before anything is written.
async fn unique_references(tx: &mut Tx, ops: &mut [InventoryOp]) -> Result<()> {
    for _ in 0..5 {
        let proposed: Vec<String> = ops
            .iter()
            .filter_map(|o| match o {
                InventoryOp::Reserve(n) => Some(n.reference.clone()),
                _ => None,
            })
            .collect();
        if proposed.is_empty() {
            return Ok(());
        }
        let mut taken: std::collections::HashSet<String> =
            fetch_in(tx, "SELECT reference FROM orders WHERE reference IN ({in})", &[], &proposed)
                .await?
                .iter()
                .map(|r| r.text("reference"))
                .collect::<Result<_>>()?;
        let mut changed = false;
        for op in ops.iter_mut() {
            if let InventoryOp::Reserve(n) = op
                && !taken.insert(n.reference.clone())
            {
                n.reference = fresh_reference();
                changed = true;
            }
        }
        if !changed {
            return Ok(());
        }
    }
    Err(StoreError::Corrupt("could not find unused order references".into()))
}

/// Twelve characters of Crockford's base32 (60 random bits).
pub fn fresh_reference() -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let bits = uuid::Uuid::now_v7().as_u128();
    // The low 62 bits of a UUIDv7 are random.
    (0..12).map(|i| ALPHABET[((bits >> (i * 5)) & 31) as usize] as char).collect()
}

/// Expires the event's active holds that are due, their pending orders, and
/// gives their inventory back.
/// Returns the seats the expired holds gave back.
async fn sweep_in(tx: &mut Tx, backend: Backend, event: EventId, now: Timestamp) -> Result<Vec<u32>> {
    let rows = sqlx::query(
        "UPDATE holds SET state = 'expired', ended_at = $2
         WHERE id IN (SELECT id FROM holds WHERE event_id = $1 AND state = 'active' AND expires_at <= $2 LIMIT $3)
         RETURNING id",
    )
    .bind(event.to_string())
    .bind(micros(now))
    .bind(SWEEP_LIMIT)
    .fetch_all(&mut **tx)
    .await?;
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<String> = rows.iter().map(|r| r.text("id")).collect::<Result<_>>()?;
    let sums = fetch_in(
        tx,
        "SELECT quota_id, CAST(SUM(quantity) AS BIGINT) AS n FROM hold_allocations WHERE hold_id IN ({in}) GROUP BY quota_id",
        &[],
        &ids,
    )
    .await?;
    let mut deltas: BTreeMap<String, i64> = BTreeMap::new();
    for r in &sums {
        *deltas.entry(r.text("quota_id")?).or_default() += r.int("n")?;
    }
    for (quota, n) in deltas {
        sqlx::query("UPDATE quotas SET held = held - $2 WHERE id = $1").bind(quota).bind(n).execute(&mut **tx).await?;
    }
    let tiers = fetch_in(
        tx,
        "SELECT tier_id, CAST(SUM(quantity) AS BIGINT) AS n FROM order_lines WHERE order_id IN ({in}) AND tier_id <> '' GROUP BY tier_id",
        &[],
        &ids,
    )
    .await?;
    for r in &tiers {
        sqlx::query("UPDATE price_tiers SET held = held - $2 WHERE id = $1")
            .bind(r.text("tier_id")?)
            .bind(r.int("n")?)
            .execute(&mut **tx)
            .await?;
    }
    let mut freed = Vec::new();
    for r in fetch_in(tx, "DELETE FROM seat_claims WHERE hold_id IN ({in}) RETURNING seat_index", &[], &ids).await? {
        freed.push(u32::try_from(r.int("seat_index")?).map_err(|_| StoreError::Corrupt("seat index".into()))?);
    }
    execute_in(
        tx,
        "UPDATE orders SET state = 'expired', updated_at = $1 WHERE state = 'pending' AND id IN ({in})",
        &[Arg::Int(micros(now))],
        &ids,
    )
    .await?;
    let mut w = Writes::default();
    for id in &ids {
        w.history(
            id,
            now,
            "system",
            Some(OrderState::Pending),
            OrderState::Expired,
            "the hold expired; inventory released",
        );
    }
    insert_rows(tx, "order_history", HISTORY_COLS, w.history).await?;
    crate::pricing::release_uses(tx, &ids).await?;
    crate::giftcards::give_back(tx, &ids, "order expired", now).await?;
    crate::loyalty::give_back(tx, backend, &ids, "order expired", now).await?;
    Ok(freed)
}

const HISTORY_COLS: &[&str] = &["id", "order_id", "at", "actor", "from_state", "to_state", "note"];

async fn load_snapshot(
    tx: &mut Tx,
    backend: crate::Backend,
    event: Event,
    ops: &[InventoryOp],
    extra_buyers: &[String],
    now: Timestamp,
) -> Result<Snapshot> {
    let eid = event.id.to_string();
    let rows = sqlx::query(dynsql!("SELECT {} FROM ticket_types WHERE event_id = $1", crate::catalog::TT_COLS))
        .bind(eid.clone())
        .fetch_all(&mut **tx)
        .await?;
    let mut ticket_types: Vec<TicketType> = rows.iter().map(crate::catalog::ticket_type_from).collect::<Result<_>>()?;
    let links = sqlx::query(
        "SELECT l.ticket_type_id, l.quota_id FROM ticket_type_quotas l JOIN quotas q ON q.id = l.quota_id
         WHERE q.event_id = $1 ORDER BY l.quota_id",
    )
    .bind(eid.clone())
    .fetch_all(&mut **tx)
    .await?;
    for l in &links {
        let tt: String = l.text("ticket_type_id")?;
        if let Some(t) = ticket_types.iter_mut().find(|t| t.id.to_string() == tt) {
            t.quota_ids.push(l.parse("quota_id")?);
        }
    }
    let qrows = sqlx::query("SELECT id, capacity, sold, held FROM quotas WHERE event_id = $1")
        .bind(eid.clone())
        .fetch_all(&mut **tx)
        .await?;
    let quotas = qrows
        .iter()
        .map(|r| {
            Ok((
                r.parse("id")?,
                QuotaCounters { capacity: r.int("capacity")?, sold: r.int("sold")?, held: r.int("held")? },
            ))
        })
        .collect::<Result<HashMap<_, _>>>()?;
    let mut bought_by = HashMap::new();
    if event.max_tickets_per_customer.is_some() {
        let mut keys: Vec<String> = ops
            .iter()
            .filter_map(|o| match o {
                InventoryOp::Reserve(n) => Some(n.request.buyer_key.clone()),
                _ => None,
            })
            .chain(extra_buyers.iter().cloned())
            .collect();
        keys.sort();
        keys.dedup();
        let rows = fetch_in(
            tx,
            "SELECT h.buyer_key, CAST(SUM(l.quantity) AS BIGINT) AS n FROM holds h JOIN order_lines l ON l.order_id = h.id
             WHERE h.event_id = $1 AND h.state IN ('active', 'sold') AND h.buyer_key IN ({in}) GROUP BY h.buyer_key",
            &[text(&eid)],
            &keys,
        )
        .await?;
        for r in &rows {
            bought_by.insert(r.text("buyer_key")?, r.int("n")?);
        }
    }
    let (mut codes, mut buyers) = (Vec::new(), Vec::new());
    for o in ops {
        if let InventoryOp::Reserve(n) = o
            && let Some(c) = &n.request.promo_code
        {
            codes.push(c.clone());
            buyers.push(n.request.buyer_key.clone());
        }
    }
    codes.sort();
    codes.dedup();
    buyers.sort();
    buyers.dedup();
    let promos = crate::pricing::load_promos(tx, backend, event.org_id, &codes, &buyers).await?;
    let tiers = crate::tiers::load_for_event(tx, event.id).await?;
    let member_rules = crate::members::rules_in(tx, event.id).await?;
    Ok(Snapshot { event, ticket_types, quotas, bought_by, promos, tiers, member_rules, now })
}

/// The orders a batch confirms or cancels, whole (lines, tickets, history),
/// so that each operation can answer with the order as it now is.
async fn load_existing(tx: &mut Tx, event: EventId, ids: &[String]) -> Result<HashMap<String, Existing>> {
    let mut out = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    // By primary key only: with the event in the WHERE clause SQLite may
    // scan the event's index instead. Other events' orders are left out here.
    let rows = fetch_in(
        tx,
        &format!("SELECT {ORDER_COLS}, o.resale_listing_id FROM orders o WHERE o.id IN ({{in}})"),
        &[],
        ids,
    )
    .await?;
    for r in &rows {
        let order = order_from(r)?;
        if order.event_id == event {
            let fees_total = r.int("fee_minor")?;
            out.insert(
                order.id.to_string(),
                Existing {
                    order,
                    fees_total,
                    allocations: vec![],
                    seats: vec![],
                    hold_seats: vec![],
                    resale_listing: r.opt_text("resale_listing_id")?,
                },
            );
        }
    }
    let found: Vec<String> = out.keys().cloned().collect();
    for r in fetch_in(tx, "SELECT id, seat_indexes FROM holds WHERE id IN ({in})", &[], &found).await? {
        if let (Some(e), Some(list)) = (out.get_mut(&r.text("id")?), r.opt_text("seat_indexes")?) {
            e.hold_seats = list.split(',').filter_map(|i| i.parse().ok()).collect();
        }
    }
    for r in
        fetch_in(tx, "SELECT hold_id, quota_id, quantity FROM hold_allocations WHERE hold_id IN ({in})", &[], &found)
            .await?
    {
        if let Some(e) = out.get_mut(&r.text("hold_id")?) {
            e.allocations.push((r.parse("quota_id")?, r.int("quantity")?));
        }
    }
    let lines = fetch_in(
        tx,
        "SELECT order_id, ticket_type_id, tier_id, name, quantity, unit_price_minor, tax_minor, tax_rate_bp, tax_inclusive, fee_minor FROM order_lines WHERE order_id IN ({in}) ORDER BY name, ticket_type_id, tier_id",
        &[],
        &found,
    )
    .await?;
    for r in &lines {
        if let Some(e) = out.get_mut(&r.text("order_id")?) {
            let currency = e.order.total.currency;
            e.order.lines.push(line_from(r, currency)?);
        }
    }
    let discounted: Vec<String> =
        out.iter().filter(|(_, e)| e.order.discount.amount_minor != 0).map(|(id, _)| id.clone()).collect();
    let rows = fetch_in(
        tx,
        "SELECT order_id, code, description, amount_minor FROM order_discounts WHERE order_id IN ({in}) ORDER BY order_id, position",
        &[],
        &discounted,
    )
    .await?;
    for r in &rows {
        if let Some(e) = out.get_mut(&r.text("order_id")?) {
            let currency = e.order.total.currency;
            e.order.discounts.push(tessera_domain::pricing::OrderDiscount {
                code: r.text("code")?,
                description: r.text("description")?,
                amount: Money::new(r.int("amount_minor")?, currency),
            });
        }
    }
    let claims = fetch_in(
        tx,
        "SELECT hold_id, seat_index, ticket_type_id, label FROM seat_claims WHERE hold_id IN ({in}) ORDER BY seat_index",
        &[],
        &found,
    )
    .await?;
    for r in &claims {
        if let Some(e) = out.get_mut(&r.text("hold_id")?) {
            let index = u32::try_from(r.int("seat_index")?).map_err(|_| StoreError::Corrupt("seat index".into()))?;
            e.seats.push((index, r.parse("ticket_type_id")?, r.text("label")?));
        }
    }
    let tickets = fetch_in(
        tx,
        "SELECT order_id, id, ticket_type_id, holder_name, status FROM tickets WHERE order_id IN ({in}) ORDER BY id",
        &[],
        &found,
    )
    .await?;
    for r in &tickets {
        if let Some(e) = out.get_mut(&r.text("order_id")?) {
            e.order.tickets.push(ticket_from(r)?);
        }
    }
    let history = fetch_in(
        tx,
        "SELECT order_id, at, actor, from_state, to_state, note FROM order_history WHERE order_id IN ({in}) ORDER BY at, id",
        &[],
        &found,
    )
    .await?;
    for r in &history {
        if let Some(e) = out.get_mut(&r.text("order_id")?) {
            e.order.history.push(history_from(r)?);
        }
    }
    Ok(out)
}

fn ticket_from(r: &AnyRow) -> Result<Ticket> {
    Ok(Ticket {
        id: r.parse("id")?,
        ticket_type_id: r.parse("ticket_type_id")?,
        holder_name: r.text("holder_name")?,
        status: r.text("status")?,
    })
}

fn history_from(r: &AnyRow) -> Result<HistoryEntry> {
    Ok(HistoryEntry {
        at: r.ts("at")?,
        actor: r.text("actor")?,
        from_state: r.opt_text("from_state")?.map(|s| s.parse()).transpose().map_err(StoreError::Corrupt)?,
        to_state: state_of(r, "to_state")?,
        note: r.text("note")?,
    })
}

/// The seats a reservation asks for, and the lines their price zones make.
fn choose_seats(
    seats: Option<&mut Seats>,
    choice: &crate::seating::SeatChoice,
) -> std::result::Result<(Vec<tessera_seating::SeatIndex>, Vec<LineRequest>), ReserveError> {
    use crate::seating::SeatChoice;
    let Some(Seats { plan, statuses }) = seats else {
        return Err(ReserveError::BadSeats(not_sold_by_seat()));
    };
    let chosen = match choice {
        SeatChoice::Exact(ids) => check_exact(&plan.map, statuses, ids).map_err(exact_error)?,
        SeatChoice::Best { count, category, wheelchair_spaces } => {
            let mut req = tessera_seating::Request::new(*count);
            if let Some(c) = category {
                req = req.category(c);
            }
            if *wheelchair_spaces > 0 {
                req = req.wheelchair(*wheelchair_spaces);
            }
            plan.allocator.best_available(statuses, &req).map(|a| a.seats).map_err(|e| {
                use tessera_seating::AllocError::*;
                match e {
                    BadCount { requested, max } => ReserveError::BadSeats(Keyed::new(
                        MessageKey::new("errors-seat-request-count").num("max", max).num("requested", requested),
                        e.to_string(),
                    )),
                    BadWheelchair { spaces, count } => ReserveError::BadSeats(Keyed::new(
                        MessageKey::new("errors-wheelchair-party").num("spaces", spaces).num("count", count),
                        e.to_string(),
                    )),
                    UnknownCategory(ref c) => ReserveError::BadSeats(Keyed::new(
                        MessageKey::new("errors-unknown-seat-category").text("value", format!("{c:?}")),
                        e.to_string(),
                    )),
                    StatusLength { .. } => ReserveError::BadSeats(Keyed::new(
                        MessageKey::new("errors-field-detail").text("detail", e.to_string()),
                        e.to_string(),
                    )),
                    _ => ReserveError::SeatsUnavailable(e.to_string()),
                }
            })?
        }
    };
    let mut per_type: BTreeMap<TicketTypeId, i64> = BTreeMap::new();
    for &i in &chosen {
        let category = &plan.map.seat(i).category;
        let tt = plan.zones.get(category).ok_or_else(|| {
            let label = plan.map.full_label(i).to_string();
            ReserveError::BadSeats(Keyed::new(
                MessageKey::new("errors-seat-without-zone").text("label", label.as_str()),
                format!("{label} has no price zone"),
            ))
        })?;
        *per_type.entry(*tt).or_default() += 1;
    }
    let lines =
        per_type.into_iter().map(|(ticket_type_id, quantity)| LineRequest { ticket_type_id, quantity }).collect();
    Ok((chosen, lines))
}

/// An explicit seat set refused: malformed (unknown, duplicate, empty) is a
/// bad request; only taken seats is a conflict.
fn exact_error(e: tessera_seating::ExactError) -> ReserveError {
    let malformed = e.problems.iter().any(|p| !matches!(p, tessera_seating::ExactProblem::NotAvailable { .. }));
    if malformed {
        ReserveError::BadSeats(seat_problems(e.to_string()))
    } else {
        ReserveError::SeatsUnavailable(e.to_string())
    }
}

fn not_sold_by_seat() -> Keyed {
    Keyed::new(MessageKey::new("errors-not-sold-by-seat"), "this event is not sold by seat")
}

/// Seats refused for several reasons at once: the English list of them.
fn seat_problems(english: String) -> Keyed {
    let detail = english.strip_prefix("these seats cannot be taken: ").unwrap_or(&english).to_string();
    Keyed::new(MessageKey::new("errors-seat-problems").text("detail", detail), english)
}

/// Blocks or unblocks seats, all or nothing.
fn block_seats(
    event: &Event,
    seats: Option<&mut Seats>,
    ids: &[tessera_seating::SeatId],
    block: bool,
    w: &mut Writes,
) -> std::result::Result<Option<Order>, ReserveError> {
    let Some(Seats { plan, statuses }) = seats else {
        return Err(ReserveError::BadSeats(not_sold_by_seat()));
    };
    if block {
        for i in check_exact(&plan.map, statuses, ids).map_err(exact_error)? {
            w.claim_seat(event.id, plan, statuses, i, None);
        }
    } else {
        let mut problems = Vec::new();
        let mut chosen = Vec::new();
        for id in ids {
            match plan.map.index_of(*id) {
                None => problems.push(format!("seat {} is not part of this seat map", id.0)),
                Some(i) if statuses[i.get()] != SeatStatus::Blocked => {
                    problems.push(format!("{} is not blocked", plan.map.full_label(i)))
                }
                Some(i) if chosen.contains(&i) => problems.push(format!("seat {} is named twice", id.0)),
                Some(i) => chosen.push(i),
            }
        }
        if ids.is_empty() {
            problems.push("no seats were named".into());
        }
        if !problems.is_empty() {
            let malformed = ids.is_empty() || problems.iter().any(|p| !p.ends_with("is not blocked"));
            let msg = problems.join("; ");
            return Err(if malformed {
                let key = MessageKey::new("errors-seat-list-problems").text("detail", msg.as_str());
                ReserveError::BadSeats(Keyed::new(key, msg))
            } else {
                ReserveError::SeatsUnavailable(msg)
            });
        }
        for i in chosen {
            statuses[i.get()] = SeatStatus::Available;
            w.seat_patches.push((i.0, SeatStatus::Available));
            // Blocked earlier in this very batch: drop the claim not yet written.
            let pending =
                w.seat_claims.iter().position(|row| matches!(row.get(1), Some(Arg::Int(x)) if *x == i64::from(i.0)));
            match pending {
                Some(p) => {
                    w.seat_claims.remove(p);
                }
                None => w.unblocked_in.push((event.id.to_string(), i64::from(i.0))),
            }
        }
    }
    Ok(None)
}

#[allow(clippy::too_many_arguments)] // the batch's state, passed apart so each piece stays borrowable
pub(crate) fn reserve(
    snap: &mut Snapshot,
    event: &Event,
    n: &NewOrder,
    now: Timestamp,
    w: &mut Writes,
    mut seats: Option<&mut Seats>,
    seated: bool,
    pricing: &EventPricing,
) -> OpResult {
    let id = n.id.to_string();
    if let Some(listing) = &n.resale_listing {
        return reserve_listing(snap, event, n, listing, now, w);
    }
    let (alloc, chosen) = match &n.seats {
        None if seated => return Err(OpError::Reserve(ReserveError::SeatedEvent)),
        None => (decide(snap, &n.request).map_err(OpError::Reserve)?, vec![]),
        Some(choice) => {
            let (chosen, lines) = choose_seats(seats.as_deref_mut(), choice).map_err(OpError::Reserve)?;
            let request = ReserveRequest { lines, ..n.request.clone() };
            // The buyer asked for seats, not lines: say it in those words.
            let alloc = decide(snap, &request).map_err(|e| {
                OpError::Reserve(match e {
                    ReserveError::Quantity { max, .. } => ReserveError::BadSeats(Keyed::new(
                        MessageKey::new("errors-zone-seat-limit").num("max", max),
                        format!("at most {max} seats of this price zone per order"),
                    )),
                    ReserveError::SoldOut { available, .. } => ReserveError::SeatsUnavailable(format!(
                        "the price zone's ticket type has only {available} tickets left"
                    )),
                    other => other,
                })
            })?;
            (alloc, chosen)
        }
    };
    // Everything that can fail comes before the first write.
    if !n.request.staff_sale
        && let Some((tt, _, _)) = alloc.lines.iter().find(|(tt, _, _)| w.resale.primary_waits(*tt))
    {
        let name = snap.ticket_types.iter().find(|t| t.id == *tt).map(|t| t.name.clone()).unwrap_or_default();
        return Err(OpError::Refused {
            code: "resale_first",
            field: "lines",
            message: format!("{name}: resale tickets of this type are offered first; buy one of those"),
        });
    }
    let currency =
        alloc.lines.first().map(|l| l.2.currency).unwrap_or_else(|| Currency::parse("EUR").expect("EUR exists"));
    // Prices are bounded (MAX_PRICE_MINOR x MAX_PER_ORDER x MAX_LINES fits an i64).
    let per_line = alloc.discount.as_ref().map(|d| d.1.as_slice()).unwrap_or(&[]);
    let receipt = tessera_domain::payments::price_discounted(currency, &alloc.lines, per_line, pricing)
        .map_err(|_| OpError::Reserve(ReserveError::BadLineCount))?;
    let mut discounts = Vec::new();
    if let Some((promo, _)) = &alloc.discount {
        w.promo_uses.push(vec![
            text(promo.id),
            text(&id),
            text(&n.request.buyer_key),
            text("active"),
            Arg::Int(micros(now)),
        ]);
        *w.promo_deltas.entry(promo.id.to_string()).or_default() += 1;
        let d = tessera_domain::pricing::OrderDiscount {
            code: promo.code.clone(),
            description: promo.label(),
            amount: receipt.discount,
        };
        w.order_discounts.push(vec![
            text(&id),
            Arg::Int(0),
            text(&d.code),
            text(&d.description),
            Arg::Int(d.amount.amount_minor),
        ]);
        discounts.push(d);
    }
    let total = receipt.total;
    let mut lines = Vec::new();
    for (l, tier) in receipt.lines.iter().zip(&alloc.line_tiers) {
        let mut name =
            snap.ticket_types.iter().find(|t| t.id == l.ticket_type_id).map(|t| t.name.clone()).unwrap_or_default();
        if let Some(t) =
            tier.and_then(|id| snap.tiers.get(&l.ticket_type_id).and_then(|ts| ts.iter().find(|t| t.id == id)))
        {
            name = format!("{name} · {}", t.name);
            w.tier_delta(t.id, l.quantity, 0);
        }
        lines.push(OrderLine {
            ticket_type_id: l.ticket_type_id,
            name,
            quantity: l.quantity,
            unit_price: l.unit_price,
            tax: l.tax,
            tax_rate_bp: l.tax_rate_bp,
            tax_inclusive: l.tax_inclusive,
            fees: l.fees,
            price_tier_id: *tier,
        });
    }
    if let Some(Seats { plan, statuses }) = seats {
        for &i in &chosen {
            w.claim_seat(event.id, plan, statuses, i, Some(&id));
        }
    }
    for (q, qty) in &alloc.quotas {
        w.allocations.push(vec![text(&id), text(q), Arg::Int(0), Arg::Int(1), Arg::Int(*qty)]);
        w.delta(*q, *qty, 0);
    }
    let seat_list = (!chosen.is_empty()).then(|| chosen.iter().map(|i| i.0.to_string()).collect::<Vec<_>>().join(","));
    let totals = NewTotals {
        total,
        subtotal: receipt.subtotal,
        tax: receipt.tax,
        fees: receipt.fees,
        fees_charged: receipt.fees_charged,
        discount: receipt.discount,
    };
    Ok(Some(w.open_order(event, n, now, seat_list, &totals, lines, discounts, "reserved; inventory held")))
}

/// Reserves a resale listing: a pending order of one line at the
/// listing's price that holds the listing (no quota, no seat: those stay
/// the seller's until the sale is settled).
fn reserve_listing(
    snap: &mut Snapshot,
    event: &Event,
    n: &NewOrder,
    listing: &str,
    now: Timestamp,
    w: &mut Writes,
) -> OpResult {
    let id = n.id.to_string();
    let primary_left = w
        .resale
        .listing_type(listing)
        .and_then(|tt| snap.ticket_types.iter().find(|t| t.id == tt))
        .filter(|t| t.on_sale(event, now))
        .map(|t| t.quota_ids.iter().map(|q| snap.quotas.get(q).map(|c| c.available()).unwrap_or(0)).min().unwrap_or(0))
        .unwrap_or(0);
    // A resale ticket counts against the event's limit per customer like any.
    let already = snap.bought_by.get(&n.request.buyer_key).copied().unwrap_or(0);
    if let Some(allowed) = event.max_tickets_per_customer
        && already + 1 > allowed
    {
        return Err(OpError::Reserve(ReserveError::LimitExceeded { allowed, already }));
    }
    let held = crate::resale::hold(&mut w.resale, listing, &id, &n.request.buyer_key, n.expires_at, primary_left, now)?;
    *snap.bought_by.entry(n.request.buyer_key.clone()).or_default() += 1;
    let currency = held.price.currency;
    let line = OrderLine {
        ticket_type_id: held.ticket_type_id,
        name: held.name,
        quantity: 1,
        unit_price: held.price,
        tax: Money::zero(currency),
        tax_rate_bp: 0,
        tax_inclusive: true,
        fees: Money::zero(currency),
        price_tier_id: None,
    };
    let zero = Money::zero(currency);
    let totals = NewTotals {
        total: held.price,
        subtotal: held.price,
        tax: zero,
        fees: zero,
        fees_charged: zero,
        discount: zero,
    };
    Ok(Some(w.open_order(event, n, now, None, &totals, vec![line], vec![], "reserved a resale ticket; listing held")))
}

/// A new pending order's money: what its row stores and its answer shows.
struct NewTotals {
    total: Money,
    subtotal: Money,
    tax: Money,
    /// All service fees of the order, whoever pays them.
    fees: Money,
    /// The part of them the buyer pays.
    fees_charged: Money,
    discount: Money,
}

impl Writes {
    /// Writes a new pending order: its hold (taking the seats of
    /// `seat_list`, comma-separated indexes, if any), its lines, its row and
    /// its first history entry; returns the order as answered.
    #[allow(clippy::too_many_arguments)]
    fn open_order(
        &mut self,
        event: &Event,
        n: &NewOrder,
        now: Timestamp,
        seat_list: Option<String>,
        t: &NewTotals,
        lines: Vec<OrderLine>,
        discounts: Vec<tessera_domain::pricing::OrderDiscount>,
        note: &str,
    ) -> Order {
        let id = n.id.to_string();
        for l in &lines {
            self.order_lines.push(vec![
                text(&id),
                text(l.ticket_type_id),
                text(l.price_tier_id.map(|t| t.to_string()).unwrap_or_default()),
                text(&l.name),
                Arg::Int(l.quantity),
                Arg::Int(l.unit_price.amount_minor),
                Arg::Int(l.tax.amount_minor),
                Arg::Int(l.tax_rate_bp),
                Arg::Int(i64::from(l.tax_inclusive)),
                Arg::Int(l.fees.amount_minor),
            ]);
        }
        let user = n.buyer_user_id.map(|u| u.to_string());
        self.holds.push(vec![
            text(&id),
            text(event.org_id),
            text(event.id),
            text(&n.request.buyer_key),
            Arg::OptText(user.clone()),
            text(&n.buyer_email),
            text(&n.token_hash),
            text("active"),
            Arg::Int(micros(now)),
            Arg::Int(micros(n.expires_at)),
            Arg::OptText(seat_list),
        ]);
        self.orders.push(vec![
            text(&id),
            text(event.org_id),
            text(event.id),
            text(&id),
            text(&n.reference),
            Arg::OptText(user),
            text(&n.buyer_email),
            text(&n.buyer_name),
            text("pending"),
            Arg::Int(t.total.amount_minor),
            text(t.total.currency),
            Arg::Int(micros(now)),
            Arg::Int(micros(n.expires_at)),
            Arg::OptInt(None),
            Arg::Int(micros(now)),
            Arg::Int(t.subtotal.amount_minor),
            Arg::Int(t.tax.amount_minor),
            Arg::Int(t.fees.amount_minor),
            Arg::Int(t.fees_charged.amount_minor),
            text(&n.locale),
            Arg::Int(t.discount.amount_minor),
        ]);
        self.history(&id, now, "buyer", None, OrderState::Pending, note);
        let currency = t.total.currency;
        Order {
            id: n.id,
            org_id: event.org_id,
            event_id: event.id,
            reference: n.reference.clone(),
            state: OrderState::Pending,
            buyer_email: n.buyer_email.clone(),
            buyer_name: n.buyer_name.clone(),
            locale: n.locale.clone(),
            total: t.total,
            subtotal: t.subtotal,
            discount: t.discount,
            discounts,
            tax: t.tax,
            fees: t.fees_charged,
            paid: Money::zero(currency),
            refunded: Money::zero(currency),
            refund_status: RefundStatus::None,
            lines,
            tickets: vec![],
            history: vec![HistoryEntry {
                at: now,
                actor: "buyer".into(),
                from_state: None,
                to_state: OrderState::Pending,
                note: note.into(),
            }],
            created_at: now,
            expires_at: n.expires_at,
            paid_at: None,
        }
    }
}

pub(crate) struct Transition<'a> {
    pub(crate) event: &'a Event,
    pub(crate) order: OrderId,
    pub(crate) to: OrderState,
    pub(crate) actor: &'a str,
    pub(crate) note: &'a str,
    pub(crate) now: Timestamp,
    pub(crate) pricing: &'a EventPricing,
    /// An expired order may become paid again when its inventory is still
    /// there (a payment that arrived late); the caller checked it is.
    pub(crate) revive: bool,
}

impl<'a> Transition<'a> {
    pub(crate) fn new(
        event: &'a Event,
        order: OrderId,
        to: OrderState,
        actor: &'a str,
        note: &'a str,
        now: Timestamp,
        pricing: &'a EventPricing,
    ) -> Self {
        Transition { event, order, to, actor, note, now, pricing, revive: false }
    }
}

/// Moves an existing order. Its counter changes also go into the batch's
/// snapshot, so later reservations in the same batch see freed inventory.
pub(crate) fn transition(
    existing: &mut HashMap<String, Existing>,
    t: Transition<'_>,
    mut snap: Option<&mut Snapshot>,
    w: &mut Writes,
    seats: Option<&mut Seats>,
) -> OpResult {
    let id = t.order.to_string();
    let e = existing.get_mut(&id).ok_or(OpError::NotFound)?;
    let from = e.order.state;
    // A resale order's sale is settled first: it may still refuse.
    let resale_seat = if t.to == OrderState::Paid && w.resale.is_resale(&id) {
        if !(from == OrderState::Pending || (from == OrderState::Expired && t.revive)) {
            return Err(OpError::WrongState(from));
        }
        crate::resale::settle(w, t.event.org_id, t.event.id, &id, t.now)?
    } else {
        None
    };
    // Quotas and price tiers move together: (held, sold) per unit.
    let (held, sold) = match (from, t.to) {
        (OrderState::Pending, OrderState::Paid) => (-1, 1),
        (OrderState::Pending, OrderState::Cancelled) => (-1, 0),
        (OrderState::Expired, OrderState::Paid) if t.revive => (0, 1),
        (OrderState::Paid, OrderState::Cancelled | OrderState::Refunded) => (0, -1),
        (from, _) => return Err(OpError::WrongState(from)),
    };
    for (q, n) in &e.allocations {
        w.delta(*q, held * n, sold * n);
        if let Some(c) = snap.as_deref_mut().and_then(|s| s.quotas.get_mut(q)) {
            c.held += held * n;
            c.sold += sold * n;
        }
    }
    for l in &e.order.lines {
        let Some(tier) = l.price_tier_id else { continue };
        w.tier_delta(tier, held * l.quantity, sold * l.quantity);
        let in_snap = snap.as_deref_mut().and_then(|s| s.tiers.get_mut(&l.ticket_type_id));
        if let Some(c) = in_snap.and_then(|ts| ts.iter_mut().find(|x| x.id == tier)) {
            c.held += held * l.quantity;
            c.sold += sold * l.quantity;
        }
    }
    let hold_state = match (from, t.to) {
        (_, OrderState::Paid) => "sold",
        (OrderState::Pending, _) => "released",
        _ => {
            w.voided_orders.push(id.clone());
            for ticket in &mut e.order.tickets {
                ticket.status = "void".into();
            }
            "released"
        }
    };
    if !e.seats.is_empty() {
        let now_status = if t.to == OrderState::Paid { SeatStatus::Sold } else { SeatStatus::Available };
        w.seat_patches.extend(e.seats.iter().map(|(i, _, _)| (*i, now_status)));
        if t.to == OrderState::Paid {
            w.sold_holds.push(id.clone());
        } else {
            w.released_holds.push(id.clone());
            if let Some(Seats { statuses, .. }) = seats {
                for (i, _, _) in &e.seats {
                    if let Some(s) = statuses.get_mut(*i as usize) {
                        *s = SeatStatus::Available;
                    }
                }
            }
        }
    }
    if t.to == OrderState::Paid {
        // Each ticket takes one of the hold's seats of its type, in seat order.
        let mut labels: Vec<(TicketTypeId, String)> = e.seats.iter().map(|(_, tt, l)| (*tt, l.clone())).collect();
        labels.extend(resale_seat);
        for line in &e.order.lines {
            // A product (gift card, membership) is not an admission.
            if w.products.contains_key(&line.ticket_type_id) {
                continue;
            }
            for _ in 0..line.quantity {
                let seat_label =
                    labels.iter().position(|(tt, _)| *tt == line.ticket_type_id).map(|p| labels.remove(p).1);
                let ticket = Ticket {
                    id: TicketId::new(),
                    ticket_type_id: line.ticket_type_id,
                    holder_name: e.order.buyer_name.clone(),
                    status: "valid".into(),
                };
                w.tickets.push(vec![
                    text(ticket.id),
                    text(&id),
                    text(t.event.org_id),
                    text(t.event.id),
                    text(ticket.ticket_type_id),
                    text(&ticket.holder_name),
                    text("valid"),
                    Arg::Int(micros(t.now)),
                    Arg::OptText(seat_label),
                ]);
                if w.resale.is_resale(&id) {
                    crate::resale::new_ticket(&mut w.resale, &id, ticket.id);
                }
                e.order.tickets.push(ticket);
            }
        }
        e.order.paid_at = Some(t.now);
    }
    w.transitions.push((id.clone(), t.to, hold_state));
    e.order.state = t.to;
    w.history(&id, t.now, t.actor, Some(from), t.to, t.note);
    e.order.history.push(HistoryEntry {
        at: t.now,
        actor: t.actor.into(),
        from_state: Some(from),
        to_state: t.to,
        note: t.note.into(),
    });
    crate::payments::on_transition(&t, &e.order, w);
    Ok(Some(e.order.clone()))
}

async fn flush(tx: &mut Tx, backend: Backend, mut w: Writes, now: Timestamp) -> Result<()> {
    insert_rows(
        tx,
        "holds",
        &[
            "id",
            "org_id",
            "event_id",
            "buyer_key",
            "buyer_user_id",
            "buyer_email",
            "token_hash",
            "state",
            "created_at",
            "expires_at",
            "seat_indexes",
        ],
        std::mem::take(&mut w.holds),
    )
    .await?;
    insert_rows(
        tx,
        "hold_allocations",
        &["hold_id", "quota_id", "seg_from", "seg_to", "quantity"],
        std::mem::take(&mut w.allocations),
    )
    .await?;
    insert_rows(
        tx,
        "orders",
        &[
            "id",
            "org_id",
            "event_id",
            "hold_id",
            "reference",
            "buyer_user_id",
            "buyer_email",
            "buyer_name",
            "state",
            "total_minor",
            "currency",
            "created_at",
            "expires_at",
            "paid_at",
            "updated_at",
            "subtotal_minor",
            "tax_minor",
            "fee_minor",
            "fee_charged_minor",
            "locale",
            "discount_minor",
        ],
        std::mem::take(&mut w.orders),
    )
    .await?;
    insert_rows(
        tx,
        "order_discounts",
        &["order_id", "position", "code", "description", "amount_minor"],
        std::mem::take(&mut w.order_discounts),
    )
    .await?;
    insert_rows(
        tx,
        "promo_uses",
        &["code_id", "order_id", "buyer_key", "state", "created_at"],
        std::mem::take(&mut w.promo_uses),
    )
    .await?;
    for (tier, (held, sold)) in std::mem::take(&mut w.tier_deltas) {
        sqlx::query("UPDATE price_tiers SET held = held + $2, sold = sold + $3 WHERE id = $1")
            .bind(tier.to_string())
            .bind(held)
            .bind(sold)
            .execute(&mut **tx)
            .await?;
    }
    for (code, n) in std::mem::take(&mut w.promo_deltas) {
        sqlx::query("UPDATE promo_codes SET uses = uses + $2 WHERE id = $1")
            .bind(code)
            .bind(n)
            .execute(&mut **tx)
            .await?;
    }
    insert_rows(
        tx,
        "order_lines",
        &[
            "order_id",
            "ticket_type_id",
            "tier_id",
            "name",
            "quantity",
            "unit_price_minor",
            "tax_minor",
            "tax_rate_bp",
            "tax_inclusive",
            "fee_minor",
        ],
        std::mem::take(&mut w.order_lines),
    )
    .await?;
    insert_rows(
        tx,
        "tickets",
        &[
            "id",
            "order_id",
            "org_id",
            "event_id",
            "ticket_type_id",
            "holder_name",
            "status",
            "created_at",
            "seat_label",
        ],
        std::mem::take(&mut w.tickets),
    )
    .await?;
    // Seats given back first: a later operation of the batch may take them.
    execute_in(tx, "DELETE FROM seat_claims WHERE hold_id IN ({in})", &[], &w.released_holds).await?;
    for (event, index) in std::mem::take(&mut w.unblocked_in) {
        sqlx::query("DELETE FROM seat_claims WHERE event_id = $1 AND seat_index = $2 AND state = 'blocked'")
            .bind(event)
            .bind(index)
            .execute(&mut **tx)
            .await?;
    }
    insert_rows(
        tx,
        "seat_claims",
        &["event_id", "seat_index", "seat_id", "label", "ticket_type_id", "state", "hold_id"],
        std::mem::take(&mut w.seat_claims),
    )
    .await?;
    execute_in(tx, "UPDATE seat_claims SET state = 'sold' WHERE hold_id IN ({in})", &[], &w.sold_holds).await?;
    // State changes, grouped by target state; an order moved twice in one
    // batch (confirmed, then cancelled) ends in its last state.
    let mut last: HashMap<&str, (&'static str, &'static str)> = HashMap::new();
    for (id, state, hold_state) in &w.transitions {
        last.insert(id.as_str(), (state.as_str(), hold_state));
    }
    let mut by_target: BTreeMap<(&'static str, &'static str), Vec<String>> = BTreeMap::new();
    for (id, target) in last {
        by_target.entry(target).or_default().push(id.to_string());
    }
    // Promo code uses follow the order: given back when it ends without a
    // sale (cancelled, refunded), taken again when a late payment revives it.
    let mut released = Vec::new();
    let mut paid = Vec::new();
    let mut cancelled = Vec::new();
    for ((state, _), ids) in &by_target {
        if *state == "cancelled" {
            cancelled.extend(ids.iter().cloned());
        }
        match *state {
            "cancelled" | "refunded" => released.extend(ids.iter().cloned()),
            "paid" => paid.extend(ids.iter().cloned()),
            _ => {}
        }
    }
    crate::pricing::release_uses(tx, &released).await?;
    crate::pricing::retake_uses(tx, &paid).await?;
    for ((state, hold_state), ids) in by_target {
        let paid_at = if state == "paid" { ", paid_at = $2" } else { "" };
        execute_in(
            tx,
            &format!("UPDATE orders SET state = $1, updated_at = $2{paid_at} WHERE id IN ({{in}})"),
            &[text(state), Arg::Int(micros(now))],
            &ids,
        )
        .await?;
        execute_in(
            tx,
            "UPDATE holds SET state = $1, ended_at = $2 WHERE id IN ({in})",
            &[text(hold_state), Arg::Int(micros(now))],
            &ids,
        )
        .await?;
    }
    execute_in(
        tx,
        "UPDATE tickets SET status = 'void', voided_at = $1 WHERE status = 'valid' AND order_id IN ({in})",
        &[Arg::Int(micros(now))],
        &w.voided_orders,
    )
    .await?;
    for (quota, (held, sold)) in &w.deltas {
        if *held != 0 || *sold != 0 {
            sqlx::query("UPDATE quotas SET held = held + $2, sold = sold + $3 WHERE id = $1")
                .bind(quota.to_string())
                .bind(*held)
                .bind(*sold)
                .execute(&mut **tx)
                .await?;
        }
    }
    crate::resale::flush_in(tx, std::mem::take(&mut w.resale), now).await?;
    insert_rows(tx, "order_history", HISTORY_COLS, std::mem::take(&mut w.history)).await?;
    let paid = w.money.loyalty.paid.clone();
    crate::payments::flush_money(tx, std::mem::take(&mut w.money), now).await?;
    crate::members::issue_paid(tx, &paid, now).await?;
    crate::members::void_products(tx, &w.voided_orders).await?;
    // A cancelled order's gift-card part goes back to its cards.
    crate::giftcards::give_back(tx, &cancelled, "order cancelled", now).await?;
    crate::loyalty::give_back(tx, backend, &cancelled, "order cancelled", now).await
}
