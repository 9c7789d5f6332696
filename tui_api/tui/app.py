"""`TuiApiApp`: the Textual shell around the core.

It owns what lives as long as the app: the one pooled HTTP client (created on mount, closed on
unmount), the open spec document and the variables a send resolves against. Screens do the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import Any

import httpx
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from tui_api.core.spec.model import Operation
from tui_api.tui.widgets.endpoint_tree import search_text


class OperationCommands(Provider):
    """Command palette: type part of a path, summary, operationId or tag to jump to an operation."""

    def _operations(self) -> list[Operation]:
        document = getattr(self.app, "document", None)
        return list(getattr(document, "operations", []) or [])

    def _open(self, operation: Operation) -> None:
        screen = self.app.main_screen
        if screen is not None:
            screen.reveal_operation(operation)

    async def discover(self) -> Hits:
        for operation in self._operations()[:30]:
            yield DiscoveryHit(f"{operation.method} {operation.path}", partial(self._open, operation),
                               help=operation.summary or operation.operation_id or None)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        words = query.lower().split()
        for operation in self._operations():
            haystack = search_text(operation)
            if words and not all(word in haystack for word in words):
                score = matcher.match(f"{operation.method} {operation.path} {operation.summary}")
                if score <= 0:
                    continue
            else:
                score = 1.0
            display = f"{operation.method} {operation.path}"
            yield Hit(score, matcher.highlight(display), partial(self._open, operation),
                      help=operation.summary or operation.operation_id or None)


class TuiApiApp(App[None]):
    TITLE = "tui-api"
    COMMANDS = App.COMMANDS | {OperationCommands}
    BINDINGS = [
        Binding("f1,question_mark", "help", "Help", id="help"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    ]
    CSS = """
    Screen {
        layers: base overlay;
    }
    """

    def __init__(
        self,
        source: str | None = None,
        *,
        document: Any | None = None,
        server_url: str | None = None,
        variables: dict[str, str] | None = None,
        validate: bool = True,
        collection: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        draft_scope: str | None = None,
    ) -> None:
        """`source`: a spec path or URL to open in a worker; or `document`: an already opened
        SpecDocument. `server_url` replaces the spec's first server (the demo's real port).
        `draft_scope` names the spec for drafts when its path changes on every start (the demo)."""
        super().__init__()
        self.source = source
        self.document = document
        self.server_url = server_url
        self.extra_variables = dict(variables or {})
        self.validate = validate
        self.collection_path = collection
        self.keymap_overrides: dict[str, str] = {}  # binding id -> keys, from keymap.yaml
        self.unexpected: list[str] = []
        self.exit_notes: list[str] = []  # printed after the TUI closes (e.g. drafts kept)  # tracebacks of unexpected errors (shown with --debug)
        self.base_dir: Path | None = None
        anchor = collection or source
        if anchor and "://" not in anchor:
            self.base_dir = Path(anchor).expanduser().resolve().parent
        self._transport = transport
        self.http_client: httpx.AsyncClient | None = None
        self.main_screen: Any = None
        self._history: Any = None
        self._drafts: Any = None
        self.draft_scope = draft_scope
        from tui_api.tui.workspace import Workspace

        self.workspace = Workspace(server_url=server_url, overrides=self.extra_variables)

    def on_mount(self) -> None:
        from tui_api.core.http.send import make_client
        from tui_api.tui.screens.main import MainScreen

        self.http_client = make_client(transport=self._transport)
        self._apply_user_keymap()
        self.main_screen = MainScreen()
        self.push_screen(self.main_screen)

    def _apply_user_keymap(self) -> None:
        """`<config>/keymap.yaml` remaps keys by binding id; a broken file keeps the defaults."""
        from tui_api.tui.keymap import load_keymap

        result = load_keymap()
        self.keymap_overrides = dict(result.keymap)
        if result.keymap:
            self.set_keymap(result.keymap)
        if result.problems:
            shown = "\n".join(f"• {p}" for p in result.problems[:6])
            more = f"\n… and {len(result.problems) - 6} more" if len(result.problems) > 6 else ""
            kept = "the other entries apply" if result.keymap else "default keys apply"
            self.notify(f"{result.path}:\n{shown}{more}\n({kept})", title="Keymap not fully applied",
                        severity="warning", timeout=15, markup=False)

    def _handle_exception(self, error: Exception) -> None:
        """A crash: what the editor holds goes to its draft before Textual tears the app down."""
        try:
            if self.main_screen is not None:
                self.main_screen.flush_draft(force=True)
        except Exception:  # noqa: BLE001 - never mask the original error
            pass
        super()._handle_exception(error)

    def keys_for(self, binding_id: str, default: str) -> str:
        """The keys (comma-separated, as bound) for a binding id after the user's keymap."""
        return self.keymap_overrides.get(binding_id, default)

    def key_label(self, binding_id: str, default: str) -> str:
        """The first key of a binding, as the footer shows it (ctrl+j -> ^j)."""
        first = self.keys_for(binding_id, default).split(",")[0].strip()
        return self.get_key_display(Binding(first, ""))

    async def on_unmount(self) -> None:
        if self.http_client is not None:
            await self.http_client.aclose()

    # --- what a send needs (phase 2 grows these: environments, history, auth) --------------
    def variables(self) -> Any:
        """The lookup for `{{name}}`: collection < environment < .env < captured < --var, plus
        `{{$env.NAME}}` and `base_url` from the spec's (or demo's) server."""
        return self.workspace.context

    @property
    def history_store(self) -> Any:
        """The history file in the user's data directory (TUI_API_HOME moves it)."""
        if self._history is None:
            from tui_api.core.history import HistoryStore

            self._history = HistoryStore()
        return self._history

    @property
    def draft_store(self) -> Any:
        """Unsaved edits, kept in the user's data directory until saved or discarded."""
        if self._drafts is None:
            from tui_api.core.drafts import DraftStore

            self._drafts = DraftStore()
        return self._drafts

    def log_unexpected(self, exc: BaseException) -> None:
        """An unexpected error is shown as one line; with --debug its traceback is printed on exit."""
        import traceback

        self.unexpected.append("".join(traceback.format_exception(exc)))

    # --- actions and commands -------------------------------------------------------------
    async def action_quit(self) -> None:
        """Edits are written to their draft first; a collection request with unsaved edits asks."""
        main = self.main_screen
        if main is not None:
            main.flush_draft()
            note = main.draft_note()
            if note and note not in self.exit_notes:
                self.exit_notes.append(note)
            if main.has_unsaved():
                main.confirm_quit(self.exit)
                return
        self.exit()

    def action_help(self) -> None:
        from tui_api.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
            return
        self.push_screen(HelpScreen(self.main_screen or self.screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        main = self.main_screen
        if main is None:
            return
        yield SystemCommand("Send request", f"Send the request in the editor ({self.keys_for('send', 'ctrl+j')})", main.action_send)
        yield SystemCommand("Filter endpoints", "Focus the endpoint filter (/)", main.action_focus_filter)
        yield SystemCommand("Focus URL", "Edit the URL (ctrl+l)", main.action_focus_url)
        yield SystemCommand("Save response body", "Write the last response body to a file (ctrl+o)",
                            main.action_save_body)
        yield SystemCommand("Copy response body", "Copy the response body to the clipboard", main.action_copy_body)
        yield SystemCommand("Spec warnings", "List the spec's validation warnings (ctrl+w)", main.action_show_warnings)
        yield SystemCommand("Toggle endpoint tree", "Hide or show the left pane (ctrl+b)", main.action_toggle_tree)
        yield SystemCommand("New request", "Start a blank request (ctrl+n)", main.action_new_request)
        yield SystemCommand("Save request", "Save the editor's request into the collection (ctrl+s)",
                            main.action_save_request)
        yield SystemCommand("Auth profiles", "Create, edit, test and delete auth profiles (f2)", main.action_auth_profiles)
        yield SystemCommand("Auth profiles from the spec", "Create a profile for each securityScheme of the spec",
                            main.action_profiles_from_spec)
        yield SystemCommand("Pick environment", "Choose the collection's environment (f3)", main.action_focus_environment)
        yield SystemCommand("Variables", "Every variable, its value and where it comes from (f4)",
                            main.action_show_variables)
        yield SystemCommand("Copy as cURL", "The request as a cURL command, secrets as references (f6)",
                            lambda: main.action_export("curl"))
        yield SystemCommand("Copy as httpx script", "The request as a Python httpx script",
                            lambda: main.action_export("httpx"))
        yield SystemCommand("Discard draft", "Drop your unsaved edits: back to the spec's or collection's version",
                            main.action_discard_draft)
        yield SystemCommand("History", "Search sent requests; load one back or save it (f5)", main.action_show_history)
        yield SystemCommand("Help", "Every key (? or F1)", self.action_help)
