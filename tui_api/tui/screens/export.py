"""A request as a cURL command or an httpx script: shown, and copied to the clipboard on `c`
(through the terminal, OSC 52, so it works over SSH). Credentials appear only as references."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label

from tui_api.tui.body_format import THEME
from tui_api.tui.widgets.text_lines_view import TextLinesView


class ExportScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q", "dismiss", "Close", id="export-close"),
        Binding("c", "copy", "Copy", id="export-copy"),
    ]

    DEFAULT_CSS = """
    ExportScreen {
        align: center middle;
    }
    ExportScreen > Vertical {
        width: 95%;
        height: 80%;
        border: round $accent;
        background: $panel;
        padding: 0 1;
    }
    ExportScreen #export-title {
        text-style: bold;
        margin-bottom: 1;
    }
    """

    def __init__(self, title: str, text: str, *, lexer: str = "bash") -> None:
        super().__init__()
        self.title_text = title
        self.text = text
        self.lexer = lexer

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"{self.title_text}   c copies to the clipboard, esc closes", id="export-title")
            yield TextLinesView(id="export-text")

    def on_mount(self) -> None:
        from rich.syntax import Syntax

        highlighted: Text = Syntax(self.text, self.lexer, theme=THEME, background_color="default").highlight(self.text)
        view = self.query_one(TextLinesView)
        view.set_text(highlighted)
        view.focus()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.text)
        self.notify("copied (your terminal must allow OSC 52 clipboard access)")
