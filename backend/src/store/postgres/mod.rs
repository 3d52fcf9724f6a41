//! The shared metadata store: PostgreSQL, for several servers at once (`docs/scaling.md`).
//!
//! Every method is one transaction at PostgreSQL's default isolation (read committed). What a
//! method decides from rows it read, it decides on rows it has locked (`SELECT ... FOR UPDATE`),
//! so two servers changing the same share, account or counter take turns, exactly as redb's
//! single writer makes them. A transaction that deadlocks or fails to serialize is run again
//! (`transaction!`). A lost connection or a database that does not answer is
//! [`StoreError::Unavailable`]: the request gets a 503 and the pool connects again.

/// Runs `$body` (an expression of type `Result<T, StoreError>` that uses the transaction
/// `$txn`) in a transaction of `$store` and commits it; runs it again, from the start, when it
/// conflicted with another transaction (a deadlock, a serialization failure), backing off a
/// little more each time. `$body` must not act outside the database. A macro rather than a
/// function taking a closure: a closure over a borrowed transaction would make every handler's
/// future lose `Send`.
macro_rules! transaction {
    ($store:expr, $txn:ident => $body:expr) => {{
        let mut client = $store.client().await?;
        let mut attempt = 0_u64;
        loop {
            attempt += 1;
            let $txn = client.transaction().await.map_err($crate::store::postgres::pg)?;
            let result = async { $body }.await;
            let result = match result {
                Ok(value) => {
                    $txn.commit().await.map(|()| value).map_err($crate::store::postgres::commit_failed)
                }
                Err(error) => Err(error),
            };
            match result {
                Err($crate::store::StoreError::Conflict(_))
                    if attempt < $crate::store::postgres::ATTEMPTS =>
                {
                    tokio::time::sleep(std::time::Duration::from_micros(200 * attempt)).await;
                }
                other => break other,
            }
        }
    }};
}

pub mod cli;
mod migrations;
pub(super) mod rows;
mod url;

pub(super) mod accounts;
pub(super) mod attempts;
pub(super) mod audit;
pub(super) mod audit_view;
mod blob_store;
mod downloads;
mod file_shares;
mod file_sweep;
mod files;
mod notices;
mod owned_shares;
pub(super) mod pending;
mod rate_buckets;
mod reservations;
mod sessions;
mod shares;
mod uploads;
mod vault;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, PoolError, RecyclingMethod, Runtime};
use tokio_postgres::NoTls;
use tokio_postgres::error::SqlState;

pub use audit_view::KEYED_FROM_PREFIX;
pub use migrations::{MIGRATIONS, migrate};
pub use url::DatabaseUrl;

use super::StoreError;

/// Connections one server keeps open unless told otherwise (`--database-pool`).
pub const DEFAULT_POOL_SIZE: usize = 32;
/// How long a request waits for a free connection, and a new connection for the database,
/// before it is answered 503.
const WAIT: Duration = Duration::from_secs(5);
/// Each connection's limits: a lock waited for, a statement, a transaction left idle (the
/// server's own statements take milliseconds; a lock held longer is a server in trouble).
const SESSION_LIMITS: &str =
    "-c lock_timeout=5s -c statement_timeout=30s -c idle_in_transaction_session_timeout=60s";
/// Runs of one transaction that conflicted with another (deadlock, serialization failure).
pub(super) const ATTEMPTS: u64 = 20;

/// A pool of connections to one PostgreSQL database, and the name of this server's chains in
/// the security event log.
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
    server: Arc<str>,
    config: Arc<tokio_postgres::Config>,
    /// Turns through this server's audit chains ([`audit::CHAINS_PER_SERVER`]).
    next_chain: Arc<std::sync::atomic::AtomicUsize>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").field("server", &self.server).field("pool", &self.pool.status()).finish()
    }
}

/// Most rows one sweep statement deletes (or one sweep transaction ends); the sweep goes on
/// with the next batch.
pub(super) const SWEEP_BATCH: i64 = 1000;

impl PgStore {
    /// Runs `delete` (a `DELETE` of at most `$2` rows due at `$1`, which skips rows another
    /// transaction holds: `FOR UPDATE SKIP LOCKED`) until a batch comes back short; returns the
    /// rows deleted. Servers sweeping at once neither wait on each other nor count a row twice.
    pub(super) async fn delete_in_batches(&self, delete: &str, now: u64) -> Result<usize, StoreError> {
        let client = self.client().await?;
        let now = rows::big(now)?;
        let mut removed = 0;
        loop {
            let deleted = client.execute(delete, &[&now, &SWEEP_BATCH]).await.map_err(pg)?;
            removed += usize::try_from(deleted).unwrap_or(usize::MAX);
            if deleted < SWEEP_BATCH.unsigned_abs() {
                return Ok(removed);
            }
        }
    }
}

impl PgStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`), brings the schema up
    /// to date ([`migrate`]) and keeps up to `pool_size` connections. `server` names this
    /// server's security log chain.
    pub async fn connect(url: &str, pool_size: usize, server: &str) -> Result<Self, StoreError> {
        let store = Self::connect_only(url, pool_size, server)?;
        let mut client = store.client().await?;
        migrate(&mut client).await?;
        drop(client);
        Ok(store)
    }

    /// Connects to `url` without touching the schema (the operator's `migrate` runs it).
    pub fn connect_only(url: &str, pool_size: usize, server: &str) -> Result<Self, StoreError> {
        DatabaseUrl::from_str(url)
            .unwrap_or_else(|never| match never {})
            .check()
            .map_err(StoreError::Database)?;
        let mut config = tokio_postgres::Config::from_str(url)
            .map_err(|error| StoreError::Database(format!("--database-url: {error}")))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(WAIT);
        }
        if config.get_application_name().is_none() {
            config.application_name("coffer-server");
        }
        // A server that stalls mid-transaction (paused, cut off) must not hold rows every other
        // server needs for long, nor may one slow statement hold a connection.
        let options = format!("{} {SESSION_LIMITS}", config.get_options().unwrap_or_default());
        config.options(options.trim());
        if config.get_keepalives_idle() == Duration::from_secs(2 * 60 * 60) {
            config.keepalives_idle(Duration::from_secs(30));
        }
        let manager = Manager::from_config(
            config.clone(),
            NoTls,
            ManagerConfig { recycling_method: RecyclingMethod::Fast },
        );
        let pool = Pool::builder(manager)
            .max_size(pool_size.max(1))
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(WAIT))
            .create_timeout(Some(WAIT))
            .build()
            .map_err(|error| StoreError::Database(error.to_string()))?;
        Ok(Self { pool, server: Arc::from(server), config: Arc::new(config), next_chain: Arc::default() })
    }

    /// A connection from the pool.
    pub(super) async fn client(&self) -> Result<Object, StoreError> {
        self.pool.get().await.map_err(|error| match error {
            PoolError::Backend(error) => pg(error),
            other => StoreError::Unavailable(other.to_string()),
        })
    }

    /// Stores `fingerprint` (of the server secret) if no server has yet, and otherwise checks
    /// that it is the one stored: every server of a cluster must hold the same secret, or the
    /// verifiers, code hashes and CSRF tokens one server makes fail on the others.
    pub async fn agree_on_secret(&self, fingerprint: [u8; 32]) -> Result<(), StoreError> {
        let client = self.client().await?;
        let row = client
            .query_one(
                "INSERT INTO cluster (name, value) VALUES ('server_secret_fingerprint', $1)
                 ON CONFLICT (name) DO UPDATE SET value = cluster.value RETURNING value",
                &[&fingerprint.as_slice()],
            )
            .await
            .map_err(pg)?;
        match row.get::<_, &[u8]>(0) == fingerprint.as_slice() {
            true => Ok(()),
            false => Err(StoreError::Database(
                "this server's secret differs from the one the other servers of this database use: \
                 give every server the same --server-secret-file"
                    .into(),
            )),
        }
    }

    /// Warns when this server's clock and the database's differ by more than 2 seconds: code
    /// expiries, throttles and session lifetimes use each server's clock, so servers whose
    /// clocks disagree would let a client that picks the fastest one wait less.
    pub async fn check_clock(&self) -> Result<(), StoreError> {
        let client = self.client().await?;
        let row = client
            .query_one("SELECT extract(epoch FROM clock_timestamp())::float8", &[])
            .await
            .map_err(pg)?;
        let database: f64 = row.get(0);
        let here = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |since| since.as_secs_f64());
        let skew = here - database;
        if skew.abs() > 2.0 {
            tracing::warn!(
                event = "clock_skew",
                seconds = skew,
                "this server's clock and the database's differ: keep them in step (NTP)"
            );
        }
        Ok(())
    }

    /// The next of this server's chains in the security log to append to, in turn:
    /// `<server-id>/<n>`.
    pub(super) fn next_chain(&self) -> String {
        use std::sync::atomic::Ordering;
        let n = self.next_chain.fetch_add(1, Ordering::Relaxed) % audit::CHAINS_PER_SERVER;
        format!("{}/{n}", self.server)
    }
}

/// What a PostgreSQL error means for the request: a conflict to run again, the database out
/// of reach (503), or a failure (500).
pub(super) fn pg(error: tokio_postgres::Error) -> StoreError {
    match error.code() {
        Some(code)
            if *code == SqlState::T_R_SERIALIZATION_FAILURE || *code == SqlState::T_R_DEADLOCK_DETECTED =>
        {
            StoreError::Conflict(error.to_string())
        }
        Some(code) if is_unavailable(code) => StoreError::Unavailable(error.to_string()),
        Some(_) => StoreError::Database(error.to_string()),
        // No SQLSTATE: the connection failed (refused, reset, closed, timed out), or the
        // driver refused something of ours (a value of the wrong type), which is a bug.
        None if error.is_closed() || connection_failed(&error) => StoreError::Unavailable(error.to_string()),
        None => StoreError::Database(error.to_string()),
    }
}

/// A failed `COMMIT`: if the connection went, whether the transaction was committed is not
/// known, so it is not answered as "nothing changed" (503) but as a failure (500).
pub(super) fn commit_failed(error: tokio_postgres::Error) -> StoreError {
    match pg(error) {
        StoreError::Unavailable(detail) => StoreError::Database(format!("commit outcome unknown: {detail}")),
        other => other,
    }
}

/// Whether an I/O error is behind `error`: the network or the server went away.
fn connection_failed(error: &tokio_postgres::Error) -> bool {
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if cause.is::<std::io::Error>() {
            return true;
        }
        source = cause.source();
    }
    false
}

/// Classes 08 (connection exception), 53 (insufficient resources), 57P (operator
/// intervention: shutdown, crash recovery, not yet accepting connections), a lock not had
/// within `lock_timeout` (55P03) and a statement cancelled by `statement_timeout` (57014).
fn is_unavailable(code: &SqlState) -> bool {
    let code = code.code();
    code.starts_with("08")
        || code.starts_with("53")
        || code.starts_with("57P")
        || code == "55P03"
        || code == "57014"
}
