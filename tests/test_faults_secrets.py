"""Fault catalogue, secrets: a Neo4j password never appears in an answer, an error or a log line
(issue 14, item 7), whatever characters it holds.

Hypothesis draws passwords full of the characters that end a URI's authority for
``urllib.parse`` (``/ ? #``), ``@`` and ``:``, percent signs, spaces and any Unicode, puts them
in ``GRAPHSVC_NEO4J_URI`` (raw and percent-encoded) or in ``GRAPHSVC_NEO4J_PASSWORD``, and
looks for the password, and for every longer piece of it, in 503 bodies, CLI output and
captured logs. No Neo4j server is needed: the store is unreachable or the URI is refused.
"""

from __future__ import annotations

import logging
import re
import socket
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from graphsvc.api.app import create_app
from graphsvc.cli.entry import main
from graphsvc.config import Settings
from graphsvc.errors import StoreUnavailable
from graphsvc.store.runner import check_uri, safe_uri

#: starts every password, so that a leaked prefix (``bolt://neo4j:Zq8v`` …) is caught too
MARK = "Zq8v"
SPECIAL = list("/?#@:%[]&=+ \\'\"<>;,") + ["\u00e9", "\u202e", "\U0001f511", "%40", "%2F"]
passwords = st.builds(
    lambda body: MARK + body,
    st.lists(st.sampled_from(SPECIAL) | st.characters(codec="utf-8", exclude_characters="\n\r"),
             min_size=1, max_size=24).map("".join),
)
#: words every message may hold: a piece of a password equal to one of them proves nothing
VOCABULARY = ("bad GRAPHSVC_NEO4J_URI credentials do not belong in the URI set GRAPHSVC_NEO4J_USER"
              " and GRAPHSVC_NEO4J_PASSWORD cannot reach Neo4j at bolt neo4j 127.0.0.1 "
              "db.example.org 7687 Connection refused Store unavailable store-unavailable")


def leaks(password: str, text: str) -> list[str]:
    """The password, or pieces of it (five characters or more between URI delimiters), that
    ``text`` holds; pieces that are ordinary words of the messages do not count."""
    pieces = {password, quote(password, safe=""), MARK}
    pieces |= {p for p in re.split(r"[/?#@:%\s]", password) if len(p) >= 5}
    return [p for p in pieces if p in text and (p == MARK or p not in VOCABULARY)]


def uris(password: str) -> list[str]:
    enc = quote(password, safe="")
    return [
        f"bolt://neo4j:{password}@127.0.0.1:7687",
        f"neo4j+s://graphsvc:{password}@db.example.org:7687/neo4j?policy=eu#x",
        f"bolt://:{password}@127.0.0.1",
        f"bolt://{password}@127.0.0.1:7687",
        f"neo4j://neo4j:{enc}@db.example.org",
    ]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


@settings(max_examples=300, deadline=None)
@given(password=passwords)
def test_a_uri_with_any_password_is_refused_without_a_trace_of_it(password: str) -> None:
    for uri in uris(password):
        with pytest.raises(StoreUnavailable) as info:
            check_uri(Settings(store="neo4j", neo4j_uri=uri))
        message = str(info.value)
        assert leaks(password, message) == [], (uri, message)
        assert "credentials do not belong in the URI" in message
        assert leaks(password, safe_uri(uri)) == []
        s = Settings(store="neo4j", neo4j_uri=uri, neo4j_password=password, api_key=password)
        assert leaks(password, repr(s)) == []


SLOW = settings(max_examples=12, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@SLOW
@given(password=passwords, in_uri=st.booleans())
def test_api_answers_503_without_the_password(
    password: str, in_uri: bool, caplog: pytest.LogCaptureFixture
) -> None:
    uri = uris(password)[0] if in_uri else f"bolt://127.0.0.1:{closed_port()}"
    settings_ = Settings(store="neo4j", neo4j_uri=uri, neo4j_password=password,
                         extra={"neo4j_connection_timeout": 0.5})
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        try:
            with TestClient(create_app(settings_), raise_server_exceptions=False) as client:
                answers = [client.get(u) for u in ("/health", "/ready", "/authors?q=ada",
                                                    "/paths/shortest?from=1&to=2")]
        except StoreUnavailable as exc:  # refused before the service starts: one line
            assert in_uri and "\n" not in str(exc)
            assert leaks(password, str(exc)) == []
            assert leaks(password, caplog.text) == [], caplog.text
            return
    assert any(r.status_code == 503 for r in answers)
    for r in answers:
        assert leaks(password, r.text) == [], r.text
        assert leaks(password, str(r.headers)) == []
    assert leaks(password, caplog.text) == [], caplog.text


@SLOW
@given(password=passwords, in_uri=st.booleans())
def test_cli_fails_in_one_line_without_the_password(
    password: str, in_uri: bool, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture,
) -> None:
    assume("\x00" not in password)  # the environment cannot hold NUL
    uri = uris(password)[1] if in_uri else f"bolt://127.0.0.1:{closed_port()}"
    monkeypatch.setenv("GRAPHSVC_STORE", "neo4j")
    monkeypatch.setenv("GRAPHSVC_NEO4J_URI", uri)
    monkeypatch.setenv("GRAPHSVC_NEO4J_PASSWORD", password)
    capsys.readouterr()
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        for argv in (["stats"], ["search", "ada"], ["init-store"]):
            code = main(argv)
            out, err = capsys.readouterr()
            assert code != 0
            assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
            assert leaks(password, out + err) == [], err
    assert leaks(password, caplog.text) == [], caplog.text
