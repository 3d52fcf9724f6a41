//! `--expires`: `5m`, `1h`, `1d`, `7d`, `30d` or a number of seconds, checked against the
//! lifetimes the server offers.

use crate::exit::{Failure, Outcome};

/// Seconds in `text`: a number followed by `s`, `m`, `h`, `d` or `w`, or bare seconds.
pub fn parse(text: &str) -> Option<u64> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let unit = match unit {
        "s" => 1,
        "m" | "min" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return None,
    };
    number.parse::<u64>().ok()?.checked_mul(unit)
}

/// How `seconds` is written back: the largest whole unit.
pub fn describe(seconds: u64) -> String {
    match seconds {
        s if s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s % 3_600 == 0 => format!("{}h", s / 3_600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// The lifetime asked for, if the server offers it.
pub fn choose(text: &str, offered: &[u64]) -> Outcome<u64> {
    let listed = offered.iter().map(|&seconds| describe(seconds)).collect::<Vec<_>>().join(", ");
    let seconds =
        parse(text).ok_or_else(|| Failure::usage(format!("--expires {text:?}: use one of {listed}.")))?;
    if offered.contains(&seconds) {
        Ok(seconds)
    } else {
        Err(Failure::usage(format!("This server offers these lifetimes: {listed}.")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_bare_seconds_parse() {
        assert_eq!(parse("5m"), Some(300));
        assert_eq!(parse("1h"), Some(3_600));
        assert_eq!(parse("7d"), Some(604_800));
        assert_eq!(parse("86400"), Some(86_400));
        assert_eq!(parse("1y"), None);
        assert_eq!(parse("m"), None);
        assert_eq!(parse("99999999999999999999d"), None);
    }

    #[test]
    fn only_offered_lifetimes_are_taken() {
        let offered = [300, 3_600, 86_400];
        assert_eq!(choose("1h", &offered).unwrap(), 3_600);
        let refused = choose("7d", &offered).unwrap_err();
        assert!(refused.message.contains("5m, 1h, 1d"), "{}", refused.message);
    }
}
