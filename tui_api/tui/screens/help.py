"""`?` / F1: every key of the app, read from the live bindings so it never goes stale."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

def tips(app: object) -> list[tuple[str, str]]:
    """The "How to" lines, naming the keys in effect after the user's keymap.yaml (a remapped send
    key shown as ctrl+j here sent the reader to a key that no longer does anything)."""
    keys_for = getattr(app, "keys_for", lambda _id, default: default)

    def keys(binding_id: str, default: str, *, joiner: str = " or ") -> str:
        return joiner.join(key_name(app, key) for key in split_keys(keys_for(binding_id, default)))

    send_keys = split_keys(keys_for("send", "ctrl+j,ctrl+enter"))
    send = " or ".join(key_name(app, key) for key in send_keys if key != "ctrl+enter")
    if "ctrl+enter" in send_keys:
        send = f"{send} (ctrl+enter where the terminal reports it)" if send else "ctrl+enter"
    save = keys("save-request", "ctrl+s")
    return [
        ("Move focus", "tab / shift+tab, or click"),
        ("Filter endpoints", f"{keys('focus-filter', 'slash')} then type; enter opens the first match, "
                             "↓ moves into the tree; esc clears"),
        ("Open an operation", "enter or click on a leaf: fills the editor and the Docs tab"),
        ("Send", f"{send + ', ' if send else ''}enter in the URL bar, or the Send button"),
        ("Cancel a send", f"{keys('cancel-send', 'escape')} while the spinner runs"),
        ("Edit params/headers", "type in the blank last row to add one; ✕ removes a row"),
        ("Scroll a response", "focus it (tab or click), then arrows, page up/down, home/end"),
        ("Save a request", f"{save}: over the collection request it came from, or under a new name"),
        ("Collections", "`tui-api FILE.yaml`; the Collection tab beside Endpoints; ● marks unsaved edits"),
        ("Environment", f"the env: picker above the trees ({keys('focus-environment', 'f3')}), "
                        f"variables and their sources on {keys('show-variables', 'f4')}"),
        ("Auth", "the Auth tab picks a profile (inherit, none, or one) or an inline kind typed there, kept in "
                 f"memory only ({keys('reveal-secret', 'ctrl+r')} reveals a secret; {save} makes it a profile); "
                 f"{keys('auth-profiles', 'f2')} manages profiles"),
        ("History", f"{keys('show-history', 'f5')}: search every send; enter loads it back, "
                    f"{keys('history-save', 'ctrl+s')} saves it into the collection"),
        ("cURL", "paste a cURL command into the URL bar; "
                 f"{keys('export-curl', 'f6')} shows the request as cURL (palette: httpx)"),
        ("Drafts", "edits are kept on disk a second after you stop typing; opening the same operation or "
                   "request again brings them back (palette: Discard draft); saving to the collection clears them"),
        ("Command palette", "ctrl+p, then type an operation or a command"),
        ("Quit", keys("quit", "ctrl+q")),
    ]


def split_keys(keys: str) -> list[str]:
    return [key.strip() for key in keys.split(",") if key.strip()]


def key_name(app: object, key: str) -> str:
    """ctrl+j stays as written (readable in a sentence); a bare name becomes its symbol (slash -> /)."""
    if "+" in key or not hasattr(app, "get_key_display"):
        return key
    return app.get_key_display(Binding(key, ""))


LONG = {
    "help": "This help",
    "quit": "Quit (asks first if a collection request has unsaved edits)",
    "send": "Send the request (ctrl+enter where the terminal reports it)",
    "cancel-send": "Cancel the request in flight",
    "save-request": "Save the request into the collection",
    "focus-filter": "Filter the endpoints",
    "focus-url": "Edit the URL",
    "auth-profiles": "Auth profiles: create, edit, test, delete",
    "focus-environment": "Pick the environment",
    "show-variables": "Variables: values and where they come from",
    "show-history": "History of sent requests",
    "export-curl": "Show the request as a cURL command",
    "new-request": "A new, blank request",
    "focus-tree": "Focus the tree",
    "focus-response": "Focus the response body",
    "save-body": "Save the response body to a file",
    "show-warnings": "Spec warnings",
    "toggle-tree": "Hide or show the left pane",
}


def bindings_table(screen: Screen) -> Table:
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False, expand=False)
    table.add_column("key", style="bold cyan", no_wrap=True, min_width=20)
    table.add_column("does", min_width=24)
    table.add_column("id", style="dim", no_wrap=True)
    seen: set[tuple[str, str]] = set()
    rows: list[tuple[str, str, str]] = []
    for bindings in (screen.app.BINDINGS, getattr(screen, "BINDINGS", [])):
        for binding in bindings:
            if not isinstance(binding, Binding):
                binding = Binding(*binding)
            bound = binding.key
            if binding.id and hasattr(screen.app, "keys_for"):
                bound = screen.app.keys_for(binding.id, binding.key)  # after the user's keymap.yaml
            keys = ", ".join(screen.app.get_key_display(Binding(key.strip(), binding.action))
                             for key in bound.split(","))
            description = LONG.get(binding.id or "", "") or binding.description or binding.action.replace("_", " ")
            if binding.id == "send" and "ctrl+enter" not in split_keys(bound):
                description = "Send the request"
            key = (binding.action, description)
            if key in seen:
                continue
            seen.add(key)
            rows.append((keys, description, binding.id or ""))
    for keys, description, binding_id in rows:
        table.add_row(keys, description, binding_id)
    return table


def keymap_text(app: object) -> Text:
    from tui_api.tui.keymap import keymap_path

    text = Text()
    text.append("Write ")
    text.append(str(keymap_path()), style="bold")
    text.append(" with one line per binding id (the id column above) and its keys, then restart:\n")
    text.append("    send: ctrl+enter,f9\n    save-request: [ctrl+s, f10]\n", style="cyan")
    text.append("Ids of other screens and the collection tree: ", style="dim")
    text.append(other_binding_ids(app) + "\n", style="dim")
    overrides = getattr(app, "keymap_overrides", {}) or {}
    if overrides:
        text.append("Remapped now: " + ", ".join(f"{k} = {v}" for k, v in sorted(overrides.items())), style="dim")
    else:
        text.append("No keys are remapped now (the defaults above).", style="dim")
    return text


def other_binding_ids(app: object) -> str:
    """Remappable ids the table above does not list (modal screens, the collection tree)."""
    from tui_api.tui.keymap import known_bindings
    from tui_api.tui.screens.main import MainScreen

    shown = {b.id for b in (*getattr(app, "BINDINGS", []), *MainScreen.BINDINGS) if isinstance(b, Binding)}
    keys_for = getattr(app, "keys_for", lambda _id, default: default)
    return ", ".join(f"{binding_id} ({keys_for(binding_id, binding.key)})"
                     for binding_id, binding in known_bindings().items() if binding_id not in shown)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close help", id="help-close")]

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > Vertical {
        width: 100;
        max-width: 95%;
        height: 90%;
        border: round $accent;
        background: $panel;
        padding: 0 1;
    }
    HelpScreen .help-title {
        text-style: bold;
        padding: 0 0 1 0;
    }
    """

    def __init__(self, main_screen: Screen) -> None:
        super().__init__()
        self.main_screen = main_screen

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("tui-api keys   (esc closes; remap any key by its id in the keymap, see below)",
                         classes="help-title")
            with VerticalScroll():
                yield Static(bindings_table(self.main_screen))
                how_to = Table(box=None, show_header=False, pad_edge=False, expand=True)
                how_to.add_column(style="bold", width=22)
                how_to.add_column()
                for what, how in tips(self.app):
                    how_to.add_row(what, how)
                yield Static(Text("\nHow to", style="bold underline"))
                yield Static(how_to)
                yield Static(Text("\nRemap keys", style="bold underline"))
                yield Static(keymap_text(self.app))
