"""The endpoint filter is driven from the keyboard alone: type, ↓ into the matches, enter opens one
(a group node under the cursor used to fold instead)."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import Input

from tui_api.core.spec.model import Operation
from tui_api.demo.server import DemoServer
from tui_api.tui.app import TuiApiApp

from .helpers import settle


async def test_filter_down_enter_opens_the_first_match(demo_server: DemoServer, tmp_path: Path) -> None:
    app = TuiApiApp(str(demo_server.write_spec(tmp_path)), server_url=demo_server.base_url, validate=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        tree = screen.tree
        # typed and ↓ with no pause: the debounced filter must not leave the cursor on a group
        await pilot.press("slash", *"health", "down")
        assert tree.tree.has_focus
        node = tree.tree.cursor_node
        assert node is not None and isinstance(node.data, Operation)
        assert node.data.path == "/health"
        await pilot.press("enter")
        await settle(pilot)
        assert screen.editor.query_one("#url", Input).value.endswith("/health")
        assert all(group.is_expanded for group in tree.tree.root.children)

        # enter on a group holding the only match opens that match instead of folding the group
        tree.set_filter("inventory")
        await pilot.pause()
        tree.tree.focus()
        tree.tree.cursor_line = 0
        await pilot.pause()
        assert not isinstance(tree.tree.cursor_node.data, Operation)
        await pilot.press("enter")
        await settle(pilot)
        assert tree.tree.root.children[0].is_expanded
        assert isinstance(tree.tree.cursor_node.data, Operation)
        assert screen.editor.query_one("#url", Input).value.endswith("/store/inventory")


async def test_filter_edit_keys_run_in_order_with_typed_text(demo_server: DemoServer, tmp_path: Path) -> None:
    """backspace / home / ctrl+k typed fast between letters act where they were typed, as in the URL
    bar (an Input's own bindings used to run only after the key bubbled up to the app, behind the
    letters that followed in the same terminal read)."""
    app = TuiApiApp(str(demo_server.write_spec(tmp_path)), server_url=demo_server.base_url, validate=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        tree = app.main_screen.tree
        await pilot.press("slash")
        assert tree.filter_input.has_focus
        # as a terminal delivers them in one read: every event queued before any is handled
        burst = [*"helx", "backspace", "backspace", *"alth", "home", "ctrl+k", *"pet"]
        for key in burst:
            event = events.Key(key, key if len(key) == 1 else None)
            event.set_sender(app)
            app._driver.send_message(event)
        await pilot.pause()
        await pilot.pause()
        assert tree.filter_input.value == "pet"
