"""httpx.Auth subclasses for the simple kinds: API key, Bearer/JWT, Basic, Digest.

Each receives its secret already resolved (the provider reads it before anything is sent, so a
missing secret stops the request with an AuthError instead of sending it without credentials).
OAuth 2.0 client credentials lives in `oauth2.py`.
"""

from __future__ import annotations

from collections.abc import Generator

import httpx

from tui_api.core.auth.jwt import decode_jwt
from tui_api.core.auth.redirects import mark_credentials
from tui_api.core.errors import AuthError


class ApiKeyAuth(httpx.Auth):
    """An API key in a header, a query parameter or a cookie, under a configurable name."""

    def __init__(self, key: str, *, name: str = "X-API-Key", location: str = "header", prefix: str = "") -> None:
        if location not in ("header", "query", "cookie"):
            raise AuthError(f"an API key goes in a header, query or cookie, not '{location}'")
        if not name:
            raise AuthError("an API key profile needs the header, parameter or cookie 'name'")
        self.key = key
        self.name = name
        self.location = location
        self.prefix = prefix

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self.location == "header":
            request.headers[self.name] = f"{self.prefix} {self.key}" if self.prefix else self.key
            mark_credentials(request, [self.name])
        elif self.location == "query":
            request.url = request.url.copy_set_param(self.name, self.key)
        else:
            existing = request.headers.get("Cookie")
            cookie = f"{self.name}={self.key}"
            request.headers["Cookie"] = f"{existing}; {cookie}" if existing else cookie
            mark_credentials(request, ["Cookie"])
        yield request


class BearerAuth(httpx.Auth):
    """A static bearer token. A JWT whose `exp` has passed is refused before sending."""

    def __init__(self, token: str, *, prefix: str = "Bearer", profile: str = "", env_var: str | None = None) -> None:
        """`env_var`: the TUI_API_SECRET_* variable the token came from, if it did (then that is
        what to update: it wins over the keyring, so `auth set` would not help)."""
        self.token = token.strip()
        self.prefix = prefix or "Bearer"
        self.profile = profile
        self.env_var = env_var
        self.jwt = decode_jwt(self.token)

    def check_not_expired(self) -> None:
        if self.jwt is not None and self.jwt.expired():
            if self.env_var:
                hint = f"the token comes from the environment variable {self.env_var}: put a new token in it"
            else:
                hint = f"get a new token and run `tui-api auth set {self.profile}`"
            raise AuthError(
                f"auth profile '{self.profile}': the bearer token (JWT) {self.jwt.describe_expiry()}", hint=hint,
            )

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self.check_not_expired()
        request.headers["Authorization"] = f"{self.prefix} {self.token}"
        yield request


class DigestAuth(httpx.DigestAuth):
    """httpx's Digest, with the request body read first so the challenged retry can resend it."""

    requires_request_body = True


BasicAuth = httpx.BasicAuth
