"""Hot read routes solved by ``graphsvc/api/leanroute.py`` answer byte for byte as FastAPI's own
handler does: good requests, bad ones (422, 409, 404, 401), repeated and list parameters,
defaults, and apps whose dependencies are overridden."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graphsvc.api import leanroute
from graphsvc.api.app import create_app
from graphsvc.api.deps import get_service
from graphsvc.config import Settings
from graphsvc.ingest import ingest
from tests.helpers import sqlite_store

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

DBLP = Path(__file__).parent / "data" / "dblp-ppopp-socc-100.xml"
KEY = "lean-key"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("leanroute")
    with sqlite_store(d) as store:
        ingest(store, [DBLP])
    return d


@contextlib.contextmanager
def _no_plans() -> Iterator[None]:
    """Routes built meanwhile are FastAPI's own (an app builds them at its first requests)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(leanroute, "make_plan", lambda route: None)
        yield


@contextlib.contextmanager
def _running(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        deadline = time.monotonic() + 30
        while c.app.state.graph_status != "ready" and time.monotonic() < deadline:  # type: ignore[attr-defined]
            time.sleep(0.05)
        yield c


class Pair:
    """The same store served twice: with lean routes, and with FastAPI's handlers only (every
    request to ``full`` goes through :meth:`full_get`, so its routes are built without plans)."""

    def __init__(self, lean: TestClient, full: TestClient) -> None:
        self.lean, self.full = lean, full
        self.solved = 0  # requests the lean plan answered itself

    def full_get(self, path: str, **kwargs: Any) -> Any:
        with _no_plans():
            return self.full.get(path, **kwargs)

    def same(self, path: str, params: Any = None, headers: dict[str, str] | None = None) -> Any:
        a = self.lean.get(path, params=params, headers=headers)
        b = self.full_get(path, params=params, headers=headers)
        assert a.status_code == b.status_code, (path, params, a.text, b.text)
        assert a.content == b.content, (path, params)
        for h in ("content-type", "content-length", "www-authenticate"):
            assert a.headers.get(h) == b.headers.get(h), (h, path, params)
        return a


@pytest.fixture(scope="module")
def pair(store_dir: Path) -> Iterator[Pair]:
    settings = Settings(data_dir=store_dir)
    with _running(settings) as lean, _running(settings) as full:
        p = Pair(lean, full)
        real = leanroute.solve

        async def counting(*args: Any, **kwargs: Any) -> Any:
            values = await real(*args, **kwargs)
            p.solved += values is not None
            return values

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(leanroute, "solve", counting)
            yield p


def _ids(pair: Pair, n: int) -> list[int]:
    return [int(x["id"]) for x in pair.full_get("/rank", params={"limit": n}).json()["results"]]


def test_good_requests_are_solved_lean_and_answer_the_same(pair: Pair) -> None:
    ids = _ids(pair, 4)
    before = pair.solved
    good: list[tuple[str, Any]] = [
        ("/authors", {"q": "hoefler"}),
        ("/authors", {"q": "Müller", "limit": 3, "offset": 1}),
        ("/authors", [("q", "zhang"), ("limit", "2"), ("unknown", "x")]),
        (f"/authors/{ids[0]}/collaborators", None),
        (f"/authors/{ids[0]}/collaborators", {"limit": 3, "offset": 2, "min_papers": 2}),
        (f"/authors/{ids[1]}/collaborators", {"papers": "yes", "from_year": 2018,
                                              "to_year": 2021}),
        (f"/authors/{ids[1]}/ego", {"radius": 2, "max_nodes": 20}),
        (f"/authors/{ids[2]}/ego", {"min_papers": 2, "max_team_size": 5}),
        ("/paths/shortest", {"from": ids[0], "to": ids[3]}),
        ("/paths/shortest", {"from": ids[0], "to": ids[2], "all": "true", "limit": 2}),
        ("/paths/shortest", {"from": ids[1], "to": ids[2], "strongest": "1"}),
        ("/paths/shortest", [("from", str(ids[0])), ("to", str(ids[3])),
                             ("avoid", str(ids[1])), ("avoid", str(ids[2]))]),
        ("/paths/shortest", {"from": ids[0], "to": ids[3], "max_length": 1}),
    ]
    for path, params in good:
        r = pair.same(path, params)
        assert r.status_code == 200, (path, params, r.text)
    assert pair.solved - before == len(good)


def test_bad_requests_answer_as_fastapi_does(pair: Pair) -> None:
    ids = _ids(pair, 2)
    before = pair.solved
    bad: list[tuple[str, Any, int]] = [
        ("/authors", None, 422),  # q missing
        ("/authors", {"q": ""}, 422),
        ("/authors", {"q": "x", "limit": 0}, 422),
        ("/authors", {"q": "x", "limit": "1.0"}, 422),
        ("/authors", {"q": "x", "limit": "many"}, 422),
        (f"/authors/{ids[0]}/collaborators", {"papers": "perhaps"}, 422),
        (f"/authors/{ids[0]}/ego", {"radius": 4}, 422),
        ("/paths/shortest", {"from": ids[0]}, 422),
        ("/paths/shortest", {"from": ids[0], "to": ids[1], "limit": 101}, 422),
    ]
    for path, params, status in bad:
        assert pair.same(path, params).status_code == status, (path, params)
    assert pair.solved == before  # all left to FastAPI
    # errors past the parameters: raised by a dependency or the library, through the lean plan
    raised: list[tuple[str, Any, int]] = [
        ("/authors", [("q", "x"), ("limit", "1"), ("limit", "2")], 422),  # one value, twice
        ("/authors/no such person at all/collaborators", None, 404),
        ("/authors/99999999999999999999999/ego", None, 404),
        ("/paths/shortest", {"from": ids[0], "to": ids[1], "all": "true",
                             "strongest": "true"}, 422),
    ]
    for path, params, status in raised:
        assert pair.same(path, params).status_code == status, (path, params)


def test_protected_reads_need_the_key_on_lean_routes(store_dir: Path) -> None:
    s = Settings(data_dir=store_dir, api_key=KEY, extra={"protect_reads": "1"})
    with _running(s) as lean, _running(s) as full:
        p = Pair(lean, full)
        for headers, status in ((None, 401), ({"Authorization": "Bearer wrong"}, 401),
                                ({"Authorization": f"Bearer {KEY}"}, 200)):
            assert p.same("/authors", {"q": "hoefler"}, headers).status_code == status


def test_an_overridden_dependency_leaves_the_route_to_fastapi(store_dir: Path) -> None:
    settings = Settings(data_dir=store_dir)
    with _running(settings) as c:
        real = c.get("/authors", params={"q": "hoefler", "limit": 1}).json()

        class Fake:
            def search(self, q: str, limit: int, offset: int) -> list[dict[str, Any]]:
                return [{"id": 0, "name": f"fake {q}", "papers": 0}]

        async def fake_service() -> Any:
            return Fake()

        c.app.dependency_overrides[get_service] = fake_service  # type: ignore[attr-defined]
        try:
            r = c.get("/authors", params={"q": "hoefler", "limit": 1})
        finally:
            c.app.dependency_overrides.clear()  # type: ignore[attr-defined]
        assert r.status_code == 200 and r.json()["items"][0]["name"] == "fake hoefler"
        assert real["items"][0]["name"] != "fake hoefler"
