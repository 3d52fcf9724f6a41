//! Where a stream is and what may come next: the position, length and last-flag rules of
//! docs/envelope.md, "Files (streamed)", apart from the cipher. [`super::StreamSealer`] and
//! [`super::StreamOpener`] (the `aes-gcm` crate) and the WebCrypto streams of
//! `crypto::webcrypto` all use these, so every implementation refuses exactly the same streams.

use super::{ChunkSize, MAX_CHUNKS, SealError};
use crate::crypto::OpenError;
use crate::crypto::envelope::TAG_LEN;

/// A sealer's position: how many chunks have been sealed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SealPosition {
    chunk_size: ChunkSize,
    next: u64,
}

impl SealPosition {
    /// A stream with nothing sealed yet.
    pub(crate) fn new(chunk_size: ChunkSize) -> Self {
        Self { chunk_size, next: 0 }
    }

    /// The chunk size of the stream.
    pub(crate) fn chunk_size(self) -> ChunkSize {
        self.chunk_size
    }

    /// How many chunks have been sealed so far: the index of the next one.
    pub(crate) fn next_index(self) -> u64 {
        self.next
    }

    /// The index to seal a chunk that is not the last under, if `len` is exactly `chunk_size`.
    pub(crate) fn check_chunk(self, len: usize) -> Result<u32, SealError> {
        if len != self.chunk_size.len() {
            return Err(SealError::ChunkLength);
        }
        // The last chunk needs an index too, so a non-last chunk may use at most 2^32 - 2.
        if self.next + 1 >= MAX_CHUNKS {
            return Err(SealError::TooManyChunks);
        }
        Ok(self.next as u32)
    }

    /// The index to seal the last chunk under, if `len` is `1..=chunk_size` (`0` only when no
    /// chunk came before).
    pub(crate) fn check_last(self, len: usize) -> Result<u32, SealError> {
        if len > self.chunk_size.len() {
            return Err(SealError::ChunkLength);
        }
        if len == 0 && self.next > 0 {
            return Err(SealError::EmptyLastChunk);
        }
        // `check_chunk` kept `next` below 2^32 - 1.
        Ok(self.next as u32)
    }

    /// Records that the chunk at the index just checked was sealed.
    pub(crate) fn advance(&mut self) {
        self.next += 1;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OpenerState {
    Open,
    Finished,
    Failed,
}

/// An opener's position: how many chunks have opened, and whether the stream ended or failed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OpenPosition {
    chunk_size: ChunkSize,
    next: u64,
    state: OpenerState,
}

impl OpenPosition {
    /// A stream with nothing opened yet.
    pub(crate) fn new(chunk_size: ChunkSize) -> Self {
        Self { chunk_size, next: 0, state: OpenerState::Open }
    }

    /// The index of the chunk the stream expects next.
    pub(crate) fn next_index(self) -> u64 {
        self.next
    }

    /// Whether the last chunk has been opened.
    pub(crate) fn is_finished(self) -> bool {
        self.state == OpenerState::Finished
    }

    /// The index to open the next chunk under, if the stream is still open and a ciphertext of
    /// `len` bytes fits its position: `chunk_size + 16` bytes before the last, `17..=chunk_size
    /// + 16` for the last (`16`, an empty file, only as the first and only chunk).
    pub(crate) fn check(self, len: usize, is_last: bool) -> Result<u32, OpenError> {
        if self.state != OpenerState::Open || self.next >= MAX_CHUNKS {
            return Err(OpenError);
        }
        let full = self.chunk_size.len() + TAG_LEN;
        let length_ok = if is_last {
            // Only an empty file's single chunk may be empty.
            let min = if self.next == 0 { TAG_LEN } else { TAG_LEN + 1 };
            (min..=full).contains(&len)
        } else {
            len == full
        };
        if length_ok { Ok(self.next as u32) } else { Err(OpenError) }
    }

    /// Records the outcome of opening the next chunk (a failed [`OpenPosition::check`]
    /// included) and passes it on. After the first failure the stream stays failed.
    pub(crate) fn record<T>(&mut self, result: Result<T, OpenError>, is_last: bool) -> Result<T, OpenError> {
        self.state = match (&result, is_last) {
            (Ok(_), true) => OpenerState::Finished,
            (Ok(_), false) => OpenerState::Open,
            (Err(_), _) => OpenerState::Failed,
        };
        if result.is_ok() {
            self.next += 1;
        }
        result
    }

    /// Fails unless the last chunk was opened (a missing last chunk is a truncation) and
    /// nothing failed.
    pub(crate) fn finish(self) -> Result<(), OpenError> {
        if self.is_finished() { Ok(()) } else { Err(OpenError) }
    }
}
