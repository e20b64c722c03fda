//! A server killed while buyers pay: no paid order lost, none charged
//! twice, no ticket issued twice (invariants 8 and 10), on both backends.

use super::*;
use crate::sale::{Organizer, setup_priced_sale};
use serde_json::{Value, json};
use std::sync::Arc;

const ORDERS: usize = 60;
const PRICE: i64 = 1000;

fn env() -> [(&'static str, &'static str); 2] {
    [("TESSERA_PAYMENTS__ALLOW_SANDBOX", "true"), ("TESSERA_INVENTORY__HOLD_TTL_SECS", "3600")]
}

/// Pays through the sandbox page; `Ok(status)`, or `Err` when the server is gone.
async fn pay(client: &reqwest::Client, base: &str, payment: &str) -> Result<u16, reqwest::Error> {
    let r = client
        .post(format!("{base}/pay/sandbox/{payment}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("outcome=success")
        .send()
        .await?;
    Ok(r.status().as_u16())
}

/// Every order is either paid once (one charge, its ticket, paid = total) or
/// untouched (no charge, no ticket, its payment still open).
async fn check(org: &Organizer, orders: &[(String, String)]) -> usize {
    let mut paid = 0;
    for (id, payment) in orders {
        let o = org.get(&format!("/api/v1/orgs/{}/orders/{id}", org.org)).await;
        let m = org.get(&format!("/api/v1/orgs/{}/orders/{id}/money", org.org)).await;
        let charges: std::collections::BTreeSet<&str> = m["ledger"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "charge")
            .map(|e| e["txn_id"].as_str().unwrap())
            .collect();
        let p = m["payments"].as_array().unwrap().iter().find(|p| p["id"] == payment.as_str()).unwrap();
        match o["state"].as_str().unwrap() {
            "paid" => {
                paid += 1;
                assert_eq!(charges.len(), 1, "charged once: {m}");
                assert_eq!(o["paid"]["amount_minor"], PRICE, "{o}");
                assert_eq!(o["tickets"].as_array().unwrap().len(), 1, "one ticket: {o}");
                assert_eq!(p["state"], "succeeded");
            }
            "pending" => {
                assert!(charges.is_empty(), "no charge without the order: {m}");
                assert_eq!(o["paid"]["amount_minor"], 0);
                assert!(o["tickets"].as_array().unwrap().is_empty());
                assert_eq!(p["state"], "open");
            }
            other => panic!("unexpected state {other}: {o}"),
        }
    }
    paid
}

async fn crash_while_paying(db: Option<&str>) {
    let dir = temp_dir();
    let (mut child, base, _) = start_with(&dir, &[], db, &env());
    let org = setup_priced_sale(&base, ORDERS as i64, PRICE).await;
    let r = org
        .client
        .put(format!("{base}/api/v1/orgs/{}/payment-settings", org.org))
        .header("cookie", &org.cookie)
        .header("x-csrf-token", &org.csrf)
        .json(&json!({"provider": "sandbox"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let client = org.client.clone();
    let mut orders = Vec::new();
    for i in 0..ORDERS {
        let body = json!({"lines": [{"ticket_type_id": org.ticket_type, "quantity": 1}], "email": format!("p{i}@example.org"), "name": "P"});
        let placed: Value = client
            .post(format!("{base}/api/v1/events/{}/orders", org.event))
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let (id, token) =
            (placed["id"].as_str().unwrap().to_string(), placed["access_token"].as_str().unwrap().to_string());
        let c: Value = client
            .post(format!("{base}/api/v1/orders/{id}/checkout"))
            .header("x-order-token", &token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        orders.push((id, c["payment"]["id"].as_str().unwrap().to_string()));
    }

    // Everyone pays at once; the server dies once some have been told "paid".
    let told_paid = Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for (id, payment) in orders.clone() {
        let (client, base, told_paid) = (client.clone(), base.clone(), told_paid.clone());
        tasks.push(tokio::spawn(async move {
            if let Ok(200) = pay(&client, &base, &payment).await {
                told_paid.lock().unwrap().push(id);
            }
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while told_paid.lock().unwrap().len() < 10 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    for t in tasks {
        t.await.unwrap();
    }
    let told_paid: Vec<String> = told_paid.lock().unwrap().clone();
    assert!(!told_paid.is_empty());

    let (child, base, _) = start_with(&dir, &[], db, &env());
    let org = Organizer { base: base.clone(), ..org };
    // Nobody told "paid" lost their order.
    for id in &told_paid {
        let o = org.get(&format!("/api/v1/orgs/{}/orders/{id}", org.org)).await;
        assert_eq!(o["state"], "paid", "{o}");
    }
    let paid_after_crash = check(&org, &orders).await;
    assert!(paid_after_crash >= told_paid.len());
    eprintln!(
        "{} buyers told paid before the kill, {paid_after_crash} orders paid after restart, of {ORDERS}",
        told_paid.len()
    );
    // Buyers whose payment did not go through try again; those already paid
    // are refused (the payment is closed), not charged twice.
    for (_, payment) in &orders {
        let status = pay(&client, &base, payment).await.unwrap();
        assert!(status == 200 || status == 409, "{status}");
    }
    assert_eq!(check(&org, &orders).await, ORDERS);
    assert_eq!(org.quota().await, (ORDERS as i64, ORDERS as i64, 0));
    terminate(child);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_while_buyers_pay_loses_and_doubles_nothing_on_sqlite() {
    crash_while_paying(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_while_buyers_pay_loses_and_doubles_nothing_on_postgres() {
    let Some(admin) = postgres_admin_url("a_server_killed_while_buyers_pay_loses_and_doubles_nothing_on_postgres")
    else {
        return;
    };
    let url = fresh_postgres_url(&admin).await;
    crash_while_paying(Some(&url)).await;
    drop_postgres_database(&admin, &url).await;
}
