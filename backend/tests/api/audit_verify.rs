//! `coffer-server audit verify` and `export`, run as the real binary on the database file of a
//! stopped server: a good log verifies and prints its head; an edited, deleted or cut event, or
//! an account link forged in a log otherwise rewritten whole, is named; a head recorded out of
//! band catches a rewritten log. And the chain stays whole under concurrent writers. The keyed
//! chain and the server's log are in `audit_chain.rs`. The file's tables are edited directly, so
//! these run on redb in every run; the same checks on PostgreSQL's chains are in `cluster.rs`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use coffer_backend::audit::Event;
use coffer_backend::audit::event::Purpose;
use coffer_backend::audit::record::{GENESIS, NewEvent, Origin, StoredEvent, decode, encode, hex};
use coffer_backend::audit::verify::Checks;
use coffer_backend::secret::ServerSecret;
use coffer_backend::store::Store;
use coffer_backend::store::audit::SERVER_CHAIN;
use coffer_shared::crypto::audit_chain::ChainKey;
use redb::{ReadableTable, TableDefinition};
use serde_json::Value;

use crate::helpers::{START, TestApp, TestShare, embedded, spawn_app_with};
use crate::vault::{create, note};

/// The events table, as someone with the file would open it.
const EVENTS: TableDefinition<u64, &[u8]> = TableDefinition::new("audit_events");
/// The account index that the Activity API reads.
const ACCOUNT_EVENTS: TableDefinition<(&str, u64), u64> = TableDefinition::new("audit_account_events");
/// The heads of the server's chain (`""`) and of each account's: (count, last `seq`, hash).
const HEADS: TableDefinition<&str, (u64, u64, [u8; 32])> = TableDefinition::new("audit_heads");

/// What a run of the binary printed and how it ended.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// `coffer-server audit <args...> --data-dir <data_dir>`.
pub async fn audit(data_dir: &Path, args: &[&str]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_coffer-server"));
    command.arg("audit").args(args).arg("--data-dir").arg(data_dir).env_remove("COFFER_DATA_DIR");
    let output = tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap();
    Run {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// A server with a few dozen events of several kinds, stopped; its data folder, kept alive by
/// the returned directory, and the export taken before it stopped.
pub async fn stopped_log() -> (tempfile::TempDir, PathBuf, Vec<Value>) {
    let app = spawn_app_with(embedded).await;
    let user = app.sign_up("alice@example.com").await;
    create(&app, &user, &note("one")).await;
    app.sign_in(&user).await;
    let share = TestShare::new("s", 1);
    app.create(&share).await;
    app.claim(&share, &share.request.access_token).await;
    app.clock.advance(1000);
    create(&app, &user, &note("two")).await;
    let exported = app.export().await;
    assert!(exported.len() >= 10, "{}", exported.len());
    let root = app.stop().await;
    let data = root.path().join("data");
    (root, data, exported)
}

/// A copy of the data folder's database, server secret and record of the keyed switch, in a
/// folder of its own.
pub fn copy_of(data: &Path) -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap();
    for name in ["coffer.redb", "server-secret", "audit-keyed-from"] {
        std::fs::copy(data.join(name), copy.path().join(name)).unwrap();
    }
    copy
}

/// The chain key of the data folder `dir`, as someone holding its secret derives it.
pub fn key_of(dir: &Path) -> ChainKey {
    ChainKey::derive(ServerSecret::load_existing(&dir.join("server-secret")).unwrap().key())
}

/// Opens the copy's events table with redb and lets `change` do its worst.
pub fn tamper(dir: &Path, change: impl FnOnce(&mut redb::Table<u64, &[u8]>)) {
    let db = redb::Database::open(dir.join("coffer.redb")).unwrap();
    let txn = db.begin_write().unwrap();
    change(&mut txn.open_table(EVENTS).unwrap());
    txn.commit().unwrap();
}

/// Changes one byte of event `seq`: the last digit of its IP.
fn change_one_byte(table: &mut redb::Table<u64, &[u8]>, seq: u64) {
    let mut bytes = table.get(seq).unwrap().unwrap().value().to_vec();
    let at = bytes.windows(11).position(|window| window == b"\"127.0.0.1\"").unwrap() + 9;
    bytes[at] = b'2';
    table.insert(seq, bytes.as_slice()).unwrap();
}

/// Rewrites every event of the copy in `dir` as someone with the file and this build's code can:
/// decodes it, sets `prev` and `account_prev` to the hashes of the events it follows, lets
/// `forge` change the record (its version too), re-encodes it and hashes it with `hash`; then
/// writes every head to match. Whatever `forge` does, the links it does not touch are whole
/// again afterwards, if `hash` is the chain's.
pub fn reseal(dir: &Path, hash: impl Fn(&StoredEvent, &[u8]) -> [u8; 32], forge: impl Fn(&mut StoredEvent)) {
    let db = redb::Database::open(dir.join("coffer.redb")).unwrap();
    let txn = db.begin_write().unwrap();
    {
        let mut events = txn.open_table(EVENTS).unwrap();
        let stored: Vec<(u64, Vec<u8>)> = events
            .iter()
            .unwrap()
            .map(|entry| {
                let (seq, bytes) = entry.unwrap();
                (seq.value(), bytes.value().to_vec())
            })
            .collect();
        let mut server = (0, 0, GENESIS);
        let mut accounts: HashMap<String, (u64, u64, [u8; 32])> = HashMap::new();
        for (seq, bytes) in stored {
            let mut record = decode(&bytes).unwrap();
            record.prev = hex(&server.2);
            if let Some(account) = &record.account {
                record.account_prev = Some(hex(&accounts.get(account).map_or(GENESIS, |head| head.2)));
            }
            forge(&mut record);
            let bytes = encode(&record);
            let digest = hash(&record, &bytes);
            server = (server.0 + 1, seq, digest);
            if let Some(account) = record.account {
                let head = accounts.entry(account).or_insert((0, 0, GENESIS));
                *head = (head.0 + 1, seq, digest);
            }
            events.insert(seq, bytes.as_slice()).unwrap();
        }
        let mut heads = txn.open_table(HEADS).unwrap();
        heads.insert(SERVER_CHAIN, server).unwrap();
        for (account, head) in &accounts {
            heads.insert(account.as_str(), *head).unwrap();
        }
    }
    txn.commit().unwrap();
}

#[tokio::test]
async fn verify_passes_on_a_good_log_and_prints_its_head() {
    let (_root, data, exported) = stopped_log().await;
    let last = exported.last().unwrap();
    let run = audit(&data, &["verify"]).await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(&format!("audit log OK: {} events, 1 accounts", exported.len())),
        "{}",
        run.stdout
    );
    let head = format!("head: seq {} hash {}", last["seq"], last["hash"].as_str().unwrap());
    assert!(run.stdout.contains(&head), "{}", run.stdout);

    let expect = format!("{}:{}", last["seq"], last["hash"].as_str().unwrap());
    let run = audit(&data, &["verify", "--expect", &expect]).await;
    assert_eq!(run.code, 0, "{}", run.stdout);
    let wrong = format!("3:{}", last["hash"].as_str().unwrap());
    let run = audit(&data, &["verify", "--expect", &wrong]).await;
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("BROKEN at event 3: its hash is not the one recorded out of band"),
        "{}",
        run.stdout
    );
}

#[tokio::test]
async fn verify_names_an_edited_event() {
    let (_root, data, exported) = stopped_log().await;
    let copy = copy_of(&data);
    tamper(copy.path(), |table| change_one_byte(table, 5));
    let run = audit(copy.path(), &["verify"]).await;
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.starts_with("BROKEN at event 5: its hash does not match the prev stored in event 6"),
        "{}",
        run.stdout
    );

    let newest = exported.len() as u64;
    let copy = copy_of(&data);
    tamper(copy.path(), |table| change_one_byte(table, newest));
    let run = audit(copy.path(), &["verify"]).await;
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.starts_with(&format!("BROKEN at event {newest}: its hash does not match the head")),
        "{}",
        run.stdout
    );
}

#[tokio::test]
async fn verify_names_a_deleted_event_and_a_cut_tail() {
    let (_root, data, exported) = stopped_log().await;
    let copy = copy_of(&data);
    tamper(copy.path(), |table| {
        table.remove(7).unwrap();
    });
    let run = audit(copy.path(), &["verify"]).await;
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.starts_with("BROKEN at event 7: missing (the next event stored is 8)"),
        "{}",
        run.stdout
    );

    let newest = exported.len() as u64;
    let copy = copy_of(&data);
    tamper(copy.path(), |table| {
        for seq in newest - 2..=newest {
            table.remove(seq).unwrap();
        }
    });
    let run = audit(copy.path(), &["verify"]).await;
    assert_eq!(run.code, 1);
    let first_missing = newest - 2;
    assert!(
        run.stdout.starts_with(&format!(
            "BROKEN at event {first_missing}: missing (the log ends at event {}",
            first_missing - 1
        )),
        "{}",
        run.stdout
    );
}

#[tokio::test]
async fn verify_notices_an_event_hidden_from_its_accounts_activity() {
    let (_root, data, exported) = stopped_log().await;
    let first = exported.iter().find(|event| event["account_seq"] == 1).unwrap();
    let account = first["account"].as_str().unwrap().to_owned();
    let copy = copy_of(&data);
    let db = redb::Database::open(copy.path().join("coffer.redb")).unwrap();
    let txn = db.begin_write().unwrap();
    txn.open_table(ACCOUNT_EVENTS).unwrap().remove((account.as_str(), 1)).unwrap();
    txn.commit().unwrap();
    drop(db);
    let run = audit(copy.path(), &["verify"]).await;
    assert_eq!(run.code, 1);
    let expected = format!("BROKEN at event {}: account {account}'s index lacks entries", exported.len());
    assert!(run.stdout.starts_with(&expected), "{}", run.stdout);
}

/// `account_prev` is inside the hashed bytes, so changing it alone also breaks the server link
/// to the next event, and the existing tests would see that. But someone with the file can
/// recompute every later hash and every head (see [`reseal`]), leaving the account link as the
/// only break: this checks that verify walks each account's chain itself (step 4 of
/// docs/audit.md) rather than trusting the server chain. The same rewrite with a harmless
/// edit verifies, so the rewrite is sound and the forged link is all that verify catches.
#[tokio::test]
async fn verify_names_an_event_whose_account_link_alone_was_forged() {
    let (_root, data, exported) = stopped_log().await;
    let third = exported.iter().find(|event| event["account_seq"] == 3).unwrap();
    let account = third["account"].as_str().unwrap().to_owned();
    let target = third["seq"].as_u64().unwrap();
    let previous = exported
        .iter()
        .find(|event| event["account"] == account.as_str() && event["account_seq"] == 2)
        .unwrap()["seq"]
        .as_u64()
        .unwrap();
    assert!(target < exported.len() as u64, "later events must be relinked too");

    // Someone who holds the server secret too can rewrite the chain.
    let key = key_of(&data);
    let keyed = |_: &StoredEvent, bytes: &[u8]| key.hash(bytes);
    let copy = copy_of(&data);
    reseal(copy.path(), keyed, |record| {
        if record.seq == target {
            record.user_agent = Some("edited".into());
        }
    });
    let run = audit(copy.path(), &["verify"]).await;
    assert_eq!(run.code, 0, "a full rewrite with the secret is not caught without --expect: {}", run.stdout);

    let copy = copy_of(&data);
    // As if the event were the account's first: the account's earlier events drop out of the
    // history that leads to its head.
    reseal(copy.path(), keyed, |record| {
        if record.seq == target {
            record.account_prev = Some(hex(&GENESIS));
        }
    });
    let run = audit(copy.path(), &["verify"]).await;
    assert_eq!(run.code, 1, "{}", run.stdout);
    let expected = format!(
        "BROKEN at event {target}: its account_prev is not the hash of account {account}'s previous event \
         ({previous})"
    );
    assert!(run.stdout.starts_with(&expected), "{}", run.stdout);
}

#[tokio::test]
async fn a_head_recorded_out_of_band_catches_a_log_rewritten_from_scratch() {
    let (_root, data, exported) = stopped_log().await;
    let original = &exported[4];
    // Someone with the folder writes a whole new, perfectly linked log in its place, keyed with
    // a secret of their own.
    let forged = tempfile::tempdir().unwrap();
    let store = Store::open(forged.path()).unwrap();
    let secret = ServerSecret::load_or_create(forged.path()).unwrap();
    coffer_backend::audit::keyed::ensure(forged.path(), &store).unwrap();
    let event = Event::CodeSent { purpose: Purpose::Signup };
    let events = (0..exported.len())
        .map(|_| NewEvent::new(START, &event, None, None, Origin::default()))
        .collect::<Vec<_>>();
    let sink = coffer_backend::audit::writer::Sink::new(ChainKey::derive(secret.key()));
    store.append_audit(events, sink).await.unwrap();
    drop(store);
    assert_eq!(audit(forged.path(), &["verify"]).await.code, 0, "the chain alone proves nothing");
    let expect = format!("{}:{}", original["seq"], original["hash"].as_str().unwrap());
    let run = audit(forged.path(), &["verify", "--expect", &expect]).await;
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.starts_with("BROKEN at event 5: its hash is not the one recorded out of band"),
        "{}",
        run.stdout
    );
    assert_eq!(audit(&data, &["verify", "--expect", &expect]).await.code, 0);
}

#[tokio::test]
async fn export_writes_the_same_lines_and_since_keeps_the_later_ones() {
    let (_root, data, exported) = stopped_log().await;
    let run = audit(&data, &["export"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<Value> = run.stdout.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(lines, exported);
    assert_eq!(lines[0]["timestamp"], "2027-01-15T08:00:00Z");
    assert_eq!(lines[0]["seq"], 1);

    let since = (START + 500).to_string();
    let run = audit(&data, &["export", "--since", &since]).await;
    let later: Vec<Value> = run.stdout.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert!(!later.is_empty() && later.len() < lines.len());
    assert!(later.iter().all(|line| line["time"].as_u64().unwrap() >= START + 500));
    assert_eq!(
        later.len(),
        lines.iter().filter(|line| line["time"].as_u64().unwrap() >= START + 500).count()
    );
    assert_eq!(audit(&data, &["export", "--since", "yesterday"]).await.code, 2);
}

#[tokio::test]
async fn the_commands_refuse_a_database_the_server_holds_open() {
    let app = spawn_app_with(embedded).await;
    app.sign_up("alice@example.com").await;
    let run = audit(&app.data_dir(), &["verify"]).await;
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("the server must be stopped"), "{}", run.stderr);
}

#[tokio::test]
async fn concurrent_requests_share_commits_and_keep_one_unbroken_chain() {
    let app = spawn_app_with(embedded).await;
    let shares: Vec<TestShare> = (0..200).map(|i| TestShare::new(&i.to_string(), 1)).collect();
    let bodies: Vec<Value> =
        shares.iter().map(|share| serde_json::to_value(&share.request).unwrap()).collect();
    let creates = bodies.iter().map(|body| app.post("/api/v1/shares", body));
    for response in futures_util::future::join_all(creates).await {
        assert_eq!(response.status(), 201);
    }
    let exported = app.export().await;
    assert_eq!(exported.len(), 200);
    let seqs: Vec<u64> = exported.iter().map(|event| event["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, (1..=200).collect::<Vec<_>>());
    verified(&app, 200).await;
}

/// Verifies the running app's log in process and checks its length.
async fn verified(app: &TestApp, events: u64) {
    let store = app.state.store.clone();
    let key = app.chain_key();
    let report = tokio::task::spawn_blocking(move || {
        let checks =
            Checks { key: &key, keyed_from: Some(1), keyed_from_chains: Vec::new(), anchors: Vec::new() };
        coffer_backend::audit::verify::verify(&store, &checks)
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(report.events, events);
}
