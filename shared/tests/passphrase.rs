//! The passphrase strength rule: weak passphrases of every pattern are refused, strong ones
//! pass, and the feedback says why. This binary runs natively and, under wasm-bindgen-test,
//! inside Chromium.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use coffer_shared::generator::{PasswordOptions, passphrase, password};
use coffer_shared::passphrase::{MIN_SCORE, acceptable, estimate};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const EMAIL: &str = "alice@example.com";

#[test]
fn common_and_patterned_passphrases_are_refused() {
    let weak = [
        "password",
        "Password1!",
        "qwertyuiop",
        "aaaaaaaaaaaa",
        "12345678901",
        "P@ssw0rd123",
        "drowssapdrowssap",
        "asdfghjkl;'",
        "abcdefghijkl",
        "31/01/1987!!",
        "passwordpassword",
        "Summer2024!",
        "iloveyou12345",
        "monkey123456",
    ];
    for passphrase in weak {
        let strength = estimate(passphrase, &[EMAIL]);
        assert!(!acceptable(passphrase, &[EMAIL]), "{passphrase:?} passed with {strength:?}");
        assert!(strength.score < MIN_SCORE, "{passphrase:?}: {strength:?}");
        assert!(!strength.suggestions.is_empty(), "{passphrase:?}");
    }
}

#[test]
fn the_users_email_address_is_refused_in_any_case_and_with_a_year() {
    for passphrase in [EMAIL, "Alice@Example.com", "alice@example.com2024", "alicealice1987"] {
        let strength = estimate(passphrase, &[EMAIL]);
        assert!(!acceptable(passphrase, &[EMAIL]), "{passphrase:?}: {strength:?}");
        assert_eq!(
            strength.warning,
            Some("Your e-mail address, name or other personal details are easy to guess."),
            "{passphrase:?}"
        );
    }
}

#[test]
fn word_passphrases_and_random_strings_are_accepted() {
    for passphrase in ["correct horse battery staple", "q7$Lm9#vT2xR!pK4", "Tr0ub4dor&3-extra-words-here"] {
        let strength = estimate(passphrase, &[EMAIL]);
        assert!(acceptable(passphrase, &[EMAIL]), "{passphrase:?} refused with {strength:?}");
        assert_eq!((strength.warning, strength.suggestions.len()), (None, 0), "{passphrase:?}");
    }
}

#[test]
fn generated_passwords_and_passphrases_are_accepted() {
    for _ in 0..50 {
        let generated = password(&PasswordOptions::default()).unwrap();
        assert!(acceptable(&generated, &[EMAIL]), "{generated:?}: {:?}", estimate(&generated, &[EMAIL]));
        let words = passphrase(4, ' ').unwrap();
        assert!(acceptable(&words, &[EMAIL]), "{words:?}: {:?}", estimate(&words, &[EMAIL]));
    }
}

#[test]
fn fewer_than_ten_characters_are_refused_however_random() {
    let short = "q7$Lm9#vT";
    assert!(estimate(short, &[]).score >= MIN_SCORE);
    assert!(!acceptable(short, &[]));
    assert!(estimate(short, &[]).suggestions.contains(&"Use at least 10 characters."));
}

#[test]
fn the_warning_names_the_pattern() {
    let warning = |passphrase| estimate(passphrase, &[]).warning.unwrap();
    assert_eq!(warning("password"), "This is a top-10 common password.");
    assert!(warning("aaaaaaaaaaaa").starts_with("Repeats"));
    assert!(warning("abcdefghijkl").starts_with("Sequences"));
    assert!(warning("zxcvbnm,./").starts_with("Rows of neighbouring keys"));
    assert!(warning("1987-01-31").starts_with("Dates"));
    let substituted = estimate("P@ssw0rd", &[]);
    assert!(substituted.suggestions.iter().any(|s| s.starts_with("Predictable substitutions")));
}

#[test]
fn more_words_mean_more_guesses() {
    let mut previous = estimate("staple", &[]).guesses_log10;
    for passphrase in ["staple horse", "staple horse battery", "staple horse battery correct"] {
        let guesses = estimate(passphrase, &[]).guesses_log10;
        assert!(guesses > previous + 2.0, "{passphrase:?}: {guesses} after {previous}");
        previous = guesses;
    }
}

#[test]
fn any_text_is_estimated_without_panicking() {
    let long = "ü😀 aa11".repeat(100);
    for passphrase in ["", " ", "é", "ǅ", "İstanbul", "ﬃ", "11/11/11/11", "9999-99-99", long.as_str()] {
        let strength = estimate(passphrase, &["", "a", "İ@x", EMAIL]);
        assert!(strength.guesses_log10.is_finite() && strength.guesses_log10 >= 0.0, "{passphrase:?}");
        assert!(strength.score <= 4);
    }
    assert_eq!(estimate("", &[]).score, 0);
}

/// Milliseconds on a monotonic-enough clock: `Date.now()` in a browser, where `Instant` panics.
fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    return js_sys::Date::now();
    #[cfg(not(target_arch = "wasm32"))]
    {
        static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
        START.get_or_init(std::time::Instant::now).elapsed().as_secs_f64() * 1000.0
    }
}

#[test]
fn a_64_character_passphrase_is_estimated_in_under_a_millisecond() {
    let inputs = [
        "correct horse battery staple and some more words to reach 64 chr",
        "Tr0ub4dor&3-q7$Lm9#vT2xR!pK4-1987-01-31-qwertyuiop-aaaaaaaa-abcd",
        "1111111111111111111111111111111111111111111111111111111111111111",
    ];
    estimate("warm-up", &[]);
    for passphrase in inputs {
        assert_eq!(passphrase.len(), 64);
        // Many runs, so that a browser's coarse clock still measures the average.
        let runs = 200;
        let start = now_ms();
        for _ in 0..runs {
            std::hint::black_box(estimate(std::hint::black_box(passphrase), &[EMAIL]));
        }
        let average = (now_ms() - start) / f64::from(runs);
        assert!(average < 1.0, "{passphrase:?}: {average} ms");
    }
}
