"""The record of one request/response exchange: what the response view, history, assertions and
reports all read. Secrets are redacted before they get here (`redact.py`)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Attempt:
    """One try of a request, for the retry log in output and reports."""

    number: int
    status: int | None
    error: str | None
    elapsed_ms: float
    waited_ms: float = 0.0  # backoff before this attempt


@dataclass
class Exchange:
    method: str
    url: str
    request_headers: list[tuple[str, str]]  # as sent, secrets redacted
    # bodies stay out of repr(): asyncio formats task results with repr (signal.getsignal does on
    # every asyncio.run), and a run's results would otherwise turn into tens of MB of text
    request_body: bytes | None = field(default=None, repr=False)  # as sent (truncated)
    status: int | None = None
    reason: str = ""
    http_version: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = field(default=b"", repr=False)  # at most the configured limit
    body_size: int = 0  # the full size received
    truncated: bool = False
    elapsed_ms: float = 0.0  # total, including retries
    error: str | None = None  # set when no response came back (or the body broke off)
    error_kind: str | None = None  # connect, dns, tls, timeout, cancelled, circuit_open, ...
    attempts: list[Attempt] = field(default_factory=list)
    correlation_id: str | None = None
    started_at: float = 0.0  # time.time() at start

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None

    @property
    def content_type(self) -> str:
        for name, value in self.headers:
            if name.lower() == "content-type":
                return value
        return ""

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None
