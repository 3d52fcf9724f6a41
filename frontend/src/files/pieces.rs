//! A response body's pieces, as the network delivered them, cut into chunks of the lengths the
//! reader asks for, in JavaScript memory: a chunk within one piece is a view of it (no copy),
//! and only a chunk spanning pieces is copied, once, into a buffer kept for the purpose (a new
//! buffer a chunk would cost the page faults and garbage collection of the file's size again).

use std::collections::VecDeque;

use js_sys::Uint8Array;

/// Received bytes not yet taken, in order.
#[derive(Default)]
pub struct Pieces {
    queue: VecDeque<Uint8Array>,
    len: u64,
    /// Where chunks spanning pieces are put together, reused from one to the next.
    scratch: Option<Uint8Array>,
}

impl Pieces {
    /// Adds the next piece received.
    pub fn push(&mut self, piece: Uint8Array) {
        if piece.length() > 0 {
            self.len += u64::from(piece.length());
            self.queue.push_back(piece);
        }
    }

    /// The bytes held.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether no byte is held.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Forgets every byte held (a connection that broke: the next starts at a chunk's start).
    pub fn clear(&mut self) {
        self.queue.clear();
        self.len = 0;
    }

    /// The first `n` bytes held, taken out. The caller checks that [`Pieces::len`] is at least
    /// `n`; with fewer the result is shorter (never past what was received). The bytes may be
    /// overwritten by the next `take`: use them (WebCrypto copies what it is given) before.
    pub fn take(&mut self, n: u32) -> Uint8Array {
        if let Some(front) = self.queue.front_mut()
            && front.length() >= n
        {
            let chunk = front.subarray(0, n);
            *front = front.subarray(n, front.length());
            if front.length() == 0 {
                self.queue.pop_front();
            }
            self.len -= u64::from(n);
            return chunk;
        }
        let chunk = match self.scratch.take() {
            Some(scratch) if scratch.length() >= n => scratch,
            _ => Uint8Array::new_with_length(n),
        };
        let mut at = 0;
        while at < n
            && let Some(front) = self.queue.front_mut()
        {
            let part = front.length().min(n - at);
            chunk.set(&front.subarray(0, part), at);
            at += part;
            *front = front.subarray(part, front.length());
            if front.length() == 0 {
                self.queue.pop_front();
            }
        }
        self.len -= u64::from(at);
        let taken = chunk.subarray(0, at);
        self.scratch = Some(chunk);
        taken
    }
}
