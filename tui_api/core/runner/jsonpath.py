"""A small JSONPath evaluator for checks and captures.

Supported: `$`, `.name`, `['name']` / `["name"]`, `[0]`, `[-1]`, `[*]`, `.*`, `..name`, `..*`,
`[0,2]`, `['a','b']` and slices `[1:3]`, `[::2]`. Filters (`[?(...)]`) are not: a path that uses
one is rejected with a message that says so, instead of silently matching nothing.

Own code rather than a library: this subset covers what response checks use, parses in
microseconds, and its errors are phrased for a collection author.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from tui_api.core.errors import CollectionError


class JsonPathError(CollectionError):
    """A JSONPath expression could not be parsed."""


@dataclass(frozen=True)
class _Step:
    kind: str  # "key", "index", "wild", "slice", "union", "descend"
    value: Any = None


_NAME = re.compile(r"[A-Za-z_$@\-][\w$@\-]*|\d+[\w\-]*")
_INT = re.compile(r"-?\d+")


def _bad(path: str, message: str) -> JsonPathError:
    return JsonPathError(f"bad JSONPath '{path}': {message}",
                         hint="use forms like $.a.b, $.a[0], $[*].x, $..x, $['key']")


@lru_cache(maxsize=1024)
def parse(path: str) -> tuple[_Step, ...]:
    text = path.strip()
    if not text.startswith("$"):
        # allow "a.b" as shorthand for "$.a.b"
        text = "$." + text if text and not text.startswith("[") else "$" + text
    i = 1
    steps: list[_Step] = []
    n = len(text)
    while i < n:
        char = text[i]
        if text.startswith("..", i):
            i += 2
            steps.append(_Step("descend"))
            if i < n and text[i] == "[":
                continue
            step, i = _member(path, text, i, "..")
            steps.append(step)
        elif char == ".":
            step, i = _member(path, text, i + 1, ".")
            steps.append(step)
        elif char == "[":
            end, step = _bracket(path, text, i)
            steps.append(step)
            i = end
        else:
            raise _bad(path, f"unexpected '{char}' at position {i}")
    return tuple(steps)


def _member(path: str, text: str, i: int, after: str) -> tuple[_Step, int]:
    """What follows `.` or `..`: `*` or a name; (the step, the position after it)."""
    if text.startswith("*", i):
        return _Step("wild"), i + 1
    match = _NAME.match(text, i)
    if not match:
        raise _bad(path, f"expected a name after '{after}' at position {i}")
    return _Step("key", match.group(0)), match.end()


def _bracket(path: str, text: str, start: int) -> tuple[int, _Step]:
    i = start + 1
    items: list[Any] = []
    n = len(text)
    while True:
        while i < n and text[i] == " ":
            i += 1
        if i >= n:
            raise _bad(path, "unclosed '['")
        char = text[i]
        if char in "'\"":
            close = i + 1
            out = []
            while close < n and text[close] != char:
                if text[close] == "\\" and close + 1 < n:
                    close += 1
                out.append(text[close])
                close += 1
            if close >= n:
                raise _bad(path, "unclosed quote")
            items.append("".join(out))
            i = close + 1
        elif char == "*":
            items.append(_Step("wild"))
            i += 1
        elif char == "?" or char == "(":
            raise _bad(path, "filter and script expressions are not supported")
        else:
            close = i
            while close < n and text[close] not in ",]":
                close += 1
            token = text[i:close].strip()
            if ":" in token:
                parts = token.split(":")
                if len(parts) > 3 or not all(p.strip() == "" or _INT.fullmatch(p.strip()) for p in parts):
                    raise _bad(path, f"bad slice '{token}'")
                nums = [int(p) if p.strip() else None for p in parts] + [None] * (3 - len(parts))
                items.append(slice(*nums))
            elif _INT.fullmatch(token):
                items.append(int(token))
            else:
                raise _bad(path, f"bad index '{token}' (quote names: ['{token}'])")
            i = close
        while i < n and text[i] == " ":
            i += 1
        if i < n and text[i] == ",":
            i += 1
            continue
        if i < n and text[i] == "]":
            i += 1
            break
        raise _bad(path, "expected ',' or ']'")
    if len(items) == 1:
        item = items[0]
        if isinstance(item, _Step):
            return i, item
        if isinstance(item, slice):
            return i, _Step("slice", item)
        if isinstance(item, int):
            return i, _Step("index", item)
        return i, _Step("key", item)
    if any(isinstance(item, (_Step, slice)) for item in items):
        raise _bad(path, "'*' and slices cannot be combined with other items")
    return i, _Step("union", tuple(items))


def _children(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, list):
        return list(value)
    return []


def _descendants(value: Any) -> list[Any]:
    """The value and everything below it, depth first, document order."""
    stack = [value]
    result: list[Any] = []
    while stack:
        current = stack.pop()
        result.append(current)
        kids = _children(current)
        stack.extend(reversed(kids))
    return result


def _select(value: Any, key: Any) -> list[Any]:
    if isinstance(key, int):
        if isinstance(value, list) and -len(value) <= key < len(value):
            return [value[key]]
        if isinstance(value, dict) and str(key) in value:
            return [value[str(key)]]
        return []
    if isinstance(value, dict) and key in value:
        return [value[key]]
    return []


def find(path: str, document: Any) -> list[Any]:
    """Every value `path` selects in `document`, in document order (empty when none)."""
    current = [document]
    steps = parse(path)
    descend = False
    for step in steps:
        if step.kind == "descend":
            descend = True
            continue
        pool = [d for value in current for d in _descendants(value)] if descend else current
        descend = False
        nxt: list[Any] = []
        for value in pool:
            if step.kind == "key" or step.kind == "index":
                nxt.extend(_select(value, step.value))
            elif step.kind == "wild":
                nxt.extend(_children(value))
            elif step.kind == "slice":
                if isinstance(value, list):
                    nxt.extend(value[step.value])
            elif step.kind == "union":
                for key in step.value:
                    nxt.extend(_select(value, key))
        current = nxt
    if descend:  # a trailing '..' selects everything below
        current = [d for value in current for d in _descendants(value)]
    return current


def validate(path: str) -> str | None:
    """None if `path` parses, else the one-line problem (for collection checks before a run)."""
    try:
        parse(path)
    except JsonPathError as exc:
        return str(exc)
    return None
