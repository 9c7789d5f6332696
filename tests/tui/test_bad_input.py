"""Bad input as a user hits it, in the real app against real local servers: what they see, and
that what they typed stays in the editor."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from keyring.backends import fail
from textual.pilot import Pilot

from tui_api.core.auth.secrets import SecretStore
from tui_api.demo.server import DemoServer
from tui_api.tui.app import TuiApiApp
from tui_api.tui.widgets.text_lines_view import TextLinesView

from .helpers import settle

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for `servers.oddities`

from servers.oddities import OdditiesServer  # noqa: E402


@pytest.fixture
def odd_server() -> Iterator[OdditiesServer]:
    with OdditiesServer() as server:
        yield server


async def wait_for(pilot: Pilot, condition: Callable[[], bool], what: str) -> None:
    for _ in range(200):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def send_url(pilot: Pilot, url: str) -> None:
    screen = pilot.app.main_screen
    screen.editor.query_one("#url").value = url
    await pilot.press("ctrl+j")
    await settle(pilot)


def body_lines(app: TuiApiApp) -> list[str]:
    return [line.plain for line in app.main_screen.response.query_one("#response-body", TextLinesView).lines]


async def test_missing_secret_names_the_variable_and_nothing_is_sent(
        demo_server: DemoServer, tmp_path: Path) -> None:
    """A request whose auth profile has no secret (no keyring, no variable): the response pane says
    'NOT SENT' and names TUI_API_SECRET_STORE_KEY_KEY in full (wrapped to the pane, not cut at its
    edge); the server saw nothing and the typed URL is still in the editor."""
    path = tmp_path / "c.yaml"
    path.write_text(
        "version: 1\nname: c\nauth_profiles:\n  store-key: {kind: apikey, in: header, name: X-API-Key}\n"
        f"requests:\n  - name: keyed\n    url: {demo_server.base_url}/pets\n    auth: store-key\n",
        encoding="utf-8")
    app = TuiApiApp(collection=str(path), validate=False)
    app.workspace._secret_store = SecretStore(fail.Keyring(), environ={})  # no keyring, no variable
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await send_url(pilot, f"{demo_server.base_url}/pets?typed=1")
        response = app.main_screen.response
        assert response.status_text.strip().startswith("NOT SENT")
        lines = body_lines(app)
        width = response.query_one("#response-body", TextLinesView).scrollable_content_region.width
        assert all(len(line) <= width for line in lines)
        assert "TUI_API_SECRET_STORE_KEY_KEY" in " ".join(lines)
        assert app.main_screen.editor.current_request().url.endswith("/pets?typed=1")


async def test_odd_responses_are_shown_with_what_went_wrong(odd_server: OdditiesServer) -> None:
    """204 shows '(empty body)'; JSON that does not parse is shown as received with a note; Latin-1
    bytes declared as UTF-8 are shown with a note that says so (not silently garbled); a redirect loop
    says it is one and how to see the first answer."""
    app = TuiApiApp(validate=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        response = app.main_screen.response
        await send_url(pilot, odd_server.url("/no-content"))
        assert response.status_text.strip().startswith("204")
        assert "(empty body)" in response.body_text
        await send_url(pilot, odd_server.url("/bad-json"))
        await wait_for(pilot, lambda: "Rex" in response.body_text, "the body")
        assert "not valid JSON" in response.note_text
        await send_url(pilot, odd_server.url("/latin1"))
        await wait_for(pilot, lambda: "Caf" in response.body_text, "the body")
        assert "not valid utf-8" in response.note_text and "ctrl+o" in response.note_text
        await send_url(pilot, odd_server.url("/loop"))
        assert "redirect loop" in " ".join(body_lines(app))


async def test_escape_stops_a_never_ending_stream_and_keeps_what_arrived(odd_server: OdditiesServer) -> None:
    """A text/event-stream never ends: the status line shows '200 OK, receiving ...'; Escape stops
    it and the pane shows the events that arrived, with a note that it was stopped."""
    app = TuiApiApp(validate=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        screen.editor.query_one("#url").value = odd_server.url("/events")
        await pilot.press("ctrl+j")
        await wait_for(pilot, lambda: "receiving" in screen.response.status_text, "the stream to start")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not screen.sending and "tick 1" in screen.response.body_text, "the stop")
        assert screen.response.status_text.strip().startswith("200")
        assert "stopped by you" in screen.response.note_text
        assert screen.editor.current_request().url == odd_server.url("/events")
