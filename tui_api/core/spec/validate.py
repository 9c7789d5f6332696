"""Full validation against the OpenAPI/Swagger meta-schemas, as warnings, off the open path.

Real specs are often a little invalid (8 of 18 real specs here have genuine errors) and still
perfectly usable, so findings never stop a spec from opening: they are listed as warnings. The
validator is slow to import (~0.8 s) and to run on big specs (seconds), so it is imported here
only, and callers run `validate_spec` in a worker thread / background task.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tui_api.core.spec.loader import is_url

MAX_FINDINGS = 50
MAX_MESSAGE = 240


ISOLATE_FROM = 300  # operations: from this size on, validate in a child process by default
TIMEOUT = 300.0


def validate_spec(doc: Any, *, max_findings: int = MAX_FINDINGS, isolated: bool | None = None) -> list[str]:
    """Validation findings for an opened `SpecDocument`, one line each (at most `max_findings`,
    plus a line saying how many more). Never raises: a validator failure is itself a warning.

    `isolated` runs the validator in a child process (default: for big specs), because it is
    pure Python and takes seconds there: in a thread it would hold the GIL against the UI."""
    if isolated is None:
        isolated = len(getattr(doc, "operations", ())) >= ISOLATE_FROM
    if isolated:
        return _validate_in_child(doc.source, max_findings)
    try:
        from openapi_spec_validator.shortcuts import get_validator_cls
        from openapi_spec_validator.validation.exceptions import ValidatorDetectError
    except ImportError:  # pragma: no cover - it is a dependency, but never fail over a check
        return ["validation skipped: openapi-spec-validator is not installed"]
    document = doc.document
    base_uri = doc.source if is_url(doc.source) else Path(doc.source).resolve().as_uri()
    findings: list[str] = []
    try:
        cls = get_validator_cls(document)
        validator = cls(document, base_uri=base_uri)
        extra = 0
        for error in validator.iter_errors():
            if len(findings) >= max_findings:
                extra += 1
                continue
            findings.append(_describe(error))
        if extra:
            findings.append(f"... and {extra} more validation findings")
    except ValidatorDetectError:
        findings.append("validation skipped: the validator does not know this spec version")
    except RecursionError:
        findings.append("validation stopped: the validator recursed too deeply (circular schemas)")
    except Exception as exc:  # noqa: BLE001 - the validator's own crashes (e.g. on Kubernetes) are findings too
        ref = getattr(exc, "ref", None)
        if isinstance(ref, str):  # referencing's PointerToNowhere/Unresolvable: its text quotes the whole spec
            findings.append(f"validation stopped at $ref '{ref}': it cannot be resolved "
                            "(fix that $ref to validate the rest)")
        else:
            findings.append(f"validation stopped: the validator failed with {exc.__class__.__name__}: "
                            f"{_short(str(exc))}")
    return [f"invalid spec: {finding}" if not finding.startswith("validation ") else finding for finding in findings]


def _describe(error: Any) -> str:
    path = list(getattr(error, "absolute_path", None) or getattr(error, "path", None) or [])
    pointer = "/" + "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in path) if path else "/"
    return f"at {pointer}: {_short(getattr(error, 'message', str(error)))}"


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def _validate_in_child(source: str, max_findings: int) -> list[str]:
    import json
    import subprocess
    import sys

    try:
        result = subprocess.run(
            [sys.executable, "-m", "tui_api.core.spec.validate", source, str(max_findings)],
            capture_output=True, text=True, timeout=TIMEOUT, check=False,
        )
    except subprocess.TimeoutExpired:
        return [f"validation stopped: it took more than {TIMEOUT:g} s"]
    except OSError as exc:
        return [f"validation skipped: could not start the validator ({exc.strerror or exc})"]
    try:
        findings = json.loads(result.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return [f"validation stopped: the validator process failed ({_short(last)})"]
    return [str(f) for f in findings] if isinstance(findings, list) else []


def _main(argv: list[str]) -> int:
    """`python -m tui_api.core.spec.validate SOURCE [MAX]`: findings as one JSON list on stdout."""
    import json

    from tui_api.core.errors import TuiApiError
    from tui_api.core.spec.document import open_spec

    try:
        doc = open_spec(argv[0])
    except TuiApiError as exc:
        print(json.dumps([f"validation skipped: {exc}"]))
        return 0
    limit = int(argv[1]) if len(argv) > 1 else MAX_FINDINGS
    print(json.dumps(validate_spec(doc, max_findings=limit, isolated=False)))
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(_main(sys.argv[1:]))
