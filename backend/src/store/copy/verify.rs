//! Checks of the copy inside its transaction, before the commit: every table holds as many
//! rows as its redb counterpart, and the security log passes the walk `audit verify` makes
//! (`crate::audit::verify`), over what the transaction wrote, with the same events, accounts
//! and head as the source's log.

use coffer_shared::crypto::audit_chain::ChainKey;
use tokio::runtime::Handle;
use tokio_postgres::Client;

use super::audit::IMPORTED_CHAIN;
use super::source::Source;
use super::{CopyError, pg_error};
use crate::audit::verify::{Checks, Failure, verify_view};
use crate::store::chain::Head;
use crate::store::postgres::audit_view::PgAuditView;

/// One table's rows on each side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    /// The PostgreSQL table.
    pub table: &'static str,
    /// Rows of its counterpart in the redb file.
    pub source: u64,
    /// Rows it holds.
    pub target: u64,
}

/// The copied log, as verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Log {
    /// Events.
    pub events: u64,
    /// Accounts with a chain.
    pub accounts: usize,
    /// The imported chain's head (none for an empty log).
    pub head: Option<Head>,
}

/// Counts each table's rows in the transaction; any count that differs from its source's is a
/// mismatch.
pub async fn counts(client: &Client, copied: &[Counted]) -> Result<Vec<Counted>, CopyError> {
    let mut counted = Vec::with_capacity(copied.len());
    for table in copied {
        let row = client
            .query_one(&format!("SELECT count(*) FROM {}", table.table), &[])
            .await
            .map_err(pg_error)?;
        let target = u64::try_from(row.get::<_, i64>(0)).unwrap_or_default();
        if target != table.source {
            return Err(CopyError::Mismatch(format!(
                "{} holds {target} rows, its source {}",
                table.table, table.source
            )));
        }
        counted.push(Counted { target, ..table.clone() });
    }
    Ok(counted)
}

/// Verifies the log the transaction on `client` wrote, and compares it with the source's.
/// Hands the connection back (unless the verifying thread died with it), its transaction open.
pub async fn log(client: Client, source: &Source) -> Result<(Client, Result<Log, CopyError>), CopyError> {
    let handle = Handle::current();
    let key = ChainKey::derive(source.secret.key());
    let keyed_from = source.keyed_from();
    let job = tokio::task::spawn_blocking(move || {
        let view = PgAuditView::within(client, handle);
        // As `audit verify` will check it: keyed events only, but for an unkeyed start of the
        // imported chain.
        let keyed_from_chains = keyed_from.into_iter().collect();
        let checks = Checks { key: &key, keyed_from: Some(1), keyed_from_chains, anchors: Vec::new() };
        let found = verify_view(&view, &checks);
        (view.into_client(), found)
    });
    let (client, found) =
        job.await.map_err(|error| CopyError::Mismatch(format!("verifying the log stopped: {error}")))?;
    let report = match found {
        Ok(report) => report,
        Err(Failure::Broken(found)) => {
            return Ok((client, Err(CopyError::Mismatch(format!("the copied security log: {found}")))));
        }
        Err(Failure::Store(error)) => return Ok((client, Err(error.into()))),
    };
    let expected = match source.log.events {
        0 => Vec::new(),
        _ => vec![(IMPORTED_CHAIN.to_owned(), source.log.head)],
    };
    let same = report.events == source.log.events
        && report.accounts == source.log.accounts
        && report.chains == expected;
    let log = Log {
        events: report.events,
        accounts: report.accounts,
        head: report.chains.first().map(|(_, head)| *head),
    };
    match same {
        true => Ok((client, Ok(log))),
        false => Ok((
            client,
            Err(CopyError::Mismatch(format!(
                "the copied security log holds {} events of {} accounts in {:?}; the source {} of {} ending at {:?}",
                report.events,
                report.accounts,
                report.chains,
                source.log.events,
                source.log.accounts,
                source.log.head
            ))),
        )),
    }
}
