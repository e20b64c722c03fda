//! Selling with real server processes: several processes on one database,
//! and a server killed in the middle of a flash sale.

use super::*;
use serde_json::{Value, json};
use std::sync::Arc;

pub struct Organizer {
    pub client: reqwest::Client,
    pub base: String,
    pub cookie: String,
    pub csrf: String,
    pub org: String,
    pub event: String,
    pub ticket_type: String,
}

impl Organizer {
    pub async fn get(&self, path: &str) -> Value {
        let r = self.client.get(format!("{}{path}", self.base)).header("cookie", &self.cookie).send().await.unwrap();
        r.json().await.unwrap()
    }

    /// (capacity, sold, held) of the event's quota.
    pub async fn quota(&self) -> (i64, i64, i64) {
        let q = self.get(&format!("/api/v1/orgs/{}/events/{}/quotas", self.org, self.event)).await;
        (q[0]["capacity"].as_i64().unwrap(), q[0]["sold"].as_i64().unwrap(), q[0]["held"].as_i64().unwrap())
    }
}

/// Signs up an organizer on `base` and publishes an event with `tickets` free tickets.
pub async fn setup_sale(base: &str, tickets: i64) -> Organizer {
    setup_priced_sale(base, tickets, 0).await
}

/// `setup_sale` with a price (EUR minor units) per ticket.
pub async fn setup_priced_sale(base: &str, tickets: i64, price: i64) -> Organizer {
    let client = {
        tessera_remote::install_crypto_provider();
        reqwest::Client::new()
    };
    let r = client
        .post(format!("{base}/api/v1/auth/register"))
        .json(&json!({"email": "boss@example.org", "password": "correct horse battery", "name": "Boss"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let csrf = r.json::<Value>().await.unwrap()["csrf_token"].as_str().unwrap().to_string();
    let post = async |path: String, body: Value| -> Value {
        let r = client
            .post(format!("{base}{path}"))
            .header("cookie", &cookie)
            .header("x-csrf-token", &csrf)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{path}: {}", r.status());
        r.json().await.unwrap()
    };
    let org =
        post("/api/v1/orgs".into(), json!({"name": "Boss", "slug": "boss"})).await["id"].as_str().unwrap().to_string();
    let venue = post(format!("/api/v1/orgs/{org}/venues"), json!({"name": "V", "timezone": "UTC", "capacity": 100000}))
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let event = post(
        format!("/api/v1/orgs/{org}/events"),
        json!({"venue_id": venue, "title": "Sale", "category": "concert", "starts_at": "2031-01-01T20:00:00Z", "ends_at": "2031-01-01T23:00:00Z"}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let quota =
        post(format!("/api/v1/orgs/{org}/events/{event}/quotas"), json!({"name": "All", "capacity": tickets})).await;
    let tt = post(
        format!("/api/v1/orgs/{org}/events/{event}/ticket-types"),
        json!({"name": "GA", "price_minor": price, "currency": "EUR", "max_per_order": 1, "quota_ids": [quota["id"]]}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    post(format!("/api/v1/orgs/{org}/events/{event}/publish"), json!({})).await;
    Organizer { client, base: base.into(), cookie, csrf, org, event, ticket_type: tt }
}

/// One buyer: reserve one ticket, then confirm. Returns the order id when
/// confirmed, `None` when refused; transport errors (a dead server) are `Err`.
pub async fn buy(
    client: &reqwest::Client,
    base: &str,
    event: &str,
    tt: &str,
    i: usize,
) -> Result<Option<String>, reqwest::Error> {
    let body =
        json!({"lines": [{"ticket_type_id": tt, "quantity": 1}], "email": format!("b{i}@example.org"), "name": "B"});
    let r = client.post(format!("{base}/api/v1/events/{event}/orders")).json(&body).send().await?;
    if r.status() != 201 {
        return Ok(None);
    }
    let o: Value = r.json().await?;
    let (id, token) = (o["id"].as_str().unwrap().to_string(), o["access_token"].as_str().unwrap().to_string());
    let c = client.post(format!("{base}/api/v1/orders/{id}/confirm")).header("x-order-token", token).send().await?;
    Ok(if c.status() == 200 { Some(id) } else { None })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_processes_on_one_postgres_database_never_oversell() {
    let Some(admin) = postgres_admin_url("three_processes_on_one_postgres_database_never_oversell") else { return };
    let url = fresh_postgres_url(&admin).await;
    let dir = temp_dir();
    let servers: Vec<_> = (0..3).map(|_| start(&dir, &[], Some(&url))).collect();
    let bases: Vec<String> = servers.iter().map(|(_, b, _)| b.clone()).collect();
    let org = setup_sale(&bases[0], 100).await;
    let client = {
        tessera_remote::install_crypto_provider();
        reqwest::Client::new()
    };
    let confirmed = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for i in 0..300 {
        let (client, base, event, tt, confirmed) =
            (client.clone(), bases[i % 3].clone(), org.event.clone(), org.ticket_type.clone(), confirmed.clone());
        tasks.push(tokio::spawn(async move {
            if buy(&client, &base, &event, &tt, i).await.unwrap().is_some() {
                confirmed.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(
        confirmed.load(std::sync::atomic::Ordering::SeqCst),
        100,
        "exactly the capacity sells, across processes"
    );
    assert_eq!(org.quota().await, (100, 100, 0));
    let paid = org.get(&format!("/api/v1/orgs/{}/orders?state=paid&limit=500", org.org)).await;
    assert_eq!(paid.as_array().unwrap().len(), 100);
    for (child, _, _) in servers {
        terminate(child);
    }
    drop_postgres_database(&admin, &url).await;
}

async fn crash_mid_sale(db: Option<&str>) {
    let dir = temp_dir();
    let (mut child, base, _) = start_with(&dir, &[], db, &[("TESSERA_INVENTORY__HOLD_TTL_SECS", "3")]);
    let org = setup_sale(&base, 200).await;
    let client = {
        tessera_remote::install_crypto_provider();
        reqwest::Client::new()
    };
    let confirmed = Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for i in 0..600 {
        let (client, base, event, tt, confirmed) =
            (client.clone(), base.clone(), org.event.clone(), org.ticket_type.clone(), confirmed.clone());
        tasks.push(tokio::spawn(async move {
            if let Ok(Some(id)) = buy(&client, &base, &event, &tt, i).await {
                confirmed.lock().unwrap().push(id);
            }
        }));
    }
    // Kill it once some orders are confirmed and others are in flight.
    let deadline = Instant::now() + Duration::from_secs(60);
    while confirmed.lock().unwrap().len() < 20 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    for t in tasks {
        t.await.unwrap();
    }
    let before_restart: Vec<String> = confirmed.lock().unwrap().clone();
    assert!(!before_restart.is_empty());

    let (child, base, _) = start_with(&dir, &[], db, &[("TESSERA_INVENTORY__HOLD_TTL_SECS", "3")]);
    let org = Organizer { base: base.clone(), ..org };
    let (cap, sold, held) = org.quota().await;
    assert!(sold + held <= cap, "capacity holds after a crash: {sold} + {held} > {cap}");
    // Every order a buyer was told is confirmed is there, paid, with its ticket.
    for id in &before_restart {
        let o = org.get(&format!("/api/v1/orgs/{}/orders/{id}", org.org)).await;
        assert_eq!(o["state"], "paid", "{o}");
        assert_eq!(o["tickets"].as_array().unwrap().len(), 1);
    }
    assert!(sold >= before_restart.len() as i64);
    // Holds of the dead process stop counting when they expire.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let detail = org.get(&format!("/api/v1/events/{}", org.event)).await;
    assert_eq!(detail["ticket_types"][0]["available"].as_i64().unwrap(), cap - sold, "{detail}");
    // And selling goes on correctly.
    let mut more = 0;
    for i in 1000..1000 + (cap - sold + 5) as usize {
        if buy(&client, &base, &org.event, &org.ticket_type, i).await.unwrap().is_some() {
            more += 1;
        }
    }
    assert_eq!(more, cap - sold);
    assert_eq!(org.quota().await, (cap, cap, 0));
    terminate(child);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_loses_no_paid_order_on_sqlite() {
    crash_mid_sale(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_loses_no_paid_order_on_postgres() {
    let Some(admin) = postgres_admin_url("a_killed_server_loses_no_paid_order_on_postgres") else { return };
    let url = fresh_postgres_url(&admin).await;
    crash_mid_sale(Some(&url)).await;
    drop_postgres_database(&admin, &url).await;
}
