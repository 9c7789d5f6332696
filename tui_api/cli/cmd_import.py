"""`tui-api import KIND ...`: turn a spec, a cURL line or a Postman collection into a collection.

Each kind lives in its own module (`cli/import_<kind>.py`) with `register(subparsers)`.
"""

from __future__ import annotations

import argparse
import importlib

from tui_api.cli.common import add_common

KINDS = [
    "tui_api.cli.import_openapi",
    "tui_api.cli.import_curl",
    "tui_api.cli.import_postman",
]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("import", help="import a spec, a cURL command or a Postman collection")
    add_common(parser)
    kinds = parser.add_subparsers(dest="import_kind", metavar="KIND")
    for module_name in KINDS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.register(kinds)
    parser.set_defaults(handler=lambda args: (parser.print_help(), 2)[1])
