"""Messages that workers post back to the screen: each worker calls one core function and posts
one of these, so widgets never touch HTTP, files or the spec loader themselves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message

from tui_api.core.collection.model import Request
from tui_api.core.http.exchange import Exchange
from tui_api.core.spec.model import Operation, OperationDetail


@dataclass
class SpecProgress(Message):
    stage: str
    fraction: float


@dataclass
class SpecLoaded(Message):
    document: Any  # tui_api.core.spec.SpecDocument


@dataclass
class SpecFailed(Message):
    source: str
    error: str


@dataclass
class SpecWarnings(Message):
    warnings: list[str]


@dataclass
class OperationLoaded(Message):
    operation: Operation
    detail: OperationDetail | None
    request: Request | None
    error: str | None = None


@dataclass
class SendFinished(Message):
    """A send ended: `exchange` when something came back (or failed on the wire), `error` when the
    request could not be prepared, `cancelled` when the user pressed Escape."""

    send_id: int
    request: Request
    exchange: Exchange | None = None
    error: str | None = None
    cancelled: bool = False


@dataclass
class BodySaved(Message):
    path: str
    size: int
    error: str | None = None


@dataclass
class CollectionLoaded(Message):
    collection: Any  # tui_api.core.collection.model.Collection


@dataclass
class CollectionFailed(Message):
    path: str
    error: str


@dataclass
class CollectionSaved(Message):
    path: str
    error: str | None = None


@dataclass
class ChecksDone(Message):
    """The request's `expect` checks and `capture` rules, run on the response it got."""

    send_id: int
    results: list[Any]  # tui_api.core.runner.checks.CheckResult
    captured: dict[str, str]
