//! Dates and years: `1987`, `310187`, `31.01.1987`, `1987-01-31`, `1/31/87`. An attacker tries
//! the days of the years around the reference year first, so guesses grow with the distance from
//! it (zxcvbn's model: 365 days times at least 20 years, times 4 for the separator's choice).

use super::matching::{Match, Pattern};

/// The year distances are measured from. A fixed year keeps estimates reproducible; a few years
/// of drift change little, since every year within 20 of it costs the same.
const REFERENCE_YEAR: u32 = 2025;
/// The fewest years an attacker is assumed to try.
const MIN_YEAR_SPACE: u32 = 20;
/// Characters accepted between the parts of a date.
const SEPARATORS: &[char] = &[' ', '/', '\\', '_', '.', '-'];

/// Years from 1900 to 2049, and dates with or without separators.
pub(super) fn find(chars: &[char], out: &mut Vec<Match>) {
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = chars.get(range)?;
        part.iter().try_fold(0u32, |acc, c| Some(acc * 10 + c.to_digit(10)?))
    };
    let push = |out: &mut Vec<Match>, start, end, year, separated: bool, pattern| {
        let mut guesses = f64::from(year_space(year));
        if pattern == Pattern::Date {
            guesses *= if separated { 365.0 * 4.0 } else { 365.0 };
        }
        out.push(Match { start, end, guesses_log10: guesses.log10(), pattern });
    };
    for start in 0..chars.len() {
        if let Some(year @ 1900..=2049) = digits(start..start + 4) {
            push(out, start, start + 4, year, false, Pattern::Year);
        }
        // Without separators: 4 to 8 digits split into three parts.
        for end in start + 4..=(start + 8).min(chars.len()) {
            if digits(start..end).is_none() {
                break;
            }
            let best = (start + 1..end - 1)
                .flat_map(|a| (a + 1..end).map(move |b| (a, b)))
                .filter_map(|(a, b)| {
                    let parts = [digits(start..a)?, digits(a..b)?, digits(b..end)?];
                    date_year(parts, [a - start, b - a, end - b])
                })
                .min_by_key(|&year| year_space(year));
            if let Some(year) = best {
                push(out, start, end, year, false, Pattern::Date);
            }
        }
        // With one separator repeated: 1-4 digits, 1-2 digits, 1-4 digits.
        for a in start + 1..=start + 4 {
            let Some(&sep) = chars.get(a).filter(|c| SEPARATORS.contains(c)) else { continue };
            for b in a + 2..=a + 3 {
                if chars.get(b) != Some(&sep) {
                    continue;
                }
                for end in b + 2..=b + 5 {
                    let parts = (digits(start..a), digits(a + 1..b), digits(b + 1..end));
                    if let (Some(p), Some(q), Some(r)) = parts
                        && let Some(year) = date_year([p, q, r], [a - start, b - a - 1, end - b - 1])
                    {
                        push(out, start, end, year, true, Pattern::Date);
                    }
                }
            }
        }
    }
}

/// Reads three numbers as year-month-day, year-day-month, day-month-year or month-day-year and
/// returns the year of the valid reading closest to the reference year, if any. A year has 2 or
/// 4 digits, a day or a month 1 or 2; two-digit years are read as 1951 to 2050.
fn date_year(parts: [u32; 3], lens: [usize; 3]) -> Option<u32> {
    let year = |value: u32, len: usize| match (len, value) {
        (2, 0..=50) => Some(2000 + value),
        (2, _) => Some(1900 + value),
        (4, 1000..=2050) => Some(value),
        _ => None,
    };
    let day_month = |d: u32, m: u32, dl: usize, ml: usize| {
        dl <= 2 && ml <= 2 && (1..=31).contains(&d) && (1..=12).contains(&m)
    };
    let [p, q, r] = parts;
    let [pl, ql, rl] = lens;
    let readings = [
        year(p, pl).filter(|_| day_month(r, q, rl, ql)),
        year(p, pl).filter(|_| day_month(q, r, ql, rl)),
        year(r, rl).filter(|_| day_month(p, q, pl, ql)),
        year(r, rl).filter(|_| day_month(q, p, ql, pl)),
    ];
    readings.into_iter().flatten().min_by_key(|&y| year_space(y))
}

/// How many years an attacker tries before reaching `year`.
fn year_space(year: u32) -> u32 {
    year.abs_diff(REFERENCE_YEAR).max(MIN_YEAR_SPACE)
}
