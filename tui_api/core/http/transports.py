"""The network transport under the resilience wrappers.

`backend="httpx"` is httpx's own AsyncHTTPTransport (httpcore). `backend="aiohttp"` is
`AiohttpTransport` (aiohttp's connection pool behind httpx's API), which measured faster here,
above all with concurrent requests (see benchmarks/runner_bench.py). `"auto"` takes aiohttp when it
is installed and falls back to httpx otherwise, so aiohttp stays optional.
"""

from __future__ import annotations

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
