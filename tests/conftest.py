"""Fixtures every test can use: isolated user directories, the real specs, a real demo server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tui_api.demo.server import DemoServer

REPO = Path(__file__).resolve().parents[1]
SHARED_SPECS = (REPO.parent / "shared" / "specs").resolve()


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """User state (history, cache, config) never leaks into the real home or between tests."""
    home = tmp_path_factory.mktemp("tui-api-home")
    monkeypatch.setenv("TUI_API_HOME", str(home))
    for name in ("TUI_API_DATA_DIR", "TUI_API_CACHE_DIR", "TUI_API_CONFIG_DIR"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture(scope="session")
def specs_dir() -> Path:
    if not SHARED_SPECS.is_dir():
        pytest.skip(f"real specs not found at {SHARED_SPECS}")
    return SHARED_SPECS


@pytest.fixture
def demo_server() -> Iterator[DemoServer]:
    """A fresh demo pet store on 127.0.0.1 (a free port), stopped after the test."""
    with DemoServer() as server:
        yield server
