#!/usr/bin/env bash
# Coffer: the benchmarks the closing notes report. Not part of the test suite; prints numbers.
#   bash scripts/bench.sh
# 1. Argon2id with the default parameters, natively and as WASM inside Chromium.
# 2. AES-256-GCM throughput of file chunks per chunk size, natively, and in Chromium the aes-gcm
#    crate as WASM and WebCrypto side by side; SHA-256 in WASM (a file's digest) and WebCrypto.
# 3. Creates and claims per second against a release server on 127.0.0.1 (bounded: 10 s a phase):
#    on redb, then on a throwaway PostgreSQL cluster (durable settings) with one server and with
#    three servers taking the requests in turn; then a file's upload and download through a
#    server keeping its blobs in SeaweedFS (S3), without a browser.
# 4. The security event log: events written per second through its one writer (group commit) at
#    1, 16 and 256 concurrent writers, bytes per event on disk, and `coffer-server audit verify`
#    over 1,000,000 events (needs about 2 GB free in TMPDIR).
# 5. The vault listing's memory: 4 clients list the largest allowed vault page after page, at
#    the default --vault-max-bytes (64 MiB) and at its ceiling (10,000 records of 64 KiB, about
#    660 MB in TMPDIR); prints the server's peak RSS (VmHWM) and the time.
# 6. Sign-in and a 1,000-record vault load in Chromium (default Argon2id).
# 7. Upload and download of one large file: the disk and the server without a browser
#    (examples/chunk_bench.rs), with the command-line client (`coffer send` / `coffer get`), then
#    in Chromium with the app's per-stage profile.
# 9. Backup and restore (docs/backup.md): 100,000 shares and 1 GiB of files (four 256 MiB files
#    sent with `coffer send`): the backup's time and size with the server idle, a second backup
#    while the server takes creates and claims (their rate printed beside it), the restore's time
#    and `audit verify` of the restored folder. Needs about 4 GiB in TMPDIR (or /dev/shm).
# 8. A full disk: 50 concurrent 10 GiB upload starts, then 50 of 2 MiB and their chunks, on a small
#    file system (a tmpfs where mounting is permitted, and the server's simulated capacity):
#    bytes refused, and the requests that still succeeded afterwards.
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

echo "== AES-256-GCM file chunks (docs/envelope.md, Files), native"
cargo run --quiet --release -p coffer-shared --example stream_bench

echo "== AES-256-GCM file chunks in Chromium: aes-gcm crate (WASM) and WebCrypto"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
CHROMEDRIVER=/usr/bin/chromedriver \
WASM_BINDGEN_TEST_WEBDRIVER_JSON="$COFFER_ROOT/scripts/webdriver.json" \
WASM_BINDGEN_TEST_TIMEOUT=600 \
    cargo test --release -p coffer-shared --target wasm32-unknown-unknown --test stream_timing -- --include-ignored --nocapture \
    2>&1 | grep -E 'MB/s|test result'

echo "== API load: create and claim, release server on 127.0.0.1"
cargo build --quiet --release -p coffer-backend --bin coffer-server --example load
data="$(mktemp -d -t coffer-bench.XXXXXX)"
target/release/coffer-server --listen 127.0.0.1:18555 --data-dir "$data" \
    --rate-limit-create 0 --rate-limit-claim 0 >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 50); do curl -sf http://127.0.0.1:18555/healthz >/dev/null && break; sleep 0.1; done
target/release/examples/load http://127.0.0.1:18555 10 32
kill $server 2>/dev/null

echo "== API load on PostgreSQL (fsync and synchronous_commit on): one server, then three"
export COFFER_SERVICES_BASE=26400 COFFER_SERVICES_DURABLE=1
bash scripts/services.sh start >/dev/null
source /tmp/coffer-services-26400/env
psql -q "$COFFER_TEST_DATABASE_URL" -c "CREATE DATABASE bench"
head -c 32 /dev/urandom >"$data/cluster-secret"
cluster=()
trap 'kill $server "${cluster[@]}" 2>/dev/null; bash scripts/services.sh stop; rm -rf "$data"' EXIT
for n in 1 2 3; do
    mkdir -p "$data/s$n"
    target/release/coffer-server --listen "127.0.0.1:1856$n" --data-dir "$data/s$n" \
        --database-url "${COFFER_TEST_DATABASE_URL%/postgres}/bench" --server-id "s$n" \
        --server-secret-file "$data/cluster-secret" --blob-store "${COFFER_TEST_S3_URL/\?//bench?}" \
        --rate-limit-create 0 --rate-limit-claim 0 --rate-limit-upload 0 --rate-limit-chunk 0 >/dev/null 2>&1 &
    cluster+=($!)
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:1856$n/healthz" >/dev/null && break; sleep 0.1; done
    if [[ $n == 1 ]]; then
        echo "-- one server"
        target/release/examples/load http://127.0.0.1:18561 10 32
    fi
done
echo "-- three servers"
target/release/examples/load http://127.0.0.1:18561,http://127.0.0.1:18562,http://127.0.0.1:18563 10 48
echo "-- a 512 MiB file through one of them, its blobs in SeaweedFS (S3)"
cargo build --quiet --release -p coffer-backend --example chunk_bench
target/release/examples/chunk_bench http://127.0.0.1:18561 - 512 4
kill "${cluster[@]}" 2>/dev/null
bash scripts/services.sh stop
unset COFFER_SERVICES_BASE COFFER_SERVICES_DURABLE

echo "== Security event log (docs/audit.md): writes, size, verify of 1,000,000 events, release"
cargo build --quiet --release -p coffer-backend --bin coffer-server --example audit_bench
target/release/examples/audit_bench target/release/coffer-server 1000000 3

echo "== Vault listing (issue 11, item 8): 4 clients, largest allowed vault, release server on 127.0.0.1"
cargo build --quiet --release -p coffer-backend --bin coffer-server --example vault_list_bench
target/release/examples/vault_list_bench target/release/coffer-server 18558
target/release/examples/vault_list_bench target/release/coffer-server 18558 655360000

echo "== Sign-in and vault load in Chromium (default Argon2id), release server on 127.0.0.1"
# Codes go to the outbox (no SMTP); accounts are seeded through the API like a browser would.
cargo build --quiet --release -p coffer-backend --example seed_vault
[ -d dist ] || trunk build --release --offline
vault_data="$(mktemp -d -t coffer-bench-vault.XXXXXX)"
target/release/coffer-server --listen 127.0.0.1:18556 --data-dir "$vault_data" \
    --rate-limit-create 0 --rate-limit-claim 0 --rate-limit-auth 0 >/dev/null 2>&1 &
vault_server=$!
trap 'kill $server $vault_server 2>/dev/null; rm -rf "$data" "$vault_data"' EXIT
for _ in $(seq 50); do curl -sf http://127.0.0.1:18556/healthz >/dev/null && break; sleep 0.1; done
passphrase="bench orbit velvet canyon lantern"
target/release/examples/seed_vault http://127.0.0.1:18556 "$vault_data/outbox" empty@bench.example "$passphrase" 0
target/release/examples/seed_vault http://127.0.0.1:18556 "$vault_data/outbox" full@bench.example "$passphrase" 1000
(cd e2e && COFFER_URL=http://127.0.0.1:18556 COFFER_OUTBOX="$vault_data/outbox" \
    COFFER_BENCH_PASSPHRASE="$passphrase" COFFER_BENCH_ACCOUNTS="empty@bench.example:0,full@bench.example:1000" \
    npx playwright test --config bench.config.ts 2>&1 | grep -E '^(run|==)|passed|failed')

echo "== First load of the create page in Chromium at 1.6 Mbit/s, 150 ms (issue 12, part 3)"
(cd e2e && COFFER_URL=http://127.0.0.1:18556 COFFER_BENCH_FIRST_LOAD=1 \
    npx playwright test --config bench.config.ts bench/first-load.bench.ts 2>&1 | grep -E '^first-load|passed|failed')

echo "== Files: upload and download of one large file in Chromium, release server on 127.0.0.1"
# COFFER_BENCH_FILE_MB MiB of random bytes (default 1024). The server's copy, the original and the
# download need 3 x that on one file system (4 x with chunk_bench's copy): TMPDIR's, or /dev/shm's (RAM) if TMPDIR's is too small.
file_mb="${COFFER_BENCH_FILE_MB:-1024}"
files_base="${TMPDIR:-/tmp}"
need_kb=$(( (4 * file_mb + 1536) * 1024 ))
if [ "$(df -Pk "$files_base" | awk 'NR == 2 { print $4 }')" -lt "$need_kb" ] && [ -d /dev/shm ] &&
    [ "$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')" -ge "$need_kb" ]; then
    files_base=/dev/shm
fi
files_data="$(mktemp -d -p "$files_base" coffer-bench-files-data.XXXXXX)"
files_tmp="$(mktemp -d -p "$files_base" coffer-bench-files.XXXXXX)"
target/release/coffer-server --listen 127.0.0.1:18557 --data-dir "$files_data" \
    --rate-limit-create 0 --rate-limit-claim 0 --rate-limit-upload 0 --rate-limit-chunk 0 >/dev/null 2>&1 &
files_server=$!
trap 'kill $server $vault_server $files_server 2>/dev/null; rm -rf "$data" "$vault_data" "$files_data" "$files_tmp"' EXIT
for _ in $(seq 50); do curl -sf http://127.0.0.1:18557/healthz >/dev/null && break; sleep 0.1; done
echo "(temporary files in $files_base)"
cargo build --quiet --release -p coffer-backend --example chunk_bench
target/release/examples/chunk_bench http://127.0.0.1:18557 "$files_data" "$file_mb" 4
# The command-line client (cli/): the same file sealed, sent, fetched, opened and checked, twice.
cargo build --quiet --release -p coffer-cli
head -c "${file_mb}M" /dev/urandom > "$files_tmp/cli.bin"
for run in 1 2; do
    rm -rf "$files_tmp/cli-out" && mkdir "$files_tmp/cli-out"
    start=$(date +%s.%N)
    link=$(COFFER_SERVER=http://127.0.0.1:18557 COFFER_STATE_DIR="$files_tmp/cli-state" \
        target/release/coffer send --quiet --json "$files_tmp/cli.bin" | python3 -c 'import json,sys; print(json.load(sys.stdin)["link"])')
    sent=$(date +%s.%N)
    target/release/coffer get --quiet --yes -o "$files_tmp/cli-out" "$link"
    got=$(date +%s.%N)
    cmp -s "$files_tmp/cli.bin" "$files_tmp/cli-out/cli.bin" || echo "cli: the downloaded file differs"
    python3 -c "b=${file_mb}*1048576; print(f'cli run $run: upload {b/($sent-$start)/1e6:.1f} MB/s, download {b/($got-$sent)/1e6:.1f} MB/s ({b/1e6:.0f} MB)')"
done
rm -rf "$files_tmp/cli.bin" "$files_tmp/cli-out" "$files_tmp/cli-state"
(cd e2e && COFFER_URL=http://127.0.0.1:18557 COFFER_SERVER_PID=$files_server COFFER_BENCH_TMP="$files_tmp" \
    COFFER_BENCH_FILE_MB="$file_mb" npx playwright test --config bench.config.ts bench/files.bench.ts 2>&1 \
    | grep -E '^(files|==)|passed|failed')

echo "== Backup and restore (docs/backup.md): 100,000 shares and 1 GiB of files, release server on 127.0.0.1"
backup_data="$(mktemp -d -p "$files_base" coffer-bench-backup-data.XXXXXX)"
backup_tmp="$(mktemp -d -p "$files_base" coffer-bench-backup.XXXXXX)"
target/release/coffer-server --listen 127.0.0.1:18558 --data-dir "$backup_data" \
    --rate-limit-create 0 --rate-limit-claim 0 --rate-limit-upload 0 --rate-limit-chunk 0 >/dev/null 2>&1 &
backup_server=$!
trap 'kill $server $vault_server $files_server $backup_server 2>/dev/null; rm -rf "$data" "$vault_data" "$files_data" "$files_tmp" "$backup_data" "$backup_tmp"' EXIT
for _ in $(seq 50); do curl -sf http://127.0.0.1:18558/healthz >/dev/null && break; sleep 0.1; done
echo "-- filling: 100,000 shares, then four files of 256 MiB"
target/release/examples/load http://127.0.0.1:18558 30 64 100000 | grep '^create'
for n in 1 2 3 4; do
    head -c 256M /dev/urandom > "$backup_tmp/file.bin"
    COFFER_SERVER=http://127.0.0.1:18558 COFFER_STATE_DIR="$backup_tmp/cli-state" \
        target/release/coffer send --quiet --json "$backup_tmp/file.bin" >/dev/null
done
rm -rf "$backup_tmp/file.bin" "$backup_tmp/cli-state"
seconds() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f} s')" "$@"; }
echo "-- backup, the server idle"
start=$(date +%s.%N)
target/release/coffer-server backup --data-dir "$backup_data" --to "$backup_tmp/idle" | sed 's/^/   /'
end=$(date +%s.%N)
echo "backup idle: $(seconds "$start" "$end"), $(du -sb "$backup_tmp/idle" | cut -f1) bytes ($(du -sb "$backup_data" | cut -f1) in the data folder)"
echo "-- creates and claims without a backup (10 s a phase, 32 concurrent), then with one"
target/release/examples/load http://127.0.0.1:18558 10 32
target/release/examples/load http://127.0.0.1:18558 10 32 &
load=$!
sleep 3
start=$(date +%s.%N)
target/release/coffer-server backup --data-dir "$backup_data" --to "$backup_tmp/busy" | grep -E 'Backup|rows'
end=$(date +%s.%N)
echo "backup under load: $(seconds "$start" "$end")"
wait $load
kill $backup_server 2>/dev/null; wait $backup_server 2>/dev/null || true
echo "-- restore of the idle backup, then audit verify of the restored folder"
start=$(date +%s.%N)
target/release/coffer-server restore --from "$backup_tmp/idle" --data-dir "$backup_tmp/restored" | head -1
end=$(date +%s.%N)
echo "restore: $(seconds "$start" "$end")"
start=$(date +%s.%N)
target/release/coffer-server audit verify --data-dir "$backup_tmp/restored" | tail -1
end=$(date +%s.%N)
echo "audit verify of the restored folder: $(seconds "$start" "$end")"
rm -rf "$backup_data" "$backup_tmp"

echo "== Disk full: concurrent upload starts on a small file system, then shares and sign-ins"
cargo test --quiet -p coffer-backend --test api disk_full -- --nocapture --test-threads 1 2>&1 \
    | grep -oE '(disk full|skipped).*|test result.*'
