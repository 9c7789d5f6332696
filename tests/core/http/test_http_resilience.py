"""Retries, Retry-After, idempotency keys, the circuit breaker, correlation IDs and timeouts,
against a real misbehaving server, through the same send path the TUI and runner use."""

from __future__ import annotations

import random
import re

import httpx
import pytest

from tui_api.core.collection.model import Body, Request
from tui_api.core.http.pipeline import SendOptions, execute
from tui_api.core.http.resilience import (
    CircuitBreaker,
    CorrelationOptions,
    Resilience,
    RetryPolicy,
    parse_retry_after,
)
from tui_api.core.http.send import Timeouts, make_client, send_exchange

BACKENDS = ["httpx", "aiohttp"]


def client_for(sleep, *, backend="httpx", retries=3, breaker=None, correlation=None, timeouts=None, **policy):
    resilience = Resilience(
        retry=RetryPolicy(retries=retries, sleep=sleep, rng=random.Random(7), **policy),
        breaker=breaker or CircuitBreaker(threshold=100),
        correlation=correlation or CorrelationOptions(),
    )
    return make_client(resilience=resilience, backend=backend, timeouts=timeouts)


async def get(client, url, **kwargs):
    return await send_exchange(client, httpx.Request("GET", url, **kwargs))


@pytest.mark.parametrize("backend", BACKENDS)
async def test_retries_503_until_success_and_records_attempts(faulty, sleep, backend):
    async with client_for(sleep, backend=backend) as client:
        ex = await get(client, faulty.url("/flaky/2/503"))
    assert ex.status == 200
    assert faulty.hits["/flaky/2/503"] == 3
    assert [a.status for a in ex.attempts] == [503, 503, 200]
    assert len(sleep.waits) == 2
    # full jitter: each wait in [0, base * 2^(n-1)]
    assert 0 <= sleep.waits[0] <= 0.5 and 0 <= sleep.waits[1] <= 1.0
    assert ex.attempts[1].waited_ms == pytest.approx(sleep.waits[0] * 1000)


async def test_retries_stop_after_the_limit(faulty, sleep):
    async with client_for(sleep, retries=2) as client:
        ex = await get(client, faulty.url("/status/503"))
    assert ex.status == 503
    assert faulty.hits["/status/503"] == 3
    assert len(ex.attempts) == 3 and len(sleep.waits) == 2


async def test_500_is_not_retried(faulty, sleep):
    async with client_for(sleep) as client:
        ex = await get(client, faulty.url("/status/500"))
    assert ex.status == 500 and faulty.hits["/status/500"] == 1 and sleep.waits == []


@pytest.mark.parametrize("backend", BACKENDS)
async def test_dropped_connections_are_retried(faulty, sleep, backend):
    async with client_for(sleep, backend=backend) as client:
        ex = await get(client, faulty.url("/drop/2"))
    assert ex.status == 200
    assert faulty.hits["/drop/2"] == 3
    assert ex.attempts[0].status is None and ex.attempts[0].error


async def test_retry_after_seconds_is_honoured(faulty, sleep):
    async with client_for(sleep) as client:
        ex = await get(client, faulty.url("/retry-after/1/7"))
    assert ex.status == 200
    assert sleep.waits == [7.0]
    assert "Retry-After 7" in (ex.attempts[0].error or "")


async def test_retry_after_is_capped(faulty, sleep):
    async with client_for(sleep, retry_after_cap=30.0) as client:
        ex = await get(client, faulty.url("/retry-after/1/500"))
    assert ex.status == 200 and sleep.waits == [30.0]
    assert "capped" in (ex.attempts[0].error or "")


async def test_retry_after_http_date_is_honoured(faulty, sleep):
    async with client_for(sleep) as client:
        ex = await get(client, faulty.url("/retry-after-date/1/20"))
    assert ex.status == 200
    assert len(sleep.waits) == 1 and 15.0 <= sleep.waits[0] <= 20.0


def test_parse_retry_after_forms():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("-1") == 0.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == pytest.approx(10.0)
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412490.0) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_backoff_is_full_jitter_and_bounded():
    policy = RetryPolicy(base_delay=1.0, max_delay=5.0, rng=random.Random(1))
    for number in range(1, 10):
        for _ in range(50):
            wait = policy.backoff(number)
            assert 0.0 <= wait <= min(5.0, 2 ** (number - 1))
    waits = {round(policy.backoff(3), 6) for _ in range(20)}
    assert len(waits) > 10  # jittered, not a fixed schedule


async def test_post_is_not_retried_without_an_idempotency_key(faulty, sleep):
    async with client_for(sleep) as client:
        ex = await execute(Request("create", "POST", faulty.url("/flaky/1/503"), body=Body("json", {"a": 1})),
                           client=client, variables={})
    assert ex.status == 503
    assert faulty.hits["/flaky/1/503"] == 1 and sleep.waits == []


async def test_post_with_idempotency_key_is_retried_with_the_same_key(faulty, sleep):
    async with client_for(sleep) as client:
        ex = await execute(Request("create", "POST", faulty.url("/flaky/2/503"), body=Body("json", {"a": 1})),
                           client=client, variables={}, options=SendOptions(idempotency_key=True))
    assert ex.status == 200
    seen = faulty.headers["/flaky/2/503"]
    assert len(seen) == 3
    keys = {h.get("Idempotency-Key") for h in seen}
    assert len(keys) == 1 and None not in keys
    bodies_sent = [h.get("Content-Length") for h in seen]
    assert len(set(bodies_sent)) == 1  # the body was re-sent whole every time
    assert dict(ex.request_headers).get("idempotency-key") == keys.pop()


async def test_user_idempotency_key_is_kept(faulty, sleep):
    request = Request("pay", "PATCH", faulty.url("/flaky/1/502"), headers=[("Idempotency-Key", "abc-123")])
    async with client_for(sleep) as client:
        ex = await execute(request, client=client, variables={}, options=SendOptions(idempotency_key=True))
    assert ex.status == 200
    assert [h["Idempotency-Key"] for h in faulty.headers["/flaky/1/502"]] == ["abc-123", "abc-123"]


async def test_breaker_opens_per_host_and_skips_without_sending(faulty, faulty2, sleep):
    now = [1000.0]
    breaker = CircuitBreaker(threshold=3, cool_down=30.0, clock=lambda: now[0])
    async with client_for(sleep, retries=0, breaker=breaker) as client:
        for _ in range(3):
            ex = await get(client, faulty.url("/status/502"))
            assert ex.status == 502
        skipped = await get(client, faulty.url("/status/502"))
        other = await get(client, faulty2.url("/ok"))
        still_skipped = await get(client, faulty.url("/ok"))
        assert skipped.error_kind == "circuit_open" and skipped.status is None
        assert "circuit open" in skipped.error
        assert still_skipped.error_kind == "circuit_open"
        assert faulty.hits["/status/502"] == 3 and faulty.hits["/ok"] == 0
        assert other.status == 200  # another host goes on
        # after the cool-down one probe goes through; success closes the circuit
        now[0] += 31.0
        probe = await get(client, faulty.url("/ok"))
        after = await get(client, faulty.url("/ok"))
    assert probe.status == 200 and after.status == 200
    assert faulty.hits["/ok"] == 2


async def test_breaker_reopens_when_the_probe_fails(faulty, sleep):
    now = [0.0]
    breaker = CircuitBreaker(threshold=2, cool_down=10.0, clock=lambda: now[0])
    async with client_for(sleep, retries=0, breaker=breaker) as client:
        for _ in range(2):
            await get(client, faulty.url("/status/503"))
        now[0] = 11.0
        probe = await get(client, faulty.url("/status/503"))
        blocked = await get(client, faulty.url("/status/503"))
    assert probe.status == 503 and blocked.error_kind == "circuit_open"
    assert faulty.hits["/status/503"] == 3


async def test_500_and_429_do_not_open_the_circuit(faulty, sleep):
    breaker = CircuitBreaker(threshold=2, cool_down=60.0)
    async with client_for(sleep, retries=0, breaker=breaker) as client:
        answers = [await get(client, faulty.url(path)) for path in ["/status/500"] * 3 + ["/status/429"] * 3]
    assert [a.status for a in answers] == [500] * 3 + [429] * 3


async def test_connection_failures_open_the_circuit(sleep):
    breaker = CircuitBreaker(threshold=2, cool_down=60.0)
    async with client_for(sleep, retries=0, breaker=breaker) as client:
        answers = [await get(client, "http://127.0.0.1:9/x") for _ in range(3)]
    assert [a.error_kind for a in answers] == ["connect", "connect", "circuit_open"]


async def test_retries_do_not_hammer_an_open_circuit(faulty, sleep):
    breaker = CircuitBreaker(threshold=2, cool_down=60.0)
    async with client_for(sleep, retries=5, breaker=breaker) as client:
        ex = await get(client, faulty.url("/status/503"))
    assert ex.error_kind == "circuit_open"
    assert faulty.hits["/status/503"] == 2  # the third attempt met the open circuit and stopped


async def test_correlation_id_is_sent_recorded_and_reused_across_retries(faulty, sleep):
    async with client_for(sleep) as client:
        ex = await get(client, faulty.url("/flaky/1/503"))
    assert ex.correlation_id and re.fullmatch(r"[0-9a-f]{32}", ex.correlation_id)
    ids = {h.get("X-Request-ID") for h in faulty.headers["/flaky/1/503"]}
    assert ids == {ex.correlation_id}


async def test_correlation_header_name_and_traceparent(faulty, sleep):
    options = CorrelationOptions(header="X-Correlation-ID", traceparent=True)
    async with client_for(sleep, correlation=options) as client:
        ex = await get(client, faulty.url("/echo"))
    seen = faulty.headers["/echo"][0]
    assert seen["X-Correlation-ID"] == ex.correlation_id
    assert "X-Request-ID" not in seen
    assert re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-01", seen["traceparent"])


@pytest.mark.parametrize("backend", BACKENDS)
async def test_read_timeout_is_an_error_not_a_hang(faulty, sleep, backend):
    timeouts = Timeouts(connect=2.0, read=0.3, total=10.0)
    async with client_for(sleep, backend=backend, retries=0, timeouts=timeouts) as client:
        ex = await get(client, faulty.url("/stall/10"))
    assert ex.status is None and ex.error_kind == "timeout"
    assert "timeout" in ex.error


async def test_total_timeout_bounds_all_retries(faulty, sleep):
    timeouts = Timeouts(connect=2.0, read=0.2, total=0.5)
    async with client_for(sleep, retries=10, timeouts=timeouts) as client:
        ex = await send_exchange(client, httpx.Request("GET", faulty.url("/stall/10")), total_timeout=0.5)
    assert ex.error_kind == "timeout"


@pytest.mark.parametrize("backend", BACKENDS)
async def test_truncated_body_is_reported(faulty, sleep, backend):
    async with client_for(sleep, backend=backend, retries=0) as client:
        ex = await get(client, faulty.url("/truncate/1000/100"))
    assert ex.status == 200
    assert ex.error and "broke off" in ex.error
    assert ex.body_size < 1000


@pytest.mark.parametrize("backend", BACKENDS)
async def test_connection_refused_reads_the_same_on_both_backends(sleep, backend):
    async with client_for(sleep, backend=backend, retries=1) as client:
        ex = await get(client, "http://127.0.0.1:9/nothing")
    assert ex.error_kind == "connect"
    assert "connection refused" in ex.error
    assert len(ex.attempts) == 2


@pytest.mark.parametrize("backend", BACKENDS)
async def test_request_headers_recorded_as_sent_with_secrets_redacted(faulty, sleep, backend):
    request = Request("x", "GET", faulty.url("/echo"), headers=[("Authorization", "Bearer s3cr3t-value")])
    async with client_for(sleep, backend=backend) as client:
        ex = await execute(request, client=client, variables={})
    sent = dict(ex.request_headers)
    assert "s3cr3t-value" not in str(ex.request_headers)
    assert sent["authorization"].startswith("Bearer ")
    assert sent["user-agent"].startswith("tui-api/")
    assert faulty.headers["/echo"][0]["Authorization"] == "Bearer s3cr3t-value"


@pytest.mark.parametrize("backend", BACKENDS)
async def test_both_backends_send_bodies_and_big_responses(faulty, sleep, backend):
    request = Request("x", "PUT", faulty.url("/echo"), body=Body("json", {"name": "Rex", "n": [1, 2]}))
    async with client_for(sleep, backend=backend) as client:
        ex = await execute(request, client=client, variables={})
        big = await send_exchange(client, httpx.Request("GET", faulty.url("/big/300000")), max_body=1000)
    assert ex.status == 200 and b'"body": "{\\"name\\": \\"Rex\\"' in ex.body
    assert big.status == 200 and big.body_size == 300000 and len(big.body) == 1000 and big.truncated


@pytest.mark.parametrize("backend", BACKENDS)
async def test_tls_certificate_checked_unless_insecure(tmp_path, sleep, backend):
    from servers.faulty import FaultyServer
    from servers.tls import self_signed_context

    with FaultyServer(tls=self_signed_context(tmp_path)) as server:
        async with client_for(sleep, backend=backend, retries=0) as client:
            refused = await get(client, server.url("/ok"))
        resilience = Resilience(retry=None, breaker=None)
        async with make_client(verify=False, backend=backend, resilience=resilience) as client:
            accepted = await get(client, server.url("/ok"))
    assert refused.status is None and refused.error_kind == "tls", refused.error
    assert "certificate" in refused.error.lower()
    assert accepted.status == 200 and accepted.url.startswith("https://")


async def test_requests_through_an_env_proxy_keep_the_resilience_layers(faulty, sleep, monkeypatch):
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", faulty.base_url)  # the faulty server plays a (404-ing) proxy
    async with client_for(sleep) as client:
        ex = await get(client, "http://upstream.invalid/flaky")
    assert ex.status == 404
    seen = faulty.headers["http://upstream.invalid/flaky"]  # absolute-form: it went via the proxy
    assert seen[0]["X-Request-ID"] == ex.correlation_id
