#!/bin/sh
# Names the whole app's files after their content, as trunk names the visitor's app, and writes the
# names into index.html's <meta name="coffer-app"> for boot.js. Trunk builds the whole app like a
# worker (index.html), with fixed names; a fixed name would be revalidated on every load and, after
# an upgrade, could pair one build's JS with another's WASM. Hashed, both are cached for good
# (backend/src/routes/static_files.rs) and each index.html names its own pair.
# Run by Trunk's post-build hook (Trunk.toml) on the staging directory:
#   sh scripts/hash-app.sh <dir>
set -eu
dir="$1"
hash="$(cat "$dir/coffer-frontend.js" "$dir/coffer-frontend_bg.wasm" | sha256sum | cut -c1-16)"
js="coffer-frontend-$hash.js"
wasm="coffer-frontend-${hash}_bg.wasm"
mv "$dir/coffer-frontend.js" "$dir/$js"
mv "$dir/coffer-frontend_bg.wasm" "$dir/$wasm"
# Only the element (a line that starts with it), not the comment that mentions it.
sed -i "s|^\( *\)<meta name=\"coffer-app\"|\1<meta name=\"coffer-app\" data-whole-js=\"/$js\" data-whole-wasm=\"/$wasm\"|" \
    "$dir/index.html"
grep -q "data-whole-wasm=\"/$wasm\"" "$dir/index.html" || { echo "hash-app: no coffer-app meta in index.html" >&2; exit 1; }
