"""The middle of the data flow, shared by the TUI and `tui-api run`:

    Request (editable) -> variables resolved -> auth applied -> httpx request -> Exchange

`execute` never raises for a failed send (the Exchange carries the error); it raises only for
problems found before anything is sent (an unresolved variable, a missing auth profile), so the
caller can show them without touching the network.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tui_api.core.collection.model import Request
from tui_api.core.collection.variables import Lookup
from tui_api.core.http.exchange import Exchange
from tui_api.core.http.prepare import prepare_request
from tui_api.core.http.send import DEFAULT_MAX_BODY, send_exchange

# Given a profile name, returns the httpx.Auth that applies it (raises AuthError when it cannot).
AuthProvider = Callable[[str], httpx.Auth]


@dataclass
class SendOptions:
    """`idempotency_key` adds an `Idempotency-Key` (a fresh UUID) to POST/PATCH requests that have
    none, which lets the retry layer retry them (the same key on every attempt). `secret_headers`
    names extra headers to redact in the Exchange (an API-key profile's header)."""

    max_body: int = DEFAULT_MAX_BODY
    total_timeout: float | None = 120.0
    extra_headers: list[tuple[str, str]] = field(default_factory=list)
    idempotency_key: bool = False
    secret_headers: tuple[str, ...] = ()
    timeout: float | None = None  # per-attempt read/write timeout for this request (client default if None)
    follow_redirects: bool | None = None  # None: the client's setting
    observe: Callable[[Exchange], None] | None = None  # given the live Exchange as soon as it exists


async def execute(
    request: Request,
    *,
    client: httpx.AsyncClient,
    variables: Lookup,
    auth_profile: str | None = None,
    auth_provider: AuthProvider | None = None,
    base_dir: Path | None = None,
    options: SendOptions | None = None,
) -> Exchange:
    """Prepare and send one request. `auth_profile` is the effective profile (request, folder or
    collection level, already inherited by the caller); None or "none" sends without auth."""
    options = options or SendOptions()
    prepared = prepare_request(request, variables, base_dir=base_dir)
    for name, value in options.extra_headers:
        if name not in prepared.headers:
            prepared.headers[name] = value
    if options.timeout is not None:
        connect = min(options.timeout, client.timeout.connect or options.timeout)
        prepared.extensions["timeout"] = httpx.Timeout(options.timeout, connect=connect).as_dict()
    if options.idempotency_key and prepared.method in ("POST", "PATCH") and "idempotency-key" not in prepared.headers:
        prepared.headers["Idempotency-Key"] = str(uuid.uuid4())
    auth: httpx.Auth | None = None
    if auth_profile and auth_profile != "none":
        if auth_provider is None:
            from tui_api.core.errors import AuthError

            raise AuthError(f"request '{request.name}' uses auth profile '{auth_profile}' but no profiles are available")
        auth = auth_provider(auth_profile)
    return await send_exchange(
        client,
        prepared,
        auth=auth,
        max_body=options.max_body,
        total_timeout=options.total_timeout,
        secret_headers=options.secret_headers,
        follow_redirects=options.follow_redirects,
        observe=options.observe,
    )
