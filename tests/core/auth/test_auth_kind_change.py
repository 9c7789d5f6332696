"""Changing a profile's kind leaves no old secret behind, and an expired JWT names where to renew
it: the keyring (`auth set`) or the TUI_API_SECRET_* variable that overrides it."""

from __future__ import annotations

import io
import sys
import time

import pytest

from tui_api.cli import cmd_auth
from tui_api.cli.main import main
from tui_api.core.auth.check import check_profile
from tui_api.core.auth.jwt import make_unsigned_jwt
from tui_api.core.auth.profiles import AuthProfile
from tui_api.core.auth.provider import make_auth_provider
from tui_api.core.auth.secrets import TOKEN_ENTRY, SecretStore, env_var_name
from tui_api.core.collection.model import Collection
from tui_api.core.errors import AuthError


@pytest.fixture
def store(monkeypatch) -> SecretStore:
    memory = SecretStore.in_memory()
    monkeypatch.setattr(cmd_auth, "secret_store", lambda: memory)
    return memory


def run_cli(monkeypatch, capsys, *argv: str, stdin: str | None = None) -> tuple[int, str]:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv))
    return code, capsys.readouterr().err


def entries(store: SecretStore) -> set[str]:
    return {user for _, user in store._backend.entries}  # type: ignore[union-attr]


def test_a_new_kind_deletes_the_secrets_the_old_kind_had(store, monkeypatch, capsys, isolated_home):
    code, err = run_cli(monkeypatch, capsys, "auth", "set", "p", "--kind", "oauth2_client_credentials",
                        "--token-url", "http://127.0.0.1:1/token", "--client-id", "c", "--secret-stdin", stdin="s3cret\n")
    assert code == 0, err
    store.set_token("p", {"access_token": "cached", "expires_at": time.time() + 600})
    assert entries(store) == {"p:client_secret", f"p:{TOKEN_ENTRY}"}

    code, err = run_cli(monkeypatch, capsys, "auth", "set", "p", "--kind", "bearer", "--secret-stdin", stdin="tok-1\n")
    assert code == 0, err
    assert entries(store) == {"p:token"}  # no client_secret, no cached token of the old kind
    assert "deleted the old oauth2_client_credentials client_secret of 'p'" in err


def test_a_field_both_kinds_have_is_kept(store, monkeypatch, capsys, isolated_home):
    run_cli(monkeypatch, capsys, "auth", "set", "b", "--kind", "basic", "--username", "u", "--secret-stdin", stdin="pw\n")
    code, err = run_cli(monkeypatch, capsys, "auth", "set", "b", "--kind", "digest", "--username", "u", "--no-secret")
    assert code == 0, err
    assert store.get("b", "password") == "pw"  # digest has a password too: still the user's
    assert "deleted" not in err


def test_the_same_name_in_the_other_scope_keeps_its_secrets(store, monkeypatch, capsys, isolated_home, tmp_path):
    collection = tmp_path / "c.yaml"
    collection.write_text("version: 1\nname: c\nauth_profiles:\n  k: {kind: apikey}\nrequests: []\n")
    code, err = run_cli(monkeypatch, capsys, "auth", "set", "k", "--kind", "apikey", "--personal",
                        "--secret-stdin", stdin="shared-key\n")
    assert code == 0, err
    code, err = run_cli(monkeypatch, capsys, "auth", "set", "k", "--kind", "bearer", "--collection", str(collection),
                        "--secret-stdin", stdin="tok\n")
    assert code == 0, err
    assert "kind: bearer" in collection.read_text()
    assert store.get("k", "key") == "shared-key"  # the personal apikey profile 'k' still uses it


def test_retire_keeps_fields_the_other_scope_uses(store, isolated_home, tmp_path):
    from tui_api.core.auth.profiles import ProfileStore, retire_old_kind_secrets
    from tui_api.core.collection.yaml_format import load_collection

    path = tmp_path / "c.yaml"
    path.write_text("version: 1\nname: c\nauth_profiles:\n  k: {kind: apikey}\nrequests: []\n")
    profiles = ProfileStore(load_collection(path))
    profiles.save(AuthProfile("k", "bearer", {}, "personal"), "personal")
    store.set("k", "key", "shared-key")
    assert retire_old_kind_secrets(profiles, store, "k", "apikey", "bearer", "personal") == []
    assert store.get("k", "key") == "shared-key"
    profiles.remove("k", "collection")
    assert retire_old_kind_secrets(profiles, store, "k", "apikey", "bearer", "personal") == ["key"]
    assert entries(store) == set()


def expired_jwt() -> str:
    return make_unsigned_jwt({"sub": "svc", "exp": int(time.time()) - 120})


def test_expired_jwt_from_the_keyring_says_auth_set() -> None:
    store = SecretStore.in_memory()
    store.set("j", "token", expired_jwt())
    provider = make_auth_provider(Collection(auth_profiles={"j": {"kind": "bearer"}}), store)
    with pytest.raises(AuthError) as caught:
        provider("j")
    assert "`tui-api auth set j`" in str(caught.value)


def test_expired_jwt_from_the_environment_names_the_variable() -> None:
    var = env_var_name("j", "token")
    store = SecretStore.in_memory(environ={var: expired_jwt() + "\n"})
    store.set("j", "token", make_unsigned_jwt({"exp": int(time.time()) + 3600}))  # overridden by the variable
    provider = make_auth_provider(Collection(auth_profiles={"j": {"kind": "bearer"}}), store)
    with pytest.raises(AuthError) as caught:
        provider("j")
    message = str(caught.value)
    assert "EXPIRED" in message and var in message and "auth set" not in message
    with pytest.raises(AuthError) as caught:  # `auth test` and the TUI's test button say the same
        check_profile(AuthProfile("j", "bearer", {}, "personal"), store)
    assert var in str(caught.value) and "auth set" not in str(caught.value)


def test_a_token_typed_in_the_form_is_not_blamed_on_the_variable() -> None:
    var = env_var_name("j", "token")
    store = SecretStore.in_memory(environ={var: make_unsigned_jwt({"exp": int(time.time()) + 3600})})
    with pytest.raises(AuthError) as caught:
        check_profile(AuthProfile("j", "bearer", {}, "personal"), store, overrides={"token": expired_jwt()})
    assert var not in str(caught.value)
