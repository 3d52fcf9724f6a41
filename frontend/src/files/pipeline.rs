//! Work on a file's chunks a few ahead of the one in hand: the browser reads, seals and hashes
//! the next chunks (off the page's thread) while the page deals with the current one. Results
//! come out in index order; at most `window` chunks are started and not yet taken, so memory
//! stays at a few chunks whatever the file's size.

use std::collections::VecDeque;
use std::future::Future;

use futures::future::{Either, select};
use futures::stream::{FuturesOrdered, StreamExt};

/// Runs `make(index)` for each index in order, up to `window` at once.
pub struct Pipeline<I, F, Fut: Future> {
    indices: I,
    window: usize,
    make: F,
    running: FuturesOrdered<Fut>,
    /// Finished while the page waited for something else, in order, not yet taken.
    done: VecDeque<Fut::Output>,
}

impl<I, F, Fut> Pipeline<I, F, Fut>
where
    I: Iterator<Item = u64>,
    F: Fn(u64) -> Fut,
    Fut: Future,
{
    /// A pipeline over `indices`; nothing starts before the first [`Pipeline::next`] or
    /// [`Pipeline::meanwhile`].
    pub fn new(indices: I, window: usize, make: F) -> Self {
        Self { indices, window: window.max(1), make, running: FuturesOrdered::new(), done: VecDeque::new() }
    }

    /// The next index's result, in order; `None` after the last.
    pub async fn next(&mut self) -> Option<Fut::Output> {
        self.fill();
        match self.done.pop_front() {
            Some(output) => Some(output),
            None => self.running.next().await,
        }
    }

    /// Awaits `other` while the started chunks keep going (a future not polled does not move
    /// past its current step); what finishes meanwhile waits for [`Pipeline::next`].
    pub async fn meanwhile<T>(&mut self, other: impl Future<Output = T>) -> T {
        let mut other = std::pin::pin!(other);
        loop {
            self.fill();
            if self.running.is_empty() {
                return other.await;
            }
            match select(other.as_mut(), self.running.next()).await {
                Either::Left((value, _)) => return value,
                Either::Right((Some(output), _)) => self.done.push_back(output),
                Either::Right((None, _)) => {}
            }
        }
    }

    /// Starts chunks until `window` are running or waiting to be taken.
    fn fill(&mut self) {
        while self.running.len() + self.done.len() < self.window {
            match self.indices.next() {
                Some(index) => self.running.push_back((self.make)(index)),
                None => break,
            }
        }
    }
}
