//! Times for the export: `timestamp` as `YYYY-MM-DDTHH:MM:SSZ`, and the `--since` syntax
//! (`docs/audit.md`, "`coffer-server audit export`"). UTC only; the proleptic Gregorian calendar.

use coffer_shared::calendar::{civil_from_days, days_from_civil};

/// `unix` as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339(unix: u64) -> String {
    let days = i64::try_from(unix / 86_400).unwrap_or(i64::MAX);
    let (year, month, day) = civil_from_days(days);
    let seconds = unix % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        seconds / 3600,
        seconds % 3600 / 60,
        seconds % 60
    )
}

/// Parses `--since`: `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SSZ`, Unix seconds, or `<n>m`, `<n>h`,
/// `<n>d` before `now`. Answers Unix seconds.
pub fn parse_since(text: &str, now: u64) -> Result<u64, String> {
    let text = text.trim();
    let refuse = || {
        format!("{text:?} is not a time: use YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ, Unix seconds, or 30m, 12h, 7d")
    };
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().map_err(|_| refuse());
    }
    if let Some(unit) = text.chars().last().and_then(unit_seconds) {
        let count: u64 = text[..text.len() - 1].parse().map_err(|_| refuse())?;
        return Ok(now.saturating_sub(count.saturating_mul(unit)));
    }
    let (date, time) = match text.split_once('T') {
        Some((date, time)) => (date, Some(time.strip_suffix('Z').ok_or_else(refuse)?)),
        None => (text, None),
    };
    let days = parse_date(date).ok_or_else(refuse)?;
    let seconds = match time {
        Some(time) => parse_time(time).ok_or_else(refuse)?,
        None => 0,
    };
    let start = u64::try_from(days).map_err(|_| refuse())?;
    Ok(start * 86_400 + seconds)
}

fn unit_seconds(unit: char) -> Option<u64> {
    match unit {
        'm' => Some(60),
        'h' => Some(3600),
        'd' => Some(86_400),
        _ => None,
    }
}

/// Days since 1970-01-01 of `YYYY-MM-DD`, if it is a real date.
fn parse_date(text: &str) -> Option<i64> {
    let mut parts = text.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return None;
    }
    let (year, month, day): (i64, u32, u32) = (year.parse().ok()?, month.parse().ok()?, day.parse().ok()?);
    let days = days_from_civil(year, month, day);
    // A date that does not exist (2026-02-30) does not come back the same.
    (civil_from_days(days) == (year, month, day)).then_some(days)
}

/// Seconds into the day of `HH:MM:SS`.
fn parse_time(text: &str) -> Option<u64> {
    let mut parts = text.split(':');
    let (hours, minutes, seconds) = (parts.next()?, parts.next()?, parts.next()?);
    let two = |part: &str| (part.len() == 2).then(|| part.parse::<u64>().ok()).flatten();
    let (hours, minutes, seconds) = (two(hours)?, two(minutes)?, two(seconds)?);
    (parts.next().is_none() && hours < 24 && minutes < 60 && seconds < 60)
        .then_some(hours * 3600 + minutes * 60 + seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_of_known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_800_000_000), "2027-01-15T08:00:00Z");
    }

    #[test]
    fn since_takes_dates_times_seconds_and_durations() {
        let now = 1_800_000_000;
        assert_eq!(parse_since("2027-01-15", now), Ok(1_799_971_200));
        assert_eq!(parse_since("2027-01-15T08:00:00Z", now), Ok(1_800_000_000));
        assert_eq!(parse_since("2000-02-29", now), Ok(951_782_400));
        assert_eq!(parse_since("1795345528", now), Ok(1_795_345_528));
        assert_eq!(parse_since("30m", now), Ok(now - 1800));
        assert_eq!(parse_since("12h", now), Ok(now - 43_200));
        assert_eq!(parse_since("7d", now), Ok(now - 604_800));
    }

    #[test]
    fn since_refuses_what_it_cannot_read() {
        for text in [
            "",
            "yesterday",
            "2026-02-30",
            "2026-1-5",
            "2027-01-15T08:00:00",
            "2027-01-15T25:00:00Z",
            "7w",
            "-5",
        ] {
            assert!(parse_since(text, 1_800_000_000).is_err(), "{text}");
        }
    }
}
