//! `Idempotency-Key` for the web layer, made to survive crashes.
//!
//! - A request claims its key for this server process under a lease of
//!   [`LEASE_SECS`]; one task per process renews the leases of every claim
//!   the process still runs. A claim whose process died stops being renewed
//!   and lapses within [`LEASE_SECS`]; the next retry, on any process, takes
//!   it over. While a live process runs it, a retry is told how long to wait.
//! - Operations that change an event's inventory (placing, confirming and
//!   cancelling an order) store their response in the same transaction as
//!   their effect ([`App::idem_write`]), and an operation whose claim passed
//!   to another process is not applied: a key whose effect committed always
//!   replays it, and never runs twice.
//! - Other requests store their response when they finish.
//! - The key is stored only as a keyed hash, and the response sealed with a
//!   key derived from the Idempotency-Key itself: the table never reveals a
//!   shown-once secret.

use crate::secrets::{open_with, seal_with};
use crate::{App, AppError, Result};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;
use tessera_domain::orders::Order;
use tessera_store::{IdemClaim, IdemRef, IdemWrite};

/// How long a claim lasts unless its process renews it. A retry waits at
/// most this long after its first request's process died.
pub const LEASE_SECS: i64 = 6;

/// The renewal period: three renewals fit in a lease, so one slow write does
/// not lose it.
const RENEW_EVERY: Duration = Duration::from_secs(2);

/// One request's key, as stored: which credentials sent it, the key's
/// stored name, the hash of the request, and the key that seals the answer.
#[derive(Clone)]
pub struct IdemRequest {
    claim: IdemRef,
    request_hash: String,
    seal_key: [u8; 32],
}

impl std::fmt::Debug for IdemRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdemRequest").field("claim", &self.claim).finish_non_exhaustive()
    }
}

impl IdemRequest {
    fn aad(&self) -> Vec<u8> {
        format!("{}\0{}", self.claim.scope, self.claim.key).into_bytes()
    }

    fn seal(&self, body: &[u8]) -> String {
        seal_with(&self.seal_key, body, &self.aad())
    }
}

/// What to do with a request that carries a key.
pub enum Claim {
    /// Run it, inside [`run`], and settle the guard with its outcome.
    Run(Box<ClaimGuard>),
    /// The stored answer of the first request.
    Replay { status: u16, body: Vec<u8> },
    /// The key was used for a different request.
    Mismatch,
    /// A live process is running the first request; ask again after this long.
    InProgress { retry_after_secs: u64 },
}

/// The claims this process holds, and the task that renews them.
pub(crate) struct Leases {
    /// Names this process's claims; fresh at every start.
    owner: String,
    /// The claims whose requests are running here, by (scope, key), with
    /// how many of this process's requests hold each: only these are
    /// renewed, so a claim whose request ended without settling it (the
    /// database refused the last write) still lapses.
    running: Mutex<HashMap<(String, String), usize>>,
    renewer: OnceLock<()>,
}

impl Leases {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Self {
            owner: format!("process:{}", uuid::Uuid::now_v7()),
            running: Mutex::new(HashMap::new()),
            renewer: OnceLock::new(),
        })
    }

    fn enter(&self, claim: &IdemRef) {
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        *running.entry((claim.scope.clone(), claim.key.clone())).or_default() += 1;
    }

    fn leave(&self, claim: &IdemRef) {
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        let k = (claim.scope.clone(), claim.key.clone());
        if let Some(n) = running.get_mut(&k) {
            *n -= 1;
            if *n == 0 {
                running.remove(&k);
            }
        }
    }

    fn running(&self) -> Vec<(String, String)> {
        self.running.lock().unwrap_or_else(|p| p.into_inner()).keys().cloned().collect()
    }
}

/// Renews the leases of the claims running here; stops with the app.
async fn renew(app: Weak<Leases>, store: tessera_store::Store, clock: Arc<dyn crate::Clock>) {
    loop {
        tokio::time::sleep(RENEW_EVERY).await;
        let Some(leases) = app.upgrade() else { return };
        let running = leases.running();
        if running.is_empty() {
            continue;
        }
        if let Err(e) = store.idem_renew(&leases.owner, &running, clock.now(), LEASE_SECS).await {
            tracing::warn!(error = %e, "could not renew Idempotency-Key leases");
        }
    }
}

/// A claim this process holds. Settle it with [`ClaimGuard::finish`] or
/// [`ClaimGuard::abandon`]; dropped unsettled (the client went away), it is
/// abandoned in the background, which is safe: an inventory operation still
/// under way finds its claim gone and is not applied, or has already stored
/// its answer, which an abandon does not touch.
pub struct ClaimGuard {
    app: App,
    req: IdemRequest,
    settled: bool,
}

impl ClaimGuard {
    /// The request this guard covers, for [`run`].
    pub fn request(&self) -> IdemRequest {
        self.req.clone()
    }

    /// Keeps a response. Already stored by the effect's own transaction, or
    /// lost to another process, it is left as it is.
    pub async fn finish(mut self, status: u16, body: &[u8]) -> Result<()> {
        self.settled = true;
        let sealed = self.req.seal(body);
        // Renewed until the answer is stored, however slow the write.
        let stored = self.app.store.idem_finish(&self.req.claim, status, &sealed).await;
        self.release();
        stored?;
        Ok(())
    }

    /// Forgets the claim: the request changed nothing worth replaying.
    pub async fn abandon(mut self) -> Result<()> {
        self.settled = true;
        let done = self.app.store.idem_abandon(&self.req.claim).await;
        self.release();
        done?;
        Ok(())
    }

    fn release(&self) {
        self.app.leases.leave(&self.req.claim);
    }
}

impl Drop for ClaimGuard {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        self.release();
        let (store, claim) = (self.app.store.clone(), self.req.claim.clone());
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                if let Err(e) = store.idem_abandon(&claim).await {
                    tracing::warn!(error = %e, "could not release an abandoned Idempotency-Key");
                }
            });
        }
    }
}

tokio::task_local! {
    static CURRENT: IdemRequest;
}

/// Runs a request's handler with its claim in reach of the operations that
/// store their answer with their effect.
pub async fn run<F: std::future::Future>(req: IdemRequest, f: F) -> F::Output {
    CURRENT.scope(req, f).await
}

impl App {
    /// Names a key sent with credentials `scope` (any string naming them;
    /// hashed here) for a request whose method, path and body hash to
    /// `request_hash`.
    pub fn idempotency_request(&self, scope: &str, key: &str, request_hash: &str) -> IdemRequest {
        let scope = crate::secrets::hash_token(scope);
        let (name, seal_key) = self.config.master_key.idempotency_secrets(&scope, key);
        IdemRequest {
            claim: IdemRef { scope, key: name, owner: self.leases.owner.clone() },
            request_hash: request_hash.to_string(),
            seal_key,
        }
    }

    /// Claims a key, replays its answer, or says why not.
    pub async fn idempotency_claim(&self, req: IdemRequest) -> Result<Claim> {
        self.leases.renewer.get_or_init(|| {
            tokio::spawn(renew(Arc::downgrade(&self.leases), self.store.clone(), self.clock.clone()));
        });
        // Counted before the claim exists, so the renewer never misses it.
        self.leases.enter(&req.claim);
        let claimed = self.store.idem_claim(&req.claim, &req.request_hash, self.now(), LEASE_SECS).await;
        let outcome = match claimed {
            Ok(IdemClaim::Claimed) => {
                return Ok(Claim::Run(Box::new(ClaimGuard { app: self.clone(), req, settled: false })));
            }
            Ok(IdemClaim::Replay { status, body }) => match open_with(&req.seal_key, &body, &req.aad()) {
                Ok(body) => Ok(Claim::Replay { status, body }),
                Err(e) => Err(AppError::Internal(format!("a stored idempotent response does not open: {e}"))),
            },
            Ok(IdemClaim::Mismatch) => Ok(Claim::Mismatch),
            Ok(IdemClaim::InProgress { retry_after_secs }) => Ok(Claim::InProgress { retry_after_secs }),
            Err(e) => Err(e.into()),
        };
        self.leases.leave(&req.claim);
        outcome
    }

    /// For an inventory operation run by the current request: its claim,
    /// with how to store its answer (`status`, and the body `render` makes
    /// from the resulting order) in the transaction of its effect.
    pub(crate) fn idem_write(
        &self,
        status: u16,
        render: impl Fn(&Order) -> Vec<u8> + Send + Sync + 'static,
    ) -> Option<IdemWrite> {
        let req = CURRENT.try_with(Clone::clone).ok()?;
        let claim = req.claim.clone();
        Some(IdemWrite { claim, render: Arc::new(move |order: &Order| (status, req.seal(&render(order)))) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AppConfig, SystemClock};

    async fn app() -> App {
        let store = tessera_store::testing::fresh_store(&tessera_store::testing::sqlite_url()).await;
        App::new(store, Arc::new(SystemClock), AppConfig::default())
    }

    #[tokio::test]
    async fn stored_answers_are_sealed_under_the_key_and_replay_in_clear() {
        let app = app().await;
        let secret = b"{\"access_token\":\"shown-once-secret\"}";
        let req = app.idempotency_request("anonymous", "0f8e4c52-6a1b-4c11-9d2e-3b7f5e9a1c00", "hash");
        assert!(!req.claim.key.contains("0f8e4c52"), "the key is stored hashed");
        let Claim::Run(guard) = app.idempotency_claim(req.clone()).await.unwrap() else { panic!("first use runs") };
        guard.finish(201, secret).await.unwrap();
        let IdemClaim::Replay { status, body } =
            app.store.idem_claim(&req.claim, "hash", app.now(), LEASE_SECS).await.unwrap()
        else {
            panic!("finished")
        };
        assert_eq!(status, 201);
        assert!(!body.contains("shown-once-secret") && !body.contains("access_token"), "{body}");
        let Claim::Replay { status, body } = app.idempotency_claim(req).await.unwrap() else { panic!("replays") };
        assert_eq!((status, body.as_slice()), (201, &secret[..]));
        // Another scope with the same key is another record.
        let other = app.idempotency_request("session:x", "0f8e4c52-6a1b-4c11-9d2e-3b7f5e9a1c00", "hash");
        assert!(matches!(app.idempotency_claim(other).await.unwrap(), Claim::Run(_)));
    }

    #[tokio::test]
    async fn a_dropped_request_releases_its_claim_and_a_live_one_is_renewed() {
        let app = app().await;
        let req = app.idempotency_request("anonymous", "a-key-long-enough-to-use", "hash");
        let Claim::Run(guard) = app.idempotency_claim(req.clone()).await.unwrap() else { panic!() };
        assert!(matches!(app.idempotency_claim(req.clone()).await.unwrap(), Claim::InProgress { .. }));
        // The renewer keeps the lease ahead of the clock while the request runs.
        tokio::time::sleep(RENEW_EVERY + Duration::from_millis(500)).await;
        let Claim::InProgress { retry_after_secs } = app.idempotency_claim(req.clone()).await.unwrap() else {
            panic!("still running")
        };
        assert!(retry_after_secs > (LEASE_SECS - 2) as u64, "renewed: {retry_after_secs}");
        // The client went away: the claim is released for its retry.
        drop(guard);
        for _ in 0..100 {
            if let Claim::Run(g) = app.idempotency_claim(req.clone()).await.unwrap() {
                g.abandon().await.unwrap();
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("a dropped claim was never released");
    }
}
