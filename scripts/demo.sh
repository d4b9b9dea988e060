#!/usr/bin/env bash
# The main job on a fresh machine: set up, ingest the bundled dblp sample, show what graphsvc
# answers, then serve the HTTP API and the network views on http://127.0.0.1:8000/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/graphsvc demo
# then serve the API and the network views (Ctrl-C stops)
exec .venv/bin/graphsvc serve "$@"
