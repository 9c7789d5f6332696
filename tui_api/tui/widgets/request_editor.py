"""The request as the user edits it: method, URL, query parameters, headers, body; plus the
operation's documentation and the auth tab.

It only converts between widgets and the shared `Request` model: `load(request)` fills the widgets,
`current_request()` reads them back. Sending is the screen's job (it asks via `SendRequested`).
"""

from __future__ import annotations

import json
from dataclasses import replace

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static, TabbedContent, TabPane, TextArea

from tui_api.core.auth.inline import INLINE_KINDS, InlineAuth, inline_kind, inline_marker, is_inline
from tui_api.core.auth.kinds import KINDS
from tui_api.core.collection.model import Body, Request
from tui_api.tui.widgets.eager_input import EagerInput
from tui_api.tui.widgets.request_fields import (
    SecretInput,
    UrlInput,
    body_to_text,
    jwt_text,
    server_choices,
    text_to_body,
)
from tui_api.tui.widgets.key_value_table import KeyValueTable
from tui_api.tui.widgets.operation_info import OperationInfo

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
INHERIT = "__inherit__"
INHERIT_LABEL = "Inherit (none)"
BODY_KINDS = (("JSON", "json"), ("Text", "text"), ("Form (urlencoded)", "form"), ("No body", "none"))


INLINE_LABELS = {"apikey": "API key", "basic": "Basic", "bearer": "Bearer / JWT", "digest": "Digest"}


class RequestEditor(Vertical):
    """Method, URL and Send on one line; tabs for docs, params, headers, body and auth."""

    DEFAULT_CSS = """
    RequestEditor {
        height: 1fr;
    }
    RequestEditor #title-bar {
        height: 1;
    }
    RequestEditor #request-title {
        height: 1;
        width: 1fr;
        padding: 0 1;
        color: $text-muted;
    }
    RequestEditor #server {
        width: 50;
        display: none;
    }
    RequestEditor #server.-shown {
        display: block;
    }
    RequestEditor #request-bar {
        height: 1;
        margin: 0 0 0 0;
    }
    RequestEditor #method {
        width: 12;
    }
    RequestEditor #url {
        width: 1fr;
        margin: 0 1;
    }
    RequestEditor #send {
        width: 12;
        min-width: 8;
    }
    /* a narrow editor (80 columns with the tree shown): the URL gets the room */
    RequestEditor.-narrow #method {
        width: 10;
    }
    RequestEditor.-narrow #url {
        margin: 0 0 0 1;
    }
    RequestEditor.-narrow #send {
        width: auto;
        min-width: 6;
        padding: 0 1;
        margin-left: 1;
    }
    RequestEditor TabbedContent {
        height: 1fr;
    }
    RequestEditor TabPane {
        padding: 0;
    }
    RequestEditor #body-bar {
        height: 1;
        padding: 0 1;
    }
    RequestEditor #body-kind {
        width: 26;
    }
    RequestEditor #body-variant {
        width: 44;
        margin-left: 1;
        display: none;
    }
    RequestEditor #body-variant.-shown {
        display: block;
    }
    RequestEditor #body-note {
        padding: 0 1;
        color: $text-muted;
        width: 1fr;
    }
    RequestEditor #body {
        height: 1fr;
    }
    RequestEditor #auth-info {
        padding: 1 1;
    }
    RequestEditor #auth-bar {
        height: 1;
        padding: 0 1;
        margin-top: 1;
    }
    RequestEditor #auth-profile {
        width: 40;
        margin-right: 2;
    }
    RequestEditor #auth-inline {
        height: auto;
        max-height: 8;
        padding: 0 1;
        margin-top: 1;
        display: none;
    }
    RequestEditor #auth-inline.-shown {
        display: block;
    }
    RequestEditor .inline-kind {
        height: auto;
        display: none;
    }
    RequestEditor .inline-kind.-shown {
        display: block;
    }
    RequestEditor .inline-row {
        height: 1;
    }
    RequestEditor .inline-label {
        width: 14;
        color: $text-muted;
    }
    RequestEditor .inline-row Input {
        width: 1fr;
        max-width: 72;
    }
    RequestEditor .inline-row Select {
        width: 20;
    }
    RequestEditor #inline-jwt {
        height: auto;
    }
    RequestEditor.-narrow #auth-bar, RequestEditor.-narrow #auth-inline {
        margin-top: 0;
    }
    RequestEditor.-narrow #auth-profile {
        width: 1fr;
        margin-right: 1;
    }
    RequestEditor.-narrow .inline-label {
        width: 13;
    }
    """

    class SendRequested(Message):
        """Send (or, while sending, cancel) was pressed."""

    class Edited(Message):
        """Some field changed (the screen decides whether that is an unsaved change)."""

    class ManageAuthRequested(Message):
        """The user wants the auth profiles screen."""

    class BranchChosen(Message):
        """Another oneOf/anyOf branch was picked for the example body."""

        def __init__(self, path: str, index: int) -> None:
            super().__init__()
            self.path = path
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._base = Request()
        self._kept_body: Body | None = None  # multipart/file bodies: kept as loaded, not editable here
        self._sending = False
        self._inherited_auth: str | None = None
        self._security: list[dict[str, list[str]]] = []
        self._profiles: list[str] = []

    def compose(self) -> ComposeResult:
        with Horizontal(id="title-bar"):
            yield Static("", id="request-title")
            yield Select([], prompt="server", id="server", compact=True, allow_blank=True)
        with Horizontal(id="request-bar"):
            yield Select([(m, m) for m in METHODS], value="GET", allow_blank=False, id="method", compact=True)
            yield UrlInput(placeholder="URL, or paste a cURL command  (ctrl+l)", id="url", compact=True,
                           select_on_focus=False)
            yield Button(self._button_label(False), id="send", variant="primary", compact=True)
        with TabbedContent(initial="tab-docs", id="request-tabs"):
            with TabPane("Docs", id="tab-docs"):
                yield OperationInfo(id="operation-info")
            with TabPane("Params", id="tab-params"):
                yield KeyValueTable(id="query", key_placeholder="query parameter", value_placeholder="value")
            with TabPane("Headers", id="tab-headers"):
                yield KeyValueTable(id="headers", key_placeholder="header", value_placeholder="value")
            with TabPane("Body", id="tab-body"):
                with Horizontal(id="body-bar"):
                    yield Select(list(BODY_KINDS), value="none", allow_blank=False, id="body-kind", compact=True)
                    yield Select([], prompt="oneOf/anyOf branch", id="body-variant", compact=True)
                    yield Static("", id="body-note")
                yield TextArea("", id="body", show_line_numbers=True, tab_behavior="indent")
            with TabPane("Auth", id="tab-auth"):
                with Horizontal(id="auth-bar"):
                    yield Select([(INHERIT_LABEL, INHERIT), ("No auth", "none")], value=INHERIT,
                                 allow_blank=False, id="auth-profile", compact=True)
                    yield Button("Manage profiles f2", id="auth-manage", compact=True)
                with VerticalScroll(id="auth-inline"):
                    for kind in INLINE_KINDS:
                        with Vertical(id=f"inline-{kind}", classes="inline-kind"):
                            for spec in KINDS[kind].fields:
                                with Horizontal(classes="inline-row"):
                                    yield Label(spec.label, classes="inline-label")
                                    yield self._inline_widget(kind, spec)
                            if kind == "bearer":
                                yield Static("", id="inline-jwt")
                yield Static(id="auth-info")

    @staticmethod
    def _inline_widget(kind: str, spec: object) -> Input | Select:
        wid = f"inline-{kind}-{spec.name}"
        if spec.choices:
            return Select([(c, c) for c in spec.choices], value=spec.default, allow_blank=False, id=wid, compact=True)
        if spec.secret:
            return SecretInput(password=True, placeholder="kept in memory for this session only; ctrl+r reveals",
                               id=wid, compact=True)
        return EagerInput(spec.default, placeholder=spec.help, id=wid, compact=True)

    def on_mount(self) -> None:
        self.show_auth_info([])

    # --- the request model <-> widgets -----------------------------------------------------
    def load(self, request: Request, *, title: str = "") -> None:
        """Fill every field from `request` (a spec operation's example, a saved request...)."""
        self._base = replace(request)
        self.query_one("#request-title", Static).update(Text(title or request.name, style="bold"))
        method = request.method.upper()
        select = self.query_one("#method", Select)
        if method not in METHODS:
            select.set_options([(m, m) for m in (*METHODS, method)])
        select.value = method
        self.query_one("#url", Input).value = request.url
        self.query_one("#query", KeyValueTable).set_pairs(request.query)
        self.query_one("#headers", KeyValueTable).set_pairs(request.headers)
        kind, text = body_to_text(request.body)
        area = self.query_one("#body", TextArea)
        note = self.query_one("#body-note", Static)
        if kind in ("multipart", "file"):
            self._kept_body = request.body
            area.load_text("")
            area.read_only = True
            note.update(f"{kind} body kept as loaded (not editable here yet)")
            self.query_one("#body-kind", Select).value = "none"
        else:
            self._kept_body = None
            area.read_only = False
            area.load_text(text)
            note.update("")
            self.query_one("#body-kind", Select).value = kind
        self.set_auth_choice(request.auth)

    @property
    def base_request(self) -> Request:
        """The request as last loaded (or saved): what "unsaved changes" compares against."""
        return self._base

    def rebase(self, request: Request) -> None:
        """After a save: the editor's content is now the stored version."""
        self._base = replace(request)

    def set_title(self, title: str) -> None:
        self.query_one("#request-title", Static).update(Text(title, style="bold"))

    # --- body variants (oneOf / anyOf) ----------------------------------------------------
    def set_body_choices(self, choices: list[tuple[str, str, tuple[str, ...]]]) -> None:
        """(path, keyword, option labels) per oneOf/anyOf in the body schema."""
        select = self.query_one("#body-variant", Select)
        options = []
        for path, keyword, labels in choices[:8]:
            where = path.replace("/properties/", ".").lstrip(".") or "body"
            for index, label in enumerate(labels):
                options.append((f"{where} {keyword}: {label}", f"{index}|{path}"))
        with select.prevent(Select.Changed):
            select.set_options(options)
        select.set_class(bool(options), "-shown")

    def set_body_value(self, value: object) -> None:
        """Replace the JSON body (a new example after a branch was picked)."""
        self._kept_body = None
        self.query_one("#body-kind", Select).value = "json"
        self.query_one("#body", TextArea).load_text(json.dumps(value, indent=2, ensure_ascii=False))

    @on(Select.Changed, "#body-variant")
    def _variant_changed(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str) and "|" in event.value:
            index, _, path = event.value.partition("|")
            self.post_message(self.BranchChosen(path, int(index)))

    @property
    def current_server(self) -> str | None:
        """The spec server the URL starts with (None when the request is not from a spec)."""
        server = getattr(self, "_server", None)
        url = self.query_one("#url", Input).value
        return server if server and url.startswith(server) else None

    # --- servers --------------------------------------------------------------------------
    def set_servers(self, urls: list[str], current: str | None) -> None:
        """Offer the spec's servers when there is a choice; picking one swaps the URL's prefix."""
        select = self.query_one("#server", Select)
        self._server = current
        with select.prevent(Select.Changed):
            select.set_options([(url, url) for url in urls])
            if current in urls:
                select.value = current
        select.set_class(len(urls) > 1, "-shown")

    @on(Select.Changed, "#server")
    def _server_changed(self, event: Select.Changed) -> None:
        event.stop()
        new = event.value
        old = getattr(self, "_server", None)
        if not isinstance(new, str) or new == old:
            return
        url = self.query_one("#url", Input)
        if old and url.value.startswith(old):
            url.value = new + url.value[len(old):]
        self._server = new

    # --- auth -----------------------------------------------------------------------------
    def set_auth_profiles(self, names: list[str], inherited: str | None) -> None:
        """The profiles to offer, and what "inherit" means for this request."""
        self._profiles = list(names)
        self._inherited_auth = inherited
        select = self.query_one("#auth-profile", Select)
        current = select.value
        label = f"Inherit ({inherited})" if inherited else INHERIT_LABEL
        options = [(label, INHERIT), ("No auth", "none"), *self._inline_options(), *((name, name) for name in names)]
        if isinstance(current, str) and current not in (INHERIT, "none") and current not in names \
                and not is_inline(current):
            options.append((f"{current} (missing)", current))
        select.set_options(options)
        select.value = current if isinstance(current, str) else INHERIT
        self.show_auth_info(self._security)

    def set_auth_choice(self, profile: str | None) -> None:
        select = self.query_one("#auth-profile", Select)
        value = profile or INHERIT
        if is_inline(value) and inline_kind(value) not in INLINE_KINDS:
            value = INHERIT  # an inline kind this editor cannot show (e.g. from a newer version)
        if value not in (INHERIT, "none") and value not in self._profiles and not is_inline(value):
            self.set_auth_profiles(self._profiles + [value], self._inherited_auth)
        select.value = value
        self._show_inline(value)

    @staticmethod
    def _inline_options() -> list[tuple[str, str]]:
        return [(f"Inline: {INLINE_LABELS[kind]}", inline_marker(kind)) for kind in INLINE_KINDS]

    def _show_inline(self, value: object) -> None:
        kind = inline_kind(value if isinstance(value, str) else None)
        self.query_one("#auth-inline").set_class(kind is not None, "-shown")
        for name in INLINE_KINDS:
            self.query_one(f"#inline-{name}").set_class(name == kind, "-shown")
        self.show_auth_info(self._security)

    def inline_auth(self) -> InlineAuth | None:
        """The inline auth the Auth tab holds (None when a profile, inherit or none is chosen).
        Secrets are read from the masked inputs: they live nowhere else."""
        kind = inline_kind(self.query_one("#auth-profile", Select).value)
        if kind not in INLINE_KINDS:
            return None
        fields: dict[str, str] = {}
        secrets: dict[str, str] = {}
        for spec in KINDS[kind].fields:
            widget = self.query_one(f"#inline-{kind}-{spec.name}")
            value = widget.value if isinstance(widget, Input) else str(widget.value)
            (secrets if spec.secret else fields)[spec.name] = value.strip() if spec.secret else value
        return InlineAuth(kind, fields, secrets)

    def set_inline_fields(self, plain: dict[str, str]) -> None:
        """Restore an inline kind's plain fields (from a draft); secrets are never restored."""
        kind = plain.get("kind")
        if kind not in INLINE_KINDS:
            return
        for spec in KINDS[kind].plain_fields:
            value = plain.get(spec.name)
            if value is None:
                continue
            widget = self.query_one(f"#inline-{kind}-{spec.name}")
            if isinstance(widget, Select):
                if value in spec.choices:
                    widget.value = value
            else:
                widget.value = value

    def current_request(self) -> Request:
        """The request exactly as the widgets show it now."""
        method = self.query_one("#method", Select).value
        url = self.query_one("#url", Input).value
        query = self.query_one("#query", KeyValueTable).pairs()
        headers = self.query_one("#headers", KeyValueTable).pairs()
        if self._kept_body is not None:
            body: Body | None = self._kept_body
        else:
            kind = str(self.query_one("#body-kind", Select).value)
            body = text_to_body(kind, self.query_one("#body", TextArea).text)
            if kind == "json" and body is not None and body.kind == "text" and not _has(headers, "content-type"):
                headers = [*headers, ("Content-Type", "application/json")]
        auth = self.query_one("#auth-profile", Select).value
        auth_name = None if auth in (INHERIT, Select.BLANK) else str(auth)
        return replace(self._base, method=str(method), url=url, query=query, headers=headers, body=body,
                       auth=auth_name)

    @property
    def operation_info(self) -> OperationInfo:
        return self.query_one("#operation-info", OperationInfo)

    def show_auth_info(self, security: list[dict[str, list[str]]]) -> None:
        self._security = list(security)
        text = Text()
        choice = self.query_one("#auth-profile", Select).value
        if is_inline(choice if isinstance(choice, str) else None):
            text.append("Kept in memory for this session only (drafts keep the kind and plain fields, never the "
                        "secret; history and the Request tab redact it). ctrl+s into a collection offers to make "
                        "it a profile, its secret in the keyring.", style="dim")
            self.query_one("#auth-info", Static).update(text)
            return
        if security:
            text.append("This operation asks for: ")
            text.append(" or ".join(" + ".join(req) or "no auth" for req in security) + "\n", style="bold cyan")
        if self._inherited_auth:
            text.append(f"Inherit uses '{self._inherited_auth}' (from the folder or collection).\n", style="dim")
        if not self._profiles:
            text.append(
                "No auth profiles yet. Press f2 (or Manage profiles) to create one: API key, Basic, Bearer/JWT, "
                "Digest or OAuth 2.0 client credentials; or run 'Auth profiles from the spec' from the command "
                "palette (ctrl+p). Secrets go to the OS keyring, never to a file.\n",
                style="dim")
        text.append("The secret is applied when the request is sent; history and the Request tab show it redacted.",
                    style="dim")
        self.query_one("#auth-info", Static).update(text)

    def set_sending(self, sending: bool) -> None:
        self._sending = sending
        button = self.query_one("#send", Button)
        button.label = self._button_label(sending)
        button.variant = "error" if sending else "primary"

    NARROW = 72  # below this many columns the bar drops the key from the button and slims the method

    def on_resize(self, event: events.Resize) -> None:
        narrow = event.size.width < self.NARROW
        if narrow != self.has_class("-narrow"):
            self.set_class(narrow, "-narrow")
            self.query_one("#send", Button).label = self._button_label(self._sending)

    def _button_label(self, sending: bool) -> str:
        """The Send/Cancel button names the key bound to it (after the user's keymap); a narrow
        editor shows just the word (the footer still names the key)."""
        if self.has_class("-narrow"):
            return "Cancel" if sending else "Send"
        label = getattr(self.app, "key_label", None)
        if sending:
            return f"Cancel {label('cancel-send', 'escape') if label else 'esc'}"
        return f"Send {label('send', 'ctrl+j') if label else '^j'}"

    def focus_url(self) -> None:
        """Focus the URL with the cursor at its end (editing, not replacing, is the common case).

        Focus moves NOW, not via `Widget.focus()`: that defers the move with `call_later`, which
        queues it behind keys already waiting (ctrl+l then typing or a paste, arriving in one read
        from the terminal), so those keys went to the previously focused widget (the tree) and the
        URL stayed as it was or empty."""
        url = self.query_one("#url", Input)
        try:
            self.screen.set_focus(url)
        except Exception:  # noqa: BLE001 - not on a screen yet: the deferred way still works
            url.focus()
        url.cursor_position = len(url.value)

    # --- handlers -------------------------------------------------------------------------
    @on(Button.Pressed, "#send")
    def _send_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.SendRequested())

    @on(Input.Submitted, "#url")
    def _url_submitted(self, event: Input.Submitted) -> None:
        """Enter in the URL bar sends, as in a browser."""
        event.stop()
        from tui_api.core.collection.curl import looks_like_curl

        if looks_like_curl(event.value):
            self.post_message(UrlInput.CurlPasted(event.value))
        elif not self._sending:
            self.post_message(self.SendRequested())

    @on(Select.Changed, "#auth-profile")
    def _auth_choice_changed(self, event: Select.Changed) -> None:
        self._show_inline(event.value)

    @on(Input.Changed, "#inline-bearer-token")
    def _token_typed(self, event: Input.Changed) -> None:
        self.query_one("#inline-jwt", Static).update(jwt_text(event.value))

    @on(Button.Pressed, "#auth-manage")
    def _manage_auth(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.ManageAuthRequested())

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    @on(KeyValueTable.Changed)
    def _edited(self) -> None:
        self.post_message(self.Edited())

    @on(TextArea.Changed, "#body")
    def _body_typed(self, event: TextArea.Changed) -> None:
        """Typing a body while "No body" is chosen picks a kind, so the text is not dropped."""
        kind = self.query_one("#body-kind", Select)
        text = event.text_area.text
        if kind.value == "none" and text.strip() and self._kept_body is None:
            kind.value = "json" if text.lstrip()[:1] in ("{", "[") else "text"

    @on(Select.Changed, "#body-kind")
    def _body_kind_changed(self, event: Select.Changed) -> None:
        area = self.query_one("#body", TextArea)
        if event.value == "json" and area.text.strip():
            try:
                json.loads(area.text)
                self.query_one("#body-note", Static).update("")
            except ValueError:
                self.query_one("#body-note", Static).update("not valid JSON: sent as typed")


def _has(headers: list[tuple[str, str]], name: str) -> bool:
    return any(key.lower() == name for key, _ in headers)
