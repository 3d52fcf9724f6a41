//! The keyed chain and the server's log (`docs/audit.md`, "Chains and hashes", "The switch to
//! keyed hashes", "The server's log"): every event's line in the real binary's log carries its
//! chain head, and `verify --log` catches a tail cut from the database with it; a chain rewritten
//! without the server secret, or downgraded to unkeyed hashes, is named; a log written before
//! the keying still verifies and is continued keyed. On redb in every run (the file's tables are
//! edited directly; PostgreSQL never held unkeyed events).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use coffer_backend::audit::record::{StoredEvent, decode, unhex};
use coffer_backend::store::audit::SERVER_CHAIN;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::audit_chain::{ChainKey, unkeyed_hash};
use redb::{ReadableTable, TableDefinition};
use serde_json::Value;

use crate::audit_verify::{audit, copy_of, key_of, reseal, stopped_log, tamper};
use crate::helpers::{TestShare, embedded, spawn_app_in, spawn_app_with};

const HEADS: TableDefinition<&str, (u64, u64, [u8; 32])> = TableDefinition::new("audit_heads");

/// The real `coffer-server` on a data folder, its log going to a file.
struct Server {
    child: Child,
    address: String,
}

impl Server {
    /// Starts the binary on 127.0.0.1 port 0 with its data in `root/data`, logging to `log` (as
    /// JSON or as text), and waits for the line that names its address.
    fn start(root: &Path, log: &Path, json: bool) -> Self {
        std::fs::create_dir_all(root.join("dist")).unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_coffer-server"));
        command.args(["--listen", "127.0.0.1:0"]);
        if json {
            command.arg("--log-json");
        }
        let child = command
            .arg("--data-dir")
            .arg(root.join("data"))
            .arg("--static-dir")
            .arg(root.join("dist"))
            .env_remove("COFFER_DATA_DIR")
            .env("RUST_LOG", "info")
            .stdout(Stdio::from(std::fs::File::create(log).unwrap()))
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        let address = loop {
            let text = std::fs::read_to_string(log).unwrap_or_default();
            let found = text.split("listening on http://").nth(1).and_then(|rest| {
                let address: String =
                    rest.chars().take_while(|c| c.is_ascii_digit() || ".:".contains(*c)).collect();
                address.ends_with(|c: char| c.is_ascii_digit()).then_some(address)
            });
            if let Some(address) = found {
                break format!("http://{address}");
            }
            assert!(Instant::now() < deadline, "the server did not start: {text}");
            std::thread::sleep(Duration::from_millis(20));
        };
        Self { child, address }
    }

    /// Creates `count` shares (one event each) and reads the first one's status once.
    async fn make_events(&self, count: usize) {
        let client = reqwest::Client::new();
        let shares: Vec<TestShare> = (0..count).map(|n| TestShare::new(&n.to_string(), 1)).collect();
        for share in &shares {
            let response = client
                .post(format!("{}/api/v1/shares", self.address))
                .json(&share.request)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 201);
        }
        let body = serde_json::json!({ "token": shares[0].request.status_token });
        let url = format!("{}/api/v1/shares/{}/status", self.address, shares[0].id);
        assert_eq!(client.post(url).json(&body).send().await.unwrap().status(), 200);
    }

    /// SIGKILL: every event answered is committed and in the log already.
    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

/// The `chain` member of each event line of a JSON log, in order.
fn chains_in(log: &Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .unwrap()
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line["target"] == "coffer_backend::audit::writer")
        .map(|line| line["fields"]["chain"].as_str().unwrap_or("no chain").to_owned())
        .collect()
}

#[tokio::test]
async fn the_servers_log_carries_every_events_chain_head_and_verify_catches_a_cut_tail_with_it() {
    let root = tempfile::tempdir().unwrap();
    let (json_log, text_log) = (root.path().join("json.log"), root.path().join("text.log"));
    let server = Server::start(root.path(), &json_log, true);
    server.make_events(4).await;
    server.kill();
    let server = Server::start(root.path(), &text_log, false);
    server.make_events(2).await;
    server.kill();
    let data = root.path().join("data");

    let exported = audit(&data, &["export"]).await;
    let heads: Vec<String> = exported
        .stdout
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .map(|event| format!("{}:{}", event["seq"], event["hash"].as_str().unwrap()))
        .collect();
    assert_eq!(heads.len(), 8);
    assert_eq!(chains_in(&json_log), heads[..5], "each event's line has its seq and hash");
    let text = std::fs::read_to_string(&text_log).unwrap();
    for head in &heads[5..] {
        assert!(text.contains(head.as_str()), "{head} is not in the text log:\n{text}");
    }
    let secret = std::fs::read(data.join("server-secret")).unwrap();
    let secret_hex: String = secret.iter().map(|byte| format!("{byte:02x}")).collect();
    let logs = format!("{}{text}", std::fs::read_to_string(&json_log).unwrap());
    assert!(
        !logs.contains(&secret_hex)
            && !logs.contains(&Key32::from_bytes(secret.try_into().unwrap()).to_b64())
    );

    let run =
        audit(&data, &["verify", "--log", json_log.to_str().unwrap(), "--log", text_log.to_str().unwrap()])
            .await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("event 5 matches the server's log, event 8 matches the server's log"),
        "{}",
        run.stdout
    );

    // Someone with the database alone removes the last two events and sets the head to the
    // last one left: its hash is the `prev` of the first one removed.
    let copy = copy_of(&data);
    let mut prev = String::new();
    tamper(copy.path(), |events| {
        prev = decode(events.get(7).unwrap().unwrap().value()).unwrap().prev;
        events.remove(7).unwrap();
        events.remove(8).unwrap();
    });
    let db = redb::Database::open(copy.path().join("coffer.redb")).unwrap();
    let txn = db.begin_write().unwrap();
    txn.open_table(HEADS).unwrap().insert(SERVER_CHAIN, (6, 6, unhex(&prev).unwrap())).unwrap();
    txn.commit().unwrap();
    drop(db);
    let run = audit(copy.path(), &["verify"]).await;
    assert_eq!(run.code, 0, "the database alone cannot tell: {}", run.stdout);
    let run = audit(copy.path(), &["verify", "--log", text_log.to_str().unwrap()]).await;
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.starts_with(
            "BROKEN at event 8: missing (the log ends at event 6; the server's log (--log) names it: the tail was cut)"
        ),
        "{}",
        run.stdout
    );
    // An older log's head is still in the database: it passes.
    assert_eq!(audit(copy.path(), &["verify", "--log", json_log.to_str().unwrap()]).await.code, 0);
    let empty = root.path().join("empty.log");
    std::fs::write(&empty, "nothing\n").unwrap();
    assert_eq!(audit(&data, &["verify", "--log", empty.to_str().unwrap()]).await.code, 2);
}

#[tokio::test]
async fn a_chain_rewritten_or_extended_without_the_server_secret_is_detected() {
    let (_root, data, exported) = stopped_log().await;
    let thief = ChainKey::derive(&Key32::from_bytes([9; 32]));

    // Rewritten with unkeyed hashes, which anyone can compute (all a plain SHA-256 chain had).
    let copy = copy_of(&data);
    reseal(
        copy.path(),
        |_, bytes| unkeyed_hash(bytes),
        |record: &mut StoredEvent| {
            record.v = 1;
            record.ip = Some("203.0.113.9".into());
        },
    );
    let run = audit(copy.path(), &["verify"]).await;
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.starts_with(
            "BROKEN at event 1: it is unkeyed (version 1), but every event from 1 on is keyed (audit-keyed-from)"
        ),
        "{}",
        run.stdout
    );

    // Rewritten with keyed hashes under another secret.
    let copy = copy_of(&data);
    reseal(copy.path(), |_, bytes| thief.hash(bytes), |record| record.ip = Some("203.0.113.9".into()));
    let run = audit(copy.path(), &["verify"]).await;
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.starts_with("BROKEN at event 1: its hash does not match the prev stored in event 2")
            && run.stdout.contains("written without this server's secret"),
        "{}",
        run.stdout
    );

    // An event added at the end, linked to the last one and its head moved.
    let copy = copy_of(&data);
    let last = exported.len() as u64;
    let mut forged = Vec::new();
    let key = key_of(&data);
    tamper(copy.path(), |events| {
        let bytes = events.get(last).unwrap().unwrap().value().to_vec();
        let mut record = decode(&bytes).unwrap();
        record.prev = coffer_backend::audit::record::hex(&key.hash(&bytes));
        record.seq = last + 1;
        record.account = None;
        record.account_seq = None;
        record.account_prev = None;
        forged = coffer_backend::audit::record::encode(&record);
        events.insert(last + 1, forged.as_slice()).unwrap();
    });
    let db = redb::Database::open(copy.path().join("coffer.redb")).unwrap();
    let txn = db.begin_write().unwrap();
    txn.open_table(HEADS).unwrap().insert(SERVER_CHAIN, (last + 1, last + 1, thief.hash(&forged))).unwrap();
    txn.commit().unwrap();
    drop(db);
    let run = audit(copy.path(), &["verify"]).await;
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.starts_with(&format!("BROKEN at event {}: its hash does not match the head's", last + 1)),
        "{}",
        run.stdout
    );
}

#[tokio::test]
async fn a_log_written_before_the_keying_still_verifies_and_cannot_be_downgraded_after_it() {
    let app = spawn_app_with(embedded).await;
    for n in 0..3 {
        app.create(&TestShare::new(&n.to_string(), 1)).await;
    }
    let root = app.stop().await;
    let data = root.path().join("data");
    // As a server before the keying left it: unkeyed events, no record of a switch.
    let recorded = std::fs::read_to_string(data.join("audit-keyed-from")).ok();
    assert_eq!(recorded.as_deref(), Some("1\n"), "a new server records that its chain is keyed from 1");
    reseal(&data, |_, bytes| unkeyed_hash(bytes), |record| record.v = 1);
    std::fs::remove_file(data.join("audit-keyed-from")).unwrap();
    let run = audit(&data, &["verify"]).await;
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains("no event is keyed: the 3 events are all unkeyed (the switch is not on record"),
        "{}",
        run.stdout
    );

    let app = spawn_app_in(root, embedded).await;
    assert_eq!(std::fs::read_to_string(app.data_dir().join("audit-keyed-from")).unwrap(), "4\n");
    for n in 0..2 {
        app.create(&TestShare::new(&n.to_string(), 1)).await;
    }
    let root = app.stop().await;
    let run = audit(&data, &["verify"]).await;
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains("keyed from event 4; the 3 events before it are unkeyed\n"),
        "{}",
        run.stdout
    );

    let copy = copy_of(&data);
    reseal(copy.path(), |_, bytes| unkeyed_hash(bytes), |record| record.v = 1);
    let run = audit(copy.path(), &["verify"]).await;
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout
            .starts_with("BROKEN at event 4: it is unkeyed (version 1), but every event from 4 on is keyed"),
        "{}",
        run.stdout
    );

    // The record lost: the server finds the switch in the database again.
    std::fs::remove_file(data.join("audit-keyed-from")).unwrap();
    let app = spawn_app_in(root, embedded).await;
    assert_eq!(std::fs::read_to_string(app.data_dir().join("audit-keyed-from")).unwrap(), "4\n");
    let _root = app.stop().await;
    assert_eq!(audit(&data, &["verify"]).await.code, 0);
}
