"""`tui-api import curl 'curl ...' [-o FILE] [--name NAME] [--folder NAME]`.

Without -o the request is printed as YAML (ready to paste under `requests:`); with -o it is added to
that collection, which is created when it does not exist. Warnings (options not mapped, credentials
taken out) go to stderr; secret values are never printed or written.
"""

from __future__ import annotations

import argparse
import sys

from tui_api.cli.common import add_common
from tui_api.cli.exit_codes import ExitCode


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "curl",
        help="turn a cURL command into a request",
        description="Turn a cURL command (as browsers' 'Copy as cURL' writes it) into a request. "
        "Prints it as YAML, or adds it to a collection with -o.",
        epilog="example: tui-api import curl \"curl -X POST https://api.example.com/pets -d name=rex\" "
        "-o collections/pets.yaml. Credentials (Authorization, cookies, -u) are not stored: they become "
        "{{variables}} to set in .env or with --var.",
    )
    add_common(parser)
    parser.add_argument("command", nargs="?", default="-",
                        help="the whole cURL command in quotes, or - (the default) to read it from stdin")
    parser.add_argument("-o", "--output", metavar="FILE", help="add the request to this collection (created if missing)")
    parser.add_argument("--name", help="the request's name (default: METHOD /path)")
    parser.add_argument("--folder", help="put the request in this folder of the collection (created if missing)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tui_api.cli.diagnostics import info, warning
    from tui_api.core.collection.curl import import_curl
    from tui_api.core.collection.file_refs import rebase_file_refs
    from tui_api.core.collection.model import Collection, Folder
    from tui_api.core.collection.yaml_format import dumps_items, load_collection, save_collection
    from tui_api.core.errors import UsageError

    if args.command == "-":
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError("no cURL command given",
                             hint="pass it in quotes: tui-api import curl 'curl https://...', or pipe it in")
        limit = 16 * 1024 * 1024  # a pasted command, not a stream: `< /dev/zero` must not eat the memory
        text = sys.stdin.read(limit + 1)
        if len(text) > limit:
            raise UsageError("the cURL command on stdin is over 16 MiB",
                             hint="put a large body in a file and use --data-binary @FILE")
    else:
        text = args.command
    result = import_curl(text)
    request = result.request
    if args.name:
        request.name = args.name
    for line in result.warnings:
        warning(line)
    if not args.output:
        rebase_file_refs(request, None)  # printed YAML is pasted into any collection: absolute paths
        sys.stdout.write(dumps_items([request]))
        return ExitCode.OK
    path = Path(args.output)
    rebase_file_refs(request, path.absolute().parent)  # the collection reads files from its folder
    if path.exists():
        collection = load_collection(path)
    else:
        if path.suffix not in (".yaml", ".yml"):
            raise UsageError(f"{path} is not a .yaml file", hint="name the collection file like collections/NAME.yaml")
        collection = Collection(name=path.stem)
    items = collection.items
    if args.folder:
        folder = next((item for item in items if isinstance(item, Folder) and item.name == args.folder), None)
        if folder is None:
            folder = Folder(args.folder)
            items.append(folder)
        items = folder.items
    taken = {item.name for item in items if not isinstance(item, Folder)}
    base, number = request.name, 2
    while request.name in taken:
        request.name, number = f"{base} ({number})", number + 1
    items.append(request)
    save_collection(collection, path)
    where = f" (folder '{args.folder}')" if args.folder else ""
    info(f"added request '{request.name}' to {path}{where}")
    if result.secrets:
        names = ", ".join(sorted(result.secrets))
        info(f"set {names} in {path.parent / '.env'} (keep it out of git) or pass --var NAME=VALUE when sending")
    return ExitCode.OK
