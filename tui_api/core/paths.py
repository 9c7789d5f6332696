"""Where user state lives: history, settings, the spec cache, personal auth profiles.

Never the working directory. Each location can be moved with an environment variable so tests
(and users with odd setups) can point it somewhere else:

    TUI_API_HOME         moves all three below under one folder (data/, cache/, config/)
    TUI_API_DATA_DIR     history
    TUI_API_CACHE_DIR    parsed-spec cache
    TUI_API_CONFIG_DIR   settings, personal auth profiles
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "tui-api"


def _dir(kind: str) -> Path:
    specific = os.environ.get(f"TUI_API_{kind.upper()}_DIR")
    if specific:
        return Path(specific)
    home = os.environ.get("TUI_API_HOME")
    if home:
        return Path(home) / kind
    import platformdirs

    if kind == "data":
        return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    if kind == "cache":
        return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    return _dir("data")


def cache_dir() -> Path:
    return _dir("cache")


def config_dir() -> Path:
    return _dir("config")
