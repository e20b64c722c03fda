//! Payments, provider events, refunds, the ledger and the outbox.
//!
//! Whatever changes an order's state or its money runs inside the order's
//! event batch ([`crate::inventory`]), in the same transaction as its
//! effects: the provider event's row (whose primary key makes a repeat a
//! no-op), the payment's state, the ledger's postings and the outbox rows
//! that will send the e-mails and webhooks. The rest (settings, reading,
//! the outbox worker's bookkeeping) has its own small transactions here.

use crate::inventory::{
    Arg, Existing, OpError, OpResult, Transition, Tx, Writes, execute_in, fetch_in, insert_rows_then, text, transition,
};
use crate::row::{RowExt, micros};
use crate::{Result, Store, StoreError};
use sqlx::any::AnyRow;
use std::collections::{HashMap, HashSet};
use tessera_domain::catalog::Event;
use tessera_domain::orders::{HistoryEntry, Order, OrderId, OrderState};
use tessera_domain::payments::{EventPricing, LedgerTxn, PaymentState, Split, charge_txn, refund_split, refund_txn};
use tessera_domain::{Currency, EventId, Money, OrgId, Timestamp};

/// A side effect to deliver later: an e-mail, a webhook, a job.
#[derive(Debug, Clone)]
pub struct OutboxMessage {
    /// What receivers see as the message id (webhook-id, Message-ID).
    pub id: String,
    /// `email`, `webhook`, `webhook_delivery`, `refund`, `sandbox_event`, ...
    pub kind: String,
    pub topic: String,
    pub subject_id: Option<String>,
    pub payload: String,
    /// At most one message per key, ever: a repeated cause queues nothing new.
    pub dedupe_key: Option<String>,
    /// Not before this instant (reminders, delayed confirmations).
    pub due: Option<Timestamp>,
}

impl OutboxMessage {
    pub fn new(kind: &str, topic: &str, subject: Option<String>, payload: serde_json::Value) -> Self {
        OutboxMessage {
            id: uuid::Uuid::now_v7().to_string(),
            kind: kind.into(),
            topic: topic.into(),
            subject_id: subject,
            payload: payload.to_string(),
            dedupe_key: None,
            due: None,
        }
    }

    pub fn dedupe(mut self, key: impl Into<String>) -> Self {
        self.dedupe_key = Some(key.into());
        self
    }

    pub fn due(mut self, at: Timestamp) -> Self {
        self.due = Some(at);
        self
    }

    fn row(&self, org: &str, now: Timestamp) -> Vec<Arg> {
        vec![
            text(&self.id),
            text(org),
            text(&self.kind),
            text(&self.topic),
            Arg::OptText(self.subject_id.clone()),
            text(&self.payload),
            Arg::OptText(self.dedupe_key.clone()),
            text("pending"),
            Arg::Int(micros(self.due.unwrap_or(now))),
            Arg::Int(micros(now)),
        ]
    }
}

/// Queues outbox messages inside a caller's transaction.
pub(crate) async fn enqueue_in(tx: &mut Tx, org: OrgId, msgs: &[OutboxMessage], now: Timestamp) -> Result<()> {
    let rows = msgs.iter().map(|m| m.row(&org.to_string(), now)).collect();
    insert_rows_then(tx, "outbox", OUTBOX_COLS, rows, " ON CONFLICT DO NOTHING").await.map(|_| ())
}

const OUTBOX_COLS: &[&str] =
    &["id", "org_id", "kind", "topic", "subject_id", "payload", "dedupe_key", "state", "next_attempt_at", "created_at"];

/// A payment attempt to open on a pending order.
#[derive(Debug, Clone)]
pub struct NewPayment {
    pub id: String,
    pub order: OrderId,
    pub provider: String,
    pub provider_ref: String,
    pub provider_payment: Option<String>,
    pub amount_minor: i64,
    pub currency: String,
    pub redirect_url: Option<String>,
    /// Pay by then (bank transfers).
    pub due_at: Option<Timestamp>,
    /// Keep the order's hold until then instead of its usual expiry.
    pub hold_until: Option<Timestamp>,
    pub outbox: Vec<OutboxMessage>,
}

/// What a payment provider reported about one of our payments.
#[derive(Debug, Clone)]
pub struct ProviderEvent {
    pub provider: String,
    /// The provider's id of this report: a repeat carries the same id.
    pub event_id: String,
    pub kind: String,
    pub payload: String,
    pub payment_id: String,
    pub order: OrderId,
    pub outcome: PaymentState,
    /// What the provider says it took, for `Succeeded`.
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
    pub provider_payment: Option<String>,
}

/// A payment as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct PaymentRecord {
    pub id: String,
    pub order_id: String,
    pub org_id: String,
    pub provider: String,
    pub provider_ref: String,
    pub provider_payment: Option<String>,
    pub state: PaymentState,
    pub amount: Money,
    pub redirect_url: Option<String>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub due_at: Option<Timestamp>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

/// A refund as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct RefundRecord {
    pub id: String,
    pub order_id: String,
    pub payment_id: String,
    pub org_id: String,
    pub amount: Money,
    /// `pending`, `succeeded` or `failed`.
    pub state: String,
    pub provider: String,
    pub provider_ref: Option<String>,
    pub reason: String,
    pub actor: String,
    /// `all`, `none`, or the ids of the tickets it voids, comma-separated.
    pub tickets: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

/// One ledger posting.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct LedgerEntry {
    pub txn_id: String,
    pub kind: String,
    pub order_id: Option<String>,
    pub account: String,
    pub amount: Money,
    /// A payout's reference.
    pub memo: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
}

/// An organization's payment provider and its settings.
#[derive(Debug, Clone)]
pub struct PaymentSettingsRecord {
    pub provider: String,
    pub settings: String,
    pub secrets_sealed: Option<String>,
    pub updated_at: Timestamp,
}

/// An outbox row, as the worker sees it.
#[derive(Debug, Clone)]
pub struct OutboxRow {
    pub id: String,
    pub org_id: String,
    pub kind: String,
    pub topic: String,
    pub subject_id: Option<String>,
    pub payload: String,
    pub attempts: i64,
    pub state: String,
    pub last_error: Option<String>,
    pub next_attempt_at: Timestamp,
    pub created_at: Timestamp,
}

/// What a batch writes about money, besides the inventory.
#[derive(Default)]
pub(crate) struct MoneyWrites {
    payments: Vec<Vec<Arg>>,
    payment_states: Vec<(String, &'static str, Option<String>)>,
    provider_events: Vec<Vec<Arg>>,
    ledger: Vec<Vec<Arg>>,
    outbox: Vec<Vec<Arg>>,
    paid: Vec<(String, i64)>,
    refunds: Vec<Vec<Arg>>,
    refund_reserved: Vec<(String, i64)>,
    refunds_done: Vec<(String, Option<String>)>,
    voided_tickets: Vec<String>,
    extend: Vec<(String, i64)>,
    /// Gift-card balance changes (spent on an order, refunded to the card).
    card_moves: Vec<crate::giftcards::CardMove>,
    /// Points spent, earned, taken and given back.
    pub(crate) loyalty: crate::loyalty::LoyaltyWrites,
    /// What the organization's webhook endpoints listen to.
    pub(crate) hooks: Subscriptions,
}

impl MoneyWrites {
    pub(crate) fn wants(&self, topic: &str) -> bool {
        self.hooks.wants(topic)
    }

    pub(crate) fn outbox(&mut self, org: OrgId, m: OutboxMessage, now: Timestamp) {
        self.outbox.push(m.row(&org.to_string(), now));
    }

    /// Opens a refund inside the batch (it voids nothing); the outbox's
    /// refund job carries it out at the provider. Returns its id.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn batch_refund(
        &mut self,
        org: OrgId,
        event: EventId,
        order: &str,
        payment: &str,
        amount: Money,
        reason: &str,
        request_key: &str,
        now: Timestamp,
    ) -> String {
        let refund = uuid::Uuid::now_v7().to_string();
        self.refunds.push(vec![
            text(&refund),
            text(order),
            text(payment),
            text(org),
            Arg::Int(amount.amount_minor),
            text(amount.currency),
            text("pending"),
            text(reason),
            text("system"),
            text("none"),
            text(request_key),
            Arg::Int(micros(now)),
            Arg::Int(micros(now)),
        ]);
        self.refund_reserved.push((order.to_string(), amount.amount_minor));
        let job = OutboxMessage::new(
            "refund",
            "refund",
            Some(refund.clone()),
            serde_json::json!({ "refund_id": refund, "order_id": order, "event_id": event }),
        );
        self.outbox(org, job, now);
        refund
    }

    fn post(&mut self, t: &LedgerTxn, org: OrgId, order: &str, now: Timestamp) {
        let txn = uuid::Uuid::now_v7().to_string();
        for (account, amount) in &t.entries {
            self.ledger.push(vec![
                text(uuid::Uuid::now_v7()),
                text(&txn),
                text(t.kind),
                text(org),
                text(order),
                text(account),
                Arg::Int(*amount),
                text(t.currency),
                Arg::Int(micros(now)),
            ]);
        }
    }
}

struct PaymentRow {
    order_id: String,
    state: PaymentState,
    amount: i64,
    currency: String,
}

struct RefundRow {
    order_id: String,
    amount: i64,
    state: String,
    tickets: String,
    reason: String,
    provider: String,
    /// The gift card a gift-card payment's refund goes back to.
    card: Option<String>,
    payment_id: String,
}

/// What a batch needs to know about the payments, refunds and ledger of
/// the orders it touches; loaded once per batch, under the event's lock.
pub(crate) struct BatchMoney {
    payments: HashMap<String, PaymentRow>,
    seen: HashSet<(String, String)>,
    refunds: HashMap<String, RefundRow>,
    /// Per order: (what was paid, what was refunded), split by ledger account.
    splits: HashMap<String, (Split, Split)>,
}

impl BatchMoney {
    pub(crate) async fn load(tx: &mut Tx, ops: &[crate::InventoryOp], orders: &[String]) -> Result<Self> {
        use crate::InventoryOp;
        let mut out = BatchMoney {
            payments: HashMap::new(),
            seen: HashSet::new(),
            refunds: HashMap::new(),
            splits: HashMap::new(),
        };
        let mut payment_ids = vec![];
        let mut event_ids = vec![];
        let mut refund_ids = vec![];
        let mut pays_by_card = false;
        for op in ops {
            match op {
                InventoryOp::Payment(p) => {
                    payment_ids.push(p.payment_id.clone());
                    event_ids.push(p.event_id.clone());
                }
                InventoryOp::RefundDone { refund, .. } => refund_ids.push(refund.clone()),
                InventoryOp::GiftCard(_) | InventoryOp::Points(_) => pays_by_card = true,
                _ => {}
            }
        }
        if payment_ids.is_empty() && refund_ids.is_empty() && !pays_by_card {
            return Ok(out);
        }
        for r in fetch_in(
            tx,
            "SELECT id, order_id, provider, state, amount_minor, currency FROM payments WHERE id IN ({in})",
            &[],
            &payment_ids,
        )
        .await?
        {
            let state =
                PaymentState::parse(&r.text("state")?).ok_or_else(|| StoreError::Corrupt("payment state".into()))?;
            out.payments.insert(
                r.text("id")?,
                PaymentRow {
                    order_id: r.text("order_id")?,
                    state,
                    amount: r.int("amount_minor")?,
                    currency: r.text("currency")?,
                },
            );
        }
        for r in
            fetch_in(tx, "SELECT provider, event_id FROM provider_events WHERE event_id IN ({in})", &[], &event_ids)
                .await?
        {
            out.seen.insert((r.text("provider")?, r.text("event_id")?));
        }
        for r in fetch_in(
            tx,
            "SELECT r.id, r.order_id, r.amount_minor, r.state, r.tickets, r.reason, r.payment_id, p.provider, p.provider_payment
             FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE r.id IN ({in})",
            &[],
            &refund_ids,
        )
        .await?
        {
            out.refunds.insert(
                r.text("id")?,
                RefundRow {
                    order_id: r.text("order_id")?,
                    amount: r.int("amount_minor")?,
                    state: r.text("state")?,
                    tickets: r.text("tickets")?,
                    reason: r.text("reason")?,
                    provider: r.text("provider")?,
                    card: r.opt_text("provider_payment")?,
                    payment_id: r.text("payment_id")?,
                },
            );
        }
        out.splits = order_splits(tx, orders).await?;
        Ok(out)
    }
}

/// Per order: (what was paid, what was refunded), split by ledger account.
pub(crate) async fn order_splits(tx: &mut Tx, orders: &[String]) -> Result<HashMap<String, (Split, Split)>> {
    let mut out: HashMap<String, (Split, Split)> = HashMap::new();
    for r in fetch_in(
        tx,
        "SELECT order_id, kind, account, CAST(SUM(amount_minor) AS BIGINT) AS total FROM ledger_entries
         WHERE order_id IN ({in}) GROUP BY order_id, kind, account",
        &[],
        orders,
    )
    .await?
    {
        let e = out.entry(r.text("order_id")?).or_default();
        let (kind, account, total) = (r.text("kind")?, r.text("account")?, r.int("total")?);
        let target = if kind == "charge" { &mut e.0 } else { &mut e.1 };
        // Charges credit (negative) these accounts; refunds debit them back.
        let v = if kind == "charge" { -total } else { total };
        if account.ends_with(":sales") {
            target.sales += v;
        } else if account.ends_with(":tax") {
            target.tax += v;
        } else if account == tessera_domain::payments::account::PLATFORM_FEES {
            target.fees += v;
        }
    }
    Ok(out)
}

/// The batch's view for payment operations.
pub(crate) struct PayCx<'a> {
    pub(crate) event: &'a Event,
    pub(crate) pricing: &'a EventPricing,
    pub(crate) seated: bool,
    pub(crate) now: Timestamp,
}

pub(crate) fn start_payment(
    existing: &mut HashMap<String, Existing>,
    event: &Event,
    p: &NewPayment,
    now: Timestamp,
    w: &mut Writes,
) -> OpResult {
    let id = p.order.to_string();
    let e = existing.get_mut(&id).ok_or(OpError::NotFound)?;
    if e.order.state != OrderState::Pending || e.order.expires_at <= now {
        let state = if e.order.state == OrderState::Pending { OrderState::Expired } else { e.order.state };
        return Err(OpError::WrongState(state));
    }
    // What is left to pay: the total less what a gift card paid already.
    let due = e.order.total.amount_minor - (e.order.paid.amount_minor - e.order.refunded.amount_minor);
    if p.amount_minor != due || p.currency != e.order.total.currency.code() {
        return Err(OpError::Rejected("the payment's amount differs from the order's total".into()));
    }
    w.money.payments.push(vec![
        text(&p.id),
        text(&id),
        text(event.org_id),
        text(&p.provider),
        text(&p.provider_ref),
        Arg::OptText(p.provider_payment.clone()),
        text("open"),
        Arg::Int(p.amount_minor),
        text(&p.currency),
        Arg::OptText(p.redirect_url.clone()),
        Arg::OptInt(p.due_at.map(micros)),
        Arg::Int(micros(now)),
        Arg::Int(micros(now)),
    ]);
    if let Some(until) = p.hold_until.filter(|u| *u > e.order.expires_at) {
        w.money.extend.push((id.clone(), micros(until)));
        e.order.expires_at = until;
    }
    for m in &p.outbox {
        w.money.outbox(event.org_id, m.clone(), now);
    }
    let note = format!("payment started with {}", p.provider);
    w.history(&id, now, "buyer", Some(OrderState::Pending), OrderState::Pending, &note);
    e.order.history.push(HistoryEntry {
        at: now,
        actor: "buyer".into(),
        from_state: Some(OrderState::Pending),
        to_state: OrderState::Pending,
        note,
    });
    Ok(Some(e.order.clone()))
}

/// Paying part or all of a pending order with a gift card.
#[derive(Debug, Clone)]
pub struct GiftCardPayment {
    pub order: OrderId,
    /// The card's code, normalized.
    pub code: String,
    pub payment_id: String,
    pub actor: String,
}

/// Takes min(balance, what is left to pay) off the card (locked by the
/// batch), as a succeeded `giftcard` payment with its ledger postings; the
/// order is paid at once when the card covers the rest.
#[allow(clippy::too_many_arguments)]
pub(crate) fn pay_with_gift_card(
    cx: &PayCx<'_>,
    p: &GiftCardPayment,
    cards: &mut HashMap<String, tessera_domain::giftcards::GiftCard>,
    money: &mut BatchMoney,
    existing: &mut HashMap<String, Existing>,
    snap: Option<&mut tessera_domain::inventory::Snapshot>,
    w: &mut Writes,
    seats: Option<&mut crate::seating::BatchSeats>,
) -> OpResult {
    use tessera_domain::giftcards::{GiftCardRefusal, PROVIDER, mask};
    let now = cx.now;
    let order_id = p.order.to_string();
    let e = existing.get_mut(&order_id).ok_or(OpError::NotFound)?;
    if e.order.state != OrderState::Pending || e.order.expires_at <= now {
        let state = if e.order.state == OrderState::Pending { OrderState::Expired } else { e.order.state };
        return Err(OpError::WrongState(state));
    }
    let refuse =
        |r: GiftCardRefusal| OpError::Refused { code: r.code(), field: r.field(), message: r.message().into() };
    let card = cards.get_mut(&p.code).ok_or(refuse(GiftCardRefusal::Unknown))?;
    let cur = e.order.total.currency;
    card.usable(cur, now).map_err(refuse)?;
    let due = e.order.total.amount_minor - (e.order.paid.amount_minor - e.order.refunded.amount_minor);
    if due <= 0 {
        return Err(OpError::WrongState(OrderState::Paid));
    }
    let amount = card.balance.amount_minor.min(due);
    card.balance.amount_minor -= amount;
    w.money.payments.push(vec![
        text(&p.payment_id),
        text(&order_id),
        text(cx.event.org_id),
        text(PROVIDER),
        text(&p.payment_id),
        Arg::OptText(Some(card.id.to_string())),
        text("succeeded"),
        Arg::Int(amount),
        text(cur),
        Arg::OptText(None),
        Arg::OptInt(None),
        Arg::Int(micros(now)),
        Arg::Int(micros(now)),
    ]);
    w.money.card_moves.push(crate::giftcards::CardMove {
        card_id: card.id.to_string(),
        kind: "checkout",
        amount: -amount,
        order_id: Some(order_id.clone()),
        payment_id: Some(p.payment_id.clone()),
        actor: p.actor.clone(),
        note: format!("order {}", e.order.reference),
        request_key: None,
    });
    let whole = Split {
        sales: e.order.total.amount_minor - e.order.tax.amount_minor - e.fees_total,
        tax: e.order.tax.amount_minor,
        fees: e.fees_total,
    };
    let s = money.splits.entry(order_id.clone()).or_default();
    let split = tessera_domain::payments::charge_split(whole, s.0, amount);
    s.0 = Split { sales: s.0.sales + split.sales, tax: s.0.tax + split.tax, fees: s.0.fees + split.fees };
    w.money.post(&charge_txn(PROVIDER, cx.event.org_id, cur, split), cx.event.org_id, &order_id, now);
    w.money.paid.push((order_id.clone(), amount));
    e.order.set_money(Money::new(e.order.paid.amount_minor + amount, cur), e.order.refunded);
    let note = format!("paid {} with gift card {}", Money::new(amount, cur), mask(&card.code));
    if amount == due {
        let t = Transition::new(cx.event, p.order, OrderState::Paid, &p.actor, &note, now, cx.pricing);
        return transition(existing, t, snap, w, seats);
    }
    w.history(&order_id, now, &p.actor, Some(OrderState::Pending), OrderState::Pending, &note);
    e.order.history.push(HistoryEntry {
        at: now,
        actor: p.actor.clone(),
        from_state: Some(OrderState::Pending),
        to_state: OrderState::Pending,
        note,
    });
    Ok(Some(e.order.clone()))
}

/// Takes points off the buyer's account (locked by the batch) as a
/// succeeded `points` payment worth whole steps of the rule, never more
/// than is left to pay; the order is paid at once when they cover the rest.
#[allow(clippy::too_many_arguments)]
pub(crate) fn pay_with_points(
    cx: &PayCx<'_>,
    p: &crate::loyalty::PointsPayment,
    points: &mut crate::loyalty::BatchPoints,
    money: &mut BatchMoney,
    existing: &mut HashMap<String, Existing>,
    snap: Option<&mut tessera_domain::inventory::Snapshot>,
    w: &mut Writes,
    seats: Option<&mut crate::seating::BatchSeats>,
) -> OpResult {
    use tessera_domain::loyalty::{PROVIDER, PointsRefusal};
    let now = cx.now;
    let order_id = p.order.to_string();
    let e = existing.get_mut(&order_id).ok_or(OpError::NotFound)?;
    if e.order.state != OrderState::Pending || e.order.expires_at <= now {
        let state = if e.order.state == OrderState::Pending { OrderState::Expired } else { e.order.state };
        return Err(OpError::WrongState(state));
    }
    let refuse = |r: PointsRefusal| OpError::Refused { code: r.code(), field: "points", message: r.message().into() };
    let user = p.user.to_string();
    let rule = points.rule.clone().ok_or(refuse(PointsRefusal::Disabled))?;
    let balance = points.balances.get_mut(&user).ok_or(refuse(PointsRefusal::SignIn))?;
    let cur = e.order.total.currency;
    let due = e.order.total.amount_minor - (e.order.paid.amount_minor - e.order.refunded.amount_minor);
    if due <= 0 {
        return Err(OpError::WrongState(OrderState::Paid));
    }
    let (taken, amount) = rule.redeem(p.points, *balance, due).map_err(refuse)?;
    *balance -= taken;
    w.money.payments.push(vec![
        text(&p.payment_id),
        text(&order_id),
        text(cx.event.org_id),
        text(PROVIDER),
        text(&p.payment_id),
        Arg::OptText(Some(user.clone())),
        text("succeeded"),
        Arg::Int(amount),
        text(cur),
        Arg::OptText(None),
        Arg::OptInt(None),
        Arg::Int(micros(now)),
        Arg::Int(micros(now)),
    ]);
    w.money.loyalty.spends.push(crate::loyalty::Spend {
        org: cx.event.org_id.to_string(),
        user,
        points: taken,
        order_id: order_id.clone(),
        payment_id: p.payment_id.clone(),
        note: format!("order {}", e.order.reference),
    });
    let whole = Split {
        sales: e.order.total.amount_minor - e.order.tax.amount_minor - e.fees_total,
        tax: e.order.tax.amount_minor,
        fees: e.fees_total,
    };
    let s = money.splits.entry(order_id.clone()).or_default();
    let split = tessera_domain::payments::charge_split(whole, s.0, amount);
    s.0 = Split { sales: s.0.sales + split.sales, tax: s.0.tax + split.tax, fees: s.0.fees + split.fees };
    w.money.post(&charge_txn(PROVIDER, cx.event.org_id, cur, split), cx.event.org_id, &order_id, now);
    w.money.paid.push((order_id.clone(), amount));
    e.order.set_money(Money::new(e.order.paid.amount_minor + amount, cur), e.order.refunded);
    let actor = "buyer".to_string();
    let note = format!("paid {} with {taken} points", Money::new(amount, cur));
    if amount == due {
        let t = Transition::new(cx.event, p.order, OrderState::Paid, &actor, &note, now, cx.pricing);
        return transition(existing, t, snap, w, seats);
    }
    w.history(&order_id, now, &actor, Some(OrderState::Pending), OrderState::Pending, &note);
    e.order.history.push(HistoryEntry {
        at: now,
        actor,
        from_state: Some(OrderState::Pending),
        to_state: OrderState::Pending,
        note,
    });
    Ok(Some(e.order.clone()))
}

/// Side effects of an order changing state, queued with the change.
pub(crate) fn on_transition(t: &Transition<'_>, order: &Order, w: &mut Writes) {
    let subject = Some(order.id.to_string());
    let org = t.event.org_id;
    match t.to {
        OrderState::Paid => {
            w.money.loyalty.paid.push(order.id.to_string());
            let email = OutboxMessage::new("email", "order_confirmation", subject.clone(), serde_json::json!({}))
                .dedupe(format!("order_confirmation:{}", order.id));
            w.money.outbox(org, email, t.now);
            if w.money.wants("order.paid") {
                w.money.outbox(org, webhook("order.paid", order, t.now), t.now);
            }
            let hours = t.pricing.reminder_hours;
            if hours > 0
                && let Ok(at) = t.event.starts_at.checked_sub(jiff::SignedDuration::from_hours(hours))
                && at > t.now
            {
                let reminder = OutboxMessage::new("email", "event_reminder", subject, serde_json::json!({}))
                    .dedupe(format!("event_reminder:{}", order.id))
                    .due(at);
                w.money.outbox(org, reminder, t.now);
            }
        }
        OrderState::Cancelled if w.money.wants("order.cancelled") => {
            w.money.outbox(org, webhook("order.cancelled", order, t.now), t.now)
        }
        _ => {}
    }
}

/// A webhook message in the Standard Webhooks shape: type, timestamp, data.
pub fn webhook(topic: &str, order: &Order, now: Timestamp) -> OutboxMessage {
    let payload = serde_json::json!({ "type": topic, "timestamp": now.to_string(), "data": order });
    OutboxMessage::new("webhook", topic, Some(order.id.to_string()), payload)
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn apply_provider_event(
    cx: &PayCx<'_>,
    pe: &ProviderEvent,
    money: &mut BatchMoney,
    existing: &mut HashMap<String, Existing>,
    snap: Option<&mut tessera_domain::inventory::Snapshot>,
    w: &mut Writes,
    seats: Option<&mut crate::seating::BatchSeats>,
) -> OpResult {
    let now = cx.now;
    // A repeated report (same provider, same event id) changes nothing.
    if !money.seen.insert((pe.provider.clone(), pe.event_id.clone())) {
        return Ok(None);
    }
    let record = |w: &mut Writes, outcome: String| {
        w.money.provider_events.push(vec![
            text(&pe.provider),
            text(&pe.event_id),
            text(&pe.payment_id),
            text(&pe.kind),
            text(outcome),
            Arg::Int(micros(now)),
            text(&pe.payload),
        ]);
    };
    let order_id = pe.order.to_string();
    let Some(pay) = money.payments.get_mut(&pe.payment_id).filter(|p| p.order_id == order_id) else {
        record(w, "ignored: unknown payment".into());
        return Ok(None);
    };
    let Some(e) = existing.get_mut(&order_id) else {
        record(w, "ignored: unknown order".into());
        return Err(OpError::NotFound);
    };
    let Some(next) = pay.state.after(pe.outcome) else {
        record(w, format!("ignored: payment already {}", pay.state.as_str()));
        return Ok(Some(e.order.clone()));
    };
    if next != PaymentState::Succeeded {
        pay.state = next;
        w.money.payment_states.push((pe.payment_id.clone(), next.as_str(), pe.provider_payment.clone()));
        record(w, "applied".into());
        let note = format!("{} payment {}", pe.provider, next.as_str());
        w.history(&order_id, now, &format!("provider:{}", pe.provider), Some(e.order.state), e.order.state, &note);
        return Ok(Some(e.order.clone()));
    }
    let amount = pe.amount_minor.unwrap_or(pay.amount);
    let currency = pe.currency.clone().unwrap_or_else(|| pay.currency.clone());
    if !currency.eq_ignore_ascii_case(&pay.currency) || amount <= 0 {
        // Money in another currency cannot be booked against this order.
        let why = format!("rejected: paid {amount} {currency}, expected {} {}", pay.amount, pay.currency);
        tracing::error!(payment = %pe.payment_id, %why, "a provider reported a payment that cannot be booked; needs staff");
        record(w, why.clone());
        return Err(OpError::Rejected(why));
    }
    let mismatch = amount != pay.amount;
    // The order is paid when this payment brings exactly its total in (a
    // gift card may have paid part of it; an expired order whose gift-card
    // part went back to the card is short of it).
    let net_after = e.order.paid.amount_minor - e.order.refunded.amount_minor + amount;
    let exact = !mismatch && net_after == e.order.total.amount_minor;
    let pay_amount = pay.amount;
    pay.state = next;
    w.money.payment_states.push((pe.payment_id.clone(), "succeeded", pe.provider_payment.clone()));
    // The money arrived, whatever becomes of the order.
    let cur = e.order.total.currency;
    let whole = Split {
        sales: e.order.total.amount_minor - e.order.tax.amount_minor - e.fees_total,
        tax: e.order.tax.amount_minor,
        fees: e.fees_total,
    };
    let charged = money.splits.get(&order_id).map(|s| s.0).unwrap_or_default();
    // Another amount than asked is booked as it came and refunded below.
    let split = if mismatch {
        Split { sales: amount, tax: 0, fees: 0 }
    } else {
        tessera_domain::payments::charge_split(whole, charged, amount)
    };
    w.money.post(&charge_txn(&pe.provider, cx.event.org_id, cur, split), cx.event.org_id, &order_id, now);
    let s = money.splits.entry(order_id.clone()).or_default();
    s.0 = Split { sales: s.0.sales + split.sales, tax: s.0.tax + split.tax, fees: s.0.fees + split.fees };
    w.money.paid.push((order_id.clone(), amount));
    e.order.set_money(Money::new(e.order.paid.amount_minor + amount, cur), e.order.refunded);
    let actor = format!("provider:{}", pe.provider);
    let note = format!("paid {} with {}", Money::new(amount, cur), pe.provider);
    // Revived only if everything the hold had is still free: its quotas'
    // room and, on a seated event, the very same seats.
    let mut seats = seats;
    // A resale order holds a listing, not seats: it is revived (or paid)
    // only if its listing can still be settled.
    let resale = w.resale.is_resale(&order_id);
    let resale_block = w.resale.blocks(&order_id, now);
    let seats_free = match seats.as_deref() {
        _ if resale => resale_block.is_none(),
        Some(s) if cx.seated => {
            !e.hold_seats.is_empty()
                && e.hold_seats
                    .iter()
                    .all(|i| s.statuses.get(*i as usize) == Some(&tessera_seating::SeatStatus::Available))
        }
        _ => !cx.seated,
    };
    let revivable = e.order.state == OrderState::Expired
        && seats_free
        && snap
            .as_ref()
            .is_some_and(|s| e.allocations.iter().all(|(q, n)| s.quotas.get(q).is_some_and(|c| c.available() >= *n)));
    if revivable && let Some(s) = seats.as_deref_mut() {
        // Take the seats again under the order's hold; the transition below sells them.
        let crate::seating::BatchSeats { plan, statuses } = s;
        for &i in &e.hold_seats {
            let index = tessera_seating::SeatIndex(i);
            w.claim_seat(cx.event.id, plan, statuses, index, Some(&order_id));
            let seat = plan.map.seat(index);
            if let Some(tt) = plan.zones.get(&seat.category) {
                e.seats.push((i, *tt, crate::seating::seat_label(&plan.map, index)));
            }
        }
    }
    match e.order.state {
        OrderState::Pending | OrderState::Expired
            if exact && resale_block.is_none() && (e.order.state == OrderState::Pending || revivable) =>
        {
            record(w, "applied".into());
            let mut t = Transition::new(cx.event, pe.order, OrderState::Paid, &actor, &note, now, cx.pricing);
            t.revive = revivable;
            let out = transition(existing, t, snap, w, seats);
            if let Ok(Some(o)) = &out
                && revivable
            {
                tracing::info!(order = %o.id, "a late payment found its inventory still there");
            }
            out
        }
        state => {
            // Paid too late (the inventory is gone), twice, for a cancelled
            // order, or another amount than asked: the money goes back in full.
            let why = if mismatch {
                format!("amount {amount} instead of {pay_amount}")
            } else if let Some(gone) = resale_block.filter(|_| exact) {
                format!("the resale listing cannot be sold ({gone})")
            } else if net_after != e.order.total.amount_minor && state == OrderState::Pending {
                format!("{amount} does not match what is left to pay")
            } else {
                format!("the order is {state}")
            };
            record(w, format!("applied: {why}, refunding"));
            let refund = uuid::Uuid::now_v7().to_string();
            w.money.refunds.push(vec![
                text(&refund),
                text(&order_id),
                text(&pe.payment_id),
                text(cx.event.org_id),
                Arg::Int(amount),
                text(cur),
                text("pending"),
                text(if mismatch { "amount mismatch" } else { "late payment" }),
                text("system"),
                text("none"),
                text(format!("late:{}", pe.payment_id)),
                Arg::Int(micros(now)),
                Arg::Int(micros(now)),
            ]);
            w.money.refund_reserved.push((order_id.clone(), amount));
            e.order.set_money(e.order.paid, Money::new(e.order.refunded.amount_minor + amount, cur));
            let job = OutboxMessage::new(
                "refund",
                "refund",
                Some(refund.clone()),
                serde_json::json!({ "refund_id": refund, "order_id": order_id, "event_id": cx.event.id }),
            );
            w.money.outbox(cx.event.org_id, job, now);
            let note = format!("{note}, but {why}: refunding it in full");
            w.history(&order_id, now, &actor, Some(state), state, &note);
            e.order.history.push(HistoryEntry { at: now, actor, from_state: Some(state), to_state: state, note });
            Ok(Some(e.order.clone()))
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn refund_done(
    cx: &PayCx<'_>,
    order: OrderId,
    refund_id: &str,
    provider_ref: Option<String>,
    money: &mut BatchMoney,
    existing: &mut HashMap<String, Existing>,
    w: &mut Writes,
    seats: Option<&mut crate::seating::BatchSeats>,
) -> OpResult {
    let now = cx.now;
    let order_id = order.to_string();
    let r = money.refunds.get_mut(refund_id).filter(|r| r.order_id == order_id).ok_or(OpError::NotFound)?;
    let e = existing.get_mut(&order_id).ok_or(OpError::NotFound)?;
    if r.state != "pending" {
        return Ok(Some(e.order.clone()));
    }
    let (paid, refunded) = money.splits.get(&order_id).copied().unwrap_or_default();
    let split = refund_split(paid, refunded, r.amount)
        .ok_or_else(|| OpError::Rejected(format!("refund of {} exceeds what is left of the payment", r.amount)))?;
    r.state = "succeeded".into();
    let s = money.splits.entry(order_id.clone()).or_default();
    s.1 = Split { sales: s.1.sales + split.sales, tax: s.1.tax + split.tax, fees: s.1.fees + split.fees };
    let cur = e.order.total.currency;
    w.money.post(&refund_txn(&r.provider, cx.event.org_id, cur, split), cx.event.org_id, &order_id, now);
    w.money.refunds_done.push((refund_id.to_string(), provider_ref));
    w.money.loyalty.refunds.push((order_id.clone(), r.payment_id.clone(), r.provider.clone()));
    if r.provider == tessera_domain::giftcards::PROVIDER {
        // A gift card's part goes back to the card.
        let card = r.card.clone().ok_or_else(|| OpError::Rejected("the gift-card payment names no card".into()))?;
        w.money.card_moves.push(crate::giftcards::CardMove {
            card_id: card,
            kind: "refund",
            amount: r.amount,
            order_id: Some(order_id.clone()),
            payment_id: None,
            actor: "system".into(),
            note: r.reason.clone(),
            request_key: None,
        });
    }
    let amount = Money::new(r.amount, cur);
    let note = format!("refunded {amount}: {}", r.reason);
    let (tickets, reason, late) = (r.tickets.clone(), r.reason.clone(), r.reason == "late payment");
    let mut out = Some(e.order.clone());
    if tickets == "all" && e.order.state == OrderState::Paid {
        let t = Transition::new(cx.event, order, OrderState::Refunded, "system", &note, now, cx.pricing);
        out = transition(existing, t, None, w, seats)?;
    } else {
        if tickets != "all" && tickets != "none" {
            for id in tickets.split(',') {
                if let Some(t) = e.order.tickets.iter_mut().find(|t| t.id.to_string() == id) {
                    t.status = "void".into();
                    w.money.voided_tickets.push(id.to_string());
                }
            }
        }
        w.history(&order_id, now, "system", Some(e.order.state), e.order.state, &note);
        e.order.history.push(HistoryEntry {
            at: now,
            actor: "system".into(),
            from_state: Some(e.order.state),
            to_state: e.order.state,
            note,
        });
        out = out.map(|_| e.order.clone());
    }
    let order_now = out.clone().unwrap_or_else(|| existing[&order_id].order.clone());
    let topic = if late {
        "late_payment_refunded"
    } else if reason == "event cancelled" {
        "event_cancelled"
    } else {
        "refund_notice"
    };
    // A seller's resale payout was announced with the sale (`resale_sold`).
    if reason != crate::resale::RESALE_PAYOUT {
        let mail = OutboxMessage::new(
            "email",
            topic,
            Some(order_id.clone()),
            serde_json::json!({ "refund_id": refund_id, "amount_minor": amount.amount_minor, "reason": reason }),
        )
        .dedupe(format!("{topic}:{refund_id}"));
        w.money.outbox(cx.event.org_id, mail, now);
    }
    let payload = serde_json::json!({
        "type": "order.refunded",
        "timestamp": now.to_string(),
        "data": { "order": order_now, "refund": { "id": refund_id, "amount": amount, "reason": reason } },
    });
    let hook = OutboxMessage::new("webhook", "order.refunded", Some(order_id.clone()), payload);
    if w.money.wants("order.refunded") {
        w.money.outbox(cx.event.org_id, hook, now);
    }
    Ok(Some(order_now))
}

pub(crate) async fn flush_money(tx: &mut Tx, m: MoneyWrites, now: Timestamp) -> Result<()> {
    let conflict_free = " ON CONFLICT DO NOTHING";
    insert_rows_then(
        tx,
        "payments",
        &[
            "id",
            "order_id",
            "org_id",
            "provider",
            "provider_ref",
            "provider_payment",
            "state",
            "amount_minor",
            "currency",
            "redirect_url",
            "due_at",
            "created_at",
            "updated_at",
        ],
        m.payments,
        "",
    )
    .await?;
    insert_rows_then(
        tx,
        "provider_events",
        &["provider", "event_id", "payment_id", "kind", "outcome", "received_at", "payload"],
        m.provider_events,
        conflict_free,
    )
    .await?;
    for mv in &m.card_moves {
        if crate::giftcards::apply_move(tx, mv, now).await?.is_none() {
            // Decided under the card's lock, so only a bug gets here: write nothing.
            return Err(StoreError::Conflict {
                field: "gift_card".into(),
                message: "the gift card's balance cannot go below zero".into(),
            });
        }
    }
    for (id, state, provider_payment) in m.payment_states {
        sqlx::query(
            "UPDATE payments SET state = $1, provider_payment = COALESCE($2, provider_payment), updated_at = $3 WHERE id = $4",
        )
        .bind(state)
        .bind(provider_payment)
        .bind(micros(now))
        .bind(id)
        .execute(&mut **tx)
        .await?;
    }
    for (order, amount) in m.paid {
        sqlx::query("UPDATE orders SET paid_minor = paid_minor + $1 WHERE id = $2")
            .bind(amount)
            .bind(order)
            .execute(&mut **tx)
            .await?;
    }
    for (order, amount) in m.refund_reserved {
        sqlx::query("UPDATE orders SET refunded_minor = refunded_minor + $1 WHERE id = $2")
            .bind(amount)
            .bind(order)
            .execute(&mut **tx)
            .await?;
    }
    insert_rows_then(
        tx,
        "refunds",
        &[
            "id",
            "order_id",
            "payment_id",
            "org_id",
            "amount_minor",
            "currency",
            "state",
            "reason",
            "actor",
            "tickets",
            "request_key",
            "created_at",
            "updated_at",
        ],
        m.refunds,
        "",
    )
    .await?;
    for (id, provider_ref) in m.refunds_done {
        let r = sqlx::query(
            "UPDATE refunds SET state = 'succeeded', provider_ref = COALESCE($1, provider_ref), updated_at = $2
             WHERE id = $3 AND state = 'pending'",
        )
        .bind(provider_ref)
        .bind(micros(now))
        .bind(id.clone())
        .execute(&mut **tx)
        .await?;
        if r.rows_affected() != 1 {
            // Failed meanwhile by another transaction: write nothing of this batch.
            return Err(StoreError::Conflict {
                field: "refund".into(),
                message: format!("refund {id} is no longer pending"),
            });
        }
    }
    execute_in(
        tx,
        "UPDATE tickets SET status = 'void', voided_at = $1 WHERE status = 'valid' AND id IN ({in})",
        &[Arg::Int(micros(now))],
        &m.voided_tickets,
    )
    .await?;
    for (order, until) in m.extend {
        sqlx::query("UPDATE holds SET expires_at = $1 WHERE id = $2 AND state = 'active'")
            .bind(until)
            .bind(order.clone())
            .execute(&mut **tx)
            .await?;
        sqlx::query("UPDATE orders SET expires_at = $1 WHERE id = $2")
            .bind(until)
            .bind(order)
            .execute(&mut **tx)
            .await?;
    }
    insert_rows_then(
        tx,
        "ledger_entries",
        &["id", "txn_id", "kind", "org_id", "order_id", "account", "amount_minor", "currency", "at"],
        m.ledger,
        "",
    )
    .await?;
    insert_rows_then(tx, "outbox", OUTBOX_COLS, m.outbox, conflict_free).await?;
    crate::loyalty::flush(tx, m.loyalty, now).await?;
    Ok(())
}

/// The webhook topics an organization's enabled endpoints subscribe to.
#[derive(Debug, Clone, Default)]
pub(crate) struct Subscriptions(HashSet<String>);

impl Subscriptions {
    pub(crate) fn wants(&self, topic: &str) -> bool {
        self.0.contains("*") || self.0.contains(topic)
    }
}

/// One query per batch: nothing is queued for topics nobody listens to.
pub(crate) async fn subscriptions_in(tx: &mut Tx, org: OrgId) -> Result<Subscriptions> {
    let rows = sqlx::query("SELECT event_types FROM webhook_endpoints WHERE org_id = $1 AND enabled = 1")
        .bind(org.to_string())
        .fetch_all(&mut **tx)
        .await?;
    let mut topics = HashSet::new();
    for r in &rows {
        topics.extend(r.text("event_types")?.split(' ').map(str::to_string));
    }
    Ok(Subscriptions(topics))
}

/// Queues messages inside a caller's transaction.
pub(crate) async fn insert_outbox(tx: &mut Tx, org: OrgId, msgs: &[OutboxMessage], now: Timestamp) -> Result<()> {
    let rows = msgs.iter().map(|m| m.row(&org.to_string(), now)).collect();
    insert_rows_then(tx, "outbox", OUTBOX_COLS, rows, " ON CONFLICT DO NOTHING").await.map(|_| ())
}

/// How far an event's cancellation has come.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct CancellationProgress {
    /// Orders of the event by state.
    pub orders: std::collections::BTreeMap<String, i64>,
    /// The cancellation's refunds by state (`pending`, `succeeded`, `failed`).
    pub refunds: std::collections::BTreeMap<String, i64>,
    /// Paid orders with money still to give back.
    pub left_to_refund: i64,
}

/// An event's money settings inside a transaction; the defaults when none are set.
pub(crate) async fn pricing_in(tx: &mut Tx, event: EventId) -> Result<EventPricing> {
    let row = sqlx::query("SELECT settings FROM event_pricing WHERE event_id = $1")
        .bind(event.to_string())
        .fetch_optional(&mut **tx)
        .await?;
    match row {
        Some(r) => serde_json::from_str(&r.text("settings")?).map_err(|e| StoreError::Corrupt(e.to_string())),
        None => Ok(EventPricing::default()),
    }
}

const PAYMENT_COLS: &str = "id, order_id, org_id, provider, provider_ref, provider_payment, state, amount_minor, currency, redirect_url, due_at, created_at, updated_at";

fn payment_from(r: &AnyRow) -> Result<PaymentRecord> {
    let cur = Currency::parse(&r.text("currency")?).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(PaymentRecord {
        id: r.text("id")?,
        order_id: r.text("order_id")?,
        org_id: r.text("org_id")?,
        provider: r.text("provider")?,
        provider_ref: r.text("provider_ref")?,
        provider_payment: r.opt_text("provider_payment")?,
        state: PaymentState::parse(&r.text("state")?).ok_or_else(|| StoreError::Corrupt("payment state".into()))?,
        amount: Money::new(r.int("amount_minor")?, cur),
        redirect_url: r.opt_text("redirect_url")?,
        due_at: r.opt_ts("due_at")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
    })
}

const REFUND_COLS: &str = "r.id, r.order_id, r.payment_id, r.org_id, r.amount_minor, r.currency, r.state, r.provider_ref, r.reason, r.actor, r.tickets, r.created_at, p.provider";

fn refund_from(r: &AnyRow) -> Result<RefundRecord> {
    let cur = Currency::parse(&r.text("currency")?).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(RefundRecord {
        id: r.text("id")?,
        order_id: r.text("order_id")?,
        payment_id: r.text("payment_id")?,
        org_id: r.text("org_id")?,
        amount: Money::new(r.int("amount_minor")?, cur),
        state: r.text("state")?,
        provider: r.text("provider")?,
        provider_ref: r.opt_text("provider_ref")?,
        reason: r.text("reason")?,
        actor: r.text("actor")?,
        tickets: r.text("tickets")?,
        created_at: r.ts("created_at")?,
    })
}

fn outbox_from(r: &AnyRow) -> Result<OutboxRow> {
    Ok(OutboxRow {
        id: r.text("id")?,
        org_id: r.text("org_id")?,
        kind: r.text("kind")?,
        topic: r.text("topic")?,
        subject_id: r.opt_text("subject_id")?,
        payload: r.text("payload")?,
        attempts: r.int("attempts")?,
        state: r.text("state")?,
        last_error: r.opt_text("last_error")?,
        next_attempt_at: r.ts("next_attempt_at")?,
        created_at: r.ts("created_at")?,
    })
}

const OUTBOX_READ: &str =
    "id, org_id, kind, topic, subject_id, payload, attempts, state, last_error, next_attempt_at, created_at";

/// A refund to open: it reserves its amount on the order at once, so two
/// refunds together can never exceed what was paid.
#[derive(Debug, Clone)]
pub struct NewRefund {
    pub order: OrderId,
    pub payment_id: String,
    pub amount_minor: i64,
    pub reason: String,
    pub actor: String,
    /// `all`, `none` or comma-separated ticket ids.
    pub tickets: String,
    pub request_key: String,
    /// A refund by amount or of the whole order: the unspent balance of the
    /// gift cards the order bought is taken back first (a refund by ticket
    /// leaves them). Either way what was spent of them is never refunded.
    pub take_back_cards: bool,
}

impl Store {
    pub async fn event_pricing(&self, event: EventId) -> Result<EventPricing> {
        let mut tx = self.read.begin().await?;
        let p = pricing_in(&mut tx, event).await?;
        tx.commit().await?;
        Ok(p)
    }

    pub async fn set_event_pricing(&self, event: EventId, pricing: &EventPricing, now: Timestamp) -> Result<()> {
        let json = serde_json::to_string(pricing).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut tx = self.write.begin().await?;
        let ids: Vec<String> = pricing.taxes.keys().map(|t| t.to_string()).collect();
        let found =
            fetch_in(&mut tx, "SELECT id FROM ticket_types WHERE event_id = $1 AND id IN ({in})", &[text(event)], &ids)
                .await?;
        let found: HashSet<String> = found.iter().map(|r| r.text("id")).collect::<Result<_>>()?;
        if let Some(missing) = ids.iter().find(|i| !found.contains(*i)) {
            return Err(StoreError::invalid(
                &format!("taxes.{missing}"),
                tessera_domain::MessageKey::new("errors-no-such-ticket-type"),
                "no such ticket type in this event",
            ));
        }
        sqlx::query(
            "INSERT INTO event_pricing (event_id, settings, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (event_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at",
        )
        .bind(event.to_string())
        .bind(json)
        .bind(micros(now))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn payment_settings(&self, org: OrgId) -> Result<Option<PaymentSettingsRecord>> {
        let row = sqlx::query(
            "SELECT provider, settings, secrets_sealed, updated_at FROM payment_settings WHERE org_id = $1",
        )
        .bind(org.to_string())
        .fetch_optional(&self.read)
        .await?;
        row.map(|r| {
            Ok(PaymentSettingsRecord {
                provider: r.text("provider")?,
                settings: r.text("settings")?,
                secrets_sealed: r.opt_text("secrets_sealed")?,
                updated_at: r.ts("updated_at")?,
            })
        })
        .transpose()
    }

    pub async fn set_payment_settings(&self, org: OrgId, rec: &PaymentSettingsRecord) -> Result<()> {
        sqlx::query(
            "INSERT INTO payment_settings (org_id, provider, settings, secrets_sealed, updated_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (org_id) DO UPDATE SET provider = excluded.provider, settings = excluded.settings,
               secrets_sealed = excluded.secrets_sealed, updated_at = excluded.updated_at",
        )
        .bind(org.to_string())
        .bind(rec.provider.clone())
        .bind(rec.settings.clone())
        .bind(rec.secrets_sealed.clone())
        .bind(micros(rec.updated_at))
        .execute(&self.write)
        .await?;
        Ok(())
    }

    pub async fn payment(&self, id: &str) -> Result<Option<PaymentRecord>> {
        let row = sqlx::query(dynsql!("SELECT {PAYMENT_COLS} FROM payments WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(payment_from).transpose()
    }

    pub async fn payment_by_ref(&self, provider: &str, provider_ref: &str) -> Result<Option<PaymentRecord>> {
        let row = sqlx::query(dynsql!("SELECT {PAYMENT_COLS} FROM payments WHERE provider = $1 AND provider_ref = $2"))
            .bind(provider.to_string())
            .bind(provider_ref.to_string())
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(payment_from).transpose()
    }

    pub async fn order_payments(&self, order: OrderId) -> Result<Vec<PaymentRecord>> {
        let rows =
            sqlx::query(dynsql!("SELECT {PAYMENT_COLS} FROM payments WHERE order_id = $1 ORDER BY created_at, id"))
                .bind(order.to_string())
                .fetch_all(&self.read)
                .await?;
        rows.iter().map(payment_from).collect()
    }

    /// Open payments started before `before`, oldest first, for reconciliation.
    pub async fn open_payments(&self, provider: &str, before: Timestamp, limit: i64) -> Result<Vec<PaymentRecord>> {
        let rows = sqlx::query(dynsql!(
            "SELECT {PAYMENT_COLS} FROM payments WHERE state = 'open' AND provider = $1 AND created_at < $2
             ORDER BY created_at LIMIT $3"
        ))
        .bind(provider.to_string())
        .bind(micros(before))
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(payment_from).collect()
    }

    /// Records a provider event that changes nothing (unknown payment, bad
    /// type); false when it was already recorded.
    pub async fn record_provider_event(
        &self,
        provider: &str,
        event_id: &str,
        kind: &str,
        outcome: &str,
        payload: &str,
        now: Timestamp,
    ) -> Result<bool> {
        let r = sqlx::query(
            "INSERT INTO provider_events (provider, event_id, payment_id, kind, outcome, received_at, payload)
             VALUES ($1, $2, NULL, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        )
        .bind(provider.to_string())
        .bind(event_id.to_string())
        .bind(kind.to_string())
        .bind(outcome.to_string())
        .bind(micros(now))
        .bind(payload.to_string())
        .execute(&self.write)
        .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Provider events of a payment, oldest first: (event id, kind, outcome, received).
    pub async fn provider_events(&self, payment: &str) -> Result<Vec<(String, String, String, Timestamp)>> {
        let rows = sqlx::query(
            "SELECT event_id, kind, outcome, received_at FROM provider_events WHERE payment_id = $1 ORDER BY received_at, event_id",
        )
        .bind(payment.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| Ok((r.text("event_id")?, r.text("kind")?, r.text("outcome")?, r.ts("received_at")?)))
            .collect()
    }

    /// Opens a refund, or finds the one opened by the same request before.
    /// The order's refunded total includes it from now on; the database
    /// refuses a refunded total above the paid one.
    pub async fn open_refund(&self, r: &NewRefund, org: OrgId, now: Timestamp) -> Result<(RefundRecord, bool)> {
        let mut tx = self.begin_write().await?;
        if self.backend == crate::Backend::Postgres {
            // Refunds and payouts of one organization decide one at a time.
            sqlx::query("SELECT id FROM organizations WHERE id = $1 FOR UPDATE")
                .bind(org.to_string())
                .fetch_optional(&mut *tx)
                .await?;
        }
        if let Some(found) = self.refund_by_key_in(&mut tx, &r.request_key).await? {
            tx.commit().await?;
            return Ok((found, false));
        }
        let row = sqlx::query("SELECT paid_minor, refunded_minor, currency FROM orders WHERE id = $1 AND org_id = $2")
            .bind(r.order.to_string())
            .bind(org.to_string())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let (paid, refunded) = (row.int("paid_minor")?, row.int("refunded_minor")?);
        if r.amount_minor > paid - refunded {
            let cur = Currency::parse(&row.text("currency")?).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let most = Money::new(paid - refunded, cur).to_string();
            return Err(StoreError::invalid(
                "amount_minor",
                tessera_domain::MessageKey::new("errors-refund-at-most").text("amount", most.as_str()),
                format!("at most {most} can be refunded"),
            ));
        }
        let id = uuid::Uuid::now_v7().to_string();
        let reserved = sqlx::query(
            "UPDATE orders SET refunded_minor = refunded_minor + $1 WHERE id = $2 AND refunded_minor + $1 <= paid_minor",
        )
        .bind(r.amount_minor)
        .bind(r.order.to_string())
        .execute(&mut *tx)
        .await?;
        if reserved.rows_affected() != 1 {
            return Err(StoreError::invalid(
                "amount_minor",
                tessera_domain::MessageKey::new("errors-more-than-left"),
                "more than is left to refund",
            ));
        }
        let sold = crate::members::SoldCardRefund {
            order: r.order.to_string(),
            amount: r.amount_minor,
            take_back: r.take_back_cards,
            paid,
            refunded_after: refunded + r.amount_minor,
        };
        crate::members::take_back_sold_cards(&mut tx, self.backend, org, &sold, now).await?;
        sqlx::query(
            "INSERT INTO refunds (id, order_id, payment_id, org_id, amount_minor, currency, state, reason, actor, tickets,
               request_key, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9, $10, $11, $11)",
        )
        .bind(id.clone())
        .bind(r.order.to_string())
        .bind(r.payment_id.clone())
        .bind(org.to_string())
        .bind(r.amount_minor)
        .bind(row.text("currency")?)
        .bind(r.reason.clone())
        .bind(r.actor.clone())
        .bind(r.tickets.clone())
        .bind(r.request_key.clone())
        .bind(micros(now))
        .execute(&mut *tx)
        .await?;
        // The caller carries the refund out at once; the job is the safety net
        // if it cannot, so it waits a minute rather than race the caller.
        let job = OutboxMessage::new("refund", "refund", Some(id.clone()), serde_json::json!({ "refund_id": id }))
            .due(now.checked_add(jiff::SignedDuration::from_secs(60)).unwrap_or(now));
        insert_rows_then(&mut tx, "outbox", OUTBOX_COLS, vec![job.row(&org.to_string(), now)], "").await?;
        let found = self.refund_by_key_in(&mut tx, &r.request_key).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok((found, true))
    }

    async fn refund_by_key_in(&self, tx: &mut Tx, key: &str) -> Result<Option<RefundRecord>> {
        let row = sqlx::query(dynsql!(
            "SELECT {REFUND_COLS} FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE r.request_key = $1"
        ))
        .bind(key.to_string())
        .fetch_optional(&mut **tx)
        .await?;
        row.as_ref().map(refund_from).transpose()
    }

    /// The refund opened by a request, if any.
    pub async fn refund_by_key(&self, key: &str) -> Result<Option<RefundRecord>> {
        let row = sqlx::query(dynsql!(
            "SELECT {REFUND_COLS} FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE r.request_key = $1"
        ))
        .bind(key.to_string())
        .fetch_optional(&self.read)
        .await?;
        row.as_ref().map(refund_from).transpose()
    }

    pub async fn refund(&self, id: &str) -> Result<Option<RefundRecord>> {
        let row = sqlx::query(dynsql!(
            "SELECT {REFUND_COLS} FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE r.id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(&self.read)
        .await?;
        row.as_ref().map(refund_from).transpose()
    }

    pub async fn order_refunds(&self, order: OrderId) -> Result<Vec<RefundRecord>> {
        let rows = sqlx::query(dynsql!(
            "SELECT {REFUND_COLS} FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE r.order_id = $1
             ORDER BY r.created_at, r.id"
        ))
        .bind(order.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(refund_from).collect()
    }

    pub async fn refund_by_provider_ref(&self, provider_ref: &str) -> Result<Option<RefundRecord>> {
        let row = sqlx::query(dynsql!(
            "SELECT {REFUND_COLS} FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE r.provider_ref = $1"
        ))
        .bind(provider_ref.to_string())
        .fetch_optional(&self.read)
        .await?;
        row.as_ref().map(refund_from).transpose()
    }

    /// The provider accepted a refund but has not finished it.
    pub async fn set_refund_provider_ref(&self, id: &str, provider_ref: &str) -> Result<()> {
        sqlx::query("UPDATE refunds SET provider_ref = $1 WHERE id = $2 AND state = 'pending'")
            .bind(provider_ref.to_string())
            .bind(id.to_string())
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// The provider refused a refund: its amount is free to refund again.
    pub async fn fail_refund(&self, id: &str, error: &str, now: Timestamp) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT order_id, amount_minor FROM refunds WHERE id = $1 AND state = 'pending'")
            .bind(id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else { return Ok(false) };
        let r = sqlx::query(
            "UPDATE refunds SET state = 'failed', reason = reason || ' (failed: ' || $1 || ')', updated_at = $2
             WHERE id = $3 AND state = 'pending'",
        )
        .bind(error.chars().take(300).collect::<String>())
        .bind(micros(now))
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() != 1 {
            return Ok(false);
        }
        sqlx::query("UPDATE orders SET refunded_minor = refunded_minor - $1 WHERE id = $2")
            .bind(row.int("amount_minor")?)
            .bind(row.text("order_id")?)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// An order's ledger postings, in order.
    pub async fn order_ledger(&self, order: OrderId) -> Result<Vec<LedgerEntry>> {
        let rows = sqlx::query(
            "SELECT txn_id, kind, order_id, account, amount_minor, currency, memo, at FROM ledger_entries WHERE order_id = $1
             ORDER BY at, txn_id, id",
        )
        .bind(order.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(ledger_from).collect()
    }

    /// Every posting of an organization (for checks and exports).
    pub async fn org_ledger(&self, org: OrgId) -> Result<Vec<LedgerEntry>> {
        let rows = sqlx::query(
            "SELECT txn_id, kind, order_id, account, amount_minor, currency, memo, at FROM ledger_entries WHERE org_id = $1
             ORDER BY at, txn_id, id",
        )
        .bind(org.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(ledger_from).collect()
    }

    /// Balance per (account, currency) of an organization's postings.
    pub async fn org_balances(&self, org: OrgId) -> Result<Vec<(String, String, i64)>> {
        let rows = sqlx::query(
            "SELECT account, currency, CAST(SUM(amount_minor) AS BIGINT) AS total FROM ledger_entries WHERE org_id = $1
             GROUP BY account, currency ORDER BY account, currency",
        )
        .bind(org.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(|r| Ok((r.text("account")?, r.text("currency")?, r.int("total")?))).collect()
    }

    /// Queues messages outside any batch (webhook fan-out, resends).
    pub async fn enqueue(&self, org: OrgId, msgs: &[OutboxMessage], now: Timestamp) -> Result<()> {
        let mut tx = self.write.begin().await?;
        enqueue_in(&mut tx, org, msgs, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes up to `limit` due messages for `lease_secs`: another worker
    /// (another process) skips them until the lease runs out.
    pub async fn claim_outbox(&self, now: Timestamp, lease_secs: i64, limit: i64) -> Result<Vec<OutboxRow>> {
        let mut tx = self.begin_write().await?;
        let skip = if self.backend == crate::Backend::Postgres { " FOR UPDATE SKIP LOCKED" } else { "" };
        let rows = sqlx::query(dynsql!(
            "SELECT {OUTBOX_READ} FROM outbox WHERE state = 'pending' AND next_attempt_at <= $1 AND locked_until <= $1
             ORDER BY next_attempt_at, id LIMIT $2{skip}"
        ))
        .bind(micros(now))
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        let out: Vec<OutboxRow> = rows.iter().map(outbox_from).collect::<Result<_>>()?;
        let ids: Vec<String> = out.iter().map(|r| r.id.clone()).collect();
        let until = micros(now) + lease_secs * 1_000_000;
        execute_in(&mut tx, "UPDATE outbox SET locked_until = $1 WHERE id IN ({in})", &[Arg::Int(until)], &ids).await?;
        tx.commit().await?;
        Ok(out)
    }

    pub async fn outbox_done(&self, id: &str, now: Timestamp) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET state = 'done', done_at = $1, attempts = attempts + 1, locked_until = 0 WHERE id = $2 AND state = 'pending'",
        )
        .bind(micros(now))
        .bind(id.to_string())
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// A failed attempt: try again at `next`, or give up (`next` = None).
    pub async fn outbox_retry(&self, id: &str, error: &str, next: Option<Timestamp>) -> Result<()> {
        let error: String = error.chars().take(1000).collect();
        let q = match next {
            Some(at) => sqlx::query(
                "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, locked_until = 0 WHERE id = $3 AND state = 'pending'",
            )
            .bind(error)
            .bind(micros(at))
            .bind(id.to_string()),
            None => sqlx::query(
                "UPDATE outbox SET attempts = attempts + 1, last_error = $1, state = 'failed', locked_until = 0 WHERE id = $2 AND state = 'pending'",
            )
            .bind(error)
            .bind(id.to_string()),
        };
        q.execute(&self.write).await?;
        Ok(())
    }

    /// Messages about one subject (an order, an endpoint), newest first.
    pub async fn outbox_for(&self, subject: &str, kind: &str, limit: i64) -> Result<Vec<OutboxRow>> {
        let rows = sqlx::query(dynsql!(
            "SELECT {OUTBOX_READ} FROM outbox WHERE subject_id = $1 AND kind = $2 ORDER BY created_at DESC, id DESC LIMIT $3"
        ))
        .bind(subject.to_string())
        .bind(kind.to_string())
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(outbox_from).collect()
    }

    pub async fn outbox_row(&self, id: &str) -> Result<Option<OutboxRow>> {
        let row = sqlx::query(dynsql!("SELECT {OUTBOX_READ} FROM outbox WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(outbox_from).transpose()
    }

    /// Puts a message back in the queue (manual redelivery): same id, so
    /// receivers that saw it already can tell.
    pub async fn outbox_requeue(&self, id: &str, now: Timestamp) -> Result<bool> {
        let r = sqlx::query(
            "UPDATE outbox SET state = 'pending', next_attempt_at = $1, locked_until = 0 WHERE id = $2 AND state <> 'pending'",
        )
        .bind(micros(now))
        .bind(id.to_string())
        .execute(&self.write)
        .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Records a payout to the organizer if it does not exceed what the
    /// organizer is owed in that currency (sales less earlier payouts);
    /// decided under a lock on the organization, so two payouts cannot both
    /// take the same money. Returns the transaction id.
    pub async fn record_payout(&self, org: OrgId, t: &LedgerTxn, reference: &str, now: Timestamp) -> Result<String> {
        let mut tx = self.begin_write().await?;
        let lock = if self.backend == crate::Backend::Postgres { " FOR UPDATE" } else { "" };
        sqlx::query(dynsql!("SELECT id FROM organizations WHERE id = $1{lock}"))
            .bind(org.to_string())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let accounts =
            [tessera_domain::payments::account::org_sales(org), tessera_domain::payments::account::org_payouts(org)];
        let row = sqlx::query(
            "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) AS total FROM ledger_entries
             WHERE org_id = $1 AND currency = $2 AND account IN ($3, $4)",
        )
        .bind(org.to_string())
        .bind(t.currency.code().to_string())
        .bind(accounts[0].clone())
        .bind(accounts[1].clone())
        .fetch_one(&mut *tx)
        .await?;
        let pending: (i64,) = sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM refunds WHERE org_id = $1 AND currency = $2 AND state = 'pending'",
        )
        .bind(org.to_string())
        .bind(t.currency.code().to_string())
        .fetch_one(&mut *tx)
        .await?;
        // Refunds still under way will take their share back: keep it.
        let owed = -row.int("total")? - pending.0;
        let amount: i64 = t.entries.iter().filter(|(a, _)| *a == accounts[1]).map(|(_, v)| *v).sum();
        if amount > owed {
            let most = Money::new(owed.max(0), t.currency).to_string();
            return Err(StoreError::invalid(
                "amount_minor",
                tessera_domain::MessageKey::new("errors-payout-at-most").text("amount", most.as_str()),
                format!("at most {most} is owed to the organization"),
            ));
        }
        let txn = uuid::Uuid::now_v7().to_string();
        for (account, value) in &t.entries {
            sqlx::query(
                "INSERT INTO ledger_entries (id, txn_id, kind, org_id, order_id, account, amount_minor, currency, memo, at)
                 VALUES ($1, $2, $3, $4, NULL, $5, $6, $7, $8, $9)",
            )
            .bind(uuid::Uuid::now_v7().to_string())
            .bind(txn.clone())
            .bind(t.kind)
            .bind(org.to_string())
            .bind(account.clone())
            .bind(*value)
            .bind(t.currency.code().to_string())
            .bind(reference.to_string())
            .bind(micros(now))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(txn)
    }

    /// Orders and cancellation refunds of an event, counted by state.
    pub async fn cancellation_progress(&self, event: EventId) -> Result<CancellationProgress> {
        let mut p = CancellationProgress::default();
        let rows = sqlx::query(
            "SELECT state, COUNT(*) AS n, CAST(SUM(CASE WHEN paid_minor > refunded_minor THEN 1 ELSE 0 END) AS BIGINT) AS owing
             FROM orders WHERE event_id = $1 GROUP BY state",
        )
        .bind(event.to_string())
        .fetch_all(&self.read)
        .await?;
        for r in &rows {
            let state = r.text("state")?;
            if state == "paid" {
                p.left_to_refund += r.int("owing")?;
            }
            p.orders.insert(state, r.int("n")?);
        }
        let rows = sqlx::query(
            "SELECT r.state, COUNT(*) AS n FROM refunds r JOIN orders o ON o.id = r.order_id
             WHERE o.event_id = $1 AND r.request_key LIKE 'cancel:%' GROUP BY r.state",
        )
        .bind(event.to_string())
        .fetch_all(&self.read)
        .await?;
        for r in &rows {
            p.refunds.insert(r.text("state")?, r.int("n")?);
        }
        Ok(p)
    }

    /// Ids of an event's orders in `state`, oldest first.
    pub async fn event_order_ids(&self, event: EventId, state: OrderState) -> Result<Vec<OrderId>> {
        let rows = sqlx::query("SELECT id FROM orders WHERE event_id = $1 AND state = $2 ORDER BY created_at, id")
            .bind(event.to_string())
            .bind(state.as_str())
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(|r| r.parse("id")).collect()
    }

    /// Pending messages, for tests and the status page.
    pub async fn outbox_pending(&self) -> Result<i64> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE state = 'pending'").fetch_one(&self.read).await?;
        Ok(n)
    }
}

fn ledger_from(r: &AnyRow) -> Result<LedgerEntry> {
    let cur = Currency::parse(&r.text("currency")?).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(LedgerEntry {
        txn_id: r.text("txn_id")?,
        kind: r.text("kind")?,
        order_id: r.opt_text("order_id")?,
        account: r.text("account")?,
        amount: Money::new(r.int("amount_minor")?, cur),
        memo: r.opt_text("memo")?,
        at: r.ts("at")?,
    })
}

/// An integrator's webhook endpoint as stored.
#[derive(Debug, Clone)]
pub struct EndpointRecord {
    pub id: String,
    pub org_id: String,
    pub url: String,
    /// Space-separated event types, or `*`.
    pub event_types: String,
    pub description: String,
    pub enabled: bool,
    pub consecutive_failures: i64,
    pub disabled_reason: Option<String>,
    pub secret_sealed: String,
}

/// One delivery attempt, for the delivery log.
#[derive(Debug, Clone)]
pub struct WebhookAttempt {
    pub delivery_id: String,
    pub endpoint_id: String,
    pub message_id: String,
    pub topic: String,
    pub at: Timestamp,
    pub status: Option<i64>,
    pub duration_ms: i64,
    pub error: Option<String>,
    pub response: Option<String>,
}

const ENDPOINT_COLS: &str =
    "id, org_id, url, event_types, description, enabled, consecutive_failures, disabled_reason, secret_sealed";

fn endpoint_from(r: &AnyRow) -> Result<EndpointRecord> {
    Ok(EndpointRecord {
        id: r.text("id")?,
        org_id: r.text("org_id")?,
        url: r.text("url")?,
        event_types: r.text("event_types")?,
        description: r.text("description")?,
        enabled: r.flag("enabled")?,
        consecutive_failures: r.int("consecutive_failures")?,
        disabled_reason: r.opt_text("disabled_reason")?,
        secret_sealed: r.text("secret_sealed")?,
    })
}

impl Store {
    pub async fn create_endpoint(&self, e: &EndpointRecord, now: Timestamp) -> Result<()> {
        sqlx::query(
            "INSERT INTO webhook_endpoints (id, org_id, url, secret_sealed, event_types, description, enabled,
               consecutive_failures, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, 1, 0, $7, $7)",
        )
        .bind(e.id.clone())
        .bind(e.org_id.clone())
        .bind(e.url.clone())
        .bind(e.secret_sealed.clone())
        .bind(e.event_types.clone())
        .bind(e.description.clone())
        .bind(micros(now))
        .execute(&self.write)
        .await?;
        Ok(())
    }

    pub async fn endpoints(&self, org: OrgId) -> Result<Vec<EndpointRecord>> {
        let rows = sqlx::query(dynsql!(
            "SELECT {ENDPOINT_COLS} FROM webhook_endpoints WHERE org_id = $1 ORDER BY created_at, id"
        ))
        .bind(org.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(endpoint_from).collect()
    }

    pub async fn endpoint(&self, id: &str) -> Result<Option<EndpointRecord>> {
        let row = sqlx::query(dynsql!("SELECT {ENDPOINT_COLS} FROM webhook_endpoints WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(endpoint_from).transpose()
    }

    pub async fn update_endpoint(&self, e: &EndpointRecord, now: Timestamp) -> Result<()> {
        sqlx::query(
            "UPDATE webhook_endpoints SET event_types = $1, enabled = $2, consecutive_failures = $3, disabled_reason = $4,
               updated_at = $5 WHERE id = $6",
        )
        .bind(e.event_types.clone())
        .bind(i64::from(e.enabled))
        .bind(e.consecutive_failures)
        .bind(e.disabled_reason.clone())
        .bind(micros(now))
        .bind(e.id.clone())
        .execute(&self.write)
        .await?;
        Ok(())
    }

    pub async fn delete_endpoint(&self, id: &str) -> Result<()> {
        sqlx::query("DELETE FROM webhook_endpoints WHERE id = $1").bind(id.to_string()).execute(&self.write).await?;
        Ok(())
    }

    /// Logs an attempt and keeps the endpoint's failure streak: reset on
    /// success, one more on failure, switched off with `disable` as reason.
    pub async fn record_webhook_attempt(
        &self,
        a: &WebhookAttempt,
        delivered: bool,
        disable: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.write.begin().await?;
        sqlx::query(
            "INSERT INTO webhook_attempts (id, delivery_id, endpoint_id, message_id, topic, at, status, duration_ms, error, response)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(a.delivery_id.clone())
        .bind(a.endpoint_id.clone())
        .bind(a.message_id.clone())
        .bind(a.topic.clone())
        .bind(micros(a.at))
        .bind(a.status)
        .bind(a.duration_ms)
        .bind(a.error.clone())
        .bind(a.response.clone())
        .execute(&mut *tx)
        .await?;
        let q = if delivered {
            sqlx::query("UPDATE webhook_endpoints SET consecutive_failures = 0 WHERE id = $1")
                .bind(a.endpoint_id.clone())
        } else if let Some(why) = disable {
            sqlx::query(
                "UPDATE webhook_endpoints SET consecutive_failures = consecutive_failures + 1, enabled = 0, disabled_reason = $2
                 WHERE id = $1",
            )
            .bind(a.endpoint_id.clone())
            .bind(why.to_string())
        } else {
            sqlx::query("UPDATE webhook_endpoints SET consecutive_failures = consecutive_failures + 1 WHERE id = $1")
                .bind(a.endpoint_id.clone())
        };
        q.execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// An endpoint's newest attempts.
    pub async fn webhook_attempts(&self, endpoint: &str, limit: i64) -> Result<Vec<WebhookAttempt>> {
        let rows = sqlx::query(
            "SELECT delivery_id, endpoint_id, message_id, topic, at, status, duration_ms, error, response
             FROM webhook_attempts WHERE endpoint_id = $1 ORDER BY at DESC, id DESC LIMIT $2",
        )
        .bind(endpoint.to_string())
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(WebhookAttempt {
                    delivery_id: r.text("delivery_id")?,
                    endpoint_id: r.text("endpoint_id")?,
                    message_id: r.text("message_id")?,
                    topic: r.text("topic")?,
                    at: r.ts("at")?,
                    status: r.opt_int("status")?,
                    duration_ms: r.int("duration_ms")?,
                    error: r.opt_text("error")?,
                    response: r.opt_text("response")?,
                })
            })
            .collect()
    }
}
