"""`tui-api demo`: the bundled pet store on 127.0.0.1 (a free port) and the TUI opened on its spec,
so a fresh install has something real to explore without the internet. The server stops when the
app quits. `--serve-only` runs just the server (for the example collections and CI)."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from tui_api.cli.common import add_common
from tui_api.cli.diagnostics import error, info
from tui_api.cli.exit_codes import ExitCode


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="start the local demo pet store and open the TUI on it",
        description="Start the demo pet store API on 127.0.0.1 and open the TUI on its OpenAPI spec. "
        "The server stops when you quit the app.",
    )
    add_common(parser)
    parser.add_argument("--serve-only", action="store_true",
                        help="only run the demo server in the foreground (Ctrl-C stops it)")
    parser.add_argument("--port", type=int, default=None,
                        help="port to listen on (default: a free port; 8000 with --serve-only)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> ExitCode:
    from tui_api.demo.server import DemoServer

    port = args.port if args.port is not None else (8000 if args.serve_only else 0)
    try:
        server = DemoServer(port=port)
    except OSError as exc:
        error(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc} (pick another --port)")
        return ExitCode.USAGE
    if args.serve_only:
        info(f"demo pet store on {server.base_url} (spec at {server.base_url}/openapi.yaml); Ctrl-C stops")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
        return ExitCode.OK
    server.start()
    try:
        with tempfile.TemporaryDirectory(prefix="tui-api-demo-") as folder:
            spec_path = server.write_spec(Path(folder))
            from tui_api.tui.app import TuiApiApp

            from tui_api.cli.cmd_open import print_tracebacks

            debug = bool(getattr(args, "debug", False))
            app = TuiApiApp(str(spec_path), server_url=server.base_url, draft_scope="<demo>")
            app.run()
            print_tracebacks(app, debug)
    finally:
        server.stop()
    return ExitCode.OK
