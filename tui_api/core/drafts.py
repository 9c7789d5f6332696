"""Drafts: the request a user is editing, kept on disk until it is saved, so a crash, a kill or a
quit never loses what was typed.

One small JSON file per open thing (a spec operation, or a request of a collection file), named by a
hash of its key, in `<data dir>/drafts/`. The request is stored exactly as edited: `{{variables}}`
stay as text, nothing is resolved, and auth is only the profile's name (secrets live in the keyring,
never in a request). Files are private (0600) and written atomically; the store keeps at most
`limit` drafts, dropping the oldest.

No Textual here: the TUI decides when to save (debounced edits) and what to do with a draft.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from tui_api.core.collection.model import Body, Expect, MultipartPart, Request
from tui_api.core.fileio import write_atomic

FORMAT = 1
DEFAULT_LIMIT = 200


def spec_key(source: str, operation_key: str) -> str:
    """A spec operation: where the spec was opened from (a file's absolute path, or its URL) and
    the operation's stable key ("GET /pets/{petId}")."""
    return f"spec:{_where(source)}#{operation_key}"


def collection_key(path: str, folders: tuple[str, ...] | list[str], name: str) -> str:
    """A collection request: the file and the request's folder path and name."""
    return "collection:" + _where(path) + "#" + "/".join([*folders, name])


def _where(source: str) -> str:
    if "://" in source or source.startswith("<"):
        return source
    try:
        return str(Path(source).expanduser().resolve())
    except (OSError, RuntimeError):
        return source


@dataclass
class Draft:
    key: str
    request: Request
    saved_at: datetime
    label: str = ""  # what the user would call it ("GET /pets/{petId}", "pets / list")
    meta: dict[str, Any] = field(default_factory=dict)  # e.g. the server the URL started with

    def age_text(self, now: datetime | None = None) -> str:
        """The save time as a person reads it: 14:02 today, or 2026-11-20 14:02."""
        local = self.saved_at.astimezone()
        today = (now or datetime.now(timezone.utc)).astimezone().date()
        return local.strftime("%H:%M:%S") if local.date() == today else local.strftime("%Y-%m-%d %H:%M")


# --- Request <-> JSON ----------------------------------------------------------------------------
def request_to_json(request: Request) -> dict[str, Any]:
    """Every field of the request, lossless (the inverse is `request_from_json`)."""
    return {
        "name": request.name,
        "method": request.method,
        "url": request.url,
        "query": [[k, v] for k, v in request.query],
        "headers": [[k, v] for k, v in request.headers],
        "body": _body_to_json(request.body),
        "auth": request.auth,
        "description": request.description,
        "expect": {
            "status": list(request.expect.status),
            "json": request.expect.json,
            "headers": dict(request.expect.headers),
            "max_ms": request.expect.max_ms,
            "schema": request.expect.schema,
        },
        "capture": dict(request.capture),
        "operation": request.operation,
        "options": request.options,
    }


def _body_to_json(body: Body | None) -> dict[str, Any] | None:
    if body is None:
        return None
    value: Any = body.value
    if body.kind == "form":
        value = [[k, v] for k, v in body.value]
    elif body.kind == "multipart":
        value = [{"name": p.name, "value": p.value, "file": p.file, "content_type": p.content_type}
                 for p in body.value]
    return {"kind": body.kind, "value": value}


def request_from_json(data: dict[str, Any]) -> Request:
    """Raises ValueError (or KeyError/TypeError, which callers treat alike) on a damaged draft."""
    if not isinstance(data, dict):
        raise ValueError("a draft request must be an object")
    expect = data.get("expect") or {}
    body = data.get("body")
    return Request(
        name=str(data.get("name", "untitled")),
        method=str(data.get("method", "GET")),
        url=str(data.get("url", "")),
        query=_pairs(data.get("query")),
        headers=_pairs(data.get("headers")),
        body=_body_from_json(body) if body is not None else None,
        auth=data.get("auth") if isinstance(data.get("auth"), str) else None,
        description=str(data.get("description", "")),
        expect=Expect(
            status=[int(s) for s in expect.get("status", [])],
            json=dict(expect.get("json", {})),
            headers={str(k): str(v) for k, v in dict(expect.get("headers", {})).items()},
            max_ms=expect.get("max_ms"),
            schema=bool(expect.get("schema", False)),
        ),
        capture={str(k): str(v) for k, v in dict(data.get("capture") or {}).items()},
        operation=data.get("operation") if isinstance(data.get("operation"), str) else None,
        options=dict(data.get("options") or {}),
    )


def _pairs(value: Any) -> list[tuple[str, str]]:
    if value is None:
        return []
    return [(str(k), str(v)) for k, v in value]


def _body_from_json(data: dict[str, Any]) -> Body:
    kind = data["kind"]
    value = data.get("value")
    if kind == "form":
        value = _pairs(value)
    elif kind == "multipart":
        value = [MultipartPart(str(p["name"]), p.get("value"), p.get("file"), p.get("content_type")) for p in value]
    elif kind not in ("json", "text", "file"):
        raise ValueError(f"unknown body kind {kind!r}")
    return Body(kind, value)


# --- the store -----------------------------------------------------------------------------------
class DraftStore:
    """Drafts in one folder (default `<data dir>/drafts`). Damaged files read as no draft."""

    def __init__(self, folder: Path | None = None, *, limit: int = DEFAULT_LIMIT) -> None:
        if folder is None:
            from tui_api.core.paths import data_dir

            folder = data_dir() / "drafts"
        self.folder = Path(folder)
        self.limit = limit

    def path_for(self, key: str) -> Path:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
        return self.folder / f"{digest}.json"

    def save(self, key: str, request: Request, *, label: str = "", meta: dict[str, Any] | None = None,
             now: datetime | None = None) -> Draft:
        """Write (or replace) the draft for `key`; OSError propagates (the caller says so once)."""
        draft = Draft(key, request, now or datetime.now(timezone.utc), label, dict(meta or {}))
        payload = {
            "format": FORMAT,
            "key": key,
            "label": label,
            "saved_at": draft.saved_at.isoformat(),
            "meta": draft.meta,
            "request": request_to_json(request),
        }
        text = json.dumps(payload, ensure_ascii=False, indent=1, default=str)
        write_atomic(self.path_for(key), text, private=True)
        self.prune()
        return draft

    def load(self, key: str) -> Draft | None:
        draft = self._read(self.path_for(key))
        return draft if draft is not None and draft.key == key else None

    def remove(self, key: str) -> bool:
        try:
            self.path_for(key).unlink()
            return True
        except FileNotFoundError:
            return False

    def list(self) -> list[Draft]:
        """Every readable draft, newest first."""
        drafts = [d for d in (self._read(p) for p in self._files()) if d is not None]
        return sorted(drafts, key=lambda d: d.saved_at, reverse=True)

    def prune(self) -> int:
        """Keep the newest `limit` drafts (by file time: cheap, no parsing); return how many went."""
        files = self._files()
        if len(files) <= self.limit:
            return 0
        files.sort(key=lambda p: _mtime(p), reverse=True)
        removed = 0
        for path in files[self.limit:]:
            try:
                path.unlink()
                removed += 1
            except OSError:
                pass
        return removed

    def _files(self) -> list[Path]:
        try:
            return [p for p in self.folder.iterdir() if p.suffix == ".json" and not p.name.startswith(".")]
        except OSError:
            return []

    @staticmethod
    def _read(path: Path) -> Draft | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            saved = datetime.fromisoformat(data["saved_at"])
            if saved.tzinfo is None:
                saved = saved.replace(tzinfo=timezone.utc)
            return Draft(str(data["key"]), request_from_json(data["request"]), saved,
                         str(data.get("label", "")), dict(data.get("meta") or {}))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None


def _mtime(path: Path) -> float:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return 0


__all__ = ["Draft", "DraftStore", "collection_key", "request_from_json", "request_to_json", "spec_key"]
