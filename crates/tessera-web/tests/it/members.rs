//! Memberships over HTTP, on SQLite and PostgreSQL: plans and cards with
//! bad input naming each field, who may do what (a scanner checks a card,
//! staff issue and void, a stranger gets 404), members-only ticket types
//! and member prices decided in the reservation, a membership and gift
//! cards sold as products (issued when the order is paid, no tickets, the
//! cards in the buyer's account and in the e-mail's data), refunds of gift
//! cards stopping at what was spent, and a product that cannot change once
//! its type has orders.

use crate::helpers::*;
use serde_json::{Value, json};

crate::on_both_backends!(
    plans_and_cards_with_bad_input_and_roles,
    members_only_types_and_member_prices_follow_a_membership_bought_as_a_product,
    gift_cards_sold_as_a_product_refund_only_what_is_unspent,
    products_cannot_change_once_sold_and_plans_must_be_the_organizations,
);

struct Club {
    t: TestApp,
    owner: Auth,
    org: String,
    event: String,
    house: String,
}

async fn club() -> Club {
    let t = spawn_app_on(&DB.with(Clone::clone), test_config(), tessera_web::WebConfig::default()).await;
    let (owner, org) = t.organizer("owner@example.org", "club").await;
    let venue = t.venue(&owner, &org, "Hall").await;
    let e = t.post(&format!("/api/v1/orgs/{org}/events"), &owner, event_body(&venue, "Gala", 20)).await;
    assert_eq!(e.status, 201, "{e:?}");
    let event = e.body["id"].as_str().unwrap().to_string();
    let q = t
        .post(&format!("/api/v1/orgs/{org}/events/{event}/quotas"), &owner, json!({"name": "House", "capacity": 100}))
        .await;
    let house = q.body["id"].as_str().unwrap().to_string();
    Club { t, owner, org, event, house }
}

impl Club {
    async fn ticket_type(&self, name: &str, price: i64) -> String {
        let r = self
            .t
            .post(
                &format!("/api/v1/orgs/{}/events/{}/ticket-types", self.org, self.event),
                &self.owner,
                json!({"name": name, "price_minor": price, "currency": "EUR", "max_per_order": 5, "quota_ids": [self.house]}),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        r.body["id"].as_str().unwrap().to_string()
    }

    async fn publish(&self) {
        let r = self
            .t
            .post(&format!("/api/v1/orgs/{}/events/{}/publish", self.org, self.event), &self.owner, json!({}))
            .await;
        assert_eq!(r.status, 200, "{r:?}");
    }

    async fn plan(&self, name: &str) -> String {
        let r = self
            .t
            .post(
                &format!("/api/v1/orgs/{}/member-plans", self.org),
                &self.owner,
                json!({"name": name, "validity_days": 365}),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        r.body["id"].as_str().unwrap().to_string()
    }

    async fn order(&self, who: &Auth, lines: Value) -> Res {
        self.t
            .post(
                &format!("/api/v1/events/{}/orders", self.event),
                who,
                json!({"lines": lines, "email": "ada@example.org", "name": "Ada"}),
            )
            .await
    }

    async fn paid(&self, who: &Auth, lines: Value) -> Value {
        let r = self.order(who, lines).await;
        assert_eq!(r.status, 201, "{r:?}");
        let id = r.body["id"].as_str().unwrap();
        let p = self.t.post(&format!("/api/v1/orgs/{}/orders/{id}/mark-paid", self.org), &self.owner, json!({})).await;
        assert_eq!(p.status, 200, "{p:?}");
        p.body
    }
}

async fn plans_and_cards_with_bad_input_and_roles() {
    let c = club().await;
    let (t, org) = (&c.t, &c.org);
    // Bad input names each field; nothing is created.
    let r =
        t.post(&format!("/api/v1/orgs/{org}/member-plans"), &c.owner, json!({"name": " ", "validity_days": 0})).await;
    assert_eq!((r.status, r.fields()), (422, vec!["name".to_string(), "validity_days".to_string()]), "{r:?}");
    let plan = c.plan("Friends").await;
    let again = t
        .post(&format!("/api/v1/orgs/{org}/member-plans"), &c.owner, json!({"name": "Friends", "validity_days": 30}))
        .await;
    assert_eq!(again.status, 409, "{again:?}");
    let edit = t
        .put(
            &format!("/api/v1/orgs/{org}/member-plans/{plan}"),
            &c.owner,
            json!({"name": "Friends+", "validity_days": 30}),
        )
        .await;
    assert_eq!((edit.status, edit.body["validity_days"].as_i64()), (200, Some(30)), "{edit:?}");
    let bad = t
        .post(
            &format!("/api/v1/orgs/{org}/member-cards"),
            &c.owner,
            json!({"plan_id": plan, "email": "nope", "holder_name": ""}),
        )
        .await;
    assert_eq!((bad.status, bad.fields()), (422, vec!["email".to_string(), "holder_name".to_string()]), "{bad:?}");
    let stray = t
        .post(
            &format!("/api/v1/orgs/{org}/member-cards"),
            &c.owner,
            json!({"plan_id": uuid::Uuid::now_v7(), "email": "x@example.org", "holder_name": "X"}),
        )
        .await;
    assert_eq!((stray.status, stray.fields()), (422, vec!["plan_id".to_string()]), "{stray:?}");
    let cards = t.get(&format!("/api/v1/orgs/{org}/member-cards"), &c.owner).await;
    assert_eq!(cards.body.as_array().unwrap().len(), 0, "{cards:?}");
    // Staff issue a card; it lasts the plan's 30 days.
    let staff = t.register("staff@example.org").await;
    let add = t
        .post(&format!("/api/v1/orgs/{org}/members"), &c.owner, json!({"email": "staff@example.org", "role": "staff"}))
        .await;
    assert_eq!(add.status, 200, "{add:?}");
    let staff = Auth::Session(staff);
    let card = t
        .post(
            &format!("/api/v1/orgs/{org}/member-cards"),
            &staff,
            json!({"plan_id": plan, "email": "Grace@Example.org", "holder_name": "Grace Hopper"}),
        )
        .await;
    assert_eq!(card.status, 201, "{card:?}");
    assert_eq!(card.body["status"], "valid");
    assert_eq!(card.body["card"]["email"], "grace@example.org");
    let code = card.body["card"]["code"].as_str().unwrap().to_string();
    assert!(code.starts_with("MEMB-"), "{code}");
    let from = jiff::Timestamp::from_str(card.body["card"]["valid_from"].as_str().unwrap()).unwrap();
    let until = jiff::Timestamp::from_str(card.body["card"]["valid_until"].as_str().unwrap()).unwrap();
    assert_eq!(until.duration_since(from).as_hours(), 30 * 24);
    // A scanner checks it (any case, no dashes); a typo is caught before any lookup.
    let scanner = t.register("door@example.org").await;
    let add = t
        .post(&format!("/api/v1/orgs/{org}/members"), &c.owner, json!({"email": "door@example.org", "role": "scanner"}))
        .await;
    assert_eq!(add.status, 200, "{add:?}");
    let scanner = Auth::Session(scanner);
    let typed = code.to_lowercase().replace('-', "");
    let check = t.post(&format!("/api/v1/orgs/{org}/member-cards/check"), &scanner, json!({"code": typed})).await;
    assert_eq!((check.status, check.body["status"].as_str()), (200, Some("valid")), "{check:?}");
    assert_eq!(check.body["card"]["holder_name"], "Grace Hopper");
    let mut typo = code.clone().into_bytes();
    let last = typo.len() - 1;
    typo[last] = if typo[last] == b'A' { b'B' } else { b'A' };
    let typo = String::from_utf8(typo).unwrap();
    let r = t.post(&format!("/api/v1/orgs/{org}/member-cards/check"), &scanner, json!({"code": typo})).await;
    assert_eq!((r.status, r.fields()), (422, vec!["code".to_string()]), "{r:?}");
    // A scanner may not issue or void; a stranger sees nothing; anonymous must sign in.
    let id = card.body["card"]["id"].as_str().unwrap();
    let r = t.post(&format!("/api/v1/orgs/{org}/member-cards/{id}/void"), &scanner, json!({})).await;
    assert_eq!(r.status, 403, "{r:?}");
    let (stranger, _) = t.organizer("boss@example.org", "other").await;
    let r = t.post(&format!("/api/v1/orgs/{org}/member-cards/check"), &stranger, json!({"code": code})).await;
    assert_eq!(r.status, 404, "{r:?}");
    let r = t.post(&format!("/api/v1/orgs/{org}/member-cards/{id}/void"), &stranger, json!({})).await;
    assert_eq!(r.status, 404, "{r:?}");
    let r = t
        .put(&format!("/api/v1/orgs/{org}/member-plans/{plan}"), &staff, json!({"name": "X", "validity_days": 1}))
        .await;
    assert_eq!(r.status, 403, "{r:?}");
    let r = t.get(&format!("/api/v1/orgs/{org}/member-cards"), &Auth::None).await;
    assert_eq!(r.status, 401, "{r:?}");
    // Staff void it: the scanner says so; the list finds it by name.
    let v = t.post(&format!("/api/v1/orgs/{org}/member-cards/{id}/void"), &staff, json!({})).await;
    assert_eq!((v.status, v.body["status"].as_str()), (200, Some("void")), "{v:?}");
    let check = t.post(&format!("/api/v1/orgs/{org}/member-cards/check"), &scanner, json!({"code": code})).await;
    assert_eq!(check.body["status"], "void", "{check:?}");
    let found = t.get(&format!("/api/v1/orgs/{org}/member-cards?q=hopper"), &staff).await;
    assert_eq!(found.body.as_array().unwrap().len(), 1, "{found:?}");
    let none = t.get(&format!("/api/v1/orgs/{org}/member-cards?q=lovelace"), &staff).await;
    assert_eq!(none.body.as_array().unwrap().len(), 0, "{none:?}");
    let plans = t.get(&format!("/api/v1/orgs/{org}/member-plans"), &staff).await;
    assert_eq!((plans.body[0]["active_cards"].as_i64(), plans.body[0]["total_cards"].as_i64()), (Some(0), Some(1)));
}

use std::str::FromStr;

async fn members_only_types_and_member_prices_follow_a_membership_bought_as_a_product() {
    let c = club().await;
    let (t, org) = (&c.t, &c.org);
    let plan = c.plan("Friends").await;
    let lounge = c.ticket_type("Lounge", 3000).await;
    let stalls = c.ticket_type("Stalls", 2000).await;
    let membership = c.ticket_type("Friends membership", 4000).await;
    let rule = t
        .put(
            &format!("/api/v1/orgs/{org}/ticket-types/{lounge}/member-rule"),
            &c.owner,
            json!({"plan_id": plan, "members_only": true}),
        )
        .await;
    assert_eq!(rule.status, 200, "{rule:?}");
    let empty = t.put(&format!("/api/v1/orgs/{org}/ticket-types/{stalls}/member-rule"), &c.owner, json!({})).await;
    assert_eq!((empty.status, empty.fields()), (422, vec!["members_only".to_string()]), "{empty:?}");
    let price = t
        .put(
            &format!("/api/v1/orgs/{org}/ticket-types/{stalls}/member-rule"),
            &c.owner,
            json!({"member_price_minor": 1500}),
        )
        .await;
    assert_eq!(price.status, 200, "{price:?}");
    let product = t
        .put(
            &format!("/api/v1/orgs/{org}/ticket-types/{membership}/product"),
            &c.owner,
            json!({"kind": "membership", "plan_id": plan}),
        )
        .await;
    assert_eq!((product.status, &product.body["product"]["kind"]), (200, &json!("membership")), "{product:?}");
    c.publish().await;
    let ada = Auth::Session(t.register("ada@example.org").await);
    // Not a member: the lounge is refused naming its line, nothing is held;
    // the stalls sell at the usual price; guests too.
    let r = c
        .order(&ada, json!([{"ticket_type_id": stalls, "quantity": 1}, {"ticket_type_id": lounge, "quantity": 1}]))
        .await;
    assert_eq!(
        (r.status, r.code(), r.fields()),
        (422, "members_only", vec!["lines[1].ticket_type_id".to_string()]),
        "{r:?}"
    );
    let r = c.order(&Auth::None, json!([{"ticket_type_id": lounge, "quantity": 1}])).await;
    assert_eq!(r.code(), "members_only", "{r:?}");
    let r = c.order(&ada, json!([{"ticket_type_id": stalls, "quantity": 1}])).await;
    assert_eq!(r.body["total"]["amount_minor"], 2000, "{r:?}");
    // Ada buys the membership: paid, it issues her card and no ticket.
    let order = c.paid(&ada, json!([{"ticket_type_id": membership, "quantity": 1}])).await;
    assert_eq!(order["state"], "paid");
    assert_eq!(order["tickets"].as_array().unwrap().len(), 0, "{order}");
    let mine = t.get("/api/v1/me/member-cards", &ada).await;
    assert_eq!(mine.status, 200, "{mine:?}");
    let cards = mine.body.as_array().unwrap();
    assert_eq!(cards.len(), 1, "{mine:?}");
    assert_eq!((cards[0]["status"].as_str(), cards[0]["card"]["plan_name"].as_str()), (Some("valid"), Some("Friends")));
    assert_eq!(cards[0]["card"]["order_id"], order["id"]);
    let check = t
        .post(&format!("/api/v1/orgs/{org}/member-cards/check"), &c.owner, json!({"code": cards[0]["card"]["code"]}))
        .await;
    assert_eq!(check.body["status"], "valid", "{check:?}");
    // Now a member: the lounge sells, the stalls at the member price.
    let r = c
        .order(&ada, json!([{"ticket_type_id": lounge, "quantity": 1}, {"ticket_type_id": stalls, "quantity": 2}]))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let prices: Vec<i64> =
        r.body["lines"].as_array().unwrap().iter().map(|l| l["unit_price"]["amount_minor"].as_i64().unwrap()).collect();
    assert_eq!(prices, vec![3000, 1500], "{r:?}");
    // The same person as a guest is not (yet) a member: the card needs the account.
    let r = c.order(&Auth::None, json!([{"ticket_type_id": stalls, "quantity": 1}])).await;
    assert_eq!(r.body["total"]["amount_minor"], 2000, "{r:?}");
    // A full refund of the membership voids the card.
    let id = order["id"].as_str().unwrap();
    let back =
        t.post(&format!("/api/v1/orgs/{org}/orders/{id}/refunds"), &c.owner, json!({"reason": "changed mind"})).await;
    assert!(back.status == 200 || back.status == 201, "{back:?}");
    let mine = t.get("/api/v1/me/member-cards", &ada).await;
    assert_eq!(mine.body[0]["status"], "void", "{mine:?}");
    let r = c.order(&ada, json!([{"ticket_type_id": lounge, "quantity": 1}])).await;
    assert_eq!(r.code(), "members_only", "{r:?}");
}

async fn gift_cards_sold_as_a_product_refund_only_what_is_unspent() {
    let c = club().await;
    let (t, org) = (&c.t, &c.org);
    let gift = c.ticket_type("Gift card 50", 5000).await;
    let r =
        t.put(&format!("/api/v1/orgs/{org}/ticket-types/{gift}/product"), &c.owner, json!({"kind": "gift_card"})).await;
    assert_eq!(r.status, 200, "{r:?}");
    c.publish().await;
    let order = c.paid(&Auth::None, json!([{"ticket_type_id": gift, "quantity": 2}])).await;
    assert_eq!(order["tickets"].as_array().unwrap().len(), 0, "{order}");
    let id = order["id"].as_str().unwrap().to_string();
    let (cards, _) = t.store.order_products(&id).await.unwrap();
    assert_eq!(cards.len(), 2);
    assert!(cards.iter().all(|k| k.initial.amount_minor == 5000 && k.balance.amount_minor == 5000));
    // 30.00 of the first card is spent at a counter.
    let spend = t
        .post(
            &format!("/api/v1/orgs/{org}/gift-cards/redeem"),
            &c.owner,
            json!({"code": cards[0].code, "amount_minor": 3000}),
        )
        .await;
    assert_eq!(spend.status, 200, "{spend:?}");
    // The whole 100.00 cannot come back: 70.00 at most, nothing changes.
    let all = t.post(&format!("/api/v1/orgs/{org}/orders/{id}/refunds"), &c.owner, json!({})).await;
    assert_eq!((all.status, all.fields()), (422, vec!["amount_minor".to_string()]), "{all:?}");
    let too_much =
        t.post(&format!("/api/v1/orgs/{org}/orders/{id}/refunds"), &c.owner, json!({"amount_minor": 7001})).await;
    assert_eq!(too_much.status, 422, "{too_much:?}");
    let (cards_now, _) = t.store.order_products(&id).await.unwrap();
    assert_eq!(cards_now.iter().map(|k| k.balance.amount_minor).sum::<i64>(), 7000);
    // 70.00 comes back, taken off the cards' balances first.
    let back =
        t.post(&format!("/api/v1/orgs/{org}/orders/{id}/refunds"), &c.owner, json!({"amount_minor": 7000})).await;
    assert!(back.status == 200 || back.status == 201, "{back:?}");
    let (cards_now, _) = t.store.order_products(&id).await.unwrap();
    assert_eq!(cards_now.iter().map(|k| k.balance.amount_minor).sum::<i64>(), 0);
    // Every ledger transaction of the order balances; in the order's books
    // the cards' liability is what the counter took (its own transaction):
    // issued 100.00, taken back 70.00.
    let m = t.get(&format!("/api/v1/orgs/{org}/orders/{id}/money"), &c.owner).await;
    assert_eq!(m.status, 200, "{m:?}");
    let mut by_txn = std::collections::BTreeMap::<String, i64>::new();
    let mut liability = 0;
    for e in m.body["ledger"].as_array().unwrap() {
        let a = e["amount"]["amount_minor"].as_i64().unwrap();
        *by_txn.entry(e["txn_id"].as_str().unwrap().into()).or_default() += a;
        if e["account"].as_str().unwrap().ends_with(":gift_cards") {
            liability += a;
        }
    }
    assert!(by_txn.values().all(|s| *s == 0), "unbalanced: {by_txn:?}");
    assert_eq!(liability, -(10000 - 7000), "{m:?}");
}

async fn products_cannot_change_once_sold_and_plans_must_be_the_organizations() {
    let c = club().await;
    let (t, org) = (&c.t, &c.org);
    let tt = c.ticket_type("GA", 2500).await;
    let free = c.ticket_type("Free", 0).await;
    // Another organization's plan, and bad kinds, name their field.
    let (other, other_org) = t.organizer("boss@example.org", "other").await;
    let foreign = t
        .post(&format!("/api/v1/orgs/{other_org}/member-plans"), &other, json!({"name": "Theirs", "validity_days": 10}))
        .await;
    let foreign = foreign.body["id"].as_str().unwrap().to_string();
    let r = t
        .put(
            &format!("/api/v1/orgs/{org}/ticket-types/{tt}/product"),
            &c.owner,
            json!({"kind": "membership", "plan_id": foreign}),
        )
        .await;
    assert_eq!((r.status, r.fields()), (422, vec!["plan_id".to_string()]), "{r:?}");
    let r =
        t.put(&format!("/api/v1/orgs/{org}/ticket-types/{tt}/product"), &c.owner, json!({"kind": "membership"})).await;
    assert_eq!((r.status, r.fields()), (422, vec!["plan_id".to_string()]), "{r:?}");
    let r = t.put(&format!("/api/v1/orgs/{org}/ticket-types/{tt}/product"), &c.owner, json!({"kind": "voucher"})).await;
    assert_eq!(r.status, 422, "{r:?}");
    let r =
        t.put(&format!("/api/v1/orgs/{org}/ticket-types/{free}/product"), &c.owner, json!({"kind": "gift_card"})).await;
    assert_eq!((r.status, r.fields()), (422, vec!["kind".to_string()]), "{r:?}");
    let r = t
        .put(
            &format!("/api/v1/orgs/{org}/ticket-types/{tt}/member-rule"),
            &c.owner,
            json!({"plan_id": foreign, "members_only": true}),
        )
        .await;
    assert_eq!((r.status, r.fields()), (422, vec!["plan_id".to_string()]), "{r:?}");
    // Once the type has an order, what it sells stays.
    c.publish().await;
    c.paid(&Auth::None, json!([{"ticket_type_id": tt, "quantity": 1}])).await;
    let r =
        t.put(&format!("/api/v1/orgs/{org}/ticket-types/{tt}/product"), &c.owner, json!({"kind": "gift_card"})).await;
    assert_eq!((r.status, r.code()), (409, "product_has_orders"), "{r:?}");
    let r = t.get(&format!("/api/v1/orgs/{org}/ticket-types/{tt}/membership"), &c.owner).await;
    assert_eq!(r.body, json!({"member_rule": null, "product": null}), "{r:?}");
    // Removing what is not there is fine.
    let r =
        t.req(reqwest::Method::DELETE, &format!("/api/v1/orgs/{org}/ticket-types/{tt}/product"), &c.owner, None).await;
    assert_eq!(r.status, 200, "{r:?}");
}
