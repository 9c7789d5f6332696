"""Fixtures for the auth tests: a real token endpoint, secret stores, a real keyring when present."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/, for `servers.oauth`

from servers.oauth import OAuthServer  # noqa: E402

from tui_api.core.auth.secrets import SecretStore  # noqa: E402


@pytest.fixture
def oauth_server() -> Iterator[OAuthServer]:
    with OAuthServer() as server:
        yield server


@pytest.fixture
def memory_store() -> SecretStore:
    """An in-memory keyring and an empty environment: nothing leaks in from the machine."""
    return SecretStore.in_memory()


@pytest.fixture
def real_keyring_store() -> Iterator[SecretStore]:
    """The OS keyring under a throwaway service name. Skips without one, unless CI demands it
    (TUI_API_REQUIRE_KEYRING=1, set by .ci/run), where a missing keyring fails the test."""
    store = SecretStore(service=f"tui-api-test-{uuid.uuid4().hex[:10]}", environ={})
    ok, why = store.backend_status()
    if ok:
        try:
            store.set("probe", "field", "probe-value")
            ok = store.get("probe", "field") == "probe-value"
            store.delete("probe", "field")
        except Exception as exc:  # noqa: BLE001 - any failure means "no usable keyring"
            ok, why = False, str(exc)
    if not ok:
        message = f"no usable OS keyring here ({why})"
        if os.environ.get("TUI_API_REQUIRE_KEYRING") == "1":
            pytest.fail(message + "; TUI_API_REQUIRE_KEYRING=1 demands one (see .ci/run)")
        pytest.skip(message)
    yield store


@pytest.fixture
def files_containing():
    """files_containing(secret, *roots) -> every file under `roots` whose bytes contain `secret`."""
    return _files_containing


def _files_containing(secret: str, *roots: Path) -> list[Path]:
    found = []
    needle = secret.encode()
    for root in roots:
        if not root.exists():
            continue
        for path in root.rglob("*"):
            if path.is_file():
                try:
                    if needle in path.read_bytes():
                        found.append(path)
                except OSError:
                    pass
    return found
