"""A collection load lists every problem at once, each with file:line: a wrong `options:` key was
found only at run time (without a line), and two requests of one name in a folder went unnoticed."""

from __future__ import annotations

import json
import textwrap
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from tui_api.core.collection.model import Folder, Request
from tui_api.core.collection.postman import convert_postman
from tui_api.core.collection.tree import duplicate_item
from tui_api.core.collection.yaml_format import load_collection, save_collection
from tui_api.core.errors import CollectionError


def problems_of(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "c.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(CollectionError) as caught:
        load_collection(path)
    return [line.removeprefix(f"{path}:") for line in caught.value.problems]


def test_auth_expect_and_options_problems_are_listed_together(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, """\
        version: 1
        auth_profiles:
          demo-key: {type: apikey, name: X-Key}
        options: {retires: 3}
        requests:
          - name: a
            url: http://127.0.0.1:9/a
            expect: {stauts: 200}
            options:
              timeout: 0
        """)
    assert len(problems) == 4, problems
    assert problems[0].startswith("3: auth_profiles.demo-key.kind: auth profile 'demo-key' needs a 'kind'")
    assert problems[1] == "4: options.retires: unknown option 'retires' (did you mean 'retries'?)"
    assert problems[2].startswith("8: requests[0].expect.stauts: unknown key 'stauts'")
    assert problems[3] == "10: requests[0].options.timeout: must be a positive number of seconds, not 0"


def test_valid_options_load(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("version: 1\noptions: {retries: 0, correlation_header: false}\nrequests:\n"
                    "  - {name: a, url: http://h/a, options: {verify: false, connect_timeout: 2}}\n")
    collection = load_collection(path)
    assert collection.options == {"retries": 0, "correlation_header": False}
    assert collection.requests()[0].options == {"verify": False, "connect_timeout": 2}


def test_schema_rejects_the_same_options_as_the_loader() -> None:
    schema = json.loads(resources.files("tui_api").joinpath("collection.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    ok = {"version": 1, "options": {"retries": 2, "timeout": 1.5},
          "requests": [{"name": "a", "url": "u", "options": {"follow_redirects": False}}]}
    assert list(validator.iter_errors(ok)) == []
    assert list(validator.iter_errors({**ok, "options": {"retires": 3}}))
    assert list(validator.iter_errors({**ok, "options": {"timeout": 0}}))
    assert list(validator.iter_errors({"version": 1, "requests": [{"name": "a", "url": "u", "options": {"retries": 1}}]}))


def test_duplicate_request_names_in_one_folder_are_a_problem_with_both_lines(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, """\
        version: 1
        requests:
          - name: a
            url: http://h/1
          - folder: f
            requests:
              - {name: a, url: http://h/2}
          - name: a
            url: http://h/3
        """)
    assert problems == ["8: requests[2].name: request 'a' is already defined at line 3 in the same folder; "
                        "rename one (names tell requests apart: --request, folder/NAME, report testcase names)"]


def test_duplicate_folder_names_in_one_folder_are_a_problem(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, """\
        version: 1
        requests:
          - folder: f
            requests: [{name: a, url: http://h/1}]
          - folder: f
            requests: [{name: b, url: http://h/2}]
        """)
    assert len(problems) == 1 and problems[0].startswith("5: requests[1].folder: folder 'f' is already defined at line 3")


def test_duplicating_twice_still_saves_and_loads(tmp_path: Path) -> None:
    """The tree's duplicate picks a free name, so the new check never refuses what it makes."""
    path = tmp_path / "c.yaml"
    path.write_text("version: 1\nrequests:\n  - {name: a, url: http://h/1}\n")
    collection = load_collection(path)
    duplicate_item(collection, (0,))
    duplicate_item(collection, (0,))
    save_collection(collection, path)
    assert [r.name for r in load_collection(path).requests()] == ["a", "a (copy) (2)", "a (copy)"]


def test_postman_duplicates_are_renamed_so_the_import_saves(tmp_path: Path) -> None:
    item = {"name": "get", "request": {"method": "GET", "url": "http://h/x"}}
    data = {"info": {"name": "p", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
            "item": [item, item, {"name": "f", "item": [item]}, {"name": "f", "item": [item]}]}
    result = convert_postman(data)
    names = [(type(i).__name__, i.name) for i in result.collection.items]
    assert names == [("Request", "get"), ("Request", "get (2)"), ("Folder", "f"), ("Folder", "f (2)")]
    assert any("appears twice" in w and "get (2)" in w for w in result.warnings)
    save_collection(result.collection, tmp_path / "p.yaml")
    assert len(load_collection(tmp_path / "p.yaml").requests()) == 4
    assert isinstance(result.collection.items[2], Folder) and isinstance(result.collection.items[0], Request)
