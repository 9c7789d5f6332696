"""Spec opening at scale: cold open, warm (cached) open, one operation's detail, peak memory.

    .venv/bin/python benchmarks/spec_bench.py            # Kubernetes + Stripe, 5 runs each
    .venv/bin/python benchmarks/spec_bench.py --smoke    # 1 run, 30 operations: for CI
    .venv/bin/python benchmarks/spec_bench.py --spec path/to/other.yaml

Every number is also given as a ratio to a plain parse of the same file (orjson for JSON,
PyYAML's CSafeLoader for YAML), the floor any tool has to pay. Targets (issue 3): cold open
within 1.5x of the plain parse, warm open under 0.2x, opening an operation under 50 ms.
Memory is the peak RSS of a fresh process doing only that one thing, so imports are counted
alike on both sides.

The machine is shared and noisy: times vary between runs; compare the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SPECS = (REPO.parent / "shared" / "specs").resolve()
DEFAULT_SPECS = [SPECS / "kubernetes-swagger2.json", SPECS / "stripe-spec3-2022-04.json"]


def plain_parse(path: Path) -> Any:
    data = path.read_bytes()
    if data.lstrip()[:1] in (b"{", b"["):
        import orjson

        return orjson.loads(data)
    import yaml

    return yaml.load(data, Loader=yaml.CSafeLoader)


def _timed(fn: Any) -> float:
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    del result  # freeing a 4 MB document takes milliseconds: not part of either measurement
    return elapsed


def measure_times(path: Path, runs: int, detail_ops: int) -> dict[str, Any]:
    from tui_api.core.spec import cache as spec_cache
    from tui_api.core.spec import open_spec

    plain = statistics.median(_timed(lambda: plain_parse(path)) for _ in range(runs))
    cold_times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as cache:
            os.environ["TUI_API_CACHE_DIR"] = cache
            cold_times.append(_timed(lambda: open_spec(str(path))))
            spec_cache.flush()
    with tempfile.TemporaryDirectory() as cache:
        os.environ["TUI_API_CACHE_DIR"] = cache
        cold_doc = open_spec(str(path))
        spec_cache.flush()
        warm_times = [_timed(lambda: open_spec(str(path))) for _ in range(runs)]
        warm = open_spec(str(path))
        first_detail = _timed(lambda: warm.detail(warm.operations[len(warm.operations) // 2]))
        doc = open_spec(str(path))
        doc.ensure_loaded()
        ops = doc.operations
        step = max(1, len(ops) // detail_ops)
        details = [_timed(lambda op=op: doc.detail(op)) for op in ops[::step][:detail_ops]]
        requests = [_timed(lambda op=op: doc.build_request(op)) for op in ops[::step][:detail_ops]]
    os.environ.pop("TUI_API_CACHE_DIR", None)
    return {
        "operations": len(cold_doc.operations),
        "plain": plain,
        "cold": statistics.median(cold_times),
        "warm": statistics.median(warm_times),
        "first_detail_after_warm": first_detail,
        "detail_median": statistics.median(details),
        "detail_max": max(details),
        "request_median": statistics.median(requests),
        "details_measured": len(details),
    }


def child(mode: str, path: str, cache: str) -> None:
    """Run in a fresh process: do one thing, print peak RSS (kB) as JSON."""
    os.environ["TUI_API_CACHE_DIR"] = cache
    if mode == "plain":
        import orjson  # noqa: F401 - both sides pay the same imports
        import yaml  # noqa: F401

        keep = plain_parse(Path(path))
    else:
        from tui_api.core.spec import open_spec

        keep = open_spec(path)
        if mode == "detail":
            keep.detail(keep.operations[len(keep.operations) // 2])
    print(json.dumps({"maxrss_kb": _peak_rss_kb(), "kept": bool(keep)}))


def _peak_rss_kb() -> int:
    """VmHWM (reset by exec, unlike ru_maxrss, which a child inherits from the parent's fork)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure_memory(path: Path) -> dict[str, int]:
    found: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as cache:
        for mode in ("plain", "cold", "warm", "detail"):  # "cold" leaves the cache "warm" reads
            result = subprocess.run([sys.executable, __file__, "--child", mode, str(path), cache],
                                    capture_output=True, text=True, check=True, timeout=600)
            found[mode] = json.loads(result.stdout.strip().splitlines()[-1])["maxrss_kb"]
    return found


def report(path: Path, times: dict[str, Any], memory: dict[str, int] | None) -> None:
    plain = times["plain"]

    def row(label: str, seconds: float, target: str = "") -> None:
        print(f"  {label:<34} {seconds * 1000:9.1f} ms  {seconds / plain:6.2f}x plain   {target}")

    print(f"\n{path.name}  ({path.stat().st_size / 1e6:.1f} MB, {times['operations']} operations)")
    row("plain parse", plain)
    row("cold open (index ready, cached)", times["cold"], "target <= 1.5x")
    row("warm open (from cache)", times["warm"], "target <  0.2x")
    row("first detail after a warm open", times["first_detail_after_warm"], "(loads the document)")
    row(f"detail, median of {times['details_measured']}", times["detail_median"], "target < 50 ms")
    row("detail, max", times["detail_max"])
    row("draft request, median", times["request_median"])
    if memory:
        base = memory["plain"]
        for mode, label in (("plain", "peak RSS plain parse"), ("cold", "peak RSS cold open"),
                            ("warm", "peak RSS warm open"), ("detail", "peak RSS cold open + 1 detail")):
            print(f"  {label:<34} {memory[mode] / 1024:9.1f} MB  {memory[mode] / base:6.2f}x plain")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="one run, few operations (CI)")
    parser.add_argument("--spec", action="append", type=Path, help="spec to measure (repeatable)")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory subprocesses")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "PATH", "CACHE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    specs = args.spec or DEFAULT_SPECS
    missing = [str(p) for p in specs if not p.exists()]
    if missing:
        print(f"error: spec not found: {', '.join(missing)}", file=sys.stderr)
        return 2
    runs, detail_ops = (1, 30) if args.smoke else (5, 400)
    import orjson  # noqa: F401 - import costs out of the timings
    import yaml  # noqa: F401

    import tui_api.core.spec  # noqa: F401

    print(f"spec_bench: {runs} run(s) each, times are medians; python {sys.version.split()[0]}")
    for path in specs:
        times = measure_times(path, runs, detail_ops)
        memory = None if args.no_memory else measure_memory(path)
        report(path, times, memory)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
