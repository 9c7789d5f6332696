"""`tui-api open` and `tui-api demo` up to the point where Textual would start."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx

from tui_api.cli.cmd_open import looks_like_collection
from tui_api.cli.main import main


def test_open_missing_file_is_one_line_and_exit_2(capsys, tmp_path: Path) -> None:
    code = main(["open", str(tmp_path / "missing.yaml")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "missing.yaml: no such file" in err


def test_default_command_is_open(capsys, tmp_path: Path) -> None:
    assert main([str(tmp_path / "nope.json")]) == 2
    assert "nope.json: no such file" in capsys.readouterr().err


def test_open_a_folder_is_refused(capsys, tmp_path: Path) -> None:
    assert main(["open", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_collection_is_told_apart_from_a_spec(tmp_path: Path) -> None:
    collection = tmp_path / "pets.yaml"
    collection.write_text("version: 1\nname: pets\nrequests:\n  - name: a\n    url: http://x\n", encoding="utf-8")
    spec = tmp_path / "spec.yaml"
    spec.write_text("openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n", encoding="utf-8")
    assert looks_like_collection(collection)
    assert not looks_like_collection(spec)


def test_demo_serve_only_serves_until_stopped(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "tui_api", "demo", "--serve-only", "--port", str(port)],
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        assert f"127.0.0.1:{port}" in line
        for _ in range(50):
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/pets", timeout=2)
                break
            except httpx.ConnectError:
                time.sleep(0.1)
        assert response.status_code == 200 and response.json()[0]["name"] == "Rex"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_demo_port_in_use_is_one_line(capsys) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        assert main(["demo", "--serve-only", "--port", str(port)]) == 2
    assert "cannot listen" in capsys.readouterr().err
