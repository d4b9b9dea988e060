"""The elements of a large top-level JSON array, decoded one at a time in bounded memory.

``json.loads`` of a whole document builds every object at once: a gzipped document that
expands to 240 MiB of small objects would want gigabytes. Here the text is decoded in chunks
and each element is built alone by ``JSONDecoder.raw_decode``; an element longer than
``max_value`` characters ends the document (JSON cannot be resumed past a value that is not
read), with the elements before it kept.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from graphsvc.sources.base import open_binary

CHUNK = 1 << 20
_WS = " \t\n\r"


class StreamError(Exception):
    """Why the rest of a document cannot be read: ``args = (reason, detail)``."""


def _decoder(head: bytes) -> tuple[codecs.IncrementalDecoder, int]:
    """An incremental decoder for a document starting with ``head``, and the BOM length."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return codecs.getincrementaldecoder("utf-16")(errors="replace"), 0
    skip = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    return codecs.getincrementaldecoder("utf-8")(errors="replace"), skip


def array_items(path: Path, max_value: int) -> Iterator[Any]:
    """The elements of the JSON array that is the whole of ``path``, one at a time.

    Raises ``StreamError`` (after the elements before it) when the document is not an array,
    is not JSON, nests too deeply or holds an element over ``max_value`` characters.
    """
    raw = json.JSONDecoder().raw_decode
    with open_binary(path) as f:
        first = f.read(CHUNK)
        dec, skip = _decoder(first[:4])
        buf = dec.decode(first[skip:], final=not first)
        eof = not first
        pos = 0

        def refill() -> bool:
            nonlocal buf, pos, eof
            if eof:
                return False
            data = f.read(CHUNK)
            eof = not data
            buf = buf[pos:] + dec.decode(data, final=eof)
            pos = 0
            return True

        def skip_ws() -> str:
            nonlocal pos
            while True:
                while pos < len(buf) and buf[pos] in _WS:
                    pos += 1
                if pos < len(buf):
                    return buf[pos]
                if not refill():
                    return ""

        if skip_ws() != "[":
            raise StreamError("bad-json", "a large JSON document must be an array of records")
        pos += 1
        if skip_ws() == "]":
            return
        index = 0
        while True:
            if not skip_ws():
                raise StreamError("bad-json", f"the array ends after element {index}")
            while True:
                try:
                    obj, end = raw(buf, pos)
                except RecursionError:
                    raise StreamError(
                        "bad-json", f"element {index}: nested too deeply to parse"
                    ) from None
                except ValueError as e:
                    if len(buf) - pos > max_value:
                        raise StreamError(
                            "record-too-large",
                            f"element {index} is over {max_value >> 20} MiB",
                        ) from None
                    if refill():
                        continue
                    raise StreamError("bad-json", f"element {index}: {e}") from None
                # a number at the end of the text read so far may go on in the next chunk
                if end < len(buf) or eof or not refill():
                    break
            if end - pos > max_value:
                raise StreamError(
                    "record-too-large", f"element {index} is over {max_value >> 20} MiB"
                )
            pos = end
            yield obj
            index += 1
            sep = skip_ws()
            if sep == "]":
                return
            if sep != ",":
                raise StreamError(
                    "bad-json", f"expected ',' or ']' after element {index - 1}, found {sep!r}"
                )
            pos += 1
