"""The main screen: endpoint and collection trees on the left; request editor above the response
on the right.

This file holds the layout, the spec side (load, validate, open an operation) and focus actions;
sending lives in `main_send.py`, collections/environments/auth in `main_collection.py`. Each worker
calls one core function and posts one message from `tui_api.tui.messages`.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, ProgressBar, Select, Static, TabbedContent, TabPane

from tui_api.core.errors import TuiApiError
from tui_api.core.spec.model import Operation
from tui_api.tui.messages import OperationLoaded, SpecFailed, SpecLoaded, SpecProgress, SpecWarnings
from tui_api.tui.screens.main_collection import CollectionMixin
from tui_api.tui.screens.main_drafts import DraftMixin
from tui_api.tui.screens.main_send import SendMixin
from tui_api.tui.widgets.collection_tree import CollectionTree
from tui_api.tui.widgets.endpoint_tree import EndpointTree
from tui_api.tui.widgets.request_editor import RequestEditor
from tui_api.tui.widgets.response_view import ResponseView


class MainScreen(SendMixin, CollectionMixin, DraftMixin, Screen[None]):
    BINDINGS = [
        Binding("ctrl+j,ctrl+enter", "send", "Send", id="send", priority=True),
        Binding("escape", "cancel_send", "Cancel send", id="cancel-send", priority=True),
        Binding("ctrl+s", "save_request", "Save", id="save-request", priority=True),
        Binding("slash", "focus_filter", "Filter", id="focus-filter"),
        # priority: handled as the key arrives, so keys typed right after it already go to the URL
        Binding("ctrl+l", "focus_url", "URL", id="focus-url", priority=True),
        Binding("f2", "auth_profiles", "Auth", id="auth-profiles"),
        Binding("f3", "focus_environment", "Env", id="focus-environment", show=False),
        Binding("f4", "show_variables", "Vars", id="show-variables"),
        Binding("f5", "show_history", "History", id="show-history"),
        Binding("f6", "export('curl')", "cURL", id="export-curl", show=False),
        Binding("ctrl+n", "new_request", "New", id="new-request", show=False),
        Binding("ctrl+t", "focus_tree", "Tree", id="focus-tree", show=False),
        Binding("ctrl+r", "focus_response", "Response", id="focus-response", show=False),
        Binding("ctrl+o", "save_body", "Save body", id="save-body"),
        Binding("ctrl+w", "show_warnings", "Warnings", id="show-warnings"),
        Binding("ctrl+b", "toggle_tree", "Toggle tree", id="toggle-tree", show=False),
    ]

    DEFAULT_CSS = """
    MainScreen #main {
        height: 1fr;
    }
    MainScreen #left {
        width: 38%;
        max-width: 70;
        min-width: 24;
        border-right: vkey $panel-lighten-2;
    }
    MainScreen #left.-hidden {
        display: none;
    }
    MainScreen #right {
        width: 1fr;
    }
    MainScreen #left-tabs {
        height: 1fr;
    }
    MainScreen #left-tabs TabPane {
        padding: 0;
    }
    MainScreen #environment {
        display: none;
        width: 1fr;
    }
    MainScreen #environment.-shown {
        display: block;
    }
    MainScreen #spec-status {
        height: auto;
        padding: 0 1;
        display: none;
    }
    MainScreen #spec-status.-shown {
        display: block;
    }
    MainScreen #spec-status.-error {
        color: $error;
        text-style: bold;
    }
    MainScreen #spec-progress {
        display: none;
        padding: 0 1;
    }
    MainScreen #spec-progress.-shown {
        display: block;
    }
    MainScreen RequestEditor {
        height: 1fr;
        border-bottom: hkey $panel-lighten-2;
    }
    MainScreen ResponseView {
        height: 1fr;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._send_id = 0
        self._sending = False
        self._warnings: list[str] = []
        self._validating = False
        self.document = None  # the open SpecDocument
        self.spec_error: str | None = None
        self._location = None  # where the editor's request sits in the collection
        self._modified = False
        self._title_text = ""
        self._folders: tuple[str, ...] = ()

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="⇄")
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield Select([], prompt="environment", id="environment", compact=True)
                with TabbedContent(initial="tab-endpoints", id="left-tabs"):
                    with TabPane("Endpoints", id="tab-endpoints"):
                        yield EndpointTree(id="endpoints")
                    with TabPane("Collection", id="tab-collection"):
                        yield CollectionTree(id="collection")
            with Vertical(id="right"):
                yield Static("", id="spec-status")
                yield ProgressBar(total=1.0, show_eta=False, id="spec-progress")
                yield RequestEditor(id="editor")
                yield ResponseView(id="response")
        yield Footer()

    def on_mount(self) -> None:
        app = self.app
        source = getattr(app, "source", None)
        document = getattr(app, "document", None)
        self._refresh_auth_choices()
        collection_path = getattr(app, "collection_path", None)
        if collection_path:
            self.load_collection_file(collection_path)
        if document is not None:
            self.post_message(SpecLoaded(document))
        elif source:
            self._show_status(f"Opening {source} …")
            self.query_one("#spec-progress").set_class(True, "-shown")
            self.query_one(EndpointTree).loading = True
            self.load_spec(source)
        elif not collection_path:
            self.query_one(EndpointTree).set_operations([])
            self.editor.operation_info.show_message(
                "No spec open. Start with `tui-api SPEC` (a file or URL) or `tui-api demo`; "
                "you can still type a URL above and send it.")
            self.call_after_refresh(self._begin_scratch_draft)
            self.call_after_refresh(self.editor.focus_url)

    # --- shortcuts to widgets -------------------------------------------------------------
    @property
    def tree(self) -> EndpointTree:
        return self.query_one(EndpointTree)

    @property
    def editor(self) -> RequestEditor:
        return self.query_one(RequestEditor)

    @property
    def response(self) -> ResponseView:
        return self.query_one(ResponseView)

    @property
    def sending(self) -> bool:
        return self._sending

    @property
    def warnings(self) -> list[str]:
        return list(self._warnings)

    def _show_status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#spec-status", Static)
        status.update(text)
        status.set_class(bool(text), "-shown")
        status.set_class(error, "-error")

    # --- workers: one core call, one message ----------------------------------------------
    @work(thread=True, exclusive=True, group="spec-load")
    def load_spec(self, source: str) -> None:
        from tui_api.core.spec import open_spec

        def progress(stage: str, fraction: float) -> None:
            self.post_message(SpecProgress(stage, fraction))

        try:
            document = open_spec(source, progress=progress)
        except TuiApiError as exc:
            self.post_message(SpecFailed(source, str(exc)))
            return
        except Exception as exc:  # noqa: BLE001 - a foreign error must still reach the user as one line
            self.app.log_unexpected(exc)
            self.post_message(SpecFailed(source, f"unexpected {exc.__class__.__name__}: {exc}"))
            return
        self.post_message(SpecLoaded(document))

    @work(thread=True, exclusive=True, group="spec-validate")
    def validate_spec(self, document: object) -> None:
        try:
            from tui_api.core.spec import validate_spec
        except ImportError:  # no validator in this build: nothing pending
            self.post_message(SpecWarnings([]))
            return
        try:
            found = list(validate_spec(document))
        except Exception as exc:  # noqa: BLE001 - validation is advisory: report, never crash
            found = [f"validation could not run: {exc.__class__.__name__}: {exc}"]
        self.post_message(SpecWarnings(found))

    @work(thread=True, exclusive=True, group="operation")
    def open_operation(self, operation: Operation) -> None:
        document = self.document
        if document is None:
            return
        server_url = getattr(self.app, "server_url", None)
        try:
            detail = document.detail(operation)
            request = document.build_request(operation, server_url=server_url)
        except TuiApiError as exc:
            self.post_message(OperationLoaded(operation, None, None, str(exc)))
            return
        except Exception as exc:  # noqa: BLE001
            self.app.log_unexpected(exc)
            self.post_message(OperationLoaded(operation, None, None, f"unexpected {exc.__class__.__name__}: {exc}"))
            return
        self.post_message(OperationLoaded(operation, detail, request))

    # --- message handlers -----------------------------------------------------------------
    @on(SpecProgress)
    def _spec_progress(self, message: SpecProgress) -> None:
        self.query_one("#spec-progress", ProgressBar).update(progress=message.fraction)
        source = getattr(self.app, "source", "") or ""
        self._show_status(f"Opening {source} … {message.stage}")

    @on(SpecLoaded)
    def _spec_loaded(self, message: SpecLoaded) -> None:
        document = message.document
        self.document = document
        self.app.document = document
        self.spec_error = None
        self.query_one("#spec-progress").set_class(False, "-shown")
        self._show_status("")
        tree = self.tree
        tree.loading = False
        tree.set_operations(document.operations)
        title = getattr(document, "title", "") or "spec"
        collection = self.app.workspace.collection
        self.app.sub_title = f"{collection.name} · {title}" if collection is not None else title
        self._warnings = list(getattr(document, "warnings", []) or [])
        count = len(document.operations)
        if self._location is None:  # a collection request in the editor keeps its place
            self.editor.operation_info.show_message(
                f"{title}: {count} operations. Pick one in the tree (/ filters) to see its docs and fill the editor.")
            tree.tree.focus()
        if count == 0:
            self.notify("the spec has no operations", severity="warning")
        if self._warnings:
            self.notify(f"{len(self._warnings)} spec warnings: ctrl+w lists them", severity="warning")
        if getattr(self.app, "validate", True):
            self._validating = True
            self.validate_spec(document)

    @on(SpecFailed)
    def _spec_failed(self, message: SpecFailed) -> None:
        self.spec_error = message.error
        self.query_one("#spec-progress").set_class(False, "-shown")
        self.tree.loading = False
        self.tree.set_operations([])
        self._show_status(f"Could not open the spec: {message.error}", error=True)
        self.editor.operation_info.show_message(
            f"Could not open {message.source}:\n\n{message.error}\n\n"
            "Fix the file (or the URL) and start tui-api again; you can still type a URL above and send it.",
            style="bold red")
        self.notify(message.error, title="Spec not opened", severity="error", timeout=10)

    @on(SpecWarnings)
    def _spec_warnings(self, message: SpecWarnings) -> None:
        self._validating = False
        new = [w for w in message.warnings if w not in self._warnings]
        self._warnings.extend(new)
        if new:
            self.notify(f"validation found {len(new)} problem(s): ctrl+w lists them", severity="warning")
        self.refresh_bindings()

    @on(EndpointTree.OperationSelected)
    def _operation_selected(self, message: EndpointTree.OperationSelected) -> None:
        op = message.operation

        def go() -> None:
            self.editor.operation_info.show_message(f"Opening {op.method} {op.path} … resolving its references")
            self.open_operation(op)

        self.guard_unsaved(go)

    def _offer_body_choices(self, detail: object) -> None:
        from tui_api.core.spec.examples import find_choices

        self._detail = detail
        self._branches: dict[str, int] = {}
        body = getattr(detail, "request_body", None)
        choices = find_choices(body.schema) if body is not None and body.schema else []
        self.editor.set_body_choices([(c.path, c.keyword, c.options) for c in choices])

    @on(RequestEditor.BranchChosen)
    def _branch_chosen(self, message: RequestEditor.BranchChosen) -> None:
        from tui_api.core.spec.examples import example_for_schema

        body = getattr(getattr(self, "_detail", None), "request_body", None)
        if body is None:
            return
        self._branches[message.path] = message.index
        value = example_for_schema(body.schema, branches=dict(self._branches))
        if value is not None:
            self.editor.set_body_value(value)

    def _offer_servers(self, detail: object, url: str) -> None:
        from tui_api.tui.widgets.request_fields import server_choices

        servers = list(getattr(detail, "servers", None) or getattr(self.document, "servers", None) or [])
        urls = server_choices(servers)
        override = getattr(self.app, "server_url", None)
        if override:
            urls = [override.rstrip("/"), *[u for u in urls if u != override.rstrip("/")]]
        current = next((u for u in sorted(urls, key=len, reverse=True) if url.startswith(u)), None)
        self.editor.set_servers(urls, current)

    def _preselect_auth(self, security: list[dict[str, list[str]]]) -> None:
        """A profile named like the operation's security scheme is chosen for it."""
        if not security:
            return
        try:
            from tui_api.core.auth.spec import preselected_profile

            choice = preselected_profile(security, set(self.app.workspace.profile_names()))
        except Exception:  # noqa: BLE001 - a suggestion only
            return
        if choice:
            self.editor.set_auth_choice(choice)

    @on(OperationLoaded)
    def _operation_loaded(self, message: OperationLoaded) -> None:
        op = message.operation
        if message.error or message.detail is None or message.request is None:
            self.editor.operation_info.show_message(f"{op.method} {op.path}: {message.error}", style="bold red")
            self.notify(message.error or "could not open the operation", severity="error")
            return
        self._flush_draft()  # the edits of what was open go to its draft first
        title = Text()
        title.append(op.method + " ", style="bold")
        title.append(op.path)
        if op.summary:
            title.append(f"  {op.summary}", style="dim")
        self._location = None
        self._title_text = title.plain
        self.editor.load(message.request, title=title.plain)
        self._offer_servers(message.detail, message.request.url)
        self._offer_body_choices(message.detail)
        self.editor.operation_info.show(message.detail)
        self.editor.show_auth_info(message.detail.security)
        self._refresh_auth_choices()
        self._preselect_auth(message.detail.security)
        self.editor.rebase(self.editor.current_request())  # a preselected profile is part of the spec version
        self._set_modified(False)
        self._begin_draft(self.draft_key_for_operation(op), f"{op.method} {op.path}", title.plain)

    @on(RequestEditor.SendRequested)
    def _send_requested(self) -> None:
        if self._sending:
            self.action_cancel_send()
        else:
            self.action_send()

    # --- actions --------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel_send":
            return self._sending
        if action == "show_warnings":
            return bool(self._warnings) or self._validating
        return True

    def action_focus_filter(self) -> None:
        if self.query_one("#left").has_class("-hidden"):
            self.query_one("#left").remove_class("-hidden")
        self.query_one("#left-tabs", TabbedContent).active = "tab-endpoints"
        self.tree.filter_input.focus()

    def action_focus_url(self) -> None:
        self.editor.focus_url()

    def action_focus_tree(self) -> None:
        self.query_one("#left").remove_class("-hidden")
        if self.query_one("#left-tabs", TabbedContent).active == "tab-collection":
            self.query_one(CollectionTree).tree.focus()
        else:
            self.tree.tree.focus()

    def action_focus_response(self) -> None:
        self.response.query_one("#response-tabs", TabbedContent).active = "tab-response-body"
        self.response.query_one("#response-body").focus()

    def action_toggle_tree(self) -> None:
        self.query_one("#left").toggle_class("-hidden")

    def action_show_warnings(self) -> None:
        from tui_api.tui.screens.warnings import WarningsScreen

        self.app.push_screen(WarningsScreen(self._warnings, pending=self._validating))

    def reveal_operation(self, operation: Operation) -> None:
        """From the command palette: show it in the tree and open it."""
        self.query_one("#left").remove_class("-hidden")
        self.query_one("#left-tabs", TabbedContent).active = "tab-endpoints"
        self.tree.reveal(operation)
