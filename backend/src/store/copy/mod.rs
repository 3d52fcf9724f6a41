//! `coffer-server migrate --from <data-dir> --to postgres://…`: copies a stopped single-machine
//! installation into an empty PostgreSQL database (and, with `--blobs`, its blobs into an
//! S3-compatible bucket), verifies the copy and prints a report (`docs/scaling.md`, "Moving a
//! single-machine installation").
//!
//! The order is what makes a failure harmless. The source's own security log is verified
//! first ([`source`]); the target's schema is brought up to date and must hold no Coffer data
//! ([`target`]); the blobs are read, checked against their recorded checksums and copied
//! ([`blobs`]) before any row is written, so a committed database never names a missing blob;
//! then every row goes in one transaction ([`tables`], [`audit`]), which is verified
//! ([`verify`]) before it commits. A failure anywhere leaves the database without Coffer data.

mod audit;
mod blobs;
mod file_tables;
mod report;
mod rows;
pub(crate) mod source;
mod tables;
mod target;
mod verify;

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use redb::ReadTransaction;
use tokio_postgres::Client;

use crate::blobs::{BlobStoreUrl, S3Blobs};
use crate::store::{DatabaseUrl, StoreError};
use report::Report;
use source::Source;

pub use audit::IMPORTED_CHAIN;

/// Why the copy did not happen. Messages name the database and the bucket only through their
/// `Display`, which hides passwords and keys.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    /// The source or the target is not one this command copies (a server still running, a
    /// target that already holds data, a broken source log).
    #[error("{0}")]
    Refused(String),
    /// A database failed.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// A blob is missing, short or not what its checksum says, or the bucket failed.
    #[error("{0}")]
    Blob(String),
    /// The copy does not match its source.
    #[error("verification failed: {0}")]
    Mismatch(String),
}

/// A redb error, as the stores report it.
fn redb_error<E: Into<redb::Error>>(error: E) -> CopyError {
    CopyError::Store(StoreError::from(error))
}

/// A PostgreSQL error, as the stores report it.
fn pg_error(error: tokio_postgres::Error) -> CopyError {
    CopyError::Store(super::postgres::pg(error))
}

/// Runs the command: exit 0 with the report on standard output, or 2 with the reason on
/// standard error.
pub fn run(from: &Path, to: &DatabaseUrl, blobs: Option<&BlobStoreUrl>) -> ExitCode {
    let started = Instant::now();
    match copy(from, to, blobs, started) {
        Ok(report) => match report.print(&mut std::io::stdout().lock()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(_) => ExitCode::from(2),
        },
        Err(error) => {
            eprintln!("Error: {error}");
            eprintln!("Nothing was committed: {to} holds no data copied from {}.", from.display());
            ExitCode::from(2)
        }
    }
}

fn copy(
    from: &Path,
    to: &DatabaseUrl,
    blobs: Option<&BlobStoreUrl>,
    started: Instant,
) -> Result<Report, CopyError> {
    to.check().map_err(CopyError::Refused)?;
    let bucket = blobs
        .map(|url| S3Blobs::open(url, blobs::BUFFER_BYTES).map(|store| (url, store)))
        .transpose()
        .map_err(|error| CopyError::Refused(error.replacen("--blob-store", "--blobs", 1)))?;
    let source = Source::open(from)?;
    // The audit view blocks on the runtime from a blocking task; the rest runs in `block_on`.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|error| CopyError::Refused(format!("cannot start: {error}")))?;
    runtime.block_on(copy_into(&source, to, bucket.as_ref().map(|(url, store)| (*url, store)), started))
}

async fn copy_into(
    source: &Source,
    to: &DatabaseUrl,
    bucket: Option<(&BlobStoreUrl, &S3Blobs)>,
    started: Instant,
) -> Result<Report, CopyError> {
    let mut client = target::connect(to).await?;
    let schema = target::prepare(&mut client, to).await?;
    if let Some((url, store)) = bucket {
        store.check().await.map_err(|error| CopyError::Blob(format!("{url}: {error}")))?;
    }
    let read = source.store.read()?;
    let mut written = Vec::new();
    let copied = blobs::copy(&read, &source.dir, bucket.map(|(_, store)| store), &mut written).await;
    let outcome = match copied {
        Ok(blobs) => rows(client, to, &read, source).await.map(|(tables, log)| (blobs, tables, log)),
        Err(error) => Err(error),
    };
    let (blobs, tables, log) = match outcome {
        Ok(done) => done,
        Err(error) => {
            if let Some((url, store)) = bucket {
                blobs::remove(store, &written).await;
                eprintln!("The {} blobs copied to {url} were removed again.", written.len());
            }
            return Err(error);
        }
    };
    Ok(Report {
        from: source.dir.clone(),
        to: to.clone(),
        schema,
        tables,
        blobs,
        bucket: bucket.map(|(url, _)| url.clone()),
        log,
        elapsed: started.elapsed(),
    })
}

/// Copies every row in one transaction, verifies it and commits; on any failure the
/// transaction is rolled back (or dies with the connection).
async fn rows(
    client: Client,
    to: &DatabaseUrl,
    read: &ReadTransaction,
    source: &Source,
) -> Result<(Vec<verify::Counted>, verify::Log), CopyError> {
    target::begin(&client, to).await?;
    let copied = async {
        let keyed_from = source.keyed_from();
        let fingerprint = source.secret.fingerprint();
        let mut counts = tables::copy(read, &client, fingerprint, keyed_from.as_ref()).await?;
        counts.extend(audit::copy(read, &client).await?);
        verify::counts(&client, &counts).await
    }
    .await;
    let tables = match copied {
        Ok(tables) => tables,
        Err(error) => {
            let _ = client.batch_execute("ROLLBACK").await;
            return Err(error);
        }
    };
    let (client, checked) = verify::log(client, source).await?;
    let log = match checked {
        Ok(log) => log,
        Err(error) => {
            let _ = client.batch_execute("ROLLBACK").await;
            return Err(error);
        }
    };
    client.batch_execute("COMMIT").await.map_err(pg_error)?;
    Ok((tables, log))
}
