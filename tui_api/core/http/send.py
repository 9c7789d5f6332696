"""The one send pipeline: an `httpx.Request` in, an `Exchange` out, on a shared pooled client.

Failures never raise to the caller: a refused connection, a DNS or TLS failure or a timeout comes
back as an Exchange with `error` set, so the TUI can show it in the response pane and the runner can
count it. Cancellation (Escape in the TUI, Ctrl-C in the runner) propagates as asyncio.CancelledError.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from tui_api.core.auth.oauth2 import auth_error_for_token_failure
from tui_api.core.auth.redirects import strip_cross_origin_credentials
from tui_api.core.errors import SendError
from tui_api.core.http.exchange import Attempt, Exchange
from tui_api.core.http.redact import redact_headers
from tui_api.core.http.resilience import ATTEMPTS_KEY, CORRELATION_KEY, Resilience

DEFAULT_MAX_BODY = 20 * 1024 * 1024  # what we keep in memory of a response body
_DEFAULT = object()


@dataclass
class Timeouts:
    """Defaults documented in the README: connect 10 s, read 30 s, total 120 s."""

    connect: float = 10.0
    read: float = 30.0
    total: float = 120.0

    def httpx(self) -> httpx.Timeout:
        return httpx.Timeout(connect=self.connect, read=self.read, write=self.read, pool=self.connect)


class _Cookies(httpx.Cookies):
    """httpx hands every response to the cookie jar, which first wraps it in urllib
    request/response stand-ins (an email.Message of all headers): ~60 us per response, a tenth
    of the runner's time per request against a local server. The jar only ever reads Set-Cookie
    and Set-Cookie2, so a response without either is skipped: the same cookies are kept."""

    def extract_cookies(self, response: httpx.Response) -> None:
        headers = response.headers
        if "set-cookie" in headers or "set-cookie2" in headers:
            super().extract_cookies(response)


class _AsyncClient(httpx.AsyncClient):
    """httpx.AsyncClient whose cookie store is `_Cookies` (also after `client.cookies = ...`)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._cookies = _Cookies(self._cookies)

    @property  # type: ignore[override]
    def cookies(self) -> httpx.Cookies:
        return self._cookies

    @cookies.setter
    def cookies(self, cookies: object) -> None:
        self._cookies = _Cookies(cookies)


def make_client(
    *,
    verify: bool = True,
    timeouts: Timeouts | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    follow_redirects: bool = True,
    max_connections: int = 100,
    resilience: Resilience | None | object = _DEFAULT,
    backend: str = "auto",
) -> httpx.AsyncClient:
    """The shared client: one pool for the app's lifetime (or one run).

    `transport` replaces the network transport (tests pass httpx.MockTransport); `resilience`
    wraps it with retries, a circuit breaker and correlation IDs (default: `Resilience()`; None
    for none). `backend` picks the network transport ("auto", "httpx" or "aiohttp", see
    `transports.py`)."""
    timeouts = timeouts or Timeouts()
    limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
    layers = Resilience() if resilience is _DEFAULT else resilience
    mounts = None
    if transport is None:
        from tui_api.core.http.transports import network_transport, proxy_mounts

        transport = network_transport(verify=verify, limits=limits, backend=backend)
        # HTTP(S)_PROXY: httpx would mount its own proxy transports, outside our wrappers
        mounts = proxy_mounts(verify=verify, limits=limits,
                              wrap=layers.wrap if isinstance(layers, Resilience) else None)
    if isinstance(layers, Resilience):
        transport = layers.wrap(transport)
    return _AsyncClient(
        verify=verify,
        timeout=timeouts.httpx(),
        transport=transport,
        mounts=mounts,
        follow_redirects=follow_redirects,
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
        headers={"User-Agent": "tui-api/0.1"},
        # API-key headers stay on their origin across redirects (httpx only strips Authorization).
        event_hooks={"request": [strip_cross_origin_credentials]},
    )


def describe_error(exc: BaseException) -> tuple[str, str]:
    """(kind, one line) for a transport failure, phrased for a user."""
    kind, line = _describe(exc)
    # aiohttp's parser errors span lines (a caret under the bad bytes): one line per result
    return kind, " ".join(line.split())


def _describe(exc: BaseException) -> tuple[str, str]:
    text = str(exc) or exc.__class__.__name__
    chain = _causes(exc)
    if isinstance(exc, httpx.ConnectError):
        if any(isinstance(c, ConnectionRefusedError) for c in chain):
            return "connect", "connection refused: nothing is listening there; is the server running?"
        if any(isinstance(c, socket.gaierror) for c in chain):
            return "dns", f"DNS failure: the host name could not be resolved ({text})"
        tls = next((c for c in chain if isinstance(c, ssl.SSLError)), None)
        if tls is not None:
            return "tls", _tls_line(tls)
    if isinstance(exc, httpx.ConnectTimeout):
        return "timeout", f"connect timeout: the host did not accept the connection in time ({text})"
    if isinstance(exc, httpx.ReadTimeout):
        return "timeout", "read timeout: the server stopped answering; raise the timeout or check the server"
    if isinstance(exc, (httpx.WriteTimeout, httpx.PoolTimeout, httpx.TimeoutException)):
        return "timeout", f"timeout: {text}"
    if isinstance(exc, httpx.ConnectError):
        lowered = text.lower()
        if "ssl" in lowered or "certificate" in lowered:
            return "tls", f"TLS error: {text} (use --insecure / toggle verify only if you trust the host)"
        if "name or service not known" in lowered or "nodename nor servname" in lowered or "getaddrinfo" in lowered or "name resolution" in lowered:
            return "dns", f"DNS failure: the host name could not be resolved ({text})"
        if "refused" in lowered:
            return "connect", f"connection refused: nothing is listening there; is the server running? ({text})"
        return "connect", f"connection failed: {text}"
    if isinstance(exc, httpx.RemoteProtocolError) and "location header" in text.lower():
        return "redirects", f"the server redirected to an invalid URL ({text.rstrip('.')})"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "protocol", f"the server broke the connection: {text}"
    if isinstance(exc, httpx.TooManyRedirects):
        try:
            last = f" (last to {exc.request.url})"
        except RuntimeError:
            last = ""
        return "redirects", (f"too many redirects: the server kept redirecting{last}, a redirect loop? "
                             "Set follow_redirects: false on the request to see the first answer")
    if isinstance(exc, httpx.LocalProtocolError):  # e.g. a header value an auth profile made
        return "usage", f"the request could not be sent as written: {text}"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return "usage", f"unsupported URL: {text}"
    if isinstance(exc, httpx.HTTPError):
        return "http", f"{exc.__class__.__name__}: {text}"
    return "error", f"{exc.__class__.__name__}: {text}"


async def send_exchange(
    client: httpx.AsyncClient,
    request: httpx.Request,
    *,
    auth: httpx.Auth | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    total_timeout: float | None = None,
    redacted_headers: list[tuple[str, str]] | None = None,
    secret_headers: tuple[str, ...] = (),
    follow_redirects: bool | None = None,
    observe: Callable[[Exchange], None] | None = None,
) -> Exchange:
    """Send (with the client's retries) and record the exchange. Bodies beyond `max_body` are
    counted, not kept. The request headers recorded are those actually sent (auth, correlation ID
    and idempotency key included), with secrets redacted; `secret_headers` adds header names to
    redact (an API-key profile's header)."""
    started = time.perf_counter()
    for name, value in client.headers.multi_items():
        # client.send() does not merge the client's defaults (User-Agent, Accept) into a request
        # built outside it, as prepare_request's are
        if name not in request.headers:
            request.headers[name] = value
    if client.cookies and "cookie" not in request.headers:
        # A session cookie from a login response goes out on later requests to that site, as in a
        # browser, Postman or Newman. client.send() attaches the jar only on redirect hops; a Cookie
        # header the user wrote wins over the jar.
        client.cookies.set_cookie_header(request)
    attempts: list[Attempt] = []
    request.extensions[ATTEMPTS_KEY] = attempts
    exchange = Exchange(
        method=request.method,
        url=str(request.url),
        # without an observer nobody sees the record before the headers as sent replace these
        request_headers=redacted_headers if redacted_headers is not None else redact_headers(
            request.headers.multi_items(), secret_headers) if observe is not None else [],
        request_body=_request_body(request, max_body),
        started_at=time.time(),
    )
    sent: list[httpx.Request] = [request]
    if observe is not None:  # the caller watches the live record (progress; what arrived before a cancel)
        observe(exchange)

    async def run() -> None:
        if follow_redirects is None:
            response = await client.send(request, auth=auth, stream=True)
        else:
            response = await client.send(request, auth=auth, stream=True, follow_redirects=follow_redirects)
        sent[0] = response.request
        try:
            exchange.status = response.status_code
            exchange.reason = response.reason_phrase
            exchange.http_version = response.http_version
            exchange.headers = list(response.headers.multi_items())
            exchange.url = str(response.url)
            # chunks joined once at the end: one allocation of the exact size, instead of a
            # growing buffer plus a copy (which fragments the heap and keeps RSS up on big bodies)
            chunks: list[bytes] = []
            kept = 0
            size = 0
            # without a Content-Encoding the decoded bytes are the raw bytes: aiter_raw skips
            # httpx's identity decoder and its generator layer (a few % of a request's time)
            stream = response.aiter_raw() if "content-encoding" not in response.headers else response.aiter_bytes()
            try:
                async for chunk in stream:
                    size += len(chunk)
                    exchange.body_size = size
                    room = max_body - kept
                    if room > 0:
                        piece = chunk if len(chunk) <= room else chunk[:room]
                        chunks.append(piece)
                        kept += len(piece)
            except httpx.DecodingError as exc:  # Content-Encoding says gzip, the bytes are not
                kind, line = describe_error(exc)
                encoding = response.headers.get("content-encoding", "?")
                exchange.error, exchange.error_kind = (
                    f"the body could not be decoded as Content-Encoding: {encoding} ({line})", "protocol")
            except httpx.HTTPError as exc:
                kind, line = describe_error(exc)
                exchange.error, exchange.error_kind = f"body broke off after {size} bytes: {line}", kind
            finally:  # also on a cancel or the total timeout: what arrived is kept
                exchange.body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
                del chunks
                exchange.body_size = size
                exchange.truncated = size > kept
        finally:
            await response.aclose()

    try:
        if total_timeout:
            # asyncio.timeout, not wait_for: wait_for (3.11) runs run() in a task of its own,
            # one more task and loop turn per request
            async with asyncio.timeout(total_timeout):
                await run()
        else:
            await run()
    except asyncio.TimeoutError:
        exchange.error, exchange.error_kind = f"total timeout: no complete answer within {total_timeout:g} s", "timeout"
    except httpx.HTTPError as exc:
        token_failure = auth_error_for_token_failure(exc)
        if token_failure is not None:  # the OAuth token endpoint failed: the request was not sent
            raise token_failure from exc
        exchange.error_kind, exchange.error = describe_error(exc)
    except SendError as exc:
        exchange.error_kind, exchange.error = exc.kind, str(exc)
    except ssl.SSLError as exc:
        exchange.error_kind, exchange.error = "tls", f"TLS error: {exc}"
    except OSError as exc:
        exchange.error_kind, exchange.error = "connect", f"connection failed: {exc}"
    exchange.elapsed_ms = (time.perf_counter() - started) * 1000
    final = sent[0]
    if redacted_headers is None:
        exchange.request_headers = redact_headers(final.headers.multi_items(), secret_headers)
    exchange.correlation_id = final.extensions.get(CORRELATION_KEY) or request.extensions.get(CORRELATION_KEY)
    if not attempts:
        attempts.append(Attempt(1, exchange.status, exchange.error, exchange.elapsed_ms))
    elif exchange.error and attempts[-1].error is None:
        attempts[-1].error = exchange.error  # e.g. the body broke off after the headers came
    exchange.attempts = attempts
    return exchange


# OpenSSL's reasons when the other end is not speaking TLS at all (a plain-HTTP port)
_NOT_TLS_REASONS = {"WRONG_VERSION_NUMBER", "HTTP_REQUEST", "UNKNOWN_PROTOCOL", "PACKET_LENGTH_TOO_LONG",
                    "RECORD_LAYER_FAILURE", "UNEXPECTED_RECORD"}


def _tls_line(error: ssl.SSLError) -> str:
    """A failed handshake, phrased by its cause: turning certificate checks off helps only
    when the certificate is the problem, so only then is it suggested."""
    reason = getattr(error, "reason", None) or ""
    if isinstance(error, ssl.SSLCertVerificationError):
        why = getattr(error, "verify_message", None) or reason or str(error)
        return (f"TLS certificate not trusted: {why} (turn off certificate checks, e.g. --insecure, "
                "only for a host you trust)")
    if reason in _NOT_TLS_REASONS:
        return ("TLS handshake failed: the server does not speak HTTPS on this port "
                f"({reason.lower().replace('_', ' ')}); use http:// or check the port")
    return f"TLS error: {reason.lower().replace('_', ' ') if reason else error}"


def _causes(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 10:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _request_body(request: httpx.Request, limit: int) -> bytes | None:
    try:
        content = request.content
    except httpx.RequestNotRead:
        return None
    return content[:limit] if content else None
