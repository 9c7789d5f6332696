"""Collection files at scale: first save of a new file, load, re-save of a loaded file.

    .venv/bin/python benchmarks/collection_bench.py            # 1,000 and 10,000 requests
    .venv/bin/python benchmarks/collection_bench.py --smoke    # 200 requests, for CI
    .venv/bin/python benchmarks/collection_bench.py --sizes 18000

The collection is generated (every body kind, headers, query, expectations, captures, multi-line
text, unicode) so the numbers do not depend on a spec file. Measured per size:
  - first save of a NEW file (no source: the direct emitter), and the round-trip writer doing the
    same file (the path every new file took before; kept for files it cannot emit) as a ratio,
  - load of the saved file,
  - re-save of the loaded file untouched (writes the loaded text back) and after one edit (the
    round-trip writer, which keeps comments and formatting),
  - peak RSS of a fresh process doing only the first save, with each writer.

The machine is shared and noisy: times vary between runs; compare the ratios.

Measured on the 2-core shared development machine:
                            1,000 requests (0.5 MB)     10,000 requests (5.5 MB)
  first save, new file      65 ms   (round-trip 1.27 s)  0.84 s  (round-trip 14.7 s)
  peak RSS, first save      28 MB   (round-trip 49 MB)   98 MB   (round-trip 292 MB)
  load                      0.44 s                       7.8 s   (ruamel's safe loader: the parse itself)
  re-save, untouched        9 ms                         0.15 s
  re-save, one edit         0.13 s  (was 5.6 s)          2.3 s   (was ~70 s)
"Was" is the round-trip writer, which a file with comments or hand formatting still goes through.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from spec_bench import _peak_rss_kb  # noqa: E402  # VmHWM: a forked child inherits ru_maxrss
from tui_api.core.collection.model import (  # noqa: E402
    Body, Collection, Expect, Folder, MultipartPart, Request,
)


def generate(count: int) -> Collection:
    """`count` requests in folders of 50, cycling through every body kind."""
    folders: list[Folder] = []
    for start in range(0, count, 50):
        items: list[Request | Folder] = []
        for index in range(start, min(start + 50, count)):
            kind = index % 6
            body: Body | None
            if kind == 0:
                body = Body("json", {"name": f"pet {index}", "tags": ["a", "b"], "age": index,
                                     "owner": {"email": "x@example.com", "since": "2024-01-01"},
                                     "price": 12.5, "active": True, "note": None})
            elif kind == 1:
                body = Body("form", [("user", "ann"), ("scope", "read write"), ("scope", "admin")])
            elif kind == 2:
                body = Body("multipart", [MultipartPart("meta", value='{"a": 1}', content_type="application/json"),
                                          MultipartPart("file", file=f"files/{index}.png", content_type="image/png")])
            elif kind == 3:
                body = Body("text", f"line one {index}\nligne deux: é\n  indented\n")
            elif kind == 4:
                body = Body("file", f"payloads/{index}.bin")
            else:
                body = None
            items.append(Request(
                name=f"operation {index}", method=("GET", "POST", "PUT", "DELETE")[index % 4],
                url=f"{{{{base_url}}}}/things/{index}/{{{{id}}}}",
                query=[("limit", "10"), ("tag", "true")], headers=[("Accept", "application/json")],
                body=body, description=f"Does thing {index}: see the 'docs'.",
                expect=Expect(status=[200, 201], json={"$.id": "{{id}}"}), capture={"id": "$.id"},
                operation=f"GET /things/{index}",
            ))
        folders.append(Folder(name=f"folder {start // 50}", items=items))
    return Collection(name="Generated", items=list(folders), variables={"base_url": "http://127.0.0.1:8000", "id": "1"},
                      environments={"local": {"base_url": "http://127.0.0.1:8000"}}, auth="key",
                      auth_profiles={"key": {"kind": "apikey", "in": "header", "name": "X-API-Key"}})


def round_trip_text(collection: Collection) -> str:
    """What a new file cost before the direct emitter: the round-trip document, dumped."""
    from ruamel.yaml.comments import CommentedMap

    from tui_api.core.collection.yaml_format import DEFAULT_INDENT, _dump
    from tui_api.core.collection.yaml_write import apply_collection

    doc = CommentedMap()
    apply_collection(doc, None, collection)
    return _dump(doc, DEFAULT_INDENT)


def _timed(fn: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def measure(count: int, folder: Path, old_writer: bool) -> dict[str, float]:
    from tui_api.core.collection.yaml_format import load_collection, save_collection

    collection = generate(count)
    path = folder / f"c{count}.yaml"
    times: dict[str, float] = {}
    times["first save (new file)"], _ = _timed(lambda: save_collection(collection, path))
    if old_writer:
        times["round-trip writer, same file"], text = _timed(lambda: round_trip_text(collection))
        assert text == path.read_text(encoding="utf-8"), "the two writers disagree"
    times["load"], loaded = _timed(lambda: load_collection(path))
    times["re-save, untouched"], _ = _timed(lambda: save_collection(loaded))
    first = loaded.items[0].items[0]  # type: ignore[union-attr]
    first.url += "?edited=1"
    times["re-save, one edit"], _ = _timed(lambda: save_collection(loaded))
    times["size MB"] = path.stat().st_size / 1e6
    return times


def child(mode: str, count: int, target: str) -> None:
    """One first save in a fresh process, for its peak RSS."""
    collection = generate(count)
    if mode == "direct":
        from tui_api.core.collection.yaml_format import save_collection

        save_collection(collection, target)
    else:
        Path(target).write_text(round_trip_text(collection), encoding="utf-8")
    print(_peak_rss_kb())


def peak_rss_mb(mode: str, count: int, folder: Path) -> float:
    done = subprocess.run([sys.executable, __file__, "--child", mode, str(count), str(folder / f"rss-{mode}.yaml")],
                          capture_output=True, text=True, check=True)
    return int(done.stdout.strip()) / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="one small size, for CI")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--no-old", action="store_true", help="skip the round-trip writer comparison")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], int(args.child[1]), args.child[2])
        return 0
    sizes = [200] if args.smoke else args.sizes
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("TUI_API_HOME", tmp)
        for count in sizes:
            times = measure(count, Path(tmp), old_writer=not args.no_old)
            print(f"{count:,} requests ({times.pop('size MB'):.1f} MB of YAML)")
            for label, seconds in times.items():
                print(f"  {label:<32} {seconds * 1000:9.0f} ms")
            if "round-trip writer, same file" in times:
                ratio = times["round-trip writer, same file"] / times["first save (new file)"]
                print(f"  first save: {ratio:.1f}x plain-emitter speed-up over the round-trip writer")
            if not args.smoke:
                direct = peak_rss_mb("direct", count, Path(tmp))
                old = peak_rss_mb("round-trip", count, Path(tmp)) if not args.no_old else float("nan")
                print(f"  peak RSS, first save: direct {direct:.0f} MB, round-trip writer {old:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
