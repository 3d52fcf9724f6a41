//! A file's content as a stream of AES-256-GCM chunks (docs/envelope.md, "Files (streamed)"):
//!
//! ```text
//! payload_key = HKDF(file_key, salt = file_id, info = "coffer/v1/file/payload")
//! nonce_i     = 0x00 * 7 || u32be(i) || u8(last)        ; last = 1 only for the final chunk
//! aad         = "coffer/v1/file/chunk" || u8(version) || u8(len(file_id)) || file_id || u32be(chunk_size)
//! chunk_i     = AES-256-GCM(payload_key, nonce_i, aad, plaintext_i)
//! ```
//!
//! Every chunk holds exactly `chunk_size` bytes of plaintext except the last, which holds
//! `1..=chunk_size` bytes (`0` only when the file is empty and it is the only chunk). The index in
//! the nonce detects reordered, dropped or duplicated chunks; the last flag detects truncation and
//! extension. This is the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár) as `age` uses it.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use zeroize::Zeroizing;

use super::OpenError;
use super::envelope::{NONCE_LEN, VERSION};
use super::file_meta::FileId;
use super::kdf::hkdf;
use super::secret::Key32;

mod position;

pub(crate) use position::{OpenPosition, SealPosition};

/// HKDF info of `payload_key`.
pub const PAYLOAD_LABEL: &[u8] = b"coffer/v1/file/payload";
/// The label that starts every chunk's additional data.
pub const CHUNK_AAD_LABEL: &[u8] = b"coffer/v1/file/chunk";
/// The chunk index is a `u32`: a file has at most 2^32 chunks.
pub const MAX_CHUNKS: u64 = 1 << 32;

/// The plaintext size of every chunk but the last: a power of two from 64 B to 16 MiB.
///
/// Spec: "Decoders MUST accept every power of two from 64 (2^6) to 16777216 (2^24) bytes and MUST
/// reject any other value. Encoders SHOULD use the default, 1 MiB."
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChunkSize(u32);

/// A chunk size the spec does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("chunk size {0} is not a power of two from 64 B to 16 MiB")]
pub struct ChunkSizeError(pub u32);

impl ChunkSize {
    /// The size encoders use: 1 MiB (chosen by measurement, docs/envelope.md).
    pub const DEFAULT: Self = Self(1 << 20);
    /// The smallest size decoders accept (test vectors use it).
    pub const MIN: Self = Self(1 << 6);
    /// The largest size decoders accept: bounds what one chunk can make a browser allocate.
    pub const MAX: Self = Self(1 << 24);

    /// Checks that `bytes` is a power of two from [`ChunkSize::MIN`] to [`ChunkSize::MAX`].
    pub fn new(bytes: u32) -> Result<Self, ChunkSizeError> {
        if bytes.is_power_of_two() && (Self::MIN.0..=Self::MAX.0).contains(&bytes) {
            Ok(Self(bytes))
        } else {
            Err(ChunkSizeError(bytes))
        }
    }

    /// The size in bytes.
    pub fn get(self) -> u32 {
        self.0
    }

    fn len(self) -> usize {
        self.0 as usize
    }

    /// The largest file this chunk size can carry: `2^32 * chunk_size` bytes.
    pub fn max_file_size(self) -> u64 {
        MAX_CHUNKS * u64::from(self.0)
    }

    /// `n = max(1, ceil(size / chunk_size))`: how many chunks a file of `size` bytes has, or
    /// `None` if it is too large for a `u32` index.
    pub fn chunk_count(self, size: u64) -> Option<u64> {
        let count = size.div_ceil(u64::from(self.0)).max(1);
        (count <= MAX_CHUNKS).then_some(count)
    }
}

impl Default for ChunkSize {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// `payload_key = HKDF(file_key, salt = file_id, info = "coffer/v1/file/payload")`.
pub fn payload_key(file_key: &Key32, file_id: &FileId) -> Key32 {
    hkdf(file_key.expose(), file_id.as_str().as_bytes(), PAYLOAD_LABEL)
}

/// `nonce_i = 0x00 * 7 || u32be(i) || u8(last)`.
pub fn chunk_nonce(index: u32, last: bool) -> [u8; NONCE_LEN] {
    let mut nonce = [0u8; NONCE_LEN];
    nonce[7..11].copy_from_slice(&index.to_be_bytes());
    nonce[11] = u8::from(last);
    nonce
}

/// `aad = "coffer/v1/file/chunk" || u8(version) || u8(len(file_id)) || file_id || u32be(chunk_size)`.
pub fn chunk_aad(file_id: &FileId, chunk_size: ChunkSize) -> Vec<u8> {
    let id = file_id.as_str().as_bytes();
    let mut aad = Vec::with_capacity(CHUNK_AAD_LABEL.len() + 2 + id.len() + 4);
    aad.extend_from_slice(CHUNK_AAD_LABEL);
    aad.push(VERSION);
    // File ids are 22 characters (16 bytes in base64url), so the length fits a byte.
    aad.push(id.len() as u8);
    aad.extend_from_slice(id);
    aad.extend_from_slice(&chunk_size.get().to_be_bytes());
    aad
}

/// A [`StreamSealer`] was used against the spec. Programming errors, not attacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// A chunk before the last must hold exactly `chunk_size` bytes; the last `1..=chunk_size`.
    #[error("a chunk has the wrong length for its position")]
    ChunkLength,
    /// The last chunk may be empty only when it is the only chunk (an empty file).
    #[error("only an empty file may end with an empty chunk")]
    EmptyLastChunk,
    /// More than 2^32 chunks.
    #[error("the file is too large for its chunk size")]
    TooManyChunks,
}

/// Seals a file chunk by chunk, in order. [`StreamSealer::finish`] takes the sealer by value, so
/// nothing can be sealed after the last chunk.
#[derive(Debug)]
pub struct StreamSealer {
    payload_key: Key32,
    aad: Vec<u8>,
    position: SealPosition,
}

impl StreamSealer {
    /// Starts a stream. `file_id` MUST be fresh for every sealing under `file_key` (the nonces
    /// repeat across sealings with the same key and id).
    pub fn new(file_key: &Key32, file_id: &FileId, chunk_size: ChunkSize) -> Self {
        Self {
            payload_key: payload_key(file_key, file_id),
            aad: chunk_aad(file_id, chunk_size),
            position: SealPosition::new(chunk_size),
        }
    }

    /// The chunk size this stream uses.
    pub fn chunk_size(&self) -> ChunkSize {
        self.position.chunk_size()
    }

    /// How many chunks have been sealed so far: the index of the next one.
    pub fn next_index(&self) -> u64 {
        self.position.next_index()
    }

    /// Seals a chunk that is not the last: `plaintext` MUST be exactly `chunk_size` bytes.
    /// Returns `plaintext.len() + 16` bytes.
    pub fn seal_chunk(&mut self, plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
        let index = self.position.check_chunk(plaintext.len())?;
        Ok(self.seal(index, false, plaintext))
    }

    /// Seals the last chunk, `1..=chunk_size` bytes (`0` only if no chunk came before), and ends
    /// the stream.
    pub fn finish(mut self, plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
        let index = self.position.check_last(plaintext.len())?;
        Ok(self.seal(index, true, plaintext))
    }

    fn seal(&mut self, index: u32, last: bool, plaintext: &[u8]) -> Vec<u8> {
        let nonce = chunk_nonce(index, last);
        self.position.advance();
        let cipher = Aes256Gcm::new(self.payload_key.expose().into());
        #[allow(clippy::expect_used)]
        cipher
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: plaintext, aad: &self.aad })
            .expect("AES-GCM encryption only fails past 64 GiB")
    }
}

/// Opens a file's chunks in order and refuses anything the spec says a decoder MUST reject: a
/// chunk out of order, a middle chunk carrying the last flag, a last chunk without it, anything
/// after the last chunk, and (in [`StreamOpener::finish`]) a stream that ends before its last
/// chunk. After the first failure every call fails.
#[derive(Debug)]
pub struct StreamOpener {
    payload_key: Key32,
    aad: Vec<u8>,
    position: OpenPosition,
}

impl StreamOpener {
    /// Starts reading the stream of `file_id` sealed under `file_key` with `chunk_size` (from the
    /// file's metadata).
    pub fn new(file_key: &Key32, file_id: &FileId, chunk_size: ChunkSize) -> Self {
        Self {
            payload_key: payload_key(file_key, file_id),
            aad: chunk_aad(file_id, chunk_size),
            position: OpenPosition::new(chunk_size),
        }
    }

    /// The index of the chunk [`StreamOpener::open_chunk`] expects next.
    pub fn next_index(&self) -> u64 {
        self.position.next_index()
    }

    /// Whether the last chunk has been opened.
    pub fn is_finished(&self) -> bool {
        self.position.is_finished()
    }

    /// Opens the next chunk. `is_last` says whether the reader expects it to be the final one
    /// (from the chunk count `max(1, ceil(size / chunk_size))` of the metadata); a chunk whose
    /// flag differs does not open. Every failure is the same [`OpenError`].
    pub fn open_chunk(&mut self, ciphertext: &[u8], is_last: bool) -> Result<Zeroizing<Vec<u8>>, OpenError> {
        let result = self.position.check(ciphertext.len(), is_last).and_then(|index| {
            let nonce = chunk_nonce(index, is_last);
            let cipher = Aes256Gcm::new(self.payload_key.expose().into());
            cipher
                .decrypt(Nonce::from_slice(&nonce), Payload { msg: ciphertext, aad: &self.aad })
                .map(Zeroizing::new)
                .map_err(|_| OpenError)
        });
        self.position.record(result, is_last)
    }

    /// Ends the stream: fails unless the last chunk was opened (a missing last chunk is a
    /// truncation) and nothing failed.
    pub fn finish(self) -> Result<(), OpenError> {
        self.position.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nonce_is_the_index_and_the_last_flag() {
        assert_eq!(chunk_nonce(0, false), [0; 12]);
        assert_eq!(chunk_nonce(0x0102_0304, true), [0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 1]);
    }

    #[test]
    fn chunk_sizes_are_powers_of_two_from_64_bytes_to_16_mib() {
        for bits in 6..=24 {
            assert_eq!(ChunkSize::new(1 << bits).map(ChunkSize::get), Ok(1 << bits));
        }
        for bad in [0, 1, 32, 63, 65, 96, 1000, 3 << 20, 1 << 25, u32::MAX] {
            assert_eq!(ChunkSize::new(bad), Err(ChunkSizeError(bad)));
        }
    }

    #[test]
    fn chunk_counts_follow_the_spec() {
        let size = ChunkSize::MIN;
        assert_eq!(size.chunk_count(0), Some(1));
        assert_eq!(size.chunk_count(1), Some(1));
        assert_eq!(size.chunk_count(64), Some(1));
        assert_eq!(size.chunk_count(65), Some(2));
        assert_eq!(size.chunk_count(size.max_file_size()), Some(MAX_CHUNKS));
        assert_eq!(size.chunk_count(size.max_file_size() + 1), None);
    }
}
