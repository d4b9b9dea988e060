"""Identity overrides over HTTP: merge, split, unmerge and explain, with the API key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from graphsvc.api.app import create_app
from graphsvc.config import Settings
from graphsvc.ingest import ingest_records
from graphsvc.store.sqlite import SQLiteStore
from tests.test_ingest import rec

KEY = "identity-key"
AUTH = {"Authorization": f"Bearer {KEY}"}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    store = SQLiteStore(tmp_path / "graphsvc.sqlite3")
    ingest_records(store, [
        rec("One", ["Pascal Vincent", "Yoshua Bengio"], "a:1", ids={"dblp": "k/1"}),
        rec("Two", ["P. Vinsent", "Hugo Larochelle"], "a:2", ids={"dblp": "k/2"}),
        rec("Three", ["Pascal Vincent", "Hugo Larochelle"], "a:3", ids={"dblp": "k/3"}),
    ])
    store.close()
    with TestClient(create_app(Settings(data_dir=tmp_path, api_key=KEY))) as c:
        yield c


def ids(client: TestClient, name: str) -> int:
    return int(client.get("/authors", params={"q": name}).json()["items"][0]["id"])


def test_writes_need_the_key(client: TestClient) -> None:
    body = {"target": "1", "source": "3"}
    assert client.post("/authors/merge", json=body).status_code == 401
    r = client.post("/authors/merge", json=body, headers={"Authorization": "Bearer wrong"})
    assert r.status_code in (401, 403)
    assert r.headers["content-type"].startswith("application/problem+json")


def test_merge_explain_unmerge(client: TestClient) -> None:
    pascal, typo = ids(client, "Pascal Vincent"), ids(client, "P Vinsent")
    assert pascal != typo
    r = client.post("/authors/merge", json={"target": str(pascal), "source": str(typo),
                                             "why": "same person"}, headers=AUTH)
    assert r.status_code == 200, r.text
    collab = client.get(f"/authors/{pascal}/collaborators").json()
    assert {c["name"] for c in collab["collaborators"]} == {"Yoshua Bengio", "Hugo Larochelle"}
    assert client.get(f"/authors/{typo}").json()["id"] == pascal  # the old id follows the merge
    explained = client.get(f"/authors/{pascal}/explain")
    assert explained.status_code == 200 and "same person" in explained.text
    undo = client.post("/authors/unmerge", json={"ref": str(pascal), "by_author": True},
                       headers=AUTH)
    assert undo.status_code == 200, undo.text
    assert client.get(f"/authors/{typo}").json()["id"] == typo


def test_split_moves_papers(client: TestClient) -> None:
    pascal = ids(client, "Pascal Vincent")
    r = client.post(f"/authors/{pascal}/split", json={"papers": ["dblp:k/3"]}, headers=AUTH)
    assert r.status_code == 200, r.text
    assert client.get(f"/authors/{pascal}").json()["papers"] == 1
    bad = client.post(f"/authors/{pascal}/split", json={"papers": []}, headers=AUTH)
    assert bad.status_code == 422


def test_ids_are_numbers_or_strings_in_every_json_body(client: TestClient) -> None:
    pascal, typo = ids(client, "Pascal Vincent"), ids(client, "P Vinsent")
    hugo = ids(client, "Hugo Larochelle")
    for body in ({"pairs": [{"from": pascal, "to": hugo}]},
                 {"pairs": [{"from": str(pascal), "to": str(hugo)}]}):
        r = client.post("/paths/batch", json=body)
        assert r.status_code == 200 and r.json()["results"][0]["length"] == 1, r.text
    for authors in ([pascal, hugo], [str(pascal), str(hugo)]):
        r = client.post("/cohort", json={"authors": authors})
        assert r.status_code == 200 and len(r.json()["edges"]) == 1, r.text

    r = client.post("/authors/merge", json={"target": pascal, "source": typo}, headers=AUTH)
    assert r.status_code == 200, r.text
    oid = r.json()["override"]["id"]
    assert client.post("/authors/unmerge", json={"ref": oid}, headers=AUTH).status_code == 200
    r = client.post("/authors/merge", json={"target": str(pascal), "source": str(typo)},
                    headers=AUTH)
    assert r.status_code == 200, r.text
    oid = r.json()["override"]["id"]
    assert client.post("/authors/unmerge", json={"ref": str(oid)}, headers=AUTH).status_code == 200

    papers = client.get(f"/authors/{pascal}/collaborators", params={"papers": "true"}).json()
    pid = papers["collaborators"][0]["joint_papers"][0]["id"]
    r = client.post(f"/authors/{pascal}/split", json={"papers": [pid]}, headers=AUTH)
    assert r.status_code == 200, r.text
    oid = r.json()["override"]["id"]
    assert client.post("/authors/unmerge", json={"ref": oid}, headers=AUTH).status_code == 200
    r = client.post(f"/authors/{pascal}/split", json={"papers": [str(pid)]}, headers=AUTH)
    assert r.status_code == 200, r.text

    # numbers, not anything that looks like one
    for bad in ({"target": True, "source": typo}, {"target": 1.5, "source": typo}):
        assert client.post("/authors/merge", json=bad, headers=AUTH).status_code == 422
