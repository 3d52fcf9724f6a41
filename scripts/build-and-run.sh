#!/usr/bin/env bash
# Coffer: install missing tools, build the web app and the server, run it.
#   bash scripts/build-and-run.sh [extra coffer-server flags...]
# Serves dist/ and the API on http://127.0.0.1:8080 by default.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
source scripts/env.sh

echo "== trunk build (web app -> dist/)"
trunk build --release --offline
echo "== cargo build (server)"
cargo build --release -p coffer-backend

exec target/release/coffer-server --static-dir dist "$@"
