"""What the spec says about one operation: summary, description, parameters, request body schema,
security and responses, as read-only text (the editable request is the RequestEditor's job)."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui_api.core.spec.model import OperationDetail
from tui_api.tui.widgets.endpoint_tree import method_badge

MAX_SCHEMA_LINES = 400  # a huge schema is summarised, not rendered whole


def schema_type(schema: dict[str, Any]) -> str:
    if not isinstance(schema, dict):
        return "?"
    if "x-circular-ref" in schema:
        return f"↻ {str(schema['x-circular-ref']).rsplit('/', 1)[-1]}"
    if "$ref" in schema and isinstance(schema["$ref"], str):
        return "→ " + schema["$ref"].rsplit("/", 1)[-1]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = " | ".join(str(k) for k in kind)
    for combiner in ("oneOf", "anyOf", "allOf"):
        if combiner in schema and not kind:
            return combiner
    if kind == "array":
        return f"array[{schema_type(schema.get('items') or {})}]"
    text = str(kind or ("object" if "properties" in schema else "any"))
    if schema.get("format"):
        text += f" ({schema['format']})"
    if schema.get("enum"):
        values = ", ".join(str(v) for v in schema["enum"][:6])
        text += f" enum[{values}{', …' if len(schema['enum']) > 6 else ''}]"
    return text


def schema_lines(schema: dict[str, Any], *, limit: int = MAX_SCHEMA_LINES) -> Text:
    """Indented `name: type *required — description` lines; cycles are shown, never expanded."""
    out = Text()
    count = 0

    def line(depth: int, name: str, sub: dict[str, Any], required: bool) -> None:
        nonlocal count
        if count >= limit:
            return
        count += 1
        out.append("  " * depth)
        if name:
            out.append(name, style="bold")
            if required:
                out.append("*", style="red")
            out.append(": ")
        out.append(schema_type(sub), style="cyan")
        if isinstance(sub, dict):
            if sub.get("readOnly"):
                out.append(" read-only", style="dim")
            if sub.get("deprecated"):
                out.append(" deprecated", style="dim red")
            description = str(sub.get("description") or "").strip().split("\n", 1)[0]
            if description:
                out.append(f"  {description[:100]}", style="dim")
        out.append("\n")
        walk(sub, depth + 1)

    def walk(node: dict[str, Any], depth: int) -> None:
        if not isinstance(node, dict) or "x-circular-ref" in node or depth > 12:
            return
        props = node.get("properties")
        if isinstance(props, dict):
            required = set(node.get("required") or [])
            for name, sub in props.items():
                line(depth, str(name), sub if isinstance(sub, dict) else {}, name in required)
        items = node.get("items")
        if isinstance(items, dict) and isinstance(items.get("properties"), dict):
            walk(items, depth)
        for combiner in ("allOf", "oneOf", "anyOf"):
            branches = node.get(combiner)
            if isinstance(branches, list):
                for index, branch in enumerate(branches):
                    if combiner == "allOf":
                        walk(branch, depth)
                    else:
                        line(depth, f"{combiner}[{index}]", branch if isinstance(branch, dict) else {}, False)

    line(0, "", schema, False)
    if count >= limit:
        out.append(f"… schema cut at {limit} lines\n", style="dim italic")
    out.rstrip()
    return out


def render_detail(detail: OperationDetail) -> RenderableType:
    op = detail.operation
    parts: list[RenderableType] = []
    title = method_badge(op.method)
    title.append(op.path, style="bold strike" if op.deprecated else "bold")
    parts.append(title)
    if op.summary:
        parts.append(Text(op.summary, style="bold"))
    meta = Text()
    if op.operation_id:
        meta.append(f"operationId {op.operation_id}", style="dim")
    if op.tags:
        meta.append(("   " if meta else "") + "tags " + ", ".join(op.tags), style="dim")
    if op.deprecated:
        meta.append("   DEPRECATED", style="bold red")
    if meta:
        parts.append(meta)
    if detail.problems:
        for problem in detail.problems:
            parts.append(Text(f"⚠ {problem}", style="yellow"))
    if detail.description.strip():
        parts.append(Text(""))
        parts.append(Text(detail.description.strip()))
    if detail.parameters:
        parts.append(Text("\nParameters", style="bold underline"))
        table = Table(box=None, show_edge=False, pad_edge=False, header_style="dim", expand=False)
        for column in ("name", "in", "type", "example", "description"):
            table.add_column(column, overflow="fold")
        for param in detail.parameters:
            name = Text(param.name, style="bold strike" if param.deprecated else "bold")
            if param.required:
                name.append("*", style="red")
            example = "" if param.example is None else str(param.example)
            description = (param.description or "").strip().split("\n", 1)[0][:120]
            table.add_row(name, param.location, Text(schema_type(param.schema), style="cyan"),
                          example[:40], Text(description, style="dim"))
        parts.append(table)
    body = detail.request_body
    if body is not None:
        heading = Text("\nRequest body", style="bold underline")
        heading.append(f"  {body.content_type}", style="dim")
        if body.required:
            heading.append("  required", style="red")
        if len(body.content_types) > 1:
            heading.append("  also: " + ", ".join(t for t in body.content_types if t != body.content_type), style="dim")
        parts.append(heading)
        if body.description.strip():
            parts.append(Text(body.description.strip(), style="dim"))
        parts.append(schema_lines(body.schema))
    parts.append(Text("\nSecurity", style="bold underline"))
    if detail.security:
        for requirement in detail.security:
            if not requirement:
                parts.append(Text("  none (anonymous allowed)", style="dim"))
                continue
            parts.append(Text("  " + " + ".join(
                name + (f" [{', '.join(scopes)}]" if scopes else "") for name, scopes in requirement.items()
            )))
    else:
        parts.append(Text("  none declared", style="dim"))
    if detail.responses:
        parts.append(Text("\nResponses", style="bold underline"))
        for status, response in detail.responses.items():
            line = Text(f"  {status}", style=_status_style(status))
            description = str((response or {}).get("description") or "").strip().split("\n", 1)[0]
            if description:
                line.append(f"  {description[:120]}", style="dim")
            parts.append(line)
    return Group(*parts)


def _status_style(status: str) -> str:
    return {"2": "green", "3": "cyan", "4": "yellow", "5": "red"}.get(str(status)[:1], "bold")


class OperationInfo(VerticalScroll):
    """Scrollable, read-only documentation of the selected operation."""

    DEFAULT_CSS = """
    OperationInfo {
        height: 1fr;
        padding: 0 1;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(Text("Select an operation in the tree to see what the spec says about it.",
                          style="dim italic"), id="operation-info-body")

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.detail: OperationDetail | None = None
        self._renderable: RenderableType = Text("")

    def show(self, detail: OperationDetail) -> None:
        self.detail = detail
        self._renderable = render_detail(detail)
        self.query_one("#operation-info-body", Static).update(self._renderable)
        self.scroll_home(animate=False)

    def show_message(self, text: str, style: str = "dim italic") -> None:
        self.detail = None
        self._renderable = Text(text, style=style)
        self.query_one("#operation-info-body", Static).update(self._renderable)

    @property
    def plain_text(self) -> str:
        """What the pane shows, as plain text (tests, copying)."""
        console = Console(width=120, record=True, file=io.StringIO(), color_system=None)
        console.print(self._renderable)
        return console.export_text()
