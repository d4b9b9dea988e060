#!/usr/bin/env bash
# The main job on a fresh machine: set up, ingest the bundled dblp sample, show what graphsvc answers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/graphsvc demo "$@"
