//! The `backup` and `restore` subcommands: their arguments and their reports.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;

use super::check::Found;
use super::manifest::Manifest;
use super::{BackupError, restore, take};

/// `coffer-server backup`.
#[derive(Debug, Clone, Args)]
pub struct BackupArgs {
    /// The running server's data folder (its `--data-dir`), which holds its backup socket.
    #[arg(long, env = "COFFER_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// A new or empty folder to write the backup into (it gets mode 0700: it holds the server
    /// secret).
    #[arg(long)]
    pub to: PathBuf,
}

/// `coffer-server restore`.
#[derive(Debug, Clone, Args)]
pub struct RestoreArgs {
    /// A folder `coffer-server backup` wrote.
    #[arg(long)]
    pub from: PathBuf,
    /// The data folder to restore into: new, empty, or one without a database (stop the
    /// server that used it first).
    #[arg(long, env = "COFFER_DATA_DIR")]
    pub data_dir: PathBuf,
}

/// Runs `backup`: exit 0 with the report, 1 when what arrived fails a check, 2 otherwise.
pub fn backup(args: &BackupArgs) -> ExitCode {
    let started = Instant::now();
    report(take::take(&args.data_dir, &args.to), "Backup written to", &args.to, started)
}

/// Runs `restore`: exit 0 with the report, 1 when the backup fails a check, 2 otherwise.
pub fn restore(args: &RestoreArgs) -> ExitCode {
    let started = Instant::now();
    report(restore::restore(&args.from, &args.data_dir), "Restored into", &args.data_dir, started)
}

fn report(
    done: Result<(Manifest, Found), BackupError>,
    what: &str,
    dir: &Path,
    started: Instant,
) -> ExitCode {
    match done {
        Ok((manifest, found)) => {
            let printed = print(&mut std::io::stdout().lock(), &manifest, &found, what, dir, started);
            if printed.is_ok() { ExitCode::SUCCESS } else { ExitCode::from(2) }
        }
        Err(error) => {
            eprintln!("Error: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}

fn print(
    out: &mut impl Write,
    manifest: &Manifest,
    found: &Found,
    what: &str,
    dir: &Path,
    started: Instant,
) -> std::io::Result<()> {
    let rows: u64 = found.tables.values().sum();
    let tables: Vec<String> = found
        .tables
        .iter()
        .filter(|(_, rows)| **rows > 0)
        .map(|(name, rows)| format!("{name} {rows}"))
        .collect();
    let files: u64 = manifest.files.iter().map(|entry| entry.bytes).sum();
    writeln!(out, "{what} {} in {:.1} s.", dir.display(), started.elapsed().as_secs_f64())?;
    writeln!(out, "  taken at:     {} (Unix seconds)", manifest.taken_at)?;
    writeln!(out, "  rows:         {rows} ({})", tables.join(", "))?;
    writeln!(out, "  blobs:        {}", take::describe(&found.blobs))?;
    writeln!(out, "  security log: {} events, verified", found.events)?;
    writeln!(
        out,
        "  files:        {} files, {files} bytes, each checked against manifest.json",
        manifest.files.len()
    )
}
