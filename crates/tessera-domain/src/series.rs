//! Series: an event that repeats by a rule. The rule is a subset of RFC 5545's
//! RRULE (`FREQ=DAILY|WEEKLY|MONTHLY`, `INTERVAL`, `BYDAY` for weekly,
//! `BYMONTHDAY` for monthly, `COUNT` or `UNTIL`), read in the venue's time
//! zone from a first date, with dates taken out (EXDATE) and added (RDATE).
//! Each date gets every start time of the series' day (`times`: one for a
//! concert, twenty for a museum's timed entries), and each (date, time) is
//! one occurrence: an ordinary event.
//!
//! Everything here is pure: the expansion turns wall-clock times into
//! instants with the zone's rules, so a daily 10:00 stays 10:00 across a
//! daylight-saving change (a time that does not exist that day moves on by
//! the gap, a time that happens twice takes the first).

use crate::catalog::{Category, MAX_CAPACITY, MAX_PRICE_MINOR};
use crate::validation::check_text;
use crate::{Currency, MessageKey, OrgId, SeriesId, Timestamp, ValidationError, VenueId};
use jiff::civil::{Date, DateTime, Time, Weekday};
use jiff::tz::TimeZone;

/// At most this many occurrences per series (a museum's year of 20 daily
/// slots is 7,300); a rule producing more is refused, naming `rrule`.
pub const MAX_OCCURRENCES: usize = 10_000;
/// At most this many start times in one day.
pub const MAX_TIMES_PER_DAY: usize = 48;
/// At most this many exception or added dates.
pub const MAX_EXTRA_DATES: usize = 1_000;
/// Dates are generated at most this many years after the first one (a rule
/// whose COUNT can never be reached, such as every 12 months on the 30th
/// starting in February, stops there).
pub const MAX_YEARS: i16 = 10;
/// Longest INTERVAL accepted.
pub const MAX_INTERVAL: i32 = 366;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Freq {
    Daily,
    Weekly,
    Monthly,
}

impl Freq {
    pub fn as_str(self) -> &'static str {
        match self {
            Freq::Daily => "DAILY",
            Freq::Weekly => "WEEKLY",
            Freq::Monthly => "MONTHLY",
        }
    }
}

/// How a rule ends: after so many dates, or on a last date (inclusive, in the
/// venue's calendar).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Count(u32),
    Until(Date),
}

/// A parsed rule. `Display` writes it back in RRULE form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub freq: Freq,
    pub interval: i32,
    /// Weekly only: the days of the week (Monday first when written).
    pub by_day: Vec<Weekday>,
    /// Monthly only: days of the month, 1..=31 or -31..=-1 (from the end).
    pub by_month_day: Vec<i8>,
    pub end: End,
}

const DAYS: [(&str, Weekday); 7] = [
    ("MO", Weekday::Monday),
    ("TU", Weekday::Tuesday),
    ("WE", Weekday::Wednesday),
    ("TH", Weekday::Thursday),
    ("FR", Weekday::Friday),
    ("SA", Weekday::Saturday),
    ("SU", Weekday::Sunday),
];

/// The RRULE's English refusal, equal to the catalog's `errors-series-rrule`.
pub const RRULE_HELP: &str = "must be a rule such as FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10 (FREQ=DAILY, WEEKLY or MONTHLY; INTERVAL; BYDAY for weekly; BYMONTHDAY for monthly; COUNT or UNTIL=YYYYMMDD)";

fn rrule_error() -> ValidationError {
    ValidationError::single_key("rrule", MessageKey::new("errors-series-rrule"), RRULE_HELP)
}

fn parse_date_compact(s: &str) -> Option<Date> {
    // YYYYMMDD, optionally followed by THHMMSS and Z: the date part is the last day.
    let d = s.get(..8)?;
    let rest = &s[8..];
    if !(rest.is_empty() || (rest.len() == 7 || rest.len() == 8) && rest.starts_with('T')) {
        return None;
    }
    if !d.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: i16 = d[..4].parse().ok()?;
    let m: i8 = d[4..6].parse().ok()?;
    let day: i8 = d[6..8].parse().ok()?;
    Date::new(y, m, day).ok()
}

impl Rule {
    /// Parses the subset; anything else (an unknown part, a part twice, both
    /// or neither of COUNT and UNTIL, BYDAY on a monthly rule) is refused
    /// with one message naming `rrule`.
    pub fn parse(text: &str) -> Result<Rule, ValidationError> {
        let text = text.trim();
        let text = text.strip_prefix("RRULE:").unwrap_or(text);
        if text.is_empty() || text.len() > 500 {
            return Err(rrule_error());
        }
        let (mut freq, mut interval, mut by_day, mut by_month_day, mut count, mut until) =
            (None, None, None, None, None, None);
        for part in text.split(';') {
            let (k, v) = part.split_once('=').ok_or_else(rrule_error)?;
            let v = v.trim();
            match k.trim().to_ascii_uppercase().as_str() {
                "FREQ" if freq.is_none() => {
                    freq = Some(match v.to_ascii_uppercase().as_str() {
                        "DAILY" => Freq::Daily,
                        "WEEKLY" => Freq::Weekly,
                        "MONTHLY" => Freq::Monthly,
                        _ => return Err(rrule_error()),
                    })
                }
                "INTERVAL" if interval.is_none() => {
                    let n: i32 = v.parse().map_err(|_| rrule_error())?;
                    if !(1..=MAX_INTERVAL).contains(&n) {
                        return Err(rrule_error());
                    }
                    interval = Some(n);
                }
                "BYDAY" if by_day.is_none() => {
                    let mut days = Vec::new();
                    for d in v.split(',') {
                        let d = d.trim().to_ascii_uppercase();
                        let day = DAYS.iter().find(|(n, _)| *n == d).ok_or_else(rrule_error)?.1;
                        if days.contains(&day) {
                            return Err(rrule_error());
                        }
                        days.push(day);
                    }
                    days.sort_by_key(|d| d.to_monday_zero_offset());
                    by_day = Some(days);
                }
                "BYMONTHDAY" if by_month_day.is_none() => {
                    let mut days = Vec::new();
                    for d in v.split(',') {
                        let n: i8 = d.trim().parse().map_err(|_| rrule_error())?;
                        if n == 0 || !(-31..=31).contains(&n) || days.contains(&n) {
                            return Err(rrule_error());
                        }
                        days.push(n);
                    }
                    by_month_day = Some(days);
                }
                "COUNT" if count.is_none() => {
                    let n: u32 = v.parse().map_err(|_| rrule_error())?;
                    if n == 0 {
                        return Err(rrule_error());
                    }
                    count = Some(n);
                }
                "UNTIL" if until.is_none() => until = Some(parse_date_compact(v).ok_or_else(rrule_error)?),
                "WKST" if v.eq_ignore_ascii_case("MO") => {}
                _ => return Err(rrule_error()),
            }
        }
        let freq = freq.ok_or_else(rrule_error)?;
        let end = match (count, until) {
            (Some(c), None) => End::Count(c),
            (None, Some(u)) => End::Until(u),
            _ => return Err(rrule_error()),
        };
        let by_day = by_day.unwrap_or_default();
        let by_month_day = by_month_day.unwrap_or_default();
        if (freq != Freq::Weekly && !by_day.is_empty()) || (freq != Freq::Monthly && !by_month_day.is_empty()) {
            return Err(rrule_error());
        }
        Ok(Rule { freq, interval: interval.unwrap_or(1), by_day, by_month_day, end })
    }

    /// The dates the rule gives from `first` (which need not match the rule,
    /// as in RFC 5545 it counts only if it does), sorted. Stops with `None`
    /// as soon as more than `max` would be produced.
    pub fn dates(&self, first: Date, max: usize) -> Option<Vec<Date>> {
        let horizon = first.checked_add(jiff::Span::new().years(MAX_YEARS)).unwrap_or(Date::MAX);
        let last = match self.end {
            End::Until(u) => u.min(horizon),
            End::Count(_) => horizon,
        };
        let limit = match self.end {
            End::Count(c) => c as usize,
            End::Until(_) => usize::MAX,
        };
        if limit != usize::MAX && limit > max {
            return None;
        }
        let mut out: Vec<Date> = Vec::new();
        // Each period (day, week, month) is visited once; the horizon bounds the loop.
        let mut period: i64 = 0;
        loop {
            let n = period * self.interval as i64;
            // The period's first day: past `last`, nothing more can come.
            let anchor = match self.freq {
                Freq::Daily => first.checked_add(jiff::Span::new().days(n)).ok(),
                Freq::Weekly => first
                    .checked_sub(jiff::Span::new().days(first.weekday().to_monday_zero_offset() as i64))
                    .ok()
                    .and_then(|m| m.checked_add(jiff::Span::new().weeks(n)).ok()),
                Freq::Monthly => first.first_of_month().checked_add(jiff::Span::new().months(n)).ok(),
            };
            let Some(anchor) = anchor.filter(|a| *a <= last) else { break };
            let candidates: Vec<Date> = match self.freq {
                Freq::Daily => vec![anchor],
                Freq::Weekly => {
                    let days = if self.by_day.is_empty() { vec![first.weekday()] } else { self.by_day.clone() };
                    days.iter()
                        .filter_map(|d| {
                            anchor.checked_add(jiff::Span::new().days(d.to_monday_zero_offset() as i64)).ok()
                        })
                        .collect()
                }
                Freq::Monthly => {
                    let len = anchor.days_in_month();
                    let days = if self.by_month_day.is_empty() { vec![first.day()] } else { self.by_month_day.clone() };
                    let mut ds: Vec<Date> = days
                        .iter()
                        .filter_map(|&n| {
                            // A day the month lacks (the 31st of April) is skipped, as RFC 5545 says.
                            let day = if n > 0 { n } else { len + 1 + n };
                            (1..=len).contains(&day).then(|| anchor.with().day(day).build().ok()).flatten()
                        })
                        .collect();
                    ds.sort();
                    ds.dedup();
                    ds
                }
            };
            for d in candidates {
                if d < first || d > last {
                    continue;
                }
                if out.len() >= limit {
                    return Some(out);
                }
                if out.len() >= max {
                    return None;
                }
                out.push(d);
            }
            if out.len() >= limit {
                break;
            }
            period += 1;
        }
        Some(out)
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FREQ={}", self.freq.as_str())?;
        if self.interval != 1 {
            write!(f, ";INTERVAL={}", self.interval)?;
        }
        if !self.by_day.is_empty() {
            let names: Vec<&str> =
                self.by_day.iter().map(|d| DAYS.iter().find(|(_, w)| w == d).map_or("MO", |(n, _)| *n)).collect();
            write!(f, ";BYDAY={}", names.join(","))?;
        }
        if !self.by_month_day.is_empty() {
            let days: Vec<String> = self.by_month_day.iter().map(ToString::to_string).collect();
            write!(f, ";BYMONTHDAY={}", days.join(","))?;
        }
        match self.end {
            End::Count(c) => write!(f, ";COUNT={c}"),
            End::Until(u) => write!(f, ";UNTIL={}", u.strftime("%Y%m%d")),
        }
    }
}

/// What a series repeats: the rule and the dates around it, read in `tz`.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub rule: Rule,
    pub first_date: Date,
    /// Start times of each day, sorted, distinct, non-empty.
    pub times: Vec<Time>,
    pub exdates: Vec<Date>,
    pub rdates: Vec<Date>,
    /// Single occurrences deleted by hand (local date and time).
    pub removed: Vec<DateTime>,
}

/// One occurrence: its local date and time and its instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub local: DateTime,
    pub starts_at: Timestamp,
}

impl Schedule {
    /// Every occurrence, sorted by start and distinct, or a refusal naming
    /// `rrule` when there would be more than `max` (nothing else is
    /// computed past that point, so a rule for a million dates costs little).
    pub fn expand(&self, tz: &TimeZone, max: usize) -> Result<Vec<Slot>, ValidationError> {
        let per_day = self.times.len().max(1);
        let too_many = || {
            ValidationError::single_key(
                "rrule",
                MessageKey::new("errors-series-too-many").num("max", max),
                format!("produces more than {max} occurrences"),
            )
        };
        let mut dates = self.rule.dates(self.first_date, max / per_day + self.exdates.len()).ok_or_else(too_many)?;
        dates.extend(self.rdates.iter().copied());
        dates.sort();
        dates.dedup();
        dates.retain(|d| !self.exdates.contains(d));
        if dates.len().saturating_mul(per_day) > max {
            return Err(too_many());
        }
        let mut out = Vec::with_capacity(dates.len() * per_day);
        for d in dates {
            for t in &self.times {
                let local = d.to_datetime(*t);
                if self.removed.contains(&local) {
                    continue;
                }
                // `to_zoned` is RFC 5545's reading of a local time: a time in
                // a gap moves on by the gap, a repeated one takes the first.
                let starts_at = local.to_zoned(tz.clone()).map_err(|_| too_many())?.timestamp();
                out.push(Slot { local, starts_at });
            }
        }
        out.sort_by_key(|s| s.starts_at);
        out.dedup_by_key(|s| s.starts_at);
        if out.is_empty() {
            return Err(ValidationError::single_key(
                "rrule",
                MessageKey::new("errors-series-empty"),
                "produces no occurrence",
            ));
        }
        Ok(out)
    }
}

/// Parses `HH:MM` start times: 1 to [`MAX_TIMES_PER_DAY`], distinct; sorted on return.
pub fn parse_times(field: &str, items: &[String]) -> Result<Vec<Time>, ValidationError> {
    let bad = || {
        ValidationError::single_key(
            field,
            MessageKey::new("errors-series-times").num("max", MAX_TIMES_PER_DAY),
            format!("must be 1 to {MAX_TIMES_PER_DAY} distinct times of day such as 09:30"),
        )
    };
    if items.is_empty() || items.len() > MAX_TIMES_PER_DAY {
        return Err(bad());
    }
    let mut out = Vec::with_capacity(items.len());
    for s in items {
        let s = s.trim();
        let (h, m) = s.split_once(':').ok_or_else(bad)?;
        if h.len() != 2 || m.len() != 2 {
            return Err(bad());
        }
        let t = Time::new(h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?, 0, 0).map_err(|_| bad())?;
        if out.contains(&t) {
            return Err(bad());
        }
        out.push(t);
    }
    out.sort();
    Ok(out)
}

/// Parses `YYYY-MM-DD` dates (at most [`MAX_EXTRA_DATES`]), naming the bad one.
pub fn parse_dates(field: &str, items: &[String]) -> Result<Vec<Date>, ValidationError> {
    let mut e = ValidationError::new();
    let key = MessageKey::new("errors-series-too-many-dates").num("max", MAX_EXTRA_DATES);
    e.check_key(items.len() <= MAX_EXTRA_DATES, field, key, format!("at most {MAX_EXTRA_DATES} dates"));
    let mut out = Vec::new();
    for (i, s) in items.iter().enumerate().take(MAX_EXTRA_DATES) {
        match parse_date(s) {
            Some(d) => out.push(d),
            None => e.add_key(
                format!("{field}[{i}]"),
                MessageKey::new("errors-series-date"),
                "must be a date such as 2027-05-01",
            ),
        }
    }
    e.finish()?;
    out.sort();
    out.dedup();
    Ok(out)
}

/// A `YYYY-MM-DD` date, strictly.
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if s.len() != 10 || s.as_bytes()[4] != b'-' || s.as_bytes()[7] != b'-' {
        return None;
    }
    s.parse().ok()
}

// ----------------------------------------------------------------- inputs

/// A ticket type every occurrence gets; all of an occurrence's types share
/// its one capacity.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateType {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub description: String,
    #[schema(minimum = 0, maximum = 1_000_000_000_000.0)]
    pub price_minor: i64,
    /// Most tickets of this type in one order; 1 to 100, default 10.
    #[serde(default = "default_max_per_order")]
    #[schema(minimum = 1, maximum = 100)]
    pub max_per_order: i64,
}

fn default_max_per_order() -> i64 {
    10
}

/// Most ticket types in a series' template.
pub const MAX_TEMPLATE_TYPES: usize = 20;
/// Longest occurrence, in minutes (a week).
pub const MAX_DURATION_MINUTES: i64 = 7 * 24 * 60;

/// A new series: the rule and its dates, and the template of each occurrence.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSeries {
    pub venue_id: VenueId,
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub description: String,
    pub category: Category,
    /// An RRULE subset: FREQ=DAILY|WEEKLY|MONTHLY, INTERVAL, BYDAY (weekly),
    /// BYMONTHDAY (monthly), and COUNT or UNTIL=YYYYMMDD (a last date,
    /// inclusive). At most 10,000 occurrences (dates times `times`).
    #[schema(max_length = 500, example = "FREQ=WEEKLY;BYDAY=SA,SU;COUNT=10")]
    pub rrule: String,
    /// The first date (`YYYY-MM-DD`, in the venue's zone): the rule counts from it.
    #[schema(example = "2027-05-01")]
    pub first_date: String,
    /// Start times of each date (`HH:MM`, the venue's wall clock), 1 to 48.
    #[schema(min_items = 1, max_items = 48)]
    pub times: Vec<String>,
    /// Dates taken out (`YYYY-MM-DD`).
    #[serde(default)]
    #[schema(max_items = 1000)]
    pub exdates: Vec<String>,
    /// Dates added (`YYYY-MM-DD`).
    #[serde(default)]
    #[schema(max_items = 1000)]
    pub rdates: Vec<String>,
    /// Length of each occurrence in minutes, 1 to 10080.
    #[schema(minimum = 1, maximum = 10080)]
    pub duration_minutes: i64,
    /// Tickets per occurrence, shared by its ticket types.
    #[schema(minimum = 0, maximum = 10000000)]
    pub capacity: i64,
    pub currency: Currency,
    #[schema(min_items = 1, max_items = 20)]
    pub ticket_types: Vec<TemplateType>,
}

/// The parts of a series that make its occurrences, checked.
#[derive(Debug, Clone)]
pub struct Checked {
    pub schedule: Schedule,
}

fn check_template(e: &mut ValidationError, duration: i64, capacity: i64, types: &[TemplateType]) {
    let key = MessageKey::new("errors-between").num("min", 1).num("max", MAX_DURATION_MINUTES);
    e.check_key(
        (1..=MAX_DURATION_MINUTES).contains(&duration),
        "duration_minutes",
        key,
        format!("must be between 1 and {MAX_DURATION_MINUTES}"),
    );
    let key = MessageKey::new("errors-between").num("min", 0).num("max", MAX_CAPACITY);
    e.check_key(
        (0..=MAX_CAPACITY).contains(&capacity),
        "capacity",
        key,
        format!("must be between 0 and {MAX_CAPACITY}"),
    );
    let key = MessageKey::new("errors-between").num("min", 1).num("max", MAX_TEMPLATE_TYPES);
    e.check_key(
        (1..=MAX_TEMPLATE_TYPES).contains(&types.len()),
        "ticket_types",
        key,
        format!("must be between 1 and {MAX_TEMPLATE_TYPES}"),
    );
    for (i, t) in types.iter().enumerate() {
        check_text(e, &format!("ticket_types[{i}].name"), &t.name, 1, 200);
        check_text(e, &format!("ticket_types[{i}].description"), &t.description, 0, 2000);
        let key = MessageKey::new("errors-between").num("min", 0).num("max", MAX_PRICE_MINOR);
        e.check_key(
            (0..=MAX_PRICE_MINOR).contains(&t.price_minor),
            &format!("ticket_types[{i}].price_minor"),
            key,
            format!("must be between 0 and {MAX_PRICE_MINOR}"),
        );
        let key = MessageKey::new("errors-between").num("min", 1).num("max", 100);
        e.check_key(
            (1..=100).contains(&t.max_per_order),
            &format!("ticket_types[{i}].max_per_order"),
            key,
            "must be between 1 and 100",
        );
        if types[..i].iter().any(|o| o.name.trim() == t.name.trim()) {
            let key = MessageKey::new("errors-value-appears-twice").text("value", t.name.trim());
            e.add_key(format!("ticket_types[{i}].name"), key, format!("{} appears twice", t.name.trim()));
        }
    }
}

/// Reads the rule, dates and times, collecting every refusal.
fn check_schedule(
    e: &mut ValidationError,
    rrule: &str,
    first_date: &str,
    times: &[String],
    exdates: &[String],
    rdates: &[String],
    removed: Vec<DateTime>,
) -> Option<Schedule> {
    let rule = Rule::parse(rrule).map_err(|x| e.fields.extend(x.fields)).ok();
    let first = parse_date(first_date);
    if first.is_none() {
        e.add_key("first_date", MessageKey::new("errors-series-date"), "must be a date such as 2027-05-01");
    }
    let times = parse_times("times", times).map_err(|x| e.fields.extend(x.fields)).ok();
    let exdates = parse_dates("exdates", exdates).map_err(|x| e.fields.extend(x.fields)).ok();
    let rdates = parse_dates("rdates", rdates).map_err(|x| e.fields.extend(x.fields)).ok();
    Some(Schedule { rule: rule?, first_date: first?, times: times?, exdates: exdates?, rdates: rdates?, removed })
}

impl NewSeries {
    pub fn validate(&self) -> Result<Checked, ValidationError> {
        let mut e = ValidationError::new();
        check_text(&mut e, "title", &self.title, 1, 200);
        check_text(&mut e, "description", &self.description, 0, 20_000);
        check_template(&mut e, self.duration_minutes, self.capacity, &self.ticket_types);
        let schedule =
            check_schedule(&mut e, &self.rrule, &self.first_date, &self.times, &self.exdates, &self.rdates, vec![]);
        e.finish()?;
        Ok(Checked { schedule: schedule.ok_or_else(ValidationError::new)? })
    }
}

/// A change to a series, applied to its occurrences from `from` on ("this
/// and all future"): absent fields keep their value. One occurrence alone
/// is edited as the event it is.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeriesPatch {
    /// First date the change applies to (`YYYY-MM-DD`, venue's zone);
    /// default today there. Earlier occurrences are left as they are.
    #[schema(example = "2027-06-01")]
    pub from: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    #[schema(max_length = 500)]
    pub rrule: Option<String>,
    #[schema(min_items = 1, max_items = 48)]
    pub times: Option<Vec<String>>,
    #[schema(max_items = 1000)]
    pub exdates: Option<Vec<String>>,
    #[schema(max_items = 1000)]
    pub rdates: Option<Vec<String>>,
    #[schema(minimum = 1, maximum = 10080)]
    pub duration_minutes: Option<i64>,
    #[schema(minimum = 0, maximum = 10000000)]
    pub capacity: Option<i64>,
    /// The whole template; types are matched to the occurrences' by name
    /// (a new name adds a type, a missing one is left on the occurrences).
    #[schema(min_items = 1, max_items = 20)]
    pub ticket_types: Option<Vec<TemplateType>>,
}

/// A series as stored, in its text form.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Series {
    pub id: SeriesId,
    pub org_id: OrgId,
    pub venue_id: VenueId,
    pub title: String,
    pub description: String,
    pub category: Category,
    pub rrule: String,
    pub first_date: String,
    pub times: Vec<String>,
    pub exdates: Vec<String>,
    pub rdates: Vec<String>,
    /// Single occurrences deleted by hand (`YYYY-MM-DDTHH:MM`, local): the rule does not bring them back.
    pub removed: Vec<String>,
    pub duration_minutes: i64,
    pub capacity: i64,
    pub currency: Currency,
    pub ticket_types: Vec<TemplateType>,
    /// `draft` or `published`: new occurrences are made in this status.
    pub status: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

/// `YYYY-MM-DDTHH:MM`, the form of [`Series::removed`].
pub fn slot_key(local: DateTime) -> String {
    local.strftime("%Y-%m-%dT%H:%M").to_string()
}

impl Series {
    /// The series with `patch` applied, checked, and its schedule.
    pub fn patched(&self, patch: &SeriesPatch) -> Result<(Series, Schedule), ValidationError> {
        let mut n = self.clone();
        if let Some(v) = &patch.title {
            n.title = v.trim().to_string();
        }
        if let Some(v) = &patch.description {
            n.description = v.clone();
        }
        if let Some(v) = &patch.rrule {
            n.rrule = v.trim().to_string();
        }
        if let Some(v) = &patch.times {
            n.times = v.clone();
        }
        if let Some(v) = &patch.exdates {
            n.exdates = v.clone();
        }
        if let Some(v) = &patch.rdates {
            n.rdates = v.clone();
        }
        if let Some(v) = patch.duration_minutes {
            n.duration_minutes = v;
        }
        if let Some(v) = patch.capacity {
            n.capacity = v;
        }
        if let Some(v) = &patch.ticket_types {
            n.ticket_types = v.clone();
        }
        let mut e = ValidationError::new();
        check_text(&mut e, "title", &n.title, 1, 200);
        check_text(&mut e, "description", &n.description, 0, 20_000);
        check_template(&mut e, n.duration_minutes, n.capacity, &n.ticket_types);
        if let Some(f) = &patch.from
            && parse_date(f).is_none()
        {
            e.add_key("from", MessageKey::new("errors-series-date"), "must be a date such as 2027-05-01");
        }
        let removed = self.removed_slots();
        let s = check_schedule(&mut e, &n.rrule, &n.first_date, &n.times, &n.exdates, &n.rdates, removed);
        e.finish()?;
        let s = s.ok_or_else(ValidationError::new)?;
        n.rrule = s.rule.to_string();
        n.times = s.times.iter().map(|t| t.strftime("%H:%M").to_string()).collect();
        n.exdates = s.exdates.iter().map(ToString::to_string).collect();
        n.rdates = s.rdates.iter().map(ToString::to_string).collect();
        Ok((n, s))
    }

    /// The schedule as stored (valid when it was stored).
    pub fn schedule(&self) -> Result<Schedule, ValidationError> {
        self.patched(&SeriesPatch::default()).map(|(_, s)| s)
    }

    pub fn removed_slots(&self) -> Vec<DateTime> {
        self.removed.iter().filter_map(|r| DateTime::strptime("%Y-%m-%dT%H:%M", r).ok()).collect()
    }

    /// "Daily", "Every 2 weeks on MO, WE", ... is for pages; this is the
    /// rule's frequency for the listing's short label.
    pub fn freq(&self) -> Option<Freq> {
        Rule::parse(&self.rrule).ok().map(|r| r.freq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn berlin() -> TimeZone {
        jiff::tz::db().get("Europe/Berlin").unwrap()
    }

    fn sched(rule: &str, first: Date, times: &[&str]) -> Schedule {
        let times: Vec<String> = times.iter().map(|s| s.to_string()).collect();
        Schedule {
            rule: Rule::parse(rule).unwrap(),
            first_date: first,
            times: parse_times("times", &times).unwrap(),
            exdates: vec![],
            rdates: vec![],
            removed: vec![],
        }
    }

    #[test]
    fn parses_and_writes_back_the_subset() {
        for (text, back) in [
            ("FREQ=DAILY;COUNT=3", "FREQ=DAILY;COUNT=3"),
            ("freq=weekly;byday=we,mo;until=20270301", "FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270301"),
            (
                "RRULE:FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=1,-1;COUNT=4",
                "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=1,-1;COUNT=4",
            ),
            ("FREQ=DAILY;UNTIL=20270301T235959Z", "FREQ=DAILY;UNTIL=20270301"),
        ] {
            assert_eq!(Rule::parse(text).unwrap().to_string(), back, "{text}");
        }
    }

    #[test]
    fn refuses_what_is_outside_the_subset() {
        for bad in [
            "",
            "FREQ=YEARLY;COUNT=2",
            "FREQ=DAILY",
            "FREQ=DAILY;COUNT=2;UNTIL=20270101",
            "FREQ=DAILY;COUNT=0",
            "FREQ=DAILY;COUNT=-1",
            "FREQ=DAILY;INTERVAL=0;COUNT=2",
            "FREQ=DAILY;BYDAY=MO;COUNT=2",
            "FREQ=WEEKLY;BYDAY=XX;COUNT=2",
            "FREQ=WEEKLY;BYDAY=MO,MO;COUNT=2",
            "FREQ=MONTHLY;BYMONTHDAY=32;COUNT=2",
            "FREQ=MONTHLY;BYMONTHDAY=0;COUNT=2",
            "FREQ=DAILY;FREQ=DAILY;COUNT=2",
            "FREQ=DAILY;BYHOUR=9;COUNT=2",
            "FREQ=DAILY;UNTIL=2027-01-01",
            "FREQ=DAILY;UNTIL=20270231",
            "garbage",
        ] {
            let e = Rule::parse(bad).unwrap_err();
            assert_eq!(e.fields[0].field, "rrule", "{bad}");
        }
    }

    #[test]
    fn daily_weekly_monthly_dates() {
        let d = |r: &str, first: Date| Rule::parse(r).unwrap().dates(first, 1000).unwrap();
        assert_eq!(
            d("FREQ=DAILY;INTERVAL=2;COUNT=3", date(2027, 1, 30)),
            vec![date(2027, 1, 30), date(2027, 2, 1), date(2027, 2, 3)]
        );
        // 2027-01-06 is a Wednesday: Monday of that week is before the first date.
        assert_eq!(
            d("FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=4", date(2027, 1, 6)),
            vec![date(2027, 1, 6), date(2027, 1, 8), date(2027, 1, 11), date(2027, 1, 13)]
        );
        assert_eq!(
            d("FREQ=WEEKLY;INTERVAL=2;UNTIL=20270201", date(2027, 1, 6)),
            vec![date(2027, 1, 6), date(2027, 1, 20)]
        );
        // The 31st is skipped in months without one; -1 is the last day.
        assert_eq!(
            d("FREQ=MONTHLY;BYMONTHDAY=31;COUNT=3", date(2027, 1, 1)),
            vec![date(2027, 1, 31), date(2027, 3, 31), date(2027, 5, 31)]
        );
        assert_eq!(
            d("FREQ=MONTHLY;BYMONTHDAY=-1;UNTIL=20270401", date(2027, 1, 15)),
            vec![date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31)]
        );
        assert_eq!(d("FREQ=MONTHLY;COUNT=2", date(2027, 1, 15)), vec![date(2027, 1, 15), date(2027, 2, 15)]);
        // A COUNT that can never be reached stops at the horizon.
        let never = d("FREQ=MONTHLY;INTERVAL=12;BYMONTHDAY=30;COUNT=5", date(2027, 2, 1));
        assert!(never.is_empty());
    }

    #[test]
    fn wall_clock_time_holds_across_daylight_saving() {
        // Berlin moves to summer time on 2027-03-28 at 02:00.
        let s = sched("FREQ=DAILY;COUNT=3", date(2027, 3, 27), &["10:00"]);
        let slots = s.expand(&berlin(), 100).unwrap();
        let utc: Vec<String> = slots.iter().map(|s| s.starts_at.to_string()).collect();
        assert_eq!(utc, ["2027-03-27T09:00:00Z", "2027-03-28T08:00:00Z", "2027-03-29T08:00:00Z"]);
        // 02:30 does not exist on the 28th: it moves on by the gap, to 03:30 CEST.
        let gap = sched("FREQ=DAILY;COUNT=1", date(2027, 3, 28), &["02:30"]).expand(&berlin(), 10).unwrap();
        assert_eq!(gap[0].starts_at.to_string(), "2027-03-28T01:30:00Z");
        // 02:30 happens twice on 2027-10-31: the first (summer time) is taken.
        let fold = sched("FREQ=DAILY;COUNT=1", date(2027, 10, 31), &["02:30"]).expand(&berlin(), 10).unwrap();
        assert_eq!(fold[0].starts_at.to_string(), "2027-10-31T00:30:00Z");
    }

    #[test]
    fn exdates_rdates_and_times() {
        let mut s = sched("FREQ=DAILY;COUNT=3", date(2027, 5, 1), &["14:00", "09:30"]);
        s.exdates = vec![date(2027, 5, 2)];
        s.rdates = vec![date(2027, 6, 1), date(2027, 5, 1)];
        let slots = s.expand(&TimeZone::UTC, 100).unwrap();
        let local: Vec<String> = slots.iter().map(|s| s.local.to_string()).collect();
        assert_eq!(
            local,
            [
                "2027-05-01T09:30:00",
                "2027-05-01T14:00:00",
                "2027-05-03T09:30:00",
                "2027-05-03T14:00:00",
                "2027-06-01T09:30:00",
                "2027-06-01T14:00:00"
            ]
        );
    }

    #[test]
    fn too_many_or_none_is_refused_naming_rrule() {
        let s = sched("FREQ=DAILY;COUNT=366", date(2027, 1, 1), &["09:00", "10:00", "11:00"]);
        let e = s.expand(&TimeZone::UTC, 1000).unwrap_err();
        assert_eq!(
            (e.fields[0].field.as_str(), e.fields[0].message.as_str()),
            ("rrule", "produces more than 1000 occurrences")
        );
        // UNTIL far away stops early instead of generating everything.
        let far = sched("FREQ=DAILY;UNTIL=99991231", date(2027, 1, 1), &["09:00"]);
        assert_eq!(far.expand(&TimeZone::UTC, 1000).unwrap_err().fields[0].field, "rrule");
        let mut none = sched("FREQ=DAILY;COUNT=1", date(2027, 1, 1), &["09:00"]);
        none.exdates = vec![date(2027, 1, 1)];
        assert_eq!(none.expand(&TimeZone::UTC, 1000).unwrap_err().fields[0].message, "produces no occurrence");
        // The museum's year fits.
        let times: Vec<String> = (0..20).map(|i| format!("{:02}:{:02}", 9 + i / 2, (i % 2) * 30)).collect();
        let times: Vec<&str> = times.iter().map(String::as_str).collect();
        let year = sched("FREQ=DAILY;COUNT=365", date(2027, 1, 1), &times);
        assert_eq!(year.expand(&berlin(), MAX_OCCURRENCES).unwrap().len(), 7300);
    }

    #[test]
    fn times_and_dates_are_checked() {
        for bad in [vec![], vec!["9:00"], vec!["24:00"], vec!["09:00", "09:00"], vec!["09:60"], vec!["x"]] {
            let items: Vec<String> = bad.iter().map(|s| s.to_string()).collect();
            assert!(parse_times("times", &items).is_err(), "{bad:?}");
        }
        let e = parse_dates("exdates", &["2027-01-01".into(), "2027-02-30".into()]).unwrap_err();
        assert_eq!(e.fields[0].field, "exdates[1]");
        assert!(parse_date("20270101").is_none());
    }

    fn any_rule() -> impl Strategy<Value = String> {
        let days = prop::sample::subsequence(vec!["MO", "TU", "WE", "TH", "FR", "SA", "SU"], 0..=7);
        let mdays = prop::collection::btree_set(prop_oneof![1i8..=31, -31i8..=-1], 0..4);
        (0..3u8, 1..5i32, days, mdays, prop::option::of(1..200u32), 0..400i64).prop_map(
            |(f, interval, days, mdays, count, until_days)| {
                let mut r = match f {
                    0 => "FREQ=DAILY".to_string(),
                    1 if days.is_empty() => "FREQ=WEEKLY".to_string(),
                    1 => format!("FREQ=WEEKLY;BYDAY={}", days.join(",")),
                    _ if mdays.is_empty() => "FREQ=MONTHLY".to_string(),
                    _ => format!(
                        "FREQ=MONTHLY;BYMONTHDAY={}",
                        mdays.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")
                    ),
                };
                r.push_str(&format!(";INTERVAL={interval}"));
                match count {
                    Some(c) => r.push_str(&format!(";COUNT={c}")),
                    None => {
                        let u = date(2027, 1, 1).checked_add(jiff::Span::new().days(until_days)).unwrap();
                        r.push_str(&format!(";UNTIL={}", u.strftime("%Y%m%d")));
                    }
                }
                r
            },
        )
    }

    proptest! {
        #[test]
        fn expansions_are_sorted_distinct_and_bounded(
            rule in any_rule(),
            first_off in 0..60i64,
            ex in prop::collection::vec(0..200i64, 0..10),
            rd in prop::collection::vec(0..200i64, 0..5),
        ) {
            let first = date(2027, 1, 1).checked_add(jiff::Span::new().days(first_off)).unwrap();
            let day = |n: i64| date(2027, 1, 1).checked_add(jiff::Span::new().days(n)).unwrap();
            let r = Rule::parse(&rule).unwrap();
            prop_assert_eq!(Rule::parse(&r.to_string()).unwrap(), r.clone());
            let dates = r.dates(first, 10_000).unwrap();
            prop_assert!(dates.windows(2).all(|w| w[0] < w[1]));
            prop_assert!(dates.iter().all(|d| *d >= first));
            match r.end {
                End::Count(c) => prop_assert!(dates.len() <= c as usize),
                End::Until(u) => prop_assert!(dates.iter().all(|d| *d <= u)),
            }
            let s = Schedule {
                rule: r,
                first_date: first,
                times: vec![Time::constant(9, 0, 0, 0), Time::constant(15, 30, 0, 0)],
                exdates: ex.into_iter().map(day).collect(),
                rdates: rd.into_iter().map(day).collect(),
                removed: vec![],
            };
            if let Ok(slots) = s.expand(&berlin(), 10_000) {
                prop_assert!(slots.windows(2).all(|w| w[0].starts_at < w[1].starts_at));
                prop_assert!(slots.iter().all(|x| !s.exdates.contains(&x.local.date())));
                for d in &s.rdates {
                    if !s.exdates.contains(d) {
                        prop_assert!(slots.iter().any(|x| x.local.date() == *d));
                    }
                }
            }
        }
    }
}
