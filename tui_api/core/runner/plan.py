"""What a run will do, worked out before anything is sent: which requests (file order, filtered
by --folder/--request), the auth profile each one uses (request > folder > collection), the
variables each one reads and captures, the dependencies between them, and every problem that
would make the run fail for a reason other than the server (exit 2, nothing sent).

Dependencies come from variables: a request that reads `{{token}}` waits for the last earlier
request that captures `token`; a request that captures `id` waits for earlier requests that read
or capture `id` (so a concurrent run never changes a value under a request that is still using
the old one). Requests that change the same resource keep their file order too (resources.py).
Everything else may run concurrently with `--jobs N`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui_api.core.collection.model import Collection, Folder, Request
from tui_api.core.collection.variables import VariableContext, dynamic_value, looks_secret, names_in, substitute, substitute_url
from tui_api.core.runner.checks import OPERATORS
from tui_api.core.runner.jsonpath import validate as validate_path
from tui_api.core.collection.options_check import option_problems
from tui_api.core.runner.resources import ResourceOrder

@dataclass
class PlannedRequest:
    index: int  # position in the run (file order)
    folder: tuple[str, ...]
    request: Request
    auth: str | None  # effective auth profile (None: no auth)
    uses: frozenset[str]
    captures: frozenset[str]
    deps: tuple[int, ...] = ()

    @property
    def name(self) -> str:
        return self.request.name

    @property
    def label(self) -> str:
        return "/".join(self.folder + (self.request.name,))


@dataclass
class Plan:
    requests: list[PlannedRequest] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def walk_with_auth(collection: Collection) -> list[tuple[tuple[str, ...], Request, str | None]]:
    """Every request in file order with its folder path and effective auth profile."""
    found: list[tuple[tuple[str, ...], Request, str | None]] = []

    def visit(items: list[Request | Folder], path: tuple[str, ...], inherited: str | None) -> None:
        for item in items:
            if isinstance(item, Folder):
                visit(item.items, path + (item.name,), item.auth if item.auth is not None else inherited)
            else:
                auth = item.auth if item.auth is not None else inherited
                found.append((path, item, None if auth in (None, "", "none") else auth))

    visit(collection.items, (), collection.auth)
    return found


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def variables_used(request: Request) -> set[str]:
    """Every `{{name}}` a request reads (URL, query, headers, body, multipart parts)."""
    texts: list[str] = [request.url]
    for key, value in request.query + request.headers:
        texts += [key, value]
    body = request.body
    if body is not None:
        if body.kind == "multipart":
            for part in body.value or []:
                texts += [part.name, part.value or "", part.file or ""]
        else:
            texts += list(_strings(body.value))
    names: set[str] = set()
    for text in texts:
        names.update(names_in(text))
    return names


def _expand(names: set[str], raw: Callable[[str], str | None]) -> set[str]:
    """Add the variables that static values themselves refer to (`base: "{{host}}/v1"`)."""
    result = set(names)
    todo = list(names)
    while todo:
        value = raw(todo.pop())
        if value is None:
            continue
        for inner in names_in(str(value)):
            if inner not in result:
                result.add(inner)
                todo.append(inner)
    return result


def _cycle(start: str, raw: Callable[[str], str | None]) -> list[str]:
    """The names of a definition loop through `start` (a: "{{b}}", b: "{{a}}"), or [].
    Captured values are not known yet and are not followed."""
    path: list[str] = []
    on_path: set[str] = set()

    def visit(name: str) -> list[str]:
        if name in on_path:
            return path[path.index(name):] if name == start else []
        value = raw(name)
        if value is None:
            return []
        path.append(name)
        on_path.add(name)
        for inner in names_in(str(value)):
            found = visit(inner)
            if found:
                return found
        path.pop()
        on_path.discard(name)
        return []

    return visit(start)


def _matches(label: tuple[str, ...], wanted: str) -> bool:
    """`--folder users` matches a folder named users at any depth; `a/b` matches that path."""
    parts = tuple(p for p in wanted.strip("/").split("/") if p)
    if not parts:
        return False
    return any(label[i:i + len(parts)] == parts for i in range(len(label) - len(parts) + 1))


def select(collection: Collection, folders: list[str], names: list[str]
           ) -> tuple[list[tuple[tuple[str, ...], Request, str | None]], list[str]]:
    """The requests `--folder`/`--request` pick (a union; all when neither is given)."""
    everything = walk_with_auth(collection)
    if not folders and not names:
        return everything, []
    problems: list[str] = []
    for wanted in folders:
        if not any(_matches(path, wanted) for path, _, _ in everything):
            known = sorted({"/".join(path) for path, _, _ in everything if path})
            problems.append(f"--folder {wanted}: no such folder" + (f" (folders: {', '.join(known)})" if known else ""))
    for wanted in names:
        if not any(req.name == wanted or "/".join(path + (req.name,)) == wanted.strip("/") for path, req, _ in everything):
            problems.append(f"--request {wanted}: no such request")
    chosen = [
        (path, req, auth)
        for path, req, auth in everything
        if any(_matches(path, f) for f in folders)
        or any(req.name == n or "/".join(path + (req.name,)) == n.strip("/") for n in names)
    ]
    return chosen, problems


def _check_expect(where: str, request: Request, problems: list[str]) -> None:
    expect = request.expect
    for code in expect.status:
        if not isinstance(code, int) or isinstance(code, bool) or not 100 <= code <= 599:
            problems.append(f"{where}: expect.status {code!r} is not an HTTP status code")
    for path, expected in expect.json.items():
        problem = validate_path(str(path))
        if problem:
            problems.append(f"{where}: expect.json: {problem}")
        if isinstance(expected, dict) and expected and set(expected) <= OPERATORS:
            if "matches" in expected:
                try:
                    re.compile(str(expected["matches"]))
                except re.error as exc:
                    problems.append(f"{where}: expect.json {path}: bad regex {expected['matches']!r} ({exc})")
            for op in ("lt", "gt", "le", "ge"):
                if op in expected and (isinstance(expected[op], bool) or not isinstance(expected[op], (int, float))):
                    problems.append(f"{where}: expect.json {path}: '{op}' needs a number, not {expected[op]!r}")
    if expect.max_ms is not None and (isinstance(expect.max_ms, bool) or not isinstance(expect.max_ms, (int, float))):
        problems.append(f"{where}: expect.max_ms must be a number of milliseconds")
    for variable, rule in request.capture.items():
        text = str(rule).strip()
        if text.lower().startswith("header:") or text in ("status", "body"):
            continue
        problem = validate_path(text)
        if problem:
            problems.append(f"{where}: capture {variable}: {problem}")


def _check_url(where: str, request: Request, variables: Any, static: bool, problems: list[str]) -> None:
    """A URL that can never be sent (ftp://, no host, a space in the host, a bad port) is a
    collection problem, found before sending: it was an 'ERR not sent' mid-run (exit 3). URLs
    that read captured values are checked when sent."""
    if not static:
        return
    from tui_api.core.errors import TuiApiError
    from tui_api.core.http.prepare import check_url

    try:
        url = substitute_url(request.url.strip(), variables)
    except TuiApiError:
        return  # an undefined variable or a loop: already a problem of its own
    try:
        check_url(url)
    except TuiApiError as exc:
        text = str(exc)
        if any(looks_secret(name) for name in names_in(request.url)):
            text = text.replace(url, request.url.strip())  # stderr is a CI log: keep the reference
        problems.append(f"{where}: {text}")


def _check_files(where: str, request: Request, base_dir: Path | None, problems: list[str]) -> None:
    """A body file that is not there is a collection problem (exit 2, nothing sent), not a
    request that failed mid-run. Paths with {{variables}} are checked when sent."""
    body = request.body
    if body is None:
        return
    if body.kind == "file":
        paths = [("body.file", str(body.value))]
    elif body.kind == "multipart":
        paths = [(f"multipart {part.name}", part.file) for part in body.value or [] if part.file]
    else:
        return
    for label, raw in paths:
        if not raw or names_in(raw):
            continue
        path = Path(raw).expanduser()
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        if not path.is_file():
            why = ("is a directory" if path.is_dir() else "is not a regular file" if path.exists()
                   else "does not exist")
            problems.append(f"{where}: {label}: {path} {why} (paths are relative to the collection file)")


def _raw_of(variables: Mapping[str, str] | VariableContext) -> Callable[[str], str | None]:
    if isinstance(variables, VariableContext):
        def raw(name: str) -> str | None:
            found = variables.raw(name)
            return None if found is None else found[0]
        return raw

    def plain(name: str) -> str | None:
        if name in variables:
            return str(variables[name])
        return dynamic_value(name)
    return plain


def build_plan(
    collection: Collection,
    variables: Mapping[str, str] | VariableContext,
    *,
    folders: list[str] | None = None,
    names: list[str] | None = None,
    known_profiles: Iterable[str] | None = None,
) -> Plan:
    """`variables` holds every value known before the run (a VariableContext, or a mapping of
    plain values). `known_profiles` None skips the auth-profile check (no profile list)."""
    raw = _raw_of(variables)
    base_dir = Path(collection.path).resolve().parent if collection.path else None
    chosen, problems = select(collection, folders or [], names or [])
    all_captures: dict[str, str] = {}
    for path, req, _ in walk_with_auth(collection):
        for variable in req.capture:
            all_captures.setdefault(variable, "/".join(path + (req.name,)))
    profiles = set(known_profiles) if known_profiles is not None else None
    problems.extend(option_problems(collection.options, "collection options", request=False))
    plan = Plan(problems=problems)
    last_writer: dict[str, int] = {}
    readers: dict[str, set[int]] = {}
    resources = ResourceOrder()
    reported_cycles: set[str] = set()
    for index, (path, request, auth) in enumerate(chosen):
        where = f"request '{'/'.join(path + (request.name,))}'"
        uses = _expand(variables_used(request), raw)
        captures = frozenset(request.capture)
        for name in sorted(uses):
            if name in last_writer:
                continue
            if raw(name) is not None:
                loop = _cycle(name, raw)
                if loop and name not in reported_cycles:
                    reported_cycles.update(loop)
                    problems.append(f"{where}: variable '{name}' refers to itself: {' -> '.join(loop + [loop[0]])} "
                                    "(break the cycle in its definition)")
                continue
            if name.startswith("$env."):
                problems.append(f"{where} uses {{{{{name}}}}}, but the environment variable {name[5:]} is not set "
                                f"(export {name[5:]}=VALUE before the run)")
                continue
            source = all_captures.get(name)
            if source:
                problems.append(f"{where} uses {{{{{name}}}}}, captured by '{source}', which does not run before it "
                                f"(select it too, or pass --var {name}=VALUE)")
            else:
                problems.append(f"{where} uses {{{{{name}}}}}, which is not defined "
                                f"(define it in the collection or environment, or pass --var {name}=VALUE)")
        if profiles is not None and auth is not None and auth not in profiles:
            problems.append(f"{where} uses auth profile '{auth}', which is not defined")
        _check_expect(where, request, problems)
        _check_files(where, request, base_dir, problems)
        _check_url(where, request, variables, all(raw(name) is not None for name in names_in(request.url)), problems)
        problems.extend(option_problems(request.options, f"{where} options", request=True))
        deps: set[int] = set()
        for name in uses:
            if name in last_writer:
                deps.add(last_writer[name])
        for name in captures:
            if name in last_writer:
                deps.add(last_writer[name])
            deps.update(readers.get(name, set()))
        deps |= resources.add(index, request.method, request.url, {n for n in uses if n in last_writer})
        deps.discard(index)
        for name in uses:
            readers.setdefault(name, set()).add(index)
        for name in captures:
            last_writer[name] = index
            readers[name] = set()
        plan.requests.append(PlannedRequest(index, path, request, auth, frozenset(uses), captures, tuple(sorted(deps))))
    if not plan.requests and not problems:
        problems.append("the collection has no requests to run")
    return plan
