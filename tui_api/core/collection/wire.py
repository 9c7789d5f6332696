"""Query strings and raw bodies as they travel, shared by the cURL and Postman importers and the
exporters: a query is split into editable pairs only when that loses nothing, and a raw multipart
body (what browsers copy) is read back into its parts."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote

from tui_api.core.collection.model import MultipartPart

_QUERY_SAFE = "{}$/:@!*'(),;~"


def form_pairs(data: str) -> list[tuple[str, str]] | None:
    if not data:
        return []
    try:
        return parse_qsl(data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        return None


def encode_query(pairs: list[tuple[str, str]]) -> str:
    """The query string for pairs, percent-encoded, keeping `{{variables}}` readable. Export writes
    queries with it and import splits a URL's query only when it gives the same text back."""
    return "&".join(f"{quote(k, safe=_QUERY_SAFE)}={quote(v, safe=_QUERY_SAFE)}" for k, v in pairs)


def split_query(url: str) -> tuple[str, list[tuple[str, str]]]:
    """Split the query into pairs when re-encoding them gives the same text; otherwise keep it
    whole (a signed URL must stay byte for byte)."""
    base, sep, rest = url.partition("?")
    if not sep or not rest:
        return url, []
    query, hash_sep, fragment = rest.partition("#")
    pairs = parse_qsl(query, keep_blank_values=True)
    if not pairs or encode_query(pairs) != query:
        return url, []
    return base + (hash_sep + fragment if hash_sep else ""), pairs


def parse_multipart_body(data: str, content_type: str, warnings: list[str]) -> list[MultipartPart] | None:
    """A raw multipart body (browsers copy the body, not -F) -> its parts."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if not match:
        return None
    boundary = "--" + match.group(1)
    if boundary not in data:
        return None
    parts: list[MultipartPart] = []
    for chunk in data.split(boundary)[1:]:
        if chunk.startswith("--"):
            break
        chunk = chunk.removeprefix("\r\n").removeprefix("\n")
        head, sep, content = chunk.partition("\r\n\r\n")
        if not sep:
            head, sep, content = chunk.partition("\n\n")
        content = content.removesuffix("\r\n").removesuffix("\n")
        name_match = re.search(r'name="([^"]*)"', head)
        if not name_match:
            return None
        file_match = re.search(r'filename="([^"]*)"', head)
        type_match = re.search(r"(?im)^content-type:\s*(.+?)\s*$", head)
        ctype = type_match.group(1) if type_match else None
        if file_match:
            warnings.append(f"multipart field {name_match.group(1)!r} carried the file {file_match.group(1)!r}; "
                            "the file part points at that name, change it to the file's path on disk")
            parts.append(MultipartPart(name=name_match.group(1), file=file_match.group(1), content_type=ctype))
        else:
            parts.append(MultipartPart(name=name_match.group(1), value=content, content_type=ctype))
    return parts
