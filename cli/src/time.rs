//! Unix seconds as people read them: `2026-12-08 14:05 UTC`, and "in 3 hours".

use std::time::{SystemTime, UNIX_EPOCH};

use coffer_shared::calendar::civil_from_days;

/// Now, in Unix seconds.
pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_secs())
}

/// `YYYY-MM-DD HH:MM UTC`.
pub fn utc(seconds: u64) -> String {
    let days = i64::try_from(seconds / 86_400).unwrap_or(i64::MAX);
    let (year, month, day) = civil_from_days(days);
    let rest = seconds % 86_400;
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02} UTC", rest / 3_600, rest % 3_600 / 60)
}

/// `in 5 minutes`, `in 3 hours`, `in 2 days` (rounded down), or `now`.
pub fn from_now(seconds: u64) -> String {
    let left = seconds.saturating_sub(now());
    let (count, unit) = match left {
        0..60 => return "now".to_owned(),
        60..3_600 => (left / 60, "minute"),
        3_600..86_400 => (left / 3_600, "hour"),
        _ => (left / 86_400, "day"),
    };
    format!("in {count} {unit}{}", if count == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_seconds_read_as_utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc(1_800_000_000), "2027-01-15 08:00 UTC");
    }

    #[test]
    fn the_time_left_is_rounded_down_to_its_unit() {
        assert_eq!(from_now(now() + 3 * 3_600 + 59), "in 3 hours");
        assert_eq!(from_now(now() + 90), "in 1 minute");
        assert_eq!(from_now(0), "now");
    }
}
