"""The parsed-spec cache, keyed by the content hash of the spec's bytes, in the user's cache dir.

Two entries per spec, because a warm open only needs the first:
- `<hash>-<source hash>.index` — the operation index, servers, security schemes and warnings
  as read from that source (see `index_key`) (tiny: loads in
  a few milliseconds even for 1,000+ operations);
- `<hash>.doc` — the parsed document, only for YAML sources: re-parsing YAML costs seconds,
  while orjson re-parses JSON about as fast as unpickling it.

A corrupt or foreign cache entry is ignored (and rewritten), never an error.
"""

from __future__ import annotations

import atexit
import hashlib
import pickle
import queue
import threading
from pathlib import Path
from typing import Any

from tui_api.core import paths
from tui_api.core.fileio import write_atomic

CACHE_FORMAT = 5  # bump when SpecIndex or the model changes shape


def content_hash(data: bytes) -> str:
    """SHA-256: hardware-accelerated on current CPUs, about twice as fast as BLAKE2 here."""
    return hashlib.sha256(data).hexdigest()


def index_key(digest: str, source: str) -> str:
    """The index entry of one content *as opened from one source*: its warnings name the file, and
    relative servers (and Swagger's missing host) are resolved against the URL it came from, so
    the same spec served by dev and staging must not share one."""
    return f"{digest}-{hashlib.sha256(source.encode('utf-8', 'surrogatepass')).hexdigest()[:16]}"


def source_key(name: str) -> str:
    """Where the last seen (size, mtime, inode) -> content hash of one spec file is kept."""
    return "src-" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _folder() -> Path:
    return paths.cache_dir() / "specs"


def _path(digest: str, kind: str) -> Path:
    return _folder() / f"{digest}.{kind}"


def load(digest: str, kind: str) -> Any | None:
    try:
        raw = _path(digest, kind).read_bytes()
    except OSError:
        return None
    try:
        stamp, value = pickle.loads(raw)  # noqa: S301 - our own cache files in the user's cache dir
    except Exception:  # noqa: BLE001 - any unreadable entry is just a cache miss
        return None
    return value if stamp == CACHE_FORMAT else None


def store(digest: str, kind: str, value: Any, *, target: Path | None = None) -> None:
    """Best effort: a full disk or a read-only cache dir must never stop a spec from opening."""
    try:
        payload = value if isinstance(value, bytes) else dumps(value)
        write_atomic(target or _path(digest, kind), payload)
    except (OSError, pickle.PicklingError, RecursionError):
        pass


def dumps(value: Any) -> bytes:
    """Pickle now (for values the caller may change later), write later with `store_later`."""
    return pickle.dumps((CACHE_FORMAT, value), protocol=pickle.HIGHEST_PROTOCOL)


class _Writer:
    """One background thread writing cache entries from a queue, off the path of a cold open
    (writing and fsyncing cost as much as the rest of opening 4 MB of JSON). One long-lived
    thread rather than a thread per open: starting a thread costs a GIL hand-off (milliseconds)
    on every open. A daemon thread, drained by an atexit hook, so `tui-api spec` still leaves its
    cache behind and nothing hangs at exit."""

    def __init__(self) -> None:
        self._queue: queue.Queue[list[tuple[str, str, Any, Path]]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, entries: list[tuple[str, str, Any]]) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="tui-api-spec-cache", daemon=True)
                self._thread.start()
                atexit.register(self.flush)
        # Where to write is decided now, in the caller's environment (the cache dir may move).
        self._queue.put([(digest, kind, value, _path(digest, kind)) for digest, kind, value in entries])

    def _run(self) -> None:
        while True:
            entries = self._queue.get()
            try:
                for digest, kind, value, target in entries:
                    store(digest, kind, value, target=target)
            finally:
                self._queue.task_done()

    def flush(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            self._queue.join()


_writer = _Writer()


def store_later(entries: list[tuple[str, str, Any]]) -> None:
    """Write entries (values, or bytes from `dumps`) in the background."""
    _writer.submit(entries)


def flush() -> None:
    """Wait for background cache writes (tests, benchmarks, before a warm open is measured)."""
    _writer.flush()
