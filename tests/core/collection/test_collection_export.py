"""Export to cURL and httpx: correct quoting, round trip through the cURL parser, no secrets."""

from __future__ import annotations

import json
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from tui_api.core.auth.profiles import AuthProfile
from tui_api.core.collection.curl import parse_curl
from tui_api.core.collection.curl_tokens import split_command
from tui_api.core.collection.model import Body, MultipartPart, Request
from tui_api.core.collection.variables import VariableContext
from tui_api.core.export import secret_env_var, shell_quote, to_curl, to_httpx

ROUND_TRIP = [
    Request(name="GET /pets", url="https://api.example.com/pets", query=[("limit", "10"), ("tag", "a b"), ("tag", "ü&=")]),
    Request(name="POST /pets", method="POST", url="{{base_url}}/pets",
            headers=[("Accept", "application/json"), ("X-Quote", "it's \"quoted\" $HOME `cmd`")],
            body=Body("json", {"name": "Rex 'the dog'", "tags": ["a", "b"], "note": "line\nbreak", "n": None, "ok": True})),
    Request(name="PUT /pets/{{pet_id}}", method="PUT", url="{{base_url}}/pets/{{pet_id}}",
            headers=[("X-API-Key", "{{demo_api_key}}")], body=Body("json", [1, 2.5, "x"])),
    Request(name="POST /login", method="POST", url="https://h.example/login",
            body=Body("form", [("user", "alice@example.com"), ("next", "/a?b=c&d"), ("empty", "")])),
    Request(name="POST /upload", method="POST", url="https://h.example/upload",
            body=Body("multipart", [MultipartPart("title", value="@not a file"), MultipartPart("photo", file="photos/a b.png", content_type="image/png"),
                                    MultipartPart("meta", value="{}", content_type="application/json")])),
    Request(name="PATCH /notes/1", method="PATCH", url="https://h.example/notes/1", body=Body("text", "plain 'text'\nwith lines")),
    Request(name="POST /blob", method="POST", url="https://h.example/blob",
            headers=[("Content-Type", "application/octet-stream")], body=Body("file", "payload.bin")),
    Request(name="DELETE /pets/1", method="DELETE", url="https://h.example/pets/1", headers=[("Authorization", "Bearer {{token}}")]),
    Request(name="HEAD /", method="HEAD", url="https://h.example/", options={"follow_redirects": True, "verify": False, "timeout": 2.5}),
    Request(name="GET /search", url="https://h.example/search", query=[("q", "{{term}}")], headers=[("X-Empty", "")]),
]


@pytest.mark.parametrize("request_", ROUND_TRIP, ids=lambda r: r.name)
def test_curl_export_parses_back_to_the_same_request(request_: Request) -> None:
    command = to_curl(request_)
    parsed, warnings = parse_curl(command)
    assert parsed == request_, command
    assert warnings == []


def test_curl_layout_and_quoting() -> None:
    command = to_curl(ROUND_TRIP[1])
    assert command.splitlines()[0] == "curl '{{base_url}}/pets' \\"
    assert "  -H 'X-Quote: it'\\''s \"quoted\" $HOME `cmd`' \\" in command
    assert command.endswith("--data-raw '{\"name\":\"Rex '\\''the dog'\\''\",\"tags\":[\"a\",\"b\"],\"note\":\"line\\nbreak\",\"n\":null,\"ok\":true}'\n")
    assert shell_quote("simple/path-1.0") == "simple/path-1.0" and shell_quote("") == "''"


def test_curl_export_is_real_shell_syntax(tmp_path: Path) -> None:
    """bash itself splits the command into the words the parser expects."""
    command = to_curl(ROUND_TRIP[1])
    script = tmp_path / "args.sh"
    script.write_text("curl() { for a in \"$@\"; do printf '%s\\0' \"$a\"; done; }\n" + command)
    out = subprocess.run(["bash", str(script)], capture_output=True, check=True).stdout.decode()
    assert out.split("\0")[:-1] == split_command(command)[1:]


def test_variables_resolved_but_credentials_stay_references() -> None:
    context = VariableContext(collection_vars={"base_url": "http://127.0.0.1:8000", "pet_id": "7",
                                               "demo_api_key": "super-secret-key", "token": "tok-123456"})
    command = to_curl(ROUND_TRIP[2], context)
    assert "curl -X PUT http://127.0.0.1:8000/pets/7" in command
    assert "X-API-Key: {{demo_api_key}}" in command and "super-secret-key" not in command
    env_command = to_curl(ROUND_TRIP[7], context, auth_style="env")
    assert "-H \"Authorization: Bearer ${TOKEN}\"" in env_command and "tok-123456" not in env_command


def test_literal_credentials_become_references() -> None:
    request = Request(method="GET", url="https://h/x?api_key=abc", headers=[("Authorization", "Bearer abc.def.ghi"),
                                                                            ("Cookie", "sid=xyz123")],
                      query=[("api_key", "k-999999")])
    command = to_curl(request)
    assert "abc.def.ghi" not in command and "xyz123" not in command and "k-999999" not in command
    assert "Authorization: Bearer {{authorization}}" in command and "Cookie: {{cookie}}" in command
    assert "api_key={{api_key}}" in command


def test_auth_profiles_are_exported_as_env_references() -> None:
    request = Request(method="GET", url="https://h/x")
    bearer = AuthProfile("prod", "bearer")
    command = to_curl(request, auth=bearer, auth_style="env")
    assert command.startswith("# auth: profile 'prod' (bearer)\n")
    assert f'-H "Authorization: Bearer ${{{secret_env_var("prod", "token")}}}"' in command
    basic = AuthProfile("ci", "basic", {"username": "robot"})
    assert f"-u \"robot:${{{secret_env_var('ci', 'password')}}}\"" in to_curl(request, auth=basic, auth_style="env")
    key = AuthProfile("k", "apikey", {"in": "query", "name": "key"})
    assert "{{$env." + secret_env_var("k", "key") + "}}" in to_curl(request, auth=key)
    assert "actual-secret" not in to_curl(Request(url="https://h/x", body=Body("text", "pw=actual-secret")),
                                          secret_values=["actual-secret"])


def test_httpx_snippet_compiles_and_sends(demo_server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    request = Request(method="PUT", url="{{base_url}}/pets/1", headers=[("Accept", "application/json")],
                      body=Body("json", {"name": "Renamed 'Rex'", "tag": None}), options={"timeout": 5})
    key = AuthProfile("demo", "apikey", {"in": "header", "name": "X-API-Key"})
    snippet = to_httpx(request, VariableContext(collection_vars={"base_url": demo_server.base_url}), auth=key)
    assert "demo-key" not in snippet
    assert f"'X-API-Key': f\"{{os.environ['{secret_env_var('demo', 'key')}']}}\"" in snippet
    path = tmp_path / "snippet.py"
    path.write_text(snippet)
    monkeypatch.setenv(secret_env_var("demo", "key"), "demo-key")
    runpy.run_path(str(path))
    assert capsys.readouterr().out.startswith("200 OK\n")
    assert demo_server.store.pets[1]["name"] == "Renamed 'Rex'"


def test_httpx_snippet_forms() -> None:
    snippet = to_httpx(ROUND_TRIP[4])
    compile(snippet, "snippet.py", "exec")
    assert "files=[('photo', ('a b.png', open('photos/a b.png', 'rb'), 'image/png'))]" in snippet
    assert "data={'title': '@not a file', 'meta': '{}'}" in snippet
    snippet = to_httpx(ROUND_TRIP[0])
    assert "params=[('limit', '10'), ('tag', 'a b'), ('tag', 'ü&=')]" in snippet
    assert "import os" not in snippet
    assert "follow_redirects=True" in to_httpx(ROUND_TRIP[8]) and "verify=False" in to_httpx(ROUND_TRIP[8])
    text = to_httpx(ROUND_TRIP[7])
    compile(text, "t.py", "exec")
    assert "os.environ['TOKEN']" in text


def test_httpx_snippet_runs_in_a_clean_interpreter(tmp_path: Path) -> None:
    """The import lines are right: a fresh Python can run it up to the network call."""
    snippet = to_httpx(Request(method="POST", url="http://127.0.0.1:9/x", body=Body("form", [("a", "1")]),
                               headers=[("Authorization", "Bearer {{tok}}")]))
    path = tmp_path / "s.py"
    path.write_text(snippet)
    env = dict(os.environ, TOK="t")
    result = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, env=env)
    assert "ConnectError" in result.stderr or "ConnectionRefused" in result.stderr, result.stderr


def test_secret_looking_variables_stay_references_when_resolving() -> None:
    context = VariableContext(collection_vars={"base_url": "http://h", "db_password": "pw-0123456", "user": "al"})
    request = Request(method="POST", url="{{base_url}}/login",
                      body=Body("json", {"user": "{{user}}", "password": "{{db_password}}"}))
    command = to_curl(request, context)
    assert "pw-0123456" not in command and '"password":"{{db_password}}"' in command and '"user":"al"' in command
    snippet = to_httpx(request, context)
    assert "pw-0123456" not in snippet and "os.environ['DB_PASSWORD']" in snippet


def test_env_style_command_expands_secrets_in_bash(tmp_path: Path) -> None:
    request = Request(method="POST", url="https://h/login", headers=[("Authorization", "Bearer {{token}}")],
                      body=Body("json", {"user": "al", "password": "{{db_password}}", "note": "$HOME `x` \\ \"q\""}))
    command = to_curl(request, auth_style="env")
    script = tmp_path / "args.sh"
    script.write_text("curl() { for a in \"$@\"; do printf '%s\\0' \"$a\"; done; }\n" + command)
    env = {"PATH": os.environ["PATH"], "TOKEN": "t-1", "DB_PASSWORD": "p-2", "HOME": "/nowhere"}
    words = subprocess.run(["bash", str(script)], capture_output=True, check=True, env=env).stdout.decode().split("\0")
    assert "Authorization: Bearer t-1" in words
    body = words[words.index("--data-raw") + 1]
    assert json.loads(body) == {"user": "al", "password": "p-2", "note": "$HOME `x` \\ \"q\""}
