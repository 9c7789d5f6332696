"""A real HTTP server on 127.0.0.1 whose answers are odd rather than failing:

    /redirect/N      302 to /redirect/N-1; /redirect/0 answers 200 "ok"
    /loop            302 to itself, forever
    /bad-location    302 with a Location that is not a URL
    /bad-gzip        200 with Content-Encoding: gzip and bytes that are not gzip
    /not-http        bytes that are not an HTTP response, then closes
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet."""

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        path = self.path
        if path.startswith("/redirect/"):
            left = int(path.rsplit("/", 1)[1])
            if left <= 0:
                self._send(200, b"ok", {"Content-Type": "text/plain"})
            else:
                self._send(302, headers={"Location": f"/redirect/{left - 1}"})
        elif path == "/bad-location":
            self._send(302, headers={"Location": "http://[::1"})
        elif path == "/loop":
            self._send(302, headers={"Location": "/loop"})
        elif path == "/bad-gzip":
            self._send(200, b"this is not gzip", {"Content-Encoding": "gzip", "Content-Type": "application/json"})
        elif path == "/not-http":
            self.wfile.write(b"NOT HTTP AT ALL\r\n\r\n")
            self.close_connection = True
        else:
            self._send(404)


class OdditiesServer:
    def __init__(self) -> None:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.base_url + path

    def __enter__(self) -> OdditiesServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
