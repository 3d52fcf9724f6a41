//! A file's chunks sealed and opened with the browser's WebCrypto AES-GCM (docs/envelope.md,
//! "Files (streamed)"). The bytes are exactly those of [`super::stream`]: the same
//! `payload_key`, `nonce_i` and `aad`, the same AES-256-GCM with a 16-byte tag, and the
//! committed vectors prove that each side opens what the other seals. WebCrypto is about ten
//! times faster than the `aes-gcm` crate compiled to WASM ("Chunk size" has the numbers), so the
//! browser uses this for file chunks; the `aes-gcm` crate stays for native code and as the
//! reference.
//!
//! [`sha256`] is `crypto.subtle.digest("SHA-256")`, for the chunk checksums of uploads
//! (`resume::chunk_checksum` computes the same bytes natively).
//!
//! Works in a window and in a dedicated worker alike: `crypto` comes from the global object.
//! Native builds (the server's tests, the app's unit tests) get the same API over the
//! `aes-gcm` crate, so code using it compiles and runs everywhere.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::Uint8Array;
use zeroize::Zeroizing;

use super::OpenError;
use super::stream::{ChunkSize, OpenPosition, SealError, SealPosition};

#[cfg(not(target_arch = "wasm32"))]
#[path = "webcrypto/native.rs"]
mod key;
#[cfg(target_arch = "wasm32")]
#[path = "webcrypto/subtle.rs"]
mod key;

pub use key::{ChunkKey, Opening, sha256};

/// WebCrypto could not import a key or seal a chunk. Not an attack: the page runs without
/// `crypto.subtle` (an insecure context) or the browser refused the operation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebCryptoError {
    /// There is no `crypto.subtle` in this global scope.
    #[error("WebCrypto (crypto.subtle) is not available here")]
    Unavailable,
    /// WebCrypto rejected the operation; the text is the browser's error.
    #[error("WebCrypto refused the operation: {0}")]
    Rejected(String),
}

/// Sealing with a [`WebStreamSealer`] failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebSealError {
    /// The chunk does not fit its position in the stream (as with [`super::stream::StreamSealer`]).
    #[error(transparent)]
    Stream(#[from] SealError),
    /// WebCrypto failed.
    #[error(transparent)]
    WebCrypto(#[from] WebCryptoError),
}

/// Seals a file chunk by chunk, in order, with WebCrypto: the same rules as
/// [`super::stream::StreamSealer`] (it shares their code), awaiting each chunk. `finish` takes
/// the sealer by value, so nothing can be sealed after the last chunk.
#[derive(Debug)]
pub struct WebStreamSealer {
    key: ChunkKey,
    position: SealPosition,
}

impl WebStreamSealer {
    /// Starts a stream. The key's `file_id` MUST be fresh for every sealing under its `file_key`
    /// (the nonces repeat across sealings with the same key and id).
    pub fn new(key: ChunkKey) -> Self {
        let position = SealPosition::new(key.chunk_size());
        Self { key, position }
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
    pub async fn seal_chunk(&mut self, plaintext: &[u8]) -> Result<Vec<u8>, WebSealError> {
        let index = self.position.check_chunk(plaintext.len())?;
        let sealed = self.key.seal(index, false, plaintext).await?;
        // Only a chunk that was handed out takes its index.
        self.position.advance();
        Ok(sealed)
    }

    /// Seals the last chunk, `1..=chunk_size` bytes (`0` only if no chunk came before), and ends
    /// the stream.
    pub async fn finish(self, plaintext: &[u8]) -> Result<Vec<u8>, WebSealError> {
        let index = self.position.check_last(plaintext.len())?;
        Ok(self.key.seal(index, true, plaintext).await?)
    }
}

/// Opens a file's chunks in order with WebCrypto and refuses what
/// [`super::stream::StreamOpener`] refuses (it shares their code): a chunk out of order, a
/// middle chunk carrying the last flag, a last chunk without it, anything after the last chunk,
/// and (in `finish`) a stream that ends before its last chunk. After the first failure every
/// call fails.
///
/// Chunks may open several at once: [`WebStreamOpener::start_chunk`] checks a chunk's place and
/// starts it, its [`StartedChunk`] gives the plaintext later. The stream only counts as whole
/// once every started chunk has given its plaintext.
#[derive(Debug)]
pub struct WebStreamOpener {
    key: ChunkKey,
    /// The stream's place, counting every started chunk as opened.
    position: OpenPosition,
    /// What the started chunks came to, shared with their [`StartedChunk`]s.
    outcomes: Rc<Outcomes>,
}

/// Started chunks not yet opened, and whether one failed to open.
#[derive(Debug, Default)]
struct Outcomes {
    pending: Cell<u64>,
    failed: Cell<bool>,
}

/// A chunk [`WebStreamOpener::start_chunk`] started opening. Until its plaintext is taken the
/// stream is not whole.
#[derive(Debug)]
#[must_use = "the stream is not whole until every started chunk's plaintext is taken"]
pub struct StartedChunk {
    opening: Opening,
    outcomes: Rc<Outcomes>,
}

impl StartedChunk {
    /// The chunk's plaintext; every refusal is the same [`OpenError`], and fails the stream.
    pub async fn plaintext(self) -> Result<Zeroizing<Vec<u8>>, OpenError> {
        let outcomes = Rc::clone(&self.outcomes);
        // A refused plaintext is zeroed as it drops.
        outcomes.settle(self.opening.plaintext().await).map_err(|_| OpenError)
    }

    /// The chunk's plaintext as WebCrypto gave it, in JavaScript memory: no copy into WASM
    /// memory and back out, for a page that only passes the plaintext on (to a worker, to the
    /// disk). The caller owns the buffer and should empty it (`fill(0)`) when it keeps it.
    /// Refusals as [`StartedChunk::plaintext`].
    pub async fn plaintext_js(self) -> Result<Uint8Array, OpenError> {
        let outcomes = Rc::clone(&self.outcomes);
        outcomes.settle(self.opening.plaintext_js().await).map_err(|refused| {
            if let Some(plaintext) = refused {
                plaintext.fill(0, 0, plaintext.length());
            }
            OpenError
        })
    }
}

impl Outcomes {
    /// Counts a started chunk as taken: refused if it failed or another did before it. A
    /// plaintext refused because of another chunk comes back in the error, for the caller to
    /// empty.
    fn settle<T>(&self, opened: Result<T, OpenError>) -> Result<T, Option<T>> {
        // A chunk taken after another failed (out of order) is refused all the same.
        match (opened, self.failed.get(), self.pending.get().checked_sub(1)) {
            (Ok(plaintext), false, Some(pending)) => {
                self.pending.set(pending);
                Ok(plaintext)
            }
            (opened, _, _) => {
                self.failed.set(true);
                Err(opened.ok())
            }
        }
    }
}

impl WebStreamOpener {
    /// Starts reading a stream; the key holds the `chunk_size` from the file's metadata.
    pub fn new(key: ChunkKey) -> Self {
        let position = OpenPosition::new(key.chunk_size());
        Self { key, position, outcomes: Rc::default() }
    }

    /// The index of the chunk [`WebStreamOpener::start_chunk`] expects next.
    pub fn next_index(&self) -> u64 {
        self.position.next_index()
    }

    /// Whether the last chunk has been opened, and every chunk before it.
    pub fn is_finished(&self) -> bool {
        self.position.is_finished() && self.outcomes.pending.get() == 0 && !self.outcomes.failed.get()
    }

    /// Opens the next chunk. `is_last` says whether the reader expects it to be the final one
    /// (from the chunk count `max(1, ceil(size / chunk_size))` of the metadata); a chunk whose
    /// flag differs does not open. Every failure is the same [`OpenError`].
    pub async fn open_chunk(
        &mut self,
        ciphertext: &[u8],
        is_last: bool,
    ) -> Result<Zeroizing<Vec<u8>>, OpenError> {
        self.start_chunk(ciphertext, is_last)?.plaintext().await
    }

    /// Checks that the next chunk fits its place in the stream (as [`WebStreamOpener::open_chunk`]
    /// does) and starts opening it; returns at once. Its plaintext comes from
    /// [`StartedChunk::plaintext`].
    pub fn start_chunk(&mut self, ciphertext: &[u8], is_last: bool) -> Result<StartedChunk, OpenError> {
        self.start(ciphertext.len(), is_last, |key, index| key.start_open(index, is_last, ciphertext))
    }

    /// [`WebStreamOpener::start_chunk`] for a chunk in JavaScript memory (a fetched body's
    /// bytes): WebCrypto copies it from there, and it never passes through WASM memory.
    pub fn start_chunk_js(
        &mut self,
        ciphertext: &Uint8Array,
        is_last: bool,
    ) -> Result<StartedChunk, OpenError> {
        let len = ciphertext.length() as usize;
        self.start(len, is_last, |key, index| key.start_open_js(index, is_last, ciphertext))
    }

    fn start(
        &mut self,
        len: usize,
        is_last: bool,
        open: impl FnOnce(&ChunkKey, u32) -> Result<Opening, OpenError>,
    ) -> Result<StartedChunk, OpenError> {
        let started = match self.outcomes.failed.get() {
            true => Err(OpenError),
            false => self.position.check(len, is_last).and_then(|index| open(&self.key, index)),
        };
        let opening = self.position.record(started, is_last)?;
        self.outcomes.pending.set(self.outcomes.pending.get() + 1);
        Ok(StartedChunk { opening, outcomes: Rc::clone(&self.outcomes) })
    }

    /// Ends the stream: fails unless the last chunk was opened (a missing last chunk is a
    /// truncation) and nothing failed.
    pub fn finish(self) -> Result<(), OpenError> {
        if self.is_finished() { Ok(()) } else { Err(OpenError) }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    use super::*;
    use crate::crypto::Key32;
    use crate::crypto::file_meta::FileId;
    use crate::crypto::stream::StreamSealer;

    /// Natively every future here is ready at once.
    fn now<F: Future>(future: F) -> F::Output {
        match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(output) => output,
            Poll::Pending => panic!("a native WebCrypto future was pending"),
        }
    }

    const C: usize = 64;

    fn sealed(key: &Key32, id: &FileId, chunks: usize) -> Vec<Vec<u8>> {
        let size = ChunkSize::new(C as u32).unwrap();
        let mut sealer = StreamSealer::new(key, id, size);
        let mut out: Vec<Vec<u8>> = (1..chunks).map(|i| sealer.seal_chunk(&[i as u8; C]).unwrap()).collect();
        out.push(sealer.finish(&[0xff; C]).unwrap());
        out
    }

    fn opener(key: &Key32, id: &FileId) -> WebStreamOpener {
        WebStreamOpener::new(now(ChunkKey::import(key, id, ChunkSize::new(C as u32).unwrap())).unwrap())
    }

    #[test]
    fn started_chunks_open_in_order_and_a_chunk_never_taken_or_failed_leaves_the_stream_unfinished() {
        let (key, id) = (Key32::from_bytes([3; 32]), FileId::from_bytes([4; 16]));
        let chunks = sealed(&key, &id, 3);
        let mut whole = opener(&key, &id);
        let started: Vec<StartedChunk> =
            chunks.iter().enumerate().map(|(i, c)| whole.start_chunk(c, i == 2).unwrap()).collect();
        let opened: Vec<_> = started.into_iter().map(|chunk| now(chunk.plaintext()).unwrap()).collect();
        assert_eq!(opened[1].as_slice(), &[2; C]);
        assert!(whole.is_finished());
        assert_eq!(whole.finish(), Ok(()));

        let mut missing = opener(&key, &id);
        let _first = missing.start_chunk(&chunks[0], false).unwrap();
        now(missing.start_chunk(&chunks[1], false).unwrap().plaintext()).unwrap();
        now(missing.start_chunk(&chunks[2], true).unwrap().plaintext()).unwrap();
        assert_eq!(missing.finish(), Err(OpenError));

        let mut tampered = opener(&key, &id);
        let mut bad = chunks[0].clone();
        bad[5] ^= 1;
        let first = tampered.start_chunk(&bad, false);
        let second = tampered.start_chunk(&chunks[1], false);
        assert!(first.is_err() || now(first.unwrap().plaintext()).is_err());
        // The chunk after the failed one is refused when started, or when taken.
        assert!(second.is_err() || now(second.unwrap().plaintext()).is_err());
        assert_eq!(tampered.start_chunk(&chunks[2], true).err(), Some(OpenError));
        assert_eq!(tampered.finish(), Err(OpenError));
    }
}
