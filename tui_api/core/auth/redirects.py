"""Keep credentials on the host they were meant for when a response redirects elsewhere.

httpx already drops `Authorization` on a redirect to another origin and never carries `Cookie`
over, but it cannot know that `X-API-Key` (or whatever header an API-key profile uses) is a
credential. Our auth flows record the origin and the header names they added in the request's
extensions (httpx copies extensions onto each redirect request), and `strip_cross_origin_credentials`,
installed as a request event hook on the shared client, removes those headers from any request
bound for a different origin.
"""

from __future__ import annotations

import httpx

EXTENSION = "tui_api.credential_origin"


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    default = {"http": 80, "https": 443}.get(url.scheme)
    return url.scheme, url.host, url.port or default


def mark_credentials(request: httpx.Request, header_names: list[str]) -> None:
    """Remember which headers on `request` are credentials tied to its origin."""
    previous = request.extensions.get(EXTENSION)
    names = tuple(header_names) + (tuple(previous[1]) if previous else ())
    request.extensions[EXTENSION] = (_origin(request.url), names)


def strip_credentials_if_cross_origin(request: httpx.Request) -> None:
    marked = request.extensions.get(EXTENSION)
    if not marked:
        return
    origin, names = marked
    if _origin(request.url) != origin:
        for name in names:
            request.headers.pop(name, None)


async def strip_cross_origin_credentials(request: httpx.Request) -> None:
    """Request event hook for an `httpx.AsyncClient` (see `core/http/send.make_client`)."""
    strip_credentials_if_cross_origin(request)


def strip_cross_origin_credentials_sync(request: httpx.Request) -> None:
    """The same hook for a synchronous `httpx.Client`."""
    strip_credentials_if_cross_origin(request)
