"""`tui-api run` on a headless machine: every kind's secret from TUI_API_SECRET_* variables, the
requests authenticated at a real local server, and no secret or token in any file the run wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys

SECRETS = {
    "TUI_API_SECRET_HKEY_KEY": "hdr-key-SECRET-1",
    "TUI_API_SECRET_QKEY_KEY": "qry-key-SECRET-2",
    "TUI_API_SECRET_BASIC_PASSWORD": "basic-SECRET-3",
    "TUI_API_SECRET_BEARER_TOKEN": "bearer-SECRET-4",
    "TUI_API_SECRET_DIGEST_PASSWORD": "digest-pw-123",
    "TUI_API_SECRET_OAUTH_CLIENT_SECRET": "s3cret-client-value",
}


def collection_text(base: str, token_url: str) -> str:
    return f"""\
version: 1
name: headless
auth_profiles:
  hkey: {{kind: apikey, name: X-Key}}
  qkey: {{kind: apikey, in: query, name: api_key}}
  basic: {{kind: basic, username: alice}}
  bearer: {{kind: bearer}}
  digest: {{kind: digest, username: dave}}
  oauth: {{kind: oauth2_client_credentials, token_url: "{token_url}", client_id: cli-id}}
requests:
  - {{name: header key, url: "{base}/echo/h", auth: hkey, expect: {{status: [200], json: {{"$.headers.x-key": {{matches: "^hdr-key-SECRET-[1]$"}}}}}}}}
  - {{name: query key, url: "{base}/echo/q", auth: qkey, expect: {{status: [200], json: {{"$.query.api_key": {{matches: "^qry-key-SECRET-[2]$"}}}}}}}}
  - {{name: basic, url: "{base}/echo/b", auth: basic, expect: {{status: [200]}}}}
  - {{name: bearer, url: "{base}/echo/t", auth: bearer, expect: {{status: [200], json: {{"$.headers.authorization": {{matches: "^Bearer bearer-SECRET-[4]$"}}}}}}}}
  - {{name: digest, url: "{base}/digest", auth: digest, expect: {{status: [200]}}}}
  - {{name: oauth one, url: "{base}/api/1", auth: oauth, expect: {{status: [200]}}}}
  - {{name: oauth two, url: "{base}/api/2", auth: oauth, expect: {{status: [200]}}}}
"""


def test_run_headless_with_env_secrets_and_nothing_on_disk(oauth_server, tmp_path, files_containing):
    home = tmp_path / "home"
    work = tmp_path / "work"
    work.mkdir()
    file = work / "headless.yaml"
    file.write_text(collection_text(oauth_server.base_url, oauth_server.token_url))
    assert files_containing("SECRET-1", work) == []  # the checks match by pattern, not by the literal
    env = {k: v for k, v in os.environ.items() if not k.startswith("TUI_API_")}
    env.update(SECRETS, TUI_API_HOME=str(home), PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    done = subprocess.run(
        [sys.executable, "-m", "tui_api", "run", str(file), "--report", f"json:{work / 'report.json'}",
         "--report", f"junit:{work / 'junit.xml'}", "--verbose"],
        env=env, capture_output=True, text=True, timeout=120, cwd=work,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert oauth_server.fetch_count == 1  # one token for both OAuth requests
    report = json.loads((work / "report.json").read_text())
    assert report  # written
    assert "MISSING" not in done.stdout
    leaked = {secret: files_containing(secret, home, work) for secret in SECRETS.values()}
    token = next(r["token"] for r in oauth_server.api_requests if r["token"])
    leaked["token"] = files_containing(token, home, work)
    assert {k: v for k, v in leaked.items() if v} == {}
    for secret in list(SECRETS.values()) + [token]:
        assert secret not in done.stdout + done.stderr
