"""cURL in the TUI: a pasted command becomes the request; the request exports as cURL/httpx."""

from __future__ import annotations

from pathlib import Path

from textual import events

from tui_api.demo.server import DemoServer
from tui_api.tui.app import TuiApiApp
from tui_api.tui.screens.export import ExportScreen

from .helpers import settle

CURL = """curl 'http://127.0.0.1:{port}/echo?x=1' \\
  -H 'Content-Type: application/json' \\
  -H 'Authorization: Bearer abc.def.ghi' \\
  --data-raw '{{"name":"Rex"}}'"""


async def test_pasting_curl_into_the_url_bar_loads_the_request(demo_server: DemoServer) -> None:
    app = TuiApiApp(validate=False)
    port = demo_server.server_address[1]
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        url = app.main_screen.editor.query_one("#url")
        url.focus()
        url.post_message(events.Paste(CURL.format(port=port)))
        await settle(pilot)
        request = app.main_screen.editor.current_request()
        assert request.method == "POST"
        assert request.url.startswith(f"http://127.0.0.1:{port}/echo")
        assert ("x", "1") in request.query
        assert request.body is not None and request.body.kind == "json" and request.body.value == {"name": "Rex"}
        # the bearer token became a variable reference, and the session can still send it
        assert "abc.def.ghi" not in repr(request)
        await pilot.press("ctrl+j")
        await settle(pilot)
        echoed = app.main_screen.response.exchange
        assert echoed.status == 200
        assert b"Bearer abc.def.ghi" in echoed.body


async def test_typing_something_else_is_not_taken_for_curl() -> None:
    app = TuiApiApp(validate=False)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        url = app.main_screen.editor.query_one("#url")
        url.focus()
        url.post_message(events.Paste("http://example.invalid/curl"))
        await pilot.pause()
        assert url.value == "http://example.invalid/curl"


async def test_export_as_curl_keeps_secrets_out(demo_server: DemoServer, tmp_path: Path) -> None:
    spec = demo_server.write_spec(tmp_path)
    app = TuiApiApp(str(spec), server_url=demo_server.base_url, validate=False)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        editor = app.main_screen.editor
        editor.query_one("#url").value = demo_server.base_url + "/pets"
        await pilot.press("f6")
        for _ in range(40):  # a loaded machine may need a few more rounds to push the screen
            if isinstance(app.screen, ExportScreen) and app.screen.is_mounted:
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, ExportScreen)
        assert app.screen.text.startswith("curl")
        assert "/pets" in app.screen.text
        await pilot.press("c")
        assert app.clipboard == app.screen.text


async def test_pasted_curl_file_paths_follow_the_collection(
        demo_server: DemoServer, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001 - pytest's MonkeyPatch
    """`-F f=@upload.txt` names a file in the shell's folder; the send reads files from the spec's or
    the collection's folder, so the pasted path is made absolute (or relative to the collection)."""
    from tui_api.core.collection.model import Collection

    (tmp_path / "spec").mkdir()
    shell = tmp_path / "shell"
    shell.mkdir()
    (shell / "upload.txt").write_text("uploaded-from-the-shell-folder", encoding="utf-8")
    monkeypatch.chdir(shell)
    spec = demo_server.write_spec(tmp_path / "spec")
    port = demo_server.server_address[1]
    app = TuiApiApp(str(spec), server_url=demo_server.base_url, validate=False)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        url = app.main_screen.editor.query_one("#url")
        url.focus()
        url.post_message(events.Paste(f"curl -F f=@upload.txt http://127.0.0.1:{port}/echo"))
        await settle(pilot)
        request = app.main_screen.editor.current_request()
        assert [part.file for part in request.body.value] == [str(shell / "upload.txt")]
        await pilot.press("ctrl+j")
        await settle(pilot)
        exchange = app.main_screen.response.exchange
        assert exchange.status == 200 and b"uploaded-from-the-shell-folder" in exchange.body

        # with a collection open the path is written relative to the collection file's folder
        app.workspace.collection = Collection(name="c", path=str(tmp_path / "col" / "c.yaml"))
        url.post_message(events.Paste(f"curl --data-binary @upload.txt http://127.0.0.1:{port}/echo"))
        await settle(pilot)
        assert app.main_screen.editor.current_request().body.value == "../shell/upload.txt"
