"""Run reports: JUnit XML for CI systems and JSON with every exchange.

Secrets never reach a report: request headers are redacted (auth headers, cookies, API-key
headers named by the auth profiles), sensitive query parameters masked, captured values with
secret-looking names masked, and every literal secret value the run knows (auth profile secrets,
tokens, --var values named like secrets) masked wherever it appears, bodies included.
"""

from __future__ import annotations

import base64
import json
import os
import re
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from tui_api import __version__
from tui_api.core.collection.variables import looks_secret
from tui_api.core.http.exchange import Exchange
from tui_api.core.http.redact import MASK, mask_secrets, redact_headers, redact_url
from tui_api.core.runner.engine import RequestResult, RunResult

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _XML_BAD.sub("?", text)


def _seconds(ms: float) -> str:
    return f"{ms / 1000:.3f}"


def junit_xml(run: RunResult, secrets: Iterable[str] = ()) -> str:
    """One testsuite per run, one testcase per request; classname is the folder path."""
    secrets = list(secrets)
    failures = sum(1 for r in run.results if r.outcome == "failed")
    errors = sum(1 for r in run.results if r.outcome == "error")
    skipped = sum(1 for r in run.results if r.outcome == "skipped")
    counts = {"tests": str(len(run.results)), "failures": str(failures), "errors": str(errors),
              "skipped": str(skipped), "time": _seconds(run.elapsed_ms)}
    root = ET.Element("testsuites", {"name": "tui-api run", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": _xml_text(run.name), **counts,
                                              "timestamp": run.started_iso})
    for result in run.results:
        planned = result.planned
        classname = "/".join(planned.folder) or run.name
        ex = result.exchange
        case = ET.SubElement(suite, "testcase", {
            "name": _xml_text(planned.name),
            "classname": _xml_text(classname),
            "time": _seconds(ex.elapsed_ms if ex else 0.0),
        })
        if result.outcome == "failed":
            failed = result.failed_checks
            message = mask_secrets("; ".join(c.message for c in failed), secrets)
            element = ET.SubElement(case, "failure", {"message": _xml_text(message), "type": "check"})
            element.text = _xml_text("\n".join(mask_secrets(c.message, secrets) for c in failed))
        elif result.outcome == "error":
            kind = (ex.error_kind if ex and ex.error_kind else "error")
            element = ET.SubElement(case, "error", {"message": _xml_text(mask_secrets(result.message, secrets)),
                                                    "type": kind})
            element.text = _xml_text(mask_secrets(result.message, secrets))
        elif result.outcome == "skipped":
            ET.SubElement(case, "skipped", {"message": _xml_text(mask_secrets(result.message, secrets))})
        if ex is not None:
            out = [f"{ex.method} {redact_url(ex.url)} -> {ex.status if ex.status is not None else 'no response'}"
                   f" in {ex.elapsed_ms:.0f} ms"]
            if ex.correlation_id:
                out.append(f"correlation id: {ex.correlation_id}")
            if len(ex.attempts) > 1:
                for attempt in ex.attempts:
                    out.append(f"attempt {attempt.number}: {attempt.status or attempt.error}"
                               f" after {attempt.waited_ms:.0f} ms wait")
            ET.SubElement(case, "system-out").text = _xml_text(mask_secrets("\n".join(out), secrets))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _body(data: bytes | None, secrets: list[str]) -> dict[str, Any] | None:
    """Masked before encoding: a body kept as base64 (binary, or text cut mid-character by the
    body limit) used to carry its secrets unmasked, since masking only ran on text."""
    if data is None:
        return None
    for secret in secrets:
        if secret and len(secret) >= 4:
            raw = secret.encode("utf-8")
            data = data.replace(raw, MASK.encode("utf-8"))
            for size in range(min(len(raw) - 1, len(data)), 3, -1):  # a secret cut by the limit
                if data.endswith(raw[:size]):
                    data = data[:-size] + MASK.encode("utf-8")
                    break
    text = _utf8(data)
    if text is None:
        return {"encoding": "base64", "data": base64.b64encode(data).decode()}
    return {"encoding": "utf-8", "data": text}


def _utf8(data: bytes) -> str | None:
    """UTF-8 text, allowing one character cut off at the end (a truncated body)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        start, reason = exc.start, exc.reason
    if start < len(data) - 3 or reason != "unexpected end of data":
        return None
    try:
        return data[:start].decode("utf-8")
    except UnicodeDecodeError:
        return None


def _exchange(ex: Exchange, secrets: list[str], secret_headers: tuple[str, ...]) -> dict[str, Any]:
    return {
        "request": {
            "method": ex.method,
            "url": mask_secrets(redact_url(ex.url), secrets),
            "headers": [[k, mask_secrets(v, secrets)] for k, v in redact_headers(ex.request_headers, secret_headers)],
            "body": _body(ex.request_body, secrets),
        },
        "response": None if ex.status is None else {
            "status": ex.status,
            "reason": ex.reason,
            "http_version": ex.http_version,
            "headers": [[k, mask_secrets(v, secrets)] for k, v in redact_headers(ex.headers, secret_headers)],
            "body": _body(ex.body, secrets),
            "body_size": ex.body_size,
            "truncated": ex.truncated,
        },
        "started_at": ex.started_at,
        "elapsed_ms": round(ex.elapsed_ms, 3),
        "error": mask_secrets(ex.error, secrets) if ex.error else None,
        "error_kind": ex.error_kind,
        "correlation_id": ex.correlation_id,
        "attempts": [
            {"number": a.number, "status": a.status, "error": a.error,
             "elapsed_ms": round(a.elapsed_ms, 3), "waited_ms": round(a.waited_ms, 3)}
            for a in ex.attempts
        ],
    }


def _result(result: RequestResult, secrets: list[str], secret_headers: tuple[str, ...]) -> dict[str, Any]:
    planned = result.planned
    entry: dict[str, Any] = {
        "name": planned.name,
        "folder": list(planned.folder),
        "outcome": result.outcome,
        "message": mask_secrets(result.message, secrets) if result.message else "",
        "auth_profile": planned.auth,
        "checks": [{**c.to_dict(), "actual": mask_secrets(c.actual, secrets),
                    "message": mask_secrets(c.message, secrets)} for c in result.checks],
        "captured": {k: (MASK if looks_secret(k) else mask_secrets(v, secrets)) for k, v in result.captured.items()},
    }
    entry["exchange"] = _exchange(result.exchange, secrets, secret_headers) if result.exchange else None
    return entry


def _secret_list(secrets: Iterable[str]) -> list[str]:
    return sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)


def _head(run: RunResult) -> dict[str, Any]:
    counts = {k: sum(1 for r in run.results if r.outcome == k) for k in ("passed", "failed", "error", "skipped")}
    return {
        "tool": "tui-api",
        "version": __version__,
        "collection": run.name,
        "started_at": run.started_iso,
        "elapsed_ms": round(run.elapsed_ms, 3),
        "interrupted": run.interrupted,
        "exit_code": run.exit_code(),
        "summary": {"requests": len(run.results), **counts, "retries": run.retries,
                    "p50_ms": run.percentile(0.5), "p95_ms": run.percentile(0.95)},
    }


def json_report(run: RunResult, secrets: Iterable[str] = (), secret_headers: tuple[str, ...] = ()) -> str:
    """The whole report as one string (small runs, tests); `JsonReportSpool` for big ones."""
    secret_list = _secret_list(secrets)
    document = {**_head(run), "requests": [_result(r, secret_list, secret_headers) for r in run.results]}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


class JsonReportSpool:
    """Builds the JSON report without holding every body in memory: each finished request is
    serialised (secrets masked) into a temporary spool file as it finishes, after which the
    caller may drop its bodies; `chunks()` then streams the document in plan order, masking
    again with the secrets known at the end (an OAuth token fetched mid-run, for one)."""

    _PLACEHOLDER = "__tui_api_requests__"

    def __init__(self, secrets: Callable[[], Iterable[str]], secret_headers: tuple[str, ...] = ()) -> None:
        self._secrets = secrets
        self._secret_headers = secret_headers
        self._file = tempfile.TemporaryFile()
        self._where: dict[int, tuple[int, int]] = {}

    def add(self, result: RequestResult) -> None:
        entry = _result(result, _secret_list(self._secrets()), self._secret_headers)
        data = json.dumps(entry, ensure_ascii=False, indent=2).encode()
        offset = self._file.seek(0, os.SEEK_END)
        self._file.write(data)
        self._where[result.planned.index] = (offset, len(data))

    def chunks(self, run: RunResult) -> Iterator[bytes]:
        secrets = _secret_list(self._secrets())
        head = json.dumps({**_head(run), "requests": self._PLACEHOLDER}, ensure_ascii=False, indent=2)
        before, after = head.split(json.dumps(self._PLACEHOLDER), 1)
        yield before.encode() + b"["
        for number, result in enumerate(run.results):
            where = self._where.get(result.planned.index)
            if where is None:  # never ran (skipped, interrupted): nothing big to hold
                text = json.dumps(_result(result, secrets, self._secret_headers), ensure_ascii=False, indent=2)
            else:
                self._file.seek(where[0])
                text = mask_secrets(self._file.read(where[1]).decode(), secrets)
            yield (b"\n" if number == 0 else b",\n") + text.encode()
        yield b"\n]" + after.encode() + b"\n"

    def close(self) -> None:
        self._file.close()
