//! Idempotency-Key records: the first request with a key claims it, and its
//! response is stored for the repeats.

use crate::row::{RowExt, micros};
use crate::{Result, Store};
use tessera_domain::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdemClaim {
    /// First use: go ahead, then `idem_finish` (or `idem_abandon`).
    Claimed,
    /// Seen before with the same request: here is the stored response.
    Replay { status: u16, body: String },
    /// Seen before with a different request.
    Mismatch,
    /// The first request with this key is still running.
    InProgress,
}

impl Store {
    /// Claims `key` for a request with `request_hash`. A claim that was never
    /// finished (the process died) may be taken over after `stale_after_secs`.
    pub async fn idem_claim(
        &self,
        scope: &str,
        key: &str,
        request_hash: &str,
        now: Timestamp,
        stale_after_secs: i64,
    ) -> Result<IdemClaim> {
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (scope, idem_key, request_hash, status, response_body, created_at)
             VALUES ($1, $2, $3, NULL, NULL, $4) ON CONFLICT (scope, idem_key) DO NOTHING",
        )
        .bind(scope.to_string())
        .bind(key.to_string())
        .bind(request_hash.to_string())
        .bind(micros(now))
        .execute(&self.write)
        .await?;
        if inserted.rows_affected() == 1 {
            return Ok(IdemClaim::Claimed);
        }
        let row = sqlx::query(
            "SELECT request_hash, status, response_body, created_at FROM idempotency_keys WHERE scope = $1 AND idem_key = $2",
        )
        .bind(scope.to_string())
        .bind(key.to_string())
        .fetch_optional(&self.write)
        .await?;
        let Some(row) = row else {
            // Deleted between the two statements (expired): claim afresh.
            return Box::pin(self.idem_claim(scope, key, request_hash, now, stale_after_secs)).await;
        };
        if row.text("request_hash")? != request_hash {
            return Ok(IdemClaim::Mismatch);
        }
        match (row.opt_int("status")?, row.opt_text("response_body")?) {
            (Some(status), Some(body)) => Ok(IdemClaim::Replay { status: u16::try_from(status).unwrap_or(500), body }),
            _ => {
                let stale = micros(now) - row.int("created_at")? > stale_after_secs * 1_000_000;
                if stale {
                    let took = sqlx::query(
                        "UPDATE idempotency_keys SET created_at = $3 WHERE scope = $1 AND idem_key = $2 AND status IS NULL AND created_at = $4",
                    )
                    .bind(scope.to_string())
                    .bind(key.to_string())
                    .bind(micros(now))
                    .bind(row.int("created_at")?)
                    .execute(&self.write)
                    .await?;
                    if took.rows_affected() == 1 {
                        return Ok(IdemClaim::Claimed);
                    }
                }
                Ok(IdemClaim::InProgress)
            }
        }
    }

    pub async fn idem_finish(&self, scope: &str, key: &str, status: u16, body: &str) -> Result<()> {
        sqlx::query("UPDATE idempotency_keys SET status = $3, response_body = $4 WHERE scope = $1 AND idem_key = $2")
            .bind(scope.to_string())
            .bind(key.to_string())
            .bind(i64::from(status))
            .bind(body.to_string())
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Forgets a claim whose request failed in a way worth retrying.
    pub async fn idem_abandon(&self, scope: &str, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM idempotency_keys WHERE scope = $1 AND idem_key = $2 AND status IS NULL")
            .bind(scope.to_string())
            .bind(key.to_string())
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
