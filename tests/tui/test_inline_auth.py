"""Inline auth in the request editor's Auth tab, sent to the real demo server: the secret is typed
into a masked input, applied through the core's auth classes, and never reaches a file."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
import yaml
from keyring.backend import KeyringBackend
from keyring.errors import PasswordSetError
from textual.widgets import Input, Label, Select, Static

from .helpers import open_operation, settle
from tui_api.core.auth.jwt import make_unsigned_jwt
from tui_api.demo.server import DemoServer
from tui_api.tui.app import TuiApiApp
from tui_api.tui.screens.prompt import PromptScreen


class DictKeyring(KeyringBackend):
    """An in-memory keyring backend, installed with keyring.set_keyring for one test."""

    # keyring discovers every KeyringBackend subclass at its first get_keyring(); a negative
    # priority keeps this test backend from being picked as the process-wide default (which made
    # the real-keyring tests believe a keyring existed on machines without one).
    priority = -1  # type: ignore[assignment]

    def __init__(self, fail: bool = False) -> None:
        super().__init__()
        self.values: dict[tuple[str, str], str] = {}
        self.fail = fail

    def get_password(self, service: str, username: str) -> str | None:
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.fail:
            raise PasswordSetError("the keyring is locked")
        self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.values.pop((service, username), None)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A TUI_API_HOME of this test alone, so the scan for the secret sees only what this app wrote."""
    folder = tmp_path / "home"
    monkeypatch.setenv("TUI_API_HOME", str(folder))
    for kind in ("DATA", "CACHE", "CONFIG"):
        monkeypatch.delenv(f"TUI_API_{kind}_DIR", raising=False)
    return folder


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = DictKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def files_containing(folder: Path, needle: str) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and needle.encode() in p.read_bytes()]


async def choose_inline(pilot, kind: str, **values: str) -> None:
    editor = pilot.app.main_screen.editor
    editor.query_one("#auth-profile", Select).value = f"inline:{kind}"
    await pilot.pause()
    for name, value in values.items():
        editor.query_one(f"#inline-{kind}-{name}").value = value  # an Input or a Select
    await pilot.pause()


async def send(pilot) -> None:
    await pilot.press("ctrl+j")
    await settle(pilot)


async def test_inline_api_key_and_bearer_reach_the_server_and_no_file(demo_server: DemoServer, tmp_path: Path,
                                                                      home: Path) -> None:
    app = TuiApiApp(str(demo_server.write_spec(tmp_path)), server_url=demo_server.base_url, validate=False)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await open_operation(pilot, "updatePet")
        editor = app.main_screen.editor
        await choose_inline(pilot, "apikey", key="not-the-key")
        secret_input = editor.query_one("#inline-apikey-key", Input)
        assert secret_input.password  # masked
        secret_input.focus()
        await pilot.press("ctrl+r")
        assert not secret_input.password  # revealed on request
        await pilot.press("ctrl+r")
        assert secret_input.password
        await send(pilot)
        assert app.main_screen.response.exchange.status == 401

        secret_input.value = "demo-"
        secret_input.cursor_position = len(secret_input.value)
        await pilot.press("k", "e", "y")  # typed, the real path
        await send(pilot)
        exchange = app.main_screen.response.exchange
        assert exchange.status == 200, exchange.error
        sent = {k.lower(): v for k, v in exchange.request_headers}
        assert sent.get("x-api-key") not in (None, "demo-key")  # shown redacted in the Request tab
        app.main_screen.flush_draft(force=True)

        # bearer (JWT): its claims and expiry show; an expired one is not sent; a good one is
        await open_operation(pilot, "placeOrder")
        editor = app.main_screen.editor
        await choose_inline(pilot, "bearer", token=make_unsigned_jwt({"sub": "ann", "exp": 1000}))
        shown = str(editor.query_one("#inline-jwt", Static).render())
        assert "sub=ann" in shown and "EXPIRED" in shown and "will not be sent" in shown
        await send(pilot)
        assert app.main_screen.response.exchange is None or app.main_screen.response.exchange.status is None
        assert "EXPIRED" in app.main_screen.response.status_text + app.main_screen.response.body_text

        await choose_inline(pilot, "bearer", token="demo-token")
        await send(pilot)
        exchange = app.main_screen.response.exchange
        assert exchange.status == 201, exchange.error
        assert "demo-token" not in str(exchange.request_headers)
        app.main_screen.flush_draft(force=True)
        await settle(pilot)

    assert home.exists()
    drafts = [p for p in home.rglob("*") if p.is_file() and "draft" in str(p)]
    assert drafts and any(b"inline:apikey" in p.read_bytes() for p in drafts)  # the kind is kept
    assert any(b"X-API-Key" in p.read_bytes() for p in drafts)  # and the plain fields
    history = [p for p in home.rglob("*") if p.is_file() and "history" in str(p)]
    assert history
    assert files_containing(home, "demo-key") == []
    assert files_containing(home, "not-the-key") == []
    assert files_containing(home, "demo-token") == []


async def test_save_inline_auth_as_a_collection_profile(demo_server: DemoServer, tmp_path: Path, home: Path,
                                                        memory_keyring: DictKeyring) -> None:
    collection = tmp_path / "api.yaml"
    app = TuiApiApp(str(demo_server.write_spec(tmp_path)), server_url=demo_server.base_url, validate=False)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await open_operation(pilot, "updatePet")
        await choose_inline(pilot, "apikey", key="demo-key", name="X-API-Key")

        memory_keyring.fail = True  # first: the keyring refuses; nothing is lost
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)  # a new collection file
        app.screen.query_one(Input).value = str(collection)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen) and "profile" in str(app.screen.query_one(Label).render())
        app.screen.query_one(Input).value = "petkey"
        await pilot.press("enter")
        await settle(pilot)
        messages = " ".join(str(n.message) for n in app._notifications)
        assert "TUI_API_SECRET_PETKEY_KEY" in messages
        assert app.main_screen.editor.current_request().auth == "inline:apikey"
        assert app.main_screen.editor.inline_auth().secrets["key"] == "demo-key"

        memory_keyring.fail = False  # then it works
        await pilot.press("ctrl+s")
        await settle(pilot)
        app.screen.query_one(Input).value = "petkey"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)  # the request's name
        app.screen.query_one(Input).value = "update pet"
        await pilot.press("enter")
        await settle(pilot)
        assert app.main_screen.editor.current_request().auth == "petkey"
        await send(pilot)
        assert app.main_screen.response.exchange.status == 200

    assert memory_keyring.values[("tui-api", "petkey:key")] == "demo-key"
    data = yaml.safe_load(collection.read_text(encoding="utf-8"))
    assert data["auth_profiles"]["petkey"]["kind"] == "apikey"
    assert data["auth_profiles"]["petkey"].get("name") == "X-API-Key"
    assert "demo-key" not in collection.read_text(encoding="utf-8")
    assert "auth: petkey" in collection.read_text(encoding="utf-8")
    assert files_containing(home, "demo-key") == []


def test_inline_basic_and_digest_go_through_the_core_and_keep_secrets_out_of_plain() -> None:
    import base64

    import httpx

    from tui_api.core.auth.inline import InlineAuth
    from tui_api.core.errors import AuthError

    basic = InlineAuth("basic", {"username": "ann"}, {"password": "pw-123"})
    request = next(basic().auth_flow(httpx.Request("GET", "http://127.0.0.1/")))
    token = base64.b64encode(b"ann:pw-123").decode()
    assert request.headers["Authorization"] == f"Basic {token}"
    assert set(basic.secret_values()) == {"pw-123", token}  # what travels is masked too
    assert "pw-123" not in str(basic.plain()) and basic.plain() == {"kind": "basic", "username": "ann"}
    assert basic.sensitive_names() == (["Authorization"], [])
    digest = InlineAuth("digest", {"username": "ann"}, {"password": ""})
    with pytest.raises(AuthError, match="Password is empty"):
        digest()
    query_key = InlineAuth("apikey", {"in": "query", "name": "api_key"}, {"key": "k-1"})
    assert query_key.sensitive_names() == ([], ["api_key"])
