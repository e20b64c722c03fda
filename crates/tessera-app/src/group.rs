//! Group commit: one worker per key (an event's inventory, a check-in list)
//! gathers whatever requests are waiting and applies them in one store
//! transaction. Each caller still gets an answer of its own, and a hot key
//! costs one commit per batch instead of one per request.
//!
//! The worker is an optimisation, not the guard: the store's transaction
//! takes whatever locks the change needs, so any number of processes can
//! share a database.

use crate::{AppError, Result};
use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// A key's worker stops after this long without requests.
const WORKER_IDLE: Duration = Duration::from_secs(30);

/// Applies a batch of operations for one key; answers one result per
/// operation, in order.
pub(crate) type ApplyFn<K, Op, Out> =
    Arc<dyn Fn(K, Vec<Op>) -> Pin<Box<dyn Future<Output = Vec<Result<Out>>> + Send>> + Send + Sync>;

struct Job<Op, Out> {
    op: Op,
    reply: oneshot::Sender<Result<Out>>,
}

type Workers<K, Op, Out> = Mutex<HashMap<K, (u64, mpsc::Sender<Job<Op, Out>>)>>;

pub(crate) struct GroupCommit<K, Op, Out> {
    apply: ApplyFn<K, Op, Out>,
    /// Operations one transaction decides at most.
    max_batch: usize,
    /// Operations waiting per key before callers wait for room.
    queue: usize,
    workers: Workers<K, Op, Out>,
    next_generation: AtomicU64,
}

impl<K, Op, Out> GroupCommit<K, Op, Out>
where
    K: Copy + Eq + Hash + Send + Sync + 'static,
    Op: Clone + Send + 'static,
    Out: Send + 'static,
{
    pub(crate) fn new(max_batch: usize, queue: usize, apply: ApplyFn<K, Op, Out>) -> Arc<Self> {
        Arc::new(Self {
            apply,
            max_batch,
            queue,
            workers: Mutex::new(HashMap::new()),
            next_generation: AtomicU64::new(0),
        })
    }

    fn sender(self: &Arc<Self>, key: K) -> mpsc::Sender<Job<Op, Out>> {
        let mut map = self.workers.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, tx)) = map.get(&key).filter(|(_, tx)| !tx.is_closed()) {
            return tx.clone();
        }
        let generation = self.next_generation.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::channel(self.queue);
        map.insert(key, (generation, tx.clone()));
        tokio::spawn(self.clone().run(key, generation, rx));
        tx
    }

    /// Submits one operation and waits for its own result.
    pub(crate) async fn submit(self: &Arc<Self>, key: K, op: Op) -> Result<Out> {
        // A worker that just went idle closes its queue; a job that finds it
        // closed (or is dropped unprocessed) was never applied and is retried.
        for _ in 0..3 {
            let (reply, answer) = oneshot::channel();
            if self.sender(key).send(Job { op: op.clone(), reply }).await.is_err() {
                continue;
            }
            if let Ok(result) = answer.await {
                return result;
            }
        }
        Err(AppError::Internal("the batch worker did not answer".into()))
    }

    async fn run(self: Arc<Self>, key: K, generation: u64, mut rx: mpsc::Receiver<Job<Op, Out>>) {
        loop {
            let first = match tokio::time::timeout(WORKER_IDLE, rx.recv()).await {
                Ok(Some(job)) => job,
                Ok(None) => return,
                Err(_) => {
                    self.retire(key, generation);
                    rx.close();
                    // Jobs that slipped in before the close still get their batch.
                    let mut late = Vec::new();
                    while let Ok(job) = rx.try_recv() {
                        late.push(job);
                    }
                    if !late.is_empty() {
                        self.apply(key, late).await;
                    }
                    return;
                }
            };
            let mut jobs = vec![first];
            while jobs.len() < self.max_batch {
                match rx.try_recv() {
                    Ok(job) => jobs.push(job),
                    Err(_) => break,
                }
            }
            self.apply(key, jobs).await;
        }
    }

    /// Removes this worker from the map, unless a newer one replaced it.
    fn retire(&self, key: K, generation: u64) {
        let mut map = self.workers.lock().unwrap_or_else(|p| p.into_inner());
        if map.get(&key).is_some_and(|(g, _)| *g == generation) {
            map.remove(&key);
        }
    }

    async fn apply(&self, key: K, jobs: Vec<Job<Op, Out>>) {
        let (ops, replies): (Vec<Op>, Vec<_>) = jobs.into_iter().map(|j| (j.op, j.reply)).unzip();
        let n = replies.len();
        let mut results = (self.apply)(key, ops).await.into_iter();
        for reply in replies {
            let r = results
                .next()
                .unwrap_or_else(|| Err(AppError::Internal(format!("a batch of {n} answered fewer results"))));
            let _ = reply.send(r);
        }
    }
}
