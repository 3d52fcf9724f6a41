//! Time-based one-time passwords for the second sign-in factor (docs/accounts.md, "Passphrases,
//! authenticators and generated passwords"): RFC 6238 TOTP over RFC 4226 HOTP, with the
//! parameters every authenticator app supports.
//!
//! ```text
//! step        = floor(unix_time / 30)
//! hs          = HMAC-SHA1(secret, u64_be(step))                  ; secret: 20 random bytes
//! offset      = hs[19] & 0x0f
//! code        = (u32_be(hs[offset..offset + 4]) & 0x7fff_ffff) mod 10^6, written as 6 digits
//! ```
//!
//! The server holds the secret, since it must verify codes. A code is accepted for the steps
//! `t - 1`, `t` and `t + 1` around the server's time, and never for a step at or before the last
//! one accepted, so no code is accepted twice. SHA-1 is what authenticator apps implement; HMAC
//! does not rely on SHA-1's collision resistance.

use std::fmt;

use hmac::{Hmac, Mac};
use sha1::Sha1;
use subtle::{ConditionallySelectable, ConstantTimeEq};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::secret::random_array;

/// The length of a secret: 160 bits, RFC 4226's recommendation and the length of SHA-1's output.
pub const SECRET_LEN: usize = 20;
/// The time step in seconds (RFC 6238's `X`).
pub const STEP: u64 = 30;
/// The number of digits of a code.
pub const DIGITS: u32 = 6;
/// How many steps before and after the current one a code is accepted for: clock skew and the
/// time a person needs to type the code.
pub const WINDOW: u64 = 1;

/// An authenticator's shared secret. It zeroizes on drop, prints as `[redacted]` and compares in
/// constant time.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct TotpSecret([u8; SECRET_LEN]);

impl TotpSecret {
    /// A fresh secret from the CSPRNG.
    pub fn random() -> Self {
        Self(random_array())
    }

    /// Wraps bytes that are already secret (a stored secret, a test vector).
    pub fn from_bytes(bytes: [u8; SECRET_LEN]) -> Self {
        Self(bytes)
    }

    /// The raw bytes, for storage.
    pub fn as_bytes(&self) -> &[u8; SECRET_LEN] {
        &self.0
    }

    /// The secret as authenticator apps show and accept it: RFC 4648 base32, upper case, without
    /// padding (32 characters).
    pub fn to_base32(&self) -> String {
        encode_base32(&self.0)
    }

    /// Parses base32 as a person may type it: any case, white space anywhere, optional padding.
    /// It must decode to exactly [`SECRET_LEN`] bytes.
    pub fn from_base32(text: &str) -> Result<Self, Base32Error> {
        let bytes = Zeroizing::new(decode_base32(text)?);
        let array: [u8; SECRET_LEN] = bytes.as_slice().try_into().map_err(|_| Base32Error)?;
        Ok(Self(array))
    }
}

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl PartialEq for TotpSecret {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl Eq for TotpSecret {}

/// The time step of a Unix time: `floor(unix_time / 30)`.
pub fn step_at(unix_time: u64) -> u64 {
    unix_time / STEP
}

/// The code of one time step: RFC 4226 HOTP with the step as the counter, dynamically truncated
/// to [`DIGITS`] digits. Show it with leading zeros (`format!("{:06}", code)`).
pub fn code_at(secret: &TotpSecret, step: u64) -> u32 {
    #[allow(clippy::expect_used)]
    let mut mac = Hmac::<Sha1>::new_from_slice(&secret.0).expect("HMAC takes keys of any length");
    mac.update(&step.to_be_bytes());
    let hs = Zeroizing::new(<[u8; 20]>::from(mac.finalize().into_bytes()));
    let offset = usize::from(hs[19] & 0x0f);
    let word = [hs[offset], hs[offset + 1], hs[offset + 2], hs[offset + 3]];
    (u32::from_be_bytes(word) & 0x7fff_ffff) % 10u32.pow(DIGITS)
}

/// What a typed code is, for [`check`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeMatch {
    /// It matches a step after `last_used_step`: accept it and store the step.
    Fresh(u64),
    /// It matches only a step at or before `last_used_step`: a code already used (an honest
    /// second sign-in within the same 30 seconds, or a replay). Not a guess.
    Used,
    /// It matches no step of the window (or is not [`DIGITS`] digits).
    Wrong,
}

/// Checks a code typed at `unix_time` against the steps `t - 1`, `t` and `t + 1`.
///
/// The code must be exactly [`DIGITS`] ASCII digits; spaces are ignored ("123 456"). It is
/// compared in constant time with the code of every step of the window. A step at or before
/// `last_used_step` never makes it [`CodeMatch::Fresh`], so a code is accepted once at most; it
/// is then [`CodeMatch::Used`]. If two steps match (a one-in-a-million coincidence), the later
/// fresh one is returned.
pub fn check(secret: &TotpSecret, unix_time: u64, code: &str, last_used_step: Option<u64>) -> CodeMatch {
    let Some(typed) = parse_code(code) else { return CodeMatch::Wrong };
    let now = step_at(unix_time);
    let mut matched = 0u64;
    let mut fresh_hit = subtle::Choice::from(0);
    let mut used_hit = subtle::Choice::from(0);
    for step in now.saturating_sub(WINDOW)..=now.saturating_add(WINDOW) {
        let fresh = subtle::Choice::from(u8::from(last_used_step.is_none_or(|last| step > last)));
        let hit = code_at(secret, step).ct_eq(&typed);
        matched.conditional_assign(&step, hit & fresh);
        fresh_hit |= hit & fresh;
        used_hit |= hit & !fresh;
    }
    if bool::from(fresh_hit) {
        CodeMatch::Fresh(matched)
    } else if bool::from(used_hit) {
        CodeMatch::Used
    } else {
        CodeMatch::Wrong
    }
}

/// Checks a code typed at `unix_time` and returns the step it matched, which the caller MUST
/// store as the new `last_used_step`: [`check`], with a used code answered like a wrong one.
pub fn verify(secret: &TotpSecret, unix_time: u64, code: &str, last_used_step: Option<u64>) -> Option<u64> {
    match check(secret, unix_time, code, last_used_step) {
        CodeMatch::Fresh(step) => Some(step),
        CodeMatch::Used | CodeMatch::Wrong => None,
    }
}

/// The `otpauth://` URI that authenticator apps read from a QR code (Google Authenticator's
/// key-URI format), with the issuer and the account percent-encoded:
///
/// ```text
/// otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER&algorithm=SHA1&digits=6&period=30
/// ```
pub fn otpauth_uri(secret: &TotpSecret, issuer: &str, account: &str) -> String {
    let issuer = percent_encode(issuer);
    let account = percent_encode(account);
    let secret = secret.to_base32();
    let parameters = format!("algorithm=SHA1&digits={DIGITS}&period={STEP}");
    format!("otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}&{parameters}")
}

/// The code as a number, if it is exactly [`DIGITS`] ASCII digits once spaces are removed.
fn parse_code(code: &str) -> Option<u32> {
    let mut value = 0u32;
    let mut digits = 0u32;
    for byte in code.bytes().filter(|&b| b != b' ') {
        if !byte.is_ascii_digit() || digits == DIGITS {
            return None;
        }
        value = value * 10 + u32::from(byte - b'0');
        digits += 1;
    }
    (digits == DIGITS).then_some(value)
}

/// Percent-encodes every byte but RFC 3986's unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

const BASE32_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Encodes bytes as RFC 4648 base32 (section 6): upper case, without padding.
pub fn encode_base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u16, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u16::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32_ALPHABET[usize::from((buffer >> bits) & 31)]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32_ALPHABET[usize::from((buffer << (5 - bits)) & 31)]));
    }
    out
}

/// Decodes RFC 4648 base32 leniently: either case, ASCII white space anywhere, `=` padding only
/// at the end. Lengths that no byte string encodes to and non-zero trailing bits are refused.
pub fn decode_base32(text: &str) -> Result<Vec<u8>, Base32Error> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut buffer, mut bits, mut symbols, mut padding) = (0u16, 0u32, 0usize, false);
    for byte in text.bytes().filter(|b| !b.is_ascii_whitespace()) {
        let value = match byte.to_ascii_uppercase() {
            b'=' => {
                padding = true;
                continue;
            }
            _ if padding => return Err(Base32Error),
            upper @ b'A'..=b'Z' => upper - b'A',
            digit @ b'2'..=b'7' => digit - b'2' + 26,
            _ => return Err(Base32Error),
        };
        buffer = (buffer << 5) | u16::from(value);
        bits += 5;
        symbols += 1;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    // Five bytes are eight symbols; a tail of 1, 3 or 6 symbols encodes no byte string, and the
    // bits left over after the last byte must be zero for the encoding to be canonical.
    let tail_ok = matches!(symbols % 8, 0 | 2 | 4 | 5 | 7);
    let leftover_zero = buffer & ((1 << bits) - 1) == 0;
    buffer.zeroize();
    if tail_ok && leftover_zero { Ok(out) } else { Err(Base32Error) }
}

/// The text was not base32, or did not decode to a secret of the expected length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not base32 of the expected length")]
pub struct Base32Error;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        assert_eq!(format!("{:?}", TotpSecret::from_bytes([7; SECRET_LEN])), "[redacted]");
    }

    #[test]
    fn codes_parse_only_as_six_digits() {
        assert_eq!(parse_code("012 345"), Some(12345));
        assert_eq!(parse_code("12345"), None);
        assert_eq!(parse_code("1234567"), None);
        assert_eq!(parse_code("12a456"), None);
        assert_eq!(parse_code("１２３４５６"), None);
    }
}
