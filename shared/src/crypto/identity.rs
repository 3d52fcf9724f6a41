//! An account's identity key pair and its fingerprint (docs/accounts.md, "Identity"):
//!
//! ```text
//! identity_seed = 32 random bytes
//! public_key    = Ed25519-PublicKey(identity_seed)
//! fingerprint   = SHA-256("coffer/v1/fingerprint" || public_key)[0..20]
//! ```

use std::fmt;
use std::fmt::Write as _;

use ed25519_dalek::{Signer as _, SigningKey};
use sha2::{Digest, Sha256};

use super::secret::Key32;

/// The prefix of the fingerprint hash.
pub const FINGERPRINT_LABEL: &[u8] = b"coffer/v1/fingerprint";
/// The number of bytes in a fingerprint.
pub const FINGERPRINT_LEN: usize = 20;

/// An Ed25519 signing key. It zeroizes on drop and prints as `[redacted]`.
#[derive(Clone)]
pub struct IdentityKey(SigningKey);

impl IdentityKey {
    /// A fresh key pair from the operating system's CSPRNG.
    pub fn random() -> Self {
        Self::from_seed(&Key32::random())
    }

    /// The key pair of a 32-byte seed (RFC 8032 secret key).
    pub fn from_seed(seed: &Key32) -> Self {
        Self(SigningKey::from_bytes(seed.expose()))
    }

    /// The seed, for wrapping.
    pub fn seed(&self) -> Key32 {
        Key32::from_bytes(self.0.to_bytes())
    }

    /// `public_key = Ed25519-PublicKey(identity_seed)`.
    pub fn public_key(&self) -> [u8; 32] {
        self.0.verifying_key().to_bytes()
    }

    /// `Ed25519-Sign(identity_seed, message)` (RFC 8032, deterministic).
    pub(crate) fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }
}

impl fmt::Debug for IdentityKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// `fingerprint = SHA-256("coffer/v1/fingerprint" || public_key)[0..20]`.
pub fn fingerprint(public_key: &[u8; 32]) -> [u8; FINGERPRINT_LEN] {
    let digest: [u8; 32] =
        Sha256::new().chain_update(FINGERPRINT_LABEL).chain_update(public_key).finalize().into();
    let mut out = [0u8; FINGERPRINT_LEN];
    out.copy_from_slice(&digest[..FINGERPRINT_LEN]);
    out
}

/// Whether `bytes` is an Ed25519 public key: the encoding of a point on the curve.
pub fn is_public_key(bytes: &[u8; 32]) -> bool {
    ed25519_dalek::VerifyingKey::from_bytes(bytes).is_ok()
}

/// The fingerprint as people compare it: 40 lower-case hex digits in ten groups of four,
/// separated by single spaces.
pub fn fingerprint_text(public_key: &[u8; 32]) -> String {
    let mut text = String::with_capacity(49);
    for (index, pair) in fingerprint(public_key).chunks(2).enumerate() {
        if index > 0 {
            text.push(' ');
        }
        for byte in pair {
            // Writing to a String cannot fail.
            let _ = write!(text, "{byte:02x}");
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_round_trips_and_fixes_the_public_key() {
        let key = IdentityKey::random();
        let again = IdentityKey::from_seed(&key.seed());
        assert_eq!(again.public_key(), key.public_key());
        assert_ne!(IdentityKey::random().public_key(), key.public_key());
        assert_eq!(format!("{key:?}"), "[redacted]");
    }

    #[test]
    fn the_fingerprint_text_is_ten_groups_of_four_hex_digits() {
        let text = fingerprint_text(&[7; 32]);
        assert_eq!(text.len(), 49);
        let groups: Vec<&str> = text.split(' ').collect();
        assert_eq!(groups.len(), 10);
        assert!(groups.iter().all(|g| g.len() == 4 && g.bytes().all(|b| b.is_ascii_hexdigit())));
        assert_eq!(text.replace(' ', ""), hex(&fingerprint(&[7; 32])));
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
}
