"""Snapshots of the main screen. Deterministic on purpose: the spec is the demo spec as shipped (its
server is the fixed http://127.0.0.1:8000), nothing is sent, and the response snapshot feeds a
fixed Exchange into the response view, so no port or timing reaches the picture.

Update after looking at the SVGs: `pytest tests/tui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from tui_api.core.http.exchange import Exchange
from tui_api.tui.app import TuiApiApp

from .helpers import demo_spec_copy, open_operation, settle

SIZE = (140, 40)


@pytest.fixture
def snapshot_app(tmp_path: Path) -> TuiApiApp:
    return TuiApiApp(str(demo_spec_copy(tmp_path)), validate=False)


def fixed_exchange() -> Exchange:
    body = b'[{"id": 1, "name": "Rex", "tag": "dog"}, {"id": 2, "name": "Tom", "tag": "cat"}]'
    return Exchange(
        method="GET",
        url="http://127.0.0.1:8000/pets?limit=20",
        request_headers=[("User-Agent", "tui-api/0.1"), ("Accept", "*/*")],
        status=200,
        reason="OK",
        http_version="HTTP/1.1",
        headers=[("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                 ("X-Total-Count", "2")],
        body=body,
        body_size=len(body),
        elapsed_ms=42.0,
    )


def test_main_screen_with_spec_loaded(snap_compare, snapshot_app: TuiApiApp) -> None:
    """The demo pet store loaded: the tree on the left shows the tags pets, store and misc with
    coloured GET/POST/PUT/DELETE badges, paths and dim summaries; 'listPets' is selected, so the
    editor shows GET and http://127.0.0.1:8000/pets, and the Docs tab lists its parameters
    (limit, tag) and responses; the response pane says no response yet; the footer lists the keys."""

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await open_operation(pilot, "listPets")

    assert snap_compare(snapshot_app, terminal_size=SIZE, run_before=run_before)


def test_main_screen_with_response(snap_compare, snapshot_app: TuiApiApp) -> None:
    """A 200 OK response is shown: a green '200 OK' badge, 42 ms, 83 B, application/json and the
    request line in the status bar; the Body tab shows the two pets pretty-printed and highlighted."""

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await open_operation(pilot, "listPets")
        pilot.app.main_screen.response.show_exchange(fixed_exchange())
        await settle(pilot)

    assert snap_compare(snapshot_app, terminal_size=SIZE, run_before=run_before)


def test_filtered_tree_and_body_tab(snap_compare, snapshot_app: TuiApiApp) -> None:
    """The filter box holds 'pet' and the tree shows only the 5 pet operations ('5 of N operations
    match'); createPet is open on the Body tab, showing its example JSON body."""

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        pilot.app.main_screen.tree.set_filter("pets")
        await pilot.pause()
        await open_operation(pilot, "createPet")
        pilot.app.main_screen.editor.query_one("#request-tabs").active = "tab-body"
        await settle(pilot)

    assert snap_compare(snapshot_app, terminal_size=SIZE, run_before=run_before)


def test_help_screen(snap_compare, snapshot_app: TuiApiApp) -> None:
    """The help screen over the main screen: a table of every key (send ctrl+j, cancel escape,
    filter /, URL ctrl+l, save body ctrl+o, warnings ctrl+w, help f1, quit ctrl+q) with binding ids,
    then a short how-to."""

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(snapshot_app, terminal_size=SIZE, run_before=run_before)


def test_main_screen_at_80x24(snap_compare, snapshot_app: TuiApiApp) -> None:
    """The smallest common terminal: createPet open. The tree labels end in '…' at the pane's edge
    (no horizontal scrollbar), the editor's method, URL and Send button share one line (a narrow
    editor slims the method and drops the key from the button, so the URL keeps ~30 columns; the
    response hint is a shorter sentence, whole), the Docs tab
    and the response pane each keep some rows, and the footer still shows send, save and filter."""

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await open_operation(pilot, "createPet")

    assert snap_compare(snapshot_app, terminal_size=(80, 24), run_before=run_before)
