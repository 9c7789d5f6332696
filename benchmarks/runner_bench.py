"""Runner throughput and memory, against a local server started in its own process.

    .venv/bin/python benchmarks/runner_bench.py            # 1,000 requests, 200 x 2 MB
    .venv/bin/python benchmarks/runner_bench.py --smoke    # small counts, for CI

Measures, in the same run and against the same server:
  - a bare sequential httpx loop (default AsyncClient, two checks per response by hand),
  - the same loop over our aiohttp transport,
  - aiohttp alone, sequential and 8 concurrent (the floor under our transport),
  - the runner sequential (two checks per request, output to a buffer), as a ratio to the bare
    httpx loop (target >= 0.8x),
  - the runner with --jobs 8 as a ratio to its own sequential rate (target >= 3x),
  - peak RSS of a fresh process that runs 200 requests answering 2 MB each (target < 150 MB).

The machine is shared and noisy: numbers vary from run to run; the ratios are what to compare.

Measured on the 2-core shared development machine (1,000 requests, best of 3 rounds), after the
per-request costs were cut (cookie-jar wrapping of every response, a task per wait_for, URL parsing
per request, unread header redaction): runner sequential ~1,480-1,780/s (was ~1,250-1,320),
--jobs 8 ~2,450-2,620/s (was ~2,040-2,240), 1.4-1.8x the bare httpx loop (~1,050/s).
--jobs 8 is 1.4-1.8x its sequential rate against this instant server, not 3x: the client is
CPU-bound while client and server share two busy cores. `bare_aiohttp` shows the floor: aiohttp
alone, with no httpx and no runner, ran ~3,400-3,700/s sequentially and ~8,300-8,900/s with 8
concurrent requests, 2.3-2.4x; no client built on aiohttp reaches 3x here. Against a server that
takes 5 ms per answer (any real API), --jobs 8 is ~7x sequential. httpx's own pool under the
runner: ~800-980/s sequential, ~650-730/s with --jobs 8. 200 x 2 MB responses with a JSON
report: ~52 MB peak RSS (66-77 MB with --jobs 8).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PAYLOAD = json.dumps({"ok": True, "id": 1, "name": "Rex", "tags": ["a", "b"], "items": list(range(20))}).encode()


# --- the server (its own process, so it does not share the client's event loop or GIL) ---------

def serve(port: int) -> None:
    try:
        from aiohttp import web
    except ImportError:
        sys.path.insert(0, str(REPO / "tests"))
        from servers.faulty import FaultyServer

        server = FaultyServer(port=port).start()
        print("ready", flush=True)
        try:
            while True:
                time.sleep(3600)
        finally:
            server.stop()
        return

    async def ok(request):
        return web.Response(body=PAYLOAD, content_type="application/json")

    async def big(request):
        size = int(request.match_info["size"])
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        response.content_length = size
        await response.prepare(request)
        prefix, suffix = b'{"data": "', b'"}'
        await response.write(prefix)
        left = size - len(prefix) - len(suffix)
        chunk = b"x" * 65536
        while left > 0:
            await response.write(chunk[: min(left, len(chunk))])
            left -= min(left, len(chunk))
        await response.write(suffix)
        return response

    async def slow(request):
        await asyncio.sleep(int(request.match_info["ms"]) / 1000)
        return web.Response(body=PAYLOAD, content_type="application/json")

    app = web.Application()
    app.router.add_get("/ok", ok)
    app.router.add_get("/slow/{ms}", slow)
    app.router.add_get("/big/{size}", big)

    async def main() -> None:
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        print("ready", flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server() -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, __file__, "--serve", str(port)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "ready" not in line:
        proc.kill()
        raise SystemExit("the benchmark server did not start")
    return proc, f"http://127.0.0.1:{port}"


# --- the measurements ----------------------------------------------------------------------------

async def bare_loop(base: str, count: int, transport=None, path: str = "/ok") -> float:
    import httpx

    async with httpx.AsyncClient(transport=transport) as client:
        await client.get(base + path)
        started = time.perf_counter()
        for _ in range(count):
            response = await client.get(base + path)
            assert response.status_code == 200
            assert response.json()["ok"] is True
        return count / (time.perf_counter() - started)


async def bare_aiohttp(base: str, count: int, concurrency: int) -> float:
    """The floor under any client built on aiohttp: its own session, no httpx, no runner, the
    same check by hand. Its 8-concurrent / sequential ratio bounds what --jobs 8 can reach."""
    import aiohttp
    import orjson

    async with aiohttp.ClientSession() as session:
        async def one() -> None:
            async with session.get(base + "/ok") as response:
                assert response.status == 200
                assert orjson.loads(await response.read())["ok"] is True

        await one()
        started = time.perf_counter()
        if concurrency <= 1:
            for _ in range(count):
                await one()
        else:
            slots = asyncio.Semaphore(concurrency)

            async def limited() -> None:
                async with slots:
                    await one()

            await asyncio.gather(*(limited() for _ in range(count)))
        return count / (time.perf_counter() - started)


def collection(base: str, count: int, path: str = "/ok", checks: bool | None = None):
    from tui_api.core.collection.model import Collection, Expect, Request

    checks = not path.startswith("/big") if checks is None else checks
    expect = Expect(status=[200], json={"$.ok": True}) if checks else Expect(json={"$.data": {"exists": True}})
    return Collection(name="bench", items=[Request(f"r{i}", "GET", base + path, expect=expect) for i in range(count)])


async def runner_rate(base: str, count: int, jobs: int, backend: str = "auto", path: str = "/ok") -> float:
    from tui_api.cli.run_output import RunPrinter
    from tui_api.core.runner.engine import RunOptions, Runner
    from tui_api.core.runner.plan import build_plan

    coll = collection(base, count, path=path)
    plan = build_plan(coll, {})
    printer = RunPrinter(io.StringIO(), color=False, live=False)
    printer.set_labels([p.label for p in plan.requests])
    runner = Runner(coll, plan, variables={}, options=RunOptions(jobs=jobs, backend=backend),
                    on_start=printer.request_started, on_result=printer.request_finished)
    started = time.perf_counter()
    result = await runner.run()
    rate = count / (time.perf_counter() - started)
    failed = [r for r in result.results if r.outcome != "passed"]
    if failed:
        raise SystemExit(f"benchmark run had failures: {failed[0].message or failed[0].failed_checks}")
    return rate


def memory_child(base: str, count: int, size: int, jobs: int) -> None:
    """Runs in a fresh process, so peak RSS covers only this run: the real `tui-api run` path
    on a collection file, with a JSON report (bodies spooled to disk, 64 KiB of each kept)."""
    import tempfile

    from tui_api.cli.main import main as cli_main
    from tui_api.core.collection.model import Collection, Expect, Request
    from tui_api.core.collection.yaml_format import save_collection

    folder = Path(tempfile.mkdtemp(prefix="tui-api-bench-"))
    expect = Expect(status=[200], json={"$.data": {"exists": True}})
    coll = Collection(name="memory", items=[Request(f"r{i}", "GET", f"{base}/big/{size}", expect=expect)
                                            for i in range(count)])
    save_collection(coll, folder / "memory.yaml")
    report = folder / "report.json"
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    code = cli_main(["run", str(folder / "memory.yaml"), "--jobs", str(jobs), "--quiet",
                     "--report", f"json:{report}"])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    passed = sum(1 for entry in json.loads(report.read_text())["requests"] if entry["outcome"] == "passed")
    print(json.dumps({"peak_rss_mb": peak / 1024, "baseline_rss_mb": before / 1024, "passed": passed,
                      "exit_code": code, "report_mb": report.stat().st_size / 1e6}))


def memory(base: str, count: int, size: int, jobs: int) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--memory-child", base, str(count), str(size), str(jobs)],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise SystemExit(f"memory run failed: {proc.stderr.strip()[-500:]}")
    # the run's own output (quiet: the summary line) comes first; the measurement is the last line
    return json.loads(proc.stdout.strip().splitlines()[-1])


async def throughput(base: str, count: int, rounds: int) -> dict[str, float]:
    """Each configuration `rounds` times, interleaved, best rate kept: on a shared machine the
    best of several short runs is the one least disturbed by other processes."""
    from tui_api.core.http.transports import aiohttp_available

    configs: dict[str, object] = {
        "bare_httpx": lambda: bare_loop(base, count),
        "runner_seq": lambda: runner_rate(base, count, 1),
        "runner_jobs8": lambda: runner_rate(base, count, 8),
        "runner_seq_httpx_pool": lambda: runner_rate(base, count, 1, backend="httpx"),
        "runner_jobs8_httpx_pool": lambda: runner_rate(base, count, 8, backend="httpx"),
        # a server that takes 5 ms per answer, like a real API with a database behind it
        "bare_httpx_5ms": lambda: bare_loop(base, count // 4, path="/slow/5"),
        "runner_seq_5ms": lambda: runner_rate(base, count // 4, 1, path="/slow/5"),
        "runner_jobs8_5ms": lambda: runner_rate(base, count // 4, 8, path="/slow/5"),
    }
    if aiohttp_available():
        from tui_api.core.http.aiohttp_transport import AiohttpTransport

        configs["bare_httpx_over_aiohttp"] = lambda: bare_loop(base, count, AiohttpTransport())
        configs["bare_aiohttp"] = lambda: bare_aiohttp(base, count, 1)
        configs["bare_aiohttp_c8"] = lambda: bare_aiohttp(base, count, 8)
    best: dict[str, float] = {}
    for _ in range(rounds):
        for name, make in configs.items():
            rate = await make()  # type: ignore[operator]
            best[name] = max(best.get(name, 0.0), rate)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="small counts (CI)")
    parser.add_argument("--requests", type=int, help="requests per throughput run (default 1000; smoke 100)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds, best kept (default 3; smoke 1)")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--memory-child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return 0
    if args.memory_child:
        base, count, size, jobs = args.memory_child
        memory_child(base, int(count), int(size), int(jobs))
        return 0

    os.environ.setdefault("TUI_API_HOME", str(Path("/tmp") / f"tui-api-bench-{os.getpid()}"))
    count = args.requests or (100 if args.smoke else 1000)
    mem_count = 20 if args.smoke else 200
    server, base = start_server()
    try:
        rates = asyncio.run(throughput(base, count, args.rounds or (1 if args.smoke else 3)))
        mem_seq = memory(base, mem_count, 2_000_000, 1)
        mem_jobs = memory(base, mem_count, 2_000_000, 8)
    finally:
        server.terminate()
        server.wait(timeout=10)

    seq_ratio = rates["runner_seq"] / rates["bare_httpx"]
    jobs_ratio = rates["runner_jobs8"] / rates["runner_seq"]
    print(f"requests per run: {count} (two checks each); server: local, own process")
    for name, value in rates.items():
        print(f"  {name:26s} {value:8.0f} req/s")
    print(f"runner sequential / bare httpx loop: {seq_ratio:.2f}x (target >= 0.8x)")
    print(f"runner --jobs 8 / runner sequential: {jobs_ratio:.2f}x (target >= 3x)")
    if "bare_aiohttp" in rates:
        print(f"bare aiohttp, 8 concurrent / sequential: {rates['bare_aiohttp_c8'] / rates['bare_aiohttp']:.2f}x "
              "(what any aiohttp-based client can reach on this machine and server)")
    slow_seq = rates["runner_seq_5ms"] / rates["bare_httpx_5ms"]
    slow_jobs = rates["runner_jobs8_5ms"] / rates["runner_seq_5ms"]
    print(f"server answering in 5 ms: runner sequential / bare loop {slow_seq:.2f}x, "
          f"--jobs 8 / sequential {slow_jobs:.2f}x")
    print(f"{mem_count} x 2 MB responses: peak RSS {mem_seq['peak_rss_mb']:.0f} MB sequential, "
          f"{mem_jobs['peak_rss_mb']:.0f} MB with --jobs 8 (target < 150 MB; "
          f"baseline after imports {mem_seq['baseline_rss_mb']:.0f} MB)")
    summary = {"requests": count, **{k: round(v, 1) for k, v in rates.items()},
               "seq_ratio": round(seq_ratio, 2), "jobs8_ratio": round(jobs_ratio, 2),
               "seq_ratio_5ms": round(slow_seq, 2), "jobs8_ratio_5ms": round(slow_jobs, 2),
               "peak_rss_mb_seq": round(mem_seq["peak_rss_mb"], 1), "peak_rss_mb_jobs8": round(mem_jobs["peak_rss_mb"], 1),
               "memory_passed": [mem_seq["passed"], mem_jobs["passed"]]}
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
