"""Key remapping from `<config>/keymap.yaml`: the remapped key works, a broken file keeps defaults."""

from __future__ import annotations

from pathlib import Path

from tui_api.core.paths import config_dir
from tui_api.demo.server import DemoServer
from tui_api.tui.app import TuiApiApp
from tui_api.tui.keymap import known_bindings, parse_keymap

from .helpers import open_operation, settle


def write_keymap(text: str) -> Path:
    path = config_dir() / "keymap.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_parse_keymap_reports_each_problem_and_keeps_valid_entries() -> None:
    known = set(known_bindings())
    result = parse_keymap("send: ctrl+enter, f9\nsned: f8\nquit: 3\nhelp: ctl+h\nsave-request: [f10]\n", known)
    assert result.keymap == {"send": "ctrl+enter,f9", "save-request": "f10"}
    assert any("unknown binding id 'sned'" in p and "send" in p for p in result.problems)
    assert any("'quit'" in p and "string" in p for p in result.problems)
    assert any("unknown modifier 'ctl'" in p for p in result.problems)
    broken = parse_keymap("send: [f9\n", known)
    assert broken.keymap == {} and "line 2" in broken.problems[0]
    assert "mapping" in parse_keymap("- send\n", known).problems[0]


async def test_remapped_send_key_sends_to_the_demo_server(demo_server: DemoServer, tmp_path: Path) -> None:
    """With `send: f9` in keymap.yaml, f9 sends; the Send button and the help screen show f9."""
    write_keymap("send: f9\n")
    app = TuiApiApp(str(demo_server.write_spec(tmp_path)), server_url=demo_server.base_url, validate=False)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await open_operation(pilot, "showPetById")
        screen = app.main_screen
        assert "f9" in str(screen.editor.query_one("#send").label)
        await pilot.press("ctrl+j")  # the default key no longer sends
        await settle(pilot)
        assert screen.response.exchange is None
        await pilot.press("f9")
        await settle(pilot)
        assert screen.response.status_text.strip().startswith("200 OK")
        from tui_api.tui.screens.help import bindings_table

        table = bindings_table(screen)
        keys = dict(zip(table.columns[2]._cells, table.columns[0]._cells))
        assert keys["send"] == "f9"

        # the help screen's "How to" lines name the remapped key too, not the default ctrl+j
        from rich.table import Table
        from textual.widgets import Static

        from tui_api.tui.screens.help import HelpScreen

        await pilot.press("f1")
        await pilot.wait_for_scheduled_animations()
        assert isinstance(app.screen, HelpScreen)
        how_to = [s.content for s in app.screen.query(Static) if isinstance(s.content, Table)][1]
        lines = dict(zip(how_to.columns[0]._cells, how_to.columns[1]._cells))
        assert lines["Send"].startswith("f9, enter in the URL bar")
        assert "ctrl+j" not in lines["Send"]


async def test_broken_keymap_file_is_named_and_defaults_apply(demo_server: DemoServer, tmp_path: Path) -> None:
    """Invalid YAML in keymap.yaml: one warning naming the file and the line; ctrl+j still sends."""
    path = write_keymap("send: [f9\n")
    app = TuiApiApp(str(demo_server.write_spec(tmp_path)), server_url=demo_server.base_url, validate=False)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any(str(path) in m and "not valid YAML" in m and "line 2" in m for m in messages)
        await open_operation(pilot, "showPetById")
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert app.main_screen.response.status_text.strip().startswith("200 OK")
