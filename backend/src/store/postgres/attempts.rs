//! The per-address and per-account [`Attempts`] on PostgreSQL (codes, wrong tries, throttles),
//! as in redb (JSON): read, changed and written back under their row locks in one transaction,
//! so a code or a passphrase is checked, used up and counted together however many requests
//! race, on however many servers.
//!
//! A transaction locks the account first (when it has one), then the states in the order of
//! their purposes; a purpose with no row gets one for the time of the transaction, so that a
//! racing transaction waits on it too. A state that holds nothing worth keeping is deleted
//! rather than stored; `idle_at` tells the sweeper when a stored one will.

use std::collections::HashMap;

use tokio_postgres::Transaction;

use super::accounts::{lock_account, take_once, write_account};
use super::rows::{big, unsigned};
use super::{PgStore, pg};
use crate::auth::attempts::Attempts;
use crate::store::{Account, StoreError, from_json, to_json};
use coffer_shared::id::AccountId;

/// The first time at which `state` is idle (`u64::MAX >> 1` if never). A state only becomes idle
/// by time passing (its code expires, its count lapses, its throttle and sends age out), so
/// `is_idle` is false up to this time and true from it on, and a binary search finds it.
pub(in crate::store) fn idle_at(state: &Attempts) -> u64 {
    let (mut low, mut high) = (0, u64::MAX >> 1);
    if !state.is_idle(high) {
        return high;
    }
    while low < high {
        let middle = low + (high - low) / 2;
        match state.is_idle(middle) {
            true => high = middle,
            false => low = middle + 1,
        }
    }
    low
}

/// Locks the states of `purposes` (sorted, without repeats), creating the missing ones:
/// purpose -> stored JSON.
async fn lock_states(
    txn: &Transaction<'_>,
    purposes: &[&str],
) -> Result<HashMap<String, Vec<u8>>, StoreError> {
    // An upsert that changes nothing locks the row and returns it in one round trip; a new row
    // holds the empty state until it is written or deleted at the end of the transaction.
    let rows = txn
        .query(
            "INSERT INTO attempts (purpose, state, idle_at)
             SELECT purpose, $2::bytea, 0 FROM unnest($1::text[]) WITH ORDINALITY AS p(purpose, n) ORDER BY n
             ON CONFLICT (purpose) DO UPDATE SET state = attempts.state
             RETURNING purpose, state",
            &[&purposes, &to_json(&Attempts::default())?],
        )
        .await
        .map_err(pg)?;
    Ok(rows.into_iter().map(|row| (row.get(0), row.get(1))).collect())
}

/// Writes back the states of locked `purposes`: deletes the idle ones, updates the changed ones.
/// A purpose named twice keeps its last state, as in redb.
async fn save_states(
    txn: &Transaction<'_>,
    purposes: &[String],
    states: &[Attempts],
    stored: &HashMap<String, Vec<u8>>,
    now: u64,
) -> Result<(), StoreError> {
    let last: HashMap<&str, &Attempts> = purposes.iter().map(String::as_str).zip(states).collect();
    let (mut idle, mut changed, mut bytes, mut idle_ats) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (purpose, state) in last {
        if state.is_idle(now) {
            idle.push(purpose);
            continue;
        }
        let json = to_json(state)?;
        if stored.get(purpose) != Some(&json) {
            changed.push(purpose);
            bytes.push(json);
            idle_ats.push(big(idle_at(state))?);
        }
    }
    if !idle.is_empty() {
        txn.execute("DELETE FROM attempts WHERE purpose = ANY($1)", &[&idle]).await.map_err(pg)?;
    }
    if !changed.is_empty() {
        txn.execute(
            "UPDATE attempts a SET state = n.state, idle_at = n.idle_at
             FROM unnest($1::text[], $2::bytea[], $3::bigint[]) AS n(purpose, state, idle_at)
             WHERE a.purpose = n.purpose",
            &[&changed, &bytes, &idle_ats],
        )
        .await
        .map_err(pg)?;
    }
    Ok(())
}

impl PgStore {
    pub(crate) async fn sweep_attempts(&self, now: u64) -> Result<usize, StoreError> {
        // Rows a transaction holds are skipped: it decides about them itself.
        let delete = "DELETE FROM attempts WHERE purpose IN (
                          SELECT purpose FROM attempts WHERE idle_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)";
        self.delete_in_batches(delete, now).await
    }

    pub(crate) async fn attempts_stored(&self) -> Result<u64, StoreError> {
        let client = self.client().await?;
        let row = client.query_one("SELECT count(*) FROM attempts", &[]).await.map_err(pg)?;
        unsigned(row.get(0))
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
        let mut sorted: Vec<&str> = purposes.iter().map(String::as_str).collect();
        sorted.sort_unstable();
        sorted.dedup();
        let mut change = Some(change);
        transaction!(self, txn => {
            let mut account = match &account {
                Some(id) => lock_account(&txn, id.as_str()).await?,
                None => None,
            };
            let stored = lock_states(&txn, &sorted).await?;
            let mut states = purposes
                .iter()
                .map(|purpose| match stored.get(purpose) {
                    Some(bytes) => from_json(bytes),
                    None => Err(StoreError::Corrupt(format!("attempts {purpose} not locked"))),
                })
                .collect::<Result<Vec<Attempts>, _>>()?;
            let (result, changed) = take_once(&mut change)?(&mut states, account.as_mut());
            save_states(&txn, &purposes, &states, &stored, now).await?;
            if let (Some(account), true) = (&account, changed) {
                write_account(&txn, account).await?;
            }
            Ok(result)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_is_idle_from_its_idle_time_on_and_not_before() {
        assert_eq!(idle_at(&Attempts::default()), 0);
        let t = 1_800_000_000;
        let mut state = Attempts::default();
        state.issue(t, [1; 32]).unwrap();
        state.record_wrong(t + 5);
        let at = idle_at(&state);
        assert!(at > t + 5);
        assert!(state.is_idle(at) && !state.is_idle(at - 1));
    }
}
