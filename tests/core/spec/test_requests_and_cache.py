"""Draft requests from Swagger 2 features, the content-hash cache, and the `tui-api spec` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui_api.core import paths
from tui_api.core.collection.model import MultipartPart
from tui_api.core.errors import SpecError
from tui_api.core.spec import open_spec
from tui_api.core.spec import cache as spec_cache

REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO / "tests" / "fixtures" / "specs"
FEATURES = str(FIXTURES / "swagger-features.yaml")


def test_swagger_servers_and_schemes_mapped() -> None:
    doc = open_spec(FEATURES)
    assert [s.url for s in doc.servers] == ["https://api.example.com/v1", "http://api.example.com/v1"]
    assert doc.security_schemes == {
        "key": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
        "basic": {"type": "http", "scheme": "basic"},
    }


def test_path_level_params_merged_and_overridden_form_data_to_multipart() -> None:
    doc = open_spec(FEATURES)
    detail = doc.detail("POST /pets/{petId}/photo")
    assert [(p.name, p.location, p.required) for p in detail.parameters] == [
        ("petId", "path", True), ("X-Trace", "header", True)]
    assert detail.request_body is not None and detail.request_body.content_type == "multipart/form-data"
    request = doc.build_request("POST /pets/{petId}/photo")
    assert request.url == "https://api.example.com/v1/pets/7/photo"
    assert request.headers == [("X-Trace", "abc")]
    assert request.body is not None and request.body.kind == "multipart"
    assert request.body.value == [MultipartPart(name="caption", value="string"), MultipartPart(name="photo", file="")]


def test_collection_formats_and_optional_params() -> None:
    doc = open_spec(FEATURES)
    params = {p.name: p for p in doc.detail("GET /pets").parameters}
    assert (params["status"].style, params["status"].explode) == ("form", True)
    assert (params["ids"].style, params["ids"].explode) == ("pipeDelimited", False)
    request = doc.build_request("GET /pets")
    # required ones, and optional ones the spec gives a value for (limit's default); not offset
    assert request.query == [("status", "available"), ("ids", "0"), ("limit", "20")]


def test_body_param_read_only_left_out_and_circular_owner() -> None:
    doc = open_spec(FEATURES)
    request = doc.build_request("POST /pets")
    assert request.body is not None and request.body.kind == "json"
    assert request.body.value == {"name": "rex", "born": "2024-01-01", "owner": {"pets": []}}


def test_vendor_json_type_keeps_its_content_type() -> None:
    doc = open_spec(FEATURES)
    request = doc.build_request("PATCH /pets/{petId}", as_variables=True)
    assert request.url == "{{base_url}}/pets/{{petId}}"
    assert ("Content-Type", "application/merge-patch+json") in request.headers
    assert request.body is not None and request.body.value == {"name": "string"}


def test_security_override_and_options() -> None:
    doc = open_spec(FEATURES)
    assert doc.detail("GET /pets").security == []  # `security: []` = no auth
    assert doc.detail("POST /pets").security == [{"basic": []}]
    assert doc.detail("PATCH /pets/{petId}").security == [{"key": []}]  # the global one
    [[(name, scheme, scopes)]] = doc.security_options("POST /pets")
    assert (name, scheme["scheme"], scopes) == ("basic", "basic", [])


def test_server_url_override_and_names(specs_dir: Path) -> None:
    doc = open_spec(str(specs_dir / "oai-v3.0-petstore.yaml"))
    request = doc.build_request("GET /pets/{petId}", server_url="http://127.0.0.1:8000/")
    assert request.url == "http://127.0.0.1:8000/pets/string"
    assert request.name == "Info for a specific pet"
    assert request.description == ""  # the summary is the name already: not repeated
    assert request.operation == "GET /pets/{petId}"


def test_demo_spec_request_reaches_the_demo_server(demo_server) -> None:  # type: ignore[no-untyped-def]
    import httpx

    from tui_api.core.http.prepare import prepare_request

    spec = Path(demo_server.write_spec(Path(os.environ["TUI_API_HOME"])))
    doc = open_spec(str(spec))
    op = next(o for o in doc.operations if o.method == "GET" and o.path == "/pets")
    request = doc.build_request(op, server_url=demo_server.base_url)
    with httpx.Client() as client:
        response = client.send(prepare_request(request, {}))
    assert response.status_code == 200


def test_warm_open_uses_the_cache_and_skips_parsing(specs_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = str(specs_dir / "asana-oas.yaml")
    cold = open_spec(source)
    spec_cache.flush()
    entries = sorted(p.suffix for p in (paths.cache_dir() / "specs").iterdir())
    assert entries == [".doc", ".index", ".stat"]  # YAML: the parsed document is cached too

    from tui_api.core.spec import document as document_module

    def no_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a warm open must not parse or even read the spec")

    monkeypatch.setattr(document_module, "parse_bytes", no_parse)
    monkeypatch.setattr(document_module, "read_source", no_parse)
    warm = open_spec(source)
    assert [op.key for op in warm.operations] == [op.key for op in cold.operations]
    assert warm.servers == cold.servers and warm.security_schemes == cold.security_schemes
    op = warm.operations[5]
    assert warm.detail(op).parameters == cold.detail(op).parameters  # the document came from the cache too


def test_file_changed_behind_the_stat_key_is_reindexed(tmp_path: Path) -> None:
    """Same size, same mtime, same inode, different content: the first detail notices (hash) and
    re-reads the spec instead of showing details that do not match the operations."""
    spec = tmp_path / "api.json"
    text = json.dumps({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
                       "paths": {"/aaaa": {"get": {"responses": {"200": {"description": "ok"}}}}}})
    spec.write_text(text)
    open_spec(str(spec))
    spec_cache.flush()
    before = spec.stat()
    spec.write_text(text.replace("/aaaa", "/bbbb"))
    os.utime(spec, ns=(before.st_atime_ns, before.st_mtime_ns))
    warm = open_spec(str(spec))
    assert [op.key for op in warm.operations] == ["GET /aaaa"]  # trusted the stat key
    with pytest.raises(SpecError, match="no longer in the spec"):
        warm.detail("GET /aaaa")
    assert [op.key for op in warm.operations] == ["GET /bbbb"]
    assert warm.detail("GET /bbbb").problems == []
    assert "changed on disk" in warm.warnings[0]


def test_cache_keyed_by_content(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text((FIXTURES / "yaml-quirks.yaml").read_text())
    first = open_spec(str(spec))
    spec.write_text(spec.read_text().replace("operationId: sendMessage", "operationId: sendIt"))
    second = open_spec(str(spec))
    assert first.digest != second.digest
    assert second.operations[1].operation_id == "sendIt"


def test_corrupt_cache_entry_is_a_miss(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text((FIXTURES / "yaml-quirks.yaml").read_text())
    doc = open_spec(str(spec))
    spec_cache.flush()
    for entry in (paths.cache_dir() / "specs").iterdir():
        entry.write_bytes(b"garbage")
    again = open_spec(str(spec))
    spec_cache.flush()
    assert [op.key for op in again.operations] == [op.key for op in doc.operations]
    assert spec_cache.load(spec_cache.index_key(doc.digest, doc.source), "index") is not None  # rewritten


def test_progress_is_reported() -> None:
    stages: list[tuple[str, float]] = []
    open_spec(FEATURES, use_cache=False, progress=lambda stage, fraction: stages.append((stage, fraction)))
    assert stages[0] == ("reading", 0.0) and stages[-1] == ("ready", 1.0)
    assert "parsing" in [stage for stage, _ in stages]


def _cli(*args: str, env_home: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TUI_API_HOME": env_home, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "tui_api", *args], capture_output=True, text=True, env=env,
                          timeout=120, cwd=REPO)


def test_cli_spec_json(specs_dir: Path, tmp_path: Path) -> None:
    result = _cli("spec", str(specs_dir / "oai-v3.0-petstore-expanded.yaml"), "--json", env_home=str(tmp_path))
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["count"] == 4
    assert [(o["method"], o["path"], o["operationId"]) for o in payload["operations"]] == [
        ("GET", "/pets", "findPets"), ("POST", "/pets", "addPet"),
        ("GET", "/pets/{id}", "find pet by id"), ("DELETE", "/pets/{id}", "deletePet")]
    assert set(payload["operations"][0]) >= {"method", "path", "operationId", "tags", "summary", "deprecated", "section"}


def test_cli_spec_table_and_errors(specs_dir: Path, tmp_path: Path) -> None:
    table = _cli("spec", str(specs_dir / "oai-v3.0-petstore.yaml"), env_home=str(tmp_path))
    assert table.returncode == 0
    assert "GET   /pets/{petId}  Info for a specific pet  [pets]" in table.stdout.splitlines()
    bad = _cli("spec", str(FIXTURES / "broken" / "bad-yaml.yaml"), "--json", env_home=str(tmp_path))
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr.strip().count("\n") == 0
    assert bad.stderr.startswith("error: ") and "bad-yaml.yaml:10:10: invalid YAML" in bad.stderr


def test_cli_spec_never_imports_textual(tmp_path: Path) -> None:
    code = (
        "import sys, tui_api.cli.main as m\n"
        f"rc = m.main(['spec', {FEATURES!r}, '--json'])\n"
        "print('textual' in sys.modules, 'openapi_spec_validator' in sys.modules, rc, file=sys.stderr)\n"
    )
    env = {**os.environ, "TUI_API_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert result.stderr.strip().splitlines()[-1] == "False False 0"


ENCODINGS = str(FIXTURES / "form-encoding.yaml")


def test_form_body_follows_its_encoding_styles() -> None:
    """The requestBody `encoding` decides how each form field is written: deepObject brackets
    (what Stripe's spec asks for), form with and without explode, pipeDelimited; a field without
    an encoding entry keeps the defaults (arrays repeat, objects as JSON)."""
    request = open_spec(ENCODINGS).build_request("POST /customers")
    assert request.body is not None and request.body.kind == "form"
    assert request.body.value == [
        ("email", "user@example.com"),
        ("address[city]", "Paris"), ("address[lines][0]", "a"), ("address[lines][1]", "b"),
        ("expand[0]", "sources"), ("expand[1]", "tax"),
        ("tags", "x,y"),
        ("colours", "red|blue"),
        ("point", "x,1,y,2"),
        ("a", "A"),
        ("meta", '{"k":"v"}'),
    ]


def test_multipart_encoding_content_type_and_style() -> None:
    request = open_spec(ENCODINGS).build_request("POST /files")
    assert request.body is not None and request.body.kind == "multipart"
    assert request.body.value == [
        MultipartPart(name="file", file="", content_type="image/png"),
        MultipartPart(name="link[create]", value="true"),
        MultipartPart(name="meta", value='{"k":"v"}'),
    ]


def test_stripe_form_bodies_use_brackets_and_gets_carry_no_empty_body(specs_dir: Path) -> None:
    doc = open_spec(str(specs_dir / "stripe-spec3-2022-04.json"))
    create = doc.build_request("POST /v1/customers")
    assert create.body is not None and create.body.kind == "form"
    names = [name for name, _ in create.body.value]
    assert "address[city]" in names and "expand[0]" in names
    assert not any(value.startswith("{") for _, value in create.body.value)  # no JSON inside a form
    assert doc.build_request("GET /v1/customers/{customer}").body is None
    assert open_spec(ENCODINGS).build_request("GET /customers").body is None


def test_swagger_form_data_array_follows_collection_format(tmp_path: Path) -> None:
    spec = tmp_path / "swagger-form.yaml"
    spec.write_text(
        "swagger: '2.0'\n"
        "info: {title: form arrays, version: '1'}\n"
        "consumes: [application/x-www-form-urlencoded]\n"
        "paths:\n"
        "  /tags:\n"
        "    post:\n"
        "      parameters:\n"
        "        - {name: csv, in: formData, type: array, items: {type: string}, default: [a, b], required: true}\n"
        "        - {name: multi, in: formData, type: array, items: {type: string}, default: [c, d],"
        " collectionFormat: multi, required: true}\n"
        "      responses: {'200': {description: ok}}\n"
    )
    request = open_spec(str(spec)).build_request("POST /tags")
    assert request.body is not None and request.body.kind == "form"
    assert request.body.value == [("csv", "a,b"), ("multi", "c"), ("multi", "d")]


def test_truncated_cache_entries_are_rebuilt_on_a_warm_open(tmp_path: Path) -> None:
    """A cache file cut short (a full disk, a killed process): each entry alone and all at once."""
    spec = tmp_path / "api.yaml"
    spec.write_text((FIXTURES / "yaml-quirks.yaml").read_text())
    doc = open_spec(str(spec))
    expected = doc.build_request("GET /events/{id}#one")
    spec_cache.flush()
    entries = sorted((paths.cache_dir() / "specs").iterdir())
    assert len(entries) == 3
    for victims in [[entry] for entry in entries] + [entries]:
        for entry in victims:
            data = entry.read_bytes()
            entry.write_bytes(data[: len(data) // 2])
        again = open_spec(str(spec))
        assert [op.key for op in again.operations] == [op.key for op in doc.operations]
        assert again.build_request("GET /events/{id}#one") == expected
        spec_cache.flush()
        open_spec(str(spec))  # the entries are whole again
        spec_cache.flush()


def test_a_cache_dir_that_cannot_be_created_does_not_stop_opening(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("TUI_API_CACHE_DIR", str(blocker / "cache"))
    for _ in range(2):
        doc = open_spec(FEATURES)
        spec_cache.flush()
        assert doc.build_request("GET /pets").method == "GET"
    assert blocker.read_text() == "not a folder"


def test_cli_table_names_swagger_server_variables_and_callback_parents(specs_dir: Path, tmp_path: Path) -> None:
    uspto = _cli("spec", str(specs_dir / "oai-v3.0-uspto.yaml"), env_home=str(tmp_path))
    assert ("  server: https://developer.uspto.gov/ds-api  ({scheme}://developer.uspto.gov/ds-api; scheme: https|http)"
            in uspto.stdout.splitlines())
    assert "(Swagger 2.0, 5 operations)" in _cli("spec", str(specs_dir / "oai-v2-uber.json"),
                                                 env_home=str(tmp_path)).stdout
    callbacks = _cli("spec", str(specs_dir / "oai-v3.0-callback-example.yaml"), env_home=str(tmp_path)).stdout
    assert "(callback of POST /streams)" in callbacks
    payload = json.loads(_cli("spec", str(specs_dir / "oai-v3.0-uspto.yaml"), "--json", env_home=str(tmp_path)).stdout)
    assert payload["servers"] == ["https://developer.uspto.gov/ds-api"]
    assert payload["server_details"] == [{"url": "{scheme}://developer.uspto.gov/ds-api", "description": "",
                                          "variables": {"scheme": {"default": "https", "enum": ["https", "http"]}}}]


def test_same_content_from_two_sources_keeps_its_own_servers_and_warnings(tmp_path: Path) -> None:
    """The index cache was keyed by content alone: the same spec served by two hosts (dev and
    staging) got the first one's relative servers, and a copied file's warnings named the original."""
    import threading
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    text = ("openapi: 3.0.3\ninfo: {title: t, version: '1'}\nservers: [{url: /api}]\npaths:\n"
            "  /a:\n    get: {responses: {'200': {description: ok}}}\n"
            "  /a:\n    post: {responses: {'200': {description: ok}}}\n")
    (tmp_path / "spec.yaml").write_text(text)
    servers = [ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(tmp_path))) for _ in range(2)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        urls = [f"http://127.0.0.1:{server.server_address[1]}" for server in servers]
        for url in urls + urls:  # the second round comes from the cache
            doc = open_spec(f"{url}/spec.yaml")
            spec_cache.flush()
            assert [s.url for s in doc.servers] == [f"{url}/api"]
            assert doc.build_request("POST /a").url == f"{url}/api/a"
            assert any(w.startswith(f"{url}/spec.yaml:7: key '/a' is written twice") for w in doc.warnings)
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
    copy = tmp_path / "copy" / "spec.yaml"
    copy.parent.mkdir()
    copy.write_text(text)
    for _ in range(2):
        warnings = open_spec(str(copy)).warnings
        spec_cache.flush()
        assert any(w.startswith(f"{copy}:7: key") for w in warnings), warnings


def test_details_from_several_threads_at_once(specs_dir: Path) -> None:
    """The TUI opens operations in worker threads; the small LRU of details is shared."""
    from concurrent.futures import ThreadPoolExecutor

    doc = open_spec(str(specs_dir / "kubernetes-swagger2.json"))
    ops = doc.operations[:400]
    with ThreadPoolExecutor(max_workers=8) as pool:
        details = list(pool.map(doc.detail, ops * 2))
    assert [d.operation.key for d in details] == [op.key for op in ops * 2]
    assert all(d.problems == [] for d in details)
