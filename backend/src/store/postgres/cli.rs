//! `coffer-server migrate`: brings a PostgreSQL database's schema up to this build's version
//! (servers also do it when they start; run it ahead of a rolling upgrade to see it succeed).
//! With `--from`, it then copies a stopped single-machine installation into the database
//! (`crate::store::copy`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::{DEFAULT_POOL_SIZE, DatabaseUrl, MIGRATIONS, PgStore, migrate};
use crate::blobs::BlobStoreUrl;

/// `coffer-server migrate --database-url postgres://...`, or
/// `coffer-server migrate --from DATA_DIR --to postgres://... [--blobs s3://...]`.
#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:
  coffer-server migrate --database-url postgres://coffer@db/coffer
      brings the schema up to date.
  coffer-server migrate --from /var/lib/coffer --to postgres://coffer@db/coffer --blobs s3://bucket?region=…
      copies a stopped single-machine installation (its redb file, server secret and blobs) into an
      empty database and bucket, verifies the copy and prints a report (docs/scaling.md).
Exit status: 0 done, 2 refused or failed (nothing copied is committed).")]
pub struct MigrateArgs {
    /// The database to bring up to date (and, with --from, to copy into; it must hold no Coffer
    /// data). Better given as COFFER_DATABASE_URL: the command line is visible to other users.
    #[arg(long, visible_alias = "to", env = "COFFER_DATABASE_URL", hide_env_values = true)]
    pub database_url: DatabaseUrl,
    /// Copy the installation in this data folder (its `coffer.redb`, `server-secret` and
    /// `blobs/`) into the database. Stop its server first.
    #[arg(long, value_name = "DATA_DIR")]
    pub from: Option<PathBuf>,
    /// With --from: copy the blobs into this S3-compatible bucket (as --blob-store takes it;
    /// keys may come from the AWS_* variables). Without it the blobs stay in `DATA_DIR/blobs`,
    /// for one server on the database.
    #[arg(long, value_name = "S3_URL", requires = "from")]
    pub blobs: Option<BlobStoreUrl>,
}

/// Runs the migrations and prints what was applied, then, with `--from`, copies the
/// installation; exit 0, or 2 when the database could not be reached or refused them (a newer
/// schema, a changed version), or the copy was refused or failed.
pub fn run(args: MigrateArgs) -> ExitCode {
    if let Some(from) = &args.from {
        return crate::store::copy::run(from, &args.database_url, args.blobs.as_ref());
    }
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("Error: {error}");
            return ExitCode::from(2);
        }
    };
    let result = runtime.block_on(async {
        let store = PgStore::connect_only(args.database_url.expose(), DEFAULT_POOL_SIZE.min(2), "migrate")?;
        let mut client = store.client().await?;
        migrate(&mut client).await
    });
    let newest = MIGRATIONS.last().map_or(0, |migration| migration.version);
    match result {
        Ok(applied) if applied.is_empty() => {
            eprintln!("{}: up to date (schema version {newest})", args.database_url);
            ExitCode::SUCCESS
        }
        Ok(applied) => {
            for version in applied {
                let name = MIGRATIONS.iter().find(|m| m.version == version).map_or("", |m| m.name);
                eprintln!("{}: applied version {version} ({name})", args.database_url);
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("Error: {}: {error}", args.database_url);
            ExitCode::from(2)
        }
    }
}
