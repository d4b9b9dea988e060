"""The Content-Security-Policy and companion headers of every HTML page graphsvc serves.

The views and the API documentation (``/docs``) send the same headers: scripts,
styles and requests come from this service only, so a page loads nothing from another host.
"""

from __future__ import annotations

#: what a page may load: its own scripts and styles, its own API; images as data/blob (PNG export)
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
