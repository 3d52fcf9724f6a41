//! Reservations on PostgreSQL (what each count means: redb's `reservations.rs`): the `counters`
//! rows `stored_bytes`, `reserved_bytes`, `anonymous_held`, `anonymous_ciphertext`, and the
//! `upload_holders` rows, changed in the transaction of each start, chunk, finish and deletion.
//!
//! Every transaction that decides from these rows or changes them locks them first, always in
//! one order: the files it acts on (by id), then the counters (by name), then the holders (by
//! holder). So the starts of every server take turns on the counters, as under redb's single
//! writer, a limit holds however many servers race, and no two transactions wait on each other
//! in a cycle.

use std::collections::BTreeMap;

use tokio_postgres::Transaction;

use super::rows::{big, unsigned};
use super::{PgStore, pg};
use crate::store::StoreError;
use crate::store::redb::files::FileRecord;
use crate::store::redb::schema::{ANONYMOUS_CIPHERTEXT, ANONYMOUS_HELD, NETWORK_HOLDER, RESERVED_BYTES};

/// Locks the counters `names` (creating those missing at 0) in the order of their names and
/// returns their values, in the order of `names`.
pub(super) async fn lock_counters(txn: &Transaction<'_>, names: &[&str]) -> Result<Vec<u64>, StoreError> {
    let rows = txn
        .query(
            "INSERT INTO counters (name, value) SELECT name, 0 FROM unnest($1::text[]) AS name ORDER BY name
             ON CONFLICT (name) DO UPDATE SET value = counters.value RETURNING name, value",
            &[&names],
        )
        .await
        .map_err(pg)?;
    let values: BTreeMap<&str, i64> = rows.iter().map(|row| (row.get(0), row.get(1))).collect();
    names.iter().map(|name| unsigned(values.get(name).copied().unwrap_or(0))).collect()
}

/// Takes `bytes` written by a chunk off [`RESERVED_BYTES`] (one row: no order to keep).
pub(super) async fn take_reserved(txn: &Transaction<'_>, bytes: u64) -> Result<(), StoreError> {
    txn.execute(
        "UPDATE counters SET value = GREATEST(value - $2, 0) WHERE name = $1",
        &[&RESERVED_BYTES, &big(bytes)?],
    )
    .await
    .map_err(pg)?;
    Ok(())
}

/// Changes to the counters and the holders, gathered and then made together.
#[derive(Debug, Default)]
pub(super) struct Changes {
    counters: BTreeMap<&'static str, i128>,
    holders: BTreeMap<String, i128>,
}

impl Changes {
    /// Adds `delta` to counter `name`.
    pub fn counter(&mut self, name: &'static str, delta: i128) {
        *self.counters.entry(name).or_default() += delta;
    }

    /// Adds `delta` to what `holder`'s unfinished uploads hold.
    pub fn holder(&mut self, holder: &str, delta: i128) {
        *self.holders.entry(holder.to_owned()).or_default() += delta;
    }

    /// Adds `record` to (`sign` 1) or takes it off (`sign` -1) [`ANONYMOUS_HELD`] and
    /// [`ANONYMOUS_CIPHERTEXT`] if its holder is a client network.
    pub fn anonymous(&mut self, record: &FileRecord, sign: i128) {
        if record.holder.as_deref().is_some_and(|holder| holder.starts_with(NETWORK_HOLDER)) {
            self.counter(ANONYMOUS_HELD, sign * i128::from(record.charged_size()));
            self.counter(ANONYMOUS_CIPHERTEXT, sign * i128::from(record.ciphertext_size()));
        }
    }

    /// Ends the reservation of `record`, about to be deleted (redb's `release`): what an
    /// unfinished upload has not written leaves [`RESERVED_BYTES`] and its size its holder's
    /// count; a client network's file leaves the anonymous counts. `last_held`: whether its
    /// last chunk (shorter than the others) is held.
    pub fn release(&mut self, record: &FileRecord, last_held: bool) {
        if !record.finished {
            self.counter(RESERVED_BYTES, -i128::from(record.ciphertext_size() - written(record, last_held)));
            if let Some(holder) = &record.holder {
                self.holder(holder, -i128::from(record.charged_size()));
            }
        }
        self.anonymous(record, -1);
    }

    /// The counters changed, by name.
    pub fn counter_names(&self) -> Vec<&'static str> {
        self.counters.keys().copied().collect()
    }

    /// Makes the changes: counters never go below 0 and a holder left with nothing is
    /// forgotten. Its counters must be locked already ([`lock_counters`]); its holders are
    /// locked here, in order.
    pub async fn apply(&self, txn: &Transaction<'_>) -> Result<(), StoreError> {
        if !self.counters.is_empty() {
            let (names, deltas) = split(&self.counters)?;
            txn.execute(
                "UPDATE counters SET value = GREATEST(counters.value + change.delta, 0)
                 FROM unnest($1::text[], $2::bigint[]) AS change (name, delta) WHERE counters.name = change.name",
                &[&names, &deltas],
            )
            .await
            .map_err(pg)?;
        }
        if !self.holders.is_empty() {
            let (holders, deltas) = split(&self.holders)?;
            txn.execute(
                "INSERT INTO upload_holders (holder, bytes)
                 SELECT holder, delta FROM unnest($1::text[], $2::bigint[]) AS change (holder, delta) ORDER BY holder
                 ON CONFLICT (holder) DO UPDATE SET bytes = upload_holders.bytes + EXCLUDED.bytes",
                &[&holders, &deltas],
            )
            .await
            .map_err(pg)?;
            if deltas.iter().any(|delta| *delta < 0) {
                txn.execute("DELETE FROM upload_holders WHERE holder = ANY($1) AND bytes <= 0", &[&holders])
                    .await
                    .map_err(pg)?;
            }
        }
        Ok(())
    }
}

/// Keys and deltas as two arrays for `unnest`, the keys in order.
fn split<K: AsRef<str>>(changes: &BTreeMap<K, i128>) -> Result<(Vec<&str>, Vec<i64>), StoreError> {
    let deltas = changes.values().map(|delta| {
        i64::try_from(*delta).map_err(|_| StoreError::Corrupt(format!("{delta} does not fit a bigint")))
    });
    Ok((changes.keys().map(AsRef::as_ref).collect(), deltas.collect::<Result<_, _>>()?))
}

/// The ciphertext bytes of an upload that its held chunks fill.
fn written(record: &FileRecord, last_held: bool) -> u64 {
    let last_short = record.stride() - record.chunk_len(record.chunk_count - 1);
    let full = record.received * record.stride();
    if last_held { full - last_short } else { full }
}

impl PgStore {
    pub(crate) async fn reserved_bytes(&self) -> Result<u64, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt("SELECT value FROM counters WHERE name = $1", &[&RESERVED_BYTES])
            .await
            .map_err(pg)?;
        unsigned(row.map_or(0, |row| row.get(0)))
    }
}
