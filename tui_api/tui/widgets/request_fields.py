"""The request editor's parts that stand alone: conversions between the shared `Body` model and
what the editor shows, the server choices of a spec, and the URL and secret inputs.

Kept apart from `request_editor.py` so that widget stays about layout and state.
"""

from __future__ import annotations

import json

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message

from tui_api.core.collection.model import Body
from tui_api.tui.widgets.eager_input import EagerInput


def body_to_text(body: Body | None) -> tuple[str, str]:
    """(kind for the Select, text for the TextArea)."""
    if body is None:
        return "none", ""
    if body.kind == "json":
        return "json", json.dumps(body.value, indent=2, ensure_ascii=False)
    if body.kind == "text":
        return "text", str(body.value)
    if body.kind == "form":
        return "form", "\n".join(f"{key}={value}" for key, value in body.value)
    return body.kind, ""


def server_choices(servers: list, limit: int = 24) -> list[str]:
    """Every URL the spec's servers allow: each enum value of each server variable, the
    defaults first (`{scheme}://host` with scheme [https, http] gives two)."""
    import itertools

    urls: list[str] = []
    for server in servers:
        variables = list(getattr(server, "variables", []) or [])
        choices = [[v.default, *[e for e in v.enum if e != v.default]] for v in variables]
        for combo in itertools.product(*choices) if choices else [()]:
            url = server.resolved({v.name: value for v, value in zip(variables, combo)}).rstrip("/")
            if url not in urls:
                urls.append(url)
            if len(urls) >= limit:
                return urls
    return urls


def text_to_body(kind: str, text: str) -> Body | None:
    """The body a user typed. JSON that does not parse (e.g. `{"id": {{pet_id}}}`) is sent as text
    with the JSON content type, so variables inside raw JSON still work."""
    if kind == "none" or (not text.strip() and kind != "text"):
        return None
    if kind == "json":
        try:
            return Body("json", json.loads(text))
        except ValueError:
            return Body("text", text)
    if kind == "form":
        pairs: list[tuple[str, str]] = []
        for line in text.splitlines():
            if not line.strip():
                continue
            key, _, value = line.partition("=")
            pairs.append((key.strip(), value))
        return Body("form", pairs)
    return Body("text", text) if text else None


class UrlInput(EagerInput):
    """The URL bar. A pasted cURL command is not cut to its first line: it becomes a request.
    Its bindings act as keys arrive (EagerInput): ctrl+l, ctrl+u then a paste lands whole."""

    class CurlPasted(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def _on_paste(self, event: events.Paste) -> None:
        from tui_api.core.collection.curl import looks_like_curl

        if event.text and looks_like_curl(event.text):
            event.stop()
            event.prevent_default()
            self.post_message(self.CurlPasted(event.text))
        # otherwise Input's own paste handler runs next (Textual calls each class's handler)


class SecretInput(EagerInput):
    """A masked input; ctrl+r shows or hides what was typed (as on the auth profiles screen)."""

    BINDINGS = [Binding("ctrl+r", "reveal", "Reveal", id="reveal-secret")]

    def action_reveal(self) -> None:
        self.password = not self.password


def jwt_text(token: str) -> Text:
    """A bearer token's decoded claims and expiry (unverified), with a warning once it expired."""
    from tui_api.core.auth.jwt import decode_jwt

    if not token.strip():
        return Text("")
    info = decode_jwt(token)
    if info is None:
        return Text("token: opaque (not a JWT)", style="dim")
    claims = ", ".join(f"{k}={v}" for k, v in info.claims.items() if k in ("sub", "iss", "aud", "scope", "exp"))
    shown = Text(f"JWT {claims or '(no standard claims)'}\n{info.describe_expiry()}")
    if info.expired():
        shown.append("  expired: the request will not be sent with it", style="bold red")
    return shown
