"""A string that matches a schema's `pattern`, for example values (`^MG[0-9a-fA-F]{32}$` ->
"MG000..."), so a draft request passes the server's validation more often than "string" would.

Walks the regex parse tree of Python's own `re` parser, taking the first alternative and the
minimum repeat (at least one) everywhere. Anything unusual (look-arounds, back-references) gives
up and returns None; the result is always checked against the pattern before it is used.
"""

from __future__ import annotations

import re
from typing import Any

try:  # Python 3.11+: the parser moved to re._parser; sre_parse is its deprecated alias
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

MAX_LENGTH = 256

_CATEGORY = {
    "CATEGORY_DIGIT": "0",
    "CATEGORY_NOT_DIGIT": "a",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_SPACE": "a",
    "CATEGORY_WORD": "a",
    "CATEGORY_NOT_WORD": "-",
}


class _GiveUp(Exception):
    pass


def example_for_pattern(pattern: str, min_length: int | None = None) -> str | None:
    try:
        compiled = re.compile(pattern)
        text = _emit(sre_parse.parse(pattern), 0)
    except (re.error, _GiveUp, RecursionError, TypeError, ValueError, OverflowError):
        return None
    if len(text) > MAX_LENGTH:
        return None
    if min_length and len(text) < min_length:
        return None
    return text if compiled.search(text) else None


def _emit(tokens: Any, depth: int) -> str:
    if depth > 50:
        raise _GiveUp
    out: list[str] = []
    for op, arg in tokens:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "NOT_LITERAL":
            out.append("a" if chr(arg) != "a" else "b")
        elif name == "ANY":
            out.append("a")
        elif name == "IN":
            out.append(_first_in(arg))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = arg
            count = max(low, 1) if high != 0 else 0
            if count > MAX_LENGTH:
                raise _GiveUp
            out.append(_emit(sub, depth + 1) * count)
        elif name == "SUBPATTERN":
            out.append(_emit(arg[-1], depth + 1))
        elif name == "ATOMIC_GROUP":
            out.append(_emit(arg, depth + 1))
        elif name == "BRANCH":
            out.append(_emit(arg[1][0], depth + 1))
        elif name == "AT":
            continue
        elif name == "CATEGORY":
            out.append(_CATEGORY.get(str(arg), "a"))
        else:  # ASSERT, ASSERT_NOT, GROUPREF, ...
            raise _GiveUp
    return "".join(out)


def _first_in(items: Any) -> str:
    if items and str(items[0][0]) == "NEGATE":
        excluded = set()
        for op, arg in items[1:]:
            if str(op) == "LITERAL":
                excluded.add(chr(arg))
            elif str(op) == "RANGE":
                excluded.update(chr(c) for c in range(arg[0], min(arg[1], 0x2FF) + 1))
            else:
                raise _GiveUp
        for candidate in "aA0_-x":
            if candidate not in excluded:
                return candidate
        raise _GiveUp
    op, arg = items[0]
    name = str(op)
    if name == "LITERAL":
        return chr(arg)
    if name == "RANGE":
        return chr(arg[0])
    if name == "CATEGORY":
        return _CATEGORY.get(str(arg), "a")
    raise _GiveUp
