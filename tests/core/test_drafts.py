"""The draft store: requests round-trip exactly, files are private, damaged files are no draft,
the count is bounded."""

from __future__ import annotations

import os
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tui_api.core.collection.model import Body, Expect, MultipartPart, Request
from tui_api.core.drafts import DraftStore, collection_key, request_from_json, request_to_json, spec_key


def full_request() -> Request:
    return Request(
        name="create", method="POST", url="{{base_url}}/pets/{{pet_id}}",
        query=[("tag", "a"), ("tag", "b")], headers=[("Authorization", "Bearer {{token}}"), ("X-Ü", "ü")],
        body=Body("json", {"name": "Rex", "tags": [1, None, True], "nested": {"k": "{{v}}"}}),
        auth="prod-key", description="d", expect=Expect(status=[201], json={"$.id": {"exists": True}},
                                                        headers={"content-type": "json"}, max_ms=500.0, schema=True),
        capture={"pet_id": "$.id"}, operation="POST /pets", options={"timeout": 3.5, "follow_redirects": False},
    )


def test_every_body_kind_round_trips() -> None:
    bodies = [None, Body("text", "raw {{x}}"), Body("form", [("a", "1"), ("a", "2")]), Body("file", "data/x.bin"),
              Body("multipart", [MultipartPart("f", file="a.png", content_type="image/png"), MultipartPart("v", "1")])]
    for body in [*bodies, full_request().body]:
        request = Request(body=body)
        assert request_from_json(request_to_json(request)) == request
    assert request_from_json(request_to_json(full_request())) == full_request()


def test_save_load_remove_and_the_file_is_private(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "drafts")
    key = spec_key(str(tmp_path / "spec.yaml"), "POST /pets")
    assert store.load(key) is None
    store.save(key, full_request(), label="POST /pets", meta={"server": "http://x"})
    draft = store.load(key)
    assert draft is not None and draft.request == full_request()
    assert draft.label == "POST /pets" and draft.meta == {"server": "http://x"}
    assert stat.S_IMODE(os.stat(store.path_for(key)).st_mode) == 0o600
    text = store.path_for(key).read_text()
    assert "{{token}}" in text  # nothing resolved
    assert [d.key for d in store.list()] == [key]
    assert store.remove(key) and store.load(key) is None and not store.remove(key)


def test_keys_tell_sources_and_requests_apart(tmp_path: Path) -> None:
    a = spec_key(str(tmp_path / "a.yaml"), "GET /x")
    assert a == spec_key(str(tmp_path / "." / "a.yaml"), "GET /x")  # same file, written differently
    assert a != spec_key(str(tmp_path / "b.yaml"), "GET /x") != spec_key("https://h/a.yaml", "GET /x")
    assert collection_key("c.yaml", ("f",), "r") != collection_key("c.yaml", ("g",), "r")


def test_damaged_draft_is_no_draft(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    store.save("k", Request(url="u"))
    store.path_for("k").write_text('{"key": "k", "saved_at": "yesterday"')
    assert store.load("k") is None and store.list() == []
    store.path_for("k").write_text('{"key": "k", "saved_at": "2026-01-01T00:00:00", "request": {"body": {"kind": "?"}}}')
    assert store.load("k") is None


def test_count_is_bounded_dropping_the_oldest(tmp_path: Path) -> None:
    store = DraftStore(tmp_path, limit=3)
    base = datetime(2026, 1, 1, tzinfo=timezone.utc)
    for index in range(5):
        store.save(f"k{index}", Request(url=str(index)), now=base + timedelta(minutes=index))
        os.utime(store.path_for(f"k{index}"), ns=(index * 10**9, index * 10**9))
    store.prune()
    assert sorted(d.key for d in store.list()) == ["k2", "k3", "k4"]
    assert store.list()[0].key == "k4"  # newest first
