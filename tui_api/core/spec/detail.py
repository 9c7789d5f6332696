"""One operation's details, resolved when it is opened: parameters (path-level and operation-level
merged), request body, responses, effective security and servers.

Swagger 2 is read into the same shape as OpenAPI 3: `body` and `formData` parameters become the
request body (content types from `consumes`), `collectionFormat` becomes style/explode, and a
response's `schema` gets a `content` entry per `produces` type.
"""

from __future__ import annotations

import re
from typing import Any

from tui_api.core.errors import RefError, SpecError
from tui_api.core.spec.examples import (
    MAX_DEPTH,
    MISSING,
    example_for_media,
    example_for_schema,
    explicit_example,
    has_explicit_example,
)
from tui_api.core.spec.index import Locator, SpecIndex, parse_servers
from tui_api.core.spec.model import Operation, OperationDetail, Parameter, RequestBodyInfo
from tui_api.core.spec.refs import MAX_REF_DEPTH, Resolver

DRAFT_REF_DEPTH = 3 * MAX_DEPTH  # refs followed for a draft request (a few refs per nesting level)

JSON_TYPES = ("application/json",)
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
LOCATIONS = ("path", "query", "header", "cookie")
SWAGGER_SCHEMA_KEYS = ("type", "format", "items", "enum", "default", "minimum", "maximum", "exclusiveMinimum",
                       "exclusiveMaximum", "minLength", "maxLength", "pattern", "minItems", "maxItems",
                       "uniqueItems", "multipleOf")
COLLECTION_FORMATS = {  # Swagger 2 collectionFormat -> (style, explode)
    "csv": ("form", False),
    "ssv": ("spaceDelimited", False),
    "tsv": ("tabDelimited", False),
    "pipes": ("pipeDelimited", False),
    "multi": ("form", True),
}


def is_json_type(content_type: str) -> bool:
    base = content_type.split(";", 1)[0].strip().lower()
    return base in JSON_TYPES or base.endswith("+json") or base == "*/*"


def pick_content_type(types: list[str]) -> str:
    """JSON first, then form, multipart, then whatever is listed first."""
    for pred in (lambda t: t.split(";")[0].strip().lower() == "application/json",
                 lambda t: is_json_type(t) and "json-patch" not in t.lower(),  # JSON Patch wants an array of ops
                 is_json_type,
                 lambda t: t.startswith(FORM), lambda t: t.startswith(MULTIPART)):
        for content_type in types:
            if pred(content_type):
                return content_type
    return types[0] if types else "application/json"


def build_detail(op: Operation, locator: Locator, index: SpecIndex, resolver: Resolver,
                 root: dict[str, Any], source: str, *, responses: bool = True) -> OperationDetail:
    """`responses=False` skips resolving responses (most of the work on big specs) when only a
    draft request is wanted, as the importer does for every operation."""
    problems: list[str] = []
    node: Any = root
    base = source
    path_item: dict[str, Any] = {}
    path_item_base = source
    try:
        for step, key in enumerate(locator):
            node, base = resolver.deref(node, base)
            if step == len(locator) - 1:
                path_item, path_item_base = (node if isinstance(node, dict) else {}), base
            node = node[key]
        node, base = resolver.deref(node, base)
    except (RefError, KeyError, TypeError) as exc:
        message = exc.message if isinstance(exc, SpecError) else f"cannot find {' '.join(locator)} in the spec"
        return OperationDetail(operation=op, problems=[message])
    raw_op: dict[str, Any] = node if isinstance(node, dict) else {}

    skip = ("callbacks",) if responses else ("callbacks", "responses")
    # A draft's example stops at MAX_DEPTH levels of nesting, so resolving 128 refs deep for it
    # is wasted work: a 9,000-schema chain made an import of 18,000 operations take minutes.
    depth = MAX_REF_DEPTH if responses else DRAFT_REF_DEPTH
    resolved_op = resolver.resolve({k: v for k, v in raw_op.items() if k not in skip}, base, problems,
                                   max_ref_depth=depth)
    path_params = resolver.resolve(path_item.get("parameters") or [], path_item_base, problems, max_ref_depth=depth)
    op_params = resolved_op.get("parameters") or []
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for param in [*path_params, *op_params] if isinstance(path_params, list) and isinstance(op_params, list) else []:
        if isinstance(param, dict) and "name" in param and "in" in param:
            merged[(str(param["name"]), str(param["in"]))] = param
        elif isinstance(param, dict) and ("x-unresolved-ref" in param or "x-circular-ref" in param):
            pass  # already in problems
        else:
            problems.append("a parameter without 'name' and 'in' was ignored")
    if problems:
        problems[:] = [_locate_problem(problem, raw_op, path_item) for problem in problems]
    swagger = index.spec_version == "2.0"
    detail = OperationDetail(
        operation=op,
        description=str(resolved_op.get("description") or resolved_op.get("summary") or ""),
        problems=problems,
    )
    body_params: list[dict[str, Any]] = []
    form_params: list[dict[str, Any]] = []
    for param in merged.values():
        location = param["in"]
        if swagger and location == "body":
            body_params.append(param)
        elif swagger and location == "formData":
            form_params.append(param)
        elif location in LOCATIONS:
            detail.parameters.append(_parameter(param, swagger))
        else:
            problems.append(f"parameter '{param['name']}' has unknown location '{location}'; ignored")
    if op.section == "paths":
        declared = {p.name for p in detail.parameters if p.location == "path"}
        for name in dict.fromkeys(_TEMPLATE.findall(op.path.split("#", 1)[0].split("?", 1)[0])):
            if name not in declared:  # real specs forget some; the URL still needs a value there
                detail.parameters.append(Parameter(name=name, location="path", required=True, schema={"type": "string"},
                                                   description="(not declared in the spec)"))
    if swagger:
        consumes = _list(raw_op.get("consumes")) or _list(root.get("consumes"))
        produces = _list(raw_op.get("produces")) or _list(root.get("produces")) or ["application/json"]
        detail.request_body = _swagger_body(body_params, form_params, consumes)
        detail.responses = _swagger_responses(resolved_op.get("responses"), produces)
        detail.response_content_types = produces
    else:
        detail.request_body = _openapi_body(resolved_op.get("requestBody"))
        responses = resolved_op.get("responses")
        detail.responses = {str(k): v for k, v in responses.items() if isinstance(v, dict)} \
            if isinstance(responses, dict) else {}
        types: list[str] = []
        for response in detail.responses.values():
            for content_type in (response.get("content") or {}) if isinstance(response.get("content"), dict) else ():
                if content_type not in types:
                    types.append(content_type)
        detail.response_content_types = types
    security = raw_op.get("security")
    if isinstance(security, list):
        detail.security = [s for s in security if isinstance(s, dict)]
    elif index.security is not None:
        detail.security = [s for s in index.security if isinstance(s, dict)]
    if swagger:
        schemes = _list(raw_op.get("schemes"))
        detail.servers = [s for s in index.servers if not schemes or s.url.split("://")[0] in schemes] or list(index.servers)
    else:
        detail.servers = (parse_servers(raw_op.get("servers"), source) or parse_servers(path_item.get("servers"), source)
                          or list(index.servers))
    return detail


def _list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _parameter(param: dict[str, Any], swagger: bool) -> Parameter:
    location = param["in"]
    content_type: str | None = None
    if swagger:
        schema = {k: param[k] for k in SWAGGER_SCHEMA_KEYS if k in param}
        style, explode = COLLECTION_FORMATS.get(str(param.get("collectionFormat", "csv")), ("form", False))
        if schema.get("type") != "array":
            style, explode = None, None
        elif location in ("path", "header"):
            style = "simple"
    else:
        schema = param.get("schema") if isinstance(param.get("schema"), dict) else {}
        content = param.get("content")
        if not schema and isinstance(content, dict) and content:
            media = next(iter(content.values()))
            schema = media.get("schema", {}) if isinstance(media, dict) else {}
        content = param.get("content")
        if isinstance(content, dict) and content and "schema" not in param:
            content_type = str(next(iter(content)))
        style = param.get("style") if isinstance(param.get("style"), str) else None
        style = style or ("form" if location in ("query", "cookie") else "simple")
        explode = param.get("explode") if isinstance(param.get("explode"), bool) else None
        if explode is None:
            explode = style == "form"
    example = explicit_example(param)
    if example is MISSING:
        content = param.get("content")
        if isinstance(content, dict) and content:
            example = example_for_media(next(iter(content.values())))
        else:
            example = example_for_schema(schema, mode="request")
    return Parameter(
        name=str(param["name"]),
        location=location,
        required=bool(param.get("required", False)) or location == "path",
        description=str(param.get("description") or ""),
        schema=schema,
        example=example,
        deprecated=bool(param.get("deprecated", False)),
        style=style,
        explode=explode,
        has_example=has_explicit_example(param) or (swagger and "default" in param),
        content_type=content_type,
    )


def _openapi_body(body: Any) -> RequestBodyInfo | None:
    if not isinstance(body, dict):
        return None
    content = body.get("content")
    if not isinstance(content, dict) or not content:
        return RequestBodyInfo(content_type="application/json", content_types=[], required=bool(body.get("required")),
                               description=str(body.get("description") or ""))
    types = [str(t) for t in content]
    chosen = pick_content_type(types)
    media = content.get(chosen) if isinstance(content.get(chosen), dict) else {}
    schema = media.get("schema") if isinstance(media.get("schema"), dict) else {}
    return RequestBodyInfo(
        content_type=chosen,
        content_types=types,
        required=bool(body.get("required", False)),
        description=str(body.get("description") or ""),
        schema=schema,
        example=example_for_media(media, mode="request"),
        encoding=_encoding(media.get("encoding")),
    )


def _encoding(raw: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(raw, dict):
        return {}
    return {str(name): entry for name, entry in raw.items() if isinstance(entry, dict)}


def _swagger_body(body_params: list[dict[str, Any]], form_params: list[dict[str, Any]],
                  consumes: list[str]) -> RequestBodyInfo | None:
    if body_params:
        param = body_params[0]
        schema = param.get("schema") if isinstance(param.get("schema"), dict) else {}
        types = consumes or ["application/json"]
        chosen = pick_content_type(types)
        example = explicit_example(param)
        if example is MISSING:
            example = example_for_schema(schema, mode="request")
        return RequestBodyInfo(content_type=chosen, content_types=types, required=bool(param.get("required")),
                               description=str(param.get("description") or ""), schema=schema, example=example)
    if form_params:
        has_file = any(p.get("type") == "file" for p in form_params)
        form_types = [t for t in consumes if t.startswith((FORM, MULTIPART))]
        types = form_types or [MULTIPART if has_file else FORM]
        chosen = MULTIPART if has_file and MULTIPART in types else types[0]
        properties: dict[str, Any] = {}
        required: list[str] = []
        encoding: dict[str, dict[str, Any]] = {}
        for param in form_params:
            prop = {k: param[k] for k in SWAGGER_SCHEMA_KEYS if k in param}
            if prop.get("type") == "array":  # collectionFormat (default csv) as an Encoding object
                style, explode = COLLECTION_FORMATS.get(str(param.get("collectionFormat", "csv")), ("form", False))
                encoding[str(param["name"])] = {"style": style, "explode": explode}
            if prop.get("type") == "file":
                prop = {"type": "string", "format": "binary"}
            if param.get("description"):
                prop["description"] = param["description"]
            properties[str(param["name"])] = prop
            if param.get("required"):
                required.append(str(param["name"]))
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        return RequestBodyInfo(content_type=chosen, content_types=types, required=bool(required), schema=schema,
                               example=example_for_schema(schema, mode="request"), encoding=encoding)
    return None


def _swagger_responses(responses: Any, produces: list[str]) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = {}
    if not isinstance(responses, dict):
        return result
    for status, response in responses.items():
        if not isinstance(response, dict):
            continue
        response = dict(response)
        schema = response.get("schema")
        if isinstance(schema, dict) and "content" not in response:
            examples = response.get("examples") if isinstance(response.get("examples"), dict) else {}
            content = {}
            for content_type in produces:
                media: dict[str, Any] = {"schema": schema}
                if content_type in examples:
                    media["example"] = examples[content_type]
                content[content_type] = media
            response["content"] = content
        result[str(status)] = response
    return result


_REF_IN_MESSAGE = re.compile(r"\$ref '([^']*)'")
_TEMPLATE = re.compile(r"\{([^{}/]+)\}")


def _locate_problem(problem: str, raw_op: dict[str, Any], path_item: dict[str, Any]) -> str:
    """Add where in the operation the failing `$ref` is written, as a JSON pointer."""
    found = _REF_IN_MESSAGE.search(problem)
    if not found:
        return problem
    pointer = _find_ref(raw_op, found.group(1), "")
    if pointer is None:
        pointer = _find_ref(path_item.get("parameters"), found.group(1), "/(path item)/parameters")
    return f"{problem} [at {pointer or '/'} of this operation]" if pointer is not None else problem


def _find_ref(node: Any, ref: str, at: str, depth: int = 0) -> str | None:
    if depth > 60:
        return None
    if isinstance(node, dict):
        if node.get("$ref") == ref:
            return at
        for key, value in node.items():
            found = _find_ref(value, ref, f"{at}/{str(key).replace('~', '~0').replace('/', '~1')}", depth + 1)
            if found is not None:
                return found
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found = _find_ref(value, ref, f"{at}/{index}", depth + 1)
            if found is not None:
                return found
    return None
