"""Collections in the TUI against the real demo server: open, pick an environment, send with an
auth profile, edit and save (in place and into a new file), unsaved-changes confirmation, variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_api.core.collection.yaml_format import load_collection
from tui_api.demo.server import DemoServer
from tui_api.tui.app import TuiApiApp
from tui_api.tui.screens.confirm import ConfirmScreen
from tui_api.tui.screens.variables import VariablesScreen
from tui_api.tui.widgets.collection_tree import CollectionTree

from .helpers import open_operation, settle

COLLECTION = """\
version: 1
name: Pet store
environments:
  local: {{base_url: "{base}"}}
  broken: {{base_url: "http://127.0.0.1:9"}}
variables: {{limit: "2", api_token: "s3cret-value"}}
auth_profiles:
  store-key: {{kind: apikey, in: header, name: X-API-Key}}
requests:
  - name: list pets
    method: GET
    url: "{{{{base_url}}}}/pets"
    query: {{limit: "{{{{limit}}}}"}}
  - folder: writes
    auth: store-key
    requests:
      - name: rename pet
        method: PUT
        url: "{{{{base_url}}}}/pets/1"
        body: {{json: {{name: Rexy}}}}
"""


@pytest.fixture
def collection_file(tmp_path: Path, demo_server: DemoServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TUI_API_SECRET_STORE_KEY_KEY", "demo-key")  # the env fallback of the keyring
    path = tmp_path / "pets.yaml"
    path.write_text(COLLECTION.format(base=demo_server.base_url), encoding="utf-8")
    return path


def request_node(app: TuiApiApp, name: str):  # noqa: ANN201 - a TreeNode
    tree = app.main_screen.query_one(CollectionTree)
    for node in tree.request_nodes():
        if node.data.item.name == name:
            return node.data.item
    raise AssertionError(f"no request {name}")


async def test_open_collection_and_send_with_environment(collection_file: Path) -> None:
    app = TuiApiApp(collection=str(collection_file), validate=False)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        tree = screen.query_one(CollectionTree)
        assert [n.data.item.name for n in tree.request_nodes()] == ["list pets", "rename pet"]
        assert app.workspace.environment == "local"
        # the first request is loaded on open
        assert screen.editor.current_request().url == "{{base_url}}/pets"
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert screen.response.status_text.strip().startswith("200 OK")
        assert screen.response.exchange.url.endswith("/pets?limit=2")


async def test_switching_environment_changes_the_target(collection_file: Path) -> None:
    app = TuiApiApp(collection=str(collection_file), validate=False)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        screen.query_one("#environment").value = "broken"
        await pilot.pause()
        assert app.workspace.environment == "broken"
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert "refused" in screen.response.body_text


async def test_folder_auth_profile_is_applied_and_redacted(collection_file: Path) -> None:
    app = TuiApiApp(collection=str(collection_file), validate=False)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        screen.query_one(CollectionTree).select_request(request_node(app, "rename pet"))
        await settle(pilot)
        assert screen.editor.current_request().auth is None  # inherits store-key from the folder
        await pilot.press("ctrl+j")
        await settle(pilot)
        exchange = screen.response.exchange
        assert exchange.status == 200, screen.response.body_text
        sent = dict((k.lower(), v) for k, v in exchange.request_headers)
        assert sent["x-api-key"] != "demo-key"  # redacted in what the app keeps
        await settle(pilot)
        history = app.history_store.path.read_text(encoding="utf-8")
        assert "rename pet" in history and "demo-key" not in history


async def test_no_auth_choice_overrides_the_folder(collection_file: Path) -> None:
    app = TuiApiApp(collection=str(collection_file), validate=False)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        screen.query_one(CollectionTree).select_request(request_node(app, "rename pet"))
        await settle(pilot)
        screen.editor.set_auth_choice("none")
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert screen.response.exchange.status == 401


async def test_edit_marks_unsaved_and_ctrl_s_saves_in_place(collection_file: Path) -> None:
    app = TuiApiApp(collection=str(collection_file), validate=False)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        url = screen.editor.query_one("#url")
        url.value = "{{base_url}}/pets?tag=dog"
        await pilot.pause()
        assert screen.has_unsaved()
        assert "modified" in str(screen.editor.query_one("#request-title").render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not screen.has_unsaved()
        saved = load_collection(collection_file)
        assert saved.requests()[0].url == "{{base_url}}/pets?tag=dog"
        assert saved.requests()[1].name == "rename pet"
        assert "auth_profiles:" in collection_file.read_text(encoding="utf-8")


async def test_quit_with_unsaved_changes_asks_first(collection_file: Path) -> None:
    app = TuiApiApp(collection=str(collection_file), validate=False)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        app.main_screen.editor.query_one("#url").value = "{{base_url}}/changed"
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert app.return_code is None
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is app.main_screen
        assert app.main_screen.editor.current_request().url == "{{base_url}}/changed"
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.return_code == 0  # exit() was called


async def test_switching_request_with_unsaved_changes_asks(collection_file: Path) -> None:
    app = TuiApiApp(collection=str(collection_file), validate=False)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        screen.editor.query_one("#url").value = "{{base_url}}/edited"
        await pilot.pause()
        screen.query_one(CollectionTree).select_request(request_node(app, "rename pet"))
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert screen.editor.current_request().name == "rename pet"


async def test_save_spec_request_into_a_new_collection(demo_server: DemoServer, tmp_path: Path) -> None:
    spec = demo_server.write_spec(tmp_path)
    app = TuiApiApp(str(spec), server_url=demo_server.base_url, validate=False)
    target = tmp_path / "new.yaml"
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await open_operation(pilot, "createPet")
        await pilot.press("ctrl+s")
        await pilot.pause()
        app.screen.query_one("#prompt-input").value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one("#prompt-input").value = "make a pet"
        await pilot.press("enter")
        await settle(pilot)
        assert not app.main_screen.has_unsaved()
        # the new collection request still sends: {{base_url}} resolves to the spec's server
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert app.main_screen.response.exchange.status == 201
    saved = load_collection(target)
    assert [r.name for r in saved.requests()] == ["make a pet"]
    assert saved.requests()[0].method == "POST"
    assert saved.requests()[0].url == "{{base_url}}/pets"
    assert saved.variables["base_url"] == demo_server.base_url
    assert saved.requests()[0].body.value["name"]


async def test_variables_screen_masks_secrets(collection_file: Path) -> None:
    app = TuiApiApp(collection=str(collection_file), validate=False)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, VariablesScreen)
        rows = {row.name: row for row in app.screen.rows}
        assert rows["base_url"].source == "environment:local"
        assert rows["api_token"].display != "s3cret-value"


async def test_broken_collection_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("version: 1\nname: x\nrequests:\n  - name: a\n    method: GET\n    nonsense: 1\n", encoding="utf-8")
    app = TuiApiApp(collection=str(path), validate=False)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        assert any(n.severity == "error" and "bad.yaml" in n.message for n in app._notifications)
        assert app.workspace.collection is None


async def test_history_lists_sends_and_loads_one_back(collection_file: Path) -> None:
    from tui_api.tui.screens.history import HistoryScreen

    app = TuiApiApp(collection=str(collection_file), validate=False)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        await pilot.press("ctrl+j")
        await settle(pilot)
        screen.query_one(CollectionTree).select_request(request_node(app, "rename pet"))
        await settle(pilot)
        await pilot.press("ctrl+j")
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        history = app.screen
        assert isinstance(history, HistoryScreen)
        assert [entry.name for entry in history.shown] == ["rename pet", "list pets"]
        await pilot.press(*"GET")
        await pilot.pause()
        assert [entry.name for entry in history.shown] == ["list pets"]
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        request = screen.editor.current_request()
        assert request.name == "list pets" and request.url == "{{base_url}}/pets"
        # one key saves a history entry into the collection
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        app.screen.query_one("#prompt-input").value = "from history"
        await pilot.press("enter")
        await settle(pilot)
    names = [r.name for r in load_collection(collection_file).requests()]
    assert names == ["list pets", "rename pet", "from history"]


async def test_rename_duplicate_move_delete_are_saved(collection_file: Path) -> None:
    app = TuiApiApp(collection=str(collection_file), validate=False)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        tree = app.main_screen.query_one(CollectionTree)
        tree.tree.focus()
        tree.select_request_quietly(request_node(app, "list pets"))
        await pilot.press("d")  # duplicate
        await settle(pilot)
        assert [r.name for r in load_collection(collection_file).requests()][:2] == ["list pets", "list pets copy"]
        tree.select_request_quietly(request_node(app, "list pets copy"))
        await pilot.press("r")
        await pilot.pause()
        app.screen.query_one("#prompt-input").value = "list dogs"
        await pilot.press("enter")
        await settle(pilot)
        tree.select_request_quietly(request_node(app, "list dogs"))
        await pilot.press("m")
        await pilot.pause()
        app.screen.query_one("#prompt-input").value = "reads"
        await pilot.press("enter")
        await settle(pilot)
        saved = load_collection(collection_file)
        assert [(path, r.name) for path, r in saved.walk()] == [
            ((), "list pets"), (("writes",), "rename pet"), (("reads",), "list dogs")]
        tree.select_request_quietly(request_node(app, "list dogs"))
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert [r.name for r in load_collection(collection_file).requests()] == ["list pets", "rename pet"]


CHAINED = """\
version: 1
name: chain
variables: {{base_url: "{base}"}}
requests:
  - name: create pet
    method: POST
    url: "{{{{base_url}}}}/pets"
    body: {{json: {{name: Kit, tag: cat}}}}
    expect:
      status: 201
      json: {{"$.name": Kit, "$.tag": dog}}
    capture: {{pet_id: "$.id"}}
  - name: get pet
    method: GET
    url: "{{{{base_url}}}}/pets/{{{{pet_id}}}}"
"""


async def test_checks_and_captures_run_after_a_send(tmp_path: Path, demo_server: DemoServer) -> None:
    path = tmp_path / "chain.yaml"
    path.write_text(CHAINED.format(base=demo_server.base_url), encoding="utf-8")
    app = TuiApiApp(collection=str(path), validate=False)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        assert "status 201" in screen.editor.operation_info.plain_text
        await pilot.press("ctrl+j")
        await settle(pilot)
        status = screen.response.status_text
        assert "1 of 3 checks failed" in status and "+1 captured" in status
        checks = screen.response.query_one("#response-checks").plain
        assert "✓ status" in checks and "✗ json $.tag" in checks and "pet_id = 4" in checks
        # the captured id feeds the next request
        screen.query_one(CollectionTree).select_request(request_node(app, "get pet"))
        await settle(pilot)
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert screen.response.exchange.url.endswith("/pets/4")
        assert screen.response.exchange.status == 200


async def test_new_request_starts_blank(collection_file: Path) -> None:
    app = TuiApiApp(collection=str(collection_file), validate=False)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        request = app.main_screen.editor.current_request()
        assert request.url == "" and request.method == "GET" and request.body is None
        assert app.main_screen.editor.query_one("#url").has_focus


TWINS = """\
version: 1
name: twins
variables: {{base_url: "{base}"}}
requests:
  - name: a
    method: GET
    url: "{{{{base_url}}}}/pets"
  - folder: f
    requests:
      - name: a
        method: GET
        url: "{{{{base_url}}}}/health"
"""


async def test_moving_into_a_folder_with_the_same_name_renames(tmp_path: Path, demo_server: DemoServer) -> None:
    """Two requests of one name in one folder cannot be loaded back: the moved one becomes 'a (2)'."""
    path = tmp_path / "twins.yaml"
    path.write_text(TWINS.format(base=demo_server.base_url), encoding="utf-8")
    app = TuiApiApp(collection=str(path), validate=False)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        tree = app.main_screen.query_one(CollectionTree)
        tree.tree.focus()
        top_a = next(node.data.item for node in tree.request_nodes() if node.data.item.url.endswith("/pets"))
        tree.select_request_quietly(top_a)
        await pilot.press("m")
        await pilot.pause()
        app.screen.query_one("#prompt-input").value = "f"
        await pilot.press("enter")
        await settle(pilot)
        assert any("moved as 'a (2)'" in n.message for n in app._notifications)
    saved = load_collection(path)
    assert [(folders, r.name, r.url.rsplit("/", 1)[-1]) for folders, r in saved.walk()] == [
        (("f",), "a", "health"), (("f",), "a (2)", "pets")]
