"""A Postman collection (format v2.1, and v2.0 which differs only in how auth is written) -> a
Collection, listing everything that could not be carried over.

Converted: folders (nested), requests, URL objects or strings (`:id` path variables become
`{{id}}`), enabled headers and query parameters, bodies (raw JSON/text, urlencoded, form-data
fields and files, file, GraphQL as JSON), collection variables, descriptions, and basic/bearer/
API-key/digest/OAuth2 client-credentials auth as auth *profiles* (non-secret fields only).
`{{variables}}` are kept as they are: the syntax is the same.

Not written to the file, on purpose: secret values (auth tokens, passwords, API keys and collection
variables marked secret or named like one). They are listed in `PostmanImport.secrets` with the
command that stores them. Not convertible: pre-request and test scripts, saved example responses,
other auth types, request settings. Those are listed in `warnings`.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterator
from typing import Any

from tui_api.core.collection.wire import split_query
from tui_api.core.collection.model import Body, Collection, Folder, MultipartPart, Request
from tui_api.core.collection.variables import looks_secret
from tui_api.core.collection.yaml_read import METHOD
from tui_api.core.collection.tree import unique_name
from tui_api.core.errors import CollectionError

_RAW_TYPES = {"json": "application/json", "xml": "application/xml", "html": "text/html",
              "javascript": "application/javascript", "text": "text/plain"}


@dataclass
class SecretToSet:
    profile: str | None  # auth profile that needs the secret, or None for a variable
    field: str  # profile field (token, password, key, client_secret) or variable name
    where: str  # where it was used in the Postman file


@dataclass
class PostmanImport:
    collection: Collection
    warnings: list[str] = field(default_factory=list)
    secrets: list[SecretToSet] = field(default_factory=list)
    requests: int = 0
    folders: int = 0


def load_postman(path: str | Path) -> PostmanImport:
    """Read a Postman collection export. Raises CollectionError naming the problem."""
    file = Path(path)
    text = _read_text(file, "export the collection from Postman as JSON (Collection v2.1)")
    try:
        data = json.loads(text)
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        raise CollectionError(f"not JSON: {getattr(exc, 'msg', exc)}", path=str(file), line=line,
                              hint="export the collection from Postman as JSON (Collection v2.1)") from exc
    return convert_postman(data, source=str(file))


def _read_text(file: Path, hint: str) -> str:
    """The file as text; an unreadable or binary file is a CollectionError (not a
    UnicodeDecodeError escaping as an 'unexpected error')."""
    from tui_api.core.collection.yaml_format import refuse_special_file

    refuse_special_file(file)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise CollectionError(f"cannot read the file: {exc.strerror}", path=str(file)) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CollectionError(f"not a JSON text file (byte {exc.start} is not UTF-8)", path=str(file),
                              hint=hint) from exc


def postman_version(data: Any) -> str | None:
    """'2.1.0', '2.0.0', '1' or None (not a Postman collection)."""
    if not isinstance(data, dict):
        return None
    info = data.get("info")
    if isinstance(info, dict):
        match = re.search(r"v(\d+\.\d+\.\d+)", str(info.get("schema", "")))
        return match.group(1) if match else "unknown"
    if "requests" in data and ("order" in data or "folders" in data):
        return "1"
    return None


def convert_postman(data: Any, *, source: str = "<postman>") -> PostmanImport:
    version = postman_version(data)
    if version is None:
        kind = "a Postman environment" if isinstance(data, dict) and "values" in data else "not a Postman collection"
        raise CollectionError(f"{kind}: expected a collection export with 'info' and 'item'", path=source,
                              hint="in Postman: Export collection > Collection v2.1")
    if version not in ("2.1.0", "2.0.0"):
        raise CollectionError(f"this is a Postman collection in format v{version}; tui-api reads v2.1 (and v2.0)",
                              path=source, hint="open it in Postman and export it again as Collection v2.1")
    return _Converter(source).run(data)


class _Converter:
    def __init__(self, source: str) -> None:
        self.source = source
        self.result = PostmanImport(Collection())
        self.profile_keys: dict[tuple[str, tuple[tuple[str, str], ...]], str] = {}  # never written

    @property
    def collection(self) -> Collection:
        return self.result.collection

    def warn(self, message: str) -> None:
        self.result.warnings.append(message)

    def run(self, data: dict[str, Any]) -> PostmanImport:
        info = data.get("info") if isinstance(data.get("info"), dict) else {}
        self.collection.name = str(info.get("name") or "Postman import")
        self.collection.description = _description(info.get("description"))
        for variable in _list(data.get("variable")):
            with self.guard("a collection variable"):
                self.variable(variable, "collection variables")
        with self.guard("the collection's auth"):
            self.collection.auth = self.auth(data.get("auth"), self.collection.name, "the collection")
        with self.guard("the collection's scripts"):
            self.scripts(data.get("event"), "the collection")
        self.collection.items = self.items(_list(data.get("item")), ())
        return self.result

    @contextlib.contextmanager
    def guard(self, what: str) -> Iterator[None]:
        """A part of the file in a shape this converter does not know (a number where Postman
        writes a list, a hand edit, another tool's export) is listed and skipped; the rest is
        still converted. It raised TypeError/AttributeError out of the import before."""
        try:
            yield
        except (TypeError, AttributeError, ValueError, KeyError) as exc:
            self.warn(f"{what}: skipped, not in the shape of a Postman v2.1 export "
                      f"({exc.__class__.__name__}: {exc})")

    # --- structure ------------------------------------------------------------------------
    def items(self, items: list[Any], path: tuple[str, ...]) -> list[Request | Folder]:
        out: list[Request | Folder] = []
        for item in _list(items):
            if not isinstance(item, dict):
                continue
            name = str(item.get("name") or "untitled")
            where = "/".join(path + (name,))
            with self.guard(f"item '{where}'"):
                self.item(item, name, where, path, out)
        self.unique_names(out, path)
        return out

    def unique_names(self, items: list[Request | Folder], path: tuple[str, ...]) -> None:
        """Postman allows two requests of one name in a folder; a collection does not (`--request`
        and report names would be ambiguous), so the later ones become `NAME (2)`, ..."""
        taken: dict[type, list[str]] = {Request: [], Folder: []}
        for item in items:
            names = taken[type(item)]
            if item.name in names:
                new = unique_name(names, item.name)
                kind = "folder" if isinstance(item, Folder) else "request"
                self.warn(f"{kind} '{'/'.join(path + (item.name,))}' appears twice in its folder: renamed to '{new}'")
                item.name = new
            names.append(item.name)

    def item(self, item: dict[str, Any], name: str, where: str, path: tuple[str, ...],
             out: list[Request | Folder]) -> None:
        """One folder or request into `out` (the caller guards it)."""
        if "item" in item or "request" not in item:
            children = self.items(_list(item.get("item")), path + (name,))
            self.scripts(item.get("event"), f"folder '{where}'")
            auth = self.auth(item.get("auth"), name, f"folder '{where}'")
            if not children:
                self.warn(f"folder '{where}' is empty: skipped (a folder needs requests)")
                return
            out.append(Folder(name=name, items=children, auth=auth, description=_description(item.get("description"))))
            self.result.folders += 1
        else:
            request = self.request(item, name, where)
            if request is not None:
                out.append(request)
                self.result.requests += 1

    def request(self, item: dict[str, Any], name: str, where: str) -> Request | None:
        raw = item.get("request")
        self.scripts(item.get("event"), f"request '{where}'")
        if item.get("response"):
            self.warn(f"request '{where}': {len(item['response'])} saved example response(s) not converted")
        if item.get("protocolProfileBehavior"):
            self.warn(f"request '{where}': request settings ({', '.join(item['protocolProfileBehavior'])}) not converted")
        if isinstance(raw, str):
            raw = {"method": "GET", "url": raw}
        if not isinstance(raw, dict):
            self.warn(f"request '{where}': no request data, skipped")
            return None
        method = str(raw.get("method") or "GET").upper()
        if not METHOD.match(method):  # the collection would not load (and the save would refuse it)
            self.warn(f"request '{where}': {method[:40]!r} is not an HTTP method, skipped")
            return None
        request = Request(name=name, method=method)
        request.description = _description(raw.get("description") or item.get("description"))
        self.url(request, raw.get("url"), where)
        request.headers = [
            (str(h.get("key", "")), _text(h.get("value")))
            for h in raw.get("header") or []
            if isinstance(h, dict) and not h.get("disabled") and str(h.get("key", "")).strip()
        ]
        request.body = self.body(request, raw.get("body"), where)
        request.auth = self.auth(raw.get("auth"), name, f"request '{where}'")
        return request

    def url(self, request: Request, url: Any, where: str) -> None:
        if isinstance(url, str):
            request.url, request.query = split_query(url)
        elif isinstance(url, dict):
            raw = str(url.get("raw") or "")
            if not raw:
                host = url.get("host") or []
                path = url.get("path") or []
                host_text = ".".join(host) if isinstance(host, list) else str(host)
                path_text = "/".join(str(p) for p in path) if isinstance(path, list) else str(path)
                protocol = f"{url['protocol']}://" if url.get("protocol") else ""
                port = f":{url['port']}" if url.get("port") else ""
                raw = f"{protocol}{host_text}{port}/{path_text}"
            request.url = raw.split("?", 1)[0]
            if "query" in url:
                request.query = [(str(q.get("key") or ""), _text(q.get("value")))
                                 for q in url.get("query") or [] if isinstance(q, dict) and not q.get("disabled")]
            elif "?" in raw:
                request.url, request.query = split_query(raw)
            for variable in url.get("variable") or []:
                key = str(variable.get("key") or "")
                if not key:
                    continue
                request.url = re.sub(rf"(?<=/):{re.escape(key)}(?=/|$|\?|#)", "{{" + key + "}}", request.url)
                value = _text(variable.get("value"))
                known = self.collection.variables.get(key)
                if known is None:
                    self.collection.variables[key] = value
                elif known != value:
                    self.warn(f"request '{where}': path variable '{key}' = {value!r} differs from the collection's "
                              f"{known!r}; kept the collection's")
        else:
            self.warn(f"request '{where}': no URL")

    def body(self, request: Request, body: Any, where: str) -> Body | None:
        if not isinstance(body, dict) or body.get("disabled"):
            return None
        mode = body.get("mode")
        if mode == "raw":
            text = str(body.get("raw") or "")
            language = (((body.get("options") or {}).get("raw") or {}).get("language") or "text").lower()
            if not text:
                return None
            content_type = request.header("content-type")
            if language == "json" or (content_type and "json" in content_type.lower()):
                try:
                    value = json.loads(text)
                except ValueError:
                    self.warn(f"request '{where}': the JSON body is not valid JSON (variables outside quotes?); kept as text")
                else:
                    if content_type and content_type.lower().strip() == "application/json":
                        request.headers = [(k, v) for k, v in request.headers if k.lower() != "content-type"]
                    return Body("json", value)
            if content_type is None:
                request.headers.append(("Content-Type", _RAW_TYPES.get(language, "text/plain")))
            return Body("text", text)
        if mode == "urlencoded":
            return Body("form", [(str(p.get("key") or ""), _text(p.get("value")))
                                 for p in body.get("urlencoded") or [] if isinstance(p, dict) and not p.get("disabled")])
        if mode == "formdata":
            parts: list[MultipartPart] = []
            for p in body.get("formdata") or []:
                if not isinstance(p, dict) or p.get("disabled"):
                    continue
                name = str(p.get("key") or "")
                if p.get("type") == "file":
                    src = p.get("src")
                    sources = src if isinstance(src, list) else [src]
                    if not any(sources):
                        self.warn(f"request '{where}': form-data file '{name}' has no file path; set it in the collection")
                    for one in sources:
                        parts.append(MultipartPart(name=name, file=str(one or ""), content_type=p.get("contentType")))
                else:
                    parts.append(MultipartPart(name=name, value=_text(p.get("value")), content_type=p.get("contentType")))
            return Body("multipart", parts)
        if mode == "file":
            src = (body.get("file") or {}).get("src")
            if not src:
                self.warn(f"request '{where}': the file body has no file path; skipped")
                return None
            return Body("file", str(src))
        if mode == "graphql":
            graphql = body.get("graphql") or {}
            value: dict[str, Any] = {"query": graphql.get("query") or ""}
            variables = graphql.get("variables")
            if variables:
                try:
                    value["variables"] = json.loads(variables) if isinstance(variables, str) else variables
                except ValueError:
                    self.warn(f"request '{where}': GraphQL variables are not valid JSON; left out")
            return Body("json", value)
        if mode:
            self.warn(f"request '{where}': body mode '{mode}' not converted")
        return None

    # --- variables, auth, scripts ---------------------------------------------------------
    def variable(self, variable: Any, where: str) -> None:
        if not isinstance(variable, dict) or variable.get("disabled"):
            return
        key = str(variable.get("key") or variable.get("id") or "")
        if not key:
            return
        value = _text(variable.get("value"))
        if value and (variable.get("type") == "secret" or looks_secret(key)) and "{{" not in value:
            self.result.secrets.append(SecretToSet(None, key, where))
            return
        self.collection.variables[key] = value

    def auth(self, auth: Any, owner: str, where: str) -> str | None:
        if not isinstance(auth, dict) or not auth.get("type"):
            return None
        kind = auth["type"]
        if kind == "noauth":
            return "none"
        if kind == "inherit":
            return None
        params = _auth_params(auth.get(kind))
        if kind == "bearer":
            return self.profile(owner, "bearer", {}, {"token": params.get("token", "")}, where)
        if kind in ("basic", "digest"):
            return self.profile(owner, kind, {"username": params.get("username", "")},
                                {"password": params.get("password", "")}, where)
        if kind == "apikey":
            location = params.get("in", "header")
            return self.profile(owner, "apikey", {"in": location, "name": params.get("key", "X-API-Key")},
                                {"key": params.get("value", "")}, where)
        if kind == "oauth2" and params.get("grant_type") == "client_credentials":
            plain = {"token_url": params.get("accessTokenUrl", ""), "client_id": params.get("clientId", ""),
                     "scopes": params.get("scope", "")}
            if params.get("client_authentication") == "body":
                plain["client_auth"] = "body"
            return self.profile(owner, "oauth2_client_credentials", plain,
                                {"client_secret": params.get("clientSecret", "")}, where)
        self.warn(f"{where}: auth type '{kind}' not converted (tui-api has apikey, basic, bearer, digest and "
                  "OAuth 2.0 client credentials profiles)")
        return None

    def profile(self, owner: str, kind: str, plain: dict[str, str], secret: dict[str, str], where: str) -> str:
        fields = {k: v for k, v in plain.items() if v}
        # Same kind, fields and secret -> the same profile; the secret only ever lives in this key.
        key = (kind, tuple(sorted(fields.items())) + tuple(sorted(secret.items())))
        name = self.profile_keys.get(key)
        if name is None:
            base = f"{_slug(owner)}-{kind.split('_')[0]}"
            name, number = base, 2
            while name in self.collection.auth_profiles:
                name, number = f"{base}-{number}", number + 1
            self.collection.auth_profiles[name] = {"kind": kind, **fields}
            self.profile_keys[key] = name
            for field_name, value in secret.items():
                self.result.secrets.append(SecretToSet(name, field_name, where))
                if value and "{{" in value:
                    self.warn(f"{where}: Postman took the {field_name} from {value.strip()}; "
                              f"store the value itself with `tui-api auth set {name}`")
        return name

    def scripts(self, events: Any, where: str) -> None:
        for event in events or []:
            if not isinstance(event, dict):
                continue
            script = event.get("script") or {}
            lines = script.get("exec") or []
            lines = lines if isinstance(lines, list) else [lines]
            if not any(str(line).strip() for line in lines):
                continue
            listen = event.get("listen", "script")
            label = {"prerequest": "pre-request script", "test": "test script"}.get(listen, f"{listen} script")
            hint = " (use expect: and capture: instead)" if listen == "test" else ""
            self.warn(f"{where}: {label} ({len(lines)} lines) not converted{hint}")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _auth_params(params: Any) -> dict[str, str]:
    """v2.1 writes auth fields as [{key, value}], v2.0 as a mapping."""
    if isinstance(params, list):
        return {str(p.get("key")): _text(p.get("value")) for p in params if isinstance(p, dict)}
    if isinstance(params, dict):
        return {str(k): _text(v) for k, v in params.items()}
    return {}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def _description(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("content")
    return str(value or "").strip()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "postman"


def load_postman_environment(path: str | Path) -> tuple[str, dict[str, str], list[SecretToSet]]:
    """A Postman environment export -> (name, variables, secrets left out). Disabled values are
    skipped; values marked secret or named like one are not returned, only listed."""
    file = Path(path)
    try:
        data = json.loads(_read_text(file, "in Postman: Environments > ... > Export"))
    except ValueError as exc:
        raise CollectionError(f"not JSON: {getattr(exc, 'msg', exc)}", path=str(file),
                              line=getattr(exc, "lineno", None)) from exc
    if not isinstance(data, dict) or not isinstance(data.get("values"), list):
        raise CollectionError("not a Postman environment (expected 'name' and 'values')", path=str(file),
                              hint="in Postman: Environments > ... > Export")
    name = str(data.get("name") or file.stem.split(".")[0])
    values: dict[str, str] = {}
    secrets: list[SecretToSet] = []
    for entry in data["values"]:
        if not isinstance(entry, dict) or entry.get("enabled") is False or not entry.get("key"):
            continue
        key, value = str(entry["key"]), _text(entry.get("value"))
        if value and (entry.get("type") == "secret" or looks_secret(key)) and "{{" not in value:
            secrets.append(SecretToSet(None, key, f"environment '{name}'"))
            continue
        values[key] = value
    return name, values, secrets
