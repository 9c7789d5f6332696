"""History: newest first, searchable, bounded, and never a secret in the file."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tui_api.core import paths
from tui_api.core.collection.model import Body, MultipartPart, Request
from tui_api.core.collection.variables import VariableContext
from tui_api.core.history import HistoryEntry, HistoryStore
from tui_api.core.http.exchange import Exchange

SECRETS = ["tok-ABCDEF123456", "hunter2-pass", "key-987654321", "s3ss10n-cookie", "url-pass-xyz", "profile-secret-42"]


def exchange(status: int | None = 200, **kw) -> Exchange:
    base = dict(method="GET", url="https://api.example.com/pets", request_headers=[("Accept", "*/*")], status=status,
                reason="OK" if status == 200 else "", body_size=42, elapsed_ms=12.345, correlation_id="corr-1",
                started_at=1_700_000_000.0, headers=[("Content-Type", "application/json")])
    base.update(kw)
    return Exchange(**base)


def test_default_location_is_the_data_dir() -> None:
    assert HistoryStore().path == paths.data_dir() / "history.jsonl"


def test_newest_first_search_get_and_load_back(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.jsonl")
    first = store.append(Request(name="list pets", url="{{base_url}}/pets", query=[("limit", "{{limit}}")]),
                         exchange(url="http://127.0.0.1:8000/pets?limit=5"), collection="collections/demo.yaml",
                         environment="local")
    second = store.append(Request(name="create", method="POST", url="{{base_url}}/pets", body=Body("json", {"name": "rex"})),
                          exchange(201, method="POST", url="http://127.0.0.1:8000/pets"))
    failed = store.append(Request(name="down", url="http://127.0.0.1:9/x"),
                          exchange(None, url="http://127.0.0.1:9/x", error="connection refused", error_kind="connect"))
    assert [e.id for e in store.entries()] == [failed.id, second.id, first.id]
    assert [e.id for e in store.entries(limit=2)] == [failed.id, second.id]
    assert [e.id for e in store.search("POST")] == [second.id]
    assert [e.id for e in store.search("refused")] == [failed.id]
    assert [e.id for e in store.search("LIST PETS")] == [first.id]
    assert [e.id for e in store.search("demo.yaml")] == [first.id]
    entry = store.get(first.id)
    assert entry is not None and entry.url == "http://127.0.0.1:8000/pets?limit=5" and entry.environment == "local"
    assert entry.to_request() == Request(name="list pets", url="{{base_url}}/pets", query=[("limit", "{{limit}}")])
    assert store.get(second.id).to_request().body == Body("json", {"name": "rex"})
    assert "500" not in entry.summary() and "GET" in entry.summary() and "200 OK" in entry.summary()
    assert "error: connection refused" in store.get(failed.id).summary()
    assert store.delete(second.id) and not store.delete("nope")
    assert [e.id for e in store.entries()] == [failed.id, first.id]


def test_torn_last_line_is_skipped(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.jsonl")
    kept = store.append(Request(url="https://h/x"), exchange())
    with open(store.path, "a", encoding="utf-8") as handle:
        handle.write('{"id": "torn", "timesta')  # a crash mid-append
    assert [e.id for e in store.entries()] == [kept.id]
    after = store.append(Request(url="https://h/y"), exchange())
    assert [e.id for e in store.entries()] == [after.id, kept.id]


def test_bounded_by_entries(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.jsonl", max_entries=10)
    ids = [store.append(Request(name=f"r{i}", url=f"https://h/{i}"), exchange()).id for i in range(35)]
    entries = store.entries()
    assert 1 <= len(entries) <= 10
    assert [e.id for e in entries] == list(reversed(ids))[: len(entries)]  # the newest survive, in order
    assert len(store.path.read_text().splitlines()) == len(entries)


def test_bounded_by_bytes(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.jsonl", max_entries=10_000, max_bytes=8 * 1024)
    for i in range(200):
        store.append(Request(name=f"r{i}", url=f"https://h/{i}", body=Body("text", "x" * 200)), exchange())
        assert store.path.stat().st_size <= 8 * 1024 + 1024  # never more than one entry over
    assert store.entries()[0].name == "r199"


def test_trim_failure_keeps_the_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    store = HistoryStore(tmp_path / "h.jsonl", max_entries=3)
    for i in range(3):
        store.append(Request(url=f"https://h/{i}"), exchange())
    before = store.path.read_bytes()

    def broken(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        store.append(Request(url="https://h/3"), exchange())
    monkeypatch.undo()
    assert store.path.read_bytes().startswith(before)  # the rewrite never happened; nothing lost
    assert [p.name for p in tmp_path.iterdir()] == ["h.jsonl"]


def test_no_secret_reaches_the_file(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.jsonl")
    request = Request(
        name="leaky",
        method="POST",
        url="https://user:url-pass-xyz@api.example.com/x?api_key=key-987654321&q=ok",
        query=[("token", "tok-ABCDEF123456"), ("ref", "{{ref}}")],
        headers=[("Authorization", "Bearer tok-ABCDEF123456"), ("Cookie", "sid=s3ss10n-cookie"),
                 ("X-Custom-Key", "key-987654321"), ("X-Ref", "{{api_token}}"), ("Accept", "application/json")],
        body=Body("json", {"user": "alice", "password": "hunter2-pass", "nested": [{"client_secret": "x-very-secret"}],
                           "note": "my token is profile-secret-42"}),
    )
    sent = exchange(method="POST", url="https://api.example.com/x?api_key=key-987654321",
                    request_headers=[("Authorization", "Bearer tok-ABCDEF123456"), ("X-Custom-Key", "key-987654321")],
                    error="server said profile-secret-42 is wrong")
    entry = store.append(request, sent, sensitive_headers=["X-Custom-Key"], secrets=["profile-secret-42"])
    store.append(Request(method="POST", url="https://h/login",
                         body=Body("form", [("username", "bob"), ("password", "hunter2-pass")])), exchange())
    store.append(Request(method="POST", url="https://h/up",
                         body=Body("multipart", [MultipartPart("api_token", value="tok-ABCDEF123456"),
                                                 MultipartPart("f", file="a.png")])), exchange())
    text = store.path.read_text()
    for secret in SECRETS + ["x-very-secret"]:
        assert secret not in text, secret
    loaded = store.get(entry.id).to_request()
    assert loaded.header("Authorization") == "Bearer ••••••"
    assert loaded.header("X-Ref") == "{{api_token}}"  # references stay usable
    assert loaded.header("Accept") == "application/json"
    assert ("ref", "{{ref}}") in loaded.query
    assert loaded.body.value["user"] == "alice" and loaded.body.value["password"] == "••••••"


async def test_real_send_recorded(demo_server, tmp_path: Path) -> None:
    """What the TUI does after a send: execute through the pipeline, then append."""
    from tui_api.core.http.pipeline import execute
    from tui_api.core.http.send import make_client

    request = Request(name="get pet", url="{{base_url}}/pets/1", headers=[("X-API-Key", "{{key}}")])
    context = VariableContext(collection_vars={"base_url": demo_server.base_url, "key": "demo-key"})
    client = make_client()
    try:
        sent = await execute(request, client=client, variables=context)
    finally:
        await client.aclose()
    store = HistoryStore(tmp_path / "h.jsonl")
    store.append(request, sent, secrets=["demo-key"])
    entry = store.entries()[0]
    assert entry.status == 200 and entry.size == sent.body_size > 0 and entry.url == f"{demo_server.base_url}/pets/1"
    assert "demo-key" not in store.path.read_text()
    assert entry.to_request().header("X-API-Key") == "{{key}}"


def test_entry_json_round_trip() -> None:
    entry = HistoryEntry(id="a", timestamp=1.0, request={"name": "x", "url": "u"}, method="GET", url="u",
                         request_headers=[("A", "b")])
    assert HistoryEntry.from_json(entry.to_json()) == entry
    assert HistoryEntry.from_json("not json") is None and HistoryEntry.from_json('{"x": 1}') is None
