"""The request/folder/collection/environment model shared by the spec importer, the TUI, the
collection file format, the HTTP pipeline and the runner.

Plain dataclasses with no I/O: the YAML format lives in `collection/yaml_format.py` (load/save),
so anything that builds a request (a spec operation, a cURL line, a history entry) builds these.

Headers and query parameters are ordered lists of pairs, because both allow repeated names and
the order a user typed is the order they expect to see again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Pairs = list[tuple[str, str]]

BodyKind = Literal["json", "form", "multipart", "text", "file"]


@dataclass
class MultipartPart:
    """One multipart field: a plain value, or a file (path relative to the collection)."""

    name: str
    value: str | None = None
    file: str | None = None
    content_type: str | None = None


@dataclass
class Body:
    """A request body.

    kind   value holds
    json   any JSON value (dict, list, str, number, bool, None)
    form   Pairs (application/x-www-form-urlencoded)
    multipart  list[MultipartPart]
    text   str (sent as is; Content-Type from headers)
    file   str: a path relative to the collection file
    """

    kind: BodyKind
    value: Any


@dataclass
class Expect:
    """What the headless runner checks. Empty means no checks."""

    status: list[int] = field(default_factory=list)
    json: dict[str, Any] = field(default_factory=dict)  # JSONPath -> value or {exists|matches|lt|gt}
    headers: dict[str, str] = field(default_factory=dict)  # name -> expected substring
    max_ms: float | None = None
    schema: bool = False

    def is_empty(self) -> bool:
        return not (self.status or self.json or self.headers or self.max_ms is not None or self.schema)


@dataclass
class Request:
    """One request as the user edits it, with `{{variables}}` still unresolved."""

    name: str = "untitled"
    method: str = "GET"
    url: str = ""
    query: Pairs = field(default_factory=list)
    headers: Pairs = field(default_factory=list)
    body: Body | None = None
    auth: str | None = None  # auth profile name; None = inherit from folder/collection
    description: str = ""
    expect: Expect = field(default_factory=Expect)
    capture: dict[str, str] = field(default_factory=dict)  # variable -> JSONPath (or header:Name)
    operation: str | None = None  # "METHOD /path" of the spec operation it came from, if any
    options: dict[str, Any] = field(default_factory=dict)  # per-request extras (timeout, follow_redirects, ...)

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None


@dataclass
class Folder:
    name: str
    items: list[Request | Folder] = field(default_factory=list)
    auth: str | None = None
    description: str = ""

    def walk(self, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Request]]:
        """Every request below this folder in file order, with the folder path leading to it."""
        found: list[tuple[tuple[str, ...], Request]] = []
        for item in self.items:
            if isinstance(item, Folder):
                found.extend(item.walk(prefix + (item.name,)))
            else:
                found.append((prefix, item))
        return found


@dataclass
class Collection:
    """A collection file's content. `path` is where it was loaded from (None if never saved)."""

    name: str = "untitled"
    version: int = 1
    environments: dict[str, dict[str, str]] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)
    items: list[Request | Folder] = field(default_factory=list)
    auth: str | None = None
    auth_profiles: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> non-secret fields
    spec: str | None = None  # the spec this collection was imported from (path relative to the file)
    options: dict[str, Any] = field(default_factory=dict)  # collection-wide runner/http options
    path: str | None = None
    description: str = ""
    # The file as loaded (text + parsed ruamel document), so a save changes only what the model
    # changed and keeps comments and formatting. Owned by `collection/yaml_format.py`.
    _source: Any = field(default=None, repr=False, compare=False)

    def walk(self) -> list[tuple[tuple[str, ...], Request]]:
        return Folder(self.name, self.items).walk()

    def requests(self) -> list[Request]:
        return [request for _, request in self.walk()]
