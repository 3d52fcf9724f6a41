//! The store's attempts methods, answered by either backend.

use crate::auth::attempts::Attempts;
use crate::store::{Account, Store, StoreError};
use coffer_shared::id::AccountId;

impl Store {
    /// Deletes every idle state (no live code, no count, no throttle, no recent send); returns
    /// how many. States become idle on their own, so the table holds only recent tries.
    pub async fn sweep_attempts(&self, now: u64) -> Result<usize, StoreError> {
        dispatch!(self.sweep_attempts(now))
    }

    /// How many states are stored (idle ones included until the next sweep).
    pub async fn attempts_stored(&self) -> Result<u64, StoreError> {
        dispatch!(self.attempts_stored())
    }

    /// Runs `change` on the attempts stored under `purpose` (a fresh state if none) and stores
    /// the result, all in one write transaction. Idle states are deleted rather than stored.
    pub async fn with_attempts<R, F>(&self, purpose: String, now: u64, change: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Attempts) -> R + Send + 'static,
    {
        dispatch!(self.with_attempts(purpose, now, change))
    }

    /// Runs `change` on the attempts stored under each of `purposes` (in that order) and, with
    /// `account`, on that account (`None` if it does not exist), then stores every state and,
    /// when `change` says so (`true` in the second place), the account: one write transaction,
    /// so a code or a passphrase is checked, used up and counted together however many
    /// requests race.
    pub async fn with_throttles<R, F>(
        &self,
        purposes: Vec<String>,
        account: Option<AccountId>,
        now: u64,
        change: F,
    ) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&mut [Attempts], Option<&mut Account>) -> (R, bool) + Send + 'static,
    {
        dispatch!(self.with_throttles(purposes, account, now, change))
    }
}
