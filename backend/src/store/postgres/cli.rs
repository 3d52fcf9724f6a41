//! `coffer-server migrate`: brings a PostgreSQL database's schema up to this build's version
//! (servers also do it when they start; run it ahead of a rolling upgrade to see it succeed).

use std::process::ExitCode;

use clap::Args;

use super::{DEFAULT_POOL_SIZE, DatabaseUrl, MIGRATIONS, PgStore, migrate};

/// `coffer-server migrate --database-url postgres://...`.
#[derive(Debug, Clone, Args)]
pub struct MigrateArgs {
    /// The database to bring up to date.
    #[arg(long, env = "COFFER_DATABASE_URL", hide_env_values = true)]
    pub database_url: DatabaseUrl,
}

/// Runs the migrations and prints what was applied; exit 0, or 2 when the database could not
/// be reached or refused them (a newer schema, a changed version).
pub fn run(args: MigrateArgs) -> ExitCode {
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
