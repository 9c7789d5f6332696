"""A Tree whose labels end in an ellipsis at the pane's edge instead of growing a horizontal
scrollbar: long paths and summaries (Kubernetes, Stripe) would otherwise push the tree sideways and
cost a line to the scrollbar. The full text stays in the Docs tab and the filter still searches it."""

from __future__ import annotations

from typing import TypeVar

from rich.style import Style
from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

T = TypeVar("T")


class FitTree(Tree[T]):
    DEFAULT_CSS = """
    FitTree {
        overflow-x: hidden;
    }
    """

    def render_label(self, node: TreeNode[T], base_style: Style, style: Style) -> Text:
        text = super().render_label(node, base_style, style)
        width = self.scrollable_content_region.width
        if width <= 0:
            return text  # not laid out yet: measured again on the first resize
        depth = 0
        parent = node.parent
        while parent is not None:
            depth += 1
            parent = parent.parent
        if not self.show_root:
            depth -= 1  # the hidden root draws no guide
        room = width - max(0, depth) * self.guide_depth
        if text.cell_len > room:
            text.truncate(max(1, room), overflow="ellipsis")
        return text
