"""Draft requests checked against what the spec text says, feature by feature
(fixture: tests/fixtures/specs/openapi-features.yaml, an OpenAPI 3.0 spec written for this)."""

from __future__ import annotations

from pathlib import Path

from tui_api.core.spec import open_spec
from tui_api.core.spec.to_collection import spec_to_collection

FEATURES = str(Path(__file__).resolve().parents[2] / "fixtures" / "specs" / "openapi-features.yaml")
PATH = "/users/{user-id}/items/{item.id}/{undeclared}"


def test_parameters_merged_overridden_by_name_and_location() -> None:
    detail = open_spec(FEATURES).detail(f"PUT {PATH}")
    found = [(p.location, p.name, p.example) for p in detail.parameters]
    # path-level q (enum a/b) is overridden by the operation's q in query; q in header is another
    # parameter; path-level X-Req stays
    assert ("query", "q", "override") in found and ("header", "q", "hdr") in found
    assert [name for location, name, _ in found if location == "query"].count("q") == 1
    assert ("header", "X-Req", "string") in found


def test_draft_request_url_query_headers_cookies() -> None:
    request = open_spec(FEATURES).build_request(f"PUT {PATH}")
    assert request.url == ("https://eu.api.example.com:8443/v2/users/3fa85f64-5717-4562-b3fc-2c963f66afa6"
                           "/items/5/{undeclared}")  # server variables' defaults; minimum 5
    assert request.query == [("q", "override"), ("filter[a]", "1"), ("filter[b]", "two"), ("ids", "0")]
    # Accept as a parameter is ignored (OpenAPI says so); cookies become one Cookie header
    assert request.headers == [("X-Req", "string"), ("q", "hdr"), ("Cookie", "sess=abc; tok=string")]


def test_undeclared_path_template_becomes_a_required_path_parameter() -> None:
    """`{undeclared}` has no parameter in the spec (common in real ones): it is still offered,
    and an import turns it into a variable like the declared ones instead of a literal {x}."""
    doc = open_spec(FEATURES)
    params = [p for p in doc.detail(f"GET {PATH}").parameters if p.location == "path"]
    assert [(p.name, p.required) for p in params] == [("user-id", True), ("item.id", True), ("undeclared", True)]
    imported = spec_to_collection(doc)
    urls = {request.url for request in imported.collection.requests() if "users" in request.url}
    assert urls == {"{{base_url}}/users/{{user-id}}/items/{{item.id}}/{{undeclared}}"}
    assert imported.collection.variables["undeclared"] == ""


def test_example_body_all_of_order_read_only_write_only_one_of() -> None:
    body = open_spec(FEATURES).build_request(f"PUT {PATH}").body
    assert body is not None and body.kind == "json"
    assert body.value == {
        # Base (first allOf branch) first; readOnly id/created left out; writeOnly password kept
        "password": "string",
        "name": "Rex",  # examples[0]
        "kind": "cat",  # enum
        "pet": {"meow": True},  # oneOf: first branch
        "when": "2024-01-01T12:00:00Z",
        "mail": "user@example.com",
        "price": 9.5,  # default
        "nullable": "string",
        "t31": "string",
        "c": "fixed",  # const
    }


def test_security_override_empty_and_optional() -> None:
    doc = open_spec(FEATURES)
    assert doc.security == [{"key": []}]
    assert doc.detail(f"PUT {PATH}").security == []  # security: [] overrides the global key
    assert doc.security_options(f"PUT {PATH}") == []
    options = doc.security_options(f"GET {PATH}")
    assert [[name for name, _, _ in option] for option in options] == [["oauth"]]
    requests = {r.method: r for r in spec_to_collection(doc).collection.requests() if "users" in r.url}
    assert requests["PUT"].auth == "none"
    # [{oauth: [read]}, {}] = auth optional: the import uses the listed auth rather than none
    assert requests["GET"].auth == "oauth"


def test_patch_with_an_object_body_prefers_merge_patch_over_json_patch(specs_dir: Path) -> None:
    """Kubernetes lists application/json-patch+json first, whose body is an array of operations;
    the object example we make fits merge-patch (listed second)."""
    doc = open_spec(str(specs_dir / "kubernetes-swagger2.json"))
    op = "PATCH /api/v1/namespaces/{namespace}/configmaps/{name}"
    body = doc.detail(op).request_body
    assert body is not None and body.content_types[0] == "application/json-patch+json"
    assert body.content_type == "application/merge-patch+json"
    request = doc.build_request(op)
    assert ("Content-Type", "application/merge-patch+json") in request.headers
    assert request.body is not None and request.body.kind == "json" and request.body.value == {}


def test_content_parameters_are_sent_as_their_media_type() -> None:
    """A parameter with `content: application/json` is JSON text, not exploded like a form object
    (filter=red&max=3 was sent before)."""
    doc = open_spec(FEATURES)
    params = {p.name: p for p in doc.detail("GET /search").parameters}
    assert params["filter"].content_type == "application/json" and params["filter"].has_example
    request = doc.build_request("GET /search")
    assert request.query == [("filter", '{"tag":"red","max":3}')]
    assert ("X-Context", '{"user":"ann"}') in request.headers


def test_callback_url_expressions_are_filled_from_the_parent_draft(specs_dir: Path, tmp_path: Path) -> None:
    doc = open_spec(str(specs_dir / "oai-v3.0-callback-example.yaml"))
    callback = next(op for op in doc.operations if op.section == "callbacks")
    assert doc.build_request(callback).url == "https://tonys-server.com/data"  # from the parent's callbackUrl
    assert doc.build_request(callback, as_variables=True).url == "{{webhook_url}}"
    spec = tmp_path / "hooks.yaml"
    spec.write_text(
        "openapi: 3.0.3\n"
        "info: {title: hooks, version: '1'}\n"
        "servers: [{url: 'https://api.example.com'}]\n"
        "paths:\n"
        "  /subscriptions/{team}:\n"
        "    post:\n"
        "      parameters: [{name: team, in: path, required: true, schema: {type: string, example: red}}]\n"
        "      requestBody:\n"
        "        content:\n"
        "          application/json:\n"
        "            schema: {type: object, properties: {hook: {type: object, properties: {url: {type: string,"
        " example: 'https://me.example/h'}}}}}\n"
        "      callbacks:\n"
        "        event:\n"
        "          '{$request.body#/hook/url}/{$request.path.team}?via={$method}&r={$response.body#/id}':\n"
        "            post: {responses: {'200': {description: ok}}}\n"
        "      responses: {'201': {description: ok}}\n"
    )
    hooks = open_spec(str(spec))
    callback = next(op for op in hooks.operations if op.section == "callbacks")
    # $response is only known after a real call: it stays as written
    assert hooks.build_request(callback).url == "https://me.example/h/red?via=POST&r={$response.body#/id}"
