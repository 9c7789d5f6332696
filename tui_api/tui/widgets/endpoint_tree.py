"""The left pane: a filter box over the spec's operations, grouped by tag.

Kept snappy on 1,000+ operations (Kubernetes): each operation's label and lower-case search text
are built once, typing is debounced, and a rebuild only re-adds the matching leaves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Static, Tree
from textual.widgets.tree import TreeNode

from tui_api.core.spec.model import Operation
from tui_api.tui.widgets.eager_input import EagerInput
from tui_api.tui.widgets.fit_tree import FitTree

METHOD_STYLES: dict[str, str] = {
    "GET": "bold green",
    "POST": "bold yellow",
    "PUT": "bold blue",
    "PATCH": "bold cyan",
    "DELETE": "bold red",
    "HEAD": "bold magenta",
    "OPTIONS": "bold magenta",
    "TRACE": "bold magenta",
}
FILTER_DELAY = 0.12  # seconds of quiet typing before the tree is rebuilt
EXPAND_ALL_BELOW = 80  # with fewer operations than this every group starts open


def method_badge(method: str, width: int = 7) -> Text:
    """The method in its colour, padded; the colour is a span, so text appended after stays plain."""
    badge = Text()
    badge.append(method.upper().ljust(width), style=METHOD_STYLES.get(method.upper(), "bold"))
    return badge


def operation_label(operation: Operation, *, show_summary: bool = True) -> Text:
    label = method_badge(operation.method)
    path_style = "strike dim" if operation.deprecated else ""
    label.append(operation.path, style=path_style)
    if operation.deprecated:
        label.append(" deprecated", style="italic red dim")
    if show_summary and operation.summary:
        label.append("  " + operation.summary, style="dim")
    return label


def search_text(operation: Operation) -> str:
    return " ".join(
        [operation.method, operation.path, operation.summary, operation.operation_id or "", *operation.tags]
    ).lower()


@dataclass
class _Indexed:
    operation: Operation
    label: Text
    haystack: str


class _OperationTree(FitTree[Operation]):
    """The operations tree: with a filter on, enter on a group holding a single match opens that
    match (the group is only a heading there; folding it would just hide the one result)."""

    filtered = False

    def action_select_cursor(self) -> None:
        node = self.cursor_node
        if self.filtered and node is not None and not isinstance(node.data, Operation):
            leaves = [child for child in node.children if isinstance(child.data, Operation)]
            if len(leaves) == 1 and len(node.children) == 1:
                node.expand()
                self.move_cursor(leaves[0])
                self.post_message(Tree.NodeSelected(leaves[0]))
                return
        super().action_select_cursor()


class EndpointTree(Vertical):
    """Filter input + `Tree[Operation]`. Posts `OperationSelected` when a leaf is chosen."""

    BINDINGS = [
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    DEFAULT_CSS = """
    EndpointTree {
        width: 1fr;
        height: 1fr;
    }
    EndpointTree #endpoint-filter {
        margin: 0 0 0 0;
    }
    EndpointTree #endpoint-count {
        color: $text-muted;
        padding: 0 1;
        height: 1;
    }
    EndpointTree Tree {
        height: 1fr;
        background: $surface;
    }
    """

    class OperationSelected(Message):
        """The user chose an operation (Enter or click on a leaf)."""

        def __init__(self, tree: EndpointTree, operation: Operation) -> None:
            super().__init__()
            self.tree = tree
            self.operation = operation

        @property
        def control(self) -> EndpointTree:
            return self.tree

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self._items: list[_Indexed] = []
        self._timer: Timer | None = None
        self._applied_filter = ""

    def compose(self) -> ComposeResult:
        yield EagerInput(placeholder="Filter endpoints  ( / )", id="endpoint-filter", compact=True)
        yield Static("", id="endpoint-count")
        tree: Tree[Operation] = _OperationTree("Endpoints", id="endpoint-tree")
        tree.show_root = False
        tree.guide_depth = 2
        yield tree

    # --- public API -----------------------------------------------------------------------
    @property
    def tree(self) -> Tree[Operation]:
        return self.query_one("#endpoint-tree", Tree)

    @property
    def filter_input(self) -> Input:
        return self.query_one("#endpoint-filter", Input)

    @property
    def operations(self) -> list[Operation]:
        return [item.operation for item in self._items]

    def set_operations(self, operations: Sequence[Operation]) -> None:
        self._items = [_Indexed(op, operation_label(op), search_text(op)) for op in operations]
        self._applied_filter = self.filter_input.value
        self._rebuild(self._matching(self._applied_filter), filtered=bool(self._applied_filter.strip()))

    def set_filter(self, text: str) -> None:
        """Filter now (no debounce): for tests and the command palette."""
        self.filter_input.value = text
        self._apply_filter(text)

    def visible_operations(self) -> list[Operation]:
        """Leaves currently in the tree, in order (an operation with two tags appears twice)."""
        found: list[Operation] = []

        def walk(node: TreeNode[Operation]) -> None:
            for child in node.children:
                if isinstance(child.data, Operation):
                    found.append(child.data)
                walk(child)

        walk(self.tree.root)
        return found

    def reveal(self, operation: Operation) -> bool:
        """Move the cursor to an operation (clearing a filter that hides it) and select it."""
        node = self._find(operation)
        if node is None and self.filter_input.value:
            self.set_filter("")
            node = self._find(operation)
        if node is None:
            return False
        if node.parent is not None:
            node.parent.expand()
            if node.parent.parent is not None:
                node.parent.parent.expand()
        self.tree.move_cursor(node)
        self.post_message(self.OperationSelected(self, operation))
        return True

    # --- internals ------------------------------------------------------------------------
    def _find(self, operation: Operation) -> TreeNode[Operation] | None:
        stack = list(self.tree.root.children)
        while stack:
            node = stack.pop(0)
            if node.data is operation or node.data == operation:
                return node
            stack[:0] = list(node.children)
        return None

    def _matching(self, text: str) -> list[_Indexed]:
        words = text.lower().split()
        if not words:
            return self._items
        return [item for item in self._items if all(word in item.haystack for word in words)]

    def _apply_filter(self, text: str) -> None:
        if text == self._applied_filter and self.tree.root.children:
            return
        self._applied_filter = text
        self._rebuild(self._matching(text), filtered=bool(text.strip()))

    def _rebuild(self, items: Iterable[_Indexed], *, filtered: bool) -> None:
        items = list(items)
        tree = self.tree
        tree.clear()
        if isinstance(tree, _OperationTree):
            tree.filtered = filtered
        expand = filtered or len(self._items) < EXPAND_ALL_BELOW
        groups: dict[str, list[_Indexed]] = {}
        untagged: dict[str, list[_Indexed]] = {}
        webhooks: list[_Indexed] = []
        callbacks: list[_Indexed] = []
        for item in items:
            op = item.operation
            if op.section == "webhooks":
                webhooks.append(item)
            elif op.section == "callbacks":
                callbacks.append(item)
            elif op.tags:
                for tag in op.tags:
                    groups.setdefault(tag, []).append(item)
            else:
                untagged.setdefault(op.path, []).append(item)
        for tag, members in groups.items():
            node = tree.root.add(self._group_label(tag, len(members)), expand=expand)
            for item in members:
                node.add_leaf(item.label, item.operation)
        for path, members in untagged.items():
            node = tree.root.add(self._group_label(path, len(members), style="bold"), expand=expand)
            for item in members:
                node.add_leaf(item.label, item.operation)
        for title, members in (("Webhooks", webhooks), ("Callbacks", callbacks)):
            if not members:
                continue
            section = tree.root.add(self._group_label(title, len(members), style="bold italic magenta"), expand=True)
            for item in members:
                label = item.label
                if item.operation.parent:
                    label = label.copy()
                    label.append(f"  from {item.operation.parent}", style="dim italic")
                section.add_leaf(label, item.operation)
        total = len(self._items)
        shown = len(items)
        count = self.query_one("#endpoint-count", Static)
        if not total:
            count.update("no operations")
        elif filtered:
            count.update(f"{shown} of {total} operations match")
        else:
            count.update(f"{total} operations")
        if tree.root.children:
            tree.cursor_line = 0

    @staticmethod
    def _group_label(name: str, count: int, style: str = "bold") -> Text:
        label = Text(name, style=style)
        label.append(f" {count}", style="dim")
        return label

    # --- handlers -------------------------------------------------------------------------
    @on(Input.Changed, "#endpoint-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        value = event.value
        self._timer = self.set_timer(FILTER_DELAY, lambda: self._apply_filter(value))

    @on(Input.Submitted, "#endpoint-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        """Enter in the filter opens the first match and moves into the tree (↓ only moves)."""
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self._apply_filter(event.value)
        tree = self.tree
        tree.focus()
        for line in range(tree.last_line + 1):
            node = tree.get_node_at_line(line)
            if node is not None and isinstance(node.data, Operation):
                tree.cursor_line = line
                self.post_message(self.OperationSelected(self, node.data))
                break

    @on(Tree.NodeSelected, "#endpoint-tree")
    def _node_selected(self, event: Tree.NodeSelected[Operation]) -> None:
        event.stop()
        if isinstance(event.node.data, Operation):
            self.post_message(self.OperationSelected(self, event.node.data))

    def action_clear_filter(self) -> None:
        if self.filter_input.value:
            self.set_filter("")
        self.filter_input.focus()

    def on_key(self, event) -> None:  # noqa: ANN001 - textual.events.Key
        if event.key == "down" and self.filter_input.has_focus:
            event.stop()
            self._enter_tree()

    def _enter_tree(self) -> None:
        """↓ from the filter: apply what was typed now (the debounce may not have fired, which left
        the cursor on the unfiltered tree) and land on the first matching operation, not on its
        group heading, where enter would fold the group instead of opening the match."""
        if self._timer is not None:
            self._timer.stop()
        self._apply_filter(self.filter_input.value)
        tree = self.tree
        for line in range(tree.last_line + 1):
            node = tree.get_node_at_line(line)
            if node is not None and isinstance(node.data, Operation):
                tree.cursor_line = line
                break
        # synchronously, so keys already queued behind ↓ (enter) reach the tree, not the filter
        try:
            self.screen.set_focus(tree)
        except Exception:  # noqa: BLE001 - not on a screen yet: the deferred way still works
            tree.focus()
