"""From a profile name to the httpx.Auth that applies it: the one entry point for TUI and runner.

    provider = make_auth_provider(collection, SecretStore())
    exchange = await execute(request, client=client, variables=..., auth_profile="prod",
                             auth_provider=provider)

Secrets are read when the provider is called, before anything is sent: a missing secret, a locked
keyring or an expired static token raises AuthError and the request never leaves. OAuth 2.0 auth
objects are kept per profile, so their token cache lives as long as the provider (the TUI session,
one `tui-api run`), and in the keyring beyond that.

Redaction: `provider.sensitive_names(name)` gives the header and query names a profile puts
credentials in, `provider.secret_values()` every literal secret (and token) it has handed out, for
`core/http/redact.py` to mask.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import httpx

from tui_api.core.auth.flows import ApiKeyAuth, BasicAuth, BearerAuth, DigestAuth
from tui_api.core.auth.kinds import kind_spec
from tui_api.core.auth.oauth2 import ClientCredentials, ClientCredentialsAuth
from tui_api.core.auth.profiles import AuthProfile, ProfileStore
from tui_api.core.auth.secrets import SecretStore, env_var_name
from tui_api.core.collection.variables import Lookup, substitute
from tui_api.core.errors import AuthError

if TYPE_CHECKING:
    from tui_api.core.collection.model import Collection


def sensitive_names(profile: AuthProfile) -> tuple[list[str], list[str]]:
    """(header names, query parameter names) that carry this profile's credentials."""
    if profile.kind == "apikey":
        location = profile.get("in")
        name = profile.get("name")
        if location == "query":
            return [], [name]
        if location == "cookie":
            return ["Cookie"], []
        return [name], []
    return ["Authorization"], []


def read_secrets(profile: AuthProfile, store: SecretStore, overrides: dict[str, str] | None = None) -> dict[str, str]:
    """Every secret field of the profile (from `overrides` first, e.g. what the TUI form holds)."""
    values: dict[str, str] = {}
    for spec in kind_spec(profile.kind).secret_fields:
        given = (overrides or {}).get(spec.name)
        values[spec.name] = given if given else store.get(profile.name, spec.name)
    return values


def env_sources(profile: AuthProfile, store: SecretStore, overrides: dict[str, str] | None = None) -> dict[str, str]:
    """field -> the TUI_API_SECRET_* variable `read_secrets` took it from (not the overridden ones)."""
    return {spec.name: env_var_name(profile.name, spec.name) for spec in kind_spec(profile.kind).secret_fields
            if not (overrides or {}).get(spec.name) and store.env_value(profile.name, spec.name)}


def client_credentials(profile: AuthProfile, secrets: dict[str, str]) -> ClientCredentials:
    return ClientCredentials(
        profile=profile.name,
        token_url=profile.get("token_url"),
        client_id=profile.get("client_id"),
        client_secret=secrets["client_secret"],
        scopes=profile.get("scopes"),
        audience=profile.get("audience"),
        client_auth=profile.get("client_auth") or "basic",
    )


def build_auth(
    profile: AuthProfile,
    secrets: dict[str, str],
    *,
    store: SecretStore | None = None,
    clock: Callable[[], float] = time.time,
    env_vars: dict[str, str] | None = None,
) -> httpx.Auth:
    """The httpx.Auth for a profile whose secrets are already read. `env_vars`: field -> the
    TUI_API_SECRET_* variable it was read from (for the hints that say what to renew)."""
    problems = profile.problems()
    if problems:
        raise AuthError(f"auth profile '{profile.name}' is incomplete: {'; '.join(problems)}",
                        hint=f"fix it with `tui-api auth set {profile.name} ...`")
    kind = profile.kind
    if kind == "apikey":
        return ApiKeyAuth(secrets["key"], name=profile.get("name"), location=profile.get("in"),
                          prefix=profile.get("prefix"))
    if kind == "basic":
        return BasicAuth(profile.get("username"), secrets["password"])
    if kind == "digest":
        return DigestAuth(profile.get("username"), secrets["password"])
    if kind == "bearer":
        auth = BearerAuth(secrets["token"], prefix=profile.get("prefix"), profile=profile.name,
                          env_var=(env_vars or {}).get("token"))
        auth.check_not_expired()
        return auth
    if kind == "oauth2_client_credentials":
        return ClientCredentialsAuth(client_credentials(profile, secrets), store=store, clock=clock)
    raise AuthError(f"auth profile '{profile.name}' has unknown kind '{kind}'")  # pragma: no cover


class ProfileAuthProvider:
    """Callable as `AuthProvider` (name -> httpx.Auth); also answers redaction questions."""

    def __init__(
        self,
        profiles: ProfileStore,
        store: SecretStore,
        *,
        clock: Callable[[], float] = time.time,
        cache_seconds: float = 5.0,
        variables: Lookup | None = None,
    ) -> None:
        self.profiles = profiles
        self.cache_seconds = cache_seconds
        self.variables = variables  # resolves {{var}} in plain fields, e.g. token_url per environment
        self.store = store
        self.clock = clock
        self._oauth: dict[str, ClientCredentialsAuth] = {}
        self._built: dict[str, tuple[httpx.Auth, float]] = {}
        self._secrets: set[str] = set()

    def profile(self, name: str) -> AuthProfile:
        """The profile with `{{variables}}` in its plain fields resolved (VariableError if one is
        unknown, AuthError if the provider has no variables to resolve them with)."""
        profile = self.profiles.get(name)
        if not any("{{" in value for value in profile.fields.values()):
            return profile
        if self.variables is None:
            used = next(k for k, v in profile.fields.items() if "{{" in v)
            raise AuthError(f"auth profile '{name}' uses a variable in '{used}' but no variables are available here")
        fields = {k: substitute(v, self.variables, where=f"auth profile '{name}' {k}") for k, v in profile.fields.items()}
        return AuthProfile(profile.name, profile.kind, fields, profile.origin)

    def reload(self) -> None:
        """Forget what was read (profiles, secrets), e.g. after the profiles screen saved a change.
        OAuth tokens stay cached: a changed profile or secret gets a new fingerprint anyway."""
        self._built.clear()

    def __call__(self, name: str) -> httpx.Auth:
        """The Auth for `name`, reused for `cache_seconds` so a burst of requests does not read the
        profiles file and the keyring for each one, while a rotated key or an edited profile takes
        effect a few seconds later without a restart. Failures are never cached."""
        now = self.clock()
        entry = self._built.get(name)
        if entry is not None and now - entry[1] < self.cache_seconds:
            built = entry[0]
            if isinstance(built, BearerAuth):
                built.check_not_expired()
            return built
        profile = self.profile(name)
        secrets = read_secrets(profile, self.store)
        self._secrets.update(v for v in secrets.values() if v)
        if profile.kind == "basic" and secrets.get("password"):
            # what actually travels: a server that echoes the request (or logs it in an error
            # body) hands back base64(user:password), which no literal mask would catch
            pair = f"{profile.get('username') or ''}:{secrets['password']}".encode("utf-8")
            self._secrets.add(base64.b64encode(pair).decode("ascii"))
        if profile.kind == "oauth2_client_credentials":
            creds = client_credentials(profile, secrets)
            cached = self._oauth.get(name)
            if cached is None or cached.creds.fingerprint() != creds.fingerprint():
                cached = build_auth(profile, secrets, store=self.store, clock=self.clock)  # type: ignore[assignment]
                assert isinstance(cached, ClientCredentialsAuth)
                self._oauth[name] = cached
            auth: httpx.Auth = cached
        else:
            auth = build_auth(profile, secrets, store=self.store, clock=self.clock,
                              env_vars=env_sources(profile, self.store))
        self._built[name] = (auth, now)
        return auth

    def sensitive_names(self, name: str) -> tuple[list[str], list[str]]:
        profile = self.profiles.find(name)
        return sensitive_names(profile) if profile else (["Authorization"], [])

    def all_sensitive_names(self) -> tuple[list[str], list[str]]:
        """Header and query names of every known profile (for redacting a whole history view)."""
        headers: list[str] = []
        queries: list[str] = []
        for profile in self.profiles.all().values():
            h, q = sensitive_names(profile)
            headers += [n for n in h if n not in headers]
            queries += [n for n in q if n not in queries]
        return headers, queries

    def secret_values(self) -> list[str]:
        """Every secret and OAuth token this provider has handed out so far."""
        values = set(self._secrets)
        for auth in self._oauth.values():
            if auth.token is not None:
                values.add(auth.token.access_token)
        return sorted(values, key=len, reverse=True)


def make_auth_provider(
    collection: Collection | None,
    store: SecretStore,
    *,
    personal_file=None,
    clock: Callable[[], float] = time.time,
    variables: Lookup | None = None,
) -> ProfileAuthProvider:
    """The AuthProvider for a collection (None: personal profiles only). `variables` (a mapping or
    a VariableContext) resolves `{{var}}` in profile fields; call `reload()` after switching
    environments so the next request picks up the new values."""
    return ProfileAuthProvider(ProfileStore(collection, personal_file), store, clock=clock, variables=variables)
