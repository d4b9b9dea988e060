#!/usr/bin/env bash
# Lint cypher/*.cypher with the pinned @neo4j-cypher/language-support (see lint.mjs).
# Installs exactly what package-lock.json names (npm ci), once per lock-file change.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "cypher lint: skipped (needs Node 20+ and npm)"
    exit 0
fi
stamp=node_modules/.graphsvc-lock
if ! cmp -s package-lock.json "$stamp" 2>/dev/null; then
    # the package declares node >= 24 but works on Node 20: the engine warning is expected
    if ! log=$(npm ci --no-audit --no-fund --loglevel=error 2>&1); then
        echo "$log" >&2
        echo "cypher lint: npm ci failed" >&2
        exit 1
    fi
    cp package-lock.json "$stamp"
fi
exec node lint.mjs "$@"
