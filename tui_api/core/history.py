"""History of sent requests: `paths.data_dir()/history.jsonl`, one JSON object per line.

Why JSON lines: an append is one small write, so sending never rewrites the file, and a crash
mid-append can only leave a torn last line, which reading skips. The file is bounded (entries and
bytes); when it grows past a bound it is trimmed to the newest entries with an atomic rewrite, with
some slack so that not every append rewrites it.

Nothing secret is written: credential headers and query parameters are masked, literal secret
values the caller knows (the auth provider's `secret_values()`) are masked anywhere, and body fields
named like secrets (password, token, ...) are masked. `{{variable}}` references are kept: they are
not secrets, and they make a history entry loadable back into a working request. A masked literal
comes back masked, so the user types it again instead of it leaking.

    store = HistoryStore()
    store.append(request, exchange, sensitive_headers=["X-API-Key"], secrets=provider.secret_values())
    for entry in store.entries(limit=50): ...      # newest first
    store.search("pets")                           # substring over method, URL, name, status
    store.get(entry.id).to_request()               # back into the editor
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tui_api.core import paths
from tui_api.core.collection.model import Body, MultipartPart, Request
from tui_api.core.collection.variables import looks_secret
from tui_api.core.fileio import write_atomic
from tui_api.core.http.redact import MASK, SENSITIVE_QUERY, is_sensitive_header, mask_secrets, redact_headers, redact_url

HISTORY_FILE = "history.jsonl"
DEFAULT_MAX_ENTRIES = 1000
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
_SLACK = 0.1  # trim to 90% of a bound, so the next appends do not each rewrite the file
_FORMAT = 1


@dataclass
class HistoryEntry:
    """One sent request and what came back (no response body: it may hold anything)."""

    id: str
    timestamp: float  # time.time() when sent
    request: dict[str, Any]  # the edited request (variables unresolved), redacted
    method: str
    url: str  # as sent (variables resolved), redacted
    request_headers: list[tuple[str, str]] = field(default_factory=list)  # as sent, redacted
    status: int | None = None
    reason: str = ""
    elapsed_ms: float = 0.0
    size: int = 0  # response body bytes
    content_type: str = ""
    correlation_id: str | None = None
    error: str | None = None
    collection: str | None = None  # the collection file it was sent from
    environment: str | None = None

    @property
    def name(self) -> str:
        return str(self.request.get("name") or "")

    def summary(self) -> str:
        """One line for a list: time, method, URL, outcome."""
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.timestamp))
        outcome = f"{self.status} {self.reason}".strip() if self.status is not None else f"error: {self.error or '?'}"
        return f"{when}  {self.method:<6} {self.url}  {outcome}  {self.elapsed_ms:.0f} ms  {self.size} B"

    def to_request(self) -> Request:
        """The request back as it was edited (credentials that were literal come back masked)."""
        return request_from_plain(self.request)

    def to_json(self) -> str:
        data = asdict(self)
        data["v"] = _FORMAT
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, line: str) -> HistoryEntry | None:
        """None for a torn or foreign line: a line that parses as JSON but holds a number, a
        list or fields of the wrong type would otherwise break whoever lists the history."""
        try:
            data = json.loads(line)
            if not isinstance(data, dict) or not _well_typed(data):
                return None
            data.pop("v", None)
            data["request_headers"] = [tuple(pair) for pair in data.get("request_headers") or []
                                       if isinstance(pair, list) and len(pair) == 2]
            return cls(**data)
        except (ValueError, TypeError, AttributeError):
            return None


_NUMBER = (int, float)
_FIELD_TYPES: dict[str, Any] = {
    "id": str, "timestamp": _NUMBER, "request": dict, "method": str, "url": str,
    "request_headers": list, "status": (int, type(None)), "reason": str, "elapsed_ms": _NUMBER,
    "size": int, "content_type": str, "correlation_id": (str, type(None)), "error": (str, type(None)),
    "collection": (str, type(None)), "environment": (str, type(None)),
}
_REQUIRED = ("id", "timestamp", "request", "method", "url")


def _well_typed(data: dict[str, Any]) -> bool:
    if any(key not in data for key in _REQUIRED):
        return False
    for key, kind in _FIELD_TYPES.items():
        if key in data and (not isinstance(data[key], kind) or isinstance(data[key], bool)):
            return False
    return True


class HistoryStore:
    """The bounded history file. Safe to share between the TUI and runs: appends are single writes."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *, max_entries: int = DEFAULT_MAX_ENTRIES,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.path = Path(path) if path is not None else paths.data_dir() / HISTORY_FILE
        self.max_entries = max(1, max_entries)
        self.max_bytes = max(1024, max_bytes)
        self._count: int | None = None

    # --- writing --------------------------------------------------------------------------
    def append(
        self,
        request: Request,
        exchange: Any = None,
        *,
        sensitive_headers: Iterable[str] = (),
        sensitive_params: Iterable[str] = (),
        secrets: Iterable[str] = (),
        collection: str | None = None,
        environment: str | None = None,
    ) -> HistoryEntry:
        """Record one send. `exchange` is the http Exchange (None when nothing was sent)."""
        headers, params, secret_list = list(sensitive_headers), list(sensitive_params), [s for s in secrets if s]
        entry = HistoryEntry(
            id=uuid.uuid4().hex[:12],
            timestamp=getattr(exchange, "started_at", 0.0) or time.time(),
            request=redact_request(request, headers, params, secret_list),
            method=(getattr(exchange, "method", None) or request.method).upper(),
            url=mask_secrets(redact_url(getattr(exchange, "url", None) or request.url, params), secret_list),
            request_headers=[(k, mask_secrets(v, secret_list))
                             for k, v in redact_headers(getattr(exchange, "request_headers", None) or [], headers)],
            status=getattr(exchange, "status", None),
            reason=getattr(exchange, "reason", "") or "",
            elapsed_ms=round(float(getattr(exchange, "elapsed_ms", 0.0) or 0.0), 1),
            size=int(getattr(exchange, "body_size", 0) or 0),
            content_type=getattr(exchange, "content_type", "") if exchange is not None else "",
            correlation_id=getattr(exchange, "correlation_id", None),
            error=mask_secrets(exchange.error, secret_list) if getattr(exchange, "error", None) else None,
            collection=collection,
            environment=environment,
        )
        line = (entry.to_json() + "\n").encode("utf-8")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if _ends_torn(self.path):
            line = b"\n" + line  # a crash left half a line: start ours on a fresh one
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
        if self._count is not None:
            self._count += 1
        self._trim_if_needed()
        return entry

    def clear(self) -> None:
        write_atomic(self.path, b"", private=True)
        self._count = 0

    def delete(self, entry_id: str) -> bool:
        lines = self._lines()
        kept = [line for line in lines if getattr(HistoryEntry.from_json(line), "id", None) != entry_id]
        if len(kept) == len(lines):
            return False
        write_atomic(self.path, "".join(line + "\n" for line in kept), private=True)
        self._count = len(kept)
        return True

    def _trim_if_needed(self) -> None:
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return
        if self._count is None:
            self._count = len(self._lines())
        if size <= self.max_bytes and self._count <= self.max_entries:
            return
        lines = self._lines()
        keep_entries = int(self.max_entries * (1 - _SLACK)) or 1
        budget = int(self.max_bytes * (1 - _SLACK))
        kept: list[str] = []
        total = 0
        for line in reversed(lines[-keep_entries:]):
            total += len(line.encode("utf-8")) + 1
            if total > budget and kept:
                break
            kept.append(line)
        kept.reverse()
        write_atomic(self.path, "".join(line + "\n" for line in kept), private=True)
        self._count = len(kept)

    # --- reading --------------------------------------------------------------------------
    def _lines(self) -> list[str]:
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return []
        return [line for line in text.split("\n") if line.strip()]

    def entries(self, limit: int | None = None) -> list[HistoryEntry]:
        """Newest first. Torn or foreign lines are skipped."""
        out: list[HistoryEntry] = []
        for line in reversed(self._lines()):
            entry = HistoryEntry.from_json(line)
            if entry is not None:
                out.append(entry)
                if limit is not None and len(out) >= limit:
                    break
        return out

    def search(self, text: str, limit: int | None = None) -> list[HistoryEntry]:
        """Case-insensitive substring over method, URL, request name, status and error; newest first."""
        needle = text.strip().lower()
        if not needle:
            return self.entries(limit)
        found: list[HistoryEntry] = []
        for entry in self.entries():
            haystack = " ".join([entry.method, entry.url, entry.name, str(entry.status or ""), entry.reason,
                                 entry.error or "", entry.collection or ""]).lower()
            if needle in haystack:
                found.append(entry)
                if limit is not None and len(found) >= limit:
                    break
        return found

    def get(self, entry_id: str) -> HistoryEntry | None:
        return next((entry for entry in self.entries() if entry.id == entry_id), None)


def _ends_torn(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            if handle.tell() == 0:
                return False
            handle.seek(-1, os.SEEK_END)
            return handle.read(1) != b"\n"
    except FileNotFoundError:
        return False


# --- redaction of the edited request -------------------------------------------------------------
def _keep_or_mask(value: str, secrets: list[str]) -> str:
    """A `{{variable}}` reference is not a secret; a literal value is masked."""
    if re.fullmatch(r"\s*(\w+\s+)?\{\{[^{}]+\}\}\s*", value):
        return value
    scheme, _, rest = value.partition(" ")
    return f"{scheme} {MASK}" if rest and scheme.isalpha() and scheme.lower() in ("bearer", "basic", "token", "digest") else MASK


def _mask_json(value: Any, secrets: list[str], key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _mask_json(v, secrets, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_json(item, secrets, key) for item in value]
    if isinstance(value, str):
        if key and looks_secret(key) and value:
            return _keep_or_mask(value, secrets)
        return mask_secrets(value, secrets)
    return value


def redact_request(request: Request, sensitive_headers: list[str], sensitive_params: list[str],
                   secrets: list[str]) -> dict[str, Any]:
    """A plain, secret-free form of the request (the collection file's shape, as JSON)."""
    from tui_api.core.collection.yaml_write import item_plain

    params = SENSITIVE_QUERY | {p.lower() for p in sensitive_params}
    copy = Request(**{**request.__dict__})
    copy.url = mask_secrets(redact_url(request.url, sensitive_params), secrets)
    copy.headers = [(k, _keep_or_mask(v, secrets) if is_sensitive_header(k, sensitive_headers) and v
                     else mask_secrets(v, secrets)) for k, v in request.headers]
    copy.query = [(k, _keep_or_mask(v, secrets) if k.lower() in params and v else mask_secrets(v, secrets))
                  for k, v in request.query]
    body = request.body
    if body is not None:
        if body.kind == "json":
            copy.body = Body("json", _mask_json(body.value, secrets))
        elif body.kind == "form":
            copy.body = Body("form", [(k, _keep_or_mask(v, secrets) if looks_secret(k) and v else mask_secrets(v, secrets))
                                      for k, v in body.value])
        elif body.kind == "multipart":
            copy.body = Body("multipart", [
                MultipartPart(p.name, None if p.value is None else
                              (_keep_or_mask(p.value, secrets) if looks_secret(p.name) and p.value else mask_secrets(p.value, secrets)),
                              p.file, p.content_type)
                for p in body.value
            ])
        elif body.kind == "text":
            copy.body = Body("text", mask_secrets(str(body.value), secrets))
    return item_plain(copy)


def request_from_plain(data: dict[str, Any]) -> Request:
    """The inverse of `item_plain` for one request (history entries, clipboard)."""
    from tui_api.core.collection.yaml_read import Reader

    reader = Reader()
    request = reader.request(data, "history")
    return request if request is not None else Request()


__all__ = ["HistoryEntry", "HistoryStore", "redact_request", "request_from_plain"]
