//! `coffer-server`: parse the command line; without a subcommand, start logging and serve;
//! `coffer-server audit ...` runs an operator's command over the security event log;
//! `coffer-server migrate` brings a PostgreSQL database's schema up to date, or copies a
//! single-machine installation into it (`--from`);
//! `coffer-server backup --to DIR` copies the running server; `restore --from DIR` puts a
//! copy in place;
//! `coffer-server precompress DIR` writes the compressed copies of the built web app;
//! `coffer-server openapi` prints the API's OpenAPI document (`docs/openapi.json`).

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use coffer_backend::audit::cli::{self, AuditArgs};
use coffer_backend::backup::{self, cli::BackupArgs, cli::RestoreArgs};
use coffer_backend::settings::Settings;
use coffer_backend::startup::Application;
use coffer_backend::store::migrate_cli::{self, MigrateArgs};
use tracing_subscriber::EnvFilter;

/// The command line: the server's settings, or a subcommand.
#[derive(Debug, Parser)]
#[command(
    name = "coffer-server",
    version,
    about = "Coffer: a zero-knowledge secret-sharing server",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(flatten)]
    settings: Settings,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Verify or export the security event log (stop the server first).
    Audit(AuditArgs),
    /// Bring a PostgreSQL database's schema up to this build's version (servers do it too
    /// when they start), or copy a stopped single-machine installation into it (--from).
    Migrate(MigrateArgs),
    /// Copy the running server's database, blobs and secret into a new folder, while it
    /// serves (docs/backup.md).
    Backup(BackupArgs),
    /// Check a backup against its manifest and put it in place of a data folder's (stop the
    /// server first).
    Restore(RestoreArgs),
    /// Write brotli and gzip copies beside the files of a built web app (run at build time).
    Precompress {
        /// The built app's folder (`dist/`).
        dir: std::path::PathBuf,
    },
    /// Print the API's OpenAPI document, as `docs/openapi.json` holds it.
    Openapi,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Audit(args)) => cli::run(args),
        Some(Command::Migrate(args)) => migrate_cli::run(args),
        Some(Command::Backup(args)) => backup::cli::backup(&args),
        Some(Command::Restore(args)) => backup::cli::restore(&args),
        Some(Command::Precompress { dir }) => match coffer_backend::precompress::precompress(&dir) {
            Ok(files) => {
                for file in files {
                    let size = |copy: Option<u64>| copy.map_or("-".to_owned(), |size| size.to_string());
                    eprintln!(
                        "{}: {} bytes, brotli {}, gzip {}",
                        file.path.display(),
                        file.size,
                        size(file.brotli),
                        size(file.gzip)
                    );
                }
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("Error: precompress {}: {error}", dir.display());
                ExitCode::FAILURE
            }
        },
        Some(Command::Openapi) => {
            let written = std::io::stdout().lock().write_all(coffer_backend::openapi::to_json().as_bytes());
            if written.is_ok() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
        None => match serve(cli.settings) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("Error: {error:?}");
                ExitCode::FAILURE
            }
        },
    }
}

/// Whether the text log may colour its lines: only when it goes to a terminal (a service
/// manager's journal or a file would keep the escape codes) and `NO_COLOR` is not set.
fn log_colours() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
}

#[tokio::main]
async fn serve(settings: Settings) -> std::io::Result<()> {
    // First of all: SIGHUP (`systemctl reload`) would otherwise end the process, during start-up
    // or for good without --tls-cert; with it, the certificate watcher reads it as "reload".
    #[cfg(unix)]
    let _hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    if settings.log_json {
        tracing_subscriber::fmt().json().with_env_filter(filter).init();
    } else {
        tracing_subscriber::fmt().with_ansi(log_colours()).with_env_filter(filter).init();
    }
    let app = Application::build(settings).await?;
    tracing::info!(event = "server_started", address = %app.address(), "Coffer is listening on {}://{}", app.scheme(), app.address());
    if let Some(address) = app.metrics_address() {
        tracing::info!(event = "metrics_listening", address = %address, "Prometheus metrics at http://{address}/metrics");
    }
    if let Some(address) = app.redirect_address() {
        tracing::info!(event = "redirect_listening", address = %address, "plain HTTP on {address} redirects to HTTPS");
    }
    app.run_until_stopped().await
}
