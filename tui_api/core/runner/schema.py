"""`schema: true`: validate a response body against the response schema of its spec operation.

The spec is opened through `tui_api.core.spec.open_spec` (index first, one operation's details
resolved on demand), once per run; jsonschema is imported only when a schema check runs.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any


def _openapi_to_jsonschema(schema: Any, seen: set[int] | None = None) -> Any:
    """OpenAPI 3.0's `nullable: true` becomes a JSON Schema `null` type; the rest is kept."""
    seen = seen if seen is not None else set()
    if isinstance(schema, dict):
        if id(schema) in seen:
            return {}
        seen.add(id(schema))
        out = {key: _openapi_to_jsonschema(value, seen) for key, value in schema.items()}
        if out.get("nullable") is True:
            kind = out.get("type")
            if isinstance(kind, str):
                out["type"] = [kind, "null"]
            elif isinstance(kind, list) and "null" not in kind:
                out["type"] = kind + ["null"]
            elif "enum" in out and None not in out["enum"]:
                out["enum"] = list(out["enum"]) + [None]
        seen.discard(id(schema))
        return out
    if isinstance(schema, list):
        return [_openapi_to_jsonschema(item, seen) for item in schema]
    return schema


def validate(document: Any, schema: dict[str, Any]) -> str | None:
    """None when `document` matches, else one line: the best error and where it is."""
    import jsonschema
    from jsonschema import validators

    prepared = _openapi_to_jsonschema(copy.deepcopy(schema) if len(str(schema)) < 100_000 else schema)
    cls = validators.validator_for(prepared, default=jsonschema.Draft202012Validator)
    try:
        validator = cls(prepared)
        error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    except (jsonschema.exceptions.SchemaError, jsonschema.exceptions.RefResolutionError) as exc:
        return f"a schema that could not be used ({str(exc).splitlines()[0]})"
    except RecursionError:
        return "a schema too deeply recursive to check"
    if error is None:
        return None
    where = error.json_path if hasattr(error, "json_path") else "$"
    return f"{error.message[:200]} at {where}"


def _response_schema(response: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON schema of one response object, OpenAPI 3 (`content`) or Swagger 2 (`schema`)."""
    content = response.get("content")
    if isinstance(content, dict):
        for media, entry in content.items():
            if "json" in media.lower() and isinstance(entry, dict) and isinstance(entry.get("schema"), dict):
                return entry["schema"]
        for entry in content.values():
            if isinstance(entry, dict) and isinstance(entry.get("schema"), dict):
                return entry["schema"]
        return None
    schema = response.get("schema")
    return schema if isinstance(schema, dict) else None


class SpecSchemas:
    """A `SchemaSource` over one spec file; opened lazily on the first schema check."""

    def __init__(self, spec: str, base_dir: Path | None = None) -> None:
        path = Path(spec).expanduser()
        if not path.is_absolute() and base_dir is not None and "://" not in spec:
            path = base_dir / path
        self.source = spec if "://" in spec else str(path)
        self._index: Any = None
        self._problem: str | None = None
        self._details: dict[str, Any] = {}

    def _open(self) -> Any:
        if self._index is None and self._problem is None:
            try:
                from tui_api.core.spec import open_spec  # type: ignore[attr-defined]
            except ImportError:
                self._problem = "the spec reader is not available in this build"
                return None
            try:
                self._index = open_spec(self.source)
            except Exception as exc:  # noqa: BLE001 - any spec failure skips the check, with why
                self._problem = f"the spec {self.source} could not be read ({str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__})"
        return self._index

    def _detail(self, operation: str) -> tuple[Any, str]:
        index = self._open()
        if index is None:
            return None, self._problem or "no spec"
        if operation not in self._details:
            try:
                self._details[operation] = (index.detail(operation), "")
            except Exception as exc:  # noqa: BLE001 - an unknown operation skips the check, with why
                self._details[operation] = (None, str(exc).splitlines()[0] if str(exc) else "")
        detail, why = self._details[operation]
        if detail is None:
            return None, f"operation {operation} not found in {self.source}" + (f" ({why})" if why else "")
        return detail, ""

    def problem(self, operation: str) -> str | None:
        """Why `schema: true` can never check `operation` (the spec cannot be read, or has no
        such operation), or None. `tui-api run` asks before sending: such a check would be
        skipped on every response and count as a pass."""
        detail, why = self._detail(operation)
        return why if detail is None else None

    def __call__(self, operation: str, status: int) -> tuple[dict[str, Any] | None, str]:
        detail, why = self._detail(operation)
        if detail is None:
            return None, why
        responses = getattr(detail, "responses", {}) or {}
        code = str(status)
        response = responses.get(code) or responses.get(f"{code[0]}XX") or responses.get(f"{code[0]}xx") \
            or responses.get("default")
        if not isinstance(response, dict):
            return None, f"{operation} documents no {code} response"
        schema = _response_schema(response)
        if schema is None:
            return None, f"{operation} {code} response has no JSON schema"
        return schema, ""
