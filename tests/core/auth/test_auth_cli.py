"""`tui-api auth set|list|test|rm`, and the promise that no secret ever lands in a file."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tui_api.cli import cmd_auth
from tui_api.cli.main import main
from tui_api.core.auth.provider import make_auth_provider
from tui_api.core.auth.secrets import SecretStore
from tui_api.core.collection.model import Request
from tui_api.core.collection.yaml_format import load_collection
from tui_api.core.http.pipeline import execute
from tui_api.core.http.send import make_client

COLLECTION = """\
# Team collection: hand-written comment that must survive
version: 1
name: team
requests:
  - name: list pets
    method: GET
    url: http://127.0.0.1:1/pets
"""


@pytest.fixture
def store(monkeypatch) -> SecretStore:
    """The CLI's keyring, in memory (the real-keyring variant is marked `keyring` below)."""
    memory = SecretStore.in_memory()
    monkeypatch.setattr(cmd_auth, "secret_store", lambda: memory)
    return memory


def run_cli(monkeypatch, capsys, *argv: str, stdin: str | None = None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_set_list_test_rm_a_personal_profile(store, monkeypatch, capsys, isolated_home):
    code, _, err = run_cli(monkeypatch, capsys, "auth", "set", "pets", "--kind", "apikey", "--name", "X-Pet-Key",
                           "--secret-stdin", stdin="pet-secret-42\n")
    assert code == 0, err
    assert store.get("pets", "key") == "pet-secret-42"
    assert "pet-secret-42" not in (isolated_home / "config" / "auth_profiles.yaml").read_text()

    code, out, err = run_cli(monkeypatch, capsys, "auth", "list")
    assert code == 0
    assert "pets" in out and "apikey" in out and "key: keyring" in out and "name=X-Pet-Key" in out
    assert "pet-secret-42" not in out + err

    code, out, _ = run_cli(monkeypatch, capsys, "auth", "test", "pets")
    assert code == 0 and "key: present (from the keyring)" in out and out.strip().endswith("ok")

    code, _, err = run_cli(monkeypatch, capsys, "auth", "rm", "pets")
    assert code == 0 and "deleted key from the keyring" in err
    assert store.lookup("pets", "key").source == "missing"
    code, _, err = run_cli(monkeypatch, capsys, "auth", "test", "pets")
    assert code == 2 and "no auth profile 'pets'" in err


def test_secrets_are_never_options(store, monkeypatch, capsys):
    with pytest.raises(SystemExit) as caught:
        main(["auth", "set", "t", "--kind", "bearer", "--token", "on-the-command-line"])
    assert caught.value.code == 2
    assert "unrecognized arguments: --token" in capsys.readouterr().err


def test_no_terminal_and_no_stdin_flag_is_a_clear_usage_error(store, monkeypatch, capsys):
    code, _, err = run_cli(monkeypatch, capsys, "auth", "set", "t", "--kind", "bearer", stdin="")
    assert code == 2 and "no terminal to ask for the secret" in err and "--secret-stdin" in err


def test_new_profile_needs_a_kind_and_fields_must_fit_it(store, monkeypatch, capsys):
    code, _, err = run_cli(monkeypatch, capsys, "auth", "set", "x", "--no-secret")
    assert code == 2 and "say which --kind" in err
    code, _, err = run_cli(monkeypatch, capsys, "auth", "set", "x", "--kind", "basic", "--token-url", "http://a",
                           "--no-secret")
    assert code == 2 and "a basic profile has no --token-url" in err


def test_env_var_shows_as_the_source_and_missing_secrets_say_how_to_fix(store, monkeypatch, capsys):
    run_cli(monkeypatch, capsys, "auth", "set", "ci-bot", "--kind", "basic", "--username", "bot", "--no-secret")
    code, out, _ = run_cli(monkeypatch, capsys, "auth", "list")
    assert "MISSING (set TUI_API_SECRET_CI_BOT_PASSWORD or run `tui-api auth set ci-bot`)" in out
    store._environ = {"TUI_API_SECRET_CI_BOT_PASSWORD": "env-pw"}
    code, out, _ = run_cli(monkeypatch, capsys, "auth", "list")
    assert "password: env TUI_API_SECRET_CI_BOT_PASSWORD" in out and "env-pw" not in out


def test_collection_profile_and_key_rotation_leave_the_file_untouched(store, monkeypatch, capsys, tmp_path, oauth_server):
    file = tmp_path / "team.yaml"
    file.write_text(COLLECTION)
    code, _, err = run_cli(monkeypatch, capsys, "auth", "set", "svc", "--collection", str(file),
                           "--kind", "oauth2_client_credentials", "--token-url", oauth_server.token_url,
                           "--client-id", "cli-id", "--scopes", "read", "--secret-stdin", stdin="s3cret-client-value\n")
    assert code == 0, err
    saved = file.read_text()
    assert saved.startswith("# Team collection: hand-written comment that must survive")
    assert load_collection(file).auth_profiles["svc"] == {
        "kind": "oauth2_client_credentials", "token_url": oauth_server.token_url, "client_id": "cli-id", "scopes": "read"}
    assert "s3cret-client-value" not in saved

    code, out, _ = run_cli(monkeypatch, capsys, "auth", "test", "svc", "--collection", str(file))
    assert code == 0 and "got a Bearer token, valid for" in out and "tok-" not in out
    assert store.get_token("svc") is not None

    before = (file.read_bytes(), file.stat().st_mtime_ns)
    code, _, err = run_cli(monkeypatch, capsys, "auth", "set", "svc", "--collection", str(file), "--secret-stdin",
                           stdin="rotated-client-secret\n")
    assert code == 0 and "profile file unchanged" in err
    assert (file.read_bytes(), file.stat().st_mtime_ns) == before
    assert store.get("svc", "client_secret") == "rotated-client-secret"
    assert store.get_token("svc") is None  # the old secret's token is dropped


async def test_no_secret_is_in_any_file_the_app_wrote(store, monkeypatch, capsys, tmp_path, oauth_server,
                                                    isolated_home, files_containing):
    """Profiles of every kind created through the CLI, requests sent through the pipeline, the
    collection saved: the secrets and the token are in no file under the app's directories."""
    file = tmp_path / "team.yaml"
    file.write_text(COLLECTION)
    secrets = {
        "key": ("apikey", [], "apikey-SECRET-1"),
        "basic": ("basic", ["--username", "alice"], "basic-SECRET-2"),
        "bearer": ("bearer", [], "bearer-SECRET-3"),
        "digest": ("digest", ["--username", "dave"], "digest-pw-123"),
        "oauth": ("oauth2_client_credentials", ["--token-url", oauth_server.token_url, "--client-id", "cli-id"],
                  "s3cret-client-value"),
    }
    for index, (name, (kind, extra, secret)) in enumerate(secrets.items()):
        where = ["--collection", str(file)] if index % 2 else []
        code, _, err = run_cli(monkeypatch, capsys, "auth", "set", name, "--kind", kind, *extra, *where,
                               "--secret-stdin", stdin=secret + "\n")
        assert code == 0, err
    collection = load_collection(file)
    provider = make_auth_provider(collection, store)
    async with make_client(resilience=None) as client:
        for name in secrets:
            url = oauth_server.base_url + ("/digest" if name == "digest" else "/api/x" if name == "oauth" else "/echo")
            exchange = await execute(Request(url=url), client=client, variables={}, auth_profile=name,
                                     auth_provider=provider)
            assert exchange.status == 200, (name, exchange.error)
    run_cli(monkeypatch, capsys, "auth", "list", "--collection", str(file))
    token = store.get_token("oauth")["access_token"]
    for secret in [s for _, _, s in secrets.values()] + [token]:
        assert files_containing(secret, isolated_home, tmp_path) == [], secret
    assert json.dumps(collection.auth_profiles).count("SECRET") == 0


def _cli_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TUI_API_SECRET_")}
    env["TUI_API_HOME"] = str(home)
    return env


@pytest.mark.keyring
def test_cli_against_the_real_keyring(real_keyring_store, tmp_path, files_containing):
    """The real command, the real OS keyring (service "tui-api"): set, list, test, rotate, rm."""
    name = f"kr-{uuid.uuid4().hex[:8]}"
    env = _cli_env(tmp_path / "home")
    cli = [sys.executable, "-m", "tui_api"]

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run(cli + list(args), input=stdin, env=env, capture_output=True, text=True, timeout=60)

    done = run("auth", "set", name, "--kind", "bearer", "--secret-stdin", stdin="real-keyring-token-1\n")
    assert done.returncode == 0, done.stderr
    try:
        listed = run("auth", "list")
        assert f"{name}" in listed.stdout and "token: keyring" in listed.stdout, listed.stdout + listed.stderr
        assert "SecretService" in listed.stderr or "keyring:" in listed.stderr
        assert run("auth", "test", name).returncode == 0
        assert run("auth", "set", name, "--secret-stdin", stdin="real-keyring-token-2\n").returncode == 0
        assert SecretStore(environ={}).get(name, "token") == "real-keyring-token-2"
        assert files_containing("real-keyring-token", tmp_path) == []
    finally:
        done = run("auth", "rm", name)
    assert done.returncode == 0, done.stderr
    assert SecretStore(environ={}).lookup(name, "token").source == "missing"


def test_auth_commands_never_import_textual(tmp_path):
    code = (
        "import sys\n"
        "from tui_api.cli.main import main\n"
        "main(['auth', 'list'])\n"
        "main(['auth', 'set', 'x', '--kind', 'bearer', '--no-secret'])\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print('LOADED', bad)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], env=_cli_env(tmp_path), capture_output=True, text=True,
                          timeout=60)
    assert "LOADED []" in done.stdout, done.stdout + done.stderr
