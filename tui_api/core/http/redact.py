"""Redaction: what the app writes or shows of a request never carries a secret.

Used for history, reports, logs, exported snippets and the TUI's request view. Header names are
matched case-insensitively; callers add the names their auth profiles use (an API key header such
as `X-API-Key`) and the literal secret values they know, which are masked wherever they appear.
"""

from __future__ import annotations

from collections.abc import Iterable

import httpx

MASK = "••••••"
URL_MASK = "REDACTED"  # ASCII, so it survives URL encoding

SENSITIVE_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "api-key",
        "x-auth-token",
        "x-access-token",
    }
)
SENSITIVE_QUERY = frozenset({"api_key", "apikey", "api-key", "access_token", "token", "key", "client_secret", "password"})


def is_sensitive_header(name: str, extra: Iterable[str] = ()) -> bool:
    lowered = name.lower()
    return lowered in SENSITIVE_HEADERS or lowered in {e.lower() for e in extra}


def redact_headers(headers: Iterable[tuple[str, str]], extra: Iterable[str] = ()) -> list[tuple[str, str]]:
    extra_set = {e.lower() for e in extra}
    out: list[tuple[str, str]] = []
    for name, value in headers:
        if name.lower() in SENSITIVE_HEADERS or name.lower() in extra_set:
            scheme = value.split(" ", 1)[0] if name.lower() in ("authorization", "proxy-authorization") and " " in value else ""
            out.append((name, f"{scheme} {MASK}".strip()))
        else:
            out.append((name, value))
    return out


def redact_url(url: str, extra_params: Iterable[str] = ()) -> str:
    """Mask sensitive query parameters and any user:password in the URL."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        return url
    names = SENSITIVE_QUERY | {e.lower() for e in extra_params}
    changed = False
    if parsed.query:
        pairs = [(k, URL_MASK if k.lower() in names else v) for k, v in parsed.params.multi_items()]
        if any(k.lower() in names for k, _ in parsed.params.multi_items()):
            parsed = parsed.copy_with(params=httpx.QueryParams(pairs))
            changed = True
    if parsed.password:
        parsed = parsed.copy_with(username=parsed.username, password=URL_MASK)
        changed = True
    return str(parsed) if changed else url


def mask_secrets(text: str, secrets: Iterable[str]) -> str:
    """Mask literal secret values wherever they appear (bodies, error messages)."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, MASK)
            if "\u2026" in text:  # a shortened value ("...SECR…") must not keep a secret's start
                for size in range(len(secret) - 1, 3, -1):
                    cut = secret[:size] + "\u2026"
                    if cut in text:
                        text = text.replace(cut, MASK + "\u2026")
                        break
    return text
