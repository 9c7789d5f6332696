"""The network transport under the resilience wrappers.

`backend="httpx"` is httpx's own AsyncHTTPTransport (httpcore). `backend="aiohttp"` is
`AiohttpTransport` (aiohttp's connection pool behind httpx's API), which measured faster here,
above all with concurrent requests (see benchmarks/runner_bench.py). `"auto"` takes aiohttp when it
is installed and falls back to httpx otherwise, so aiohttp stays optional.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

BACKENDS = ("auto", "httpx", "aiohttp")


def aiohttp_available() -> bool:
    try:
        import aiohttp  # noqa: F401
    except ImportError:
        return False
    return True


def network_transport(
    *,
    verify: bool = True,
    limits: httpx.Limits | None = None,
    backend: str = "auto",
) -> httpx.AsyncBaseTransport:
    limits = limits or httpx.Limits(max_connections=100, max_keepalive_connections=100)
    if backend not in BACKENDS:
        raise ValueError(f"unknown transport backend {backend!r}; use one of {', '.join(BACKENDS)}")
    if backend == "aiohttp" or (backend == "auto" and aiohttp_available()):
        try:
            from tui_api.core.http.aiohttp_transport import AiohttpTransport
        except ImportError:
            if backend == "aiohttp":
                raise
        else:
            return AiohttpTransport(verify=verify, limits=limits)
    return httpx.AsyncHTTPTransport(verify=verify, limits=limits)


def proxy_mounts(
    *,
    verify: bool = True,
    limits: httpx.Limits | None = None,
    wrap: Callable[[httpx.AsyncBaseTransport], httpx.AsyncBaseTransport] | None = None,
) -> dict[str, httpx.AsyncBaseTransport | None] | None:
    """Transports for the proxies in the environment (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY,
    NO_PROXY), wrapped like the direct one so retries, the breaker and correlation IDs apply
    behind a proxy too. None when no proxy is set. Proxied requests use httpx's own pool (the
    aiohttp transport does not speak to proxies)."""
    try:
        from httpx._utils import get_environment_proxies
    except ImportError:  # pragma: no cover - httpx moved it: fall back to httpx's own mounts
        return None
    proxies = get_environment_proxies()
    if not proxies:
        return None
    mounts: dict[str, httpx.AsyncBaseTransport | None] = {}
    for pattern, url in proxies.items():
        if url is None:
            mounts[pattern] = None  # NO_PROXY: the direct transport
            continue
        transport: httpx.AsyncBaseTransport = httpx.AsyncHTTPTransport(verify=verify, limits=limits, proxy=url)
        mounts[pattern] = wrap(transport) if wrap else transport
    return mounts
