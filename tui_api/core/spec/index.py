"""Recognise what a parsed document is and index its operations without resolving schemas.

The index is what the tree needs: method, path, operationId, summary, tags, deprecated, section.
Only path-item and callback `$ref`s are followed here (they decide which operations exist); every
schema `$ref` waits until an operation is opened. For 1,000+ operations this takes milliseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from tui_api.core.errors import RefError, SpecError
from tui_api.core.spec.loader import is_url
from tui_api.core.spec.model import Operation, Server, ServerVariable
from tui_api.core.spec.refs import Resolver

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
METHOD_SET = frozenset(METHODS)

# Where one operation lives, as keys from the document root, following refs at each step:
# ("paths", path, method) | ("webhooks", name, method) | (... parent ..., "callbacks", name, expr, method)
Locator = tuple[str, ...]


@dataclass
class SpecIndex:
    """Everything `open_spec` needs to show the tree (and all that a warm cache holds)."""

    title: str
    api_version: str
    spec_version: str
    description: str
    operations: list[Operation]
    locators: dict[str, Locator]
    servers: list[Server]
    security_schemes: dict[str, dict[str, Any]]
    security: list[dict[str, list[str]]] | None
    warnings: list[str] = field(default_factory=list)
    external_uris: list[str] = field(default_factory=list)


def check_kind(doc: Any, source: str) -> str:
    """The spec version ("2.0", "3.0.3", "3.1.0"), or SpecError naming what the document is."""
    if not isinstance(doc, dict):
        kind = {list: "a list", str: "a plain text", type(None): "an empty document"}.get(type(doc), "a single value")
        raise SpecError(f"this is {kind}, not an OpenAPI or Swagger spec", source=source,
                        hint="a spec is a mapping with an 'openapi' or 'swagger' field")
    if "openapi" in doc:
        version = str(doc["openapi"]).strip()
        if re.fullmatch(r"3\.[0-2](\.\d+)?(-rc\d+)?", version):
            return version
        raise SpecError(f"unsupported OpenAPI version '{version}'", source=source,
                        hint="tui-api reads Swagger 2.0 and OpenAPI 3.0, 3.1 and 3.2")
    if "swagger" in doc:
        version = str(doc["swagger"]).strip()
        if version == "2.0":
            return version
        raise SpecError(f"unsupported Swagger version '{version}'", source=source,
                        hint="tui-api reads Swagger 2.0 and OpenAPI 3.x; convert older specs first")
    if "swaggerVersion" in doc:
        raise SpecError(f"this is a Swagger {doc['swaggerVersion']} resource listing, which tui-api does not read",
                        source=source, hint="convert it to Swagger 2.0 or OpenAPI 3")
    info = doc.get("info")
    if isinstance(info, dict) and ("_postman_id" in info or "getpostman" in str(info.get("schema", ""))):
        raise SpecError("this is a Postman collection, not an OpenAPI or Swagger spec", source=source,
                        hint="use `tui-api import postman` for Postman collections")
    if doc.get("_type") == "export" and "resources" in doc:
        raise SpecError("this is an Insomnia export, not an OpenAPI or Swagger spec", source=source)
    if isinstance(doc.get("log"), dict) and "entries" in doc["log"]:
        raise SpecError("this is a HAR file (recorded traffic), not an OpenAPI or Swagger spec", source=source)
    if "asyncapi" in doc:
        raise SpecError(f"this is an AsyncAPI {doc['asyncapi']} document, not an OpenAPI or Swagger spec",
                        source=source)
    if "$schema" in doc or ("properties" in doc and "type" in doc):
        raise SpecError("this is a JSON Schema, not an OpenAPI or Swagger spec", source=source,
                        hint="give the spec that uses it")
    if "version" in doc and ("items" in doc or "requests" in doc):
        raise SpecError("this looks like a tui-api collection, not a spec", source=source,
                        hint="open it with `tui-api COLLECTION.yaml`")
    keys = ", ".join(list(map(str, doc))[:4])
    raise SpecError(f"not an OpenAPI or Swagger spec: no 'openapi' or 'swagger' field (top-level keys: {keys})",
                    source=source, hint="is this the right file?")


def build_index(doc: dict[str, Any], source: str, spec_version: str, resolver: Resolver) -> SpecIndex:
    warnings: list[str] = []
    info = doc.get("info") if isinstance(doc.get("info"), dict) else {}
    if not info:
        warnings.append("the spec has no 'info' section")
    paths = doc.get("paths")
    webhooks = doc.get("webhooks") if spec_version.startswith("3.") else None
    if paths is None and not webhooks:
        if spec_version.startswith("3.0") or spec_version == "2.0":
            raise SpecError("the spec has no 'paths'", source=source,
                            hint="an OpenAPI document needs a 'paths' section listing its operations")
        raise SpecError("the spec has no 'paths' and no 'webhooks': nothing to browse", source=source)
    operations: list[Operation] = []
    locators: dict[str, Locator] = {}

    def add(op: Operation, locator: Locator) -> None:
        key = op.key
        if key in locators:  # should not happen, but never lose an operation
            n = 2
            while f"{key} #{n}" in locators:
                n += 1
            key = f"{key} #{n}"
            op = Operation(**{**op.__dict__, "key": key})
        locators[key] = locator
        operations.append(op)

    if paths is not None and not isinstance(paths, dict):
        warnings.append("'paths' is not a mapping; no operations could be read from it")
        paths = {}
    for path, item in (paths or {}).items():
        _index_item(resolver, source, item, ("paths", str(path)), str(path), "paths", add, warnings, spec_version)
    if isinstance(webhooks, dict):
        for name, item in webhooks.items():
            _index_item(resolver, source, item, ("webhooks", str(name)), str(name), "webhooks", add, warnings,
                        spec_version)
    elif webhooks is not None:
        warnings.append("'webhooks' is not a mapping; ignored")
    if paths == {} and not webhooks:
        warnings.append("the spec's 'paths' is empty: it has no operations")

    counts: dict[str, int] = {}
    for op in operations:
        if op.operation_id:
            counts[op.operation_id] = counts.get(op.operation_id, 0) + 1
    for op_id, count in counts.items():
        if count > 1:
            warnings.append(f"operationId '{op_id}' is used by {count} operations (it should be unique)")

    if spec_version == "2.0":
        servers = swagger_servers(doc, source)
        schemes = doc.get("securityDefinitions")
    else:
        servers = parse_servers(doc.get("servers"), source)
        components = doc.get("components") if isinstance(doc.get("components"), dict) else {}
        schemes = components.get("securitySchemes")
    security_schemes: dict[str, dict[str, Any]] = {}
    if isinstance(schemes, dict):
        for name, scheme in schemes.items():
            problems: list[str] = []
            resolved = resolver.resolve(scheme, source, problems)
            warnings.extend(problems)
            if isinstance(resolved, dict):
                security_schemes[str(name)] = swagger_scheme(resolved) if spec_version == "2.0" else resolved
    security = doc.get("security")
    return SpecIndex(
        title=str(info.get("title") or "untitled API"),
        api_version=str(info.get("version") or ""),
        spec_version=spec_version,
        description=str(info.get("description") or ""),
        operations=operations,
        locators=locators,
        servers=servers,
        security_schemes=security_schemes,
        security=security if isinstance(security, list) else None,
        warnings=warnings,
        external_uris=resolver.external_uris,
    )


def _index_item(resolver: Resolver, base: str, item: Any, locator: Locator, path: str, section: str,
                add: Any, warnings: list[str], spec_version: str, parent: Operation | None = None) -> None:
    item_base = base
    if isinstance(item, dict) and "$ref" in item:
        try:
            item, item_base = resolver.deref(item, base)
        except RefError as exc:
            warnings.append(f"{' '.join(locator)}: {exc.message}; its operations are not listed")
            return
    if not isinstance(item, dict):
        if item is not None:
            warnings.append(f"{' '.join(locator)}: not a mapping; ignored")
        return
    for method, op in item.items():  # in the file's order, as its authors grouped them
        if method not in METHOD_SET:
            continue
        if not isinstance(op, dict):
            warnings.append(f"{' '.join(locator)} {method}: not a mapping; ignored")
            continue
        upper = method.upper()
        if section == "paths":
            key = f"{upper} {path}"
        elif section == "webhooks":
            key = f"webhook {upper} {path}"
        else:
            assert parent is not None
            key = f"callback {upper} {path} <- {locator[-2]} of {parent.key}"
        tags = op.get("tags")
        op_id = op.get("operationId")
        summary = op.get("summary")
        operation = _operation(
            key=key,
            method=upper,
            path=path,
            operation_id=op_id if isinstance(op_id, str) or op_id is None else str(op_id),
            summary=" ".join(summary.split()) if isinstance(summary, str) else (str(summary) if summary else ""),
            tags=tuple(t if isinstance(t, str) else str(t) for t in tags) if isinstance(tags, list) else (),
            deprecated=op.get("deprecated") is True,
            section=section,
            parent=parent.key if parent else None,
        )
        add(operation, locator + (method,))
        callbacks = op.get("callbacks") if spec_version != "2.0" else None
        if isinstance(callbacks, dict):
            for cb_name, callback in callbacks.items():
                try:
                    callback, cb_base = resolver.deref(callback, item_base)
                except RefError as exc:
                    warnings.append(f"{operation.key} callback {cb_name}: {exc.message}")
                    continue
                if not isinstance(callback, dict):
                    continue
                for expression, cb_item in callback.items():
                    _index_item(resolver, cb_base, cb_item, locator + (method, "callbacks", str(cb_name), str(expression)),
                                str(expression), "callbacks", add, warnings, spec_version, parent=operation)


def _operation(**fields: Any) -> Operation:
    """An Operation without the frozen dataclass's per-field `object.__setattr__` (the way pickle
    builds one): a third of indexing time for 1,000+ operations. All fields are always given."""
    op = Operation.__new__(Operation)
    op.__dict__.update(fields)
    return op


def parse_servers(raw: Any, source: str) -> list[Server]:
    servers: list[Server] = []
    if not isinstance(raw, list):
        return servers
    for entry in raw:
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
            continue
        url = entry["url"]
        if is_url(source) and "://" not in url and not url.startswith("{"):
            url = urljoin(source, url)
        variables = []
        raw_vars = entry.get("variables")
        if isinstance(raw_vars, dict):
            for name, var in raw_vars.items():
                if not isinstance(var, dict):
                    continue
                enum = var.get("enum")
                variables.append(ServerVariable(
                    name=str(name),
                    default=str(var.get("default", "")),
                    enum=[str(e) for e in enum] if isinstance(enum, list) else [],
                    description=str(var.get("description") or ""),
                ))
        servers.append(Server(url=url, description=str(entry.get("description") or ""), variables=variables))
    return servers


def swagger_servers(doc: dict[str, Any], source: str) -> list[Server]:
    """Swagger 2's host + basePath + schemes, as the Servers OpenAPI 3 would have written."""
    host = doc.get("host")
    base_path = str(doc.get("basePath") or "")
    if base_path and not base_path.startswith("/"):
        base_path = "/" + base_path
    base_path = base_path.rstrip("/")
    schemes = doc.get("schemes")
    if not isinstance(schemes, list) or not schemes:
        schemes = [source.split("://", 1)[0]] if is_url(source) else ["https"]
    schemes = sorted((str(s) for s in schemes), key=lambda s: s != "https")  # https first
    if not host:
        if is_url(source):
            return [Server(url=urljoin(source, base_path or "/").rstrip("/"))]
        return [Server(url=base_path, description="no host in the spec")] if base_path else []
    return [Server(url=f"{scheme}://{host}{base_path}") for scheme in schemes if scheme in ("http", "https")] or [
        Server(url=f"https://{host}{base_path}")
    ]


_SWAGGER_FLOWS = {"implicit": "implicit", "password": "password", "application": "clientCredentials",
                  "accessCode": "authorizationCode"}


def swagger_scheme(scheme: dict[str, Any]) -> dict[str, Any]:
    """A Swagger 2 securityDefinition in OpenAPI 3 form, so readers handle one shape."""
    kind = scheme.get("type")
    extra = {k: v for k, v in scheme.items() if k == "description" or k.startswith("x-")}
    if kind == "basic":
        return {"type": "http", "scheme": "basic", **extra}
    if kind == "oauth2":
        flow: dict[str, Any] = {"scopes": scheme.get("scopes") or {}}
        for key in ("authorizationUrl", "tokenUrl"):
            if key in scheme:
                flow[key] = scheme[key]
        name = _SWAGGER_FLOWS.get(str(scheme.get("flow")), str(scheme.get("flow") or "implicit"))
        return {"type": "oauth2", "flows": {name: flow}, **extra}
    return dict(scheme)
