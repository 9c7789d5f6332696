"""Every real spec opens, with every operation of the file listed, and details agree with the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tui_api.core.spec import open_spec

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
REPO = Path(__file__).resolve().parents[3]
SPECS = (REPO.parent / "shared" / "specs").resolve()


def real_specs() -> list[Path]:
    if not SPECS.is_dir():
        return []
    found = [p for p in sorted(SPECS.iterdir()) if p.suffix in (".json", ".yaml")]
    return found + [SPECS / "oai-v2-petstore-separate" / "spec" / "swagger.yaml"]


def raw(path: Path) -> dict[str, Any]:
    text = path.read_bytes()
    return json.loads(text) if path.suffix == ".json" else yaml.load(text, Loader=yaml.CSafeLoader)


def count_methods(items: Any) -> int:
    return sum(1 for item in (items or {}).values() for key in item if str(key).lower() in METHODS)


def count_callbacks(spec: dict[str, Any]) -> int:
    total = 0
    for item in (spec.get("paths") or {}).values():
        for method, op in item.items():
            if str(method).lower() in METHODS:
                for callback in (op.get("callbacks") or {}).values():
                    total += count_methods(callback)
    return total


@pytest.mark.parametrize("path", real_specs(), ids=lambda p: p.name if p.name != "swagger.yaml" else "separate")
def test_every_real_spec_opens_with_every_operation(path: Path) -> None:
    spec = raw(path)
    doc = open_spec(str(path))
    by_section: dict[str, int] = {}
    for op in doc.operations:
        by_section[op.section] = by_section.get(op.section, 0) + 1
    assert by_section.get("paths", 0) == count_methods(spec.get("paths"))
    assert by_section.get("webhooks", 0) == count_methods(spec.get("webhooks"))
    assert by_section.get("callbacks", 0) == count_callbacks(spec)
    assert len({op.key for op in doc.operations}) == len(doc.operations)
    assert doc.title == spec["info"]["title"]
    assert doc.spec_version == str(spec.get("openapi") or spec.get("swagger"))


def test_readme_counts(specs_dir: Path) -> None:
    """The numbers in specs/README.md, so a bug in the counting helper above cannot hide one here."""
    expected = {"kubernetes-swagger2.json": 1067, "stripe-spec3-2022-04.json": 417, "asana-oas.yaml": 167,
                "twilio-messaging-v1.yaml": 58, "oai-v3.0-petstore-expanded.yaml": 4, "oai-v3.0-link-example.yaml": 6}
    for name, count in expected.items():
        doc = open_spec(str(specs_dir / name))
        assert len([op for op in doc.operations if op.section == "paths"]) == count, name


@pytest.mark.parametrize("name", ["kubernetes-swagger2.json", "stripe-spec3-2022-04.json", "asana-oas.yaml",
                                  "twilio-messaging-v1.yaml"])
def test_every_operation_of_big_specs_resolves_without_recursion(specs_dir: Path, name: str) -> None:
    doc = open_spec(str(specs_dir / name))
    step = 3 if name.startswith("stripe") else 1  # keep the suite fast; Stripe's ops are alike
    for op in doc.operations[::step]:
        detail = doc.detail(op)
        assert detail.problems == [], (op.key, detail.problems)
        request = doc.build_request(op)
        assert request.method == op.method
        assert "{" not in request.url.split("?")[0].replace("{{", "").replace("}}", ""), request.url


def test_kubernetes_property_named_ref_is_not_a_reference(specs_dir: Path) -> None:
    doc = open_spec(str(specs_dir / "kubernetes-swagger2.json"))
    op = next(o for o in doc.operations if o.method == "POST"
              and o.path == "/apis/apiextensions.k8s.io/v1/customresourcedefinitions")
    body = doc.detail(op).request_body
    assert body is not None and body.content_types
    schema = body.schema
    crd_spec = schema["properties"]["spec"]
    versions = crd_spec["properties"]["versions"]["items"]
    props = versions["properties"]["schema"]["properties"]["openAPIV3Schema"]["properties"]
    assert "$ref" in props  # JSONSchemaProps has a property literally called $ref: a string schema
    assert props["$ref"].get("type") == "string"
    # and its recursive fields are marked, not expanded forever
    assert props["not"] == {"x-circular-ref": "#/definitions/io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps"}


def test_stripe_circular_schemas_are_marked(specs_dir: Path) -> None:
    doc = open_spec(str(specs_dir / "stripe-spec3-2022-04.json"))
    detail = doc.detail("GET /v1/customers/{customer}")
    text = repr(detail.responses["200"])
    assert "x-circular-ref" in text
    params = {p.name: p for p in detail.parameters}
    assert params["customer"].location == "path" and params["customer"].required
    assert params["expand"].style == "deepObject"


def test_petstore_expanded_v3_parameters_and_body(specs_dir: Path) -> None:
    doc = open_spec(str(specs_dir / "oai-v3.0-petstore-expanded.yaml"))
    assert [s.url for s in doc.servers] == ["https://petstore.swagger.io/v2"]
    find = doc.detail("GET /pets")
    assert [(p.name, p.location, p.style, p.explode) for p in find.parameters] == [
        ("tags", "query", "form", True), ("limit", "query", "form", True)]
    add = doc.detail("POST /pets")
    assert add.request_body is not None and add.request_body.required
    assert add.request_body.example == {"name": "string", "tag": "string"}
    request = doc.build_request("POST /pets")
    assert request.body is not None and request.body.kind == "json"
    assert request.url == "https://petstore.swagger.io/v2/pets"
    by_id = doc.build_request("DELETE /pets/{id}", as_variables=True)
    assert by_id.url == "{{base_url}}/pets/{{id}}"
    assert by_id.name == "deletePet"
    assert doc.build_request("GET /pets/{id}").url == "https://petstore.swagger.io/v2/pets/0"


def test_swagger2_petstore_servers_body_and_security(specs_dir: Path) -> None:
    doc = open_spec(str(specs_dir / "oai-v2-petstore.json"))
    assert [s.url for s in doc.servers] == ["http://petstore.swagger.io/v1"]
    detail = doc.detail("GET /pets")
    assert [(p.name, p.location, p.required) for p in detail.parameters] == [("limit", "query", False)]
    assert detail.parameters[0].schema == {"type": "integer", "format": "int32"}
    assert detail.responses["200"]["content"]["application/json"]["schema"]["type"] == "array"
    request = doc.build_request("GET /pets")
    assert request.query == []  # optional and no example in the spec
    assert request.url == "http://petstore.swagger.io/v1/pets"


def test_swagger2_multi_file_refs(specs_dir: Path) -> None:
    doc = open_spec(str(specs_dir / "oai-v2-petstore-separate" / "spec" / "swagger.yaml"))
    find = doc.detail("GET /pets")
    params = {p.name: p for p in find.parameters}
    assert params["tags"].schema == {"type": "array", "items": {"type": "string"}}
    assert (params["tags"].style, params["tags"].explode) == ("form", False)
    assert find.responses["200"]["schema"]["items"]["required"] == ["id", "name"]
    assert find.responses["default"]["schema"]["required"] == ["code", "message"]  # ../common/Error.yaml
    add = doc.detail("POST /pets")
    assert add.problems == []
    assert add.request_body is not None
    assert add.request_body.example == {"description": 0, "id": 0, "name": "string", "tag": "string"}


def test_webhook_only_31_spec(specs_dir: Path) -> None:
    doc = open_spec(str(specs_dir / "oai-v3.1-webhook-example.yaml"))
    [op] = doc.operations
    assert (op.section, op.method, op.path) == ("webhooks", "POST", "newPet")
    detail = doc.detail(op)
    assert detail.request_body is not None
    assert set(detail.request_body.example) >= {"id", "name"}
    assert doc.build_request(op, as_variables=True).url == "{{webhook_url}}"


def test_callbacks_are_listed_under_their_operation(specs_dir: Path) -> None:
    doc = open_spec(str(specs_dir / "oai-v3.0-callback-example.yaml"))
    callback = next(op for op in doc.operations if op.section == "callbacks")
    assert callback.parent == "POST /streams"
    assert callback.path == "{$request.query.callbackUrl}/data"
    detail = doc.detail(callback)
    assert detail.request_body is not None and detail.request_body.example["timestamp"] == "2024-01-01T12:00:00Z"


def test_servers_with_variables(specs_dir: Path) -> None:
    doc = open_spec(str(specs_dir / "oai-v3.0-uspto.yaml"))
    [server] = doc.servers
    assert server.url == "{scheme}://developer.uspto.gov/ds-api"
    assert [(v.name, v.default, v.enum) for v in server.variables] == [("scheme", "https", ["https", "http"])]
    assert server.resolved({"scheme": "http"}) == "http://developer.uspto.gov/ds-api"
    request = doc.build_request("POST /{dataset}/{version}/records")
    assert request.url == "https://developer.uspto.gov/ds-api/oa_citations/v1/records"
    assert request.body is not None and request.body.kind == "form"
    assert ("criteria", "*:*") in request.body.value


def test_security_effective_requirement(specs_dir: Path) -> None:
    doc = open_spec(str(specs_dir / "oai-v3.1-non-oauth-scopes.yaml"))
    [op] = doc.operations
    assert doc.detail(op).security == [{"bearerAuth": ["read:users", "public"]}]
    assert doc.security_schemes["bearerAuth"]["scheme"] == "bearer"
    uber = open_spec(str(specs_dir / "oai-v2-uber.json"))
    assert uber.security_schemes == {} or all(isinstance(v, dict) for v in uber.security_schemes.values())


def test_asana_non_string_keys(specs_dir: Path) -> None:
    doc = open_spec(str(specs_dir / "asana-oas.yaml"))
    detail = doc.detail(doc.operations[0])
    assert detail.responses and all(isinstance(code, str) for code in detail.responses)
    assert "200" in detail.responses
