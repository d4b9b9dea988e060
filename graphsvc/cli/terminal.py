"""Everything the CLI prints goes through :func:`strip_terminal`: no field of the data (a
title, a venue, a key, a file name in a skip report) can drive the terminal it is shown on.

Names are cleaned when they are ingested; titles, venues, source keys and messages quoting
input are not (they are data, kept as given), so the CLI cleans its output streams instead,
whatever prints to them. Binary output (``serve --get`` of an image, exports) goes to
``sys.stdout.buffer`` untouched.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from graphsvc.names import strip_terminal


class SafeText:
    """A text stream that writes ``strip_terminal(text)`` to the stream it wraps."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(strip_terminal(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # flush, fileno, isatty, buffer, encoding …
        return getattr(self._stream, name)


@contextmanager
def safe_output() -> Iterator[None]:
    """Clean ``sys.stdout`` and ``sys.stderr`` while the block runs."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeText(out), SafeText(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err
