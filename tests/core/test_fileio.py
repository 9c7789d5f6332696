"""Atomic writes: the mode a new file gets, and the old file surviving a failed rename."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tui_api.core import fileio
from tui_api.core.fileio import write_atomic


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_file_follows_umask_and_private_is_owner_only(tmp_path: Path) -> None:
    shared = tmp_path / "collection.yaml"
    write_atomic(shared, "version: 1\n")
    assert _mode(shared) == 0o666 & ~fileio._UMASK
    private = tmp_path / "history.jsonl"
    write_atomic(private, "{}\n", private=True)
    assert _mode(private) == 0o600


def test_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "x.yaml"
    target.write_text("old")
    os.chmod(target, 0o640)
    write_atomic(target, "new")
    assert target.read_text() == "new" and _mode(target) == 0o640


def test_failed_rename_keeps_old_file_and_leaves_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "x.yaml"
    target.write_text("old")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.yaml"]
