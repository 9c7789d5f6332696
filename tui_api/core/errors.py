"""One exception tree for everything the core can report to a user.

    TuiApiError                 message says what went wrong and what to do; shown as one line
    ├── SpecError               a spec cannot be read, parsed or indexed
    │   └── RefError            a `$ref` cannot be resolved (marks one operation, not the spec)
    ├── CollectionError         a collection file is malformed (carries file, line, key)
    ├── VariableError           a `{{name}}` could not be resolved
    ├── AuthError               a profile is missing, a secret is unavailable, a token fetch failed
    ├── SendError               a request could not complete (connect, DNS, TLS, timeout, circuit open)
    └── UsageError              bad command-line input

Foreign exceptions (yaml, json, prance, keyring, httpx) are translated at the boundary with
`raise OurError(...) from exc`, so the CLI and TUI only ever show `str(error)`, and `--debug` the
traceback.
"""

from __future__ import annotations


class TuiApiError(Exception):
    """Base of every error a user may see. `str()` is the one line to show."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(message if not hint else f"{message} ({hint})")


class SpecError(TuiApiError):
    """A spec could not be read or understood."""

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        column: int | None = None,
        pointer: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.source = source
        self.line = line
        self.column = column
        self.pointer = pointer
        where = source or ""
        if line is not None:
            where += f":{line}" + (f":{column}" if column is not None else "")
        if pointer:
            where += f" at {pointer}"
        super().__init__(f"{where}: {message}" if where else message, hint=hint)


class RefError(SpecError):
    """A `$ref` could not be resolved."""


class CollectionError(TuiApiError):
    """A collection file is malformed. May carry several problems, each already located."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        key: str | None = None,
        problems: list[str] | None = None,
        hint: str | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.key = key
        self.problems = problems or []
        where = path or ""
        if line is not None:
            where += f":{line}"
        if key:
            where += f" ({key})"
        super().__init__(f"{where}: {message}" if where else message, hint=hint)


class VariableError(TuiApiError):
    """A `{{variable}}` had no value."""


class AuthError(TuiApiError):
    """An auth profile could not be applied."""


class SendError(TuiApiError):
    """A request could not complete. `kind` is a short machine-readable cause."""

    def __init__(self, message: str, *, kind: str = "error", hint: str | None = None) -> None:
        self.kind = kind
        super().__init__(message, hint=hint)


class UsageError(TuiApiError):
    """Bad command-line input."""
