"""The auth kinds tui-api knows and the fields each one has.

One table drives everything that needs to know a kind's shape: profile validation, the CLI's
`auth set` options, the TUI form (which inputs to show, which to mask) and `auth list`. A field is
either plain (stored in the collection or the personal profiles file) or secret (stored only in the
keyring or read from an environment variable, never written to a file).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    secret: bool = False
    required: bool = False
    default: str = ""
    choices: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class KindSpec:
    kind: str
    label: str
    fields: tuple[FieldSpec, ...] = field(default_factory=tuple)

    @property
    def plain_fields(self) -> tuple[FieldSpec, ...]:
        return tuple(f for f in self.fields if not f.secret)

    @property
    def secret_fields(self) -> tuple[FieldSpec, ...]:
        return tuple(f for f in self.fields if f.secret)

    def field(self, name: str) -> FieldSpec | None:
        for spec in self.fields:
            if spec.name == name:
                return spec
        return None


# Basic and Digest ask for the same two things; only the way they are sent differs.
_USER_AND_PASSWORD = (
    FieldSpec("username", "Username", required=True),
    FieldSpec("password", "Password", secret=True, required=True),
)

KINDS: dict[str, KindSpec] = {
    spec.kind: spec
    for spec in (
        KindSpec(
            "apikey",
            "API key",
            (
                FieldSpec("in", "Sent in", default="header", choices=("header", "query", "cookie"),
                          help="where the key goes: header, query or cookie"),
                FieldSpec("name", "Name", default="X-API-Key", help="header, query parameter or cookie name"),
                FieldSpec("prefix", "Value prefix", help="text before the key, e.g. 'Token' (header only)"),
                FieldSpec("key", "API key", secret=True, required=True),
            ),
        ),
        KindSpec("basic", "HTTP Basic", _USER_AND_PASSWORD),
        KindSpec(
            "bearer",
            "Bearer token / JWT",
            (
                FieldSpec("prefix", "Scheme", default="Bearer", help="the word before the token"),
                FieldSpec("token", "Token", secret=True, required=True),
            ),
        ),
        KindSpec("digest", "HTTP Digest", _USER_AND_PASSWORD),
        KindSpec(
            "oauth2_client_credentials",
            "OAuth 2.0 client credentials",
            (
                FieldSpec("token_url", "Token URL", required=True),
                FieldSpec("client_id", "Client ID", required=True),
                FieldSpec("scopes", "Scopes", help="space-separated"),
                FieldSpec("audience", "Audience"),
                FieldSpec("client_auth", "Client authentication", default="basic", choices=("basic", "body"),
                          help="send the client secret in a Basic header or in the form body"),
                FieldSpec("client_secret", "Client secret", secret=True, required=True),
            ),
        ),
    )
}


def kind_spec(kind: str) -> KindSpec:
    from tui_api.core.errors import AuthError

    try:
        return KINDS[kind]
    except KeyError:
        raise AuthError(f"unknown auth kind '{kind}'", hint=f"use one of: {', '.join(KINDS)}") from None


def all_plain_field_names() -> list[str]:
    """Every plain field of every kind, in table order without repeats (for CLI options)."""
    seen: list[str] = []
    for spec in KINDS.values():
        for f in spec.plain_fields:
            if f.name not in seen:
                seen.append(f.name)
    return seen
