"""Shared helpers for the TUI tests: wait for workers (never sleep) and open the demo spec."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from tui_api.core.spec.model import Operation
from tui_api.tui.app import TuiApiApp


async def settle(pilot: Pilot, rounds: int = 4) -> None:
    """Let workers finish and the messages they post be handled (a worker may start another)."""
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def find_operation(app: TuiApiApp, operation_id: str) -> Operation:
    for operation in app.main_screen.tree.operations:
        if operation.operation_id == operation_id:
            return operation
    raise AssertionError(f"no operation {operation_id}")


async def open_operation(pilot: Pilot, operation_id: str) -> Operation:
    app = pilot.app
    operation = find_operation(app, operation_id)
    assert app.main_screen.tree.reveal(operation)
    await settle(pilot)
    return operation


def demo_spec_copy(folder: Path) -> Path:
    """The demo spec as shipped (server http://127.0.0.1:8000): stable text for snapshots."""
    from tui_api.demo.server import spec_text

    path = folder / "demo-openapi.yaml"
    path.write_text(spec_text(), encoding="utf-8")
    return path
