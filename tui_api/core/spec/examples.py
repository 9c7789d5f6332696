"""Example values made from (resolved) schemas, for request bodies and parameters.

Order of preference, as users expect from Swagger UI and friends: an explicit `example` /
`examples`, then `default`, `const`, `enum`, then a value that fits `format` (date-time, uuid,
email, ...) and `type`. `allOf` branches are merged; of `oneOf`/`anyOf` the first branch is taken
unless the caller picks another (`branches`, keyed by the schema location that `find_choices`
reports). `readOnly` properties are left out of request bodies and `writeOnly` ones out of
responses; required properties are always present; depth is limited so huge specs stay cheap.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Literal

Mode = Literal["request", "response"]

MAX_DEPTH = 8  # object/array nesting below which only required properties are filled
OPTIONAL_DEPTH = 4  # below this depth optional properties are left out (keeps Stripe-sized bodies small)

_SKIP = object()
MISSING = _SKIP  # what explicit_example returns when a node has no example

FORMAT_EXAMPLES: dict[str, Any] = {
    "date-time": "2024-01-01T12:00:00Z",
    "date": "2024-01-01",
    "time": "12:00:00",
    "duration": "P1D",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "uri": "https://example.com",
    "url": "https://example.com",
    "uri-reference": "/example",
    "iri": "https://example.com",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": "ZXhhbXBsZQ==",
    "binary": "",
    "password": "secret",
    "json-pointer": "/example",
    "regex": ".*",
    "int32": 0,
    "int64": 0,
}


@dataclass(frozen=True)
class Choice:
    """A `oneOf`/`anyOf` in a schema: where it is and a label per branch, for a picker."""

    path: str  # e.g. "" for the root, "/properties/pet" for a property
    keyword: str  # "oneOf" or "anyOf"
    options: tuple[str, ...]


def example_for_schema(schema: Any, *, mode: Mode = "request", branches: dict[str, int] | None = None) -> Any:
    """An example value for `schema` (None when nothing sensible can be made)."""
    value = _example(schema, mode, branches or {}, "", 0)
    return None if value is _SKIP else value


def example_for_media(media: Any, *, mode: Mode = "request", branches: dict[str, int] | None = None) -> Any:
    """An example for an OpenAPI Media Type / Parameter object: its own example(s) first, then the schema."""
    if not isinstance(media, dict):
        return None
    explicit = explicit_example(media)
    if explicit is not _SKIP:
        return explicit
    return example_for_schema(media.get("schema"), mode=mode, branches=branches)


def explicit_example(node: dict[str, Any]) -> Any:
    """`example`, or the first of `examples` (an Example Object map in 3.x, a list in JSON Schema)."""
    if "example" in node:
        return copy.deepcopy(node["example"])
    if "x-example" in node:
        return copy.deepcopy(node["x-example"])
    examples = node.get("examples")
    if isinstance(examples, list) and examples:
        return copy.deepcopy(examples[0])
    if isinstance(examples, dict):
        for entry in examples.values():
            if isinstance(entry, dict) and "value" in entry:
                return copy.deepcopy(entry["value"])
    return _SKIP


def has_explicit_example(node: Any) -> bool:
    if not isinstance(node, dict):
        return False
    if explicit_example(node) is not _SKIP:
        return True
    content = node.get("content")
    if isinstance(content, dict) and content and "schema" not in node:  # a `content` parameter
        media = next(iter(content.values()))
        return isinstance(media, dict) and has_explicit_example(media)
    schema = node.get("schema")
    return isinstance(schema, dict) and (explicit_example(schema) is not _SKIP or "default" in schema)


def find_choices(schema: Any, path: str = "", depth: int = 0) -> list[Choice]:
    """Every `oneOf`/`anyOf` reachable in `schema`, so a UI can offer to pick another branch."""
    found: list[Choice] = []
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return found
    for keyword in ("oneOf", "anyOf"):
        options = schema.get(keyword)
        if isinstance(options, list) and options:
            found.append(Choice(path, keyword, tuple(_label(o, i) for i, o in enumerate(options))))
    for name, prop in (schema.get("properties") or {}).items() if isinstance(schema.get("properties"), dict) else ():
        found.extend(find_choices(prop, f"{path}/properties/{name}", depth + 1))
    if isinstance(schema.get("items"), dict):
        found.extend(find_choices(schema["items"], f"{path}/items", depth + 1))
    for part in schema["allOf"] if isinstance(schema.get("allOf"), list) else ():
        found.extend(find_choices(part, path, depth + 1))
    return found


def _label(schema: Any, index: int) -> str:
    if isinstance(schema, dict):
        for key in ("title", "x-circular-ref"):
            if isinstance(schema.get(key), str):
                return schema[key].rsplit("/", 1)[-1]
        if isinstance(schema.get("type"), str):
            return schema["type"]
    return f"option {index + 1}"


def merge_all_of(schema: dict[str, Any]) -> dict[str, Any]:
    """A schema with its `allOf` branches folded in: properties and `required` united. Properties
    come in reading order (the base type's `id`, `name` before an extension's fields); on a
    clash the schema's own definition wins, then the earlier branch."""
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k not in ("allOf", "properties")}
    properties: dict[str, Any] = {}
    parts = schema.get("allOf")
    for part in parts if isinstance(parts, list) else ():
        if not isinstance(part, dict):
            continue
        if "allOf" in part:
            part = merge_all_of(part)
        for key, value in part.items():
            if key == "properties" and isinstance(value, dict):
                for name, prop in value.items():
                    properties.setdefault(name, prop)
            elif key == "required" and isinstance(value, list):
                before = merged.get("required") if isinstance(merged.get("required"), list) else []
                merged["required"] = list(dict.fromkeys(r for r in [*before, *value] if isinstance(r, str)))
            elif key not in merged:
                merged[key] = value
    own = schema.get("properties")
    if isinstance(own, dict):
        properties.update(own)
    if properties or "properties" in schema:
        merged["properties"] = properties
    return merged


def _schema_type(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if kinds else "null"
    if isinstance(kind, str):
        return kind
    if "properties" in schema or "additionalProperties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    fmt = schema.get("format")
    if fmt in FORMAT_EXAMPLES:
        return "integer" if fmt in ("int32", "int64") else "string"
    return None


def _example(schema: Any, mode: Mode, branches: dict[str, int], path: str, depth: int) -> Any:
    if not isinstance(schema, dict):
        return _SKIP
    if "x-circular-ref" in schema or "x-unresolved-ref" in schema:
        return _SKIP
    explicit = explicit_example(schema)
    if explicit is not _SKIP:
        return explicit
    if "default" in schema:
        return copy.deepcopy(schema["default"])
    if "const" in schema:
        return copy.deepcopy(schema["const"])
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        non_null = [e for e in enum if e is not None]
        return copy.deepcopy(non_null[0] if non_null else enum[0])
    if "allOf" in schema:
        return _example(merge_all_of(schema), mode, branches, path, depth)
    for keyword in ("oneOf", "anyOf"):
        options = schema.get(keyword)
        if isinstance(options, list) and options:
            index = branches.get(path, 0)
            index = index if 0 <= index < len(options) else 0
            chosen = options[index]
            rest = {k: v for k, v in schema.items() if k not in ("oneOf", "anyOf", "discriminator")}
            if isinstance(chosen, dict) and rest.get("properties"):
                chosen = merge_all_of({"allOf": [rest, chosen]})  # shared fields first
            elif isinstance(chosen, dict) and "x-circular-ref" in chosen:
                # prefer a branch we can show (Stripe's "expandable" fields: anyOf [string, Object])
                usable = [o for o in options if isinstance(o, dict) and "x-circular-ref" not in o]
                chosen = usable[0] if usable and path not in branches else chosen
            return _example(chosen, mode, branches, path, depth)
    kind = _schema_type(schema)
    if kind == "object":
        return _object_example(schema, mode, branches, path, depth)
    if kind == "array":
        if depth >= MAX_DEPTH:
            return []
        item = _example(schema.get("items"), mode, branches, f"{path}/items", depth + 1)
        if item is _SKIP:
            return []
        min_items = schema.get("minItems")
        count = min(min_items, 5) if isinstance(min_items, int) and not isinstance(min_items, bool) and min_items > 1 else 1
        return [copy.deepcopy(item) for _ in range(count)]
    if kind == "string":
        fmt = schema.get("format")
        if isinstance(fmt, str) and fmt in FORMAT_EXAMPLES and isinstance(FORMAT_EXAMPLES[fmt], str):
            return FORMAT_EXAMPLES[fmt]
        min_length = schema.get("minLength")
        pattern = schema.get("pattern")
        if isinstance(pattern, str) and pattern:
            from tui_api.core.spec.pattern import example_for_pattern

            matched = example_for_pattern(pattern, min_length if isinstance(min_length, int) else None)
            if matched is not None:
                return matched
        text = "string"
        if isinstance(min_length, int) and min_length > len(text):
            text = (text * (min_length // len(text) + 1))[:min_length]
        max_length = schema.get("maxLength")
        if isinstance(max_length, int) and not isinstance(max_length, bool) and 0 <= max_length < len(text):
            text = text[:max_length]  # a country code (maxLength 2) must not be "string"
        return text
    if kind in ("integer", "number"):
        return _number_example(schema, kind)
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return _SKIP


def _number_example(schema: dict[str, Any], kind: str) -> int | float:
    low = schema.get("minimum")
    excl = schema.get("exclusiveMinimum")
    if isinstance(excl, (int, float)) and not isinstance(excl, bool):
        low = excl + (1 if kind == "integer" else 0.5)
    elif excl is True and isinstance(low, (int, float)):
        low = low + 1
    high = schema.get("maximum")
    excl_high = schema.get("exclusiveMaximum")
    if isinstance(excl_high, (int, float)) and not isinstance(excl_high, bool):
        high = excl_high - (1 if kind == "integer" else 0.5)  # 3.1: a number
    elif excl_high is True and isinstance(high, (int, float)) and not isinstance(high, bool):
        high = high - (1 if kind == "integer" else 0.5)  # 3.0: a flag on maximum
    value: int | float = low if isinstance(low, (int, float)) and not isinstance(low, bool) else 0
    if isinstance(high, (int, float)) and not isinstance(high, bool) and value > high:
        value = high
    return int(value) if kind == "integer" else value


def _object_example(schema: dict[str, Any], mode: Mode, branches: dict[str, int], path: str, depth: int) -> Any:
    result: dict[str, Any] = {}
    if depth >= MAX_DEPTH:
        return result
    required = {r for r in schema["required"] if isinstance(r, str)} if isinstance(schema.get("required"), list) else set()
    properties = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
    for name, prop in properties.items():
        if not isinstance(prop, dict):
            continue
        if mode == "request" and prop.get("readOnly") is True:
            continue
        if mode == "response" and prop.get("writeOnly") is True:
            continue
        is_required = name in required
        if not is_required and depth >= OPTIONAL_DEPTH:
            continue
        value = _example(prop, mode, branches, f"{path}/properties/{name}", depth + 1)
        if value is _SKIP:
            if not is_required:
                continue
            value = {} if _schema_type(prop) == "object" or "x-circular-ref" in prop else None
        result[name] = value
    extra = schema.get("additionalProperties")
    if not properties and isinstance(extra, dict) and extra:
        value = _example(extra, mode, branches, f"{path}/additionalProperties", depth + 1)
        if value is not _SKIP:
            result["key"] = value
    return result
