"""Regenerate the README screenshots (screenshots/*.svg) by running the app itself on the demo.

    .venv/bin/python scripts/make_screenshots.py [--out screenshots] [--size 140x40]

Each picture is Textual's own SVG export of a real session: the demo pet store runs on 127.0.0.1,
the TUI opens its spec, and keys are pressed through Textual's Pilot, as a user would.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


async def settle(pilot) -> None:  # noqa: ANN001 - textual.pilot.Pilot
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def make(out: Path, size: tuple[int, int]) -> list[Path]:
    from tui_api.demo.server import DemoServer
    from tui_api.tui.app import TuiApiApp

    written: list[Path] = []
    with DemoServer() as server, tempfile.TemporaryDirectory() as folder:
        spec = server.write_spec(Path(folder))
        app = TuiApiApp(str(spec), server_url=server.base_url, validate=False)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            screen = app.main_screen
            # 1. the tree, filtered, with an operation's docs and its request filled in
            await pilot.press("slash", *"pet", "enter")  # filter; enter opens the first match
            await settle(pilot)
            await pilot.press("down", "enter")  # POST /pets
            await settle(pilot)
            written.append(Path(app.save_screenshot("main.svg", str(out))))
            # 2. a response: list the pets
            for operation in screen.tree.operations:
                if operation.operation_id == "listPets":
                    screen.tree.reveal(operation)
            await settle(pilot)
            await pilot.press("ctrl+j")
            await settle(pilot)
            screen.response.query_one("#response-body").focus()
            await pilot.pause()
            written.append(Path(app.save_screenshot("response.svg", str(out))))
            # 3. the help screen
            await pilot.press("f1")
            await pilot.pause()
            written.append(Path(app.save_screenshot("help.svg", str(out))))
        # 4. a collection beside the spec: environment picker, folders, a request sent with its auth
        collection = Path(folder) / "pets.yaml"
        collection.write_text(COLLECTION.format(base=server.base_url, spec=spec.name), encoding="utf-8")
        os.environ["TUI_API_SECRET_DEMO_KEY_KEY"] = "demo-key"  # the demo's API key, as CI would pass it
        try:
            written.append(await _collection_shot(collection, out, size))
        finally:
            os.environ.pop("TUI_API_SECRET_DEMO_KEY_KEY", None)
    return written


async def _collection_shot(collection: Path, out: Path, size: tuple[int, int]) -> Path:
    from tui_api.tui.app import TuiApiApp

    app = TuiApiApp(collection=str(collection), validate=False)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.main_screen
        tree = screen.query_one("#collection")
        for node in tree.request_nodes():
            if node.data.item.name == "rename pet":
                tree.select_request(node.data.item)
        await settle(pilot)
        screen.editor.query_one("#request-tabs").active = "tab-body"
        await pilot.press("ctrl+j")
        await settle(pilot)
        return Path(app.save_screenshot("collection.svg", str(out)))


COLLECTION = """\
version: 1
name: Pet store
spec: {spec}
environments:
  local: {{base_url: "{base}"}}
  staging: {{base_url: "https://staging.example.com"}}
variables: {{limit: "10"}}
auth_profiles:
  demo-key: {{kind: apikey, in: header, name: X-API-Key}}
requests:
  - name: list pets
    method: GET
    url: "{{{{base_url}}}}/pets"
    query: {{limit: "{{{{limit}}}}"}}
  - folder: writes
    auth: demo-key
    requests:
      - name: create pet
        method: POST
        url: "{{{{base_url}}}}/pets"
        body: {{json: {{name: Rex, tag: dog}}}}
      - name: rename pet
        method: PUT
        url: "{{{{base_url}}}}/pets/1"
        body: {{json: {{name: Rexy, tag: dog}}}}
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "screenshots")
    parser.add_argument("--size", default="140x40", help="terminal WIDTHxHEIGHT")
    args = parser.parse_args()
    width, _, height = args.size.partition("x")
    args.out.mkdir(parents=True, exist_ok=True)
    # screenshots never touch the user's own history, cache or config
    os.environ.setdefault("TUI_API_HOME", tempfile.mkdtemp(prefix="tui-api-screens-"))
    for path in asyncio.run(make(args.out, (int(width), int(height)))):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
