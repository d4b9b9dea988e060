"""The embedded store's tables and indexes, and which indexes a bulk load may defer."""

from __future__ import annotations

import re
import sqlite3

#: 2: foreign keys from every row about an author or a paper to it (``migrate`` adds them)
SCHEMA_VERSION = "2"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS authors (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    key TEXT NOT NULL,
    papers INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS author_ids (
    kind TEXT NOT NULL, value TEXT NOT NULL,
    author_id INTEGER NOT NULL REFERENCES authors (id) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (kind, value)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS author_ids_author ON author_ids (author_id);
CREATE TABLE IF NOT EXISTS variants (
    author_id INTEGER NOT NULL REFERENCES authors (id) DEFERRABLE INITIALLY DEFERRED,
    name TEXT NOT NULL, source TEXT NOT NULL,
    key TEXT NOT NULL, sig TEXT NOT NULL, initials_only INTEGER NOT NULL, count INTEGER NOT NULL,
    spell TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (author_id, name, source)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS variants_key ON variants (key);
CREATE INDEX IF NOT EXISTS variants_sig ON variants (sig);
CREATE TABLE IF NOT EXISTS name_tokens (
    token TEXT NOT NULL, author_id INTEGER NOT NULL, PRIMARY KEY (token, author_id)
) WITHOUT ROWID;
-- an author's tokens, for the joins, merges and splits that rewrite them (without it each
-- rewrite scanned every token: 0.4 s per join at 3M authors)
CREATE INDEX IF NOT EXISTS name_tokens_author ON name_tokens (author_id);
CREATE TABLE IF NOT EXISTS vocabulary (token TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS vocabulary_trigrams USING fts5(token, tokenize='trigram');
CREATE TABLE IF NOT EXISTS papers (
    id INTEGER PRIMARY KEY,
    title TEXT, title_key TEXT NOT NULL, year INTEGER, venue TEXT, doi TEXT,
    n_authors INTEGER NOT NULL, counted INTEGER NOT NULL, tie REAL
);
CREATE INDEX IF NOT EXISTS papers_title ON papers (title_key, year);
CREATE TABLE IF NOT EXISTS paper_ids (
    kind TEXT NOT NULL, value TEXT NOT NULL,
    paper_id INTEGER NOT NULL REFERENCES papers (id) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (kind, value)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS paper_ids_paper ON paper_ids (paper_id);
CREATE TABLE IF NOT EXISTS provenance (
    paper_id INTEGER NOT NULL REFERENCES papers (id) DEFERRABLE INITIALLY DEFERRED,
    source_ref TEXT NOT NULL, PRIMARY KEY (paper_id, source_ref)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS authorships (
    paper_id INTEGER NOT NULL REFERENCES papers (id) DEFERRABLE INITIALLY DEFERRED,
    position INTEGER NOT NULL,
    author_id INTEGER NOT NULL REFERENCES authors (id) DEFERRABLE INITIALLY DEFERRED,
    raw_name TEXT NOT NULL, source TEXT, PRIMARY KEY (paper_id, position)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS authorships_author ON authorships (author_id, paper_id);
CREATE TABLE IF NOT EXISTS coauthors (
    a INTEGER NOT NULL REFERENCES authors (id) DEFERRABLE INITIALLY DEFERRED,
    b INTEGER NOT NULL REFERENCES authors (id) DEFERRABLE INITIALLY DEFERRED,
    papers INTEGER NOT NULL, weight REAL NOT NULL,
    first_year INTEGER, last_year INTEGER, PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS coauthors_b ON coauthors (b, a);
CREATE TABLE IF NOT EXISTS evidence (
    author_id INTEGER NOT NULL REFERENCES authors (id) DEFERRABLE INITIALLY DEFERRED,
    variant TEXT NOT NULL, rule TEXT NOT NULL, detail TEXT NOT NULL,
    PRIMARY KEY (author_id, variant, rule)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS duplicates (
    a INTEGER NOT NULL REFERENCES authors (id) DEFERRABLE INITIALLY DEFERRED,
    b INTEGER NOT NULL REFERENCES authors (id) DEFERRABLE INITIALLY DEFERRED,
    reason TEXT NOT NULL, score REAL NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS overrides (
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL, subject INTEGER NOT NULL,
    object INTEGER NOT NULL, payload TEXT NOT NULL, who TEXT NOT NULL, "when" TEXT NOT NULL,
    why TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1,
    undone_who TEXT, undone_when TEXT, undone_why TEXT
);
CREATE INDEX IF NOT EXISTS overrides_subject ON overrides (subject);
CREATE INDEX IF NOT EXISTS overrides_object ON overrides (object);
CREATE TABLE IF NOT EXISTS ingest_runs (
    id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT, paths TEXT NOT NULL,
    status TEXT NOT NULL, report TEXT
);
CREATE TABLE IF NOT EXISTS skipped (
    run_id INTEGER NOT NULL, source_ref TEXT NOT NULL, reason TEXT NOT NULL, detail TEXT NOT NULL
);
"""

#: secondary indexes that a bulk load into an empty store builds once at its end instead of
#: row by row; opening a store creates any that are missing (after a killed bulk load).
#: ``coauthors_b`` stays: the identity rules' shared co-author look-ups (``shared_coauthors``,
#: ``coauthor_sets``) read edges by either end during the load
_KEPT_DURING_LOAD = ("overrides_", "coauthors_b")
_DEFERRABLE = {
    m.group(1): m.group(0)
    for m in re.finditer(r"CREATE INDEX IF NOT EXISTS (\w+) ON [^;]+", SCHEMA)
    if not m.group(1).startswith(_KEPT_DURING_LOAD)
}
#: created after ``migrate`` (a store written before variants kept their spelling key has no
#: such column until then)
SPELL_INDEX = "CREATE INDEX IF NOT EXISTS variants_spell ON variants (spell)"
_DEFERRABLE["variants_spell"] = SPELL_INDEX


def edges_from_papers(where: str = "") -> str:
    """The co-author edges of the counted papers and ties, recomputed from authorships;
    ``where`` adds a restriction (``AND …`` on ``p``, ``x`` and ``y``).

    ``papers`` counts real papers only. A pair with joint papers has their Newman weight and
    years; a pair known only from ties (``papers.tie`` holds a tie's weight) has 0 papers,
    the strongest tie's weight and no years (DESIGN.md "Ties without papers").
    """
    return f"""
        INSERT INTO coauthors (a, b, papers, weight, first_year, last_year)
        SELECT x.author_id, y.author_id,
               count(DISTINCT CASE WHEN p.tie IS NULL THEN p.id END),
               coalesce(sum(CASE WHEN p.tie IS NULL THEN 1.0 / (p.n_authors - 1) END),
                        max(p.tie)),
               min(CASE WHEN p.tie IS NULL THEN p.year END),
               max(CASE WHEN p.tie IS NULL THEN p.year END)
        FROM papers p
        JOIN authorships x ON x.paper_id = p.id
        JOIN authorships y ON y.paper_id = p.id AND x.author_id < y.author_id
        WHERE p.counted {where}
        GROUP BY x.author_id, y.author_id
        """


#: the tables whose rows name an author or a paper (``SCHEMA`` gives them foreign keys)
REFERRING = ("author_ids", "variants", "paper_ids", "provenance", "authorships", "coauthors",
             "evidence", "duplicates")


def table_sql(table: str) -> str:
    """The ``CREATE TABLE`` statement of one table of ``SCHEMA``."""
    m = re.search(rf"CREATE TABLE IF NOT EXISTS {table} \((.*?)\)( WITHOUT ROWID)?;",
                  SCHEMA, re.S)
    if m is None:  # pragma: no cover - a table name of this module
        raise KeyError(table)
    return m.group(0)


def add_foreign_keys(db: sqlite3.Connection) -> bool:
    """Rebuild the tables of a store written before schema 2 with their foreign keys (the
    12-step table change SQLite documents); True if anything was rebuilt.

    Rows that point nowhere (left by the concurrent-writer bug of older versions) are kept as
    they are: ``graphsvc check`` lists them. The caller runs this with foreign keys off.
    """
    todo = [t for t in REFERRING
            if not db.execute(f"PRAGMA foreign_key_list({t})").fetchall()
            and db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                           (t,)).fetchone()]
    if not todo:
        return False
    db.execute("BEGIN IMMEDIATE")
    try:
        for t in todo:
            cols = ", ".join(f'"{r[1]}"' for r in db.execute(f"PRAGMA table_info({t})"))
            new = table_sql(t).replace(f"IF NOT EXISTS {t} (", f"{t}__fk (", 1)
            db.execute(new)
            db.execute(f"INSERT INTO {t}__fk ({cols}) SELECT {cols} FROM {t}")
            db.execute(f"DROP TABLE {t}")
            db.execute(f"ALTER TABLE {t}__fk RENAME TO {t}")
        for m in re.finditer(r"CREATE INDEX IF NOT EXISTS [^;]+", SCHEMA):
            db.execute(m.group(0))
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:  # SQLite may have rolled back already (disk full)
            db.execute("ROLLBACK")
        raise
    return True
