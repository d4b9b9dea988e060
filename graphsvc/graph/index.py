"""The persisted graph index: memberships and CSR arrays next to the store, memory-mapped.

Layout, next to the embedded store ``graphsvc.sqlite3``::

    graphsvc.sqlite3.graph-<generation>/
        manifest.json            store token, generation, rewrites, sizes and checksums
        author_ids.npy …         the ``Memberships`` arrays
        csr-<max_team_size>/     the whole-store ``CoauthorGraph`` for one team-size cap
            manifest.json
            indptr.npy …

Every directory is written under a temporary name and renamed into place, so a reader sees a
complete index or none. A reader trusts an index only when its store token and generation are
the store's and every file has the recorded size, dtype, shape and sampled checksum; otherwise
it is rebuilt. ``np.load(mmap_mode="r")`` maps the files, so every process (CLI, each ``serve``
worker) shares one copy through the page cache and starts without reading the store.

After an ingest that only appended papers (no rewrite since touched a paper or author the index
holds: ``store/sqlite_rewrites.py``; an ingest's late joins of its own new authors do not), the
new index is the old one plus the new papers' rows: only those are read from the store, and
the new CSR graph copies the old one's rows that no new paper touches (``appended_to`` in the
manifest names the old generation). Anything else (a merge or split of known authors)
rebuilds from a full scan.

A CSR graph is built straight into its files (``build_graph``): nothing is copied out of the
process's memory afterwards, and the C build drops the pages it has written as it goes.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from graphsvc.graph.csr import CoauthorGraph, Memberships
from graphsvc.graph.native import BUILT
from graphsvc.store.sqlite_rewrites import appendable

__all__ = ["GraphIndex"]

log = logging.getLogger(__name__)

FORMAT = 1
MEM_FIELDS = ("author_ids", "paper_ids", "paper_year", "paper_ptr", "paper_members", "paper_tie")
CSR_FIELDS = (
    "indptr", "indices", "papers", "weight", "first_year", "last_year",
    "author_paper_ptr", "author_papers", "paper_counted", "paper_in_window",
)
#: bytes read for the sampled checksum: the head, the tail and evenly spaced blocks
_BLOCK = 1 << 16
_BLOCKS = 16
#: index generations kept besides the newest (a process may still map an older one)
_KEEP_OLD = 1


def _checksum(path: Path, size: int) -> int:
    """CRC-32 of the head, the tail and ``_BLOCKS`` evenly spaced blocks of a file.

    A full checksum of ~1.5 GB would cost more than the start-up it saves; the sample catches
    a truncated, swapped or half-written file, and size and shape are checked exactly.
    """
    crc = 0
    offsets = sorted({0, max(size - _BLOCK, 0), *(size * i // _BLOCKS for i in range(_BLOCKS))})
    with open(path, "rb") as f:
        for off in offsets:
            f.seek(off)
            crc = zlib.crc32(f.read(_BLOCK), crc)
    return crc


def _write_arrays(folder: Path, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
    _save(folder, arrays)
    _seal(folder, arrays, meta)


def _save(folder: Path, arrays: dict[str, np.ndarray]) -> None:
    for name, arr in arrays.items():
        with open(folder / f"{name}.npy", "wb") as f:
            np.save(f, np.ascontiguousarray(arr), allow_pickle=False)


def _seal(folder: Path, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
    """Flush the ``.npy`` files of ``arrays`` in ``folder`` to disk and write the manifest
    that records them."""
    files = {}
    for name, arr in arrays.items():
        path = folder / f"{name}.npy"
        with open(path, "rb") as f:  # also the pages written through a mapping of the file
            os.fsync(f.fileno())
        size = path.stat().st_size
        files[name] = {"dtype": str(arr.dtype), "shape": list(arr.shape), "bytes": size,
                       "crc": _checksum(path, size)}
    manifest = {"format": FORMAT, **meta, "files": files}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1))


def _file_array(path: Path, dtype: Any, length: int) -> np.ndarray:
    """A new ``.npy`` file of ``length`` items, mapped for writing. Its blocks are reserved
    first, so that a full disk is an ``OSError`` here, not a SIGBUS when a page is written."""
    arr = np.lib.format.open_memmap(path, mode="w+", dtype=dtype, shape=(length,))
    with open(path, "rb+") as f:
        size = os.fstat(f.fileno()).st_size
        if size:
            os.posix_fallocate(f.fileno(), 0, size)
    return arr


def _read_arrays(
    folder: Path, fields: tuple[str, ...], expect: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, np.ndarray]] | None:
    """The manifest and the mapped arrays of ``folder``, or None (with the reason logged)."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("graph index %s: unreadable manifest (%s); rebuilding it", folder, exc)
        return None
    why = _mismatch(manifest, expect)
    if why:
        log.warning("graph index %s is stale (%s); rebuilding it", folder, why)
        return None
    out = {}
    try:
        for name in fields:
            rec = manifest["files"][name]
            path = folder / f"{name}.npy"
            size = path.stat().st_size
            if size != rec["bytes"] or _checksum(path, size) != rec["crc"]:
                raise ValueError(f"{name}.npy does not match its recorded size and checksum")
            arr = np.load(path, mmap_mode="r", allow_pickle=False)
            if str(arr.dtype) != rec["dtype"] or list(arr.shape) != rec["shape"]:
                raise ValueError(f"{name}.npy has an unexpected dtype or shape")
            # a plain ndarray over the mapping: np.memmap wraps every slice in a new memmap,
            # which costs more than a short search's own work
            out[name] = arr.view(np.ndarray)
    except (OSError, KeyError, ValueError, TypeError) as exc:
        log.warning("graph index %s is corrupt (%s); rebuilding it", folder, exc)
        return None
    return manifest, out


def _mismatch(manifest: dict[str, Any], expect: dict[str, Any]) -> str | None:
    if manifest.get("format") != FORMAT:
        return f"format {manifest.get('format')}, expected {FORMAT}"
    for key, value in expect.items():
        if manifest.get(key) != value:
            return f"{key} is {manifest.get(key)!r}, the store's is {value!r}"
    return None


def _publish(tmp: Path, final: Path) -> bool:
    """Rename a finished temporary directory into place; False if another process won."""
    try:
        os.rename(tmp, final)
        return True
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        return False


class GraphIndex:
    """The persisted index of one embedded store (see the module docstring).

    Parameters
    ----------
    db_path : Path
        The store's SQLite file; the index lives next to it.
    """

    def __init__(self, db_path: Path) -> None:
        self.db_path = Path(db_path)
        self.base = self.db_path.parent
        self.prefix = f"{self.db_path.name}.graph-"

    def folder(self, generation: int) -> Path:
        return self.base / f"{self.prefix}{generation}"

    @contextlib.contextmanager
    def building(self) -> Iterator[None]:
        """One builder at a time per store (other processes wait, then find its result).

        On a read-only or full data dir no lock file can be made; no index can be written
        there either, so the graph is built in memory without one."""
        try:
            f = open(self.base / f"{self.db_path.name}.graph.lock", "a+b")  # noqa: SIM115
        except OSError as exc:
            log.info("graph index: no lock file in %s (%s): building in memory", self.base, exc)
            yield
            return
        with f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    def generations(self) -> list[int]:
        """Generations that have an index directory, newest first."""
        out = []
        for p in self.base.glob(f"{self.prefix}*"):
            tail = p.name[len(self.prefix):]
            if tail.isdigit() and p.is_dir():
                out.append(int(tail))
        return sorted(out, reverse=True)

    # -- memberships ---------------------------------------------------------------------------
    def load_memberships(
        self, token: str, generation: int
    ) -> tuple[dict[str, Any], Memberships] | None:
        found = _read_arrays(self.folder(generation), MEM_FIELDS,
                             {"token": token, "generation": generation})
        if found is None:
            return None
        manifest, arr = found
        mem = Memberships(**arr)
        ptr = mem.paper_ptr
        if ptr.shape[0] != mem.n_papers + 1 or int(ptr[-1]) != mem.paper_members.size:
            log.warning("graph index %s is inconsistent; rebuilding it", self.folder(generation))
            return None
        return manifest, mem

    def save_memberships(self, meta: dict[str, Any], mem: Memberships) -> Path | None:
        """Write the memberships of ``meta["generation"]``; the directory, or None on failure."""
        final = self.folder(int(meta["generation"]))
        try:
            tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=self.base))
            arrays = {name: getattr(mem, name) for name in MEM_FIELDS}
            if arrays["paper_tie"] is None:  # no ties: zeros read the same
                arrays["paper_tie"] = np.zeros(mem.n_papers)
            _write_arrays(tmp, arrays, meta)
        except OSError as exc:
            log.warning("cannot write the graph index next to %s: %s", self.db_path, exc)
            return None
        if final.exists():
            shutil.rmtree(final, ignore_errors=True)  # stale or corrupt: the checks failed
        _publish(tmp, final)
        self.prune(int(meta["generation"]))
        return final

    # -- the whole-store graph for one team-size cap ----------------------------------------
    def load_graph(self, generation: int, mem: Memberships, cap: int) -> CoauthorGraph | None:
        folder = self.folder(generation) / f"csr-{cap}"
        found = _read_arrays(folder, CSR_FIELDS, {"generation": generation, "max_team_size": cap})
        if found is None:
            return None
        manifest, arr = found
        n = mem.n_authors
        if arr["indptr"].shape[0] != n + 1 or arr["paper_counted"].shape[0] != mem.n_papers:
            log.warning("graph index %s does not fit its memberships; rebuilding it", folder)
            return None
        return CoauthorGraph(n=n, author_ids=mem.author_ids, memberships=mem,
                             excluded_papers=int(manifest["excluded_papers"]),
                             max_team_size=cap, **arr)  # type: ignore[arg-type]

    def build_graph(self, generation: int, mem: Memberships, cap: int) -> CoauthorGraph:
        """Build the graph for team-size cap ``cap`` straight into the index files of
        ``generation`` (so the build holds no second copy of them, and none is written out
        afterwards), published when complete; in memory when they cannot be written."""
        parent = self.folder(generation)
        final = parent / f"csr-{cap}"
        try:
            tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=parent))
        except OSError as exc:
            if parent.is_dir():
                log.warning("cannot write the graph index in %s: %s", parent, exc)
            return CoauthorGraph.build(mem, max_team_size=cap)
        try:
            g = CoauthorGraph.build(mem, max_team_size=cap, base=self._base(generation, cap),
                                    alloc=lambda name, length:
                                    _file_array(tmp / f"{name}.npy", BUILT[name], length))
            rest = {name: getattr(g, name) for name in CSR_FIELDS if name not in BUILT}
            meta = {"generation": generation, "max_team_size": g.max_team_size,
                    "excluded_papers": g.excluded_papers}
            _save(tmp, rest)
            _seal(tmp, {name: getattr(g, name) for name in CSR_FIELDS}, meta)
        except OSError as exc:
            log.warning("cannot write the graph index in %s: %s", parent, exc)
            shutil.rmtree(tmp, ignore_errors=True)
            return CoauthorGraph.build(mem, max_team_size=cap)
        if final.exists():
            shutil.rmtree(final, ignore_errors=True)
        _publish(tmp, final)
        return g

    def _base(self, generation: int, cap: int) -> CoauthorGraph | None:
        """The mapped graph of the generation whose memberships those of ``generation`` were
        appended to, when its index is still there: a new graph copies its untouched rows."""
        try:
            manifest = json.loads((self.folder(generation) / "manifest.json").read_text())
        except (OSError, ValueError):
            return None
        old = manifest.get("appended_to")
        found = self.load_memberships(manifest.get("token", ""), old) \
            if isinstance(old, int) else None
        return None if found is None else self.load_graph(old, found[1], cap)

    def prune(self, newest: int) -> None:
        """Drop index generations older than ``newest`` beyond ``_KEEP_OLD`` (a process that
        still maps their files keeps reading them: unlinking does not unmap)."""
        old = [g for g in self.generations() if g < newest]
        for g in old[_KEEP_OLD:]:
            shutil.rmtree(self.folder(g), ignore_errors=True)
        for p in self.base.glob(f".{self.prefix}*"):  # temporaries of a killed writer
            with contextlib.suppress(OSError):
                if p.stat().st_mtime < os.path.getmtime(self.folder(newest)) - 3600:
                    shutil.rmtree(p, ignore_errors=True)

    # -- what the service calls ------------------------------------------------------------
    def memberships(self, store: Any) -> tuple[int, Memberships]:
        """The store's memberships and their generation: mapped from the index, brought up
        to date from the rows appended since an older index, or built from a full scan."""
        token, gen = store.get_meta("store_token"), store.generation()
        found = self.load_memberships(token, gen) if token else None
        if found is not None:
            return gen, found[1]
        with self.building():
            token, gen = store.get_meta("store_token"), store.generation()
            found = self.load_memberships(token, gen) if token else None
            if found is not None:  # another process built it while this one waited
                return gen, found[1]
            meta, mem = self._scan(store, token, gen)
            if not meta["token"]:  # nothing to key an index by: keep it in memory
                return int(meta["generation"]), mem
            written = self.save_memberships(meta, mem)
            found = self.load_memberships(meta["token"], int(meta["generation"])) if written \
                else None
            return int(meta["generation"]), mem if found is None else found[1]

    def _scan(
        self, store: Any, token: str | None, generation: int
    ) -> tuple[dict[str, Any], Memberships]:
        from graphsvc.graph.service import memberships_from_arrays

        base = self._newest(token, generation) if token else None
        if base is not None:
            manifest, old = base
            meta, arr = store.graph_snapshot(after_paper=manifest["max_paper_id"],
                                             after_author=manifest["max_author_id"])
            if (meta["token"], meta["authors_upto"]) == (token, old.n_authors) and appendable(
                    meta.get("rewrite_marks"), manifest["rewrites"], meta["rewrites"],
                    manifest["max_paper_id"], manifest["max_author_id"]):
                log.info("graph index: appending %d papers to generation %d",
                         arr["paper_ids"].size, manifest["generation"])
                mem = _append(old, arr)
                return {**self._meta(meta, mem), "appended_to": manifest["generation"]}, mem
        meta, arr = store.graph_snapshot()
        mem = memberships_from_arrays(arr)
        return self._meta(meta, mem), mem

    @staticmethod
    def _meta(meta: dict[str, Any], mem: Memberships) -> dict[str, Any]:
        return {
            "token": meta["token"], "generation": int(meta["generation"]),
            "rewrites": int(meta["rewrites"]),
            "max_author_id": int(mem.author_ids[-1]) if mem.n_authors else 0,
            "max_paper_id": int(mem.paper_ids[-1]) if mem.n_papers else 0,
        }

    def _newest(self, token: str, below: int) -> tuple[dict[str, Any], Memberships] | None:
        """The newest readable index of an older generation of this store."""
        for g in self.generations():
            if g >= below:
                continue
            found = self.load_memberships(token, g)
            if found is not None:
                return found
        return None

    def graph(self, generation: int, mem: Memberships, cap: int) -> CoauthorGraph:
        """The whole-store graph for team-size cap ``cap``: mapped, or built and written."""
        g = self.load_graph(generation, mem, cap)
        if g is not None:
            return g
        with self.building():
            g = self.load_graph(generation, mem, cap)
            if g is not None:
                return g
            built = self.build_graph(generation, mem, cap)
            return self.load_graph(generation, mem, cap) or built


def _append(old: Memberships, arr: dict[str, np.ndarray]) -> Memberships:
    """``old`` plus the papers and authors of a store scan of the rows added since."""
    author_ids = np.concatenate([old.author_ids, arr["author_ids"]])
    paper_ids = np.concatenate([old.paper_ids, arr["paper_ids"]])
    pidx = np.searchsorted(arr["paper_ids"], arr["ship_paper"])
    counts = np.bincount(pidx, minlength=arr["paper_ids"].size)
    ptr = np.empty(paper_ids.size + 1, dtype=np.int64)
    ptr[: old.paper_ptr.size] = old.paper_ptr
    np.cumsum(counts, out=ptr[old.paper_ptr.size:])
    ptr[old.paper_ptr.size:] += old.paper_ptr[-1]
    new_members = np.searchsorted(author_ids, arr["ship_author"]).astype(np.int32)
    old_tie = np.zeros(old.n_papers) if old.paper_tie is None else old.paper_tie
    new_tie = arr.get("paper_tie")
    new_tie = np.zeros(arr["paper_ids"].size) if new_tie is None else new_tie
    return Memberships(
        author_ids=author_ids,
        paper_ids=paper_ids,
        paper_year=np.concatenate([old.paper_year, arr["paper_year"]]).astype(np.int32),
        paper_ptr=ptr,
        paper_members=np.concatenate([old.paper_members, new_members]),
        paper_tie=np.concatenate([old_tie, new_tie]),
    )
