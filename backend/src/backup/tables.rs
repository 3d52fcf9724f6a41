//! Every table of the redb file, as one list that copies rows without knowing their types:
//! a backup streams each row as redb's own bytes of its key and value, and writes them back
//! into a table of the same definition. A test checks the list against the tables a new file
//! has, so a table added later cannot be left out of backups.

use redb::{Key, ReadTransaction, ReadableTableMetadata, TableDefinition, Value, WriteTransaction};

use super::{BackupError, db};
use crate::store::redb::schema::{
    ACCOUNT_EMAILS, ACCOUNT_FILES, ACCOUNT_SESSIONS, ACCOUNT_SHARES, ACCOUNTS, ATTEMPTS,
    AUDIT_ACCOUNT_EVENTS, AUDIT_EVENTS, AUDIT_HEADS, BLOB_TRASH, DOWNLOAD_TOKENS, END_LINKS, ENVELOPES,
    EXPIRY, FILE_CHUNKS, FILE_EXPIRY, FILES, META, PENDING, SESSIONS, SHARE_FILES, SHARES, UPLOAD_HOLDERS,
    VAULT, VAULT_USAGE,
};

/// What receives a row's key and value bytes.
pub type RowSink<'a> = &'a mut dyn FnMut(&[u8], &[u8]) -> Result<(), BackupError>;

/// A table whose rows can be read and written as bytes.
pub trait Table {
    /// Its name in the file.
    fn name(&self) -> &str;
    /// Calls `row` with the bytes of each row's key and value, in key order.
    fn each_row(&self, read: &ReadTransaction, row: RowSink<'_>) -> Result<(), BackupError>;
    /// Inserts rows given as bytes (creating the table, even for none).
    fn insert(&self, write: &WriteTransaction, rows: &[(Vec<u8>, Vec<u8>)]) -> Result<(), BackupError>;
    /// How many rows it holds.
    fn rows(&self, read: &ReadTransaction) -> Result<u64, BackupError>;
}

impl<K: Key + 'static, V: Value + 'static> Table for TableDefinition<'static, K, V> {
    fn name(&self) -> &str {
        redb::TableHandle::name(self)
    }

    fn each_row(&self, read: &ReadTransaction, row: RowSink<'_>) -> Result<(), BackupError> {
        let table = read.open_table(*self).map_err(db)?;
        for entry in redb::ReadableTable::iter(&table).map_err(db)? {
            let (key, value) = entry.map_err(db)?;
            row(K::as_bytes(&key.value()).as_ref(), V::as_bytes(&value.value()).as_ref())?;
        }
        Ok(())
    }

    fn insert(&self, write: &WriteTransaction, rows: &[(Vec<u8>, Vec<u8>)]) -> Result<(), BackupError> {
        let mut table = write.open_table(*self).map_err(db)?;
        for (key, value) in rows {
            table.insert(K::from_bytes(key), V::from_bytes(value)).map_err(db)?;
        }
        Ok(())
    }

    fn rows(&self, read: &ReadTransaction) -> Result<u64, BackupError> {
        read.open_table(*self).map_err(db)?.len().map_err(db)
    }
}

/// Every table, in the order a backup streams them.
pub fn all() -> [&'static dyn Table; 25] {
    [
        &META,
        &SHARES,
        &ENVELOPES,
        &EXPIRY,
        &ACCOUNTS,
        &ACCOUNT_EMAILS,
        &ATTEMPTS,
        &PENDING,
        &SESSIONS,
        &ACCOUNT_SESSIONS,
        &END_LINKS,
        &VAULT,
        &VAULT_USAGE,
        &ACCOUNT_SHARES,
        &FILES,
        &FILE_CHUNKS,
        &FILE_EXPIRY,
        &ACCOUNT_FILES,
        &SHARE_FILES,
        &DOWNLOAD_TOKENS,
        &BLOB_TRASH,
        &AUDIT_EVENTS,
        &AUDIT_ACCOUNT_EVENTS,
        &AUDIT_HEADS,
        &UPLOAD_HOLDERS,
    ]
}

/// The table called `name`.
pub fn named(name: &str) -> Option<&'static dyn Table> {
    all().into_iter().find(|table| table.name() == name)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use redb::TableHandle;

    use super::all;
    use crate::store::RedbStore;

    #[test]
    fn the_list_names_every_table_a_new_file_has_and_no_other() {
        let dir = tempfile::tempdir().unwrap();
        let store = RedbStore::open(dir.path()).unwrap();
        let read = store.read().unwrap();
        let in_file: BTreeSet<String> =
            read.list_tables().unwrap().map(|table| table.name().to_owned()).collect();
        let listed: BTreeSet<String> = all().iter().map(|table| table.name().to_owned()).collect();
        assert_eq!(listed, in_file);
        assert_eq!(
            read.list_multimap_tables().unwrap().count(),
            0,
            "a multimap table would need its own copy"
        );
    }
}
