//! The hashes of the security event log's chains (`docs/audit.md`, "Chains and hashes"):
//!
//! ```text
//! chain_key = HKDF-SHA256(ikm = server_secret, salt = "", info = "coffer/v1/audit/chain")
//! hash(e)   = HMAC-SHA256(chain_key, "coffer/v1/audit/event" || bytes(e))   ; v 2, keyed
//! hash(e)   = SHA-256("coffer/v1/audit/event" || bytes(e))                  ; v 1, unkeyed
//! ```
//!
//! `bytes(e)` holds the hash of the event before it (`prev`), so each hash covers its link.
//! The key stays with the server (it is derived from `server_secret`, kept outside the
//! database): whoever holds only the database can read the chain but cannot extend or rewrite
//! it with hashes that verify. Only the server calls this.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::kdf::hkdf;
use super::secret::Key32;

/// The domain label hashed before every record, keyed or not.
pub const EVENT_LABEL: &[u8] = b"coffer/v1/audit/event";
/// The HKDF `info` of the chain key.
pub const CHAIN_INFO: &[u8] = b"coffer/v1/audit/chain";
/// The domain label of a keyed-from record's tag.
pub const KEYED_FROM_LABEL: &[u8] = b"coffer/v1/audit/keyed-from";

/// `chain_key`: the key of the keyed chain hashes; zeroized on drop, printed as `[redacted]`.
#[derive(Debug)]
pub struct ChainKey(Key32);

impl ChainKey {
    /// `chain_key = HKDF-SHA256(ikm = server_secret, salt = "", info = "coffer/v1/audit/chain")`.
    pub fn derive(server_secret: &Key32) -> Self {
        Self(hkdf(server_secret.expose(), &[], CHAIN_INFO))
    }

    /// `HMAC-SHA256(chain_key, "coffer/v1/audit/event" || bytes)`: the hash of a version-2 record.
    pub fn hash(&self, bytes: &[u8]) -> [u8; 32] {
        #[allow(clippy::expect_used)]
        let mut mac = Hmac::<Sha256>::new_from_slice(self.0.expose()).expect("HMAC takes keys of any length");
        mac.update(EVENT_LABEL);
        mac.update(bytes);
        mac.finalize().into_bytes().into()
    }

    /// `HMAC-SHA256(chain_key, "coffer/v1/audit/keyed-from" || chain || 0x00 || u64be(seq))`:
    /// the tag of the record that server chain `chain` was keyed from event `seq` on (a chain
    /// moved from a log begun unkeyed), so that whoever holds only the database cannot move the
    /// switch and pass unkeyed events off as the server's.
    pub fn keyed_from_tag(&self, chain: &str, seq: u64) -> [u8; 32] {
        #[allow(clippy::expect_used)]
        let mut mac = Hmac::<Sha256>::new_from_slice(self.0.expose()).expect("HMAC takes keys of any length");
        mac.update(KEYED_FROM_LABEL);
        mac.update(chain.as_bytes());
        mac.update(&[0]);
        mac.update(&seq.to_be_bytes());
        mac.finalize().into_bytes().into()
    }
}

/// `SHA-256("coffer/v1/audit/event" || bytes)`: the hash of a version-1 record, written before
/// the chain was keyed.
pub fn unkeyed_hash(bytes: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(EVENT_LABEL);
    hasher.update(bytes);
    hasher.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|byte| format!("{byte:02x}")).collect()
    }

    /// Known answers computed apart from this code (Python's `hmac` and `hashlib`).
    #[test]
    fn the_hashes_match_known_answers() {
        let key = ChainKey::derive(&Key32::from_bytes([7; 32]));
        assert_eq!(hex(key.0.expose()), "79e9ad23f3c5ecc91d3c14814d215ebf34fef9c4ee413e494d229b8311c2d12f");
        assert_eq!(hex(&key.hash(b"{}")), "838a0121d5429ffaf60fd2a403ae59d06f94ca7a958e7580d87dd883669f49d1");
        assert_eq!(
            hex(&unkeyed_hash(b"{}")),
            "311e95dcdfcf1722237d57807efd80a169c43e49e5b7de34f9db3cf2b0fd8fee"
        );
    }

    /// Known answer computed apart from this code (Python's `hmac`).
    #[test]
    fn the_keyed_from_tag_matches_a_known_answer_and_binds_chain_and_seq() {
        let key = ChainKey::derive(&Key32::from_bytes([7; 32]));
        let tag = key.keyed_from_tag("imported/0", 17);
        assert_eq!(hex(&tag), "49d707e0a69e2d19d26437d6615a05d0a8726074fb565231714b66c40b7551e9");
        assert_ne!(tag, key.keyed_from_tag("imported/0", 18));
        assert_ne!(tag, key.keyed_from_tag("imported/1", 17));
    }

    #[test]
    fn the_keyed_hash_depends_on_the_secret_and_the_bytes() {
        let key = ChainKey::derive(&Key32::from_bytes([7; 32]));
        let other = ChainKey::derive(&Key32::from_bytes([8; 32]));
        assert_ne!(key.hash(b"a"), other.hash(b"a"));
        assert_ne!(key.hash(b"a"), key.hash(b"b"));
        assert_ne!(key.hash(b"a"), unkeyed_hash(b"a"));
        assert_eq!(format!("{key:?}"), "ChainKey([redacted])");
    }
}
