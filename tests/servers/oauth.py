"""A real OAuth 2.0 token endpoint and protected API on 127.0.0.1, for the auth tests.

    POST /token        client credentials grant; client auth by Basic header or form body;
                       issues "tok-N" valid for `expires_in` seconds; 401 invalid_client on a wrong
                       secret; counts fetches (`fetch_count`) and records each grant's form
    POST /api/...      the same, echoing the request body too
    POST /html-token   answers 200 text/html (a login page), as misconfigured endpoints do
    GET  /api/...      200 with a JSON echo if the Bearer token is one it issued and not revoked,
                       else 401 (`revoke_all()` simulates a server-side revocation)
    GET  /echo...      200 with a JSON echo of method, path, query, headers and cookies (no auth)
    GET  /digest       HTTP Digest (MD5, qop=auth) for user/password in `digest_users`
    GET  /redirect?to=URL   302 to URL

The clock is the server's own `time.time()` unless a test sets `clock`, so expiry can be driven
without sleeping.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets as pysecrets
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, parse_qsl, unquote, urlsplit


class OAuthServer:
    def __init__(self, clients: dict[str, str] | None = None, *, expires_in: int = 3600) -> None:
        self.clients = dict(clients or {"cli-id": "s3cret-client-value"})
        self.expires_in = expires_in
        self.clock: Callable[[], float] = time.time
        self.digest_users: dict[str, str] = {"dave": "digest-pw-123"}
        self.lock = threading.Lock()
        self.tokens: dict[str, float] = {}  # token -> expires_at
        self.grants: list[dict[str, str]] = []
        self.client_auth_seen: list[str] = []
        self.api_requests: list[dict] = []
        self.fetch_count = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------------
    def __enter__(self) -> OAuthServer:
        outer = self

        class Handler(_Handler):
            server_state = outer

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def token_url(self) -> str:
        return self.base_url + "/token"

    def revoke_all(self) -> None:
        with self.lock:
            self.tokens.clear()

    # -- logic used by the handler --------------------------------------------------------------
    def issue(self, client_id: str, form: dict[str, str]) -> dict:
        with self.lock:
            self.fetch_count += 1
            self.grants.append(dict(form, client_id=client_id))
            token = f"tok-{self.fetch_count}-{pysecrets.token_hex(4)}"
            self.tokens[token] = self.clock() + self.expires_in
        answer = {"access_token": token, "token_type": "Bearer", "expires_in": self.expires_in}
        if form.get("scope"):
            answer["scope"] = form["scope"]
        return answer

    def token_valid(self, token: str) -> bool:
        with self.lock:
            expires = self.tokens.get(token)
        return expires is not None and self.clock() < expires


class _Handler(BaseHTTPRequestHandler):
    server_state: OAuthServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def _send(self, status: int, payload: object, *, content_type: str = "application/json",
              headers: dict[str, str] | None = None) -> None:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _echo(self) -> dict:
        parts = urlsplit(self.path)
        cookies = {}
        for chunk in (self.headers.get("Cookie") or "").split(";"):
            if "=" in chunk:
                k, v = chunk.strip().split("=", 1)
                cookies[k] = v
        return {
            "method": self.command,
            "path": parts.path,
            "query": dict(parse_qsl(parts.query)),
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "cookies": cookies,
        }

    def do_POST(self) -> None:  # noqa: N802
        state = self.server_state
        path = urlsplit(self.path).path
        body = self._body()
        if path.startswith("/api"):
            self._api(body)
            return
        if path == "/html-token":
            self._send(200, b"<html><body>Please log in</body></html>", content_type="text/html")
            return
        if path != "/token":
            self._send(404, {"error": "not found"})
            return
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        client_id = client_secret = None
        header = self.headers.get("Authorization", "")
        if header.startswith("Basic "):
            raw = base64.b64decode(header[6:]).decode()
            cid, _, secret = raw.partition(":")
            client_id, client_secret = unquote(cid), unquote(secret)
            state.client_auth_seen.append("basic")
        elif "client_id" in form:
            client_id, client_secret = form.pop("client_id"), form.pop("client_secret", None)
            state.client_auth_seen.append("body")
        if form.get("grant_type") != "client_credentials":
            self._send(400, {"error": "unsupported_grant_type"})
            return
        if client_id is None or state.clients.get(client_id) != client_secret:
            self._send(401, {"error": "invalid_client", "error_description": "client authentication failed"},
                       headers={"WWW-Authenticate": 'Basic realm="token"'})
            return
        self._send(200, state.issue(client_id, form))

    def do_GET(self) -> None:  # noqa: N802
        state = self.server_state
        parts = urlsplit(self.path)
        if parts.path.startswith("/api"):
            self._api(b"")
        elif parts.path.startswith("/echo"):
            self._send(200, self._echo())
        elif parts.path == "/redirect":
            target = dict(parse_qsl(parts.query)).get("to", "/echo")
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif parts.path == "/digest":
            self._digest()
        else:
            self._send(404, {"error": "not found"})

    def _api(self, body: bytes) -> None:
        state = self.server_state
        header = self.headers.get("Authorization", "")
        token = header[7:] if header.startswith("Bearer ") else ""
        with state.lock:
            state.api_requests.append({"token": token, "path": urlsplit(self.path).path, "body": body.decode()})
        if not token or not state.token_valid(token):
            self._send(401, {"error": "invalid_token"}, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
            return
        self._send(200, {**self._echo(), "body": body.decode()})

    def _digest(self) -> None:
        state = self.server_state
        realm, nonce = "tui-api-tests", "n0nce-" + "ab" * 8
        header = self.headers.get("Authorization", "")
        if header.startswith("Digest "):
            fields = {}
            for item in _split_digest(header[7:]):
                k, _, v = item.partition("=")
                fields[k.strip()] = v.strip().strip('"')
            user = fields.get("username", "")
            password = state.digest_users.get(user)
            if password is not None:
                ha1 = hashlib.md5(f"{user}:{realm}:{password}".encode()).hexdigest()
                ha2 = hashlib.md5(f"{self.command}:{fields.get('uri')}".encode()).hexdigest()
                expected = hashlib.md5(
                    f"{ha1}:{nonce}:{fields.get('nc')}:{fields.get('cnonce')}:{fields.get('qop')}:{ha2}".encode()
                ).hexdigest()
                if fields.get("response") == expected:
                    self._send(200, {"user": user, **self._echo()})
                    return
        self._send(401, {"error": "digest required"},
                   headers={"WWW-Authenticate": f'Digest realm="{realm}", nonce="{nonce}", qop="auth", algorithm=MD5'})


def _split_digest(value: str) -> list[str]:
    items, current, quoted = [], "", False
    for ch in value:
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            items.append(current)
            current = ""
        else:
            current += ch
    if current.strip():
        items.append(current)
    return items
