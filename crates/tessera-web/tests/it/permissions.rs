//! The permission matrix: every endpoint, driven by every kind of caller.
//! The expected minimum role of each endpoint is written out here, apart
//! from the code's own table, so that a change that widens access fails.

use crate::helpers::*;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use tessera_app::Actor;
use tessera_app::inventory::PlaceOrder;
use tessera_app::orgs::NewToken;
use tessera_domain::account::Email;
use tessera_domain::inventory::LineRequest;
use tessera_domain::{OrgId, Role, UserId};
use tessera_store::NewUser;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Anonymous,
    Outsider,
    PlatformAdmin,
    Member(Role),
    Token(Role),
}

/// Who may call an endpoint.
#[derive(Clone, Copy, Debug)]
enum Rule {
    /// Inside the organization, at least this role.
    Org(Role),
    /// Any signed-in caller, tokens included.
    Authenticated,
    /// Browser sessions only.
    SessionOnly,
    PlatformAdminOnly,
}

const MATRIX: &[(&str, &str, Rule)] = &[
    ("GET", "/api/v1/me", Rule::SessionOnly),
    ("GET", "/api/v1/me/orders", Rule::SessionOnly),
    ("GET", "/api/v1/me/tickets", Rule::SessionOnly),
    ("GET", "/api/v1/me/received-tickets", Rule::SessionOnly),
    ("GET", "/api/v1/me/waitlist", Rule::SessionOnly),
    ("GET", "/api/v1/orgs", Rule::Authenticated),
    ("POST", "/api/v1/orgs", Rule::SessionOnly),
    ("GET", "/api/v1/orgs/{org_id}", Rule::Org(Role::Scanner)),
    ("PATCH", "/api/v1/orgs/{org_id}", Rule::Org(Role::Admin)),
    ("GET", "/api/v1/orgs/{org_id}/members", Rule::Org(Role::Admin)),
    ("POST", "/api/v1/orgs/{org_id}/members", Rule::Org(Role::Admin)),
    ("PUT", "/api/v1/orgs/{org_id}/members/{user_id}", Rule::Org(Role::Admin)),
    ("DELETE", "/api/v1/orgs/{org_id}/members/{user_id}", Rule::Org(Role::Admin)),
    ("GET", "/api/v1/orgs/{org_id}/invitations", Rule::Org(Role::Admin)),
    ("POST", "/api/v1/orgs/{org_id}/invitations", Rule::Org(Role::Admin)),
    ("GET", "/api/v1/orgs/{org_id}/tokens", Rule::Org(Role::Admin)),
    ("POST", "/api/v1/orgs/{org_id}/tokens", Rule::Org(Role::Admin)),
    ("DELETE", "/api/v1/orgs/{org_id}/tokens/{token_id}", Rule::Org(Role::Admin)),
    ("GET", "/api/v1/orgs/{org_id}/venues", Rule::Org(Role::Staff)),
    ("POST", "/api/v1/orgs/{org_id}/venues", Rule::Org(Role::Admin)),
    ("GET", "/api/v1/orgs/{org_id}/venues/{venue_id}", Rule::Org(Role::Staff)),
    ("PATCH", "/api/v1/orgs/{org_id}/venues/{venue_id}", Rule::Org(Role::Admin)),
    ("PUT", "/api/v1/orgs/{org_id}/venues/{venue_id}/seat-map", Rule::Org(Role::Admin)),
    ("GET", "/api/v1/orgs/{org_id}/venues/{venue_id}/seat-map", Rule::Org(Role::Staff)),
    ("POST", "/api/v1/orgs/{org_id}/venues/{venue_id}/seat-map/generate", Rule::Org(Role::Admin)),
    ("GET", "/api/v1/orgs/{org_id}/venues/{venue_id}/seat-map/export", Rule::Org(Role::Staff)),
    ("PUT", "/api/v1/orgs/{org_id}/events/{event_id}/seating", Rule::Org(Role::Admin)),
    ("GET", "/api/v1/orgs/{org_id}/events/{event_id}/seating", Rule::Org(Role::Staff)),
    ("POST", "/api/v1/orgs/{org_id}/events/{event_id}/seating/block", Rule::Org(Role::Admin)),
    ("GET", "/api/v1/orgs/{org_id}/events", Rule::Org(Role::Staff)),
    ("POST", "/api/v1/orgs/{org_id}/events", Rule::Org(Role::Admin)),
    ("GET", "/api/v1/orgs/{org_id}/events/{event_id}", Rule::Org(Role::Staff)),
    ("PATCH", "/api/v1/orgs/{org_id}/events/{event_id}", Rule::Org(Role::Admin)),
    ("POST", "/api/v1/orgs/{org_id}/events/{event_id}/publish", Rule::Org(Role::Admin)),
    ("POST", "/api/v1/orgs/{org_id}/events/{event_id}/cancel", Rule::Org(Role::Admin)),
    ("POST", "/api/v1/orgs/{org_id}/events/{event_id}/end", Rule::Org(Role::Admin)),
    ("GET", "/api/v1/orgs/{org_id}/events/{event_id}/ticket-types", Rule::Org(Role::Staff)),
    ("POST", "/api/v1/orgs/{org_id}/events/{event_id}/ticket-types", Rule::Org(Role::Admin)),
    ("PATCH", "/api/v1/orgs/{org_id}/ticket-types/{ticket_type_id}", Rule::Org(Role::Admin)),
    ("GET", "/api/v1/orgs/{org_id}/events/{event_id}/quotas", Rule::Org(Role::Staff)),
    ("POST", "/api/v1/orgs/{org_id}/events/{event_id}/quotas", Rule::Org(Role::Admin)),
    ("PATCH", "/api/v1/orgs/{org_id}/quotas/{quota_id}", Rule::Org(Role::Admin)),
    ("GET", "/api/v1/orgs/{org_id}/ticket-types/{ticket_type_id}/price-tiers", Rule::Org(Role::Staff)),
    ("POST", "/api/v1/orgs/{org_id}/ticket-types/{ticket_type_id}/price-tiers", Rule::Org(Role::Admin)),
    ("PUT", "/api/v1/orgs/{org_id}/price-tiers/{price_tier_id}", Rule::Org(Role::Admin)),
    ("DELETE", "/api/v1/orgs/{org_id}/price-tiers/{price_tier_id}", Rule::Org(Role::Admin)),
    ("GET", "/api/v1/orgs/{org_id}/ticket-types/{ticket_type_id}/dynamic-pricing", Rule::Org(Role::Staff)),
    ("PUT", "/api/v1/orgs/{org_id}/ticket-types/{ticket_type_id}/dynamic-pricing", Rule::Org(Role::Admin)),
    ("DELETE", "/api/v1/orgs/{org_id}/ticket-types/{ticket_type_id}/dynamic-pricing", Rule::Org(Role::Admin)),
    ("GET", "/api/v1/orgs/{org_id}/promo-codes", Rule::Org(Role::Staff)),
    ("POST", "/api/v1/orgs/{org_id}/promo-codes", Rule::Org(Role::Admin)),
    ("GET", "/api/v1/orgs/{org_id}/promo-codes/{promo_code_id}", Rule::Org(Role::Staff)),
    ("PUT", "/api/v1/orgs/{org_id}/promo-codes/{promo_code_id}", Rule::Org(Role::Admin)),
    ("DELETE", "/api/v1/orgs/{org_id}/promo-codes/{promo_code_id}", Rule::Org(Role::Admin)),
    ("GET", "/api/v1/orgs/{org_id}/promo-codes/{promo_code_id}/uses", Rule::Org(Role::Staff)),
    ("GET", "/api/v1/orgs/{org_id}/promo-codes/{promo_code_id}/counter-redemptions", Rule::Org(Role::Staff)),
    ("POST", "/api/v1/orgs/{org_id}/promo-codes/redeem", Rule::Org(Role::Staff)),
    ("POST", "/api/v1/orgs/{org_id}/promo-code-batches", Rule::Org(Role::Admin)),
    ("GET", "/api/v1/orgs/{org_id}/promo-code-batches/{batch}/csv", Rule::Org(Role::Staff)),
    ("GET", "/api/v1/orgs/{org_id}/orders", Rule::Org(Role::Staff)),
    ("GET", "/api/v1/orgs/{org_id}/orders/{order_id}", Rule::Org(Role::Staff)),
    ("POST", "/api/v1/orgs/{org_id}/orders/{order_id}/mark-paid", Rule::Org(Role::Staff)),
    ("POST", "/api/v1/orgs/{org_id}/orders/{order_id}/cancel", Rule::Org(Role::Staff)),
    ("GET", "/api/v1/orgs/{org_id}/orders/{order_id}/tickets", Rule::Org(Role::Staff)),
    ("GET", "/api/v1/orgs/{org_id}/orders/{order_id}/transfers", Rule::Org(Role::Staff)),
    ("GET", "/api/v1/orgs/{org_id}/events/{event_id}/transfer-settings", Rule::Org(Role::Staff)),
    ("PUT", "/api/v1/orgs/{org_id}/events/{event_id}/transfer-settings", Rule::Org(Role::Admin)),
    ("GET", "/api/v1/orgs/{org_id}/events/{event_id}/resale-settings", Rule::Org(Role::Staff)),
    ("PUT", "/api/v1/orgs/{org_id}/events/{event_id}/resale-settings", Rule::Org(Role::Admin)),
    ("GET", "/api/v1/orgs/{org_id}/events/{event_id}/resale-listings", Rule::Org(Role::Staff)),
    ("GET", "/api/v1/orgs/{org_id}/orders/{order_id}/resale-listings", Rule::Org(Role::Staff)),
    ("GET", "/api/v1/orgs/{org_id}/events/{event_id}/waitlist-settings", Rule::Org(Role::Staff)),
    ("PUT", "/api/v1/orgs/{org_id}/events/{event_id}/waitlist-settings", Rule::Org(Role::Admin)),
    ("GET", "/api/v1/orgs/{org_id}/events/{event_id}/waitlist", Rule::Org(Role::Staff)),
    ("POST", "/api/v1/orgs/{org_id}/tickets/{ticket_id}/void", Rule::Org(Role::Staff)),
    ("POST", "/api/v1/orgs/{org_id}/tickets/{ticket_id}/reissue", Rule::Org(Role::Staff)),
    ("GET", "/api/v1/orgs/{org_id}/keys", Rule::Org(Role::Scanner)),
    ("POST", "/api/v1/orgs/{org_id}/keys/rotate", Rule::Org(Role::Admin)),
    ("GET", "/api/v1/orgs/{org_id}/events/{event_id}/checkin-lists", Rule::Org(Role::Scanner)),
    ("POST", "/api/v1/orgs/{org_id}/events/{event_id}/checkin-lists", Rule::Org(Role::Admin)),
    ("GET", "/api/v1/orgs/{org_id}/checkin-lists/{list_id}", Rule::Org(Role::Scanner)),
    ("PUT", "/api/v1/orgs/{org_id}/checkin-lists/{list_id}", Rule::Org(Role::Admin)),
    ("POST", "/api/v1/orgs/{org_id}/checkin-lists/{list_id}/gates", Rule::Org(Role::Admin)),
    ("POST", "/api/v1/orgs/{org_id}/checkin-lists/{list_id}/scans", Rule::Org(Role::Scanner)),
    ("POST", "/api/v1/orgs/{org_id}/checkin-lists/{list_id}/scans/upload", Rule::Org(Role::Scanner)),
    ("GET", "/api/v1/orgs/{org_id}/checkin-lists/{list_id}/sync", Rule::Org(Role::Scanner)),
    ("GET", "/api/v1/orgs/{org_id}/checkin-lists/{list_id}/stats", Rule::Org(Role::Scanner)),
    ("GET", "/api/v1/orgs/{org_id}/checkin-lists/{list_id}/conflicts", Rule::Org(Role::Scanner)),
    ("GET", "/api/v1/orgs/{org_id}/payment-settings", Rule::Org(Role::Admin)),
    ("PUT", "/api/v1/orgs/{org_id}/payment-settings", Rule::Org(Role::Admin)),
    ("GET", "/api/v1/orgs/{org_id}/events/{event_id}/pricing", Rule::Org(Role::Staff)),
    ("PUT", "/api/v1/orgs/{org_id}/events/{event_id}/pricing", Rule::Org(Role::Admin)),
    ("GET", "/api/v1/orgs/{org_id}/orders/{order_id}/money", Rule::Org(Role::Staff)),
    ("POST", "/api/v1/orgs/{org_id}/orders/{order_id}/resend-confirmation", Rule::Org(Role::Staff)),
    ("GET", "/api/v1/orgs/{org_id}/balance", Rule::Org(Role::Staff)),
    ("GET", "/api/v1/orgs/{org_id}/payouts", Rule::Org(Role::Staff)),
    ("GET", "/api/v1/orgs/{org_id}/events/{event_id}/cancellation", Rule::Org(Role::Staff)),
    ("GET", "/api/v1/orgs/{org_id}/webhooks", Rule::Org(Role::Admin)),
    ("POST", "/api/v1/orgs/{org_id}/webhooks", Rule::Org(Role::Admin)),
    ("GET", "/api/v1/orgs/{org_id}/invoice-settings", Rule::Org(Role::Staff)),
    ("PUT", "/api/v1/orgs/{org_id}/invoice-settings", Rule::Org(Role::Admin)),
    ("POST", "/api/v1/orgs/{org_id}/orders/{order_id}/invoice", Rule::Org(Role::Staff)),
    ("GET", "/api/v1/orgs/{org_id}/orders/{order_id}/invoices", Rule::Org(Role::Staff)),
    ("GET", "/api/v1/orgs/{org_id}/invoices", Rule::Org(Role::Staff)),
    ("GET", "/api/v1/orgs/{org_id}/invoices.csv", Rule::Org(Role::Staff)),
    ("GET", "/api/v1/orgs/{org_id}/invoices/{invoice_id}", Rule::Org(Role::Staff)),
    ("GET", "/api/v1/orgs/{org_id}/invoices/{invoice_id}/pdf", Rule::Org(Role::Staff)),
    ("GET", "/api/v1/orgs/{org_id}/gift-cards", Rule::Org(Role::Staff)),
    ("POST", "/api/v1/orgs/{org_id}/gift-cards", Rule::Org(Role::Staff)),
    ("GET", "/api/v1/orgs/{org_id}/gift-cards/{gift_card_id}", Rule::Org(Role::Staff)),
    ("POST", "/api/v1/orgs/{org_id}/gift-cards/{gift_card_id}/disable", Rule::Org(Role::Staff)),
    ("POST", "/api/v1/orgs/{org_id}/gift-cards/{gift_card_id}/enable", Rule::Org(Role::Staff)),
    ("POST", "/api/v1/orgs/{org_id}/gift-cards/lookup", Rule::Org(Role::Staff)),
    ("POST", "/api/v1/orgs/{org_id}/gift-cards/redeem", Rule::Org(Role::Staff)),
    ("GET", "/api/v1/orgs/{org_id}/loyalty", Rule::Org(Role::Staff)),
    ("PUT", "/api/v1/orgs/{org_id}/loyalty", Rule::Org(Role::Admin)),
    ("GET", "/api/v1/orgs/{org_id}/loyalty/report", Rule::Org(Role::Staff)),
    ("GET", "/api/v1/me/points", Rule::SessionOnly),
    ("GET", "/api/v1/orgs/{org_id}/member-plans", Rule::Org(Role::Staff)),
    ("POST", "/api/v1/orgs/{org_id}/member-plans", Rule::Org(Role::Admin)),
    ("GET", "/api/v1/orgs/{org_id}/member-cards", Rule::Org(Role::Staff)),
    ("GET", "/api/v1/me/member-cards", Rule::SessionOnly),
    ("GET", "/api/v1/orgs/{org_id}/ticket-types/{ticket_type_id}/membership", Rule::Org(Role::Staff)),
    ("PUT", "/api/v1/orgs/{org_id}/ticket-types/{ticket_type_id}/member-rule", Rule::Org(Role::Admin)),
    ("DELETE", "/api/v1/orgs/{org_id}/ticket-types/{ticket_type_id}/member-rule", Rule::Org(Role::Admin)),
    ("GET", "/api/v1/admin/users", Rule::PlatformAdminOnly),
    ("GET", "/api/v1/admin/orgs", Rule::PlatformAdminOnly),
];

/// Endpoints whose access is covered by other tests (public, auth flows, operations).
const ELSEWHERE: &[(&str, &str)] = &[
    // Deleting a check-in list or a gate: tests/it/dashboard.rs (owner, and
    // the 409s for a scanned list and a list's last gate).
    ("DELETE", "/api/v1/orgs/{org_id}/checkin-lists/{list_id}"),
    ("DELETE", "/api/v1/orgs/{org_id}/checkin-lists/{list_id}/gates/{gate_id}"),
    // Event images take the image itself as the body, not JSON:
    // tests/it/media.rs (owner, a stranger's 404, anonymous 401).
    ("PUT", "/api/v1/orgs/{org_id}/events/{event_id}/image"),
    ("DELETE", "/api/v1/orgs/{org_id}/events/{event_id}/image"),
    // Buyer endpoints, the provider's webhook, and endpoints that need a paid
    // order or an endpoint with deliveries: tests/it/payments.rs (buyer,
    // owner, and a stranger's 404 on deliveries).
    ("POST", "/api/v1/orders/{order_id}/checkout"),
    ("POST", "/api/v1/orders/{order_id}/refund"),
    // A buyer's gift-card payment and balance check: tests/it/giftcards.rs
    // (the order's token, another organization's card, wrong codes).
    ("POST", "/api/v1/orders/{order_id}/gift-card"),
    ("POST", "/api/v1/gift-cards/balance"),
    // A buyer's points and paying with them: tests/it/loyalty.rs (signed in
    // as the order's buyer only, anonymous 401, an organization without points 404).
    ("GET", "/api/v1/me/points/{org_id}"),
    ("POST", "/api/v1/orders/{order_id}/points"),
    // Memberships that need a plan, a card or a type without orders:
    // tests/it/members.rs (staff issue and void, a scanner checks, admins
    // change plans and products, a stranger's 404, anonymous 401).
    ("PUT", "/api/v1/orgs/{org_id}/member-plans/{plan_id}"),
    ("POST", "/api/v1/orgs/{org_id}/member-cards"),
    ("POST", "/api/v1/orgs/{org_id}/member-cards/{card_id}/void"),
    ("POST", "/api/v1/orgs/{org_id}/member-cards/check"),
    ("PUT", "/api/v1/orgs/{org_id}/ticket-types/{ticket_type_id}/product"),
    ("DELETE", "/api/v1/orgs/{org_id}/ticket-types/{ticket_type_id}/product"),
    ("POST", "/api/v1/orgs/{org_id}/orders/{order_id}/refunds"),
    ("POST", "/api/v1/orgs/{org_id}/payouts"),
    ("POST", "/api/v1/payments/stripe/webhook/{org_id}"),
    ("PATCH", "/api/v1/orgs/{org_id}/webhooks/{endpoint_id}"),
    ("DELETE", "/api/v1/orgs/{org_id}/webhooks/{endpoint_id}"),
    ("GET", "/api/v1/orgs/{org_id}/webhooks/{endpoint_id}/deliveries"),
    ("POST", "/api/v1/orgs/{org_id}/webhooks/{endpoint_id}/deliveries/{delivery_id}/redeliver"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/api/v1/docs"),
    ("GET", "/api/v1/events"),
    ("GET", "/api/v1/events/{event_id}"),
    ("POST", "/api/v1/auth/register"),
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/logout"),
    ("POST", "/api/v1/me/totp/setup"),
    ("POST", "/api/v1/me/totp/enable"),
    ("POST", "/api/v1/me/totp/disable"),
    // Account security: tests/it/account_security.rs.
    ("POST", "/api/v1/auth/password-reset"),
    ("POST", "/api/v1/auth/password-reset/confirm"),
    ("POST", "/api/v1/auth/verify-email"),
    ("POST", "/api/v1/me/verify-email"),
    ("POST", "/api/v1/invitations/accept"),
    ("DELETE", "/api/v1/orgs/{org_id}/invitations/{invitation_id}"),
    ("POST", "/api/v1/events/{event_id}/orders"),
    ("GET", "/api/v1/events/{event_id}/availability"),
    ("GET", "/api/v1/events/{event_id}/seat-map"),
    ("GET", "/api/v1/events/{event_id}/seats"),
    ("GET", "/api/v1/orders/{order_id}"),
    ("POST", "/api/v1/orders/{order_id}/confirm"),
    ("POST", "/api/v1/orders/{order_id}/cancel"),
    ("GET", "/api/v1/orders/{order_id}/tickets"),
    // A buyer's invoices (their order's token): tests/it/invoices.rs (the
    // buyer, a wrong token's 404, another order's token).
    ("POST", "/api/v1/orders/{order_id}/invoice"),
    ("GET", "/api/v1/orders/{order_id}/invoices"),
    ("GET", "/api/v1/orders/{order_id}/invoices/{invoice_id}/pdf"),
    ("GET", "/api/v1/orders/{order_id}/tickets.pdf"),
    // Public, the same answer for everyone: tests/it/buyer.rs.
    ("POST", "/api/v1/orders/lookup"),
    // Transfers by ticket holders (the order's token or the holder's
    // account) and by recipients (the accept link's secret):
    // tests/it/transfers.rs (holders, strangers' 404, wrong secrets).
    ("POST", "/api/v1/orders/{order_id}/transfers"),
    ("GET", "/api/v1/orders/{order_id}/transfers"),
    ("POST", "/api/v1/orders/{order_id}/transfers/{transfer_id}/cancel"),
    ("GET", "/api/v1/transfers/{transfer_id}"),
    ("POST", "/api/v1/transfers/{transfer_id}/accept"),
    ("POST", "/api/v1/orders/{order_id}/tickets/{ticket_id}/holder"),
    // Resale by the order's buyer (its token or account) and the public
    // list of listings on sale: tests/it/resale.rs (a tokenless 404).
    ("POST", "/api/v1/orders/{order_id}/resale-listings"),
    ("GET", "/api/v1/orders/{order_id}/resale-listings"),
    ("POST", "/api/v1/orders/{order_id}/resale-listings/{listing_id}/withdraw"),
    ("GET", "/api/v1/events/{event_id}/resale-listings"),
    // Series (a fresh series or unsold occurrence per call): tests/it/series.rs
    // `roles_reach_series_as_the_catalog` (owner and admin manage, staff and
    // scanner read, strangers 404, anonymous 401; the public reads only
    // published series).
    ("GET", "/api/v1/orgs/{org_id}/series"),
    ("POST", "/api/v1/orgs/{org_id}/series"),
    ("GET", "/api/v1/orgs/{org_id}/series/{series_id}"),
    ("PATCH", "/api/v1/orgs/{org_id}/series/{series_id}"),
    ("POST", "/api/v1/orgs/{org_id}/series/{series_id}/publish"),
    ("GET", "/api/v1/orgs/{org_id}/series/{series_id}/occurrences"),
    ("DELETE", "/api/v1/orgs/{org_id}/series/{series_id}/occurrences/{event_id}"),
    ("GET", "/api/v1/series/{series_id}"),
    ("GET", "/api/v1/series/{series_id}/occurrences"),
    // Waitlists: joining is public (a sold-out type of a published event),
    // an entry is its buyer's (the entry's secret or the account), and
    // removing one takes a live entry per call: tests/it/waitlist.rs
    // (strangers' 404, wrong secrets, staff remove, scanners refused).
    ("POST", "/api/v1/events/{event_id}/waitlist"),
    ("GET", "/api/v1/waitlist/{entry_id}"),
    ("POST", "/api/v1/waitlist/{entry_id}/leave"),
    ("POST", "/api/v1/orgs/{org_id}/events/{event_id}/waitlist/{entry_id}/remove"),
];

fn expected(rule: Rule, kind: Kind) -> u16 {
    use Kind::*;
    match (rule, kind) {
        (_, Anonymous) => 401,
        (Rule::Authenticated, _) => 200,
        (Rule::SessionOnly, Token(_)) => 403,
        (Rule::SessionOnly, _) => 200,
        (Rule::PlatformAdminOnly, PlatformAdmin) => 200,
        (Rule::PlatformAdminOnly, _) => 403,
        (Rule::Org(_), Outsider) => 404,
        (Rule::Org(_), PlatformAdmin) => 200,
        (Rule::Org(min), Member(r) | Token(r)) => {
            if r >= min {
                200
            } else {
                403
            }
        }
    }
}

struct Fixture {
    t: TestApp,
    owner: Auth,
    org: String,
    venue: String,
    event: String,
    ticket_type: String,
    quota: String,
    list: String,
    /// An event sold by seat, and its ticket type.
    seated: (String, String),
    counter: std::sync::atomic::AtomicUsize,
}

impl Fixture {
    fn n(&self) -> usize {
        self.counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    }

    fn org_id(&self) -> OrgId {
        self.org.parse().unwrap()
    }

    async fn throwaway_user(&self) -> UserId {
        let u = self
            .t
            .store
            .create_user(NewUser {
                id: UserId::new(),
                email: Email::parse(&format!("extra{}@example.org", self.n())).unwrap(),
                name: "Extra".into(),
                password_hash: "x".into(),
                is_platform_admin: false,
                created_at: jiff::Timestamp::now(),
            })
            .await
            .unwrap();
        u.id
    }

    async fn throwaway_member(&self) -> UserId {
        let id = self.throwaway_user().await;
        self.t.store.set_membership(self.org_id(), id, Some(Role::Staff), jiff::Timestamp::now()).await.unwrap();
        id
    }

    async fn owner_actor(&self) -> Actor {
        let Auth::Session(s) = &self.owner else { unreachable!() };
        let u = self.t.store.user_auth(s.user_id).await.unwrap().unwrap().user;
        Actor::User(u)
    }

    /// The concrete request for an endpoint, with fresh resources where the
    /// call would use them up.
    async fn request(&self, method: &str, template: &str) -> (Method, String, Option<Value>) {
        let n = self.n();
        let org = &self.org;
        let m: Method = method.parse().unwrap();
        // A card to look at, switch or spend (issued by the owner each time).
        let card = if template.contains("/gift-cards/") {
            let actor = self.owner_actor().await;
            let input = serde_json::from_value(json!({"currency": "EUR", "value_minor": 1000})).unwrap();
            Some(self.t.app.issue_gift_card(&actor, self.org_id(), input).await.unwrap())
        } else {
            None
        };
        let body = match (method, template) {
            ("POST", "/api/v1/orgs") => Some(json!({"name": "New", "slug": format!("new-org-{n}")})),
            ("PATCH", "/api/v1/orgs/{org_id}") => Some(json!({"name": "Alpha"})),
            ("POST", "/api/v1/orgs/{org_id}/invitations") => {
                Some(json!({"email": format!("invitee{n}@example.org"), "role": "scanner"}))
            }
            ("POST", "/api/v1/orgs/{org_id}/members") => {
                let id = self.throwaway_user().await;
                let email = self.t.store.user_auth(id).await.unwrap().unwrap().user.email;
                Some(json!({"email": email.as_str(), "role": "staff"}))
            }
            ("POST", "/api/v1/orgs/{org_id}/events/{event_id}/seating/block") => {
                // A different seat each time, so every allowed call can block one.
                let doc = self.t.get(&format!("/api/v1/events/{}/seat-map", self.seated.0), &Auth::None).await;
                let ids: Vec<Value> = doc.body["sections"][0]["rows"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .flat_map(|r| r["seats"].as_array().unwrap().iter().map(|s| s["id"].clone()))
                    .collect();
                Some(json!({"seat_ids": [ids[n % ids.len()]], "blocked": true}))
            }
            ("PUT", "/api/v1/orgs/{org_id}/events/{event_id}/seating") => Some(json!({"zones": {"A": self.seated.1}})),
            ("PUT", "/api/v1/orgs/{org_id}/venues/{venue_id}/seat-map") => Some(json!({
                "format": "tessera-seat-map", "version": 1, "name": "Hall",
                "sections": [{"label": "S", "category": "A", "rows": [{"label": "A", "seats": [
                    {"label": "1", "x": 0.0, "y": 1.0}, {"label": "2", "x": 1.0, "y": 1.0}]}]}]
            })),
            ("POST", "/api/v1/orgs/{org_id}/venues/{venue_id}/seat-map/generate") => {
                Some(json!({"shape": "rectangular", "rows": 4, "seats_per_row": 25}))
            }
            ("PUT", "/api/v1/orgs/{org_id}/payment-settings") => Some(json!({"provider": "manual"})),
            ("PUT", "/api/v1/orgs/{org_id}/events/{event_id}/pricing") => Some(json!({"reminder_hours": n % 24})),
            ("PUT", "/api/v1/orgs/{org_id}/events/{event_id}/transfer-settings") => {
                Some(json!({"allowed": true, "cutoff_hours": n % 24, "max_per_ticket": 1}))
            }
            ("PUT", "/api/v1/orgs/{org_id}/events/{event_id}/resale-settings") => {
                Some(json!({"enabled": true, "cap_percent": 1 + n as i64 % 100, "fee_bp": 0, "offer_first": "primary"}))
            }
            ("PUT", "/api/v1/orgs/{org_id}/events/{event_id}/waitlist-settings") => {
                Some(json!({"enabled": true, "offer_minutes": 5 + n as i64 % 60}))
            }
            ("POST", "/api/v1/orgs/{org_id}/webhooks") => {
                Some(json!({"url": format!("https://hooks.example.org/{n}"), "event_types": ["order.paid"]}))
            }
            ("PUT", "/api/v1/orgs/{org_id}/checkin-lists/{list_id}") => Some(json!({"name": format!("L{n}")})),
            ("POST", "/api/v1/orgs/{org_id}/checkin-lists/{list_id}/gates") => Some(json!({"name": format!("G{n}")})),
            ("POST", "/api/v1/orgs/{org_id}/promo-codes") => {
                Some(json!({"code": format!("CODE{n}"), "kind": "percent", "value": 1000}))
            }
            ("PUT", "/api/v1/orgs/{org_id}/promo-codes/{promo_code_id}") => {
                Some(json!({"code": format!("EDIT{n}"), "kind": "percent", "value": 500}))
            }
            ("POST", "/api/v1/orgs/{org_id}/promo-codes/redeem") => {
                // A coupon of its own each time, taken at a counter.
                let actor = self.owner_actor().await;
                let code = json!({"code": format!("BAR{n}"), "kind": "percent", "value": 1000, "channel": "counter"});
                let code = serde_json::from_value(code).unwrap();
                self.t.app.create_promo_code(&actor, self.org_id(), code).await.unwrap();
                Some(json!({"code": format!("bar{n}"), "purchase_minor": 850, "currency": "EUR"}))
            }
            ("POST", "/api/v1/orgs/{org_id}/promo-code-batches") => {
                Some(json!({"prefix": "B", "count": 2, "kind": "percent", "value": 1000}))
            }
            ("POST", "/api/v1/orgs/{org_id}/ticket-types/{ticket_type_id}/price-tiers")
            | ("PUT", "/api/v1/orgs/{org_id}/price-tiers/{price_tier_id}") => {
                Some(json!({"name": format!("Tier {n}"), "price_minor": 100, "quantity": 5}))
            }
            ("PUT", "/api/v1/orgs/{org_id}/ticket-types/{ticket_type_id}/dynamic-pricing") => {
                Some(json!({"floor_minor": 100, "ceiling_minor": 200 + n, "rule": "share_sold"}))
            }
            ("PUT", "/api/v1/orgs/{org_id}/invoice-settings") => {
                Some(json!({"legal_name": format!("Alpha {n}"), "address": "1 Main St"}))
            }
            ("POST", "/api/v1/orgs/{org_id}/orders/{order_id}/invoice") => Some(json!({})),
            ("POST", "/api/v1/orgs/{org_id}/gift-cards") => Some(json!({"currency": "EUR", "value_minor": 500})),
            ("PUT", "/api/v1/orgs/{org_id}/loyalty") => Some(
                json!({"enabled": true, "earn_per_unit": n % 10, "redeem_points": 100, "redeem_value_minor": 100, "expiry_days": 0}),
            ),
            ("POST", "/api/v1/orgs/{org_id}/gift-cards/lookup") => Some(json!({"code": card.as_ref().unwrap().code})),
            ("POST", "/api/v1/orgs/{org_id}/gift-cards/redeem") => {
                Some(json!({"code": card.as_ref().unwrap().code, "amount_minor": 1}))
            }
            ("POST", "/api/v1/orgs/{org_id}/member-plans") => {
                Some(json!({"name": format!("Plan {n}"), "validity_days": 365}))
            }
            ("PUT", "/api/v1/orgs/{org_id}/ticket-types/{ticket_type_id}/member-rule") => {
                Some(json!({"members_only": false, "member_price_minor": 50}))
            }
            ("PUT", _) => Some(json!({"role": "scanner"})),
            ("POST", "/api/v1/orgs/{org_id}/tokens") => Some(json!({"name": format!("t{n}"), "role": "scanner"})),
            ("POST", "/api/v1/orgs/{org_id}/venues") => {
                Some(json!({"name": format!("Venue {n}"), "timezone": "Asia/Tokyo", "capacity": 10}))
            }
            ("PATCH", "/api/v1/orgs/{org_id}/venues/{venue_id}") => Some(json!({"capacity": 1000 + n})),
            ("POST", "/api/v1/orgs/{org_id}/events") => Some(event_body(&self.venue, &format!("E{n}"), 40)),
            ("PATCH", "/api/v1/orgs/{org_id}/events/{event_id}") => Some(json!({"description": format!("v{n}")})),
            ("POST", "/api/v1/orgs/{org_id}/events/{event_id}/ticket-types") => {
                Some(json!({"name": format!("T{n}"), "price_minor": 100, "currency": "EUR"}))
            }
            ("PATCH", "/api/v1/orgs/{org_id}/ticket-types/{ticket_type_id}") => Some(json!({"price_minor": 100 + n})),
            ("POST", "/api/v1/orgs/{org_id}/events/{event_id}/quotas") => {
                Some(json!({"name": format!("Q{n}"), "capacity": 5}))
            }
            ("PATCH", "/api/v1/orgs/{org_id}/quotas/{quota_id}") => Some(json!({"capacity": 200 + n})),
            ("POST", "/api/v1/orgs/{org_id}/tickets/{ticket_id}/reissue") => Some(json!({"holder_name": "New Holder"})),
            ("POST", "/api/v1/orgs/{org_id}/events/{event_id}/checkin-lists") => {
                Some(json!({"name": format!("L{n}"), "gates": ["North"]}))
            }
            ("POST", "/api/v1/orgs/{org_id}/checkin-lists/{list_id}/scans") => {
                Some(json!({"code": "not a code", "nonce": format!("n{n}")}))
            }
            ("POST", "/api/v1/orgs/{org_id}/checkin-lists/{list_id}/scans/upload") => Some(json!({"scans": [
                {"code": "not a code", "nonce": format!("u{n}"), "scanned_at": jiff::Timestamp::now().to_string(), "admitted": false}
            ]})),
            _ => None,
        };
        let event = match template {
            t if t.ends_with("/publish") => {
                let e = self.t.sellable_event(&self.owner, org, &self.venue, &format!("P{n}")).await;
                e["id"].as_str().unwrap().to_string()
            }
            t if t.ends_with("/cancel") || t.ends_with("/end") => {
                let e = self.t.sellable_event(&self.owner, org, &self.venue, &format!("C{n}")).await;
                let id = e["id"].as_str().unwrap().to_string();
                if t.ends_with("/end") {
                    let r =
                        self.t.post(&format!("/api/v1/orgs/{org}/events/{id}/publish"), &self.owner, json!({})).await;
                    assert_eq!(r.status, 200, "{r:?}");
                }
                id
            }
            // Seat endpoints act on an event sold by seat (which takes no line orders).
            t if t.contains("/seating") => self.seated.0.clone(),
            _ => self.event.clone(),
        };
        let user = match method {
            "PUT" | "DELETE" if template.contains("{user_id}") => self.throwaway_member().await.to_string(),
            _ => String::new(),
        };
        let token = if template.contains("{token_id}") {
            let actor = self.owner_actor().await;
            let t = self
                .t
                .app
                .create_token(
                    &actor,
                    self.org_id(),
                    NewToken { name: format!("x{n}"), role: Role::Scanner, expires_in_days: None },
                )
                .await
                .unwrap();
            t.token.id.to_string()
        } else {
            String::new()
        };
        let (promo, batch) = if template.contains("{promo_code_id}") || template.contains("{batch}") {
            let actor = self.owner_actor().await;
            let settings = json!({"code": format!("FIX{n}"), "kind": "percent", "value": 100});
            let p = self.t.app.create_promo_code(&actor, self.org_id(), serde_json::from_value(settings).unwrap());
            let batch = json!({"prefix": "P", "count": 1, "kind": "percent", "value": 100});
            let b = self.t.app.generate_promo_batch(&actor, self.org_id(), serde_json::from_value(batch).unwrap());
            (p.await.unwrap().id.to_string(), b.await.unwrap().batch)
        } else {
            (String::new(), String::new())
        };
        let tier = if template.contains("{price_tier_id}") {
            // On a ticket type of its own: a type has at most ten tiers.
            let actor = self.owner_actor().await;
            let tt = json!({"name": format!("Tiered {n}"), "price_minor": 100, "currency": "EUR"});
            let tt = self.t.app.create_ticket_type(
                &actor,
                self.org_id(),
                self.event.parse().unwrap(),
                serde_json::from_value(tt).unwrap(),
            );
            let tt = tt.await.unwrap().id;
            let input = serde_json::from_value(json!({"name": format!("Fix {n}"), "price_minor": 1, "quantity": 1}));
            self.t.app.create_price_tier(&actor, self.org_id(), tt, input.unwrap()).await.unwrap().id.to_string()
        } else {
            String::new()
        };
        // Dynamic pricing on a ticket type of its own, already on (so that
        // each allowed DELETE has something to turn off).
        let ticket_type = if template.ends_with("/dynamic-pricing") {
            let actor = self.owner_actor().await;
            let tt = json!({"name": format!("Dynamic {n}"), "price_minor": 100, "currency": "EUR"});
            let tt = self.t.app.create_ticket_type(
                &actor,
                self.org_id(),
                self.event.parse().unwrap(),
                serde_json::from_value(tt).unwrap(),
            );
            let tt = tt.await.unwrap().id;
            let on = json!({"floor_minor": 100, "ceiling_minor": 300, "rule": "share_sold"});
            self.t
                .app
                .set_dynamic_pricing(&actor, self.org_id(), tt, serde_json::from_value(on).unwrap())
                .await
                .unwrap();
            tt.to_string()
        } else {
            self.ticket_type.clone()
        };
        let invoiced = template.contains("{invoice_id}");
        let paid = template.ends_with("/tickets")
            || template.contains("{ticket_id}")
            || template.ends_with("/resend-confirmation")
            || template.ends_with("/invoice")
            || invoiced;
        if template.contains("invoice") {
            let owner = self.owner_actor().await;
            let settings = json!({"legal_name": "Alpha GmbH", "address": "1 Main St"});
            let settings = serde_json::from_value(settings).unwrap();
            self.t.app.set_invoice_settings(&owner, self.org_id(), settings).await.unwrap();
        }
        let order = if template.contains("{order_id}") || paid {
            let input = PlaceOrder {
                locale: None,
                lines: vec![LineRequest { ticket_type_id: self.ticket_type.parse().unwrap(), quantity: 1 }],
                email: Some(Email::parse("buyer@example.org").unwrap()),
                name: Some("Buyer".into()),
                resale_listing_id: None,
                access_code: None,
                promo_code: None,
                seats: None,
            };
            let placed = self.t.app.place_order(&Actor::Anonymous, self.event.parse().unwrap(), input).await.unwrap();
            if paid {
                let owner = self.owner_actor().await;
                self.t.app.mark_paid(&owner, self.org_id(), placed.order.id).await.unwrap();
            }
            placed.order.id.to_string()
        } else {
            String::new()
        };
        let invoice = if invoiced {
            let owner = self.owner_actor().await;
            let (inv, _) = self
                .t
                .app
                .issue_invoice(&owner, self.org_id(), order.parse().unwrap(), Default::default())
                .await
                .unwrap();
            inv.id.to_string()
        } else {
            String::new()
        };
        let ticket = if template.contains("{ticket_id}") {
            let tickets = self.t.store.order_tickets(order.parse().unwrap()).await.unwrap();
            tickets[0].id.to_string()
        } else {
            String::new()
        };
        let path = template
            .replace("{order_id}", &order)
            .replace("{org_id}", org)
            .replace("{venue_id}", &self.venue)
            .replace("{event_id}", &event)
            .replace("{ticket_type_id}", &ticket_type)
            .replace("{quota_id}", &self.quota)
            .replace("{user_id}", &user)
            .replace("{token_id}", &token)
            .replace("{ticket_id}", &ticket)
            .replace("{list_id}", &self.list)
            .replace("{promo_code_id}", &promo)
            .replace("{batch}", &batch)
            .replace("{price_tier_id}", &tier)
            .replace("{invoice_id}", &invoice)
            .replace("{gift_card_id}", &card.map(|c| c.id.to_string()).unwrap_or_default());
        (m, path, body)
    }
}

async fn member(t: &TestApp, owner: &Auth, org: &str, email: &str, role: &str) -> Auth {
    let s = t.register(email).await;
    let r = t.post(&format!("/api/v1/orgs/{org}/members"), owner, json!({"email": email, "role": role})).await;
    assert_eq!(r.status, 200, "{r:?}");
    Auth::Session(s)
}

async fn token(t: &TestApp, owner: &Auth, org: &str, role: &str) -> Auth {
    let r = t.post(&format!("/api/v1/orgs/{org}/tokens"), owner, json!({"name": role, "role": role})).await;
    assert_eq!(r.status, 201, "{r:?}");
    Auth::Bearer(r.body["secret"].as_str().unwrap().to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_with_every_role() {
    let t = spawn_app().await;
    let (owner, org) = t.organizer("owner@a.example.org", "alpha").await;
    let venue = t.venue(&owner, &org, "Hall").await;
    let e = t.sellable_event(&owner, &org, &venue, "Main").await;
    let event = e["id"].as_str().unwrap().to_string();
    let types = t.get(&format!("/api/v1/orgs/{org}/events/{event}/ticket-types"), &owner).await;
    let ticket_type = types.body[0]["id"].as_str().unwrap().to_string();
    let quota = types.body[0]["quota_ids"][0].as_str().unwrap().to_string();
    assert_eq!(t.post(&format!("/api/v1/orgs/{org}/events/{event}/publish"), &owner, json!({})).await.status, 200);

    let mut actors: Vec<(String, Auth, Kind)> = vec![
        ("anonymous".into(), Auth::None, Kind::Anonymous),
        ("owner".into(), owner.clone(), Kind::Member(Role::Owner)),
    ];
    for role in ["admin", "staff", "scanner"] {
        let a = member(&t, &owner, &org, &format!("{role}@a.example.org"), role).await;
        actors.push((role.into(), a, Kind::Member(role.parse().unwrap())));
    }
    for role in ["owner", "admin", "staff", "scanner"] {
        actors.push((format!("{role} token"), token(&t, &owner, &org, role).await, Kind::Token(role.parse().unwrap())));
    }
    let (outsider, _) = t.organizer("boss@b.example.org", "beta").await;
    actors.push(("member of another org".into(), outsider, Kind::Outsider));
    let admin = t.register("root@example.org").await;
    t.store.set_platform_admin(admin.user_id, true).await.unwrap();
    actors.push(("platform admin".into(), Auth::Session(admin), Kind::PlatformAdmin));

    let list = t
        .post(
            &format!("/api/v1/orgs/{org}/events/{event}/checkin-lists"),
            &owner,
            json!({"name": "Doors", "gates": ["A"]}),
        )
        .await;
    assert_eq!(list.status, 201, "{list:?}");
    let list = list.body["id"].as_str().unwrap().to_string();
    let map = t
        .post(
            &format!("/api/v1/orgs/{org}/venues/{venue}/seat-map/generate"),
            &owner,
            json!({"shape": "rectangular", "rows": 4, "seats_per_row": 25}),
        )
        .await;
    assert_eq!(map.status, 200, "{map:?}");
    let play = t.sellable_event(&owner, &org, &venue, "Seated").await;
    let play = play["id"].as_str().unwrap().to_string();
    let types = t.get(&format!("/api/v1/orgs/{org}/events/{play}/ticket-types"), &owner).await;
    let play_type = types.body[0]["id"].as_str().unwrap().to_string();
    let seating =
        t.put(&format!("/api/v1/orgs/{org}/events/{play}/seating"), &owner, json!({"zones": {"A": play_type}})).await;
    assert_eq!(seating.status, 200, "{seating:?}");
    assert_eq!(t.post(&format!("/api/v1/orgs/{org}/events/{play}/publish"), &owner, json!({})).await.status, 200);
    let fx = Fixture {
        t,
        owner,
        org,
        venue,
        event,
        ticket_type,
        quota,
        list,
        seated: (play, play_type),
        counter: Default::default(),
    };
    let mut failures = Vec::new();
    let mut checked = 0;
    for (method, template, rule) in MATRIX {
        for (name, auth, kind) in &actors {
            let (m, path, body) = fx.request(method, template).await;
            let r = fx.t.req(m, &path, auth, body).await;
            let want = expected(*rule, *kind);
            let ok = match want {
                200 => (200..300).contains(&r.status),
                code => r.status == code,
            };
            if !ok {
                failures.push(format!("{method} {template} as {name}: want {want}, got {r:?}"));
            }
            if want == 404 {
                assert_eq!(r.code(), "not_found", "{method} {template} as {name}");
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{} of {checked} checks failed:\n{}", failures.len(), failures.join("\n"));

    // A stranger's 404 looks exactly like the 404 for an organization that does not exist.
    let (stranger, _) = fx.t.organizer("c@c.example.org", "gamma").await;
    let real = fx.t.get(&format!("/api/v1/orgs/{}/venues/{}", fx.org, fx.venue), &stranger).await;
    let fake = fx.t.get(&format!("/api/v1/orgs/{}/venues/{}", OrgId::new(), fx.venue), &stranger).await;
    assert_eq!((real.status, real.body.clone()), (fake.status, fake.body.clone()));
}

#[test]
fn the_matrix_covers_every_documented_endpoint() {
    let doc = tessera_web::openapi();
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.insert((method.to_uppercase(), path.clone()));
        }
    }
    let covered: BTreeSet<(String, String)> = MATRIX
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .chain(ELSEWHERE.iter().map(|(m, p)| (m.to_string(), p.to_string())))
        .collect();
    assert_eq!(documented, covered);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_cannot_be_escalated() {
    let t = spawn_app().await;
    let (owner, org) = t.organizer("owner@a.example.org", "alpha").await;
    let admin = member(&t, &owner, &org, "admin@a.example.org", "admin").await;
    let Auth::Session(admin_session) = &admin else { unreachable!() };
    // An admin cannot make owners, demote owners, or mint tokens above their role.
    t.register("third@a.example.org").await;
    let r = t
        .post(&format!("/api/v1/orgs/{org}/members"), &admin, json!({"email": "third@a.example.org", "role": "owner"}))
        .await;
    assert_eq!(r.status, 403, "{r:?}");
    let Auth::Session(owner_session) = &owner else { unreachable!() };
    let r = t
        .req(
            Method::PUT,
            &format!("/api/v1/orgs/{org}/members/{}", owner_session.user_id),
            &admin,
            Some(json!({"role": "staff"})),
        )
        .await;
    assert_eq!(r.status, 403, "{r:?}");
    let r = t.post(&format!("/api/v1/orgs/{org}/tokens"), &admin, json!({"name": "x", "role": "owner"})).await;
    assert_eq!((r.status, r.fields()), (422, vec!["role".to_string()]), "{r:?}");
    // An admin token cannot make itself an owner token either.
    let admin_token = token(&t, &owner, &org, "admin").await;
    let r = t.post(&format!("/api/v1/orgs/{org}/tokens"), &admin_token, json!({"name": "x", "role": "owner"})).await;
    assert_eq!(r.status, 422, "{r:?}");
    // The last owner cannot leave.
    let r = t.req(Method::DELETE, &format!("/api/v1/orgs/{org}/members/{}", owner_session.user_id), &owner, None).await;
    assert_eq!((r.status, r.code()), (409, "conflict"), "{r:?}");
    // An admin may remove themselves.
    let r = t.req(Method::DELETE, &format!("/api/v1/orgs/{org}/members/{}", admin_session.user_id), &admin, None).await;
    assert_eq!(r.status, 204, "{r:?}");
    let r = t.get(&format!("/api/v1/orgs/{org}"), &admin).await;
    assert_eq!(r.status, 404, "gone means gone: {r:?}");
}
