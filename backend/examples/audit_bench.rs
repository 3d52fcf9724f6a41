//! Security event log benchmark (`docs/audit.md`): events written per second through the one
//! writer (group commit) at several concurrencies, the size of an event on disk, and the time
//! the real `coffer-server audit verify` takes over a log of `events` events.
//!
//! ```text
//! cargo run --release -p coffer-backend --example audit_bench -- <path to coffer-server> [events] [seconds]
//! ```
//!
//! Works in a temporary folder (TMPDIR) and deletes it. Prints numbers; asserts nothing but that
//! `verify` passes.

#![allow(clippy::print_stdout, clippy::unwrap_used)] // a benchmark prints its numbers

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use coffer_backend::audit::AuditLog;
use coffer_backend::audit::Event;
use coffer_backend::audit::record::{Link, NewEvent, Origin, seal};
use coffer_backend::audit::writer::{MAX_BATCH, Sink};
use coffer_backend::secret::ServerSecret;
use coffer_backend::store::Store;
use coffer_shared::crypto::audit_chain::ChainKey;
use coffer_shared::id::{AccountId, RecordId, SessionId};

/// Accounts the events are spread over.
const ACCOUNTS: usize = 1000;
const AGENT: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";

/// A typical account event: a record changed from a browser, with its session, IP and agent.
fn event(accounts: &[(AccountId, SessionId)], n: u64) -> NewEvent {
    let (account, session) = &accounts[n as usize % accounts.len()];
    let origin = Origin {
        ip: Some(format!("198.51.{}.{}", n % 250, n / 250 % 250)),
        user_agent: Some(AGENT.into()),
        place: None,
    };
    let changed =
        Event::RecordChanged { record: RecordId::from_bytes([(n % 251) as u8; 16]), revision: n % 40 + 1 };
    NewEvent::new(
        1_800_000_000 + n / 100,
        &changed,
        Some(account.clone()),
        Some(session.as_str().to_owned()),
        origin,
    )
}

/// `concurrency` tasks each append one event at a time for `seconds`; prints the rate.
async fn throughput(
    log: &Arc<AuditLog>,
    accounts: &Arc<Vec<(AccountId, SessionId)>>,
    concurrency: usize,
    seconds: u64,
) {
    let written = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|task| {
            let (log, accounts, written) = (Arc::clone(log), Arc::clone(accounts), Arc::clone(&written));
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut n = task as u64 * 1_000_000;
                while Instant::now() < deadline {
                    let begun = Instant::now();
                    log.append(vec![event(&accounts, n)]).await.unwrap();
                    latencies.push(begun.elapsed());
                    written.fetch_add(1, Ordering::Relaxed);
                    n += 1;
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let percentile =
        |p: f64| latencies.get(((latencies.len() as f64 - 1.0) * p) as usize).copied().unwrap_or_default();
    let total = written.load(Ordering::Relaxed);
    println!(
        "write, {concurrency:>4} concurrent: {:>8.0} events/s (p50 {:.2} ms, p99 {:.2} ms per event)",
        total as f64 / elapsed,
        percentile(0.5).as_secs_f64() * 1000.0,
        percentile(0.99).as_secs_f64() * 1000.0,
    );
}

fn file_size(dir: &std::path::Path) -> u64 {
    std::fs::metadata(dir.join("coffer.redb")).map(|meta| meta.len()).unwrap_or(0)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let server = args.get(1).cloned().expect("usage: audit_bench <path to coffer-server> [events] [seconds]");
    let target: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let seconds: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(3);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    // As the server does: a secret beside the database, the chain keyed from event 1.
    let secret = ServerSecret::load_or_create(dir.path()).unwrap();
    coffer_backend::audit::keyed::ensure(dir.path(), &store).unwrap();
    let key = || ChainKey::derive(secret.key());
    let accounts: Arc<Vec<(AccountId, SessionId)>> =
        Arc::new((0..ACCOUNTS).map(|_| (AccountId::random(), SessionId::random())).collect());

    let log = Arc::new(AuditLog::start(store.clone(), key()).unwrap());
    for concurrency in [1, 16, 256] {
        throughput(&log, &accounts, concurrency, seconds).await;
    }
    log.stop().await;

    // The rest of the log in batches of the writer's size, through the same append.
    let mut written: u64 = store
        .audit_snapshot(|snapshot| {
            let mut count = 0;
            snapshot.events("", 1, &mut |_, _| {
                count += 1;
                true
            })?;
            Ok(count)
        })
        .unwrap();
    let before = (written, file_size(dir.path()));
    let started = Instant::now();
    let sink = Sink::new(key());
    while written < target {
        let batch = (MAX_BATCH as u64).min(target - written);
        let events: Vec<NewEvent> = (written..written + batch).map(|n| event(&accounts, n)).collect();
        store.append_audit(events, sink.clone()).await.unwrap();
        written += batch;
    }
    let filled = started.elapsed().as_secs_f64();
    println!(
        "fill: {} events in batches of {MAX_BATCH} in {filled:.1} s = {:.0} events/s",
        written - before.0,
        (written - before.0) as f64 / filled
    );
    drop(store);
    let size = file_size(dir.path());
    let link = Link { seq: written, prev: [7; 32], account: Some((written / ACCOUNTS as u64, [9; 32])) };
    let (_, record, _) = seal(&event(&accounts, 7), link, &key());
    println!(
        "size: {written} events, database file {:.1} MB = {:.0} bytes per event on disk (record {} bytes of JSON; \
         {:.0} bytes per event added by the fill)",
        size as f64 / 1e6,
        size as f64 / written as f64,
        record.len(),
        (size - before.1) as f64 / (written - before.0) as f64,
    );

    let started = Instant::now();
    let output = std::process::Command::new(&server)
        .args(["audit", "verify", "--data-dir"])
        .arg(dir.path())
        .env_remove("COFFER_DATA_DIR")
        .output()
        .unwrap();
    let took = started.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "verify failed: {stdout}{}", String::from_utf8_lossy(&output.stderr));
    println!(
        "verify: {written} events in {took:.2} s = {:.0} events/s ({})",
        written as f64 / took,
        stdout.lines().next().unwrap_or("")
    );

    // The file grows in steps ahead of use; redb's own count says what the pages hold.
    let db = redb::Database::open(dir.path().join("coffer.redb")).unwrap();
    let txn = db.begin_write().unwrap();
    let stats = txn.stats().unwrap();
    txn.abort().unwrap();
    let per_event = |bytes: u64| bytes as f64 / written as f64;
    println!(
        "pages: {:.0} bytes per event in allocated pages ({} of {} bytes), of which {:.0} key and value \
         bytes, {:.0} branch and metadata, {:.0} fragmentation",
        per_event(stats.allocated_pages() * stats.page_size() as u64),
        stats.allocated_pages(),
        stats.page_size(),
        per_event(stats.stored_bytes()),
        per_event(stats.metadata_bytes()),
        per_event(stats.fragmented_bytes()),
    );
}
