//! Argon2id with the default parameters, timed inside Chromium (and natively for comparison).
//! A benchmark, not a check: ignored by default, run by `scripts/bench.sh`.

#![cfg(target_arch = "wasm32")]

use coffer_shared::crypto::kdf::{KdfParams, password_key};
use wasm_bindgen_test::{console_log, wasm_bindgen_test};

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn now_ms() -> f64 {
    js_sys::Date::now()
}

#[wasm_bindgen_test]
#[ignore = "benchmark: run with scripts/bench.sh"]
fn argon2id_default_parameters_in_the_browser() {
    let mut times = Vec::new();
    for round in 0..5u8 {
        let started = now_ms();
        let key = password_key("correct horse battery staple", &[round; 16], KdfParams::DEFAULT);
        times.push(now_ms() - started);
        std::hint::black_box(key);
    }
    times.sort_by(f64::total_cmp);
    console_log!(
        "argon2id m=65536 KiB t=3 p=4, wasm in Chromium, 5 runs: median {:.0} ms, min {:.0} ms, max {:.0} ms",
        times[2],
        times[0],
        times[4]
    );
}
