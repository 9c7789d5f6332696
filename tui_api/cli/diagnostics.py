"""Everything the CLI says on stderr: one clear line per problem, the traceback only with --debug."""

from __future__ import annotations

import os
import sys
import traceback


def use_color(stream=None) -> bool:
    """Honour NO_COLOR (https://no-color.org) and only colour a terminal. The stream is looked up
    per call: a default bound at import time would test a replaced (or closed) sys.stderr."""
    stream = sys.stderr if stream is None else stream
    return "NO_COLOR" not in os.environ and hasattr(stream, "isatty") and stream.isatty()


def error(message: str, *, debug: bool = False, exc: BaseException | None = None) -> None:
    if debug and exc is not None:
        traceback.print_exception(exc, file=sys.stderr)
    prefix = "\033[31merror:\033[0m" if use_color() else "error:"
    print(f"{prefix} {message}", file=sys.stderr, flush=True)


def warning(message: str) -> None:
    prefix = "\033[33mwarning:\033[0m" if use_color() else "warning:"
    print(f"{prefix} {message}", file=sys.stderr, flush=True)


def info(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
