"""Every variable a send can use: its value (secrets masked), where it comes from, what it hides."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from tui_api.core.collection.variables import VariableSource


class VariablesScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q", "dismiss", "Close", id="variables-close")]

    DEFAULT_CSS = """
    VariablesScreen {
        align: center middle;
    }
    VariablesScreen > Vertical {
        width: 90%;
        height: 80%;
        border: round $accent;
        background: $panel;
        padding: 0 1;
    }
    VariablesScreen #variables-title {
        text-style: bold;
        margin-bottom: 1;
    }
    VariablesScreen DataTable {
        height: 1fr;
    }
    """

    def __init__(self, rows: list[VariableSource], *, environment: str | None) -> None:
        super().__init__()
        self.rows = rows
        self.environment = environment

    def compose(self) -> ComposeResult:
        with Vertical():
            env = self.environment or "none"
            yield Label(f"Variables ({len(self.rows)}), environment: {env}.  Highest layer wins: "
                        "collection < environment < .env < captured < --var.   esc closes", id="variables-title")
            yield DataTable(id="variables-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("name", "value", "from", "hides")
        for row in self.rows:
            hides = ", ".join(f"{source}={value}" for source, value in row.shadowed)
            table.add_row(row.name, row.display, row.source, hides)
        if not self.rows:
            table.add_row("(none)", "", "", "")
        table.focus()
