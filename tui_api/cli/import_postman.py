"""`tui-api import postman FILE.json -o collections/NAME.yaml`: convert a Postman v2.1 collection.

The summary (what was converted, the secrets to store, what could not be converted) goes to stderr;
without -o the collection YAML goes to stdout. An existing file is never overwritten without --force.
"""

from __future__ import annotations

import argparse

from tui_api.cli.common import add_common
from tui_api.cli.exit_codes import ExitCode


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "postman",
        help="convert a Postman collection (v2.1) into a collection file",
        description="Convert a Postman collection export (format v2.1) into a tui-api collection: folders, "
        "requests, variables and auth (as profiles without their secrets).",
        epilog="Secrets (tokens, passwords, API keys, secret variables) are not written: the output says how to "
        "store each one. Scripts and saved responses cannot be converted and are listed.",
    )
    add_common(parser)
    parser.add_argument("file", metavar="FILE.json", help="the Postman collection export")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the collection here (e.g. collections/NAME.yaml)")
    parser.add_argument("-e", "--environment", metavar="ENV.json", action="append", default=[],
                        help="also import a Postman environment export as an environment (repeatable)")
    parser.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from tui_api.cli.diagnostics import info, warning
    from tui_api.core.collection.postman import load_postman, load_postman_environment
    from tui_api.core.collection.yaml_format import dumps_collection, save_collection
    from tui_api.core.errors import UsageError

    result = load_postman(args.file)
    collection = result.collection
    for env_file in args.environment:
        name, values, secrets = load_postman_environment(env_file)
        collection.environments[name] = values
        result.secrets.extend(secrets)
    if not args.output:
        sys.stdout.write(dumps_collection(collection))
    else:
        target = Path(args.output)
        if target.suffix not in (".yaml", ".yml"):
            raise UsageError(f"{target} is not a .yaml file", hint="name it like collections/NAME.yaml")
        if target.exists() and not args.force:
            raise UsageError(f"{target} already exists", hint="choose another name, or pass --force to replace it")
        save_collection(collection, target)
    where = args.output or "stdout"
    info(f"converted '{collection.name}': {result.requests} request(s) in {result.folders} folder(s), "
         f"{len(collection.variables)} variable(s), {len(collection.environments)} environment(s), "
         f"{len(collection.auth_profiles)} auth profile(s) -> {where}")
    if result.secrets:
        info("secrets were not written; store them with:")
        flag = f" --collection {args.output}" if args.output else ""
        for secret in result.secrets:
            if secret.profile:
                info(f"  tui-api auth set {secret.profile}{flag}    # its {secret.field} ({secret.where})")
            else:
                info(f"  {secret.field}=...  in .env beside the collection, or --var {secret.field}=...    "
                     f"# from {secret.where}")
    if result.warnings:
        info("not converted:")
        for line in result.warnings:
            warning(line)
    return ExitCode.OK
