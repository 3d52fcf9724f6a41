//! The vault's byte limit (`--vault-max-bytes`, docs/api.md, "Vault"): a create or an edit that
//! would take the sum of a vault's envelopes over it is a 507 `vault_full` that stores nothing,
//! to the exact byte and however many writes race; a delete frees the space. The flag, and the
//! database's page cache that bounds the server's memory (`--db-cache-bytes`), take only their
//! documented ranges.

use clap::Parser;
use coffer_backend::settings::Settings;
use coffer_shared::b64;
use coffer_shared::crypto::vault::{VaultRecord, seal_record};
use coffer_shared::id::RecordId;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{TestApp, json, spawn_app_in, spawn_app_with};
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

#[tokio::test]
async fn fifty_concurrent_writers_never_take_a_vault_past_its_byte_limit() {
    let probe = spawn_app_with(|_| {}).await;
    let len = sealed_len(&probe.sign_up("probe@example.com").await, 20);
    let app = spawn_app_with(|settings| settings.vault_max_bytes = 5 * len).await;
    let user = app.sign_up("alice@example.com").await;
    let (app_ref, user_ref) = (&app, &user);
    let answers = futures_util::future::join_all((0..50).map(|i| async move {
        let (_, response) = post_record(app_ref, user_ref, &sized(&format!("c{:02}", i), 20)).await;
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
