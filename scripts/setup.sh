#!/usr/bin/env bash
# Create .venv (once) and install graphsvc into it; with "test", the test tools too.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
extra=""
[ "${1:-}" = "test" ] && extra="[test]"
echo "setting up .venv (pip install -e .$extra) …" >&2
if ! { .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip &&
       .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".$extra"; } \
       >"$log" 2>&1; then
    cat "$log" >&2
    echo "setup failed: see the pip output above" >&2
    exit 1
fi
