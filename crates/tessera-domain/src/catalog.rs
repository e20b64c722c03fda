//! The catalog: venues, events, ticket types and the quotas they draw from,
//! the inputs that create or change them, and the rules those inputs obey.
//!
//! Inputs validate field by field while they are deserialized (a currency, a
//! time zone or a category that does not exist never becomes a value), and
//! across fields in `validate`, which reports every problem at once.

use crate::validation::{MessageKey, ValidationError, check_text};
use crate::{Currency, EventId, Money, OrgId, QuotaId, TicketTypeId, Timestamp, VenueId};
use std::fmt;
use std::str::FromStr;

/// Upper bound on a ticket price in minor units (ten billion major units):
/// far above any real ticket, far below where totals could overflow an i64.
pub const MAX_PRICE_MINOR: i64 = 1_000_000_000_000;
/// Upper bound on one capacity pool.
pub const MAX_CAPACITY: i64 = 10_000_000;
/// Upper bound on tickets of one type in one order.
pub const MAX_PER_ORDER: i64 = 100;

/// A name from the IANA time zone database, such as `Europe/Berlin`.
#[derive(Clone, PartialEq, Eq, Hash, utoipa::ToSchema)]
#[schema(value_type = String, example = "Europe/Berlin")]
pub struct TimeZoneName(String);

impl TimeZoneName {
    pub fn parse(name: &str) -> Result<Self, String> {
        if name.is_empty() || name.len() > 64 {
            return Err("must be an IANA time zone name such as Europe/Berlin".into());
        }
        jiff::tz::db().get(name).map(|_| Self(name.to_string())).map_err(|_| format!("unknown IANA time zone `{name}`"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn tz(&self) -> jiff::tz::TimeZone {
        // Validated on construction; UTC only if the database changed under us.
        jiff::tz::db().get(&self.0).unwrap_or(jiff::tz::TimeZone::UTC)
    }

    /// The instant as wall-clock time in this zone, RFC 9557 style.
    pub fn local(&self, at: Timestamp) -> String {
        at.to_zoned(self.tz()).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
    }
}

impl fmt::Display for TimeZoneName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for TimeZoneName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TimeZoneName({})", self.0)
    }
}

impl serde::Serialize for TimeZoneName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for TimeZoneName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        TimeZoneName::parse(&s).map_err(serde::de::Error::custom)
    }
}

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),* }
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)*
                    other => Err(format!("unknown {} `{}`", stringify!($name).to_lowercase(), other)),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum!(
    /// What kind of thing an event is; used for browsing and filtering.
    Category {
        Concert = "concert",
        Theatre = "theatre",
        Sports = "sports",
        Conference = "conference",
        Festival = "festival",
        Exhibition = "exhibition",
        Comedy = "comedy",
        Family = "family",
        Course = "course",
        Transport = "transport",
        Other = "other",
    }
);

string_enum!(
    /// Where an event is in its life. Only published events are public.
    EventStatus {
        Draft = "draft",
        Published = "published",
        Cancelled = "cancelled",
        Ended = "ended",
    }
);

string_enum!(
    /// Whether a ticket type is listed publicly or only reachable by link or code.
    Visibility {
        Public = "public",
        Hidden = "hidden",
    }
);

impl EventStatus {
    /// The status an action leads to, or why it cannot happen.
    pub fn transition(self, action: EventAction) -> Result<EventStatus, String> {
        use EventStatus::*;
        match (self, action) {
            (Draft, EventAction::Publish) => Ok(Published),
            (Draft | Published, EventAction::Cancel) => Ok(Cancelled),
            (Published, EventAction::End) => Ok(Ended),
            (from, action) => Err(format!("a {from} event cannot be {}", action.past_tense())),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventAction {
    Publish,
    Cancel,
    End,
}

impl EventAction {
    fn past_tense(self) -> &'static str {
        match self {
            EventAction::Publish => "published",
            EventAction::Cancel => "cancelled",
            EventAction::End => "ended",
        }
    }
}

// ---------------------------------------------------------------- records

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Venue {
    pub id: VenueId,
    pub org_id: OrgId,
    pub name: String,
    pub address: String,
    pub timezone: TimeZoneName,
    /// General-admission capacity of the whole venue.
    pub capacity: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Event {
    pub id: EventId,
    pub org_id: OrgId,
    pub venue_id: VenueId,
    pub title: String,
    pub description: String,
    pub category: Category,
    pub image_urls: Vec<String>,
    #[schema(value_type = String, format = DateTime)]
    pub starts_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub ends_at: Timestamp,
    pub status: EventStatus,
    /// When sales open; `null` means as soon as the event is published.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sales_start: Option<Timestamp>,
    /// When sales close; `null` means when the event starts.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sales_end: Option<Timestamp>,
    /// Most tickets one customer (account, or e-mail address for guests) may hold or buy.
    pub max_tickets_per_customer: Option<i64>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

impl Event {
    /// The instant sales close when no explicit end is set.
    pub fn effective_sales_end(&self) -> Timestamp {
        self.sales_end.unwrap_or(self.starts_at)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct TicketType {
    pub id: TicketTypeId,
    pub event_id: EventId,
    pub org_id: OrgId,
    pub name: String,
    pub description: String,
    pub price: Money,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sales_start: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sales_end: Option<Timestamp>,
    pub min_per_order: i64,
    pub max_per_order: i64,
    pub visibility: Visibility,
    /// For hidden ticket types: the code that unlocks them (shared by link).
    pub access_code: Option<String>,
    /// The quotas this ticket type draws from; it is available only while all have room.
    pub quota_ids: Vec<QuotaId>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

impl TicketType {
    /// Whether this ticket type is within its own and its event's sales window at `now`.
    pub fn on_sale(&self, event: &Event, now: Timestamp) -> bool {
        let start = match (event.sales_start, self.sales_start) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        let end = self.sales_end.map_or(event.effective_sales_end(), |e| e.min(event.effective_sales_end()));
        event.status == EventStatus::Published && start.is_none_or(|s| now >= s) && now < end
    }
}

/// A capacity pool. `sold + held <= capacity` always holds (invariant 1).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Quota {
    pub id: QuotaId,
    pub event_id: EventId,
    pub org_id: OrgId,
    pub name: String,
    pub capacity: i64,
    pub sold: i64,
    pub held: i64,
    pub ticket_type_ids: Vec<TicketTypeId>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

impl Quota {
    pub fn available(&self) -> i64 {
        (self.capacity - self.sold - self.held).max(0)
    }
}

/// How many tickets of a type can still be had: the tightest of its quotas.
/// A ticket type in no quota cannot be sold at all.
pub fn ticket_type_availability(tt: &TicketType, quotas: &[Quota]) -> i64 {
    tt.quota_ids.iter().map(|qid| quotas.iter().find(|q| q.id == *qid).map_or(0, Quota::available)).min().unwrap_or(0)
}

// ----------------------------------------------------------------- inputs

/// Deserializes a present field (even `null`) as `Some(value)`, so that PATCH
/// bodies can tell "absent: keep" from "null: clear".
pub fn double_option<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    use serde::Deserialize;
    Option::<T>::deserialize(d).map(Some)
}

/// "must be between `min` and `max`".
fn between(min: i64, max: i64) -> MessageKey {
    MessageKey::new("errors-between").num("min", min).num("max", max)
}

fn check_window(errors: &mut ValidationError, start: Option<Timestamp>, end: Option<Timestamp>, field: &str) {
    if let (Some(s), Some(e)) = (start, end) {
        errors.check_key(e > s, field, MessageKey::new("errors-after-sales-start"), "must be after sales_start");
    }
}

fn check_urls(errors: &mut ValidationError, urls: &[String]) {
    let key = MessageKey::new("errors-image-count").num("max", 10);
    errors.check_key(urls.len() <= 10, "image_urls", key, "at most 10 images");
    for (i, u) in urls.iter().enumerate() {
        let ok = (u.starts_with("https://") || u.starts_with("http://"))
            && u.len() <= 2048
            && u.len() > "https://".len()
            && !u.chars().any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>');
        let key = MessageKey::new("errors-image-url").num("max", 2048);
        errors.check_key(ok, &format!("image_urls[{i}]"), key, "must be an http(s) URL of at most 2048 characters");
    }
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewVenue {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub address: String,
    pub timezone: TimeZoneName,
    /// General-admission capacity.
    #[schema(minimum = 0, maximum = 10000000)]
    pub capacity: i64,
}

impl NewVenue {
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut e = ValidationError::new();
        check_text(&mut e, "name", &self.name, 1, 200);
        check_text(&mut e, "address", &self.address, 0, 500);
        e.check_key(
            (0..=MAX_CAPACITY).contains(&self.capacity),
            "capacity",
            between(0, MAX_CAPACITY),
            format!("must be between 0 and {MAX_CAPACITY}"),
        );
        e.finish()
    }
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VenuePatch {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[schema(max_length = 500)]
    pub address: Option<String>,
    pub timezone: Option<TimeZoneName>,
    #[schema(minimum = 0, maximum = 10000000)]
    pub capacity: Option<i64>,
}

impl VenuePatch {
    pub fn apply(&self, v: &Venue) -> Result<NewVenue, ValidationError> {
        let n = NewVenue {
            name: self.name.clone().unwrap_or_else(|| v.name.clone()),
            address: self.address.clone().unwrap_or_else(|| v.address.clone()),
            timezone: self.timezone.clone().unwrap_or_else(|| v.timezone.clone()),
            capacity: self.capacity.unwrap_or(v.capacity),
        };
        n.validate()?;
        Ok(n)
    }
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEvent {
    pub venue_id: VenueId,
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub description: String,
    pub category: Category,
    #[serde(default)]
    #[schema(max_items = 10)]
    pub image_urls: Vec<String>,
    #[schema(value_type = String, format = DateTime)]
    pub starts_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub ends_at: Timestamp,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sales_start: Option<Timestamp>,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sales_end: Option<Timestamp>,
    #[serde(default)]
    #[schema(minimum = 1, maximum = 10000)]
    pub max_tickets_per_customer: Option<i64>,
}

impl NewEvent {
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut e = ValidationError::new();
        check_text(&mut e, "title", &self.title, 1, 200);
        check_text(&mut e, "description", &self.description, 0, 20_000);
        check_urls(&mut e, &self.image_urls);
        e.check_key(
            self.ends_at > self.starts_at,
            "ends_at",
            MessageKey::new("errors-after-start"),
            "must be after starts_at",
        );
        check_window(&mut e, self.sales_start, self.sales_end, "sales_end");
        if let Some(end) = self.sales_end {
            e.check_key(
                end <= self.ends_at,
                "sales_end",
                MessageKey::new("errors-not-after-end"),
                "must not be after ends_at",
            );
        }
        if let Some(m) = self.max_tickets_per_customer {
            let ok = (1..=10_000).contains(&m);
            e.check_key(ok, "max_tickets_per_customer", between(1, 10_000), "must be between 1 and 10000");
        }
        e.finish()
    }
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventPatch {
    pub venue_id: Option<VenueId>,
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    pub category: Option<Category>,
    #[schema(max_items = 10)]
    pub image_urls: Option<Vec<String>>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub starts_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ends_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sales_start: Option<Option<Timestamp>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sales_end: Option<Option<Timestamp>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub max_tickets_per_customer: Option<Option<i64>>,
}

impl EventPatch {
    pub fn apply(&self, ev: &Event) -> Result<NewEvent, ValidationError> {
        let n = NewEvent {
            venue_id: self.venue_id.unwrap_or(ev.venue_id),
            title: self.title.clone().unwrap_or_else(|| ev.title.clone()),
            description: self.description.clone().unwrap_or_else(|| ev.description.clone()),
            category: self.category.unwrap_or(ev.category),
            image_urls: self.image_urls.clone().unwrap_or_else(|| ev.image_urls.clone()),
            starts_at: self.starts_at.unwrap_or(ev.starts_at),
            ends_at: self.ends_at.unwrap_or(ev.ends_at),
            sales_start: self.sales_start.unwrap_or(ev.sales_start),
            sales_end: self.sales_end.unwrap_or(ev.sales_end),
            max_tickets_per_customer: self.max_tickets_per_customer.unwrap_or(ev.max_tickets_per_customer),
        };
        n.validate()?;
        Ok(n)
    }
}

fn default_min() -> i64 {
    1
}
fn default_max() -> i64 {
    10
}
fn default_visibility() -> Visibility {
    Visibility::Public
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTicketType {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub description: String,
    /// Price in minor units of `currency` (cents for EUR, yen for JPY).
    #[schema(minimum = 0, maximum = 1_000_000_000_000.0)]
    pub price_minor: i64,
    pub currency: Currency,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sales_start: Option<Timestamp>,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sales_end: Option<Timestamp>,
    #[serde(default = "default_min")]
    #[schema(minimum = 1, maximum = 100)]
    pub min_per_order: i64,
    #[serde(default = "default_max")]
    #[schema(minimum = 1, maximum = 100)]
    pub max_per_order: i64,
    #[serde(default = "default_visibility")]
    pub visibility: Visibility,
    /// Unlocks a hidden ticket type; required when `visibility` is `hidden`.
    #[serde(default)]
    #[schema(min_length = 4, max_length = 64, pattern = "^[A-Za-z0-9_-]{4,64}$")]
    pub access_code: Option<String>,
    /// Quotas (of the same event) this ticket type draws from.
    #[serde(default)]
    #[schema(max_items = 16)]
    pub quota_ids: Vec<QuotaId>,
}

impl NewTicketType {
    fn validate_with(&self, min_code_len: usize) -> Result<(), ValidationError> {
        let mut e = ValidationError::new();
        check_text(&mut e, "name", &self.name, 1, 200);
        check_text(&mut e, "description", &self.description, 0, 5_000);
        e.check_key(
            (0..=MAX_PRICE_MINOR).contains(&self.price_minor),
            "price_minor",
            between(0, MAX_PRICE_MINOR),
            format!("must be between 0 and {MAX_PRICE_MINOR}"),
        );
        e.check_key(
            (1..=MAX_PER_ORDER).contains(&self.min_per_order),
            "min_per_order",
            between(1, MAX_PER_ORDER),
            format!("must be between 1 and {MAX_PER_ORDER}"),
        );
        e.check_key(
            (self.min_per_order..=MAX_PER_ORDER).contains(&self.max_per_order),
            "max_per_order",
            MessageKey::new("errors-between-min-per-order").num("max", MAX_PER_ORDER),
            format!("must be between min_per_order and {MAX_PER_ORDER}"),
        );
        check_window(&mut e, self.sales_start, self.sales_end, "sales_end");
        let mut seen = self.quota_ids.clone();
        seen.sort();
        seen.dedup();
        let unique = seen.len() == self.quota_ids.len();
        e.check_key(unique, "quota_ids", MessageKey::new("errors-repeated-quota"), "must not repeat a quota");
        let key = MessageKey::new("errors-quota-count").num("max", 16);
        e.check_key(self.quota_ids.len() <= 16, "quota_ids", key, "at most 16 quotas");
        match (&self.visibility, &self.access_code) {
            (Visibility::Hidden, None) => e.add_key(
                "access_code",
                MessageKey::new("errors-hidden-needs-access-code"),
                "a hidden ticket type needs an access code",
            ),
            (_, Some(code)) => e.check_key(
                (min_code_len..=64).contains(&code.len())
                    && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                "access_code",
                MessageKey::new("errors-access-code-format").num("min", min_code_len).num("max", 64),
                format!("must be {min_code_len}-64 characters of A-Z, a-z, 0-9, '-' and '_'"),
            ),
            _ => {}
        }
        e.finish()
    }

    pub fn validate(&self) -> Result<(), ValidationError> {
        self.validate_with(MIN_ACCESS_CODE_LEN)
    }
}

/// The shortest access code a new or changed hidden ticket type may have:
/// 8 characters of 64 kinds is 48 bits, out of reach of rate-limited guessing.
/// Codes made before this rule (4-7 characters) keep working unchanged.
pub const MIN_ACCESS_CODE_LEN: usize = 8;

/// Whether `given` is the ticket type's access code, compared in constant
/// time (for codes of the same length), so that timing does not reveal how
/// much of a guess was right.
pub fn access_code_matches(expected: Option<&str>, given: Option<&str>) -> bool {
    match (expected, given) {
        (Some(a), Some(b)) => {
            a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
        }
        _ => false,
    }
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketTypePatch {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    #[schema(minimum = 0, maximum = 1_000_000_000_000.0)]
    pub price_minor: Option<i64>,
    pub currency: Option<Currency>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sales_start: Option<Option<Timestamp>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sales_end: Option<Option<Timestamp>>,
    #[schema(minimum = 1, maximum = 100)]
    pub min_per_order: Option<i64>,
    #[schema(minimum = 1, maximum = 100)]
    pub max_per_order: Option<i64>,
    pub visibility: Option<Visibility>,
    #[serde(default, deserialize_with = "double_option")]
    pub access_code: Option<Option<String>>,
    #[schema(max_items = 16)]
    pub quota_ids: Option<Vec<QuotaId>>,
}

impl TicketTypePatch {
    pub fn apply(&self, t: &TicketType) -> Result<NewTicketType, ValidationError> {
        let n = NewTicketType {
            name: self.name.clone().unwrap_or_else(|| t.name.clone()),
            description: self.description.clone().unwrap_or_else(|| t.description.clone()),
            price_minor: self.price_minor.unwrap_or(t.price.amount_minor),
            currency: self.currency.unwrap_or(t.price.currency),
            sales_start: self.sales_start.unwrap_or(t.sales_start),
            sales_end: self.sales_end.unwrap_or(t.sales_end),
            min_per_order: self.min_per_order.unwrap_or(t.min_per_order),
            max_per_order: self.max_per_order.unwrap_or(t.max_per_order),
            visibility: self.visibility.unwrap_or(t.visibility),
            access_code: self.access_code.clone().unwrap_or_else(|| t.access_code.clone()),
            quota_ids: self.quota_ids.clone().unwrap_or_else(|| t.quota_ids.clone()),
        };
        // A code the patch leaves as it was may be an older, shorter one.
        let kept_old_code = self.access_code.is_none() && t.access_code.is_some();
        n.validate_with(if kept_old_code { 4 } else { MIN_ACCESS_CODE_LEN })?;
        Ok(n)
    }
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewQuota {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(minimum = 0, maximum = 10000000)]
    pub capacity: i64,
    /// Ticket types (of the same event) that draw from this quota.
    #[serde(default)]
    pub ticket_type_ids: Vec<TicketTypeId>,
}

impl NewQuota {
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut e = ValidationError::new();
        check_text(&mut e, "name", &self.name, 1, 200);
        e.check_key(
            (0..=MAX_CAPACITY).contains(&self.capacity),
            "capacity",
            between(0, MAX_CAPACITY),
            format!("must be between 0 and {MAX_CAPACITY}"),
        );
        let mut seen = self.ticket_type_ids.clone();
        seen.sort();
        seen.dedup();
        let unique = seen.len() == self.ticket_type_ids.len();
        let key = MessageKey::new("errors-repeated-ticket-type-choice");
        e.check_key(unique, "ticket_type_ids", key, "must not repeat a ticket type");
        e.finish()
    }
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuotaPatch {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[schema(minimum = 0, maximum = 10000000)]
    pub capacity: Option<i64>,
    pub ticket_type_ids: Option<Vec<TicketTypeId>>,
}

impl QuotaPatch {
    pub fn apply(&self, q: &Quota) -> Result<NewQuota, ValidationError> {
        let n = NewQuota {
            name: self.name.clone().unwrap_or_else(|| q.name.clone()),
            capacity: self.capacity.unwrap_or(q.capacity),
            ticket_type_ids: self.ticket_type_ids.clone().unwrap_or_else(|| q.ticket_type_ids.clone()),
        };
        n.validate()?;
        if n.capacity < q.sold + q.held {
            let used = q.sold + q.held;
            return Err(ValidationError::single_key(
                "capacity",
                MessageKey::new("errors-at-least-used").num("min", used),
                format!("must be at least {used} (already sold or held)"),
            ));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn event() -> Event {
        Event {
            id: EventId::new(),
            org_id: OrgId::new(),
            venue_id: VenueId::new(),
            title: "t".into(),
            description: String::new(),
            category: Category::Concert,
            image_urls: vec![],
            starts_at: ts("2030-01-01T20:00:00Z"),
            ends_at: ts("2030-01-01T23:00:00Z"),
            status: EventStatus::Published,
            sales_start: Some(ts("2029-12-01T00:00:00Z")),
            sales_end: None,
            max_tickets_per_customer: None,
            created_at: ts("2029-01-01T00:00:00Z"),
            updated_at: ts("2029-01-01T00:00:00Z"),
        }
    }

    #[test]
    fn time_zones_validate_and_render_local_time() {
        let tz = TimeZoneName::parse("Asia/Shanghai").unwrap();
        assert_eq!(tz.local(ts("2030-01-01T12:00:00Z")), "2030-01-01T20:00:00+08:00");
        assert!(TimeZoneName::parse("Mars/Olympus").is_err());
        assert!(TimeZoneName::parse("").is_err());
    }

    #[test]
    fn event_status_transitions() {
        use EventAction::*;
        use EventStatus::*;
        assert_eq!(Draft.transition(Publish), Ok(Published));
        assert_eq!(Published.transition(Cancel), Ok(Cancelled));
        assert_eq!(Published.transition(End), Ok(Ended));
        assert!(Cancelled.transition(Publish).is_err());
        assert!(Ended.transition(Cancel).is_err());
        assert!(Draft.transition(End).is_err());
    }

    #[test]
    fn sales_window_is_the_intersection_of_event_and_ticket_type() {
        let ev = event();
        let mut tt = TicketType {
            id: TicketTypeId::new(),
            event_id: ev.id,
            org_id: ev.org_id,
            name: "GA".into(),
            description: String::new(),
            price: Money::new(1000, Currency::parse("EUR").unwrap()),
            sales_start: None,
            sales_end: Some(ts("2029-12-24T00:00:00Z")),
            min_per_order: 1,
            max_per_order: 10,
            visibility: Visibility::Public,
            access_code: None,
            quota_ids: vec![],
            created_at: ev.created_at,
        };
        assert!(!tt.on_sale(&ev, ts("2029-11-30T00:00:00Z")));
        assert!(tt.on_sale(&ev, ts("2029-12-10T00:00:00Z")));
        assert!(!tt.on_sale(&ev, ts("2029-12-24T00:00:00Z")));
        tt.sales_end = None;
        assert!(tt.on_sale(&ev, ts("2029-12-31T00:00:00Z")));
        assert!(!tt.on_sale(&ev, ev.starts_at));
        let draft = Event { status: EventStatus::Draft, ..ev.clone() };
        assert!(!tt.on_sale(&draft, ts("2029-12-10T00:00:00Z")));
    }

    #[test]
    fn availability_is_the_tightest_quota() {
        let ev = event();
        let q = |cap, sold, held| Quota {
            id: QuotaId::new(),
            event_id: ev.id,
            org_id: ev.org_id,
            name: "q".into(),
            capacity: cap,
            sold,
            held,
            ticket_type_ids: vec![],
            created_at: ev.created_at,
        };
        let (a, b) = (q(100, 10, 5), q(20, 15, 0));
        let mut tt = TicketType {
            id: TicketTypeId::new(),
            event_id: ev.id,
            org_id: ev.org_id,
            name: "GA".into(),
            description: String::new(),
            price: Money::new(0, Currency::parse("EUR").unwrap()),
            sales_start: None,
            sales_end: None,
            min_per_order: 1,
            max_per_order: 1,
            visibility: Visibility::Public,
            access_code: None,
            quota_ids: vec![],
            created_at: ev.created_at,
        };
        assert_eq!(ticket_type_availability(&tt, &[a.clone(), b.clone()]), 0);
        tt.quota_ids = vec![a.id];
        assert_eq!(ticket_type_availability(&tt, &[a.clone(), b.clone()]), 85);
        tt.quota_ids = vec![a.id, b.id];
        assert_eq!(ticket_type_availability(&tt, &[a.clone(), b.clone()]), 5);
    }

    #[test]
    fn inputs_report_every_bad_field() {
        let bad = NewTicketType {
            name: " ".into(),
            description: String::new(),
            price_minor: -1,
            currency: Currency::parse("EUR").unwrap(),
            sales_start: Some(ts("2030-01-02T00:00:00Z")),
            sales_end: Some(ts("2030-01-01T00:00:00Z")),
            min_per_order: 5,
            max_per_order: 2,
            visibility: Visibility::Public,
            access_code: None,
            quota_ids: vec![],
        };
        let fields: Vec<String> = bad.validate().unwrap_err().fields.into_iter().map(|f| f.field).collect();
        assert_eq!(fields, ["name", "price_minor", "max_per_order", "sales_end"]);
        let q = Quota {
            id: QuotaId::new(),
            event_id: EventId::new(),
            org_id: OrgId::new(),
            name: "q".into(),
            capacity: 10,
            sold: 6,
            held: 2,
            ticket_type_ids: vec![],
            created_at: ts("2029-01-01T00:00:00Z"),
        };
        let err = QuotaPatch { capacity: Some(7), ..Default::default() }.apply(&q).unwrap_err();
        assert_eq!(err.fields[0].field, "capacity");
        assert!(QuotaPatch { capacity: Some(8), ..Default::default() }.apply(&q).is_ok());
    }
}
