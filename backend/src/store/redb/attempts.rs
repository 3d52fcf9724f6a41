//! The per-address and per-account [`Attempts`] (codes, wrong tries, throttles), read, changed
//! and written back in one transaction so that concurrent tries are all counted.

use coffer_shared::id::AccountId;
use redb::{ReadableTable, ReadableTableMetadata, WriteTransaction};

use super::accounts::{Account, read_account, write_account};
use super::schema::{ACCOUNTS, ATTEMPTS};
use super::{Db, RedbStore, StoreError, from_json, to_json};
use crate::auth::attempts::Attempts;

fn load(txn: &WriteTransaction, purpose: &str) -> Result<Attempts, StoreError> {
    match txn.open_table(ATTEMPTS)?.get(purpose)? {
        Some(bytes) => from_json(bytes.value()),
        None => Ok(Attempts::default()),
    }
}

/// Stores `attempts` under `purpose`, or deletes the entry when it holds nothing worth keeping.
fn save(txn: &WriteTransaction, purpose: &str, attempts: &Attempts, now: u64) -> Result<(), StoreError> {
    let mut table = txn.open_table(ATTEMPTS)?;
    if attempts.is_idle(now) {
        table.remove(purpose)?;
    } else {
        table.insert(purpose, to_json(attempts)?.as_slice())?;
    }
    Ok(())
}

impl RedbStore {
    pub(crate) async fn sweep_attempts(&self, now: u64) -> Result<usize, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_write()?;
            let mut removed = 0;
            {
                let mut table = txn.open_table(ATTEMPTS)?;
                table.retain(|_, bytes| {
                    // A state that does not decode is kept, for the operator to see.
                    let idle = from_json::<Attempts>(bytes).is_ok_and(|state| state.is_idle(now));
                    removed += usize::from(idle);
                    !idle
                })?;
            }
            txn.commit()?;
            Ok(removed)
        })
        .await
    }

    pub(crate) async fn attempts_stored(&self) -> Result<u64, StoreError> {
        self.blocking(move |db: &Db| Ok(db.begin_read()?.open_table(ATTEMPTS)?.len()?)).await
    }

    pub(crate) async fn with_attempts<R, F>(
        &self,
        purpose: String,
        now: u64,
        change: F,
    ) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Attempts) -> R + Send + 'static,
    {
        self.with_throttles(vec![purpose], None, now, move |states, _| {
            let result = change(&mut states[0]);
            (result, false)
        })
        .await
    }

    pub(crate) async fn with_throttles<R, F>(
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
        self.blocking(move |db: &Db| {
            let txn = db.begin_write()?;
            let mut states =
                purposes.iter().map(|purpose| load(&txn, purpose)).collect::<Result<Vec<_>, _>>()?;
            let mut account = match &account {
                Some(id) => read_account(&txn.open_table(ACCOUNTS)?, id.as_str())?,
                None => None,
            };
            let (result, changed) = change(&mut states, account.as_mut());
            for (purpose, state) in purposes.iter().zip(&states) {
                save(&txn, purpose, state, now)?;
            }
            if let (Some(account), true) = (&account, changed) {
                write_account(&txn, account)?;
            }
            txn.commit()?;
            Ok(result)
        })
        .await
    }
}
