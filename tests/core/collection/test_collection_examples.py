"""The example collections really run against the demo server."""

from __future__ import annotations

from pathlib import Path

from tui_api.cli.main import main
from tui_api.core.collection.yaml_format import load_collection
from tui_api.demo.server import DemoServer

REPO = Path(__file__).resolve().parents[3]


def test_demo_collection_passes_against_the_demo_server(demo_server: DemoServer, capsys) -> None:
    code = main(["run", str(REPO / "collections" / "demo.yaml"), "--env", "local",
                 "--var", f"base_url={demo_server.base_url}"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "0 failed" in out
    assert sorted(demo_server.store.pets) == [1, 2, 3]  # the created pet was deleted again
    assert [order["quantity"] for order in demo_server.store.orders] == [2]


def test_echo_collection_passes_against_the_demo_server(demo_server: DemoServer, capsys) -> None:
    code = main(["run", str(REPO / "collections" / "echo.yaml"), "--env", "local",
                 "--var", f"base_url={demo_server.base_url}"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "8 requests: 8 passed" in out


def test_examples_round_trip_byte_identical(tmp_path) -> None:
    from tui_api.core.collection.yaml_format import save_collection

    for example in sorted((REPO / "collections").glob("*.yaml")):
        target = tmp_path / example.name
        target.write_bytes(example.read_bytes())
        save_collection(load_collection(target))
        assert target.read_bytes() == example.read_bytes(), example.name


def test_demo_collection_chains_captures() -> None:
    collection = load_collection(REPO / "collections" / "demo.yaml")
    by_name = {request.name: request for request in collection.requests()}
    assert by_name["create pet"].capture["pet_id"] == "$.id"
    assert "{{pet_id}}" in by_name["delete pet"].url
    assert by_name["delete pet"].header("X-API-Key") == "{{demo_api_key}}"
    assert collection.environments["local"]["base_url"] == "http://127.0.0.1:8000"
