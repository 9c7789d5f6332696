"""The response pane: status line, highlighted body, headers, and what was sent.

It shows an `Exchange` (or an error, or a request in flight); formatting the body runs in a thread
worker so a 50 MB response never freezes the app, and only its first part is highlighted.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from tui_api.core.http.exchange import Exchange
from tui_api.tui.body_format import format_body, human_size
from tui_api.tui.widgets.text_lines_view import TextLinesView, prepare_lines

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
STATUS_STYLES = {2: "bold black on green", 3: "bold black on cyan", 4: "bold black on yellow", 5: "bold white on red"}


def status_style(status: int | None) -> str:
    if status is None:
        return "bold white on red"
    return STATUS_STYLES.get(status // 100, "bold reverse")


def format_elapsed(ms: float) -> str:
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.2f} s"


def status_line(exchange: Exchange) -> Text:
    text = Text()
    if exchange.status is not None:
        text.append(f" {exchange.status} {exchange.reason} ".replace("  ", " "), style=status_style(exchange.status))
    else:
        label = "CANCELLED" if exchange.error_kind == "cancelled" else "ERROR"
        text.append(f" {label} ", style="bold white on red" if label == "ERROR" else "bold black on yellow")
    text.append(f"  {format_elapsed(exchange.elapsed_ms)}", style="bold")
    if exchange.status is not None:
        size = human_size(exchange.body_size)
        text.append(f"  {size}", style="bold")
        if exchange.content_type:
            text.append(f"  {exchange.content_type.split(';')[0]}", style="dim")
        if exchange.http_version:
            text.append(f"  {exchange.http_version}", style="dim")
    text.append(f"  {exchange.method} {exchange.url}", style="dim")
    return text


def idle_hint(width: int) -> Text:
    """What the status line says before the first send, whole at any width."""
    for text in ("No response yet: pick an operation, then press ctrl+j (or the Send button).",
                 "No response yet: pick an operation, then ctrl+j.", "No response yet: ctrl+j sends."):
        if len(text) <= width:
            break
    return Text(text, style="dim italic")


class ResponseView(Vertical):
    """Status line + tabs (Body / Headers / Request)."""

    DEFAULT_CSS = """
    ResponseView {
        height: 1fr;
    }
    ResponseView #response-status {
        height: 1;
        padding: 0 1;
    }
    ResponseView #response-note {
        height: auto;
        max-height: 3;
        padding: 0 1;
        color: $warning;
        display: none;
    }
    ResponseView #response-note.-shown {
        display: block;
    }
    ResponseView TabbedContent {
        height: 1fr;
    }
    ResponseView TabPane {
        padding: 0;
    }
    ResponseView DataTable {
        height: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.exchange: Exchange | None = None
        self._generation = 0
        self._spinner: Timer | None = None
        self._started = 0.0
        self._in_flight = ""

    def compose(self) -> ComposeResult:
        yield Static(idle_hint(200), id="response-status")
        yield Static("", id="response-note")
        with TabbedContent(initial="tab-response-body", id="response-tabs"):
            with TabPane("Body", id="tab-response-body"):
                yield TextLinesView(id="response-body")
            with TabPane("Headers", id="tab-response-headers"):
                yield DataTable(id="response-headers", cursor_type="row", zebra_stripes=True)
            with TabPane("Request", id="tab-response-request"):
                yield TextLinesView(id="response-request")
            with TabPane("Checks", id="tab-response-checks"):
                yield TextLinesView(id="response-checks")

    def on_resize(self, event: events.Resize) -> None:
        if self._generation == 0 and self.exchange is None:  # still the hint: say it in the room there is
            self.query_one("#response-status", Static).update(idle_hint(event.size.width - 2))

    def on_mount(self) -> None:
        table = self.query_one("#response-headers", DataTable)
        table.add_columns("header", "value")

    # --- public API -----------------------------------------------------------------------
    @property
    def status_text(self) -> str:
        """The status line as plain text (for tests and screen readers)."""
        return str(self.query_one("#response-status", Static).render())

    @property
    def body_text(self) -> str:
        return self.query_one("#response-body", TextLinesView).plain

    @property
    def note_text(self) -> str:
        return str(self.query_one("#response-note", Static).render())

    def start(self, method: str, url: str) -> None:
        """A request is in flight: spinner and elapsed time until `show_exchange` or `show_error`."""
        self._stop_spinner()
        self._generation += 1
        self._started = time.monotonic()
        self._in_flight = f"{method} {url}"
        self.exchange = None
        self._set_note("")
        self.query_one("#response-headers", DataTable).clear()
        self.query_one("#response-body", TextLinesView).set_lines([])
        self.query_one("#response-request", TextLinesView).set_lines([])
        self.query_one("#response-checks", TextLinesView).set_text(
            Text("no checks: a collection request's `expect:` and `capture:` run here", style="dim italic"))
        self._live: list = []
        self._tick()
        self._spinner = self.set_interval(0.1, self._tick)

    def watch_exchange(self, live: list) -> None:
        """The send fills `live` with its Exchange: the spinner then shows status and bytes so far."""
        self._live = live

    def show_exchange(self, exchange: Exchange) -> None:
        self._stop_spinner()
        self._generation += 1
        self.exchange = exchange
        self.query_one("#response-status", Static).update(status_line(exchange))
        table = self.query_one("#response-headers", DataTable)
        table.clear()
        for name, value in exchange.headers:
            table.add_row(name, value)
        self._show_request(exchange)
        if exchange.error:
            cause = Text()
            cause.append("✗ ", style="bold red")
            cause.append(exchange.error, style="bold")
            if exchange.error_kind:
                cause.append(f"\n  kind: {exchange.error_kind}", style="dim")
            if exchange.status is None:
                cause.append("\n\nThe request in the editor is unchanged: fix it or the server and send again.",
                             style="dim")
                self._set_note("")
                self.query_one("#response-body", TextLinesView).set_text(self._wrapped(cause))
                return
            self._set_note(exchange.error)
        else:
            self._set_note("")
        body_view = self.query_one("#response-body", TextLinesView)
        body_view.set_text(Text("formatting…", style="dim italic"))
        self._format_body(exchange, self._generation)

    def show_error(self, title: str, message: str) -> None:
        """A problem before anything was sent (unresolved variable, bad URL...)."""
        self._stop_spinner()
        self._generation += 1
        self.exchange = None
        status = Text()
        status.append(f" {title} ", style="bold white on red")
        status.append("  nothing was sent", style="dim")
        self.query_one("#response-status", Static).update(status)
        self._set_note("")
        body = Text()
        body.append("✗ ", style="bold red")
        body.append(message, style="bold")
        body.append("\n\nThe request in the editor is unchanged.", style="dim")
        self.query_one("#response-body", TextLinesView).set_text(self._wrapped(body))

    def _wrapped(self, text: Text) -> Text:
        """A message (not a body) wrapped to the pane, so its advice is not cut off at the edge."""
        view = self.query_one("#response-body", TextLinesView)
        width = max(30, (view.scrollable_content_region.width or self.size.width or 80) - 1)
        return Text("\n").join(text.wrap(self.app.console, width))

    def show_cancelled(self) -> None:
        self._stop_spinner()
        self._generation += 1
        elapsed = (time.monotonic() - self._started) * 1000 if self._started else 0.0
        status = Text()
        status.append(" CANCELLED ", style="bold black on yellow")
        status.append(f"  after {format_elapsed(elapsed)}  {self._in_flight}", style="dim")
        self.query_one("#response-status", Static).update(status)
        self.query_one("#response-body", TextLinesView).set_text(
            Text("cancelled: no response. The request in the editor is unchanged.", style="dim italic"))
        self._set_note("")

    def show_checks(self, results: list, captured: dict[str, str]) -> None:
        """The collection request's expect checks and captures, after its response."""
        text = Text()
        failed = [r for r in results if not r.passed and not r.skipped]
        for result in results:
            if result.skipped:
                text.append("  - ", style="dim")
                text.append(result.message + "\n", style="dim")
            elif result.passed:
                text.append("  ✓ ", style="bold green")
                text.append(result.message + "\n")
            else:
                text.append("  ✗ ", style="bold red")
                text.append(result.message + "\n", style="red")
        if captured:
            text.append("\ncaptured for later requests:\n", style="bold")
            for name, value in captured.items():
                text.append(f"  {name} = ", style="cyan")
                text.append((value if len(value) < 200 else value[:200] + "…") + "\n")
        self.query_one("#response-checks", TextLinesView).set_text(text)
        status = self.query_one("#response-status", Static)
        if self.exchange is not None:
            line = status_line(self.exchange)
            checks = [r for r in results if not r.skipped]
            if checks:
                if failed:
                    line.append(f"  ✗ {len(failed)} of {len(checks)} checks failed", style="bold red")
                else:
                    line.append(f"  ✓ {len(checks)} checks", style="bold green")
            if captured:
                line.append(f"  +{len(captured)} captured", style="cyan")
            status.update(line)

    # --- internals ------------------------------------------------------------------------
    def _tick(self) -> None:
        elapsed = time.monotonic() - self._started
        frame = SPINNER[int(elapsed * 10) % len(SPINNER)]
        text = Text()
        live = self._live[0] if getattr(self, "_live", None) else None
        if live is not None and live.status is not None:
            # headers are in, the body is still coming (a stream, a big or slow body)
            text.append(f"{frame} {live.status} {live.reason}".rstrip() + ", receiving ", style="bold cyan")
            text.append(f"{human_size(live.body_size)} in {elapsed:.1f} s", style="bold")
            text.append("   esc stops, keeps what arrived", style="italic")
            text.append(f"  {self._in_flight}", style="dim")
        else:
            text.append(f"{frame} sending ", style="bold cyan")
            text.append(f"{elapsed:.1f} s", style="bold")
            text.append(f"  {self._in_flight}", style="dim")
            text.append("   esc cancels", style="italic")
        self.query_one("#response-status", Static).update(text)

    def _stop_spinner(self) -> None:
        if self._spinner is not None:
            self._spinner.stop()
            self._spinner = None

    def _set_note(self, note: str) -> None:
        widget = self.query_one("#response-note", Static)
        widget.update(note)
        widget.set_class(bool(note), "-shown")

    def _show_request(self, exchange: Exchange) -> None:
        text = Text()
        text.append(f"{exchange.method} {exchange.url}\n", style="bold")
        for name, value in exchange.request_headers:
            text.append(f"{name}: ", style="cyan")
            text.append(f"{value}\n")
        if exchange.request_body:
            text.append("\n")
            preview = exchange.request_body[:64 * 1024]
            text.append(preview.decode("utf-8", errors="replace"))
            if len(exchange.request_body) > len(preview):
                text.append(f"\n… {human_size(len(exchange.request_body))} in all", style="dim")
        self.query_one("#response-request", TextLinesView).set_text(text)

    @work(thread=True, exclusive=True, group="response-format")
    def _format_body(self, exchange: Exchange, generation: int) -> None:
        formatted = format_body(exchange.body, exchange.content_type, total_size=exchange.body_size)
        lines, width = prepare_lines(formatted.text)
        note = formatted.note
        if exchange.truncated and not note:
            note = f"only the first {human_size(len(exchange.body))} of {human_size(exchange.body_size)} were kept"
        self.app.call_from_thread(self._apply_body, generation, lines, width, note)

    def _apply_body(self, generation: int, lines: list[Text], width: int, note: str) -> None:
        if generation != self._generation:
            return  # a newer response (or error) is showing
        self.query_one("#response-body", TextLinesView).set_lines(lines, width)
        if note:
            self._set_note(note)
