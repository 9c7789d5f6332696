"""Auth typed straight into a request ("inline"): a kind, its plain fields and its secrets, held in
memory for one session and applied through the same `build_auth` as a stored profile.

A request refers to inline auth as `inline:<kind>` (':' is not allowed in profile names, so it can
never mean a real profile). Only that marker and the plain fields ever reach a draft or the history;
the secret values stay in the `InlineAuth` object, which also answers the redaction questions the
profile provider answers (`sensitive_names`, `secret_values`). `save_as_profile` turns it into a
real profile: plain fields into the collection (or personal file), secrets into the keyring.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

import httpx

from tui_api.core.auth.kinds import kind_spec
from tui_api.core.auth.profiles import AuthProfile, Origin, ProfileStore, validate_name
from tui_api.core.auth.provider import build_auth, sensitive_names
from tui_api.core.auth.secrets import SecretStore
from tui_api.core.errors import AuthError

INLINE_PREFIX = "inline:"
INLINE_KINDS = ("apikey", "basic", "bearer", "digest")  # OAuth needs a token cache: a profile's job


def is_inline(auth: str | None) -> bool:
    return bool(auth) and str(auth).startswith(INLINE_PREFIX)


def inline_marker(kind: str) -> str:
    return INLINE_PREFIX + kind


def inline_kind(auth: str | None) -> str | None:
    return str(auth)[len(INLINE_PREFIX):] if is_inline(auth) else None


@dataclass
class InlineAuth:
    """Callable like an AuthProvider (`name -> httpx.Auth`; the name is ignored)."""

    kind: str
    fields: dict[str, str] = field(default_factory=dict)  # plain fields only
    secrets: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def profile(self) -> AuthProfile:
        kind_spec(self.kind)
        plain = {k: v for k, v in self.fields.items() if v}
        return AuthProfile(f"inline {kind_spec(self.kind).label}", self.kind, plain, "inline")

    def missing(self) -> list[str]:
        """Labels of the required fields still empty."""
        spec = kind_spec(self.kind)
        return [f.label for f in spec.fields if f.required
                and not (self.secrets if f.secret else self.fields).get(f.name)]

    def __call__(self, _name: str | None = None) -> httpx.Auth:
        label = kind_spec(self.kind).label
        missing = self.missing()
        if missing:
            raise AuthError(f"inline {label} auth: {', '.join(missing)} is empty",
                            hint="type it in the request's Auth tab, or choose a profile there")
        if self.kind == "bearer":
            from tui_api.core.auth.jwt import decode_jwt

            info = decode_jwt(self.secrets.get("token", ""))
            if info is not None and info.expired():
                raise AuthError(f"inline bearer token (JWT) {info.describe_expiry()}",
                                hint="paste a fresh token in the request's Auth tab")
        return build_auth(self.profile, dict(self.secrets))

    def sensitive_names(self, _name: str | None = None) -> tuple[list[str], list[str]]:
        return sensitive_names(self.profile)

    def secret_values(self) -> list[str]:
        """The literal secrets, plus Basic's base64(user:password) as it travels."""
        values = {v for v in self.secrets.values() if v}
        if self.kind == "basic" and self.secrets.get("password"):
            pair = f"{self.fields.get('username') or ''}:{self.secrets['password']}".encode("utf-8")
            values.add(base64.b64encode(pair).decode("ascii"))
        return sorted(values, key=len, reverse=True)

    def plain(self) -> dict[str, str]:
        """What may be written (a draft): the kind and the plain fields, never a secret."""
        names = {f.name for f in kind_spec(self.kind).plain_fields}
        return {"kind": self.kind, **{k: v for k, v in self.fields.items() if k in names and v}}


def save_as_profile(inline: InlineAuth, name: str, profiles: ProfileStore, store: SecretStore,
                    where: Origin = "collection") -> AuthProfile:
    """Store inline auth as the profile `name`: secrets first (a keyring failure leaves no file
    changed and names the TUI_API_SECRET_ variable), then the plain fields."""
    name = validate_name(name)
    if profiles.find(name) is not None:
        raise AuthError(f"an auth profile '{name}' exists already", hint="choose another name")
    missing = inline.missing()
    if missing:
        raise AuthError(f"the inline auth has no {', '.join(missing)} yet", hint="type it in the Auth tab first")
    profile = AuthProfile(name, inline.kind, {k: v for k, v in inline.fields.items() if v}, where)
    problems = profile.problems()
    if problems:
        raise AuthError(f"cannot make profile '{name}': {'; '.join(problems)}")
    written: list[str] = []
    try:
        for spec in kind_spec(inline.kind).secret_fields:
            value = inline.secrets.get(spec.name)
            if value:
                store.set(name, spec.name, value)
                written.append(spec.name)
    except AuthError:
        for field_name in written:
            try:
                store.delete(name, field_name)
            except AuthError:
                pass
        raise
    profiles.save(profile, where)
    return profile
