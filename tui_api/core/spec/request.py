"""Turn an operation's details into an editable `Request`: the request editor's first draft and one
entry of an imported collection.

Parameters are serialised the way their `style`/`explode` say (form, spaceDelimited,
pipeDelimited, deepObject for query; simple/label/matrix for path), so the draft is what a
conforming client would send.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from tui_api.core.collection.model import Body, MultipartPart, Pairs, Request
from tui_api.core.spec.detail import FORM, MULTIPART, is_json_type
from tui_api.core.spec.examples import example_for_schema
from tui_api.core.spec.model import OperationDetail, Parameter

_NO_HEADER = ("content-type", "accept", "authorization")  # set by body kind / auth, not as parameters


def request_name(detail: OperationDetail) -> str:
    op = detail.operation
    return op.summary or op.operation_id or f"{op.method} {op.path}"


def split_path(path: str) -> tuple[str, Pairs]:
    """Real path keys are opaque: `/folders/{id}#update` (a fragment to tell twins apart) and
    `/v1/messages?beta=true` (a fixed query). The URL path is the part before both."""
    path = path.split("#", 1)[0]
    path, _, fixed = path.partition("?")
    pairs: Pairs = []
    for chunk in fixed.split("&") if fixed else ():
        key, _, value = chunk.partition("=")
        pairs.append((key, value))
    return path, pairs


def build_request(detail: OperationDetail, *, server_url: str | None = None, as_variables: bool = False,
                  branches: dict[str, int] | None = None) -> Request:
    """`branches` picks other `oneOf`/`anyOf` branches of the body (see `examples.find_choices`)."""
    op = detail.operation
    if server_url is not None:  # wins over as_variables: an operation's own server (Stripe's uploads)
        base = server_url
    elif as_variables:
        base = "{{base_url}}"
    else:
        base = detail.servers[0].resolved() if detail.servers else ""
    if op.section == "paths":
        path, query = split_path(op.path)
    else:  # a webhook or callback: sent to a receiver the user names (a callback's URL is an expression)
        base, path, query = ("{{webhook_url}}" if as_variables else (op.path if op.section == "callbacks" else "")), "", []
    headers: Pairs = []
    cookies: list[str] = []
    for param in detail.parameters:
        if param.location == "path":
            value = "{{" + param.name + "}}" if as_variables else _path_value(param)
            path = _fill_path(path, param, value)
            continue
        if not param.required and not param.has_example:
            continue
        if param.location == "query":
            query.extend(serialise_query(param))
        elif param.location == "header" and param.name.lower() not in _NO_HEADER:
            headers.append((param.name, _scalar_text(param.example, param, ",")))
        elif param.location == "cookie":
            cookies.append(f"{param.name}={_scalar_text(param.example, param, ',')}")
    if cookies:
        headers.append(("Cookie", "; ".join(cookies)))
    body = None
    info = detail.request_body
    if info is not None and _empty_optional_body(op.method, info):
        info = None  # Stripe declares an empty form body on its GETs: sending one would be odd
    if info is not None and info.content_types:
        if branches:
            info = replace(info, example=example_for_schema(info.schema, mode="request", branches=branches))
        content_type = info.content_type
        base_type = content_type.split(";", 1)[0].strip().lower()
        if base_type == FORM:
            body = Body("form", _form_pairs(info.example, info.encoding))
        elif base_type == MULTIPART:
            body = Body("multipart", _multipart_parts(info.example, info.schema, info.encoding))
        elif is_json_type(content_type):
            body = Body("json", info.example if info.example is not None else {})
            if base_type != "application/json" and base_type != "*/*":
                headers.append(("Content-Type", content_type))
        else:
            text = info.example if isinstance(info.example, str) else (
                "" if info.example is None else json.dumps(info.example, indent=2))
            body = Body("text", text)
            headers.append(("Content-Type", content_type))
    name = request_name(detail)
    description = detail.description if detail.description != op.summary else ""
    if op.summary and op.summary != name:
        description = f"{op.summary}\n\n{description}" if description else op.summary
    return Request(
        name=name,
        method=op.method,
        url=_join(base, path),
        query=query,
        headers=headers,
        body=body,
        description=description.strip(),
        operation=op.key,
    )


def _empty_optional_body(method: str, info: Any) -> bool:
    return (method in ("GET", "HEAD", "DELETE", "OPTIONS") and not info.required
            and info.example in (None, {}, []) and not (info.schema or {}).get("properties"))


def _join(base: str, path: str) -> str:
    if not base:
        return path
    if not path:
        return base
    return base.rstrip("/") + "/" + path.lstrip("/")


def _fill_path(path: str, param: Parameter, value: str) -> str:
    return path.replace("{" + param.name + "}", value)


def _path_value(param: Parameter) -> str:
    value = param.example
    if value is None:
        value = "{" + param.name + "}"
        return value
    style = param.style or "simple"
    explode = bool(param.explode)
    if isinstance(value, list):
        sep = "," if not explode or style == "simple" else ("." if style == "label" else f";{param.name}=")
        text = sep.join(quote(_text(v), safe="") for v in value)
    elif isinstance(value, dict):
        if explode:
            text = ",".join(f"{quote(str(k), safe='')}={quote(_text(v), safe='')}" for k, v in value.items())
        else:
            text = ",".join(f"{quote(str(k), safe='')},{quote(_text(v), safe='')}" for k, v in value.items())
    else:
        text = quote(_text(value), safe="")
    if style == "label":
        return "." + text
    if style == "matrix":
        return f";{param.name}={text}"
    return text


def serialise_query(param: Parameter) -> Pairs:
    """Query pairs for one parameter (values not URL-encoded: httpx does that when sending)."""
    value = param.example
    name = param.name
    if param.content_type is not None and value is not None:  # e.g. filter={"a":1}: the media type, not a style
        return [(name, value if isinstance(value, str) else json.dumps(value, separators=(",", ":")))]
    style = param.style or "form"
    explode = True if param.explode is None else bool(param.explode)
    if value is None:
        return [(name, "")]
    if isinstance(value, list):
        if style == "form" and explode:
            return [(name, _text(v)) for v in value]
        sep = {"spaceDelimited": " ", "pipeDelimited": "|", "tabDelimited": "\t"}.get(style, ",")
        return [(name, sep.join(_text(v) for v in value))]
    if isinstance(value, dict):
        if style == "deepObject":
            return [(f"{name}[{k}]", _text(v)) for k, v in value.items()]
        if explode:
            return [(str(k), _text(v)) for k, v in value.items()]
        return [(name, ",".join(f"{k},{_text(v)}" for k, v in value.items()))]
    return [(name, _text(value))]


def _scalar_text(value: Any, param: Parameter, sep: str) -> str:
    if value is None:
        return ""
    if param.content_type is not None:
        return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    if isinstance(value, list):
        return sep.join(_text(v) for v in value)
    if isinstance(value, dict):
        if param.explode:
            return sep.join(f"{k}={_text(v)}" for k, v in value.items())
        return sep.join(f"{k}{sep}{_text(v)}" for k, v in value.items())
    return _text(value)


def _text(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _form_pairs(example: Any, encoding: dict[str, dict[str, Any]] | None = None) -> Pairs:
    """Form fields as the body's `encoding` says (style form/deepObject/spaceDelimited/
    pipeDelimited, explode). A property without an encoding entry: arrays repeat the name (form,
    explode), objects are sent as JSON (the Encoding object's default content type for objects)."""
    if not isinstance(example, dict):
        return []
    pairs: Pairs = []
    for key, value in example.items():
        pairs.extend(_encoded_field(str(key), value, (encoding or {}).get(str(key))))
    return pairs


def _encoded_field(name: str, value: Any, encoding: dict[str, Any] | None) -> Pairs:
    style = str(encoding.get("style") or "form") if encoding else None
    explode = encoding.get("explode", style == "form") if encoding else True
    if isinstance(value, dict):
        if style == "deepObject":
            return _deep_object(name, value)
        if style == "form" and explode:
            return [(str(k), _text(v)) for k, v in value.items()]
        if style is not None:
            return [(name, ",".join(f"{k},{_text(v)}" for k, v in value.items()))]
        return [(name, _text(value))]
    if isinstance(value, list):
        if style == "deepObject":
            return _deep_object(name, value)
        if style is None or (style == "form" and explode):
            return [(name, _text(v)) for v in value]
        sep = {"spaceDelimited": " ", "pipeDelimited": "|", "tabDelimited": "\t"}.get(style, ",")
        return [(name, sep.join(_text(v) for v in value))]
    return [(name, _text(value))]


def _deep_object(prefix: str, value: Any, depth: int = 0) -> Pairs:
    """address[city]=Paris, items[0][price]=x: the bracket convention deepObject means (and what
    Stripe, Rails and PHP read); lists are indexed so lists of objects stay unambiguous."""
    if depth > 12:
        return [(prefix, _text(value))]
    if isinstance(value, dict):
        if not value:
            return []
        pairs: Pairs = []
        for key, item in value.items():
            pairs.extend(_deep_object(f"{prefix}[{key}]", item, depth + 1))
        return pairs
    if isinstance(value, list):
        pairs = []
        for index, item in enumerate(value):
            pairs.extend(_deep_object(f"{prefix}[{index}]", item, depth + 1))
        return pairs
    return [(prefix, _text(value))]


def _multipart_parts(example: Any, schema: dict[str, Any],
                     encoding: dict[str, dict[str, Any]] | None = None) -> list[MultipartPart]:
    parts: list[MultipartPart] = []
    if not isinstance(example, dict):
        return parts
    properties = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
    for key, value in example.items():
        prop = properties.get(key) if isinstance(properties.get(key), dict) else {}
        entry = (encoding or {}).get(str(key)) or {}
        content_type = entry.get("contentType") if isinstance(entry.get("contentType"), str) else None
        if prop.get("format") == "binary" or prop.get("type") == "file" or "contentMediaType" in prop:
            parts.append(MultipartPart(name=str(key), file="", content_type=content_type))  # the user picks the file
        elif entry.get("style") and isinstance(value, (dict, list)):
            # 3.1: style applies to multipart too (Stripe: file_link_data[create]=true)
            parts.extend(MultipartPart(name=name, value=text)
                         for name, text in _encoded_field(str(key), value, entry))
        else:
            parts.append(MultipartPart(name=str(key), value=_text(value), content_type=content_type))
    return parts


_EXPRESSION = re.compile(r"\{(\$[^{}]+)\}")


def fill_runtime_expressions(text: str, parent: Request, parent_detail: OperationDetail) -> str:
    """Replace OpenAPI runtime expressions ({$request.query.x}, {$request.path.id},
    {$request.header.X}, {$request.body#/a/b}, {$url}, {$method}) with values from the draft of the
    operation a callback belongs to. An expression we cannot fill stays as written."""

    def value(expression: str) -> str | None:
        if expression == "$url":
            return parent.url
        if expression == "$method":
            return parent.method
        source, _, rest = expression.partition(".")
        if source != "$request":
            return None  # $response...: known only after the real call
        if rest.startswith("body"):
            pointer = rest[4:].lstrip("#")
            node: Any = parent.body.value if parent.body is not None else None
            for part in [p for p in pointer.split("/") if p]:
                part = part.replace("~1", "/").replace("~0", "~")
                if isinstance(node, dict) and part in node:
                    node = node[part]
                elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                    node = node[int(part)]
                else:
                    return None
            return None if node is None else _text(node)
        location, _, name = rest.partition(".")
        if location == "query":
            return next((v for k, v in parent.query if k == name), None)
        if location == "header":
            return parent.header(name)
        if location == "path":
            param = next((p for p in parent_detail.parameters if p.location == "path" and p.name == name), None)
            return _text(param.example) if param is not None and param.example is not None else None
        return None

    def replace_one(match: re.Match[str]) -> str:
        filled = value(match.group(1).strip())
        return filled if filled else match.group(0)

    return _EXPRESSION.sub(replace_one, text)
