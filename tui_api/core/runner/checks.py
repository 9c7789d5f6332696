"""`expect` checks and `capture` rules, run on an Exchange.

Every failed check says what was expected and what came back, in one line, so a CI log is
enough to see why a run failed. Checks run on the body the Exchange kept: a truncated body fails
JSON checks with a message saying so, never with a misleading parse error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tui_api.core.collection.model import Expect
from tui_api.core.errors import CollectionError
from tui_api.core.http.exchange import Exchange
from tui_api.core.runner.jsonpath import find

OPERATORS = frozenset({"exists", "matches", "lt", "gt", "le", "ge", "eq", "ne", "contains", "length"})

# (operation key, status) -> (schema or None, note saying why none)
SchemaSource = Callable[[str, int], tuple[dict[str, Any] | None, str]]


@dataclass
class CheckResult:
    name: str  # "status", "json $.id", "header Content-Type", "max_ms", "schema", "capture id"
    passed: bool
    expected: str = ""
    actual: str = ""
    skipped: bool = False  # not applicable (e.g. no schema known): neither passed nor failed

    @property
    def message(self) -> str:
        if self.skipped:
            return f"{self.name}: skipped ({self.actual})"
        if self.passed:
            return f"{self.name}: ok"
        return f"{self.name}: expected {self.expected}, got {self.actual}"

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "passed": self.passed, "skipped": self.skipped,
                "expected": self.expected, "actual": self.actual, "message": self.message}


def show(value: Any, limit: int = 120) -> str:
    """A value as a user would write it in the collection (JSON), cut to one short line."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class BodyView:
    """The kept body, parsed as JSON at most once for all checks and captures."""

    _UNPARSED = object()

    def __init__(self, exchange: Exchange) -> None:
        self.exchange = exchange
        self._json: Any = self._UNPARSED
        self._problem: str | None = None

    def json(self) -> tuple[Any, str | None]:
        """(value, None) or (None, why the body cannot be read as JSON)."""
        if self._json is self._UNPARSED:
            ex = self.exchange
            if ex.truncated:
                self._json, self._problem = None, (
                    f"a truncated body ({len(ex.body)} of {ex.body_size} bytes kept; raise --max-body)")
            elif ex.error:
                self._json, self._problem = None, f"an incomplete body ({ex.error})"
            elif not ex.body:
                self._json, self._problem = None, "an empty body"
            else:
                try:
                    import orjson

                    self._json = orjson.loads(ex.body)
                except ImportError:  # pragma: no cover - orjson is a dependency
                    try:
                        self._json = json.loads(ex.body)
                    except ValueError:
                        self._json, self._problem = None, self._not_json()
                except ValueError:
                    self._json, self._problem = None, self._not_json()
        return self._json, self._problem

    def _not_json(self) -> str:
        ctype = self.exchange.content_type or "no Content-Type"
        return f"a body that is not JSON ({ctype}: {show(self.exchange.body[:60].decode('utf-8', 'replace'), 60)})"


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _equal(actual: Any, expected: Any) -> bool:
    if isinstance(actual, bool) or isinstance(expected, bool):
        return type(actual) is type(expected) and actual == expected
    return actual == expected


def _operator_check(name: str, found: list[Any], rules: dict[str, Any]) -> CheckResult:
    value = found[0] if len(found) == 1 else (found if found else None)
    actual = show(value) if found else "nothing"
    for op, target in rules.items():
        if op == "exists":
            want = bool(target)
            if bool(found) != want:
                return CheckResult(name, False, "a value" if want else "no value", actual)
            continue
        if not found:
            return CheckResult(name, False, f"{op} {show(target)}", "nothing (the path matched no value)")
        if op in ("lt", "gt", "le", "ge"):
            number, limit = _number(value), _number(target)
            symbol = {"lt": "<", "gt": ">", "le": "<=", "ge": ">="}[op]
            if number is None or limit is None:
                return CheckResult(name, False, f"a number {symbol} {show(target)}", actual)
            ok = {"lt": number < limit, "gt": number > limit, "le": number <= limit, "ge": number >= limit}[op]
            if not ok:
                return CheckResult(name, False, f"{symbol} {show(target)}", actual)
        elif op == "matches":
            text = value if isinstance(value, str) else show(value)
            if re.search(str(target), text) is None:
                return CheckResult(name, False, f"a match for /{target}/", actual)
        elif op == "eq":
            if not _equal(value, target):
                return CheckResult(name, False, show(target), actual)
        elif op == "ne":
            if _equal(value, target):
                return CheckResult(name, False, f"anything but {show(target)}", actual)
        elif op == "contains":
            ok = (isinstance(value, str) and isinstance(target, str) and target in value) or (
                isinstance(value, list) and any(_equal(item, target) for item in value)) or (
                isinstance(value, dict) and target in value)
            if not ok:
                return CheckResult(name, False, f"something containing {show(target)}", actual)
        elif op == "length":
            size = len(value) if isinstance(value, (list, dict, str)) else None
            if size != target:
                return CheckResult(name, False, f"length {show(target)}", f"length {size}" if size is not None else actual)
    return CheckResult(name, True, show(rules), actual)


def check_json(path: str, expected: Any, body: BodyView) -> CheckResult:
    name = f"json {path}"
    document, problem = body.json()
    if problem:
        return CheckResult(name, False, f"a JSON body to read {path} from", problem)
    found = find(path, document)
    if isinstance(expected, dict) and expected and set(expected) <= OPERATORS:
        return _operator_check(name, found, expected)
    if not found:
        return CheckResult(name, False, show(expected), "nothing (the path matched no value)")
    if len(found) == 1:
        return CheckResult(name, _equal(found[0], expected), show(expected), show(found[0]))
    return CheckResult(name, isinstance(expected, list) and len(expected) == len(found)
                       and all(_equal(a, b) for a, b in zip(found, expected)), show(expected), show(found))


def run_checks(
    expect: Expect,
    exchange: Exchange,
    *,
    body: BodyView | None = None,
    operation: str | None = None,
    schema_source: SchemaSource | None = None,
) -> list[CheckResult]:
    """Run the request's checks. Call only when a response came back (exchange.status set)."""
    body = body or BodyView(exchange)
    results: list[CheckResult] = []
    if expect.status:
        wanted = " or ".join(str(code) for code in expect.status)
        results.append(CheckResult("status", exchange.status in expect.status, wanted, str(exchange.status)))
    for path, expected in expect.json.items():
        try:
            results.append(check_json(path, expected, body))
        except CollectionError as exc:
            results.append(CheckResult(f"json {path}", False, "a valid JSONPath", str(exc)))
    for name, substring in expect.headers.items():
        value = exchange.header(name)
        results.append(CheckResult(f"header {name}", value is not None and str(substring) in value,
                                   f"a value containing {show(str(substring))}",
                                   show(value) if value is not None else "no such header"))
    if expect.max_ms is not None:
        results.append(CheckResult("max_ms", exchange.elapsed_ms <= expect.max_ms,
                                   f"at most {expect.max_ms:g} ms", f"{exchange.elapsed_ms:.0f} ms"))
    if expect.schema:
        results.append(check_schema(exchange, body, operation, schema_source))
    return results


def check_schema(exchange: Exchange, body: BodyView, operation: str | None,
                 schema_source: SchemaSource | None) -> CheckResult:
    name = "schema"
    if not operation:
        return CheckResult(name, False, skipped=True, actual="no schema known: the request has no spec operation")
    if schema_source is None:
        return CheckResult(name, False, skipped=True, actual="no schema known: the collection names no spec")
    schema, note = schema_source(operation, exchange.status or 0)
    if schema is None:
        return CheckResult(name, False, skipped=True, actual=f"no schema known: {note}")
    document, problem = body.json()
    if problem:
        return CheckResult(name, False, "a JSON body matching the response schema", problem)
    from tui_api.core.runner.schema import validate

    error = validate(document, schema)
    if error:
        return CheckResult(name, False, f"a body matching the {operation} {exchange.status} schema", error)
    return CheckResult(name, True, "the response schema", "a matching body")


def _as_variable(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def run_captures(capture: dict[str, str], exchange: Exchange, body: BodyView | None = None
                 ) -> tuple[dict[str, str], list[CheckResult]]:
    """Values for later requests. `header:Name`, `status`, `body`, or a JSONPath. A capture that
    finds nothing is a failed check (later requests would otherwise fail confusingly)."""
    body = body or BodyView(exchange)
    values: dict[str, str] = {}
    failures: list[CheckResult] = []
    for variable, rule in capture.items():
        rule = str(rule).strip()
        name = f"capture {variable}"
        if rule.lower().startswith("header:"):
            header = rule.split(":", 1)[1].strip()
            value = exchange.header(header)
            if value is None:
                # "the": an article guessed from the name read "a ETag header" (or "a X-Id")
                failures.append(CheckResult(name, False, f"the {header} header", "no such header"))
            else:
                values[variable] = value
            continue
        if rule == "status":
            values[variable] = str(exchange.status)
            continue
        if rule == "body":
            values[variable] = exchange.body.decode("utf-8", "replace")
            continue
        document, problem = body.json()
        if problem:
            failures.append(CheckResult(name, False, f"a JSON body to read {rule} from", problem))
            continue
        try:
            found = find(rule, document)
        except CollectionError as exc:
            failures.append(CheckResult(name, False, "a valid JSONPath", str(exc)))
            continue
        if not found:
            failures.append(CheckResult(name, False, f"a value at {rule}", "nothing (the path matched no value)"))
        else:
            values[variable] = _as_variable(found[0] if len(found) == 1 else found)
    return values, failures
