"""A scrollable view of many pre-highlighted lines that renders only the lines on screen.

A `Static` holding a few thousand highlighted lines lays all of them out on the UI thread; this view
(Textual's line API) costs the same for 10 lines or 10,000, so a large response body never stalls
the app. Lines are split and measured off the UI thread (`prepare_lines`).
"""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip


def prepare_lines(text: Text) -> tuple[list[Text], int]:
    """Split into lines and measure the widest; safe to call from a thread."""
    text = text.copy()
    text.expand_tabs(4)
    lines = text.split("\n", allow_blank=True)
    width = max((line.cell_len for line in lines), default=0)
    return list(lines), width


class TextLinesView(ScrollView, can_focus=True):
    """Read-only lines with vertical and horizontal scrolling (no wrapping)."""

    DEFAULT_CSS = """
    TextLinesView {
        height: 1fr;
        padding: 0 1;
        background: $surface;
    }
    TextLinesView:focus {
        background-tint: $foreground 3%;
    }
    """

    BINDINGS = [
        ("home", "scroll_home", "Top"),
        ("end", "scroll_end", "Bottom"),
    ]

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._lines: list[Text] = []
        self._cache: LRUCache[int, Strip] = LRUCache(1024)

    @property
    def lines(self) -> list[Text]:
        return self._lines

    @property
    def plain(self) -> str:
        return "\n".join(line.plain for line in self._lines)

    def set_lines(self, lines: list[Text], width: int | None = None) -> None:
        self._lines = lines
        self._cache.clear()
        if width is None:
            width = max((line.cell_len for line in lines), default=0)
        self.virtual_size = Size(width + 2, len(lines))
        self.scroll_to(0, 0, animate=False)
        self.refresh()

    def set_text(self, text: Text) -> None:
        self.set_lines(*prepare_lines(text))

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = y + scroll_y
        width = self.scrollable_content_region.width
        if index >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        strip = self._cache.get(index)
        if strip is None:
            line = self._lines[index]
            segments = [Segment(seg.text, seg.style) for seg in line.render(self.app.console) if seg.text != "\n"]
            strip = Strip(segments, line.cell_len)
            self._cache[index] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, self.rich_style).apply_style(self.rich_style)
