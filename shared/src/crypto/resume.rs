//! The hash chain that lets a browser continue an interrupted upload under the same file id
//! without ever sealing two plaintexts under one nonce (docs/envelope.md, "Resuming an upload"):
//!
//! ```text
//! chain_-1 = 0x00 * 32
//! chain_i  = SHA-256("coffer/v1/file/chain" || chain_(i-1) || SHA-256(chunk_i))
//! ```
//!
//! The uploader records `(i, chain_i)` before chunk `i` leaves the page; on resume it re-seals
//! chunks `0..=i` of the new selection and continues only if [`SealedChain::matches`].

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Domain label of each chain step.
pub const CHAIN_LABEL: &[u8] = b"coffer/v1/file/chain";

/// SHA-256 of one sealed chunk, as the `X-Coffer-Chunk-Sha256` header carries it.
pub fn chunk_checksum(ciphertext: &[u8]) -> [u8; 32] {
    Sha256::digest(ciphertext).into()
}

/// The chain over the chunks sealed so far, in index order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedChain {
    /// How many chunks the chain covers (chunks `0..count`).
    count: u64,
    /// `chain_(count - 1)`, or 32 zero bytes when `count` is 0.
    value: [u8; 32],
}

impl Default for SealedChain {
    fn default() -> Self {
        Self::new()
    }
}

impl SealedChain {
    /// The chain before any chunk.
    pub fn new() -> Self {
        Self { count: 0, value: [0; 32] }
    }

    /// A chain as recorded earlier: `count` chunks, last value `value`.
    pub fn from_parts(count: u64, value: [u8; 32]) -> Self {
        Self { count, value }
    }

    /// How many chunks it covers.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The current value.
    pub fn value(&self) -> [u8; 32] {
        self.value
    }

    /// Extends the chain by the next chunk's checksum ([`chunk_checksum`]).
    pub fn push(&mut self, checksum: &[u8; 32]) {
        let mut hasher = Sha256::new();
        hasher.update(CHAIN_LABEL);
        hasher.update(self.value);
        hasher.update(checksum);
        self.value = hasher.finalize().into();
        self.count += 1;
    }

    /// Whether `self` covers the same number of chunks as `recorded` with the same value
    /// (compared in constant time).
    pub fn matches(&self, recorded: &SealedChain) -> bool {
        self.count == recorded.count && bool::from(self.value.ct_eq(&recorded.value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chain_depends_on_every_chunk_and_its_order() {
        let sums = [chunk_checksum(b"a"), chunk_checksum(b"b"), chunk_checksum(b"c")];
        let mut forward = SealedChain::new();
        sums.iter().for_each(|sum| forward.push(sum));
        let mut swapped = SealedChain::new();
        [sums[1], sums[0], sums[2]].iter().for_each(|sum| swapped.push(sum));
        let mut shorter = SealedChain::new();
        sums[..2].iter().for_each(|sum| shorter.push(sum));

        assert_eq!(forward.count(), 3);
        assert!(forward.matches(&SealedChain::from_parts(3, forward.value())));
        assert!(!forward.matches(&swapped));
        assert!(!forward.matches(&shorter));
        assert!(!forward.matches(&SealedChain::from_parts(2, forward.value())));
        assert_ne!(forward.value(), [0; 32]);
    }
}
