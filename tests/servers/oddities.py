"""A real HTTP server on 127.0.0.1 whose answers are odd rather than failing, for the runner's and
the TUI's bad-input tests:

    /redirect/N      302 to /redirect/N-1; /redirect/0 answers 200 "ok"
    /loop            302 to itself, forever
    /bad-location    302 with a Location that is not a URL
    /bad-gzip        200 with Content-Encoding: gzip and bytes that are not gzip
    /not-http        bytes that are not an HTTP response, then closes
    /no-content      204 with no body
    /bad-json        200 application/json whose body is not JSON
    /latin1          200 text/plain; charset=utf-8 whose bytes are Latin-1 (not UTF-8)
    /events          200 text/event-stream: an event every 0.2 s until the server stops

`python tests/servers/oddities.py [PORT]` serves it in the foreground (for trying the app in tmux).
"""

from __future__ import annotations

import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet."""

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if status != 204:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        path = self.path.split("?", 1)[0]
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
        elif path == "/no-content":
            self._send(204)
        elif path == "/bad-json":
            self._send(200, b'{"id": 1, "name": "Rex",,}', {"Content-Type": "application/json"})
        elif path == "/latin1":
            self._send(200, "Café crème, 5 €uros\n".encode("latin-1", "replace"),
                       {"Content-Type": "text/plain; charset=utf-8"})
        elif path == "/events":
            self._events()
        else:
            self._send(404, b"no such route", {"Content-Type": "text/plain"})

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        number = 0
        try:
            while not self.server.stopping.is_set():  # type: ignore[attr-defined]
                number += 1
                self.wfile.write(f"id: {number}\ndata: tick {number}\n\n".encode())
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            return


class OdditiesServer:
    def __init__(self, port: int = 0) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.stopping = threading.Event()  # type: ignore[attr-defined]
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.base_url + path

    def __enter__(self) -> OdditiesServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.stopping.set()  # type: ignore[attr-defined]
        self.httpd.shutdown()
        self.httpd.server_close()


if __name__ == "__main__":
    server = OdditiesServer(int(sys.argv[1]) if len(sys.argv) > 1 else 8766)
    print(server.base_url, flush=True)
    try:
        server.httpd.serve_forever()
    except KeyboardInterrupt:
        pass
