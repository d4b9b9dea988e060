"""WriteBehind: one write in flight, waited for by the next call of the thread that made it."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from graphsvc.store.cypher import load
from graphsvc.store.write_behind import WriteBehind


class SlowRunner:
    """A runner whose writes wait for ``release``; it records the order of what it ran."""

    database = "neo4j"

    def __init__(self) -> None:
        self.release = threading.Event()
        self.log: list[str] = []
        self.closed = False

    def execute_write(self, work: Any) -> Any:
        self.release.wait(5)
        got = work(None)
        self.log.append(f"write {got}")
        return got

    def execute_read(self, work: Any) -> Any:
        self.log.append("read")
        return work(None)

    def execute_query(self, q: Any, params: Any = None, *, routing: Any = None) -> list[Any]:
        self.log.append(f"query {q.name}")
        return []

    def run_autocommit(self, q: Any, params: Any = None) -> None:
        self.log.append(f"autocommit {q.name}")

    def close(self) -> None:
        self.closed = True


def test_the_submitting_threads_next_call_waits_for_its_write() -> None:
    inner = SlowRunner()
    runner = WriteBehind(inner)
    runner.submit_write(lambda tx: 1)
    assert inner.log == []  # returned before the write ran
    threading.Timer(0.05, inner.release.set).start()
    runner.execute_query(load("get_meta"), {"key": "k"})
    assert inner.log == ["write 1", "query get_meta"]
    runner.submit_write(lambda tx: 2)
    runner.submit_write(lambda tx: 3)  # never two in flight: the first is waited for
    runner.settle()
    assert inner.log[2:] == ["write 2", "write 3"]
    assert runner.log is inner.log  # what the runner offers beyond the protocol


def test_a_failed_write_raises_at_the_next_call_once() -> None:
    inner = SlowRunner()
    inner.release.set()
    runner = WriteBehind(inner)

    def fail(tx: Any) -> None:
        raise ValueError("batch refused")

    runner.submit_write(fail)
    with pytest.raises(ValueError, match="batch refused"):
        runner.execute_read(lambda tx: None)
    runner.execute_read(lambda tx: None)  # the error was the caller's once
    runner.close()
    assert inner.closed


def test_other_threads_do_not_wait_for_it() -> None:
    inner = SlowRunner()
    runner = WriteBehind(inner)
    runner.submit_write(lambda tx: 1)
    other = threading.Thread(target=lambda: runner.run_autocommit(load("wipe")))
    other.start()
    other.join(2)
    assert not other.is_alive() and inner.log == ["autocommit wipe"]
    inner.release.set()
    runner.settle()
    assert inner.log == ["autocommit wipe", "write 1"]
