"""The parsed-spec cache, keyed by the content hash of the spec's bytes, in the user's cache dir.

Two entries per spec, because a warm open only needs the first:
- `<hash>.index` — the operation index, servers, security schemes and warnings (tiny: loads in
  a few milliseconds even for 1,000+ operations);
- `<hash>.doc` — the parsed document, only for YAML sources: re-parsing YAML costs seconds,
  while orjson re-parses JSON about as fast as unpickling it.

A corrupt or foreign cache entry is ignored (and rewritten), never an error.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path
from typing import Any

from tui_api.core import paths
from tui_api.core.fileio import write_atomic

CACHE_FORMAT = 3  # bump when SpecIndex or the model changes shape


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


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


def store(digest: str, kind: str, value: Any) -> None:
    """Best effort: a full disk or a read-only cache dir must never stop a spec from opening."""
    try:
        write_atomic(_path(digest, kind), pickle.dumps((CACHE_FORMAT, value), protocol=pickle.HIGHEST_PROTOCOL))
    except (OSError, pickle.PicklingError, RecursionError):
        pass
