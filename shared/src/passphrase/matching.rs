//! The patterns the estimator looks for, each with the number of guesses an attacker who knows
//! the pattern needs to reach it (the model of zxcvbn, Wheeler 2016, reduced to what fits a page):
//! dictionary words (plain, capitalised, reversed, with l33t substitutions), personal details,
//! repeats, sequences, keyboard rows, dates and recent years.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use super::common;
use crate::generator::words::WORDS;

/// Where a dictionary word came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Source {
    /// A leaked password.
    Password,
    /// A common English word.
    English,
    /// A common first name.
    Name,
    /// A word of the passphrase generator's list.
    Generator,
    /// The user's e-mail address, name or another detail the caller passed.
    Personal,
}

/// What a run of characters is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pattern {
    /// A dictionary word; `rank` is its position in its list, starting at 1.
    Word { source: Source, rank: usize, reversed: bool, l33t: bool, capitals: Capitals },
    /// A run that repeats a base of `base_len` characters.
    Repeat { base_len: usize },
    /// Characters with a constant step, such as `abcd`, `1357` or `9876`.
    Sequence,
    /// Neighbouring keys of one keyboard row; `turns` counts the changes of direction, plus one.
    Keyboard { turns: usize },
    /// A date, with or without separators.
    Date,
    /// A year between 1900 and 2049.
    Year,
}

/// How a word's letters are capitalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Capitals {
    /// No capitals.
    None,
    /// Only the first letter, only the last, or all of them.
    Obvious,
    /// Any other mix.
    Mixed,
}

/// A pattern found at `start..end` (in characters) and the log10 of its guesses.
#[derive(Debug, Clone, Copy)]
pub(super) struct Match {
    pub start: usize,
    pub end: usize,
    pub guesses_log10: f64,
    pub pattern: Pattern,
}

/// The passphrase and what the matchers need of it, prepared once.
pub(super) struct Input<'a> {
    pub chars: &'a [char],
    lower: Vec<char>,
    personal: &'a [Vec<char>],
}

impl<'a> Input<'a> {
    pub(super) fn new(chars: &'a [char], personal: &'a [Vec<char>]) -> Self {
        let lower = chars.iter().map(|&c| lower_char(c)).collect();
        Self { chars, lower, personal }
    }

    /// The caller's personal details, lower-cased.
    pub(super) fn personal(&self) -> &'a [Vec<char>] {
        self.personal
    }
}

/// Every match in the input. Repeats are looked for only when `repeats` is set: the base of a
/// repeat is estimated without them, which bounds the recursion.
pub(super) fn find_all(input: &Input<'_>, repeats: bool) -> Vec<Match> {
    let mut found = Vec::new();
    dictionary(input, &mut found);
    personal(input, &mut found);
    if repeats {
        super::repeats::find(input, &mut found);
    }
    sequences(input.chars, &mut found);
    super::keyboard::find(input.chars, &mut found);
    super::dates::find(input.chars, &mut found);
    found
}

/// The lower-case form of one character (itself if that would take several characters).
pub(super) fn lower_char(c: char) -> char {
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(single), None) => single,
        _ => c,
    }
}

struct Index {
    words: HashMap<&'static str, (Source, usize), BuildHasherDefault<Fnv>>,
    max_len: usize,
}

/// FNV-1a: several times faster than the default SipHash on short words. The keys are fixed, so
/// there is no flooding to defend against.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// The embedded lists as one map from word to its best (source, rank), built on first use.
fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let lists = [
            (Source::Password, common::PASSWORDS),
            (Source::English, common::ENGLISH),
            (Source::Name, common::NAMES),
        ];
        let mut words = HashMap::with_capacity_and_hasher(4096, BuildHasherDefault::default());
        for (source, list) in lists {
            for (position, &word) in list.iter().enumerate() {
                words.entry(word).or_insert((source, position + 1));
            }
        }
        // The generator draws uniformly, so each of its words costs the whole list.
        for &word in WORDS.iter() {
            words.entry(word).or_insert((Source::Generator, WORDS.len()));
        }
        let max_len = words.keys().map(|word| word.len()).max().unwrap_or(0);
        Index { words, max_len }
    })
}

/// Calls `found(start, end, source, rank)` for every dictionary word in `text`.
fn lookups(text: &[char], mut found: impl FnMut(usize, usize, Source, usize)) {
    let index = index();
    let mut word = String::with_capacity(index.max_len * 4);
    for start in 0..text.len() {
        word.clear();
        for (end, &c) in text.iter().enumerate().skip(start).take(index.max_len) {
            word.push(c);
            if end - start >= 2
                && let Some(&(source, rank)) = index.words.get(word.as_str())
            {
                found(start, end + 1, source, rank);
            }
        }
    }
}

fn dictionary(input: &Input<'_>, out: &mut Vec<Match>) {
    let (chars, lower) = (input.chars, &input.lower);
    let word = |start, end, source, rank, reversed, l33t_factor: f64| {
        let (capitals, capital_factor) = capitals(&chars[start..end]);
        let l33t = l33t_factor > 1.0;
        let factor = capital_factor * l33t_factor * if reversed { 2.0 } else { 1.0 };
        let pattern = Pattern::Word { source, rank, reversed, l33t, capitals };
        Match { start, end, guesses_log10: (rank as f64 * factor).log10(), pattern }
    };
    lookups(lower, |start, end, source, rank| out.push(word(start, end, source, rank, false, 1.0)));

    let reversed: Vec<char> = lower.iter().rev().copied().collect();
    let n = lower.len();
    lookups(&reversed, |start, end, source, rank| {
        let (start, end) = (n - end, n - start);
        let token = &lower[start..end];
        if !token.iter().eq(token.iter().rev()) {
            out.push(word(start, end, source, rank, true, 1.0));
        }
    });

    for variant in l33t_variants(lower) {
        lookups(&variant, |start, end, source, rank| {
            let factor = l33t_factor(&lower[start..end], &variant[start..end]);
            if factor > 1.0 {
                out.push(word(start, end, source, rank, false, factor));
            }
        });
    }
}

/// Substitutions people make for letters; the ambiguous ones have a second reading.
const L33T: &[(char, char, char)] = &[
    ('4', 'a', 'a'),
    ('@', 'a', 'a'),
    ('8', 'b', 'b'),
    ('(', 'c', 'c'),
    ('<', 'c', 'c'),
    ('3', 'e', 'e'),
    ('6', 'g', 'g'),
    ('9', 'g', 'g'),
    ('1', 'i', 'l'),
    ('!', 'i', 'i'),
    ('|', 'i', 'l'),
    ('0', 'o', 'o'),
    ('$', 's', 's'),
    ('5', 's', 's'),
    ('7', 't', 'l'),
    ('+', 't', 't'),
    ('%', 'x', 'x'),
    ('2', 'z', 'z'),
];

/// The input with every l33t character read as its letter, once with the first reading and once
/// with the second; none if there is nothing to substitute.
fn l33t_variants(lower: &[char]) -> Vec<Vec<char>> {
    let read = |second: bool| -> Vec<char> {
        let letter = |c| L33T.iter().find(|entry| entry.0 == c).map(|e| if second { e.2 } else { e.1 });
        lower.iter().map(|&c| letter(c).unwrap_or(c)).collect()
    };
    let first = read(false);
    if first == lower {
        return Vec::new();
    }
    let second = read(true);
    if second == first { vec![first] } else { vec![first, second] }
}

/// zxcvbn's count of the ways to place the substitutions of a word: for each substituted letter,
/// 2 if every occurrence is substituted, else the number of non-empty choices of which are.
/// 1.0 means no substitution.
fn l33t_factor(original: &[char], read: &[char]) -> f64 {
    let mut factor = 1.0;
    let mut done = Vec::new();
    for (&o, &r) in original.iter().zip(read) {
        if o == r || done.contains(&r) {
            continue;
        }
        done.push(r);
        let subbed = original.iter().zip(read).filter(|&(&o, &x)| x == r && o != r).count();
        let plain = original.iter().filter(|&&o| o == r).count();
        factor *= if plain == 0 { 2.0 } else { choices(subbed + plain, subbed.min(plain)) };
    }
    factor
}

/// How the capitals of a word are placed, and zxcvbn's factor for them.
fn capitals(token: &[char]) -> (Capitals, f64) {
    let upper = token.iter().filter(|c| c.is_uppercase()).count();
    let lower = token.iter().filter(|c| c.is_lowercase()).count();
    let first = token.first().is_some_and(|c| c.is_uppercase());
    let last = token.last().is_some_and(|c| c.is_uppercase());
    match upper {
        0 => (Capitals::None, 1.0),
        1 if first || last => (Capitals::Obvious, 2.0),
        _ if lower == 0 => (Capitals::Obvious, 2.0),
        _ => (Capitals::Mixed, choices(upper + lower, upper.min(lower))),
    }
}

/// `sum(C(n, k) for k in 1..=max)`: the ways to choose between 1 and `max` of `n` positions.
pub(super) fn choices(n: usize, max: usize) -> f64 {
    let mut total = 0.0;
    let mut binomial = 1.0;
    for k in 1..=max {
        binomial = binomial * (n + 1 - k) as f64 / k as f64;
        total += binomial;
    }
    total
}

/// The caller's personal details, matched anywhere; the first detail is the most likely guess.
fn personal(input: &Input<'_>, out: &mut Vec<Match>) {
    for (position, token) in input.personal.iter().enumerate() {
        if token.len() > input.lower.len() {
            continue;
        }
        for start in 0..=input.lower.len() - token.len() {
            let end = start + token.len();
            if input.lower[start..end] == token[..] {
                let (capitals, factor) = capitals(&input.chars[start..end]);
                let pattern = Pattern::Word {
                    source: Source::Personal,
                    rank: position + 1,
                    reversed: false,
                    l33t: false,
                    capitals,
                };
                out.push(Match {
                    start,
                    end,
                    guesses_log10: ((position + 1) as f64 * factor).log10(),
                    pattern,
                });
            }
        }
    }
}

/// Runs of at least three digits or letters of one case whose code points step by a constant
/// 1 to 5, up or down. zxcvbn's guesses: 4 for an obvious start (a, z, 0, 1, 9), 10 for another
/// digit, 26 for another letter; twice that going down; times the length.
fn sequences(chars: &[char], out: &mut Vec<Match>) {
    let class = |c: char| match c {
        '0'..='9' => 1,
        'a'..='z' => 2,
        'A'..='Z' => 3,
        _ => 0,
    };
    let step = |a: char, b: char| i64::from(u32::from(b)) - i64::from(u32::from(a));
    let mut start = 0;
    while start + 2 < chars.len() {
        let delta = step(chars[start], chars[start + 1]);
        let kind = class(chars[start]);
        let mut end = start + 1;
        while end < chars.len()
            && kind != 0
            && class(chars[end]) == kind
            && (1..=5).contains(&delta.abs())
            && step(chars[end - 1], chars[end]) == delta
        {
            end += 1;
        }
        if end - start >= 3 {
            let base = match chars[start] {
                'a' | 'A' | 'z' | 'Z' | '0' | '1' | '9' => 4.0,
                '0'..='9' => 10.0,
                _ => 26.0,
            } * if delta < 0 { 2.0 } else { 1.0 };
            let guesses = base * (end - start) as f64;
            out.push(Match { start, end, guesses_log10: guesses.log10(), pattern: Pattern::Sequence });
            start = end - 1;
        } else {
            start += 1;
        }
    }
}
