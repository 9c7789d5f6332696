"""SecretStore: env-var fallback, keyring errors turned into messages that say what fixes them."""

from __future__ import annotations

import pytest
from keyring.backends import fail
from keyring.errors import KeyringLocked

from tui_api.core.auth.secrets import MemoryKeyring, SecretStore, env_var_name
from tui_api.core.errors import AuthError


class LockedKeyring(MemoryKeyring):
    """What keyring's SecretService backend raises when the collection stays locked."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("Failed to unlock the collection!")

    set_password = delete_password = get_password  # type: ignore[assignment]


@pytest.mark.parametrize(
    ("profile", "field", "expected"),
    [
        ("prod", "token", "TUI_API_SECRET_PROD_TOKEN"),
        ("pet-store", "client_secret", "TUI_API_SECRET_PET_STORE_CLIENT_SECRET"),
        ("my.api v2", "key", "TUI_API_SECRET_MY_API_V2_KEY"),
    ],
)
def test_env_var_naming(profile, field, expected):
    assert env_var_name(profile, field) == expected


def test_env_var_works_without_any_keyring():
    store = SecretStore(fail.Keyring(), environ={"TUI_API_SECRET_CI_TOKEN": "from-env"})
    assert store.get("ci", "token") == "from-env"
    assert store.lookup("ci", "token").source == "env"


def test_env_var_wins_over_the_keyring():
    store = SecretStore.in_memory(environ={"TUI_API_SECRET_P_PASSWORD": "env-value"})
    store.set("p", "password", "keyring-value")
    assert store.get("p", "password") == "env-value"
    store_without_env = SecretStore(store._backend, environ={})
    assert store_without_env.get("p", "password") == "keyring-value"


def test_no_keyring_and_no_variable_names_both_fixes():
    store = SecretStore(fail.Keyring(), environ={})
    with pytest.raises(AuthError) as caught:
        store.get("pet-store", "client_secret")
    text = str(caught.value)
    assert "auth profile 'pet-store'" in text
    assert "TUI_API_SECRET_PET_STORE_CLIENT_SECRET" in text
    assert "gnome-keyring" in text and "secretstorage" in text
    assert "\n" not in text


def test_storing_without_a_keyring_points_to_the_variable():
    store = SecretStore(fail.Keyring(), environ={})
    with pytest.raises(AuthError, match="TUI_API_SECRET_P_TOKEN"):
        store.set("p", "token", "value")


def test_locked_keyring_says_unlock():
    store = SecretStore(LockedKeyring(), environ={})
    with pytest.raises(AuthError, match=r"keyring is locked: unlock it.*TUI_API_SECRET_P_TOKEN"):
        store.get("p", "token")
    assert store.lookup("p", "token").source == "locked"
    assert store.get_token("p") is None  # the token cache degrades quietly


def test_missing_secret_with_a_keyring_says_how_to_set_it(memory_store):
    with pytest.raises(AuthError, match=r"no token in the keyring \(run `tui-api auth set p` or set TUI_API_SECRET_P_TOKEN\)"):
        memory_store.get("p", "token")


def test_set_get_delete_and_token_cache(memory_store):
    memory_store.set("p", "password", "pw-1")
    assert memory_store.get("p", "password") == "pw-1"
    assert memory_store.delete("p", "password") is True
    assert memory_store.delete("p", "password") is False
    assert memory_store.lookup("p", "password").source == "missing"
    memory_store.set_token("p", {"access_token": "a", "expires_at": 5})
    assert memory_store.get_token("p") == {"access_token": "a", "expires_at": 5}
    memory_store.delete_token("p")
    assert memory_store.get_token("p") is None


def test_empty_secret_is_refused(memory_store):
    with pytest.raises(AuthError, match="empty"):
        memory_store.set("p", "password", "")


def test_backend_status_reports_the_missing_keyring():
    ok, why = SecretStore(fail.Keyring()).backend_status()
    assert ok  # an explicit backend object is taken as given
    ok, why = SecretStore.in_memory().backend_status()
    assert ok and why == "MemoryKeyring"


@pytest.mark.keyring
def test_real_keyring_round_trip(real_keyring_store):
    store = real_keyring_store
    store.set("kr-profile", "client_secret", "real-keyring-secret")
    try:
        assert store.get("kr-profile", "client_secret") == "real-keyring-secret"
        assert store.lookup("kr-profile", "client_secret").source == "keyring"
        store.set("kr-profile", "client_secret", "rotated-secret")  # replace, not a second entry
        assert store.get("kr-profile", "client_secret") == "rotated-secret"
        store.set_token("kr-profile", {"access_token": "t", "expires_at": 1.5})
        assert store.get_token("kr-profile") == {"access_token": "t", "expires_at": 1.5}
    finally:
        store.delete("kr-profile", "client_secret")
        store.delete_token("kr-profile")
    assert store.lookup("kr-profile", "client_secret").source == "missing"


LOCKED_SCRIPT = """
import keyring, secretstorage
from tui_api.core.auth.secrets import SecretStore
from tui_api.core.errors import AuthError
store = SecretStore(service="tui-api-lock-test", environ={})
store.set("lock-profile", "token", "locked-away")
collection = secretstorage.get_default_collection(secretstorage.dbus_init())
collection.lock()
assert collection.is_locked()
try:
    store.get("lock-profile", "token")
    print("NO ERROR")
except AuthError as exc:
    print("MESSAGE:", exc)
"""


@pytest.mark.keyring
def test_real_keyring_locked_gives_the_unlock_message(real_keyring_store, tmp_path):
    """A real, locked Secret Service collection: a clear message, not a hang. Runs in its own
    D-Bus session with its own gnome-keyring, so locking it cannot disturb the other tests."""
    import os
    import shutil
    import subprocess
    import sys

    if not (shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon")):
        pytest.skip("needs dbus-run-session and gnome-keyring-daemon")
    script = tmp_path / "locked.py"
    script.write_text(LOCKED_SCRIPT)
    shell = (
        'eval "$(printf %s pw | XDG_DATA_HOME="$KR_HOME" gnome-keyring-daemon --unlock --components=secrets)"; '
        'export GNOME_KEYRING_CONTROL; exec "$PY" "$SCRIPT"'
    )
    env = dict(os.environ, KR_HOME=str(tmp_path / "keyrings"), PY=sys.executable, SCRIPT=str(script))
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    done = subprocess.run(["dbus-run-session", "--", "bash", "-c", shell], env=env, capture_output=True,
                          text=True, timeout=60)
    assert "MESSAGE: auth profile 'lock-profile': cannot read its token: the keyring is locked: unlock it" in done.stdout, (
        done.stdout, done.stderr[-2000:])
    assert "TUI_API_SECRET_LOCK_PROFILE_TOKEN" in done.stdout
