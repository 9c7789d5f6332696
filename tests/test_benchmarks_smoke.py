"""The benchmarks must keep running: CI runs each in its --smoke mode. No timing is asserted
here (shared machines are noisy); the numbers are for people reading the output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


# Each script's own measurement line, so a run that printed nothing useful fails.
MARKERS = {
    "spec_bench.py": "warm open (from cache)",
    "runner_bench.py": "runner sequential / bare httpx loop",
    "collection_bench.py": "first save (new file)",
}


@pytest.mark.parametrize("script", sorted(MARKERS))
def test_benchmark_smoke_run(script: str, specs_dir: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / script), "--smoke"],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert MARKERS[script] in done.stdout, done.stdout[-2000:]
