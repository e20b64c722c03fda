//! Face-value resale: listings, their rules, and the parts of an event's
//! inventory batch that hold and settle them.
//!
//! A listing is made and withdrawn in a transaction that first takes the
//! event's write lock (the batch's), so it is decided one at a time with the
//! payments that would settle it. A buyer's pending order holds a listing
//! (`hold_order_id`) until the order is paid, cancelled or its hold expires.
//! Paying it settles the sale in the batch that books the payment: the
//! seller's ticket is voided (`resold`), the buyer's ticket is issued for the
//! same seat, the ticket's share of the quotas and its seat claim move from
//! the seller's order to the buyer's (so a later refund of either order gives
//! back exactly what it holds), and the seller's payout goes back through the
//! seller's payment as a refund that voids nothing. A listing that can no
//! longer be settled (withdrawn while the hold had lapsed, the ticket voided
//! or admitted meanwhile) makes the payment go back in full instead: one way
//! or the other, never both.

use crate::inventory::{OpError, Tx, fetch_in, text};
use crate::payments::OutboxMessage;
use crate::row::{RowExt, micros};
use crate::{Backend, Result, Store, StoreError};
use sqlx::any::AnyRow;
use std::collections::HashMap;
use tessera_domain::orders::{OrderId, OrderState, TicketId};
use tessera_domain::{Currency, EventId, Money, OrgId, QuotaId, TicketTypeId, Timestamp};

/// An event's resale rules. Without any, resale is off.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResaleSettings {
    /// Holders may list their tickets.
    pub enabled: bool,
    /// The highest price, in percent of the ticket's face value: 1 to 100 (100 is face value).
    #[schema(minimum = 1, maximum = 100)]
    pub cap_percent: i64,
    /// The organizer's fee in basis points of the price (250 = 2.5 %), kept from the seller's
    /// payout: 0 to 5000.
    #[schema(minimum = 0, maximum = 5000)]
    pub fee_bp: i64,
    /// While a ticket type still has unsold primary tickets: `primary` keeps its listings off
    /// sale until it sells out; `resale` refuses primary sales of it while listings of it are on
    /// sale.
    pub offer_first: String,
}

impl Default for ResaleSettings {
    fn default() -> Self {
        Self { enabled: false, cap_percent: 100, fee_bp: 0, offer_first: "primary".into() }
    }
}

/// The highest price a ticket of face value `face` may be listed at.
pub fn price_cap(s: &ResaleSettings, face: i64) -> i64 {
    face.saturating_mul(s.cap_percent) / 100
}

/// The organizer's fee on a listing at `price` (rounded half up).
pub fn fee_of(s: &ResaleSettings, price: i64) -> i64 {
    (price.saturating_mul(s.fee_bp) + 5_000) / 10_000
}

/// A listing as stored, with what its buyers see of the ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingRecord {
    pub id: String,
    pub org_id: OrgId,
    pub event_id: EventId,
    pub ticket_id: TicketId,
    pub ticket_type_id: TicketTypeId,
    pub ticket_type_name: String,
    pub seller_order_id: OrderId,
    pub seller_payment_id: String,
    pub seller_user_id: Option<String>,
    pub seller_email: String,
    pub seller_name: String,
    pub locale: String,
    pub seat_label: Option<String>,
    pub face: Money,
    pub price: Money,
    pub fee: Money,
    /// `listed`, `sold` or `withdrawn`.
    pub state: String,
    /// The pending order holding it, and until when, while that hold lasts.
    pub held_until: Option<Timestamp>,
    pub hold_order_id: Option<OrderId>,
    pub buyer_order_id: Option<OrderId>,
    pub new_ticket_id: Option<TicketId>,
    pub payout_refund_id: Option<String>,
    /// The listed ticket's status (`valid`, `used`, `void`).
    pub ticket_status: String,
    pub created_at: Timestamp,
    pub ended_at: Option<Timestamp>,
}

impl ListingRecord {
    /// On sale now: listed, its ticket still valid, and no live hold on it.
    pub fn on_sale(&self, now: Timestamp) -> bool {
        self.state == "listed" && self.ticket_status == "valid" && self.held_until.is_none_or(|u| u <= now)
    }
}

const LISTING_COLS: &str = "l.id, l.org_id, l.event_id, l.ticket_id, l.ticket_type_id, tt.name AS ticket_type_name,
    l.seller_order_id, l.seller_payment_id, l.seller_user_id, l.seller_email, l.seller_name, l.locale, l.seat_label,
    l.face_minor, l.price_minor, l.fee_minor, l.currency, l.state, l.hold_order_id, l.buyer_order_id, l.new_ticket_id,
    l.payout_refund_id, l.created_at, l.ended_at, t.status AS ticket_status,
    CASE WHEN h.state = 'pending' THEN h.expires_at ELSE NULL END AS held_until";

const LISTING_FROM: &str = "resale_listings l JOIN ticket_types tt ON tt.id = l.ticket_type_id
    JOIN tickets t ON t.id = l.ticket_id LEFT JOIN orders h ON h.id = l.hold_order_id";

fn listing_from(r: &AnyRow) -> Result<ListingRecord> {
    let currency = Currency::parse(&r.text("currency")?).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let opt_id = |col: &str| -> Result<Option<String>> { r.opt_text(col) };
    Ok(ListingRecord {
        id: r.text("id")?,
        org_id: r.parse("org_id")?,
        event_id: r.parse("event_id")?,
        ticket_id: r.parse("ticket_id")?,
        ticket_type_id: r.parse("ticket_type_id")?,
        ticket_type_name: r.text("ticket_type_name")?,
        seller_order_id: r.parse("seller_order_id")?,
        seller_payment_id: r.text("seller_payment_id")?,
        seller_user_id: r.opt_text("seller_user_id")?,
        seller_email: r.text("seller_email")?,
        seller_name: r.text("seller_name")?,
        locale: r.text("locale")?,
        seat_label: r.opt_text("seat_label")?,
        face: Money::new(r.int("face_minor")?, currency),
        price: Money::new(r.int("price_minor")?, currency),
        fee: Money::new(r.int("fee_minor")?, currency),
        state: r.text("state")?,
        held_until: r.opt_ts("held_until")?,
        hold_order_id: opt_id("hold_order_id")?.and_then(|s| s.parse().ok()),
        buyer_order_id: opt_id("buyer_order_id")?.and_then(|s| s.parse().ok()),
        new_ticket_id: opt_id("new_ticket_id")?.and_then(|s| s.parse().ok()),
        payout_refund_id: r.opt_text("payout_refund_id")?,
        ticket_status: r.text("ticket_status")?,
        created_at: r.ts("created_at")?,
        ended_at: r.opt_ts("ended_at")?,
    })
}

/// A listing to make; see [`Store::create_listing`].
#[derive(Debug, Clone)]
pub struct NewListing {
    pub id: String,
    pub org_id: OrgId,
    pub event_id: EventId,
    pub ticket_id: TicketId,
    pub ticket_type_id: TicketTypeId,
    pub seller_order_id: OrderId,
    pub seller_payment_id: String,
    pub seller_user_id: Option<String>,
    pub seller_email: String,
    pub seller_name: String,
    pub locale: String,
    pub seat_label: Option<String>,
    pub face: Money,
    pub price: Money,
    pub fee: Money,
    pub actor: String,
}

/// The reason of a seller's payout refund.
pub const RESALE_PAYOUT: &str = "resale payout";

/// Why a listing was not made or not withdrawn; nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListingRefusal {
    /// The ticket is no longer valid (voided, re-issued, refunded, resold).
    TicketNotValid,
    /// The ticket was already admitted.
    TicketUsed,
    /// A pending transfer offers the ticket.
    TicketOffered,
    /// The ticket is listed already.
    AlreadyListed,
    /// The ticket was transferred in: its payout would go to the order's buyer.
    NotBuyersTicket,
    /// A buyer's pending order holds the listing until then.
    Held(Timestamp),
    /// The listing is no longer listed (its state).
    NotListed(String),
}

async fn lock_event(tx: &mut Tx, backend: Backend, event: EventId) -> Result<()> {
    if backend == Backend::Postgres {
        sqlx::query("SELECT id FROM events WHERE id = $1 FOR UPDATE")
            .bind(event.to_string())
            .fetch_optional(&mut **tx)
            .await?;
    }
    Ok(())
}

async fn refuse<T>(tx: Tx, why: ListingRefusal) -> Result<std::result::Result<T, ListingRefusal>> {
    tx.rollback().await?;
    Ok(Err(why))
}

async fn settings_in(tx: &mut Tx, event: EventId) -> Result<Option<ResaleSettings>> {
    let row =
        sqlx::query("SELECT enabled, cap_percent, fee_bp, offer_first FROM event_resale_settings WHERE event_id = $1")
            .bind(event.to_string())
            .fetch_optional(&mut **tx)
            .await?;
    row.map(|r| -> Result<ResaleSettings> {
        Ok(ResaleSettings {
            enabled: r.flag("enabled")?,
            cap_percent: r.int("cap_percent")?,
            fee_bp: r.int("fee_bp")?,
            offer_first: r.text("offer_first")?,
        })
    })
    .transpose()
}

impl Store {
    /// An event's resale rules (resale off when none are set).
    pub async fn resale_settings(&self, event: EventId) -> Result<ResaleSettings> {
        let mut tx = self.read.begin().await?;
        let s = settings_in(&mut tx, event).await?;
        tx.commit().await?;
        Ok(s.unwrap_or_default())
    }

    pub async fn set_resale_settings(&self, event: EventId, s: &ResaleSettings, now: Timestamp) -> Result<()> {
        sqlx::query(
            "INSERT INTO event_resale_settings (event_id, enabled, cap_percent, fee_bp, offer_first, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id) DO UPDATE SET enabled = excluded.enabled, \
             cap_percent = excluded.cap_percent, fee_bp = excluded.fee_bp, offer_first = excluded.offer_first, \
             updated_at = excluded.updated_at",
        )
        .bind(event.to_string())
        .bind(i64::from(s.enabled))
        .bind(s.cap_percent)
        .bind(s.fee_bp)
        .bind(s.offer_first.clone())
        .bind(micros(now))
        .execute(&self.write)
        .await?;
        Ok(())
    }

    pub async fn listing(&self, id: &str) -> Result<Option<ListingRecord>> {
        let row = sqlx::query(dynsql!("SELECT {LISTING_COLS} FROM {LISTING_FROM} WHERE l.id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(listing_from).transpose()
    }

    /// The listings made from an order's tickets, newest first.
    pub async fn order_listings(&self, order: OrderId) -> Result<Vec<ListingRecord>> {
        let rows = sqlx::query(dynsql!(
            "SELECT {LISTING_COLS} FROM {LISTING_FROM} WHERE l.seller_order_id = $1 ORDER BY l.created_at DESC, l.id"
        ))
        .bind(order.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(listing_from).collect()
    }

    /// An event's listings: all of them, or only those still listed.
    pub async fn event_listings(&self, event: EventId, listed_only: bool) -> Result<Vec<ListingRecord>> {
        let only = if listed_only { " AND l.state = 'listed' AND t.status = 'valid'" } else { "" };
        let rows = sqlx::query(dynsql!(
            "SELECT {LISTING_COLS} FROM {LISTING_FROM} WHERE l.event_id = $1{only} ORDER BY l.price_minor, l.created_at, l.id"
        ))
        .bind(event.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(listing_from).collect()
    }

    /// The listing a resale order buys, if it is one.
    pub async fn order_resale_listing(&self, order: OrderId) -> Result<Option<ListingRecord>> {
        let row = sqlx::query("SELECT resale_listing_id FROM orders WHERE id = $1")
            .bind(order.to_string())
            .fetch_optional(&self.read)
            .await?;
        match row.map(|r| r.opt_text("resale_listing_id")).transpose()?.flatten() {
            Some(id) => self.listing(&id).await,
            None => Ok(None),
        }
    }

    /// Lists a ticket, decided under the event's write lock: the ticket must
    /// be valid, not admitted, held by its order's buyer, not offered by a
    /// transfer and not listed already.
    pub async fn create_listing(
        &self,
        n: &NewListing,
        now: Timestamp,
    ) -> Result<std::result::Result<ListingRecord, ListingRefusal>> {
        let mut tx = self.begin_write().await?;
        lock_event(&mut tx, self.backend, n.event_id).await?;
        let used = sqlx::query("SELECT ticket_id FROM checkin_presence WHERE ticket_id = $1 AND entries > 0")
            .bind(n.ticket_id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        if used.is_some() {
            return refuse(tx, ListingRefusal::TicketUsed).await;
        }
        let done = sqlx::query(
            "UPDATE tickets SET resale_listing_id = $3 WHERE id = $1 AND order_id = $2 AND status = 'valid' \
             AND pending_transfer_id IS NULL AND resale_listing_id IS NULL AND holder_email IS NULL",
        )
        .bind(n.ticket_id.to_string())
        .bind(n.seller_order_id.to_string())
        .bind(&n.id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            let row = sqlx::query(
                "SELECT status, pending_transfer_id, resale_listing_id, holder_email FROM tickets WHERE id = $1 AND order_id = $2",
            )
            .bind(n.ticket_id.to_string())
            .bind(n.seller_order_id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = row else {
                tx.rollback().await?;
                return Err(StoreError::NotFound);
            };
            let why = if row.text("status")? != "valid" {
                ListingRefusal::TicketNotValid
            } else if row.opt_text("holder_email")?.is_some() {
                ListingRefusal::NotBuyersTicket
            } else if row.opt_text("pending_transfer_id")?.is_some() {
                ListingRefusal::TicketOffered
            } else {
                ListingRefusal::AlreadyListed
            };
            return refuse(tx, why).await;
        }
        sqlx::query(
            "INSERT INTO resale_listings (id, org_id, event_id, ticket_id, ticket_type_id, seller_order_id, seller_payment_id, \
             seller_user_id, seller_email, seller_name, locale, seat_label, face_minor, price_minor, fee_minor, currency, state, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 'listed', $17)",
        )
        .bind(&n.id)
        .bind(n.org_id.to_string())
        .bind(n.event_id.to_string())
        .bind(n.ticket_id.to_string())
        .bind(n.ticket_type_id.to_string())
        .bind(n.seller_order_id.to_string())
        .bind(&n.seller_payment_id)
        .bind(n.seller_user_id.clone())
        .bind(&n.seller_email)
        .bind(&n.seller_name)
        .bind(&n.locale)
        .bind(n.seat_label.clone())
        .bind(n.face.amount_minor)
        .bind(n.price.amount_minor)
        .bind(n.fee.amount_minor)
        .bind(n.price.currency.code().to_string())
        .bind(micros(now))
        .execute(&mut *tx)
        .await?;
        let note = format!("ticket {} listed for resale at {}", n.ticket_id, n.price);
        crate::transfers::history(&mut tx, n.seller_order_id, now, &n.actor, OrderState::Paid, &note).await?;
        let row = sqlx::query(dynsql!("SELECT {LISTING_COLS} FROM {LISTING_FROM} WHERE l.id = $1"))
            .bind(n.id.clone())
            .fetch_one(&mut *tx)
            .await?;
        let rec = listing_from(&row)?;
        tx.commit().await?;
        Ok(Ok(rec))
    }

    /// Withdraws a listing, decided under the event's write lock: refused
    /// while a buyer's pending order holds it.
    pub async fn withdraw_listing(
        &self,
        id: &str,
        actor: &str,
        now: Timestamp,
    ) -> Result<std::result::Result<ListingRecord, ListingRefusal>> {
        let Some(before) = self.listing(id).await? else { return Err(StoreError::NotFound) };
        let mut tx = self.begin_write().await?;
        lock_event(&mut tx, self.backend, before.event_id).await?;
        let row = sqlx::query(dynsql!("SELECT {LISTING_COLS} FROM {LISTING_FROM} WHERE l.id = $1"))
            .bind(id.to_string())
            .fetch_one(&mut *tx)
            .await?;
        let l = listing_from(&row)?;
        if l.state != "listed" {
            return refuse(tx, ListingRefusal::NotListed(l.state)).await;
        }
        if let Some(until) = l.held_until.filter(|u| *u > now) {
            return refuse(tx, ListingRefusal::Held(until)).await;
        }
        sqlx::query("UPDATE resale_listings SET state = 'withdrawn', ended_at = $2 WHERE id = $1 AND state = 'listed'")
            .bind(id.to_string())
            .bind(micros(now))
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE tickets SET resale_listing_id = NULL WHERE resale_listing_id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        let state = crate::transfers::order_state(&mut tx, l.seller_order_id).await?;
        let note = format!("ticket {} withdrawn from resale", l.ticket_id);
        crate::transfers::history(&mut tx, l.seller_order_id, now, actor, state, &note).await?;
        let row = sqlx::query(dynsql!("SELECT {LISTING_COLS} FROM {LISTING_FROM} WHERE l.id = $1"))
            .bind(id.to_string())
            .fetch_one(&mut *tx)
            .await?;
        let rec = listing_from(&row)?;
        tx.commit().await?;
        Ok(Ok(rec))
    }
}

/// A listing as a batch decides on it.
#[derive(Debug, Clone)]
pub(crate) struct Live {
    rec: ListingRecord,
    /// The ticket's seat claim on the seller's order: (seat index, label).
    seat: Option<(u32, String)>,
    admitted: bool,
    /// What the seller's payment has left to refund.
    payment_left: i64,
    quotas: Vec<QuotaId>,
}

/// A sale the batch settles, written at its end.
#[derive(Debug, Clone)]
struct Sale {
    listing: String,
    buyer_order: String,
    seller_order: String,
    seller_ticket: String,
    seat: Option<(u32, String)>,
    quotas: Vec<QuotaId>,
    new_ticket: Option<String>,
    refund: Option<String>,
}

/// The resale part of an inventory batch: the listings its operations
/// name, the rules, and what it writes.
#[derive(Default)]
pub(crate) struct BatchResale {
    settings: Option<ResaleSettings>,
    listings: HashMap<String, Live>,
    /// Resale orders of the batch: order id -> listing id.
    by_order: HashMap<String, String>,
    /// For `offer_first = resale`: listings on sale per ticket type.
    on_sale_by_type: HashMap<TicketTypeId, i64>,
    holds: Vec<(String, String)>,
    sales: Vec<Sale>,
}

/// Why a listing cannot be bought or settled now, if it cannot.
fn unavailable(l: &Live, order: Option<&str>, now: Timestamp) -> Option<&'static str> {
    if l.rec.state != "listed" {
        return Some("the listing was sold or withdrawn");
    }
    if l.rec.ticket_status != "valid" || l.admitted {
        return Some("the listed ticket is no longer valid");
    }
    let held_by_other =
        l.rec.held_until.is_some_and(|u| u > now) && l.rec.hold_order_id.map(|o| o.to_string()).as_deref() != order;
    if held_by_other {
        return Some("another buyer is paying for this listing");
    }
    if l.payment_left < l.rec.price.amount_minor - l.rec.fee.amount_minor {
        return Some("the seller's payment can no longer take the payout");
    }
    None
}

impl BatchResale {
    /// Loads what the batch's operations need: the listings that
    /// reservations name, those that the batch's existing resale orders
    /// (order, listing) buy, and the rules.
    pub(crate) async fn load(
        tx: &mut Tx,
        backend: Backend,
        event: EventId,
        reserve_listings: &[String],
        plain_reserves: bool,
        resale_orders: Vec<(String, String)>,
        now: Timestamp,
    ) -> Result<Self> {
        let mut out = BatchResale::default();
        let mut ids: Vec<String> = reserve_listings.to_vec();
        ids.extend(resale_orders.iter().map(|(_, listing)| listing.clone()));
        out.by_order = resale_orders.into_iter().collect();
        if ids.is_empty() && !plain_reserves {
            return Ok(out);
        }
        out.settings = settings_in(tx, event).await?;
        ids.sort();
        ids.dedup();
        if !ids.is_empty() {
            let lock = if backend == Backend::Postgres { " FOR UPDATE OF t" } else { "" };
            let rows = fetch_in(
                tx,
                &format!("SELECT {LISTING_COLS} FROM {LISTING_FROM} WHERE l.event_id = $1 AND l.id IN ({{in}}){lock}"),
                &[text(event)],
                &ids,
            )
            .await?;
            for r in &rows {
                let rec = listing_from(r)?;
                let admitted =
                    sqlx::query("SELECT ticket_id FROM checkin_presence WHERE ticket_id = $1 AND entries > 0")
                        .bind(rec.ticket_id.to_string())
                        .fetch_optional(&mut **tx)
                        .await?
                        .is_some();
                let seat = match &rec.seat_label {
                    Some(label) => sqlx::query(
                        "SELECT seat_index FROM seat_claims WHERE event_id = $1 AND hold_id = $2 AND label = $3",
                    )
                    .bind(event.to_string())
                    .bind(rec.seller_order_id.to_string())
                    .bind(label.clone())
                    .fetch_optional(&mut **tx)
                    .await?
                    .map(|r| r.int("seat_index"))
                    .transpose()?
                    .map(|i| (u32::try_from(i).unwrap_or_default(), label.clone())),
                    None => None,
                };
                let pay = sqlx::query(
                    "SELECT p.amount_minor - CAST(COALESCE((SELECT SUM(r.amount_minor) FROM refunds r WHERE r.payment_id = p.id \
                     AND r.state <> 'failed'), 0) AS BIGINT) AS left_minor FROM payments p WHERE p.id = $1 AND p.state = 'succeeded'",
                )
                .bind(rec.seller_payment_id.clone())
                .fetch_optional(&mut **tx)
                .await?;
                let payment_left = match pay {
                    Some(r) => r.int("left_minor")?,
                    None => 0,
                };
                let quotas = sqlx::query("SELECT quota_id FROM ticket_type_quotas WHERE ticket_type_id = $1")
                    .bind(rec.ticket_type_id.to_string())
                    .fetch_all(&mut **tx)
                    .await?
                    .iter()
                    .map(|r| r.parse("quota_id"))
                    .collect::<Result<Vec<QuotaId>>>()?;
                out.listings.insert(rec.id.clone(), Live { rec, seat, admitted, payment_left, quotas });
            }
        }
        if plain_reserves && out.settings.as_ref().is_some_and(|s| s.enabled && s.offer_first == "resale") {
            let now_rows = sqlx::query(
                "SELECT l.ticket_type_id, COUNT(*) AS n FROM resale_listings l JOIN tickets t ON t.id = l.ticket_id \
                 LEFT JOIN orders h ON h.id = l.hold_order_id \
                 WHERE l.event_id = $1 AND l.state = 'listed' AND t.status = 'valid' \
                 AND (h.id IS NULL OR h.state <> 'pending' OR h.expires_at <= $2) GROUP BY l.ticket_type_id",
            )
            .bind(event.to_string())
            .bind(micros(now))
            .fetch_all(&mut **tx)
            .await?;
            for r in &now_rows {
                out.on_sale_by_type.insert(r.parse("ticket_type_id")?, r.int("n")?);
            }
        }
        Ok(out)
    }

    /// Whether primary sales of a ticket type wait for its listings.
    pub(crate) fn primary_waits(&self, tt: TicketTypeId) -> bool {
        self.on_sale_by_type.get(&tt).is_some_and(|n| *n > 0)
    }

    /// Why an existing resale order cannot be paid now, if it cannot.
    pub(crate) fn blocks(&self, order: &str, now: Timestamp) -> Option<&'static str> {
        let listing = self.by_order.get(order)?;
        match self.listings.get(listing) {
            Some(l) => unavailable(l, Some(order), now),
            None => Some("the listing is gone"),
        }
    }

    /// The ticket type of a listing the batch loaded.
    pub(crate) fn listing_type(&self, listing: &str) -> Option<TicketTypeId> {
        self.listings.get(listing).map(|l| l.rec.ticket_type_id)
    }

    pub(crate) fn is_resale(&self, order: &str) -> bool {
        self.by_order.contains_key(order)
    }
}

/// The refusal of an operation on a resale order whose listing is gone.
pub(crate) fn gone(why: &str) -> OpError {
    OpError::Refused { code: "listing_unavailable", field: "resale_listing_id", message: why.to_string() }
}

/// What a reservation of a listing writes and answers.
pub(crate) struct Held {
    pub(crate) ticket_type_id: TicketTypeId,
    pub(crate) name: String,
    pub(crate) price: Money,
}

/// Holds a listing for a new order, or says why not. `primary_left` is
/// what the listing's ticket type has left of primary inventory.
pub(crate) fn hold(
    r: &mut BatchResale,
    listing: &str,
    order: &str,
    buyer_key: &str,
    expires_at: Timestamp,
    primary_left: i64,
    now: Timestamp,
) -> std::result::Result<Held, OpError> {
    let settings = r.settings.clone().unwrap_or_default();
    let Some(l) = r.listings.get_mut(listing) else { return Err(gone("no such listing for this event")) };
    if !settings.enabled {
        return Err(OpError::Refused {
            code: "resale_disabled",
            field: "resale_listing_id",
            message: "the organizer does not allow resale for this event".into(),
        });
    }
    if let Some(why) = unavailable(l, None, now) {
        return Err(gone(why));
    }
    if settings.offer_first == "primary" && primary_left > 0 {
        return Err(OpError::Refused {
            code: "primary_first",
            field: "resale_listing_id",
            message: format!("{primary_left} tickets of this type are still on sale first-hand; buy one of those"),
        });
    }
    let seller_keys =
        [l.rec.seller_user_id.as_ref().map(|u| format!("user:{u}")), Some(format!("email:{}", l.rec.seller_email))];
    if seller_keys.iter().flatten().any(|k| k == buyer_key) {
        return Err(OpError::Refused {
            code: "own_listing",
            field: "resale_listing_id",
            message: "this is your own listing; withdraw it instead".into(),
        });
    }
    l.rec.held_until = Some(expires_at);
    l.rec.hold_order_id = order.parse().ok();
    r.by_order.insert(order.to_string(), listing.to_string());
    r.holds.push((listing.to_string(), order.to_string()));
    let name = match &l.rec.seat_label {
        Some(seat) => format!("{} · {seat} · resale", l.rec.ticket_type_name),
        None => format!("{} · resale", l.rec.ticket_type_name),
    };
    Ok(Held { ticket_type_id: l.rec.ticket_type_id, name, price: l.rec.price })
}

/// Settles a paid resale order's listing (checked by [`BatchResale::blocks`]
/// first): returns the seat the buyer's ticket takes.
pub(crate) fn settle(
    w: &mut crate::inventory::Writes,
    org: OrgId,
    event: EventId,
    order: &str,
    now: Timestamp,
) -> std::result::Result<Option<(TicketTypeId, String)>, OpError> {
    if let Some(why) = w.resale.blocks(order, now) {
        return Err(gone(why));
    }
    let listing = w.resale.by_order.get(order).cloned().unwrap_or_default();
    let l = w.resale.listings.get_mut(&listing).ok_or_else(|| gone("the listing is gone"))?;
    l.rec.state = "sold".into();
    let payout = Money::new(l.rec.price.amount_minor - l.rec.fee.amount_minor, l.rec.price.currency);
    l.payment_left -= payout.amount_minor;
    let l = l.clone();
    let seller_order = l.rec.seller_order_id.to_string();
    let refund = (payout.amount_minor > 0).then(|| {
        w.money.batch_refund(
            org,
            event,
            &seller_order,
            &l.rec.seller_payment_id,
            payout,
            RESALE_PAYOUT,
            &format!("resale:{listing}"),
            now,
        )
    });
    let note = if refund.is_some() {
        format!("ticket {} resold for {}; payout {payout} (fee {}) on its way", l.rec.ticket_id, l.rec.price, l.rec.fee)
    } else {
        format!("ticket {} resold for {}", l.rec.ticket_id, l.rec.price)
    };
    w.history(&seller_order, now, "system", Some(OrderState::Paid), OrderState::Paid, &note);
    w.resale.sales.push(Sale {
        listing: listing.clone(),
        buyer_order: order.to_string(),
        seller_order,
        seller_ticket: l.rec.ticket_id.to_string(),
        seat: l.seat.clone(),
        quotas: l.quotas.clone(),
        new_ticket: None,
        refund,
    });
    let mail = OutboxMessage::new("email", "resale_sold", Some(listing.clone()), serde_json::json!({}))
        .dedupe(format!("resale_sold:{listing}"));
    w.money.outbox(org, mail, now);
    if w.money.wants("ticket.resold") {
        let payload = serde_json::json!({
            "type": "ticket.resold", "timestamp": now.to_string(),
            "data": {"listing_id": listing, "event_id": event, "ticket_id": l.rec.ticket_id,
                     "seller_order_id": l.rec.seller_order_id, "buyer_order_id": order,
                     "price": l.rec.price, "fee": l.rec.fee},
        });
        w.money.outbox(org, OutboxMessage::new("webhook", "ticket.resold", Some(listing), payload), now);
    }
    Ok(l.seat.map(|(_, label)| (l.rec.ticket_type_id, label)))
}

/// Names the buyer's new ticket of the sale settled for `order`.
pub(crate) fn new_ticket(r: &mut BatchResale, order: &str, ticket: TicketId) {
    if let Some(s) = r.sales.iter_mut().find(|s| s.buyer_order == order) {
        s.new_ticket = Some(ticket.to_string());
    }
}

/// Writes the batch's holds and sales; run after the batch's tickets and
/// orders are written.
pub(crate) async fn flush_in(tx: &mut Tx, r: BatchResale, now: Timestamp) -> Result<()> {
    for (listing, order) in &r.holds {
        sqlx::query("UPDATE resale_listings SET hold_order_id = $2 WHERE id = $1 AND state = 'listed'")
            .bind(listing)
            .bind(order)
            .execute(&mut **tx)
            .await?;
        sqlx::query("UPDATE orders SET resale_listing_id = $2 WHERE id = $1")
            .bind(order)
            .bind(listing)
            .execute(&mut **tx)
            .await?;
    }
    for s in &r.sales {
        let voided = sqlx::query(
            "UPDATE tickets SET status = 'void', voided_at = $3, void_reason = 'resold', resale_listing_id = NULL \
             WHERE id = $1 AND status = 'valid' AND resale_listing_id = $2",
        )
        .bind(&s.seller_ticket)
        .bind(&s.listing)
        .bind(micros(now))
        .execute(&mut **tx)
        .await?;
        let sold = sqlx::query(
            "UPDATE resale_listings SET state = 'sold', buyer_order_id = $2, new_ticket_id = $3, payout_refund_id = $4, \
             hold_order_id = $2, ended_at = $5 WHERE id = $1 AND state = 'listed'",
        )
        .bind(&s.listing)
        .bind(&s.buyer_order)
        .bind(s.new_ticket.clone())
        .bind(s.refund.clone())
        .bind(micros(now))
        .execute(&mut **tx)
        .await?;
        if voided.rows_affected() != 1 || sold.rows_affected() != 1 {
            // Decided under the event's lock, so only a bug gets here: write nothing.
            return Err(StoreError::Conflict {
                field: "resale_listing_id".into(),
                message: "the listing changed while its sale was settled".into(),
            });
        }
        // The ticket's share of each quota moves to the buyer's order.
        for q in &s.quotas {
            let gone = sqlx::query(
                "DELETE FROM hold_allocations WHERE hold_id = $1 AND quota_id = $2 AND seg_from = 0 AND quantity = 1",
            )
            .bind(&s.seller_order)
            .bind(q.to_string())
            .execute(&mut **tx)
            .await?;
            if gone.rows_affected() == 0 {
                sqlx::query(
                    "UPDATE hold_allocations SET quantity = quantity - 1 WHERE hold_id = $1 AND quota_id = $2 AND seg_from = 0",
                )
                .bind(&s.seller_order)
                .bind(q.to_string())
                .execute(&mut **tx)
                .await?;
            }
            sqlx::query(
                "INSERT INTO hold_allocations (hold_id, quota_id, seg_from, seg_to, quantity) VALUES ($1, $2, 0, 1, 1)",
            )
            .bind(&s.buyer_order)
            .bind(q.to_string())
            .execute(&mut **tx)
            .await?;
        }
        if let Some((index, _)) = &s.seat {
            sqlx::query("UPDATE seat_claims SET hold_id = $3 WHERE hold_id = $1 AND seat_index = $2")
                .bind(&s.seller_order)
                .bind(i64::from(*index))
                .bind(&s.buyer_order)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}
