"""`import curl` with `-F f=@FILE` / `--data-binary @FILE`: the path was written as typed (relative to
the shell's folder) while the collection reads files relative to its own folder, so `run` from
anywhere failed with 'cannot read multipart file'."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tui_api.cli.main import main
from tui_api.core.collection.file_refs import rebased_path
from tui_api.core.collection.yaml_format import load_collection


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's shell folder, holding the files the command names."""
    shell = tmp_path / "shell"
    (shell / "data").mkdir(parents=True)
    (shell / "notes.txt").write_text("multipart payload 41\n")
    (shell / "data" / "body.bin").write_bytes(b"binary body 42")
    monkeypatch.chdir(shell)
    return shell


def test_output_collection_names_files_relative_to_its_folder_and_runs(
        work: Path, tmp_path: Path, faulty, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    target = tmp_path / "x" / "c.yaml"
    assert main(["import", "curl", f"curl {faulty.base_url}/echo -F f=@notes.txt -F name=rex",
                 "-o", str(target), "--name", "upload"]) == 0
    assert main(["import", "curl", f"curl {faulty.base_url}/echo --data-binary @data/body.bin",
                 "-o", str(target), "--name", "raw"]) == 0
    requests = {r.name: r for r in load_collection(target).requests()}
    assert [p.file for p in requests["upload"].body.value if p.file] == ["../shell/notes.txt"]
    assert requests["raw"].body.value == "../shell/data/body.bin"

    monkeypatch.chdir(tmp_path)  # run from yet another folder: the files are found from the collection
    capsys.readouterr()
    assert main(["run", str(target), "--report", f"json:{tmp_path / 'r.json'}"]) == 0, capsys.readouterr()
    report = json.loads((tmp_path / "r.json").read_text())
    bodies = json.dumps(report)
    assert "multipart payload 41" in bodies and "binary body 42" in bodies


def test_printed_yaml_names_files_by_absolute_path(work: Path, capsys) -> None:
    assert main(["import", "curl", "curl http://127.0.0.1:9/echo -F f=@notes.txt --form-string s=@literal"]) == 0
    items = yaml.safe_load(capsys.readouterr().out)
    parts = items[0]["body"]["multipart"]
    assert parts["f"] == {"file": str(work / "notes.txt")}
    assert parts["s"] == "@literal"  # --form-string: text, not a file


def test_paths_that_only_share_the_root_stay_absolute(tmp_path: Path) -> None:
    assert rebased_path("/srv/a/f.txt", Path("/home/u/collections")) == "/srv/a/f.txt"
    assert rebased_path("../f.txt", tmp_path / "c", cwd=tmp_path / "s") == "../f.txt"
    assert rebased_path("{{dir}}/f.txt", tmp_path) == "{{dir}}/f.txt"
