//! Invariant 18 with real processes: a flash sale while server processes are
//! killed with SIGKILL every few seconds, and buyers retry every transport
//! error, 5xx and `409 idempotency_in_progress` with the same
//! Idempotency-Key, on whichever process is up. Every buyer gets a
//! definitive answer within the hold time, one order per key, no paid order
//! its buyer was never told of, and no oversell.

use super::*;
use crate::sale::{Organizer, setup_sale};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

const HOLD_SECS: u64 = 45;

/// The server processes of one test, restarted in place when killed.
struct Fleet {
    dir: std::path::PathBuf,
    db: Option<String>,
    children: Mutex<Vec<std::process::Child>>,
    bases: RwLock<Vec<String>>,
}

impl Fleet {
    fn start(db: Option<&str>, n: usize) -> Arc<Fleet> {
        let dir = temp_dir();
        let (mut children, mut bases) = (Vec::new(), Vec::new());
        for _ in 0..n {
            let (child, base, _) = start_with(&dir, &[], db, &Self::env());
            children.push(child);
            bases.push(base);
        }
        Arc::new(Fleet { dir, db: db.map(str::to_string), children: Mutex::new(children), bases: RwLock::new(bases) })
    }

    fn env() -> [(&'static str, &'static str); 1] {
        [("TESSERA_INVENTORY__HOLD_TTL_SECS", "45")]
    }

    fn base(&self, i: usize) -> String {
        let bases = self.bases.read().unwrap();
        bases[i % bases.len()].clone()
    }

    /// SIGKILL process `i` and start a new one in its place.
    fn kill_and_restart(&self, i: usize) {
        {
            let mut children = self.children.lock().unwrap();
            children[i].kill().unwrap();
            children[i].wait().unwrap();
        }
        let (child, base, _) = start_with(&self.dir, &[], self.db.as_deref(), &Self::env());
        self.children.lock().unwrap()[i] = child;
        self.bases.write().unwrap()[i] = base;
    }

    fn stop(&self) {
        for child in self.children.lock().unwrap().drain(..) {
            terminate(child);
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    /// Told the order is paid: its id.
    Paid(String),
    /// Told no: the answer's code.
    Refused(String),
}

/// Sends one request until it gets an answer that is not "try again":
/// transport errors, 5xx and 409 `idempotency_in_progress` are retried with
/// the same key, on the next process.
async fn until_answered(
    fleet: &Fleet,
    client: &reqwest::Client,
    i: usize,
    path: &str,
    key: &str,
    token: Option<&str>,
    body: &Value,
) -> (u16, Value) {
    let started = Instant::now();
    for attempt in 0.. {
        assert!(
            started.elapsed() < Duration::from_secs(2 * HOLD_SECS),
            "buyer {i}: no definitive answer to {path} after {attempt} attempts"
        );
        let mut rb =
            client.post(format!("{}{path}", fleet.base(i + attempt))).header("idempotency-key", key).json(body);
        if let Some(t) = token {
            rb = rb.header("x-order-token", t);
        }
        let wait = match rb.send().await {
            Err(e) => {
                if attempt > 0 && attempt % 50 == 0 {
                    eprintln!("buyer {i}: {path}: attempt {attempt}: {e}");
                }
                Duration::from_millis(200)
            }
            Ok(r) => {
                let status = r.status().as_u16();
                let retry_after = r.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
                let body: Value = r.json().await.unwrap_or_default();
                if attempt > 0 && attempt % 20 == 0 {
                    eprintln!("buyer {i}: {path}: attempt {attempt}: {status} {body}");
                }
                if status >= 500 {
                    Duration::from_millis(200)
                } else if status == 409 && body["error"]["code"] == "idempotency_in_progress" {
                    let secs = retry_after.expect("409 idempotency_in_progress carries Retry-After");
                    assert!((1..=6).contains(&secs), "Retry-After {secs}");
                    Duration::from_secs(secs)
                } else {
                    return (status, body);
                }
            }
        };
        tokio::time::sleep(wait).await;
    }
    unreachable!()
}

/// One buyer: reserve one ticket and confirm it, each with its own key.
async fn buyer(fleet: Arc<Fleet>, client: reqwest::Client, event: String, tt: String, i: usize) -> (Outcome, Duration) {
    let started = Instant::now();
    let order =
        json!({"lines": [{"ticket_type_id": tt, "quantity": 1}], "email": format!("b{i}@example.org"), "name": "B"});
    let key = uuid::Uuid::now_v7().to_string();
    let (status, placed) =
        until_answered(&fleet, &client, i, &format!("/api/v1/events/{event}/orders"), &key, None, &order).await;
    if status != 201 {
        return (Outcome::Refused(placed["error"]["code"].as_str().unwrap_or("?").to_string()), started.elapsed());
    }
    let (id, token) =
        (placed["id"].as_str().unwrap().to_string(), placed["access_token"].as_str().unwrap().to_string());
    let key = uuid::Uuid::now_v7().to_string();
    let path = format!("/api/v1/orders/{id}/confirm");
    let (status, confirmed) = until_answered(&fleet, &client, i + 1, &path, &key, Some(&token), &json!({})).await;
    let outcome = if status == 200 && confirmed["state"] == "paid" {
        Outcome::Paid(id)
    } else {
        Outcome::Refused(confirmed["error"]["code"].as_str().unwrap_or("?").to_string())
    };
    (outcome, started.elapsed())
}

async fn sale_under_sigkill(db: Option<&str>, processes: usize, kills: usize) {
    const TICKETS: i64 = 400;
    const BUYERS: usize = 700;
    let fleet = Fleet::start(db, processes);
    let org = setup_sale(&fleet.base(0), TICKETS).await;
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    let mut tasks = Vec::new();
    for i in 0..BUYERS {
        let (fleet, client, event, tt) = (fleet.clone(), client.clone(), org.event.clone(), org.ticket_type.clone());
        tasks.push(tokio::spawn(async move {
            // Arrivals spread over ten seconds, so that the kills fall in
            // the middle of the sale.
            tokio::time::sleep(Duration::from_millis(i as u64 * 8_000 / BUYERS as u64)).await;
            buyer(fleet, client, event, tt, i).await
        }));
    }
    // SIGKILL a process every 3 s, in turn, while the sale runs.
    let killer = {
        let fleet = fleet.clone();
        tokio::task::spawn_blocking(move || {
            for k in 0..kills {
                std::thread::sleep(Duration::from_millis(1500 + (k as u64 * 700) % 1500));
                fleet.kill_and_restart(k % processes);
            }
        })
    };
    let mut outcomes = Vec::new();
    for t in tasks {
        outcomes.push(t.await.unwrap());
    }
    killer.await.unwrap();

    // Every buyer got a definitive answer within the hold time.
    for (i, (outcome, took)) in outcomes.iter().enumerate() {
        assert!(*took < Duration::from_secs(HOLD_SECS), "buyer {i} waited {took:?} for {outcome:?}");
        if let Outcome::Refused(code) = outcome {
            assert!(code == "sold_out", "buyer {i} was refused with {code}");
        }
    }
    let told_paid: HashMap<String, usize> = outcomes
        .iter()
        .enumerate()
        .filter_map(|(i, (o, _))| match o {
            Outcome::Paid(id) => Some((id.clone(), i)),
            Outcome::Refused(_) => None,
        })
        .collect();
    let org = Organizer { base: fleet.base(0), ..org };
    let mut orders: Vec<Value> = Vec::new();
    for offset in (0..).step_by(500) {
        let page = org.get(&format!("/api/v1/orgs/{}/orders?limit=500&offset={offset}", org.org)).await;
        let page = page.as_array().unwrap().clone();
        let done = page.len() < 500;
        orders.extend(page);
        if done {
            break;
        }
    }
    // One order per key: each buyer has one reservation key, so at most one order.
    let mut per_buyer: HashMap<String, usize> = HashMap::new();
    for o in &orders {
        *per_buyer.entry(o["buyer_email"].as_str().unwrap().to_string()).or_default() += 1;
    }
    let doubled: Vec<_> = per_buyer.iter().filter(|(_, n)| **n > 1).collect();
    assert!(doubled.is_empty(), "a retry ran twice: {doubled:?}");
    // No paid order its buyer was not told of.
    let paid: Vec<&Value> = orders.iter().filter(|o| o["state"] == "paid").collect();
    for o in &paid {
        assert!(told_paid.contains_key(o["id"].as_str().unwrap()), "paid, and its buyer never heard: {o}");
    }
    assert_eq!(paid.len(), told_paid.len(), "every buyer told 'paid' has a paid order");
    // No oversell, and nothing left stuck: with more buyers than tickets,
    // every ticket sold (stock held by stuck keys would turn buyers away).
    let (cap, sold, held) = org.quota().await;
    assert_eq!((cap, sold, held), (TICKETS, TICKETS, 0), "{} told paid", told_paid.len());
    assert_eq!(told_paid.len() as i64, TICKETS);
    fleet.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flash_sale_under_sigkill_answers_every_buyer_once_on_sqlite() {
    sale_under_sigkill(None, 1, 5).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flash_sale_under_sigkill_answers_every_buyer_once_on_postgres_with_two_processes() {
    let Some(admin) =
        postgres_admin_url("a_flash_sale_under_sigkill_answers_every_buyer_once_on_postgres_with_two_processes")
    else {
        return;
    };
    let url = fresh_postgres_url(&admin).await;
    sale_under_sigkill(Some(&url), 2, 6).await;
    drop_postgres_database(&admin, &url).await;
}
