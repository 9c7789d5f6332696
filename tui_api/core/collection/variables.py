"""`{{name}}` substitution. An unresolved variable is an error that names it and where it was used,
never a silent empty string."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from tui_api.core.errors import VariableError

VARIABLE = re.compile(r"\{\{\s*([^{}\s]+)\s*\}\}")

Lookup = Mapping[str, str] | Callable[[str], str | None]


def _get(lookup: Lookup, name: str) -> str | None:
    if callable(lookup):
        return lookup(name)
    value = lookup.get(name)
    return None if value is None else str(value)


def names_in(text: str) -> list[str]:
    """The variable names a string uses, in order of appearance."""
    return VARIABLE.findall(text)


def substitute(text: str, lookup: Lookup, *, where: str = "") -> str:
    """Replace every `{{name}}` in `text`; raise VariableError naming the first unknown one."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        value = _get(lookup, name)
        if value is None:
            place = f" in {where}" if where else ""
            raise VariableError(
                f"variable '{name}' is not defined{place}",
                hint="define it in the collection's variables, the environment, or pass --var",
            )
        return value

    return VARIABLE.sub(replace, text)


def substitute_value(value: Any, lookup: Lookup, *, where: str = "") -> Any:
    """Substitute inside a JSON-like value: strings anywhere in dicts and lists (keys too)."""
    if isinstance(value, str):
        return substitute(value, lookup, where=where)
    if isinstance(value, list):
        return [substitute_value(item, lookup, where=where) for item in value]
    if isinstance(value, dict):
        return {
            substitute(str(key), lookup, where=where): substitute_value(item, lookup, where=where)
            for key, item in value.items()
        }
    return value
