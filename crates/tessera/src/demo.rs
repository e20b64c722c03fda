//! `serve --demo`: a demo organization with a venue and four published
//! events (and a museum's daily series of timed entries, "City Museum") (one of them tonight, each with a drawn image), each with a check-in list at two gates and
//! ticket transfers allowed (and, on the event whose front row sold out, a
//! ticket listed for resale at face value), so
//! that a newcomer has something to click (and scan) at once. Seeding goes through the same
//! app-layer calls as the API. The organizer's password is made and printed
//! once, when the demo organizer is created; running it again keeps the data
//! and the password (a restart must not hand a new login to whoever reads
//! the log, nor take the old one from whoever has it).

use anyhow::{Context, Result};
use jiff::{SignedDuration, Timestamp};
use tessera_app::orgs::NewOrg;
use tessera_app::{Actor, App};
use tessera_domain::Currency;
use tessera_domain::account::Email;
use tessera_domain::catalog::{
    Category, EventAction, NewEvent, NewQuota, NewTicketType, NewVenue, TimeZoneName, Visibility,
};

pub const ORGANIZER_EMAIL: &str = "organizer@demo.tessera.dev";

pub struct DemoLogin {
    pub email: String,
    /// Only when the organizer was created by this run.
    pub password: Option<String>,
    /// A gift card of the demo organization (its code is shown only here).
    pub gift_card: Option<String>,
}

fn random_password() -> Result<String> {
    let mut b = [0u8; 12];
    getrandom::fill(&mut b).map_err(|e| anyhow::anyhow!("random number generator: {e}"))?;
    Ok(data_encoding::BASE64URL_NOPAD.encode(&b))
}

pub async fn seed(app: &App) -> Result<DemoLogin> {
    let email = Email::parse(ORGANIZER_EMAIL).map_err(|e| anyhow::anyhow!(e))?;
    if app.store.user_by_email(&email).await?.is_some() {
        return Ok(DemoLogin { email: email.to_string(), password: None, gift_card: None });
    }
    let password = random_password()?;
    let user = app
        .create_user(email.clone(), "Demo Organizer".into(), password.clone(), false)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("creating the demo organizer")?;
    let actor = Actor::User(user);
    let err = |e: tessera_app::AppError| anyhow::anyhow!("{e}");
    let org = app
        .create_org(&actor, NewOrg { name: "Tessera Demo Productions".into(), slug: "demo".into() })
        .await
        .map_err(err)?;
    let tz = TimeZoneName::parse("Europe/Berlin").map_err(|e| anyhow::anyhow!(e))?;
    let venue = app
        .create_venue(
            &actor,
            org.id,
            NewVenue {
                name: "Tessera Hall".into(),
                address: "Musterstraße 1, 10115 Berlin".into(),
                timezone: tz,
                capacity: 1200,
            },
        )
        .await
        .map_err(err)?;
    // A theatre layout: 28 rows of 25, stalls in front, balcony behind.
    let layout = tessera_app::seating::GenerateMap::Rectangular {
        rows: 28,
        seats_per_row: 25,
        aisle_every: None,
        categories: vec!["Stalls".into(), "Balcony".into()],
    };
    app.generate_seat_map(&actor, org.id, venue.id, layout).await.map_err(err)?;
    let payments =
        tessera_app::payments::PaymentSettingsInput { provider: "sandbox".into(), manual: None, stripe: None };
    app.set_payment_settings(&actor, org.id, payments).await.map_err(err)?;
    // Invoicing details, so that paid orders can be invoiced at once.
    let invoicing = tessera_domain::invoices::InvoiceSettingsInput {
        legal_name: "Tessera Demo Productions GmbH".into(),
        address: "Musterstraße 1\n10115 Berlin\nGermany".into(),
        tax_id: "DE999999999".into(),
        registration_number: "HRB 000000 B".into(),
        number_prefix: "DEMO-".into(),
        footer: "Paid in full. Thank you for your purchase.".into(),
    };
    app.set_invoice_settings(&actor, org.id, invoicing).await.map_err(err)?;
    let eur = Currency::parse("EUR").map_err(|e| anyhow::anyhow!("{e}"))?;
    let now = Timestamp::now();
    // Whole hours, a few weeks out, at 19:00 UTC (20:00 in Berlin in winter).
    let day = |d: i64| -> Result<Timestamp> {
        let t = now.checked_add(SignedDuration::from_hours(24 * d))?;
        Ok(Timestamp::from_second(t.as_second() - t.as_second().rem_euclid(86_400) + 19 * 3600)?)
    };
    // The rehearsal is tonight, so that a ticket bought now can be scanned
    // now (codes are valid from a day before the start); it sells until it
    // ends, like a box office. The others are weeks out.
    let events = [
        (
            "Open Rehearsal",
            Category::Concert,
            "The orchestra rehearses tonight's programme in public. Come and go as you like.",
            0,
            4,
            vec![("Standard", 500, 300)],
        ),
        (
            "Night of Strings",
            Category::Concert,
            "A chamber orchestra plays Dvořák and Bartók.",
            14,
            3,
            vec![("Standard", 3900, 800), ("Reduced", 1900, 200)],
        ),
        (
            "The Glass Menagerie",
            Category::Theatre,
            "Tennessee Williams's memory play, in English.",
            30,
            3,
            vec![("Stalls", 4500, 350), ("Balcony", 2900, 350)],
        ),
        (
            "RustConf Berlin",
            Category::Conference,
            "Two days of talks on systems programming.",
            60,
            32,
            vec![("Early bird", 19900, 150), ("Regular", 29900, 600), ("Student", 4900, 100)],
        ),
    ];
    // A membership plan: a year as a Friend of the hall (sold at the
    // concert, see below), and one card staff issued.
    let friends = tessera_domain::members::NewMemberPlan {
        name: "Friends of Tessera Hall".into(),
        description: "Member prices and the members' lounge at every concert.".into(),
        validity_days: 365,
    };
    let friends = app.create_member_plan(&actor, org.id, friends).await.map_err(err)?;
    let clara = tessera_domain::members::NewMemberCard {
        plan_id: friends.id,
        email: "clara@example.org".into(),
        holder_name: "Clara Schumann".into(),
        valid_from: None,
    };
    app.issue_member_card(&actor, org.id, clara).await.map_err(err)?;
    for (n, (title, category, description, in_days, hours, types)) in events.into_iter().enumerate() {
        let (starts_at, sales_end) = if in_days == 0 {
            let next_hour = Timestamp::from_second(now.as_second() - now.as_second().rem_euclid(3600) + 3600)?;
            (next_hour, Some(next_hour.checked_add(SignedDuration::from_hours(hours))?))
        } else {
            (day(in_days)?, None)
        };
        let event = app
            .create_event(
                &actor,
                org.id,
                NewEvent {
                    venue_id: venue.id,
                    title: title.into(),
                    description: description.into(),
                    category,
                    image_urls: vec![],
                    starts_at,
                    ends_at: starts_at.checked_add(SignedDuration::from_hours(hours))?,
                    sales_start: None,
                    sales_end,
                    max_tickets_per_customer: Some(20),
                },
            )
            .await
            .map_err(err)?;
        let total: i64 = types.iter().map(|t| t.2).sum();
        let all = app
            .create_quota(
                &actor,
                org.id,
                event.id,
                NewQuota { name: "Whole house".into(), capacity: total, ticket_type_ids: vec![] },
            )
            .await
            .map_err(err)?;
        let mut zones = std::collections::HashMap::new();
        for (name, price, cap) in types {
            let own = app
                .create_quota(
                    &actor,
                    org.id,
                    event.id,
                    NewQuota { name: name.into(), capacity: cap, ticket_type_ids: vec![] },
                )
                .await
                .map_err(err)?;
            let tt = app
                .create_ticket_type(
                    &actor,
                    org.id,
                    event.id,
                    NewTicketType {
                        name: name.into(),
                        description: String::new(),
                        price_minor: price,
                        currency: eur,
                        sales_start: None,
                        sales_end: None,
                        min_per_order: 1,
                        max_per_order: 10,
                        visibility: Visibility::Public,
                        access_code: None,
                        quota_ids: vec![own.id, all.id],
                    },
                )
                .await
                .map_err(err)?;
            zones.insert(name.to_string(), tt.id);
        }
        // The play is sold by seat: each seat's zone is its ticket type.
        if category == Category::Theatre {
            let seating = tessera_app::seating::SetEventSeating { zones: zones.clone() };
            app.set_event_seating(&actor, org.id, event.id, seating).await.map_err(err)?;
        }
        // Buyers of the concert may cancel and get their money back until a
        // day before, so that the refund on the order page can be tried.
        if title == "Night of Strings" {
            let mut pricing = app.event_pricing(&actor, org.id, event.id).await.map_err(err)?;
            pricing.refunds =
                tessera_domain::payments::RefundPolicy { buyer_refunds: true, deadline_hours: 24, fee_minor: 0 };
            app.set_event_pricing(&actor, org.id, event.id, pricing).await.map_err(err)?;
        }
        // The concert's first 25 standard tickets sell cheaper (a price
        // tier), then the regular price applies.
        if title == "Night of Strings"
            && let Some(standard) = zones.get("Standard")
        {
            let first = tessera_domain::tiers::NewPriceTier {
                name: "First release".into(),
                price_minor: 2900,
                until: None,
                quantity: Some(25),
                position: None,
            };
            app.create_price_tier(&actor, org.id, *standard, first).await.map_err(err)?;
        }
        // Every event lets holders transfer their tickets, until the start,
        // at most twice per ticket, so that the transfer form can be tried.
        let transfers = tessera_app::transfers::TransferSettings {
            allowed: true,
            cutoff_hours: 0,
            max_per_ticket: 2,
            name_changes: true,
        };
        app.set_transfer_settings(&actor, org.id, event.id, transfers).await.map_err(err)?;
        // The conference has a promo code: EARLYBIRD takes 20 % off.
        if title == "RustConf Berlin" {
            let code = tessera_domain::pricing::NewPromoCode {
                event_id: Some(event.id),
                code: "EARLYBIRD".into(),
                description: "Early bird: 20 % off".into(),
                kind: tessera_domain::pricing::DiscountKind::Percent,
                value: 2000,
                currency: None,
                ticket_type_ids: vec![],
                min_quantity: 1,
                valid_from: None,
                valid_until: None,
                max_uses: Some(500),
                max_uses_per_customer: None,
                unlocks_hidden: false,
                channel: tessera_domain::pricing::Channel::Online,
            };
            app.create_promo_code(&actor, org.id, code).await.map_err(err)?;
            // And a coupon for the venue's bar, taken at counters (the
            // scanner's Redeem mode): BAR10 takes 10 % off a purchase.
            let bar = tessera_domain::pricing::NewPromoCode {
                event_id: None,
                code: "BAR10".into(),
                description: "Bar: 10 % off".into(),
                kind: tessera_domain::pricing::DiscountKind::Percent,
                value: 1000,
                currency: None,
                ticket_type_ids: vec![],
                min_quantity: 1,
                valid_from: None,
                valid_until: None,
                max_uses: None,
                max_uses_per_customer: None,
                unlocks_hidden: false,
                channel: tessera_domain::pricing::Channel::Counter,
            };
            app.create_promo_code(&actor, org.id, bar).await.map_err(err)?;
        }
        // A picture drawn for each event, stored like an organizer's upload.
        let (hash, variants) =
            tessera_web::prepare_image(&tessera_web::demo_image_png(n as u32)).map_err(|e| anyhow::anyhow!(e))?;
        app.set_event_image(&actor, org.id, event.id, &hash, &variants).await.map_err(err)?;
        // Its own check-in list with two gates, made before publishing so
        // that publishing does not add the default one.
        let doors = tessera_domain::checkin::NewCheckinList {
            name: "Main entrance".into(),
            ticket_type_ids: vec![],
            entry_policy: "single".into(),
            max_entries_per_day: None,
            gates: vec!["Front".into(), "Side".into()],
        };
        app.create_checkin_list(&actor, org.id, event.id, doors).await.map_err(err)?;
        // The concert's front row: two tickets, sold out, with a waitlist.
        let front_row = if title == "Night of Strings" {
            let own = NewQuota { name: "Front row".into(), capacity: 2, ticket_type_ids: vec![] };
            let own = app.create_quota(&actor, org.id, event.id, own).await.map_err(err)?;
            let tt = NewTicketType {
                name: "Front row".into(),
                description: "The first row, closest to the stage.".into(),
                price_minor: 5900,
                currency: eur,
                sales_start: None,
                sales_end: None,
                min_per_order: 1,
                max_per_order: 2,
                visibility: Visibility::Public,
                access_code: None,
                quota_ids: vec![own.id, all.id],
            };
            let front = app.create_ticket_type(&actor, org.id, event.id, tt).await.map_err(err)?.id;
            seed_members(app, &actor, org.id, event.id, (eur, all.id, friends.id), &zones).await.map_err(err)?;
            Some(front)
        } else {
            None
        };
        app.event_action(&actor, org.id, event.id, EventAction::Publish).await.map_err(err)?;
        if let Some(front_row) = front_row {
            seed_waitlist(app, &actor, org.id, event.id, front_row).await.map_err(err)?;
        }
    }
    // A gift card worth 50.00 EUR, to pay an order with (or spend at the
    // scanner's Redeem mode); its code is printed with the login.
    let card = tessera_domain::giftcards::NewGiftCard {
        currency: eur,
        value_minor: 5000,
        expires_at: None,
        note: "Demo gift card".into(),
    };
    let card = app.issue_gift_card(&actor, org.id, card).await.map_err(err)?;
    // Loyalty points: 1 point per euro paid, 100 points pay 1.00, a year's life.
    let points = tessera_domain::loyalty::LoyaltyRule {
        enabled: true,
        earn_per_unit: 1,
        redeem_points: 100,
        redeem_value_minor: 100,
        expiry_days: 365,
    };
    app.set_loyalty_rule(&actor, org.id, points).await.map_err(err)?;
    seed_museum(app, &actor, org.id, eur).await?;
    Ok(DemoLogin { email: email.to_string(), password: Some(password), gift_card: Some(card.code) })
}

/// "City Museum": a daily series of timed entries (every hour from 10:00 to
/// 16:00, 30 visitors each) for the next 60 days, published, at its own venue.
async fn seed_museum(app: &App, actor: &Actor, org: tessera_domain::OrgId, eur: Currency) -> Result<()> {
    let err = |e: tessera_app::AppError| anyhow::anyhow!("{e}");
    let tz = TimeZoneName::parse("Europe/Berlin").map_err(|e| anyhow::anyhow!(e))?;
    let first = app.now().to_zoned(tz.tz()).date().checked_add(jiff::Span::new().days(1))?;
    let venue = app
        .create_venue(
            actor,
            org,
            NewVenue {
                name: "City Museum".into(),
                address: "Museumsinsel 1, 10178 Berlin".into(),
                timezone: tz,
                capacity: 400,
            },
        )
        .await
        .map_err(err)?;
    let slot = |name: &str, description: &str, price_minor: i64| tessera_domain::series::TemplateType {
        name: name.into(),
        description: description.into(),
        price_minor,
        max_per_order: 10,
    };
    let input = tessera_domain::series::NewSeries {
        venue_id: venue.id,
        title: "City Museum".into(),
        description: "Timed entry to the permanent collection: pick a day and an hour.".into(),
        category: Category::Exhibition,
        rrule: "FREQ=DAILY;COUNT=60".into(),
        first_date: first.to_string(),
        times: (10..=16).map(|h| format!("{h:02}:00")).collect(),
        exdates: vec![],
        rdates: vec![],
        duration_minutes: 60,
        capacity: 30,
        currency: eur,
        ticket_types: vec![
            slot("Adult", "", 1400),
            slot("Reduced", "Students, seniors and visitors with disabilities", 900),
            slot("Child (under 12)", "", 0),
        ],
    };
    let series = app.create_series(actor, org, input).await.map_err(err)?;
    app.publish_series(actor, org, series.series.id).await.map_err(err)?;
    Ok(())
}

/// At the concert: members pay less for standard tickets and have a lounge
/// of their own; a gift card and the membership itself are sold beside the
/// tickets (from quotas of their own, not the house's seats).
async fn seed_members(
    app: &App,
    actor: &Actor,
    org: tessera_domain::OrgId,
    event: tessera_domain::EventId,
    (eur, house, plan): (Currency, tessera_domain::QuotaId, tessera_domain::MemberPlanId),
    zones: &std::collections::HashMap<String, tessera_domain::TicketTypeId>,
) -> std::result::Result<(), tessera_app::AppError> {
    use tessera_domain::members::{MemberRule, Product, ProductKind};
    if let Some(standard) = zones.get("Standard") {
        let rule = MemberRule { plan_id: Some(plan), members_only: false, member_price_minor: Some(2500) };
        app.set_member_rule(actor, org, *standard, Some(rule)).await?;
    }
    let types: [(&str, &str, i64, i64, Option<ProductKind>); 3] = [
        ("Members' lounge", "Seats in the members' lounge, with a drink at the interval.", 3500, 40, None),
        ("Gift card 25 EUR", "A gift card worth 25.00 EUR, sent by e-mail.", 2500, 1000, Some(ProductKind::GiftCard)),
        (
            "Friends of Tessera Hall",
            "A year's membership: member prices and the lounge.",
            3000,
            1000,
            Some(ProductKind::Membership),
        ),
    ];
    for (name, description, price, capacity, product) in types {
        let own = NewQuota { name: name.into(), capacity, ticket_type_ids: vec![] };
        let own = app.create_quota(actor, org, event, own).await?;
        // The lounge's seats are the house's; products take none.
        let quota_ids = if product.is_none() { vec![own.id, house] } else { vec![own.id] };
        let tt = NewTicketType {
            name: name.into(),
            description: description.into(),
            price_minor: price,
            currency: eur,
            sales_start: None,
            sales_end: None,
            min_per_order: 1,
            max_per_order: 4,
            visibility: Visibility::Public,
            access_code: None,
            quota_ids,
        };
        let tt = app.create_ticket_type(actor, org, event, tt).await?.id;
        match product {
            None => {
                let rule = MemberRule { plan_id: Some(plan), members_only: true, member_price_minor: None };
                app.set_member_rule(actor, org, tt, Some(rule)).await?;
            }
            Some(kind) => {
                let plan_id = (kind == ProductKind::Membership).then_some(plan);
                app.set_product(actor, org, tt, Some(Product { kind, plan_id })).await?;
            }
        }
    }
    Ok(())
}

/// Sells the front row out (two paid orders) and puts two buyers on its
/// waitlist, offers held for 30 minutes: a refund or cancellation of a
/// front-row order offers the ticket to the first of them.
async fn seed_waitlist(
    app: &App,
    actor: &Actor,
    org: tessera_domain::OrgId,
    event: tessera_domain::EventId,
    front_row: tessera_domain::TicketTypeId,
) -> std::result::Result<(), tessera_app::AppError> {
    use tessera_domain::inventory::LineRequest;
    let mut sold = Vec::new();
    for (name, email) in [("Clara Schumann", "clara@example.org"), ("Antonín Dvořák", "antonin@example.org")] {
        let input = tessera_app::inventory::PlaceOrder {
            lines: vec![LineRequest { ticket_type_id: front_row, quantity: 1 }],
            seats: None,
            email: Email::parse(email).ok(),
            name: Some(name.into()),
            resale_listing_id: None,
            access_code: None,
            promo_code: None,
            locale: Some("en".into()),
        };
        let placed = app.place_order(&Actor::Anonymous, event, input).await?;
        app.mark_paid(actor, org, placed.order.id).await?;
        sold.push(placed);
    }
    // Resale at face value is on (a 5 % fee), and Antonín, who cannot come,
    // lists his front-row ticket: the sold-out row offers it on the event page.
    let resale = tessera_app::resale::ResaleSettings {
        enabled: true,
        cap_percent: 100,
        fee_bp: 500,
        offer_first: "primary".into(),
    };
    app.set_resale_settings(actor, org, event, resale).await?;
    if let Some(antonin) = sold.last() {
        let token = Some(antonin.access_token.as_str());
        let tickets = app.buyer_tickets(&Actor::Anonymous, antonin.order.id, token).await?;
        let faces = app.face_values(&antonin.order);
        if let Some((t, (_, face))) = tickets.first().zip(faces.first()) {
            let list = tessera_app::resale::ListTicket { ticket_id: t.id, price_minor: face.amount_minor };
            app.list_ticket(&Actor::Anonymous, antonin.order.id, token, list).await?;
        }
    }
    let settings = tessera_app::waitlist::WaitlistSettings { enabled: true, offer_minutes: 30 };
    app.set_waitlist_settings(actor, org, event, settings).await?;
    for (name, email, locale) in [("Béla Bartók", "bela@example.org", "en"), ("李雷", "lilei@example.org", "zh-CN")]
    {
        let join = tessera_app::waitlist::JoinWaitlist {
            ticket_type_id: front_row,
            quantity: 1,
            email: Some(email.into()),
            name: Some(name.into()),
            locale: Some(locale.into()),
        };
        app.join_waitlist(&Actor::Anonymous, event, join).await?;
    }
    Ok(())
}
