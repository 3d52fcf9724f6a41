//! Throughput of the streamed-file chunks inside Chromium: AES-256-GCM of the `aes-gcm` crate
//! compiled to WASM and of WebCrypto (`crypto::webcrypto`) side by side in one run, for the
//! chunk sizes `examples/stream_bench.rs` measures natively. WebCrypto chunks are awaited one by
//! one, as an upload seals them; then SHA-256 in WASM and in WebCrypto. A benchmark, not a check: ignored by default, run with
//! `--release --include-ignored` (see scripts/bench.sh).

#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)]

use coffer_shared::crypto::Key32;
use coffer_shared::crypto::file_meta::FileDigest;
use coffer_shared::crypto::file_meta::FileId;
use coffer_shared::crypto::stream::{ChunkSize, StreamOpener, StreamSealer};
use coffer_shared::crypto::webcrypto::{self, ChunkKey, WebStreamOpener, WebStreamSealer};
use js_sys::{Function, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{console_log, wasm_bindgen_test};

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const TOTAL: u64 = 64 << 20;

/// `performance.now()`, in ms.
fn now_ms() -> f64 {
    let performance = Reflect::get(&js_sys::global(), &"performance".into()).unwrap();
    let now: Function = Reflect::get(&performance, &"now".into()).unwrap().unchecked_into();
    now.call0(&performance).unwrap().as_f64().unwrap()
}

/// With the `aes-gcm` crate: seals `TOTAL` bytes as full chunks, then opens them in order;
/// returns both times in ms.
fn crate_seal_then_open(key: &Key32, id: &FileId, size: ChunkSize) -> (f64, f64) {
    let chunk = vec![0x5au8; size.get() as usize];
    let count = TOTAL / u64::from(size.get());
    let started = now_ms();
    let mut sealer = StreamSealer::new(key, id, size);
    let mut sealed: Vec<Vec<u8>> = (1..count).map(|_| sealer.seal_chunk(&chunk).unwrap()).collect();
    sealed.push(sealer.finish(&chunk).unwrap());
    let seal = now_ms() - started;

    let started = now_ms();
    let mut opener = StreamOpener::new(key, id, size);
    for (index, ciphertext) in sealed.iter().enumerate() {
        std::hint::black_box(opener.open_chunk(ciphertext, index + 1 == sealed.len()).unwrap());
    }
    opener.finish().unwrap();
    (seal, now_ms() - started)
}

/// The same with WebCrypto, each chunk awaited before the next; the key import is timed too.
async fn web_seal_then_open(key: &Key32, id: &FileId, size: ChunkSize) -> (f64, f64) {
    let chunk = vec![0x5au8; size.get() as usize];
    let count = TOTAL / u64::from(size.get());
    let started = now_ms();
    let mut sealer = WebStreamSealer::new(ChunkKey::import(key, id, size).await.unwrap());
    let mut sealed = Vec::new();
    for _ in 1..count {
        sealed.push(sealer.seal_chunk(&chunk).await.unwrap());
    }
    sealed.push(sealer.finish(&chunk).await.unwrap());
    let seal = now_ms() - started;

    let started = now_ms();
    let mut opener = WebStreamOpener::new(ChunkKey::import(key, id, size).await.unwrap());
    for (index, ciphertext) in sealed.iter().enumerate() {
        std::hint::black_box(opener.open_chunk(ciphertext, index + 1 == sealed.len()).await.unwrap());
    }
    opener.finish().unwrap();
    (seal, now_ms() - started)
}

#[wasm_bindgen_test]
#[ignore = "benchmark: run with --release --include-ignored"]
async fn stream_chunk_throughput_in_the_browser() {
    let key = Key32::from_bytes([7; 32]);
    let id = FileId::from_bytes([9; 16]);
    let mb = TOTAL as f64 / 1e6;
    let rate = |ms: f64| mb / (ms / 1e3);
    for bits in [16, 18, 20, 22] {
        let size = ChunkSize::new(1 << bits).unwrap();
        let (crate_seal, crate_open) = crate_seal_then_open(&key, &id, size);
        let (web_seal, web_open) = web_seal_then_open(&key, &id, size).await;
        console_log!(
            "stream chunk {:>4} KiB, 64 MiB in Chromium: aes-gcm WASM seal {:>5.1} MB/s, open {:>5.1} MB/s \
             | WebCrypto seal {:>6.1} MB/s, open {:>6.1} MB/s",
            size.get() >> 10,
            rate(crate_seal),
            rate(crate_open),
            rate(web_seal),
            rate(web_open)
        );
    }
}

/// The file's SHA-256 (`FileDigest`, the `sha2` crate in WASM, as the file-hash worker runs it)
/// against WebCrypto's one-shot digest of each 1 MiB chunk (as the chunk checksums are made,
/// awaited one by one): the plaintext digest cannot use WebCrypto (it has no incremental
/// SHA-256), so its speed bounds a file's transfer in the browser.
#[wasm_bindgen_test]
#[ignore = "benchmark: run with --release --include-ignored"]
async fn sha256_throughput_in_the_browser() {
    let chunk = vec![0x5au8; 1 << 20];
    let count = TOTAL >> 20;
    let mb = TOTAL as f64 / 1e6;
    let started = now_ms();
    let mut digest = FileDigest::new();
    for _ in 0..count {
        digest.update(&chunk);
    }
    std::hint::black_box(digest.finish_hex());
    let wasm = now_ms() - started;
    let started = now_ms();
    for _ in 0..count {
        std::hint::black_box(webcrypto::sha256(&chunk).await.unwrap());
    }
    let web = now_ms() - started;
    console_log!(
        "SHA-256, 64 MiB in 1 MiB pieces in Chromium: sha2 WASM (FileDigest) {:>6.1} MB/s \
         | WebCrypto digest {:>6.1} MB/s",
        mb / (wasm / 1e3),
        mb / (web / 1e3)
    );
}
