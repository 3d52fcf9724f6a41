//! A vault's running totals (records, envelope bytes) and its version, kept in
//! [`VAULT_USAGE`] beside the records and changed in the same write transaction as they are,
//! so a limit check reads one row instead of the whole vault and holds however many writes race.

use std::collections::BTreeMap;

use redb::{ReadableTable, TableHandle, WriteTransaction};

use super::StoreError;
use super::schema::{UsageValue, VAULT, VAULT_USAGE};

/// The limits a vault write is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VaultLimits {
    /// The most records a vault holds.
    pub max_records: u64,
    /// The most envelope bytes a vault holds, all records together.
    pub max_bytes: u64,
}

/// Which limit a refused write would have broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VaultLimit {
    /// [`VaultLimits::max_records`].
    Records,
    /// [`VaultLimits::max_bytes`].
    Bytes,
}

/// One vault's row of [`VAULT_USAGE`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Records held.
    pub records: u64,
    /// Envelope bytes held.
    pub bytes: u64,
    /// Changes so far (creates, edits, deletes); never goes back.
    pub version: u64,
}

impl Usage {
    /// The row of `account`; an account that never stored a record has all zeros.
    pub fn read(
        table: &impl ReadableTable<&'static str, UsageValue>,
        account: &str,
    ) -> Result<Self, StoreError> {
        Ok(table.get(account)?.map(|value| value.value()).map(Self::from_value).unwrap_or_default())
    }

    /// Stores the row of `account`.
    pub fn write(self, table: &mut redb::Table<&str, UsageValue>, account: &str) -> Result<(), StoreError> {
        table.insert(account, (self.records, self.bytes, self.version))?;
        Ok(())
    }

    fn from_value((records, bytes, version): UsageValue) -> Self {
        Self { records, bytes, version }
    }

    /// The totals after replacing a record of `old` bytes (0 and no record for a create) by one
    /// of `new` bytes, or the limit that forbids it. A write that does not grow the vault is
    /// always allowed, so a vault over a lowered limit can still be edited down and emptied.
    pub fn after_write(self, old: Option<u64>, new: u64, limits: VaultLimits) -> Result<Self, VaultLimit> {
        let records = self.records + u64::from(old.is_none());
        // Saturating: totals that drifted below a record's size must not wrap (and so refuse
        // every write, or panic in a debug build).
        let bytes = self.bytes.saturating_sub(old.unwrap_or(0)).saturating_add(new);
        if old.is_none() && records > limits.max_records {
            return Err(VaultLimit::Records);
        }
        if bytes > self.bytes && bytes > limits.max_bytes {
            return Err(VaultLimit::Bytes);
        }
        Ok(Self { records, bytes, version: self.version + 1 })
    }

    /// The totals after deleting a record of `old` bytes.
    pub fn after_delete(self, old: u64) -> Self {
        Self {
            records: self.records.saturating_sub(1),
            bytes: self.bytes.saturating_sub(old),
            version: self.version + 1,
        }
    }
}

/// Fills [`VAULT_USAGE`] from the records if the file has no such table yet (a file written
/// before it existed): one pass over [`VAULT`] at start-up, inside `txn`.
pub fn build_usage_if_missing(txn: &WriteTransaction) -> Result<(), StoreError> {
    if txn.list_tables()?.any(|table| table.name() == VAULT_USAGE.name()) {
        return Ok(());
    }
    let mut totals: BTreeMap<String, Usage> = BTreeMap::new();
    for entry in txn.open_table(VAULT)?.iter()? {
        let (key, value) = entry?;
        let usage = totals.entry(key.value().0.to_owned()).or_default();
        usage.records += 1;
        usage.bytes += value.value().3.len() as u64;
    }
    let mut table = txn.open_table(VAULT_USAGE)?;
    for (account, usage) in totals {
        usage.write(&mut table, &account)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: VaultLimits = VaultLimits { max_records: 3, max_bytes: 100 };

    fn usage(records: u64, bytes: u64) -> Usage {
        Usage { records, bytes, version: 7 }
    }

    #[test]
    fn a_create_fits_up_to_the_exact_byte_and_record_limits() {
        assert_eq!(
            usage(2, 60).after_write(None, 40, LIMITS),
            Ok(Usage { records: 3, bytes: 100, version: 8 })
        );
        assert_eq!(usage(2, 60).after_write(None, 41, LIMITS), Err(VaultLimit::Bytes));
        assert_eq!(usage(3, 10).after_write(None, 1, LIMITS), Err(VaultLimit::Records));
    }

    #[test]
    fn an_edit_may_grow_to_the_limit_and_may_always_shrink() {
        assert_eq!(usage(3, 90).after_write(Some(10), 20, LIMITS).map(|u| u.bytes), Ok(100));
        assert_eq!(usage(3, 90).after_write(Some(10), 21, LIMITS), Err(VaultLimit::Bytes));
        assert_eq!(usage(3, 150).after_write(Some(50), 40, LIMITS).map(|u| u.bytes), Ok(140));
        assert_eq!(usage(3, 150).after_write(Some(50), 50, LIMITS).map(|u| u.version), Ok(8));
    }

    #[test]
    fn a_delete_frees_its_bytes_and_counts_as_a_change() {
        assert_eq!(usage(3, 100).after_delete(30), Usage { records: 2, bytes: 70, version: 8 });
    }
}
