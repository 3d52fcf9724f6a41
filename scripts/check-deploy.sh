#!/usr/bin/env bash
# Checks the deployment files (docs/deploy.md): the systemd unit parses, names the built binary
# when pointed at it, and keeps its sandbox (systemd-analyze security: exposure at most 2.0,
# "OK"). Run by scripts/test.sh after the release build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

unit=deploy/coffer.service
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# verify checks the ExecStart binary exists: point a copy at the one just built.
sed "s|/usr/local/bin/coffer-server|$PWD/target/release/coffer-server|" "$unit" > "$work/coffer.service"
systemd-analyze verify "$work/coffer.service"
# --threshold is the exposure times ten: 20 means "2.0", the top of "OK".
systemd-analyze security --offline=yes --threshold=20 --no-pager "$unit" | tail -n 1
echo "check-deploy: $unit verifies and keeps its sandbox"
