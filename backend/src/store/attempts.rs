//! The per-address and per-account [`Attempts`] (codes, wrong tries, throttles), read, changed
//! and written back in one transaction so that concurrent tries are all counted.

use redb::{Database, ReadableTable};

use super::schema::ATTEMPTS;
use super::{Store, StoreError, from_json, to_json};
use crate::auth::attempts::Attempts;

impl Store {
    /// Runs `change` on the attempts stored under `purpose` (a fresh state if none) and stores
    /// the result, all in one write transaction. Idle states are deleted rather than stored.
    pub async fn with_attempts<R, F>(&self, purpose: String, now: u64, change: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Attempts) -> R + Send + 'static,
    {
        self.blocking(move |db: &Database| {
            let txn = db.begin_write()?;
            let result = {
                let mut table = txn.open_table(ATTEMPTS)?;
                let mut attempts: Attempts = match table.get(purpose.as_str())? {
                    Some(bytes) => from_json(bytes.value())?,
                    None => Attempts::default(),
                };
                let result = change(&mut attempts);
                if attempts.is_idle(now) {
                    table.remove(purpose.as_str())?;
                } else {
                    table.insert(purpose.as_str(), to_json(&attempts)?.as_slice())?;
                }
                result
            };
            txn.commit()?;
            Ok(result)
        })
        .await
    }
}
