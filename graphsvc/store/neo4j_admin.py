"""The embedded store as CSV files for ``neo4j-admin database import full`` (the Neo4j model).

One node file and one relationship file per label and type, each with its own header line in
the import tool's syntax (``:ID(space)``, ``:START_ID(space)``, ``:END_ID(space)``, ``:LABEL``,
``:TYPE``, typed properties such as ``year:int``, arrays such as ``sources:string[]`` with the
default ``;`` array delimiter). The nodes and properties are those ``store/neo4j.py`` writes and
reads, so ``graphsvc`` answers the same on the imported database as on the embedded store.
Author and paper ids are integers in the ``Author`` and ``Paper`` ID spaces (``--id-type
integer`` keeps them as integer ``id`` properties); the other nodes get ids that are not stored.
``schema_version`` is not exported: the first ``graphsvc`` command on the imported database
(``graphsvc init-store``) creates the constraints and indexes, which the import tool does not.

Example (the README has the full command)::

    graphsvc export --format neo4j-admin -o import/
    neo4j-admin database import full neo4j --id-type=integer --multiline-fields=true \\
        --nodes=import/authors.csv --nodes=import/papers.csv … \\
        --relationships=import/authored.csv …
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphsvc.errors import InvalidQuery

if TYPE_CHECKING:
    import sqlite3

__all__ = ["FILES", "BulkFile", "import_command", "write_neo4j_admin"]

ARRAY_DELIMITER = ";"


@dataclass(frozen=True)
class BulkFile:
    """One CSV file: its name, whether it holds nodes or relationships, header and query."""

    name: str
    kind: str  # "nodes" or "relationships"
    header: tuple[str, ...]
    sql: str


FILES: tuple[BulkFile, ...] = (
    BulkFile("authors.csv", "nodes",
             ("id:ID(Author)", "name", "sort_name", "key", "papers:int", "search", ":LABEL"),
             "SELECT id, name, key, papers FROM authors ORDER BY id"),
    BulkFile("papers.csv", "nodes",
             ("id:ID(Paper)", "title", "title_key", "year:int", "venue", "doi", "n_authors:int",
              "counted:boolean", "tie:double", "sources:string[]", ":LABEL"),
             "SELECT p.id, p.title, p.title_key, p.year, p.venue, p.doi, p.n_authors, p.counted, "
             "p.tie, "
             "(SELECT group_concat(source_ref, char(31)) FROM (SELECT source_ref FROM provenance "
             " WHERE paper_id = p.id ORDER BY source_ref)) FROM papers p ORDER BY p.id"),
    BulkFile("author_ids.csv", "nodes",
             (":ID(AuthorId)", "kind", "value", "author:long", ":LABEL"),
             "SELECT kind, value, author_id FROM author_ids ORDER BY kind, value"),
    BulkFile("paper_ids.csv", "nodes",
             (":ID(PaperId)", "kind", "value", "paper:long", ":LABEL"),
             "SELECT kind, value, paper_id FROM paper_ids ORDER BY kind, value"),
    BulkFile("variants.csv", "nodes",
             (":ID(Variant)", "author:long", "name", "source", "key", "spell", "sig",
              "initials_only:boolean", "tokens:string[]", "count:int", ":LABEL"),
             "SELECT author_id, name, source, key, spell, sig, initials_only, count FROM variants "
             "ORDER BY author_id, name, source"),
    BulkFile("evidence.csv", "nodes",
             (":ID(Evidence)", "author:long", "variant", "rule", "detail", ":LABEL"),
             "SELECT author_id, variant, rule, detail FROM evidence "
             "ORDER BY author_id, variant, rule"),
    BulkFile("overrides.csv", "nodes",
             ("id:ID(Override)", "kind", "subject:long", "object:long", "payload", "who", "when",
              "why", "active:boolean", "undone_who", "undone_when", "undone_why", ":LABEL"),
             'SELECT id, kind, subject, object, payload, who, "when", why, active, undone_who, '
             "undone_when, undone_why FROM overrides ORDER BY id"),
    BulkFile("meta.csv", "nodes", (":ID(Meta)", "key", "value", ":LABEL"),
             "SELECT key, value FROM meta WHERE key <> 'schema_version' ORDER BY key"),
    BulkFile("authored.csv", "relationships",
             (":START_ID(Author)", ":END_ID(Paper)", "position:int", "raw_name", "source", ":TYPE"),
             "SELECT author_id, paper_id, position, raw_name, source FROM authorships "
             "ORDER BY paper_id, position"),
    BulkFile("coauthor.csv", "relationships",
             (":START_ID(Author)", ":END_ID(Author)", "papers:int", "weight:double", "cost:double",
              "first_year:int", "last_year:int", ":TYPE"),
             "SELECT a, b, papers, weight, first_year, last_year FROM coauthors ORDER BY a, b"),
    BulkFile("possible_duplicate.csv", "relationships",
             (":START_ID(Author)", ":END_ID(Author)", "reason", "score:double", ":TYPE"),
             "SELECT a, b, reason, score FROM duplicates ORDER BY a, b"),
    # the HAS_* relationships join the nodes above by their row number in those files
    BulkFile("author_has_id.csv", "relationships",
             (":START_ID(Author)", ":END_ID(AuthorId)", ":TYPE"),
             "SELECT author_id FROM author_ids ORDER BY kind, value"),
    BulkFile("paper_has_id.csv", "relationships",
             (":START_ID(Paper)", ":END_ID(PaperId)", ":TYPE"),
             "SELECT paper_id FROM paper_ids ORDER BY kind, value"),
    BulkFile("has_variant.csv", "relationships",
             (":START_ID(Author)", ":END_ID(Variant)", ":TYPE"),
             "SELECT author_id FROM variants ORDER BY author_id, name, source"),
    BulkFile("has_evidence.csv", "relationships",
             (":START_ID(Author)", ":END_ID(Evidence)", ":TYPE"),
             "SELECT author_id FROM evidence ORDER BY author_id, variant, rule"),
)


def _array(items: Iterable[str]) -> str:
    # the import tool has no escape for its array delimiter inside an element
    return ARRAY_DELIMITER.join(str(x).replace(ARRAY_DELIMITER, ",") for x in items)


def _fold_tokens(name: str) -> list[str]:
    from graphsvc.names import fold

    return [t for t in fold(name).split() if t]


def _field(v: Any) -> str:
    """A CSV field: ``None`` empty (the property is not set), every string quoted so that an
    empty string stays an empty string, numbers bare."""
    if v is None:
        return ""
    if isinstance(v, str):
        return '"' + v.replace('"', '""') + '"'
    return str(v)


def _line(row: Iterable[Any]) -> str:
    """
    Examples
    --------
    >>> _line([1, "", None, 'say "hi", ok', 2.5])
    '1,"",,"say ""hi"", ok",2.5\\n'
    """
    return ",".join(_field(v) for v in row) + "\n"


def _bool(v: Any) -> str:
    return "true" if v else "false"


def _search_tokens(db: sqlite3.Connection) -> Iterator[tuple[int, str]]:
    """``(author, Author.search)`` in author order: the sorted distinct folded tokens of every
    variant of the author, as ``write_batch`` and ``write_author_counts.cypher`` write them."""
    cur = db.execute("SELECT author_id, name FROM variants ORDER BY author_id")
    current: int | None = None
    tokens: set[str] = set()
    for author, name in cur:
        if author != current:
            if current is not None:
                yield current, " ".join(sorted(tokens))
            current, tokens = author, set()
        tokens.update(_fold_tokens(name))
    if current is not None:
        yield current, " ".join(sorted(tokens))


def _rows(db: sqlite3.Connection, f: BulkFile) -> Iterator[list[Any]]:
    cur = db.execute(f.sql)
    if f.name == "authors.csv":
        search = _search_tokens(db)
        pending = next(search, None)
        for aid, name, key, papers in cur:
            while pending is not None and pending[0] < aid:
                pending = next(search, None)
            text = pending[1] if pending is not None and pending[0] == aid else ""
            yield [aid, name, name.casefold(), key, papers, text, "Author"]
    elif f.name == "papers.csv":
        for pid, title, tkey, year, venue, doi, n, counted, tie, refs in cur:
            yield [pid, title, tkey, year, venue, doi, n, _bool(counted),
                   None if tie is None else float(tie),
                   _array((refs or "").split("\x1f") if refs else []), "Paper"]
    elif f.name in ("author_ids.csv", "paper_ids.csv"):
        label = "AuthorId" if f.name == "author_ids.csv" else "PaperId"
        for i, (kind, value, owner) in enumerate(cur, 1):
            yield [i, kind, value, owner, label]
    elif f.name == "variants.csv":
        for i, (aid, name, source, key, spell, sig, initials, count) in enumerate(cur, 1):
            yield [i, aid, name, source, key, spell, sig, _bool(initials),
                   _array(_fold_tokens(name)), count, "Variant"]
    elif f.name == "evidence.csv":
        for i, row in enumerate(cur, 1):
            yield [i, *row, "Evidence"]
    elif f.name == "overrides.csv":
        for row in cur:
            r = list(row)
            r[8] = _bool(r[8])
            yield [*r, "Override"]
    elif f.name == "meta.csv":
        for i, (key, value) in enumerate(cur, 1):
            yield [i, key, value, "Meta"]
    elif f.name == "authored.csv":
        for aid, pid, pos, raw, source in cur:
            yield [aid, pid, pos, raw, source or "unknown", "AUTHORED"]
    elif f.name == "coauthor.csv":
        for a, b, papers, weight, first, last in cur:
            # a pair known only from ties (0 papers) costs 1 / its tie weight (add_ties.cypher)
            cost = 1.0 / papers if papers else 1.0 / float(weight)
            yield [a, b, papers, float(weight), cost, first, last, "COAUTHOR"]
    elif f.name == "possible_duplicate.csv":
        for a, b, reason, score in cur:
            yield [a, b, reason, float(score), "POSSIBLE_DUPLICATE"]
    else:  # the HAS_* files: the n-th row joins the n-th node of its node file
        rel = {"author_has_id.csv": "HAS_ID", "paper_has_id.csv": "HAS_ID",
               "has_variant.csv": "HAS_VARIANT", "has_evidence.csv": "HAS_EVIDENCE"}[f.name]
        for i, (owner,) in enumerate(cur, 1):
            yield [owner, i, rel]


def write_neo4j_admin(db: sqlite3.Connection, out_dir: Path) -> dict[str, int]:
    """Write every file of ``FILES`` into ``out_dir`` (created; existing files of these names
    are replaced) from the embedded store's connection ``db``, read in one transaction.

    Returns the number of data rows of each file.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InvalidQuery(f"{out_dir}: the neo4j-admin export writes a directory of CSV files, "
                           "and this path is a file")
    out_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    db.execute("BEGIN")  # one snapshot for all files: the HAS_* files must match the nodes
    try:
        for f in FILES:
            n = 0
            tmp = out_dir / (f.name + ".part")
            with tmp.open("w", encoding="utf-8", newline="") as fh:
                fh.write(",".join(f.header) + "\n")
                buf: list[str] = []
                for row in _rows(db, f):
                    buf.append(_line(row))
                    n += 1
                    if len(buf) >= 10_000:
                        fh.write("".join(buf))
                        buf.clear()
                fh.write("".join(buf))
            tmp.replace(out_dir / f.name)
            counts[f.name] = n
    finally:
        db.execute("ROLLBACK")
    return counts


def import_command(out_dir: str, database: str = "neo4j") -> str:
    """The ``neo4j-admin database import full`` command line for the files in ``out_dir``.

    Examples
    --------
    >>> print(import_command("dump").splitlines()[0])
    neo4j-admin database import full neo4j --id-type=integer --multiline-fields=true \\
    """
    parts = [f"neo4j-admin database import full {database} --id-type=integer "
             "--multiline-fields=true"]
    parts += [f"--{f.kind}={out_dir}/{f.name}" for f in FILES]
    return " \\\n    ".join(parts)
