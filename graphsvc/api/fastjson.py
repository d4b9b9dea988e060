"""Hot read routes answer with the library's dicts serialised directly.

FastAPI validates a returned dict against the route's ``response_model`` and then serialises
the validated copy; for an ego network of a hundred nodes that is a third of the request's CPU.
The library already builds these dicts in the documented shape, so the hot routes (search,
collaborators, ego, shortest path) return :class:`DocumentedJSON` instead: the route keeps its
``response_model`` for OpenAPI, and ``tests/test_api_fastjson.py`` checks that every such answer
is exactly what the model would have produced.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from fastapi.responses import Response
from pydantic import BaseModel


@functools.cache
def _optional_fields(model: type[BaseModel]) -> tuple[tuple[str, Any], ...]:
    """(JSON key, default) of the optional fields of ``model`` with an immutable default."""
    return tuple((field.alias or name, field.get_default())
                 for name, field in model.model_fields.items()
                 if not field.is_required() and field.default_factory is None)


class DocumentedJSON(Response):
    """``application/json`` from a plain dict/list (no NaN, UTF-8, compact)."""

    media_type = "application/json"

    def __init__(self, content: Any, model: type[BaseModel] | None = None) -> None:
        if model is not None:  # the optional top-level fields the library may leave out
            for key, default in _optional_fields(model):
                if key not in content:
                    content[key] = default
        super().__init__(content)

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False,
                          separators=(",", ":")).encode("utf-8")
