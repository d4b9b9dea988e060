#!/usr/bin/env bash
# Set up and run every check: lint, types, Cypher lint, the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
bash scripts/install-browser.sh || echo "chromium not installed: browser tests will skip" >&2
echo "== ruff"; .venv/bin/ruff check graphsvc tests bench
echo "== mypy"; .venv/bin/mypy
if [ -f tools/cypher-lint/lint.mjs ]; then
    echo "== cypher lint"; bash tools/cypher-lint/run.sh
fi
echo "== pytest"; .venv/bin/python -m pytest "$@"
