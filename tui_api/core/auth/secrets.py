"""Where secrets live: the OS keyring, or an environment variable on headless machines.

    keyring   service "tui-api", one entry per profile field, username "{profile}:{field}"
              (the OAuth token cache is entry "{profile}:@token": the token with its expiry, as JSON;
              "@" keeps it apart from any field, such as a bearer profile's "token")
    env       TUI_API_SECRET_<PROFILE>_<FIELD>, upper-cased, every non-alphanumeric character -> "_"
              e.g. profile "pet-store", field "client_secret" -> TUI_API_SECRET_PET_STORE_CLIENT_SECRET

An environment variable, when set, wins over the keyring: CI injects secrets that way without
touching any keyring, and a developer can override a stored secret for one command.

`keyring` is imported only when a secret is first needed, and every keyring failure (no backend,
locked collection, D-Bus trouble) is translated here into an AuthError that says what would fix it.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from tui_api.core.errors import AuthError

SERVICE = "tui-api"
ENV_PREFIX = "TUI_API_SECRET_"
TOKEN_ENTRY = "@token"
Source = Literal["env", "keyring", "missing", "no-keyring", "locked", "error"]

NO_KEYRING_FIX = (
    "no keyring backend is available: run a Secret Service (e.g. Debian's gnome-keyring, unlocked, "
    "in a D-Bus session) with the Python package 'secretstorage', or on macOS/Windows the built-in keyring"
)


class KeyringBackend(Protocol):
    """The three calls of the `keyring` module we use (so tests can pass an in-memory one)."""

    def get_password(self, service: str, username: str) -> str | None: ...
    def set_password(self, service: str, username: str, password: str) -> None: ...
    def delete_password(self, service: str, username: str) -> None: ...


def env_var_name(profile: str, field: str) -> str:
    return ENV_PREFIX + re.sub(r"[^A-Za-z0-9]", "_", f"{profile}_{field}").upper()


class MemoryKeyring:
    """An in-memory stand-in for the OS keyring (unit tests, or a session without a keyring)."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("No such password!")


@dataclass
class Lookup:
    value: str | None
    source: Source
    detail: str = ""


class _Unavailable(Exception):
    def __init__(self, source: Source, message: str) -> None:
        super().__init__(message)
        self.source = source


class SecretStore:
    """Secrets of auth profiles. `backend=None` means the real OS keyring (the `keyring` module)."""

    def __init__(
        self,
        backend: KeyringBackend | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        service: str = SERVICE,
    ) -> None:
        self._backend = backend
        self._environ = environ
        self.service = service

    @classmethod
    def in_memory(cls, environ: Mapping[str, str] | None = None) -> SecretStore:
        return cls(MemoryKeyring(), environ=environ if environ is not None else {})

    @property
    def environ(self) -> Mapping[str, str]:
        return os.environ if self._environ is None else self._environ

    # -- keyring access, translated ------------------------------------------------------------

    def _keyring(self) -> KeyringBackend:
        if self._backend is not None:
            return self._backend
        try:
            import keyring
        except ImportError as exc:  # pragma: no cover - keyring is a dependency
            raise _Unavailable("no-keyring", "the Python package 'keyring' is not installed") from exc
        return keyring  # type: ignore[return-value]

    def _call(self, op: str, *args: str) -> Any:
        backend = self._keyring()
        try:
            return getattr(backend, op)(self.service, *args)
        except Exception as exc:
            raise self._translate(exc) from exc

    @staticmethod
    def _translate(exc: Exception) -> _Unavailable:
        try:
            from keyring import errors as kerr
        except ImportError:  # pragma: no cover
            return _Unavailable("error", f"keyring failed: {exc}")
        if isinstance(exc, kerr.NoKeyringError):
            return _Unavailable("no-keyring", NO_KEYRING_FIX)
        if isinstance(exc, kerr.KeyringLocked):
            return _Unavailable("locked", "the keyring is locked: unlock it (log in to the desktop, or "
                                "`gnome-keyring-daemon --unlock`) and try again")
        if isinstance(exc, kerr.InitError):
            return _Unavailable("no-keyring", f"the keyring could not start ({exc}); {NO_KEYRING_FIX}")
        text = str(exc) or exc.__class__.__name__
        return _Unavailable("error", f"the keyring failed: {text}")

    def backend_status(self) -> tuple[bool, str]:
        """(usable, description) of the keyring, for `auth list` and the TUI's status line."""
        if self._backend is not None:
            return True, self._backend.__class__.__name__
        try:
            import keyring
            from keyring.backends import fail
        except ImportError:  # pragma: no cover
            return False, "the Python package 'keyring' is not installed"
        try:
            backend = keyring.get_keyring()
        except Exception as exc:  # a broken backend configuration
            return False, f"keyring failed to load: {exc}"
        if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
            return False, NO_KEYRING_FIX
        return True, f"{backend.__class__.__module__}.{backend.__class__.__name__}"

    # -- secrets -------------------------------------------------------------------------------

    def env_value(self, profile: str, field: str) -> str | None:
        """The secret from its TUI_API_SECRET_* variable, if that is set (it wins over the keyring)."""
        # a line end at the end of a variable (`$(cat file)` keeps none, CI secret stores and
        # `echo` often add one) is never part of a secret: sent, it broke or changed the header
        return (self.environ.get(env_var_name(profile, field)) or "").rstrip("\r\n") or None

    def lookup(self, profile: str, field: str) -> Lookup:
        """Where a secret comes from, without raising: env first, then the keyring."""
        value = self.env_value(profile, field)
        if value:
            return Lookup(value, "env", env_var_name(profile, field))
        try:
            stored = self._call("get_password", f"{profile}:{field}")
        except _Unavailable as exc:
            return Lookup(None, exc.source, str(exc))
        if stored:
            return Lookup(stored, "keyring")
        return Lookup(None, "missing")

    def get(self, profile: str, field: str) -> str:
        """The secret, or an AuthError naming the variable and the keyring fix."""
        found = self.lookup(profile, field)
        if found.value is not None:
            return found.value
        var = env_var_name(profile, field)
        if found.source == "missing":
            raise AuthError(
                f"auth profile '{profile}' has no {field} in the keyring",
                hint=f"run `tui-api auth set {profile}` or set {var}",
            )
        if found.source == "locked":
            raise AuthError(f"auth profile '{profile}': cannot read its {field}: {found.detail}",
                            hint=f"or set {var}")
        raise AuthError(f"auth profile '{profile}' needs its {field}: set {var}, or make a keyring available "
                        f"({found.detail})")

    def set(self, profile: str, field: str, value: str) -> None:
        if not value:
            raise AuthError(f"refusing to store an empty {field} for auth profile '{profile}'")
        try:
            self._call("set_password", f"{profile}:{field}", value)
        except _Unavailable as exc:
            raise AuthError(f"cannot store the {field} of auth profile '{profile}': {exc}",
                            hint=f"on a machine without a keyring set {env_var_name(profile, field)} instead") from exc

    def delete(self, profile: str, field: str) -> bool:
        """Remove a stored secret. False if there was none (or no keyring to hold one)."""
        try:
            self._call("delete_password", f"{profile}:{field}")
        except _Unavailable as exc:
            if exc.source in ("no-keyring",):
                return False
            cause = exc.__cause__
            try:
                from keyring.errors import PasswordDeleteError
            except ImportError:  # pragma: no cover
                PasswordDeleteError = ()  # type: ignore[assignment,misc]  # noqa: N806
            if cause is not None and isinstance(cause, PasswordDeleteError):
                return False
            raise AuthError(f"cannot delete the {field} of auth profile '{profile}': {exc}") from exc
        return True

    # -- the OAuth token cache (best effort: a missing keyring only means no cache across runs) --

    def get_token(self, profile: str) -> dict[str, Any] | None:
        try:
            raw = self._call("get_password", f"{profile}:{TOKEN_ENTRY}")
        except _Unavailable:
            return None
        if not raw:
            return None
        try:
            data = json.loads(raw)
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def set_token(self, profile: str, data: dict[str, Any]) -> None:
        try:
            self._call("set_password", f"{profile}:{TOKEN_ENTRY}", json.dumps(data))
        except _Unavailable:
            pass

    def delete_token(self, profile: str) -> None:
        try:
            self._call("delete_password", f"{profile}:{TOKEN_ENTRY}")
        except _Unavailable:
            pass
