//! The server's side of a large file transfer, without a browser: how fast this disk takes
//! 1 MiB writes each followed by `fdatasync` (what every chunk costs), and how fast a running
//! server takes a file's chunks and streams them back over loopback, with `in_flight` chunks
//! at once like the app (docs/api.md, "Uploads"). The chunks are random bytes with their true
//! checksums: the server checks lengths and checksums, never the encryption, so this measures
//! HTTP, hashing, the blob writes, their syncs and the commits, and nothing of the browser.
//!
//! ```text
//! cargo run --release -p coffer-backend --example chunk_bench -- http://127.0.0.1:8080 <data-dir> [MiB] [in_flight]
//! ```
//!
//! Start the server with the upload limits off (`--rate-limit-upload 0 --rate-limit-chunk 0
//! --rate-limit-create 0 --rate-limit-claim 0`); `<data-dir>` is its data folder (the disk test
//! writes a scratch file next to its blobs and deletes it), or `-` to skip the disk test (a
//! server keeping its blobs in a bucket). Only loopback addresses are accepted.

#![allow(clippy::print_stdout, clippy::unwrap_used)] // a benchmark prints its numbers

use std::io::Write;
use std::time::{Duration, Instant};

use coffer_shared::api::{
    ClaimRequest, ClaimResponse, CreateShareRequest, FinishUploadRequest, ShareFileRef, StartUploadRequest,
};
use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::envelope::{Header, Kind};
use coffer_shared::crypto::file_meta::{FileId, FileMeta, seal_meta, upload_token};
use coffer_shared::crypto::share::{SharePayload, seal_with_header};
use coffer_shared::id::ShareId;
use coffer_shared::token::{AccessToken, ManageToken, StatusToken, UploadToken};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

const MIB: usize = 1 << 20;
/// The app's chunk size (ChunkSize::DEFAULT): 1 MiB of plaintext, 16 bytes of tag.
const CHUNK: usize = MIB;

fn rate(bytes: usize, elapsed: Duration) -> String {
    format!("{:.0} MB/s", bytes as f64 / 1e6 / elapsed.as_secs_f64())
}

/// 1 MiB writes, each followed by `fdatasync`, then the same without syncs.
fn disk(dir: &std::path::Path, mib: usize) {
    let path = dir.join("chunk-bench.scratch");
    let piece = vec![0x5a_u8; MIB];
    for sync in [true, false] {
        let mut file = std::fs::File::create(&path).unwrap();
        let began = Instant::now();
        for _ in 0..mib {
            file.write_all(&piece).unwrap();
            if sync {
                file.sync_data().unwrap();
            }
        }
        file.sync_data().unwrap();
        let elapsed = began.elapsed();
        let what = if sync { "write + fdatasync each MiB" } else { "write, one fdatasync at the end" };
        println!(
            "disk: {mib} MiB, {what}: {} ({:.2} ms a MiB)",
            rate(mib * MIB, elapsed),
            elapsed.as_secs_f64() * 1000.0 / mib as f64
        );
        drop(file);
        std::fs::remove_file(&path).unwrap();
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let base = args.get(1).cloned().unwrap_or_else(|| "http://127.0.0.1:8080".into());
    let data_dir = args.get(2).expect("the server's data folder, or -");
    let mib: usize = args.get(3).map_or(1024, |v| v.parse().unwrap());
    let in_flight: usize = args.get(4).map_or(4, |v| v.parse().unwrap());
    let host = reqwest::Url::parse(&base).unwrap().host_str().unwrap_or_default().to_owned();
    assert!(
        ["127.0.0.1", "localhost", "[::1]"].contains(&host.as_str()),
        "chunk_bench only targets loopback, not {host}"
    );
    if data_dir != "-" {
        disk(std::path::Path::new(data_dir), mib.min(512));
    }

    let client = reqwest::Client::new();
    let api = |path: &str| format!("{base}/api/v1{path}");
    let size = (mib * MIB) as u64;
    let count = mib;
    let file_id = FileId::random();
    let file_key = Key32::random();
    let token = UploadToken::from_key(&upload_token(&file_key, &file_id));
    let start = StartUploadRequest {
        file_id: file_id.clone(),
        size,
        chunk_size: CHUNK as u32,
        upload_token: token.clone(),
        vault: false,
    };
    let started = client.post(api("/uploads")).json(&start).send().await.unwrap();
    assert!(started.status().is_success(), "start: {}", started.text().await.unwrap());

    // Every chunk has the same bytes but its own checksum header: the server hashes each body.
    let body = bytes_of(CHUNK + 16);
    let checksum = b64::encode(Sha256::digest(&body));
    let began = Instant::now();
    let mut latencies: Vec<Duration> = futures_util::stream::iter(0..count)
        .map(|index| {
            let request = client
                .put(api(&format!("/uploads/{file_id}/chunks/{index}")))
                .header("x-coffer-upload-token", token.as_str())
                .header("x-coffer-chunk-sha256", &checksum)
                .body(body.clone());
            async move {
                let sent = Instant::now();
                let response = request.send().await.unwrap();
                assert!(response.status().is_success(), "chunk {index}: {}", response.status());
                sent.elapsed()
            }
        })
        .buffer_unordered(in_flight)
        .collect()
        .await;
    let upload = began.elapsed();
    latencies.sort();
    let meta = FileMeta {
        name: "bench.bin".into(),
        mime_type: "application/octet-stream".into(),
        size,
        chunk_size: CHUNK as u32,
        sha256: "0".repeat(64),
    };
    let metadata = b64::encode(seal_meta(&file_key, &file_id, &meta, None));
    let finish = FinishUploadRequest { upload_token: token.clone(), metadata };
    let finished =
        client.post(api(&format!("/uploads/{file_id}/finish"))).json(&finish).send().await.unwrap();
    assert!(finished.status().is_success(), "finish: {}", finished.text().await.unwrap());
    let ciphertext = count * (CHUNK + 16);
    println!(
        "server upload: {mib} MiB in {count} chunks, {in_flight} in flight: {} ({:.1} s); \
         per chunk p50 {:.1} ms, p99 {:.1} ms",
        rate(ciphertext, upload),
        upload.as_secs_f64(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
    );

    // Share it, claim it, and stream it back.
    let id = ShareId::random();
    let key = Key32::random();
    let payload = SharePayload { text: String::new(), blur: false, files: vec![file_id.to_string()] };
    let sealed = seal_with_header(&key, &id, &payload, Header::new(Kind::ShareText, None), None);
    let create = CreateShareRequest {
        id: id.clone(),
        envelope: b64::encode(&sealed.envelope),
        access_token: AccessToken::from_key(&sealed.access_token),
        status_token: StatusToken::from_key(&sealed.status_token),
        manage_token: ManageToken::from_key(&Key32::random()),
        expires_in: 3600,
        max_views: 1,
        read_receipt: false,
        files: vec![ShareFileRef { id: file_id.clone(), upload_token: token }],
        note: None,
        link: None,
    };
    let created = client.post(api("/shares")).json(&create).send().await.unwrap();
    assert!(created.status().is_success(), "share: {}", created.text().await.unwrap());
    let claim = ClaimRequest {
        status_token: StatusToken::from_key(&sealed.status_token),
        access_token: AccessToken::from_key(&sealed.access_token),
    };
    let claimed: ClaimResponse = client
        .post(api(&format!("/shares/{id}/claim")))
        .json(&claim)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let download_token = claimed.download_token.unwrap();
    let began = Instant::now();
    let response = client
        .get(api(&format!("/files/{file_id}")))
        .header("x-coffer-download-token", download_token.as_str())
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "download: {}", response.status());
    let mut response = response;
    let mut received = 0;
    while let Some(piece) = response.chunk().await.unwrap() {
        received += piece.len();
    }
    assert_eq!(received, ciphertext, "bytes downloaded");
    let download = began.elapsed();
    println!(
        "server download: {mib} MiB in one stream: {} ({:.1} s)",
        rate(received, download),
        download.as_secs_f64()
    );
}

/// `len` pseudo-random bytes (incompressible enough for a disk that compresses).
fn bytes_of(len: usize) -> Vec<u8> {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}
