"""Pure name normalisation: TeX decoding, display forms, parsing and match keys."""

from graphsvc.names.parse import (
    ParsedName,
    display_form,
    fold,
    name_key,
    parse_name,
    strip_controls,
    strip_terminal,
)
from graphsvc.names.tex import decode_tex

__all__ = [
    "ParsedName",
    "decode_tex",
    "display_form",
    "fold",
    "name_key",
    "parse_name",
    "strip_controls",
    "strip_terminal",
]
