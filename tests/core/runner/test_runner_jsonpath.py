"""The JSONPath subset checks and captures use."""

from __future__ import annotations

import pytest

from tui_api.core.errors import CollectionError
from tui_api.core.runner.jsonpath import find, validate

DOC = {
    "store": {"book": [{"title": "A", "price": 8}, {"title": "B", "price": 12, "meta": {"title": "inner"}}]},
    "odd key": {"x.y": 1},
    "list": [1, 2, 3, 4],
    "0": "zero-key",
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$.store.book[0].title", ["A"]),
        ("$.store.book[-1].price", [12]),
        ("$.store.book[*].title", ["A", "B"]),
        ("$..title", ["A", "B", "inner"]),
        ("$['odd key']['x.y']", [1]),
        ('$["odd key"]', [{"x.y": 1}]),
        ("$.list[1:3]", [2, 3]),
        ("$.list[::2]", [1, 3]),
        ("$.list[0,3]", [1, 4]),
        ("$.list[9]", []),
        ("$.missing.deeper", []),
        ("store.book[1].price", [12]),
        ("$", [DOC]),
        ("$.store.book[0].*", ["A", 8]),
        ("$[*].title", []),
        ("$[*].book[0].price", [8]),
    ],
)
def test_find(path, expected):
    assert find(path, DOC) == expected


def test_root_array_wildcard():
    assert find("$[*].id", [{"id": 1}, {"id": 2}, {"name": "x"}]) == [1, 2]


@pytest.mark.parametrize("path", ["$[?(@.price < 10)]", "$.a[", "$.a['b", "$..", "$.a[x]", "$.a!"])
def test_bad_paths_say_why(path):
    with pytest.raises(CollectionError) as info:
        find(path, DOC)
    assert "JSONPath" in str(info.value)
    assert validate(path) is not None


def test_validate_accepts_good_paths():
    assert validate("$.a[0].b") is None
