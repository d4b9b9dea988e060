"""Settings from the environment (``GRAPHSVC_*``) and flags; the default is the embedded store."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from graphsvc.errors import ConfigError

DEFAULT_DATA_DIR = Path("graphsvc-data")
DEFAULT_MAX_TEAM_SIZE = 100


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable, with the defaults a new user wants."""

    data_dir: Path = DEFAULT_DATA_DIR
    store: str = "embedded"  # or "neo4j"
    # secrets stay out of repr(): a repr ends up in logs and tracebacks
    neo4j_uri: str | None = field(default=None, repr=False)
    neo4j_user: str = "neo4j"
    neo4j_password: str = field(default="", repr=False)
    neo4j_database: str = "neo4j"
    max_team_size: int = DEFAULT_MAX_TEAM_SIZE
    api_key: str | None = field(default=None, repr=False)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def db_path(self) -> Path:
        return self.data_dir / "graphsvc.sqlite3"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from ``GRAPHSVC_*`` variables, then explicit overrides (flags) on top."""
        e = os.environ if env is None else env
        if (overrides.get("data_dir") is None and "GRAPHSVC_DATA_DIR" in e
                and not e["GRAPHSVC_DATA_DIR"].strip()):
            raise ConfigError("GRAPHSVC_DATA_DIR is set but empty: unset it (default "
                              f"./{DEFAULT_DATA_DIR}) or name a directory")
        store = e.get("GRAPHSVC_STORE", "embedded")
        if overrides.get("store") is None and store not in ("embedded", "neo4j"):
            raise ConfigError(f"GRAPHSVC_STORE must be embedded or neo4j, not {store!r}")
        s = cls(
            data_dir=Path(e.get("GRAPHSVC_DATA_DIR", str(DEFAULT_DATA_DIR))),
            store=store,
            neo4j_uri=e.get("GRAPHSVC_NEO4J_URI") or None,
            neo4j_user=e.get("GRAPHSVC_NEO4J_USER", "neo4j"),
            neo4j_password=e.get("GRAPHSVC_NEO4J_PASSWORD", ""),
            neo4j_database=e.get("GRAPHSVC_NEO4J_DATABASE", "neo4j"),
            max_team_size=_team_size(e.get("GRAPHSVC_MAX_TEAM_SIZE")),
            api_key=e.get("GRAPHSVC_API_KEY") or None,
        )
        lease = e.get("GRAPHSVC_NEO4J_RUN_LEASE", "").strip()
        if lease:
            s.extra["neo4j_run_lease"] = _seconds("GRAPHSVC_NEO4J_RUN_LEASE", lease)
        clean = {k: v for k, v in overrides.items() if v is not None}
        return replace(s, **clean)


def _seconds(name: str, raw: str) -> float:
    """A positive number of seconds, or ``ConfigError`` naming the variable.

    Examples
    --------
    >>> _seconds("GRAPHSVC_NEO4J_RUN_LEASE", "2.5")
    2.5
    >>> _seconds("GRAPHSVC_NEO4J_RUN_LEASE", "soon")
    Traceback (most recent call last):
    ...
    graphsvc.errors.ConfigError: GRAPHSVC_NEO4J_RUN_LEASE must be a positive number of \
seconds, not 'soon'
    """
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise ConfigError(f"{name} must be a positive number of seconds, not {raw!r}")
    return value


def _team_size(raw: str | None) -> int:
    """``GRAPHSVC_MAX_TEAM_SIZE`` as a number, or ``ConfigError`` saying what is wrong.

    Examples
    --------
    >>> _team_size(None), _team_size(" 50 ")
    (100, 50)
    >>> _team_size("lots")
    Traceback (most recent call last):
    ...
    graphsvc.errors.ConfigError: GRAPHSVC_MAX_TEAM_SIZE must be 0 (no cap) or a positive \
integer, not 'lots'
    """
    if raw is None or not raw.strip():
        return DEFAULT_MAX_TEAM_SIZE
    try:
        value = int(raw.strip())
    except ValueError:
        value = -1
    if value < 0:
        raise ConfigError(
            f"GRAPHSVC_MAX_TEAM_SIZE must be 0 (no cap) or a positive integer, not {raw!r}")
    return value
