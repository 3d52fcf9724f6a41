//! Canonical base64url without padding (RFC 4648 §5), the only text encoding of bytes on the
//! wire and in links.
//!
//! Decoding rejects padding, characters outside the alphabet and non-zero trailing bits, so
//! every byte string has exactly one accepted encoding.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Encodes bytes as base64url without padding.
pub fn encode(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes canonical base64url without padding.
pub fn decode(text: &str) -> Result<Vec<u8>, DecodeError> {
    URL_SAFE_NO_PAD.decode(text).map_err(|_| DecodeError)
}

/// Decodes canonical base64url that must hold exactly `N` bytes.
pub fn decode_array<const N: usize>(text: &str) -> Result<[u8; N], DecodeError> {
    decode(text)?.try_into().map_err(|_| DecodeError)
}

/// The text was not canonical base64url, or not of the expected length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not canonical base64url of the expected length")]
pub struct DecodeError;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for len in 0..40 {
            let bytes: Vec<u8> = (0..len).map(|i: u8| i.wrapping_mul(7)).collect();
            assert_eq!(decode(&encode(&bytes)).unwrap(), bytes);
        }
    }

    #[test]
    fn rejects_padding_foreign_characters_and_trailing_bits() {
        assert!(decode("AA==").is_err());
        assert!(decode("A+/A").is_err());
        // "AB" carries 12 bits for one byte; the last 4 must be zero ("AA" is canonical).
        assert!(decode("AB").is_err());
        assert_eq!(decode("AA").unwrap(), vec![0]);
    }

    #[test]
    fn decode_array_checks_length() {
        assert!(decode_array::<2>("AA").is_err());
        assert_eq!(decode_array::<1>("AA").unwrap(), [0]);
    }
}
