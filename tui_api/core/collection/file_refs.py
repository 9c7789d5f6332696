"""File references in a request (multipart `file:` parts, a `file` body) as an importer writes them.

A cURL command's `-F f=@README.md` names a file relative to the shell's current folder, but a
collection resolves its file references relative to the collection file's folder (as the runner and
the TUI send them). Copied as is into `/tmp/x/c.yaml` from `/work`, `run` looked for
`/tmp/x/README.md` and failed."""

from __future__ import annotations

import os
from pathlib import Path

from tui_api.core.collection.model import Request


def rebase_file_refs(request: Request, folder: Path | None, *, cwd: Path | None = None) -> None:
    """Rewrite `request`'s file references, read relative to `cwd` (default: the current folder),
    so they name the same files from `folder` (the collection file's folder), or as absolute
    paths when `folder` is None (printed YAML may be pasted into any collection). A reference
    that uses a `{{variable}}` is left alone: its folder is not known yet."""
    body = request.body
    if body is None:
        return
    if body.kind == "file" and isinstance(body.value, str):
        body.value = rebased_path(body.value, folder, cwd=cwd)
    elif body.kind == "multipart":
        for part in body.value:
            if part.file is not None:
                part.file = rebased_path(part.file, folder, cwd=cwd)


def rebased_path(raw: str, folder: Path | None, *, cwd: Path | None = None) -> str:
    """`raw` (relative to `cwd`) relative to `folder`; absolute when `folder` is None or when the
    two only share the filesystem root or sit on different drives (a '../../..' chain to the
    root would break as soon as the collection moves)."""
    if not raw or "{{" in raw:
        return raw
    path = Path(raw).expanduser()
    if not path.is_absolute():
        path = (cwd or Path.cwd()) / path
    path = path.resolve()
    if folder is None:
        return str(path)
    base = Path(folder).resolve()
    try:
        common = Path(os.path.commonpath([path, base]))
    except ValueError:  # another drive on Windows
        return str(path)
    if common == Path(common.anchor):
        return str(path)
    return Path(os.path.relpath(path, base)).as_posix()
