#!/usr/bin/env bash
# Coffer: the whole test suite, as CI runs it (`bash .ci/run`).
#   bash scripts/test.sh
# Lint, native tests (the API suite twice: on redb, then on PostgreSQL), in-browser
# WASM tests of coffer-shared (Chromium via chromedriver), release builds, then
# Playwright end-to-end tests against the real server. PostgreSQL and SeaweedFS run
# on loopback for the length of the run (scripts/services.sh). Stops at the first
# failure with a non-zero exit status.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SECONDS=0
section() { echo; echo "==== $* [${SECONDS}s]"; }

section "setup"
bash scripts/setup.sh
source scripts/env.sh

section "services: PostgreSQL and SeaweedFS on loopback"
bash scripts/services.sh start
trap 'bash scripts/services.sh stop' EXIT
SERVICES_ENV="${COFFER_SERVICES_DIR:-/tmp/coffer-services-${COFFER_SERVICES_BASE:-25400}}/env"

section "cargo fmt --check"
cargo fmt --all --check

section "cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings
# The browser crates again for their real target (cfg(target_arch = "wasm32") code).
cargo clippy -p coffer-shared -p coffer-frontend --all-targets --target wasm32-unknown-unknown -- -D warnings

section "cargo test (native)"
cargo test --workspace

section "cargo test: the API suite on PostgreSQL"
# Every API test again, each app on a schema of its own in the throwaway cluster.
(source "$SERVICES_ENV" && cargo test -p coffer-backend --test api)

section "cargo test -p coffer-shared (wasm32, headless Chromium)"
# wasm-bindgen-test-runner drives Chromium through chromedriver; scripts/webdriver.json
# passes the Chromium binary and flags (headless, root-safe, no network chatter).
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
CHROMEDRIVER=/usr/bin/chromedriver \
WASM_BINDGEN_TEST_WEBDRIVER_JSON="$COFFER_ROOT/scripts/webdriver.json" \
WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-300}" \
WASM_BINDGEN_TEST_DRIVER_TIMEOUT="${WASM_BINDGEN_TEST_DRIVER_TIMEOUT:-30}" \
    cargo test -p coffer-shared --target wasm32-unknown-unknown

section "trunk build (web app -> dist/)"
trunk build --release --offline

section "cargo build --release (server and CLI)"
cargo build --release -p coffer-backend
# Apart, so that neither build's features change the other's (no rebuild of the server).
cargo build --release -p coffer-cli

section "deployment files (systemd unit)"
bash scripts/check-deploy.sh

section "container (deploy/Containerfile, podman)"
bash scripts/check-container.sh

section "playwright (e2e/)"
# With the services' env: tests/cluster.spec.ts runs two servers on one PostgreSQL schema.
(source "$SERVICES_ENV" && cd e2e && npx playwright test)

section "all tests passed"
