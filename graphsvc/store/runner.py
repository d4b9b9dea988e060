"""How the Neo4j store talks to a server: a small ``QueryRunner`` over the official driver.

The store never touches the driver directly. It hands a :class:`~graphsvc.store.cypher.Cypher`
statement and its parameters to a runner, which the unit tests replace with a recording fake
(graph-data-science-client's ``QueryRunner`` pattern). Every failure to reach the server becomes
one :class:`~graphsvc.errors.StoreUnavailable` with a one-line message, within seconds: the
driver's own retry loop (about a minute by default) is bounded here.

Two ways to connect. The CLI calls :func:`connect`, which fails at once when the server is
down (``PATIENT`` timeouts: a slow network still works). A long-running service uses
:class:`ReconnectingRunner` with ``SERVICE`` timeouts: it starts without the server, answers
``StoreUnavailable`` (503 in the API) within about a second while the server is away, and
works again as soon as it is back, without a restart. Messages name the server as
``scheme://host:port`` only: never the credentials.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
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
    ConnectionPoolError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from graphsvc.config import Settings
from graphsvc.errors import StoreUnavailable
from graphsvc.store.cypher import Cypher

__all__ = [
    "CONNECTION_TIMEOUT",
    "MAX_RETRY_TIME",
    "PATIENT",
    "REOPEN_AFTER",
    "SERVICE",
    "Neo4jRunner",
    "QueryRunner",
    "ReconnectingRunner",
    "RoutingControl",
    "Timeouts",
    "Tx",
    "check_uri",
    "connect",
    "safe_uri",
]


@dataclass(frozen=True, slots=True)
class Timeouts:
    """How long the driver waits for a server before it gives up (seconds)."""

    #: to open the TCP connection
    connection: float
    #: to get a usable connection: from the pool, or a new one (TCP, TLS, Bolt handshake and
    #: log-in all count; a server that accepts and then says nothing is caught here)
    acquisition: float
    #: to keep retrying a managed transaction after its first attempt failed (driver default:
    #: 30 s plus back-off, about a minute against a dead server)
    retry: float
    #: the first back-off sleep; each next one doubles (with 20 % jitter)
    first_delay: float


#: the CLI and the library: a slow network still works (5 s to connect), a server that dies
#: under a query or an ingest is a one-line error within 2 s: a refused or reset connection is
#: retried for 0.5 s, as in ``SERVICE``
PATIENT = Timeouts(connection=5.0, acquisition=10.0, retry=0.5, first_delay=0.1)
#: a service (the API) answers within 2 s whatever the server does: a refused or reset
#: connection is retried for 0.5 s (sleeps of about 0.1 + 0.2 + 0.4 s, 0.84 s at most), and a
#: server that accepts but never answers costs two attempts of 0.8 s plus one 0.1 s sleep.
#: A new connection to a server across a slow WAN (TLS to Aura) may need more: raise it with
#: ``settings.extra["neo4j_connection_timeout"]``
SERVICE = Timeouts(connection=0.8, acquisition=0.8, retry=0.5, first_delay=0.1)
#: seconds a ``ReconnectingRunner`` answers the last failure again before it tries the server
#: once more (so that requests do not queue behind one connection attempt after another)
REOPEN_AFTER = 1.0

#: seconds to open one TCP/Bolt connection before giving up (``PATIENT``)
CONNECTION_TIMEOUT = PATIENT.connection
#: seconds a managed transaction is retried on transient errors (``PATIENT``)
MAX_RETRY_TIME = PATIENT.retry

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
        self.uri = safe_uri(uri)

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

    def _errors(self) -> AbstractContextManager[None]:
        return translated_errors(self.uri, self.database)


@contextmanager
def translated_errors(where: str, database: str) -> Iterator[None]:
    """Turn the errors that mean "the store cannot answer now" into ``StoreUnavailable``;
    every other error (a Cypher bug, a constraint violation) stays what it is."""
    try:
        yield
    except (Neo4jError, DriverError, OSError) as exc:
        translated = unavailable(exc, where, database)
        if translated is None:
            raise
        raise translated from exc


class ReconnectingRunner:
    """A ``QueryRunner`` that connects on first use, and again after a failed attempt.

    A service built on it starts while the server is down, answers ``StoreUnavailable`` while it
    stays down, and works again once it is back, without a restart. ``open`` makes the real
    runner (``connect`` and the schema check). Once open, the driver reconnects by itself (a
    server restart costs one retried transaction).

    A failure to connect, or a statement that still cannot reach the server after the driver's
    retries, is remembered for ``reopen_after`` seconds: meanwhile every call answers it at
    once instead of queueing behind attempts of about a second each (with two query threads,
    eight requests would otherwise wait up to 3 s). So the store is tried again about once a
    ``reopen_after``, and a recovery shows within that time. Errors of the runner it wraps are
    translated as ``Neo4jRunner`` does, so a fake runner raising the driver's exceptions
    behaves like the real one.
    """

    def __init__(self, open: Callable[[], QueryRunner], *, database: str, where: str,
                 reopen_after: float = REOPEN_AFTER) -> None:
        self._open = open
        self.database = database
        self.where = where
        self.reopen_after = reopen_after
        self._runner: QueryRunner | None = None
        self._failed: tuple[float, str] | None = None  # (when, message) of the last failure
        self._closed = False
        self._lock = threading.Lock()

    def runner(self) -> QueryRunner:
        """The open runner, opening it now if need be (raises ``StoreUnavailable``)."""
        runner = self._runner
        if runner is not None and self._failed is None:
            return runner
        with self._lock:  # one connection attempt at a time; the others wait for its outcome
            if self._closed:
                raise StoreUnavailable("the store is closed (the service is stopping)")
            failed = self._failed
            if failed is not None and time.monotonic() - failed[0] < self.reopen_after:
                raise StoreUnavailable(failed[1])
            if self._runner is not None:
                return self._runner  # try the server again (``_call`` forgets the failure)
            try:
                with translated_errors(self.where, self.database):
                    self._runner = self._open()
            except StoreUnavailable as exc:
                self._failed = (time.monotonic(), str(exc))
                raise
            self._failed = None
            return self._runner

    def _call(self, work: Callable[[QueryRunner], T]) -> T:
        runner = self.runner()
        try:
            with translated_errors(self.where, self.database):
                result = work(runner)
        except StoreUnavailable as exc:
            self._failed = (time.monotonic(), str(exc))
            raise
        if self._failed is not None:
            self._failed = None
        return result

    def execute_query(
        self, q: Cypher, params: Params = None, *, routing: RoutingControl = RoutingControl.READ
    ) -> list[dict[str, Any]]:
        return self._call(lambda r: r.execute_query(q, params, routing=routing))

    def execute_write(self, work: Callable[[Tx], T]) -> T:
        return self._call(lambda r: r.execute_write(work))

    def execute_read(self, work: Callable[[Tx], T]) -> T:
        return self._call(lambda r: r.execute_read(work))

    def run_autocommit(self, q: Cypher, params: Params = None) -> None:
        self._call(lambda r: r.run_autocommit(q, params))

    def close(self) -> None:
        with self._lock:
            self._closed = True
            runner, self._runner = self._runner, None
        if runner is not None:
            runner.close()


def connect(
    settings: Settings,
    *,
    connection_timeout: float | None = None,
    max_retry_time: float | None = None,
    timeouts: Timeouts = PATIENT,
) -> Neo4jRunner:
    """A runner for the server the settings name, checked to be reachable.

    Raises ``StoreUnavailable`` (one line) when no URI is configured, the URI is malformed,
    the server cannot be reached within the timeouts or refuses the credentials.
    ``settings.extra`` may carry ``neo4j_connection_timeout`` and ``neo4j_max_retry_time``.
    """
    uri = check_uri(settings)
    where = safe_uri(uri)
    try:
        driver = GraphDatabase.driver(
            uri,
            auth=(settings.neo4j_user, settings.neo4j_password),
            **driver_config(settings, connection_timeout=connection_timeout,
                            max_retry_time=max_retry_time, timeouts=timeouts),
        )
    except (ValueError, ConfigurationError) as exc:
        why = _one_line(exc).replace(uri, where)
        if settings.neo4j_password:
            why = why.replace(settings.neo4j_password, "***")
        # not chained: the driver's own message, in a logged traceback, would name the URI
        raise StoreUnavailable(f"bad GRAPHSVC_NEO4J_URI {where!r}: {why}") from None
    try:
        with translated_errors(where, settings.neo4j_database):
            driver.verify_connectivity()
    except BaseException:
        driver.close()
        raise
    return Neo4jRunner(driver, settings.neo4j_database, uri)


def check_uri(settings: Settings) -> str:
    """The configured URI, or ``StoreUnavailable`` saying what is wrong with it (no I/O).

    Examples
    --------
    >>> check_uri(Settings(neo4j_uri="neo4j+s://db.example.org"))
    'neo4j+s://db.example.org'
    >>> check_uri(Settings(neo4j_uri="bolt://neo4j:secret@db:7687"))
    Traceback (most recent call last):
    ...
    graphsvc.errors.StoreUnavailable: bad GRAPHSVC_NEO4J_URI 'bolt://db:7687': credentials do \
not belong in the URI: set GRAPHSVC_NEO4J_USER and GRAPHSVC_NEO4J_PASSWORD
    """
    uri = settings.neo4j_uri
    if not uri:
        raise StoreUnavailable(
            "the Neo4j store needs GRAPHSVC_NEO4J_URI (for example bolt://localhost:7687)"
        )
    scheme, sep, rest = uri.partition("://")
    if not sep or scheme.lower() not in _SCHEMES:
        raise StoreUnavailable(
            f"bad GRAPHSVC_NEO4J_URI {safe_uri(uri)!r}: use bolt://host:7687 or "
            "neo4j://host:7687 (+s / +ssc for TLS)"
        )
    if "@" in rest:  # a password may hold '/', '?', '#' and '@': see ``safe_uri``
        raise StoreUnavailable(
            f"bad GRAPHSVC_NEO4J_URI {safe_uri(uri)!r}: credentials do not belong in the URI: "
            "set GRAPHSVC_NEO4J_USER and GRAPHSVC_NEO4J_PASSWORD"
        )
    return uri


def safe_uri(uri: str) -> str:
    """``scheme://host:port`` of a URI, fit for messages: no credentials, path or options.

    Whatever precedes the last ``@`` is taken for credentials, whatever characters it holds:
    a password is not percent-encoded by everyone who writes one into a URI, and ``/``, ``?``
    or ``#`` in it would end the authority for ``urllib.parse`` and leave the rest of the
    password in what it calls the host (``bolt://neo4j:pa/ss@db`` has host ``neo4j:pa``).

    Examples
    --------
    >>> safe_uri("neo4j+s://neo4j:s3cret@db.example.org:7687/x?policy=eu")
    'neo4j+s://db.example.org:7687'
    >>> safe_uri("bolt://localhost:7687"), safe_uri("user:pw@host")
    ('bolt://localhost:7687', 'host')
    >>> safe_uri("bolt://neo4j:a/b?c#d@e@db:7687/neo4j")
    'bolt://db:7687'
    >>> safe_uri("bolt://neo4j:pa ss@[::1]:7687"), safe_uri("bolt://:@"), safe_uri("")
    ('bolt://[::1]:7687', 'bolt://', '')
    """
    scheme, sep, rest = uri.partition("://")
    if not sep:
        scheme, rest = "", uri
    host = re.split(r"[/?#\\]", rest.rpartition("@")[2], maxsplit=1)[0]
    host = "".join(ch for ch in host if ch.isprintable() and not ch.isspace())
    return f"{scheme}://{host}" if sep else host


def driver_config(
    settings: Settings,
    *,
    connection_timeout: float | None = None,
    max_retry_time: float | None = None,
    timeouts: Timeouts = PATIENT,
) -> dict[str, Any]:
    """Driver settings that turn a dead server into an error within seconds.

    The driver retries a managed transaction until ``max_transaction_retry_time`` has passed
    since the first attempt failed, and its last back-off sleep can overshoot that by the whole
    delay; a short first delay keeps the total near ``timeouts.retry``. Explicit arguments win
    over ``settings.extra`` (``neo4j_connection_timeout``, ``neo4j_max_retry_time``), which
    win over ``timeouts``.
    """
    extra_timeout = settings.extra.get("neo4j_connection_timeout")
    timeout = float(connection_timeout or extra_timeout or timeouts.connection)
    retry = max_retry_time if max_retry_time is not None else float(
        settings.extra.get("neo4j_max_retry_time", timeouts.retry)
    )
    acquisition = timeouts.acquisition
    if connection_timeout or extra_timeout:  # a longer connection needs a longer acquisition
        acquisition = max(timeout * timeouts.acquisition / timeouts.connection, timeout)
    return {
        "connection_timeout": timeout,
        "connection_acquisition_timeout": acquisition,
        "max_transaction_retry_time": retry,
        "initial_retry_delay": timeouts.first_delay,
        "retry_delay_multiplier": 2.0,
        # The server's notifications (a property key no data has used yet, as on an empty
        # store) are hints for a person at a console; the driver would log each as a warning.
        "notifications_min_severity": "OFF",
    }


#: socket errors the driver lets through: a reset, a refused or timed-out connection, DNS
#: (a missing file or a full disk is no reason to call the store unreachable)
_SOCKET_ERRORS = (ConnectionError, TimeoutError, socket.gaierror, socket.herror)
_UNREACHABLE = (ServiceUnavailable, SessionExpired, ConnectionPoolError, *_SOCKET_ERRORS)
_SCHEMES = {"bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"}
_REASON = re.compile(r"reason (?:\[Errno -?\d+\] )?(?P<why>[^)]+)\)?\s*$")


def unavailable(exc: BaseException, uri: str, database: str) -> StoreUnavailable | None:
    """The one-line ``StoreUnavailable`` for a driver error, or None if it is not about reaching
    the store (syntax errors, constraint violations … stay what they are).

    Examples
    --------
    >>> from neo4j.exceptions import CypherSyntaxError, SessionExpired
    >>> str(unavailable(SessionExpired("gone"), "bolt://db:7687", "neo4j"))
    'cannot reach Neo4j at bolt://db:7687: gone'
    >>> unavailable(CypherSyntaxError("bad"), "bolt://db:7687", "neo4j") is None
    True
    """
    where = safe_uri(uri)
    if isinstance(exc, AuthError):
        return StoreUnavailable(
            f"Neo4j at {where} refused the credentials (GRAPHSVC_NEO4J_USER / "
            f"GRAPHSVC_NEO4J_PASSWORD): {_one_line(exc)}"
        )
    if isinstance(exc, ClientError):
        if "DatabaseNotFound" in (exc.code or ""):
            return StoreUnavailable(
                f"Neo4j at {where} has no database {database!r} (GRAPHSVC_NEO4J_DATABASE)"
            )
        return None
    if isinstance(exc, TransientError):  # still failing after the driver's retries
        return StoreUnavailable(
            f"Neo4j at {where} cannot answer now ({exc.code or 'transient error'}): "
            f"{_one_line(exc, exc.message)}"
        )
    if isinstance(exc, _UNREACHABLE):
        return StoreUnavailable(f"cannot reach Neo4j at {where}: {_one_line(exc)}")
    return None


def _one_line(exc: BaseException, text: str | None = None) -> str:
    """The gist of a driver message, on one line and without the driver's internal reprs.

    Examples
    --------
    >>> _one_line(OSError(), "Couldn't connect to db:7687 (resolved to ('10.0.0.5:7687',)):\\n"
    ...           "Failed to read four byte Bolt handshake response from server "
    ...           "ResolvedIPv4Address(('10.0.0.5', 7687)) (deadline Deadline(timeout=0.8))")
    'Failed to read four byte Bolt handshake response from server 10.0.0.5:7687 (within 0.8 s)'
    """
    text = text or str(exc) or type(exc).__name__
    m = _REASON.search(text)
    if m:
        return m.group("why").strip()
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) > 1 and lines[0].startswith("Couldn't connect to"):
        text = lines[-1]  # "Couldn't connect to … (resolved to …):" then one line per address
    text = _ADDRESS.sub(r"\g<host>:\g<port>", text)
    text = _DEADLINE.sub(r"(within \g<s> s)", text)
    flat = " ".join(text.split())
    return flat if len(flat) <= 200 else flat[:197] + "..."


_ADDRESS = re.compile(r"(?:Resolved)?IPv[46]Address\(\('(?P<host>[^']*)', (?P<port>\d+)[^)]*\)\)")
_DEADLINE = re.compile(r"\(deadline Deadline\(timeout=(?P<s>[\d.]+)\)\)")
