# Coffer: environment for the build/test scripts. Source it, don't run it:
#   source scripts/env.sh
# Puts the project-local tools (.tools/: npm's binaryen wasm-opt) and cargo's
# bin dir on PATH, and exports COFFER_ROOT (the repository root).

COFFER_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export COFFER_ROOT
case ":$PATH:" in
    *":$COFFER_ROOT/.tools/node_modules/.bin:"*) ;;
    *) PATH="$COFFER_ROOT/.tools/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH" ;;
esac
export PATH
