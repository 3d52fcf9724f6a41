//! Times Argon2id with Coffer's default parameters (m = 64 MiB, t = 3, p = 4) natively:
//!
//! ```text
//! cargo run --release -p coffer-shared --example argon2_bench
//! ```
//!
//! The same measurement inside Chromium is `shared/tests/argon2_timing.rs` (see scripts/bench.sh).

#![allow(clippy::print_stdout)] // a benchmark prints its numbers

use std::time::Instant;

use coffer_shared::crypto::kdf::{KdfParams, password_key};

fn main() {
    let mut times = Vec::new();
    for round in 0..7 {
        let started = Instant::now();
        let key = password_key("correct horse battery staple", &[round; 16], KdfParams::DEFAULT);
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(key);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "argon2id m=65536 KiB t=3 p=4, native, 7 runs: median {:.0} ms, min {:.0} ms, max {:.0} ms",
        times[3], times[0], times[6]
    );
}
