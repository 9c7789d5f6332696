"""Full validation runs off the open path and turns findings into warnings, never failures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tui_api.core.spec import open_spec
from tui_api.core.spec.validate import validate_spec

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "specs"


def test_valid_spec_has_no_findings(specs_dir: Path) -> None:
    assert validate_spec(open_spec(str(specs_dir / "oai-v3.0-petstore.yaml"))) == []
    assert validate_spec(open_spec(str(specs_dir / "oai-v2-petstore-separate" / "spec" / "swagger.yaml"))) == []


def test_findings_become_warnings_with_a_pointer() -> None:
    doc = open_spec(str(FIXTURES / "yaml-quirks.yaml"))
    assert doc.warnings == []
    findings = doc.validate()
    assert findings == ["invalid spec: at /paths/~1events~1{id}#one/get/responses: Unevaluated properties are "
                        "not allowed ('on' was unexpected)"]
    assert doc.warnings == findings
    assert len(doc.operations) == 2  # still usable


def test_validator_failure_is_a_finding_too() -> None:
    findings = validate_spec(open_spec(str(FIXTURES / "broken" / "bad-ref.yaml")))
    assert len(findings) == 1 and findings[0].startswith("validation stopped") and "no-such-file.yaml" in findings[0]


def test_cli_validate_flag_reports_on_stderr(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "tui_api", "spec", str(FIXTURES / "yaml-quirks.yaml"), "--validate"],
                            capture_output=True, text=True, timeout=120, env={"TUI_API_HOME": str(tmp_path),
                                                                              "PATH": "/usr/bin:/bin", "NO_COLOR": "1"})
    assert result.returncode == 0
    assert "warning: invalid spec: at /paths/~1events~1{id}#one/get/responses" in result.stderr
    assert "getEvent" in result.stdout


def test_isolated_validation_in_a_child_process() -> None:
    doc = open_spec(str(FIXTURES / "yaml-quirks.yaml"))
    findings = validate_spec(doc, isolated=True)
    assert findings == validate_spec(doc, isolated=False)
    assert len(findings) == 1 and "('on' was unexpected)" in findings[0]


def test_validator_stopped_by_a_dangling_ref_names_the_ref_not_the_whole_spec(tmp_path: Path) -> None:
    """referencing's PointerToNowhere message quotes the entire document; the finding names the ref."""
    spec = tmp_path / "dangling.yaml"
    spec.write_text("openapi: 3.0.0\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n"
                    "        '200': {description: ok, content: {application/json: {schema: "
                    "{$ref: '#/components/schemas/Nope'}}}}\n")
    findings = validate_spec(open_spec(str(spec)))
    assert findings == ["validation stopped at $ref '/components/schemas/Nope': it cannot be resolved "
                        "(fix that $ref to validate the rest)"]
