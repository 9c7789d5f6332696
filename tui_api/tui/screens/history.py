"""Every request sent (newest first, searchable): Enter loads one back into the editor, ctrl+s saves
it into the collection. The history file is read in a thread worker; searching filters in memory."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from tui_api.core.history import HistoryEntry, HistoryStore
from tui_api.tui.widgets.eager_input import EagerInput
from tui_api.tui.widgets.endpoint_tree import method_badge
from tui_api.tui.widgets.response_view import status_style

MAX_SHOWN = 500


@dataclass
class HistoryChoice:
    action: str  # "load" or "save"
    entry: HistoryEntry


def entry_label(entry: HistoryEntry) -> Text:
    import time

    label = Text()
    label.append(time.strftime("%m-%d %H:%M:%S ", time.localtime(entry.timestamp)), style="dim")
    label.append_text(method_badge(entry.method))
    if entry.status is not None:
        label.append(f" {entry.status} ", style=status_style(entry.status))
    else:
        label.append(" ERR ", style="bold white on red")
    label.append(f" {entry.url}")
    if entry.name:
        label.append(f"  {entry.name}", style="dim italic")
    label.append(f"  {entry.elapsed_ms:.0f} ms", style="dim")
    return label


class HistoryScreen(ModalScreen[HistoryChoice | None]):
    BINDINGS = [
        Binding("escape", "close", "Close", id="history-close"),
        Binding("ctrl+s", "save_entry", "Save into collection", id="history-save", priority=True),
        Binding("down", "focus_list", "List", show=False),
    ]

    DEFAULT_CSS = """
    HistoryScreen {
        align: center middle;
    }
    HistoryScreen > Vertical {
        width: 95%;
        height: 85%;
        border: round $accent;
        background: $panel;
        padding: 0 1;
    }
    HistoryScreen #history-title {
        text-style: bold;
    }
    HistoryScreen OptionList {
        height: 1fr;
    }
    """

    @dataclass
    class Loaded(Message):
        entries: list[HistoryEntry]
        error: str | None = None

    def __init__(self, store: HistoryStore) -> None:
        super().__init__()
        self.store = store
        self.entries: list[HistoryEntry] = []
        self.shown: list[HistoryEntry] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("History: type to search; enter loads into the editor, ctrl+s saves into the collection, "
                        "esc closes", id="history-title")
            yield EagerInput(placeholder="search method, URL, name, status", id="history-search", compact=True)
            yield OptionList(id="history-list")

    def on_mount(self) -> None:
        self.query_one("#history-list", OptionList).loading = True
        self.query_one("#history-search", Input).focus()
        self.read_entries()

    @work(thread=True, exclusive=True)
    def read_entries(self) -> None:
        try:
            entries = self.store.entries(limit=5000)
        except OSError as exc:
            self.post_message(self.Loaded([], f"cannot read the history: {exc.strerror or exc}"))
            return
        self.post_message(self.Loaded(entries))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        option_list = self.query_one("#history-list", OptionList)
        option_list.loading = False
        if message.error:
            self.notify(message.error, severity="error")
        self.entries = message.entries
        self._show(self.query_one("#history-search", Input).value)

    def _show(self, query: str) -> None:
        words = query.lower().split()
        matches = [
            entry for entry in self.entries
            if all(word in f"{entry.method} {entry.url} {entry.name} {entry.status or 'error'}".lower() for word in words)
        ]
        self.shown = matches[:MAX_SHOWN]
        option_list = self.query_one("#history-list", OptionList)
        option_list.clear_options()
        if not self.shown:
            option_list.add_option(Option(Text("no requests sent yet" if not self.entries else "nothing matches",
                                               style="dim italic"), disabled=True))
            return
        option_list.add_options([Option(entry_label(entry), id=entry.id) for entry in self.shown])
        option_list.highlighted = 0

    @on(Input.Changed, "#history-search")
    def _search(self, event: Input.Changed) -> None:
        self._show(event.value)

    @on(Input.Submitted, "#history-search")
    def _submit(self) -> None:
        self._choose("load")

    @on(OptionList.OptionSelected, "#history-list")
    def _selected(self) -> None:
        self._choose("load")

    def _choose(self, action: str) -> None:
        option_list = self.query_one("#history-list", OptionList)
        index = option_list.highlighted
        if index is None or index >= len(self.shown):
            return
        self.dismiss(HistoryChoice(action, self.shown[index]))

    def action_save_entry(self) -> None:
        self._choose("save")

    def action_focus_list(self) -> None:
        self.query_one("#history-list", OptionList).focus()

    def action_close(self) -> None:
        self.dismiss(None)
