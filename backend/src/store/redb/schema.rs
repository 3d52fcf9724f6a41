//! The tables, as constants in one place, and the schema version checked at start-up.

use redb::{Database, ReadableTable, TableDefinition};

use super::StoreError;

/// Bumped whenever a table's layout changes: a file of a newer version is refused at start-up,
/// and one of an older version is upgraded in place ([`initialise`]), after which older builds
/// refuse it.
///
/// Adding a table is not such a change: [`initialise`] creates missing tables in an existing
/// file, and older builds never open them. So the account tables, added after version 1 shipped,
/// kept the version at 1, and so did the security event log's tables.
///
/// Version 2: a share's envelope lives in its record ([`SHARES`], binary) when it is small,
/// instead of always in [`ENVELOPES`]; [`super::schema_v1`] moves a version 1 file's small
/// envelopes there.
pub const SCHEMA_VERSION: u64 = 2;

/// `"schema_version"` -> [`SCHEMA_VERSION`].
pub const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
/// Share id -> the share's record (`share_record.rs`, binary): token hashes, limits, counters,
/// then the envelope when it is small.
pub const SHARES: TableDefinition<&str, &[u8]> = TableDefinition::new("shares");
/// Share id -> the envelope of a share whose envelope is too large to keep in its record
/// (`share_record::INLINE_MAX`): counting a view rewrites the record, never this.
pub const ENVELOPES: TableDefinition<&str, &[u8]> = TableDefinition::new("envelopes");
/// (expires_at, share id) -> (): the sweeper's index, oldest first.
pub const EXPIRY: TableDefinition<(u64, &str), ()> = TableDefinition::new("share_expiry");
/// Account id -> the account's record (`AccountRecord`, JSON): address, KDF inputs, verifier,
/// wrapped keys, public key, authenticator.
pub const ACCOUNTS: TableDefinition<&str, &[u8]> = TableDefinition::new("accounts");
/// `normalize(email)` -> account id.
pub const ACCOUNT_EMAILS: TableDefinition<&str, &str> = TableDefinition::new("account_emails");
/// Purpose (`signup:<email>`, `signin:<account id>`, `passphrase:<account id>`) -> `Attempts`
/// (JSON): the live code's keyed hash, wrong tries, throttle.
pub const ATTEMPTS: TableDefinition<&str, &[u8]> = TableDefinition::new("attempts");
/// SHA-256 of a sign-up or sign-in token -> `Pending` (JSON).
pub const PENDING: TableDefinition<&[u8], &[u8]> = TableDefinition::new("pending");
/// SHA-256 of a session token -> `SessionRecord` (JSON).
pub const SESSIONS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("sessions");
/// (account id, session id) -> SHA-256 of the session token: an account's sessions.
pub const ACCOUNT_SESSIONS: TableDefinition<(&str, &str), &[u8]> = TableDefinition::new("account_sessions");
/// SHA-256 of an "end this session" link token -> SHA-256 of the session token.
pub const END_LINKS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("end_links");
/// A stored record: (revision, created_at, updated_at, envelope).
pub type RecordValue<'a> = (u64, u64, u64, &'a [u8]);
/// (account id, record id) -> [`RecordValue`].
pub const VAULT: TableDefinition<(&str, &str), RecordValue> = TableDefinition::new("vault");
/// A vault's running totals: (records, envelope bytes, version). Written in the transaction of
/// every create, edit and delete, so the limits are checked without summing the vault.
pub type UsageValue = (u64, u64, u64);
/// Account id -> [`UsageValue`]. Kept when the vault empties (its version must never repeat);
/// removed with the account. Built from [`VAULT`] when a file from before it is opened.
pub const VAULT_USAGE: TableDefinition<&str, UsageValue> = TableDefinition::new("vault_usage");
/// (account id, share id) -> `OwnedShare` (JSON): what "My shares" shows, kept after the share
/// itself is gone so its end can be told.
pub const ACCOUNT_SHARES: TableDefinition<(&str, &str), &[u8]> = TableDefinition::new("account_shares");
/// File id -> `FileRecord` (JSON): sizes, upload token hash, state, owner, share, metadata.
pub const FILES: TableDefinition<&str, &[u8]> = TableDefinition::new("files");
/// (file id, chunk index) -> SHA-256 of the chunk: the chunks held, each synced to disk.
pub const FILE_CHUNKS: TableDefinition<(&str, u64), &[u8]> = TableDefinition::new("file_chunks");
/// (expires_at, file id) -> (): uploads not yet attached, for the sweeper, oldest first.
pub const FILE_EXPIRY: TableDefinition<(u64, &str), ()> = TableDefinition::new("file_expiry");
/// (account id, file id) -> (): an account's vault uploads and attachments.
pub const ACCOUNT_FILES: TableDefinition<(&str, &str), ()> = TableDefinition::new("account_files");
/// Share id -> `ShareFiles` (JSON): a share's files, kept past the share's end until the last
/// download token expires.
pub const SHARE_FILES: TableDefinition<&str, &[u8]> = TableDefinition::new("share_files");
/// SHA-256 of a download token -> (share id, expires_at).
pub const DOWNLOAD_TOKENS: TableDefinition<&[u8], (&str, u64)> = TableDefinition::new("download_tokens");
/// File id -> (): files deleted from the database whose blob is still to be removed. Written
/// in the deleting transaction, so a crash before the blob goes only delays its removal.
pub const BLOB_TRASH: TableDefinition<&str, ()> = TableDefinition::new("blob_trash");
/// `seq` -> the stored record of a security event (`docs/audit.md`, "Storage"): the server's
/// chain, in order.
pub const AUDIT_EVENTS: TableDefinition<u64, &[u8]> = TableDefinition::new("audit_events");
/// (account id, `account_seq`) -> `seq`: an account's chain, in order.
pub const AUDIT_ACCOUNT_EVENTS: TableDefinition<(&str, u64), u64> =
    TableDefinition::new("audit_account_events");
/// `""` (the server's chain) or an account id -> (count, `seq` of the last event, its hash).
pub const AUDIT_HEADS: TableDefinition<&str, (u64, u64, [u8; 32])> = TableDefinition::new("audit_heads");
/// The [`META`] key of the ciphertext bytes reserved by uploads and held by files (the quota).
pub const STORED_BYTES: &str = "stored_bytes";
/// The [`META`] key of the ciphertext bytes unfinished uploads announced and have not written
/// yet: what the disk must still take, beside the free-space floor.
pub const RESERVED_BYTES: &str = "reserved_bytes";
/// Holder (`ip:<client network>` or `account:<account id>`) -> the charged bytes of its
/// unfinished uploads: what the per-client reservation cap counts.
pub const UPLOAD_HOLDERS: TableDefinition<&str, u64> = TableDefinition::new("upload_holders");
/// The [`META`] key of the charged bytes of every file a client network started, until it is
/// deleted.
pub const ANONYMOUS_HELD: &str = "anonymous_held";
/// The [`META`] key of the ciphertext bytes of those files: what of the disk they took or
/// reserved.
pub const ANONYMOUS_CIPHERTEXT: &str = "anonymous_ciphertext";
/// The prefix of a holder that is a client network (a client not signed in).
pub const NETWORK_HOLDER: &str = "ip:";

/// Checks, reading only, that the file has this build's schema version.
pub fn check_version(db: &Database) -> Result<(), StoreError> {
    let txn = db.begin_read()?;
    let found = txn.open_table(META)?.get("schema_version")?.map(|value| value.value());
    match found {
        Some(SCHEMA_VERSION) => Ok(()),
        Some(found) => Err(StoreError::SchemaVersion { found, expected: SCHEMA_VERSION }),
        None => Err(StoreError::Corrupt("no schema version".into())),
    }
}

/// Creates the tables and the version entry in a new file; upgrades a file of an older version,
/// checks the version of any other and creates any table it lacks (tables are only ever added
/// within a version). All in one transaction: a crash leaves the file as it was.
pub fn initialise(db: &Database) -> Result<(), StoreError> {
    let txn = db.begin_write()?;
    {
        let mut meta = txn.open_table(META)?;
        let found = meta.get("schema_version")?.map(|value| value.value());
        match found {
            None => {
                meta.insert("schema_version", SCHEMA_VERSION)?;
            }
            Some(1) => {
                super::schema_v1::upgrade(&txn)?;
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
        txn.open_table(ACCOUNT_EMAILS)?;
        txn.open_table(ATTEMPTS)?;
        txn.open_table(PENDING)?;
        txn.open_table(SESSIONS)?;
        txn.open_table(ACCOUNT_SESSIONS)?;
        txn.open_table(END_LINKS)?;
        txn.open_table(VAULT)?;
        super::vault_usage::build_usage_if_missing(&txn)?;
        txn.open_table(ACCOUNT_SHARES)?;
        txn.open_table(FILES)?;
        txn.open_table(FILE_CHUNKS)?;
        txn.open_table(FILE_EXPIRY)?;
        txn.open_table(ACCOUNT_FILES)?;
        txn.open_table(SHARE_FILES)?;
        txn.open_table(DOWNLOAD_TOKENS)?;
        txn.open_table(BLOB_TRASH)?;
        txn.open_table(AUDIT_EVENTS)?;
        txn.open_table(AUDIT_ACCOUNT_EVENTS)?;
        txn.open_table(AUDIT_HEADS)?;
        txn.open_table(UPLOAD_HOLDERS)?;
    }
    super::reservations::recount_if_counted_otherwise(&txn)?;
    txn.commit()?;
    Ok(())
}
