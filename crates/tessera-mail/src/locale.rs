//! Languages, and how money and dates read in each.

use jiff::Zoned;
use jiff::civil::Weekday;
use tessera_domain::money::Money;

/// The languages a buyer can receive mail in: those of the catalogs.
pub use tessera_i18n::Locale;

/// Formats an amount for a buyer.
///
/// The rule, kept deliberately small so that an amount never reads as the
/// wrong currency:
/// - English: `€1,234.50` for EUR, `£` for GBP, `$` for USD (only USD gets the
///   bare dollar sign); every other currency as `CHF 1,234.50`.
/// - Chinese: `¥1,234.50` for CNY; every other currency as `1,234.50 EUR`.
///
/// Digits come from the integer minor units and the currency's exponent (no
/// floating point), grouped by three with commas in both languages. A minus
/// sign goes in front: `-€0.05`.
pub fn format_money(money: Money, locale: Locale) -> String {
    let sign = if money.amount_minor < 0 { "-" } else { "" };
    format!("{sign}{}", money_pattern(money.currency, locale).replace("{}", &plain_number(money)))
}

/// Where the number goes in an amount of `currency` in `locale`: `€{}`,
/// `{} EUR`; the storefront's script formats its running total with it, so
/// that it reads as the server's amounts do.
pub fn money_pattern(currency: tessera_domain::Currency, locale: Locale) -> String {
    let code = currency.code();
    match (locale, code) {
        (Locale::En, "EUR") => "€{}".into(),
        (Locale::En, "GBP") => "£{}".into(),
        (Locale::En, "USD") => "${}".into(),
        (Locale::En, _) => format!("{code} {{}}"),
        (Locale::ZhCn, "CNY") => "¥{}".into(),
        (Locale::ZhCn, _) => format!("{{}} {code}"),
    }
}

/// The absolute amount with grouped integer digits and the currency's
/// decimals: `1,234.50`, `1,500` (JPY), `0.125` (KWD).
fn plain_number(money: Money) -> String {
    let exponent = u32::from(money.currency.exponent());
    let abs = money.amount_minor.unsigned_abs();
    let divisor = 10u64.pow(exponent);
    let whole = (abs / divisor).to_string();
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if exponent > 0 {
        grouped.push('.');
        grouped.push_str(&format!("{:0width$}", abs % divisor, width = exponent as usize));
    }
    grouped
}

/// Formats a wall-clock time in the zone it carries (the venue's):
/// `Sat 12 Dec 2026, 19:30 CET` and `2026年12月12日 星期六 19:30 CET`.
/// The zone's abbreviation stays in both languages, because a buyer may live
/// in another zone than the venue.
pub fn format_datetime(at: &Zoned, locale: Locale) -> String {
    match locale {
        Locale::En => at.strftime("%a %-d %b %Y, %H:%M %Z").to_string(),
        Locale::ZhCn => {
            let weekday = match at.weekday() {
                Weekday::Monday => "一",
                Weekday::Tuesday => "二",
                Weekday::Wednesday => "三",
                Weekday::Thursday => "四",
                Weekday::Friday => "五",
                Weekday::Saturday => "六",
                Weekday::Sunday => "日",
            };
            let zone = at.strftime("%Z");
            format!(
                "{}年{}月{}日 星期{weekday} {:02}:{:02} {zone}",
                at.year(),
                at.month(),
                at.day(),
                at.hour(),
                at.minute()
            )
        }
    }
}

/// The date alone, for subject lines: `Sat 12 Dec 2026`, `2026年12月12日`.
pub fn format_date(at: &Zoned, locale: Locale) -> String {
    match locale {
        Locale::En => at.strftime("%a %-d %b %Y").to_string(),
        Locale::ZhCn => format!("{}年{}月{}日", at.year(), at.month(), at.day()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tessera_domain::money::Currency;

    fn money(minor: i64, code: &str) -> Money {
        Money::new(minor, Currency::parse(code).unwrap())
    }

    #[test]
    fn tags_map_by_primary_language() {
        for tag in ["zh-CN", "zh", "ZH", "zh_Hans_SG", "zh-TW"] {
            assert_eq!(Locale::from_tag(tag), Locale::ZhCn, "{tag}");
        }
        for tag in ["en-GB", "en", "de-DE", "", "  ", "-zh", "zhx"] {
            assert_eq!(Locale::from_tag(tag), Locale::En, "{tag}");
        }
    }

    #[test]
    fn money_reads_per_locale_without_floats() {
        assert_eq!(format_money(money(1250, "EUR"), Locale::En), "€12.50");
        assert_eq!(format_money(money(123_456_789, "EUR"), Locale::En), "€1,234,567.89");
        assert_eq!(format_money(money(-5, "GBP"), Locale::En), "-£0.05");
        assert_eq!(format_money(money(1000, "USD"), Locale::En), "$10.00");
        assert_eq!(format_money(money(1250, "CHF"), Locale::En), "CHF 12.50");
        assert_eq!(format_money(money(150_000, "JPY"), Locale::En), "JPY 150,000");
        assert_eq!(format_money(money(1250, "KWD"), Locale::En), "KWD 1.250");
        assert_eq!(format_money(money(8800, "CNY"), Locale::ZhCn), "¥88.00");
        assert_eq!(format_money(money(1250, "EUR"), Locale::ZhCn), "12.50 EUR");
        assert_eq!(format_money(money(i64::MIN, "EUR"), Locale::En), "-€92,233,720,368,547,758.08");
    }

    #[test]
    fn dates_read_per_locale_in_the_venues_zone() {
        let at: Zoned = "2026-12-12T19:30[Europe/Berlin]".parse().unwrap();
        assert_eq!(format_datetime(&at, Locale::En), "Sat 12 Dec 2026, 19:30 CET");
        assert_eq!(format_datetime(&at, Locale::ZhCn), "2026年12月12日 星期六 19:30 CET");
        let morning: Zoned = "2027-03-01T09:05[Asia/Shanghai]".parse().unwrap();
        assert_eq!(format_datetime(&morning, Locale::En), "Mon 1 Mar 2027, 09:05 CST");
        assert_eq!(format_datetime(&morning, Locale::ZhCn), "2027年3月1日 星期一 09:05 CST");
        assert_eq!(format_date(&morning, Locale::ZhCn), "2027年3月1日");
    }
}
