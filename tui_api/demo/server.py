"""The demo pet store: a real HTTP server on 127.0.0.1 for `tui-api demo`, the example
collections and the tests. Standard library only, so it starts in milliseconds and needs nothing
from the internet.

Auth on the demo: `X-API-Key: demo-key` for PUT/DELETE on a pet, `Authorization: Bearer demo-token`
for orders. These are demo values, not secrets.
"""

from __future__ import annotations

import json
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

DEMO_API_KEY = "demo-key"
DEMO_BEARER = "demo-token"


def spec_text() -> str:
    """The demo's OpenAPI 3.1 document as shipped in the package."""
    return resources.files("tui_api.demo").joinpath("openapi.yaml").read_text(encoding="utf-8")


class PetStore:
    """In-memory state, shared by the handler threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pets: dict[int, dict] = {
            1: {"id": 1, "name": "Rex", "tag": "dog"},
            2: {"id": 2, "name": "Tom", "tag": "cat"},
            3: {"id": 3, "name": "Nemo", "tag": "fish"},
        }
        self.next_id = 4
        self.orders: list[dict] = []


class DemoHandler(BaseHTTPRequestHandler):
    server: DemoServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; without TCP_NODELAY, Nagle's algorithm and the
    # client's delayed ACK add ~40 ms to every keep-alive response.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        """Quiet: the TUI owns the terminal."""

    # --- helpers -----------------------------------------------------------------------------
    def _send(self, status: int, body: bytes = b"", content_type: str = "application/json",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if status != 204:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if body and self.command != "HEAD" and status != 204:
            self.wfile.write(body)

    def _json(self, status: int, value: object, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(value, indent=None).encode(), headers=headers)

    def _error(self, status: int, message: str) -> None:
        self._json(status, {"code": status, "message": message})

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _json_body(self) -> dict | None:
        raw = self._body()
        try:
            value = json.loads(raw or b"null")
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    # --- routing -----------------------------------------------------------------------------
    def _route(self) -> None:
        parts = urlsplit(self.path)
        path = parts.path.rstrip("/") or "/"
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        segments = [s for s in path.split("/") if s]
        method = self.command
        store = self.server.store
        if path == "/openapi.yaml" and method == "GET":
            return self._send(200, self.server.spec.encode(), "application/yaml")
        if path == "/health":
            return self._json(200, {"status": "ok"})
        if path == "/pets":
            if method == "GET":
                with store.lock:
                    pets = list(store.pets.values())
                if "tag" in query:
                    pets = [p for p in pets if p.get("tag") == query["tag"]]
                try:
                    limit = int(query.get("limit", "20"))
                except ValueError:
                    return self._error(400, "limit must be an integer")
                return self._json(200, pets[:limit], {"X-Total-Count": str(len(pets))})
            if method == "POST":
                data = self._json_body()
                if not data or not isinstance(data.get("name"), str) or not data["name"]:
                    return self._error(422, "a pet needs a 'name' string")
                with store.lock:
                    pet = {"id": store.next_id, "name": data["name"]}
                    if "tag" in data:
                        pet["tag"] = data["tag"]
                    store.pets[store.next_id] = pet
                    store.next_id += 1
                return self._json(201, pet, {"Location": f"/pets/{pet['id']}"})
        if len(segments) == 2 and segments[0] == "pets":
            try:
                pet_id = int(segments[1])
            except ValueError:
                return self._error(400, "petId must be an integer")
            if method in ("PUT", "DELETE") and self.headers.get("X-API-Key") != DEMO_API_KEY:
                self._body()
                return self._error(401, "missing or wrong X-API-Key")
            with store.lock:
                pet = store.pets.get(pet_id)
                if pet is None:
                    self._body()
                    return self._error(404, f"no pet with id {pet_id}")
                if method == "GET":
                    return self._json(200, pet)
                if method == "DELETE":
                    del store.pets[pet_id]
                    return self._send(204)
                if method == "PUT":
                    data = self._json_body()
                    if not data or not isinstance(data.get("name"), str):
                        return self._error(422, "a pet needs a 'name' string")
                    pet.update({k: v for k, v in data.items() if k in ("name", "tag")})
                    return self._json(200, pet)
        if path == "/store/orders" and method == "POST":
            if self.headers.get("Authorization") != f"Bearer {DEMO_BEARER}":
                self._body()
                return self._error(401, "missing or wrong bearer token")
            data = self._json_body() or {}
            with store.lock:
                order = {"id": len(store.orders) + 1, "petId": data.get("petId"),
                         "quantity": data.get("quantity", 1), "status": "placed", "complete": False}
                store.orders.append(order)
            return self._json(201, order)
        if path == "/store/inventory" and method == "GET":
            with store.lock:
                counts: dict[str, int] = {}
                for pet in store.pets.values():
                    counts[pet.get("tag", "other")] = counts.get(pet.get("tag", "other"), 0) + 1
            return self._json(200, counts)
        if path == "/echo":
            raw = self._body()
            try:
                parsed = json.loads(raw) if raw else None
            except ValueError:
                parsed = None
            return self._json(200, {
                "method": method,
                "path": parts.path,
                "query": query,
                "headers": dict(self.headers.items()),
                "body": raw.decode("utf-8", "replace"),
                "json": parsed,
            })
        if len(segments) == 2 and segments[0] == "status":
            try:
                code = int(segments[1])
                phrase = HTTPStatus(code).phrase
            except ValueError:
                return self._error(400, "unknown status code")
            self._body()
            if code in (204, 304) or code < 200:
                return self._send(code)
            return self._json(code, {"code": code, "message": phrase})
        if path == "/delay":
            try:
                ms = min(int(query.get("ms", "1000")), 60_000)
            except ValueError:
                return self._error(400, "ms must be an integer")
            time.sleep(ms / 1000)
            return self._json(200, {"waited_ms": ms})
        if len(segments) == 2 and segments[0] == "formats":
            return self._format(segments[1], query)
        self._body()
        return self._error(404, f"no route for {method} {parts.path}")

    def _format(self, kind: str, query: dict[str, str]) -> None:
        if kind == "xml":
            body = b'<?xml version="1.0"?><pets><pet id="1"><name>Rex</name><tag>dog</tag></pet></pets>'
            return self._send(200, body, "application/xml")
        if kind == "html":
            return self._send(200, b"<!doctype html><html><head><title>Pets</title></head>"
                              b"<body><h1>Pets</h1><p>Rex the dog</p></body></html>", "text/html; charset=utf-8")
        if kind == "text":
            return self._send(200, b"Rex is a dog.\nTom is a cat.\n", "text/plain; charset=utf-8")
        if kind == "binary":
            return self._send(200, bytes(range(256)) * 16, "application/octet-stream")
        if kind == "large":
            size = min(int(query.get("bytes", str(5 * 1024 * 1024))), 200 * 1024 * 1024)
            row = b'{"id": 1, "name": "Rex", "tag": "dog", "padding": "' + b"x" * 60 + b'"},\n'
            count = max(1, size // len(row))
            body = b"[\n" + row * (count - 1) + row.rstrip(b",\n") + b"\n]\n"
            return self._send(200, body)
        return self._error(404, f"unknown format '{kind}'")

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._route()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET


class DemoServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__((host, port), DemoHandler)
        self.store = PetStore()
        self.spec = spec_text().replace("http://127.0.0.1:8000", self.base_url)
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> DemoServer:
        """Serve in a daemon thread; returns self so `DemoServer().start()` reads naturally."""
        self._thread = threading.Thread(target=self.serve_forever, name="tui-api-demo", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def write_spec(self, folder: Path) -> Path:
        """Write the spec with this server's real base URL, for opening it like any spec file."""
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "demo-openapi.yaml"
        path.write_text(self.spec, encoding="utf-8")
        return path

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
