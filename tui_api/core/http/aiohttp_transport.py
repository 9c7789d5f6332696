"""httpx's API over aiohttp's connection pool.

Why: measured here against a local server (benchmarks/runner_bench.py), httpx's default
httpcore pool ran about 1,000 requests/s sequentially and got *slower* with 8-16 concurrent
requests (~750/s), while the same httpx client over aiohttp ran ~1,800/s sequentially and
~3,300/s with 8 concurrent requests. Auth flows, redirects, cookies and our resilience wrappers
stay httpx's; only the bytes on the wire go through aiohttp.

aiohttp's exceptions are translated into httpx's (connect, DNS, TLS, timeouts, a dropped
connection, a truncated body), with the original kept as `__cause__`, so `describe_error`
phrases them the same as for the httpx backend.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator, Iterator

import aiohttp
import httpx

CHUNK = 64 * 1024


@contextlib.contextmanager
def _translated(request: httpx.Request) -> Iterator[None]:
    try:
        yield
    except httpx.HTTPError:
        raise
    except aiohttp.ConnectionTimeoutError as exc:
        raise httpx.ConnectTimeout(str(exc) or "timed out while connecting", request=request) from exc
    except aiohttp.SocketTimeoutError as exc:
        raise httpx.ReadTimeout(str(exc) or "timed out while reading", request=request) from exc
    except aiohttp.ServerTimeoutError as exc:
        raise httpx.ReadTimeout(str(exc) or "timed out", request=request) from exc
    except aiohttp.ClientConnectorCertificateError as exc:
        # the ssl error itself as the cause: describe_error reads its reason (aiohttp's own
        # message carries the repr of an SSLContext object)
        cause = exc.certificate_error if isinstance(exc.certificate_error, BaseException) else exc
        raise httpx.ConnectError(f"SSL: {exc.certificate_error}", request=request) from cause
    except aiohttp.ClientSSLError as exc:
        cause = getattr(exc, "os_error", None)
        if isinstance(cause, ssl.SSLError):
            raise httpx.ConnectError(f"SSL: {cause}", request=request) from cause
        raise httpx.ConnectError(f"SSL: {exc}", request=request) from exc
    except aiohttp.ClientConnectorError as exc:
        # keeps os_error (ConnectionRefusedError, socket.gaierror) in the cause chain
        cause = exc.os_error if isinstance(exc.os_error, BaseException) else exc
        raise httpx.ConnectError(str(exc), request=request) from cause
    except aiohttp.ServerDisconnectedError as exc:
        raise httpx.RemoteProtocolError("server disconnected without sending a complete response",
                                        request=request) from exc
    except aiohttp.ClientPayloadError as exc:
        raise httpx.RemoteProtocolError(f"incomplete body: {exc}", request=request) from exc
    except aiohttp.ClientResponseError as exc:
        # str(exc) is "400, message='<parser text with a caret diagram>', url=..."; the message's
        # words are what the user needs ("Bad status line: Expected HTTP/ ... b'NOT HTTP'")
        words = " ".join(str(exc.message or exc).split())
        raise httpx.RemoteProtocolError(f"not a valid HTTP response ({words.rstrip(' ^')})",
                                        request=request) from exc
    except (aiohttp.InvalidUrlClientError, aiohttp.NonHttpUrlClientError) as exc:
        raise httpx.UnsupportedProtocol(str(exc), request=request) from exc
    except aiohttp.ClientOSError as exc:
        raise httpx.ReadError(str(exc), request=request) from exc
    except aiohttp.ClientError as exc:
        raise httpx.TransportError(str(exc), request=request) from exc
    except asyncio.TimeoutError as exc:
        raise httpx.ReadTimeout("timed out", request=request) from exc
    except ValueError as exc:  # aiohttp refuses a header holding a line break before sending
        raise httpx.LocalProtocolError(str(exc), request=request) from exc


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(self, response: aiohttp.ClientResponse, request: httpx.Request) -> None:
        self._response = response
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _translated(self._request):
            async for chunk in self._response.content.iter_chunked(CHUNK):
                yield chunk

    async def aclose(self) -> None:
        # returns the connection to the pool when the body was read, closes it otherwise
        self._response.release()


class AiohttpTransport(httpx.AsyncBaseTransport):
    """One aiohttp ClientSession, created lazily inside the running event loop."""

    def __init__(self, *, verify: bool | ssl.SSLContext = True, limits: httpx.Limits | None = None) -> None:
        self._verify = verify
        self._limits = limits or httpx.Limits(max_connections=100, max_keepalive_connections=100)
        self._session: aiohttp.ClientSession | None = None
        self._ssl_context: ssl.SSLContext | None = None

    def _ssl(self) -> ssl.SSLContext | bool:
        """httpx's context (certifi, SSL_CERT_FILE/DIR), as the httpx backend would use; built on
        the first https request only, since loading the CA store costs tens of milliseconds."""
        if self._verify is False:
            return False
        if isinstance(self._verify, ssl.SSLContext):
            return self._verify
        if self._ssl_context is None:
            self._ssl_context = httpx.create_ssl_context(verify=True)
        return self._ssl_context

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            limits = self._limits
            connector = aiohttp.TCPConnector(
                limit=limits.max_connections or 0,
                keepalive_timeout=limits.keepalive_expiry or 5.0,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                auto_decompress=False,  # httpx decodes Content-Encoding itself
                cookie_jar=aiohttp.DummyCookieJar(),  # httpx owns cookies
                timeout=aiohttp.ClientTimeout(total=None),
                skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
            )
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        session = self._get_session()
        timeout = request.extensions.get("timeout", {})
        # raw keeps the header names' case as the user wrote them (multi_items lower-cases them)
        # aiohttp encodes header text as UTF-8: decoding the bytes as UTF-8 puts the same bytes
        # on the wire (latin-1 here turned a UTF-8 value into mojibake)
        headers = [(_text(k), _text(v)) for k, v in request.headers.raw]
        data: bytes | AsyncIterator[bytes] | None
        try:
            data = request.content or None
        except httpx.RequestNotRead:
            stream = request.stream

            async def body() -> AsyncIterator[bytes]:
                async for part in stream:  # type: ignore[union-attr]
                    yield part

            data = body()
            headers = [(k, v) for k, v in headers if k.lower() != "transfer-encoding"]
            if "content-length" not in request.headers and "transfer-encoding" not in request.headers:
                # No body at all (the GET a redirect builds from a copied empty stream): sending an
                # empty chunked body here breaks keep-alive servers that do not expect one.
                data = None
        with _translated(request):
            response = await session.request(
                request.method,
                str(request.url),
                headers=headers,
                data=data,
                allow_redirects=False,
                ssl=self._ssl() if request.url.scheme == "https" else True,
                compress=None,
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    sock_connect=timeout.get("connect"),
                    sock_read=timeout.get("read"),
                    connect=timeout.get("pool"),
                ),
            )
        version = response.version
        extensions = {"http_version": f"HTTP/{version.major}.{version.minor}".encode() if version else b"HTTP/1.1"}
        if response.reason:
            extensions["reason_phrase"] = response.reason.encode("latin-1", "replace")
        return httpx.Response(
            status_code=response.status,
            headers=list(response.raw_headers),
            stream=_ResponseStream(response, request),
            request=request,
            extensions=extensions,
        )

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
