"""An editable list of name/value pairs (query parameters, headers).

Rows of two compact inputs and a remove button; a blank row always waits at the end, and typing
into it adds the next one, so adding a header is: Tab to the blank row, type. Order and repeated
names are kept, as the request model keeps them.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input

from tui_api.tui.widgets.eager_input import EagerInput


class KeyValueRow(Horizontal):
    DEFAULT_CSS = """
    KeyValueRow {
        height: 1;
        margin: 0 0 1 0;
    }
    KeyValueRow .kv-key {
        width: 2fr;
        margin-right: 1;
    }
    KeyValueRow .kv-value {
        width: 3fr;
        margin-right: 1;
    }
    KeyValueRow .kv-remove {
        width: 3;
        min-width: 3;
    }
    """

    def __init__(self, key: str = "", value: str = "", *, key_placeholder: str = "name",
                 value_placeholder: str = "value") -> None:
        super().__init__()
        self._key = key
        self._value = value
        self._key_placeholder = key_placeholder
        self._value_placeholder = value_placeholder
        self._swapping = 0

    def compose(self) -> ComposeResult:
        yield EagerInput(self._key, placeholder=self._key_placeholder, classes="kv-key", compact=True)
        yield EagerInput(self._value, placeholder=self._value_placeholder, classes="kv-value", compact=True)
        yield Button("✕", classes="kv-remove", compact=True, tooltip="Remove this row")

    @property
    def pair(self) -> tuple[str, str]:
        if not self.is_mounted or not self.children:
            return self._key, self._value
        return self.query_one(".kv-key", Input).value, self.query_one(".kv-value", Input).value


class KeyValueTable(VerticalScroll, can_focus=False):
    """Editable ordered pairs. `pairs()` returns the rows with a non-blank name."""

    DEFAULT_CSS = """
    KeyValueTable {
        height: 1fr;
        padding: 1 1 0 1;
    }
    """

    class Changed(Message):
        def __init__(self, table: KeyValueTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> KeyValueTable:
            return self.table

    def __init__(self, pairs: Iterable[tuple[str, str]] = (), *, key_placeholder: str = "name",
                 value_placeholder: str = "value", id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._initial = list(pairs)
        self._key_placeholder = key_placeholder
        self._value_placeholder = value_placeholder
        self._swapping = 0

    def compose(self) -> ComposeResult:
        for key, value in self._initial:
            yield self._row(key, value)
        yield self._row()

    def _row(self, key: str = "", value: str = "") -> KeyValueRow:
        return KeyValueRow(key, value, key_placeholder=self._key_placeholder,
                           value_placeholder=self._value_placeholder)

    def set_pairs(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Replace every row. Until the new rows are mounted, `pairs()` answers from the new data."""
        self._initial = list(pairs)
        if not self.is_mounted:
            return
        self._swapping += 1
        rows = [*(self._row(k, v) for k, v in self._initial), self._row()]

        async def swap() -> None:
            try:
                await self.remove_children()
                await self.mount_all(rows)
            finally:
                self._swapping -= 1

        self.call_next(swap)

    def pairs(self) -> list[tuple[str, str]]:
        rows = list(self.query_children(KeyValueRow))
        if self._swapping or not rows:
            return [(k, v) for k, v in self._initial if k.strip()]
        return [row.pair for row in rows if row.pair[0].strip()]

    @on(Input.Changed)
    def _grow(self, event: Input.Changed) -> None:
        rows = list(self.query_children(KeyValueRow))
        if rows and event.input.parent is rows[-1] and event.value:
            self.mount(self._row())
        self.post_message(self.Changed(self))

    @on(Button.Pressed, ".kv-remove")
    def _remove(self, event: Button.Pressed) -> None:
        event.stop()
        row = event.button.parent
        rows = list(self.query_children(KeyValueRow))
        if row is None or not rows:
            return
        if row is rows[-1]:
            for field in row.query(Input):
                field.value = ""
        else:
            row.remove()
        self.post_message(self.Changed(self))
