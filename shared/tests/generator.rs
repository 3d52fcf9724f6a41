//! The password and passphrase generator: lengths, classes, look-alikes, errors, uniformity and
//! entropy. This binary runs natively and, under wasm-bindgen-test, inside Chromium.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::collections::HashMap;

use coffer_shared::generator::{
    AMBIGUOUS, DIGITS, GeneratorError, LOWER, PasswordOptions, SYMBOLS, UPPER, passphrase,
    passphrase_entropy_bits, password, password_entropy_bits,
};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn only(lower: bool, upper: bool, digits: bool, symbols: bool) -> PasswordOptions {
    PasswordOptions { length: 20, lower, upper, digits, symbols, avoid_ambiguous: false }
}

/// Pearson's chi-square statistic of `counts` against a uniform distribution over `categories`.
fn chi_square(counts: &HashMap<String, usize>, categories: usize) -> f64 {
    let total: usize = counts.values().sum();
    let expected = total as f64 / categories as f64;
    let seen: f64 = counts.values().map(|&o| (o as f64 - expected).powi(2) / expected).sum();
    seen + (categories - counts.len()) as f64 * expected
}

#[test]
fn the_default_is_20_characters_of_every_class_without_look_alikes() {
    let options = PasswordOptions::default();
    assert_eq!(options.length, 20);
    for _ in 0..200 {
        let generated = password(&options).unwrap();
        assert_eq!(generated.chars().count(), 20);
        for class in [LOWER, UPPER, DIGITS, SYMBOLS] {
            assert!(generated.chars().any(|c| class.contains(c)), "{generated} lacks one of {class}");
        }
        assert!(!generated.chars().any(|c| AMBIGUOUS.contains(c)), "{generated}");
    }
}

#[test]
fn every_length_from_8_to_128_is_honoured_and_others_are_refused() {
    for length in [8, 9, 64, 128] {
        let options = PasswordOptions { length, ..PasswordOptions::default() };
        assert_eq!(password(&options).unwrap().chars().count(), length);
    }
    for length in [0, 7, 129] {
        let options = PasswordOptions { length, ..PasswordOptions::default() };
        assert_eq!(password(&options), Err(GeneratorError::Length));
        assert_eq!(password_entropy_bits(&options), Err(GeneratorError::Length));
    }
    assert_eq!(password(&only(false, false, false, false)), Err(GeneratorError::NoClass));
}

#[test]
fn only_the_chosen_classes_are_used() {
    let cases = [
        (only(true, false, false, false), LOWER),
        (only(false, true, false, false), UPPER),
        (only(false, false, true, false), DIGITS),
        (only(false, false, false, true), SYMBOLS),
    ];
    for (options, class) in cases {
        let generated = password(&options).unwrap();
        assert!(generated.chars().all(|c| class.contains(c)), "{generated}");
    }
    let digits = password(&PasswordOptions { length: 128, ..only(false, false, true, false) }).unwrap();
    assert!(digits.contains('0') && digits.contains('1'), "look-alikes are kept unless asked");
}

#[test]
fn characters_are_uniform() {
    let mut counts = HashMap::new();
    for _ in 0..1000 {
        for c in password(&PasswordOptions { length: 40, ..only(true, false, false, false) }).unwrap().chars()
        {
            *counts.entry(c.to_string()).or_insert(0) += 1;
        }
    }
    // 25 degrees of freedom: mean 25, standard deviation about 7; 80 has p < 1e-7.
    let statistic = chi_square(&counts, 26);
    assert!(statistic < 80.0, "chi-square {statistic}");
}

#[test]
fn passphrases_have_the_asked_words_and_separator() {
    let generated = passphrase(5, '-').unwrap();
    let words: Vec<&str> = generated.split('-').collect();
    assert_eq!(words.len(), 5);
    assert!(words.iter().all(|w| (3..=8).contains(&w.len()) && w.bytes().all(|b| b.is_ascii_lowercase())));
    assert_eq!(passphrase(3, '·').unwrap().split('·').count(), 3);
    for words in [0, 2, 21] {
        assert_eq!(passphrase(words, ' '), Err(GeneratorError::Words));
    }
}

#[test]
fn passphrase_words_are_uniform_over_2048() {
    let mut counts = HashMap::new();
    for _ in 0..2000 {
        for word in passphrase(10, ' ').unwrap().split(' ') {
            *counts.entry(word.to_owned()).or_insert(0) += 1;
        }
    }
    // 20 000 draws: each word is missed with probability e^-9.8, so nearly all 2048 appear.
    assert!((2040..=2048).contains(&counts.len()), "{} distinct words", counts.len());
    // 2047 degrees of freedom: standard deviation about 64.
    let statistic = chi_square(&counts, 2048);
    assert!(statistic < 2047.0 + 8.0 * 64.0, "chi-square {statistic}");
}

#[test]
fn entropy_counts_the_passwords_that_can_come_out() {
    let digits = PasswordOptions { length: 8, ..only(false, false, true, false) };
    assert!((password_entropy_bits(&digits).unwrap() - 8.0 * 10f64.log2()).abs() < 1e-9);
    // Lower case and digits, both required: 36^8 - 26^8 - 10^8 passwords.
    let two = PasswordOptions { length: 8, ..only(true, false, true, false) };
    let count = 36f64.powi(8) - 26f64.powi(8) - 10f64.powi(8);
    assert!((password_entropy_bits(&two).unwrap() - count.log2()).abs() < 1e-9);
    let default = password_entropy_bits(&PasswordOptions::default()).unwrap();
    assert!((126.0..128.0).contains(&default), "{default}");
    assert_eq!(passphrase_entropy_bits(5), 55.0);
}
