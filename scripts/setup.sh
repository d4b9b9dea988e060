#!/usr/bin/env bash
# Create .venv (once) and install graphsvc into it; with "test", the test tools too.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
if [ "${1:-}" = "test" ]; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
else
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
fi
