"""`tui-api spec` / `tui-api import openapi` on bad input, as a user meets it: exit code 2, one
line on stderr naming the file and what to do, nothing on stdout, no traceback unless --debug."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tui_api.cli.main import main

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "specs"


class _Pages(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path == "/docs":
            body, status, kind = b"<!DOCTYPE html><html><body>API docs</body></html>", 200, "text/html"
        else:
            body, status, kind = b"not here", 404, "text/plain"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _inputs(tmp: Path, site: str) -> dict[str, tuple[str, str]]:
    """name -> (spec argument, text the one line must contain)"""
    (tmp / "empty.yaml").write_bytes(b"")
    (tmp / "blob.bin").write_bytes(bytes(range(256)) * 4)
    (tmp / "bad.yaml").write_text("openapi: 3.0.0\ninfo: {title: x\npaths: {}\n")
    (tmp / "bad.json").write_text('{"openapi": "3.0.0",\n "info": {"title": "x",}\n}')
    (tmp / "list.json").write_text("[1, 2]")
    (tmp / "v4.yaml").write_text("openapi: 4.0.0\ninfo: {title: x, version: '1'}\npaths: {}\n")
    (tmp / "folder").mkdir()
    return {
        "missing": (str(tmp / "nope.yaml"), "nope.yaml: file not found"),
        "folder": (str(tmp / "folder"), "is a folder, not a spec file"),
        "empty": (str(tmp / "empty.yaml"), "empty.yaml: the file is empty"),
        "binary": (str(tmp / "blob.bin"), "blob.bin: this is a binary file"),
        "yaml": (str(tmp / "bad.yaml"), "bad.yaml:3:6: invalid YAML"),
        "json": (str(tmp / "bad.json"), "bad.json:2:23: invalid JSON: trailing comma"),
        "list": (str(tmp / "list.json"), "this is a list, not an OpenAPI or Swagger spec"),
        "v4": (str(tmp / "v4.yaml"), "unsupported OpenAPI version '4.0.0'"),
        "swagger12": (str(FIXTURES / "broken" / "swagger-1.2.json"), "Swagger 1.2"),
        "postman": (str(FIXTURES / "broken" / "postman.json"), "this is a Postman collection"),
        "no paths": (str(FIXTURES / "broken" / "missing-paths.yaml"), "the spec has no 'paths'"),
        "refused": ("http://127.0.0.1:1/spec.yaml", "http://127.0.0.1:1/spec.yaml: cannot fetch"),
        "404": (f"{site}/spec.yaml", "server answered 404"),
        "html": (f"{site}/docs", "this is an HTML page, not an OpenAPI or Swagger spec"),
        "url without scheme": ("petstore.example.com/v2/swagger.json",
                               "file not found (for a URL, write it with https:// or http:// in front)"),
    }


CASES = ["missing", "folder", "empty", "binary", "yaml", "json", "list", "v4", "swagger12", "postman", "no paths",
         "refused", "404", "html", "url without scheme"]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("command", ["spec", "import"])
def test_bad_input_is_one_line_and_exit_2(case: str, command: str, tmp_path: Path, site: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    spec, expected = _inputs(tmp_path, site)[case]
    argv = ["spec", spec, "--json"] if command == "spec" else ["import", "openapi", spec, "-o",
                                                                 str(tmp_path / "out.yaml")]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ") and expected in lines[0]
    assert "Traceback" not in err
    assert not (tmp_path / "out.yaml").exists()


def test_debug_shows_the_traceback(tmp_path: Path, site: str, capsys: pytest.CaptureFixture[str]) -> None:
    spec, _ = _inputs(tmp_path, site)["yaml"]
    assert main(["spec", spec, "--debug"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err and "SpecError" in err
