"""Found by using the importers and the loader as a user would; each test pins one fixed problem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui_api.cli.main import main
from tui_api.core.collection.postman import load_postman, load_postman_environment
from tui_api.core.collection.yaml_format import load_collection
from tui_api.core.errors import CollectionError

POSTMAN = {
    "info": {"name": "Pets", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
    "item": [{"name": "list", "request": {"method": "GET", "url": "http://127.0.0.1:1/pets"}}],
}


def test_binary_postman_file_is_one_clear_error(tmp_path):
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"\x87\xff\x00binary" * 20)
    with pytest.raises(CollectionError, match="not a JSON text file"):
        load_postman(garbage)
    with pytest.raises(CollectionError, match="not a JSON text file"):
        load_postman_environment(garbage)


def test_binary_postman_file_on_the_command_line_is_not_an_unexpected_error(tmp_path, capsys):
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"\x87\xff\x00binary")
    assert main(["import", "postman", str(garbage)]) == 2
    err = capsys.readouterr().err
    assert "not a JSON text file" in err and "unexpected error" not in err


@pytest.mark.parametrize("kind", ["postman", "curl"])
def test_output_under_a_file_names_the_file_in_the_way(tmp_path, capsys, kind):
    (tmp_path / "notes.txt").write_text("a file, not a folder")
    target = tmp_path / "notes.txt" / "sub" / "out.yaml"
    if kind == "postman":
        source = tmp_path / "p.json"
        source.write_text(json.dumps(POSTMAN))
        code = main(["import", "postman", str(source), "-o", str(target)])
    else:
        code = main(["import", "curl", "curl http://127.0.0.1:1/x", "-o", str(target)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{tmp_path / 'notes.txt'} is a file, not a folder" in err, err
    assert "File exists" not in err


def test_quoted_version_says_to_drop_the_quotes(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text('version: "1"\nrequests: []\n')
    with pytest.raises(CollectionError) as caught:
        load_collection(path)
    assert "without quotes" in str(caught.value) and ":1" in str(caught.value)


def test_binary_curl_input_is_not_echoed_back():
    from tui_api.core.collection.curl import import_curl
    from tui_api.core.errors import UsageError

    garbage = b"\x87\x1b[2J\x00\xffPNG".decode("utf-8", "surrogateescape")
    with pytest.raises(UsageError) as caught:
        import_curl(garbage)
    assert "not text" in str(caught.value)
    assert "\x1b" not in str(caught.value) and "\udc87" not in str(caught.value)


def test_history_skips_lines_that_are_json_but_not_entries(tmp_path):
    """`5`, `null`, `"s"` or an entry with a text timestamp raised AttributeError from
    entries() (the history screen catches only OSError) or broke the list's time formatting."""
    from tui_api.core.history import HistoryStore

    path = tmp_path / "history.jsonl"
    good = ('{"id":"b","timestamp":1,"request":{"name":"n","url":"http://x"},'
            '"method":"GET","url":"http://x","status":200}')
    path.write_text("\n".join([
        "5", "null", '"s"', "[1]", '{"id": 1}',
        '{"id":"a","timestamp":"yesterday","request":{},"method":"GET","url":"u"}',
        '{"id":"c","timestamp":1,"request":"x","method":"GET","url":"u"}',
        good, '{"id":"torn", "timest']) + "\n")
    store = HistoryStore(path)
    entries = store.entries()
    assert [entry.id for entry in entries] == ["b"]
    assert "200" in entries[0].summary() and entries[0].to_request().url == "http://x"
    assert store.search("x")[0].id == "b"


def test_yaml_dates_and_binary_in_json_bodies_become_text(tmp_path):
    """`d: 2024-01-01` in a JSON body is a date to YAML 1.1; json.dumps raised TypeError when the
    request was sent, and an expected date never equalled the response's string."""
    from tui_api.core.collection.yaml_format import save_collection
    from tui_api.core.http.prepare import prepare_request

    text = ("version: 1\nrequests:\n  - name: r\n    method: POST\n    url: http://127.0.0.1:1/\n"
            "    body: {json: {d: 2024-01-01, b: !!binary aGVsbG8=}}\n"
            "    expect: {json: {\"$.d\": 2024-01-01}}\n")
    path = tmp_path / "c.yaml"
    path.write_text(text)
    collection = load_collection(path)
    request = collection.items[0]
    assert request.body.value == {"d": "2024-01-01", "b": "aGVsbG8="}
    assert request.expect.json == {"$.d": "2024-01-01"}
    assert json.loads(prepare_request(request, {}).content) == {"d": "2024-01-01", "b": "aGVsbG8="}
    save_collection(collection)
    assert path.read_text() == text  # untouched: not one byte changes


def test_postman_parts_in_an_unknown_shape_are_listed_and_the_rest_converted():
    """Hand-edited or other tools' exports put numbers where Postman writes lists or objects;
    the converter raised TypeError/AttributeError ('unexpected error') and converted nothing.
    A method that is not one made a collection the save then refused, losing the whole import."""
    from tui_api.core.collection.postman import convert_postman
    from tui_api.core.collection.yaml_format import dumps_collection, loads_collection

    data = {
        "info": {"name": "Odd", "schema": POSTMAN["info"]["schema"]},
        "variable": 5,
        "auth": {"type": "bearer", "bearer": 7},
        "item": [
            {"name": "good", "request": {"method": "GET", "url": "http://127.0.0.1:1/ok"}},
            {"name": "bad url", "request": {"method": "GET", "url": {"raw": 5, "query": 3, "host": 1.5}}},
            {"name": "bad body", "request": {"method": "POST", "url": "http://x/", "body": {"mode": "formdata", "formdata": True}}},
            {"name": "bad method", "request": {"method": "-1", "url": "http://x/"}},
            {"name": "folder", "item": 4},
        ],
    }
    result = convert_postman(data, source="odd.json")
    names = [item.name for item in result.collection.items]
    assert "good" in names and "bad method" not in names
    assert any("'-1' is not an HTTP method" in w for w in result.warnings), result.warnings
    loads_collection(dumps_collection(result.collection))  # what it wrote loads again


def test_folders_nested_too_deeply_are_a_collection_error(tmp_path):
    lines = ["version: 1", "requests:"]
    indent = "  "
    for level in range(400):
        lines += [f"{indent}- folder: f{level}", f"{indent}  requests:"]
        indent += "    "
    lines.append(indent + "- {name: r, url: 'http://127.0.0.1:1/'}")
    path = tmp_path / "deep.yaml"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(CollectionError, match="nested too deeply"):
        load_collection(path)


@pytest.mark.parametrize("argv", [["run", "/dev/zero"], ["import", "postman", "/dev/zero"],
                                  ["auth", "list", "--collection", "/dev/zero"]])
def test_a_device_given_as_a_file_is_refused_not_read_forever(argv, capsys):
    """`tui-api run /dev/zero` read until the memory ran out (MemoryError, or the machine's)."""
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    assert main(argv) == 2
    assert "not a regular file" in capsys.readouterr().err


def test_import_curl_from_an_endless_stdin_stops(monkeypatch, capsys):
    import io
    import sys

    class Endless(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            buffer[:] = b"x" * len(buffer)
            return len(buffer)

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(Endless())))
    assert main(["import", "curl"]) == 2
    assert "over 16 MiB" in capsys.readouterr().err


def test_saving_onto_a_folder_says_it_is_a_folder_and_keeps_the_collection(tmp_path):
    from tui_api.core.collection.model import Collection, Request
    from tui_api.core.collection.yaml_format import save_collection

    folder = tmp_path / "here"
    folder.mkdir()
    collection = Collection(name="c", items=[Request(name="r", url="http://x")])
    with pytest.raises(CollectionError) as caught:
        save_collection(collection, folder)
    message = str(caught.value)
    assert f"{folder}: cannot save the collection: the path is a folder" in message
    assert "give a file path inside it" in message and "still open" not in message
    assert isinstance(caught.value.__cause__, OSError) and caught.value.problems == []
    assert caught.value.path == str(folder)
    assert collection.path is None and collection._source is None  # nothing pretends it was saved
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(("code", "expected"), [
    ("EACCES", "check the permissions of {folder}"),
    ("ENOSPC", "free some disk space"),
    ("EROFS", "the disk is read-only"),
])
def test_a_failed_write_says_what_failed_and_what_to_do(tmp_path, monkeypatch, code, expected):
    """Permission errors cannot happen here (tests may run as root) and a full disk cannot be
    made on demand: the write itself is replaced by one failing with that errno."""
    import errno
    import os

    from tui_api.core.collection import yaml_format
    from tui_api.core.collection.model import Collection, Request

    def failing_write(path, data):
        raise OSError(getattr(errno, code), os.strerror(getattr(errno, code)), str(path))

    monkeypatch.setattr(yaml_format, "write_atomic", failing_write)
    collection = Collection(name="c", items=[Request(name="r", url="http://x")])
    target = tmp_path / "c.yaml"
    with pytest.raises(CollectionError) as caught:
        yaml_format.save_collection(collection, target)
    message = str(caught.value)
    assert message.startswith(f"{target}: cannot save the collection: {os.strerror(getattr(errno, code))}")
    assert expected.format(folder=tmp_path) in message and "still open" not in message
    assert collection.path is None and not target.exists()
