//! The PostgreSQL schema's versions (`backend/migrations/postgres/`), applied in order at
//! start-up and by `coffer-server migrate`.
//!
//! Each version is applied in one transaction with its row in `coffer_migrations`, so a version
//! is either wholly there or not at all. Servers starting together take turns on a
//! transaction-scoped advisory lock; the second finds the work done. A database that holds a
//! version this build does not know (a newer build migrated it), or a version whose text
//! differs from this build's, is refused before anything is changed.

use sha2::{Digest, Sha256};
use tokio_postgres::Client;

use super::pg;
use crate::store::StoreError;

/// A schema version: its number, its name and its SQL.
pub struct Migration {
    /// Applied in increasing order, from 1.
    pub version: i64,
    /// What it does, in a few words.
    pub name: &'static str,
    /// The statements, run in one transaction.
    pub sql: &'static str,
}

/// Every version this build knows, in order.
pub const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "initial",
    sql: include_str!("../../../migrations/postgres/0001_initial.sql"),
}];

/// The advisory lock key the migrating servers take turns on ("coffer-m" in ASCII).
const LOCK: i64 = 0x636f_6666_6572_2d6d;

/// Brings the database up to this build's newest version; returns the versions applied now.
pub async fn migrate(client: &mut Client) -> Result<Vec<i64>, StoreError> {
    let txn = client.transaction().await.map_err(pg)?;
    txn.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK]).await.map_err(pg)?;
    // Quiet: PostgreSQL's notice that the table already exists would be logged at every start.
    txn.batch_execute(
        "SET LOCAL client_min_messages = warning;
         CREATE TABLE IF NOT EXISTS coffer_migrations (
             version bigint PRIMARY KEY,
             name text NOT NULL,
             sha256 bytea NOT NULL,
             applied_at timestamptz NOT NULL DEFAULT now()
         )",
    )
    .await
    .map_err(pg)?;
    let applied =
        txn.query("SELECT version, sha256 FROM coffer_migrations ORDER BY version", &[]).await.map_err(pg)?;
    for row in &applied {
        let (version, sum): (i64, Vec<u8>) = (row.get(0), row.get(1));
        let known = MIGRATIONS
            .iter()
            .find(|migration| migration.version == version)
            .ok_or(StoreError::SchemaVersion { found: version as u64, expected: newest() as u64 })?;
        if sum != digest(known.sql) {
            return Err(StoreError::Database(format!(
                "schema version {version} ({}) in the database differs from this build's",
                known.name
            )));
        }
    }
    let mut done = Vec::new();
    for migration in
        MIGRATIONS.iter().filter(|m| !applied.iter().any(|row| row.get::<_, i64>(0) == m.version))
    {
        txn.batch_execute(migration.sql).await.map_err(pg)?;
        txn.execute(
            "INSERT INTO coffer_migrations (version, name, sha256) VALUES ($1, $2, $3)",
            &[&migration.version, &migration.name, &digest(migration.sql)],
        )
        .await
        .map_err(pg)?;
        tracing::info!(event = "schema_migrated", version = migration.version, name = migration.name);
        done.push(migration.version);
    }
    txn.commit().await.map_err(pg)?;
    Ok(done)
}

/// The newest version this build knows.
fn newest() -> i64 {
    MIGRATIONS.last().map_or(0, |migration| migration.version)
}

fn digest(sql: &str) -> Vec<u8> {
    Sha256::digest(sql.as_bytes()).to_vec()
}
