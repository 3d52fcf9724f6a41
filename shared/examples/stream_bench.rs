//! Native throughput of the streamed-file chunks (AES-256-GCM, docs/envelope.md "Files
//! (streamed)") for several chunk sizes: the measurement behind the default chunk size.
//!
//!     cargo run --release -p coffer-shared --example stream_bench [total MiB, default 256]

#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::time::Instant;

use coffer_shared::crypto::Key32;
use coffer_shared::crypto::file_meta::FileId;
use coffer_shared::crypto::stream::{ChunkSize, StreamOpener, StreamSealer};

fn main() {
    let total_mib: u64 = std::env::args().nth(1).and_then(|arg| arg.parse().ok()).unwrap_or(256);
    let total = total_mib << 20;
    let key = Key32::from_bytes([7; 32]);
    let id = FileId::from_bytes([9; 16]);
    println!("stream chunks, native, {total_mib} MiB per run (best of 3)");
    for bits in [16, 18, 20, 22] {
        let size = ChunkSize::new(1 << bits).unwrap();
        let (mut seal_best, mut open_best) = (f64::MAX, f64::MAX);
        for _ in 0..3 {
            let (seal, open) = seal_then_open(&key, &id, size, total);
            seal_best = seal_best.min(seal);
            open_best = open_best.min(open);
        }
        let mb = total as f64 / 1e6;
        println!(
            "chunk {:>5} KiB: seal {:>7.1} MB/s, open {:>7.1} MB/s",
            size.get() >> 10,
            mb / seal_best,
            mb / open_best
        );
    }
}

/// Seals `total` bytes as full chunks (the last one full too), then opens them in order;
/// returns both times in seconds.
fn seal_then_open(key: &Key32, id: &FileId, size: ChunkSize, total: u64) -> (f64, f64) {
    let chunk = vec![0x5au8; size.get() as usize];
    let count = total / u64::from(size.get());
    let started = Instant::now();
    let mut sealer = StreamSealer::new(key, id, size);
    let mut sealed: Vec<Vec<u8>> = (1..count).map(|_| sealer.seal_chunk(&chunk).unwrap()).collect();
    sealed.push(sealer.finish(&chunk).unwrap());
    let seal = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let mut opener = StreamOpener::new(key, id, size);
    for (index, ciphertext) in sealed.iter().enumerate() {
        std::hint::black_box(opener.open_chunk(ciphertext, index + 1 == sealed.len()).unwrap());
    }
    opener.finish().unwrap();
    (seal, started.elapsed().as_secs_f64())
}
