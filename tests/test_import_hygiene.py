"""The headless paths never import Textual (start-up cost, and the core/shell split of DESIGN.md),
and the core never imports Textual or rich at all."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

PROBE = """
import sys, contextlib, io
from tui_api.cli.main import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    try:
        main({argv!r})
    except SystemExit:
        pass
heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'openapi_spec_validator', 'prance'))
print(','.join(heavy))
"""


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["run", "--help"], ["spec", "--help"], ["auth", "--help"], ["import", "openapi", "--help"],
     ["auth", "list"]],
)
def test_headless_commands_do_not_import_textual(argv: list[str]) -> None:
    done = subprocess.run([sys.executable, "-c", PROBE.format(argv=argv)], capture_output=True, text=True,
                          timeout=60, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"{argv} imported {done.stdout.strip()}"


def test_core_modules_never_import_textual_or_rich() -> None:
    offenders = []
    for path in (REPO / "tui_api" / "core").rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            stripped = line.strip()
            if stripped.startswith(("import textual", "from textual", "import rich", "from rich")):
                offenders.append(f"{path.relative_to(REPO)}:{number}")
    assert offenders == []
