//! Nothing is answered, and no blob deleted, on the strength of a commit that is not durable yet
//! (`group_commit.rs`). A "crash" here is a copy of coffer.redb taken while that commit waits for
//! its durable commit: the file then holds exactly what a kill -9 at that moment would leave (a
//! `Durability::None` commit only changes redb's in-memory header).

// The tests hold the durable-commit lock across awaits on purpose: that is the crash window.
#![allow(clippy::await_holding_lock)]

use std::sync::Arc;
use std::time::Duration;

use coffer_shared::crypto::file_meta::FileId;
use coffer_shared::token::TokenHash;

use super::RedbStore;
use crate::store::{Expiry, FinishOutcome, NewUpload};

fn upload(id: &FileId, token_hash: TokenHash, owner: Option<coffer_shared::id::AccountId>) -> NewUpload {
    NewUpload {
        id: id.clone(),
        size: 10,
        chunk_size: 1 << 16,
        chunk_count: 1,
        token_hash,
        owner,
        now: 1_000,
        expires_at: 10_000,
        quota: 0,
        holder: "ip:test".into(),
        holder_cap: 0,
        anonymous_room: None,
        min_free: 0,
    }
}

/// The database as a kill -9 right now would leave it, opened in a fresh folder.
fn crash_image(data: &std::path::Path) -> (tempfile::TempDir, RedbStore) {
    let copy = tempfile::tempdir().unwrap();
    std::fs::copy(data.join("coffer.redb"), copy.path().join("coffer.redb")).unwrap();
    let store = RedbStore::open_existing(copy.path()).unwrap();
    (copy, store)
}

async fn ready_upload(store: &RedbStore) -> (FileId, TokenHash) {
    let id = FileId::random();
    let token = TokenHash::from([7u8; 32]);
    store.start_upload(upload(&id, token, None), || Ok(u64::MAX)).await.unwrap();
    let expiry = Expiry { at: 10_000, max_age: 100_000 };
    store.record_chunk(id.clone(), token, 0, [1; 32], expiry).await.unwrap();
    (id, token)
}

/// purge_blobs deletes the blobs named in blob_trash. A cancel (any remove_file in a
/// group-commit Write) is in the trash as soon as it commits without fsync; a crash before its
/// durable commit brings the file back, its blob already deleted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blob_trash_names_a_file_that_a_crash_brings_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = RedbStore::open(dir.path()).unwrap();
    let (id, token) = ready_upload(&store).await;

    let db = Arc::clone(&store.db);
    let durable = db.hold_durable();
    let cancel = {
        let (store, id) = (store.clone(), id.clone());
        tokio::spawn(async move { store.cancel_upload(id, token).await })
    };
    // What purge_blobs reads.
    let mut trash = Vec::new();
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(10)).await;
        match tokio::time::timeout(Duration::from_millis(200), store.blob_trash()).await {
            Ok(read) => trash = read.unwrap(),
            // It waits for the cancel's durable commit: right.
            Err(_) => break,
        }
        if !trash.is_empty() {
            break;
        }
    }
    assert!(!cancel.is_finished(), "the cancel is not answered: its commit is not durable");
    let (_copy, crashed) = crash_image(dir.path());
    let back = crashed.file_ids().await.unwrap().contains(id.as_str());
    drop(durable);
    assert!(cancel.await.unwrap().unwrap());
    assert!(
        !(trash.contains(&id.to_string()) && back),
        "blob_trash named {id} (purge_blobs deletes its blob now) but after a crash the file is stored again"
    );
}

/// A finish sent again while the first is waiting for its durable commit is answered
/// Finished at once (no commit, so no wait); a crash then loses the finish that answer
/// vouched for.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_finish_is_answered_before_the_finish_is_durable() {
    let dir = tempfile::tempdir().unwrap();
    let store = RedbStore::open(dir.path()).unwrap();
    let (id, token) = ready_upload(&store).await;

    let db = Arc::clone(&store.db);
    let durable = db.hold_durable();
    let first = {
        let (store, id) = (store.clone(), id.clone());
        tokio::spawn(async move { store.finish_upload(id, token, b"meta".to_vec()).await })
    };
    let mut again = None;
    for _ in 0..200 {
        tokio::time::sleep(Duration::from_millis(10)).await;
        let outcome = tokio::time::timeout(
            Duration::from_millis(500),
            store.finish_upload(id.clone(), token, b"meta".to_vec()),
        )
        .await;
        match outcome {
            Ok(Ok(FinishOutcome::Finished(_))) => {
                again = Some(());
                break;
            }
            // Incomplete: the first has not committed yet.
            Ok(Ok(FinishOutcome::Incomplete(_))) => continue,
            // It waits for the first's durable commit: right.
            Err(_) => break,
            other => panic!("{other:?}"),
        }
    }
    let answered = again.is_some();
    assert!(!first.is_finished());
    let (_copy, crashed) = crash_image(dir.path());
    let status = crashed.upload_status(id.clone(), token).await.unwrap().unwrap();
    drop(durable);
    first.await.unwrap().unwrap();
    assert!(
        !answered || status.finished,
        "the repeated finish was answered Finished, but after a crash the upload is not finished"
    );
}
