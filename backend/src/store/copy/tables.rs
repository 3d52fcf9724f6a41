//! Shares, accounts, sessions and the vault, table by table, from redb's tables into
//! PostgreSQL's (`backend/migrations/postgres/0001_initial.sql` beside `redb/schema.rs`).
//! Records keep their bytes; what PostgreSQL keeps as columns is read from them by the rules its
//! backend writes them with (`digest_from`, `idle_at`, a session's times). redb's indexes
//! (expiries, e-mail addresses, an account's sessions, shares and files) are PostgreSQL's
//! columns and indexes, not tables of their own. Parents go before the rows that reference them.

use redb::{ReadTransaction, ReadableTable, ReadableTableMetadata};
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use super::rows::Rows;
use super::verify::Counted;
use super::{CopyError, file_tables, redb_error};
use crate::audit::record::hex;
use crate::audit::verify::KeyedFrom;
use crate::auth::attempts::Attempts;
use crate::store::postgres::KEYED_FROM_PREFIX;
use crate::store::postgres::accounts::digest_from;
use crate::store::postgres::attempts::idle_at;
use crate::store::postgres::pending::expires_at;
use crate::store::postgres::rows::{big, int};
use crate::store::redb::schema::{
    ACCOUNT_SHARES, ACCOUNTS, ATTEMPTS, END_LINKS, ENVELOPES, PENDING, SESSIONS, SHARES, VAULT, VAULT_USAGE,
};
use crate::store::redb::share_record::{Envelope, ShareRecord};
use crate::store::{Account, Pending, SessionRecord, StoreError, from_json};

/// Copies every table but the security log's, records `fingerprint` (the server secret's) as
/// the one the servers must agree on, and, for a log begun unkeyed, the record of the imported
/// chain's first keyed event with the server's tag (`keyed_from`).
pub async fn copy(
    read: &ReadTransaction,
    client: &Client,
    fingerprint: [u8; 32],
    keyed_from: Option<&KeyedFrom>,
) -> Result<Vec<Counted>, CopyError> {
    let mut counts = vec![
        shares(read, client).await?,
        owned_shares(read, client).await?,
        accounts(read, client).await?,
        attempts(read, client).await?,
        pending(read, client).await?,
        sessions(read, client).await?,
        end_links(read, client).await?,
        vault_records(read, client).await?,
        vault_usage(read, client).await?,
    ];
    counts.extend(file_tables::copy(read, client).await?);
    client
        .execute(
            "INSERT INTO cluster (name, value) VALUES ('server_secret_fingerprint', $1)",
            &[&fingerprint.as_slice()],
        )
        .await
        .map_err(super::pg_error)?;
    if let Some(record) = keyed_from {
        let name = format!("{KEYED_FROM_PREFIX}{}", record.chain);
        let value = format!("{}:{}", record.seq, hex(&record.tag));
        client
            .execute("INSERT INTO cluster (name, value) VALUES ($1, $2)", &[&name, &value.as_bytes()])
            .await
            .map_err(super::pg_error)?;
    }
    counts.push(Counted { table: "cluster", source: 1 + u64::from(keyed_from.is_some()), target: 0 });
    Ok(counts)
}

async fn shares(read: &ReadTransaction, client: &Client) -> Result<Counted, CopyError> {
    let table = read.open_table(SHARES).map_err(redb_error)?;
    let apart = read.open_table(ENVELOPES).map_err(redb_error)?;
    let mut rows = Rows::start(
        client,
        "shares",
        &[
            ("id", Type::TEXT),
            ("header", Type::BYTEA),
            ("envelope", Type::BYTEA),
            ("access_hash", Type::BYTEA),
            ("status_hash", Type::BYTEA),
            ("manage_hash", Type::BYTEA),
            ("created_at", Type::INT8),
            ("expires_at", Type::INT8),
            ("max_views", Type::INT4),
            ("views_used", Type::INT4),
            ("max_wrong_claims", Type::INT4),
            ("wrong_claims", Type::INT4),
            ("owner", Type::TEXT),
            ("read_receipt", Type::BOOL),
        ],
    )
    .await?;
    for row in table.iter().map_err(redb_error)? {
        let (id, bytes) = row.map_err(redb_error)?;
        let id = id.value();
        let share = ShareRecord::decode(bytes.value())?;
        let envelope = match &share.envelope {
            Envelope::Inline(bytes) => bytes.clone(),
            Envelope::Apart => apart
                .get(id)
                .map_err(redb_error)?
                .ok_or_else(|| StoreError::Corrupt(format!("share {id}'s envelope is missing")))?
                .value()
                .to_vec(),
        };
        let owner = share.owner.as_ref().map(|owner| owner.as_str());
        rows.row(&[
            &id,
            &share.header,
            &envelope,
            &share.access_hash.as_slice(),
            &share.status_hash.as_slice(),
            &share.manage_hash.as_slice(),
            &big(share.created_at)?,
            &big(share.expires_at)?,
            &int(share.max_views)?,
            &int(share.views_used)?,
            &int(share.max_wrong_claims)?,
            &int(share.wrong_claims)?,
            &owner,
            &share.read_receipt,
        ])
        .await?;
    }
    rows.finish(table.len().map_err(redb_error)?).await
}

async fn owned_shares(read: &ReadTransaction, client: &Client) -> Result<Counted, CopyError> {
    let table = read.open_table(ACCOUNT_SHARES).map_err(redb_error)?;
    let columns = [("owner", Type::TEXT), ("share", Type::TEXT), ("summary", Type::BYTEA)];
    let mut rows = Rows::start(client, "owned_shares", &columns).await?;
    for row in table.iter().map_err(redb_error)? {
        let (key, summary) = row.map_err(redb_error)?;
        let (owner, share) = key.value();
        rows.row(&[&owner, &share, &summary.value()]).await?;
    }
    rows.finish(table.len().map_err(redb_error)?).await
}

async fn accounts(read: &ReadTransaction, client: &Client) -> Result<Counted, CopyError> {
    let table = read.open_table(ACCOUNTS).map_err(redb_error)?;
    let columns =
        [("id", Type::TEXT), ("email", Type::TEXT), ("record", Type::BYTEA), ("digest_from", Type::INT8)];
    let mut rows = Rows::start(client, "accounts", &columns).await?;
    for row in table.iter().map_err(redb_error)? {
        let (id, record) = row.map_err(redb_error)?;
        let account: Account = from_json(record.value())?;
        rows.row(&[&id.value(), &account.email, &record.value(), &digest_from(&account)?]).await?;
    }
    rows.finish(table.len().map_err(redb_error)?).await
}

async fn attempts(read: &ReadTransaction, client: &Client) -> Result<Counted, CopyError> {
    let table = read.open_table(ATTEMPTS).map_err(redb_error)?;
    let columns = [("purpose", Type::TEXT), ("state", Type::BYTEA), ("idle_at", Type::INT8)];
    let mut rows = Rows::start(client, "attempts", &columns).await?;
    for row in table.iter().map_err(redb_error)? {
        let (purpose, state) = row.map_err(redb_error)?;
        let attempts: Attempts = from_json(state.value())?;
        rows.row(&[&purpose.value(), &state.value(), &big(idle_at(&attempts))?]).await?;
    }
    rows.finish(table.len().map_err(redb_error)?).await
}

async fn pending(read: &ReadTransaction, client: &Client) -> Result<Counted, CopyError> {
    let table = read.open_table(PENDING).map_err(redb_error)?;
    let columns = [("hash", Type::BYTEA), ("expires_at", Type::INT8), ("record", Type::BYTEA)];
    let mut rows = Rows::start(client, "pending", &columns).await?;
    for row in table.iter().map_err(redb_error)? {
        let (hash, record) = row.map_err(redb_error)?;
        let pending: Pending = from_json(record.value())?;
        rows.row(&[&hash.value(), &big(expires_at(&pending))?, &record.value()]).await?;
    }
    rows.finish(table.len().map_err(redb_error)?).await
}

async fn sessions(read: &ReadTransaction, client: &Client) -> Result<Counted, CopyError> {
    let table = read.open_table(SESSIONS).map_err(redb_error)?;
    let columns = [
        ("token_hash", Type::BYTEA),
        ("account", Type::TEXT),
        ("session_id", Type::TEXT),
        ("record", Type::BYTEA),
        ("created_at", Type::INT8),
        ("last_seen_at", Type::INT8),
    ];
    let mut rows = Rows::start(client, "sessions", &columns).await?;
    for row in table.iter().map_err(redb_error)? {
        let (hash, record) = row.map_err(redb_error)?;
        let session: SessionRecord = from_json(record.value())?;
        rows.row(&[
            &hash.value(),
            &session.account_id.as_str(),
            &session.session_id,
            &record.value(),
            &big(session.created_at)?,
            &big(session.last_seen_at)?,
        ])
        .await?;
    }
    rows.finish(table.len().map_err(redb_error)?).await
}

/// After [`sessions`]: each link references its session.
async fn end_links(read: &ReadTransaction, client: &Client) -> Result<Counted, CopyError> {
    let table = read.open_table(END_LINKS).map_err(redb_error)?;
    let columns = [("link_hash", Type::BYTEA), ("token_hash", Type::BYTEA)];
    let mut rows = Rows::start(client, "end_links", &columns).await?;
    for row in table.iter().map_err(redb_error)? {
        let (link, session) = row.map_err(redb_error)?;
        rows.row(&[&link.value(), &session.value()]).await?;
    }
    rows.finish(table.len().map_err(redb_error)?).await
}

async fn vault_records(read: &ReadTransaction, client: &Client) -> Result<Counted, CopyError> {
    let table = read.open_table(VAULT).map_err(redb_error)?;
    let columns = [
        ("account", Type::TEXT),
        ("id", Type::TEXT),
        ("revision", Type::INT8),
        ("created_at", Type::INT8),
        ("updated_at", Type::INT8),
        ("envelope", Type::BYTEA),
    ];
    let mut rows = Rows::start(client, "vault_records", &columns).await?;
    for row in table.iter().map_err(redb_error)? {
        let (key, value) = row.map_err(redb_error)?;
        let (account, id) = key.value();
        let (revision, created_at, updated_at, envelope) = value.value();
        rows.row(&[&account, &id, &big(revision)?, &big(created_at)?, &big(updated_at)?, &envelope]).await?;
    }
    rows.finish(table.len().map_err(redb_error)?).await
}

async fn vault_usage(read: &ReadTransaction, client: &Client) -> Result<Counted, CopyError> {
    let table = read.open_table(VAULT_USAGE).map_err(redb_error)?;
    let columns =
        [("account", Type::TEXT), ("records", Type::INT8), ("bytes", Type::INT8), ("version", Type::INT8)];
    let mut rows = Rows::start(client, "vault_usage", &columns).await?;
    for row in table.iter().map_err(redb_error)? {
        let (account, usage) = row.map_err(redb_error)?;
        let (records, bytes, version) = usage.value();
        rows.row(&[&account.value(), &big(records)?, &big(bytes)?, &big(version)?]).await?;
    }
    rows.finish(table.len().map_err(redb_error)?).await
}
