"""`tui-api` entry point: parse arguments and dispatch to one command module.

Imports stay lazy: `tui-api --help`, `tui-api spec` and `tui-api run` must never import Textual
(a test checks `sys.modules`), and each command module imports its heavy parts inside its handler.

Each command lives in `cli/cmd_<name>.py` with `register(subparsers)` that adds its parser and sets
`handler=` (a function taking the parsed args and returning an ExitCode).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from tui_api import __version__
from tui_api.cli.diagnostics import error
from tui_api.cli.exit_codes import ExitCode

# (command name, module) in the order --help lists them. "open" is also the default command.
COMMANDS: list[tuple[str, str]] = [
    ("open", "tui_api.cli.cmd_open"),
    ("demo", "tui_api.cli.cmd_demo"),
    ("spec", "tui_api.cli.cmd_spec"),
    ("import", "tui_api.cli.cmd_import"),
    ("run", "tui_api.cli.cmd_run"),
    ("auth", "tui_api.cli.cmd_auth"),
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tui-api",
        description="A keyboard-driven API explorer for the terminal.",
        epilog="`tui-api SPEC_OR_COLLECTION` is short for `tui-api open SPEC_OR_COLLECTION`. "
        "Exit codes: 0 ok, 1 a check failed, 2 usage/spec/collection error, 3 a request could not complete.",
    )
    parser.add_argument("--version", action="version", version=f"tui-api {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for _name, module_name in COMMANDS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue  # a command not built yet is simply not offered
        module.register(subparsers)
    return parser


def _with_default_command(argv: list[str]) -> list[str]:
    """`tui-api FILE` means `tui-api open FILE`."""
    names = {name for name, _ in COMMANDS}
    for index, arg in enumerate(argv):
        if arg in ("-h", "--help", "--version"):
            return argv
        if arg.startswith("-"):
            continue
        if arg not in names:
            return argv[:index] + ["open"] + argv[index:]
        return argv
    return argv


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(_with_default_command(args_list))
    if not getattr(args, "handler", None):
        parser.print_help()
        return ExitCode.USAGE
    debug = bool(getattr(args, "debug", False))
    from tui_api.core.errors import TuiApiError

    try:
        return int(args.handler(args))
    except TuiApiError as exc:
        error(str(exc), debug=debug, exc=exc)
        return ExitCode.USAGE
    except KeyboardInterrupt:
        error("interrupted")
        return ExitCode.INTERRUPTED
    except Exception as exc:  # last resort: one line, never a bare traceback
        error(f"unexpected error: {exc.__class__.__name__}: {exc} (run with --debug for the traceback "
              "and please report it)", debug=debug, exc=exc)
        return ExitCode.USAGE


if __name__ == "__main__":
    raise SystemExit(main())
