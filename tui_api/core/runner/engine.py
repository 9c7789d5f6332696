"""The replay engine behind `tui-api run`: sends a Plan through the same pipeline as the TUI.

With `jobs=1` requests run one after another in file order. With `jobs=N` every request starts
as soon as the requests it depends on (see plan.py) have finished and a slot is free, so
independent requests overlap while captures still flow in order. `rate` spaces request starts.
`interrupt()` (Ctrl-C) cancels what is in flight and marks the rest as not run; the result still
covers everything that finished, so reports can be written.

Memory stays flat: each response body is streamed and kept up to `max_body` for the checks, then
cut to `report_body_limit` before the result is stored.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import httpx

from tui_api.core.collection.model import Collection
from tui_api.core.collection.variables import VariableContext
from tui_api.core.errors import AuthError, SendError, TuiApiError, VariableError
from tui_api.core.http.exchange import Exchange
from tui_api.core.http.pipeline import AuthProvider, SendOptions, execute
from tui_api.core.http.resilience import (
    CircuitBreaker,
    CorrelationOptions,
    Resilience,
    RetryPolicy,
    Sleep,
)
from tui_api.core.http.send import Timeouts, make_client
from tui_api.core.runner.checks import BodyView, CheckResult, SchemaSource, run_captures, run_checks
from tui_api.core.runner.plan import Plan, PlannedRequest

DEFAULT_MAX_BODY = 10 * 1024 * 1024
DEFAULT_REPORT_BODY_LIMIT = 64 * 1024


@dataclass
class RunOptions:
    """Defaults documented in the README (`tui-api run --help`)."""

    jobs: int = 1
    rate: float | None = None  # request starts per second
    bail: bool = False
    timeouts: Timeouts = field(default_factory=Timeouts)
    retries: int = 2
    insecure: bool = False
    max_body: int = DEFAULT_MAX_BODY
    report_body_limit: int = DEFAULT_REPORT_BODY_LIMIT
    idempotency_keys: bool = False
    correlation_header: str | None = "X-Request-ID"
    traceparent: bool = False
    breaker_threshold: int = 5
    breaker_cool_down: float = 30.0
    backend: str = "auto"
    retry_base_delay: float = 0.5
    retry_max_delay: float = 10.0
    retry_after_cap: float = 30.0
    sleep: Sleep = asyncio.sleep  # injectable: tests record waits instead of sleeping

    @classmethod
    def from_collection(cls, options: Mapping[str, object], **overrides: object) -> RunOptions:
        """Collection-wide `options:` under command-line overrides: idempotency_key (bool),
        correlation_header (name, or false for none), traceparent (bool), retries, timeout (s),
        breaker_threshold, breaker_cool_down (s), retry_after_cap (s), retry_base_delay (s),
        retry_max_delay (s)."""
        run = cls()
        if isinstance(options.get("idempotency_key"), bool):
            run.idempotency_keys = bool(options["idempotency_key"])
        if "correlation_header" in options:
            value = options["correlation_header"]
            run.correlation_header = str(value) if value not in (None, False, "") else None
        if isinstance(options.get("traceparent"), bool):
            run.traceparent = bool(options["traceparent"])
        for key in ("retries", "breaker_threshold"):
            if isinstance(options.get(key), int) and not isinstance(options.get(key), bool):
                setattr(run, key, int(options[key]))  # type: ignore[arg-type]
        for key in ("breaker_cool_down", "retry_after_cap", "retry_base_delay", "retry_max_delay"):
            value = options.get(key)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
                setattr(run, key, float(value))
        if isinstance(options.get("timeout"), (int, float)) and not isinstance(options.get("timeout"), bool):
            run.timeouts = _timeouts_for(float(options["timeout"]))  # type: ignore[arg-type]
        for key, value in overrides.items():
            if value is not None:
                setattr(run, key, value)
        return run


def _skips_verify(request) -> bool:
    return isinstance(request.options, dict) and request.options.get("verify") is False


def _timeouts_for(seconds: float) -> Timeouts:
    base = Timeouts()
    return Timeouts(connect=min(base.connect, seconds), read=seconds, total=max(base.total, seconds * 3))


def timeouts_for(seconds: float) -> Timeouts:
    """`--timeout SECONDS`: the per-attempt connect/read limit; the total (all retries) stays
    at least the default 120 s."""
    return _timeouts_for(seconds)


@dataclass
class RequestResult:
    planned: PlannedRequest
    outcome: str  # "passed", "failed" (a check), "error" (no response), "skipped" (not run)
    exchange: Exchange | None = None
    checks: list[CheckResult] = field(default_factory=list)
    captured: dict[str, str] = field(default_factory=dict)
    message: str = ""  # why, for error and skipped

    @property
    def attempts(self) -> int:
        """Tries of this request: 1 + its retries. A followed redirect adds a hop to the attempt
        log (numbered from 1 again), not a retry: `len(attempts)` counted a 302 as a retry."""
        return 1 + self.retries if self.exchange else 0

    @property
    def retries(self) -> int:
        return sum(1 for attempt in self.exchange.attempts if attempt.number > 1) if self.exchange else 0

    @property
    def failed_checks(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.passed and not c.skipped]

    @property
    def passed_checks(self) -> list[CheckResult]:
        return [c for c in self.checks if c.passed]


@dataclass
class RunResult:
    name: str
    results: list[RequestResult]
    started_at: float
    elapsed_ms: float = 0.0
    interrupted: bool = False

    def __repr__(self) -> str:
        # compact: asyncio may repr the task holding this (see Exchange.body)
        return (f"RunResult({self.name!r}, {len(self.results)} results, failures={self.failures}, "
                f"interrupted={self.interrupted})")

    @property
    def failures(self) -> int:
        return sum(1 for r in self.results if r.outcome in ("failed", "error"))

    @property
    def errors(self) -> int:
        return sum(1 for r in self.results if r.outcome == "error")

    @property
    def retries(self) -> int:
        return sum(r.retries for r in self.results)

    def percentile(self, fraction: float) -> float | None:
        times = sorted(r.exchange.elapsed_ms for r in self.results if r.exchange and r.exchange.status is not None)
        if not times:
            return None
        rank = max(0, min(len(times) - 1, int(round(fraction * (len(times) - 1)))))
        return times[rank]

    def exit_code(self) -> int:
        """0 all passed, 1 a check failed, 3 a request could not complete, 130 interrupted."""
        if self.interrupted:
            return 130
        if any(r.outcome == "error" for r in self.results):
            return 3
        if any(r.outcome in ("failed", "skipped") for r in self.results):
            return 1
        return 0

    @property
    def started_iso(self) -> str:
        return datetime.fromtimestamp(self.started_at, tz=timezone.utc).isoformat(timespec="seconds")


def variable_context(variables: Mapping[str, str] | VariableContext) -> VariableContext:
    """The run's variables: a VariableContext (collection, environment, .env, $env, captures,
    --var, in that precedence), or a plain mapping treated as the collection's variables."""
    if isinstance(variables, VariableContext):
        return variables
    return VariableContext(collection_vars=dict(variables))


class Runner:
    """One run. Create, then `await run()`; `interrupt()` from a signal handler."""

    def __init__(
        self,
        collection: Collection,
        plan: Plan,
        *,
        variables: Mapping[str, str] | VariableContext,
        options: RunOptions | None = None,
        auth_provider: AuthProvider | None = None,
        schema_source: SchemaSource | None = None,
        client: httpx.AsyncClient | None = None,
        on_start: Callable[[PlannedRequest], None] | None = None,
        on_result: Callable[[RequestResult], None] | None = None,
        secret_headers: tuple[str, ...] = (),
    ) -> None:
        self.collection = collection
        self.plan = plan
        self.variables = variable_context(variables)
        self.options = options or RunOptions()
        self.auth_provider = auth_provider
        self.schema_source = schema_source
        self._client = client
        self.on_start = on_start or (lambda planned: None)
        self.on_result = on_result or (lambda result: None)
        self.secret_headers = secret_headers
        self.base_dir = Path(collection.path).resolve().parent if collection.path else None
        self.results: dict[int, RequestResult] = {}
        self._stop = False
        self._interrupted = False
        self._tasks: set[asyncio.Task] = set()
        self._next_slot = 0.0
        self._rate_lock = asyncio.Lock()
        self._unverified_client: httpx.AsyncClient | None = None

    # --- public ------------------------------------------------------------------------------
    def make_client(self, *, verify: bool | None = None) -> httpx.AsyncClient:
        """`verify` None: as --insecure says; False for requests with `options: {verify: false}`
        (what `import curl` writes for `curl -k`)."""
        opts = self.options
        resilience = Resilience(
            retry=RetryPolicy(retries=max(0, opts.retries), base_delay=opts.retry_base_delay,
                              max_delay=opts.retry_max_delay, retry_after_cap=opts.retry_after_cap,
                              sleep=opts.sleep),
            breaker=CircuitBreaker(threshold=opts.breaker_threshold, cool_down=opts.breaker_cool_down),
            correlation=CorrelationOptions(header=opts.correlation_header, traceparent=opts.traceparent),
        )
        return make_client(verify=(not opts.insecure) if verify is None else verify, timeouts=opts.timeouts,
                           resilience=resilience,
                           backend=opts.backend, max_connections=max(10, opts.jobs * 2))

    def interrupt(self) -> None:
        """Stop: cancel in-flight requests; what has not started is reported as not run.
        A second interrupt while the first is being handled ends the run at once."""
        if self._interrupted:
            raise KeyboardInterrupt
        self._interrupted = True
        self._stop = True
        for task in list(self._tasks):
            task.cancel()

    async def run(self) -> RunResult:
        started = time.time()
        clock = time.perf_counter()
        own_client = self._client is None
        client = self._client or self.make_client()
        if own_client and not self.options.insecure and any(
                _skips_verify(planned.request) for planned in self.plan.requests):
            self._unverified_client = self.make_client(verify=False)
        try:
            if self.options.jobs <= 1:
                await self._run_sequential(client)
            else:
                await self._run_concurrent(client)
        finally:
            if own_client:
                await client.aclose()
            if self._unverified_client is not None:
                await self._unverified_client.aclose()
                self._unverified_client = None
        ordered = [self._final(planned) for planned in self.plan.requests]
        return RunResult(self.collection.name, ordered, started, (time.perf_counter() - clock) * 1000,
                         self._interrupted)

    # --- scheduling ----------------------------------------------------------------------------
    def _final(self, planned: PlannedRequest) -> RequestResult:
        result = self.results.get(planned.index)
        if result is not None:
            return result
        why = "interrupted before it ran" if self._interrupted else "not run: an earlier request failed (--bail)"
        return RequestResult(planned, "skipped", message=why)

    async def _run_sequential(self, client: httpx.AsyncClient) -> None:
        for planned in self.plan.requests:
            if self._stop:
                break
            task = asyncio.ensure_future(self._one(client, planned))
            self._tasks.add(task)
            try:
                await task
            except asyncio.CancelledError:
                if not self._interrupted:
                    raise
            finally:
                self._tasks.discard(task)

    async def _run_concurrent(self, client: httpx.AsyncClient) -> None:
        done: dict[int, asyncio.Event] = {p.index: asyncio.Event() for p in self.plan.requests}
        slots = asyncio.Semaphore(self.options.jobs)

        async def start(planned: PlannedRequest) -> None:
            try:
                for dep in planned.deps:
                    await done[dep].wait()
                if self._stop:
                    return
                async with slots:
                    if self._stop:
                        return
                    await self._one(client, planned)
            finally:
                done[planned.index].set()

        for planned in self.plan.requests:
            task = asyncio.ensure_future(start(planned))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _pace(self) -> None:
        rate = self.options.rate
        if not rate or rate <= 0:
            return
        async with self._rate_lock:
            now = time.monotonic()
            wait = self._next_slot - now
            self._next_slot = max(now, self._next_slot) + 1.0 / rate
        if wait > 0:
            await self.options.sleep(wait)

    # --- one request ---------------------------------------------------------------------------
    async def _one(self, client: httpx.AsyncClient, planned: PlannedRequest) -> None:
        await self._pace()
        if self._stop:
            return
        self.on_start(planned)
        try:
            result = await self._send_and_check(client, planned)
        except asyncio.CancelledError:
            if self._interrupted:
                result = RequestResult(planned, "skipped", message="interrupted while in flight (cancelled)")
                self.results[planned.index] = result
                self.on_result(result)
            raise
        except Exception as exc:  # noqa: BLE001 - one request's bug must not lose the run's results
            # (and its reports); the message asks for a report since it is ours, not the server's
            result = RequestResult(planned, "error", message=f"internal error: {exc.__class__.__name__}: "
                                   f"{exc} (please report it; the other requests ran)")
        self.results[planned.index] = result
        if result.outcome != "passed" and self.options.bail:
            self._stop = True
        self.on_result(result)

    async def _send_and_check(self, client: httpx.AsyncClient, planned: PlannedRequest) -> RequestResult:
        request = planned.request
        opts = self.options
        extra = request.options if isinstance(request.options, dict) else {}
        if self._unverified_client is not None and _skips_verify(request):
            client = self._unverified_client
        per_request = extra.get("timeout")
        follow = extra.get("follow_redirects")
        send_options = SendOptions(
            max_body=opts.max_body,
            total_timeout=opts.timeouts.total,
            idempotency_key=bool(extra.get("idempotency_key", opts.idempotency_keys)),
            secret_headers=self.secret_headers,
            timeout=float(per_request) if isinstance(per_request, (int, float)) and not isinstance(per_request, bool)
            else None,
            follow_redirects=follow if isinstance(follow, bool) else None,
        )
        try:
            exchange = await execute(
                request,
                client=client,
                variables=self.variables,
                auth_profile=planned.auth,
                auth_provider=self.auth_provider,
                base_dir=self.base_dir,
                options=send_options,
            )
        except VariableError as exc:
            missing = sorted(name for name in planned.uses if self.variables.raw(name) is None)
            if missing:
                names = ", ".join("{{" + name + "}}" for name in missing)
                return RequestResult(planned, "skipped", message=f"not sent: no value for {names}; "
                                     "the earlier request that captures it did not")
            return RequestResult(planned, "skipped", message=f"not sent: {exc}")
        except (AuthError, SendError) as exc:
            return RequestResult(planned, "error", message=f"not sent: {exc}")
        except TuiApiError as exc:
            return RequestResult(planned, "error", message=f"not sent: {exc}")
        if exchange.status is None or (exchange.error and exchange.error_kind in ("circuit_open",)):
            return RequestResult(planned, "error", exchange, message=exchange.error or "no response")
        body = BodyView(exchange)
        checks = run_checks(request.expect, exchange, body=body, operation=request.operation,
                            schema_source=self.schema_source)
        captured, capture_failures = run_captures(request.capture, exchange, body)
        checks.extend(capture_failures)
        for name, value in captured.items():
            self.variables.capture(name, value)
        self._trim(exchange)
        if exchange.error:  # the body broke off: the checks ran on what came, but it is an error
            return RequestResult(planned, "error", exchange, checks, captured, message=exchange.error)
        outcome = "failed" if any(not c.passed and not c.skipped for c in checks) else "passed"
        return RequestResult(planned, outcome, exchange, checks, captured)

    def _trim(self, exchange: Exchange) -> None:
        limit = self.options.report_body_limit
        if len(exchange.body) > limit:
            exchange.body = exchange.body[:limit]
            exchange.truncated = True
        if exchange.request_body is not None and len(exchange.request_body) > limit:
            exchange.request_body = exchange.request_body[:limit]
