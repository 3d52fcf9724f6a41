//! `coffer-server audit verify | export`: the operator's commands over the security event log
//! (`docs/audit.md`). They open the database file directly, so the server must be stopped.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::export::export;
use super::verify::{Expect, Failure, head_line, verify};
use super::when::parse_since;
use crate::clock::{Clock, SystemClock};
use crate::store::Store;

/// `coffer-server audit ...`.
#[derive(Debug, Clone, Args)]
pub struct AuditArgs {
    /// Folder holding the database (the server's `--data-dir`).
    #[arg(long, env = "COFFER_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,
    /// What to do.
    #[command(subcommand)]
    pub action: AuditAction,
}

/// The audit commands.
#[derive(Debug, Clone, Subcommand)]
pub enum AuditAction {
    /// Walk the hash chains and report the first broken link (exit 1) or the head (exit 0).
    Verify {
        /// A head recorded earlier, as `SEQ:HASH`: event SEQ must still hash to HASH.
        #[arg(long, value_parser = clap::value_parser!(Expect))]
        expect: Option<Expect>,
    },
    /// Write the events as NDJSON (one JSON object a line) to standard output.
    Export {
        /// Only events at or after this time: YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ (UTC), Unix
        /// seconds, or 30m, 12h, 7d before now.
        #[arg(long)]
        since: Option<String>,
    },
}

/// Exit status for a database that cannot be opened or read.
const TROUBLE: u8 = 2;

/// Runs an audit command; prints its answer and returns the exit status.
pub fn run(args: AuditArgs) -> ExitCode {
    let store = match Store::open_existing(&args.data_dir) {
        Ok(store) => store,
        Err(error) => {
            eprintln!("cannot open the database in {}: {error}", args.data_dir.display());
            if args.data_dir.join("coffer.redb").is_file() {
                eprintln!("(the server must be stopped: it locks the database file while it runs)");
            }
            return ExitCode::from(TROUBLE);
        }
    };
    match args.action {
        AuditAction::Verify { expect } => run_verify(&store, expect),
        AuditAction::Export { since } => run_export(&store, since.as_deref()),
    }
}

fn run_verify(store: &Store, expect: Option<Expect>) -> ExitCode {
    let mut out = std::io::stdout().lock();
    let printed = match verify(store, expect) {
        Ok(report) => {
            let checked = match expect {
                Some(expect) => format!(", event {} matches --expect", expect.seq),
                None => String::new(),
            };
            writeln!(out, "audit log OK: {} events, {} accounts{checked}", report.events, report.accounts)
                .and_then(|()| writeln!(out, "{}", head_line(&report.head)))
                .and_then(|()| {
                    writeln!(
                        out,
                        "Record this head where the server cannot write; `audit verify --expect SEQ:HASH` \
                         checks it later."
                    )
                })
                .map(|()| ExitCode::SUCCESS)
        }
        Err(Failure::Broken(found)) => writeln!(out, "{found}").map(|()| ExitCode::FAILURE),
        Err(Failure::Store(error)) => {
            eprintln!("cannot read the log: {error}");
            return ExitCode::from(TROUBLE);
        }
    };
    printed.unwrap_or(ExitCode::from(TROUBLE))
}

fn run_export(store: &Store, since: Option<&str>) -> ExitCode {
    let since = match since.map(|text| parse_since(text, SystemClock.now())).transpose() {
        Ok(since) => since,
        Err(error) => {
            eprintln!("--since: {error}");
            return ExitCode::from(TROUBLE);
        }
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match export(store, since, &mut out).and_then(|written| Ok(out.flush().map(|()| written)?)) {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("export stopped: {error}");
            ExitCode::FAILURE
        }
    }
}
