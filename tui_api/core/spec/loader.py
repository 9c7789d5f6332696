"""Read a spec's bytes (file or URL) and parse them with the fastest safe parser.

JSON goes through orjson; YAML through PyYAML's C loader (a pure-Python YAML parse of a large spec
takes tens of seconds). Every failure becomes one `SpecError` line naming the file and, for syntax
errors, the line and column.

The YAML loader is tuned for specs rather than YAML in general:
- mapping keys are always strings (`200:` is a response code, not the int 200), taken from the
  key's source text so `on:` stays "on" rather than "True";
- unquoted timestamps stay strings (a `default: 2024-12-01` is an example value, not a date object
  that JSON cannot hold), quoted strings are untouched anyway.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlparse

import orjson
import yaml
from yaml.nodes import MappingNode, ScalarNode

from tui_api.core.errors import SpecError

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SpecYamlLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader with string keys and timestamps kept as text (see module docstring). Records
    duplicate keys: YAML keeps the last one silently, and a path written twice loses the
    operations of the first (the user must hear of it)."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[str, int]] = []  # (key, line)

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[str, Any]:
        own = len(node.value)
        if isinstance(node, MappingNode):
            own -= sum(1 for key_node, _ in node.value if key_node.tag == "tag:yaml.org,2002:merge")
            self.flatten_mapping(node)
        first_own = len(node.value) - own  # `<<` merged keys come first; own keys may override them
        mapping: dict[str, Any] = {}
        seen: set[Any] = set()
        for position, (key_node, value_node) in enumerate(node.value):
            if isinstance(key_node, ScalarNode):
                key: Any = key_node.value
            else:
                key = str(self.construct_object(key_node, deep=True))
            if position >= first_own:
                if key in seen:
                    self.duplicates.append((str(key), key_node.start_mark.line + 1))
                seen.add(key)
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


def _timestamp_as_text(loader: yaml.SafeLoader, node: ScalarNode) -> str:
    return loader.construct_scalar(node)


SpecYamlLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def join_uri(base: str, ref: str) -> str:
    """Resolve `ref` (a file path or URL, no fragment) against the document `base` that holds it."""
    if is_url(ref):
        return ref
    if is_url(base):
        return urljoin(base, ref)
    if ref.startswith("file://"):
        return os.path.normpath(urlparse(ref).path)
    return os.path.normpath(os.path.join(os.path.dirname(base), ref))


def normalise_source(source: str) -> str:
    """A stable name for a source: absolute file path, or the URL as given."""
    if is_url(source):
        return source
    if source.startswith("file://"):
        source = urlparse(source).path
    return str(Path(source).expanduser().absolute())


def read_source(source: str, *, timeout: float = 30.0) -> bytes:
    """The raw bytes of a spec file or URL. Raises SpecError with one clear line."""
    if is_url(source):
        return _fetch(source, timeout=timeout)
    try:
        return _read_file(source)
    except FileNotFoundError as exc:
        raise SpecError("file not found", source=source, hint="check the path") from exc
    except IsADirectoryError as exc:
        raise SpecError("is a folder, not a spec file", source=source,
                        hint="give the spec file inside it, e.g. openapi.yaml") from exc
    except PermissionError as exc:
        raise SpecError("permission denied", source=source, hint="check the file's permissions") from exc
    except OSError as exc:
        raise SpecError(f"cannot read: {exc.strerror or exc}", source=source) from exc


MAX_DOWNLOAD = 256 * 1024 * 1024  # bytes: the largest real specs are ~10 MB; an endless stream must not eat memory
TOTAL_TIMEOUT_FACTOR = 4  # a server dripping bytes slower than each read's timeout still ends


def _read_file(source: str, max_bytes: int = MAX_DOWNLOAD) -> bytes:
    """A regular file at once; anything else (a pipe from `<(curl ...)`, a device) read up to a
    limit: /dev/zero used to fill the memory, and a FIFO nobody writes to blocked forever."""
    import fcntl

    st = os.stat(source)
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(21, "Is a directory", source)
    if stat.S_ISREG(st.st_mode):
        if st.st_size > max_bytes:
            raise SpecError(f"the file is {st.st_size // (1024 * 1024)} MB, far more than any spec", source=source,
                            hint="is this the right file?")
        return Path(source).read_bytes()
    # Opening a FIFO without O_NONBLOCK waits for a writer that may never come; with it, and
    # blocking reads afterwards, a pipe with no writer reads as empty.
    fd = os.open(source, os.O_RDONLY | os.O_NONBLOCK)
    try:
        flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        fcntl.fcntl(fd, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > max_bytes:
                raise SpecError(f"more than {max_bytes // (1024 * 1024)} MB and still going: not a spec file",
                                source=source, hint="is this the right file?")
            chunks.append(chunk)
    finally:
        os.close(fd)


def _fetch(url: str, *, timeout: float, max_bytes: int = MAX_DOWNLOAD) -> bytes:
    import time

    import httpx

    deadline = time.monotonic() + timeout * TOTAL_TIMEOUT_FACTOR
    try:
        with httpx.stream("GET", url, timeout=timeout, follow_redirects=True) as response:
            if response.status_code >= 400:
                raise SpecError(f"server answered {response.status_code} {response.reason_phrase}", source=url,
                                hint="check the URL")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise SpecError(f"the download passed {max_bytes // (1024 * 1024)} MB, far more than any spec",
                                    source=url, hint="check the URL; or download the spec and open the file")
                if time.monotonic() > deadline:
                    raise SpecError(f"still downloading after {timeout * TOTAL_TIMEOUT_FACTOR:g} s", source=url,
                                    hint="download the spec and open the file")
                chunks.append(chunk)
            return b"".join(chunks)
    except httpx.TimeoutException as exc:
        raise SpecError(f"timed out after {timeout:g} s", source=url, hint="check the URL or try again") from exc
    except httpx.HTTPError as exc:
        what, hint = _fetch_failure(exc, url)
        raise SpecError(f"cannot fetch: {what}", source=url, hint=hint) from exc


def _fetch_failure(exc: Exception, url: str) -> tuple[str, str]:
    """(what went wrong, what to do) in words, from httpx's exception and its cause's text."""
    text = " ".join(str(exc).split())
    lowered = text.lower()
    host = urlparse(url).netloc or url
    if "refused" in lowered:
        return f"connection refused by {host}", "is the server running on that port?"
    if "name or service not known" in lowered or "nodename nor servname" in lowered or "getaddrinfo" in lowered \
            or "temporary failure in name resolution" in lowered:
        return f"cannot resolve the host name '{urlparse(url).hostname}'", "check the URL and your network or DNS"
    if "ssl" in lowered or "certificate" in lowered or "tls" in lowered:
        return f"TLS failed with {host}: {text}", "check the URL (http or https?) and the server's certificate"
    if "unreachable" in lowered:
        return f"network unreachable ({host})", "check your network"
    return f"{exc.__class__.__name__}: {text}", "check the URL and your network"


def parse_bytes(data: bytes, source: str, warnings: list[str] | None = None) -> Any:
    """Parse JSON or YAML (decided by content, not by file name). Syntax errors carry line:column.
    What parses but loses data (a YAML key written twice) is added to `warnings`."""
    head = data[:512].lstrip()
    if head.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        head = head[3:]
    if head[:1] in (b"{", b"["):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            if not source.lower().endswith(".json"):
                try:
                    return _load_yaml(data, source, warnings)  # a .yaml file in YAML flow style
                except SpecError:
                    pass
            raise SpecError(f"invalid JSON: {exc.msg}", source=source, line=exc.lineno,
                            column=exc.colno, hint="fix the JSON syntax") from exc
    if _looks_like_html(head) or (head.startswith(b"<") and _looks_like_html(data[:4096].lower(), anywhere=True)):
        raise _not_a_spec("an HTML page", source)
    if head.startswith(b"<"):
        raise _not_a_spec("an XML document", source)
    return _load_yaml(data, source, warnings)


def _load_yaml(data: bytes, source: str, warnings: list[str] | None = None) -> Any:
    loader = SpecYamlLoader(data)
    try:
        document = loader.get_single_data()
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, data, source) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "syntax error"
        if exc.context and exc.problem:
            problem = f"{exc.problem} ({exc.context})"
        if "single document" in str(exc.context):
            problem = "a second YAML document starts here ('---'); a spec is one document"
        if mark is not None and _char_at(data, mark.line, mark.column) == "\t":
            problem += "; YAML does not allow tabs for indentation"
        raise SpecError(
            f"invalid YAML: {_one_line(problem)}",
            source=source,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
            hint="fix the YAML syntax" if "tabs" not in problem else "indent with spaces",
        ) from exc
    except yaml.YAMLError as exc:
        raise SpecError(f"invalid YAML: {_one_line(str(exc))}", source=source) from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise SpecError(f"not a text file: {exc}", source=source) from exc
    finally:
        loader.dispose()
    if warnings is not None:
        for key, line in loader.duplicates:
            warnings.append(f"{source}:{line}: key '{key}' is written twice in the same mapping; "
                            "only the last one is read (merge the two)")
    return document


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _char_at(data: bytes, line: int, column: int) -> str:
    try:
        text_line = data.decode("utf-8", "replace").split("\n")[line]
        return text_line[column] if column < len(text_line) else ""
    except IndexError:
        return ""


def _reader_error(exc: Any, data: bytes, source: str) -> SpecError:
    """PyYAML's reader rejects bytes that are not UTF-8 text. Say whether the file is binary or
    text in another encoding, and where, rather than quoting "<byte string>, position N"."""
    sample = data[:4096]
    bad = sample.decode("utf-8", "replace").count("\ufffd") + sample.count(b"\x00")
    if bad > max(2, len(sample) // 50):
        return SpecError("this is a binary file, not an OpenAPI or Swagger spec", source=source,
                         hint="give the spec's YAML or JSON file")
    position = getattr(exc, "position", None)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as decode_error:
        position = decode_error.start  # PyYAML points past the bad byte
    line = column = None
    if isinstance(position, int) and 0 <= position <= len(data):
        before = data[:position]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
    reason = str(getattr(exc, "reason", "") or "unreadable character")
    if "utf-8" in reason.lower() or "octet" in reason.lower():
        byte = data[position] if isinstance(position, int) and position < len(data) else None
        found = f" (byte 0x{byte:02x})" if byte is not None else ""
        return SpecError(f"not UTF-8 text{found}", source=source, line=line, column=column,
                         hint="save the file as UTF-8")
    character = getattr(exc, "character", None)
    code = f" U+{character:04X}" if isinstance(character, int) else ""
    return SpecError(f"invalid YAML: character{code} is not allowed ({reason})", source=source, line=line,
                     column=column, hint="remove it or quote it")


def _looks_like_html(head: bytes, *, anywhere: bool = False) -> bool:
    """`anywhere`: after an XML prolog or a comment (XHTML pages, pages that open with
    `<!-- generated by ... -->`), which used to be called "an XML document"."""
    if anywhere:
        return b"<html" in head or b"<!doctype html" in head
    lowered = head[:100].lower()
    return lowered.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


def _not_a_spec(what: str, source: str) -> SpecError:
    return SpecError(f"this is {what}, not an OpenAPI or Swagger spec", source=source,
                     hint="give the URL or path of the spec document itself")
