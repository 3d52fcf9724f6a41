//! The vault listing's memory (issue 11, item 8): fills one account to the largest vault the
//! server allows (records of 64 KiB until it answers `vault_full`, then one record for the rest),
//! restarts the release server, has `clients` clients list the whole vault at once, page after
//! page, and prints the server's peak resident memory (`VmHWM` of `/proc/<pid>/status`) and the
//! time the listings took.
//!
//! ```text
//! cargo build --release -p coffer-backend --bin coffer-server --example vault_list_bench
//! target/release/examples/vault_list_bench target/release/coffer-server [port] [vault-max-bytes] [clients]
//! ```
//!
//! Defaults: port 18558, the server's default `--vault-max-bytes` (64 MiB), 4 clients. Works in
//! a temporary folder (TMPDIR) on 127.0.0.1 and deletes it.

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)] // a benchmark tool

#[path = "support/signup.rs"]
mod signup;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use coffer_shared::api::{DEFAULT_VAULT_MAX_BYTES, MAX_RECORD_BYTES, RecordPage};
use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::vault::{RecordFields, VaultRecord, seal_record};
use coffer_shared::id::RecordId;
use futures_util::future::join_all;
use serde_json::json;

/// Creates in flight while filling.
const WRITERS: usize = 8;

/// A note with `len` bytes of notes.
fn note(len: usize) -> VaultRecord {
    let mut record = VaultRecord::new(RecordFields::Note);
    record.name = "Filler".into();
    record.notes = "x".repeat(len);
    record
}

/// The longest notes whose sealed record is at most `bytes` (sizes grow in padding blocks).
fn notes_for(key: &Key32, bytes: usize) -> Option<usize> {
    let sealed = |len| seal_record(key, &RecordId::random(), &note(len)).len();
    let (mut low, mut high) = (0, bytes);
    if sealed(0) > bytes {
        return None;
    }
    while low < high {
        let middle = (low + high).div_ceil(2);
        if sealed(middle) <= bytes { low = middle } else { high = middle - 1 }
    }
    Some(low)
}

/// A server on `port` over `data`, with logs off.
fn start(server: &str, port: u16, data: &Path, max_bytes: u64) -> Child {
    Command::new(server)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .arg("--data-dir")
        .arg(data.join("data"))
        .arg("--static-dir")
        .arg(data.join("dist"))
        .args(["--rate-limit-create", "0", "--rate-limit-claim", "0", "--rate-limit-auth", "0"])
        .args(["--vault-max-bytes", &max_bytes.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the coffer-server binary")
}

async fn wait_healthy(client: &reqwest::Client, base: &str) {
    for _ in 0..200 {
        if client.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not start");
}

/// Stops the server with SIGTERM (it finishes requests and closes the database) and waits.
fn stop(mut child: Child) {
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    child.wait().unwrap();
}

/// `VmHWM` (peak resident set) and `VmRSS` of `pid`, in KiB.
fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| {
        let line = status.lines().find(|line| line.starts_with(name)).unwrap();
        line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap()
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// Creates one record of `notes` bytes of notes; the response's status.
async fn create(client: &reqwest::Client, base: &str, who: &signup::SignedUp, notes: usize) -> u16 {
    let id = RecordId::random();
    let envelope = b64::encode(seal_record(&who.secrets.vault_key, &id, &note(notes)));
    let response = client
        .post(format!("{base}/api/v1/vault/records"))
        .header("cookie", &who.cookie)
        .header("x-coffer-csrf", &who.csrf)
        .json(&json!({ "id": id, "envelope": envelope }))
        .send()
        .await
        .unwrap();
    response.status().as_u16()
}

/// Fills the vault with the largest records until the server refuses one, then with the
/// largest record that still fits. Answers the records stored.
async fn fill(client: &reqwest::Client, base: &str, who: &signup::SignedUp, max_bytes: u64) -> u64 {
    let key = &who.secrets.vault_key;
    let largest = notes_for(key, MAX_RECORD_BYTES).unwrap();
    let record_len = seal_record(key, &RecordId::random(), &note(largest)).len() as u64;
    let mut stored = 0;
    loop {
        let statuses = join_all((0..WRITERS).map(|_| create(client, base, who, largest))).await;
        stored += statuses.iter().filter(|&&status| status == 201).count() as u64;
        assert!(statuses.iter().all(|&status| status == 201 || status == 507), "{statuses:?}");
        if statuses.contains(&507) {
            break;
        }
    }
    let room = max_bytes - stored * record_len;
    if let Some(notes) = notes_for(key, room as usize)
        && create(client, base, who, notes).await == 201
    {
        stored += 1;
    }
    stored
}

/// Lists the whole vault page after page; the records and envelope bytes seen and the pages read.
async fn list_all(base: String, cookie: String) -> (u64, u64, u64) {
    let client = reqwest::Client::new();
    let (mut records, mut bytes, mut pages, mut after) = (0, 0, 0, None::<RecordId>);
    let mut last: Option<String> = None;
    loop {
        let url = match &after {
            Some(after) => format!("{base}/api/v1/vault/records?after={after}"),
            None => format!("{base}/api/v1/vault/records"),
        };
        let response = client.get(url).header("cookie", &cookie).send().await.unwrap();
        assert_eq!(response.status(), 200);
        let page: RecordPage = response.json().await.unwrap();
        pages += 1;
        for record in &page.records {
            let id = record.id.as_str().to_owned();
            assert!(last.as_ref().is_none_or(|last| *last < id), "ids strictly increase");
            last = Some(id);
            bytes += b64::decode(&record.envelope).unwrap().len() as u64;
            records += 1;
        }
        match page.next {
            Some(next) => after = Some(next),
            None => return (records, bytes, pages),
        }
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let server =
        args.get(1).expect("usage: vault_list_bench <coffer-server> [port] [vault-max-bytes] [clients]");
    let port: u16 = args.get(2).map_or(18558, |port| port.parse().unwrap());
    let max_bytes: u64 = args.get(3).map_or(DEFAULT_VAULT_MAX_BYTES, |bytes| bytes.parse().unwrap());
    let clients: usize = args.get(4).map_or(4, |clients| clients.parse().unwrap());
    let base = format!("http://127.0.0.1:{port}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("dist")).unwrap();
    std::fs::write(dir.path().join("dist/index.html"), "<!doctype html><title>Coffer</title>").unwrap();
    let client = reqwest::Client::new();

    let filling = start(server, port, dir.path(), max_bytes);
    wait_healthy(&client, &base).await;
    let outbox = dir.path().join("data/outbox");
    let who =
        signup::sign_up(&client, &base, &outbox, "bench@example.com", "bench orbit velvet canyon").await;
    let started = Instant::now();
    let stored = fill(&client, &base, &who, max_bytes).await;
    let (fill_peak, _) = memory_kib(filling.id());
    println!(
        "filled: {stored} records in {:.1} s (limit {max_bytes} bytes); server peak while filling {} MiB",
        started.elapsed().as_secs_f64(),
        fill_peak / 1024
    );
    stop(filling);

    let listing = start(server, port, dir.path(), max_bytes);
    wait_healthy(&client, &base).await;
    let (idle_peak, _) = memory_kib(listing.id());
    let started = Instant::now();
    let results =
        join_all((0..clients).map(|_| tokio::spawn(list_all(base.clone(), who.cookie.clone())))).await;
    let elapsed = started.elapsed().as_secs_f64();
    let (peak, rss) = memory_kib(listing.id());
    let results: Vec<(u64, u64, u64)> = results.into_iter().map(Result::unwrap).collect();
    for (records, _, _) in &results {
        assert_eq!(*records, stored, "every client saw every record once");
    }
    let (_, bytes, pages) = results[0];
    println!(
        "vault: {stored} records, {bytes} bytes of envelopes ({:.1} MiB, {:.2}% of the limit), {pages} pages",
        bytes as f64 / 1048576.0,
        bytes as f64 * 100.0 / max_bytes as f64
    );
    println!("{clients} clients listed the whole vault at once in {elapsed:.2} s");
    println!(
        "server peak RSS (VmHWM): {:.1} MiB (after start {:.1} MiB; VmRSS now {:.1} MiB)",
        peak as f64 / 1024.0,
        idle_peak as f64 / 1024.0,
        rss as f64 / 1024.0
    );
    stop(listing);
}
