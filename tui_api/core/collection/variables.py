"""`{{name}}` substitution and where values come from. An unresolved variable is an error that
names it and where it was used, never a silent empty string.

`substitute`/`substitute_value` take any Lookup (a mapping or a function); `VariableContext` is the
Lookup that implements the collection's layers (see the table below) and the variables view."""

from __future__ import annotations

import os
import random
import re
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
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


def join_value(match: re.Match[str], value: str) -> str:
    """`value` with its trailing '/' dropped when the literal text right after `match` starts
    with '/'. `{{base_url}}/v1` with base_url `https://api.example.com/` would otherwise send
    `https://api.example.com//v1`, which many servers answer 404. Only this join is touched:
    a `//` inside a value (the scheme), written literally, or after the URL's '?' or '#' (a
    query value such as `?next={{url}}/`) is left as is."""
    if not (value.endswith("/") and match.string.startswith("/", match.end())):
        return value
    literal_before = VARIABLE.sub("", match.string[: match.start()])
    if "?" in literal_before or "#" in literal_before:
        return value
    return value[:-1]


def substitute_url(text: str, lookup: Lookup, *, where: str = "") -> str:
    """`substitute` for a URL: also collapses the `//` made where a variable ending in '/'
    meets a literal starting with '/' (see `join_value`)."""

    def replace(match: re.Match[str]) -> str:
        return join_value(match, substitute(match.group(0), lookup, where=where))

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


# --- where values come from ------------------------------------------------------------------
#
# Precedence, lowest to highest (a higher layer wins for the same name):
#
#   collection   the collection's `variables:`
#   environment  the selected environment (`environments: {NAME: {...}}`)
#   .env         KEY=VALUE lines in a `.env` file beside the collection
#   os           the OS environment, only through `{{$env.NAME}}` (falls back to .env for NAME)
#   captured     values captured from earlier responses (`capture:`)
#   --var        `--var name=value` on the command line (or the TUI's overrides)
#
# Dynamic variables, a fresh value at every use:
#
#   {{$uuid}}            a random UUID4
#   {{$timestamp}}       Unix time in whole seconds
#   {{$isoTimestamp}}    UTC time as ISO 8601 (2026-01-31T12:00:00+00:00)
#   {{$randomInt}}       a random integer 0..1000; {{$randomInt(1,6)}} picks within the bounds
#
# A variable's value may use other variables (`api: "{{host}}/v1"`); they resolve to a depth of 10
# so a cycle ends in an error instead of a hang.

LAYERS = ("collection", "environment", ".env", "os", "captured", "--var")
ENV_PREFIX = "$env."
SECRET_HINTS = ("token", "secret", "password", "passwd", "key", "credential", "auth")
MASK = "••••••"
_RANDOM_INT = re.compile(r"^\$randomInt(?:\((-?\d+)\s*,\s*(-?\d+)\))?$")
_MAX_DEPTH = 10


def looks_secret(name: str) -> bool:
    """Names that usually hold credentials; their values are masked in views."""
    lowered = name.lower()
    return any(hint in lowered for hint in SECRET_HINTS)


def dynamic_value(name: str) -> str | None:
    """The value of a `$` dynamic variable, or None when `name` is not one."""
    if name == "$uuid":
        return str(uuid.uuid4())
    if name == "$timestamp":
        return str(int(time.time()))
    if name == "$isoTimestamp":
        return datetime.now(timezone.utc).isoformat(timespec="seconds")
    match = _RANDOM_INT.match(name)
    if match:
        low, high = (int(match.group(1)), int(match.group(2))) if match.group(1) else (0, 1000)
        return str(random.randint(min(low, high), max(low, high)))
    return None


DYNAMIC_NAMES = ("$uuid", "$timestamp", "$isoTimestamp", "$randomInt")


def parse_dotenv(text: str) -> dict[str, str]:
    """`.env` lines: KEY=VALUE, optional `export`, quotes, `#` comments. Bad lines are skipped:
    a .env file is shared with other tools that accept more than we understand."""
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export "):].lstrip()
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not key or any(c.isspace() for c in key):
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            quote, value = value[0], value[1:-1]
            if quote == '"':
                value = value.replace("\\n", "\n").replace('\\"', '"').replace("\\\\", "\\")
        else:
            value = re.split(r"\s+#", value, maxsplit=1)[0].rstrip()
        values[key] = value
    return values


def parse_var_overrides(items: list[str] | None) -> dict[str, str]:
    """`--var name=value` arguments -> mapping (the last one wins)."""
    from tui_api.core.errors import UsageError

    out: dict[str, str] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--var '{item}' is not name=value", hint="write it like --var base_url=http://127.0.0.1:8000")
        out[name.strip()] = value
    return out


@dataclass
class VariableSource:
    """One row of the variables view: the winning value and where it came from."""

    name: str
    value: str
    source: str  # "collection", "environment:NAME", ".env", "os", "captured", "--var"
    secret: bool = False
    shadowed: list[tuple[str, str]] = field(default_factory=list)  # lower layers it hides: (source, value)

    @property
    def display(self) -> str:
        """The value to show: masked when the name looks like a secret."""
        return MASK if self.secret and self.value else self.value


class VariableContext:
    """All variable layers for one collection and environment; callable as a `Lookup`.

    Pass it wherever a Lookup is accepted (`prepare_request(request, context)`, `substitute`).
    Captures and overrides can change during a session (`capture()`, `set_override()`).
    """

    def __init__(
        self,
        *,
        collection_vars: Mapping[str, str] | None = None,
        environments: Mapping[str, Mapping[str, str]] | None = None,
        environment: str | None = None,
        dotenv: Mapping[str, str] | None = None,
        os_environ: Mapping[str, str] | None = None,
        captured: Mapping[str, str] | None = None,
        overrides: Mapping[str, str] | None = None,
        dotenv_path: str | None = None,
    ) -> None:
        self.collection_vars = dict(collection_vars or {})
        self.environments = {name: dict(values) for name, values in (environments or {}).items()}
        self.environment: str | None = None
        self.dotenv = dict(dotenv or {})
        self.dotenv_path = dotenv_path
        self.os_environ: Mapping[str, str] = os.environ if os_environ is None else os_environ
        self.captured = dict(captured or {})
        self.overrides = dict(overrides or {})
        self.select_environment(environment)

    @classmethod
    def for_collection(
        cls,
        collection: Any,
        environment: str | None = None,
        *,
        overrides: Mapping[str, str] | None = None,
        captured: Mapping[str, str] | None = None,
        os_environ: Mapping[str, str] | None = None,
    ) -> VariableContext:
        """The context of a collection: reads the `.env` beside its file, if there is one."""
        dotenv: dict[str, str] = {}
        dotenv_path: str | None = None
        if getattr(collection, "path", None):
            candidate = Path(collection.path).resolve().parent / ".env"
            try:
                dotenv = parse_dotenv(candidate.read_text(encoding="utf-8"))
                dotenv_path = str(candidate)
            except (OSError, UnicodeDecodeError):
                dotenv = {}
        return cls(
            collection_vars=collection.variables,
            environments=collection.environments,
            environment=environment,
            dotenv=dotenv,
            dotenv_path=dotenv_path,
            os_environ=os_environ,
            captured=captured,
            overrides=overrides,
        )

    # --- changing it ----------------------------------------------------------------------
    def select_environment(self, name: str | None) -> None:
        """Pick an environment by name (None: no environment). An unknown name lists the known ones."""
        if name is not None and name not in self.environments:
            known = ", ".join(self.environments) or "none defined"
            raise VariableError(f"no environment '{name}' in this collection (known: {known})",
                                hint="pick one of those, or add it under 'environments:'")
        self.environment = name

    def capture(self, name: str, value: str) -> None:
        self.captured[name] = value

    def set_override(self, name: str, value: str | None) -> None:
        if value is None:
            self.overrides.pop(name, None)
        else:
            self.overrides[name] = value

    # --- reading it -----------------------------------------------------------------------
    def layers(self) -> list[tuple[str, Mapping[str, str]]]:
        """(source, values) from lowest to highest precedence (`$env.` names are separate)."""
        env_values = self.environments.get(self.environment, {}) if self.environment else {}
        return [
            ("collection", self.collection_vars),
            (f"environment:{self.environment}", env_values),
            (".env", self.dotenv),
            ("captured", self.captured),
            ("--var", self.overrides),
        ]

    def raw(self, name: str) -> tuple[str, str] | None:
        """(value, source) of `name` before nested variables are resolved, or None."""
        if name in self.overrides:
            return self.overrides[name], "--var"
        if name in self.captured:
            return self.captured[name], "captured"
        if name.startswith(ENV_PREFIX):
            key = name[len(ENV_PREFIX):]
            if key in self.os_environ:
                return self.os_environ[key], "os"
            if key in self.dotenv:
                return self.dotenv[key], ".env"
            return None
        for source, values in reversed(self.layers()[:3]):
            if name in values:
                return str(values[name]), source
        dynamic = dynamic_value(name)
        return (dynamic, "dynamic") if dynamic is not None else None

    def lookup(self, name: str, _depth: int = 0) -> str | None:
        found = self.raw(name)
        if found is None:
            return None
        value = found[0]
        if "{{" not in value:
            return value
        if _depth >= _MAX_DEPTH:
            raise VariableError(f"variable '{name}' refers to itself through other variables",
                                hint="break the cycle in its definition")

        def inner(match: re.Match[str]) -> str:
            inner_name = match.group(1)
            resolved = self.lookup(inner_name, _depth + 1)
            if resolved is None:
                raise VariableError(f"variable '{inner_name}' (used by '{name}', from {found[1]}) is not defined",
                                    hint="define it in the collection's variables, the environment, or pass --var")
            return resolved

        return VARIABLE.sub(inner, value)

    __call__ = lookup

    def resolve(self, text: str, *, where: str = "") -> str:
        return substitute(text, self, where=where)

    def static(self) -> dict[str, str]:
        """Every plain name known before anything runs (all layers but captures), highest winning."""
        merged: dict[str, str] = {}
        for source, values in self.layers():
            if source != "captured":
                merged.update(values)
        return merged

    def sources(self, referenced_env: list[str] | None = None) -> list[VariableSource]:
        """The variables view: each name's winning value, its source and what it hides, sorted by
        name. `referenced_env` adds `$env.NAME` rows for the names a collection uses."""
        rows: dict[str, VariableSource] = {}
        for source, values in self.layers():
            for name, value in values.items():
                row = rows.get(name)
                if row is None:
                    rows[name] = VariableSource(name, str(value), source, looks_secret(name))
                else:
                    row.shadowed.insert(0, (row.source, row.display))
                    row.value, row.source = str(value), source
        for key in referenced_env or []:
            name = key if key.startswith(ENV_PREFIX) else ENV_PREFIX + key
            found = self.raw(name)
            if found is not None and name not in rows:
                rows[name] = VariableSource(name, found[0], found[1], looks_secret(name))
        return [rows[name] for name in sorted(rows, key=str.lower)]


def env_names_used(texts: list[str]) -> list[str]:
    """The `$env.NAME` variables used in some texts, in order, without repeats."""
    seen: list[str] = []
    for text in texts:
        for name in names_in(text):
            if name.startswith(ENV_PREFIX) and name not in seen:
                seen.append(name)
    return seen


def unresolved(texts: list[tuple[str, str]], lookup: Lookup) -> list[tuple[str, str]]:
    """Every (name, where) that has no value, for showing all of them at once instead of the first."""
    missing: list[tuple[str, str]] = []
    for where, text in texts:
        for name in names_in(text):
            try:
                value = _get(lookup, name)
            except VariableError:
                value = None
            if value is None and (name, where) not in missing:
                missing.append((name, where))
    return missing


def request_texts(request: Any) -> list[tuple[str, str]]:
    """(where, text) for every place a request can use variables: URL, query, headers, body."""
    import json

    out: list[tuple[str, str]] = [("URL", request.url)]
    out += [("query", f"{k}={v}") for k, v in request.query]
    out += [("headers", f"{k}: {v}") for k, v in request.headers]
    body = request.body
    if body is not None:
        if body.kind == "json":
            out.append(("body", json.dumps(body.value, ensure_ascii=False)))
        elif body.kind == "form":
            out += [("form", f"{k}={v}") for k, v in body.value]
        elif body.kind == "multipart":
            out += [("multipart", f"{p.name}={p.value if p.file is None else p.file}") for p in body.value]
        else:
            out.append(("body", str(body.value)))
    return out
