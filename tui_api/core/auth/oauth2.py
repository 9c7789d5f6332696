"""OAuth 2.0 client credentials (RFC 6749 section 4.4), as an httpx.Auth.

The token is fetched on first use by one extra `yield` in the auth flow (so it goes through the
same client as the request: its TLS settings, proxies and transports), cached in memory and, with
its expiry, in the keyring (so the next `tui-api run` reuses it), refreshed shortly before it
expires, and fetched again once when the API answers 401. Concurrent requests share one fetch: the
async flow holds a lock while fetching, and a request that waited finds the fresh token.

Every failure of the token endpoint becomes an AuthError naming the profile, and the API request is
not sent. A failure to reach the endpoint at all surfaces as an httpx error on the token request,
which carries `TOKEN_EXTENSION`; `auth_error_for_token_failure` turns that into an AuthError.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import time
from collections.abc import AsyncGenerator, Callable, Generator
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx

from tui_api.core.errors import AuthError
from tui_api.core.http.redact import mask_secrets

if TYPE_CHECKING:
    from tui_api.core.auth.secrets import SecretStore

TOKEN_EXTENSION = "tui_api.token_for"  # the profile name, on a token request


@dataclass
class Token:
    access_token: str
    token_type: str = "Bearer"
    expires_at: float | None = None
    issued_at: float = 0.0
    scope: str = ""
    fingerprint: str = ""

    def usable(self, now: float) -> bool:
        """Still good for a while: refreshed when 10% of its life (at most 30 s) remains."""
        if self.expires_at is None:
            return True
        margin = min(30.0, max(0.0, (self.expires_at - self.issued_at) * 0.1))
        return now < self.expires_at - margin

    def header(self) -> str:
        kind = self.token_type if self.token_type.lower() != "bearer" else "Bearer"
        return f"{kind} {self.access_token}"


@dataclass
class ClientCredentials:
    profile: str
    token_url: str
    client_id: str
    client_secret: str
    scopes: str = ""
    audience: str = ""
    client_auth: str = "basic"  # "basic" (Authorization header) or "body" (form fields)

    def fingerprint(self) -> str:
        """Changes when anything that shapes the token changes, so a cached token is not reused."""
        raw = "\n".join([self.token_url, self.client_id, self.client_secret, self.scopes, self.audience, self.client_auth])
        return hashlib.sha256(raw.encode()).hexdigest()[:20]


def token_request(creds: ClientCredentials) -> httpx.Request:
    form = {"grant_type": "client_credentials"}
    if creds.scopes.strip():
        form["scope"] = " ".join(creds.scopes.split())
    if creds.audience:
        form["audience"] = creds.audience
    headers = {"Accept": "application/json"}
    if creds.client_auth == "body":
        form["client_id"] = creds.client_id
        form["client_secret"] = creds.client_secret
    else:
        # RFC 6749 2.3.1: both parts are form-urlencoded before the Basic encoding.
        pair = f"{quote(creds.client_id, safe='')}:{quote(creds.client_secret, safe='')}"
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
    try:
        request = httpx.Request("POST", creds.token_url, data=form, headers=headers)
    except (httpx.InvalidURL, httpx.UnsupportedProtocol, TypeError) as exc:
        raise AuthError(f"auth profile '{creds.profile}': invalid token_url '{creds.token_url}': {exc}") from exc
    if request.url.scheme not in ("http", "https") or not request.url.host:
        raise AuthError(f"auth profile '{creds.profile}': token_url '{creds.token_url}' is not an http(s) URL")
    request.extensions[TOKEN_EXTENSION] = creds.profile
    return request


def parse_token_response(creds: ClientCredentials, response: httpx.Response, now: float) -> Token:
    """A Token from the endpoint's answer, or an AuthError saying what the endpoint objected to."""
    where = f"auth profile '{creds.profile}': the token endpoint {creds.token_url}"
    ctype = response.headers.get("content-type", "").split(";")[0].strip() or "no content type"
    data: Any = None
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        snippet = mask_secrets(response.text[:80].replace("\n", " "), [creds.client_secret]).strip()
        raise AuthError(
            f"{where} answered {response.status_code} with {ctype} instead of a JSON token"
            + (f" ('{snippet}...')" if snippet else ""),
            hint="check the profile's token_url",
        )
    if response.status_code < 400 and "access_token" not in data and "error" not in data:
        # a 2xx JSON object that is not a token answer (often the wrong URL): not a refusal
        keys = ", ".join(sorted(str(k) for k in data)[:6]) or "an empty object"
        raise AuthError(f"{where} answered {response.status_code} without an access_token (got {keys})",
                        hint="check the profile's token_url")
    if response.status_code >= 400 or "access_token" not in data:
        error = str(data.get("error", "")) or f"HTTP {response.status_code}"
        description = mask_secrets(str(data.get("error_description", "")), [creds.client_secret])
        detail = f"{error}: {description}" if description else error
        hint = "check the token_url"
        if error in ("invalid_client", "unauthorized_client") or response.status_code == 401:
            hint = f"check client_id, or rotate the secret with `tui-api auth set {creds.profile}`"
        elif error in ("invalid_scope", "invalid_target"):
            hint = "check the profile's scopes and audience"
        raise AuthError(f"{where} refused to issue a token ({detail})", hint=hint)
    access = data.get("access_token")
    if not isinstance(access, str) or not access:
        raise AuthError(f"{where} answered without an access_token", hint="check the token_url")
    expires_in = data.get("expires_in")
    try:
        expires_at = now + float(expires_in) if expires_in not in (None, "") else None
    except (TypeError, ValueError):
        expires_at = None
    return Token(
        access_token=access,
        token_type=str(data.get("token_type") or "Bearer"),
        expires_at=expires_at,
        issued_at=now,
        scope=str(data.get("scope") or creds.scopes),
        fingerprint=creds.fingerprint(),
    )


def auth_error_for_token_failure(exc: BaseException) -> AuthError | None:
    """An AuthError when `exc` is an httpx failure of a token request (endpoint down, DNS, TLS...)."""
    if not isinstance(exc, httpx.RequestError):
        return None
    request = getattr(exc, "_request", None)
    profile = request.extensions.get(TOKEN_EXTENSION) if request is not None else None
    if not profile:
        return None
    from tui_api.core.http.send import describe_error

    _kind, line = describe_error(exc)
    return AuthError(f"auth profile '{profile}': cannot reach the token endpoint {request.url}: {line}",
                     hint="the request was not sent")


class ClientCredentialsAuth(httpx.Auth):
    requires_request_body = True  # the request may be sent twice (after a 401)

    def __init__(
        self,
        creds: ClientCredentials,
        *,
        store: SecretStore | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.creds = creds
        self.store = store
        self.clock = clock
        self.token: Token | None = None
        self.fetch_count = 0
        self._lock: asyncio.Lock | None = None
        self._lock_loop: asyncio.AbstractEventLoop | None = None

    # -- cache ----------------------------------------------------------------------------------

    def usable_token(self) -> Token | None:
        now = self.clock()
        if self.token is not None and self.token.usable(now):
            return self.token
        if self.store is not None:
            cached = self.store.get_token(self.creds.profile)
            if cached:
                try:
                    token = Token(**{k: v for k, v in cached.items() if k in Token.__dataclass_fields__})
                except TypeError:
                    token = None
                if token and token.fingerprint == self.creds.fingerprint() and token.usable(now):
                    self.token = token
                    return token
        return None

    def accept(self, response: httpx.Response) -> Token:
        token = parse_token_response(self.creds, response, self.clock())
        self.fetch_count += 1
        self.token = token
        if self.store is not None:
            self.store.set_token(self.creds.profile, asdict(token))
        return token

    def invalidate(self, token: Token) -> None:
        if self.token is not None and self.token.access_token == token.access_token:
            self.token = None
            if self.store is not None:
                self.store.delete_token(self.creds.profile)

    def _authorize(self, request: httpx.Request, token: Token) -> httpx.Request:
        request.headers["Authorization"] = token.header()
        return request

    def _alock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self._lock is None or self._lock_loop is not loop:
            self._lock, self._lock_loop = asyncio.Lock(), loop
        return self._lock

    # -- flows ----------------------------------------------------------------------------------

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.read()
        token = self.usable_token()
        if token is None:
            answer = yield token_request(self.creds)
            answer.read()
            token = self.accept(answer)
        response = yield self._authorize(request, token)
        if response.status_code == 401:
            self.invalidate(token)
            answer = yield token_request(self.creds)
            answer.read()
            yield self._authorize(request, self.accept(answer))

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        await request.aread()
        async with self._alock():
            token = self.usable_token()
            if token is None:
                answer = yield token_request(self.creds)
                await answer.aread()
                token = self.accept(answer)
        response = yield self._authorize(request, token)
        if response.status_code == 401:
            async with self._alock():
                current = self.usable_token()
                if current is None or current.access_token == token.access_token:
                    self.invalidate(token)
                    answer = yield token_request(self.creds)
                    await answer.aread()
                    current = self.accept(answer)
            yield self._authorize(request, current)

    # -- "fetch a token now" (CLI `auth test`, the TUI's test button) ---------------------------

    def fetch_now(self, client: httpx.Client | None = None) -> Token:
        own = client is None
        client = client or httpx.Client(timeout=httpx.Timeout(10.0, read=30.0))
        try:
            answer = client.send(token_request(self.creds))
            return self.accept(answer)
        except httpx.HTTPError as exc:
            raise (auth_error_for_token_failure(exc) or AuthError(str(exc))) from exc
        finally:
            if own:
                client.close()

    async def afetch_now(self, client: httpx.AsyncClient | None = None) -> Token:
        own = client is None
        client = client or httpx.AsyncClient(timeout=httpx.Timeout(10.0, read=30.0))
        try:
            answer = await client.send(token_request(self.creds))
            return self.accept(answer)
        except httpx.HTTPError as exc:
            raise (auth_error_for_token_failure(exc) or AuthError(str(exc))) from exc
        finally:
            if own:
                await client.aclose()
