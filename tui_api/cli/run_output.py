"""Everything `tui-api run` writes to stdout, and nothing else does: stdout is an API (CI logs,
golden tests), diagnostics go to stderr through cli/diagnostics.py.

    PASS  pets/list pets            GET 200   12 ms  2/2 checks
    FAIL  pets/get pet              GET 404    8 ms  1/2 checks  2 attempts
          status: expected 200, got 404
    ERR   orders/create             POST ---   0 ms  connection refused: ...
    SKIP  orders/read               not sent: variable 'order_id' ...

    4 requests: 1 passed, 1 failed, 1 error, 1 skipped | 1 retry | p50 10 ms | p95 12 ms | 0.3 s

On a terminal a live progress line sits under the results (rewritten in place); otherwise, or
with --quiet, only plain lines. NO_COLOR turns colour off.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from typing import TextIO

from tui_api.core.http.redact import mask_secrets

from tui_api.core.runner.engine import RequestResult, RunResult
from tui_api.core.runner.plan import PlannedRequest

_COLORS = {"PASS": "32", "FAIL": "31", "ERR": "35", "SKIP": "33", "dim": "2", "bold": "1"}
_TAGS = {"passed": "PASS", "failed": "FAIL", "error": "ERR", "skipped": "SKIP"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class _PipeSafe:
    """stdout that may be closed by its reader (`tui-api run c.yaml | head`): the run goes on
    and its reports are written; only the printing stops. Writes after the pipe broke are
    dropped, and the file descriptor is pointed at /dev/null so the interpreter's final flush
    does not complain either."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.gone = False

    def __getattr__(self, name: str):
        return getattr(self._stream, name)

    def _broken(self) -> None:
        self.gone = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass

    def write(self, text: str) -> int:
        if self.gone:
            return len(text)
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._broken()
            return len(text)

    def flush(self) -> None:
        if self.gone:
            return
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._broken()


class RunPrinter:
    def __init__(self, stream: TextIO | None = None, *, quiet: bool = False, verbose: bool = False,
                 color: bool | None = None, live: bool | None = None,
                 secrets: Callable[[], Iterable[str]] | None = None) -> None:
        self.stream = _PipeSafe(stream or sys.stdout)
        # literal secret values to mask (asked per result: an OAuth token or a capture may appear
        # mid-run); a failed check quotes the body, which may echo a token or an API key
        self.secrets = secrets
        is_tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.quiet = quiet
        self.verbose = verbose
        self.color = (is_tty and "NO_COLOR" not in os.environ) if color is None else color
        self.live = (is_tty and not quiet) if live is None else live
        self.total = 0
        self.finished = 0
        self.failed = 0
        self.in_flight: list[str] = []
        self._progress_shown = False
        self._width = 28

    # --- helpers -------------------------------------------------------------------------------
    def _paint(self, text: str, style: str) -> str:
        return f"\033[{_COLORS[style]}m{text}\033[0m" if self.color else text

    def _write(self, text: str) -> None:
        self._clear_progress()
        self.stream.write(text + "\n")
        self._draw_progress()
        self.stream.flush()

    def _clear_progress(self) -> None:
        if self._progress_shown:
            self.stream.write("\r\033[2K")
            self._progress_shown = False

    def _draw_progress(self) -> None:
        if not self.live or self.finished >= self.total:
            return
        current = self.in_flight[-1] if self.in_flight else ""
        line = f"[{self.finished}/{self.total}] {_plural(self.failed, 'failure')}"
        if current:
            line += f" | running {current}"
        try:
            columns = os.get_terminal_size(self.stream.fileno()).columns or 80  # 0 on some ptys
        except (OSError, ValueError, AttributeError):
            columns = 80
        self.stream.write(self._paint(line[: max(10, columns - 1)], "dim"))
        self._progress_shown = True

    # --- events --------------------------------------------------------------------------------
    def start(self, name: str, total: int, jobs: int) -> None:
        self.total = total
        if not self.quiet:
            mode = f", {jobs} at a time" if jobs > 1 else ""
            self._write(f"{self._paint(name, 'bold')}: {_plural(total, 'request')}{mode}")

    def set_labels(self, labels: list[str]) -> None:
        """Align the result column to the longest label (at most 40 characters)."""
        self._width = min(40, max([12] + [len(label) for label in labels]))

    def request_started(self, planned: PlannedRequest) -> None:
        self.in_flight.append(planned.label)
        if self.live:
            self._clear_progress()
            self._draw_progress()
            self.stream.flush()

    def request_finished(self, result: RequestResult) -> None:
        label = result.planned.label
        if label in self.in_flight:
            self.in_flight.remove(label)
        self.finished += 1
        if result.outcome in ("failed", "error"):
            self.failed += 1
        if self.quiet and result.outcome == "passed":
            if self.live:
                self._clear_progress()
                self._draw_progress()
            return
        lines = self.result_lines(result)
        secrets = list(self.secrets()) if self.secrets is not None else []
        for line in lines:
            self._write(mask_secrets(line, secrets) if secrets else line)

    def result_lines(self, result: RequestResult) -> list[str]:
        tag = _TAGS[result.outcome]
        head = f"{self._paint(tag.ljust(4), tag)}  {result.planned.label.ljust(self._width)}"
        ex = result.exchange
        lines: list[str] = []
        if ex is not None:
            status = str(ex.status) if ex.status is not None else "---"
            parts = [f"{ex.method} {status}", f"{ex.elapsed_ms:5.0f} ms"]
            counted = [c for c in result.checks if not c.skipped]
            if counted:
                parts.append(f"{len(result.passed_checks)}/{len(counted)} checks")
            if result.attempts > 1:
                parts.append(f"{result.attempts} attempts")
            if self.verbose and ex.correlation_id:
                parts.append(f"id {ex.correlation_id}")
            if result.outcome == "error" and result.message:
                parts.append(result.message)
            lines.append(head + "  " + "  ".join(parts))
        else:
            lines.append(head + "  " + result.message)
        for check in result.checks:
            if (not check.passed and not check.skipped) or (self.verbose and (check.passed or check.skipped)):
                lines.append("      " + check.message)
        if self.verbose and ex is not None and len(ex.attempts) > 1:
            for attempt in ex.attempts:
                what = str(attempt.status) if attempt.status is not None else (attempt.error or "no response")
                note = f" ({attempt.error})" if attempt.status is not None and attempt.error else ""
                waited = f" after {attempt.waited_ms:.0f} ms wait" if attempt.waited_ms else ""
                lines.append(f"      attempt {attempt.number}: {what}{note}, {attempt.elapsed_ms:.0f} ms{waited}")
        return lines

    def summary(self, run: RunResult, reports: list[str] | None = None) -> None:
        self._clear_progress()
        self.live = False
        counts = {k: sum(1 for r in run.results if r.outcome == k) for k in ("passed", "failed", "error", "skipped")}
        parts = [f"{_plural(len(run.results), 'request')}: {counts['passed']} passed, {counts['failed']} failed, "
                 f"{_plural(counts['error'], 'error')}, {counts['skipped']} skipped",
                 _plural(run.retries, "retry").replace("retrys", "retries")]
        p50, p95 = run.percentile(0.5), run.percentile(0.95)
        if p50 is not None and p95 is not None:
            parts += [f"p50 {p50:.0f} ms", f"p95 {p95:.0f} ms"]
        parts.append(f"{run.elapsed_ms / 1000:.1f} s")
        line = " | ".join(parts)
        style = "PASS" if run.exit_code() == 0 else "FAIL"
        self.stream.write("\n" + self._paint(line, style) + "\n")
        if run.interrupted:
            done = sum(1 for r in run.results if r.outcome != "skipped")
            self.stream.write(f"interrupted: {done} of {len(run.results)} requests finished\n")
        for report in reports or []:
            self.stream.write(f"report: {report}\n")
        self.stream.flush()
