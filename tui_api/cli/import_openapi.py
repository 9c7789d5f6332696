"""`tui-api import openapi SPEC -o collections/NAME.yaml`: a collection with one request per
operation of the spec, none lost. Prints how many it wrote (always the spec's operation count).
"""

from __future__ import annotations

import argparse
import os
import sys

from tui_api.cli.common import add_common
from tui_api.cli.exit_codes import ExitCode


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "openapi",
        help="turn an OpenAPI/Swagger spec into a collection (one request per operation)",
        description="Write a collection with one request per operation of an OpenAPI 3.x or Swagger 2.0 spec "
        "(a file or an http(s) URL): folders by tag, {{base_url}} and path parameters as variables.",
        epilog="example: tui-api import openapi petstore.yaml -o collections/petstore.yaml",
    )
    add_common(parser)
    parser.add_argument("spec", metavar="SPEC", help="spec file path or http(s) URL")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write the collection here (e.g. collections/NAME.yaml); without it, print it")
    parser.add_argument("--name", help="the collection's name (default: the spec's title)")
    parser.add_argument("--flat", action="store_true", help="no folders by tag")
    parser.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    parser.set_defaults(handler=run)


def spec_reference(spec: str, output: str | None) -> str:
    """How the collection names its spec: a URL as is, a file relative to the collection file."""
    if spec.startswith(("http://", "https://")):
        return spec
    spec_path = os.path.abspath(spec)
    if not output:
        return spec_path
    folder = os.path.dirname(os.path.abspath(output))
    try:
        return os.path.relpath(spec_path, folder)
    except ValueError:  # another drive on Windows
        return spec_path


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tui_api.cli.diagnostics import info, warning
    from tui_api.core.collection.yaml_format import dumps_collection, save_collection
    from tui_api.core.errors import UsageError
    from tui_api.core.spec import open_spec
    from tui_api.core.spec.to_collection import spec_to_collection

    target = Path(args.output) if args.output else None
    if target is not None:
        if target.suffix not in (".yaml", ".yml"):
            raise UsageError(f"{target} is not a .yaml file", hint="name the collection file like collections/NAME.yaml")
        if target.is_dir():  # checked before a big spec is read, not when saving
            raise UsageError(f"{target} is a folder", hint="give a file path inside it, like collections/NAME.yaml")
        if target.exists() and not args.force:
            raise UsageError(f"{target} already exists", hint="use --force to overwrite it, or pick another name")
    doc = open_spec(args.spec)
    for message in doc.warnings:
        warning(message)
    result = spec_to_collection(doc, name=args.name, spec_ref=spec_reference(args.spec, args.output),
                                folders=not args.flat)
    for message in result.warnings:
        warning(message)
    if target is None:
        sys.stdout.write(dumps_collection(result.collection))
    else:
        save_collection(result.collection, target)
    sections = {}
    for op in doc.operations:
        sections[op.section] = sections.get(op.section, 0) + 1
    detail = ", ".join(f"{count} {section}" for section, count in sections.items()) if len(sections) > 1 else ""
    plural = "" if result.count == 1 else "s"
    info(f"wrote {result.count} request{plural} for {len(doc.operations)} operation{plural}"
         f"{f' ({detail})' if detail else ''} to {target or 'stdout'}")
    return ExitCode.OK
