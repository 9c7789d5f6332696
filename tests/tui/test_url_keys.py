"""ctrl+l then typing with no pause: every key lands in the URL, in order (a tmux script or a fast
typist sends them in one terminal read, before the focus change or a binding's action has run)."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import Input

from tui_api.demo.server import DemoServer
from tui_api.tui.app import TuiApiApp

from .helpers import settle

URL = "http://127.0.0.1:9/formats/large?bytes=100"


def key_event(char: str) -> events.Key:
    names = {":": "colon", "/": "slash", ".": "full_stop", "?": "question_mark", "=": "equals_sign"}
    return events.Key(names.get(char, char), char)


async def test_ctrl_l_then_typing_back_to_back_fills_the_url(demo_server: DemoServer, tmp_path: Path) -> None:
    app = TuiApiApp(str(demo_server.write_spec(tmp_path)), server_url=demo_server.base_url, validate=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        url = app.main_screen.editor.query_one("#url", Input)
        url.value = "http://old.example/keep-me-not"

        # as a terminal delivers them in one read: every event queued before any is handled
        app.main_screen.action_focus_tree()
        await pilot.pause()
        burst = [events.Key("ctrl+l", None), events.Key("ctrl+u", None), *map(key_event, URL)]
        for event in burst:
            event.set_sender(app)
            app._driver.send_message(event)
        await pilot.pause()
        await pilot.pause()
        assert app.focused is url
        assert url.value == URL

        # and through Pilot, key after key with no pause (backspace and home are bindings too)
        app.main_screen.action_focus_tree()
        await pilot.pause()
        await pilot.press("ctrl+l", "ctrl+u", *"http://h/ab", "backspace", "backspace", "x", "home", "Q")
        assert url.value == "Qhttp://h/x"
