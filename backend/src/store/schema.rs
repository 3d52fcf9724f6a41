//! The tables, as constants in one place, and the schema version checked at start-up.

use redb::{Database, ReadableTable, TableDefinition};

use super::StoreError;

/// Bumped whenever a table's layout changes; a file of another version is refused at start-up.
///
/// Adding a table is not such a change: [`initialise`] creates missing tables in an existing
/// file, and older builds never open them. So [`ACCOUNTS`], added after version 1 shipped, kept
/// the version at 1.
pub const SCHEMA_VERSION: u64 = 1;

/// `"schema_version"` -> [`SCHEMA_VERSION`].
pub const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
/// Share id -> the share's record (`ShareRecord`, JSON): token hashes, limits, counters.
pub const SHARES: TableDefinition<&str, &[u8]> = TableDefinition::new("shares");
/// Share id -> envelope bytes. Kept apart so that counting a view rewrites a small record.
pub const ENVELOPES: TableDefinition<&str, &[u8]> = TableDefinition::new("envelopes");
/// (expires_at, share id) -> (): the sweeper's index, oldest first.
pub const EXPIRY: TableDefinition<(u64, &str), ()> = TableDefinition::new("share_expiry");
/// `normalize(email)` -> the account's record (`AccountRecord`, JSON): id, KDF parameters, salt.
pub const ACCOUNTS: TableDefinition<&str, &[u8]> = TableDefinition::new("accounts");

/// Creates the tables and the version entry in a new file; checks the version of an old one and
/// creates any table it lacks (tables are only ever added within a version).
pub fn initialise(db: &Database) -> Result<(), StoreError> {
    let txn = db.begin_write()?;
    {
        let mut meta = txn.open_table(META)?;
        let found = meta.get("schema_version")?.map(|value| value.value());
        match found {
            None => {
                meta.insert("schema_version", SCHEMA_VERSION)?;
            }
            Some(found) if found != SCHEMA_VERSION => {
                return Err(StoreError::SchemaVersion { found, expected: SCHEMA_VERSION });
            }
            Some(_) => {}
        }
        txn.open_table(SHARES)?;
        txn.open_table(ENVELOPES)?;
        txn.open_table(EXPIRY)?;
        txn.open_table(ACCOUNTS)?;
    }
    txn.commit()?;
    Ok(())
}
