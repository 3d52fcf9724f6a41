//! A vault login's authenticator (docs/accounts.md, "Vault records", `totp`): the Key Uri
//! Format or a bare base32 secret, and the RFC 6238 codes it yields with SHA-1, SHA-256 or
//! SHA-512.
//!
//! ```text
//! totp   = "otpauth://totp/LABEL?secret=BASE32[&algorithm=SHA1|SHA256|SHA512][&digits=6..8][&period=S]"
//!        | BASE32                                   ; SHA1, 6 digits, 30 seconds
//! step   = floor(unix_time / period)
//! hs     = HMAC-<algorithm>(secret, u64_be(step))
//! offset = hs[len - 1] & 0x0f
//! code   = (u32_be(hs[offset..offset + 4]) & 0x7fff_ffff) mod 10^digits, zero-padded
//! ```
//!
//! Unlike [`super::totp`] (the account's second factor, whose secret the server holds), this
//! secret lives only in the sealed record; the browser computes the code. Base32 is decoded by
//! [`super::totp::decode_base32`]; a secret must hold at least [`MIN_SECRET_LEN`] bytes.

use std::fmt;

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Sha256, Sha512};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::totp::decode_base32;

/// The shortest secret accepted, in bytes: 80 bits (16 base32 characters), the least that
/// services hand out; anything shorter is most likely a typing mistake.
pub const MIN_SECRET_LEN: usize = 10;
/// The longest period accepted, in seconds.
pub const MAX_PERIOD: u64 = 3600;

/// The HMAC hash of an authenticator.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Algorithm {
    /// HMAC-SHA-1, what nearly every service uses.
    #[default]
    Sha1,
    /// HMAC-SHA-256.
    Sha256,
    /// HMAC-SHA-512.
    Sha512,
}

impl Algorithm {
    /// Its name in a Key Uri (`SHA1`, `SHA256`, `SHA512`).
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }

    /// Reads a Key Uri `algorithm` value, in any case (`SHA-256` is also accepted).
    fn parse(value: &str) -> Option<Self> {
        match value.to_ascii_uppercase().replace('-', "").as_str() {
            "SHA1" => Some(Algorithm::Sha1),
            "SHA256" => Some(Algorithm::Sha256),
            "SHA512" => Some(Algorithm::Sha512),
            _ => None,
        }
    }
}

/// Why a `totp` value cannot be used. The messages are meant for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OtpAuthError {
    /// An `otpauth://hotp/` URI or another scheme.
    #[error("only time-based codes (otpauth://totp/…) are supported")]
    NotTotp,
    /// The URI has no `secret`.
    #[error("the link has no secret= parameter")]
    MissingSecret,
    /// The secret is not base32 (letters A–Z and digits 2–7).
    #[error("the secret is not valid base32 (letters A–Z and digits 2–7)")]
    BadSecret,
    /// The secret decodes to fewer than [`MIN_SECRET_LEN`] bytes.
    #[error("the secret is too short (at least 16 characters)")]
    ShortSecret,
    /// `algorithm` is not SHA1, SHA256 or SHA512.
    #[error("the algorithm must be SHA1, SHA256 or SHA512")]
    BadAlgorithm,
    /// `digits` is not 6, 7 or 8.
    #[error("the number of digits must be 6, 7 or 8")]
    BadDigits,
    /// `period` is not a whole number of seconds from 1 to [`MAX_PERIOD`].
    #[error("the period must be between 1 and 3600 seconds")]
    BadPeriod,
}

/// A parsed authenticator: the secret (zeroized on drop, never printed) and its parameters.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct OtpAuth {
    secret: Vec<u8>,
    /// The HMAC hash.
    #[zeroize(skip)]
    pub algorithm: Algorithm,
    /// Digits of a code, 6 to 8.
    pub digits: u32,
    /// Seconds a code lasts.
    pub period: u64,
}

impl fmt::Debug for OtpAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OtpAuth")
            .field("algorithm", &self.algorithm)
            .field("digits", &self.digits)
            .field("period", &self.period)
            .finish_non_exhaustive()
    }
}

impl OtpAuth {
    /// An authenticator of raw secret bytes (test vectors; anything already decoded).
    pub fn new(secret: &[u8], algorithm: Algorithm, digits: u32, period: u64) -> Self {
        Self { secret: secret.to_vec(), algorithm, digits, period }
    }

    /// Parses a record's `totp`: an `otpauth://totp/…` URI (scheme and type in any case,
    /// unknown parameters ignored) or a bare base32 secret, white space and `-` ignored.
    pub fn parse(text: &str) -> Result<Self, OtpAuthError> {
        let text = text.trim();
        let Some((scheme, rest)) = text.split_once("://") else {
            return Self::bare(text);
        };
        if !scheme.eq_ignore_ascii_case("otpauth") {
            return Err(OtpAuthError::NotTotp);
        }
        let (kind, rest) = rest.split_once('/').unwrap_or((rest, ""));
        if !kind.eq_ignore_ascii_case("totp") {
            return Err(OtpAuthError::NotTotp);
        }
        let query = rest.split_once('?').map_or("", |(_, query)| query);
        let query = query.split_once('#').map_or(query, |(query, _)| query);
        let mut auth = Self::new(&[], Algorithm::Sha1, 6, 30);
        let mut secret = None;
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = Zeroizing::new(percent_decode(value));
            match key.to_ascii_lowercase().as_str() {
                "secret" => secret = Some(Self::bare(&value)?),
                "algorithm" => auth.algorithm = Algorithm::parse(&value).ok_or(OtpAuthError::BadAlgorithm)?,
                "digits" => {
                    auth.digits = value
                        .parse()
                        .ok()
                        .filter(|digits| (6..=8).contains(digits))
                        .ok_or(OtpAuthError::BadDigits)?
                }
                "period" => {
                    auth.period = value
                        .parse()
                        .ok()
                        .filter(|period| (1..=MAX_PERIOD).contains(period))
                        .ok_or(OtpAuthError::BadPeriod)?
                }
                _ => {}
            }
        }
        let secret = secret.ok_or(OtpAuthError::MissingSecret)?;
        auth.secret.clone_from(&secret.secret);
        Ok(auth)
    }

    /// A bare base32 secret: SHA-1, 6 digits, 30 seconds.
    fn bare(text: &str) -> Result<Self, OtpAuthError> {
        let cleaned: Zeroizing<String> =
            Zeroizing::new(text.chars().filter(|c| !c.is_whitespace() && *c != '-').collect());
        if cleaned.is_empty() {
            return Err(OtpAuthError::MissingSecret);
        }
        let secret = Zeroizing::new(decode_base32(&cleaned).map_err(|_| OtpAuthError::BadSecret)?);
        if secret.len() < MIN_SECRET_LEN {
            return Err(OtpAuthError::ShortSecret);
        }
        Ok(Self::new(&secret, Algorithm::Sha1, 6, 30))
    }

    /// The time step of a Unix time: `floor(unix_time / period)`.
    pub fn step_at(&self, unix_time: u64) -> u64 {
        unix_time / self.period.max(1)
    }

    /// Seconds until the code of `unix_time` changes (1 to `period`).
    pub fn seconds_left(&self, unix_time: u64) -> u64 {
        let period = self.period.max(1);
        period - unix_time % period
    }

    /// The code at `unix_time`, zero-padded to [`OtpAuth::digits`] digits.
    pub fn code_at(&self, unix_time: u64) -> String {
        let code = hotp(&self.secret, self.step_at(unix_time), self.algorithm, self.digits);
        format!("{code:0width$}", width = self.digits as usize)
    }
}

/// RFC 4226 HOTP with the given hash, dynamically truncated to `digits` digits (RFC 6238 takes
/// the offset from the last byte of the longer hashes too).
pub fn hotp(secret: &[u8], counter: u64, algorithm: Algorithm, digits: u32) -> u32 {
    let hs: Zeroizing<Vec<u8>> = Zeroizing::new(match algorithm {
        Algorithm::Sha1 => mac::<Hmac<Sha1>>(secret, counter),
        Algorithm::Sha256 => mac::<Hmac<Sha256>>(secret, counter),
        Algorithm::Sha512 => mac::<Hmac<Sha512>>(secret, counter),
    });
    let offset = usize::from(hs[hs.len() - 1] & 0x0f);
    let word = [hs[offset], hs[offset + 1], hs[offset + 2], hs[offset + 3]];
    (u32::from_be_bytes(word) & 0x7fff_ffff) % 10u32.pow(digits)
}

/// `HMAC(secret, u64_be(counter))`.
fn mac<M: Mac + hmac::digest::KeyInit>(secret: &[u8], counter: u64) -> Vec<u8> {
    #[allow(clippy::expect_used)]
    let mut mac = <M as Mac>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(&counter.to_be_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// Decodes `%XX` escapes (and `+` as a space); a malformed escape is kept as typed.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|b| char::from(*b).to_digit(16));
        match bytes[index] {
            b'%' if hex(index + 1).is_some() && hex(index + 2).is_some() => {
                let (high, low) = (hex(index + 1).unwrap_or(0), hex(index + 2).unwrap_or(0));
                out.push((high * 16 + low) as u8);
                index += 3;
            }
            b'+' => {
                out.push(b' ');
                index += 1;
            }
            byte => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::totp::{self, TotpSecret, encode_base32};

    const SEED20: &[u8] = b"12345678901234567890";
    const SEED32: &[u8] = b"12345678901234567890123456789012";
    const SEED64: &[u8] = b"1234567890123456789012345678901234567890123456789012345678901234";

    /// RFC 6238 appendix B: time, then the SHA-1, SHA-256 and SHA-512 codes (8 digits, 30 s).
    const VECTORS: [(u64, &str, &str, &str); 6] = [
        (59, "94287082", "46119246", "90693936"),
        (1_111_111_109, "07081804", "68084774", "25091201"),
        (1_111_111_111, "14050471", "67062674", "99943326"),
        (1_234_567_890, "89005924", "91819424", "93441116"),
        (2_000_000_000, "69279037", "90698825", "38618901"),
        (20_000_000_000, "65353130", "77737706", "47863826"),
    ];

    #[test]
    fn rfc_6238_appendix_b_for_all_three_algorithms() {
        let sha1 = OtpAuth::new(SEED20, Algorithm::Sha1, 8, 30);
        let sha256 = OtpAuth::new(SEED32, Algorithm::Sha256, 8, 30);
        let sha512 = OtpAuth::new(SEED64, Algorithm::Sha512, 8, 30);
        for (time, one, two, five) in VECTORS {
            assert_eq!(sha1.code_at(time), one, "SHA1 at {time}");
            assert_eq!(sha256.code_at(time), two, "SHA256 at {time}");
            assert_eq!(sha512.code_at(time), five, "SHA512 at {time}");
        }
    }

    #[test]
    fn the_same_vectors_through_key_uris() {
        for (seed, name, column) in [(SEED20, "SHA1", 1), (SEED32, "SHA256", 2), (SEED64, "sha512", 3)] {
            let uri = format!(
                "otpauth://totp/ACME%20Co:alice%40example.com?secret={}&issuer=ACME%20Co&algorithm={name}&digits=8&period=30",
                encode_base32(seed)
            );
            let auth = OtpAuth::parse(&uri).unwrap();
            for vector in VECTORS {
                let expected = [vector.1, vector.2, vector.3][column - 1];
                assert_eq!(auth.code_at(vector.0), expected, "{name} at {}", vector.0);
            }
        }
    }

    #[test]
    fn sha1_six_digits_agrees_with_the_account_second_factor() {
        let secret = TotpSecret::from_bytes(*b"12345678901234567890");
        let auth = OtpAuth::parse(&secret.to_base32()).unwrap();
        for time in [0, 59, 1_111_111_109, 1_700_000_000] {
            assert_eq!(auth.code_at(time), format!("{:06}", totp::code_at(&secret, totp::step_at(time))));
        }
    }

    #[test]
    fn a_bare_secret_means_sha1_six_digits_thirty_seconds() {
        let auth = OtpAuth::parse(" jbsw y3dp ehpk 3pxp ").unwrap();
        assert_eq!((auth.algorithm, auth.digits, auth.period), (Algorithm::Sha1, 6, 30));
        assert_eq!(auth, OtpAuth::parse("JBSWY3DPEHPK3PXP").unwrap());
        assert_eq!(auth.code_at(59).len(), 6);
        assert_eq!(auth.seconds_left(59), 1);
        assert_eq!(auth.seconds_left(60), 30);
    }

    #[test]
    fn parameters_are_read_and_checked() {
        let auth =
            OtpAuth::parse("OTPAUTH://TOTP/x?SECRET=JBSWY3DPEHPK3PXP&digits=7&period=60&algorithm=SHA-256")
                .unwrap();
        assert_eq!((auth.algorithm, auth.digits, auth.period), (Algorithm::Sha256, 7, 60));
        assert_eq!(auth.code_at(1_000).len(), 7);
        let bad = |uri: &str| OtpAuth::parse(uri).unwrap_err();
        assert_eq!(bad("otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=1"), OtpAuthError::NotTotp);
        assert_eq!(bad("https://example.com/?secret=JBSWY3DPEHPK3PXP"), OtpAuthError::NotTotp);
        assert_eq!(bad("otpauth://totp/x?issuer=y"), OtpAuthError::MissingSecret);
        assert_eq!(bad("otpauth://totp/x?secret=JBSWY3DPEHPK3PX1"), OtpAuthError::BadSecret);
        assert_eq!(bad("otpauth://totp/x?secret=JBSWY3DP"), OtpAuthError::ShortSecret);
        assert_eq!(bad("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=MD5"), OtpAuthError::BadAlgorithm);
        assert_eq!(bad("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=9"), OtpAuthError::BadDigits);
        assert_eq!(bad("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=0"), OtpAuthError::BadPeriod);
        assert_eq!(bad("not a secret!"), OtpAuthError::BadSecret);
        assert_eq!(bad("   "), OtpAuthError::MissingSecret);
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let text = format!("{:?}", OtpAuth::parse("JBSWY3DPEHPK3PXP").unwrap());
        assert_eq!(text, "OtpAuth { algorithm: Sha1, digits: 6, period: 30, .. }");
    }
}
