//! Idempotency-Key records. The first request with a key claims it for its
//! server process under a lease that the process renews while it runs; the
//! response is stored when the request finishes, or, for operations that
//! change an event's inventory, in the very transaction of the effect
//! ([`IdemWrite`]). A claim whose process died lapses when its lease does,
//! and the next retry takes it over.
//!
//! The store sees only opaque strings: the app hashes keys and seals
//! responses before they reach this table.

use crate::inventory::Tx;
use crate::row::{RowExt, micros};
use crate::{Result, Store};
use std::sync::Arc;
use tessera_domain::Timestamp;
use tessera_domain::orders::Order;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdemClaim {
    /// First use, or a lapsed claim taken over: go ahead, then `idem_finish`
    /// (or `idem_abandon`).
    Claimed,
    /// Seen before with the same request: here is the stored response.
    Replay { status: u16, body: String },
    /// Seen before with a different request.
    Mismatch,
    /// Another live process is running the first request with this key;
    /// its lease ends in `retry_after_secs` at most.
    InProgress { retry_after_secs: u64 },
}

/// Who holds a claim: one server process, by a name it made at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdemRef {
    pub scope: String,
    pub key: String,
    pub owner: String,
}

/// Renders an operation's stored response from the order it produced:
/// (HTTP status, sealed body).
pub type IdemRender = Arc<dyn Fn(&Order) -> (u16, String) + Send + Sync>;

/// An inventory operation's claim, so that the batch writes the response in
/// the transaction of the effect.
#[derive(Clone)]
pub struct IdemWrite {
    pub claim: IdemRef,
    pub render: IdemRender,
}

impl std::fmt::Debug for IdemWrite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdemWrite").field("claim", &self.claim).finish_non_exhaustive()
    }
}

fn lease_end(now: Timestamp, lease_secs: i64) -> i64 {
    micros(now) + lease_secs * 1_000_000
}

impl Store {
    /// Claims `claim.key` for a request with `request_hash`, for
    /// `lease_secs` unless renewed. An unfinished claim whose lease has run
    /// out (its process died) is taken over.
    pub async fn idem_claim(
        &self,
        claim: &IdemRef,
        request_hash: &str,
        now: Timestamp,
        lease_secs: i64,
    ) -> Result<IdemClaim> {
        // A row may vanish between two statements (swept, or abandoned by
        // its owner): look again, a bounded number of times.
        for _ in 0..4 {
            let inserted = sqlx::query(
                "INSERT INTO idempotency_keys (scope, idem_key, request_hash, owner, lease_until, status, response, created_at)
                 VALUES ($1, $2, $3, $4, $5, NULL, NULL, $6) ON CONFLICT (scope, idem_key) DO NOTHING",
            )
            .bind(&claim.scope)
            .bind(&claim.key)
            .bind(request_hash)
            .bind(&claim.owner)
            .bind(lease_end(now, lease_secs))
            .bind(micros(now))
            .execute(&self.write)
            .await?;
            if inserted.rows_affected() == 1 {
                return Ok(IdemClaim::Claimed);
            }
            let row = sqlx::query(
                "SELECT request_hash, status, response, lease_until FROM idempotency_keys WHERE scope = $1 AND idem_key = $2",
            )
            .bind(&claim.scope)
            .bind(&claim.key)
            .fetch_optional(&self.write)
            .await?;
            let Some(row) = row else { continue };
            if row.text("request_hash")? != request_hash {
                return Ok(IdemClaim::Mismatch);
            }
            if let (Some(status), Some(body)) = (row.opt_int("status")?, row.opt_text("response")?) {
                return Ok(IdemClaim::Replay { status: u16::try_from(status).unwrap_or(500), body });
            }
            let lease = row.int("lease_until")?;
            if lease > micros(now) {
                // `now` was read before this request waited for the
                // database, so the lease may look longer than one lease.
                let left = (lease - micros(now) + 999_999) / 1_000_000;
                return Ok(IdemClaim::InProgress { retry_after_secs: left.clamp(1, lease_secs.max(1)) as u64 });
            }
            // The owner stopped renewing: take over, unless someone else just did.
            let took = sqlx::query(
                "UPDATE idempotency_keys SET owner = $3, lease_until = $4
                 WHERE scope = $1 AND idem_key = $2 AND status IS NULL AND lease_until = $5",
            )
            .bind(&claim.scope)
            .bind(&claim.key)
            .bind(&claim.owner)
            .bind(lease_end(now, lease_secs))
            .bind(lease)
            .execute(&self.write)
            .await?;
            if took.rows_affected() == 1 {
                return Ok(IdemClaim::Claimed);
            }
        }
        // Four races lost in a row: someone else is clearly at it.
        Ok(IdemClaim::InProgress { retry_after_secs: 1 })
    }

    /// Extends the leases of `running` (scope, key), those of `owner`'s
    /// claims whose requests are still running; returns how many it extended.
    pub async fn idem_renew(
        &self,
        owner: &str,
        running: &[(String, String)],
        now: Timestamp,
        lease_secs: i64,
    ) -> Result<u64> {
        let mut renewed = 0;
        for chunk in running.chunks(300) {
            let mut values = String::new();
            for i in 0..chunk.len() {
                values.push_str(if i == 0 { "" } else { ", " });
                values.push_str(&format!("(${}, ${})", 2 * i + 3, 2 * i + 4));
            }
            // On PostgreSQL, rows that an inventory batch has locked to
            // write their response are skipped (they are finishing anyway):
            // waiting for them in turn could deadlock with that batch.
            let sql = match self.backend {
                crate::Backend::Sqlite => dynsql!(
                    "UPDATE idempotency_keys SET lease_until = $2
                     WHERE owner = $1 AND status IS NULL AND (scope, idem_key) IN (VALUES {values})"
                ),
                crate::Backend::Postgres => dynsql!(
                    "UPDATE idempotency_keys SET lease_until = $2 WHERE (scope, idem_key) IN (
                         SELECT scope, idem_key FROM idempotency_keys
                         WHERE owner = $1 AND status IS NULL AND (scope, idem_key) IN (VALUES {values})
                         FOR UPDATE SKIP LOCKED)"
                ),
            };
            let mut q = sqlx::query(sql).bind(owner.to_string()).bind(lease_end(now, lease_secs));
            for (scope, key) in chunk {
                q = q.bind(scope.clone()).bind(key.clone());
            }
            renewed += q.execute(&self.write).await?.rows_affected();
        }
        Ok(renewed)
    }

    /// Stores the response of a claim this owner still holds. False when
    /// the claim was lost (taken over) or already finished (by the effect's
    /// own transaction).
    pub async fn idem_finish(&self, claim: &IdemRef, status: u16, body: &str) -> Result<bool> {
        Ok(store_response(&self.write, claim, status, body).await? == 1)
    }

    /// Forgets a claim whose request changed nothing (refused, failed, or
    /// dropped), so that a retry runs afresh.
    pub async fn idem_abandon(&self, claim: &IdemRef) -> Result<()> {
        sqlx::query(
            "DELETE FROM idempotency_keys WHERE scope = $1 AND idem_key = $2 AND owner = $3 AND status IS NULL",
        )
        .bind(&claim.scope)
        .bind(&claim.key)
        .bind(&claim.owner)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// Deletes records created before `before`.
    pub async fn idem_sweep(&self, before: Timestamp) -> Result<u64> {
        let r = sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
            .bind(micros(before))
            .execute(&self.write)
            .await?;
        Ok(r.rows_affected())
    }
}

/// Inside an effect's transaction, before the effect: which of `claims` are
/// still their owner's and unfinished. One statement for a
/// whole batch. On PostgreSQL this also locks those rows until the
/// transaction ends, so a takeover waits for the outcome (and then finds the
/// response); on SQLite the write transaction already excludes it.
pub(crate) async fn fence_in(tx: &mut Tx, claims: &[&IdemRef]) -> Result<Vec<IdemRef>> {
    if claims.is_empty() {
        return Ok(Default::default());
    }
    let mut values = String::new();
    for i in 0..claims.len() {
        let n = i * 3;
        values.push_str(if i == 0 { "" } else { ", " });
        values.push_str(&format!("(${}, ${}, ${})", n + 1, n + 2, n + 3));
    }
    let sql = dynsql!(
        "UPDATE idempotency_keys SET lease_until = lease_until
         WHERE status IS NULL AND (scope, idem_key, owner) IN (VALUES {values})
         RETURNING scope, idem_key, owner"
    );
    let mut q = sqlx::query(sql);
    for c in claims {
        q = q.bind(c.scope.clone()).bind(c.key.clone()).bind(c.owner.clone());
    }
    let rows = q.fetch_all(&mut **tx).await?;
    rows.iter()
        .map(|r| Ok(IdemRef { scope: r.text("scope")?, key: r.text("idem_key")?, owner: r.text("owner")? }))
        .collect()
}

/// Inside an effect's transaction, after the effect: its response.
pub(crate) async fn complete_in(tx: &mut Tx, claim: &IdemRef, status: u16, body: &str) -> Result<()> {
    store_response(&mut **tx, claim, status, body).await.map(|_| ())
}

/// Writes the response of a claim its owner still holds, unfinished;
/// returns how many records it wrote (0 or 1).
async fn store_response<'e, E>(ex: E, claim: &IdemRef, status: u16, body: &str) -> Result<u64>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let r = sqlx::query(
        "UPDATE idempotency_keys SET status = $4, response = $5
         WHERE scope = $1 AND idem_key = $2 AND owner = $3 AND status IS NULL",
    )
    .bind(claim.scope.clone())
    .bind(claim.key.clone())
    .bind(claim.owner.clone())
    .bind(i64::from(status))
    .bind(body.to_string())
    .execute(ex)
    .await?;
    Ok(r.rows_affected())
}
