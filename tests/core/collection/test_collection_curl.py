"""cURL import on a corpus of browser "Copy as cURL" lines and hand-written commands."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tui_api.cli.main import main
from tui_api.core.collection.curl import import_curl, looks_like_curl, parse_curl
from tui_api.core.collection.curl_tokens import split_command
from tui_api.core.collection.model import Body, MultipartPart
from tui_api.core.collection.variables import VariableContext
from tui_api.core.collection.yaml_format import load_collection
from tui_api.core.errors import UsageError
from tui_api.core.http.prepare import prepare_request

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "curl"


def corpus(name: str) -> str:
    return (CORPUS / name).read_text()


def test_chrome_get_with_cookies_and_bearer() -> None:
    result = import_curl(corpus("chrome_get.txt"))
    request = result.request
    assert (request.method, request.url) == ("GET", "https://api.example.com/v1/pets")
    assert request.query == [("limit", "10"), ("tag", "dog"), ("tag", "cat")]
    assert request.header("sec-ch-ua") == '"Chromium";v="130", "Google Chrome";v="130", "Not?A_Brand";v="99"'
    assert request.header("authorization") == "Bearer {{authorization}}"
    assert request.header("cookie") == "{{cookie}}"
    assert result.secrets == {
        "authorization": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl",
        "cookie": "_ga=GA1.1.123456789.1700000000; session=abc123def456",
    }
    assert len(request.headers) == 15
    assert request.name == "GET /v1/pets"
    assert all("eyJhbGci" not in w and "abc123def456" not in w for w in result.warnings)


def test_chrome_json_body_in_ansi_c_quotes() -> None:
    request, warnings = parse_curl(corpus("chrome_post_json.txt"))
    assert request.method == "POST"
    assert request.body == Body("json", {"name": "Rex 'the dog'", "tags": ["good", "boy"],
                                         "note": "line one\nline two", "price": 12.5, "owner": None})
    assert request.header("content-type") is None  # implied by the json body
    assert warnings == []


def test_chrome_urlencoded_form() -> None:
    request, _ = parse_curl(corpus("chrome_form.txt"))
    assert request.body == Body("form", [("username", "alice@example.com"), ("remember", "on"),
                                         ("next", "/cart?item=42"), ("comment", "hello world")])
    assert request.header("content-type") is None


def test_chrome_raw_multipart_becomes_parts() -> None:
    request, warnings = parse_curl(corpus("chrome_multipart.txt"))
    assert request.body == Body("multipart", [
        MultipartPart("title", value="Beach day"),
        MultipartPart("photo", file="beach.jpg", content_type="image/jpeg"),
    ])
    assert request.header("content-type") is None
    assert any("beach.jpg" in w and "path on disk" in w for w in warnings)


@pytest.mark.parametrize("name", ["chrome_cmd.txt", "firefox_windows.txt"])
def test_windows_cmd_caret_quoting(name: str) -> None:
    request, _ = parse_curl(corpus(name))
    if name == "chrome_cmd.txt":
        assert request.url == "https://api.example.com/v1/orders"
        assert request.query == [("status", "open"), ("page", "2")]
        assert request.body == Body("json", {"petId": 7, "quantity": 2, "note": "50% off & free"})
    else:
        assert (request.method, request.url) == ("PUT", "https://api.example.com/v1/pets/3")
        assert request.body == Body("json", {"name": 'Tom "the cat"'})
        assert request.header("X-API-Key") == "{{x_api_key}}"


def test_firefox_one_line_post_and_transport_headers() -> None:
    request, warnings = parse_curl(corpus("firefox_post.txt"))
    assert request.method == "POST" and request.body.kind == "json"
    assert request.body.value["variables"] == {"first": 5}
    names = [k.lower() for k, _ in request.headers]
    assert "accept-encoding" not in names and "connection" not in names and "te" not in names
    assert any(w.startswith("dropped Accept-Encoding, Connection, TE") for w in warnings)


def test_firefox_compressed_splits_an_encoded_query() -> None:
    request, warnings = parse_curl(corpus("firefox_get_compressed.txt"))
    assert request.url == "https://docs.example.com/search"
    assert request.query == [("q", "café menu"), ("lang", "fr")]
    assert not any("--compressed" in w for w in warnings)


@pytest.mark.parametrize("url", [
    "https://s3.example.com/b/k?X-Amz-Signature=ab%2Fcd&X-Amz-Date=20260101T000000Z",
    "https://h/search?q=a+b",
    "https://h/x?flag",
])
def test_query_that_would_not_re_encode_the_same_stays_in_the_url(url: str) -> None:
    request, _ = parse_curl(f"curl '{url}'")
    assert request.url == url and request.query == []


def test_hand_written_options() -> None:
    result = import_curl(corpus("handwritten.txt"))
    request, warnings = result.request, result.warnings
    assert request.method == "PATCH" and request.url == "https://api.example.com/v1/users/{{user_id}}"
    assert request.body == Body("form", [("name", "Alice"), ("city", "New York")])
    assert request.header("User-Agent") == "my-script/1.0"
    assert request.options == {"follow_redirects": True, "verify": False, "timeout": 7.5}
    assert result.credentials == ("alice", "s3cret")
    assert request.header("authorization") is None and request.auth is None
    assert any("--kind basic --username alice" in w for w in warnings)
    assert not any("s3cret" in w for w in warnings)
    assert any(w.startswith("--proxy http://proxy.local:3128: not imported") for w in warnings)
    assert any(w.startswith("-o /tmp/out.json: not imported") for w in warnings)
    assert any(w.startswith("ignored -s, -S") for w in warnings)


def test_keep_mode_maps_user_to_basic_header() -> None:
    result = import_curl("curl -u alice:s3cret https://x.example/ -H 'Authorization-Extra: 1'", secrets="keep")
    assert result.request.header("Authorization") == "Basic YWxpY2U6czNjcmV0"
    assert result.secrets == {}


def test_multipart_files_and_form_string() -> None:
    request, warnings = parse_curl(corpus("multipart_files.txt"))
    assert request.body == Body("multipart", [
        MultipartPart("title", value="Holiday"),
        MultipartPart("photo", file="./photos/beach.png", content_type="image/png"),
        MultipartPart("meta", file="./meta.json", content_type="text/plain"),
        MultipartPart("raw", value="@not-a-file"),
    ])
    assert any("meta=<./meta.json" in w for w in warnings)


def test_get_moves_data_into_query_and_head() -> None:
    request, _ = parse_curl(corpus("get_with_data.txt"))
    assert request.method == "HEAD" and request.body is None
    assert request.query == [("q", "café & bar"), ("page", "2")]


@pytest.mark.parametrize(
    ("command", "method", "body"),
    [
        ("curl -XPOST https://h/x", "POST", None),
        ("curl https://h/x --json '{\"a\": [1, 2]}'", "POST", Body("json", {"a": [1, 2]})),
        ("curl https://h/x -d a=1 -d b=2", "POST", Body("form", [("a", "1"), ("b", "2")])),
        ("curl https://h/x --data-binary @payload.bin", "POST", Body("file", "payload.bin")),
        ("curl https://h/x --data-raw @literal", "POST", Body("text", "@literal")),
        ("curl -X DELETE https://h/x", "DELETE", None),
        ("curl https://h/x -H 'Content-Type: text/plain' -d 'hello there'", "POST", Body("text", "hello there")),
        ("curl -T file.txt https://h/x", "GET", None),
    ],
)
def test_method_and_body_forms(command: str, method: str, body: Body | None) -> None:
    request, _ = parse_curl(command)
    assert request.method == method
    assert request.body == body


def test_json_flag_adds_accept_header() -> None:
    request, _ = parse_curl("curl https://h/x --json '{}'")
    assert request.header("Accept") == "application/json"


def test_line_continuations_quotes_and_comments() -> None:
    assert split_command("curl \\\n  'a b' \\\n  \"c \\\"d\\\"\" $'e\\tf\\x41\\u00e9' g\\ h") == [
        "curl", "a b", 'c "d"', "e\tfAé", "g h"]
    assert split_command("$ curl x") == ["curl", "x"]
    assert split_command('curl ^"a b^" ^\n  -H ^"x: ^\\^"q^\\^"^"') == ["curl", "a b", "-H", 'x: "q"']
    request, _ = parse_curl("# copied from the docs\ncurl https://h/x")
    assert request.url == "https://h/x"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no cURL command given"),
        ("wget https://example.com", "this is not a cURL command (it starts with 'wget')"),
        ("GET /pets HTTP/1.1", "this is not a cURL command"),
        ("curl -H 'x: y'", "the cURL command has no URL"),
        ("curl 'https://h/x", "unterminated ' quote"),
        ("curl https://h/x -X", "the cURL option -X needs a value"),
    ],
)
def test_bad_input_is_one_clear_line(text: str, message: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_curl(text)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_looks_like_curl() -> None:
    assert looks_like_curl("curl https://x") and looks_like_curl("  /usr/bin/curl -s x") and looks_like_curl("curl.exe x")
    assert looks_like_curl("C:\\tools\\curl.exe x")
    assert not looks_like_curl("https://example.com/curl") and not looks_like_curl("curly braces")


def test_imported_request_really_sends(demo_server) -> None:
    command = f"curl '{demo_server.base_url}/pets' -H 'content-type: application/json' --data-raw $'{{\"name\":\"Pip\",\"tag\":\"bird\"}}'"
    request, _ = parse_curl(command)
    prepared = prepare_request(request, VariableContext())
    response = httpx.Client().send(prepared)
    assert response.status_code == 201 and response.json()["name"] == "Pip"


# --- the command ------------------------------------------------------------------------------------
def test_cli_prints_yaml_without_output(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["import", "curl", corpus("chrome_get.txt")])
    captured = capsys.readouterr()
    assert code == 0
    assert captured.out.startswith("- name: GET /v1/pets\n  method: GET\n  url: https://api.example.com/v1/pets\n")
    assert "authorization: Bearer {{authorization}}" in captured.out
    assert "eyJhbGci" not in captured.out + captured.err and "abc123def456" not in captured.out + captured.err
    assert "held a credential" in captured.err


def test_cli_creates_then_appends_to_a_collection(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "imported.yaml"
    assert main(["import", "curl", corpus("chrome_post_json.txt"), "-o", str(target), "--name", "create"]) == 0
    assert main(["import", "curl", corpus("chrome_post_json.txt"), "-o", str(target), "--name", "create"]) == 0
    assert main(["import", "curl", "curl https://h/x", "-o", str(target), "--folder", "misc"]) == 0
    collection = load_collection(target)
    assert [r.name for r in collection.requests()] == ["create", "create (2)", "GET /x"]
    assert collection.walk()[2][0] == ("misc",)
    assert "added request 'create (2)'" in capsys.readouterr().err


def test_cli_rejects_non_curl(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "curl", "wget https://example.com"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: this is not a cURL command") and err.count("\n") == 1


def test_url_query_option() -> None:
    request, _ = parse_curl("curl https://h/x?a=1 --url-query 'b=two words' --url-query '+c=3&d=4'")
    assert request.query == [("a", "1"), ("b", "two words"), ("c", "3"), ("d", "4")]


def test_cli_without_a_command_on_a_terminal_does_not_wait(monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    class Terminal:
        def isatty(self) -> bool:
            return True

        def read(self) -> str:  # pragma: no cover - reading would hang
            raise AssertionError("read from a terminal")

    monkeypatch.setattr("sys.stdin", Terminal())
    assert main(["import", "curl"]) == 2
    assert "no cURL command given" in capsys.readouterr().err


def test_cli_reads_a_piped_command(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("curl -X DELETE https://h/pets/1\n"))
    assert main(["import", "curl", "-"]) == 0
    assert capsys.readouterr().out.startswith("- name: DELETE /pets/1\n  method: DELETE\n")
