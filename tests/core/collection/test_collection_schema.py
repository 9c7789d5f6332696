"""The published JSON Schema agrees with the loader: examples pass, broken files fail."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from tui_api.core.collection.yaml_read import plain

REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO / "tests" / "fixtures" / "collections"
EXAMPLES = sorted((REPO / "collections").glob("*.yaml")) + [FIXTURES / "petstore.yaml", FIXTURES / "styles.yaml"]


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(resources.files("tui_api").joinpath("collection.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def read(path: Path) -> object:
    return plain(YAML(typ="safe").load(path.read_text()))


def test_there_are_examples() -> None:
    assert (REPO / "collections" / "demo.yaml") in EXAMPLES


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_validate(validator: jsonschema.Draft202012Validator, path: Path) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(read(path))]
    assert errors == []


@pytest.mark.parametrize("name", ["bad_version.yaml", "many_problems.yaml", "secret_profile.yaml"])
def test_broken_files_do_not_validate(validator: jsonschema.Draft202012Validator, name: str) -> None:
    assert list(validator.iter_errors(read(FIXTURES / "bad" / name)))


@pytest.mark.parametrize(
    "document",
    [
        {"version": 1, "requests": [{"name": "x", "url": "u", "body": {"json": 1, "text": "a"}}]},
        {"version": 1, "requests": [{"folder": "f", "requests": []}]},
        {"version": 1, "requests": [{"name": "x", "url": "u", "expect": {"status": 99}}]},
        {"version": 1, "requests": [{"name": "x", "url": "u", "hedaers": {}}]},
        {"version": 1, "auth_profiles": {"p": {"kind": "basic", "username": "u", "password": "p"}}},
    ],
)
def test_schema_rejects_what_the_loader_rejects(validator: jsonschema.Draft202012Validator, document: dict) -> None:
    assert list(validator.iter_errors(document))
