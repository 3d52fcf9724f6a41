//! Repeats: a base of one or more characters written two or more times in a row (`aaaa`,
//! `abcabc`, `passwordpassword`). An attacker guesses the base, then the count, so a repeat
//! costs the base's guesses times the number of copies.

use super::matching::{Input, Match, Pattern};

/// For every start where a repeat begins (it does not continue further left), the repeat of the
/// shortest base that covers the most characters.
pub(super) fn find(input: &Input<'_>, out: &mut Vec<Match>) {
    let chars = input.chars;
    let n = chars.len();
    for start in 0..n {
        let mut best: Option<(usize, usize)> = None; // (base length, copies)
        for base in 1..=(n - start) / 2 {
            let copies = copies(&chars[start..], base);
            let longer = best.is_none_or(|(b, c)| base * copies > b * c);
            let extends_left = start > 0 && chars[start - 1] == chars[start - 1 + base];
            if copies >= 2 && longer && !extends_left {
                best = Some((base, copies));
            }
        }
        if let Some((base, copies)) = best {
            let end = start + base * copies;
            let base_guesses_log10 =
                super::analyse(&chars[start..start + base], input.personal(), false).guesses_log10;
            out.push(Match {
                start,
                end,
                guesses_log10: base_guesses_log10 + (copies as f64).log10(),
                pattern: Pattern::Repeat { base_len: base },
            });
        }
    }
}

/// How many times `text[..base]` occurs back to back at the start of `text`.
fn copies(text: &[char], base: usize) -> usize {
    let unit = &text[..base];
    text.chunks_exact(base).take_while(|chunk| *chunk == unit).count()
}
