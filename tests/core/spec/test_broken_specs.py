"""Broken inputs: each fails with one clear line saying what and where, or opens with the damage
confined to the operations that need the broken part."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tui_api.core.errors import SpecError
from tui_api.core.spec import open_spec

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "specs"
BROKEN = FIXTURES / "broken"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bad-yaml.yaml", "bad-yaml.yaml:10:10: invalid YAML: did not find expected key"),
        ("bad-json.json", "bad-json.json:5:65: invalid JSON: trailing comma is not allowed"),
        ("missing-paths.yaml", "missing-paths.yaml: the spec has no 'paths'"),
        ("wrong-version.yaml", "wrong-version.yaml: unsupported OpenAPI version '4.0.0'"),
        ("swagger-1.2.json", "this is a Swagger 1.2 resource listing"),
        ("postman.json", "this is a Postman collection, not an OpenAPI or Swagger spec"),
        ("page.html", "this is an HTML page, not an OpenAPI or Swagger spec"),
        ("a-list.yaml", "this is a list, not an OpenAPI or Swagger spec"),
        ("empty.yaml", "empty.yaml: the file is empty"),
        ("no-such-file.yaml", "no-such-file.yaml: file not found"),
    ],
)
def test_broken_spec_message(name: str, expected: str) -> None:
    with pytest.raises(SpecError) as caught:
        open_spec(str(BROKEN / name))
    message = str(caught.value)
    assert expected in message
    assert "\n" not in message


def test_yaml_error_carries_line_and_column() -> None:
    with pytest.raises(SpecError) as caught:
        open_spec(str(BROKEN / "bad-yaml.yaml"))
    assert (caught.value.line, caught.value.column) == (10, 10)


def test_a_folder_is_not_a_spec(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="is a folder, not a spec file"):
        open_spec(str(tmp_path))


def test_bad_ref_marks_only_the_operations_that_need_it() -> None:
    doc = open_spec(str(BROKEN / "bad-ref.yaml"))
    assert len(doc.operations) == 3
    good = doc.detail("GET /good")
    assert good.problems == []
    assert good.responses["200"]["content"]["application/json"]["schema"]["properties"] == {"name": {"type": "string"}}
    bad = doc.detail("POST /bad")
    assert len(bad.problems) == 1
    assert "cannot resolve $ref '#/components/schemas/Missing': no 'Missing' there" in bad.problems[0]
    assert bad.request_body is not None
    assert bad.request_body.schema["x-unresolved-ref"] == "#/components/schemas/Missing"
    bad_file = doc.detail("GET /bad-file")
    assert len(bad_file.problems) == 1
    assert "no-such-file.yaml" in bad_file.problems[0] and "file not found" in bad_file.problems[0]
    assert bad_file.problems[0].endswith("[at /responses/200/content/application~1json/schema of this operation]")
    assert bad.problems[0].endswith("[at /requestBody/content/application~1json/schema of this operation]")
    # the draft request can still be built
    assert doc.build_request("POST /bad").method == "POST"


def test_100_level_circular_chain_is_marked_not_expanded_forever() -> None:
    doc = open_spec(str(FIXTURES / "circular-100.yaml"))
    detail = doc.detail("POST /nodes")
    assert detail.problems == []
    assert detail.request_body is not None
    node = detail.request_body.schema
    for _ in range(100):
        node = node["properties"]["next"]
    assert node == {"x-circular-ref": "#/components/schemas/Node0"}
    example = detail.request_body.example
    depth = 0
    while isinstance(example, dict) and "next" in example:
        example = example["next"]
        depth += 1
    assert 1 <= depth <= 20  # required properties kept, depth limited


def test_yaml_quirks_keys_and_dates() -> None:
    doc = open_spec(str(FIXTURES / "yaml-quirks.yaml"))
    assert doc.api_version == "2024-12-01"  # an unquoted date stays the text it was
    detail = doc.detail("GET /events/{id}#one")
    assert set(detail.responses) == {"200", "on"}  # 200 and on as written, not int / True
    params = {p.name: p for p in detail.parameters}
    assert params["since"].example == "2024-12-01"
    assert params["quoted"].example == "2024-12-02"
    request = doc.build_request("GET /events/{id}#one")
    assert request.url == "https://eu.example.com/v2/events/3fa85f64-5717-4562-b3fc-2c963f66afa6"
    assert request.query == [("since", "2024-12-01"), ("quoted", "2024-12-02")]
    message = doc.build_request("POST /v1/messages?beta=true")
    assert message.url == "https://eu.example.com/v2/v1/messages"
    assert message.query == [("beta", "true")]


@pytest.fixture
def spec_server(specs_dir: Path) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 serving the shared specs folder."""
    handler = partial(_QuietHandler, directory=str(specs_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def test_multi_file_spec_over_http(spec_server: str) -> None:
    doc = open_spec(f"{spec_server}/oai-v2-petstore-separate/spec/swagger.yaml")
    assert len(doc.operations) == 4
    detail = doc.detail("POST /pets")
    assert detail.problems == []
    assert detail.request_body is not None
    assert detail.request_body.example == {"description": 0, "id": 0, "name": "string", "tag": "string"}
    assert detail.responses["default"]["schema"]["required"] == ["code", "message"]


def test_url_errors(spec_server: str) -> None:
    with pytest.raises(SpecError, match="server answered 404"):
        open_spec(f"{spec_server}/nope.yaml")
    with pytest.raises(SpecError, match=r"cannot fetch: connection refused by 127.0.0.1:9 \(is the server running"):
        open_spec("http://127.0.0.1:9/openapi.yaml")
    plain_http = spec_server.replace("http://", "https://")
    with pytest.raises(SpecError, match=r"cannot fetch: TLS failed with 127.0.0.1:\d+: .*\(check the URL \(http or https\?\)"):
        open_spec(f"{plain_http}/oai-v3.0-petstore.yaml")


def test_relative_servers_are_resolved_against_the_spec_url(tmp_path: Path, spec_server: str) -> None:
    doc = open_spec(f"{spec_server}/oai-v3.0-link-example.yaml")
    assert doc.servers == [] or all("://" in s.url for s in doc.servers)


def test_absolute_url_ref_from_a_local_file(tmp_path: Path, spec_server: str) -> None:
    spec = tmp_path / "local.yaml"
    spec.write_text(
        "openapi: 3.0.3\n"
        "info: {title: url refs, version: '1'}\n"
        "paths:\n"
        "  /pets:\n"
        "    post:\n"
        "      requestBody:\n"
        "        content:\n"
        "          application/json:\n"
        f"            schema: {{$ref: '{spec_server}/oai-v2-petstore-separate/spec/NewPet.yaml'}}\n"
        "      responses:\n"
        "        '200': {description: ok}\n"
    )
    doc = open_spec(str(spec))
    detail = doc.detail("POST /pets")
    assert detail.problems == []
    assert detail.request_body is not None
    assert detail.request_body.example == {"description": 0, "id": 0, "name": "string", "tag": "string"}


def test_binary_file_is_named_as_binary_in_one_line(tmp_path: Path) -> None:
    blob = tmp_path / "spec.yaml"
    blob.write_bytes(bytes(range(256)) * 8)  # starts with NUL, mostly not UTF-8
    with pytest.raises(SpecError) as caught:
        open_spec(str(blob))
    message = str(caught.value)
    assert "spec.yaml: this is a binary file, not an OpenAPI or Swagger spec" in message
    assert "\n" not in message and "<byte string>" not in message


def test_text_in_another_encoding_points_at_the_byte(tmp_path: Path) -> None:
    spec = tmp_path / "latin1.yaml"
    spec.write_bytes("openapi: 3.0.0\ninfo: {title: caf\xe9, version: '1'}\npaths: {}\n".encode("latin-1"))
    with pytest.raises(SpecError) as caught:
        open_spec(str(spec))
    assert "latin1.yaml:2:18: not UTF-8 text (byte 0xe9)" in str(caught.value)
    assert "save the file as UTF-8" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_tab_indentation_is_named() -> None:
    with pytest.raises(SpecError) as caught:
        open_spec(str(BROKEN / "tab-indent.yaml"))
    assert "tab-indent.yaml:3:1: invalid YAML" in str(caught.value)
    assert "YAML does not allow tabs for indentation" in str(caught.value)


def test_a_path_written_twice_is_a_warning_not_a_silent_loss() -> None:
    """YAML keeps the last of two equal keys: the first /pets's GET is gone, so say so (with the
    line), and do not count a `<<` merge that an own key overrides as a duplicate."""
    doc = open_spec(str(BROKEN / "duplicate-path.yaml"))
    assert [op.key for op in doc.operations] == ["POST /pets"]
    duplicates = [w for w in doc.warnings if "written twice" in w]
    assert len(duplicates) == 1
    assert "duplicate-path.yaml:12: key '/pets' is written twice" in duplicates[0]
    # the warning survives a warm (cached) open
    from tui_api.core.spec import cache

    cache.flush()
    again = open_spec(str(BROKEN / "duplicate-path.yaml"))
    assert any("written twice" in w for w in again.warnings)


def test_a_loop_made_only_of_refs_is_a_problem_of_that_operation() -> None:
    """P0 -> P1 -> P2 -> P0 is no parameter at all: it used to vanish without a word. A recursive
    type reached through an alias (TreeAlias -> Tree -> children -> TreeAlias) is fine."""
    doc = open_spec(str(BROKEN / "ref-loop.yaml"))
    detail = doc.detail("POST /loop")
    assert [p.name for p in detail.parameters] == ["fine"]
    assert any("$ref '#/components/parameters/P0' is a loop of $refs that never reaches a definition" in p
               and "[at /parameters/0 of this operation]" in p for p in detail.problems)
    assert any("'#/components/schemas/S0' is a loop of $refs" in p for p in detail.problems)
    assert doc.detail("GET /fine").problems == []
    assert doc.build_request("POST /loop").query == [("fine", "ok")]


def test_draft_requests_resolve_only_as_deep_as_examples_go(tmp_path: Path) -> None:
    """A 200-schema chain (S0.next -> S1 ... -> S199): the draft (what `import openapi` builds for
    every operation) stops following refs at DRAFT_REF_DEPTH, with the same example body as the
    fully resolved detail; the detail itself still goes 128 deep."""
    from tui_api.core.spec.detail import DRAFT_REF_DEPTH
    from tui_api.core.spec.request import build_request

    lines = ["openapi: 3.0.3", "info: {title: chain, version: '1'}", "paths:", "  /s:", "    post:",
             "      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/S0'}}}}",
             "      responses: {'200': {description: ok}}", "components:", "  schemas:"]
    for i in range(200):
        lines.append(f"    S{i}: {{type: object, required: [next], properties: {{n: {{type: integer, example: {i}}},"
                     f" next: {{$ref: '#/components/schemas/S{i + 1}'}}}}}}")
    lines.append("    S200: {type: string}")
    spec = tmp_path / "chain.yaml"
    spec.write_text("\n".join(lines) + "\n")
    doc = open_spec(str(spec))
    draft = doc.request_detail("POST /s")
    assert draft.request_body is not None
    node = draft.request_body.schema
    for _ in range(DRAFT_REF_DEPTH - 1):
        node = node["properties"]["next"]
    assert node["properties"]["next"] == {"x-ref": f"#/components/schemas/S{DRAFT_REF_DEPTH}", "x-collapsed": True}
    full = doc.detail("POST /s")
    deep = full.request_body.schema if full.request_body else {}
    for _ in range(100):
        deep = deep["properties"]["next"]
    assert deep["properties"]["n"] == {"type": "integer", "example": 100}
    body = doc.build_request("POST /s").body
    assert body is not None and body == build_request(full).body
    assert body.value["n"] == 0 and body.value["next"]["n"] == 1


def test_values_of_the_wrong_type_do_not_crash_drafts_or_imports() -> None:
    """Found by mutating real specs node by node: each of these raised TypeError (an 'unexpected
    error' in the CLI) from a draft request, the security options or the import."""
    from tui_api.core.spec.to_collection import spec_to_collection

    doc = open_spec(str(BROKEN / "wrong-types.yaml"))
    op = "POST /things"
    assert doc.security_options(op) == [[("key", {"type": "apiKey", "in": "header", "name": "X-Key"}, [])]]
    request = doc.build_request(op)
    assert request.query == [("ids", "0")]
    assert request.body is not None and request.body.value == {"name": "string", "both": {"x": 0}}
    assert doc.body_choices(op) == []
    assert spec_to_collection(doc).count == 1


def test_paths_of_the_wrong_type_is_a_warning(tmp_path: Path) -> None:
    spec = tmp_path / "paths-int.json"
    spec.write_text('{"openapi": "3.0.0", "info": {"title": "x", "version": "1"}, "paths": 1}')
    doc = open_spec(str(spec))
    assert doc.operations == [] and "'paths' is not a mapping; no operations could be read from it" in doc.warnings


@pytest.mark.parametrize("page", [
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN">\n<html>',
    b"<!-- served by nginx -->\n<!DOCTYPE html>\n<html lang='en'><body>Swagger UI</body></html>",
    b"\n\n   <HTML><HEAD><TITLE>Login</TITLE></HEAD></HTML>",
])
def test_html_pages_behind_a_prolog_or_comment_are_named(tmp_path: Path, page: bytes) -> None:
    spec = tmp_path / "docs"
    spec.write_bytes(page)
    with pytest.raises(SpecError, match="this is an HTML page, not an OpenAPI or Swagger spec"):
        open_spec(str(spec))


def test_an_endless_download_is_cut_off_with_one_line() -> None:
    """A URL that streams forever (a misconfigured endpoint, /dev/urandom behind a proxy) must not
    fill the memory: the download stops at a limit (lowered here to keep the test small)."""
    from http.server import BaseHTTPRequestHandler

    from tui_api.core.spec import loader

    class Endless(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            try:
                while True:
                    self.wfile.write(b"x" * 65536)
            except OSError:
                pass

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Endless)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(SpecError) as caught:
            loader._fetch(f"http://127.0.0.1:{server.server_address[1]}/spec.json", timeout=30, max_bytes=2 * 1024 * 1024)
        assert "the download passed 2 MB, far more than any spec" in str(caught.value)
    finally:
        server.shutdown()
        server.server_close()


def test_a_device_that_never_ends_is_cut_off() -> None:
    from tui_api.core.spec import loader

    with pytest.raises(SpecError, match="more than 1 MB and still going: not a spec file"):
        loader._read_file("/dev/zero", max_bytes=1024 * 1024)


@pytest.mark.timeout(60)
def test_a_fifo_nobody_writes_to_does_not_block(tmp_path: Path) -> None:
    fifo = tmp_path / "spec.yaml"
    os.mkfifo(fifo)
    with pytest.raises(SpecError, match="spec.yaml: the file is empty"):
        open_spec(str(fifo))


def test_a_pipe_with_a_spec_in_it_opens(tmp_path: Path, specs_dir: Path) -> None:
    """`tui-api spec <(curl -s URL)` hands us /dev/fd/N, a pipe."""
    read_end, write_end = os.pipe()
    data = (specs_dir / "oai-v3.0-petstore.yaml").read_bytes()
    writer = threading.Thread(target=lambda: (os.write(write_end, data), os.close(write_end)))
    writer.start()
    try:
        doc = open_spec(f"/dev/fd/{read_end}")
    finally:
        writer.join()
        os.close(read_end)
    assert len(doc.operations) == 3


def test_two_yaml_documents_in_one_file(tmp_path: Path) -> None:
    spec = tmp_path / "two.yaml"
    spec.write_text("openapi: 3.0.0\ninfo: {title: x, version: '1'}\npaths: {}\n---\nopenapi: 3.0.0\n")
    with pytest.raises(SpecError) as caught:
        open_spec(str(spec))
    assert "two.yaml:4:1: invalid YAML: a second YAML document starts here ('---'); a spec is one document" \
        in str(caught.value)
