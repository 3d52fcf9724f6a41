//! Keyboard rows: three or more neighbouring keys of one row of a US QWERTY keyboard, walked left
//! or right with any number of turns (`qwerty`, `asdfdsa`, `!@#$`, `zxcvbnm`).

use super::matching::{Match, Pattern, choices};

/// The rows, unshifted and shifted, key for key.
const ROWS: [(&str, &str); 4] = [
    ("`1234567890-=", "~!@#$%^&*()_+"),
    ("qwertyuiop[]\\", "QWERTYUIOP{}|"),
    ("asdfghjkl;'", "ASDFGHJKL:\""),
    ("zxcvbnm,./", "ZXCVBNM<>?"),
];
/// The number of keys a walk can start from.
const KEYS: f64 = 47.0;
/// The number of neighbours of a key in its row.
const DEGREE: f64 = 2.0;

/// The row, column and shift state of a character, if it is on the keyboard.
fn key(c: char) -> Option<(usize, usize, bool)> {
    ROWS.iter().enumerate().find_map(|(row, (plain, shifted))| {
        let plain_col = plain.chars().position(|k| k == c).map(|col| (row, col, false));
        plain_col.or_else(|| shifted.chars().position(|k| k == c).map(|col| (row, col, true)))
    })
}

/// Every maximal walk of at least three keys. zxcvbn's guesses: the starting keys times, for each
/// shorter length and number of turns, the ways to place the turns times the neighbours' choices;
/// times the ways to place the shifted keys.
pub(super) fn find(chars: &[char], out: &mut Vec<Match>) {
    let keys: Vec<_> = chars.iter().map(|&c| key(c)).collect();
    let direction = |a: usize, b: usize| match (keys[a], keys[b]) {
        (Some((ra, ca, _)), Some((rb, cb, _))) if ra == rb && ca.abs_diff(cb) == 1 => Some(cb > ca),
        _ => None,
    };
    let mut start = 0;
    while start + 2 < chars.len() {
        let (mut end, mut turns, mut last) = (start + 1, 0, None);
        while end < chars.len()
            && let Some(dir) = direction(end - 1, end)
        {
            turns += usize::from(last != Some(dir));
            last = Some(dir);
            end += 1;
        }
        if end - start < 3 {
            start += 1;
            continue;
        }
        let length = end - start;
        let mut guesses = 0.0;
        for i in 2..=length {
            for j in 1..=turns.min(i - 1) {
                guesses += choices_exact(i - 1, j - 1) * KEYS * DEGREE.powi(j as i32);
            }
        }
        let shifted = keys[start..end].iter().filter(|k| k.is_some_and(|(_, _, s)| s)).count();
        let plain = length - shifted;
        guesses *= match (shifted, plain) {
            (0, _) => 1.0,
            (_, 0) => 2.0,
            _ => choices(length, shifted.min(plain)),
        };
        out.push(Match { start, end, guesses_log10: guesses.log10(), pattern: Pattern::Keyboard { turns } });
        start = end - 1;
    }
}

/// `C(n, k)`.
fn choices_exact(n: usize, k: usize) -> f64 {
    (1..=k).fold(1.0, |acc, i| acc * (n + 1 - i) as f64 / i as f64)
}
