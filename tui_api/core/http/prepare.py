"""Turn an editable `Request` (with `{{variables}}`) into the exact `httpx.Request` to send.

The TUI and the runner both call `prepare_request`, so a request behaves the same in both.
"""

from __future__ import annotations

import json
import mimetypes
import re
from functools import lru_cache
from pathlib import Path

import httpx

from tui_api.core.collection.model import Request
from tui_api.core.collection.variables import Lookup, substitute, substitute_url, substitute_value
from tui_api.core.errors import SendError


def _has_header(headers: list[tuple[str, str]], name: str) -> bool:
    return any(key.lower() == name.lower() for key, _ in headers)


def prepare_request(
    request: Request,
    variables: Lookup,
    *,
    base_dir: Path | None = None,
) -> httpx.Request:
    """Resolve variables and build the body. Raises VariableError / SendError with a clear line."""
    where = f"request '{request.name}'"
    url = substitute_url(request.url.strip(), variables, where=f"{where} URL")
    if not url:
        raise SendError("the URL is empty", kind="usage", hint="type a URL such as http://127.0.0.1:8000/pets")
    if "://" not in url:
        url = "http://" + url
    query = [
        (substitute(k, variables, where=f"{where} query"), substitute(v, variables, where=f"{where} query"))
        for k, v in request.query
    ]
    headers = [
        (substitute(k, variables, where=f"{where} headers"), substitute(v, variables, where=f"{where} headers"))
        for k, v in request.headers
        if k.strip()
    ]
    headers = _checked_headers(headers, where)
    content: bytes | None = None
    data = None
    files = None
    body = request.body
    if body is not None:
        if body.kind == "json":
            value = substitute_value(body.value, variables, where=f"{where} body")
            content = json.dumps(value, ensure_ascii=False).encode()
            if not _has_header(headers, "content-type"):
                headers.append(("Content-Type", "application/json"))
        elif body.kind == "text":
            content = substitute(str(body.value), variables, where=f"{where} body").encode()
        elif body.kind == "form":
            data = [
                (substitute(k, variables, where=f"{where} form"), substitute(v, variables, where=f"{where} form"))
                for k, v in body.value
            ]
        elif body.kind == "multipart":
            data = []
            files = []
            for part in body.value:
                if part.file is not None:
                    path = _resolve_path(substitute(part.file, variables, where=f"{where} multipart"), base_dir)
                    try:
                        payload = path.read_bytes()
                    except OSError as exc:
                        raise SendError(f"cannot read multipart file {path}: {exc.strerror}", kind="usage") from exc
                    ctype = part.content_type or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    files.append((part.name, (path.name, payload, ctype)))
                else:
                    data.append((part.name, substitute(part.value or "", variables, where=f"{where} multipart")))
        elif body.kind == "file":
            path = _resolve_path(substitute(str(body.value), variables, where=f"{where} body"), base_dir)
            try:
                content = path.read_bytes()
            except OSError as exc:
                raise SendError(f"cannot read body file {path}: {exc.strerror}", kind="usage") from exc
    try:
        url_obj = _parsed_url(url, tuple(query))
        if data is not None and not files:
            return httpx.Request(request.method.upper(), url_obj, headers=headers, data=dict_or_pairs(data))
        if files:
            return httpx.Request(request.method.upper(), url_obj, headers=headers, data=dict_or_pairs(data or []), files=files)
        return httpx.Request(request.method.upper(), url_obj, headers=headers, content=content)
    except httpx.InvalidURL as exc:
        raise SendError(f"invalid URL '{url}': {exc}", kind="usage") from exc


_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


def _checked_headers(headers: list[tuple[str, str]], where: str) -> list[tuple[str, str | bytes]]:
    """Names must be HTTP tokens and values one line; a value beyond ASCII is sent as UTF-8
    bytes (as curl does). httpx raised UnicodeEncodeError on 'héllo' and the aiohttp backend a
    ValueError on a line break, and either ended the whole run as an unexpected error."""
    checked: list[tuple[str, str | bytes]] = []
    for name, value in headers:
        name = name.strip()
        if not _TOKEN.match(name):
            raise SendError(f"{where}: header name {name!r} is not valid", kind="usage",
                            hint="header names are letters, digits and - (no spaces or ':')")
        if any(c in value for c in "\r\n\0"):
            raise SendError(f"{where}: header {name} holds a line break or NUL", kind="usage",
                            hint="a header value is one line; check the value and its {{variables}}")
        checked.append((name, value if value.isascii() else value.encode("utf-8")))
    return checked


def check_url(url: str) -> None:
    """Raise SendError when `url` (variables already resolved) can never be sent."""
    if not url:
        raise SendError("the URL is empty", kind="usage", hint="type a URL such as http://127.0.0.1:8000/pets")
    if "://" not in url:
        url = "http://" + url
    try:
        _parsed_url(url, ())
    except httpx.InvalidURL as exc:
        raise SendError(f"invalid URL '{url}': {exc}", kind="usage") from exc


@lru_cache(maxsize=4096)
def _parsed_url(url: str, query: tuple[tuple[str, str], ...]) -> httpx.URL:
    """The checked URL with the query merged in. Cached: parsing costs ~10 us and a run (or the
    plan, which checks every URL first) asks for the same few URLs again and again. httpx.URL is
    immutable, so sharing one is safe; errors are raised again each time (never cached)."""
    url_obj = httpx.URL(url)
    if query:
        url_obj = url_obj.copy_merge_params(httpx.QueryParams(list(query)))
    _check_url_parts(url_obj, url)
    return url_obj


def _check_url_parts(url_obj: httpx.URL, url: str) -> None:
    if url_obj.scheme not in ("http", "https"):
        raise SendError(f"unsupported URL scheme '{url_obj.scheme}'", kind="usage", hint="use http:// or https://")
    if not url_obj.host:
        raise SendError(f"the URL '{url}' has no host", kind="usage")
    if "%" in url_obj.host or any(c.isspace() for c in url_obj.host):
        # httpx percent-encodes a space in the host; the DNS lookup of 'not%20a%20url' then
        # fails three times (with retries) with a message about DNS, not about the URL
        raise SendError(f"the URL '{url}' has an invalid host", kind="usage",
                        hint="a host has no spaces; check the URL and its {{variables}}")
    if url_obj.port is not None and not 0 < url_obj.port < 65536:
        raise SendError(f"the URL '{url}' has port {url_obj.port}, outside 1-65535", kind="usage")


def dict_or_pairs(pairs: list[tuple[str, str]]) -> dict[str, str | list[str]]:
    """httpx's `data=` wants a mapping; repeated names become lists so none is lost."""
    merged: dict[str, str | list[str]] = {}
    for key, value in pairs:
        if key in merged:
            existing = merged[key]
            merged[key] = (existing if isinstance(existing, list) else [existing]) + [value]
        else:
            merged[key] = value
    return merged


def _resolve_path(raw: str, base_dir: Path | None) -> Path:
    path = Path(raw).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    if path.exists() and not path.is_file() and not path.is_dir():
        # /dev/zero or a pipe: read_bytes() would never return
        raise SendError(f"{path} is not a regular file", kind="usage", hint="send the content of a file")
    return path
