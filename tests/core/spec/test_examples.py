"""Example values from schemas: the order of preference users expect, and the limits that keep big
specs cheap."""

from __future__ import annotations

from tui_api.core.spec.examples import example_for_media, example_for_schema, find_choices, merge_all_of


def test_explicit_example_then_default_then_enum_then_format() -> None:
    assert example_for_schema({"type": "string", "example": "rex", "default": "d", "enum": ["a"]}) == "rex"
    assert example_for_schema({"type": "string", "examples": ["first", "second"]}) == "first"
    assert example_for_schema({"type": "string", "default": "d", "enum": ["a"]}) == "d"
    assert example_for_schema({"type": "string", "enum": [None, "a", "b"]}) == "a"
    assert example_for_schema({"const": 3}) == 3
    assert example_for_schema({"type": "string", "format": "date-time"}) == "2024-01-01T12:00:00Z"
    assert example_for_schema({"type": "string", "format": "date"}) == "2024-01-01"
    assert example_for_schema({"type": "string", "format": "uuid"}) == "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    assert example_for_schema({"type": "string", "format": "email"}) == "user@example.com"
    assert example_for_schema({"type": "string", "format": "uri"}) == "https://example.com"
    assert example_for_schema({"type": "string", "minLength": 10}) == "stringstri"
    assert example_for_schema({"type": "integer", "minimum": 5}) == 5
    assert example_for_schema({"type": "number", "exclusiveMinimum": 1}) == 1.5
    assert example_for_schema({"type": "boolean"}) is True
    assert example_for_schema({"type": ["null", "integer"]}) == 0
    assert example_for_schema({}) is None


def test_media_examples_map_first() -> None:
    media = {"examples": {"cat": {"value": {"name": "tom"}}}, "schema": {"type": "object"}}
    assert example_for_media(media) == {"name": "tom"}
    assert example_for_media({"example": [1], "schema": {"type": "array"}}) == [1]


def test_objects_read_only_required_and_write_only() -> None:
    schema = {
        "type": "object",
        "required": ["name"],
        "properties": {
            "id": {"type": "integer", "readOnly": True},
            "name": {"type": "string"},
            "password": {"type": "string", "writeOnly": True},
            "tags": {"type": "array", "items": {"type": "string"}},
        },
    }
    assert example_for_schema(schema, mode="request") == {"name": "string", "password": "string", "tags": ["string"]}
    assert example_for_schema(schema, mode="response") == {"id": 0, "name": "string", "tags": ["string"]}


def test_all_of_merged() -> None:
    schema = {"allOf": [
        {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}},
        {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
    ]}
    assert example_for_schema(schema) == {"id": 0, "name": "string"}
    assert merge_all_of(schema)["required"] == ["id", "name"]


def test_one_of_first_branch_and_picking_another() -> None:
    schema = {"type": "object", "properties": {"pet": {"oneOf": [
        {"title": "Cat", "type": "object", "properties": {"meow": {"type": "boolean"}}},
        {"title": "Dog", "type": "object", "properties": {"bark": {"type": "string"}}},
    ]}}}
    assert example_for_schema(schema) == {"pet": {"meow": True}}
    [choice] = find_choices(schema)
    assert (choice.path, choice.keyword, choice.options) == ("/properties/pet", "oneOf", ("Cat", "Dog"))
    assert example_for_schema(schema, branches={choice.path: 1}) == {"pet": {"bark": "string"}}


def test_any_of_prefers_a_branch_that_is_not_circular() -> None:
    schema = {"anyOf": [{"x-circular-ref": "#/components/schemas/customer"}, {"type": "string", "maxLength": 5000}]}
    assert example_for_schema(schema) == "string"


def test_depth_limit_and_required_circular_fields() -> None:
    schema = {"type": "object", "required": ["parent"], "properties": {
        "parent": {"x-circular-ref": "#/components/schemas/Node"},
        "sibling": {"x-circular-ref": "#/components/schemas/Node"},
    }}
    assert example_for_schema(schema) == {"parent": {}}
    deep: dict = {"type": "string"}
    for _ in range(50):
        deep = {"type": "object", "required": ["child"], "properties": {"child": deep}}
    value = example_for_schema(deep)
    levels = 0
    while isinstance(value, dict) and value:
        value = value["child"]
        levels += 1
    assert 4 <= levels <= 10


def test_additional_properties_map() -> None:
    assert example_for_schema({"type": "object", "additionalProperties": {"type": "integer"}}) == {"key": 0}


def test_pattern_examples_match_their_pattern() -> None:
    import re

    from tui_api.core.spec.pattern import example_for_pattern

    for pattern in (r"^MG[0-9a-fA-F]{32}$", r"^\+[1-9]\d{1,14}$", r"^[A-Z]{2}-\d{3}$", r"(cat|dog)s?", r"[^/]+"):
        value = example_for_pattern(pattern)
        assert value is not None and re.search(pattern, value), (pattern, value)
    assert example_for_pattern(r"^(?!foo)bar") is None  # look-arounds: give up, never a wrong value
    assert example_for_pattern("[unclosed") is None
    schema = {"type": "string", "pattern": r"^MG[0-9a-fA-F]{32}$", "minLength": 34, "maxLength": 34}
    assert example_for_schema(schema) == "MG" + "0" * 32


def test_length_and_item_count_limits_are_respected() -> None:
    assert example_for_schema({"type": "string", "maxLength": 2}) == "st"
    assert example_for_schema({"type": "string", "minLength": 8, "maxLength": 8}) == "stringst"
    assert example_for_schema({"type": "array", "items": {"type": "integer"}, "minItems": 3}) == [0, 0, 0]
    assert example_for_schema({"type": "array", "items": {"type": "object", "properties": {"a": {"type": "string"}}},
                               "minItems": 2}) == [{"a": "string"}, {"a": "string"}]
    assert len(example_for_schema({"type": "array", "items": {"type": "string"}, "minItems": 1000})) == 5


def test_exclusive_maximum_in_both_spellings() -> None:
    assert example_for_schema({"type": "integer", "exclusiveMaximum": 0}) == -1  # 3.1
    assert example_for_schema({"type": "integer", "maximum": 0, "exclusiveMaximum": True}) == -1  # 3.0
    assert example_for_schema({"type": "number", "maximum": -2}) == -2
