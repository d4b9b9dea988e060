"""Regenerate the binary files of this corpus (deterministic): ``python make_binary.py``."""

from __future__ import annotations

import gzip
import random
import struct
import zlib
from pathlib import Path

HERE = Path(__file__).parent
GOOD = b"""<?xml version="1.0" encoding="UTF-8"?>
<dblp>
<article key="journals/hostile/Lovelace43">
<author>Ada Lovelace</author>
<author>Charles Babbage</author>
<title>Notes on the Analytical Engine.</title>
<year>1843</year>
</article>
"""


def png() -> bytes:
    """A valid 2x2 RGB PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    raw = b"".join(b"\x00" + bytes([255, 0, 0, 0, 255, 0]) for _ in range(2))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    rnd = random.Random(20240601)
    garbage = bytes(rnd.randrange(256) for _ in range(4096))
    (HERE / "random.bin").write_bytes(garbage)
    (HERE / "image.png").write_bytes(png())
    (HERE / "garbage.gz").write_bytes(gzip.compress(garbage, mtime=0))
    # gzip magic and header, then garbage where the deflate stream should be
    (HERE / "corrupt.gz").write_bytes(gzip.compress(b"", mtime=0)[:10] + garbage[:512])
    # a dblp file whose gzip stream stops a few bytes into the third record
    body = GOOD + b"".join(
        b'<article key="journals/hostile/Filler%d">\n<author>Filler Author %d</author>\n'
        b"<author>Ada Lovelace</author>\n<title>Filler %d.</title>\n<year>1850</year>\n"
        b"</article>\n" % (i, i, i)
        for i in range(2000)
    ) + b"</dblp>\n"
    whole = gzip.compress(body, mtime=0)
    (HERE / "truncated.xml.gz").write_bytes(whole[: len(whole) // 2])


if __name__ == "__main__":
    main()
