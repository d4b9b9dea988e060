#!/usr/bin/env bash
# Set up and run every check: lint, types, Cypher lint, the whole test suite, with a real Neo4j.
#
# A Neo4j 5 server (scripts/neo4j.sh, its own store in .neo4j-test/) starts in the background
# while the linters run and stops on exit; the Neo4j tests run against it and may empty it.
# A server that cannot start fails the run. To use a server of your own instead, set
# GRAPHSVC_NEO4J_URI (and GRAPHSVC_NEO4J_TEST_WIPE=1 if the tests may empty its database).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
bash scripts/install-tools.sh || echo "chromium/docker-compose not installed: their tests will skip" >&2

starter=""
if [ -z "${GRAPHSVC_NEO4J_URI:-}" ]; then
    export GRAPHSVC_NEO4J_SERVER_DIR="$PWD/.neo4j-test"
    mkdir -p "$GRAPHSVC_NEO4J_SERVER_DIR"
    trap 'bash scripts/neo4j.sh stop || true' EXIT
    envfile="$(mktemp)"
    # with OpenGDS (from Maven Central, like Neo4j): strongest paths take the GDS route, which
    # must answer as the embedded engine; test_neo4j_live_faults runs a private server without
    # it, where the documented fallback answers
    GRAPHSVC_NEO4J_GDS=1 bash scripts/neo4j.sh start >"$envfile" 2>"$envfile.log" &
    starter=$!
fi

echo "== ruff"; .venv/bin/ruff check graphsvc tests bench
echo "== mypy"; .venv/bin/mypy
if [ -f tools/cypher-lint/lint.mjs ]; then
    echo "== cypher lint"; bash tools/cypher-lint/run.sh
fi

if [ -n "$starter" ]; then
    echo "== neo4j"
    if ! wait "$starter"; then
        cat "$envfile.log" >&2
        echo "the Neo4j test server did not start: see the log above" >&2
        exit 1
    fi
    cat "$envfile.log" >&2
    # shellcheck disable=SC1090
    source "$envfile"
    rm -f "$envfile" "$envfile.log"
    # the tests may empty this server's database, and a missing server is a failure, not a skip
    export GRAPHSVC_NEO4J_TEST_WIPE=1 GRAPHSVC_NEO4J_TEST_SERVER=1 GRAPHSVC_NEO4J_TEST_GDS=1
fi
echo "== pytest"; .venv/bin/python -m pytest "$@"
