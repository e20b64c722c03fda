//! Loyalty points: the organization's rule, buyers' balances and their
//! movements, and the parts of an inventory batch that spend points on an
//! order, earn them when it is paid, and take them back or give them back
//! when it is refunded.
//!
//! A balance only changes after its row was locked (an inventory batch locks
//! the accounts of every buyer whose order it touches, `FOR UPDATE` on
//! PostgreSQL in user order; SQLite has one writer), and in a statement that
//! keeps it at zero or more (`balance >= $n`, and the table's CHECK). Due
//! points expire when their account is locked (lazily) and by the sweeper.

use crate::inventory::{Tx, execute_in, fetch_in};
use crate::payments::order_splits;
use crate::row::{RowExt, micros, opt_micros};
use crate::{Backend, Result, Store, StoreError};
use std::collections::{BTreeSet, HashMap};
use tessera_domain::loyalty::{LoyaltyRule, PROVIDER, PointsEntry, pro_rata};
use tessera_domain::payments::{Split, refund_split, refund_txn};
use tessera_domain::{Currency, OrgId, Timestamp, UserId};

const ENTRY_COLS: &str = "id, kind, points, balance_after, remaining, expires_at, order_id, note, at";

fn corrupt(col: &str) -> StoreError {
    StoreError::Corrupt(format!("loyalty.{col}"))
}

fn entry_from(r: &sqlx::any::AnyRow) -> Result<PointsEntry> {
    Ok(PointsEntry {
        id: r.text("id")?,
        kind: r.text("kind")?,
        points: r.int("points")?,
        balance_after: r.int("balance_after")?,
        remaining: r.int("remaining")?,
        expires_at: r.opt_ts("expires_at")?,
        order_id: r.opt_text("order_id")?,
        note: r.text("note")?,
        at: r.ts("at")?,
    })
}

async fn rule_in(tx: &mut Tx, org: &str) -> Result<Option<LoyaltyRule>> {
    let row = sqlx::query(
        "SELECT enabled, earn_per_unit, redeem_points, redeem_value_minor, expiry_days FROM loyalty_rules WHERE org_id = $1",
    )
    .bind(org.to_string())
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|r| rule_from(&r)).transpose()
}

fn rule_from(r: &sqlx::any::AnyRow) -> Result<LoyaltyRule> {
    Ok(LoyaltyRule {
        enabled: r.flag("enabled")?,
        earn_per_unit: r.int("earn_per_unit")?,
        redeem_points: r.int("redeem_points")?,
        redeem_value_minor: r.int("redeem_value_minor")?,
        expiry_days: r.int("expiry_days")?,
    })
}

fn expiry(rule: &LoyaltyRule, now: Timestamp) -> Option<Timestamp> {
    if rule.expiry_days <= 0 {
        return None;
    }
    now.checked_add(jiff::SignedDuration::from_hours(24 * rule.expiry_days)).ok()
}

/// Points to spend from an account in an inventory batch (a `points` payment).
#[derive(Debug, Clone)]
pub(crate) struct Spend {
    pub(crate) org: String,
    pub(crate) user: String,
    pub(crate) points: i64,
    pub(crate) order_id: String,
    pub(crate) payment_id: String,
    pub(crate) note: String,
}

/// What a batch does to points, applied at the end of its money writes.
#[derive(Debug, Default)]
pub(crate) struct LoyaltyWrites {
    pub(crate) spends: Vec<Spend>,
    /// Orders that became paid in the batch: they earn.
    pub(crate) paid: Vec<String>,
    /// Refunds that went through: (order, payment, provider).
    pub(crate) refunds: Vec<(String, String, String)>,
}

/// The rule and the locked balances of the buyers of a batch's orders.
#[derive(Debug, Default)]
pub(crate) struct BatchPoints {
    pub(crate) rule: Option<LoyaltyRule>,
    /// By user id: the balance after expiring what was due.
    pub(crate) balances: HashMap<String, i64>,
}

/// Locks the points accounts of the buyers of `orders` (creating empty ones,
/// so that a first earning has a row to lock), in user order, and expires
/// their due points. Nothing when the organization never had a rule.
pub(crate) async fn lock_accounts(
    tx: &mut Tx,
    backend: Backend,
    org: OrgId,
    orders: &[String],
    now: Timestamp,
) -> Result<BatchPoints> {
    let mut out = BatchPoints::default();
    if orders.is_empty() {
        return Ok(out);
    }
    let org = org.to_string();
    out.rule = rule_in(tx, &org).await?;
    if out.rule.is_none() {
        return Ok(out);
    }
    let mut users = BTreeSet::new();
    for r in
        fetch_in(tx, "SELECT buyer_user_id FROM orders WHERE buyer_user_id IS NOT NULL AND id IN ({in})", &[], orders)
            .await?
    {
        users.insert(r.text("buyer_user_id")?);
    }
    lock_users(tx, backend, &org, &users.into_iter().collect::<Vec<_>>(), now, &mut out.balances).await?;
    Ok(out)
}

async fn lock_users(
    tx: &mut Tx,
    backend: Backend,
    org: &str,
    users: &[String],
    now: Timestamp,
    balances: &mut HashMap<String, i64>,
) -> Result<()> {
    let lock = if backend == Backend::Postgres { " FOR UPDATE" } else { "" };
    for user in users {
        sqlx::query(
            "INSERT INTO loyalty_accounts (org_id, user_id, balance, updated_at) VALUES ($1, $2, 0, $3)
             ON CONFLICT (org_id, user_id) DO NOTHING",
        )
        .bind(org.to_string())
        .bind(user.clone())
        .bind(micros(now))
        .execute(&mut **tx)
        .await?;
        let row = sqlx::query(dynsql!("SELECT balance FROM loyalty_accounts WHERE org_id = $1 AND user_id = $2{lock}"))
            .bind(org.to_string())
            .bind(user.clone())
            .fetch_one(&mut **tx)
            .await?;
        let mut balance = row.int("balance")?;
        balance -= expire_account(tx, org, user, now).await?;
        balances.insert(user.clone(), balance);
    }
    Ok(())
}

/// Expires the due points of one locked account; returns how many.
async fn expire_account(tx: &mut Tx, org: &str, user: &str, now: Timestamp) -> Result<i64> {
    let due = sqlx::query(
        "SELECT id, remaining FROM loyalty_entries WHERE org_id = $1 AND user_id = $2 AND remaining > 0
         AND expires_at IS NOT NULL AND expires_at <= $3",
    )
    .bind(org.to_string())
    .bind(user.to_string())
    .bind(micros(now))
    .fetch_all(&mut **tx)
    .await?;
    let mut total = 0;
    let mut ids = vec![];
    for r in &due {
        total += r.int("remaining")?;
        ids.push(r.text("id")?);
    }
    if total == 0 {
        return Ok(0);
    }
    execute_in(tx, "UPDATE loyalty_entries SET remaining = 0 WHERE id IN ({in})", &[], &ids).await?;
    let after = change_balance(tx, org, user, -total, now).await?.ok_or_else(|| corrupt("balance"))?;
    let n = ids.len();
    insert_entry(tx, org, user, "expire", -total, after, 0, None, None, None, 0, &format!("{n} lot(s) expired"), now)
        .await?;
    Ok(total)
}

/// Adds `delta` to a balance if it stays at zero or more; the new balance.
async fn change_balance(tx: &mut Tx, org: &str, user: &str, delta: i64, now: Timestamp) -> Result<Option<i64>> {
    if delta >= 0 {
        let row = sqlx::query(
            "INSERT INTO loyalty_accounts (org_id, user_id, balance, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (org_id, user_id) DO UPDATE SET balance = loyalty_accounts.balance + $3, updated_at = $4
             RETURNING balance",
        )
        .bind(org.to_string())
        .bind(user.to_string())
        .bind(delta)
        .bind(micros(now))
        .fetch_one(&mut **tx)
        .await?;
        return Ok(Some(row.int("balance")?));
    }
    let row = sqlx::query(
        "UPDATE loyalty_accounts SET balance = balance + $1, updated_at = $2
         WHERE org_id = $3 AND user_id = $4 AND balance + $1 >= 0 RETURNING balance",
    )
    .bind(delta)
    .bind(micros(now))
    .bind(org.to_string())
    .bind(user.to_string())
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|r| r.int("balance")).transpose()
}

#[allow(clippy::too_many_arguments)]
async fn insert_entry(
    tx: &mut Tx,
    org: &str,
    user: &str,
    kind: &str,
    points: i64,
    balance_after: i64,
    remaining: i64,
    expires_at: Option<Timestamp>,
    order_id: Option<&str>,
    payment_id: Option<&str>,
    base_minor: i64,
    note: &str,
    now: Timestamp,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO loyalty_entries (id, org_id, user_id, kind, points, balance_after, remaining, expires_at, order_id,
           payment_id, base_minor, note, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(org.to_string())
    .bind(user.to_string())
    .bind(kind.to_string())
    .bind(points)
    .bind(balance_after)
    .bind(remaining)
    .bind(opt_micros(expires_at))
    .bind(order_id.map(str::to_string))
    .bind(payment_id.map(str::to_string))
    .bind(base_minor)
    .bind(note.to_string())
    .bind(micros(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Takes `points` from a locked account: the balance, and the lots
/// (`order`'s own earning first when given, then soonest to expire).
/// `None` (nothing written) when the balance is short.
#[allow(clippy::too_many_arguments)]
async fn take(
    tx: &mut Tx,
    org: &str,
    user: &str,
    kind: &str,
    points: i64,
    order: Option<&str>,
    payment: Option<&str>,
    note: &str,
    now: Timestamp,
) -> Result<Option<i64>> {
    let Some(after) = change_balance(tx, org, user, -points, now).await? else { return Ok(None) };
    let lots = sqlx::query(
        "SELECT id, remaining FROM loyalty_entries WHERE org_id = $1 AND user_id = $2 AND remaining > 0
         ORDER BY CASE WHEN kind = 'earn' AND order_id = $3 THEN 0 ELSE 1 END,
           CASE WHEN expires_at IS NULL THEN 1 ELSE 0 END, expires_at, at, id",
    )
    .bind(org.to_string())
    .bind(user.to_string())
    .bind(order.unwrap_or("").to_string())
    .fetch_all(&mut **tx)
    .await?;
    let mut left = points;
    for lot in &lots {
        if left == 0 {
            break;
        }
        let n = lot.int("remaining")?.min(left);
        sqlx::query("UPDATE loyalty_entries SET remaining = remaining - $1 WHERE id = $2")
            .bind(n)
            .bind(lot.text("id")?)
            .execute(&mut **tx)
            .await?;
        left -= n;
    }
    if left != 0 {
        return Err(corrupt("lots do not cover the balance"));
    }
    insert_entry(tx, org, user, kind, -points, after, 0, None, order, payment, 0, note, now).await?;
    Ok(Some(after))
}

/// Adds points as a lot that expires by the rule.
#[allow(clippy::too_many_arguments)]
async fn give(
    tx: &mut Tx,
    org: &str,
    user: &str,
    kind: &str,
    points: i64,
    rule: &LoyaltyRule,
    order: Option<&str>,
    payment: Option<&str>,
    base_minor: i64,
    note: &str,
    now: Timestamp,
) -> Result<()> {
    let after = change_balance(tx, org, user, points, now).await?.ok_or_else(|| corrupt("balance"))?;
    insert_entry(tx, org, user, kind, points, after, points, expiry(rule, now), order, payment, base_minor, note, now)
        .await
}

/// Applies a batch's points: spends (decided under the locks), earnings of
/// the orders it made paid, and what its refunds take or give back.
pub(crate) async fn flush(tx: &mut Tx, w: LoyaltyWrites, now: Timestamp) -> Result<()> {
    for s in &w.spends {
        let (order, payment) = (Some(s.order_id.as_str()), Some(s.payment_id.as_str()));
        let taken = take(tx, &s.org, &s.user, "redeem", s.points, order, payment, &s.note, now).await?;
        if taken.is_none() {
            // Decided under the account's lock, so only a bug gets here: write nothing.
            return Err(StoreError::Conflict {
                field: "points".into(),
                message: "the points balance cannot go below zero".into(),
            });
        }
    }
    for order in &w.paid {
        earn(tx, order, now).await?;
    }
    for (order, payment, provider) in &w.refunds {
        if provider == PROVIDER {
            give_back_spent(tx, order, payment, now).await?;
        } else {
            take_back_earned(tx, order, now).await?;
        }
    }
    Ok(())
}

/// The order's buyer earns on what they paid by every means but points.
async fn earn(tx: &mut Tx, order: &str, now: Timestamp) -> Result<()> {
    let Some(r) = sqlx::query(
        "SELECT o.org_id, o.buyer_user_id, o.currency, o.reference,
           CAST(COALESCE((SELECT SUM(p.amount_minor) FROM payments p WHERE p.order_id = o.id AND p.state = 'succeeded'
             AND p.provider <> 'points'), 0) AS BIGINT) AS paid,
           CAST(COALESCE((SELECT SUM(f.amount_minor) FROM refunds f JOIN payments p ON p.id = f.payment_id
             WHERE f.order_id = o.id AND f.state <> 'failed' AND p.provider <> 'points'), 0) AS BIGINT) AS back
         FROM orders o WHERE o.id = $1",
    )
    .bind(order.to_string())
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(());
    };
    let Some(user) = r.opt_text("buyer_user_id")? else { return Ok(()) };
    let org = r.text("org_id")?;
    let Some(rule) = rule_in(tx, &org).await? else { return Ok(()) };
    let cur = Currency::parse(&r.text("currency")?).map_err(|_| corrupt("currency"))?;
    let base = r.int("paid")? - r.int("back")?;
    let points = rule.earned(base, cur);
    if points <= 0 {
        return Ok(());
    }
    let note = format!("order {}", r.text("reference")?);
    give(tx, &org, &user, "earn", points, &rule, Some(order), None, base, &note, now).await
}

/// A refund through the provider or a gift card takes back the points
/// earned on the refunded share, pro rata and cumulatively; never more than
/// the balance holds (the rest is noted, and tried again by a later refund).
async fn take_back_earned(tx: &mut Tx, order: &str, now: Timestamp) -> Result<()> {
    let Some(e) = sqlx::query(
        "SELECT org_id, user_id, points, base_minor FROM loyalty_entries WHERE order_id = $1 AND kind = 'earn'",
    )
    .bind(order.to_string())
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(());
    };
    let (org, user, earned, base) = (e.text("org_id")?, e.text("user_id")?, e.int("points")?, e.int("base_minor")?);
    let r = sqlx::query(
        "SELECT CAST(COALESCE((SELECT SUM(f.amount_minor) FROM refunds f JOIN payments p ON p.id = f.payment_id
             WHERE f.order_id = $1 AND f.state = 'succeeded' AND p.provider <> 'points'), 0) AS BIGINT) AS back,
           CAST(COALESCE((SELECT -SUM(points) FROM loyalty_entries WHERE order_id = $1 AND kind = 'reverse'), 0) AS BIGINT) AS reversed",
    )
    .bind(order.to_string())
    .fetch_one(&mut **tx)
    .await?;
    let due = pro_rata(earned, r.int("back")?, base) - r.int("reversed")?;
    if due <= 0 {
        return Ok(());
    }
    let balance = sqlx::query("SELECT balance FROM loyalty_accounts WHERE org_id = $1 AND user_id = $2")
        .bind(org.clone())
        .bind(user.clone())
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| r.int("balance"))
        .transpose()?
        .unwrap_or(0);
    let n = due.min(balance);
    if n <= 0 {
        return Ok(());
    }
    let note = if n < due {
        format!("refund: {due} points earned on the refunded share, {} already spent", due - n)
    } else {
        "refund: points earned on the refunded share".to_string()
    };
    take(tx, &org, &user, "reverse", n, Some(order), None, &note, now).await?.ok_or_else(|| corrupt("balance"))?;
    Ok(())
}

/// A refund of a points payment gives its points back, pro rata of the
/// payment refunded so far (all of them once it is refunded in full).
async fn give_back_spent(tx: &mut Tx, order: &str, payment: &str, now: Timestamp) -> Result<()> {
    let Some(e) = sqlx::query(
        "SELECT e.org_id, e.user_id, -e.points AS spent, p.amount_minor,
           CAST(COALESCE((SELECT SUM(f.amount_minor) FROM refunds f WHERE f.payment_id = p.id AND f.state = 'succeeded'), 0) AS BIGINT) AS back,
           CAST(COALESCE((SELECT SUM(r.points) FROM loyalty_entries r WHERE r.payment_id = p.id AND r.kind = 'return'), 0) AS BIGINT) AS returned
         FROM loyalty_entries e JOIN payments p ON p.id = e.payment_id WHERE e.payment_id = $1 AND e.kind = 'redeem'",
    )
    .bind(payment.to_string())
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(());
    };
    let (org, user) = (e.text("org_id")?, e.text("user_id")?);
    let due = pro_rata(e.int("spent")?, e.int("back")?, e.int("amount_minor")?) - e.int("returned")?;
    if due <= 0 {
        return Ok(());
    }
    let rule = rule_in(tx, &org).await?.unwrap_or_default();
    give(tx, &org, &user, "return", due, &rule, Some(order), Some(payment), 0, "refund: points given back", now).await
}

/// Gives the points part of these orders back (the order expired or was
/// cancelled before it was paid): what no refund took back yet is refunded
/// at once, in the ledger and to the points.
pub(crate) async fn give_back(
    tx: &mut Tx,
    backend: Backend,
    orders: &[String],
    why: &str,
    now: Timestamp,
) -> Result<()> {
    if orders.is_empty() {
        return Ok(());
    }
    let rows = fetch_in(
        tx,
        "SELECT p.id, p.order_id, p.org_id, p.amount_minor, p.currency, p.provider_payment,
           CAST(COALESCE((SELECT SUM(r.amount_minor) FROM refunds r WHERE r.payment_id = p.id AND r.state <> 'failed'), 0) AS BIGINT) AS back
         FROM payments p WHERE p.provider = 'points' AND p.state = 'succeeded' AND p.order_id IN ({in}) ORDER BY p.provider_payment, p.id",
        &[],
        orders,
    )
    .await?;
    if rows.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = rows.iter().map(|r| r.text("order_id")).collect::<Result<_>>()?;
    let mut splits = order_splits(tx, &ids).await?;
    for r in &rows {
        let left = r.int("amount_minor")? - r.int("back")?;
        if left <= 0 {
            continue;
        }
        let (payment, order, org) = (r.text("id")?, r.text("order_id")?, r.parse::<OrgId>("org_id")?);
        let cur = Currency::parse(&r.text("currency")?).map_err(|_| corrupt("currency"))?;
        let user = r.opt_text("provider_payment")?.ok_or_else(|| corrupt("payment user"))?;
        let mut balances = HashMap::new();
        lock_users(tx, backend, &org.to_string(), std::slice::from_ref(&user), now, &mut balances).await?;
        let inserted = sqlx::query(
            "INSERT INTO refunds (id, order_id, payment_id, org_id, amount_minor, currency, state, reason, actor, tickets,
               request_key, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'succeeded', $7, 'system', 'none', $8, $9, $9) ON CONFLICT DO NOTHING",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(order.clone())
        .bind(payment.clone())
        .bind(org.to_string())
        .bind(left)
        .bind(cur.code().to_string())
        .bind(why.to_string())
        .bind(format!("points-return:{payment}"))
        .bind(micros(now))
        .execute(&mut **tx)
        .await?;
        if inserted.rows_affected() != 1 {
            continue;
        }
        sqlx::query("UPDATE orders SET refunded_minor = refunded_minor + $1 WHERE id = $2")
            .bind(left)
            .bind(order.clone())
            .execute(&mut **tx)
            .await?;
        give_back_spent(tx, &order, &payment, now).await?;
        let (paid, back) = splits.get(&order).copied().unwrap_or_default();
        let split = refund_split(paid, back, left).unwrap_or(Split { sales: left, tax: 0, fees: 0 });
        let s = splits.entry(order.clone()).or_default();
        s.1 = Split { sales: s.1.sales + split.sales, tax: s.1.tax + split.tax, fees: s.1.fees + split.fees };
        let t = refund_txn(PROVIDER, org, cur, split);
        crate::giftcards::post(tx, &t, org, Some(&order), None, now).await?;
    }
    Ok(())
}

/// A buyer's balance with an organization and its movements, newest first.
#[derive(Debug, Clone)]
pub struct PointsAccount {
    pub balance: i64,
    pub entries: Vec<PointsEntry>,
}

/// The organization's points, summed.
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct LoyaltyReport {
    /// Buyers holding points now.
    pub holders: i64,
    /// Points held now, all buyers together.
    pub outstanding: i64,
    pub earned: i64,
    pub redeemed: i64,
    pub expired: i64,
    /// Points earned that refunds took back.
    pub reversed: i64,
    /// Points spent that refunds gave back.
    pub returned: i64,
    /// Orders paid in part with points.
    pub orders_paid_with_points: i64,
    /// Buyers with the most points: (e-mail, points), at most 20.
    pub top: Vec<PointsHolder>,
}

/// A buyer and their points.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PointsHolder {
    pub email: String,
    pub name: String,
    pub points: i64,
}

impl Store {
    /// The organization's points rule, if it ever set one.
    pub async fn loyalty_rule(&self, org: OrgId) -> Result<Option<LoyaltyRule>> {
        let row = sqlx::query(
            "SELECT enabled, earn_per_unit, redeem_points, redeem_value_minor, expiry_days FROM loyalty_rules WHERE org_id = $1",
        )
        .bind(org.to_string())
        .fetch_optional(&self.read)
        .await?;
        row.map(|r| rule_from(&r)).transpose()
    }

    pub async fn set_loyalty_rule(&self, org: OrgId, rule: &LoyaltyRule, now: Timestamp) -> Result<()> {
        sqlx::query(
            "INSERT INTO loyalty_rules (org_id, enabled, earn_per_unit, redeem_points, redeem_value_minor, expiry_days, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (org_id) DO UPDATE SET enabled = $2, earn_per_unit = $3, redeem_points = $4,
               redeem_value_minor = $5, expiry_days = $6, updated_at = $7",
        )
        .bind(org.to_string())
        .bind(i64::from(rule.enabled))
        .bind(rule.earn_per_unit)
        .bind(rule.redeem_points)
        .bind(rule.redeem_value_minor)
        .bind(rule.expiry_days)
        .bind(micros(now))
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// A buyer's points: due points expire first (under the account's lock).
    pub async fn points_account(&self, org: OrgId, user: UserId, now: Timestamp) -> Result<PointsAccount> {
        let (org, user) = (org.to_string(), user.to_string());
        let exists = sqlx::query("SELECT balance FROM loyalty_accounts WHERE org_id = $1 AND user_id = $2")
            .bind(org.clone())
            .bind(user.clone())
            .fetch_optional(&self.read)
            .await?;
        if exists.is_none() {
            return Ok(PointsAccount { balance: 0, entries: vec![] });
        }
        let mut tx = self.begin_write().await?;
        let mut balances = HashMap::new();
        lock_users(&mut tx, self.backend, &org, std::slice::from_ref(&user), now, &mut balances).await?;
        tx.commit().await?;
        let rows = sqlx::query(dynsql!(
            "SELECT {ENTRY_COLS} FROM loyalty_entries WHERE org_id = $1 AND user_id = $2 ORDER BY at DESC, id DESC LIMIT 200"
        ))
        .bind(org)
        .bind(user.clone())
        .fetch_all(&self.read)
        .await?;
        let entries = rows.iter().map(entry_from).collect::<Result<_>>()?;
        Ok(PointsAccount { balance: balances.get(&user).copied().unwrap_or(0), entries })
    }

    /// Expires due points of up to `limit` accounts, each in its own
    /// transaction under its lock; returns how many accounts it expired.
    pub async fn expire_points(&self, now: Timestamp, limit: i64) -> Result<usize> {
        let due: Vec<(String, String)> = sqlx::query_as(
            "SELECT DISTINCT org_id, user_id FROM loyalty_entries
             WHERE remaining > 0 AND expires_at IS NOT NULL AND expires_at <= $1 LIMIT $2",
        )
        .bind(micros(now))
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        for (org, user) in &due {
            let mut tx = self.begin_write().await?;
            let mut balances = HashMap::new();
            lock_users(&mut tx, self.backend, org, std::slice::from_ref(user), now, &mut balances).await?;
            tx.commit().await?;
        }
        Ok(due.len())
    }

    pub async fn loyalty_report(&self, org: OrgId) -> Result<LoyaltyReport> {
        let org = org.to_string();
        let mut out = LoyaltyReport::default();
        let rows = sqlx::query(
            "SELECT kind, CAST(SUM(points) AS BIGINT) AS total FROM loyalty_entries WHERE org_id = $1 GROUP BY kind",
        )
        .bind(org.clone())
        .fetch_all(&self.read)
        .await?;
        for r in &rows {
            let total = r.int("total")?;
            match r.text("kind")?.as_str() {
                "earn" => out.earned = total,
                "redeem" => out.redeemed = -total,
                "expire" => out.expired = -total,
                "reverse" => out.reversed = -total,
                "return" => out.returned = total,
                _ => {}
            }
        }
        let r = sqlx::query(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n, CAST(COALESCE(SUM(balance), 0) AS BIGINT) AS total
             FROM loyalty_accounts WHERE org_id = $1 AND balance > 0",
        )
        .bind(org.clone())
        .fetch_one(&self.read)
        .await?;
        out.holders = r.int("n")?;
        out.outstanding = r.int("total")?;
        let r = sqlx::query(
            "SELECT CAST(COUNT(DISTINCT order_id) AS BIGINT) AS n FROM payments
             WHERE org_id = $1 AND provider = 'points' AND state = 'succeeded'",
        )
        .bind(org.clone())
        .fetch_one(&self.read)
        .await?;
        out.orders_paid_with_points = r.int("n")?;
        let rows = sqlx::query(
            "SELECT u.email, u.name, a.balance FROM loyalty_accounts a JOIN users u ON u.id = a.user_id
             WHERE a.org_id = $1 AND a.balance > 0 ORDER BY a.balance DESC, u.email LIMIT 20",
        )
        .bind(org)
        .fetch_all(&self.read)
        .await?;
        out.top = rows
            .iter()
            .map(|r| Ok(PointsHolder { email: r.text("email")?, name: r.text("name")?, points: r.int("balance")? }))
            .collect::<Result<_>>()?;
        Ok(out)
    }

    /// What an order spent and earned in points: (spent, earned).
    pub async fn order_points(&self, order: tessera_domain::orders::OrderId) -> Result<(i64, i64)> {
        let r = sqlx::query(
            "SELECT CAST(COALESCE(SUM(CASE WHEN kind = 'redeem' THEN -points ELSE 0 END), 0) AS BIGINT) AS spent,
               CAST(COALESCE(SUM(CASE WHEN kind = 'earn' THEN points ELSE 0 END), 0) AS BIGINT) AS earned
             FROM loyalty_entries WHERE order_id = $1",
        )
        .bind(order.to_string())
        .fetch_one(&self.read)
        .await?;
        Ok((r.int("spent")?, r.int("earned")?))
    }

    /// Organizations a user holds or held points with: (org id, balance).
    pub async fn points_balances(&self, user: UserId) -> Result<Vec<(OrgId, i64)>> {
        let rows = sqlx::query("SELECT org_id, balance FROM loyalty_accounts WHERE user_id = $1 ORDER BY org_id")
            .bind(user.to_string())
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(|r| Ok((r.parse::<OrgId>("org_id")?, r.int("balance")?))).collect()
    }
}

/// Paying part or all of a pending order with points.
#[derive(Debug, Clone)]
pub struct PointsPayment {
    pub order: tessera_domain::orders::OrderId,
    /// The signed-in buyer, who must be the order's.
    pub user: UserId,
    pub points: i64,
    pub payment_id: String,
}
