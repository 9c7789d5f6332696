"""Read a JWT's claims and expiry without verifying it.

tui-api is a client: it cannot check the signature (it has no key) and does not need to. It only
needs to show what a token says and to refuse to send one that has already expired, so the user
gets "token expired at ..." instead of a puzzling 401 from the server.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any


@dataclass
class JwtInfo:
    header: dict[str, Any] = field(default_factory=dict)
    claims: dict[str, Any] = field(default_factory=dict)

    @property
    def expires_at(self) -> float | None:
        exp = self.claims.get("exp")
        return float(exp) if isinstance(exp, (int, float)) and not isinstance(exp, bool) else None

    def expired(self, now: float | None = None, leeway: float = 0.0) -> bool:
        exp = self.expires_at
        return exp is not None and (time.time() if now is None else now) >= exp - leeway

    def describe_expiry(self, now: float | None = None) -> str:
        exp = self.expires_at
        if exp is None:
            return "no expiry (no 'exp' claim)"
        now = time.time() if now is None else now
        stamp = datetime.fromtimestamp(exp, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
        delta = exp - now
        if delta <= 0:
            return f"EXPIRED at {stamp} ({_span(-delta)} ago)"
        return f"expires at {stamp} (in {_span(delta)})"


def _span(seconds: float) -> str:
    seconds = int(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def _b64url_json(part: str) -> Any:
    padded = part + "=" * (-len(part) % 4)
    return json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))


def decode_jwt(token: str) -> JwtInfo | None:
    """The header and claims of a JWT (JWS compact form), or None when `token` is not one."""
    parts = token.strip().split(".")
    if len(parts) != 3 or not parts[0] or not parts[1]:
        return None
    try:
        header = _b64url_json(parts[0])
        claims = _b64url_json(parts[1])
    except (ValueError, UnicodeError, TypeError):
        return None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        return None
    return JwtInfo(header=header, claims=claims)


def make_unsigned_jwt(claims: dict[str, Any]) -> str:
    """An unsigned (alg "none") JWT: for tests and demos, never for real auth."""

    def enc(obj: Any) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{enc({'alg': 'none', 'typ': 'JWT'})}.{enc(claims)}.sig"
