"""The one exception hierarchy of graphsvc, translated only at the edges (CLI, API).

::

    GraphsvcError
    ├── ParseError            a source cannot be read at all (bad records are skipped instead)
    ├── UnknownFormat         no reader fits the file, or --format names no reader
    ├── AuthorNotFound        no author matches an id or name
    ├── AmbiguousAuthor       a name matches several people (carries the candidates)
    ├── PaperNotFound         no paper matches an id
    ├── NoPath                two authors are not connected (within the limits asked)
    ├── InvalidQuery          arguments that cannot be answered (radius too large, bad window …)
    ├── StoreUnavailable      the configured store cannot be reached
    │   └── StoreBusy         another writer holds the store longer than a caller waits
    ├── StoreCorrupt          the store file is damaged (``graphsvc check`` says where)
    └── ConfigError           a ``GRAPHSVC_*`` variable or flag has a value that cannot work
"""

from __future__ import annotations

from typing import Any


class GraphsvcError(Exception):
    """Base of every error graphsvc raises on purpose."""

    #: stable machine-readable type, used for problem JSON and CLI exit codes
    type: str = "graphsvc-error"
    exit_code: int = 1
    http_status: int = 500


class ParseError(GraphsvcError):
    type = "parse-error"
    exit_code = 2
    http_status = 422


class UnknownFormat(GraphsvcError):
    type = "unknown-format"
    exit_code = 2
    http_status = 415


class AuthorNotFound(GraphsvcError):
    type = "author-not-found"
    exit_code = 3
    http_status = 404


class AmbiguousAuthor(GraphsvcError):
    """A name matched several authors; ``candidates`` lists them (dicts with id, name, papers)."""

    type = "ambiguous-author"
    exit_code = 3
    http_status = 409

    def __init__(self, query: str, candidates: list[dict[str, Any]]) -> None:
        self.query = query
        self.candidates = candidates
        names = "; ".join(
            f"{c['name']} (id {c['id']}, {c['papers']} papers)" for c in candidates[:10]
        )
        super().__init__(f"{query!r} matches {len(candidates)} authors: {names}")


class PaperNotFound(GraphsvcError):
    type = "paper-not-found"
    exit_code = 3
    http_status = 404


class NoPath(GraphsvcError):
    type = "no-path"
    exit_code = 4
    http_status = 200


class InvalidQuery(GraphsvcError):
    type = "invalid-query"
    exit_code = 2
    http_status = 422


class StoreUnavailable(GraphsvcError):
    type = "store-unavailable"
    exit_code = 5
    http_status = 503


class StoreBusy(StoreUnavailable):
    """Another write (an ingest, a merge) holds the store's writer lock; try again later."""

    type = "store-busy"


class StoreCorrupt(GraphsvcError):
    """The store file is not a database, is truncated, or has damaged pages."""

    type = "store-corrupt"
    exit_code = 6
    http_status = 503


class ConfigError(GraphsvcError, ValueError):
    """A setting with a value that cannot work (a ``ValueError`` too, for callers that parse)."""

    type = "config-error"
    exit_code = 2
    http_status = 500
