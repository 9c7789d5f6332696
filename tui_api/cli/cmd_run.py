"""`tui-api run COLLECTION`: replay a collection headless, check the answers, write CI reports.

Everything that can be wrong before the network is touched (arguments, the collection file, an
unknown environment, undefined variables, a report path that cannot be written) is reported at
once and exits 2 without sending anything. Imports stay light: no Textual, ever.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from pathlib import Path

from tui_api.cli.common import add_common
from tui_api.cli.exit_codes import ExitCode

HELP_EPILOG = """\
checks (expect:) status, json (JSONPath -> value or {exists, matches, lt, gt}), headers, max_ms,
schema; capture: values flow to later requests. With --jobs N, requests run concurrently unless
one uses another's captures or they change the same resource (URL path): those keep file order.

defaults: connect timeout 10 s, read timeout 30 s, 120 s in total per request (retries included);
2 retries with exponential backoff and full jitter on connection errors and 429/502/503/504,
Retry-After honoured up to 30 s; POST/PATCH retried only with an Idempotency-Key (collection
option idempotency_key: true adds one per request); 5 consecutive failures (connection errors,
timeouts, 502/503/504) open a host's circuit for 30 s: its requests are skipped, others go on;
every request carries X-Request-ID (collection option correlation_header, traceparent).
Collection `options:` may set idempotency_key, correlation_header, traceparent, retries, timeout,
breaker_threshold, breaker_cool_down, retry_after_cap; the command line wins over them.

exit codes: 0 all passed, 1 a check failed, 2 usage or collection error (nothing sent),
3 a request could not complete (network error after retries, circuit open), 130 interrupted.
"""

REPORT_KINDS = ("junit", "json")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run",
        help="run a collection headless and check the answers (for CI)",
        description="Replay a collection's requests, check the answers, and write JUnit/JSON reports.",
        epilog=HELP_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("collection", metavar="COLLECTION", help="the collection file (.yaml)")
    parser.add_argument("--env", metavar="NAME", help="the environment to use (from the collection's environments)")
    parser.add_argument("--var", metavar="K=V", action="append", default=[], help="set a variable (repeatable)")
    parser.add_argument("--folder", metavar="NAME", action="append", default=[],
                        help="run only this folder (name or path a/b; repeatable)")
    parser.add_argument("--request", metavar="NAME", action="append", default=[],
                        help="run only this request (repeatable)")
    parser.add_argument("--jobs", metavar="N", type=int, default=1, help="requests in flight at once (default 1)")
    parser.add_argument("--rate", metavar="N/s", help="at most N request starts per second (N/s or N/m)")
    parser.add_argument("--bail", action="store_true", help="stop at the first failure")
    parser.add_argument("--timeout", metavar="SECONDS", type=float,
                        help="per-attempt connect/read timeout (default: connect 10 s, read 30 s)")
    parser.add_argument("--retries", metavar="N", type=int, help="retries per request (default 2; 0 = none)")
    parser.add_argument("--insecure", action="store_true", help="do not verify TLS certificates")
    parser.add_argument("--report", metavar="KIND:PATH", action="append", default=[],
                        help="write a report: junit:PATH or json:PATH (repeatable)")
    parser.add_argument("--report-body-limit", metavar="BYTES", type=int, default=64 * 1024,
                        help="bytes of each body kept in reports (default 65536)")
    parser.add_argument("--max-body", metavar="BYTES", type=int, default=10 * 1024 * 1024,
                        help="bytes of each response body kept for checks (default 10 MiB)")
    parser.add_argument("--transport", choices=("auto", "httpx", "aiohttp"), default="auto",
                        help=argparse.SUPPRESS)
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--quiet", "-q", action="store_true", help="print only failures and the summary")
    output.add_argument("--verbose", "-v", action="store_true",
                        help="also print passed checks, attempts and correlation IDs")
    add_common(parser)
    parser.set_defaults(handler=run_command)


def _fail(message: str, args: argparse.Namespace | None = None, exc: BaseException | None = None) -> ExitCode:
    from tui_api.cli.diagnostics import error

    error(message, debug=bool(getattr(args, "debug", False)), exc=exc)
    return ExitCode.USAGE


def parse_vars(items: list[str]) -> dict[str, str]:
    from tui_api.core.errors import UsageError

    values: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name or not re.fullmatch(r"[^{}\s]+", name):
            raise UsageError(f"--var {item!r}: expected NAME=VALUE, e.g. --var base_url=http://127.0.0.1:8000")
        values[name] = value
    return values


def parse_rate(text: str | None) -> float | None:
    from tui_api.core.errors import UsageError

    if text is None:
        return None
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(?:/\s*([sm]))?\s*", text)
    if not match or float(match.group(1)) <= 0:
        raise UsageError(f"--rate {text!r}: expected a positive number per second, e.g. --rate 20/s or --rate 600/m")
    value = float(match.group(1))
    return value / 60 if match.group(2) == "m" else value


def parse_reports(items: list[str]) -> list[tuple[str, Path]]:
    from tui_api.core.errors import UsageError

    reports: list[tuple[str, Path]] = []
    for item in items:
        kind, sep, path = item.partition(":")
        if not sep or kind not in REPORT_KINDS or not path:
            raise UsageError(f"--report {item!r}: expected junit:PATH or json:PATH")
        target = Path(path).expanduser()
        problem = _unwritable(target)
        if problem:
            raise UsageError(f"--report {item}: cannot write {target}: {problem}")
        reports.append((kind, target))
    return reports


def _check_report_targets(reports: list[tuple[str, Path]], collection: str) -> None:
    """A report written over the collection (`--report junit:c.yaml`) destroyed the user's
    file, and two reports on one path lost the first: refuse both before anything runs."""
    from tui_api.core.errors import UsageError

    protected = Path(collection).expanduser().resolve()
    seen: dict[Path, str] = {}
    for kind, target in reports:
        resolved = target.resolve()
        if resolved == protected:
            raise UsageError(f"--report {kind}:{target}: that is the collection file; it would be overwritten",
                             hint="write the report to another path, e.g. --report junit:report.xml")
        if resolved in seen:
            raise UsageError(f"--report {kind}:{target}: the {seen[resolved]} report goes to the same file",
                             hint="give each report its own path")
        seen[resolved] = kind


def _unwritable(target: Path) -> str | None:
    if target.is_dir():
        return "it is a directory"
    parent = target.parent if str(target.parent) else Path(".")
    existing = parent
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    if not existing.is_dir():
        return f"{existing} is not a directory"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"no permission to write in {existing}"
    if target.exists() and not os.access(target, os.W_OK):
        return "no permission to overwrite it"
    return None


def run_command(args: argparse.Namespace) -> ExitCode:
    from tui_api.core.errors import CollectionError, UsageError

    try:
        if args.jobs < 1:
            raise UsageError("--jobs must be at least 1")
        if args.timeout is not None and not (math.isfinite(args.timeout) and args.timeout > 0):  # nan, inf
            raise UsageError("--timeout must be a positive number of seconds")
        if args.retries is not None and args.retries < 0:
            raise UsageError("--retries must be 0 or more")
        if args.report_body_limit < 0 or args.max_body < 1:
            raise UsageError("--report-body-limit and --max-body must be positive byte counts")
        cli_vars = parse_vars(args.var)
        rate = parse_rate(args.rate)
        reports = parse_reports(args.report)
        _check_report_targets(reports, args.collection)
    except UsageError as exc:
        return _fail(str(exc), args, exc)

    try:
        from tui_api.core.collection.yaml_format import load_collection
    except ImportError:
        return _fail("reading collection files is not available in this build")
    try:
        collection = load_collection(args.collection)
    except CollectionError as exc:
        return _collection_problems(exc, args)

    if args.env is not None and args.env not in collection.environments:
        known = ", ".join(sorted(collection.environments)) or "none defined"
        return _fail(f"--env {args.env}: no such environment in {args.collection} (environments: {known})")

    from tui_api.core.collection.variables import VariableContext

    static = VariableContext.for_collection(collection, args.env, overrides=cli_vars)

    auth_provider, known_profiles, secret_headers, provider_error = _auth(collection)
    from tui_api.core.runner.plan import build_plan

    plan = build_plan(collection, static, folders=args.folder, names=args.request, known_profiles=known_profiles)
    schemas = _schema_source(collection)
    plan.problems.extend(_spec_problems(collection, plan, schemas))
    if provider_error and any(p.auth for p in plan.requests):
        plan.problems.append(provider_error)
    elif auth_provider is not None and not plan.problems:
        plan.problems.extend(_auth_problems(auth_provider, plan))
    if plan.problems:
        return _collection_problems(CollectionError(
            f"{len(plan.problems)} problem(s); nothing was sent", path=args.collection, problems=plan.problems), args)

    from tui_api.core.runner.engine import RunOptions, timeouts_for

    overrides: dict[str, object] = {
        "jobs": args.jobs, "rate": rate, "bail": args.bail or None, "insecure": args.insecure or None,
        "retries": args.retries, "max_body": args.max_body,
        # bodies are kept after the checks only for a JSON report: without one, memory per
        # finished request is a few hundred bytes of metadata, whatever the response size
        "report_body_limit": args.report_body_limit if any(kind == "json" for kind, _ in reports) else 0,
        "backend": args.transport,
    }
    if args.timeout is not None:
        overrides["timeouts"] = timeouts_for(args.timeout)
    options = RunOptions.from_collection(collection.options, **overrides)
    return _execute(collection, plan, static, options, reports, args, auth_provider, secret_headers, schemas)


def _schema_source(collection):
    """One SpecSchemas for the run (the spec opened once, for the pre-flight and the checks)."""
    if not collection.spec:
        return None
    from tui_api.core.runner.schema import SpecSchemas

    base_dir = Path(collection.path).resolve().parent if collection.path else None
    return SpecSchemas(collection.spec, base_dir)


def _spec_problems(collection, plan, schemas=None) -> list[str]:
    """`schema: true` against a `spec:` file that is not there would skip every schema check
    (shown only with --verbose) and pass: a typo in `spec:` must not turn checks off."""
    checking = [p for p in plan.requests if p.request.expect.schema]
    if not checking:
        return []
    spec = collection.spec
    problems = [f"request '{p.label}': 'schema: true' needs the request's 'operation: METHOD /path' "
                "(the spec operation whose response schema applies)" for p in checking if not p.request.operation]
    if not spec:
        return problems + ["'schema: true' needs 'spec:' in the collection (the spec file the requests came "
                           "from); without it every schema check would be skipped and pass"]
    if "://" in spec:
        return problems
    path = Path(spec).expanduser()
    if not path.is_absolute() and collection.path:
        path = Path(collection.path).resolve().parent / path
    if not path.is_file():
        return problems + [f"spec: {path} does not exist, and requests check 'schema: true' against it "
                           "(fix 'spec:' in the collection; it is relative to the collection file)"]
    if schemas is not None:
        for operation in dict.fromkeys(p.request.operation for p in checking if p.request.operation):
            why = schemas.problem(operation)
            if why:
                users = [p.label for p in checking if p.request.operation == operation]
                problems.append(f"request '{users[0]}'{f' (and {len(users) - 1} more)' if len(users) > 1 else ''}: "
                                f"'schema: true' cannot be checked: {why}")
    return problems


def _collection_problems(exc, args: argparse.Namespace | None = None) -> ExitCode:
    from tui_api.cli.diagnostics import error, info

    error(str(exc), debug=bool(getattr(args, "debug", False)), exc=exc)
    problems = exc.problems
    if len(problems) == 1 and problems[0].split(": ", 2)[-1] in str(exc):
        problems = []  # the one problem is the line above: saying it twice reads like two
    for problem in problems:
        info(f"  {problem}")
    return ExitCode.USAGE


def _auth(collection):
    """(provider, known profile names or None, secret header names, error line or None)."""
    try:
        from tui_api.core.auth.provider import make_auth_provider
        from tui_api.core.auth.secrets import SecretStore
    except ImportError:
        return None, None, (), None
    try:
        provider = make_auth_provider(collection, SecretStore())
        known = list(provider.profiles.all())
    except Exception as exc:  # noqa: BLE001 - reported as one line before anything is sent
        return None, None, (), f"auth profiles could not be loaded: {exc}"
    headers: tuple[str, ...] = ()
    try:
        names, _queries = provider.all_sensitive_names()
        headers = tuple(names)
    except Exception:  # noqa: BLE001 - redaction falls back to the built-in header list
        pass
    return provider, known, headers, None


def _auth_problems(auth_provider, plan) -> list[str]:
    """Apply each profile the run uses once, before sending: a missing secret or an expired
    token is a setup problem (exit 2), not a failed request."""
    from tui_api.core.errors import TuiApiError

    problems: list[str] = []
    for profile in dict.fromkeys(p.auth for p in plan.requests if p.auth):
        try:
            auth_provider(profile)
        except TuiApiError as exc:
            text = str(exc)  # most AuthErrors already start with "auth profile 'NAME'"
            problems.append(text if text.startswith(f"auth profile '{profile}'") else f"auth profile '{profile}': {text}")
    return problems


def _execute(collection, plan, static, options, reports, args, auth_provider, secret_headers,
             schema_source=None) -> ExitCode:
    import asyncio
    import signal

    from tui_api.cli.run_output import RunPrinter
    from tui_api.core.fileio import write_atomic
    from tui_api.core.runner.engine import RequestResult, Runner
    from tui_api.core.runner.reports import JsonReportSpool, junit_xml

    printer = RunPrinter(sys.stdout, quiet=args.quiet, verbose=args.verbose,
                         secrets=lambda: _secret_values(static, auth_provider))
    printer.set_labels([p.label for p in plan.requests])
    spool = (JsonReportSpool(lambda: _secret_values(static, auth_provider), secret_headers)
             if any(kind == "json" for kind, _ in reports) else None)

    def finished(result: RequestResult) -> None:
        printer.request_finished(result)
        if spool is not None:
            spool.add(result)
            if result.exchange is not None:  # spooled: memory stays flat however long the run
                result.exchange.body = b""
                result.exchange.request_body = None

    runner = Runner(collection, plan, variables=static, options=options, auth_provider=auth_provider,
                    schema_source=schema_source, on_start=printer.request_started,
                    on_result=finished, secret_headers=secret_headers)

    async def main():
        loop = asyncio.get_running_loop()
        try:
            loop.add_signal_handler(signal.SIGINT, runner.interrupt)
            loop.add_signal_handler(signal.SIGTERM, runner.interrupt)
        except (NotImplementedError, RuntimeError, ValueError):
            pass  # not the main thread or not supported: Ctrl-C ends the run the default way
        return await runner.run()

    printer.start(collection.name, len(plan.requests), options.jobs)
    try:
        result = asyncio.run(main())
        written: list[str] = []
        code = ExitCode(result.exit_code())
        for kind, path in reports:
            try:
                if kind == "junit":
                    write_atomic(path, junit_xml(result, _secret_values(static, auth_provider)))
                else:
                    assert spool is not None
                    write_atomic(path, spool.chunks(result))
            except OSError as exc:
                from tui_api.cli.diagnostics import error

                error(f"cannot write the {kind} report {path}: {exc.strerror or exc}")
                code = ExitCode.USAGE if code == ExitCode.OK else code
                continue
            written.append(f"{kind} {path}")
    finally:
        if spool is not None:
            spool.close()
    printer.summary(result, written)
    return code


def _secret_values(variables, auth_provider) -> list[str]:
    """Literal values to mask in reports: variables named like secrets, auth secrets, tokens."""
    from tui_api.core.collection.variables import looks_secret

    values = [row.value for row in variables.sources() if row.secret and row.value]
    values += [value for name, value in variables.captured.items() if looks_secret(name) and value]
    if auth_provider is not None:
        try:
            values += list(auth_provider.secret_values())
        except Exception:  # noqa: BLE001 - masking what we know is still better than failing
            pass
    return values
