"""How the Neo4j store talks to a server: a small ``QueryRunner`` over the official driver.

The store never touches the driver directly. It hands a :class:`~graphsvc.store.cypher.Cypher`
statement and its parameters to a runner, which the unit tests replace with a recording fake
(graph-data-science-client's ``QueryRunner`` pattern). Every failure to reach the server becomes
one :class:`~graphsvc.errors.StoreUnavailable` with a one-line message, within seconds: the
driver's own retry loop (about a minute by default) is bounded here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

from neo4j import (
    READ_ACCESS,
    WRITE_ACCESS,
    Driver,
    GraphDatabase,
    ManagedTransaction,
    Result,
    RoutingControl,
)
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConfigurationError,
    ServiceUnavailable,
    SessionExpired,
)

from graphsvc.config import Settings
from graphsvc.errors import StoreUnavailable
from graphsvc.store.cypher import Cypher

__all__ = [
    "CONNECTION_TIMEOUT",
    "MAX_RETRY_TIME",
    "Neo4jRunner",
    "QueryRunner",
    "RoutingControl",
    "Tx",
    "connect",
]

#: seconds to open one TCP/Bolt connection before giving up
CONNECTION_TIMEOUT = 5.0
#: seconds a managed transaction is retried on transient errors (driver default: 30 s plus
#: back-off, about a minute against a dead server)
MAX_RETRY_TIME = 3.0

T = TypeVar("T")
Params = Mapping[str, Any] | None


class Tx(Protocol):
    """One open transaction: statements run in it commit (or roll back) together."""

    def run(self, q: Cypher, params: Params = None) -> list[dict[str, Any]]: ...

    def stream(self, q: Cypher, params: Params = None) -> Iterator[tuple[Any, ...]]: ...


class QueryRunner(Protocol):
    """What the Neo4j store needs from a connection; the recording fake implements it too."""

    database: str

    def execute_query(
        self, q: Cypher, params: Params = None, *, routing: RoutingControl = RoutingControl.READ
    ) -> list[dict[str, Any]]: ...

    def execute_write(self, work: Callable[[Tx], T]) -> T: ...

    def execute_read(self, work: Callable[[Tx], T]) -> T: ...

    def run_autocommit(self, q: Cypher, params: Params = None) -> None: ...

    def close(self) -> None: ...


def _records(result: Result) -> list[dict[str, Any]]:
    return [r.data() for r in result]


class _DriverTx:
    """A managed transaction of the driver behind the ``Tx`` protocol."""

    def __init__(self, tx: ManagedTransaction) -> None:
        self._tx = tx

    def run(self, q: Cypher, params: Params = None) -> list[dict[str, Any]]:
        return [r.data() for r in self._tx.run(q.text, dict(params or {}))]

    def stream(self, q: Cypher, params: Params = None) -> Iterator[tuple[Any, ...]]:
        for r in self._tx.run(q.text, dict(params or {})):
            yield tuple(r.values())


class Neo4jRunner:
    """``QueryRunner`` over one driver and one database.

    Single statements go through ``driver.execute_query`` (a managed, retried transaction,
    routed to readers for reads); multi-statement work through ``session.execute_write`` /
    ``execute_read``; ``CALL { … } IN TRANSACTIONS`` needs an auto-commit ``session.run``.
    """

    def __init__(self, driver: Driver, database: str, uri: str) -> None:
        self.driver = driver
        self.database = database
        self.uri = uri

    def execute_query(
        self, q: Cypher, params: Params = None, *, routing: RoutingControl = RoutingControl.READ
    ) -> list[dict[str, Any]]:
        with self._errors():
            rows: list[dict[str, Any]] = self.driver.execute_query(
                q.text,
                dict(params or {}),
                routing_=routing,
                database_=self.database,
                result_transformer_=_records,
            )
            return rows

    def execute_write(self, work: Callable[[Tx], T]) -> T:
        with self._errors(), self.driver.session(
            database=self.database, default_access_mode=WRITE_ACCESS
        ) as session:
            return session.execute_write(lambda tx: work(_DriverTx(tx)))

    def execute_read(self, work: Callable[[Tx], T]) -> T:
        with self._errors(), self.driver.session(
            database=self.database, default_access_mode=READ_ACCESS
        ) as session:
            return session.execute_read(lambda tx: work(_DriverTx(tx)))

    def run_autocommit(self, q: Cypher, params: Params = None) -> None:
        with self._errors(), self.driver.session(
            database=self.database, default_access_mode=WRITE_ACCESS
        ) as session:
            session.run(q.text, dict(params or {})).consume()

    def close(self) -> None:
        self.driver.close()

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except (ServiceUnavailable, SessionExpired, AuthError, ClientError) as exc:
            translated = unavailable(exc, self.uri, self.database)
            if translated is None:
                raise
            raise translated from exc


def connect(
    settings: Settings,
    *,
    connection_timeout: float | None = None,
    max_retry_time: float | None = None,
) -> Neo4jRunner:
    """A runner for the server the settings name, checked to be reachable.

    Raises ``StoreUnavailable`` (one line) when no URI is configured, the URI is malformed,
    the server cannot be reached within ``connection_timeout`` or refuses the credentials.
    ``settings.extra`` may carry ``neo4j_connection_timeout`` and ``neo4j_max_retry_time``.
    """
    uri = settings.neo4j_uri
    if not uri:
        raise StoreUnavailable(
            "the Neo4j store needs GRAPHSVC_NEO4J_URI (for example bolt://localhost:7687)"
        )
    scheme = uri.split("://", 1)[0].lower() if "://" in uri else ""
    if scheme not in _SCHEMES:
        raise StoreUnavailable(
            f"bad GRAPHSVC_NEO4J_URI {uri!r}: use bolt://host:7687 or neo4j://host:7687 "
            "(+s / +ssc for TLS)"
        )
    try:
        driver = GraphDatabase.driver(
            uri,
            auth=(settings.neo4j_user, settings.neo4j_password),
            **driver_config(settings, connection_timeout=connection_timeout,
                            max_retry_time=max_retry_time),
        )
    except (ValueError, ConfigurationError) as exc:
        raise StoreUnavailable(f"bad GRAPHSVC_NEO4J_URI {uri!r}: {_one_line(exc)}") from exc
    try:
        driver.verify_connectivity()
    except (ServiceUnavailable, SessionExpired, AuthError, ClientError, OSError) as exc:
        driver.close()
        translated = unavailable(exc, uri, settings.neo4j_database)
        if translated is None:
            raise
        raise translated from exc
    return Neo4jRunner(driver, settings.neo4j_database, uri)


def driver_config(
    settings: Settings,
    *,
    connection_timeout: float | None = None,
    max_retry_time: float | None = None,
) -> dict[str, Any]:
    """Driver settings that turn a dead server into an error within seconds.

    The driver retries a managed transaction until ``max_transaction_retry_time`` has passed,
    and its last back-off sleep can overshoot that by the whole delay (1, 2, 4, 8 … s by
    default); a short first delay keeps the total near ``MAX_RETRY_TIME``.
    """
    timeout = float(connection_timeout or settings.extra.get("neo4j_connection_timeout")
                    or CONNECTION_TIMEOUT)
    retry = max_retry_time if max_retry_time is not None else float(
        settings.extra.get("neo4j_max_retry_time", MAX_RETRY_TIME)
    )
    return {
        "connection_timeout": timeout,
        "connection_acquisition_timeout": max(2 * timeout, 10.0),
        "max_transaction_retry_time": retry,
        "initial_retry_delay": 0.25,
        "retry_delay_multiplier": 2.0,
    }


_SCHEMES = {"bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"}
_REASON = re.compile(r"reason (?:\[Errno -?\d+\] )?(?P<why>[^)]+)\)?\s*$")


def unavailable(exc: BaseException, uri: str, database: str) -> StoreUnavailable | None:
    """The one-line ``StoreUnavailable`` for a driver error, or None if it is not about reaching
    the store (syntax errors, constraint violations … stay what they are)."""
    if isinstance(exc, AuthError):
        return StoreUnavailable(
            f"Neo4j at {uri} refused the credentials (GRAPHSVC_NEO4J_USER / "
            f"GRAPHSVC_NEO4J_PASSWORD): {_one_line(exc)}"
        )
    if isinstance(exc, ClientError):
        if "DatabaseNotFound" in (exc.code or ""):
            return StoreUnavailable(
                f"Neo4j at {uri} has no database {database!r} (GRAPHSVC_NEO4J_DATABASE)"
            )
        return None
    if isinstance(exc, ServiceUnavailable | SessionExpired | OSError):
        return StoreUnavailable(f"cannot reach Neo4j at {uri}: {_one_line(exc)}")
    return None


def _one_line(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    m = _REASON.search(text)
    if m:
        return m.group("why").strip()
    flat = " ".join(text.split())
    return flat if len(flat) <= 200 else flat[:197] + "..."
