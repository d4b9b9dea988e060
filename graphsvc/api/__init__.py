"""The HTTP API (FastAPI): ``create_app(settings)`` in ``graphsvc.api.app``."""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # importing the package stays cheap: FastAPI loads only when the app is wanted
    if name == "create_app":
        from graphsvc.api.app import create_app

        return create_app
    raise AttributeError(name)
