"""Found by using `tui-api run` as a user would: each test pins one problem that was fixed.

Real local servers (the demo pet store) and real files; no wall-clock assertions.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tui_api.cli.main import main


def write(tmp_path: Path, text: str, name: str = "c.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_failed_check_quoting_a_secret_is_masked_on_stdout(tmp_path, demo_server, monkeypatch, capsys):
    """A failed check quotes what came back; /echo sends the bearer token back in the body, so
    without masking the terminal/CI log showed the secret (the reports were already masked)."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("TUI_API_SECRET_BEAR_TOKEN", "S1-bearer-SECRET")
    path = write(tmp_path, f"""\
        version: 1
        name: leaks
        auth_profiles:
          bear: {{kind: bearer}}
        requests:
          - name: echo
            url: "{demo_server.base_url}/echo"
            auth: bear
            expect: {{json: {{"$.headers.Authorization": "nope"}}}}
          - name: by var
            url: "{demo_server.base_url}/echo?k={{{{api_token}}}}"
            expect: {{json: {{"$.query": "nope"}}}}
        """)
    code = main(["run", str(path), "--verbose", "--var", "api_token=S2-var-SECRET",
                 "--report", f"junit:{tmp_path / 'j.xml'}"])
    captured = capsys.readouterr()
    assert code == 1, captured.out + captured.err
    assert "json $.headers.Authorization" in captured.out  # the failure is still explained
    for secret in ("S1-bearer-SECRET", "S2-var-SECRET"):
        assert secret not in captured.out and secret not in captured.err
        assert secret not in (tmp_path / "j.xml").read_text()


@pytest.mark.parametrize("value", ["nan", "inf"])
def test_timeout_must_be_a_finite_positive_number(tmp_path, demo_server, capsys, value):
    path = write(tmp_path, f"""\
        version: 1
        requests:
          - {{name: a, url: "{demo_server.base_url}/pets"}}
        """)
    code = main(["run", str(path), "--timeout", value])
    err = capsys.readouterr().err
    assert code == 2
    assert "--timeout must be a positive number of seconds" in err


def test_debug_shows_the_traceback_of_a_collection_error_and_one_line_without(tmp_path, capsys):
    path = write(tmp_path, "version: '1'\nrequests: []\n")
    assert main(["run", str(path)]) == 2
    plain = capsys.readouterr().err
    assert "Traceback" not in plain
    # one problem: one line, not the same problem again as a list under it
    assert plain.count("version must be the number 1") == 1, plain
    assert plain.strip().count("\n") == 0, plain
    assert main(["run", str(path), "--debug"]) == 2
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_debug_shows_the_traceback_of_a_usage_error(tmp_path, capsys):
    path = write(tmp_path, "version: 1\nrequests: []\n")
    assert main(["run", str(path), "--jobs", "0", "--debug"]) == 2
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_wrong_or_unknown_options_stop_the_run_before_sending(tmp_path, demo_server, capsys):
    """`retries: -3`, `timeout: abc` or a typo like `retires:` were ignored in silence and the
    run went on with defaults; now they are load problems, each with its line, before anything
    is sent."""
    path = write(tmp_path, f"""\
        version: 1
        options: {{retries: -3, timeout: abc, retires: 5, correlation_header: "two words"}}
        requests:
          - name: a
            url: "{demo_server.base_url}/pets"
            options: {{timeout: 0, verify: "no", follow_redirect: true}}
        """)
    code = main(["run", str(path)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "(and 6 more problems)" in err
    for line in (":2: options.retries: must be a whole number, 0 or more, not -3",
                 ":2: options.timeout: must be a positive number of seconds, not 'abc'",
                 ":2: options.retires: unknown option 'retires' (did you mean 'retries'?)",
                 ":2: options.correlation_header: must be a header name",
                 ":6: requests[0].options.timeout: must be a positive number of seconds, not 0",
                 ":6: requests[0].options.verify: must be true or false, not 'no'",
                 ":6: requests[0].options.follow_redirect: unknown option 'follow_redirect'"):
        assert line in err, err


def test_valid_options_still_run(tmp_path, demo_server, capsys):
    path = write(tmp_path, f"""\
        version: 1
        options: {{retries: 0, timeout: 5, correlation_header: X-Trace, traceparent: true, breaker_cool_down: 0}}
        requests:
          - name: a
            url: "{demo_server.base_url}/pets"
            options: {{timeout: 2.5, follow_redirects: false, connect_timeout: 1}}
            expect: {{status: 200}}
        """)
    assert main(["run", str(path)]) == 0, capsys.readouterr()


def test_request_option_verify_false_is_honoured_and_only_for_that_request(tmp_path, capsys):
    """`import curl 'curl -k https://...'` writes `options: {verify: false}`; the runner ignored
    it, so the imported request failed on its self-signed certificate unless --insecure."""
    from servers.faulty import FaultyServer
    from servers.tls import self_signed_context

    with FaultyServer(tls=self_signed_context(tmp_path)) as server:
        path = write(tmp_path, f"""\
            version: 1
            options: {{retries: 0}}
            requests:
              - name: unverified
                url: "{server.url('/ok')}"
                options: {{verify: false}}
                expect: {{status: 200}}
              - name: verified
                url: "{server.url('/ok')}"
            """)
        code = main(["run", str(path)])
    out = capsys.readouterr().out
    assert "PASS  unverified" in out, out
    assert "ERR   verified" in out and "TLS certificate not trusted" in out, out
    assert code == 3


def test_missing_body_files_stop_the_run_before_sending(tmp_path, demo_server, capsys):
    """A body file that is not there made the request 'ERR not sent' mid-run (exit 3, as if the
    server had failed); it is a collection problem: exit 2, listed with the others, nothing sent."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "real.txt").write_text("hi")
    path = write(tmp_path, f"""\
        version: 1
        requests:
          - {{name: ok, method: POST, url: "{demo_server.base_url}/echo", body: {{file: data/real.txt}}}}
          - {{name: gone, method: POST, url: "{demo_server.base_url}/echo", body: {{file: data/gone.txt}}}}
          - {{name: later, method: POST, url: "{demo_server.base_url}/echo", body: {{file: "{{{{f}}}}"}}}}
          - name: upload
            method: POST
            url: "{demo_server.base_url}/echo"
            body: {{multipart: {{a: x, up: {{file: nothere.bin}}}}}}
        """)
    code = main(["run", str(path), "--var", "f=data/real.txt"])
    captured = capsys.readouterr()
    assert code == 2, captured.out + captured.err
    assert captured.out == ""  # nothing ran
    assert f"request 'gone': body.file: {tmp_path / 'data' / 'gone.txt'} does not exist" in captured.err
    assert f"request 'upload': multipart up: {tmp_path / 'nothere.bin'} does not exist" in captured.err
    assert "'ok'" not in captured.err and "'later'" not in captured.err


def test_schema_checks_against_a_spec_file_that_is_not_there_stop_the_run(tmp_path, demo_server, capsys):
    """A typo in `spec:` skipped every `schema: true` check (said only with --verbose) and the
    run passed; now it is a problem before sending. Without schema checks it does not matter."""
    text = f"""\
        version: 1
        spec: specs/petstore.yaml
        requests:
          - name: list
            operation: GET /pets
            url: "{demo_server.base_url}/pets"
            expect: {{status: 200, schema: SCHEMA}}
        """
    path = write(tmp_path, text.replace("SCHEMA", "true"))
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"spec: {tmp_path / 'specs' / 'petstore.yaml'} does not exist" in err, err
    write(tmp_path, text.replace("SCHEMA", "false"))
    assert main(["run", str(path)]) == 0, capsys.readouterr()
    spec = demo_server.write_spec(tmp_path / "specs")
    write(tmp_path, text.replace("SCHEMA", "true").replace("specs/petstore.yaml", f"specs/{spec.name}"))
    assert main(["run", str(path)]) == 0, capsys.readouterr()


@pytest.mark.parametrize("transport", ["httpx", "aiohttp"])
def test_redirects_are_hops_not_retries_and_odd_answers_read_in_one_line(tmp_path, capsys, transport):
    """A followed 302 showed as '2 attempts' and '1 retry' in the summary; an answer that is not
    HTTP printed aiohttp's caret diagram; a body that is not the gzip it claims said 'body broke off'."""
    from servers.oddities import OdditiesServer

    with OdditiesServer() as server:
        path = write(tmp_path, f"""\
            version: 1
            requests:
              - {{name: hops, url: "{server.url('/redirect/3')}", expect: {{status: 200}}}}
              - {{name: gzip, url: "{server.url('/bad-gzip')}"}}
              - {{name: junk, url: "{server.url('/not-http')}", options: {{idempotency_key: false}}}}
              - {{name: badloc, url: "{server.url('/bad-location')}"}}
            """)
        code = main(["run", str(path), "--retries", "0", "--transport", transport])
    out = capsys.readouterr().out
    lines = {line.split()[1]: line for line in out.splitlines() if line[:4] in ("PASS", "FAIL", "ERR ")}
    assert lines["hops"].startswith("PASS") and "attempts" not in lines["hops"], out
    assert "| 0 retries |" in out, out
    assert "could not be decoded as Content-Encoding: gzip" in lines["gzip"], out
    assert "not a valid HTTP response" in lines["junk"] or "illegal status line" in lines["junk"], out
    assert "^" not in lines["junk"] and "\\n" not in lines["junk"], out
    assert "redirected to an invalid URL" in lines["badloc"] and "broke the connection" not in lines["badloc"], out
    assert code == 3


def test_a_report_never_overwrites_the_collection_or_another_report(tmp_path, demo_server, monkeypatch, capsys):
    path = write(tmp_path, f"""\
        version: 1
        requests:
          - {{name: a, url: "{demo_server.base_url}/pets"}}
        """)
    before = path.read_bytes()
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(path), "--report", "junit:./c.yaml"]) == 2
    captured = capsys.readouterr()
    assert "that is the collection file" in captured.err and captured.out == ""
    assert path.read_bytes() == before
    assert main(["run", str(path), "--report", "junit:r.out", "--report", f"json:{tmp_path / 'r.out'}"]) == 2
    assert "the junit report goes to the same file" in capsys.readouterr().err
    assert not (tmp_path / "r.out").exists()


def test_variable_cycles_and_unset_env_variables_are_found_before_sending(tmp_path, demo_server, monkeypatch, capsys):
    """A definition loop made the request 'SKIP not sent' mid-run with exit 1 (as if a check had
    failed); an unset {{$env.X}} advised `--var $env.X=VALUE`, which does not set it."""
    monkeypatch.delenv("TUI_API_QA_UNSET", raising=False)
    path = write(tmp_path, f"""\
        version: 1
        variables: {{a: "{{{{b}}}}", b: "x{{{{a}}}}", fine: "{{{{base}}}}", base: "{demo_server.base_url}"}}
        requests:
          - {{name: loop, url: "{{{{fine}}}}/pets?x={{{{a}}}}"}}
          - {{name: env, url: "{{{{fine}}}}/pets?k={{{{$env.TUI_API_QA_UNSET}}}}"}}
        """)
    code = main(["run", str(path)])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == "", captured.out + captured.err
    assert "request 'loop': variable 'a' refers to itself: a -> b -> a" in captured.err
    assert "the environment variable TUI_API_QA_UNSET is not set" in captured.err
    assert "--var $env" not in captured.err
    monkeypatch.setenv("TUI_API_QA_UNSET", "1")
    assert main(["run", str(path), "--var", "a=1"]) == 0, capsys.readouterr()


def test_stdout_closed_by_its_reader_still_writes_the_reports(tmp_path, demo_server):
    """`tui-api run c.yaml | head -1`: the next line raised BrokenPipeError, reported as an
    'unexpected error', and the JUnit report was never written."""
    import os
    import subprocess
    import sys

    items = "\n".join(f'  - {{name: r{i}, url: "{demo_server.base_url}/pets"}}' for i in range(40))
    path = write(tmp_path, f'version: 1\nrequests:\n  - {{name: slow, url: "{demo_server.base_url}/delay?ms=400"}}\n'
                 + items + "\n")
    report = tmp_path / "junit.xml"
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    proc = subprocess.Popen([sys.executable, "-m", "tui_api", "run", str(path), "--report", f"junit:{report}"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # the reader goes away while the slow request is in flight
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0, err
    assert b"41 requests" in first
    assert "unexpected error" not in err and "BrokenPipe" not in err, err
    assert report.read_text().count("<testcase ") == 41


async def test_a_bug_in_one_request_is_that_request_s_error_not_the_run_s_end(demo_server):
    """An exception nobody translated (here from an auth provider) ended the whole run as an
    'unexpected error' with no summary and no reports; it is now that request's error."""
    from tui_api.core.collection.model import Collection, Request
    from tui_api.core.runner.engine import RunOptions, Runner
    from tui_api.core.runner.plan import build_plan

    def provider(profile):
        raise RuntimeError("provider bug")

    coll = Collection(name="t", items=[
        Request("broken", "GET", demo_server.base_url + "/pets", auth="p"),
        Request("fine", "GET", demo_server.base_url + "/pets"),
    ])
    plan = build_plan(coll, {})
    result = await Runner(coll, plan, variables={}, options=RunOptions(), auth_provider=provider).run()
    broken, fine = result.results
    assert broken.outcome == "error" and "internal error: RuntimeError: provider bug" in broken.message
    assert fine.outcome == "passed"
    assert result.exit_code() == 3


def test_report_bodies_are_masked_even_when_kept_as_base64():
    """Masking ran on text only: a binary body, or UTF-8 text cut mid-character by the report's
    body limit, went into the JSON report as base64 with its secrets intact."""
    import base64

    from tui_api.core.runner.reports import _body

    cut = '{"token": "S3-report-SECRET", "name": "Zoë"}'.encode()[:-3]  # ends inside 'ë'
    text = _body(cut, ["S3-report-SECRET"])
    assert text is not None and text["encoding"] == "utf-8"
    assert "S3-report-SECRET" not in text["data"] and text["data"].endswith('"Zo')
    binary = _body(b"\x89PNG\x00S3-report-SECRET\xff", ["S3-report-SECRET"])
    assert binary is not None and binary["encoding"] == "base64"
    assert b"S3-report-SECRET" not in base64.b64decode(binary["data"])


def test_a_secret_cut_by_the_body_limit_does_not_leave_its_first_half():
    from tui_api.core.runner.reports import _body

    body = _body(b'{"token": "S3-report-SEC', ["S3-report-SECRET"])
    assert body is not None and "S3-report" not in body["data"]


def test_a_check_message_shortened_inside_a_secret_keeps_none_of_it(tmp_path, demo_server, monkeypatch, capsys):
    """Check messages shorten long values with '…'; cut inside the echoed token, the first half
    of the secret stayed on stdout and in the JUnit report (masking looked for the whole value)."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    token = "S4-" + "x" * 200 + "-SECRET"
    monkeypatch.setenv("TUI_API_SECRET_BEAR_TOKEN", token)
    path = write(tmp_path, f"""\
        version: 1
        auth_profiles:
          bear: {{kind: bearer}}
        requests:
          - name: echo
            url: "{demo_server.base_url}/echo"
            auth: bear
            expect: {{json: {{"$.headers.Authorization": "nope"}}}}
        """)
    assert main(["run", str(path), "--report", f"junit:{tmp_path / 'j.xml'}"]) == 1
    out = capsys.readouterr().out
    assert '"Bearer ' in out and "…" in out  # the token was shortened
    assert "S4-xxxx" not in out and "S4-xxxx" not in (tmp_path / "j.xml").read_text()


def test_schema_true_without_an_operation_or_a_spec_stops_the_run(tmp_path, demo_server, capsys):
    """Such a check can never run: it was skipped (said only with --verbose) and counted as a pass."""
    path = write(tmp_path, f"""\
        version: 1
        requests:
          - {{name: no op, url: "{demo_server.base_url}/pets", expect: {{schema: true}}}}
          - {{name: with op, operation: GET /pets, url: "{demo_server.base_url}/pets", expect: {{schema: true}}}}
        """)
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert "request 'no op': 'schema: true' needs the request's 'operation: METHOD /path'" in err
    assert "'schema: true' needs 'spec:' in the collection" in err
    assert "'with op'" not in err


def test_urls_that_can_never_be_sent_stop_the_run_before_sending(tmp_path, demo_server, capsys):
    """ftp://, a space in the host (also through a variable), a port past 65535: each was an
    'ERR not sent' mid-run (exit 3) after the requests before it had gone out."""
    path = write(tmp_path, f"""\
        version: 1
        variables: {{host: "not a host", base: "{demo_server.base_url}"}}
        requests:
          - {{name: first, url: "{{{{base}}}}/pets", capture: {{id: "$[0].id"}}}}
          - {{name: ftp, url: "ftp://127.0.0.1/x"}}
          - {{name: spaces, url: "http://{{{{host}}}}/x"}}
          - {{name: port, url: "http://127.0.0.1:99999/x"}}
          - {{name: captured, url: "{{{{base}}}}/pets/{{{{id}}}}"}}
        """)
    code = main(["run", str(path)])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == "", captured.out + captured.err
    assert "3 problem(s)" in captured.err
    assert "request 'ftp': unsupported URL scheme 'ftp'" in captured.err
    assert "request 'spaces': the URL 'http://not a host/x' has an invalid host" in captured.err
    assert "request 'port': the URL 'http://127.0.0.1:99999/x' has port 99999" in captured.err


def test_schema_true_on_an_operation_the_spec_does_not_have_stops_the_run(tmp_path, demo_server, capsys):
    """`operation: listPets` (an operationId, not METHOD /path) was skipped on every response and
    passed; the spec is now opened before sending and the operation looked up."""
    spec = demo_server.write_spec(tmp_path)
    text = f"""\
        version: 1
        spec: {spec.name}
        requests:
          - {{name: a, operation: OPERATION, url: "{demo_server.base_url}/pets", expect: {{schema: true}}}}
          - {{name: b, operation: OPERATION, url: "{demo_server.base_url}/pets", expect: {{schema: true}}}}
        """
    path = write(tmp_path, text.replace("OPERATION", "listPets"))
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert "request 'a' (and 1 more): 'schema: true' cannot be checked: operation listPets not found" in err, err
    write(tmp_path, text.replace("OPERATION", "GET /pets"))
    assert main(["run", str(path), "--verbose"]) == 0
    assert "schema: ok" in capsys.readouterr().out
