"""Turn a parsed collection document (ruamel round-trip nodes) into the model, collecting every
problem with its line and key instead of stopping at the first one: a user fixing a hand-edited
file wants the whole list at once.

The file format (version 1) is documented in `yaml_format.py`; the JSON Schema in
`tui_api/collection.schema.json` says the same thing for editors.
"""

from __future__ import annotations

import base64
import datetime
import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from tui_api.core.collection.model import Body, Collection, Expect, Folder, MultipartPart, Pairs, Request
from tui_api.core.collection.options_check import option_problem

FORMAT_VERSION = 1

TOP_KEYS = (
    "version", "name", "description", "spec", "auth", "auth_profiles", "options",
    "environments", "variables", "requests",
)
REQUEST_KEYS = (
    "name", "description", "operation", "method", "url", "query", "headers", "auth", "body",
    "expect", "capture", "options",
)
FOLDER_KEYS = ("folder", "description", "auth", "requests")
BODY_KINDS = ("json", "form", "multipart", "text", "file")
EXPECT_KEYS = ("status", "json", "headers", "max_ms", "schema")
PART_KEYS = ("value", "file", "content_type")

# Fields an auth profile may carry in a collection that must never hold a literal secret.
SECRET_PROFILE_FIELDS = frozenset(
    {"password", "secret", "client_secret", "token", "access_token", "refresh_token", "key", "api_key"}
)
METHOD = re.compile(r"^[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*$")


def auth_kinds() -> list[str]:
    """The auth kinds the auth module knows (its table is the one source of truth)."""
    try:
        from tui_api.core.auth.kinds import KINDS
    except ImportError:  # pragma: no cover - the auth package is part of the app
        return []
    return list(KINDS)


@dataclass
class Problem:
    line: int | None  # 1-based
    key: str  # dotted path, e.g. requests[2].body.json
    message: str


@dataclass
class Reader:
    """Walks the document once; `problems` holds everything wrong with it."""

    problems: list[Problem] = field(default_factory=list)

    # --- locating ---------------------------------------------------------------------------
    @staticmethod
    def key_line(node: Any, key: Any) -> int | None:
        try:
            return node.lc.key(key)[0] + 1
        except Exception:  # plain dicts (no line info) or keys ruamel did not record
            return Reader.node_line(node)

    @staticmethod
    def value_line(node: Any, key: Any) -> int | None:
        try:
            return node.lc.value(key)[0] + 1
        except Exception:
            return Reader.key_line(node, key)

    @staticmethod
    def item_line(node: Any, index: int) -> int | None:
        try:
            return node.lc.item(index)[0] + 1
        except Exception:
            return Reader.node_line(node)

    @staticmethod
    def node_line(node: Any) -> int | None:
        try:
            return node.lc.line + 1
        except Exception:
            return None

    def add(self, line: int | None, key: str, message: str) -> None:
        self.problems.append(Problem(line, key, message))

    # --- shared checks ----------------------------------------------------------------------
    def check_keys(self, node: Any, allowed: tuple[str, ...], where: str) -> None:
        for key in node:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else f" (allowed: {', '.join(allowed)})"
                self.add(self.key_line(node, key), join(where, str(key)), f"unknown key '{key}'{hint}")

    def mapping(self, parent: Any, key: Any, where: str, *, what: str = "a mapping") -> dict | None:
        value = parent[key]
        if value is None:
            return None
        if not isinstance(value, dict):
            self.add(self.value_line(parent, key), where, f"must be {what}, not {type_name(value)}")
            return None
        return value

    def string(self, parent: Any, key: Any, where: str, *, required: bool = False) -> str | None:
        if key not in parent or parent[key] is None:
            if required:
                self.add(self.node_line(parent), where, f"'{key}' is required")
            return None
        value = parent[key]
        if not isinstance(value, str):
            self.add(self.value_line(parent, key), where, f"must be a string, not {type_name(value)}")
            return None
        return str(value)

    def scalar_text(self, parent: Any, key: Any, where: str) -> str | None:
        """Variable values, header and query values: any scalar, kept as text."""
        value = parent[key]
        if isinstance(value, (dict, list)):
            self.add(self.value_line(parent, key), where, f"must be a single value, not {type_name(value)}")
            return None
        return as_text(value)

    def string_map(self, parent: Any, key: Any, where: str) -> dict[str, str]:
        node = self.mapping(parent, key, where)
        out: dict[str, str] = {}
        if node is None:
            return out
        for name in node:
            text = self.scalar_text(node, name, join(where, str(name)))
            if text is not None:
                out[str(name)] = text
        return out

    def pairs(self, parent: Any, key: Any, where: str) -> Pairs:
        """A mapping of name -> value; a list value repeats the name (`tag: [a, b]`)."""
        node = self.mapping(parent, key, where)
        out: Pairs = []
        if node is None:
            return out
        for name in node:
            value = node[name]
            if isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, (dict, list)):
                        self.add(self.item_line(value, index), f"{join(where, str(name))}[{index}]",
                                 f"must be a single value, not {type_name(item)}")
                    else:
                        out.append((str(name), as_text(item)))
            else:
                text = self.scalar_text(node, name, join(where, str(name)))
                if text is not None:
                    out.append((str(name), text))
        return out

    # --- the document -----------------------------------------------------------------------
    def collection(self, doc: Any, default_name: str) -> Collection:
        self.check_keys(doc, TOP_KEYS, "")
        collection = Collection(name=default_name)
        if "version" not in doc:
            self.add(1, "version", f"'version: {FORMAT_VERSION}' is missing at the top of the file")
        else:
            version = doc["version"]
            if isinstance(version, str) and version.strip() == str(FORMAT_VERSION):
                # "1" in quotes: the same version, written as text; say exactly that
                self.add(self.value_line(doc, "version"), "version",
                         f"version must be the number {FORMAT_VERSION}, not the text {version!r} "
                         f"(write 'version: {FORMAT_VERSION}' without quotes)")
            elif isinstance(version, bool) or version != FORMAT_VERSION:
                self.add(self.value_line(doc, "version"), "version",
                         f"unsupported version {version!r}: this tui-api reads version {FORMAT_VERSION}")
        name = self.string(doc, "name", "name")
        if name is not None:
            collection.name = name
        collection.description = self.string(doc, "description", "description") or ""
        collection.spec = self.string(doc, "spec", "spec")
        collection.auth = self.string(doc, "auth", "auth")
        if "auth_profiles" in doc:
            collection.auth_profiles = self.auth_profiles(doc)
        if "options" in doc:
            collection.options = self.options(doc, "options", request=False)
        if "environments" in doc:
            envs = self.mapping(doc, "environments", "environments") or {}
            for env in envs:
                where = f"environments.{env}"
                if envs[env] is None:
                    collection.environments[str(env)] = {}
                else:
                    collection.environments[str(env)] = self.string_map(envs, env, where)
        if "variables" in doc:
            collection.variables = self.string_map(doc, "variables", "variables")
        if "requests" in doc:
            collection.items = self.items(doc, "requests", "requests")
        return collection

    def auth_profiles(self, doc: Any) -> dict[str, dict[str, Any]]:
        profiles = self.mapping(doc, "auth_profiles", "auth_profiles") or {}
        out: dict[str, dict[str, Any]] = {}
        for name in profiles:
            where = f"auth_profiles.{name}"
            node = self.mapping(profiles, name, where)
            if node is None:
                continue
            kind = node.get("kind")
            if not isinstance(kind, str) or not kind:
                self.add(self.node_line(node), join(where, "kind"),
                         f"auth profile '{name}' needs a 'kind' (one of: {', '.join(auth_kinds())})")
            elif auth_kinds() and kind not in auth_kinds():
                self.add(self.value_line(node, "kind"), join(where, "kind"),
                         f"unknown auth kind '{kind}' (one of: {', '.join(auth_kinds())})")
            for key in node:
                if str(key).lower() in SECRET_PROFILE_FIELDS and node[key] not in (None, ""):
                    self.add(self.value_line(node, key), join(where, str(key)),
                             f"'{key}' is a secret and secrets never go in a collection file "
                             f"(delete it and run `tui-api auth set {name}` to keep it in the keyring)")
            out[str(name)] = plain(node)
        return out

    def items(self, parent: Any, key: str, where: str) -> list[Request | Folder]:
        node = parent[key]
        if node is None:
            return []
        if not isinstance(node, list):
            self.add(self.value_line(parent, key), where, f"must be a list of requests and folders, not {type_name(node)}")
            return []
        items: list[Request | Folder] = []
        first_lines: dict[tuple[str, str], int | None] = {}  # (kind, name) -> line of its first use here
        for index, item in enumerate(node):
            item_where = f"{where}[{index}]"
            if not isinstance(item, dict):
                self.add(self.item_line(node, index), item_where,
                         f"each item must be a request (with 'name') or a folder (with 'folder'), not {type_name(item)}")
                continue
            if "folder" in item:
                folder = self.folder(item, item_where)
                if folder is not None:
                    items.append(folder)
                    self.check_unique(first_lines, "folder", folder.name, item, item_where)
            elif "name" in item or "url" in item or "method" in item:
                request = self.request(item, item_where)
                if request is not None:
                    items.append(request)
                    self.check_unique(first_lines, "request", request.name, item, item_where)
            else:
                self.add(self.item_line(node, index), item_where,
                         "each item needs 'name' (a request) or 'folder' (a folder of requests)")
        return items

    def check_unique(self, first_lines: dict[tuple[str, str], int | None], kind: str, name: str,
                     node: Any, where: str) -> None:
        """Two requests (or folders) of one name in one folder: `--request NAME`, `folder/NAME`
        and the JUnit testcase names could not tell them apart."""
        if not name:
            return  # a missing name is a problem of its own
        key = "folder" if kind == "folder" else "name"
        line = self.key_line(node, key)
        if (kind, name) not in first_lines:
            first_lines[(kind, name)] = line
            return
        seen = first_lines[(kind, name)]
        at = f" at line {seen}" if seen is not None else ""
        self.add(line, join(where, key),
                 f"{kind} '{name}' is already defined{at} in the same folder; rename one "
                 f"(names tell {kind}s apart: --request, folder/NAME, report testcase names)")

    def folder(self, node: Any, where: str) -> Folder | None:
        self.check_keys(node, FOLDER_KEYS, where)
        name = self.string(node, "folder", join(where, "folder"), required=True)
        folder = Folder(name=name or "")
        folder.description = self.string(node, "description", join(where, "description")) or ""
        folder.auth = self.string(node, "auth", join(where, "auth"))
        if "requests" not in node or not node["requests"]:
            self.add(self.key_line(node, "folder"), join(where, "requests"),
                     f"folder '{name}' has no requests (add a 'requests:' list or remove the folder)")
        else:
            folder.items = self.items(node, "requests", join(where, "requests"))
        return folder

    def request(self, node: Any, where: str) -> Request | None:
        self.check_keys(node, REQUEST_KEYS, where)
        name = self.string(node, "name", join(where, "name"), required=True)
        request = Request(name=name or "")
        method = self.string(node, "method", join(where, "method"))
        if method is not None:
            if not METHOD.match(method):
                self.add(self.value_line(node, "method"), join(where, "method"), f"'{method}' is not an HTTP method")
            request.method = method.upper()
        request.url = self.string(node, "url", join(where, "url"), required=True) or ""
        request.description = self.string(node, "description", join(where, "description")) or ""
        request.operation = self.string(node, "operation", join(where, "operation"))
        request.auth = self.string(node, "auth", join(where, "auth"))
        if "query" in node:
            request.query = self.pairs(node, "query", join(where, "query"))
        if "headers" in node:
            request.headers = self.pairs(node, "headers", join(where, "headers"))
        if "body" in node and node["body"] is not None:
            request.body = self.body(node, join(where, "body"))
        if "expect" in node and node["expect"] is not None:
            request.expect = self.expect(node, join(where, "expect"))
        if "capture" in node:
            request.capture = self.string_map(node, "capture", join(where, "capture"))
        if "options" in node:
            request.options = self.options(node, join(where, "options"), request=True)
        return request

    def options(self, parent: Any, where: str, *, request: bool) -> dict[str, Any]:
        """`options:` with each unknown key or wrong value reported at its line (a typo such as
        `retires: 3` used to surface only at run time, without a line)."""
        node = self.mapping(parent, "options", where) or {}
        for key in node:
            problem = option_problem(key, node[key], request=request)
            if problem:
                unknown = problem.startswith("unknown")
                line = self.key_line(node, key) if unknown else self.value_line(node, key)
                # the dotted key already names the option: "options.retries: must be ..."
                self.add(line, join(where, str(key)), problem if unknown else problem.removeprefix(f"{key} "))
        return plain(node)

    def body(self, parent: Any, where: str) -> Body | None:
        node = self.mapping(parent, "body", where, what=f"a mapping with one of {', '.join(BODY_KINDS)}")
        if node is None:
            return None
        self.check_keys(node, BODY_KINDS, where)
        kinds = [k for k in node if k in BODY_KINDS]
        if len(kinds) != 1:
            self.add(self.value_line(parent, "body"), where,
                     f"needs exactly one of {', '.join(BODY_KINDS)} (found {', '.join(kinds) or 'none'})")
            return None
        kind = kinds[0]
        kwhere = join(where, kind)
        if kind == "json":
            return Body("json", plain(node[kind]))
        if kind == "form":
            return Body("form", self.pairs(node, kind, kwhere))
        if kind in ("text", "file"):
            value = node[kind]
            if kind == "text" and not isinstance(value, (dict, list)) and value is not None:
                return Body("text", as_text(value))
            text = self.string(node, kind, kwhere, required=True)
            return Body(kind, text or "") if text is not None else None
        return Body("multipart", self.multipart(node, kwhere))

    def multipart(self, parent: Any, where: str) -> list[MultipartPart]:
        """`name: value`, `name: {file: path, content_type: ...}`, a list repeats the name."""
        node = self.mapping(parent, "multipart", where) or {}
        parts: list[MultipartPart] = []
        for name in node:
            value = node[name]
            entries = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
            for index, entry in entries:
                pwhere = join(where, str(name)) + ("" if index is None else f"[{index}]")
                line = self.value_line(node, name) if index is None else self.item_line(value, index)
                if isinstance(entry, dict):
                    for key in entry:
                        if key not in PART_KEYS:
                            self.add(self.key_line(entry, key), join(pwhere, str(key)),
                                     f"unknown key '{key}' (allowed: {', '.join(PART_KEYS)})")
                    if ("file" in entry) == ("value" in entry):
                        self.add(line, pwhere, "a multipart part needs exactly one of 'value' or 'file'")
                        continue
                    parts.append(MultipartPart(
                        name=str(name),
                        value=as_text(entry["value"]) if "value" in entry else None,
                        file=as_text(entry["file"]) if "file" in entry else None,
                        content_type=as_text(entry["content_type"]) if entry.get("content_type") is not None else None,
                    ))
                elif isinstance(entry, list):
                    self.add(line, pwhere, "must be a value, a {file: ...} mapping or a list of those")
                else:
                    parts.append(MultipartPart(name=str(name), value=as_text(entry)))
        return parts

    def expect(self, parent: Any, where: str) -> Expect:
        node = self.mapping(parent, "expect", where) or {}
        self.check_keys(node, EXPECT_KEYS, where)
        expect = Expect()
        if "status" in node:
            status = node["status"]
            values = status if isinstance(status, list) else [status]
            for value in values:
                if isinstance(value, bool) or not isinstance(value, int) or not 100 <= value <= 599:
                    self.add(self.value_line(node, "status"), join(where, "status"),
                             f"must be an HTTP status code (100-599) or a list of them, not {value!r}")
                else:
                    expect.status.append(int(value))
        if "json" in node:
            json_node = self.mapping(node, "json", join(where, "json"), what="a mapping of JSONPath -> expected value")
            expect.json = {str(k): plain(v) for k, v in (json_node or {}).items()}
        if "headers" in node:
            expect.headers = self.string_map(node, "headers", join(where, "headers"))
        if "max_ms" in node and node["max_ms"] is not None:
            value = node["max_ms"]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                self.add(self.value_line(node, "max_ms"), join(where, "max_ms"),
                         f"must be a positive number of milliseconds, not {value!r}")
            else:
                expect.max_ms = value
        if "schema" in node:
            if not isinstance(node["schema"], bool):
                self.add(self.value_line(node, "schema"), join(where, "schema"),
                         f"must be true or false, not {node['schema']!r}")
            else:
                expect.schema = node["schema"]
        return expect


def join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def type_name(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if value is None:
        return "null"
    return "a string" if isinstance(value, str) else type(value).__name__


def as_text(value: Any) -> str:
    """A YAML scalar as the text a user means (`true`, not `True`; null is empty)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def plain(value: Any) -> Any:
    """ruamel's commented containers and scalar subclasses -> plain dict/list/str/int/float."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    # YAML 1.1 reads `2024-01-01` as a date and `!!binary` as bytes: neither goes into a JSON
    # body (json.dumps raised TypeError mid-run) nor compares equal to what a response holds
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value
