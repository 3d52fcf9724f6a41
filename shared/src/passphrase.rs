//! How hard a passphrase is to guess, for the sign-up page's meter and to refuse weak account and
//! backup passphrases (docs/accounts.md, "Passphrases, authenticators and generated passwords").
//! The check runs in the browser: the server never sees a passphrase.
//!
//! The estimate follows zxcvbn (Wheeler, "zxcvbn: Low-Budget Password Strength Estimation",
//! USENIX Security 2016) in a compact form, since the `zxcvbn` crate would add about 780 KB
//! (gzip) to the browser app. The passphrase is split into the patterns of [`matching`] (words
//! of embedded lists, personal details, repeats, sequences, keyboard rows, dates) and runs of
//! other characters. A run costs the product of its characters' class sizes (26 lower-case,
//! 26 upper-case, 10 digits, 33 other ASCII, 100 other): what a mask attack tries. The estimate
//! is the split with the fewest guesses, where a split of `l` parts costs `l!` times the product
//! of its parts' guesses (the attacker does not know the parts' order).

mod common;
mod dates;
mod keyboard;
mod matching;
mod repeats;

use matching::{Capitals, Input, Match, Pattern, Source};

/// The lowest score [`acceptable`] passes: about 10^8 guesses or more.
pub const MIN_SCORE: u8 = 3;
/// The fewest characters [`acceptable`] passes.
pub const MIN_LENGTH: usize = 10;
/// Only this many characters are analysed; the rest of a longer passphrase is ignored, which can
/// only lower the estimate.
pub const MAX_ANALYSED: usize = 128;

/// An estimate and what to tell the user about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Strength {
    /// 0 (guessed in under 10^3 tries) to 4 (10^10 or more); the thresholds are 10^3, 10^6, 10^8
    /// and 10^10.
    pub score: u8,
    /// The base-10 logarithm of the estimated number of guesses.
    pub guesses_log10: f64,
    /// Why the passphrase is weak, if it is and the reason is known.
    pub warning: Option<&'static str>,
    /// What would make it stronger; empty for an acceptable passphrase.
    pub suggestions: Vec<&'static str>,
}

/// Estimates the strength of `passphrase`. `context` holds what an attacker knows of the user,
/// most likely first: the e-mail address, a name. Each item and its parts (split at anything but
/// letters and digits, such as the local part of an address) count as words an attacker tries
/// first.
pub fn estimate(passphrase: &str, context: &[&str]) -> Strength {
    let chars: Vec<char> = passphrase.chars().take(MAX_ANALYSED).collect();
    let personal = personal_words(context);
    let analysis = analyse(&chars, &personal, true);
    let score = match analysis.guesses_log10 {
        x if x < 3.0 => 0,
        x if x < 6.0 => 1,
        x if x < 8.0 => 2,
        x if x < 10.0 => 3,
        _ => 4,
    };
    let long_enough = passphrase.chars().count() >= MIN_LENGTH;
    let (warning, suggestions) = if score >= MIN_SCORE && long_enough {
        (None, Vec::new())
    } else {
        feedback(&analysis, chars.len(), long_enough)
    };
    Strength { score, guesses_log10: analysis.guesses_log10, warning, suggestions }
}

/// Whether a passphrase may protect an account or a backup: a score of at least [`MIN_SCORE`]
/// and at least [`MIN_LENGTH`] characters.
pub fn acceptable(passphrase: &str, context: &[&str]) -> bool {
    passphrase.chars().count() >= MIN_LENGTH && estimate(passphrase, context).score >= MIN_SCORE
}

/// The context's items and their parts of three or more characters, lower-cased, without repeats.
fn personal_words(context: &[&str]) -> Vec<Vec<char>> {
    let mut words: Vec<Vec<char>> = Vec::new();
    for item in context {
        let whole = item.trim().chars().map(matching::lower_char).collect::<Vec<_>>();
        let parts = whole.split(|c| !c.is_alphanumeric()).map(<[char]>::to_vec);
        for word in std::iter::once(whole.clone()).chain(parts) {
            if word.len() >= 3 && !words.contains(&word) {
                words.push(word);
            }
        }
    }
    words
}

/// The cheapest split of a passphrase and its guesses.
struct Analysis {
    guesses_log10: f64,
    /// The patterns of the split, in order; runs of other characters are left out.
    parts: Vec<Match>,
    /// Whether a personal detail occurs anywhere, in the split or not (inside a repeat, say).
    personal: bool,
}

/// How a state of the search was reached.
#[derive(Clone, Copy)]
enum Step {
    Start,
    Pattern(usize),
    Other,
}

/// The search: `cost[i][l][run]` is the least log10 of guesses of the first `i` characters split
/// into `l` parts, where `run` says whether the last part is a run of other characters (which the
/// next such character extends rather than starting a new part).
fn analyse(chars: &[char], personal: &[Vec<char>], repeats: bool) -> Analysis {
    let n = chars.len();
    if n == 0 {
        return Analysis { guesses_log10: 0.0, parts: Vec::new(), personal: false };
    }
    let matches = matching::find_all(&Input::new(chars, personal), repeats);
    let mut starting_at = vec![Vec::new(); n];
    for (i, m) in matches.iter().enumerate() {
        starting_at[m.start].push(i);
    }
    let state = |i: usize, l: usize, run: usize| (i * (n + 1) + l) * 2 + run;
    let mut cost = vec![f64::INFINITY; (n + 1) * (n + 1) * 2];
    let mut came_from = vec![(0usize, Step::Start); cost.len()];
    cost[state(0, 0, 0)] = 0.0;
    let mut relax = |cost: &mut Vec<f64>, from: usize, to: usize, add: f64, step: Step| {
        if cost[from] + add < cost[to] {
            cost[to] = cost[from] + add;
            came_from[to] = (from, step);
        }
    };
    for i in 0..n {
        let char_cost = class_size(chars[i]).log10();
        for l in 0..=i {
            for run in 0..2 {
                let from = state(i, l, run);
                if cost[from].is_infinite() {
                    continue;
                }
                for &m in &starting_at[i] {
                    let whole = matches[m].start == 0 && matches[m].end == n;
                    // zxcvbn's floor for a pattern inside a longer passphrase.
                    let floor = if whole { 0.0 } else { 50f64.log10() };
                    let add = matches[m].guesses_log10.max(floor);
                    relax(&mut cost, from, state(matches[m].end, l + 1, 0), add, Step::Pattern(m));
                }
                let next = if run == 1 { state(i + 1, l, 1) } else { state(i + 1, l + 1, 1) };
                relax(&mut cost, from, next, char_cost, Step::Other);
            }
        }
    }
    let mut best = (f64::INFINITY, state(n, 0, 0));
    let mut log_factorial = 0.0;
    for l in 1..=n {
        log_factorial += (l as f64).log10();
        for run in 0..2 {
            let total = cost[state(n, l, run)] + log_factorial;
            if total < best.0 {
                best = (total, state(n, l, run));
            }
        }
    }
    let mut parts = Vec::new();
    let mut at = best.1;
    while let (from, step) = came_from[at]
        && !matches!(step, Step::Start)
    {
        if let Step::Pattern(m) = step {
            parts.push(matches[m]);
        }
        at = from;
    }
    parts.reverse();
    let personal =
        matches.iter().any(|m| matches!(m.pattern, Pattern::Word { source: Source::Personal, .. }));
    Analysis { guesses_log10: best.0, parts, personal }
}

/// The number of characters of a character's class.
fn class_size(c: char) -> f64 {
    match c {
        'a'..='z' | 'A'..='Z' => 26.0,
        '0'..='9' => 10.0,
        ' '..='~' => 33.0,
        _ => 100.0,
    }
}

/// A warning and suggestions for a weak passphrase: about personal details if it contains one,
/// else about its longest pattern.
fn feedback(analysis: &Analysis, len: usize, long_enough: bool) -> (Option<&'static str>, Vec<&'static str>) {
    let mut suggestions = Vec::new();
    if !long_enough {
        suggestions.push("Use at least 10 characters.");
    }
    if len == 0 {
        suggestions.push("Use a few words that do not belong together; uncommon words are better.");
        return (None, suggestions);
    }
    suggestions.push("Add another word or two; uncommon words are better.");
    if analysis.personal {
        suggestions.push("Avoid your e-mail address, name and other personal details.");
        return (Some(PERSONAL), suggestions);
    }
    let Some(part) = analysis.parts.iter().max_by_key(|m| m.end - m.start) else {
        return (None, suggestions);
    };
    let alone = part.start == 0 && part.end == len;
    let warning = match part.pattern {
        Pattern::Word { source, rank, reversed, l33t, capitals } => {
            if capitals == Capitals::Obvious {
                suggestions.push("Capitals at the start, at the end or throughout do not help much.");
            }
            if reversed {
                suggestions.push("Reversed words are not much harder to guess.");
            }
            if l33t {
                suggestions.push("Predictable substitutions like '@' for 'a' do not help much.");
            }
            word_warning(source, rank, alone)
        }
        Pattern::Repeat { base_len } => {
            suggestions.push("Avoid repeated words and characters.");
            Some(if base_len == 1 {
                "Repeats like \"aaa\" are easy to guess."
            } else {
                "Repeats like \"abcabc\" are only slightly harder to guess than \"abc\"."
            })
        }
        Pattern::Sequence => {
            suggestions.push("Avoid sequences.");
            Some("Sequences like \"abc\" or \"6543\" are easy to guess.")
        }
        Pattern::Keyboard { .. } => {
            suggestions.push("Avoid keyboard patterns.");
            Some("Rows of neighbouring keys are easy to guess.")
        }
        Pattern::Date | Pattern::Year => {
            suggestions.push("Avoid dates and years that are associated with you.");
            Some("Dates and recent years are easy to guess.")
        }
    };
    (warning, suggestions)
}

const PERSONAL: &str = "Your e-mail address, name or other personal details are easy to guess.";

fn word_warning(source: Source, rank: usize, alone: bool) -> Option<&'static str> {
    match source {
        Source::Personal => Some(PERSONAL),
        Source::Password if alone && rank <= 10 => Some("This is a top-10 common password."),
        Source::Password if alone && rank <= 100 => Some("This is a top-100 common password."),
        Source::Password if alone => Some("This is a very common password."),
        Source::Password => Some("This is similar to a commonly used password."),
        Source::Name if alone => Some("Names by themselves are easy to guess."),
        Source::English | Source::Generator if alone => Some("A word by itself is easy to guess."),
        Source::Name | Source::English | Source::Generator => None,
    }
}

#[cfg(test)]
mod tests {
    use super::common::{ENGLISH, NAMES, PASSWORDS};

    #[test]
    fn the_lists_are_lower_case_distinct_and_of_their_documented_sizes() {
        assert_eq!((PASSWORDS.len(), ENGLISH.len(), NAMES.len()), (1000, 700, 300));
        let all = [PASSWORDS, ENGLISH, NAMES].concat();
        assert!(
            all.iter()
                .all(|w| w.len() >= 3 && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
        );
        let mut distinct = all.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), all.len());
    }

    #[test]
    fn a_split_costs_its_parts_times_the_orderings() {
        // "password" (rank 2, raised to the floor of 50 for a part) then "9" (a digit, 10 guesses),
        // in either order: 50 * 10 * 2!.
        let analysis = super::analyse(&"password9".chars().collect::<Vec<_>>(), &[], true);
        assert!((analysis.guesses_log10 - 1000f64.log10()).abs() < 1e-9, "{}", analysis.guesses_log10);
        assert_eq!(analysis.parts.len(), 1);
    }
}
