#!/usr/bin/env bash
# Install the Debian tools the test suite drives: Chromium for the browser tests
# (tests/test_browser.py, bench/views.py) and docker-compose, which only validates
# docker-compose.yml (`docker-compose config` parses it; no Docker engine is needed or used).
#
# Idempotent: installs only what is missing, in one apt-get run. Installs only as root (CI and the
# project's machines run as root); otherwise it says how, and exits 0 so the tests that need a
# tool skip with their own reason instead of failing the run. Playwright drives this Chromium
# with its Python package's bundled driver: never `playwright install` (it downloads a browser).
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-dejavu-core)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
if [ ${#missing[@]} -eq 0 ]; then
    echo "tools: $(/usr/bin/chromium --version 2>/dev/null | head -n 1); $(docker-compose version --short 2>/dev/null)"
    exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "tools: missing ${missing[*]}; as root run:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 0
fi
echo "tools: installing Debian's ${missing[*]} (apt-get) …" >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update && apt-get install -y --no-install-recommends "${missing[@]}"; } \
        >"$log" 2>&1; then
    cat "$log" >&2
    echo "tools: apt-get failed (see above); the tests that need them will be skipped" >&2
    exit 1
fi
echo "tools: $(/usr/bin/chromium --version 2>/dev/null | head -n 1); $(docker-compose version --short 2>/dev/null)"
