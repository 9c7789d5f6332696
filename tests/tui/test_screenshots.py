"""`pytest -m screenshots`: regenerate the README screenshots (screenshots/*.svg) from the app itself.

Deselected by default (see pyproject's addopts); the same as `python scripts/make_screenshots.py`."""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.screenshots
def test_regenerate_readme_screenshots() -> None:
    spec = importlib.util.spec_from_file_location("make_screenshots", REPO / "scripts" / "make_screenshots.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    written = asyncio.run(module.make(REPO / "screenshots", (140, 40)))
    assert {path.name for path in written} == {"main.svg", "response.svg", "help.svg", "collection.svg"}
    for path in written:
        assert path.read_text(encoding="utf-8").lstrip().startswith("<svg")
