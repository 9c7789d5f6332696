"""A one-line question (a file name, a request name): Enter answers, Escape cancels."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from tui_api.tui.widgets.eager_input import EagerInput


class PromptScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt-cancel")]

    DEFAULT_CSS = """
    PromptScreen {
        align: center middle;
    }
    PromptScreen > Vertical {
        width: 80;
        max-width: 90%;
        height: auto;
        border: round $accent;
        background: $panel;
        padding: 1 2;
    }
    PromptScreen Label {
        margin-bottom: 1;
    }
    PromptScreen #prompt-hint {
        color: $text-muted;
        margin: 1 0 0 0;
    }
    """

    def __init__(self, question: str, value: str = "", *, hint: str = "enter to confirm, esc to cancel") -> None:
        super().__init__()
        self.question = question
        self.value = value
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question)
            yield EagerInput(self.value, id="prompt-input")
            yield Label(self.hint, id="prompt-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
