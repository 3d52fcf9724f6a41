//! `coffer-server migrate --from DATA_DIR --to postgres://… --blobs s3://…`, run as the real
//! binary on a stopped installation of the embedded defaults: after the copy a server on
//! PostgreSQL and the bucket, given the old server secret, serves the same shares, accounts,
//! vault, files and uploads, and its security log verifies with every event and hash kept. A
//! second copy into the same database is refused. A changed byte in a blob, a missing blob, a
//! record that does not decode midway (the rows already sent are rolled back, the blobs already
//! copied removed) each stop the copy with nothing committed. A log that begins unkeyed moves,
//! its unkeyed start on record.
//! Without a bucket the blobs stay in the data folder, and one server on the database serves
//! them there. Only with `COFFER_TEST_DATABASE_URL` (and `COFFER_TEST_S3_URL`) set
//! (`scripts/services.sh`).

#![allow(clippy::print_stdout)] // a skipped run says why, and a copy's report is shown

use std::path::{Path, PathBuf};
use std::process::Command;

use coffer_backend::blobs::{BlobStore, BlobStoreUrl, S3Blobs};
use coffer_backend::store::DatabaseUrl;
use coffer_shared::crypto::audit_chain::unkeyed_hash;
use redb::{ReadableTable, TableDefinition};
use reqwest::Method;
use serde_json::{Value, json};

use crate::audit_verify::{Run, reseal};
use crate::file_helpers::TestFile;
use crate::file_shares::{claim_json, create_with};
use crate::helpers::{TestApp, TestShare, embedded, json, spawn_app_with, test_blob_store, test_database};
use crate::vault::{create, list, note, open};

/// The stores to copy into, or `None` (with the reason printed) when the run has none.
async fn targets() -> Option<(DatabaseUrl, BlobStoreUrl)> {
    let (Some(database), Some(bucket)) = (test_database().await, test_blob_store()) else {
        println!(
            "skipped: COFFER_TEST_DATABASE_URL and COFFER_TEST_S3_URL are not set (scripts/services.sh)"
        );
        return None;
    };
    Some((database, bucket))
}

/// `coffer-server <args...>` with no store settings from the environment.
async fn server(args: Vec<String>) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_coffer-server"));
    command.args(args);
    for variable in
        ["COFFER_DATABASE_URL", "COFFER_DATA_DIR", "COFFER_SERVER_SECRET_FILE", "COFFER_BLOB_STORE"]
    {
        command.env_remove(variable);
    }
    let output = tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap();
    Run {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// `coffer-server migrate --from data --to database --blobs bucket`.
async fn migrate(data: &Path, database: &DatabaseUrl, bucket: &BlobStoreUrl) -> Run {
    migrate_into(data, database, Some(bucket)).await
}

/// `coffer-server migrate --from data --to database [--blobs bucket]`.
async fn migrate_into(data: &Path, database: &DatabaseUrl, bucket: Option<&BlobStoreUrl>) -> Run {
    let args = ["migrate", "--from", &data.display().to_string(), "--to", database.expose()];
    let mut args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    if let Some(bucket) = bucket {
        args.extend(["--blobs".to_owned(), bucket_text(bucket)]);
    }
    server(args).await
}

/// The bucket URL as given (its `Display` hides the keys the binary needs).
fn bucket_text(bucket: &BlobStoreUrl) -> String {
    let shown = bucket.to_string();
    let base = shown.split_once('?').map_or(shown.as_str(), |(base, _)| base).to_owned();
    let keys = std::env::var("COFFER_TEST_S3_URL").unwrap();
    format!("{base}?{}", keys.split_once('?').unwrap().1)
}

/// How many rows each of the copied tables holds in `database`.
async fn rows_in(database: &DatabaseUrl) -> u64 {
    let (client, connection) =
        tokio_postgres::connect(database.expose(), tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    let mut total = 0;
    for table in
        ["shares", "accounts", "sessions", "vault_records", "files", "file_chunks", "audit_events", "cluster"]
    {
        let row = client.query_one(&format!("SELECT count(*) FROM {table}"), &[]).await.unwrap();
        total += row.get::<_, i64>(0) as u64;
    }
    total
}

/// Every exported event without the member that names its server chain (absent on redb).
fn without_server(events: &[Value]) -> Vec<Value> {
    events
        .iter()
        .map(|event| {
            let mut event = event.clone();
            event.as_object_mut().unwrap().remove("server");
            event
        })
        .collect()
}

/// What a realistic installation holds, with every secret the test needs to use it again.
struct Installation {
    data_root: tempfile::TempDir,
    data: PathBuf,
    counted: TestShare,
    protected: TestShare,
    with_file: TestShare,
    file: TestFile,
    /// A download token given out before the move.
    download: String,
    unfinished: TestFile,
    user: crate::users::TestUser,
    exported: Vec<Value>,
}

/// A server on redb and disk with shares (one with views left, one with a password), an
/// account with a vault record and a session, a share with a finished file, an upload half
/// sent, and the events all that recorded; stopped.
async fn installation() -> Installation {
    let app = spawn_app_with(embedded).await;
    let user = app.sign_up("migrating@example.com").await;
    create(&app, &user, &note("kept across")).await;
    let counted = TestShare::new("three views", 3);
    app.create(&counted).await;
    assert_eq!(claim_json(&app, &counted).await["views_left"], 2);
    let protected = TestShare::with_password("behind a password", "hunter2");
    app.create(&protected).await;
    let with_file = TestShare::new("see the file", 2);
    let file = TestFile::for_share(&with_file, 3000, 1024);
    app.upload(&file, None, false).await;
    assert_eq!(create_with(&app, &with_file, &[&file]).await.status(), 201);
    let download = claim_json(&app, &with_file).await["download_token"].as_str().unwrap().to_owned();
    let wrong = app.claim(&protected, &protected.access_token_for(Some("wrong"))).await;
    assert_eq!(wrong.status(), 403, "{}", wrong.text().await.unwrap());
    let unfinished = TestFile::vault(2500, 1024);
    assert_eq!(app.start_upload(&unfinished, Some(&user.browser), true).await.status(), 201);
    assert_eq!(app.put_chunk(&unfinished, 0, unfinished.chunks[0].clone()).await.status(), 200);
    let exported = app.export().await;
    assert!(exported.len() >= 5, "{}", exported.len());
    let data = app.data_dir();
    let data_root = app.stop().await;
    Installation {
        data_root,
        data,
        counted,
        protected,
        with_file,
        file,
        download,
        unfinished,
        user,
        exported,
    }
}

#[tokio::test]
async fn a_stopped_installation_moves_to_postgres_and_s3_and_carries_on_there() {
    let Some((database, bucket)) = targets().await else { return };
    let old = installation().await;
    let before =
        server(vec!["audit".into(), "verify".into(), "--data-dir".into(), old.data.display().to_string()])
            .await;
    assert_eq!(before.code, 0, "{}{}", before.stdout, before.stderr);
    let redb_head = before.stdout.lines().find(|line| line.starts_with("head: ")).unwrap().to_owned();

    let run = migrate(&old.data, &database, &bucket).await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let report = &run.stdout;
    println!("{report}");
    for table in [
        "shares",
        "accounts",
        "sessions",
        "vault_records",
        "files",
        "file_chunks",
        "download_tokens",
        "audit_events",
    ] {
        let line = report.lines().find(|line| line.split_whitespace().next() == Some(table)).unwrap();
        let counts: Vec<&str> = line.split_whitespace().skip(1).collect();
        assert_eq!(counts[0], counts[1], "{line}");
        assert_ne!(counts[0], "0", "{line}");
    }
    assert!(report.contains("chain imported/0"), "{report}");
    // The imported chain ends at the redb chain's head, hash and all.
    assert!(report.contains(redb_head.trim_start_matches("head: ")), "{report}\n{redb_head}");
    assert!(report.contains("--server-secret-file"), "{report}");
    let blob_line = report.lines().find(|line| line.starts_with("blobs: ")).unwrap();
    let expected = old.file.ciphertext().len() + old.unfinished.chunks[0].len();
    assert!(blob_line.starts_with(&format!("blobs: {expected} bytes of 2 files (4 chunks)")), "{blob_line}");
    assert!(!format!("{}{}", run.stdout, run.stderr).contains("coffer-test-secret"));

    let secret = old.data.join("server-secret");
    let verify = server(vec![
        "audit".into(),
        "verify".into(),
        "--database-url".into(),
        database.expose().into(),
        "--server-secret-file".into(),
        secret.display().to_string(),
    ])
    .await;
    assert_eq!(verify.code, 0, "{}{}", verify.stdout, verify.stderr);
    assert!(verify.stdout.contains(&format!("server imported/0: {redb_head}")), "{}", verify.stdout);

    let app = spawn_app_with(|settings| {
        settings.database_url = Some(database.clone());
        settings.blob_store = Some(bucket.clone());
        settings.server_secret_file = Some(secret.clone());
        settings.server_id = Some("after-1".into());
    })
    .await;
    carries_on(&app, &old).await;
    let exported = app.export().await;
    assert_eq!(without_server(&exported[..old.exported.len()]), old.exported);

    let again = migrate(&old.data, &database, &bucket).await;
    assert_eq!(again.code, 2, "{}{}", again.stdout, again.stderr);
    assert!(again.stderr.contains("already holds Coffer data"), "{}", again.stderr);
    assert!(!again.stderr.contains("coffer-test-secret"), "{}", again.stderr);
    drop(old.data_root);
}

/// Everything the installation held works on `app`.
async fn carries_on(app: &TestApp, old: &Installation) {
    // The share opens with the same plaintext, and its views go on being counted.
    let claimed = claim_json(app, &old.counted).await;
    assert_eq!(old.counted.open(claimed["envelope"].as_str().unwrap()), "three views");
    assert_eq!(claimed["views_left"], 1);
    let status = json(app.status(&old.protected.id, &old.protected.request.status_token).await).await;
    assert_eq!(status["wrong_claims_left"], 4, "the wrong password tried before the move still counts");
    let token = old.protected.access_token_for(Some("hunter2"));
    let response = app.claim(&old.protected, &token).await;
    assert_eq!(response.status(), 200);
    assert_eq!(old.protected.open(json(response).await["envelope"].as_str().unwrap()), "behind a password");

    // The session still works, and the vault record opens.
    let records = list(app, &old.user).await;
    assert_eq!(records.len(), 1);
    assert_eq!(open(&old.user, &records[0]).name, "kept across");
    // And the account signs in again (its verifier needs the same server secret).
    let browser = app.sign_in(&old.user).await;
    let me = app.send_as(Some(&browser), Method::GET, "/api/v1/vault/records", None).await;
    assert_eq!(me.status(), 200);

    // The file downloads byte for byte from the bucket, with the token given out before the
    // move and with one given out after it.
    let before = app.download(&old.file.id, &old.download, None).await;
    assert_eq!(before.status(), 200);
    assert_eq!(before.bytes().await.unwrap().as_ref(), old.file.ciphertext().as_slice());
    let claimed = claim_json(app, &old.with_file).await;
    assert_eq!(claimed["views_left"], 0);
    let download = claimed["download_token"].as_str().unwrap();
    let bytes = app.download(&old.file.id, download, None).await.bytes().await.unwrap();
    assert_eq!(bytes.as_ref(), old.file.ciphertext().as_slice());
    let metadata = claimed["files"][0]["metadata"].as_str().unwrap();
    assert_eq!(old.file.open(&bytes, metadata), old.file.plaintext);

    // The unfinished upload knows its first chunk and resumes.
    let status = json(app.upload_call(&old.unfinished, "status").await).await;
    assert_eq!(status["received"], json!([[0, 0]]));
    for (index, chunk) in old.unfinished.chunks.iter().enumerate().skip(1) {
        assert_eq!(app.put_chunk(&old.unfinished, index as u64, chunk.clone()).await.status(), 200);
    }
    assert_eq!(app.finish_upload(&old.unfinished).await.status(), 200);
}

#[tokio::test]
async fn a_changed_byte_in_a_blob_stops_the_copy_with_nothing_committed() {
    let Some((database, bucket)) = targets().await else { return };
    let old = installation().await;
    let blob = old.data.join("blobs").join(format!("{}.blob", old.file.id));
    let mut bytes = std::fs::read(&blob).unwrap();
    bytes[1500] ^= 1;
    std::fs::write(&blob, bytes).unwrap();

    let run = migrate(&old.data, &database, &bucket).await;
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains(&format!("chunk 1 of file {}", old.file.id)), "{}", run.stderr);
    assert!(run.stderr.contains("SHA-256"), "{}", run.stderr);
    assert_eq!(rows_in(&database).await, 0);
    drop(old.data_root);
}

#[tokio::test]
async fn a_blob_missing_from_the_data_folder_stops_the_copy_with_nothing_committed() {
    let Some((database, bucket)) = targets().await else { return };
    let old = installation().await;
    std::fs::remove_file(old.data.join("blobs").join(format!("{}.blob", old.file.id))).unwrap();

    let run = migrate(&old.data, &database, &bucket).await;
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains(&format!("the blob of file {} is missing", old.file.id)), "{}", run.stderr);
    assert_eq!(rows_in(&database).await, 0);
    drop(old.data_root);
}

#[tokio::test]
async fn a_record_that_fails_midway_leaves_the_database_without_a_row_and_the_bucket_without_a_blob() {
    let Some((database, bucket)) = targets().await else { return };
    let old = installation().await;
    // Sessions are copied after shares and accounts: their rows are in the transaction when the
    // broken record stops it.
    const SESSIONS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("sessions");
    let db = redb::Database::open(old.data.join("coffer.redb")).unwrap();
    let txn = db.begin_write().unwrap();
    {
        let mut sessions = txn.open_table(SESSIONS).unwrap();
        let hash = sessions.iter().unwrap().next().unwrap().unwrap().0.value().to_vec();
        sessions.insert(hash.as_slice(), b"not a session".as_slice()).unwrap();
    }
    txn.commit().unwrap();
    drop(db);

    let run = migrate(&old.data, &database, &bucket).await;
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("corrupt record"), "{}", run.stderr);
    assert!(run.stderr.contains("The 2 blobs copied to"), "{}", run.stderr);
    assert_eq!(rows_in(&database).await, 0);
    let blobs = S3Blobs::open(&bucket, 1 << 20).unwrap();
    assert_eq!(blobs.list().await.unwrap(), Vec::<String>::new());
    drop(old.data_root);
}

#[tokio::test]
async fn without_a_bucket_the_blobs_stay_in_the_data_folder_and_one_server_serves_them_there() {
    let Some(database) = test_database().await else {
        println!("skipped: COFFER_TEST_DATABASE_URL is not set (scripts/services.sh)");
        return;
    };
    let old = installation().await;
    let run = migrate_into(&old.data, &database, None).await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let blob_line = run.stdout.lines().find(|line| line.starts_with("blobs: ")).unwrap();
    let expected = old.file.ciphertext().len() + old.unfinished.chunks[0].len();
    assert!(
        blob_line.starts_with(&format!("blobs: {expected} bytes of 2 files (4 chunks) checked in")),
        "{blob_line}"
    );
    assert!(blob_line.contains("left there"), "{blob_line}");

    let app = spawn_app_with(|settings| {
        settings.database_url = Some(database.clone());
        settings.blob_store = None;
        settings.data_dir = old.data.clone();
    })
    .await;
    let bytes = app.download(&old.file.id, &old.download, None).await.bytes().await.unwrap();
    assert_eq!(bytes.as_ref(), old.file.ciphertext().as_slice());
    let records = list(&app, &old.user).await;
    assert_eq!(open(&old.user, &records[0]).name, "kept across");
    let _ = app.stop().await;
    drop(old.data_root);
}

#[tokio::test]
async fn a_log_that_begins_unkeyed_moves_and_verifies_with_its_unkeyed_start_on_record() {
    let Some((database, bucket)) = targets().await else { return };
    let old = installation().await;
    // As a build from before the keying left it: every event unkeyed, no record of a switch.
    reseal(&old.data, |_, bytes| unkeyed_hash(bytes), |record| record.v = 1);
    std::fs::remove_file(old.data.join("audit-keyed-from")).unwrap();

    let run = migrate(&old.data, &database, &bucket).await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let secret = old.data.join("server-secret");
    let verify = || {
        server(vec![
            "audit".into(),
            "verify".into(),
            "--database-url".into(),
            database.expose().into(),
            "--server-secret-file".into(),
            secret.display().to_string(),
        ])
    };
    let checked = verify().await;
    assert_eq!(checked.code, 0, "{}{}", checked.stdout, checked.stderr);

    // Whoever holds only the database cannot move the switch (to pass unkeyed events off as
    // the server's) nor drop its record.
    let (client, connection) =
        tokio_postgres::connect(database.expose(), tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    let row = "starts_with(name, 'audit_keyed_from:')";
    let value: Vec<u8> =
        client.query_one(&format!("SELECT value FROM cluster WHERE {row}"), &[]).await.unwrap().get(0);
    let kept = String::from_utf8(value.clone()).unwrap();
    let moved = format!("999999:{}", kept.split_once(':').unwrap().1);
    client
        .execute(&format!("UPDATE cluster SET value = $1 WHERE {row}"), &[&moved.as_bytes()])
        .await
        .unwrap();
    let forged = verify().await;
    assert_eq!(forged.code, 1, "{}{}", forged.stdout, forged.stderr);
    assert!(forged.stdout.contains("does not carry the server's tag"), "{}", forged.stdout);
    client.execute(&format!("DELETE FROM cluster WHERE {row}"), &[]).await.unwrap();
    let dropped = verify().await;
    assert_eq!(dropped.code, 1, "{}{}", dropped.stdout, dropped.stderr);
    assert!(dropped.stdout.contains("unkeyed"), "{}", dropped.stdout);
    client
        .execute("INSERT INTO cluster (name, value) VALUES ('audit_keyed_from:imported/0', $1)", &[&value])
        .await
        .unwrap();

    // The servers go on with keyed events in chains of their own.
    let app = spawn_app_with(|settings| {
        settings.database_url = Some(database.clone());
        settings.blob_store = Some(bucket.clone());
        settings.server_secret_file = Some(secret.clone());
        settings.server_id = Some("after-1".into());
    })
    .await;
    app.create(&TestShare::new("after the move", 1)).await;
    drop(app);
    let checked = verify().await;
    assert_eq!(checked.code, 0, "{}{}", checked.stdout, checked.stderr);
    assert!(checked.stdout.contains("server after-1/"), "{}", checked.stdout);
    drop(old.data_root);
}
