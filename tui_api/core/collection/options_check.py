"""The `options:` a run reads (collection-wide and per request), checked when the file loads.

Why: `RunOptions.from_collection` and the engine read only values of the right type, so a typo
(`retires: 5`) or a wrong value (`timeout: abc`, `retries: -3`) used to be ignored in silence and
the run went on with defaults the user did not ask for. The loader (`yaml_read.Reader`) checks each
key with its line, alongside every other problem of the file, so one load lists them all; the run
plan checks again for collections built in memory (the TUI), where there are no lines.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


def _positive(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        return "must be a positive number of seconds"
    return None


def _seconds(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        return "must be a number of seconds (0 or more)"
    return None


def _flag(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _count(minimum: int) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            return f"must be a whole number, {minimum} or more"
        return None
    return check


def _header(value: Any) -> str | None:
    if value in (None, False):
        return None  # no correlation header
    if isinstance(value, str) and _HEADER_NAME.match(value):
        return None
    return "must be a header name (letters, digits, '-') or false for none"


COLLECTION_OPTIONS: dict[str, Callable[[Any], str | None]] = {
    "idempotency_key": _flag,
    "correlation_header": _header,
    "traceparent": _flag,
    "retries": _count(0),
    "timeout": _positive,
    "breaker_threshold": _count(1),
    "breaker_cool_down": _seconds,
    "retry_after_cap": _seconds,
    "retry_base_delay": _seconds,
    "retry_max_delay": _seconds,
}

# connect_timeout and verify are written by `import curl` (--connect-timeout, -k)
REQUEST_OPTIONS: dict[str, Callable[[Any], str | None]] = {
    "timeout": _positive,
    "connect_timeout": _positive,
    "follow_redirects": _flag,
    "verify": _flag,
    "idempotency_key": _flag,
}


def option_problem(key: Any, value: Any, *, request: bool) -> str | None:
    """What is wrong with one option (without its owner), or None when it is fine."""
    known = REQUEST_OPTIONS if request else COLLECTION_OPTIONS
    check = known.get(str(key))
    if check is None:
        close = difflib.get_close_matches(str(key), list(known), n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"known: {', '.join(known)}"
        return f"unknown option '{key}' ({hint})"
    problem = check(value)
    return f"{key} {problem}, not {value!r}" if problem else None


def option_problems(options: Mapping[str, Any] | None, where: str, *, request: bool) -> list[str]:
    """One line per unknown key or wrong value; `where` names the owner ("collection options",
    "request 'x' options")."""
    if not options:
        return []
    problems: list[str] = []
    for key, value in options.items():
        problem = option_problem(key, value, request=request)
        if problem:
            problems.append(f"{where}: {problem}")
    return problems
