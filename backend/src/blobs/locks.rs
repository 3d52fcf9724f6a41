//! [`ChunkLocks`]: one upload of a given chunk at a time. Two requests carrying different bytes
//! for the same index must not write over each other between the check and the record.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::OwnedMutexGuard;

type Key = (String, u64);

/// Per-(file id, chunk index) async locks, forgotten when nobody holds or waits for them.
#[derive(Default)]
pub struct ChunkLocks {
    held: Mutex<HashMap<Key, Arc<tokio::sync::Mutex<()>>>>,
}

/// Holds a chunk's lock until dropped.
pub struct ChunkGuard<'a> {
    locks: &'a ChunkLocks,
    key: Key,
    guard: Option<OwnedMutexGuard<()>>,
}

impl ChunkLocks {
    /// Waits for, then takes, the lock of chunk `index` of file `id`.
    pub async fn lock(&self, id: &str, index: u64) -> ChunkGuard<'_> {
        let key = (id.to_owned(), index);
        let mutex = {
            let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
            Arc::clone(held.entry(key.clone()).or_default())
        };
        let guard = mutex.lock_owned().await;
        ChunkGuard { locks: self, key, guard: Some(guard) }
    }
}

impl Drop for ChunkGuard<'_> {
    fn drop(&mut self) {
        drop(self.guard.take());
        let mut held = self.locks.held.lock().unwrap_or_else(PoisonError::into_inner);
        // Only the map still refers to it: no request holds or awaits this lock.
        if held.get(&self.key).is_some_and(|mutex| Arc::strong_count(mutex) == 1) {
            held.remove(&self.key);
        }
    }
}
