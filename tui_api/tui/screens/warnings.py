"""The spec's warnings (validation findings, unresolvable refs) in one scrollable list."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label

from tui_api.tui.widgets.text_lines_view import TextLinesView


class WarningsScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q", "dismiss", "Close", id="warnings-close"),
    ]

    DEFAULT_CSS = """
    WarningsScreen {
        align: center middle;
    }
    WarningsScreen > Vertical {
        width: 90%;
        height: 80%;
        border: round $warning;
        background: $panel;
        padding: 0 1;
    }
    WarningsScreen #warnings-title {
        text-style: bold;
        margin: 0 0 1 0;
    }
    """

    def __init__(self, warnings: list[str], *, title: str = "Spec warnings", pending: bool = False) -> None:
        super().__init__()
        self.warnings = warnings
        self.title_text = title
        self.pending = pending

    def compose(self) -> ComposeResult:
        with Vertical():
            count = len(self.warnings)
            suffix = "  (validation still running)" if self.pending else ""
            yield Label(f"{self.title_text}: {count}{suffix}   esc closes", id="warnings-title")
            yield TextLinesView(id="warnings-list")

    def on_mount(self) -> None:
        text = Text()
        if not self.warnings:
            text.append("No warnings.", style="dim italic")
        for number, warning in enumerate(self.warnings, 1):
            text.append(f"{number:>4}. ", style="dim")
            text.append(warning.replace("\n", " ") + "\n", style="yellow" if "error" in warning.lower() else "")
        view = self.query_one(TextLinesView)
        view.set_text(text)
        view.focus()
