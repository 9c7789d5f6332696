"""`auth test` for the CLI and the TUI's test button: is this profile usable right now?

Plain kinds: every secret is readable (and a JWT has not expired). OAuth 2.0: fetch a token now.
The answer is a few lines that never contain a secret or a token; failures raise AuthError.
"""

from __future__ import annotations

import time

import httpx

from tui_api.core.auth.jwt import decode_jwt
from tui_api.core.auth.kinds import kind_spec
from tui_api.core.auth.oauth2 import ClientCredentialsAuth, Token
from tui_api.core.auth.profiles import AuthProfile
from tui_api.core.auth.provider import build_auth, env_sources, read_secrets
from tui_api.core.auth.secrets import SecretStore, env_var_name
from tui_api.core.errors import AuthError


def _prepare(profile: AuthProfile, store: SecretStore, overrides: dict[str, str] | None) -> tuple[list[str], dict[str, str]]:
    """(the lines saying where each secret comes from, the secrets)."""
    problems = profile.problems()
    if problems:
        raise AuthError(f"auth profile '{profile.name}' is incomplete: {'; '.join(problems)}")
    lines = [f"profile '{profile.name}' ({kind_spec(profile.kind).label}, {profile.origin})"]
    secrets = read_secrets(profile, store, overrides)
    for spec in kind_spec(profile.kind).secret_fields:
        if overrides and overrides.get(spec.name):
            where = "typed in the form"
        else:
            found = store.lookup(profile.name, spec.name)
            where = f"from {env_var_name(profile.name, spec.name)}" if found.source == "env" else "from the keyring"
        lines.append(f"{spec.name}: present ({where})")
    return lines, secrets


def describe_token(token: Token, now: float | None = None) -> str:
    now = time.time() if now is None else now
    parts = [f"got a {token.token_type} token"]
    if token.expires_at is not None:
        parts.append(f"valid for {max(0, int(token.expires_at - now))} s")
    else:
        parts.append("with no expiry given")
    if token.scope:
        parts.append(f"scope '{token.scope}'")
    return ", ".join(parts)


def _plain_lines(profile: AuthProfile, secrets: dict[str, str], env_vars: dict[str, str]) -> list[str]:
    lines = []
    if profile.kind == "bearer":
        info = decode_jwt(secrets["token"])
        if info is None:
            lines.append("token: opaque (not a JWT), cannot tell its expiry")
        else:
            claims = {k: info.claims[k] for k in ("sub", "iss", "aud", "scope") if k in info.claims}
            if claims:
                lines.append("JWT claims: " + ", ".join(f"{k}={v}" for k, v in claims.items()))
            lines.append(f"JWT {info.describe_expiry()}")
    build_auth(profile, secrets, env_vars=env_vars)  # raises on an expired JWT or a bad field
    return lines


def check_profile(profile: AuthProfile, store: SecretStore, overrides: dict[str, str] | None = None,
                  *, verify: bool = True) -> list[str]:
    """`verify=False` (`auth test --insecure`) for a token endpoint with a self-signed
    certificate, as `tui-api run --insecure` would reach it."""
    lines, secrets = _prepare(profile, store, overrides)
    if profile.kind == "oauth2_client_credentials":
        auth = build_auth(profile, secrets, store=store)
        assert isinstance(auth, ClientCredentialsAuth)
        if verify:
            lines.append(describe_token(auth.fetch_now()))
        else:
            with httpx.Client(verify=False, timeout=httpx.Timeout(10.0, read=30.0)) as client:
                lines.append(describe_token(auth.fetch_now(client)))
        return lines
    return lines + _plain_lines(profile, secrets, env_sources(profile, store, overrides))


async def acheck_profile(profile: AuthProfile, store: SecretStore, overrides: dict[str, str] | None = None) -> list[str]:
    lines, secrets = _prepare(profile, store, overrides)
    if profile.kind == "oauth2_client_credentials":
        auth = build_auth(profile, secrets, store=store)
        assert isinstance(auth, ClientCredentialsAuth)
        lines.append(describe_token(await auth.afetch_now()))
        return lines
    return lines + _plain_lines(profile, secrets, env_sources(profile, store, overrides))
