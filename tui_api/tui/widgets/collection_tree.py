"""The collection's folders and requests, in file order. Selecting a request posts
`RequestSelected` with the request and the folder path leading to it (for auth inheritance and
for saving back in place)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from tui_api.core.collection.model import Collection, Folder, Request
from tui_api.tui.widgets.fit_tree import FitTree
from tui_api.tui.widgets.endpoint_tree import method_badge


@dataclass
class CollectionItem:
    """What a tree node holds: the request (or folder) and where it sits."""

    item: Request | Folder
    folders: tuple[str, ...]


class CollectionTree(Vertical):
    BINDINGS = [
        Binding("r", "item('rename')", "Rename", id="collection-rename"),
        Binding("d", "item('duplicate')", "Duplicate", id="collection-duplicate"),
        Binding("m", "item('move')", "Move", id="collection-move"),
        Binding("delete,x", "item('delete')", "Delete", id="collection-delete"),
    ]

    DEFAULT_CSS = """
    CollectionTree {
        height: 1fr;
    }
    CollectionTree #collection-title {
        height: auto;
        padding: 0 1;
        color: $text-muted;
    }
    CollectionTree Tree {
        height: 1fr;
        background: $surface;
    }
    """

    class RequestSelected(Message):
        def __init__(self, tree: CollectionTree, request: Request, folders: tuple[str, ...]) -> None:
            super().__init__()
            self.tree = tree
            self.request = request
            self.folders = folders

        @property
        def control(self) -> CollectionTree:
            return self.tree

    class ItemAction(Message):
        """Rename / duplicate / move / delete was asked for the request under the cursor."""

        def __init__(self, tree: CollectionTree, action: str, request: Request, folders: tuple[str, ...]) -> None:
            super().__init__()
            self.tree = tree
            self.action = action
            self.request = request
            self.folders = folders

        @property
        def control(self) -> CollectionTree:
            return self.tree

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.collection: Collection | None = None
        self._modified: Request | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("No collection open. ctrl+s saves the request in the editor into a new "
                          "collection file; `tui-api FILE.yaml` opens one. On a request: r renames, "
                          "d duplicates, m moves, x deletes.", style="dim italic"),
                     id="collection-title")
        tree: Tree[CollectionItem] = FitTree("collection", id="collection-tree")
        tree.show_root = False
        yield tree

    @property
    def tree(self) -> Tree[CollectionItem]:
        return self.query_one("#collection-tree", Tree)

    def set_collection(self, collection: Collection | None) -> None:
        self.collection = collection
        self.refresh_tree()

    def mark_modified(self, request: Request | None) -> None:
        """The request whose editor copy has unsaved changes (None: nothing unsaved)."""
        if request is self._modified:
            return
        self._modified = request
        self._relabel(self.tree.root)

    def refresh_tree(self) -> None:
        tree = self.tree
        tree.clear()
        title = self.query_one("#collection-title", Static)
        collection = self.collection
        if collection is None:
            return
        text = Text()
        text.append(collection.name, style="bold")
        count = len(collection.requests())
        text.append(f"  {count} request{'s' if count != 1 else ''}", style="dim")
        if collection.path:
            text.append(f"\n{collection.path}", style="dim")
        text.append("\nr rename  d duplicate  m move  x delete", style="dim italic")
        title.update(text)
        self._add_items(tree.root, collection.items, ())
        if tree.root.children:
            tree.cursor_line = 0

    def request_nodes(self) -> list[TreeNode[CollectionItem]]:
        found: list[TreeNode[CollectionItem]] = []

        def walk(node: TreeNode[CollectionItem]) -> None:
            for child in node.children:
                if child.data is not None and isinstance(child.data.item, Request):
                    found.append(child)
                walk(child)

        walk(self.tree.root)
        return found

    def select_request(self, request: Request) -> bool:
        for node in self.request_nodes():
            if node.data is not None and node.data.item is request:
                self.tree.move_cursor(node)
                self.post_message(self.RequestSelected(self, request, node.data.folders))
                return True
        return False

    def select_request_quietly(self, request: Request) -> None:
        """Move the cursor to it without loading it again."""
        for node in self.request_nodes():
            if node.data is not None and node.data.item is request:
                self.tree.move_cursor(node)
                return

    # --- internals ------------------------------------------------------------------------
    def _add_items(self, parent: TreeNode[CollectionItem], items: list[Request | Folder],
                   folders: tuple[str, ...]) -> None:
        for item in items:
            if isinstance(item, Folder):
                node = parent.add(self._label(item), CollectionItem(item, folders), expand=True)
                self._add_items(node, item.items, folders + (item.name,))
            else:
                parent.add_leaf(self._label(item), CollectionItem(item, folders))

    def _label(self, item: Request | Folder) -> Text:
        if isinstance(item, Folder):
            label = Text("▪ ", style="yellow")
            label.append(item.name, style="bold")
            if item.auth:
                label.append(f"  auth: {item.auth}", style="dim")
            return label
        label = method_badge(item.method)
        label.append(item.name)
        if item is self._modified:
            label.append(" ●", style="bold yellow")
        return label

    def _relabel(self, node: TreeNode[CollectionItem]) -> None:
        for child in node.children:
            if child.data is not None:
                child.set_label(self._label(child.data.item))
            self._relabel(child)

    def action_item(self, action: str) -> None:
        node = self.tree.cursor_node
        data = node.data if node is not None else None
        if data is None or not isinstance(data.item, Request):
            self.notify("put the cursor on a request first", severity="warning")
            return
        self.post_message(self.ItemAction(self, action, data.item, data.folders))

    @on(Tree.NodeSelected, "#collection-tree")
    def _selected(self, event: Tree.NodeSelected[CollectionItem]) -> None:
        event.stop()
        data = event.node.data
        if data is not None and isinstance(data.item, Request):
            self.post_message(self.RequestSelected(self, data.item, data.folders))
