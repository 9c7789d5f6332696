"""Found by using `tui-api auth` as a user would; each test pins one fixed problem."""

from __future__ import annotations

import pytest

from tui_api.core.auth.provider import make_auth_provider
from tui_api.core.collection.model import Collection, Request
from tui_api.core.errors import AuthError
from tui_api.core.http.pipeline import execute
from tui_api.core.http.send import make_client


async def test_token_url_answering_other_json_is_not_called_a_refusal(demo_server, memory_store):
    """A token_url aimed at an ordinary JSON endpoint (the demo's /echo answers 200 with JSON)
    was reported as 'refused to issue a token (HTTP 200)'; it did not refuse: it is the wrong URL."""
    memory_store.set("svc", "client_secret", "cs-value-1")
    collection = Collection(auth_profiles={"svc": {
        "kind": "oauth2_client_credentials", "token_url": demo_server.base_url + "/echo", "client_id": "c"}})
    provider = make_auth_provider(collection, memory_store)
    with pytest.raises(AuthError) as caught:
        async with make_client(resilience=None) as client:
            await execute(Request(url=demo_server.base_url + "/pets"), client=client, variables={},
                          auth_profile="svc", auth_provider=provider)
    message = str(caught.value)
    assert "answered 200 without an access_token" in message and "refused" not in message
    assert "token_url" in message and "cs-value-1" not in message


def test_rm_of_a_profile_requests_still_use_warns_with_their_names(tmp_path, monkeypatch, capsys):
    """Removing a collection profile left requests pointing at nothing, in silence; the next
    `tui-api run` then stopped with 'profile not defined'."""
    from tui_api.cli import cmd_auth
    from tui_api.cli.main import main
    from tui_api.core.auth.secrets import SecretStore

    monkeypatch.setattr(cmd_auth, "secret_store", SecretStore.in_memory)
    path = tmp_path / "c.yaml"
    path.write_text(
        "version: 1\n"
        "auth_profiles:\n  bear: {kind: bearer}\n  other: {kind: bearer}\n"
        "requests:\n"
        "  - {name: direct, url: 'http://127.0.0.1:1/a', auth: bear}\n"
        "  - folder: inner\n    auth: bear\n    requests:\n"
        "      - {name: inherited, url: 'http://127.0.0.1:1/b'}\n"
        "      - {name: own, url: 'http://127.0.0.1:1/c', auth: other}\n")
    assert main(["auth", "rm", "bear", "--collection", str(path)]) == 0
    err = capsys.readouterr().err
    assert "2 request(s) still use 'bear': direct, inner/inherited" in err, err
    assert "own" not in err.split("still use")[1]


def test_run_with_a_missing_secret_names_the_profile_once_per_line(tmp_path, monkeypatch, capsys):
    from tui_api.cli.main import main

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.delenv("TUI_API_SECRET_BEAR_TOKEN", raising=False)
    path = tmp_path / "c.yaml"
    path.write_text("version: 1\nauth_profiles:\n  bear: {kind: bearer}\n"
                    "requests:\n  - {name: a, url: 'http://127.0.0.1:1/a', auth: bear}\n")
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert "TUI_API_SECRET_BEAR_TOKEN" in err
    assert "auth profile 'bear': auth profile 'bear'" not in err, err


@pytest.mark.parametrize("content, expected", [
    (b"\x81\xff\x00binary", "not a text file"),
    (b"version: 1\nprofiles:\n  a: {kind: wrongkind}\n", "auth profile 'a' in "),
])
def test_a_broken_personal_profiles_file_is_one_line_naming_it(monkeypatch, capsys, content, expected):
    """A binary file was an 'unexpected error: UnicodeDecodeError'; an unknown kind did not say
    which profile or file, and `auth test` then suggested --collection, which cannot help."""
    from tui_api.cli import cmd_auth
    from tui_api.cli.main import main
    from tui_api.core.auth.profiles import personal_path
    from tui_api.core.auth.secrets import SecretStore

    monkeypatch.setattr(cmd_auth, "secret_store", SecretStore.in_memory)
    path = personal_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    for argv in (["auth", "list"], ["auth", "test", "a"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert expected in err and str(path) in err, err
        assert "unexpected error" not in err and "--collection" not in err, err


def test_rm_with_a_locked_keyring_keeps_the_profile_so_its_secrets_stay_reachable(monkeypatch, capsys):
    """The profile was removed first, then deleting its secret failed on the locked keyring:
    exit 2 and a secret left where no `tui-api auth` command could reach it any more."""
    from keyring.errors import KeyringLocked

    from tui_api.cli import cmd_auth
    from tui_api.cli.main import main
    from tui_api.core.auth.profiles import load_personal
    from tui_api.core.auth.secrets import MemoryKeyring, SecretStore

    class LockedKeyring(MemoryKeyring):
        locked = False

        def delete_password(self, service: str, username: str) -> None:
            if self.locked:
                raise KeyringLocked("the collection is locked")
            super().delete_password(service, username)

    backend = LockedKeyring()
    store = SecretStore(backend, environ={})
    monkeypatch.setattr(cmd_auth, "secret_store", lambda: store)
    assert main(["auth", "set", "kb", "--kind", "bearer", "--no-secret"]) == 0
    store.set("kb", "token", "tok-value")
    backend.locked = True
    assert main(["auth", "rm", "kb"]) == 2
    err = capsys.readouterr().err
    assert "the profile was not removed" in err and "--keep-secrets" in err, err
    assert "kb" in load_personal()
    backend.locked = False
    assert main(["auth", "rm", "kb"]) == 0
    assert "kb" not in load_personal() and store.lookup("kb", "token").value is None


@pytest.mark.parametrize("transport", ["httpx", "aiohttp"])
def test_env_secrets_with_a_trailing_line_end_work_on_both_transports(tmp_path, demo_server, monkeypatch, capsys,
                                                                   transport):
    """`TUI_API_SECRET_X=$'key\\n'` (CI secret stores and `echo` add one): the API-key request died
    ('internal error' on aiohttp, LocalProtocolError on httpx) and Basic sent 'pw\\n' as the password."""
    import json

    from tui_api.cli.main import main

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("TUI_API_SECRET_K_KEY", "key-value\n")
    monkeypatch.setenv("TUI_API_SECRET_U_PASSWORD", "pw-value\r\n")
    path = tmp_path / "c.yaml"
    path.write_text(
        "version: 1\nauth_profiles: {k: {kind: apikey, name: X-Key}, u: {kind: basic, username: al}}\n"
        f"requests:\n  - {{name: k, url: '{demo_server.base_url}/echo', auth: k}}\n"
        f"  - {{name: u, url: '{demo_server.base_url}/echo', auth: u}}\n")
    report = tmp_path / "r.json"
    code = main(["run", str(path), "--transport", transport, "--report", f"json:{report}",
                 "--report-body-limit", "100000"])
    assert code == 0, capsys.readouterr()
    import base64

    # the echo shows what reached the server (masked in the report): check the lengths instead
    bodies = [json.loads(r["exchange"]["response"]["body"]["data"]) for r in json.loads(report.read_text())["requests"]]
    assert bodies[0]["headers"]["X-Key"] == "••••••"  # the whole key matched: no line end was sent
    # Basic's base64(user:password) is masked too: it would decode to the password otherwise
    assert bodies[1]["headers"]["Authorization"] == "Basic ••••••"
    assert base64.b64encode(b"al:pw-value").decode() not in report.read_text()


def test_an_api_key_header_name_with_a_space_is_an_incomplete_profile(tmp_path, monkeypatch, capsys):
    from tui_api.cli.main import main

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("TUI_API_SECRET_K_KEY", "key-value")
    path = tmp_path / "c.yaml"
    path.write_text("version: 1\nauth_profiles: {k: {kind: apikey, name: 'X Key'}}\n"
                    "requests:\n  - {name: k, url: 'http://127.0.0.1:1/', auth: k}\n")
    assert main(["run", str(path)]) == 2
    assert "'name' 'X Key' is not a valid header name" in capsys.readouterr().err


def test_auth_test_insecure_reaches_a_token_endpoint_with_a_self_signed_certificate(tmp_path, monkeypatch, capsys):
    """The TLS error told the user to use --insecure, which `auth test` did not have."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from servers.faulty import FaultyServer
    from servers.tls import self_signed_context
    from tui_api.cli.main import main

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("TUI_API_SECRET_O_CLIENT_SECRET", "cs-value")
    with FaultyServer(tls=self_signed_context(tmp_path)) as server:
        path = tmp_path / "c.yaml"
        path.write_text("version: 1\nauth_profiles:\n"
                        f"  o: {{kind: oauth2_client_credentials, token_url: '{server.url('/echo')}', client_id: c}}\n"
                        "requests:\n  - {name: a, url: 'http://127.0.0.1:1/', auth: o}\n")
        assert main(["auth", "test", "o", "--collection", str(path)]) == 2
        assert "TLS certificate not trusted" in capsys.readouterr().err
        assert main(["auth", "test", "o", "--collection", str(path), "--insecure"]) == 2
        err = capsys.readouterr().err
    assert "without an access_token" in err, err  # reached: the endpoint answered (not with a token)
