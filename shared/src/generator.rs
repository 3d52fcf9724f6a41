//! Random passwords and passphrases for vault records and backups, drawn from the operating
//! system's CSPRNG (`crypto.getRandomValues` in a browser), with their entropy for the UI.
//!
//! Every choice is uniform: indices come from rejection sampling, never from a bare modulo, and
//! a password that lacks a chosen class of characters is thrown away and drawn again, so the
//! result is uniform over all passwords that contain every chosen class.

pub(crate) mod words;

use std::ops::RangeInclusive;

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::crypto::random_array;
use words::WORDS;

/// The lengths a generated password may have.
pub const PASSWORD_LENGTH: RangeInclusive<usize> = 8..=128;
/// The numbers of words a generated passphrase may have.
pub const PASSPHRASE_WORDS: RangeInclusive<usize> = 3..=20;

/// The lower-case letters.
pub const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
/// The upper-case letters.
pub const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
/// The digits.
pub const DIGITS: &str = "0123456789";
/// The symbols: ASCII punctuation without quotes, backslash, backtick and `|`, which break
/// quoting in shells, configuration files and forms.
pub const SYMBOLS: &str = "!#$%&()*+,-./:;<=>?@[]^_{}~";
/// Characters that look alike in many fonts, left out when [`PasswordOptions::avoid_ambiguous`]
/// is set.
pub const AMBIGUOUS: &str = "0Oo1Il";

/// What a generated password is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordOptions {
    /// The number of characters, within [`PASSWORD_LENGTH`].
    pub length: usize,
    /// Use and require lower-case letters.
    pub lower: bool,
    /// Use and require upper-case letters.
    pub upper: bool,
    /// Use and require digits.
    pub digits: bool,
    /// Use and require [`SYMBOLS`].
    pub symbols: bool,
    /// Leave out the look-alike characters of [`AMBIGUOUS`].
    pub avoid_ambiguous: bool,
}

impl Default for PasswordOptions {
    /// 20 characters of all four classes without look-alikes: about 122 bits.
    fn default() -> Self {
        Self { length: 20, lower: true, upper: true, digits: true, symbols: true, avoid_ambiguous: true }
    }
}

impl PasswordOptions {
    /// The characters of each chosen class, after leaving out look-alikes if asked to.
    fn classes(&self) -> Result<Vec<Vec<char>>, GeneratorError> {
        if !PASSWORD_LENGTH.contains(&self.length) {
            return Err(GeneratorError::Length);
        }
        let chosen =
            [(self.lower, LOWER), (self.upper, UPPER), (self.digits, DIGITS), (self.symbols, SYMBOLS)];
        let classes: Vec<Vec<char>> = chosen
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, set)| {
                set.chars().filter(|c| !(self.avoid_ambiguous && AMBIGUOUS.contains(*c))).collect()
            })
            .collect();
        if classes.is_empty() { Err(GeneratorError::NoClass) } else { Ok(classes) }
    }
}

/// Options or a word count that no password or passphrase can be generated for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GeneratorError {
    /// The length is outside [`PASSWORD_LENGTH`].
    #[error("a password has 8 to 128 characters")]
    Length,
    /// No class of characters is chosen.
    #[error("choose at least one kind of character")]
    NoClass,
    /// The number of words is outside [`PASSPHRASE_WORDS`].
    #[error("a passphrase has 3 to 20 words")]
    Words,
}

/// A random password with at least one character of each chosen class, uniform over all such
/// passwords.
pub fn password(options: &PasswordOptions) -> Result<String, GeneratorError> {
    let classes = options.classes()?;
    let alphabet: Vec<char> = classes.concat();
    let mut random = Random::new();
    loop {
        let candidate: Vec<char> =
            (0..options.length).map(|_| alphabet[random.below(alphabet.len())]).collect();
        if classes.iter().all(|class| candidate.iter().any(|c| class.contains(c))) {
            return Ok(candidate.into_iter().collect());
        }
    }
}

/// The entropy of [`password`] in bits: the base-2 logarithm of the number of passwords it can
/// return. By inclusion–exclusion over the chosen classes, that number is
/// `sum over subsets S of the classes of (-1)^|S| * (N - |S's characters|)^length`.
pub fn password_entropy_bits(options: &PasswordOptions) -> Result<f64, GeneratorError> {
    let sizes: Vec<f64> = options.classes()?.iter().map(|class| class.len() as f64).collect();
    let total: f64 = sizes.iter().sum();
    let length = options.length as i32;
    // The fraction of all strings over the alphabet that contain every class.
    let mut fraction = 0.0;
    for subset in 0u32..(1 << sizes.len()) {
        let left_out: f64 =
            sizes.iter().enumerate().filter(|(i, _)| subset & (1 << i) != 0).map(|(_, s)| s).sum();
        let sign = if subset.count_ones() % 2 == 0 { 1.0 } else { -1.0 };
        fraction += sign * (1.0 - left_out / total).powi(length);
    }
    Ok(f64::from(length) * total.log2() + fraction.log2())
}

/// A random passphrase of `words` words of the embedded list of 2048, joined by `separator`.
pub fn passphrase(words: usize, separator: char) -> Result<String, GeneratorError> {
    if !PASSPHRASE_WORDS.contains(&words) {
        return Err(GeneratorError::Words);
    }
    let mut random = Random::new();
    let chosen: Vec<&str> = (0..words).map(|_| WORDS[random.below(WORDS.len())]).collect();
    Ok(chosen.join(separator.encode_utf8(&mut [0; 4])))
}

/// The entropy of [`passphrase`] in bits: 11 per word (log2 of 2048). The separator is public.
pub fn passphrase_entropy_bits(words: usize) -> f64 {
    words as f64 * (WORDS.len() as f64).log2()
}

/// Uniform indices from a buffer of CSPRNG output, wiped when dropped.
#[derive(Zeroize, ZeroizeOnDrop)]
struct Random {
    pool: [u8; 64],
    used: usize,
}

impl Random {
    fn new() -> Self {
        Self { pool: random_array(), used: 0 }
    }

    fn next_u32(&mut self) -> u32 {
        if self.used + 4 > self.pool.len() {
            self.pool = random_array();
            self.used = 0;
        }
        let mut word = [0u8; 4];
        word.copy_from_slice(&self.pool[self.used..self.used + 4]);
        self.used += 4;
        u32::from_le_bytes(word)
    }

    /// A uniform index below `n` (0 < n <= 2^32): draws of 32 bits at or above the largest
    /// multiple of `n` are thrown away, so every index has the same number of draws.
    fn below(&mut self, n: usize) -> usize {
        let n = n as u64;
        let zone = (1u64 << 32) - (1u64 << 32) % n;
        loop {
            let draw = u64::from(self.next_u32());
            if draw < zone {
                return (draw % n) as usize;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_list_has_2048_short_distinct_lower_case_words() {
        assert!(WORDS.windows(2).all(|pair| pair[0] < pair[1]), "sorted and distinct");
        assert!(
            WORDS.iter().all(|w| (3..=8).contains(&w.len()) && w.bytes().all(|b| b.is_ascii_lowercase()))
        );
    }

    #[test]
    fn indices_below_one_are_zero_and_below_n_stay_below_n() {
        let mut random = Random::new();
        assert_eq!(random.below(1), 0);
        assert!((0..1000).all(|_| random.below(3) < 3));
    }
}
