"""New collection files are written by the direct emitter (yaml_emit): same layout as the
round-trip writer, data that loads back equal, and a first load/save that keeps every byte."""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tui_api.core.collection import yaml_emit
from tui_api.core.collection.model import Body, Collection, Expect, Folder, MultipartPart, Request
from tui_api.core.collection.yaml_format import (
    DEFAULT_INDENT, _dump, _new_file, dumps_collection, load_collection, loads_collection, save_collection,
)
from tui_api.core.collection.yaml_write import apply_collection

REPO = Path(__file__).resolve().parents[3]

TRICKY = [
    "", " ", "10", "007", "-1", "+1", "1.5", ".5", "1e3", "1_000", "0o17", "0x1F", "0b101", ".inf", "-.inf",
    ".nan", "NaN", "true", "True", "FALSE", "yes", "no", "on", "off", "null", "Null", "~", "2024-01-01",
    "2024-01-01T12:00:00Z", "12:30", "1:20", "=", "<<", "-", "?", "?x", ": x", "a: b", "a:b", "a #b", "a#b",
    "#x", "---", "...", "--- x", "{{base_url}}/pets/{{id}}", "{x}", "[x]", "a, b", "@x", "`x`", "!tag", "&a",
    "*a", "|x", ">x", "%x", "'quoted'", '"dq"', "it's", "say \"hi\"", "back\\slash", "héllo wörld",
    "日本語", "emoji 😀", "a\tb", "a\rb", "nul\x00", "bell\x07", "\ufeffbom", "a\x85b", "a\u2028b",
    "line\n", "a\nb", "a\nb\n", "a\nb\n\n", "  lead\nb", "\nfirst empty", "trail \nb", "a\n  \nb",
    "\tindent\nb", "x\r\ny", "a" * 300, "word " * 900,
]


def _round_trip_writer(collection: Collection) -> str:
    from ruamel.yaml.comments import CommentedMap

    doc = CommentedMap()
    apply_collection(doc, None, collection)
    return _dump(doc, DEFAULT_INDENT)


def _plain_load(text: str) -> Any:
    return YAML(typ="safe").load(text)


def _same_content(left: Collection, right: Collection) -> bool:
    a, b = copy.copy(left), copy.copy(right)
    a.path = b.path = None
    a._source = b._source = None
    return a == b


def _key(text: str) -> str:
    """Keys the direct emitter writes (multi-line or very long keys go to the round-trip writer)."""
    return text if text and len(text) <= 100 and not any(c in text for c in "\n\x85\u2028\u2029") else "k"


def _every_kind_collection() -> Collection:
    requests: list[Request | Folder] = []
    for index, text in enumerate(TRICKY):
        requests.append(Request(
            name=f"r{index} {text[:20]!r}", method="POST", url="{{base_url}}/x/" + str(index),
            description=text, query=[("q", text), ("q", "2")], headers=[("X-Tricky", text or "v")],
            body=[Body("json", {"value": text, _key(text): [text, 1, 2.5, None, True], "nested": {"a": [{"b": text}]}}),
                  Body("form", [("field", text), ("field", "again")]),
                  Body("multipart", [MultipartPart("meta", value=text, content_type="text/plain"),
                                     MultipartPart("file", file="a b.png", content_type="image/png"),
                                     MultipartPart("plain", value=text)]),
                  Body("text", text), Body("file", f"payload {index}.bin"), None][index % 6],
            expect=Expect(status=[200, 201], json={"$.v": text, "$.n": 3}, headers={"Content-Type": "json"}, max_ms=500,
                          schema=index % 2 == 0),
            capture={"v": "$.value"}, options={"timeout": 5, "follow_redirects": False},
        ))
    return Collection(
        name="Tricky: 'names' #1", description="multi\nline\ndescription\n",
        variables={_key(text): text for text in TRICKY},
        environments={"local": {"base_url": "http://127.0.0.1:8000", "n": "10"}, "empty": {}},
        auth="key", auth_profiles={"key": {"kind": "apikey", "in": "header", "name": "X-API-Key"}},
        options={"timeout": 10.5}, spec="openapi.yaml",
        items=[Folder(name="first", items=requests[: len(requests) // 2], description="yes"),
               *requests[len(requests) // 2:], Folder(name="null", items=[Request(name="true", url="10")])],
    )


def test_the_example_collections_come_out_byte_identical_to_the_round_trip_writer() -> None:
    for example in sorted((REPO / "collections").glob("*.yaml")):
        collection = load_collection(example)
        collection._source = None  # as if it were new
        text, data = _new_file(collection)
        assert data is not None, "the direct emitter handled it"
        assert text == _round_trip_writer(collection), example.name
        assert _same_content(loads_collection(text), collection)


def test_the_imported_demo_spec_round_trips(tmp_path: Path) -> None:
    from tui_api.core.spec import open_spec
    from tui_api.core.spec.to_collection import spec_to_collection

    spec = tmp_path / "openapi.yaml"
    spec.write_text((REPO / "tui_api" / "demo" / "openapi.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    collection = spec_to_collection(open_spec(str(spec)), name=None, spec_ref="openapi.yaml", folders=True).collection
    target = tmp_path / "demo.yaml"
    save_collection(collection, target)
    assert target.read_text(encoding="utf-8") == _round_trip_writer(collection)
    loaded = load_collection(target)
    assert _same_content(loaded, collection)
    save_collection(loaded, tmp_path / "again.yaml")
    assert (tmp_path / "again.yaml").read_bytes() == target.read_bytes()


def test_every_body_kind_and_tricky_strings_load_back_equal(tmp_path: Path) -> None:
    collection = _every_kind_collection()
    target = tmp_path / "new.yaml"
    save_collection(collection, target)
    text = target.read_text(encoding="utf-8")
    _, data = _new_file(collection)
    assert data is not None, "the direct emitter wrote it (no fallback)"
    assert "url: '{{base_url}}/x/0'" in text  # {{var}} quoted so it stays a string
    assert "  - folder: first\n    description: 'yes'\n" not in text  # 1.2: yes is text, left plain
    loaded = load_collection(target)
    assert _same_content(loaded, collection)
    # A first load/save keeps every byte, and so does saving the loaded copy elsewhere.
    save_collection(loaded)
    assert target.read_text(encoding="utf-8") == text
    save_collection(load_collection(target), tmp_path / "copy.yaml")
    assert (tmp_path / "copy.yaml").read_text(encoding="utf-8") == text


def test_an_edit_after_the_first_save_changes_only_its_own_line(tmp_path: Path) -> None:
    collection = _every_kind_collection()
    target = tmp_path / "new.yaml"
    save_collection(collection, target)
    before = target.read_text(encoding="utf-8").splitlines()
    loaded = load_collection(target)
    loaded.variables["n"] = "11"
    save_collection(loaded)
    after = target.read_text(encoding="utf-8").splitlines()
    assert len(after) == len(before) + 1
    assert [line for line in after if line not in before] == ["  n: '11'"]


def test_the_saved_baseline_is_not_shared_with_the_live_model(tmp_path: Path) -> None:
    collection = Collection(name="c", items=[Request(name="r", url="http://x", body=Body("json", {"a": [1]}))])
    target = tmp_path / "c.yaml"
    save_collection(collection, target)
    collection.items[0].body.value["a"].append(2)  # type: ignore[union-attr]  # edited in place
    save_collection(collection)
    assert load_collection(target).items[0].body.value == {"a": [1, 2]}  # type: ignore[union-attr]


def test_values_the_emitter_does_not_write_fall_back_to_the_round_trip_writer(tmp_path: Path) -> None:
    collection = Collection(name="c", items=[
        Request(name="r", url="http://x", body=Body("json", {1: "int key", "k" * 200: "long key", "a\nb": "multi-line key"})),
    ])
    text, data = _new_file(collection)
    assert data is None
    assert text == _round_trip_writer(collection)
    save_collection(collection, tmp_path / "c.yaml")
    assert load_collection(tmp_path / "c.yaml").items[0].body.value == {  # type: ignore[union-attr]
        "1": "int key", "k" * 200: "long key", "a\nb": "multi-line key"}  # JSON keys are text


def test_dumps_collection_of_a_new_collection_uses_the_same_text(tmp_path: Path) -> None:
    collection = _every_kind_collection()
    save_collection(collection, tmp_path / "c.yaml")
    fresh = _every_kind_collection()
    assert dumps_collection(fresh) == (tmp_path / "c.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("seed", range(4))
def test_random_plain_data_loads_back_equal(seed: int) -> None:
    rnd = random.Random(seed)

    def text() -> str:
        if rnd.random() < 0.6:
            return rnd.choice(TRICKY[:-2])
        return "".join(rnd.choice("ab :#-?,[]{}'\"\n\t|>&*!%@`~.09eE+_/é😀\u2028\x85\x00\r\ufeffyn") for _ in range(rnd.randint(0, 8)))

    def value(depth: int = 0) -> Any:
        roll = rnd.random()
        if depth < 3 and roll < 0.2:
            return {text(): value(depth + 1) for _ in range(rnd.randint(0, 4))}
        if depth < 3 and roll < 0.4:
            return [value(depth + 1) for _ in range(rnd.randint(0, 4))]
        if roll < 0.55:
            return rnd.choice([None, True, False, 0, -3, 2**70, 1.5, 1e20, 1e-7, 3.0])
        return text()

    written = 0
    for _ in range(300):
        data = {"a": value(), "b": [value() for _ in range(3)]}
        try:
            out = yaml_emit.emit_document(data)
        except yaml_emit.Unsupported:
            continue
        written += 1
        assert _plain_load(out) == data, out
    assert written > 100


def test_scalar_quoting_matches_the_round_trip_writer_for_common_text() -> None:
    for value in TRICKY:
        if "\n" in value.rstrip("\n") or any(c in value for c in "\x85\u2028\x00\x07\r\ufeff\t") or len(value) > 4000:
            continue  # blocks, escapes, folding past 4096 columns: checked by the load-back tests
        mine = yaml_emit.emit_document({"k": value})
        assert mine == _round_trip_writer_value(value), value


def _round_trip_writer_value(value: str) -> str:
    from ruamel.yaml.comments import CommentedMap

    doc = CommentedMap()
    doc["k"] = value
    return _dump(doc, DEFAULT_INDENT)


def test_a_file_in_the_emitters_own_layout_is_re_saved_without_the_round_trip_document(tmp_path, monkeypatch) -> None:
    from tui_api.core.collection import yaml_format

    target = tmp_path / "c.yaml"
    save_collection(_every_kind_collection(), target)
    before = target.read_text(encoding="utf-8").splitlines()

    def no_round_trip(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the round-trip parser was used for a file with nothing to preserve")

    monkeypatch.setattr(yaml_format, "parse_text", no_round_trip)
    loaded = load_collection(target)
    loaded.items[1].url = "{{base_url}}/edited"  # type: ignore[union-attr]
    save_collection(loaded)
    after = target.read_text(encoding="utf-8").splitlines()
    assert len(after) == len(before)
    assert [(old, new) for old, new in zip(before, after) if old != new] == [
        (f"    url: '{{{{base_url}}}}/x/{len(TRICKY) // 2}'", "    url: '{{base_url}}/edited'")]
    loaded.items[1].name = "renamed"  # type: ignore[union-attr]  # a second save: still no round trip
    save_collection(loaded)
    assert _same_content(load_collection(target), loaded)


def test_a_file_with_a_comment_still_keeps_it_on_an_edit(tmp_path) -> None:
    target = tmp_path / "c.yaml"
    save_collection(_every_kind_collection(), target)
    target.write_text("# the team's notes\n" + target.read_text(encoding="utf-8"), encoding="utf-8")
    loaded = load_collection(target)
    loaded.variables["n"] = "12"
    save_collection(loaded)
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# the team's notes\n") and "  n: '12'\n" in text
    assert _same_content(load_collection(target), loaded)


def test_an_untouched_save_then_an_in_place_edit_is_still_written(tmp_path) -> None:
    target = tmp_path / "c.yaml"
    save_collection(Collection(name="c", items=[Request(name="r", url="http://x", body=Body("json", {"a": [1]}))]), target)
    loaded = load_collection(target)
    save_collection(loaded)  # untouched: keeps its baseline
    loaded.items[0].body.value["a"].append(2)  # type: ignore[union-attr]
    save_collection(loaded)
    assert load_collection(target).items[0].body.value == {"a": [1, 2]}  # type: ignore[union-attr]
