"""Variable layers, their precedence, dynamic values and unresolved names."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest

from tui_api.core.collection.model import Body, Collection, Request
from tui_api.core.collection.variables import (
    MASK,
    VariableContext,
    env_names_used,
    parse_dotenv,
    parse_var_overrides,
    request_texts,
    substitute,
    unresolved,
)
from tui_api.core.collection.yaml_format import load_collection
from tui_api.core.errors import UsageError, VariableError
from tui_api.core.http.prepare import prepare_request


def layered(tmp_path: Path) -> VariableContext:
    (tmp_path / "c.yaml").write_text(
        "version: 1\n"
        "variables: {who: collection, a: collection, b: collection, c: collection, d: collection, e: collection}\n"
        "environments:\n"
        "  local: {a: local, b: local, c: local, d: local, e: local}\n"
        "  staging: {a: staging}\n"
    )
    (tmp_path / ".env").write_text("# secrets for local runs\nb=dotenv\nc=dotenv\nd=dotenv\nexport e='dotenv'\nHOME_ONLY=from-dotenv\n")
    collection = load_collection(tmp_path / "c.yaml")
    context = VariableContext.for_collection(
        collection, "local", os_environ={"c": "os-ignored", "HOME": "/home/me"},
        captured={"d": "captured", "e": "captured"}, overrides={"e": "override"},
    )
    return context


def test_precedence_lowest_to_highest(tmp_path: Path) -> None:
    context = layered(tmp_path)
    assert context("who") == "collection"
    assert context("a") == "local"
    assert context("b") == "dotenv"
    assert context("c") == "dotenv"  # plain names never read the OS environment
    assert context("d") == "captured"
    assert context("e") == "override"
    assert context("$env.HOME") == "/home/me"
    assert context("$env.HOME_ONLY") == "from-dotenv"  # $env falls back to .env
    assert context("$env.NOPE") is None
    context.select_environment("staging")
    assert context("a") == "staging" and context("who") == "collection"
    context.select_environment(None)
    assert context("a") == "collection"


def test_os_environment_beats_dotenv_for_env_names(tmp_path: Path) -> None:
    context = VariableContext(dotenv={"TOKEN": "file"}, os_environ={"TOKEN": "shell"})
    assert context("$env.TOKEN") == "shell"
    context.set_override("$env.TOKEN", "cli")
    assert context("$env.TOKEN") == "cli"


def test_unknown_environment_lists_known_ones(tmp_path: Path) -> None:
    context = layered(tmp_path)
    with pytest.raises(VariableError, match=r"no environment 'prod' in this collection \(known: local, staging\)"):
        context.select_environment("prod")
    with pytest.raises(VariableError, match="known: none defined"):
        VariableContext(environment="x")


def test_unresolved_variable_names_it_and_where() -> None:
    context = VariableContext(collection_vars={"base_url": "http://127.0.0.1:1"})
    request = Request(name="get pet", url="{{base_url}}/pets/{{pet_id}}")
    with pytest.raises(VariableError, match=r"variable 'pet_id' is not defined in request 'get pet' URL"):
        prepare_request(request, context)
    request = Request(name="post", url="{{base_url}}/x", headers=[("X-Trace", "{{trace}}")],
                      body=Body("json", {"owner": "{{owner}}"}))
    assert unresolved(request_texts(request), context) == [("trace", "headers"), ("owner", "body")]


def test_nested_variables_and_cycles() -> None:
    context = VariableContext(collection_vars={"host": "127.0.0.1", "api": "http://{{host}}/v1", "loop": "{{loop}}",
                                               "broken": "{{missing}}"})
    assert substitute("{{api}}/pets", context) == "http://127.0.0.1/v1/pets"
    with pytest.raises(VariableError, match="refers to itself"):
        context("loop")
    with pytest.raises(VariableError, match=r"'missing' \(used by 'broken', from collection\)"):
        context("broken")


def test_dynamic_variables() -> None:
    context = VariableContext()
    first, second = context("$uuid"), context("$uuid")
    assert uuid.UUID(first) and first != second
    assert re.fullmatch(r"\d{10}", context("$timestamp"))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", context("$isoTimestamp"))
    assert 0 <= int(context("$randomInt")) <= 1000
    assert {int(context("$randomInt(3,4)")) for _ in range(50)} <= {3, 4}
    assert context("$random") is None


def test_sources_view_shows_origin_and_masks_secrets(tmp_path: Path) -> None:
    context = layered(tmp_path)
    context.collection_vars["api_token"] = "s3cr3t-value"
    rows = {row.name: row for row in context.sources(referenced_env=["HOME"])}
    assert (rows["a"].value, rows["a"].source) == ("local", "environment:local")
    assert rows["a"].shadowed == [("collection", "collection")]
    assert (rows["d"].source, rows["e"].source, rows["b"].source) == ("captured", "--var", ".env")
    assert rows["e"].shadowed == [("captured", "captured"), (".env", "dotenv"), ("environment:local", "local"),
                                  ("collection", "collection")]
    assert rows["api_token"].secret and rows["api_token"].display == MASK
    assert not rows["who"].secret and rows["who"].display == "collection"
    assert (rows["$env.HOME"].value, rows["$env.HOME"].source) == ("/home/me", "os")
    assert list(rows) == sorted(rows, key=str.lower)


def test_dotenv_parsing() -> None:
    text = 'export A=1\nB = "two words"\nC=\'single # not a comment\'\nD=plain # comment\n# x=y\nbad line\nE="a\\nb"\n'
    assert parse_dotenv(text) == {"A": "1", "B": "two words", "C": "single # not a comment", "D": "plain", "E": "a\nb"}


def test_var_overrides() -> None:
    assert parse_var_overrides(["a=1", "b==2", "a=3", "empty="]) == {"a": "3", "b": "=2", "empty": ""}
    with pytest.raises(UsageError, match="is not name=value"):
        parse_var_overrides(["novalue"])


def test_env_names_used() -> None:
    assert env_names_used(["{{$env.TOKEN}} {{x}}", "{{ $env.HOST }}{{$env.TOKEN}}"]) == ["$env.TOKEN", "$env.HOST"]


def test_no_dotenv_without_a_file(tmp_path: Path) -> None:
    collection = Collection(variables={"a": "1"})
    context = VariableContext.for_collection(collection)
    assert context.dotenv == {} and context("a") == "1" and context.dotenv_path is None
