"""Response body formatting: kinds, pretty-printing, large and binary bodies (no UI needed)."""

from __future__ import annotations

import json

from tui_api.tui.body_format import format_body, human_size, reindent_json_prefix, sniff_kind


def test_kinds_from_content_type_and_bytes() -> None:
    assert sniff_kind(b'{"a": 1}', "application/json; charset=utf-8") == "json"
    assert sniff_kind(b'{"a": 1}', "application/problem+json") == "json"
    assert sniff_kind(b"<a/>", "application/xml") == "xml"
    assert sniff_kind(b"<!doctype html><html></html>", "") == "html"
    assert sniff_kind(b"[1, 2]", "") == "json"
    assert sniff_kind(b"hello", "text/plain") == "text"
    assert sniff_kind(bytes(range(256)), "application/octet-stream") == "binary"
    assert sniff_kind(b"", "application/json") == "empty"


def test_json_is_pretty_printed() -> None:
    formatted = format_body(b'{"b":[1,2],"a":null}', "application/json")
    assert formatted.text.plain == '{\n  "b": [\n    1,\n    2\n  ],\n  "a": null\n}'
    assert formatted.note == ""


def test_xml_is_reindented_but_a_dtd_is_never_expanded() -> None:
    formatted = format_body(b'<?xml version="1.0"?><pets><pet id="1"><name>Rex</name></pet></pets>', "application/xml")
    assert formatted.text.plain.splitlines()[2] == '  <pet id="1">'
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;&a;</x>'
    assert format_body(bomb, "application/xml").text.plain == bomb.decode()


def test_invalid_json_is_shown_as_received() -> None:
    formatted = format_body(b'{"a": ', "application/json")
    assert formatted.text.plain == '{"a":'  # as received (trailing blanks trimmed)
    assert "not valid JSON" in formatted.note


def test_large_body_shows_only_its_start_with_a_note() -> None:
    row = json.dumps({"id": 1, "name": "Rex", "padding": "x" * 60}).encode()
    body = b"[" + b",".join([row] * 100_000) + b"]"
    formatted = format_body(body, "application/json")
    assert formatted.total_bytes == len(body)
    assert formatted.shown_bytes < len(body)
    assert "showing first" in formatted.note and human_size(len(body)) in formatted.note
    assert formatted.text.plain.startswith('[\n  {\n    "id": 1,')


def test_truncated_body_counts_the_full_size() -> None:
    formatted = format_body(b'{"a": 1}', "application/json", total_size=50 * 1024 * 1024)
    assert "of 50.0 MB" in formatted.note


def test_binary_is_a_summary_never_a_dump() -> None:
    body = bytes(range(256)) * 4096
    formatted = format_body(body, "application/octet-stream")
    plain = formatted.text.plain
    assert plain.startswith("binary body  1.0 MB")
    assert "00000000  00 01 02 03" in plain
    assert len(plain) < 1000


def test_reindent_keeps_strings_intact() -> None:
    assert reindent_json_prefix('{"a":"x,{y}","b":[1,2') == '{\n  "a": "x,{y}",\n  "b": [\n    1,\n    2'


def test_bytes_that_are_not_the_declared_charset_get_a_note() -> None:
    from tui_api.tui.body_format import format_body

    latin1 = format_body("Café crème".encode("latin-1"), "text/plain; charset=utf-8")
    assert latin1.text.plain == "Caf\ufffd cr\ufffdme"
    assert "not valid utf-8" in latin1.note and "2 undecodable" in latin1.note
    right = format_body("Café".encode("latin-1"), "text/plain; charset=latin-1")
    assert right.text.plain == "Café" and right.note == ""
    unknown = format_body(b"hello", "text/plain; charset=no-such-charset")  # used to raise LookupError
    assert unknown.text.plain == "hello" and "unknown charset" in unknown.note
