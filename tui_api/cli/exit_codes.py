"""Exit codes of every `tui-api` command (documented in the README)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # all passed / done
    CHECK_FAILED = 1  # `run`: an expect check failed
    USAGE = 2  # usage, spec, collection or auth error (nothing was sent)
    REQUEST_FAILED = 3  # `run`: a request could not complete (network error after retries, circuit open)
    INTERRUPTED = 130  # Ctrl-C
