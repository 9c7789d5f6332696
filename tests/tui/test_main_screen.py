"""Pilot tests of the main screen against the real demo server: filter, select, send, cancel, errors."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tui_api.demo.server import DemoServer
from tui_api.tui.app import TuiApiApp

from .helpers import open_operation, settle


@pytest.fixture
def demo_app(demo_server: DemoServer, tmp_path: Path) -> TuiApiApp:
    spec = demo_server.write_spec(tmp_path)
    return TuiApiApp(str(spec), server_url=demo_server.base_url, validate=False)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_spec_loads_into_tree_grouped_by_tag(demo_app: TuiApiApp) -> None:
    async with demo_app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        screen = demo_app.main_screen
        assert screen.spec_error is None
        assert len(screen.tree.operations) == len(screen.document.operations) > 5
        groups = [str(node.label).split(" ")[0] for node in screen.tree.tree.root.children]
        assert groups[:3] == ["pets", "store", "misc"]


async def test_filter_narrows_tree_as_you_type(demo_app: TuiApiApp) -> None:
    async with demo_app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        tree = demo_app.main_screen.tree
        everything = len(tree.visible_operations())
        await pilot.press("slash")
        assert tree.filter_input.has_focus
        await pilot.press(*"petid", "enter")  # enter applies the filter at once (no debounce wait)
        await settle(pilot)
        visible = tree.visible_operations()
        assert 0 < len(visible) < everything
        assert all("{petid}" in op.path.lower() for op in visible)
        tree.filter_input.focus()
        await pilot.press("escape")  # clears the filter
        await pilot.pause()
        assert len(tree.visible_operations()) == everything


async def test_selecting_operation_fills_editor_and_docs(demo_app: TuiApiApp, demo_server: DemoServer) -> None:
    async with demo_app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await open_operation(pilot, "createPet")
        request = demo_app.main_screen.editor.current_request()
        assert request.method == "POST"
        assert request.url == f"{demo_server.base_url}/pets"
        assert request.body is not None and request.body.kind == "json"
        assert "name" in request.body.value
        docs = demo_app.main_screen.editor.operation_info.plain_text
        assert "Create a pet" in docs
        assert "Request body" in docs and "name*" in docs


async def test_send_shows_status_and_body(demo_app: TuiApiApp) -> None:
    async with demo_app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await open_operation(pilot, "showPetById")
        await pilot.press("ctrl+j")
        await settle(pilot)
        response = demo_app.main_screen.response
        assert response.status_text.strip().startswith("200 OK")
        assert '"name": "Rex"' in response.body_text
        assert response.exchange is not None and response.exchange.status == 200


async def test_send_button_posts_json_body(demo_app: TuiApiApp) -> None:
    async with demo_app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await open_operation(pilot, "createPet")
        await pilot.click("#send")
        await settle(pilot)
        response = demo_app.main_screen.response
        assert response.status_text.strip().startswith("201 Created")
        assert response.exchange.header("Location", ) is not None


async def test_escape_cancels_a_slow_request(demo_app: TuiApiApp, demo_server: DemoServer) -> None:
    async with demo_app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        screen = demo_app.main_screen
        url = f"{demo_server.base_url}/delay?ms=20000"
        screen.editor.query_one("#url").value = url
        await pilot.press("ctrl+j")
        await pilot.pause()
        assert screen.sending
        assert "sending" in screen.response.status_text
        await pilot.press("escape")
        await settle(pilot)
        assert not screen.sending
        assert "CANCELLED" in screen.response.status_text
        assert screen.editor.current_request().url == url  # the typed request is unchanged


async def test_refused_connection_is_shown_with_its_cause(demo_app: TuiApiApp) -> None:
    async with demo_app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        screen = demo_app.main_screen
        url = f"http://127.0.0.1:{closed_port()}/pets"
        screen.editor.query_one("#url").value = url
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert "ERROR" in screen.response.status_text
        assert "refused" in screen.response.body_text
        assert screen.editor.current_request().url == url


async def test_unresolved_variable_is_not_sent(demo_app: TuiApiApp) -> None:
    async with demo_app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        screen = demo_app.main_screen
        screen.editor.query_one("#url").value = "{{nowhere}}/pets"
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert "NOT SENT" in screen.response.status_text
        assert "nowhere" in screen.response.body_text
        assert screen.editor.current_request().url == "{{nowhere}}/pets"


async def test_large_body_shows_only_its_start(demo_app: TuiApiApp, demo_server: DemoServer) -> None:
    async with demo_app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        screen = demo_app.main_screen
        screen.editor.query_one("#url").value = f"{demo_server.base_url}/formats/large?bytes=6000000"
        await pilot.press("ctrl+j")
        await settle(pilot)
        response = screen.response
        assert response.exchange.body_size >= 5_000_000
        assert "showing first" in response.note_text
        assert 0 < len(response.body_text) < 1_000_000


async def test_binary_body_is_summarised(demo_app: TuiApiApp, demo_server: DemoServer) -> None:
    async with demo_app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        screen = demo_app.main_screen
        screen.editor.query_one("#url").value = f"{demo_server.base_url}/formats/binary"
        await pilot.press("ctrl+j")
        await settle(pilot)
        body = screen.response.body_text
        assert body.startswith("binary body")
        assert "00000000  00 01 02 03" in body
        assert len(body.splitlines()) < 12


async def test_save_body_writes_file(demo_app: TuiApiApp, tmp_path: Path) -> None:
    async with demo_app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await open_operation(pilot, "listPets")
        await pilot.press("ctrl+j")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        target = tmp_path / "saved.json"
        prompt = demo_app.screen.query_one("#prompt-input")
        prompt.value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert target.read_bytes() == demo_app.main_screen.response.exchange.body


async def test_broken_spec_still_opens_the_app(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.0.0\ninfo: {title: x\npaths: {}\n", encoding="utf-8")
    app = TuiApiApp(str(broken), validate=False)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        assert screen.spec_error is not None
        assert "broken.yaml" in screen.spec_error
        assert screen.tree.operations == []
        assert any(n.severity == "error" for n in app._notifications)
        # still usable: a URL can be typed and sent
        assert screen.editor.query_one("#url") is not None


async def test_help_screen_opens_and_closes(demo_app: TuiApiApp) -> None:
    async with demo_app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        from tui_api.tui.screens.help import HelpScreen

        assert isinstance(demo_app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert demo_app.screen is demo_app.main_screen


async def test_command_palette_jumps_to_operation(demo_app: TuiApiApp) -> None:
    async with demo_app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"showPetById")
        from textual.widgets import OptionList

        results = demo_app.screen.query_one(OptionList)
        for _ in range(200):  # the palette searches in its own workers: wait for its first hit
            await settle(pilot, rounds=1)
            if results.option_count and "/pets/{petId}" in str(results.get_option_at_index(0).prompt):
                break
            await pilot.pause(0.02)
        assert results.option_count
        await pilot.press("enter")
        await settle(pilot)
        request = demo_app.main_screen.editor.current_request()
        assert request.operation == "GET /pets/{petId}"


async def test_kubernetes_tree_filters(specs_dir: Path) -> None:
    app = TuiApiApp(str(specs_dir / "kubernetes-swagger2.json"), validate=False)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        tree = app.main_screen.tree
        assert len(tree.operations) == 1067
        tree.set_filter("namespaced pod log")
        await pilot.pause()
        visible = tree.visible_operations()
        assert visible and all("log" in op.path.lower() for op in visible)


async def test_server_variables_are_offered_and_swap_the_url(specs_dir: Path) -> None:
    app = TuiApiApp(str(specs_dir / "oai-v3.0-uspto.yaml"), validate=False)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        operation = next(op for op in screen.tree.operations if op.operation_id == "list-searchable-fields")
        screen.tree.reveal(operation)
        await settle(pilot)
        editor = screen.editor
        server = editor.query_one("#server")
        assert server.has_class("-shown")
        assert editor.current_request().url.startswith("https://developer.uspto.gov/ds-api/")
        server.value = "http://developer.uspto.gov/ds-api"  # the other value of {scheme}
        await pilot.pause()
        assert editor.current_request().url.startswith("http://developer.uspto.gov/ds-api/")


ONE_OF_SPEC = """\
openapi: 3.0.3
info: {title: pets, version: "1"}
servers: [{url: "http://127.0.0.1:8000"}]
paths:
  /pets:
    post:
      operationId: addPet
      requestBody:
        content:
          application/json:
            schema:
              oneOf:
                - {title: Cat, type: object, required: [meow], properties: {meow: {type: boolean}}}
                - {title: Dog, type: object, required: [bark], properties: {bark: {type: string, example: woof}}}
      responses: {"200": {description: ok}}
"""


async def test_one_of_branch_can_be_picked_for_the_body(tmp_path: Path) -> None:
    spec = tmp_path / "oneof.yaml"
    spec.write_text(ONE_OF_SPEC, encoding="utf-8")
    app = TuiApiApp(str(spec), validate=False)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await open_operation(pilot, "addPet")
        editor = app.main_screen.editor
        assert set(editor.current_request().body.value) == {"meow"}  # the first branch by default
        variant = editor.query_one("#body-variant")
        assert variant.has_class("-shown")
        variant.value = "1|"
        await settle(pilot)
        assert editor.current_request().body.value == {"bark": "woof"}


INVALID_SPEC = """\
openapi: 3.0.3
info: {title: slightly invalid}
paths:
  /things:
    get:
      operationId: listThings
      responses: {"200": {description: ok}}
"""


async def test_validation_warnings_are_reachable(tmp_path: Path) -> None:
    """A spec the validator rejects (no info.version) still opens; its findings are listed on ctrl+w."""
    from tui_api.tui.screens.warnings import WarningsScreen

    spec = tmp_path / "invalid.yaml"
    spec.write_text(INVALID_SPEC, encoding="utf-8")
    app = TuiApiApp(str(spec))
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        assert [op.operation_id for op in screen.tree.operations] == ["listThings"]
        assert any("version" in warning for warning in screen.warnings)
        assert any("problem" in n.message for n in app._notifications)
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert isinstance(app.screen, WarningsScreen)
        assert "version" in app.screen.query_one("#warnings-list").plain


async def test_auth_profiles_from_spec_schemes_preselect_and_apply(demo_app: TuiApiApp, monkeypatch) -> None:
    """The demo's securitySchemes become profiles; an operation that needs one gets it preselected,
    and its secret (here from the environment fallback) reaches the server."""
    monkeypatch.setenv("TUI_API_SECRET_APIKEY_KEY", "demo-key")
    async with demo_app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        screen = demo_app.main_screen
        screen.action_profiles_from_spec()
        await settle(pilot)
        assert {"apiKey", "bearerAuth"} <= set(demo_app.workspace.profile_names())
        await open_operation(pilot, "updatePet")
        assert screen.editor.current_request().auth == "apiKey"
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert screen.response.exchange.status == 200, screen.response.body_text


async def test_typing_a_body_under_no_body_keeps_it(demo_app: TuiApiApp, demo_server: DemoServer) -> None:
    async with demo_app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        editor = demo_app.main_screen.editor
        editor.query_one("#url").value = demo_server.base_url + "/echo"
        editor.query_one("#method").value = "POST"
        editor.query_one("#request-tabs").active = "tab-body"
        await pilot.pause()
        editor.query_one("#body").focus()
        await pilot.press(*'{"a": 1}')
        await pilot.pause()
        assert editor.current_request().body.value == {"a": 1}
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert '"json": {' in demo_app.main_screen.response.body_text


async def test_copy_response_body(demo_app: TuiApiApp) -> None:
    async with demo_app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await open_operation(pilot, "showPetById")
        await pilot.press("ctrl+j")
        await settle(pilot)
        demo_app.main_screen.action_copy_body()
        assert '"name": "Rex"' in demo_app.clipboard.replace('":"', '": "')
