"""A real HTTP server on 127.0.0.1 that misbehaves on purpose, for resilience tests and benchmarks.

Routes (each hit is counted per full path, query included, so tests isolate themselves by path):

    /ok                          200 {"ok": true, "hits": N}
    /status/CODE                 always CODE
    /flaky/N/CODE                the first N hits answer CODE, then 200
    /drop/N                      the first N hits close the connection without answering, then 200
    /retry-after/N/SECONDS       the first N hits answer 429 with `Retry-After: SECONDS`, then 200
    /retry-after-date/N/SECONDS  the same with an HTTP-date Retry-After SECONDS from now
    /stall/SECONDS               waits SECONDS before answering (past the client's timeout)
    /truncate/DECLARED/SENT      Content-Length DECLARED, only SENT bytes, then closes
    /big/BYTES                   a JSON document of BYTES bytes, streamed in chunks
    /delay/MS                    answers 200 after MS milliseconds
    /echo                        the request's method, path, headers and body as JSON
    /item/ID                     {"id": ID, "name": "item ID"}; POST /item creates one

`FaultyServer(tls=context)` serves HTTPS (tests make a self-signed certificate).
`hits[path]`, `headers[path]` (one dict per hit: to check idempotency keys across retries) and
`events` (("start"|"end", path, seq)) let tests assert on what the server saw, never on time.
"""

from __future__ import annotations

import email.utils
import json
import ssl
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet."""

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None,
              content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, value: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(value).encode(), headers)

    def _handle(self) -> None:
        owner = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = self.path
        hit = owner._record(path, dict(self.headers.items()))
        try:
            self._route(path, hit, body)
        finally:
            owner._event("end", path)

    def _route(self, path: str, hit: int, body: bytes) -> None:
        parts = [p for p in path.split("?", 1)[0].split("/") if p]
        head = parts[0] if parts else ""
        stop = self.server.owner.stopping
        if head == "ok":
            self._json(200, {"ok": True, "hits": hit, "items": [{"id": 1}, {"id": 2}]})
        elif head == "status" and len(parts) == 2:
            self._json(int(parts[1]), {"code": int(parts[1])})
        elif head == "flaky" and len(parts) == 3:
            if hit <= int(parts[1]):
                self._json(int(parts[2]), {"code": int(parts[2]), "hit": hit})
            else:
                self._json(200, {"ok": True, "hit": hit})
        elif head == "drop" and len(parts) == 2:
            if hit <= int(parts[1]):
                self.close_connection = True
                return  # the socket closes with no answer
            self._json(200, {"ok": True, "hit": hit})
        elif head in ("retry-after", "retry-after-date") and len(parts) == 3:
            if hit <= int(parts[1]):
                seconds = float(parts[2])
                value = (f"{seconds:g}" if head == "retry-after"
                         else email.utils.formatdate(time.time() + seconds, usegmt=True))
                self._json(429, {"code": 429}, {"Retry-After": value})
            else:
                self._json(200, {"ok": True, "hit": hit})
        elif head == "stall" and len(parts) == 2:
            stop.wait(float(parts[1]))
            try:
                self._json(200, {"ok": True, "stalled": True})
            except OSError:
                pass
        elif head == "truncate" and len(parts) == 3:
            declared, sent = int(parts[1]), int(parts[2])
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(declared))
            self.end_headers()
            self.wfile.write((b'{"data": "' + b"x" * declared)[:sent])
            self.wfile.flush()
            self.close_connection = True
        elif head == "big" and len(parts) == 2:
            size = int(parts[1])
            prefix, suffix = b'{"data": "', b'"}'
            filler = max(0, size - len(prefix) - len(suffix))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(prefix) + filler + len(suffix)))
            self.end_headers()
            self.wfile.write(prefix)
            chunk = b"x" * 65536
            left = filler
            while left > 0:
                self.wfile.write(chunk[: min(left, len(chunk))])
                left -= min(left, len(chunk))
            self.wfile.write(suffix)
        elif head == "delay" and len(parts) == 2:
            stop.wait(int(parts[1]) / 1000)
            self._json(200, {"ok": True, "path": path})
        elif head == "echo":
            self._json(200, {"method": self.command, "path": path, "headers": dict(self.headers.items()),
                             "body": body.decode("utf-8", "replace")})
        elif head == "item":
            if self.command == "POST":
                self._json(201, {"id": 100 + hit, "name": "created"})
            elif len(parts) == 2:
                self._json(200, {"id": parts[1], "name": f"item {parts[1]}"})
            else:
                self._json(404, {"code": 404})
        else:
            self._json(404, {"code": 404, "message": f"no route {path}"})

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: FaultyServer

    def handle_error(self, request: object, client_address: object) -> None:
        """Quiet: clients that time out or hang up mid-answer are what this server is for."""


class FaultyServer:
    """Context manager: `with FaultyServer() as srv: srv.url("/ok")`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, tls: ssl.SSLContext | None = None) -> None:
        self._httpd = _Server((host, port), _Handler)
        self._httpd.owner = self
        if tls is not None:  # HTTPS with the caller's (self-signed) certificate
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
        self.host, self.port = self._httpd.server_address[:2]
        self.base_url = f"{'https' if tls else 'http'}://{self.host}:{self.port}"
        self.lock = threading.Lock()
        self.hits: Counter[str] = Counter()
        self.headers: dict[str, list[dict[str, str]]] = {}
        self.events: list[tuple[str, str, int]] = []
        self.stopping = threading.Event()
        self._seq = 0
        self._thread: threading.Thread | None = None

    def url(self, path: str) -> str:
        return self.base_url + path

    def _record(self, path: str, headers: dict[str, str]) -> int:
        with self.lock:
            self.hits[path] += 1
            self.headers.setdefault(path, []).append(headers)
            self._seq += 1
            self.events.append(("start", path, self._seq))
            return self.hits[path]

    def _event(self, kind: str, path: str) -> None:
        with self.lock:
            self._seq += 1
            self.events.append((kind, path, self._seq))

    def seq(self, kind: str, path: str) -> list[int]:
        with self.lock:
            return [s for k, p, s in self.events if k == kind and p == path]

    def start(self) -> FaultyServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="faulty-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FaultyServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main() -> None:
    """`python tests/servers/faulty.py PORT`: serve until killed (benchmarks run it apart)."""
    import sys

    server = FaultyServer(port=int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    server.start()
    print(server.base_url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
