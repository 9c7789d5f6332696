"""Resilience as httpx transport wrappers, so the TUI and the runner behave alike under failure.

    client -> CorrelationTransport -> RetryTransport -> BreakerTransport -> network transport

- `CorrelationTransport` stamps a correlation ID (and optionally a W3C `traceparent`) once, before
  any retry, so every attempt of one request carries the same ID.
- `RetryTransport` retries connection errors and 429/502/503/504 with exponential backoff and full
  jitter, honours `Retry-After` (seconds or HTTP date, capped), and retries POST/PATCH only when the
  request carries an `Idempotency-Key` (a retried non-idempotent request could act twice).
- `BreakerTransport` counts consecutive failed attempts per host; once open, requests to that host
  fail fast with `SendError(kind="circuit_open")` without touching the network, until a cool-down
  lets one probe through (half-open).

Each attempt is recorded in `request.extensions["tui_api.attempts"]` (a list the send layer puts
there), so `Exchange.attempts` shows the retry log. Sleep and clock are injectable: tests assert on
recorded waits, never on wall-clock time.
"""

from __future__ import annotations

import asyncio
import email.utils
import os
import random
import secrets
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

import httpx

from tui_api.core.errors import SendError
from tui_api.core.http.exchange import Attempt

ATTEMPTS_KEY = "tui_api.attempts"
CORRELATION_KEY = "tui_api.correlation_id"

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
RETRY_STATUSES = frozenset({429, 502, 503, 504})

# Errors worth another try: the request never reached the server, or the connection broke.
RETRYABLE_ERRORS: tuple[type[Exception], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
    httpx.PoolTimeout,
    httpx.ReadTimeout,
)

Sleep = Callable[[float], Awaitable[None]]


@dataclass
class RetryPolicy:
    """Defaults documented in the README: 2 retries, 0.5 s base, 10 s max backoff, Retry-After
    honoured up to 30 s. `retries=0` turns retrying off."""

    retries: int = 2
    base_delay: float = 0.5
    max_delay: float = 10.0
    retry_after_cap: float = 30.0
    statuses: frozenset[int] = RETRY_STATUSES
    retry_timeouts: bool = True
    sleep: Sleep = asyncio.sleep
    rng: random.Random = field(default_factory=random.Random)

    def backoff(self, retry_number: int) -> float:
        """Full jitter: uniform in [0, min(max, base * 2^(n-1))], so clients that failed together
        do not come back together."""
        ceiling = min(self.max_delay, self.base_delay * (2 ** max(0, retry_number - 1)))
        return self.rng.uniform(0.0, ceiling)


def may_retry(request: httpx.Request) -> bool:
    """POST/PATCH are retried only with an Idempotency-Key: the server can then drop a duplicate."""
    method = request.method.upper()
    return method in IDEMPOTENT_METHODS or "idempotency-key" in request.headers


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP date); None if unusable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    current = datetime.fromtimestamp(time.time() if now is None else now, tz=timezone.utc)
    return max(0.0, (when - current).total_seconds())


def _record(request: httpx.Request, attempt: Attempt) -> None:
    log = request.extensions.get(ATTEMPTS_KEY)
    if isinstance(log, list):
        log.append(attempt)


def _error_line(exc: BaseException) -> str:
    from tui_api.core.http.send import describe_error

    return describe_error(exc)[1]


def _is_tls_failure(exc: BaseException) -> bool:
    current: BaseException | None = exc
    for _ in range(10):
        if current is None:
            return False
        if isinstance(current, ssl.SSLError):
            return True
        current = current.__cause__ or current.__context__
    return False


class RetryTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, policy: RetryPolicy | None = None) -> None:
        self.inner = inner
        self.policy = policy or RetryPolicy()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        policy = self.policy
        retryable = may_retry(request) and policy.retries > 0
        waited = 0.0
        number = 0
        while True:
            number += 1
            started = time.perf_counter()
            try:
                response = await self.inner.handle_async_request(request)
            except SendError:
                raise  # circuit open: not sent, nothing to retry
            except RETRYABLE_ERRORS as exc:
                elapsed = (time.perf_counter() - started) * 1000
                _record(request, Attempt(number, None, _error_line(exc), elapsed, waited * 1000))
                is_timeout = isinstance(exc, (httpx.ReadTimeout, httpx.PoolTimeout))
                if not retryable or number > policy.retries or (is_timeout and not policy.retry_timeouts):
                    raise
                if _is_tls_failure(exc):
                    raise  # an untrusted certificate or a plain-HTTP port answers the same every time
                waited = policy.backoff(number)
                await policy.sleep(waited)
                continue
            elapsed = (time.perf_counter() - started) * 1000
            attempt = Attempt(number, response.status_code, None, elapsed, waited * 1000)
            _record(request, attempt)
            if not retryable or number > policy.retries or response.status_code not in policy.statuses:
                return response
            delay = policy.backoff(number)
            hinted = parse_retry_after(response.headers.get("retry-after"))
            if hinted is not None:
                delay = min(hinted, policy.retry_after_cap)
                attempt.error = f"Retry-After {hinted:g} s" + (
                    f" (capped to {policy.retry_after_cap:g} s)" if hinted > policy.retry_after_cap else ""
                )
            await response.aclose()
            waited = delay
            await policy.sleep(delay)

    async def aclose(self) -> None:
        await self.inner.aclose()


@dataclass
class _HostState:
    failures: int = 0
    opened_at: float | None = None
    probing: bool = False


class CircuitBreaker:
    """Per-host state. `threshold` consecutive failed attempts open the circuit for `cool_down`
    seconds; then one probe is let through (half-open): success closes it, failure re-opens it.
    Failures are transport errors (refused, reset, timeouts) and the statuses that say the host
    or its gateway is unavailable (502/503/504). A 500 is one handler's bug, often what a test
    expects, and a 429 asks us to slow down (the retry layer handles it): neither counts."""

    def __init__(self, threshold: int = 5, cool_down: float = 30.0, clock: Callable[[], float] = time.monotonic,
                 failure_statuses: frozenset[int] = frozenset({502, 503, 504})) -> None:
        self.failure_statuses = failure_statuses
        self.threshold = max(1, threshold)
        self.cool_down = cool_down
        self.clock = clock
        self._hosts: dict[str, _HostState] = {}

    @staticmethod
    def host_of(request: httpx.Request) -> str:
        url = request.url
        return f"{url.scheme}://{url.host}:{url.port or (443 if url.scheme == 'https' else 80)}"

    def state(self, host: str) -> str:
        state = self._hosts.get(host)
        if state is None or state.opened_at is None:
            return "closed"
        if self.clock() - state.opened_at >= self.cool_down:
            return "half_open"
        return "open"

    def before(self, host: str) -> None:
        """Raise SendError(kind="circuit_open") when the host is not to be contacted now."""
        state = self._hosts.setdefault(host, _HostState())
        if state.opened_at is None:
            return
        if self.clock() - state.opened_at >= self.cool_down and not state.probing:
            state.probing = True  # half-open: this request is the probe
            return
        raise SendError(
            f"circuit open for {host}: {state.failures} consecutive failures; not sent",
            kind="circuit_open",
            hint=f"the host is skipped for {self.cool_down:g} s after repeated failures",
        )

    def success(self, host: str) -> None:
        state = self._hosts.setdefault(host, _HostState())
        state.failures = 0
        state.opened_at = None
        state.probing = False

    def failure(self, host: str) -> None:
        state = self._hosts.setdefault(host, _HostState())
        state.failures += 1
        if state.probing or state.failures >= self.threshold:
            state.opened_at = self.clock()
        state.probing = False


class BreakerTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, breaker: CircuitBreaker | None = None) -> None:
        self.inner = inner
        self.breaker = breaker or CircuitBreaker()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = self.breaker.host_of(request)
        self.breaker.before(host)
        try:
            response = await self.inner.handle_async_request(request)
        except asyncio.CancelledError:
            self.breaker._hosts[host].probing = False
            raise
        except Exception:
            self.breaker.failure(host)
            raise
        if response.status_code in self.breaker.failure_statuses:
            self.breaker.failure(host)
        else:
            self.breaker.success(host)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


@dataclass
class CorrelationOptions:
    """`header` is the correlation ID header (None turns it off); `traceparent` adds a W3C trace
    context header with a fresh trace per request."""

    header: str | None = "X-Request-ID"
    traceparent: bool = False


def new_correlation_id() -> str:
    """A random (version 4) UUID as 32 hex digits, the same as `uuid.uuid4().hex`, without
    building a UUID object (a few microseconds on every request)."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    return raw.hex()


class CorrelationTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, options: CorrelationOptions | None = None) -> None:
        self.inner = inner
        self.options = options or CorrelationOptions()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        options = self.options
        if options.header:
            if options.header not in request.headers:
                request.headers[options.header] = new_correlation_id()
            request.extensions[CORRELATION_KEY] = request.headers[options.header]
        if options.traceparent and "traceparent" not in request.headers:
            request.headers["traceparent"] = f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01"
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@dataclass
class Resilience:
    """Everything `make_client` needs to wrap the network transport. None turns a layer off."""

    retry: RetryPolicy | None = field(default_factory=RetryPolicy)
    breaker: CircuitBreaker | None = field(default_factory=CircuitBreaker)
    correlation: CorrelationOptions | None = field(default_factory=CorrelationOptions)

    def wrap(self, transport: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        if self.breaker is not None:
            transport = BreakerTransport(transport, self.breaker)
        if self.retry is not None:
            transport = RetryTransport(transport, self.retry)
        if self.correlation is not None:
            transport = CorrelationTransport(transport, self.correlation)
        return transport
