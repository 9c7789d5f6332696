"""TLS failures read by their cause, on both transports, and are not retried.

Found by hand: an https:// URL aimed at a plain-HTTP port said "turn off certificate checks",
which cannot help (--insecure failed the same way), and the aiohttp message carried the repr of
an SSLContext object; each of the three identical attempts cost a handshake.
"""

from __future__ import annotations

import random

import httpx
import pytest

from servers.faulty import FaultyServer
from servers.tls import self_signed_context
from tui_api.core.http.resilience import CircuitBreaker, CorrelationOptions, Resilience, RetryPolicy
from tui_api.core.http.send import make_client, send_exchange

BACKENDS = ["httpx", "aiohttp"]


def _client(sleep, backend, *, verify=True):
    resilience = Resilience(retry=RetryPolicy(retries=3, sleep=sleep, rng=random.Random(1)),
                            breaker=CircuitBreaker(threshold=100), correlation=CorrelationOptions())
    return make_client(resilience=resilience, backend=backend, verify=verify)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("verify", [True, False])
async def test_https_to_a_plain_http_port_says_so_and_is_tried_once(faulty, sleep, backend, verify):
    url = faulty.url("/ok").replace("http://", "https://")
    async with _client(sleep, backend, verify=verify) as client:
        ex = await send_exchange(client, httpx.Request("GET", url))
    assert ex.status is None and ex.error_kind == "tls", ex.error
    assert "does not speak HTTPS" in ex.error and "http://" in ex.error
    assert "certificate" not in ex.error and "SSLContext" not in ex.error
    assert len(ex.attempts) == 1 and sleep.waits == []


@pytest.mark.parametrize("backend", BACKENDS)
async def test_untrusted_certificate_suggests_insecure_and_is_tried_once(tmp_path, sleep, backend):
    with FaultyServer(tls=self_signed_context(tmp_path)) as server:
        async with _client(sleep, backend) as client:
            ex = await send_exchange(client, httpx.Request("GET", server.url("/ok")))
    assert ex.error_kind == "tls", ex.error
    assert ex.error.startswith("TLS certificate not trusted: self-signed certificate")
    assert "--insecure" in ex.error and "SSLContext" not in ex.error
    assert len(ex.attempts) == 1 and sleep.waits == []
