"""Drafts in the TUI: what the user typed survives a quit or crash and comes back when the same
operation or collection request is opened again; 'Discard draft' and saving remove it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tui_api.core.drafts import DraftStore, collection_key, spec_key
from tui_api.demo.server import DemoServer
from tui_api.tui.app import TuiApiApp
from tui_api.tui.screens import main_drafts
from tui_api.tui.screens.confirm import ConfirmScreen

from .helpers import open_operation, settle


@pytest.fixture(autouse=True)
def quick_debounce(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(main_drafts, "DRAFT_DELAY", 0.1)


async def wait_for(pilot: Pilot, condition: Callable[[], bool], what: str) -> None:
    for _ in range(200):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def test_spec_edit_survives_a_new_app_and_discard_returns_to_the_spec(
        demo_server: DemoServer, tmp_path: Path) -> None:
    """The user edits the URL and body of POST /pets and quits without saving; opening the same spec
    and operation again shows their edits, with a 'restored your unsaved edits' notification.
    ctrl+p 'Discard draft' brings back the spec's version and deletes the draft."""
    spec = demo_server.write_spec(tmp_path)
    key = spec_key(str(spec), "POST /pets")
    store = DraftStore()
    app = TuiApiApp(str(spec), server_url=demo_server.base_url, validate=False)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await open_operation(pilot, "createPet")
        editor = app.main_screen.editor
        original = editor.current_request()
        editor.query_one("#url").value = original.url + "?dry_run={{dry}}"
        editor.query_one("#body").load_text('{"name": "Draft Dog", "tag": "{{tag}}"}')
        await wait_for(pilot, lambda: store.load(key) is not None
                       and "Draft Dog" in str(store.load(key).request.body.value), "the draft file")
        await pilot.press("ctrl+q")  # spec edits: no question, the draft is kept
        await pilot.pause()
    assert app.return_code == 0
    assert any("kept as a draft" in note for note in app.exit_notes)

    again = TuiApiApp(str(spec), server_url=demo_server.base_url, validate=False)
    async with again.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await open_operation(pilot, "createPet")
        restored = again.main_screen.editor.current_request()
        assert restored.url.endswith("?dry_run={{dry}}")  # nothing resolved
        assert restored.body is not None and "Draft Dog" in str(restored.body.value)
        assert any("restored your unsaved edits" in n.message for n in again._notifications)
        assert "modified" in str(again.main_screen.editor.query_one("#request-title").render())
        again.main_screen.action_discard_draft()
        await pilot.pause()
        back = again.main_screen.editor.current_request()
        assert back.url == original.url and back.body == original.body
        assert store.load(key) is None


async def test_collection_draft_is_removed_when_saved(demo_server: DemoServer, tmp_path: Path) -> None:
    """Edits to a collection request are kept as a draft while unsaved; the quit question says so;
    ctrl+s writes the file and the draft goes."""
    path = tmp_path / "c.yaml"
    path.write_text(f"version: 1\nname: c\nrequests:\n  - name: list\n    url: {demo_server.base_url}/pets\n",
                    encoding="utf-8")
    key = collection_key(str(path), (), "list")
    store = DraftStore()
    app = TuiApiApp(collection=str(path), validate=False)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        app.main_screen.editor.query_one("#url").value = f"{demo_server.base_url}/pets?limit=1"
        await wait_for(pilot, lambda: store.load(key) is not None, "the draft file")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and "kept as a draft" in app.screen.question
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        await wait_for(pilot, lambda: "limit=1" in path.read_text(encoding="utf-8"), "the saved file")
        await wait_for(pilot, lambda: store.load(key) is None, "the draft to go")


async def test_a_request_typed_from_blank_comes_back(demo_server: DemoServer) -> None:
    """With no spec and no collection, the URL the user typed is kept; the next `tui-api` with
    nothing to open shows it again."""
    app = TuiApiApp(validate=False)
    store = DraftStore()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.main_screen.editor.query_one("#url").value = f"{demo_server.base_url}/pets?typed={{{{x}}}}"
        await wait_for(pilot, lambda: store.load(main_drafts.SCRATCH_KEY) is not None, "the draft file")
    again = TuiApiApp(validate=False)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert again.main_screen.editor.current_request().url == f"{demo_server.base_url}/pets?typed={{{{x}}}}"
        again.main_screen.action_discard_draft()
        await pilot.pause()
        assert again.main_screen.editor.current_request().url == ""


async def test_a_crash_writes_the_pending_edit(demo_server: DemoServer, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """An unexpected error kills the app less than a second after the last keystroke: the edit is
    still on disk as a draft."""
    monkeypatch.setattr(main_drafts, "DRAFT_DELAY", 60.0)  # the debounce cannot be what writes it
    spec = demo_server.write_spec(tmp_path)
    store = DraftStore()
    app = TuiApiApp(str(spec), server_url=demo_server.base_url, validate=False)
    with pytest.raises(ZeroDivisionError):
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await open_operation(pilot, "listPets")
            app.main_screen.editor.query_one("#url").value = f"{demo_server.base_url}/pets?crash=1"
            await pilot.pause()
            app.call_later(lambda: 1 / 0)
            await pilot.pause()
    draft = store.load(spec_key(str(spec), "GET /pets"))
    assert draft is not None and draft.request.url.endswith("?crash=1")
