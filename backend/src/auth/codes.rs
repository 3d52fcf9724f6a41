//! One-time codes: the 8-digit e-mail code and the authenticator's recovery codes, made with the
//! operating system's CSPRNG, and the tidying of what a person typed.

use coffer_shared::api::{EMAIL_CODE_DIGITS, RECOVERY_CODES};
use coffer_shared::crypto::random_array;

/// Letters of a recovery code: lower-case base32 without `0 1 8 9`-lookalikes (`i`, `l`, `o`, `u`).
const RECOVERY_ALPHABET: &[u8; 32] = b"abcdefghjkmnpqrstvwxyz0123456789";

/// A uniformly random code of [`EMAIL_CODE_DIGITS`] decimal digits (leading zeros allowed).
pub fn email_code() -> String {
    let bound = 10u64.pow(EMAIL_CODE_DIGITS as u32);
    // Rejection sampling: keep only values below the largest multiple of `bound`, so no code is
    // likelier than another.
    let limit = u64::MAX - u64::MAX % bound;
    loop {
        let value = u64::from_le_bytes(random_array());
        if value < limit {
            return format!("{:0width$}", value % bound, width = EMAIL_CODE_DIGITS);
        }
    }
}

/// [`RECOVERY_CODES`] codes of 12 characters (60 bits) written `xxxx-xxxx-xxxx`.
pub fn recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let bytes: [u8; 12] = random_array();
            let letters: Vec<char> =
                bytes.iter().map(|byte| char::from(RECOVERY_ALPHABET[usize::from(byte & 31)])).collect();
            letters.chunks(4).map(|chunk| chunk.iter().collect::<String>()).collect::<Vec<_>>().join("-")
        })
        .collect()
}

/// What a person typed, without spaces and dashes and lower-cased, as codes are stored.
pub fn tidy(typed: &str) -> String {
    typed.chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_lowercase).collect()
}

/// Whether `tidied` looks like an e-mail code (only digits, [`EMAIL_CODE_DIGITS`] of them).
pub fn is_email_code(tidied: &str) -> bool {
    tidied.len() == EMAIL_CODE_DIGITS && tidied.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_codes_are_eight_digits() {
        for _ in 0..100 {
            assert!(is_email_code(&email_code()));
        }
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_survive_tidying() {
        let codes = recovery_codes();
        assert_eq!(codes.len(), 10);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 10);
        assert_eq!(codes[0].len(), 14);
        assert_eq!(tidy(&codes[0].to_uppercase()).len(), 12);
    }

    #[test]
    fn tidy_drops_spaces_and_dashes() {
        assert_eq!(tidy(" 1234 5678 "), "12345678");
        assert_eq!(tidy("AB12-cd34"), "ab12cd34");
        assert!(!is_email_code("1234567"));
        assert!(!is_email_code("1234567a"));
    }
}
