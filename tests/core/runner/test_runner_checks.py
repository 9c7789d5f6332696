"""Checks say what was expected and what came back; captures fail loudly when they find nothing."""

from __future__ import annotations

import json

from tui_api.core.collection.model import Expect
from tui_api.core.http.exchange import Exchange
from tui_api.core.runner.checks import run_captures, run_checks


def exchange(body, status=200, headers=None, elapsed=12.0, truncated=False, size=None):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Exchange(method="GET", url="http://x/y", request_headers=[], status=status,
                    headers=headers or [("Content-Type", "application/json")], body=raw,
                    body_size=size if size is not None else len(raw), truncated=truncated, elapsed_ms=elapsed)


def by_name(results):
    return {r.name: r for r in results}


def test_status_single_and_list():
    ok = run_checks(Expect(status=[200, 201]), exchange({}, status=201))
    bad = run_checks(Expect(status=[200]), exchange({}, status=404))
    assert ok[0].passed
    assert not bad[0].passed and bad[0].message == "status: expected 200, got 404"


def test_json_values_and_operators():
    ex = exchange({"id": 7, "name": "Rex", "tags": ["a", "b"], "ok": True, "n": None})
    expect = Expect(json={
        "$.id": 7, "$.name": {"matches": "^R"}, "$.tags": ["a", "b"], "$.id ": {"lt": 10, "gt": 5},
        "$.ok": True, "$.missing": {"exists": False}, "$.n": {"exists": True},
    })
    results = run_checks(expect, ex)
    assert all(r.passed for r in results), [r.message for r in results if not r.passed]


def test_json_failures_say_expected_and_actual():
    ex = exchange({"id": 7, "name": "Rex", "count": "many"})
    results = by_name(run_checks(Expect(json={
        "$.id": 8, "$.name": {"matches": "^T"}, "$.count": {"gt": 1}, "$.gone": "x", "$.id2": {"exists": True},
    }), ex))
    assert results["json $.id"].message == "json $.id: expected 8, got 7"
    assert "a match for /^T/" in results["json $.name"].message and '"Rex"' in results["json $.name"].message
    assert "a number > 1" in results["json $.count"].message
    assert "matched no value" in results["json $.gone"].message
    assert results["json $.id2"].message == "json $.id2: expected a value, got nothing"


def test_bool_is_not_one():
    results = run_checks(Expect(json={"$.flag": 1}), exchange({"flag": True}))
    assert not results[0].passed


def test_json_check_on_truncated_body_fails_clearly():
    ex = exchange(b'{"data": "xxxx', truncated=True, size=2_000_000)
    result = run_checks(Expect(json={"$.data": {"exists": True}}), ex)[0]
    assert not result.passed
    assert "truncated" in result.actual and "2000000" in result.actual


def test_json_check_on_non_json_body():
    ex = exchange(b"<html>oops</html>", headers=[("Content-Type", "text/html")])
    result = run_checks(Expect(json={"$.a": 1}), ex)[0]
    assert not result.passed and "not JSON" in result.actual and "text/html" in result.actual


def test_headers_and_max_ms():
    ex = exchange({}, headers=[("Content-Type", "application/json; charset=utf-8")], elapsed=250)
    results = by_name(run_checks(Expect(headers={"content-type": "json", "ETag": "x"}, max_ms=100), ex))
    assert results["header content-type"].passed
    assert results["header ETag"].actual == "no such header"
    assert results["max_ms"].message == "max_ms: expected at most 100 ms, got 250 ms"


def test_schema_without_source_is_skipped_with_a_note():
    result = run_checks(Expect(schema=True), exchange({}), operation="GET /pets")[0]
    assert result.skipped and "no schema known" in result.message


def test_schema_check_with_a_source():
    schema = {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"},
                                                                   "tag": {"type": "string", "nullable": True}}}
    source = lambda op, status: (schema, "")  # noqa: E731
    good = run_checks(Expect(schema=True), exchange({"id": 1, "tag": None}), operation="GET /x", schema_source=source)
    bad = run_checks(Expect(schema=True), exchange({"id": "one"}), operation="GET /x", schema_source=source)
    assert good[0].passed
    assert not bad[0].passed and "'one' is not of type 'integer'" in bad[0].actual and "$.id" in bad[0].actual


def test_captures():
    ex = exchange({"token": "abc", "items": [{"id": 3}], "obj": {"a": 1}}, headers=[("ETag", "v1")])
    values, failures = run_captures({"t": "$.token", "first": "$.items[0].id", "etag": "header:ETag",
                                     "obj": "$.obj", "code": "status"}, ex)
    assert values == {"t": "abc", "first": "3", "etag": "v1", "obj": '{"a": 1}', "code": "200"}
    assert failures == []
    values, failures = run_captures({"x": "$.nope", "h": "header:Missing"}, ex)
    assert values == {} and len(failures) == 2 and not failures[0].passed


def test_missing_header_capture_reads_as_english():
    """It said "expected a ETag header"; "the" reads right for any header name."""
    _values, failures = run_captures({"etag": "header:ETag", "id": "header:X-Request-Id"}, exchange({}))
    assert [f.message for f in failures] == ["capture etag: expected the ETag header, got no such header",
                                             "capture id: expected the X-Request-Id header, got no such header"]
