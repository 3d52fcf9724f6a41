//! The security log: redb's one server chain becomes one chain of PostgreSQL's log,
//! [`IMPORTED_CHAIN`], event for event (`docs/audit.md`, "Storage" and "On PostgreSQL").
//!
//! An event's hash covers its record (its `seq`, `prev`, `account_seq`, `account_prev`) and not
//! the name of the chain that holds it, so the records are copied byte for byte under the same
//! `seq`s, and every link and head keeps its hash: nothing is hashed again. Each account's
//! index entries and head now name the imported chain. The servers then append to chains of
//! their own (`<server-id>/<n>`), and an account's chain goes on from its imported head.

use redb::{ReadTransaction, ReadableTable, ReadableTableMetadata};
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use super::rows::Rows;
use super::verify::Counted;
use super::{CopyError, redb_error};
use crate::store::audit::SERVER_CHAIN;
use crate::store::postgres::audit::{ACCOUNT, SERVER};
use crate::store::postgres::rows::big;
use crate::store::redb::schema::{AUDIT_ACCOUNT_EVENTS, AUDIT_EVENTS, AUDIT_HEADS};

/// The name of the chain redb's log becomes. No server appends to it: `--server-id` refuses
/// `imported`, so it ends where the redb file's chain ended.
pub const IMPORTED_CHAIN: &str = "imported/0";

/// Copies the events in `seq` order (the order `audit export` then follows), the account
/// index and the heads.
pub async fn copy(read: &ReadTransaction, client: &Client) -> Result<Vec<Counted>, CopyError> {
    Ok(vec![events(read, client).await?, account_events(read, client).await?, heads(read, client).await?])
}

async fn events(read: &ReadTransaction, client: &Client) -> Result<Counted, CopyError> {
    let table = read.open_table(AUDIT_EVENTS).map_err(redb_error)?;
    let columns = [("server", Type::TEXT), ("seq", Type::INT8), ("record", Type::BYTEA)];
    let mut rows = Rows::start(client, "audit_events", &columns).await?;
    for row in table.iter().map_err(redb_error)? {
        let (seq, record) = row.map_err(redb_error)?;
        rows.row(&[&IMPORTED_CHAIN, &big(seq.value())?, &record.value()]).await?;
    }
    rows.finish(table.len().map_err(redb_error)?).await
}

async fn account_events(read: &ReadTransaction, client: &Client) -> Result<Counted, CopyError> {
    let table = read.open_table(AUDIT_ACCOUNT_EVENTS).map_err(redb_error)?;
    let columns =
        [("account", Type::TEXT), ("account_seq", Type::INT8), ("server", Type::TEXT), ("seq", Type::INT8)];
    let mut rows = Rows::start(client, "audit_account_events", &columns).await?;
    for row in table.iter().map_err(redb_error)? {
        let (key, seq) = row.map_err(redb_error)?;
        let (account, account_seq) = key.value();
        rows.row(&[&account, &big(account_seq)?, &IMPORTED_CHAIN, &big(seq.value())?]).await?;
    }
    rows.finish(table.len().map_err(redb_error)?).await
}

/// redb's server head (`""`) becomes the imported chain's; every account head names the
/// imported chain as the one that holds its last event.
async fn heads(read: &ReadTransaction, client: &Client) -> Result<Counted, CopyError> {
    let table = read.open_table(AUDIT_HEADS).map_err(redb_error)?;
    let columns = [
        ("kind", Type::TEXT),
        ("chain", Type::TEXT),
        ("count", Type::INT8),
        ("last_server", Type::TEXT),
        ("last_seq", Type::INT8),
        ("hash", Type::BYTEA),
    ];
    let mut rows = Rows::start(client, "audit_heads", &columns).await?;
    for row in table.iter().map_err(redb_error)? {
        let (key, head) = row.map_err(redb_error)?;
        let (count, last_seq, hash) = head.value();
        let (kind, chain) = match key.value() {
            SERVER_CHAIN => (SERVER, IMPORTED_CHAIN),
            account => (ACCOUNT, account),
        };
        rows.row(&[&kind, &chain, &big(count)?, &IMPORTED_CHAIN, &big(last_seq)?, &hash.as_slice()]).await?;
    }
    rows.finish(table.len().map_err(redb_error)?).await
}
