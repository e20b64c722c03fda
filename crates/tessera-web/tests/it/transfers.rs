//! Ticket transfers over HTTP, on SQLite and PostgreSQL: a guest and a
//! signed-in recipient accept, the sender cancels, the cutoff and the
//! limit per ticket, used, void and foreign tickets refused with nothing
//! changed, transfers switched off, two acceptances racing (one wins) and
//! an acceptance racing a check-in (consistent either way), the old code
//! refused by the online scan and listed for offline scanners, retries
//! with one Idempotency-Key, and both e-mails in both languages.

use crate::helpers::*;
use serde_json::{Value, json};
use std::time::Duration;
use tessera_app::{AppConfig, Clock};

crate::on_both_backends!(
    a_guest_accepts_and_the_old_code_is_refused_online_and_offline,
    a_signed_in_recipient_accepts_sees_the_tickets_and_passes_them_on_within_the_limit,
    the_sender_cancels_a_pending_transfer,
    the_cutoff_closes_offers_and_expires_pending_transfers,
    used_void_and_foreign_tickets_and_bad_input_are_refused_with_nothing_changed,
    transfers_switched_off_are_refused,
    two_racing_acceptances_issue_once,
    an_acceptance_racing_a_check_in_is_consistent,
    retries_with_one_idempotency_key_make_one_transfer,
    both_e_mails_go_out_in_the_language_given,
    holders_change_the_name_on_a_ticket_where_allowed,
);

struct Setup {
    t: TestApp,
    owner: Auth,
    org: String,
    event: String,
    ticket_type: String,
    list: String,
    scanner: Auth,
    sale_at: jiff::Timestamp,
    starts: jiff::Timestamp,
}

async fn setup() -> Setup {
    setup_with(test_config()).await
}

/// An on-sale event with transfers allowed (no cutoff, two per ticket), a
/// single-entry check-in list and a scanner token; the clock at the sale.
async fn setup_with(config: AppConfig) -> Setup {
    let t = spawn_app_on(&DB.with(Clone::clone), config, tessera_web::WebConfig::default()).await;
    let (owner, org) = t.organizer("owner@transfers.example.org", "xfer").await;
    let venue = t.venue(&owner, &org, "Hall").await;
    let e = t.sellable_event(&owner, &org, &venue, "Gig").await;
    let event = e["id"].as_str().unwrap().to_string();
    assert_eq!(t.post(&format!("/api/v1/orgs/{org}/events/{event}/publish"), &owner, json!({})).await.status, 200);
    let types = t.get(&format!("/api/v1/orgs/{org}/events/{event}/ticket-types"), &owner).await;
    let ticket_type = types.body[0]["id"].as_str().unwrap().to_string();
    let list = t
        .post(
            &format!("/api/v1/orgs/{org}/events/{event}/checkin-lists"),
            &owner,
            json!({"name": "Doors", "gates": ["Main"]}),
        )
        .await;
    assert_eq!(list.status, 201, "{list:?}");
    let list = list.body["id"].as_str().unwrap().to_string();
    let tok = t.post(&format!("/api/v1/orgs/{org}/tokens"), &owner, json!({"name": "gate", "role": "scanner"})).await;
    let scanner = Auth::Bearer(tok.body["secret"].as_str().unwrap().to_string());
    // Sessions do not outlive a clock moved by weeks: the owner uses a token.
    let tok = t.post(&format!("/api/v1/orgs/{org}/tokens"), &owner, json!({"name": "office", "role": "owner"})).await;
    let owner = Auth::Bearer(tok.body["secret"].as_str().unwrap().to_string());
    let starts: jiff::Timestamp = e["starts_at"].as_str().unwrap().parse().unwrap();
    let s = Setup { sale_at: t.clock.now(), t, owner, org, event, ticket_type, list, scanner, starts };
    s.settings(json!({"allowed": true, "cutoff_hours": 0, "max_per_ticket": 2}), 200).await;
    s
}

/// A bought, paid order: (id, access token, its tickets).
struct Bought {
    id: String,
    token: String,
    tickets: Vec<Value>,
}

impl Setup {
    fn settings_path(&self) -> String {
        format!("/api/v1/orgs/{}/events/{}/transfer-settings", self.org, self.event)
    }

    async fn settings(&self, body: Value, status: u16) -> Res {
        let r = self.t.put(&self.settings_path(), &self.owner, body).await;
        assert_eq!(r.status, status, "{r:?}");
        r
    }

    async fn buy(&self, n: i64, email: &str) -> Bought {
        let r = self
            .t
            .post(
                &format!("/api/v1/events/{}/orders", self.event),
                &Auth::None,
                json!({"lines": [{"ticket_type_id": self.ticket_type, "quantity": n}], "email": email, "name": "Ada Sender"}),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        let id = r.body["id"].as_str().unwrap().to_string();
        let token = r.body["access_token"].as_str().unwrap().to_string();
        let paid =
            self.t.post(&format!("/api/v1/orgs/{}/orders/{id}/mark-paid", self.org), &self.owner, json!({})).await;
        assert_eq!(paid.status, 200, "{paid:?}");
        let tickets = self.tickets(&id, &token).await;
        Bought { id, token, tickets }
    }

    async fn tickets(&self, order: &str, token: &str) -> Vec<Value> {
        let rb =
            self.t.client.get(format!("{}/api/v1/orders/{order}/tickets", self.t.base)).header("x-order-token", token);
        let r = self.t.send(rb).await;
        assert_eq!(r.status, 200, "{r:?}");
        r.body.as_array().unwrap().clone()
    }

    /// Offers tickets of `b` with its token (and an optional Idempotency-Key).
    async fn offer(&self, b: &Bought, body: Value, key: Option<&str>) -> Res {
        let mut rb = self
            .t
            .client
            .post(format!("{}/api/v1/orders/{}/transfers", self.t.base, b.id))
            .header("x-order-token", &b.token)
            .json(&body);
        if let Some(k) = key {
            rb = rb.header("idempotency-key", k);
        }
        self.t.send(rb).await
    }

    async fn offer_ok(&self, b: &Bought, tickets: &[&Value], to: &str) -> Value {
        let ids: Vec<&Value> = tickets.iter().map(|t| &t["id"]).collect();
        let r = self.offer(b, json!({"ticket_ids": ids, "to_email": to, "to_name": "Bo"}), None).await;
        assert_eq!(r.status, 201, "{r:?}");
        assert_eq!(r.body["state"], "pending");
        r.body
    }

    /// The accept link's secret, as the recipient's e-mail carries it.
    async fn secret(&self, transfer: &str) -> String {
        let rows = self.t.store.outbox_for(transfer, "email", 10).await.unwrap();
        let row = rows.iter().find(|r| r.topic == "transfer_offer").expect("the offer e-mail is queued");
        let p: Value = serde_json::from_str(&row.payload).unwrap();
        let url = self
            .t
            .app
            .config
            .master_key
            .open(p["url"].as_str().unwrap(), format!("transfer-mail:{transfer}").as_bytes())
            .unwrap();
        let url = String::from_utf8(url).unwrap();
        let (path, secret) = url.rsplit_once('/').unwrap();
        assert!(path.ends_with(&format!("/transfers/{transfer}")), "{url}");
        secret.to_string()
    }

    async fn accept(&self, transfer: &str, secret: &str, auth: &Auth, body: Value, key: Option<&str>) -> Res {
        let mut rb = self
            .t
            .client
            .post(format!("{}/api/v1/transfers/{transfer}/accept", self.t.base))
            .header("x-transfer-token", secret)
            .json(&body);
        if let Auth::Session(s) = auth {
            rb = rb.header("cookie", format!("tessera_session={}", s.cookie)).header("x-csrf-token", &s.csrf);
        }
        if let Some(k) = key {
            rb = rb.header("idempotency-key", k);
        }
        self.t.send(rb).await
    }

    async fn cancel(&self, b: &Bought, transfer: &str) -> Res {
        let rb = self
            .t
            .client
            .post(format!("{}/api/v1/orders/{}/transfers/{transfer}/cancel", self.t.base, b.id))
            .header("x-order-token", &b.token);
        self.t.send(rb).await
    }

    async fn transfers(&self, b: &Bought) -> Vec<Value> {
        let rb = self
            .t
            .client
            .get(format!("{}/api/v1/orders/{}/transfers", self.t.base, b.id))
            .header("x-order-token", &b.token);
        let r = self.t.send(rb).await;
        assert_eq!(r.status, 200, "{r:?}");
        r.body.as_array().unwrap().clone()
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

    /// Every ticket of the order, as staff see them.
    async fn all_tickets(&self, b: &Bought) -> Vec<Value> {
        let r = self.t.get(&format!("/api/v1/orgs/{}/orders/{}/tickets", self.org, b.id), &self.owner).await;
        assert_eq!(r.status, 200, "{r:?}");
        r.body.as_array().unwrap().clone()
    }
}

fn code_of(ticket: &Value) -> String {
    ticket["code"].as_str().expect("a valid ticket has a code").to_string()
}

async fn a_guest_accepts_and_the_old_code_is_refused_online_and_offline() {
    let s = setup().await;
    // An integrator listens for transfers.
    let hook =
        s.t.post(
            &format!("/api/v1/orgs/{}/webhooks", s.org),
            &s.owner,
            json!({"url": "https://hooks.example.org/t", "event_types": ["ticket.transferred"]}),
        )
        .await;
    assert_eq!(hook.status, 201, "{hook:?}");
    let b = s.buy(2, "ada@example.org").await;
    let old = b.tickets[0].clone();
    let old_code = code_of(&old);
    let offer = s.offer_ok(&b, &[&old], "Bo@Example.org").await;
    let id = offer["id"].as_str().unwrap();
    assert_eq!(offer["to_email"], "bo@example.org");
    // Offered, the ticket still works for its holder and shows the offer.
    let mine = s.tickets(&b.id, &b.token).await;
    assert_eq!(mine[0]["status"], "valid");
    assert_eq!(mine[0]["pending_transfer_id"], id);

    let secret = s.secret(id).await;
    // The recipient's view needs the secret.
    let wrong =
        s.t.send(s.t.client.get(format!("{}/api/v1/transfers/{id}", s.t.base)).header("x-transfer-token", "x")).await;
    assert_eq!(wrong.status, 404, "{wrong:?}");
    let view =
        s.t.send(s.t.client.get(format!("{}/api/v1/transfers/{id}", s.t.base)).header("x-transfer-token", &secret))
            .await;
    assert_eq!(view.status, 200, "{view:?}");
    assert_eq!((view.body["state"].as_str(), view.body["event_title"].as_str()), (Some("pending"), Some("Gig")));
    assert_eq!(view.body["tickets"][0]["ticket_type"], old["ticket_type"]);
    // A wrong secret accepts nothing.
    assert_eq!(s.accept(id, "nope", &Auth::None, json!({"name": "Bo"}), None).await.status, 404);
    // A guest must give a name.
    let r = s.accept(id, &secret, &Auth::None, json!({"name": "  "}), None).await;
    assert_eq!((r.status, r.fields()), (422, vec!["name".to_string()]), "{r:?}");

    let r = s.accept(id, &secret, &Auth::None, json!({"name": "Bo Recipient"}), None).await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.body["transfer"]["state"], "accepted");
    let new = &r.body["tickets"][0];
    assert_eq!(new["holder_name"], "Bo Recipient");
    assert_eq!(new["transfer_count"], 1);
    let new_code = code_of(new);
    assert_ne!(new["id"], old["id"]);
    assert_ne!(new_code, old_code);
    // The guest's way back to the ticket: its page link.
    let page = s.t.client.get(format!("{}{}", s.t.base, new["page_url"].as_str().unwrap())).send().await.unwrap();
    assert_eq!(page.status(), 200);
    // Accepting again answers that it is done, and issues nothing.
    let again = s.accept(id, &secret, &Auth::None, json!({"name": "Bo Recipient"}), None).await;
    assert_eq!((again.status, again.code()), (409, "transfer_accepted"), "{again:?}");

    // The sender's order: the old ticket void (transferred), the new one not theirs.
    let mine = s.tickets(&b.id, &b.token).await;
    assert_eq!(mine.len(), 2, "{mine:?}");
    assert_eq!((mine[0]["status"].as_str(), mine[0]["void_reason"].as_str()), (Some("void"), Some("transferred")));
    assert_eq!(mine[0]["replaced_by"], new["id"]);
    assert!(mine.iter().all(|t| t["id"] != new["id"]));
    // Staff see all three, and the history.
    assert_eq!(s.all_tickets(&b).await.len(), 3);
    let hist = s.t.get(&format!("/api/v1/orgs/{}/orders/{}/transfers", s.org, b.id), &s.owner).await;
    assert_eq!(hist.body[0]["state"], "accepted", "{hist:?}");
    assert_eq!(hist.body[0]["tickets"][0]["new_ticket_id"], new["id"]);
    let order = s.t.get(&format!("/api/v1/orgs/{}/orders/{}", s.org, b.id), &s.owner).await;
    let notes: Vec<&str> =
        order.body["history"].as_array().unwrap().iter().filter_map(|h| h["note"].as_str()).collect();
    assert!(notes.iter().any(|n| n.contains("offered to bo@example.org")), "{notes:?}");
    assert!(notes.iter().any(|n| n.contains("transferred to bo@example.org")), "{notes:?}");
    // The order keeps its money.
    assert_eq!(order.body["state"], "paid");
    // The webhook is queued with the acceptance.
    let hooks = s.t.store.outbox_for(id, "webhook", 10).await.unwrap();
    assert_eq!(hooks.len(), 1);
    assert_eq!(hooks[0].topic, "ticket.transferred");
    assert!(hooks[0].payload.contains(new["id"].as_str().unwrap()));

    // At the gate: the old code is refused online, the new one admits.
    s.t.clock.set(s.starts);
    let r = s.scan(&old_code, "old-1").await;
    assert_eq!((r.body["result"].as_str(), r.body["admit"].as_bool()), (Some("revoked"), Some(false)), "{r:?}");
    let r = s.scan(&new_code, "new-1").await;
    assert_eq!(r.body["result"], "valid", "{r:?}");
    // Offline scanners learn it at their next sync: the old id is revoked,
    // the new ticket is listed with its code.
    let sync = s.t.get(&format!("/api/v1/orgs/{}/checkin-lists/{}/sync?tickets=true", s.org, s.list), &s.scanner).await;
    assert_eq!(sync.status, 200, "{sync:?}");
    assert!(sync.body["revoked"].as_array().unwrap().contains(&old["id"]), "{sync:?}");
    let listed = sync.body["tickets"].as_array().unwrap();
    assert!(listed.iter().any(|t| t["id"] == new["id"] && t["code"] == new_code.as_str()), "{sync:?}");
    // An offline scan of the old code made after the transfer is revoked on upload.
    let up = s
        .t
        .post(
            &format!("/api/v1/orgs/{}/checkin-lists/{}/scans/upload", s.org, s.list),
            &s.scanner,
            json!({"scans": [{"code": old_code, "nonce": "off-1", "scanned_at": s.starts.to_string(), "admitted": false, "device": "d1"}]}),
        )
        .await;
    assert_eq!(up.status, 200, "{up:?}");
    assert_eq!(up.body["results"][0]["result"], "revoked", "{up:?}");
}

async fn a_signed_in_recipient_accepts_sees_the_tickets_and_passes_them_on_within_the_limit() {
    let s = setup().await;
    let b = s.buy(2, "ada@example.org").await;
    let offer = s.offer_ok(&b, &[&b.tickets[0], &b.tickets[1]], "cy@example.org").await;
    let id = offer["id"].as_str().unwrap();
    let secret = s.secret(id).await;
    let cy = s.t.register("cy@example.org").await;
    let cy_auth = Auth::Session(cy.clone());
    // Signed in, the account's name is the holder's when none is given.
    let r = s.accept(id, &secret, &cy_auth, json!({}), None).await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.body["tickets"].as_array().unwrap().len(), 2);
    let got = s.t.get("/api/v1/me/received-tickets", &cy_auth).await;
    assert_eq!(got.status, 200, "{got:?}");
    let got = got.body.as_array().unwrap().clone();
    assert_eq!(got.len(), 2);
    assert!(got.iter().all(|t| t["status"] == "valid" && t["code"].is_string()));
    // Signed out, nothing.
    assert_eq!(s.t.get("/api/v1/me/received-tickets", &Auth::None).await.status, 401);
    // The sender's order shows both void.
    assert!(s.tickets(&b.id, &b.token).await.iter().all(|t| t["status"] == "void"));

    // Cy passes one on, signed in (no order token): allowed twice per ticket.
    let pass = |ticket: Value, to: &'static str| {
        let (t, order, auth) = (&s.t, b.id.clone(), cy_auth.clone());
        async move {
            t.post(&format!("/api/v1/orders/{order}/transfers"), &auth, json!({"ticket_ids": [ticket], "to_email": to}))
                .await
        }
    };
    let r = pass(got[0]["id"].clone(), "di@example.org").await;
    assert_eq!(r.status, 201, "{r:?}");
    let second = r.body["id"].as_str().unwrap().to_string();
    // Cy cannot offer the buyer's tickets, nor see the buyer's transfers.
    let foreign =
        s.t.post(
            &format!("/api/v1/orders/{}/transfers", b.id),
            &cy_auth,
            json!({"ticket_ids": [b.tickets[0]["id"]], "to_email": "x@example.org"}),
        )
        .await;
    assert_eq!((foreign.status, foreign.fields()), (422, vec!["ticket_ids[0]".to_string()]), "{foreign:?}");
    let cy_list = s.t.get(&format!("/api/v1/orders/{}/transfers", b.id), &cy_auth).await;
    assert_eq!(cy_list.body.as_array().unwrap().len(), 1, "{cy_list:?}");
    let secret2 = s.secret(&second).await;
    let r = s.accept(&second, &secret2, &Auth::None, json!({"name": "Di"}), None).await;
    assert_eq!(r.status, 201, "{r:?}");
    let di_ticket = r.body["tickets"][0].clone();
    assert_eq!(di_ticket["transfer_count"], 2);
    // Cy's list keeps the passed-on ticket, void.
    let got = s.t.get("/api/v1/me/received-tickets", &cy_auth).await.body.as_array().unwrap().clone();
    assert_eq!(got.iter().filter(|t| t["status"] == "void").count(), 1, "{got:?}");

    // The limit: with one transfer per ticket, a received ticket stays put.
    s.settings(json!({"allowed": true, "cutoff_hours": 0, "max_per_ticket": 1}), 200).await;
    let r = pass(got.iter().find(|t| t["status"] == "valid").unwrap()["id"].clone(), "ed@example.org").await;
    assert_eq!((r.status, r.code()), (409, "transfer_limit"), "{r:?}");
}

async fn the_sender_cancels_a_pending_transfer() {
    let s = setup().await;
    let b = s.buy(1, "ada@example.org").await;
    let offer = s.offer_ok(&b, &[&b.tickets[0]], "bo@example.org").await;
    let id = offer["id"].as_str().unwrap();
    let secret = s.secret(id).await;
    // A second offer of the same ticket waits for the first.
    let r = s.offer(&b, json!({"ticket_ids": [b.tickets[0]["id"]], "to_email": "cy@example.org"}), None).await;
    assert_eq!((r.status, r.code()), (409, "ticket_offered"), "{r:?}");
    // Somebody else's token cancels nothing.
    let stranger = s.buy(1, "eve@example.org").await;
    assert_eq!(s.cancel(&stranger, id).await.status, 404);
    let r = s.cancel(&b, id).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["state"], "cancelled");
    let r = s.cancel(&b, id).await;
    assert_eq!((r.status, r.code()), (409, "transfer_cancelled"), "{r:?}");
    let r = s.accept(id, &secret, &Auth::None, json!({"name": "Bo"}), None).await;
    assert_eq!((r.status, r.code()), (409, "transfer_cancelled"), "{r:?}");
    // Nothing changed: the ticket is the sender's, valid, free to offer again.
    let mine = s.tickets(&b.id, &b.token).await;
    assert_eq!((mine[0]["status"].as_str(), mine[0]["pending_transfer_id"].as_str()), (Some("valid"), None));
    assert_eq!(s.all_tickets(&b).await.len(), 1);
    s.offer_ok(&b, &[&b.tickets[0]], "cy@example.org").await;
    let states: Vec<Value> = s.transfers(&b).await.iter().map(|t| t["state"].clone()).collect();
    assert_eq!(states, vec![json!("cancelled"), json!("pending")]);
}

async fn the_cutoff_closes_offers_and_expires_pending_transfers() {
    let s = setup().await;
    s.settings(json!({"allowed": true, "cutoff_hours": 48, "max_per_ticket": 1}), 200).await;
    let b = s.buy(2, "ada@example.org").await;
    let offer = s.offer_ok(&b, &[&b.tickets[0]], "bo@example.org").await;
    let id = offer["id"].as_str().unwrap();
    let expires: jiff::Timestamp = offer["expires_at"].as_str().unwrap().parse().unwrap();
    let cutoff = s.starts.checked_sub(jiff::SignedDuration::from_hours(48)).unwrap();
    assert_eq!(expires.as_microsecond(), cutoff.as_microsecond());
    let secret = s.secret(id).await;
    // Past the cutoff: the link is expired, new offers are closed.
    s.t.clock.set(expires.checked_add(jiff::SignedDuration::from_secs(1)).unwrap());
    let r = s.accept(id, &secret, &Auth::None, json!({"name": "Bo"}), None).await;
    assert_eq!((r.status, r.code()), (409, "transfer_expired"), "{r:?}");
    assert_eq!(s.transfers(&b).await[0]["state"], "expired");
    let r = s.offer(&b, json!({"ticket_ids": [b.tickets[1]["id"]], "to_email": "cy@example.org"}), None).await;
    assert_eq!((r.status, r.code()), (409, "transfers_closed"), "{r:?}");
    // Nothing changed.
    let mine = s.tickets(&b.id, &b.token).await;
    assert!(mine.iter().all(|t| t["status"] == "valid"), "{mine:?}");
    assert_eq!(s.all_tickets(&b).await.len(), 2);
    // An organizer who moves the cutoff reopens offers; the expired one stays expired.
    s.settings(json!({"allowed": true, "cutoff_hours": 1, "max_per_ticket": 1}), 200).await;
    let r = s.accept(id, &secret, &Auth::None, json!({"name": "Bo"}), None).await;
    assert_eq!((r.status, r.code()), (409, "transfer_expired"), "{r:?}");
    s.offer_ok(&b, &[&b.tickets[0]], "cy@example.org").await;
}

async fn used_void_and_foreign_tickets_and_bad_input_are_refused_with_nothing_changed() {
    let s = setup().await;
    let b = s.buy(3, "ada@example.org").await;
    let other = s.buy(1, "eve@example.org").await;
    // Used: admitted at the gate (the clock at the doors, then back).
    s.t.clock.set(s.starts);
    assert_eq!(s.scan(&code_of(&b.tickets[0]), "use-1").await.body["result"], "valid");
    s.t.clock.set(s.sale_at);
    let r = s.offer(&b, json!({"ticket_ids": [b.tickets[0]["id"]], "to_email": "bo@example.org"}), None).await;
    assert_eq!((r.status, r.code()), (409, "ticket_used"), "{r:?}");
    // Void: voided by staff.
    let v =
        s.t.post(
            &format!("/api/v1/orgs/{}/tickets/{}/void", s.org, b.tickets[1]["id"].as_str().unwrap()),
            &s.owner,
            json!({}),
        )
        .await;
    assert_eq!(v.status, 200, "{v:?}");
    let r = s.offer(&b, json!({"ticket_ids": [b.tickets[1]["id"]], "to_email": "bo@example.org"}), None).await;
    assert_eq!((r.status, r.code()), (409, "ticket_void"), "{r:?}");
    // Foreign: another order's ticket, or no ticket at all.
    let r = s.offer(&b, json!({"ticket_ids": [other.tickets[0]["id"]], "to_email": "bo@example.org"}), None).await;
    assert_eq!((r.status, r.fields()), (422, vec!["ticket_ids[0]".to_string()]), "{r:?}");
    let r = s
        .offer(&b, json!({"ticket_ids": [b.tickets[2]["id"], b.tickets[2]["id"]], "to_email": "bo@example.org"}), None)
        .await;
    assert_eq!((r.status, r.fields()), (422, vec!["ticket_ids[1]".to_string()]), "{r:?}");
    let bad: [(Value, &str); 6] = [
        (json!({"ticket_ids": [], "to_email": "bo@example.org"}), "ticket_ids"),
        (json!({"ticket_ids": [b.tickets[2]["id"]], "to_email": "not an address"}), "to_email"),
        (
            json!({"ticket_ids": [b.tickets[2]["id"]], "to_email": "bo@example.org", "to_name": "x".repeat(201)}),
            "to_name",
        ),
        (
            json!({"ticket_ids": [b.tickets[2]["id"]], "to_email": "bo@example.org", "message": "x".repeat(1001)}),
            "message",
        ),
        (json!({"ticket_ids": [b.tickets[2]["id"]], "to_email": "bo@example.org", "locale": "fr"}), "locale"),
        (json!({"ticket_ids": ["not-an-id"], "to_email": "bo@example.org"}), "ticket_ids"),
    ];
    for (body, field) in bad {
        let r = s.offer(&b, body.clone(), None).await;
        assert!(r.status == 422 || r.status == 400, "{body}: {r:?}");
        assert!(r.fields().iter().any(|f| f.starts_with(field)), "{field}: {r:?}");
    }
    // Without the order's token: 404, as if there were no order.
    let rb =
        s.t.client
            .post(format!("{}/api/v1/orders/{}/transfers", s.t.base, b.id))
            .header("x-order-token", &other.token)
            .json(&json!({"ticket_ids": [b.tickets[2]["id"]], "to_email": "bo@example.org"}));
    assert_eq!(s.t.send(rb).await.status, 404);
    // A pending order has nothing to transfer yet.
    let pending = s
        .t
        .post(
            &format!("/api/v1/events/{}/orders", s.event),
            &Auth::None,
            json!({"lines": [{"ticket_type_id": s.ticket_type, "quantity": 1}], "email": "pat@example.org", "name": "Pat"}),
        )
        .await;
    let p = Bought {
        id: pending.body["id"].as_str().unwrap().to_string(),
        token: pending.body["access_token"].as_str().unwrap().to_string(),
        tickets: vec![],
    };
    let r = s.offer(&p, json!({"ticket_ids": [b.tickets[2]["id"]], "to_email": "bo@example.org"}), None).await;
    assert_eq!(r.status, 422, "{r:?}");
    // Settings with bad values name the field and change nothing.
    for (body, field) in [
        (json!({"allowed": true, "cutoff_hours": -1, "max_per_ticket": 1}), "cutoff_hours"),
        (json!({"allowed": true, "cutoff_hours": 0, "max_per_ticket": 0}), "max_per_ticket"),
        (json!({"allowed": true, "cutoff_hours": 0, "max_per_ticket": 101}), "max_per_ticket"),
        (json!({"allowed": "yes", "cutoff_hours": 0, "max_per_ticket": 1}), "allowed"),
    ] {
        let r = s.t.put(&s.settings_path(), &s.owner, body.clone()).await;
        assert!(r.status == 422 || r.status == 400, "{body}: {r:?}");
        assert!(r.fields().iter().any(|f| f == field), "{field}: {r:?}");
    }
    let now = s.t.get(&s.settings_path(), &s.owner).await;
    assert_eq!(now.body, json!({"allowed": true, "cutoff_hours": 0, "max_per_ticket": 2, "name_changes": false}));
    // Another organization's event is not there.
    let (eve, eve_org) = s.t.organizer("eve@other.example.org", "other").await;
    let r = s.t.get(&format!("/api/v1/orgs/{eve_org}/events/{}/transfer-settings", s.event), &eve).await;
    assert_eq!(r.status, 404, "{r:?}");
    let r = s.t.get(&format!("/api/v1/orgs/{}/events/{}/transfer-settings", s.org, s.event), &eve).await;
    assert_eq!(r.status, 404, "{r:?}");
    let r = s.t.get(&format!("/api/v1/orgs/{}/orders/{}/transfers", s.org, b.id), &eve).await;
    assert_eq!(r.status, 404, "{r:?}");
    // Nothing at all was transferred or offered.
    assert!(s.transfers(&b).await.is_empty());
    assert_eq!(s.all_tickets(&b).await.len(), 3);
}

async fn transfers_switched_off_are_refused() {
    let s = setup().await;
    let b = s.buy(1, "ada@example.org").await;
    let offer = s.offer_ok(&b, &[&b.tickets[0]], "bo@example.org").await;
    let id = offer["id"].as_str().unwrap();
    let secret = s.secret(id).await;
    s.settings(json!({"allowed": false, "cutoff_hours": 0, "max_per_ticket": 2}), 200).await;
    let r = s.offer(&b, json!({"ticket_ids": [b.tickets[0]["id"]], "to_email": "cy@example.org"}), None).await;
    assert_eq!((r.status, r.code()), (409, "transfers_disabled"), "{r:?}");
    // A pending offer cannot be accepted while they are off.
    let r = s.accept(id, &secret, &Auth::None, json!({"name": "Bo"}), None).await;
    assert_eq!((r.status, r.code()), (409, "transfers_closed"), "{r:?}");
    assert_eq!(s.tickets(&b.id, &b.token).await[0]["status"], "valid");
    assert_eq!(s.transfers(&b).await[0]["state"], "pending");
    // An event that never had settings does not allow transfers.
    let venue = s.t.venue(&s.owner, &s.org, "Annex").await;
    let e = s.t.sellable_event(&s.owner, &s.org, &venue, "Other").await;
    let r =
        s.t.get(&format!("/api/v1/orgs/{}/events/{}/transfer-settings", s.org, e["id"].as_str().unwrap()), &s.owner)
            .await;
    assert_eq!(
        r.body,
        json!({"allowed": false, "cutoff_hours": 0, "max_per_ticket": 1, "name_changes": false}),
        "{r:?}"
    );
}

async fn two_racing_acceptances_issue_once() {
    let s = setup().await;
    for round in 0..4 {
        let b = s.buy(2, &format!("ada{round}@example.org")).await;
        let offer = s.offer_ok(&b, &[&b.tickets[0], &b.tickets[1]], "bo@example.org").await;
        let id = offer["id"].as_str().unwrap().to_string();
        let secret = s.secret(&id).await;
        let one = s.accept(&id, &secret, &Auth::None, json!({"name": "First"}), None);
        let two = s.accept(&id, &secret, &Auth::None, json!({"name": "Second"}), None);
        let (one, two) = tokio::join!(one, two);
        let mut statuses = [one.status, two.status];
        statuses.sort();
        assert_eq!(statuses, [201, 409], "{one:?} / {two:?}");
        let loser = if one.status == 409 { &one } else { &two };
        assert_eq!(loser.code(), "transfer_accepted", "{loser:?}");
        // Two old tickets, two new ones: nothing issued twice.
        let all = s.all_tickets(&b).await;
        assert_eq!(all.len(), 4, "{all:?}");
        assert_eq!(all.iter().filter(|t| t["status"] == "valid").count(), 2);
    }
}

async fn an_acceptance_racing_a_check_in_is_consistent() {
    let s = setup().await;
    // Transfers stay open until the doors, where scans happen.
    s.t.clock.set(s.starts.checked_sub(jiff::SignedDuration::from_hours(2)).unwrap());
    let (mut admitted, mut transferred) = (0, 0);
    for round in 0..8 {
        let b = s.buy(1, &format!("ada{round}@example.org")).await;
        let offer = s.offer_ok(&b, &[&b.tickets[0]], "bo@example.org").await;
        let id = offer["id"].as_str().unwrap().to_string();
        let secret = s.secret(&id).await;
        let code = code_of(&b.tickets[0]);
        let nonce = format!("race-{round}");
        let (acc, scan) =
            tokio::join!(s.accept(&id, &secret, &Auth::None, json!({"name": "Bo"}), None), s.scan(&code, &nonce));
        let all = s.all_tickets(&b).await;
        match (acc.status, scan.body["result"].as_str()) {
            (201, Some("revoked")) => {
                transferred += 1;
                assert_eq!(all.len(), 2);
            }
            (409, Some("valid")) => {
                admitted += 1;
                assert_eq!(acc.code(), "ticket_used", "{acc:?}");
                assert_eq!(all.len(), 1);
                assert_eq!(all[0]["status"], "valid");
                assert_eq!(s.transfers(&b).await[0]["state"], "pending");
            }
            other => panic!("inconsistent: {other:?}: {acc:?} / {scan:?}"),
        }
    }
    assert_eq!(admitted + transferred, 8);
}

async fn retries_with_one_idempotency_key_make_one_transfer() {
    let s = setup().await;
    let b = s.buy(1, "ada@example.org").await;
    let body = json!({"ticket_ids": [b.tickets[0]["id"]], "to_email": "bo@example.org"});
    let first = s.offer(&b, body.clone(), Some("offer-key-0000000001")).await;
    assert_eq!(first.status, 201, "{first:?}");
    let again = s.offer(&b, body.clone(), Some("offer-key-0000000001")).await;
    assert_eq!((again.status, &again.body["id"]), (201, &first.body["id"]), "{again:?}");
    assert_eq!(s.transfers(&b).await.len(), 1);
    // The same key with another body is refused.
    let other = s
        .offer(
            &b,
            json!({"ticket_ids": [b.tickets[0]["id"]], "to_email": "cy@example.org"}),
            Some("offer-key-0000000001"),
        )
        .await;
    assert_eq!(other.status, 422, "{other:?}");
    let id = first.body["id"].as_str().unwrap();
    let secret = s.secret(id).await;
    let key = "accept-key-000000000001";
    let a = s.accept(id, &secret, &Auth::None, json!({"name": "Bo"}), Some(key)).await;
    assert_eq!(a.status, 201, "{a:?}");
    let b2 = s.accept(id, &secret, &Auth::None, json!({"name": "Bo"}), Some(key)).await;
    assert_eq!((b2.status, &b2.body["tickets"][0]["id"]), (201, &a.body["tickets"][0]["id"]), "{b2:?}");
    assert_eq!(s.all_tickets(&b).await.len(), 2);
}

async fn both_e_mails_go_out_in_the_language_given() {
    let sink = tokio::task::spawn_blocking(tessera_mail::testing::SmtpSink::start).await.unwrap();
    let s = setup_with(AppConfig { smtp: Some(sink.config()), ..test_config() }).await;
    let b = s.buy(1, "ada@example.org").await;
    let r = s
        .offer(
            &b,
            json!({"ticket_ids": [b.tickets[0]["id"]], "to_email": "li@example.org", "to_name": "李雷",
                   "message": "Enjoy <b>the show</b>", "locale": "zh-CN"}),
            None,
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let id = r.body["id"].as_str().unwrap().to_string();
    let secret = s.secret(&id).await;
    let drain = || async {
        for _ in 0..20 {
            if s.t.app.run_outbox_once().await.unwrap() == 0 {
                break;
            }
        }
    };
    // The offer goes out while the transfer is pending (an accepted one's is dropped).
    drain().await;
    assert_eq!(s.accept(&id, &secret, &Auth::None, json!({"name": "李雷"}), None).await.status, 201);
    drain().await;
    let got = tokio::task::spawn_blocking(move || {
        // The order's confirmation, the offer, the acceptance.
        let got = sink.wait_for(3, Duration::from_secs(20));
        (got, sink)
    })
    .await
    .unwrap()
    .0;
    let to = |addr: &str, subject: &str| {
        got.iter()
            .filter(|m| m.rcpt_to.iter().any(|r| r == addr))
            .map(|m| mail_parser::MessageParser::default().parse(&m.raw).unwrap())
            .find(|m| m.subject().unwrap_or("").contains(subject))
            .unwrap_or_else(|| panic!("a mail to {addr} about {subject}"))
    };
    let offer = to("li@example.org", "转让");
    assert!(offer.subject().unwrap_or("").contains("转让"), "{:?}", offer.subject());
    let text = offer.body_text(0).unwrap().to_string();
    assert!(text.contains(&format!("/transfers/{id}/{secret}")), "{text}");
    let html = offer.body_html(0).unwrap().to_string();
    assert!(!html.contains("<b>the show</b>"), "the message is escaped: {html}");
    let accepted = to("ada@example.org", "accepted");
    assert!(accepted.subject().unwrap_or("").contains("accepted"), "{:?}", accepted.subject());
    assert!(accepted.body_text(0).unwrap().contains("李雷"));
}

async fn holders_change_the_name_on_a_ticket_where_allowed() {
    let s = setup().await;
    let b = s.buy(2, "ada@example.org").await;
    let rename = |ticket: &Value, name: &str, token: Option<&str>| {
        let mut rb =
            s.t.client
                .post(format!("{}/api/v1/orders/{}/tickets/{}/holder", s.t.base, b.id, ticket["id"].as_str().unwrap()))
                .json(&json!({"holder_name": name}));
        if let Some(t) = token {
            rb = rb.header("x-order-token", t);
        }
        s.t.send(rb)
    };
    let first = b.tickets[0].clone();
    // Off unless the organizer allows it.
    let r = rename(&first, "Bo Renamed", Some(&b.token)).await;
    assert_eq!((r.status, r.code()), (409, "name_changes_disabled"), "{r:?}");
    s.settings(json!({"allowed": true, "cutoff_hours": 0, "max_per_ticket": 2, "name_changes": true}), 200).await;
    let got = s.t.get(&s.settings_path(), &s.owner).await;
    assert_eq!(got.body["name_changes"], true, "{got:?}");
    // Bad input and strangers change nothing.
    let r = rename(&first, "   ", Some(&b.token)).await;
    assert_eq!((r.status, r.fields()), (422, vec!["holder_name".to_string()]), "{r:?}");
    assert_eq!(rename(&first, "Eve", None).await.status, 404);
    assert_eq!(rename(&first, "Eve", Some("wrong")).await.status, 404);
    assert_eq!(s.tickets(&b.id, &b.token).await[0]["status"], "valid");

    let r = rename(&first, "Bo Renamed", Some(&b.token)).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["holder_name"], "Bo Renamed");
    assert_ne!(r.body["id"], first["id"]);
    let new_code = code_of(&r.body);
    assert_ne!(new_code, code_of(&first));
    let mine = s.tickets(&b.id, &b.token).await;
    let old = mine.iter().find(|t| t["id"] == first["id"]).unwrap();
    assert_eq!((old["status"].as_str(), old["void_reason"].as_str()), (Some("void"), Some("renamed")));
    assert_eq!(old["replaced_by"], r.body["id"]);
    // The renamed ticket again: void now.
    let again = rename(&first, "Cy", Some(&b.token)).await;
    assert_eq!((again.status, again.code()), (409, "ticket_void"), "{again:?}");
    // A ticket offered by a pending transfer keeps its name.
    let offered = s.offer_ok(&b, &[&b.tickets[1]], "dee@example.org").await;
    let r = rename(&b.tickets[1], "Dee", Some(&b.token)).await;
    assert_eq!((r.status, r.code()), (409, "ticket_offered"), "{r:?}");
    assert_eq!(s.cancel(&b, offered["id"].as_str().unwrap()).await.status, 200);
    // The history says so.
    let order = s.t.get(&format!("/api/v1/orgs/{}/orders/{}", s.org, b.id), &s.owner).await;
    let notes: Vec<&str> =
        order.body["history"].as_array().unwrap().iter().filter_map(|h| h["note"].as_str()).collect();
    assert!(notes.iter().any(|n| n.contains("re-issued for Bo Renamed")), "{notes:?}");
    // At the gate the old code is refused, the new one admits.
    s.t.clock.set(s.starts);
    let r = s.scan(&code_of(&first), "old-name").await;
    assert_eq!(r.body["result"], "revoked", "{r:?}");
    let r = s.scan(&new_code, "new-name").await;
    assert_eq!(r.body["result"], "valid", "{r:?}");
    // Past the cutoff, names are fixed.
    let r = rename(&b.tickets[1], "Dee", Some(&b.token)).await;
    assert_eq!((r.status, r.code()), (409, "name_changes_closed"), "{r:?}");
}
