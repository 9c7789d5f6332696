"""`tui-api run` end to end: exit codes, output, reports, bad input, Ctrl-C, no Textual."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tui_api.cli.main import main

REPO = Path(__file__).resolve().parents[3]


def write(tmp_path: Path, text: str, name: str = "c.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def passing(tmp_path, base):
    return write(tmp_path, f"""\
        version: 1
        name: smoke
        variables: {{base: "{base}"}}
        environments:
          local: {{who: local}}
        requests:
          - name: ok
            url: "{{{{base}}}}/ok"
            expect: {{status: 200, json: {{"$.ok": true, "$.items[*].id": [1, 2]}}, headers: {{Content-Type: json}}}}
            capture: {{first: "$.items[0].id"}}
          - folder: things
            requests:
              - name: item
                url: "{{{{base}}}}/item/{{{{first}}}}"
                expect: {{status: [200], json: {{"$.name": "item 1"}}}}
        """)


def test_all_pass_exit_0_with_lines_and_summary(tmp_path, faulty, capsys):
    code = main(["run", str(passing(tmp_path, faulty.base_url)), "--env", "local"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "PASS  ok" in out and "PASS  things/item" in out
    assert "2 requests: 2 passed, 0 failed, 0 errors, 0 skipped" in out
    assert "p50" in out and "p95" in out
    assert "\033[" not in out  # not a terminal: no colour, no progress line


def test_check_failure_exit_1_says_expected_and_actual(tmp_path, faulty, capsys):
    path = write(tmp_path, f"""\
        version: 1
        requests:
          - name: wrong
            url: "{faulty.url('/ok')}"
            expect: {{status: 201, json: {{"$.hits": {{gt: 5}}}}}}
        """)
    code = main(["run", str(path)])
    out = capsys.readouterr().out
    assert code == 1
    assert "FAIL  wrong" in out
    assert "status: expected 201, got 200" in out
    assert "json $.hits: expected > 5, got 1" in out


def test_unreachable_exit_3(tmp_path, capsys):
    path = write(tmp_path, """\
        version: 1
        requests:
          - {name: nowhere, url: "http://127.0.0.1:9/x"}
        """)
    assert main(["run", str(path), "--retries", "0"]) == 3
    assert "ERR   nowhere" in capsys.readouterr().out


def test_collection_errors_exit_2_list_every_problem_and_send_nothing(tmp_path, faulty, capsys):
    path = write(tmp_path, f"""\
        version: 1
        requests:
          - name: a
            url: "{faulty.url('/ok')}?x={{{{undefined_one}}}}"
          - name: b
            url: "{faulty.url('/ok')}"
            expect: {{json: {{"$[?(@.x)]": 1}}}}
          - name: c
            url: "{faulty.url('/ok')}?y={{{{undefined_two}}}}"
        """)
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert "undefined_one" in err and "undefined_two" in err and "filter" in err
    assert sum(faulty.hits.values()) == 0


def test_malformed_yaml_exit_2(tmp_path, capsys):
    path = write(tmp_path, "version: 1\nrequests: [\n")
    assert main(["run", str(path)]) == 2
    assert "error:" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--env", "nope"], "no such environment"),
        (["--var", "novalue"], "expected NAME=VALUE"),
        (["--rate", "fast"], "--rate"),
        (["--report", "xml:out.xml"], "junit:PATH or json:PATH"),
        (["--jobs", "0"], "--jobs"),
        (["--folder", "ghost"], "--folder ghost"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(tmp_path, faulty, capsys, args, expected):
    code = main(["run", str(passing(tmp_path, faulty.base_url)), *args])
    err = capsys.readouterr().err
    assert code == 2
    assert expected in err
    assert sum(faulty.hits.values()) == 0


def test_unwritable_report_path_exit_2_before_sending(tmp_path, faulty, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    code = main(["run", str(passing(tmp_path, faulty.base_url)), "--report", f"junit:{blocker}/sub/out.xml"])
    err = capsys.readouterr().err
    assert code == 2 and "cannot write" in err and err.count("\n") == 1
    assert sum(faulty.hits.values()) == 0


def test_reports_junit_and_json(tmp_path, faulty, capsys):
    path = write(tmp_path, f"""\
        version: 1
        name: reports
        variables: {{base: "{faulty.base_url}", api_token: "SUPERSECRET-123456"}}
        requests:
          - name: login
            url: "{{{{base}}}}/echo?token={{{{api_token}}}}"
            headers: {{Authorization: "Bearer {{{{api_token}}}}", X-Custom: "{{{{api_token}}}}"}}
            expect: {{status: 200}}
            capture: {{session_token: "$.headers.Authorization"}}
          - folder: pets
            requests:
              - name: bad
                url: "{{{{base}}}}/status/404"
                expect: {{status: 200}}
              - folder: deep
                requests:
                  - name: flaky
                    url: "{{{{base}}}}/flaky/1/503"
                    expect: {{status: 200}}
        """)
    junit, report = tmp_path / "out" / "junit.xml", tmp_path / "out" / "run.json"
    code = main(["run", str(path), "--report", f"junit:{junit}", "--report", f"json:{report}",
                 "--report-body-limit", "100000"])
    out = capsys.readouterr().out
    assert code == 1
    assert f"report: junit {junit}" in out

    tree = ET.parse(junit)  # valid XML
    suite = tree.getroot().find("testsuite")
    cases = suite.findall("testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        ("reports", "login"), ("pets", "bad"), ("pets/deep", "flaky")]
    assert suite.get("tests") == "3" and suite.get("failures") == "1"
    failure = cases[1].find("failure")
    assert failure is not None and "expected 200, got 404" in failure.get("message")
    assert cases[0].find("failure") is None and cases[2].find("failure") is None

    text = report.read_text()
    assert "SUPERSECRET-123456" not in text
    assert "SUPERSECRET-123456" not in junit.read_text()
    data = json.loads(text)
    assert data["exit_code"] == 1 and data["summary"]["requests"] == 3 and data["summary"]["retries"] == 1
    login = data["requests"][0]
    headers = dict(login["exchange"]["request"]["headers"])
    assert headers["authorization"].startswith("Bearer ") and "x-request-id" in headers
    assert login["exchange"]["correlation_id"] == headers["x-request-id"]
    assert login["captured"]["session_token"] != "Bearer SUPERSECRET-123456"
    flaky = data["requests"][2]
    assert [a["status"] for a in flaky["exchange"]["attempts"]] == [503, 200]
    assert data["requests"][1]["checks"][0]["expected"] == "200"


def test_report_body_limit_cuts_bodies(tmp_path, faulty, capsys):
    path = write(tmp_path, f"""\
        version: 1
        requests:
          - {{name: big, url: "{faulty.url('/big/100000')}"}}
        """)
    report = tmp_path / "r.json"
    assert main(["run", str(path), "--report", f"json:{report}", "--report-body-limit", "50"]) == 0
    response = json.loads(report.read_text())["requests"][0]["exchange"]["response"]
    assert len(response["body"]["data"]) == 50 and response["truncated"] and response["body_size"] == 100000


def test_quiet_and_verbose(tmp_path, faulty, capsys):
    path = passing(tmp_path, faulty.base_url)
    assert main(["run", str(path), "--quiet"]) == 0
    quiet = capsys.readouterr().out
    assert "PASS" not in quiet and "2 requests" in quiet
    assert main(["run", str(path), "--verbose"]) == 0
    verbose = capsys.readouterr().out
    assert "json $.ok: ok" in verbose and " id " in verbose


def test_idempotency_key_option_lets_post_retry(tmp_path, faulty, capsys):
    path = write(tmp_path, f"""\
        version: 1
        options: {{idempotency_key: true}}
        requests:
          - name: create
            method: POST
            url: "{faulty.url('/flaky/1/503')}"
            body: {{json: {{a: 1}}}}
            expect: {{status: 200}}
        """)
    assert main(["run", str(path), "--verbose"]) == 0
    out = capsys.readouterr().out
    assert "2 attempts" in out and "attempt 1: 503" in out
    keys = [h["Idempotency-Key"] for h in faulty.headers["/flaky/1/503"]]
    assert len(keys) == 2 and keys[0] == keys[1]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["NO_COLOR"] = "1"
    return env


def test_run_never_imports_textual(tmp_path, faulty):
    path = passing(tmp_path, faulty.base_url)
    code = (
        "import sys\n"
        "from tui_api.cli.main import main\n"
        f"rc = main(['run', {str(path)!r}, '--quiet'])\n"
        "try:\n    main(['run', '--help'])\nexcept SystemExit:\n    pass\n"
        "print('TEXTUAL' if any(m == 'textual' or m.startswith('textual.') for m in sys.modules) else 'CLEAN', rc)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=_env(),
                          cwd=REPO)
    assert proc.stdout.strip().splitlines()[-1] == "CLEAN 0", proc.stdout + proc.stderr


def test_ctrl_c_cancels_and_writes_reports(tmp_path, faulty):
    path = write(tmp_path, f"""\
        version: 1
        requests:
          - {{name: quick, url: "{faulty.url('/ok')}"}}
          - {{name: stuck, url: "{faulty.url('/stall/60')}"}}
          - {{name: later, url: "{faulty.url('/ok?later')}"}}
        """)
    junit = tmp_path / "j.xml"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui_api", "run", str(path), "--report", f"junit:{junit}", "--retries", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(), cwd=REPO)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("PASS"):
                break
        for _ in range(200):  # wait until the stalled request reached the server
            if faulty.hits.get("/stall/60"):
                break
            import time

            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "interrupted: 1 of 3 requests finished" in rest
    cases = ET.parse(junit).getroot().find("testsuite").findall("testcase")
    assert [c.find("skipped") is not None for c in cases] == [False, True, True]
    assert faulty.hits.get("/ok?later", 0) == 0


def test_auth_profile_is_applied_and_its_secret_never_reported(tmp_path, faulty, capsys, monkeypatch):
    monkeypatch.setenv("TUI_API_SECRET_TEAM_KEY", "team-secret-value-999")
    path = write(tmp_path, f"""\
        version: 1
        auth: team
        auth_profiles:
          team: {{kind: apikey, in: header, name: X-Team-Key}}
        requests:
          - name: with key
            url: "{faulty.url('/echo')}"
            expect: {{status: 200, json: {{"$.headers['X-Team-Key']": {{exists: true}}}}}}
          - name: without
            url: "{faulty.url('/echo?none')}"
            auth: none
        """)
    report = tmp_path / "r.json"
    code = main(["run", str(path), "--report", f"json:{report}"])
    assert code == 0, capsys.readouterr()
    assert faulty.headers["/echo"][0]["X-Team-Key"] == "team-secret-value-999"
    assert "X-Team-Key" not in faulty.headers["/echo?none"][0]
    text = report.read_text()
    assert "team-secret-value-999" not in text
    data = json.loads(text)
    assert data["requests"][0]["auth_profile"] == "team" and data["requests"][1]["auth_profile"] is None


def test_missing_auth_secret_is_exit_2_before_sending(tmp_path, faulty, capsys, monkeypatch):
    monkeypatch.delenv("TUI_API_SECRET_GHOSTLY_TOKEN", raising=False)
    path = write(tmp_path, f"""\
        version: 1
        auth_profiles:
          ghostly: {{kind: bearer}}
        requests:
          - {{name: needs token, url: "{faulty.url('/echo')}", auth: ghostly}}
        """)
    assert main(["run", str(path)]) == 2
    assert "ghostly" in capsys.readouterr().err
    assert sum(faulty.hits.values()) == 0


def test_json_report_is_streamed_in_plan_order_with_concurrency(tmp_path, faulty, capsys):
    lines = "\n".join(f'  - {{name: r{i}, url: "{faulty.url(f"/delay/{(5 - i) * 40}")}"}}' for i in range(5))
    path = tmp_path / "c.yaml"
    path.write_text(f"version: 1\nrequests:\n{lines}\n", encoding="utf-8")
    report = tmp_path / "r.json"
    assert main(["run", str(path), "--jobs", "5", "--report", f"json:{report}"]) == 0
    data = json.loads(report.read_text())
    assert [entry["name"] for entry in data["requests"]] == [f"r{i}" for i in range(5)]
    assert all(entry["exchange"]["response"]["body"]["data"].startswith('{"ok": true') for entry in data["requests"])
