"""`tui-api spec SPEC`: list a spec's operations without starting the TUI.

`--json` prints one JSON document on stdout (an API for scripts: keep its shape stable); without it
a readable table. Warnings go to stderr. Never imports Textual.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from tui_api.cli.common import add_common
from tui_api.cli.exit_codes import ExitCode


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "spec",
        help="list the operations of an OpenAPI/Swagger spec (no TUI)",
        description="List the operations of an OpenAPI 3.x or Swagger 2.0 spec (a file or an http(s) URL).",
    )
    add_common(parser)
    parser.add_argument("spec", metavar="SPEC", help="spec file path or http(s) URL (JSON or YAML)")
    parser.add_argument("--json", action="store_true", help="print the operations as JSON on stdout")
    parser.add_argument("--validate", action="store_true",
                        help="also run the full validator and list its findings as warnings (slow on big specs)")
    parser.add_argument("--no-cache", action="store_true", help="do not read or write the parsed-spec cache")
    parser.set_defaults(handler=run)


def operations_payload(doc: Any) -> dict[str, Any]:
    """The `--json` document. Field names are part of the CLI's contract."""
    return {
        "source": doc.source,
        "title": doc.title,
        "version": doc.api_version,
        "spec_version": doc.spec_version,
        "servers": [server.resolved() for server in doc.servers],
        # the templates behind `servers` (uspto: "{scheme}://..." with scheme https|http)
        "server_details": [
            {
                "url": server.url,
                "description": server.description,
                "variables": {var.name: {"default": var.default, "enum": list(var.enum)} for var in server.variables},
            }
            for server in doc.servers
        ],
        "count": len(doc.operations),
        "operations": [
            {
                "key": op.key,
                "method": op.method,
                "path": op.path,
                "operationId": op.operation_id,
                "tags": list(op.tags),
                "summary": op.summary,
                "deprecated": op.deprecated,
                "section": op.section,
                **({"parent": op.parent} if op.parent else {}),
            }
            for op in doc.operations
        ],
        "warnings": list(doc.warnings),
    }


def run(args: argparse.Namespace) -> int:
    from tui_api.cli.diagnostics import warning
    from tui_api.core.spec import open_spec

    doc = open_spec(args.spec, use_cache=not args.no_cache)
    warnings = list(doc.warnings)
    if args.validate:
        from tui_api.core.spec.validate import validate_spec

        warnings.extend(validate_spec(doc))
    for message in warnings:
        warning(message)
    if args.json:
        payload = operations_payload(doc)
        payload["warnings"] = warnings
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        return ExitCode.OK
    _print_table(doc)
    return ExitCode.OK


def _print_table(doc: Any) -> None:
    out = sys.stdout
    kind = "Swagger" if doc.spec_version == "2.0" else "OpenAPI"
    out.write(f"{doc.title} {doc.api_version}  ({kind} {doc.spec_version}, {len(doc.operations)} operation{'' if len(doc.operations) == 1 else 's'})\n")
    for server in doc.servers:
        choices = [f"{var.name}: {'|'.join(var.enum) if var.enum else var.default}" for var in server.variables]
        out.write(f"  server: {server.resolved()}{f'  ({server.url}; ' + ', '.join(choices) + ')' if choices else ''}\n")
    method_width = max((len(op.method) for op in doc.operations), default=6)
    path_width = min(60, max((len(op.path) for op in doc.operations), default=4))
    for op in doc.operations:
        section = "" if op.section == "paths" else f"[{op.section[:-1]}] "
        flags = " (deprecated)" if op.deprecated else ""
        if op.parent:
            flags += f"  (callback of {op.parent})"
        label = op.summary or op.operation_id or ""
        tags = f"  [{', '.join(op.tags)}]" if op.tags else ""
        out.write(f"{op.method:<{method_width}}  {section}{op.path:<{path_width}}  {label}{flags}{tags}\n".rstrip() + "\n")
