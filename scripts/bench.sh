#!/usr/bin/env bash
# Coffer: the benchmarks the closing notes report. Not part of the test suite; prints numbers.
#   bash scripts/bench.sh
# 1. Argon2id with the default parameters, natively and as WASM inside Chromium.
# 2. Creates and claims per second against a release server on 127.0.0.1 (bounded: 10 s a phase).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh >/dev/null
source scripts/env.sh

echo "== Argon2id, native"
cargo run --quiet --release -p coffer-shared --example argon2_bench

echo "== Argon2id, WASM in Chromium"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
CHROMEDRIVER=/usr/bin/chromedriver \
WASM_BINDGEN_TEST_WEBDRIVER_JSON="$COFFER_ROOT/scripts/webdriver.json" \
WASM_BINDGEN_TEST_TIMEOUT=600 \
    cargo test --release -p coffer-shared --target wasm32-unknown-unknown --test argon2_timing -- --include-ignored --nocapture \
    2>&1 | grep -E 'argon2id|test result'

echo "== API load: create and claim, release server on 127.0.0.1"
cargo build --quiet --release -p coffer-backend --bin coffer-server --example load
data="$(mktemp -d -t coffer-bench.XXXXXX)"
target/release/coffer-server --listen 127.0.0.1:18555 --data-dir "$data" \
    --rate-limit-create 0 --rate-limit-claim 0 >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 50); do curl -sf http://127.0.0.1:18555/healthz >/dev/null && break; sleep 0.1; done
target/release/examples/load http://127.0.0.1:18555 10 32
