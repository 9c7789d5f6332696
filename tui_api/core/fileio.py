"""Atomic file writes: a crash or kill mid-save never leaves a half-written file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

# The process umask, read once (os.umask can only be read by setting it).
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def write_atomic(
    path: str | os.PathLike[str],
    data: bytes | str | Iterable[bytes],
    *,
    encoding: str = "utf-8",
    private: bool = False,
) -> None:
    """Write to a temp file in the same folder, fsync it, then rename over `path`.

    `data` may be an iterable of byte chunks, for output too big to hold in memory at once (a
    run report with thousands of exchanges).

    The rename is atomic on POSIX, so readers see the old file or the new one, never a mix.
    The file keeps the mode of the file it replaces; a new file gets the usual mode for the
    user's umask (collections are meant to be shared in git), or 0600 with `private=True` (history,
    personal settings).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode(encoding) if isinstance(data, str) else data
    chunks = [payload] if isinstance(payload, (bytes, bytearray, memoryview)) else payload
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        elif not private:
            os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    try:
        dir_fd = os.open(target.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
