#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests (tests/test_browser.py) and bench/views.py.
#
# Idempotent: does nothing when /usr/bin/chromium is already there. Installs only as root (CI and
# the project's machines run as root); otherwise it says how, and exits 0 so the browser tests
# skip with their own reason instead of failing the run. Playwright drives this Chromium with its
# Python package's bundled driver: never `playwright install` (it downloads a browser build).
set -euo pipefail

CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
    echo "chromium: $("$CHROMIUM" --version 2>/dev/null | head -n 1)"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "chromium: not installed and not root; as root run:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends chromium fonts-dejavu-core" >&2
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "chromium: no apt-get here; install Chromium at $CHROMIUM by hand" >&2
    exit 0
fi
echo "chromium: installing Debian's chromium (apt-get) …" >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update && apt-get install -y --no-install-recommends chromium fonts-dejavu-core; } \
        >"$log" 2>&1; then
    cat "$log" >&2
    echo "chromium: apt-get failed (see above); the browser tests will be skipped" >&2
    exit 1
fi
echo "chromium: $("$CHROMIUM" --version 2>/dev/null | head -n 1)"
