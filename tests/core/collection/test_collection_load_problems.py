"""A collection load lists every problem at once, each with file:line: a wrong `options:` key was
found only at run time (without a line)."""

from __future__ import annotations

import json
import textwrap
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from tui_api.core.collection.yaml_format import load_collection
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
