//! Storage cases, each a function of a fresh, migrated store.

use jiff::{SignedDuration, Timestamp};
use tessera_domain::account::{Email, Organization, User};
use tessera_domain::catalog::{Category, Event, EventStatus, Quota, TicketType, TimeZoneName, Venue, Visibility};
use tessera_domain::checkin::{CheckinList, Direction, EntryPolicy, Gate, ScanResult};
use tessera_domain::{CheckinListId, GateId, ScanId};
use tessera_domain::{Currency, EventId, Money, OrgId, QuotaId, Role, TicketTypeId, TokenId, UserId, VenueId};
use tessera_store::{EventFilter, NewScan, NewUser, SigningKeyRecord, Store, StoreError, migration_list};

fn now() -> Timestamp {
    // Whole microseconds: what the store keeps.
    Timestamp::from_microsecond(Timestamp::now().as_microsecond()).unwrap()
}

fn later(t: Timestamp, hours: i64) -> Timestamp {
    t.checked_add(SignedDuration::from_hours(hours)).unwrap()
}

async fn user(store: &Store, email: &str) -> User {
    store
        .create_user(NewUser {
            id: UserId::new(),
            email: Email::parse(email).unwrap(),
            name: "Test User".into(),
            password_hash: "not-a-real-hash".into(),
            is_platform_admin: false,
            created_at: now(),
        })
        .await
        .unwrap()
}

async fn org(store: &Store, slug: &str, owner: UserId) -> Organization {
    let o = Organization {
        id: OrgId::new(),
        slug: slug.into(),
        name: slug.to_uppercase(),
        require_two_factor: false,
        created_at: now(),
    };
    store.create_org(&o, owner).await.unwrap();
    o
}

fn venue_in(org: OrgId, name: &str) -> Venue {
    Venue {
        id: VenueId::new(),
        org_id: org,
        name: name.into(),
        address: "1 Main St".into(),
        timezone: TimeZoneName::parse("Asia/Shanghai").unwrap(),
        capacity: 500,
        created_at: now(),
    }
}

fn event_at(org: OrgId, venue: VenueId, title: &str, starts_at: Timestamp, status: EventStatus) -> Event {
    Event {
        id: EventId::new(),
        org_id: org,
        venue_id: venue,
        title: title.into(),
        description: format!("About {title}"),
        category: Category::Concert,
        image_urls: vec!["https://example.org/a.png".into()],
        starts_at,
        ends_at: later(starts_at, 3),
        status,
        sales_start: None,
        sales_end: None,
        max_tickets_per_customer: None,
        created_at: now(),
        updated_at: now(),
    }
}

fn ticket_type(e: &Event, name: &str, currency: &str, quotas: Vec<QuotaId>) -> TicketType {
    TicketType {
        id: TicketTypeId::new(),
        event_id: e.id,
        org_id: e.org_id,
        name: name.into(),
        description: String::new(),
        price: Money::new(2500, Currency::parse(currency).unwrap()),
        sales_start: None,
        sales_end: None,
        min_per_order: 1,
        max_per_order: 10,
        visibility: Visibility::Public,
        access_code: None,
        quota_ids: quotas,
        created_at: now(),
    }
}

fn quota(e: &Event, name: &str, capacity: i64, types: Vec<TicketTypeId>) -> Quota {
    Quota {
        id: QuotaId::new(),
        event_id: e.id,
        org_id: e.org_id,
        name: name.into(),
        capacity,
        sold: 0,
        held: 0,
        ticket_type_ids: types,
        created_at: now(),
    }
}

fn invalid_field(r: Result<(), StoreError>) -> String {
    match r {
        Err(StoreError::Invalid(v)) => v.fields[0].field.clone(),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

pub async fn migrations_are_all_applied(store: Store) {
    let expected: Vec<i64> = migration_list(store.backend()).into_iter().map(|m| m.0).collect();
    assert_eq!(store.applied_migrations().await.unwrap(), expected);
    // Migrating again is a no-op.
    store.migrate().await.unwrap();
    assert_eq!(store.applied_migrations().await.unwrap(), expected);
    store.ping().await.unwrap();
}

pub async fn users_are_unique_by_email(store: Store) {
    let u = user(&store, "ann@example.org").await;
    let again = store
        .create_user(NewUser {
            id: UserId::new(),
            email: Email::parse("ANN@example.org").unwrap(),
            name: "Other".into(),
            password_hash: "x".into(),
            is_platform_admin: false,
            created_at: now(),
        })
        .await;
    assert!(matches!(again, Err(StoreError::Conflict { ref field, .. }) if field == "email"), "{again:?}");
    let auth = store.user_auth_by_email(&Email::parse("ann@example.org").unwrap()).await.unwrap().unwrap();
    assert_eq!(auth.user, u);
    assert_eq!(auth.password_hash, "not-a-real-hash");
    assert!(store.user_by_email(&Email::parse("bob@example.org").unwrap()).await.unwrap().is_none());
    store.set_platform_admin(u.id, true).await.unwrap();
    assert!(store.user_auth(u.id).await.unwrap().unwrap().user.is_platform_admin);
    assert!(matches!(store.set_platform_admin(UserId::new(), true).await, Err(StoreError::NotFound)));
    assert_eq!(store.list_users(10, 0).await.unwrap().len(), 1);
}

pub async fn totp_steps_are_single_use(store: Store) {
    let u = user(&store, "ann@example.org").await;
    store.set_totp(u.id, Some("JBSWY3DPEHPK3PXP".into()), true).await.unwrap();
    let auth = store.user_auth(u.id).await.unwrap().unwrap();
    assert!(auth.user.totp_enabled);
    assert_eq!(auth.totp_secret.as_deref(), Some("JBSWY3DPEHPK3PXP"));
    assert!(store.consume_totp_step(u.id, 100).await.unwrap());
    assert!(!store.consume_totp_step(u.id, 100).await.unwrap(), "a step is used once");
    assert!(!store.consume_totp_step(u.id, 99).await.unwrap(), "no going back");
    assert!(store.consume_totp_step(u.id, 101).await.unwrap());
    // Ten concurrent uses of one step: exactly one wins.
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move { s.consume_totp_step(u.id, 200).await.unwrap() }));
    }
    let mut wins = 0;
    for t in tasks {
        wins += usize::from(t.await.unwrap());
    }
    assert_eq!(wins, 1);
}

pub async fn sessions_expire(store: Store) {
    let u = user(&store, "ann@example.org").await;
    let t0 = now();
    store.create_session("h1", u.id, "csrf1", t0, later(t0, 1)).await.unwrap();
    store.create_session("h2", u.id, "csrf2", t0, later(t0, 5)).await.unwrap();
    let s = store.session("h1", t0).await.unwrap().unwrap();
    assert_eq!((s.user.id, s.csrf_token.as_str()), (u.id, "csrf1"));
    assert!(store.session("h1", later(t0, 2)).await.unwrap().is_none(), "expired sessions are not returned");
    assert_eq!(store.delete_expired_sessions(later(t0, 2)).await.unwrap(), 1);
    assert!(store.session("h2", later(t0, 2)).await.unwrap().is_some());
    store.delete_session("h2").await.unwrap();
    assert!(store.session("h2", t0).await.unwrap().is_none());
    assert!(store.session("nope", t0).await.unwrap().is_none());
}

pub async fn organizations_keep_an_owner(store: Store) {
    let ann = user(&store, "ann@example.org").await;
    let bob = user(&store, "bob@example.org").await;
    let o = org(&store, "acme", ann.id).await;
    let dup = store.create_org(&Organization { id: OrgId::new(), ..o.clone() }, bob.id).await;
    assert!(matches!(dup, Err(StoreError::Conflict { ref field, .. }) if field == "slug"), "{dup:?}");
    assert_eq!(store.membership(o.id, ann.id).await.unwrap().unwrap().1, Role::Owner);
    assert!(store.membership(o.id, bob.id).await.unwrap().is_none());
    // The only owner cannot step down or leave.
    let r = store.set_membership(o.id, ann.id, Some(Role::Admin), now()).await;
    assert!(matches!(r, Err(StoreError::Conflict { .. })), "{r:?}");
    assert!(matches!(store.set_membership(o.id, ann.id, None, now()).await, Err(StoreError::Conflict { .. })));
    store.set_membership(o.id, bob.id, Some(Role::Staff), now()).await.unwrap();
    store.set_membership(o.id, bob.id, Some(Role::Owner), now()).await.unwrap();
    store.set_membership(o.id, ann.id, Some(Role::Scanner), now()).await.unwrap();
    let members = store.members(o.id).await.unwrap();
    let roles: Vec<(UserId, Role)> = members.iter().map(|m| (m.user_id, m.role)).collect();
    assert_eq!(roles, vec![(ann.id, Role::Scanner), (bob.id, Role::Owner)]);
    store.set_membership(o.id, ann.id, None, now()).await.unwrap();
    assert!(matches!(store.set_membership(o.id, ann.id, None, now()).await, Err(StoreError::NotFound)));
    assert_eq!(store.orgs_of_user(bob.id).await.unwrap().len(), 1);
    assert!(store.orgs_of_user(ann.id).await.unwrap().is_empty());
    let mut changed = o.clone();
    changed.name = "Acme Events".into();
    changed.require_two_factor = true;
    store.update_org(&changed).await.unwrap();
    assert_eq!(store.org(o.id).await.unwrap().unwrap(), changed);
}

pub async fn concurrent_demotions_keep_an_owner(store: Store) {
    // Two owners demote each other at the same instant: one must remain.
    for round in 0..5 {
        let a = user(&store, &format!("a{round}@example.org")).await;
        let b = user(&store, &format!("b{round}@example.org")).await;
        let o = org(&store, &format!("race-{round}"), a.id).await;
        store.set_membership(o.id, b.id, Some(Role::Owner), now()).await.unwrap();
        let (s1, s2) = (store.clone(), store.clone());
        let t1 = tokio::spawn(async move { s1.set_membership(o.id, a.id, Some(Role::Admin), now()).await });
        let t2 = tokio::spawn(async move { s2.set_membership(o.id, b.id, Some(Role::Admin), now()).await });
        let (r1, r2) = (t1.await.unwrap(), t2.await.unwrap());
        assert!(r1.is_ok() || r2.is_ok(), "one demotion may go through: {r1:?} {r2:?}");
        let owners = store.members(o.id).await.unwrap().into_iter().filter(|m| m.role == Role::Owner).count();
        assert_eq!(owners, 1, "round {round}: {r1:?} {r2:?}");
    }
}

pub async fn tokens_are_scoped_and_revocable(store: Store) {
    let ann = user(&store, "ann@example.org").await;
    let a = org(&store, "alpha", ann.id).await;
    let b = org(&store, "beta", ann.id).await;
    let t0 = now();
    let token = tessera_domain::account::ApiToken {
        id: TokenId::new(),
        org_id: a.id,
        name: "ci".into(),
        role: Role::Staff,
        prefix: "tsr_abcd".into(),
        created_by: ann.id,
        created_at: t0,
        expires_at: Some(later(t0, 24)),
        revoked_at: None,
        last_used_at: None,
    };
    store.create_token(&token, "hash-1").await.unwrap();
    assert_eq!(store.token_by_hash("hash-1").await.unwrap().unwrap(), token);
    assert!(store.token_by_hash("hash-2").await.unwrap().is_none());
    store.touch_token(token.id, t0).await.unwrap();
    assert_eq!(store.token_by_hash("hash-1").await.unwrap().unwrap().last_used_at, Some(t0));
    assert_eq!(store.tokens(a.id).await.unwrap().len(), 1);
    assert!(store.tokens(b.id).await.unwrap().is_empty());
    assert!(matches!(store.revoke_token(b.id, token.id, t0).await, Err(StoreError::NotFound)), "not across orgs");
    store.revoke_token(a.id, token.id, t0).await.unwrap();
    store.revoke_token(a.id, token.id, later(t0, 1)).await.unwrap();
    assert_eq!(store.token_by_hash("hash-1").await.unwrap().unwrap().revoked_at, Some(t0), "first revocation stands");
}

pub async fn venues_are_unique_per_org_even_under_races(store: Store) {
    let ann = user(&store, "ann@example.org").await;
    let a = org(&store, "alpha", ann.id).await;
    let b = org(&store, "beta", ann.id).await;
    let mut tasks = Vec::new();
    for _ in 0..12 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move { s.create_venue(&venue_in(a.id, "Main Hall")).await }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(()) => ok += 1,
            Err(StoreError::Conflict { field, .. }) => assert_eq!(field, "name"),
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(ok, 1);
    store.create_venue(&venue_in(b.id, "Main Hall")).await.unwrap();
    let vs = store.venues(a.id).await.unwrap();
    assert_eq!(vs.len(), 1);
    let mut v = vs[0].clone();
    assert_eq!(store.venue(a.id, v.id).await.unwrap().unwrap(), v);
    assert!(store.venue(b.id, v.id).await.unwrap().is_none(), "not visible from another org");
    v.capacity = 900;
    v.timezone = TimeZoneName::parse("Europe/Paris").unwrap();
    store.update_venue(&v).await.unwrap();
    assert_eq!(store.venue(a.id, v.id).await.unwrap().unwrap(), v);
    let other_org = Venue { org_id: b.id, ..v.clone() };
    assert!(matches!(store.update_venue(&other_org).await, Err(StoreError::NotFound)));
}

pub async fn events_only_use_their_own_venues(store: Store) {
    let ann = user(&store, "ann@example.org").await;
    let a = org(&store, "alpha", ann.id).await;
    let b = org(&store, "beta", ann.id).await;
    let va = venue_in(a.id, "A");
    let vb = venue_in(b.id, "B");
    store.create_venue(&va).await.unwrap();
    store.create_venue(&vb).await.unwrap();
    let start = later(now(), 48);
    let foreign = event_at(a.id, vb.id, "Sneaky", start, EventStatus::Draft);
    assert_eq!(invalid_field(store.create_event(&foreign).await), "venue_id");
    let mut e = event_at(a.id, va.id, "Proper", start, EventStatus::Draft);
    store.create_event(&e).await.unwrap();
    assert_eq!(store.event(a.id, e.id).await.unwrap().unwrap(), e);
    assert!(store.event(b.id, e.id).await.unwrap().is_none());
    e.title = "Renamed".into();
    e.image_urls = vec![];
    e.sales_end = Some(later(start, -1));
    store.update_event(&e).await.unwrap();
    assert_eq!(store.event(a.id, e.id).await.unwrap().unwrap(), e);
    let moved = Event { venue_id: vb.id, ..e.clone() };
    assert_eq!(invalid_field(store.update_event(&moved).await), "venue_id");
    assert_eq!(store.event(a.id, e.id).await.unwrap().unwrap(), e, "a refused update changes nothing");
}

pub async fn ticket_types_and_quotas_link_within_one_event(store: Store) {
    let ann = user(&store, "ann@example.org").await;
    let a = org(&store, "alpha", ann.id).await;
    let v = venue_in(a.id, "A");
    store.create_venue(&v).await.unwrap();
    let e1 = event_at(a.id, v.id, "One", later(now(), 48), EventStatus::Draft);
    let e2 = event_at(a.id, v.id, "Two", later(now(), 72), EventStatus::Draft);
    store.create_event(&e1).await.unwrap();
    store.create_event(&e2).await.unwrap();
    let shared = quota(&e1, "House", 100, vec![]);
    store.create_quota(&shared).await.unwrap();
    let other = quota(&e2, "Other house", 10, vec![]);
    store.create_quota(&other).await.unwrap();
    let ga = ticket_type(&e1, "GA", "EUR", vec![shared.id]);
    store.create_ticket_type(&ga).await.unwrap();
    let wrong = ticket_type(&e1, "VIP", "EUR", vec![shared.id, other.id]);
    assert_eq!(invalid_field(store.create_ticket_type(&wrong).await), "quota_ids[1]");
    let vip_quota = quota(&e1, "VIP seats", 20, vec![]);
    store.create_quota(&vip_quota).await.unwrap();
    let vip = ticket_type(&e1, "VIP", "EUR", vec![shared.id, vip_quota.id]);
    store.create_ticket_type(&vip).await.unwrap();
    let dup = ticket_type(&e1, "VIP", "EUR", vec![]);
    assert!(
        matches!(store.create_ticket_type(&dup).await, Err(StoreError::Conflict { ref field, .. }) if field == "name")
    );
    let types = store.ticket_types(a.id, e1.id).await.unwrap();
    assert_eq!(types.len(), 2);
    let mut vip_quotas = types[1].quota_ids.clone();
    vip_quotas.sort();
    let mut expect = vec![shared.id, vip_quota.id];
    expect.sort();
    assert_eq!(vip_quotas, expect);
    let quotas = store.quotas(a.id, e1.id).await.unwrap();
    let house = quotas.iter().find(|q| q.id == shared.id).unwrap();
    assert_eq!(house.ticket_type_ids.len(), 2, "links are visible from both sides");
    // Relink from the quota side; a ticket type of another event is refused.
    let e2_type = ticket_type(&e2, "Other GA", "EUR", vec![other.id]);
    store.create_ticket_type(&e2_type).await.unwrap();
    let bad = Quota { ticket_type_ids: vec![ga.id, e2_type.id], ..shared.clone() };
    assert_eq!(invalid_field(store.update_quota(&bad).await), "ticket_type_ids[1]");
    let smaller = Quota { capacity: 40, ticket_type_ids: vec![ga.id], ..shared.clone() };
    store.update_quota(&smaller).await.unwrap();
    let q = store.quota(a.id, shared.id).await.unwrap().unwrap();
    assert_eq!((q.capacity, q.ticket_type_ids.clone()), (40, vec![ga.id]));
    assert_eq!(store.ticket_type(a.id, vip.id).await.unwrap().unwrap().quota_ids, vec![vip_quota.id]);
    let negative = Quota { capacity: -1, ..q.clone() };
    assert!(store.update_quota(&negative).await.is_err(), "the database refuses negative capacity too");
    assert!(store.quota(OrgId::new(), shared.id).await.unwrap().is_none());
    assert!(store.ticket_type(OrgId::new(), vip.id).await.unwrap().is_none());
}

pub async fn one_currency_per_event(store: Store) {
    let ann = user(&store, "ann@example.org").await;
    let a = org(&store, "alpha", ann.id).await;
    let v = venue_in(a.id, "A");
    store.create_venue(&v).await.unwrap();
    let e = event_at(a.id, v.id, "One", later(now(), 48), EventStatus::Draft);
    store.create_event(&e).await.unwrap();
    let eur = ticket_type(&e, "GA", "EUR", vec![]);
    store.create_ticket_type(&eur).await.unwrap();
    assert_eq!(invalid_field(store.create_ticket_type(&ticket_type(&e, "GA2", "USD", vec![])).await), "currency");
    // The only ticket type may change currency.
    let usd = TicketType { price: Money::new(100, Currency::parse("USD").unwrap()), ..eur.clone() };
    store.update_ticket_type(&usd).await.unwrap();
    assert_eq!(store.ticket_type(a.id, eur.id).await.unwrap().unwrap().price.currency.code(), "USD");
}

pub async fn event_status_changes_are_conditional(store: Store) {
    let ann = user(&store, "ann@example.org").await;
    let a = org(&store, "alpha", ann.id).await;
    let v = venue_in(a.id, "A");
    store.create_venue(&v).await.unwrap();
    let e = event_at(a.id, v.id, "One", later(now(), 48), EventStatus::Draft);
    store.create_event(&e).await.unwrap();
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            s.set_event_status(a.id, e.id, EventStatus::Draft, EventStatus::Published, now()).await.unwrap()
        }));
    }
    let mut wins = 0;
    for t in tasks {
        wins += usize::from(t.await.unwrap());
    }
    assert_eq!(wins, 1, "exactly one of the racing transitions applies");
    assert_eq!(store.event(a.id, e.id).await.unwrap().unwrap().status, EventStatus::Published);
    assert!(
        !store
            .set_event_status(OrgId::new(), e.id, EventStatus::Published, EventStatus::Cancelled, now())
            .await
            .unwrap()
    );
}

pub async fn public_listing_filters_and_paginates(store: Store) {
    let ann = user(&store, "ann@example.org").await;
    let a = org(&store, "alpha", ann.id).await;
    let v = venue_in(a.id, "A");
    store.create_venue(&v).await.unwrap();
    let base = later(now(), 24);
    let mut published = Vec::new();
    for i in 0..7 {
        let mut e = event_at(a.id, v.id, &format!("Jazz night {i}"), later(base, i * 24), EventStatus::Published);
        if i % 2 == 1 {
            e.category = Category::Theatre;
            e.title = format!("Play {i} 100% live_");
            e.description = format!("About {}", e.title);
        }
        store.create_event(&e).await.unwrap();
        published.push(e);
    }
    // Two events at the same instant, to exercise the id tiebreak of the cursor.
    let twin = event_at(a.id, v.id, "Jazz twin", published[0].starts_at, EventStatus::Published);
    store.create_event(&twin).await.unwrap();
    let draft = event_at(a.id, v.id, "Jazz draft", later(base, 1), EventStatus::Draft);
    store.create_event(&draft).await.unwrap();
    let past = event_at(a.id, v.id, "Jazz past", later(now(), -100), EventStatus::Published);
    store.create_event(&past).await.unwrap();

    let upcoming = EventFilter { not_ended_at: Some(now()), limit: 3, ..Default::default() };
    let mut seen = Vec::new();
    let mut f = upcoming.clone();
    for _ in 0..10 {
        let page = store.list_events(&f).await.unwrap();
        assert!(page.events.len() <= 3);
        seen.extend(page.events.iter().map(|(e, _)| e.id));
        match page.next {
            Some(n) => f.after = Some(n),
            None => break,
        }
    }
    assert_eq!(seen.len(), 8, "7 published + twin, no draft, no past: {seen:?}");
    let mut dedup = seen.clone();
    dedup.dedup();
    assert_eq!(dedup.len(), 8, "pages do not overlap");

    let search = |text: &str| EventFilter { text: Some(text.into()), limit: 50, ..Default::default() };
    assert_eq!(store.list_events(&search("JAZZ")).await.unwrap().events.len(), 6, "case-insensitive, includes past");
    assert_eq!(store.list_events(&search("100%")).await.unwrap().events.len(), 3, "% matches literally");
    assert_eq!(store.list_events(&search("e_")).await.unwrap().events.len(), 3, "_ matches literally");
    let theatre = EventFilter { category: Some(Category::Theatre), limit: 50, ..Default::default() };
    assert_eq!(store.list_events(&theatre).await.unwrap().events.len(), 3);
    let window =
        EventFilter { from: Some(later(base, 24)), to: Some(later(base, 72)), limit: 50, ..Default::default() };
    let titles: Vec<String> =
        store.list_events(&window).await.unwrap().events.into_iter().map(|(e, _)| e.title).collect();
    assert_eq!(titles, vec!["Play 1 100% live_".to_string(), "Jazz night 2".to_string()]);
    let mine = EventFilter { org_id: Some(a.id), limit: 100, ..Default::default() };
    assert_eq!(store.list_events(&mine).await.unwrap().events.len(), 10, "the organizer sees drafts and past events");
    let (_, venue) = &store.list_events(&upcoming).await.unwrap().events[0];
    assert_eq!(venue, &v);
}

pub async fn public_event_hides_drafts(store: Store) {
    let ann = user(&store, "ann@example.org").await;
    let a = org(&store, "alpha", ann.id).await;
    let v = venue_in(a.id, "A");
    store.create_venue(&v).await.unwrap();
    let e = event_at(a.id, v.id, "One", later(now(), 48), EventStatus::Draft);
    store.create_event(&e).await.unwrap();
    let q = quota(&e, "House", 10, vec![]);
    store.create_quota(&q).await.unwrap();
    store.create_ticket_type(&ticket_type(&e, "GA", "EUR", vec![q.id])).await.unwrap();
    assert!(store.public_event(e.id, now()).await.unwrap().is_none());
    store.set_event_status(a.id, e.id, EventStatus::Draft, EventStatus::Published, now()).await.unwrap();
    let p = store.public_event(e.id, now()).await.unwrap().unwrap();
    assert_eq!((p.event.id, p.venue.id, p.ticket_types.len(), p.quotas.len()), (e.id, v.id, 1, 1));
    assert_eq!(p.ticket_types[0].quota_ids, vec![q.id]);
    assert!(store.public_event(EventId::new(), now()).await.unwrap().is_none());
}

// ------------------------------------------------------------- inventory

use std::collections::HashMap;
use tessera_domain::inventory::{LineRequest, ReserveError, ReserveRequest};
use tessera_domain::orders::{OrderId, OrderState};
use tessera_store::{IdemClaim, IdemRef, IdemWrite, InventoryOp, NewOrder, OpError};

/// A published event with quotas of the given capacities and ticket types
/// drawing from the given quotas (by index), each 1-3 per order, free.
async fn on_sale(store: &Store, caps: &[i64], types: &[&[usize]]) -> (Event, Vec<QuotaId>, Vec<TicketTypeId>) {
    let ann = user(store, &format!("{}@example.org", uuid::Uuid::now_v7().simple())).await;
    let o = org(store, &format!("o{}", &uuid::Uuid::now_v7().simple().to_string()[20..]), ann.id).await;
    let v = venue_in(o.id, "Hall");
    store.create_venue(&v).await.unwrap();
    let e = event_at(o.id, v.id, "Sale", later(now(), 24 * 30), EventStatus::Draft);
    store.create_event(&e).await.unwrap();
    let mut qids = Vec::new();
    for (i, c) in caps.iter().enumerate() {
        let q = quota(&e, &format!("Q{i}"), *c, vec![]);
        store.create_quota(&q).await.unwrap();
        qids.push(q.id);
    }
    let mut tids = Vec::new();
    for (i, qs) in types.iter().enumerate() {
        let mut t = ticket_type(&e, &format!("T{i}"), "EUR", qs.iter().map(|i| qids[*i]).collect());
        t.max_per_order = 3;
        t.price = Money::new(0, Currency::parse("EUR").unwrap());
        store.create_ticket_type(&t).await.unwrap();
        tids.push(t.id);
    }
    store.set_event_status(o.id, e.id, EventStatus::Draft, EventStatus::Published, now()).await.unwrap();
    let e = store.event(o.id, e.id).await.unwrap().unwrap();
    (e, qids, tids)
}

fn new_order(lines: &[(TicketTypeId, i64)], buyer: &str, expires_at: Timestamp) -> InventoryOp {
    InventoryOp::Reserve(Box::new(NewOrder {
        id: OrderId::new(),
        reference: uuid::Uuid::now_v7().simple().to_string()[20..].to_uppercase(),
        request: ReserveRequest {
            lines: lines.iter().map(|(t, q)| LineRequest { ticket_type_id: *t, quantity: *q }).collect(),
            buyer_key: format!("email:{buyer}"),
            access_code: None,
            promo_code: None,
            staff_sale: false,
            member_plans: vec![],
        },
        buyer_user_id: None,
        buyer_email: buyer.into(),
        buyer_name: "Buyer".into(),
        locale: "en".into(),
        token_hash: "h".into(),
        expires_at,
        seats: None,
        resale_listing: None,
    }))
}

fn seat_order(seats: tessera_store::SeatChoice, buyer: &str, expires_at: Timestamp) -> InventoryOp {
    let InventoryOp::Reserve(mut n) = new_order(&[], buyer, expires_at) else { unreachable!() };
    n.seats = Some(seats);
    InventoryOp::Reserve(n)
}

/// An on-sale event sold by seat: one row of `seats` seats, zone A, one ticket type.
async fn seated(store: &Store, seats: u32) -> (Event, TicketTypeId, tessera_seating::SeatMap) {
    let (e, _, tids) = on_sale(store, &[1000], &[&[0]]).await;
    let spec = tessera_seating::RectHall { rows: 1, seats_per_row: seats, ..Default::default() };
    let map = tessera_seating::rect_hall(&spec, &mut tessera_seating::IdGen::seeded(seats.into())).unwrap();
    let doc = tessera_seating::to_json(&map, &tessera_seating::JsonOptions::default());
    let zones = HashMap::from([("A".to_string(), tids[0])]);
    store.set_event_seating(e.org_id, e.id, 1, &doc, map.seat_count() as i64, &zones).await.unwrap();
    (e, tids[0], map)
}

async fn counters(store: &Store, e: &Event) -> HashMap<QuotaId, (i64, i64, i64)> {
    store.quotas(e.org_id, e.id).await.unwrap().into_iter().map(|q| (q.id, (q.capacity, q.sold, q.held))).collect()
}

pub async fn reservations_never_oversell_under_concurrency(store: Store) {
    // 500 buyers, 100 tickets, three ticket types sharing one quota.
    let (e, qids, tids) = on_sale(&store, &[100, 60], &[&[0], &[0], &[0, 1]]).await;
    let exp = later(now(), 1);
    let mut tasks = Vec::new();
    for i in 0..500 {
        let (s, t) = (store.clone(), tids[i % 3]);
        tasks.push(tokio::spawn(async move {
            let op = new_order(&[(t, 1)], &format!("b{i}@example.org"), exp);
            s.inventory_batch(e.id, now(), vec![op]).await.unwrap().remove(0)
        }));
    }
    let mut won = Vec::new();
    for t in tasks {
        match t.await.unwrap() {
            Ok(Some(order)) => won.push(order.id),
            Err(OpError::Reserve(ReserveError::SoldOut { .. })) => {}
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(won.len(), 100, "exactly the capacity is sold");
    let c = counters(&store, &e).await;
    assert_eq!(c[&qids[0]], (100, 0, 100));
    assert!(c[&qids[1]].2 <= 60);
    // Confirm them in a few batches, with a double confirmation thrown in.
    let mut ops: Vec<InventoryOp> =
        won.iter().map(|id| InventoryOp::Confirm { order: *id, actor: "t".into(), note: String::new() }).collect();
    ops.push(InventoryOp::Confirm { order: won[0], actor: "t".into(), note: String::new() });
    let mut results = Vec::new();
    for chunk in ops.chunks(37) {
        results.extend(store.inventory_batch(e.id, now(), chunk.to_vec()).await.unwrap());
    }
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 100);
    assert_eq!(results.last().unwrap(), &Err(OpError::WrongState(OrderState::Paid)));
    assert_eq!(counters(&store, &e).await[&qids[0]], (100, 100, 0));
    assert_eq!(store.ticket_counts(e.id).await.unwrap().get("valid"), Some(&100));
    let (order, _, _) = store.order(won[7]).await.unwrap().unwrap();
    assert_eq!((order.state, order.tickets.len(), order.history.len()), (OrderState::Paid, 1, 2));
}

pub async fn expired_holds_stop_counting_without_a_sweep(store: Store) {
    let (e, qids, tids) = on_sale(&store, &[2], &[&[0]]).await;
    let t0 = now();
    let exp = later(t0, 1);
    let first = store.inventory_batch(e.id, t0, vec![new_order(&[(tids[0], 2)], "a@example.org", exp)]).await.unwrap();
    let first = first[0].clone().unwrap().unwrap();
    let again = store
        .inventory_batch(e.id, later(t0, 0), vec![new_order(&[(tids[0], 1)], "b@example.org", exp)])
        .await
        .unwrap();
    assert_eq!(again[0], Err(OpError::Reserve(ReserveError::SoldOut { line: 0, available: 0 })));
    // Past the expiry nothing has swept yet, but readers no longer count the hold.
    let t1 = later(t0, 2);
    let effective = |at| {
        let s = store.clone();
        async move { s.quotas_at(e.org_id, e.id, Some(at)).await.unwrap()[0].held }
    };
    assert_eq!(effective(t0).await, 2);
    assert_eq!(effective(t1).await, 0, "expired at t1, not yet swept");
    assert_eq!(counters(&store, &e).await[&qids[0]], (2, 0, 2), "the stored counter still has it");
    assert_eq!(store.events_with_expired_holds(t1, 10).await.unwrap(), vec![e.id]);
    // The next reservation sweeps first and gets the tickets.
    let late =
        store.inventory_batch(e.id, t1, vec![new_order(&[(tids[0], 2)], "c@example.org", later(t1, 1))]).await.unwrap();
    assert!(late[0].is_ok(), "{late:?}");
    assert_eq!(counters(&store, &e).await[&qids[0]], (2, 0, 2));
    assert_eq!(effective(t1).await, 2, "the new hold counts; the swept one does not");
    let confirm = InventoryOp::Confirm { order: first.id, actor: "t".into(), note: String::new() };
    assert_eq!(
        store.inventory_batch(e.id, t1, vec![confirm]).await.unwrap()[0],
        Err(OpError::WrongState(OrderState::Expired))
    );
    let (order, _, _) = store.order(first.id).await.unwrap().unwrap();
    assert_eq!(order.state, OrderState::Expired);
    assert_eq!(order.history.last().unwrap().actor, "system");
    // An unknown event fails the whole batch, writing nothing.
    assert!(matches!(
        store.inventory_batch(EventId::new(), t1, vec![InventoryOp::Sweep]).await,
        Err(StoreError::NotFound)
    ));
}

/// A tiny deterministic generator, so every run explores the same sequences.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[derive(Clone, Debug)]
struct ModelOrder {
    state: OrderState,
    expires_at: Timestamp,
    take: Vec<(usize, i64)>,
}

pub async fn random_operations_match_a_reference_model(store: Store) {
    let caps = [5i64, 3];
    let types: [&[usize]; 3] = [&[0], &[0, 1], &[1]];
    for seed in [0x9E37_79B9_7F4A_7C15u64, 42, 7_777_777] {
        let (e, qids, tids) = on_sale(&store, &caps, &types).await;
        let mut rng = Rng(seed);
        let mut clock = now();
        let mut model: Vec<(OrderId, ModelOrder)> = Vec::new();
        for step in 0..120 {
            let mut ops = Vec::new();
            let mut expect = Vec::new();
            let mut advance = 0;
            // Clients learn an order's id when its batch commits, so only
            // orders from earlier batches are confirmed or cancelled.
            let known = model.len();
            // The model applies a batch the way the store does: expire first, then in order.
            for (_, o) in model.iter_mut() {
                if o.state == OrderState::Pending && o.expires_at <= clock {
                    o.state = OrderState::Expired;
                }
            }
            for _ in 0..=rng.below(3) {
                match rng.below(10) {
                    0..=4 => {
                        let a = rng.below(3) as usize;
                        let mut lines = vec![(a, 1 + rng.below(3) as i64)];
                        if rng.below(3) == 0 {
                            let b = (a + 1 + rng.below(2) as usize) % 3;
                            lines.push((b, 1 + rng.below(3) as i64));
                        }
                        let mut need = [0i64; 2];
                        for (t, q) in &lines {
                            for qi in types[*t] {
                                need[*qi] += q;
                            }
                        }
                        let used = |qi: usize| -> i64 {
                            model
                                .iter()
                                .filter(|(_, o)| matches!(o.state, OrderState::Pending | OrderState::Paid))
                                .flat_map(|(_, o)| o.take.iter())
                                .filter(|(q, _)| *q == qi)
                                .map(|(_, n)| n)
                                .sum()
                        };
                        let fits = (0..2).all(|qi| need[qi] <= caps[qi] - used(qi));
                        let ttl = 10 + rng.below(60) as i64;
                        let expires_at = clock.checked_add(SignedDuration::from_secs(ttl)).unwrap();
                        let op = new_order(
                            &lines.iter().map(|(t, q)| (tids[*t], *q)).collect::<Vec<_>>(),
                            "m@example.org",
                            expires_at,
                        );
                        let InventoryOp::Reserve(n) = &op else { unreachable!() };
                        let id = n.id;
                        if fits {
                            let take = (0..2).filter(|qi| need[*qi] > 0).map(|qi| (qi, need[qi])).collect();
                            model.push((id, ModelOrder { state: OrderState::Pending, expires_at, take }));
                        }
                        expect.push(fits);
                        ops.push(op);
                    }
                    5..=7 if known > 0 => {
                        let i = rng.below(known as u64) as usize;
                        let confirm = rng.below(2) == 0;
                        let (id, o) = &mut model[i];
                        let ok = match (o.state, confirm) {
                            (OrderState::Pending, true) => {
                                o.state = OrderState::Paid;
                                true
                            }
                            (OrderState::Pending | OrderState::Paid, false) => {
                                o.state = OrderState::Cancelled;
                                true
                            }
                            _ => false,
                        };
                        expect.push(ok);
                        ops.push(if confirm {
                            InventoryOp::Confirm { order: *id, actor: "m".into(), note: String::new() }
                        } else {
                            InventoryOp::Cancel { order: *id, actor: "m".into(), note: String::new() }
                        });
                    }
                    _ => {
                        // Time moves after this batch, which runs at the current instant.
                        advance = rng.below(40) as i64;
                        break;
                    }
                }
            }
            let results = store.inventory_batch(e.id, clock, ops).await.unwrap();
            let got: Vec<bool> = results.iter().map(|r| r.is_ok()).collect();
            assert_eq!(got, expect, "seed {seed} step {step}: {results:?}");
            // Counters equal the model's, and never exceed capacity.
            let c = counters(&store, &e).await;
            for (qi, qid) in qids.iter().enumerate() {
                let sum = |st: OrderState| -> i64 {
                    model
                        .iter()
                        .filter(|(_, o)| o.state == st)
                        .flat_map(|(_, o)| o.take.iter())
                        .filter(|(q, _)| *q == qi)
                        .map(|(_, n)| n)
                        .sum()
                };
                let (cap, sold, held) = c[qid];
                assert_eq!(
                    (sold, held),
                    (sum(OrderState::Paid), sum(OrderState::Pending)),
                    "seed {seed} step {step} quota {qi}"
                );
                assert!(sold + held <= cap);
            }
            clock = clock.checked_add(SignedDuration::from_secs(advance)).unwrap();
        }
        // Every order's state in the database is the model's.
        for (id, o) in &model {
            let (order, _, _) = store.order(*id).await.unwrap().unwrap();
            assert_eq!(order.state, o.state, "seed {seed}");
            let valid = order.tickets.iter().filter(|t| t.status == "valid").count() as i64;
            let expected = if o.state == OrderState::Paid { order.lines.iter().map(|l| l.quantity).sum() } else { 0 };
            assert_eq!(valid, expected);
        }
    }
}

pub async fn per_customer_limits_hold_across_batches(store: Store) {
    let (mut e, _, tids) = on_sale(&store, &[100], &[&[0]]).await;
    e.max_tickets_per_customer = Some(4);
    store.update_event(&e).await.unwrap();
    let exp = later(now(), 1);
    let ops = vec![
        new_order(&[(tids[0], 3)], "a@example.org", exp),
        new_order(&[(tids[0], 2)], "a@example.org", exp),
        new_order(&[(tids[0], 1)], "a@example.org", exp),
        new_order(&[(tids[0], 3)], "b@example.org", exp),
    ];
    let r: Vec<bool> = store.inventory_batch(e.id, now(), ops).await.unwrap().iter().map(|r| r.is_ok()).collect();
    assert_eq!(r, vec![true, false, true, true]);
    let r = store.inventory_batch(e.id, now(), vec![new_order(&[(tids[0], 1)], "a@example.org", exp)]).await.unwrap();
    assert_eq!(r[0], Err(OpError::Reserve(ReserveError::LimitExceeded { allowed: 4, already: 4 })));
}

fn claim(scope: &str, key: &str, owner: &str) -> IdemRef {
    IdemRef { scope: scope.into(), key: key.into(), owner: owner.into() }
}

pub async fn idempotency_keys_claim_once(store: Store) {
    let t0 = now();
    let secs = |s: i64| t0.checked_add(SignedDuration::from_secs(s)).unwrap();
    let (a, b) = (claim("s", "k1", "process-a"), claim("s", "k1", "process-b"));
    assert_eq!(store.idem_claim(&a, "h1", t0, 6).await.unwrap(), IdemClaim::Claimed);
    assert_eq!(
        store.idem_claim(&b, "h1", secs(2), 6).await.unwrap(),
        IdemClaim::InProgress { retry_after_secs: 4 },
        "a live claim says how long its lease has left"
    );
    assert_eq!(store.idem_claim(&b, "h2", t0, 6).await.unwrap(), IdemClaim::Mismatch);
    let other = claim("other", "k1", "process-b");
    assert_eq!(store.idem_claim(&other, "h2", t0, 6).await.unwrap(), IdemClaim::Claimed, "keys are per scope");
    assert!(!store.idem_finish(&b, 201, "not b's").await.unwrap(), "only the owner finishes a claim");
    assert!(store.idem_finish(&a, 201, "{\"id\":1}").await.unwrap());
    assert_eq!(
        store.idem_claim(&b, "h1", secs(3600), 6).await.unwrap(),
        IdemClaim::Replay { status: 201, body: "{\"id\":1}".into() },
        "a finished claim replays, however late"
    );
    // A claim whose owner keeps renewing stays; one whose owner died lapses.
    let (a2, b2) = (claim("s", "k2", "process-a"), claim("s", "k2", "process-b"));
    assert_eq!(store.idem_claim(&a2, "h", t0, 6).await.unwrap(), IdemClaim::Claimed);
    let running = vec![("s".to_string(), "k2".to_string()), ("s".to_string(), "gone".to_string())];
    assert_eq!(store.idem_renew("process-a", &running, secs(5), 6).await.unwrap(), 1);
    assert_eq!(store.idem_renew("process-b", &running, secs(5), 6).await.unwrap(), 0, "only the owner's");
    assert_eq!(store.idem_claim(&b2, "h", secs(10), 6).await.unwrap(), IdemClaim::InProgress { retry_after_secs: 1 });
    assert_eq!(store.idem_claim(&b2, "h", secs(12), 6).await.unwrap(), IdemClaim::Claimed, "taken over once lapsed");
    assert!(!store.idem_finish(&a2, 201, "late").await.unwrap(), "the old owner lost it");
    store.idem_abandon(&a2).await.unwrap();
    assert_eq!(store.idem_claim(&a2, "h", secs(12), 6).await.unwrap(), IdemClaim::InProgress { retry_after_secs: 6 });
    store.idem_abandon(&b2).await.unwrap();
    assert_eq!(store.idem_claim(&a2, "h", secs(12), 6).await.unwrap(), IdemClaim::Claimed, "abandoned: free again");
    // Racing claims: exactly one wins.
    let mut tasks = Vec::new();
    for i in 0..10 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            s.idem_claim(&claim("race", "k", &format!("p{i}")), "h", t0, 6).await.unwrap()
        }));
    }
    let mut claimed = 0;
    for t in tasks {
        claimed += usize::from(t.await.unwrap() == IdemClaim::Claimed);
    }
    assert_eq!(claimed, 1);
    assert_eq!(store.idem_sweep(later(t0, 1)).await.unwrap(), 4);
}

/// An inventory operation with a claim stores its answer in the batch that
/// applies it, and is not applied at all once its claim passed to another
/// process: a key whose effect committed replays it, and never runs twice.
pub async fn idempotent_operations_answer_in_their_own_transaction(store: Store) {
    let (e, _, tids) = on_sale(&store, &[10], &[&[0]]).await;
    let t0 = now();
    let exp = later(t0, 1);
    let render: tessera_store::IdemRender = std::sync::Arc::new(|o| (201, format!("sealed {}", o.reference)));
    let write = |c: &IdemRef| Some(IdemWrite { claim: c.clone(), render: render.clone() });
    let a = claim("buyer", "key-a", "process-a");
    assert_eq!(store.idem_claim(&a, "h", t0, 6).await.unwrap(), IdemClaim::Claimed);
    let r = store.inventory_batch_idem(e.id, t0, vec![(new_order(&[(tids[0], 1)], "a@example.org", exp), write(&a))]);
    let order = r.await.unwrap().remove(0).unwrap().unwrap();
    // The process dies here, before it could store the answer itself: a
    // retry on another process replays the order all the same.
    let b = claim("buyer", "key-a", "process-b");
    assert_eq!(
        store.idem_claim(&b, "h", later(t0, 1), 6).await.unwrap(),
        IdemClaim::Replay { status: 201, body: format!("sealed {}", order.reference) }
    );
    // A claim taken over while its first request waited for the batch: the
    // first request is not applied; the taker runs it, once.
    let c1 = claim("buyer", "key-c", "process-a");
    let c2 = claim("buyer", "key-c", "process-b");
    assert_eq!(store.idem_claim(&c1, "h", t0, 6).await.unwrap(), IdemClaim::Claimed);
    let secs = |s: i64| t0.checked_add(SignedDuration::from_secs(s)).unwrap();
    assert_eq!(store.idem_claim(&c2, "h", secs(7), 6).await.unwrap(), IdemClaim::Claimed);
    let ops = vec![
        (new_order(&[(tids[0], 1)], "c@example.org", exp), write(&c1)),
        (new_order(&[(tids[0], 1)], "d@example.org", exp), None),
        (new_order(&[(tids[0], 1)], "c@example.org", exp), write(&c2)),
    ];
    let r = store.inventory_batch_idem(e.id, secs(7), ops).await.unwrap();
    assert_eq!(r[0], Err(OpError::ClaimLost));
    assert!(matches!(r[1], Ok(Some(_))) && matches!(r[2], Ok(Some(_))), "{r:?}");
    assert_eq!(counters(&store, &e).await.values().map(|c| c.2).sum::<i64>(), 3, "three holds: a, d and c once");
    // A failed operation stores nothing: its claim stays open to finish or abandon.
    let f = claim("buyer", "key-f", "process-a");
    assert_eq!(store.idem_claim(&f, "h", t0, 6).await.unwrap(), IdemClaim::Claimed);
    let ops = vec![(new_order(&[(tids[0], 100)], "f@example.org", exp), write(&f))];
    assert!(store.inventory_batch_idem(e.id, t0, ops).await.unwrap()[0].is_err());
    store.idem_abandon(&f).await.unwrap();
    assert_eq!(store.idem_claim(&f, "h", t0, 6).await.unwrap(), IdemClaim::Claimed);
}

pub async fn capacity_changes_race_with_sales(store: Store) {
    let (e, qids, tids) = on_sale(&store, &[60], &[&[0]]).await;
    let exp = later(now(), 1);
    let mut sales = Vec::new();
    for i in 0..80 {
        let (s, t) = (store.clone(), tids[0]);
        sales.push(tokio::spawn(async move {
            s.inventory_batch(e.id, now(), vec![new_order(&[(t, 1)], &format!("r{i}@example.org"), exp)]).await
        }));
    }
    let mut changes = Vec::new();
    for i in 0..12i64 {
        let s = store.clone();
        let (org, qid) = (e.org_id, qids[0]);
        changes.push(tokio::spawn(async move {
            let mut q = s.quota(org, qid).await.unwrap().unwrap();
            q.capacity = 30 + (i * 7) % 40;
            match s.update_quota(&q).await {
                Ok(()) | Err(StoreError::Invalid(_)) => {}
                Err(other) => panic!("capacity change failed: {other:?}"),
            }
        }));
    }
    for t in changes {
        t.await.unwrap();
    }
    for t in sales {
        // Never a failed batch: a capacity change waits for the event's lock.
        match t.await.unwrap().expect("a selling batch must not fail").remove(0) {
            Ok(_) | Err(OpError::Reserve(ReserveError::SoldOut { .. })) => {}
            other => panic!("{other:?}"),
        }
    }
    let (cap, sold, held) = counters(&store, &e).await[&qids[0]];
    assert!(sold + held <= cap, "{sold} + {held} > {cap}");
}

/// A paid ticket on a fresh on-sale event, and a check-in list for it.
async fn checkin_fixture(
    store: &Store,
    policy: &str,
    per_day: Option<i64>,
) -> (Event, tessera_store::TicketRecord, CheckinList) {
    let (e, _, tids) = on_sale(store, &[10], &[&[0]]).await;
    let op = new_order(&[(tids[0], 1)], "gate@example.org", later(now(), 1));
    let order = store.inventory_batch(e.id, now(), vec![op]).await.unwrap().remove(0).unwrap().unwrap();
    let confirm = InventoryOp::Confirm { order: order.id, actor: "t".into(), note: String::new() };
    store.inventory_batch(e.id, now(), vec![confirm]).await.unwrap().remove(0).unwrap();
    let ticket = store.order_tickets(order.id).await.unwrap().remove(0);
    let list = CheckinList {
        id: CheckinListId::new(),
        org_id: e.org_id,
        event_id: e.id,
        name: "Doors".into(),
        ticket_type_ids: vec![],
        entry_policy: policy.into(),
        max_entries_per_day: per_day,
        gates: vec![Gate { id: GateId::new(), name: "A".into() }, Gate { id: GateId::new(), name: "B".into() }],
        created_at: now(),
    };
    store.create_checkin_list(&list).await.unwrap();
    (e, ticket, list)
}

fn scan_of(
    list: &CheckinList,
    ticket: &tessera_store::TicketRecord,
    nonce: &str,
    at: Timestamp,
    gate: usize,
) -> NewScan {
    NewScan {
        id: ScanId::new(),
        org_id: list.org_id,
        list_id: list.id,
        nonce: nonce.into(),
        ticket: Some((ticket.id, ticket.ticket_type_id)),
        gate_id: Some(list.gates[gate].id),
        device: format!("gate-{gate}"),
        direction: Direction::Entry,
        result: ScanResult::Valid,
        offline: None,
        scanned_at: at,
        received_at: at,
        day: "2026-01-01".into(),
    }
}

/// Invariant 13: many gates scanning one single-entry ticket at the same
/// instant admit it exactly once; a nonce replays its first answer.
pub async fn simultaneous_scans_admit_a_single_entry_ticket_once(store: Store) {
    let (_, ticket, list) = checkin_fixture(&store, "single", None).await;
    let at = now();
    let mut tasks = Vec::new();
    for i in 0..24 {
        let (s, scan) = (store.clone(), scan_of(&list, &ticket, &format!("n{i}"), at, i % 2));
        tasks.push(tokio::spawn(async move { s.record_scan(EntryPolicy::Single, scan).await.unwrap() }));
    }
    let mut admitted = 0;
    for t in tasks {
        let o = t.await.unwrap();
        match o.scan.result {
            ScanResult::Valid => admitted += 1,
            ScanResult::AlreadyUsed => assert!(o.first.is_some()),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(admitted, 1);
    // The same nonce from several requests at once: one scan recorded, one answer.
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (s, scan) = (store.clone(), scan_of(&list, &ticket, "same", at, 0));
        tasks.push(tokio::spawn(async move { s.record_scan(EntryPolicy::Single, scan).await.unwrap() }));
    }
    let mut ids = std::collections::HashSet::new();
    for t in tasks {
        ids.insert(t.await.unwrap().scan.id);
    }
    assert_eq!(ids.len(), 1);
    let counts = store.checkin_counts(&list).await.unwrap();
    assert_eq!((counts.checked_in, counts.inside), (1, 1));
    assert_eq!(counts.by_result.iter().map(|(_, n)| n).sum::<i64>(), 25);
}

/// Scans group-committed in batches: each sees those before it in its batch,
/// a nonce repeated inside a batch or across racing batches is recorded once,
/// and batches racing on the same ticket still admit it once.
pub async fn scan_batches_admit_once_and_record_each_nonce_once(store: Store) {
    let (_, ticket, list) = checkin_fixture(&store, "single", None).await;
    let at = now();
    let batch = vec![
        (EntryPolicy::Single, scan_of(&list, &ticket, "b1", at, 0)),
        (EntryPolicy::Single, scan_of(&list, &ticket, "b2", at, 1)),
        (EntryPolicy::Single, scan_of(&list, &ticket, "b1", at, 1)),
    ];
    let out = store.record_scans(batch).await.unwrap();
    let results: Vec<_> = out.iter().map(|o| (o.scan.nonce.as_str(), o.scan.result, o.duplicate)).collect();
    assert_eq!(
        results,
        [("b1", ScanResult::Valid, false), ("b2", ScanResult::AlreadyUsed, false), ("b1", ScanResult::Valid, true)]
    );
    assert_eq!(out[2].scan.id, out[0].scan.id, "a repeated nonce answers with the first scan");
    assert_eq!(out[1].first.as_ref().map(|f| f.nonce.as_str()), Some("b1"));

    // Racing batches on a fresh ticket, sharing nonces: one admission, one row per nonce.
    let (_, ticket, list) = checkin_fixture(&store, "single", None).await;
    let mut tasks = Vec::new();
    for b in 0..6 {
        let batch: Vec<_> = (0..5)
            .map(|i| (EntryPolicy::Single, scan_of(&list, &ticket, &format!("r{}", (b + i) % 8), at, i % 2)))
            .collect();
        let s = store.clone();
        tasks.push(tokio::spawn(async move { s.record_scans(batch).await.unwrap() }));
    }
    let mut by_nonce = std::collections::HashMap::new();
    for t in tasks {
        for o in t.await.unwrap() {
            let first = *by_nonce.entry(o.scan.nonce.clone()).or_insert((o.scan.id, o.scan.result));
            assert_eq!(first, (o.scan.id, o.scan.result), "nonce {} answered two ways", o.scan.nonce);
        }
    }
    assert_eq!(by_nonce.len(), 8);
    assert_eq!(by_nonce.values().filter(|(_, r)| *r == ScanResult::Valid).count(), 1);
    let counts = store.checkin_counts(&list).await.unwrap();
    assert_eq!((counts.checked_in, counts.inside), (1, 1));
    assert_eq!(counts.by_result.iter().map(|(_, n)| n).sum::<i64>(), 8);

    // Batches taking two tickets in opposite orders neither deadlock nor double-admit.
    let (e, t1, list) = checkin_fixture(&store, "single", None).await;
    let op = new_order(&[(t1.ticket_type_id, 1)], "gate2@example.org", later(now(), 1));
    let order = store.inventory_batch(e.id, now(), vec![op]).await.unwrap().remove(0).unwrap().unwrap();
    let confirm = InventoryOp::Confirm { order: order.id, actor: "t".into(), note: String::new() };
    store.inventory_batch(e.id, now(), vec![confirm]).await.unwrap().remove(0).unwrap();
    let t2 = store.order_tickets(order.id).await.unwrap().remove(0);
    let mut tasks = Vec::new();
    for b in 0..8 {
        let (x, y) = if b % 2 == 0 { (&t1, &t2) } else { (&t2, &t1) };
        let batch = vec![
            (EntryPolicy::Single, scan_of(&list, x, &format!("x{b}"), at, 0)),
            (EntryPolicy::Single, scan_of(&list, y, &format!("y{b}"), at, 1)),
        ];
        let s = store.clone();
        tasks.push(tokio::spawn(async move { s.record_scans(batch).await.unwrap() }));
    }
    let mut admitted = std::collections::HashMap::new();
    for t in tasks {
        for o in t.await.unwrap() {
            if o.scan.result == ScanResult::Valid {
                *admitted.entry(o.scan.ticket_id).or_insert(0) += 1;
            }
        }
    }
    assert_eq!(admitted.len(), 2);
    assert!(admitted.values().all(|n| *n == 1), "{admitted:?}");
}

/// Offline admissions of one ticket: the earliest wins whatever the upload
/// order, the rest are conflicts; re-recording a nonce changes nothing.
pub async fn offline_conflicts_resolve_to_the_earliest_scan(store: Store) {
    let (_, ticket, list) = checkin_fixture(&store, "single", None).await;
    let t0 = now();
    let offline = |nonce: &str, mins: i64, gate: usize| {
        let mut s = scan_of(&list, &ticket, nonce, t0.checked_add(SignedDuration::from_mins(mins)).unwrap(), gate);
        s.offline = Some(true);
        s
    };
    for s in [offline("late", 30, 0), offline("mid", 20, 1), offline("early", 10, 0), offline("late", 30, 0)] {
        store.record_scan(EntryPolicy::Single, s).await.unwrap();
    }
    let rows = store.checkin_conflicts(list.id).await.unwrap();
    let winners: Vec<&str> = rows.iter().filter(|(_, w)| *w).map(|(s, _)| s.nonce.as_str()).collect();
    let losers: Vec<&str> = rows.iter().filter(|(_, w)| !*w).map(|(s, _)| s.nonce.as_str()).collect();
    assert_eq!(winners, ["early"]);
    assert_eq!(losers, ["mid", "late"]);
    let counts = store.checkin_counts(&list).await.unwrap();
    assert_eq!(counts.checked_in, 1);
    assert_eq!(counts.by_result.iter().map(|(_, n)| n).sum::<i64>(), 3, "the repeated nonce added nothing");
}

/// Re-entry after exit and per-day limits hold in the database too.
pub async fn entry_policies_apply_in_the_store(store: Store) {
    let (_, ticket, list) = checkin_fixture(&store, "reentry", None).await;
    let at = now();
    let mut results = Vec::new();
    for (i, dir) in
        [Direction::Entry, Direction::Entry, Direction::Exit, Direction::Entry, Direction::Exit, Direction::Exit]
            .into_iter()
            .enumerate()
    {
        let mut s = scan_of(&list, &ticket, &format!("r{i}"), at, 0);
        s.direction = dir;
        results.push(store.record_scan(EntryPolicy::Reentry, s).await.unwrap().scan.result);
    }
    use ScanResult::*;
    assert_eq!(results, [Valid, AlreadyUsed, Valid, Valid, Valid, NotInside]);
    let (_, ticket, list) = checkin_fixture(&store, "per_day", Some(2)).await;
    let mut results = Vec::new();
    for (i, day) in ["2026-01-01", "2026-01-01", "2026-01-01", "2026-01-02"].into_iter().enumerate() {
        let mut s = scan_of(&list, &ticket, &format!("d{i}"), at, 1);
        s.day = day.into();
        results.push(store.record_scan(EntryPolicy::PerDay(2), s).await.unwrap().scan.result);
    }
    assert_eq!(results, [Valid, Valid, AlreadyUsed, Valid]);
}

/// Voiding revokes; re-issue voids the old ticket and makes a new one, once.
pub async fn void_and_reissue_are_conditional(store: Store) {
    let (e, ticket, _) = checkin_fixture(&store, "single", None).await;
    let t = now();
    let new = store.reissue_ticket(e.org_id, ticket.id, "New Holder", t).await.unwrap();
    assert_eq!((new.holder_name.as_str(), new.status.as_str()), ("New Holder", "valid"));
    let old = store.ticket(ticket.id).await.unwrap().unwrap();
    assert_eq!((old.status.as_str(), old.replaced_by), ("void", Some(new.id)));
    assert!(matches!(store.reissue_ticket(e.org_id, ticket.id, "Again", t).await, Err(StoreError::Conflict { .. })));
    assert!(matches!(store.void_ticket(e.org_id, ticket.id, t).await, Err(StoreError::Conflict { .. })));
    assert!(matches!(store.void_ticket(OrgId::new(), new.id, t).await, Err(StoreError::NotFound)));
    store.void_ticket(e.org_id, new.id, t).await.unwrap();
    let revoked: Vec<_> = store.revoked_tickets(e.id).await.unwrap().into_iter().map(|(id, _)| id).collect();
    assert!(revoked.contains(&ticket.id) && revoked.contains(&new.id));
    // A code is stored once; a second signer gets the first code back.
    let other = store.order_tickets(ticket.order_id).await.unwrap();
    assert_eq!(other.len(), 2);
    assert_eq!(store.set_ticket_code(new.id, "TK1-FIRST", "k1").await.unwrap(), "TK1-FIRST");
    assert_eq!(store.set_ticket_code(new.id, "TK1-SECOND", "k2").await.unwrap(), "TK1-FIRST");
}

/// One current signing key per organization, even when two processes make one at once.
pub async fn one_current_signing_key_per_org(store: Store) {
    let (e, _, _) = checkin_fixture(&store, "single", None).await;
    let key = |id: &str| SigningKeyRecord {
        id: id.into(),
        org_id: e.org_id,
        public_key: "00".repeat(32),
        secret_enc: "sealed".into(),
        created_at: now(),
        retired_at: None,
    };
    let (ka, kb) = (key("aaaaaaaaaaaaaaaa"), key("bbbbbbbbbbbbbbbb"));
    let (a, b) = tokio::join!(store.add_signing_key(&ka, false), store.add_signing_key(&kb, false));
    assert!(a.is_ok() != b.is_ok(), "exactly one wins: {a:?} {b:?}");
    store.add_signing_key(&key("cccccccccccccccc"), true).await.unwrap();
    let keys = store.signing_keys(e.org_id).await.unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys.iter().filter(|k| k.retired_at.is_none()).count(), 1);
    assert_eq!(store.current_signing_key(e.org_id).await.unwrap().unwrap().id, "cccccccccccccccc");
}

/// A venue's seat map is stored whole, versioned, and only under its own
/// organization; concurrent replacements each get their own version.
pub async fn seat_maps_are_versioned_per_venue(store: Store) {
    let ann = user(&store, "ann@example.org").await;
    let a = org(&store, "alpha", ann.id).await;
    let b = org(&store, "beta", ann.id).await;
    let va = venue_in(a.id, "A");
    store.create_venue(&va).await.unwrap();
    assert!(store.seat_map(a.id, va.id).await.unwrap().is_none());
    assert_eq!(store.put_seat_map(a.id, va.id, "{\"v\":1}", 10, 0, now()).await.unwrap(), 1);
    assert!(matches!(store.put_seat_map(b.id, va.id, "{}", 1, 0, now()).await, Err(StoreError::NotFound)));
    assert!(store.seat_map(b.id, va.id).await.unwrap().is_none(), "another organization sees nothing");
    let mut tasks = Vec::new();
    for i in 0..8 {
        let s = store.clone();
        tasks.push(tokio::spawn(
            async move { s.put_seat_map(a.id, va.id, &format!("{{\"v\":{i}}}"), i, 1, now()).await },
        ));
    }
    let mut versions = Vec::new();
    for t in tasks {
        versions.push(t.await.unwrap().unwrap());
    }
    versions.sort();
    assert_eq!(versions, (2..=9).collect::<Vec<i64>>());
    let rec = store.seat_map(a.id, va.id).await.unwrap().unwrap();
    assert_eq!((rec.version, rec.org_id, rec.areas), (9, a.id, 1));
    assert_eq!(rec.document, format!("{{\"v\":{}}}", rec.seats), "document and counts are written together");
}

/// Invariant: a seat is never held or sold twice. Buyers racing for
/// overlapping seat sets each get all of theirs or none; best available
/// takes free seats; confirming puts the seat on the ticket; cancelling and
/// expiry give seats back; seating cannot change once seats are taken.
pub async fn seats_are_never_taken_twice(store: Store) {
    use tessera_store::SeatChoice;
    let (e, _, map) = seated(&store, 12).await;
    let id = |i: usize| map.seats()[i].id;
    let mut tasks = Vec::new();
    for k in 0..10 {
        let s = store.clone();
        let op =
            seat_order(SeatChoice::Exact(vec![id(k), id(k + 1), id(k + 2)]), &format!("b{k}@x.org"), later(now(), 1));
        tasks.push(tokio::spawn(async move { s.inventory_batch(e.id, now(), vec![op]).await.unwrap().remove(0) }));
    }
    let mut won = Vec::new();
    for t in tasks {
        match t.await.unwrap() {
            Ok(Some(order)) => won.push(order.id),
            Err(OpError::Reserve(ReserveError::SeatsUnavailable(msg))) => {
                assert!(msg.contains("not available"), "{msg}")
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(!won.is_empty());
    let claims = store.seat_claims(e.id).await.unwrap();
    assert_eq!(claims.len(), won.len() * 3, "each winner holds its three seats and nobody else holds any");
    for order in &won {
        let mine: Vec<u32> =
            claims.iter().filter(|c| c.hold_id.as_deref() == Some(&order.to_string())).map(|c| c.seat_index).collect();
        assert_eq!(mine.len(), 3);
        assert!(mine.windows(2).all(|w| w[1] == w[0] + 1), "{mine:?}");
    }

    // Malformed requests change nothing.
    let dup = seat_order(SeatChoice::Exact(vec![id(0), id(0)]), "d@x.org", later(now(), 1));
    let foreign =
        seat_order(SeatChoice::Exact(vec![tessera_seating::SeatId(uuid::Uuid::now_v7())]), "f@x.org", later(now(), 1));
    for op in [dup, foreign] {
        let r = store.inventory_batch(e.id, now(), vec![op]).await.unwrap().remove(0);
        assert!(matches!(r, Err(OpError::Reserve(ReserveError::BadSeats(_)))), "{r:?}");
    }
    assert_eq!(store.seat_claims(e.id).await.unwrap().len(), won.len() * 3);

    // Best available on a fresh event: together, free, and on the tickets once paid.
    let (e, tt, _) = seated(&store, 8).await;
    let best = |n: u32| SeatChoice::Best { count: n, category: None, wheelchair_spaces: 0 };
    let a = store.inventory_batch(e.id, now(), vec![seat_order(best(2), "a@x.org", later(now(), 1))]).await.unwrap();
    let a = a[0].clone().unwrap().unwrap();
    assert_eq!(a.lines.iter().map(|l| (l.ticket_type_id, l.quantity)).collect::<Vec<_>>(), [(tt, 2)]);
    let b = store.inventory_batch(e.id, now(), vec![seat_order(best(3), "b@x.org", later(now(), 1))]).await.unwrap();
    let b = b[0].clone().unwrap().unwrap();
    let held: Vec<(u32, Option<String>)> =
        store.seat_claims(e.id).await.unwrap().into_iter().map(|c| (c.seat_index, c.hold_id)).collect();
    assert_eq!(held.len(), 5);
    let too_many =
        store.inventory_batch(e.id, now(), vec![seat_order(best(4), "c@x.org", later(now(), 1))]).await.unwrap();
    assert!(matches!(&too_many[0], Err(OpError::Reserve(ReserveError::SeatsUnavailable(_)))), "{too_many:?}");
    let confirm = InventoryOp::Confirm { order: a.id, actor: "t".into(), note: String::new() };
    store.inventory_batch(e.id, now(), vec![confirm]).await.unwrap().remove(0).unwrap();
    let tickets = store.order_tickets(a.id).await.unwrap();
    let labels: Vec<String> = tickets.iter().map(|t| t.seat_label.clone().expect("a seat on the ticket")).collect();
    assert_eq!(labels.len(), 2);
    assert_ne!(labels[0], labels[1]);
    let claims = store.seat_claims(e.id).await.unwrap();
    assert_eq!(claims.iter().filter(|c| c.state == "sold").count(), 2);
    assert!(claims.iter().filter(|c| c.state == "sold").all(|c| labels.contains(&c.label)));
    // Seating is fixed once seats are taken.
    let zones = HashMap::from([("A".to_string(), tt)]);
    assert!(matches!(
        store.set_event_seating(e.org_id, e.id, 2, "{}", 0, &zones).await,
        Err(StoreError::Conflict { .. })
    ));
    // Cancelling gives seats back; so does a hold's expiry.
    let cancel = InventoryOp::Cancel { order: a.id, actor: "t".into(), note: String::new() };
    store.inventory_batch(e.id, now(), vec![cancel]).await.unwrap().remove(0).unwrap();
    assert_eq!(store.seat_claims(e.id).await.unwrap().len(), 3);
    store.sweep_event(e.id, later(now(), 2)).await.unwrap();
    assert!(store.seat_claims(e.id).await.unwrap().is_empty(), "order {} expired", b.id);
    let again = store
        .inventory_batch(e.id, later(now(), 2), vec![seat_order(best(3), "c@x.org", later(now(), 3))])
        .await
        .unwrap();
    assert!(again[0].is_ok(), "{again:?}");

    // More seats than the ticket type allows per order: named in seats' words.
    let (roomy, _, _) = seated(&store, 8).await;
    let r = store.inventory_batch(roomy.id, now(), vec![seat_order(best(4), "m@x.org", later(now(), 1))]).await;
    match &r.unwrap()[0] {
        Err(OpError::Reserve(ReserveError::BadSeats(m))) => assert!(m.english.contains("at most 3 seats"), "{m}"),
        other => panic!("{other:?}"),
    }

    // An event without seating refuses seats.
    let (plain, _, _) = on_sale(&store, &[5], &[&[0]]).await;
    let r =
        store.inventory_batch(plain.id, now(), vec![seat_order(best(1), "p@x.org", later(now(), 1))]).await.unwrap();
    assert!(matches!(&r[0], Err(OpError::Reserve(ReserveError::BadSeats(_)))), "{r:?}");
}

/// Seat statuses kept in memory never hide another process's claims: two
/// handles with their own caches, one database.
pub async fn remembered_seat_statuses_follow_other_processes(store: Store) {
    use tessera_store::SeatChoice;
    let (e, _, map) = seated(&store, 10).await;
    let other = store.as_other_process();
    let id = |i: usize| map.seats()[i].id;
    let take = |s: &Store, seats: Vec<usize>, who: &str| {
        let (s, op) =
            (s.clone(), seat_order(SeatChoice::Exact(seats.into_iter().map(id).collect()), who, later(now(), 1)));
        async move { s.inventory_batch(e.id, now(), vec![op]).await.unwrap().remove(0) }
    };
    let a = take(&store, vec![0, 1], "a@x.org").await.unwrap().unwrap();
    assert!(take(&other, vec![1, 2], "b@x.org").await.is_err(), "the other process sees seat 1 taken");
    take(&other, vec![2, 3], "b@x.org").await.unwrap();
    // This process remembered seats 2 and 3 as free: it must not trust that.
    let r = take(&store, vec![3, 4], "c@x.org").await;
    assert!(matches!(r, Err(OpError::Reserve(ReserveError::SeatsUnavailable(_)))), "{r:?}");
    // Cancelled in the other process: free here too.
    let cancel = InventoryOp::Cancel { order: a.id, actor: "t".into(), note: String::new() };
    other.inventory_batch(e.id, now(), vec![cancel]).await.unwrap().remove(0).unwrap();
    take(&store, vec![0, 1], "d@x.org").await.unwrap();
    // Expiry swept by one process frees seats for the other.
    take(&store, vec![4, 5, 6], "f@x.org").await.unwrap();
    take(&store, vec![7, 8, 9], "g@x.org").await.unwrap();
    let best = SeatChoice::Best { count: 3, category: None, wheelchair_spaces: 0 };
    let r =
        store.inventory_batch(e.id, now(), vec![seat_order(best.clone(), "e@x.org", later(now(), 1))]).await.unwrap();
    assert!(matches!(&r[0], Err(OpError::Reserve(ReserveError::SeatsUnavailable(_)))), "the house is full: {r:?}");
    other.sweep_event(e.id, later(now(), 2)).await.unwrap();
    let r =
        store.inventory_batch(e.id, later(now(), 2), vec![seat_order(best, "e@x.org", later(now(), 3))]).await.unwrap();
    assert!(r[0].is_ok(), "{r:?}");
    assert_eq!(store.seat_claims(e.id).await.unwrap().len(), 3);
}

/// What one batch does twice stays consistent: a seat blocked and released
/// in one batch is free; an order confirmed and cancelled in one batch ends
/// cancelled with its seats back; a seated event refuses line orders, and an
/// event with line orders cannot become seated.
pub async fn one_batch_with_opposite_seat_operations(store: Store) {
    use tessera_store::SeatChoice;
    let (e, tt, map) = seated(&store, 6).await;
    let seat = map.seats()[2].id;
    let ops = vec![
        InventoryOp::BlockSeats { seats: vec![seat], block: true },
        InventoryOp::BlockSeats { seats: vec![seat], block: false },
    ];
    for r in store.inventory_batch(e.id, now(), ops).await.unwrap() {
        r.unwrap();
    }
    assert!(store.seat_claims(e.id).await.unwrap().is_empty(), "blocked and released: free");
    let r =
        store.inventory_batch(e.id, now(), vec![seat_order(SeatChoice::Exact(vec![seat]), "a@x.org", later(now(), 1))]);
    let order = r.await.unwrap().remove(0).unwrap().unwrap();
    let ops = vec![
        InventoryOp::Confirm { order: order.id, actor: "t".into(), note: String::new() },
        InventoryOp::Cancel { order: order.id, actor: "t".into(), note: String::new() },
    ];
    for r in store.inventory_batch(e.id, now(), ops).await.unwrap() {
        r.unwrap();
    }
    let (stored, _, _) = store.order(order.id).await.unwrap().unwrap();
    assert_eq!(stored.state, OrderState::Cancelled);
    assert!(store.seat_claims(e.id).await.unwrap().is_empty());
    let again =
        store.inventory_batch(e.id, now(), vec![seat_order(SeatChoice::Exact(vec![seat]), "b@x.org", later(now(), 1))]);
    assert!(again.await.unwrap()[0].is_ok(), "the seat is free again");
    // A seated event takes no line orders.
    let r = store.inventory_batch(e.id, now(), vec![new_order(&[(tt, 1)], "c@x.org", later(now(), 1))]).await.unwrap();
    assert_eq!(r[0], Err(OpError::Reserve(ReserveError::SeatedEvent)));
    // An event that sold by line cannot become seated.
    let (plain, _, tids) = on_sale(&store, &[5], &[&[0]]).await;
    store.inventory_batch(plain.id, now(), vec![new_order(&[(tids[0], 1)], "d@x.org", later(now(), 1))]).await.unwrap();
    let zones = HashMap::from([("A".to_string(), tids[0])]);
    let doc = tessera_seating::to_json(&map, &tessera_seating::JsonOptions::default());
    let r = store.set_event_seating(plain.org_id, plain.id, 1, &doc, 6, &zones).await;
    assert!(matches!(r, Err(StoreError::Conflict { .. })), "{r:?}");
}

// ------------------------------------------------------------- payments

/// Invariants 5, 6 and 8 at the storage level: a provider event applies once
/// (twice in one batch, again in a later one), the ledger balances, refunds
/// never exceed what was paid and settle once, and the outbox hands each
/// message to one worker at a time.
pub async fn payments_apply_once_refunds_stay_within_paid_and_the_ledger_balances(store: Store) {
    use tessera_domain::payments::PaymentState;
    use tessera_store::{NewPayment, NewRefund, ProviderEvent};
    let (e, _, tids) = on_sale(&store, &[10], &[&[0]]).await;
    // A priced ticket type in the same event and quota.
    let mut t = store.ticket_types(e.org_id, e.id).await.unwrap().remove(0);
    t.id = TicketTypeId::new();
    t.name = "Paid".into();
    t.price = Money::new(1500, Currency::parse("EUR").unwrap());
    store.create_ticket_type(&t).await.unwrap();
    assert_ne!(t.id, tids[0]);
    let t0 = now();
    let placed =
        store.inventory_batch(e.id, t0, vec![new_order(&[(t.id, 2)], "p@example.org", later(t0, 1))]).await.unwrap();
    let order = placed.into_iter().next().unwrap().unwrap().unwrap();
    assert_eq!(order.total.amount_minor, 3000);
    let payment = |id: &str, amount: i64| NewPayment {
        id: id.into(),
        order: order.id,
        provider: "sandbox".into(),
        provider_ref: format!("ref-{id}"),
        provider_payment: None,
        amount_minor: amount,
        currency: "EUR".into(),
        redirect_url: None,
        due_at: None,
        hold_until: None,
        outbox: vec![],
    };
    let r =
        store.inventory_batch(e.id, t0, vec![InventoryOp::StartPayment(Box::new(payment("p2", 2999)))]).await.unwrap();
    assert!(matches!(r[0], Err(OpError::Rejected(_))), "a payment for another amount is refused: {r:?}");
    store.inventory_batch(e.id, t0, vec![InventoryOp::StartPayment(Box::new(payment("p1", 3000)))]).await.unwrap()[0]
        .as_ref()
        .unwrap();
    let report = |event: &str, amount: i64| ProviderEvent {
        provider: "sandbox".into(),
        event_id: event.into(),
        kind: "payment.succeeded".into(),
        payload: "{}".into(),
        payment_id: "p1".into(),
        order: order.id,
        outcome: PaymentState::Succeeded,
        amount_minor: Some(amount),
        currency: Some("EUR".into()),
        provider_payment: Some("pi_1".into()),
    };
    // Money in another currency cannot be booked against the order: refused, nothing changed.
    let mut other = report("evt-0", 3000);
    other.currency = Some("USD".into());
    let mismatch = store.inventory_batch(e.id, t0, vec![InventoryOp::Payment(Box::new(other))]).await.unwrap();
    assert!(matches!(mismatch[0], Err(OpError::Rejected(_))), "{mismatch:?}");
    let pe = report("evt-1", 3000);
    let r = store
        .inventory_batch(
            e.id,
            t0,
            vec![InventoryOp::Payment(Box::new(pe.clone())), InventoryOp::Payment(Box::new(pe.clone()))],
        )
        .await
        .unwrap();
    let paid = r[0].as_ref().unwrap().as_ref().unwrap();
    assert_eq!((paid.state, paid.tickets.len(), paid.paid.amount_minor), (OrderState::Paid, 2, 3000));
    assert!(r[1].as_ref().unwrap().is_none(), "the repeat in the same batch changes nothing");
    let r = store.inventory_batch(e.id, t0, vec![InventoryOp::Payment(Box::new(pe))]).await.unwrap();
    assert!(r[0].as_ref().unwrap().is_none(), "the repeat in a later batch changes nothing");
    let check_ledger = |entries: Vec<tessera_store::LedgerEntry>, provider: i64| {
        let mut by_txn: HashMap<String, i64> = HashMap::new();
        for x in &entries {
            *by_txn.entry(x.txn_id.clone()).or_default() += x.amount.amount_minor;
        }
        assert!(by_txn.values().all(|s| *s == 0), "{entries:?}");
        let held: i64 =
            entries.iter().filter(|x| x.account.starts_with("provider:")).map(|x| x.amount.amount_minor).sum();
        assert_eq!(held, provider, "{entries:?}");
    };
    check_ledger(store.order_ledger(order.id).await.unwrap(), 3000);

    // Refunds: reserved at once, never above what is left, settled once.
    let refund = |amount: i64, key: &str| NewRefund {
        take_back_cards: true,
        order: order.id,
        payment_id: "p1".into(),
        amount_minor: amount,
        reason: "test".into(),
        actor: "t".into(),
        tickets: "none".into(),
        request_key: key.into(),
    };
    let (r1, fresh) = store.open_refund(&refund(1000, "k1"), e.org_id, t0).await.unwrap();
    assert!(fresh);
    let (again, fresh) = store.open_refund(&refund(1000, "k1"), e.org_id, t0).await.unwrap();
    assert_eq!((again.id.as_str(), fresh), (r1.id.as_str(), false));
    assert!(matches!(store.open_refund(&refund(2001, "k2"), e.org_id, t0).await, Err(StoreError::Invalid(_))));
    for _ in 0..2 {
        let done =
            InventoryOp::RefundDone { order: order.id, refund: r1.id.clone(), provider_ref: Some("re_1".into()) };
        store.inventory_batch(e.id, t0, vec![done]).await.unwrap()[0].as_ref().unwrap();
    }
    assert_eq!(store.refund(&r1.id).await.unwrap().unwrap().state, "succeeded");
    check_ledger(store.order_ledger(order.id).await.unwrap(), 2000);
    // Two refunds at once that together exceed what is left: one wins, the
    // other is a clear refusal, never a database error.
    let (ra, rb) = (refund(1500, "race-a"), refund(1500, "race-b"));
    let (x, y) = tokio::join!(store.open_refund(&ra, e.org_id, t0), store.open_refund(&rb, e.org_id, t0));
    let won = [&x, &y].iter().filter(|r| r.is_ok()).count();
    assert_eq!(won, 1, "{x:?} {y:?}");
    let lost = if x.is_ok() { y } else { x };
    assert!(matches!(lost, Err(StoreError::Invalid(_))), "{lost:?}");
    let winner = store.order_refunds(order.id).await.unwrap().into_iter().find(|r| r.state == "pending").unwrap();
    assert!(store.fail_refund(&winner.id, "declined", t0).await.unwrap());
    let (r2, _) = store.open_refund(&refund(2000, "k3"), e.org_id, t0).await.unwrap();
    assert!(store.fail_refund(&r2.id, "declined", t0).await.unwrap());
    assert!(!store.fail_refund(&r2.id, "declined", t0).await.unwrap(), "a refund fails once");
    let (head, _, _) = store.order_head(order.id).await.unwrap().unwrap();
    assert_eq!((head.paid.amount_minor, head.refunded.amount_minor), (3000, 1000));

    // The outbox: the confirmation and the refund jobs, each to one worker.
    let claimed = store.claim_outbox(t0, 60, 100).await.unwrap();
    let topics: Vec<&str> = claimed.iter().map(|m| m.topic.as_str()).collect();
    assert!(topics.contains(&"order_confirmation"), "{topics:?}");
    assert!(!topics.contains(&"order.paid"), "no endpoint listens, so no webhook is queued: {topics:?}");
    assert!(store.claim_outbox(t0, 60, 100).await.unwrap().is_empty(), "leased rows are not handed out twice");
    for m in &claimed {
        store.outbox_done(&m.id, t0).await.unwrap();
    }
    assert!(
        store.claim_outbox(later(t0, 1), 60, 100).await.unwrap().iter().all(|m| !claimed.iter().any(|c| c.id == m.id))
    );
}
