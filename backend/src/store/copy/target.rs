//! The database copied into: a connection of the command's own (no statement or idle limits:
//! one transaction copies every row), its schema brought up to date, and the refusal of a
//! database that already holds Coffer data.

use std::str::FromStr;
use std::time::Duration;

use tokio_postgres::{Client, NoTls};

use super::{CopyError, pg_error};
use crate::store::DatabaseUrl;
use crate::store::postgres::{MIGRATIONS, migrate};

/// The tables that hold Coffer data, parents before the tables that reference them. Each must
/// be empty before the copy (the rate limiters' `rate_buckets` hold none worth keeping).
pub const TABLES: &[&str] = &[
    "shares",
    "owned_shares",
    "accounts",
    "attempts",
    "pending",
    "sessions",
    "end_links",
    "vault_records",
    "vault_usage",
    "files",
    "file_chunks",
    "share_files",
    "download_tokens",
    "blob_trash",
    "counters",
    "upload_holders",
    "audit_events",
    "audit_account_events",
    "audit_heads",
    "cluster",
];

/// Connects to `url` for the copy.
pub async fn connect(url: &DatabaseUrl) -> Result<Client, CopyError> {
    let mut config = tokio_postgres::Config::from_str(url.expose())
        .map_err(|_| CopyError::Refused(format!("{url}: not a connection URL the driver takes")))?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    config.application_name("coffer-server migrate");
    let (client, connection) = config
        .connect(NoTls)
        .await
        .map_err(|error| CopyError::Refused(format!("cannot connect to {url}: {error}")))?;
    tokio::spawn(connection);
    // One transaction copies everything; it may take long, and waits at most 10 s for a lock.
    client
        .batch_execute(
            "SET statement_timeout = 0; SET idle_in_transaction_session_timeout = 0; SET lock_timeout = '10s'",
        )
        .await
        .map_err(pg_error)?;
    Ok(client)
}

/// Brings the schema up to date and checks that no table holds Coffer data; returns the
/// schema version.
pub async fn prepare(client: &mut Client, url: &DatabaseUrl) -> Result<i64, CopyError> {
    migrate(client).await.map_err(|error| CopyError::Refused(format!("{url}: {error}")))?;
    refuse_data(client, url).await?;
    Ok(MIGRATIONS.last().map_or(0, |migration| migration.version))
}

/// Opens the copy's transaction: locks every table against servers that might start on the
/// database meanwhile, and checks again that none holds data.
pub async fn begin(client: &Client, url: &DatabaseUrl) -> Result<(), CopyError> {
    let locked = format!("BEGIN; LOCK TABLE {} IN ACCESS EXCLUSIVE MODE", TABLES.join(", "));
    client.batch_execute(&locked).await.map_err(pg_error)?;
    if let Err(error) = refuse_data(client, url).await {
        let _ = client.batch_execute("ROLLBACK").await;
        return Err(error);
    }
    Ok(())
}

/// Refuses a database any of whose [`TABLES`] holds a row: a copy never merges into data.
async fn refuse_data(client: &Client, url: &DatabaseUrl) -> Result<(), CopyError> {
    let query: Vec<String> =
        TABLES.iter().map(|table| format!("SELECT '{table}' WHERE EXISTS (SELECT 1 FROM {table})")).collect();
    let rows = client.query(&query.join(" UNION ALL "), &[]).await.map_err(pg_error)?;
    let holding: Vec<&str> = rows.iter().map(|row| row.get(0)).collect();
    match holding.is_empty() {
        true => Ok(()),
        false => Err(CopyError::Refused(format!(
            "{url} already holds Coffer data (in {}): a copy goes only into a database no server has \
             used, and never merges into one",
            holding.join(", ")
        ))),
    }
}
