"""What the rest of the app sees of a spec: a light index of operations (built without resolving
`$ref`s, so a 9 MB spec is browsable at once) and per-operation details resolved on demand.

Shared contract between `core/spec` (which fills these) and the TUI, the importer and the runner
(which read them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Section = Literal["paths", "webhooks", "callbacks"]


@dataclass(frozen=True)
class Operation:
    """One operation in the index. `key` is unique in the spec and stable across opens."""

    key: str  # e.g. "GET /pets/{petId}", "webhook POST newPet", "callback POST /subscribe onEvent {$request...}"
    method: str  # upper case
    path: str  # the raw path key (opaque: may contain '#' or '?'), or the webhook name
    operation_id: str | None = None
    summary: str = ""
    tags: tuple[str, ...] = ()
    deprecated: bool = False
    section: Section = "paths"
    parent: str | None = None  # for callbacks: the key of the operation that declares it

    @property
    def label(self) -> str:
        return self.summary or self.operation_id or f"{self.method} {self.path}"


@dataclass
class ServerVariable:
    name: str
    default: str
    enum: list[str] = field(default_factory=list)
    description: str = ""


@dataclass
class Server:
    url: str  # may contain {variables}
    description: str = ""
    variables: list[ServerVariable] = field(default_factory=list)

    def resolved(self, values: dict[str, str] | None = None) -> str:
        url = self.url
        for var in self.variables:
            url = url.replace("{" + var.name + "}", (values or {}).get(var.name, var.default))
        return url


@dataclass
class Parameter:
    name: str
    location: Literal["path", "query", "header", "cookie"]
    required: bool = False
    description: str = ""
    schema: dict[str, Any] = field(default_factory=dict)
    example: Any = None  # the example value chosen for it (None if none could be made)
    deprecated: bool = False
    style: str | None = None
    explode: bool | None = None
    has_example: bool = False  # the spec gives an example or default (the draft request includes it)
    content_type: str | None = None  # a `content` parameter: its value is that media type (JSON text), no style


@dataclass
class RequestBodyInfo:
    content_type: str  # the chosen one (JSON first), e.g. "application/json"
    content_types: list[str]
    required: bool = False
    description: str = ""
    schema: dict[str, Any] = field(default_factory=dict)  # resolved; cycles marked with "x-circular-ref"
    example: Any = None
    # Form and multipart only: property name -> OpenAPI Encoding object (style, explode,
    # contentType). Stripe's `address: {style: deepObject}` means address[city]=..., not JSON.
    encoding: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class OperationDetail:
    """An operation with its `$ref`s resolved. `problems` lists refs that could not be resolved:
    they mark this operation only, never the whole spec."""

    operation: Operation
    description: str = ""
    parameters: list[Parameter] = field(default_factory=list)
    request_body: RequestBodyInfo | None = None
    responses: dict[str, dict[str, Any]] = field(default_factory=dict)  # status -> resolved response object
    security: list[dict[str, list[str]]] = field(default_factory=list)  # effective requirement (op or global)
    servers: list[Server] = field(default_factory=list)  # effective servers (op, path or global)
    problems: list[str] = field(default_factory=list)
    response_content_types: list[str] = field(default_factory=list)  # every content type a response declares
