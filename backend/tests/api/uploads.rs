//! Uploads: chunks counted once, checked for length and checksum, resumable (also across a
//! server restart), limited by size and quota, and swept when abandoned.

use coffer_backend::sweeper::sweep_once;
use futures_util::future::join_all;
use serde_json::json;

use crate::file_helpers::{Announced, TestFile, sha256_b64};
use crate::helpers::{cluster, json, on_disk_blobs, spawn_app, spawn_app_with};
use crate::upload_limits::{CHARGED, CIPHERTEXT, outcomes};

const SMALL: u32 = 64;

#[tokio::test]
async fn a_chunk_sent_twice_counts_once_and_other_bytes_for_it_conflict() {
    let app = spawn_app().await;
    let file = TestFile::vault(200, SMALL);
    assert_eq!(json(app.start_upload(&file, None, false).await).await["chunk_count"], 4);
    let first = json(app.put_chunk(&file, 1, file.chunks[1].clone()).await).await;
    assert_eq!(first, json!({ "received": 1, "chunk_count": 4 }));
    let again = app.put_chunk(&file, 1, file.chunks[1].clone()).await;
    assert_eq!(again.status(), 200);
    assert_eq!(json(again).await["received"], 1);
    let other = app.put_chunk(&file, 1, file.chunks[0].clone()).await;
    assert_eq!(other.status(), 409);
    assert_eq!(json(other).await["code"], "chunk_conflict");
    let status = json(app.upload_call(&file, "status").await).await;
    assert_eq!(status["received"], json!([[1, 1]]));
}

#[tokio::test]
async fn a_chunk_of_the_wrong_length_or_checksum_is_refused_and_not_counted() {
    let app = spawn_app().await;
    let file = TestFile::vault(200, SMALL);
    app.start_upload(&file, None, false).await;
    let short = app.put_chunk(&file, 0, file.chunks[0][..40].to_vec()).await;
    assert_eq!((short.status().as_u16(), json(short).await["code"].clone()), (422, json!("invalid_chunk")));
    let mut long = file.chunks[0].clone();
    long.push(0);
    let long = app.put_chunk(&file, 0, long).await;
    assert_eq!((long.status().as_u16(), json(long).await["code"].clone()), (422, json!("invalid_chunk")));
    let wrong_sum = app.put_chunk_with(&file, 0, file.chunks[0].clone(), &sha256_b64(b"other")).await;
    assert_eq!(
        (wrong_sum.status().as_u16(), json(wrong_sum).await["code"].clone()),
        (422, json!("checksum_mismatch"))
    );
    let past_end = app.put_chunk(&file, 4, file.chunks[3].clone()).await;
    assert_eq!(json(past_end).await["code"], "invalid_chunk");
    let status = json(app.upload_call(&file, "status").await).await;
    assert_eq!(status["received"], json!([]));
    // The refused bytes left nothing behind that counts: the right chunk is taken afterwards.
    assert_eq!(app.put_chunk(&file, 0, file.chunks[0].clone()).await.status(), 200);
}

#[tokio::test]
async fn finishing_with_a_chunk_missing_is_409_and_a_finished_upload_takes_no_chunks() {
    let app = spawn_app().await;
    let file = TestFile::vault(300, SMALL);
    app.start_upload(&file, None, false).await;
    for index in [0, 2, 4] {
        app.put_chunk(&file, index, file.chunks[index as usize].clone()).await;
    }
    let early = app.finish_upload(&file).await;
    assert_eq!(early.status(), 409);
    let body = json(early).await;
    assert_eq!((body["code"].clone(), body["missing"].clone()), (json!("upload_incomplete"), json!(2)));
    let status = json(app.upload_call(&file, "status").await).await;
    assert_eq!(status["received"], json!([[0, 0], [2, 2], [4, 4]]));
    assert_eq!(status["finished"], false);
    for index in [1, 3] {
        app.put_chunk(&file, index, file.chunks[index as usize].clone()).await;
    }
    assert_eq!(app.finish_upload(&file).await.status(), 200);
    assert_eq!(app.finish_upload(&file).await.status(), 200, "finishing again with the same metadata");
    let late = app.put_chunk(&file, 0, file.chunks[0].clone()).await;
    assert_eq!((late.status().as_u16(), json(late).await["code"].clone()), (409, json!("upload_finished")));
    assert_eq!(json(app.upload_call(&file, "status").await).await["finished"], true);
}

#[tokio::test]
async fn an_upload_resumes_after_the_server_restarts() {
    let app = spawn_app_with(on_disk_blobs).await;
    let file = TestFile::vault(64 * 10 + 5, SMALL);
    app.start_upload(&file, None, false).await;
    for index in 0..6 {
        app.put_chunk(&file, index, file.chunks[index as usize].clone()).await;
    }
    // A crash while chunk 6 was being written leaves bytes on disk that were never recorded.
    let blob_path = app.data_dir().join("blobs").join(format!("{}.blob", file.id));
    let mut torn = std::fs::read(&blob_path).unwrap();
    torn.extend_from_slice(&[0xee; 50]);
    std::fs::write(&blob_path, torn).unwrap();
    let app = app.restart(|_| {}).await;
    let status = json(app.upload_call(&file, "status").await).await;
    assert_eq!(status["received"], json!([[0, 5]]));
    assert_eq!(status["chunk_count"], 11);
    for index in 6..11 {
        assert_eq!(app.put_chunk(&file, index, file.chunks[index as usize].clone()).await.status(), 200);
    }
    assert_eq!(app.finish_upload(&file).await.status(), 200);
    assert_eq!(std::fs::read(&blob_path).unwrap(), file.ciphertext());
}

#[tokio::test]
async fn a_file_over_the_size_limit_is_413_before_anything_is_stored() {
    let app = spawn_app_with(|settings| settings.max_file_size = 1000).await;
    let config = json(app.client.get(format!("{}/api/v1/config", app.address)).send().await.unwrap()).await;
    assert_eq!(config["max_file_size"], 1000);
    let file = TestFile::vault(1001, SMALL);
    let response = app.start_upload(&file, None, false).await;
    assert_eq!(
        (response.status().as_u16(), json(response).await["code"].clone()),
        (413, json!("file_too_large"))
    );
    assert_eq!(app.upload_call(&file, "status").await.status(), 404);
    app.upload(&TestFile::vault(1000, SMALL), None, false).await;
}

#[tokio::test]
async fn starting_past_the_storage_quota_is_507_until_room_is_freed() {
    // 200 bytes in 4 chunks are 264 bytes of ciphertext; two of them do not fit in 500.
    let app = spawn_app_with(|settings| settings.storage_quota = 500).await;
    let first = TestFile::vault(200, SMALL);
    let second = TestFile::vault(200, SMALL);
    assert_eq!(app.start_upload(&first, None, false).await.status(), 201);
    let refused = app.start_upload(&second, None, false).await;
    assert_eq!(
        (refused.status().as_u16(), json(refused).await["code"].clone()),
        (507, json!("storage_full"))
    );
    assert_eq!(app.upload_call(&second, "status").await.status(), 404, "nothing of it is stored");
    app.put_chunk(&first, 0, first.chunks[0].clone()).await;
    assert_eq!(app.upload_call(&first, "cancel").await.status(), 204);
    assert_eq!(app.upload_call(&first, "status").await.status(), 404);
    assert!(app.blob_ids().await.is_empty(), "cancel deletes the bytes");
    assert_eq!(app.start_upload(&second, None, false).await.status(), 201);
}

#[tokio::test]
async fn starting_an_upload_the_disk_cannot_hold_is_507_and_stores_nothing() {
    // No file system here has an exbibyte free: the free-space floor refuses every start.
    let app = spawn_app_with(|settings| {
        on_disk_blobs(settings);
        settings.min_free_disk = 1 << 60;
    })
    .await;
    let file = TestFile::vault(200, SMALL);
    let refused = app.start_upload(&file, None, false).await;
    assert_eq!(
        (refused.status().as_u16(), json(refused).await["code"].clone()),
        (507, json!("storage_full"))
    );
    assert_eq!(app.upload_call(&file, "status").await.status(), 404, "nothing of it is stored");
    assert!(app.blob_ids().await.is_empty());
}

#[tokio::test]
async fn a_chunk_the_disk_runs_out_of_space_for_is_507_and_not_counted() {
    let app = spawn_app_with(on_disk_blobs).await;
    let file = TestFile::vault(200, SMALL);
    app.start_upload(&file, None, false).await;
    assert_eq!(app.put_chunk(&file, 0, file.chunks[0].clone()).await.status(), 200);
    // The kernel's own "no space left on device": every write to /dev/full fails with ENOSPC.
    let blob_path = app.data_dir().join("blobs").join(format!("{}.blob", file.id));
    let written = std::fs::read(&blob_path).unwrap();
    std::fs::remove_file(&blob_path).unwrap();
    std::os::unix::fs::symlink("/dev/full", &blob_path).unwrap();
    let full = app.put_chunk(&file, 1, file.chunks[1].clone()).await;
    assert_eq!((full.status().as_u16(), json(full).await["code"].clone()), (507, json!("storage_full")));
    assert_eq!(json(app.upload_call(&file, "status").await).await["received"], json!([[0, 0]]));
    assert_eq!(app.finish_upload(&file).await.status(), 409, "nothing half-written can be finished");

    // Space again: the chunk is sent again and the file completes byte for byte.
    std::fs::remove_file(&blob_path).unwrap();
    std::fs::write(&blob_path, written).unwrap();
    for index in 1..4 {
        assert_eq!(app.put_chunk(&file, index, file.chunks[index as usize].clone()).await.status(), 200);
    }
    assert_eq!(app.finish_upload(&file).await.status(), 200);
    assert_eq!(std::fs::read(&blob_path).unwrap(), file.ciphertext());
}

#[tokio::test]
async fn abandoned_uploads_are_swept_with_their_blobs() {
    let app = spawn_app().await;
    let abandoned = TestFile::vault(200, SMALL);
    let active = TestFile::vault(200, SMALL);
    app.start_upload(&abandoned, None, false).await;
    app.put_chunk(&abandoned, 0, abandoned.chunks[0].clone()).await;
    app.clock.advance(80_000);
    app.start_upload(&active, None, false).await;
    app.put_chunk(&active, 0, active.chunks[0].clone()).await;
    app.clock.advance(10_000);
    // The abandoned upload's last chunk is 90,000 s old, past the 86,400 s expiry.
    sweep_once(&app.state).await;
    assert_eq!(app.upload_call(&abandoned, "status").await.status(), 404);
    assert_eq!(app.blob_ids().await, vec![active.id.to_string()]);
    let status = json(app.upload_call(&active, "status").await).await;
    assert_eq!(status["received"], json!([[0, 0]]));
}

#[tokio::test]
async fn a_blob_without_a_record_is_deleted_after_a_start() {
    let app = spawn_app().await;
    let kept = TestFile::vault(100, SMALL);
    app.start_upload(&kept, None, false).await;
    app.put_chunk(&kept, 0, kept.chunks[0].clone()).await;
    let orphan = "AAAAAAAAAAAAAAAAAAAAAA";
    let mut body = futures_util::stream::iter([Ok(bytes::Bytes::from_static(b"orphan"))]);
    app.state.blobs.write_at(orphan, 0, 6, &mut body).await.unwrap();
    let app = app.restart(|_| {}).await;
    // The first sweep, right after the start, scans the store.
    for _ in 0..100 {
        if app.blob_ids().await.len() == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(app.blob_ids().await, vec![kept.id.to_string()]);
}

#[tokio::test]
async fn a_vault_upload_needs_a_session_and_a_wrong_token_finds_nothing() {
    let app = spawn_app().await;
    let file = TestFile::vault(100, SMALL);
    let response = app.start_upload(&file, None, true).await;
    assert_eq!(response.status(), 401);
    app.start_upload(&file, None, false).await;
    let mut wrong = TestFile::vault(100, SMALL);
    wrong.id = file.id.clone();
    assert_eq!(app.upload_call(&wrong, "status").await.status(), 404);
    assert_eq!(app.put_chunk(&wrong, 0, file.chunks[0].clone()).await.status(), 404);
    assert_eq!(app.upload_call(&wrong, "cancel").await.status(), 404);
}

/// Sends a chunk with `Transfer-Encoding: chunked` (no `Content-Length`), so only the
/// server's streaming cap can stop it; returns the raw response.
async fn put_chunk_streamed(
    app: &crate::helpers::TestApp,
    file: &TestFile,
    index: u64,
    body: &[u8],
) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(app.address.trim_start_matches("http://")).await.unwrap();
    let head = format!(
        "PUT /api/v1/uploads/{}/chunks/{index} HTTP/1.1\r\nHost: localhost\r\nX-Coffer-Upload-Token: {}\r\n\
         X-Coffer-Chunk-Sha256: {}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n",
        file.id,
        file.token,
        sha256_b64(body),
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    stream.write_all(b"\r\n0\r\n\r\n").await.unwrap();
    let mut response = Vec::new();
    // The server may close before reading the rest; what it answered is what counts.
    let _ = stream.read_to_end(&mut response).await;
    String::from_utf8_lossy(&response).into_owned()
}

#[tokio::test]
async fn a_streamed_chunk_is_cut_off_at_its_length_and_not_counted() {
    let app = spawn_app().await;
    let file = TestFile::vault(200, SMALL);
    app.start_upload(&file, None, false).await;
    let mut long = file.chunks[0].clone();
    long.extend_from_slice(&[7; 4000]);
    let response = put_chunk_streamed(&app, &file, 0, &long).await;
    assert!(response.starts_with("HTTP/1.1 422"), "{response}");
    assert!(response.contains("invalid_chunk"), "{response}");
    assert_eq!(json(app.upload_call(&file, "status").await).await["received"], json!([]));
    let exact = put_chunk_streamed(&app, &file, 0, &file.chunks[0]).await;
    assert!(exact.starts_with("HTTP/1.1 200"), "{exact}");
    assert_eq!(json(app.upload_call(&file, "status").await).await["received"], json!([[0, 0]]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_chunks_and_finishes_on_every_server_count_each_chunk_once_and_finish_once() {
    let servers = &cluster(2, |settings| settings.upload_reserve_anonymous = 2 * CHARGED).await;
    let (first, second) = (&servers[0], &servers[servers.len() - 1]);
    let store = &first.state.store;
    let (other, file) = (TestFile::vault(200, SMALL), TestFile::vault(200, SMALL));
    assert_eq!(first.start_upload(&other, None, false).await.status(), 201);
    assert_eq!(second.start_upload(&file, None, false).await.status(), 201);
    // Each chunk sent to both servers at once: counted once, written off the reservation once.
    let sent = join_all((0..4).flat_map(|index| {
        let chunk = file.chunks[index as usize].clone();
        [first.put_chunk(&file, index, chunk.clone()), second.put_chunk(&file, index, chunk)]
    }))
    .await;
    assert!(sent.iter().all(|answer| answer.status() == 200));
    assert_eq!(json(first.upload_call(&file, "status").await).await["received"], json!([[0, 3]]));
    assert_eq!(store.reserved_bytes().await.unwrap(), CIPHERTEXT, "only `other` is left to write");

    // Sixteen finishes at once, half with another metadata envelope: one of them wins, every
    // finish with its metadata is 200, every other 409.
    let finishes = join_all((0..16).map(|i| {
        let metadata = if i % 2 == 0 { &file.metadata } else { &other.metadata };
        let body = json!({ "upload_token": file.token, "metadata": coffer_shared::b64::encode(metadata) });
        let path = format!("/api/v1/uploads/{}/finish", file.id);
        async move { servers[i % servers.len()].post(&path, &body).await }
    }))
    .await;
    let finished = outcomes(finishes).await;
    let won: Vec<bool> = finished.iter().map(|outcome| outcome.0 == 200).collect();
    assert!(
        won == (0..16).map(|i| i % 2 == 0).collect::<Vec<_>>()
            || won == (0..16).map(|i| i % 2 == 1).collect::<Vec<_>>(),
        "{finished:?}"
    );
    assert!(finished.iter().all(|outcome| outcome.0 == 200 || *outcome == (409, json!("upload_finished"))));
    // The file left its network's cap once: room for exactly one more of six starts at once.
    let more: Vec<TestFile> = (0..6).map(|_| TestFile::vault(200, SMALL)).collect();
    let starts = join_all(
        more.iter().enumerate().map(|(i, file)| servers[i % servers.len()].start_upload(file, None, false)),
    )
    .await;
    assert_eq!(starts.iter().filter(|answer| answer.status() == 201).count(), 1);
    assert_eq!(store.reserved_bytes().await.unwrap(), 2 * CIPHERTEXT);

    // The last chunk and finishes at once: a finish is 200 only once the chunk is counted.
    for index in 0..3 {
        assert_eq!(first.put_chunk(&other, index, other.chunks[index as usize].clone()).await.status(), 200);
    }
    let (chunk, finishes) = tokio::join!(
        second.put_chunk(&other, 3, other.chunks[3].clone()),
        join_all((0..4).map(|i| servers[i % servers.len()].finish_upload(&other)))
    );
    assert_eq!(chunk.status(), 200);
    let finishes = outcomes(finishes).await;
    assert!(
        finishes.iter().all(|outcome| outcome.0 == 200 || outcome.1 == json!("upload_incomplete")),
        "{finishes:?}"
    );
    assert_eq!(first.finish_upload(&other).await.status(), 200);
    assert_eq!(store.reserved_bytes().await.unwrap(), CIPHERTEXT, "only the last start is left to write");
}

/// Opens `PUT` chunk `index` of `upload`, announcing its whole length, and sends one byte.
async fn stall_chunk(app: &crate::helpers::TestApp, upload: &Announced, index: u64) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let body = upload.chunk(index);
    let mut stream = tokio::net::TcpStream::connect(app.address.trim_start_matches("http://")).await.unwrap();
    let head = format!(
        "PUT /api/v1/uploads/{}/chunks/{index} HTTP/1.1\r\nHost: localhost\r\nX-Coffer-Upload-Token: {}\r\n\
         X-Coffer-Chunk-Sha256: {}\r\nContent-Length: {}\r\n\r\n",
        upload.id,
        upload.token,
        sha256_b64(&body),
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body[..1]).await.unwrap();
    stream
}

#[tokio::test]
async fn chunks_whose_bodies_stall_hold_no_room_from_others_and_are_dropped_after_30_seconds() {
    use tokio::io::AsyncReadExt;
    // The least room for chunks in flight a bucket-backed server takes: 32 MiB.
    let app = spawn_app_with(|settings| settings.blob_buffer_bytes = 32 << 20).await;
    let stalled = Announced::new(40 << 20, 1 << 20);
    assert_eq!(app.announce(&stalled).await.status(), 201);
    // 40 chunks of 1 MiB announced, one byte of each sent: more than the room, were it taken
    // for the length announced.
    let mut streams = Vec::new();
    for index in 0..40 {
        streams.push(stall_chunk(&app, &stalled, index).await);
    }
    let honest = Announced::new(3 << 20, 1 << 20);
    assert_eq!(app.announce(&honest).await.status(), 201);
    for index in 0..honest.chunk_count() {
        assert_eq!(app.put_announced(&honest, index).await.status(), 200, "chunk {index}");
    }
    // The stalled requests are answered 408 once 30 s pass without a byte, and count nothing.
    let mut answer = vec![0; 64];
    let read = tokio::time::timeout(std::time::Duration::from_secs(40), streams[0].read(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer[..read.unwrap().unwrap()]).into_owned();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    let (answered, status) = crate::upload_limits::status_of(&app, &stalled).await;
    assert_eq!((answered, status["received"].clone()), (200, json!([])));
}

#[tokio::test]
async fn an_id_whose_earlier_bytes_are_still_to_be_deleted_cannot_start_again_until_they_are() {
    let app = spawn_app_with(on_disk_blobs).await;
    let file = TestFile::vault(200, SMALL);
    assert_eq!(app.start_upload(&file, None, false).await.status(), 201);
    assert_eq!(app.put_chunk(&file, 0, file.chunks[0].clone()).await.status(), 200);
    // The blob cannot be deleted (a folder stands in its place), so its id stays in the trash.
    let blob = app.data_dir().join("blobs").join(format!("{}.blob", file.id));
    std::fs::remove_file(&blob).unwrap();
    std::fs::create_dir(&blob).unwrap();
    std::fs::write(blob.join("pinned"), b"x").unwrap();
    assert_eq!(app.upload_call(&file, "cancel").await.status(), 204);
    let refused = app.start_upload(&file, None, false).await;
    assert_eq!(refused.status(), 503, "new chunks would be deleted with the old bytes");
    std::fs::remove_dir_all(&blob).unwrap();
    sweep_once(&app.state).await;
    assert_eq!(app.start_upload(&file, None, false).await.status(), 201);
}
