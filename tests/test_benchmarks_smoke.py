"""The benchmarks must keep running: CI runs each in its --smoke mode. No timing is asserted
here (shared machines are noisy); the numbers are for people reading the output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("script", ["spec_bench.py", "runner_bench.py", "collection_bench.py"])
def test_benchmark_smoke_run(script: str, specs_dir: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / script), "--smoke"],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "x plain" in done.stdout or "req/s" in done.stdout
