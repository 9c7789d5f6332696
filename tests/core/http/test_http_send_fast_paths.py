"""The shortcuts the send path takes for speed keep behaviour: cookies a server sets still
reach the cookie jar (it skips only responses without Set-Cookie), so they go out on later
requests and redirect hops, and the per-request total timeout still fires."""

from __future__ import annotations

import gzip
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from tui_api.core.http.send import make_client, send_exchange

BACKENDS = ["httpx", "aiohttp"]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/slow":
            threading.Event().wait(1.0)
        body = (self.headers.get("Cookie") or "-").encode()
        if self.path == "/gzip":
            body = gzip.compress(b'{"ok": true}')
        self.send_response(302 if self.path in ("/go", "/login-go") else 200)
        if self.path in ("/go", "/login-go"):
            self.send_header("Location", "/echo")
        if self.path == "/login":
            self.send_header("Set-Cookie", "session=abc; Path=/")
        if self.path == "/gzip":
            self.send_header("Content-Encoding", "gzip")
        if self.path == "/login-go":
            self.send_header("Set-Cookie", "hop=1; Path=/")
        self.send_header("Content-Length", str(len(body)))
        try:
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # /slow: the client gave up (total timeout)


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("backend", BACKENDS)
async def test_cookies_set_by_responses_go_out_on_later_redirect_hops(server, backend):
    async with make_client(backend=backend) as client:
        before = await send_exchange(client, httpx.Request("GET", server + "/go"))
        await send_exchange(client, httpx.Request("GET", server + "/login"))
        await send_exchange(client, httpx.Request("GET", server + "/echo"))  # no Set-Cookie: jar kept
        after = await send_exchange(client, httpx.Request("GET", server + "/go"))
        same_chain = await send_exchange(client, httpx.Request("GET", server + "/login-go"))
    assert before.status == 200 and before.body == b"-"
    assert after.status == 200 and after.body == b"session=abc"
    assert sorted(same_chain.body.decode().split("; ")) == ["hop=1", "session=abc"]


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_session_cookie_goes_out_on_later_requests_unless_the_request_sets_its_own(server, backend):
    async with make_client(backend=backend) as client:
        before = await send_exchange(client, httpx.Request("GET", server + "/echo"))
        await send_exchange(client, httpx.Request("GET", server + "/login"))
        after = await send_exchange(client, httpx.Request("GET", server + "/echo"))
        own = await send_exchange(client, httpx.Request("GET", server + "/echo", headers={"Cookie": "mine=1"}))
    assert before.body == b"-"
    assert after.body == b"session=abc"
    assert own.body == b"mine=1"


async def test_cookies_assigned_to_the_client_are_kept_with_new_ones(server):
    async with make_client(backend="httpx") as client:
        client.cookies = {"theme": "dark"}
        await send_exchange(client, httpx.Request("GET", server + "/login"))
        hop = await send_exchange(client, httpx.Request("GET", server + "/go"))
    assert sorted(hop.body.decode().split("; ")) == ["session=abc", "theme=dark"]
    assert {cookie.name for cookie in client.cookies.jar} == {"session", "theme"}


@pytest.mark.parametrize("backend", BACKENDS)
async def test_total_timeout_ends_a_slow_answer_with_a_timeout_error(server, backend):
    async with make_client(backend=backend) as client:
        exchange = await send_exchange(client, httpx.Request("GET", server + "/slow"), total_timeout=0.2)
    assert exchange.status is None or exchange.error  # the status line may not have come yet
    assert exchange.error_kind == "timeout"
    assert "total timeout" in (exchange.error or "")


@pytest.mark.parametrize("backend", BACKENDS)
async def test_bodies_are_decoded_by_content_encoding_and_kept_as_sent_without_one(server, backend):
    async with make_client(backend=backend) as client:
        zipped = await send_exchange(client, httpx.Request("GET", server + "/gzip"))
        plain = await send_exchange(client, httpx.Request("GET", server + "/echo"))
    assert zipped.body == b'{"ok": true}' and zipped.error is None
    assert plain.body == b"-" and plain.body_size == 1
