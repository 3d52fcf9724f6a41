#!/usr/bin/env bash
# Coffer: the shared stores the tests run against, started on loopback only and thrown away.
#   bash scripts/services.sh start   # a PostgreSQL cluster and a SeaweedFS S3 gateway
#   bash scripts/services.sh stop
# `start` writes $COFFER_SERVICES_DIR/env (default /tmp/coffer-services-$COFFER_SERVICES_BASE);
# `source` it to get COFFER_TEST_DATABASE_URL and COFFER_TEST_S3_URL. Ports count up from
# COFFER_SERVICES_BASE (default 25400, below the ephemeral range that outgoing connections take
# their ports from), so two checkouts can run their suites side by side.
# PostgreSQL runs as the `postgres` user (initdb refuses root) with fsync off: the cluster
# lives for one test run. COFFER_SERVICES_DURABLE=1 keeps PostgreSQL's durable defaults (fsync,
# synchronous_commit), for benchmarks; COFFER_SERVICES_ONLY=postgres starts no SeaweedFS.
set -euo pipefail
BASE="${COFFER_SERVICES_BASE:-25400}"
DIR="${COFFER_SERVICES_DIR:-/tmp/coffer-services-$BASE}"
PGBIN="${COFFER_PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
PG_PORT=$((BASE + 32))
S3_PORT=$((BASE + 33))
S3_KEY=coffer-test
S3_SECRET=coffer-test-secret
BUCKET=coffer-test
say() { echo "services: $*"; }

as_postgres() {
    if [[ "$(id -u)" -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
    local data="$DIR/pg/data"
    mkdir -p "$DIR/pg"
    # The socket takes local connections without a password: only its owner may reach it.
    chmod 700 "$DIR/pg"
    [[ "$(id -u)" -ne 0 ]] || chown postgres: "$DIR/pg"
    if [[ ! -f "$data/PG_VERSION" ]]; then
        as_postgres bash -c "umask 077 && echo coffer > '$DIR/pg/pw'"
        as_postgres "$PGBIN/initdb" -D "$data" -U coffer --pwfile="$DIR/pg/pw" --auth-local=trust \
            --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync >"$DIR/pg/initdb.log"
    fi
    local options="-c listen_addresses=127.0.0.1 -p $PG_PORT -k $DIR/pg -c max_connections=400"
    if [[ "${COFFER_SERVICES_DURABLE:-0}" != 1 ]]; then
        options+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    as_postgres "$PGBIN/pg_ctl" -D "$data" -l "$DIR/pg/server.log" -w start -o "$options" >/dev/null
    say "postgresql on 127.0.0.1:$PG_PORT ($("$PGBIN/postgres" --version))"
}

start_seaweedfs() {
    local weed="$DIR/weed"
    mkdir -p "$weed/data"
    cat >"$weed/s3.json" <<EOF
{"identities": [{"name": "coffer", "credentials": [{"accessKey": "$S3_KEY", "secretKey": "$S3_SECRET"}],
  "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
EOF
    # Every port pinned so that nothing binds a default one another run may hold.
    (cd "$weed" && setsid weed mini -dir="$weed/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
        -master.port=$((BASE + 40)) -master.port.grpc=$((BASE + 41)) \
        -volume.port=$((BASE + 42)) -volume.port.grpc=$((BASE + 43)) \
        -filer.port=$((BASE + 44)) -filer.port.grpc=$((BASE + 45)) \
        -s3.port="$S3_PORT" -s3.port.grpc=$((BASE + 46)) -s3.config="$weed/s3.json" \
        -s3.port.iceberg=0 -s3.port.lance=0 -admin.port=$((BASE + 47)) -admin.port.grpc=$((BASE + 48)) \
        -webdav=false -admin.ui=false -metricsPort=0 -bucket="$BUCKET" \
        >"$weed/weed.log" 2>&1 & echo $! >"$weed/pid")
    for _ in $(seq 1 120); do
        if curl -sf -o /dev/null --aws-sigv4 "aws:amz:us-east-1:s3" --user "$S3_KEY:$S3_SECRET" \
            "http://127.0.0.1:$S3_PORT/$BUCKET?list-type=2"; then
            say "seaweedfs s3 on 127.0.0.1:$S3_PORT, bucket $BUCKET ($(weed version 2>/dev/null | head -n 1))"
            return
        fi
        sleep 0.5
    done
    say "seaweedfs did not come up; its log:" >&2
    tail -n 30 "$weed/weed.log" >&2
    exit 1
}

stop_all() {
    if [[ -f "$DIR/weed/pid" ]]; then
        kill -- "-$(cat "$DIR/weed/pid")" 2>/dev/null || true
    fi
    # pip's `weed` may be a wrapper that leaves the server in another process: match its data dir.
    pkill -f -- "-dir=$DIR/weed/data" 2>/dev/null || true
    for _ in $(seq 1 40); do
        pgrep -f -- "-dir=$DIR/weed/data" >/dev/null || break
        sleep 0.25
    done
    pkill -9 -f -- "-dir=$DIR/weed/data" 2>/dev/null || true
    if [[ -f "$DIR/pg/data/postmaster.pid" ]]; then
        as_postgres "$PGBIN/pg_ctl" -D "$DIR/pg/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$DIR"
}

case "${1:-}" in
    start)
        stop_all
        mkdir -p "$DIR"
        chmod 755 "$DIR"
        start_postgres
        [[ "${COFFER_SERVICES_ONLY:-}" == postgres ]] || start_seaweedfs
        cat >"$DIR/env" <<EOF
export COFFER_TEST_DATABASE_URL='postgres://coffer:coffer@127.0.0.1:$PG_PORT/postgres'
export COFFER_TEST_S3_URL='s3://$BUCKET?endpoint=http://127.0.0.1:$S3_PORT&region=us-east-1&access_key_id=$S3_KEY&secret_access_key=$S3_SECRET'
export COFFER_TEST_SERVICES_DIR='$DIR'
EOF
        say "source $DIR/env"
        ;;
    stop) stop_all ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
