//! `coffer-server audit verify | export`: the operator's commands over the security event log
//! (`docs/audit.md`). They open the database file directly, so the server must be stopped; they
//! read `server-secret` from the same folder for the keyed hashes, and never create it. With
//! `--database-url` they read a PostgreSQL database instead, while the servers run (in one
//! repeatable-read snapshot), and the secret from `--server-secret-file`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use coffer_shared::crypto::audit_chain::ChainKey;

use super::export::export;
use super::keyed;
use super::log_head::last_head;
use super::verify::{Checks, Expect, Failure, Report, Source, head_line, verify};
use super::when::parse_since;
use crate::clock::{Clock, SystemClock};
use crate::secret::{self, ServerSecret};
use crate::store::{DatabaseUrl, PgStore, Store};

/// `coffer-server audit ...`.
#[derive(Debug, Clone, Args)]
pub struct AuditArgs {
    /// Folder holding the database (the server's `--data-dir`), its `server-secret` and its
    /// `audit-keyed-from`.
    #[arg(long, env = "COFFER_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,
    /// The PostgreSQL database of a cluster, instead of the data folder's file.
    #[arg(long, env = "COFFER_DATABASE_URL", hide_env_values = true, global = true)]
    pub database_url: Option<DatabaseUrl>,
    /// The server secret file the cluster's servers are given (default:
    /// `<data-dir>/server-secret`).
    #[arg(long, env = "COFFER_SERVER_SECRET_FILE", global = true)]
    pub server_secret_file: Option<PathBuf>,
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
        /// A log file of the server (text or JSON): the last head it saw (its highest
        /// `chain=SEQ:HASH`) must be in the database with that hash. Repeatable.
        #[arg(long = "log", value_name = "FILE")]
        logs: Vec<PathBuf>,
    },
    /// Write the events as NDJSON (one JSON object a line) to standard output.
    Export {
        /// Only events at or after this time: YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ (UTC), Unix
        /// seconds, or 30m, 12h, 7d before now.
        #[arg(long)]
        since: Option<String>,
    },
}

/// Exit status for a database, a secret or a log that cannot be opened or read.
const TROUBLE: u8 = 2;

/// Runs an audit command; prints its answer and returns the exit status.
pub fn run(args: AuditArgs) -> ExitCode {
    let secret_path =
        args.server_secret_file.clone().unwrap_or_else(|| args.data_dir.join(secret::FILE_NAME));
    let key = match ServerSecret::load_existing(&secret_path) {
        Ok(secret) => ChainKey::derive(secret.key()),
        Err(error) => {
            eprintln!("cannot read the server secret (the chain's hashes are keyed with it): {error}");
            return ExitCode::from(TROUBLE);
        }
    };
    let Some(url) = args.database_url.clone() else {
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
        return act(&store, &key, &args);
    };
    // The PostgreSQL view blocks on a runtime: the command runs on a blocking thread of one.
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cannot start: {error}");
            return ExitCode::from(TROUBLE);
        }
    };
    let store = match PgStore::connect_only(url.expose(), 1, "audit") {
        Ok(store) => Store::Postgres(store),
        Err(error) => {
            eprintln!("cannot open the database {url}: {error}");
            return ExitCode::from(TROUBLE);
        }
    };
    let job = runtime.spawn_blocking(move || act(&store, &key, &args));
    runtime.block_on(job).unwrap_or(ExitCode::from(TROUBLE))
}

fn act(store: &Store, key: &ChainKey, args: &AuditArgs) -> ExitCode {
    match &args.action {
        AuditAction::Verify { expect, logs } => {
            // A PostgreSQL database holds keyed events only, but for a chain moved from a redb
            // file whose log began unkeyed.
            let (keyed_from, keyed_from_chains) = match store {
                Store::Postgres(shared) => {
                    match tokio::runtime::Handle::current().block_on(shared.keyed_from_chains()) {
                        Ok(chains) => (Ok(Some(1)), chains),
                        Err(error) => {
                            eprintln!("cannot read where the chains were keyed: {error}");
                            return ExitCode::from(TROUBLE);
                        }
                    }
                }
                Store::Redb(_) => (keyed::read(&args.data_dir.join(keyed::FILE_NAME)), Vec::new()),
            };
            run_verify(store, key, keyed_from, keyed_from_chains, *expect, logs)
        }
        AuditAction::Export { since } => run_export(store, key, since.as_deref()),
    }
}

/// The heads from outside: `--expect`, and the last head of each `--log`.
fn anchors(expect: Option<Expect>, logs: &[PathBuf]) -> Result<Vec<Expect>, String> {
    let mut anchors: Vec<Expect> = expect.into_iter().collect();
    for log in logs {
        let file = std::fs::File::open(log).map_err(|error| format!("{}: {error}", log.display()))?;
        match last_head(std::io::BufReader::new(file)) {
            Ok(Some(head)) => anchors.push(head),
            Ok(None) => {
                return Err(format!("{}: no head of the chain (no `chain=` of an event)", log.display()));
            }
            Err(error) => return Err(format!("{}: {error}", log.display())),
        }
    }
    Ok(anchors)
}

fn run_verify(
    store: &Store,
    key: &ChainKey,
    keyed_from: Result<Option<u64>, keyed::KeyedFromError>,
    keyed_from_chains: Vec<crate::audit::verify::KeyedFrom>,
    expect: Option<Expect>,
    logs: &[PathBuf],
) -> ExitCode {
    let anchors = match anchors(expect, logs) {
        Ok(anchors) => anchors,
        Err(error) => {
            eprintln!("cannot read the log: {error}");
            return ExitCode::from(TROUBLE);
        }
    };
    let keyed_from = match keyed_from {
        Ok(keyed_from) => keyed_from,
        Err(error) => {
            eprintln!("cannot read where the chain was keyed: {error}");
            return ExitCode::from(TROUBLE);
        }
    };
    let mut out = std::io::stdout().lock();
    let printed = match verify(store, &Checks { key, keyed_from, keyed_from_chains, anchors }) {
        Ok(report) => print_report(&mut out, &report).map(|()| ExitCode::SUCCESS),
        Err(Failure::Broken(found)) => writeln!(out, "{found}").map(|()| ExitCode::FAILURE),
        Err(Failure::Store(error)) => {
            eprintln!("cannot read the log: {error}");
            return ExitCode::from(TROUBLE);
        }
    };
    printed.unwrap_or(ExitCode::from(TROUBLE))
}

fn print_report(out: &mut impl Write, report: &Report) -> std::io::Result<()> {
    let checked: String = report
        .anchors
        .iter()
        .map(|anchor| match anchor.source {
            Source::Expect => format!(", event {} matches --expect", anchor.seq),
            Source::Log => format!(", event {} matches the server's log", anchor.seq),
        })
        .collect();
    writeln!(out, "audit log OK: {} events, {} accounts{checked}", report.events, report.accounts)?;
    let keyed = match report.first_keyed {
        None if report.events == 0 => "no events yet".to_owned(),
        Some(1) => "keyed from event 1".to_owned(),
        Some(first) => format!("keyed from event {first}; the {} events before it are unkeyed", first - 1),
        None => format!("no event is keyed: the {} events are all unkeyed", report.events),
    };
    let recorded =
        if report.switch_recorded { "" } else { " (the switch is not on record: no audit-keyed-from)" };
    writeln!(out, "{keyed}{recorded}")?;
    match report.chains.as_slice() {
        [(name, head)] if name.is_empty() => writeln!(out, "{}", head_line(head))?,
        chains => {
            for (name, head) in chains {
                writeln!(out, "server {name}: {}", head_line(head))?;
            }
        }
    }
    writeln!(
        out,
        "Record this head where the server cannot write; `audit verify --expect SEQ:HASH` checks it later."
    )
}

fn run_export(store: &Store, key: &ChainKey, since: Option<&str>) -> ExitCode {
    let since = match since.map(|text| parse_since(text, SystemClock.now())).transpose() {
        Ok(since) => since,
        Err(error) => {
            eprintln!("--since: {error}");
            return ExitCode::from(TROUBLE);
        }
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match export(store, key, since, &mut out).and_then(|written| Ok(out.flush().map(|()| written)?)) {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("export stopped: {error}");
            ExitCode::FAILURE
        }
    }
}
