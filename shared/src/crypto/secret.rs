//! Secret key material: 32-byte keys that zeroize on drop, print as `[redacted]` and compare in
//! constant time.

use std::fmt;

use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Fills an array from the operating system's CSPRNG (`crypto.getRandomValues` in a browser).
///
/// # Panics
/// If the platform has no CSPRNG. Continuing without randomness would be worse than stopping.
pub fn random_array<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    #[allow(clippy::expect_used)]
    getrandom::fill(&mut bytes).expect("the platform's CSPRNG is unavailable");
    bytes
}

/// A 256-bit secret: a share key, a derived key or a token.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Key32([u8; 32]);

impl Key32 {
    /// Wraps bytes that are already secret.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// A fresh random key.
    pub fn random() -> Self {
        Self(random_array())
    }

    /// The raw bytes, for the primitives and for encoding into a fragment or a request.
    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }

    /// Parses canonical base64url of exactly 32 bytes.
    pub fn from_b64(text: &str) -> Result<Self, crate::b64::DecodeError> {
        crate::b64::decode_array(text).map(Self)
    }

    /// Encodes as base64url, for the fragment of a link or a token in a request.
    pub fn to_b64(&self) -> String {
        crate::b64::encode(self.0)
    }
}

impl fmt::Debug for Key32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl PartialEq for Key32 {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl Eq for Key32 {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let key = Key32::from_bytes([0x41; 32]);
        assert_eq!(format!("{key:?}"), "[redacted]");
    }

    #[test]
    fn random_keys_differ() {
        assert_ne!(Key32::random(), Key32::random());
    }

    #[test]
    fn base64_round_trip() {
        let key = Key32::random();
        assert_eq!(Key32::from_b64(&key.to_b64()).unwrap(), key);
        assert!(Key32::from_b64("AAAA").is_err());
    }
}
