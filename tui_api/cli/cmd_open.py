"""`tui-api open SPEC_OR_COLLECTION` (also plain `tui-api FILE`): start the TUI on a spec or a
collection. Problems inside the file are shown in the TUI; only a path that does not exist stops
here, with one line and exit code 2, before Textual starts."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from tui_api.cli.common import add_common
from tui_api.cli.diagnostics import error
from tui_api.cli.exit_codes import ExitCode

_COLLECTION_KEYS = (re.compile(r"^version\s*:", re.M), re.compile(r"^requests\s*:", re.M))


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "open",
        help="open the TUI on a spec (file or http(s) URL) or a collection file",
        description="Open the TUI. SPEC_OR_COLLECTION is an OpenAPI/Swagger file or URL, or a collection "
        "YAML file (version: 1 + requests:). Without it the TUI opens empty.",
    )
    add_common(parser)
    parser.add_argument("target", nargs="?", metavar="SPEC_OR_COLLECTION")
    parser.add_argument("--server", metavar="URL", help="base URL to use instead of the spec's first server")
    parser.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                        help="a variable for {{NAME}} (repeatable)")
    parser.add_argument("--no-validate", action="store_true",
                        help="skip the background validation of the spec (its warnings)")
    parser.set_defaults(handler=run)


def is_url(target: str) -> bool:
    return target.startswith(("http://", "https://"))


def looks_like_collection(path: Path) -> bool:
    """A collection file has top-level `version:` and `requests:` keys; a spec has neither."""
    if path.suffix.lower() not in (".yaml", ".yml"):
        return False
    try:
        with path.open("r", encoding="utf-8", errors="replace") as handle:
            head = handle.read(256 * 1024)
    except OSError:
        return False
    return all(pattern.search(head) for pattern in _COLLECTION_KEYS)


def parse_vars(items: list[str]) -> dict[str, str]:
    from tui_api.core.errors import UsageError

    values: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--var expects NAME=VALUE, got '{item}'")
        values[name.strip()] = value
    return values


def run(args: argparse.Namespace) -> ExitCode:
    target: str | None = args.target
    collection: str | None = None
    if target and not is_url(target):
        path = Path(target).expanduser()
        if not path.exists():
            error(f"{target}: no such file (give a spec file, an http(s) URL or a collection .yaml)")
            return ExitCode.USAGE
        if path.is_dir():
            error(f"{target} is a folder: give a spec file, an http(s) URL or a collection .yaml")
            return ExitCode.USAGE
        if looks_like_collection(path):
            collection, target = str(path), None
    variables = parse_vars(args.var)
    from tui_api.tui.app import TuiApiApp

    debug = bool(getattr(args, "debug", False))
    app = TuiApiApp(target, server_url=args.server, variables=variables, validate=not args.no_validate,
                    collection=collection)
    app.run()
    print_tracebacks(app, debug)
    return ExitCode.OK


def print_tracebacks(app: object, debug: bool) -> None:
    """With --debug, the tracebacks behind the one-line errors the TUI showed, after it closed."""
    import sys

    for note in getattr(app, "exit_notes", []):
        sys.stderr.write(f"tui-api: {note}\n")
    if debug:
        for trace in getattr(app, "unexpected", []):
            sys.stderr.write(trace)
