"""`tui-api auth set|list|test|rm`: manage auth profiles; secrets go to the OS keyring.

Secrets never come from the command line (argv is visible to every user of the machine and lands
in shell history): `auth set` asks with a hidden prompt, or reads stdin with `--secret-stdin`.
Rotating a key is `tui-api auth set PROFILE` with no field options: only the keyring entry changes,
the collection file is not touched. Never imports Textual.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tui_api.cli.common import add_common
from tui_api.cli.exit_codes import ExitCode

if TYPE_CHECKING:
    from tui_api.core.auth.profiles import ProfileStore
    from tui_api.core.auth.secrets import SecretStore

EPILOG = (
    "Secrets live in the OS keyring (service 'tui-api', entry 'PROFILE:FIELD'). On a machine without "
    "a keyring, set TUI_API_SECRET_<PROFILE>_<FIELD> (upper case, other characters -> '_'), e.g. "
    "TUI_API_SECRET_PET_STORE_CLIENT_SECRET; a set variable wins over the keyring."
)


def register(subparsers: argparse._SubParsersAction) -> None:
    from tui_api.core.auth.kinds import KINDS, all_plain_field_names

    parser = subparsers.add_parser("auth", allow_abbrev=False, help="manage auth profiles (secrets in the OS keyring)",
                                   description="Manage auth profiles.", epilog=EPILOG)
    add_common(parser)
    actions = parser.add_subparsers(dest="auth_action", metavar="ACTION")

    def where_options(p: argparse.ArgumentParser) -> None:
        group = p.add_mutually_exclusive_group()
        group.add_argument("--personal", action="store_true", help="the personal profiles file (default for new profiles)")
        group.add_argument("--collection", metavar="FILE", help="a collection file (shared with your team)")

    # allow_abbrev=False: `--token SECRET` must not be taken as `--token-url` and written to a file.
    set_p = actions.add_parser("set", allow_abbrev=False, help="create or change a profile, or replace its secret",
                               description="Create or change a profile. With no field options on an existing "
                               "profile, only its secret is replaced (key rotation).", epilog=EPILOG)
    add_common(set_p)
    set_p.add_argument("profile", metavar="PROFILE")
    set_p.add_argument("--kind", choices=list(KINDS), help="the auth kind (needed for a new profile)")
    for name in all_plain_field_names():
        kinds = [k for k, spec in KINDS.items() if spec.field(name) and not spec.field(name).secret]
        help_text = next(spec.field(name).help for spec in KINDS.values() if spec.field(name)) or ""
        set_p.add_argument(f"--{name.replace('_', '-')}", dest=f"field_{name}", metavar="VALUE",
                           help=f"{help_text + '; ' if help_text else ''}for: {', '.join(kinds)}")
    where_options(set_p)
    secret = set_p.add_mutually_exclusive_group()
    secret.add_argument("--secret-stdin", action="store_true",
                        help="read the secret(s) from stdin, one per line, instead of a hidden prompt")
    secret.add_argument("--no-secret", action="store_true",
                        help="do not ask for the secret (it will come from the keyring or an environment variable)")
    set_p.set_defaults(handler=cmd_set)

    list_p = actions.add_parser("list", help="list profiles and where each secret comes from (never the values)")
    add_common(list_p)
    list_p.add_argument("--collection", metavar="FILE", help="include this collection's profiles")
    list_p.set_defaults(handler=cmd_list)

    test_p = actions.add_parser("test", help="check a profile: secrets present, JWT not expired, OAuth token fetched")
    add_common(test_p)
    test_p.add_argument("profile", metavar="PROFILE")
    test_p.add_argument("--collection", metavar="FILE", help="the collection the profile is in")
    test_p.add_argument("--insecure", action="store_true",
                        help="do not verify the token endpoint's TLS certificate (as `run --insecure`)")
    test_p.set_defaults(handler=cmd_test)

    rm_p = actions.add_parser("rm", help="delete a profile and its keyring secrets")
    add_common(rm_p)
    rm_p.add_argument("profile", metavar="PROFILE")
    where_options(rm_p)
    rm_p.add_argument("--keep-secrets", action="store_true", help="leave the keyring entries in place")
    rm_p.set_defaults(handler=cmd_rm)

    parser.set_defaults(handler=lambda args: (parser.print_help(), ExitCode.USAGE)[1])


# -- helpers -------------------------------------------------------------------------------------

def _stores(collection_file: str | None) -> tuple[ProfileStore, SecretStore]:
    from tui_api.core.auth.profiles import ProfileStore

    collection = None
    if collection_file:
        from tui_api.core.collection.yaml_format import load_collection

        path = Path(collection_file)
        if path.exists():
            collection = load_collection(path)
        else:
            from tui_api.core.collection.model import Collection

            collection = Collection(name=path.stem, path=str(path))
    return ProfileStore(collection), secret_store()


def secret_store() -> SecretStore:
    """The OS keyring with the env-var fallback (a seam: tests swap in an in-memory keyring)."""
    from tui_api.core.auth.secrets import SecretStore

    return SecretStore()


def _read_secrets(profile: str, fields: list, from_stdin: bool) -> dict[str, str]:
    from tui_api.core.errors import UsageError

    values: dict[str, str] = {}
    if from_stdin:
        text = sys.stdin.read(1024 * 1024 + 1)  # secrets, one per line: never a stream to drain
        if len(text) > 1024 * 1024:
            raise UsageError("stdin holds over 1 MiB: that is not a list of secrets",
                             hint="give one secret per line")
        lines = text.splitlines()
        for spec, line in zip(fields, lines):
            values[spec.name] = line.rstrip("\r")
        missing = [spec.name for spec in fields if not values.get(spec.name)]
        if missing:
            raise UsageError(f"stdin did not hold a value for: {', '.join(missing)}",
                             hint="give one secret per line, in this order: " + ", ".join(s.name for s in fields))
        return values
    if not sys.stdin.isatty():
        raise UsageError("no terminal to ask for the secret",
                         hint="pipe it in with --secret-stdin, or use --no-secret and set the environment variable")
    import getpass

    for spec in fields:
        value = getpass.getpass(f"{spec.label} for '{profile}' (hidden): ")
        if not value:
            raise UsageError(f"empty {spec.name}: nothing was changed")
        values[spec.name] = value
    return values


def _find(profiles: ProfileStore, name: str, collection_file: str | None):
    from tui_api.core.errors import AuthError

    try:
        return profiles.get(name)
    except AuthError as exc:
        if collection_file or not exc.message.startswith("no auth profile"):
            raise  # a broken profile keeps its own hint
        raise AuthError(exc.message, hint="a collection's profile needs --collection FILE; "
                        f"or create it with `tui-api auth set {name} --kind KIND`") from exc


# -- commands ------------------------------------------------------------------------------------

def cmd_set(args: argparse.Namespace) -> int:
    from tui_api.cli.diagnostics import info
    from tui_api.core.auth.kinds import KINDS, kind_spec
    from tui_api.core.auth.profiles import AuthProfile, validate_name
    from tui_api.core.errors import AuthError, UsageError

    name = validate_name(args.profile)
    profiles, secrets = _stores(args.collection)
    given = {key[len("field_"):]: value for key, value in vars(args).items()
             if key.startswith("field_") and value is not None}
    if args.collection:
        existing = profiles.from_collection().get(name)
        where = "collection"
    elif args.personal:
        existing = profiles.personal().get(name)
        where = "personal"
    else:
        existing = profiles.find(name)
        where = existing.origin if existing else "personal"
    if existing is None and not args.kind:
        raise UsageError(f"'{name}' is a new profile: say which --kind", hint=f"one of: {', '.join(KINDS)}")
    kind = args.kind or existing.kind  # type: ignore[union-attr]
    spec = kind_spec(kind)
    wrong = [f for f in given if spec.field(f) is None or spec.field(f).secret]
    if wrong:
        raise UsageError(f"a {kind} profile has no {', '.join('--' + w.replace('_', '-') for w in wrong)}",
                         hint=f"its fields: {', '.join('--' + f.name.replace('_', '-') for f in spec.plain_fields)}")
    fields = dict(existing.fields) if existing and existing.kind == kind else {}
    fields.update(given)
    profile = AuthProfile(name, kind, fields, where)  # type: ignore[arg-type]
    changed = existing is None or existing.kind != kind or existing.fields != fields
    rotate_only = existing is not None and not given and not args.kind
    ask = not args.no_secret and (existing is None or rotate_only or args.secret_stdin or kind != existing.kind)
    new_secrets = _read_secrets(name, list(spec.secret_fields), args.secret_stdin) if ask else {}
    for field_name, value in new_secrets.items():
        try:
            secrets.set(name, field_name, value)
        except AuthError as exc:
            raise AuthError(exc.message, hint=f"{exc.hint}; to save the profile alone, add --no-secret") from exc
    if new_secrets:
        secrets.delete_token(name)  # a cached OAuth token belongs to the old secret
    if changed:
        problems = profile.problems()
        profiles.save(profile, where)  # type: ignore[arg-type]
        place = profiles.collection.path if where == "collection" and profiles.collection else profiles.path
        info(f"saved auth profile '{name}' ({spec.label}) in {place}")
        if problems:
            info(f"note: still incomplete: {'; '.join(problems)}")
    if existing is not None and existing.kind != kind:  # the old kind's secrets would linger unseen
        from tui_api.core.auth.profiles import retire_old_kind_secrets

        try:
            retired = retire_old_kind_secrets(profiles, secrets, name, existing.kind, kind, where)  # type: ignore[arg-type]
        except AuthError as exc:
            from tui_api.cli.diagnostics import warning

            warning(f"{exc.message}; the old {existing.kind} secrets of '{name}' stay in the keyring")
        else:
            if retired:
                info(f"deleted the old {existing.kind} {', '.join(retired)} of '{name}' from the keyring")
    if new_secrets:
        info(f"stored {', '.join(new_secrets)} of '{name}' in the keyring"
             + ("" if changed else " (profile file unchanged)"))
    if not changed and not new_secrets:
        info(f"auth profile '{name}' unchanged")
    return ExitCode.OK


def cmd_list(args: argparse.Namespace) -> int:
    from tui_api.cli.diagnostics import info
    from tui_api.core.auth.kinds import kind_spec
    from tui_api.core.auth.secrets import env_var_name

    profiles, secrets = _stores(args.collection)
    ok, backend = secrets.backend_status()
    info(f"keyring: {backend}" if ok else f"keyring: unavailable ({backend})")
    shadowed = profiles.shadowed()
    rows: list[tuple[str, str, str, str, str]] = []
    entries = list(profiles.all().values()) + [
        p for n, p in profiles.personal().items() if n in shadowed
    ]
    for profile in entries:
        where = profile.origin
        if profile.origin == "personal" and profile.name in shadowed:
            where = "personal (shadowed by the collection)"
        sources = []
        for spec in kind_spec(profile.kind).secret_fields:
            found = secrets.lookup(profile.name, spec.name)
            label = {"env": f"env {env_var_name(profile.name, spec.name)}", "keyring": "keyring"}.get(
                found.source, f"MISSING (set {env_var_name(profile.name, spec.name)} or run `tui-api auth set {profile.name}`)"
                if found.source in ("missing", "no-keyring") else f"{found.source}: {found.detail}")
            sources.append(f"{spec.name}: {label}")
        details = " ".join(f"{k}={v}" for k, v in profile.to_mapping().items() if k != "kind")
        rows.append((profile.name, profile.kind, where, "; ".join(sources), details))
    if not rows:
        info("no auth profiles yet: create one with `tui-api auth set NAME --kind KIND`")
        return ExitCode.OK
    headers = ("NAME", "KIND", "WHERE", "SECRETS", "FIELDS")
    widths = [max(len(r[i]) for r in rows + [headers]) for i in range(4)]
    for row in [headers] + rows:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4])
    return ExitCode.OK


def cmd_test(args: argparse.Namespace) -> int:
    from tui_api.core.auth.check import check_profile

    profiles, secrets = _stores(args.collection)
    for line in check_profile(_find(profiles, args.profile, args.collection), secrets, verify=not args.insecure):
        print(line)
    print("ok")
    return ExitCode.OK


def _users_of(collection, profile: str) -> list[str]:
    """The requests whose effective auth (request > folder > collection) is `profile`."""
    from tui_api.core.runner.plan import walk_with_auth

    return ["/".join(path + (request.name,)) for path, request, auth in walk_with_auth(collection) if auth == profile]


def cmd_rm(args: argparse.Namespace) -> int:
    from tui_api.cli.diagnostics import info
    from tui_api.core.auth.kinds import kind_spec

    profiles, secrets = _stores(args.collection)
    where = "collection" if args.collection else ("personal" if args.personal else None)
    profile = (profiles.from_collection() if where == "collection" else profiles.personal()).get(args.profile) \
        if where else profiles.find(args.profile)
    if profile is None:
        _find(profiles, args.profile, args.collection)  # raises "no auth profile" with the known names
    assert profile is not None
    # The keyring entries go first: a locked keyring used to fail after the profile was gone,
    # leaving secrets no command could reach any more. Now it fails with the profile intact.
    # (The same name in the other scope shares the entries: then they stay.)
    scopes = sum(args.profile in found for found in (profiles.from_collection(), profiles.personal()))
    deleted: list[str] = []
    if not args.keep_secrets and scopes <= 1:
        from tui_api.core.errors import AuthError

        try:
            deleted = [spec.name for spec in kind_spec(profile.kind).secret_fields
                       if secrets.delete(args.profile, spec.name)]
            secrets.delete_token(args.profile)
        except AuthError as exc:
            raise AuthError(f"{exc.message}; the profile was not removed",
                            hint="or pass --keep-secrets to remove only the profile") from exc
    removed = profiles.remove(args.profile, where)  # type: ignore[arg-type]
    info(f"removed auth profile '{args.profile}' from the {removed} profiles")
    if deleted:
        info(f"deleted {', '.join(deleted)} from the keyring")
    if profiles.collection is not None and profiles.find(args.profile) is None:
        from tui_api.cli.diagnostics import warning

        users = _users_of(profiles.collection, args.profile)
        if users:  # `tui-api run` now stops at these with "profile not defined"
            shown = ", ".join(users[:5]) + (f" and {len(users) - 5} more" if len(users) > 5 else "")
            warning(f"{len(users)} request(s) still use '{args.profile}': {shown} "
                    f"(set their auth, or recreate the profile with `tui-api auth set {args.profile}`)")
    return ExitCode.OK
