//! The vault's byte limit (`--vault-max-bytes`, docs/api.md, "Vault"): a create or an edit that
//! would take the sum of a vault's envelopes over it is a 507 `vault_full` that stores nothing,
//! to the exact byte and however many writes race; a delete frees the space. The flag, and the
//! database's page cache that bounds the server's memory (`--db-cache-bytes`), take only their
//! documented ranges.

use clap::Parser;
use coffer_backend::settings::Settings;
use coffer_backend::store::{PageSize, RecordWrite, Store, StoreError, VaultLimit, VaultLimits};
use coffer_shared::b64;
use coffer_shared::crypto::vault::{VaultRecord, seal_record};
use coffer_shared::id::{AccountId, RecordId};
use reqwest::Method;
use serde_json::json;

use crate::helpers::{TestApp, cluster, json, spawn_app_in, spawn_app_with};
use crate::users::TestUser;
use crate::vault::{create, list, note, open, post_record};

/// A note of `kib` KiB of text, named `name` (same `kib` and name length: same sealed size).
fn sized(name: &str, kib: usize) -> VaultRecord {
    let mut record = note(name);
    record.notes = "x".repeat(kib * 1024);
    record
}

/// The sealed size of [`sized`] records of `kib` KiB.
fn sealed_len(user: &TestUser, kib: usize) -> u64 {
    let id = RecordId::random();
    seal_record(user.vault_key(), &id, &sized("n0", kib)).len() as u64
}

/// `PUT` of `record` as an edit of `revision`.
async fn edit(
    app: &TestApp,
    user: &TestUser,
    id: &RecordId,
    revision: u64,
    record: &VaultRecord,
) -> reqwest::Response {
    let body =
        json!({ "revision": revision, "envelope": b64::encode(seal_record(user.vault_key(), id, record)) });
    app.send_as(Some(&user.browser), Method::PUT, &format!("/api/v1/vault/records/{id}"), Some(&body)).await
}

async fn assert_vault_full(response: reqwest::Response) {
    assert_eq!(response.status(), 507);
    let body = json(response).await;
    assert_eq!(body["code"], "vault_full");
    assert!(body["message"].as_str().unwrap().contains("bytes"), "{}", body["message"]);
}

#[tokio::test]
async fn the_byte_limit_holds_to_the_exact_byte_and_a_delete_frees_the_space() {
    let probe = spawn_app_with(|_| {}).await;
    let len = sealed_len(&probe.sign_up("probe@example.com").await, 30);
    let app = spawn_app_with(|settings| settings.vault_max_bytes = 3 * len).await;
    let user = app.sign_up("alice@example.com").await;
    let mut ids = Vec::new();
    for name in ["n1", "n2", "n3"] {
        ids.push(create(&app, &user, &sized(name, 30)).await.0);
    }
    let usage = app.state.store.vault_usage(user.account_id.clone()).await.unwrap();
    assert_eq!((usage.records, usage.bytes), (3, 3 * len), "full to the exact byte");

    let (_, refused) = post_record(&app, &user, &note("tiny")).await;
    assert_vault_full(refused).await;
    assert_vault_full(edit(&app, &user, &ids[0], 1, &sized("n1", 31)).await).await;
    assert_eq!(app.state.store.record_count().await.unwrap(), 3, "nothing stored");
    let listed = list(&app, &user).await;
    assert!(listed.iter().all(|record| record["revision"] == 1), "no edit stored");

    let shrunk = edit(&app, &user, &ids[0], 1, &sized("n1", 1)).await;
    assert_eq!(shrunk.status(), 200, "an edit that shrinks always fits");
    let path = format!("/api/v1/vault/records/{}", ids[1]);
    assert_eq!(app.send_as(Some(&user.browser), Method::DELETE, &path, None).await.status(), 204);
    create(&app, &user, &sized("n4", 30)).await;
    let usage = app.state.store.vault_usage(user.account_id.clone()).await.unwrap();
    assert_eq!(usage.records, 3);
    assert!(usage.bytes < 3 * len && usage.bytes > 2 * len);
    let other = app.sign_up("bob@example.com").await;
    create(&app, &other, &sized("n1", 30)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_writers_over_three_servers_never_take_a_vault_past_its_byte_limit() {
    let probe = spawn_app_with(|_| {}).await;
    let len = sealed_len(&probe.sign_up("probe@example.com").await, 20);
    let servers = cluster(3, |settings| settings.vault_max_bytes = 5 * len).await;
    let app = &servers[0];
    let user = app.sign_up("alice@example.com").await;
    let (servers_ref, user_ref) = (&servers, &user);
    let answers = futures_util::future::join_all((0..50).map(|i| async move {
        let server = &servers_ref[i % servers_ref.len()];
        let (_, response) = post_record(server, user_ref, &sized(&format!("c{:02}", i), 20)).await;
        response.status().as_u16()
    }))
    .await;
    assert_eq!(answers.iter().filter(|&&status| status == 201).count(), 5, "{answers:?}");
    assert_eq!(answers.iter().filter(|&&status| status == 507).count(), 45, "{answers:?}");
    let usage = app.state.store.vault_usage(user.account_id.clone()).await.unwrap();
    assert_eq!((usage.records, usage.bytes), (5, 5 * len));
    assert_eq!(app.state.store.record_count().await.unwrap(), 5);
}

#[tokio::test]
async fn the_totals_are_rebuilt_from_the_records_of_a_database_written_before_them() {
    let probe = spawn_app_with(|_| {}).await;
    let len = sealed_len(&probe.sign_up("probe@example.com").await, 30);
    let app = spawn_app_with(|settings| settings.vault_max_bytes = 3 * len).await;
    if app.state.settings.database_url.is_some() {
        return; // redb only: PostgreSQL has kept the totals since its first schema.
    }
    let user = app.sign_up("alice@example.com").await;
    for name in ["n1", "n2"] {
        create(&app, &user, &sized(name, 30)).await;
    }
    let root = app.stop().await;
    {
        let db = redb::Database::open(root.path().join("data").join("coffer.redb")).unwrap();
        let txn = db.begin_write().unwrap();
        let usage: redb::TableDefinition<&str, (u64, u64, u64)> = redb::TableDefinition::new("vault_usage");
        assert!(txn.delete_table(usage).unwrap(), "the table this build adds");
        txn.commit().unwrap();
    }
    let app = spawn_app_in(root, |settings| settings.vault_max_bytes = 3 * len).await;
    let usage = app.state.store.vault_usage(user.account_id.clone()).await.unwrap();
    assert_eq!((usage.records, usage.bytes), (2, 2 * len));
    create(&app, &user, &sized("n3", 30)).await;
    assert_vault_full(post_record(&app, &user, &note("tiny")).await.1).await;
    assert_eq!(open(&user, &list(&app, &user).await[0]).notes.len(), 30 * 1024);
}

#[test]
fn the_byte_limit_and_the_page_cache_take_only_values_in_their_documented_ranges() {
    let parse = |flag: &str, value: &str| Settings::try_parse_from(["coffer-server", flag, value]);
    let defaults = Settings::parse_from(["coffer-server"]);
    assert_eq!((defaults.vault_max_bytes, defaults.db_cache_bytes), (64 << 20, 64 << 20));
    for (flag, least, most) in
        [("--vault-max-bytes", 65_536_u64, 655_360_000), ("--db-cache-bytes", 1 << 20, 1 << 34)]
    {
        assert!(parse(flag, &least.to_string()).is_ok(), "{flag} {least}");
        assert!(parse(flag, &most.to_string()).is_ok(), "{flag} {most}");
        for refused in [least - 1, most + 1] {
            assert!(parse(flag, &refused.to_string()).is_err(), "{flag} {refused}");
        }
        assert!(parse(flag, "lots").is_err(), "{flag} lots");
    }
    let set = parse("--db-cache-bytes", "2097152").unwrap();
    assert_eq!(set.db_cache_bytes, 2 << 20);
}

/// Store writes racing over the servers of a cluster, each server's store in turn.
async fn race<'a, T>(
    servers: &'a [TestApp],
    count: usize,
    write: impl Fn(usize, &'a Store) -> T,
) -> Vec<T::Output>
where
    T: std::future::Future,
{
    futures_util::future::join_all((0..count).map(|i| write(i, &servers[i % servers.len()].state.store)))
        .await
}

/// The records a vault holds and their envelope bytes, counted from the records themselves.
async fn counted(app: &TestApp, account: &AccountId) -> (u64, u64) {
    let size = PageSize { records: 1000, bytes: usize::MAX };
    let page = app.state.store.records_page(account.clone(), None, size).await.unwrap();
    assert!(page.next.is_none());
    (page.rows.len() as u64, page.rows.iter().map(|row| row.envelope.len() as u64).sum())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn creates_edits_and_deletes_racing_over_three_servers_keep_both_limits_exactly() {
    let servers = cluster(3, |_| {}).await;
    let store = &servers[0].state.store;
    let now = crate::helpers::START;

    // Records: 4 stored, 3 free places, 40 creates at once.
    let limits = VaultLimits { max_records: 7, max_bytes: 1 << 20 };
    let account = servers[0].sign_up("records@example.com").await.account_id;
    for _ in 0..4 {
        let stored = store.create_record(account.clone(), RecordId::random(), vec![1; 10], now, limits).await;
        assert!(matches!(stored, Ok(RecordWrite::Stored(_))));
    }
    let answers = race(&servers, 40, |_, store| {
        store.create_record(account.clone(), RecordId::random(), vec![2; 10], now, limits)
    })
    .await;
    let stored = answers.iter().filter(|answer| matches!(answer, Ok(RecordWrite::Stored(_)))).count();
    let full = answers.iter().filter(|answer| matches!(answer, Ok(RecordWrite::Full(VaultLimit::Records))));
    assert_eq!((stored, full.count()), (3, 37), "{answers:?}");
    let usage = store.vault_usage(account.clone()).await.unwrap();
    assert_eq!((usage.records, usage.bytes, usage.version), (7, 70, 7));
    assert_eq!(counted(&servers[0], &account).await, (7, 70));

    // Bytes: 10 records of 100 bytes in 1,000; at once, the first 5 deleted, each of the other
    // 5 edited up to 150 bytes, and 30 creates of 100 bytes.
    let limits = VaultLimits { max_records: 1000, max_bytes: 1000 };
    let account = servers[0].sign_up("bytes@example.com").await.account_id;
    let mut ids = Vec::new();
    for _ in 0..10 {
        let id = RecordId::random();
        store.create_record(account.clone(), id.clone(), vec![3; 100], now, limits).await.unwrap();
        ids.push(id);
    }
    let (ids, account) = (&ids, &account);
    let answers = race(&servers, 40, |i, store| async move {
        match i {
            0..5 => Ok(u8::from(store.delete_record(account.clone(), ids[i].clone()).await?)),
            5..10 => {
                let edit = store.update_record(account.clone(), ids[i].clone(), 1, vec![4; 150], now, limits);
                Ok(u8::from(matches!(edit.await?, RecordWrite::Stored(_))))
            }
            _ => {
                let create =
                    store.create_record(account.clone(), RecordId::random(), vec![5; 100], now, limits);
                Ok::<_, StoreError>(u8::from(matches!(create.await?, RecordWrite::Stored(_))))
            }
        }
    })
    .await;
    let answers: Vec<u8> = answers.into_iter().map(Result::unwrap).collect();
    assert!(answers[..5].iter().all(|&deleted| deleted == 1));
    let (edited, created) = (answers[5..10].iter().sum::<u8>(), answers[10..].iter().sum::<u8>());
    let (records, bytes) = counted(&servers[1 % servers.len()], account).await;
    assert_eq!(records, 5 + u64::from(created));
    assert_eq!(bytes, 500 + 50 * u64::from(edited) + 100 * u64::from(created));
    assert!(bytes <= 1000, "{bytes}");
    let usage = store.vault_usage(account.clone()).await.unwrap();
    assert_eq!((usage.records, usage.bytes), (records, bytes), "the totals are the records'");
    assert_eq!(usage.version, 10 + 5 + u64::from(edited) + u64::from(created), "one version per change");
}
