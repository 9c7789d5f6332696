"""Parameter serialisation by style/explode, and resolution limits for hostile documents."""

from __future__ import annotations

from pathlib import Path

from tui_api.core.spec import open_spec
from tui_api.core.spec.model import Operation, OperationDetail, Parameter
from tui_api.core.spec.request import build_request, serialise_query


def _param(name: str, value: object, style: str | None, explode: bool | None, location: str = "query") -> Parameter:
    return Parameter(name=name, location=location, required=True, example=value, style=style,  # type: ignore[arg-type]
                     explode=explode)


def test_query_styles() -> None:
    assert serialise_query(_param("id", [3, 4], "form", True)) == [("id", "3"), ("id", "4")]
    assert serialise_query(_param("id", [3, 4], "form", False)) == [("id", "3,4")]
    assert serialise_query(_param("id", [3, 4], "spaceDelimited", False)) == [("id", "3 4")]
    assert serialise_query(_param("id", [3, 4], "pipeDelimited", False)) == [("id", "3|4")]
    assert serialise_query(_param("f", {"a": 1, "b": True}, "deepObject", True)) == [("f[a]", "1"), ("f[b]", "true")]
    assert serialise_query(_param("f", {"a": 1, "b": 2}, "form", True)) == [("a", "1"), ("b", "2")]
    assert serialise_query(_param("f", {"a": 1, "b": 2}, "form", False)) == [("f", "a,1,b,2")]


def test_path_styles() -> None:
    op = Operation(key="GET /p/{a}/{b}/{c}", method="GET", path="/p/{a}/{b}/{c}")
    detail = OperationDetail(operation=op, parameters=[
        _param("a", [1, 2], "simple", False, "path"),
        _param("b", "x y", "label", False, "path"),
        _param("c", 5, "matrix", False, "path"),
    ])
    assert build_request(detail, server_url="http://h").url == "http://h/p/1,2/.x%20y/;c=5"


def test_header_and_cookie_params() -> None:
    op = Operation(key="GET /", method="GET", path="/")
    detail = OperationDetail(operation=op, parameters=[
        _param("X-Ids", [1, 2], "simple", False, "header"),
        _param("session", "abc", "form", True, "cookie"),
        _param("theme", "dark", "form", True, "cookie"),
        _param("Authorization", "secret", "simple", False, "header"),  # auth belongs to profiles
    ])
    assert build_request(detail, server_url="http://h").headers == [("X-Ids", "1,2"), ("Cookie", "session=abc; theme=dark")]


def test_yaml_alias_bomb_is_bounded(tmp_path: Path) -> None:
    lines = ["openapi: 3.0.3", "info: {title: bomb, version: '1'}", "x-bomb:", "  l0: &l0 [a, a, a, a, a, a, a, a, a, a]"]
    for level in range(1, 9):
        refs = ", ".join([f"*l{level - 1}"] * 10)
        lines.append(f"  l{level}: &l{level} [{refs}]")
    lines += ["paths:", "  /x:", "    get:", "      responses:", "        '200':", "          description: ok",
              "          content:", "            application/json:", "              schema:",
              "                type: object", "                example: *l8"]
    spec = tmp_path / "bomb.yaml"
    spec.write_text("\n".join(lines) + "\n")
    doc = open_spec(str(spec))
    detail = doc.detail("GET /x")  # 10^9 leaves if expanded: must come back, bounded
    assert "x-truncated" in repr(detail.responses["200"])
