"""`tui-api import openapi`: every operation becomes one uniquely named request, and the file loads back."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui_api.core.spec import open_spec
from tui_api.core.spec.model import Operation
from tui_api.core.spec.to_collection import spec_to_collection, unique_names

yaml_format = pytest.importorskip("tui_api.core.collection.yaml_format",
                                  reason="collection file format (yaml_format.py) not written yet")

REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO / "tests" / "fixtures" / "specs"


def _import(spec: str, output: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "tui_api", "import", "openapi", spec, "-o", str(output), *extra],
                          capture_output=True, text=True, env=env, timeout=300, cwd=REPO)


def test_petstore_expanded_round_trip_loses_nothing(specs_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "collections" / "petstore.yaml"
    result = _import(str(specs_dir / "oai-v3.0-petstore-expanded.yaml"), out)
    assert result.returncode == 0, result.stderr
    assert "wrote 4 requests for 4 operations" in result.stderr
    collection = yaml_format.load_collection(out)
    requests = collection.requests()
    assert len(requests) == 4
    assert sorted(r.operation for r in requests) == sorted(
        ["GET /pets", "POST /pets", "GET /pets/{id}", "DELETE /pets/{id}"])
    assert len({r.name for r in requests}) == 4
    assert collection.variables["base_url"] == "https://petstore.swagger.io/v2"
    assert collection.variables["id"] == "0"
    by_op = {r.operation: r for r in requests}
    assert by_op["DELETE /pets/{id}"].url == "{{base_url}}/pets/{{id}}"
    assert by_op["POST /pets"].body is not None and by_op["POST /pets"].body.value == {"name": "string", "tag": "string"}
    assert collection.spec is not None
    assert (out.parent / collection.spec).resolve() == (specs_dir / "oai-v3.0-petstore-expanded.yaml").resolve()


ALL_SPECS = ["kubernetes-swagger2.json", "stripe-spec3-2022-04.json", "asana-oas.yaml", "twilio-messaging-v1.yaml",
             "oai-v2-petstore-separate/spec/swagger.yaml", "oai-v2-petstore.json", "oai-v2-petstore-expanded.yaml",
             "oai-v2-uber.json", "oai-v3.0-api-with-examples.yaml", "oai-v3.0-callback-example.yaml",
             "oai-v3.0-link-example.yaml", "oai-v3.0-petstore.yaml", "oai-v3.0-petstore-expanded.yaml",
             "oai-v3.0-uspto.yaml", "oai-v3.1-non-oauth-scopes.yaml", "oai-v3.1-webhook-example.yaml"]


def test_the_list_above_is_every_shared_spec(specs_dir: Path) -> None:
    on_disk = {p.name for p in specs_dir.iterdir() if p.suffix in (".json", ".yaml")}
    assert on_disk | {"oai-v2-petstore-separate/spec/swagger.yaml"} == set(ALL_SPECS)


@pytest.mark.parametrize("name", ALL_SPECS)
def test_import_count_equals_spec(specs_dir: Path, tmp_path: Path, name: str) -> None:
    doc = open_spec(str(specs_dir / name))
    result = spec_to_collection(doc, spec_ref=name)
    assert result.count == len(doc.operations)
    out = tmp_path / "c.yaml"
    yaml_format.save_collection(result.collection, out)
    loaded = yaml_format.load_collection(out)
    requests = loaded.requests()
    assert len(requests) == len(doc.operations)
    assert {r.operation for r in requests} == {op.key for op in doc.operations}
    names = [r.name for r in requests]
    assert len(set(names)) == len(names) and all(n.strip() and len(n) <= 120 for n in names)
    names = [(path, r.name) for path, r in loaded.walk()]
    assert len(set(names)) == len(names)


def test_folders_by_tag_and_security_profiles(specs_dir: Path) -> None:
    doc = open_spec(str(specs_dir / "oai-v3.0-petstore.yaml"))
    collection = spec_to_collection(doc).collection
    assert [item.name for item in collection.items] == ["pets"]
    features = spec_to_collection(open_spec(str(FIXTURES / "swagger-features.yaml"))).collection
    assert features.auth_profiles == {"key": {"kind": "apikey", "in": "header", "name": "X-API-Key"},
                                      "basic": {"kind": "basic"}}
    assert features.auth == "key"
    by_op = {r.operation: r for r in features.requests()}
    assert by_op["GET /pets"].auth == "none"  # security: [] on the operation
    assert by_op["POST /pets"].auth == "basic"
    assert by_op["PATCH /pets/{petId}"].auth is None  # inherits the collection's
    assert set(features.environments) == {"api.example.com-v1", "api.example.com-v1-2"}


def test_colliding_names_made_unique_deterministically() -> None:
    ops = [
        Operation(key="GET /a", method="GET", path="/a", summary="List"),
        Operation(key="GET /b", method="GET", path="/b", summary="List"),
        Operation(key="GET /c", method="GET", path="/c", operation_id="getC"),
        Operation(key="POST /c", method="POST", path="/c"),
        Operation(key="callback POST x <- a of GET /a", method="POST", path="x", section="callbacks", parent="GET /a"),
        Operation(key="callback POST x <- b of GET /a", method="POST", path="x", section="callbacks", parent="GET /a"),
    ]
    names = unique_names(ops)
    assert list(names.values()) == ["List (GET /a)", "List (GET /b)", "getC", "POST /c",
                                    "POST x (callback of GET /a)", "POST x (callback of GET /a) #2"]
    assert unique_names(ops) == names


def test_existing_output_needs_force(specs_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "p.yaml"
    out.write_text("keep me")
    result = _import(str(specs_dir / "oai-v3.0-petstore.yaml"), out)
    assert result.returncode == 2
    assert "already exists" in result.stderr
    assert out.read_text() == "keep me"
    assert _import(str(specs_dir / "oai-v3.0-petstore.yaml"), out, "--force").returncode == 0
    assert len(yaml_format.load_collection(out).requests()) == 3


def test_spec_without_tags_is_grouped_by_resource(specs_dir: Path) -> None:
    doc = open_spec(str(specs_dir / "stripe-spec3-2022-04.json"))
    collection = spec_to_collection(doc).collection
    folders = {item.name: item for item in collection.items}
    assert "customers" in folders and "charges" in folders and "v1" not in folders
    assert all(r.url.startswith("{{base_url}}/v1/customers") for _, r in folders["customers"].walk())
    assert len(collection.requests()) == len(doc.operations) == 417


def test_output_that_is_a_folder_is_refused_before_reading_the_spec(tmp_path: Path) -> None:
    folder = tmp_path / "out.yaml"
    folder.mkdir()
    result = _import(str(tmp_path / "no-such-spec.yaml"), folder)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"error: {folder} is a folder (give a file path inside it, like "
                                                  "collections/NAME.yaml)"]


def test_operation_with_its_own_server_keeps_it(specs_dir: Path) -> None:
    """Stripe's POST /v1/files declares servers: [files.stripe.com]; with {{base_url}} the upload
    went to api.stripe.com."""
    doc = open_spec(str(specs_dir / "stripe-spec3-2022-04.json"))
    requests = {r.operation: r for r in spec_to_collection(doc).collection.requests()}
    assert requests["POST /v1/files"].url == "https://files.stripe.com/v1/files"
    assert requests["GET /v1/files"].url == "{{base_url}}/v1/files"
    assert requests["GET /v1/customers/{customer}"].url == "{{base_url}}/v1/customers/{{customer}}"
