//! The few calendar conversions the formats need (UTC only): ISO 8601 timestamps to and from
//! Unix seconds, and Unix seconds to a `YYYY-MM-DD` date. No clock is read here.

use crate::calendar::{civil_from_days, days_from_civil};

fn number(text: &str) -> Option<u32> {
    (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())).then(|| text.parse().ok()).flatten()
}

/// Unix seconds of `YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]` (a missing zone is UTC); `None` for
/// anything else or a time before 1970.
pub fn parse_timestamp(text: &str) -> Option<u64> {
    let text = text.trim();
    let (date, time) = text.split_once(['T', ' '])?;
    let days = parse_days(date)?;
    let (clock, offset) = if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        (clock, 0)
    } else if let Some(at) = time.rfind(['+', '-']) {
        let (hours, minutes) = time[at + 1..].split_once(':').unwrap_or((&time[at + 1..], "0"));
        let minutes = i64::from(number(hours)?) * 60 + i64::from(number(minutes)?);
        (&time[..at], if time.as_bytes()[at] == b'+' { minutes * 60 } else { -minutes * 60 })
    } else {
        (time, 0)
    };
    let clock = clock.split_once('.').map_or(clock, |(whole, _)| whole);
    let mut parts = clock.split(':');
    let hours = number(parts.next()?)?;
    let minutes = number(parts.next()?)?;
    let seconds = parts.next().map_or(Some(0), number)?;
    if parts.next().is_some() || hours > 23 || minutes > 59 || seconds > 60 {
        return None;
    }
    let unix = days * 86_400 + i64::from(hours * 3600 + minutes * 60 + seconds) - offset;
    u64::try_from(unix).ok()
}

/// Days since 1970-01-01 of `YYYY-MM-DD`, checking the month's length.
fn parse_days(date: &str) -> Option<i64> {
    let mut parts = date.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return None;
    }
    let (year, month, day) = (i64::from(number(year)?), number(month)?, number(day)?);
    let days = days_from_civil(year, month, day);
    (civil_from_days(days) == (year, month, day)).then_some(days)
}

/// Whether `text` is a valid `YYYY-MM-DD` date.
pub fn is_date(text: &str) -> bool {
    parse_days(text).is_some()
}

/// `YYYY-MM-DDTHH:MM:SS.000Z`, the form Bitwarden writes.
pub fn format_timestamp(unix: u64) -> String {
    let days = i64::try_from(unix / 86_400).unwrap_or(0);
    let (year, month, day) = civil_from_days(days);
    let rest = unix % 86_400;
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.000Z", rest / 3600, rest / 60 % 60, rest % 60)
}

/// `YYYY-MM-DD` of a Unix time in seconds (negative before 1970: birth dates may be).
pub fn format_date(unix: i64) -> String {
    let (year, month, day) = civil_from_days(unix.div_euclid(86_400));
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_and_honour_zones() {
        assert_eq!(parse_timestamp("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_timestamp("2024-02-29T12:34:56.789Z"), Some(1_709_210_096));
        assert_eq!(format_timestamp(1_709_210_096), "2024-02-29T12:34:56.000Z");
        assert_eq!(parse_timestamp("2024-02-29T14:34:56+02:00"), Some(1_709_210_096));
        assert_eq!(parse_timestamp("2024-02-29T12:34:56"), Some(1_709_210_096));
        assert_eq!(parse_timestamp("2023-02-29T00:00:00Z"), None);
        assert_eq!(parse_timestamp("yesterday"), None);
        assert_eq!(parse_timestamp("1969-12-31T23:59:59Z"), None);
    }

    #[test]
    fn dates_before_and_after_1970() {
        assert_eq!(format_date(0), "1970-01-01");
        assert_eq!(format_date(-86_400), "1969-12-31");
        assert_eq!(format_date(951_782_400), "2000-02-29");
        assert!(is_date("2000-02-29"));
        assert!(!is_date("1900-02-29"));
        assert!(!is_date("2000-2-29"));
    }
}
