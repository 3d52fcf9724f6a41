//! Throughput of the streamed-file chunks (AES-256-GCM of the `aes-gcm` crate) inside Chromium,
//! for the chunk sizes `examples/stream_bench.rs` measures natively. A benchmark, not a check:
//! ignored by default, run with `--release --include-ignored` (see scripts/bench.sh).

#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)]

use coffer_shared::crypto::Key32;
use coffer_shared::crypto::file_meta::FileId;
use coffer_shared::crypto::stream::{ChunkSize, StreamOpener, StreamSealer};
use wasm_bindgen_test::{console_log, wasm_bindgen_test};

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const TOTAL: u64 = 64 << 20;

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Seals `TOTAL` bytes as full chunks, then opens them in order; returns both times in ms.
fn seal_then_open(key: &Key32, id: &FileId, size: ChunkSize) -> (f64, f64) {
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

#[wasm_bindgen_test]
#[ignore = "benchmark: run with --release --include-ignored"]
fn stream_chunk_throughput_in_the_browser() {
    let key = Key32::from_bytes([7; 32]);
    let id = FileId::from_bytes([9; 16]);
    for bits in [16, 18, 20, 22] {
        let size = ChunkSize::new(1 << bits).unwrap();
        let (seal, open) = seal_then_open(&key, &id, size);
        let mb = TOTAL as f64 / 1e6;
        console_log!(
            "stream chunk {} KiB, wasm in Chromium, 64 MiB: seal {:.1} MB/s, open {:.1} MB/s",
            size.get() >> 10,
            mb / (seal / 1e3),
            mb / (open / 1e3)
        );
    }
}
