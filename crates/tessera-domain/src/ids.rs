//! Time-ordered (UUIDv7) identifiers, one newtype per entity so that an event id
//! can never be passed where an order id is expected.

use std::fmt;
use std::str::FromStr;

macro_rules! id_type {
    ($($(#[$meta:meta])* $name:ident),* $(,)?) => {$(
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[serde(transparent)]
        #[schema(value_type = String, format = "uuid")]
        pub struct $name(pub uuid::Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(uuid::Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                uuid::Uuid::parse_str(s).map(Self)
            }
        }
    )*};
}

id_type!(
    /// An organization: the tenant that owns venues, events and orders.
    OrgId,
    /// A person with a login.
    UserId,
    /// A place where events happen.
    VenueId,
    /// One occurrence of something at a venue.
    EventId,
    /// A product sold for an event.
    TicketTypeId,
    /// A capacity pool shared by ticket types.
    QuotaId,
    /// An API token.
    TokenId,
    /// An order (and the hold that reserves its inventory, which shares its id).
    OrderId,
    /// One issued admission.
    TicketId,
    /// A check-in list: which tickets of an event may enter, and how often.
    CheckinListId,
    /// An entrance of a check-in list.
    GateId,
    /// One validation attempt at a gate.
    ScanId,
    /// A promo code (voucher) of an organization or one of its events.
    PromoCodeId,
    /// A price tier of a ticket type (early bird by date or by quantity).
    PriceTierId,
    /// An invoice or credit note of an organization.
    InvoiceId,
    /// A gift card: a balance in one currency that pays for orders.
    GiftCardId,
    /// A series: a rule whose occurrences are events.
    SeriesId,
    /// A membership plan of an organization (what a membership gives, for how long).
    MemberPlanId,
    /// A member card: one person's membership of a plan, for a period.
    MemberCardId,
);
