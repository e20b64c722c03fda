//! Gift cards: their records, their balance movements, and the parts of an
//! inventory batch that spend them on an order or give money back to them.
//!
//! A balance only changes in a statement that also keeps it at zero or
//! more (`balance_minor + delta >= 0`, and the table's CHECK), after the
//! card's row was locked: a batch paying an order locks the cards it names
//! (`FOR UPDATE` on PostgreSQL, in code order; SQLite has one writer), and
//! so does a counter redemption. Two spenders of the last balance: one wins,
//! the other is refused, and nothing goes below zero.

use crate::inventory::{Arg, Tx, fetch_in, insert_rows_then, text};
use crate::payments::order_splits;
use crate::row::{RowExt, micros, opt_micros};
use crate::{Backend, Result, Store, StoreError, unique_as};
use std::collections::HashMap;
use tessera_domain::giftcards::{GiftCard, GiftCardRefusal, GiftCardState, GiftCardTxn, counter_txn, issue_txn};
use tessera_domain::payments::{LedgerTxn, Split, refund_split, refund_txn};
use tessera_domain::{Currency, GiftCardId, Money, OrgId, Timestamp};

const CARD_COLS: &str =
    "id, org_id, code, currency, initial_minor, balance_minor, expires_at, state, note, created_by, created_at";

fn corrupt(col: &str) -> StoreError {
    StoreError::Corrupt(format!("gift_cards.{col}"))
}

pub(crate) fn card_from(r: &sqlx::any::AnyRow) -> Result<GiftCard> {
    let cur = Currency::parse(&r.text("currency")?).map_err(|_| corrupt("currency"))?;
    Ok(GiftCard {
        id: r.parse("id")?,
        org_id: r.parse("org_id")?,
        code: r.text("code")?,
        initial: Money::new(r.int("initial_minor")?, cur),
        balance: Money::new(r.int("balance_minor")?, cur),
        expires_at: r.opt_ts("expires_at")?,
        state: GiftCardState::parse(&r.text("state")?).ok_or_else(|| corrupt("state"))?,
        note: r.text("note")?,
        created_by: r.text("created_by")?,
        created_at: r.ts("created_at")?,
    })
}

/// One change of a card's balance, with its log line.
#[derive(Debug, Clone)]
pub(crate) struct CardMove {
    pub(crate) card_id: String,
    pub(crate) kind: &'static str,
    /// Positive credits the card, negative spends it.
    pub(crate) amount: i64,
    pub(crate) order_id: Option<String>,
    pub(crate) payment_id: Option<String>,
    pub(crate) actor: String,
    pub(crate) note: String,
    pub(crate) request_key: Option<String>,
}

/// Applies a move: the balance changes only if it stays at zero or more.
/// Returns the log line, or `None` when the card has too little.
pub(crate) async fn apply_move(tx: &mut Tx, m: &CardMove, now: Timestamp) -> Result<Option<GiftCardTxn>> {
    let row = sqlx::query(
        "UPDATE gift_cards SET balance_minor = balance_minor + $1 WHERE id = $2 AND balance_minor + $1 >= 0
         RETURNING balance_minor, currency",
    )
    .bind(m.amount)
    .bind(m.card_id.clone())
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let cur = Currency::parse(&row.text("currency")?).map_err(|_| corrupt("currency"))?;
    let after = row.int("balance_minor")?;
    let id = uuid::Uuid::now_v7().to_string();
    sqlx::query(
        "INSERT INTO gift_card_txns (id, card_id, kind, amount_minor, balance_after, order_id, payment_id, actor, note,
           request_key, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(id.clone())
    .bind(m.card_id.clone())
    .bind(m.kind)
    .bind(m.amount)
    .bind(after)
    .bind(m.order_id.clone())
    .bind(m.payment_id.clone())
    .bind(m.actor.clone())
    .bind(m.note.clone())
    .bind(m.request_key.clone())
    .bind(micros(now))
    .execute(&mut **tx)
    .await?;
    Ok(Some(GiftCardTxn {
        id,
        kind: m.kind.into(),
        amount: Money::new(m.amount, cur),
        balance_after: Money::new(after, cur),
        order_id: m.order_id.clone(),
        actor: m.actor.clone(),
        note: m.note.clone(),
        at: now,
    }))
}

/// Writes a balanced ledger transaction.
pub(crate) async fn post(
    tx: &mut Tx,
    t: &LedgerTxn,
    org: OrgId,
    order: Option<&str>,
    memo: Option<&str>,
    now: Timestamp,
) -> Result<()> {
    debug_assert_eq!(t.sum(), 0);
    let txn = uuid::Uuid::now_v7().to_string();
    let rows = t
        .entries
        .iter()
        .map(|(account, amount)| {
            vec![
                text(uuid::Uuid::now_v7()),
                text(&txn),
                text(t.kind),
                text(org),
                Arg::OptText(order.map(str::to_string)),
                text(account),
                Arg::Int(*amount),
                text(t.currency),
                Arg::OptText(memo.map(str::to_string)),
                Arg::Int(micros(now)),
            ]
        })
        .collect();
    insert_rows_then(
        tx,
        "ledger_entries",
        &["id", "txn_id", "kind", "org_id", "order_id", "account", "amount_minor", "currency", "memo", "at"],
        rows,
        "",
    )
    .await?;
    Ok(())
}

fn txn_from(r: &sqlx::any::AnyRow, cur: Currency) -> Result<GiftCardTxn> {
    Ok(GiftCardTxn {
        id: r.text("id")?,
        kind: r.text("kind")?,
        amount: Money::new(r.int("amount_minor")?, cur),
        balance_after: Money::new(r.int("balance_after")?, cur),
        order_id: r.opt_text("order_id")?,
        actor: r.text("actor")?,
        note: r.text("note")?,
        at: r.ts("at")?,
    })
}

const TXN_COLS: &str = "id, kind, amount_minor, balance_after, order_id, actor, note, at";

impl Store {
    /// Stores a new card with its `issue` log line and the ledger's
    /// liability, in one transaction. A code taken in the organization is a
    /// conflict on `code` (the caller draws another).
    pub async fn create_gift_card(&self, card: &GiftCard, now: Timestamp) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(dynsql!(
            "INSERT INTO gift_cards ({CARD_COLS}) VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9, $10)"
        ))
        .bind(card.id.to_string())
        .bind(card.org_id.to_string())
        .bind(card.code.clone())
        .bind(card.initial.currency.code().to_string())
        .bind(card.initial.amount_minor)
        .bind(opt_micros(card.expires_at))
        .bind(card.state.as_str())
        .bind(card.note.clone())
        .bind(card.created_by.clone())
        .bind(micros(card.created_at))
        .execute(&mut *tx)
        .await
        .map_err(unique_as("code", "this organization already has this code"))?;
        sqlx::query(
            "INSERT INTO gift_card_txns (id, card_id, kind, amount_minor, balance_after, actor, note, at)
             VALUES ($1, $2, 'issue', $3, $3, $4, $5, $6)",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(card.id.to_string())
        .bind(card.initial.amount_minor)
        .bind(card.created_by.clone())
        .bind(card.note.clone())
        .bind(micros(now))
        .execute(&mut *tx)
        .await?;
        let memo = tessera_domain::giftcards::mask(&card.code);
        post(&mut tx, &issue_txn(card.org_id, card.initial), card.org_id, None, Some(&memo), now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The organization's cards, newest first (codes in full: mask them to show).
    pub async fn gift_cards(&self, org: OrgId) -> Result<Vec<GiftCard>> {
        let rows = sqlx::query(dynsql!(
            "SELECT {CARD_COLS} FROM gift_cards WHERE org_id = $1 ORDER BY created_at DESC, id DESC"
        ))
        .bind(org.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(card_from).collect()
    }

    pub async fn gift_card(&self, org: OrgId, id: GiftCardId) -> Result<Option<GiftCard>> {
        let row = sqlx::query(dynsql!("SELECT {CARD_COLS} FROM gift_cards WHERE id = $1 AND org_id = $2"))
            .bind(id.to_string())
            .bind(org.to_string())
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(card_from).transpose()
    }

    /// A card by its code (as stored: normalized).
    pub async fn gift_card_by_code(&self, org: OrgId, code: &str) -> Result<Option<GiftCard>> {
        let row = sqlx::query(dynsql!("SELECT {CARD_COLS} FROM gift_cards WHERE org_id = $1 AND code = $2"))
            .bind(org.to_string())
            .bind(code.to_string())
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(card_from).transpose()
    }

    /// A card's movements, oldest first.
    pub async fn gift_card_txns(&self, card: &GiftCard) -> Result<Vec<GiftCardTxn>> {
        let rows = sqlx::query(dynsql!("SELECT {TXN_COLS} FROM gift_card_txns WHERE card_id = $1 ORDER BY at, id"))
            .bind(card.id.to_string())
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(|r| txn_from(r, card.balance.currency)).collect()
    }

    /// Switches a card on or off.
    pub async fn set_gift_card_state(&self, org: OrgId, id: GiftCardId, state: GiftCardState) -> Result<()> {
        let done = sqlx::query("UPDATE gift_cards SET state = $1 WHERE id = $2 AND org_id = $3")
            .bind(state.as_str())
            .bind(id.to_string())
            .bind(org.to_string())
            .execute(&self.write)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Spends `amount` of a card at a counter, decided under the card's
    /// lock: refused (nothing written) when the card cannot pay that much.
    /// A repeat of the same `request_key` answers the first movement again.
    #[allow(clippy::too_many_arguments)]
    pub async fn redeem_gift_card(
        &self,
        org: OrgId,
        code: &str,
        amount: i64,
        actor: &str,
        note: &str,
        request_key: Option<&str>,
        now: Timestamp,
    ) -> Result<std::result::Result<(GiftCard, GiftCardTxn), GiftCardRefusal>> {
        let mut tx = self.begin_write().await?;
        let lock = if self.backend == Backend::Postgres { " FOR UPDATE" } else { "" };
        let row = sqlx::query(dynsql!("SELECT {CARD_COLS} FROM gift_cards WHERE org_id = $1 AND code = $2{lock}"))
            .bind(org.to_string())
            .bind(code.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        let Some(card) = row.as_ref().map(card_from).transpose()? else {
            return Ok(Err(GiftCardRefusal::Unknown));
        };
        let key = request_key.map(|k| format!("counter:{org}:{k}"));
        if let Some(k) = &key {
            let found =
                sqlx::query(dynsql!("SELECT {TXN_COLS} FROM gift_card_txns WHERE request_key = $1 AND card_id = $2"))
                    .bind(k.clone())
                    .bind(card.id.to_string())
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some(r) = found {
                let t = txn_from(&r, card.balance.currency)?;
                tx.commit().await?;
                return Ok(Ok((card, t)));
            }
        }
        if let Err(refusal) = card.usable(card.balance.currency, now) {
            return Ok(Err(refusal));
        }
        if amount > card.balance.amount_minor {
            return Ok(Err(GiftCardRefusal::Insufficient));
        }
        let m = CardMove {
            card_id: card.id.to_string(),
            kind: "counter",
            amount: -amount,
            order_id: None,
            payment_id: None,
            actor: actor.to_string(),
            note: note.to_string(),
            request_key: key,
        };
        let Some(t) = apply_move(&mut tx, &m, now).await? else {
            return Ok(Err(GiftCardRefusal::Insufficient));
        };
        let memo = tessera_domain::giftcards::mask(&card.code);
        let money = Money::new(amount, card.balance.currency);
        post(&mut tx, &counter_txn(org, money), org, None, Some(&memo), now).await?;
        tx.commit().await?;
        let card = GiftCard { balance: t.balance_after, ..card };
        Ok(Ok((card, t)))
    }

    /// The gift-card movements of an order, oldest first, with each card's
    /// masked code.
    pub async fn order_gift_card_txns(&self, order: &str) -> Result<Vec<(String, GiftCardTxn)>> {
        let rows = sqlx::query(
            "SELECT t.id, t.kind, t.amount_minor, t.balance_after, t.order_id, t.actor, t.note, t.at, c.code, c.currency
             FROM gift_card_txns t JOIN gift_cards c ON c.id = t.card_id WHERE t.order_id = $1 ORDER BY t.at, t.id",
        )
        .bind(order.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                let cur = Currency::parse(&r.text("currency")?).map_err(|_| corrupt("currency"))?;
                Ok((tessera_domain::giftcards::mask(&r.text("code")?), txn_from(r, cur)?))
            })
            .collect()
    }
}

/// The cards named by a batch's gift-card payments, locked on PostgreSQL
/// (in code order, so two batches lock them in the same order).
pub(crate) async fn load_cards(
    tx: &mut Tx,
    backend: Backend,
    org: OrgId,
    codes: &[String],
) -> Result<HashMap<String, GiftCard>> {
    let mut out = HashMap::new();
    if codes.is_empty() {
        return Ok(out);
    }
    let lock = if backend == Backend::Postgres { " FOR UPDATE" } else { "" };
    let rows = fetch_in(
        tx,
        &format!("SELECT {CARD_COLS} FROM gift_cards WHERE org_id = $1 AND code IN ({{in}}) ORDER BY code{lock}"),
        &[text(org)],
        codes,
    )
    .await?;
    for r in &rows {
        let c = card_from(r)?;
        out.insert(c.code.clone(), c);
    }
    Ok(out)
}

/// Gives the gift-card part of these orders back to the cards (the order
/// expired or was cancelled): for each gift-card payment, what no refund
/// took back yet is refunded at once, in the ledger and on the card.
pub(crate) async fn give_back(tx: &mut Tx, orders: &[String], why: &str, now: Timestamp) -> Result<()> {
    if orders.is_empty() {
        return Ok(());
    }
    let rows = fetch_in(
        tx,
        "SELECT p.id, p.order_id, p.org_id, p.amount_minor, p.currency, p.provider_payment,
           CAST(COALESCE((SELECT SUM(r.amount_minor) FROM refunds r WHERE r.payment_id = p.id AND r.state <> 'failed'), 0) AS BIGINT) AS back
         FROM payments p WHERE p.provider = 'giftcard' AND p.state = 'succeeded' AND p.order_id IN ({in}) ORDER BY p.id",
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
        let card = r.opt_text("provider_payment")?.ok_or_else(|| corrupt("payment card"))?;
        let key = format!("giftcard-return:{payment}");
        let refund = uuid::Uuid::now_v7().to_string();
        let inserted = sqlx::query(
            "INSERT INTO refunds (id, order_id, payment_id, org_id, amount_minor, currency, state, reason, actor, tickets,
               request_key, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'succeeded', $7, 'system', 'none', $8, $9, $9) ON CONFLICT DO NOTHING",
        )
        .bind(refund)
        .bind(order.clone())
        .bind(payment.clone())
        .bind(org.to_string())
        .bind(left)
        .bind(cur.code().to_string())
        .bind(why.to_string())
        .bind(key)
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
        let m = CardMove {
            card_id: card,
            kind: "refund",
            amount: left,
            order_id: Some(order.clone()),
            payment_id: Some(payment),
            actor: "system".into(),
            note: why.to_string(),
            request_key: None,
        };
        apply_move(tx, &m, now).await?.ok_or_else(|| corrupt("balance"))?;
        let (paid, back) = splits.get(&order).copied().unwrap_or_default();
        let split = refund_split(paid, back, left).unwrap_or(Split { sales: left, tax: 0, fees: 0 });
        let s = splits.entry(order.clone()).or_default();
        s.1 = Split { sales: s.1.sales + split.sales, tax: s.1.tax + split.tax, fees: s.1.fees + split.fees };
        let t = refund_txn(tessera_domain::giftcards::PROVIDER, org, cur, split);
        post(tx, &t, org, Some(&order), None, now).await?;
    }
    Ok(())
}
