"""The collection file: load validates with locations, save keeps the user's bytes."""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest

from tui_api.core.collection.model import Body, Collection, Expect, Folder, MultipartPart, Request
from tui_api.core.collection.yaml_format import dumps_collection, load_collection, loads_collection, save_collection
from tui_api.core.errors import CollectionError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "collections"
HAND_WRITTEN = ["petstore.yaml", "styles.yaml"]


def copy_fixture(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copyfile(FIXTURES / name, target)
    return target


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


# --- loading -------------------------------------------------------------------------------------
def test_issue_example_loads_exactly_as_written() -> None:
    collection = load_collection(FIXTURES / "petstore.yaml")
    assert collection.name == "Pet store"
    assert collection.environments["local"] == {"base_url": "http://127.0.0.1:8000"}
    assert collection.variables == {"limit": "10"}
    create, folder = collection.items
    assert isinstance(create, Request) and isinstance(folder, Folder)
    assert create.method == "POST" and create.url == "{{base_url}}/pets"
    assert create.headers == [("Content-Type", "application/json")]
    assert create.body == Body("json", {"name": "rex", "tag": "dog"})
    assert create.expect == Expect(status=[201], json={"$.name": "rex"})
    assert create.capture == {"pet_id": "$.id"}
    get = folder.items[0]
    assert folder.name == "reads" and get.query == [("verbose", "true")] and get.expect.status == [200, 304]
    assert [r.name for r in collection.requests()] == ["create pet", "get pet"]


def test_every_body_form_and_option_key() -> None:
    collection = load_collection(FIXTURES / "styles.yaml")
    assert collection.description.startswith("Requests used")
    assert collection.auth == "demo-key"
    assert collection.auth_profiles["demo-key"] == {"kind": "apikey", "in": "header", "name": "X-API-Key"}
    assert collection.variables == {"limit": "10", "verbose": "true"}  # scalars are text
    listing, upload, admin = collection.items
    assert listing.query == [("limit", "{{limit}}"), ("tag", "dog"), ("tag", "cat")]
    assert listing.expect.max_ms == 2000
    assert upload.body.kind == "multipart"
    assert upload.body.value == [
        MultipartPart("title", value="holiday"),
        MultipartPart("photo", file="photo.png", content_type="image/png"),
    ]
    assert isinstance(admin, Folder) and admin.auth == "none" and admin.description == "Things only admins do."
    delete, login = admin.items
    assert delete.body == Body("text", "first line\nsecond line\n")
    assert login.body == Body("form", [("user", "alice"), ("remember", "yes")])
    assert login.capture == {"session": "header:Set-Cookie"}
    assert collection.walk()[2][0] == ("admin",)


def test_name_defaults_to_file_name(tmp_path: Path) -> None:
    path = tmp_path / "my-api.yaml"
    path.write_text("version: 1\nrequests: []\n")
    assert load_collection(path).name == "my-api"


def load_error(path: Path) -> CollectionError:
    with pytest.raises(CollectionError) as info:
        load_collection(path)
    return info.value


def test_bad_version_names_it_with_line() -> None:
    error = load_error(FIXTURES / "bad" / "bad_version.yaml")
    assert error.line == 1 and error.key == "version"
    assert "unsupported version 2" in str(error) and "bad_version.yaml:1" in str(error)


def test_missing_version(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("name: x\nrequests: []\n")
    assert "'version: 1' is missing" in str(load_error(path))


def test_broken_yaml_reports_line_and_column() -> None:
    error = load_error(FIXTURES / "bad" / "broken_yaml.yaml")
    assert error.line == 7
    assert "invalid YAML at column 1" in str(error)
    assert "line 5, column 10" in str(error)  # where the unterminated string started
    assert error.problems == [f"{FIXTURES / 'bad' / 'broken_yaml.yaml'}:7:1: invalid YAML: found unexpected end of stream "
                              "(while scanning a quoted scalar at line 5, column 10)"]


def test_all_problems_reported_at_once_with_line_and_key() -> None:
    path = FIXTURES / "bad" / "many_problems.yaml"
    error = load_error(path)
    problems = [p.replace(f"{path}:", "") for p in error.problems]
    assert problems == [
        "3: variabels: unknown key 'variabels' (did you mean 'variables'?)",
        "7: requests[0].url: must be a string, not a number",
        "8: requests[0].hedaers: unknown key 'hedaers' (did you mean 'headers'?)",
        "9: requests[0].query: must be a mapping, not a list",
        "10: requests[1].requests: folder 'empty' has no requests (add a 'requests:' list or remove the folder)",
        "13: requests[2].body: needs exactly one of json, form, multipart, text, file (found json, text)",
        "16: requests[3].expect.status: must be an HTTP status code (100-599) or a list of them, not 'ok'",
        "16: requests[3].expect.max_ms: must be a positive number of milliseconds, not -1",
        "17: requests[4]: each item needs 'name' (a request) or 'folder' (a folder of requests)",
    ]
    assert "(and 8 more problems)" in str(error)
    assert "\n" not in str(error)


def test_secret_in_auth_profile_is_refused() -> None:
    error = load_error(FIXTURES / "bad" / "secret_profile.yaml")
    assert error.key == "auth_profiles.prod.token" and error.line == 6
    assert "abc123realsecret" not in str(error)
    assert "tui-api auth set prod" in str(error)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "the file is empty"),
        ("- a\n- b\n", "top level must be a mapping"),
        ("version: 1\nrequests: {a: 1}\n", "must be a list of requests and folders"),
        ("version: 1\nrequests:\n  - name: x\n    url: http://x\n    method: 'GE T'\n", "'GE T' is not an HTTP method"),
        ("version: 1\nrequests:\n  - name: x\n", "'url' is required"),
        ("version: 1\nvariables: {a: {b: 1}}\n", "variables.a: must be a single value"),
        ("version: 1\nrequests:\n  - name: x\n    url: u\n    body: {multipart: {f: {file: a, value: b}}}\n",
         "exactly one of 'value' or 'file'"),
        ("version: 1\nversion: 1\n", "duplicate key"),
        ("version: true\n", "unsupported version True"),
        ("version: 1\nauth_profiles: {p: {in: header}}\n", "auth profile 'p' needs a 'kind'"),
        ("version: 1\nauth_profiles: {p: {kind: magic}}\n", "unknown auth kind 'magic'"),
    ],
)
def test_load_errors(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(text)
    error = load_error(path)
    assert expected in str(error) or any(expected in p for p in error.problems), (str(error), error.problems)


def test_missing_and_unreadable_file(tmp_path: Path) -> None:
    assert "file not found" in str(load_error(tmp_path / "nope.yaml"))
    path = tmp_path / "latin1.yaml"
    path.write_bytes("version: 1\nname: caf\xe9\n".encode("latin-1"))
    assert "not UTF-8" in str(load_error(path))


# --- round trips -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", HAND_WRITTEN)
def test_untouched_round_trip_is_byte_identical(tmp_path: Path, name: str) -> None:
    path = copy_fixture(name, tmp_path)
    before = path.read_bytes()
    save_collection(load_collection(path))
    assert path.read_bytes() == before


def test_round_trip_keeps_crlf_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "windows.yaml"
    original = "\ufeff# made on Windows\r\nversion: 1\r\nname: win\r\nvariables: {a: '1'}\r\nrequests: []\r\n"
    path.write_bytes(original.encode("utf-8"))
    collection = load_collection(path)
    save_collection(collection)
    assert path.read_bytes() == original.encode("utf-8")
    collection.variables["a"] = "2"
    save_collection(collection)
    assert path.read_bytes() == original.replace("'1'", "'2'").encode("utf-8")


def test_small_edits_change_only_their_lines(tmp_path: Path) -> None:
    path = copy_fixture("styles.yaml", tmp_path)
    before = path.read_text()
    collection = load_collection(path)
    collection.items[2].items[0].method = "PATCH"
    collection.items[1].body.value[0].value = "beach"
    collection.variables["limit"] = "20"
    save_collection(collection)
    after = path.read_text()
    assert changed_lines(before, after) == [
        "-  limit: 10          # numbers are fine, they are text to us",
        "+  limit: 20          # numbers are fine, they are text to us",
        "-      title: holiday",
        "+      title: beach",
        "-    method: DELETE",
        "+    method: PATCH",
    ]
    assert load_collection(path) == collection


def test_added_request_and_header_appear_without_touching_the_rest(tmp_path: Path) -> None:
    path = copy_fixture("petstore.yaml", tmp_path)
    before = path.read_text()
    collection = load_collection(path)
    collection.items[1].items[0].headers.append(("Accept", "application/json"))
    collection.items.append(Request(name="list", url="{{base_url}}/pets", query=[("limit", "{{limit}}")]))
    save_collection(collection)
    after = path.read_text()
    assert changed_lines(before, after) == [
        "+        headers:",
        "+          Accept: application/json",
        "+  - name: list",
        "+    method: GET",
        "+    url: '{{base_url}}/pets'",
        "+    query:",
        "+      limit: '{{limit}}'",
    ]
    assert load_collection(path) == collection


def test_delete_rename_and_move_keep_comments_of_other_items(tmp_path: Path) -> None:
    path = copy_fixture("styles.yaml", tmp_path)
    collection = load_collection(path)
    upload = collection.items.pop(1)
    collection.items[1].items.append(upload)  # move into the admin folder
    collection.items[0].name = "all pets"
    save_collection(collection)
    text = path.read_text()
    assert "- name: all pets\n" in text
    assert "tag: [dog, cat]      # repeated parameter" in text
    assert "name: X-API-Key   # the key itself lives in the keyring" in text
    assert "      text: |\n        first line\n" in text  # the literal block kept its style
    assert load_collection(path) == collection


def test_removing_optional_fields_removes_their_keys(tmp_path: Path) -> None:
    path = copy_fixture("petstore.yaml", tmp_path)
    collection = load_collection(path)
    first = collection.items[0]
    first.expect = Expect()
    first.capture = {}
    save_collection(collection)
    text = path.read_text()
    assert "expect:\n      status: 201" not in text and "capture" not in text
    assert load_collection(path) == collection


def test_new_collection_written_in_default_layout(tmp_path: Path) -> None:
    collection = Collection(
        name="fresh",
        environments={"local": {"base_url": "http://127.0.0.1:1"}},
        variables={"n": "1"},
        items=[
            Request(name="post", method="post", url="{{base_url}}/x", headers=[("X-A", "1"), ("X-A", "2")],
                    body=Body("text", "line one\nline two\n"), expect=Expect(status=[201], max_ms=100),
                    capture={"id": "$.id"}, options={"timeout": 5}),
            Folder("f", items=[Request(name="inner", url="http://h/", body=Body("json", [1, {"a": None}]))]),
        ],
    )
    path = tmp_path / "fresh.yaml"
    save_collection(collection, path)
    text = path.read_text()
    assert text.startswith("version: 1\nname: fresh\n")
    assert "requests:\n  - name: post\n    method: POST\n" in text
    assert "      text: |\n        line one\n" in text
    reloaded = load_collection(path)
    collection.items[0].method = "POST"
    assert reloaded == collection
    assert collection.path == str(path)


def test_save_without_path_is_an_error() -> None:
    with pytest.raises(CollectionError, match="never been saved"):
        save_collection(Collection())


def test_loads_and_dumps_text() -> None:
    text = (FIXTURES / "petstore.yaml").read_text()
    collection = loads_collection(text)
    assert dumps_collection(collection) == text


# --- atomic save ---------------------------------------------------------------------------------
def test_failed_save_leaves_file_and_edits_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = copy_fixture("petstore.yaml", tmp_path)
    before = path.read_bytes()
    collection = load_collection(path)
    collection.items[0].name = "edited"

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(CollectionError, match="No space left on device"):
        save_collection(collection)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["petstore.yaml"]  # no temp file left behind
    assert collection.items[0].name == "edited"
    save_collection(collection)  # the edit is still there to save once the disk is fine
    assert load_collection(path).items[0].name == "edited"
    assert changed_lines(before.decode(), path.read_text()) == [
        "-  - name: create pet   # the first one",
        "+  - name: edited       # the first one",
    ]
