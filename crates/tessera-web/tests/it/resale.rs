//! Face-value resale over HTTP, on SQLite and PostgreSQL: a listing sold
//! through the normal checkout (the seller's ticket void and refused at the
//! gate online and offline, the buyer's ticket issued, the payout refunded,
//! the ledger balanced, the quota share moved with the ticket), a
//! withdrawal after the buyer's hold lapsed refunding the late payment in
//! full, two buyers racing for one listing, primary-first and resale-first,
//! and the refusals (cap, foreign, used, offered, listed, disabled, bad
//! rules) with nothing changed.

use crate::helpers::*;
use serde_json::{Value, json};
use tessera_app::{AppConfig, Clock};

crate::on_both_backends!(
    a_listing_sells_through_checkout_and_the_seller_is_paid_back,
    a_withdrawal_after_the_hold_lapsed_refunds_the_late_payment,
    two_buyers_racing_for_one_listing_one_wins,
    primary_first_and_resale_first_order_the_offers,
    refusals_change_nothing,
    a_resale_ticket_counts_against_the_limit_per_customer,
);

fn config() -> AppConfig {
    AppConfig { allow_sandbox_payments: true, ..test_config() }
}

struct Shop {
    t: TestApp,
    owner: Auth,
    org: String,
    event: String,
    ticket_type: String,
    list: String,
    scanner: Auth,
}

struct Bought {
    id: String,
    token: String,
}

/// A published event with one ticket type (25.00 EUR) from a quota of
/// `capacity`, paid through the sandbox, resale on with a 10 % fee.
async fn shop(capacity: i64, offer_first: &str) -> Shop {
    let t = spawn_app_on(&DB.with(|u| u.clone()), config(), tessera_web::WebConfig::default()).await;
    let (owner, org) = t.organizer("owner@resale.example.org", "resale").await;
    let venue = t.venue(&owner, &org, "Hall").await;
    let e = t.post(&format!("/api/v1/orgs/{org}/events"), &owner, event_body(&venue, "Gig", 30)).await;
    let event = e.body["id"].as_str().unwrap().to_string();
    let q = t
        .post(
            &format!("/api/v1/orgs/{org}/events/{event}/quotas"),
            &owner,
            json!({"name": "House", "capacity": capacity}),
        )
        .await;
    let tt = t
        .post(
            &format!("/api/v1/orgs/{org}/events/{event}/ticket-types"),
            &owner,
            json!({"name": "GA", "price_minor": 2500, "currency": "EUR", "max_per_order": 6, "quota_ids": [q.body["id"]]}),
        )
        .await;
    assert_eq!(tt.status, 201, "{tt:?}");
    let ticket_type = tt.body["id"].as_str().unwrap().to_string();
    let s = t.put(&format!("/api/v1/orgs/{org}/payment-settings"), &owner, json!({"provider": "sandbox"})).await;
    assert_eq!(s.status, 200, "{s:?}");
    assert_eq!(t.post(&format!("/api/v1/orgs/{org}/events/{event}/publish"), &owner, json!({})).await.status, 200);
    let list = t
        .post(
            &format!("/api/v1/orgs/{org}/events/{event}/checkin-lists"),
            &owner,
            json!({"name": "Doors", "gates": ["Main"]}),
        )
        .await;
    let list = list.body["id"].as_str().unwrap().to_string();
    let tok = t.post(&format!("/api/v1/orgs/{org}/tokens"), &owner, json!({"name": "gate", "role": "scanner"})).await;
    let scanner = Auth::Bearer(tok.body["secret"].as_str().unwrap().to_string());
    let tok = t.post(&format!("/api/v1/orgs/{org}/tokens"), &owner, json!({"name": "office", "role": "owner"})).await;
    let owner = Auth::Bearer(tok.body["secret"].as_str().unwrap().to_string());
    let shop = Shop { t, owner, org, event, ticket_type, list, scanner };
    let r = shop
        .t
        .put(
            &shop.settings_path(),
            &shop.owner,
            json!({"enabled": true, "cap_percent": 100, "fee_bp": 1000, "offer_first": offer_first}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    shop
}

impl Shop {
    fn settings_path(&self) -> String {
        format!("/api/v1/orgs/{}/events/{}/resale-settings", self.org, self.event)
    }

    async fn as_buyer(&self, method: reqwest::Method, path: &str, token: &str, body: Option<Value>) -> Res {
        let mut rb = self.t.client.request(method, format!("{}{path}", self.t.base)).header("x-order-token", token);
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        self.t.send(rb).await
    }

    async fn reserve(&self, body: Value) -> Res {
        self.t.post(&format!("/api/v1/events/{}/orders", self.event), &Auth::None, body).await
    }

    /// Pays an order through the sandbox: checkout, then the outcome.
    async fn pay(&self, id: &str, token: &str) -> u16 {
        let c = self.as_buyer(reqwest::Method::POST, &format!("/api/v1/orders/{id}/checkout"), token, None).await;
        assert_eq!(c.status, 200, "{c:?}");
        let payment = c.body["payment"]["id"].as_str().unwrap().to_string();
        self.sandbox(&payment).await
    }

    async fn sandbox(&self, payment: &str) -> u16 {
        let r = self
            .t
            .client
            .post(format!("{}/pay/sandbox/{payment}", self.t.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("outcome=success")
            .send()
            .await
            .unwrap();
        r.status().as_u16()
    }

    async fn buy_paid(&self, n: i64, email: &str) -> Bought {
        let r = self
            .reserve(json!({"lines": [{"ticket_type_id": self.ticket_type, "quantity": n}], "email": email, "name": "Ada Seller"}))
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        let b = Bought {
            id: r.body["id"].as_str().unwrap().into(),
            token: r.body["access_token"].as_str().unwrap().into(),
        };
        assert_eq!(self.pay(&b.id, &b.token).await, 200);
        assert_eq!(self.order(&b).await["state"], "paid");
        b
    }

    async fn order(&self, b: &Bought) -> Value {
        self.as_buyer(reqwest::Method::GET, &format!("/api/v1/orders/{}", b.id), &b.token, None).await.body
    }

    async fn tickets(&self, b: &Bought) -> Vec<Value> {
        let r = self.as_buyer(reqwest::Method::GET, &format!("/api/v1/orders/{}/tickets", b.id), &b.token, None).await;
        assert_eq!(r.status, 200, "{r:?}");
        r.body.as_array().unwrap().clone()
    }

    async fn list(&self, b: &Bought, ticket: &Value, price: i64) -> Res {
        let body = json!({"ticket_id": ticket["id"], "price_minor": price});
        self.as_buyer(reqwest::Method::POST, &format!("/api/v1/orders/{}/resale-listings", b.id), &b.token, Some(body))
            .await
    }

    async fn withdraw(&self, b: &Bought, listing: &str) -> Res {
        let path = format!("/api/v1/orders/{}/resale-listings/{listing}/withdraw", b.id);
        self.as_buyer(reqwest::Method::POST, &path, &b.token, None).await
    }

    async fn on_sale(&self) -> Vec<Value> {
        let r = self.t.get(&format!("/api/v1/events/{}/resale-listings", self.event), &Auth::None).await;
        assert_eq!(r.status, 200, "{r:?}");
        r.body.as_array().unwrap().clone()
    }

    async fn available(&self) -> i64 {
        let r = self.t.get(&format!("/api/v1/events/{}", self.event), &Auth::None).await;
        r.body["ticket_types"][0]["available"].as_i64().unwrap()
    }

    async fn drain_outbox(&self) {
        for _ in 0..20 {
            if self.t.app.run_outbox_once().await.unwrap() == 0 {
                return;
            }
        }
    }

    /// Every ledger transaction of the order sums to zero, and the provider
    /// accounts hold what was paid less what was refunded.
    async fn assert_ledger(&self, b: &Bought) -> (i64, i64) {
        let m = self.t.get(&format!("/api/v1/orgs/{}/orders/{}/money", self.org, b.id), &self.owner).await;
        assert_eq!(m.status, 200, "{m:?}");
        let mut by_txn = std::collections::BTreeMap::<String, i64>::new();
        let mut provider = 0;
        for e in m.body["ledger"].as_array().unwrap() {
            let a = e["amount"]["amount_minor"].as_i64().unwrap();
            *by_txn.entry(e["txn_id"].as_str().unwrap().into()).or_default() += a;
            if e["account"].as_str().unwrap().starts_with("provider:") {
                provider += a;
            }
        }
        assert!(by_txn.values().all(|s| *s == 0), "unbalanced: {by_txn:?}");
        let o = self.order(b).await;
        let (paid, refunded) =
            (o["paid"]["amount_minor"].as_i64().unwrap(), o["refunded"]["amount_minor"].as_i64().unwrap());
        assert_eq!(provider, paid - refunded, "{m:?}");
        (paid, refunded)
    }

    async fn scan(&self, code: &str, nonce: &str) -> Res {
        self.t
            .post(
                &format!("/api/v1/orgs/{}/checkin-lists/{}/scans", self.org, self.list),
                &self.scanner,
                json!({"code": code, "nonce": nonce}),
            )
            .await
    }
}

async fn a_listing_sells_through_checkout_and_the_seller_is_paid_back() {
    let s = shop(3, "primary").await;
    let hook =
        s.t.post(
            &format!("/api/v1/orgs/{}/webhooks", s.org),
            &s.owner,
            json!({"url": "https://hooks.example.org/r", "event_types": ["ticket.resold"]}),
        )
        .await;
    assert_eq!(hook.status, 201, "{hook:?}");
    let seller = s.buy_paid(2, "ada@example.org").await;
    let mine = s.tickets(&seller).await;
    let old = mine[0].clone();
    let old_code = old["code"].as_str().unwrap().to_string();
    // Above the cap (face value 25.00) is refused, naming the field.
    let r = s.list(&seller, &old, 2501).await;
    assert_eq!((r.status, r.fields()), (422, vec!["price_minor".to_string()]), "{r:?}");
    let r = s.list(&seller, &old, 2000).await;
    assert_eq!(r.status, 201, "{r:?}");
    let listing = r.body["id"].as_str().unwrap().to_string();
    assert_eq!(r.body["state"], "listed");
    assert_eq!(
        (r.body["fee"]["amount_minor"].as_i64(), r.body["payout"]["amount_minor"].as_i64()),
        (Some(200), Some(1800))
    );
    // Listing twice is refused.
    let again = s.list(&seller, &old, 2000).await;
    assert_eq!((again.status, again.code()), (409, "ticket_listed"), "{again:?}");
    // Primary first: one primary ticket is left, so the listing waits.
    assert_eq!(s.available().await, 1);
    assert!(s.on_sale().await.is_empty());
    let r = s.reserve(json!({"resale_listing_id": listing, "email": "bo@example.org", "name": "Bo Buyer"})).await;
    assert_eq!((r.status, r.code()), (422, "primary_first"), "{r:?}");
    let _last = s.buy_paid(1, "cy@example.org").await;
    assert_eq!(s.available().await, 0);
    let offers = s.on_sale().await;
    assert_eq!(offers.len(), 1, "{offers:?}");
    assert_eq!(offers[0]["price"]["amount_minor"], 2000);

    // A buyer reserves it through the normal checkout; it is held.
    let r = s.reserve(json!({"resale_listing_id": listing, "email": "bo@example.org", "name": "Bo Buyer"})).await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.body["total"]["amount_minor"], 2000);
    let buyer =
        Bought { id: r.body["id"].as_str().unwrap().into(), token: r.body["access_token"].as_str().unwrap().into() };
    assert!(s.on_sale().await.is_empty(), "a held listing is not offered");
    // The seller cannot withdraw it while the buyer pays.
    let w = s.withdraw(&seller, &listing).await;
    assert_eq!((w.status, w.code()), (409, "listing_held"), "{w:?}");
    assert_eq!(s.pay(&buyer.id, &buyer.token).await, 200);
    let o = s.order(&buyer).await;
    assert_eq!(o["state"], "paid", "{o}");
    let bought = s.tickets(&buyer).await;
    assert_eq!(bought.len(), 1);
    assert_eq!((bought[0]["status"].as_str(), bought[0]["holder_name"].as_str()), (Some("valid"), Some("Bo Buyer")));
    let new_code = bought[0]["code"].as_str().unwrap().to_string();
    assert_ne!(new_code, old_code);
    // The seller's ticket is void, the other one still theirs.
    let mine = s.tickets(&seller).await;
    let sold = mine.iter().find(|t| t["id"] == old["id"]).unwrap();
    assert_eq!((sold["status"].as_str(), sold["void_reason"].as_str()), (Some("void"), Some("resold")));
    assert_eq!(mine.iter().filter(|t| t["status"] == "valid").count(), 1);
    // The payout goes back through the seller's payment; the ledger balances.
    s.drain_outbox().await;
    let (paid, refunded) = s.assert_ledger(&seller).await;
    assert_eq!((paid, refunded), (5000, 1800));
    assert_eq!(s.order(&seller).await["state"], "paid");
    let (paid, refunded) = s.assert_ledger(&buyer).await;
    assert_eq!((paid, refunded), (2000, 0));
    let listings = s
        .as_buyer(reqwest::Method::GET, &format!("/api/v1/orders/{}/resale-listings", seller.id), &seller.token, None)
        .await;
    assert_eq!(listings.body[0]["state"], "sold", "{listings:?}");
    let staff = s.t.get(&format!("/api/v1/orgs/{}/events/{}/resale-listings", s.org, s.event), &s.owner).await;
    assert_eq!(staff.body[0]["buyer_order_id"], buyer.id.as_str(), "{staff:?}");
    assert_eq!(staff.body[0]["seller_email"], "ada@example.org");
    // The seller's e-mail and the webhook were queued with the sale.
    let mails = s.t.store.outbox_for(&listing, "email", 10).await.unwrap();
    assert!(mails.iter().any(|m| m.topic == "resale_sold"), "{mails:?}");
    let hooks = s.t.store.outbox_for(&listing, "webhook", 10).await.unwrap();
    assert_eq!(hooks.len(), 1);
    assert!(hooks[0].payload.contains(&buyer.id));
    let notes: Vec<String> = s.order(&seller).await["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["note"].as_str().map(str::to_string))
        .collect();
    assert!(notes.iter().any(|n| n.contains("resold for")), "{notes:?}");

    // At the gate (an hour before the start): the old code is refused
    // online and revoked for offline scanners.
    s.t.clock.set(s.t.clock.now().checked_add(jiff::SignedDuration::from_hours(24 * 30 - 1)).unwrap());
    let r = s.scan(&old_code, "old-1").await;
    assert_eq!((r.body["result"].as_str(), r.body["admit"].as_bool()), (Some("revoked"), Some(false)), "{r:?}");
    let sync = s.t.get(&format!("/api/v1/orgs/{}/checkin-lists/{}/sync?tickets=true", s.org, s.list), &s.scanner).await;
    assert!(sync.body["revoked"].as_array().unwrap().contains(&old["id"]), "{sync:?}");
    let r = s.scan(&new_code, "new-1").await;
    assert_eq!(r.body["result"], "valid", "{r:?}");

    // The ticket's share of the quota moved with it: refunding the seller's
    // order in full frees only their remaining ticket, refunding the buyer's
    // frees the resold one.
    let r = s.t.post(&format!("/api/v1/orgs/{}/orders/{}/refunds", s.org, seller.id), &s.owner, json!({})).await;
    assert_eq!(r.status, 200, "{r:?}");
    s.drain_outbox().await;
    assert_eq!(s.order(&seller).await["state"], "refunded");
    assert_eq!(s.available().await, 1);
    assert_eq!(s.tickets(&buyer).await[0]["status"], "valid");
    let r = s.t.post(&format!("/api/v1/orgs/{}/orders/{}/refunds", s.org, buyer.id), &s.owner, json!({})).await;
    assert_eq!(r.status, 200, "{r:?}");
    s.drain_outbox().await;
    assert_eq!(s.available().await, 2);
    s.assert_ledger(&seller).await;
    s.assert_ledger(&buyer).await;
}

async fn a_withdrawal_after_the_hold_lapsed_refunds_the_late_payment() {
    let s = shop(1, "resale").await;
    let seller = s.buy_paid(1, "ada@example.org").await;
    let ticket = s.tickets(&seller).await[0].clone();
    let listing = s.list(&seller, &ticket, 2500).await.body["id"].as_str().unwrap().to_string();
    let r = s.reserve(json!({"resale_listing_id": listing, "email": "bo@example.org", "name": "Bo"})).await;
    assert_eq!(r.status, 201, "{r:?}");
    let buyer =
        Bought { id: r.body["id"].as_str().unwrap().into(), token: r.body["access_token"].as_str().unwrap().into() };
    let c =
        s.as_buyer(reqwest::Method::POST, &format!("/api/v1/orders/{}/checkout", buyer.id), &buyer.token, None).await;
    assert_eq!(c.status, 200, "{c:?}");
    let payment = c.body["payment"]["id"].as_str().unwrap().to_string();
    // The buyer's hold lapses unpaid; the seller withdraws.
    s.t.clock.advance_secs(3 * 3600);
    s.t.app.sweep_once().await.unwrap();
    let w = s.withdraw(&seller, &listing).await;
    assert_eq!((w.status, w.body["state"].as_str()), (200, Some("withdrawn")), "{w:?}");
    // Now the payment arrives: the order is not revived, the money goes back.
    assert_eq!(s.sandbox(&payment).await, 200);
    s.drain_outbox().await;
    let o = s.order(&buyer).await;
    assert_eq!(o["state"], "expired", "{o}");
    assert_eq!((o["paid"]["amount_minor"].as_i64(), o["refunded"]["amount_minor"].as_i64()), (Some(2500), Some(2500)));
    assert!(s.tickets(&buyer).await.is_empty());
    s.assert_ledger(&buyer).await;
    // The seller keeps a valid ticket and their money.
    assert_eq!(s.tickets(&seller).await[0]["status"], "valid");
    assert_eq!(s.order(&seller).await["refunded"]["amount_minor"], 0);
    // Withdrawn, it can be listed again.
    let again = s.list(&seller, &ticket, 2500).await;
    assert_eq!(again.status, 201, "{again:?}");
}

async fn two_buyers_racing_for_one_listing_one_wins() {
    let s = shop(1, "primary").await;
    let seller = s.buy_paid(1, "ada@example.org").await;
    let ticket = s.tickets(&seller).await[0].clone();
    let listing = s.list(&seller, &ticket, 2400).await.body["id"].as_str().unwrap().to_string();
    let body = |who: &str| json!({"resale_listing_id": listing, "email": format!("{who}@example.org"), "name": who});
    let (a, b) = tokio::join!(s.reserve(body("bo")), s.reserve(body("cy")));
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [201, 422], "{a:?} {b:?}");
    let loser = if a.status == 422 { &a } else { &b };
    assert_eq!(loser.code(), "listing_unavailable", "{loser:?}");
    let winner = if a.status == 201 { a } else { b };
    let w = Bought {
        id: winner.body["id"].as_str().unwrap().into(),
        token: winner.body["access_token"].as_str().unwrap().into(),
    };
    assert_eq!(s.pay(&w.id, &w.token).await, 200);
    assert_eq!(s.tickets(&w).await.len(), 1);
    // Sold: nobody else can reserve it, and nothing is left for sale.
    let late = s.reserve(body("dee")).await;
    assert_eq!((late.status, late.code()), (422, "listing_unavailable"), "{late:?}");
    assert_eq!(s.available().await, 0);
    assert!(s.on_sale().await.is_empty());
}

async fn primary_first_and_resale_first_order_the_offers() {
    let s = shop(3, "resale").await;
    let seller = s.buy_paid(1, "ada@example.org").await;
    let ticket = s.tickets(&seller).await[0].clone();
    let listing = s.list(&seller, &ticket, 2500).await.body["id"].as_str().unwrap().to_string();
    // Resale first: the listing is offered, primary sales of the type wait.
    assert_eq!(s.on_sale().await.len(), 1);
    let r = s.reserve(json!({"lines": [{"ticket_type_id": s.ticket_type, "quantity": 1}], "email": "bo@example.org", "name": "Bo"})).await;
    assert_eq!((r.status, r.code()), (422, "resale_first"), "{r:?}");
    // Lines and a listing together are refused, naming the field.
    let r = s
        .reserve(json!({"resale_listing_id": listing, "lines": [{"ticket_type_id": s.ticket_type, "quantity": 1}], "email": "bo@example.org", "name": "Bo"}))
        .await;
    assert_eq!((r.status, r.fields()), (422, vec!["lines".to_string()]), "{r:?}");
    // The seller cannot buy their own listing.
    let own = s.reserve(json!({"resale_listing_id": listing, "email": "ada@example.org", "name": "Ada"})).await;
    assert_eq!((own.status, own.code()), (422, "own_listing"), "{own:?}");
    // Withdrawn, primary sales open again.
    assert_eq!(s.withdraw(&seller, &listing).await.status, 200);
    assert!(s.on_sale().await.is_empty());
    let r = s.reserve(json!({"lines": [{"ticket_type_id": s.ticket_type, "quantity": 1}], "email": "bo@example.org", "name": "Bo"})).await;
    assert_eq!(r.status, 201, "{r:?}");
    // Withdrawing twice answers that it ended.
    let w = s.withdraw(&seller, &listing).await;
    assert_eq!((w.status, w.code()), (409, "listing_ended"), "{w:?}");
}

async fn refusals_change_nothing() {
    let s = shop(5, "primary").await;
    // Bad rules, every field named.
    let r =
        s.t.put(
            &s.settings_path(),
            &s.owner,
            json!({"enabled": true, "cap_percent": 0, "fee_bp": 9000, "offer_first": "both"}),
        )
        .await;
    assert_eq!(r.status, 422, "{r:?}");
    let mut f = r.fields();
    f.sort();
    assert_eq!(f, vec!["cap_percent", "fee_bp", "offer_first"]);
    let seller = s.buy_paid(2, "ada@example.org").await;
    let other = s.buy_paid(1, "eve@example.org").await;
    let mine = s.tickets(&seller).await;
    let theirs = s.tickets(&other).await;
    // A ticket of another order.
    let r = s.list(&seller, &theirs[0], 1000).await;
    assert_eq!((r.status, r.fields()), (422, vec!["ticket_id".to_string()]), "{r:?}");
    // A negative price.
    let r = s.list(&seller, &mine[0], -1).await;
    assert_eq!((r.status, r.fields()), (422, vec!["price_minor".to_string()]), "{r:?}");
    // Without the order's token.
    let r =
        s.t.post(
            &format!("/api/v1/orders/{}/resale-listings", seller.id),
            &Auth::None,
            json!({"ticket_id": mine[0]["id"], "price_minor": 100}),
        )
        .await;
    assert_eq!(r.status, 404, "{r:?}");
    // A ticket offered by a pending transfer, and the other way round.
    let x =
        s.t.put(
            &format!("/api/v1/orgs/{}/events/{}/transfer-settings", s.org, s.event),
            &s.owner,
            json!({"allowed": true, "cutoff_hours": 0, "max_per_ticket": 2}),
        )
        .await;
    assert_eq!(x.status, 200, "{x:?}");
    let offer = s
        .as_buyer(
            reqwest::Method::POST,
            &format!("/api/v1/orders/{}/transfers", seller.id),
            &seller.token,
            Some(json!({"ticket_ids": [mine[0]["id"]], "to_email": "bo@example.org"})),
        )
        .await;
    assert_eq!(offer.status, 201, "{offer:?}");
    let r = s.list(&seller, &mine[0], 1000).await;
    assert_eq!((r.status, r.code()), (409, "ticket_offered"), "{r:?}");
    assert_eq!(s.list(&seller, &mine[1], 1000).await.status, 201);
    let offer = s
        .as_buyer(
            reqwest::Method::POST,
            &format!("/api/v1/orders/{}/transfers", seller.id),
            &seller.token,
            Some(json!({"ticket_ids": [mine[1]["id"]], "to_email": "bo@example.org"})),
        )
        .await;
    assert_eq!((offer.status, offer.code()), (409, "ticket_listed"), "{offer:?}");
    // A used ticket.
    s.t.clock.set(s.t.clock.now().checked_add(jiff::SignedDuration::from_hours(24 * 30 - 1)).unwrap());
    let r = s.scan(theirs[0]["code"].as_str().unwrap(), "eve-1").await;
    assert_eq!(r.body["result"], "valid", "{r:?}");
    let r = s.list(&other, &theirs[0], 1000).await;
    assert_eq!((r.status, r.code()), (409, "ticket_used"), "{r:?}");
    // Resale switched off.
    let r =
        s.t.put(
            &s.settings_path(),
            &s.owner,
            json!({"enabled": false, "cap_percent": 100, "fee_bp": 0, "offer_first": "primary"}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let fresh = s.buy_paid(1, "fay@example.org").await;
    let r = s.list(&fresh, &s.tickets(&fresh).await[0], 1000).await;
    assert_eq!((r.status, r.code()), (409, "resale_disabled"), "{r:?}");
    assert!(s.on_sale().await.is_empty());
    // Nothing was listed by the refusals: only the one listing exists.
    let staff = s.t.get(&format!("/api/v1/orgs/{}/events/{}/resale-listings", s.org, s.event), &s.owner).await;
    assert_eq!(staff.body.as_array().unwrap().len(), 1, "{staff:?}");
}

async fn a_resale_ticket_counts_against_the_limit_per_customer() {
    let s = shop(3, "primary").await;
    let seller = s.buy_paid(1, "ada@example.org").await;
    let _bo = s.buy_paid(1, "bo@example.org").await;
    let _cy = s.buy_paid(1, "cy@example.org").await;
    let r = s
        .t
        .patch(&format!("/api/v1/orgs/{}/events/{}", s.org, s.event), &s.owner, json!({"max_tickets_per_customer": 1}))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let ticket = s.tickets(&seller).await[0].clone();
    let listing = s.list(&seller, &ticket, 2500).await.body["id"].as_str().unwrap().to_string();
    let r = s.reserve(json!({"resale_listing_id": listing, "email": "bo@example.org", "name": "Bo"})).await;
    assert_eq!((r.status, r.code()), (422, "limit_exceeded"), "{r:?}");
    assert_eq!(s.on_sale().await.len(), 1, "nothing was held");
    let r = s.reserve(json!({"resale_listing_id": listing, "email": "dee@example.org", "name": "Dee"})).await;
    assert_eq!(r.status, 201, "{r:?}");
}
