"""The runner's stdout: plain lines off a terminal, a live progress line on one, NO_COLOR honoured."""

from __future__ import annotations

import io

from tui_api.cli.run_output import RunPrinter
from tui_api.core.collection.model import Request
from tui_api.core.http.exchange import Attempt, Exchange
from tui_api.core.runner.checks import CheckResult
from tui_api.core.runner.engine import RequestResult, RunResult
from tui_api.core.runner.plan import PlannedRequest


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        raise OSError("not a real terminal")


def results():
    one = PlannedRequest(0, (), Request("list"), None, frozenset(), frozenset())
    two = PlannedRequest(1, ("pets",), Request("get"), None, frozenset(), frozenset())
    ok = Exchange("GET", "http://h/list", [], status=200, elapsed_ms=12.0, correlation_id="abc123",
                  attempts=[Attempt(1, 503, None, 5.0), Attempt(2, 200, None, 7.0, 250.0)])
    bad = Exchange("GET", "http://h/get", [], status=404, elapsed_ms=8.0, attempts=[Attempt(1, 404, None, 8.0)])
    return [
        RequestResult(one, "passed", ok, [CheckResult("status", True, "200", "200")]),
        RequestResult(two, "failed", bad, [CheckResult("status", False, "200", "404")]),
    ]


def run_through(printer):
    items = results()
    printer.set_labels([r.planned.label for r in items])
    printer.start("demo", len(items), 1)
    for item in items:
        printer.request_started(item.planned)
        printer.request_finished(item)
    printer.summary(RunResult("demo", items, 0.0, 1500.0), ["junit out.xml"])


def test_plain_lines_when_not_a_terminal():
    stream = io.StringIO()
    run_through(RunPrinter(stream))
    out = stream.getvalue()
    assert out.splitlines() == [
        "demo: 2 requests",
        "PASS  list          GET 200     12 ms  1/1 checks  2 attempts",
        "FAIL  pets/get      GET 404      8 ms  0/1 checks",
        "      status: expected 200, got 404",
        "",
        "2 requests: 1 passed, 1 failed, 0 errors, 0 skipped | 1 retry | p50 8 ms | p95 12 ms | 1.5 s",
        "report: junit out.xml",
    ]


def test_verbose_shows_attempts_and_correlation_id():
    stream = io.StringIO()
    run_through(RunPrinter(stream, verbose=True))
    out = stream.getvalue()
    assert "id abc123" in out
    assert "attempt 1: 503, 5 ms" in out and "attempt 2: 200, 7 ms after 250 ms wait" in out
    assert "status: ok" in out


def test_live_progress_and_colour_on_a_terminal(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    stream = Terminal()
    run_through(RunPrinter(stream))
    out = stream.getvalue()
    assert "[0/2] 0 failures | running list" in out and "\r\033[2K" in out
    assert "\033[32mPASS" in out and "\033[31mFAIL" in out


def test_no_color_on_a_terminal(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    stream = Terminal()
    run_through(RunPrinter(stream))
    out = stream.getvalue()
    assert "\033[3" not in out  # no colours
    assert "[1/2]" in out  # progress still shown


def test_quiet_prints_failures_and_summary_only():
    stream = io.StringIO()
    run_through(RunPrinter(stream, quiet=True))
    out = stream.getvalue()
    assert "PASS" not in out and "demo: 2 requests" not in out
    assert "FAIL  pets/get" in out and "2 requests: 1 passed" in out
